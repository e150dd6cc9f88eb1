"""The "pas à pas" panel: steps from the facilitator guide, marked done from the workspace, the next
step named with its tab, hidden for projection, the guide and the page's glossary terms at hand."""

import base64
import re
from datetime import date

import ipywidgets as w
import pytest

from kit.sessions import diagnostic, guidance
from kit.apps.accueil import HomeApp
from kit.apps.enjeux import StakesApp
from kit.apps.projet import ProjectApp
from kit.demo import create_demo
from kit.reference.guides import APP_TABS
from kit.model import Neighbourhood, Stake
from tests.unit.test_home_app import find_all, one


@pytest.fixture
def dax(store):
    return store.create("CA du Grand Dax", territory={"epci_name": "CA du Grand Dax", "epci_siren": "244000675"})


def test_session_steps_come_from_the_guide_and_cover_every_tab(dax):
    for notebook in ("10_enjeux.ipynb", "20_projet.ipynb", "30_action.ipynb"):
        steps = guidance.steps(notebook, dax)
        assert {s.tab for s in steps} == set(APP_TABS[notebook])
        assert all(s.when.startswith("jour ") and s.expected for s in steps)
        # every tab the kit can judge has its check, so a renamed tab would show here
        assert all((notebook, s.tab) in guidance.DONE for s in steps if s.done is not None)


def test_steps_are_marked_done_from_the_workspace(dax, store):
    first = guidance.steps("10_enjeux.ipynb", dax)
    assert first[guidance.next_step(first)].tab == "1. Diagnostic"
    ws = store.update(dax.id, lambda ws: ws.stakes.extend(Stake(title=f"Enjeu {i}") for i in range(3)))
    stakes = [s for s in guidance.steps("10_enjeux.ipynb", ws) if s.tab == "2. Enjeux"]
    assert stakes and all(s.done for s in stakes)
    held = store.update(dax.id, lambda ws: setattr(ws.session(1), "held_on", date(2027, 3, 4)))
    home = {s.title: s.done for s in guidance.steps("00_accueil.ipynb", held)}
    assert home["Session 1 — Enjeux et défis"] is True and home["Session 2 — Construire le projet"] is False


def test_the_panel_names_the_next_step_opens_its_tab_and_hides(dax, store):
    app = StakesApp(store, dax.id)
    head = one(app.root, "kit-steps-head")
    assert "À faire maintenant" in head.value and "1. Diagnostic" in head.value
    app.tabs.selected_index = 3
    one(app.root, "kit-steps-go").click()
    assert app.tabs.selected_index == 0
    toggle = one(app.root, "kit-steps-toggle")
    toggle.click()
    assert head.layout.display == "none" and toggle.description == "Afficher le pas à pas"
    toggle.click()
    assert head.layout.display is None and toggle.description == "Masquer le pas à pas"


def test_the_panel_follows_each_save(dax, store):
    app = StakesApp(store, dax.id)
    assert "1. Diagnostic" in one(app.root, "kit-steps-head").value

    def data(ws):
        ws.neighbourhoods.append(Neighbourhood(name="Le Sablar"))
        diagnostic.set_value(ws, "population", "qpv", ws.neighbourhoods[0].id, "1200")

    app.save(data, "Données enregistrées.")
    head = one(app.root, "kit-steps-head").value
    assert "1. Diagnostic" not in head and "2. Enjeux" in head and "1 faite" in head


def test_an_address_with_pasapas_non_opens_the_panel_hidden(dax, store, monkeypatch):
    monkeypatch.setenv("QUERY_STRING", f"espace={dax.id}&pasapas=non")
    app = ProjectApp(store, dax.id)
    assert one(app.root, "kit-steps-head").layout.display == "none"
    assert one(app.root, "kit-steps-toggle").description == "Afficher le pas à pas"


def test_the_words_of_the_page_come_from_the_glossary_with_their_definitions(dax, store):
    app = StakesApp(store, dax.id)
    steps = one(app.root, "kit-steps").value
    assert "Les mots de cette page" in steps and "MICMAC" in steps and "<dd>" in steps
    assert 'class="kit-term" title="' in one(app.root, "kit-steps-now").value  # a hover definition in the step


def test_the_guide_unfolds_in_the_app_and_prints(dax, store):
    app = ProjectApp(store, dax.id)
    view = one(app.root, "kit-guide-view")
    assert view.value == ""  # built when asked for, not at each load
    one(app.root, "kit-guide-show").click()
    assert "animation — session 2 : Construire le projet" in view.value and "Organismes ressources" in view.value
    one(app.root, "kit-guide-docx").click()
    link = one(app.root, "kit-guide-download").value
    assert 'download="guide-animation-session2_CA_du_Grand_Dax.docx"' in link
    assert base64.b64decode(re.search(r"base64,([^\"]+)", link).group(1))[:2] == b"PK"


def test_the_home_page_points_to_the_app_of_the_next_step(store):
    ws = create_demo(store)
    app = HomeApp(store, ws.id)
    head = one(app.root, "kit-steps-head").value
    assert "À faire maintenant : Candidater" in head and "01_candidature.ipynb?espace=" in head


def test_the_apps_help_texts_show_definitions_on_hover(dax, store):
    app = ProjectApp(store, dax.id)
    helps = [h.value for h in find_all(app.root, w.HTML)
             if "Un binôme élu et technicien pour la politique" in re.sub(r"<[^>]+>", "", h.value)]
    assert len(helps) == 1
    assert '<abbr class="kit-term" title="Paire formée' in helps[0]  # "binôme élu et technicien", on hover
    assert "<h2>Le <abbr" in helps[0]  # "groupe projet" in the heading


def test_steps_the_kit_cannot_judge_are_still_offered_once_the_others_are_done(store):
    ws = create_demo(store)
    items = guidance.steps("40_suivi.ipynb", ws)
    assert [s.done for s in items] == [True, None, None]  # the demo's diagnostic is under way
    assert items[guidance.next_step(items)].tab == "2. Avancement"  # not "every step is done"
    assert guidance.next_step([guidance.Step("", "a", "", "", done=True)]) is None
