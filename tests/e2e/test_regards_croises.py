"""Regards croisés in a real Voilà and browser: three territories in a cohort, one sharing nothing; the
facilitator projects the cohort's app, a territory copies another's fiche as a model, and the regional
synthesis is downloaded and read back with python-docx."""

from __future__ import annotations

import docx

from kit.cohort.cohorts import CohortFolder
from kit.demo import create_demo
from kit.model import IndicatorValue, Stake
from kit.store import Store

APP = "notebooks/50_regards_croises.ipynb"


def test_the_cohort_side_by_side_a_fiche_copied_as_a_model_and_the_synthesis(page, voila_server, open_app,
                                                                              wait_until, download):
    store = Store(voila_server.espaces)
    folder = CohortFolder.of(store)  # the kernels' default: beside their workspaces
    names = ("Regards – Rivebelle", "Regards – Val de Charente", "Regards – Pays discret")
    territories = [store.rename(create_demo(store).id, name) for name in names]
    first, second, silent = territories
    for poverty, ws in zip((31.5, 24.0, 40.0), territories):
        store.update(ws.id, lambda ws, poverty=poverty: ws.indicator_values.extend([
            IndicatorValue(indicator="taux_pauvrete", place=n.id, value=poverty + i, year=2021)
            for i, n in enumerate(ws.neighbourhoods)]))
    store.update(second.id, lambda ws: (ws.stakes.append(Stake(title="Îlots de fraîcheur", theme="climat")),
                                        setattr(ws.actions[0], "title", "Cours d'école végétalisées")))
    store.update(silent.id, lambda ws: (setattr(ws, "sharing", "rien"),
                                        setattr(ws.actions[0], "title", "Fiche très confidentielle")))
    cohort = folder.create("Cohorte e2e des regards croisés", ["animatrice"])
    for ws in territories:
        folder.join(cohort.id, store.load(ws.id))

    open_app(page, voila_server.base_url, APP, f"cohorte={cohort.id}")
    members = page.locator(".kit-regards-members")
    members.wait_for()
    text = members.inner_text()
    assert names[0] in text and names[1] in text and "Un résumé" in text
    assert names[2] not in text and "1 territoire de la cohorte ne partage rien" in text
    assert names[2] not in page.locator("body").inner_text()

    # The first tab: one indicator, every neighbourhood of both territories, charted on a projector's width.
    page.locator(".kit-regards-indicator-chart .main-svg").first.wait_for(timeout=30_000)
    table = page.locator(".kit-regards-indicator-table").inner_text()
    assert names[0] in table and names[1] in table and names[2] not in table
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 1280

    # A territory copies the other's fiche as a model.
    page.get_by_role("tab", name="S'inspirer des autres").click()
    page.locator(".kit-regards-own select").select_option(label=names[0])
    fiche = page.locator(".kit-regards-fiche select")
    page.wait_for_function("document.querySelector('.kit-regards-fiche select').options.length > 0")
    options = [o.replace("\xa0", " ") for o in fiche.locator("option").all_inner_texts()]  # ipywidgets' spaces
    assert any("Cours d'école végétalisées" in o and names[1] in o for o in options), options
    assert not any("confidentielle" in o for o in options)
    fiche.select_option(index=next(i for i, o in enumerate(options) if "Cours d'école végétalisées" in o))
    page.locator(".kit-regards-copy").click()
    wait_until(lambda: any(a.origin for a in store.load(first.id).actions))
    copied = next(a for a in store.load(first.id).actions if a.origin)
    assert copied.title == "Cours d'école végétalisées" and names[1] in copied.origin
    page.locator(".kit-regards-copy-note", has_text="copiée dans").wait_for()  # said beside the button
    assert names[1] in page.locator(".kit-regards-copied").inner_text()  # with its origin and a link to complete it

    # The regional synthesis, downloaded and read back.
    page.get_by_role("tab", name="Synthèse régionale").click()
    page.locator(".kit-regards-synthesis-docx").click()
    saved = download(page, ".kit-regards-synthesis-link a")
    document = docx.Document(str(saved))
    body = "\n".join([p.text for p in document.paragraphs]
                     + [c.text for t in document.tables for row in t.rows for c in row.cells])
    assert names[0] in body and names[1] in body
    assert names[2] not in body and "confidentielle" not in body
