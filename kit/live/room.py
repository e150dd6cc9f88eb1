"""The room's contributions to one workspace: activities, join codes, the moderation queue, dot-votes.

Kept in a side file of the store (``pieces/atelier/<id>.json``), never in the workspace document: a
participant's proposal is nobody's work until the facilitator accepts it, and a phone must never be able
to overwrite the facilitator's edits. The side file has its own lock (``.verrous/<id>.atelier.lock``),
taken before the workspace's when both are needed (`accept`, `merge`, `apply_votes`), never the other way
round. The workspace is written only through `Store.update`, on the latest revision.

Pure functions of the store (no server, no widget): the participant server calls `propose`, `vote` and
`answer` (a participant's whole answer to MICMAC, positions or priorities, kept per participant),
the facilitator's app (later) `pending`, `accept`, `merge`, `set_aside`, `open_activity`,
`close_activity`, `apply_votes`, `join_url`.

Votes are kept per participant in the side file (a participant's allocation replaces the previous
one, so a resend is harmless and nobody can hold more than the activity's dots) and synchronised
into `Stake.votes` by `apply_votes` as a difference with what the room had added before: the
facilitator's own +1 stay, a participant's erasure takes their dots back.
"""

from __future__ import annotations

import csv
import json
import re
import secrets
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone

from filelock import FileLock, Timeout

from kit import edits
from kit.live.names import ACTIVITIES
from kit.errors import KitError
from kit.model import Stake, Workspace, checked
from kit.reference.paths import data_path
from kit.store import Store
from kit.text import fold, shorten

KIND = "atelier"
FORMAT = "quartiers-en-transitions/atelier"
VERSION = 1

# Limits: what a room of thirty people needs, several times over; past them a phone gets a French sentence.
MAX_SIDE_BYTES = 4 * 1024 * 1024
MAX_CONTRIBUTIONS = 1000  # per workspace, every participant together (about 400 kB of side file)
MAX_PER_PARTICIPANT = 20  # proposals of one participant
MAX_ANSWERS = 300  # participants answering one activity (a room is 15-30 people; several rooms on one server)
PER_MINUTE = 6  # proposals of one participant within a minute
TITLE_MAX = 120
PSEUDONYM_MAX = 40
DEFAULT_DOTS = 3
DOT_ACTIVITIES = ("votes", "priorites")  # the activities where each participant has N dots to give
DOTS_MAX = 20
LOCK_TIMEOUT_S = 15

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed on a phone
CODE_LENGTH = 6
CODE_PATTERN = re.compile(f"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")
CLIENT_ID = re.compile(r"[a-z0-9][a-z0-9-]{7,63}")  # made on the phone: participant and contribution ids
STATUSES = ("pending", "accepted", "merged", "set_aside")
FROM_THE_ROOM = "la salle (atelier en direct)"  # a stake's « porté par » once accepted from, or merged with, a proposal


@dataclass(frozen=True)
class Contribution:
    """A proposed stake, as the room sent it, and what the facilitator decided."""

    id: str
    participant: str
    pseudonym: str
    title: str
    theme: str
    neighbourhood_id: str
    received_at: str
    status: str = "pending"
    stake_id: str = ""
    decided_at: str = ""


def now_utc() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


# -- the side file ------------------------------------------------------------------------------


def _empty(ws_id: str = "") -> dict:
    return {"format": FORMAT, "version": VERSION, "workspace": ws_id, "server": None, "activities": {},
            "contributions": [], "votes": {}, "votes_applied": {}, "answers": {}}


