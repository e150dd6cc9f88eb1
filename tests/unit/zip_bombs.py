"""Real zip bombs, built in a few milliseconds, and a way to hand one to a reader without risking the tests.

A bomb is a zip whose members are honest about their size (Python's zipfile never inflates a member past
the size its table of contents declares, so a lying member is only a damaged file): a 1 GB member of
repeated rows is one compressed block of 1 MB written a thousand times. Deflate allows it: after a full
flush the compressed stream refers to nothing before it, so the block's compressed bytes can be repeated.

`run_reader` runs the reader in a child Python limited to 2 GB of address space and a timeout: a reader
without a guard fails the test (memory error, time out) instead of taking the machine down.
"""

from __future__ import annotations

import io
import json
import resource
import struct
import subprocess
import sys
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[2]
MEMORY_LIMIT = 2 << 30  # bytes of address space for the child that reads a bomb


@dataclass(frozen=True)
class Member:
    """A zip member already compressed: raw deflate bytes, CRC-32 and size of what they inflate to."""

    name: str
    raw: bytes
    crc: int
    size: int
    method: int = zipfile.ZIP_DEFLATED


def deflated(name: str, content: bytes) -> Member:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return Member(name, packer.compress(content) + packer.flush(), zlib.crc32(content), len(content))


def repeated(name: str, block: bytes, count: int, head: bytes = b"", tail: bytes = b"") -> Member:
    """`head + block * count + tail`, compressed without ever building it (the block is compressed once)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    middle = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    last = packer.compress(tail) + packer.flush()
    crc = zlib.crc32(head)
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    return Member(name, first + middle * count + last, crc, len(head) + len(block) * count + len(tail))


def zip_of(members: list[Member]) -> bytes:
    """A plain zip (no zip64: members under 4 GB, at most 65,535 of them) of members already compressed."""
    out, directory = io.BytesIO(), io.BytesIO()
    for m in members:
        name = m.name.encode("utf-8")
        offset = out.tell()
        out.write(struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", 20, 0, 0x800, m.method, 0, 0x21, m.crc, len(m.raw),
                              m.size, len(name), 0) + name + m.raw)
        directory.write(struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 3, 20, 0, 0x800, m.method, 0, 0x21, m.crc,
                                    len(m.raw), m.size, len(name), 0, 0, 0, 0, 0o644 << 16, offset) + name)
    start, table = out.tell(), directory.getvalue()
    out.write(table + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(table), start, 0))
    return out.getvalue()


def members_of(data: bytes) -> list[Member]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [deflated(info.filename, archive.read(info)) for info in archive.infolist()]


def small_workbook(rows=(("code_qp", "taux"), ("QN99901N", 12.5))) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')


def workbook_with_sheet(sheet: Member) -> bytes:
    """A real workbook (openpyxl's) whose first sheet is replaced by `sheet`."""
    return zip_of([sheet if m.name == SHEET else m for m in members_of(small_workbook())])


def huge_sheet_workbook(megabytes: int = 1024) -> bytes:
    """A workbook of 1 MB whose sheet is `megabytes` of rows of 1,000 numbers once inflated."""
    row = b"<row>" + b"<c><v>1</v></c>" * 1000 + b"</row>"
    block = row * (1_048_576 // len(row))
    return workbook_with_sheet(repeated(SHEET, block, megabytes, SHEET_HEAD + b"<sheetData>",
                                        b"</sheetData></worksheet>"))


def declared_dimension_workbook(ref: str = "A1:XFD1048576", last_row: int = 0) -> bytes:
    """A workbook of a few kilobytes whose sheet declares the largest range Excel allows: openpyxl pads
    every row it gives back to 16,384 cells, and every missing row before `last_row` (a stray cell in
    column A) too."""
    stray = b'<row r="%d"><c r="A%d"><v>7</v></c></row>' % (last_row, last_row) if last_row else b""
    xml = (SHEET_HEAD + f'<dimension ref="{ref}"/><sheetData>'.encode()
           + b'<row r="1"><c r="A1" t="inlineStr"><is><t>code_qp</t></is></c>'
             b'<c r="B1" t="inlineStr"><is><t>taux</t></is></c></row>'
           + b'<row r="2"><c r="A2" t="inlineStr"><is><t>QN99901N</t></is></c><c r="B2"><v>12.5</v></c></row>'
           + stray + b"</sheetData></worksheet>")
    return workbook_with_sheet(deflated(SHEET, xml))


def crowded_workbook(count: int = 60_000) -> bytes:
    """A real workbook with `count` more (empty) members: the table of contents alone is the load."""
    return zip_of(members_of(small_workbook()) + [deflated(f"xl/media/image{i}.png", b"") for i in range(count)])


def run_reader(tmp_path: Path, data: bytes, call: str, *, setup: str = "", timeout: float = 60) -> dict:
    """Run `call` (Python using `data`) in a child process limited to 2 GB of memory and `timeout` seconds.

    Returns what happened: ``kind`` is "KitError" (with ``message``), "accepted", "MemoryError", another
    exception's name or "timeout"; ``seconds`` is the time of `call` alone (not the child's imports),
    ``peak_mb`` the child's largest resident memory."""
    path = tmp_path / "bomb.bin"
    path.write_bytes(data)
    script = "\n".join([
        "import json, sys, time",
        "from kit.errors import KitError",
        setup,
        "data = open(sys.argv[1], 'rb').read()",
        "start = time.perf_counter()",
        "try:",
        f"    {call}",
        "    outcome = {'kind': 'accepted'}",
        "except KitError as error:",
        "    outcome = {'kind': 'KitError', 'message': str(error)}",
        "except BaseException as error:",
        "    outcome = {'kind': type(error).__name__, 'message': str(error)[:300]}",
        "outcome['seconds'] = time.perf_counter() - start",
        "import resource",
        "outcome['peak_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024",
        "print(json.dumps(outcome))",
    ])

    def limit_memory():
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    try:
        done = subprocess.run([sys.executable, "-c", script, str(path)], cwd=ROOT, capture_output=True, text=True,
                              timeout=timeout, preexec_fn=limit_memory)
    except subprocess.TimeoutExpired:
        return {"kind": "timeout", "seconds": timeout}
    lines = done.stdout.strip().splitlines()
    if done.returncode or not lines:
        return {"kind": f"exit {done.returncode}", "message": done.stderr[-500:], "seconds": None}
    return json.loads(lines[-1])
