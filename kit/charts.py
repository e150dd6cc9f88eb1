"""Plotly figures computed from the workspace: the same figure in the app and in the deliverables.

Each function returns a complete `go.Figure`; the apps send it as JSON to a `kit.apps.plot.Chart`
(redrawn in place), the deliverables render it as an image (DOCX) or interactively (HTML). Large type
and strong contrast: these are projected in a workshop room.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pandas as pd
from kit.lazy import plotly_go as go  # imported on first chart (see kit.lazy)

from kit.methods.micmac import MicmacResult
from kit.methods.drawing import FONT, plain
from kit.text import shorten

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
                    width=1100)
    fig.update_layout(**{**settings, **extra})
    return fig


def placeholder(message: str) -> go.Figure:
    """An empty chart that says what to do to fill it."""
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, font=dict(size=18, color="#555"), xref="paper", yref="paper",
                       x=0.5, y=0.5)
    return _layout(fig, "", xaxis=dict(visible=False), yaxis=dict(visible=False), height=260)


def stake_map(frame: pd.DataFrame, x_label: str, y_label: str) -> go.Figure:
    """Stakes on two 0-10 axes; marker size from votes. `frame` comes from `kit.sessions.stakes.stake_map_frame`."""
    placed = frame[frame["placé"].astype(bool)]  # an empty object column would select columns
    sizes = [18 + 6 * math.sqrt(v) for v in placed["votes"]]
    fig = go.Figure(go.Scatter(
        x=placed["x"], y=placed["y"], mode="markers+text", text=[plain(shorten(t, 32)) for t in placed["enjeu"]],
        textposition="top center", marker=dict(size=sizes, color="#0b6e4f", opacity=0.8, line=dict(width=1, color="#fff")),
        customdata=list(zip([plain(t) for t in placed["enjeu"]], placed["votes"])),
        hovertemplate="%{customdata[0]}<br>" + f"{x_label} : %{{x}}<br>{y_label} : %{{y}}<br>votes : %{{customdata[1]}}<extra></extra>",
    ))
    for value in (5,):
        fig.add_hline(y=value, line=dict(color="#999", dash="dot"))
        fig.add_vline(x=value, line=dict(color="#999", dash="dot"))
    missing = int((~frame["placé"].astype(bool)).sum())
    subtitle = f" ({missing} enjeu(x) à placer)" if missing else ""
    return _layout(fig, f"Carte des enjeux{subtitle}", xaxis=dict(title=x_label, range=[-0.5, 10.5], dtick=1),
                   yaxis=dict(title=y_label, range=[-0.5, 10.8], dtick=1), showlegend=False)


def micmac_plane(result: MicmacResult, titles: dict[str, str], variant: str = "indirect") -> go.Figure:
    """The influence/dependence plane with its four sectors, cut at the mean or median (in ‰)."""
    table = result.table
    x = table[f"{variant}_dependence_permille"].astype(float)
    y = table[f"{variant}_influence_permille"].astype(float)
    sectors = table[f"{variant}_sector"]
    cuts = result.cuts.loc[variant]
    fig = go.Figure()
    for sector, colour in SECTOR_COLOURS.items():
        mask = sectors == sector
        fig.add_trace(go.Scatter(
            x=x[mask], y=y[mask], mode="markers+text", name=SECTOR_HELP[sector],
            text=[plain(shorten(titles.get(i, str(i)), 26)) for i in table.index[mask]], textposition="top center",
            marker=dict(size=16, color=colour), customdata=[plain(titles.get(i, str(i))) for i in table.index[mask]],
            hovertemplate="%{customdata}<br>dépendance %{x:.0f} ‰<br>influence %{y:.0f} ‰<extra></extra>"))
    fig.add_vline(x=float(cuts["dependence_permille"]), line=dict(color="#444", dash="dash"))
    fig.add_hline(y=float(cuts["influence_permille"]), line=dict(color="#444", dash="dash"))
    name = {"direct": "directes", "indirect": "indirectes", "potential_direct": "directes potentielles",
            "potential_indirect": "indirectes potentielles"}[variant]
    cut = "moyenne" if result.cut == "mean" else "médiane"
    return _layout(fig, f"Plan influence / dépendance (relations {name}, coupure à la {cut})",
                   xaxis=dict(title="Dépendance (‰)", rangemode="tozero"),
                   yaxis=dict(title="Influence (‰)", rangemode="tozero"),
                   legend=dict(orientation="h", y=-0.2), height=600)


def micmac_displacement(result: MicmacResult, titles: dict[str, str]) -> go.Figure:
    """Arrows from each variable's direct position to its indirect position (in ‰)."""
    table = result.table
    fig = go.Figure()
    for variable, row in table.iterrows():
        x0, y0 = float(row["direct_dependence_permille"]), float(row["direct_influence_permille"])
        x1, y1 = float(row["indirect_dependence_permille"]), float(row["indirect_influence_permille"])
        fig.add_annotation(x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y",
                           showarrow=True, arrowhead=3, arrowwidth=2, arrowcolor="#1f5fa8", text="")
        title = titles.get(variable, str(variable))
        fig.add_trace(go.Scatter(x=[x1], y=[y1], mode="markers+text", text=[plain(shorten(title, 26))],
                                 textposition="top center", marker=dict(size=12, color="#1f5fa8"), showlegend=False,
                                 customdata=[plain(title)],  # user text never goes inside a hovertemplate
                                 hovertemplate=f"%{{customdata}}<br>direct : ({x0:.0f} ; {y0:.0f})"
                                               f"<br>indirect : ({x1:.0f} ; {y1:.0f})<extra></extra>"))
    return _layout(fig, "Déplacement des positions, du direct à l'indirect",
                   xaxis=dict(title="Dépendance (‰)", rangemode="tozero"), yaxis=dict(title="Influence (‰)", rangemode="tozero"))


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
    """The cap, its strategic objectives and their operational ones, as a tree (treemap)."""
    if objectives.empty:
        return placeholder("Ajoutez un premier objectif stratégique")
    root = f"Cap {horizon}"
    ids, labels, parents, hover = [root], [root], [""], [plain(ambition) if ambition else "Ambition à formuler"]
    for row in objectives.to_dict("records"):
        ids.append(row["id"])
        labels.append(plain(shorten(row["objectif"], 40)))
        parents.append(row["parent_id"] or root)
        hover.append(f"{plain(row['objectif'])}<br>{plain(row['niveau'])}<br>enjeux : {plain(row['enjeux'] or 'aucun')}")
    fig = go.Figure(go.Treemap(ids=ids, labels=labels, parents=parents, customdata=hover,
                               hovertemplate="%{customdata}<extra></extra>", textfont=dict(size=18),
                               marker=dict(colors=["#0b3d2e"] + ["#0b6e4f" if p == root else "#7bbf9e" for p in parents[1:]]),
                               root=dict(color="#0b3d2e")))
    return _layout(fig, f"Le cap à {horizon} et ses objectifs", height=480, margin=dict(l=10, r=10, t=60, b=10))


