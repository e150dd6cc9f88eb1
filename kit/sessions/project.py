"""Session 2 on the workspace, as plain pandas: cap and objectives, actors, network, governance, MACTOR.

Adapts the workspace to the pure methods (`kit.methods.network`, `governance`, `mactor`) so the app,
the deliverable and an analyst's notebook cell get the same numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kit.lazy import pandas as pd  # imported on first table (see kit.lazy)
from kit.methods import governance
from kit.model import Workspace

if TYPE_CHECKING:
    from kit.methods.mactor import MactorResult


ACTOR_COLUMNS = ["id", "name", "kind", "role", "person", "contact", "power", "interest"]
GROUP_COLUMNS = ["actor_id", "role", "kind", "name"]


def actors_frame(ws: Workspace) -> pd.DataFrame:
    return pd.DataFrame(actor_records(ws), columns=ACTOR_COLUMNS)


def actor_records(ws: Workspace) -> list[dict]:
    """The rows of `actors_frame` as dicts: what the checks read (the home page shows them before pandas loads)."""
    return [a.model_dump(include=set(ACTOR_COLUMNS)) for a in ws.actors]


def relations_frame(ws: Workspace) -> pd.DataFrame:
    columns = ["id", "source", "target", "kind", "intensity"]
    return pd.DataFrame([r.model_dump(include=set(columns)) for r in ws.relations], columns=columns)


def group_frame(ws: Workspace) -> pd.DataFrame:
    return pd.DataFrame(group_records(ws), columns=GROUP_COLUMNS)


def group_records(ws: Workspace) -> list[dict]:
    """The rows of `group_frame` as dicts, as `actor_records`."""
    actors = {a.id: a for a in ws.actors}
    return [{"actor_id": m.actor_id, "role": m.role, "kind": actors[m.actor_id].kind, "name": actors[m.actor_id].name}
            for m in ws.project_group]


def bodies_records(ws: Workspace) -> list[dict]:
    """Governance bodies as the checks read them (a body reports to another by name)."""
    names = {b.id: b.name for b in ws.bodies}
    return [{"name": b.name, "kind": b.kind, "lead_id": b.lead_id or "", "member_ids": list(b.member_ids),
             "rhythm": b.rhythm, "decides": b.decides, "reports_to": names.get(b.reports_to, "")} for b in ws.bodies]


def decision_body(ws: Workspace) -> str | None:
    return next((b.name for b in ws.bodies if b.kind == governance.DECISION_BODY), None)


def group_checklist(ws: Workspace) -> list[governance.Check]:
    return governance.project_group_checklist(group_records(ws), decision_body(ws), actors=actor_records(ws))


def governance_checks(ws: Workspace) -> list[governance.Check]:
    return governance.governance_checklist(bodies_records(ws), group_records(ws), actors=actor_records(ws))


def objectives_frame(ws: Workspace) -> pd.DataFrame:
    """The objective tree as a table: strategic objectives, each followed by its operational ones."""
    stakes = {s.id: s.title for s in ws.stakes}
    rows = []
    for top in (o for o in ws.objectives if o.level == "stratégique"):
        for objective in [top] + [o for o in ws.objectives if o.parent_id == top.id]:
            rows.append({"id": objective.id, "parent_id": top.id if objective is not top else "",
                         "objectif": objective.title, "niveau": objective.level,
                         "rattaché à": top.title if objective is not top else "",
                         "enjeux": ", ".join(stakes[i] for i in objective.stake_ids)})
    for orphan in (o for o in ws.objectives if o.level == "opérationnel" and o.parent_id is None):
        rows.append({"id": orphan.id, "parent_id": "", "objectif": orphan.title, "niveau": orphan.level, "rattaché à": "",
                     "enjeux": ", ".join(stakes[i] for i in orphan.stake_ids)})
    return pd.DataFrame(rows, columns=["id", "parent_id", "objectif", "niveau", "rattaché à", "enjeux"])


def objective_gaps(ws: Workspace) -> tuple[list[str], list[str]]:
    """Stakes that no objective answers, and objectives tied to no stake."""
    answered = {i for o in ws.objectives for i in o.stake_ids}
    return ([s.title for s in ws.stakes if s.id not in answered],
            [o.title for o in ws.objectives if not o.stake_ids])


def labels(items) -> dict[str, str]:
    """A readable, unique label per id (a name, with its id when two share it): what MACTOR shows."""
    names = [i.name if hasattr(i, "name") else i.title for i in items]
    return {i.id: (n if names.count(n) == 1 else f"{n} ({i.id})") for i, n in zip(items, names)}


def actor_codes(ws: Workspace) -> dict[str, str]:
    """Each actor's number on the charts, « A1 »… in the workspace's list, by MACTOR label: the same on every
    chart (network, power/interest, MACTOR's plane and convergences), whatever subset MACTOR works on."""
    return {label: f"A{n}" for n, label in enumerate(labels(ws.actors).values(), start=1)}


def mactor_actors(ws: Workspace) -> list:
    """The actors MACTOR works on: the key actors the group chose, else all of them."""
    chosen = set(ws.mactor_actor_ids)
    return [a for a in ws.actors if not chosen or a.id in chosen]


def mactor_objectives(ws: Workspace) -> list:
    """The objectives MACTOR works on: those the group chose, else all of them."""
    chosen = set(ws.mactor_objective_ids)
    return [o for o in ws.objectives if not chosen or o.id in chosen]


def mactor_matrices(ws: Workspace) -> tuple[pd.DataFrame, pd.DataFrame]:
    """MID (actors x actors) and 2MAO (actors x objectives) of the actors and objectives MACTOR works on,
    labelled by names (unique among all the workspace's), 0 where nothing is set."""
    kept_actors, kept_objectives = {a.id for a in mactor_actors(ws)}, {o.id for o in mactor_objectives(ws)}
    actor = {i: label for i, label in labels(ws.actors).items() if i in kept_actors}
    objective = {i: label for i, label in labels(ws.objectives).items() if i in kept_objectives}
    mid = pd.DataFrame(0, index=list(actor.values()), columns=list(actor.values()))
    for cell in ws.actor_influences:
        if cell.source in actor and cell.target in actor:
            mid.loc[actor[cell.source], actor[cell.target]] = cell.value
    mao = pd.DataFrame(0, index=list(actor.values()), columns=list(objective.values()))
    for cell in ws.actor_positions:
        if cell.actor_id in actor and cell.objective_id in objective:
            mao.loc[actor[cell.actor_id], objective[cell.objective_id]] = cell.value
    return mid, mao


def actor_strategies(ws: Workspace, cut: str = "mean") -> MactorResult | None:
    """MACTOR on the chosen actors and objectives, or None while there are fewer than two actors, no
    objective or no influence among them."""
    if len(mactor_actors(ws)) < 2 or not mactor_objectives(ws) or not ws.actor_influences:
        return None
    # imported here: numpy comes with it, and the home page, which imports this module, does without
    from kit.methods.mactor import mactor

    mid, mao = mactor_matrices(ws)
    return mactor(mid, mao, cut=cut)


def power_interest_from_mactor(result: MactorResult) -> dict[str, tuple[int, int]]:
    """Power (balance of power ri*) and interest (mobilisation on the objectives), each scaled to 0-10,
    by actor label (see `labels`)."""
    def scaled(series: pd.Series) -> pd.Series:
        top = series.max()
        return (series / top * 10).round().astype(int) if top > 0 else series * 0

    power = scaled(result.actors["ri_star"].astype(float))
    interest = scaled(result.actors["mobilisation_2"].astype(float))
    return {label: (int(power[label]), int(interest[label])) for label in result.actors.index}


def network_groups(ws: Workspace) -> dict[str, list[str]]:
    """The project group and each governance body, as the network map rings them."""
    groups = {"Groupe projet": list(dict.fromkeys(m.actor_id for m in ws.project_group))} if ws.project_group else {}
    for body in ws.bodies:
        groups[body.name] = list(dict.fromkeys(body.member_ids + ([body.lead_id] if body.lead_id else [])))
    return groups
