"""The territories of a cohort side by side: tables and charts for a regional meeting.

Pure functions of the shares (`cohorts.Share`): only `share.ws` (the shared view, never the workspace
itself), `share.name` and `share.eligibility` are read, so a territory appears here only through what it
consents to share, and a territory that shares nothing is simply not in the list it is given. Nothing here
loads a workspace, opens a file or draws a widget: the cohort's app and the regional synthesis
(`kit.reports.regards_croises`) show the very same tables.

Each table is a DataFrame with French headers, one row per fact a room reads; numbers stay numbers (the
kit's renderers write them in French: pass `NUMBER_FORMAT` to `Document.table` or `frame_html`). The
computations are the kit's own, run on each territory's view: the indicator values of the diagnostic, the
MICMAC of session 1, the checks of the project group and of the governance of session 2, the follow-up by
theme. Each function reads each share once (no work per pair of territories): 50 territories stay quick.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

import pandas as pd

from kit.errors import KitError
from kit.lazy import plotly_go as go
from kit.methods.drawing import plain, short_names
from kit.model import Action, Workspace
from kit.reports.formatting import format_short_number
from kit.text import fold, shorten


class Share(Protocol):
    """What these functions read of a `kit.cohort.cohorts.Share` (that module, which reads the cohorts' folder
    and the store, is not imported here: a comparison can only be given what a territory shares)."""

    name: str
    level: str  # « resume » or « tout »: what the synthesis says each territory shares
    ws: Workspace  # the shared view
    eligibility: list[tuple[str, bool]]


YES, NO = "✓", "✗"
UNKNOWN = "—"  # a check or a condition a territory's view does not carry
NO_THEME = "Sans thème"
# A matrix rated under this share of its cells gives key variables nobody should compare.
MIN_RATED_SHARE = 0.5
TOO_LITTLE_RATED = "matrice trop peu remplie"
KEY_SECTORS = ("motrice", "relais")  # the key variables, as session 1 names them (motrices et relais)
MAX_LEGEND = 12  # territories named in a chart's legend; past it, the bars' labels say it alone
BARS_PER_FIGURE = 40  # bars of one indicator chart that stay readable on a projector and on an A4 page


def signed(value: float) -> str:
    """A gap as French readers expect it: « +3,2 », « −1 », « 0 »."""
    text = format_short_number(value)
    return f"+{text}" if value > 0 else text.replace("-", "−")


# How the tables' numbers are written: `Document.table(..., number_format=NUMBER_FORMAT)`, or
# `kit.reports.html_table.frame_html(frame, number_format=NUMBER_FORMAT)` on a screen.
NUMBER_FORMAT = {"Valeur": format_short_number, "Région": format_short_number, "Écart à la région": signed,
                 "Budget (€)": 0, "Influence": 0, "Dépendance": 0, "Avancement (%)": 0}

COLOURS = ("#1f5fa8", "#c77700", "#0b6e4f", "#b3261e", "#6a3d9a", "#8c564b", "#d6337f", "#4d4d4d",
           "#17becf", "#7f7f00")  # one per territory, in the cohort's order (ten, then again)


# -- themes ------------------------------------------------------------------------------------------

def transition_themes() -> list[str]:
    """The transition themes a stake can take (data/themes_transition.csv), in their order."""
    from kit.reference.indicators import load_themes

    return load_themes()["libelle"].tolist()


class _Themes:
    """A theme as typed (« precarite energetique ») read as the catalogue's (« Précarité énergétique »)."""

    def __init__(self) -> None:
        self.order = transition_themes()
        self._by_fold = {fold(t): t for t in self.order}

    def label(self, theme: str) -> str:
        text = " ".join(str(theme or "").split())
        return self._by_fold.get(fold(text), text) if text else ""

    def ordered(self, themes: Iterable[str]) -> list[str]:
        """The catalogue's themes first, in its order, then the others (alphabetical), « Sans thème » last."""
        found = set(themes)
        rank = {t: i for i, t in enumerate(self.order)}
        others = sorted((t for t in found if t not in rank and t != NO_THEME), key=fold)
        return [t for t in self.order if t in found] + others + ([NO_THEME] if NO_THEME in found else [])


def theme_label(theme: str) -> str:
    """A stake's theme as the cohort counts it: the catalogue's spelling when it is one of its themes."""
    return _Themes().label(theme)


