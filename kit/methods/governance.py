"""Session 2 checks on the project group and its governance, and the governance diagram.

Pure functions on plain data (DataFrames or lists of dicts). Each check is a `Check(label, ok, detail)`,
a 3-tuple: a French label shown as a checklist line, whether it is met, and a French detail that names
what is there or what is missing, so that the group knows what to do next.

Vocabulary:
- roles in the project group (`ROLES`): the elected member and the officer in charge of politique de
  la ville, the elected member and the officer in charge of transitions (two pairs), and key actors.
  Feminine forms ("élue", "technicienne") and missing accents are accepted.
- actor kinds are the labels of `data/acteurs/types_acteurs.csv` ("Conseil citoyen", "Bailleur social"...),
  compared without case or accents.
- bodies (`BODY_KINDS`): the decision body the group reports to, the steering committee, the technical
  committee, the project group itself, residents' workshops, or another kind. A body is a dict with
  ``name``, ``kind``, ``lead_id``, ``member_ids``, ``rhythm``, ``decides`` and ``reports_to`` (the name of
  the body it reports to, or a list of names, or nothing).
"""

from __future__ import annotations

import textwrap
from typing import NamedTuple

from kit.lazy import pandas as pd  # imported on first table (see kit.lazy)
from kit.lazy import plotly_go as go  # imported on first chart (see kit.lazy)

from kit.errors import KitError
from kit.methods.drawing import FONT, SEPARATORS, compact_alike, plain
from kit.methods.frames import is_frame, records_with_columns
from kit.text import as_text, fold, join_french, quote

ELECTED_CITY = "élu politique de la ville"
OFFICER_CITY = "technicien politique de la ville"
ELECTED_TRANSITIONS = "élu transitions"
OFFICER_TRANSITIONS = "technicien transitions"
KEY_ACTOR = "acteur clé"
ROLES = (ELECTED_CITY, OFFICER_CITY, ELECTED_TRANSITIONS, OFFICER_TRANSITIONS, KEY_ACTOR)
PAIRS = {"politique de la ville": (ELECTED_CITY, OFFICER_CITY), "transitions": (ELECTED_TRANSITIONS, OFFICER_TRANSITIONS)}
PAIR_ROLES = PAIRS["politique de la ville"] + PAIRS["transitions"]

KEY_LOCAL_KINDS = ("Conseil citoyen", "Bailleur social", "Centre social")
RESIDENT_KINDS = ("Conseil citoyen", "Habitants")

DECISION_BODY = "instance décisionnelle"  # the programme's own term, as in kit.model.BodyKind
STEERING_COMMITTEE = "comité de pilotage"
TECHNICAL_COMMITTEE = "comité technique"
PROJECT_GROUP = "groupe projet"
RESIDENTS_WORKSHOP = "atelier d'habitants"
OTHER_BODY = "autre"
BODY_KINDS = (DECISION_BODY, STEERING_COMMITTEE, TECHNICAL_COMMITTEE, PROJECT_GROUP, RESIDENTS_WORKSHOP, OTHER_BODY)
BODY_COLOURS = {  # (fill, border)
    DECISION_BODY: ("#dbe4f5", "#1f3a93"),
    STEERING_COMMITTEE: ("#e3eefa", "#1f5fa8"),
    TECHNICAL_COMMITTEE: ("#e8f1e4", "#2e7d32"),
    PROJECT_GROUP: ("#fdf0e0", "#ef6c00"),
    RESIDENTS_WORKSHOP: ("#fbe3ec", "#d81b60"),
}
OTHER_BODY_COLOURS = ("#f1f1f1", "#6b6b6b")
MAX_LISTED = 6  # members written in a box (all of them are in the hover text)


class Check(NamedTuple):
    label: str
    ok: bool
    detail: str


def _role(value: object) -> str | None:
    folded = fold(value).replace("elue ", "elu ").replace("technicienne ", "technicien ")
    folded = folded.replace("actrice cle", "acteur cle")
    return {fold(role): role for role in ROLES}.get(folded)


def _body_kind(value: object) -> str:
    text = as_text(value)
    return {fold(kind): kind for kind in BODY_KINDS}.get(fold(text), text or OTHER_BODY)


def _article(role: str) -> str:
    return f"l'{role}" if role[0] in "aeéiou" else f"le {role}"


# ---------------------------------------------------------------------------------------------
# The project group
# ---------------------------------------------------------------------------------------------


