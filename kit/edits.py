"""Edits of the workspace that keep every link whole (removals cascade, merges re-point links).

Each function edits a `Workspace` in place and is meant to run inside `Store.update`, so it always
works on the latest revision and is saved (or refused) as a whole.

A form's save goes through `apply_form`: it states the values the form was loaded from, writes only
what the person changed, merges what nobody else changed meanwhile and refuses, naming it, what someone
else did (`EditCollision`): no edit is lost between two people on one entity.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from kit.errors import KitError
from kit.text import fold, join_french, quote, shorten
from kit.model import FIELD_LABELS, ActorInfluence, ActorPosition, Influence, Stake, Workspace, _find, checked


def stake(ws: Workspace, stake_id: str) -> Stake:
    return _find(ws.stakes, stake_id, "enjeu")


def remove_neighbourhood(ws: Workspace, neighbourhood_id: str) -> None:
    ws.neighbourhood(neighbourhood_id)  # a clear message if someone else removed it already
    ws.neighbourhoods = [n for n in ws.neighbourhoods if n.id != neighbourhood_id]
    for s in ws.stakes:  # stakes keep their other neighbourhoods
        s.neighbourhood_ids = [i for i in s.neighbourhood_ids if i != neighbourhood_id]
    ws.indicator_values = [v for v in ws.indicator_values
                           if not (v.place_kind == "qpv" and v.place == neighbourhood_id)]


def require_unique(items, name: str, message: str, *, field: str = "title", ignore_id: str | None = None) -> None:
    """Refuse `name` if another item of `items` already bears it (its `field`), with `message`.

    Names are compared as people read them (`kit.text.fold`: « Énergie » and « energie » are one
    name), so a list never shows two entries nobody can tell apart. `ignore_id` is the item being
    renamed, which may keep its own name.
    """
    wanted = fold(name)
    if any(fold(getattr(item, field)) == wanted for item in items if item.id != ignore_id):
        raise KitError(message)


# -- forms: what a person changed, merged into the latest revision -------------------------------

class EditCollision(KitError):
    """A form's save refused: since the form was loaded, someone else changed fields the person changed
    too. `theirs` holds the other person's values (field -> value), `since` the revision the form was
    loaded from: a form that takes `theirs` as its starting point saves the person's values next time."""

    def __init__(self, message: str, *, details: list[str], theirs: dict, since: int | None):
        super().__init__(message, details=details)
        self.theirs = theirs
        self.since = since


def merge_form(current: Mapping, loaded: Mapping, submitted: Mapping) -> tuple[dict, dict]:
    """The three-way merge of a form, field by field: (the fields to write, the fields that collide).

    `loaded` is what the form showed when it was loaded, `submitted` what it holds now, `current` the
    latest saved values. A field the person did not change is never written, so a form loaded before
    someone else's save cannot undo it; a field they changed is written when nobody changed it
    meanwhile, and collides (with the other person's value) when someone did, differently.
    """
    writes, collisions = {}, {}
    for name, value in submitted.items():
        before, now = loaded.get(name), current.get(name)
        if _same(value, before) or _same(value, now):
            continue  # left as loaded, or already saved so (by someone else, or by a first click)
        if _same(now, before):
            writes[name] = value
        else:
            collisions[name] = now
    return writes, collisions


def apply_form(entity, loaded: Mapping, submitted: Mapping, *, ws: Workspace | None = None,
               since: int | None = None, labels: Mapping[str, str] | None = None) -> list[str]:
    """Write onto `entity`, in the latest revision, the fields a person changed in a form (`merge_form`)
    and return their names; refuse the whole save with an `EditCollision` naming every field someone
    else changed meanwhile and showing their value (ids named from `ws`), so that nothing is overwritten
    without the person knowing. `since` is the revision the form was loaded from."""
    current = {name: getattr(entity, name) for name in submitted}
    writes, collisions = merge_form(current, loaded, submitted)
    if collisions:
        raise collision_error(collisions, ws=ws, since=since, labels=labels)
    for name, value in writes.items():
        checked(lambda name=name, value=value: setattr(entity, name, value))
    return list(writes)


