"""The end-to-end harness shared by the browser tests (tests/e2e/conftest.py) and the benchmarks (bench/).

A real server started as the kit starts it (`kit.serve.voila_command`, or Binder's `jupyter server`), in
scratch folders, and Debian's chromium driven by Playwright, offline: a request to any host other than
this computer is refused and recorded, and so are the pages' errors (`Watch`). The tests fail on what a
`Watch` recorded; the benchmarks print it.

    port, watch = free_port(), Watch()
    env = jupyter_env(isolated_env(root))  # as kit.serve.serve() runs Voilà
    command = voila_command(port, open_browser=False, extra_apps=TEST_APPS)  # with the test notebooks
    with serving(command, env, root / "voila.log", port=port, name="voila"):
        with browser_context(playwright, watch) as context:
            open_app(first_page(context), local_url(port), "notebooks/00_accueil.ipynb", "espace=abc")
    assert not watch.external and not watch.errors
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from kit.serve import REPO_ROOT, app_url

CHROMIUM = "/usr/bin/chromium"  # Debian's, never a browser downloaded by playwright
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 720}
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
# Known, harmless browser messages of Voilà 0.5 (its bundle shares JupyterLab 4.2.5 modules with
# extensions built for 4.6): never a reason to fail.
KNOWN_NOISE = ("Unsatisfied version 4.2.5 from _JUPYTERLAB.CORE_OUTPUT",)
START_TIMEOUT_S = 90  # until the server listens
STOP_TIMEOUT_S = 30  # after SIGTERM, before SIGKILL
# Until an app is usable: a kernel start plus the home app's imports can take tens of seconds on 2 busy cores,
# and the server prepares two pages at a time (voila.json's KitVoila.pages_at_once): a page asked for
# while others are prepared waits its turn. A page that never comes still fails, after two minutes.
READY_TIMEOUT_MS = 120_000
# The tests' and benchmarks' own notebooks: standalone Voilà serves them only when asked
# (`kit.serve.voila_command(..., extra_apps=TEST_APPS)`); in production it serves notebooks/*.ipynb only.
TEST_APPS = (r"tests/e2e/notebooks/[^/]+\.ipynb", r"bench/notebooks/[^/]+\.ipynb")
# Variables that would make the servers find files of this machine instead of the kit's own.
MACHINE_JUPYTER_VARS = ("JUPYTER_PATH", "JUPYTER_CONFIG_PATH", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR",
                        "JUPYTER_RUNTIME_DIR", "IPYTHONDIR")


class ServerError(RuntimeError):
    """The server stopped, or did not listen in time; the message ends with the tail of its log."""


# ---------------------------------------------------------------------------------------------
# Servers
# ---------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def local_url(port: int) -> str:
    """The base URL of a server of this computer (ends with "/")."""
    return f"http://127.0.0.1:{port}/"


def isolated_env(root: Path, espaces: Path | None = None) -> dict[str, str]:
    """This environment with a throwaway home and cache in `root`: no state of the machine leaks in.

    The kernels' workspaces are `espaces` (default `root/espaces`), given as $KIT_ESPACES. For standalone
    Voilà, wrap it in `kit.serve.jupyter_env` as `kit.serve.serve()` does."""
    env = dict(os.environ)
    for name in MACHINE_JUPYTER_VARS:
        env.pop(name, None)  # the servers must find the kit's files by themselves
    espaces = root / "espaces" if espaces is None else espaces
    for folder in (root / "home", root / "cache", espaces):
        folder.mkdir(parents=True, exist_ok=True)
    env.update(HOME=str(root / "home"), XDG_CACHE_HOME=str(root / "cache"), KIT_ESPACES=str(espaces))
    return env


def tail(log: Path, chars: int = 3000) -> str:
    return log.read_text(errors="replace")[-chars:] if log.exists() else ""


def check_running(process: subprocess.Popen, log: Path, name: str) -> None:
    """Raise `ServerError` (with the end of its log) if the server has stopped."""
    if process.poll() is not None:
        raise ServerError(f"{name} stopped (code {process.returncode}):\n{tail(log)}")


def start_server(command: list[str], env: dict[str, str], log: Path, *, port: int, name: str,
                 detach: bool = False, timeout: float = START_TIMEOUT_S) -> subprocess.Popen:
    """Run `command` in the repository root, its output in `log`, and wait until it listens on `port`.

    `detach`: a session of its own and no standard input, so that Ctrl+C in the terminal reaches the
    caller only (Voilà would ask "Shutdown this Voilà server (y/[n])?"); stop it with `stop_server`.
    Raises `ServerError` if the server stops or does not listen within `timeout` seconds (it is then stopped).
    """
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   **({"stdin": subprocess.DEVNULL, "start_new_session": True} if detach else {}))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        check_running(process, log, name)
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.2)
    stop_server(process)
    raise ServerError(f"{name} does not answer after {timeout:.0f} s:\n{tail(log)}")


def stop_server(process: subprocess.Popen) -> None:
    # SIGTERM lets the server shut its kernels down (SIGKILL would leave them running).
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def serving(command: list[str], env: dict[str, str], log: Path, *, port: int, name: str, detach: bool = False):
    """`start_server` ... `stop_server`, whatever happens in the block (which gets the process)."""
    process = start_server(command, env, log, port=port, name=name, detach=detach)
    try:
        yield process
    finally:
        stop_server(process)


# A five-year-old Android phone, for the participant pages of the live workshop (with a 375 x 667 viewport).
PHONE = {"is_mobile": True, "has_touch": True, "device_scale_factor": 2,
         "user_agent": "Mozilla/5.0 (Linux; Android 9; SM-J530F) AppleWebKit/537.36 (KHTML, like Gecko) "
                       "Chrome/80.0.3987.99 Mobile Safari/537.36"}


@contextlib.contextmanager
def phone(playwright_instance, watch: Watch):
    """That phone's page, 375 x 667, in a fresh browser profile (`browser_context`): what a participant opens
    the join address in."""
    with browser_context(playwright_instance, watch, profile_prefix="kit-e2e-phone-", **PHONE) as context:
        page = first_page(context)
        page.set_viewport_size({"width": 375, "height": 667})
        yield page


@contextlib.contextmanager
def participant_server(tmp_path: Path, ws_id: str, *options: str):
    """`python -m kit atelier ws_id *options` on a free port, as a facilitator starts it in a terminal, until
    it prints its join code; yields (join address, what it printed). Stopped after the block, which must
    leave it running: it then exits cleanly (0)."""
    import sys

    port = free_port()
    log = tmp_path / "atelier.log"
    command = [sys.executable, "-m", "kit", "atelier", ws_id, *options, "--port", str(port)]
    with serving(command, isolated_env(tmp_path), log, port=port, name="atelier") as process:
        deadline = time.monotonic() + 30
        lines: list[str] = []
        while not (lines and lines[-1].startswith("Code : ")):
            assert time.monotonic() < deadline, tail(log)
            check_running(process, log, "atelier")
            time.sleep(0.1)
            lines = log.read_text().splitlines()
        address = lines[-2].removeprefix("Adresse pour rejoindre : ")
        assert address.endswith("/" + lines[-1].removeprefix("Code : ")), lines
        yield address, lines
    assert process.returncode == 0, tail(log)


def kill_leftovers(root: Path) -> None:
    """Kill, by pid, the processes left behind under `root` if a server died without stopping its kernels.

    They are recognised by `root` in their command line or their environment (every kernel inherits
    KIT_ESPACES=<root>/...); Voilà keeps connection files in /tmp/voila_*.
    """
    import psutil  # a dependency of ipykernel, so always there with the kit

    for proc in psutil.process_iter(["pid", "cmdline"]):
        if proc.pid == os.getpid():
            continue
        try:
            if str(root) in " ".join(proc.info["cmdline"] or ()) or \
                    proc.environ().get("KIT_ESPACES", "").startswith(str(root)):
                proc.kill()
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            pass


# ---------------------------------------------------------------------------------------------
# Browser
# ---------------------------------------------------------------------------------------------


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about", "file") or parts.hostname in LOCAL_HOSTS


@dataclass
class Watch:
    """What the pages of a browser context did that they must not do.

    `console=False` leaves console errors out of `errors` (uncaught exceptions only)."""

    external: list[str] = field(default_factory=list)  # requests outside this computer
    errors: list[str] = field(default_factory=list)  # uncaught exceptions and console errors
    allowed: list[str] = field(default_factory=list)  # console errors expected (substrings)
    failed: list[str] = field(default_factory=list)  # responses >= 400, to explain console errors
    console: bool = True

    def allow(self, *fragments: str) -> None:
        self.allowed.extend(fragments)

    def on_request(self, request_or_websocket) -> None:
        if not is_local(request_or_websocket.url):
            self.external.append(request_or_websocket.url)

    def on_console(self, message) -> None:
        # ipywidgets reports a widget that fails to render with console.error, not an exception.
        if message.type == "error" and not any(n in message.text for n in KNOWN_NOISE + tuple(self.allowed)):
            self.errors.append(f"console.error: {message.text}")

    def attach(self, page) -> None:
        page.on("request", self.on_request)
        page.on("websocket", self.on_request)  # routing does not see websockets
        page.on("pageerror", lambda error: self.errors.append(f"{error.name}: {error.message}"))
        if self.console:
            page.on("console", self.on_console)
        # A console "Failed to load resource" does not say which; record failed responses to tell.
        page.on("response", lambda r: self.failed.append(f"{r.status} {r.request.method} {r.url}")
                if r.status >= 400 else None)


@contextlib.contextmanager
def browser_context(playwright, watch: Watch, *, profile_in: Path | None = None,
                    profile_prefix: str = "kit-chromium-", init_script: str | None = None, **options):
    """Debian's chromium in a fresh persistent profile (nothing cached), offline, every page watched.

    The profile is a new folder in `profile_in` (default: the system's temporary folder), removed
    afterwards; `init_script` runs in every page before its own scripts; `options` go to Playwright's
    `launch_persistent_context` (accept_downloads=True...)."""
    profile = tempfile.mkdtemp(prefix=profile_prefix, dir=profile_in)
    try:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, viewport=VIEWPORT, **options)
        try:
            # The workshop room may have no internet: anything that is not this computer is refused at once
            # (and recorded by the pages' "request" event); a request waiting for a network timeout would
            # also distort the benchmarks' timings.
            context.route(lambda url: not is_local(url), lambda route: route.abort())
            if init_script:
                context.add_init_script(init_script)
            context.on("page", watch.attach)
            for page in context.pages:
                watch.attach(page)
            yield context
        except BaseException:
            with contextlib.suppress(Exception):  # the browser may be gone (Ctrl+C): keep the first error
                context.close()
            raise
        context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def first_page(context):
    # A persistent context opens with one blank page: use it.
    return context.pages[0] if context.pages else context.new_page()


def open_app(page, base_url: str, notebook: str, query: str = "", *, goto_timeout_ms: float | None = None):
    """Open an app (notebook path relative to the repository root) and wait until it is usable:
    the notebook adds the CSS class `kit-ready` to a widget once its interface is displayed.

    `goto_timeout_ms`: how long the navigation itself may take (default: Playwright's)."""
    page.goto(app_url(base_url, notebook, query), wait_until="commit",
              **({} if goto_timeout_ms is None else {"timeout": goto_timeout_ms}))
    page.wait_for_selector(".kit-ready", state="visible", timeout=READY_TIMEOUT_MS)
    return page


# ---------------------------------------------------------------------------------------------
# A room: many pages opened at once
# ---------------------------------------------------------------------------------------------

# What a page shows: "ready" (the app is usable), "message:<kind>:<text>" (the French sentence of a page
# that cannot be served: the template's banner or a server error page), "" (nothing yet). The template's
# "slow" banner ("la page tarde…") is not an outcome: the page may still come.
PAGE_OUTCOME = """() => {
  const app = document.querySelector('.kit-ready');
  if (app && app.offsetParent !== null) return 'ready';
  const problem = document.querySelector('.kit-page-error');
  if (!problem) return '';
  const kind = problem.getAttribute('data-kind') || 'server';
  return kind === 'slow' ? '' : 'message:' + kind + ':' + problem.textContent.trim();
}"""


def open_at_once(context, urls: list[str]) -> list:
    """A new tab per URL, all navigating at the same moment (`page.goto` would wait for each response,
    and Voilà answers a page only once its kernel has started)."""
    pages = [context.new_page() for _ in urls]
    for page, url in zip(pages, urls):
        page.evaluate("url => { setTimeout(() => { window.location.href = url; }, 0); }", url)
    return pages


def wait_outcomes(pages: list, timeout_s: float) -> list[tuple[str, float | None]]:
    """For each page, its `PAGE_OUTCOME` and the seconds it took, polled until every page has one or
    `timeout_s` has passed (then ("", None): the page stayed blank)."""
    from playwright.sync_api import Error

    start = time.monotonic()
    outcomes: list[tuple[str, float | None] | None] = [None] * len(pages)
    while None in outcomes and time.monotonic() - start < timeout_s:
        for i, page in enumerate(pages):
            if outcomes[i] is None:
                try:
                    state = page.evaluate(PAGE_OUTCOME)
                except Error:  # between two documents
                    state = ""
                if state:
                    outcomes[i] = (state, time.monotonic() - start)
        time.sleep(0.5)
    return [outcome or ("", None) for outcome in outcomes]


# ---------------------------------------------------------------------------------------------
# A real JupyterHub (tests/e2e/test_jupyterhub_*.py)
# ---------------------------------------------------------------------------------------------

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a login redirect is what a test looks at, not where it leads


def http_call(url: str, method: str = "GET", data: bytes | None = None, headers: dict[str, str] | None = None,
              timeout: float = 30) -> tuple[int, str, dict]:
    """One request exactly as written (urllib leaves « .. » and %2e alone), no redirect followed:
    (status, text, headers), an HTTP error being an answer like another."""
    request = urllib.request.Request(url, method=method, data=data, headers=headers or {})
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace"), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace"), dict(error.headers)


def start_jupyterhub(config: Path, env: dict[str, str], log: Path, port: int) -> tuple[subprocess.Popen, str]:
    """`jupyterhub -f config` started, and its base URL once the hub answers /hub/health (the proxy listens
    before the hub has its route); stop it with `stop_server`."""
    process = start_server([str(Path(sys.executable).parent / "jupyterhub"), "-f", str(config)], env, log,
                           port=port, name="jupyterhub", detach=True, timeout=120)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    try:
        while http_call(f"{base}/hub/health")[0] != 200:
            assert time.monotonic() < deadline, tail(log)
            check_running(process, log, "jupyterhub")
            time.sleep(0.5)
    except BaseException:
        stop_server(process)
        raise
    return process, base
