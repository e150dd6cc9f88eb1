"""Indicator catalogue and the ways values come in: a user's table, the ANCT list, an INSEE zip.

Fixture files are in tests/fixtures (fictional values, official layouts; see its README)."""

import io
import math
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from kit.reference import indicators as ind
from kit.errors import KitError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
KNOWN = {"QN99901N", "QN99902M", "QN04001M"}


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def insee_zip(folder: str = "officiels/insee_qpv_fictif", **replace: str) -> bytes:
    """Zip a fixture folder as INSEE publishes it; `replace` swaps a member's text (tests of variants)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted((FIXTURES / folder).iterdir()):
            archive.writestr(path.name, replace.get(path.stem, path.read_text(encoding="utf-8")))
    return buffer.getvalue()


# --- Reference lists ----------------------------------------------------------------------------------

def test_catalogue_is_complete_and_consistent():
    cat = ind.load_catalogue()
    assert list(cat.columns) == ["code", "theme", "libelle", "definition", "unite", "sens", "producteur",
                                 "jeu_de_donnees", "echelle", "page", "colonne_officielle"]
    assert 20 <= len(cat) <= 22 and cat["code"].is_unique
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", c) for c in cat["code"])
    assert set(cat["sens"]) <= {"haut", "bas", "neutre"}
    assert set(cat["echelle"]) <= {"qpv", "iris", "commune", "epci", "maille"}
    assert all(p.startswith("https://") for p in cat["page"])
    for column in ("theme", "libelle", "definition", "unite", "producteur", "jeu_de_donnees"):
        assert cat[column].str.strip().ne("").all(), column
    # Social and ecological both present: the kit is about both transitions.
    assert {"Pauvreté et revenus", "Emploi", "Logement", "Chaleur et climat", "Nature", "Air"} <= set(cat["theme"])


def test_catalogue_is_a_copy_callers_cannot_spoil():
    mine = ind.load_catalogue()
    mine.loc[0, "libelle"] = "modifié"
    assert ind.load_catalogue().loc[0, "libelle"] != "modifié"


def test_transition_themes():
    themes = ind.load_themes()
    assert list(themes.columns) == ["code", "libelle", "description"]
    assert len(themes) >= 12 and themes["code"].is_unique
    assert {"Précarité énergétique", "Nature en ville", "Alimentation"} <= set(themes["libelle"])


# --- Reading the user's table -------------------------------------------------------------------------

def test_french_excel_csv_cp1252_semicolon_keeps_text_and_line_numbers():
    table = ind.read_table(fixture("indicateurs/valeurs_quartiers.csv"), "valeurs.csv")
    assert list(table.columns)[:3] == ["Code quartier", "Nom (fictif)", "Taux de pauvreté"]
    assert table.loc[2, "Taux de pauvreté"] == "41,5 %"  # text, untouched: parsing comes later
    assert list(table.index) == [2, 3, 5]  # the blank line 4 is skipped but keeps its number


@pytest.mark.parametrize("text, separator", [
    ("code,taux\nQN99901N,\"12,5\"\n", ","),
    ("code\ttaux\nQN99901N\t12,5\n", "\t"),
    # Commas inside numbers must not be taken for the separator.
    ("code;taux;revenu\nQN99901N;12,5;1,5\nQN99902M;3,2;4,1\n", ";"),
])
def test_separator_is_detected(text, separator):
    table = ind.read_table(text.encode("utf-8"), "t.csv")
    assert table.loc[2, "taux"] == "12,5"


def test_utf8_bom_is_not_part_of_the_first_column_name():
    table = ind.read_table(fixture("indicateurs/valeurs_avec_erreurs.csv"), "t.csv")
    assert list(table.columns) == ["code_qpv", "taux_pauvrete", "revenu"]


@pytest.mark.parametrize("data, words", [
    (b"", "vide"),
    (b"  \r\n\r\n", "vide"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binaire"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50, ".xls"),
    (b"PK\x03\x04pas un vrai classeur", "classeur Excel"),
    (b'code;taux\nQN99901N;"12,5\n', "mal formé à la ligne"),
    (b"code;taux\nQN99901N;12;en trop\n", "plus longues que son en-tête"),
    (b"code;code\nQN99901N;1\n", "même nom"),
    (b"code;taux\n", "ligne d'en-tête"),
])
def test_unreadable_tables_are_refused_in_french(data, words):
    with pytest.raises(KitError, match=re.escape(words)):
        ind.read_table(data, "t.csv")


def test_huge_file_is_refused_before_reading():
    with pytest.raises(KitError, match="20 Mo"):
        ind.read_table(b"code;taux\n" + b"QN99901N;1\n" * 2_000_000, "t.csv")


def test_xlsx_first_sheet_as_displayed_text():
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["code", "taux", "revenu"])
    sheet.append(["QN99901N", 0.415, 11230])
    sheet["B2"].number_format = "0.0%"  # shown as 41,5 % in Excel
    sheet.append(["QN99902M", "s", None])
    buffer = io.BytesIO()
    book.save(buffer)
    table = ind.read_table(buffer.getvalue(), "valeurs.xlsx")
    assert table.loc[2].tolist() == ["QN99901N", "41.5 %", "11230"]
    assert table.loc[3].tolist() == ["QN99902M", "s", ""]


# --- One value ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("cell, value", [
    ("12,5", 12.5), ("12.5", 12.5), ("1 234,5", 1234.5), ("1\u00a0234", 1234.0), ("1\u202f234 567", 1234567.0),
    ("41,5 %", 41.5), ("41,5%", 41.5), ("-3", -3.0), ("\u22123,2", -3.2), ("0", 0.0), (",5", 0.5), (7, 7.0),
])
def test_french_numbers(cell, value):
    assert ind.parse_cell(cell) == (value, "")


@pytest.mark.parametrize("cell, note", [
    ("s", ind.NOTE_SECRET), ("S", ind.NOTE_SECRET), ("secret", ind.NOTE_SECRET), ("(s)", ind.NOTE_SECRET),
    ("c", ind.NOTE_SECRET), ("nd", ind.NOTE_UNAVAILABLE), ("n.d.", ind.NOTE_UNAVAILABLE),
    ("ns", ind.NOTE_NOT_SIGNIFICANT), ("", ind.NOTE_EMPTY), ("  ", ind.NOTE_EMPTY), (None, ind.NOTE_EMPTY),
    (math.nan, ind.NOTE_EMPTY),
])
def test_markers_and_blanks_are_no_value_never_zero(cell, note):
    assert ind.parse_cell(cell) == (None, note)


@pytest.mark.parametrize("cell, words", [
    ("douze", "n'est pas un nombre"), ("12,5,3", "n'est pas un nombre"), ("12 5", "espaces mal placées"),
    ("#DIV/0!", "erreur de formule"), ("%", "n'est pas un nombre"),
])
def test_text_that_is_not_a_number(cell, words):
    with pytest.raises(ValueError, match=words):
        ind.parse_cell(cell)


# --- Importing the user's table -----------------------------------------------------------------------

MAPPING = {"Taux de pauvreté": "taux_pauvrete", "Revenu médian (€)": "revenu_median_uc",
           "Logements suroccupés": "suroccupation"}


def test_import_of_a_french_table():
    table = ind.read_table(fixture("indicateurs/valeurs_quartiers.csv"), "valeurs.csv")
    result = ind.import_values(table, qpv_column="Code quartier", mapping=MAPPING, known_qpv_codes=KNOWN)
    assert result.ok and result.errors == []
    values = result.values.set_index(["qpv_code", "indicator"])
    assert list(result.values.columns) == ["qpv_code", "indicator", "value", "note"]
    assert result.values["value"].dtype == "float64" and len(values) == 9
    assert values.loc[("QN99901N", "taux_pauvrete")].tolist() == [41.5, ""]
    assert values.loc[("QN99901N", "revenu_median_uc")].tolist() == [11230.0, ""]
    secret = values.loc[("QN99901N", "suroccupation")]
    assert math.isnan(secret["value"]) and secret["note"] == "secret statistique"
    assert values.loc[("QN04001M", "taux_pauvrete"), "note"] == "non disponible"
    empty = values.loc[("QN04001M", "revenu_median_uc")]
    assert math.isnan(empty["value"]) and empty["note"] == "non renseigné"  # missing, not zero


def test_every_problem_is_reported_with_its_line_and_nothing_is_half_imported():
    table = ind.read_table(fixture("indicateurs/valeurs_avec_erreurs.csv"), "erreurs.csv")
    result = ind.import_values(table, qpv_column="code_qpv", known_qpv_codes=KNOWN,
                               mapping={"taux_pauvrete": "taux_pauvrete", "revenu": "revenu_median_uc"})
    assert not result.ok and result.values.empty
    assert list(result.values.columns) == ["qpv_code", "indicator", "value", "note"]
    where = [(e.line, e.column) for e in result.errors]
    assert where == [(3, "code_qpv"), (4, "code_qpv"), (5, "taux_pauvrete"), (6, "taux_pauvrete")]
    messages = [e.message for e in result.errors]
    assert "QN99999Z ne fait pas partie des quartiers" in messages[0]
    assert "« QP99 » n'est pas un code QPV" in messages[1]
    assert "« douze » n'est pas un nombre" in messages[2]
    assert "valeur en double" in messages[3] and "ligne 2" in messages[3]
    assert str(result.errors[2]) == "ligne 5, colonne « taux_pauvrete » : « douze » n'est pas un nombre"


def test_mapping_problems_unknown_indicator_and_missing_columns():
    table = ind.read_table(b"code;taux\nQN99901N;12\n", "t.csv")
    result = ind.import_values(table, qpv_column="quartier", known_qpv_codes=KNOWN,
                               mapping={"taux": "taux_de_chomage", "revenu": "revenu_median_uc"})
    assert result.values.empty
    problems = {(e.line, e.column): e.message for e in result.errors}
    assert "colonne des codes QPV absente" in problems[(1, "quartier")]
    assert "« taux_de_chomage » inconnu du catalogue" in problems[(None, "taux")]
    assert "colonne absente du fichier" in problems[(1, "revenu")]


def test_same_quartier_on_two_lines_is_fine_when_cells_do_not_overlap():
    table = ind.read_table(b"code;taux;revenu\nQN99901N;12;\nqn 999 01n;;15000\n", "t.csv")
    result = ind.import_values(table, qpv_column="code", known_qpv_codes=KNOWN,
                               mapping={"taux": "taux_pauvrete", "revenu": "revenu_median_uc"})
    assert result.ok
    assert sorted(result.values["value"].tolist()) == [12.0, 15000.0]


def test_plain_dataframe_counts_lines_from_2_and_errors_become_a_kit_error():
    table = pd.DataFrame({"code": ["QN99901N", "QN99901N"], "taux": ["1", "2"]})
    result = ind.import_values(table, qpv_column="code", mapping={"taux": "taux_pauvrete"}, known_qpv_codes=KNOWN)
    assert [e.line for e in result.errors] == [3]
    with pytest.raises(KitError, match="aucune valeur n'a été importée") as raised:
        result.raise_if_errors()
    assert raised.value.details[0].startswith("Ligne 3, colonne « taux »")


# --- ANCT list --------------------------------------------------------------------------------------

def test_anct_list_one_row_per_quartier_with_all_its_communes():
    qpv = ind.read_anct_qpv_list(fixture("officiels/anct_liste_qpv.csv"))
    assert list(qpv["code_qp"]) == ["QN99901N", "QN99902M", "QN04001M"]
    assert "insee_com" not in qpv.columns
    rows = qpv.set_index("code_qp")
    assert rows.loc["QN99901N", "communes"] == ["99901"]
    assert rows.loc["QN99902M", "communes"] == ["99902", "99903"]  # a quartier across two communes
    assert rows.loc["QN99902M", "lib_com"] == "Saint-Aubin-des-Prés; Rivebelle"
    assert rows.loc["QN99902M", "siren_epci"] == "200099991"


def test_anct_list_with_changed_columns():
    with pytest.raises(ind.OfficialFormatChanged, match="colonnes") as raised:
        ind.read_anct_qpv_list(fixture("officiels/anct_liste_qpv_colonnes_changees.csv"))
    assert "code_qp" in raised.value.details[0]


# --- INSEE zip ----------------------------------------------------------------------------------------

def test_insee_zip_becomes_long_values_labelled_by_the_meta_file():
    long = ind.read_insee_qpv_zip(insee_zip())
    assert list(long.columns) == ["qpv_code", "column", "label", "value", "note"]
    assert set(long["qpv_code"]) == KNOWN  # the total line "ENSQP" is not a quartier
    assert set(long["column"]) == {"NB_PERS", "TP60", "MED_UC"}  # names and codes of places are not values
    rows = long.set_index(["qpv_code", "column"])
    assert rows.loc[("QN99901N", "TP60"), "value"] == 41.5
    assert rows.loc[("QN99901N", "TP60"), "label"] == "Taux de pauvreté au seuil de 60 % (fictif)"
    assert rows.loc[("QN99902M", "TP60"), "note"] == "secret statistique"
    assert math.isnan(rows.loc[("QN99902M", "TP60"), "value"])
    assert rows.loc[("QN04001M", "TP60"), "note"] == "non disponible"


def test_insee_zip_finds_a_renamed_code_column_by_its_content_without_meta():
    data = "QUARTIER;TP60\nQN99901N;41.5\nQN99902M;s\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("qpv.csv", data)
    long = ind.read_insee_qpv_zip(buffer.getvalue())
    assert long[["qpv_code", "column", "label"]].values.tolist() == [
        ["QN99901N", "TP60", "TP60"], ["QN99902M", "TP60", "TP60"]]


@pytest.mark.parametrize("data_csv, error", [
    ("COMMUNE;TP60\n99901;41.5\n", ind.OfficialFormatChanged),
    ("GEO;GEO_OBJECT;TIME_PERIOD;OBS_VALUE\nQN99901N;QP;2021;41.5\n", ind.OfficialFormatChanged),
    ("CODGEO;COM;TP60\nQN99902M;99902;1\nQN99902M;99903;2\n", ind.OfficialFormatChanged),
])
def test_insee_zip_whose_columns_changed(data_csv, error):
    with pytest.raises(error, match="ont changé"):
        ind.read_insee_qpv_zip(insee_zip(donnees_qpv_fictif=data_csv))


def test_insee_file_that_is_not_a_zip():
    with pytest.raises(KitError, match="pas une archive zip"):
        ind.read_insee_qpv_zip(b"<html>Page introuvable</html>")


def test_insee_columns_to_indicator_values():
    long = ind.read_insee_qpv_zip(insee_zip())
    values = ind.insee_to_values(long, {"TP60": "taux_pauvrete", "MED_UC": "revenu_median_uc"})
    assert list(values.columns) == ["qpv_code", "indicator", "value", "note"] and len(values) == 6
    secret = values[(values.qpv_code == "QN99902M") & (values.indicator == "revenu_median_uc")].iloc[0]
    assert math.isnan(secret["value"]) and secret["note"] == "secret statistique"
    with pytest.raises(KitError) as raised:
        ind.insee_to_values(long, {"TP60": "inconnu", "ABSENTE": "population"})
    assert raised.value.details == ["indicateur inconnu du catalogue : inconnu",
                                    "colonne absente du fichier INSEE : ABSENTE"]


# --- What is missing ----------------------------------------------------------------------------------

def test_reference_gaps_say_where_to_get_what_is_missing():
    values = ind.values_frame([("QN99901N", "taux_pauvrete", 41.5, ""),
                               ("QN99902M", "taux_pauvrete", None, "secret statistique"),
                               ("QN99901N", "revenu_median_uc", None, "secret statistique")])
    gaps = ind.reference_gaps(values).set_index("code")
    assert "taux_pauvrete" not in gaps.index  # one quartier has a value
    assert len(gaps) == len(ind.load_catalogue()) - 1
    assert gaps.loc["revenu_median_uc", "raison"] == "secret statistique"
    assert gaps.loc["population", "page"] == "https://www.insee.fr/fr/statistiques/8210600"
    assert "INSEE" in gaps.loc["population", "message"] and gaps.loc["population", "raison"] == "aucune valeur"
    assert "échelle iris" in gaps.loc["precarite_energetique", "message"]

    per_quartier = ind.reference_gaps(values, qpv_codes={"QN99901N", "QN99902M"}).set_index("code")
    assert per_quartier.loc["taux_pauvrete", "quartiers"] == ["QN99902M"]
    assert "secret statistique pour QN99902M" in per_quartier.loc["taux_pauvrete", "message"]


def test_an_official_zip_becomes_a_table_the_import_screen_reads():
    import io
    import zipfile

    from kit.reference.indicators import import_values, official_table, read_insee_qpv_zip

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("donnees.csv", "CODGEO;LIBGEO;TX_PAUVRETE\nQN04001M;Le Sablar;42,5\nQN04002M;Cuyès;s\n")
        archive.writestr("meta_donnees.csv", "COD_VAR;LIB_VAR;LIB_VAR_LONG;COD_MOD;LIB_MOD;TYPE_VAR;LONG_VAR\n"
                                             "TX_PAUVRETE;Taux de pauvreté;Taux de pauvreté;;;NUM;5\n")
    table = official_table(read_insee_qpv_zip(buffer.getvalue()))
    column = next(c for c in table.columns if "TX_PAUVRETE" in c)
    result = import_values(table, qpv_column="code_qp", mapping={column: "taux_pauvrete"},
                           known_qpv_codes={"QN04001M", "QN04002M"})
    assert result.ok
    values = result.values.set_index("qpv_code")
    assert values.loc["QN04001M", "value"] == 42.5
    assert pd.isna(values.loc["QN04002M", "value"]) and values.loc["QN04002M", "note"] == "secret statistique"
