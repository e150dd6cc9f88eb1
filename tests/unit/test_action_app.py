"""Session 3 driven like a facilitator does: fiches, checks, roadmap, steering, spreadsheet round trip."""

import base64
import io
import re
from datetime import date, datetime, timezone

import openpyxl
import pytest

from kit.sessions import steering
from kit.apps.action import ActionApp
from kit.demo import create_demo
from tests.unit.test_home_app import find, one, open_panels


def opened(store, ws_id):
    app = ActionApp(store, ws_id)
    app.signal._handle_custom_msg({"kind": "rendered"}, [])
    return open_panels(app)  # the secondary panels opened, as a person does


@pytest.fixture
def demo(store):
    ws = create_demo(store)
    return ws, opened(store, ws.id)


def new_action(app, title, start=None, end=None, depends=()):
    one(app.root, "kit-action-choice").value = ""
    one(app.root, "kit-action-title").value = title
    one(app.root, "kit-action-start").value = start
    one(app.root, "kit-action-end").value = end
    one(app.root, "kit-action-depends").value = tuple(depends)
    one(app.root, "kit-add-action").click()


def test_fiches_with_a_dependency_feed_the_roadmap(demo, store):
    ws, app = demo
    new_action(app, "Fresque du climat au centre social", date(2027, 1, 10), date(2027, 2, 28))
    first = next(a.id for a in store.load(ws.id).actions if a.title.startswith("Fresque"))
    new_action(app, "Plan d'ombrage partagé", date(2027, 2, 1), date(2027, 6, 30), depends=[first])
    actions = store.load(ws.id).actions
    assert actions[-1].depends_on == [first]
    checks = one(app.root, "kit-action-checks").value
    assert "avant la fin de « Fresque du climat au centre social »" in checks
    gantt = one(app.root, "kit-gantt").figure
    assert "Plan d'ombrage partagé" in str(gantt["data"])


def test_an_impossible_date_is_refused_in_french_and_nothing_changes(demo, store):
    ws, app = demo
    before = store.path(ws.id).read_bytes()
    new_action(app, "Jardin partagé", date(2027, 5, 1), date(2027, 3, 1))
    assert "la date de fin précède la date de début" in app.messages.widget.value.lower()
    new_action(app, "Jardin partagé", date(1927, 5, 1), None)
    assert "n'est pas plausible" in app.messages.widget.value
    assert store.path(ws.id).read_bytes() == before


def test_a_dependency_cycle_is_named(demo, store):
    ws, app = demo
    first, second = ws.actions[0], ws.actions[1]  # the second depends on the first
    one(app.root, "kit-action-choice").value = first.id
    one(app.root, "kit-action-depends").value = (second.id,)
    one(app.root, "kit-save-action").click()
    assert "→" in app.messages.widget.value and first.title in app.messages.widget.value
    assert store.load(ws.id).actions[0].depends_on == []


def test_budget_without_funder_and_steering_views(demo, store):
    ws, app = demo
    one(app.root, "kit-action-choice").value = ws.actions[0].id
    one(app.root, "kit-budget-amount").value = 12000
    one(app.root, "kit-add-budget").click()
    assert "financeur" in app.messages.widget.value
    one(app.root, "kit-budget-funder").value = "Fonds vert"
    one(app.root, "kit-add-budget").click()
    assert store.load(ws.id).actions[0].budget[0].funder == "Fonds vert"
    assert "pilote" in one(app.root, "kit-responsibilities").value
    assert "BEGIN:VCALENDAR" in base64.b64decode(
        re.search(r'base64,([^"]+)"', one(app.root, "kit-ics").value).group(1)).decode()
    assert len(steering.bodies_meetings(store.load(ws.id))) >= 12  # a monthly board over a year


