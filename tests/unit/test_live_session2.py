"""Session 2's live activities: « Avec qui travaillez-vous ? » (relations proposed by the room, moderated into the
actor network) and « Positions des acteurs (MACTOR) » (each actor's positions, reported into 2MAO without
overwriting the facilitator's cells); their pages and endpoints on the participant server; their reviews in
the session-2 app's « Atelier en direct » tab."""

from __future__ import annotations

import json
import re
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
import tornado.testing

from kit.apps.live_panel import LivePanel, Ticker
from kit.apps.live_session2 import SESSION_2
from kit.errors import KitError
from kit.live import activities, room, server
from kit.live.activities import positions, relations
from kit.model import Actor, ActorPosition, Objective, Relation
from kit.store import Store
from tests.unit.test_home_app import find, one
from tests.unit.tornado_loop import OutsidePlaywrightLoop

P1, P2, P3 = "p-1111111111111111", "p-2222222222222222", "p-3333333333333333"
NASTY = '</script><script>alert(1)</script><img src=x onerror=alert(2)>'


def fill(w):
    w.actors = [Actor(id="act-a", name="Centre social"), Actor(id="act-b", name="Bailleur"),
                Actor(id="act-c", name=f"Conseil citoyen {NASTY}")]
    w.objectives = [Objective(id="obj-1", title="Rénover les logements"),
                    Objective(id="obj-2", title="Des cours d'école à l'ombre")]


@pytest.fixture
def ws(store):
    return store.update(store.create("Rivebelle").id, fill)


def relate(store, ws, rid="r-0000000000000001", participant=P1, actor="act-a", other="act-b", kind="coopération",
           intensity=3, pseudonym="Karim", **more):
    return relations.propose(store, store.load(ws.id), participant=participant, pseudonym=pseudonym,
                             proposal_id=rid, actor=actor, other=other, kind=kind, intensity=intensity, **more)


def position(store, ws, values, participant=P1, pseudonym="Karim", actor="act-a", sequence=1):
    return room.answer(store, ws.id, "positions", participant=participant, pseudonym=pseudonym, sequence=sequence,
                       value={"actor": actor, "positions": values}, check=positions.checker(store.load(ws.id)))


def tick(root):
    """The message the panel's hidden ticker sends each second while the page is shown."""
    stack = [root]
    while stack:
        widget = stack.pop()
        if isinstance(widget, Ticker):
            widget._handle_custom_msg({"kind": "tick"}, [])
        stack.extend(getattr(widget, "children", ()))


def guard(callback, near=None):
    return callback  # the app's guard; here a refusal raises in the test


# -- relations: what the room sends --------------------------------------------------------------------------


def test_a_relation_is_kept_once_and_refused_in_french(store, ws):
    with pytest.raises(KitError, match="« Avec qui travaillez-vous \\? » est fermée"):
        relate(store, ws)
    room.open_activity(store, ws.id, "relations")
    first, again = relate(store, ws)
    assert not again and (first.source, first.target, first.kind, first.intensity) == ("act-a", "act-b", "coopération", 3)
    second, again = relate(store, ws)  # a double tap, a resend after a lost answer
    assert again and second == first
    with pytest.raises(KitError, match="autre téléphone"):
        relate(store, ws, participant=P2)
    with pytest.raises(KitError, match="deux acteurs différents"):
        relate(store, ws, rid="r-0000000000000002", other="act-a")
    with pytest.raises(KitError, match="pas \\(ou plus\\) dans la liste"):
        relate(store, ws, rid="r-0000000000000002", other="act-inconnu")
    with pytest.raises(KitError, match="type de relation"):
        relate(store, ws, rid="r-0000000000000002", kind="amitié")
    for wrong in (0, 4, "2", True):
        with pytest.raises(KitError, match="intensité"):
            relate(store, ws, rid="r-0000000000000002", intensity=wrong)
    with pytest.raises(KitError, match="identifiant"):
        relate(store, ws, rid="../../etc")
    assert [p.id for p in relations.pending(room.read(store, ws.id))] == [first.id]
    room.close_activity(store, ws.id, "relations")
    with pytest.raises(KitError, match="fermée"):
        relate(store, ws, rid="r-0000000000000003")


