"""The action plan as an Excel workbook: export, edit with openpyxl as a person would in Excel, import.

Every import goes through `Store.update(report.apply)`, as the apps do, so "nothing applied" and
"unchanged actions stay byte-identical" are checked on the saved file itself.
"""

import datetime as dt
import io
import json
import zipfile

import openpyxl
import pytest

from kit.reports.action_plan_xlsx import (MAX_FILE_BYTES, SHEET_ACTIONS, SHEET_BUDGET, SHEET_HELP, SHEET_INDICATORS,
                                  SHEET_LISTS, SHEET_STEPS, SHEET_TRACE, STATUSES, export_workbook, import_workbook)
from kit.errors import KitError
from kit.model import (Action, ActionIndicator, Actor, BudgetLine, Measurement, Neighbourhood, Objective, Stake,
                       Step)

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


@pytest.fixture
def ws(store):
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


# -- export --------------------------------------------------------------------------------------


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


def test_round_trip_without_edits_changes_nothing(store, ws):
    data = export_workbook(ws)
    report = import_workbook(ws, data)
    assert report.ok and not report.changes_anything
    assert len(report.unchanged) == 4 and not (report.updated or report.added or report.absent)
    assert report.summary.startswith("Aucune modification")
    # The same once re-saved by a spreadsheet program (openpyxl here): types and formats survive.
    resaved = edit(data, lambda book: None)
    report = import_workbook(ws, resaved)
    assert report.ok and not report.changes_anything
    before = actions_json(store, ws.id)
    store.update(ws.id, report.apply)
    assert actions_json(store, ws.id) == before


def test_round_trip_with_edits_changes_exactly_those_fields(store, ws):
    diagnostic, shade, insulation, hostile = ws.actions
    before = actions_json(store, ws.id)

    def change(book):
        set_cell(book, SHEET_ACTIONS, shade.id, "Intitulé", "Îlots de fraîcheur (cour de l'école)")
        set_cell(book, SHEET_ACTIONS, insulation.id, "Fin", dt.datetime(2028, 6, 30))
        set_cell(book, SHEET_BUDGET, diagnostic.id, "Montant (€)", 13000, nth=1)  # the 2027 line

    report = import_workbook(ws, edit(export_workbook(ws), change))
    assert report.ok, report
    assert {(r.action_id, r.fields) for r in report.updated} == {
        (shade.id, ("Intitulé",)), (insulation.id, ("Fin",)), (diagnostic.id, ("Budget",))}
    assert [r.action_id for r in report.unchanged] == [hostile.id]
    assert "3 fiches modifiées" in report.summary
    new = store.update(ws.id, report.apply)

    after = actions_json(store, ws.id)
    assert after[hostile.id] == before[hostile.id]  # untouched, byte for byte
    dumps = {a.id: a.model_dump() for a in new.actions}
    expected = {a.id: a.model_dump() for a in ws.actions}
    expected[shade.id]["title"] = "Îlots de fraîcheur (cour de l'école)"
    expected[insulation.id]["end"] = dt.date(2028, 6, 30)
    expected[diagnostic.id]["budget"][1]["amount"] = 13000.0
    assert dumps == expected  # step and indicator ids, measurements, links: all kept


def test_lenient_spellings_are_read_and_equivalent_values_are_no_change(store, ws):
    diagnostic, shade, insulation, _ = ws.actions

    def change(book):
        set_cell(book, SHEET_ACTIONS, diagnostic.id, "Priorité", "Haute")  # same value, other case
        set_cell(book, SHEET_ACTIONS, diagnostic.id, "Partenaires", "centre social de l’orangerie;VILLE")  # Excel's ’
        set_cell(book, SHEET_ACTIONS, shade.id, "Début", "15/03/2027")  # a date typed as text
        set_cell(book, SHEET_ACTIONS, shade.id, "Statut", "Realise")  # accents forgotten
        set_cell(book, SHEET_BUDGET, shade.id, "Montant (€)", "85 000,50 €")
        set_cell(book, SHEET_ACTIONS, insulation.id, "Quartiers", "QN03301M")  # a QPV code works too

    report = import_workbook(ws, edit(export_workbook(ws), change))
    assert report.ok, report
    assert {r.action_id: r.fields for r in report.updated} == {
        shade.id: ("Statut", "Début", "Budget"), insulation.id: ("Quartiers",)}
    new = store.update(ws.id, report.apply)
    assert new.actions[1].start == dt.date(2027, 3, 15) and new.actions[1].status == "réalisé"
    assert new.actions[1].budget[0].amount == 85000.5
    assert new.actions[2].neighbourhood_ids == [ws.neighbourhoods[0].id]


