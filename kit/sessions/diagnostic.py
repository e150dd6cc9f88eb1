"""The neighbourhood diagnostic: indicator values of the workspace as tables, portraits and comparisons.

Places: each neighbourhood (`qpv`, by id), the communes of the neighbourhoods (`commune`, by name as
typed), the EPCI (`epci`, by SIREN), the region (`region`, "75") and France (`france`). A value that
is missing or secret stays missing (NaN with its note): the kit never shows it as zero.
"""

from __future__ import annotations

import math

from kit.lazy import pandas as pd  # imported on first table (see kit.lazy)
from kit import edits
from kit.errors import KitError
from kit.reference.indicators import catalogue_rows, load_catalogue, parse_cell
from kit.model import CustomIndicator, IndicatorValue, Workspace
from kit.text import fold

REGION_CODE = "75"  # Nouvelle-Aquitaine
CUSTOM_THEME = "Indicateurs du territoire"  # the theme the workspace's own indicators are shown under
DIRECTIONS = {"bas": "plus bas, c'est mieux", "haut": "plus haut, c'est mieux",
              "neutre": "ni mieux ni moins bien : à lire selon le contexte"}  # an indicator's `sens`, in words


def indicator_catalogue(ws: Workspace | None) -> pd.DataFrame:
    """The catalogue's indicators (data/indicateurs/catalogue.csv), then the workspace's own
    (`ws.custom_indicators`) as rows of the same columns: every list, table and chart of indicators
    reads this, so an indicator of the territory shows wherever a catalogue one does."""
    catalogue = load_catalogue()
    if ws is None or not ws.custom_indicators:
        return catalogue
    rows = [{**{column: "" for column in catalogue.columns},
             "code": i.id, "theme": CUSTOM_THEME, "libelle": i.name, "definition": i.definition, "unite": i.unit,
             "sens": i.direction, "producteur": i.source or "source à préciser", "echelle": "qpv"}
            for i in ws.custom_indicators]
    return pd.concat([catalogue, pd.DataFrame(rows, columns=catalogue.columns)], ignore_index=True)


def indicator_label(row) -> str:
    """How a list offers an indicator: « Taux de pauvreté (%) », the unit left out when it has none."""
    return f"{row.libelle} ({row.unite})" if row.unite else row.libelle


def indicator_options(ws: Workspace | None) -> list[tuple[str, str]]:
    """(label with unit, code) of every indicator, catalogue then the territory's: what a choice list offers.
    Read from the catalogue's rows, not `indicator_catalogue`'s frame: the session-1 app offers them on its
    first screen, before pandas is loaded."""
    catalogue = [(f"{r['libelle']} ({r['unite']})" if r["unite"] else r["libelle"], r["code"]) for r in catalogue_rows()]
    own = [(f"{i.name} ({i.unit})" if i.unit else i.name, i.id) for i in (ws.custom_indicators if ws else [])]
    return catalogue + own


def indicator_names(ws: Workspace | None) -> list[tuple[str, str]]:
    """(name, code) of every indicator, catalogue then the territory's (a stake's indicators list), without pandas."""
    return [(r["libelle"], r["code"]) for r in catalogue_rows()] + [(i.name, i.id) for i in (ws.custom_indicators if ws else [])]


def places(ws: Workspace) -> list[dict]:
    """The columns of the diagnostic table, in reading order: neighbourhoods, then their references."""
    columns = [{"id": f"qpv:{n.id}", "label": n.name, "kind": "qpv", "place": n.id} for n in ws.neighbourhoods]
    for commune in dict.fromkeys(n.commune for n in ws.neighbourhoods if n.commune):
        columns.append({"id": f"commune:{commune}", "label": commune, "kind": "commune", "place": commune})
    epci = ws.territory.epci_siren or ws.territory.epci_name
    if epci:
        columns.append({"id": f"epci:{epci}", "label": ws.territory.epci_name or "EPCI", "kind": "epci", "place": epci})
    columns.append({"id": f"region:{REGION_CODE}", "label": "Nouvelle-Aquitaine", "kind": "region", "place": REGION_CODE})
    columns.append({"id": "france:", "label": "France", "kind": "france", "place": ""})
    return columns


def split_place(column_id: str) -> tuple[str, str]:
    kind, _, place = column_id.partition(":")
    return kind, place


def value_of(ws: Workspace, indicator: str, kind: str, place: str) -> IndicatorValue | None:
    for v in ws.indicator_values:
        if (v.indicator, v.place_kind, v.place) == (indicator, kind, place):
            return v
    return None


