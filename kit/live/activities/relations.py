"""« Avec qui travaillez-vous ? »: each participant chooses the actor they belong to, then an actor they work
with, the kind of relation (`kit.methods.network.RELATION_KINDS`) and its intensity (faible, moyenne, forte);
each proposal waits in the side file (`room["relations"]`) until the facilitator keeps it in the actor network
(`accept`: a `kit.model.Relation`, never twice the same pair and kind) or sets it aside (`set_aside`).

The kinds come from `kit.methods.network`, imported when first needed: the participant server starts without
pandas (that module draws the network), and loads it at the first page of this activity."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime

from kit.errors import KitError
from kit.live import pages, room
from kit.model import Relation, Workspace, checked
from kit.store import Store

NAME = "relations"
LABEL = room.ACTIVITIES[NAME]
INTENSITIES = {1: "faible", 2: "moyenne", 3: "forte"}
STATUSES = ("pending", "accepted", "set_aside")

SCRIPT = r"""
  K.labels = {pending: 'Reçue : en attente de l\u2019animateur', accepted: 'Retenue dans le réseau d\u2019acteurs',
              set_aside: 'Mise de côté'};
  var draft = K.newId('r'), button = K.$('send'), names = {}, directed = {};
  D.actors.forEach(function (a) { names[a.id] = a.name; });
  D.kinds.forEach(function (k) { directed[k.id] = k.directed; });
  var actorKey = 'kit-actor-' + D.code;
  try { var kept = window.localStorage.getItem(actorKey); if (kept && names[kept]) { K.$('actor').value = kept; } } catch (e) {}
  function way() {
    K.$('way-box').style.display = directed[K.$('kind').value] ? '' : 'none';
    var a = names[K.$('actor').value] || 'mon acteur', b = names[K.$('other').value] || 'l\u2019autre acteur';
    K.$('way').options[0].textContent = a + ' \u2192 ' + b;
    K.$('way').options[1].textContent = b + ' \u2192 ' + a;
  }
  ['actor', 'other', 'kind'].forEach(function (id) { K.$(id).addEventListener('change', way); });
  way();
  K.$('form').addEventListener('submit', function (e) {
    e.preventDefault();
    if (!K.needPseudo()) { return; }
    var actor = K.$('actor').value, other = K.$('other').value, kind = K.$('kind').value;
    if (!actor) { K.say('Choisissez l\u2019acteur dont vous faites partie.', true); return; }
    if (!other) { K.say('Choisissez l\u2019acteur avec qui vous travaillez.', true); return; }
    if (actor === other) { K.say('Choisissez deux acteurs différents.', true); return; }
    try { window.localStorage.setItem(actorKey, actor); } catch (e2) {}
    var reverse = directed[kind] && K.$('way').value === 'in', intensity = parseInt(K.$('intensity').value, 10);
    var from = reverse ? other : actor, to = reverse ? actor : other;
    button.disabled = true; setTimeout(function () { button.disabled = false; }, 800);
    K.sendItem(draft, {id: draft, actor: actor, other: other, kind: kind, intensity: intensity, reverse: reverse},
               names[from] + ' \u2192 ' + names[to] + ' (' + kind + ', ' + D.intensities[intensity] + ')');
    draft = K.newId('r');
    K.$('other').value = '';
    way();
  });
  K.onState = function (r) { K.itemStates(r.proposals || {}); };
