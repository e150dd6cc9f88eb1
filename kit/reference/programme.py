"""Dates of the journey: the programme's calendar, the governance bodies' meetings, and iCalendar export.

- `load_programme_calendar()` reads `data/programme/calendrier.csv` (phases, sessions, regional
  meetings, contrat de ville milestones, application deadline), which a facilitator edits for each
  cohort (see data/README.md); `programme_milestones()` gives its rows as milestones for the roadmap.
- `meetings(bodies, start, end)` dates the meetings of each governance body from its rhythm, written in
  French as people write it ("mensuel", "tous les 2 mois", "toutes les 6 semaines"...: see `parse_rhythm`).
- `to_ics(events, calendar_name)` writes them as an iCalendar file (RFC 5545) that Outlook, Thunderbird
  and Google Agenda import.

iCalendar choices:
- one VEVENT per meeting rather than one VEVENT with an RRULE per body: each meeting carries its own
  agenda (the actions to review since the previous one), one meeting can be moved or cancelled in the
  agenda without an exception rule, a monthly meeting on the 31st falls on the last day of shorter
  months (an RRULE would skip those months), and the file says exactly what `meetings` listed. An event
  may still carry an ``rrule`` (e.g. ``Rhythm.rrule()``), written as given.
- all-day events (DTSTART;VALUE=DATE): a rhythm gives a day, not an hour, and dated events need no time
  zone; they are marked TRANSP:TRANSPARENT so that importing them does not block whole days in the
  agenda: each body fixes the hour in its own agenda.
- stable UIDs derived from the title and the day: importing an updated file updates the events
  instead of duplicating them.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import csv
import hashlib
import io
import os
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pandas as pd

import kit
from kit.errors import KitError
from kit.methods.roadmap import as_records, french_date, parse_day  # one reader of days and rows for the kit

CALENDAR_PATH = Path(kit.__file__).resolve().parent.parent / "data" / "programme" / "calendrier.csv"
CALENDAR_ENV_VAR = "KIT_CALENDRIER"  # another cohort's calendar, without editing the shipped file
CALENDAR_COLUMNS = ["date", "fin", "intitule", "type", "description"]
CALENDAR_TYPES = ("phase", "session", "réunion régionale", "contrat de ville", "échéance candidature", "autre")
PROGRAMME_KIND = "programme"  # Milestone.kind of the programme's own milestones (the territory's are "territoire")
MAX_MEETINGS_PER_BODY = 1000
PRODID = "-//Quartiers en transitions//Kit d'atelier//FR"
UID_DOMAIN = "quartiers-en-transitions"


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------


def _fold(text: object) -> str:
    """Lower-case, accent-free, single-spaced text, apostrophes and dashes unified."""
    text = str(text or "").replace("’", "'").replace("-", " ")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(text.lower().split())


def _text(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, (list, tuple, set, dict)):
        try:
            if pd.isna(value):
                return ""
        except (TypeError, ValueError):
            pass
    return str(value).strip()


# ---------------------------------------------------------------------------------------------
# The programme's calendar
# ---------------------------------------------------------------------------------------------


def load_programme_calendar(path: str | Path | None = None) -> pd.DataFrame:
    """The programme's calendar (default: the file named by `KIT_CALENDRIER`, else `CALENDAR_PATH`): one row per line of the file, in file order,
    with ``date`` (a `date`), ``fin`` (a `date`, or None for a single day), ``intitule``, ``type`` (one of
    `CALENDAR_TYPES`, spelled canonically), ``description`` and ``ligne`` (line number in the file).

    Accepts UTF-8 with or without BOM, and the ";" separator a spreadsheet may save. Dates are
    AAAA-MM-JJ or JJ/MM/AAAA. A French `KitError` lists every line to correct (missing column, wrong
    number of fields, empty or unreadable date, end before start, no title, unknown type)."""
    path = Path(path) if path is not None else Path(os.environ.get(CALENDAR_ENV_VAR) or CALENDAR_PATH)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise KitError(f"Le calendrier du programme est introuvable ({path}).") from None
    except UnicodeDecodeError:
        raise KitError(f"Le calendrier du programme ({path.name}) n'est pas enregistré en UTF-8 : "
                       "enregistrez-le en « CSV UTF-8 ».") from None
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    where = f"Le calendrier du programme ({path.name})"
    try:
        columns = [c.strip() for c in next(reader)]
    except StopIteration:
        raise KitError(f"{where} est vide.") from None
    missing = [c for c in CALENDAR_COLUMNS if c not in columns]
    if missing:
        raise KitError(f"{where} n'a pas de colonne {' ni '.join(f'« {c} »' for c in missing)} "
                       f"(colonnes attendues : {', '.join(CALENDAR_COLUMNS)}).")
    types = {_fold(t): t for t in CALENDAR_TYPES}
    rows, problems = [], []
    for fields in reader:
        line = reader.line_num
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(columns):
            problems.append(f"ligne {line} : {len(fields)} champs au lieu de {len(columns)} (un texte qui contient "
                            "une virgule doit être entre guillemets)")
            continue
        raw = {c: f.strip() for c, f in zip(columns, fields)}
        row = {"ligne": line, "intitule": raw["intitule"], "description": raw["description"]}
        for key, label in (("date", "date"), ("fin", "fin")):
            try:
                row[key] = parse_day(raw[key])
            except ValueError:
                problems.append(f"ligne {line} : {label} « {raw[key]} » illisible (attendu AAAA-MM-JJ, "
                                "par exemple 2024-03-01, ou JJ/MM/AAAA)")
                row[key] = None
        if row["date"] is None and not raw["date"]:
            problems.append(f"ligne {line} : la date est vide")
        if row["date"] and row["fin"] and row["fin"] < row["date"]:
            problems.append(f"ligne {line} : la fin ({french_date(row['fin'])}) précède la date ({french_date(row['date'])})")
        if not row["intitule"]:
            problems.append(f"ligne {line} : l'intitulé est vide")
        row["type"] = types.get(_fold(raw["type"]), "")
        if not row["type"]:
            shown = f"« {raw['type']} »" if raw["type"] else "vide"
            problems.append(f"ligne {line} : type {shown} inconnu (types possibles : {', '.join(CALENDAR_TYPES)})")
        rows.append(row)
    if problems:
        raise KitError(f"{where} est à corriger :", details=problems)
    return pd.DataFrame(rows, columns=CALENDAR_COLUMNS + ["ligne"])


def programme_milestones(calendar: pd.DataFrame | None = None) -> list[dict]:
    """The programme calendar's rows as milestones, by date: dicts with ``id`` (``programme-…``, stable and
    valid for `kit.model.Milestone`), ``title``, ``on``, ``kind`` ("programme"), and ``end`` (None for a
    single day), ``type``, ``description``. `Milestone(**{k: m[k] for k in ("id", "title", "on", "kind")})`
    makes a model milestone of one; `kit.methods.roadmap.gantt_figure` and `to_ics` take them as they are."""
    from kit.model import slugify

    frame = load_programme_calendar() if calendar is None else calendar
    result, used = [], set()
    for row in sorted(frame.to_dict("records"), key=lambda r: (r["date"], r["ligne"])):
        base = f"programme-{slugify(row['intitule'], limit=40)}"
        ident, n = base, 2
        while ident in used:
            ident, n = f"{base}-{n}", n + 1
        used.add(ident)
        end = row["fin"] if isinstance(row["fin"], date) else None
        result.append({"id": ident, "title": row["intitule"], "on": row["date"], "end": end,
                       "kind": PROGRAMME_KIND, "type": row["type"], "description": row["description"]})
    return result


# ---------------------------------------------------------------------------------------------
# Rhythms and meetings
# ---------------------------------------------------------------------------------------------

UNITS = ("day", "week", "month")
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
        of a shorter month (31 January, 29 February, 31 March...)."""
        if self.unit == "day":
            return start + timedelta(days=k * self.count)
        if self.unit == "week":
            return start + timedelta(weeks=k * self.count)
        months = start.month - 1 + k * self.count
        year, month = start.year + months // 12, months % 12 + 1
        return date(year, month, min(start.day, _stdlib_calendar.monthrange(year, month)[1]))

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
        return f"« {name} » : aucun rythme renseigné, aucune réunion n'est datée."
    for word, reading in _AMBIGUOUS.items():
        if re.search(rf"\b{word}", folded):
            return (f"« {name} » : rythme ambigu ({reading}) ; écrivez par exemple « tous les 15 jours » ou "
                    "« tous les 2 mois ». Aucune réunion n'est datée.")
    if _IRREGULAR.search(folded):
        return f"« {name} » : rythme « {text.strip()} » sans régularité, aucune réunion n'est datée."
    return (f"« {name} » : rythme « {text.strip()} » non compris, aucune réunion n'est datée (écrivez par "
            "exemple « mensuel », « trimestriel », « tous les 2 mois » ou « toutes les 6 semaines »).")