def test_spreadsheet_round_trip_through_the_app(demo, store):
    ws, app = demo
    one(app.root, "kit-make-xlsx").click()
    data = base64.b64decode(re.search(r'base64,([^"]+)"', one(app.root, "kit-files").value).group(1))
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["Fiches action"]
    headers = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=headers.index(next(h for h in headers if h.startswith("Intitulé"))) + 1,
               value="Diagnostic de confort d'été (revu)")
    out = io.BytesIO()
    book.save(out)
    edited = out.getvalue()
    one(app.root, "kit-xlsx-upload").value = ({"name": "plan.xlsx", "type": "", "size": len(edited),
                                               "content": memoryview(edited),
                                               "last_modified": datetime.now(timezone.utc)},)
    assert "revu" in one(app.root, "kit-xlsx-report").value
    one(app.root, "kit-xlsx-apply").click()
    assert store.load(ws.id).actions[0].title == "Diagnostic de confort d'été (revu)"


def test_out_of_range_numbers_and_unreadable_dates_are_refused_beside_the_form(demo, store):
    ws, app = demo
    before = store.path(ws.id).read_bytes()
    one(app.root, "kit-action-choice").value = ws.actions[0].id
    one(app.root, "kit-budget-funder").value = "Fonds vert"
    beside = one(app.root, "kit-action-items-note")
    for field, value, words in (("kit-budget-amount", -5, "Montant : \u22125 € n'est pas possible, indiquez une "
                                 "valeur de 0 € à 10\u00a0000\u00a0000\u00a0000 €."),
                                ("kit-budget-amount", 1e20, "Montant : 100\u00a0000"),
                                ("kit-budget-year", 1999, "Année : 1999 n'est pas possible, indiquez une valeur "
                                 "de 2000 à 2100.")):
        one(app.root, "kit-budget-amount").value, one(app.root, "kit-budget-year").value = 1500, 2027
        one(app.root, field).value = value
        one(app.root, "kit-add-budget").click()
        assert words in app.messages.widget.value and words in beside.value  # said where the person is
    one(app.root, "kit-indicator-name").value = "Logements rénovés"
    one(app.root, "kit-indicator-target").value = float("nan")
    one(app.root, "kit-add-indicator").click()
    assert "Cible : « nan » n'est pas un nombre" in beside.value
    # 31/02 typed in the browser: the date box says it cannot read it; the fiche is not created without it.
    one(app.root, "kit-action-choice").value = ""
    one(app.root, "kit-action-title").value = "Jardin partagé"
    one(app.root, "kit-action-start").set_state({"value": None, "unreadable": True})
    one(app.root, "kit-add-action").click()
    assert "La date de début n'est pas une date qui existe" in one(app.root, "kit-action-note").value
    assert "kit-msg-error" in one(app.root, "kit-action-note").value and beside.value == ""  # the old note went
    one(app.root, "kit-milestone-title").value = "Conseil communautaire"
    one(app.root, "kit-milestone-date").set_state({"value": None, "unreadable": True})
    one(app.root, "kit-add-milestone").click()
    assert "La date du jalon n'est pas une date qui existe" in one(app.root, "kit-milestone-note").value
    one(app.root, "kit-task").value = "Relancer le bailleur"
    one(app.root, "kit-task-due").set_state({"value": None, "unreadable": True})
    one(app.root, "kit-add-task").click()
    assert "L'échéance n'est pas une date qui existe" in one(app.root, "kit-task-note").value
    assert store.path(ws.id).read_bytes() == before
    one(app.root, "kit-action-start").set_state({"value": "2027-03-01", "unreadable": False})  # corrected
    one(app.root, "kit-add-action").click()
    assert store.load(ws.id).actions[-1].start == date(2027, 3, 1)


