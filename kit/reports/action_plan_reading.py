"""An uploaded action-plan workbook opened safely and read as rows, or refused with a French message.

The file comes from anywhere (an e-mail, a shared drive, another program): before openpyxl sees it,
it must be an .xlsx of a plausible size, not an .xls, an .ods or a zip bomb; then its data sheets
must have the headers the export wrote. What is refused here is a file that cannot be an exported
plan (a `KitError`); problems in the rows are the import's business and are listed, not raised.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

import openpyxl

from kit.archives import open_workbook as open_guarded_workbook
from kit.errors import KitError, megabytes
from kit.model import Workspace
from kit.reports.action_plan_columns import SHEET_TRACE, SHEETS, TRACE_FORMAT, TRACE_VERSION, Col, canon
from kit.text import as_text, quote

MAX_FILE_BYTES = 20 * 1024 * 1024  # decompressed, the workbook is held to `kit.archives.WORKBOOK`
MAX_ROWS = 20_000  # filled rows per sheet; a plan has a few hundred actions
MAX_LINES = 200_000  # rows read per sheet, empty ones included

_DAMAGED = ("Ce classeur est abîmé ou incomplet : {what}. "
            "Ouvrez-le dans Excel ou LibreOffice et enregistrez-le à nouveau au format .xlsx.")


@dataclass
class Row:
    """One filled row of a data sheet: its line number (for the person) and its cells by column key."""

    line: int
    values: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.values.get(key)


Trace = dict[str, dict[str, str]]  # action id → field → fingerprint at export


def read_workbook(ws: Workspace, data: bytes) -> tuple[dict[str, list[Row]], Trace | None, str | None]:
    """The rows of each data sheet, the export's fingerprints (None without a usable trace) and a note
    for the report when there is no trace. Raises `KitError` for a file that is not an exported plan."""
    book = open_workbook(data)
    try:
        missing = [name for name in SHEETS if name not in book.sheetnames]
        if missing:
            raise KitError("Ce classeur n'est pas un plan d'action exporté par le kit, ou des onglets ont été renommés "
                           "ou supprimés : " + ", ".join(quote(m) for m in missing) + " manque" +
                           ("nt." if len(missing) > 1 else "."),
                           details=[f"Onglets trouvés : {', '.join(book.sheetnames)}."])
        sheets = {name: read_rows(book, name, columns) for name, columns in SHEETS.items()}
        trace, note = read_trace(book, ws)
    except KitError:
        raise
    except Exception:  # read-only mode parses sheets lazily: damage may only show now
        raise KitError(_DAMAGED.format(what="ses onglets ne peuvent pas être lus")) from None
    finally:
        book.close()
    return sheets, trace, note


def open_workbook(data: bytes):
    """The workbook in openpyxl's read-only mode, after the checks that need no parsing.

    Each refusal says what the file is and how to get a usable one: people upload .xls files, .ods
    files and the wrong attachment far more often than damaged ones.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise KitError("Le classeur doit être fourni sous forme d'octets (contenu d'un fichier .xlsx).")
    data = bytes(data)
    if len(data) > MAX_FILE_BYTES:
        raise KitError(f"Fichier trop volumineux ({megabytes(len(data))}) : un plan d'action exporté par le kit "
                       f"pèse bien moins de {MAX_FILE_BYTES // 1_048_576} Mo. Vérifiez qu'il s'agit du bon fichier.")
    if not data.strip():
        raise KitError("Le fichier est vide.")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise KitError("Ce fichier est au format Excel 97-2003 (.xls) ou protégé par un mot de passe : enregistrez-le "
                       "au format « Classeur Excel (.xlsx) », sans mot de passe, puis importez-le à nouveau.")
    try:
        archive = open_guarded_workbook(data, "ce classeur")  # a zip bomb is refused before anything is inflated
    except (zipfile.BadZipFile, ValueError, OSError):
        raise KitError("Ce fichier n'est pas un classeur Excel (.xlsx) : exportez le plan d'action depuis le kit, "
                       "modifiez-le, puis importez ce même fichier.") from None
    with archive:
        entries = set(archive.namelist())
        if "xl/workbook.xml" not in entries:
            if "mimetype" in entries and b"opendocument" in archive.read("mimetype"):
                raise KitError("Ce fichier est au format OpenDocument (.ods) : dans LibreOffice, choisissez "
                               "« Enregistrer sous » puis le type « Excel 2007-365 (.xlsx) ».")
            raise KitError("Ce fichier n'est pas un classeur Excel (.xlsx).")
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds of errors on a damaged file
        raise KitError(_DAMAGED.format(what="openpyxl ne peut pas le lire")) from None