def collision_error(theirs: Mapping, *, ws: Workspace | None = None, since: int | None = None,
                    labels: Mapping[str, str] | None = None) -> EditCollision:
    """The French refusal of a form whose fields `theirs` (field -> the other person's value) collide."""
    names = {name: quote((labels or {}).get(name) or FIELD_LABELS.get(name, name)) for name in theirs}
    shown = {name: describe_value(value, ws) for name, value in theirs.items()}
    if len(theirs) == 1:
        [name] = theirs
        return EditCollision(
            f"Quelqu'un a modifié {names[name]} pendant que vous écriviez : sa version est {shown[name]}. Votre "
            "saisie est restée dans le formulaire : enregistrez à nouveau pour garder la vôtre.",
            details=[], theirs=dict(theirs), since=since)
    return EditCollision(
        f"Quelqu'un a modifié {join_french(list(names.values()))} pendant que vous écriviez. Vos saisies sont "
        "restées dans le formulaire : enregistrez à nouveau pour garder les vôtres. Ses versions :",
        details=[f"{names[name]} : {shown[name]}" for name in theirs], theirs=dict(theirs), since=since)


def describe_value(value, ws: Workspace | None = None) -> str:
    """A saved value as a message quotes it: texts shortened, dates in French, ids by their names."""
    if value is None or value == "" or value == [] or value == ():
        return "vide"
    if isinstance(value, bool):
        return quote("oui" if value else "non")
    if isinstance(value, date):
        return quote(f"{value:%d/%m/%Y}")
    if isinstance(value, (list, tuple, set)):
        return join_french([describe_value(v, ws) for v in value])
    if isinstance(value, str) and ws is not None:
        value = _names(ws).get(value, value)
    return quote(shorten(value, 400))


def _names(ws: Workspace) -> dict[str, str]:
    """Every entity's id → its name or title (what a person reads instead of an id)."""
    names = {}
    for items in (ws.neighbourhoods, ws.stakes, ws.local_projects, ws.objectives, ws.actors, ws.bodies, ws.actions):
        for item in items:
            names[item.id] = getattr(item, "title", None) or getattr(item, "name", "")
    return names


def _same(a, b) -> bool:
    """Two values of a field, compared as saved (outer spaces are trimmed on save, a list is a list)."""
    if isinstance(a, str) and isinstance(b, str):
        return a.strip() == b.strip()
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return list(a) == list(b)
    return a == b


def add_stake(ws: Workspace, new: Stake) -> None:
    require_unique(ws.stakes, new.title, f"Un enjeu s'intitule déjà « {new.title} » : fusionnez-les ou changez le titre.")
    ws.stakes.append(new)


def remove_stake(ws: Workspace, stake_id: str) -> None:
    stake(ws, stake_id)
    ws.stakes = [s for s in ws.stakes if s.id != stake_id]
    ws.influences = [c for c in ws.influences if stake_id not in (c.source, c.target)]
    for project in ws.local_projects:
        project.stake_ids = [i for i in project.stake_ids if i != stake_id]


def move_stake(ws: Workspace, stake_id: str, offset: int) -> None:
    """Move a stake up (offset -1) or down (+1) in the list; the order is the group's reading order."""
    item = stake(ws, stake_id)
    index = ws.stakes.index(item)
    target = max(0, min(len(ws.stakes) - 1, index + offset))
    ws.stakes.insert(target, ws.stakes.pop(index))


def merge_stakes(ws: Workspace, keep_id: str, drop_id: str) -> None:
    """Merge a duplicate into the stake kept: texts joined, neighbourhoods and evidence united, votes
    added, influences and project links re-pointed (the stronger of two influences wins)."""
    if keep_id == drop_id:
        raise KitError("Choisissez deux enjeux différents à fusionner.")
    keep, drop = stake(ws, keep_id), stake(ws, drop_id)
    for field in ("statement", "evidence", "what", "for_whom", "levers"):
        setattr(keep, field, _append_line(getattr(keep, field), getattr(drop, field)))
    keep.by_when = keep.by_when or drop.by_when
    keep.theme = keep.theme or drop.theme
    keep.raised_by = ", ".join(dict.fromkeys(p for p in (keep.raised_by, drop.raised_by) if p))[:200]
    keep.neighbourhood_ids = list(dict.fromkeys(keep.neighbourhood_ids + drop.neighbourhood_ids))
    keep.indicator_codes = list(dict.fromkeys(keep.indicator_codes + drop.indicator_codes))
    keep.votes = keep.votes + drop.votes
    for field in ("importance", "control", "urgency"):
        values = [v for v in (getattr(keep, field), getattr(drop, field)) if v is not None]
        setattr(keep, field, max(values) if values else None)

    merged: dict[tuple[str, str], Influence] = {}
    for cell in ws.influences:
        source = keep_id if cell.source == drop_id else cell.source
        target = keep_id if cell.target == drop_id else cell.target
        if source == target:
            continue  # an influence between the two duplicates disappears with the merge
        previous = merged.get((source, target))
        if previous is None or _strength(cell.value) > _strength(previous.value):
            merged[(source, target)] = Influence(source=source, target=target, value=cell.value)
    ws.influences = list(merged.values())
    for project in ws.local_projects:
        project.stake_ids = list(dict.fromkeys(keep_id if i == drop_id else i for i in project.stake_ids))
    ws.stakes = [s for s in ws.stakes if s.id != drop_id]


