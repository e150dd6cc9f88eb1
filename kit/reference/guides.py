"""Facilitator guides: the agenda of each session and what to do before and after it.

The content lives in two CSV files a facilitator edits for each cohort without touching code
(`data/guides/deroule_sessions.csv`, `data/guides/preparation.csv`, see data/README.md). This module
reads them, checks them (`check_guides`, French sentences) and gives each app its "pas à pas"
(`app_steps`); `kit.reports.guides` assembles the printable guide and its in-app view from them.

Pure functions, no widgets. Every reader takes an optional `directory` (default: `GUIDES_DIR`, read at
call time so tests may monkeypatch it) and returns a copy: a caller editing its frame never changes
what the next caller gets.
"""

from __future__ import annotations

import csv
import io
import re
from functools import lru_cache
from pathlib import Path

from kit.errors import KitError
from kit.lazy import pandas as pd  # imported on first table (see kit.lazy)
from kit.reference.paths import data_path
from kit.text import fold

GUIDES_DIR = data_path("guides")
AGENDA_FILE = "deroule_sessions.csv"
PREPARATION_FILE = "preparation.csv"
AGENDA_COLUMNS = ["session", "jour", "debut", "fin", "sequence", "deroulement", "application", "onglet",
                  "supports", "resultat"]
PREPARATION_COLUMNS = ["session", "moment", "qui", "tache", "echeance"]

SESSION_TITLES: dict[int, str] = {1: "Enjeux et défis", 2: "Construire le projet", 3: "Passer à l'action"}
SESSION_APPS: dict[int, str] = {1: "10_enjeux.ipynb", 2: "20_projet.ipynb", 3: "30_action.ipynb"}

# Written for the kit from the programme's objective for each session.
SESSION_AIMS: dict[int, str] = {
    1: ("Dire les enjeux du quartier d'une manière qui permette d'agir, les hiérarchiser, repérer ceux qui "
        "entraînent les autres, puis situer le futur projet de quartier parmi les projets locaux liés au "
        "contrat de ville."),
    2: ("Choisir la méthode du projet : fixer un cap et le décliner en objectifs, réunir les acteurs qui le "
        "porteront, comprendre leurs relations et leurs stratégies, et organiser la gouvernance."),
    3: ("Bâtir le plan d'action de démarrage (fiches action, feuille de route) et le système de pilotage "
        "qui suivra sa mise en œuvre."),
}

# The tabs of each app, as their titles appear on screen (kit/apps/*.py). A notebook with an empty
# tuple is a known page without tabs: its rows leave `onglet` empty.
APP_TABS: dict[str, tuple[str, ...]] = {
    "00_accueil.ipynb": (),
    "10_enjeux.ipynb": ("1. Diagnostic", "2. Enjeux", "3. Carte des enjeux", "4. Analyse structurelle",
                        "5. Positionnement", "6. Plan de travail et livrable"),
    "20_projet.ipynb": ("1. Cap et objectifs", "2. Acteurs et groupe projet", "3. Réseau d'acteurs",
                        "4. Gouvernance", "5. Stratégies d'acteurs", "6. Plan de travail et livrable"),
    "30_action.ipynb": ("1. Fiches action", "2. Feuille de route", "3. Pilotage", "4. Tableur et fiches",
                        "5. Plan de travail et livrable"),
    "40_suivi.ipynb": ("1. Mettre à jour", "2. Avancement", "3. Ce qui a changé"),
    "glossaire.ipynb": (),
    "ressources.ipynb": (),
}

DAY_HEADINGS = {1: "Jour 1 — après-midi", 2: "Jour 2"}
MOMENTS = ("avant", "après")
# Rows titled like this are breaks: shown in the agenda, but they need no expected output and are
# left out of the sequence-by-sequence section and of the checklist.
BREAK_TITLES = ("pause", "dejeuner", "repas")
STEP_KEYS = ("session", "jour", "debut", "fin", "sequence", "deroulement", "onglet", "resultat")
NO_APP = "—"

