"""Plotly figures computed from the workspace: the same figure in the app and in the deliverables.

Each function returns a complete `go.Figure`; the apps send it as JSON to a `kit.apps.plot.Chart`
(redrawn in place), the deliverables render it as an image (DOCX) or interactively (HTML). Large type
and strong contrast: these are projected in a workshop room.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from kit.lazy import pandas as pd  # imported on first table (see kit.lazy)
from kit.lazy import plotly_go as go  # imported on first chart (see kit.lazy)

from kit.methods.micmac import MicmacResult
from kit.methods.drawing import (FONT, SEPARATORS, Spot, label_box, place_apart, place_labels, plain, same_place,
                                 short_names, text_size, wrap_lines, wrapped)
from kit.text import join_french, shorten

if TYPE_CHECKING:
    from kit.reference.contours import NeighbourhoodShapes

SECTOR_COLOURS = {"motrice": "#b3261e", "relais": "#c77700", "dépendante": "#1f5fa8", "autonome": "#6b6b6b"}
SECTOR_HELP = {
    "motrice": "motrices : agissent beaucoup, dépendent peu (leviers)",
    "relais": "relais : agissent et dépendent beaucoup (enjeux instables)",
    "dépendante": "dépendantes : résultent des autres (indicateurs de résultat)",
    "autonome": "autonomes : peu liées au système",
}


def _layout(fig: go.Figure, title: str, **extra) -> go.Figure:
    settings = dict(title=dict(text=title, font=dict(size=20)), font=FONT, template="plotly_white",
                    margin=dict(l=60, r=30, t=60, b=60), height=520,
                    # An explicit width: a chart in a hidden tab is laid out before it can measure its box.
                    width=1100, separators=SEPARATORS)
    fig.update_layout(**{**settings, **extra})
    return fig


def placeholder(message: str) -> go.Figure:
    """An empty chart that says what to do to fill it."""
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, font=dict(size=18, color="#555"), xref="paper", yref="paper",
                       x=0.5, y=0.5)
    return _layout(fig, "", xaxis=dict(visible=False), yaxis=dict(visible=False), height=260)


# -- labelled points -------------------------------------------------------------------------------

LABEL_PX = 15  # the names written beside the points
LABEL_WIDTH = 24  # characters per line of a name (two lines at most)
NOTE_PX = 15  # the list under a chart
NOTE_LINE_PX = 21


class Plane:
    """A chart's plot area in pixels (fixed size, fixed margins, fixed ranges): where a point is drawn."""

    def __init__(self, width: int, height: int, margin: dict, x_range, y_range):
        self.width, self.height, self.margin = width, height, margin
        self.x_range, self.y_range = list(x_range), list(y_range)
        self.box = (margin["l"], margin["t"], width - margin["r"], height - margin["b"])

    def px(self, x: float, y: float) -> tuple[float, float]:
        (x0, x1), (y0, y1), (left, top, right, bottom) = self.x_range, self.y_range, self.box
        return left + (x - x0) / (x1 - x0) * (right - left), top + (y1 - y) / (y1 - y0) * (bottom - top)

    def text_box(self, x: float, y: float, text: str, font_px: float) -> tuple:
        """The box of a centred text (an annotation) at data (x, y), in pixels."""
        cx, cy = self.px(x, y)
        w, h = text_size(text.split("<br>"), font_px)
        return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


def label_points(plane: Plane, xs: list[float], ys: list[float], names: list[str], codes: list[str],
                 order: list[int], radius: list[float], obstacles: list[tuple] = ()) -> list[dict]:
    """Where each point's name goes, so that no two texts overlap: points at the same place (closer than a
    marker) share one label of their codes (« E4, E7 »); each other point gets its name (wrapped on two
    lines, unique: `short_names`) where it fits, else its code; `order` (indices, most important first)
    chooses who is labelled first; a code with no room beside its point is set apart and tied to it by a line
    (``offset``). Returns one dict per label: ``members`` (indices), ``x``, ``y``, ``radius``, ``text`` (plotly
    text), ``position`` (a textposition, None when set apart), ``offset`` (pixels, or None) and ``coded``
    (named by its code: list it under the chart, `coded_entries`). Deterministic."""
    pixels = [plane.px(x, y) for x, y in zip(xs, ys)]
    rank = {i: r for r, i in enumerate(order)}
    groups = same_place(pixels, 2 * max(radius, default=8) * 0.9)
    lines = short_names(names, LABEL_WIDTH, 2)
    spots, coded = [], []
    for members in groups:
        first = min(members, key=lambda i: rank.get(i, len(rank)))
        if len(members) == 1:
            spots.append(Spot(*pixels[first], radius[first], lines[first]))
            coded.append(False)
        else:
            joined = ", ".join(codes[i] for i in sorted(members, key=lambda i: rank.get(i, len(rank))))
            spots.append(Spot(*pixels[first], max(radius[i] for i in members), wrap_lines(joined, 12, 4)))
            coded.append(True)
    group_order = sorted(range(len(groups)), key=lambda g: min(rank.get(i, len(rank)) for i in groups[g]))
    positions = place_labels(spots, LABEL_PX, plane.box, group_order, obstacles)
    offsets: dict[int, tuple | None] = {}
    missing = [g for g, p in enumerate(positions) if p is None]
    if missing:  # a code where the name did not fit
        taken = list(obstacles) + [label_box(spots[g], p, LABEL_PX) for g, p in enumerate(positions) if p]
        for g in missing:
            if not coded[g]:
                spots[g].lines = [codes[groups[g][0]]]
            coded[g] = True
        again = place_labels(spots, LABEL_PX, plane.box, missing, taken)
        still = [g for g in missing if again[g] is None]
        if still:  # then anywhere clear, even nearer another point
            taken += [label_box(spots[g], again[g], LABEL_PX) for g in missing if again[g]]
            last = place_labels(spots, LABEL_PX, plane.box, still, taken, strict=False)
            for g in still:
                again[g] = last[g]
        for g in missing:
            positions[g] = again[g]
        taken += [label_box(spots[g], positions[g], LABEL_PX) for g in missing if positions[g]]
        markers = [(s.x - s.radius, s.y - s.radius, s.x + s.radius, s.y + s.radius) for s in spots]
        for g in missing:
            if positions[g] is None:  # away from the point, tied to it by a line; else over the point itself
                offsets[g] = place_apart(spots[g], LABEL_PX, plane.box, taken, markers)
                positions[g] = None if offsets[g] else "middle center"
    labels = []
    for g, members in enumerate(groups):
        first = min(members, key=lambda i: rank.get(i, len(rank)))
        labels.append(dict(members=members, x=xs[first], y=ys[first], radius=spots[g].radius, coded=coded[g],
                           text="<br>".join(plain(line) for line in spots[g].lines), position=positions[g],
                           offset=offsets.get(g)))
    return labels


