"""The meetings of the governance bodies, dated from the rhythm each body writes in French.

- `parse_rhythm(text)` reads a rhythm as people write it ("mensuel", "tous les 2 mois", "toutes les 6
  semaines"...) into a `Rhythm`; `rhythm_note(name, text)` says in French why a rhythm is not understood.
- `meetings(bodies, start, end)` lists each body's meetings over a period, dated from the body's own first
  meeting when it has one (``first_meeting``; else from `start`), at its ``meeting_time`` if given, with what
  it reviews there and, given the action plan, the actions ending since its previous meeting;
  `kit.reports.icalendar_file.to_ics` writes them as an iCalendar file.
- `parse_time(text)` reads a time of day as people write it ("14:30", "14h30", "9h").

A monthly rhythm keeps the day of the first meeting, or the last day of a shorter month (a meeting on the
31st falls on 28/29 February, 30 April...): every date is counted from the first meeting, never from the
previous one, so a short month never shifts the meetings after it.

Pure functions on plain data: no widgets and no files here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time

from dateutil.relativedelta import relativedelta

from kit.errors import KitError
from kit.methods.roadmap import CLOSED_STATUSES, as_records, french_date, parse_day  # one reader of days and rows
from kit.text import as_text, fold, quote

UNITS = ("day", "week", "month")
MAX_MEETINGS_PER_BODY = 1000
_STEPS = {"day": "days", "week": "weeks", "month": "months"}  # Rhythm.unit → relativedelta argument
_LONGEST_STEP_DAYS = {"day": 1, "week": 7, "month": 31}  # to skip quickly to a period far from the first meeting
_TIME = re.compile(r"^(\d{1,2})\s*(?:[:hH.]\s*(\d{2})?)?$")


def _fold(text: object) -> str:
    """`kit.text.fold`, dashes read as spaces too ("tous-les-mois", "semi-annuel")."""
    return " ".join(fold(text).replace("-", " ").split())


# ---------------------------------------------------------------------------------------------
# Rhythms
# ---------------------------------------------------------------------------------------------

_NUMBERS = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8,
            "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "quinze": 15, "dix huit": 18, "vingt": 20}
_NUMBER = r"(\d{1,3}|" + "|".join(sorted(_NUMBERS, key=len, reverse=True)) + ")"
_ADJECTIVES = [  # (folded pattern, count, unit), checked after the explicit forms
    (r"\bquotidien(ne)?s?\b", 1, "day"),
    (r"\bhebdomadaires?\b", 1, "week"),
    (r"\bmensuel(le)?s?\b", 1, "month"),
    (r"\bbimestriel(le)?s?\b", 2, "month"),
    (r"\btrimestriel(le)?s?\b", 3, "month"),
    (r"\bquadrimestriel(le)?s?\b", 4, "month"),
    (r"\bsemestriel(le)?s?\b", 6, "month"),
    (r"\bannuel(le)?s?\b", 12, "month"),
    (r"\bbiennal(e|es|aux)?\b", 24, "month"),
]
_EVERY = {  # "chaque mois", "tous les trimestres"...
    "jour": (1, "day"), "semaine": (1, "week"), "mois": (1, "month"), "trimestre": (3, "month"),
    "semestre": (6, "month"), "an": (12, "month"), "annee": (12, "month"),
}
_AMBIGUOUS = {
    "bimensuel": "« bimensuel » se lit « deux fois par mois » ou « tous les deux mois »",
    "biannuel": "« biannuel » se lit « deux fois par an » ou « tous les deux ans »",
    "bisannuel": "« bisannuel » se lit « deux fois par an » ou « tous les deux ans »",
    "bihebdomadaire": "« bihebdomadaire » se lit « deux fois par semaine » ou « toutes les deux semaines »",
}
_IRREGULAR = re.compile(r"\b(a la demande|si besoin|au besoin|selon (les )?besoins?|en tant que de besoin|"
                        r"ponctuel(le)?s?|ad hoc|variable)\b")


@dataclass(frozen=True)
class Rhythm:
    """A regular rhythm: every `count` `unit` ("day", "week" or "month"; a year is 12 months)."""

    count: int
    unit: str

    def step(self, start: date, k: int) -> date:
        """The k-th date from `start` (k = 0 is `start`); months keep the day of `start`, or the last day
        of a shorter month (31 January, 29 February, 31 March...). Always counted from `start`:
        `relativedelta` clamps the day to the month's length, so stepping from the previous date would
        carry a short month's day forward (31 January, 29 February, 29 March...)."""
        return start + relativedelta(**{_STEPS[self.unit]: k * self.count})

    def label(self) -> str:
        """The rhythm in French: "tous les mois", "toutes les 6 semaines", "tous les ans"..."""
        if self.unit == "month" and self.count % 12 == 0:
            return "tous les ans" if self.count == 12 else f"tous les {self.count // 12} ans"
        if self.unit == "day":
            return "tous les jours" if self.count == 1 else f"tous les {self.count} jours"
        if self.unit == "week":
            return "toutes les semaines" if self.count == 1 else f"toutes les {self.count} semaines"
        return "tous les mois" if self.count == 1 else f"tous les {self.count} mois"

    def rrule(self) -> str:
        """The same rhythm as an iCalendar recurrence rule (RFC 5545 RRULE value)."""
        if self.unit == "month" and self.count % 12 == 0:
            freq, interval = "YEARLY", self.count // 12
        else:
            freq, interval = {"day": "DAILY", "week": "WEEKLY", "month": "MONTHLY"}[self.unit], self.count
        return f"FREQ={freq}" + (f";INTERVAL={interval}" if interval > 1 else "")


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBERS[word]


