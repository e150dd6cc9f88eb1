"""French text and number formatting shared by the HTML and Word renderers.

Formatting happens once, when a block is added to a `Document`, so both renderers show the very same
strings and a later change to the caller's DataFrame cannot alter a document already assembled.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from collections.abc import Callable, Mapping

from kit.lazy import numpy as np  # imported on first table (see kit.lazy)
from kit.lazy import pandas as pd  # imported on first table (see kit.lazy)

# A no-break space groups thousands: it is what French typography asks for, it never lets a number
# wrap across two lines, and unlike the narrow no-break space (U+202F) every Word font has a glyph.
THOUSANDS = "\u00a0"
MISSING = "—"

# Characters XML 1.0 forbids (Word refuses the whole file for one of them), lone surrogates (they
# cannot be encoded to UTF-8) and the two non-characters. Tab and newline are kept: they are layout.
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")

NumberFormat = int | Callable[[float], str] | Mapping[str, "int | Callable[[float], str]"] | None


def clean_text(value: object) -> str:
    """User text made safe for any XML or HTML output: line ends unified, forbidden characters dropped."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return _INVALID.sub("", text)


def format_number(value: float, decimals: int = 0) -> str:
    """``1234567.891, 2`` → ``"1 234 567,89"`` (no-break spaces, decimal comma, minus sign kept)."""
    text = f"{value:,.{decimals}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]  # -0,0 reads as a mistake
    return text.replace(",", THOUSANDS).replace(".", ",")


def format_short_number(value: float) -> str:
    """A measured value on screen: a whole number without decimals, any other with one."""
    return format_number(value, 0 if float(value).is_integer() else 1)


def format_date(day: dt.date) -> str:
    """``2025-03-01`` → ``"1er mars 2025"``, as a French letter head writes it."""
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {MONTHS[day.month - 1]} {day.year}"


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def format_cell(value: object, decimals: int, missing: str,
                booleans: tuple[str, str] = ("oui", "non")) -> tuple[str, bool]:
    """One table value as text, and whether it is a number (numbers are right-aligned)."""
    if _is_missing(value):
        return missing, False
    if isinstance(value, (bool, np.bool_)):
        return (booleans[0] if value else booleans[1]), False
    if isinstance(value, numbers.Integral):
        return format_number(int(value), 0), True
    if isinstance(value, numbers.Real):
        if math.isinf(value):
            return ("-∞" if value < 0 else "∞"), True
        return format_number(float(value), decimals), True
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return value.strftime("%d/%m/%Y %H:%M") if (value.hour or value.minute) else value.strftime("%d/%m/%Y"), False
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y"), False
    return clean_text(value), False


def _column_formatter(number_format: NumberFormat, column: str, default: int) -> Callable[[object], str] | int:
    rule = number_format.get(column, default) if isinstance(number_format, Mapping) else number_format
    return default if rule is None else rule


def format_table(df: pd.DataFrame, number_format: NumberFormat = None, missing: str = MISSING,
                 default_decimals: int = 2,
                 booleans: tuple[str, str] = ("oui", "non")) -> tuple[list[str], list[list[str]], list[bool]]:
    """A DataFrame as header, rows of strings, and which columns hold numbers.

    `number_format`: decimals for every float column (int), a function number → text, or a mapping
    column name → either of those. Integer values never get decimals. A named index is shown as
    leading columns; an unnamed one (0, 1, 2…) carries no information and is left out.
    """
    if any(name is not None for name in df.index.names):
        df = df.reset_index()
    header = [clean_text(" – ".join(map(str, c)) if isinstance(c, tuple) else c) for c in df.columns]
    rows: list[list[str]] = []
    is_number = [[False] * len(df) for _ in df.columns]
    for r, record in enumerate(df.itertuples(index=False, name=None)):
        row = []
        for c, value in enumerate(record):
            rule = _column_formatter(number_format, header[c], default_decimals)
            if callable(rule) and isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)) \
                    and not _is_missing(value):
                text, number = clean_text(rule(value)), True
            else:
                text, number = format_cell(value, rule if isinstance(rule, int) else default_decimals, missing,
                                           booleans)
            row.append(text)
            is_number[c][r] = number
        rows.append(row)
    # A column is numeric (right-aligned, header too) when every non-missing value is a number.
    numeric = [
        any(flags) and all(flag or rows[r][c] == missing for r, flag in enumerate(flags))
        for c, flags in enumerate(is_number)
    ]
    return header, rows, numeric
