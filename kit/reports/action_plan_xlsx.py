"""The action plan as an Excel workbook that people edit away from the kit and bring back.

    data = export_workbook(ws)                  # bytes of an .xlsx file
    report = import_workbook(ws, edited_bytes)  # nothing is written yet
    print(report)                               # French: unchanged, updated, added, absent, errors
    if report.changes_anything:                 # False with errors, or when nothing differs
        store.update(ws.id, report.apply)       # all or nothing, on the latest revision

Design (see also the "Mode d'emploi" sheet the workbook carries):

- Rows are matched by the action's stable id (grey "Identifiant" column). A row without id is a new
  action. Ids never change, so renaming an action in the workbook is an ordinary edit.
- Only what differs is applied, field by field: a row whose cells all render the action's current
  values is not touched at all (the saved JSON stays byte-identical), and a changed action keeps the
  fields nobody changed. Comparison is on normalised values ("Haute" = "haute", spaces trimmed,
  2025-03-01 as a date or as "01/03/2025").
- Three-way merge: the workbook carries a very hidden sheet with a fingerprint of every exported
  cell. At import a field that the person did not edit is left alone even if the kit changed it in
  the meantime (no lost update after days offline); a field edited on both sides is a conflict,
  reported as an error. Without that sheet (a hand-made file) the comparison is with the workspace.
- All or nothing: one error and nothing is applied (`report.ok` is False, `apply` refuses).
- Actions absent from the file are kept and listed ("absentes du fichier, conservées"): a missing
  row is more often a filtered copy, a row lost while pasting, or an action created in the kit after
  the export than a decision to delete; deleting an action is done in the kit, where its links show.
  Inside an action present in the file, a removed step or budget row is removed (it is the way to
  edit those lists), except indicators that carry measurements, which are never dropped.
- "Dépend de" holds action ids (robust to renaming an action in the same file); an exact action
  title is accepted too, which is how a new action (without id yet) is named.
- User text is always written as text, never as a formula, with Excel's quote prefix on text
  starting with = + - @ so that re-editing the cell in Excel keeps it text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import math
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from copy import copy
from dataclasses import dataclass, field
from typing import Any, get_args

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation
from pydantic import ValidationError

from kit.errors import KitError, megabytes
from kit.model import (ID_PATTERN, Action, ActionIndicator, ActionStatus, BudgetKind, BudgetLine, Step, Workspace,
                       checked, french_errors, new_id)

SHEET_HELP = "Mode d'emploi"
SHEET_ACTIONS = "Fiches action"
SHEET_STEPS = "Étapes"
SHEET_BUDGET = "Budget"
SHEET_INDICATORS = "Indicateurs"
SHEET_LISTS = "Listes"
SHEET_TRACE = "_kit"  # very hidden: what was exported, to tell the person's edits from the kit's

STATUSES: tuple[str, ...] = get_args(ActionStatus)
PRIORITIES: tuple[str, ...] = get_args(Action.model_fields["priority"].annotation)
BUDGET_KINDS: tuple[str, ...] = get_args(BudgetKind)
YES, NO = "oui", "non"
SEPARATOR = " ; "
FIRST_YEAR, LAST_YEAR = 2000, 2100

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNZIPPED_BYTES = 250 * 1024 * 1024  # a zip bomb is refused before openpyxl inflates it
MAX_ROWS = 20_000  # filled rows per sheet; a plan has a few hundred actions
MAX_LINES = 200_000  # rows read per sheet, empty ones included
TRACE_FORMAT = "quartiers-en-transitions/plan-d-action"
TRACE_VERSION = 1
VALIDATED_ROWS = 2000  # drop-down lists and checks reach this far below the last exported row


# ---------------------------------------------------------------------------------------------
# Columns
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Col:
    key: str
    header: str
    width: float
    kind: str = "text"  # text, long, id, info, ref, names, name, choice, date, year, amount, number
    note: str = ""


_ID_NOTE = ("Ne modifiez pas cette colonne : l'identifiant relie la ligne à la fiche du kit. "
            "Laissez-la vide pour ajouter une nouvelle fiche.")
_REF_NOTE = ("Identifiant de la fiche (onglet « Fiches action », colonne A). Pour une fiche nouvelle, "
             "laissez-le vide et écrivez l'intitulé exact de la fiche dans la colonne suivante.")
_NAMES_NOTE = "Noms exacts de l'onglet « Listes », séparés par « ; »."

ACTION_COLUMNS = (
    _Col("id", "Identifiant (ne pas modifier)", 17, "id", _ID_NOTE),
    _Col("title", "Intitulé", 40),
    _Col("description", "Description", 60, "long"),
    _Col("objective_ids", "Objectifs", 40, "names", _NAMES_NOTE),
    _Col("lead_id", "Pilote", 30, "name", "Un seul acteur, nom exact de l'onglet « Listes » (les autres vont dans Partenaires)."),
    _Col("partner_ids", "Partenaires", 36, "names", _NAMES_NOTE),
    _Col("neighbourhood_ids", "Quartiers", 26, "names", "Noms (ou codes QPV) de l'onglet « Listes », séparés par « ; »."),
    _Col("status", "Statut", 13, "choice"),
    _Col("priority", "Priorité", 11, "choice"),
    _Col("start", "Début", 12, "date"),
    _Col("end", "Fin", 12, "date"),
    _Col("depends_on", "Dépend de", 26, "names",
         "Identifiants des fiches dont celle-ci dépend, séparés par « ; ». Un intitulé exact de fiche est accepté aussi "
         "(c'est ainsi qu'on désigne une fiche nouvelle, qui n'a pas encore d'identifiant)."),
    _Col("participation", "Participation des habitants", 50, "long"),
)
_ACTION_REF = _Col("action", "Identifiant fiche", 17, "ref", _REF_NOTE)
_ACTION_TITLE = _Col("action_title", "Intitulé de la fiche", 34, "info")
STEP_COLUMNS = (
    _ACTION_REF, _ACTION_TITLE,
    _Col("id", "Identifiant étape (ne pas modifier)", 17, "id",
         "Ne modifiez pas cette colonne. Laissez-la vide pour ajouter une étape."),
    _Col("title", "Étape", 44),
    _Col("due", "Échéance", 12, "date"),
    _Col("done", "Faite (oui/non)", 11, "choice"),
)
BUDGET_COLUMNS = (
    _ACTION_REF, _ACTION_TITLE,
    _Col("year", "Année", 8, "year"),
    _Col("kind", "Type", 16, "choice"),
    _Col("amount", "Montant (€)", 15, "amount"),
    _Col("funder", "Financeur", 32),
)
INDICATOR_COLUMNS = (
    _ACTION_REF, _ACTION_TITLE,
    _Col("id", "Identifiant indicateur (ne pas modifier)", 17, "id",
         "Ne modifiez pas cette colonne. Laissez-la vide pour ajouter un indicateur. "
         "Les mesures de suivi se saisissent dans le kit."),
    _Col("name", "Indicateur", 40),
    _Col("unit", "Unité", 12),
    _Col("baseline", "Valeur de référence", 14, "number"),
    _Col("target", "Cible", 12, "number"),
    _Col("source", "Source", 30),
)
SHEETS = {SHEET_ACTIONS: ACTION_COLUMNS, SHEET_STEPS: STEP_COLUMNS, SHEET_BUDGET: BUDGET_COLUMNS,
          SHEET_INDICATORS: INDICATOR_COLUMNS}
FIELD_LABELS = {c.key: c.header for c in ACTION_COLUMNS} | {"steps": "Étapes", "budget": "Budget",
                                                              "indicators": "Indicateurs"}


# ---------------------------------------------------------------------------------------------
# Normalised values: what "unchanged" means
# ---------------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _canon(value: Any) -> str:
    """One cell as comparable text: the same for what was written and what comes back from Excel."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text).strip()


