"""« Prioriser les fiches action »: a participant's dots on the fiches (kept, replaced, refused in French), the
room's ranking and its rule into haute / moyenne / basse, applied by the facilitator through the session-3
app's « Atelier en direct » panel, and the participant server's handlers for it (tornado.testing)."""

from __future__ import annotations

import json
import re
import tempfile
from datetime import date
from pathlib import Path

import pytest
import tornado.testing

from kit.apps.action import ActionApp
from kit.apps.live_panel import LivePanel
from kit.apps.live_session3 import SESSION_3, PrioritiesReview
from kit.errors import KitError
from kit.live import activities, room, server
from kit.live.activities import priorites
from kit.model import Action
from kit.store import Store
from tests.unit.test_home_app import find, find_all, one, texts
from tests.unit.tornado_loop import OutsidePlaywrightLoop

P1, P2, P3 = "p-1111111111111111", "p-2222222222222222", "p-3333333333333333"
NASTY = '</script><script>alert(1)</script><img src=x onerror=alert(2)>'


def guard(callback, near=None):
    return callback  # the app's guard; here a refusal raises in the test


@pytest.fixture
def ws(store):
    def fill(w):
        w.actions = [Action(id=f"fa-{k}", title=f"Fiche {k.upper()}", priority="moyenne") for k in "abcdef"]

    ws = store.update(store.create("Rivebelle").id, fill)
    room.open_activity(store, ws.id, "priorites", dots=5)
    return ws


def give(store, ws_id, allocation, participant=P1, sequence=1):
    """What the participant server does with a phone's send (the same module, on the side file as it is)."""
    ctx = activities.Context(store, store.load(ws_id), room.read(store, ws_id), "priorites", "", ())
    return activities.send(ctx, {"participant": participant, "pseudonym": "Karim", "sequence": sequence,
                                 "votes": allocation})


def kept(store, ws_id):
    return room.answers(room.read(store, ws_id), "priorites")


def priorities(store, ws_id):
    return {a.id: a.priority for a in store.load(ws_id).actions}


# -- a participant's dots --------------------------------------------------------------------------------


def test_an_allocation_is_kept_then_replaced_whole(store, ws):
    answer = give(store, ws.id, {"fa-a": 3, "fa-b": 2, "fa-c": 0})
    assert answer["votes"] == {"fa-a": 3, "fa-b": 2} and "comptés" in answer["message"]
    assert give(store, ws.id, {"fa-c": 1}, sequence=2)["votes"] == {"fa-c": 1}
    assert kept(store, ws.id) == {P1: {"fa-c": 1}}, "the second send replaced the first, it did not add to it"
    assert give(store, ws.id, {"fa-a": 5}, sequence=1)["votes"] == {"fa-c": 1}, "an older send arriving late"
    give(store, ws.id, {"fa-a": 5}, participant=P2)
    assert kept(store, ws.id) == {P1: {"fa-c": 1}, P2: {"fa-a": 5}}


@pytest.mark.parametrize("allocation, said", [
    ({"fa-a": 4, "fa-b": 2}, "Vous avez 5 points en tout"),
    ({"fa-zz": 1}, "retirée entre-temps"),
    ({"fa-a": -1, "fa-b": 3}, "invalides"),
    ({"fa-a": "2"}, "invalides"),
    ({"fa-a": 1.5}, "invalides"),
    ({"fa-a": True}, "invalides"),
    (["fa-a"], "invalides"),
    (None, "invalides"),
])
def test_refusals_are_said_in_french_and_keep_what_was_there(store, ws, allocation, said):
    give(store, ws.id, {"fa-a": 1})
    with pytest.raises(KitError, match=said):
        give(store, ws.id, allocation, sequence=2)
    assert kept(store, ws.id) == {P1: {"fa-a": 1}}


def test_the_dots_are_those_the_activity_was_opened_with(store, ws):
    room.open_activity(store, ws.id, "priorites", dots=2)
    with pytest.raises(KitError, match="Vous avez 2 points"):
        give(store, ws.id, {"fa-a": 3})
    room.close_activity(store, ws.id, "priorites")
    with pytest.raises(KitError, match="« Prioriser les fiches action » est fermée"):
        give(store, ws.id, {"fa-a": 1})
    assert kept(store, ws.id) == {}


# -- the ranking and its rule -------------------------------------------------------------------------------


@pytest.mark.parametrize("count, expected", [
    (1, ["haute"]),
    (2, ["haute", "moyenne"]),
    (3, ["haute", "moyenne", "basse"]),
    (4, ["haute", "haute", "moyenne", "basse"]),
    (6, ["haute", "haute", "moyenne", "moyenne", "basse", "basse"]),
])
def test_the_rule_cuts_the_ranking_in_thirds(count, expected):
    assert [priorites.level(place, count) for place in range(count)] == expected


