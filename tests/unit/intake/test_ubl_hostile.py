"""Hostile and broken XML is refused with 400, quickly, without resolving anything."""

import contextlib
import os
import threading
import time
from pathlib import Path

import pytest

from app.intake import MAX_XML_BYTES, IntakeError, order_from_ubl

from .ubl_builders import document

ORDER_OPEN = b'<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2">'

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE Order [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2">&lol9;</Order>
"""


def refused_quickly(data: bytes, seconds: float = 1.0) -> IntakeError:
    """The IntakeError the document raises, asserting it comes within ``seconds``.

    Runs in a thread so a parser that blocks (on a FIFO it should never open) fails the test
    instead of hanging it.
    """
    outcome: list[BaseException | dict] = []

    def run() -> None:
        try:
            outcome.append(order_from_ubl(data))
        except BaseException as exc:
            outcome.append(exc)

    started = time.perf_counter()
    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    elapsed = time.perf_counter() - started
    assert not worker.is_alive(), f"order_from_ubl still running after {seconds} s"
    assert elapsed < seconds
    (result,) = outcome
    assert isinstance(result, IntakeError), f"expected a refusal, got {result!r}"
    return result


def test_billion_laughs_is_refused_with_400_within_a_second():
    error = refused_quickly(BILLION_LAUGHS)

    assert error.status == 400
    assert "DTD" in error.errors["document"][0]


def test_an_external_entity_is_refused_without_reading_the_file(tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-7f3a")
    data = (
        f'<?xml version="1.0"?><!DOCTYPE Order [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        '<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2">'
        "<cbc:ID xmlns:cbc='urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2'>"
        "&xxe;</cbc:ID></Order>"
    ).encode()

    error = refused_quickly(data)

    assert error.status == 400
    assert "TOP-SECRET" not in str(error.errors) + str(error)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
@pytest.mark.parametrize(
    "template",
    [
        '<!DOCTYPE Order [<!ENTITY xxe SYSTEM "file://{path}">]><Order>&xxe;</Order>',
        '<!DOCTYPE Order [<!ENTITY % xxe SYSTEM "file://{path}"> %xxe;]><Order/>',
        '<!DOCTYPE Order SYSTEM "file://{path}"><Order/>',
    ],
    ids=["general entity", "parameter entity", "external DTD"],
)
def test_external_references_are_never_opened(tmp_path: Path, template: str):
    # A named pipe blocks whoever opens it for reading until a writer comes: a parser that
    # followed the reference would hang here instead of answering within the second.
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    try:
        error = refused_quickly(template.format(path=pipe).encode())
    finally:
        # Release a reader stuck on the pipe, if any, so a failure does not hang the session.
        with contextlib.suppress(OSError):
            os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))

    assert error.status == 400


def test_a_document_over_the_size_limit_is_refused_before_parsing():
    data = document() + b" " * (MAX_XML_BYTES + 1 - len(document()))

    error = refused_quickly(data)

    assert len(data) == MAX_XML_BYTES + 1
    assert error.status == 400
    assert str(MAX_XML_BYTES) in error.errors["document"][0]


def test_a_document_of_exactly_the_size_limit_is_read():
    data = document() + b" " * (MAX_XML_BYTES - len(document()))

    assert order_from_ubl(data)["po_number"] == "PO-5521"


@pytest.mark.parametrize(
    "data",
    [b"", b"   \n", b'{"po_number": "PO-1"}', b"po_number,sku\nPO-1,A-100\n", b"\xff\xfe\x00<"],
    ids=["empty", "blank", "json", "csv", "binary"],
)
def test_bytes_that_are_not_xml_are_refused_with_400(data):
    error = refused_quickly(data)

    assert error.status == 400
    assert set(error.errors) == {"document"}


def test_a_truncated_document_is_refused_with_400():
    data = document()[:-20]

    assert refused_quickly(data).status == 400


def test_an_unclosed_order_element_is_refused_with_400():
    assert refused_quickly(ORDER_OPEN).status == 400
