"""The participant server: a small Tornado application for the room's phones, no kernel, no widget.

Routes (nothing else answers, whatever the method: 404):

    GET  /                      the join page (a box for the code); /?code=K7P2Q9 redirects to /K7P2Q9
    GET  /<code>                the activity's page (`kit.live.activities`: propose a stake, dot-vote...)
    GET  /<code>/etat           JSON: is it open, and what the participant sent and what became of it
    POST /<code>/envoi          JSON: what the participant sends (a proposal, their dots, their scores...)

A code opens one activity of one workspace, and only the codes of the workspaces this server was started
for (`LiveRooms.workspace_ids`): nobody can list workspaces, reach another territory, an app, a file or a
kernel through it. Every request's Host header is checked first, as `kit.serving.app` does for Voilà
(DNS rebinding: a web page whose name resolves to this computer): loopback addresses and `localhost`,
the names given with ``--hote``, and on the network (``--reseau``) any IP address and this computer's
names. A POST must be JSON (a cross-site form cannot send that without a preflight nobody answers) and
its Origin, when sent, this server. Unknown codes tried from one address are counted (guessing).
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import json
import os
import signal
import socket
import time
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

import tornado.web
from tornado import httpserver, netutil

from kit.errors import KitError
from kit.serving.hosts import host_allowed, this_computer_names  # the same Host check as `kit serve`
from kit.live import activities, pages, room
from kit.model import Workspace
from kit.store import Store

DEFAULT_PORT = 8870
MAX_BODY_BYTES = 8 * 1024  # a proposal is a few hundred bytes; an allocation of dots, a few kB at most
GUESSES_PER_WINDOW = 30  # unknown codes from one address within GUESS_WINDOW_S, then 429
GUESS_WINDOW_S = 300
POSTS_PER_MINUTE = 120  # from one address (other than this computer's), every participant together


def lan_address() -> str:
    """This computer's address on the room's network (the one a phone can reach), else 127.0.0.1.

    A UDP socket "connected" to a documentation address sends nothing: it only asks the system which
    interface a packet would leave by."""
    for probe in ("192.0.2.1", "10.255.255.255"):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            try:
                s.connect((probe, 9))
                address = s.getsockname()[0]
            except OSError:
                continue
            if address and not address.startswith("127.") and address != "0.0.0.0":
                return address
    return "127.0.0.1"


# -- what the server knows of its workspaces ------------------------------------------------------------


@dataclass
class LiveRooms:
    """The workspaces of this server, their side files and documents read again only when they change."""

    store: Store
    workspace_ids: tuple[str, ...] | None  # None: every workspace of the store with a room's file
    _rooms: dict = field(default_factory=dict)  # ws id -> (stat key, side file)
    _workspaces: dict = field(default_factory=dict)  # ws id -> (stat key, Workspace)
    _themes: list[str] | None = None

    @staticmethod
    def _key(path) -> tuple[int, int] | None:
        try:
            stat = os.stat(path)
        except FileNotFoundError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def room(self, ws_id: str) -> dict:
        key = self._key(self.store.side_path(ws_id, room.KIND))
        cached = self._rooms.get(ws_id)
        if cached is None or cached[0] != key or key is None:
            cached = (key, room.read(self.store, ws_id))
            self._rooms[ws_id] = cached
        return cached[1]

    def workspace(self, ws_id: str) -> Workspace:
        key = self._key(self.store.path(ws_id))
        cached = self._workspaces.get(ws_id)
        if cached is None or cached[0] != key:
            cached = (key, self.store.load(ws_id))
            self._workspaces[ws_id] = cached
        return cached[1]

    def themes(self) -> list[str]:
        if self._themes is None:
            self._themes = room.theme_names()
        return self._themes

    def _with_rooms(self) -> list[str]:
        """The workspaces of the store that have a room's file (only they can have a join code)."""
        return self.store.side_ids(room.KIND)

    def find(self, code: str) -> tuple[str, str] | None:
        """(workspace id, activity) of a join code of this server's workspaces."""
        code = code.upper()
        for ws_id in self.workspace_ids if self.workspace_ids is not None else self._with_rooms():
            try:
                opened = self.room(ws_id)["activities"]
            except KitError:
                continue
            for name, entry in opened.items():
                if entry.get("code") == code and name in activities.MODULES:
                    return ws_id, name
        return None


# -- handlers ---------------------------------------------------------------------------------------------


