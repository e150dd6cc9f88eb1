"""The programme calendar (kit.reference.programme): its data file, its checks and its milestones."""

import re
from datetime import date, timedelta

import pytest

from kit.reference import programme as kc
from kit.errors import KitError
from kit.methods.roadmap import gantt_figure
from kit.model import Milestone


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
    # Their iCalendar export: tests/unit/test_icalendar_file.py.


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


def test_calendar_types_are_read_without_case_accents_or_dashes(tmp_path):
    frame = kc.load_programme_calendar(write(tmp_path, HEADER + "2024-01-01,,A,Contrat-de-ville,\n"
                                                                "2024-01-02,,B,ECHEANCE  candidature,\n"
                                                                "2024-01-03,,C,Réunion – régionale,\n"))
    assert list(frame["type"]) == ["contrat de ville", "échéance candidature", "réunion régionale"]
