"""Session 1 logic as an analyst calls it: stakes, diagnostic, positioning, deliverable."""

import io
import math

import docx
import pytest

from kit.reports import deliverables
from kit.sessions import diagnostic, stakes
from kit import edits
from kit.demo import create_demo
from kit.errors import KitError
from kit.model import LocalProject, Stake


@pytest.fixture
def ws(store):
    return create_demo(store)


def test_checklist_and_guided_statement():
    s = Stake(title="Chaleur", what="Rendre les logements vivables l'été", for_whom="les familles des Tilleuls",
              by_when="2030", levers="rénovation, ombrage")
    marks = dict(stakes.checklist(s))
    assert marks["À quelle échéance"] and not marks["Appuyé sur des données ou une source"]
    assert stakes.guided_statement(s) == ("Rendre les logements vivables l'été, pour les familles des Tilleuls, "
                                          "d'ici 2030. Leviers locaux : rénovation, ombrage.")


def test_influence_matrix_and_micmac_on_the_workspace(ws):
    a, b, c, d = [s.id for s in ws.stakes]
    for source, target, value in [(a, b, 3), (b, c, 2), (c, a, 1), (a, d, "P")]:
        edits.set_influence(ws, source, target, value)
    matrix = stakes.influence_matrix(ws)
    assert matrix.loc[a, b] == 3 and matrix.loc[a, d] == "P" and matrix.loc[b, a] == 0
    result = stakes.structural_analysis(ws)
    assert list(result.table.index) == [a, b, c, d]
    assert result.table.loc[a, "direct_influence"] == 3  # P counts 0 in the direct matrix
    assert result.potential_matrix is not None
    assert stakes.structural_analysis(ws.model_copy(update={"stakes": ws.stakes[:1]})) is None


def test_stake_map_lists_unplaced_stakes(ws):
    frame = stakes.stake_map_frame(ws, "control", "urgency")
    assert not frame["placé"].any()  # the demo has no urgency yet
    with pytest.raises(ValueError):
        stakes.stake_map_frame(ws, "size", "urgency")


def test_positioning_finds_gaps(ws):
    a, b = ws.stakes[0].id, ws.stakes[1].id
    ws.local_projects = [LocalProject(name="PCAET", stake_ids=[a]), LocalProject(name="PLH"),
                         LocalProject(name="NPNRU", stake_ids=[a, b])]
    coverage, uncovered, unjustified = stakes.positioning(ws)
    assert coverage.loc[ws.stakes[0].title].tolist() == [True, False, True]
    assert uncovered == [ws.stakes[2].title, ws.stakes[3].title]
    assert unjustified == ["PLH"]


def test_values_typed_the_french_way_and_secrets_stay_missing(ws):
    n = ws.neighbourhoods[0].id
    diagnostic.set_value(ws, "taux_pauvrete", "qpv", n, "42,5")
    diagnostic.set_value(ws, "taux_pauvrete", "france", "", "14,5")
    kept = diagnostic.set_value(ws, "revenu_median_uc", "qpv", n, "s")
    assert kept.value is None and kept.note == "secret statistique"
    assert diagnostic.shown(kept) == "secret statistique"
    with pytest.raises(KitError, match="n'est pas un nombre"):
        diagnostic.set_value(ws, "taux_pauvrete", "qpv", n, "beaucoup")
    portrait = diagnostic.portrait(ws, n).set_index("indicateur")
    assert portrait.loc["Taux de pauvreté", "quartier"] == 42.5
    assert portrait.loc["Taux de pauvreté", "lecture"] == "moins favorable que la France"
    assert math.isnan(portrait.loc["Revenu disponible médian par unité de consommation", "quartier"])
    assert "insee.fr" in portrait.loc["Population du quartier", "où trouver la donnée"]
    diagnostic.set_value(ws, "taux_pauvrete", "qpv", n, "")
    assert diagnostic.value_of(ws, "taux_pauvrete", "qpv", n) is None


