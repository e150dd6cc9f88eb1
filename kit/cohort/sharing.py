"""What a workspace shares with the territories of its cohorts: the one gate (`shared_view`).

Three levels, chosen on the workspace's home page (`Workspace.sharing`):

- « rien »: nothing; the workspace appears in no comparison, no synthesis, no file of the cohort's folder.
- « résumé » (the default): the facts a regional meeting compares, without people or free texts. Kept:
  the territory and its neighbourhoods, the indicator values, the stakes (title, theme, neighbourhoods,
  scores, votes) and the MICMAC matrix, the local projects' names, the objectives' titles, the actors as
  organisations (name, type, power and interest: no person, contact nor role text), the relations, the
  project group and bodies (who, not what they decide), MACTOR, the fiches action (title, description,
  themes through their objectives, budget, funders, steps, indicators, dates and status), the milestones.
  Dropped: the stakes' statements and evidence, the cap's ambition, the objectives' and local projects'
  descriptions, the note d'intention's texts and signatory, the sessions' participants and decisions.
- « tout »: everything but people's names and contact details (an actor's person and contact, the note's
  signatory, the sessions' participants), which never leave the territory.

The view is built by keeping what is allowed (not by removing what is not), so a field added to the model
later is shared only once it is named here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from kit.model import Workspace

LEVELS = {"rien": "Rien", "resume": "Un résumé", "tout": "Tout (sauf les noms et coordonnées des personnes)"}
LEVEL_HELP = {
    "rien": "Cet espace n'apparaît dans aucune comparaison ni synthèse de la cohorte.",
    "resume": ("Les quartiers et leurs indicateurs, les enjeux (titres et thèmes), la matrice MICMAC, les acteurs "
               "comme organisations, la gouvernance et les fiches action ; ni personne, ni coordonnée, ni texte "
               "libre (formulations, note d'intention, décisions des sessions)."),
    "tout": "Tout l'espace, sauf les noms et coordonnées des personnes, qui ne quittent jamais le territoire.",
}
DEFAULT_LEVEL = "resume"

# Per entity, the fields a summary keeps (every other field takes its default); « tout » keeps them all.
_SUMMARY_FIELDS = {
    "stakes": {"id", "title", "theme", "neighbourhood_ids", "indicator_codes", "importance", "control", "urgency",
               "votes"},
    "local_projects": {"id", "name", "kind", "stake_ids"},
    "objectives": {"id", "title", "level", "parent_id", "stake_ids"},
    "actors": {"id", "name", "kind", "power", "interest"},
    "bodies": {"id", "name", "kind", "lead_id", "member_ids", "rhythm", "reports_to", "first_meeting"},
    "actions": {"id", "title", "description", "objective_ids", "lead_id", "partner_ids", "neighbourhood_ids",
                "status", "priority", "start", "end", "steps", "budget", "indicators", "depends_on", "origin"},
}
# Whole parts of the document a summary keeps as they are (numbers and links, no free text).
_SUMMARY_PARTS = ("territory", "neighbourhoods", "indicator_values", "custom_indicators", "influences",
                  "relations", "project_group", "actor_influences", "actor_positions", "mactor_actor_ids",
                  "mactor_objective_ids", "milestones")
_IDENTITY = ("format", "schema_version", "id", "revision", "name", "created_at", "updated_at", "sharing")


def level_of(ws: Workspace) -> str:
    return ws.sharing if ws.sharing in LEVELS else DEFAULT_LEVEL


def shared_view(ws: Workspace) -> Workspace | None:
    """What `ws` shares with its cohorts, as a workspace of its own (None when it shares nothing)."""
    level = level_of(ws)
    if level == "rien":
        return None
    raw = ws.model_dump()
    if level == "tout":
        view = dict(raw)
        view["actors"] = [{**a, "person": "", "contact": ""} for a in raw["actors"]]
        view["application"] = {**raw["application"], "signatory": ""}
        view["sessions"] = [{**s, "participants": []} for s in raw["sessions"]]
    else:
        view = {key: raw[key] for key in (*_IDENTITY, *_SUMMARY_PARTS)}
        for part, fields in _SUMMARY_FIELDS.items():
            view[part] = [{k: v for k, v in item.items() if k in fields} for item in raw[part]]
        view["vision"] = {"horizon": raw["vision"]["horizon"]}
        # The note's facts a cohort compares (eligibility), not its texts.
        application = raw["application"]
        view["application"] = {k: application[k] for k in ("holds_contract", "three_phases", "sent_on")}
        view["sessions"] = [{"number": s["number"], "held_on": s["held_on"], "place": s["place"]}
                            for s in raw["sessions"]]
    return Workspace.model_validate(view)


@dataclass
class Share:
    """What one territory shares with its cohort, as the cohort's screens and documents read it
    (`cohorts.CohortFolder.shares`): the comparisons and the synthesis are given these, never a workspace."""

    workspace_id: str
    name: str
    level: str
    published_at: datetime | None
    ws: Workspace  # the shared view: never the workspace itself
    eligibility: list[tuple[str, bool]] = field(default_factory=list)


def eligibility_facts(ws: Workspace) -> list[tuple[str, bool]]:
    """The application's checklist as the cohort compares it: each condition and whether it is met (the
    details name people and contacts: they stay in the territory)."""
    from kit.sessions.application import eligibility

    return [(c.label, bool(c.ok)) for c in eligibility(ws)]


def share_of(ws: Workspace) -> Share | None:
    """What `ws` shares, as it is now (None when it shares nothing): for a workspace on this computer."""
    view = shared_view(ws)
    if view is None:
        return None
    return Share(ws.id, ws.name, level_of(ws), ws.updated_at, view, eligibility_facts(ws))
