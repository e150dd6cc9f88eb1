"""The application note: drafts from the workspace, never overwriting, the live eligibility checklist,
the calendar's deadline, and the document an EPCI signs — driven as a technician would."""

import base64
import io
import re
from datetime import date

import docx
import pandas as pd
import pytest

from kit.sessions import application
from kit.reports import deliverables
from kit.apps.candidature import ApplicationApp
from kit.model import Actor, GovernanceBody, GroupMember, LocalProject, Neighbourhood, Stake
from tests.unit.test_home_app import one


def calendar(*rows):
    return pd.DataFrame([{"date": d, "fin": None, "intitule": t, "type": k, "description": "", "ligne": i + 2}
                         for i, (d, t, k) in enumerate(rows)])


COHORT = calendar((date(2027, 1, 29), "Date limite de candidature", "échéance candidature"),
                  (date(2027, 2, 10), "Sélection des territoires", "échéance candidature"))


@pytest.fixture
def dax(store):
    ws = store.create("CA du Grand Dax", territory={"epci_name": "CA du Grand Dax", "epci_siren": "244000675"})

    def fill(ws):
        sablar = Neighbourhood(name="Le Sablar", qpv_code="QN04001M", commune="Dax")
        ws.neighbourhoods = [sablar]
        ws.stakes = [Stake(title="Chaleur l'été", theme="Adaptation", neighbourhood_ids=[sablar.id]),
                     Stake(title="Factures d'énergie", theme="Précarité énergétique")]
        ws.local_projects = [LocalProject(name="Cadre de vie et transitions", kind="Axe du contrat de ville"),
                             LocalProject(name="Plan climat 2023-2028", kind="PCAET")]
    return store.update(ws.id, fill)


def complete_group(ws):
    people = [("Vice-président politique de la ville", "élu politique de la ville"),
              ("Cheffe de projet politique de la ville", "technicien politique de la ville"),
              ("Adjointe aux transitions", "élu transitions"), ("Chargé de mission climat", "technicien transitions"),
              ("Conseil citoyen du Sablar", "acteur clé")]
    for name, role in people:
        actor = Actor(name=name, contact=f"{len(ws.actors)}@dax.example")
        ws.actors.append(actor)
        ws.project_group.append(GroupMember(actor_id=actor.id, role=role))
    ws.bodies.append(GovernanceBody(name="Bureau communautaire", kind="instance décisionnelle"))


def test_drafts_come_from_what_the_workspace_knows(dax):
    drafts = application.drafts(dax)
    assert "Le Sablar (QN04001M) à Dax" in drafts["stakes_summary"]
    assert "- Adaptation : Chaleur l'été" in drafts["stakes_summary"]
    assert "PCAET « Plan climat 2023-2028 »" in drafts["approach"]
    assert "Cadre de vie et transitions" in drafts["strategy"] and "Plan climat" not in drafts["strategy"]
    assert drafts["motivation"] == ""  # only the territory can say why it applies


def test_prefill_never_overwrites_what_the_user_wrote(dax, store):
    store.update(dax.id, lambda ws: setattr(ws.application, "approach", "Notre démarche, écrite par nous."))
    ws = store.update(dax.id, application.prefill)
    assert ws.application.approach == "Notre démarche, écrite par nous."
    assert "Le Sablar" in ws.application.stakes_summary
    assert ws.application.motivation == ""
    again = store.update(dax.id, lambda ws: setattr(ws.application, "stakes_summary", "Nos enjeux."))
    assert application.prefill(again) == ["political_will"] or application.prefill(again) == []
    assert again.application.stakes_summary == "Nos enjeux."


def test_the_checklist_follows_the_workspace(dax, store):
    before = {c.label: c.ok for c in application.eligibility(dax, date(2027, 1, 1), COHORT)}
    assert before["Un EPCI à fiscalité propre"] is True  # the Grand Dax is in the regional list
    assert before["Qui porte un contrat de ville"] is True  # an axis of the contrat de ville is recorded
    assert not before["Binôme politique de la ville : un élu et un technicien"]
    assert not before["L'engagement à suivre les trois phases"]
    ws = store.update(dax.id, complete_group)

    def write(ws):
        for key in application.PART_KEYS:
            setattr(ws.application, key, f"Texte de la partie {key}.")
        ws.application.three_phases = True
    ws = store.update(dax.id, write)
    after = application.eligibility(ws, date(2027, 1, 1), COHORT)
    assert [c.label for c in after if not c.ok] == []
    assert after[-1].detail == "29/01/2027 : encore 28 jours."