def _key(text: str) -> str:
    """A name as it is looked up: no accents, case or extra spaces; Excel's autocorrect undone."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("’", "'").replace("‘", "'").replace("–", "-").replace("—", "-")
    text = re.sub(r"\s*;\s*", ";", text)
    return " ".join(text.split()).casefold()


def _hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def _rows_text(rows: Iterable[Iterable[Any]], *, ordered: bool = True) -> str:
    canon = [[_canon(v) for v in row] for row in rows]
    if not ordered:
        canon.sort()
    return json.dumps(canon, ensure_ascii=False)


class _Names:
    """The workspace's names, both ways: id → name to export, name → ids to import."""

    def __init__(self, ws: Workspace):
        self.objectives = {o.id: o.title for o in ws.objectives}
        self.actors = {a.id: a.name for a in ws.actors}
        self.neighbourhoods = {n.id: n.name for n in ws.neighbourhoods}
        self.objective_index = _index((o.title, o.id) for o in ws.objectives)
        self.actor_index = _index((a.name, a.id) for a in ws.actors)
        self.neighbourhood_index = _index([(n.name, n.id) for n in ws.neighbourhoods]
                                          + [(n.qpv_code, n.id) for n in ws.neighbourhoods if n.qpv_code])

    def render(self, key: str, value: Any) -> Any:
        """A field of an action as its cell in the "Fiches action" sheet."""
        if key == "objective_ids":
            return SEPARATOR.join(self.objectives.get(i, i) for i in value)
        if key in ("partner_ids",):
            return SEPARATOR.join(self.actors.get(i, i) for i in value)
        if key == "lead_id":
            return self.actors.get(value, value) if value else ""
        if key == "neighbourhood_ids":
            return SEPARATOR.join(self.neighbourhoods.get(i, i) for i in value)
        if key == "depends_on":
            return SEPARATOR.join(value)
        return value


def _index(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for name, item_id in pairs:
        ids = index.setdefault(_key(name), [])
        if item_id not in ids:
            ids.append(item_id)
    return index


def _action_cells(action: Action, names: _Names) -> dict[str, Any]:
    return {c.key: names.render(c.key, getattr(action, c.key)) for c in ACTION_COLUMNS}


def _step_rows(action: Action | None) -> list[list[Any]]:
    return [[s.id, s.title, s.due, YES if s.done else NO] for s in (action.steps if action else [])]


def _budget_rows(action: Action | None) -> list[list[Any]]:
    return [[b.year, b.kind, b.amount, b.funder] for b in (action.budget if action else [])]


def _indicator_rows(action: Action | None) -> list[list[Any]]:
    return [[i.id, i.name, i.unit, i.baseline, i.target, i.source] for i in (action.indicators if action else [])]


def _children_texts(action: Action | None) -> dict[str, str]:
    return {"steps": _rows_text(_step_rows(action)),
            "budget": _rows_text(_budget_rows(action), ordered=False),  # the order of budget lines means nothing
            "indicators": _rows_text(_indicator_rows(action))}


def _fingerprints(action: Action, names: _Names) -> dict[str, str]:
    cells = _action_cells(action, names)
    prints = {c.key: _hash(_canon(cells[c.key])) for c in ACTION_COLUMNS[1:]}
    prints.update({k: _hash(text) for k, text in _children_texts(action).items()})
    return prints


# ---------------------------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------------------------

_HEADER_FONT = Font(bold=True, color="1F2328")
_HEADER_FILL = PatternFill("solid", fgColor="DDE3EA")
_HEADER_BORDER = Border(bottom=Side(style="thin", color="8C959F"))
_LOCKED_FILL = PatternFill("solid", fgColor="ECEEF0")
_LOCKED_FONT = Font(color="6E7781")
_INFO_FONT = Font(color="6E7781", italic=True)
_TOP = Alignment(vertical="top")
_WRAP = Alignment(vertical="top", wrap_text=True)
_DATE_FORMAT = "DD/MM/YYYY"
_AMOUNT_FORMAT = '#,##0.00\\ "€"'
_FORMULA_STARTS = ("=", "+", "-", "@")


def export_workbook(ws: Workspace) -> bytes:
    """The action plan of `ws` as an .xlsx file (bytes): help, actions, steps, budget, indicators, lists."""
    names = _Names(ws)
    book = openpyxl.Workbook()
    _help_sheet(book.active, ws)
    titles = {a.id: a.title for a in ws.actions}

    rows = [[cells[c.key] for c in ACTION_COLUMNS] for cells in (_action_cells(a, names) for a in ws.actions)]
    sheet = _data_sheet(book, SHEET_ACTIONS, ACTION_COLUMNS, rows, freeze="C2")
    _validations(sheet, ACTION_COLUMNS, len(rows), {"status": STATUSES, "priority": PRIORITIES},
                 lead_list=len(ws.actors))

    rows = [[a.id, a.title, *row] for a in ws.actions for row in _step_rows(a)]
    sheet = _data_sheet(book, SHEET_STEPS, STEP_COLUMNS, rows)
    _validations(sheet, STEP_COLUMNS, len(rows), {"done": (YES, NO)})

    rows = [[a.id, a.title, *row] for a in ws.actions for row in _budget_rows(a)]
    sheet = _data_sheet(book, SHEET_BUDGET, BUDGET_COLUMNS, rows)
    _validations(sheet, BUDGET_COLUMNS, len(rows), {"kind": BUDGET_KINDS})

    rows = [[a.id, a.title, *row] for a in ws.actions for row in _indicator_rows(a)]
    sheet = _data_sheet(book, SHEET_INDICATORS, INDICATOR_COLUMNS, rows)
    _validations(sheet, INDICATOR_COLUMNS, len(rows), {})

    _lists_sheet(book, ws, titles)
    _trace_sheet(book, ws, names)
    book.active = 1  # open on the actions; the help sheet is the first tab
    book.properties.creator = "Kit Quartiers en transitions"
    book.properties.title = _text(f"Plan d'action – {ws.name}")[:255]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _put(sheet, row: int, column: int, value: Any, style=None):
    """Write one value; text always stays text (never a formula, even after re-editing in Excel)."""
    if isinstance(value, str):
        value = _text(value)
    cell = sheet.cell(row=row, column=column, value=value)
    if style is not None:
        cell._style = copy(style)
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(_FORMULA_STARTS):
            cell.quotePrefix = True
    return cell


def _data_sheet(book, title: str, columns: tuple[_Col, ...], rows: list[list[Any]], freeze: str = "A2"):
    sheet = book.create_sheet(title)
    for c, col in enumerate(columns, start=1):
        cell = _put(sheet, 1, c, col.header)
        cell.font, cell.fill, cell.border, cell.alignment = _HEADER_FONT, _HEADER_FILL, _HEADER_BORDER, _WRAP
        if col.note:
            cell.comment = Comment(col.note, "Kit Quartiers en transitions", width=320, height=110)
        letter = get_column_letter(c)
        sheet.column_dimensions[letter].width = col.width
    # Each column's style is registered once, then its style array is copied to every cell: setting
    # font, fill and format cell by cell costs a workbook-wide style lookup each time.
    styles = []
    for c, col in enumerate(columns, start=1):
        model = sheet.cell(row=2, column=c)
        if col.kind == "id":
            model.fill, model.font = _LOCKED_FILL, _LOCKED_FONT
        elif col.kind == "info":
            model.font = _INFO_FONT
        if col.kind == "date":
            model.number_format = _DATE_FORMAT
        elif col.kind == "amount":
            model.number_format = _AMOUNT_FORMAT
        model.alignment = _WRAP if col.kind == "long" else _TOP
        styles.append(model._style)
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            _put(sheet, r, c, value, style=styles[c - 1])
    sheet.row_dimensions[1].height = 32
    sheet.freeze_panes = freeze
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(len(rows) + 1, 2)}"
    return sheet


