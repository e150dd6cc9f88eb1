"""« Noter les influences (MICMAC) »: the shares (every cell k times with the fewest participants, the same
share after a reload), the value and dispersion of each cell (P included, ties), the refusals, applying to
the matrix without overwriting the facilitator's cells, the participant server's handlers and the panel."""

from __future__ import annotations

import json
import math
import re
import tempfile
from collections import Counter
from pathlib import Path

import pytest
import tornado.testing

from kit import edits
from kit.apps.live_micmac import MicmacReview
from kit.apps.live_panel import LivePanel
from kit.apps.live_reviews import SESSION_1
from kit.errors import KitError
from kit.live import activities, room, server
from kit.live.activities import micmac
from kit.model import Stake
from kit.store import Store
from tests.unit.test_home_app import find, one
from tests.unit.tornado_loop import OutsidePlaywrightLoop

NASTY = '</script><script>alert(1)</script><img src=x onerror=alert(2)>'


def participant(n: int) -> str:
    return f"p-{n:016d}"


def stake_ids(n: int) -> list[str]:
    return [f"enj-{i:02d}" for i in range(n)]


# -- the cells and the shares ---------------------------------------------------------------------------------


def test_the_cells_are_the_ordered_pairs_off_the_diagonal():
    found = micmac.cells(stake_ids(14))
    assert len(found) == 14 * 13 == len(set(found))
    assert "enj-00|enj-01" in found and "enj-01|enj-00" in found and "enj-00|enj-00" not in found
    assert micmac.pair("enj-03|enj-07") == ("enj-03", "enj-07")


@pytest.mark.parametrize("stakes, share, k", [(14, 20, 3), (4, 5, 3), (6, 7, 2), (3, 6, 3)])
@pytest.mark.parametrize("scoring", ["each scores at once", "all arrive before scoring"])
def test_every_cell_gets_k_participants_with_the_fewest_participants(stakes, share, k, scoring):
    live = micmac.cells(stake_ids(stakes))
    side = room._empty("ws")
    fewest = math.ceil(k * len(live) / share)
    for n in range(fewest):
        mine = micmac._give(side, participant(n), live, share)
        assert len(mine) == len(set(mine)) == min(share, len(live)), "a participant never gets a cell twice"
        if scoring == "each scores at once":
            side["answers"].setdefault("micmac", {})[participant(n)] = {"value": {"scores": dict.fromkeys(mine, 2)}}
        given = Counter(c for s in side["assignments"]["micmac"].values() for c in s)
        if n < fewest - 1:
            assert min(given[c] for c in live) < k, "covered before the fewest participants possible?"
    assert all(given[c] >= k for c in live), f"{fewest} participants of {share} cells: every cell {k} times"
    assert max(given.values()) - min(given[c] for c in live) <= 1, "spread evenly"
    # Everything covered k times: a newcomer gets the least covered cells again.
    least = min(given[c] for c in live)
    newcomer = micmac._give(side, participant(999), live, share)
    assert all(given[c] == least for c in newcomer[:sum(1 for c in live if given[c] == least)])


def test_a_share_spreads_over_the_matrix_not_down_one_row():
    live = micmac.cells(stake_ids(14))
    side = room._empty("ws")
    mine = micmac._give(side, participant(1), live, 20)
    assert len({micmac.pair(c)[0] for c in mine}) >= 8, "three people scoring a whole row would weigh on its sum"


def test_cells_scored_less_go_first_and_abandoned_shares_are_given_again():
    live = micmac.cells(stake_ids(4))
    side = room._empty("ws")
    first = micmac._give(side, participant(1), live, 6)  # who then leaves without scoring
    second = micmac._give(side, participant(2), live, 6)
    assert set(first).isdisjoint(second)
    side["answers"]["micmac"] = {participant(2): {"value": {"scores": dict.fromkeys(second, 1)}}}
    third = micmac._give(side, participant(3), live, 6)
    assert set(third) == set(first), "the cells nobody scored yet come before the cells already scored"


