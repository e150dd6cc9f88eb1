"""The session 1 app driven like a facilitator does, without a browser (widget values and clicks)."""

import base64
import io
import re
from datetime import date, datetime, timezone

import docx
import pytest

from kit.apps.enjeux import StakesApp
from kit.demo import create_demo
from tests.unit.test_home_app import find, one, open_panels

NOW = datetime.now(timezone.utc)


@pytest.fixture
def app(store):
    ws = store.create("Grand Dax", territory={"epci_name": "CA du Grand Dax", "epci_siren": "244000675"})
    store.update(ws.id, lambda w: w.neighbourhoods.append(
        __import__("kit.model", fromlist=["Neighbourhood"]).Neighbourhood(name="Le Sablar", qpv_code="QN04001M",
                                                                          commune="Dax")))
    return shown(StakesApp(store, ws.id))


def shown(app):
    """The message the page sends once it is on screen: charts are drawn from then on; and the secondary
    panels opened, as a person opens them (`SessionApp.lazy`)."""
    app.signal._handle_custom_msg({"kind": "rendered"}, [])
    return opened(app)


def opened(app):
    return open_panels(app)


def capture(app, title):
    one(app.root, "kit-stake-title").value = title
    one(app.root, "kit-add-stake").click()


def edit_cell(grid, row, col, value):
    # The message the browser sends when a cell is typed in (same path as in Voilà).
    grid._handle_custom_msg({"kind": "edit", "row": row, "col": col, "value": value}, [])


def test_capturing_stakes_is_saved_and_listed(app, store):
    for title in ("Chaleur l'été", "Factures d'énergie", "Alimentation"):
        capture(app, title)
    assert [s.title for s in store.load(app.ws_id).stakes] == ["Chaleur l'été", "Factures d'énergie", "Alimentation"]
    assert "Factures d'énergie" in one(app.root, "kit-stake-list").value
    capture(app, "chaleur l'été")
    assert "fusionnez" in app.messages.widget.value
    assert one(app.root, "kit-stake-title").value == "chaleur l'été"  # refused: the text stays to be corrected
    capture(app, "   ")
    assert "ne peut pas être vide" in app.messages.widget.value
    assert len(store.load(app.ws_id).stakes) == 3


def test_the_matrix_fills_cell_by_cell_and_the_plane_follows(app, store):
    for title in ("A", "B", "C"):
        capture(app, title)
    grid = one(app.root, "kit-micmac-grid")
    ids = [r["id"] for r in grid.rows]
    assert grid.disabled_cells == [f"{i}|{i}" for i in ids]
    plane = one(app.root, "kit-micmac-plane")
    edit_cell(grid, ids[0], ids[1], "3")
    edit_cell(grid, ids[1], ids[2], "2")
    edit_cell(grid, ids[2], ids[0], "p")
    cells = {(c.source, c.target): c.value for c in store.load(app.ws_id).influences}
    assert cells == {(ids[0], ids[1]): 3, (ids[1], ids[2]): 2, (ids[2], ids[0]): "P"}
    assert grid.values[f"{ids[2]}|{ids[0]}"] == "P"
    # x and y travel as binary: the stakes are counted by their markers' hover data
    points = sum(len(trace.get("customdata") or []) for trace in plane.figure["data"] if trace.get("mode") == "markers")
    assert points == 3
    assert "influence" in one(app.root, "kit-micmac-table").value

    edit_cell(grid, ids[0], ids[2], "5")
    assert f"{ids[0]}|{ids[2]}" in grid.errors and "0, 1, 2, 3 ou P" in app.messages.widget.value
    assert len(store.load(app.ws_id).influences) == 3


def test_values_typed_in_the_diagnostic_grid(app, store):
    grid = one(app.root, "kit-diag-grid")
    ws = store.load(app.ws_id)
    column = f"qpv:{ws.neighbourhoods[0].id}"
    edit_cell(grid, "taux_pauvrete", column, "42,5")
    assert grid.values[f"taux_pauvrete|{column}"] == "42,5"
    edit_cell(grid, "taux_pauvrete", "france:", "14,5")
    edit_cell(grid, "revenu_median_uc", column, "abc")
    assert "n'est pas un nombre" in app.messages.widget.value
    values = {(v.indicator, v.place_kind): v.value for v in store.load(app.ws_id).indicator_values}
    assert values == {("taux_pauvrete", "qpv"): 42.5, ("taux_pauvrete", "france"): 14.5}
    assert "moins favorable que la France" in one(app.root, "kit-portrait-table").value


