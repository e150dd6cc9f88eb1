"""The room's side file: activities and codes, proposals and their moderation, dot-votes, a participant's data."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from kit.errors import KitError
from kit.live import room
from kit.live.qr import qr_svg, qr_text
from kit.model import Neighbourhood, Stake

P1, P2 = "p-1111111111111111", "p-2222222222222222"


@pytest.fixture
def ws(store):
    def fill(w):
        w.neighbourhoods = [Neighbourhood(id="qpv-nord", name="Nord")]
        w.stakes = [Stake(id="enj-a", title="Chaleur", votes=2), Stake(id="enj-b", title="Énergie")]

    return store.update(store.create("Rivebelle").id, fill)


def send(store, ws, cid="c-0000000000000001", participant=P1, title="Ombre dans la cour", **more):
    fields = {"pseudonym": "Karim", "theme": "", "neighbourhood_id": "", **more}
    return room.propose(store, store.load(ws.id), participant=participant, contribution_id=cid, title=title,
                        **fields)


def test_a_code_per_workspace_and_activity_kept_when_reopened(store, ws):
    other = store.create("Autre territoire")
    codes = {room.open_activity(store, ws.id, "propositions"), room.open_activity(store, ws.id, "votes"),
             room.open_activity(store, other.id, "propositions")}
    assert len(codes) == 3 and all(room.CODE_PATTERN.fullmatch(c) for c in codes)
    first = room.open_activity(store, ws.id, "propositions")
    room.close_activity(store, ws.id, "propositions")
    assert room.open_activity(store, ws.id, "propositions") == first
    with pytest.raises(KitError, match="Activité inconnue"):
        room.open_activity(store, ws.id, "brainstorming")


def test_a_closed_activity_refuses_in_french(store, ws):
    with pytest.raises(KitError, match="est fermée"):
        send(store, ws)
    room.open_activity(store, ws.id, "propositions")
    send(store, ws)
    room.close_activity(store, ws.id, "propositions")
    with pytest.raises(KitError, match="« Proposer des enjeux » est fermée"):
        send(store, ws, cid="c-0000000000000002")


def test_the_same_id_is_kept_once_and_never_from_another_phone(store, ws):
    room.open_activity(store, ws.id, "propositions")
    first, again = send(store, ws)
    assert not again
    second, again = send(store, ws, title="autre texte")
    assert again and second == first
    with pytest.raises(KitError, match="autre téléphone"):
        send(store, ws, participant=P2)
    assert len(room.pending(store, ws.id)) == 1


def test_texts_are_bounded_cleaned_and_checked(store, ws):
    room.open_activity(store, ws.id, "propositions")
    with pytest.raises(KitError, match="trop long"):
        send(store, ws, title="x" * (room.TITLE_MAX + 1))
    with pytest.raises(KitError, match="vide"):
        send(store, ws, title="  \n ")
    with pytest.raises(KitError, match="pseudonyme est trop long"):
        send(store, ws, pseudonym="k" * 41)
    with pytest.raises(KitError, match="thème"):
        send(store, ws, theme="Thème inventé")
    with pytest.raises(KitError, match="quartier"):
        send(store, ws, neighbourhood_id="qpv-ailleurs")
    with pytest.raises(KitError, match="identifiant"):
        send(store, ws, cid="../../etc")
    kept, _ = send(store, ws, title=" <b>Ombre</b>\n\tdans  la cour ", theme="Nature en ville",
                   neighbourhood_id="qpv-nord")
    assert kept.title == "<b>Ombre</b> dans la cour" and kept.theme == "Nature en ville"


def test_limits_per_participant_rate_and_count(store, ws, monkeypatch):
    room.open_activity(store, ws.id, "propositions")
    start = room.now_utc()
    for i in range(room.PER_MINUTE):
        send(store, ws, cid=f"c-{i:016d}", now=start)
    with pytest.raises(room.RateLimited, match="attendez"):
        send(store, ws, cid="c-9999999999999999", now=start)
    send(store, ws, cid="c-9999999999999999", participant=P2, now=start)  # others are not slowed
    later = start + timedelta(minutes=2)
    send(store, ws, cid="c-9999999999999998", now=later)
    monkeypatch.setattr(room, "MAX_PER_PARTICIPANT", room.PER_MINUTE + 1)
    with pytest.raises(KitError, match="maximum par personne"):
        send(store, ws, cid="c-9999999999999997", now=later + timedelta(minutes=2))


def test_accept_makes_a_stake_once_marked_as_from_the_room(store, ws):
    room.open_activity(store, ws.id, "propositions")
    c, _ = send(store, ws, theme="Nature en ville", neighbourhood_id="qpv-nord")
    workspace = room.accept(store, ws.id, c.id)
    stake = workspace.stakes[-1]
    assert stake.title == "Ombre dans la cour" and "séance" not in stake.title
    assert stake.theme == "Nature en ville" and stake.neighbourhood_ids == ["qpv-nord"]
    # Marked in the workspace (« porté par » in the stake list and the deliverable), without the pseudonym.
    assert stake.raised_by == "la salle (atelier en direct)" and "Karim" not in stake.model_dump_json()
    assert room.from_the_room(store, ws.id)[stake.id].pseudonym == "Karim"
    assert room.pending(store, ws.id) == []
    with pytest.raises(KitError, match="déjà été traitée"):
        room.accept(store, ws.id, c.id)
    on_disk = json.loads(store.path(ws.id).read_text())
    assert [s["title"] for s in on_disk["stakes"]][-1] == "Ombre dans la cour"


def test_accept_again_after_a_crash_adds_no_second_stake(store, ws):
    room.open_activity(store, ws.id, "propositions")
    c, _ = send(store, ws)
    store.update(ws.id, lambda w: w.stakes.append(Stake(id=room.stake_id_for(c.id), title=c.title)))
    assert len(room.accept(store, ws.id, c.id).stakes) == 3


def test_accept_refuses_a_duplicate_title_and_keeps_it_pending(store, ws):
    room.open_activity(store, ws.id, "propositions")
    c, _ = send(store, ws, title="chaleur")
    with pytest.raises(KitError, match="déjà"):
        room.accept(store, ws.id, c.id)
    assert [p.id for p in room.pending(store, ws.id)] == [c.id]
    room.accept(store, ws.id, c.id, title="Chaleur dans les écoles")


def test_merge_and_set_aside(store, ws):
    room.open_activity(store, ws.id, "propositions")
    a, _ = send(store, ws, cid="c-000000000000000a", title="Trop chaud l'été", theme="Nature en ville",
                neighbourhood_id="qpv-nord")
    b, _ = send(store, ws, cid="c-000000000000000b", title="Hors sujet")
    workspace = room.merge(store, ws.id, a.id, "enj-b")
    merged = next(s for s in workspace.stakes if s.id == "enj-b")
    assert merged.title == "Énergie" and merged.statement == "Trop chaud l'été"
    assert merged.neighbourhood_ids == ["qpv-nord"] and merged.theme == "Nature en ville"
    assert merged.raised_by.endswith("la salle (atelier en direct)")
    room.set_aside(store, ws.id, b.id)
    assert {c.id: c.status for c in room.contributions(store, ws.id)} == {a.id: "merged", b.id: "set_aside"}
    assert len(store.load(ws.id).stakes) == 2
    with pytest.raises(KitError, match="n'existe plus"):
        room.set_aside(store, ws.id, "c-inconnue000000")


def vote(store, ws, participant=P1, sequence=1, **dots):
    return room.vote(store, store.load(ws.id), participant=participant, pseudonym="Karim", sequence=sequence,
                     allocation={k.replace("_", "-"): v for k, v in dots.items()})


def test_votes_never_exceed_the_dots_and_replace_each_other(store, ws):
    with pytest.raises(KitError, match="fermée"):
        vote(store, ws, enj_a=1)
    room.open_activity(store, ws.id, "votes", dots=3)
    assert vote(store, ws, enj_a=2, enj_b=1) == {"enj-a": 2, "enj-b": 1}
    with pytest.raises(KitError, match="3 points en tout"):
        vote(store, ws, sequence=2, enj_a=4)
    assert vote(store, ws, sequence=3, enj_b=1) == {"enj-b": 1}
    assert vote(store, ws, sequence=2, enj_a=3) == {"enj-b": 1}  # an older send arriving late
    with pytest.raises(KitError, match="invalides"):
        vote(store, ws, sequence=4, enj_a=-1)
    with pytest.raises(KitError, match="retiré"):
        vote(store, ws, sequence=4, enj_z=1)
    vote(store, ws, participant=P2, enj_b=3)
    assert room.vote_totals(room.read(store, ws.id)) == {"enj-b": 4}


def test_votes_are_added_to_the_stakes_on_close_as_a_difference(store, ws):
    room.open_activity(store, ws.id, "votes", dots=3)
    vote(store, ws, enj_a=3)
    vote(store, ws, participant=P2, enj_a=1, enj_b=2)
    room.close_activity(store, ws.id, "votes")
    votes = {s.id: s.votes for s in store.load(ws.id).stakes}
    assert votes == {"enj-a": 2 + 4, "enj-b": 2}
    assert room.apply_votes(store, ws.id) is None  # nothing new: nothing saved twice
    store.update(ws.id, lambda w: setattr(w.stakes[1], "votes", w.stakes[1].votes + 1))  # the facilitator's +1
    assert room.erase_participant(store, ws.id, "p-2222222222222222") == (0, 1)
    assert {s.id: s.votes for s in store.load(ws.id).stakes} == {"enj-a": 2 + 3, "enj-b": 1}


def test_a_participants_data_exported_and_erased_by_pseudonym(store, ws):
    room.open_activity(store, ws.id, "propositions")
    room.open_activity(store, ws.id, "votes")
    send(store, ws, pseudonym="Élodie")
    send(store, ws, cid="c-0000000000000002", participant=P2, pseudonym="Sam")
    room.vote(store, store.load(ws.id), participant=P1, pseudonym="Élodie", sequence=1, allocation={"enj-a": 1})
    exported = room.export_participant(store, ws.id, "elodie")
    assert [c["title"] for c in exported["propositions"]] == ["Ombre dans la cour"]
    assert exported["votes"][0]["stakes"] == {"enj-a": 1}
    assert room.erase_participant(store, ws.id, "ELODIE") == (1, 1)
    assert room.export_participant(store, ws.id, "Élodie") == {"espace": ws.id, "participant": "Élodie",
                                                                "propositions": [], "votes": [], "reponses": {}}
    assert [c.pseudonym for c in room.contributions(store, ws.id)] == ["Sam"]
    assert store.load(ws.id).stakes[0].votes == 2  # never applied: nothing to take back


def test_a_damaged_side_file_is_never_overwritten(store, ws):
    store.write_side(ws.id, room.KIND, b"{not json")
    with pytest.raises(KitError, match="illisible"):
        room.open_activity(store, ws.id, "propositions")
    assert store.read_side(ws.id, room.KIND, 100) == b"{not json"


def test_join_url_needs_a_running_server(store, ws):
    code = room.open_activity(store, ws.id, "propositions")
    assert room.join_url(store, ws.id, "propositions") is None
    room.set_server(store, ws.id, "http://192.168.1.20:8870/")
    assert room.join_url(store, ws.id, "propositions") == f"http://192.168.1.20:8870/{code}"
    assert room.join_url(store, ws.id, "votes") is None


def test_the_qr_code_is_an_svg_and_a_terminal_drawing():
    svg = qr_svg("http://192.168.1.20:8870/K7P2Q9")
    assert svg.startswith(b"<svg") and b"</svg>" in svg and len(svg) < 10_000
    lines = qr_text("http://192.168.1.20:8870/K7P2Q9").splitlines()
    assert len(lines) > 10 and len({len(line) for line in lines}) == 1


def test_themes_are_the_reference_list():
    assert "Nature en ville" in room.theme_names() and len(room.theme_names()) >= 10


def test_a_duplicated_workspace_gets_codes_of_its_own(store, ws):
    code = room.open_activity(store, ws.id, "propositions")
    room.set_server(store, ws.id, "http://127.0.0.1:8870/")
    copy = store.duplicate(ws.id)
    copied = room.read(store, copy.id)
    assert copied["server"] is None and not room.is_open(copied, "propositions")
    assert room.join_url(store, copy.id, "propositions") is None
    assert room.open_activity(store, copy.id, "propositions") != code
    assert room.open_activity(store, ws.id, "propositions") == code


def test_the_stamp_moves_with_every_contribution(store, ws):
    assert room.stamp(store, ws.id) is None
    room.open_activity(store, ws.id, "propositions")
    before = room.stamp(store, ws.id)
    send(store, ws)
    assert room.stamp(store, ws.id) != before


def test_the_command_an_app_runs():
    from kit.live.command import atelier_command

    command = atelier_command(["rivebelle"], activity="votes", port=8871, network=True)
    assert command[1:] == ["-m", "kit", "atelier", "rivebelle", "--activite", "votes", "--port", "8871", "--reseau"]
    with pytest.raises(KitError):
        atelier_command(["rivebelle"], activity="brainstorming")


def test_an_answer_replaces_the_participant_s_last_one_and_is_exported_and_erased(store):
    ws = store.create("Rivebelle")
    with pytest.raises(KitError, match="fermée"):
        room.answer(store, ws.id, "positions", participant=P1, pseudonym="Élodie", sequence=1, value={"o1": 2})
    room.open_activity(store, ws.id, "positions")
    assert room.answer(store, ws.id, "positions", participant=P1, pseudonym="Élodie", sequence=2,
                       value={"o1": 2}) == {"o1": 2}
    # A send that left earlier but arrives later (a phone back on the Wi-Fi) does not undo the newer one.
    assert room.answer(store, ws.id, "positions", participant=P1, pseudonym="Élodie", sequence=1,
                       value={"o1": -4}) == {"o1": 2}

    def refuse(side, participant, value):
        raise KitError("Cette position n'est pas possible.")

    with pytest.raises(KitError, match="pas possible"):
        room.answer(store, ws.id, "positions", participant=P2, pseudonym="Sam", sequence=1, value={}, check=refuse)
    side = room.read(store, ws.id)
    assert room.answers(side, "positions") == {P1: {"o1": 2}} and room.my_answer(side, "positions", P1) == {"o1": 2}
    assert room.export_participant(store, ws.id, "élodie")["reponses"]["positions"][0]["value"] == {"o1": 2}
    assert room.erase_participant(store, ws.id, "Élodie") == (0, 1)
    assert room.answers(room.read(store, ws.id), "positions") == {}
