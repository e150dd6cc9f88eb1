import pytest

from kit import edits
from kit.errors import KitError
from kit.model import IndicatorValue, LocalProject, Neighbourhood, Stake, Workspace, revalidate


@pytest.fixture
def ws():
    q1, q2 = Neighbourhood(name="Tilleuls"), Neighbourhood(name="Gare")
    a = Stake(title="Chaleur", neighbourhood_ids=[q1.id], votes=3, importance=5, statement="Été")
    b = Stake(title="Chaleur l'été", neighbourhood_ids=[q2.id], votes=2, importance=8, statement="Logements")
    c = Stake(title="Énergie")
    w = Workspace(id="abc", name="A", neighbourhoods=[q1, q2], stakes=[a, b, c],
                  local_projects=[LocalProject(name="PCAET", stake_ids=[a.id, b.id])],
                  indicator_values=[IndicatorValue(indicator="pauvrete", place=q1.id, value=40.0)])
    edits.set_influence(w, a.id, c.id, 1)
    edits.set_influence(w, b.id, c.id, 3)
    edits.set_influence(w, c.id, b.id, "p")
    edits.set_influence(w, a.id, b.id, 2)
    return w


def test_merge_unites_everything_and_keeps_links_whole(ws):
    a, b, c = ws.stakes
    edits.merge_stakes(ws, a.id, b.id)
    revalidate(ws)
    assert [s.title for s in ws.stakes] == ["Chaleur", "Énergie"]
    kept = ws.stakes[0]
    assert kept.votes == 5 and kept.importance == 8 and kept.statement == "Été\nLogements"
    assert len(kept.neighbourhood_ids) == 2
    cells = {(x.source, x.target): x.value for x in ws.influences}
    assert cells == {(a.id, c.id): 3, (c.id, a.id): "P"}  # the stronger influence wins, a->b vanishes
    assert ws.local_projects[0].stake_ids == [a.id]


def test_removals_cascade(ws):
    a, b, c = ws.stakes
    edits.remove_stake(ws, c.id)
    assert all(c.id not in (x.source, x.target) for x in ws.influences)
    edits.remove_neighbourhood(ws, ws.neighbourhoods[0].id)
    revalidate(ws)
    assert ws.indicator_values == [] and a.neighbourhood_ids == []


def test_influence_cells_are_checked(ws):
    a, b, c = ws.stakes
    with pytest.raises(KitError, match="diagonale"):
        edits.set_influence(ws, a.id, a.id, 2)
    with pytest.raises(KitError, match="0, 1, 2, 3 ou P"):
        edits.set_influence(ws, a.id, c.id, 5)
    edits.set_influence(ws, a.id, c.id, 0)
    assert (a.id, c.id) not in {(x.source, x.target) for x in ws.influences}


def test_duplicate_titles_and_moves(ws):
    with pytest.raises(KitError, match="fusionnez"):
        edits.add_stake(ws, Stake(title="chaleur"))
    c = ws.stakes[2]
    edits.move_stake(ws, c.id, -1)
    edits.move_stake(ws, c.id, -5)
    assert ws.stakes[0] is c


def test_removing_an_actor_clears_every_mention():
    from kit.model import Action, Actor, GovernanceBody, GroupMember, Objective, Relation

    a, b = Actor(name="Bailleur"), Actor(name="Centre social")
    goal = Objective(title="Rafraîchir les logements")
    w = Workspace(id="abc", name="A", actors=[a, b], objectives=[goal],
                  relations=[Relation(source=a.id, target=b.id)],
                  project_group=[GroupMember(actor_id=a.id, role="acteur clé")],
                  bodies=[GovernanceBody(name="COPIL", kind="comité de pilotage", lead_id=a.id, member_ids=[a.id, b.id])],
                  actions=[Action(title="Ombre", lead_id=a.id, partner_ids=[b.id])])
    edits.set_actor_influence(w, a.id, b.id, 3)
    edits.set_position(w, a.id, goal.id, "-2")
    with pytest.raises(KitError, match="0, 1, 2, 3 ou 4"):
        edits.set_actor_influence(w, a.id, b.id, 5)
    with pytest.raises(KitError, match="de -4 à \\+4"):
        edits.set_position(w, a.id, goal.id, "x")
    edits.remove_actor(w, a.id)
    revalidate(w)
    assert (w.relations, w.project_group, w.actor_influences, w.actor_positions) == ([], [], [], [])
    assert w.bodies[0].lead_id is None and w.bodies[0].member_ids == [b.id]
    assert w.actions[0].lead_id is None and w.actions[0].partner_ids == [b.id]


