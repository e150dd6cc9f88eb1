"""Cohorts and consent: what a workspace shares reaches the cohort's folder and nothing more; a fiche of
another territory is copied as a model with its origin; the home page's « Regards croisés » panel."""

from __future__ import annotations

import json
from datetime import date

import pytest

from kit.apps.accueil import HomeApp
from kit.cohort.cohorts import CohortFolder, publish_after_save
from kit.cohort.models import copy_fiche
from kit.cohort.sharing import shared_view
from kit.demo import create_demo
from kit.errors import KitError
from kit.store import Store


@pytest.fixture
def cohort(tmp_path):
    store = Store(tmp_path / "espaces")
    folder = CohortFolder.of(store)
    first, second = create_demo(store), store.rename(create_demo(store).id, "Val de Charente")
    created = folder.create("Nouvelle-Aquitaine 2025-2026", ["animatrice"])
    folder.join(created.id, first)
    folder.join(created.id, second)
    return store, folder, created.id, first.id, second.id


def published_text(folder: CohortFolder) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted((folder.folder / "partages").glob("*.json")))


def test_a_summary_keeps_the_facts_and_leaves_people_and_free_texts_in_the_territory(tmp_path):
    store = Store(tmp_path)
    ws = store.update(create_demo(store).id, lambda ws: setattr(ws.actors[0], "contact", "ines@rivebelle.fr"))
    actor = ws.actors[0]
    assert actor.person and ws.stakes[0].statement and ws.application.political_will
    summary = shared_view(ws)
    assert [s.title for s in summary.stakes] == [s.title for s in ws.stakes]
    assert [a.title for a in summary.actions] == [a.title for a in ws.actions]
    assert summary.influences == ws.influences and summary.indicator_values == ws.indicator_values
    text = summary.model_dump_json()
    for private in (actor.person, "ines@rivebelle.fr", ws.stakes[0].statement, ws.application.political_will):
        assert private not in text
    everything = shared_view(ws.model_copy(update={"sharing": "tout"}))
    assert everything.stakes[0].statement == ws.stakes[0].statement
    assert actor.person not in everything.model_dump_json() and "ines@rivebelle.fr" not in everything.model_dump_json()
    assert shared_view(ws.model_copy(update={"sharing": "rien"})) is None


def test_a_workspace_that_shares_nothing_has_no_file_in_the_cohort_and_is_in_no_share(cohort):
    store, folder, cohort_id, first, second = cohort
    assert len(list((folder.folder / "partages").glob("*.json"))) == 2
    ws = store.update(second, lambda ws: setattr(ws, "sharing", "rien"))
    folder.publish(ws)
    assert [p.stem for p in (folder.folder / "partages").glob("*.json")] == [first]
    assert "Val de Charente" not in published_text(folder)
    # The cohort's file, read by every territory's server, keeps its membership but no longer its name.
    assert "Val de Charente" not in (folder.folder / f"{cohort_id}.json").read_text(encoding="utf-8")
    assert second in folder.cohort(cohort_id).member_ids()
    for read in (folder.shares(folder.cohort(cohort_id))[0], folder.shares(folder.cohort(cohort_id), store=store)[0]):
        assert [s.workspace_id for s in read] == [first]


def test_a_facilitator_with_no_access_to_the_workspaces_reads_the_published_shares(cohort, tmp_path):
    store, folder, cohort_id, first, second = cohort
    # Another server (the facilitator's, on a hub): the same cohorts' folder, none of the workspaces.
    elsewhere = CohortFolder(folder.folder)
    shares, problems = elsewhere.shares(elsewhere.cohort(cohort_id), store=Store(tmp_path / "animatrice"))
    assert problems == [] and [s.name for s in shares] == [store.load(first).name, "Val de Charente"]
    assert all(s.level == "resume" and s.eligibility for s in shares)
    # A damaged share is said, and the others still read.
    (folder.folder / "partages" / f"{second}.json").write_text("{pas du json", encoding="utf-8")
    shares, problems = elsewhere.shares(elsewhere.cohort(cohort_id))
    assert [s.workspace_id for s in shares] == [first]
    assert problems == ["Val de Charente : son partage est illisible ; il sera réécrit à sa prochaine publication."]


def test_a_save_in_an_app_updates_the_share_and_a_territory_that_leaves_takes_it_away(cohort):
    store, folder, cohort_id, first, second = cohort
    ws = store.update(first, lambda ws: setattr(ws.stakes[0], "title", "Des cours d'école ombragées"))
    assert publish_after_save(store, ws) == ""
    assert "Des cours d'école ombragées" in published_text(folder)
    folder.leave(cohort_id, first)
    assert [p.stem for p in (folder.folder / "partages").glob("*.json")] == [second]
    assert folder.cohort(cohort_id).member_ids() == [second]
    assert publish_after_save(store, store.load(first)) == ""  # in no cohort: still nothing written
    assert not (folder.folder / "partages" / f"{first}.json").exists()


def test_cohort_names_are_unique_and_required_and_a_member_joins_once(cohort):
    store, folder, cohort_id, first, second = cohort
    with pytest.raises(KitError, match="Une cohorte s'appelle déjà « Nouvelle-Aquitaine 2025-2026 »"):
        folder.create("  nouvelle-aquitaine   2025-2026 ")
    with pytest.raises(KitError, match="Donnez un nom"):
        folder.create("   ")
    folder.join(cohort_id, store.load(first))
    assert folder.cohort(cohort_id).member_ids() == [second, first]
    assert folder.cohort(cohort_id).facilitators == ["animatrice"]
    (folder.folder / "abime.json").write_text("[]", encoding="utf-8")
    assert [c.id for c in folder.cohorts()] == [cohort_id]
    assert folder.problems() == ["abime.json : ce fichier de cohorte est illisible ; il est ignoré."]
    with pytest.raises(KitError, match="n'existe pas"):
        folder.cohort("../espaces/secret")


def test_a_fiche_of_another_territory_is_copied_as_a_model_with_its_origin(cohort):
    store, folder, cohort_id, first, second = cohort
    share = next(s for s in folder.shares(folder.cohort(cohort_id))[0] if s.workspace_id == second)
    source = share.ws.actions[0]
    own = store.update(first, lambda ws: setattr(ws, "actions", []))
    ws = store.update(own.id, copy_fiche(share, source.id, on=date(2026, 12, 2)))
    copy = ws.actions[-1]
    assert copy.title == source.title and copy.description == source.description
    assert copy.origin == f"Modèle : fiche « {source.title} » de Val de Charente, copiée le 02/12/2026"
    assert copy.status == "à venir" and copy.lead_id is None and copy.objective_ids == [] and copy.start is None
    assert [s.title for s in copy.steps] == [s.title for s in source.steps] and not any(s.done for s in copy.steps)
    assert sum(b.amount for b in copy.budget) == sum(b.amount for b in source.budget)
    assert all(i.measurements == [] for i in copy.indicators)
    # A second copy of the same fiche gets the territory's name; a third is refused, naming the copy.
    ws = store.update(own.id, copy_fiche(share, source.id))
    assert ws.actions[-1].title == f"{source.title} (modèle Val de Charente)"
    with pytest.raises(KitError, match="Vous avez déjà copié cette fiche"):
        store.update(own.id, copy_fiche(share, source.id))
    with pytest.raises(KitError, match="c'est la vôtre"):
        store.update(second, copy_fiche(share, source.id))
    with pytest.raises(KitError, match="n'est plus partagée"):
        copy_fiche(share, "fa-000000")


def test_the_home_page_sets_what_is_shared_and_joins_a_cohort(tmp_path):
    store = Store(tmp_path)
    ws = create_demo(store)
    folder = CohortFolder.of(store)
    app = HomeApp(store, ws.id)
    assert "Aucune cohorte pour l'instant" in app.sharing.memberships.value
    assert app.sharing.level.value == "resume"
    created = folder.create("Cohorte 2025")
    app.open(ws.id)
    app.sharing.joinable.value = created.id
    app.sharing.join_row.children[1].click()
    assert "a rejoint la cohorte « Cohorte 2025 » : il partage un résumé" in app.messages.widget.value
    assert "a rejoint la cohorte" in app.sharing.note.value  # said beside the button too
    assert "Membre de : « Cohorte 2025 »" in app.sharing.memberships.value
    share = folder.folder / "partages" / f"{ws.id}.json"
    assert json.loads(share.read_text(encoding="utf-8"))["level"] == "resume"
    app.sharing.level.value = "rien"
    assert store.load(ws.id).sharing == "rien" and not share.exists()
    assert "ne partage plus rien" in app.messages.widget.value
    app.sharing.level.value = "tout"
    assert json.loads(share.read_text(encoding="utf-8"))["level"] == "tout"
    app.sharing.leavable.value = created.id
    app.sharing.leave_row.children[1].click()
    assert not share.exists() and folder.cohort(created.id).members == []