def _validations(sheet, columns: tuple[_Col, ...], count: int, choices: dict[str, tuple[str, ...]],
                 lead_list: int = 0) -> None:
    last = count + 1 + VALIDATED_ROWS
    for c, col in enumerate(columns, start=1):
        letter = get_column_letter(c)
        area = f"{letter}2:{letter}{last}"
        rule = None
        if col.key in choices:
            values = choices[col.key]
            rule = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True,
                                  error=f"Valeurs admises : {', '.join(values)}.")
        elif col.key == "lead_id" and lead_list:
            rule = DataValidation(type="list", formula1=f"'{SHEET_LISTS}'!$A$2:$A${lead_list + 1}", allow_blank=True,
                                  error="Choisissez un acteur de l'onglet « Listes » (ajoutez les nouveaux acteurs dans le kit).")
        elif col.kind == "date":
            rule = DataValidation(type="date", operator="between", formula1="36526", formula2="73415", allow_blank=True,
                                  error=f"Saisissez une date au format jj/mm/aaaa, entre {FIRST_YEAR} et {LAST_YEAR}.")
        elif col.kind == "year":
            rule = DataValidation(type="whole", operator="between", formula1=str(FIRST_YEAR), formula2=str(LAST_YEAR),
                                  allow_blank=True, error=f"Saisissez une année entre {FIRST_YEAR} et {LAST_YEAR}.")
        elif col.kind == "amount":
            rule = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                  error="Saisissez un montant en euros, positif ou nul, sans texte.")
        elif col.kind == "number":
            rule = DataValidation(type="decimal", operator="between", formula1="-1E+15", formula2="1E+15",
                                  allow_blank=True, error="Saisissez un nombre (ou laissez vide).")
        if rule is not None:
            rule.errorTitle = "Valeur refusée"
            rule.showErrorMessage = True
            rule.add(area)
            sheet.add_data_validation(rule)


def _help_sheet(sheet, ws: Workspace) -> None:
    sheet.title = SHEET_HELP
    now = dt.datetime.now()
    lines: list[tuple[str, str]] = [
        (f"Plan d'action – {ws.name}", ""),
        (f"Exporté le {now:%d/%m/%Y à %H:%M} depuis le kit Quartiers en transitions (révision {ws.revision}).", ""),
        ("", ""),
        ("À quoi sert ce classeur",
         "Relire et compléter le plan d'action hors du kit (à plusieurs, en réunion, chez un partenaire), "
         "puis le réimporter dans le kit. Le kit montre ce qui change avant d'enregistrer quoi que ce soit."),
        ("Ce que vous pouvez modifier",
         "Toutes les cellules blanches des onglets « Fiches action », « Étapes », « Budget » et « Indicateurs ». "
         "Vous pouvez trier, filtrer, ajouter des lignes et ajouter des colonnes (elles seront ignorées)."),
        ("Ce qu'il ne faut pas modifier",
         "Les colonnes grises « Identifiant » (elles relient chaque ligne à sa fiche), les noms des onglets et "
         "les titres de colonnes (ligne 1). Un classeur dont un onglet ou une colonne a été renommé est refusé."),
        ("Ajouter une fiche",
         "Nouvelle ligne dans « Fiches action », identifiant vide. Pour lui donner des étapes, un budget ou des "
         "indicateurs, laissez aussi « Identifiant fiche » vide dans ces onglets et écrivez l'intitulé exact de la "
         "fiche dans « Intitulé de la fiche »."),
        ("Supprimer",
         "Une fiche absente du classeur n'est PAS supprimée : le kit la conserve et la signale. Supprimez les fiches "
         "dans le kit, où l'on voit ce qui en dépend. Dans une fiche présente, une ligne d'étape ou de budget "
         "supprimée est supprimée ; un indicateur qui a déjà des mesures est toujours conservé."),
        ("Statut", ", ".join(STATUSES)),
        ("Priorité", ", ".join(PRIORITIES)),
        ("Type de budget", ", ".join(BUDGET_KINDS)),
        ("Faite", f"{YES} ou {NO}"),
        ("Dates", f"jj/mm/aaaa, entre {FIRST_YEAR} et {LAST_YEAR} ; la fin ne peut pas précéder le début."),
        ("Montants", "Nombre positif en euros (pas de texte dans la cellule) ; une ligne par année, type et financeur."),
        ("Objectifs, pilote, partenaires, quartiers",
         "Noms exacts tels qu'ils figurent dans l'onglet « Listes », séparés par « ; ». Un seul pilote par fiche. "
         "Les nouveaux acteurs, objectifs et quartiers se créent dans le kit."),
        ("Dépend de",
         "Identifiants des fiches (colonne A), séparés par « ; » ; l'intitulé exact d'une fiche est accepté aussi. "
         "Les dépendances circulaires (A dépend de B qui dépend de A) sont refusées."),
        ("Formules", "Le kit lit les valeurs saisies, pas les formules : saisissez des valeurs."),
        ("Au retour dans le kit",
         "Tout ou rien : s'il y a une seule erreur, rien n'est modifié, et le rapport indique l'onglet, la ligne et "
         "la raison de chaque erreur. Les fiches non modifiées ne sont pas touchées. Si une fiche a été modifiée dans "
         "le kit depuis cet export, les modifications du kit sont conservées ; si la même case a été modifiée des deux "
         "côtés, l'import s'arrête : exportez à nouveau et reportez vos modifications."),
    ]
    for r, (label, text) in enumerate(lines, start=1):
        first = _put(sheet, r, 1, label)
        second = _put(sheet, r, 2, text)
        first.alignment = second.alignment = _WRAP
        if r == 1:
            first.font = Font(bold=True, size=14)
        elif text:
            first.font = Font(bold=True)
        elif r == 2:
            first.font = _INFO_FONT
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 100