def test_removing_a_strategic_objective_removes_its_operational_ones():
    from kit.model import Objective

    top = Objective(title="Adapter le quartier à la chaleur")
    sub = Objective(title="Ombrager la cour d'école", level="opérationnel", parent_id=top.id)
    other = Objective(title="Réduire les factures")
    w = Workspace(id="abc", name="A", objectives=[top, sub, other])
    revalidate(w)
    edits.remove_objective(w, top.id)
    assert [o.title for o in w.objectives] == ["Réduire les factures"]
    with pytest.raises(KitError, match="Modification refusée"):
        revalidate(w.model_copy(update={"objectives": [sub]}))


def test_a_name_is_unique_as_people_read_it_accents_and_case_aside():
    from kit.model import Objective, Workspace

    ws = Workspace(id="abc", name="Test")
    ws.objectives.append(Objective(title="Réduire la précarité énergétique", level="stratégique"))
    with pytest.raises(KitError, match="existe déjà"):
        edits.require_unique(ws.objectives, "  reduire la PRECARITE energetique ", "L'objectif existe déjà.")
    # the objective being renamed may keep its own title; another title is free
    edits.require_unique(ws.objectives, "Réduire la précarité énergétique", "x", ignore_id=ws.objectives[0].id)
    edits.require_unique(ws.objectives, "Végétaliser les cours d'école", "x")


# -- forms: a save writes what the person changed, and asks about what someone else changed meanwhile --


def test_a_form_writes_only_what_the_person_changed(ws):
    stake = ws.stakes[2]
    loaded = {"what": "", "levers": "", "statement": ""}
    stake.what = "Des factures qui baissent"  # someone else's save, after this form was loaded
    written = edits.apply_form(stake, loaded, {"what": "", "levers": "Rénover", "statement": ""})
    assert written == ["levers"]
    assert (stake.what, stake.levers) == ("Des factures qui baissent", "Rénover")  # theirs kept, mine merged


def test_the_same_field_changed_by_two_people_is_refused_and_named(ws):
    stake = ws.stakes[2]
    stake.what = "Des factures qui baissent"
    with pytest.raises(edits.EditCollision) as refused:
        edits.apply_form(stake, {"what": "", "levers": ""}, {"what": "Moins de précarité", "levers": "Rénover"},
                         since=4)
    error = refused.value
    assert error.message.startswith("Quelqu'un a modifié « ce qui est en jeu » pendant que vous écriviez : "
                                    "sa version est « Des factures qui baissent ».")
    assert "enregistrez à nouveau pour garder la vôtre" in error.message
    assert error.theirs == {"what": "Des factures qui baissent"} and error.since == 4
    assert stake.levers == ""  # nothing is written when one field collides
    # Told, the person saves again from their value: theirs is now the starting point.
    assert edits.apply_form(stake, {"what": "Des factures qui baissent", "levers": ""},
                            {"what": "Moins de précarité", "levers": "Rénover"}) == ["what", "levers"]
    assert stake.what == "Moins de précarité"


def test_the_same_value_typed_twice_is_no_collision_and_ids_are_named(ws):
    stake, other = ws.stakes[2], ws.stakes[0]
    stake.what = "Rénover"
    assert edits.apply_form(stake, {"what": ""}, {"what": "Rénover "}) == []  # already saved so
    first, second = ws.neighbourhoods
    other.neighbourhood_ids = [second.id]
    other.importance = None
    with pytest.raises(edits.EditCollision) as refused:
        edits.apply_form(other, {"neighbourhood_ids": [first.id], "importance": 5},
                         {"neighbourhood_ids": [], "importance": 7}, ws=ws)
    error = refused.value
    assert "« quartiers » et « importance »" in error.message and "enregistrez à nouveau pour garder les vôtres" in error.message
    assert error.details == ["« quartiers » : « Gare »", "« importance » : vide"]


def test_a_refused_value_is_refused_in_french(ws):
    with pytest.raises(KitError, match="ne peut pas être vide"):
        edits.apply_form(ws.stakes[0], {"title": "Chaleur"}, {"title": "  "})
