"""The join address as a QR code (segno, pure Python): an SVG for the projected apps, text for a terminal."""

from __future__ import annotations

import io

import segno


def qr_code(url: str):
    return segno.make(url, error="m", micro=False)


def qr_svg(url: str, *, scale: int = 12, fit: bool = False) -> bytes:
    """A large, standalone SVG of the address (black on white, a quiet zone of 4 modules), for projection.
    `fit`: no size of its own (a viewBox only), so that a page scales it to its box instead of cropping it."""
    buffer = io.BytesIO()
    qr_code(url).save(buffer, kind="svg", scale=scale, border=4, xmldecl=False, title="Code QR de l'atelier",
                      desc=url, dark="#000", light="#fff", omitsize=fit)
    return buffer.getvalue()


def qr_text(url: str) -> str:
    """The QR code drawn with block characters, two modules a character line (a terminal shows it square)."""
    qr = qr_code(url)
    matrix = [list(row) for row in qr.matrix]
    border = 2
    width = len(matrix[0]) + 2 * border
    rows = [[0] * width for _ in range(border)] + [[0] * border + r + [0] * border for r in matrix] + \
        [[0] * width for _ in range(border + 1)]
    lines = []
    # light on dark terminals and the reverse alike: dark modules drawn as spaces on a light block background
    for top, bottom in zip(rows[0::2], rows[1::2]):
        lines.append("".join(" " if a and b else "▄" if a else "▀" if b else "█" for a, b in zip(top, bottom)))
    return "\n".join(lines)
