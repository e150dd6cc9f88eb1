"""One cell of an edited action-plan workbook read as a typed value, or a French reason why not.

People type dates as text, amounts as « 85 000,50 € », statuses without accents and names with
Excel's autocorrect: each parser accepts the spellings a person would use and refuses the rest with
a reason that names the value. The reason names no sheet or line: the import adds them, and lists
every problem of the file at once.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Any

from openpyxl.utils.datetime import from_excel

from kit.reports.action_plan_columns import FIRST_YEAR, LAST_YEAR, NO, SEPARATOR, YES, canon, name_key
from kit.text import quote


class Invalid(Exception):
    """A cell that cannot be read; the message is French and names no line (the caller adds it)."""


_NOT_A_DATE = "n'est pas une date (attendu : jj/mm/aaaa)"
_DATE_PATTERNS = ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S")


def parse_date(value: Any) -> dt.date | None:
    """A real date, a date typed as text in the usual French or ISO forms, or Excel's day number (a
    date cell that lost its format); None when empty. Years outside FIRST_YEAR..LAST_YEAR are typos."""
    if value is None or canon(value) == "":
        return None
    if isinstance(value, bool):
        raise Invalid(f"{quote(canon(value))} {_NOT_A_DATE}")
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, (int, float)):  # a date that lost its format: Excel's day number
        try:
            day = from_excel(value).date() if 1 <= value < 2_958_466 else None
        except (ValueError, OverflowError, AttributeError):
            day = None
        if day is None:
            raise Invalid(f"{quote(canon(value))} {_NOT_A_DATE}")
    else:
        text = canon(value)
        day = None
        for pattern in _DATE_PATTERNS:
            try:
                day = dt.datetime.strptime(text, pattern).date()
                break
            except ValueError:
                continue
        if day is None:
            raise Invalid(f"{quote(text)} {_NOT_A_DATE}")
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise Invalid(f"la date {day:%d/%m/%Y} n'est pas plausible (attendu : entre {FIRST_YEAR} et {LAST_YEAR})")
    return day


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def parse_number(value: Any, what: str = "un nombre") -> float | None:
    """A number cell, or a number typed as text in French (« 1 234,56 € ») or English (« 1,234.56 »);
    None when empty. A formula is refused with a hint: the kit reads values, it does not compute."""
    if value is None or canon(value) == "":
        return None
    if isinstance(value, bool) or isinstance(value, (dt.date, dt.time)):
        raise Invalid(f"{quote(canon(value))} n'est pas {what}")
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = canon(value)
        compact = re.sub(r"[\s\u00a0\u202f€]|EUR|euros?", "", text, flags=re.IGNORECASE)
        if "," in compact and "." in compact:  # 1.234,56 (French) or 1,234.56 (English)
            compact = compact.replace(".", "").replace(",", ".") if compact.rfind(",") > compact.rfind(".") \
                else compact.replace(",", "")
        else:
            compact = compact.replace(",", ".")
        if not _NUMBER.match(compact):
            hint = " (les formules ne sont pas calculées : saisissez la valeur)" if text.startswith("=") else ""
            raise Invalid(f"{quote(text)} n'est pas {what}{hint}")
        number = float(compact)
    if not math.isfinite(number):
        raise Invalid(f"{quote(canon(value))} n'est pas {what}")
    return number


def labelled(header: str, parse: Callable[..., Any], *args: Any) -> Any:
    """`parse(*args)`, its reason prefixed with the column's name: a row has several cells."""
    try:
        return parse(*args)
    except Invalid as problem:
        raise Invalid(f"{header} : {problem}") from None


def parse_year(value: Any) -> int:
    """A budget year: required, whole, within FIRST_YEAR..LAST_YEAR."""
    year = parse_number(value, "une année")
    if year is None:
        raise Invalid("manquante")
    if not year.is_integer() or not FIRST_YEAR <= year <= LAST_YEAR:
        raise Invalid(f"{quote(canon(value))} n'est pas une année entre {FIRST_YEAR} et {LAST_YEAR}")
    return int(year)


def parse_choice(value: Any, allowed: tuple[str, ...], what: str) -> str:
    """One of `allowed`, whatever its case or accents (« Realise » is « réalisé »)."""
    text = canon(value)
    for choice in allowed:
        if name_key(choice) == name_key(text):
            return choice
    raise Invalid(f"{quote(text)} n'est pas une valeur admise pour le {what} ({', '.join(allowed)})")


def parse_yes_no(value: Any) -> bool:
    """« oui » / « non » and the other ways people say it (x, 1, vrai, fait…); empty is « non »."""
    if isinstance(value, bool):
        return value
    text = name_key(canon(value))
    if text in ("oui", "o", "x", "vrai", "1", "fait", "faite", "yes", "true"):
        return True
    if text in ("", "non", "n", "faux", "0", "no", "false"):
        return False
    raise Invalid(f"{quote(canon(value))} : répondez {YES} ou {NO}")


def parse_names(text: str, index: dict[str, list[str]], what: str, what_plural: str, feminine: bool = False) -> list[str]:
    """"A ; B" → ids. Names that themselves contain ";" are found too (longest match first).

    Every unknown name is listed in one reason; a name shared by two items of the workspace is refused
    (the person cannot say which one they mean: the fix is renaming one in the kit).
    """
    tokens = [t.strip() for t in text.split(";")]
    tokens = [t for t in tokens if t]
    ids: list[str] = []
    unknown: list[str] = []
    i = 0
    while i < len(tokens):
        for j in range(len(tokens), i, -1):
            key = name_key(";".join(tokens[i:j]))
            if key in index:
                break
        else:
            unknown.append(tokens[i])
            i += 1
            continue
        matches = index[key]
        if len(matches) > 1:
            raise Invalid(f"plusieurs {what_plural} s'appellent {quote(SEPARATOR.join(tokens[i:j]))} : renommez-les dans le kit")
        if matches[0] not in ids:
            ids.append(matches[0])
        i = j
    if unknown:
        listed = ", ".join(quote(u) for u in unknown)
        ending = ("e" if feminine else "") + ("s" if len(unknown) > 1 else "")
        label = what_plural if len(unknown) > 1 else what
        raise Invalid(f"{label} inconnu{ending} : {listed} (noms admis : onglet « Listes »)")
    return ids
