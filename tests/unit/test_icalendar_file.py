"""The iCalendar file (kit.reports.icalendar_file): one all-day event per meeting or milestone."""

import re
from datetime import date, datetime, timezone

import icalendar
import pytest

from kit.errors import KitError
from kit.methods import meetings as km
from kit.reference.programme import programme_milestones
from kit.reports import icalendar_file as ki

STAMP = datetime(2026, 11, 25, 9, 30, tzinfo=timezone.utc)


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
    found = km.meetings([{"name": "Comité de pilotage", "rhythm": "trimestriel", "decides": "Suivi, budget"},
                         {"name": "Bureau", "rhythm": "mensuel"}], date(2025, 1, 15), date(2025, 12, 31))
    ics = ki.to_ics(found, "Instances – Rivebelle", stamp=STAMP)
    lines = unfold(ics)
    assert lines[:3] == ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{ki.PRODID}"] and lines[-1] == "END:VCALENDAR"
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
    assert ki.to_ics(found, "Instances – Rivebelle", stamp=STAMP) == ics  # stable UIDs: re-import updates
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 16


def test_ics_escapes_user_text_and_folds_long_lines():
    nasty = "<script>alert('x')</script>, réunion; salle A\\B\nEND:VCALENDAR\r\nBEGIN:VEVENT"
    long_title = "Comité de pilotage élargi aux habitants, aux bailleurs et aux associations — " * 3
    events = [{"title": nasty, "date": date(2025, 3, 4), "description": "Ligne 1\nLigne 2, suite; fin",
               "kind": "comité, technique"},
              {"title": long_title, "date": date(2025, 3, 5)}]
    ics = ki.to_ics(events, "Agenda, <b>test</b>", stamp=STAMP)
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
    folded = ki.fold_line(line)
    parts = folded[:-2].split(b"\r\n")
    assert all(len(p) <= 75 for p in parts) and parts[0] == line.encode()[:75 - 1]  # 8 + 33 × 2 = 74 octets
    assert b"".join(p[1:] if i else p for i, p in enumerate(parts)).decode() == line
    assert ki.fold_line("A" * 75) == b"A" * 75 + b"\r\n"


def test_ics_periods_rules_and_duplicates():
    events = [{"intitule": "Phase 1", "date": date(2024, 3, 1), "fin": date(2024, 8, 31), "type": "phase"},
              {"title": "Copil", "on": "2025-01-15", "rrule": km.Rhythm(3, "month")},
              {"title": "Copil", "on": "2025-01-15", "rrule": "FREQ=MONTHLY;INTERVAL=2;COUNT=5"}]
    _calendar, parsed = parse(ki.to_ics(events, "Programme", stamp=STAMP))
    assert parsed[0]["DTEND;VALUE=DATE"] == "20240901" and parsed[0]["CATEGORIES"] == "phase"  # last day included
    assert parsed[1]["RRULE"] == "FREQ=MONTHLY;INTERVAL=3" and parsed[2]["RRULE"] == "FREQ=MONTHLY;INTERVAL=2;COUNT=5"
    assert parsed[1]["UID"] != parsed[2]["UID"] and parsed[2]["UID"].split("@")[0].endswith("-2")
    with pytest.raises(KitError, match="règle de répétition"):
        ki.to_ics([{"title": "X", "on": date(2025, 1, 1), "rrule": "FREQ=MONTHLY\r\nX:1"}], "Agenda")
    with pytest.raises(KitError, match="calendrier serait vide"):
        ki.to_ics([], "Agenda")
    with pytest.raises(KitError, match="un intitulé et une date"):
        ki.to_ics([{"title": "Sans date"}], "Agenda")


def test_programme_milestones_export_one_event_each():
    milestones = programme_milestones()
    _calendar, events = parse(ki.to_ics(milestones, "Programme Quartiers en transitions", stamp=STAMP))
    assert len(events) == len(milestones)


def test_the_library_reads_back_one_event_per_meeting():
    found = km.meetings([{"name": "Comité de pilotage", "rhythm": "trimestriel", "decides": "Suivi, budget"},
                         {"name": "Bureau", "rhythm": "mensuel"}], date(2025, 1, 31), date(2025, 12, 31))
    calendar = icalendar.Calendar.from_ical(ki.to_ics(found, "Instances – Rivebelle", stamp=STAMP))
    assert str(calendar["PRODID"]) == ki.PRODID and str(calendar["X-WR-CALNAME"]) == "Instances – Rivebelle"
    events = calendar.walk("VEVENT")
    assert len(events) == len(found) == 16
    assert [e.decoded("DTSTART") for e in events] == [m["date"] for m in found]
    assert [str(e["SUMMARY"]) for e in events] == [m["title"] for m in found]
    assert date(2025, 2, 28) in [m["date"] for m in found]  # the 31st falls on the last day of shorter months
    for event, meeting in zip(events, found):
        day = event.decoded("DTSTART")
        assert type(day) is date and event["DTSTART"].params.get("VALUE") == "DATE"  # all day
        assert (event.decoded("DTEND") - day).days == 1 and str(event["TRANSP"]) == "TRANSPARENT"
        assert str(event["UID"]).endswith("@quartiers-en-transitions")
        assert event.decoded("DTSTAMP") == STAMP
    assert len({str(e["UID"]) for e in events}) == 16


