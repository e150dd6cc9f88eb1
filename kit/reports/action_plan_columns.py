"""What the action-plan workbook's export and import share: its sheets, columns and vocabularies, how a
value is written safely into a cell, and how a cell is compared.

Both directions must agree on every rule here, or an unedited workbook would come back "changed":

- sheet names and column headers (the import finds columns by header);
- the vocabularies (statuses, priorities, budget kinds), taken from the model's `Literal`s so that a
  value added to the model reaches the drop-down lists and the checks at once;
- `put`: user text is always written as text, never a formula, with Excel's quote prefix on text
  that starts like a formula (`kit.text.starts_like_formula`) so that re-editing the cell in Excel keeps it text;
- `canon`: one cell as comparable text, the same for what was written and what Excel gives back;
- `Names`: an action's links rendered as names, and names looked up (`name_key`) back to ids;
- `fingerprints`: what the hidden trace sheet records of each exported action, for the three-way merge.

The workflow and the design of the round trip are described in `kit.reports.action_plan_import`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from collections.abc import Iterable
from copy import copy
from dataclasses import dataclass
from typing import Any, get_args

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from kit.model import Action, ActionStatus, BudgetKind, Workspace
from kit.text import as_text, fold, starts_like_formula

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

TRACE_FORMAT = "quartiers-en-transitions/plan-d-action"
TRACE_VERSION = 1


# ---------------------------------------------------------------------------------------------
# Columns
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Col:
    """One column of a data sheet: the field it holds, its header (how the import finds it), its width,
    what kind of value it holds (its style, drop-down list and check) and the comment on its header."""

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
    Col("id", "Identifiant (ne pas modifier)", 17, "id", _ID_NOTE),
    Col("title", "Intitulé", 40),
    Col("description", "Description", 60, "long"),
    Col("objective_ids", "Objectifs", 40, "names", _NAMES_NOTE),
    Col("lead_id", "Pilote", 30, "name", "Un seul acteur, nom exact de l'onglet « Listes » (les autres vont dans Partenaires)."),
    Col("partner_ids", "Partenaires", 36, "names", _NAMES_NOTE),
    Col("neighbourhood_ids", "Quartiers", 26, "names", "Noms (ou codes QPV) de l'onglet « Listes », séparés par « ; »."),
    Col("status", "Statut", 13, "choice"),
    Col("priority", "Priorité", 11, "choice"),
    Col("start", "Début", 12, "date"),
    Col("end", "Fin", 12, "date"),
    Col("depends_on", "Dépend de", 26, "names",
        "Identifiants des fiches dont celle-ci dépend, séparés par « ; ». Un intitulé exact de fiche est accepté aussi "
        "(c'est ainsi qu'on désigne une fiche nouvelle, qui n'a pas encore d'identifiant)."),
    Col("participation", "Participation des habitants", 50, "long"),
)
_ACTION_REF = Col("action", "Identifiant fiche", 17, "ref", _REF_NOTE)
_ACTION_TITLE = Col("action_title", "Intitulé de la fiche", 34, "info")
STEP_COLUMNS = (
    _ACTION_REF, _ACTION_TITLE,
    Col("id", "Identifiant étape (ne pas modifier)", 17, "id",
        "Ne modifiez pas cette colonne. Laissez-la vide pour ajouter une étape."),
    Col("title", "Étape", 44),
    Col("due", "Échéance", 12, "date"),
    Col("done", "Faite (oui/non)", 11, "choice"),
)
BUDGET_COLUMNS = (
    _ACTION_REF, _ACTION_TITLE,
    Col("year", "Année", 8, "year"),
    Col("kind", "Type", 16, "choice"),
    Col("amount", "Montant (€)", 15, "amount"),
    Col("funder", "Financeur", 32),
)
INDICATOR_COLUMNS = (
    _ACTION_REF, _ACTION_TITLE,
    Col("id", "Identifiant indicateur (ne pas modifier)", 17, "id",
        "Ne modifiez pas cette colonne. Laissez-la vide pour ajouter un indicateur. "
        "Les mesures de suivi se saisissent dans le kit."),
    Col("name", "Indicateur", 40),
    Col("unit", "Unité", 12),
    Col("baseline", "Valeur de référence", 14, "number"),
    Col("target", "Cible", 12, "number"),
    Col("source", "Source", 30),
)
SHEETS = {SHEET_ACTIONS: ACTION_COLUMNS, SHEET_STEPS: STEP_COLUMNS, SHEET_BUDGET: BUDGET_COLUMNS,
          SHEET_INDICATORS: INDICATOR_COLUMNS}
FIELD_LABELS = {c.key: c.header for c in ACTION_COLUMNS} | {"steps": "Étapes", "budget": "Budget",
                                                              "indicators": "Indicateurs"}


# ---------------------------------------------------------------------------------------------
# Writing a cell safely
# ---------------------------------------------------------------------------------------------

def cell_text(value: str) -> str:
    """`value` without the control characters an .xlsx file cannot hold (openpyxl would refuse them)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def put(sheet, row: int, column: int, value: Any, style=None):
    """Write one value; text always stays text (never a formula, even after re-editing in Excel).

    A title such as ``=HYPERLINK(...)`` or a phone number ``+33 …`` typed in the kit must come back
    as it was, and must never run in a partner's spreadsheet: the cell is typed as a string and
    carries Excel's quote prefix. `style` is a style array copied as is (see the export's columns).
    """
    if isinstance(value, str):
        value = cell_text(value)
    cell = sheet.cell(row=row, column=column, value=value)
    if style is not None:
        cell._style = copy(style)
    if isinstance(value, str):
        cell.data_type = "s"
        if starts_like_formula(value):  # the one rule of every file the kit writes (kit.text)
            cell.quotePrefix = True
    return cell