def _members(members) -> list[dict]:
    """The group's members as dicts ``actor_id``, ``role`` (canonical), ``kind``, ``name`` (the id when unnamed).
    Plain dicts, not a table: the home page shows these checks before any table loads pandas."""
    rows = records_with_columns(members, ["actor_id", "role"], "membres du groupe projet")
    unknown = [f"{as_text(row.get('actor_id')) or '(sans identifiant)'} : « {as_text(row.get('role'))} »" for row in rows
               if _role(row.get("role")) is None]
    if unknown:
        raise KitError("Rôle inconnu dans le groupe projet. Rôles possibles : " + ", ".join(ROLES) + ".",
                       details=unknown[:20])
    result = []
    for row in rows:
        actor_id = as_text(row.get("actor_id"))
        result.append({"actor_id": actor_id, "role": _role(row.get("role")), "kind": as_text(row.get("kind")),
                       "name": as_text(row.get("name")) or actor_id})
    return result


def _pair_check(members: list[dict], topic: str) -> Check:
    elected_role, officer_role = PAIRS[topic]
    elected = [m for m in members if m["role"] == elected_role]
    officers = [m for m in members if m["role"] == officer_role]
    label = f"Binôme {topic} : un élu et un technicien"
    missing = [_article(role) for role, rows in ((elected_role, elected), (officer_role, officers)) if not rows]
    if missing:
        return Check(label, False, f"Il manque {join_french(missing)}.")
    for e in elected:
        for o in officers:
            if e["actor_id"] != o["actor_id"]:
                return Check(label, True, f"{quote(e['name'])} et {quote(o['name'])}.")
    name = elected[0]["name"]
    return Check(label, False, f"{quote(name)} tient les deux rôles : le binôme demande deux personnes distinctes.")


def project_group_checklist(members, decision_body: str | bool | None = None, *, actors=None,
                            key_kinds: tuple[str, ...] = KEY_LOCAL_KINDS) -> list[Check]:
    """Checks on the project group of session 2, in this order: the politique de la ville pair, the
    transitions pair, the key local actors (one member of each kind in `key_kinds`, any role; the
    missing kinds are named), and a decision body the group reports to (`decision_body`: its name, or
    True when it is named elsewhere).

    `members`: one row per member and role, columns ``actor_id``, ``role`` (one of `ROLES`), ``kind``
    (the actor's kind) and optionally ``name``; `actors` (``id``, ``name``, ``kind``), when given,
    provides names and fills in missing kinds. An unknown role raises `KitError`.
    """
    group = _members(members)
    if actors is not None:
        kinds, names = _people(group, actors)
        for member in group:
            member["name"] = names.get(member["actor_id"], member["actor_id"])
            member["kind"] = member["kind"] or kinds.get(member["actor_id"], "")
    checks = [_pair_check(group, "politique de la ville"), _pair_check(group, "transitions")]

    present = {}
    for member in group:
        present.setdefault(fold(member["kind"]), member["name"])
    label = f"Acteurs clés du quartier : {', '.join(k.lower() for k in key_kinds)}"
    missing = [kind for kind in key_kinds if fold(kind) not in present]
    if missing:
        checks.append(Check(label, False, f"Il manque : {', '.join(missing)}."))
    else:
        checks.append(Check(label, True, join_french([f"{kind} ({quote(present[fold(kind)])})" for kind in key_kinds]) + "."))

    label = "Instance décisionnelle à laquelle le groupe rend compte"
    name = decision_body.strip() if isinstance(decision_body, str) else ""
    if name:
        checks.append(Check(label, True, f"{quote(name)}."))
    elif decision_body is True:
        checks.append(Check(label, True, "Nommée."))
    else:
        checks.append(Check(label, False, "À nommer : l'instance qui valide les choix du groupe "
                                          "(bureau communautaire, conseil communautaire…)."))
    return checks


# ---------------------------------------------------------------------------------------------
# Governance
# ---------------------------------------------------------------------------------------------


def _ids(value) -> list[str]:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.replace(",", ";").split(";") if part.strip()]
    return [as_text(v) for v in value if as_text(v)]


def _bodies(bodies) -> list[dict]:
    records = bodies.to_dict("records") if is_frame(bodies) else list(bodies or [])
    result, seen, problems = [], {}, []
    for position, body in enumerate(records, start=1):
        name = as_text(body.get("name"))
        if not name:
            problems.append(f"instance n° {position} : sans nom")
            continue
        if fold(name) in seen:
            problems.append(f"{quote(name)} figure deux fois")
            continue
        seen[fold(name)] = name
        lead = as_text(body.get("lead_id"))
        reports = body.get("reports_to")
        result.append({
            "name": name, "kind": _body_kind(body.get("kind")), "lead_id": lead,
            "member_ids": list(dict.fromkeys(_ids(body.get("member_ids")))),
            "rhythm": as_text(body.get("rhythm")), "decides": as_text(body.get("decides")),
            "reports_to": [as_text(r) for r in ([reports] if isinstance(reports, str) or reports is None else reports)
                           if as_text(r)],
        })
    if problems:
        raise KitError("La liste des instances est à corriger :", details=problems[:20])
    for body in result:  # report targets spelled the canonical way when they exist
        body["reports_to"] = [seen.get(fold(r), r) for r in body["reports_to"]]
    return result


