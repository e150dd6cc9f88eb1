"""Inputs that refuse what they cannot take instead of quietly changing it: numbers outside the model's
range, numbers that are not numbers, dates the browser could not read.

ipywidgets' bounded number boxes clamp without a word (−5 € becomes 0 €, 1999 becomes 2000) and its date
picker turns a date the browser cannot read (31/02, a year half typed) into no date at all. Here numbers
are plain boxes checked against the bounds the model declares (`Field(ge=..., le=...)`), so the app never
repeats them, and `DateInput` tells the kernel when the browser holds a date it could not read.
"""

from __future__ import annotations

import math
from datetime import date, time
from pathlib import Path

import anywidget
import traitlets as t

from kit.errors import KitError

STATIC = Path(__file__).resolve().parent / "static"


# ---------------------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------------------


def bounds(model, field: str) -> tuple[float | None, float | None]:
    """The (lowest, highest) values the model accepts for `field` (None: no bound)."""
    low = high = None
    for rule in model.model_fields[field].metadata:
        low = getattr(rule, "ge", low)
        high = getattr(rule, "le", high)
    return low, high


def _number_text(value: float, unit: str = "") -> str:
    """A number as the message shows it: "−5 €", "1999", "100 000 000 000 000 000 000 €", "2,5"."""
    from kit.reports.formatting import THOUSANDS, format_number

    text = format_number(value, 0 if float(value).is_integer() else 2)
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    if abs(value) < 10_000:
        text = text.replace(THOUSANDS, "")  # a year stays 1999, not 1 999
    text = text.replace("-", "\u2212")
    return f"{text} {unit}" if unit else text


def _range_text(low: float | None, high: float | None, unit: str) -> str:
    if low is not None and high is not None:
        return f"une valeur de {_number_text(low, unit)} à {_number_text(high, unit)}"
    if low == 0:
        return "une valeur positive"
    return f"une valeur d'au moins {_number_text(low, unit)}" if low is not None else \
        f"une valeur d'au plus {_number_text(high, unit)}"


def checked_number(value, model, field: str, *, unit: str = "", label: str = "") -> float | int:
    """`value` typed for `model.field`, or a `KitError` naming the field and the range it allows.

    Refuses what is not a finite number (NaN, infinity) and anything outside the model's bounds; the
    French name of the field is its `Field(title=...)` unless `label` is given."""
    name = label or (model.model_fields[field].title or field)
    name = name[:1].upper() + name[1:]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise KitError(f"{name} : « {value} » n'est pas un nombre. Indiquez une valeur chiffrée ; "
                       "rien n'a été enregistré.")
    low, high = bounds(model, field)
    if (low is not None and value < low) or (high is not None and value > high):
        raise KitError(f"{name} : {_number_text(value, unit)} n'est pas possible, indiquez "
                       f"{_range_text(low, high, unit)}. Rien n'a été enregistré.")
    return value


def finite_or_none(value, what: str):
    """A measured value (no bounds): refused if it is not a finite number."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))
                              or not math.isfinite(value)):
        raise KitError(f"{what} : « {value} » n'est pas un nombre. Indiquez une valeur chiffrée ; "
                       "rien n'a été enregistré.")
    return value


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------


def _to_iso(day: date | None, _widget) -> str | None:
    return day.isoformat() if day else None


def _from_iso(text: str | None, _widget) -> date | None:
    return date.fromisoformat(text) if text else None


class DateInput(anywidget.AnyWidget):
    """The browser's date box, as `ipywidgets.DatePicker` shows it, that also says when it holds a date
    it could not read: `unreadable` is then true and `value` None (DatePicker only gives None, so a
    typo silently became "no date"). `checked_date(widget, ...)` refuses it."""

    _esm = STATIC / "date_input.js"
    description = t.Unicode("", help="the label before the box").tag(sync=True)
    value = t.Instance(date, allow_none=True, help="the date, None when the box is empty or unreadable").tag(
        sync=True, to_json=_to_iso, from_json=_from_iso)
    unreadable = t.Bool(False, help="the box holds a date the browser cannot read (31/02, a year half typed)").tag(
        sync=True)
    disabled = t.Bool(False).tag(sync=True)

    @t.observe("value")
    def _typed_over(self, change):
        if change["new"] is not None:
            self.unreadable = False  # a date set from Python replaces what the box held


def checked_date(day: DateInput | date | None, what: str) -> date | None:
    """A date typed by a person (a `DateInput` or its value), refused when the browser could not read it
    or when its year is absurd (a slip of the keyboard). `what` is its name in a sentence: « La date de fin »."""
    if isinstance(day, DateInput):
        if day.unreadable:
            raise KitError(f"{what} n'est pas une date qui existe (ou elle est incomplète) : corrigez le jour, "
                           "le mois et l'année, ou videz la case. Rien n'a été enregistré.")
        day = day.value
    if day is not None and not (2000 <= day.year <= 2100):
        raise KitError(f"{what} ({day:%d/%m/%Y}) n'est pas plausible : vérifiez l'année.")
    return day


def checked_time(text: str | None, what: str) -> time | None:
    """A time of day typed in a text box ("14h30", "14:30", "9h"; empty: none), or a `KitError` naming it.
    A text box rather than the browser's time box: that one shows AM/PM in an English browser, and a
    half-typed time in it reaches Python as no time at all, as with dates. `what`: « L'heure des réunions »."""
    from kit.methods.meetings import parse_time

    try:
        return parse_time(text)
    except ValueError:
        raise KitError(f"{what} : « {str(text).strip()} » n'est pas une heure. Écrivez-la comme 14h30 ou 14:30 "
                       "(de 0h00 à 23h59) ; rien n'a été enregistré.") from None
