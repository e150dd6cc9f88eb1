"""Regards croisés: the territories of a cohort side by side (`kit.cohort.compare`), as a regional meeting
reads them. Demo workspaces made different from each other, joined to one cohort, read back through their
shares: the values side by side, the region's line, the themes counted, a territory that shares nothing
nowhere, and fifty territories at once.

The territories (`make_cohort`, also used by tests/unit/test_regards_croises.py and bench/bench_cohort.py):
- « Grand Dax »: the demo's four stakes, a poverty rate for both neighbourhoods and the region's, its MICMAC
  matrix entirely rated, a fiche with a budget, a person, a contact and a stake's statement (never shared).
- « Val de Garonne »: two stakes moved to « Mobilité » (one typed « mobilite »), values without the region's
  (one secret), one cell of its matrix rated, an indicator of its own.
- « Agglo Discrète »: shares nothing (sharing « rien »).
- « Espace vide »: nothing but its name.
"""

from __future__ import annotations

import math
import random

import pandas as pd
import pytest

from kit.cohort import compare
from kit.cohort.cohorts import CohortFolder, Share
from kit.cohort.sharing import share_of, shared_view
from kit.demo import create_demo
from kit.errors import KitError
from kit.model import Action, BudgetLine, CustomIndicator, IndicatorValue, Influence, Step
from kit.sessions import followup, project
from kit.store import Store

HIDDEN = "Agglo Discrète"
PERSON, CONTACT = "Jeanne Confidentielle", "jeanne.confidentielle@exemple.example"
STATEMENT = "Formulation à ne pas diffuser hors du territoire"
MATRIX = (1, 2, 0, 3, 0, 2, 1, 1, 0, 0, 2, 3)  # the 12 off-diagonal cells of the demo's 4 stakes


def fill_matrix(ws, values=MATRIX) -> None:
    pairs = [(a.id, b.id) for a in ws.stakes for b in ws.stakes if a.id != b.id]
    ws.influences = [Influence(source=s, target=t, value=v) for (s, t), v in zip(pairs, values)]


def grand_dax(ws) -> None:
    ws.name = "Grand Dax"
    tilleuls, gare = ws.neighbourhoods
    ws.indicator_values += [
        IndicatorValue(indicator="taux_pauvrete", place=tilleuls.id, value=31.5, year=2021),
        IndicatorValue(indicator="taux_pauvrete", place=tilleuls.id, value=29.0, year=2019),  # older: not shown
        IndicatorValue(indicator="taux_pauvrete", place=gare.id, value=28.0, year=2021),
        IndicatorValue(indicator="taux_pauvrete", place_kind="region", place="75", value=14.5, year=2021)]
    fill_matrix(ws)
    ws.actions[0].budget = [BudgetLine(year=2027, amount=12500, funder="Fonds vert"),
                            BudgetLine(year=2028, amount=2500, funder="ADEME")]
    ws.actions[0].steps = [Step(title="Visites", done=True), Step(title="Synthèse")]
    ws.actors[0].person, ws.actors[0].contact = PERSON, CONTACT
    ws.stakes[0].statement = STATEMENT
    ws.application.signatory = PERSON


def val_de_garonne(ws) -> None:
    ws.name = "Val de Garonne"
    tilleuls, gare = ws.neighbourhoods
    tilleuls.name = "Les Tilleuls"  # the same neighbourhood name as in Grand Dax: labels must still differ
    ws.stakes[2].theme = "Mobilité"
    ws.stakes[3].theme = "mobilite"  # typed without its accent: the same theme
    jardins = CustomIndicator(name="Jardins partagés", unit="jardins")
    ws.custom_indicators = [jardins]
    ws.indicator_values += [
        IndicatorValue(indicator="taux_pauvrete", place=tilleuls.id, value=40.0, year=2021),
        IndicatorValue(indicator="taux_pauvrete", place=gare.id, value=None, note="secret statistique"),
        IndicatorValue(indicator=jardins.id, place=gare.id, value=3)]
    first, second = ws.stakes[:2]
    ws.influences = [Influence(source=first.id, target=second.id, value=2)]