def set_value(ws: Workspace, indicator: str, kind: str, place: str, text: str, source: str = "saisie") -> IndicatorValue | None:
    """Set a value from what a person typed ("12,5", "s" for secret, "" to clear). Returns the value kept.
    A value typed again keeps the year and the source it was given (`edit_value`)."""
    number, note = read_cell(indicator, text, ws)
    before = value_of(ws, indicator, kind, place)
    ws.indicator_values = [v for v in ws.indicator_values if (v.indicator, v.place_kind, v.place) != (indicator, kind, place)]
    if not str(text).strip():
        return None
    value = IndicatorValue(indicator=indicator, place_kind=kind, place=place, value=number, note=note,
                           source=before.source if before is not None and before.source else source,
                           year=before.year if before is not None else None)
    ws.indicator_values.append(value)
    return value


def read_cell(indicator: str, text: str, ws: Workspace | None = None) -> tuple[float | None, str]:
    """(number, note) of what a person typed for `indicator` (« 12,5 », « s » secret, empty), or the French refusal.
    `indicator` is a catalogue code or, given `ws`, one of its own indicators."""
    if indicator not in set(indicator_catalogue(ws)["code"]):
        raise KitError(f"Indicateur inconnu : {indicator}.")
    try:
        return parse_cell(text)
    except ValueError as error:
        raise KitError(f"« {text} » : {error}") from None


def value_or_blank(ws: Workspace, indicator: str, kind: str, place: str) -> IndicatorValue:
    """The value of a cell, or a blank one (not in the workspace) for a cell nobody filled: what a form shows."""
    return value_of(ws, indicator, kind, place) or IndicatorValue(indicator=indicator, place_kind=kind, place=place)


def keep_value(ws: Workspace, indicator: str, kind: str, place: str) -> IndicatorValue:
    """The value of a cell in `ws`, added blank if nobody filled it yet (a form is about to write it)."""
    value = value_of(ws, indicator, kind, place)
    if value is None:
        value = IndicatorValue(indicator=indicator, place_kind=kind, place=place)
        ws.indicator_values.append(value)
    return value


def drop_if_empty(ws: Workspace, value: IndicatorValue) -> None:
    """A value with no number, note, year nor source says nothing: it leaves the workspace."""
    if value.value is None and not value.note and value.year is None and not value.source:
        ws.indicator_values = [v for v in ws.indicator_values if v is not value]


def shown(value: IndicatorValue | None) -> str:
    """How a value is written in a cell: French decimal comma; a note when there is no number."""
    if value is None:
        return ""
    if value.value is None:
        return value.note or "—"
    return format_number(value.value)


def format_number(number: float) -> str:
    if number is None or (isinstance(number, float) and math.isnan(number)):
        return "—"
    text = f"{number:,.2f}".rstrip("0").rstrip(".") if not float(number).is_integer() else f"{int(number):,}"
    return text.replace(",", " ").replace(".", ",")


def values_table(ws: Workspace) -> pd.DataFrame:
    """Indicators (rows, catalogue order, then the territory's) x places (columns, labels): numbers, NaN when missing."""
    catalogue = indicator_catalogue(ws)
    columns = places(ws)
    table = pd.DataFrame(float("nan"), index=catalogue["code"], columns=[c["id"] for c in columns])
    for v in ws.indicator_values:
        column = f"{v.place_kind}:{v.place}"
        if column in table.columns and v.indicator in table.index and v.value is not None:
            table.loc[v.indicator, column] = v.value
    return table


def portrait(ws: Workspace, neighbourhood_id: str) -> pd.DataFrame:
    """One neighbourhood against its commune, EPCI, region and France, by theme, with a reading."""
    n = ws.neighbourhood(neighbourhood_id)
    catalogue = indicator_catalogue(ws).set_index("code")
    references = [("commune", n.commune, "commune"), ("epci", ws.territory.epci_siren or ws.territory.epci_name, "EPCI"),
                  ("region", REGION_CODE, "région"), ("france", "", "France")]
    rows = []
    for code, meta in catalogue.iterrows():
        own = value_of(ws, code, "qpv", n.id)
        row = {"thème": meta["theme"], "indicateur": meta["libelle"], "unité": meta["unite"],
               "quartier": own.value if own else float("nan"), "note": own.note if own else "non renseigné"}
        for kind, place, label in references:
            ref = value_of(ws, code, kind, place) if (place or kind == "france") else None
            row[label] = ref.value if ref and ref.value is not None else float("nan")
        row["lecture"] = _reading(row["quartier"], row, meta["sens"])
        row["où trouver la donnée"] = ("" if own and own.value is not None else
                                       f"{meta['producteur']} : {meta['page']}" if meta["page"] else meta["producteur"])
        rows.append(row)
    return pd.DataFrame(rows)


_WITH_ARTICLE = {"EPCI": "l'EPCI", "région": "la région", "France": "la France"}


def _reading(value: float, row: dict, direction: str) -> str:
    """Compare with the nearest reference available (EPCI, then region, then France)."""
    if value is None or math.isnan(value):
        return "donnée manquante"
    for label, named in _WITH_ARTICLE.items():
        ref = row.get(label)
        if ref is None or math.isnan(ref):
            continue
        if value == ref:
            return f"égal à {named}"
        if direction == "neutre":
            return f"{'au-dessus' if value > ref else 'en dessous'} de {named}"
        better = (value > ref) == (direction == "haut")
        return f"{'plus' if better else 'moins'} favorable que {named}"
    return "pas de valeur de référence"


