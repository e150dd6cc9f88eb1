"""« Noter les influences (MICMAC) »: each participant scores, from their phone, a share of the cells of the
session-1 direct-influence matrix (« influence of stake A on stake B »: 0, 1, 2, 3 or P), so that the room
together gives every cell at least `k` scores; the facilitator's app (`kit.apps.live_micmac`) shows the
coverage, each cell's value and dispersion, and applies the values to `ws.influences`.

The share. A cell is an ordered pair (source, target) of `ws.stakes`, source != target. The first time a
participant's phone asks for its state (`/etat`), it is given `share` cells (default 20), the least covered
first: fewest scores received, then fewest participants given the cell, then a fixed order of the cells (a
hash of the pair: each participant gets cells from all over the matrix, so that no row is scored by the
same three people only, and a stake added later does not move the others). The share is kept in the side
file (``assignments.micmac.<participant>``) under the room's lock: a reload shows the same cells. A room of
p participants covers every cell k times as soon as p * share >= k * cells (the fewest possible). A
participant who scored their whole share may ask for more (« Noter d'autres paires », `MAX_ASSIGNED` in all).

The scores. A participant's whole answer (`room.answer`: sequence numbers, a resend harmless) is
{"scores": {"<source>|<target>": 0..3 or "P"}}; a cell outside their share, or a value outside 0, 1, 2, 3, P,
is refused with a French sentence; a cell of a stake removed meanwhile is dropped without a word.

The value of a cell (`cell_value`), from its scores, P counted as a value of its own:
    - P when more than half the scores are P (an exact half is not a majority);
    - otherwise, from the numeric scores only (the P set aside), by the facilitator's choice:
      « median » (default): the median; with two middle values, the lower one (always a score somebody
      gave, never above what half the room said); « mean »: the mean rounded to the nearest integer (a half
      upwards); « mode »: the most frequent value, P included (a tie: the lowest of the tied numbers;
      P only when alone the most frequent).
The dispersion: the range of the numeric scores (max - min), and how many said P; a cell « disagrees »
when its numeric scores are 2 or more apart, or when P is mixed with numbers.

Applying (`apply_scores`): the value of each cell with at least k scores goes into `ws.influences`
(`kit.edits.rate_influence`: a 0 is kept, « no influence »), except over a cell the facilitator rated
otherwise (absent from the room's last application, or changed since): those are listed, and replaced only
when asked (`replace=True`). What the room wrote is remembered (``activities.micmac.applied``), so that
applying again after more scores came in updates the room's own cells without asking.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass

from kit import edits
from kit.errors import KitError
from kit.live import pages, room
from kit.store import Store

NAME = "micmac"
LABEL = room.ACTIVITIES[NAME]

VALUES = (0, 1, 2, 3, "P")
DEFAULT_K = 3
DEFAULT_SHARE = 20
K_MAX = 10
SHARE_MAX = 50
MAX_ASSIGNED = 50  # cells of one participant in all (their whole answer fits the server's 8 kB body)
METHODS = {"median": "médiane", "mean": "moyenne arrondie", "mode": "valeur la plus fréquente"}
DEFAULT_METHOD = "median"
SEPARATOR = "|"  # never in a stake id (kit.model.ID_PATTERN)

# -- the matrix's cells and the shares ---------------------------------------------------------------------


def key(source: str, target: str) -> str:
    return f"{source}{SEPARATOR}{target}"


def pair(cell_key: str) -> tuple[str, str]:
    source, _, target = cell_key.partition(SEPARATOR)
    return source, target


def cells(stake_ids) -> list[str]:
    """Every cell of the matrix (off the diagonal), row by row in the stakes' order."""
    ids = list(dict.fromkeys(stake_ids))
    return [key(s, t) for s in ids for t in ids if s != t]


def _order(cell_key: str) -> str:
    return hashlib.sha256(cell_key.encode("utf-8")).hexdigest()


def coverage_counts(assignments: dict[str, list[str]], answers: dict[str, dict], live: list[str]) -> dict:
    """Per cell of the matrix: (scores received, participants given it)."""
    scored = Counter(k for value in answers.values() for k in (value.get("scores") or {}))
    given = Counter(k for share in assignments.values() for k in share)
    return {k: (scored[k], given[k]) for k in live}


