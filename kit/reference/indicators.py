"""Indicator catalogue, and the ways indicator values come in: the user's own table or official files.

pandas in, pandas out: no widget, no file written (downloading and caching live in `kit/reference/datafetch.py`).
Problems a person can fix are `KitError`s in French. The import of a user's table collects its problems
line by line instead, and keeps nothing when there is any: a half-imported table would look complete.

A missing value is never a zero. Every value comes with a note: "" for a number, otherwise why there is
none ("non renseigné", "secret statistique"...). Formats of official files: see `data/README.md`.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kit.lazy import pandas as pd  # imported on first table (see kit.lazy)
from kit import archives
from kit.errors import KitError
from kit.reference.paths import DATA_DIR
from kit.model import QPV_CODE


MAX_TABLE_BYTES = 20 * 1024 * 1024  # a user's table: far above any real one, low enough to stay responsive
MAX_OFFICIAL_BYTES = 50 * 1024 * 1024  # one unzipped official CSV (the QPV ones are a few MB)
MAX_ARCHIVE_BYTES = 50 * 1024 * 1024  # an official zip as downloaded (the QPV ones are a few MB)
MAX_ROWS = 100_000
# Cells of a table, empty ones included: 100,000 lines of 50 columns. What a reader builds is bounded by
# this, whatever the file (a CSV line of 20 million cells, a workbook row padded to 16,384 columns).
MAX_CELLS = 5_000_000
MAX_COLUMNS = 16_384  # Excel's own limit
# An official zip decompressed (kit.archives checks it before anything is inflated): members and total.
OFFICIAL_ZIP_LIMITS = archives.Limits(total=2 * MAX_OFFICIAL_BYTES, member=MAX_OFFICIAL_BYTES)

NOTE_EMPTY = "non renseigné"
NOTE_SECRET = "secret statistique"
NOTE_UNAVAILABLE = "non disponible"
NOTE_NOT_SIGNIFICANT = "non significatif"

# Markers that stand for "no value, on purpose" in French statistical tables. INSEE's convention (seen in
# its local tables; not confirmed on the QPV 2024 files themselves) is "s" for a value withheld by
# statistical secrecy, "nd" for not available and "ns" for not significant; some producers write "c"
# (confidential) or "(s)". Each keeps its own meaning rather than all being called secrecy.
MARKERS = {
    "s": NOTE_SECRET, "(s)": NOTE_SECRET, "secret": NOTE_SECRET, "secret statistique": NOTE_SECRET,
    "c": NOTE_SECRET, "confidentiel": NOTE_SECRET,
    "nd": NOTE_UNAVAILABLE, "n.d.": NOTE_UNAVAILABLE, "n.d": NOTE_UNAVAILABLE, "non disponible": NOTE_UNAVAILABLE,
    "ns": NOTE_NOT_SIGNIFICANT, "n.s.": NOTE_NOT_SIGNIFICANT, "non significatif": NOTE_NOT_SIGNIFICANT,
}

VALUE_COLUMNS = ["qpv_code", "indicator", "value", "note"]
LONG_COLUMNS = ["qpv_code", "column", "label", "value", "note"]
QPV_CODE_HINT = "QN, 3 chiffres du département, 2 chiffres et une lettre, par exemple QN03301M"


class OfficialFormatChanged(KitError):
    """An official file no longer has the columns (or layout) the kit was written for."""


# --- Reference lists --------------------------------------------------------------------------------------

@lru_cache(maxsize=2)
def _read_reference(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / name, dtype=str, keep_default_na=False, encoding="utf-8")


@lru_cache(maxsize=2)
def _reference_rows(name: str) -> tuple[dict, ...]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


def catalogue_rows() -> list[dict]:
    """The catalogue as plain rows (text cells): for the lists of an app's first screen, shown before pandas
    is loaded. The same file and cells as `load_catalogue`."""
    return [dict(row) for row in _reference_rows("indicateurs/catalogue.csv")]


def theme_labels() -> list[str]:
    """The transition themes' names, in their order (`load_themes()["libelle"]`, without pandas)."""
    return [row["libelle"] for row in _reference_rows("themes_transition.csv")]