def test_a_share_is_kept_in_the_side_file_and_shown_again_after_a_reload(store):
    ws = store.update(store.create("Rivebelle").id,
                      lambda w: setattr(w, "stakes", [Stake(id=i, title=i) for i in stake_ids(5)]))
    room.open_activity(store, ws.id, "micmac")
    micmac.configure(store, ws.id, share=4)
    live = micmac.live_cells(ws)
    first = micmac.share_of(store, ws.id, participant(1), live)
    assert len(first) == 4 and micmac.assigned(room.read(store, ws.id), participant(1)) == first
    assert micmac.share_of(store, ws.id, participant(1), live) == first, "a reload: the same share"
    assert set(micmac.share_of(store, ws.id, participant(2), live)).isdisjoint(first)
    others = [c for c in live if c not in first]
    again = micmac.share_of(store, ws.id, participant(1), others)  # every stake of the first share removed
    assert again[:4] == first and len(again) == 8 and set(again[4:]) <= set(others)


def test_settings_are_checked_and_kept(store):
    ws = store.create("Rivebelle")
    assert micmac.settings(room.read(store, ws.id)) == {"k": 3, "share": 20, "method": "median"}
    for wrong in ({"k": 0}, {"k": micmac.K_MAX + 1}, {"share": micmac.SHARE_MAX + 1}, {"share": "20"},
                  {"k": True}):
        with pytest.raises(KitError, match="va de 1 à"):
            micmac.configure(store, ws.id, **wrong)
    with pytest.raises(KitError, match="Agrégation inconnue"):
        micmac.configure(store, ws.id, method="max")
    assert micmac.configure(store, ws.id, k=2, share=8, method="mode") == {"k": 2, "share": 8, "method": "mode"}
    code = room.open_activity(store, ws.id, "micmac")  # opening keeps the settings
    assert micmac.settings(room.read(store, ws.id))["k"] == 2 and room.activity(room.read(store, ws.id), "micmac")["code"] == code


# -- a cell's value and dispersion -----------------------------------------------------------------------------


@pytest.mark.parametrize("scores, median, mean, mode", [
    ([2], 2, 2, 2),
    ([1, 2, 3], 2, 2, 1),  # three values once each: the lowest of the tied
    ([1, 3], 1, 2, 1),  # two middle values: the lower; the mean 2; a tie: the lowest
    ([0, 1, 1], 1, 1, 1),  # mean 0.67 rounded
    ([1, 2], 1, 2, 1),  # mean 1.5: a half upwards
    ([0, 0, 3, 3, 3], 3, 2, 3),
    (["P", "P", 3], "P", "P", "P"),  # more than half P: P
    (["P", "P", 2, 3], 2, 3, "P"),  # exactly half P is no majority: the numbers decide; P the most frequent
    (["P", "P", 3, 3], 3, 3, 3),  # mode: P loses a tie
    (["P", 3, 3], 3, 3, 3),
    (["P", 0, 3], 0, 2, 0),  # the P set aside: the median of 0 and 3 is 0
    (["P"], "P", "P", "P"),
    (["P", "P", 1, 1, 1], 1, 1, 1),
    (["P", "P", "P", 1, 1], "P", "P", "P"),
    ([], None, None, None),
])
def test_the_value_of_a_cell(scores, median, mean, mode):
    assert micmac.cell_value(scores, "median") == median
    assert micmac.cell_value(scores, "mean") == mean
    assert micmac.cell_value(scores, "mode") == mode


def test_the_dispersion_of_a_cell():
    live = micmac.cells(["a1", "b2", "c3"])
    answers = {participant(1): {"scores": {"a1|b2": 0, "b2|a1": 1, "a1|c3": "P", "c3|a1": "P"}},
               participant(2): {"scores": {"a1|b2": 3, "b2|a1": 2, "a1|c3": 2, "c3|a1": "P"}},
               participant(3): {"scores": {"a1|b2": 1, "b2|a1": 1, "gone|a1": 3}}}
    found = micmac.aggregate(answers, live)
    assert set(found) == set(live), "a removed stake's cell is not counted"
    assert (found["a1|b2"].scores, found["a1|b2"].spread, found["a1|b2"].disagrees) == ((0, 1, 3), 3, True)
    assert (found["b2|a1"].spread, found["b2|a1"].disagrees, found["b2|a1"].value) == (1, False, 1)
    assert (found["a1|c3"].scores, found["a1|c3"].potential, found["a1|c3"].disagrees) == ((2, "P"), 1, True)
    assert (found["c3|a1"].value, found["c3|a1"].spread, found["c3|a1"].disagrees) == ("P", None, False)
    assert found["b2|c3"].count == 0 and found["b2|c3"].value is None
    assert micmac.coverage_sentence(found, 3) == "2 / 6 cases avec au moins 3 notes"
    assert micmac.coverage_sentence(found, 2) == "4 / 6 cases avec au moins 2 notes"
    ranked = sorted(found.values(), key=lambda c: c.disagreement, reverse=True)
    assert (ranked[0].source, ranked[0].target) == ("a1", "b2")