def choose(live: list[str], counts: dict, size: int, exclude=()) -> list[str]:
    """`size` cells of `live`, not in `exclude`, the least covered first (see the module's docstring)."""
    skip = set(exclude)
    left = [k for k in live if k not in skip]
    return sorted(left, key=lambda k: (counts[k][0], counts[k][1], _order(k)))[:max(0, size)]


def settings(side: dict) -> dict:
    """The activity's settings as the side file holds them: k, share, method (defaults when not set)."""
    entry = room.activity(side, NAME)
    return {"k": int(entry.get("k") or DEFAULT_K), "share": int(entry.get("share") or DEFAULT_SHARE),
            "method": entry.get("method") if entry.get("method") in METHODS else DEFAULT_METHOD}


def assigned(side: dict, participant: str) -> list[str]:
    """The cells given to a participant, in the order given (an empty list: none yet)."""
    return list(((side.get("assignments") or {}).get(NAME) or {}).get(participant) or [])


def _give(side: dict, participant: str, live: list[str], size: int) -> list[str]:
    """Give `size` more cells to a participant in the side file being edited (under its lock)."""
    kept = side.setdefault("assignments", {}).setdefault(NAME, {})
    if participant not in kept and len(kept) >= room.MAX_ANSWERS:
        raise KitError("Cette activité a reçu le nombre maximal de participants : parlez-en à l'animateur.")
    mine = kept.get(participant) or []
    size = min(size, MAX_ASSIGNED - len(mine))
    counts = coverage_counts(kept, room.answers(side, NAME), live)
    kept[participant] = mine + choose(live, counts, size, exclude=mine)
    return kept[participant]


def share_of(store: Store, ws_id: str, participant: str, live: list[str]) -> list[str]:
    """A participant's share, given the first time they ask (then kept: a reload shows the same cells); given
    anew when none of its cells is left in the matrix (their stakes removed)."""
    alive = set(live)

    def change(side: dict) -> list[str]:
        mine = assigned(side, participant)
        if any(k in alive for k in mine):
            return mine
        return _give(side, participant, live, settings(side)["share"])

    return room._edit(store, ws_id, change)


def can_have_more(side: dict, participant: str, live: list[str]) -> bool:
    mine = assigned(side, participant)
    return len(mine) < MAX_ASSIGNED and bool(set(live) - set(mine))


def configure(store: Store, ws_id: str, *, k: int | None = None, share: int | None = None,
              method: str | None = None) -> dict:
    """Set the activity's settings (before or while it is open): `k` the scores wanted per cell, `share` the
    cells given to each new participant, `method` how a cell's value is made. Returns the settings."""
    store.load(ws_id)
    for value, top, what in ((k, K_MAX, "Le nombre de notes par case"), (share, SHARE_MAX, "Le nombre de paires "
                                                                                             "par participant")):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= top):
            raise KitError(f"{what} va de 1 à {top}.")
    if method is not None and method not in METHODS:
        raise KitError(f"Agrégation inconnue : {method} (possibles : {', '.join(METHODS.values())}).")

    def change(side: dict) -> dict:
        entry = side["activities"].setdefault(NAME, {})
        entry.update({name: value for name, value in (("k", k), ("share", share), ("method", method))
                      if value is not None})
        return settings(side)

    return room._edit(store, ws_id, change)


# -- what a participant sends -------------------------------------------------------------------------------


def score(value: object) -> int | str:
    """One score as the phone sent it: 0, 1, 2, 3 or P; anything else refused in French."""
    if isinstance(value, str) and value.strip().upper() == "P":
        return "P"
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 3:
        return value
    shown = str(value)[:20] if isinstance(value, (str, int, float)) else "?"
    raise KitError(f"« {shown} » n'est pas une note possible : 0, 1, 2, 3 ou P.")


def checked_scores(sent: object) -> dict[str, int | str]:
    if not isinstance(sent, dict) or len(sent) > MAX_ASSIGNED or not all(isinstance(k, str) for k in sent):
        raise KitError("Les notes envoyées sont invalides : rechargez la page.")
    return {k: score(v) for k, v in sent.items()}