def test_imported_values_need_the_neighbourhood_in_the_workspace(ws):
    import pandas as pd

    values = pd.DataFrame([{"qpv_code": "QN99901N", "indicator": "taux_pauvrete", "value": 40.0, "note": ""}])
    assert diagnostic.apply_import(ws, values, "fichier.csv") == 1
    unknown = pd.DataFrame([{"qpv_code": "QN04001M", "indicator": "taux_pauvrete", "value": 40.0, "note": ""}])
    with pytest.raises(KitError, match="n'est pas dans cet espace"):
        diagnostic.apply_import(ws, unknown, "fichier.csv")


def test_session1_deliverable_in_word_has_every_part(ws, store):
    a, b, c, _ = [s.id for s in ws.stakes]
    for source, target, value in [(a, b, 3), (b, c, 2), (c, a, 1)]:
        edits.set_influence(ws, source, target, value)
    diagnostic.set_value(ws, "taux_pauvrete", "qpv", ws.neighbourhoods[0].id, "42,5")
    diagnostic.set_value(ws, "taux_pauvrete", "france", "", "14,5")
    ws.stakes[0].title = "Chaleur <script>alert(1)</script>"
    ws.local_projects = [LocalProject(name="PCAET", stake_ids=[a])]
    name, data = deliverables.export(ws, "session1", "docx")
    assert name.endswith(".docx")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    for part in ("Les quartiers et leurs données", "Les enjeux", "Analyse structurelle (MICMAC)",
                 "Positionnement", "Plan de travail jusqu'à la session 2", "Chaleur <script>alert(1)</script>"):
        assert part in text
    _, page = deliverables.export(ws, "session1", "html")
    assert b"Chaleur &lt;script&gt;alert(1)&lt;/script&gt;" in page and b"<script>alert(1)" not in page
    with pytest.raises(KitError, match="Livrable inconnu"):
        deliverables.export(ws, "session9", "docx")


def test_a_micmac_cell_rated_zero_is_kept_and_counted(ws):
    a, b, c, d = [s.id for s in ws.stakes]
    assert stakes.rated_cells(ws) == (0, 12)
    assert edits.rate_influence(ws, a, b, "0") == 0
    assert edits.rate_influence(ws, a, c, "2,0") == 2  # a spreadsheet's « 2,0 » is a 2
    assert edits.rate_influence(ws, b, a, "p") == "P"
    assert stakes.rated_cells(ws) == (3, 12)
    assert {(x.source, x.target): x.value for x in ws.influences} == {(a, b): 0, (a, c): 2, (b, a): "P"}
    assert stakes.influence_matrix(ws).loc[a, b] == 0
    assert edits.rate_influence(ws, a, b, " ") is None  # emptied: not rated any more
    assert stakes.rated_cells(ws) == (2, 12)
    for wrong in ("2,5", "4", "-1", "nan", "inf", "x"):
        with pytest.raises(KitError, match="0, 1, 2, 3 ou P"):
            edits.influence_value(wrong)
    with pytest.raises(KitError, match="diagonale"):
        edits.rate_influence(ws, d, d, "1")
    from kit.model import Workspace

    Workspace.model_validate(ws.model_dump())  # a 0 is a valid cell of the document


def test_a_value_typed_again_keeps_its_year_and_source(ws):
    n = ws.neighbourhoods[0].id
    value = diagnostic.set_value(ws, "population", "qpv", n, "3 850")
    value.year, value.source = 2021, "INSEE, recensement 2021"
    kept = diagnostic.set_value(ws, "population", "qpv", n, "3 912")
    assert (kept.value, kept.year, kept.source) == (3912, 2021, "INSEE, recensement 2021")
    blank = diagnostic.value_or_blank(ws, "taux_pauvrete", "qpv", n)
    assert blank.value is None and blank not in ws.indicator_values
    added = diagnostic.keep_value(ws, "taux_pauvrete", "qpv", n)
    assert added in ws.indicator_values
    diagnostic.drop_if_empty(ws, added)
    assert added not in ws.indicator_values


