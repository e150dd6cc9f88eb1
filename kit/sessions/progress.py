"""Where each step of the programme stands (the application, the three workshop sessions, the
follow-up), computed from the workspace alone."""

from __future__ import annotations

from dataclasses import dataclass

from kit.model import Workspace

NOT_STARTED, IN_PROGRESS, DONE = "à préparer", "en cours", "tenue"
SENT = "envoyée"  # the application's "done"


@dataclass(frozen=True)
class SessionProgress:
    number: int
    title: str
    aim: str
    notebook: str
    state: str
    facts: list[str]

    @property
    def label(self) -> str:
        return f"Session {self.number} — {self.title}" if self.number else self.title


SESSIONS = [
    (1, "Enjeux et défis", "Formuler les enjeux du quartier et les situer dans le contrat de ville",
     "10_enjeux.ipynb"),
    (2, "Construire le projet", "Fixer le cap, les objectifs, le groupe projet et sa gouvernance",
     "20_projet.ipynb"),
    (3, "Passer à l'action", "Organiser le pilotage et lancer le plan d'action", "30_action.ipynb"),
]


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def session_progress(ws: Workspace) -> list[SessionProgress]:
    """One line of facts per session, and a state: to prepare, in progress, or held."""
    records = {r.number: r for r in ws.sessions}
    content = {
        1: [_count(len(ws.stakes), "enjeu", "enjeux")],
        2: [_count(len(ws.objectives), "objectif", "objectifs"), _count(len(ws.actors), "acteur", "acteurs"),
            _count(len(ws.bodies), "instance", "instances")],
        3: [_count(len(ws.actions), "fiche action", "fiches action")],
    }
    result = []
    for number, title, aim, notebook in SESSIONS:
        record = records.get(number)
        facts = list(content[number])
        has_content = any(not f.startswith("0 ") for f in facts)
        if record and record.work_plan:
            done = sum(item.done for item in record.work_plan)
            facts.append(f"plan de travail : {done}/{len(record.work_plan)} tâches faites")
        if record and record.held_on:
            state = DONE
            facts.insert(0, f"tenue le {record.held_on:%d/%m/%Y}" + (f" ({record.place})" if record.place else ""))
        else:
            state = IN_PROGRESS if has_content else NOT_STARTED
        result.append(SessionProgress(number, title, aim, notebook, state, facts))
    return result


def programme_progress(ws: Workspace) -> list[SessionProgress]:
    """The home page's cards: the application, the three sessions, then the follow-up."""
    from kit.sessions.application import PART_KEYS, eligibility, missing_parts

    criteria = eligibility(ws)
    met = sum(c.ok for c in criteria)
    written = len(PART_KEYS) - len(missing_parts(ws))
    state = SENT if ws.application.sent_on else IN_PROGRESS if written or ws.project_group else NOT_STARTED
    facts = [f"{written}/{len(PART_KEYS)} parties rédigées", f"{met}/{len(criteria)} conditions remplies"]
    if ws.application.sent_on:
        facts.insert(0, f"envoyée le {ws.application.sent_on:%d/%m/%Y}")
    application = SessionProgress(0, "Candidature — note d'intention",
                                  "Présenter le territoire, ses enjeux et son groupe projet", "01_candidature.ipynb",
                                  state, facts)
    started = [a for a in ws.actions if a.status != "à venir"]
    followup = SessionProgress(0, "Suivi — mise en œuvre", "Suivre les fiches action et leurs indicateurs (phases 2 et 3)",
                               "40_suivi.ipynb", IN_PROGRESS if started else NOT_STARTED,
                               [_count(len(ws.actions), "fiche action", "fiches action"),
                                _count(len(started), "engagée", "engagées")])
    return [application, *session_progress(ws), followup]