def checker(live: list[str], *, more: bool = False, given: list | None = None):
    """The `check` of `room.answer`: refuses a cell outside the participant's share, drops the cells of
    stakes removed meanwhile; `more`: once the whole share is scored, give more cells. `given` receives the
    participant's share after the check."""
    alive = set(live)

    def check(side: dict, participant: str, value: dict) -> dict:
        mine = assigned(side, participant)
        outside = set(value["scores"]) - set(mine)
        if outside:
            raise KitError("Une des paires envoyées ne vous a pas été confiée : rechargez la page.")
        kept = {k: v for k, v in value["scores"].items() if k in alive}
        if more and all(k in kept for k in mine if k in alive) and can_have_more(side, participant, live):
            mine = _give(side, participant, live, settings(side)["share"])
        if given is not None:
            given[:] = mine
        return {"scores": kept}

    return check


# -- the value and dispersion of each cell ------------------------------------------------------------------


def _numbers(scores) -> list[int]:
    return sorted(v for v in scores if v != "P")


def cell_value(scores, method: str = DEFAULT_METHOD) -> int | str | None:
    """A cell's value from its scores (see the module's docstring); None without any score."""
    scores = list(scores)
    if not scores:
        return None
    if method not in METHODS:
        raise KitError(f"Agrégation inconnue : {method}.")
    numbers = _numbers(scores)
    if method == "mode":
        counts = Counter(scores)
        top = max(counts.values())
        tied = [v for v, n in counts.items() if n == top]
        return min(v for v in tied if v != "P") if tied != ["P"] else "P"
    if 2 * (len(scores) - len(numbers)) > len(scores):
        return "P"
    if method == "median":
        return numbers[(len(numbers) - 1) // 2]
    return int(sum(numbers) / len(numbers) + 0.5)


@dataclass(frozen=True)
class Cell:
    """One cell of the matrix as the room scored it."""

    source: str
    target: str
    scores: tuple  # numbers ascending, then the P
    value: int | str | None

    @property
    def count(self) -> int:
        return len(self.scores)

    @property
    def potential(self) -> int:
        return sum(1 for v in self.scores if v == "P")

    @property
    def spread(self) -> int | None:
        """max - min of the numeric scores (None without any)."""
        numbers = _numbers(self.scores)
        return numbers[-1] - numbers[0] if numbers else None

    @property
    def disagrees(self) -> bool:
        return (self.spread or 0) >= 2 or 0 < self.potential < self.count

    @property
    def disagreement(self) -> tuple:
        """How much the scores disagree, to sort by (the most first when reversed)."""
        return (self.spread or 0, 0 < self.potential < self.count, self.count)


def aggregate(answers: dict[str, dict], live: list[str], method: str = DEFAULT_METHOD) -> dict[str, Cell]:
    """Every cell of the matrix (`live`), scored or not, from the participants' answers."""
    scores: dict[str, list] = {k: [] for k in live}
    for value in answers.values():
        for k, v in (value.get("scores") or {}).items():
            if k in scores and v in VALUES:
                scores[k].append(v)
    found = {}
    for k, given in scores.items():
        ordered = tuple(_numbers(given)) + tuple(v for v in given if v == "P")
        found[k] = Cell(*pair(k), scores=ordered, value=cell_value(given, method))
    return found


def coverage(found: dict[str, Cell], k: int) -> tuple[int, int]:
    """(cells with at least k scores, cells of the matrix)."""
    return sum(1 for c in found.values() if c.count >= k), len(found)


def coverage_sentence(found: dict[str, Cell], k: int) -> str:
    covered, total = coverage(found, k)
    return f"{covered} / {total} cases avec au moins {k} note{'s' if k > 1 else ''}"


# -- applying the room's values to the matrix ---------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """What applying would do: cells to write (key -> value), cells the facilitator rated otherwise (key ->
    (in the matrix, from the room)), cells already at the room's value, cells with fewer than k scores."""

    write: dict
    conflicts: dict
    same: int
    too_few: int


def plan(found: dict[str, Cell], influences, applied: dict, k: int, *, replace: bool = False) -> Plan:
    """Pure: what `apply_scores` would write over the matrix's cells `influences` (ws.influences)."""
    current = {key(c.source, c.target): c.value for c in influences}
    write, conflicts, same, too_few = {}, {}, 0, 0
    for cell_key, cell in found.items():
        if cell.count < k or cell.value is None:
            too_few += 1
            continue
        there = current.get(cell_key)
        if there == cell.value:
            same += 1
        elif there is None or applied.get(cell_key) == there or replace:
            write[cell_key] = cell.value
        else:
            conflicts[cell_key] = (there, cell.value)
    return Plan(write, conflicts, same, too_few)