def _header_key(text: Any) -> str:
    return " ".join(as_text(text).split()).casefold()


def read_rows(book, title: str, columns: tuple[Col, ...]) -> list[Row]:
    """The filled rows of one data sheet, cells picked by header: a person may move columns, add
    their own and leave blank lines, but not rename or delete the kit's headers."""
    sheet = book[title]
    sheet.reset_dimensions()  # do not trust the size written in the file: read the rows that are there
    lines = sheet.iter_rows(values_only=True)
    header = [_header_key(v) for v in (next(lines, None) or ())]
    positions = {}
    for col in columns:
        key = _header_key(col.header)
        if key not in header:
            found = ", ".join(quote(h) for h in header if h) or "aucun"
            raise KitError(f"L'onglet {quote(title)} n'a pas la colonne {quote(col.header)} en ligne 1 : les titres de "
                           "colonnes ne doivent pas être renommés ni supprimés. Repartez d'un export du kit.",
                           details=[f"Titres trouvés : {found}."])
        positions[col.key] = header.index(key)
    rows: list[Row] = []
    for line, values in enumerate(lines, start=2):
        if line > MAX_LINES:
            raise KitError(f"L'onglet {quote(title)} compte plus de {MAX_LINES} lignes : ce n'est pas un plan d'action exporté par le kit.")
        if not values:
            continue
        picked = {key: values[p] if p < len(values) else None for key, p in positions.items()}
        if all(canon(v) == "" for v in picked.values()):
            continue  # blank lines are allowed anywhere
        rows.append(Row(line, picked))
        if len(rows) > MAX_ROWS:
            raise KitError(f"L'onglet {quote(title)} compte plus de {MAX_ROWS} lignes remplies : le classeur est trop grand.")
    return rows


def read_trace(book, ws: Workspace) -> tuple[Trace | None, str | None]:
    """The fingerprints written at export, or None (with a note) when the file has none usable.

    Without them the import still works, comparing with the workspace as it is now (any difference
    counts as an edit); a trace from another workspace is refused, since its ids mean nothing here.
    """
    if SHEET_TRACE not in book.sheetnames:
        return None, ("Ce classeur ne contient pas la trace de l'export du kit : il a été comparé à l'état actuel "
                      "de l'espace, et toute différence compte comme une modification.")
    sheet = book[SHEET_TRACE]
    sheet.reset_dimensions()
    prints: Trace = {}
    try:
        lines = sheet.iter_rows(values_only=True)
        first = next(lines, None) or ()
        head = json.loads(first[1]) if len(first) > 1 and first[0] == TRACE_FORMAT else None
        if not isinstance(head, dict) or head.get("version") != TRACE_VERSION:
            raise ValueError
        if head.get("workspace") != ws.id:
            raise KitError(f"Ce classeur a été exporté de l'espace {quote(head.get('workspace'))}, pas de l'espace "
                           f"{quote(ws.name)} : importez-le dans son espace d'origine.")
        for values in lines:
            if values and len(values) > 1 and isinstance(values[0], str) and isinstance(values[1], str):
                entry = json.loads(values[1])
                if isinstance(entry, dict):
                    prints[values[0]] = {k: v for k, v in entry.items() if isinstance(v, str)}
    except (ValueError, TypeError, IndexError):
        return None, ("La trace de l'export contenue dans ce classeur est illisible : il a été comparé à l'état "
                      "actuel de l'espace.")
    return prints, None