def label_trace(labels: list[dict], fig: go.Figure | None = None) -> go.Scatter:
    """The labels as one text trace, over invisible markers of the points' size (plotly sets a label off its
    marker by the marker's radius); a label set apart from its point is an annotation tied to it by a line
    (added to `fig`)."""
    for label in labels:
        if label.get("offset") and fig is not None:
            dx, dy = label["offset"]
            fig.add_annotation(x=label["x"], y=label["y"], ax=dx, ay=dy, text=label["text"], showarrow=True,
                               arrowhead=0, arrowwidth=1, arrowcolor="#444", standoff=label["radius"],
                               font=dict(size=LABEL_PX, color="#111"), bgcolor="rgba(255,255,255,0.85)")
    labels = [label for label in labels if not label.get("offset")]
    return go.Scatter(x=[label["x"] for label in labels], y=[label["y"] for label in labels], mode="markers+text",
                      text=[label["text"] for label in labels], textposition=[label["position"] for label in labels],
                      textfont=dict(size=LABEL_PX, color="#111"), cliponaxis=False, showlegend=False,
                      hoverinfo="skip", marker=dict(size=[2 * label["radius"] for label in labels],
                                                    color="rgba(0,0,0,0)"))


def note_lines(parts: list[str], width_px: float) -> list[str]:
    """Entries of the note under a chart (plain text) packed into lines that fit `width_px`, joined by « · »."""
    per_line = max(int(width_px / (0.55 * NOTE_PX)), 20)
    lines, line = [], ""
    for part in parts:
        for piece in wrap_lines(part, per_line, 6):
            candidate = f"{line} · {piece}" if line else piece
            if len(candidate) <= per_line:
                line = candidate
            else:
                lines.append(line)
                line = piece
    if line:
        lines.append(line)
    return lines


def add_note(fig: go.Figure, lines: list[str], below_px: float, plot_height: float) -> None:
    """The note under a chart, `below_px` under the plot area (after the axis and its title)."""
    if lines:
        fig.add_annotation(text="<br>".join(plain(line) for line in lines), showarrow=False, xref="paper",
                           yref="paper", x=0, y=-below_px / plot_height, xanchor="left", yanchor="top", align="left",
                           font=dict(size=NOTE_PX, color="#222"))


def coded_entries(labels: list[dict], codes: list[str], names: list[str]) -> list[str]:
    """« E4 Name » for each point named by its code, in the order of the codes."""
    listed = sorted({i for label in labels if label["coded"] for i in label["members"]})
    return [f"{codes[i]} {names[i]}" for i in listed]


def stake_map(frame: pd.DataFrame, x_label: str, y_label: str) -> go.Figure:
    """Stakes on two 0-10 axes; marker size from votes. `frame` comes from `kit.sessions.stakes.stake_map_frame`.
    Stakes are numbered E1, E2… in the list's order: those at the same place share one label of their
    numbers, named in the note under the map with those whose name did not fit; stakes not placed yet
    are listed there too."""
    frame = frame.reset_index(drop=True)
    codes = [f"E{i + 1}" for i in range(len(frame))]
    placed = frame[frame["placé"].astype(bool)]  # an empty object column would select columns
    index = list(placed.index)
    sizes = [18 + 6 * math.sqrt(v) for v in placed["votes"]]
    margin, width, base_height = dict(l=70, r=30, t=60, b=70), 1100, 520
    plane = Plane(width, base_height, margin, [-0.5, 10.5], [-0.5, 10.8])
    xs, ys = [float(v) for v in placed["x"]], [float(v) for v in placed["y"]]
    names = [str(t) for t in placed["enjeu"]]
    order = sorted(range(len(index)), key=lambda i: (-placed["votes"].iloc[i], -ys[i], i))
    labels = label_points(plane, xs, ys, names, [codes[i] for i in index], order, [s / 2 for s in sizes])
    fig = go.Figure(go.Scatter(
        x=xs, y=ys, mode="markers", marker=dict(size=sizes, color="#0b6e4f", opacity=0.8, line=dict(width=1, color="#fff")),
        customdata=list(zip([plain(t) for t in names], placed["votes"], [codes[i] for i in index])),
        hovertemplate="%{customdata[2]} · %{customdata[0]}<br>" + f"{plain(x_label)} : %{{x}}<br>{plain(y_label)} : "
                      "%{y}<br>votes : %{customdata[1]}<extra></extra>"))
    fig.add_trace(label_trace(labels, fig))
    for value in (5,):
        fig.add_hline(y=value, line=dict(color="#999", dash="dot"))
        fig.add_vline(x=value, line=dict(color="#999", dash="dot"))
    entries = coded_entries(labels, [codes[i] for i in index], names)
    missing = [f"{codes[i]} {t}" for i, t in zip(frame.index, frame["enjeu"]) if not bool(frame.at[i, "placé"])]
    lines = note_lines(entries, width - 100)
    if missing:
        lines += note_lines(["À placer : " + join_french(missing)], width - 100)
    extra = NOTE_LINE_PX * len(lines) + (8 if lines else 0)
    add_note(fig, lines, 58, base_height - margin["t"] - margin["b"])
    subtitle = f" ({len(missing)} enjeu(x) à placer)" if missing else ""
    return _layout(fig, f"Carte des enjeux{subtitle}", height=base_height + extra, margin={**margin, "b": margin["b"] + extra},
                   xaxis=dict(title=plain(x_label), range=plane.x_range, dtick=1, automargin=False),
                   yaxis=dict(title=plain(y_label), range=plane.y_range, dtick=1, automargin=False), showlegend=False)


SECTOR_CORNERS = {  # where each sector's name is written on a plane: (x, y) as shares of the ranges, anchors
    "motrice": (0.01, 0.99, "left", "top"), "relais": (0.99, 0.99, "right", "top"),
    "dépendante": (0.99, 0.01, "right", "bottom"), "autonome": (0.01, 0.01, "left", "bottom"),
}
SECTOR_NAMES = {"motrice": "motrices (leviers)", "relais": "relais (instables)", "dépendante": "dépendantes (résultats)",
                "autonome": "autonomes"}


