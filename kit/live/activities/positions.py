"""« Positions des acteurs (MACTOR) »: each actor's representative chooses the actor they speak for and gives
its position on each objective MACTOR studies (`kit.sessions.project.mactor_objectives`), from -4 (opposed,
vital to it) to +4 (favourable, vital to it), 0 neutral: a whole answer per participant (`room.answer`).

The facilitator sees per actor what its representatives said, side by side, and reports it into the 2MAO
matrix (`apply`, through `kit.edits.set_position`): a cell the facilitator set to another value is not
overwritten unless asked again (`replace=True`); a cell the room wrote before (`room["positions_applied"]`)
follows the room's new answer; a cell on which one actor's representatives disagree is left to the group.

`kit.sessions.project` is imported when first needed: the participant server starts without pandas."""

from __future__ import annotations

from dataclasses import dataclass, field

from kit import edits
from kit.errors import KitError
from kit.live import pages, room
from kit.model import Workspace
from kit.store import Store

NAME = "positions"
LABEL = room.ACTIVITIES[NAME]
APPLIED = "positions_applied"  # the side file's cells the room wrote: "actor|objective" -> value
SCALE = [(-4, "−4 opposé : vital pour lui"), (-3, "−3 opposé : touche ses missions"),
         (-2, "−2 opposé : touche ses projets"), (-1, "−1 opposé : touche ses façons de faire"), (0, "0 neutre"),
         (1, "+1 favorable : touche ses façons de faire"), (2, "+2 favorable : touche ses projets"),
         (3, "+3 favorable : touche ses missions"), (4, "+4 favorable : vital pour lui")]

SCRIPT = r"""
  K.received = 'Positions reçues';
  function show(v) {
    if (v && v.actor) { K.$('actor').value = v.actor; }
    D.objectives.forEach(function (o, i) {
      var x = v && v.positions ? v.positions[o.id] : 0;
      K.$('o' + i).value = String(x || 0);
    });
  }
  var queued = K.queuedState();
  show(queued ? queued.value : D.mine);
  K.$('form').addEventListener('submit', function (e) {
    e.preventDefault();
    if (!K.needPseudo()) { return; }
    var actor = K.$('actor').value, positions = {};
    if (!actor) { K.say('Choisissez l\u2019acteur au nom duquel vous répondez.', true); return; }
    D.objectives.forEach(function (o, i) { positions[o.id] = parseInt(K.$('o' + i).value, 10); });
    K.sendState({value: {actor: actor, positions: positions}});
  });
  K.onSent = function (r) { if (r.answer) { show(r.answer); } };
  K.onState = function (r, queued) { if (!queued && r.answer && r.answer.actor) { show(r.answer); } };
"""


def scope(ws: Workspace) -> tuple[list, list]:
    """The actors and objectives MACTOR works on (the group's choice, else all)."""
    from kit.sessions.project import mactor_actors, mactor_objectives

    return mactor_actors(ws), mactor_objectives(ws)


def signed(value: int) -> str:
    return f"{value:+d}".replace("-", "−") if value else "0"


# -- the phone ----------------------------------------------------------------------------------------------


def page(ctx) -> tuple[str, str, dict]:
    actors, objectives = scope(ctx.ws)
    if not actors or not objectives:
        body = ("<p>L'animateur n'a pas encore choisi les acteurs et les objectifs de MACTOR : rechargez la page "
                "dans un instant.</p>" + pages.MESSAGE_LINE)
        return LABEL, body, {"objectives": [], "mine": {}}
    rows = "".join(f'<label for="o{i}">{pages.text(o.title)}</label><select id="o{i}">'
                   + pages.options([(str(v), label) for v, label in SCALE]) + "</select>"
                   for i, o in enumerate(objectives))
    body = ("<p>Vous parlez au nom d'un acteur : donnez sa position sur chaque objectif, de −4 (opposé, vital pour "
            "lui) à +4 (favorable, vital pour lui), 0 s'il est neutre.</p>"
            '<form id="form">' + pages.pseudonym_field() +
            '<label for="actor">Je réponds au nom de</label><select id="actor">' +
            pages.options([("", "— l'acteur que je représente —"), *((a.id, a.name) for a in actors)]) +
            f"</select><h2>Sa position sur les objectifs</h2>{rows}"
            '<button id="send">Envoyer les positions</button></form>' + pages.MESSAGE_LINE)
    return LABEL, body, {"objectives": [{"id": o.id} for o in objectives], "mine": {}}


def state(ctx, participant: str) -> dict:
    return {"answer": room.my_answer(ctx.side, NAME, participant) if participant else {}}


