"""Generate terms/templates/brief.docx, the Word template of the terms brief.

Run from the repository root:  .venv/bin/python tools/make_brief_template.py

The template holds everything about the brief that is look rather than content: page set-up,
the Word styles the renderer refers to by id, list numbering, the running header and the footer
with its PAGE / NUMPAGES fields. Its header and footer carry placeholders written «like_this»,
each alone in its own run, which terms.brief replaces when it renders a brief.

It starts from python-docx's built-in document and keeps only what the brief uses: that
document carries 160-odd styles (two copies of them, 880 kB of XML) plus a thumbnail and a
custom XML part, and parsing them again on every render would cost more than the brief itself.
The output is byte-for-byte reproducible, so a change to it shows up as a reviewable diff of
this script.
"""

from __future__ import annotations

import argparse
import io
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Twips

from terms.brief import repack_docx

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "terms" / "templates" / "brief.docx"

# Page: A4 with 20 mm side margins, so the text is 170 mm (9638 twips) wide. The renderer sizes
# every table to that width, which also fits Letter (its text is 175.9 mm wide).
A4_WIDTH, A4_HEIGHT = 11906, 16838
SIDE_MARGIN = 1134
TOP_MARGIN = 1134
BOTTOM_MARGIN = 1304
HEADER_DISTANCE = 567
FOOTER_DISTANCE = 454
TEXT_WIDTH = A4_WIDTH - 2 * SIDE_MARGIN

FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)

BODY_FONT = "Calibri"
MONO_FONT = "Courier New"
INK = "1F2933"
NAVY = "1F3864"
BLUE = "2E5395"
GREY = "595959"
RULE = "BFC5CC"
BAND = "EEF2F7"
ALERT = "C00000"


def _fonts(name: str) -> str:
    return f'<w:rFonts w:ascii="{name}" w:hAnsi="{name}" w:eastAsia="{name}" w:cs="{name}"/>'


def _size(half_points: int) -> str:
    return f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'