def test_formula_typed_in_excel_is_stored_as_text_and_exported_as_text(store, ws):
    target = ws.actions[2]
    data = edit(export_workbook(ws), lambda book: set_cell(book, SHEET_ACTIONS, target.id, "Intitulé", "=1+1"))
    report = import_workbook(ws, data)
    assert report.ok
    new = store.update(ws.id, report.apply)
    assert new.actions[2].title == "=1+1"
    cell = openpyxl.load_workbook(io.BytesIO(export_workbook(new)))[SHEET_ACTIONS]["B4"]
    assert cell.value == "=1+1" and cell.data_type == "s"


def test_new_action_with_steps_budget_and_dependency_by_title(store, ws):
    diagnostic = ws.actions[0]

    def change(book):
        book[SHEET_ACTIONS].append([None, "Jardins partagés", "", "Réduire les factures", "Ville", "", "La Gare",
                                    "à venir", "moyenne", dt.datetime(2027, 1, 1), None, diagnostic.id, "Ateliers"])
        book[SHEET_STEPS].append([None, "Jardins partagés", None, "Trouver le terrain", "01/02/2027", "non"])
        book[SHEET_BUDGET].append([None, "jardins partagés", 2027, "fonctionnement", 3000, "Ville"])
        # an existing action now also depends on the new one, named by its title
        set_cell(book, SHEET_ACTIONS, ws.actions[2].id, "Dépend de", f"{diagnostic.id} ; Jardins partagés")

    report = import_workbook(ws, edit(export_workbook(ws), change))
    assert report.ok, report
    assert [r.title for r in report.added] == ["Jardins partagés"] and report.added[0].line == 6
    new = store.update(ws.id, report.apply)
    garden = new.actions[-1]
    assert garden.title == "Jardins partagés" and garden.depends_on == [diagnostic.id]
    assert [s.title for s in garden.steps] == ["Trouver le terrain"] and garden.steps[0].due == dt.date(2027, 2, 1)
    assert garden.budget[0].amount == 3000 and garden.objective_ids == [ws.objectives[2].id]
    assert new.actions[2].depends_on == [diagnostic.id, garden.id]
    # The same file brought back twice must not create the new fiche twice.
    again = refused(store, new, edit(export_workbook(ws), change))
    assert any(e.line == 6 and "déjà été importé" in e.reason for e in again), again


def test_deleted_rows_keep_actions_and_measured_indicators(store, ws):
    diagnostic, shade = ws.actions[0], ws.actions[1]

    def change(book):
        book[SHEET_ACTIONS].delete_rows(row_of(book[SHEET_ACTIONS], shade.id))
        steps = book[SHEET_STEPS]
        steps.delete_rows(row_of(steps, diagnostic.id, row_of(steps, diagnostic.id) + 1))  # its 2nd step
        book[SHEET_INDICATORS].delete_rows(row_of(book[SHEET_INDICATORS], diagnostic.id))  # has measurements

    report = import_workbook(ws, edit(export_workbook(ws), change))
    assert report.ok, report
    assert [r.action_id for r in report.absent] == [shade.id]
    assert "absentes du fichier, conservées" in str(report)
    assert [r.fields for r in report.updated] == [("Étapes",)]
    assert report.updated[0].details == ("étape supprimée : « Restituer aux habitants »",)
    assert any("Logements visités" in note and "1 mesure" in note for note in report.notes)
    new = store.update(ws.id, report.apply)
    assert [a.id for a in new.actions] == [a.id for a in ws.actions]  # nothing deleted silently
    assert len(new.actions[0].steps) == 1 and new.actions[0].indicators == ws.actions[0].indicators


