"""Session 2 driven like a facilitator does (widget values, clicks, grid messages), and its deliverable."""

import base64
import io
import re

import docx
import pytest

from kit import edits
from kit.reports import deliverables
from kit.sessions import project
from kit.apps.projet import ProjectApp
from kit.model import Action, Actor, ActorInfluence
from kit.demo import create_demo
from tests.unit.test_home_app import one, open_panels


def opened(store, ws_id, panels=True):
    app = ProjectApp(store, ws_id)
    app.signal._handle_custom_msg({"kind": "rendered"}, [])  # what the page says once on screen
    return open_panels(app) if panels else app  # the secondary panels, built when the person opens them


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
    one(app.root, "kit-body-choice").value = copil.id
    one(app.root, "kit-body-first-edit").value = date(1927, 1, 1)
    one(app.root, "kit-save-body").click()
    assert "n'est pas plausible" in one(app.root, "kit-body-edit-note").value
    one(app.root, "kit-body-first-edit").value = date(2027, 2, 2)
    one(app.root, "kit-body-time-edit").value = "9:00"
    one(app.root, "kit-save-body").click()
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
    one(app.root, "kit-actor-choice").value = bailleur.id
    one(app.root, "kit-remove-actor").click()
    assert bailleur.id in {a.id for a in store.load(ws.id).actors}  # asked first
    one(app.root, "kit-actor-delete-confirm").click()
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
    one(app.root, "kit-objective-choice").value = ws.objectives[0].id
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
        one(app.root, "kit-objective-choice").value = objective.id
    one(first.root, "kit-objective-title").value = "Rafraîchir les quartiers l'été"
    one(first.root, "kit-update-objective").click()
    one(second.root, "kit-objective-stakes").value = (ws.stakes[1].id,)
    one(second.root, "kit-update-objective").click()
    assert "Objectif enregistré" in second.messages.widget.value
    saved = store.load(ws.id).objectives[0]
    assert (saved.title, saved.stake_ids) == ("Rafraîchir les quartiers l'été", [ws.stakes[1].id])

    for app in (first, second):  # each starts again from the saved objective
        one(app.root, "kit-objective-choice").value = ""
        one(app.root, "kit-objective-choice").value = objective.id
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


# -- one sitting: what was just created is offered at once, in every list of every tab -----------------

def options_of(app, css):
    return [o[1] if isinstance(o, tuple) else o for o in one(app.root, css).options]


def test_an_actor_just_added_is_offered_in_every_list_and_shown_in_its_edit_form(empty, store):
    app = empty
    add_actor(app, "Régie de quartier", "Association")
    [actor] = store.load(app.ws_id).actors
    for css in ("kit-relation-source", "kit-relation-target", "kit-highlight", "kit-member-choice", "kit-body-lead",
                "kit-body-members", "kit-body-edit-lead", "kit-body-edit-members", "kit-actor-choice"):
        assert actor.id in options_of(app, css), css
    assert [r["id"] for r in one(app.root, "kit-mid-grid").rows] == [actor.id]  # MACTOR's actors too
    # The editor trap: the edit form shows the actor just added, not the one edited before.
    assert one(app.root, "kit-actor-choice").value == actor.id
    assert one(app.root, "kit-actor-edit-name").value == "Régie de quartier"
    assert one(app.root, "kit-actor-name").value == ""  # the add form is ready for the next one
    assert "Régie de quartier" in one(app.root, "kit-actor-note").value  # said beside the button