def _corner_labels(fig: go.Figure, plane: Plane, names: dict[str, str], colours: dict[str, str]) -> list[tuple]:
    """Each sector named in its corner of the plane (in its colour); returns the texts' boxes (pixels)."""
    boxes = []
    (x0, x1), (y0, y1) = plane.x_range, plane.y_range
    for sector, (fx, fy, xanchor, yanchor) in SECTOR_CORNERS.items():
        text = names[sector]
        x, y = x0 + fx * (x1 - x0), y0 + fy * (y1 - y0)
        fig.add_annotation(x=x, y=y, text=f"<b>{plain(text)}</b>", showarrow=False, xanchor=xanchor, yanchor=yanchor,
                           font=dict(size=15, color=colours[sector]))
        px, py = plane.px(x, y)
        w, h = text_size([text], 15)
        w *= 1.1  # bold
        left = px if xanchor == "left" else px - w
        top = py if yanchor == "top" else py - h
        boxes.append((left, top, left + w, top + h))
    return boxes


def _span(values: list[float], *marks: float) -> list[float]:
    """An axis range around `values` and `marks` (the cuts): from a little below 0 when the points spread
    from near 0 (the 0 tick clear of the other axis's), else zoomed on them, with room for the labels."""
    every = [float(v) for v in list(values) + list(marks)]
    low, high = min(every, default=0.0), max(every, default=1.0)
    span = (high - low) or abs(high) or 1.0
    if low - 0.15 * span <= 0.3 * span:
        top = _nice_top(high)
        return [-0.04 * top, top]
    return [low - 0.15 * span, high + 0.15 * span]


def _whole_ticks(bounds: list[float]) -> dict:
    """Ticks of an axis of whole numbers (sums): never a decimal, never the same number twice."""
    return dict(tickformat=",.0f", **({"dtick": 1} if bounds[1] - bounds[0] <= 12 else {}))


def _nice_top(value: float) -> float:
    """A round axis end a little above `value`."""
    if value <= 0:
        return 1.0
    value *= 1.12
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def micmac_plane(result: MicmacResult, titles: dict[str, str], variant: str = "indirect") -> go.Figure:
    """The influence/dependence plane with its four sectors, cut at the mean or median. The axes carry the
    influence and dependence the app's table shows (row and column sums of the matrix, or of its power for
    the indirect relations); the key variables (motrices and relais) are named under the plane. Variables
    are numbered E1, E2… in the matrix's order (the list of stakes)."""
    table = result.table
    x = [float(v) for v in table[f"{variant}_dependence"]]
    y = [float(v) for v in table[f"{variant}_influence"]]
    x_permille = table[f"{variant}_dependence_permille"].astype(float).round(0)
    y_permille = table[f"{variant}_influence_permille"].astype(float).round(0)
    sectors = list(table[f"{variant}_sector"])
    cuts = result.cuts.loc[variant]
    ids = list(table.index)
    names = [str(titles.get(i, str(i))) for i in ids]
    codes = [f"E{n + 1}" for n in range(len(ids))]
    margin, width, base_height = dict(l=120, r=30, t=60, b=70), 1100, 540
    plane = Plane(width, base_height, margin, _span(x, float(cuts["dependence"])), _span(y, float(cuts["influence"])))
    fig = go.Figure()
    obstacles = _corner_labels(fig, plane, SECTOR_NAMES, SECTOR_COLOURS)
    for sector, colour in SECTOR_COLOURS.items():
        mask = [i for i, s in enumerate(sectors) if s == sector]
        fig.add_trace(go.Scatter(
            x=[x[i] for i in mask], y=[y[i] for i in mask], mode="markers", name=SECTOR_HELP[sector], showlegend=False,
            marker=dict(size=16, color=colour, line=dict(width=1, color="#fff")),
            customdata=[(codes[i], plain(names[i]), x_permille.iloc[i], y_permille.iloc[i]) for i in mask],
            hovertemplate="%{customdata[0]} · %{customdata[1]}<br>dépendance %{x:,.0f} (%{customdata[2]:.0f} ‰)"
                          "<br>influence %{y:,.0f} (%{customdata[3]:.0f} ‰)<extra></extra>"))
    key = {"motrice": 0, "relais": 1}
    order = sorted(range(len(ids)), key=lambda i: (key.get(sectors[i], 2), -y[i], i))
    labels = label_points(plane, x, y, names, codes, order, [8.0] * len(ids), obstacles)
    fig.add_trace(label_trace(labels, fig))
    fig.add_vline(x=float(cuts["dependence"]), line=dict(color="#444", dash="dash"))
    fig.add_hline(y=float(cuts["influence"]), line=dict(color="#444", dash="dash"))
    keys = [f"{codes[i]} {names[i]}" for i in order if sectors[i] in key]
    lines = note_lines(["Variables clés (motrices et relais) : " + (join_french(keys) if keys else "aucune")],
                       width - 110)
    coded = [e for e in coded_entries(labels, codes, names) if e not in keys]
    lines += note_lines(coded, width - 110)
    extra = NOTE_LINE_PX * len(lines) + 8
    add_note(fig, lines, 58, base_height - margin["t"] - margin["b"])
    name = {"direct": "directes", "indirect": "indirectes", "potential_direct": "directes potentielles",
            "potential_indirect": "indirectes potentielles"}[variant]
    cut = "moyenne" if result.cut == "mean" else "médiane"
    power = result.potential_stable_power if variant.startswith("potential") else result.stable_power
    unit = "matrice directe" if variant.endswith("direct") and not variant.endswith("indirect") else \
        f"matrice à la puissance {power}"
    return _layout(fig, f"Plan influence / dépendance (relations {name}, coupure à la {cut})",
                   xaxis=dict(title=f"Dépendance (total de la colonne, {unit})", range=plane.x_range, automargin=False,
                              zeroline=False, **_whole_ticks(plane.x_range)),
                   yaxis=dict(title=f"Influence (total de la ligne, {unit})", range=plane.y_range, automargin=False,
                              zeroline=False, **_whole_ticks(plane.y_range)),
                   showlegend=False, height=base_height + extra, margin={**margin, "b": margin["b"] + extra})