def set_influence(ws: Workspace, source: str, target: str, value: int | str) -> None:
    """Set one cell of the direct influence matrix (0 removes it)."""
    stake(ws, source), stake(ws, target)
    if source == target:
        raise KitError("La diagonale de la matrice reste vide : un enjeu ne s'influence pas lui-même.")
    if isinstance(value, str) and value.strip().upper() == "P":
        value = "P"
    elif str(value).strip() in {"", "0", "1", "2", "3"}:
        value = int(str(value).strip() or 0)
    else:
        raise KitError(f"« {value} » n'est pas une valeur de la matrice : 0, 1, 2, 3 ou P.")
    ws.influences = [c for c in ws.influences if (c.source, c.target) != (source, target)]
    if value != 0:
        ws.influences.append(Influence(source=source, target=target, value=value))


def _strength(value: int | str) -> float:
    return 0.5 if value == "P" else float(value)  # a real influence outranks a potential one


def _append_line(a: str, b: str) -> str:
    if not b or b in a:
        return a
    return f"{a}\n{b}" if a else b


def actor(ws: Workspace, actor_id: str):
    return _find(ws.actors, actor_id, "acteur")


def objective(ws: Workspace, objective_id: str):
    return _find(ws.objectives, objective_id, "objectif")


def body(ws: Workspace, body_id: str):
    return _find(ws.bodies, body_id, "instance")


def neighbourhood(ws: Workspace, neighbourhood_id: str):
    return _find(ws.neighbourhoods, neighbourhood_id, "quartier")


def remove_actor(ws: Workspace, actor_id: str) -> None:
    """Remove an actor and every mention of it (relations, group, bodies, MACTOR, fiches action)."""
    actor(ws, actor_id)
    ws.actors = [a for a in ws.actors if a.id != actor_id]
    ws.relations = [r for r in ws.relations if actor_id not in (r.source, r.target)]
    ws.project_group = [m for m in ws.project_group if m.actor_id != actor_id]
    for body in ws.bodies:
        body.member_ids = [i for i in body.member_ids if i != actor_id]
        body.lead_id = None if body.lead_id == actor_id else body.lead_id
    ws.actor_influences = [c for c in ws.actor_influences if actor_id not in (c.source, c.target)]
    ws.actor_positions = [c for c in ws.actor_positions if c.actor_id != actor_id]
    ws.mactor_actor_ids = [i for i in ws.mactor_actor_ids if i != actor_id]
    for action in ws.actions:
        action.lead_id = None if action.lead_id == actor_id else action.lead_id
        action.partner_ids = [i for i in action.partner_ids if i != actor_id]


def remove_objective(ws: Workspace, objective_id: str) -> None:
    """Remove an objective; operational objectives under it are removed too (they made sense only there)."""
    objective(ws, objective_id)
    gone = {objective_id} | {o.id for o in ws.objectives if o.parent_id == objective_id}
    ws.objectives = [o for o in ws.objectives if o.id not in gone]
    ws.actor_positions = [c for c in ws.actor_positions if c.objective_id not in gone]
    ws.mactor_objective_ids = [i for i in ws.mactor_objective_ids if i not in gone]


def remove_body(ws: Workspace, body_id: str) -> None:
    _find(ws.bodies, body_id, "instance")
    ws.bodies = [b for b in ws.bodies if b.id != body_id]
    for body in ws.bodies:
        body.reports_to = None if body.reports_to == body_id else body.reports_to