def test_edits_made_in_the_kit_since_the_export_are_kept(store, ws):
    diagnostic, shade = ws.actions[0], ws.actions[1]
    data = export_workbook(ws)
    latest = store.update(ws.id, lambda w: setattr(w.actions[0], "status", "en pause"))  # someone, in the kit
    edited = edit(data, lambda book: set_cell(book, SHEET_ACTIONS, shade.id, "Priorité", "haute"))
    report = import_workbook(latest, edited)
    assert report.ok, report
    assert [(r.action_id, r.fields) for r in report.kept_from_kit] == [(diagnostic.id, ("Statut",))]
    assert [r.action_id for r in report.updated] == [shade.id]
    new = store.update(ws.id, report.apply)
    assert new.actions[0].status == "en pause" and new.actions[1].priority == "haute"


def test_same_field_edited_in_the_file_and_in_the_kit_is_a_conflict(store, ws):
    data = export_workbook(ws)
    latest = store.update(ws.id, lambda w: setattr(w.actions[1], "priority", "basse"))
    edited = edit(data, lambda book: set_cell(book, SHEET_ACTIONS, ws.actions[1].id, "Priorité", "haute"))
    [problem] = refused(store, latest, edited)
    assert problem.sheet == SHEET_ACTIONS and problem.line == 3 and "modifié dans le classeur et" in problem.reason


def test_apply_refuses_when_the_action_changed_after_the_import(store, ws):
    edited = edit(export_workbook(ws), lambda book: set_cell(book, SHEET_ACTIONS, ws.actions[1].id, "Intitulé", "X"))
    report = import_workbook(ws, edited)
    assert report.ok
    store.update(ws.id, lambda w: setattr(w.actions[1], "title", "Autre titre"))
    before = saved(store, ws.id)
    with pytest.raises(KitError, match="Importez à nouveau"):
        store.update(ws.id, report.apply)
    assert saved(store, ws.id) == before


def _copy_first_row(book):
    sheet = book[SHEET_ACTIONS]
    sheet.append([c.value for c in sheet[2]])


ERROR_CASES = {
    "acteur inconnu": (SHEET_ACTIONS, 2, lambda ws: (SHEET_ACTIONS, 0, "Pilote", "Mairie annexe"), "Pilote : acteur inconnu : « Mairie annexe »"),
    "objectif inconnu": (SHEET_ACTIONS, 3, lambda ws: (SHEET_ACTIONS, 1, "Objectifs", "Planter des arbres"), "objectif inconnu"),
    "statut inconnu": (SHEET_ACTIONS, 4, lambda ws: (SHEET_ACTIONS, 2, "Statut", "terminé"), "« terminé » n'est pas une valeur admise"),
    "date absurde": (SHEET_ACTIONS, 2, lambda ws: (SHEET_ACTIONS, 0, "Début", dt.datetime(1926, 10, 1)), "n'est pas plausible"),
    "date illisible": (SHEET_STEPS, 2, lambda ws: (SHEET_STEPS, 0, "Échéance", "la semaine prochaine"), "n'est pas une date"),
    "dates inversées": (SHEET_ACTIONS, 3, lambda ws: (SHEET_ACTIONS, 1, "Fin", dt.datetime(2027, 1, 1)), "date de fin précède la date de début"),
    "montant non numérique": (SHEET_BUDGET, 2, lambda ws: (SHEET_BUDGET, 0, "Montant (€)", "douze mille"), "Montant : « douze mille » n'est pas un montant"),
    "fiche inconnue (budget)": (SHEET_BUDGET, 4, lambda ws: (SHEET_BUDGET, 2, "Identifiant fiche", "fa-000000"), "identifiant de fiche inconnu « fa-000000 »"),
    "identifiant inconnu": (SHEET_ACTIONS, 5, lambda ws: (SHEET_ACTIONS, 3, "Identifiant (ne pas modifier)", "fa-zzzzzz"), "identifiant inconnu « fa-zzzzzz »"),
    "dépendance inconnue": (SHEET_ACTIONS, 4, lambda ws: (SHEET_ACTIONS, 2, "Dépend de", "Fiche fantôme"), "fiche inconnue : « Fiche fantôme »"),
    "dépendance circulaire": (SHEET_ACTIONS, 2, lambda ws: (SHEET_ACTIONS, 0, "Dépend de", ws.actions[1].id), "dépendance circulaire « Diagnostic"),
    "titre vide": (SHEET_ACTIONS, 3, lambda ws: (SHEET_ACTIONS, 1, "Intitulé", "   "), "titre : ne peut pas être vide"),
}


