"""Deliverables: one Document rendered to a self-contained HTML page and to a Word file.

The Word tests render real PNG images with kaleido and the Debian chromium on PATH (a few seconds);
the fallback tests point the renderer at a missing browser or inject a failing image function.
"""

import asyncio
import threading
import datetime as dt
import io
import re
import struct
import zlib
from functools import partial
from html.parser import HTMLParser

import docx
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from plotly.offline import get_plotlyjs

from kit.errors import KitError
from kit.reports import Document, deliverable_filename, render_docx, render_html
from kit.reports.formatting import format_number
from kit.reports.images import render_pngs
from kit.reports.to_docx import IMAGE_UNAVAILABLE

SCRIPT = "<script>alert('x')</script>"
CONTROL = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r") + "\x7f\ud800\ufffe"


def tiny_png() -> bytes:
    """A valid 1×1 PNG, for tests that inject their own image renderer."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
            + chunk(b"IEND", b""))


def full_document() -> Document:
    """A deliverable using every block type, with hostile user text where a participant types."""
    doc = Document("Livrable de la session 1", subtitle="Diagnostic partagé", territory="Grand Dax",
                   date=dt.date(2025, 3, 1))
    doc.toc()
    doc.heading(f"Contexte {SCRIPT}", level=1)
    doc.paragraph("Premier paragraphe & « guillemets »\nsur deux lignes 🙂")
    doc.bullets(["Enjeu mobilité", "Enjeu <b>logement</b>"])
    doc.heading("Chiffres clés", level=2)
    doc.table(pd.DataFrame({"Quartier": ["Cuyès", "Sablar"], "Population": [1234567, 890],
                            "Taux de pauvreté": [12.345, np.nan]}), caption="Population des quartiers")
    doc.figure(go.Figure(go.Bar(x=["Cuyès", "Sablar"], y=[1234.5, 890])), caption="Population par quartier",
               alt="Barres : Cuyès devance Sablar")
    doc.note("Données 2020, à confirmer.", kind="warning")
    doc.checklist([("Diagnostic partagé", True), ("Enjeux hiérarchisés", False)])
    doc.page_break()
    doc.heading("Suite de la démarche", level=3)
    doc.figure(go.Figure(go.Scatter(x=[2018, 2020, 2022], y=[3.5, 1.25, 2])), caption="Évolution du taux")
    doc.note("Prochaine session le 12 avril.")
    return doc


@pytest.fixture(scope="module")
def docx_file():
    return docx.Document(io.BytesIO(render_docx(full_document())))


@pytest.fixture(scope="module")
def html_text():
    return render_html(full_document()).decode("utf-8")


def body_texts(word) -> list[str]:
    """Non-empty paragraph texts and table cell texts, in document order, as Word shows them."""
    texts = []
    for element in word.element.body.iterchildren():
        if element.tag == qn("w:p"):
            texts.append(Paragraph(element, word).text)
        elif element.tag == qn("w:tbl"):
            texts.extend("\n".join(Paragraph(p, word).text for p in cell.iter(qn("w:p")))
                         for cell in element.iter(qn("w:tc")))
    return [t for t in texts if t]


class Attributes(HTMLParser):
    """Every tag with its attributes; <script> contents stay text, as in a browser."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def parse(html: str) -> list[tuple[str, dict]]:
    parser = Attributes()
    parser.feed(html)
    return parser.tags


# --- Word ----------------------------------------------------------------------------------------------