def load_catalogue() -> pd.DataFrame:
    """The indicators the kit knows (data/indicateurs/catalogue.csv), one row per `code`.
    Read once, then copied, so that a caller editing its frame cannot change everybody's catalogue."""
    return _read_reference("indicateurs/catalogue.csv").copy()


def load_themes() -> pd.DataFrame:
    """Transition themes a stake can belong to (data/themes_transition.csv): code, libelle, description."""
    return _read_reference("themes_transition.csv").copy()


# --- Reading a table: the user's CSV or XLSX ----------------------------------------------------------------

def read_table(data: bytes, filename: str) -> pd.DataFrame:
    """The user's CSV or XLSX as a DataFrame of text cells, indexed by spreadsheet line ("ligne", the
    header being line 1) so that later messages point at the line the user sees in their spreadsheet."""
    if len(data) > MAX_TABLE_BYTES:
        raise KitError(f"Le fichier « {filename} » est trop volumineux : plus de "
                       f"{MAX_TABLE_BYTES // 1_048_576} Mo. Gardez seulement les lignes de vos quartiers.")
    if not data.strip():
        raise KitError(f"Le fichier « {filename} » est vide.")
    if data.startswith(b"PK\x03\x04"):  # a zip: XLSX, whatever its name says
        return _records_to_table(_xlsx_records(data, filename), filename)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise KitError(f"« {filename} » est au format Excel ancien (.xls), que le kit ne lit pas.",
                       details=["Enregistrez-le au format .xlsx ou CSV depuis votre tableur."])
    return _records_to_table(_csv_records(_decode(data, filename), filename), filename)


def _decode(data: bytes, filename: str) -> str:
    # UTF-8 first (with or without the BOM Excel adds), then cp1252, the "CSV (séparateur : point-virgule)"
    # of a French Windows Excel. UTF-16 is Excel's "texte Unicode" export.
    try:
        if data.startswith(codecs.BOM_UTF8):
            text = data[3:].decode("utf-8")
        elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = data.decode("utf-16")
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = "\x00"
    if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", text[:65536]):
        raise KitError(f"« {filename} » ne ressemble pas à un tableau : c'est un fichier binaire ou illisible.",
                       details=["Le kit lit les fichiers CSV (séparés par « ; », « , » ou tabulation) et XLSX."])
    return text


def _separator(text: str) -> str:
    # The separator that splits the header into the most columns; among equals, the one that gives the
    # following lines the same number of cells. ";" wins a tie: French files put commas inside numbers.
    # Enough of the first lines to judge: a line of 60 MB would be split into millions of cells here.
    lines = [line[:65_536] for line in text[:1_048_576].splitlines()[:50] if line.strip()]
    if not lines:
        return ";"

    def width(line: str, sep: str) -> int:
        return len(next(csv.reader([line], delimiter=sep)))

    def score(sep: str) -> tuple[int, int]:
        header = width(lines[0], sep)
        return header, sum(width(line, sep) == header for line in lines[1:])

    return max((";", ",", "\t"), key=score)


def _too_many_cells(filename: str) -> KitError:
    limit = f"{MAX_CELLS:,}".replace(",", "\u202f")
    return KitError(f"« {filename} » compte plus de {limit} cellules : gardez les lignes et les colonnes de vos "
                    "quartiers. Rien n'a été importé.")


def _csv_records(text: str, filename: str) -> list[list[str]]:
    separator = _separator(text)
    if text.count(separator) > MAX_CELLS:  # csv would build a whole line before it could be counted
        raise _too_many_cells(filename)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    records = []
    cells = 0
    try:
        for record in reader:
            records.append(record)
            cells += len(record)
            if len(records) > MAX_ROWS + 1:
                raise KitError(f"« {filename} » compte plus de {MAX_ROWS} lignes : gardez celles de vos quartiers.")
            if cells > MAX_CELLS:
                raise _too_many_cells(filename)
    except csv.Error:
        raise KitError(f"« {filename} » est mal formé à la ligne {reader.line_num} : "
                       "un guillemet n'est pas refermé ou une cellule est mal découpée.") from None
    return records


