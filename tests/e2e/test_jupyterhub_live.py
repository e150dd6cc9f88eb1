"""The live workshop behind a real JupyterHub (PyPI `jupyterhub`, its `configurable-http-proxy`): each
territory's own single-user server answers the room's phones under /user/<name>/atelier/<code>, without
a hub login (a phone is nobody's account), and answers nothing else without one.

Two territory users, each with their own workspaces folder: a phone (no cookie) opens the join address of
the first, proposes a stake, and the proposal is in that territory's room file; the same code under the
other territory's server is unknown; the territory's files and kernels stay behind the hub's login."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

from kit.demo import create_demo
from kit.live import room
from kit.store import Store
from tests import harness

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "kit-e2e-" + "0123456789abcdef" * 2
USERS = ("rivebelle", "autre")


def config(tmp: Path, port: int, hub_port: int, proxy_port: int) -> str:
    venv_bin = Path(sys.executable).parent
    return f"""
import sys
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_port}"
c.ConfigurableHTTPProxy.command = [{str(venv_bin / "configurable-http-proxy")!r}]
c.JupyterHub.db_url = "sqlite:///{tmp / 'hub.sqlite'}"
c.JupyterHub.cookie_secret_file = {str(tmp / 'cookie_secret')!r}
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {str(tmp / 'home' / '{username}')!r}
c.Spawner.cmd = [{sys.executable!r}, "-m", "jupyterhub.singleuser"]
c.Spawner.args = ["--allow-root"]  # a CI machine or a container may run as root
c.Spawner.notebook_dir = {str(ROOT)!r}
c.Spawner.environment = {{"KIT_ESPACES": lambda spawner: {str(tmp / 'espaces')!r} + "/" + spawner.user.name}}
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.JupyterHub.cleanup_servers = True
c.JupyterHub.services = [{{"name": "kit-e2e", "api_token": {TOKEN!r}}}]
c.JupyterHub.load_roles = [{{"name": "kit-e2e", "scopes": ["admin:users", "admin:servers"], "services": ["kit-e2e"]}}]
"""


def call(url: str, method: str = "GET", body: dict | None = None, token: str | None = None):
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"token {token}"
    return harness.http_call(url, method, json.dumps(body).encode() if body is not None else None, headers)


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hub")
    port, hub_port, proxy_port = harness.free_port(), harness.free_port(), harness.free_port()
    (tmp / "jupyterhub_config.py").write_text(config(tmp, port, hub_port, proxy_port), encoding="utf-8")
    env = harness.isolated_env(tmp, tmp / "espaces")
    process, base = harness.start_jupyterhub(tmp / "jupyterhub_config.py", env, tmp / "hub.log", port)
    try:
        for user in USERS:
            status, text, _ = call(f"{base}/hub/api/users/{user}", "POST", {}, TOKEN)
            assert status in (201, 409), (status, text[:500], (tmp / "hub.log").read_text(errors="replace")[-2000:])
            status, text, _ = call(f"{base}/hub/api/users/{user}/server", "POST", {}, TOKEN)
            assert status in (201, 202), (status, text)
        deadline = time.monotonic() + 150
        for user in USERS:
            while True:
                status, text, _ = call(f"{base}/hub/api/users/{user}", token=TOKEN)
                server = (json.loads(text).get("servers") or {}).get("", {}) if status == 200 else {}
                if server.get("ready"):
                    break
                assert time.monotonic() < deadline, (tmp / "hub.log").read_text(errors="replace")[-3000:]
                time.sleep(1)
        yield base, tmp
    finally:
        harness.stop_server(process)


def test_a_phone_reaches_its_territory_s_server_through_the_hub_and_nothing_else(hub):
    base, tmp = hub
    stores = {user: Store(tmp / "espaces" / user) for user in USERS}
    ws = create_demo(stores["rivebelle"])
    other = create_demo(stores["autre"])
    code = room.open_activity(stores["rivebelle"], ws.id, "propositions")
    other_code = room.open_activity(stores["autre"], other.id, "propositions")
    prefix = "/user/rivebelle/atelier/"

    # A phone, with no cookie and no hub account: the join page, then the activity's page.
    status, text, _ = call(f"{base}{prefix}")
    assert status == 200 and f'action="{prefix}"' in text and ws.id not in text
    status, text, headers = call(f"{base}{prefix}{code}")
    assert status == 200 and "Proposer un enjeu" in text and "default-src 'none'" in headers["Content-Security-Policy"]
    assert f'"base": "{prefix}{code}"' in text, "the page's script sends under the territory's prefix"
    status, text, _ = call(f"{base}{prefix}{code}/envoi", "POST", {
        "participant": "p-1111111111111111", "pseudonym": "Inès", "id": "c-0000000000000001",
        "title": "Des fontaines dans le parc", "theme": "", "neighbourhood": ""})
    assert status == 200 and json.loads(text)["ok"] is True, text
    assert [c.title for c in room.pending(stores["rivebelle"], ws.id)] == ["Des fontaines dans le parc"]

    # Another territory's code is unknown here; it answers under that territory's own server.
    assert call(f"{base}{prefix}{other_code}")[0] == 404
    assert call(f"{base}/user/autre/atelier/{other_code}")[0] == 200
    # The territory's files, kernels and apps stay behind the hub's login.
    for path in ("api/contents", "api/kernels", "files/README.md",
                 "voila/render/notebooks/00_accueil.ipynb", "atelier/../api/contents"):
        status, _, headers = call(f"{base}/user/rivebelle/{path}")
        assert status in (302, 403, 404) and status != 200, (path, status)
        if status == 302:
            assert "/hub/" in headers.get("Location", ""), (path, headers.get("Location"))
