"""A cohort on a real JupyterHub started from deploy/jupyterhub/jupyterhub_config.py, as the regional centre
starts it (only its environment variables point at a temporary folder: dummy login, one system account).

Two territories, each with its own workspaces folder (espaces/<user>), and one facilitator; the cohort's
folder (cohortes/) is shared by every server. In a real browser, through the hub's login page:
- each territory's home app lists its own workspaces and nothing of the other territory's;
- the facilitator's « Regards croisés » shows the two territories that share, and not a third workspace,
  member of the cohort, that shares nothing (`sharing="rien"`);
- with a territory's cookies, no URL (the other's server, its own server's files and contents with « .. »
  in every spelling) returns the other territory's workspace file.

The stores and the cohort are written with the kit's API (real files on disk) before any page opens.
What system accounts add (a kernel of one territory unable to open another's folder) needs accounts this
test cannot create: it is the operating system's part, described in deploy/jupyterhub/README.md."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from playwright.sync_api import TimeoutError as PageTimeout

from kit.cohort.cohorts import CohortFolder
from kit.demo import create_demo
from kit.model import Stake
from kit.store import Store
from tests import harness

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "deploy" / "jupyterhub" / "jupyterhub_config.py"
HOME = "notebooks/00_accueil.ipynb"
REGARDS = "notebooks/50_regards_croises.ipynb"
TERRITORY_1, TERRITORY_2, FACILITATOR = "rivebelle", "coteaux", "animatrice"
# Written in territory 2's workspace file only: a response that holds it has read that file.
SECRET = "Formulation-confidentielle-des-Coteaux-4f1c9e"
# Hub pages and a server starting for the first time on 2 shared cores: minutes, not seconds.
SPAWN_TIMEOUT_MS = 240_000


def call(url: str, cookies: str = "", xsrf: str = "") -> tuple[int, str, dict]:
    """GET `url` exactly as written (urllib leaves « .. » and %2e alone: a browser would resolve them
    before sending), with a territory's cookies, without following a redirect."""
    headers = {**({"Cookie": cookies} if cookies else {}), **({"X-XSRFToken": xsrf} if xsrf else {})}
    return harness.http_call(url, headers=headers, timeout=60)


def is_hub(base: str, location: str) -> bool:
    return location.startswith(("/hub/", f"{base}/hub/"))


def follow(base: str, path: str, cookies: str, xsrf: str, *, into_hub: bool = False) -> list[tuple[str, int, str, dict]]:
    """`call` along the redirects inside the user servers (Voilà sends a file that is not a notebook to
    /voila/files/...), each hop's address kept as the server wrote it (never resolved here), until an answer
    that is not a redirect, or a redirect to the hub (its login is not what is looked at here) unless
    `into_hub`."""
    url, hops = base + path, []
    for _ in range(6):
        status, text, headers = call(url, cookies, xsrf)
        hops.append((url, status, text, headers))
        location = headers.get("Location", "")
        if status not in (301, 302, 303, 307, 308) or (is_hub(base, location) and not into_hub):
            return hops
        url = base + location if location.startswith("/") else location
    raise AssertionError(f"{path}: too many redirects {[h[:2] for h in hops]}")


