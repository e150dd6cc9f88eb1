"""Small rules on French text, written once: folding for comparison, slugs, quoting, shortening.

People type « Décision », « decision » or « DÉCISION » for the same thing, Excel turns ' into ’ and
- into –, and file names must survive Windows and e-mail: every module that compares, looks up or
names something goes through these functions, so two screens never disagree on what matches.

This module imports nothing of the kit: the model and every layer above may use it.
"""

from __future__ import annotations

import math
import re
import unicodedata

LIGATURES = {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"}
APOSTROPHES = "’‘ʼ´`"
DASHES = "‐‑‒–—−"
THIN_SPACES = "\u00a0\u202f\u2009"  # French typography puts them before « ; : ! ? » and in numbers


def _same_length_table() -> dict[int, str]:
    """One lower-case, accentless character for each Latin character, typographic marks unified.

    Exactly one character out for one in, so that a position found in the folded text is a position
    in the original (the glossary wraps words as they were written). A translation table rather than
    a function per character keeps a whole page under a millisecond.
    """
    table = {}
    for code in range(0x250):  # Basic Latin to Latin Extended-B: every letter French texts use
        char = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
        lowered = (base or char).lower()
        if len(lowered) == 1 and lowered != char:
            table[code] = lowered
    table.update({ord(c): "'" for c in APOSTROPHES})
    table.update({ord(c): "-" for c in DASHES})
    table.update({ord(c): " " for c in THIN_SPACES})
    return table


_SAME_LENGTH = _same_length_table()


def fold_same_length(text: object) -> str:
    """`text` lower-cased, without accents, apostrophes and dashes unified, with the same length."""
    return str(text).translate(_SAME_LENGTH)


def open_ligatures(text: str) -> str:
    """« cœur » → « coeur »: Unicode keeps œ and æ whole, French readers do not."""
    for ligature, letters in LIGATURES.items():
        text = text.replace(ligature, letters)
    return text


def fold(text: object) -> str:
    """How the kit compares what people type: lower case, no accents, ligatures opened, ’ and – made
    ' and -, spaces collapsed. ``None`` folds to an empty text."""
    if text is None:
        return ""
    folded = unicodedata.normalize("NFKD", open_ligatures(str(text)))
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(fold_same_length(folded).casefold().split())


def ascii_letters(text: object) -> str:
    """Only ASCII characters left, accents dropped and ligatures opened (case kept): for file names."""
    decomposed = unicodedata.normalize("NFKD", open_ligatures(str(text or "")))
    return decomposed.encode("ascii", "ignore").decode()


def slug(text: object, *, limit: int = 40, default: str = "espace") -> str:
    """ASCII, lower-case, dash-separated form of a name (« Cœur de Ville » → ``coeur-de-ville``)."""
    dashed = re.sub(r"[^a-z0-9]+", "-", ascii_letters(text).lower()).strip("-")
    return dashed[:limit].strip("-") or default


def words_only(text: object) -> str:
    """Folded, and every punctuation mark turned into a space (« L'Agglo » → ``l agglo``): for
    searching names whatever their punctuation."""
    return " ".join("".join(ch if ch.isalnum() else " " for ch in fold(text)).split())


def quote(text: object) -> str:
    """A name as French sentences quote it: « name »."""
    return f"« {text} »"


def shorten(text: object, limit: int) -> str:
    """At most `limit` characters, an ellipsis marking a cut."""
    text = str(text)
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


def as_text(value: object) -> str:
    """A table cell as text: empty for a missing value (None, NaN, pandas' NA), stripped otherwise."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if not isinstance(value, (str, list, tuple, set, dict)):
        try:
            import pandas as pd  # imported here: the model uses this module and never needs pandas

            if pd.isna(value):
                return ""
        except (TypeError, ValueError, ImportError):
            pass
    return str(value).strip()


def join_french(items: list[str]) -> str:
    """« a », « b » et « c »: a list as a French sentence writes it (empty for no item)."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]


# A cell that starts with one of these is a formula to Excel, LibreOffice or Google Sheets (tab and line
# breaks too, once the cell is re-edited); the full-width forms are what a Japanese or Chinese input method
# types, and some spreadsheets read them as the ASCII ones.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_LEADING_SPACES = " \u00a0\u202f\u3000"


def starts_like_formula(text: str) -> bool:
    """Whether a spreadsheet could take `text` for a formula: a formula start, maybe after spaces."""
    return text.startswith(FORMULA_STARTS) or text.lstrip(_LEADING_SPACES).startswith(FORMULA_STARTS)


def spreadsheet_safe(value: object) -> object:
    """`value` as a CSV cell the kit writes: text a spreadsheet would run as a formula (``=HYPERLINK(…)``,
    ``+1+1``, ``@SUM(1)``) gets a leading apostrophe, the mark spreadsheets use for "this is text".
    Anything else, numbers included (-2.5 stays a number), is returned as it is. A workbook cell is
    written as text with Excel's quote prefix instead (`kit.reports.action_plan_columns.put`)."""
    if isinstance(value, str) and starts_like_formula(value):
        return "'" + value
    return value