def discrete(ws) -> None:
    ws.name = HIDDEN
    ws.sharing = "rien"


def make_cohort(store: Store, folder: CohortFolder):
    """The four workspaces, joined to one cohort; returns (workspaces by name, shares of the cohort)."""
    workspaces = {}
    for change in (grand_dax, val_de_garonne, discrete):
        ws = store.update(create_demo(store).id, change)
        workspaces[ws.name] = ws
    empty = store.create("Espace vide")
    workspaces[empty.name] = empty
    cohort = folder.create("Nouvelle-Aquitaine 2026-2027")
    for ws in workspaces.values():
        folder.join(cohort.id, ws)
    shares, problems = folder.shares(folder.cohort(cohort.id))
    assert problems == []
    return workspaces, shares, cohort


THEMES = ("Mobilité", "Alimentation", "Déchets et réemploi", "Cadre de vie", "Nature en ville",
          "Santé environnementale")


def vary(i: int):
    """The change that makes the i-th generated territory different from the others (seeded)."""
    rng = random.Random(i)

    def change(ws) -> None:
        ws.name = f"Communauté d'agglomération n° {i} du Val de Charente" if i % 3 == 0 else f"Territoire {i}"
        for n in ws.neighbourhoods:
            ws.indicator_values.append(IndicatorValue(indicator="taux_pauvrete", place=n.id,
                                                      value=round(rng.uniform(20, 50), 1), year=2021))
            ws.indicator_values.append(IndicatorValue(indicator="population", place=n.id,
                                                      value=rng.randint(1000, 9000), year=2020))
        ws.indicator_values.append(IndicatorValue(indicator="taux_pauvrete", place_kind="region", place="75",
                                                  value=14.5, year=2021))
        ws.stakes[2].theme = THEMES[i % len(THEMES)]
        fill_matrix(ws, [rng.choice([0, 1, 2, 3]) for _ in MATRIX])
        for action in ws.actions:
            action.budget = [BudgetLine(year=2027, amount=rng.randint(1, 50) * 1000,
                                        funder=rng.choice(["Fonds vert", "ADEME", "Région"]))]
            action.steps = [Step(title="Étape 1", done=True), Step(title="Étape 2")]
    return change


def generated_shares(store: Store, count: int) -> list[Share]:
    return [share_of(store.update(create_demo(store).id, vary(i))) for i in range(count)]


# ---------------------------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    root = tmp_path_factory.mktemp("regards")
    store = Store(root / "espaces")
    workspaces, shares, _ = make_cohort(store, CohortFolder(root / "cohortes"))
    return workspaces, shares


def every_table(shares) -> list[pd.DataFrame]:
    tables = [compare.indicator_table(shares, code) for _, code in compare.indicator_options(shares)]
    return tables + [compare.themes_table(shares), compare.key_variables_table(shares),
                     compare.governance_table(shares), compare.actions_table(shares), compare.progress_table(shares),
                     compare.eligibility_table(shares)]


def test_a_territory_that_shares_nothing_is_in_no_table(cohort):
    workspaces, shares = cohort
    assert [s.name for s in shares] == ["Grand Dax", "Val de Garonne", "Espace vide"]
    for table in every_table(shares):
        assert HIDDEN not in table.to_string() and HIDDEN not in " ".join(map(str, table.columns))
    own = workspaces["Grand Dax"]
    assert all(HIDDEN not in frame.to_string() for frame in compare.peers(own, shares).values())


