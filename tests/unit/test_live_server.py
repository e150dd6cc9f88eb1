"""The participant server's handlers (tornado.testing): pages, endpoints, refusals, limits, host check, escaping."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import tornado.testing
import tornado.web

from kit.live import activities, pages, room, server
from kit.model import Neighbourhood, Stake
from kit.store import Store
from tests.unit.tornado_loop import OutsidePlaywrightLoop

P1 = "p-1111111111111111"
NASTY = '</script><script>alert(1)</script><img src=x onerror=alert(2)>'


class LiveTestCase(OutsidePlaywrightLoop, tornado.testing.AsyncHTTPTestCase):
    network = False

    def get_app(self):
        self.folder = tempfile.TemporaryDirectory()
        self.store = Store(Path(self.folder.name) / "espaces")

        def fill(w):
            w.neighbourhoods = [Neighbourhood(id="qpv-nord", name="Nord"), Neighbourhood(id="qpv-sud", name="Sud")]
            w.stakes = [Stake(id="enj-a", title=NASTY), Stake(id="enj-b", title="Énergie")]

        self.ws = self.store.update(self.store.create(f"Rivebelle {NASTY}").id, fill)
        self.other = self.store.create("Autre territoire")
        self.code = room.open_activity(self.store, self.ws.id, "propositions")
        self.votes_code = room.open_activity(self.store, self.ws.id, "votes", dots=3)
        self.other_code = room.open_activity(self.store, self.other.id, "propositions")  # not this server's
        return server.make_app(self.store, [self.ws.id], network=self.network, hosts=("atelier.example",))

    def tearDown(self):
        super().tearDown()
        self.folder.cleanup()

    def get(self, path, **headers):
        return self.fetch(path, headers=headers, follow_redirects=False)

    def post(self, path, body, content_type="application/json", **headers):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        return self.fetch(path, method="POST", body=data, headers={"Content-Type": content_type, **headers})

    def propose(self, cid="c-0000000000000001", participant=P1, headers=None, **fields):
        return self.post(f"/{self.code}/envoi", {"participant": participant, "pseudonym": "Karim", "id": cid,
                                                  "title": "Ombre dans la cour", "theme": "Nature en ville",
                                                  "neighbourhood": "qpv-nord", **fields}, **(headers or {}))

    @staticmethod
    def json(response):
        return json.loads(response.body)


class TestPages(LiveTestCase):
    def test_the_join_page_lists_nothing(self):
        response = self.get("/")
        assert response.code == 200 and "Rejoindre l'atelier" in response.body.decode()
        assert self.ws.id not in response.body.decode() and self.code not in response.body.decode()
        assert self.get(f"/?code={self.code.lower()}").headers["Location"] == f"/{self.code}"
        assert "bonne forme" in self.get("/?code=../x").body.decode()

    def test_the_proposals_page_is_small_escaped_and_strict(self):
        response = self.get(f"/{self.code}")
        text = response.body.decode()
        assert response.code == 200 and len(response.body) < 50_000
        assert "Proposer un enjeu" in text and "Nature en ville" in text and ">Sud</option>" in text
        assert NASTY not in text and "&lt;/script&gt;&lt;script&gt;" in text  # the workspace's name, escaped
        assert text.count("<script") == 2  # the data and the page's own script, nothing injected
        policy = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in policy and "unsafe-inline" not in policy
        assert "Server" not in response.headers and response.headers["Cache-Control"] == "no-store"

    def test_the_votes_page_gives_the_stakes_as_json_only(self):
        text = self.get(f"/{self.votes_code}").body.decode()
        assert "Voter pour les enjeux" in text and "3 points" in text
        data = re.search(r'<script type="application/json" id="kit-data">(.*?)</script>', text, re.S).group(1)
        assert "</script" not in data and "<" not in data
        assert json.loads(data)["items"][0]["title"] == NASTY  # shown with textContent by the script

    def test_the_page_script_matches_its_hash(self):
        # The policy allows the script and style by hash: the page must carry exactly those texts.
        text = self.get(f"/{self.code}").body.decode()
        assert f"<script>{activities.SCRIPTS['propositions']}</script>" in text and f"<style>{pages.STYLE}</style>" in text

    def test_unknown_codes_other_territories_and_other_paths_are_404(self):
        for path in ("/ZZZZZZ", f"/{self.other_code}", f"/{self.other_code}/etat", "/espaces", "/api/contents",
                     "/voila/render/notebooks/00_accueil.ipynb", "/static/../../kit/store.py", f"/{self.ws.id}",
                     "/api/kernels", "/tree", "/files/espaces"):
            response = self.get(path)
            assert response.code == 404, path
            assert "Cette page n'existe pas" in response.body.decode() or "n'existe pas" in response.body.decode()
        assert self.post(f"/{self.other_code}/envoi", {}).code == 404

    def test_guessing_codes_is_stopped(self):
        for _ in range(server.GUESSES_PER_WINDOW):
            assert self.get("/ZZZZZZ").code == 404
        assert self.get(f"/{self.code}").code == 429


class TestHostCheck(LiveTestCase):
    def test_foreign_names_are_refused_on_every_route(self):
        for path in ("/", f"/{self.code}", f"/{self.code}/etat", "/nimporte"):
            response = self.get(path, Host="evil.example:8870")
            assert response.code == 403 and "pas celle de l'atelier" in response.body.decode()
        assert self.propose(headers={"Host": "evil.example"}).code == 403
        assert room.pending(self.store, self.ws.id) == []

    def test_local_names_and_given_names_pass(self):
        for host in ("localhost:8870", "127.0.0.1:8870", "[::1]:8870", "atelier.example"):
            assert self.get(f"/{self.code}", Host=host).code == 200, host
        assert self.get(f"/{self.code}", Host="192.168.1.20:8870").code == 403  # not listening on the network


class TestHostCheckOnTheNetwork(LiveTestCase):
    network = True

    def test_any_address_but_no_foreign_name(self):
        assert self.get(f"/{self.code}", Host="192.168.1.20:8870").code == 200
        assert self.get(f"/{self.code}", Host="evil.example").code == 403


class TestProposals(LiveTestCase):
    def test_a_proposal_reaches_the_queue_once(self):
        response = self.propose()
        assert response.code == 200 and self.json(response) == {"ok": True, "duplicate": False,
                                                                 "message": "Merci : votre proposition est arrivée."}
        again = self.propose()  # a double tap, or a resend after a lost answer
        assert again.code == 200 and self.json(again)["duplicate"] is True
        [kept] = room.pending(self.store, self.ws.id)
        assert (kept.title, kept.theme, kept.neighbourhood_id, kept.pseudonym) == (
            "Ombre dans la cour", "Nature en ville", "qpv-nord", "Karim")
        state = self.json(self.get(f"/{self.code}/etat?participant={P1}"))
        assert state == {"ok": True, "open": True, "message": "", "proposals": {kept.id: "pending"}}
        room.accept(self.store, self.ws.id, kept.id)
        assert self.json(self.get(f"/{self.code}/etat?participant={P1}"))["proposals"] == {kept.id: "accepted"}
        assert self.json(self.get(f"/{self.code}/etat?participant=p-autre00000000"))["proposals"] == {}

    def test_text_is_kept_as_text(self):
        assert self.propose(title=NASTY[:120]).code == 200
        assert room.pending(self.store, self.ws.id)[0].title == NASTY[:120]

    def test_a_closed_activity_refuses_in_french(self):
        room.close_activity(self.store, self.ws.id, "propositions")
        response = self.propose()
        assert response.code == 403 and "« Proposer des enjeux » est fermée" in self.json(response)["message"]
        state = self.json(self.get(f"/{self.code}/etat"))
        assert state["open"] is False and "fermée" in state["message"]
        assert "fermée" in self.get(f"/{self.code}").body.decode()

    def test_refusals(self):
        assert self.propose(title="x" * 121).code == 400
        assert "trop long" in self.json(self.propose(title="x" * 121))["message"]
        assert self.propose(theme="Inventé").code == 400
        assert self.propose(neighbourhood="qpv-ailleurs").code == 400
        assert self.propose(participant="moi").code == 400
        assert self.propose(title=None).code == 400
        assert self.post(f"/{self.code}/envoi", b"{not json").code == 400
        assert self.post(f"/{self.code}/envoi", b"[1, 2]").code == 400
        assert self.post(f"/{self.code}/envoi", b"x" * (server.MAX_BODY_BYTES + 1)).code == 413
        assert self.post(f"/{self.code}/envoi", {"id": "x"}, content_type="text/plain").code == 415
        assert self.propose(headers={"Origin": "http://evil.example"}).code == 403
        assert self.fetch(f"/{self.code}/envoi", method="PUT", body=b"{}").code == 405
        assert room.pending(self.store, self.ws.id) == []

    def test_the_rate_limit_answers_429_and_the_count_limit_400(self):
        for i in range(room.PER_MINUTE):
            assert self.propose(cid=f"c-{i:016d}").code == 200
        response = self.propose(cid="c-9999999999999999")
        assert response.code == 429 and response.headers["Retry-After"] and "attendez" in self.json(response)["message"]

    def test_a_page_of_a_removed_workspace_says_so(self):
        self.store.delete(self.ws.id)
        response = self.get(f"/{self.code}")
        assert response.code == 500 and "n'existe pas" in response.body.decode()


class TestVotes(LiveTestCase):
    def vote(self, votes, sequence=1, participant=P1):
        return self.post(f"/{self.votes_code}/envoi", {"participant": participant, "pseudonym": "Karim",
                                                        "sequence": sequence, "votes": votes})

    def test_votes_are_kept_per_participant_within_the_dots(self):
        response = self.vote({"enj-a": 2, "enj-b": 1})
        assert response.code == 200 and self.json(response)["votes"] == {"enj-a": 2, "enj-b": 1}
        assert self.vote({"enj-a": 2, "enj-b": 1}).code == 200  # sent twice: kept once
        refused = self.vote({"enj-a": 4}, sequence=2)
        assert refused.code == 400 and "3 points" in self.json(refused)["message"]
        assert self.json(self.get(f"/{self.votes_code}/etat?participant={P1}")) == {
            "ok": True, "open": True, "message": "", "dots": 3, "votes": {"enj-a": 2, "enj-b": 1}}
        assert self.vote({"enj-zz": 1}, sequence=3).code == 400
        assert self.vote({"enj-a": "1"}, sequence=3).code == 400
        assert self.vote({"enj-a": 1}, sequence="3").code == 400
        room.close_activity(self.store, self.ws.id, "votes")
        assert {s.id: s.votes for s in self.store.load(self.ws.id).stakes} == {"enj-a": 2, "enj-b": 1}
        closed = self.vote({"enj-a": 1}, sequence=4)
        assert closed.code == 403 and "fermée" in self.json(closed)["message"]


def test_log_writes_nothing_but_server_failures(caplog):
    class Handler:
        request = type("R", (), {"method": "GET", "request_time": lambda self: 0.01})()

        def __init__(self, status):
            self.status = status

        def get_status(self):
            return self.status

    server.log_request(Handler(404))
    server.log_request(Handler(200))
    assert caplog.records == []
    server.log_request(Handler(500))
    assert len(caplog.records) == 1


def test_the_room_address_is_an_ipv4_address():
    import ipaddress

    assert ipaddress.ip_address(server.lan_address()).version == 4


class TestBusy(LiveTestCase):
    def test_a_full_disk_answers_503_so_that_the_phone_sends_again(self):
        from unittest import mock

        from kit.errors import KitError

        with mock.patch.object(Store, "write_side", side_effect=KitError("Le disque est plein.")):
            response = self.propose()
        assert response.code == 503 and response.headers["Retry-After"] and "plein" in self.json(response)["message"]
        assert room.pending(self.store, self.ws.id) == []
        assert self.propose().code == 200  # sent again, kept


class TestUnderAPrefix(LiveTestCase):
    """The routes as a JupyterHub single-user server mounts them (`kit.serving.jupyter_extension`): under
    the territory's prefix, for every workspace of its store that has a room's file."""

    PREFIX = "/user/rivebelle/atelier/"

    def get_app(self):
        super().get_app()
        return tornado.web.Application(server.routes(self.store, None, prefix=self.PREFIX))

    def test_pages_links_and_sends_stay_under_the_prefix(self):
        join = self.get(self.PREFIX).body.decode()
        assert f'action="{self.PREFIX}"' in join
        assert self.get(f"{self.PREFIX}?code={self.code}").headers["Location"] == f"{self.PREFIX}{self.code}"
        page = self.get(f"{self.PREFIX}{self.code}").body.decode()
        data = json.loads(re.search(r'id="kit-data">(.*?)</script>', page, re.S).group(1))
        assert data["base"] == f"{self.PREFIX}{self.code}"
        response = self.post(f"{self.PREFIX}{self.code}/envoi", {
            "participant": P1, "pseudonym": "Karim", "id": "c-0000000000000001", "title": "Ombre dans la cour"})
        assert response.code == 200 and [c.title for c in room.pending(self.store, self.ws.id)] == ["Ombre dans la cour"]
        assert f'href="{self.PREFIX}"' in self.get(f"{self.PREFIX}ZZZZZZ").body.decode()

    def test_every_workspace_with_a_room_answers_and_nothing_outside_the_prefix(self):
        # This store's other workspace has a code too: on a territory's server, each of its workspaces answers.
        assert self.get(f"{self.PREFIX}{self.other_code}").code == 200
        assert self.get(f"{self.PREFIX}{self.votes_code}").code == 200
        never = self.store.create("Sans atelier")
        assert never.id not in server.LiveRooms(self.store, None)._with_rooms()
        for path in (f"/{self.code}", "/user/rivebelle/api/contents", f"{self.PREFIX}../api/contents"):
            assert self.get(path).code == 404, path
