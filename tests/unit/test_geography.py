"""The EPCI picker relies on this reference geography: check the data and the search."""

import re

import pytest

from kit.reference import geography as geo


def test_epci_file_has_expected_columns_and_unique_sirens():
    epcis = geo.load_epcis()
    assert list(epcis.columns) == ["siren", "nom", "type", "population", "departements", "nb_communes"]
    assert epcis["siren"].is_unique
    assert len(epcis) > 100  # Nouvelle-Aquitaine has about 150 EPCIs
    assert set(epcis["type"]) <= {"CA", "CC", "CU", "METRO"}


def test_communes_file_has_expected_columns_and_unique_codes():
    communes = geo.load_communes()
    assert list(communes.columns) == ["code_insee", "nom", "departement", "siren_epci", "population"]
    assert communes["code_insee"].is_unique
    assert len(communes) > 4000


def test_codes_are_strings_with_fixed_width():
    # Identifiers must stay text: an int would turn "01001" into 1001.
    epcis, communes = geo.load_epcis(), geo.load_communes()
    assert all(re.fullmatch(r"\d{9}", s) for s in epcis["siren"])
    assert all(re.fullmatch(r"\d{5}", c) for c in communes["code_insee"])
    assert all(isinstance(s, str) for s in communes["siren_epci"])


def test_leading_zeros_survive_reading(tmp_path):
    # No code of Nouvelle-Aquitaine starts with 0, so check the reader on a sample file.
    path = tmp_path / "sample.csv"
    path.write_text("code_insee,nom,departement,siren_epci,population\n01001,X,01,012345678,860\n", encoding="utf-8")
    row = geo._read(path)[0]
    assert (row["code_insee"], row["departement"], row["siren_epci"]) == ("01001", "01", "012345678")
    assert row["population"] == 860


@pytest.mark.parametrize(
    "query, expected",
    [
        ("Bordeaux", "Bordeaux Métropole"),
        ("grand dax", "CA du Grand Dax"),
        ("pau", "CA Pau Béarn Pyrénées"),
        ("agglo pau", "CA Pau Béarn Pyrénées"),
        ("pyrenees pau", "CA Pau Béarn Pyrénées"),  # words in any order
        ("limoges", "CU Limoges Métropole"),
        ("poitiers", "CU du Grand Poitiers"),
        ("la rochelle", "CA de La Rochelle"),
        ("pays basque", "CA du Pays Basque"),
        ("ANGOULEME", "CA du Grand Angoulême"),
    ],
)
def test_well_known_epcis_are_found_first(query, expected):
    results = geo.search_epcis(query)
    assert results and results[0]["nom"] == expected


def test_search_ignores_accents_and_case():
    assert geo.search_epcis("bearn")[0]["nom"] == "CA Pau Béarn Pyrénées"
    assert geo.search_epcis("BÉARN") == geo.search_epcis("bearn")
    assert geo.search_epcis("Métropole") == geo.search_epcis("metropole")
    # "Communauté" is abbreviated in names (CA, CC, CU) but still searchable.
    assert len(geo.search_epcis("communaute", limit=500)) > 100


def test_search_results_have_the_fields_the_app_shows():
    result = geo.search_epcis("dax")[0]
    assert set(result) == {"siren", "nom", "type", "population"}
    assert isinstance(result["siren"], str) and isinstance(result["population"], int)


def test_search_by_siren_prefix_and_limit():
    assert geo.search_epcis("244000675")[0]["nom"] == "CA du Grand Dax"
    assert all(r["siren"].startswith("2000") for r in geo.search_epcis("2000", limit=5))
    assert len(geo.search_epcis("cc", limit=3)) == 3


def test_search_with_no_match_or_empty_query():
    assert geo.search_epcis("zzzz introuvable") == []
    assert geo.search_epcis("   ") == []


def test_label_shows_name_and_siren():
    dax = geo.search_epcis("grand dax")[0]
    assert geo.epci_label(dax) == "CA du Grand Dax (244000675)"


def test_every_epci_has_communes_and_every_commune_an_epci():
    epcis, communes = geo.load_epcis(), geo.load_communes()
    assert set(epcis["siren"]) == set(communes["siren_epci"])
    counts = communes["siren_epci"].value_counts()
    # An EPCI never has more communes in the region than in total.
    assert all(counts[s] <= n for s, n in zip(epcis["siren"], epcis["nb_communes"]))


def test_communes_of_epci():
    communes = geo.communes_of_epci("244000675")
    names = [c["nom"] for c in communes]
    assert "Dax" in names and len(names) == 20
    assert all(c["siren_epci"] == "244000675" for c in communes)
    assert geo.communes_of_epci("000000000") == []


def test_is_valid_siren():
    assert all(geo.is_valid_siren(s) for s in geo.load_epcis()["siren"])
    assert geo.is_valid_siren("243300316")  # Bordeaux Métropole
    for bad in ["123456789", "abc", "", "24330031", "2433003160", "243300317", "２４３３００３１６"]:
        assert not geo.is_valid_siren(bad), bad
