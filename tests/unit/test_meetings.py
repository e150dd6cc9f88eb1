"""The governance bodies' meetings (kit.methods.meetings): rhythms read from French, dated meetings."""

from datetime import date, timedelta

import pytest

from kit.methods import meetings as km
from kit.errors import KitError
from kit.model import GovernanceBody


# -- rhythms --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, count, unit", [
    ("hebdomadaire", 1, "week"), ("Réunion hebdomadaire", 1, "week"), ("toutes les semaines", 1, "week"),
    ("mensuel", 1, "month"), ("Mensuelle (1er mardi)", 1, "month"), ("chaque mois", 1, "month"),
    ("une fois par mois", 1, "month"), ("bimestriel", 2, "month"), ("tous les 2 mois", 2, "month"),
    ("Tous les deux mois", 2, "month"), ("trimestriel", 3, "month"), ("trimestrielle", 3, "month"),
    ("chaque trimestre", 3, "month"), ("4 fois par an", 3, "month"), ("quadrimestriel", 4, "month"),
    ("3 fois par an", 4, "month"), ("semestriel", 6, "month"), ("deux fois par an", 6, "month"),
    ("annuel", 12, "month"), ("Annuelle", 12, "month"), ("une fois par an", 12, "month"),
    ("tous les ans", 12, "month"), ("biennal", 24, "month"), ("toutes les 6 semaines", 6, "week"),
    ("toutes les six semaines", 6, "week"), ("tous les 15 jours", 2, "week"), ("tous les quinze jours", 2, "week"),
    ("tous les 8 jours", 1, "week"), ("tous les 14 jours", 2, "week"), ("tous les 10 jours", 10, "day"),
    ("deux fois par mois", 2, "week"), ("quotidien", 1, "day"),
])
def test_rhythms_understood(text, count, unit):
    assert km.parse_rhythm(text) == km.Rhythm(count, unit)
    assert km.rhythm_note("Copil", text) is None


@pytest.mark.parametrize("text, fragment", [
    ("", "aucun rythme renseigné"),
    ("bimensuel", "rythme ambigu (« bimensuel » se lit « deux fois par mois » ou « tous les deux mois »)"),
    ("Biannuel", "rythme ambigu"),
    ("à la demande", "sans régularité"),
    ("selon les besoins", "sans régularité"),
    ("quand le maire le décide", "non compris"),
    ("5 fois par an", "non compris"),
])
def test_rhythms_not_understood_give_a_note(text, fragment):
    assert km.parse_rhythm(text) is None
    note = km.rhythm_note("Copil", text)
    assert note.startswith("« Copil » : ") and fragment in note and "aucune réunion n'est datée" in note.lower()


def test_rhythm_labels_and_rules():
    assert km.Rhythm(1, "month").label() == "tous les mois"
    assert km.Rhythm(6, "week").label() == "toutes les 6 semaines"
    assert km.Rhythm(12, "month").label() == "tous les ans" and km.Rhythm(24, "month").label() == "tous les 2 ans"
    assert km.Rhythm(1, "week").rrule() == "FREQ=WEEKLY"
    assert km.Rhythm(3, "month").rrule() == "FREQ=MONTHLY;INTERVAL=3"
    assert km.Rhythm(24, "month").rrule() == "FREQ=YEARLY;INTERVAL=2"


# -- meetings -------------------------------------------------------------------------------------------

START, END = date(2025, 1, 6), date(2025, 12, 31)  # a Monday, and the end of the year


@pytest.mark.parametrize("rhythm, expected", [
    ("hebdomadaire", 52), ("mensuel", 12), ("bimestriel", 6), ("trimestriel", 4), ("semestriel", 2),
    ("annuel", 1), ("tous les 2 mois", 6),
    ("toutes les 6 semaines", 9),  # 6 January + 8 × 42 days = 8 December; + 42 days is in 2026
])
def test_meetings_for_each_rhythm(rhythm, expected):
    found = km.meetings([{"name": "Copil", "rhythm": rhythm}], START, END)
    assert len(found) == expected and found.notes == []
    assert found[0]["date"] == START and all(m["date"] <= END for m in found)
    assert [m["number"] for m in found] == list(range(1, expected + 1))
    if expected > 1:  # the period's end is included: a day less drops the last meeting
        shorter = km.meetings([{"name": "Copil", "rhythm": rhythm}], START, found[-1]["date"] - timedelta(days=1))
        assert shorter == found[:-1]