def prepare(data: Path) -> SimpleNamespace:
    """The territories' stores and the cohort, as their servers would have written them."""
    store_1, store_2 = Store(data / "espaces" / TERRITORY_1), Store(data / "espaces" / TERRITORY_2)
    ws_1 = store_1.rename(create_demo(store_1).id, "Rivebelle Agglo (hub de la cohorte)")  # shares a summary
    ws_2 = store_2.create("Communauté des Coteaux (hub de la cohorte)",
                          territory={"epci_name": "CC des Coteaux (fictive)", "epci_siren": "", "communes": []})

    def everything(ws):
        ws.sharing = "tout"
        ws.stakes = [Stake(title="Îlots de chaleur", statement=SECRET)]
    ws_2 = store_2.update(ws_2.id, everything)
    hidden = store_2.create("Espace réservé des Coteaux (ne partage rien)")
    hidden = store_2.update(hidden.id, lambda ws: setattr(ws, "sharing", "rien"))
    cohorts = CohortFolder(data / "cohortes")
    cohort = cohorts.create("Cohorte du hub 2026", [FACILITATOR])
    for ws in (ws_1, ws_2, hidden):
        cohorts.join(cohort.id, ws)
    assert (data / "cohortes" / "partages" / f"{ws_2.id}.json").exists()
    assert not (data / "cohortes" / "partages" / f"{hidden.id}.json").exists()
    return SimpleNamespace(ws_1=ws_1, ws_2=ws_2, hidden=hidden, cohort=cohort,
                           file_2=store_2.path(ws_2.id), file_hidden=store_2.path(hidden.id))


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hub-cohort")
    data = tmp / "donnees"
    setup = prepare(data)
    port = harness.free_port()
    env = harness.isolated_env(tmp, data / "espaces" / "hub")  # the hub's own KIT_ESPACES reaches no server
    env.update(KIT_HUB_DATA=str(data), KIT_HUB_AUTH="dummy", KIT_HUB_SPAWNER="simple",
               KIT_HUB_TERRITOIRES=f"{TERRITORY_1}, {TERRITORY_2}", KIT_HUB_ANIMATEURS=FACILITATOR,
               KIT_HUB_IP="127.0.0.1", KIT_HUB_PORT=str(port), KIT_HUB_HUB_PORT=str(harness.free_port()),
               KIT_HUB_PROXY_API_PORT=str(harness.free_port()))
    env.pop("KIT_COHORTES", None)
    log = tmp / "hub.log"
    process, base = harness.start_jupyterhub(CONFIG, env, log, port)
    try:
        yield SimpleNamespace(base=base, data=data, log=log, **vars(setup))
    finally:
        harness.stop_server(process)
        harness.kill_leftovers(tmp)  # a single-user server or kernel the hub did not stop


def log_in(page, hub, user: str) -> None:
    """The hub's login page, as a person fills it in; the hub starts the user's server and lands on the
    configuration's default page, the home app."""
    page.goto(f"{hub.base}/hub/login", wait_until="domcontentloaded")
    page.fill("#username_input", user)
    page.fill("#password_input", "n'importe lequel")  # the dummy authenticator of a test hub
    page.click("#login_submit")
    try:
        page.wait_for_url(re.compile(rf"/user/{user}/voila/render/{re.escape(HOME)}"), timeout=SPAWN_TIMEOUT_MS,
                          wait_until="commit")
        page.wait_for_selector(".kit-ready", state="visible", timeout=harness.READY_TIMEOUT_MS)
    except PageTimeout:
        raise AssertionError(f"{user}: {page.url}\n{harness.tail(hub.log)}") from None


def workspace_choices(page) -> list[str]:
    """The workspaces the home app offers (« name — EPCI », with the non-breaking spaces of the page)."""
    return [" ".join(text.split()) for text in page.locator(".kit-chooser select option").all_inner_texts()]


def plain(text: str) -> str:
    """A page's text with its non-breaking spaces (the kit's French typography) as plain ones."""
    return " ".join(text.split())


def offered(name: str, choices: list[str]) -> bool:
    return any(choice == name or choice.startswith(f"{name} — ") for choice in choices)


def test_each_territory_logs_in_and_sees_its_own_workspaces_only(hub, browser_context, playwright_instance, watch):
    page = harness.first_page(browser_context)
    log_in(page, hub, TERRITORY_1)
    assert page.url.startswith(f"{hub.base}/user/{TERRITORY_1}/voila/render/{HOME}")
    choices = workspace_choices(page)
    assert offered(hub.ws_1.name, choices), choices
    html = page.content()
    for other in (hub.ws_2, hub.hidden):
        assert other.name not in html and other.id not in html, other.name

    with harness.browser_context(playwright_instance, watch, profile_prefix="kit-e2e-chromium-") as context:
        page = harness.first_page(context)
        log_in(page, hub, TERRITORY_2)
        choices = workspace_choices(page)
        assert offered(hub.ws_2.name, choices) and offered(hub.hidden.name, choices), choices
        html = page.content()
        assert hub.ws_1.name not in html and hub.ws_1.id not in html