class Base(tornado.web.RequestHandler):
    def initialize(self, kit: dict) -> None:
        """`kit`: what the routes of one participant server share (`routes`): its rooms, its path prefix,
        the counts of guessed codes and of posts per address."""
        self.kit = kit

    @property
    def prefix(self) -> str:
        return self.kit["prefix"]

    def set_default_headers(self) -> None:
        self.clear_header("Server")
        self.set_header("Content-Security-Policy", activities.CONTENT_SECURITY_POLICY)
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Frame-Options", "DENY")

    @property
    def rooms(self) -> LiveRooms:
        return self.kit["rooms"]

    def page(self, status: int, text: str) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(text)

    def answer(self, status: int, **body) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps(body, ensure_ascii=False))

    def write_error(self, status_code: int, **kwargs) -> None:
        texts = {404: "Cette page n'existe pas.", 405: "Cette page n'existe pas.",
                 413: "L'envoi est trop gros.", 429: "Trop d'essais : attendez quelques minutes."}
        text = texts.get(status_code, "Le serveur de l'atelier a rencontré un problème : réessayez.")
        error = (kwargs.get("exc_info") or (None, None))[1]
        if isinstance(error, KitError):  # the workspace removed meanwhile, a damaged side file...
            text = error.message
        if self.request.path.endswith(("/envoi", "/etat")):
            self.answer(status_code, ok=False, message=text)
        else:
            self.page(status_code, pages.message_page("Atelier", text, self.prefix))

    def guessing(self) -> bool:
        """Too many unknown codes from this address lately."""
        tries = self.kit["guesses"].setdefault(self.request.remote_ip, deque())
        while tries and tries[0] < time.monotonic() - GUESS_WINDOW_S:
            tries.popleft()
        return len(tries) >= GUESSES_PER_WINDOW

    def context(self, code: str) -> activities.Context:
        """The activity this join code opens, on the workspace and side file as they are now."""
        ws_id, name = self.activity_of(code)
        side = self.rooms.room(ws_id)
        return activities.Context(self.rooms.store, self.rooms.workspace(ws_id), side, name,
                                  side["activities"][name]["code"], tuple(self.rooms.themes()), self.prefix)

    def activity_of(self, code: str) -> tuple[str, str]:
        if self.guessing():
            raise tornado.web.HTTPError(429)
        found = self.rooms.find(code)
        if found is None:
            self.kit["guesses"][self.request.remote_ip].append(time.monotonic())
            raise tornado.web.HTTPError(404)
        return found


class UnknownHost(Base):
    def prepare(self) -> None:
        self.page(403, pages.message_page("Adresse refusée", "Cette adresse n'est pas celle de l'atelier : ouvrez "
                                                             "l'adresse affichée par l'animateur.", self.prefix))


class NotFound(Base):
    def prepare(self) -> None:
        raise tornado.web.HTTPError(404)


class JoinPage(Base):
    def get(self) -> None:
        code = self.get_query_argument("code", "")
        if code:
            wanted = "".join(c for c in code.upper() if c.isalnum())[:12]
            if room.CODE_PATTERN.fullmatch(wanted):
                self.redirect(f"{self.prefix}{wanted}")
                return
            self.page(200, pages.join_page("Ce code n'a pas la bonne forme : six lettres ou chiffres.", self.prefix))
            return
        self.page(200, pages.join_page(prefix=self.prefix))


class ActivityPage(Base):
    def get(self, code: str) -> None:
        self.page(200, activities.render(self.context(code)))


class State(Base):
    def get(self, code: str) -> None:
        self.answer(200, **activities.state(self.context(code), self.get_query_argument("participant", "")))


class Send(Base):
    def check_xsrf_cookie(self) -> None:  # JSON only, same origin: see the module's docstring
        pass

    def post(self, code: str) -> None:
        if not (self.request.headers.get("Content-Type") or "").lower().startswith("application/json"):
            self.answer(415, ok=False, message="Envoi refusé : rechargez la page.")
            return
        origin = self.request.headers.get("Origin")
        if origin and urlsplit(origin).netloc.lower() != self.request.host.lower():
            self.answer(403, ok=False, message="Envoi refusé : il ne vient pas de la page de l'atelier.")
            return
        if len(self.request.body) > MAX_BODY_BYTES:
            self.answer(413, ok=False, message="L'envoi est trop gros.")
            return
        if self.too_fast():
            self.set_header("Retry-After", "30")
            self.answer(429, ok=False, message="Trop d'envois depuis ce réseau : ils repartiront dans un instant.")
            return
        ctx = self.context(code)
        try:
            body = json.loads(self.request.body)
            if not isinstance(body, dict):
                raise ValueError("not an object")
        except (ValueError, UnicodeDecodeError, RecursionError):
            self.answer(400, ok=False, message="Envoi illisible : rechargez la page.")
            return
        try:
            self.answer(200, ok=True, **activities.send(ctx, body))
        except room.Busy as error:
            self.set_header("Retry-After", "10")
            self.answer(503, ok=False, message=error.message)
        except room.RateLimited as error:
            self.set_header("Retry-After", "20")
            self.answer(429, ok=False, message=error.message)
        except KitError as error:
            closed = not room.is_open(self.rooms.room(ctx.ws.id), ctx.name)
            self.answer(403 if closed else 400, ok=False, message=error.message)

    def too_fast(self) -> bool:
        address = self.request.remote_ip or ""
        try:
            if ipaddress.ip_address(address).is_loopback:
                return False  # this computer (the facilitator's, a benchmark): its own limits are the room's
        except ValueError:
            pass
        times = self.kit["posts"].setdefault(address, deque())
        now = time.monotonic()
        while times and times[0] < now - 60:
            times.popleft()
        times.append(now)
        return len(times) > POSTS_PER_MINUTE


