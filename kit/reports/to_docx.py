"""A `Document` as a Word file (python-docx): sober A4 styling, charts as PNG images.

Charts are rendered by `images.render_pngs` (one Chromium for the whole document). When that is not
possible, the chart's place holds a French note pointing to the HTML version: the export never fails
because of a missing browser.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Callable, Sequence

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from plotly import graph_objects as go

from kit.reports import document as d
from kit.reports.formatting import format_date
from kit.reports.images import ImageJob, render_pngs

logger = logging.getLogger(__name__)

AUTHOR = "Kit Quartiers en transitions"
LANGUAGE = "fr-FR"
IMAGE_UNAVAILABLE = ("Graphique non disponible dans ce document (le rendu d'image demande Chromium) : "
                     "voir la version HTML.")
INK = RGBColor(0x1F, 0x23, 0x28)
MUTED = RGBColor(0x57, 0x60, 0x6A)
FIGURE_WIDTH = Cm(16)  # A4 minus margins, with some air
NOTE_COLOURS = {"info": ("E8F1FB", "4A79B0"), "warning": ("FDF3DC", "B7791F")}  # fill, left border

ImageRenderer = Callable[[Sequence[ImageJob]], Sequence[bytes | None]]


# --- Low-level helpers (python-docx has no API for these) ---------------------------------------------

def _element(tag: str, **attrs: str) -> OxmlElement:
    el = OxmlElement(tag)
    for name, value in attrs.items():
        el.set(qn(name), value)
    return el


def _insert(parent, child, successors: Sequence[str]) -> None:
    """Insert `child` where the OOXML schema wants it: Word rejects children in the wrong order."""
    parent.insert_element_before(child, *successors)


def _shading(fill: str) -> OxmlElement:
    return _element("w:shd", **{"w:val": "clear", "w:color": "auto", "w:fill": fill})


# Elements that must come after the ones inserted below, in <w:pPr>, <w:tcPr> and <w:tblPr>.
_AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
               "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
               "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
               "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
               "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
_AFTER_PSHD = _AFTER_PBDR[1:]
_AFTER_TCSHD = ("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark", "w:headers",
                "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange")
_AFTER_TBLBORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
                     "w:tblPrChange")


def _field(paragraph: Paragraph, part: str) -> None:
    """Append one piece of a Word field: "begin", an instruction, "separate" or "end"."""
    run = paragraph.add_run()
    if part in ("begin", "separate", "end"):
        run._r.append(_element("w:fldChar", **{"w:fldCharType": part}))
    else:
        instr = _element("w:instrText", **{"xml:space": "preserve"})
        instr.text = part
        run._r.append(instr)


def _property(text: str) -> str:
    # Office caps core properties at 255 characters (python-docx refuses longer ones).
    return text if len(text) <= 255 else text[:254] + "…"


# --- Document set-up ---------------------------------------------------------------------------------

def _setup(word: docx.document.Document, doc: d.Document) -> None:
    section = word.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(1.8)
    section.top_margin = section.bottom_margin = Cm(2)

    # French everywhere: spell-checking, hyphenation and screen readers follow w:lang.
    defaults = word.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = defaults.find(qn("w:lang"))
    if lang is None:  # the default template has one; <w:lang> may close <w:rPr> if it does not
        lang = _element("w:lang")
        defaults.append(lang)
    lang.set(qn("w:val"), LANGUAGE)

    styles = word.styles
    styles["Normal"].font.size = Pt(10.5)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3", "Heading 4"):
        styles[name].font.color.rgb = INK  # the template's blues look like a marketing brochure
    styles["Caption"].font.color.rgb = styles["Subtitle"].font.color.rgb = MUTED
    for rule in styles["Title"].element.iter(qn("w:bottom")):  # the title's underline, blue too
        rule.set(qn("w:color"), str(INK))
        rule.attrib.pop(qn("w:themeColor"), None)

    props = word.core_properties
    props.title = _property(doc.title)
    props.subject = _property(" – ".join(filter(None, [doc.subtitle, doc.territory])))
    props.author = props.last_modified_by = AUTHOR
    props.language = LANGUAGE
    props.created = props.modified = dt.datetime.now(dt.timezone.utc).replace(microsecond=0, tzinfo=None)
    props.revision = 1

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer.add_run(" – ".join(filter(None, [doc.title, doc.territory])) + " – page ")
    for part in ("begin", " PAGE ", "separate"):
        _field(footer, part)
    footer.add_run("1")  # shown until the reader's software computes the field
    _field(footer, "end")
    for run in footer.runs:
        run.font.size, run.font.color.rgb = Pt(8), MUTED


def _title_block(word: docx.document.Document, doc: d.Document) -> None:
    if doc.territory:
        run = word.add_paragraph().add_run(doc.territory.upper())
        run.font.color.rgb, run.font.size, run.bold = MUTED, Pt(9), True
    word.add_paragraph(doc.title, style="Title")
    if doc.subtitle:
        word.add_paragraph(doc.subtitle, style="Subtitle")
    word.add_paragraph(format_date(doc.date)).runs[0].font.color.rgb = MUTED


# --- Blocks --------------------------------------------------------------------------------------------

def _table(word: docx.document.Document, block: d.Table) -> None:
    if block.caption:
        word.add_paragraph(f"Tableau {block.number} – {block.caption}", style="Caption")
    if not block.header:
        word.add_paragraph("(tableau vide)")
        return
    table = word.add_table(rows=1 + len(block.rows), cols=len(block.header))
    table.style = word.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    borders = _element("w:tblBorders")  # a light grey grid rather than the style's black one
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_element(f"w:{side}", **{"w:val": "single", "w:sz": "4", "w:color": "BFBFBF"}))
    _insert(table._tbl.tblPr, borders, _AFTER_TBLBORDERS)

    for r, values in enumerate([block.header, *block.rows]):
        row = table.rows[r]
        if r == 0:  # repeated at the top of every page the table spans
            row._tr.get_or_add_trPr().append(_element("w:tblHeader"))
        for cell, text, numeric in zip(row.cells, values, block.numeric):
            paragraph = cell.paragraphs[0]
            run = paragraph.add_run(text)
            run.font.size = Pt(9.5)
            if numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if r == 0:
                run.bold = True
                _insert(cell._tc.get_or_add_tcPr(), _shading("F1F3F5"), _AFTER_TCSHD)
    word.add_paragraph()  # Word glues a following table or heading to the grid otherwise


def _figure(word: docx.document.Document, block: d.Figure, png: bytes | None) -> None:
    placed = False
    if png:
        paragraph = word.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.keep_with_next = True
        try:
            shape = paragraph.add_run().add_picture(io.BytesIO(png), width=FIGURE_WIDTH)
            shape._inline.docPr.set("descr", block.alt)  # read aloud by screen readers
            placed = True
        except Exception:  # not an image python-docx understands: same fallback as no image
            logger.warning("Image de figure illisible", exc_info=True)
            paragraph._p.getparent().remove(paragraph._p)
    if not placed:
        _note(word, d.Note(IMAGE_UNAVAILABLE, "warning", ""))
    word.add_paragraph(f"Figure {block.number} – {block.caption}", style="Caption")


def _note(word: docx.document.Document, block: d.Note) -> None:
    fill, edge = NOTE_COLOURS[block.kind]
    paragraph = word.add_paragraph()
    if block.label:
        paragraph.add_run(block.label).bold = True
        paragraph.add_run().add_break()
    paragraph.add_run(block.text)
    fmt = paragraph.paragraph_format
    fmt.left_indent, fmt.space_before, fmt.space_after = Cm(0.3), Pt(6), Pt(10)
    ppr = paragraph._p.get_or_add_pPr()
    border = _element("w:pBdr")
    border.append(_element("w:left", **{"w:val": "single", "w:sz": "24", "w:space": "8", "w:color": edge}))
    _insert(ppr, border, _AFTER_PBDR)
    _insert(ppr, _shading(fill), _AFTER_PSHD)


def _checklist(word: docx.document.Document, block: d.Checklist) -> None:
    for text, done in block.items:
        paragraph = word.add_paragraph()
        paragraph.paragraph_format.left_indent = Cm(0.7)
        paragraph.paragraph_format.first_line_indent = Cm(-0.7)
        paragraph.paragraph_format.space_after = Pt(2)
        mark = paragraph.add_run("✓\t" if done else "☐\t" if block.boxes else "✗\t")
        mark.bold = True
        if done or not block.boxes:
            mark.font.color.rgb = RGBColor(0x1A, 0x7F, 0x37) if done else RGBColor(0xB4, 0x23, 0x18)
        paragraph.add_run(text)


def _toc(word: docx.document.Document, doc: d.Document) -> None:
    """A real TOC field whose cached result is the plain list of headings.

    Word and LibreOffice show that list as is; updating the field (F9, or right click > "Mettre à
    jour les champs") replaces it with page numbers. Nothing to update means nothing to break.
    """
    word.add_paragraph("Sommaire", style="TOC Heading")
    entries = [(h.text, h.level) for h in doc.contents] or [("(aucun titre)", 1)]
    for i, (text, level) in enumerate(entries):
        paragraph = word.add_paragraph()
        paragraph.paragraph_format.left_indent = Cm(0.6 * (level - 1))
        paragraph.paragraph_format.space_after = Pt(2)
        if i == 0:
            for part in ("begin", ' TOC \\o "1-3" \\h \\z \\u ', "separate"):
                _field(paragraph, part)
        paragraph.add_run(text)
        if i == len(entries) - 1:
            _field(paragraph, "end")


def _images(doc: d.Document, images: ImageRenderer) -> list[bytes | None]:
    figures = [b for b in doc.blocks if isinstance(b, d.Figure)]
    jobs = []
    for block in figures:
        fig = go.Figure(block.figure)
        if fig.layout.separators is None:
            fig.update_layout(separators=",\u00a0")  # French numbers on axes and labels
        jobs.append((fig, int(fig.layout.width or 900), int(fig.layout.height or 500)))
    try:
        pngs = list(images(jobs)) if jobs else []
    except Exception:  # an injected renderer may fail in any way; the document must not
        logger.warning("Rendu des graphiques impossible", exc_info=True)
        pngs = []
    if len(pngs) != len(jobs):
        pngs = [None] * len(jobs)
    return pngs


def render_docx(doc: d.Document, *, images: ImageRenderer | None = None) -> bytes:
    """The document as a .docx file (bytes).

    `images` turns a list of (figure, width, height) into PNG bytes or None, in order; the default
    renders them all with one Chromium (`images.render_pngs`).
    """
    word = docx.Document()
    _setup(word, doc)
    _title_block(word, doc)
    pngs = iter(_images(doc, images or render_pngs))
    for block in doc.blocks:
        match block:
            case d.Heading(text, level, _):
                word.add_heading(text, level=level)
            case d.Paragraph(text):
                word.add_paragraph(text)
            case d.Bullets(items):
                for item in items:
                    word.add_paragraph(item, style="List Bullet")
            case d.Table():
                _table(word, block)
            case d.Figure():
                _figure(word, block, next(pngs))
            case d.Note():
                _note(word, block)
            case d.Checklist():
                _checklist(word, block)
            case d.PageBreak():
                word.add_page_break()
            case d.Toc():
                _toc(word, doc)
            case _:
                raise TypeError(f"unknown block {block!r}")
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()