def set_actor_influence(ws: Workspace, source: str, target: str, value: int | str) -> None:
    """One cell of MACTOR's MID (0-4; 0 removes it)."""
    actor(ws, source), actor(ws, target)
    if source == target:
        raise KitError("La diagonale de la matrice reste vide : un acteur ne s'influence pas lui-même.")
    number = _integer(value, range(0, 5), "0, 1, 2, 3 ou 4")
    ws.actor_influences = [c for c in ws.actor_influences if (c.source, c.target) != (source, target)]
    if number:
        ws.actor_influences.append(ActorInfluence(source=source, target=target, value=number))


def set_position(ws: Workspace, actor_id: str, objective_id: str, value: int | str) -> None:
    """One cell of MACTOR's 2MAO (-4..+4; 0 removes it)."""
    actor(ws, actor_id), objective(ws, objective_id)
    number = _integer(value, range(-4, 5), "un entier de -4 à +4")
    ws.actor_positions = [c for c in ws.actor_positions if (c.actor_id, c.objective_id) != (actor_id, objective_id)]
    if number:
        ws.actor_positions.append(ActorPosition(actor_id=actor_id, objective_id=objective_id, value=number))


def _integer(value: int | str, allowed: range, expected: str) -> int:
    text = str(value).strip().replace("+", "") or "0"
    if text.lstrip("-").isdigit() and int(text) in allowed:
        return int(text)
    raise KitError(f"« {value} » n'est pas une valeur de la matrice : {expected}.")


def actor_references(ws: Workspace, actor_id: str) -> list[str]:
    """What names the actor, as French phrases (what removing it would take away): its relations, its places
    in the project group and the bodies, the fiches it pilots or joins, its MACTOR cells. Empty: nothing does."""
    existing(ws.actors, [actor_id], GONE["acteur"])
    names = {a.id: a.name for a in ws.actors}
    found = []
    others = [names.get(r.target if r.source == actor_id else r.source, "?") for r in ws.relations
              if actor_id in (r.source, r.target)]
    if others:
        shown = join_french([quote(shorten(n, 60)) for n in dict.fromkeys(others)][:5])
        more = " …" if len(dict.fromkeys(others)) > 5 else ""
        found.append(f"{len(others)} relation{'s' if len(others) > 1 else ''} du réseau (avec {shown}{more})")
    roles = [m.role for m in ws.project_group if m.actor_id == actor_id]
    if roles:
        found.append(f"le groupe projet ({join_french(roles)})")
    for body_ in ws.bodies:
        places = (["pilote"] if body_.lead_id == actor_id else []) + (["membre"] if actor_id in body_.member_ids else [])
        if places:
            found.append(f"l'instance {quote(shorten(body_.name, 80))} ({' et '.join(places)})")
    for action in ws.actions:
        places = ((["pilote"] if action.lead_id == actor_id else [])
                  + (["partenaire"] if actor_id in action.partner_ids else []))
        if places:
            found.append(f"la fiche action {quote(shorten(action.title, 80))} ({' et '.join(places)})")
    influences = sum(actor_id in (c.source, c.target) for c in ws.actor_influences)
    positions = sum(c.actor_id == actor_id for c in ws.actor_positions)
    cells = ([f"{influences} influence{'s' if influences > 1 else ''} entre acteurs"] if influences else []) + (
        [f"{positions} position{'s' if positions > 1 else ''} sur les objectifs"] if positions else [])
    if cells:
        found.append(f"MACTOR ({join_french(cells)})")
    return found


# What a form says when something a person chose was removed meanwhile by someone else (by its kind).
GONE = {"acteur": "Cet acteur n'existe plus : il a peut-être été supprimé par une autre personne.",
        "acteurs": "Un acteur choisi n'existe plus : il a peut-être été supprimé par une autre personne. "
                   "Choisissez à nouveau.",
        "objectif": "Cet objectif n'existe plus : il a peut-être été supprimé par une autre personne.",
        "enjeux": "Un enjeu choisi n'existe plus : il a peut-être été supprimé par une autre personne. "
                  "Choisissez à nouveau.",
        "instance": "Cette instance n'existe plus : elle a peut-être été supprimée par une autre personne."}


def existing(items, ids, message: str):
    """The items of `items` with these ids, in that order; `message` (a `KitError`) if one is gone."""
    by_id = {item.id: item for item in items}
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise KitError(message)
    return [by_id[i] for i in ids]


# -- session 1: a MICMAC cell rated (a 0 included), local projects ------------------------------