def test_a_member_without_contact_and_a_single_person_pair_are_named(dax, store):
    def half(ws):
        complete_group(ws)
        ws.actors[0].contact = ""
        ws.project_group[1].actor_id = ws.actors[0].id  # the same person as elected and officer
    ws = store.update(dax.id, half)
    checks = {c.label: c for c in application.eligibility(ws, date(2027, 1, 1), COHORT)}
    assert "Vice-président politique de la ville" in checks["Les coordonnées de chaque membre du groupe projet"].detail
    assert "tient les deux rôles" in checks["Binôme politique de la ville : un élu et un technicien"].detail


@pytest.mark.parametrize("today, ok, words", [
    (date(2027, 1, 28), True, "c'est demain"),
    (date(2027, 1, 29), True, "dernier jour"),
    (date(2027, 2, 3), False, "dépassée depuis 5 jours"),
])
def test_the_deadline_counts_days_from_the_programme_calendar(today, ok, words):
    deadline = application.application_deadline(COHORT)
    assert deadline == date(2027, 1, 29)  # the deadline row, not the selection that follows
    criterion = application.deadline_criterion(deadline, today)
    assert criterion.ok is ok and words in criterion.detail


def test_the_shipped_calendar_and_a_cohorts_own_file(tmp_path, monkeypatch):
    assert application.application_deadline() == date(2024, 1, 30)  # the first cohort's call
    own = tmp_path / "cohorte2.csv"
    own.write_text("date,fin,intitule,type,description\n2027-03-15,,Date limite de candidature,"
                   "échéance candidature,Deuxième cohorte\n", encoding="utf-8")
    monkeypatch.setenv("KIT_CALENDRIER", str(own))
    assert application.application_deadline() == date(2027, 3, 15)


def test_length_hints():
    part = application.PARTS[0]
    assert application.length_hint(part, "") == "0 mot (indication : 150 à 400)"
    assert application.length_hint(part, "trop court") .endswith("à développer")
    assert application.length_hint(part, "mot " * 200) == "200 mots (indication : 150 à 400)"


# -- the app --------------------------------------------------------------------------------------


def test_the_app_shows_drafts_saves_a_part_when_left_and_updates_the_checklist(dax, store):
    app = ApplicationApp(store, dax.id)
    stakes = one(app.root, "kit-note-stakes_summary")
    assert "Le Sablar" in stakes.value
    assert "Proposition du kit" in one(app.root, "kit-note-hint-stakes_summary").value
    assert store.load(dax.id).application.stakes_summary == ""  # proposed, not imposed
    summary = one(app.root, "kit-eligibility-summary").value
    one(app.root, "kit-note-motivation").value = "Nous voulons une méthode <b>partagée</b>."
    ws = store.load(dax.id)
    assert ws.application.motivation == "Nous voulons une méthode <b>partagée</b>."
    assert "&lt;b&gt;" in one(app.root, "kit-eligibility").value or "<b>partagée" not in one(app.root, "kit-eligibility").value
    one(app.root, "kit-note-phases").value = True
    assert store.load(dax.id).application.three_phases is True
    assert one(app.root, "kit-eligibility-summary").value != summary
    assert "Engagement pris." in one(app.root, "kit-eligibility").value


def test_the_group_is_composed_in_the_app_with_contacts(dax, store):
    app = ApplicationApp(store, dax.id)
    for name, role, contact in (("Vice-président politique de la ville", "élu politique de la ville", "vp@dax.example"),
                                ("Cheffe de projet PV", "technicien politique de la ville", "")):
        one(app.root, "kit-cand-name").value = name
        one(app.root, "kit-cand-role").value = role
        one(app.root, "kit-cand-contact").value = contact
        one(app.root, "kit-cand-add").click()
    ws = store.load(dax.id)
    assert [m.role for m in ws.project_group] == ["élu politique de la ville", "technicien politique de la ville"]
    assert "à compléter" in one(app.root, "kit-cand-group").value
    checklist = one(app.root, "kit-eligibility").value
    assert "✓ <b>Binôme politique de la ville" in checklist and "Sans coordonnées : Cheffe de projet PV" in checklist
    member = one(app.root, "kit-cand-member")
    member.value = next(v for label, v in member.options if label == "Cheffe de projet PV")
    one(app.root, "kit-cand-new-contact").value = "05 58 00 00 00"
    one(app.root, "kit-cand-update").click()
    assert "Sans coordonnées" not in one(app.root, "kit-eligibility").value
    one(app.root, "kit-cand-body").value = "Bureau communautaire"
    one(app.root, "kit-cand-save-body").click()
    assert [b.kind for b in store.load(dax.id).bodies] == ["instance décisionnelle"]
    one(app.root, "kit-cand-name").value = "Vice-président politique de la ville"
    one(app.root, "kit-cand-role").value = "élu politique de la ville"
    one(app.root, "kit-cand-add").click()
    assert "figure déjà dans le groupe" in app.messages.widget.value
    assert len(store.load(dax.id).project_group) == 2


