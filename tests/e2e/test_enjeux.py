"""Session 1 in a real Voilà and browser: stakes captured, matrix typed, plane drawn, deliverable downloaded."""

from __future__ import annotations

import docx

from kit.model import Stake
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
    # (at least one point per stake: the plane may add points of its own, its labels)
    page.wait_for_function(
        "document.querySelectorAll('.kit-micmac-plane .scatterlayer .point').length >= 3", timeout=30_000)
    wait_until(lambda: len(store.load(ws.id).influences) == 6)  # each cell is saved in turn, a 0 too (rated)
    cells = {(c.source, c.target): c.value for c in store.load(ws.id).influences}
    assert cells == {(ids[0], ids[1]): 3, (ids[0], ids[2]): 1, (ids[1], ids[0]): 2, (ids[1], ids[2]): 0,
                     (ids[2], ids[0]): "P", (ids[2], ids[1]): 2}
    page.wait_for_selector(".kit-micmac-count:has-text('6 / 6 cases notées')")
    assert grid.locator(f"input[data-r='{ids[0]}'][data-c='{ids[1]}']").get_attribute("title").startswith(
        "Influence de « Chaleur dans les logements » sur « Factures d'énergie »")

    # A value off the scale turns red, with a French message; nothing is saved.
    cell = grid.locator(f"input[data-r='{ids[1]}'][data-c='{ids[2]}']")
    cell.fill("7")
    cell.press("Tab")
    page.wait_for_selector(".kit-msg-error:has-text('0, 1, 2, 3 ou P')")
    assert "kit-grid-error" in cell.get_attribute("class")
    assert len(store.load(ws.id).influences) == 6

    open_tab(page, "6. Plan de travail et livrable")
    page.locator(".kit-lazy-plan-open").click()  # built when first opened
    page.locator(".kit-make-docx").click()
    saved = download(page, ".kit-deliverable a")
    document = docx.Document(str(saved))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Analyse structurelle (MICMAC)" in headings and "Chaleur dans les logements" in headings
    assert len(document.inline_shapes) >= 1  # the plane, as an image


def write(page, css: str, text: str) -> None:
    box = page.locator(css)
    box.fill(text)
    box.press("Tab")  # as a person leaves the box


def test_two_tabs_on_one_stake_lose_nothing(page, browser_context, voila_server, open_app, wait_until):
    # Two people, two tabs (two kernels) on one stake: A saves « quoi », B, whose form was loaded before,
    # saves « leviers »; the file holds both. Then both change « pour qui »: B is asked, and decides.
    store = Store(voila_server.espaces)
    ws = store.create("CA du Grand Dax", territory={"epci_name": "CA du Grand Dax", "epci_siren": "244000675"})
    store.update(ws.id, lambda w: w.stakes.append(Stake(title="Chaleur dans les logements")))
    other = browser_context.new_page()
    for tab in (page, other):
        open_app(tab, voila_server.base_url, APP, f"espace={ws.id}")
        open_tab(tab, "2. Enjeux")
        tab.wait_for_selector(".kit-edit-choice select option:has-text('Chaleur dans les logements')", state="attached")

    write(page, ".kit-edit-what textarea", "Des logements vivables pendant les canicules")
    page.locator(".kit-save-stake").click()
    page.wait_for_selector(".kit-msg-ok:has-text('Enjeu enregistré')")
    write(other, ".kit-edit-levers textarea", "Isoler les toitures, végétaliser les cours")
    other.locator(".kit-save-stake").click()
    other.wait_for_selector(".kit-msg-ok:has-text('Enjeu enregistré')")
    stake = store.load(ws.id).stakes[0]
    assert (stake.what, stake.levers) == ("Des logements vivables pendant les canicules",
                                          "Isoler les toitures, végétaliser les cours")
    # B's form now shows A's text, which B was not typing.
    other.wait_for_function("() => document.querySelector('.kit-edit-what textarea').value.startsWith('Des logements')")

    write(page, ".kit-edit-for input", "Les locataires du parc social")
    page.locator(".kit-save-stake").click()
    wait_until(lambda: store.load(ws.id).stakes[0].for_whom == "Les locataires du parc social")
    write(other, ".kit-edit-for input", "Les personnes âgées isolées")
    other.locator(".kit-save-stake").click()
    other.wait_for_selector(".kit-msg-error:has-text('« Les locataires du parc social »')")
    assert store.load(ws.id).stakes[0].for_whom == "Les locataires du parc social"
    other.locator(".kit-save-stake").click()  # asked, B keeps theirs
    wait_until(lambda: store.load(ws.id).stakes[0].for_whom == "Les personnes âgées isolées")
    stake = store.load(ws.id).stakes[0]
    assert stake.what == "Des logements vivables pendant les canicules" and stake.levers.startswith("Isoler")