def test_two_people_editing_one_fiche_lose_nothing(demo, store):
    ws, first = demo
    second = opened(store, ws.id)  # another tab on the same fiche, loaded before the first one saves
    action = ws.actions[0]
    for app in (first, second):
        one(app.root, "kit-action-choice").value = action.id
    one(first.root, "kit-action-description").value = "Visites des logements les plus exposés"
    one(first.root, "kit-save-action").click()
    one(second.root, "kit-action-priority").value = "haute"
    one(second.root, "kit-action-partners").value = (ws.actors[4].id,)
    one(second.root, "kit-save-action").click()
    assert "Fiche enregistrée" in second.messages.widget.value
    saved = store.load(ws.id).actions[0]
    assert (saved.description, saved.priority, saved.partner_ids) == (
        "Visites des logements les plus exposés", "haute", [ws.actors[4].id])

    # The same field in both tabs: the second is asked, with the other person's choice named.
    one(first.root, "kit-action-lead").value = ws.actors[1].id
    one(first.root, "kit-save-action").click()
    one(second.root, "kit-action-lead").value = ws.actors[3].id
    one(second.root, "kit-action-participation").value = "Balades thermiques avec les habitants"
    one(second.root, "kit-save-action").click()
    said = one(second.root, "kit-action-note").value
    assert "« pilote »" in said and f"« {ws.actors[1].name} »" in said and "enregistrez à nouveau" in said
    saved = store.load(ws.id).actions[0]
    assert (saved.lead_id, saved.participation) == (ws.actors[1].id, "")
    one(second.root, "kit-save-action").click()
    saved = store.load(ws.id).actions[0]
    assert (saved.lead_id, saved.participation) == (ws.actors[3].id, "Balades thermiques avec les habitants")
    assert saved.description == "Visites des logements les plus exposés"


def test_fiches_written_in_a_row_each_depend_on_the_one_before(store):
    """The person never empties the form: after « Nouvelle fiche » it shows the fiche just created, and the next
    one, typed over it, may depend on it (« Dépend de » offers every fiche)."""
    ws = store.create("CA Rochefort Océan")
    app = opened(store, ws.id)
    titles = ["Repérer les logements surchauffés", "Poser des protections solaires", "Mesurer la chaleur"]
    for index, title in enumerate(titles):
        one(app.root, "kit-action-title").value = title
        one(app.root, "kit-action-start").value = date(2027, 1 + 3 * index, 1)
        one(app.root, "kit-action-end").value = date(2027, 3 + 3 * index, 28)
        depends = one(app.root, "kit-action-depends")
        if index:
            previous = store.load(ws.id).actions[-1]
            assert (previous.title, previous.id) in depends.options  # the fiche shown is offered too
            depends.value = (previous.id,)
        one(app.root, "kit-add-action").click()
        assert f"Fiche « {title} » créée" in one(app.root, "kit-action-note").value
        assert one(app.root, "kit-action-choice").value == store.load(ws.id).actions[-1].id  # shown once created
    actions = store.load(ws.id).actions
    assert [a.title for a in actions] == titles
    assert [a.depends_on for a in actions] == [[], [actions[0].id], [actions[1].id]]
    assert " → ".join(titles) in one(app.root, "kit-critical-path").value


def test_a_fiche_made_to_depend_on_itself_is_refused_in_words(demo, store):
    ws, app = demo
    before = store.path(ws.id).read_bytes()
    first = ws.actions[0]
    one(app.root, "kit-action-choice").value = first.id
    depends = one(app.root, "kit-action-depends")
    assert first.id in [value for _, value in depends.options]
    depends.value = (first.id,)
    one(app.root, "kit-save-action").click()
    said = one(app.root, "kit-action-note").value
    assert "kit-msg-error" in said and f"« {first.title} » ne peut pas dépendre d'elle-même" in said
    assert store.path(ws.id).read_bytes() == before
    assert depends.value == (first.id,)  # kept as chosen, for the person to correct