def test_an_actor_then_a_body_with_it_as_member(empty, store):
    app = empty
    add_actor(app, "Conseil citoyen du Sablar", "Conseil citoyen")
    [actor] = store.load(app.ws_id).actors
    one(app.root, "kit-body-name").value = "Atelier des habitants"
    one(app.root, "kit-body-kind").value = "atelier d'habitants"
    one(app.root, "kit-body-members").value = (actor.id,)
    one(app.root, "kit-body-lead").value = actor.id
    one(app.root, "kit-add-body").click()
    [body] = store.load(app.ws_id).bodies
    assert (body.member_ids, body.lead_id) == ([actor.id], actor.id)
    assert "Atelier des habitants" in one(app.root, "kit-body-note").value
    # The edit form shows the body just added, with its member.
    assert one(app.root, "kit-body-choice").value == body.id
    assert one(app.root, "kit-body-edit-members").value == (actor.id,)
    assert body.id in options_of(app, "kit-body-reports") and body.id in options_of(app, "kit-body-edit-reports")


def test_an_actor_then_a_relation_from_it(store):
    ws = create_demo(store)
    app = opened(store, ws.id)
    add_actor(app, "Ressourcerie des Tilleuls", "Association")
    new = next(a for a in store.load(ws.id).actors if a.name == "Ressourcerie des Tilleuls")
    one(app.root, "kit-relation-source").value = new.id
    one(app.root, "kit-relation-target").value = ws.actors[0].id
    one(app.root, "kit-add-relation").click()
    assert any(r.source == new.id and r.target == ws.actors[0].id for r in store.load(ws.id).relations)
    assert "« Ressourcerie des Tilleuls » →" in one(app.root, "kit-relation-note").value


def test_a_relation_to_an_actor_removed_meanwhile_is_refused_in_words(store):

    ws = create_demo(store)
    app = opened(store, ws.id)
    one(app.root, "kit-relation-source").value = ws.actors[5].id
    one(app.root, "kit-relation-target").value = ws.actors[6].id
    store.update(ws.id, lambda other: edits.remove_actor(other, ws.actors[6].id))  # another tab
    before = store.path(ws.id).read_bytes()
    one(app.root, "kit-add-relation").click()
    assert "Un acteur choisi n'existe plus" in one(app.root, "kit-relation-note").value
    assert store.path(ws.id).read_bytes() == before


def test_an_actor_then_a_group_member(empty, store):
    app = empty
    add_actor(app, "Cheffe de projet politique de la ville", "EPCI")
    [actor] = store.load(app.ws_id).actors
    one(app.root, "kit-member-choice").value = actor.id
    one(app.root, "kit-member-role").value = "technicien politique de la ville"
    one(app.root, "kit-add-member").click()
    assert [(m.actor_id, m.role) for m in store.load(app.ws_id).project_group] == [
        (actor.id, "technicien politique de la ville")]
    one(app.root, "kit-add-member").click()  # twice in the same role: refused, said beside the button
    assert "déjà dans le groupe projet" in one(app.root, "kit-member-note").value
    one(app.root, "kit-remove-member").click()
    one(app.root, "kit-remove-member").click()
    assert "n'est pas dans le groupe projet" in one(app.root, "kit-member-note").value