def _xlsx_records(data: bytes, filename: str) -> list[list[str]]:
    unreadable = KitError(f"« {filename} » n'est pas un classeur Excel lisible (fichier abîmé ou d'un autre type).",
                          details=["Un classeur LibreOffice (.ods) doit être enregistré en .xlsx ou en CSV."])
    try:
        archives.open_workbook(data, f"le fichier « {filename} »").close()  # zip bombs: before anything inflates
    except zipfile.BadZipFile:
        raise unreadable from None
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - openpyxl is a pinned dependency
        raise KitError("La lecture des fichiers Excel n'est pas installée : enregistrez le fichier en CSV.") from None
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds of errors on a damaged file
        raise unreadable from None
    try:
        records = []
        cells = 0
        sheet = workbook.worksheets[0]  # the first sheet, as a person would expect
        sheet.reset_dimensions()  # the size the file declares is not trusted: read the rows that are there
        for row in sheet.iter_rows():
            cells += len(row)  # before each cell is read: a row may be padded to 16,384 columns
            if cells > MAX_CELLS:
                raise _too_many_cells(filename)
            records.append([_cell_text(cell) for cell in row])
            if len(records) > MAX_ROWS + 1:
                raise KitError(f"« {filename} » compte plus de {MAX_ROWS} lignes : gardez celles de vos quartiers.")
        return records
    finally:
        workbook.close()


def _cell_text(cell) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    if isinstance(value, (int, float)):
        # A cell shown as "12,5 %" holds 0.125: give back what the person sees.
        if "%" in (getattr(cell, "number_format", None) or ""):
            return f"{value * 100:.12g} %"
        return f"{value:.12g}"  # 12 digits: hides float noise such as 0.30000000000000004
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _records_to_table(records: list[list[str]], filename: str) -> pd.DataFrame:
    first = next((i for i, record in enumerate(records) if any(cell.strip() for cell in record)), len(records))
    records = records[first:]  # blank lines above the header (sliced once: there may be thousands)
    if not records:
        raise KitError(f"Le fichier « {filename} » est vide.")
    header = [cell.strip() for cell in records[0]]
    body = records[1:]
    width = len(header)
    if width > MAX_COLUMNS:
        raise KitError(f"« {filename} » compte {width} colonnes, plus qu'aucun tableur n'en a ({MAX_COLUMNS}) : ce "
                       "n'est pas un tableau de quartiers. Rien n'a été importé.")
    problems = [f"ligne {line} : {len(row)} cellules pour {width} colonnes"
                for line, row in enumerate(body, start=2) if any(c.strip() for c in row[width:])]
    if problems:
        raise KitError(f"« {filename} » a des lignes plus longues que son en-tête.",
                       details=problems[:10] + ([f"… et {len(problems) - 10} autres"] if len(problems) > 10 else []))
    lines, rows = [], []
    for line, row in enumerate(body, start=2):
        row = (row + [""] * width)[:width]
        if any(cell.strip() for cell in row):  # blank lines are skipped, but keep their number
            lines.append(line)
            rows.append(row)
    table = pd.DataFrame(rows, columns=range(width), index=pd.Index(lines, name="ligne"), dtype=object)
    # A column without a title: dropped when empty (Excel's trailing columns), named otherwise.
    keep = [i for i in range(width) if header[i] or table[i].str.strip().ne("").any()]
    names = [header[i] or f"colonne {i + 1}" for i in keep]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise KitError(f"Dans « {filename} », plusieurs colonnes portent le même nom : {', '.join(duplicates)}.",
                       details=["Renommez-les pour que chaque colonne ait un titre unique."])
    if not rows:
        raise KitError(f"« {filename} » ne contient que sa ligne d'en-tête : aucune valeur à lire.")
    table = table[keep]
    table.columns = names
    return table