# -- what a participant sends ---------------------------------------------------------------------------------


@pytest.fixture
def ws(store):
    def fill(w):
        w.stakes = [Stake(id="enj-a", title="Chaleur"), Stake(id="enj-b", title="Énergie"),
                    Stake(id="enj-c", title="Mobilité")]

    workspace = store.update(store.create("Rivebelle").id, fill)
    room.open_activity(store, workspace.id, "micmac")
    micmac.configure(store, workspace.id, share=6)
    return workspace


def scored(store, ws, who, scores, sequence=1, **more):
    live = micmac.live_cells(store.load(ws.id))
    return room.answer(store, ws.id, "micmac", participant=who, pseudonym=f"P{who[-2:]}", sequence=sequence,
                       value={"scores": micmac.checked_scores(scores)}, check=micmac.checker(live, **more))


def test_scores_outside_the_share_or_the_scale_are_refused(store, ws):
    live = micmac.live_cells(ws)
    micmac.configure(store, ws.id, share=2)
    mine = micmac.share_of(store, ws.id, participant(1), live)
    other = next(c for c in live if c not in mine)
    with pytest.raises(KitError, match="ne vous a pas été confiée"):
        scored(store, ws, participant(1), {mine[0]: 1, other: 2})
    with pytest.raises(KitError, match="ne vous a pas été confiée"):
        scored(store, ws, participant(2), {mine[0]: 1})  # no share yet
    for wrong in (5, -1, "2", True, None, 1.5, "X"):
        with pytest.raises(KitError, match="n'est pas une note possible : 0, 1, 2, 3 ou P"):
            scored(store, ws, participant(1), {mine[0]: wrong})
    with pytest.raises(KitError, match="invalides"):
        scored(store, ws, participant(1), [mine[0]])
    assert room.answers(room.read(store, ws.id), "micmac") == {}
    assert scored(store, ws, participant(1), {mine[0]: "p", mine[1]: 0}) == {"scores": {mine[0]: "P", mine[1]: 0}}


def test_a_whole_answer_replaces_the_one_before_and_a_late_one_is_ignored(store, ws):
    mine = micmac.share_of(store, ws.id, participant(1), micmac.live_cells(ws))
    scored(store, ws, participant(1), {mine[0]: 1, mine[1]: 2}, sequence=5)
    scored(store, ws, participant(1), {mine[0]: 3}, sequence=4)  # older, arriving late
    assert room.my_answer(room.read(store, ws.id), "micmac", participant(1)) == {"scores": {mine[0]: 1, mine[1]: 2}}
    scored(store, ws, participant(1), {mine[0]: 3}, sequence=6)
    assert room.my_answer(room.read(store, ws.id), "micmac", participant(1)) == {"scores": {mine[0]: 3}}


def test_a_stake_removed_meanwhile_drops_its_cells_without_a_crash(store, ws):
    mine = micmac.share_of(store, ws.id, participant(1), micmac.live_cells(ws))
    assert len(mine) == 6
    store.update(ws.id, lambda w: edits.remove_stake(w, "enj-c"))
    kept = scored(store, ws, participant(1), dict.fromkeys(mine, 2))
    assert set(kept["scores"]) == {"enj-a|enj-b", "enj-b|enj-a"} & set(mine)
    found = micmac.aggregate(room.answers(room.read(store, ws.id), "micmac"), micmac.live_cells(store.load(ws.id)))
    assert set(found) == {"enj-a|enj-b", "enj-b|enj-a"}