def _people(group_members, actors) -> tuple[dict, dict]:
    """Kinds and names of actors, by id: from the group's members, overridden by `actors` when given."""
    kinds, names = {}, {}
    for row in records_with_columns(group_members, ["actor_id"], "membres du groupe projet"):
        actor_id = as_text(row.get("actor_id"))
        kinds[actor_id] = as_text(row.get("kind"))
        names[actor_id] = as_text(row.get("name")) or actor_id
    if actors is not None:
        for row in records_with_columns(actors, ["id"], "acteurs"):
            actor_id = as_text(row.get("id"))
            kinds[actor_id] = as_text(row.get("kind")) or kinds.get(actor_id, "")
            names[actor_id] = as_text(row.get("name")) or names.get(actor_id, actor_id)
    return kinds, names


def _seats(body: dict) -> list[str]:
    return ([body["lead_id"]] if body["lead_id"] else []) + [m for m in body["member_ids"] if m != body["lead_id"]]


def reporting_cycles(bodies) -> list[list[str]]:
    """Loops in "reports to" (A reports to B, which reports to A), each as the list of body names,
    starting from the body that comes first in the list; loops in the order of that body."""
    # A walk of the few bodies' "reports to" links rather than networkx: this check runs when the session-2 app
    # opens, and networkx alone would cost that page a third of a second before it is usable.
    bodies = _bodies(bodies)
    order = {body["name"]: i for i, body in enumerate(bodies)}
    targets: dict[str, list[str]] = {name: [] for name in order}
    for body in bodies:
        targets[body["name"]] += [r for r in body["reports_to"] if r in order and r not in targets[body["name"]]]
    cycles: list[list[str]] = []

    def walk(start: str, path: list[str]) -> None:
        for target in targets[path[-1]]:
            if target == start:
                cycles.append(list(path))
            elif order[target] > order[start] and target not in path:  # each loop once, from its first body
                walk(start, path + [target])

    for name in order:
        walk(name, [name])
    return sorted(cycles, key=lambda c: [order[n] for n in c])


def governance_checklist(bodies, group_members, actors=None) -> list[Check]:
    """Checks on the governance of the project, in this order: a decision body exists; every body has a
    lead; residents take part (an actor of a kind in `RESIDENT_KINDS` sits in some body); both pairs of
    the project group sit in the steering committee; every "reports to" names a listed body; no body
    reports, directly or not, to itself.

    `group_members`: the project group as for `project_group_checklist` (``actor_id``, ``role``, ``kind``,
    optionally ``name``); `actors` (``id``, ``name``, ``kind``), when given, completes kinds and names of
    members of bodies who are not in the group. Body members are ``lead_id`` plus ``member_ids``.
    """
    bodies = _bodies(bodies)
    group = _members(group_members)
    kinds, names = _people(group, actors)
    checks = []

    deciding = [b["name"] for b in bodies if b["kind"] == DECISION_BODY]
    label = "Une instance décisionnelle est désignée"
    checks.append(Check(label, True, f"{join_french([quote(n) for n in deciding])}.") if deciding else
                  Check(label, False, f"Aucune instance de type « {DECISION_BODY} » : indiquez où se prennent "
                                      "les décisions (bureau ou conseil communautaire…)."))

    label = "Chaque instance a un pilote"
    unled = [quote(b["name"]) for b in bodies if not b["lead_id"]]
    if not bodies:
        checks.append(Check(label, False, "Aucune instance n'est encore décrite."))
    elif unled:
        checks.append(Check(label, False, f"Sans pilote : {join_french(unled)}."))
    else:
        checks.append(Check(label, True, f"Les {len(bodies)} instances ont un pilote." if len(bodies) > 1
                                         else "L'instance a un pilote."))

    label = "Les habitants participent à la gouvernance"
    resident_folds = {fold(k) for k in RESIDENT_KINDS}
    seats = [(names.get(a, a), b["name"]) for b in bodies for a in _seats(b) if fold(kinds.get(a, "")) in resident_folds]
    if seats:
        where = list(dict.fromkeys(quote(body) for _, body in seats))
        who = list(dict.fromkeys(quote(person) for person, _ in seats))
        checks.append(Check(label, True, f"{join_french(who)} : {join_french(where)}."))
    else:
        checks.append(Check(label, False, "Aucune instance n'associe le conseil citoyen ni des habitants."))

    label = "Les deux binômes siègent au comité de pilotage"
    steering = [b for b in bodies if b["kind"] == STEERING_COMMITTEE]
    if not steering:
        checks.append(Check(label, False, "Aucun comité de pilotage n'est décrit."))
    else:
        seated = {a for b in steering for a in _seats(b)}
        absent = []
        for role in PAIR_ROLES:
            holders = [m["actor_id"] for m in group if m["role"] == role]
            if not holders:
                absent.append(f"{_article(role)} (pas encore désigné dans le groupe projet)")
            elif not set(holders) & seated:
                absent.append(f"{_article(role)} ({join_french([quote(names.get(a, a)) for a in holders])})")
        checks.append(Check(label, not absent, f"N'y siègent pas : {join_french(absent)}." if absent else
                            f"Au complet dans {join_french([quote(b['name']) for b in steering])}."))

    label = "Chaque instance rend compte à une instance décrite"
    known = {b["name"] for b in bodies}
    dangling = [f"{quote(b['name'])} → {quote(r)}" for b in bodies for r in b["reports_to"] if r not in known]
    checks.append(Check(label, not dangling, f"Instance inconnue : {join_french(dangling)}." if dangling else
                        "Tous les liens « rend compte à » désignent une instance de la liste."))

    label = "Pas de boucle dans les comptes rendus"
    cycles = reporting_cycles(bodies)
    if cycles:
        loops = [" → ".join(quote(n) for n in cycle + cycle[:1]) for cycle in cycles]
        checks.append(Check(label, False, f"Comptes rendus en boucle : {' ; '.join(loops)}. Chaque chaîne "
                                          "doit remonter vers une instance de tête."))
    else:
        checks.append(Check(label, True, "Chaque chaîne de comptes rendus remonte vers une instance de tête."))
    return checks