def test_importing_a_csv_reports_errors_line_by_line_and_keeps_nothing(app, store):
    upload = one(app.root, "kit-table-upload")
    bad = "code_qp;pauvrete\nQN04001M;42,5\nQN09999Z;12\nQN04001M;beaucoup\n".encode()
    upload.value = ({"name": "mes_donnees.csv", "type": "text/csv", "size": len(bad), "content": memoryview(bad),
                     "last_modified": NOW},)
    one(app.root, "kit-qpv-column").value = "code_qp"
    pauvrete = next(d for d in find(app.root, "kit-column-map") if d.description == "pauvrete")
    pauvrete.value = "taux_pauvrete"
    one(app.root, "kit-run-import").click()
    message = app.messages.widget.value
    assert "aucune valeur n'a été importée" in message and "Ligne 3" in message and "Ligne 4" in message
    assert store.load(app.ws_id).indicator_values == []


def test_stake_editor_checklist_votes_and_merge(app, store):
    capture(app, "Chaleur")
    capture(app, "Chaleur dans les logements")
    chooser = one(app.root, "kit-edit-choice")
    first, second = [v for _, v in chooser.options]
    chooser.value = first
    one(app.root, "kit-edit-what").value = "Rendre les logements vivables l'été"
    one(app.root, "kit-edit-when").value = "2030"
    one(app.root, "kit-edit-importance").value = 8
    one(app.root, "kit-save-stake").click()
    stake = store.load(app.ws_id).stakes[0]
    assert (stake.what, stake.by_when, stake.importance) == ("Rendre les logements vivables l'été", "2030", 8)
    assert "✓ À quelle échéance" in one(app.root, "kit-checklist").value
    one(app.root, "kit-vote").click()
    one(app.root, "kit-merge-choice").value = second
    one(app.root, "kit-merge").click()
    stakes = store.load(app.ws_id).stakes
    assert len(stakes) == 1 and stakes[0].votes == 1


def test_positioning_grid(app, store):
    capture(app, "Chaleur")
    one(app.root, "kit-project-name").value = "PCAET 2026-2031"
    one(app.root, "kit-add-project").click()
    ws = store.load(app.ws_id)
    grid = one(app.root, "kit-positioning-grid")
    edit_cell(grid, ws.stakes[0].id, ws.local_projects[0].id, "x")
    assert store.load(app.ws_id).local_projects[0].stake_ids == [ws.stakes[0].id]
    assert "Enjeux qu'aucun projet" not in one(app.root, "kit-positioning-reading").value


def test_work_plan_dates_and_deliverable(app, store):
    one(app.root, "kit-task").value = "Compléter les données"
    one(app.root, "kit-task-due").value = date(1925, 1, 1)
    one(app.root, "kit-add-task").click()
    assert "n'est pas plausible" in app.messages.widget.value
    one(app.root, "kit-task-due").value = date(2027, 1, 15)
    one(app.root, "kit-add-task").click()
    assert store.load(app.ws_id).sessions[0].work_plan[0].due == date(2027, 1, 15)
    assert "15/01/2027" in one(app.root, "kit-plan").value
    one(app.root, "kit-make-docx").click()
    link = one(app.root, "kit-deliverable").value
    data = base64.b64decode(re.search(r"base64,([^\"]+)\"", link).group(1))
    text = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    assert "Compléter les données" in " ".join(c.text for t in docx.Document(io.BytesIO(data)).tables
                                               for row in t.rows for c in row.cells)
    assert "Les enjeux" in text


def test_demo_workspace_opens(store):
    ws = create_demo(store)
    app = StakesApp(store, ws.id)
    assert len(one(app.root, "kit-micmac-grid").rows) == 4
    assert find(app.root, "kit-micmac-plane") == []  # nothing drawn before the page is on screen
    shown(app)
    assert "Remplissez la matrice" in one(app.root, "kit-micmac-plane").figure["layout"]["annotations"][0]["text"]


