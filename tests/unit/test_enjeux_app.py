"""The session 1 app driven like a facilitator does, without a browser (widget values and clicks)."""

import base64
import io
import re
from datetime import date, datetime, timezone

import docx
import pytest

from kit.apps.enjeux import StakesApp
from kit.demo import create_demo
from tests.unit.test_home_app import find, one

NOW = datetime.now(timezone.utc)


@pytest.fixture
def app(store):
    ws = store.create("Grand Dax", territory={"epci_name": "CA du Grand Dax", "epci_siren": "244000675"})
    store.update(ws.id, lambda w: w.neighbourhoods.append(
        __import__("kit.model", fromlist=["Neighbourhood"]).Neighbourhood(name="Le Sablar", qpv_code="QN04001M",
                                                                          commune="Dax")))
    return shown(StakesApp(store, ws.id))


def shown(app):
    """The message the page sends once it is on screen: charts are drawn from then on."""
    app.signal._handle_custom_msg({"kind": "rendered"}, [])
    return app


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
    points = sum(len(trace.get("text", [])) for trace in plane.figure["data"])  # x and y travel as binary
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
    capture(app, "Alimentation")  # a save that redraws the list of stakes (one more option)
    assert chooser.value == store.load(app.ws_id).stakes[1].id
    assert one(app.root, "kit-edit-what").value == "Des factures qui baissent"
    assert one(app.root, "kit-edit-title").value == "Énergie chère"
    one(app.root, "kit-save-stake").click()
    assert [s.title for s in store.load(app.ws_id).stakes] == ["Chaleur", "Énergie chère", "Alimentation"]


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