# Each style is written out in full; every style the renderer or Word needs is here and nothing
# else is kept. Property elements follow the schema order (Word is strict about it).
STYLES: tuple[str, ...] = (
    # Paragraph styles -------------------------------------------------------------------------
    """<w:style w:type="paragraph" w:default="1" w:styleId="Normal">
      <w:name w:val="Normal"/><w:qFormat/>
    </w:style>""",
    f"""<w:style w:type="paragraph" w:styleId="Title">
      <w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>
      <w:link w:val="TitleChar"/><w:uiPriority w:val="10"/><w:qFormat/>
      <w:pPr><w:keepNext/><w:spacing w:before="0" w:after="60" w:line="240" w:lineRule="auto"/>
        <w:contextualSpacing/></w:pPr>
      <w:rPr><w:b/><w:bCs/><w:color w:val="{NAVY}"/><w:kern w:val="28"/>{_size(44)}</w:rPr>
    </w:style>""",
    f"""<w:style w:type="paragraph" w:styleId="Subtitle">
      <w:name w:val="Subtitle"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>
      <w:link w:val="SubtitleChar"/><w:uiPriority w:val="11"/><w:qFormat/>
      <w:pPr><w:keepNext/><w:spacing w:before="0" w:after="200"/></w:pPr>
      <w:rPr><w:color w:val="{GREY}"/>{_size(26)}</w:rPr>
    </w:style>""",
    f"""<w:style w:type="paragraph" w:styleId="Heading1">
      <w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>
      <w:link w:val="Heading1Char"/><w:uiPriority w:val="9"/><w:qFormat/>
      <w:pPr><w:keepNext/><w:keepLines/>
        <w:pBdr><w:bottom w:val="single" w:sz="6" w:space="2" w:color="{RULE}"/></w:pBdr>
        <w:spacing w:before="320" w:after="120"/><w:outlineLvl w:val="0"/></w:pPr>
      <w:rPr><w:b/><w:bCs/><w:color w:val="{NAVY}"/>{_size(28)}</w:rPr>
    </w:style>""",
    f"""<w:style w:type="paragraph" w:styleId="Heading2">
      <w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>
      <w:link w:val="Heading2Char"/><w:uiPriority w:val="9"/><w:unhideWhenUsed/><w:qFormat/>
      <w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="200" w:after="60"/>
        <w:outlineLvl w:val="1"/></w:pPr>
      <w:rPr><w:b/><w:bCs/><w:color w:val="{BLUE}"/>{_size(22)}</w:rPr>
    </w:style>""",
    f"""<w:style w:type="paragraph" w:styleId="Header">
      <w:name w:val="header"/><w:basedOn w:val="Normal"/><w:link w:val="HeaderChar"/>
      <w:uiPriority w:val="99"/><w:unhideWhenUsed/>
      <w:pPr><w:tabs><w:tab w:val="right" w:pos="{TEXT_WIDTH}"/></w:tabs>
        <w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>
      <w:rPr><w:color w:val="{GREY}"/>{_size(16)}</w:rPr>
    </w:style>""",
    f"""<w:style w:type="paragraph" w:styleId="Footer">
      <w:name w:val="footer"/><w:basedOn w:val="Normal"/><w:link w:val="FooterChar"/>
      <w:uiPriority w:val="99"/><w:unhideWhenUsed/>
      <w:pPr><w:tabs><w:tab w:val="right" w:pos="{TEXT_WIDTH}"/></w:tabs>
        <w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>
      <w:rPr><w:color w:val="{GREY}"/>{_size(15)}</w:rPr>
    </w:style>""",
    """<w:style w:type="paragraph" w:styleId="ListBullet">
      <w:name w:val="List Bullet"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/>
      <w:unhideWhenUsed/>
      <w:pPr><w:numPr><w:numId w:val="1"/></w:numPr><w:spacing w:after="40"/></w:pPr>
    </w:style>""",
    """<w:style w:type="paragraph" w:styleId="ListNumber">
      <w:name w:val="List Number"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/>
      <w:unhideWhenUsed/>
      <w:pPr><w:numPr><w:numId w:val="2"/></w:numPr><w:spacing w:after="40"/></w:pPr>
    </w:style>""",
    f"""<w:style w:type="paragraph" w:customStyle="1" w:styleId="BriefTableText">
      <w:name w:val="Brief Table Text"/><w:basedOn w:val="Normal"/><w:qFormat/>
      <w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>
      <w:rPr>{_size(17)}</w:rPr>
    </w:style>""",
    """<w:style w:type="paragraph" w:customStyle="1" w:styleId="BriefTableHeading">
      <w:name w:val="Brief Table Heading"/><w:basedOn w:val="BriefTableText"/>
      <w:pPr><w:keepNext/></w:pPr>
      <w:rPr><w:b/><w:bCs/><w:color w:val="FFFFFF"/></w:rPr>
    </w:style>""",
    f"""<w:style w:type="paragraph" w:customStyle="1" w:styleId="BriefFact">
      <w:name w:val="Brief Fact"/><w:basedOn w:val="Normal"/>
      <w:pPr><w:spacing w:before="0" w:after="0" w:line="252" w:lineRule="auto"/></w:pPr>
      <w:rPr>{_size(19)}</w:rPr>
    </w:style>""",
    f"""<w:style w:type="paragraph" w:customStyle="1" w:styleId="BriefFactLabel">
      <w:name w:val="Brief Fact Label"/><w:basedOn w:val="BriefFact"/>
      <w:rPr><w:b/><w:bCs/><w:color w:val="{GREY}"/></w:rPr>
    </w:style>""",
    """<w:style w:type="paragraph" w:customStyle="1" w:styleId="BriefDetail">
      <w:name w:val="Brief Detail"/><w:basedOn w:val="Normal"/>
      <w:pPr><w:spacing w:before="0" w:after="120"/><w:ind w:left="360"/></w:pPr>
    </w:style>""",
    """<w:style w:type="paragraph" w:customStyle="1" w:styleId="BriefLead">
      <w:name w:val="Brief Lead"/><w:basedOn w:val="Normal"/>
      <w:pPr><w:spacing w:before="160" w:after="120"/></w:pPr>
    </w:style>""",
    f"""<w:style w:type="paragraph" w:customStyle="1" w:styleId="BriefEnd">
      <w:name w:val="Brief End"/><w:basedOn w:val="Normal"/>
      <w:pPr><w:spacing w:before="160" w:after="0"/></w:pPr>
      <w:rPr><w:i/><w:iCs/><w:color w:val="{GREY}"/>{_size(16)}</w:rPr>
    </w:style>""",
    f"""<w:style w:type="paragraph" w:customStyle="1" w:styleId="BriefNone">
      <w:name w:val="Brief None"/><w:basedOn w:val="Normal"/>
      <w:rPr><w:i/><w:iCs/><w:color w:val="{GREY}"/></w:rPr>
    </w:style>""",
    # Character styles -------------------------------------------------------------------------
    """<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">
      <w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/>
      <w:unhideWhenUsed/>
    </w:style>""",
    f"""<w:style w:type="character" w:customStyle="1" w:styleId="TitleChar">
      <w:name w:val="Title Char"/><w:basedOn w:val="DefaultParagraphFont"/>
      <w:link w:val="Title"/><w:uiPriority w:val="10"/>
      <w:rPr><w:b/><w:bCs/><w:color w:val="{NAVY}"/><w:kern w:val="28"/>{_size(44)}</w:rPr>
    </w:style>""",
    f"""<w:style w:type="character" w:customStyle="1" w:styleId="SubtitleChar">
      <w:name w:val="Subtitle Char"/><w:basedOn w:val="DefaultParagraphFont"/>
      <w:link w:val="Subtitle"/><w:uiPriority w:val="11"/>
      <w:rPr><w:color w:val="{GREY}"/>{_size(26)}</w:rPr>
    </w:style>""",
    f"""<w:style w:type="character" w:customStyle="1" w:styleId="Heading1Char">
      <w:name w:val="Heading 1 Char"/><w:basedOn w:val="DefaultParagraphFont"/>
      <w:link w:val="Heading1"/><w:uiPriority w:val="9"/>
      <w:rPr><w:b/><w:bCs/><w:color w:val="{NAVY}"/>{_size(28)}</w:rPr>
    </w:style>""",
    f"""<w:style w:type="character" w:customStyle="1" w:styleId="Heading2Char">
      <w:name w:val="Heading 2 Char"/><w:basedOn w:val="DefaultParagraphFont"/>
      <w:link w:val="Heading2"/><w:uiPriority w:val="9"/>
      <w:rPr><w:b/><w:bCs/><w:color w:val="{BLUE}"/>{_size(22)}</w:rPr>
    </w:style>""",
    f"""<w:style w:type="character" w:customStyle="1" w:styleId="HeaderChar">
      <w:name w:val="Header Char"/><w:basedOn w:val="DefaultParagraphFont"/>
      <w:link w:val="Header"/><w:uiPriority w:val="99"/>
      <w:rPr><w:color w:val="{GREY}"/>{_size(16)}</w:rPr>
    </w:style>""",
    f"""<w:style w:type="character" w:customStyle="1" w:styleId="FooterChar">
      <w:name w:val="Footer Char"/><w:basedOn w:val="DefaultParagraphFont"/>
      <w:link w:val="Footer"/><w:uiPriority w:val="99"/>
      <w:rPr><w:color w:val="{GREY}"/>{_size(15)}</w:rPr>
    </w:style>""",
    # A digest is 64 hex digits: monospace and a size that keeps it on one line, in the body
    # and in the footer, within the 170 mm text width.
    f"""<w:style w:type="character" w:customStyle="1" w:styleId="Digest">
      <w:name w:val="Digest"/><w:basedOn w:val="DefaultParagraphFont"/><w:qFormat/>
      <w:rPr>{_fonts(MONO_FONT)}{_size(15)}</w:rPr>
    </w:style>""",
    f"""<w:style w:type="character" w:customStyle="1" w:styleId="Alert">
      <w:name w:val="Alert"/><w:basedOn w:val="DefaultParagraphFont"/><w:qFormat/>
      <w:rPr><w:b/><w:bCs/><w:color w:val="{ALERT}"/></w:rPr>
    </w:style>""",
    # Table styles -----------------------------------------------------------------------------
    """<w:style w:type="table" w:default="1" w:styleId="TableNormal">
      <w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/>
      <w:unhideWhenUsed/>
      <w:tblPr><w:tblInd w:w="0" w:type="dxa"/>
        <w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>
          <w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar>
      </w:tblPr>
    </w:style>""",
    f"""<w:style w:type="table" w:customStyle="1" w:styleId="BriefTable">
      <w:name w:val="Brief Table"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="40"/>
      <w:qFormat/>
      <w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>
      <w:rPr>{_size(17)}</w:rPr>
      <w:tblPr><w:tblStyleRowBandSize w:val="1"/>
        <w:tblBorders>
          <w:top w:val="single" w:sz="4" w:space="0" w:color="{RULE}"/>
          <w:left w:val="nil"/>
          <w:bottom w:val="single" w:sz="4" w:space="0" w:color="{RULE}"/>
          <w:right w:val="nil"/>
          <w:insideH w:val="single" w:sz="4" w:space="0" w:color="{RULE}"/>
          <w:insideV w:val="nil"/>
        </w:tblBorders>
        <w:tblCellMar><w:top w:w="45" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>
          <w:bottom w:w="45" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>
      </w:tblPr>
      <w:tblStylePr w:type="firstRow">
        <w:rPr><w:b/><w:bCs/><w:color w:val="FFFFFF"/></w:rPr>
        <w:tblPr/>
        <w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{NAVY}"/></w:tcPr>
      </w:tblStylePr>
      <w:tblStylePr w:type="band2Horz">
        <w:tblPr/>
        <w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{BAND}"/></w:tcPr>
      </w:tblStylePr>
    </w:style>""",
    """<w:style w:type="table" w:customStyle="1" w:styleId="BriefFacts">
      <w:name w:val="Brief Facts"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="41"/>
      <w:qFormat/>
      <w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>
      <w:tblPr>
        <w:tblBorders><w:top w:val="nil"/><w:left w:val="nil"/><w:bottom w:val="nil"/>
          <w:right w:val="nil"/><w:insideH w:val="nil"/><w:insideV w:val="nil"/></w:tblBorders>
        <w:tblCellMar><w:top w:w="20" w:type="dxa"/><w:left w:w="0" w:type="dxa"/>
          <w:bottom w:w="20" w:type="dxa"/><w:right w:w="113" w:type="dxa"/></w:tblCellMar>
      </w:tblPr>
    </w:style>""",
    """<w:style w:type="numbering" w:default="1" w:styleId="NoList">
      <w:name w:val="No List"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>
    </w:style>""",
)

