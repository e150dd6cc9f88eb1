"""Session 2's live activities for real: `python -m kit atelier --activite relations` started as a facilitator
starts it, a phone (chromium in phone emulation, 375 x 667, offline guard) says with whom its actor works
and gives its actor's MACTOR positions; both reach the room's side file, and what the facilitator keeps is
in the workspace file (a relation of the network, cells of the 2MAO matrix)."""

from __future__ import annotations

import json

import pytest

from kit.demo import create_demo
from kit.live import room
from kit.live.activities import positions, relations
from kit.store import Store
from tests import harness


@pytest.fixture
def atelier(tmp_path):
    """The participant server of a demo workspace, on « Avec qui travaillez-vous ? »: (store, id, address)."""
    store = Store(tmp_path / "espaces")
    ws_id = create_demo(store).id
    with harness.participant_server(tmp_path, ws_id, "--activite", "relations") as (address, _):
        yield store, ws_id, address


def test_a_phone_proposes_a_relation_and_gives_its_actor_s_positions(playwright_instance, atelier):
    store, ws_id, address = atelier
    ws = store.load(ws_id)
    mine, other = ws.actors[0], ws.actors[-1]
    assert not relations.same_relation(ws, mine.id, other.id, "coopération")
    watch = harness.Watch()
    with harness.phone(playwright_instance, watch) as phone:
        response = phone.goto(address)
        assert response.status == 200 and len(response.body()) < 50_000
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling
        assert phone.inner_text("h1") == "Avec qui travaillez-vous ?"

        phone.fill("#pseudo", "Nadia")
        phone.select_option("#actor", mine.id)
        phone.select_option("#other", mine.id)
        phone.tap("#send")
        assert "deux acteurs différents" in phone.inner_text("#msg")  # said on the phone, nothing sent
        phone.select_option("#other", other.id)
        assert not phone.is_visible("#way")  # a coopération has no direction
        phone.select_option("#kind", "financement")
        assert phone.is_visible("#way") and phone.locator("#way option").first.inner_text().startswith(mine.name)
        phone.select_option("#kind", "coopération")
        phone.select_option("#intensity", "3")
        phone.dblclick("#send")  # a double tap
        phone.locator("#mine li", has_text="Reçue").wait_for(timeout=10_000)
        [proposal] = relations.pending(room.read(store, ws_id))
        assert (proposal.source, proposal.target, proposal.kind, proposal.intensity, proposal.pseudonym) == (
            mine.id, other.id, "coopération", 3, "Nadia")
        assert phone.locator("#mine li").first.inner_text().startswith(f"{mine.name} → {other.name} (coopération, forte)")

        relations.accept(store, ws_id, proposal.id)  # the facilitator's « Retenir »
        phone.reload()
        phone.locator("#mine li", has_text="Retenue dans le réseau").wait_for(timeout=10_000)
        assert phone.input_value("#actor") == mine.id, "the phone remembers its actor"

        room.open_activity(store, ws_id, "positions")
        objectives = store.load(ws_id).objectives
        phone.goto(room.join_url(store, ws_id, "positions"))
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375
        phone.fill("#pseudo", "Nadia")
        phone.select_option("#actor", mine.id)
        phone.select_option("#o0", "-2")
        phone.select_option("#o1", "4")
        phone.tap("#send")
        phone.locator("#msg", has_text="les positions de votre acteur sont arrivées").wait_for(timeout=10_000)
        phone.reload()
        phone.wait_for_function("document.getElementById('o0').value === '-2'", timeout=10_000)  # from /etat
    [answer] = room.answers(room.read(store, ws_id), "positions").values()
    assert answer["actor"] == mine.id and answer["positions"][objectives[0].id] == -2
    assert answer["positions"][objectives[1].id] == 4 and set(answer["positions"].values()) <= {-2, 0, 4}

    before = {(c.actor_id, c.objective_id): c.value for c in store.load(ws_id).actor_positions}
    done = positions.apply(store, ws_id)  # « Reporter dans la matrice 2MAO »
    on_disk = json.loads(store.path(ws_id).read_text(encoding="utf-8"))
    assert [r for r in on_disk["relations"] if (r["source"], r["target"], r["kind"]) == (mine.id, other.id,
                                                                                         "coopération")][0]["intensity"] == 3
    cells = {(c["actor_id"], c["objective_id"]): c["value"] for c in on_disk["actor_positions"]}
    for objective, said in ((objectives[0], -2), (objectives[1], 4)):
        key = (mine.id, objective.id)
        if before.get(key, 0) in (0, said):
            assert cells[key] == said
        else:  # the demo's own cell, set by the facilitator: kept, and listed
            assert cells[key] == before[key] and (mine.id, objective.id, before[key], said) in done.kept
    assert not watch.external and not watch.errors, (watch.external, watch.errors)
