"""The action plan in Territoires en Transitions' import template: headers, one row per fiche, vocabularies."""

import base64
import io
import re
from datetime import date
from typing import get_args

import openpyxl
import pytest

from kit import cli
from kit.demo import create_demo
from kit.model import Action, ActionStatus, BudgetLine
from kit.reports import deliverables
from kit.reports import territoires_en_transitions as tet
from tests.unit.test_home_app import one

# Row 2 of the import sheet, read in incubateur-ademe/territoires-en-transitions at commit
# dbb36dc375c099ca71f1b6f85de76a3d6f80d51c: apps/app/public/modele-import-pa.xlsx (sheet « Fichier dimport »),
# column D as apps/backend/src/plans/plans/import-plan-aggregate/parsers/excel-parser.ts requires it.
TEMPLATE_HEADERS = [
    "Axe (x)", "Sous-axe (x.x)", "Sous-sous axe (x.x.x)", "Titre de l'action", "Titre de la sous-action",
    "Descriptif", "Instances de gouvernance", "Objectifs", "Indicateurs liés", "Structure pilote",
    "Moyens humains et techniques", "Partenaires ", "Direction ou service pilote", "Personne pilote",
    "Élu·e référent·e ", "Participation Citoyenne", "Financements", "Financeur 1", "Montant € HT",
    "Financeur 2", "Montant € HT", "Financeur 3", "Montant € HT", "Budget prévisionnel total € HT", "Statut ",
    "Niveau de priorité", "Date de début", "Date de fin", "Action en amélioration continue", "Mesures liées",
    "Actions liées", "Notes", "Documents et liens",
]
# The values the importer accepts (packages/domain/src/plans/fiches/*.enum.schema.ts, same commit), and the
# participation labels of the template's drop-down list.
PLATFORM_STATUSES = {"À venir", "En cours", "Réalisé", "En pause", "Abandonné", "Bloqué", "En retard", "A discuter"}
PLATFORM_PRIORITIES = {"Élevé", "Moyen", "Bas"}
PLATFORM_PARTICIPATION = {"Pas de participation citoyenne", "Information", "Consultation", "Concertation",
                          "Co-construction"}


def sheet_of(data: bytes):
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book[tet.SHEET]
    assert sheet["A2"].value == "Axe (x)"  # how the importer finds the sheet
    return sheet


def rows_of(sheet) -> list[dict]:
    headers = [c.value for c in sheet[2]]
    out = []
    for values in sheet.iter_rows(min_row=4, values_only=True):
        out.append({h if h != "Montant € HT" else f"Montant {i}": v for i, (h, v) in enumerate(zip(headers, values))})
    return out


@pytest.fixture
def demo(store):
    return create_demo(store)


def test_the_header_row_is_the_template_s(demo):
    sheet = sheet_of(tet.export_tet_workbook(demo))
    assert [c.value for c in sheet[2]] == TEMPLATE_HEADERS
    assert list(tet.HEADERS) == TEMPLATE_HEADERS


def test_one_row_per_fiche_with_its_axis(demo):
    rows = rows_of(sheet_of(tet.export_tet_workbook(demo)))
    assert [r["Titre de l'action"] for r in rows] == [a.title for a in demo.actions]
    objectives = {o.id: o for o in demo.objectives}
    for row, action in zip(rows, demo.actions):
        first = objectives[action.objective_ids[0]]
        if first.level == "opérationnel":
            assert row["Sous-axe (x.x)"] == first.title
            assert row["Axe (x)"] == objectives[first.parent_id].title
        else:
            assert row["Axe (x)"] == first.title
        assert row["Statut "] in PLATFORM_STATUSES and row["Niveau de priorité"] in PLATFORM_PRIORITIES
        assert row["Date de début"].date() == action.start and row["Date de fin"].date() == action.end
        lead = next(a for a in demo.actors if a.id == action.lead_id)
        assert row["Structure pilote"] == lead.name


@pytest.mark.parametrize("status", get_args(ActionStatus))
def test_every_status_maps_to_a_platform_value(status):
    assert tet.STATUS_TO_TET[status] in PLATFORM_STATUSES


@pytest.mark.parametrize("priority", get_args(Action.model_fields["priority"].annotation))
def test_every_priority_maps_to_a_platform_value(priority):
    assert tet.PRIORITY_TO_TET[priority] in PLATFORM_PRIORITIES


@pytest.mark.parametrize("text, level", [
    ("Ateliers de co-construction avec le conseil citoyen", "Co-construction"),
    ("Une concertation, puis une réunion d'information", "Concertation"),
    ("Consultation des habitants par questionnaire", "Consultation"),
    ("Réunion d'information en pied d'immeuble", "Information"),
    ("Aucune participation prévue", "Pas de participation citoyenne"),
    ("Balade urbaine", ""),
    ("", ""),
])
def test_participation_is_mapped_to_a_level_and_kept_in_the_description(store, demo, text, level):
    assert tet.participation_level(text) == level
    assert {v for _, v in tet.PARTICIPATION_WORDS} <= PLATFORM_PARTICIPATION

    def edit(ws):
        ws.actions[0].participation = text
    store.update(demo.id, edit)
    row = rows_of(sheet_of(tet.export_tet_workbook(store.load(demo.id))))[0]
    assert (row["Participation Citoyenne"] or "") == level
    if text:
        assert text in row["Descriptif"]


