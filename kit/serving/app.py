"""The standalone Voilà of `python -m kit serve`: the apps only, for this computer (or a room, with a token).

`KitVoila` is Voilà 0.5's application (`voila.app.Voila`) with four changes, run as
``python -m kit.serving <repository root>`` by `kit.serve.voila_command`:

1. **Host check on every request.** Voilà builds its Tornado app with ``allow_remote_access=True``
   (it is meant to be put behind any proxy), which turns off jupyter_server's `JupyterHandler.check_host`,
   and its static-file and query handlers are plain Tornado handlers that never call it. A web page the
   facilitator visits could then drive the server by DNS rebinding (its own name resolving to 127.0.0.1).
   `GuardedApplication.find_handler` checks the Host header before any route, websockets included:
   localhost, loopback addresses and the names given (`allowed_hosts`); on the network (`network=True`),
   any IP address and this computer's name too.
2. **A token beyond this computer.** With `network=True` (``kit serve --reseau``) Voilà's own token
   (jupyter_server's identity provider) is required; it is read from $KIT_SERVE_TOKEN, not the command
   line (other users of the computer see command lines), and removed from the environment the kernels
   inherit. On 127.0.0.1 no token: only this computer's programs can connect, and the Host check keeps
   out the web pages its browser shows (their requests carry their own host name).
3. **The apps only.** Only notebooks matching `apps` (``notebooks/<name>.ipynb``) are rendered (404
   otherwise); the file tree, the contents API (a listing of the repository) and /voila/files are gone;
   the root redirects to the home app. The tests add their own notebooks with `--KitVoila.apps=...`.
4. **No 500 for a malformed path.** ``/voila/templates/lab/static/../../..`` made Voilà's template file
   handler fail on an assertion: 404 now.

Past `KitKernelManager.max_kernels` a page is refused with 503 before it takes a kernel, preheated or not.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import tempfile
from urllib.parse import parse_qsl, urlencode

import tornado.web
from jupyter_core.utils import run_sync
from jupyter_server.utils import url_path_join
from tornado import web
from traitlets import Bool, Integer, List, Unicode
from voila.app import Voila
from voila.handler import BaseVoilaHandler
from voila.static_file_handler import AllowListFileHandler, TemplateStaticFileHandler
from voila.tornado.contentshandler import VoilaContentsHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.treehandler import TornadoVoilaTreeHandler
from voila.voila_identity_provider import VoilaLoginHandler

from .hosts import LOCAL_NAMES, host_allowed, host_name, this_computer_names  # noqa: F401 (the shared check)

HOME_APP = "notebooks/00_accueil.ipynb"  # kit.serve.HOME_APP (not imported: kit.serve imports this side)
TOKEN_ENV = "KIT_SERVE_TOKEN"
PAGE = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Quartiers en transitions</title>
<link rel="icon" href="data:;base64,="></head><body style="font-family: sans-serif; font-size: 18px; margin: 3em">
<p class="kit-page-error" role="alert">{text}</p></body></html>"""


class UnknownHost(web.RequestHandler):
    """Any request whose Host header is not this server's: 403, whatever the route or method."""

    def prepare(self) -> None:
        self.set_status(403)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(PAGE.format(text="Cette adresse n'est pas celle de l'atelier : ouvrez l'adresse affichée "
                                     "par « python -m kit serve »."))


class GuardedApplication(tornado.web.Application):
    """Voilà's Tornado application with the Host check in front of every route."""

    def find_handler(self, request, **kwargs):
        if not host_allowed(request.host, self.settings.get("kit_host_names", ()),
                            any_address=self.settings.get("kit_any_address", False)):
            return self.get_handler_delegate(request, UnknownHost)
        return super().find_handler(request, **kwargs)


class NotFound(BaseVoilaHandler):
    """A route the kit does not serve: the French 404 page of the template."""

    async def prepare(self) -> None:
        self.current_user = self._jupyter_current_user = None  # as JupyterHandler does before its 403
        raise web.HTTPError(404)


