"""The programme calendar, the governance bodies' meetings and the iCalendar export."""

import re
from datetime import date, datetime, timedelta, timezone

import pytest

from kit.reference import programme as kc
from kit.errors import KitError
from kit.methods.roadmap import gantt_figure
from kit.model import GovernanceBody, Milestone

STAMP = datetime(2026, 11, 25, 9, 30, tzinfo=timezone.utc)


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
    assert kc.parse_rhythm(text) == kc.Rhythm(count, unit)
    assert kc.rhythm_note("Copil", text) is None


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
    assert kc.parse_rhythm(text) is None
    note = kc.rhythm_note("Copil", text)
    assert note.startswith("« Copil » : ") and fragment in note and "aucune réunion n'est datée" in note.lower()


def test_rhythm_labels_and_rules():
    assert kc.Rhythm(1, "month").label() == "tous les mois"
    assert kc.Rhythm(6, "week").label() == "toutes les 6 semaines"
    assert kc.Rhythm(12, "month").label() == "tous les ans" and kc.Rhythm(24, "month").label() == "tous les 2 ans"
    assert kc.Rhythm(1, "week").rrule() == "FREQ=WEEKLY"
    assert kc.Rhythm(3, "month").rrule() == "FREQ=MONTHLY;INTERVAL=3"
    assert kc.Rhythm(24, "month").rrule() == "FREQ=YEARLY;INTERVAL=2"


# -- meetings -------------------------------------------------------------------------------------------

START, END = date(2025, 1, 6), date(2025, 12, 31)  # a Monday, and the end of the year


@pytest.mark.parametrize("rhythm, expected", [
    ("hebdomadaire", 52), ("mensuel", 12), ("bimestriel", 6), ("trimestriel", 4), ("semestriel", 2),
    ("annuel", 1), ("tous les 2 mois", 6),
    ("toutes les 6 semaines", 9),  # 6 January + 8 × 42 days = 8 December; + 42 days is in 2026
])
def test_meetings_for_each_rhythm(rhythm, expected):
    found = kc.meetings([{"name": "Copil", "rhythm": rhythm}], START, END)
    assert len(found) == expected and found.notes == []
    assert found[0]["date"] == START and all(m["date"] <= END for m in found)
    assert [m["number"] for m in found] == list(range(1, expected + 1))
    if expected > 1:  # the period's end is included: a day less drops the last meeting
        shorter = kc.meetings([{"name": "Copil", "rhythm": rhythm}], START, found[-1]["date"] - timedelta(days=1))
        assert shorter == found[:-1]


def test_weekly_and_six_weekly_dates():
    weekly = kc.meetings([{"name": "Groupe", "rhythm": "hebdomadaire"}], START, date(2025, 1, 31))
    assert [m["date"].day for m in weekly] == [6, 13, 20, 27]
    six = kc.meetings([{"name": "Groupe", "rhythm": "toutes les 6 semaines"}], START, date(2025, 4, 30))
    assert [m["date"] for m in six] == [date(2025, 1, 6), date(2025, 2, 17), date(2025, 3, 31)]


def test_monthly_meetings_keep_their_day_or_the_last_day_of_the_month():
    found = kc.meetings([{"name": "Bureau", "rhythm": "mensuel"}], date(2024, 1, 31), date(2024, 5, 31))
    assert [m["date"] for m in found] == [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30),
                                          date(2024, 5, 31)]