def test_a_directed_kind_can_point_to_the_participant_s_actor(store, ws):
    room.open_activity(store, ws.id, "relations")
    funded, _ = relate(store, ws, kind="financement", reverse=True)  # the bailleur finances my centre social
    assert (funded.actor, funded.source, funded.target) == ("act-a", "act-b", "act-a")
    both, _ = relate(store, ws, rid="r-0000000000000002", kind="coopération", reverse=True)
    assert (both.source, both.target) == ("act-a", "act-b"), "no direction for a coopération"
    assert relations.describe(funded, {"act-a": "Centre social", "act-b": "Bailleur"}) == \
        "Bailleur → Centre social (financement, forte)"


def test_the_limits_per_participant(store, ws):
    room.open_activity(store, ws.id, "relations")
    moment = room.now_utc()
    for i in range(room.PER_MINUTE):
        relate(store, ws, rid=f"r-{i:016d}", now=moment)
    with pytest.raises(room.RateLimited, match="attendez"):
        relate(store, ws, rid="r-9999999999999999", now=moment)
    for i in range(room.PER_MINUTE, room.MAX_PER_PARTICIPANT):
        relate(store, ws, rid=f"r-{i:016d}", now=moment + timedelta(minutes=i))
    with pytest.raises(KitError, match=f"{room.MAX_PER_PARTICIPANT} relations"):
        relate(store, ws, rid="r-9999999999999999", now=moment + timedelta(hours=2))
    relate(store, ws, rid="r-9999999999999999", participant=P2)  # the others are not held back


def test_accepting_adds_the_relation_once_and_setting_aside_adds_nothing(store, ws):
    room.open_activity(store, ws.id, "relations")
    first, _ = relate(store, ws)
    same, _ = relate(store, ws, rid="r-0000000000000002", participant=P2, actor="act-b", other="act-a", intensity=1)
    other, _ = relate(store, ws, rid="r-0000000000000003", kind="décision")
    workspace, added = relations.accept(store, ws.id, first.id)
    assert added and [(r.source, r.target, r.kind, r.intensity) for r in workspace.relations] == [
        ("act-a", "act-b", "coopération", 3)]
    workspace, added = relations.accept(store, ws.id, same.id)  # B with A, a coopération: the same one
    assert not added and len(workspace.relations) == 1 and workspace.relations[0].intensity == 3
    with pytest.raises(KitError, match="déjà été traitée"):
        relations.accept(store, ws.id, first.id)
    relations.set_aside(store, ws.id, other.id)
    assert len(store.load(ws.id).relations) == 1
    assert {p.id: p.status for p in relations.proposals(room.read(store, ws.id))} == {
        first.id: "accepted", same.id: "accepted", other.id: "set_aside"}
    assert relations.pending(room.read(store, ws.id)) == []


def test_a_relation_the_facilitator_drew_already_is_not_added_twice(store, ws):
    store.update(ws.id, lambda w: w.relations.append(Relation(source="act-b", target="act-c", kind="financement")))
    room.open_activity(store, ws.id, "relations")
    opposite, _ = relate(store, ws, actor="act-c", other="act-b", kind="financement")  # C finances B: another one
    again, _ = relate(store, ws, rid="r-0000000000000002", actor="act-c", other="act-b", kind="financement",
                      reverse=True)
    assert relations.accept(store, ws.id, opposite.id)[1] is True
    assert relations.accept(store, ws.id, again.id)[1] is False
    assert len(store.load(ws.id).relations) == 2


def test_an_actor_removed_meanwhile_is_said(store, ws):
    room.open_activity(store, ws.id, "relations")
    proposal, _ = relate(store, ws)
    store.update(ws.id, lambda w: setattr(w, "actors", [a for a in w.actors if a.id != "act-b"]))
    with pytest.raises(KitError, match="supprimé entre-temps"):
        relations.accept(store, ws.id, proposal.id)
    assert relations.pending(room.read(store, ws.id))[0].id == proposal.id  # still to treat: set it aside
    relations.set_aside(store, ws.id, proposal.id)