@pytest.mark.parametrize("case", ERROR_CASES)
def test_each_error_is_listed_with_sheet_line_and_reason_and_nothing_is_applied(store, ws, case):
    sheet_name, line, what, reason = ERROR_CASES[case]
    target_sheet, index, header, value = what(ws)

    def change(book):
        sheet = book[target_sheet]
        # the n-th data row of the sheet; plus a valid edit elsewhere, which must not be applied either
        sheet.cell(2 + index, column(sheet, header)).value = value
        set_cell(book, SHEET_ACTIONS, ws.actions[2].id, "Priorité", "haute")

    errors = refused(store, ws, edit(export_workbook(ws), change))
    assert [(e.sheet, e.line) for e in errors] == [(sheet_name, line)], errors
    assert reason in errors[0].reason, errors[0].reason
    assert f"{sheet_name}, ligne {line} : " in str(errors[0])


def test_duplicate_ids_are_refused(store, ws):
    errors = refused(store, ws, edit(export_workbook(ws), _copy_first_row))
    assert [(e.sheet, e.line) for e in errors] == [(SHEET_ACTIONS, 6)]
    assert "figure déjà ligne 2" in errors[0].reason


def test_every_error_is_reported_at_once(store, ws):
    def change(book):
        set_cell(book, SHEET_ACTIONS, ws.actions[0].id, "Statut", "fini")
        set_cell(book, SHEET_ACTIONS, ws.actions[1].id, "Pilote", "Personne")
        set_cell(book, SHEET_INDICATORS, ws.actions[2].id, "Cible", "beaucoup")

    errors = refused(store, ws, edit(export_workbook(ws), change))
    assert [(e.sheet, e.line) for e in errors] == [(SHEET_ACTIONS, 2), (SHEET_ACTIONS, 3), (SHEET_INDICATORS, 3)]


def test_malformed_files_get_a_clear_french_message(ws, store):
    data = export_workbook(ws)
    cases = {
        b"bonjour": "n'est pas un classeur Excel",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100: "Excel 97-2003 (.xls)",
        b"PK" + b"\0" * (MAX_FILE_BYTES + 1): "Fichier trop volumineux",
        edit(data, lambda book: book.remove(book[SHEET_BUDGET])): "« Budget » manque",
        edit(data, lambda book: setattr(book[SHEET_STEPS]["D1"], "value", "Tâche")): "n'a pas la colonne « Étape »",
    }
    for content, message in cases.items():
        with pytest.raises(KitError, match=message.replace("(", r"\(").replace(")", r"\)")):
            import_workbook(ws, content)
    other = store.create("Autre espace")
    with pytest.raises(KitError, match="exporté de l'espace"):
        import_workbook(other, data)


def test_a_workbook_without_trace_is_compared_with_the_workspace(ws):
    data = edit(export_workbook(ws), lambda book: book.remove(book[SHEET_TRACE]))
    report = import_workbook(ws, data)
    assert report.ok and not report.changes_anything
    assert "trace de l'export" in report.notes[0]


def test_empty_plan_round_trip_and_sorted_budget(store, ws):
    empty = store.create("Plan vide")
    report = import_workbook(empty, export_workbook(empty))
    assert report.ok and not report.changes_anything and not report.unchanged

    def sort_budget(book):  # a person sorts the budget by amount: the order of budget lines means nothing
        sheet = book[SHEET_BUDGET]
        rows = sorted(([c.value for c in row] for row in sheet.iter_rows(min_row=2)), key=lambda r: -r[4])
        for r, values in enumerate(rows, start=2):
            for c, value in enumerate(values, start=1):
                sheet.cell(r, c).value = value

    report = import_workbook(ws, edit(export_workbook(ws), sort_budget))
    assert report.ok and not report.changes_anything
