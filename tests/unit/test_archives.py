"""One guard for every zip and workbook the kit reads (`kit.archives`): bombs refused before anything is
inflated, by every reader, in a child process limited to 2 GB; ordinary files still read.

The bombs are real (tests/unit/zip_bombs.py builds them in milliseconds): a 2 MB workbook whose sheet
inflates to 1 GB, a sheet that declares 1,048,576 × 16,384 cells, 60,000 members, a CSV line of 45 MB.
"""

import io
import random
import time
import zipfile

import pytest

from kit import archives
from kit.errors import KitError
from kit.reference import indicators as ind
from tests.unit.test_indicators import insee_zip
from tests.unit.zip_bombs import (SHEET_HEAD, Member, crowded_workbook, declared_dimension_workbook, deflated,
                                  huge_sheet_workbook, members_of, repeated, run_reader, small_workbook, zip_of)

NOTHING = "Rien n'a été importé"
PLAN_SETUP = ("import tempfile\nfrom kit.store import Store\nfrom kit.reports.action_plan_import import import_workbook\n"
              "ws = Store(tempfile.mkdtemp()).create('Essai')")
READERS = {  # what the apps call with an uploaded file (enjeux: a table or an INSEE zip; action: the plan)
    "tableau d'indicateurs": ("from kit.reference.indicators import read_table", "read_table(data, 'valeurs.xlsx')"),
    "plan d'action": (PLAN_SETUP, "import_workbook(ws, data)"),
    "archive INSEE": ("from kit.reference.indicators import official_table, read_insee_qpv_zip",
                      "official_table(read_insee_qpv_zip(data))"),
}
WORKBOOK_BOMBS = {  # name: (builder, words of the refusal)
    "feuille de 1 Go dans 2 Mo": (lambda: huge_sheet_workbook(1024), "une fois décompressé"),
    "feuille de 200 Mo": (lambda: huge_sheet_workbook(200), "une fois décompressé"),
    "plage de 1 048 576 × 16 384 cellules": (declared_dimension_workbook, "annonce une plage"),
    "60 000 éléments": (crowded_workbook, "éléments compressés"),
}


def wide_line_zip(megabytes: int = 45) -> bytes:
    """An INSEE-like zip whose data CSV is one line of 45 MB: 15 million cells (csv would build them all)."""
    return zip_of([repeated("donnees_qpv.csv", b"ab;" * 349_525, megabytes, b"CODGEO;", b"\n")])


def crowded_zip(count: int = 60_000) -> bytes:
    """The fixture's data table and 60,000 small meta files: each would be read into a table."""
    return zip_of(members_of(insee_zip()) + [deflated(f"meta_{i}.csv", b"COD_VAR;LIB_VAR\nX;x\n") for i in range(count)])


ZIP_BOMBS = {
    "ligne CSV de 45 Mo": (wide_line_zip, "se décompresse"),
    "60 000 fichiers": (crowded_zip, "éléments compressés"),
}
CASES = ([pytest.param(reader, bomb, id=f"{reader} — {bomb}") for reader in ("tableau d'indicateurs", "plan d'action")
          for bomb in WORKBOOK_BOMBS]
         + [pytest.param("archive INSEE", bomb, id=f"archive INSEE — {bomb}") for bomb in ZIP_BOMBS])


@pytest.mark.parametrize("reader, bomb", CASES)
def test_every_reader_refuses_every_bomb_at_once_with_bounded_memory(tmp_path, reader, bomb):
    build, words = {**WORKBOOK_BOMBS, **ZIP_BOMBS}[bomb]
    setup, call = READERS[reader]
    outcome = run_reader(tmp_path, build(), call, setup=setup, timeout=40)
    assert outcome["kind"] == "KitError", outcome
    assert words in outcome["message"] and NOTHING in outcome["message"], outcome["message"]
    assert outcome["seconds"] < 3, outcome


# --- The guard, check by check (small limits, small files) ------------------------------------------------

LIMITS = archives.Limits(total=3_000_000, member=2_000_000, members=10, ratio=100, cells=1_000_000)
ROOMY = archives.Limits(total=50_000_000, member=50_000_000)


def refusal(data: bytes, limits=LIMITS, *, workbook=False) -> str:
    opened = archives.open_workbook if workbook else archives.open_zip
    with pytest.raises(KitError) as raised:
        opened(data, "le fichier « essai.zip »", limits)
    message = str(raised.value)
    assert "le fichier « essai.zip »" in message and NOTHING in message
    return message


def incompressible(size: int, seed: int = 0) -> bytes:
    return random.Random(seed).randbytes(size)


def test_each_limit_is_checked_on_the_table_of_contents():
    many = zip_of([deflated(f"f{i}.csv", b"x") for i in range(11)])
    assert "11 éléments compressés" in refusal(many) and "au plus 10" in refusal(many)
    big = zip_of([deflated("gros.csv", incompressible(2_100_000))])
    assert "« gros.csv »" in refusal(big) and "2,0 Mo" in refusal(big) and "au plus 1,9 Mo" in refusal(big)
    together = zip_of([deflated(f"f{i}.csv", incompressible(1_500_000, i)) for i in range(3)])
    assert "ensemble" in refusal(together) and "2,9 Mo" in refusal(together)
    inflating = zip_of([repeated("zeros.csv", b"0" * 1_048_576, 4, tail=b"0" * 100_000)])
    assert "se décompresse" in refusal(inflating, ROOMY) and "au-delà de 100 fois" in refusal(inflating, ROOMY)