def test_a_cycle_is_refused_on_save_named_and_an_old_one_blocks_nothing_else(demo, store):
    ws, app = demo
    first, second = ws.actions[0], ws.actions[1]  # the second depends on the first
    # Through a third fiche, created depending on the second: the first then made to depend on the third.
    one(app.root, "kit-blank-action").click()
    one(app.root, "kit-action-title").value = "Suivre les températures"
    one(app.root, "kit-action-depends").value = (second.id,)
    one(app.root, "kit-add-action").click()
    third = store.load(ws.id).actions[-1]
    assert third.depends_on == [second.id]
    one(app.root, "kit-action-choice").value = first.id
    one(app.root, "kit-action-depends").value = (third.id,)
    one(app.root, "kit-save-action").click()
    said = one(app.root, "kit-action-note").value
    assert (f"dépendance circulaire : « {first.title} » → « {second.title} » → « Suivre les températures » → "
            f"« {first.title} »") in said
    assert store.load(ws.id).actions[0].depends_on == []

    # A circle saved by an older kit (not through this form): named in the checks; a fiche can still be created,
    # and one outside the circle edited; the circle is undone from one of its fiches.
    def old_cycle(w):
        w.actions[0].depends_on = [w.actions[1].id]
    store.update(ws.id, old_cycle)
    app = opened(store, ws.id)
    assert "Dépendance circulaire" in one(app.root, "kit-action-checks").value
    assert "1 erreur" in one(app.root, "kit-action-checks-box").titles[0]
    one(app.root, "kit-action-choice").value = ""
    one(app.root, "kit-action-title").value = "Fête de fin de chantier"
    one(app.root, "kit-action-depends").value = ()
    one(app.root, "kit-add-action").click()
    assert store.load(ws.id).actions[-1].title == "Fête de fin de chantier"
    one(app.root, "kit-action-choice").value = first.id
    one(app.root, "kit-action-depends").value = ()
    one(app.root, "kit-save-action").click()
    assert "Fiche enregistrée" in one(app.root, "kit-action-note").value
    assert "Dépendance circulaire" not in one(app.root, "kit-action-checks").value


def test_an_empty_form_for_the_next_fiche_and_enter_in_the_title(demo, store):
    ws, app = demo
    chooser, title = one(app.root, "kit-action-choice"), one(app.root, "kit-action-title")
    assert chooser.options[0] == ("— nouvelle fiche —", "")
    chooser.value = ws.actions[0].id
    assert title.value == ws.actions[0].title and one(app.root, "kit-action-lead").value
    one(app.root, "kit-blank-action").click()
    assert (chooser.value, title.value, one(app.root, "kit-action-lead").value) == ("", "", "")
    assert one(app.root, "kit-action-start").value is None and one(app.root, "kit-action-depends").value == ()
    assert "Formulaire vidé" in one(app.root, "kit-blank-note").value

    # Enter in the title of an empty form creates the fiche: the browser sends « submit », then the title.
    one(app.root, "kit-action-lead").value = ws.actors[5].id
    one(app.root, "kit-action-start").value = date(2027, 4, 1)
    one(app.root, "kit-action-end").value = date(2027, 6, 30)
    title._handle_custom_msg({"event": "submit"}, [])
    assert len(store.load(ws.id).actions) == len(ws.actions)  # not before the title has come
    title.value = "Atelier vélo"
    created = store.load(ws.id).actions[-1]
    assert (created.title, created.lead_id, created.start, created.end) == (
        "Atelier vélo", ws.actors[5].id, date(2027, 4, 1), date(2027, 6, 30))
    assert chooser.value == created.id
    # On a saved fiche, Enter changes nothing: it says which button does what (no rename by mistake).
    before = store.path(ws.id).read_bytes()
    title.value = "Atelier réparation"
    title._handle_custom_msg({"event": "submit"}, [])
    assert store.path(ws.id).read_bytes() == before
    assert "« Nouvelle fiche » crée une autre fiche" in one(app.root, "kit-action-note").value

    one(app.root, "kit-remove-action").click()  # the fiche shown goes, and so does the form's content
    assert chooser.value == "" and title.value == ""
    assert [a.title for a in store.load(ws.id).actions] == [a.title for a in ws.actions]