class HomeRedirect(web.RequestHandler):
    """The server's root: the home app (with the query, so that ``/?token=...`` logs in)."""

    def get(self) -> None:
        query = f"?{self.request.query}" if self.request.query else ""
        self.redirect(url_path_join(self.settings["base_url"], "voila/render", HOME_APP) + query)


class AppHandler(TornadoVoilaHandler):
    """Voilà's page handler, for the apps only, refused with 503 when the server is full."""

    def initialize(self, **kwargs):
        self.apps = [re.compile(pattern) for pattern in kwargs.pop("apps")]
        super().initialize(**kwargs)

    @web.authenticated
    async def get(self, path=None):
        if not path or not any(p.fullmatch(path) for p in self.apps):
            raise web.HTTPError(404)
        if self.get_query_argument("token", None) is not None:
            # Logged in (the login cookie is set on this response): the same page without the token,
            # so that it is neither shown in the projected address bar nor given to the kernel.
            query = urlencode([(k, v) for k, v in parse_qsl(self.request.query, keep_blank_values=True)
                               if k != "token"])
            self.redirect(self.request.path + (f"?{query}" if query else ""))
            return
        self.check_room()
        # The _xsrf cookie that Voilà's "kernel shutdown" beacon needs when the tab closes (voila#1458):
        # set on this very response, so that the page never needs the file tree to get it.
        self.xsrf_token  # noqa: B018 - the property sets the cookie
        preparing = self.settings.get("kit_preparing")
        if preparing is None:
            await super().get(path)
            return
        async with preparing:  # a room's pages are prepared a few at a time, in the order asked
            if self.request.connection.stream is None or self.request.connection.stream.closed():
                return  # the browser gave up (a reload, a closed tab): no kernel for a page nobody sees
            self.check_room()  # again: others may have taken the room while this page waited its turn
            await super().get(path)

    def check_room(self) -> None:
        """503 if the server is full (KitKernelManager), before a preheated kernel is taken too: a pool
        does not bypass the bound."""
        check = getattr(self.kernel_manager, "check_room", None)
        if check is not None:
            check()

    def write_error(self, status_code: int, **kwargs) -> None:
        if status_code == 503:
            self.set_header("Retry-After", "60")
        super().write_error(status_code, **kwargs)


class TemplateFiles(TemplateStaticFileHandler):
    """Voilà's template static files (``<template>/static/<file>``), 404 for any other path."""

    def parse_url_path(self, url_path: str) -> str:
        template, _, rest = url_path.partition("/static/")
        parts = url_path.replace("\\", "/").split("/")
        if not template or "/" in template or not rest or ".." in parts or "" in parts:
            raise web.HTTPError(404)
        try:
            return super().parse_url_path(url_path)
        except web.HTTPError:
            raise
        except Exception:  # noqa: BLE001 - Voilà's own lookup of an unknown template name
            raise web.HTTPError(404) from None

    def validate_absolute_path(self, root: str, absolute_path: str):
        try:
            return super().validate_absolute_path(root, absolute_path)
        except web.HTTPError:
            raise
        except Exception:  # noqa: BLE001 - an unknown template name fails on Voilà's assertion
            raise web.HTTPError(404) from None


class LoginPage(VoilaLoginHandler):
    """The page an address without its token leads to: French, with a field for the code."""

    def get_template(self, name):
        return self.settings["voila_jinja2_env"].get_template(name)  # the kit's login.html


DROPPED = (VoilaContentsHandler, TornadoVoilaTreeHandler, AllowListFileHandler)


