"""Facilitator guides: the shipped CSVs are sound, the checker catches a facilitator's mistakes in
French, and each session's guide renders to Word and HTML with its agenda and headings."""

import csv
import io
import shutil

import docx
import pytest

from kit.reference import guides
from kit.reports.guides import guide_document, guide_html
from kit.errors import KitError
from kit.reports import document as d
from kit.reports import render_docx, render_html

SHIPPED = guides.GUIDES_DIR  # kept before any test points GUIDES_DIR at a copy


def no_images(figures):
    return [None for _ in figures]


@pytest.fixture
def guides_copy(tmp_path, monkeypatch):
    """A writable copy of the shipped guides, used as the default directory."""
    for name in (guides.AGENDA_FILE, guides.PREPARATION_FILE):
        shutil.copy(SHIPPED / name, tmp_path / name)
    monkeypatch.setattr(guides, "GUIDES_DIR", tmp_path)
    return tmp_path


def edit_rows(path, change):
    """Rewrite a CSV after `change(rows)` edits its list of dict rows in place."""
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, list(reader)
    change(rows)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def minutes(hhmm):
    hours, mins = hhmm.split(":")
    return int(hours) * 60 + int(mins)


# --- shipped data ---------------------------------------------------------------------------


def test_shipped_guides_have_no_problem():
    assert guides.check_guides() == []


def test_every_session_has_a_sensible_number_of_rows():
    for number in guides.SESSION_TITLES:
        assert 10 <= len(guides.load_agenda(number)) <= 16
        assert 4 <= len(guides.load_preparation(number)) <= 8
        assert set(guides.load_preparation(number)["moment"]) == {"avant", "après"}


def test_every_tab_of_the_session_app_is_in_that_session_agenda():
    for number, notebook in guides.SESSION_APPS.items():
        agenda = guides.load_agenda(number)
        used = set(agenda.loc[agenda["application"] == notebook, "onglet"])
        assert set(guides.APP_TABS[notebook]) <= used, (number, set(guides.APP_TABS[notebook]) - used)


def test_each_session_ends_with_work_plan_then_a_closing_round():
    for number, notebook in guides.SESSION_APPS.items():
        day2 = guides.load_agenda(number).query("jour == 2")
        plan, closing = day2.iloc[-2], day2.iloc[-1]
        assert plan["application"] == notebook and plan["onglet"].endswith("Plan de travail et livrable")
        assert closing["application"] == "" and "clôture" in closing["sequence"].lower()


def test_day_totals_are_plausible():
    for number in guides.SESSION_TITLES:
        agenda = guides.load_agenda(number)
        day1, day2 = agenda[agenda["jour"] == 1], agenda[agenda["jour"] == 2]
        span1 = minutes(day1["fin"].max()) - minutes(day1["debut"].min())
        span2 = minutes(day2["fin"].max()) - minutes(day2["debut"].min())
        assert minutes(day1["debut"].min()) >= 12 * 60, "day 1 is an afternoon"
        assert 3 * 60 <= span1 <= 5 * 60
        assert 6 * 60 <= span2 <= 9 * 60
        breaks = day2[day2["sequence"].map(guides.is_break)]
        assert any("jeuner" in s for s in breaks["sequence"]) and len(breaks) >= 2
        assert (breaks["application"] == "").all()


def test_load_agenda_is_sorted_and_returns_copies():
    agenda = guides.load_agenda(1)
    keys = list(zip(agenda["jour"], agenda["debut"]))
    assert keys == sorted(keys)
    agenda.loc[0, "sequence"] = "modifié"
    assert guides.load_agenda(1).loc[0, "sequence"] != "modifié"
    assert len(guides.load_agenda()) == sum(len(guides.load_agenda(n)) for n in guides.SESSION_TITLES)
    with pytest.raises(KitError, match="Session inconnue"):
        guides.load_agenda(4)