DOC_DEFAULTS = f"""<w:docDefaults {nsdecls("w")}>
  <w:rPrDefault><w:rPr>{_fonts(BODY_FONT)}<w:color w:val="{INK}"/>{_size(20)}
    <w:lang w:val="en-GB" w:eastAsia="en-US" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>
  <w:pPrDefault><w:pPr><w:spacing w:after="100" w:line="259" w:lineRule="auto"/></w:pPr>
  </w:pPrDefault>
</w:docDefaults>"""

NUMBERING = f"""<w:numbering {nsdecls("w")}>
  <w:abstractNum w:abstractNumId="0">
    <w:multiLevelType w:val="singleLevel"/>
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:pStyle w:val="ListBullet"/>
      <w:lvlText w:val="\u2022"/><w:lvlJc w:val="left"/>
      <w:pPr><w:ind w:left="357" w:hanging="357"/></w:pPr>
      <w:rPr>{_fonts(BODY_FONT)}</w:rPr></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="1">
    <w:multiLevelType w:val="singleLevel"/>
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:pStyle w:val="ListNumber"/>
      <w:lvlText w:val="%1."/><w:lvlJc w:val="left"/>
      <w:pPr><w:ind w:left="357" w:hanging="357"/></w:pPr></w:lvl>
  </w:abstractNum>
  <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
  <w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
</w:numbering>"""


