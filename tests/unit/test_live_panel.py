"""The « Atelier en direct » panel of the session-1 app, on a real store: proposals from the room appear at the
next tick, and each is accepted, merged or set aside by the facilitator (the participant server itself is
tested in test_live_server.py and tests/e2e/test_live.py)."""

import ipywidgets as w
import pytest

from kit.apps.live_panel import LivePanel
from kit.apps.live_reviews import SESSION_1
from kit.demo import create_demo
from kit.errors import KitError
from kit.live import room
from tests.unit.test_home_app import find, one


def guard(callback, near=None):
    return callback  # the app's guard; here a refusal raises in the test


def proposed(store, ws, title, n):
    return room.propose(store, ws, participant=f"telephone-{n:04d}", pseudonym=f"P{n}", contribution_id=f"contrib-{n:04d}",
                        title=title, theme="", neighbourhood_id=ws.neighbourhoods[0].id)


def queue(panel):
    return one(panel.widget, "kit-live-queue")


def row_with(panel, title):
    return next(r for r in find(panel.widget, "kit-live-proposal") if title in r.children[0].value)


def test_proposals_appear_at_the_next_tick_and_are_accepted_merged_or_set_aside(store):
    ws = create_demo(store)
    saved = []
    panel = LivePanel(store, ws.id, guard, saved.append, SESSION_1)
    assert "Aucune proposition" in queue(panel).children[0].value
    room.open_activity(store, ws.id, "propositions")
    for n, title in enumerate(["Des bancs à l'ombre", "Chaleur dans les logements", "Un <b>marché</b> le soir"]):
        proposed(store, ws, title, n)
    panel.tick()  # what the page's ticker sends each second
    rows = queue(panel).children
    assert len(rows) == 3
    assert "Un &lt;b&gt;marché&lt;/b&gt; le soir" in rows[2].children[0].value, "text kept as text"
    assert ws.neighbourhoods[0].name in rows[0].children[0].value

    one(row_with(panel, "Des bancs"), "kit-live-accept").click()
    stakes = store.load(ws.id).stakes
    assert stakes[-1].title == "Des bancs à l'ombre" and saved, "accepted: a stake, and the app redrawn"
    assert len(queue(panel).children) == 2
    row = row_with(panel, "Chaleur dans les logements")
    one(row, "kit-live-into").value = ws.stakes[0].id
    one(row, "kit-live-merge").click()
    merged = next(s for s in store.load(ws.id).stakes if s.id == ws.stakes[0].id)
    assert "Chaleur dans les logements" in merged.statement
    one(row_with(panel, "marché"), "kit-live-aside").click()
    assert find(panel.widget, "kit-live-proposal") == [] and len(store.load(ws.id).stakes) == len(stakes)


def test_the_queue_is_read_again_only_when_the_room_sent_something(store, monkeypatch):
    ws = create_demo(store)
    panel = LivePanel(store, ws.id, guard, lambda ws: None, SESSION_1)
    reads = []
    real = room.read
    monkeypatch.setattr(room, "read", lambda *a: reads.append(1) or real(*a))
    panel.tick()
    panel.tick()
    assert reads == [], "nothing changed: a stat, no read"
    room.open_activity(store, ws.id, "propositions")
    panel.tick()
    assert reads, "the room's file moved: read and redrawn"


def test_an_open_activity_without_a_server_says_how_to_start_it(store):
    ws = create_demo(store)
    room.open_activity(store, ws.id, "votes")
    panel = LivePanel(store, ws.id, guard, lambda ws: None, SESSION_1)
    assert "aucun serveur des participants ne tourne" in panel.join.value
    assert isinstance(panel.widget, w.VBox)


def test_only_the_chosen_activity_s_review_is_shown(store):
    ws = create_demo(store)
    panel = LivePanel(store, ws.id, guard, lambda ws: None, SESSION_1)
    shown = lambda: [r.activity for r in panel.reviews if r.widget.layout.display != "none"]  # noqa: E731
    assert shown() == ["propositions"]
    panel.activity.value = "micmac"
    assert shown() == ["micmac"]
    panel.activity.value = "votes"
    assert shown() == ["votes"]


def test_on_a_jupyterhub_the_phones_get_the_hub_s_address_and_no_server_is_started(store, monkeypatch):
    from kit.live.names import HUB_PREFIX_VARIABLE

    monkeypatch.setenv(HUB_PREFIX_VARIABLE, "/user/rivebelle/atelier/")
    ws = create_demo(store)
    origin = [""]
    panel = LivePanel(store, ws.id, guard, lambda ws: None, SESSION_1, origin=lambda: origin[0])
    stop = one(panel.widget, "kit-live-stop")
    assert stop.layout.display == "none" and panel.network.layout.display == "none"
    with pytest.raises(KitError, match="pas encore connue"):
        panel.open()  # the page has not told its address yet
    origin[0] = "https://hub.example.org"
    panel.open()
    code = room.activity(room.read(store, ws.id), "propositions")["code"]
    address = f"https://hub.example.org/user/rivebelle/atelier/{code}"
    assert panel.server is None and room.join_url(store, ws.id, "propositions") == address
    assert address in panel.join.value and "<svg" in panel.join.value


def test_a_choice_being_made_in_a_row_survives_the_room_s_next_proposals(store):
    ws = create_demo(store)
    panel = LivePanel(store, ws.id, guard, lambda ws: None, SESSION_1)
    room.open_activity(store, ws.id, "propositions")
    proposed(store, ws, "Chaleur dans les logements", 1)
    panel.tick()
    row = row_with(panel, "Chaleur")
    one(row, "kit-live-into").value = ws.stakes[1].id  # the facilitator is choosing where to merge it...
    proposed(store, ws, "Des bancs à l'ombre", 2)  # ... when another phone sends
    panel.tick()
    assert len(queue(panel).children) == 2 and row_with(panel, "Chaleur") is row
    assert one(row, "kit-live-into").value == ws.stakes[1].id, "the choice being made is kept"
    one(row, "kit-live-merge").click()
    assert row.comm is None, "a decided row is closed, not left in the kernel"
    assert [r.children[0].value for r in queue(panel).children] == [row_with(panel, "bancs").children[0].value]
