"""The brief read by a second, independent reader (docx2python), as a text extractor sees it."""

from __future__ import annotations

import io

from docx2python import docx2python

from terms.brief import SECTION_TITLES, render_brief

from .builders import AUDIT_HEAD, DIGEST, brief_data, term


def _read(blob: bytes) -> tuple[str, list[list[list[list[str]]]], str, str]:
    with docx2python(io.BytesIO(blob)) as content:
        footer = "\n".join(
            paragraph
            for table in content.footer
            for row in table
            for cell in row
            for paragraph in cell
        )
        header = "\n".join(
            paragraph
            for table in content.header
            for row in table
            for cell in row
            for paragraph in cell
        )
        return content.text, content.body, footer, header


def test_sections_come_in_reading_order_in_the_extracted_text() -> None:
    text, _, _, _ = _read(render_brief(brief_data(terms=50, versions=3)))
    positions = [text.index(f"\n{title}\n") for title in SECTION_TITLES]
    assert positions == sorted(positions)
    assert text.index("Terms brief: Acme 2027 supply") < positions[0]


def test_every_term_row_is_in_the_terms_table() -> None:
    _, body, _, _ = _read(render_brief(brief_data(terms=50, versions=3)))
    tables = [block for block in body if block and block[0][0] == ["Term"]]
    assert len(tables) == 1
    rows = tables[0]
    assert len(rows) == 51
    for n, row in enumerate(rows[1:], start=1):
        expected = term(n)
        cells = ["\n".join(cell) for cell in row]
        assert cells[0] == expected.kind_label
        assert cells[1] == expected.agreed
        assert cells[2] == (expected.standard or "No standard")
        assert cells[3] == expected.window
        assert cells[4] == expected.note
        assert cells[5] == f"{expected.agreed_by}\n{expected.agreed_on.isoformat()}"


def test_option_decision_line_is_extracted_whole() -> None:
    text, _, _, _ = _read(render_brief(brief_data()))
    assert "Extended warranty — DECLINED — signed by Jane Buyer, 2026-11-20 17:04 UTC" in text


def test_footer_and_header_text() -> None:
    _, _, footer, header = _read(render_brief(brief_data(versions=2)))
    assert "Terms version 2, in force from 2027-01-01" in footer
    assert f"Version digest: {DIGEST}" in footer
    assert f"Audit head at generation: {AUDIT_HEAD}" in footer
    assert "Page 1 of 1" in footer  # the fields' cached results; Word and LibreOffice recompute
    assert "Acme Tools · OPP-981 · version 2" in header
