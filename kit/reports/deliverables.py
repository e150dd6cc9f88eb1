"""The documents a territory forwards after each session, assembled from the workspace.

Each deliverable is a `kit.reports.Document` built from the same pure functions and charts as the
apps, then rendered to DOCX or HTML. Adding one: write a builder and register it in `BUILDERS`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from kit.lazy import pandas as pd  # imported on first table (see kit.lazy)
from kit import charts
from kit.sessions import diagnostic, stakes
from kit.errors import KitError
from kit.model import Workspace
from kit.reports import Document, deliverable_filename, render_docx, render_html
from kit.reports.formatting import format_short_number

if TYPE_CHECKING:
    from kit.reference.contours import NeighbourhoodShapes

MAX_MAPS = 6  # maps of the neighbourhoods in a deliverable, one per indicator with values


def session1(ws: Workspace, *, with_plan: bool = True, shapes: NeighbourhoodShapes | None = None) -> Document:
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
                  caption=f"Portrait de {n.name}", number_format=format_short_number)  # 3 850 habitants, as on screen
        if known[["EPCI", "région", "France"]].notna().any().any():
            reference = next(r for r in ("France", "région", "EPCI") if known[r].notna().any())
            doc.figure(charts.portrait_gaps(portrait, reference), caption=f"{n.name} : écarts à la référence « {reference} »")
    comparison = diagnostic.comparison(ws)
    if len(ws.neighbourhoods) > 1 and not comparison.empty:
        doc.table(comparison, caption="Les quartiers côte à côte", number_format=format_short_number)
    if shapes is not None and shapes.shapes:
        _neighbourhood_maps(doc, ws, shapes)

    doc.heading("Les enjeux", 1)
    frame = stakes.stakes_frame(ws)
    if frame.empty:
        doc.note("Aucun enjeu n'a encore été formulé.", kind="warning")
    for theme, group in frame.groupby("thème", sort=False):
        doc.heading(theme, 2)
        by_id = {s.id: s for s in ws.stakes}
        for row in group.to_dict("records"):  # columns by name: "éléments de preuve" is no attribute name
            stake = by_id[row["id"]]
            doc.heading(row["enjeu"], 3)
            if row["énoncé"]:
                doc.paragraph(row["énoncé"])
            details = [f"Quartiers : {row['quartiers']}" if row["quartiers"] else "",
                       f"Éléments de preuve : {row['éléments de preuve']}" if row["éléments de preuve"] else "",
                       f"Porté par : {row['porté par']}" if row["porté par"] else "",
                       f"Votes : {row['votes']}" if row["votes"] else ""]
            doc.bullets([d for d in details if d])
            doc.checklist(stakes.checklist(stake))

    placed = stakes.stake_map_frame(ws)
    if placed["placé"].any():
        doc.heading("Carte des enjeux", 1)
        doc.figure(charts.stake_map(placed, f"{stakes.AXES['control']} (0 à 10)", f"{stakes.AXES['importance']} (0 à 10)"),
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
        if any(p.kind or p.description for p in ws.local_projects):
            doc.table(pd.DataFrame([{"projet": p.name, "type": p.kind, "description": p.description}
                                    for p in ws.local_projects]), caption="Les projets locaux")
        if uncovered:
            doc.paragraph("Enjeux qu'aucun projet ne couvre : " + ", ".join(uncovered) + ".")
        if unjustified:
            doc.paragraph("Projets qu'aucun enjeu ne justifie : " + ", ".join(unjustified) + ".")

    if with_plan:
        _work_plan(doc, ws, 1, "Plan de travail jusqu'à la session 2")
    gaps = diagnostic.portrait(ws, ws.neighbourhoods[0].id) if ws.neighbourhoods else pd.DataFrame()
    if not gaps.empty:
        missing = gaps[gaps["quartier"].isna()][["indicateur", "où trouver la donnée"]]
        if not missing.empty:
            doc.heading("Annexe : données à compléter et où les trouver", 1)
            doc.table(missing, caption="Indicateurs sans valeur")
    return doc


def _neighbourhood_maps(doc: Document, ws: Workspace, shapes: NeighbourhoodShapes) -> None:
    """The map of the neighbourhoods, coloured by each indicator that has values (the first MAX_MAPS), or
    their contours alone when no value is known yet."""
    doc.heading("Carte des quartiers", 2)
    indicators = diagnostic.map_indicators(ws)
    for indicator in indicators[:MAX_MAPS] or ["population"]:
        meta = diagnostic.indicator_meta(indicator, ws)
        doc.figure(charts.neighbourhood_map(shapes, diagnostic.map_frame(ws, indicator), meta["label"], meta["unit"],
                                            meta["direction"]),
                   caption=f"Les quartiers : {meta['label']} ({meta['unit']})" if indicators else
                   "Les quartiers prioritaires du territoire (contours officiels de l'ANCT)")
    if len(indicators) > MAX_MAPS:
        doc.note(f"{len(indicators) - MAX_MAPS} autre(s) indicateur(s) renseigné(s) : leur carte est dans "
                 "l'application (session 1, onglet Diagnostic).", kind="info")
    sources = f"Contours officiels des quartiers prioritaires 2024 (ANCT, Licence Ouverte), fichier « {shapes.source} »"
    doc.paragraph(sources + f", simplifiés ; projection {shapes.projection}.")


def session2(ws: Workspace, *, with_plan: bool = True) -> Document:
    from kit.sessions import project
    from kit.methods import governance, network

    territory = ws.territory.epci_name or ws.name
    doc = Document("Livrable de la session 2 : construire le projet", subtitle=ws.name, territory=territory)
    doc.toc()
    doc.heading(f"Le cap à {ws.vision.horizon}", 1)
    doc.paragraph(ws.vision.ambition or "L'ambition reste à formuler.")
    objectives = project.objectives_frame(ws)
    doc.figure(charts.objective_tree(objectives, ws.vision.ambition, ws.vision.horizon), caption="L'arbre des objectifs")
    if not objectives.empty:
        doc.table(objectives[["objectif", "niveau", "rattaché à", "enjeux"]], caption="Objectifs et enjeux auxquels ils répondent")
    unanswered, untied = project.objective_gaps(ws)
    if unanswered:
        doc.paragraph("Enjeux auxquels aucun objectif ne répond : " + ", ".join(unanswered) + ".")
    if untied:
        doc.paragraph("Objectifs rattachés à aucun enjeu : " + ", ".join(untied) + ".")

    doc.heading("Le groupe projet", 1)
    group = project.group_frame(ws)
    if not group.empty:
        doc.table(group[["name", "role", "kind"]].rename(columns={"name": "acteur", "role": "rôle", "kind": "type"}),
                  caption="Composition du groupe projet")
    doc.checklist([(f"{c.label} — {c.detail}" if c.detail else c.label, c.ok) for c in project.group_checklist(ws)])

    doc.heading("Les acteurs et leurs relations", 1)
    actors, relations = project.actors_frame(ws), project.relations_frame(ws)
    if actors.empty:
        doc.note("Aucun acteur n'est encore renseigné.", kind="warning")
    else:
        graph = network.build_graph(actors, relations)
        table = network.metrics(graph)
        doc.figure(network.network_figure(actors, relations, table, groups=project.network_groups(ws)),
                   caption="Carte des acteurs (anneaux : groupe projet et instances)")
        doc.bullets(network.readings(graph, table, actors))
        doc.table(table[["name", "kind", "degree", "betweenness", "community"]].rename(columns={
            "name": "acteur", "kind": "type", "degree": "relations", "betweenness": "intermédiarité",
            "community": "groupe"}).reset_index(drop=True), caption="Indicateurs du réseau")  # no internal ids

    doc.heading("La gouvernance", 1)
    if ws.bodies:
        from kit.sessions import steering  # as in session3

        bodies = project.bodies_records(ws)
        doc.figure(governance.governance_figure(bodies, actors), caption="Schéma de gouvernance")
        names = {a.id: a.name for a in ws.actors}
        doc.table(pd.DataFrame([{"instance": b.name, "type": b.kind, "pilote": names.get(b.lead_id, ""),
                                 "rythme": b.rhythm, "première réunion": steering.first_meeting_text(b),
                                 "décide de": b.decides} for b in ws.bodies]), caption="Les instances")
    doc.checklist([(f"{c.label} — {c.detail}" if c.detail else c.label, c.ok) for c in project.governance_checks(ws)])

    doc.heading("Stratégies des acteurs (MACTOR)", 1)
    result = project.actor_strategies(ws)
    if result is None:
        doc.note("Les matrices MACTOR ne sont pas encore remplies.", kind="warning")
    else:
        doc.figure(charts.actor_plane(result.actors, result.cuts, codes=project.actor_codes(ws)),
                   caption="Influences et dépendances des acteurs")
        doc.table(result.actors[["influence", "dependence", "ri_star", "sector"]].rename(columns={
            "influence": "influence", "dependence": "dépendance", "ri_star": "rapport de force ri*",
            "sector": "position"}).reset_index(names="acteur"), caption="Rapports de force")
        doc.figure(charts.convergence_graph(result.edges, list(result.actors.index),
                                           codes=project.actor_codes(ws)), caption="Convergences et divergences")
        doc.figure(charts.mobilisation(result.objectives), caption="Mobilisation sur les objectifs")
        for warning in result.warnings:
            doc.note(warning, kind="warning")
    if with_plan:
        _work_plan(doc, ws, 2, "Plan de travail jusqu'à la session 3")
    return doc


def session3(ws: Workspace, *, with_plan: bool = True) -> Document:
    from kit.sessions import steering
    from kit.reference.programme import programme_milestones
    from kit.methods import roadmap

    territory = ws.territory.epci_name or ws.name
    doc = Document("Livrable de la session 3 : passer à l'action", subtitle=ws.name, territory=territory)
    doc.toc()
    doc.heading("Le système de pilotage", 1)
    if ws.bodies:
        doc.table(pd.DataFrame([{"instance": b.name, "type": b.kind, "rythme": b.rhythm, "décide de": b.decides}
                                for b in ws.bodies]), caption="Les instances")
        meetings = steering.bodies_meetings(ws)
        if meetings:
            doc.table(steering.meetings_frame(meetings), caption="Calendrier des réunions des douze prochains mois")
        for note in meetings.notes:
            doc.note(note, kind="warning")
    else:
        doc.note("Les instances de pilotage ne sont pas encore décrites (session 2).", kind="warning")

    doc.heading("Le plan d'action", 1)
    if not ws.actions:
        doc.note("Aucune fiche action pour l'instant.", kind="warning")
    else:
        actions = roadmap.actions_frame(ws)
        doc.table(actions[["title", "status", "lead", "start", "end"]].rename(columns={
            "title": "fiche", "status": "statut", "lead": "pilote", "start": "début", "end": "fin"}),
            caption="Les fiches action")
        findings = roadmap.checks(ws)
        if findings:
            doc.bullets([f"{f.level} : {f.message}" for f in findings])
        try:
            path = roadmap.critical_path(actions)
            milestones = programme_milestones() + [m.model_dump() for m in ws.milestones]
            doc.figure(roadmap.gantt_figure(actions, milestones, path), caption="Feuille de route (chemin critique en rouge)")
        except KitError as error:
            doc.note(error.message, kind="warning")
        doc.heading("Qui fait quoi", 2)
        doc.table(steering.responsibility_matrix(ws).reset_index(names="acteur"), caption="Matrice des responsabilités")
        doc.table(steering.load_per_actor(ws), caption="Charge par acteur")
        dashboard = steering.indicator_dashboard(ws)
        if not dashboard.empty:
            doc.table(dashboard, caption="Tableau de bord des indicateurs")
    if with_plan:
        _work_plan(doc, ws, 3, "Plan de travail jusqu'à la mise en œuvre")
    return doc


def fiches(ws: Workspace) -> Document:
    from kit.reports.fiches import fiches_document

    return fiches_document(ws)


def candidature(ws: Workspace) -> Document:
    """The application note, sober enough for an EPCI to sign and send."""
    from kit.sessions import application

    epci = ws.territory.epci_name or ws.name
    doc = Document("Note d'intention", subtitle=f"Candidature au programme « Quartiers en transitions » — {epci}",
                   territory=epci)
    _application_parts(doc, ws, level=1)
    doc.heading("Le groupe projet", 1)
    _group_table(doc, ws)
    from kit.sessions.project import decision_body

    body = decision_body(ws)
    if body:
        doc.paragraph(f"Le groupe projet rend compte de ses travaux à l'instance décisionnelle suivante : {body}.")
    doc.heading("Engagement", 1)
    if ws.application.three_phases:
        doc.paragraph(f"{epci} s'engage à suivre les trois phases du programme : conception du projet de quartier, "
                      "mise en œuvre, puis suivi, capitalisation et essaimage.")
    else:
        doc.paragraph(f"{epci} s'engage à suivre la première phase du programme (conception du projet de quartier).")
    sent = ws.application.sent_on
    doc.paragraph(f"Fait le {sent:%d/%m/%Y}." if sent else "Fait le ……………………")
    doc.paragraph(f"Pour l'intercommunalité : {ws.application.signatory}" if ws.application.signatory
                  else "Pour l'intercommunalité (nom, qualité, signature) :")
    missing = [c.label for c in application.eligibility(ws) if not c.ok and c.label != "Date limite de candidature"]
    if missing:
        doc.note("Avant l'envoi, conditions à réunir : " + " ; ".join(missing) + ".", kind="warning")
    return doc


def projet(ws: Workspace, *, shapes: NeighbourhoodShapes | None = None) -> Document:
    """Phase 1 in one document: context and application, diagnostic and stakes, cap and objectives,
    group and governance, action plan and steering, next steps. Each session's deliverable is
    included as a part (its work plan left out: the next steps gather what remains to do)."""
    territory = ws.territory.epci_name or ws.name
    doc = Document("Le projet de quartier en transition", subtitle=f"{ws.name} — phase 1 : concevoir le projet",
                   territory=territory)
    doc.toc()
    doc.heading("Contexte et candidature", 1)
    if ws.neighbourhoods:
        doc.table(pd.DataFrame([{"quartier": n.name, "code QPV": n.qpv_code, "commune": n.commune}
                                for n in ws.neighbourhoods]), caption="Les quartiers prioritaires du projet")
    _application_parts(doc, ws, level=2)
    doc.heading("Diagnostic et enjeux", 1).include(session1(ws, with_plan=False, shapes=shapes))
    doc.heading("Le cap, le groupe projet et la gouvernance", 1).include(session2(ws, with_plan=False))
    doc.heading("Le plan d'action et le pilotage", 1).include(session3(ws, with_plan=False))
    _next_steps(doc, ws)
    return doc


def _guide(number: int) -> Callable[[Workspace], Document]:
    def build(ws: Workspace) -> Document:
        from kit.reports.guides import guide_document

        return guide_document(number)  # the same for every territory of a cohort
    return build


def _application_parts(doc: Document, ws: Workspace, level: int) -> None:
    from kit.sessions import application

    for part in application.PARTS:
        doc.heading(part.title, level)
        text = application.note_text(ws, part.key)
        if not text.strip():
            doc.note("Partie à rédiger.", kind="warning")
        _typed_text(doc, text)


def _typed_text(doc: Document, text: str) -> None:
    """Typed text as paragraphs; consecutive lines starting with "- " or "• " become a list."""
    items: list[str] = []
    for line in [line.strip() for line in text.splitlines()] + [""]:
        if line[:2] in ("- ", "• "):
            items.append(line[2:].strip())
            continue
        if items:
            doc.bullets(items)
            items = []
        if line:
            doc.paragraph(line)


def _group_table(doc: Document, ws: Workspace) -> None:
    actors = {a.id: a for a in ws.actors}
    rows = [{"rôle": m.role, "membre": ", ".join(x for x in (actors[m.actor_id].person, actors[m.actor_id].name) if x),
             "coordonnées": actors[m.actor_id].contact} for m in ws.project_group]
    if rows:
        doc.table(pd.DataFrame(rows), caption="Composition du groupe projet et coordonnées")
    else:
        doc.note("Le groupe projet reste à composer.", kind="warning")


def _next_steps(doc: Document, ws: Workspace) -> None:
    import datetime as dt

    from kit.reference.programme import programme_milestones

    doc.heading("Prochaines étapes", 1)
    today = dt.date.today()
    open_items = [(r.number, i) for r in sorted(ws.sessions, key=lambda r: r.number) for i in r.work_plan if not i.done]
    if open_items:
        doc.table(pd.DataFrame([{"session": n, "tâche": i.task, "qui": i.owner,
                                 "échéance": i.due.strftime("%d/%m/%Y") if i.due else ""} for n, i in open_items]),
                  caption="Tâches des plans de travail restant à faire")
    starting = sorted((a for a in ws.actions if a.start and today <= a.start <= today + dt.timedelta(days=183)),
                      key=lambda a: a.start)
    if starting:
        doc.bullets([f"{a.start:%d/%m/%Y} : {a.title}" for a in starting])
    try:
        coming = [m for m in programme_milestones() if (m["end"] or m["on"]) >= today][:5]
    except KitError as error:
        doc.note(error.message, kind="warning")
        coming = []
    if coming:
        doc.table(pd.DataFrame([{"date": m["on"].strftime("%d/%m/%Y"), "étape du programme": m["title"]}
                                for m in coming]), caption="Prochaines étapes du programme")
    if not (open_items or starting or coming):
        doc.paragraph("Aucune tâche ni échéance n'est encore inscrite : fixez-les dans le plan de travail de la "
                      "session 3.")


def _work_plan(doc: Document, ws: Workspace, number: int, title: str) -> None:
    doc.heading(title, 1)
    items = next((r.work_plan for r in ws.sessions if r.number == number), [])
    if not items:
        doc.note("Le plan de travail n'est pas encore établi.", kind="warning")
        return
    doc.table(pd.DataFrame([{"tâche": i.task, "qui": i.owner,
                             "échéance": i.due.strftime("%d/%m/%Y") if i.due else "",
                             "fait": "oui" if i.done else "non"} for i in items]), caption=title)


BUILDERS: dict[str, Callable[[Workspace], Document]] = {
    "session1": session1, "session2": session2, "session3": session3, "fiches": fiches,
    "candidature": candidature, "projet": projet,
    "guide-session1": _guide(1), "guide-session2": _guide(2), "guide-session3": _guide(3),
}
# How each file is named (the territory's name follows); by default "livrable-<name>".
FILE_KINDS = {"candidature": "note-d-intention", "projet": "projet-de-quartier",
              "territoires-en-transitions": "plan-territoires-en-transitions",
              **{f"guide-session{n}": f"guide-animation-session{n}" for n in (1, 2, 3)}}
FORMATS = ("docx", "html")


def _territoires_en_transitions(ws: Workspace) -> bytes:
    from kit.reports.territoires_en_transitions import export_tet_workbook

    return export_tet_workbook(ws)


# Deliverables that are a file in one format of their own rather than a document: (format, builder).
FILES: dict[str, tuple[str, Callable[[Workspace], bytes]]] = {
    "territoires-en-transitions": ("xlsx", _territoires_en_transitions),  # the platform's import template
}
MIME_TYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
              "html": "text/html",
              "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


# The deliverables that draw the map of the neighbourhoods when their shapes are given.
WITH_MAP = {"session1", "projet"}


def export(ws: Workspace, deliverable: str, fmt: str | None = None, *,
           shapes: NeighbourhoodShapes | None = None) -> tuple[str, bytes]:
    """(file name, bytes) of a deliverable in a format (by default docx, or the file's own format).
    `shapes`: the neighbourhoods' contours kept beside the workspace, for the deliverables that map them."""
    if deliverable not in BUILDERS and deliverable not in FILES:
        raise KitError(f"Livrable inconnu : « {deliverable} ». Livrables disponibles : "
                       f"{', '.join([*BUILDERS, *FILES])}.")
    name = FILE_KINDS.get(deliverable, f"livrable-{deliverable}")
    if deliverable in FILES:
        own, build = FILES[deliverable]
        if fmt not in (None, own):
            raise KitError(f"Le livrable « {deliverable} » n'existe qu'au format {own}, pas « {fmt} ».")
        return deliverable_filename(ws.name, name, own), build(ws)
    fmt = fmt or "docx"
    if fmt not in FORMATS:
        raise KitError(f"Format inconnu pour un livrable : « {fmt} » (docx ou html).")
    doc = BUILDERS[deliverable](ws, shapes=shapes) if deliverable in WITH_MAP else BUILDERS[deliverable](ws)
    data = render_docx(doc) if fmt == "docx" else render_html(doc)
    return deliverable_filename(ws.name, name, fmt), data
