"""The facilitator guide of a session, as a printable `Document` and as an HTML panel for the apps.

Built from the agenda and the preparation tasks that `kit.reference.guides` reads and checks: the
screen and the printout show the very same blocks.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from kit.lazy import pandas as pd  # imported on first table (see kit.lazy)
from kit.reference.guides import (DAY_HEADINGS, NO_APP, SESSION_AIMS, SESSION_APPS, SESSION_TITLES, check_guides,
                                  is_break, load_agenda, load_preparation, valid_session)
from kit.reports import document as blocks
from kit.reports.document import Document
from kit.reports.html_table import html_table
from kit.text import fold


def _slot(row: dict) -> str:
    return f"{row['debut']}–{row['fin']}"


def _where(row: dict) -> str:
    """"10_enjeux.ipynb › 2. Enjeux", the notebook alone, or a dash when no app is used."""
    return " › ".join(part for part in (row["application"], row["onglet"]) if part) or NO_APP


def _materials(agenda: pd.DataFrame) -> list[str]:
    """Every material named in the agenda, once (case-insensitive), in the order of first use."""
    seen: dict[str, str] = {}
    for cell in agenda["supports"]:
        for item in (part.strip() for part in cell.split(";")):
            if item and fold(item) not in seen:
                seen[fold(item)] = item
    return list(seen.values())


def _preparation_table(tasks: pd.DataFrame) -> pd.DataFrame:
    return tasks[["echeance", "qui", "tache"]].rename(columns={"echeance": "échéance", "tache": "tâche"})


def _agenda_table(day: pd.DataFrame) -> pd.DataFrame:
    rows = day.to_dict("records")
    return pd.DataFrame({
        "jour": [f"jour {row['jour']}" for row in rows],
        "horaire": [_slot(row) for row in rows],
        "séquence": [row["sequence"] for row in rows],
        "application › onglet": [_where(row) for row in rows],
        "supports": [", ".join(s.strip() for s in row["supports"].split(";") if s.strip()) for row in rows],
    }, columns=["jour", "horaire", "séquence", "application › onglet", "supports"])


def _session_span(agenda: pd.DataFrame, day: int) -> str:
    times = agenda[agenda["jour"] == day]
    if times.empty:
        return "non prévu"
    return f"de {times['debut'].min()} à {times['fin'].max()}"


def guide_document(number: int, directory: Path | str | None = None) -> Document:
    """The printable facilitator guide of session `number`: aim, preparation, agenda per day, each
    sequence in detail, materials, a checklist of expected outputs and the follow-up tasks. Render it
    with `kit.reports.render_docx` / `render_html`."""
    title = SESSION_TITLES[valid_session(number)]
    agenda = load_agenda(number, directory)
    tasks = load_preparation(number, directory)
    doc = Document(f"Guide d'animation — session {number} : {title}",
                   subtitle="Quartiers en transitions — phase 1 : concevoir un projet de quartier")
    doc.toc()

    doc.heading("Objectif de la session", 1)
    doc.paragraph(SESSION_AIMS[number])
    doc.paragraph(f"Une journée et demie chez l'un des territoires participants. Jour 1, {_session_span(agenda, 1)} : "
                  f"accueil, visite du quartier hôte et rencontre avec ses acteurs, puis une première séquence de "
                  f"travail. Jour 2, {_session_span(agenda, 2)} : la journée de travail, avec l'application "
                  f"{SESSION_APPS[number]}.")
    problems = check_guides(directory)
    if problems:
        doc.note("Les fichiers du guide contiennent des erreurs à corriger : " + " ".join(problems), kind="warning")

    _tasks_section(doc, "Avant la session", tasks[tasks["moment"] == "avant"], "Préparation")

    doc.heading("Programme", 1)
    for day, heading in DAY_HEADINGS.items():
        rows = agenda[agenda["jour"] == day]
        doc.heading(heading, 2)
        if rows.empty:
            doc.note("Aucune séquence prévue ce jour-là.", kind="warning")
        else:
            doc.table(_agenda_table(rows), caption=f"Programme du {heading.lower().replace(' — ', ', ')}")

    doc.heading("Séquence par séquence", 1)
    for row in agenda.to_dict("records"):
        if is_break(row["sequence"]):
            continue
        doc.heading(f"Jour {row['jour']}, {_slot(row)} — {row['sequence']}", 2)
        if row["deroulement"]:
            doc.paragraph(row["deroulement"])
        details = [f"Application : {_where(row)}" if row["application"] else "Application : aucune",
                   f"Supports : {', '.join(s.strip() for s in row['supports'].split(';') if s.strip())}"
                   if row["supports"] else "",
                   f"Résultat attendu : {row['resultat']}" if row["resultat"] else ""]
        doc.bullets([d for d in details if d])

    doc.heading("Matériel à prévoir", 1)
    doc.bullets(_materials(agenda))

    doc.heading("Résultats attendus en fin de session", 1)
    # Unchecked on purpose: the facilitator ticks them on the printed guide at the closing round.
    doc.checklist([(row["resultat"], False) for row in agenda.to_dict("records")
                   if row["resultat"] and not is_break(row["sequence"])], boxes=True)

    _tasks_section(doc, "Après la session", tasks[tasks["moment"] == "après"], "Suites")
    return doc


def _tasks_section(doc: Document, heading: str, tasks: pd.DataFrame, caption: str) -> None:
    doc.heading(heading, 1)
    if tasks.empty:
        doc.paragraph("Aucune tâche prévue.")
    else:
        doc.table(_preparation_table(tasks), caption=caption)


# ---------------------------------------------------------------------------------------------
# In-app view
# ---------------------------------------------------------------------------------------------


def _esc(text: str) -> str:
    return escape(text, quote=True)


def _html_block(block: blocks.Block) -> str:
    """One block of the guide as HTML. Headings start at h4: the app's own title is above them."""
    match block:
        case blocks.Heading(text, level, _):
            return f"<h{level + 3}>{_esc(text)}</h{level + 3}>"
        case blocks.Paragraph(text):
            return f"<p>{_esc(text)}</p>"
        case blocks.Bullets(items):
            return "<ul>" + "".join(f"<li>{_esc(i)}</li>" for i in items) + "</ul>"
        case blocks.Table():
            return html_table(block.header, block.rows, block.numeric, caption=block.caption, css_class="kit-table")
        case blocks.Note(text, kind, label):
            strong = f"<strong>{_esc(label)}</strong> " if label else ""
            return f'<div class="kit-guide-note {kind}">{strong}{_esc(text)}</div>'
        case blocks.Checklist(items):
            return ('<ul class="kit-guide-checklist">'
                    + "".join(f"<li>{'☑' if done else '☐'} {_esc(text)}</li>" for text, done in items) + "</ul>")
        case blocks.Toc():
            return ""  # a scrolling panel needs no table of contents
    raise TypeError(f"unexpected block in a guide: {block!r}")


def guide_html(number: int, directory: Path | str | None = None) -> str:
    """The guide of session `number` as an HTML fragment for an app panel (no <html> wrapper): the very
    blocks of `guide_document`, so the screen and the printout never disagree. All text is escaped."""
    doc = guide_document(number, directory)
    subtitle = f'<p class="kit-guide-subtitle">{_esc(doc.subtitle)}</p>' if doc.subtitle else ""
    body = "".join(_html_block(block) for block in doc.blocks)
    return f'<div class="kit-guide"><h3>{_esc(doc.title)}</h3>{subtitle}{body}</div>'