def read(store: Store, ws_id: str) -> dict:
    """The room's side file of a workspace (an empty one if there is none). A damaged file is refused,
    never replaced: it may hold contributions nobody has read yet."""
    data = store.read_side(ws_id, KIND, MAX_SIDE_BYTES)
    if data is None:
        return _empty(ws_id)
    try:
        room = json.loads(data)
        if not isinstance(room, dict) or room.get("format") != FORMAT:
            raise ValueError(room.get("format") if isinstance(room, dict) else type(room).__name__)
    except ValueError:
        raise KitError(f"Le fichier des contributions de la séance ({store.side_path(ws_id, KIND).name}) est "
                       "illisible : rien n'y sera écrit. Mettez-le de côté pour reprendre une séance vide.") from None
    if room.get("version") != VERSION:
        raise KitError("Le fichier des contributions de la séance vient d'une version plus récente du kit.")
    room = {**_empty(ws_id), **room}
    if room["workspace"] != ws_id:
        # A copy (`Store.duplicate` copies every side file): its activities get codes of their own when
        # opened again, and no server of the original serves it.
        room.update(workspace=ws_id, server=None,
                    activities={name: {**entry, "code": None, "open": False} for name, entry in room["activities"].items()})
    return room


def stamp(store: Store, ws_id: str) -> tuple[int, int] | None:
    """What changes whenever the room's side file does (modification time, size; None: no file yet): an app
    showing the queue live compares it, a stat every second or so, and reads the file only when it moved."""
    try:
        stat = store.side_path(ws_id, KIND).stat()
    except FileNotFoundError:
        return None
    return stat.st_mtime_ns, stat.st_size


def _lock(store: Store, ws_id: str) -> FileLock:
    store.path(ws_id)  # checks the id
    folder = store.folder / ".verrous"
    folder.mkdir(exist_ok=True)
    return FileLock(folder / f"{ws_id}.{KIND}.lock", timeout=LOCK_TIMEOUT_S)


@contextmanager
def _editing(store: Store, ws_id: str):
    """The side file under its lock: the block edits the dict it is given, which is then saved whole."""
    try:
        with _lock(store, ws_id):
            room = read(store, ws_id)
            yield room
            data = json.dumps(room, ensure_ascii=False, indent=1).encode("utf-8")
            if len(data) > MAX_SIDE_BYTES:
                raise KitError("La séance a reçu trop de contributions : rien de plus ne peut être gardé.")
            try:
                store.write_side(ws_id, KIND, data)
            except KitError as error:  # a full or read-only disk: nothing kept, the phone sends it again later
                raise Busy(error.message, details=error.details) from None
    except Timeout:
        raise Busy("Les contributions de la séance sont occupées ailleurs : réessayez dans un instant.") from None


class Busy(KitError):
    """Nothing was kept for a reason that is not the participant's (the lock held too long, the disk): the
    phone keeps the contribution and sends it again."""


def _edit(store: Store, ws_id: str, change: Callable[[dict], object]):
    with _editing(store, ws_id) as room:
        return change(room)


# -- activities and codes ---------------------------------------------------------------------------


def _activity_name(activity: str) -> str:
    if activity not in ACTIVITIES:
        raise KitError(f"Activité inconnue : « {shorten(activity, 40)} » (possibles : {', '.join(ACTIVITIES)}).")
    return activity


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def open_activity(store: Store, ws_id: str, activity: str, *, dots: int | None = None) -> str:
    """Open an activity to the room (its join code is made the first time, then kept: a printed QR code
    stays valid); returns the code. `dots`: how many each participant gives (`DOT_ACTIVITIES` only)."""
    _activity_name(activity)
    store.load(ws_id)  # an existing, readable workspace
    if dots is not None and not 1 <= dots <= DOTS_MAX:
        raise KitError(f"Le nombre de points par participant va de 1 à {DOTS_MAX}.")

    def change(room: dict) -> str:
        taken = {a.get("code") for a in room["activities"].values()}
        entry = room["activities"].setdefault(activity, {})
        if not CODE_PATTERN.fullmatch(str(entry.get("code") or "")):
            entry["code"] = next(c for c in iter(new_code, None) if c not in taken)
        entry["open"] = True
        entry["changed_at"] = now_utc().isoformat()
        if activity in DOT_ACTIVITIES:
            entry["dots"] = dots or int(entry.get("dots") or DEFAULT_DOTS)
        return entry["code"]

    return _edit(store, ws_id, change)


