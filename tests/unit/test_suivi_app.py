"""Follow-up (phases 2 and 3): statuses, steps, dated indicator values, progress, alerts, changes."""

import re
from datetime import date, timedelta

from kit.sessions import followup
from kit.apps.suivi import FollowUpApp
from kit.demo import create_demo
from kit.model import ActionIndicator, Step
from tests.unit.test_home_app import one


def prepared(store):
    ws = create_demo(store)

    def enrich(w):
        action = w.actions[0]
        action.objective_ids = [w.objectives[2].id]
        action.steps = [Step(title="Visites des logements", due=date(2026, 11, 1)), Step(title="Restitution")]
        action.indicators = [ActionIndicator(name="Logements diagnostiqués", unit="logements", baseline=0, target=120)]

    return store.update(ws.id, enrich)


def test_updates_are_saved_and_values_keep_their_history(store):
    ws = prepared(store)
    app = FollowUpApp(store, ws.id)
    one(app.root, "kit-followup-choice").value = ws.actions[0].id
    one(app.root, "kit-followup-steps").value = (ws.actions[0].steps[0].id,)
    one(app.root, "kit-followup-save-steps").click()
    for day, number in ((date.today() - timedelta(days=40), 30), (date.today(), 55)):
        one(app.root, "kit-followup-date").value = day
        one(app.root, "kit-followup-value").value = number
        one(app.root, "kit-followup-add-value").click()
    one(app.root, "kit-followup-date").value = date.today() + timedelta(days=3)
    one(app.root, "kit-followup-add-value").click()
    assert "dans le futur" in app.messages.widget.value
    saved = store.load(ws.id).actions[0]
    assert [s.done for s in saved.steps] == [True, False]
    assert [m.value for m in saved.indicators[0].measurements] == [30, 55]
    assert "55" in one(app.root, "kit-followup-history").value
    one(app.root, "kit-followup-status").value = "réalisé"
    one(app.root, "kit-followup-save-status").click()
    assert store.load(ws.id).actions[0].status == "réalisé"


def test_progress_and_alerts(store):
    ws = prepared(store)
    progress = followup.progress_by_objective(ws).set_index("objectif")
    assert progress.loc["Réduire la précarité énergétique", "fiches"] == 1
    assert progress.loc["Réduire la précarité énergétique", "étapes faites"] == "0/2"
    assert progress.loc["Adapter les quartiers à la chaleur", "fiches"] == 1  # through its operational objective
    found = followup.alerts(ws, today=date(2027, 6, 1))
    assert any("devait finir le 31/03/2027" in a for a in found)
    assert any("Étape en retard" in a and "Visites des logements" in a for a in found)
    assert any("n'a encore aucune valeur" in a for a in found)
    assert not followup.progress_by_theme(ws).empty


def test_what_changed_since_a_date(store):
    ws = prepared(store)
    before = store.load(ws.id)
    after = store.update(ws.id, lambda w: setattr(w.actions[1], "status", "en cours"))
    changes = followup.changes_since(before, after)
    assert changes == ["« Îlots de fraîcheur dans la cour de l'école » : statut « à venir » → « en cours »."]
    app = FollowUpApp(store, ws.id)
    one(app.root, "kit-changes-since").value = date.today() + timedelta(days=1)
    one(app.root, "kit-show-changes").click()
    assert "Rien n'a changé" in one(app.root, "kit-changes").value


def test_a_value_that_is_not_a_number_or_an_unreadable_date_is_refused_beside_the_field(store):
    ws = prepared(store)
    app = FollowUpApp(store, ws.id)
    before = store.path(ws.id).read_bytes()
    one(app.root, "kit-followup-choice").value = ws.actions[0].id
    for number in (float("nan"), float("inf"), float("-inf")):
        one(app.root, "kit-followup-value").value = number
        one(app.root, "kit-followup-add-value").click()
        assert "Valeur : « " in one(app.root, "kit-followup-note").value
        assert "n'est pas un nombre" in app.messages.widget.value
    one(app.root, "kit-followup-value").value = 42
    one(app.root, "kit-followup-date").set_state({"value": None, "unreadable": True})  # 31/02 in the browser
    one(app.root, "kit-followup-add-value").click()
    assert "La date de mesure n'est pas une date qui existe" in one(app.root, "kit-followup-note").value
    one(app.root, "kit-changes-since").set_state({"value": None, "unreadable": True})
    one(app.root, "kit-show-changes").click()
    assert "La date n'est pas une date qui existe" in app.messages.widget.value
    assert store.path(ws.id).read_bytes() == before