def test_an_official_insee_zip_loads_through_the_same_screen(app, store):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("donnees_qpv.csv", "CODGEO;LIBGEO;TX_PAUVRETE\nQN04001M;Le Sablar;38,1\n")
    data = buffer.getvalue()
    one(app.root, "kit-table-upload").value = ({"name": "qpv_pauvrete.zip", "type": "application/zip", "size": len(data),
                                                "content": memoryview(data), "last_modified": NOW},)
    assert one(app.root, "kit-qpv-column").value == "code_qp"
    column = next(d for d in find(app.root, "kit-column-map") if "TX_PAUVRETE" in d.description)
    column.value = "taux_pauvrete"
    one(app.root, "kit-run-import").click()
    assert [(v.indicator, v.value) for v in store.load(app.ws_id).indicator_values] == [("taux_pauvrete", 38.1)]


def test_two_people_editing_one_stake_lose_nothing(app, store):
    # Two tabs on one stake: two kernels are two app objects, each with its own widgets, on one store.
    capture(app, "Chaleur dans les logements")
    other = shown(StakesApp(store, app.ws_id))  # tab B: its form loaded before A saves
    one(app.root, "kit-edit-what").value = "Des logements vivables l'été"
    one(app.root, "kit-save-stake").click()
    one(other.root, "kit-edit-levers").value = "Végétaliser les cours"
    one(other.root, "kit-save-stake").click()
    assert "Enjeu enregistré" in other.messages.widget.value
    stake = store.load(app.ws_id).stakes[0]
    assert (stake.what, stake.levers) == ("Des logements vivables l'été", "Végétaliser les cours")
    assert one(other.root, "kit-edit-what").value == "Des logements vivables l'été"  # B now shows A's text

    # A redraw in B (its vote) refreshes what B is not typing, and keeps what B is typing.
    one(other.root, "kit-edit-when").value = "2030"
    one(app.root, "kit-edit-evidence").value = "Relevés de température, été 2025"
    one(app.root, "kit-save-stake").click()
    one(other.root, "kit-vote").click()
    assert one(other.root, "kit-edit-when").value == "2030"
    assert one(other.root, "kit-edit-evidence").value == "Relevés de température, été 2025"

    # The same field changed in both tabs: the second save is refused, names it, shows the other's text.
    one(app.root, "kit-edit-for").value = "Les locataires du parc social"
    one(app.root, "kit-save-stake").click()
    one(other.root, "kit-edit-for").value = "Les personnes âgées isolées"
    revision = store.load(app.ws_id).revision
    one(other.root, "kit-save-stake").click()
    message = other.messages.widget.value
    assert "kit-msg-error" in message and "« pour qui »" in message and "« Les locataires du parc social »" in message
    assert "enregistrez à nouveau pour garder la vôtre" in message
    saved = store.load(app.ws_id)
    assert saved.revision == revision and saved.stakes[0].for_whom == "Les locataires du parc social"
    assert saved.stakes[0].by_when == ""  # nothing of B's save was written, not even the field that merged
    assert one(other.root, "kit-edit-for").value == "Les personnes âgées isolées"  # B's text stays in the form
    one(other.root, "kit-save-stake").click()  # asked, B keeps theirs
    assert "Enjeu enregistré" in other.messages.widget.value
    stake = store.load(app.ws_id).stakes[0]
    assert (stake.for_whom, stake.by_when, stake.votes) == ("Les personnes âgées isolées", "2030", 1)
    assert stake.evidence == "Relevés de température, été 2025" and stake.what == "Des logements vivables l'été"


def test_a_list_redrawn_by_a_save_does_not_reload_the_form(app, store):
    # Reassigning a list's options selects its first choice for a moment: that must not load it.
    for title in ("Chaleur", "Énergie"):
        capture(app, title)
    chooser = one(app.root, "kit-edit-choice")
    chooser.value = chooser.options[1][1]
    one(app.root, "kit-edit-what").value = "Des factures qui baissent"
    one(app.root, "kit-edit-title").value = "Énergie chère"
    capture(shown(StakesApp(store, app.ws_id)), "Alimentation")  # someone else, in another tab, adds a stake
    one(app.root, "kit-vote").click()  # a save here: the list of stakes is redrawn, one more option
    assert len(chooser.options) == 3
    assert chooser.value == store.load(app.ws_id).stakes[1].id
    assert one(app.root, "kit-edit-what").value == "Des factures qui baissent"
    assert one(app.root, "kit-edit-title").value == "Énergie chère"
    one(app.root, "kit-save-stake").click()
    assert [s.title for s in store.load(app.ws_id).stakes] == ["Chaleur", "Énergie chère", "Alimentation"]


