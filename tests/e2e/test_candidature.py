"""The application note in a real Voilà and browser: the technician writes the five parts, composes
the project group, watches the checklist complete, and downloads the note as a Word document."""

from __future__ import annotations

import docx

from kit.sessions.application import PARTS
from kit.model import LocalProject, Neighbourhood
from kit.store import Store

APP = "notebooks/01_candidature.ipynb"
GROUP = (("Vice-président politique de la ville", "élu politique de la ville", "vp@montdemarsan.example"),
         ("Cheffe de projet politique de la ville", "technicien politique de la ville", "cpv@montdemarsan.example"),
         ("Adjointe aux transitions", "élu transitions", "transitions@montdemarsan.example"),
         ("Chargé de mission climat", "technicien transitions", "climat@montdemarsan.example"),
         ("Conseil citoyen du Peyrouat", "acteur clé", "cc-sablar@montdemarsan.example"))


def test_fill_the_application_complete_the_checklist_and_download_it(page, voila_server, open_app, wait_until,
                                                                       download):
    store = Store(voila_server.espaces)
    # A territory no other browser test uses: the home page's tests choose their workspace by its name.
    ws = store.create("CA Mont de Marsan Agglomération",
                      territory={"epci_name": "CA Mont de Marsan Agglomération", "epci_siren": "244000808"})
    store.update(ws.id, lambda ws: (ws.neighbourhoods.append(Neighbourhood(name="Le Peyrouat")),
                                    ws.local_projects.append(LocalProject(name="Cadre de vie",
                                                                          kind="Axe du contrat de ville"))))
    open_app(page, voila_server.base_url, APP, f"espace={ws.id}")

    # The "pas à pas" says what to do first, and hides for projection.
    assert "À faire maintenant : Rédiger les cinq parties" in page.locator(".kit-steps-head").inner_text()
    page.locator(".kit-steps-toggle").click()
    page.locator(".kit-steps-head").wait_for(state="hidden")

    # 1. The note: the draft of the stakes is there; each part is saved when the person leaves it.
    assert "Le Peyrouat" in page.locator(".kit-note-stakes_summary textarea").input_value()
    for part in PARTS:
        box = page.locator(f".kit-note-{part.key} textarea")
        box.fill(f"Notre texte pour « {part.title} ».")
        box.press("Tab")
        wait_until(lambda: getattr(store.load(ws.id).application, part.key).startswith("Notre texte"))
    page.locator(".kit-note-phases input[type=checkbox]").check()
    wait_until(lambda: store.load(ws.id).application.three_phases)

    # 2. The project group, each member with contact details, and the decision body.
    page.get_by_role("tab", name="2. Groupe projet").click()
    for name, role, contact in GROUP:
        page.locator(".kit-cand-name input").fill(name)
        page.locator(".kit-cand-role select").select_option(label=role)
        page.locator(".kit-cand-contact input").fill(contact)
        page.locator(".kit-cand-contact input").press("Tab")
        count = len(store.load(ws.id).project_group)
        page.locator(".kit-cand-add").click()
        wait_until(lambda: len(store.load(ws.id).project_group) == count + 1)
    page.locator(".kit-cand-body input").fill("Bureau communautaire")
    page.locator(".kit-cand-body input").press("Tab")
    page.locator(".kit-cand-save-body").click()
    wait_until(lambda: store.load(ws.id).bodies)

    # 3. Every condition met, the deadline counted from the cohort's calendar.
    page.get_by_role("tab", name="3. Éligibilité et document").click()
    page.wait_for_function(
        "document.querySelector('.kit-eligibility-summary').innerText.includes('prête à partir')", timeout=30_000)
    checklist = page.locator(".kit-eligibility").inner_text()
    assert "✗" not in checklist and "encore 30 jours" in checklist

    page.locator(".kit-note-docx").click()
    saved = download(page, ".kit-note-download a")
    assert saved.name == "note-d-intention_CA_Mont_de_Marsan_Agglomeration.docx"
    document = docx.Document(str(saved))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert [p.title for p in PARTS] == headings[:5] and "Le groupe projet" in headings
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Notre texte pour « Pourquoi candidater »." in text and "s'engage à suivre les trois phases" in text
    table = "\n".join(cell.text for t in document.tables for row in t.rows for cell in row.cells)
    assert all(name in table and contact in table for name, _, contact in GROUP)
    assert "Avant l'envoi" not in text  # nothing left to gather