def _field(instruction: str) -> str:
    """A complex field; Word and LibreOffice compute its result when they lay out the page."""
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        "<w:r><w:t>1</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def _text(text: str, style: str = "") -> str:
    rpr = f'<w:rPr><w:rStyle w:val="{style}"/></w:rPr>' if style else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{text}</w:t></w:r>'


PLAIN_PARAGRAPH = '<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{runs}</w:p>'

HEADER_PARAGRAPHS = (
    PLAIN_PARAGRAPH.format(
        style="Header",
        runs=_text("Handoff terms brief") + "<w:r><w:tab/></w:r>" + _text("«header»"),
    ),
)

FOOTER_PARAGRAPHS = (
    PLAIN_PARAGRAPH.format(
        style="Footer",
        runs=_text("«version_line»")
        + "<w:r><w:tab/></w:r>"
        + _text("Page ")
        + _field("PAGE")
        + _text(" of ")
        + _field("NUMPAGES"),
    ),
    PLAIN_PARAGRAPH.format(
        style="Footer", runs=_text("Version digest: ") + _text("«digest»", "Digest")
    ),
    PLAIN_PARAGRAPH.format(
        style="Footer",
        runs=_text("Audit head at generation: ") + _text("«audit_head»", "Digest"),
    ),
)


def _replace_children(element: Any, xml_fragments: tuple[str, ...]) -> None:
    for child in list(element):
        element.remove(child)
    for fragment in xml_fragments:
        element.append(parse_xml(f"<w:x {nsdecls('w')}>{fragment}</w:x>")[0])