def close_activity(store: Store, ws_id: str, activity: str) -> None:
    """Close an activity: the phones' next sends are refused with a French sentence. Closing the votes
    adds them to the stakes (`apply_votes`)."""
    _activity_name(activity)

    def change(room: dict) -> None:
        entry = room["activities"].setdefault(activity, {})
        entry["open"] = False
        entry["changed_at"] = now_utc().isoformat()

    _edit(store, ws_id, change)
    if activity == "votes":
        apply_votes(store, ws_id)


def activity(room: dict, name: str) -> dict:
    return room["activities"].get(name) or {}


def is_open(room: dict, name: str) -> bool:
    return bool(activity(room, name).get("open"))


def set_server(store: Store, ws_id: str, base_url: str | None) -> None:
    """Where the participant server of this workspace listens (None: stopped), for the apps' QR code."""
    _edit(store, ws_id, lambda room: room.__setitem__("server", {"url": base_url} if base_url else None))


def join_url(store: Store, ws_id: str, activity_name: str) -> str | None:
    """The address a phone opens to join an activity (None: no server, or the activity never opened)."""
    room = read(store, ws_id)
    code = activity(room, _activity_name(activity_name)).get("code")
    server = room.get("server") or {}
    return f"{server['url'].rstrip('/')}/{code}" if code and server.get("url") else None


def closed_sentence(activity_name: str) -> str:
    return (f"L'activité « {ACTIVITIES[activity_name]} » est fermée pour le moment : attendez que l'animateur "
            "l'ouvre.")


# -- what the phones send ---------------------------------------------------------------------------


def theme_names() -> list[str]:
    """The transition themes a stake can take (data/themes_transition.csv, its `libelle` column), read with
    the csv module: the participant server stays without pandas."""
    with open(data_path("themes_transition.csv"), encoding="utf-8", newline="") as handle:
        return [row["libelle"].strip() for row in csv.DictReader(handle) if row.get("libelle", "").strip()]


def _text(value: object, limit: int, what: str, *, required: bool = True) -> str:
    if not isinstance(value, str):
        raise KitError(f"{what} manque.")
    text = re.sub(r"[\x00-\x1f\x7f]", " ", value).strip()
    text = re.sub(r"\s{2,}", " ", text)
    if required and not text:
        raise KitError(f"{what} est vide.")
    if len(text) > limit:
        raise KitError(f"{what} est trop long : {limit} caractères au plus.")
    return text


def _client_id(value: object, what: str) -> str:
    if not isinstance(value, str) or not CLIENT_ID.fullmatch(value):
        raise KitError(f"{what} est invalide : rechargez la page.")
    return value


def _pseudonym(value: object) -> str:
    return _text(value, PSEUDONYM_MAX, "Le pseudonyme")


def propose(store: Store, ws: Workspace, *, participant: object, pseudonym: object, contribution_id: object,
            title: object, theme: object = "", neighbourhood_id: object = "", themes: list[str] | None = None,
            now: datetime | None = None) -> tuple[Contribution, bool]:
    """Queue a proposed stake for moderation; (the contribution, whether it had already arrived).

    The id is made on the phone: the same id sent twice (a double tap, a resend after a lost answer) is
    kept once. Refused with a French sentence: a closed activity, a participant past their limits, a text
    too long, a theme or neighbourhood not of this workspace."""
    participant = _client_id(participant, "L'identifiant du participant")
    contribution_id = _client_id(contribution_id, "L'identifiant de la contribution")
    pseudonym = _pseudonym(pseudonym)
    title = _text(title, TITLE_MAX, "Le titre de l'enjeu")
    theme = _text(theme, 200, "Le thème", required=False)
    if theme and theme not in (themes if themes is not None else theme_names()):
        raise KitError("Ce thème n'est pas dans la liste : choisissez-en un autre.")
    neighbourhood_id = neighbourhood_id if isinstance(neighbourhood_id, str) else ""
    if neighbourhood_id and neighbourhood_id not in {n.id for n in ws.neighbourhoods}:
        raise KitError("Ce quartier n'est pas celui de l'atelier : rechargez la page.")
    moment = now or now_utc()

    def change(room: dict) -> tuple[Contribution, bool]:
        kept = admitted(room, room["contributions"], "propositions", item_id=contribution_id,
                        participant=participant, moment=moment, item="contribution", items="enjeux",
                        total="propositions")
        if kept is not None:
            return Contribution(**kept), True
        contribution = Contribution(id=contribution_id, participant=participant, pseudonym=pseudonym, title=title,
                                    theme=theme, neighbourhood_id=neighbourhood_id, received_at=moment.isoformat())
        room["contributions"].append(asdict(contribution))
        return contribution, False

    return _edit(store, ws.id, change)