def action_themes(ws: Workspace, action: Action, *, _themes: _Themes | None = None) -> list[str]:
    """The transition themes of a fiche action: those of the stakes its objectives answer (as the follow-up
    counts them), each once, in the catalogue's order; empty when no objective leads to a themed stake."""
    themes = _themes or _Themes()
    objectives = {o.id: o for o in ws.objectives}
    stakes = {s.id: s for s in ws.stakes}
    found = []
    for objective_id in action.objective_ids:
        objective = objectives.get(objective_id)
        for stake_id in objective.stake_ids if objective else ():
            stake = stakes.get(stake_id)
            label = themes.label(stake.theme) if stake else ""
            if label and label not in found:
                found.append(label)
    return themes.ordered(found)


def _objective_themes(ws: Workspace, objective, themes: _Themes) -> list[str]:
    stakes = {s.id: s for s in ws.stakes}
    return themes.ordered({themes.label(stakes[i].theme) for i in objective.stake_ids if i in stakes} - {""})


# -- territories' labels -----------------------------------------------------------------------------

def distinctive_names(names: Sequence[str]) -> list[str]:
    """The names without the words every one of them starts or ends with (« Démonstration – … (territoire
    fictif) », « Communauté d'agglomération … »): what tells territories apart, for labels a room reads. Kept
    whole when that would leave one of them empty, or when there is a single name."""
    words = [str(n).split() for n in names]
    if len(words) < 2:
        return [" ".join(w) for w in words]
    shortest = min(len(w) for w in words)
    head = 0
    while head < shortest - 1 and len({w[head] for w in words}) == 1:
        head += 1
    tail = 0
    while tail < shortest - head - 1 and len({w[-1 - tail] for w in words}) == 1:
        tail += 1
    kept = [w[head:len(w) - tail] for w in words]
    kept = [k[1:] if k and k[0] in ("–", "-", ":", "·") else k for k in kept]  # « – Val d'Aurène » reads « Val d'Aurène »
    if not all(kept) or any(" ".join(k).isdigit() for k in kept):  # « 2 » says less than « Territoire 2 »
        return [" ".join(w) for w in words]
    return [" ".join(k) for k in kept]


def territory_labels(shares: Sequence[Share], width: int = 22) -> list[str]:
    """One short label per territory, all different (for charts: a legend, a tick)."""
    return [" ".join(lines) for lines in short_names(distinctive_names([s.name for s in shares]), width, 1)]


def _columns_of(shares: Sequence[Share]) -> list[str]:
    """The territories as table columns: their names, made distinct if two territories share one."""
    names, seen = [], {}
    for share in shares:
        name = share.name
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return names


# -- indicators --------------------------------------------------------------------------------------

def _catalogue():
    from kit.sessions.diagnostic import indicator_catalogue

    return indicator_catalogue(None)


def indicator_options(shares: Sequence[Share]) -> list[tuple[str, str]]:
    """(label, code) of the indicators with a value for at least one neighbourhood of a territory: the
    catalogue's (in its order), then each territory's own, named with the territory."""
    from kit.sessions.diagnostic import indicator_label

    catalogue = _catalogue()
    known = set(catalogue["code"])
    valued: set[str] = set()
    own: list[tuple[str, str]] = []
    for share in shares:
        ws = share.ws
        with_value = {v.indicator for v in ws.indicator_values if v.place_kind == "qpv" and v.value is not None}
        valued |= with_value & known
        for indicator in ws.custom_indicators:
            if indicator.id in with_value:
                unit = f" ({indicator.unit})" if indicator.unit else ""
                own.append((f"{indicator.name}{unit} — {share.name}", indicator.id))
    return [(indicator_label(r), r.code) for r in catalogue.itertuples() if r.code in valued] + own


def indicator_meta(shares: Sequence[Share], code: str) -> dict:
    """The label, unit and direction of an indicator of the catalogue or of one territory's own."""
    catalogue = _catalogue().set_index("code")
    if code in catalogue.index:
        row = catalogue.loc[code]
        return {"label": row["libelle"], "unit": row["unite"], "direction": row["sens"]}
    for share in shares:
        for indicator in share.ws.custom_indicators:
            if indicator.id == code:
                return {"label": indicator.name, "unit": indicator.unit, "direction": indicator.direction}
    raise KitError(f"Indicateur inconnu : {code}.")