def test_the_facilitator_sees_the_territories_that_share_and_not_the_one_that_does_not(hub, page):
    if not (ROOT / REGARDS).exists():
        pytest.skip(f"{REGARDS} n'existe pas encore (l'application « Regards croisés » est en cours d'écriture)")
    log_in(page, hub, FACILITATOR)
    page.goto(f"{hub.base}/user/{FACILITATOR}/voila/render/{REGARDS}?cohorte={hub.cohort.id}", wait_until="commit")
    page.wait_for_selector(".kit-ready", state="visible", timeout=harness.READY_TIMEOUT_MS)
    members = page.locator(".kit-regards-members")
    deadline = time.monotonic() + 60
    while not all(name in plain(members.inner_text()) for name in (hub.ws_1.name, hub.ws_2.name)):
        assert time.monotonic() < deadline, plain(page.locator("body").inner_text())[:3000]
        time.sleep(0.5)
    shown = plain(page.locator("body").inner_text())
    assert "Regards croisés" in shown and hub.cohort.name in shown, shown[:3000]
    listed = plain(members.inner_text())
    assert re.search(r"un résumé", listed, re.IGNORECASE) and re.search(r"\btout\b", listed, re.IGNORECASE), listed
    html = page.content()
    assert hub.hidden.name not in html and hub.hidden.id not in html, "a workspace that shares nothing appears"


def test_no_url_gives_a_territory_the_other_territory_s_workspace(hub, page):
    log_in(page, hub, TERRITORY_1)
    cookies = page.context.cookies()
    # Every cookie the browser holds, whatever its path (more than a browser would send with each request).
    cookie_header = "; ".join(f"{c['name']}={c['value']}" for c in cookies)
    xsrf = next((c["value"] for c in cookies if c["name"] == "_xsrf"), "")
    own = f"/user/{TERRITORY_1}"

    # The cookies do open territory 1's own server: the refusals below are about the paths, not the login.
    status, text, _ = call(f"{hub.base}{own}/api/contents/notebooks", cookie_header, xsrf)
    assert status == 200 and "00_accueil.ipynb" in text, (status, text[:300])

    assert hub.file_2.read_text(encoding="utf-8").count(SECRET) == 1  # the file the requests look for
    other_folder = f"espaces/{TERRITORY_2}"
    up = os.path.relpath(hub.file_2, ROOT)  # ../../tmp/.../espaces/coteaux/<id>.json from the server's root
    depth = up.split("/").count("..")
    tail = str(hub.file_2)[1:]  # the absolute path without its first slash
    to_folder = os.path.relpath(hub.data, ROOT)
    spellings = {
        "plain": up,
        "encoded dots": up.replace("..", "%2e%2e"),
        "encoded slashes": quote(up, safe=""),
        "double encoded": quote(quote(up, safe=""), safe=""),
        "backslashes": up.replace("/", "%5c"),
        "absolute": "/" + str(hub.file_2).lstrip("/"),
        "absolute encoded": quote(str(hub.file_2), safe=""),
        "deep": "../" * (depth + 5) + tail,
        "from the data folder": f"{to_folder}/{other_folder}/{hub.ws_2.id}.json",
    }
    paths = [f"/user/{TERRITORY_2}/{route}" for route in (
        "api/contents", f"api/contents/{HOME}", "files/README.md", f"voila/render/{HOME}", "api/kernels",
        f"api/contents/{up}", f"files/{up}")]
    for route in ("files", "api/contents", "view", "nbconvert/html", "voila/render", "voila/files", "static"):
        paths += [f"{own}/{route}/{spelling}" for spelling in spellings.values()]
    paths += [f"{own}/api/contents/../..", f"{own}/api/contents/%2e%2e/%2e%2e",
              f"{own}/api/contents/{'../' * depth}{tail.rsplit('/', 1)[0]}",
              f"{own}/api/contents/{quote(os.path.dirname(up), safe='')}",
              f"{own}/../{TERRITORY_2}/api/contents", f"{own}/%2e%2e/{TERRITORY_2}/files/README.md"]

    for path in paths:
        hops = follow(hub.base, path, cookie_header, xsrf)
        for url, status, text, _ in hops:
            for secret in (SECRET, hub.ws_2.name, hub.hidden.name):
                assert secret not in text, (path, url, status, text[:500])
        url, status, _, headers = hops[-1]
        # Where it ends: refused, not found, or sent to the hub (OAuth, login), never into a server's files.
        assert status in (403, 404) or (status == 302 and is_hub(hub.base, headers.get("Location", ""))), \
            (path, [(u, s) for u, s, _, _ in hops])
    # The other territory's server, with territory 1's cookies, followed through the hub: the hub refuses.
    for path in (f"/user/{TERRITORY_2}/api/contents", f"/user/{TERRITORY_2}/voila/render/{HOME}"):
        hops = follow(hub.base, path, cookie_header, xsrf, into_hub=True)
        assert hops[-1][1] in (403, 404), (path, [(u, s) for u, s, _, _ in hops])
        assert not any(SECRET in text or hub.ws_2.name in text for _, _, text, _ in hops), path
