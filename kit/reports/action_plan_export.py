"""The action plan of a workspace as an Excel workbook people edit away from the kit and bring back.

    data = export_workbook(ws)  # bytes of an .xlsx file

The workbook: a "Mode d'emploi" sheet, one sheet per kind of row (actions, steps, budget lines,
indicators) with grey id columns, drop-down lists and checks, a "Listes" sheet of the names the
person may use, and a very hidden trace sheet recording a fingerprint of every exported cell, which
`kit.reports.action_plan_import` uses to tell the person's edits from the kit's.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from kit.model import Workspace
from kit.reports.action_plan_columns import (ACTION_COLUMNS, BUDGET_COLUMNS, BUDGET_KINDS, FIRST_YEAR,
                                             INDICATOR_COLUMNS, LAST_YEAR, NO, PRIORITIES, SHEET_ACTIONS,
                                             SHEET_BUDGET, SHEET_HELP, SHEET_INDICATORS, SHEET_LISTS, SHEET_STEPS,
                                             SHEET_TRACE, STATUSES, STEP_COLUMNS, TRACE_FORMAT, TRACE_VERSION, YES,
                                             Col, Names, action_cells, budget_rows, cell_text, fingerprints,
                                             indicator_rows, put, step_rows)

VALIDATED_ROWS = 2000  # drop-down lists and checks reach this far below the last exported row

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


def export_workbook(ws: Workspace) -> bytes:
    """The action plan of `ws` as an .xlsx file (bytes): help, actions, steps, budget, indicators, lists."""
    names = Names(ws)
    book = openpyxl.Workbook()
    _help_sheet(book.active, ws)
    titles = {a.id: a.title for a in ws.actions}

    rows = [[cells[c.key] for c in ACTION_COLUMNS] for cells in (action_cells(a, names) for a in ws.actions)]
    sheet = _data_sheet(book, SHEET_ACTIONS, ACTION_COLUMNS, rows, freeze="C2")
    _validations(sheet, ACTION_COLUMNS, len(rows), {"status": STATUSES, "priority": PRIORITIES},
                 lead_list=len(ws.actors))

    rows = [[a.id, a.title, *row] for a in ws.actions for row in step_rows(a)]
    sheet = _data_sheet(book, SHEET_STEPS, STEP_COLUMNS, rows)
    _validations(sheet, STEP_COLUMNS, len(rows), {"done": (YES, NO)})

    rows = [[a.id, a.title, *row] for a in ws.actions for row in budget_rows(a)]
    sheet = _data_sheet(book, SHEET_BUDGET, BUDGET_COLUMNS, rows)
    _validations(sheet, BUDGET_COLUMNS, len(rows), {"kind": BUDGET_KINDS})

    rows = [[a.id, a.title, *row] for a in ws.actions for row in indicator_rows(a)]
    sheet = _data_sheet(book, SHEET_INDICATORS, INDICATOR_COLUMNS, rows)
    _validations(sheet, INDICATOR_COLUMNS, len(rows), {})

    _lists_sheet(book, ws, titles)
    _trace_sheet(book, ws, names)
    book.active = 1  # open on the actions; the help sheet is the first tab
    book.properties.creator = "Kit Quartiers en transitions"
    book.properties.title = cell_text(f"Plan d'action – {ws.name}")[:255]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _data_sheet(book, title: str, columns: tuple[Col, ...], rows: list[list[Any]], freeze: str = "A2"):
    """One sheet the person edits: headers with their comments, grey id columns, dates and amounts
    formatted, a filter on every column. The headers are what the import looks for."""
    sheet = book.create_sheet(title)
    for c, col in enumerate(columns, start=1):
        cell = put(sheet, 1, c, col.header)
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
            put(sheet, r, c, value, style=styles[c - 1])
    sheet.row_dimensions[1].height = 32
    sheet.freeze_panes = freeze
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(len(rows) + 1, 2)}"
    return sheet


def _validations(sheet, columns: tuple[Col, ...], count: int, choices: dict[str, tuple[str, ...]],
                 lead_list: int = 0) -> None:
    """Excel's own checks (drop-down lists, dates, years, amounts) on each column, down to
    `VALIDATED_ROWS` rows below the data: most mistakes are refused while typing, not at import."""
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
    """The "Mode d'emploi" sheet: the file travels without the kit, so it carries its own rules."""
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
        first = put(sheet, r, 1, label)
        second = put(sheet, r, 2, text)
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
    """The names the person may type (actors, objectives, neighbourhoods, actions); the pilot's drop-down
    list points here. Ignored at import."""
    sheet = book.create_sheet(SHEET_LISTS)
    columns = [("Acteurs", [a.name for a in ws.actors]), ("Objectifs", [o.title for o in ws.objectives]),
               ("Quartiers", [n.name for n in ws.neighbourhoods]),
               ("Fiches action (identifiant)", list(titles)), ("Fiches action (intitulé)", list(titles.values()))]
    for c, (header, values) in enumerate(columns, start=1):
        cell = put(sheet, 1, c, header)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        for r, value in enumerate(values, start=2):
            put(sheet, r, c, value)
        sheet.column_dimensions[get_column_letter(c)].width = 40 if c != 4 else 20
    note = put(sheet, 1, len(columns) + 2, "Onglet de référence, ignoré à l'import.")
    note.font = _INFO_FONT
    sheet.freeze_panes = "A2"


def _trace_sheet(book, ws: Workspace, names: Names) -> None:
    """The very hidden sheet of fingerprints of what was exported: the base revision of the import's
    three-way merge, so that a field edited in the kit since the export is not overwritten."""
    sheet = book.create_sheet(SHEET_TRACE)
    sheet.sheet_state = "veryHidden"
    head = {"format": TRACE_FORMAT, "version": TRACE_VERSION, "workspace": ws.id, "revision": ws.revision,
            "exported_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()}
    put(sheet, 1, 1, TRACE_FORMAT)
    put(sheet, 1, 2, json.dumps(head))
    for r, action in enumerate(ws.actions, start=2):
        put(sheet, r, 1, action.id)
        put(sheet, r, 2, json.dumps(fingerprints(action, names), separators=(",", ":")))