# --- Reading one value -----------------------------------------------------------------------------------

_GROUPED = re.compile(r"[+-]?\d{1,3}(?: \d{3})+(?:[.,]\d+)?")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)?|[.,]\d+)")


def parse_cell(cell) -> tuple[float | None, str]:
    """(value, note) for one cell: 12,5 / 1 234,5 / 12,5 % / 3.2 give a number and note "";
    an empty cell gives (None, "non renseigné"), a marker such as "s" (None, "secret statistique").
    Raises ValueError with a French reason for anything else."""
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return None, NOTE_EMPTY
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        return float(cell), ""
    text = str(cell).strip()
    if not text:
        return None, NOTE_EMPTY
    if text.casefold() in MARKERS:
        return None, MARKERS[text.casefold()]
    if text.startswith("#"):
        raise ValueError(f"« {text} » est une erreur de formule du tableur, pas un nombre")
    number = re.sub(r"[\s\u00a0\u202f]+", " ", text.replace("\u2212", "-")).removesuffix("%").strip()
    if " " in number:  # spaces are accepted only as thousands separators: "1 234,5", not "12 5"
        if not _GROUPED.fullmatch(number):
            raise ValueError(f"« {text} » n'est pas un nombre lisible (espaces mal placées)")
        number = number.replace(" ", "")
    if not _NUMBER.fullmatch(number):
        raise ValueError(f"« {text} » n'est pas un nombre")
    return float(number.replace(",", ".")), ""


# --- Importing the user's table ----------------------------------------------------------------------------

@dataclass(frozen=True)
class ImportProblem:
    """One reason the import was refused. `line` counts the header as line 1, like a spreadsheet;
    None when the problem concerns the file as a whole (e.g. an unknown indicator code)."""

    line: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = [f"ligne {self.line}"] if self.line else []
        where += [f"colonne « {self.column} »"] if self.column else []
        return (", ".join(where) + " : " if where else "") + self.message


@dataclass
class ImportResult:
    """Values in the shape of VALUE_COLUMNS, or problems; never both (values are empty when errors exist)."""

    values: pd.DataFrame
    errors: list[ImportProblem]

    @property
    def ok(self) -> bool:
        return not self.errors

    def raise_if_errors(self) -> None:
        """A KitError listing the problems (the first 30), for the CLI or an app message."""
        if self.errors:
            lines = [str(e)[:1].upper() + str(e)[1:] for e in self.errors[:30]]
            if len(self.errors) > 30:
                lines.append(f"… et {len(self.errors) - 30} autres problèmes")
            raise KitError(f"Import refusé : {len(self.errors)} problème(s) à corriger dans le fichier ; "
                           "aucune valeur n'a été importée.", details=lines)


def empty_values() -> pd.DataFrame:
    return values_frame([])


def values_frame(records: list[tuple]) -> pd.DataFrame:
    """A values DataFrame from (qpv_code, indicator, value or None, note) tuples; None becomes NaN."""
    qpv, indicator, value, note = (list(c) for c in zip(*records)) if records else ([], [], [], [])
    return pd.DataFrame({
        "qpv_code": pd.Series(qpv, dtype=object), "indicator": pd.Series(indicator, dtype=object),
        "value": pd.Series([math.nan if v is None else v for v in value], dtype="float64"),
        "note": pd.Series(note, dtype=object),
    })


def normalize_qpv_code(raw) -> str:
    """Upper case, no spaces: " qn 999 01n " -> "QN99901N"; anything empty -> ""."""
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return ""
    return re.sub(r"\s+", "", str(raw)).upper()