def live_cells(ws) -> list[str]:
    return cells(s.id for s in ws.stakes)


def apply_scores(store: Store, ws_id: str, *, replace: bool = False) -> Plan:
    """Write the room's values into `ws.influences` (cells with at least k scores, never over a cell the
    facilitator rated otherwise unless `replace`), on the latest revision; returns what was done (`Plan`).
    Nothing to write: the workspace is not saved."""

    def change_side(side: dict) -> Plan:
        entry = side["activities"].setdefault(NAME, {})
        applied = dict(entry.get("applied") or {})
        wanted = settings(side)

        def planned(ws) -> Plan:
            return plan(aggregate(room.answers(side, NAME), live_cells(ws), wanted["method"]), ws.influences,
                        applied, wanted["k"], replace=replace)

        done = planned(store.load(ws_id))
        if done.write:
            box: list[Plan] = []

            def change(ws) -> None:
                box[:] = [planned(ws)]  # the latest revision: the facilitator may have rated a cell meanwhile
                for cell_key, value in box[0].write.items():
                    edits.rate_influence(ws, *pair(cell_key), value)

            ws = store.update(ws_id, change)
            done = box[0]
            kept = {key(c.source, c.target): c.value for c in ws.influences}
            entry["applied"] = {k: v for k, v in {**applied, **done.write}.items() if kept.get(k) == v}
        return done

    return room._edit(store, ws_id, change_side)


# -- the participant's page -----------------------------------------------------------------------------------

SCRIPT = r"""
  K.received = 'Notes reçues';
  (function () {  // a scope of its own: the shared part's names (mine, timer...) stay its own
  var VALUES = [0, 1, 2, 3, 'P'], NAMES = {'0': 'aucune', '1': 'faible', '2': 'moyenne', '3': 'forte', 'P': 'potentielle'};
  var share = [], mine = {}, dirty = false, timer = null, canMore = false, rows = {};
  var queued = K.queuedState();
  if (queued && queued.scores) { mine = queued.scores; }
  function has(k) { return Object.prototype.hasOwnProperty.call(mine, k); }
  function count() { var n = 0; share.forEach(function (p) { if (has(p.key)) { n++; } }); return n; }
  function paint(button, on) {
    button.setAttribute('aria-pressed', on ? 'true' : 'false');
    button.style.background = on ? '#1f5f8b' : '#fff'; button.style.color = on ? '#fff' : '#1f5f8b';
  }
  function status() {
    var n = count();
    K.$('left').textContent = share.length ? 'Paires notées : ' + n + ' sur ' + share.length : K.D.waiting;
    K.$('more').hidden = !(share.length && n === share.length && canMore && !dirty);
    share.forEach(function (p) {
      (rows[p.key] || []).forEach(function (b) { paint(b, has(p.key) && String(mine[p.key]) === String(b.value)); });
    });
  }
  function draw() {
    var ul = K.$('pairs'); ul.textContent = ''; rows = {};
    share.forEach(function (p) {
      var li = document.createElement('li'), q = document.createElement('p'), line = document.createElement('div');
      var a = document.createElement('b'), b = document.createElement('b');
      a.textContent = p.source; b.textContent = p.target;
      q.style.margin = '0 0 .4em';
      q.appendChild(document.createTextNode('Influence de ')); q.appendChild(a);
      q.appendChild(document.createTextNode(' sur ')); q.appendChild(b);
      line.style.display = 'flex'; line.style.gap = '6px';
      rows[p.key] = VALUES.map(function (v) {
        var button = document.createElement('button');
        button.type = 'button'; button.value = String(v); button.textContent = String(v);
        button.setAttribute('aria-label', v + ' : ' + NAMES[String(v)] + ', influence de ' + p.source + ' sur ' + p.target);
        button.style.margin = '0'; button.style.flex = '1'; button.style.minHeight = '48px';
        button.style.fontSize = '1.2em'; button.style.fontWeight = 'bold'; button.style.border = '2px solid #1f5f8b';
        button.onclick = function () { mine[p.key] = v; dirty = true; status(); clearTimeout(timer); timer = setTimeout(send, 400); };
        line.appendChild(button);
        return button;
      });
      li.appendChild(q); li.appendChild(line); ul.appendChild(li);
    });
    status();
  }
  function send(more) {
    clearTimeout(timer); timer = null;
    if (!K.needPseudo()) { return; }
    var scores = {};
    share.forEach(function (p) { if (has(p.key)) { scores[p.key] = mine[p.key]; } });
    dirty = false;
    K.sendState({scores: scores, more: more === true});
    status();
  }
  function differs(kept) {
    return share.some(function (p) { return has(p.key) && String(kept[p.key]) !== String(mine[p.key]); });
  }
  function take(r) {
    if (r.share) { var changed = JSON.stringify(r.share) !== JSON.stringify(share); share = r.share; if (changed) { draw(); } }
    canMore = !!r.more;
  }
  K.$('pseudo').addEventListener('change', function () { if (dirty) { send(); } });
  K.$('more').addEventListener('click', function () { send(true); });
  K.onSent = function (r) {
    take(r);
    // A tap while the previous send was on its way: what the server kept lacks it, sent again.
    if (r.scores && differs(r.scores) && !K.queuedState()) { dirty = true; send(); }
    status();
  };
  K.onState = function (r, queuedNow) {
    take(r);
    if (!queuedNow && !dirty && r.scores) { mine = r.scores; }
    status();
  };
  draw();
  })();
"""


