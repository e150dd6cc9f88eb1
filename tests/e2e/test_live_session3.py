"""« Prioriser les fiches action » for real: `python -m kit atelier ID --activite priorites --points 5` started as
a facilitator starts it, a phone (chromium in phone emulation, 375 x 667, offline guard) gives its five dots to
the fiches action, they reach the room's side file, and the facilitator's « Reporter dans les priorités des
fiches » (the session-3 review, on the same store) writes the ranking into the workspace file."""

from __future__ import annotations

import json

import pytest

from kit.apps.live_panel import LivePanel
from kit.apps.live_session3 import SESSION_3
from kit.demo import create_demo
from kit.live import room
from kit.store import Store
from tests import harness



@pytest.fixture
def atelier(tmp_path):
    """The participant server of a demo workspace on the priorities, five dots each: (store, workspace id,
    join address), from its last lines."""
    store = Store(tmp_path / "espaces")
    ws_id = create_demo(store).id

    def lowest(ws):
        for action in ws.actions:
            action.priority = "basse"

    store.update(ws_id, lowest)
    with harness.participant_server(tmp_path, ws_id, "--activite", "priorites", "--points", "5") as (address, lines):
        assert any("« Prioriser les fiches action » ouverte" in line for line in lines), lines
        yield store, ws_id, address


def test_a_phone_gives_its_dots_to_the_fiches_and_the_facilitator_applies_the_ranking(playwright_instance, atelier):
    store, ws_id, address = atelier
    first, second = store.load(ws_id).actions[:2]
    watch = harness.Watch()
    with harness.phone(playwright_instance, watch) as phone:
        response = phone.goto(address)
        assert response.status == 200 and len(response.body()) < 50_000
        assert "Vous avez 5 points" in phone.inner_text("main") and "fiches action" in phone.inner_text("main")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling
        phone.fill("#pseudo", "Awa")
        for action, taps in ((first, 3), (second, 2)):
            row = phone.locator("#items li", has_text=action.title)
            for _ in range(taps):
                row.get_by_role("button", name="Ajouter un point").tap()
        assert phone.inner_text("#left") == "Points restants : 0 sur 5"
        assert phone.locator("#items button[aria-label='Ajouter un point']:enabled").count() == 0
        phone.tap("#send")
        phone.locator("#msg", has_text="vos points sont comptés").wait_for(timeout=10_000)
        [given] = room.answers(room.read(store, ws_id), "priorites").values()
        assert given == {first.id: 3, second.id: 2}
        phone.reload()  # the phone finds its dots again, from the server
        phone.locator("#left", has_text="Points restants : 0 sur 5").wait_for(timeout=10_000)
    assert not watch.external and not watch.errors, (watch.external, watch.errors)

    saved = []
    panel = LivePanel(store, ws_id, lambda callback, near=None: callback, saved.append, SESSION_3)
    [review] = panel.reviews
    assert "1 participant a donné des points" in review.ranking.value
    review.apply.click()
    on_disk = {a["id"]: a["priority"] for a in json.loads(store.path(ws_id).read_text(encoding="utf-8"))["actions"]}
    assert on_disk[first.id] == "haute" and on_disk[second.id] == "moyenne"
    assert saved and "2 fiches changées" in panel.note.value