def test_budget_per_funder_and_in_total(store, demo):
    def edit(ws):
        ws.actions[0].budget = [BudgetLine(year=2026, kind="investissement", amount=10000.4, funder="Fonds vert"),
                                BudgetLine(year=2027, kind="investissement", amount=5000, funder="Fonds vert"),
                                BudgetLine(year=2026, kind="fonctionnement", amount=3000, funder="Région"),
                                BudgetLine(year=2026, kind="fonctionnement", amount=2000, funder="ANRU"),
                                BudgetLine(year=2026, kind="fonctionnement", amount=1000, funder="Ville"),
                                BudgetLine(year=2027, kind="fonctionnement", amount=500)]
    store.update(demo.id, edit)
    row = rows_of(sheet_of(tet.export_tet_workbook(store.load(demo.id))))[0]
    assert (row["Financeur 1"], row["Montant 18"]) == ("Fonds vert", 15000)
    assert (row["Financeur 2"], row["Montant 20"]) == ("Région", 3000)
    assert (row["Financeur 3"], row["Montant 22"]) == ("ANRU", 2000)
    assert row["Budget prévisionnel total € HT"] == 21500
    assert "Ville" in row["Financements"]  # the fourth funder is not lost


def test_typed_formulas_stay_text(store, demo):
    def edit(ws):
        ws.actions[0].title = '=HYPERLINK("http://exemple.invalid","clic")'
        ws.actions[0].description = "+33 6 00 00 00 00"
    store.update(demo.id, edit)
    sheet = sheet_of(tet.export_tet_workbook(store.load(demo.id)))
    title, description = sheet["D4"], sheet["F4"]
    assert title.value == '=HYPERLINK("http://exemple.invalid","clic")' and title.data_type == "s"
    assert title.quotePrefix and description.data_type == "s"


def test_the_deliverable_is_an_xlsx_only(demo):
    name, data = deliverables.export(demo, "territoires-en-transitions")
    assert name.endswith(".xlsx") and name.startswith("plan-territoires-en-transitions_")
    assert sheet_of(data).max_row == 3 + len(demo.actions)
    with pytest.raises(Exception, match="xlsx"):
        deliverables.export(demo, "territoires-en-transitions", "docx")


def test_the_cli_writes_a_readable_xlsx(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KIT_ESPACES", str(tmp_path / "espaces"))
    monkeypatch.chdir(tmp_path)
    assert cli.main(["demo"]) == 0
    ws_id = capsys.readouterr().out.strip().splitlines()[-1]
    assert cli.main(["export", ws_id, "--deliverable", "territoires-en-transitions", "--output", "tet.xlsx"]) == 0
    sheet = sheet_of((tmp_path / "tet.xlsx").read_bytes())
    assert [c.value for c in sheet[2]] == TEMPLATE_HEADERS and sheet.max_row >= 4


def test_the_app_button_gives_a_download_link(store, demo):
    from tests.unit.test_action_app import opened

    app = opened(store, demo.id)
    assert "base64" not in one(app.root, "kit-files").value  # built only when asked
    one(app.root, "kit-make-tet").click()
    link = one(app.root, "kit-files").value
    assert "Territoires en Transitions" in link and ".xlsx" in link
    data = base64.b64decode(re.search(r'base64,([^"]+)"', link).group(1))
    assert [c.value for c in sheet_of(data)[2]] == TEMPLATE_HEADERS


def test_no_cell_the_person_typed_runs_as_a_formula(store, demo):
    from kit.model import ActionIndicator, Step
    from tests.unit.test_written_files import TYPED

    def edit(ws):
        for n, text in enumerate(TYPED):
            action = ws.actions[n % len(ws.actions)]
            action.description, action.participation = text, text
            action.steps = [Step(title=text, due=date(2027, 1, 1))]
            action.indicators = [ActionIndicator(name=text, unit=text)]
            action.budget = [BudgetLine(year=2027, amount=1, funder=text)]
        ws.actors[0].name, ws.actors[0].person = TYPED[0] + " (pilote)", TYPED[1]
        ws.objectives[0].title = TYPED[2]
    store.update(demo.id, edit)
    sheet = sheet_of(tet.export_tet_workbook(store.load(demo.id)))
    for row in sheet.iter_rows(min_row=4):
        for cell in row:
            assert cell.data_type != "f"
            if isinstance(cell.value, str) and cell.value[:1] in "=+-@\t\r＝＋－＠":
                assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate
