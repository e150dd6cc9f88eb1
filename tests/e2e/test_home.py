"""The home app in a real Voilà and a real browser, as a facilitator meets it (offline, 1280x720)."""

from __future__ import annotations

import json

from kit.store import Store

HOME = "notebooks/00_accueil.ipynb"


def fill(page, css: str, text: str) -> None:
    field = page.locator(f".{css} input")
    field.fill(text)
    field.press("Tab")  # ipywidgets Text syncs on blur or Enter


def message(page) -> str:
    return page.locator(".kit-messages").inner_text()


def create_workspace(page, search: str, epci_label: str) -> None:
    fill(page, "kit-epci-search", search)
    page.locator(".kit-epci-results select").select_option(label=epci_label)
    page.locator(".kit-create").click()
    page.wait_for_selector(".kit-ws-name")


def add_neighbourhood(page, name: str, code: str) -> None:
    fill(page, "kit-new-qpv-name", name)
    fill(page, "kit-new-qpv-code", code)
    page.locator(".kit-add-qpv").click()


def test_create_add_reload_and_find_it_again(page, voila_server, open_app):
    open_app(page, voila_server.base_url, HOME)
    create_workspace(page, "grand dax", "CA du Grand Dax (244000675)")
    add_neighbourhood(page, "Le Sablar", "QN04001M")
    page.wait_for_selector(".kit-neighbourhood:has-text('Le Sablar')")
    assert "enregistré" in message(page)
    # Other tests of the session create workspaces of the same EPCI: find this one by what it holds.
    store = Store(voila_server.espaces)
    ws_id = next(s.id for s in store.list() if s.readable
                 and any(n.name == "Le Sablar" for n in store.load(s.id).neighbourhoods))

    # The address carries the open workspace: a reload reopens it.
    assert f"espace={ws_id}" in page.url
    page.reload(wait_until="commit")
    page.wait_for_selector(".kit-ready", timeout=60_000)
    page.wait_for_selector(".kit-neighbourhood:has-text('QN04001M')")

    # The same workspace opens directly from its address (how the other apps link to it).
    open_app(page, voila_server.base_url, HOME, f"espace={ws_id}")
    page.wait_for_selector(".kit-neighbourhood:has-text('Le Sablar')")
    assert page.evaluate("document.documentElement.scrollWidth <= 1280")  # no horizontal scrolling


def test_bad_input_gets_a_french_message_where_the_user_is(page, voila_server, open_app):
    open_app(page, voila_server.base_url, HOME)
    create_workspace(page, "pau", "CA Pau Béarn Pyrénées (200067254)")
    add_neighbourhood(page, "Ousse des Bois", "04001")
    page.wait_for_selector(".kit-msg-error")
    assert "code QPV attendu sous la forme QN03301M" in message(page)
    assert page.locator(".kit-neighbourhood").count() == 0


def test_download_delete_upload_gives_back_the_identical_workspace(page, voila_server, open_app, download):
    store = Store(voila_server.espaces)
    ws = store.create("Rochefort Océan")
    open_app(page, voila_server.base_url, HOME, f"espace={ws.id}")
    add_neighbourhood(page, "Petit Marseille", "QN01701M")
    page.wait_for_selector(".kit-neighbourhood:has-text('Petit Marseille')")

    saved = download(page, "a.kit-download")
    assert saved.name == "Rochefort_Océan.json"
    before = saved.read_bytes()
    assert json.loads(before)["neighbourhoods"][0]["qpv_code"] == "QN01701M"

    page.locator(".kit-delete").click()
    page.locator(".kit-delete-confirm").click()
    page.wait_for_selector(".kit-msg-ok:has-text('supprimé')")
    assert not store.exists(ws.id)

    with page.expect_file_chooser() as chooser:
        page.locator(".kit-upload").click()
    chooser.value.set_files(saved)
    page.wait_for_selector(".kit-msg-ok:has-text('importé')")
    page.wait_for_selector(".kit-neighbourhood:has-text('Petit Marseille')")
    assert store.path(ws.id).read_bytes() == before


def test_names_with_html_are_shown_as_text(page, voila_server, open_app):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    store = Store(voila_server.espaces)
    name = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    ws = store.create(name)
    open_app(page, voila_server.base_url, HOME, f"espace={ws.id}")
    add_neighbourhood(page, "<b>Gras</b>", "")
    page.wait_for_selector(".kit-neighbourhood")
    assert page.locator(".kit-ws-name").inner_text() == name
    assert "<b>Gras</b>" in page.locator(".kit-neighbourhood").inner_text()
    assert page.locator(".kit-app img[src=x]").count() == 0 and page.locator(".kit-neighbourhood b").count() == 1
    assert dialogs == []


def test_a_120_mb_upload_is_refused_in_the_browser_and_the_page_stays_connected(page, voila_server, open_app,
                                                                               tmp_path):
    # FileUpload sent any file whole, as one websocket message: above 100 MiB the connection dropped and the
    # page reconnected without a word. The kit's upload refuses it before reading it.
    store = Store(voila_server.espaces)
    ws = store.create("Grand Angoulême")
    before = store.path(ws.id).read_bytes()
    other = store.create("Cognac")
    normal = tmp_path / "cognac.json"
    normal.write_bytes(store.export_bytes(other.id))
    store.delete(other.id)
    ids = {s.id for s in store.list()}  # the server's folder is shared by the tests
    big = tmp_path / "enorme.json"
    with big.open("wb") as f:
        f.truncate(120 * 1024 * 1024)  # sparse: nothing written on disk
    closed = []
    page.on("websocket", lambda socket: socket.on("close", lambda _: closed.append(socket.url)))
    open_app(page, voila_server.base_url, HOME, f"espace={ws.id}")
    with page.expect_file_chooser() as chooser:
        page.locator(".kit-upload button").click()
    chooser.value.set_files(big)
    page.wait_for_selector(".kit-upload .kit-msg-error:has-text('Fichier trop volumineux (120,0 Mo) : 10 Mo au plus')")
    assert "Fichier trop volumineux (120,0 Mo)" in message(page)
    assert store.path(ws.id).read_bytes() == before and {s.id for s in store.list()} == ids
    # The kernel still answers: a click saves, and a normal file still imports.
    add_neighbourhood(page, "Basseau", "QN01601M")
    page.wait_for_selector(".kit-neighbourhood:has-text('Basseau')")
    with page.expect_file_chooser() as chooser:
        page.locator(".kit-upload button").click()
    chooser.value.set_files(normal)
    page.wait_for_selector(".kit-msg-ok:has-text('importé')")
    assert store.exists(other.id)
    assert closed == []  # the page never lost its kernel connection


def test_home_app_through_a_binder_like_jupyter_server(page, jupyter_server, open_app):
    ws = Store(jupyter_server.espaces).create("Grand Poitiers")
    open_app(page, jupyter_server.base_url, HOME, f"espace={ws.id}")
    page.wait_for_selector(".kit-ws-name:has-text('Grand Poitiers')")