def import_values(table: pd.DataFrame, *, qpv_column: str, mapping: dict[str, str],
                  known_qpv_codes: set[str], other_indicators: set[str] = frozenset()) -> ImportResult:
    """Turn the user's table into indicator values. `mapping` is {table column: indicator code}: a code of the
    catalogue or one of `other_indicators` (the codes of a territory's own indicators).
    Every problem is reported with its line and column; if there is one, nothing is imported."""
    errors = _mapping_errors(table, qpv_column, mapping, other_indicators)
    if errors:
        return ImportResult(empty_values(), errors)
    known = {normalize_qpv_code(code) for code in known_qpv_codes}
    lines = list(table.index) if table.index.name == "ligne" else list(range(2, len(table) + 2))
    cells = {column: table[column].tolist() for column in [qpv_column, *mapping]}
    kept: dict[tuple[str, str], tuple[float | None, str, int]] = {}
    for position, line in enumerate(lines):
        raw_code = cells[qpv_column][position]
        code = normalize_qpv_code(raw_code)
        if not code:
            if any(normalize_qpv_code(cells[column][position]) for column in mapping):
                errors.append(ImportProblem(line, qpv_column, "code QPV manquant"))
            continue
        if not QPV_CODE.fullmatch(code):
            errors.append(ImportProblem(line, qpv_column, f"« {str(raw_code).strip()} » n'est pas un code QPV "
                                                          f"(forme attendue : {QPV_CODE_HINT})"))
        elif code not in known:
            errors.append(ImportProblem(line, qpv_column,
                                        f"le quartier {code} ne fait pas partie des quartiers de ce territoire"))
        for column, indicator in mapping.items():  # cells are checked even on a refused line: one round of fixes
            try:
                value, note = parse_cell(cells[column][position])
            except ValueError as error:
                errors.append(ImportProblem(line, column, str(error)))
                continue
            if code not in known:
                continue
            previous = kept.get((code, indicator))
            # The same quartier on two lines is fine as long as one of the two cells is empty.
            if previous and note == NOTE_EMPTY:
                continue
            if previous and previous[1] != NOTE_EMPTY:
                errors.append(ImportProblem(line, column, f"valeur en double : le quartier {code} a déjà une "
                                                          f"valeur pour « {indicator} » à la ligne {previous[2]}"))
                continue
            kept[(code, indicator)] = (value, note, line)
    if errors:
        return ImportResult(empty_values(), errors)
    return ImportResult(values_frame([(q, i, v, n) for (q, i), (v, n, _) in kept.items()]), [])


def _mapping_errors(table: pd.DataFrame, qpv_column: str, mapping: dict[str, str],
                    other_indicators: set[str] = frozenset()) -> list[ImportProblem]:
    errors = []
    columns = [str(c) for c in table.columns]
    listed = ", ".join(f"« {c} »" for c in columns)
    if qpv_column not in columns:
        errors.append(ImportProblem(1, qpv_column, f"colonne des codes QPV absente du fichier (colonnes : {listed})"))
    if not mapping:
        errors.append(ImportProblem(None, "", "aucune colonne n'est associée à un indicateur"))
    codes = set(_read_reference("indicateurs/catalogue.csv")["code"]) | set(other_indicators)
    fed_by: dict[str, str] = {}
    for column, indicator in mapping.items():
        if column not in columns:
            errors.append(ImportProblem(1, column, f"colonne absente du fichier (colonnes : {listed})"))
        if indicator not in codes:
            errors.append(ImportProblem(None, column, f"indicateur « {indicator} » inconnu du catalogue"))
        elif indicator in fed_by:
            errors.append(ImportProblem(None, column, f"l'indicateur « {indicator} » est déjà rempli par "
                                                      f"la colonne « {fed_by[indicator]} »"))
        else:
            fed_by[indicator] = column
    return errors


# --- Official files ------------------------------------------------------------------------------------