def _lists_sheet(book, ws: Workspace, titles: dict[str, str]) -> None:
    sheet = book.create_sheet(SHEET_LISTS)
    columns = [("Acteurs", [a.name for a in ws.actors]), ("Objectifs", [o.title for o in ws.objectives]),
               ("Quartiers", [n.name for n in ws.neighbourhoods]),
               ("Fiches action (identifiant)", list(titles)), ("Fiches action (intitulé)", list(titles.values()))]
    for c, (header, values) in enumerate(columns, start=1):
        cell = _put(sheet, 1, c, header)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        for r, value in enumerate(values, start=2):
            _put(sheet, r, c, value)
        sheet.column_dimensions[get_column_letter(c)].width = 40 if c != 4 else 20
    note = _put(sheet, 1, len(columns) + 2, "Onglet de référence, ignoré à l'import.")
    note.font = _INFO_FONT
    sheet.freeze_panes = "A2"


def _trace_sheet(book, ws: Workspace, names: _Names) -> None:
    sheet = book.create_sheet(SHEET_TRACE)
    sheet.sheet_state = "veryHidden"
    head = {"format": TRACE_FORMAT, "version": TRACE_VERSION, "workspace": ws.id, "revision": ws.revision,
            "exported_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()}
    _put(sheet, 1, 1, TRACE_FORMAT)
    _put(sheet, 1, 2, json.dumps(head))
    for r, action in enumerate(ws.actions, start=2):
        _put(sheet, r, 1, action.id)
        _put(sheet, r, 2, json.dumps(_fingerprints(action, names), separators=(",", ":")))


# ---------------------------------------------------------------------------------------------
# The import report
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportProblem:
    sheet: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.sheet}, ligne {self.line}" if self.line else self.sheet
        return f"{where} : {self.reason}"


@dataclass(frozen=True)
class RowOutcome:
    """One action of the file: its line in "Fiches action", id, title and, if updated, what changed."""

    line: int | None
    action_id: str
    title: str
    fields: tuple[str, ...] = ()
    details: tuple[str, ...] = ()

    def __str__(self) -> str:
        where = f" (ligne {self.line})" if self.line else ""
        text = f"« {self.title} »{where}"
        if self.fields:
            text += " : " + ", ".join(self.fields)
        if self.details:
            text += " (" + " ; ".join(self.details) + ")"
        return text


@dataclass
class _Update:
    action_id: str
    title: str
    changes: dict[str, Any]
    base: dict[str, Any]