def test_an_objective_then_a_sub_objective_under_it(empty, store):
    app = empty
    one(app.root, "kit-objective-title").value = "Adapter les quartiers à la chaleur"
    one(app.root, "kit-add-objective").click()
    [top] = store.load(app.ws_id).objectives
    assert top.id in options_of(app, "kit-objective-parent")
    assert one(app.root, "kit-objective-choice").value == top.id  # the form now edits it
    one(app.root, "kit-objective-choice").value = ""  # « nouvel objectif »
    assert one(app.root, "kit-objective-title").value == ""
    one(app.root, "kit-objective-title").value = "Ombrager les cours d'école"
    one(app.root, "kit-objective-level").value = "opérationnel"
    one(app.root, "kit-objective-parent").value = top.id
    one(app.root, "kit-add-objective").click()
    below = store.load(app.ws_id).objectives[1]
    assert (below.level, below.parent_id) == ("opérationnel", top.id)
    assert one(app.root, "kit-objective-choice").value == below.id
    # Edited in place: back to strategic (no parent then), the same id.
    one(app.root, "kit-objective-level").value = "stratégique"
    one(app.root, "kit-update-objective").click()
    saved = store.load(app.ws_id).objectives[1]
    assert (saved.id, saved.level, saved.parent_id) == (below.id, "stratégique", None)
    # A strategic objective with objectives under it stays strategic.
    one(app.root, "kit-objective-level").value = "opérationnel"
    one(app.root, "kit-objective-parent").value = top.id
    one(app.root, "kit-update-objective").click()
    assert store.load(app.ws_id).objectives[1].parent_id == top.id
    one(app.root, "kit-objective-choice").value = ""
    one(app.root, "kit-objective-title").value = "Réduire la précarité énergétique"
    one(app.root, "kit-objective-level").value = "stratégique"
    one(app.root, "kit-add-objective").click()
    other = store.load(app.ws_id).objectives[2]
    one(app.root, "kit-objective-choice").value = top.id
    one(app.root, "kit-objective-level").value = "opérationnel"
    one(app.root, "kit-objective-parent").value = other.id
    one(app.root, "kit-update-objective").click()
    assert "a des objectifs opérationnels" in one(app.root, "kit-objective-note").value
    assert store.load(app.ws_id).objectives[0].level == "stratégique"


def test_an_overlong_title_or_name_is_refused_with_its_length(empty, store):
    app = empty
    one(app.root, "kit-objective-title").value = "x" * 230
    one(app.root, "kit-add-objective").click()
    assert "compte 230 caractères, 200 au plus" in one(app.root, "kit-objective-note").value
    add_actor(app, "y" * 201, "EPCI")
    assert "Le nom de l'acteur compte 201 caractères, 200 au plus" in one(app.root, "kit-actor-note").value
    add_actor(app, "Régie de quartier", "Association")
    one(app.root, "kit-actor-edit-name").value = "z" * 250
    one(app.root, "kit-save-actor").click()
    assert "250 caractères" in one(app.root, "kit-actor-edit-note").value
    assert [a.name for a in store.load(app.ws_id).actors] == ["Régie de quartier"]


# -- edited in place ----------------------------------------------------------------------------------

def test_an_actor_is_edited_in_place_and_keeps_its_links(store):
    ws = create_demo(store)
    app = opened(store, ws.id)
    bailleur = next(a for a in ws.actors if a.kind == "Bailleur social")
    links = (len([r for r in ws.relations if bailleur.id in (r.source, r.target)]),
             [m.role for m in ws.project_group if m.actor_id == bailleur.id])
    one(app.root, "kit-actor-choice").value = bailleur.id
    assert one(app.root, "kit-actor-edit-contact").value == bailleur.contact
    one(app.root, "kit-actor-edit-name").value = "Habitat Rivebelle"
    one(app.root, "kit-actor-edit-person").value = "Chargée de proximité"
    one(app.root, "kit-actor-edit-role").value = "Porte la rénovation thermique"
    one(app.root, "kit-actor-edit-kind").value = "Association"
    one(app.root, "kit-save-actor").click()
    assert "Acteur enregistré" in one(app.root, "kit-actor-edit-note").value
    after = store.load(ws.id)
    saved = next(a for a in after.actors if a.id == bailleur.id)
    assert (saved.name, saved.person, saved.role, saved.kind, saved.contact) == (
        "Habitat Rivebelle", "Chargée de proximité", "Porte la rénovation thermique", "Association", bailleur.contact)
    assert (len([r for r in after.relations if bailleur.id in (r.source, r.target)]),
            [m.role for m in after.project_group if m.actor_id == bailleur.id]) == links
    assert ("Habitat Rivebelle", bailleur.id) in one(app.root, "kit-relation-source").options  # renamed everywhere
    # A name another actor bears is refused.
    one(app.root, "kit-actor-edit-name").value = ws.actors[0].name.upper()
    one(app.root, "kit-save-actor").click()
    assert "s'appelle déjà" in one(app.root, "kit-actor-edit-note").value


