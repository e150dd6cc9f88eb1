"""What `kit serve` answers, and to whom: the apps only, this computer's names only, a token on the network,
a bounded number of kernels, and no traceback in what a page receives.

Real servers as `kit serve` starts them (kit.serve.voila_command) with the production settings of
voila.json, here without the tests' own notebooks unless said; requests are sent raw (http.client, a
Tornado websocket client) so that the Host header, the path and the cookies are exactly the test's.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import html
import http.client
import json
import re
import threading
import time

import pytest

from kit.serve import jupyter_env, network_address, voila_command
from tests import harness

NB = "tests/e2e/notebooks"
LIGHT_APP = "notebooks/glossaire.ipynb"  # a production app without a workspace: quick to serve
TOKEN = "jeton-de-test-0123456789"


@contextlib.contextmanager
def server(tmp_path_factory, name: str, *extra: str, network: bool = False, env: dict | None = None):
    root, port = tmp_path_factory.mktemp(name), harness.free_port()
    command = [*voila_command(port, open_browser=False, preheat=False, network=network), *extra]
    environment = {**jupyter_env(harness.isolated_env(root)), **(env or {})}
    with harness.serving(command, environment, root / "voila.log", port=port, name=name) as process:
        yield port, root / "voila.log", process


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """`kit serve` on 127.0.0.1: (port, log)."""
    with server(tmp_path_factory, "production") as (port, log, _):
        yield port, log


def request(port: int, path: str, *, host: str | None = None, headers: dict | None = None, timeout: float = 120):
    """GET `path` as written (no normalisation), with this Host header: (status, headers, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", host or f"127.0.0.1:{port}")
        for key, value in (headers or {}).items():
            connection.putheader(key, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode("utf-8", errors="replace")
    finally:
        connection.close()


def kernel_id(body: str) -> str:
    return re.search(r'"kernelId": "([0-9a-f-]+)"', body).group(1)


def websocket(port: int, path: str, *, host: str, cookie: str = "") -> int:
    """Open a websocket with this Host header: 101 if it opened, else the HTTP status of the refusal."""
    from tornado.httpclient import HTTPClientError, HTTPRequest
    from tornado.websocket import websocket_connect

    async def attempt() -> int:
        headers = {"Host": host, **({"Cookie": cookie} if cookie else {})}
        try:
            connection = await websocket_connect(HTTPRequest(f"ws://127.0.0.1:{port}{path}", headers=headers,
                                                             request_timeout=30))
        except HTTPClientError as error:
            return error.code
        connection.close()
        return 101

    # In its own thread: Playwright's sync API (used by other tests of the session) keeps an event loop
    # running in the main thread, where asyncio.run() is refused.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, attempt()).result()


def channels(kernel: str) -> str:
    return f"/api/kernels/{kernel}/channels?session_id=test"


# ---------------------------------------------------------------------------------------------
# Host header (DNS rebinding)
# ---------------------------------------------------------------------------------------------


def test_a_foreign_host_header_is_refused_on_every_route_websockets_included(production):
    port, _ = production
    status, _, body = request(port, f"/voila/render/{LIGHT_APP}")
    assert status == 200
    kernel = kernel_id(body)
    evil = f"evil.example:{port}"
    for path in (f"/voila/render/{LIGHT_APP}", "/voila/static/voila.js", "/voila/templates/lab/static/voila.js",
                 f"/api/kernels/{kernel}", f"/voila/query/{kernel}", "/"):
        status, _, body = request(port, path, host=evil)
        assert status == 403, path
        assert "n'est pas celle de l'atelier" in html.unescape(body)
    assert websocket(port, channels(kernel), host=evil) == 403
    # The page's own names still work: this is a refusal of the host, not of the route.
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"):
        assert request(port, "/voila/static/voila.js", host=host)[0] == 200
    assert websocket(port, channels(kernel), host=f"localhost:{port}") == 101


# ---------------------------------------------------------------------------------------------
# The apps only
# ---------------------------------------------------------------------------------------------


def test_only_the_apps_are_served(production):
    port, _ = production
    for path in ("/voila/api/contents", "/voila/api/contents/notebooks", "/voila/tree", "/voila/tree/notebooks",
                 f"/voila/render/{NB}/bare.ipynb", f"/voila/render/notebooks/../{NB}/bare.ipynb",
                 "/voila/render/README.md", "/voila/files/data/README.md",
                 "/voila/templates/lab/static/../../..", "/voila/templates/nothing/static/x.js"):
        status, _, body = request(port, path)
        assert status == 404, path
    status, headers, _ = request(port, "/")
    assert status == 302 and headers["Location"].endswith("/voila/render/notebooks/00_accueil.ipynb")
    assert "Cette page n'existe pas" in html.unescape(request(port, "/voila/render/notebooks/absent.ipynb")[2])


# ---------------------------------------------------------------------------------------------
# Kernels: bounded, abandoned ones culled
# ---------------------------------------------------------------------------------------------


def test_kernels_are_bounded_and_abandoned_ones_culled(tmp_path_factory):
    with server(tmp_path_factory, "bounded", "--KitKernelManager.max_kernels=2",
                "--MappingKernelManager.cull_idle_timeout=4", "--MappingKernelManager.cull_interval=1") as (port, log, _):
        # Three pages asked for at once (no browser: their websockets never connect): two kernels.
        answers: list = [None] * 3

        def get(i: int) -> None:
            answers[i] = request(port, f"/voila/render/{LIGHT_APP}")

        threads = [threading.Thread(target=get, args=(i,)) for i in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(status for status, _, _ in answers) == [200, 200, 503]
        _, headers, body = next(a for a in answers if a[0] == 503)
        assert "Réessayez dans une minute" in html.unescape(body) and "rechargez la page" in html.unescape(body)
        assert headers["Retry-After"] == "60"
        assert harness.tail(log, 10**6).count("Kernel started") == 2
        kernels = [kernel_id(body) for status, _, body in answers if status == 200]
        # Nobody connected to them: culled after cull_idle_timeout, then there is room again.
        deadline = time.monotonic() + 30
        while any(request(port, f"/api/kernels/{k}")[0] == 200 for k in kernels):
            assert time.monotonic() < deadline, "abandoned kernels still alive"
            time.sleep(0.5)
        assert request(port, f"/voila/render/{LIGHT_APP}")[0] == 200


# ---------------------------------------------------------------------------------------------
# On the network: a token
# ---------------------------------------------------------------------------------------------


def test_on_the_network_every_request_needs_the_token(tmp_path_factory):
    with server(tmp_path_factory, "network", network=True, env={"KIT_SERVE_TOKEN": TOKEN}) as (port, log, process):
        page = f"/voila/render/{LIGHT_APP}"
        status, headers, _ = request(port, page)
        assert status == 302 and "/login?next=" in headers["Location"]
        status, _, body = request(port, headers["Location"])
        assert status == 200 and "code d'accès" in html.unescape(body)
        assert request(port, page + "?token=wrong")[0] == 302
        assert request(port, "/api/kernels/00000000-0000-0000-0000-000000000000")[0] == 403
        assert "Kernel started" not in harness.tail(log, 10**6)

        # The address kit serve prints: logged in, then the same page without the token.
        status, headers, _ = request(port, f"{page}?token={TOKEN}")
        assert status == 302 and headers["Location"] == page
        cookie = "; ".join(c.split(";")[0] for c in headers.get_all("Set-Cookie"))
        status, _, body = request(port, page, headers={"Cookie": cookie})
        assert status == 200
        kernel = kernel_id(body)
        assert websocket(port, channels(kernel), host=f"127.0.0.1:{port}") == 403  # no cookie, no token
        assert websocket(port, channels(kernel), host=f"127.0.0.1:{port}", cookie=cookie) == 101
        # The room's computers use this computer's address; a foreign name stays refused, token or not.
        assert request(port, "/voila/static/voila.js", host=f"{network_address()}:{port}")[0] == 200
        assert request(port, f"{page}?token={TOKEN}", host=f"evil.example:{port}")[0] == 403
        # The kernels never see the token (Voilà would give them its whole environment).
        import psutil

        for child in psutil.Process(process.pid).children(recursive=True):
            assert TOKEN not in json.dumps(child.environ())


# ---------------------------------------------------------------------------------------------
# No traceback leaves the kernel
# ---------------------------------------------------------------------------------------------


def test_no_traceback_reaches_the_browser(page, voila_server, open_app, wait_until):
    frames: list[bytes] = []
    page.on("websocket", lambda ws: ws.on(
        "framereceived", lambda payload: frames.append(payload if isinstance(payload, bytes) else payload.encode())))
    open_app(page, voila_server.base_url, f"{NB}/callback_errors.ipynb")
    page.locator(".kit-unguarded").click()  # ipywidgets: get_ipython().showtraceback()
    page.locator(".kit-guarded").click()  # Messages.guard: logging.exception
    page.wait_for_selector(".kit-msg-error")
    page.locator(".kit-observed input").fill("x")  # a trait observer: Widget._handle_msg, and a warning
    page.locator(".kit-done").click()  # the kernel handles a page's messages in order: the last one
    page.wait_for_function("document.querySelector('.kit-done').innerText.includes('Reçu')")
    # The notebook's second cell failed after the app started: a French line, nothing of the error.
    assert "Rechargez la page" in page.locator(".kit-cell-error").inner_text()
    assert "SECRET_DETAIL" not in page.content() and "Traceback" not in page.content()
    received = b"".join(frames)
    assert b"Sans garde" in received  # the frames were read (the widgets' states are in them)
    assert b"SECRET_DETAIL" not in received
    assert b"traceback" not in received.lower()
    # The errors are in the kernel's log (the server's output), where the facilitator can read them.
    wait_until(lambda: voila_server.log.read_text(errors="replace").count("SECRET_DETAIL") >= 5)
    assert "Traceback (most recent call last)" in voila_server.log.read_text(errors="replace")