# ---------------------------------------------------------------------------------------------
# Comparing cells: what "unchanged" means
# ---------------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_AROUND_SEMICOLON = re.compile(r"\s*;\s*")


def canon(value: Any) -> str:
    """One cell as comparable text: the same for what was written and what comes back from Excel.

    Excel gives back 2025-03-01 as a datetime, 40000 as 40000.0 and line breaks as CRLF: without one
    canonical text, an unedited workbook would show changes.
    """
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
    text = as_text(value).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text).strip()


def name_key(text: str) -> str:
    """A name as it is looked up: `kit.text.fold` (no accents, case, ligatures or extra spaces, Excel's
    autocorrect of ’ – — undone), and no spaces around « ; » (a name may contain one: « Ombrager les
    cours ; les rues » must match « Ombrager les cours;les rues »)."""
    return _AROUND_SEMICOLON.sub(";", fold(text))


def fingerprint(text: str) -> str:
    """A short hash of a canonical text: the trace sheet stores these, not the values themselves."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def rows_text(rows: Iterable[Iterable[Any]], *, ordered: bool = True) -> str:
    """Child rows (steps, budget lines, indicators) as one comparable text; `ordered=False` when the
    order of the rows means nothing (a person may sort the budget)."""
    canonical = [[canon(v) for v in row] for row in rows]
    if not ordered:
        canonical.sort()
    return json.dumps(canonical, ensure_ascii=False)


def name_index(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """name → ids, keyed by `name_key`; several ids under one key are a homonym the import reports."""
    index: dict[str, list[str]] = {}
    for name, item_id in pairs:
        ids = index.setdefault(name_key(name), [])
        if item_id not in ids:
            ids.append(item_id)
    return index


class Names:
    """The workspace's names, both ways: id → name to export, name → ids to import."""

    def __init__(self, ws: Workspace):
        self.objectives = {o.id: o.title for o in ws.objectives}
        self.actors = {a.id: a.name for a in ws.actors}
        self.neighbourhoods = {n.id: n.name for n in ws.neighbourhoods}
        self.objective_index = name_index((o.title, o.id) for o in ws.objectives)
        self.actor_index = name_index((a.name, a.id) for a in ws.actors)
        self.neighbourhood_index = name_index([(n.name, n.id) for n in ws.neighbourhoods]
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


def action_cells(action: Action, names: Names) -> dict[str, Any]:
    """An action's row of the "Fiches action" sheet, by column key."""
    return {c.key: names.render(c.key, getattr(action, c.key)) for c in ACTION_COLUMNS}


def step_rows(action: Action | None) -> list[list[Any]]:
    """An action's rows of the "Étapes" sheet, without the two columns naming the action."""
    return [[s.id, s.title, s.due, YES if s.done else NO] for s in (action.steps if action else [])]


def budget_rows(action: Action | None) -> list[list[Any]]:
    """An action's rows of the "Budget" sheet, without the two columns naming the action."""
    return [[b.year, b.kind, b.amount, b.funder] for b in (action.budget if action else [])]


def indicator_rows(action: Action | None) -> list[list[Any]]:
    """An action's rows of the "Indicateurs" sheet, without the two columns naming the action."""
    return [[i.id, i.name, i.unit, i.baseline, i.target, i.source] for i in (action.indicators if action else [])]


def children_texts(action: Action | None) -> dict[str, str]:
    """The comparable text of each list of child rows of an action."""
    return {"steps": rows_text(step_rows(action)),
            "budget": rows_text(budget_rows(action), ordered=False),  # the order of budget lines means nothing
            "indicators": rows_text(indicator_rows(action))}


def fingerprints(action: Action, names: Names) -> dict[str, str]:
    """What the trace sheet records of an exported action: one fingerprint per editable field and per
    list of child rows. At import a field whose cell still has its fingerprint was not edited."""
    cells = action_cells(action, names)
    prints = {c.key: fingerprint(canon(cells[c.key])) for c in ACTION_COLUMNS[1:]}
    prints.update({k: fingerprint(text) for k, text in children_texts(action).items()})
    return prints