def test_an_actor_of_a_kind_outside_the_reference_list_can_be_edited(store):
    ws = store.create("CA du Grand Dax")
    store.update(ws.id, lambda w: w.actors.append(Actor(name="Ferme urbaine", kind="Tiers-lieu agricole")))
    app = opened(store, ws.id)
    actor = store.load(ws.id).actors[0]
    one(app.root, "kit-actor-choice").value = actor.id
    assert one(app.root, "kit-actor-edit-kind").value == "Tiers-lieu agricole"


def test_a_body_is_edited_in_place(store):
    from datetime import date, time

    ws = create_demo(store)
    app = opened(store, ws.id)
    copil = next(b for b in ws.bodies if b.kind == "comité de pilotage")
    one(app.root, "kit-body-choice").value = copil.id
    assert one(app.root, "kit-body-edit-name").value == copil.name
    assert one(app.root, "kit-body-edit-members").value == tuple(copil.member_ids)
    one(app.root, "kit-body-edit-name").value = "Copil des Tilleuls"
    one(app.root, "kit-body-edit-kind").value = "comité technique"
    one(app.root, "kit-body-edit-members").value = (ws.actors[5].id,)
    one(app.root, "kit-body-edit-rhythm").value = "mensuel"
    one(app.root, "kit-body-first-edit").value = date(2027, 5, 3)
    one(app.root, "kit-body-time-edit").value = "18h"
    one(app.root, "kit-save-body").click()
    assert "Instance enregistrée" in one(app.root, "kit-body-edit-note").value
    saved = next(b for b in store.load(ws.id).bodies if b.id == copil.id)
    assert (saved.name, saved.kind, saved.member_ids, saved.rhythm, saved.first_meeting, saved.meeting_time) == (
        "Copil des Tilleuls", "comité technique", [ws.actors[5].id], "mensuel", date(2027, 5, 3), time(18, 0))
    assert ("Copil des Tilleuls", copil.id) in one(app.root, "kit-body-reports").options
    one(app.root, "kit-body-edit-reports").value = copil.id
    one(app.root, "kit-save-body").click()
    assert "ne rend pas compte à elle-même" in one(app.root, "kit-body-edit-note").value
    other = next(b for b in ws.bodies if b.id != copil.id)
    one(app.root, "kit-body-choice").value = other.id
    one(app.root, "kit-body-edit-name").value = "copil des tilleuls"
    one(app.root, "kit-save-body").click()
    assert "s'appelle déjà" in one(app.root, "kit-body-edit-note").value


# -- removing an actor that is cited asks first ------------------------------------------------------

def test_what_cites_an_actor_in_french(store):
    ws = create_demo(store)
    tech_pv = ws.actors[1]
    found = edits.actor_references(ws, tech_pv.id)
    assert found[0].startswith("4 relations du réseau (avec « Vice-président politique de la ville »")
    assert "le groupe projet (technicien politique de la ville)" in found
    assert any(f.startswith("l'instance « ") and f.endswith(("(membre)", "(pilote)", "(pilote et membre)"))
               for f in found)
    lonely = Actor(name="Seul")
    ws.actors.append(lonely)
    assert edits.actor_references(ws, lonely.id) == []
    ws.actor_influences.append(ActorInfluence(source=lonely.id, target=tech_pv.id, value=2))
    ws.actions.append(Action(title="Fresque du climat", lead_id=lonely.id, partner_ids=[lonely.id]))
    assert edits.actor_references(ws, lonely.id) == ["la fiche action « Fresque du climat » (pilote et partenaire)",
                                                     "MACTOR (1 influence entre acteurs)"]


