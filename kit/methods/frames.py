"""Input tables of the methods: records or a DataFrame, checked for the columns a method needs."""

from __future__ import annotations

import sys
from collections.abc import Mapping

from kit.errors import KitError
from kit.lazy import pandas as pd  # imported on first table (see kit.lazy)


def table_with_columns(data, required: list[str], what: str) -> pd.DataFrame:
    """`data` (a DataFrame, or a list of dicts) as a DataFrame with at least the `required` columns.

    Nothing at all gives an empty table with those columns; a table that lacks some is refused with a
    French sentence naming them (`what` is the plural noun of the rows: "acteurs", "relations"...).
    """
    frame = data if isinstance(data, pd.DataFrame) else pd.DataFrame(list(data or []))
    if frame.empty and len(frame.columns) == 0:
        return pd.DataFrame(columns=required)
    _refuse_missing([c for c in required if c not in frame.columns], what)
    return frame


def is_frame(data) -> bool:
    """Whether `data` is a DataFrame, asked without importing pandas: none exists before pandas is loaded."""
    pandas = sys.modules.get("pandas")
    return pandas is not None and isinstance(data, pandas.DataFrame)


def records_with_columns(data, required: list[str], what: str) -> list[dict]:
    """`data` (a DataFrame, or a list of dicts) as a list of dicts, read and refused as `table_with_columns`
    reads it (a key a row lacks is missing: None where the table had NaN). A list of dicts is read without
    pandas: the checks a first screen shows run before any table (see kit.lazy)."""
    if is_frame(data):
        return table_with_columns(data, required, what).to_dict("records")
    rows = list(data or [])
    if not all(isinstance(row, Mapping) for row in rows):  # rows of values: as pandas reads them
        return table_with_columns(rows, required, what).to_dict("records")
    columns = dict.fromkeys(key for row in rows for key in row)
    if not columns:
        return []
    _refuse_missing([c for c in required if c not in columns], what)
    return [dict(row) for row in rows]


def _refuse_missing(missing: list[str], what: str) -> None:
    if missing:
        listed = " ni ".join(f"« {c} »" for c in missing)
        raise KitError(f"Le tableau des {what} n'a pas de colonne {listed}.")
