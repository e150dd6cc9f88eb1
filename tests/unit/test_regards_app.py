"""The Regards croisés app, driven through its widgets as a facilitator and a territory would."""

from __future__ import annotations

import base64
import io
import re

import docx
import pytest

from kit.apps.regards import TABS, RegardsApp
from kit.cohort.cohorts import CohortFolder
from kit.demo import create_demo
from kit.model import IndicatorValue
from kit.store import Store


def tab(app: RegardsApp, title: str):
    app.tabs.selected_index = [t for t, _ in TABS].index(title)
    return app.tabs.children[app.tabs.selected_index]


def texts(widget) -> str:
    found = [getattr(widget, "value", "") if isinstance(getattr(widget, "value", ""), str) else ""]
    for child in getattr(widget, "children", ()):
        found.append(texts(child))
    return "\n".join(found)


def find_tagged(widget, css: str):
    if css in getattr(widget, "_dom_classes", ()):
        return widget
    for child in getattr(widget, "children", ()):
        found = find_tagged(child, css)
        if found is not None:
            return found
    return None


@pytest.fixture
def cohort(tmp_path):
    store = Store(tmp_path)
    folder = CohortFolder.of(store)
    names = ("Rivebelle", "Val de Charente", "Pays discret")
    territories = [store.rename(create_demo(store).id, name) for name in names]
    for poverty, ws in zip((31.5, 24.0, 40.0), territories):
        store.update(ws.id, lambda ws, poverty=poverty: ws.indicator_values.extend([
            IndicatorValue(indicator="taux_pauvrete", place=ws.neighbourhoods[0].id, value=poverty, year=2021),
            IndicatorValue(indicator="taux_pauvrete", place_kind="region", place="75", value=14.5, year=2021)]))
    store.update(territories[1].id, lambda ws: setattr(ws.actions[0], "title", "Cours d'école végétalisées"))
    store.update(territories[2].id, lambda ws: (setattr(ws, "sharing", "rien"),
                                                setattr(ws.actions[0], "title", "Fiche confidentielle")))
    created = folder.create("Nouvelle-Aquitaine 2025-2026")
    for ws in territories:
        folder.join(created.id, store.load(ws.id))
    return store, created.id, [t.id for t in territories]


def test_every_tab_shows_the_sharing_territories_and_never_the_silent_one(cohort):
    store, cohort_id, ids = cohort
    app = RegardsApp(store, cohort_id)
    assert "Rivebelle" in app.members.value and "Val de Charente" in app.members.value
    assert "Pays discret" not in app.members.value and "1 territoire de la cohorte ne partage rien" in app.members.value
    for title, _ in TABS:
        shown = texts(tab(app, title))
        assert app.messages.widget.value == "", (title, app.messages.widget.value)
        assert "Pays discret" not in shown and "confidentielle" not in shown, title
    indicators = texts(tab(app, "Indicateurs"))
    assert "Rivebelle" in indicators and "31,5" in indicators and "24" in indicators and "40" not in indicators
    assert "Télécharger le tableau" in indicators
    assert "Val de Charente" in texts(tab(app, "Plans d'action"))


def test_a_territory_copies_another_s_fiche_as_a_model(cohort):
    store, cohort_id, (first, second, _) = cohort
    app = RegardsApp(store, cohort_id)
    box = tab(app, "S'inspirer des autres")
    own, row, note = box.children[1], box.children[3], box.children[4]
    own.value = first
    fiche, copy = row.children
    label = next(label for label, _ in fiche.options if "Cours d'école végétalisées" in label)
    assert not any("confidentielle" in label for label, _ in fiche.options)
    fiche.value = dict(fiche.options)[label]
    copy.click()
    copied = next(a for a in store.load(first).actions if a.origin)
    assert copied.title == "Cours d'école végétalisées" and "Val de Charente" in copied.origin
    assert "copiée dans « Rivebelle »" in note.value  # said beside the button
    assert "30_action.ipynb?espace=" in box.children[5].children[0].value and copied.origin in box.children[5].children[0].value
    # The session-3 app shows where the fiche came from, above its fields.
    from kit.apps.action import ActionApp

    action_app = ActionApp(store, first)
    chooser = find_tagged(action_app.root, "kit-action-choice")
    chooser.value = copied.id
    assert copied.origin in find_tagged(action_app.root, "kit-action-origin").value
    copy.click()  # the same fiche again: a second copy named after its territory, said as such
    assert [a.title for a in store.load(first).actions if a.origin][-1] == "Cours d'école végétalisées (modèle Val de Charente)"


def test_the_regional_synthesis_downloads_as_a_word_document(cohort):
    store, cohort_id, _ = cohort
    app = RegardsApp(store, cohort_id)
    box = tab(app, "Synthèse régionale")
    box.children[1].children[0].click()  # « Préparer la synthèse (Word) »
    link = box.children[3].value
    assert "regards-croises" in link and app.messages.widget.value.count("Synthèse prête") == 1
    data = base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", link).group(1))
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert "Rivebelle" in text and "Val de Charente" in text and "Pays discret" not in text


def test_a_facilitator_creates_a_cohort_then_adds_a_workspace_to_it_in_one_sitting(tmp_path):
    store = Store(tmp_path)
    ws = create_demo(store)
    app = RegardsApp(store)
    assert "Aucune cohorte pour l'instant" in app.members.value
    app.new_name.value = "   "
    create = app.create_button
    create.click()
    assert "Donnez un nom à la cohorte" in app.forms_note.value
    app.new_name.value, app.new_facilitators.value = "Cohorte 2027", "Awa, Louis"
    create.click()
    cohort = CohortFolder.of(store).cohorts()[0]
    assert cohort.name == "Cohorte 2027" and cohort.facilitators == ["Awa", "Louis"]
    assert app.cohort_choice.value == cohort.id
    assert [v for _, v in app.local.options] == [ws.id]  # the new cohort offers this computer's workspace at once
    app.local.value = ws.id
    app.add_button.click()
    assert CohortFolder.of(store).cohort(cohort.id).member_ids() == [ws.id]
    assert ws.name in app.members.value and "il y partage : un résumé" in app.messages.widget.value
    assert app.local.options == ()


def test_a_large_cohort_reads_its_checks_one_territory_per_row(tmp_path):
    from kit.demo import create_demo_cohort

    store = Store(tmp_path)
    cohort = create_demo_cohort(store, CohortFolder.of(store), 8)
    app = RegardsApp(store, cohort.id)
    assert "8 territoires" in app.members.value and "kit-regards-members-list" in app.members.value
    governance = texts(tab(app, "Gouvernance"))
    header = re.search(r"<tr>(.*?)</tr>", governance).group(1)
    assert "Territoire" in header and "Binôme politique de la ville" in header  # the checks are the columns
    assert governance.count("<tr") == 1 + 8  # one row per territory
    assert "Val d'Aurène (fictif)" in governance