def micmac_displacement(result: MicmacResult, titles: dict[str, str]) -> go.Figure:
    """Arrows from each variable's direct position to its indirect position (in ‰ of each matrix's total, the
    one scale direct and indirect sums share); variables numbered E1, E2… as on the plane."""
    table = result.table
    ids = list(table.index)
    names = [str(titles.get(i, str(i))) for i in ids]
    codes = [f"E{n + 1}" for n in range(len(ids))]
    x0s = [float(v) for v in table["direct_dependence_permille"]]
    y0s = [float(v) for v in table["direct_influence_permille"]]
    x1s = [float(v) for v in table["indirect_dependence_permille"]]
    y1s = [float(v) for v in table["indirect_influence_permille"]]
    margin, width, base_height = dict(l=80, r=30, t=60, b=70), 1100, 520
    plane = Plane(width, base_height, margin, _span(x0s + x1s), _span(y0s + y1s))
    fig = go.Figure()
    for x0, y0, x1, y1 in zip(x0s, y0s, x1s, y1s):
        fig.add_annotation(x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y",
                           showarrow=True, arrowhead=3, arrowwidth=2, arrowcolor="#1f5fa8", text="")
    fig.add_trace(go.Scatter(x=x1s, y=y1s, mode="markers", marker=dict(size=12, color="#1f5fa8"), showlegend=False,
                             customdata=[(codes[i], plain(names[i]), x0s[i], y0s[i]) for i in range(len(ids))],
                             hovertemplate="%{customdata[0]} · %{customdata[1]}<br>direct : (%{customdata[2]:.0f} ; "
                                           "%{customdata[3]:.0f})<br>indirect : (%{x:.0f} ; %{y:.0f})<extra></extra>"))
    order = sorted(range(len(ids)), key=lambda i: (-y1s[i], i))
    tails = [plane.px(x, y) for x, y in zip(x0s, y0s)]  # where the arrows start: no label there either
    labels = label_points(plane, x1s, y1s, names, codes, order, [6.0] * len(ids),
                          [(x - 6, y - 6, x + 6, y + 6) for x, y in tails])
    fig.add_trace(label_trace(labels, fig))
    lines = note_lines(coded_entries(labels, codes, names), width - 110)
    extra = NOTE_LINE_PX * len(lines) + (8 if lines else 0)
    add_note(fig, lines, 58, base_height - margin["t"] - margin["b"])
    return _layout(fig, "Déplacement des positions, du direct à l'indirect",
                   xaxis=dict(title="Dépendance (‰ du total de la matrice)", range=plane.x_range, automargin=False),
                   yaxis=dict(title="Influence (‰ du total de la matrice)", range=plane.y_range, automargin=False),
                   height=base_height + extra, margin={**margin, "b": margin["b"] + extra})


def matrix_heatmap(matrix: pd.DataFrame, titles: dict[str, str], title: str = "Matrice des influences directes") -> go.Figure:
    """The direct matrix as a heatmap (P drawn as 0.5 and written "P")."""
    numbers = matrix.map(lambda v: 0.5 if v == "P" else float(v or 0))
    labels = [plain(shorten(titles.get(i, str(i)), 24)) for i in matrix.index]
    fig = go.Figure(go.Heatmap(
        z=numbers.to_numpy(), x=labels, y=labels, zmin=0, zmax=3, colorscale="Greens",
        text=matrix.astype(str).replace("0", "").to_numpy(), texttemplate="%{text}",
        hovertemplate="%{y} → %{x} : %{text}<extra></extra>", colorbar=dict(title="0-3")))
    return _layout(fig, title, yaxis=dict(autorange="reversed"), xaxis=dict(tickangle=-40))


def coverage_heatmap(coverage: pd.DataFrame) -> go.Figure:
    """Stakes (rows) covered by local projects (columns)."""
    fig = go.Figure(go.Heatmap(
        z=coverage.astype(int).to_numpy(), x=[plain(shorten(c, 24)) for c in coverage.columns],
        y=[plain(shorten(i, 36)) for i in coverage.index], zmin=0, zmax=1, showscale=False,
        colorscale=[[0, "#f3f3f3"], [1, "#0b6e4f"]], xgap=2, ygap=2,
        hovertemplate="%{y} — %{x}<extra></extra>"))
    return _layout(fig, "Positionnement : enjeux couverts par les projets locaux", yaxis=dict(autorange="reversed"))


def portrait_gaps(portrait: pd.DataFrame, reference: str = "France") -> go.Figure:
    """For each indicator with both values: gap of the neighbourhood to a reference, in %."""
    rows = portrait.dropna(subset=["quartier", reference])
    rows = rows[rows[reference] != 0]
    gaps = (rows["quartier"] - rows[reference]) / rows[reference].abs() * 100
    colours = ["#b3261e" if r.startswith("moins") else "#0b6e4f" if r.startswith("plus") else "#6b6b6b"
               for r in rows["lecture"]]
    fig = go.Figure(go.Bar(x=gaps, y=[plain(shorten(i, 40)) for i in rows["indicateur"]], orientation="h",
                           marker_color=colours,
                           customdata=list(zip(rows["quartier"], rows[reference], [plain(r) for r in rows["lecture"]])),
                           hovertemplate="%{y}<br>quartier : %{customdata[0]}<br>" + plain(reference) +
                                         " : %{customdata[1]}<br>%{customdata[2]}<extra></extra>"))
    fig.add_vline(x=0, line=dict(color="#222"))
    return _layout(fig, f"Écart du quartier à la référence « {plain(reference)} » (en %)",
                   xaxis=dict(title="écart (%)"), yaxis=dict(autorange="reversed"),
                   height=max(320, 60 + 34 * len(rows)))


# The map's colours: darker is the side the indicator's direction calls less favourable; a neutral
# indicator in blues. Grey is « no value », never a colour of the scale.
MAP_SCALES = {"bas": "YlOrRd", "haut": "YlOrRd_r", "neutre": "Blues"}
NO_VALUE_FILL = "#c9c9c9"
MAP_SIZE = (1100, 620)  # px: the app's chart width, and room for a territory's shape
MAP_MARGIN = dict(l=20, r=150, t=70, b=90)
LABEL_FONT_PX = 15
MARKER_PX = 28  # the numbered markers, when names would overlap