def test_the_values_of_the_neighbourhoods_side_by_side_with_the_region(cohort):
    _, shares = cohort
    options = compare.indicator_options(shares)
    assert ("Taux de pauvreté (%)", "taux_pauvrete") in options
    assert "population" not in {code for _, code in options}  # no territory has a value for it
    own = [(label, code) for label, code in options if code.startswith("ind-")]
    assert [label for label, _ in own] == ["Jardins partagés (jardins) — Val de Garonne"]

    table = compare.indicator_table(shares, "taux_pauvrete")
    assert list(table.columns) == ["Territoire", "Quartier", "Valeur", "Année", "Région", "Écart à la région"]
    rows = {(r["Territoire"], r["Quartier"]): r for r in table.to_dict("records")}
    assert len(rows) == 4  # two neighbourhoods each; the empty workspace has none
    dax = rows[("Grand Dax", "Les Tilleuls")]
    assert (dax["Valeur"], dax["Année"], dax["Région"], dax["Écart à la région"]) == (31.5, "2021", 14.5, 17.0)
    assert rows[("Grand Dax", "Quartier de la Gare")]["Écart à la région"] == 13.5
    garonne = rows[("Val de Garonne", "Les Tilleuls")]
    assert garonne["Valeur"] == 40.0 and math.isnan(garonne["Région"]) and math.isnan(garonne["Écart à la région"])
    assert math.isnan(rows[("Val de Garonne", "Quartier de la Gare")]["Valeur"])  # secret: missing, never 0
    # Only the territory that owns an indicator of its own lists its neighbourhoods for it.
    jardins = compare.indicator_table(shares, own[0][1])
    assert set(jardins["Territoire"]) == {"Val de Garonne"} and jardins["Valeur"].max() == 3


def test_the_indicator_chart_has_one_bar_per_value_coloured_by_territory_and_the_region_line(cohort):
    _, shares = cohort
    fig = compare.indicator_figure(shares, "taux_pauvrete")
    bars = [(label, value, trace.marker.color) for trace in fig.data for label, value in zip(trace.y, trace.x)]
    labels = [label for label, _, _ in bars]
    assert sorted(labels) == sorted(["Les Tilleuls (Grand Dax)", "Quartier de la Gare (Grand Dax)",
                                     "Les Tilleuls (Val de Garonne)"])  # the secret value has no bar
    assert len({trace.marker.color for trace in fig.data}) == len(fig.data) == 2
    assert [shape.x0 for shape in fig.layout.shapes] == [14.5]
    assert any("Région : 14,5" in a.text for a in fig.layout.annotations)
    assert fig.layout.width <= 1280 and all(len(label) <= 52 for label in labels)
    nothing = compare.indicator_figure(shares[2:], "taux_pauvrete")  # the empty workspace alone
    assert "Aucune valeur" in nothing.layout.annotations[0].text


def test_themes_are_counted_per_territory_the_catalogue_spelling_kept(cohort):
    _, shares = cohort
    table = compare.themes_table(shares).set_index("Thème")
    assert list(table.columns) == ["Grand Dax", "Val de Garonne", "Espace vide"]
    assert table.loc["Mobilité", "Val de Garonne"] == 2 and table.loc["Mobilité", "Grand Dax"] == 0
    assert table.loc["Alimentation", "Grand Dax"] == 1 and table.loc["Alimentation", "Val de Garonne"] == 0
    assert table["Espace vide"].sum() == 0 and "mobilite" not in table.index
    assert list(table.index[:2]) == compare.transition_themes()[:2]  # the catalogue's order
    fig = compare.themes_figure(shares)
    counts = dict(zip(fig.data[0].y, fig.data[0].x))
    assert counts["Mobilité"] == 1 and counts["Précarité énergétique"] == 2
    assert "Risques naturels" not in counts  # nobody works on it: no bar


def test_key_variables_of_each_territory_or_why_there_are_none(cohort):
    _, shares = cohort
    table = compare.key_variables_table(shares)
    dax = table[table["Territoire"] == "Grand Dax"]
    assert len(dax) >= 1 and set(dax["Secteur"]) <= {"motrice", "relais"} and dax["Influence"].notna().all()
    titles = {s.title for s in shares[0].ws.stakes}
    assert set(dax["Variable clé"]) <= titles
    assert list(dax["Influence"]) == sorted(dax["Influence"], reverse=True)
    garonne = table[table["Territoire"] == "Val de Garonne"]
    assert len(garonne) == 1 and "matrice trop peu remplie" in garonne["Variable clé"].iloc[0]
    assert "1 case notée sur 12" in garonne["Variable clé"].iloc[0]
    empty = table[table["Territoire"] == "Espace vide"]
    assert len(empty) == 1 and "trop peu remplie" in empty["Variable clé"].iloc[0]


