"""End-to-end fixtures: the real Voilà (and a Binder-like Jupyter server) driven by headless Chromium.

Every page runs offline: a request to any host other than localhost is aborted and fails the test,
as does any uncaught JavaScript error or console error (`watch.allow(...)` for an expected one).
Servers are session-scoped (a kernel start costs seconds on a 2-core machine); each test gets a
fresh browser profile. The apps' kernels see `KIT_ESPACES=voila_server.espaces`, a throwaway HOME, and
a programme calendar whose application deadline is 30 days ahead (`KIT_CALENDRIER`).

    def test_home(page, voila_server, open_app):
        open_app(page, voila_server.base_url, "notebooks/00_accueil.ipynb", "espace=abc")
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kit.serve import REPO_ROOT, app_url, jupyter_env, voila_command

# The notebooks here are fixtures for the browser, not nbval tests.
collect_ignore_glob = ["notebooks/*"]

NOTEBOOKS = "tests/e2e/notebooks"  # relative to the repository root, as in the URLs
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
# Known, harmless browser messages of Voilà 0.5 (its bundle shares JupyterLab 4.2.5 modules with
# extensions built for 4.6): never a reason to fail.
KNOWN_NOISE = ("Unsatisfied version 4.2.5 from _JUPYTERLAB.CORE_OUTPUT",)
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
START_TIMEOUT_S = 90


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: drives a real Voilà server in headless Chromium (slow)")


def pytest_collection_modifyitems(items):
    # Everything under tests/e2e is end-to-end: `-m "not e2e"` skips it without a mark per file.
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.e2e)


@dataclass
class Server:
    base_url: str  # ends with "/"
    espaces: Path  # $KIT_ESPACES of the kernels
    log: Path  # the server's output, shown when it fails to start
    process: subprocess.Popen = field(repr=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cohort_calendar(root: Path) -> Path:
    """The shipped programme calendar with its application deadline moved 30 days ahead: a cohort
    still applying, given to the kernels through KIT_CALENDRIER as a facilitator would."""
    from datetime import date, timedelta

    from kit.reference.programme import CALENDAR_PATH

    text = CALENDAR_PATH.read_text(encoding="utf-8")
    ahead = (date.today() + timedelta(days=30)).isoformat()
    moved = text.replace("2024-01-30,,Date limite de candidature", f"{ahead},,Date limite de candidature")
    assert moved != text, "the shipped calendar no longer has the first cohort's deadline"
    path = root / "calendrier-cohorte.csv"
    path.write_text(moved, encoding="utf-8")
    return path


def _test_env(root: Path) -> dict[str, str]:
    """This environment with a throwaway home: no state of the machine leaks in."""
    env = dict(os.environ)
    for name in ("JUPYTER_PATH", "JUPYTER_CONFIG_PATH", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR",
                 "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        env.pop(name, None)  # the servers must find the kit's files by themselves
    for name in ("home", "cache", "espaces"):
        (root / name).mkdir(exist_ok=True)
    env.update(HOME=str(root / "home"), XDG_CACHE_HOME=str(root / "cache"),
               KIT_ESPACES=str(root / "espaces"), KIT_CALENDRIER=str(_cohort_calendar(root)))
    return env


def _start(command: list[str], env: dict[str, str], root: Path, name: str) -> Server:
    port = int(next(a for a in command if a.startswith("--port=")).split("=")[1])
    log = root / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{name} s'est arrêté au démarrage :\n{log.read_text()[-3000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return Server(f"http://127.0.0.1:{port}/", root / "espaces", log, process)
        except OSError:
            time.sleep(0.2)
    _stop(process)
    pytest.fail(f"{name} ne répond pas après {START_TIMEOUT_S} s :\n{log.read_text()[-3000:]}")


def _stop(process: subprocess.Popen) -> None:
    # SIGTERM lets the server shut its kernels down (SIGKILL would leave them running).
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _test_pools() -> dict:
    # Production pools (voila.json) plus the notebook that checks the query string of a preheated kernel.
    pools = json.loads((REPO_ROOT / "voila.json").read_text())["VoilaKernelManager"]["kernel_pools_config"]
    return {**pools, f"{NOTEBOOKS}/query.ipynb": {"pool_size": 1}}


@pytest.fixture(scope="session")
def voila_server(tmp_path_factory):
    """Standalone Voilà exactly as `python -m kit serve` runs it (with preheated kernels)."""
    root = tmp_path_factory.mktemp("voila")
    command = voila_command(_free_port(), open_browser=False, pools=_test_pools())
    server = _start(command, jupyter_env(_test_env(root)), root, "voila")  # as kit.serve.serve()
    yield server
    _stop(server.process)


@pytest.fixture(scope="session")
def jupyter_server(tmp_path_factory):
    """Binder-like: `jupyter server` in the repository root, wrapped by binder/start as on Binder,
    Voilà as its extension (no preheating). URLs: /voila/render/<notebook>."""
    root = tmp_path_factory.mktemp("jupyter")
    command = [str(REPO_ROOT / "binder" / "start"), sys.executable, "-m", "jupyter", "server",
               "--no-browser", f"--port={_free_port()}", "--ServerApp.ip=127.0.0.1",
               "--ServerApp.port_retries=0", "--IdentityProvider.token=",
               "--allow-root"]  # containers (CI) run as root
    server = _start(command, _test_env(root), root, "jupyter-server")
    yield server
    _stop(server.process)


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@dataclass
class Watch:
    """What a test's pages did that they must not do, checked when the browser closes."""

    external: list[str] = field(default_factory=list)  # requests outside this computer
    errors: list[str] = field(default_factory=list)  # uncaught exceptions and console errors
    allowed: list[str] = field(default_factory=list)  # console errors a test expects (substrings)
    failed: list[str] = field(default_factory=list)  # responses >= 400, to explain console errors

    def allow(self, *fragments: str) -> None:
        self.allowed.extend(fragments)

    def on_request(self, request_or_websocket) -> None:
        if not _is_local(request_or_websocket.url):
            self.external.append(request_or_websocket.url)

    def on_console(self, message) -> None:
        # ipywidgets reports a widget that fails to render with console.error, not an exception.
        if message.type == "error" and not any(n in message.text for n in KNOWN_NOISE + tuple(self.allowed)):
            self.errors.append(f"console.error: {message.text}")

    def attach(self, page) -> None:
        page.on("request", self.on_request)
        page.on("websocket", self.on_request)  # routing does not see websockets
        page.on("pageerror", lambda error: self.errors.append(f"{error.name}: {error.message}"))
        page.on("console", self.on_console)
        # A console "Failed to load resource" does not say which; record failed responses to tell.
        page.on("response", lambda r: self.failed.append(f"{r.status} {r.request.method} {r.url}")
                if r.status >= 400 else None)


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about", "file") or parts.hostname in LOCAL_HOSTS


