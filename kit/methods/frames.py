"""Input tables of the methods: records or a DataFrame, checked for the columns a method needs."""

from __future__ import annotations

import pandas as pd

from kit.errors import KitError


def table_with_columns(data, required: list[str], what: str) -> pd.DataFrame:
    """`data` (a DataFrame, or a list of dicts) as a DataFrame with at least the `required` columns.

    Nothing at all gives an empty table with those columns; a table that lacks some is refused with a
    French sentence naming them (`what` is the plural noun of the rows: "acteurs", "relations"...).
    """
    frame = data if isinstance(data, pd.DataFrame) else pd.DataFrame(list(data or []))
    if frame.empty and len(frame.columns) == 0:
        return pd.DataFrame(columns=required)
    missing = [c for c in required if c not in frame.columns]
    if missing:
        listed = " ni ".join(f"« {c} »" for c in missing)
        raise KitError(f"Le tableau des {what} n'a pas de colonne {listed}.")
    return frame