def test_a_participant_s_relations_are_exported_and_erased(store, ws):
    room.open_activity(store, ws.id, "relations")
    room.open_activity(store, ws.id, "positions")
    relate(store, ws, pseudonym="Élodie")
    relate(store, ws, rid="r-0000000000000002", participant=P2, pseudonym="Sam")
    position(store, ws, {"obj-1": 2}, pseudonym="Élodie")
    exported = room.export_participant(store, ws.id, "elodie")
    assert [(r["source"], r["target"]) for r in exported["relations"]] == [("act-a", "act-b")]
    assert exported["reponses"]["positions"][0]["value"] == {"actor": "act-a", "positions": {"obj-1": 2}}
    assert room.erase_participant(store, ws.id, "ÉLODIE") == (1, 1)
    after = room.export_participant(store, ws.id, "Élodie")
    assert after["relations"] == [] and after["reponses"] == {"positions": []}
    assert [p.pseudonym for p in relations.proposals(room.read(store, ws.id))] == ["Sam"]


# -- positions: what the room sends and what the matrix gets --------------------------------------------------


def test_positions_are_checked_in_french(store, ws):
    with pytest.raises(KitError, match="fermée"):
        position(store, ws, {"obj-1": 2})
    room.open_activity(store, ws.id, "positions")
    assert position(store, ws, {"obj-1": 4, "obj-2": -4}) == {"actor": "act-a", "positions": {"obj-1": 4, "obj-2": -4}}
    for values, actor, said in (({"obj-1": 5}, "act-a", "va de −4"), ({"obj-1": -5}, "act-a", "va de −4"),
                                ({"obj-1": "2"}, "act-a", "va de −4"), ({"obj-1": True}, "act-a", "va de −4"),
                                ({"obj-9": 1}, "act-a", "objectifs n'est pas"), ({"obj-1": 1}, "act-z", "Cet acteur")):
        with pytest.raises(KitError, match=said):
            position(store, ws, values, actor=actor, sequence=2)
    store.update(ws.id, lambda w: setattr(w, "mactor_actor_ids", ["act-b", "act-c"]))  # the key actors only
    with pytest.raises(KitError, match="Cet acteur n'est pas \\(ou plus\\) étudié"):
        position(store, ws, {"obj-1": 1}, sequence=3)
    assert room.my_answer(room.read(store, ws.id), "positions", P1)["positions"] == {"obj-1": 4, "obj-2": -4}


def test_positions_reach_the_matrix_without_overwriting_the_facilitator(store, ws):
    store.update(ws.id, lambda w: w.actor_positions.append(ActorPosition(actor_id="act-a", objective_id="obj-2",
                                                                         value=3)))
    room.open_activity(store, ws.id, "positions")
    position(store, ws, {"obj-1": 2, "obj-2": -1})
    position(store, ws, {"obj-1": 2, "obj-2": -1}, participant=P2, pseudonym="Sam")  # a second representative
    position(store, ws, {"obj-1": 1, "obj-2": 0}, participant=P3, pseudonym="Léa", actor="act-b")

    def cells():
        return {(c.actor_id, c.objective_id): c.value for c in store.load(ws.id).actor_positions}

    done = positions.apply(store, ws.id)
    assert done.write == {("act-a", "obj-1"): 2, ("act-b", "obj-1"): 1}
    assert done.kept == [("act-a", "obj-2", 3, -1)]
    assert done.sentences(store.load(ws.id)) == ["« Centre social » / « Des cours d'école à l'ombre » : +3 dans la "
                                                 "matrice, −1 reçu de la salle"]
    assert cells() == {("act-a", "obj-2"): 3, ("act-a", "obj-1"): 2, ("act-b", "obj-1"): 1}
    revision = store.load(ws.id).revision
    assert positions.apply(store, ws.id).write == {} and store.load(ws.id).revision == revision, "nothing new: no save"

    position(store, ws, {"obj-1": 3, "obj-2": 0}, participant=P3, pseudonym="Léa", actor="act-b", sequence=2)
    assert positions.apply(store, ws.id).write == {("act-b", "obj-1"): 3}, "a cell the room wrote follows the room"
    store.update(ws.id, lambda w: [setattr(c, "value", -2) for c in w.actor_positions
                                   if (c.actor_id, c.objective_id) == ("act-b", "obj-1")])  # the facilitator's
    position(store, ws, {"obj-1": 4}, participant=P3, pseudonym="Léa", actor="act-b", sequence=3)
    assert positions.apply(store, ws.id).kept == [("act-a", "obj-2", 3, -1), ("act-b", "obj-1", -2, 4)]

    position(store, ws, {"obj-1": -3, "obj-2": -1}, participant=P2, pseudonym="Sam", sequence=2)  # they disagree now
    replaced = positions.apply(store, ws.id, replace=True)
    assert replaced.write == {("act-a", "obj-2"): -1, ("act-b", "obj-1"): 4}
    assert replaced.disagree == [("act-a", "obj-1", {"Karim": 2, "Sam": -3})]
    assert cells()[("act-a", "obj-1")] == 2, "left to the group"