def test_app_steps_follow_the_agenda():
    steps = guides.app_steps("10_enjeux.ipynb")
    assert steps[0]["onglet"] == "1. Diagnostic" and steps[0]["jour"] == 1
    assert steps[-1]["onglet"] == "6. Plan de travail et livrable"
    assert [s["onglet"] for s in steps] == [
        "1. Diagnostic", "2. Enjeux", "2. Enjeux", "3. Carte des enjeux", "4. Analyse structurelle",
        "5. Positionnement", "6. Plan de travail et livrable"]
    assert all(set(s) == set(guides.STEP_KEYS) for s in steps)
    assert all(type(s["session"]) is int and s["session"] == 1 for s in steps)
    order = [(s["session"], s["jour"], s["debut"]) for s in steps]
    assert order == sorted(order)
    assert guides.app_steps("notebooks/30_action.ipynb") == guides.app_steps("30_action.ipynb")
    assert guides.app_steps("inconnu.ipynb") == []


# --- the checker ----------------------------------------------------------------------------


def test_check_guides_reports_broken_rows_in_french(guides_copy):
    def break_rows(rows):
        rows[0]["session"] = "4"
        rows[1]["jour"] = "3"
        rows[2]["fin"] = "13:00"  # before its start (14:30)
        rows[4]["onglet"] = "7. Onglet imaginaire"
        rows[5]["application"] = "99_inconnu.ipynb"
        rows[6]["resultat"] = ""
        rows[8]["debut"] = "10h40"  # readable, but overlaps the break before it
        rows[9]["debut"] = "midi"
    edit_rows(guides_copy / guides.AGENDA_FILE, break_rows)

    problems = guides.check_guides()
    text = "\n".join(problems)
    assert "ligne 2 : session « 4 » inconnue" in text
    assert "ligne 3 : jour « 3 » invalide" in text
    assert "ligne 4 : la séquence finit (13:00) avant" in text
    assert "l'onglet « 7. Onglet imaginaire » n'existe pas dans 10_enjeux.ipynb" in text
    assert "application « 99_inconnu.ipynb » inconnue" in text
    assert "le résultat attendu de « Formuler les enjeux » n'est pas renseigné" in text
    assert "chevauche" in text and "« Pause »" in text
    assert "heure de début « midi » illisible" in text
    assert all(p.startswith(guides.AGENDA_FILE) for p in problems)


def test_breaks_need_no_expected_output_but_sequences_do(guides_copy):
    assert guides.check_guides() == []  # the shipped breaks have an empty "resultat"

    def empty_closing(rows):
        rows[15]["resultat"] = ""
    edit_rows(guides_copy / guides.AGENDA_FILE, empty_closing)
    assert guides.check_guides() == [
        "deroule_sessions.csv, ligne 17 : le résultat attendu de « Tour de clôture » n'est pas renseigné."]


def test_check_guides_reports_preparation_and_missing_files(guides_copy):
    def break_tasks(rows):
        rows[0]["moment"] = "pendant"
        rows[1]["echeance"] = "J+5"  # an "avant" task after the session
        rows[2]["tache"] = ""
    edit_rows(guides_copy / guides.PREPARATION_FILE, break_tasks)
    text = "\n".join(guides.check_guides())
    assert "preparation.csv, ligne 2 : moment « pendant » invalide" in text
    assert "ligne 3 : l'échéance J+5 ne correspond pas au moment « avant »" in text
    assert "ligne 4 : la tâche n'est pas décrite" in text

    (guides_copy / guides.AGENDA_FILE).unlink()
    assert any("deroule_sessions.csv est introuvable" in p for p in guides.check_guides())
    with pytest.raises(KitError, match="introuvable"):
        guides.load_agenda()


def test_a_spreadsheet_save_with_semicolons_is_read(guides_copy):
    path = guides_copy / guides.AGENDA_FILE
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    assert guides.check_guides() == []
    assert guides.load_agenda(2).equals(guides.load_agenda(2, directory=SHIPPED))


