"""What the action-plan workbook tests share: a plan with every kind of row, and edits made with
openpyxl as a person would make them in Excel.

Every import goes through `Store.update(report.apply)`, as the apps do, so "nothing applied" and
"unchanged actions stay byte-identical" are checked on the saved file itself.
"""

import datetime as dt
import io
import json

import openpyxl
import pytest

from kit.errors import KitError
from kit.model import (Action, ActionIndicator, Actor, BudgetLine, Measurement, Neighbourhood, Objective, Stake,
                       Step)
from kit.reports.action_plan_import import import_workbook

FORMULA_TITLE = '=HYPERLINK("https://exemple.invalid","cliquez")'


def fill(ws):
    q1, q2 = Neighbourhood(name="Les Tilleuls", qpv_code="QN03301M"), Neighbourhood(name="La Gare")
    heat = Stake(title="Chaleur dans les logements")
    energy = Stake(title="Factures d'énergie")
    strategic = Objective(title="Adapter le quartier à la chaleur", stake_ids=[heat.id])
    operational = Objective(title="Ombrager les cours ; les rues", level="opérationnel", parent_id=strategic.id)
    bills = Objective(title="Réduire les factures", stake_ids=[energy.id])
    landlord, social, city = (Actor(name="Habitat Rivebelle"), Actor(name="Centre social de l'Orangerie"),
                              Actor(name="Ville"))
    diagnostic = Action(
        title="Diagnostic de confort d'été", description="Visites de 200 logements.\nSur deux étés.",
        objective_ids=[strategic.id, operational.id], lead_id=landlord.id, partner_ids=[social.id, city.id],
        neighbourhood_ids=[q1.id], status="en cours", priority="haute",
        start=dt.date(2026, 10, 1), end=dt.date(2027, 3, 31), participation="Enquête porte-à-porte",
        steps=[Step(title="Choisir les logements", due=dt.date(2026, 10, 15), done=True),
               Step(title="Restituer aux habitants", due=dt.date(2027, 3, 1))],
        budget=[BudgetLine(year=2026, kind="fonctionnement", amount=12500.5, funder="Contrat de ville"),
                BudgetLine(year=2027, kind="investissement", amount=40000, funder="Fonds vert")],
        indicators=[ActionIndicator(name="Logements visités", unit="logements", baseline=0, target=200,
                                    source="Bailleur",
                                    measurements=[Measurement(on=dt.date(2026, 12, 1), value=45)])])
    shade = Action(title="Îlots de fraîcheur dans la cour de l'école", lead_id=city.id,
                   objective_ids=[operational.id], neighbourhood_ids=[q1.id, q2.id],
                   start=dt.date(2027, 4, 1), end=dt.date(2027, 9, 30), depends_on=[diagnostic.id],
                   budget=[BudgetLine(year=2027, kind="investissement", amount=80000, funder="FEDER")],
                   steps=[Step(title="Concertation avec les enfants")])
    insulation = Action(title="Isolation des toitures", objective_ids=[bills.id], lead_id=landlord.id,
                        priority="basse", depends_on=[diagnostic.id],
                        indicators=[ActionIndicator(name="Consommation moyenne", unit="kWh/m²", baseline=210,
                                                    target=150)])
    hostile = Action(title=FORMULA_TITLE, description="+33 6 00 00 00 00", participation="-")
    ws.neighbourhoods = [q1, q2]
    ws.stakes = [heat, energy]
    ws.objectives = [strategic, operational, bills]
    ws.actors = [landlord, social, city]
    ws.actions = [diagnostic, shade, insulation, hostile]



def plan_workspace(store):
    """A saved workspace holding the plan of `fill` (the tests' `ws` fixture)."""
    created = store.create("Plan de Rivebelle")
    return store.update(created.id, fill)


# -- helpers -------------------------------------------------------------------------------------


def edit(data: bytes, change) -> bytes:
    """Open the workbook as Excel would, let `change(book)` edit cells, save it again."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    change(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def column(sheet, header: str) -> int:
    for cell in sheet[1]:
        if cell.value == header:
            return cell.column
    raise AssertionError(header)


def row_of(sheet, action_id: str, start: int = 2) -> int:
    for row in range(start, sheet.max_row + 1):
        if sheet.cell(row, 1).value == action_id:
            return row
    raise AssertionError(action_id)


def set_cell(book, sheet_name: str, action_id: str, header: str, value, nth: int = 0):
    sheet = book[sheet_name]
    row = row_of(sheet, action_id)
    for _ in range(nth):
        row = row_of(sheet, action_id, row + 1)
    sheet.cell(row, column(sheet, header)).value = value
    return row


def saved(store, ws_id: str) -> bytes:
    return store.path(ws_id).read_bytes()


def actions_json(store, ws_id: str) -> dict[str, str]:
    """Each action exactly as it is saved on disk."""
    return {a["id"]: json.dumps(a, ensure_ascii=False) for a in json.loads(saved(store, ws_id))["actions"]}


def refused(store, ws, data: bytes):
    """Import `data`, check it is refused as a whole, and return its errors."""
    before = saved(store, ws.id)
    report = import_workbook(ws, data)
    assert not report.ok
    assert report.summary.startswith("Import refusé")
    with pytest.raises(KitError, match="rien n'a été modifié"):
        store.update(ws.id, report.apply)
    assert saved(store, ws.id) == before
    return report.errors

