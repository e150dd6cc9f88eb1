"""The one guard for every zip the kit is given: an INSEE archive, a workbook (an .xlsx file is a zip).

    archive = open_zip(data, "l'archive de l'INSEE", limits)   # zipfile.ZipFile, nothing inflated yet
    archive = open_workbook(data, "le fichier « valeurs.xlsx »")   # the same, and each sheet's declared size

A zip's table of contents says how large each member becomes once decompressed, and Python's zipfile (so
openpyxl too) never inflates a member past that size: a member that lies is cut there and fails its
checksum. Reading the table of contents is therefore enough to refuse a zip bomb before a byte is
decompressed: too many members, one member or all of them too large, a member that inflates far more
than ordinary files do, a compression other than deflate (bzip2 and lzma inflate a whole block at once,
past any size), or a password. A workbook's sheets are also checked for the range they declare (a sheet
may declare 1,048,576 × 16,384 cells, which openpyxl would hand back as empty cells): only the first
64 KB of each XML part are inflated for that. The kit never opens a zip found inside a zip (openpyxl
leaves embedded files alone, the INSEE reader reads only CSV members): a nested zip counts for its size.

Every refusal is a `KitError` saying what is wrong and that nothing was imported; a file that is not a
zip at all raises `zipfile.BadZipFile`, left to the caller, who knows what the person meant to give.
Each reader still bounds what it builds from what it reads (rows, cells): this guard bounds the bytes.

This module imports nothing of the kit but its error type: readers of reference data and of workbooks
(kit/reference, kit/reports) both use it.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from kit.errors import KitError, megabytes

MiB = 1_048_576
# A member smaller than this once inflated is not judged on its ratio: whatever it holds, it is read in
# a second. Apache POI judges members from 100 KB, and real files trip it (drawings, hundreds of styled
# empty columns compress more than 100 times); from 4 MB, an ordinary workbook part or CSV never does.
RATIO_GRACE = 4 * MiB
PEEK_BYTES = 65_536  # of each XML part of a workbook, to read the range its sheet declares
NOTHING = "Rien n'a été importé."


@dataclass(frozen=True)
class Limits:
    """What a zip may hold once decompressed. Each ceiling is far above the files the kit reads, and low
    enough that what passes is read in seconds and in memory a laptop has (measures: see `WORKBOOK`)."""

    total: int  # bytes of all members together, decompressed
    member: int  # bytes of the largest member, decompressed
    members: int = 1000  # entries of the table of contents
    ratio: int = 100  # decompressed / compressed bytes of a member above RATIO_GRACE (Apache POI's default)
    cells: int = 10_000_000  # rows × columns a worksheet declares (workbooks only)


# A workbook the kit reads (an indicator table, an action plan): an exported plan of 2,000 actions is 9 MB
# decompressed, its largest sheet 4 MB; an indicator sheet of 20,000 lines × 31 numbers is 29 MB. openpyxl
# reads about 5 MB of sheet XML a second, shared strings more slowly: the worst part that passes (31 MB of
# 1.45 million tiny shared strings) took 25 s and 320 MB on a 2-core machine, against minutes and
# gigabytes for the bombs this refuses.
WORKBOOK = Limits(total=100 * MiB, member=32 * MiB)


def open_zip(data: bytes, where: str, limits: Limits) -> zipfile.ZipFile:
    """The table of contents of `data`, once every member is known to stay within `limits`.

    `where` names the file after « dans » in the messages (« le fichier « valeurs.xlsx » »,
    « l'archive de l'INSEE », « ce classeur »). Nothing is decompressed."""
    data = bytes(data)
    declared = _declared_entries(data)
    if declared is not None and declared > limits.members:
        raise _refusal(f"{_count(declared)} éléments compressés se trouvent dans {where}, au plus "
                       f"{_count(limits.members)} admis : c'est le signe d'une « bombe zip ».")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))  # reads the table of contents only
    except (ValueError, OSError, EOFError) as error:  # a zip whose end points nowhere
        raise zipfile.BadZipFile(str(error)) from None
    try:
        check_members(archive.infolist(), where, limits)
    except KitError:
        archive.close()
        raise
    return archive


def open_workbook(data: bytes, where: str, limits: Limits = WORKBOOK) -> zipfile.ZipFile:
    """`open_zip`, then the range each sheet declares: at most `limits.cells` cells."""
    archive = open_zip(data, where, limits)
    try:
        check_sheets(archive, where, limits)
    except BaseException:
        archive.close()
        raise
    return archive


def check_members(members: list[zipfile.ZipInfo], where: str, limits: Limits) -> None:
    """Refuse a table of contents that would inflate beyond `limits` (see the module's docstring)."""
    if len(members) > limits.members:
        raise _refusal(f"{_count(len(members))} éléments compressés se trouvent dans {where}, au plus "
                       f"{_count(limits.members)} admis : c'est le signe d'une « bombe zip ».")
    for info in members:
        name = _quote(info.filename)
        if info.flag_bits & 0x1:
            raise _refusal(f"l'élément {name} contenu dans {where} est protégé par un mot de passe, que le kit ne "
                           "lit pas.", "Enregistrez le fichier sans mot de passe, puis importez-le à nouveau.")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _refusal(f"l'élément {name} contenu dans {where} est compressé d'une façon que le kit ne lit "
                           "pas (seule la compression ordinaire des tableurs et des archives .zip est acceptée).")
        if info.file_size > limits.member:
            raise _refusal(f"l'élément {name} contenu dans {where} occuperait {_size(info.file_size)} une fois "
                           f"décompressé, au plus {_size(limits.member)} admis pour un élément.")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_GRACE and ratio > limits.ratio:
            raise _refusal(f"l'élément {name} contenu dans {where} se décompresse {_count(int(ratio))} fois (de "
                           f"{_size(info.compress_size)} à {_size(info.file_size)}) ; au-delà de "
                           f"{limits.ratio} fois, c'est le signe d'une « bombe zip ».")
    total = sum(info.file_size for info in members)
    if total > limits.total:
        raise _refusal(f"les éléments compressés dans {where} occuperaient ensemble {_size(total)} une fois "
                       f"décompressés, au plus {_size(limits.total)} admis.")


_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\b[^>]*?\bref\s*=\s*[\"']\$?([A-Za-z]{1,3})\$?(\d{1,7})"
                        rb"(?::\$?([A-Za-z]{1,3})\$?(\d{1,7}))?")


def check_sheets(archive: zipfile.ZipFile, where: str, limits: Limits) -> None:
    """Refuse a worksheet that declares more than `limits.cells` cells (``<dimension ref="A1:XFD1048576"/>``).

    Every XML part is looked at, not only ``xl/worksheets/``: the workbook's relations may put a sheet
    anywhere. A part that declares no range is fine (readers do not trust the range anyway)."""
    for info in archive.infolist():
        if not info.filename.lower().endswith(".xml") or not info.file_size:
            continue
        try:
            with archive.open(info) as part:
                head = part.read(PEEK_BYTES)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError):
            continue  # a damaged part: the reader says so in its own words
        found = _DIMENSION.search(head)
        if not found:
            continue
        first_col, first_row, last_col, last_row = found.groups()
        last_col, last_row = last_col or first_col, last_row or first_row
        rows = abs(int(last_row) - int(first_row)) + 1
        columns = abs(_column_number(last_col) - _column_number(first_col)) + 1
        if rows * columns > limits.cells:
            declared = found.group(0).split(b"=", 1)[1].strip(b"\"'$ ").decode("ascii", "replace")
            raise _refusal(f"la feuille {_quote(info.filename)} contenue dans {where} annonce une plage de "
                           f"{_count(rows)} lignes sur {_count(columns)} colonnes ({declared}), au plus "
                           f"{_count(limits.cells)} cellules admises.",
                           "Dans le tableur, supprimez les lignes et colonnes au-delà de vos données (ou copiez "
                           "les données dans un classeur neuf), enregistrez, puis importez à nouveau.")


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _declared_entries(data: bytes) -> int | None:
    """The number of members the end of the zip announces (zip64 included), read before zipfile builds
    one object per member; None when the end record is not found (zipfile will say the file is no zip)."""
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 65_535))
    if at < 0 or len(data) < at + 22:
        return None
    entries = int.from_bytes(data[at + 10:at + 12], "little")
    if entries == 0xFFFF and at >= 20 and data[at - 20:at - 16] == b"PK\x06\x07":
        record = int.from_bytes(data[at - 12:at - 4], "little")
        if data[record:record + 4] == b"PK\x06\x06":
            entries = int.from_bytes(data[record + 32:record + 40], "little")
    return entries


def _refusal(reason: str, advice: str = "") -> KitError:
    return KitError(f"Import refusé : {reason} {NOTHING}" + (f" {advice}" if advice else ""))


def _size(size: int) -> str:
    """A size as French readers write it: « 45 ko », « 32,0 Mo », « 1,0 Go »."""
    if size < MiB:
        return f"{max(1, round(size / 1024))} ko"
    if size >= 1024 * MiB:
        return f"{size / (1024 * MiB):.1f}".replace(".", ",") + " Go"
    return megabytes(size)


def _count(number: int) -> str:
    """12345678 → « 12 345 678 » (narrow no-break spaces, as French typography writes them)."""
    return f"{number:,}".replace(",", "\u202f")


def _quote(name: str) -> str:
    return f"« {name if len(name) <= 80 else name[:79] + '…'} »"