def test_weekly_and_six_weekly_dates():
    weekly = km.meetings([{"name": "Groupe", "rhythm": "hebdomadaire"}], START, date(2025, 1, 31))
    assert [m["date"].day for m in weekly] == [6, 13, 20, 27]
    six = km.meetings([{"name": "Groupe", "rhythm": "toutes les 6 semaines"}], START, date(2025, 4, 30))
    assert [m["date"] for m in six] == [date(2025, 1, 6), date(2025, 2, 17), date(2025, 3, 31)]


def test_monthly_meetings_keep_their_day_or_the_last_day_of_the_month():
    found = km.meetings([{"name": "Bureau", "rhythm": "mensuel"}], date(2024, 1, 31), date(2024, 5, 31))
    assert [m["date"] for m in found] == [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30),
                                          date(2024, 5, 31)]


def test_meetings_content_order_and_notes():
    bodies = [GovernanceBody(name="Comité de pilotage", kind="comité de pilotage", rhythm="trimestriel",
                             decides="Orientations et suivi du plan d'action"),
              GovernanceBody(name="Bureau communautaire", kind="instance décisionnelle", rhythm="mensuel"),
              GovernanceBody(name="Atelier d'habitants", kind="atelier d'habitants", rhythm="à la demande"),
              GovernanceBody(name="Comité technique", rhythm="")]
    found = km.meetings(bodies, "2025-01-15", "15/04/2025")
    assert [(m["date"], m["body"]) for m in found] == [
        (date(2025, 1, 15), "Bureau communautaire"), (date(2025, 1, 15), "Comité de pilotage"),
        (date(2025, 2, 15), "Bureau communautaire"), (date(2025, 3, 15), "Bureau communautaire"),
        (date(2025, 4, 15), "Bureau communautaire"), (date(2025, 4, 15), "Comité de pilotage")]
    copil = found[1]
    assert copil == {"body": "Comité de pilotage", "date": date(2025, 1, 15), "time": None, "title": "Comité de pilotage",
                     "reviews": "Orientations et suivi du plan d'action", "number": 1, "kind": "comité de pilotage",
                     "rhythm": "tous les 3 mois"}
    assert len(found.notes) == 2
    assert found.notes[0].startswith("« Atelier d'habitants » : rythme « à la demande » sans régularité")
    assert found.notes[1] == "« Comité technique » : aucun rythme renseigné, aucune réunion n'est datée."


def test_meetings_list_the_actions_ending_since_the_previous_one():
    actions = [{"title": "Diagnostic", "end": date(2025, 3, 20), "status": "en cours"},
               {"title": "Relevés", "end": "2025-02-01", "status": "à venir"},
               {"title": "Déjà faite", "end": date(2025, 3, 1), "status": "réalisé"},
               {"title": "Ancienne", "end": date(2024, 6, 1), "status": "à venir"},
               {"title": "Sans date", "end": None}]
    found = km.meetings([{"name": "Copil", "rhythm": "trimestriel"}], date(2025, 1, 15), date(2025, 7, 15),
                        actions=actions)
    # First meeting: actions ending in the quarter before it (none); second: from 15/01 to 15/04.
    assert [m["actions"] for m in found] == [[], ["Relevés", "Diagnostic"], []]


def test_meetings_refuse_a_reversed_or_unreadable_period():
    with pytest.raises(KitError, match="précède la première réunion"):
        km.meetings([{"name": "Copil", "rhythm": "mensuel"}], date(2025, 6, 1), date(2025, 1, 1))
    with pytest.raises(KitError, match="Date illisible"):
        km.meetings([{"name": "Copil", "rhythm": "mensuel"}], "le 3 mars", date(2025, 1, 1))
    with pytest.raises(KitError, match="Indiquez la date"):
        km.meetings([{"name": "Copil", "rhythm": "mensuel"}], None, date(2025, 1, 1))


def test_daily_meetings_are_capped():
    found = km.meetings([{"name": "Veille", "rhythm": "quotidien"}], date(2025, 1, 1), date(2030, 1, 1))
    assert len(found) == km.MAX_MEETINGS_PER_BODY and "1000 premières réunions" in found.notes[0]