def test_the_editor_shows_the_stake_just_added(app, store):
    # « The stake editor trap »: after « Ajouter l'enjeu » the editor stayed on the previous stake, and a group
    # wrote thirteen statements over stake 1. Whatever was just added is what the editor shows next.
    capture(app, "Chaleur")
    one(app.root, "kit-edit-what").value = "Des logements vivables l'été"
    one(app.root, "kit-save-stake").click()
    capture(app, "Énergie")
    assert one(app.root, "kit-edit-title").value == "Énergie"
    assert one(app.root, "kit-edit-what").value == ""
    one(app.root, "kit-edit-what").value = "Des factures qui baissent"
    # Typed and not saved, then a third stake added: what was typed is saved with it, on its own stake.
    capture(app, "Alimentation")
    assert "les modifications de « Énergie » sont enregistrées aussi" in app.messages.widget.value
    assert one(app.root, "kit-edit-title").value == "Alimentation"
    one(app.root, "kit-edit-what").value = "Des produits frais à deux pas"
    one(app.root, "kit-save-stake").click()
    assert {s.title: s.what for s in store.load(app.ws_id).stakes} == {
        "Chaleur": "Des logements vivables l'été", "Énergie": "Des factures qui baissent",
        "Alimentation": "Des produits frais à deux pas"}


def test_two_people_on_the_session_record_lose_nothing(app, store):
    other = shown(StakesApp(store, app.ws_id))
    one(app.root, "kit-session-place").value = "Centre social du Sablar"
    save_session(app)
    one(other.root, "kit-session-date").value = date(2026, 3, 12)
    one(other.root, "kit-task").value = "Compléter les données de chaleur"
    one(other.root, "kit-add-task").click()  # a redraw: the date being typed stays
    assert one(other.root, "kit-session-date").value == date(2026, 3, 12)
    save_session(other)
    record = store.load(app.ws_id).session(1)
    assert (record.held_on, record.place) == (date(2026, 3, 12), "Centre social du Sablar")
    one(app.root, "kit-session-place").value = "Mairie annexe"  # this tab still shows no date
    save_session(app)
    record = store.load(app.ws_id).session(1)
    assert (record.held_on, record.place) == (date(2026, 3, 12), "Mairie annexe")
    one(other.root, "kit-session-place").value = "Salle des fêtes"
    save_session(other)
    assert "« lieu »" in other.messages.widget.value and "« Mairie annexe »" in other.messages.widget.value
    assert store.load(app.ws_id).session(1).place == "Mairie annexe"


def save_session(app):
    one(app.root, "kit-save-session").click()


def paste(grid, row, col, text):
    # The message the browser sends when a block copied from a spreadsheet is pasted in a cell.
    block = [line.split("\t") for line in text.rstrip("\n").split("\n")]
    grid._handle_custom_msg({"kind": "paste", "row": row, "col": col, "block": block}, [])


def test_a_stake_typed_with_the_keyboard_only(app, store):
    # Fast entry: the theme (kept for the next stake), the title, Enter: the stake is added.
    theme = one(app.root, "kit-stake-theme")
    assert "Cadre de vie" in [label for label, _ in theme.options]
    theme.value = "Cadre de vie"
    title = one(app.root, "kit-stake-title")
    title.value = "Des halls"  # what the box last synced: Enter brings the whole text with it
    title._handle_custom_msg({"kind": "submit", "value": "Des halls d'immeuble sûrs"}, [])  # as the browser sends it
    title._handle_custom_msg({"kind": "submit", "value": "Des rues éclairées"}, [])
    saved = store.load(app.ws_id).stakes
    assert [(s.title, s.theme) for s in saved] == [("Des halls d'immeuble sûrs", "Cadre de vie"),
                                                   ("Des rues éclairées", "Cadre de vie")]
    assert title.value == "" and theme.value == "Cadre de vie"
    assert one(app.root, "kit-edit-title").value == "Des rues éclairées"


