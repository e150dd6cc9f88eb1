"""A `Document` as one self-contained HTML file: opens offline, prints cleanly on A4.

Charts stay interactive: plotly.js is written inline once, with the first chart, and the later ones
reuse it. Nothing is fetched from the network (workshops happen in rooms without reliable Wi-Fi, and
the file is forwarded by e-mail). Every user string goes through `html.escape`.
"""

from __future__ import annotations

from html import escape

from kit.reports import document as d
from kit.reports.formatting import format_date
from kit.reports.html_table import html_table

# plotly.py does not ship plotly.js locale files; this one covers what a reader meets: the mode bar,
# dates on time axes and number separators (a layout's own `separators` still wins).
PLOTLY_FR = {
    "dictionary": {
        "Autoscale": "Échelle automatique",
        "Box Select": "Sélection rectangulaire",
        "Compare data on hover": "Comparer les données au survol",
        "Double-click to zoom back out": "Double-cliquer pour revenir à la vue d’ensemble",
        "Download plot as a png": "Télécharger le graphique en PNG",
        "Download plot": "Télécharger le graphique",
        "Lasso Select": "Sélection au lasso",
        "Pan": "Déplacer",
        "Reset axes": "Réinitialiser les axes",
        "Reset view": "Réinitialiser la vue",
        "Show closest data on hover": "Afficher la donnée la plus proche au survol",
        "Snapshot succeeded": "Image enregistrée",
        "Taking snapshot - this may take a few seconds": "Création de l’image, quelques secondes…",
        "Toggle Spike Lines": "Afficher ou masquer les lignes de repère",
        "Zoom": "Zoom",
        "Zoom in": "Zoom avant",
        "Zoom out": "Zoom arrière",
        "trace": "série",
    },
    "format": {
        "days": ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
        "shortDays": ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
        "months": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                   "septembre", "octobre", "novembre", "décembre"],
        "shortMonths": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.",
                        "oct.", "nov.", "déc."],
        "date": "%d/%m/%Y",
        "decimal": ",",
        "thousands": "\u00a0",
    },
}
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "locale": "fr", "locales": {"fr": PLOTLY_FR}}

CSS = """
@page { size: A4; margin: 2cm 1.8cm; }
:root { --ink: #1f2328; --muted: #57606a; --line: #c9ced4; --info: #e8f1fb; --warn: #fdf3dc; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; font: 11pt/1.5 system-ui, "Segoe UI", Roboto,
       "Helvetica Neue", Arial, sans-serif; overflow-wrap: anywhere; }
main { max-width: 48rem; margin: 0 auto; padding: 2rem 1.5rem 3rem; }
header.titre { border-bottom: 2px solid var(--ink); margin-bottom: 1.5rem; padding-bottom: .75rem; }
header.titre h1 { font-size: 1.9rem; line-height: 1.2; margin: .2rem 0; }
.territoire, .sous-titre, .date { margin: .2rem 0; color: var(--muted); }
.territoire { text-transform: uppercase; letter-spacing: .05em; font-size: .85rem; }
.sous-titre { font-size: 1.15rem; }
h2 { font-size: 1.45rem; margin: 2rem 0 .6rem; }
h3 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; }
h4 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
h5 { font-size: 1rem; margin: 1rem 0 .3rem; }
h2, h3, h4, h5 { line-height: 1.25; break-after: avoid; }
p, li, td, th, figcaption, .note { white-space: pre-line; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1.2rem; font-size: .92rem; }
caption { caption-side: top; text-align: left; font-weight: 600; padding-bottom: .3rem; }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; vertical-align: top; text-align: left; }
thead th { background: #f1f3f5; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
figure { margin: 1rem 0 1.5rem; break-inside: avoid; }
figcaption { font-size: .92rem; color: var(--muted); margin-top: .3rem; }
.note { border-left: 4px solid #4a79b0; background: var(--info); padding: .6rem .9rem; margin: 1rem 0; }
.note.warning { border-left-color: #b7791f; background: var(--warn); }
.note strong { display: block; }
ul.checklist { list-style: none; padding-left: 0; }
ul.checklist li { padding-left: 1.6em; text-indent: -1.6em; }
.coche { display: inline-block; width: 1.6em; text-indent: 0; font-weight: 700; }
.fait .coche { color: #1a7f37; }
.a-faire .coche { color: #b42318; }
nav.sommaire { border: 1px solid var(--line); padding: .6rem 1rem; margin: 1rem 0 1.5rem; }
nav.sommaire ul { margin: .3rem 0; padding-left: 0; list-style: none; }
nav.sommaire .niveau-2 { margin-left: 1.2rem; }
nav.sommaire .niveau-3 { margin-left: 2.4rem; }
nav.sommaire a { color: inherit; }
.saut-de-page { break-after: page; }
footer.pied { margin-top: 3rem; border-top: 1px solid var(--line); padding-top: .5rem;
              font-size: .8rem; color: var(--muted); }
@media print {
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  nav.sommaire a { text-decoration: none; }
  .modebar-container { display: none !important; }
}
"""