@dataclass
class ImportReport:
    """What an import would do. Read it (str(report) or report.lines()), then `store.update(id, report.apply)`."""

    unchanged: list[RowOutcome] = field(default_factory=list)
    updated: list[RowOutcome] = field(default_factory=list)
    added: list[RowOutcome] = field(default_factory=list)
    absent: list[RowOutcome] = field(default_factory=list)  # absent from the file, kept
    kept_from_kit: list[RowOutcome] = field(default_factory=list)  # changed in the kit since the export, kept
    errors: list[ImportProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    _updates: list[_Update] = field(default_factory=list, repr=False)
    _new: list[dict[str, Any]] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changes_anything(self) -> bool:
        return bool(self.ok and (self._updates or self._new))

    @property
    def summary(self) -> str:
        if not self.ok:
            count = len(self.errors)
            return (f"Import refusé : {count} erreur{'s' if count > 1 else ''} dans le classeur. "
                    "Rien n'a été modifié ; corrigez le fichier puis importez-le à nouveau.")
        if not self.changes_anything:
            return f"Aucune modification : les {len(self.unchanged)} fiches du classeur sont identiques à celles du kit."
        return (f"Import prêt : {_count(len(self.updated), 'fiche modifiée', 'fiches modifiées')}, "
                f"{_count(len(self.added), 'fiche ajoutée', 'fiches ajoutées')}, "
                f"{_count(len(self.unchanged), 'fiche inchangée', 'fiches inchangées')}.")

    def lines(self) -> list[str]:
        """The whole report in French, one line per item, for a screen or the CLI."""
        out = [self.summary]
        if self.errors:
            out.append("Erreurs :")
            out += [f"  – {e}" for e in self.errors]
            return out + self.notes
        for title, items in (("Fiches modifiées :", self.updated), ("Fiches ajoutées :", self.added),
                             ("Fiches absentes du fichier, conservées (supprimez-les dans le kit si besoin) :", self.absent),
                             ("Modifiées dans le kit depuis l'export (la version du kit est conservée) :", self.kept_from_kit)):
            if items:
                out.append(title)
                out += [f"  – {item}" for item in items]
        if self.unchanged:
            out.append(f"Fiches inchangées : {len(self.unchanged)}.")
        out += self.notes
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def apply(self, ws: Workspace) -> None:
        """Apply the edits to `ws` in place (meant for `Store.update`); refuses if the file had errors.

        All or nothing here too: every check runs before the first edit. An action changed or removed
        by someone else between the import and this call makes it refuse rather than overwrite.
        """
        if not self.ok:
            raise KitError("Import refusé : le classeur contient des erreurs, rien n'a été modifié.",
                           details=[str(e) for e in self.errors])
        positions = {a.id: i for i, a in enumerate(ws.actions)}
        for update in self._updates:
            if update.action_id not in positions:
                raise KitError(f"La fiche « {update.title} » a été supprimée dans le kit pendant l'import : "
                               "rien n'a été modifié. Importez à nouveau le classeur.")
            if ws.actions[positions[update.action_id]].model_dump(include=set(update.changes)) != update.base:
                raise KitError(f"La fiche « {update.title} » vient d'être modifiée dans le kit par une autre personne : "
                               "rien n'a été modifié. Importez à nouveau le classeur.")
        for new in self._new:
            if new["id"] in positions:
                raise KitError("Une fiche nouvelle du classeur porte l'identifiant d'une fiche du kit : "
                               "rien n'a été modifié. Importez à nouveau le classeur.")
        replaced = [(positions[u.action_id],
                     checked(lambda u=u: Action.model_validate({**ws.actions[positions[u.action_id]].model_dump(),
                                                                **u.changes})))
                    for u in self._updates]
        added = [checked(lambda n=n: Action.model_validate(n)) for n in self._new]
        for position, action in replaced:
            ws.actions[position] = action
        ws.actions.extend(added)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


# ---------------------------------------------------------------------------------------------
# Reading the file
# ---------------------------------------------------------------------------------------------


@dataclass
class _Row:
    line: int
    values: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.values.get(key)


def _open(data: bytes):
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
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = {info.filename: info for info in archive.infolist()}
    except (zipfile.BadZipFile, ValueError, OSError):
        raise KitError("Ce fichier n'est pas un classeur Excel (.xlsx) : exportez le plan d'action depuis le kit, "
                       "modifiez-le, puis importez ce même fichier.") from None
    if "xl/workbook.xml" not in entries:
        if "mimetype" in entries and b"opendocument" in archive.read("mimetype"):
            raise KitError("Ce fichier est au format OpenDocument (.ods) : dans LibreOffice, choisissez "
                           "« Enregistrer sous » puis le type « Excel 2007-365 (.xlsx) ».")
        raise KitError("Ce fichier n'est pas un classeur Excel (.xlsx).")
    if sum(info.file_size for info in entries.values()) > MAX_UNZIPPED_BYTES:
        raise KitError("Ce classeur est anormalement volumineux une fois décompressé : il ne peut pas être importé.")
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds of errors on a damaged file
        raise KitError("Ce classeur est abîmé ou incomplet : openpyxl ne peut pas le lire. "
                       "Ouvrez-le dans Excel ou LibreOffice et enregistrez-le à nouveau au format .xlsx.") from None


def _header_key(text: Any) -> str:
    return " ".join(str(text or "").split()).casefold()


def _read_rows(book, title: str, columns: tuple[_Col, ...]) -> list[_Row]:
    sheet = book[title]
    sheet.reset_dimensions()  # do not trust the size written in the file: read the rows that are there
    lines = sheet.iter_rows(values_only=True)
    header = [_header_key(v) for v in (next(lines, None) or ())]
    positions = {}
    for col in columns:
        key = _header_key(col.header)
        if key not in header:
            found = ", ".join(f"« {h} »" for h in header if h) or "aucun"
            raise KitError(f"L'onglet « {title} » n'a pas la colonne « {col.header} » en ligne 1 : les titres de "
                           "colonnes ne doivent pas être renommés ni supprimés. Repartez d'un export du kit.",
                           details=[f"Titres trouvés : {found}."])
        positions[col.key] = header.index(key)
    rows: list[_Row] = []
    for line, values in enumerate(lines, start=2):
        if line > MAX_LINES:
            raise KitError(f"L'onglet « {title} » compte plus de {MAX_LINES} lignes : ce n'est pas un plan d'action exporté par le kit.")
        if not values:
            continue
        picked = {key: values[p] if p < len(values) else None for key, p in positions.items()}
        if all(_canon(v) == "" for v in picked.values()):
            continue  # blank lines are allowed anywhere
        rows.append(_Row(line, picked))
        if len(rows) > MAX_ROWS:
            raise KitError(f"L'onglet « {title} » compte plus de {MAX_ROWS} lignes remplies : le classeur est trop grand.")
    return rows


def _read_trace(book, ws: Workspace) -> tuple[dict[str, dict[str, str]] | None, str | None]:
    """The fingerprints written at export, or None (with a note) when the file has none usable."""
    if SHEET_TRACE not in book.sheetnames:
        return None, ("Ce classeur ne contient pas la trace de l'export du kit : il a été comparé à l'état actuel "
                      "de l'espace, et toute différence compte comme une modification.")
    sheet = book[SHEET_TRACE]
    sheet.reset_dimensions()
    prints: dict[str, dict[str, str]] = {}
    try:
        lines = sheet.iter_rows(values_only=True)
        first = next(lines, None) or ()
        head = json.loads(first[1]) if len(first) > 1 and first[0] == TRACE_FORMAT else None
        if not isinstance(head, dict) or head.get("version") != TRACE_VERSION:
            raise ValueError
        if head.get("workspace") != ws.id:
            raise KitError(f"Ce classeur a été exporté de l'espace « {head.get('workspace')} », pas de l'espace "
                           f"« {ws.name} » : importez-le dans son espace d'origine.")
        for values in lines:
            if values and len(values) > 1 and isinstance(values[0], str) and isinstance(values[1], str):
                entry = json.loads(values[1])
                if isinstance(entry, dict):
                    prints[values[0]] = {k: v for k, v in entry.items() if isinstance(v, str)}
    except (ValueError, TypeError, IndexError):
        return None, ("La trace de l'export contenue dans ce classeur est illisible : il a été comparé à l'état "
                      "actuel de l'espace.")
    return prints, None


# ---------------------------------------------------------------------------------------------
# Parsing cells
# ---------------------------------------------------------------------------------------------


class _Invalid(Exception):
    """A cell that cannot be read; the message is French and names no line (the caller adds it)."""


def _parse_date(value: Any) -> dt.date | None:
    if value is None or _canon(value) == "":
        return None
    if isinstance(value, bool):
        raise _Invalid(f"« {_canon(value)} » n'est pas une date (attendu : jj/mm/aaaa)")
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
            raise _Invalid(f"« {_canon(value)} » n'est pas une date (attendu : jj/mm/aaaa)")
    else:
        text = _canon(value)
        day = None
        for pattern in ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S"):
            try:
                day = dt.datetime.strptime(text, pattern).date()
                break
            except ValueError:
                continue
        if day is None:
            raise _Invalid(f"« {text} » n'est pas une date (attendu : jj/mm/aaaa)")
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise _Invalid(f"la date {day:%d/%m/%Y} n'est pas plausible (attendu : entre {FIRST_YEAR} et {LAST_YEAR})")
    return day


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _parse_number(value: Any, what: str = "un nombre") -> float | None:
    if value is None or _canon(value) == "":
        return None
    if isinstance(value, bool) or isinstance(value, (dt.date, dt.time)):
        raise _Invalid(f"« {_canon(value)} » n'est pas {what}")
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = _canon(value)
        compact = re.sub(r"[\s\u00a0\u202f€]|EUR|euros?", "", text, flags=re.IGNORECASE)
        if "," in compact and "." in compact:  # 1.234,56 (French) or 1,234.56 (English)
            compact = compact.replace(".", "").replace(",", ".") if compact.rfind(",") > compact.rfind(".") \
                else compact.replace(",", "")
        else:
            compact = compact.replace(",", ".")
        if not _NUMBER.match(compact):
            hint = " (les formules ne sont pas calculées : saisissez la valeur)" if text.startswith("=") else ""
            raise _Invalid(f"« {text} » n'est pas {what}{hint}")
        number = float(compact)
    if not math.isfinite(number):
        raise _Invalid(f"« {_canon(value)} » n'est pas {what}")
    return number


def _labelled(header: str, parse: Callable[..., Any], *args: Any) -> Any:
    try:
        return parse(*args)
    except _Invalid as problem:
        raise _Invalid(f"{header} : {problem}") from None


def _parse_year(value: Any) -> int:
    year = _parse_number(value, "une année")
    if year is None:
        raise _Invalid("manquante")
    if not year.is_integer() or not FIRST_YEAR <= year <= LAST_YEAR:
        raise _Invalid(f"« {_canon(value)} » n'est pas une année entre {FIRST_YEAR} et {LAST_YEAR}")
    return int(year)


def _parse_choice(value: Any, allowed: tuple[str, ...], what: str) -> str:
    text = _canon(value)
    for choice in allowed:
        if _key(choice) == _key(text):
            return choice
    raise _Invalid(f"« {text} » n'est pas une valeur admise pour le {what} ({', '.join(allowed)})")


def _parse_yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _key(_canon(value))
    if text in ("oui", "o", "x", "vrai", "1", "fait", "faite", "yes", "true"):
        return True
    if text in ("", "non", "n", "faux", "0", "no", "false"):
        return False
    raise _Invalid(f"« {_canon(value)} » : répondez {YES} ou {NO}")


def _parse_names(text: str, index: dict[str, list[str]], what: str, what_plural: str, feminine: bool = False) -> list[str]:
    """"A ; B" → ids. Names that themselves contain ";" are found too (longest match first)."""
    tokens = [t.strip() for t in text.split(";")]
    tokens = [t for t in tokens if t]
    ids: list[str] = []
    unknown: list[str] = []
    i = 0
    while i < len(tokens):
        for j in range(len(tokens), i, -1):
            key = _key(";".join(tokens[i:j]))
            if key in index:
                break
        else:
            unknown.append(tokens[i])
            i += 1
            continue
        matches = index[key]
        if len(matches) > 1:
            raise _Invalid(f"plusieurs {what_plural} s'appellent « {SEPARATOR.join(tokens[i:j])} » : renommez-les dans le kit")
        if matches[0] not in ids:
            ids.append(matches[0])
        i = j
    if unknown:
        listed = ", ".join(f"« {u} »" for u in unknown)
        ending = ("e" if feminine else "") + ("s" if len(unknown) > 1 else "")
        label = what_plural if len(unknown) > 1 else what
        raise _Invalid(f"{label} inconnu{ending} : {listed} (noms admis : onglet « Listes »)")
    return ids


# ---------------------------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------------------------

_SAME = object()  # "leave this field as the kit has it"


@dataclass
class _FileAction:
    line: int
    id: str
    new: bool
    row: _Row
    title: str  # as in the file (or the kit's when the cell is empty)
    changes: dict[str, Any] = field(default_factory=dict)
    details: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # fields changed in the kit since the export, kept


def import_workbook(ws: Workspace, data: bytes) -> ImportReport:
    """Read an edited workbook and say what importing it would change; nothing is applied here.

    Raises `KitError` for a file that cannot be an exported plan (not xlsx, too big, sheet or column
    missing, another workspace's plan); problems in the rows are listed in `report.errors`.
    """
    book = _open(data)
    try:
        missing = [name for name in SHEETS if name not in book.sheetnames]
        if missing:
            raise KitError("Ce classeur n'est pas un plan d'action exporté par le kit, ou des onglets ont été renommés "
                           "ou supprimés : " + ", ".join(f"« {m} »" for m in missing) + " manque" +
                           ("nt." if len(missing) > 1 else "."),
                           details=[f"Onglets trouvés : {', '.join(book.sheetnames)}."])
        sheets = {name: _read_rows(book, name, columns) for name, columns in SHEETS.items()}
        trace, note = _read_trace(book, ws)
    except KitError:
        raise
    except Exception:  # read-only mode parses sheets lazily: damage may only show now
        raise KitError("Ce classeur est abîmé ou incomplet : ses onglets ne peuvent pas être lus. "
                       "Ouvrez-le dans Excel ou LibreOffice et enregistrez-le à nouveau au format .xlsx.") from None
    finally:
        book.close()
    return _Importer(ws, trace).run(sheets, note)


class _Importer:
    def __init__(self, ws: Workspace, trace: dict[str, dict[str, str]] | None):
        self.ws = ws
        self.names = _Names(ws)
        self.current = {a.id: a for a in ws.actions}
        self.trace = trace
        self.report = ImportReport()
        self.taken_ids = set(self.current)
        self.file: dict[str, _FileAction] = {}
        self.texts: dict[str, dict[str, str]] = {}

    # -- helpers ---------------------------------------------------------------------------------

    def error(self, sheet: str, line: int | None, reason: str) -> None:
        self.report.errors.append(ImportProblem(sheet, line, reason))

    def fresh_id(self, prefix: str) -> str:
        while True:
            candidate = new_id(prefix)
            if candidate not in self.taken_ids:
                self.taken_ids.add(candidate)
                return candidate

    def merge(self, fa: _FileAction, key: str, raw_text: str, current_text: str,
              parse: Callable[[], tuple[Any, str] | None]) -> Any:
        """Three-way decision for one field: the file's value, the kit's, and the export's fingerprint."""
        if raw_text == current_text:
            return _SAME
        base = (self.trace or {}).get(fa.id, {}).get(key) if not fa.new else None
        if base is not None and _hash(raw_text) == base:
            fa.kept.append(FIELD_LABELS[key])  # untouched in the file, changed in the kit since
            return _SAME
        parsed = parse()
        if parsed is None:  # errors were recorded
            return _SAME
        value, text = parsed
        if text == current_text:
            return _SAME
        if base is not None:
            if _hash(text) == base:
                fa.kept.append(FIELD_LABELS[key])
                return _SAME
            if _hash(current_text) != base:
                self.error(SHEET_ACTIONS, fa.line,
                           f"« {FIELD_LABELS[key]} » de la fiche « {fa.title} » a été modifié dans le classeur et, "
                           "depuis l'export, dans le kit : exportez à nouveau le plan d'action et reportez-y votre "
                           "modification")
                return _SAME
        return value

    # -- the run ---------------------------------------------------------------------------------

    def run(self, sheets: dict[str, list[_Row]], note: str | None) -> ImportReport:
        self.read_actions(sheets[SHEET_ACTIONS])
        self.title_index = _index([(fa.title, fa.id) for fa in self.file.values()]
                                  + [(a.title, a.id) for a in self.ws.actions if a.id not in self.file])
        self.file_title_index = _index((fa.title, fa.id) for fa in self.file.values())
        known = {_key(a.title) for a in self.ws.actions} | {_key(fa.title) for fa in self.file.values() if not fa.new}
        for fa in self.file.values():
            if fa.new and fa.title and _key(fa.title) in known:
                self.error(SHEET_ACTIONS, fa.line,
                           f"une fiche s'intitule déjà « {fa.title} » : ce classeur a peut-être déjà été importé "
                           "(exportez à nouveau le plan d'action) ; pour une fiche distincte, changez son intitulé")
            self.read_fields(fa)
        groups = {key: self.group(sheet, sheets[sheet]) for key, sheet in
                  (("steps", SHEET_STEPS), ("budget", SHEET_BUDGET), ("indicators", SHEET_INDICATORS))}
        for fa in self.file.values():
            self.read_steps(fa, groups["steps"].get(fa.id, []))
            self.read_budget(fa, groups["budget"].get(fa.id, []))
            self.read_indicators(fa, groups["indicators"].get(fa.id, []))
        self.check_actions()
        self.check_cycles()
        self.conclude(note)
        return self.report

    def read_actions(self, rows: list[_Row]) -> None:
        seen: dict[str, int] = {}
        for row in rows:
            raw_id = _canon(row["id"])
            title = _canon(row["title"])
            if raw_id:
                if raw_id in seen:
                    self.error(SHEET_ACTIONS, row.line, f"l'identifiant {raw_id} figure déjà ligne {seen[raw_id]} "
                                                        "(ligne copiée ?) : une fiche ne peut figurer qu'une fois")
                    continue
                seen[raw_id] = row.line
                if raw_id not in self.current:
                    if self.trace is not None and raw_id in self.trace:
                        reason = (f"la fiche {raw_id} a été supprimée dans le kit depuis l'export ; pour la recréer, "
                                  "videz sa cellule d'identifiant")
                    else:
                        reason = (f"identifiant inconnu « {raw_id} » : ne modifiez pas la colonne grise ; laissez-la "
                                  "vide pour une nouvelle fiche")
                    self.error(SHEET_ACTIONS, row.line, reason)
                    continue
                self.file[raw_id] = _FileAction(row.line, raw_id, False, row, title or self.current[raw_id].title)
            else:
                new = _FileAction(row.line, self.fresh_id("fa"), True, row, title)
                self.file[new.id] = new

    def parse_field(self, col: _Col, raw: Any, fa: _FileAction) -> Any:
        text = _canon(raw)
        if col.key in ("title", "description", "participation"):
            return text
        if col.key == "objective_ids":
            return _parse_names(text, self.names.objective_index, "objectif", "objectifs")
        if col.key == "partner_ids":
            return _parse_names(text, self.names.actor_index, "acteur", "acteurs")
        if col.key == "neighbourhood_ids":
            return _parse_names(text, self.names.neighbourhood_index, "quartier", "quartiers")
        if col.key == "lead_id":
            ids = _parse_names(text, self.names.actor_index, "acteur", "acteurs")
            if len(ids) > 1:
                raise _Invalid("un seul pilote par fiche (les autres acteurs vont dans « Partenaires »)")
            return ids[0] if ids else None
        if col.key == "status":
            return _parse_choice(raw, STATUSES, "statut") if text else "à venir"
        if col.key == "priority":
            return _parse_choice(raw, PRIORITIES, "priorité") if text else "moyenne"
        if col.key in ("start", "end"):
            return _parse_date(raw)
        if col.key == "depends_on":
            return self.parse_dependencies(text)
        raise AssertionError(col.key)

    def parse_dependencies(self, text: str) -> list[str]:
        ids: list[str] = []
        tokens = [t.strip() for t in text.split(";") if t.strip()]
        rest: list[str] = []
        for token in tokens:  # ids first; what is not an id is read as titles
            if re.fullmatch(ID_PATTERN, token) and token in self.current:
                if rest:
                    ids += _parse_names(";".join(rest), self.title_index, "fiche", "fiches", True)
                    rest = []
                if token not in ids:
                    ids.append(token)
            else:
                rest.append(token)
        if rest:
            ids += [i for i in _parse_names(";".join(rest), self.title_index, "fiche", "fiches", True) if i not in ids]
        return ids

    def read_fields(self, fa: _FileAction) -> None:
        action = self.current.get(fa.id)
        cells = _action_cells(action, self.names) if action else {}
        for col in ACTION_COLUMNS[1:]:
            raw = fa.row[col.key]

            def parse(col=col, raw=raw):
                try:
                    value = self.parse_field(col, raw, fa)
                except _Invalid as problem:
                    self.error(SHEET_ACTIONS, fa.line, f"{col.header} : {problem}")
                    return None
                return value, _canon(self.names.render(col.key, value))

            if fa.new:
                parsed = parse()
                if parsed is not None:
                    fa.changes[col.key] = parsed[0]
                continue
            value = self.merge(fa, col.key, _canon(raw), _canon(cells[col.key]), parse)
            if value is not _SAME:
                fa.changes[col.key] = value

    def group(self, sheet: str, rows: list[_Row]) -> dict[str, list[_Row]]:
        groups: dict[str, list[_Row]] = {}
        ignored: dict[str, int] = {}
        for row in rows:
            ref = _canon(row["action"])
            if ref:
                if ref in self.file and not self.file[ref].new:
                    groups.setdefault(ref, []).append(row)
                elif ref in self.current:
                    ignored[ref] = ignored.get(ref, 0) + 1
                else:
                    self.error(sheet, row.line, f"identifiant de fiche inconnu « {ref} » (il doit figurer dans "
                                                "l'onglet « Fiches action »)")
                continue
            title = _canon(row["action_title"])
            if not title:
                self.error(sheet, row.line, "ni identifiant ni intitulé de fiche : impossible de savoir à quelle "
                                            "fiche rattacher cette ligne")
                continue
            matches = self.file_title_index.get(_key(title), [])
            if len(matches) == 1:
                groups.setdefault(matches[0], []).append(row)
            elif matches:
                self.error(sheet, row.line, f"plusieurs fiches s'intitulent « {title} » : indiquez l'identifiant")
            else:
                self.error(sheet, row.line, f"aucune fiche de l'onglet « Fiches action » ne s'intitule « {title} »")
        for ref, count in ignored.items():
            self.report.notes.append(
                f"Onglet « {sheet} » : {_count(count, 'ligne ignorée', 'lignes ignorées')} pour la fiche "
                f"« {self.current[ref].title} », absente de l'onglet « Fiches action » (elle reste inchangée).")
        return groups

    def _child_ids(self, sheet: str, fa: _FileAction, rows: list[_Row], existing: dict[str, Any]) -> dict[int, str]:
        """The id cell of each child row, checked: known in this action, used once."""
        ids: dict[int, str] = {}
        seen: dict[str, int] = {}
        for row in rows:
            item_id = _canon(row["id"])
            if not item_id:
                continue
            if item_id in seen:
                self.error(sheet, row.line, f"l'identifiant {item_id} figure déjà ligne {seen[item_id]}")
            elif item_id not in existing:
                self.error(sheet, row.line, f"identifiant « {item_id} » inconnu pour la fiche « {fa.title} » : "
                                            "laissez la colonne grise vide pour une nouvelle ligne")
            seen[item_id] = row.line
            ids[row.line] = item_id
        return ids

    def _validated(self, sheet: str, line: int, model: type, values: dict[str, Any]) -> dict[str, Any] | None:
        try:
            return model.model_validate(values).model_dump()
        except ValidationError as error:
            for problem in french_errors(error):
                self.error(sheet, line, problem)
            return None

    def read_steps(self, fa: _FileAction, rows: list[_Row]) -> None:
        action = self.current.get(fa.id)
        existing = {s.id: s for s in (action.steps if action else [])}

        def parse():
            errors = len(self.report.errors)
            ids = self._child_ids(SHEET_STEPS, fa, rows, existing)
            steps, shown = [], []
            for row in rows:
                try:
                    due = _labelled("Échéance", _parse_date, row["due"])
                    done = _labelled("Faite", _parse_yes_no, row["done"])
                except _Invalid as problem:
                    self.error(SHEET_STEPS, row.line, str(problem))
                    continue
                step_id = ids.get(row.line, "")
                old = existing.get(step_id)
                values = {**(old.model_dump() if old else {"id": self.fresh_id("etape")}),
                          "title": _canon(row["title"]), "due": due, "done": done}
                step = self._validated(SHEET_STEPS, row.line, Step, values)
                if step is not None:
                    steps.append(step)
                    shown.append([step_id, step["title"], step["due"], step["done"]])
            if len(self.report.errors) > errors:
                return None
            kept = {s["id"] for s in steps}
            fa.details += [f"étape supprimée : « {s.title} »" for s in existing.values() if s.id not in kept]
            return steps, _rows_text(shown)

        self._children(fa, "steps", [[r[k] for k in ("id", "title", "due", "done")] for r in rows], True, parse)

    def read_budget(self, fa: _FileAction, rows: list[_Row]) -> None:
        def parse():
            errors = len(self.report.errors)
            lines, shown = [], []
            for row in rows:
                try:
                    year = _labelled("Année", _parse_year, row["year"])
                    if not _canon(row["kind"]):
                        raise _Invalid(f"Type : manquant (valeurs admises : {', '.join(BUDGET_KINDS)})")
                    kind = _labelled("Type", _parse_choice, row["kind"], BUDGET_KINDS, "type de budget")
                    amount = _labelled("Montant", _parse_number, row["amount"], "un montant en euros")
                    if amount is None:
                        raise _Invalid("Montant : manquant")
                    if amount < 0:
                        raise _Invalid(f"Montant : {_canon(amount)} est négatif")
                except _Invalid as problem:
                    self.error(SHEET_BUDGET, row.line, str(problem))
                    continue
                values = {"year": year, "kind": kind, "amount": amount, "funder": _canon(row["funder"])}
                line = self._validated(SHEET_BUDGET, row.line, BudgetLine, values)
                if line is not None:
                    lines.append(line)
                    shown.append([line["year"], line["kind"], line["amount"], line["funder"]])
            if len(self.report.errors) > errors:
                return None
            return lines, _rows_text(shown, ordered=False)

        self._children(fa, "budget", [[r[k] for k in ("year", "kind", "amount", "funder")] for r in rows], False, parse)

    def read_indicators(self, fa: _FileAction, rows: list[_Row]) -> None:
        action = self.current.get(fa.id)
        existing = {i.id: i for i in (action.indicators if action else [])}

        def parse():
            errors = len(self.report.errors)
            ids = self._child_ids(SHEET_INDICATORS, fa, rows, existing)
            indicators, shown = [], []
            for row in rows:
                try:
                    baseline = _labelled("Valeur de référence", _parse_number, row["baseline"])
                    target = _labelled("Cible", _parse_number, row["target"])
                except _Invalid as problem:
                    self.error(SHEET_INDICATORS, row.line, str(problem))
                    continue
                item_id = ids.get(row.line, "")
                old = existing.get(item_id)
                values = {**(old.model_dump() if old else {"id": self.fresh_id("ind")}),
                          "name": _canon(row["name"]), "unit": _canon(row["unit"]), "baseline": baseline,
                          "target": target, "source": _canon(row["source"])}
                indicator = self._validated(SHEET_INDICATORS, row.line, ActionIndicator, values)
                if indicator is not None:
                    indicators.append(indicator)
                    shown.append([item_id, indicator["name"], indicator["unit"], indicator["baseline"],
                                  indicator["target"], indicator["source"]])
            if len(self.report.errors) > errors:
                return None
            kept = {i["id"] for i in indicators}
            for old in existing.values():
                if old.id in kept:
                    continue
                if old.measurements:  # never lose follow-up data through a spreadsheet
                    indicators.append(old.model_dump())
                    shown.append([old.id, old.name, old.unit, old.baseline, old.target, old.source])
                    self.report.notes.append(
                        f"Indicateur « {old.name} » de la fiche « {fa.title} » absent de l'onglet « Indicateurs » : "
                        f"conservé, car il a {_count(len(old.measurements), 'mesure', 'mesures')} (supprimez-le dans le kit si besoin).")
                else:
                    fa.details.append(f"indicateur supprimé : « {old.name} »")
            return indicators, _rows_text(shown)

        self._children(fa, "indicators",
                       [[r[k] for k in ("id", "name", "unit", "baseline", "target", "source")] for r in rows], True, parse)

    def _children(self, fa: _FileAction, key: str, raw_rows: list[list[Any]], ordered: bool, parse) -> None:
        if fa.new:
            if raw_rows:
                parsed = parse()
                if parsed is not None:
                    fa.changes[key] = parsed[0]
            return
        if fa.id not in self.texts:
            self.texts[fa.id] = _children_texts(self.current[fa.id])
        current = self.texts[fa.id][key]
        details = len(fa.details)
        value = self.merge(fa, key, _rows_text(raw_rows, ordered=ordered), current, parse)
        if value is _SAME:
            del fa.details[details:]  # a parse whose result is not applied deleted nothing
        else:
            fa.changes[key] = value

    def check_actions(self) -> None:
        """Each new or changed action as a whole (title required, lengths, dates in order)."""
        for fa in self.file.values():
            if not fa.changes and not fa.new:
                continue
            base = {"id": fa.id} if fa.new else self.current[fa.id].model_dump()
            try:
                Action.model_validate({**base, **fa.changes})
            except ValidationError as error:
                for problem in french_errors(error):
                    self.error(SHEET_ACTIONS, fa.line, problem)

    def check_cycles(self) -> None:
        graph = {a.id: list(a.depends_on) for a in self.ws.actions}
        changed = []
        for fa in self.file.values():
            if "depends_on" in fa.changes:
                graph[fa.id] = fa.changes["depends_on"]
                changed.append(fa)
        titles = {a.id: a.title for a in self.ws.actions} | {fa.id: fa.title for fa in self.file.values()}
        reported: set[frozenset[str]] = set()
        for fa in changed:
            path = _cycle_from(fa.id, graph)
            if path and frozenset(path) not in reported:
                reported.add(frozenset(path))
                chain = " → ".join(f"« {titles.get(i, i)} »" for i in [*path, path[0]])
                self.error(SHEET_ACTIONS, fa.line, f"Dépend de : dépendance circulaire {chain}")

    def conclude(self, note: str | None) -> None:
        report = self.report
        for fa in self.file.values():
            outcome = RowOutcome(fa.line, fa.id, fa.title)
            if fa.new:
                report.added.append(outcome)
                report._new.append({"id": fa.id, **fa.changes})
                continue
            if fa.kept:
                report.kept_from_kit.append(RowOutcome(fa.line, fa.id, fa.title, tuple(fa.kept)))
            if fa.changes:
                fields = tuple(FIELD_LABELS[k] for k in fa.changes)
                report.updated.append(RowOutcome(fa.line, fa.id, fa.title, fields, tuple(fa.details)))
                action = self.current[fa.id]
                report._updates.append(_Update(fa.id, action.title, fa.changes,
                                               action.model_dump(include=set(fa.changes))))
            else:
                report.unchanged.append(outcome)
        report.absent = [RowOutcome(None, a.id, a.title) for a in self.ws.actions if a.id not in self.file]
        if note:
            report.notes.insert(0, note)
        if not report.ok:  # nothing will be applied: do not announce changes
            report._updates.clear()
            report._new.clear()


def _cycle_from(start: str, graph: dict[str, list[str]]) -> list[str] | None:
    """A dependency path start → … → start, if there is one (iterative DFS)."""
    stack = [(start, iter(graph.get(start, ())))]
    path = [start]
    seen = {start}
    while stack:
        node, successors = stack[-1]
        for nxt in successors:
            if nxt == start:
                return path.copy()
            if nxt not in seen and nxt in graph:
                seen.add(nxt)
                path.append(nxt)
                stack.append((nxt, iter(graph.get(nxt, ()))))
                break
        else:
            stack.pop()
            path.pop()
    return None