class RateLimited(KitError):
    """A participant sends faster than the limit: the phone keeps the contribution and retries later."""


def admitted(room: dict, queue: list[dict], activity_name: str, *, item_id: str, participant: str,
             moment: datetime, item: str, items: str, total: str) -> dict | None:
    """What every queued contribution (a proposed stake, a proposed relation) passes under the side file's lock,
    before it joins `queue`: the one already received with this id is returned (a double tap, a resend: kept
    once; from another phone, refused), then a closed activity, a participant past `MAX_PER_PARTICIPANT` or
    `PER_MINUTE` (`RateLimited`: the phone sends it again later) and a room past `MAX_CONTRIBUTIONS` are refused.
    `item`, `items`, `total`: the French words of the refusals (« contribution », « enjeux », « propositions »)."""
    for kept in queue:
        if kept["id"] == item_id:
            if kept["participant"] != participant:
                raise KitError(f"Cette {item} a déjà été reçue d'un autre téléphone : rechargez la page.")
            return kept
    if not is_open(room, activity_name):
        raise KitError(closed_sentence(activity_name))
    mine = [c for c in queue if c["participant"] == participant]
    if len(mine) >= MAX_PER_PARTICIPANT:
        raise KitError(f"Vous avez déjà proposé {MAX_PER_PARTICIPANT} {items} : c'est le maximum par personne.")
    recent = [c for c in mine if datetime.fromisoformat(c["received_at"]) > moment - timedelta(minutes=1)]
    if len(recent) >= PER_MINUTE:
        raise RateLimited(f"Vous avez proposé {PER_MINUTE} {items} en une minute : attendez un peu, votre "
                          "proposition partira toute seule.")
    if len(queue) >= MAX_CONTRIBUTIONS:
        raise KitError(f"La séance a reçu le nombre maximal de {total} : parlez-en à l'animateur.")
    return None


def _sequence(sequence: object) -> None:
    """The number a phone's answers grow by (its clock): whole, from zero, within what JSON keeps exactly."""
    if not isinstance(sequence, int) or isinstance(sequence, bool) or not 0 <= sequence < 2**53:
        raise KitError("L'envoi est invalide : rechargez la page.")


def within_dots(room: dict, activity_name: str, dots: dict[str, int]) -> None:
    """No participant gives more dots in all than the activity's (`DOT_ACTIVITIES`)."""
    limit = int(activity(room, activity_name).get("dots") or DEFAULT_DOTS)
    if sum(dots.values()) > limit:
        raise KitError(f"Vous avez {limit} points en tout : retirez-en avant d'envoyer.")


def allocation_of(sent: object, known: set[str], invalid: str, removed: str) -> dict[str, int]:
    """A participant's dots as the phone sent them (id -> whole number from zero up), checked against the ids
    still `known`, without the zeros; `invalid` and `removed` begin the French refusals."""
    if not isinstance(sent, dict) or len(sent) > 200:
        raise KitError(f"{invalid} : rechargez la page.")
    dots: dict[str, int] = {}
    for item_id, count in sent.items():
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise KitError(f"{invalid} : rechargez la page.")
        if item_id not in known:
            raise KitError(f"{removed} : rechargez la page pour revoter.")
        if count:
            dots[item_id] = count
    return dots