def test_removing_a_cited_actor_asks_first_and_says_what_cites_it(store):
    ws = create_demo(store)
    app = opened(store, ws.id)
    tech_pv = ws.actors[1]
    one(app.root, "kit-actor-choice").value = tech_pv.id
    one(app.root, "kit-remove-actor").click()
    question = one(app.root, "kit-actor-delete-question").value
    assert "Supprimer « Cheffe de projet politique de la ville » ?" in question
    assert "4 relations du réseau" in question and "le groupe projet" in question
    assert tech_pv.id in {a.id for a in store.load(ws.id).actors}
    one(app.root, "kit-actor-delete-cancel").click()
    assert "rien n'a changé" in one(app.root, "kit-actor-edit-note").value
    assert tech_pv.id in {a.id for a in store.load(ws.id).actors}
    one(app.root, "kit-actor-delete-confirm").click()  # no question open any more: nothing removed
    assert tech_pv.id in {a.id for a in store.load(ws.id).actors}
    one(app.root, "kit-remove-actor").click()
    one(app.root, "kit-actor-delete-confirm").click()
    assert tech_pv.id not in {a.id for a in store.load(ws.id).actors}
    assert "supprimé" in one(app.root, "kit-actor-edit-note").value
    assert one(app.root, "kit-actor-choice").value == "" and one(app.root, "kit-actor-edit-name").value == ""


def test_an_actor_nothing_cites_is_removed_at_once(empty, store):
    app = empty
    add_actor(app, "Régie de quartier", "Association")
    one(app.root, "kit-remove-actor").click()
    assert store.load(app.ws_id).actors == []
    assert "supprimé" in one(app.root, "kit-actor-edit-note").value


def test_two_people_editing_one_actor_lose_nothing(store):
    ws = create_demo(store)
    first, second = opened(store, ws.id), opened(store, ws.id)  # two tabs, two kernels, one workspace
    actor = ws.actors[4]
    for app in (first, second):
        one(app.root, "kit-actor-choice").value = actor.id
    one(first.root, "kit-actor-edit-person").value = "Mme Durand"
    one(first.root, "kit-save-actor").click()
    one(second.root, "kit-actor-edit-role").value = "Rénove les logements"
    one(second.root, "kit-save-actor").click()
    saved = next(a for a in store.load(ws.id).actors if a.id == actor.id)
    assert (saved.person, saved.role, saved.name) == ("Mme Durand", "Rénove les logements", actor.name)
    one(first.root, "kit-actor-edit-contact").value = "a@bailleur.example"
    one(first.root, "kit-save-actor").click()
    one(second.root, "kit-actor-edit-contact").value = "b@bailleur.example"
    one(second.root, "kit-save-actor").click()
    said = one(second.root, "kit-actor-edit-note").value
    assert "« contact »" in said and "« a@bailleur.example »" in said


def test_an_actor_cited_somewhere_else_meanwhile_is_asked_about_again(store):
    ws = create_demo(store)
    app = opened(store, ws.id)
    centre = ws.actors[6]
    one(app.root, "kit-actor-choice").value = centre.id
    one(app.root, "kit-remove-actor").click()
    assert "fiche action « Semaine des économies d'énergie »" not in one(app.root, "kit-actor-delete-question").value
    store.update(ws.id, lambda other: other.actions.append(Action(title="Semaine des économies d'énergie",
                                                                  lead_id=centre.id)))  # another tab
    one(app.root, "kit-actor-delete-confirm").click()
    assert "Entre-temps" in one(app.root, "kit-actor-edit-note").value
    assert "fiche action « Semaine des économies d'énergie » (pilote)" in one(app.root, "kit-actor-delete-question").value
    assert centre.id in {a.id for a in store.load(ws.id).actors}
    one(app.root, "kit-actor-delete-confirm").click()
    assert centre.id not in {a.id for a in store.load(ws.id).actors}