# Names an INSEE data table may give its QPV code column (historical files: CODGEO; ANCT: code_qp).
# Not confirmed on the 2024 files: the column is in any case recognised by its content.
QPV_COLUMN_NAMES = ("codgeo", "code_qp", "code_qpv", "cod_qp", "qp", "qpv", "codeqp")
# Columns that describe a place rather than measure it: never turned into values.
PLACE_COLUMNS = {"libgeo", "lib_qp", "lib_qpv", "nom_qp", "com", "codcom", "depcom", "insee_com", "libcom",
                 "lib_com", "dep", "lib_dep", "insee_dep", "reg", "lib_reg", "insee_reg", "epci", "libepci",
                 "siren_epci", "lib_epci", "arr", "uu", "au"}


def read_insee_qpv_zip(data: bytes) -> pd.DataFrame:
    """An INSEE "QPV 2024" zip as published: a `;`-separated data CSV with one line per QPV, plus a
    `meta_*.csv` describing its columns. Returns one row per (QPV, measured column): LONG_COLUMNS,
    labels taken from the meta file when it describes the column."""
    archive = _open_zip(data)
    csvs = [m for m in archive.infolist() if not m.is_dir() and m.filename.lower().endswith(".csv")]
    metas = [m for m in csvs if Path(m.filename).name.lower().startswith("meta")]
    tables = [m for m in csvs if m not in metas]
    if not tables:
        raise OfficialFormatChanged("L'archive INSEE ne contient aucun fichier CSV de données.",
                                    details=[f"fichiers trouvés : {', '.join(archive.namelist()) or 'aucun'}"])
    refused = []
    for member in sorted(tables, key=lambda m: m.filename):
        table = _read_member(archive, member)
        if "OBS_VALUE" in table.columns:
            refused.append(f"{member.filename} : format « une ligne par mesure » (Mélodi), pas encore lu par le kit")
            continue
        column = _find_qpv_column(table)
        if column is None:
            shown = ", ".join(table.columns[:12])
            refused.append(f"{member.filename} : aucune colonne de codes QPV (colonnes : {shown})")
            continue
        codes = table[column].map(normalize_qpv_code)
        table = table[codes.map(lambda c: bool(QPV_CODE.fullmatch(c)))]  # drops total lines ("Ensemble"...)
        codes = codes[table.index]
        if not codes.is_unique:
            refused.append(f"{member.filename} : plusieurs lignes par quartier (table par commune ?)")
            continue
        labels, kinds = _meta_labels(archive, metas)
        return _to_long(table, column, codes, labels, kinds)
    raise OfficialFormatChanged("Les colonnes du fichier INSEE ont changé : le kit n'y trouve plus une ligne "
                                "par quartier avec son code QPV.", details=refused)


def _open_zip(data: bytes) -> zipfile.ZipFile:
    if not data:
        raise KitError("Le fichier INSEE est vide.")
    if len(data) > MAX_ARCHIVE_BYTES:
        raise KitError(f"L'archive est trop volumineuse pour un fichier de l'INSEE sur les quartiers : plus de "
                       f"{MAX_ARCHIVE_BYTES // 1_048_576} Mo.")
    try:
        return archives.open_zip(data, "l'archive de l'INSEE", OFFICIAL_ZIP_LIMITS)  # zip bombs refused here
    except zipfile.BadZipFile:
        raise KitError("Le fichier reçu n'est pas une archive zip de l'INSEE (page web ou fichier d'un autre "
                       "type ?).") from None


def _read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> pd.DataFrame:
    name = Path(member.filename).name
    return _records_to_table(_csv_records(_decode(archive.read(member), name), name), name)


def _find_qpv_column(table: pd.DataFrame) -> str | None:
    # Known names first, then any column: the one where most filled cells are QPV codes.
    names = sorted(table.columns, key=lambda c: (c.casefold() not in QPV_COLUMN_NAMES, list(table.columns).index(c)))
    for name in names:
        codes = [normalize_qpv_code(v) for v in table[name] if str(v).strip()]
        if codes and sum(bool(QPV_CODE.fullmatch(c)) for c in codes) * 2 > len(codes):
            return name
    return None