def neighbourhood_map(shapes: NeighbourhoodShapes, frame: pd.DataFrame, indicator: str, unit: str,
                      direction: str = "neutre") -> go.Figure:
    """The territory's neighbourhoods coloured by one indicator, drawn in metres (no map tiles, no request
    outside the computer). `frame` comes from `kit.sessions.diagnostic.map_frame` (indexed by QPV code);
    a neighbourhood without a value is grey and named under the map. Labels sit inside each shape; when two
    would overlap, shapes are numbered and named in the legend."""
    from plotly.colors import sample_colorscale

    if not shapes.shapes:
        return placeholder("Importez les contours officiels des quartiers pour dessiner la carte")
    rows = []
    for shape in shapes.shapes:
        known = shape.code in frame.index
        value = float(frame.at[shape.code, "valeur"]) if known else float("nan")
        note = (frame.at[shape.code, "note"] or "sans valeur") if known else "hors de l'espace de travail"
        text = f"{frame.at[shape.code, 'texte']} {unit}".strip() if known and not math.isnan(value) else note
        rows.append((shape, frame.at[shape.code, "quartier"] if known else shape.name, value, text))
    values = [v for _, _, v, _ in rows if not math.isnan(v)]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    if high == low:
        low, high = low - 1, high + 1
    # The palest tenth of a scale is left out: on a projector it reads as the page's white.
    scale = [[i / 10, colour] for i, colour in
             enumerate(sample_colorscale(MAP_SCALES.get(direction, "Blues"), [0.15 + 0.085 * i for i in range(11)]))]

    def colour(value: float) -> str:
        return NO_VALUE_FILL if math.isnan(value) else sample_colorscale(scale, [(value - low) / (high - low)])[0]

    labels = [shorten(name, 24) for _, name, _, _ in rows]
    x_range, y_range, pixels_per_metre = _map_frame(shapes, max(_label_width(label, text) for label, (*_, text)
                                                                  in zip(labels, rows)))
    numbered = _labels_collide(shapes, [(label, text) for label, (_, _, _, text) in zip(labels, rows)],
                               pixels_per_metre)
    fig = go.Figure()
    for number, ((shape, name, value, text), label) in enumerate(zip(rows, labels), start=1):
        xs, ys = [], []
        for polygon in shape.polygons:
            for ring in polygon:
                xs += [x for x, _ in ring] + [None]
                ys += [y for _, y in ring] + [None]
        legend = f"{number}. {plain(label)} : {plain(text)}"
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", fill="toself", fillcolor=colour(value),
                                 line=dict(color="#222", width=1.5), hoveron="fills", hoverinfo="name",
                                 name=legend if numbered else f"{plain(name)} ({shape.code}) : {plain(text)}",
                                 showlegend=numbered))
    hover = [(plain(name), shape.code, plain(text), plain(", ".join(shape.communes)))
             for shape, name, _, text in rows]
    places = [shape.label for shape, *_ in rows]
    if numbered:
        # Each number sits just above its shape (never hiding a small one), numbers too close to read are
        # moved apart, and each is tied to its shape by a thin line.
        above = [(shape.label[0] * pixels_per_metre,
                  max(y for p in shape.polygons for _, y in p[0]) * pixels_per_metre + MARKER_PX / 2 + 3)
                 for shape, *_ in rows]
        places = [(x / pixels_per_metre, y / pixels_per_metre) for x, y in _spread(above, MARKER_PX + 4)]
        leaders_x, leaders_y = [], []
        for (shape, *_), (x, y) in zip(rows, places):
            if math.dist(shape.label, (x, y)) * pixels_per_metre > 2:
                leaders_x += [shape.label[0], x, None]
                leaders_y += [shape.label[1], y, None]
        if leaders_x:
            fig.add_trace(go.Scatter(x=leaders_x, y=leaders_y, mode="lines", line=dict(color="#111", width=1),
                                     showlegend=False, hoverinfo="skip", cliponaxis=False))
    fig.add_trace(go.Scatter(
        x=[x for x, _ in places], y=[y for _, y in places], showlegend=False,
        mode="markers+text" if numbered else "text",
        text=[str(i) for i in range(1, len(rows) + 1)] if numbered else
        [f"<b>{plain(label)}</b><br>{plain(text)}" for label, (*_, text) in zip(labels, rows)],
        textposition="middle center", cliponaxis=False, textfont=dict(size=LABEL_FONT_PX, shadow="auto", color=[
            "#111" if numbered or _light(colour(value)) else "#fff" for _, _, value, _ in rows]),
        marker=dict(size=MARKER_PX, color="rgba(255,255,255,0.95)", line=dict(color="#111", width=1.5)),
        customdata=hover, hovertemplate="<b>%{customdata[0]}</b> (%{customdata[1]})<br>%{customdata[3]}"
                                        "<br>%{customdata[2]}<extra></extra>"))
    fig.add_trace(_scale_bar(shapes))
    if values:  # the colour bar: an invisible trace carries the scale and its unit
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", showlegend=False, hoverinfo="skip",
                                 marker=dict(colorscale=scale, cmin=low, cmax=high, color=[low], showscale=True,
                                             colorbar=dict(title=dict(text=plain(unit), side="top"), thickness=22,
                                                           len=0.8))))
    missing = [name for _, name, value, _ in rows if math.isnan(value)]
    notes = []
    if missing:
        notes.append(f"En gris, sans valeur : {plain(shorten(', '.join(missing), 150))}")
    notes.append(f"Contours : ANCT, quartiers prioritaires 2024 (Licence Ouverte) · projection {plain(shapes.projection)}")
    # Numbered: the legend (number, name, value) goes under the map, the page grows by its lines, so the
    # map keeps its size and the colour bar keeps the right side.
    width, height = MAP_SIZE
    plot_height = height - MAP_MARGIN["t"] - MAP_MARGIN["b"]
    legend_px = 24 * len(rows) + 8 if numbered else 0
    fig.add_annotation(text="<br>".join(notes), showarrow=False, xref="paper", yref="paper", x=0,
                       y=-(legend_px + 6) / plot_height, xanchor="left", yanchor="top", align="left",
                       font=dict(size=14, color="#333"))
    title = f"Carte des quartiers : {plain(indicator)}" + (f" ({plain(unit)})" if unit else "") if values else \
        f"Carte des quartiers : {plain(indicator)} (aucune valeur)"
    return _layout(fig, title, width=width, height=height + legend_px,
                   margin={**MAP_MARGIN, "b": MAP_MARGIN["b"] + legend_px}, separators=", ",
                   xaxis=dict(visible=False, constrain="domain", range=x_range),
                   yaxis=dict(visible=False, scaleanchor="x", scaleratio=1, constrain="domain", range=y_range),
                   legend=dict(orientation="v", x=0, xanchor="left", y=-6 / plot_height, yanchor="top",
                               font=dict(size=15), itemclick=False, itemdoubleclick=False),
                   hoverlabel=dict(namelength=-1, font=dict(size=16)))


def _spread(points: list[tuple[float, float]], distance: float) -> list[tuple[float, float]]:
    """`points` (pixels) pushed apart, pair by pair, until none is closer than `distance` to another."""
    moved = [list(p) for p in points]
    for _ in range(100):
        crowded = False
        for i, a in enumerate(moved):
            for b in moved[i + 1:]:
                dx, dy = b[0] - a[0], b[1] - a[1]
                gap = math.hypot(dx, dy)
                if gap >= distance:
                    continue
                crowded = True
                if gap < 1e-6:  # the same place: side by side
                    dx, dy, gap = 1.0, 0.0, 1.0
                push = (distance - gap) / 2 + 0.5
                a[0], a[1] = a[0] - dx / gap * push, a[1] - dy / gap * push
                b[0], b[1] = b[0] + dx / gap * push, b[1] + dy / gap * push
        if not crowded:
            break
    return [(x, y) for x, y in moved]