def test_a_body_whose_member_was_removed_meanwhile_is_refused_in_words(store):
    ws = create_demo(store)
    app = opened(store, ws.id)
    one(app.root, "kit-body-name").value = "Atelier des habitants"
    one(app.root, "kit-body-members").value = (ws.actors[6].id,)
    store.update(ws.id, lambda other: edits.remove_actor(other, ws.actors[6].id))  # another tab
    one(app.root, "kit-add-body").click()
    assert "Un acteur choisi n'existe plus" in one(app.root, "kit-body-note").value
    assert "Atelier des habitants" not in {b.name for b in store.load(ws.id).bodies}


def test_removing_an_objective_cited_by_fiches_asks_first_then_unlinks_them(store):
    ws = create_demo(store)
    app = opened(store, ws.id)
    chaleur = ws.objectives[0]
    found = edits.objective_references(ws, chaleur.id)
    assert found[0].startswith("1 objectif opérationnel rattaché (« Ombrager les espaces publics")
    assert any(f.startswith("la fiche action « ") for f in found)
    one(app.root, "kit-objective-choice").value = chaleur.id
    one(app.root, "kit-remove-objective").click()
    assert "Retirer « Adapter les quartiers à la chaleur » ?" in one(app.root, "kit-objective-delete-question").value
    assert chaleur.id in {o.id for o in store.load(ws.id).objectives}
    one(app.root, "kit-objective-delete-cancel").click()
    assert chaleur.id in {o.id for o in store.load(ws.id).objectives}
    one(app.root, "kit-remove-objective").click()
    one(app.root, "kit-objective-delete-confirm").click()
    after = store.load(ws.id)
    assert {o.title for o in after.objectives} == {"Réduire la précarité énergétique",
                                                   "Engager la rénovation thermique avec le bailleur"}
    assert all(i in {o.id for o in after.objectives} for a in after.actions for i in a.objective_ids)
    assert "retiré" in one(app.root, "kit-objective-note").value
    assert one(app.root, "kit-objective-choice").value == ""


def test_an_objective_nothing_cites_is_removed_at_once(empty, store):
    app = empty
    one(app.root, "kit-objective-title").value = "Mieux isoler"
    one(app.root, "kit-add-objective").click()
    one(app.root, "kit-remove-objective").click()
    assert store.load(app.ws_id).objectives == []


def test_mactor_runs_on_the_key_actors_and_objectives_chosen(store):
    from kit.demo import create_demo
    from kit.sessions import project

    ws = create_demo(store)
    app = ProjectApp(store, ws.id)
    key = [a.id for a in ws.actors[:3]]
    one(app.root, "kit-mactor-actors").value = tuple(key)
    one(app.root, "kit-mactor-objectives").value = (ws.objectives[0].id,)
    one(app.root, "kit-mactor-keep").click()
    saved = store.load(ws.id)
    assert saved.mactor_actor_ids == key and saved.mactor_objective_ids == [ws.objectives[0].id]
    assert [r["id"] for r in one(app.root, "kit-mid-grid").rows] == key
    assert [c["id"] for c in one(app.root, "kit-mao-grid").columns] == [ws.objectives[0].id]
    assert f"3 acteurs clés sur {len(ws.actors)}" in one(app.root, "kit-mactor-scope").value
    mid, mao = project.mactor_matrices(saved)
    assert len(mid) == 3 and list(mao.columns) == [ws.objectives[0].title]
    # One actor alone is refused; removing a key actor takes it out of the selection.
    one(app.root, "kit-mactor-actors").value = (key[0],)
    one(app.root, "kit-mactor-keep").click()
    assert "au moins deux acteurs" in one(app.root, "kit-mactor-keep-note").value
    assert store.load(ws.id).mactor_actor_ids == key
    store.update(ws.id, lambda w: __import__("kit.edits", fromlist=["x"]).remove_actor(w, key[0]))
    assert store.load(ws.id).mactor_actor_ids == key[1:]


