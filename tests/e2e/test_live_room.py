"""A live workshop, end to end: the facilitator's projected session-1 app (real Voilà) opens the « propose
stakes » activity, which starts the participant server; a phone (chromium in phone emulation) opens the
address the app shows, proposes a stake; the projected app shows it within 2 s with no reload; the
facilitator accepts it, and it is a stake in the workspace file and in the app's list."""

from __future__ import annotations

import json
import time

from kit.demo import create_demo
from kit.live import room
from kit.store import Store
from tests import harness


APP = "notebooks/10_enjeux.ipynb"


def test_a_phone_s_proposal_reaches_the_projected_app_and_becomes_a_stake(page, playwright_instance, voila_server,
                                                                          open_app):
    store = Store(voila_server.espaces)
    ws = create_demo(store)
    open_app(page, voila_server.base_url, APP, f"espace={ws.id}")
    page.get_by_role("tab", name="Atelier en direct").click()
    page.locator(".kit-lazy-live-open").click()
    # This computer only: the offline guard refuses any address but localhost (a room's Wi-Fi is the same path).
    page.locator(".kit-live-network input").uncheck()
    page.locator(".kit-live-open").click()
    page.locator(".kit-live-join", has_text="Code :").wait_for(timeout=60_000)
    address = room.join_url(store, ws.id, "propositions")
    assert address and address in page.locator(".kit-live-join").inner_text()
    assert page.locator(".kit-live-qr svg").count() == 1
    try:
        watch = harness.Watch()
        with harness.phone(playwright_instance, watch) as phone:
            phone.goto(address)
            phone.fill("#pseudo", "Inès")
            phone.fill("#title", "Des fontaines à eau dans le parc")
            phone.click("#send")
            phone.locator("#mine li", has_text="Reçue").wait_for(timeout=10_000)
            received = time.monotonic()
            proposal = page.locator(".kit-live-proposal", has_text="Des fontaines à eau dans le parc")
            proposal.wait_for(timeout=10_000)
            shown_after = time.monotonic() - received
            assert shown_after < 2.5, f"shown {shown_after:.1f} s after the phone was told it was received"
            proposal.locator(".kit-live-accept").click()
            page.locator(".kit-live-note", has_text="retenue comme enjeu").wait_for(timeout=30_000)
        assert not watch.external and not watch.errors, (watch.external, watch.errors)
    finally:
        page.locator(".kit-live-stop").click()
        page.locator(".kit-live-note", has_text="Serveur des participants arrêté").wait_for(timeout=30_000)
    on_disk = json.loads(store.path(ws.id).read_text(encoding="utf-8"))
    assert [s["title"] for s in on_disk["stakes"]].count("Des fontaines à eau dans le parc") == 1
    page.get_by_role("tab", name="2. Enjeux").click()
    page.locator(".kit-stake-list", has_text="Des fontaines à eau dans le parc").wait_for(timeout=10_000)
    assert room.join_url(store, ws.id, "propositions") is None, "the participant server stopped cleanly"