def test_two_people_updating_one_fiche_lose_nothing(store):
    ws = prepared(store)
    first, second = FollowUpApp(store, ws.id), FollowUpApp(store, ws.id)  # two tabs, loaded together
    action = ws.actions[0]
    for app in (first, second):
        one(app.root, "kit-followup-choice").value = action.id
    one(first.root, "kit-followup-steps").value = (action.steps[0].id,)
    one(first.root, "kit-followup-save-steps").click()
    one(second.root, "kit-followup-steps").value = (action.steps[1].id,)  # B never saw A's tick
    one(second.root, "kit-followup-save-steps").click()
    assert [s.done for s in store.load(ws.id).actions[0].steps] == [True, True]
    assert one(second.root, "kit-followup-steps").value == tuple(s.id for s in action.steps)

    one(first.root, "kit-followup-status").value = "réalisé"
    one(first.root, "kit-followup-save-status").click()
    one(second.root, "kit-followup-status").value = "en pause"
    one(second.root, "kit-followup-save-status").click()
    said = second.messages.widget.value
    assert "« statut »" in said and "« réalisé »" in said and "enregistrez à nouveau" in said
    assert store.load(ws.id).actions[0].status == "réalisé"
    one(second.root, "kit-followup-save-status").click()
    assert "Statut enregistré" in second.messages.widget.value
    assert store.load(ws.id).actions[0].status == "en pause"


def test_alerts_and_progress_are_judged_at_the_date_of_the_meeting(store):
    ws = prepared(store)  # the fiche ends on 31/03/2027, its first step is due on 01/11/2026
    app = FollowUpApp(store, ws.id)
    on, situation = one(app.root, "kit-followup-on"), one(app.root, "kit-followup-situation")
    assert on.value == date.today() and f"Situation au {date.today():%d/%m/%Y}</b> (aujourd'hui)" in situation.value

    on.value = date(2026, 10, 1)  # before every deadline
    assert "Situation au 01/10/2026" in situation.value
    alerts = one(app.root, "kit-followup-alerts").value
    assert "Étape en retard" not in alerts and "devait finir" not in alerts
    late = followup.progress_by_objective(ws, on=date(2026, 10, 1)).set_index("objectif")["en retard"]
    assert late["Réduire la précarité énergétique"] == 0

    on.value = date(2027, 6, 1)  # the fiche and its step are late then
    alerts = one(app.root, "kit-followup-alerts").value
    assert "devait finir le 31/03/2027" in alerts and "Visites des logements" in alerts
    assert "Situation au 01/06/2027" in situation.value
    cells = re.sub(r"<td[^>]*>", "<td>", one(app.root, "kit-progress-objectives").value)
    assert "<td>Réduire la précarité énergétique</td><td>1</td><td>0</td><td>1</td><td>1</td>" in cells  # 1 late

    # An absurd or unreadable date is refused beside the box; the views stay at the last date accepted.
    on.value = date(1927, 6, 1)
    assert "La date de la situation (01/06/1927) n'est pas plausible" in one(app.root, "kit-followup-on-note").value
    assert "Situation au 01/06/2027" in situation.value
    with on.hold_trait_notifications():  # as the browser's message sets both at once
        on.value, on.unreadable = None, True
    assert "n'est pas une date qui existe" in one(app.root, "kit-followup-on-note").value
    # A save redraws at the date accepted, and the date is a view setting: nothing of it is saved.
    one(app.root, "kit-followup-choice").value = ws.actions[0].id
    one(app.root, "kit-followup-status").value = "en cours"
    one(app.root, "kit-followup-save-status").click()
    assert "Situation au 01/06/2027" in situation.value and "devait finir" in one(app.root, "kit-followup-alerts").value
    assert "01/06/2027" not in store.path(ws.id).read_text() and "2027-06-01" not in store.path(ws.id).read_text()
    on.unreadable = False  # emptied (the box sends no date, readable): today again
    assert "(aujourd'hui)" in situation.value and app.messages.widget.value == ""


def test_a_fiche_written_in_another_tab_is_offered_after_the_next_save_here(store):
    from kit.model import Action

    ws = prepared(store)
    app = FollowUpApp(store, ws.id)
    store.update(ws.id, lambda w: w.actions.append(Action(title="Fiche écrite ailleurs")))  # session 3, another tab
    chooser = one(app.root, "kit-followup-choice")
    chooser.value = ws.actions[0].id
    one(app.root, "kit-followup-status").value = "en cours"
    one(app.root, "kit-followup-save-status").click()
    assert "Fiche écrite ailleurs" in [label for label, _ in chooser.options]
    assert chooser.value == ws.actions[0].id, "the fiche being followed stays chosen"