def test_checks_fold_into_one_line_with_their_counts(demo, store):
    ws, app = demo
    box = one(app.root, "kit-action-checks-box")
    assert box.selected_index is None  # folded: the form stays on the first screen
    assert box.titles[0] == "Points à vérifier : aucun"
    assert "(2)" in one(app.root, "kit-action-list-box").titles[0]
    new_action(app, "Atelier vélo", date(2027, 5, 1), date(2027, 3, 1))  # refused: the end before the start
    new_action(app, "Atelier vélo")  # no pilot, no objective
    assert box.titles[0] == "Points à vérifier : 2 à compléter (ouvrir la liste)"
    assert "(3)" in one(app.root, "kit-action-list-box").titles[0]


def test_every_list_offers_what_was_just_saved(demo, store):
    ws, app = demo
    one(app.root, "kit-blank-action").click()
    one(app.root, "kit-action-title").value = "Atelier vélo"
    one(app.root, "kit-add-action").click()
    created = store.load(ws.id).actions[-1]
    assert (created.title, created.id) in one(app.root, "kit-action-depends").options
    assert (created.title, created.id) in one(app.root, "kit-action-choice").options
    assert [(a.name, a.name) for a in ws.actors] == list(one(app.root, "kit-filter-lead").options)[1:]
    assert one(app.root, "kit-filter-lead").options[0] == ("tous", "")
    # What is chosen in a long list is written under it (the list scrolls it out of sight).
    one(app.root, "kit-action-depends").value = (ws.actions[0].id, created.id)
    assert any(f"Dépend de : « {ws.actions[0].title} » et « Atelier vélo »" in line.value
               for line in find(app.root, "kit-chosen"))


def test_a_link_to_something_deleted_meanwhile_is_refused_and_named(demo, store):
    """Chosen in the form, deleted in another tab before « Enregistrer »: refused, named as the list showed it;
    the list then offers what is saved, and saving again keeps the rest of what was typed."""
    ws, app = demo
    gone, kept = ws.actors[6], ws.actors[5]
    one(app.root, "kit-action-choice").value = ws.actions[0].id
    one(app.root, "kit-action-partners").value = (gone.id, kept.id)
    one(app.root, "kit-action-description").value = "Avec le centre social"

    def delete(w):  # as session 2 deletes an actor: its links go with it
        w.actors = [a for a in w.actors if a.id != gone.id]
        w.relations = [r for r in w.relations if gone.id not in (r.source, r.target)]
        w.actor_influences = [i for i in w.actor_influences if gone.id not in (i.source, i.target)]
        w.actor_positions = [p for p in w.actor_positions if p.actor_id != gone.id]
        for action in w.actions:
            action.partner_ids = [i for i in action.partner_ids if i != gone.id]
    store.update(ws.id, delete)
    one(app.root, "kit-save-action").click()
    said = one(app.root, "kit-action-note").value
    assert "kit-msg-error" in said and f"« {gone.name} » (« Partenaires ») n’existe plus" in said
    partners = one(app.root, "kit-action-partners")
    assert gone.id not in [v for _, v in partners.options] and partners.value == (kept.id,)
    one(app.root, "kit-save-action").click()
    saved = store.load(ws.id).actions[0]
    assert (saved.partner_ids, saved.description) == ([kept.id], "Avec le centre social")

    # Creating a fiche that depends on a fiche deleted meanwhile: the same.
    one(app.root, "kit-blank-action").click()
    one(app.root, "kit-action-title").value = "Suivi des températures"
    one(app.root, "kit-action-depends").value = (ws.actions[1].id,)
    store.update(ws.id, lambda w: setattr(w, "actions", w.actions[:1]))
    one(app.root, "kit-add-action").click()
    assert f"« {ws.actions[1].title} » (« Dépend de ») n’existe plus" in one(app.root, "kit-action-note").value
    assert len(store.load(ws.id).actions) == 1 and one(app.root, "kit-action-depends").value == ()