def test_a_part_typed_elsewhere_meanwhile_is_kept_in_the_history(dax, store):
    app = ApplicationApp(store, dax.id)
    store.update(dax.id, lambda ws: setattr(ws.application, "political_will", "Version de l'autre poste."))
    one(app.root, "kit-note-political_will").value = "Ma version."
    assert store.load(dax.id).application.political_will == "Ma version."
    assert "modifié par une autre personne" in app.messages.widget.value
    assert any(store.load_revision(dax.id, r.number).application.political_will == "Version de l'autre poste."
               for r in store.history(dax.id) if not r.current)


def test_too_long_a_part_is_refused_in_french_and_nothing_changes(dax, store):
    app = ApplicationApp(store, dax.id)
    revision = store.load(dax.id).revision
    one(app.root, "kit-note-approach").value = "x" * 20_001
    assert "Saisie refusée" in app.messages.widget.value
    assert store.load(dax.id).revision == revision


def test_the_note_downloads_as_a_word_document_to_sign(dax, store):
    app = ApplicationApp(store, dax.id)
    one(app.root, "kit-note-motivation").value = "Pour apprendre avec les autres territoires."
    one(app.root, "kit-note-docx").click()
    link = one(app.root, "kit-note-download").value
    assert 'download="note-d-intention_CA_du_Grand_Dax.docx"' in link
    data = base64.b64decode(re.search(r"base64,([^\"]+)", link).group(1))
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert "Note d'intention" in text and "Pour apprendre avec les autres territoires." in text
    assert "Le Sablar (QN04001M) à Dax" in text  # the draft stands in for a part not written yet
    assert "Pour l'intercommunalité (nom, qualité, signature)" in text


def test_the_complete_project_document_gathers_phase_one(store):
    from kit.demo import create_demo

    ws = create_demo(store)
    name, data = deliverables.export(ws, "projet", "docx")
    assert name.startswith("projet-de-quartier_")
    document = docx.Document(io.BytesIO(data))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    for title in ("Contexte et candidature", "Diagnostic et enjeux", "Le cap, le groupe projet et la gouvernance",
                  "Le plan d'action et le pilotage", "Prochaines étapes", "La volonté politique"):
        assert title in headings
    assert not any(h.startswith("Plan de travail jusqu'à") for h in headings)  # gathered in the next steps
    assert len(document.inline_shapes) >= 5  # the charts, as images
    styles = {p.text: p.style.name for p in document.paragraphs}
    # each session's part sits one level lower: a stake under its theme, under "Les enjeux"
    assert styles["Les enjeux"] == "Heading 2" and styles["Précarité énergétique"] == "Heading 3"
    assert styles["Factures d'énergie trop lourdes"] == "Heading 4"
    html = deliverables.export(ws, "projet", "html")[1].decode()
    assert "Sommaire" in html and html.count("Plotly.newPlot") >= 5
    contents = html.split("<nav", 1)[1].split("</nav>", 1)[0]
    assert "Les enjeux" in contents and "Factures d" not in contents  # the contents stay at three levels


def test_the_intercommunality_is_set_in_the_app_its_name_found_by_siren(store):
    ws = store.create("Espace sans EPCI")
    app = ApplicationApp(store, ws.id)
    assert "✗ <b>Un EPCI à fiscalité propre" in one(app.root, "kit-eligibility").value
    one(app.root, "kit-note-epci-siren").value = "123456789"
    one(app.root, "kit-note-save-epci").click()
    assert "SIREN" in app.messages.widget.value and store.load(ws.id).territory.epci_siren == ""
    one(app.root, "kit-note-epci-siren").value = "244000675"
    one(app.root, "kit-note-save-epci").click()
    assert store.load(ws.id).territory.epci_name == "CA du Grand Dax"
    assert "✓ <b>Un EPCI à fiscalité propre</b> — CA du Grand Dax" in one(app.root, "kit-eligibility").value