def test_the_project_group_and_governance_checks_side_by_side(cohort):
    _, shares = cohort
    table = compare.governance_table(shares)
    ws = shares[0].ws
    expected = [c.label for c in project.group_checklist(ws) + project.governance_checks(ws)]
    assert list(table["Point vérifié"]) == expected
    assert set(table.iloc[:, 1:].to_numpy().ravel()) <= {"✓", "✗"}
    marks = dict(zip(table["Point vérifié"], table["Grand Dax"]))
    assert marks["Une instance décisionnelle est désignée"] == "✓"
    assert dict(zip(table["Point vérifié"], table["Espace vide"]))["Une instance décisionnelle est désignée"] == "✗"


def test_eligibility_conditions_side_by_side(cohort):
    _, shares = cohort
    table = compare.eligibility_table(shares)
    assert list(table["Condition"]) == [label for label, _ in shares[0].eligibility]
    conditions = dict(zip(table["Condition"], table["Grand Dax"]))
    assert conditions["L'engagement à suivre les trois phases"] == "✓"
    assert dict(zip(table["Condition"], table["Espace vide"]))["L'engagement à suivre les trois phases"] == "✗"


def test_fiches_by_theme_with_budget_and_funders(cohort):
    _, shares = cohort
    dax = shares[0].ws
    diagnostic, cour = dax.actions
    assert compare.action_themes(dax, diagnostic) == ["Précarité énergétique"]  # objective → stake → theme
    assert compare.action_themes(dax, cour) == ["Nature en ville"]
    assert compare.action_themes(dax, Action(title="Sans objectif")) == []
    table = compare.actions_table(shares)
    assert list(table.columns) == ["Territoire", "Thème", "Fiches", "Budget (€)", "Financeurs"]
    row = table[(table["Territoire"] == "Grand Dax") & (table["Thème"] == "Précarité énergétique")].iloc[0]
    assert (row["Fiches"], row["Budget (€)"], row["Financeurs"]) == (1, 15000.0, "ADEME, Fonds vert")
    assert "Espace vide" not in set(table["Territoire"])


def test_progress_by_theme_is_the_follow_up_of_each_territory(cohort):
    _, shares = cohort
    table = compare.progress_table(shares)
    dax = table[table["Territoire"] == "Grand Dax"].set_index("Thème")
    own = followup.progress_by_theme(shares[0].ws).set_index("thème")
    assert list(dax.index) == ["Précarité énergétique", "Nature en ville"]
    assert dax.loc["Précarité énergétique", "Avancement (%)"] == 50
    assert own.loc["Précarité énergétique", "avancement (%)"] == 50
    assert dax.loc["Nature en ville", "Fiches"] == 1
    # A fiche answering a stake whose theme was typed « mobilite » is followed under « Mobilité ».
    garonne = table[table["Territoire"] == "Val de Garonne"]
    assert list(garonne["Thème"]) == ["Précarité énergétique", "Mobilité"]
    assert shares[1].ws.stakes[3].theme == "mobilite"  # the share itself is left as it was


def test_peers_are_the_other_territories_work_on_ones_own_themes(cohort):
    workspaces, shares = cohort
    found = compare.peers(workspaces["Grand Dax"], shares)
    assert set(found) == {"enjeux", "objectifs", "fiches"}
    stakes = found["enjeux"]
    assert set(stakes["Territoire"]) == {"Val de Garonne"}  # never one's own
    assert set(stakes["Titre"]) == {"Chaleur dans les logements l'été", "Factures d'énergie trop lourdes"}
    assert {"Territoire", "Thème(s)", "Titre"} <= set(found["objectifs"].columns)
    fiches = found["fiches"]
    garonne = next(s for s in shares if s.name == "Val de Garonne")
    assert set(fiches["share_id"]) == {garonne.ws.id}
    assert set(fiches["action_id"]) <= {a.id for a in garonne.ws.actions} and len(fiches) == 1
    assert fiches["Thème(s)"].iloc[0] == "Précarité énergétique"
    # A territory whose themes nobody else has, or with no stake at all, finds no peer.
    lonely = compare.peers(workspaces["Espace vide"], shares)
    assert all(frame.empty for frame in lonely.values())
    assert list(lonely["fiches"].columns)[-2:] == ["share_id", "action_id"]


