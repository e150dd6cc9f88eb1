"""Session 3: the roadmap of the action plan — dependencies, critical path, checks and the Gantt chart.

Pure functions on plain data. The plan is a DataFrame or a list of dicts, one per fiche action, as
`actions_frame(ws)` builds it from a workspace:

- ``id``, ``title``, ``start``, ``end`` (dates, the end day included; ``date``, ``datetime``,
  ``pd.Timestamp``, "AAAA-MM-JJ" or "JJ/MM/AAAA"; empty when not planned yet), ``status`` (one of
  `STATUSES`; empty means "à venir"), ``depends_on`` (ids of the fiches that must be over first: a
  list, or a text separated by ``;``);
- ``lead_id`` / ``lead`` (id and name of the pilot), ``objective_ids`` / ``objective`` (ids and titles
  of the objectives), ``neighbourhood_ids`` / ``neighbourhood`` (ids and names of the neighbourhoods):
  lists or ``;``-separated texts, either form may be absent;
- optional ``steps`` (dicts with ``title``, ``due``, ``done``) and ``budget`` (dicts with ``year``,
  ``amount``, ``funder``).

Pydantic `Action` objects (``ws.actions``) are accepted as they are. Filters match ids or names,
without case or accents. No widgets and no files here: the apps pass the data and show the results.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple, get_args

from kit.lazy import networkx as nx  # imported on first graph (see kit.lazy)
from kit.lazy import pandas as pd  # imported on first table (see kit.lazy)
from kit.lazy import plotly_go as go  # imported on first chart (see kit.lazy)

from kit.errors import KitError
from kit.model import ActionStatus
from kit.methods.drawing import FONT, plain
from kit.text import as_text, fold, quote, shorten

STATUSES = get_args(ActionStatus)  # "à venir" first: the status of a fiche that says none
CLOSED_STATUSES = ("réalisé", "abandonné")
STATUS_COLOURS = {"à venir": "#8da9c4", "en cours": "#1f5fa8", "réalisé": "#0b6e4f", "en pause": "#c77700",
                  "abandonné": "#a8a8a8"}
OTHER_STATUS_COLOUR = "#6b6b6b"
CRITICAL_COLOUR = "#b3261e"
PROGRAMME_COLOUR = "#6a1b9a"
TERRITORY_COLOUR = "#00695c"
PERIOD_COLOURS = {True: (PROGRAMME_COLOUR, "#8e44ad"), False: (TERRITORY_COLOUR, "#2e8b7a")}  # programme?
DEPENDENCY_COLOUR = "#555555"

ERROR, WARNING, TODO = "erreur", "attention", "à compléter"
LEVELS = (ERROR, WARNING, TODO)  # most serious first

FRAME_COLUMNS = ["id", "title", "start", "end", "status", "priority", "depends_on", "lead_id", "lead",
                 "objective_ids", "objective", "neighbourhood_ids", "neighbourhood", "steps", "budget"]
MAX_DETAILS = 20
MS_PER_DAY = 86_400_000
WIDTH = 1200
PERIOD_DAYS = 28  # a milestone with an end at least this far is drawn as a period (a phase)
MAX_ALL_DEPENDENCIES = 80  # past this many bars, only the critical links are drawn unless asked
MILESTONE_LABEL = 22  # characters of a milestone's label at most
LABEL_CHAR_PX = 7.2  # average width of a character of the 13 px labels, to fit them


# ---------------------------------------------------------------------------------------------
# Reading the plan
# ---------------------------------------------------------------------------------------------


def actions_frame(ws) -> pd.DataFrame:
    """The workspace's fiches action as the table every function of this module reads (`FRAME_COLUMNS`),
    in the workspace's order, with the names of pilots, objectives and neighbourhoods beside their ids."""
    actors = {a.id: a.name for a in ws.actors}
    objectives = {o.id: o.title for o in ws.objectives}
    neighbourhoods = {n.id: n.name for n in ws.neighbourhoods}
    rows = []
    for action in ws.actions:
        rows.append({
            "id": action.id, "title": action.title, "start": action.start, "end": action.end,
            "status": action.status, "priority": action.priority, "depends_on": list(action.depends_on),
            "lead_id": action.lead_id or "", "lead": actors.get(action.lead_id, "") if action.lead_id else "",
            "objective_ids": list(action.objective_ids),
            "objective": [objectives.get(i, i) for i in action.objective_ids],
            "neighbourhood_ids": list(action.neighbourhood_ids),
            "neighbourhood": [neighbourhoods.get(i, i) for i in action.neighbourhood_ids],
            "steps": [{"title": s.title, "due": s.due, "done": s.done} for s in action.steps],
            "budget": [{"year": b.year, "kind": b.kind, "amount": b.amount, "funder": b.funder} for b in action.budget],
        })
    return pd.DataFrame(rows, columns=FRAME_COLUMNS)


def as_records(data) -> list[dict]:
    """Rows given as a DataFrame, pydantic models or mappings, as a list of dicts (None: none)."""
    if data is None:
        return []
    if isinstance(data, pd.DataFrame):
        return data.to_dict("records")
    return [item.model_dump() if hasattr(item, "model_dump") else dict(item) for item in data]


def _is_missing(value) -> bool:
    if value is None:
        return True
    if isinstance(value, (list, tuple, set, dict)):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _str(value) -> str:
    """`as_text` with a fast path for the common cases (a plan of 300 actions reads ~20 000 values)."""
    if isinstance(value, str):
        return value.strip()
    if value is None:
        return ""
    return as_text(value)