def test_titles_and_statements_show_their_length_and_refuse_past_the_model(app, store):
    title = one(app.root, "kit-stake-title")
    assert title.max_length == 200  # the page counts « 87 / 200 caractères » as the title is typed
    title.value = "x" * 230
    one(app.root, "kit-add-stake").click()
    assert "compte 230 caractères, 200 au plus" in app.messages.widget.value
    assert store.load(app.ws_id).stakes == []
    capture(app, "Chaleur")
    edit_title = one(app.root, "kit-edit-title")
    edit_title.value = "x" * 87
    assert any("87 / 200 caractères" in c.value for c in find(app.root, "kit-count"))
    edit_title.value = "x" * 230
    assert any("230 / 200 caractères : trop long" in c.value and "kit-count-over" in c.value
               for c in find(app.root, "kit-count"))
    edit_title.value = "Chaleur"
    statement = one(app.root, "kit-edit-statement")
    statement.value = "é" * 20_001
    one(app.root, "kit-save-stake").click()
    assert "L'énoncé compte 20\u202f001 caractères, 20\u202f000 au plus" in app.messages.widget.value
    assert store.load(app.ws_id).stakes[0].statement == ""
    assert one(app.root, "kit-edit-importance").description == "Importance (0 à 10)"


def test_a_stake_then_its_neighbourhoods_theme_and_scores_edited_in_place(app, store):
    capture(app, "Chaleur")
    ws = store.load(app.ws_id)
    one(app.root, "kit-edit-theme").value = "Adaptation au changement climatique"
    one(app.root, "kit-edit-places").value = (ws.neighbourhoods[0].id,)
    one(app.root, "kit-edit-urgency").value = 0
    one(app.root, "kit-save-stake").click()
    stake = store.load(app.ws_id).stakes[0]
    assert (stake.theme, stake.neighbourhood_ids, stake.urgency) == (
        "Adaptation au changement climatique", [ws.neighbourhoods[0].id], 0)


def test_a_neighbourhood_added_elsewhere_is_offered_at_the_next_save(app, store):
    from kit.model import Neighbourhood

    new = Neighbourhood(name="Cuyès", qpv_code="QN04002M", commune="Dax")
    store.update(app.ws_id, lambda ws: ws.neighbourhoods.append(new))  # the home page, in another tab
    capture(app, "Chaleur")  # any save here reads the latest revision: every list offers it
    for css in ("kit-stake-places", "kit-edit-places", "kit-portrait-choice"):
        assert new.id in dict(one(app.root, css).options).values()
    assert f"qpv:{new.id}" in dict(one(app.root, "kit-value-place").options).values()
    one(app.root, "kit-stake-places").value = (new.id,)
    capture(app, "Énergie")
    assert store.load(app.ws_id).stakes[1].neighbourhood_ids == [new.id]


def test_a_local_project_then_a_stake_positioned_against_it(app, store):
    one(app.root, "kit-project-name").value = "Axe 2 — cadre de vie"
    one(app.root, "kit-project-kind").value = "Axe du contrat de ville"
    one(app.root, "kit-add-project").click()
    project = store.load(app.ws_id).local_projects[0]
    # The editor shows the project just added: its description is written there, its name corrected.
    assert one(app.root, "kit-project-choice").value == project.id
    assert one(app.root, "kit-project-edit-name").value == "Axe 2 — cadre de vie"
    one(app.root, "kit-project-description").value = "Tranquillité, propreté et espaces publics des quartiers"
    one(app.root, "kit-project-edit-name").value = "Axe 2 — Cadre de vie et tranquillité"
    one(app.root, "kit-project-edit-kind").value = "NPNRU"
    one(app.root, "kit-save-project").click()
    saved = store.load(app.ws_id).local_projects[0]
    assert (saved.id, saved.name, saved.kind, saved.description) == (
        project.id, "Axe 2 — Cadre de vie et tranquillité", "NPNRU",
        "Tranquillité, propreté et espaces publics des quartiers")
    capture(app, "Des halls sûrs")
    stake = store.load(app.ws_id).stakes[0]
    grid = one(app.root, "kit-positioning-grid")
    assert [r["id"] for r in grid.rows] == [stake.id] and [c["id"] for c in grid.columns] == [project.id]
    edit_cell(grid, stake.id, project.id, "X")
    assert store.load(app.ws_id).local_projects[0].stake_ids == [stake.id]
    one(app.root, "kit-project-name").value = "PCAET"
    one(app.root, "kit-add-project").click()
    assert one(app.root, "kit-project-choice").value == store.load(app.ws_id).local_projects[1].id
    one(app.root, "kit-project-edit-name").value = "Axe 2 — cadre de vie et tranquillité"
    one(app.root, "kit-save-project").click()
    assert "figure déjà" in app.messages.widget.value


