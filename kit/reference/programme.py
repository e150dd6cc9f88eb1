"""The programme's calendar: phases, sessions, regional meetings, contrat de ville milestones, the
application deadline.

- `load_programme_calendar()` reads `data/programme/calendrier.csv`, which a facilitator edits for each
  cohort (see data/README.md), or the file named by `KIT_CALENDRIER`, and says in French which lines
  to correct;
- `programme_milestones()` gives its rows as milestones, for the roadmap's Gantt chart
  (`kit.methods.roadmap.gantt_figure`) and the iCalendar file (`kit.reports.icalendar_file.to_ics`).

The governance bodies' meetings are dated in `kit.methods.meetings`.
"""

from __future__ import annotations

import csv
import io
import os
from datetime import date
from pathlib import Path

from kit.errors import KitError
from kit.lazy import pandas as pd  # imported on first table (see kit.lazy)
from kit.reference.paths import data_path
from kit.methods.roadmap import french_date, parse_day  # one reader of days for the kit
from kit.text import fold, quote

CALENDAR_PATH = data_path("programme", "calendrier.csv")
CALENDAR_ENV_VAR = "KIT_CALENDRIER"  # another cohort's calendar, without editing the shipped file
CALENDAR_COLUMNS = ["date", "fin", "intitule", "type", "description"]
CALENDAR_TYPES = ("phase", "session", "réunion régionale", "contrat de ville", "échéance candidature", "autre")
PROGRAMME_KIND = "programme"  # Milestone.kind of the programme's own milestones (the territory's are "territoire")


def _fold(text: object) -> str:
    """`kit.text.fold`, dashes read as spaces too ("contrat-de-ville")."""
    return " ".join(fold(text).replace("-", " ").split())


def load_programme_calendar(path: str | Path | None = None) -> pd.DataFrame:
    """The rows of `programme_calendar_rows` as a table, with columns `CALENDAR_COLUMNS` and ``ligne``."""
    return pd.DataFrame(programme_calendar_rows(path), columns=CALENDAR_COLUMNS + ["ligne"])


def programme_calendar_rows(path: str | Path | None = None) -> list[dict]:
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
        raise KitError(f"Le calendrier du programme est introuvable ({path.parent.name}/{path.name}).") from None
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
        raise KitError(f"{where} n'a pas de colonne {' ni '.join(quote(c) for c in missing)} "
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
                problems.append(f"ligne {line} : {label} {quote(raw[key])} illisible (attendu AAAA-MM-JJ, "
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
            shown = quote(raw["type"]) if raw["type"] else "vide"
            problems.append(f"ligne {line} : type {shown} inconnu (types possibles : {', '.join(CALENDAR_TYPES)})")
        rows.append(row)
    if problems:
        raise KitError(f"{where} est à corriger :", details=problems)
    return rows  # dicts, not a table: the home page reads the deadline before any table loads pandas


def programme_milestones(calendar: pd.DataFrame | None = None) -> list[dict]:
    """The programme calendar's rows as milestones, by date: dicts with ``id`` (``programme-…``, stable and
    valid for `kit.model.Milestone`), ``title``, ``on``, ``kind`` ("programme"), and ``end`` (None for a
    single day), ``type``, ``description``. `Milestone(**{k: m[k] for k in ("id", "title", "on", "kind")})`
    makes a model milestone of one; `kit.methods.roadmap.gantt_figure` and `kit.reports.icalendar_file.to_ics`
    take them as they are."""
    from kit.model import slugify

    rows = programme_calendar_rows() if calendar is None else calendar.to_dict("records")
    result, used = [], set()
    for row in sorted(rows, key=lambda r: (r["date"], r["ligne"])):
        base = f"programme-{slugify(row['intitule'], limit=40)}"
        ident, n = base, 2
        while ident in used:
            ident, n = f"{base}-{n}", n + 1
        used.add(ident)
        end = row["fin"] if isinstance(row["fin"], date) else None
        result.append({"id": ident, "title": row["intitule"], "on": row["date"], "end": end,
                       "kind": PROGRAMME_KIND, "type": row["type"], "description": row["description"]})
    return result