class MeetingList(list):
    """A list of meetings (dicts) with `notes`: French sentences on the bodies left without meetings."""

    def __init__(self, items=(), notes: list[str] | None = None):
        super().__init__(items)
        self.notes = list(notes or [])


def meetings(bodies, start, end, *, actions=None) -> MeetingList:
    """The meetings of each governance body from `start` (its first meeting) to `end` (included), at the
    rhythm written in its ``rhythm`` (see `parse_rhythm`), sorted by date then body.

    `bodies`: `GovernanceBody` objects, dicts or a DataFrame with ``name``, ``rhythm`` and optionally
    ``kind`` and ``decides``. Each meeting is a dict: ``body`` (name), ``date``, ``title`` (the body's name),
    ``reviews`` (what the body decides or follows, its ``decides``), ``number`` (1 for the first),
    ``kind``, ``rhythm`` (the rhythm in French). With `actions` (records with ``title``, ``end`` and
    ``status``, e.g. `kit.methods.roadmap.actions_frame(ws)`), ``actions`` lists the titles of the actions
    ending since the previous meeting (for the first: within one period before it), to review there.
    Bodies whose rhythm is empty, irregular, ambiguous or not understood get no meeting and a note in
    ``.notes``. Dates follow the calendar: a meeting that falls on a holiday is moved in the agenda."""
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
        if day is not None and _text(action.get("status")) not in ("réalisé", "abandonné"):
            ending.append((day, _text(action.get("title"))))
    result, notes = [], []
    for body in as_records(bodies):
        name = _text(body.get("name")) or "Instance sans nom"
        rhythm_text = _text(body.get("rhythm"))
        rhythm = parse_rhythm(rhythm_text)
        if rhythm is None:
            notes.append(rhythm_note(name, rhythm_text))
            continue
        k = 0
        while (day := rhythm.step(first, k)) <= last:
            if k >= MAX_MEETINGS_PER_BODY:
                notes.append(f"« {name} » : seules les {MAX_MEETINGS_PER_BODY} premières réunions sont datées.")
                break
            meeting = {"body": name, "date": day, "title": name, "reviews": _text(body.get("decides")),
                       "number": k + 1, "kind": _text(body.get("kind")), "rhythm": rhythm.label()}
            if actions is not None:
                since = rhythm.step(first, k - 1) if k else first - (rhythm.step(first, 1) - first)
                meeting["actions"] = [title for end_day, title in sorted(ending) if since < end_day <= day]
            result.append(meeting)
            k += 1
    result.sort(key=lambda m: (m["date"], m["body"]))
    return MeetingList(result, notes)