def _keep_only_needed_parts(document: Any) -> None:
    """Drop the thumbnail, the custom XML item and the second copy of the styles."""
    package_rels = document.part.package.rels
    for rid, rel in list(package_rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package_rels.pop(rid)
    document_rels = document.part.rels
    for rid, rel in list(document_rels.items()):
        if rel.reltype == RT.CUSTOM_XML or rel.reltype.endswith("/stylesWithEffects"):
            document_rels.pop(rid)


def _set_styles(document: Any) -> None:
    styles = document.styles.element
    for child in list(styles):
        styles.remove(child)
    styles.append(parse_xml(DOC_DEFAULTS))
    for style_xml in STYLES:
        styles.append(parse_xml(f"<w:x {nsdecls('w')}>{style_xml}</w:x>")[0])


def _set_numbering(document: Any) -> None:
    numbering = document.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)
    for child in list(parse_xml(NUMBERING)):
        numbering.append(child)


def _set_page(document: Any) -> None:
    section = document.sections[0]
    section.page_width = Twips(A4_WIDTH)
    section.page_height = Twips(A4_HEIGHT)
    section.left_margin = section.right_margin = Twips(SIDE_MARGIN)
    section.top_margin = Twips(TOP_MARGIN)
    section.bottom_margin = Twips(BOTTOM_MARGIN)
    section.header_distance = Twips(HEADER_DISTANCE)
    section.footer_distance = Twips(FOOTER_DISTANCE)
    section.gutter = Twips(0)
    sect_pr = section._sectPr
    for name in ("w:rsidR", "w:rsidRPr", "w:rsidSect"):
        sect_pr.attrib.pop(qn(name), None)
    section.header.is_linked_to_previous = False
    section.footer.is_linked_to_previous = False
    _replace_children(section.header._element, HEADER_PARAGRAPHS)
    _replace_children(section.footer._element, FOOTER_PARAGRAPHS)


def _set_settings(document: Any) -> None:
    settings = document.settings.element
    for tag in ("w:rsids", "w:savePreviewPicture", "w:proofState"):
        for element in settings.findall(qn(tag)):
            settings.remove(element)


def _set_core_properties(document: Any) -> None:
    core = document.core_properties
    core.author = "Handoff"
    core.last_modified_by = "Handoff"
    core.title = "Handoff terms brief template"
    core.subject = ""
    core.comments = ""
    core.keywords = ""
    core.category = ""
    core.revision = 1
    core.created = FIXED_DATE
    core.modified = FIXED_DATE


def build_template() -> bytes:
    """The template .docx as bytes."""
    document = Document()
    _keep_only_needed_parts(document)
    _set_styles(document)
    _set_numbering(document)
    _set_page(document)
    _set_settings(document)
    _set_core_properties(document)
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    stream = io.BytesIO()
    document.save(stream)
    return repack_docx(stream.getvalue())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUT)
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the file on disk differs from a fresh build"
    )
    args = parser.parse_args(argv)
    blob = build_template()
    if args.check:
        current = args.output.read_bytes() if args.output.exists() else b""
        if current != blob:
            print(
                f"{args.output} is out of date: run tools/make_brief_template.py", file=sys.stderr
            )
            return 1
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(blob)
    print(f"wrote {args.output} ({len(blob)} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
