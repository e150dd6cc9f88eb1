"""« Noter les influences (MICMAC) » for real: `python -m kit atelier ID --activite micmac` started as a
facilitator starts it, a phone (chromium in phone emulation, 375 x 667) scores the pairs of its share with
large 0/1/2/3/P buttons, asks for more pairs and scores them too, reloads and finds its share and scores
again; the scores are in the side file, and the facilitator's review (`MicmacReview`) shows the coverage
and writes the values into the matrix, leaving the cell the facilitator had rated otherwise as it was."""

from __future__ import annotations

import time

import pytest

from kit import edits
from kit.apps.live_micmac import MicmacReview
from kit.apps.live_panel import LivePanel
from kit.demo import create_demo
from kit.live import room
from kit.live.activities import micmac
from kit.store import Store
from tests import harness
from tests.unit.test_home_app import one

SCORES = ["0", "1", "2", "3", "P", "2"]  # tapped on the rows of a share, in turn


@pytest.fixture
def atelier(tmp_path):
    """The participant server of a demo workspace (4 stakes, 12 cells) opened on MICMAC, 6 pairs each."""
    store = Store(tmp_path / "espaces")
    ws_id = create_demo(store).id
    micmac.configure(store, ws_id, k=1, share=6)
    with harness.participant_server(tmp_path, ws_id, "--activite", "micmac") as (address, lines):
        assert any("Noter les influences (MICMAC)" in line for line in lines), lines
        yield store, ws_id, address


def score_unscored(phone, ids_by_title) -> dict[str, str]:
    """Tap a score on each row not scored yet; the cells scored (key -> score as shown)."""
    given = {}
    rows = phone.locator("#pairs li")
    for i in range(rows.count()):
        row = rows.nth(i)
        if row.locator("button[aria-pressed='true']").count():
            continue
        source, target = (ids_by_title[row.locator("b").nth(j).inner_text()] for j in (0, 1))
        value = SCORES[len(given) % len(SCORES)]
        row.locator(f"button[value='{value}']").tap()
        assert row.locator(f"button[value='{value}']").get_attribute("aria-pressed") == "true"
        given[micmac.key(source, target)] = value
    return given


def kept_scores(store, ws_id) -> dict[str, str]:
    [answer] = room.answers(room.read(store, ws_id), "micmac").values()
    return {k: str(v) for k, v in answer["scores"].items()}


def wait_for_scores(phone, store, ws_id, expected) -> None:
    deadline = time.monotonic() + 20
    while not (room.answers(room.read(store, ws_id), "micmac") and kept_scores(store, ws_id) == expected):
        assert time.monotonic() < deadline, ("the scores never arrived", expected)
        phone.wait_for_timeout(200)


def test_a_phone_scores_its_share_and_the_facilitator_applies_it(playwright_instance, atelier):
    store, ws_id, address = atelier
    ws = store.load(ws_id)
    ids_by_title = {s.title: s.id for s in ws.stakes}
    assert len(ids_by_title) == 4
    watch = harness.Watch()
    with harness.phone(playwright_instance, watch) as phone:
        response = phone.goto(address)
        assert response.status == 200 and len(response.body()) < 50_000
        phone.locator("#left", has_text="Paires notées : 0 sur 6").wait_for(timeout=10_000)
        assert phone.locator("#pairs li").count() == 6
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375, "no sideways scrolling"
        box = phone.locator("#pairs li").first.locator("button[value='P']").bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, f"a button a finger can tap: {box}"

        phone.fill("#pseudo", "Karim")
        first = score_unscored(phone, ids_by_title)
        assert len(first) == 6 and set(first) == set(micmac.assigned(room.read(store, ws_id), _participant(phone)))
        phone.locator("#msg", has_text="Merci : 6 notes sur 6 reçues.").wait_for(timeout=10_000)
        wait_for_scores(phone, store, ws_id, first)
        assert phone.inner_text("#left") == "Paires notées : 6 sur 6"

        phone.locator("#more").tap()  # shown once the whole share is scored
        phone.locator("#left", has_text="Paires notées : 6 sur 12").wait_for(timeout=10_000)
        second = score_unscored(phone, ids_by_title)
        assert len(second) == 6 and not set(second) & set(first)
        wait_for_scores(phone, store, ws_id, {**first, **second})
        assert phone.locator("#more").is_hidden(), "every cell of the matrix is in this share"

        phone.reload()  # the same share, the same scores
        phone.locator("#left", has_text="Paires notées : 12 sur 12").wait_for(timeout=10_000)
        assert phone.locator("#pairs button[aria-pressed='true']").count() == 12
        for i, cell in enumerate(micmac._sorted(ws, list({**first, **second}))):
            row = phone.locator("#pairs li").nth(i)
            assert row.locator("button[aria-pressed='true']").inner_text() == {**first, **second}[cell]
    assert not watch.external and not watch.errors, (watch.external, watch.errors, watch.failed)

    # The facilitator had rated one cell otherwise: the review lists it and leaves it.
    scores = kept_scores(store, ws_id)
    mine_cell = next(k for k, v in scores.items() if v != "1")
    store.update(ws_id, lambda w: edits.rate_influence(w, *micmac.pair(mine_cell), 1))
    panel = LivePanel(store, ws_id, lambda callback, near=None: callback, lambda ws: None, [MicmacReview])
    assert "12 / 12 cases avec au moins 1 note" in one(panel.widget, "kit-live-micmac-coverage").value
    assert "1 case(s) déjà notée(s) autrement" in one(panel.widget, "kit-live-micmac-conflicts").value
    one(panel.widget, "kit-live-micmac-apply").click()
    matrix = {micmac.key(c.source, c.target): str(c.value) for c in store.load(ws_id).influences}
    assert matrix == {**scores, mine_cell: "1"}, "the room's 12 values, 0 included, but the facilitator's cell"
    assert "11 cases reportées dans la matrice" in panel.note.value


def _participant(phone) -> str:
    return phone.evaluate("JSON.parse(localStorage.getItem('kit-participant'))")