def test_a_stake_then_an_influence_with_it(app, store):
    capture(app, "Chaleur")
    capture(app, "Énergie")
    a, b = [s.id for s in store.load(app.ws_id).stakes]
    grid = one(app.root, "kit-micmac-grid")
    edit_cell(grid, a, b, "2")  # the stake just created is a row and a column of the matrix at once
    edit_cell(grid, b, a, "0")
    assert {(c.source, c.target): c.value for c in store.load(app.ws_id).influences} == {(a, b): 2, (b, a): 0}


def test_a_rated_zero_is_not_an_unrated_cell(app, store):
    for title in ("A", "B", "C"):
        capture(app, title)
    a, b, c = [s.id for s in store.load(app.ws_id).stakes]
    grid = one(app.root, "kit-micmac-grid")
    assert grid.unrated and grid.zero_text == "0"
    assert "0 / 6 cases notées" in one(app.root, "kit-micmac-count").value
    edit_cell(grid, a, b, "0")
    edit_cell(grid, a, c, "3")
    assert grid.values[f"{a}|{b}"] == "0" and f"{b}|{a}" not in grid.values
    assert "2 / 6 cases notées" in one(app.root, "kit-micmac-count").value
    edit_cell(grid, a, b, "")  # emptied: not rated any more
    assert {(x.source, x.target) for x in store.load(app.ws_id).influences} == {(a, c)}
    assert "1 / 6 cases notées" in one(app.root, "kit-micmac-count").value


def test_a_block_pasted_from_a_spreadsheet(app, store):
    for title in ("A", "B", "C"):
        capture(app, title)
    a, b, c = [s.id for s in store.load(app.ws_id).stakes]
    grid = one(app.root, "kit-micmac-grid")
    # The whole matrix, diagonal included (skipped), from its first cell: one save.
    revision = store.load(app.ws_id).revision
    paste(grid, a, a, "\t3\t1\n0\t\t2\nP\t2,0\t\n")
    saved = store.load(app.ws_id)
    assert saved.revision == revision + 1
    assert {(x.source, x.target): x.value for x in saved.influences} == {
        (a, b): 3, (a, c): 1, (b, a): 0, (b, c): 2, (c, a): "P", (c, b): 2}
    assert grid.values[f"{c}|{b}"] == "2" and "6 / 6 cases notées" in one(app.root, "kit-micmac-count").value
    # French decimals are read, and a value off the scale is refused, its cell named; nothing is saved.
    paste(grid, b, a, "2,5\t\t1")
    message = app.messages.widget.value
    assert "1 case(s) du bloc collé refusée(s)" in message and "rien n'a été enregistré" in message
    assert "ligne « B », colonne « A » : « 2,5 » n'est pas une valeur de la matrice" in message
    assert f"{b}|{a}" in grid.errors
    assert any("colonne « A »" in near.value for near in find(app.root, "kit-near"))  # said under the grid too
    assert store.load(app.ws_id).revision == revision + 1
    paste(grid, c, b, "1\t1\t1")
    assert "dépasse le tableau" in app.messages.widget.value
    assert store.load(app.ws_id).revision == revision + 1