def page(ctx) -> tuple[str, str, dict]:
    body = ('<p>Pour chaque paire d\'enjeux : le premier agit-il sur le second ? <b>0</b> aucune influence, '
            '<b>1</b> faible, <b>2</b> moyenne, <b>3</b> forte, <b>P</b> potentielle (pas aujourd\'hui, mais '
            'possible demain). Chaque note part dès que vous touchez un bouton.</p>' +
            pages.pseudonym_field() + '<p id="left" class="left"></p><ul id="pairs"></ul>' + pages.MESSAGE_LINE +
            '<button id="more" type="button" hidden>Noter d\'autres paires</button>')
    return "Noter les influences", body, {"waiting": "Vos paires arrivent…" if ctx.open else
                                          "Vos paires arriveront quand l'activité sera ouverte."}


def _shown(ws, share: list[str]) -> list[dict]:
    titles = {s.id: s.title for s in ws.stakes}
    return [{"key": k, "source": titles[s], "target": titles[t]}
            for k in share for s, t in [pair(k)] if s in titles and t in titles and s != t]


def _sorted(ws, share: list[str]) -> list[str]:
    """A share in the matrix's order (row by row): the same source's cells one after the other."""
    order = {k: i for i, k in enumerate(live_cells(ws))}
    return sorted((k for k in share if k in order), key=order.__getitem__)


def state(ctx, participant: str) -> dict:
    live = live_cells(ctx.ws)
    if not room.CLIENT_ID.fullmatch(participant or ""):
        return {"share": [], "scores": {}, "more": False}
    mine = assigned(ctx.side, participant)
    side = ctx.side
    if ctx.open and live and not set(mine) & set(live):
        mine = share_of(ctx.store, ctx.ws.id, participant, live)
        side = room.read(ctx.store, ctx.ws.id)
    return {"share": _shown(ctx.ws, _sorted(ctx.ws, mine)),
            "scores": (room.my_answer(side, NAME, participant).get("scores") or {}),
            "more": ctx.open and can_have_more(side, participant, live)}


def send(ctx, body: dict) -> dict:
    live = live_cells(ctx.ws)
    given: list[str] = []
    kept = room.answer(ctx.store, ctx.ws.id, NAME, participant=body.get("participant"),
                       pseudonym=body.get("pseudonym"), sequence=body.get("sequence"),
                       value={"scores": checked_scores(body.get("scores"))},
                       check=checker(live, more=body.get("more") is True, given=given))
    side = room.read(ctx.store, ctx.ws.id)
    mine = given or assigned(side, str(body.get("participant")))
    scores = kept.get("scores") or {}
    shown = _shown(ctx.ws, _sorted(ctx.ws, mine))
    done = sum(1 for item in shown if item["key"] in scores)
    return {"scores": scores, "share": shown, "more": can_have_more(side, str(body.get("participant")), live),
            "message": f"Merci : {done} note{'s' if done > 1 else ''} sur {len(shown)} reçue{'s' if done > 1 else ''}."}