def _list(value) -> list[str]:
    """Ids or names given as a list, a tuple, a set or a text separated by ";"."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    if isinstance(value, (list, tuple, set)) or getattr(value, "ndim", 0) == 1:  # a list, or an array
        items = value.tolist() if hasattr(value, "tolist") else value
        return [text for text in map(_str, items) if text]
    if _is_missing(value):
        return []
    return [_str(value)] if _str(value) else []


_FRENCH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_day(value) -> date | None:
    """A day from a date, a datetime, a pandas Timestamp, "AAAA-MM-JJ" or "JJ/MM/AAAA"; None when empty.
    Raises ValueError for anything else (callers turn it into a French message naming the row)."""
    if type(value) is date:  # the common case first
        return value
    if not isinstance(value, str):  # a text is never one of pandas' missing values: read without loading it
        if value is None or value is pd.NaT:
            return None
        if isinstance(value, datetime):  # pandas Timestamps included
            return value.date()
        if isinstance(value, date):
            return value
        if _is_missing(value):
            return None
    text = str(value).strip()
    if not text:
        return None
    match = _FRENCH_DATE.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return date(year, month, day)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return date.fromisoformat(text)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?", text):
        return datetime.fromisoformat(text).date()
    raise ValueError(text)


def french_date(day: date) -> str:
    return f"{day:%d/%m/%Y}"


_STATUS_SPELLINGS = {fold(s): s for s in STATUSES}


def _status(value) -> str:
    text = _str(value)
    if text in STATUSES:
        return text
    if not text:
        return STATUSES[0]
    return _STATUS_SPELLINGS.get(fold(text), text)


def _plan(actions) -> list[dict]:
    """The plan as normalised records (see the module docstring); a French `KitError` lists every row
    that cannot be read (no id, an id given twice, an unreadable date)."""
    records, seen, problems = [], set(), []
    for position, row in enumerate(as_records(actions), start=1):
        action_id = _str(row.get("id"))
        title = _str(row.get("title")) or action_id
        if not action_id:
            problems.append(f"fiche n° {position}{f' {quote(title)}' if title else ''} : sans identifiant")
            continue
        if action_id in seen:
            problems.append(f"l'identifiant {action_id} est utilisé par deux fiches")
            continue
        seen.add(action_id)
        days = {}
        for key, label in (("start", "date de début"), ("end", "date de fin")):
            try:
                days[key] = parse_day(row.get(key))
            except (ValueError, TypeError):
                problems.append(f"{quote(title)} : {label} illisible ({quote(_str(row.get(key)))} ; "
                                "attendu AAAA-MM-JJ ou JJ/MM/AAAA)")
                days[key] = None
        steps = []
        for step in as_records(row.get("steps") if isinstance(row.get("steps"), (list, tuple)) else None):
            try:
                due = parse_day(step.get("due"))
            except (ValueError, TypeError):
                problems.append(f"{quote(title)} : échéance d'étape illisible ({quote(_str(step.get('due')))})")
                due = None
            steps.append({"title": _str(step.get("title")), "due": due, "done": bool(step.get("done") or False)})
        budget = [{"year": line.get("year"), "amount": line.get("amount"), "funder": _str(line.get("funder"))}
                  for line in as_records(row.get("budget") if isinstance(row.get("budget"), (list, tuple)) else None)]
        lead_id, lead = _str(row.get("lead_id")), _str(row.get("lead"))
        records.append({
            "id": action_id, "title": title, "start": days["start"], "end": days["end"],
            "status": _status(row.get("status")), "depends_on": list(dict.fromkeys(_list(row.get("depends_on")))),
            "lead_id": lead_id, "lead": lead or lead_id,
            "objective_ids": _list(row.get("objective_ids")),
            "objective": _list(row.get("objective", row.get("objectives"))),
            "neighbourhood_ids": _list(row.get("neighbourhood_ids")),
            "neighbourhood": _list(row.get("neighbourhood", row.get("neighbourhoods"))),
            "steps": steps, "budget": budget, "position": len(records),
        })
    if problems:
        shown = problems[:MAX_DETAILS] + ([f"… et {len(problems) - MAX_DETAILS} autre(s)"]
                                          if len(problems) > MAX_DETAILS else [])
        raise KitError("Le plan d'action est à corriger avant de calculer la feuille de route :", details=shown)
    return records


def _duration(record: dict) -> int | None:
    """Days from start to end, both included; None when the action is not dated or its dates are reversed."""
    if record["start"] is None or record["end"] is None or record["end"] < record["start"]:
        return None
    return (record["end"] - record["start"]).days + 1


# ---------------------------------------------------------------------------------------------
# Dependencies
# ---------------------------------------------------------------------------------------------


def _graph(plan: list[dict]) -> nx.DiGraph:
    graph = nx.DiGraph()
    for record in plan:
        graph.add_node(record["id"], title=record["title"], duration=_duration(record), position=record["position"])
    unknown = []
    for record in plan:
        for dep in record["depends_on"]:
            if dep in graph:
                graph.add_edge(dep, record["id"])
            else:
                unknown.append((record["id"], dep))
    graph.graph["unknown_dependencies"] = unknown
    return graph


def dependency_graph(actions) -> nx.DiGraph:
    """The dependencies as a directed graph: one node per action (attributes ``title``, ``duration`` in days
    or None, ``position`` in the plan), an edge dep → action for each dependency (the dep must be over
    first). Dependencies on ids that are not in the plan are left out and listed in
    ``graph.graph["unknown_dependencies"]`` as (action id, missing id) pairs; `checks` reports them."""
    return _graph(_plan(actions))


def _cycles(graph: nx.DiGraph) -> list[list[str]]:
    """One cycle per strongly connected knot of the graph (and each self-dependency), each starting at its
    action that comes first in the plan; knots in plan order."""
    order = nx.get_node_attributes(graph, "position")
    cycles = []
    for component in nx.strongly_connected_components(graph):
        if len(component) == 1:
            node = next(iter(component))
            if graph.has_edge(node, node):
                cycles.append([node])
            continue
        source = min(component, key=order.get)
        edges = nx.find_cycle(graph.subgraph(component), source=source)
        cycle = [u for u, _v in edges]
        first = cycle.index(min(cycle, key=order.get))
        cycles.append(cycle[first:] + cycle[:first])
    return sorted(cycles, key=lambda c: order[c[0]])


def _cycle_text(cycle: list[str], titles: dict[str, str]) -> str:
    return " → ".join(quote(titles.get(i, i)) for i in cycle + cycle[:1])


def _cycle_error(cycles: list[list[str]], titles: dict[str, str]) -> KitError:
    texts = [_cycle_text(c, titles) for c in cycles]
    if len(texts) == 1:
        return KitError(f"Le plan d'action contient une dépendance circulaire : {texts[0]}. Chaque fiche y attend "
                        "la fin de la suivante : retirez l'une de ces dépendances.")
    return KitError(f"Le plan d'action contient {len(texts)} dépendances circulaires (chaque fiche y attend la fin "
                    "de la suivante) : retirez une dépendance dans chacune.", details=texts)


def find_cycles(actions, *, raise_error: bool = False) -> list[list[str]]:
    """The circular dependencies of the plan: a list of cycles, each a list of ids [a, b, c] meaning
    a → b → c → a (b depends on a, c on b, a on c). One cycle is given per knot of mutually dependent
    actions (enough to name it; removing one dependency of each may leave a smaller one, shown next time).
    `actions` may also be a graph from `dependency_graph`. With ``raise_error=True`` a cycle raises a
    French `KitError` naming the actions: "« A » → « B » → « A »"."""
    if isinstance(actions, nx.DiGraph):
        graph = actions
    else:
        graph = _graph(_plan(actions))
    cycles = _cycles(graph)
    if cycles and raise_error:
        raise _cycle_error(cycles, nx.get_node_attributes(graph, "title"))
    return cycles


# ---------------------------------------------------------------------------------------------
# Critical path
# ---------------------------------------------------------------------------------------------


@dataclass
class CriticalPath:
    """The critical path method (CPM) on the dependency graph, in whole days.

    ids: the critical chain, in order: zero-slack actions where each starts when the previous one ends;
        when several chains tie, the one through the earliest actions of the plan.
    critical: every zero-slack action (all the tied chains), to highlight them.
    duration_days: the shortest duration of the plan if every action started as soon as all its
        dependencies are over = the length of the critical chain.
    earliest_start, earliest_finish, latest_start, latest_finish: per dated action, in days from day 0 (the
        start of the plan); a finish is the day after the last day of work (end exclusive).
    slack: per dated action, latest_start − earliest_start: how many days it can slip without delaying
        the end of the plan (the "marge totale").
    origin: day 0 as a date, the first planned start (None when no action is dated).
    excluded: ids of the actions left out because they are not dated (or their dates are reversed).
    notes: French sentences for the user.
    titles: the title of every action of the plan, by id.
    """

    ids: list[str]
    duration_days: int
    slack: dict[str, int]
    earliest_start: dict[str, int] = field(default_factory=dict)
    earliest_finish: dict[str, int] = field(default_factory=dict)
    latest_start: dict[str, int] = field(default_factory=dict)
    latest_finish: dict[str, int] = field(default_factory=dict)
    critical: set[str] = field(default_factory=set)
    origin: date | None = None
    excluded: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)

    def table(self) -> pd.DataFrame:
        """One row per dated action, in plan order: duration, earliest and latest dates (last days of work
        included), slack, and whether it is critical."""
        titles = self.titles
        rows = []
        for action_id, es in self.earliest_start.items():
            ef, ls, lf = self.earliest_finish[action_id], self.latest_start[action_id], self.latest_finish[action_id]
            day = (lambda offset: self.origin + timedelta(days=offset)) if self.origin else (lambda offset: None)
            rows.append({"id": action_id, "fiche": titles.get(action_id, action_id), "durée (jours)": ef - es,
                         "début au plus tôt": day(es), "fin au plus tôt": day(ef - 1),
                         "début au plus tard": day(ls), "fin au plus tard": day(lf - 1),
                         "marge (jours)": self.slack[action_id], "critique": action_id in self.critical})
        return pd.DataFrame(rows)


def critical_path(actions) -> CriticalPath:
    """Classic CPM on the dependency graph: durations = end − start + 1 day of each dated action, order
    given by the dependencies only (planned start dates are not constraints: the CPM tells how short the
    plan could be and which chain sets that length).

    Forward pass in topological order: ES = max EF of the dependencies (0 without any), EF = ES + duration.
    Backward pass: LF = min LS of the dependent actions (the plan's duration without any), LS = LF − duration.
    Slack = LS − ES; the critical actions have zero slack. Undated actions are excluded from the results
    with a French note; the dependencies through them are kept (they count as zero days), so A → undated
    → C still orders C after A. A cycle raises a French `KitError` naming it.
    """
    plan = _plan(actions)
    graph = _graph(plan)
    titles = {r["id"]: r["title"] for r in plan}
    try:
        order = list(nx.topological_sort(graph))
    except nx.NetworkXUnfeasible:
        raise _cycle_error(_cycles(graph), titles) from None

    duration = {r["id"]: _duration(r) for r in plan}
    excluded = [r["id"] for r in plan if duration[r["id"]] is None]
    notes = []
    if excluded:
        names = ", ".join(quote(titles[i]) for i in excluded[:8]) + (" …" if len(excluded) > 8 else "")
        notes.append(f"{len(excluded)} fiche(s) sans dates complètes ne comptent pas dans le chemin critique : "
                     f"{names}. Datez-les (début et fin) pour les y faire entrer ; leurs dépendances restent "
                     "prises en compte.")
    dated = [r for r in plan if duration[r["id"]] is not None]
    if not dated:
        notes.append("Aucune fiche n'est datée : le chemin critique ne peut pas être calculé.")
        return CriticalPath(ids=[], duration_days=0, slack={}, excluded=excluded, notes=notes, titles=titles)

    days = {i: (d or 0) for i, d in duration.items()}
    pred, succ = graph.pred, graph.succ
    es, ef = {}, {}
    for node in order:
        start = max((ef[p] for p in pred[node]), default=0)
        es[node], ef[node] = start, start + days[node]
    total = max(ef.values())
    ls, lf = {}, {}
    for node in reversed(order):
        finish = min((ls[s] for s in succ[node]), default=total)
        lf[node], ls[node] = finish, finish - days[node]
    slack = {node: ls[node] - es[node] for node in order}

    # The chain: from a zero-slack action starting at day 0, follow zero-slack dependents that start
    # exactly when it finishes; zero-day (undated) links are walked through but not listed.
    position = {r["id"]: r["position"] for r in plan}
    starts = sorted((n for n in order if slack[n] == 0 and es[n] == 0 and days[n] > 0), key=position.get)
    chain: list[str] = []
    if starts:
        node = starts[0]
        while node is not None:
            chain.append(node)
            following = sorted((s for s in succ[node] if slack[s] == 0 and es[s] == ef[node]),
                               key=lambda s: (days[s] == 0, position[s]))
            node = following[0] if following else None
    kept = [r["id"] for r in dated]
    origin = min(r["start"] for r in dated)
    return CriticalPath(
        ids=[n for n in chain if duration[n] is not None], duration_days=total,
        slack={i: slack[i] for i in kept}, earliest_start={i: es[i] for i in kept},
        earliest_finish={i: ef[i] for i in kept}, latest_start={i: ls[i] for i in kept},
        latest_finish={i: lf[i] for i in kept}, critical={i for i in kept if slack[i] == 0},
        origin=origin, excluded=excluded, notes=notes, titles=titles)


# ---------------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------------


class Finding(NamedTuple):
    """A problem of the plan: `level` in `LEVELS` ("erreur": the plan contradicts itself, "attention": to
    look at now, "à compléter": a gap in a fiche), a French `message`, the `action_id` concerned (None
    for the whole plan or an objective)."""

    level: str
    message: str
    action_id: str | None


def _amount(value) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return ""
    return f" ({number:,.0f} €)".replace(",", "\u202f")


def checks(source, *, objectives=None, today: date | None = None) -> list[Finding]:
    """Everything to correct or complete in the plan, most serious first, then in plan order.

    `source` is a Workspace (its objectives are used), a dict {"actions": ..., "objectives": ...}, or the
    actions alone (a DataFrame or a list of dicts; then pass `objectives`, a list of dicts or a DataFrame
    with ``id``, ``title`` and optionally ``parent_id``, to check that each has an action). `today`
    (default: today's date) decides which actions are late.

    - erreur: a circular dependency; an end before the start; a dependency on a fiche that does not exist;
    - attention: a dependency that ends after the dependent action starts (the same day is accepted: a
      handover); an action whose end is past while it is neither réalisé nor abandonné;
    - à compléter: an action with no pilot, no objective; a budget line without funder; an objective
      without any action (a strategic objective counts as covered when one of its operational objectives
      is).
    """
    if not isinstance(source, (pd.DataFrame, dict, list, tuple)) and hasattr(source, "actions"):  # a Workspace
        actions, objectives = actions_frame(source), [{"id": o.id, "title": o.title, "parent_id": o.parent_id}
                                                     for o in source.objectives]
    elif isinstance(source, dict):
        actions, objectives = source.get("actions"), source.get("objectives", objectives)
    else:
        actions = source
    today = parse_day(today) or date.today()
    plan = _plan(actions)
    graph = _graph(plan)
    by_id = {r["id"]: r for r in plan}
    titles = {r["id"]: r["title"] for r in plan}
    found: list[Finding] = []

    for cycle in _cycles(graph):
        found.append(Finding(ERROR, f"Dépendance circulaire : {_cycle_text(cycle, titles)}. Retirez l'une de ces "
                                    "dépendances.", cycle[0]))
    for action_id, missing in graph.graph["unknown_dependencies"]:
        found.append(Finding(ERROR, f"{quote(titles[action_id])} dépend d'une fiche qui n'existe pas ({missing}).",
                             action_id))
    for record in plan:
        q, start, end = quote(record["title"]), record["start"], record["end"]
        if start and end and end < start:
            found.append(Finding(ERROR, f"{q} se termine le {french_date(end)}, avant de commencer "
                                        f"(le {french_date(start)}).", record["id"]))
        for dep in record["depends_on"]:
            before = by_id.get(dep)
            if before is None or dep == record["id"] or start is None or before["end"] is None:
                continue
            if before["end"] > start:
                found.append(Finding(WARNING, f"{q} commence le {french_date(start)} avant la fin de "
                                              f"{quote(before['title'])}, dont elle dépend (fin le "
                                              f"{french_date(before['end'])}).", record["id"]))
        if end and end < today and record["status"] not in CLOSED_STATUSES:
            found.append(Finding(WARNING, f"{q} devait se terminer le {french_date(end)} et n'est ni réalisée ni "
                                          f"abandonnée (statut : {record['status']}) : en retard ?", record["id"]))
        if not record["lead_id"] and not record["lead"]:
            found.append(Finding(TODO, f"{q} n'a pas de pilote.", record["id"]))
        if not record["objective_ids"] and not record["objective"]:
            found.append(Finding(TODO, f"{q} ne se rattache à aucun objectif.", record["id"]))
        for line in record["budget"]:
            if not line["funder"]:
                year = f" {line['year']}" if not _is_missing(line.get("year")) else ""
                found.append(Finding(TODO, f"{q} : la ligne de budget{year}{_amount(line['amount'])} n'a pas de "
                                           "financeur.", record["id"]))

    if objectives is not None:
        cited = {fold(v) for r in plan for v in r["objective_ids"] + r["objective"]}
        goals = as_records(objectives)
        covered = {as_text(g.get("id")) for g in goals if fold(g.get("id")) in cited or fold(g.get("title")) in cited}
        covered |= {as_text(g.get("parent_id")) for g in goals
                    if as_text(g.get("id")) in covered and as_text(g.get("parent_id"))}
        for goal in goals:
            if as_text(goal.get("id")) not in covered:
                found.append(Finding(TODO, f"L'objectif {quote(as_text(goal.get('title')) or as_text(goal.get('id')))} "
                                           "n'a encore aucune fiche action.", None))
    return sorted(found, key=lambda f: LEVELS.index(f.level))


# ---------------------------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------------------------


def _wanted(value) -> set[str] | None:
    if value is None:
        return None
    values = [value] if isinstance(value, str) else list(value)
    folded = {fold(v) for v in values if as_text(v)}
    return folded or None


def _keep(record: dict, objective, lead, neighbourhood, status) -> bool:
    for wanted, values in ((objective, record["objective_ids"] + record["objective"]),
                           (lead, [record["lead_id"], record["lead"]]),
                           (neighbourhood, record["neighbourhood_ids"] + record["neighbourhood"]),
                           (status, [record["status"]])):
        if wanted is not None and not any(fold(v) in wanted for v in values if v):
            return False
    return True


def apply_filters(actions, objective=None, lead=None, neighbourhood=None, status=None):
    """The actions matching every filter given, in the same form as `actions` (a DataFrame keeps its
    index, a list stays a list). Each filter is a text or a collection of texts (any of them matches),
    compared with ids and names without case or accents: ``objective`` with the objectives' ids and
    titles, ``lead`` with the pilot's id and name, ``neighbourhood`` with the neighbourhoods' ids and
    names, ``status`` with the status. None (or empty) means no filter."""
    wanted = [_wanted(v) for v in (objective, lead, neighbourhood, status)]
    plan = _plan(actions)
    mask = [_keep(r, *wanted) for r in plan]
    if isinstance(actions, pd.DataFrame):
        return actions[mask]
    return [item for item, keep in zip(list(actions or []), mask) if keep]


# ---------------------------------------------------------------------------------------------
# The Gantt chart
# ---------------------------------------------------------------------------------------------


def _milestones(milestones) -> list[dict]:
    result = []
    for position, item in enumerate(as_records(milestones), start=1):
        title = as_text(item.get("title") or item.get("intitule"))
        try:
            on = parse_day(item.get("on", item.get("date")))
            end = parse_day(item.get("end", item.get("fin")))
        except (ValueError, TypeError):
            raise KitError(f"Le jalon n° {position} {quote(title)} a une date illisible.") from None
        if on is None:
            continue
        result.append({"title": title or "Jalon", "on": on, "end": end if end and end > on else None,
                       "kind": as_text(item.get("kind")) or "territoire", "type": as_text(item.get("type"))})
    return sorted(result, key=lambda m: m["on"])


def _iso(day: date) -> str:
    return day.isoformat()


def gantt_figure(actions, milestones=None, critical_ids=None, today: date | None = None, *, objective=None,
                 lead=None, neighbourhood=None, status=None, show_dependencies: bool | None = None,
                 title: str = "Feuille de route") -> go.Figure:
    """The roadmap: one horizontal bar per dated action (start to end, end day included), coloured by status,
    hatched when late, outlined in thick red when on the critical path; steps as dots (filled when done);
    dependencies as grey arrows from the end of an action to the start of the one that waits for it (red
    between two critical actions); milestones as diamonds on two rows on top, "Programme" (kind
    "programme") and "Territoire", labelled above or below where there is room, with a dotted vertical
    line; milestones with an end 4 weeks or more later (phases) are bars on a "Périodes" row above; a red
    dashed "aujourd'hui" line. Traces carry ``meta="actions"`` (the bars of the actions, one trace per
    status) or ``meta="jalons"``.

    `milestones`: dicts or `Milestone` objects with ``title``, ``on`` (or ``date``), ``kind``, and an
    optional ``end``. `critical_ids`: ids to highlight, or a `CriticalPath` (its zero-slack actions, and the
    slack of the others in the hover text); None computes the critical path of the whole plan
    (before the filters; no highlight if the plan has a cycle: `checks` reports it), an empty collection
    highlights nothing. `show_dependencies`: None (default) draws them all up to `MAX_ALL_DEPENDENCIES` bars
    and only the critical links beyond (hundreds of arrows hide the bars; the subtitle says so), True all,
    False none. Filters as in `apply_filters`. Undated actions are counted in the subtitle. The height
    grows with the number of actions (about 24 px per row) so that labels stay readable.
    """
    plan = _plan(actions)
    today = parse_day(today) or date.today()
    notes = []
    slack: dict[str, int] = {}
    if critical_ids is None:
        try:
            path = critical_path(actions)
            critical, slack = set(path.critical), path.slack
        except KitError:
            critical = set()
            notes.append("chemin critique non calculé : dépendance circulaire")
    elif isinstance(critical_ids, CriticalPath):
        critical, slack = set(critical_ids.critical), critical_ids.slack
    else:
        critical = {as_text(i) for i in critical_ids}
    wanted = [_wanted(v) for v in (objective, lead, neighbourhood, status)]
    shown = [r for r in plan if _keep(r, *wanted)]
    dated = sorted((r for r in shown if _duration(r) is not None), key=lambda r: (r["start"], r["end"], r["position"]))
    undated = len(shown) - len(dated)
    if undated:
        notes.append(f"{undated} fiche(s) non datée(s) non affichée(s)")
    if not dated:
        fig = go.Figure()
        fig.add_annotation(text="Datez les fiches action (début et fin) pour dessiner la feuille de route"
                           if shown else "Aucune fiche ne correspond à ces filtres",
                           showarrow=False, font=dict(size=18, color="#555"), xref="paper", yref="paper", x=0.5, y=0.5)
        return _figure_layout(fig, plain(title), 260, xaxis=dict(visible=False), yaxis=dict(visible=False))

    row = {r["id"]: i for i, r in enumerate(dated)}
    first, last = min(r["start"] for r in dated), max(r["end"] for r in dated)
    span = max((last - first).days, 30)
    lo, hi = first - timedelta(days=max(7, span // 40)), last + timedelta(days=max(8, span // 40))
    if lo - timedelta(days=90) <= today < lo:
        lo = today - timedelta(days=7)
    if hi < today <= hi + timedelta(days=90):
        hi = today + timedelta(days=7)

    traces: list = []
    late = {r["id"] for r in dated if r["end"] < today and r["status"] not in CLOSED_STATUSES}
    by_status: dict[str, list[dict]] = {}
    for record in dated:
        by_status.setdefault(record["status"], []).append(record)
    for name in [s for s in STATUSES if s in by_status] + [s for s in by_status if s not in STATUSES]:
        records = by_status[name]
        colour = STATUS_COLOURS.get(name, OTHER_STATUS_COLOUR)
        # The legend draws a trace's first bar: a plain entry of its own, in the same group, keeps the
        # outline and hatching of the first action out of it.
        traces.append(go.Bar(name=plain(name), legendgroup=name, orientation="h", y=[None], x=[None],
                             marker=dict(color=colour, line=dict(color="#ffffff", width=0.5))))
        traces.append(go.Bar(
            name=plain(name), legendgroup=name, showlegend=False, meta="actions", orientation="h",
            y=[row[r["id"]] for r in records],
            base=[_iso(r["start"]) for r in records], x=[_duration(r) * MS_PER_DAY for r in records],
            width=0.62, marker=dict(
                color=colour,
                line=dict(color=[CRITICAL_COLOUR if r["id"] in critical else "#ffffff" for r in records],
                          width=[3.5 if r["id"] in critical else 0.5 for r in records]),
                pattern=dict(shape=["/" if r["id"] in late else "" for r in records], fgcolor="#222",
                             fillmode="overlay", size=8, solidity=0.25)),
            customdata=[[plain(r["title"]), french_date(r["start"]), french_date(r["end"]), plain(r["status"]),
                         plain(r["lead"] or "—"),
                         _slack_text(r["id"], slack, critical), "en retard" if r["id"] in late else ""]
                        for r in records],
            hovertemplate="<b>%{customdata[0]}</b><br>du %{customdata[1]} au %{customdata[2]}<br>statut : "
                          "%{customdata[3]} %{customdata[6]}<br>pilote : %{customdata[4]}<br>%{customdata[5]}"
                          "<extra></extra>"))
    if critical & row.keys():
        traces.append(go.Bar(name="chemin critique", orientation="h", y=[None], x=[None], showlegend=True,
                             marker=dict(color="rgba(0,0,0,0)", line=dict(color=CRITICAL_COLOUR, width=3.5))))
    if late:
        traces.append(go.Bar(name="en retard", orientation="h", y=[None], x=[None], showlegend=True,
                             marker=dict(color="#ffffff", line=dict(color="#222", width=0.5),
                                         pattern=dict(shape="/", fgcolor="#222", size=8, solidity=0.25))))

    if show_dependencies is None and len(dated) > MAX_ALL_DEPENDENCIES:
        traces.extend(_dependency_traces(dated, row, critical, only_critical=True))
        notes.append(f"au-delà de {MAX_ALL_DEPENDENCIES} fiches, seules les dépendances critiques sont tracées "
                     "(filtrez pour les voir toutes)")
    elif show_dependencies is not False:
        traces.extend(_dependency_traces(dated, row, critical))
    traces.extend(_step_traces(dated, row))

    n = len(dated)
    label_limit = 42 if n <= 60 else 36
    marks = [m for m in _milestones(milestones) if lo <= m["on"] <= hi or (m["end"] and m["on"] < lo <= m["end"])]
    periods = [m for m in marks if m["end"] and (m["end"] - m["on"]).days >= PERIOD_DAYS]
    points = [m for m in marks if m not in periods and m["on"] >= lo]
    # Rows above the actions, from the bottom up, spaced so that labels above and below a diamond fit.
    milestone_rows, y = {}, 0.0
    for key, present, gap in (("territoire", any(m["kind"] != "programme" for m in points), 1.6),
                              ("programme", any(m["kind"] == "programme" for m in points), 1.6),
                              ("périodes", bool(periods), 1.2)):
        if present:
            y -= (gap - 0.3) if not milestone_rows else gap
            milestone_rows[key] = y
    top = y - (0.8 if milestone_rows and next(reversed(milestone_rows)) != "périodes" else 0.6)
    tickvals = list(milestone_rows.values()) + list(range(n))
    labels = [k.capitalize() for k in milestone_rows] + [shorten(r["title"], label_limit) for r in dated]
    ticktext = labels[:len(milestone_rows)] + [  # the kit's bold marks the critical actions
        f"<b>{plain(label)}</b>" if r["id"] in critical else plain(label)
        for label, r in zip(labels[len(milestone_rows):], dated)]
    # Where a date falls on the drawing, in pixels from the left of the plot: to fit the milestone labels.
    plot_px = WIDTH - 50 - 9 * max(len(label) for label in labels)
    px_per_day = plot_px / max(1, (hi - lo).days + 1)
    shapes, annotations = [], []
    if periods:
        traces.append(_period_trace(periods, milestone_rows["périodes"], lo, hi, px_per_day))
    for key in ("programme", "territoire"):
        if key not in milestone_rows:
            continue
        chosen = [m for m in points if (m["kind"] == "programme") == (key == "programme")]
        colour = PROGRAMME_COLOUR if key == "programme" else TERRITORY_COLOUR
        texts, positions = _point_labels(chosen, lo, px_per_day, plot_px)
        traces.append(go.Scatter(
            x=[_iso(m["on"]) for m in chosen], y=[milestone_rows[key]] * len(chosen), mode="markers+text",
            showlegend=False, meta="jalons", text=texts, textposition=positions, textfont=dict(size=13, color=colour),
            cliponaxis=False, marker=dict(symbol="diamond", size=14, color=colour, line=dict(color="#fff", width=1)),
            customdata=[[plain(m["title"]), _when(m)] for m in chosen],
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<extra></extra>"))
        shapes.extend(dict(type="line", xref="x", yref="paper", x0=_iso(m["on"]), x1=_iso(m["on"]), y0=0, y1=1,
                           layer="below", line=dict(color=colour, width=1, dash="dot")) for m in chosen)
    if lo <= today <= hi:
        shapes.append(dict(type="line", xref="x", yref="paper", x0=_iso(today), x1=_iso(today), y0=0, y1=1,
                           line=dict(color=CRITICAL_COLOUR, width=2, dash="dash")))
        annotations.append(dict(x=_iso(today), y=0, xref="x", yref="paper", xanchor="left", yanchor="bottom",
                                showarrow=False, text="aujourd'hui", font=dict(size=14, color=CRITICAL_COLOUR),
                                bgcolor="rgba(255,255,255,0.8)"))
        traces.append(go.Scatter(x=[None], y=[None], mode="lines", name=f"aujourd'hui ({french_date(today)})",
                                 line=dict(color=CRITICAL_COLOUR, width=2, dash="dash")))

    per_row = 30 if n <= 30 else 24
    height = max(420, 200 + round(per_row * (n - 0.5 - top)))
    span_days = (hi - lo).days
    tickformat, dtick = ("%d/%m", 7 * MS_PER_DAY) if span_days <= 75 else \
        ("%m/%Y", "M1") if span_days <= 400 else ("%m/%Y", "M3") if span_days <= 1100 else ("%Y", "M12")
    header = f"{plain(title)} — {n} fiche(s)"
    if critical & row.keys():
        header += f", {len(critical & row.keys())} sur le chemin critique"
    fig = go.Figure(traces)
    return _figure_layout(
        fig, header, height, subtitle=" ; ".join(notes), barmode="overlay", shapes=shapes, annotations=annotations,
        xaxis=dict(type="date", range=[_iso(lo), _iso(hi + timedelta(days=1))], side="top", tickformat=tickformat,
                   dtick=dtick, hoverformat="%d/%m/%Y", showgrid=True, gridcolor="#e6e6e6", ticks="outside"),
        yaxis=dict(tickmode="array", tickvals=tickvals, ticktext=ticktext, range=[n - 0.5, min(top, -0.6)],
                   showgrid=False, zeroline=False, tickfont=dict(size=15 if n > 30 else 16), automargin=True),
        legend=dict(orientation="h", yref="container", y=1 - 82 / height, yanchor="top", xref="container", x=0.01,
                    font=dict(size=15)),
        bargap=0.3, hovermode="closest")


def _when(m: dict) -> str:
    return french_date(m["on"]) + (f" au {french_date(m['end'])}" if m["end"] else "")


def _period_trace(periods: list[dict], y: float, lo: date, hi: date, px_per_day: float) -> go.Bar:
    """Periods (phases) as bars in their row, two tints in turn (programme or territory colours), the title
    inside when it fits."""
    texts = []
    for m in periods:
        start, end = max(m["on"], lo), min(m["end"], hi)
        room = int(((end - start).days + 1) * px_per_day / LABEL_CHAR_PX) - 1
        texts.append(plain(shorten(m["title"], room)) if room >= 6 else "")
    return go.Bar(
        y=[y] * len(periods), base=[_iso(max(m["on"], lo)) for m in periods], orientation="h", showlegend=False,
        x=[((min(m["end"], hi) - max(m["on"], lo)).days + 1) * MS_PER_DAY for m in periods], meta="jalons",
        width=0.8, marker=dict(color=[PERIOD_COLOURS[m["kind"] == "programme"][i % 2] for i, m in enumerate(periods)],
                               line=dict(color="#ffffff", width=1.5)),
        text=texts, textposition="inside", insidetextanchor="start", textfont=dict(size=13, color="#ffffff"),
        customdata=[[plain(m["title"]), _when(m)] for m in periods],
        hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<extra></extra>")


def _point_labels(points: list[dict], lo: date, px_per_day: float, plot_px: float) -> tuple[list[str], list[str]]:
    """Labels of the milestones of one row, above or below their diamond, whichever is free; a label that
    would run into the previous one on both sides is left out (the hover still gives it)."""
    lanes = {"top right": -1e9, "bottom right": -1e9}  # where the last label of each side ends, in px
    texts, positions = [], []
    for m in points:
        x = (m["on"] - lo).days * px_per_day + 8
        room = int((plot_px + 40 - x) / LABEL_CHAR_PX)
        text, where = "", "top right"
        free = [side for side, end in lanes.items() if end < x]
        if free and room >= 6:
            where = free[0]
            text = shorten(m["title"], min(MILESTONE_LABEL, room))
            lanes[where] = x + len(text) * LABEL_CHAR_PX + 10
        texts.append(plain(text))
        positions.append(where)
    return texts, positions


def _slack_text(action_id: str, slack: dict[str, int], critical: set[str]) -> str:
    if action_id in critical:
        return "sur le chemin critique (aucune marge)"
    if action_id in slack:
        return f"marge : {slack[action_id]} jour(s)"
    return ""


def _dependency_traces(dated: list[dict], row: dict, critical: set[str], only_critical: bool = False) -> list:
    by_id = {r["id"]: r for r in dated}
    lines = {False: ([], [], []), True: ([], [], [])}  # critical link? -> (x, y, marker sizes)
    for record in dated:
        for dep in record["depends_on"]:
            before = by_id.get(dep)
            if before is None or dep == record["id"]:
                continue
            on_path = dep in critical and record["id"] in critical
            if only_critical and not on_path:
                continue
            xs, ys, sizes = lines[on_path]
            xs.extend([_iso(before["end"] + timedelta(days=1)), _iso(record["start"]), None])
            ys.extend([row[dep], row[record["id"]], None])
            sizes.extend([0, 11, 0])
    traces = []
    for is_critical, (xs, ys, sizes) in lines.items():
        if not xs:
            continue
        colour = CRITICAL_COLOUR if is_critical else DEPENDENCY_COLOUR
        traces.append(go.Scatter(
            x=xs, y=ys, mode="lines+markers", hoverinfo="skip", showlegend=not is_critical,
            name="dépendance", line=dict(color=colour, width=1.6 if is_critical else 1.1),
            marker=dict(symbol="arrow", angleref="previous", size=sizes, color=colour)))
    return traces


def _step_traces(dated: list[dict], row: dict) -> list:
    points = [(s, r) for r in dated for s in r["steps"] if s["due"] is not None]
    if not points:
        return []
    return [go.Scatter(
        x=[_iso(s["due"]) for s, _r in points], y=[row[r["id"]] for _s, r in points], mode="markers",
        name="étape (pleine : faite)",
        marker=dict(symbol=["circle" if s["done"] else "circle-open" for s, _r in points], size=10, color="#111",
                    line=dict(width=2, color="#111")),
        customdata=[[plain(s["title"] or "Étape"), french_date(s["due"]), "faite" if s["done"] else "à faire",
                     plain(r["title"])]
                    for s, r in points],
        hovertemplate="<b>%{customdata[0]}</b> (%{customdata[2]})<br>%{customdata[1]}<br>%{customdata[3]}"
                      "<extra></extra>")]


def _figure_layout(fig: go.Figure, title: str, height: int, subtitle: str = "", **extra) -> go.Figure:
    # The house style of kit.charts._layout (large type, white template, explicit width), with a
    # taller top margin: the dates, the legend and the title sit above the bars.
    settings = dict(title=dict(text=title, font=dict(size=20), x=0.01, xref="container", yref="container",
                               y=1, yanchor="top", pad=dict(t=14),
                               subtitle=dict(text=subtitle, font=dict(size=15, color="#444"))),
                    font=FONT, template="plotly_white", margin=dict(l=20, r=30, t=170, b=30), height=height,
                    width=WIDTH)
    fig.update_layout(**{**settings, **extra})
    return fig