class KitVoila(Voila):
    """Voilà for the kit's apps (see the module's docstring)."""

    apps = List(Unicode(), [r"notebooks/[^/]+\.ipynb"], config=True,
                help="Regular expressions (whole path, relative to the root) of the notebooks served.")
    network = Bool(False, config=True,
                   help="Listening beyond this computer: a token is required ($KIT_SERVE_TOKEN, generated "
                        "by kit serve) and any IP address is accepted in the Host header.")
    allowed_hosts = List(Unicode(), [], config=True,
                         help="Host names under which this server is reached, besides localhost (a proxy's).")
    pages_at_once = Integer(0, config=True,
                            help="Pages prepared at the same time (kernel start and notebook run); the others "
                                 "wait their turn, first asked first served. 0: as many as asked.")

    def initialize(self, argv=None):
        super().initialize(argv)
        if hasattr(signal, "SIGBREAK"):  # Windows: Ctrl+Break or the console closed (see kit.serve.stop_handlers)
            signal.signal(signal.SIGBREAK, self._handle_signal_stop)
        token = os.environ.pop(TOKEN_ENV, "")  # out of the environment the kernels inherit
        if self.network:
            if not token:
                raise SystemExit(f"KitVoila.network needs a token in ${TOKEN_ENV}")
            self.token = token
        else:
            self.token = None  # Voilà then sets the identity provider's token to "": no login

    def init_settings(self):
        settings = super().init_settings()
        names = [*self.allowed_hosts, *(this_computer_names() if self.network else ())]
        settings.update(
            kit_host_names=names, kit_any_address=self.network,
            # jupyter_server's own check (JupyterHandler.check_host) as well, for the handlers that run it;
            # on the network the token protects and addresses are any.
            allow_remote_access=self.network, local_hostnames=["localhost", *names],
            default_handler_class=NotFound,
            default_handler_args={"voila_configuration": self.voila_configuration},
            kit_preparing=asyncio.Semaphore(self.pages_at_once) if self.pages_at_once > 0 else None,
        )
        return settings

    def init_handlers(self):
        handlers = []
        for rule in super().init_handlers():
            pattern, handler, *args = rule
            if handler in DROPPED:
                continue
            if handler is TornadoVoilaHandler:
                handlers.append((pattern, AppHandler, {**(args[0] if args else {}), "apps": list(self.apps)}))
            elif handler is TemplateStaticFileHandler:
                handlers.append((pattern, TemplateFiles, *args))
            elif handler is VoilaLoginHandler:
                handlers.append((pattern, LoginPage, *args))
            else:
                handlers.append(rule)
        handlers.append((self.server_url, HomeRedirect))
        return handlers

    def launch_browser(self):
        if not self.network:
            return super().launch_browser()  # Voilà's page, which the template sends to the home app
        # On the network the page needs the token: the home app's address with it, on this computer.
        import threading
        import webbrowser

        url = f"http://127.0.0.1:{self.port}{url_path_join(self.base_url, 'voila/render', HOME_APP)}?token={self.token}"
        threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()

    def stop(self):
        # A preheated kernel waits for its page inside the notebook's cell (voila.utils.wait_for_request).
        # Asked to shut down, it closes its sockets, then that cell ends and its reply fails: ipykernel
        # printed a "Socket operation on non-socket" traceback at every stop of `kit serve`. Those kernels
        # served nobody: they are killed at once, then Voilà stops the others (the pages') as usual.
        run_sync(self._kill_waiting_kernels)()
        super().stop()

    async def _kill_waiting_kernels(self) -> None:
        manager = self.kernel_manager
        for pool in list(getattr(manager, "_pools", {}).values()):
            for task in tuple(pool):
                try:
                    kernel_id = (await task)["kernel_id"]
                    if kernel_id in manager:
                        await manager.shutdown_kernel(kernel_id, now=True)
                except Exception:  # noqa: BLE001 - a kernel that failed to start or is gone: nothing to stop
                    self.log.debug("preheated kernel not stopped", exc_info=True)

    def start(self):
        # Voilà's start(), with GuardedApplication in place of tornado.web.Application.
        self.connection_dir = tempfile.mkdtemp(prefix="voila_", dir=self.connection_dir_root)
        self.log.info("Storing connection files in %s." % self.connection_dir)
        settings = self.init_settings()
        self.app = GuardedApplication(**settings)
        self.app.settings.update(self.tornado_settings)
        self.app.add_handlers(".*$", self.init_handlers())
        self.listen()


main = KitVoila.launch_instance
