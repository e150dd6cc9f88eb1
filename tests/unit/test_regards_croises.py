"""The regional synthesis « regards croisés » (`kit.reports.regards_croises`) and its command line
(`python -m kit export ID1 ID2 … --deliverable regards-croises`): what a facilitator opens in Word before the
regional meeting. The territories are those of tests/unit/test_cohort_compare.py."""

from __future__ import annotations

import io

import docx
import pytest

from kit import cli
from kit.cohort import compare
from kit.cohort.cohorts import CohortFolder
from kit.reports import regards_croises
from kit.reports.regards_croises import PARTS, synthesis, synthesis_bytes
from kit.store import Store
from tests.unit.test_cohort_compare import CONTACT, HIDDEN, PERSON, STATEMENT, generated_shares, make_cohort, share_of


@pytest.fixture(autouse=True)
def no_browser(monkeypatch):
    """Charts become the Word file's « graphique non disponible » note: no Chromium in unit tests."""
    monkeypatch.setattr("kit.reports.to_docx.render_pngs", lambda jobs: [None] * len(jobs))


@pytest.fixture
def territories(tmp_path, monkeypatch):
    monkeypatch.setenv("KIT_ESPACES", str(tmp_path / "espaces"))
    monkeypatch.delenv("KIT_COHORTES", raising=False)  # the default folder: cohortes/ beside the workspaces
    store = Store(tmp_path / "espaces")
    workspaces, shares, cohort = make_cohort(store, CohortFolder.of(store))
    return store, workspaces, shares, cohort


def docx_text(data: bytes) -> str:
    word = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in word.paragraphs] + cells)


def headings(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs if p.style.name.startswith("Heading")]


def test_the_synthesis_names_each_territory_its_level_and_the_rule_for_those_sharing_nothing(territories):
    _, _, shares, _ = territories
    doc = synthesis(shares, "Nouvelle-Aquitaine 2026-2027")
    assert [h.text for h in doc.headings if h.level == 1] == list(PARTS)
    data, name = synthesis_bytes(shares, "Nouvelle-Aquitaine 2026-2027", "docx")
    assert name == "regards-croises_Nouvelle_Aquitaine_2026_2027.docx"
    text = docx_text(data)
    assert "Cette synthèse met côte à côte 3 territoires de la cohorte « Nouvelle-Aquitaine 2026-2027 » : " \
           "Grand Dax, Val de Garonne et Espace vide." in text
    assert "Un territoire qui ne partage rien n'apparaît pas dans cette synthèse." in text
    assert "un résumé" in text
    for part in PARTS:
        assert part in headings(data)
    assert "Taux de pauvreté (%)" in headings(data)
    assert "31,5" in text and "14,5" in text and "+17" in text  # a value, the region's, the gap, in French
    assert "matrice trop peu remplie (1 case notée sur 12)" in text
    assert "15\u00a0000" in text and "ADEME, Fonds vert" in text  # budget and funders of a fiche
    assert HIDDEN not in text


def test_what_a_summary_never_lets_out_of_the_territory(territories):
    store, workspaces, shares, _ = territories
    dax = workspaces["Grand Dax"]
    assert dax.actors[0].person == PERSON and dax.stakes[0].statement == STATEMENT  # in the workspace itself
    word = docx_text(synthesis_bytes(shares, "Cohorte", "docx")[0])
    html = synthesis_bytes(shares, "Cohorte", "html")[0].decode("utf-8")
    for secret in (PERSON, CONTACT, STATEMENT):
        assert secret not in word and secret not in html
    key = compare.key_variables_table(shares)["Variable clé"].iloc[0]
    assert key in {s.title for s in dax.stakes} and key in word  # a stake's title is shared, its statement is not
    # « tout » shares the statement, never a person nor a contact.
    everything = share_of(store.update(dax.id, lambda ws: setattr(ws, "sharing", "tout")))
    word = docx_text(synthesis_bytes([everything], "Cohorte", "docx")[0])
    assert PERSON not in word and CONTACT not in word and "tout, sauf les personnes" in word