def test_monthly_steps_are_counted_from_the_first_date():
    # 31 January + 1 month is 29 February, + 2 months is 31 March (not the 29th: never from the previous date).
    monthly = km.Rhythm(1, "month")
    assert [monthly.step(date(2024, 1, 31), k) for k in range(5)] == [
        date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30), date(2024, 5, 31)]
    assert km.Rhythm(12, "month").step(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert km.Rhythm(12, "month").step(date(2024, 2, 29), 4) == date(2028, 2, 29)
    assert km.Rhythm(3, "month").step(date(2025, 11, 30), 1) == date(2026, 2, 28)
    assert km.Rhythm(2, "week").step(date(2025, 12, 22), 1) == date(2026, 1, 5)
    assert km.Rhythm(10, "day").step(date(2025, 2, 25), 1) == date(2025, 3, 7)
    assert type(monthly.step(date(2024, 1, 31), 1)) is date


def test_dashes_are_read_as_spaces_in_rhythms():
    assert km.parse_rhythm("Tous-les-deux-mois") == km.Rhythm(2, "month")
    assert km.parse_rhythm("TRIMESTRIEL – 1er jeudi") == km.Rhythm(3, "month")


# -- each body's own first meeting ------------------------------------------------------------------------


def test_each_body_is_dated_from_its_own_first_meeting_at_its_time():
    from datetime import time

    bodies = [GovernanceBody(name="Copil", rhythm="trimestriel", first_meeting=date(2025, 2, 10),
                             meeting_time=time(14, 30)),
              GovernanceBody(name="Bureau", rhythm="mensuel")]  # no first meeting: from the period's start
    found = km.meetings(bodies, date(2025, 1, 15), date(2025, 8, 31))
    copil = [m for m in found if m["body"] == "Copil"]
    assert [(m["date"], m["time"], m["number"]) for m in copil] == [
        (date(2025, 2, 10), time(14, 30), 1), (date(2025, 5, 10), time(14, 30), 2), (date(2025, 8, 10), time(14, 30), 3)]
    assert [m["date"] for m in found if m["body"] == "Bureau"][:2] == [date(2025, 1, 15), date(2025, 2, 15)]
    assert all(m["time"] is None for m in found if m["body"] == "Bureau")


def test_a_first_meeting_before_the_period_keeps_the_rhythm_and_the_numbers():
    found = km.meetings([{"name": "Copil", "rhythm": "trimestriel", "first_meeting": "2020-01-31"}],
                        date(2025, 1, 1), date(2025, 12, 31))
    assert [(m["date"], m["number"]) for m in found] == [
        (date(2025, 1, 31), 21), (date(2025, 4, 30), 22), (date(2025, 7, 31), 23), (date(2025, 10, 31), 24)]
    daily = km.meetings([{"name": "Veille", "rhythm": "quotidien", "first_meeting": date(2000, 1, 1)}],
                        date(2025, 3, 1), date(2025, 3, 3))
    assert [m["date"] for m in daily] == [date(2025, 3, 1), date(2025, 3, 2), date(2025, 3, 3)]


def test_a_first_meeting_after_the_period_or_without_rhythm_is_said():
    found = km.meetings([{"name": "Copil", "rhythm": "mensuel", "first_meeting": date(2027, 1, 5)},
                         {"name": "Atelier", "rhythm": "à la demande", "first_meeting": date(2025, 3, 4),
                          "meeting_time": "18h"}],
                        date(2025, 1, 1), date(2025, 12, 31), actions=[])
    assert [(m["body"], m["date"], m["time"].hour) for m in found] == [("Atelier", date(2025, 3, 4), 18)]
    assert found.notes == ["« Copil » : première réunion le 05/01/2027, après la fin du calendrier (31/12/2025).",
                           "« Atelier » : seule la première réunion, le 04/03/2025, est datée (rythme « à la demande » "
                           "non compris ou sans régularité)."]


@pytest.mark.parametrize("text, expected", [
    ("14:30", (14, 30)), ("14h30", (14, 30)), ("14 h 30", (14, 30)), ("9h", (9, 0)), ("9", (9, 0)),
    ("09.05", (9, 5)), ("18H00", (18, 0)), ("", None), (None, None)])
def test_times_of_day_are_read_as_people_write_them(text, expected):
    from datetime import time

    assert km.parse_time(text) == (time(*expected) if expected else None)


@pytest.mark.parametrize("text", ["25h", "14:75", "midi", "14h3", "-1"])
def test_impossible_times_are_refused(text):
    with pytest.raises(ValueError):
        km.parse_time(text)