def test_values_pasted_and_corrected_with_their_year_and_source(app, store):
    ws = store.load(app.ws_id)
    column = f"qpv:{ws.neighbourhoods[0].id}"
    grid = one(app.root, "kit-diag-grid")
    paste(grid, "population", column, "3 850\n2,5\n")
    values = {v.indicator: v.value for v in store.load(app.ws_id).indicator_values}
    assert values["population"] == 3850 and len(values) == 2
    assert grid.values[f"population|{column}"] == "3\u202f850" or grid.values[f"population|{column}"].replace(
        "\xa0", " ").replace("\u202f", " ") == "3 850"
    # The value editor: the value, its year and its source, corrected in place.
    one(app.root, "kit-value-indicator").value = "population"
    one(app.root, "kit-value-place").value = column
    assert one(app.root, "kit-value-number").value.replace("\xa0", " ").replace("\u202f", " ") == "3 850"
    one(app.root, "kit-value-number").value = "3 912"
    one(app.root, "kit-value-year").value = "2021"
    one(app.root, "kit-value-source").value = "INSEE, recensement 2021"
    one(app.root, "kit-save-value").click()
    kept = next(v for v in store.load(app.ws_id).indicator_values if v.indicator == "population")
    assert (kept.value, kept.year, kept.source) == (3912, 2021, "INSEE, recensement 2021")
    assert "2021" in one(app.root, "kit-value-status").value
    # Typed again in the grid, the value keeps its year and source.
    edit_cell(grid, "population", column, "3920")
    kept = next(v for v in store.load(app.ws_id).indicator_values if v.indicator == "population")
    assert (kept.value, kept.year, kept.source) == (3920, 2021, "INSEE, recensement 2021")
    one(app.root, "kit-value-year").value = "1850"
    one(app.root, "kit-save-value").click()
    assert "1900 à 2100" in app.messages.widget.value
    one(app.root, "kit-value-year").value = "deux mille"
    one(app.root, "kit-save-value").click()
    assert "n'est pas une année" in app.messages.widget.value
    # A secret value: the note says it.
    one(app.root, "kit-value-indicator").value = "taux_pauvrete"
    one(app.root, "kit-value-number").value = "s"
    one(app.root, "kit-save-value").click()
    secret = next(v for v in store.load(app.ws_id).indicator_values if v.indicator == "taux_pauvrete")
    assert (secret.value, secret.note) == (None, "secret statistique")


# -- the territory's own indicators (issue 11) ----------------------------------------------------

def add_indicator(app, name, unit="", direction="neutre", source=""):
    one(app.root, "kit-custom-name").value = name
    one(app.root, "kit-custom-unit").value = unit
    one(app.root, "kit-custom-direction").value = direction
    one(app.root, "kit-custom-source").value = source
    one(app.root, "kit-add-custom").click()


def docx_text(data):
    document = docx.Document(io.BytesIO(data))
    return "\n".join([p.text for p in document.paragraphs]
                     + [c.text for t in document.tables for row in t.rows for c in row.cells])


