"""What every chart of the kit shares, so that all of them read alike on a projector, and show what people
typed as they typed it: labels short and unique (`short_names`), wrapped rather than cut (`wrap_lines`), placed
where they overlap no other text (`place_labels`, from sizes estimated from the font)."""

import html
import math
import re
import textwrap
from dataclasses import dataclass

FONT = dict(size=16, family="system-ui, Segoe UI, Roboto, Arial, sans-serif", color="#111")


def plain(text: object) -> str:
    """`text` as plotly must be given it to show it as typed, in any label, hover, legend, title, tick or
    annotation: plotly reads a subset of HTML there (``<b>``, ``<a href>``, ``<br>``…) and decodes entities,
    so ``&``, ``<`` and ``>`` become entities, and ``%`` too, so that a ``%{…}`` typed by someone is never
    read as a template field even if the text ends up in a template. The one rule of every chart: user text
    goes through `plain` (after `kit.text.shorten` or wrapping, never before: an entity is not to be cut),
    the kit's own markup (``<br>``, ``<b>`` around a title) is added around it. Only entities plotly decodes
    are used (it knows ``&amp;``, ``&lt;``, ``&gt;`` and numeric ones, not ``&quot;``)."""
    return html.escape(str(text), quote=False).replace("%", "&#37;")


# ---------------------------------------------------------------------------------------------
# Labels a room can read: short and unique, wrapped rather than cut, placed where they overlap nothing
# ---------------------------------------------------------------------------------------------

SEPARATORS = ", "  # plotly's `separators`: a decimal comma and a (thin) space between thousands, as in French
CHAR_EM = 0.58  # width of an average character of FONT, in ems (a little generous: estimates must not undershoot)
LINE_EM = 1.3  # plotly's line spacing
_PARTS = re.compile(r"\s+[–—-]\s+|\s*:\s+|\s+\(|,\s+")  # where a name splits into a head and what sets it apart


def text_size(lines: list[str], font_px: float) -> tuple[float, float]:
    """Pixels a label of these lines takes (width, height), estimated from its characters."""
    return CHAR_EM * font_px * max((len(line) for line in lines), default=0) + 4, LINE_EM * font_px * max(len(lines), 1)


def wrap_lines(text: object, width: int, lines: int = 2) -> list[str]:
    """`text` on at most `lines` lines of `width` characters, cut (with an ellipsis) only past them."""
    words = textwrap.wrap(str(text), width=width, break_long_words=True) or [""]
    if len(words) <= lines:
        return words
    rest = " ".join(words[lines - 1:])
    return words[:lines - 1] + [_cut(rest, width)]


def wrapped(text: object, width: int, lines: int = 2) -> str:
    """`wrap_lines` as plotly text: each line made `plain`, joined by the kit's own ``<br>``."""
    return "<br>".join(plain(line) for line in wrap_lines(text, width, lines))