def test_more_cells_once_the_share_is_scored(store, ws):
    micmac.configure(store, ws.id, share=2)
    live = micmac.live_cells(ws)
    mine = micmac.share_of(store, ws.id, participant(1), live)
    given: list = []
    scored(store, ws, participant(1), {mine[0]: 1}, more=True, given=given)
    assert given == mine, "not all scored yet: no more"
    scored(store, ws, participant(1), dict.fromkeys(mine, 1), sequence=2, more=True, given=given)
    assert len(given) == 4 and given[:2] == mine
    scored(store, ws, participant(1), dict.fromkeys(mine, 1), sequence=3, more=True, given=given)
    assert len(given) == 4, "a resend of the same answer gives nothing more"


# -- applying to the matrix ------------------------------------------------------------------------------------


def room_scores(store, ws, by_participant):
    """Each participant scores the cells given (their share is made of exactly those, for the test)."""
    side_change = []
    for n, scores in by_participant.items():
        side_change.append((participant(n), list(scores)))

    def give(side):
        for who, cells in side_change:
            side.setdefault("assignments", {}).setdefault("micmac", {})[who] = cells

    room._edit(store, ws.id, give)
    for n, scores in by_participant.items():
        scored(store, ws, participant(n), scores)


def matrix(store, ws):
    return {micmac.key(c.source, c.target): c.value for c in store.load(ws.id).influences}


def test_applying_writes_cells_with_k_scores_and_never_over_the_facilitator_s(store, ws):
    micmac.configure(store, ws.id, k=2)
    store.update(ws.id, lambda w: (edits.rate_influence(w, "enj-a", "enj-b", 1),
                                   edits.rate_influence(w, "enj-a", "enj-c", 2)))
    room_scores(store, ws, {1: {"enj-a|enj-b": 3, "enj-b|enj-a": 0, "enj-a|enj-c": 2, "enj-c|enj-a": "P",
                                "enj-b|enj-c": 3},
                            2: {"enj-a|enj-b": 3, "enj-b|enj-a": 0, "enj-a|enj-c": 2, "enj-c|enj-a": "P"}})
    done = micmac.apply_scores(store, ws.id)
    assert done.write == {"enj-b|enj-a": 0, "enj-c|enj-a": "P"} and done.conflicts == {"enj-a|enj-b": (1, 3)}
    assert (done.same, done.too_few) == (1, 2)
    assert matrix(store, ws) == {"enj-a|enj-b": 1, "enj-a|enj-c": 2, "enj-b|enj-a": 0, "enj-c|enj-a": "P"}, \
        "the facilitator's 1 stays; a 0 from the room is a rated cell; one score is not enough"
    revision = store.load(ws.id).revision
    assert micmac.apply_scores(store, ws.id).write == {} and store.load(ws.id).revision == revision, "nothing to save"

    # More scores arrive: the room's own cells follow, the facilitator's still stay.
    room_scores(store, ws, {3: {"enj-b|enj-a": 2, "enj-a|enj-b": 3}, 4: {"enj-b|enj-a": 2}, 5: {"enj-b|enj-a": 2}})
    done = micmac.apply_scores(store, ws.id)
    assert done.write == {"enj-b|enj-a": 2} and done.conflicts == {"enj-a|enj-b": (1, 3)}
    # The facilitator changes a cell the room wrote: it is theirs now.
    store.update(ws.id, lambda w: edits.rate_influence(w, "enj-c", "enj-a", 1))
    assert micmac.apply_scores(store, ws.id).conflicts == {"enj-a|enj-b": (1, 3), "enj-c|enj-a": (1, "P")}
    replaced = micmac.apply_scores(store, ws.id, replace=True)
    assert replaced.write == {"enj-a|enj-b": 3, "enj-c|enj-a": "P"} and replaced.conflicts == {}
    assert matrix(store, ws) == {"enj-a|enj-b": 3, "enj-a|enj-c": 2, "enj-b|enj-a": 2, "enj-c|enj-a": "P"}


def test_the_aggregate_chosen_is_the_one_applied(store, ws):
    micmac.configure(store, ws.id, k=3, method="mean")
    room_scores(store, ws, {1: {"enj-a|enj-b": 0}, 2: {"enj-a|enj-b": 1}, 3: {"enj-a|enj-b": 3}})
    micmac.apply_scores(store, ws.id)
    assert matrix(store, ws) == {"enj-a|enj-b": 1}  # mean 1.33; the median would say 1 too
    micmac.configure(store, ws.id, method="mode")
    room_scores(store, ws, {4: {"enj-a|enj-b": 3}})
    micmac.apply_scores(store, ws.id)
    assert matrix(store, ws) == {"enj-a|enj-b": 3}, "0, 1, 3, 3: the most frequent, over the room's own cell"