# ---------------------------------------------------------------------------------------------
# Diagram
# ---------------------------------------------------------------------------------------------


def _levels(bodies: list[dict]) -> dict[str, int]:
    """Rows of the diagram: 0 for bodies that report to no listed body, then one row below the lowest
    body they report to. A body in a loop is placed as if the link closing the loop did not exist."""
    by_name = {b["name"]: b for b in bodies}
    levels: dict[str, int] = {}

    def level(name: str, path: tuple) -> int:
        if name in levels:
            return levels[name]
        parents = [r for r in by_name[name]["reports_to"] if r in by_name and r not in path and r != name]
        value = 0 if not parents else 1 + max(level(p, path + (name,)) for p in parents)
        if not path:
            levels[name] = value
        return value

    for body in bodies:
        levels[body["name"]] = level(body["name"], ())
    return levels


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width=width, break_long_words=True) or [""]


def governance_figure(bodies, actors=None) -> go.Figure:
    """The governance as a layered diagram: one box per body (name, kind and rhythm, lead, members),
    the bodies that report to nobody at the top, an arrow from each body to the body it reports to
    (red when it closes a loop). The hover text of a box lists all its members and what it decides."""
    bodies = _bodies(bodies)
    fig = go.Figure()
    if not bodies:
        fig.add_annotation(text="Aucune instance n'est encore décrite.", showarrow=False, xref="paper", yref="paper",
                           x=0.5, y=0.5, font=dict(size=18, color="#555"))
        fig.update_layout(font=FONT, template="plotly_white", height=300, width=1100,
                          xaxis=dict(visible=False), yaxis=dict(visible=False))
        return fig
    _, names = _people([], actors)
    # In a box, names shortened so that those alike stay apart (« CA du Val… service habitat »); whole in the hover.
    short = dict(zip(names, compact_alike(list(names.values()))))
    levels = _levels(bodies)
    rows: dict[int, list[dict]] = {}
    for body in bodies:
        rows.setdefault(levels[body["name"]], []).append(body)
    widest = max(len(r) for r in rows.values())
    box_w, step_x = 3.2, 3.6
    chars = 30  # characters per line in a box

    texts, heights = {}, {}
    for body in bodies:
        lines = [f"<b>{plain(line)}</b>" for line in _wrap(body["name"], chars - 4)]
        subtitle = body["kind"] + (f" · {body['rhythm']}" if body["rhythm"] else "")
        lines += [f"<i>{plain(line)}</i>" for line in _wrap(subtitle, chars)]
        lead = short.get(body["lead_id"], body["lead_id"]) if body["lead_id"] else "à désigner"
        lines += [plain(line) for line in _wrap(f"Pilote : {lead}", chars)]
        members = [short.get(m, m) for m in body["member_ids"] if m != body["lead_id"]]
        if members:
            listed = members[:MAX_LISTED]
            extra = f" + {len(members) - MAX_LISTED} autre(s)" if len(members) > MAX_LISTED else ""
            lines += [plain(line) for line in _wrap("Membres : " + ", ".join(listed) + extra, chars)]
        texts[body["name"]] = "<br>".join(lines)
        heights[body["name"]] = 0.32 * len(lines) + 0.3
    row_height = {level: max(heights[b["name"]] for b in row) for level, row in rows.items()}
    centres, y = {}, 0.0
    for level in sorted(rows):
        row = rows[level]
        for i, body in enumerate(row):
            centres[body["name"]] = ((i - (len(row) - 1) / 2) * step_x, y - row_height[level] / 2)
        y -= row_height[level] + 1.1

    cycle_edges = {(c[i], c[(i + 1) % len(c)]) for c in reporting_cycles(bodies) for i in range(len(c))}
    for body in bodies:
        x, yc = centres[body["name"]]
        h = heights[body["name"]]
        fill, border = BODY_COLOURS.get(body["kind"], OTHER_BODY_COLOURS)
        fig.add_shape(type="rect", x0=x - box_w / 2, x1=x + box_w / 2, y0=yc - h / 2, y1=yc + h / 2,
                      fillcolor=fill, line=dict(color=border, width=2), layer="below")
        fig.add_annotation(x=x, y=yc, text=texts[body["name"]], showarrow=False, font=dict(size=15), align="center")
    for body in bodies:
        for target in body["reports_to"]:
            if target not in centres:
                continue
            (x0, y0), (x1, y1) = centres[body["name"]], centres[target]
            h0, h1 = heights[body["name"]], heights[target]
            start_y = y0 + h0 / 2 if y1 > y0 else y0 - h0 / 2
            end_y = y1 - h1 / 2 if y1 > y0 else y1 + h1 / 2
            if abs(y1 - y0) < 1e-9:  # same row (a loop): side to side
                start_y, end_y = y0, y1
                x0, x1 = (x0 + box_w / 2, x1 - box_w / 2) if x1 > x0 else (x0 - box_w / 2, x1 + box_w / 2)
            colour = "#c62828" if (body["name"], target) in cycle_edges else "#333"
            fig.add_annotation(x=x1, y=end_y, ax=x0, ay=start_y, xref="x", yref="y", axref="x", ayref="y",
                               showarrow=True, arrowhead=3, arrowsize=1.4, arrowwidth=2, arrowcolor=colour, text="")
    hover = []
    for body in bodies:
        people = [names.get(m, m) for m in _seats(body)]
        lines = [f"<b>{plain(body['name'])}</b>", plain(body["kind"])]
        if body["rhythm"]:
            lines.append(f"Rythme : {plain(body['rhythm'])}")
        if body["decides"]:
            lines += [plain(line) for line in _wrap(f"Décide : {body['decides']}", 50)]
        if body["reports_to"]:
            lines.append(f"Rend compte à : {plain(', '.join(body['reports_to']))}")
        lines += [plain(line) for line in _wrap("Siègent : " + (", ".join(people) or "personne"), 50)]
        hover.append("<br>".join(lines))
    fig.add_trace(go.Scatter(x=[centres[b["name"]][0] for b in bodies], y=[centres[b["name"]][1] for b in bodies],
                             mode="markers", marker=dict(size=40, color="rgba(0,0,0,0)"), hovertext=hover,
                             hoverinfo="text", showlegend=False))
    half = (widest - 1) / 2 * step_x + box_w / 2 + 0.3
    fig.update_layout(
        title=dict(text="Gouvernance du projet<br><sup>Flèche : « rend compte à » · en rouge, une boucle à défaire</sup>",
                   font=dict(size=22)),
        # About 62 px per unit of height and 78 per unit of width: 15 px type fits the boxes.
        font=FONT, template="plotly_white", separators=SEPARATORS, width=max(1100, int(2 * max(half, 6.8) * 78) + 40),
        height=int(62 * (1 - y)) + 110,
        margin=dict(l=20, r=20, t=90, b=20), hoverlabel=dict(font=dict(size=16)), plot_bgcolor="white",
        xaxis=dict(visible=False, range=[-max(half, 6.8), max(half, 6.8)], fixedrange=True),
        yaxis=dict(visible=False, range=[y + 0.6, 0.4], fixedrange=True),
    )
    return fig