def test_the_ranking_totals_counts_and_ties(store, ws):
    give(store, ws.id, {"fa-b": 3, "fa-a": 2}, participant=P1)
    give(store, ws.id, {"fa-a": 1, "fa-c": 3, "fa-d": 1}, participant=P2)
    give(store, ws.id, {"fa-b": 1, "fa-e": 1}, participant=P3)
    ranked = priorites.ranking(room.read(store, ws.id), store.load(ws.id))
    # a: 3 (2 people), b: 4 (2), c: 3 (1), d: 1, e: 1, f: no dot
    assert [(r.id, r.dots, r.participants, r.place) for r in ranked] == [
        ("fa-b", 4, 2, 0), ("fa-a", 3, 2, 1), ("fa-c", 3, 1, 1), ("fa-d", 1, 1, 3), ("fa-e", 1, 1, 3)]
    # five fiches with dots: places 0 and 1 in the first third (3 x 1 < 5), tied a and c together; d and e
    # tied at place 3, in the second third (3 x 3 < 2 x 5), so none is « basse »
    assert priorites.levels(room.read(store, ws.id), store.load(ws.id)) == {
        "fa-b": "haute", "fa-a": "haute", "fa-c": "haute", "fa-d": "moyenne", "fa-e": "moyenne"}
    give(store, ws.id, {"fa-b": 1}, participant=P3, sequence=2)  # e loses its dot: d alone last
    assert priorites.levels(room.read(store, ws.id), store.load(ws.id))["fa-d"] == "basse"
    assert priorites.participants(room.read(store, ws.id)) == 3


def test_every_fiche_tied_gets_the_same_priority(store, ws):
    give(store, ws.id, {"fa-a": 2, "fa-b": 2, "fa-c": 1}, participant=P1)
    give(store, ws.id, {"fa-c": 1}, participant=P2)
    assert set(priorites.levels(room.read(store, ws.id), store.load(ws.id)).values()) == {"haute"}


def test_apply_writes_the_rule_and_leaves_fiches_without_dots_and_removed_fiches_alone(store, ws):
    with pytest.raises(KitError, match="Aucune fiche action n'a encore reçu de point"):
        priorites.apply(store, ws.id)
    store.update(ws.id, lambda w: setattr(w.actions[5], "priority", "basse"))  # fa-f, set by hand
    give(store, ws.id, {"fa-a": 3, "fa-b": 2}, participant=P1)
    give(store, ws.id, {"fa-c": 1, "fa-d": 4}, participant=P2)
    # removed meanwhile (after the phone sent): d's dots count no more, and the thirds are of a, b, c
    store.update(ws.id, lambda w: setattr(w, "actions", [a for a in w.actions if a.id != "fa-d"]))
    saved, changed = priorites.apply(store, ws.id)
    assert priorities(store, ws.id) == {"fa-a": "haute", "fa-b": "moyenne", "fa-c": "basse", "fa-e": "moyenne",
                                        "fa-f": "basse"}
    assert changed == 2 and saved.revision == store.load(ws.id).revision  # b was « moyenne » already
    assert priorites.apply(store, ws.id)[1] == 0


# -- the facilitator's panel in the session-3 app ---------------------------------------------------------


def opened(store, ws_id):
    app = ActionApp(store, ws_id)
    app.signal._handle_custom_msg({"kind": "rendered"}, [])
    return app


def live_panel(app):
    assert "Atelier en direct" in app.tabs.titles and app.tabs.titles[-1] == "Atelier en direct"
    one(app.root, "kit-lazy-live-open").click()
    return one(app.root, "kit-live-priorities").value, one(app.root, "kit-live-priorities-apply")


def test_the_session_3_app_has_the_tab_and_its_panel_opens_on_the_priorities(store, ws):
    app = opened(store, ws.id)
    assert find(app.root, "kit-live-priorities") == [], "built only when opened"
    shown, apply = live_panel(app)
    assert "Aucune fiche action n'a encore reçu de point" in shown and apply.disabled
    activity = one(app.root, "kit-live-activity")
    assert activity.value == "priorites" and activity.label == "Prioriser les fiches action"
    assert priorites.RULE in texts(app.root)