def _unit(count: int, word: str) -> Rhythm | None:
    word = word.rstrip("s") if word != "mois" else word
    if count <= 0:
        return None
    if word == "jour":
        # French counts a week as "8 jours" and a fortnight as "15 jours".
        if count in (8, 15):
            return Rhythm(1 if count == 8 else 2, "week")
        return Rhythm(count // 7, "week") if count % 7 == 0 else Rhythm(count, "day")
    if word == "semaine":
        return Rhythm(count, "week")
    if word == "mois":
        return Rhythm(count, "month")
    if word in ("an", "annee"):
        return Rhythm(12 * count, "month")
    return None


def parse_rhythm(text: str) -> Rhythm | None:
    """Read a rhythm written in French; None when it is empty, irregular, ambiguous or not understood
    (`rhythm_note` says why). Understood, without case or accents, anywhere in the text:

    - adjectives: quotidien, hebdomadaire, mensuel, bimestriel (2 months), trimestriel, quadrimestriel
      (4 months), semestriel, annuel, biennal (2 years), masculine or feminine, singular or plural;
    - "tous les N jours / semaines / mois / ans" and "toutes les N semaines", N in digits or words
      (deux, trois... quinze); "tous les 8 jours" is a week and "tous les 15 jours" a fortnight, as in
      French usage; without N ("toutes les semaines", "tous les trimestres"), and "chaque mois / semaine /
      trimestre / semestre / année";
    - "N fois par an" when N divides 12 (1, 2, 3, 4, 6, 12), "une fois par mois", "deux fois par mois"
      (read as every 2 weeks), "une fois par semaine".

    Ambiguous words (bimensuel, biannuel, bisannuel, bihebdomadaire) and irregular rhythms ("à la
    demande", "si besoin", "ponctuel") give None.
    """
    folded = _fold(text)
    if not folded or _IRREGULAR.search(folded) or any(re.search(rf"\b{w}", folded) for w in _AMBIGUOUS):
        return None
    match = re.search(rf"\b(?:tous|toutes) les {_NUMBER} (jours?|semaines?|mois|ans|annees?)\b", folded)
    if match:
        return _unit(_number(match.group(1)), match.group(2))
    match = re.search(r"\b(?:tous|toutes) les (jours|semaines|mois|trimestres|semestres|ans|annees)\b", folded)
    if match:
        return Rhythm(*_EVERY[match.group(1).rstrip("s") if match.group(1) != "mois" else "mois"])
    match = re.search(r"\bchaque (jour|semaine|mois|trimestre|semestre|an|annee)\b", folded)
    if match:
        return Rhythm(*_EVERY[match.group(1)])
    match = re.search(rf"\b{_NUMBER} fois par (an|annee|mois|semaine)\b", folded)
    if match:
        n, per = _number(match.group(1)), match.group(2)
        if per in ("an", "annee"):
            return Rhythm(12 // n, "month") if n and 12 % n == 0 else None
        if per == "mois":
            return {1: Rhythm(1, "month"), 2: Rhythm(2, "week"), 4: Rhythm(1, "week")}.get(n)
        return Rhythm(1, "week") if n == 1 else None
    for pattern, count, unit in _ADJECTIVES:
        if re.search(pattern, folded):
            return Rhythm(count, unit)
    return None


def rhythm_note(name: str, text: str) -> str | None:
    """Why no meeting of body `name` is dated from `text` (a French sentence), or None if it is understood."""
    if parse_rhythm(text) is not None:
        return None
    folded = _fold(text)
    if not folded:
        return f"{quote(name)} : aucun rythme renseigné, aucune réunion n'est datée."
    for word, reading in _AMBIGUOUS.items():
        if re.search(rf"\b{word}", folded):
            return (f"{quote(name)} : rythme ambigu ({reading}) ; écrivez par exemple « tous les 15 jours » ou "
                    "« tous les 2 mois ». Aucune réunion n'est datée.")
    if _IRREGULAR.search(folded):
        return f"{quote(name)} : rythme {quote(text.strip())} sans régularité, aucune réunion n'est datée."
    return (f"{quote(name)} : rythme {quote(text.strip())} non compris, aucune réunion n'est datée (écrivez par "
            "exemple « mensuel », « trimestriel », « tous les 2 mois » ou « toutes les 6 semaines »).")


def parse_time(value) -> time | None:
    """A time of day from a `time`, "14:30", "14h30", "14 h 30", "14h" or "9"; None when empty. Raises
    ValueError for anything else, or an hour or minute out of range ("25h", "14:75")."""
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    text = as_text(value).strip()
    if not text:
        return None
    match = _TIME.match(" ".join(text.split()))
    if not match or int(match.group(1)) > 23 or int(match.group(2) or 0) > 59:
        raise ValueError(text)
    return time(int(match.group(1)), int(match.group(2) or 0))


def french_time(moment: time) -> str:
    """A time of day as written in French: "14h30", "9h00"."""
    return f"{moment.hour}h{moment.minute:02d}"


# ---------------------------------------------------------------------------------------------
# Meetings
# ---------------------------------------------------------------------------------------------


class MeetingList(list):
    """A list of meetings (dicts) with `notes`: French sentences on the bodies left without meetings."""

    def __init__(self, items=(), notes: list[str] | None = None):
        super().__init__(items)
        self.notes = list(notes or [])


def meetings(bodies, start, end, *, actions=None) -> MeetingList:
    """The meetings of each governance body from `start` to `end` (included), at the rhythm written in its
    ``rhythm`` (see `parse_rhythm`), sorted by date then body. Each body's meetings are counted from its own
    ``first_meeting`` when it has one (those before `start` are left out, those after keep their number),
    else from `start`, which is then its first meeting.

    `bodies`: `GovernanceBody` objects, dicts or a DataFrame with ``name``, ``rhythm`` and optionally
    ``kind``, ``decides``, ``first_meeting`` and ``meeting_time``. Each meeting is a dict: ``body`` (name),
    ``date``, ``time`` (the body's ``meeting_time``, or None), ``title`` (the body's name), ``reviews``
    (what the body decides or follows, its ``decides``), ``number`` (1 for the first), ``kind``, ``rhythm``
    (the rhythm in French). With `actions` (records with ``title``, ``end`` and ``status``, e.g.
    `kit.methods.roadmap.actions_frame(ws)`), ``actions`` lists the titles of the actions ending since the
    previous meeting (for the first: within one period before it), to review there. Bodies whose rhythm
    is empty, irregular, ambiguous or not understood get no meeting (only their first one, when it is
    dated and in the period) and a note in ``.notes``."""
    try:
        first, last = parse_day(start), parse_day(end)
    except ValueError as error:
        raise KitError(f"Date illisible : « {error} » (attendu AAAA-MM-JJ ou JJ/MM/AAAA).") from None
    if first is None or last is None:
        raise KitError("Indiquez la date de la première réunion et la date de fin de la période.")
    if last < first:
        raise KitError(f"La fin de la période ({french_date(last)}) précède la première réunion ({french_date(first)}).")
    ending = []
    for action in as_records(actions):
        try:
            day = parse_day(action.get("end"))
        except ValueError:
            day = None
        if day is not None and as_text(action.get("status")) not in CLOSED_STATUSES:
            ending.append((day, as_text(action.get("title"))))
    result, notes = [], []
    for body in as_records(bodies):
        name = as_text(body.get("name")) or "Instance sans nom"
        try:
            own_first = parse_day(body.get("first_meeting"))
            at = parse_time(body.get("meeting_time"))
        except ValueError as error:
            raise KitError(f"{quote(name)} : date ou heure de première réunion illisible ({quote(error)}).") from None
        anchor = own_first or first
        rhythm_text = as_text(body.get("rhythm"))
        rhythm = parse_rhythm(rhythm_text)

        def meeting(day, k, label=""):
            return {"body": name, "date": day, "time": at, "title": name, "reviews": as_text(body.get("decides")),
                    "number": k + 1, "kind": as_text(body.get("kind")), "rhythm": label}

        if own_first and own_first > last:
            notes.append(f"{quote(name)} : première réunion le {french_date(own_first)}, après la fin du calendrier "
                         f"({french_date(last)}).")
            continue
        if rhythm is None:
            if own_first and own_first >= first:
                found = meeting(own_first, 0)
                if actions is not None:
                    found["actions"] = []
                result.append(found)
                reason = "aucun rythme renseigné" if not _fold(rhythm_text) else \
                    f"rythme {quote(rhythm_text.strip())} non compris ou sans régularité"
                notes.append(f"{quote(name)} : seule la première réunion, le {french_date(own_first)}, est datée "
                             f"({reason}).")
            else:
                notes.append(rhythm_note(name, rhythm_text))
            continue
        # A first meeting long before the period: skip ahead (never past it: the longest step is counted).
        k = max(0, (first - anchor).days // (rhythm.count * _LONGEST_STEP_DAYS[rhythm.unit]) - 1)
        while rhythm.step(anchor, k) < first:
            k += 1
        dated = 0
        while (day := rhythm.step(anchor, k)) <= last:
            if dated >= MAX_MEETINGS_PER_BODY:
                notes.append(f"{quote(name)} : seules les {MAX_MEETINGS_PER_BODY} premières réunions sont datées.")
                break
            found = meeting(day, k, rhythm.label())
            if actions is not None:
                since = rhythm.step(anchor, k - 1) if k else anchor - (rhythm.step(anchor, 1) - anchor)
                found["actions"] = [title for end_day, title in sorted(ending) if since < end_day <= day]
            result.append(found)
            k, dated = k + 1, dated + 1
    result.sort(key=lambda m: (m["date"], m["time"] or time.min, m["body"]))
    return MeetingList(result, notes)