def _escape(value: str) -> str:
    return escape(value, quote=True)


def _table(block: d.Table) -> str:
    caption = f"Tableau {block.number} – {block.caption}" if block.caption else ""
    return html_table(block.header, block.rows, block.numeric, caption=caption)


def _figure(block: d.Figure, with_plotlyjs: bool) -> str:
    chart = block.figure.to_html(
        full_html=False,
        include_plotlyjs=with_plotlyjs,  # True = the whole bundle inline; never "cdn"
        config=PLOTLY_CONFIG,
        div_id=f"figure-{block.number}",
        default_width="100%",
    )
    return (f'<figure role="group" aria-label="{_escape(block.alt)}">{chart}'
            f"<figcaption>Figure {block.number} – {_escape(block.caption)}</figcaption></figure>")


def _toc(doc: d.Document) -> str:
    items = "".join(
        f'<li class="niveau-{h.level}"><a href="#{h.anchor}">{_escape(h.text)}</a></li>' for h in doc.contents
    )
    return f'<nav class="sommaire" aria-label="Sommaire"><strong>Sommaire</strong><ul>{items}</ul></nav>'


def _block(block: d.Block, doc: d.Document, state: dict) -> str:
    match block:
        case d.Heading(text, level, anchor):
            return f'<h{level + 1} id="{anchor}">{_escape(text)}</h{level + 1}>'
        case d.Paragraph(text):
            return f"<p>{_escape(text)}</p>"
        case d.Bullets(items):
            return "<ul>" + "".join(f"<li>{_escape(i)}</li>" for i in items) + "</ul>"
        case d.Table():
            return _table(block)
        case d.Figure():
            html = _figure(block, with_plotlyjs=not state["plotlyjs_written"])
            state["plotlyjs_written"] = True
            return html
        case d.Note(text, kind, label):
            title = f"<strong>{_escape(label)}</strong>" if label else ""
            role = "note" if kind == "info" else "alert"
            return f'<aside class="note {kind}" role="{role}">{title}{_escape(text)}</aside>'
        case d.Checklist(items, boxes):
            lines = "".join(
                f'<li class="{"fait" if done else "a-faire"}"><span class="coche" '
                f'aria-label="{"fait" if done else "à faire"}">{"✓" if done else "☐" if boxes else "✗"}</span>'
                f'{_escape(text)}</li>'
                for text, done in items
            )
            return f'<ul class="checklist">{lines}</ul>'
        case d.PageBreak():
            return '<div class="saut-de-page"></div>'
        case d.Toc():
            return _toc(doc)
    raise TypeError(f"unknown block {block!r}")


def render_html(doc: d.Document) -> bytes:
    """The document as a standalone UTF-8 HTML page (bytes, ready to save or download)."""
    state = {"plotlyjs_written": False}
    body = "\n".join(_block(block, doc, state) for block in doc.blocks)
    territory = f'<p class="territoire">{_escape(doc.territory)}</p>' if doc.territory else ""
    subtitle = f'<p class="sous-titre">{_escape(doc.subtitle)}</p>' if doc.subtitle else ""
    date = format_date(doc.date)
    title = " – ".join(filter(None, [doc.title, doc.territory]))
    page = f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Kit Quartiers en transitions">
<title>{_escape(title)}</title>
<style>{CSS}</style>
</head>
<body>
<main>
<header class="titre">{territory}<h1>{_escape(doc.title)}</h1>{subtitle}<p class="date">{date}</p></header>
{body}
<footer class="pied">Document établi le {date} avec le kit Quartiers en transitions.</footer>
</main>
</body>
</html>
"""
    return page.encode("utf-8")
