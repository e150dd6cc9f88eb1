"""Plain `jupyter lab`, as a territory's technician opens the kit between sessions: no binder/start, no
JUPYTER_PATH or JUPYTER_CONFIG_PATH, no `kit serve`. The kit must be found by what its environment holds
(the template and the server extension's switch under the prefix, see CONTRIBUTING « Serving »).

A session notebook run in JupyterLab has no ``?espace=``: the app offers the workspaces and opens the one
chosen, in place. « Render with Voilà » shows the home app with the kit's template, offline.
"""

from __future__ import annotations

import json
import sys

import pytest

from kit.apps.workspace_choice import chooser_options
from kit.demo import create_demo
from kit.serve import REPO_ROOT
from kit.store import Store
from tests import harness
from tests.e2e.conftest import _start, _test_env

LAB_TIMEOUT_MS = 120_000


def _quiet_lab_settings(home) -> None:
    """JupyterLab's own settings in the throwaway home: no autosave (the test must not write into the
    tracked notebooks) and no news prompt over the page."""
    settings = home / ".jupyter" / "lab" / "user-settings" / "@jupyterlab"
    for plugin, values in {"docmanager-extension/plugin": {"autosave": False},
                           "apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False}}.items():
        path = settings / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")


@pytest.fixture(scope="module")
def tracked_notebooks_kept():
    """« Render anyway » makes JupyterLab sign the notebook, which saves it (kernel metadata): the test puts
    the tracked notebooks back as they were."""
    saved = {path: path.read_bytes() for path in (REPO_ROOT / "notebooks").glob("*.ipynb")}
    yield
    for path, content in saved.items():
        if path.read_bytes() != content:
            path.write_bytes(content)


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory, tracked_notebooks_kept):
    root, port = tmp_path_factory.mktemp("lab"), harness.free_port()
    env = _test_env(root)
    assert not any(name in env for name in ("JUPYTER_PATH", "JUPYTER_CONFIG_PATH"))
    _quiet_lab_settings(root / "home")
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
               "--ServerApp.port_retries=0", "--IdentityProvider.token=", "--allow-root"]
    server = _start(command, env, root, "jupyter-lab", port)
    yield server
    harness.stop_server(server.process)


def _wait_for_idle_kernel(page) -> None:
    page.wait_for_selector(".jp-StatusBar-TextItem:has-text('Idle')", timeout=LAB_TIMEOUT_MS)


def test_a_session_notebook_in_jupyterlab_opens_the_workspace_chosen_in_it(page, lab_server):
    store = Store(lab_server.espaces)
    demo = create_demo(store)
    label = dict((v, k) for k, v in chooser_options(store.list()))[demo.id]
    page.goto(f"{lab_server.base_url}lab/tree/notebooks/10_enjeux.ipynb", timeout=LAB_TIMEOUT_MS)
    page.wait_for_selector(".jp-Notebook", timeout=LAB_TIMEOUT_MS)
    _wait_for_idle_kernel(page)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.locator("li[data-command='runmenu:run-all']").click()
    chooser = page.locator(".kit-session-chooser select")
    chooser.wait_for(timeout=LAB_TIMEOUT_MS)
    chooser.select_option(label=label)
    page.wait_for_selector(".kit-tabs", timeout=LAB_TIMEOUT_MS)
    assert page.locator(".kit-app .kit-sub").first.inner_text().startswith(demo.name)
    assert "espace=" not in page.url  # JupyterLab's own address is left alone

    # The home notebook, opened from the file browser, then « Render with Voilà » (JupyterLab asks to
    # trust a notebook it has not run: the person answers « Render anyway »).
    page.locator(".jp-DirListing-item:has-text('00_accueil.ipynb')").dblclick()
    page.wait_for_selector(".lm-TabBar-tab.lm-mod-current:has-text('00_accueil.ipynb')")
    _wait_for_idle_kernel(page)
    page.locator("[title='Render with Voilà']:visible").click()
    page.get_by_role("button", name="Render anyway").click()
    preview = page.frame_locator("iframe").first
    preview.locator(".kit-home.kit-ready").wait_for(timeout=LAB_TIMEOUT_MS)
    preview.locator(".kit-chooser select").select_option(label=label)
    preview.locator(".kit-ws-name").wait_for(timeout=LAB_TIMEOUT_MS)
    rendered = next(f for f in page.frames if "/voila/render/notebooks/00_accueil.ipynb" in f.url)
    assert rendered.locator("body[data-voila]").count() == 1
    assert rendered.title() == "Quartiers en transitions"  # the kit's template (Voilà's own shows the file name)
