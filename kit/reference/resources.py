"""References and resource bodies a project group can turn to, filterable by theme, session and kind.

Two hand-written lists, kept as data so that a facilitator adds a line without touching code (see
data/README.md):

- `data/ressources/references.csv`: books, guides, reports, websites, data sets and tools;
- `data/acteurs/ressources_regionales.csv`: the bodies (Cerema, ADEME, AREC, PQN-A...) the programme
  can call on, also read by the session-2 app (`load_regional_resources`);
- `data/acteurs/types_acteurs.csv`: the kinds of actors the session-2 app offers (`load_actor_types`).

`load_resources()` gives both in one frame with the same columns, lists already split. A line that a
facilitator's edit broke is not dropped silently: `check_resources()` says in French what is wrong and
where, and `valid_resources()` keeps the lines that can be shown, so one typo never empties the app.

Pure functions, no widgets: the CSVs are read once (`lru_cache`) and every caller gets its own copy.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from kit.errors import KitError
from kit.lazy import pandas as pd  # imported on first table (see kit.lazy)
from kit.reference.paths import DATA_DIR
from kit.text import fold

REFERENCES_PATH = DATA_DIR / "ressources" / "references.csv"
BODIES_FILE = "acteurs/ressources_regionales.csv"  # as named in messages
ACTOR_TYPE_COLUMNS = ["code", "libelle", "famille", "description"]
RESOURCE_COLUMNS = ["name", "kind", "scope", "contribution", "sessions", "url", "themes", "verifie"]

THEMES: tuple[str, ...] = ("prospective", "politique de la ville", "transitions", "données", "participation",
                           "gouvernance", "action et pilotage")
BODY_KIND = "organisme"
KINDS: tuple[str, ...] = ("ouvrage", "guide", "rapport", "site", "données", "outil", BODY_KIND)
SESSIONS = (1, 2, 3)
REFERENCE = "référence"
BODY = "organisme ressource"

REFERENCE_COLUMNS = ["titre", "auteur", "annee", "type", "themes", "sessions", "ou_trouver", "apport", "verifie"]
COLUMNS = ["titre", "type", "themes", "sessions", "ou_trouver", "apport", "auteur", "annee", "categorie", "verifie"]
SEARCHED = ("titre", "auteur", "apport")
HTTPS = re.compile(r"https://[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}(:\d+)?(/\S*)?")


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=2)
def _read_actors_file(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / "acteurs" / name, dtype=str, keep_default_na=False, encoding="utf-8")


def load_actor_types() -> pd.DataFrame:
    """Kinds of actors (data/acteurs/types_acteurs.csv): ``code``, ``libelle`` (what `Actor.kind` holds),
    ``famille``, ``description``, in the order the app offers them."""
    return _read_actors_file("types_acteurs.csv").copy()


def load_regional_resources(session: int | None = None) -> pd.DataFrame:
    """Resources a project group can call on (data/acteurs/ressources_regionales.csv): ``name``, ``kind``
    (a code of the actor types), ``scope``, ``contribution``, ``sessions`` (numbers 1-3 separated by
    ``;``), ``url`` (the public website), ``themes`` (the themes of `THEMES` separated by ``;``, so the
    resources app files them with the references) and ``verifie`` (``oui`` when the website was
    confirmed while the list was written). With `session`, only those useful for that session. Kept as
    raw text: `load_resources` is the parsed, checked view."""
    frame = _read_actors_file("ressources_regionales.csv").copy()
    if session is not None:
        frame = frame[frame["sessions"].map(lambda s: str(session) in s.split(";"))].reset_index(drop=True)
    return frame


def _separator(path: Path) -> str:
    """`,` as shipped, or `;` when a spreadsheet re-saved the file the French way.

    Decided on the header alone: it holds no `;`-separated values (themes, sessions), so counting
    its separators cannot be fooled by the content.
    """
    with open(path, encoding="utf-8-sig") as handle:
        header = handle.readline()
    return ";" if header.count(";") > header.count(",") else ","


@lru_cache(maxsize=4)
def _read_references(path: Path) -> pd.DataFrame:
    """The references file as text, read once; a missing column is a French error naming it."""
    try:
        frame = pd.read_csv(path, sep=_separator(path), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise KitError(f"Le fichier des références est introuvable : {path.parent.name}/{path.name}.") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        raise KitError(f"Le fichier des références {path.name} est illisible : enregistrez-le en CSV UTF-8.",
                       details=[str(error)]) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in REFERENCE_COLUMNS if c not in frame.columns]
    if missing:
        raise KitError(f"Le fichier des références {path.name} n'a pas les colonnes attendues.",
                       details=[f"Colonne manquante : {c}" for c in missing])
    return frame


def _split(value: object) -> list[str]:
    """`a;b; c` -> ["a", "b", "c"]: how several values share one cell of the CSVs."""
    return [part.strip() for part in str(value or "").split(";") if part.strip()]


def _sessions(value: object) -> list[int]:
    """Session numbers of a cell; a token that is not a number becomes 0 so the check reports it."""
    return [int(token) if token.isdigit() else 0 for token in _split(value)]


def _references_frame(path: Path) -> pd.DataFrame:
    raw = _read_references(path)
    frame = pd.DataFrame({
        "titre": raw["titre"].str.strip(),
        "type": raw["type"].str.strip(),
        "themes": raw["themes"].map(_split),
        "sessions": raw["sessions"].map(_sessions),
        "ou_trouver": raw["ou_trouver"].str.strip(),
        "apport": raw["apport"].str.strip(),
        "auteur": raw["auteur"].str.strip(),
        "annee": raw["annee"].str.strip(),
        "categorie": REFERENCE,
        "verifie": raw["verifie"].str.strip().str.lower(),
    })
    # Line numbers as a spreadsheet shows them (the header is line 1): where to look when a check fails.
    frame.index = [f"{path.parent.name}/{path.name}, ligne {n + 2}" for n in range(len(frame))]
    return frame


def _bodies_frame() -> pd.DataFrame:
    """The regional bodies in the references' columns.

    ``auteur`` holds their scope ("régionale", "nationale avec direction régionale"...): for a body,
    where it acts is what a reader needs in place of an author.
    """
    raw = load_regional_resources()

    def column(name: str) -> pd.Series:
        # A column removed by mistake reads as empty: the check then names what is missing, line by line.
        return raw[name].astype(str).str.strip() if name in raw else pd.Series("", index=raw.index)

    frame = pd.DataFrame({
        "titre": column("name"),
        "type": BODY_KIND,
        "themes": column("themes").map(_split),
        "sessions": column("sessions").map(_sessions),
        "ou_trouver": column("url"),
        "apport": column("contribution"),
        "auteur": column("scope"),
        "annee": "",
        "categorie": BODY,
        "verifie": column("verifie").str.lower(),
    })
    frame.index = [f"{BODIES_FILE}, ligne {n + 2}" for n in range(len(frame))]
    return frame


def _copy(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose lists are new lists too: `DataFrame.copy` shares the list objects in the cells."""
    copied = frame.copy()
    for column in ("themes", "sessions"):
        copied[column] = copied[column].map(list)
    return copied