# -- the participant server -------------------------------------------------------------------------------


class LiveTestCase(OutsidePlaywrightLoop, tornado.testing.AsyncHTTPTestCase):
    def get_app(self):
        self.folder = tempfile.TemporaryDirectory()
        self.store = Store(Path(self.folder.name) / "espaces")
        self.ws = self.store.update(self.store.create("Rivebelle").id, fill)
        self.code = room.open_activity(self.store, self.ws.id, "relations")
        self.positions_code = room.open_activity(self.store, self.ws.id, "positions")
        return server.make_app(self.store, [self.ws.id])

    def tearDown(self):
        super().tearDown()
        self.folder.cleanup()

    def post(self, code, body):
        return self.fetch(f"/{code}/envoi", method="POST", body=json.dumps(body).encode(),
                          headers={"Content-Type": "application/json"})

    def relate(self, rid="r-0000000000000001", **fields):
        return self.post(self.code, {"participant": P1, "pseudonym": "Karim", "id": rid, "actor": "act-a",
                                     "other": "act-b", "kind": "coopération", "intensity": 2, **fields})

    def state(self, code):
        return json.loads(self.fetch(f"/{code}/etat?participant={P1}").body)

    @staticmethod
    def data(text):
        return json.loads(re.search(r'<script type="application/json" id="kit-data">(.*?)</script>', text, re.S).group(1))


class TestRelationsServer(LiveTestCase):
    def test_the_page_offers_the_actors_the_kinds_and_the_intensities_escaped(self):
        response = self.fetch(f"/{self.code}")
        text = response.body.decode()
        assert response.code == 200 and len(response.body) < 50_000
        assert "Avec qui travaillez-vous ?" in text and ">Centre social</option>" in text and ">forte</option>" in text
        assert "financement (qui finance → qui reçoit)" in text and "Je fais partie de" in text
        assert NASTY not in text and "Conseil citoyen &lt;/script&gt;" in text
        assert text.count("<script") == 2 and f"<script>{activities.SCRIPTS['relations']}</script>" in text
        assert self.data(text)["actors"][2]["name"] == f"Conseil citoyen {NASTY}"  # shown with textContent

    def test_a_relation_reaches_the_side_file_once_and_its_fate_is_shown(self):
        response = self.relate()
        assert response.code == 200 and json.loads(response.body)["message"] == "Merci : votre relation est arrivée."
        assert json.loads(self.relate().body)["duplicate"] is True
        [kept] = relations.pending(room.read(self.store, self.ws.id))
        assert self.state(self.code)["proposals"] == {kept.id: "pending"}
        relations.accept(self.store, self.ws.id, kept.id)
        assert self.state(self.code)["proposals"] == {kept.id: "accepted"}

    def test_refusals_are_french_sentences(self):
        for fields, said in (({"other": "act-a"}, "deux acteurs différents"), ({"other": "act-z"}, "dans la liste"),
                             ({"intensity": 9}, "intensité"), ({"kind": "amitié"}, "type de relation")):
            response = self.relate(**fields)
            assert response.code == 400 and said in json.loads(response.body)["message"], fields
        room.close_activity(self.store, self.ws.id, "relations")
        response = self.relate()
        assert response.code == 403 and "est fermée" in json.loads(response.body)["message"]
        assert relations.pending(room.read(self.store, self.ws.id)) == []


