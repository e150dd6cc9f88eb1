"""Session 2 in a real Voilà and browser: actors and relations added, graph and checklist follow,
deliverable downloaded."""

from __future__ import annotations

import base64

import docx

from kit.store import Store

APP = "notebooks/20_projet.ipynb"


def pick(page, css: str, label: str) -> None:
    page.locator(f".{css} select").select_option(label=label)


def test_actors_relations_graph_checklist_and_deliverable(page, voila_server, open_app, wait_until, download):
    store = Store(voila_server.espaces)
    ws = store.create("CA Pau Béarn Pyrénées", territory={"epci_name": "CA Pau Béarn Pyrénées", "epci_siren": "200067254"})
    open_app(page, voila_server.base_url, APP, f"espace={ws.id}")
    page.get_by_role("tab", name="2. Acteurs et groupe projet").click()
    for name, kind in (("Élue politique de la ville", "EPCI"), ("Conseil citoyen Saragosse", "Conseil citoyen"),
                       ("Office 64 de l'habitat", "Bailleur social")):
        field = page.locator(".kit-actor-name input")
        field.fill(name)
        field.press("Tab")
        pick(page, "kit-actor-kind", kind)
        page.locator(".kit-add-actor").click()
        page.wait_for_selector(f".kit-actor-list td:has-text(\"{name}\")")

    pick(page, "kit-member-choice", "Élue politique de la ville")
    pick(page, "kit-member-role", "élu politique de la ville")
    checklist = page.locator(".kit-group-checklist")
    before = checklist.inner_text()
    page.locator(".kit-add-member").click()
    page.wait_for_function("t => document.querySelector('.kit-group-checklist').innerText !== t", arg=before)
    assert "✗ Binôme politique de la ville" in checklist.inner_text()  # the officer is still missing

    page.get_by_role("tab", name="3. Réseau d'acteurs").click()
    for a, b in (("Conseil citoyen Saragosse", "Élue politique de la ville"),
                 ("Élue politique de la ville", "Office 64 de l'habitat")):
        count = len(store.load(ws.id).relations)
        pick(page, "kit-relation-source", a)
        pick(page, "kit-relation-target", b)
        page.locator(".kit-add-relation").click()
        wait_until(lambda: len(store.load(ws.id).relations) == count + 1)  # saved, as the message says
    # The reading follows the graph: the elected member is now the only link between the two others.
    page.wait_for_function("document.querySelector('.kit-network-readings').innerText.includes('seul lien')",
                           timeout=30_000)
    page.wait_for_function(
        "document.querySelectorAll('.kit-network-map .scatterlayer .point').length >= 3", timeout=30_000)
    assert len(store.load(ws.id).relations) == 2

    page.get_by_role("tab", name="6. Plan de travail et livrable").click()
    page.locator(".kit-lazy-plan-open").click()  # built when first opened
    page.locator(".kit-make-docx").click()
    saved = download(page, ".kit-deliverable a")
    headings = [p.text for p in docx.Document(str(saved)).paragraphs if p.style.name.startswith("Heading")]
    assert "Les acteurs et leurs relations" in headings and "Le groupe projet" in headings


