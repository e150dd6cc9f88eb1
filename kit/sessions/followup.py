"""Phases 2 and 3, implementation and follow-up, as plain pandas: progress, overdue work, what changed.

Pure functions of the workspace (and, for "what changed", of an earlier revision of it). What is late is
judged at a date (`on`, by default today): the follow-up meeting is rarely held the day its tables are
drawn up. Statuses, steps and values are those saved now; only deadlines are compared with that date.
"""

from __future__ import annotations

from datetime import date, timedelta

from kit.lazy import pandas as pd  # imported on first table (see kit.lazy)
from kit.model import Action, Workspace

CLOSED = {"réalisé", "abandonné"}
STALE_AFTER_DAYS = 90


def _steps_done(actions: list[Action]) -> tuple[int, int]:
    return sum(s.done for a in actions for s in a.steps), sum(len(a.steps) for a in actions)


def is_late(action: Action, on: date) -> bool:
    """An open action whose end, or one of whose steps not done, is due before `on` (as `alerts` says)."""
    if action.status in CLOSED:
        return False
    return bool(action.end and action.end < on) or any(s.due and s.due < on and not s.done for s in action.steps)


def progress_by_objective(ws: Workspace, on: date | None = None) -> pd.DataFrame:
    """For each objective: its actions (with those of its operational objectives), how many are done,
    in progress and late at `on` (default today), and the share of their steps done."""
    on = on or date.today()
    rows = []
    for objective in ws.objectives:
        # A strategic objective advances through the fiches of its operational objectives too.
        covered = {objective.id} | {o.id for o in ws.objectives if o.parent_id == objective.id}
        actions = [a for a in ws.actions if covered & set(a.objective_ids)]
        done, steps = _steps_done(actions)
        rows.append({"objectif": objective.title, "fiches": len(actions),
                     "réalisées": sum(a.status == "réalisé" for a in actions),
                     "en cours": sum(a.status == "en cours" for a in actions),
                     "en retard": sum(is_late(a, on) for a in actions),
                     "étapes faites": f"{done}/{steps}" if steps else "—",
                     "avancement (%)": round(100 * done / steps) if steps else None})
    return pd.DataFrame(rows, columns=["objectif", "fiches", "réalisées", "en cours", "en retard", "étapes faites",
                                       "avancement (%)"])


def progress_by_theme(ws: Workspace, on: date | None = None) -> pd.DataFrame:
    """The same by transition theme, through the stakes the actions' objectives answer."""
    on = on or date.today()
    themes: dict[str, set[str]] = {}
    stakes = {s.id: s for s in ws.stakes}
    for action in ws.actions:
        for objective in (o for o in ws.objectives if o.id in action.objective_ids):
            for stake_id in objective.stake_ids:
                themes.setdefault(stakes[stake_id].theme or "Sans thème", set()).add(action.id)
    rows = []
    for theme, ids in sorted(themes.items()):
        actions = [a for a in ws.actions if a.id in ids]
        done, steps = _steps_done(actions)
        rows.append({"thème": theme, "fiches": len(actions), "réalisées": sum(a.status == "réalisé" for a in actions),
                     "en retard": sum(is_late(a, on) for a in actions),
                     "avancement (%)": round(100 * done / steps) if steps else None})
    return pd.DataFrame(rows, columns=["thème", "fiches", "réalisées", "en retard", "avancement (%)"])


def alerts(ws: Workspace, today: date | None = None) -> list[str]:
    """Late actions, overdue steps and indicators without a recent value at `today` (default: the real
    today; the follow-up app passes the date of the meeting), as French sentences."""
    today = today or date.today()
    found = []
    for action in ws.actions:
        if action.status in CLOSED:
            continue
        if action.end and action.end < today:
            found.append(f"« {action.title} » devait finir le {action.end:%d/%m/%Y} (statut : {action.status}).")
        if action.start and action.start <= today and action.status == "à venir":
            found.append(f"« {action.title} » devait commencer le {action.start:%d/%m/%Y} : son statut est encore « à venir ».")
        for step in action.steps:
            if step.due and step.due < today and not step.done:
                found.append(f"Étape en retard dans « {action.title} » : « {step.title} » (échéance {step.due:%d/%m/%Y}).")
        for indicator in action.indicators:
            latest = max((m.on for m in indicator.measurements), default=None)
            if latest is None:
                found.append(f"L'indicateur « {indicator.name} » (« {action.title} ») n'a encore aucune valeur.")
            elif latest < today - timedelta(days=STALE_AFTER_DAYS):
                found.append(f"L'indicateur « {indicator.name} » (« {action.title} ») n'a pas été mis à jour "
                             f"depuis le {latest:%d/%m/%Y}.")
    return found


def changes_since(before: Workspace | None, now: Workspace) -> list[str]:
    """What changed in the action plan between an earlier revision and now, as French sentences."""
    if before is None:
        return ["Aucune version antérieure à cette date n'est conservée : tout le plan est nouveau."]
    old = {a.id: a for a in before.actions}
    found = []
    for action in now.actions:
        previous = old.get(action.id)
        if previous is None:
            found.append(f"Nouvelle fiche : « {action.title} ».")
            continue
        if previous.status != action.status:
            found.append(f"« {action.title} » : statut « {previous.status} » → « {action.status} ».")
        if (previous.start, previous.end) != (action.start, action.end):
            found.append(f"« {action.title} » : dates modifiées.")
        was_done = {s.id for s in previous.steps if s.done}
        for step in action.steps:
            if step.done and step.id not in was_done:
                found.append(f"« {action.title} » : étape faite, « {step.title} ».")
        counts = {i.id: len(i.measurements) for i in previous.indicators}
        for indicator in action.indicators:
            added = len(indicator.measurements) - counts.get(indicator.id, 0)
            if added > 0:
                found.append(f"« {action.title} » : {added} nouvelle(s) valeur(s) pour « {indicator.name} ».")
    for gone in (a for a in before.actions if a.id not in {x.id for x in now.actions}):
        found.append(f"Fiche retirée : « {gone.title} ».")
    return found or ["Rien n'a changé dans le plan d'action depuis cette date."]