def test_small_members_are_not_judged_on_their_ratio():
    data = zip_of([deflated("vide.xml", b" " * 4_000_000)])  # 4 MB of spaces: ratio ~1000, read in a second
    assert archives.open_zip(data, "le fichier « essai.zip »", ROOMY).namelist() == ["vide.xml"]


def test_other_compressions_and_passwords_are_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_BZIP2) as archive:  # bzip2 inflates a whole block at once
        archive.writestr("donnees.csv", "CODGEO;TP60\n")
    assert "compressé d'une façon" in refusal(buffer.getvalue())
    member = deflated("donnees.csv", b"CODGEO;TP60\n")
    locked = bytearray(zip_of([member]))
    for at in (6, locked.index(b"PK\x01\x02") + 8):  # the "encrypted" flag, in both headers
        locked[at] |= 1
    assert "mot de passe" in refusal(bytes(locked))


def test_a_workbook_sheet_is_checked_for_the_range_it_declares():
    assert "1\u202f048\u202f576 lignes sur 16\u202f384 colonnes" in refusal(declared_dimension_workbook(), workbook=True)
    modest = declared_dimension_workbook("A1:J1000")  # 10,000 cells: ordinary
    archives.open_workbook(modest, "le fichier « essai.xlsx »", LIMITS).close()


def test_the_guard_decompresses_nothing_of_a_bomb():
    data = huge_sheet_workbook(1024)
    start = time.perf_counter()
    with pytest.raises(KitError, match="une fois décompressé"):
        archives.open_workbook(data, "ce classeur")
    assert time.perf_counter() - start < 0.5


def test_not_a_zip_is_left_to_the_caller():
    with pytest.raises(zipfile.BadZipFile):
        archives.open_zip(b"<html>Page introuvable</html>", "le fichier « essai.zip »", LIMITS)


# --- Ordinary files still read ------------------------------------------------------------------------------

def test_ordinary_files_pass_the_guard_and_read(store):
    from kit.reports.action_plan_export import export_workbook
    from kit.reports.action_plan_import import import_workbook
    from tests.unit.action_plan_workbooks import plan_workspace

    ws = plan_workspace(store)
    plan = export_workbook(ws)
    for data in (plan, small_workbook()):
        archives.open_workbook(data, "ce classeur").close()
    archives.open_zip(insee_zip(), "l'archive de l'INSEE", ind.OFFICIAL_ZIP_LIMITS).close()
    assert import_workbook(ws, plan).ok
    assert set(ind.read_insee_qpv_zip(insee_zip())["qpv_code"]) == {"QN99901N", "QN99902M", "QN04001M"}
    rows = [("code_qp", *[f"ind{i}" for i in range(30)])] + [(f"QN999{r:02d}N", *range(30)) for r in range(2000)]
    assert len(ind.read_table(small_workbook(rows), "valeurs.xlsx")) == 2000


def test_a_declared_range_within_the_limit_is_not_trusted_either():
    # 100 columns × 99,999 rows declared, three rows written (the last a stray cell at A99999): openpyxl
    # would give back 99,999 rows of 100 cells; the reader reads the rows that are there.
    data = declared_dimension_workbook("A1:CV99999", last_row=99_999)
    start = time.perf_counter()
    table = ind.read_table(data, "valeurs.xlsx")
    assert time.perf_counter() - start < 2
    assert table.values.tolist() == [["QN99901N", "12.5"], ["7", ""]]


def test_rows_padded_to_16384_columns_are_refused_by_the_cell_budget():
    # Two cells a row, in columns A and XFD: openpyxl gives back rows of 16,384 cells.
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c><c r="XFD%d"><v>2</v></c></row>' % (n, n, n)
                    for n in range(1, 401))
    data = zip_of([deflated("xl/worksheets/sheet1.xml", SHEET_HEAD + b"<sheetData>" + rows + b"</sheetData></worksheet>")
                   if m.name == "xl/worksheets/sheet1.xml" else m for m in members_of(small_workbook())])
    start = time.perf_counter()
    with pytest.raises(KitError, match="cellules"):
        ind.read_table(data, "valeurs.xlsx")
    assert time.perf_counter() - start < 3


def test_a_csv_of_more_cells_than_any_real_table_is_refused():
    text = "code_qp;" + ";".join(f"c{i}" for i in range(99)) + "\n" + ("1;" * 99 + "1\n") * 60_000
    with pytest.raises(KitError, match="cellules"):
        ind.read_table(text.encode(), "valeurs.csv")


def test_member_helper_builds_what_zipfile_reads():
    member = repeated("a.txt", b"abc", 3, b"<", b">")
    assert isinstance(member, Member)
    with zipfile.ZipFile(io.BytesIO(zip_of([member]))) as archive:
        assert archive.read("a.txt") == b"<abcabcabc>"


def test_a_csv_line_of_millions_of_cells_is_refused_in_words():
    # One header line of 2 MB: 700,000 columns. The separator is judged on the first 64 KB of each line.
    with pytest.raises(KitError, match="colonnes"):
        ind.read_table(b"code_qp;" + b"ab;" * 700_000 + b"\nQN99901N;1\n", "valeurs.csv")


def test_thousands_of_blank_lines_above_the_header_are_skipped_at_once():
    start = time.perf_counter()
    table = ind.read_table(b"\n" * 90_000 + b"code_qp;taux\nQN99901N;1\n", "valeurs.csv")
    assert time.perf_counter() - start < 2 and table.values.tolist() == [["QN99901N", "1"]]
