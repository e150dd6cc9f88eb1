"""« Prioriser les fiches action »: each participant spreads N dots on the fiches action of session 3 (the
same dot-vote page as « Voter pour les enjeux », `votes.SCRIPT` over the fiches); the room's ranking is
then turned into the fiches' priorities only when the facilitator asks for it (`apply`), never at close.

A participant's allocation is an answer of the side file (`room.answer`, kept per participant, a resend
replacing the one before). The rule from ranking to priority (`levels`), shown on screen as `RULE`: among
the fiches that received dots, ranked by their total, the first third becomes « haute », the second
« moyenne », the last « basse »; a fiche's place is the number of fiches with strictly more dots, so fiches
tied get the same priority (that of the best placed); a fiche without any dot keeps its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from kit.errors import KitError
from kit.live import room
from kit.live.activities import votes
from kit.model import Workspace
from kit.store import Store

NAME = "priorites"
LABEL = room.ACTIVITIES[NAME]

SCRIPT = votes.SCRIPT  # the dot-vote over D.items: D.dots, D.items, D.mine, D.none; sends and reads `votes`

RULE = ("Parmi les fiches qui ont reçu des points, le premier tiers du classement passe en priorité haute, le "
        "deuxième tiers en moyenne et le dernier en basse (des fiches à égalité prennent la même priorité, celle de "
        "la mieux placée), et une fiche sans aucun point garde la sienne.")
LEVELS = ("haute", "moyenne", "basse")


# -- the participant's page ------------------------------------------------------------------------------


def page(ctx) -> tuple[str, str, dict]:
    body, data = votes.dot_page(votes.dots(ctx), [(a.id, a.title) for a in ctx.ws.actions], "aux fiches action",
                                "Aucune fiche action à prioriser pour le moment.", {})
    return "Prioriser les fiches action", body, data


def state(ctx, participant: str) -> dict:
    return {"dots": votes.dots(ctx), "votes": room.my_answer(ctx.side, NAME, participant) if participant else {}}


def checker(ws: Workspace):
    """The check `room.answer` runs under the side file's lock: fiches of this workspace, whole counts from
    zero up, no more dots in all than the activity gives; returns the allocation without its zeros."""
    fiches = {a.id for a in ws.actions}

    def check(side: dict, participant: str, value: object) -> dict[str, int]:
        kept = room.allocation_of(value, fiches, "Les points envoyés sont invalides",
                                  "Une des fiches action a été retirée entre-temps")
        room.within_dots(side, NAME, kept)
        return kept

    return check


def send(ctx, body: dict) -> dict:
    kept = room.answer(ctx.store, ctx.ws.id, NAME, participant=body.get("participant"),
                       pseudonym=body.get("pseudonym"), sequence=body.get("sequence"), value=body.get("votes"),
                       check=checker(ctx.ws))
    return {"votes": kept, "message": "Merci : vos points sont comptés."}


# -- the facilitator's side --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ranked:
    """A fiche of the room's ranking: its dots, how many participants gave it some, its place (the number of
    fiches with strictly more dots: tied fiches share it) and the priority the rule gives it."""

    id: str
    title: str
    dots: int
    participants: int
    place: int
    level: str
    current: str


def ranking(side: dict, ws: Workspace) -> list[Ranked]:
    """The fiches that received dots, most dots first (tied fiches in the workspace's order); the dots given
    to a fiche removed meanwhile are left out, and the thirds counted on the fiches still there."""
    totals: dict[str, int] = {}
    givers: dict[str, int] = {}
    for allocation in room.answers(side, NAME).values():
        for fiche_id, count in allocation.items():
            if count:
                totals[fiche_id] = totals.get(fiche_id, 0) + count
                givers[fiche_id] = givers.get(fiche_id, 0) + 1
    fiches = [a for a in ws.actions if totals.get(a.id)]
    fiches.sort(key=lambda a: -totals[a.id])  # stable: ties stay in the workspace's order
    ranked = []
    for action in fiches:
        place = sum(totals[other.id] > totals[action.id] for other in fiches)
        ranked.append(Ranked(action.id, action.title, totals[action.id], givers[action.id], place,
                             level(place, len(fiches)), action.priority))
    return ranked


def level(place: int, count: int) -> str:
    """The rule: first third of `count` ranked fiches « haute », second « moyenne », last « basse »."""
    return LEVELS[0] if 3 * place < count else LEVELS[1] if 3 * place < 2 * count else LEVELS[2]


def levels(side: dict, ws: Workspace) -> dict[str, str]:
    """fiche id -> the priority the room's ranking gives it (fiches without a dot are not in it)."""
    return {r.id: r.level for r in ranking(side, ws)}


def participants(side: dict) -> int:
    """How many participants gave at least one dot."""
    return sum(1 for allocation in room.answers(side, NAME).values() if any(allocation.values()))


def apply(store: Store, ws_id: str) -> tuple[Workspace, int]:
    """Write the room's ranking into the fiches' priorities (`levels`, on the latest revision of the workspace
    and the side file as it is now); (the workspace saved, how many fiches changed). Refused in French when no
    fiche has a dot yet. What the facilitator sets afterwards stays until they apply again."""
    side = room.read(store, ws_id)
    if not levels(side, store.load(ws_id)):
        raise KitError("Aucune fiche action n'a encore reçu de point : rien à reporter dans les priorités.")
    changed: list[str] = []

    def change(ws: Workspace) -> None:
        wanted = levels(side, ws)
        for action in ws.actions:
            if action.id in wanted and action.priority != wanted[action.id]:
                action.priority = wanted[action.id]
                changed.append(action.id)

    return store.update(ws_id, change), len(changed)