def vote(store: Store, ws: Workspace, *, participant: object, pseudonym: object, sequence: object,
         allocation: object) -> dict[str, int]:
    """A participant's whole allocation of dots (stake id -> dots), replacing the one before: a resend is
    harmless, an older send arriving late (`sequence`, a number that grows on the phone) is ignored, and the
    total can never exceed the activity's dots. Returns the allocation kept."""
    participant = _client_id(participant, "L'identifiant du participant")
    pseudonym = _pseudonym(pseudonym)
    _sequence(sequence)
    dots = allocation_of(allocation, {s.id for s in ws.stakes}, "Les votes envoyés sont invalides",
                         "Un des enjeux a été retiré entre-temps")

    def change(room: dict) -> dict[str, int]:
        if not is_open(room, "votes"):
            raise KitError(closed_sentence("votes"))
        within_dots(room, "votes", dots)
        kept = room["votes"].get(participant)
        if kept and kept["sequence"] >= sequence:
            return dict(kept["stakes"])  # an older or repeated send: what is kept stays
        room["votes"][participant] = {"pseudonym": pseudonym, "sequence": sequence, "stakes": dots,
                                      "received_at": now_utc().isoformat()}
        return dots

    return _edit(store, ws.id, change)


def answer(store: Store, ws_id: str, activity_name: str, *, participant: object, pseudonym: object,
           sequence: object, value: dict, check: Callable[[dict, str, dict], dict] | None = None) -> dict:
    """A participant's whole answer to an activity (MICMAC scores, an actor's positions, priorities...),
    replacing theirs before, as `vote` does: a resend is harmless and an older send arriving late (a
    smaller `sequence`) is ignored. `check(room, participant, value)`, run under the lock on the room as it
    is, may refuse (a `KitError`) or return the value to keep. Returns the value kept."""
    _activity_name(activity_name)
    participant = _client_id(participant, "L'identifiant du participant")
    pseudonym = _pseudonym(pseudonym)
    _sequence(sequence)

    def change(room: dict) -> dict:
        if not is_open(room, activity_name):
            raise KitError(closed_sentence(activity_name))
        kept_all = room["answers"].setdefault(activity_name, {})
        kept = kept_all.get(participant)
        if kept and kept["sequence"] >= sequence:
            return dict(kept["value"])  # an older or repeated send: what is kept stays
        if kept is None and len(kept_all) >= MAX_ANSWERS:
            raise KitError("Cette activité a reçu le nombre maximal de participants : parlez-en à l'animateur.")
        kept_value = check(room, participant, value) if check is not None else value
        kept_all[participant] = {"pseudonym": pseudonym, "sequence": sequence, "value": kept_value,
                                 "received_at": now_utc().isoformat()}
        return dict(kept_value)

    return _edit(store, ws_id, change)


def answers(room: dict, activity_name: str) -> dict[str, dict]:
    """Every participant's answer to an activity (participant id -> the value kept)."""
    return {p: entry["value"] for p, entry in (room["answers"].get(activity_name) or {}).items()}


def my_answer(room: dict, activity_name: str, participant: str) -> dict:
    return dict(((room["answers"].get(activity_name) or {}).get(participant) or {}).get("value") or {})


def my_votes(room: dict, participant: str) -> dict[str, int]:
    return dict((room["votes"].get(participant) or {}).get("stakes") or {})


def vote_totals(room: dict) -> dict[str, int]:
    """The room's dots per stake, every participant together."""
    totals: dict[str, int] = {}
    for entry in room["votes"].values():
        for stake_id, count in entry["stakes"].items():
            totals[stake_id] = totals.get(stake_id, 0) + count
    return totals