_TIME = re.compile(r"^([01]?\d|2[0-3])[:hH]([0-5]\d)$")
_OFFSET = re.compile(r"^J\s*([+-])\s*(\d+)$", re.IGNORECASE)


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=16)
def _read_cached(path: str, mtime_ns: int, size: int) -> pd.DataFrame:
    """The file as text cells. Keyed on modification time and size so that a facilitator who edits
    the CSV while the app runs sees the change at the next read, without restarting anything."""
    with open(path, encoding="utf-8-sig") as handle:  # -sig: Excel saves UTF-8 with a BOM
        header = handle.readline()
    # A French spreadsheet saves "CSV" with semicolons; accept it rather than fail on a re-save.
    sep = ";" if header.count(";") > header.count(",") else ","
    frame = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame.apply(lambda column: column.str.strip())


def _raw(name: str, directory: Path | str | None) -> pd.DataFrame:
    """One guide file exactly as written (strings, stripped), or a French `KitError` if unreadable."""
    return _read_guide(name, directory, _read_cached).copy()


def _read_guide(name: str, directory: Path | str | None, read):
    """`read(path, mtime_ns, size)` of one guide file (cached on its modification), or a French `KitError`."""
    path = Path(directory if directory is not None else GUIDES_DIR) / name
    try:
        stat = path.stat()
        return read(str(path), stat.st_mtime_ns, stat.st_size)
    except FileNotFoundError:
        raise KitError(f"Le fichier {name} est introuvable dans le dossier « {path.parent.name} ».") from None
    except (UnicodeDecodeError, csv.Error, pd.errors.ParserError) as error:  # pd: only evaluated on an error
        raise KitError(f"Le fichier {name} est illisible : il doit être un CSV encodé en UTF-8.",
                       details=[str(error)]) from None


def _missing_columns(frame: pd.DataFrame, expected: list[str]) -> list[str]:
    return [c for c in expected if c not in frame.columns]


def _require_columns(frame: pd.DataFrame, expected: list[str], name: str) -> None:
    missing = _missing_columns(frame, expected)
    if missing:
        raise KitError(f"Colonnes manquantes dans {name} : {', '.join(missing)}.")


def _parse_time(text: str) -> int | None:
    """Minutes since midnight for "13:30" (also "9:00" or "9h00", as people type them), else None."""
    match = _TIME.match(text or "")
    return int(match.group(1)) * 60 + int(match.group(2)) if match else None


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _normal_time(text: str) -> str:
    """"9h00" → "09:00", so that sorting the text sorts the times; unreadable text is left as is."""
    minutes = _parse_time(text)
    return text if minutes is None else _hhmm(minutes)


def _offset(text: str) -> int | None:
    """Days from the session for "J-15" / "J+7", else None (free text stays allowed)."""
    match = _OFFSET.match(text or "")
    if not match:
        return None
    return int(match.group(2)) * (-1 if match.group(1) == "-" else 1)