@lru_cache(maxsize=2)
def _all(path: Path) -> pd.DataFrame:
    frame = pd.concat([_bodies_frame(), _references_frame(path)])
    frame.index.name = "ligne"
    return frame[COLUMNS]


def load_resources() -> pd.DataFrame:
    """Regional bodies then references, one row each, in the order of their files.

    Columns: ``titre``, ``type`` (a value of `KINDS`, ``organisme`` for a body), ``themes`` (list of
    str), ``sessions`` (list of int), ``ou_trouver`` (an https address, or where to find a book),
    ``apport``, ``auteur`` (for a body: its scope), ``annee``, ``categorie`` (``référence`` or
    ``organisme ressource``), ``verifie`` (``oui`` when the address or title was confirmed).
    The index names the file and line of each row, for `check_resources` messages. Lines are not
    checked here: see `check_resources` and `valid_resources`.
    """
    return _copy(_all(REFERENCES_PATH))


# ---------------------------------------------------------------------------------------------
# Filtering
# ---------------------------------------------------------------------------------------------


def _matches(row: pd.Series, words: list[str]) -> bool:
    haystack = " ".join(fold(row[column]) for column in SEARCHED)
    return all(word in haystack for word in words)


def filter_resources(frame: pd.DataFrame, *, theme: str = "", session: int | None = None, kind: str = "",
                     text: str = "") -> pd.DataFrame:
    """The rows of `frame` that match every filter given; an empty filter (``""``, None, 0) keeps all.

    `text` is searched in the title, author and contribution, ignoring case and accents; with several
    words, each must appear somewhere ("ilot chaleur" finds "îlots de chaleur"). Rows keep their index.
    """
    keep = pd.Series(True, index=frame.index)
    if theme:
        keep &= frame["themes"].map(lambda themes: theme in themes)
    if session:
        keep &= frame["sessions"].map(lambda sessions: int(session) in sessions)
    if kind:
        keep &= frame["type"] == kind
    words = fold(text).split()
    if words and len(frame):
        keep &= frame.apply(_matches, axis=1, words=words)
    return _copy(frame[keep])


