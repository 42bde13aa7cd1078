"""The brief laid out by a real word processor: LibreOffice turns it into a PDF we can count.

A 50-term brief (3 versions, options, notes, promises) should fill 5 pages on A4 and on Letter.
If this number moves, look at the pages (``pdftoppm -png -r 60``) before changing it: a jump
usually means a table stopped fitting the width or a style was lost.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from terms.brief import render_brief

from .builders import brief_data

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="soffice is not on PATH"),
]

EXPECTED_PAGES = {"A4": 5, "Letter": 5}
MEDIA_BOX = {"A4": (595.3, 841.9), "Letter": (612.0, 792.0)}


def _to_pdf(docx: Path, workdir: Path) -> Path:
    soffice = shutil.which("soffice")
    assert soffice is not None
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(workdir / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(workdir),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    pdf = workdir / f"{docx.stem}.pdf"
    assert pdf.exists(), "LibreOffice made no PDF"
    return pdf


def _page_count(pdf: bytes) -> int:
    page_objects = len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", pdf))
    tree = re.search(rb"/Type\s*/Pages\b.*?/Count\s+(\d+)", pdf, re.DOTALL)
    assert tree is not None, "no page tree in the PDF"
    assert int(tree.group(1)) == page_objects
    return page_objects


def _media_box(pdf: bytes) -> tuple[float, float]:
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert box is not None
    return float(box.group(1)), float(box.group(2))


@pytest.mark.parametrize("page_size", ["A4", "Letter"])
def test_fifty_term_brief_lays_out_on_the_expected_number_of_pages(
    page_size: str, tmp_path: Path
) -> None:
    docx = tmp_path / f"brief-{page_size}.docx"
    docx.write_bytes(render_brief(brief_data(terms=50, versions=3, page_size=page_size)))
    pdf = _to_pdf(docx, tmp_path).read_bytes()
    assert _page_count(pdf) == EXPECTED_PAGES[page_size]
    width, height = _media_box(pdf)
    assert (round(width, 1), round(height, 1)) == MEDIA_BOX[page_size]