def _scale_bar(shapes: NeighbourhoodShapes) -> go.Scatter:
    """A bar of a round length (about a fifth of the map's width) under its left corner: distances read."""
    xs = [x for s in shapes.shapes for p in s.polygons for x, _ in p[0]]
    ys = [y for s in shapes.shapes for p in s.polygons for _, y in p[0]]
    width = max(max(xs) - min(xs), max(ys) - min(ys), 1)
    length = max([n for n in (50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000) if n <= width / 4] or [50])
    x0, y0 = min(xs), min(ys) - 0.06 * width  # within the room `_map_frame` keeps under the shapes
    text = f"{length // 1000} km" if length >= 1000 else f"{length} m"
    return go.Scatter(x=[x0, x0 + length], y=[y0, y0], mode="lines+text", text=["", text],
                      textposition="middle right", textfont=dict(size=14, color="#333"), showlegend=False,
                      line=dict(color="#333", width=4), hoverinfo="skip")


def _light(colour: str) -> bool:
    """Whether dark text reads on this fill ("rgb(r, g, b)" or "#rrggbb"), by its relative luminance."""
    from plotly.colors import hex_to_rgb, unlabel_rgb

    red, green, blue = hex_to_rgb(colour) if colour.startswith("#") else unlabel_rgb(colour)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue > 140


def _label_width(name: str, value: str) -> float:
    """Pixels a two-line label takes (bold name, value) in the map's font: about 0.58 em a character."""
    return 0.58 * LABEL_FONT_PX * max(len(name), len(value)) + 8


def _map_frame(shapes: NeighbourhoodShapes, label_width: float) -> tuple[list[float], list[float], float]:
    """The axes' ranges (metres) and the scale (pixels a metre): the shapes and the scale bar, with room at
    the sides for half the widest label and above and below for a label's height."""
    xs = [x for s in shapes.shapes for p in s.polygons for x, _ in p[0]]
    ys = [y for s in shapes.shapes for p in s.polygons for _, y in p[0]]
    extent = max(max(xs) - min(xs), max(ys) - min(ys), 1)
    ys.append(min(ys) - 0.09 * extent)  # the scale bar
    width = MAP_SIZE[0] - MAP_MARGIN["l"] - MAP_MARGIN["r"]
    height = MAP_SIZE[1] - MAP_MARGIN["t"] - MAP_MARGIN["b"]
    pad_x, pad_y = min(label_width / 2 + 10, width / 3), 2 * 1.3 * LABEL_FONT_PX / 2 + 6
    dx = max(max(xs) - min(xs), 1) / (1 - 2 * pad_x / width)
    dy = max(max(ys) - min(ys), 1) / (1 - 2 * pad_y / height)
    pixels_per_metre = min(width / dx, height / dy)
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    dx, dy = width / pixels_per_metre, height / pixels_per_metre  # the plot's box, as plotly will fill it
    return [cx - dx / 2, cx + dx / 2], [cy - dy / 2, cy + dy / 2], pixels_per_metre


def _labels_collide(shapes: NeighbourhoodShapes, labels: list[tuple[str, str]], pixels_per_metre: float) -> bool:
    """Whether two labels (two lines: name, value) would overlap at the map's scale (in pixels)."""
    boxes = []
    for shape, (name, value) in zip(shapes.shapes, labels):
        box_w, box_h = _label_width(name, value), 2 * 1.3 * LABEL_FONT_PX
        boxes.append((shape.label[0] * pixels_per_metre, shape.label[1] * pixels_per_metre, box_w, box_h))
    return any(abs(a[0] - b[0]) < (a[2] + b[2]) / 2 and abs(a[1] - b[1]) < (a[3] + b[3]) / 2
               for i, a in enumerate(boxes) for b in boxes[i + 1:])


# -- session 2 ---------------------------------------------------------------------------------------

ACTOR_SECTOR_COLOURS = {"dominant": "#b3261e", "relais": "#c77700", "dominé": "#1f5fa8", "autonome": "#6b6b6b"}
ACTOR_SECTOR_LEGEND = {"dominant": "acteurs dominants", "relais": "acteurs relais", "dominé": "acteurs dominés",
                       "autonome": "acteurs autonomes"}  # « relais » has no plural -s


def objective_tree(objectives: pd.DataFrame, ambition: str, horizon: int) -> go.Figure:
    """The cap, its strategic objectives and their operational ones, as a tree (treemap); names wrapped on
    up to three lines rather than cut."""
    if objectives.empty:
        return placeholder("Ajoutez un premier objectif stratégique")
    root = f"Cap {horizon}"
    ids, labels, parents, hover = [root], [root], [""], [plain(ambition) if ambition else "Ambition à formuler"]
    for row in objectives.to_dict("records"):
        ids.append(row["id"])
        labels.append(wrapped(row["objectif"], 30, 3))
        parents.append(row["parent_id"] or root)
        hover.append(f"{plain(row['objectif'])}<br>{plain(row['niveau'])}<br>enjeux : {plain(row['enjeux'] or 'aucun')}")
    fig = go.Figure(go.Treemap(ids=ids, labels=labels, parents=parents, customdata=hover,
                               hovertemplate="%{customdata}<extra></extra>", textfont=dict(size=18),
                               marker=dict(colors=["#0b3d2e"] + ["#0b6e4f" if p == root else "#7bbf9e" for p in parents[1:]]),
                               root=dict(color="#0b3d2e"), pathbar=dict(visible=False)))
    return _layout(fig, f"Le cap à {horizon} et ses objectifs", height=480, margin=dict(l=10, r=10, t=60, b=10))