def _number(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce").astype("Int64")


def is_break(sequence: str) -> bool:
    return fold(sequence).startswith(BREAK_TITLES)


def valid_session(number: int) -> int:
    if number not in SESSION_TITLES:
        raise KitError(f"Session inconnue : {number} (1, 2 ou 3 attendu).")
    return number


def load_agenda(number: int | None = None, directory: Path | str | None = None) -> pd.DataFrame:
    """The agenda (data/guides/deroule_sessions.csv), one row per sequence, sorted by session, day and
    start time; with `number`, only that session. ``session`` and ``jour`` are integers, ``debut`` and
    ``fin`` "HH:MM" text, the other columns text ("" when empty)."""
    frame = _raw(AGENDA_FILE, directory)
    _require_columns(frame, AGENDA_COLUMNS, AGENDA_FILE)
    frame = frame[AGENDA_COLUMNS].copy()
    frame["session"], frame["jour"] = _number(frame["session"]), _number(frame["jour"])
    frame["debut"], frame["fin"] = frame["debut"].map(_normal_time), frame["fin"].map(_normal_time)
    if number is not None:
        frame = frame[frame["session"] == valid_session(number)]
    # Stable sort: two rows at the same time keep the order the facilitator wrote them in.
    return frame.sort_values(["session", "jour", "debut"], kind="stable").reset_index(drop=True)


def load_preparation(number: int | None = None, directory: Path | str | None = None) -> pd.DataFrame:
    """Tasks before and after each session (data/guides/preparation.csv), sorted by session, then
    "avant" before "après", then by deadline (J-30 before J-2); with `number`, only that session."""
    frame = _raw(PREPARATION_FILE, directory)
    _require_columns(frame, PREPARATION_COLUMNS, PREPARATION_FILE)
    frame = frame[PREPARATION_COLUMNS].copy()
    frame["session"] = _number(frame["session"])
    if number is not None:
        frame = frame[frame["session"] == valid_session(number)]
    order = pd.DataFrame({
        "moment": frame["moment"].map(lambda m: MOMENTS.index(m) if m in MOMENTS else len(MOMENTS)),
        "offset": frame["echeance"].map(_offset).astype("Float64"),
    }, index=frame.index)
    # Unreadable deadlines sort last within their moment, in file order.
    ranked = frame.assign(_moment=order["moment"], _offset=order["offset"])
    ranked = ranked.sort_values(["session", "_moment", "_offset"], kind="stable", na_position="last")
    return ranked.drop(columns=["_moment", "_offset"]).reset_index(drop=True)


def app_steps(notebook: str, directory: Path | str | None = None) -> list[dict]:
    """The agenda rows that use `notebook` ("10_enjeux.ipynb"; a path works too), in the order of the
    sessions: what the app's "pas à pas" panel shows the facilitator.

    Read with the csv module, as `load_agenda` reads it with pandas (same separators, same stripping, same
    order): the panel is on every app's first screen, which is shown before pandas is loaded."""
    name = Path(notebook).name
    columns, rows = _read_guide(AGENDA_FILE, directory, _rows_cached)
    missing = [c for c in AGENDA_COLUMNS if c not in columns]
    if missing:
        raise KitError(f"Colonnes manquantes dans {AGENDA_FILE} : {', '.join(missing)}.")
    steps = []
    for row in rows:
        step = {key: row.get(key, "") for key in STEP_KEYS}
        step["session"], step["jour"] = _integer(row["session"]), _integer(row["jour"])
        step["debut"], step["fin"] = _normal_time(row["debut"]), _normal_time(row["fin"])
        if row["application"] == name:
            steps.append(step)
    # Sorted as `load_agenda`: by session, day and start time, a missing number last, stable.
    return sorted(steps, key=lambda s: (s["session"] is None, s["session"] or 0, s["jour"] is None, s["jour"] or 0,
                                        s["debut"]))


@lru_cache(maxsize=16)
def _rows_cached(path: str, mtime_ns: int, size: int) -> tuple[list[str], list[dict]]:
    """(columns, rows) of a guide file as `_read_cached` reads it (same separator, stripped text cells)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:  # -sig: Excel saves UTF-8 with a BOM
        text = handle.read()
    header = text.split("\n", 1)[0]
    sep = ";" if header.count(";") > header.count(",") else ","
    lines = [line for line in csv.reader(io.StringIO(text), delimiter=sep) if line]
    columns = [c.strip() for c in lines[0]] if lines else []
    return columns, [{column: (line[i].strip() if i < len(line) else "") for i, column in enumerate(columns)}
                     for line in lines[1:]]


def _integer(text: str) -> int | None:
    try:
        return int(float(text)) if text.strip() else None
    except ValueError:
        return None


# ---------------------------------------------------------------------------------------------
# Checking
# ---------------------------------------------------------------------------------------------


def _check_agenda_row(line: int, row: dict) -> list[str]:
    """Problems of one agenda row; `line` is the line number a spreadsheet shows (header = 1)."""
    where = f"{AGENDA_FILE}, ligne {line}"
    problems = []
    if row["session"] not in {str(n) for n in SESSION_TITLES}:
        problems.append(f"{where} : session « {row['session']} » inconnue (1, 2 ou 3 attendu).")
    if row["jour"] not in ("1", "2"):
        problems.append(f"{where} : jour « {row['jour']} » invalide (1 ou 2 attendu).")
    start, end = _parse_time(row["debut"]), _parse_time(row["fin"])
    for label, text, minutes in (("début", row["debut"], start), ("fin", row["fin"], end)):
        if minutes is None:
            problems.append(f"{where} : heure de {label} « {text} » illisible (format HH:MM attendu, par exemple 09:30).")
    if start is not None and end is not None and end <= start:
        problems.append(f"{where} : la séquence finit ({row['fin']}) avant ou quand elle commence ({row['debut']}).")
    if not row["sequence"]:
        problems.append(f"{where} : la séquence n'a pas de titre.")
    app, tab = row["application"], row["onglet"]
    if app and app not in APP_TABS:
        problems.append(f"{where} : application « {app} » inconnue (attendu : {', '.join(APP_TABS)}).")
    elif tab and not app:
        problems.append(f"{where} : l'onglet « {tab} » est indiqué sans application.")
    elif tab and tab not in APP_TABS[app]:
        known = ", ".join(f"« {t} »" for t in APP_TABS[app]) or "aucun onglet"
        problems.append(f"{where} : l'onglet « {tab} » n'existe pas dans {app} ({known}).")
    if not row["resultat"] and not is_break(row["sequence"]):
        problems.append(f"{where} : le résultat attendu de « {row['sequence']} » n'est pas renseigné.")
    return problems


def _check_overlaps(frame: pd.DataFrame) -> list[str]:
    """Sequences of the same day that overlap: a facilitator cannot run both."""
    problems = []
    timed = frame.assign(_start=frame["debut"].map(_parse_time), _end=frame["fin"].map(_parse_time))
    timed = timed.dropna(subset=["_start", "_end"])
    for (session, day), group in timed.groupby(["session", "jour"], sort=True):
        previous = None
        for row in group.sort_values("_start", kind="stable").to_dict("records"):
            if previous is not None and row["_start"] < previous["_end"]:
                problems.append(
                    f"{AGENDA_FILE}, session {session}, jour {day} : « {previous['sequence']} » "
                    f"({_hhmm(int(previous['_start']))}–{_hhmm(int(previous['_end']))}) chevauche "
                    f"« {row['sequence']} » ({_hhmm(int(row['_start']))}–{_hhmm(int(row['_end']))}).")
            if previous is None or row["_end"] > previous["_end"]:
                previous = row
    return problems


def _check_preparation_row(line: int, row: dict) -> list[str]:
    where = f"{PREPARATION_FILE}, ligne {line}"
    problems = []
    if row["session"] not in {str(n) for n in SESSION_TITLES}:
        problems.append(f"{where} : session « {row['session']} » inconnue (1, 2 ou 3 attendu).")
    if row["moment"] not in MOMENTS:
        problems.append(f"{where} : moment « {row['moment']} » invalide (« avant » ou « après » attendu).")
    if not row["tache"]:
        problems.append(f"{where} : la tâche n'est pas décrite.")
    if not row["echeance"]:
        problems.append(f"{where} : l'échéance n'est pas renseignée (par exemple J-15 ou J+7).")
    offset = _offset(row["echeance"])
    # J-n is before the session, J+n after it; J+0 (the session day itself) suits both.
    wrong_side = offset is not None and offset != 0 and (offset > 0) != (row["moment"] == "après")
    if wrong_side and row["moment"] in MOMENTS:
        problems.append(f"{where} : l'échéance {row['echeance']} ne correspond pas au moment « {row['moment']} ».")
    return problems


def _check_file(name: str, columns: list[str], directory, check_row) -> tuple[pd.DataFrame | None, list[str]]:
    try:
        frame = _raw(name, directory)
    except KitError as error:
        return None, [str(error)]
    missing = _missing_columns(frame, columns)
    if missing:
        return None, [f"Colonnes manquantes dans {name} : {', '.join(missing)}."]
    problems = [p for i, row in enumerate(frame.to_dict("records")) for p in check_row(i + 2, row)]
    return frame, problems


def check_guides(directory: Path | str | None = None) -> list[str]:
    """Every problem found in the two guide files, as French sentences naming the file and line; empty
    when the guides are sound. Run after editing the CSVs (the tests do it for the shipped files)."""
    agenda, problems = _check_file(AGENDA_FILE, AGENDA_COLUMNS, directory, _check_agenda_row)
    if agenda is not None:
        problems += _check_overlaps(agenda)
    _, preparation_problems = _check_file(PREPARATION_FILE, PREPARATION_COLUMNS, directory, _check_preparation_row)
    return problems + preparation_problems