def _latest(values):
    """The value of the most recent year (a value without a year comes before any dated one)."""
    return max(values, key=lambda v: -1 if v.year is None else v.year) if values else None


def _shows(ws: Workspace, code: str, catalogue_codes: set[str]) -> bool:
    return code in catalogue_codes or any(i.id == code for i in ws.custom_indicators)


INDICATOR_COLUMNS = ["Territoire", "Quartier", "Valeur", "Année", "Région", "Écart à la région"]


def indicator_table(shares: Sequence[Share], code: str) -> pd.DataFrame:
    """One row per neighbourhood of every territory that knows the indicator: its value (the most recent
    year), the year, the region's value the territory gives (NaN when it gives none) and the gap to it, in
    the indicator's unit. A missing or secret value stays missing: never a zero."""
    catalogue_codes = set(_catalogue()["code"])
    rows = []
    for share in shares:
        ws = share.ws
        if not _shows(ws, code, catalogue_codes):
            continue
        by_place: dict[str, list] = {}
        region = []
        for v in ws.indicator_values:
            if v.indicator != code:
                continue
            if v.place_kind == "qpv":
                by_place.setdefault(v.place, []).append(v)
            elif v.place_kind == "region" and v.value is not None:
                region.append(v)
        reference = _latest(region)
        region_value = reference.value if reference is not None else float("nan")
        for n in ws.neighbourhoods:
            own = _latest([v for v in by_place.get(n.id, []) if v.value is not None])
            value = own.value if own is not None else float("nan")
            rows.append({"Territoire": share.name, "Quartier": n.name, "Valeur": value,
                         "Année": str(own.year) if own is not None and own.year else "",
                         "Région": region_value, "Écart à la région": value - region_value})
    frame = pd.DataFrame(rows, columns=INDICATOR_COLUMNS)
    for column in ("Valeur", "Région", "Écart à la région"):
        frame[column] = frame[column].astype(float)
    return frame


def region_reference(table: pd.DataFrame) -> float | None:
    """The region's value most territories give (they may have typed different years): the line drawn."""
    values = table.drop_duplicates("Territoire")["Région"].dropna()
    if values.empty:
        return None
    return float(values.mode().iloc[0])


def _bar_labels(table: pd.DataFrame, shares: Sequence[Share]) -> list[str]:
    short = dict(zip([s.name for s in shares], territory_labels(shares)))
    combined = [f"{shorten(q, 26)} ({short.get(t, shorten(t, 22))})"
                for q, t in zip(table["Quartier"], table["Territoire"])]
    return [" ".join(lines) for lines in short_names(combined, 52, 1)]


