"""How the kit is served (kit/serving, kit/serve.py, voila.json, etc/jupyter): settings for a room's load, the
Host check, the command line of `kit serve`, and what an app says about an address it cannot open.

The servers themselves are driven in tests/e2e/test_security.py and tests/e2e/test_room.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kit.cli import build_parser
from kit.serve import APPS, REPO_ROOT, voila_command
from kit.serving.app import KitVoila, host_allowed, host_name
from kit.serving import jupyter_extension
from kit.serving.kernels import KitKernelManager

# Settings that must be the same for standalone Voilà (voila.json) and Binder's Jupyter server
# (kit.serving.jupyter_extension): Voilà's server extension gives its executor the server's config.
SHARED = {
    "KitKernelManager": ("max_kernels",),
    "MappingKernelManager": ("cull_idle_timeout", "cull_interval", "cull_connected", "cull_busy"),
    "VoilaExecutor": ("startup_timeout", "iopub_timeout", "raise_on_iopub_timeout"),
}


def voila_json() -> dict:
    return json.loads((REPO_ROOT / "voila.json").read_text())


def server_config():
    return {**jupyter_extension.SETTINGS,
            "ServerApp": {"kernel_manager_class": jupyter_extension.KERNEL_MANAGER,
                          "tornado_settings": jupyter_extension.TORNADO_SETTINGS}}


@pytest.mark.parametrize("section, name", [(s, n) for s, names in SHARED.items() for n in names])
def test_both_servers_have_the_same_room_settings(section, name):
    standalone = voila_json()[section][name]
    assert server_config()[section][name] == standalone


def test_both_servers_use_the_kit_s_kernel_manager():
    path = "kit.serving.kernels.KitKernelManager"
    assert voila_json()["VoilaConfiguration"]["multi_kernel_manager_class"] == path
    assert server_config()["ServerApp"]["kernel_manager_class"] == path


def test_the_settings_fit_a_room():
    voila = voila_json()
    # A page whose output is late under load waits for it (nbclient's default: 4 s, then a blank page),
    # and a lost output is an error the page reports, not a page left empty.
    assert voila["VoilaExecutor"]["iopub_timeout"] >= 60 and voila["VoilaExecutor"]["raise_on_iopub_timeout"]
    assert voila["VoilaExecutor"]["startup_timeout"] >= 60
    # Twenty participants with a page or two each; an abandoned kernel is stopped within a few minutes,
    # never one a page is connected to, nor one still preparing its page.
    assert 20 <= voila["KitKernelManager"]["max_kernels"] <= 60
    culling = voila["MappingKernelManager"]
    assert 60 <= culling["cull_idle_timeout"] <= 180 and culling["cull_interval"] <= 60
    assert culling["cull_connected"] is False and culling["cull_busy"] is False
    assert KitKernelManager.max_kernels.default_value == voila["KitKernelManager"]["max_kernels"]
    # Standalone Voilà prepares a room's pages a few at a time (20 at once: the first after 105 s, the
    # last after 113 s; 2 at a time: 44 s and 88 s, bench/bench_room_load.py).
    assert 1 <= voila["KitVoila"]["pages_at_once"] <= 4


@pytest.mark.parametrize("header, name", [("127.0.0.1:8866", "127.0.0.1"), ("[::1]:8866", "::1"),
                                          ("LocalHost:8866", "localhost"), ("localhost.", "localhost"),
                                          ("::1", "::1"), ("evil.example:80", "evil.example")])
def test_host_name_of_a_header(header, name):
    assert host_name(header) == name


@pytest.mark.parametrize("header", ["127.0.0.1:8866", "127.1.2.3", "[::1]:8866", "localhost:8866", "localhost",
                                    "LOCALHOST:1"])
def test_this_computer_s_names_are_accepted(header):
    assert host_allowed(header, ())


@pytest.mark.parametrize("header", ["evil.example", "evil.example:8866", "127.0.0.1.evil.example",
                                    "localhost.evil.example", "192.168.1.20:8866", "", "[::ffff:10.0.0.1]"])
def test_other_names_are_refused(header):
    # DNS rebinding: a web page's own name, resolved to 127.0.0.1, arrives in the Host header.
    assert not host_allowed(header, ())


def test_on_the_network_addresses_and_given_names_are_accepted():
    assert host_allowed("192.168.1.20:8866", (), any_address=True)
    assert host_allowed("atelier.local:8866", ("atelier.local",), any_address=True)
    assert not host_allowed("evil.example:8866", ("atelier.local",), any_address=True)
    assert host_allowed("proxy.example.org", ("proxy.example.org",))


def test_kit_serve_runs_the_kit_s_voila_on_this_computer_only_by_default():
    command = voila_command(8866, open_browser=False)
    assert command[1:3] == ["-m", "kit.serving"]
    assert "--Voila.ip=127.0.0.1" in command
    assert not any(c.startswith(("--KitVoila.network", "--KitVoila.apps")) for c in command)
    assert KitVoila.apps.default() == list(APPS) == [r"notebooks/[^/]+\.ipynb"]  # not the tests' notebooks


def test_on_the_network_kit_serve_listens_everywhere_and_asks_for_the_token():
    command = voila_command(8866, open_browser=False, network=True, hosts=("atelier.local",))
    assert "--Voila.ip=0.0.0.0" in command and "--KitVoila.network=True" in command
    assert '--KitVoila.allowed_hosts=["atelier.local"]' in command
    assert not any("token" in c.lower() for c in command)  # in the environment, not in `ps`


def test_the_command_line_offers_the_network_and_proxy_names():
    args = build_parser().parse_args(["serve", "--reseau", "--hote", "atelier.local", "--hote", "proxy"])
    assert args.reseau and args.hote == ["atelier.local", "proxy"]
    assert not build_parser().parse_args(["serve"]).reseau


# ---------------------------------------------------------------------------------------------
# What an app says of an address it cannot open (?espace=...)
# ---------------------------------------------------------------------------------------------


def shown(app) -> str:
    return app.messages.widget.value


@pytest.mark.parametrize("workspace_id", ["x" * 10_000, "a" * 63 + "b", "espace-qui-n-existe-pas"])
def test_a_bad_address_gets_a_short_message_without_paths(store, workspace_id):
    from kit.apps.accueil import HomeApp
    from kit.apps.enjeux import StakesApp

    for app in (StakesApp(store, workspace_id), HomeApp(store, workspace_id)):
        message = shown(app)
        assert message, type(app).__name__
        assert len(message) < 400
        assert str(store.folder) not in message and str(store.folder.parent) not in message


def test_a_missing_reference_file_is_named_without_its_absolute_path(tmp_path):
    # Shown in the apps (resources page, "pas à pas" panel, application deadline) to whoever opens them.
    from kit.errors import KitError
    from kit.reference import guides, programme, resources

    folder = tmp_path / "installation" / "data"
    folder.mkdir(parents=True)
    for attempt in (lambda: resources._read_references(folder / "references.csv"),
                    lambda: programme.load_programme_calendar(folder / "calendrier.csv"),
                    lambda: guides.load_agenda(directory=folder)):
        with pytest.raises(KitError) as raised:
            attempt()
        assert "introuvable" in raised.value.message and str(tmp_path) not in raised.value.message


def test_no_cell_time_limit_stops_a_preheated_kernel_waiting_for_its_page():
    # A preheated kernel runs the notebook up to wait_for_request() and waits there, in its cell, until
    # someone opens the app: a VoilaExecutor.timeout would stop it after that many seconds.
    assert "timeout" not in voila_json().get("VoilaExecutor", {})
    assert "timeout" not in server_config().get("VoilaExecutor", {})


def test_a_jupyter_server_of_the_environment_applies_the_kit_settings(tmp_path):
    """Plain `jupyter lab` (a Jupyter server with no JUPYTER_CONFIG_PATH) finds the extension's switch in the
    environment's etc/jupyter and gets the settings before it builds its kernel manager and web app."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER")}
    env["HOME"] = str(tmp_path)
    shown = subprocess.run(
        [sys.executable, "-c", "from jupyter_server.serverapp import ServerApp\n"
         "app = ServerApp(); app.initialize(argv=['--port=0'], new_httpserver=False)\n"
         "s = app.web_app.settings; km = app.kernel_manager\n"
         "print(repr(s['mathjax_url']), s['websocket_max_message_size'], type(km).__name__, km.max_kernels,"
         " km.cull_idle_timeout, app.config.VoilaExecutor.iopub_timeout)"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=True).stdout.split()
    assert shown == ["None", str(100 * 1024 * 1024), "KitKernelManager", "40", "120", "120"]


def test_the_kit_s_bytecode_is_written_for_the_pages_kernels(tmp_path, monkeypatch):
    # Each page's kernel imports the kit: with its bytecode written, none compiles it again.
    import importlib.util

    from kit import serve

    (tmp_path / "kit" / "apps").mkdir(parents=True)
    (tmp_path / "kit" / "apps" / "page.py").write_text("VALUE = 1\n", encoding="utf-8")
    monkeypatch.setattr(serve, "REPO_ROOT", tmp_path)
    serve.precompile_kit()
    assert Path(importlib.util.cache_from_source(str(tmp_path / "kit" / "apps" / "page.py"))).is_file()
