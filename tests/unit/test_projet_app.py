"""Session 2 driven like a facilitator does (widget values, clicks, grid messages), and its deliverable."""

import base64
import io
import re

import docx
import pytest

from kit.reports import deliverables
from kit.sessions import project
from kit.apps.projet import ProjectApp
from kit.demo import create_demo
from tests.unit.test_home_app import one


def opened(store, ws_id):
    app = ProjectApp(store, ws_id)
    app.signal._handle_custom_msg({"kind": "rendered"}, [])  # what the page says once on screen
    return app


def edit_cell(grid, row, col, value):
    grid._handle_custom_msg({"kind": "edit", "row": row, "col": col, "value": value}, [])


@pytest.fixture
def empty(store):
    ws = store.create("CA du Grand Dax", territory={"epci_name": "CA du Grand Dax", "epci_siren": "244000675"})
    return opened(store, ws.id)


def add_actor(app, name, kind):
    one(app.root, "kit-actor-name").value = name
    one(app.root, "kit-actor-kind").value = kind
    one(app.root, "kit-add-actor").click()


def test_actors_relations_and_the_network_reading(empty, store):
    app = empty
    for name, kind in (("Conseil citoyen du Sablar", "Conseil citoyen"), ("Centre social Cuyès", "Centre social"),
                       ("Office HLM", "Bailleur social")):
        add_actor(app, name, kind)
    add_actor(app, "office hlm", "Bailleur social")
    assert "figure déjà" in app.messages.widget.value
    ids = {a.name: a.id for a in store.load(app.ws_id).actors}
    for a, b in (("Conseil citoyen du Sablar", "Centre social Cuyès"), ("Centre social Cuyès", "Office HLM")):
        one(app.root, "kit-relation-source").value = ids[a]
        one(app.root, "kit-relation-target").value = ids[b]
        one(app.root, "kit-add-relation").click()
    assert len(store.load(app.ws_id).relations) == 2
    assert "Centre social Cuyès" in one(app.root, "kit-network-readings").value
    assert "seul lien" in one(app.root, "kit-network-readings").value
    assert "reseau_acteurs.gexf" in one(app.root, "kit-network-exports").value
    map_figure = one(app.root, "kit-network-map").figure
    assert sum(len(t.get("text") or []) for t in map_figure["data"] if t.get("mode", "").startswith("markers")) >= 3


def test_project_group_checklist_names_what_is_missing(empty, store):
    app = empty
    add_actor(app, "Vice-présidente politique de la ville", "EPCI")
    actor_id = store.load(app.ws_id).actors[0].id
    one(app.root, "kit-member-choice").value = actor_id
    one(app.root, "kit-member-role").value = "élu politique de la ville"
    one(app.root, "kit-add-member").click()
    checklist = one(app.root, "kit-group-checklist").value
    assert "✗ <b>Binôme politique de la ville" in checklist and "✗ <b>Binôme transitions" in checklist
    assert "Il manque" in checklist


def test_objective_tree_and_gaps(store):
    ws = create_demo(store)
    app = opened(store, ws.id)
    one(app.root, "kit-objective-title").value = "Mieux manger au quartier"
    one(app.root, "kit-objective-level").value = "opérationnel"
    one(app.root, "kit-add-objective").click()
    assert "se rattache à un objectif stratégique" in app.messages.widget.value
    one(app.root, "kit-objective-level").value = "stratégique"
    one(app.root, "kit-add-objective").click()
    assert "Objectifs rattachés à aucun enjeu" in one(app.root, "kit-objective-gaps").value
    assert "Mieux manger au quartier" in one(app.root, "kit-objective-gaps").value
    tree = one(app.root, "kit-objective-tree").figure
    assert "Mieux manger au quartier" in tree["data"][0]["labels"]


def test_governance_checks_and_a_reporting_cycle_is_refused(store):
    ws = create_demo(store)
    app = opened(store, ws.id)
    checklist = one(app.root, "kit-governance-checklist").value
    assert "✗ <b>Les habitants participent à la gouvernance" in checklist
    conseil = next(a.id for a in ws.actors if a.kind == "Conseil citoyen")
    one(app.root, "kit-body-name").value = "Atelier des habitants"
    one(app.root, "kit-body-kind").value = "atelier d'habitants"
    one(app.root, "kit-body-lead").value = conseil
    one(app.root, "kit-body-members").value = (conseil,)
    one(app.root, "kit-add-body").click()
    assert "✓ <b>Les habitants participent à la gouvernance" in one(app.root, "kit-governance-checklist").value