# -- the participant server ------------------------------------------------------------------------------------


class MicmacServerCase(OutsidePlaywrightLoop, tornado.testing.AsyncHTTPTestCase):
    def get_app(self):
        self.folder = tempfile.TemporaryDirectory()
        self.store = Store(Path(self.folder.name) / "espaces")

        def fill(w):
            w.stakes = [Stake(id="enj-a", title=NASTY), Stake(id="enj-b", title="Énergie"),
                        Stake(id="enj-c", title="Mobilité")]

        self.ws = self.store.update(self.store.create("Rivebelle").id, fill)
        self.code = room.open_activity(self.store, self.ws.id, "micmac")
        micmac.configure(self.store, self.ws.id, share=4)
        return server.make_app(self.store, [self.ws.id])

    def tearDown(self):
        super().tearDown()
        self.folder.cleanup()

    def state(self, who=participant(1)):
        return json.loads(self.fetch(f"/{self.code}/etat?participant={who}").body)

    def send(self, scores, who=participant(1), sequence=1, **more):
        body = {"participant": who, "pseudonym": "Karim", "sequence": sequence, "scores": scores, **more}
        response = self.fetch(f"/{self.code}/envoi", method="POST", body=json.dumps(body),
                              headers={"Content-Type": "application/json"})
        return response.code, json.loads(response.body)

    def test_the_page_is_small_escaped_and_runs_its_own_script_only(self):
        response = self.fetch(f"/{self.code}")
        text = response.body.decode()
        assert response.code == 200 and len(response.body) < 50_000 and "Noter les influences" in text
        assert "<b>P</b> potentielle" in text and 'id="pseudo"' in text
        assert text.count("<script") == 2 and f"<script>{activities.SCRIPTS['micmac']}</script>" in text
        assert "innerHTML" not in activities.SCRIPTS["micmac"]
        assert micmac.assigned(room.read(self.store, self.ws.id), participant(1)) == [], "a page knows no participant"

    def test_the_state_gives_the_same_share_every_time_titles_as_text(self):
        first = self.state()
        assert first["open"] is True and len(first["share"]) == 4 and first["scores"] == {} and first["more"] is True
        assert self.state() == first, "a reload: the same share"
        assert {c["key"] for c in first["share"]} == set(micmac.assigned(room.read(self.store, self.ws.id),
                                                                         participant(1)))
        assert NASTY in {c["source"] for c in first["share"]} | {c["target"] for c in first["share"]}
        keys = [c["key"] for c in first["share"]]
        order = micmac.live_cells(self.ws)
        assert keys == sorted(keys, key=order.index), "shown row by row"
        other = self.state(participant(2))
        assert set(order) - set(keys) <= {c["key"] for c in other["share"]}, "the next one: the cells nobody has"
        assert self.state("")["share"] == [] and self.state("../x")["share"] == []

    def test_scores_arrive_refusals_are_french(self):
        keys = [c["key"] for c in self.state()["share"]]
        code, answer = self.send({keys[0]: 3, keys[1]: "P"})
        assert code == 200 and answer["scores"] == {keys[0]: 3, keys[1]: "P"}
        assert answer["message"] == "Merci : 2 notes sur 4 reçues."
        assert self.state()["scores"] == {keys[0]: 3, keys[1]: "P"}
        outside = next(k for k in micmac.live_cells(self.ws) if k not in keys)
        code, answer = self.send({outside: 1}, sequence=2)
        assert code == 400 and "ne vous a pas été confiée" in answer["message"]
        code, answer = self.send({keys[0]: 4}, sequence=3)
        assert code == 400 and answer["message"] == "« 4 » n'est pas une note possible : 0, 1, 2, 3 ou P."
        assert self.send({keys[0]: 1}, sequence="4")[0] == 400
        assert room.my_answer(room.read(self.store, self.ws.id), "micmac", participant(1))["scores"] == {
            keys[0]: 3, keys[1]: "P"}

    def test_more_pairs_once_all_are_scored(self):
        keys = [c["key"] for c in self.state()["share"]]
        code, answer = self.send(dict.fromkeys(keys, 1), more=True)
        assert code == 200 and len(answer["share"]) == 6 and answer["more"] is False, "3 stakes: 6 cells in all"
        assert len(self.state()["share"]) == 6

    def test_a_closed_activity_gives_no_share_and_refuses(self):
        room.close_activity(self.store, self.ws.id, "micmac")
        state = self.state()
        assert state["open"] is False and state["share"] == [] and "fermée" in state["message"]
        assert micmac.assigned(room.read(self.store, self.ws.id), participant(1)) == []
        code, answer = self.send({"enj-a|enj-b": 1})
        assert code == 403 and "« Noter les influences (MICMAC) » est fermée" in answer["message"]

    def test_a_removed_stake_is_left_out_of_the_share(self):
        self.state()
        self.store.update(self.ws.id, lambda w: edits.remove_stake(w, "enj-a"))
        shown = self.state()["share"]
        assert shown and all("enj-a" not in c["key"] for c in shown)
        code, _ = self.send({c["key"]: 2 for c in shown})
        assert code == 200


