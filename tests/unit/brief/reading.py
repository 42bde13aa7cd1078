"""Read a rendered brief back the way a reader meets it: headings, paragraphs, tables, footer."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.oxml.ns import qn


def open_brief(blob: bytes) -> Any:
    return Document(io.BytesIO(blob))


def headings(document: Any, level: int = 1) -> list[str]:
    name = f"Heading {level}"
    return [p.text for p in document.paragraphs if p.style.name == name]


def paragraph_texts(document: Any) -> list[str]:
    return [p.text for p in document.paragraphs]


def table_starting_with(document: Any, first_heading: str) -> Any:
    for table in document.tables:
        if table.rows[0].cells[0].text == first_heading:
            return table
    raise AssertionError(f"no table whose first column is {first_heading!r}")


def rows_text(table: Any) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def facts(table: Any) -> dict[str, str]:
    return {row.cells[0].text: row.cells[1].text for row in table.rows}


def repeats_as_header(row: Any) -> bool:
    tr_pr = row._tr.trPr
    return tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None


def footer_text(document: Any) -> str:
    return "\n".join(p.text for p in document.sections[0].footer.paragraphs)


def footer_fields(document: Any) -> list[str]:
    element = document.sections[0].footer._element
    return [node.text.strip() for node in element.iter(qn("w:instrText"))]