def test_the_command_line_writes_the_synthesis_of_the_sharing_territories(territories, tmp_path, capsys):
    _, workspaces, _, _ = territories
    ids = [ws.id for ws in workspaces.values()]
    target = tmp_path / "synthese.docx"
    assert cli.main(["export", *ids, "--deliverable", "regards-croises", "--format", "docx",
                     "--output", str(target)]) == 0
    out, err = capsys.readouterr()
    assert f"Exporté dans {target}" in out
    assert f"« {HIDDEN} » ne partage rien avec sa cohorte : cet espace n'est pas dans la synthèse." in err
    text = docx_text(target.read_bytes())
    for name in ("Grand Dax", "Val de Garonne", "Espace vide"):
        assert name in text
    assert HIDDEN not in text
    assert "Regards croisés : Grand Dax, Val de Garonne et Espace vide" in text  # the cohort's name given
    found = headings(target.read_bytes())
    assert all(part in found for part in PARTS)


def test_the_command_line_takes_a_cohort_its_name_and_its_territories(territories, tmp_path, monkeypatch, capsys):
    _, _, _, cohort = territories
    monkeypatch.chdir(tmp_path)
    assert cli.main(["export", "--cohorte", cohort.id, "--deliverable", "regards-croises", "--format", "html"]) == 0
    out, err = capsys.readouterr()
    written = tmp_path / "regards-croises_Nouvelle_Aquitaine_2026_2027.html"
    assert written.exists() and str(written.name) in out and HIDDEN in err
    html = written.read_text(encoding="utf-8")
    assert "Nouvelle-Aquitaine 2026-2027" in html and "Val de Garonne" in html and HIDDEN not in html


@pytest.mark.parametrize("args, words", [
    (["--deliverable", "session1"], "Un seul espace à la fois"),
    (["--format", "json"], "Un seul espace à la fois"),
    (["--deliverable", "regards-croises", "--format", "xlsx"], "docx ou html"),
])
def test_several_workspaces_only_for_the_synthesis(territories, capsys, args, words):
    _, workspaces, _, _ = territories
    ids = [ws.id for ws in workspaces.values() if ws.name != HIDDEN]
    assert cli.main(["export", *ids, *args]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Erreur : ") and words in err and "Traceback" not in err


def test_workspaces_that_all_share_nothing_give_a_french_error(territories, capsys):
    _, workspaces, _, _ = territories
    assert cli.main(["export", workspaces[HIDDEN].id, "--deliverable", "regards-croises"]) == 1
    err = capsys.readouterr().err
    assert "ne partage rien" in err and "Erreur : Aucun des espaces donnés ne partage quoi que ce soit" in err


def test_no_id_and_no_cohort_is_a_usage_error_in_french(capsys):
    with pytest.raises(SystemExit) as stopped:
        cli.main(["export", "--deliverable", "regards-croises"])
    assert stopped.value.code == 2 and "il manque : ID" in capsys.readouterr().err


def test_an_empty_synthesis_says_nobody_shares(tmp_path):
    doc = synthesis([], "Cohorte vide")
    text = " ".join(getattr(b, "text", "") for b in doc.blocks)
    assert "Aucun territoire de la cohorte ne partage encore quoi que ce soit" in text
    assert synthesis_bytes([], "Cohorte vide", "docx")[0][:2] == b"PK"


def test_fifty_territories_fit_the_page(tmp_path):
    shares = generated_shares(Store(tmp_path / "espaces"), 50)
    data, _ = synthesis_bytes(shares, "Cinquante territoires", "docx")
    word = docx.Document(io.BytesIO(data))
    assert max(len(table.columns) for table in word.tables) <= regards_croises.SIDE_BY_SIDE + 1
    text = docx_text(data)
    assert all(s.name in text for s in shares)
    doc = synthesis(shares, "Cinquante territoires")
    figures = [b for b in doc.blocks if type(b).__name__ == "Figure"]
    bars = [sum(len(trace.y) for trace in f.figure.data) for f in figures if "quartiers et la région" in f.caption]
    assert bars and max(bars) <= 40 and sum(bars) == 100 * 2  # poverty and population, in charts of 40 bars