def test_an_unreadable_sending_date_is_refused_not_dropped(dax, store):
    app = ApplicationApp(store, dax.id)
    sent_on = one(app.root, "kit-note-sent-on")
    sent_on.value = date(2027, 1, 20)
    assert store.load(dax.id).application.sent_on == date(2027, 1, 20)
    before = store.path(dax.id).read_bytes()
    sent_on.set_state({"value": None, "unreadable": True})  # 31/02/2027 typed in the browser
    assert "La date d'envoi n'est pas une date qui existe" in one(app.root, "kit-note-flags-note").value
    assert store.path(dax.id).read_bytes() == before  # the date is not dropped from the note
    sent_on.set_state({"value": "2027-02-28", "unreadable": False})
    assert store.load(dax.id).application.sent_on == date(2027, 2, 28)


def test_two_tabs_on_the_note_lose_nothing(dax, store):
    first, second = ApplicationApp(store, dax.id), ApplicationApp(store, dax.id)  # two kernels, one workspace
    proposal = one(second.root, "kit-note-stakes_summary").value
    assert proposal  # the kit's draft, from the stakes
    one(first.root, "kit-note-stakes_summary").value = "Nos quartiers ont chaud l'été."  # saved on leaving the box
    one(first.root, "kit-note-signatory").value = "Le président de l'agglomération"
    # "Enregistrer la note" in the tab loaded before: the part written in the first tab is not replaced
    # by the proposal this tab still shows, it is asked about; nothing is saved meanwhile.
    one(second.root, "kit-note-save").click()
    said = second.messages.widget.value
    assert "« enjeux des quartiers »" in said and "« Nos quartiers ont chaud l'été. »" in said
    saved = store.load(dax.id).application
    assert saved.stakes_summary == "Nos quartiers ont chaud l'été." and saved.strategy == ""
    assert one(second.root, "kit-note-stakes_summary").value == proposal
    one(second.root, "kit-note-save").click()  # asked, the tab keeps what it shows
    saved = store.load(dax.id).application
    assert saved.stakes_summary == proposal and saved.strategy  # the other proposals are saved too
    assert saved.signatory == "Le président de l'agglomération"  # never typed in this tab: not written
    # A tick in the tab that is now behind writes the tick alone.
    one(first.root, "kit-note-contract").value = True
    saved = store.load(dax.id).application
    assert (saved.holds_contract, saved.stakes_summary, saved.signatory) == (
        True, proposal, "Le président de l'agglomération")


def test_two_tabs_on_the_group_lose_nothing(dax, store):
    def with_member(ws):
        chef = Actor(name="Cheffe de projet PV", contact="cheffe@dax.example")
        ws.actors.append(chef)
        ws.project_group.append(GroupMember(actor_id=chef.id, role="technicien politique de la ville"))
        ws.bodies.append(GovernanceBody(name="Bureau communautaire", kind="instance décisionnelle"))

    ws = store.update(dax.id, with_member)
    chef = ws.actors[-1]
    first, second = ApplicationApp(store, dax.id), ApplicationApp(store, dax.id)
    for app in (first, second):
        one(app.root, "kit-cand-member").value = chef.id
    one(first.root, "kit-cand-new-contact").value = "05 58 00 00 00"
    one(first.root, "kit-cand-update").click()
    one(second.root, "kit-cand-new-contact").value = "05 58 11 11 11"
    one(second.root, "kit-cand-update").click()
    said = second.messages.widget.value
    assert "« contact »" in said and "« 05 58 00 00 00 »" in said and "enregistrez à nouveau" in said
    assert store.load(dax.id).actors[-1].contact == "05 58 00 00 00"
    one(second.root, "kit-cand-update").click()
    assert store.load(dax.id).actors[-1].contact == "05 58 11 11 11"

    one(first.root, "kit-cand-body").value = "Conseil communautaire"
    one(first.root, "kit-cand-save-body").click()
    one(second.root, "kit-cand-body").value = "Bureau de l'agglomération"
    one(second.root, "kit-cand-save-body").click()
    assert "« Conseil communautaire »" in second.messages.widget.value
    assert [b.name for b in store.load(dax.id).bodies] == ["Conseil communautaire"]
    one(second.root, "kit-cand-save-body").click()
    assert [b.name for b in store.load(dax.id).bodies] == ["Bureau de l'agglomération"]
