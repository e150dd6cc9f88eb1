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
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kit.serve import REPO_ROOT, jupyter_env, voila_command
from tests import harness  # the server, browser and offline guard shared with bench/

# The notebooks here are fixtures for the browser, not nbval tests.
collect_ignore_glob = ["notebooks/*"]

NOTEBOOKS = "tests/e2e/notebooks"  # relative to the repository root, as in the URLs


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
    """This environment with a throwaway home (no state of the machine leaks in) and the cohort's calendar."""
    env = harness.isolated_env(root)
    env["KIT_CALENDRIER"] = str(_cohort_calendar(root))
    return env


def _start(command: list[str], env: dict[str, str], root: Path, name: str, port: int) -> Server:
    log = root / f"{name}.log"
    try:
        process = harness.start_server(command, env, log, port=port, name=name)
    except harness.ServerError as error:
        pytest.fail(str(error))
    return Server(harness.local_url(port), root / "espaces", log, process)


def _test_pools() -> dict:
    # Production pools (voila.json) plus the notebook that checks the query string of a preheated kernel.
    pools = json.loads((REPO_ROOT / "voila.json").read_text())["VoilaKernelManager"]["kernel_pools_config"]
    return {**pools, f"{NOTEBOOKS}/query.ipynb": {"pool_size": 1}}


@pytest.fixture(scope="session")
def voila_server(tmp_path_factory):
    """Standalone Voilà exactly as `python -m kit serve` runs it (with preheated kernels)."""
    root, port = tmp_path_factory.mktemp("voila"), harness.free_port()
    command = voila_command(port, open_browser=False, pools=_test_pools(), extra_apps=harness.TEST_APPS)
    server = _start(command, jupyter_env(_test_env(root)), root, "voila", port)  # as kit.serve.serve()
    yield server
    harness.stop_server(server.process)


@pytest.fixture(scope="session")
def jupyter_server(tmp_path_factory):
    """Binder-like: `jupyter server` in the repository root, wrapped by binder/start as on Binder,
    Voilà as its extension (no preheating). URLs: /voila/render/<notebook>."""
    root, port = tmp_path_factory.mktemp("jupyter"), harness.free_port()
    command = [str(REPO_ROOT / "binder" / "start"), sys.executable, "-m", "jupyter", "server",
               "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
               "--ServerApp.port_retries=0", "--IdentityProvider.token=",
               "--allow-root"]  # containers (CI) run as root
    server = _start(command, _test_env(root), root, "jupyter-server", port)
    yield server
    harness.stop_server(server.process)


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture
def watch():
    """The current test's `harness.Watch`: `watch.allow("404")` accepts an expected console error."""
    return harness.Watch()


@pytest.fixture
def browser_context(playwright_instance, watch):
    """A fresh chromium profile, offline; checked when it closes: no request outside this computer, no
    JavaScript error (uncaught exception or console error) in its pages."""
    with harness.browser_context(playwright_instance, watch, profile_prefix="kit-e2e-chromium-",
                                 accept_downloads=True) as context:
        yield context
    assert not watch.external, f"requêtes hors de localhost : {watch.external}"
    assert not watch.errors, f"erreurs JavaScript dans la page : {watch.errors} (réponses en échec : {watch.failed})"


@pytest.fixture
def page(browser_context):
    return harness.first_page(browser_context)


@pytest.fixture(name="open_app")
def open_app_fixture():
    """`harness.open_app(page, base_url, notebook, query="")`: open an app and wait until it is usable."""
    return harness.open_app


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