def _cut(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word when one ends late enough, an ellipsis marking the cut."""
    if len(text) <= limit:
        return text
    room = max(limit - 1, 1)
    space = max(text.rfind(" ", 0, room + 1), text.rfind("-", 0, room) + 1 if text.rfind("-", 0, room) > 0 else -1)
    kept = text[:space] if space >= room * 0.6 else text[:room]
    return kept.rstrip(" –—-:,(") + "…"


def short_names(names: list[str], width: int, lines: int = 2) -> list[list[str]]:
    """Each name as the lines of a label (at most `lines` of `width` characters), all labels different:
    a long name is wrapped, and cut only past its last line; names that share a long start (« CA du Val de
    Charente-Océan – service habitat », « … – service climat ») keep a short head and what differs
    (« CA du Val de… » / « service habitat »); labels still alike (the same name twice) are numbered.
    Deterministic: the same names always give the same labels."""
    names = [" ".join(str(n).split()) for n in names]
    labels = [wrap_lines(n, width, lines) for n in names]
    groups: dict[str, list[int]] = {}
    for i, label in enumerate(labels):  # long names alike from their first line on
        groups.setdefault(label[0] if lines > 1 and len(names[i]) > width else "\n".join(label), []).append(i)
    for members in groups.values():
        distinct = {names[i] for i in members}
        cut = any(labels[i][-1].endswith("…") and not names[i].endswith("…") for i in members)
        unique = len({tuple(labels[i]) for i in members}) == len(members)
        if len(distinct) < 2 or (unique and not cut):
            continue
        common = len(_common_prefix(sorted(distinct)))
        for i in members:
            labels[i] = _distinct(names[i], common, width, lines)
    seen: dict[tuple, int] = {}
    for label in labels:
        seen[tuple(label)] = seen.get(tuple(label), 0) + 1
    count: dict[tuple, int] = {}
    result = []
    for label in labels:
        key = tuple(label)
        if seen[key] > 1:
            count[key] = count.get(key, 0) + 1
            suffix = f" ({count[key]})"
            label = label[:-1] + [_cut(label[-1], width - len(suffix)) + suffix]
        result.append(list(label))
    return result


def _common_prefix(texts: list[str]) -> str:
    first, last = min(texts), max(texts)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return first[:n]


def _distinct(name: str, common: int, width: int, lines: int) -> list[str]:
    """The label of `name` whose first `common` characters are shared with other names: a short head,
    then the part that differs, from the start of its word or after the separator that opens it."""
    cuts = [m for m in _PARTS.finditer(name) if m.end() <= common + 1]
    if cuts:
        head, tail = name[:cuts[-1].start()], name[cuts[-1].end():]
    else:
        space = name.rfind(" ", 0, common + 1)
        head, tail = (name[:space], name[space + 1:]) if space > 0 else ("", name)
    if not head or lines == 1:
        room = width - len(tail) - 1
        if head and room >= 6:
            return [_cut(head, room) + " " + tail] if len(head) > room else [head + " " + tail]
        return [_cut("…" + tail, width)]
    return [_cut(head, width)] + wrap_lines(tail, width, lines - 1)


@dataclass
class Spot:
    """A point of a chart, in pixels from the figure's top left corner: where its label may go."""

    x: float
    y: float
    radius: float  # the marker's, in pixels
    lines: list[str]  # the label, as shown (before `plain`)


# plotly's textposition values, in the order tried; plotly sets a label off its marker by radius / 0.8 + 1.
POSITIONS = ("top center", "bottom center", "middle right", "middle left", "top right", "top left",
             "bottom right", "bottom left")


def label_box(spot: Spot, position: str, font_px: float) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) in pixels of `spot`'s label at `position`, as plotly draws it."""
    width, height = text_size(spot.lines, font_px)
    gap = spot.radius / 0.8 + 1 if spot.radius else 0
    vertical, horizontal = position.split()
    x0 = {"center": spot.x - width / 2, "right": spot.x + gap, "left": spot.x - gap - width}[horizontal]
    y0 = {"middle": spot.y - height / 2, "top": spot.y - gap - height, "bottom": spot.y + gap}[vertical]
    return x0, y0, x0 + width, y0 + height


def _hits(a, b, pad: float = 2) -> bool:
    return a[0] < b[2] + pad and b[0] < a[2] + pad and a[1] < b[3] + pad and b[1] < a[3] + pad


def _distance(box: tuple, x: float, y: float) -> float:
    """From a point to the nearest point of a box (0 inside it)."""
    return math.hypot(max(box[0] - x, 0, x - box[2]), max(box[1] - y, 0, y - box[3]))