@pytest.fixture
def watch():
    """The current test's `Watch`: `watch.allow("404")` accepts an expected console error."""
    return Watch()


@pytest.fixture
def browser_context(playwright_instance, watch):
    profile = tempfile.mkdtemp(prefix="kit-e2e-chromium-")
    context = playwright_instance.chromium.launch_persistent_context(
        profile, executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS,
        accept_downloads=True, viewport={"width": 1280, "height": 720})
    # The workshop room may have no internet: anything that is not this computer is refused
    # (and recorded by the pages' "request" event).
    context.route(lambda url: not _is_local(url), lambda route: route.abort())
    context.on("page", watch.attach)
    for page in context.pages:
        watch.attach(page)
    yield context
    context.close()
    shutil.rmtree(profile, ignore_errors=True)
    assert not watch.external, f"requêtes hors de localhost : {watch.external}"
    assert not watch.errors, f"erreurs JavaScript dans la page : {watch.errors} (réponses en échec : {watch.failed})"


@pytest.fixture
def page(browser_context):
    # A persistent context opens with one blank page: use it.
    return browser_context.pages[0] if browser_context.pages else browser_context.new_page()


def open_app(page, base_url: str, notebook: str, query: str = ""):
    """Open an app (notebook path relative to the repository root) and wait until it is usable:
    the notebook adds the CSS class `kit-ready` to a widget once its interface is displayed."""
    page.goto(app_url(base_url, notebook, query), wait_until="commit")
    page.wait_for_selector(".kit-ready", timeout=60_000)
    return page


@pytest.fixture(name="open_app")
def open_app_fixture():
    """`open_app` for test modules, which cannot import a conftest reliably."""
    return open_app


def wait_until(condition, timeout: float = 30) -> None:
    """Wait for a condition on the files (a save landing), as a person waits for the page to answer."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "délai dépassé"
        time.sleep(0.1)


@pytest.fixture(name="wait_until")
def wait_until_fixture():
    return wait_until


@pytest.fixture
def download(tmp_path):
    """`download(page, css)`: wait for the download link `css` (a deliverable being prepared), click it
    as a person would, and return the saved file's path (named as the browser named it)."""
    def save(page, css: str, timeout: float = 60_000) -> Path:
        link = page.locator(css)
        link.wait_for(timeout=timeout)
        with page.expect_download() as started:
            link.click()
        saved = tmp_path / started.value.suggested_filename
        started.value.save_as(saved)
        return saved
    return save
