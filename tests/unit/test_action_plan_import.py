"""The action plan brought back from Excel: export, edit with openpyxl as a person would in Excel, import.

Every import goes through `Store.update(report.apply)`, as the apps do, so "nothing applied" and
"unchanged actions stay byte-identical" are checked on the saved file itself.
"""

import datetime as dt

import pytest

from kit.errors import KitError
from kit.reports.action_plan_columns import SHEET_ACTIONS, SHEET_BUDGET, SHEET_INDICATORS, SHEET_STEPS, SHEET_TRACE
from kit.reports.action_plan_export import export_workbook
from kit.reports.action_plan_import import import_workbook
from kit.reports.action_plan_reading import MAX_FILE_BYTES
from tests.unit.action_plan_workbooks import actions_json, column, edit, plan_workspace, refused, row_of, saved, set_cell


@pytest.fixture
def ws(store):
    return plan_workspace(store)


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


def test_a_dependency_cycle_is_refused_naming_every_action_of_it(store, ws):
    diagnostic, shade, insulation, _ = ws.actions  # the shade already depends on the diagnostic

    def change(book):  # the insulation now waits for the shade, and the diagnostic for the insulation
        set_cell(book, SHEET_ACTIONS, insulation.id, "Dépend de", shade.id)
        set_cell(book, SHEET_ACTIONS, diagnostic.id, "Dépend de", "isolation des toitures")  # by its title

    errors = refused(store, ws, edit(export_workbook(ws), change))
    assert [(e.sheet, e.line) for e in errors] == [(SHEET_ACTIONS, 2)], errors
    assert errors[0].reason == ("Dépend de : dépendance circulaire « Diagnostic de confort d'été » → "
                                "« Isolation des toitures » → « Îlots de fraîcheur dans la cour de l'école » → "
                                "« Diagnostic de confort d'été »")
    assert [a.depends_on for a in store.load(ws.id).actions] == [a.depends_on for a in ws.actions]


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