def actor_plane(actors: pd.DataFrame, cuts: pd.Series, codes: dict[str, str] | None = None) -> go.Figure:
    """MACTOR's influence/dependence plane of the actors (Ii, Di), with its four sectors. Actors numbered A1,
    A2… in the table's order, or by `codes` ({label: "A7"}: the numbers of the workspace's list of actors,
    the same on every chart); those with neither influence nor dependence (nothing filled in the MID) are
    named under the plane instead of piling up at 0."""
    names_all = [str(i) for i in actors.index]
    codes_all = [(codes or {}).get(name, f"A{n + 1}") for n, name in enumerate(names_all)]
    influence = [float(v) for v in actors["influence"]]
    dependence = [float(v) for v in actors["dependence"]]
    keep = [i for i in range(len(actors)) if influence[i] or dependence[i]]
    blank = [f"{codes_all[i]} {names_all[i]}" for i in range(len(actors)) if i not in keep]
    xs, ys = [dependence[i] for i in keep], [influence[i] for i in keep]
    names, codes = [names_all[i] for i in keep], [codes_all[i] for i in keep]
    sectors = [actors["sector"].iloc[i] for i in keep]
    margin, width, base_height = dict(l=70, r=30, t=60, b=70), 1100, 520
    plane = Plane(width, base_height, margin, _span(xs, float(cuts["dependence"])), _span(ys, float(cuts["influence"])))
    fig = go.Figure()
    obstacles = _corner_labels(fig, plane, {"motrice": "acteurs dominants", "relais": "acteurs relais",
                                            "dépendante": "acteurs dominés", "autonome": "acteurs autonomes"},
                               {"motrice": ACTOR_SECTOR_COLOURS["dominant"], "relais": ACTOR_SECTOR_COLOURS["relais"],
                                "dépendante": ACTOR_SECTOR_COLOURS["dominé"], "autonome": ACTOR_SECTOR_COLOURS["autonome"]})
    ri = [round(float(actors["ri_star"].iloc[i]), 2) for i in keep]
    for sector, colour in ACTOR_SECTOR_COLOURS.items():
        mask = [i for i, s in enumerate(sectors) if s == sector]
        fig.add_trace(go.Scatter(
            x=[xs[i] for i in mask], y=[ys[i] for i in mask], mode="markers", name=ACTOR_SECTOR_LEGEND[sector],
            showlegend=False, marker=dict(size=16, color=colour, line=dict(width=1, color="#fff")),
            customdata=[(codes[i], plain(names[i]), ri[i]) for i in mask],
            hovertemplate="%{customdata[0]} · %{customdata[1]}<br>dépendance %{x}<br>influence %{y}"
                          "<br>rapport de force ri* %{customdata[2]:.2f}<extra></extra>"))
    order = sorted(range(len(keep)), key=lambda i: (-ri[i], -ys[i], i))
    labels = label_points(plane, xs, ys, names, codes, order, [8.0] * len(keep), obstacles)
    fig.add_trace(label_trace(labels, fig))
    fig.add_vline(x=float(cuts["dependence"]), line=dict(color="#444", dash="dash"))
    fig.add_hline(y=float(cuts["influence"]), line=dict(color="#444", dash="dash"))
    lines = note_lines(coded_entries(labels, codes, names), width - 100)
    if blank:
        lines += note_lines(["Sans influence saisie (absents du plan) : " + join_french(blank)], width - 100)
    extra = NOTE_LINE_PX * len(lines) + (8 if lines else 0)
    add_note(fig, lines, 58, base_height - margin["t"] - margin["b"])
    return _layout(fig, "Plan des influences et dépendances entre acteurs (MIDI)",
                   xaxis=dict(title="Dépendance (total de la colonne de la MIDI)", range=plane.x_range, automargin=False,
                              **_whole_ticks(plane.x_range)),
                   yaxis=dict(title="Influence (total de la ligne de la MIDI)", range=plane.y_range, automargin=False,
                              **_whole_ticks(plane.y_range)),
                   showlegend=False, height=base_height + extra, margin={**margin, "b": margin["b"] + extra})


def convergence_graph(edges: pd.DataFrame, actors: list[str], level: int = 2,
                      codes: dict[str, str] | None = None) -> go.Figure:
    """Actors on a circle, linked by their convergences (green) and divergences (red) on the objectives.
    Only actors with a link are on the circle (the others are named under it); names go outside the circle,
    wrapped, and where two would overlap an actor is written by its number (A1, A2… in the table's order, or
    `codes` as for `actor_plane`), named under the graph."""
    chosen = edges[edges["level"] == level]
    if chosen.empty:
        return placeholder("Renseignez les positions des acteurs sur les objectifs")
    codes_all = {a: (codes or {}).get(a, f"A{n + 1}") for n, a in enumerate(actors)}
    linked = set(chosen["actor_a"]) | set(chosen["actor_b"])
    shown = [a for a in actors if a in linked]
    alone = [f"{codes_all[a]} {a}" for a in actors if a not in linked]
    angle = {a: math.pi / 2 - 2 * math.pi * i / len(shown) for i, a in enumerate(shown)}  # from the top, clockwise
    pos = {a: (math.cos(t), math.sin(t)) for a, t in angle.items()}
    margin, width, base_height = dict(l=20, r=20, t=60, b=20), 1100, 580
    plot_w, plot_h = width - margin["l"] - margin["r"], base_height - margin["t"] - margin["b"]
    y_half = 1.3
    x_half = y_half * plot_w / plot_h  # one unit is as long across as up: a round circle
    plane = Plane(width, base_height, margin, [-x_half, x_half], [-y_half, y_half])
    fig = go.Figure()
    for row in chosen.itertuples(index=False):
        (x0, y0), (x1, y1) = pos[row.actor_a], pos[row.actor_b]
        colour = "#0b6e4f" if row.kind == "convergence" else "#b3261e"
        fig.add_trace(go.Scatter(x=[x0, x1], y=[y0, y1], mode="lines", showlegend=False, hoverinfo="text",
                                 line=dict(color=colour, width=1 + 7 * float(row.normalised)),
                                 text=f"{row.kind} {plain(row.actor_a)} – {plain(row.actor_b)} : "
                                      f"{row.intensity:.1f}".replace(".", ",")))
    names, codes = list(shown), [codes_all[a] for a in shown]
    fig.add_trace(go.Scatter(x=[pos[a][0] for a in shown], y=[pos[a][1] for a in shown], mode="markers",
                             showlegend=False, marker=dict(size=14, color="#222"),
                             customdata=[(c, plain(a)) for c, a in zip(codes, names)],
                             hovertemplate="%{customdata[0]} · %{customdata[1]}<extra></extra>"))
    # Names outside the circle: the side facing out of it first.
    spots_x = [pos[a][0] for a in shown]
    spots_y = [pos[a][1] for a in shown]
    labels = _circle_labels(plane, spots_x, spots_y, names, codes)
    fig.add_trace(label_trace(labels, fig))
    lines = note_lines(coded_entries(labels, codes, names), width - 60)
    if alone:
        lines += note_lines(["Sans convergence ni divergence à ce niveau : " + join_french(alone)], width - 60)
    extra = NOTE_LINE_PX * len(lines) + (8 if lines else 0)
    add_note(fig, lines, 4, plot_h)
    return _layout(fig, f"Convergences (vert) et divergences (rouge) entre acteurs, niveau {level}MAO",
                   xaxis=dict(visible=False, range=plane.x_range), yaxis=dict(visible=False, range=plane.y_range),
                   height=base_height + extra, margin={**margin, "b": margin["b"] + extra})