def test_each_stake_added_is_the_one_formulated_next(page, voila_server, open_app, wait_until):
    # « The stake editor trap » seen in a workshop: after « Ajouter l'enjeu » the « Formuler » panel stayed on
    # the previous stake, and the group wrote every statement over stake 1. What was just added is what the
    # editor shows next, so in one sitting each statement lands on its own stake.
    store = Store(voila_server.espaces)
    ws = store.create("CA du Grand Dax", territory={"epci_name": "CA du Grand Dax", "epci_siren": "244000675"})
    open_app(page, voila_server.base_url, APP, f"espace={ws.id}")
    open_tab(page, "2. Enjeux")
    statements = {"Chaleur dans les logements": "Des logements vivables pendant les canicules",
                  "Factures d'énergie": "Des factures que les ménages peuvent payer"}
    start = ws.revision
    for count, (title, statement) in enumerate(statements.items(), start=1):
        field = page.locator(".kit-stake-title input")
        field.fill(title)
        field.press("Tab")
        page.locator(".kit-add-stake").click()
        page.wait_for_selector(f".kit-stake-list td:has-text(\"{title}\")")  # as the group sees it added
        write(page, ".kit-edit-what textarea", statement)
        page.locator(".kit-save-stake").click()
        wait_until(lambda count=count: store.load(ws.id).revision == start + 2 * count)  # added, then formulated
    saved = {s.title: s.what for s in store.load(ws.id).stakes}
    assert saved == statements


PASTE = """(cell, text) => {
  const data = new DataTransfer();
  data.setData("text/plain", text);
  cell.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
}"""


def test_stakes_typed_with_the_keyboard_and_a_block_pasted(page, voila_server, open_app, wait_until):
    # Fast entry with the keyboard only: the theme, Tab, the title, Enter (the next title right away: the
    # cursor is back in the box). Typed fast, the whole title is saved: Enter carries the text with it.
    store = Store(voila_server.espaces)
    ws = store.create("CA du Grand Dax", territory={"epci_name": "CA du Grand Dax", "epci_siren": "244000675"})
    open_app(page, voila_server.base_url, APP, f"espace={ws.id}")
    open_tab(page, "2. Enjeux")
    page.locator(".kit-stake-theme select").focus()
    page.keyboard.press("c")  # « Cadre de vie »
    page.keyboard.press("Tab")
    titles = ["Des halls d'immeuble sûrs", "Des rues éclairées", "Des cours plantées"]
    for count, title in enumerate(titles, start=1):
        page.keyboard.type(title)
        page.keyboard.press("Enter")
        wait_until(lambda count=count: len(store.load(ws.id).stakes) == count)
        page.wait_for_function("() => document.activeElement && document.activeElement.closest('.kit-stake-title')"
                               " && document.activeElement.value === ''")
    saved = store.load(ws.id).stakes
    assert [(s.title, s.theme) for s in saved] == [(t, "Cadre de vie") for t in titles]
    page.wait_for_function("t => document.querySelector('.kit-edit-title input').value === t", arg=titles[-1])
    a, b, c = [s.id for s in saved]

    # A block copied from a spreadsheet, pasted from its first cell; the diagonal is skipped.
    open_tab(page, "4. Analyse structurelle")
    grid = page.locator(".kit-micmac-grid")
    page.wait_for_function("document.querySelectorAll('.kit-micmac-grid input:disabled').length === 3")
    grid.locator(f"input[data-r='{a}'][data-c='{b}']").evaluate(PASTE, "3\t1\n\t2\n0\t\n")
    wait_until(lambda: len(store.load(ws.id).influences) == 4)
    assert {(x.source, x.target): x.value for x in store.load(ws.id).influences} == {
        (a, b): 3, (a, c): 1, (b, c): 2, (c, b): 0}
    page.wait_for_selector(".kit-micmac-count:has-text('4 / 6 cases notées')")
    # A rated 0 does not look like a cell nobody rated.
    page.wait_for_function(f"document.querySelector(\"input[data-r='{c}'][data-c='{b}']\").value === '0'")
    assert "kit-grid-zero" in grid.locator(f"input[data-r='{c}'][data-c='{b}']").get_attribute("class")
    assert "kit-grid-unrated" in grid.locator(f"input[data-r='{b}'][data-c='{a}']").get_attribute("class")
    # Off the scale (a French decimal): refused, the cell named and red, nothing saved.
    grid.locator(f"input[data-r='{b}'][data-c='{a}']").evaluate(PASTE, "2,5\t\t1\n")
    page.wait_for_selector(".kit-msg-error:has-text('ligne « Des rues éclairées », colonne « Des halls d')")
    page.wait_for_function(f"document.querySelector(\"input[data-r='{b}'][data-c='{a}']\")"
                           ".classList.contains('kit-grid-error')")
    assert len(store.load(ws.id).influences) == 4