def _meta_labels(archive: zipfile.ZipFile, metas: list[zipfile.ZipInfo]) -> tuple[dict[str, str], dict[str, str]]:
    # INSEE meta files list COD_VAR, LIB_VAR, often LIB_VAR_LONG and TYPE_VAR (CHAR or NUM), with one
    # line per category for coded variables. A meta file in another shape only costs the labels.
    labels, kinds = {}, {}
    for member in metas:
        meta = _read_member(archive, member)
        upper = {c.upper(): c for c in meta.columns}
        if "COD_VAR" not in upper:
            continue
        for _, row in meta.iterrows():
            code = row[upper["COD_VAR"]].strip()
            label = next((row[upper[k]].strip() for k in ("LIB_VAR_LONG", "LIB_VAR") if k in upper
                          and row[upper[k]].strip()), "")
            if code and code not in labels:
                labels[code] = label or code
                kinds[code] = row[upper["TYPE_VAR"]].strip().upper() if "TYPE_VAR" in upper else ""
    return labels, kinds


def _to_long(table, qpv_column, codes, labels, kinds) -> pd.DataFrame:
    def measured(column: str) -> bool:
        if column == qpv_column or kinds.get(column) == "CHAR":
            return False
        name = column.casefold()
        if name in PLACE_COLUMNS or name.startswith(("lib", "nom")):
            return False
        return any(_is_number(v) for v in table[column])

    rows = []
    for column in [c for c in table.columns if measured(c)]:
        for code, raw in zip(codes, table[column]):
            try:
                value, note = parse_cell(raw)
            except ValueError:
                value, note = None, f"valeur illisible : « {raw.strip()} »"
            rows.append((code, column, labels.get(column, column), math.nan if value is None else value, note))
    long = pd.DataFrame(rows, columns=LONG_COLUMNS)
    long["value"] = long["value"].astype("float64")
    return long


def _is_number(cell) -> bool:
    try:
        return parse_cell(cell)[1] == ""
    except ValueError:
        return False


ANCT_COLUMNS = ("code_qp", "lib_qp", "insee_reg", "lib_reg", "insee_dep", "lib_dep", "insee_com", "lib_com",
                "siren_epci", "lib_epci")


def read_anct_qpv_list(data: bytes) -> pd.DataFrame:
    """The ANCT list of QPV (SIG Ville): one row per QPV, `insee_com` replaced by `communes`, the list of
    INSEE codes of its communes (Excel-escaped, several for a quartier across communes)."""
    table = _records_to_table(_csv_records(_decode(data, "liste des QPV"), "liste des QPV"), "liste des QPV")
    by_name = {c.casefold(): c for c in table.columns}
    missing = [c for c in ANCT_COLUMNS if c not in by_name]
    if missing:
        raise OfficialFormatChanged("Les colonnes de la liste des quartiers de l'ANCT ont changé.",
                                    details=[f"colonnes attendues absentes : {', '.join(missing)}",
                                             f"colonnes trouvées : {', '.join(table.columns)}"])
    table = table[[by_name[c] for c in ANCT_COLUMNS]].map(_unexcel)
    table.columns = list(ANCT_COLUMNS)
    table["code_qp"] = table["code_qp"].map(normalize_qpv_code)
    table = table[table["code_qp"].map(lambda c: bool(QPV_CODE.fullmatch(c)))].drop_duplicates("code_qp")
    if table.empty:
        raise OfficialFormatChanged("La liste des quartiers de l'ANCT ne contient plus aucun code QPV lisible.")
    communes = table.pop("insee_com").map(lambda s: [c.strip() for c in re.split(r"[;,]", s) if c.strip()])
    table.insert(6, "communes", communes)
    return table.reset_index(drop=True)


def _unexcel(cell: str) -> str:
    # Excel-protected text: ="13055;13070" keeps leading zeros and keeps Excel from reading a date or number.
    match = re.fullmatch(r'\s*=\s*"+(.*?)"+\s*', cell)
    return (match.group(1) if match else cell).strip()


