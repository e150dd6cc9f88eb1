"""What every session app shares (kit/apps/session_app.py): the lists that offer entities follow every save."""

import ipywidgets as w

from kit.apps.session_app import SessionApp
from kit.model import Actor


class TwoTabs(SessionApp):
    """A list of actors in one tab, a form creating actors in another (different parts)."""

    title = "Essai"
    parts = ("actors", "other")

    def sections(self):
        self.pilot = self.choices(w.Dropdown(), lambda ws: [("", "")] + [(a.name, a.id) for a in ws.actors])
        return [("Un", w.VBox([self.pilot])), ("Deux", w.VBox())]


def test_a_list_offers_what_was_just_saved_whatever_part_the_save_named(store):
    ws = store.create("Grand Dax")
    app = TwoTabs(store, ws.id)
    assert app.pilot.options == (("", ""),)
    first = Actor(name="Centre social")
    app.save(lambda ws: ws.actors.append(first), "Acteur ajouté.", parts=("other",))
    assert app.pilot.options == (("", ""), ("Centre social", first.id))
    app.pilot.value = first.id
    second = Actor(name="Bailleur")
    app.save(lambda ws: ws.actors.append(second), "Acteur ajouté.", parts=("other",))
    assert app.pilot.value == first.id, "the person's choice is kept while it is still offered"
    assert [v for _, v in app.pilot.options] == ["", first.id, second.id]


def test_the_plan_tab_is_built_when_opened_and_the_step_button_opens_it(store):
    from kit.apps.enjeux import StakesApp
    from kit.demo import create_demo
    from tests.unit.test_home_app import find, one

    ws = create_demo(store)
    app = StakesApp(store, ws.id)
    assert not find(app.root, "kit-task"), "sent only once opened: a session's last tab"
    app.select_tab("6. Plan de travail et livrable")  # what the « pas à pas » button does
    assert app.tabs.selected_index == 5 and one(app.root, "kit-task")
    one(app.root, "kit-task").value = "Compléter les données de chaleur"
    one(app.root, "kit-add-task").click()
    assert [i.task for i in store.load(ws.id).session(1).work_plan][-1] == "Compléter les données de chaleur"
    assert "Compléter les données de chaleur" in one(app.root, "kit-plan").value