def test_edits_are_seen_without_restarting(guides_copy):
    before = guides.load_agenda(1).loc[0, "sequence"]

    def rename(rows):
        rows[0]["sequence"] = "Accueil café"
    edit_rows(guides_copy / guides.AGENDA_FILE, rename)
    assert before != "Accueil café" and guides.load_agenda(1).loc[0, "sequence"] == "Accueil café"


# --- the guide ------------------------------------------------------------------------------


@pytest.mark.parametrize("number", [1, 2, 3])
def test_guide_document_renders_to_docx(number):
    doc = guide_document(number)
    word = docx.Document(io.BytesIO(render_docx(doc, images=no_images)))
    texts = [p.text for p in word.paragraphs]
    title = f"Guide d'animation — session {number} : {guides.SESSION_TITLES[number]}"
    assert title in texts
    headings = {p.text for p in word.paragraphs if p.style.name.startswith("Heading")}
    for heading in ("Objectif de la session", "Avant la session", "Jour 1 — après-midi", "Jour 2",
                    "Matériel à prévoir", "Résultats attendus en fin de session", "Après la session"):
        assert heading in headings

    agenda = guides.load_agenda(number)
    table_rows = [[c.text for c in row.cells] for table in word.tables for row in table.rows]
    for row in agenda.to_dict("records"):
        where = " › ".join(p for p in (row["application"], row["onglet"]) if p) or "—"
        assert [f"jour {row['jour']}", f"{row['debut']}–{row['fin']}", row["sequence"], where] in \
            [r[:4] for r in table_rows]
    tasks = guides.load_preparation(number)
    assert all(any(t in r for r in table_rows) for t in tasks["tache"])


@pytest.mark.parametrize("number", [1, 2, 3])
def test_guide_content(number):
    doc = guide_document(number)
    checklists = [b for b in doc.blocks if isinstance(b, d.Checklist)]
    assert len(checklists) == 1 and checklists[0].items and not any(done for _, done in checklists[0].items)
    agenda = guides.load_agenda(number)
    assert len(checklists[0].items) == int((agenda["resultat"] != "").sum())
    materials = [b for b in doc.blocks if isinstance(b, d.Bullets)][-1].items
    assert len(materials) == len({m.lower() for m in materials}) and "vidéoprojecteur" in materials
    assert not [b for b in doc.blocks if isinstance(b, d.Note)]  # no data problem to warn about


def test_guide_html_renders_escaped_with_timings():
    page = render_html(guide_document(1)).decode()
    assert "13:30–14:00" in page and "16:45–17:00" in page
    assert "Guide d&#x27;animation — session 1" in page


def test_guide_html_fragment_escapes_text(guides_copy):
    def inject(rows):
        rows[0]["sequence"] = "<script>alert('x')</script> & co"
        rows[0]["supports"] = "badges;<b>gras</b>"
    edit_rows(guides_copy / guides.AGENDA_FILE, inject)
    fragment = guide_html(1)
    assert fragment.startswith('<div class="kit-guide">') and fragment.endswith("</div>")
    assert "<html" not in fragment and "<script>" not in fragment and "<b>gras" not in fragment
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; co" in fragment
    assert '<table class="kit-table">' in fragment and "13:30–14:00" in fragment
    assert fragment.count("☐") == int((guides.load_agenda(1)["resultat"] != "").sum())


def test_guide_warns_when_the_data_has_problems(guides_copy):
    def break_rows(rows):
        rows[3]["onglet"] = "9. Absent"
    edit_rows(guides_copy / guides.AGENDA_FILE, break_rows)
    assert "9. Absent" in guide_html(1) and "kit-guide-note warning" in guide_html(1)


def test_unknown_session_is_refused():
    with pytest.raises(KitError, match="Session inconnue"):
        guide_document(0)
