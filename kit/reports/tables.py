"""Tables the kit offers as CSV files: one way to write them, so every one opens the same in a spreadsheet.

    data = csv_bytes(network.edges_table(actors, relations))   # relations.csv

French spreadsheets expect « ; » between cells and read UTF-8 only with its byte order mark. Text that a
spreadsheet would run as a formula is written as text (`kit.text.spreadsheet_safe`): a name typed as
``=HYPERLINK(...)`` in the kit must not become a live link in a partner's Excel. Numbers stay numbers.
"""

from __future__ import annotations

from kit.lazy import pandas as pd  # imported on first table (see kit.lazy)
from kit.text import spreadsheet_safe


def csv_bytes(frame: pd.DataFrame, *, sep: str = ";") -> bytes:
    """`frame` as the bytes of a CSV file (UTF-8 with BOM, `sep` between cells, no index column)."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(spreadsheet_safe)
    safe.columns = [spreadsheet_safe(str(c)) for c in safe.columns]
    return safe.to_csv(index=False, sep=sep).encode("utf-8-sig")
