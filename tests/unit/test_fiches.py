"""Fiches action as a Word document: one page and one title per fiche, budget totals, an empty plan."""

import datetime as dt
import io

import docx
import pytest
from docx.oxml.ns import qn

from kit.reports.fiches import euros, fiches_document
from kit.model import (Action, ActionIndicator, Actor, BudgetLine, Measurement, Neighbourhood, Objective, Stake, Step,
                       Workspace, revalidate)
from kit.reports import render_docx, render_html


@pytest.fixture
def ws():
    heat = Stake(title="Chaleur dans les logements")
    strategic = Objective(title="Adapter le quartier à la chaleur", stake_ids=[heat.id])
    operational = Objective(title="Ombrager les cours", level="opérationnel", parent_id=strategic.id)
    landlord, city = Actor(name="Habitat Rivebelle"), Actor(name="Ville")
    place = Neighbourhood(name="Les Tilleuls", qpv_code="QN03301M")
    first = Action(
        title="Diagnostic de confort d'été", description="Visites de logements.", status="en cours",
        priority="haute", objective_ids=[operational.id], lead_id=landlord.id, partner_ids=[city.id],
        neighbourhood_ids=[place.id], start=dt.date(2026, 10, 1), end=dt.date(2027, 3, 31),
        participation="Enquête porte-à-porte avec le conseil citoyen",
        steps=[Step(title="Choisir les logements", done=True), Step(title="Restituer", due=dt.date(2027, 3, 1))],
        budget=[BudgetLine(year=2026, kind="fonctionnement", amount=12500.5, funder="Contrat de ville"),
                BudgetLine(year=2027, kind="investissement", amount=40000, funder="Fonds vert"),
                BudgetLine(year=2027, kind="fonctionnement", amount=2000, funder="Contrat de ville")],
        indicators=[ActionIndicator(name="Logements visités", unit="logements", baseline=0, target=200,
                                    measurements=[Measurement(on=dt.date(2026, 11, 1), value=20),
                                                  Measurement(on=dt.date(2026, 12, 1), value=45)])])
    second = Action(title="Îlots de fraîcheur <école>", depends_on=[first.id])
    return revalidate(Workspace(id="rivebelle", name="Plan de Rivebelle", stakes=[heat],
                                objectives=[strategic, operational], actors=[landlord, city],
                                neighbourhoods=[place], actions=[first, second]))


def word(ws) -> docx.document.Document:
    return docx.Document(io.BytesIO(render_docx(fiches_document(ws))))


def test_one_title_and_one_page_per_fiche(ws):
    document = word(ws)
    titles = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert titles == [a.title for a in ws.actions]
    breaks = document.element.body.findall(f".//{qn('w:br')}[@{qn('w:type')}='page']")
    assert len(breaks) == len(ws.actions)  # overview, then each fiche on its own page


def test_fiche_content_budget_totals_and_indicators(ws):
    document = word(ws)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Statut : en cours · Priorité : haute · du 1er octobre 2026 au 31 mars 2027" in text
    assert "Pilote : Habitat Rivebelle" in text and "Partenaires : Ville" in text
    assert "Ombrager les cours (objectif opérationnel de « Adapter le quartier à la chaleur »)" in text
    assert "enjeu : Chaleur dans les logements" in text  # the stake behind the strategic objective
    assert "Quartiers : Les Tilleuls (QN03301M)" in text
    assert "Budget total : 54\u00a0500,50\u00a0€." in text
    assert "Préalable à : « Îlots de fraîcheur <école> »" in text
    assert "Dépend de : « Diagnostic de confort d'été » (en cours)" in text
    assert "Enquête porte-à-porte avec le conseil citoyen" in text
    assert "Aucun budget n'est encore inscrit." in text  # the second fiche
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    by_year = next(t for t in tables if t[0][0] == "Année")
    assert by_year[1:] == [["2026", "0\u00a0€", "12\u00a0500,50\u00a0€", "12\u00a0500,50\u00a0€"],
                           ["2027", "40\u00a0000\u00a0€", "2\u00a0000\u00a0€", "42\u00a0000\u00a0€"],
                           ["Total", "40\u00a0000\u00a0€", "14\u00a0500,50\u00a0€", "54\u00a0500,50\u00a0€"]]
    funders = next(t for t in tables if t[0][0] == "Financeur")
    assert funders[1][:2] == ["Fonds vert", "40\u00a0000\u00a0€"] and funders[2][:2] == ["Contrat de ville", "14\u00a0500,50\u00a0€"]
    indicators = next(t for t in tables if t[0][0] == "Indicateur")
    assert indicators[1][:5] == ["Logements visités", "logements", "0", "200", "45 (01/12/2026)"]
    checks = [p.text for p in document.paragraphs if p.text.startswith(("✓", "✗"))]
    assert checks == ["✓\tChoisir les logements", "✗\tRestituer – échéance : 1er mars 2027"]


def test_empty_plan_gives_a_note_and_html_works_too():
    empty = Workspace(id="vide", name="Espace vide")
    document = word(empty)
    assert not [p for p in document.paragraphs if p.style.name == "Heading 1"]
    assert any("aucune fiche action" in p.text for p in document.paragraphs)
    assert "aucune fiche action" in render_html(fiches_document(empty)).decode("utf-8")


def test_euros():
    assert euros(12500) == "12\u00a0500\u00a0€" and euros(0.5) == "0,50\u00a0€"
