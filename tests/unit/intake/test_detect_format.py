"""Telling CSV, JSON Lines and UBL uploads apart."""

import pytest

from app.intake import IntakeError, detect_format


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("orders.jsonl", "jsonl"),
        ("orders.NDJSON", "jsonl"),
        ("orders.csv", "csv"),
        ("C:\\exports\\PO-5521.XML", "ubl"),
        ("po.ubl", "ubl"),
    ],
)
def test_the_file_extension_decides_first(filename, expected):
    assert detect_format(filename, "application/octet-stream", b"whatever") == expected


def test_the_extension_wins_over_a_vague_content_type_from_a_browser():
    assert detect_format("orders.csv", "application/vnd.ms-excel", b"{") == "csv"


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("application/x-ndjson", "jsonl"),
        ("application/jsonl; charset=utf-8", "jsonl"),
        ("text/csv; charset=utf-8", "csv"),
        ("TEXT/CSV", "csv"),
        ("application/xml", "ubl"),
        ("text/xml", "ubl"),
        ("application/ubl+xml", "ubl"),
    ],
)
def test_the_content_type_decides_when_the_name_does_not(content_type, expected):
    assert detect_format("upload", content_type, b"") == expected


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b'<?xml version="1.0"?><Order', "ubl"),
        (b"\xef\xbb\xbf  <Order", "ubl"),
        ('<?xml version="1.0"?>'.encode("utf-16"), "ubl"),
        (b'\n{"po_number": "PO-1"}\n', "jsonl"),
        (b"deal_id,po_number,order_date\n12,PO-1", "csv"),
        (b"\xef\xbb\xbfsku,quantity", "csv"),
    ],
)
def test_otherwise_the_first_bytes_are_sniffed(head, expected):
    assert detect_format(None, None, head) == expected
    assert detect_format("upload.bin", "application/octet-stream", head) == expected


@pytest.mark.parametrize("head", [b"", b"hello world", b'["po_number"]', b"\x00\x01\x02"])
def test_an_upload_whose_format_cannot_be_told_is_415(head):
    with pytest.raises(IntakeError) as caught:
        detect_format("upload", "text/plain", head)

    assert caught.value.status == 415
    assert set(caught.value.errors) == {"document"}