def indicator_figure(shares: Sequence[Share], code: str, *, x_range: Sequence[float] | None = None) -> go.Figure:
    """One horizontal bar per neighbourhood with a value, coloured by territory, and a vertical line at the
    region's value. Labels « Quartier (Territoire) », short and all different. `x_range`: the axis's range
    (the synthesis draws a large cohort in several charts on one scale)."""
    from kit import charts

    meta = indicator_meta(shares, code)
    full = indicator_table(shares, code)
    table = full.dropna(subset=["Valeur"]).reset_index(drop=True)
    unit = f" ({meta['unit']})" if meta["unit"] else ""
    title = f"{plain(shorten(meta['label'], 70))}{plain(unit)}"
    if table.empty:
        return charts.placeholder(f"Aucune valeur de « {plain(shorten(meta['label'], 60))} » pour les quartiers")
    labels = _bar_labels(table, shares)
    names = [s.name for s in shares]
    short = dict(zip(names, territory_labels(shares)))
    colour = {name: COLOURS[i % len(COLOURS)] for i, name in enumerate(names)}
    fig = go.Figure()
    for name in dict.fromkeys(table["Territoire"]):
        rows = table.index[table["Territoire"] == name].tolist()
        fig.add_trace(go.Bar(
            y=[plain(labels[i]) for i in rows], x=table.loc[rows, "Valeur"].tolist(), orientation="h",
            name=plain(short.get(name, shorten(name, 22))), marker_color=colour.get(name, COLOURS[0]),
            text=[format_short_number(v) for v in table.loc[rows, "Valeur"]], textposition="outside", cliponaxis=False,
            customdata=[(plain(table.at[i, "Quartier"]), plain(name)) for i in rows],
            hovertemplate="%{customdata[0]} (%{customdata[1]})<br>%{x}<extra></extra>"))
    region = region_reference(full)
    if region is not None:
        fig.add_vline(x=region, line=dict(color="#222", dash="dash", width=2))
        fig.add_annotation(x=region, y=1, yref="paper", yanchor="bottom", showarrow=False,
                           text=f"Région : {format_short_number(region)}", font=dict(size=15, color="#222"),
                           bgcolor="rgba(255,255,255,0.85)")
    values = table["Valeur"].tolist() + ([region] if region is not None else [])
    low, high = min(0.0, min(values)), max(0.0, max(values))
    span = x_range or [low - 0.12 * (high - low) * (low < 0), high + 0.12 * (high - low or 1)]
    bars = len(table)
    shown = list(dict.fromkeys(table["Territoire"]))
    # The labels name the territory: a legend only helps while it stays short (a few rows under the axis).
    legend_rows = -(-len(shown) // 4) if 1 < len(shown) <= MAX_LEGEND else 0
    plot_height = max(220, 30 * bars)
    margin = dict(l=20, r=40, t=90, b=70 + 28 * legend_rows)
    return charts._layout(fig, title, height=plot_height + margin["t"] + margin["b"], barmode="overlay", bargap=0.25,
                          margin=margin,
                          xaxis=dict(title=plain(meta["unit"] or "valeur"), range=list(span), zeroline=True,
                                     exponentformat="none", separatethousands=True),
                          yaxis=dict(autorange="reversed", automargin=True, tickfont=dict(size=14), ticksuffix="  ",
                                     categoryorder="array", categoryarray=[plain(x) for x in labels]),
                          legend=dict(orientation="h", x=0, xanchor="left", y=-56 / plot_height, yanchor="top",
                                      font=dict(size=14)),
                          showlegend=bool(legend_rows))


# -- themes ------------------------------------------------------------------------------------------

def themes_table(shares: Sequence[Share]) -> pd.DataFrame:
    """Rows: the transition themes (the catalogue's, then any other theme a stake has, then « Sans thème »);
    one column per territory: its number of stakes on the theme."""
    themes = _Themes()
    counts = []
    for share in shares:
        count: dict[str, int] = {}
        for stake in share.ws.stakes:
            label = themes.label(stake.theme) or NO_THEME
            count[label] = count.get(label, 0) + 1
        counts.append(count)
    found = {t for count in counts for t in count}
    rows = themes.ordered(set(themes.order) | found)
    columns = _columns_of(shares)
    frame = pd.DataFrame({column: [count.get(t, 0) for t in rows] for column, count in zip(columns, counts)},
                         index=pd.Index(rows, name="Thème"), columns=columns, dtype=int)
    return frame.reset_index()


def themes_figure(shares: Sequence[Share]) -> go.Figure:
    """One bar per transition theme: how many territories have at least one stake on it (and how many stakes
    in all): what the cohort works on, readable whatever the number of territories."""
    from kit import charts

    table = themes_table(shares).set_index("Thème")
    if table.empty or not table.to_numpy().any():
        return charts.placeholder("Aucun enjeu n'est encore partagé par les territoires")
    table = table[table.sum(axis=1) > 0]
    territories = (table > 0).sum(axis=1)
    stakes_count = table.sum(axis=1)
    ticks = [plain(shorten(t, 44)) for t in table.index]
    text = [f"{t} territoire{'s' if t > 1 else ''} · {s} enjeu{'x' if s > 1 else ''}"
            for t, s in zip(territories, stakes_count)]
    fig = go.Figure(go.Bar(y=ticks, x=territories.tolist(), orientation="h", marker_color="#0b6e4f",
                           text=text, textposition="outside", cliponaxis=False,
                           hovertemplate="%{y}<br>%{text}<extra></extra>"))
    top = max(int(territories.max()), 1)
    return charts._layout(fig, "Les thèmes de transition travaillés par les territoires",
                          height=max(340, 130 + 40 * len(table)), margin=dict(l=20, r=40, t=70, b=60),
                          xaxis=dict(title="territoires ayant au moins un enjeu sur le thème", range=[0, top * 1.35],
                                     dtick=max(1, round(top / 10))),
                          yaxis=dict(autorange="reversed", automargin=True, ticksuffix="  "), showlegend=False)


# -- key variables (MICMAC) --------------------------------------------------------------------------

KEY_COLUMNS = ["Territoire", "Variable clé", "Secteur", "Influence", "Dépendance"]


def key_variables_table(shares: Sequence[Share]) -> pd.DataFrame:
    """Each territory's key variables (MICMAC, indirect relations: the stakes « motrices » and « relais »
    of session 1), most influent first, with their influence and dependence in ‰ of the matrix (one scale
    for every territory). A territory whose matrix is rated under `MIN_RATED_SHARE` gets one row saying so."""
    from kit.sessions import stakes

    rows = []
    for share in shares:
        ws = share.ws
        rated, total = stakes.rated_cells(ws)
        if len(ws.stakes) < 2 or not total or rated < MIN_RATED_SHARE * total:
            detail = f"{TOO_LITTLE_RATED} ({rated} case{'s' if rated > 1 else ''} notée{'s' if rated > 1 else ''} " \
                     f"sur {total})" if total else f"{TOO_LITTLE_RATED} (moins de deux enjeux)"
            rows.append(_key_row(share.name, detail))
            continue
        try:
            result = stakes.structural_analysis(ws)
        except KitError as error:  # a view that cannot be analysed is said, not fatal to the others
            rows.append(_key_row(share.name, f"analyse impossible : {error.message}"))
            continue
        table = result.table
        key = table[table["indirect_sector"].isin(KEY_SECTORS)]
        key = key.sort_values("indirect_influence_permille", ascending=False, kind="stable")
        titles = {s.id: s.title for s in ws.stakes}
        if key.empty:
            rows.append(_key_row(share.name, "aucune variable clé (ni motrice ni relais)"))
        for stake_id, row in key.iterrows():
            rows.append({"Territoire": share.name, "Variable clé": titles.get(stake_id, stake_id),
                         "Secteur": row["indirect_sector"], "Influence": float(row["indirect_influence_permille"]),
                         "Dépendance": float(row["indirect_dependence_permille"])})
    frame = pd.DataFrame(rows, columns=KEY_COLUMNS)
    for column in ("Influence", "Dépendance"):
        frame[column] = frame[column].astype(float).round(0)
    return frame


def _key_row(name: str, text: str) -> dict:
    return {"Territoire": name, "Variable clé": text, "Secteur": "", "Influence": float("nan"),
            "Dépendance": float("nan")}


# -- checks side by side -----------------------------------------------------------------------------

def _checks_table(labels_by_share: list[list[tuple[str, bool]]], shares: Sequence[Share], first: str) -> pd.DataFrame:
    order: dict[str, None] = {}
    for checks in labels_by_share:
        order.update((label, None) for label, _ in checks)
    columns = _columns_of(shares)
    data = {first: list(order)}
    for column, checks in zip(columns, labels_by_share):
        marks = dict((label, YES if ok else NO) for label, ok in checks)
        data[column] = [marks.get(label, UNKNOWN) for label in order]
    return pd.DataFrame(data, columns=[first, *columns])


def governance_table(shares: Sequence[Share]) -> pd.DataFrame:
    """Rows: the checks of the project group, then of the governance (session 2); one column per territory,
    « ✓ » or « ✗ »."""
    from kit.sessions import project

    checks = [[(c.label, c.ok) for c in project.group_checklist(s.ws) + project.governance_checks(s.ws)]
              for s in shares]
    if not shares:  # the rows a territory would be checked on, with no column
        empty = Workspace(id="cohorte-vide", name="—")
        checks_labels = [(c.label, False) for c in project.group_checklist(empty) + project.governance_checks(empty)]
        return pd.DataFrame({"Point vérifié": [label for label, _ in checks_labels]})
    return _checks_table(checks, shares, "Point vérifié")


def eligibility_table(shares: Sequence[Share]) -> pd.DataFrame:
    """Rows: the conditions of the application (as each territory's own checklist judged them when it
    shared); one column per territory, « ✓ » or « ✗ »."""
    return _checks_table([list(s.eligibility) for s in shares], shares, "Condition")


# -- the action plans ---------------------------------------------------------------------------------

ACTION_COLUMNS = ["Territoire", "Thème", "Fiches", "Budget (€)", "Financeurs"]


def actions_table(shares: Sequence[Share]) -> pd.DataFrame:
    """Per territory and theme: the fiches action, their budget (all years and lines) and their funders.
    A fiche on several themes counts in each of them; a fiche whose objectives answer no themed stake is
    under « Sans thème »."""
    themes = _Themes()
    rows = []
    for share in shares:
        ws = share.ws
        groups: dict[str, list[Action]] = {}
        for action in ws.actions:
            for theme in action_themes(ws, action, _themes=themes) or [NO_THEME]:
                groups.setdefault(theme, []).append(action)
        for theme in themes.ordered(groups):
            actions = groups[theme]
            funders = dict.fromkeys(" ".join(line.funder.split()) for a in actions for line in a.budget)
            funders.pop("", None)
            rows.append({"Territoire": share.name, "Thème": theme, "Fiches": len(actions),
                         "Budget (€)": float(sum(line.amount for a in actions for line in a.budget)),
                         "Financeurs": ", ".join(sorted(funders, key=fold))})
    return pd.DataFrame(rows, columns=ACTION_COLUMNS)


PROGRESS_COLUMNS = ["Territoire", "Thème", "Fiches", "Réalisées", "En retard", "Avancement (%)"]


def progress_table(shares: Sequence[Share], on=None) -> pd.DataFrame:
    """The follow-up by theme (session 3 onwards) of each territory: fiches, done, late at `on` (default
    today), share of their steps done."""
    from kit.sessions.followup import progress_by_theme

    themes = _Themes()
    rows = []
    for share in shares:
        ws = share.ws
        if any(s.theme != themes.label(s.theme) for s in ws.stakes):  # a theme typed another way (« mobilite »)
            ws = ws.model_copy(deep=True)  # counted as the catalogue's, without touching the share
            for stake in ws.stakes:
                stake.theme = themes.label(stake.theme)
        by_theme = {row["thème"]: row for row in progress_by_theme(ws, on).to_dict("records")}
        for theme in themes.ordered(by_theme):
            row = by_theme[theme]
            progress = row["avancement (%)"]
            rows.append({"Territoire": share.name, "Thème": theme, "Fiches": int(row["fiches"]),
                         "Réalisées": int(row["réalisées"]), "En retard": int(row["en retard"]),
                         "Avancement (%)": float("nan") if progress is None or pd.isna(progress) else float(progress)})
    return pd.DataFrame(rows, columns=PROGRESS_COLUMNS)


# -- what the other territories do on one's own themes -------------------------------------------------

PEER_COLUMNS = {
    "enjeux": ["Territoire", "Thème(s)", "Titre", "Quartiers", "Votes"],
    "objectifs": ["Territoire", "Thème(s)", "Titre", "Niveau"],
    "fiches": ["Territoire", "Thème(s)", "Titre", "Statut", "Budget (€)", "share_id", "action_id"],
}


def peers(own: Workspace, shares: Sequence[Share]) -> dict[str, pd.DataFrame]:
    """The other territories' stakes, objectives and fiches action on at least one transition theme of
    `own`'s stakes (« enjeux », « objectifs », « fiches »). The fiches' frame also carries `share_id` and
    `action_id` (not to show): the fiche to copy as a model."""
    themes = _Themes()
    mine = {fold(themes.label(s.theme)) for s in own.stakes} - {""}
    found: dict[str, list[dict]] = {key: [] for key in PEER_COLUMNS}
    for share in shares:
        ws = share.ws
        if ws.id == own.id or not mine:
            continue
        names = {n.id: n.name for n in ws.neighbourhoods}
        for stake in ws.stakes:
            label = themes.label(stake.theme)
            if label and fold(label) in mine:
                found["enjeux"].append({"Territoire": share.name, "Thème(s)": label, "Titre": stake.title,
                                        "Quartiers": ", ".join(names[i] for i in stake.neighbourhood_ids if i in names),
                                        "Votes": stake.votes})
        for objective in ws.objectives:
            labels = _objective_themes(ws, objective, themes)
            if any(fold(t) in mine for t in labels):
                found["objectifs"].append({"Territoire": share.name, "Thème(s)": ", ".join(labels),
                                           "Titre": objective.title, "Niveau": objective.level})
        for action in ws.actions:
            labels = action_themes(ws, action, _themes=themes)
            if any(fold(t) in mine for t in labels):
                found["fiches"].append({"Territoire": share.name, "Thème(s)": ", ".join(labels), "Titre": action.title,
                                        "Statut": action.status,
                                        "Budget (€)": float(sum(line.amount for line in action.budget)),
                                        "share_id": ws.id, "action_id": action.id})
    return {key: pd.DataFrame(rows, columns=PEER_COLUMNS[key]) for key, rows in found.items()}