def place_labels(spots: list[Spot], font_px: float, bounds: tuple[float, float, float, float],
                 order: list[int] | None = None, obstacles: list[tuple] = (),
                 positions: tuple[str, ...] = POSITIONS, strict: bool = True) -> list[str | None]:
    """A greedy placer: each spot in turn (`order`, most important first) takes the first of `positions`
    where its label overlaps no label already placed, no marker and no `obstacles` box, inside `bounds`
    (x0, y0, x1, y1), and (`strict`) nearer to its own point than to any other; None where none fits.
    Deterministic."""
    taken = list(obstacles)
    markers = [(s.x - s.radius, s.y - s.radius, s.x + s.radius, s.y + s.radius) for s in spots]
    chosen: list[str | None] = [None] * len(spots)
    for i in (range(len(spots)) if order is None else order):
        spot = spots[i]
        for position in positions:
            box = label_box(spot, position, font_px)
            if box[0] < bounds[0] or box[1] < bounds[1] or box[2] > bounds[2] or box[3] > bounds[3]:
                continue
            if any(_hits(box, other) for other in taken):
                continue
            if any(_hits(box, m, 0) for j, m in enumerate(markers) if j != i):
                continue
            # A label reads as its point's when no other point is nearer to it than its own.
            own = _distance(box, spot.x, spot.y) - spot.radius
            if strict and any(_distance(box, s.x, s.y) - s.radius < own - 1 for j, s in enumerate(spots) if j != i):
                continue
            chosen[i] = position
            taken.append(box)
            break
    return chosen


def same_place(points: list[tuple[float, float]], distance: float) -> list[list[int]]:
    """Points (pixels) grouped when closer than `distance` to one of the group: the points a room would take
    for one. Groups in the order of their first point, each in input order."""
    groups: list[list[int]] = []
    for i, p in enumerate(points):
        home = [g for g in groups if any(math.dist(p, points[j]) < distance for j in g)]
        if not home:
            groups.append([i])
            continue
        merged = [j for g in home for j in g] + [i]
        groups = [g for g in groups if g not in home]
        groups.append(sorted(merged))
        groups.sort(key=lambda g: g[0])
    return groups


def place_apart(spot: Spot, font_px: float, bounds: tuple, taken: list[tuple], markers: list[tuple],
                distances: tuple[float, ...] = (36, 56, 80, 110)) -> tuple[float, float] | None:
    """Where to put a label away from its point, tied to it by a thin line, when no position beside it is
    clear: the offset (dx, dy, pixels, y down) of the label's centre, tried around the point at growing
    distances; None if nothing is clear within them."""
    width, height = text_size(spot.lines, font_px)
    for distance in distances:
        for angle in (90, 45, 135, 0, 180, 315, 225, 270):  # above first, then the diagonals and the sides
            dx = distance * math.cos(math.radians(angle)) * 1.6
            dy = -distance * math.sin(math.radians(angle))
            cx, cy = spot.x + dx, spot.y + dy
            box = (cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)
            if box[0] < bounds[0] or box[1] < bounds[1] or box[2] > bounds[2] or box[3] > bounds[3]:
                continue
            if any(_hits(box, other, 3) for other in list(taken) + list(markers)):
                continue
            taken.append(box)
            return dx, dy
    return None


def compact_alike(names: list[str], limit: int = 40) -> list[str]:
    """Names kept whole, except those that share a long head with another one (« CA du Val de Charente-Océan –
    service habitat », « … – service climat »): these show a short head and what differs (« CA du Val… service
    habitat »), so that a list of them reads. For lists where names are wrapped, not cut (the governance boxes)."""
    names = [" ".join(str(n).split()) for n in names]
    heads, ends = [], []
    for name in names:
        match = _PARTS.search(name)
        heads.append(name[:match.start()] if match and match.start() >= 12 else None)
        ends.append(match.end() if match else 0)
    result = []
    for name, head, end in zip(names, heads, ends):
        if head is None or len({n for n, h in zip(names, heads) if h == head}) < 2:
            result.append(name)
        else:
            result.append(_distinct(name, end - 1, limit, 1)[0])
    return result