def test_a_fiche_created_then_prioritised_by_the_room_is_applied_from_the_app_in_one_sitting(store, ws):
    app = opened(store, ws.id)
    one(app.root, "kit-action-choice").value = ""
    one(app.root, "kit-action-title").value = f"Fiche {NASTY}"
    one(app.root, "kit-action-start").value = date(2027, 1, 10)
    one(app.root, "kit-action-end").value = date(2027, 3, 1)
    one(app.root, "kit-add-action").click()
    created = next(a for a in store.load(ws.id).actions if a.title == f"Fiche {NASTY}")
    assert one(app.root, "kit-action-choice").value == created.id and created.priority == "moyenne"
    _, apply = live_panel(app)
    give(store, ws.id, {created.id: 3, "fa-a": 1}, participant=P1)  # a phone, meanwhile
    give(store, ws.id, {created.id: 1, "fa-b": 1}, participant=P2)
    panel_tick(app)
    shown = one(app.root, "kit-live-priorities").value
    assert "2 participants ont donné des points" in shown
    assert NASTY not in shown and "Fiche &lt;/script&gt;&lt;script&gt;" in shown
    assert shown.index("Fiche &lt;/script&gt;") < shown.index("Fiche A") and "4 points" in shown
    assert "Sans point (priorité inchangée) : Fiche C" in shown
    assert not apply.disabled
    apply.click()
    assert priorities(store, ws.id)[created.id] == "haute" and priorities(store, ws.id)["fa-a"] == "moyenne"
    assert priorities(store, ws.id)["fa-c"] == "moyenne"
    assert one(app.root, "kit-action-priority").value == "haute", "the app redrew the fiche shown"
    assert "1 fiche changée" in one(app.root, "kit-live-note").value
    # The facilitator's own choice afterwards stays: closing the activity applies nothing.
    one(app.root, "kit-action-priority").value = "basse"
    one(app.root, "kit-save-action").click()
    one(app.root, "kit-live-activity").value = "priorites"
    one(app.root, "kit-live-close").click()
    assert priorities(store, ws.id)[created.id] == "basse"
    assert "rien n'est reporté tout seul" in one(app.root, "kit-live-note").value


def panel_tick(app):
    """What the page's ticker sends each second."""
    from kit.apps.live_panel import Ticker

    [ticker] = find_all(app.root, Ticker)
    ticker._handle_custom_msg({"kind": "tick"}, [])


def test_the_review_on_its_own_panel_redraws_the_app(store, ws):
    saved = []
    panel = LivePanel(store, ws.id, guard, saved.append, SESSION_3)
    [review] = panel.reviews
    assert isinstance(review, PrioritiesReview)
    give(store, ws.id, {"fa-e": 5})
    panel.tick()
    assert "Fiche E" in review.ranking.value and "5 points" in review.ranking.value
    review.apply.click()
    assert saved and saved[-1].actions[4].priority == "haute"
    assert priorities(store, ws.id)["fa-e"] == "haute"


# -- the participant server --------------------------------------------------------------------------------


class PrioritiesServer(OutsidePlaywrightLoop, tornado.testing.AsyncHTTPTestCase):
    def get_app(self):
        self.folder = tempfile.TemporaryDirectory()
        self.store = Store(Path(self.folder.name) / "espaces")

        def fill(w):
            w.actions = [Action(id="fa-a", title=NASTY), Action(id="fa-b", title="Jardin partagé")]

        self.ws = self.store.update(self.store.create("Rivebelle").id, fill)
        self.code = room.open_activity(self.store, self.ws.id, "priorites", dots=4)
        return server.make_app(self.store, [self.ws.id])

    def tearDown(self):
        super().tearDown()
        self.folder.cleanup()

    def send(self, votes, sequence=1, participant=P1):
        body = json.dumps({"participant": participant, "pseudonym": "Karim", "sequence": sequence, "votes": votes})
        response = self.fetch(f"/{self.code}/envoi", method="POST", body=body.encode(),
                              headers={"Content-Type": "application/json"})
        return response.code, json.loads(response.body)

    def test_the_page_offers_the_fiches_as_json_with_the_dots(self):
        response = self.fetch(f"/{self.code}")
        text = response.body.decode()
        assert response.code == 200 and len(response.body) < 50_000
        assert "Prioriser les fiches action" in text and "Vous avez 4 points" in text and "aux fiches action" in text
        assert NASTY not in text and text.count("<script") == 2
        data = json.loads(re.search(r'<script type="application/json" id="kit-data">(.*?)</script>', text, re.S).group(1))
        assert data["dots"] == 4 and data["mine"] == {} and data["none"]
        assert data["items"] == [{"id": "fa-a", "title": NASTY}, {"id": "fa-b", "title": "Jardin partagé"}]
        assert f"<script>{activities.SCRIPTS['priorites']}</script>" in text  # the hash the policy allows

    def test_dots_are_kept_per_participant_and_refused_past_the_limit(self):
        assert self.send({"fa-a": 3, "fa-b": 1}) == (200, {"ok": True, "votes": {"fa-a": 3, "fa-b": 1},
                                                           "message": "Merci : vos points sont comptés."})
        code, refused = self.send({"fa-a": 5}, sequence=2)
        assert code == 400 and "4 points" in refused["message"]
        code, refused = self.send({"fa-zz": 1}, sequence=3)
        assert code == 400 and "retirée" in refused["message"]
        state = json.loads(self.fetch(f"/{self.code}/etat?participant={P1}").body)
        assert state == {"ok": True, "open": True, "message": "", "dots": 4, "votes": {"fa-a": 3, "fa-b": 1}}
        assert json.loads(self.fetch(f"/{self.code}/etat").body)["votes"] == {}
        room.close_activity(self.store, self.ws.id, "priorites")
        code, closed = self.send({"fa-b": 1}, sequence=4)
        assert code == 403 and "fermée" in closed["message"]
        assert priorities(self.store, self.ws.id) == {"fa-a": "moyenne", "fa-b": "moyenne"}, "closing applies nothing"