def _circle_labels(plane: Plane, xs: list[float], ys: list[float], names: list[str], codes: list[str]) -> list[dict]:
    """`label_points` for points on a circle: each name tried on the side facing out first."""
    lines = short_names(names, LABEL_WIDTH, 2)
    spots = [Spot(*plane.px(x, y), 7.0, lines[i]) for i, (x, y) in enumerate(zip(xs, ys))]
    chosen, taken = [], []
    markers = [(s.x - 7, s.y - 7, s.x + 7, s.y + 7) for s in spots]
    for i, (x, y) in enumerate(zip(xs, ys)):
        side = "right" if x > 0.2 else "left" if x < -0.2 else "center"
        if y > 0.5:  # only the sides facing out of the circle: a name never lies over the links
            order = ["top center", f"top {side}" if side != "center" else "top right", "top left"]
        elif y < -0.5:
            order = ["bottom center", f"bottom {side}" if side != "center" else "bottom right", "bottom left"]
        else:
            order = [f"middle {side}", f"top {side}", f"bottom {side}"]
        order = list(dict.fromkeys(order))
        placed = None
        for text in (lines[i], [codes[i]]):
            spots[i].lines = text
            for position in order:
                box = label_box(spots[i], position, LABEL_PX)
                inside = (plane.box[0] <= box[0] and box[2] <= plane.box[2] and plane.box[1] <= box[1]
                          and box[3] <= plane.box[3])
                if inside and not any(_overlap(box, other) for other in taken + markers[:i] + markers[i + 1:]):
                    placed = position
                    taken.append(box)
                    break
            if placed:
                break
        chosen.append(dict(members=[i], x=x, y=y, radius=7.0, coded=spots[i].lines == [codes[i]],
                           text="<br>".join(plain(line) for line in spots[i].lines), position=placed or "middle center"))
    return chosen


def _overlap(a: tuple, b: tuple, pad: float = 2) -> bool:
    return a[0] < b[2] + pad and b[0] < a[2] + pad and a[1] < b[3] + pad and b[1] < a[3] + pad


def mobilisation(objectives: pd.DataFrame, level: int = 3) -> go.Figure:
    """For each objective: agreement (right) and disagreement (left) of the actors, weighted (kMAO)."""
    ticks = [wrapped(i, 36, 2) for i in objectives.index]
    fig = go.Figure([
        go.Bar(y=ticks, x=objectives[f"agreement_{level}"], orientation="h",
               name="accord", marker_color="#0b6e4f", hovertemplate="%{y} : accord %{x:.1f}<extra></extra>"),
        go.Bar(y=ticks, x=objectives[f"disagreement_{level}"], orientation="h",
               name="désaccord", marker_color="#b3261e", hovertemplate="%{y} : désaccord %{x:.1f}<extra></extra>"),
    ])
    return _layout(fig, f"Mobilisation des acteurs sur les objectifs ({level}MAO)", barmode="relative",
                   yaxis=dict(autorange="reversed"), xaxis=dict(title="désaccord ← → accord"),
                   height=max(320, 80 + 52 * len(objectives)),
                   legend=dict(orientation="h", x=1, xanchor="right", y=1.02, yanchor="bottom"))


def power_interest(actors: pd.DataFrame) -> go.Figure:
    """Actors placed by power (vertical) and interest (horizontal), 0-10. Actors numbered A1, A2… in the
    table's order; those at the same place share one label of their numbers, named under the grid, and
    actors not placed yet are named there too."""
    actors = actors.reset_index(drop=True)
    codes_all = [f"A{n + 1}" for n in range(len(actors))]
    scored = actors["power"].notna() & actors["interest"].notna()
    placed = actors[scored]
    if placed.empty:
        return placeholder("Placez les acteurs (pouvoir, intérêt) ou déduisez-les de MACTOR")
    index = list(placed.index)
    codes, names = [codes_all[i] for i in index], [str(n) for n in placed["name"]]
    xs, ys = [float(v) for v in placed["interest"]], [float(v) for v in placed["power"]]
    margin, width, base_height = dict(l=70, r=30, t=60, b=70), 1100, 520
    plane = Plane(width, base_height, margin, [-0.5, 10.5], [-0.8, 10.8])
    fig = go.Figure(go.Scatter(x=xs, y=ys, mode="markers", marker=dict(size=16, color="#1f5fa8"),
                               customdata=[(c, plain(n)) for c, n in zip(codes, names)],
                               hovertemplate="%{customdata[0]} · %{customdata[1]}<br>intérêt %{x}<br>pouvoir %{y}"
                                             "<extra></extra>"))
    fig.add_hline(y=5, line=dict(color="#999", dash="dot"))
    fig.add_vline(x=5, line=dict(color="#999", dash="dot"))
    obstacles = []
    for x, y, text in [(2.5, 10.4, "à satisfaire"), (7.5, 10.4, "à associer étroitement"),
                       (2.5, -0.4, "à surveiller"), (7.5, -0.4, "à informer")]:
        fig.add_annotation(x=x, y=y, text=text, showarrow=False, font=dict(size=15, color="#555"))
        obstacles.append(plane.text_box(x, y, text, 15))
    order = sorted(range(len(index)), key=lambda i: (-ys[i] - xs[i], i))
    labels = label_points(plane, xs, ys, names, codes, order, [8.0] * len(index), obstacles)
    fig.add_trace(label_trace(labels, fig))
    lines = note_lines(coded_entries(labels, codes, names), width - 100)
    unscored = [f"{codes_all[i]} {n}" for i, n in zip(actors.index, actors["name"]) if not scored[i]]
    if unscored:
        lines += note_lines(["À placer (pouvoir et intérêt à noter) : " + join_french(unscored)], width - 100)
    extra = NOTE_LINE_PX * len(lines) + (8 if lines else 0)
    add_note(fig, lines, 58, base_height - margin["t"] - margin["b"])
    return _layout(fig, "Grille pouvoir / intérêt des acteurs",
                   xaxis=dict(title="Intérêt", range=plane.x_range, automargin=False, dtick=1),
                   yaxis=dict(title="Pouvoir", range=plane.y_range, automargin=False, dtick=1),
                   showlegend=False, height=base_height + extra, margin={**margin, "b": margin["b"] + extra})