def test_an_actor_keeps_its_number_on_every_chart_whatever_mactor_works_on(store):
    from kit.demo import create_demo

    ws = create_demo(store)
    codes = project.actor_codes(ws)
    assert list(codes.values())[:3] == ["A1", "A2", "A3"]
    ws = store.update(ws.id, lambda w: setattr(w, "mactor_actor_ids", [a.id for a in w.actors[2:]]))
    result = project.actor_strategies(ws)
    assert result is not None and project.labels(ws.actors)[ws.actors[2].id] in result.actors.index
    figure = __import__("kit.charts", fromlist=["x"]).actor_plane(result.actors, result.cuts, codes=project.actor_codes(ws))
    legend = " ".join(a.text for a in figure.layout.annotations)
    # MACTOR works on actors 3 to 7: the 4th of the workspace is A4 on its plane (it would be A2 in MACTOR's order).
    assert f"A4 {ws.actors[3].name}" in legend and "A1 " not in legend and "A2 " not in legend


def test_a_block_pasted_into_the_mactor_grids_is_saved_whole_or_refused_by_cell(store):
    from kit.demo import create_demo

    ws = create_demo(store)
    app = ProjectApp(store, ws.id)
    mid, mao = one(app.root, "kit-mid-grid"), one(app.root, "kit-mao-grid")
    first, second, third = (a.id for a in ws.actors[:3])
    mid.apply_paste(first, second, [["3", "1"], ["", "2"]])  # from A1→A2: A1→A2 3, A1→A3 1; A2→A3 2 (A2→A2 skipped)
    saved = {(c.source, c.target): c.value for c in store.load(ws.id).actor_influences}
    assert saved[(first, second)] == 3 and saved[(first, third)] == 1 and saved[(second, third)] == 2
    before = store.load(ws.id).revision
    objective = ws.objectives[0].id
    mao.apply_paste(first, objective, [["+2"], ["9"], ["-1"]])
    assert store.load(ws.id).revision == before, "a block with a refused cell saves nothing"
    assert f"{second}|{objective}" in mao.errors and "de -4 à +4" in mao.errors[f"{second}|{objective}"]
    mao.apply_paste(first, objective, [["+2"], ["4"], ["-1"]])
    positions = {(c.actor_id, c.objective_id): c.value for c in store.load(ws.id).actor_positions}
    assert [positions[(a, objective)] for a in (first, second, third)] == [2, 4, -1]
    assert mao.errors == {} and mao.values[f"{second}|{objective}"] == "+4"


def test_the_edit_forms_are_built_on_demand_and_open_on_what_was_just_added(store):
    from tests.unit.test_home_app import find

    ws = create_demo(store)
    app = opened(store, ws.id, panels=False)
    # Not sent with the page: only their « Modifier … » button is.
    assert not find(app.root, "kit-actor-choice") and not find(app.root, "kit-body-choice")
    add_actor(app, "Régie de quartier", "Association")
    [new] = [a for a in store.load(ws.id).actors if a.name == "Régie de quartier"]
    # Adding opens the actor form on the actor just added, ready to complete.
    assert one(app.root, "kit-actor-choice").value == new.id
    assert one(app.root, "kit-actor-edit-name").value == "Régie de quartier"
    one(app.root, "kit-body-name").value = "Comité des habitants"
    one(app.root, "kit-add-body").click()
    [body] = [b for b in store.load(ws.id).bodies if b.name == "Comité des habitants"]
    assert one(app.root, "kit-body-choice").value == body.id
    assert one(app.root, "kit-body-edit-name").value == "Comité des habitants"
    # The body form offers the actor added before it (a link from B to A in one sitting).
    one(app.root, "kit-body-edit-members").value = (new.id,)
    one(app.root, "kit-save-body").click()
    assert [b.member_ids for b in store.load(ws.id).bodies if b.id == body.id] == [[new.id]]
    # Built once: its button is gone, one form shows.
    assert not find(app.root, "kit-lazy-actor-edit-open") and len(find(app.root, "kit-actor-choice")) == 1

