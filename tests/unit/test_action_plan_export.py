"""The action plan exported as an Excel workbook: sheets, headers, lists, formats, and text that stays text."""

import datetime as dt
import io
import zipfile

import openpyxl
import pytest

from kit.reports.action_plan_columns import (SHEET_ACTIONS, SHEET_BUDGET, SHEET_HELP, SHEET_INDICATORS, SHEET_LISTS,
                                             SHEET_STEPS, SHEET_TRACE, STATUSES)
from kit.reports.action_plan_export import export_workbook
from kit.reports.action_plan_import import import_workbook
from tests.unit.action_plan_workbooks import FORMULA_TITLE, column, edit, plan_workspace, row_of, set_cell


@pytest.fixture
def ws(store):
    return plan_workspace(store)


def test_export_has_every_sheet_with_headers_lists_and_real_dates(ws):
    book = openpyxl.load_workbook(io.BytesIO(export_workbook(ws)))
    assert book.sheetnames == [SHEET_HELP, SHEET_ACTIONS, SHEET_STEPS, SHEET_BUDGET, SHEET_INDICATORS, SHEET_LISTS,
                               SHEET_TRACE]
    assert book[SHEET_TRACE].sheet_state == "veryHidden"
    actions = book[SHEET_ACTIONS]
    assert [c.value for c in actions[1]][:3] == ["Identifiant (ne pas modifier)", "Intitulé", "Description"]
    assert all(c.font.bold for c in actions[1]) and actions.freeze_panes == "C2"
    assert actions.max_row == 1 + len(ws.actions)
    first = ws.actions[0]
    assert actions["A2"].value == first.id and actions["A2"].fill.fgColor.rgb.endswith("ECEEF0")  # grey id
    assert "Ne modifiez pas" in actions["A1"].comment.text
    assert actions.cell(2, column(actions, "Objectifs")).value == \
        "Adapter le quartier à la chaleur ; Ombrager les cours ; les rues"
    start = actions.cell(2, column(actions, "Début"))
    assert start.value == dt.datetime(2026, 10, 1) and start.number_format == "DD/MM/YYYY"
    lists = {dv.formula1 for dv in actions.data_validations.dataValidation}
    assert '"' + ",".join(STATUSES) + '"' in lists and '"haute,moyenne,basse"' in lists
    assert '"oui,non"' in {dv.formula1 for dv in book[SHEET_STEPS].data_validations.dataValidation}
    assert '"investissement,fonctionnement"' in {dv.formula1 for dv in book[SHEET_BUDGET].data_validations.dataValidation}
    budget = book[SHEET_BUDGET]
    assert [c.value for c in budget[2]] == [first.id, first.title, 2026, "fonctionnement", 12500.5, "Contrat de ville"]
    assert "€" in budget["E2"].number_format
    assert [c.value for c in book[SHEET_STEPS][2]][3:] == ["Choisir les logements", dt.datetime(2026, 10, 15), "oui"]
    help_text = " ".join(str(c.value) for row in book[SHEET_HELP].iter_rows() for c in row if c.value)
    assert "Ce que vous pouvez modifier" in help_text and "à venir, en cours" in help_text
    assert "absent" in help_text and "Tout ou rien" in help_text


def test_user_text_is_never_written_as_a_formula(ws):
    data = export_workbook(ws)
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book[SHEET_ACTIONS]
    row = row_of(sheet, ws.actions[3].id)
    for header in ("Intitulé", "Description", "Participation des habitants"):
        cell = sheet.cell(row, column(sheet, header))
        assert cell.data_type == "s" and cell.quotePrefix  # Excel keeps it text even after re-editing
    assert sheet.cell(row, 2).value == FORMULA_TITLE
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # no formula anywhere in the file
        assert not any(b"<f>" in archive.read(name) for name in archive.namelist() if name.startswith("xl/worksheets/"))
    assert import_workbook(ws, data).ok



def test_formula_typed_in_excel_is_stored_as_text_and_exported_as_text(store, ws):
    target = ws.actions[2]
    data = edit(export_workbook(ws), lambda book: set_cell(book, SHEET_ACTIONS, target.id, "Intitulé", "=1+1"))
    report = import_workbook(ws, data)
    assert report.ok
    new = store.update(ws.id, report.apply)
    assert new.actions[2].title == "=1+1"
    cell = openpyxl.load_workbook(io.BytesIO(export_workbook(new)))[SHEET_ACTIONS]["B4"]
    assert cell.value == "=1+1" and cell.data_type == "s"