def apply_votes(store: Store, ws_id: str) -> Workspace | None:
    """Bring `Stake.votes` in step with the room's dots: each stake gets the difference between the room's
    total now and what the room had added before (the facilitator's own votes are left as they are). None
    when nothing changed."""
    with _editing(store, ws_id) as room:
        totals = vote_totals(room)
        applied = room["votes_applied"]
        deltas = {s: totals.get(s, 0) - applied.get(s, 0) for s in set(totals) | set(applied)}
        deltas = {s: d for s, d in deltas.items() if d}
        if not deltas:
            return None

        def change(ws: Workspace) -> None:
            for stake in ws.stakes:
                if stake.id in deltas:
                    stake.votes = max(0, stake.votes + deltas[stake.id])

        workspace = store.update(ws_id, change)
        kept = {s.id for s in workspace.stakes}
        room["votes_applied"] = {s: n for s, n in totals.items() if n and s in kept}
        return workspace


# -- moderation --------------------------------------------------------------------------------------


def contributions(store: Store, ws_id: str) -> list[Contribution]:
    return [Contribution(**c) for c in read(store, ws_id)["contributions"]]


def pending(store: Store, ws_id: str) -> list[Contribution]:
    """The proposals waiting for the facilitator, oldest first."""
    return [c for c in contributions(store, ws_id) if c.status == "pending"]


def from_the_room(store: Store, ws_id: str) -> dict[str, Contribution]:
    """The stakes that came from the room (stake id -> the contribution accepted as it, or merged into it)."""
    return {c.stake_id: c for c in contributions(store, ws_id) if c.status in ("accepted", "merged") and c.stake_id}


def stake_id_for(contribution_id: str) -> str:
    """The stake an accepted contribution becomes, always the same: accepting twice (a crash between the
    workspace's save and the side file's) never makes two stakes."""
    return "enj-" + re.sub(r"[^a-z0-9]", "", contribution_id)[-20:]


def _decide(store: Store, ws_id: str, contribution_id: str, status: str,
            change: Callable[[Workspace, Contribution], str] | None) -> Workspace | None:
    with _editing(store, ws_id) as room:
        entry = next((c for c in room["contributions"] if c["id"] == contribution_id), None)
        if entry is None:
            raise KitError("Cette contribution n'existe plus : elle a peut-être été effacée.")
        if entry["status"] != "pending":
            raise KitError("Cette contribution a déjà été traitée.")
        workspace, stake_id = None, ""
        if change is not None:
            contribution = Contribution(**entry)
            box: list[str] = []
            workspace = store.update(ws_id, lambda ws: box.append(change(ws, contribution)))
            stake_id = box[0]
        entry.update(status=status, stake_id=stake_id, decided_at=now_utc().isoformat())
        return workspace


def accept(store: Store, ws_id: str, contribution_id: str, *, title: str | None = None,
           theme: str | None = None) -> Workspace:
    """The proposal becomes a stake of the workspace (`title`, `theme`: the facilitator's corrections), raised
    by « la salle (atelier en direct) » (`FROM_THE_ROOM`, shown wherever the stake's « porté par » is); who
    proposed it stays in the side file only (`from_the_room`)."""

    def change(ws: Workspace, c: Contribution) -> str:
        stake_id = stake_id_for(c.id)
        if any(s.id == stake_id for s in ws.stakes):
            return stake_id  # already accepted (the side file was not saved): nothing to add
        places = [c.neighbourhood_id] if c.neighbourhood_id in {n.id for n in ws.neighbourhoods} else []
        new = checked(lambda: Stake(id=stake_id, title=title if title is not None else c.title,
                                    theme=theme if theme is not None else c.theme, neighbourhood_ids=places,
                                    raised_by=FROM_THE_ROOM))
        edits.add_stake(ws, new)
        return stake_id

    return _decide(store, ws_id, contribution_id, "accepted", change)