def test_a_body_gets_its_first_meeting_date_and_time_and_they_date_the_calendar(store):
    from datetime import date, time

    from kit.sessions import steering

    ws = create_demo(store)
    app = opened(store, ws.id)
    one(app.root, "kit-body-name").value = "Comité technique"
    one(app.root, "kit-body-rhythm").value = "mensuel"
    one(app.root, "kit-body-first").value = date(2027, 3, 12)
    one(app.root, "kit-body-time").value = "25h"  # refused beside the form, nothing saved
    one(app.root, "kit-add-body").click()
    assert "« 25h » n'est pas une heure" in one(app.root, "kit-body-note").value
    assert len(store.load(ws.id).bodies) == len(ws.bodies)
    one(app.root, "kit-body-time").value = "14h30"
    one(app.root, "kit-add-body").click()
    added = store.load(ws.id).bodies[-1]
    assert (added.first_meeting, added.meeting_time) == (date(2027, 3, 12), time(14, 30))
    assert "12/03/2027 à 14h30" in one(app.root, "kit-bodies-list").value
    assert one(app.root, "kit-body-first").value is None and one(app.root, "kit-body-time").value == ""
    calendar = steering.bodies_meetings(store.load(ws.id), start=date(2027, 1, 1))
    assert [(m["date"], m["time"]) for m in calendar if m["body"] == "Comité technique"][:2] == [
        (date(2027, 3, 12), time(14, 30)), (date(2027, 4, 12), time(14, 30))]

    # A body described before (here the demo's steering committee) is given its first meeting afterwards.
    copil = next(b for b in ws.bodies if b.kind == "comité de pilotage")
    one(app.root, "kit-body-meeting-choice").value = copil.id
    one(app.root, "kit-body-first-edit").value = date(1927, 1, 1)
    one(app.root, "kit-save-body-meeting").click()
    assert "n'est pas plausible" in one(app.root, "kit-body-meeting-note").value
    one(app.root, "kit-body-first-edit").value = date(2027, 2, 2)
    one(app.root, "kit-body-time-edit").value = "9:00"
    one(app.root, "kit-save-body-meeting").click()
    saved = edits_body(store.load(ws.id), copil.id)
    assert (saved.first_meeting, saved.meeting_time, saved.name) == (date(2027, 2, 2), time(9, 0), copil.name)
    assert one(app.root, "kit-body-time-edit").value == "9h00"  # shown as saved
    assert "02/02/2027 à 9h00" in one(app.root, "kit-bodies-list").value


def edits_body(ws, body_id):
    return next(b for b in ws.bodies if b.id == body_id)


def test_mactor_grids_update_the_balance_of_power(store):
    ws = create_demo(store)
    app = opened(store, ws.id)
    mid, mao = one(app.root, "kit-mid-grid"), one(app.root, "kit-mao-grid")
    a, b = ws.actors[0].id, ws.actors[1].id
    edit_cell(mid, a, b, "5")
    assert "0, 1, 2, 3 ou 4" in app.messages.widget.value
    before = one(app.root, "kit-mactor-tables").value
    edit_cell(mid, b, a, "3")
    assert one(app.root, "kit-mactor-tables").value != before
    edit_cell(mao, a, ws.objectives[0].id, "+4")
    assert mao.values[f"{a}|{ws.objectives[0].id}"] == "+4"
    assert any(c.value == 4 for c in store.load(ws.id).actor_positions if c.actor_id == a)
    one(app.root, "kit-derive-power").click()
    placed = [(x.power, x.interest) for x in store.load(ws.id).actors]
    assert all(p is not None for p, _ in placed) and max(p for p, _ in placed) == 10
    power = one(app.root, "kit-power-grid")
    edit_cell(power, a, "power", "12")
    assert "de 0 à 10" in app.messages.widget.value


def test_session2_deliverable(store):
    ws = create_demo(store)
    name, data = deliverables.export(ws, "session2", "docx")
    headings = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs if p.style.name.startswith("Heading")]
    assert headings[:6] == ["Le cap à 2030", "Le groupe projet", "Les acteurs et leurs relations", "La gouvernance",
                            "Stratégies des acteurs (MACTOR)", "Plan de travail jusqu'à la session 3"]
    app = opened(store, ws.id)
    one(app.root, "kit-make-html").click()
    link = one(app.root, "kit-deliverable").value
    page = base64.b64decode(re.search(r'base64,([^"]+)"', link).group(1)).decode("utf-8")
    assert "Le groupe projet" in page and "Bureau communautaire (fictif)" in page


def test_removing_an_actor_used_everywhere(store):
    ws = create_demo(store)
    app = opened(store, ws.id)
    bailleur = next(a for a in ws.actors if a.kind == "Bailleur social")
    one(app.root, "kit-actor-remove-choice").value = bailleur.id
    one(app.root, "kit-remove-actor").click()
    after = store.load(ws.id)
    assert bailleur.id not in {a.id for a in after.actors}
    assert all(bailleur.id not in (r.source, r.target) for r in after.relations)
    assert all(a.lead_id != bailleur.id for a in after.actions)
    assert project.actor_strategies(after) is not None


def test_a_choice_being_made_survives_someone_elses_save(store):
    ws = create_demo(store)
    app = opened(store, ws.id)
    source = one(app.root, "kit-relation-source")
    source.value = ws.actors[2].id
    store.rename(ws.id, "Renommé dans un autre onglet")
    app.save(lambda w: None, "rien", parts=("network", "actors"))  # a redraw caused by another save
    assert source.value == ws.actors[2].id


