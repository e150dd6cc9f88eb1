"""The documents a territory forwards after each session, assembled from the workspace.

Each deliverable is a `kit.reports.Document` built from the same pure functions and charts as the
apps, then rendered to DOCX or HTML. Adding one: write a builder and register it in `BUILDERS`.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from kit import charts, diagnostic, stakes
from kit.errors import KitError
from kit.model import Workspace
from kit.reports import Document, deliverable_filename, render_docx, render_html


def session1(ws: Workspace) -> Document:
    territory = ws.territory.epci_name or ws.name
    doc = Document("Livrable de la session 1 : enjeux et défis", subtitle=ws.name, territory=territory)
    doc.toc()
    doc.heading("Les quartiers et leurs données", 1)
    if not ws.neighbourhoods:
        doc.note("Aucun quartier n'est encore renseigné dans l'espace de travail.", kind="warning")
    for n in ws.neighbourhoods:
        doc.heading(f"{n.name} ({n.qpv_code or 'sans code QPV'})", 2)
        portrait = diagnostic.portrait(ws, n.id)
        known = portrait[portrait["quartier"].notna()]
        if known.empty:
            doc.note("Aucune donnée saisie pour ce quartier : voir en annexe où les trouver.", kind="warning")
            continue
        doc.table(known[["thème", "indicateur", "unité", "quartier", "commune", "EPCI", "région", "France", "lecture"]],
                  caption=f"Portrait de {n.name}")
        if known[["EPCI", "région", "France"]].notna().any().any():
            reference = next(r for r in ("France", "région", "EPCI") if known[r].notna().any())
            doc.figure(charts.portrait_gaps(portrait, reference), caption=f"{n.name} : écarts à la référence « {reference} »")
    comparison = diagnostic.comparison(ws)
    if len(ws.neighbourhoods) > 1 and not comparison.empty:
        doc.table(comparison, caption="Les quartiers côte à côte")

    doc.heading("Les enjeux", 1)
    frame = stakes.stakes_frame(ws)
    if frame.empty:
        doc.note("Aucun enjeu n'a encore été formulé.", kind="warning")
    for theme, group in frame.groupby("thème", sort=False):
        doc.heading(theme, 2)
        for row, stake in zip(group.itertuples(index=False), (s for s in ws.stakes if s.id in set(group["id"]))):
            doc.heading(row.enjeu, 3)
            if row.énoncé:
                doc.paragraph(row.énoncé)
            details = [f"Quartiers : {row.quartiers}" if row.quartiers else "",
                       f"Éléments de preuve : {row._5}" if row._5 else "",
                       f"Porté par : {row._6}" if row._6 else "", f"Votes : {row.votes}" if row.votes else ""]
            doc.bullets([d for d in details if d])
            doc.checklist(stakes.checklist(stake))

    placed = stakes.stake_map_frame(ws)
    if placed["placé"].any():
        doc.heading("Carte des enjeux", 1)
        doc.figure(charts.stake_map(placed, stakes.AXES["control"], stakes.AXES["importance"]),
                   caption="Importance et maîtrise locale des enjeux (taille : votes des participants)")

    doc.heading("Analyse structurelle (MICMAC)", 1)
    result = stakes.structural_analysis(ws)
    if result is None or not ws.influences:
        doc.note("La matrice des influences n'est pas encore remplie.", kind="warning")
    else:
        titles = {s.id: s.title for s in ws.stakes}
        doc.figure(charts.micmac_plane(result, titles), caption="Plan influence / dépendance (relations indirectes)")
        table = stakes.titled(result.table, ws)
        doc.table(table[["direct_influence", "direct_dependence", "indirect_influence", "indirect_dependence",
                         "indirect_sector"]].rename(columns={
                             "direct_influence": "influence directe", "direct_dependence": "dépendance directe",
                             "indirect_influence": "influence indirecte", "indirect_dependence": "dépendance indirecte",
                             "indirect_sector": "secteur"}).reset_index(names="enjeu"),
                  caption=f"Résultats (classements stables à la puissance {result.stable_power})")
        key = table[table["indirect_sector"].isin(["motrice", "relais"])].index.tolist()
        doc.paragraph("Variables clés (motrices et relais) : " + (", ".join(key) if key else "aucune pour l'instant") + ".")
        for warning in result.warnings:
            doc.note(warning, kind="warning")

    doc.heading("Positionnement dans le contrat de ville et les projets locaux", 1)
    coverage, uncovered, unjustified = stakes.positioning(ws)
    if coverage.columns.empty:
        doc.note("Aucun projet local (axe du contrat de ville, PCAET, PLH, NPNRU…) n'est encore renseigné.", kind="warning")
    else:
        doc.table(coverage.replace({True: "✓", False: ""}).reset_index(names="enjeu"), caption="Enjeux et projets locaux")
        if uncovered:
            doc.paragraph("Enjeux qu'aucun projet ne couvre : " + ", ".join(uncovered) + ".")
        if unjustified:
            doc.paragraph("Projets qu'aucun enjeu ne justifie : " + ", ".join(unjustified) + ".")

    _work_plan(doc, ws, 1, "Plan de travail jusqu'à la session 2")
    gaps = diagnostic.portrait(ws, ws.neighbourhoods[0].id) if ws.neighbourhoods else pd.DataFrame()
    if not gaps.empty:
        missing = gaps[gaps["quartier"].isna()][["indicateur", "où trouver la donnée"]]
        if not missing.empty:
            doc.heading("Annexe : données à compléter et où les trouver", 1)
            doc.table(missing, caption="Indicateurs sans valeur")
    return doc


def _work_plan(doc: Document, ws: Workspace, number: int, title: str) -> None:
    doc.heading(title, 1)
    items = next((r.work_plan for r in ws.sessions if r.number == number), [])
    if not items:
        doc.note("Le plan de travail n'est pas encore établi.", kind="warning")
        return
    doc.table(pd.DataFrame([{"tâche": i.task, "qui": i.owner,
                             "échéance": i.due.strftime("%d/%m/%Y") if i.due else "",
                             "fait": "oui" if i.done else "non"} for i in items]), caption=title)


BUILDERS: dict[str, Callable[[Workspace], Document]] = {"session1": session1}
FORMATS = ("docx", "html")


def export(ws: Workspace, deliverable: str, fmt: str) -> tuple[str, bytes]:
    """(file name, bytes) of a deliverable in a format."""
    if deliverable not in BUILDERS:
        raise KitError(f"Livrable inconnu : « {deliverable} ». Livrables disponibles : {', '.join(BUILDERS)}.")
    if fmt not in FORMATS:
        raise KitError(f"Format inconnu pour un livrable : « {fmt} » (docx ou html).")
    doc = BUILDERS[deliverable](ws)
    data = render_docx(doc) if fmt == "docx" else render_html(doc)
    return deliverable_filename(ws.name, f"livrable-{deliverable}", fmt), data