def influence_value(text: int | str) -> int | str | None:
    """A MICMAC cell as typed or pasted from a spreadsheet: 0 to 3 (« 2 », « 2,0 »), a rating, 0 included
    (« no influence », decided); P (potential); None when empty (not rated yet). Anything else is refused."""
    raw = str(text).strip()
    if not raw:
        return None
    if raw.upper() == "P":
        return "P"
    try:
        number = float(raw.replace(",", ".").replace("\u202f", "").replace("\xa0", ""))
    except ValueError:
        number = None
    if number is not None and number.is_integer() and 0 <= number <= 3:
        return int(number)
    raise KitError(f"« {raw} » n'est pas une valeur de la matrice : 0, 1, 2, 3 ou P.")


def rate_influence(ws: Workspace, source: str, target: str, text: int | str) -> int | str | None:
    """Rate one cell of the direct influence matrix as a person typed it (`influence_value`): a 0 is kept,
    an empty cell is « not rated ». Returns the value kept."""
    stake(ws, source), stake(ws, target)
    if source == target:
        raise KitError("La diagonale de la matrice reste vide : un enjeu ne s'influence pas lui-même.")
    value = influence_value(text)
    ws.influences = [c for c in ws.influences if (c.source, c.target) != (source, target)]
    if value is not None:
        ws.influences.append(Influence(source=source, target=target, value=value))
    return value


def local_project(ws: Workspace, project_id: str):
    return _find(ws.local_projects, project_id, "projet")


def remove_local_project(ws: Workspace, project_id: str) -> None:
    local_project(ws, project_id)  # a clear message if someone else removed it already
    ws.local_projects = [p for p in ws.local_projects if p.id != project_id]


def objective_references(ws: Workspace, objective_id: str) -> list[str]:
    """What removing the objective takes away with it, as French phrases: the operational objectives under
    it, the fiches action that cite it or them, the actors' MACTOR positions on them. Empty: nothing."""
    [chosen] = existing(ws.objectives, [objective_id], GONE["objectif"])
    below = [o for o in ws.objectives if o.parent_id == objective_id]
    gone = {objective_id} | {o.id for o in below}
    found = []
    if below:
        titles = join_french([quote(shorten(o.title, 60)) for o in below[:5]]) + (" …" if len(below) > 5 else "")
        found.append(f"{len(below)} objectif{'s' if len(below) > 1 else ''} opérationnel{'s' if len(below) > 1 else ''} "
                     f"rattaché{'s' if len(below) > 1 else ''} ({titles}), retiré{'s' if len(below) > 1 else ''} avec lui")
    for action in ws.actions:
        if gone & set(action.objective_ids):
            found.append(f"la fiche action {quote(shorten(action.title, 80))}, qui perd cet objectif")
    positions = sum(c.objective_id in gone for c in ws.actor_positions)
    if positions:
        found.append(f"MACTOR ({positions} position{'s' if positions > 1 else ''} d'acteurs)")
    return found


def remove_objective_everywhere(ws: Workspace, objective_id: str) -> None:
    """`remove_objective`, and the fiches action that cited it or an objective under it no longer do."""
    remove_objective(ws, objective_id)
    kept = {o.id for o in ws.objectives}
    for action in ws.actions:
        action.objective_ids = [i for i in action.objective_ids if i in kept]


# -- the territory's own indicators ---------------------------------------------------------------

def custom_indicator(ws: Workspace, indicator_id: str):
    return _find(ws.custom_indicators, indicator_id, "indicateur du territoire")


def custom_indicator_values(ws: Workspace, indicator_id: str) -> int:
    """How many values (numbers or notes, any place) the territory's indicator has: what a removal takes with it."""
    return sum(1 for v in ws.indicator_values if v.indicator == indicator_id)


def remove_custom_indicator(ws: Workspace, indicator_id: str) -> None:
    """The indicator, its values and the stakes' mentions of it leave together (no value cites it any more)."""
    custom_indicator(ws, indicator_id)  # a clear message if someone else removed it already
    ws.custom_indicators = [i for i in ws.custom_indicators if i.id != indicator_id]
    ws.indicator_values = [v for v in ws.indicator_values if v.indicator != indicator_id]
    for item in ws.stakes:
        if indicator_id in item.indicator_codes:
            item.indicator_codes = [c for c in item.indicator_codes if c != indicator_id]