"""


# -- what the phone offers and sends ---------------------------------------------------------------------


def kinds() -> dict[str, tuple[bool, str]]:
    """The relation kinds of the actor network: name -> (directed, French legend)."""
    from kit.methods.network import RELATION_KINDS

    return {name: (kind.directed, kind.legend) for name, kind in RELATION_KINDS.items()}


def page(ctx) -> tuple[str, str, dict]:
    actors = [(a.id, a.name) for a in ctx.ws.actors]
    known = kinds()
    if len(actors) < 2:
        body = ("<p>L'animateur n'a pas encore inscrit assez d'acteurs pour cette activité : rechargez la page dans "
                "un instant.</p>" + pages.MESSAGE_LINE)
        return LABEL, body, {"actors": [], "kinds": [], "intensities": INTENSITIES}
    body = ('<form id="form">' + pages.pseudonym_field() +
            '<label for="actor">Je fais partie de</label><select id="actor">' +
            pages.options([("", "— mon acteur —"), *actors]) + "</select>"
            '<label for="other">Je travaille avec</label><select id="other">' +
            pages.options([("", "— un autre acteur —"), *actors]) + "</select>"
            '<label for="kind">Type de relation</label><select id="kind">' +
            pages.options([(name, legend) for name, (_, legend) in known.items()]) + "</select>"
            '<div id="way-box"><label for="way">Dans quel sens ?</label><select id="way">' +
            pages.options([("out", "mon acteur → l'autre"), ("in", "l'autre → mon acteur")]) + "</select></div>"
            '<label for="intensity">Intensité</label><select id="intensity">' +
            pages.options([(str(n), label) for n, label in INTENSITIES.items()]) + "</select>"
            '<button id="send">Envoyer</button></form>' + pages.MESSAGE_LINE +
            '<h2>Mes relations envoyées</h2><ul id="mine"></ul>')
    return LABEL, body, {"actors": [{"id": i, "name": n} for i, n in actors],
                         "kinds": [{"id": name, "directed": directed} for name, (directed, _) in known.items()],
                         "intensities": INTENSITIES}


def state(ctx, participant: str) -> dict:
    return {"proposals": {p["id"]: p["status"] for p in ctx.side.get("relations", [])
                          if participant and p["participant"] == participant}}


def send(ctx, body: dict) -> dict:
    _, again = propose(ctx.store, ctx.ws, participant=body.get("participant"), pseudonym=body.get("pseudonym"),
                       proposal_id=body.get("id"), actor=body.get("actor"), other=body.get("other"),
                       kind=body.get("kind"), intensity=body.get("intensity"), reverse=body.get("reverse", False))
    return {"duplicate": again, "message": "Déjà reçue." if again else "Merci : votre relation est arrivée."}


# -- kept in the side file ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    """A relation as a participant proposed it (source → target, oriented), and what the facilitator decided."""

    id: str
    participant: str
    pseudonym: str
    actor: str  # the actor the participant belongs to (source or target)
    source: str
    target: str
    kind: str
    intensity: int
    received_at: str
    status: str = "pending"
    relation_id: str = ""
    decided_at: str = ""


def propose(store: Store, ws: Workspace, *, participant: object, pseudonym: object, proposal_id: object,
            actor: object, other: object, kind: object, intensity: object, reverse: object = False,
            now: datetime | None = None) -> tuple[Proposal, bool]:
    """Keep a proposed relation for moderation; (the proposal, whether it had already arrived). The same id
    sent twice is kept once; refused in French: a closed activity, the same actor twice, an actor not of the
    workspace, an unknown kind or intensity, a participant past their limits (`room.PER_MINUTE` is a
    `room.RateLimited`: the phone sends again later)."""
    participant = room._client_id(participant, "L'identifiant du participant")
    proposal_id = room._client_id(proposal_id, "L'identifiant de la relation")
    pseudonym = room._pseudonym(pseudonym)
    names = {a.id: a.name for a in ws.actors}
    if not isinstance(actor, str) or not actor or not isinstance(other, str) or not other:
        raise KitError("Choisissez votre acteur et celui avec qui vous travaillez.")
    if actor not in names or other not in names:
        raise KitError("Un des acteurs n'est pas (ou plus) dans la liste de l'atelier : rechargez la page.")
    if actor == other:
        raise KitError("Choisissez deux acteurs différents : une relation relie votre acteur à un autre.")
    known = kinds()
    if not isinstance(kind, str) or kind not in known:
        raise KitError("Ce type de relation n'est pas dans la liste : rechargez la page.")
    if not isinstance(intensity, int) or isinstance(intensity, bool) or intensity not in INTENSITIES:
        raise KitError("L'intensité va de faible à forte : rechargez la page.")
    source, target = (other, actor) if reverse is True and known[kind][0] else (actor, other)
    moment = now or room.now_utc()

    def change(side: dict) -> tuple[Proposal, bool]:
        kept_all = side.setdefault("relations", [])
        kept = room.admitted(side, kept_all, NAME, item_id=proposal_id, participant=participant, moment=moment,
                             item="relation", items="relations", total="relations")
        if kept is not None:
            return Proposal(**kept), True
        proposal = Proposal(id=proposal_id, participant=participant, pseudonym=pseudonym, actor=actor, source=source,
                            target=target, kind=kind, intensity=intensity, received_at=moment.isoformat())
        kept_all.append(asdict(proposal))
        return proposal, False

    return room._edit(store, ws.id, change)


def proposals(side: dict) -> list[Proposal]:
    return [Proposal(**p) for p in side.get("relations", [])]


def pending(side: dict) -> list[Proposal]:
    """The proposed relations waiting for the facilitator, oldest first."""
    return [p for p in proposals(side) if p.status == "pending"]


def relation_id_for(proposal_id: str) -> str:
    """The relation an accepted proposal becomes, always the same: accepting twice (a crash between the
    workspace's save and the side file's) never adds two relations."""
    return "rel-" + re.sub(r"[^a-z0-9]", "", proposal_id)[-20:]


def same_relation(ws: Workspace, source: str, target: str, kind: str) -> Relation | None:
    """The relation of the network between these actors of this kind, if there is one (either way round
    for a kind without direction: a coopération of A with B is one of B with A)."""
    directed = kinds().get(kind, (True, ""))[0]
    pairs = {(source, target)} if directed else {(source, target), (target, source)}
    return next((r for r in ws.relations if r.kind == kind and (r.source, r.target) in pairs), None)


def _decide(store: Store, ws_id: str, proposal_id: str, status: str, keep: bool) -> tuple[Workspace | None, bool]:
    with room._editing(store, ws_id) as side:
        entry = next((p for p in side.get("relations", []) if p["id"] == proposal_id), None)
        if entry is None:
            raise KitError("Cette relation n'existe plus : elle a peut-être été effacée.")
        if entry["status"] != "pending":
            raise KitError("Cette relation a déjà été traitée.")
        workspace, added, relation_id = None, False, ""
        if keep:
            proposal = Proposal(**entry)
            found: list[tuple[str, bool]] = []

            def change(ws: Workspace) -> None:
                names = {a.id for a in ws.actors}
                if proposal.source not in names or proposal.target not in names:
                    raise KitError("Un des deux acteurs de cette relation a été supprimé entre-temps : mettez-la de "
                                   "côté.")
                there = next((r for r in ws.relations if r.id == relation_id_for(proposal.id)), None) or \
                    same_relation(ws, proposal.source, proposal.target, proposal.kind)
                if there is not None:
                    found.append((there.id, False))  # already in the network: not added twice
                    return
                new = checked(lambda: Relation(id=relation_id_for(proposal.id), source=proposal.source,
                                               target=proposal.target, kind=proposal.kind,
                                               intensity=proposal.intensity))
                ws.relations.append(new)
                found.append((new.id, True))

            workspace = store.update(ws_id, change)
            relation_id, added = found[0]
        entry.update(status=status, relation_id=relation_id, decided_at=room.now_utc().isoformat())
        return workspace, added


def accept(store: Store, ws_id: str, proposal_id: str) -> tuple[Workspace, bool]:
    """The proposal becomes a relation of the actor network; (the workspace, whether it was added: False when
    the network already had a relation of that kind between these two actors, which stays as it was)."""
    return _decide(store, ws_id, proposal_id, "accepted", True)


def set_aside(store: Store, ws_id: str, proposal_id: str) -> None:
    """Keep a proposed relation out of the network (it stays in the side file, listed as set aside)."""
    _decide(store, ws_id, proposal_id, "set_aside", False)


def describe(proposal: Proposal, names: dict[str, str]) -> str:
    """« A → B (coopération, forte) », with the actors' names of now."""
    def name(actor_id: str) -> str:
        return names.get(actor_id, "acteur supprimé")

    return (f"{name(proposal.source)} → {name(proposal.target)} "
            f"({proposal.kind}, {INTENSITIES.get(proposal.intensity, '?')})")