class TestPositionsServer(LiveTestCase):
    def send(self, values, sequence=1, actor="act-a"):
        return self.post(self.positions_code, {"participant": P1, "pseudonym": "Karim", "sequence": sequence,
                                               "value": {"actor": actor, "positions": values}})

    def test_the_page_lists_the_mactor_objectives_and_the_scale(self):
        text = self.fetch(f"/{self.positions_code}").body.decode()
        assert "Positions des acteurs (MACTOR)" in text and "Des cours d'école à l'ombre" in text
        assert "−4 opposé : vital pour lui" in text and "0 neutre" in text and "Je réponds au nom de" in text
        assert len(text.encode()) < 50_000 and NASTY not in text
        assert self.data(text)["objectives"] == [{"id": "obj-1"}, {"id": "obj-2"}]

    def test_positions_are_kept_and_refused_in_french(self):
        response = self.send({"obj-1": 3, "obj-2": -2})
        assert response.code == 200 and json.loads(response.body)["answer"] == {
            "actor": "act-a", "positions": {"obj-1": 3, "obj-2": -2}}
        assert self.state(self.positions_code)["answer"]["positions"] == {"obj-1": 3, "obj-2": -2}
        refused = self.send({"obj-1": 7}, sequence=2)
        assert refused.code == 400 and "va de −4" in json.loads(refused.body)["message"]
        assert self.send({"obj-1": 1}, sequence=2, actor="act-z").code == 400
        room.close_activity(self.store, self.ws.id, "positions")
        assert self.send({"obj-1": 1}, sequence=3).code == 403


# -- the facilitator: the session-2 app and its reviews ------------------------------------------------------


def test_the_session_2_app_has_the_live_tab_and_a_relation_to_an_actor_just_added_is_kept(store, ws):
    from kit.apps.projet import ProjectApp

    app = ProjectApp(store, ws.id)
    app.draw_charts()  # the page is on screen: the network tab reads its network
    assert app.tabs.titles[-1] == "Atelier en direct"
    one(app.root, "kit-lazy-live-open").click()  # the panel opens
    assert "Aucune relation en attente" in one(app.root, "kit-live-relations").children[0].value
    assert "Aucune position reçue" in one(app.root, "kit-live-positions").value

    one(app.root, "kit-actor-name").value = "Régie de quartier"  # actor A, added in the app during the session
    one(app.root, "kit-add-actor").click()
    added = next(a for a in store.load(ws.id).actors if a.name == "Régie de quartier")
    room.open_activity(store, ws.id, "relations")
    relate(store, ws, actor=added.id, other="act-b", kind="information", intensity=2, pseudonym="Nadia")
    tick(app.root)  # what the page's ticker sends each second
    row = one(app.root, "kit-live-relation")
    assert "Régie de quartier → Bailleur (information, moyenne)" in row.children[0].value and "Nadia" in row.children[0].value
    one(row, "kit-live-relation-accept").click()
    [relation] = store.load(ws.id).relations
    assert (relation.source, relation.target, relation.kind, relation.intensity) == (added.id, "act-b", "information", 2)
    assert app.ws.relations == [relation], "the app was redrawn with the relation"
    assert "Régie de quartier" in one(app.root, "kit-network-metrics").value, "the network tab shows it"
    assert find(app.root, "kit-live-relation") == []
    assert "ajoutée au réseau d'acteurs" in one(app.root, "kit-live-note").value