# ---------------------------------------------------------------------------------------------
# iCalendar
# ---------------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_RRULE = re.compile(r"^FREQ=(DAILY|WEEKLY|MONTHLY|YEARLY)(;(INTERVAL=[1-9]\d{0,2}|COUNT=[1-9]\d{0,3}|"
                    r"UNTIL=\d{8}|BYDAY=[A-Z0-9,+-]{2,40}|BYMONTHDAY=-?\d{1,2}))*$")


def escape_text(value: str) -> str:
    """An iCalendar TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines escaped,
    control characters removed."""
    value = _CONTROL.sub("", str(value).replace("\r\n", "\n").replace("\r", "\n"))
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n"))


def fold_line(line: str) -> bytes:
    """One content line, UTF-8, folded at 75 octets (RFC 5545 §3.1) without splitting a character, with
    its CRLF: continuation lines start with a space."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return data + b"\r\n"
    parts, current, limit = [], b"", 75
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > limit:
            parts.append(current)
            current, limit = b"", 74  # the leading space counts
        current += encoded
    parts.append(current)
    return b"\r\n ".join(parts) + b"\r\n"


def _event_lines(event: dict, stamp: str, used: set[str]) -> list[str]:
    title = _text(event.get("title") or event.get("intitule") or event.get("body"))
    try:
        day = parse_day(event.get("date", event.get("on")))
        end = parse_day(event.get("end", event.get("fin")))
    except ValueError as error:
        raise KitError(f"L'événement « {title} » a une date illisible (« {error} »).") from None
    if not title or day is None:
        raise KitError("Chaque événement du calendrier doit avoir un intitulé et une date.")
    last = end if end and end > day else day
    uid = _text(event.get("uid"))
    if not uid:
        digest = hashlib.sha1(f"{_fold(title)}|{day.isoformat()}".encode()).hexdigest()[:20]
        uid = f"{digest}@{UID_DOMAIN}"
    local, at, domain = uid.partition("@")
    n = 2
    while uid in used:  # two events with the same title on the same day
        uid, n = f"{local}-{n}{at}{domain}", n + 1
    used.add(uid)
    description = [_text(event.get("description"))]
    if _text(event.get("reviews")):
        description.append(f"À l'ordre du jour : {_text(event.get('reviews'))}")
    if event.get("actions"):
        description.append("Fiches action arrivées à échéance : " + " ; ".join(_text(a) for a in event["actions"]))
    if _text(event.get("rhythm")):
        description.append(f"Rythme : {_text(event.get('rhythm'))}")
    description = "\n".join(d for d in description if d)
    category = _text(event.get("type") or event.get("kind"))
    lines = ["BEGIN:VEVENT", f"UID:{escape_text(uid)}", f"DTSTAMP:{stamp}", f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
             f"DTEND;VALUE=DATE:{last + timedelta(days=1):%Y%m%d}", f"SUMMARY:{escape_text(title)}"]
    if description:
        lines.append(f"DESCRIPTION:{escape_text(description)}")
    if category:
        lines.append(f"CATEGORIES:{escape_text(category)}")
    rule = event.get("rrule")
    if rule:
        rule = rule.rrule() if isinstance(rule, Rhythm) else _text(rule).upper()
        if not _RRULE.match(rule):
            raise KitError(f"La règle de répétition de « {title} » n'est pas reconnue ({rule}).")
        lines.append(f"RRULE:{rule}")
    lines += ["TRANSP:TRANSPARENT", "END:VEVENT"]
    return lines


def to_ics(events, calendar_name: str, *, stamp: datetime | None = None) -> bytes:
    """An iCalendar file (RFC 5545, UTF-8, CRLF line ends, lines folded at 75 octets) with one all-day
    VEVENT per event. Events are dicts such as `meetings` and `programme_milestones` give: ``title`` (or
    ``intitule``, or ``body``), ``date`` (or ``on``), optional ``end`` (or ``fin``, last day included),
    ``description``, ``reviews``, ``actions``, ``rhythm`` (written into the description), ``type`` or
    ``kind`` (CATEGORIES), ``uid``, ``rrule`` (a `Rhythm` or an RRULE value). All text is escaped.
    `stamp` (default: now) is the DTSTAMP, in UTC. An empty list raises a French `KitError` (a calendar
    needs at least one event)."""
    records = as_records(events)
    if not records:
        raise KitError("Aucun événement à exporter : le calendrier serait vide.")
    moment = (stamp or datetime.now(timezone.utc))
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    stamp_text = f"{moment:%Y%m%dT%H%M%S}Z"
    name = escape_text(_text(calendar_name) or "Quartiers en transitions")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"NAME:{name}", f"X-WR-CALNAME:{name}"]
    used: set[str] = set()
    for event in records:
        lines += _event_lines(event, stamp_text, used)
    lines.append("END:VCALENDAR")
    return b"".join(fold_line(line) for line in lines)