def comparison(ws: Workspace) -> pd.DataFrame:
    """The territory's neighbourhoods side by side (rows: indicators with at least one value)."""
    table = values_table(ws)
    qpv = [c for c in places(ws) if c["kind"] == "qpv"]
    out = table[[c["id"] for c in qpv]].rename(columns={c["id"]: c["label"] for c in qpv})
    catalogue = indicator_catalogue(ws).set_index("code")
    out.insert(0, "indicateur", [catalogue.loc[c, "libelle"] for c in out.index])
    out.insert(1, "unité", [catalogue.loc[c, "unite"] for c in out.index])
    return out[out.iloc[:, 2:].notna().any(axis=1)].reset_index(drop=True)


def apply_import(ws: Workspace, values: pd.DataFrame, source: str) -> int:
    """Put imported values (qpv_code, indicator, value, note) in the workspace; returns how many."""
    known = set(indicator_catalogue(ws)["code"])
    gone = sorted(set(values["indicator"]) - known)
    if gone:  # an indicator of the territory removed by someone else since the columns were chosen
        raise KitError("Un indicateur choisi n'existe plus : il a peut-être été retiré par une autre personne. "
                       "Choisissez à nouveau les colonnes.")
    by_code = {n.qpv_code: n.id for n in ws.neighbourhoods if n.qpv_code}
    count = 0
    for row in values.itertuples(index=False):
        place = by_code.get(row.qpv_code)
        if place is None:
            raise KitError(f"Le quartier {row.qpv_code} n'est pas dans cet espace : ajoutez-le d'abord depuis l'accueil.")
        ws.indicator_values = [v for v in ws.indicator_values
                               if (v.indicator, v.place_kind, v.place) != (row.indicator, "qpv", place)]
        number = None if pd.isna(row.value) else float(row.value)
        ws.indicator_values.append(IndicatorValue(indicator=row.indicator, place_kind="qpv", place=place,
                                                  value=number, note=row.note or "", source=source[:200]))
        count += 1
    return count


def map_indicators(ws: Workspace) -> list[str]:
    """The indicators (catalogue, then the territory's) that have a number for at least one neighbourhood."""
    known = {v.indicator for v in ws.indicator_values if v.place_kind == "qpv" and v.value is not None}
    return [code for code in indicator_catalogue(ws)["code"] if code in known]


def map_frame(ws: Workspace, indicator: str) -> pd.DataFrame:
    """One row per neighbourhood with a QPV code, indexed by the code: its name, the indicator's value
    (NaN when missing or secret), that value as the diagnostic writes it, and its note."""
    rows = []
    for n in ws.neighbourhoods:
        if not n.qpv_code:
            continue
        own = value_of(ws, indicator, "qpv", n.id)
        number = own.value if own is not None and own.value is not None else float("nan")
        rows.append({"code": n.qpv_code, "quartier": n.name, "valeur": number,
                     "texte": format_number(number) if own is not None and own.value is not None else "",
                     "note": (own.note or "") if own is not None and own.value is None else
                     ("" if own is not None else "non renseigné")})
    frame = pd.DataFrame(rows, columns=["code", "quartier", "valeur", "texte", "note"]).set_index("code")
    return frame[~frame.index.duplicated()]  # one shape per code: the first neighbourhood that names it


def indicator_meta(indicator: str, ws: Workspace | None = None) -> dict:
    """The label, unit and direction (« haut », « bas », « neutre ») of an indicator of the catalogue or,
    given `ws`, of the territory's own."""
    catalogue = indicator_catalogue(ws).set_index("code")
    if indicator not in catalogue.index:
        raise KitError(f"Indicateur inconnu : {indicator}.")
    row = catalogue.loc[indicator]
    return {"label": row["libelle"], "unit": row["unite"], "direction": row["sens"]}


# -- the territory's own indicators ------------------------------------------------------------------

def check_indicator_name(ws: Workspace, name: str, ignore_id: str | None = None) -> None:
    """Refuse a name an indicator of the catalogue or of the territory already bears (compared as people read
    them, `kit.text.fold`): a list never offers two indicators nobody can tell apart."""
    if fold(name) in {fold(label) for label in load_catalogue()["libelle"]}:
        raise KitError(f"« {name.strip()} » est déjà un indicateur du catalogue : saisissez ses valeurs dans le tableau.")
    edits.require_unique(ws.custom_indicators, name, f"L'indicateur du territoire « {name.strip()} » existe déjà.",
                         field="name", ignore_id=ignore_id)


def add_custom_indicator(ws: Workspace, indicator: CustomIndicator) -> None:
    check_indicator_name(ws, indicator.name)
    ws.custom_indicators.append(indicator)