def test_a_long_french_description_round_trips_exactly():
    description = ("Réunion du comité de pilotage élargi : bilan à mi-parcours, priorités ; budget 2026, "
                   "arbitrages des élus.\nOrdre du jour :\n- état d'avancement des fiches « Îlots de fraîcheur », "
                   "« Rénovation énergétique » ; « Jardins partagés »,\n- échéancier, financements (ANRU, ADEME ; "
                   "Région), points d'étape ;\n\nCompte rendu à diffuser aux habitants, associations, bailleurs "
                   "et partenaires — œuvre commune, ça va de soi : « déjà vu », côté cœur de quartier.")
    assert len(description.encode()) > 3 * 75
    ics = ki.to_ics([{"title": "Comité de pilotage, bilan ; suite", "date": date(2025, 6, 12),
                      "description": description}], "Agenda", stamp=STAMP)
    for line in physical_lines(ics):
        assert len(line) <= 75
    event = icalendar.Calendar.from_ical(ics).walk("VEVENT")[0]
    assert str(event["DESCRIPTION"]) == description
    assert str(event["SUMMARY"]) == "Comité de pilotage, bilan ; suite"
    _calendar, parsed = parse(ics)
    assert parsed[0]["DESCRIPTION"] == description


def test_a_meeting_with_a_time_is_a_two_hour_event_in_paris_time():
    from datetime import time, timedelta
    from zoneinfo import ZoneInfo

    found = km.meetings([{"name": "Comité de pilotage", "rhythm": "trimestriel", "first_meeting": date(2027, 3, 12),
                          "meeting_time": time(14, 30)},
                         {"name": "Bureau", "rhythm": "mensuel"}], date(2027, 3, 1), date(2027, 7, 31))
    ics = ki.to_ics(found, "Pilotage", stamp=STAMP)
    lines = unfold(ics)
    # The time zone is described once, before the events, with the European summer time rules.
    assert lines.count("BEGIN:VTIMEZONE") == 1 and lines.index("END:VTIMEZONE") < lines.index("BEGIN:VEVENT")
    assert "TZID:Europe/Paris" in lines and "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU" in lines
    _, events = parse(ics)
    copil = [e for e in events if e["SUMMARY"] == "Comité de pilotage"]
    assert [(e["DTSTART;TZID=Europe/Paris"], e["DTEND;TZID=Europe/Paris"]) for e in copil] == [
        ("20270312T143000", "20270312T163000"), ("20270612T143000", "20270612T163000")]
    assert all(e["TRANSP"] == "OPAQUE" for e in copil)
    bureau = next(e for e in events if e["SUMMARY"] == "Bureau")
    assert bureau["DTSTART;VALUE=DATE"] == "20270301" and bureau["TRANSP"] == "TRANSPARENT"  # no time: all day
    # What an agenda reads: 14:30 in Paris, i.e. 13:30 UTC in winter and 12:30 UTC in summer.
    read = [c for c in icalendar.Calendar.from_ical(ics).walk("VEVENT") if str(c["SUMMARY"]) == "Comité de pilotage"]
    starts = [c.decoded("DTSTART") for c in read]
    assert [s.astimezone(timezone.utc).hour for s in starts] == [13, 12]
    assert starts[0].utcoffset() == ZoneInfo("Europe/Paris").utcoffset(datetime(2027, 3, 12, 14, 30))
    assert read[0].decoded("DTEND") - starts[0] == timedelta(hours=2)
    # A calendar without any time has no VTIMEZONE, as before.
    assert b"VTIMEZONE" not in ki.to_ics([{"title": "Bureau", "date": date(2027, 3, 1)}], "Pilotage", stamp=STAMP)


def test_an_unreadable_time_or_duration_is_refused_in_french():
    with pytest.raises(KitError, match="heure illisible"):
        ki.to_ics([{"title": "Copil", "date": date(2027, 3, 1), "time": "25h"}], "Pilotage")
    with pytest.raises(KitError, match="durée positive"):
        ki.to_ics([{"title": "Copil", "date": date(2027, 3, 1), "time": "14h", "duration": 2}], "Pilotage")