def test_meetings_content_order_and_notes():
    bodies = [GovernanceBody(name="Comité de pilotage", kind="comité de pilotage", rhythm="trimestriel",
                             decides="Orientations et suivi du plan d'action"),
              GovernanceBody(name="Bureau communautaire", kind="instance décisionnelle", rhythm="mensuel"),
              GovernanceBody(name="Atelier d'habitants", kind="atelier d'habitants", rhythm="à la demande"),
              GovernanceBody(name="Comité technique", rhythm="")]
    found = kc.meetings(bodies, "2025-01-15", "15/04/2025")
    assert [(m["date"], m["body"]) for m in found] == [
        (date(2025, 1, 15), "Bureau communautaire"), (date(2025, 1, 15), "Comité de pilotage"),
        (date(2025, 2, 15), "Bureau communautaire"), (date(2025, 3, 15), "Bureau communautaire"),
        (date(2025, 4, 15), "Bureau communautaire"), (date(2025, 4, 15), "Comité de pilotage")]
    copil = found[1]
    assert copil == {"body": "Comité de pilotage", "date": date(2025, 1, 15), "title": "Comité de pilotage",
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
    found = kc.meetings([{"name": "Copil", "rhythm": "trimestriel"}], date(2025, 1, 15), date(2025, 7, 15),
                        actions=actions)
    # First meeting: actions ending in the quarter before it (none); second: from 15/01 to 15/04.
    assert [m["actions"] for m in found] == [[], ["Relevés", "Diagnostic"], []]


def test_meetings_refuse_a_reversed_or_unreadable_period():
    with pytest.raises(KitError, match="précède la première réunion"):
        kc.meetings([{"name": "Copil", "rhythm": "mensuel"}], date(2025, 6, 1), date(2025, 1, 1))
    with pytest.raises(KitError, match="Date illisible"):
        kc.meetings([{"name": "Copil", "rhythm": "mensuel"}], "le 3 mars", date(2025, 1, 1))
    with pytest.raises(KitError, match="Indiquez la date"):
        kc.meetings([{"name": "Copil", "rhythm": "mensuel"}], None, date(2025, 1, 1))


def test_daily_meetings_are_capped():
    found = kc.meetings([{"name": "Veille", "rhythm": "quotidien"}], date(2025, 1, 1), date(2030, 1, 1))
    assert len(found) == kc.MAX_MEETINGS_PER_BODY and "1000 premières réunions" in found.notes[0]


# -- iCalendar ------------------------------------------------------------------------------------------


def physical_lines(ics: bytes) -> list[bytes]:
    assert ics.endswith(b"\r\n")
    assert b"\n" not in ics.replace(b"\r\n", b"") and b"\r" not in ics.replace(b"\r\n", b"")  # CRLF only
    return ics[:-2].split(b"\r\n")


def unfold(ics: bytes) -> list[str]:
    """Content lines as RFC 5545 §3.1 reads them: a CRLF followed by a space or a tab is removed."""
    return re.sub(rb"\r\n[ \t]", b"", ics).decode("utf-8")[:-2].split("\r\n")


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def parse(ics: bytes) -> tuple[dict, list[dict]]:
    """The calendar's properties and its events: {name (with parameters): unescaped value}."""
    calendar, events, current = {}, [], None
    for line in unfold(ics):
        name, _, value = line.partition(":")
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            assert name not in current, f"{name} twice in an event"
            current[name] = unescape(value)
        else:
            calendar[name] = unescape(value)
    return calendar, events


def test_ics_structure_one_event_per_meeting():
    found = kc.meetings([{"name": "Comité de pilotage", "rhythm": "trimestriel", "decides": "Suivi, budget"},
                         {"name": "Bureau", "rhythm": "mensuel"}], date(2025, 1, 15), date(2025, 12, 31))
    ics = kc.to_ics(found, "Instances – Rivebelle", stamp=STAMP)
    lines = unfold(ics)
    assert lines[:3] == ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{kc.PRODID}"] and lines[-1] == "END:VCALENDAR"
    calendar, events = parse(ics)
    assert calendar["X-WR-CALNAME"] == calendar["NAME"] == "Instances – Rivebelle"
    assert len(events) == len(found) == 16
    assert len({e["UID"] for e in events}) == 16 and all(e["UID"].endswith("@quartiers-en-transitions") for e in events)
    first = events[0]
    assert first["DTSTAMP"] == "20261125T093000Z"
    assert first["DTSTART;VALUE=DATE"] == "20250115" and first["DTEND;VALUE=DATE"] == "20250116"  # all day
    assert first["SUMMARY"] == "Bureau" and first["TRANSP"] == "TRANSPARENT"
    copil = next(e for e in events if e["SUMMARY"] == "Comité de pilotage")
    assert copil["DESCRIPTION"] == "À l'ordre du jour : Suivi, budget\nRythme : tous les 3 mois"
    assert kc.to_ics(found, "Instances – Rivebelle", stamp=STAMP) == ics  # stable UIDs: re-import updates
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 16


def test_ics_escapes_user_text_and_folds_long_lines():
    nasty = "<script>alert('x')</script>, réunion; salle A\\B\nEND:VCALENDAR\r\nBEGIN:VEVENT"
    long_title = "Comité de pilotage élargi aux habitants, aux bailleurs et aux associations — " * 3
    events = [{"title": nasty, "date": date(2025, 3, 4), "description": "Ligne 1\nLigne 2, suite; fin",
               "kind": "comité, technique"},
              {"title": long_title, "date": date(2025, 3, 5)}]
    ics = kc.to_ics(events, "Agenda, <b>test</b>", stamp=STAMP)
    for line in physical_lines(ics):
        assert len(line) <= 75
        line.decode("utf-8")  # folding never splits a character
    assert [line for line in physical_lines(ics) if line in (b"END:VCALENDAR", b"BEGIN:VEVENT")] == \
        [b"BEGIN:VEVENT", b"BEGIN:VEVENT", b"END:VCALENDAR"]  # the newlines of the text stay escaped
    raw = unfold(ics)
    assert "SUMMARY:<script>alert('x')</script>\\, réunion\\; salle A\\\\B\\nEND:VCALENDAR\\nBEGIN:VEVENT" in raw
    assert "DESCRIPTION:Ligne 1\\nLigne 2\\, suite\\; fin" in raw and "CATEGORIES:comité\\, technique" in raw
    assert "X-WR-CALNAME:Agenda\\, <b>test</b>" in raw
    calendar, parsed = parse(ics)
    assert parsed[0]["SUMMARY"] == nasty.replace("\r\n", "\n")
    assert parsed[0]["DESCRIPTION"] == "Ligne 1\nLigne 2, suite; fin"
    assert parsed[1]["SUMMARY"] == long_title.strip()
    assert calendar["X-WR-CALNAME"] == "Agenda, <b>test</b>"
    assert any(line.startswith(b" ") for line in physical_lines(ics))


def test_fold_line_counts_octets():
    line = "SUMMARY:" + "é" * 80  # 168 octets
    folded = kc.fold_line(line)
    parts = folded[:-2].split(b"\r\n")
    assert all(len(p) <= 75 for p in parts) and parts[0] == line.encode()[:75 - 1]  # 8 + 33 × 2 = 74 octets
    assert b"".join(p[1:] if i else p for i, p in enumerate(parts)).decode() == line
    assert kc.fold_line("A" * 75) == b"A" * 75 + b"\r\n"


def test_ics_periods_rules_and_duplicates():
    events = [{"intitule": "Phase 1", "date": date(2024, 3, 1), "fin": date(2024, 8, 31), "type": "phase"},
              {"title": "Copil", "on": "2025-01-15", "rrule": kc.Rhythm(3, "month")},
              {"title": "Copil", "on": "2025-01-15", "rrule": "FREQ=MONTHLY;INTERVAL=2;COUNT=5"}]
    _calendar, parsed = parse(kc.to_ics(events, "Programme", stamp=STAMP))
    assert parsed[0]["DTEND;VALUE=DATE"] == "20240901" and parsed[0]["CATEGORIES"] == "phase"  # last day included
    assert parsed[1]["RRULE"] == "FREQ=MONTHLY;INTERVAL=3" and parsed[2]["RRULE"] == "FREQ=MONTHLY;INTERVAL=2;COUNT=5"
    assert parsed[1]["UID"] != parsed[2]["UID"] and parsed[2]["UID"].split("@")[0].endswith("-2")
    with pytest.raises(KitError, match="règle de répétition"):
        kc.to_ics([{"title": "X", "on": date(2025, 1, 1), "rrule": "FREQ=MONTHLY\r\nX:1"}], "Agenda")
    with pytest.raises(KitError, match="calendrier serait vide"):
        kc.to_ics([], "Agenda")
    with pytest.raises(KitError, match="un intitulé et une date"):
        kc.to_ics([{"title": "Sans date"}], "Agenda")


# -- the programme calendar -----------------------------------------------------------------------------


def test_programme_calendar_loads_and_every_row_has_a_date_and_a_type():
    frame = kc.load_programme_calendar()
    assert list(frame.columns) == kc.CALENDAR_COLUMNS + ["ligne"]
    assert len(frame) >= 10
    for row in frame.to_dict("records"):
        assert isinstance(row["date"], date) and row["type"] in kc.CALENDAR_TYPES and row["intitule"]
        assert row["fin"] is None or row["fin"] >= row["date"]
        assert row["description"]
    by_type = frame.groupby("type")["intitule"].apply(list).to_dict()
    assert len(by_type["phase"]) == 3 and len(by_type["session"]) == 3
    assert {"contrat de ville", "réunion régionale", "échéance candidature"} <= set(by_type)
    # Structural facts that hold for every cohort (the dates themselves change with each one): three
    # phases back to back, the first two of about 6 months, the sessions in phase 1, the application
    # deadline before it.
    phases = [(r.date, r.fin) for r in frame[frame["type"] == "phase"].sort_values("date").itertuples()]
    assert all(end is not None for _start, end in phases)
    assert all(phases[i + 1][0] == phases[i][1] + timedelta(days=1) for i in range(2))
    assert all(175 <= (end - start).days + 1 <= 190 for start, end in phases[:2])
    assert all(phases[0][0] <= d <= phases[0][1] for d in frame[frame["type"] == "session"]["date"])
    deadline = frame[frame["intitule"] == "Date limite de candidature"].iloc[0]
    assert deadline["type"] == "échéance candidature" and deadline["date"] < phases[0][0]


def test_programme_calendar_holds_no_contact_details():
    text = kc.CALENDAR_PATH.read_text(encoding="utf-8")
    assert "@" not in text and not re.search(r"\b0\d([ .]?\d\d){4}\b", text) and "http" not in text


def test_programme_milestones_are_milestones():
    milestones = kc.programme_milestones()
    assert [m["on"] for m in milestones] == sorted(m["on"] for m in milestones)
    assert len({m["id"] for m in milestones}) == len(milestones)
    for m in milestones:
        Milestone(**{k: m[k] for k in ("id", "title", "on", "kind")})
        assert m["kind"] == "programme"
    fig = gantt_figure([{"id": "a", "title": "A", "start": date(2024, 3, 1), "end": date(2024, 12, 31)}], milestones,
                       today=date(2024, 6, 1))
    marks = next(t for t in fig.data if t.type == "scatter" and t.marker.symbol == "diamond")
    assert any(text.startswith("Session 1 – ") for text in marks.text)
    _calendar, events = parse(kc.to_ics(milestones, "Programme Quartiers en transitions", stamp=STAMP))
    assert len(events) == len(milestones)


def write(tmp_path, text, name="calendrier.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


HEADER = "date,fin,intitule,type,description\n"


def test_calendar_errors_name_the_line(tmp_path):
    path = write(tmp_path, HEADER + "2024-03-01,,Phase 1,phase,ok\n"
                                    "2024-02-30,,Session,session,date impossible\n"
                                    "2024-05-01,2024-04-01,Réunion,réunion régionale,fin avant\n"
                                    ",,Sans date,session,\n"
                                    "2024-06-01,,,atelier,\n"
                                    "2024-07-01,,Phase 3, suivi,phase,virgule\n")
    with pytest.raises(KitError) as error:
        kc.load_programme_calendar(path)
    assert "calendrier.csv" in error.value.message
    assert error.value.details == [
        "ligne 3 : date « 2024-02-30 » illisible (attendu AAAA-MM-JJ, par exemple 2024-03-01, ou JJ/MM/AAAA)",
        "ligne 4 : la fin (01/04/2024) précède la date (01/05/2024)",
        "ligne 5 : la date est vide",
        "ligne 6 : l'intitulé est vide",
        "ligne 6 : type « atelier » inconnu (types possibles : phase, session, réunion régionale, "
        "contrat de ville, échéance candidature, autre)",
        "ligne 7 : 6 champs au lieu de 5 (un texte qui contient une virgule doit être entre guillemets)",
    ]


def test_calendar_missing_column_and_spreadsheet_forms(tmp_path):
    with pytest.raises(KitError, match="n'a pas de colonne « type »"):
        kc.load_programme_calendar(write(tmp_path, "date,fin,intitule,description\n2024-01-01,,X,\n"))
    spreadsheet = write(tmp_path, "\ufeffdate;fin;intitule;type;description\n01/03/2024;31/08/2024;Phase 1;Phase;\n\n"
                                  "04/04/2024;;Session 1;SESSION;une; deux\n".replace("une; deux", "\"une; deux\""),
                        name="excel.csv")
    frame = kc.load_programme_calendar(spreadsheet)
    assert list(frame["date"]) == [date(2024, 3, 1), date(2024, 4, 4)] and list(frame["type"]) == ["phase", "session"]
    assert list(frame["ligne"]) == [2, 4] and frame.iloc[1]["description"] == "une; deux"
    with pytest.raises(KitError, match="UTF-8"):
        kc.load_programme_calendar(write(tmp_path, HEADER + "2024-01-01,,Réunion,autre,\n", "latin.csv", "latin-1"))
    with pytest.raises(KitError, match="introuvable"):
        kc.load_programme_calendar(tmp_path / "absent.csv")
