"""Real Word styles from the packaged template, and nothing wider than the page on A4 or Letter."""

from __future__ import annotations

import importlib.util
import io
import re
import zipfile
from pathlib import Path

import pytest
from docx.oxml.ns import qn
from docx.shared import Mm

from terms.brief import render_brief

from .builders import brief_data
from .reading import open_brief

REPO = Path(__file__).resolve().parents[3]
TEMPLATE = REPO / "terms" / "templates" / "brief.docx"
TOOL = REPO / "tools" / "make_brief_template.py"


@pytest.mark.parametrize(
    ("page_size", "width_mm", "height_mm"), [("A4", 210, 297), ("Letter", 215.9, 279.4)]
)
def test_page_is_portrait_of_the_asked_size(
    page_size: str, width_mm: float, height_mm: float
) -> None:
    section = open_brief(render_brief(brief_data(page_size=page_size))).sections[0]
    assert abs(section.page_width - Mm(width_mm)) < Mm(0.5)
    assert abs(section.page_height - Mm(height_mm)) < Mm(0.5)


def test_an_unknown_page_size_is_refused() -> None:
    with pytest.raises(ValueError, match="A4 or Letter"):
        render_brief(brief_data(page_size="A5"))


@pytest.mark.parametrize("page_size", ["A4", "Letter"])
def test_every_table_has_fixed_columns_that_fit_the_text_width(page_size: str) -> None:
    document = open_brief(render_brief(brief_data(terms=50, versions=3, page_size=page_size)))
    section = document.sections[0]
    text_width_twips = (section.page_width - section.left_margin - section.right_margin) / 635
    assert document.tables
    for table in document.tables:
        tbl = table._tbl
        layout = tbl.tblPr.find(qn("w:tblLayout"))
        assert layout is not None and layout.get(qn("w:type")) == "fixed"
        grid = [int(col.get(qn("w:w"))) for col in tbl.tblGrid.iter(qn("w:gridCol"))]
        assert sum(grid) <= text_width_twips
        for row in tbl.tr_lst:
            widths = [int(tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) for tc in row.tc_lst]
            assert widths == grid


def test_headings_and_tables_use_real_word_styles() -> None:
    document = open_brief(render_brief(brief_data()))
    used = {p.style.name for p in document.paragraphs}
    assert {"Title", "Heading 1", "Heading 2", "List Bullet", "List Number"} <= used
    assert {table.style.name for table in document.tables} == {"Brief Table", "Brief Facts"}


def test_every_style_the_brief_refers_to_is_defined() -> None:
    with zipfile.ZipFile(io.BytesIO(render_brief(brief_data()))) as archive:
        styles = archive.read("word/styles.xml").decode()
        defined = set(re.findall(r'w:styleId="([^"]+)"', styles))
        for part in ("word/document.xml", "word/header1.xml", "word/footer1.xml"):
            xml = archive.read(part).decode()
            used = set(re.findall(r'<w:(?:pStyle|rStyle|tblStyle) w:val="([^"]+)"', xml))
            assert used <= defined, (part, used - defined)


def test_digests_are_set_in_a_small_monospace_font() -> None:
    document = open_brief(render_brief(brief_data()))
    digest = document.styles["Digest"]
    assert digest.font.name == "Courier New"
    assert digest.font.size.pt <= 8
    footer_runs = [r for p in document.sections[0].footer.paragraphs for r in p.runs]
    assert [r.style.name for r in footer_runs if len(r.text) == 64] == ["Digest", "Digest"]
    # In table cells LibreOffice needs the font on the run as well as in the style.
    title_block = document.tables[0]
    digest_runs = [
        run
        for row in title_block.rows
        for paragraph in row.cells[1].paragraphs
        for run in paragraph.runs
        if len(run.text) == 64
    ]
    assert [(r.style.name, r.font.name) for r in digest_runs] == [("Digest", "Courier New")] * 2


def test_packaged_template_is_what_the_tools_script_makes() -> None:
    spec = importlib.util.spec_from_file_location("make_brief_template", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.build_template() == TEMPLATE.read_bytes(), (
        "terms/templates/brief.docx is stale: run tools/make_brief_template.py"
    )
