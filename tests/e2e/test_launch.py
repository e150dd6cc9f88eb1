"""`kit serve` started as a facilitator's laptop starts it, and stopped as its console stops it.

The README's « Sans make (Windows, macOS) » path runs the `quartiers-en-transitions` console script
(`kit.cli:main`) with a Python from python.org: no activated environment, no `make`, no home-folder
settings. Here the same entry point runs in a minimal environment (as far as Linux allows: a short PATH
without the environment's scripts, no HOME), and is stopped by Ctrl+C, which a console sends to every
program it runs (Windows' Ctrl+Break and closed window take the same path, see `kit.serve.stop_handlers`).
And a reload of the home page keeps the workspace chosen in it (``?espace=``, set in place in the address).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time

from kit.serve import REPO_ROOT
from tests.harness import free_port


def test_the_console_script_serves_and_stops_on_ctrl_c_without_a_traceback(tmp_path):
    port = free_port()
    env = {"PATH": "/usr/bin:/bin", "KIT_ESPACES": str(tmp_path / "espaces"), "LANG": "C.UTF-8"}
    command = [sys.executable, "-c", "import sys; from kit.cli import main; sys.exit(main(sys.argv[1:]))",
               "serve", "--no-browser", "--port", str(port)]
    server = subprocess.Popen(command, cwd=tmp_path, env={**env, "PYTHONPATH": str(REPO_ROOT)},
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              start_new_session=True)  # its own group: the console's Ctrl+C reaches it all
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(server.stdout), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 120
        # Stopped once the home app's preheated kernel waits for its page (what used to print the traceback).
        while not any("is filled" in line for line in lines):
            assert server.poll() is None and time.monotonic() < deadline, "".join(lines)
            time.sleep(0.5)
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
        time.sleep(10)  # and for the notebook to run up to wait_for_request() (a few seconds)
        os.killpg(server.pid, signal.SIGINT)
        server.wait(timeout=60)
        reader.join(timeout=10)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
    output = "".join(lines)
    assert server.returncode == 0, output
    assert "L'atelier est arrêté." in output
    assert "Traceback" not in output and "Socket operation on non-socket" not in output, output


def test_a_reload_keeps_the_chosen_workspace(page, voila_server, open_app):
    from kit.store import Store

    open_app(page, voila_server.base_url, "notebooks/00_accueil.ipynb")
    search = page.locator(".kit-epci-search input")
    search.fill("grand dax")
    search.press("Tab")
    page.locator(".kit-epci-results select").select_option(label="CA du Grand Dax (244000675)")
    page.locator(".kit-create").click()
    page.wait_for_selector(".kit-ws-name")
    page.wait_for_function("new URL(location.href).searchParams.get('espace')")  # set in place, no reload
    chosen = page.evaluate("new URL(location.href).searchParams.get('espace')")
    assert Store(voila_server.espaces).load(chosen).name == "CA du Grand Dax"
    label = page.locator(".kit-chooser select").input_value()
    page.reload(wait_until="commit")
    page.wait_for_selector(".kit-ready", timeout=60_000)
    page.wait_for_selector(".kit-ws-name:has-text('CA du Grand Dax')")
    assert page.locator(".kit-chooser select").input_value() == label
    assert page.evaluate("new URL(location.href).searchParams.get('espace')") == chosen


def test_a_session_app_opened_without_a_workspace_opens_the_one_chosen_and_keeps_it(page, voila_server, open_app):
    from kit.apps.workspace_choice import chooser_options
    from kit.store import Store

    store = Store(voila_server.espaces)
    ws = store.create("Choisi dans la page", territory={"epci_name": "CA du Grand Dax", "epci_siren": "244000675"})
    label = dict((v, k) for k, v in chooser_options(store.list()))[ws.id]
    open_app(page, voila_server.base_url, "notebooks/20_projet.ipynb")
    page.locator(".kit-session-chooser select").select_option(label=label)
    page.wait_for_selector(".kit-tabs")
    page.wait_for_function(f"new URL(location.href).searchParams.get('espace') === {ws.id!r}")
    page.reload(wait_until="commit")
    page.wait_for_selector(".kit-ready", timeout=60_000)
    page.wait_for_selector(".kit-tabs")
    assert "Choisi dans la page" in page.locator(".kit-sub").first.inner_text()