def test_no_share_at_all_gives_empty_tables_and_charts_that_say_so():
    assert compare.indicator_options([]) == []
    for table in [compare.indicator_table([], "taux_pauvrete"), compare.key_variables_table([]),
                  compare.actions_table([]), compare.progress_table([]), compare.eligibility_table([])]:
        assert isinstance(table, pd.DataFrame) and table.empty
    assert list(compare.themes_table([]).columns) == ["Thème"]
    assert list(compare.governance_table([]).columns) == ["Point vérifié"]
    assert compare.themes_figure([]).layout.annotations[0].text.startswith("Aucun enjeu")
    assert compare.indicator_figure([], "taux_pauvrete").layout.annotations
    assert all(frame.empty for frame in compare.peers(Share("x", "x", "resume", None,
                                                            shared_view(_empty()), []).ws, []).values())


def _empty():
    from kit.model import Workspace

    return Workspace(id="espace-vide", name="Vide")


def test_fifty_territories(tmp_path):
    store = Store(tmp_path / "espaces")
    shares = generated_shares(store, 50)
    table = compare.indicator_table(shares, "taux_pauvrete")
    assert len(table) == 100 and table["Région"].eq(14.5).all()
    themes = compare.themes_table(shares)
    assert themes.shape[1] == 51 and themes.iloc[:, 1:].sum().sum() == 200
    labels = [label for trace in compare.indicator_figure(shares, "taux_pauvrete").data for label in trace.y]
    assert len(labels) == len(set(labels)) == 100  # every bar has a label of its own
    assert len(compare.key_variables_table(shares)["Territoire"].unique()) == 50
    assert compare.governance_table(shares).shape == (10, 51)
    assert len(compare.actions_table(shares)) >= 100 and len(compare.progress_table(shares)) >= 100
    assert compare.eligibility_table(shares).shape[1] == 51
    found = compare.peers(store.load(shares[0].ws.id), shares)
    assert set(found["fiches"]["share_id"]) == {s.ws.id for s in shares[1:]}


def test_what_territories_typed_is_shown_as_typed_in_the_charts():
    from kit.model import Neighbourhood, Stake, Workspace
    from tests.unit.test_chart_text import RAW, drawn, typed

    shares = []
    for n in range(2):
        place = Neighbourhood(name=typed(f"Quartier {n}"))
        own = CustomIndicator(name=typed("Indicateur"), unit=typed("unité"))
        ws = Workspace(id=f"espace-{n}", name=typed(f"Territoire {n}"), neighbourhoods=[place],
                       custom_indicators=[own], stakes=[Stake(title="Enjeu", theme=typed("Thème"))],
                       indicator_values=[IndicatorValue(indicator="taux_pauvrete", place=place.id, value=30 + n),
                                         IndicatorValue(indicator=own.id, place=place.id, value=2),
                                         IndicatorValue(indicator="taux_pauvrete", place_kind="region", place="75",
                                                        value=14.5)])
        shares.append(share_of(ws))
    figures = [compare.indicator_figure(shares, "taux_pauvrete"), compare.themes_figure(shares),
               compare.indicator_figure(shares, shares[0].ws.custom_indicators[0].id),
               compare.indicator_figure(shares, "population")]  # no value: the placeholder names the indicator
    for fig in figures:
        for path, text in drawn(fig.to_plotly_json()):
            assert not any(raw in text for raw in RAW), (path, text)
    with pytest.raises(KitError, match="Indicateur inconnu"):  # another territory's own, not in these shares
        compare.indicator_figure(shares[1:], shares[0].ws.custom_indicators[0].id)