def actor_plane(actors: pd.DataFrame, cuts: pd.Series) -> go.Figure:
    """MACTOR's influence/dependence plane of the actors (Ii, Di), with its four sectors."""
    fig = go.Figure()
    for sector, colour in ACTOR_SECTOR_COLOURS.items():
        rows = actors[actors["sector"] == sector]
        fig.add_trace(go.Scatter(
            x=rows["dependence"], y=rows["influence"], mode="markers+text", name=ACTOR_SECTOR_LEGEND[sector],
            text=[plain(shorten(i, 26)) for i in rows.index], textposition="top center", marker=dict(size=16, color=colour),
            customdata=list(zip([plain(i) for i in rows.index], rows["ri_star"].round(2))),
            hovertemplate="%{customdata[0]}<br>dépendance %{x}<br>influence %{y}<br>rapport de force ri* %{customdata[1]}<extra></extra>"))
    fig.add_vline(x=float(cuts["dependence"]), line=dict(color="#444", dash="dash"))
    fig.add_hline(y=float(cuts["influence"]), line=dict(color="#444", dash="dash"))
    return _layout(fig, "Plan des influences et dépendances entre acteurs (MIDI)",
                   xaxis=dict(title="Dépendance", rangemode="tozero"), yaxis=dict(title="Influence", rangemode="tozero"),
                   legend=dict(orientation="h", y=-0.2), height=580)