def test_a_population_is_written_without_decimals_in_the_deliverable(ws):
    for neighbourhood in ws.neighbourhoods:
        diagnostic.set_value(ws, "population", "qpv", neighbourhood.id, "3850")
    _, data = deliverables.export(ws, "session1", "html")
    text = data.decode()
    assert "3\xa0850</td>" in text and "3\xa0850,00" not in text


def test_living_environment_is_a_transition_theme():
    from kit.reference.indicators import load_themes

    assert "Cadre de vie" in set(load_themes()["libelle"])


def test_local_projects_are_described_in_the_deliverable(ws):
    ws.local_projects = [LocalProject(name="Axe 2 — cadre de vie", kind="Axe du contrat de ville",
                                      description="Tranquillité et propreté des espaces publics",
                                      stake_ids=[ws.stakes[0].id])]
    _, data = deliverables.export(ws, "session1", "html")
    text = data.decode()
    assert "Les projets locaux" in text and "Tranquillité et propreté des espaces publics" in text


def test_an_indicator_of_the_territory_is_read_like_the_catalogue(ws):
    from kit.model import CustomIndicator

    vacant = CustomIndicator(name="Taux de logements vacants du bailleur", unit="%", direction="bas",
                             source="Bailleur social, 2024")
    diagnostic.add_custom_indicator(ws, vacant)
    catalogue = diagnostic.indicator_catalogue(ws)
    assert list(catalogue.columns) == list(diagnostic.load_catalogue().columns)
    row = catalogue.set_index("code").loc[vacant.id]
    assert (row["theme"], row["libelle"], row["unite"], row["sens"], row["producteur"]) == (
        "Indicateurs du territoire", "Taux de logements vacants du bailleur", "%", "bas", "Bailleur social, 2024")
    tilleuls = ws.neighbourhoods[0]
    portrait = diagnostic.portrait(ws, tilleuls.id).set_index("indicateur")
    assert portrait.loc["Taux de logements vacants du bailleur", "où trouver la donnée"] == "Bailleur social, 2024"
    diagnostic.set_value(ws, vacant.id, "qpv", tilleuls.id, "8,5")
    diagnostic.set_value(ws, vacant.id, "epci", ws.territory.epci_siren or ws.territory.epci_name, "4")
    portrait = diagnostic.portrait(ws, tilleuls.id).set_index("indicateur")
    assert portrait.loc["Taux de logements vacants du bailleur", "lecture"] == "moins favorable que l'EPCI"
    assert vacant.id in diagnostic.map_indicators(ws)
    with pytest.raises(KitError, match="Indicateur inconnu"):
        diagnostic.read_cell(vacant.id, "3")  # without the workspace, only the catalogue is known
    with pytest.raises(KitError, match="existe déjà"):
        diagnostic.add_custom_indicator(ws, CustomIndicator(name="taux de logements vacants du BAILLEUR"))
    ws.stakes[0].indicator_codes = [vacant.id]
    edits.remove_custom_indicator(ws, vacant.id)
    assert not any(v.indicator == vacant.id for v in ws.indicator_values)
    assert ws.stakes[0].indicator_codes == [] and ws.custom_indicators == []


def test_a_stake_s_evidence_names_its_indicators_not_their_codes(store):
    from kit.demo import create_demo
    from kit.sessions import stakes as stakes_logic

    ws = create_demo(store)
    ws = store.update(ws.id, lambda w: setattr(w.stakes[0], "indicator_codes", ["population"]))
    evidence = stakes_logic.stakes_frame(ws)["éléments de preuve"].iloc[0]
    assert "Population du quartier (habitants)" in evidence and "population," not in evidence