def insee_to_values(long_df: pd.DataFrame, column_to_indicator: dict[str, str]) -> pd.DataFrame:
    """The chosen columns of `read_insee_qpv_zip`'s result as indicator values (VALUE_COLUMNS)."""
    codes = set(_read_reference("indicateurs/catalogue.csv")["code"])
    unknown = sorted({i for i in column_to_indicator.values() if i not in codes})
    absent = [c for c in column_to_indicator if c not in set(long_df["column"])]
    targets = list(column_to_indicator.values())
    twice = sorted({i for i in targets if targets.count(i) > 1})
    details = ([f"indicateur inconnu du catalogue : {i}" for i in unknown]
               + [f"colonne absente du fichier INSEE : {c}" for c in absent]
               + [f"indicateur rempli par plusieurs colonnes : {i}" for i in twice])
    if details:
        raise KitError("Correspondance entre colonnes INSEE et indicateurs impossible.", details=details)
    chosen = long_df[long_df["column"].isin(list(column_to_indicator))]
    return values_frame([(q, column_to_indicator[c], None if math.isnan(v) else v, n)
                         for q, c, v, n in zip(chosen["qpv_code"], chosen["column"], chosen["value"], chosen["note"])])


# --- What is missing ------------------------------------------------------------------------------------

def reference_gaps(values_df: pd.DataFrame, catalogue: pd.DataFrame | None = None,
                   qpv_codes: set[str] | None = None) -> pd.DataFrame:
    """Indicators without a value, and where to get them: the kit never pretends to have data it lacks.
    Without `qpv_codes`, an indicator is missing when no quartier has a value; with them, when one of
    these quartiers has none (listed in `quartiers`). `message` is a French sentence for the user."""
    catalogue = load_catalogue() if catalogue is None else catalogue
    rows = []
    for entry in catalogue.to_dict("records"):
        mine = values_df[values_df["indicator"] == entry["code"]]
        with_value = set(mine.loc[mine["value"].notna(), "qpv_code"])
        lacking = sorted(set(qpv_codes) - with_value) if qpv_codes is not None else []
        if with_value and not lacking:
            continue
        without = mine[mine["value"].isna()]
        if lacking:
            without = without[without["qpv_code"].isin(lacking)]
        notes = sorted(set(without["note"]) - {""})
        reason = ", ".join(notes) if notes else "aucune valeur"
        scale = ("" if entry["echelle"] == "qpv"
                 else f" (donnée disponible à l'échelle {entry['echelle']}, à rapporter au quartier)")
        rows.append({
            "code": entry["code"], "libelle": entry["libelle"], "theme": entry["theme"],
            "producteur": entry["producteur"], "jeu_de_donnees": entry["jeu_de_donnees"],
            "echelle": entry["echelle"], "page": entry["page"], "quartiers": lacking, "raison": reason,
            "message": f"{entry['libelle']} : {reason}{' pour ' + ', '.join(lacking) if lacking else ''}. "
                       f"Source : {entry['producteur']}, {entry['jeu_de_donnees']}{scale} — {entry['page']}",
        })
    return pd.DataFrame(rows, columns=["code", "libelle", "theme", "producteur", "jeu_de_donnees", "echelle",
                                       "page", "quartiers", "raison", "message"])


def official_table(long_df: pd.DataFrame) -> pd.DataFrame:
    """An official file read by `read_insee_qpv_zip`, laid out like a user's table (text cells, one
    line per QPV) so the same column-to-indicator screen and checks apply. Missing and secret values
    keep their note ("secret statistique"), which the import reads back as a note, never as zero."""
    cells = long_df.assign(
        text=[note if pd.isna(value) else repr(float(value)) for value, note in zip(long_df["value"], long_df["note"])],
        header=[f"{label} ({column})" if label and label != column else column
                for label, column in zip(long_df["label"], long_df["column"])])
    wide = cells.pivot_table(index="qpv_code", columns="header", values="text", aggfunc="first", sort=False)
    return wide.fillna("").reset_index().rename(columns={"qpv_code": "code_qp"})
