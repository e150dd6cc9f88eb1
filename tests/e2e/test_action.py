"""Session 3 in a real Voilà and browser: two fiches with a dependency, the roadmap drawn, an impossible
date refused in French, the action plan workbook downloaded."""

from __future__ import annotations

import openpyxl

from kit.store import Store

APP = "notebooks/30_action.ipynb"


def set_date(page, css: str, iso: str) -> None:
    field = page.locator(f".{css} input")
    field.fill(iso)
    field.press("Tab")


def empty_form(page) -> None:
    """« Formulaire vide », waited for (the kernel empties the fields: typing before it answers would be lost)."""
    page.locator(".kit-blank-action").click()
    page.locator(".kit-blank-note .kit-msg-info", has_text="Formulaire vidé").wait_for(timeout=30_000)
    page.wait_for_function("document.querySelector('.kit-action-title input').value === ''")


def new_fiche(page, title: str, start: str, end: str, depends: str | None = None) -> None:
    empty_form(page)
    field = page.locator(".kit-action-title input")
    field.fill(title)
    field.press("Tab")
    set_date(page, "kit-action-start", start)
    set_date(page, "kit-action-end", end)
    if depends:
        page.locator(".kit-action-depends select").select_option(label=depends)
    page.locator(".kit-add-action").click()
    # The new fiche becomes the chosen one: wait for it, as a person waits for the page to answer.
    if not title.startswith("Fête"):  # (that one is refused: it never becomes the chosen fiche)
        page.wait_for_function(  # ipywidgets writes the spaces of a choice as non-breaking ones
            "t => { const s = document.querySelector('.kit-action-choice select'); const o = s.options[s.selectedIndex];"
            " return o && o.text.replace(/\u00a0/g, ' ') === t; }", arg=title, timeout=30_000)


def test_fiches_roadmap_bad_date_and_workbook(page, voila_server, open_app, download):
    store = Store(voila_server.espaces)
    ws = store.create("CA de La Rochelle", territory={"epci_name": "CA de La Rochelle", "epci_siren": "241700434"})
    open_app(page, voila_server.base_url, APP, f"espace={ws.id}")

    new_fiche(page, "Diagnostic des îlots de chaleur", "2027-01-04", "2027-03-31")
    # (in the folded list of fiches)
    page.wait_for_selector(".kit-action-list td:has-text('Diagnostic des îlots de chaleur')", state="attached")
    new_fiche(page, "Plantations dans les cours", "2027-04-01", "2027-10-31", depends="Diagnostic des îlots de chaleur")
    page.wait_for_selector(".kit-action-list td:has-text('Plantations dans les cours')", state="attached")
    actions = store.load(ws.id).actions
    assert actions[1].depends_on == [actions[0].id]

    page.get_by_role("tab", name="2. Feuille de route").click()
    page.wait_for_function("document.querySelectorAll('.kit-gantt .barlayer .point').length >= 2", timeout=30_000)
    assert "Chemin critique" in page.locator(".kit-critical-path").inner_text()

    page.get_by_role("tab", name="1. Fiches action").click()
    new_fiche(page, "Fête de quartier", "2027-06-30", "2027-06-01")
    page.wait_for_selector(".kit-msg-error:has-text('précède la date de début')")
    assert len(store.load(ws.id).actions) == 2

    page.get_by_role("tab", name="4. Tableur et fiches").click()
    page.locator(".kit-make-xlsx").click()
    saved = download(page, ".kit-files a", timeout=30_000)
    sheet = openpyxl.load_workbook(saved)["Fiches action"]
    titles = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "Plantations dans les cours" in titles


def type_date(page, css: str, day: str, month: str, year: str) -> None:
    """Type a date key by key, as a person does, in the order the browser's locale shows it."""
    order = page.evaluate("new Intl.DateTimeFormat(navigator.language).formatToParts(new Date(2027, 1, 3))"
                          ".filter(p => p.type !== 'literal').map(p => p.type)")
    field = page.locator(f".{css} input")
    field.focus()
    page.keyboard.type("".join({"day": day, "month": month, "year": year}[part] for part in order))
    field.press("Tab")