def test_the_network_map_rings_the_project_group_and_each_body(store):
    ws = create_demo(store)
    app = opened(store, ws.id)
    rings = {t["name"]: t for t in one(app.root, "kit-network-map").figure["data"]
             if t.get("legendgroup") == "groups"}
    assert set(rings) == {"Groupe projet", "Bureau communautaire (fictif)", "Comité de pilotage du projet de quartier"}
    assert rings["Groupe projet"]["marker"]["symbol"] == "circle-open"


def test_an_objective_is_edited_from_the_screen(store):
    ws = create_demo(store)
    app = opened(store, ws.id)
    one(app.root, "kit-objective-remove-choice").value = ws.objectives[0].id
    one(app.root, "kit-load-objective").click()
    assert one(app.root, "kit-objective-title").value == ws.objectives[0].title
    one(app.root, "kit-objective-title").value = "Rafraîchir les quartiers l'été"
    one(app.root, "kit-objective-stakes").value = (ws.stakes[0].id,)
    one(app.root, "kit-update-objective").click()
    edited = store.load(ws.id).objectives[0]
    assert (edited.title, edited.stake_ids) == ("Rafraîchir les quartiers l'été", [ws.stakes[0].id])
    assert "Rafraîchir les quartiers" in str(one(app.root, "kit-objective-tree").figure["data"][0]["labels"])


def test_two_people_editing_one_objective_lose_nothing(store):
    ws = create_demo(store)
    first, second = opened(store, ws.id), opened(store, ws.id)  # two tabs, two kernels, one workspace
    objective = ws.objectives[0]
    for app in (first, second):
        one(app.root, "kit-objective-remove-choice").value = objective.id
        one(app.root, "kit-load-objective").click()
    one(first.root, "kit-objective-title").value = "Rafraîchir les quartiers l'été"
    one(first.root, "kit-update-objective").click()
    one(second.root, "kit-objective-stakes").value = (ws.stakes[1].id,)
    one(second.root, "kit-update-objective").click()
    assert "Objectif enregistré" in second.messages.widget.value
    saved = store.load(ws.id).objectives[0]
    assert (saved.title, saved.stake_ids) == ("Rafraîchir les quartiers l'été", [ws.stakes[1].id])

    for app in (first, second):
        one(app.root, "kit-load-objective").click()
    one(first.root, "kit-objective-title").value = "Des quartiers frais l'été"
    one(first.root, "kit-update-objective").click()
    one(second.root, "kit-objective-title").value = "Des îlots de fraîcheur"
    one(second.root, "kit-update-objective").click()
    message = second.messages.widget.value
    assert "« titre »" in message and "« Des quartiers frais l'été »" in message and "enregistrez à nouveau" in message
    assert store.load(ws.id).objectives[0].title == "Des quartiers frais l'été"
    one(second.root, "kit-update-objective").click()
    assert "Objectif enregistré" in second.messages.widget.value
    assert store.load(ws.id).objectives[0].title == "Des îlots de fraîcheur"


def test_two_people_editing_the_cap_lose_nothing(store):
    ws = create_demo(store)
    first, second = opened(store, ws.id), opened(store, ws.id)
    one(first.root, "kit-ambition").value = "Des quartiers sobres et solidaires"
    one(first.root, "kit-save-cap").click()
    one(second.root, "kit-horizon").value = 2035
    one(second.root, "kit-save-cap").click()
    vision = store.load(ws.id).vision
    assert (vision.horizon, vision.ambition) == (2035, "Des quartiers sobres et solidaires")
    # A redraw (adding an objective) keeps the ambition being typed.
    one(second.root, "kit-ambition").value = "Des quartiers où il fait bon vivre"
    one(second.root, "kit-objective-title").value = "Mieux isoler"
    one(second.root, "kit-add-objective").click()
    assert one(second.root, "kit-ambition").value == "Des quartiers où il fait bon vivre"
    one(second.root, "kit-save-cap").click()
    one(first.root, "kit-ambition").value = "Des quartiers sobres"
    one(first.root, "kit-save-cap").click()
    said = first.messages.widget.value + one(first.root, "kit-cap-note").value
    assert "« ambition »" in said and "« Des quartiers où il fait bon vivre »" in said
    assert store.load(ws.id).vision.ambition == "Des quartiers où il fait bon vivre"
    one(first.root, "kit-save-cap").click()
    assert store.load(ws.id).vision.ambition == "Des quartiers sobres"


@pytest.mark.parametrize("typed", [2020, 3000])
def test_a_horizon_out_of_the_models_range_is_refused_not_clamped(store, typed):
    ws = create_demo(store)
    app = opened(store, ws.id)
    before = store.path(ws.id).read_bytes()
    one(app.root, "kit-horizon").value = typed
    one(app.root, "kit-save-cap").click()
    words = f"Horizon : {typed} n'est pas possible, indiquez une valeur de 2024 à 2100."
    assert words in app.messages.widget.value and words in one(app.root, "kit-cap-note").value
    assert store.path(ws.id).read_bytes() == before