def checker(ws: Workspace):
    """The check `room.answer` runs on a representative's answer: {"actor": id, "positions": {objective: -4..4}}."""
    actors, objectives = scope(ws)
    actor_ids, objective_ids = {a.id for a in actors}, {o.id for o in objectives}

    def check(side: dict, participant: str, value: object) -> dict:
        if not isinstance(value, dict) or not isinstance(value.get("positions"), dict):
            raise KitError("Les positions envoyées sont invalides : rechargez la page.")
        if value.get("actor") not in actor_ids:
            raise KitError("Cet acteur n'est pas (ou plus) étudié dans MACTOR : rechargez la page et choisissez-en "
                           "un de la liste.")
        positions = {}
        for objective_id, number in value["positions"].items():
            if objective_id not in objective_ids:
                raise KitError("Un des objectifs n'est pas (ou plus) étudié dans MACTOR : rechargez la page.")
            if not isinstance(number, int) or isinstance(number, bool) or not -4 <= number <= 4:
                raise KitError("Une position va de −4 (opposé) à +4 (favorable), 0 pour neutre.")
            positions[objective_id] = number
        return {"actor": value["actor"], "positions": positions}

    return check


def send(ctx, body: dict) -> dict:
    kept = room.answer(ctx.store, ctx.ws.id, NAME, participant=body.get("participant"),
                       pseudonym=body.get("pseudonym"), sequence=body.get("sequence"), value=body.get("value"),
                       check=checker(ctx.ws))
    return {"answer": kept, "message": "Merci : les positions de votre acteur sont arrivées."}


# -- the facilitator ----------------------------------------------------------------------------------------


def received(side: dict) -> dict[str, list[tuple[str, dict[str, int]]]]:
    """What the room said, per actor: [(pseudonym, {objective id: position}), ...] in the order received."""
    found: dict[str, list[tuple[str, dict[str, int]]]] = {}
    entries = sorted((side["answers"].get(NAME) or {}).values(), key=lambda e: e.get("received_at", ""))
    for entry in entries:
        value = entry.get("value") or {}
        if value.get("actor"):
            found.setdefault(value["actor"], []).append((entry["pseudonym"], dict(value.get("positions") or {})))
    return found


@dataclass
class Plan:
    """What reporting the room's positions into 2MAO does: cells written, cells the facilitator set to another
    value (kept unless replaced), cells on which one actor's representatives disagree (left to the group)."""

    write: dict[tuple[str, str], int] = field(default_factory=dict)
    kept: list[tuple[str, str, int, int]] = field(default_factory=list)  # actor, objective, in the matrix, the room's
    disagree: list[tuple[str, str, dict[str, int]]] = field(default_factory=list)  # actor, objective, pseudonym -> value

    def sentences(self, ws: Workspace) -> list[str]:
        """The cells kept and the disagreements, in French, with the names of now."""
        actors, objectives = {a.id: a.name for a in ws.actors}, {o.id: o.title for o in ws.objectives}
        lines = [f"« {actors.get(a, a)} » / « {objectives.get(o, o)} » : {signed(now)} dans la matrice, "
                 f"{signed(said)} reçu de la salle" for a, o, now, said in self.kept]
        lines += [f"« {actors.get(a, a)} » / « {objectives.get(o, o)} » : les représentants ne sont pas d'accord ("
                  + ", ".join(f"{signed(v)} pour {p}" for p, v in said.items()) + ")" for a, o, said in self.disagree]
        return lines


def plan(ws: Workspace, side: dict, *, replace: bool = False) -> Plan:
    """What `apply` would do on this revision and side file."""
    applied = side.get(APPLIED) or {}
    cells = {(c.actor_id, c.objective_id): c.value for c in ws.actor_positions}
    actors, objectives = {a.id for a in ws.actors}, {o.id for o in ws.objectives}
    result = Plan()
    for actor_id, answers in received(side).items():
        if actor_id not in actors:
            continue  # removed since: nothing to report
        for objective_id in dict.fromkeys(o for _, positions in answers for o in positions):
            if objective_id not in objectives:
                continue
            said = {pseudonym: positions[objective_id] for pseudonym, positions in answers if objective_id in positions}
            if len(set(said.values())) > 1:
                result.disagree.append((actor_id, objective_id, said))
                continue
            wanted, now = next(iter(said.values())), cells.get((actor_id, objective_id), 0)
            if wanted == now:
                continue
            if now == 0 or applied.get(f"{actor_id}|{objective_id}") == now or replace:
                result.write[(actor_id, objective_id)] = wanted
            else:
                result.kept.append((actor_id, objective_id, now, wanted))
    return result


def apply(store: Store, ws_id: str, *, replace: bool = False) -> Plan:
    """Report the room's positions into the 2MAO matrix (see `plan`); `replace`: the cells the facilitator set
    to another value take the room's too. Returns what was done; the workspace is saved only if a cell moves."""
    with room._editing(store, ws_id) as side:
        done: list[Plan] = []

        def change(ws: Workspace) -> None:
            found = plan(ws, side, replace=replace)
            for (actor_id, objective_id), value in found.write.items():
                edits.set_position(ws, actor_id, objective_id, value)
            done.append(found)

        first = plan(store.load(ws_id), side, replace=replace)
        if not first.write:
            return first  # nothing moves: no new revision
        store.update(ws_id, change)
        applied = side.setdefault(APPLIED, {})
        for (actor_id, objective_id), value in done[0].write.items():
            applied[f"{actor_id}|{objective_id}"] = value
        return done[0]
