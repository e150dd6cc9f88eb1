"""The "pas à pas" of each app: its steps, which are done, and what to do next.

The steps of the three session apps are the sequences of the facilitator guide that use them
(`data/guides/deroule_sessions.csv`): a facilitator who adapts the agenda changes the steps too.
The home page, the application and the follow-up have their own steps (`OWN_STEPS`).
Whether a step is done is read from the workspace, by the tab it uses (`DONE`); a step the kit
cannot judge (exporting a workbook, reading a dashboard) stays neutral.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kit.model import Workspace


@dataclass(frozen=True)
class Step:
    tab: str  # the app's tab the step uses ("" when none)
    title: str
    what: str  # what the group does
    expected: str  # the result expected at the end of the step
    when: str = ""  # "jour 2, 09:30–10:45" for a session step
    done: bool | None = None  # None: the kit cannot tell
    app: str = ""  # another app the step happens in (the home page's steps), "" for this one


def _work_plan(number: int) -> Callable[[Workspace], bool]:
    return lambda ws: any(r.number == number and r.work_plan for r in ws.sessions)


def _pairs(ws: Workspace) -> bool:
    from kit.sessions import project

    checks = project.group_checklist(ws)
    return checks[0].ok and checks[1].ok


def _decision_body(ws: Workspace) -> str | None:
    from kit.sessions.project import decision_body

    return decision_body(ws)


def _application_written(ws: Workspace) -> bool:
    from kit.sessions.application import missing_parts

    return not missing_parts(ws)


def _eligible(ws: Workspace) -> bool:
    from kit.sessions.application import eligibility

    return all(c.ok for c in eligibility(ws))


def _session_held(number: int) -> Callable[[Workspace], bool]:
    return lambda ws: any(r.number == number and r.held_on for r in ws.sessions)


# (notebook, tab) -> is the step done, read from the workspace; for a step without a tab, its title.
DONE: dict[tuple[str, str], Callable[[Workspace], bool]] = {
    ("10_enjeux.ipynb", "1. Diagnostic"): lambda ws: any(v.place_kind == "qpv" for v in ws.indicator_values),
    ("10_enjeux.ipynb", "2. Enjeux"): lambda ws: len(ws.stakes) >= 3,
    ("10_enjeux.ipynb", "3. Carte des enjeux"): lambda ws: any(
        s.importance is not None and s.control is not None for s in ws.stakes),
    ("10_enjeux.ipynb", "4. Analyse structurelle"): lambda ws: bool(ws.influences),
    ("10_enjeux.ipynb", "5. Positionnement"): lambda ws: any(p.stake_ids for p in ws.local_projects),
    ("10_enjeux.ipynb", "6. Plan de travail et livrable"): _work_plan(1),
    ("20_projet.ipynb", "1. Cap et objectifs"): lambda ws: bool(ws.vision.ambition and ws.objectives),
    ("20_projet.ipynb", "2. Acteurs et groupe projet"): _pairs,
    ("20_projet.ipynb", "3. Réseau d'acteurs"): lambda ws: bool(ws.relations),
    ("20_projet.ipynb", "4. Gouvernance"): lambda ws: _decision_body(ws) is not None,
    ("20_projet.ipynb", "5. Stratégies d'acteurs"): lambda ws: bool(ws.actor_influences and ws.actor_positions),
    ("20_projet.ipynb", "6. Plan de travail et livrable"): _work_plan(2),
    ("30_action.ipynb", "1. Fiches action"): lambda ws: bool(ws.actions),
    ("30_action.ipynb", "2. Feuille de route"): lambda ws: bool(ws.actions) and all(a.start and a.end
                                                                                    for a in ws.actions),
    ("30_action.ipynb", "3. Pilotage"): lambda ws: any(b.rhythm for b in ws.bodies) and any(
        a.indicators for a in ws.actions),
    ("30_action.ipynb", "5. Plan de travail et livrable"): _work_plan(3),
    ("01_candidature.ipynb", "1. La note"): _application_written,
    ("01_candidature.ipynb", "2. Groupe projet"): lambda ws: _pairs(ws) and all(
        a.contact for a in ws.actors if any(m.actor_id == a.id for m in ws.project_group)),
    ("01_candidature.ipynb", "3. Éligibilité et document"): _eligible,
    ("40_suivi.ipynb", "1. Mettre à jour"): lambda ws: any(a.status != "à venir" for a in ws.actions),
    ("00_accueil.ipynb", "Situer le territoire"): lambda ws: bool(
        (ws.territory.epci_siren or ws.territory.epci_name) and ws.neighbourhoods),
    ("00_accueil.ipynb", "Candidater"): lambda ws: ws.application.sent_on is not None or _eligible(ws),
    ("00_accueil.ipynb", "Session 1 — Enjeux et défis"): _session_held(1),
    ("00_accueil.ipynb", "Session 2 — Construire le projet"): _session_held(2),
    ("00_accueil.ipynb", "Session 3 — Passer à l'action"): _session_held(3),
}

# Apps that no session agenda uses: (tab, title, what, expected[, app to open]).
OWN_STEPS: dict[str, list[tuple[str, ...]]] = {
    "00_accueil.ipynb": [
        ("", "Situer le territoire",
         "Choisir l'intercommunalité dans la liste et ajouter les quartiers prioritaires concernés, avec leur code QPV.",
         "L'EPCI et ses quartiers sont enregistrés : les données et les enjeux s'y rattachent.", ""),
        ("", "Candidater",
         "Rédiger la note d'intention, composer le groupe projet et vérifier les conditions de l'appel.",
         "La note signée et envoyée avant la date limite.", "01_candidature.ipynb"),
        ("", "Session 1 — Enjeux et défis", "Le diagnostic, les enjeux, l'analyse structurelle et le positionnement.",
         "Le livrable de la session 1 et le plan de travail jusqu'à la session 2.", "10_enjeux.ipynb"),
        ("", "Session 2 — Construire le projet", "Le cap, les objectifs, les acteurs, le groupe projet et la gouvernance.",
         "Le livrable de la session 2 et le plan de travail jusqu'à la session 3.", "20_projet.ipynb"),
        ("", "Session 3 — Passer à l'action", "Les fiches action, la feuille de route et le pilotage.",
         "Le livrable de la session 3 et le projet complet de la phase 1.", "30_action.ipynb"),
        ("", "Mettre en œuvre et suivre", "Tenir les fiches à jour et préparer les comités de pilotage.",
         "Un suivi daté, partagé à la rencontre régionale.", "40_suivi.ipynb"),
    ],
    "01_candidature.ipynb": [
        ("1. La note", "Rédiger les cinq parties",
         "Partir des propositions du kit (quartiers, enjeux, groupe, projets déjà saisis), les relire et les "
         "compléter avec ce que seul le territoire sait : sa volonté politique et ses raisons de candidater.",
         "Une note de deux à quatre pages, chaque partie enregistrée."),
        ("2. Groupe projet", "Composer le groupe projet",
         "Inscrire les deux binômes élu et technicien (politique de la ville, transitions), les acteurs clés du "
         "quartier avec leurs coordonnées, et l'instance décisionnelle.",
         "Un groupe complet, joignable, et l'instance qui validera ses travaux."),
        ("3. Éligibilité et document", "Vérifier et envoyer",
         "Reprendre la liste des conditions, cocher les engagements, puis télécharger la note pour la faire signer.",
         "Toutes les conditions remplies avant la date limite, la note signée et envoyée."),
    ],
    "40_suivi.ipynb": [
        ("1. Mettre à jour", "Mettre à jour les fiches",
         "À chaque réunion du comité technique : le statut de chaque fiche, ses étapes faites, les nouvelles "
         "valeurs de ses indicateurs.", "Des fiches à jour, datées."),
        ("2. Avancement", "Lire l'avancement",
         "Regarder l'avancement par objectif et par thème et les alertes (retards, indicateurs sans mesure).",
         "Les points à porter au comité de pilotage."),
        ("3. Ce qui a changé", "Préparer le comité de pilotage",
         "Afficher ce qui a changé depuis la dernière réunion et le présenter à l'instance décisionnelle.",
         "Un compte rendu des changements, décidé et partagé."),
    ],
}


def steps(notebook: str, ws: Workspace) -> list[Step]:
    """The steps of an app, each marked done, not done, or neutral, for this workspace."""
    from kit.reference import guides

    if notebook in OWN_STEPS:  # the home page's welcome sequences of the agenda are not its steps
        rows = [(tab, title, what, expected, "", rest[0] if rest else "")
                for tab, title, what, expected, *rest in OWN_STEPS[notebook]]
    else:
        rows = [(r["onglet"], r["sequence"], r["deroulement"], r["resultat"],
                 f"jour {r['jour']}, {r['debut']}–{r['fin']}", "") for r in guides.app_steps(notebook)]
    result = []
    for tab, title, what, expected, when, app in rows:
        check = DONE.get((notebook, tab or title))
        result.append(Step(tab, title, what, expected, when, None if check is None else bool(check(ws)), app))
    return result


def next_step(items: list[Step]) -> int | None:
    """The position of the step to do now: the first one not done; when the kit cannot judge what
    remains (reading a dashboard, exporting a workbook), the first of those. None when all are done."""
    return next((i for i, step in enumerate(items) if step.done is False),
                next((i for i, step in enumerate(items) if step.done is None), None))


def session_of(notebook: str) -> int | None:
    return {"10_enjeux.ipynb": 1, "20_projet.ipynb": 2, "30_action.ipynb": 3}.get(notebook)