def merge(store: Store, ws_id: str, contribution_id: str, stake_id: str) -> Workspace:
    """Merge a proposal into an existing stake: its words join the stake's statement (unless already
    there), its neighbourhood the stake's, its theme fills an empty one."""

    def change(ws: Workspace, c: Contribution) -> str:
        stake = edits.stake(ws, stake_id)
        if fold(c.title) != fold(stake.title) and fold(c.title) not in fold(stake.statement):
            stake.statement = "\n".join(p for p in (stake.statement, c.title) if p)
        if c.neighbourhood_id in {n.id for n in ws.neighbourhoods} and c.neighbourhood_id not in stake.neighbourhood_ids:
            stake.neighbourhood_ids = [*stake.neighbourhood_ids, c.neighbourhood_id]
        stake.theme = stake.theme or c.theme
        if FROM_THE_ROOM not in stake.raised_by:
            stake.raised_by = ", ".join(p for p in (stake.raised_by, FROM_THE_ROOM) if p)[:200]
        return stake_id

    return _decide(store, ws_id, contribution_id, "merged", change)


def set_aside(store: Store, ws_id: str, contribution_id: str) -> None:
    """Keep a proposal out of the workspace (it stays in the side file, listed as set aside)."""
    _decide(store, ws_id, contribution_id, "set_aside", None)


# -- a participant's data ------------------------------------------------------------------------------


def _matches(who: str, participant: str, pseudonym: str) -> bool:
    return who == participant or fold(who) == fold(pseudonym)


def export_participant(store: Store, ws_id: str, who: str) -> dict:
    """Everything the room's side file holds of a participant (their id or their pseudonym, compared folded)."""
    room = read(store, ws_id)
    return {
        "espace": ws_id,
        "participant": who,
        "propositions": [c for c in room["contributions"] if _matches(who, c["participant"], c["pseudonym"])],
        "votes": [{"participant": p, **v} for p, v in room["votes"].items() if _matches(who, p, v["pseudonym"])],
        "reponses": {name: [{"participant": p, **v} for p, v in entries.items() if _matches(who, p, v["pseudonym"])]
                     for name, entries in room["answers"].items()},
        # « Avec qui travaillez-vous ? » (kit/live/activities/relations.py), once the room used it
        **({"relations": [r for r in room["relations"] if _matches(who, r["participant"], r["pseudonym"])]}
           if "relations" in room else {}),
    }


def erase_participant(store: Store, ws_id: str, who: str) -> tuple[int, int]:
    """Erase a participant's proposals, votes and answers from the side file, and take their dots back from
    the stakes; (proposals erased, vote allocations and answers erased). What the facilitator applied to the
    workspace from them stays (a stake accepted, a matrix cell): it is the group's now, and carries no
    pseudonym."""

    def change(room: dict) -> tuple[int, int]:
        before = len(room["contributions"]), len(room["votes"]) + sum(map(len, room["answers"].values()))
        room["contributions"] = [c for c in room["contributions"] if not _matches(who, c["participant"], c["pseudonym"])]
        if "relations" in room:  # proposed relations count as proposals
            kept = [r for r in room["relations"] if not _matches(who, r["participant"], r["pseudonym"])]
            before = before[0] + len(room["relations"]) - len(kept), before[1]
            room["relations"] = kept
        room["votes"] = {p: v for p, v in room["votes"].items() if not _matches(who, p, v["pseudonym"])}
        room["answers"] = {name: {p: v for p, v in entries.items() if not _matches(who, p, v["pseudonym"])}
                           for name, entries in room["answers"].items()}
        after = len(room["votes"]) + sum(map(len, room["answers"].values()))
        return before[0] - len(room["contributions"]), before[1] - after

    counts = _edit(store, ws_id, change)
    if counts[1] and read(store, ws_id)["votes_applied"]:  # their dots were added to the stakes: taken back
        apply_votes(store, ws_id)
    return counts