def test_impossible_budget_year_and_date_are_refused_beside_the_form(page, voila_server, open_app):
    from kit.model import Action

    store = Store(voila_server.espaces)
    ws = store.create("CA Rochefort Océan")
    ws = store.update(ws.id, lambda w: w.actions.append(Action(title="Îlots de fraîcheur")))
    before = store.path(ws.id).read_bytes()
    open_app(page, voila_server.base_url, APP, f"espace={ws.id}")
    page.locator(".kit-action-choice select").select_option(label="Îlots de fraîcheur")
    page.wait_for_function("document.querySelector('.kit-action-title input').value === 'Îlots de fraîcheur'")
    funder = page.locator(".kit-budget-funder input")
    funder.fill("Fonds vert")
    funder.press("Tab")
    amount, year = page.locator(".kit-budget-amount input"), page.locator(".kit-budget-year input")
    for typed_amount, typed_year, words in (("-5", "2027", "Montant : \u22125 € n'est pas possible"),
                                            ("1500", "1999", "Année : 1999 n'est pas possible, indiquez")):
        amount.fill(typed_amount)
        amount.press("Tab")
        year.fill(typed_year)
        year.press("Tab")
        page.locator(".kit-add-budget").click()
        page.locator(".kit-action-items-note .kit-msg-error", has_text=words).wait_for(timeout=30_000)
        assert amount.input_value() == typed_amount and year.input_value() == typed_year  # nothing clamped

    page.locator(".kit-action-choice select").select_option("— nouvelle fiche —")
    title = page.locator(".kit-action-title input")
    title.fill("Jardin partagé")
    title.press("Tab")
    type_date(page, "kit-action-start", "31", "02", "2027")
    assert page.locator(".kit-action-start input").evaluate("i => i.validity.badInput")  # 31/02 was typed
    page.locator(".kit-add-action").click()
    page.locator(".kit-action-note .kit-msg-error",
                 has_text="La date de début n'est pas une date qui existe").wait_for(timeout=30_000)
    assert store.path(ws.id).read_bytes() == before  # nothing saved: no budget line, no fiche without its date

    type_date(page, "kit-action-start", "28", "02", "2027")
    page.locator(".kit-add-action").click()
    page.locator(".kit-action-note .kit-msg-ok", has_text="Fiche « Jardin partagé » créée").wait_for(timeout=30_000)
    assert store.load(ws.id).actions[-1].start.isoformat() == "2027-02-28"


def test_three_fiches_in_a_row_each_depending_on_the_one_before(page, voila_server, open_app):
    """One sitting, as a facilitator writes them: A, then B depending on A right after A was created (the form
    then shows A, and B is typed over it), then C, after « Formulaire vide », depending on B. Every link chosen
    is saved; the critical path runs A → B → C."""
    store = Store(voila_server.espaces)
    ws = store.create("CC du Pays Marennes")
    open_app(page, voila_server.base_url, APP, f"espace={ws.id}")
    titles = ["Repérer les logements surchauffés", "Poser des protections solaires", "Mesurer la chaleur l'été suivant"]
    dates = [("2027-01-04", "2027-02-26"), ("2027-03-01", "2027-05-28"), ("2027-06-01", "2027-09-30")]
    for index, (title, (start, end)) in enumerate(zip(titles, dates)):
        if index == 2:
            empty_form(page)
        field = page.locator(".kit-action-title input")
        field.fill(title)
        field.press("Tab")
        set_date(page, "kit-action-start", start)
        set_date(page, "kit-action-end", end)
        depends = page.locator(".kit-action-depends select")
        if index:
            depends.select_option(label=titles[index - 1])
        page.locator(".kit-add-action").click()
        page.locator(".kit-action-note .kit-msg-ok", has_text=f"Fiche « {title} » créée").wait_for(timeout=30_000)
    actions = {a.title: a for a in store.load(ws.id).actions}
    assert list(actions) == titles
    assert actions[titles[0]].depends_on == []
    assert actions[titles[1]].depends_on == [actions[titles[0]].id]
    assert actions[titles[2]].depends_on == [actions[titles[1]].id]

    page.get_by_role("tab", name="2. Feuille de route").click()
    shown = page.locator(".kit-critical-path")
    shown.get_by_text("Chemin critique").wait_for(timeout=30_000)
    assert " → ".join(titles) in shown.inner_text().replace("\u00a0", " ")


def test_a_fiche_written_with_the_keyboard_only(page, voila_server, open_app):
    """Title, pilot, dates and « Nouvelle fiche » without the mouse: Tab from field to field, Enter on the button;
    then Enter in the title of an empty form creates the next fiche."""
    from kit.model import Actor

    store = Store(voila_server.espaces)
    ws = store.create("CA Royan Atlantique")
    ws = store.update(ws.id, lambda w: w.actors.append(Actor(name="Bailleur social de la côte",
                                                             kind="Bailleur social")))
    open_app(page, voila_server.base_url, APP, f"espace={ws.id}")
    page.locator(".kit-action-title input").focus()
    page.keyboard.type("Permanence énergie")
    page.keyboard.press("Tab")  # the pilot
    page.keyboard.type("Bailleur")
    page.keyboard.press("Tab")  # the start
    type_date(page, "kit-action-start", "04", "01", "2027")  # (types, then Tab: the end)
    type_date(page, "kit-action-end", "30", "06", "2027")
    tabs = 0
    while not page.evaluate("document.activeElement.closest('.kit-add-action') !== null"):
        page.keyboard.press("Tab")
        tabs += 1
        assert tabs <= 12, "« Nouvelle fiche » is not reached with Tab"
    page.keyboard.press("Enter")
    page.locator(".kit-action-note .kit-msg-ok", has_text="Fiche « Permanence énergie » créée").wait_for(timeout=30_000)
    action = store.load(ws.id).actions[0]
    assert (action.lead_id, action.start.isoformat(), action.end.isoformat()) == (
        ws.actors[0].id, "2027-01-04", "2027-06-30")

    empty_form(page)
    title = page.locator(".kit-action-title input")
    title.focus()
    page.keyboard.type("Balades thermiques")
    page.keyboard.press("Enter")
    page.locator(".kit-action-note .kit-msg-ok", has_text="Fiche « Balades thermiques » créée").wait_for(timeout=30_000)
    assert [a.title for a in store.load(ws.id).actions] == ["Permanence énergie", "Balades thermiques"]
