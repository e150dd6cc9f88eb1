"""Session 1 in a real Voilà and browser: stakes captured, matrix typed, plane drawn, deliverable downloaded."""

from __future__ import annotations

import docx

from kit.store import Store

APP = "notebooks/10_enjeux.ipynb"


def open_tab(page, title: str) -> None:
    page.get_by_role("tab", name=title).click()


def test_stakes_matrix_plane_and_deliverable(page, voila_server, open_app, wait_until, download):
    store = Store(voila_server.espaces)
    ws = store.create("CA du Grand Dax", territory={"epci_name": "CA du Grand Dax", "epci_siren": "244000675"})
    open_app(page, voila_server.base_url, APP, f"espace={ws.id}")

    open_tab(page, "2. Enjeux")
    for title in ("Chaleur dans les logements", "Factures d'énergie", "Alimentation de qualité"):
        field = page.locator(".kit-stake-title input")
        field.fill(title)
        field.press("Tab")
        page.locator(".kit-add-stake").click()
        page.wait_for_selector(f".kit-stake-list td:has-text(\"{title}\")")
    ids = [s.id for s in store.load(ws.id).stakes]
    assert len(ids) == 3

    open_tab(page, "4. Analyse structurelle")
    grid = page.locator(".kit-micmac-grid")
    # The diagonal: one disabled cell per stake, once the grid has received the third stake (the list
    # of stakes, waited for above, may be drawn before it).
    page.wait_for_function("document.querySelectorAll('.kit-micmac-grid input:disabled').length === 3")
    assert grid.locator("input:disabled").count() == 3
    first = grid.locator(f"input[data-r='{ids[0]}'][data-c='{ids[1]}']")
    first.click()
    # Row by row with the keyboard: Enter moves to the next cell and skips the diagonal.
    for value in ("3", "1", "2", "0", "P", "2"):
        page.keyboard.type(value)
        page.keyboard.press("Enter")
    page.wait_for_function(
        "document.querySelectorAll('.kit-micmac-plane .scatterlayer .point').length === 3", timeout=30_000)
    wait_until(lambda: len(store.load(ws.id).influences) == 5)  # each cell is saved in turn
    cells = {(c.source, c.target): c.value for c in store.load(ws.id).influences}
    assert cells == {(ids[0], ids[1]): 3, (ids[0], ids[2]): 1, (ids[1], ids[0]): 2,
                     (ids[2], ids[0]): "P", (ids[2], ids[1]): 2}
    assert grid.locator(f"input[data-r='{ids[0]}'][data-c='{ids[1]}']").get_attribute("title").startswith(
        "Influence de « Chaleur dans les logements » sur « Factures d'énergie »")

    # A value off the scale turns red, with a French message; nothing is saved.
    cell = grid.locator(f"input[data-r='{ids[1]}'][data-c='{ids[2]}']")
    cell.fill("7")
    cell.press("Tab")
    page.wait_for_selector(".kit-msg-error:has-text('0, 1, 2, 3 ou P')")
    assert "kit-grid-error" in cell.get_attribute("class")
    assert len(store.load(ws.id).influences) == 5

    open_tab(page, "6. Plan de travail et livrable")
    page.locator(".kit-make-docx").click()
    saved = download(page, ".kit-deliverable a")
    document = docx.Document(str(saved))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Analyse structurelle (MICMAC)" in headings and "Chaleur dans les logements" in headings
    assert len(document.inline_shapes) >= 1  # the plane, as an image