def test_the_same_relation_twice_says_it_is_not_added_and_set_aside_keeps_it_out(store, ws):
    room.open_activity(store, ws.id, "relations")
    relate(store, ws)
    panel = LivePanel(store, ws.id, guard, lambda ws: None, SESSION_2)
    relate(store, ws, rid="r-0000000000000002", participant=P2, pseudonym="Sam", actor="act-b", other="act-a")
    relate(store, ws, rid="r-0000000000000003", participant=P2, pseudonym="Sam", other="act-c", kind="tension")
    panel.tick()

    def rows():
        return one(panel.widget, "kit-live-relations").children  # oldest first

    assert len(rows()) == 3 and "Conseil citoyen &lt;/script&gt;" in rows()[2].children[0].value, "text kept as text"
    one(rows()[0], "kit-live-relation-accept").click()
    assert "Bailleur → Centre social (coopération, forte)" in rows()[0].children[0].value
    one(rows()[0], "kit-live-relation-accept").click()
    assert "pas ajoutée deux fois" in panel.note.value
    one(rows()[0], "kit-live-relation-aside").click()
    assert "mise de côté" in panel.note.value
    assert [(r.source, r.target) for r in store.load(ws.id).relations] == [("act-a", "act-b")]


def test_positions_shown_side_by_side_and_reported_without_overwriting(store, ws):
    store.update(ws.id, lambda w: w.actor_positions.append(ActorPosition(actor_id="act-a", objective_id="obj-2",
                                                                         value=3)))
    room.open_activity(store, ws.id, "positions")
    position(store, ws, {"obj-1": 2, "obj-2": -1})
    position(store, ws, {"obj-1": -3, "obj-2": -1}, participant=P2, pseudonym="Sam")
    saved = []
    panel = LivePanel(store, ws.id, guard, saved.append, SESSION_2)
    table = one(panel.widget, "kit-live-positions").value
    assert "<h4>Centre social</h4>" in table and "<th>Karim</th><th>Sam</th>" in table
    assert "<td>Rénover les logements</td><td>0</td><td>+2</td><td>−3</td>" in table, "side by side"
    kept = one(panel.widget, "kit-live-positions-kept").value
    assert "+3 dans la matrice, −1 reçu de la salle" in kept and "ne sont pas d'accord (+2 pour Karim, −3 pour Sam)" in kept

    one(panel.widget, "kit-live-positions-apply").click()
    assert "Rien de nouveau" in panel.note.value and "+3 dans la matrice" in panel.note.value
    assert {(c.actor_id, c.objective_id): c.value for c in store.load(ws.id).actor_positions} == {("act-a", "obj-2"): 3}
    position(store, ws, {"obj-1": 2, "obj-2": -1}, participant=P2, pseudonym="Sam", sequence=2)  # they agree now
    panel.tick()
    one(panel.widget, "kit-live-positions-apply").click()
    assert "1 position reportée" in panel.note.value and saved
    assert {(c.actor_id, c.objective_id): c.value for c in store.load(ws.id).actor_positions} == {
        ("act-a", "obj-2"): 3, ("act-a", "obj-1"): 2}
    replace = one(panel.widget, "kit-live-positions-replace")
    assert not replace.disabled
    replace.click()
    assert {(c.actor_id, c.objective_id): c.value for c in store.load(ws.id).actor_positions} == {
        ("act-a", "obj-2"): -1, ("act-a", "obj-1"): 2}
    assert one(panel.widget, "kit-live-positions-replace").disabled


def test_the_scripts_keep_out_of_the_shared_script_s_names():
    # Each page's part runs in the shared script's function: a `var` of the same name would replace the shared
    # one (the « mes envois » list's key, the queue...).
    from kit.live import pages

    shared = set(re.findall(r"^  (?:var|function) (\w+)", pages.SCRIPT_HEAD, re.M))
    shared |= {n for line in re.findall(r"^  var (.*);$", pages.SCRIPT_HEAD, re.M) for n in re.findall(r"(\w+) =", line)}
    assert {"mineKey", "queueKey", "flush", "mine"} <= shared
    for module in (relations, positions):
        declared = set(re.findall(r"\b(?:var|function)\s+(\w+)", module.SCRIPT))
        declared |= {n for line in re.findall(r"var ([^;]*);", module.SCRIPT) for n in re.findall(r"(\w+) =", line)}
        assert not declared & shared, (module.NAME, declared & shared)
