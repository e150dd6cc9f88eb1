"""Every spreadsheet file the kit writes keeps what people typed as text, never as a live formula.

The files the kit writes: `relations.csv` (session 2, the network's relations) and `plan_action.xlsx`
(session 3, the action plan) are the spreadsheets; the others are not read by a spreadsheet program:
`reseau_acteurs.gexf` (XML for Gephi, which evaluates nothing), `pilotage.ics` (a calendar), the
workspace `.json`, and the deliverables (DOCX, HTML). One rule, `kit.text.spreadsheet_safe`, decides
what a formula start is: a CSV cell gets a leading apostrophe, a workbook cell is typed as text and
carries Excel's quote prefix (its value stays exactly as typed).
"""

import base64
import csv
import io
import re

import openpyxl
import pandas as pd
import pytest

from kit.methods import network
from kit.model import Action, ActionIndicator, Actor, BudgetLine, Neighbourhood, Objective, Relation, Step
from kit.reports.action_plan_export import export_workbook
from kit.reports.tables import csv_bytes
from kit.sessions import project
from kit.text import spreadsheet_safe, starts_like_formula

PAYLOADS = ['=HYPERLINK("https://exemple.invalid","cliquez")', "+1+1", "-1+1", "@SUM(1)", "\t=1+1", "\r=1+1",
            "＝1+1", "＋1+1", "－1+1", "＠SUM(1)", "  =1+1"]
TYPED = [text for text in PAYLOADS if text == text.strip()]  # the model trims outer spaces, tabs and line breaks
PLAIN = ["Mairie de Rivebelle", "1+1", "", "e-mail : x@exemple.invalid", "Centre social (ex-MJC)"]


@pytest.mark.parametrize("text", PAYLOADS)
def test_a_formula_start_gets_an_apostrophe(text):
    assert starts_like_formula(text)
    assert spreadsheet_safe(text) == "'" + text


@pytest.mark.parametrize("value", PLAIN + [-3, -2.5, 0, None, True])
def test_plain_text_and_numbers_are_left_as_they_are(value):
    assert spreadsheet_safe(value) == value
    assert not (isinstance(value, str) and starts_like_formula(value))


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel opens accents right
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_csv_cells_never_start_a_formula_and_numbers_stay_numbers():
    frame = pd.DataFrame({"texte": ["-1.5", "=1+1", "Ville"], "nombre": [-1.5, 2.0, 3.25], "entier": [-1, 2, 3]})
    rows = read_csv(csv_bytes(frame))
    assert rows == [["texte", "nombre", "entier"], ["'-1.5", "-1.5", "-1"], ["'=1+1", "2.0", "2"],
                    ["Ville", "3.25", "3"]]


def hostile_workspace(store):
    """Every name and text a person types in the network and the action plan is a formula."""
    ws = store.create(TYPED[0])
    actors = [Actor(name=text) for text in TYPED]

    def fill(w):
        w.actors = actors
        w.relations = [Relation(source=a.id, target=b.id, kind="coopération", intensity=2)
                       for a, b in zip(actors, actors[1:])]
        w.neighbourhoods = [Neighbourhood(name="+33 quartier")]
        w.objectives = [Objective(title="@objectif")]
        w.actions = [Action(title=text, description=text, participation=text, lead_id=actors[i].id,
                            objective_ids=[w.objectives[0].id], neighbourhood_ids=[w.neighbourhoods[0].id],
                            steps=[Step(title=text)], budget=[BudgetLine(year=2026, kind="investissement",
                                                                          amount=10, funder=text)],
                            indicators=[ActionIndicator(name=text, unit=text, source=text, baseline=-5, target=-1)])
                     for i, text in enumerate(TYPED)]
    return store.update(ws.id, fill)


def test_the_relations_csv_keeps_every_name_as_text(store):
    ws = hostile_workspace(store)
    edges = network.edges_table(project.actors_frame(ws), project.relations_frame(ws))
    rows = read_csv(csv_bytes(edges))
    header, body = rows[0], rows[1:]
    assert header == ["id", "source", "cible", "de", "vers", "nature", "intensité", "sens"]
    assert len(body) == len(TYPED) - 1
    for row in body:
        assert not any(starts_like_formula(cell) for cell in row)
        assert row[header.index("intensité")] == "2"  # a number, as written
    # What was typed comes back after the apostrophe a spreadsheet shows as the mark of text.
    assert [row[header.index("de")] for row in body] == ["'" + text for text in TYPED[:-1]]


def test_the_network_screen_offers_that_csv(store):
    from kit.apps.projet import ProjectApp
    from tests.unit.test_home_app import one

    ws = hostile_workspace(store)
    app = ProjectApp(store, ws.id)
    app.signal._handle_custom_msg({"kind": "rendered"}, [])
    links = one(app.root, "kit-network-exports").value
    encoded = re.search(r'download="relations.csv" href="data:text/csv;base64,([^"]+)"', links).group(1)
    expected = csv_bytes(network.edges_table(project.actors_frame(ws), project.relations_frame(ws)))
    assert base64.b64decode(encoded) == expected


def test_the_action_plan_workbook_holds_no_formula_and_reads_as_typed(store):
    ws = hostile_workspace(store)
    book = openpyxl.load_workbook(io.BytesIO(export_workbook(ws)))
    seen = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and starts_like_formula(cell.value):
                    assert cell.quotePrefix, (sheet.title, cell.coordinate, cell.value)
                    seen.add(cell.value)
                elif isinstance(cell.value, (int, float)):
                    assert not cell.quotePrefix
    # Every hostile text is there, exactly as typed, in every sheet that shows it.
    assert set(TYPED) | {"+33 quartier", "@objectif"} <= seen
    for title in ("Fiches action", "Étapes", "Indicateurs", "Listes"):
        assert set(TYPED) & {c.value for row in book[title].iter_rows() for c in row}, title
    indicators = book["Indicateurs"]
    assert [c.value for c in indicators[2]][5:7] == [-5, -1]  # negative numbers stay numbers