def test_an_indicator_of_the_territory_then_its_value_everywhere_a_catalogue_one_goes(app, store):
    from kit.apps.enjeux import DIRECTION_CHOICES
    from kit.reports import deliverables
    from kit.sessions import diagnostic

    assert dict((code, label) for label, code in DIRECTION_CHOICES)["bas"] == "Plus bas, c'est mieux"
    add_indicator(app, "Nombre de jardins partagés", "jardins", "haut", "Ville de Dax, service des espaces verts")
    ws = store.load(app.ws_id)
    [garden] = ws.custom_indicators
    assert (garden.name, garden.unit, garden.direction, garden.source) == (
        "Nombre de jardins partagés", "jardins", "haut", "Ville de Dax, service des espaces verts")
    assert garden.id.startswith("ind-") and "ajouté" in app.messages.widget.value
    assert one(app.root, "kit-custom-name").value == ""  # emptied for the next one
    assert one(app.root, "kit-custom-choice").value == garden.id  # opened in the editor below
    # Its row in the grid, a value typed there, kept and shown.
    grid = one(app.root, "kit-diag-grid")
    assert {"id": garden.id, "label": "Nombre de jardins partagés (jardins)"} in grid.rows
    column = f"qpv:{ws.neighbourhoods[0].id}"
    edit_cell(grid, garden.id, column, "3")
    edit_cell(grid, garden.id, "france:", "2")
    assert grid.values[f"{garden.id}|{column}"] == "3"
    assert {(v.indicator, v.place_kind): v.value for v in store.load(app.ws_id).indicator_values} == {
        (garden.id, "qpv"): 3.0, (garden.id, "france"): 2.0}
    # Offered in every list of indicators: the value editor, the map, the stakes' indicators.
    for css in ("kit-value-indicator", "kit-map-indicator"):
        assert garden.id in dict(one(app.root, css).options).values()
    assert garden.id in dict(one(app.root, "kit-edit-indicators").options).values()
    # Imported from a table's column like a catalogue indicator.
    table = "code_qp;jardins\nQN04001M;4\n".encode()
    one(app.root, "kit-table-upload").value = ({"name": "jardins.csv", "type": "text/csv", "size": len(table),
                                                "content": memoryview(table), "last_modified": NOW},)
    one(app.root, "kit-qpv-column").value = "code_qp"
    jardins = next(d for d in find(app.root, "kit-column-map") if d.description == "jardins")
    jardins.value = garden.id
    one(app.root, "kit-run-import").click()
    assert "1 valeur(s) importée(s)" in app.messages.widget.value
    assert grid.values[f"{garden.id}|{column}"] == "4"
    edit_cell(grid, garden.id, column, "3")
    # In the portrait, under its theme, read in its direction, and in the comparison and the map's list.
    portrait = one(app.root, "kit-portrait-table").value
    assert "Nombre de jardins partagés" in portrait and "Indicateurs du territoire" in portrait
    assert "plus favorable que la France" in portrait
    ws = store.load(app.ws_id)
    assert diagnostic.map_indicators(ws) == [garden.id]
    assert diagnostic.indicator_meta(garden.id, ws) == {"label": "Nombre de jardins partagés", "unit": "jardins",
                                                        "direction": "haut"}
    # And in the session 1 deliverable.
    _, data = deliverables.export(ws, "session1", "docx")
    text = docx_text(data)
    assert "Nombre de jardins partagés" in text and "Indicateurs du territoire" in text

    # Its name corrected in place: the values stay with it.
    one(app.root, "kit-custom-edit-name").value = "Jardins partagés ouverts"
    one(app.root, "kit-custom-edit-definition").value = "Jardins ouverts aux habitants au moins une fois par semaine"
    one(app.root, "kit-save-custom").click()
    ws = store.load(app.ws_id)
    assert [(i.id, i.name, i.unit) for i in ws.custom_indicators] == [(garden.id, "Jardins partagés ouverts", "jardins")]
    assert ws.custom_indicators[0].definition.startswith("Jardins ouverts")
    assert len(ws.indicator_values) == 2
    assert {"id": garden.id, "label": "Jardins partagés ouverts (jardins)"} in grid.rows
    assert "Jardins partagés ouverts" in one(app.root, "kit-portrait-table").value

    # Removing it asks first, saying how many values go with it; cancelled, nothing goes.
    one(app.root, "kit-remove-custom").click()
    assert "2 valeurs" in one(app.root, "kit-custom-delete-question").value
    assert len(store.load(app.ws_id).custom_indicators) == 1
    one(app.root, "kit-custom-delete-cancel").click()
    assert "Rien n'a été retiré" in app.messages.widget.value
    one(app.root, "kit-remove-custom").click()
    one(app.root, "kit-custom-delete-confirm").click()
    ws = store.load(app.ws_id)
    assert ws.custom_indicators == [] and ws.indicator_values == []
    assert garden.id not in [r["id"] for r in grid.rows]
    assert garden.id not in dict(one(app.root, "kit-map-indicator").options).values()
    assert "retiré" in app.messages.widget.value


def test_an_indicator_of_the_territory_needs_a_name_of_its_own(app, store):
    add_indicator(app, "   ")
    assert "ne peut pas être vide" in one(app.root, "kit-add-custom-note").value
    add_indicator(app, "taux de PAUVRETE")  # the catalogue's « Taux de pauvreté », folded
    assert "déjà un indicateur du catalogue" in one(app.root, "kit-add-custom-note").value
    assert one(app.root, "kit-custom-name").value == "taux de PAUVRETE"  # given back to be corrected
    add_indicator(app, "Logements vacants du bailleur", "%", "bas", "Bailleur social")
    add_indicator(app, "logements vacants du bailléur")
    assert "existe déjà" in one(app.root, "kit-add-custom-note").value
    add_indicator(app, "Jardins partagés")
    add_indicator(app, "Jardins", source="x" * 201)
    assert "201 caractères, 200 au plus" in one(app.root, "kit-add-custom-note").value
    ws = store.load(app.ws_id)
    assert [i.name for i in ws.custom_indicators] == ["Logements vacants du bailleur", "Jardins partagés"]
    # Renamed in place to a name another indicator bears: refused beside the button, nothing saved.
    one(app.root, "kit-custom-edit-name").value = "Logements vacants du bailleur"
    one(app.root, "kit-save-custom").click()
    assert "existe déjà" in one(app.root, "kit-custom-note").value
    assert [i.name for i in store.load(app.ws_id).custom_indicators] == ["Logements vacants du bailleur",
                                                                         "Jardins partagés"]
    # Without values, removed at once.
    one(app.root, "kit-remove-custom").click()
    assert [i.name for i in store.load(app.ws_id).custom_indicators] == ["Logements vacants du bailleur"]