def resources_for_session(number: int) -> pd.DataFrame:
    """What helps for session `number` (1-3): bodies first, then references, lines with errors left out."""
    if number not in SESSIONS:
        raise KitError(f"La session {number} n'existe pas : le programme en compte trois (1, 2 et 3).")
    frame = filter_resources(valid_resources(load_resources()), session=number)
    return frame.sort_values("categorie", key=lambda c: c.map({BODY: 0, REFERENCE: 1}), kind="stable")


# ---------------------------------------------------------------------------------------------
# Checking a facilitator's edits
# ---------------------------------------------------------------------------------------------


def is_link(text: str) -> bool:
    """Whether `text` is a well-formed https address (shown as a link rather than as text)."""
    return bool(HTTPS.fullmatch(str(text or "").strip()))


def row_problems(row: pd.Series) -> list[str]:
    """What is wrong with one resource, in French (empty when it can be shown)."""
    problems = []
    if not str(row["titre"]).strip():
        problems.append("titre manquant")
    if row["type"] not in KINDS:
        problems.append(f"type « {row['type']} » inconnu (attendu : {', '.join(KINDS[:-1])})"
                        if row["type"] else "type manquant")
    unknown = [t for t in row["themes"] if t not in THEMES]
    if unknown:
        problems.append("thème inconnu : " + ", ".join(f"« {t} »" for t in unknown))
    if not row["themes"]:
        problems.append("aucun thème")
    if not row["sessions"]:
        problems.append("aucune session")
    elif any(s not in SESSIONS for s in row["sessions"]):
        problems.append("session illisible ou hors de 1 à 3 (écrire par exemple 1;3)")
    where = str(row["ou_trouver"]).strip()
    if not where:
        problems.append("rien pour la trouver (adresse https ou éditeur)")
    elif where.lower().startswith(("http:", "https:", "www.")) and not is_link(where):
        problems.append(f"adresse « {where} » mal formée (attendu : https://…)")
    return problems


def check_resources(frame: pd.DataFrame) -> list[str]:
    """Every problem of `frame`, one French sentence each, naming the file line and the title."""
    messages = []
    for where, row in frame.iterrows():
        title = str(row["titre"]).strip()
        for problem in row_problems(row):
            messages.append(f"{where}{f' (« {title} »)' if title else ''} : {problem}.")
    titles = frame["titre"].map(fold)
    for title in sorted(set(titles[titles.duplicated() & (titles != "")])):
        lines = " et ".join(str(i) for i in frame.index[titles == title])
        messages.append(f"Titre en double « {frame['titre'][titles == title].iloc[0]} » : {lines}.")
    return messages


def valid_resources(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of `frame` that `row_problems` accepts: what an app can show while a line is fixed."""
    if frame.empty:
        return _copy(frame)
    return _copy(frame[frame.apply(lambda row: not row_problems(row), axis=1)])