def test_a_body_with_its_first_meeting_date_and_time_is_in_the_steering_calendar(page, voila_server, open_app):
    from datetime import date, timedelta

    store = Store(voila_server.espaces)
    ws = store.create("CA du Grand Chalon")
    first = date.today() + timedelta(days=20)
    open_app(page, voila_server.base_url, APP, f"espace={ws.id}")
    page.get_by_role("tab", name="4. Gouvernance").click()
    for css, text in (("kit-body-name", "Comité de pilotage du quartier"), ("kit-body-rhythm", "trimestriel"),
                      ("kit-body-time", "18h")):
        field = page.locator(f".{css} input")
        field.fill(text)
        field.press("Tab")
    pick(page, "kit-body-kind", "comité de pilotage")
    box = page.locator(".kit-body-first input")
    box.fill(first.isoformat())
    box.press("Tab")
    page.locator(".kit-add-body").click()
    shown = f"{first:%d/%m/%Y} à 18h00"
    page.wait_for_selector(f".kit-bodies-list td:has-text('{shown}')", timeout=30_000)
    saved = store.load(ws.id).bodies[0]
    assert (saved.first_meeting, saved.meeting_time.hour) == (first, 18)

    # An impossible time is refused beside the form, in French.
    field = page.locator(".kit-body-name input")
    field.fill("Comité technique")
    field.press("Tab")
    field = page.locator(".kit-body-time input")
    field.fill("18h75")
    field.press("Tab")
    page.locator(".kit-add-body").click()
    page.wait_for_selector(".kit-body-note .kit-msg-error:has-text(\"n'est pas une heure\")")
    assert len(store.load(ws.id).bodies) == 1

    # Session 3 dates the committee's meetings from its first one, at its time.
    open_app(page, voila_server.base_url, "notebooks/30_action.ipynb", f"espace={ws.id}")
    page.get_by_role("tab", name="3. Pilotage").click()
    row = page.locator(".kit-meetings tr", has_text="Comité de pilotage du quartier").first
    row.wait_for(timeout=30_000)
    assert f"{first:%d/%m/%Y}" in row.inner_text() and "18h00" in row.inner_text()
    href = page.locator(".kit-ics a").get_attribute("href")
    ics = base64.b64decode(href.split("base64,", 1)[1]).decode("utf-8")
    assert f"DTSTART;TZID=Europe/Paris:{first:%Y%m%d}T180000" in ics and "BEGIN:VTIMEZONE" in ics


def test_an_actor_then_a_body_with_it_as_member_then_the_actor_renamed_in_place(page, voila_server, open_app,
                                                                                 wait_until):
    """One sitting: what was just created is offered at once in another tab, and an edit keeps every link."""
    store = Store(voila_server.espaces)
    ws = store.create("CA Grand Poitiers (une séance)")
    open_app(page, voila_server.base_url, APP, f"espace={ws.id}")

    def saved():  # the workspace of this test, found by what it holds
        return next(store.load(s.id) for s in store.list() if s.name == "CA Grand Poitiers (une séance)")

    page.get_by_role("tab", name="2. Acteurs et groupe projet").click()
    field = page.locator(".kit-actor-name input")
    field.fill("Régie de quartier des Couronneries")
    field.press("Tab")
    pick(page, "kit-actor-kind", "Association")
    page.locator(".kit-add-actor").click()
    wait_until(lambda: [a.name for a in saved().actors] == ["Régie de quartier des Couronneries"])
    [actor] = saved().actors
    # The edit form shows the actor just added.
    page.wait_for_function("document.querySelector('.kit-actor-edit-name input')?.value"
                           " === 'Régie de quartier des Couronneries'", timeout=30_000)

    page.get_by_role("tab", name="4. Gouvernance").click()
    field = page.locator(".kit-body-name input")
    field.fill("Atelier des habitants des Couronneries")
    field.press("Tab")
    pick(page, "kit-body-kind", "atelier d'habitants")
    page.locator(".kit-body-members select").select_option(label="Régie de quartier des Couronneries")
    page.wait_for_timeout(300)  # the choice reaches the kernel before the click
    page.locator(".kit-add-body").click()
    wait_until(lambda: [b.member_ids for b in saved().bodies] == [[actor.id]])
    page.wait_for_selector(".kit-body-note .kit-msg-ok", timeout=30_000)

    page.get_by_role("tab", name="2. Acteurs et groupe projet").click()
    field = page.locator(".kit-actor-edit-name input")
    field.fill("Régie des Couronneries")
    field.press("Tab")
    page.locator(".kit-save-actor").click()
    wait_until(lambda: [a.name for a in saved().actors] == ["Régie des Couronneries"])
    page.wait_for_selector(".kit-actor-edit-note .kit-msg-ok:has-text('Acteur enregistré')", timeout=30_000)
    after = saved()
    assert [(a.id, a.kind) for a in after.actors] == [(actor.id, "Association")]  # the same actor, edited in place
    assert [b.member_ids for b in after.bodies] == [[actor.id]]
    text = store.path(after.id).read_text(encoding="utf-8")
    assert "Régie des Couronneries" in text and "Régie de quartier des Couronneries" not in text
    # Renamed in every list, in the other tabs too.
    page.get_by_role("tab", name="4. Gouvernance").click()
    page.locator(".kit-body-members select option", has_text="Régie des Couronneries").wait_for(
        state="attached", timeout=30_000)
