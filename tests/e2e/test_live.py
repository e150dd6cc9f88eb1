"""The participant server for real: `python -m kit atelier` started as a facilitator starts it, a phone
(chromium in phone emulation, 375 x 667, offline guard) joins by the printed address, proposes a stake
(a double tap sends once, a phone without network keeps its proposal and sends it when back), the
facilitator accepts it, and the stake is in the workspace file."""

from __future__ import annotations

import json
import time

import pytest

from kit.demo import create_demo
from kit.live import room
from kit.store import Store
from tests import harness



@pytest.fixture
def atelier(tmp_path):
    """The participant server of a demo workspace: (store, workspace id, join address), from its last lines."""
    store = Store(tmp_path / "espaces")
    ws_id = create_demo(store).id
    with harness.participant_server(tmp_path, ws_id) as (address, _):
        yield store, ws_id, address


def test_a_phone_proposes_a_stake_that_the_facilitator_accepts(playwright_instance, atelier):
    store, ws_id, address = atelier
    watch = harness.Watch()
    watch.allow("ERR_INTERNET_DISCONNECTED")  # the phone without network, on purpose
    with harness.phone(playwright_instance, watch) as phone:
        response = phone.goto(address)
        assert response.status == 200 and len(response.body()) < 50_000
        paint = phone.evaluate("performance.getEntriesByName('first-contentful-paint').map(e => e.startTime)")
        print(f"page {len(response.body())} bytes, first contentful paint {paint} ms")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling

        phone.fill("#pseudo", "Karim")
        phone.fill("#title", "Des arbres dans la cour <b>de l'école</b>")
        phone.select_option("#theme", "Nature en ville")
        phone.dblclick("#send")  # a double tap
        phone.locator("#mine li", has_text="Reçue").wait_for(timeout=10_000)
        [proposal] = room.pending(store, ws_id)
        assert proposal.title == "Des arbres dans la cour <b>de l'école</b>" and proposal.theme == "Nature en ville"
        assert phone.locator("#mine li").first.inner_text().startswith("Des arbres dans la cour <b>de l'école</b>")

        phone.context.set_offline(True)  # the Wi-Fi drops
        phone.fill("#title", "Un jardin partagé")
        phone.click("#send")
        phone.locator("#mine li", has_text="Pas encore envoyée").wait_for(timeout=10_000)
        assert len(room.pending(store, ws_id)) == 1
        assert "Un jardin partagé" in phone.evaluate("localStorage.getItem('kit-queue-' + "
                                                     "JSON.parse(document.getElementById('kit-data').textContent).code)")
        phone.context.set_offline(False)  # and comes back: the phone sends it by itself
        deadline = time.monotonic() + 30
        while len(room.pending(store, ws_id)) < 2:
            assert time.monotonic() < deadline, "the proposal kept offline was never sent"
            phone.wait_for_timeout(200)  # not time.sleep: the offline guard's route answers from this process

        room.accept(store, ws_id, proposal.id)
        phone.reload()
        phone.locator("#mine li", has_text="Retenue comme enjeu").wait_for(timeout=10_000)
    on_disk = json.loads(store.path(ws_id).read_text(encoding="utf-8"))
    accepted = [s for s in on_disk["stakes"] if s["title"] == "Des arbres dans la cour <b>de l'école</b>"]
    assert len(accepted) == 1 and accepted[0]["theme"] == "Nature en ville"
    assert accepted[0]["id"] in room.from_the_room(store, ws_id)
    assert [c.title for c in room.pending(store, ws_id)] == ["Un jardin partagé"]
    assert not watch.external, watch.external
    assert not watch.errors, (watch.errors, watch.failed)


def test_a_phone_gives_its_dots_and_cannot_give_more(playwright_instance, atelier):
    store, ws_id, _ = atelier
    room.open_activity(store, ws_id, "votes", dots=2)
    address = room.join_url(store, ws_id, "votes")  # the running server wrote its address beside the workspace
    first = store.load(ws_id).stakes[0]
    watch = harness.Watch()
    with harness.phone(playwright_instance, watch) as phone:
        phone.goto(address)
        phone.fill("#pseudo", "Sam")
        row = phone.locator("#items li", has_text=first.title)
        row.get_by_role("button", name="Ajouter un point").tap()
        row.get_by_role("button", name="Ajouter un point").tap()
        assert phone.inner_text("#left") == "Points restants : 0 sur 2"
        assert phone.locator("#items button[aria-label='Ajouter un point']:enabled").count() == 0
        phone.tap("#send")
        phone.locator("#msg", has_text="vos votes sont comptés").wait_for(timeout=10_000)
    assert room.vote_totals(room.read(store, ws_id)) == {first.id: 2}
    room.close_activity(store, ws_id, "votes")
    on_disk = json.loads(store.path(ws_id).read_text(encoding="utf-8"))
    assert next(s for s in on_disk["stakes"] if s["id"] == first.id)["votes"] == first.votes + 2
    assert not watch.external and not watch.errors, (watch.external, watch.errors)