def test_docx_reopens_with_every_block_in_order(docx_file):
    texts = body_texts(docx_file)
    expected = ["Grand Dax".upper(), "Livrable de la session 1", "Diagnostic partagé", "1er mars 2025", "Sommaire",
                f"Contexte {SCRIPT}", "Premier paragraphe & « guillemets »\nsur deux lignes 🙂", "Enjeu mobilité",
                "Enjeu <b>logement</b>", "Chiffres clés", "Tableau 1 – Population des quartiers", "Quartier",
                "Population", "Taux de pauvreté", "Cuyès", "1\u00a0234\u00a0567", "12,35", "Sablar", "890", "—",
                "Figure 1 – Population par quartier", "Attention\nDonnées 2020, à confirmer.",
                "✓\tDiagnostic partagé", "✗\tEnjeux hiérarchisés", "Suite de la démarche",
                "Figure 2 – Évolution du taux", "À noter\nProchaine session le 12 avril."]
    position = -1
    for text in expected:  # each one after the previous one (the table of contents repeats headings)
        position = texts.index(text, position + 1)  # ValueError names a missing or misplaced one
    headings = [(p.style.name, p.text) for p in docx_file.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [("Heading 1", f"Contexte {SCRIPT}"), ("Heading 2", "Chiffres clés"),
                        ("Heading 3", "Suite de la démarche")]


def test_docx_figures_are_images_with_alt_text(docx_file):
    shapes = docx_file.inline_shapes
    assert len(shapes) == 2
    assert shapes[0]._inline.docPr.get("descr") == "Barres : Cuyès devance Sablar"
    assert shapes[1]._inline.docPr.get("descr") == "Évolution du taux"  # the caption when no alt is given
    assert IMAGE_UNAVAILABLE not in "\n".join(p.text for p in docx_file.paragraphs)


def test_docx_table_has_header_row_and_right_aligned_numbers(docx_file):
    table = docx_file.tables[0]
    header = table.rows[0]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page
    assert all(run.bold for cell in header.cells for run in cell.paragraphs[0].runs)
    population, name = table.rows[1].cells[1], table.rows[1].cells[0]
    assert population.paragraphs[0].alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT
    assert name.paragraphs[0].alignment is None


def test_docx_properties_language_and_toc_field(docx_file):
    props = docx_file.core_properties
    assert (props.title, props.author, props.language) == ("Livrable de la session 1",
                                                            "Kit Quartiers en transitions", "fr-FR")
    body = docx_file.element.body
    assert any("TOC \\o" in (t.text or "") for t in body.iter(qn("w:instrText")))
    # Until the reader updates the field, the table of contents shows the headings themselves.
    texts = body_texts(docx_file)
    start = texts.index("Sommaire")
    assert texts[start + 1:start + 4] == [f"Contexte {SCRIPT}", "Chiffres clés", "Suite de la démarche"]


def test_docx_survives_control_characters_and_odd_text():
    odd = f"début{CONTROL}fin & <b> \"q\" 'q' 🙂 " + "x" * 5000
    doc = Document(odd, subtitle=odd, territory=odd)
    doc.heading(odd)
    doc.paragraph(odd)
    doc.bullets([odd])
    doc.table(pd.DataFrame({odd: [odd, 1.5]}), caption=odd, missing=odd)
    doc.figure(go.Figure(), caption=odd, alt=odd)
    doc.note(odd, label=odd)
    doc.checklist([(odd, True)])
    doc.toc()
    word = docx.Document(io.BytesIO(render_docx(doc, images=lambda jobs: [tiny_png()] * len(jobs))))
    texts = body_texts(word)
    assert any(t.startswith("débutfin & <b> \"q\" 'q' 🙂 xxx") for t in texts)
    assert not any(re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", t) for t in texts)
    assert len(word.inline_shapes) == 1
    html = render_html(doc).decode()
    assert "débutfin &amp; &lt;b&gt; &quot;q&quot; &#x27;q&#x27; 🙂" in html
    outside_scripts = re.sub(r"<script>.*?</script>", "", html, flags=re.S)  # plotly.js has its own
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", outside_scripts)


def test_docx_image_note_when_the_browser_is_missing():
    doc = full_document()
    word = docx.Document(io.BytesIO(render_docx(doc, images=partial(render_pngs,
                                                                   browser_path="/nonexistent/chromium"))))
    texts = body_texts(word)
    assert len(word.inline_shapes) == 0
    assert texts.count(IMAGE_UNAVAILABLE) == 2
    assert texts[texts.index(IMAGE_UNAVAILABLE) + 1] == "Figure 1 – Population par quartier"
    assert "Figure 2 – Évolution du taux" in texts


@pytest.mark.parametrize("renderer", [
    pytest.param(lambda jobs: 1 / 0, id="raises"),
    pytest.param(lambda jobs: [b"not a png"] * len(jobs), id="garbage"),
    pytest.param(lambda jobs: [tiny_png()], id="too-few"),
])
def test_docx_image_note_when_rendering_fails(renderer):
    word = docx.Document(io.BytesIO(render_docx(full_document(), images=renderer)))
    assert len(word.inline_shapes) == 0
    assert body_texts(word).count(IMAGE_UNAVAILABLE) == 2


def test_all_figures_go_to_one_renderer_call_with_french_separators():
    calls = []

    def recorder(jobs):
        calls.append(list(jobs))
        return [tiny_png()] * len(jobs)

    word = docx.Document(io.BytesIO(render_docx(full_document(), images=recorder)))
    assert len(calls) == 1 and len(calls[0]) == 2  # one browser for the whole document
    fig, width, height = calls[0][0]
    assert fig.layout.separators == ",\u00a0" and (width, height) == (900, 500)
    assert len(word.inline_shapes) == 2


def test_docx_renders_inside_a_running_event_loop():
    # Jupyter and Voilà call from a thread that already runs an asyncio loop.
    doc = Document("Boucle")
    doc.figure(go.Figure(go.Bar(y=[1, 2])), caption="Une figure")

    async def in_kernel():
        return render_docx(doc)

    # A thread of its own plays the kernel: this test's thread may already run a loop (Playwright's,
    # when the end-to-end tests ran first), where asyncio.run() itself would be refused.
    produced = []
    kernel = threading.Thread(target=lambda: produced.append(asyncio.run(in_kernel())))
    kernel.start()
    kernel.join(timeout=120)
    word = docx.Document(io.BytesIO(produced[0]))
    assert len(word.inline_shapes) == 1


# --- HTML ------------------------------------------------------------------------------------------------

def test_html_escapes_user_text(html_text):
    assert "Contexte &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html_text
    assert "alert('x')" not in html_text
    assert "Enjeu &lt;b&gt;logement&lt;/b&gt;" in html_text
    assert "Premier paragraphe &amp; « guillemets »\nsur deux lignes 🙂" in html_text
    assert html_text.startswith("<!DOCTYPE html>\n<html lang=\"fr\">")
    assert '<meta charset="utf-8">' in html_text


def test_html_table_in_french(html_text):
    assert '<td class="num">1\u00a0234\u00a0567</td>' in html_text
    assert '<td class="num">12,35</td>' in html_text
    assert '<td class="num">—</td>' in html_text
    assert "<caption>Tableau 1 – Population des quartiers</caption>" in html_text


def test_html_embeds_plotlyjs_once_and_fetches_nothing(html_text):
    assert html_text.count(get_plotlyjs()[:200]) == 1  # two figures, one bundle
    assert html_text.count('class="plotly-graph-div"') == 2
    assert '"displaylogo": false' in html_text and '"locale": "fr"' in html_text
    tags = parse(html_text)
    assert not [attrs for tag, attrs in tags if tag == "script" and "src" in attrs]
    assert not [a["src"] for _, a in tags if "src" in a]
    hrefs = [a["href"] for _, a in tags if "href" in a]
    assert hrefs == ["#titre-1", "#titre-2", "#titre-3"]
    assert not re.search(r"<script[^>]+src=", html_text)


def test_html_blocks_in_order(html_text):
    markers = ['<nav class="sommaire"', '<h2 id="titre-1">', "<ul><li>Enjeu mobilité", '<h3 id="titre-2">',
               "<table>", 'id="figure-1"', '<aside class="note warning" role="alert"><strong>Attention',
               '<li class="fait">', '<li class="a-faire">', '<div class="saut-de-page">', '<h4 id="titre-3">',
               'id="figure-2"', '<aside class="note info"', '<footer class="pied">']
    positions = [html_text.index(m) for m in markers]
    assert positions == sorted(positions)


def test_html_without_figures_has_no_plotlyjs():
    html = render_html(Document("Court", date=dt.date(2025, 1, 2)).paragraph("Texte")).decode()
    assert "plotly" not in html.lower() and "2 janvier 2025" in html


# --- Building blocks -------------------------------------------------------------------------------------

def test_french_numbers():
    assert format_number(1234567.891, 2) == "1\u00a0234\u00a0567,89"
    assert format_number(-0.001, 1) == "0,0"
    assert format_number(-1500, 0) == "-1\u00a0500"


def test_table_number_format_and_missing_label():
    df = pd.DataFrame({"taux": [0.125, None], "effectif": [12000, 3], "ok": [True, False]})
    doc = Document("T").table(df, number_format={"taux": lambda v: format_number(100 * v, 1) + " %"},
                              missing="n.d.")
    table = doc.blocks[0]
    assert table.rows == (("12,5 %", "12\u00a0000", "oui"), ("n.d.", "3", "non"))
    assert table.numeric == (True, True, False)
    df.loc[0, "taux"] = 99  # the document keeps what it was given
    assert doc.blocks[0].rows[0][0] == "12,5 %"
    assert Document("T").table(df, number_format=0).blocks[0].rows[0][0] == "99"


def test_block_arguments_are_checked():
    with pytest.raises(ValueError):
        Document("T").heading("Titre", level=5)
    with pytest.raises(ValueError):
        Document("T").note("Texte", kind="danger")


@pytest.mark.parametrize("workspace, deliverable, fmt, expected", [
    ("Grand Dax", "livrable-session1", "docx", "livrable-session1_Grand_Dax.docx"),
    ("Communauté d'agglomération du Grand Dax", "Livrable de la session 1", ".HTML",
     "livrable-de-la-session-1_Communaute_d_agglomeration_du_Grand_Dax.html"),
    ("../../etc/passwd", "a/b\\c:d", "docx", "a-b-c-d_etc_passwd.docx"),
    ("🙂", "", "docx", "livrable_espace.docx"),
])
def test_deliverable_filename(workspace, deliverable, fmt, expected):
    assert deliverable_filename(workspace, deliverable, fmt) == expected


def test_deliverable_filename_refuses_unknown_format():
    with pytest.raises(KitError, match="Format d'export inconnu"):
        deliverable_filename("Grand Dax", "livrable-session1", "pdf")


def test_the_session2_deliverable_shows_no_internal_id_and_each_body_s_first_meeting(tmp_path):
    import io
    import re
    from datetime import date, time

    import docx

    from kit.demo import create_demo
    from kit.reports import deliverables
    from kit.store import Store

    store = Store(tmp_path / "espaces")
    ws = create_demo(store)
    ws = store.update(ws.id, lambda w: setattr(w.bodies[0], "first_meeting", date(2027, 3, 12)) or
                      setattr(w.bodies[0], "meeting_time", time(14, 30)))
    document = docx.Document(io.BytesIO(deliverables.export(ws, "session2", "docx")[1]))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    text = "\n".join([p.text for p in document.paragraphs] + cells)
    assert not re.search(r"\b(act|obj|stk|qpv|ins)-[0-9a-f]{6}\b", text), "an internal id reached the reader"
    assert "12/03/2027 à 14h30" in cells