def log_request(handler: tornado.web.RequestHandler) -> None:
    """Only the server's own failures are logged: no participant's address, no line after the join code."""
    if handler.get_status() >= 500:
        tornado.web.app_log.error("%d %s %.0f ms", handler.get_status(), handler.request.method,
                                  1000 * handler.request.request_time())


class GuardedApplication(tornado.web.Application):
    def find_handler(self, request, **kwargs):
        if not host_allowed(request.host, self.settings.get("kit_host_names", ()),
                            any_address=self.settings.get("kit_any_address", False)):
            return self.get_handler_delegate(request, UnknownHost, {"kit": self.settings["kit"]})
        return super().find_handler(request, **kwargs)


CODE_ROUTE = f"([{room.CODE_ALPHABET}{room.CODE_ALPHABET.lower()}]{{{room.CODE_LENGTH}}})"


def routes(store: Store, workspace_ids=None, *, prefix: str = "/") -> list[tuple]:
    """The participant server's routes under `prefix` ("/" for a server of its own; "/user/<name>/atelier/" in
    a JupyterHub single-user server, `kit.serving.jupyter_extension`), for the workspaces `workspace_ids`
    (None: every workspace of the store that has a room's file)."""
    prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
    kit = {"rooms": LiveRooms(store, None if workspace_ids is None else tuple(workspace_ids)), "prefix": prefix,
           "guesses": {}, "posts": {}}
    shared = {"kit": kit}
    return [(prefix, JoinPage, shared), (f"{prefix}{CODE_ROUTE}", ActivityPage, shared),
            (f"{prefix}{CODE_ROUTE}/etat", State, shared), (f"{prefix}{CODE_ROUTE}/envoi", Send, shared),
            (f"{prefix}.*", NotFound, shared)]


def make_app(store: Store, workspace_ids, *, network: bool = False, hosts=()) -> GuardedApplication:
    names = (*hosts, *(this_computer_names() if network else ()))
    handlers = routes(store, workspace_ids)
    return GuardedApplication(
        handlers, compress_response=True, log_function=log_request, xsrf_cookies=False,
        kit=handlers[0][2]["kit"], kit_host_names=tuple(names), kit_any_address=network)


# -- starting it ---------------------------------------------------------------------------------------


def join_address(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/{quote(code)}"


def start(store: Store, workspace_ids, *, port: int = DEFAULT_PORT, network: bool = False,
          hosts=()) -> tuple[httpserver.HTTPServer, str]:
    """Listen (in the running event loop) and return the server and its base address for the phones."""
    app = make_app(store, workspace_ids, network=network, hosts=hosts)
    server = httpserver.HTTPServer(app, max_body_size=64 * 1024, idle_connection_timeout=60)
    address = "0.0.0.0" if network else "127.0.0.1"
    try:
        sockets = netutil.bind_sockets(port, address)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise KitError(f"Le port {port} est déjà pris (un autre atelier est-il lancé ?) : choisissez-en un autre "
                           "avec --port.") from None
        raise KitError(f"Le serveur de l'atelier ne peut pas écouter sur le port {port} : "
                       f"{error.strerror or error}.") from None
    server.add_sockets(sockets)
    actual = sockets[0].getsockname()[1]  # port 0: the one the system chose
    host = lan_address() if network else "127.0.0.1"
    return server, f"http://{host}:{actual}/"


async def _serve(store: Store, workspace_ids, *, port: int, network: bool, hosts, announce) -> None:
    server, base_url = start(store, workspace_ids, port=port, network=network, hosts=hosts)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(signum, stop.set)
        except (NotImplementedError, RuntimeError):  # Windows: Ctrl+C arrives as KeyboardInterrupt
            pass
    try:
        for ws_id in workspace_ids:
            room.set_server(store, ws_id, base_url)
        announce(base_url)
        await stop.wait()
    finally:
        server.stop()
        for ws_id in workspace_ids:
            try:
                room.set_server(store, ws_id, None)
            except KitError:
                pass


def serve(store: Store, workspace_ids, *, port: int = DEFAULT_PORT, network: bool = False, hosts=(),
          announce=lambda base_url: None) -> None:
    """Run the participant server until Ctrl+C or SIGTERM; `announce(base_url)` once it listens."""
    asyncio.run(_serve(store, tuple(workspace_ids), port=port, network=network, hosts=tuple(hosts),
                       announce=announce))