def convergence_graph(edges: pd.DataFrame, actors: list[str], level: int = 2) -> go.Figure:
    """Actors on a circle, linked by their convergences (green) and divergences (red) on the objectives."""
    import math as _m

    chosen = edges[edges["level"] == level]
    if chosen.empty:
        return placeholder("Renseignez les positions des acteurs sur les objectifs")
    angle = {a: 2 * _m.pi * i / len(actors) for i, a in enumerate(actors)}
    pos = {a: (_m.cos(t), _m.sin(t)) for a, t in angle.items()}
    fig = go.Figure()
    for row in chosen.itertuples(index=False):
        (x0, y0), (x1, y1) = pos[row.actor_a], pos[row.actor_b]
        colour = "#0b6e4f" if row.kind == "convergence" else "#b3261e"
        fig.add_trace(go.Scatter(x=[x0, x1], y=[y0, y1], mode="lines", showlegend=False, hoverinfo="text",
                                 line=dict(color=colour, width=1 + 7 * float(row.normalised)),
                                 text=f"{row.kind} {plain(row.actor_a)} – {plain(row.actor_b)} : {row.intensity:.1f}"))
    fig.add_trace(go.Scatter(x=[pos[a][0] for a in actors], y=[pos[a][1] for a in actors], mode="markers+text",
                             text=[plain(shorten(a, 24)) for a in actors], textposition="top center", showlegend=False,
                             marker=dict(size=14, color="#222"), hovertemplate="%{text}<extra></extra>"))
    return _layout(fig, f"Convergences (vert) et divergences (rouge) entre acteurs, niveau {level}MAO",
                   xaxis=dict(visible=False, range=[-1.5, 1.5]), yaxis=dict(visible=False, range=[-1.3, 1.3]),
                   height=560)


def mobilisation(objectives: pd.DataFrame, level: int = 3) -> go.Figure:
    """For each objective: agreement (right) and disagreement (left) of the actors, weighted (kMAO)."""
    fig = go.Figure([
        go.Bar(y=[plain(shorten(i, 36)) for i in objectives.index], x=objectives[f"agreement_{level}"], orientation="h",
               name="accord", marker_color="#0b6e4f", hovertemplate="%{y} : accord %{x:.1f}<extra></extra>"),
        go.Bar(y=[plain(shorten(i, 36)) for i in objectives.index], x=objectives[f"disagreement_{level}"], orientation="h",
               name="désaccord", marker_color="#b3261e", hovertemplate="%{y} : désaccord %{x:.1f}<extra></extra>"),
    ])
    return _layout(fig, f"Mobilisation des acteurs sur les objectifs ({level}MAO)", barmode="relative",
                   yaxis=dict(autorange="reversed"), xaxis=dict(title="désaccord ← → accord"),
                   height=max(320, 80 + 40 * len(objectives)), legend=dict(orientation="h", y=-0.15))


def power_interest(actors: pd.DataFrame) -> go.Figure:
    """Actors placed by power (vertical) and interest (horizontal), 0-10."""
    placed = actors.dropna(subset=["power", "interest"])
    if placed.empty:
        return placeholder("Placez les acteurs (pouvoir, intérêt) ou déduisez-les de MACTOR")
    fig = go.Figure(go.Scatter(x=placed["interest"], y=placed["power"], mode="markers+text",
                               text=[plain(shorten(n, 24)) for n in placed["name"]], textposition="top center",
                               marker=dict(size=16, color="#1f5fa8"),
                               hovertemplate="%{text}<br>intérêt %{x}<br>pouvoir %{y}<extra></extra>"))
    fig.add_hline(y=5, line=dict(color="#999", dash="dot"))
    fig.add_vline(x=5, line=dict(color="#999", dash="dot"))
    for x, y, text in [(2.5, 10.4, "à satisfaire"), (7.5, 10.4, "à associer étroitement"),
                       (2.5, -0.4, "à surveiller"), (7.5, -0.4, "à informer")]:
        fig.add_annotation(x=x, y=y, text=text, showarrow=False, font=dict(size=15, color="#555"))
    return _layout(fig, "Grille pouvoir / intérêt des acteurs", xaxis=dict(title="Intérêt", range=[-0.5, 10.5]),
                   yaxis=dict(title="Pouvoir", range=[-0.8, 10.8]), showlegend=False)