# -- the facilitator's panel -----------------------------------------------------------------------------------


def test_the_panel_shows_coverage_disagreements_and_applies_without_overwriting(store, ws):
    micmac.configure(store, ws.id, k=2)

    def change(w):
        w.stakes[0].title = "Chaleur <b>forte</b>"
        edits.rate_influence(w, "enj-b", "enj-a", 1)

    store.update(ws.id, change)
    saved = []
    panel = LivePanel(store, ws.id, lambda callback, near=None: callback, saved.append, SESSION_1)
    review = next(r for r in panel.reviews if isinstance(r, MicmacReview))
    assert "0 / 6 cases avec au moins 2 notes" in one(panel.widget, "kit-live-micmac-coverage").value
    room_scores(store, ws, {1: {"enj-a|enj-b": 0, "enj-b|enj-a": 3, "enj-a|enj-c": 2},
                            2: {"enj-a|enj-b": 3, "enj-b|enj-a": 3, "enj-a|enj-c": 2}})
    panel.tick()
    assert "2 participants" in review.coverage.value
    assert "3 / 6 cases avec au moins 2 notes" in review.coverage.value
    table = one(panel.widget, "kit-live-micmac-table").value
    assert "Chaleur &lt;b&gt;forte&lt;/b&gt; → Énergie" in table and "0, 3" in table and "<b>forte</b>" not in table
    assert "Mobilité" not in table, "2 and 2: no disagreement"
    conflicts = one(panel.widget, "kit-live-micmac-conflicts").value
    assert "Énergie → Chaleur &lt;b&gt;forte&lt;/b&gt; : 1 dans la matrice, 3 pour la salle" in conflicts

    one(panel.widget, "kit-live-micmac-apply").click()
    assert matrix(store, ws) == {"enj-a|enj-b": 0, "enj-a|enj-c": 2, "enj-b|enj-a": 1}, \
        "median of 0 and 3 is 0; the facilitator's 1 stays"
    assert saved and "2 cases reportées dans la matrice" in panel.note.value
    assert "1 case(s) notée(s) autrement" in panel.note.value
    one(panel.widget, "kit-live-micmac-replace").click()
    assert matrix(store, ws)["enj-b|enj-a"] == 3
    assert one(panel.widget, "kit-live-micmac-conflicts").value == ""
    assert one(panel.widget, "kit-live-micmac-replace").disabled

    one(panel.widget, "kit-live-micmac-method").value = "mean"
    assert micmac.settings(room.read(store, ws.id))["method"] == "mean"
    assert "(1 case)" in one(panel.widget, "kit-live-micmac-apply").description, "mean of 0 and 3 is 2: a change"
    one(panel.widget, "kit-live-micmac-k").value = 3
    one(panel.widget, "kit-live-micmac-share").value = 12
    panel.tick()
    assert one(panel.widget, "kit-live-micmac-k").value == 3, "a redraw leaves a number being typed alone"
    one(panel.widget, "kit-live-micmac-save").click()
    assert micmac.settings(room.read(store, ws.id)) == {"k": 3, "share": 12, "method": "mean"}
    assert "0 / 6 cases avec au moins 3 notes" in review.coverage.value
    assert re.search(r"Réglages enregistrés : 3 notes par case, 12 paires", panel.note.value)
    assert find(panel.widget, "kit-live-micmac-apply")[0].disabled
