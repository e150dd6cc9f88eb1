"""The one HTML table of the kit: app screens, the in-app guide and the HTML deliverables.

Cells arrive as text already formatted by `kit.reports.formatting` (French numbers with no-break
spaces, dates as dd/mm/yyyy, "—" for a missing value), so a number reads the same on screen, in the
Word file and in the HTML file. Every cell is escaped here, once: user text is shown as typed, never
interpreted.

Why not pandas' Styler: it would format the numbers a second time, by other rules than the Word
renderer's, and adds an id and classes to every cell that the screens do not use.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from kit.lazy import pandas as pd  # imported on first table (see kit.lazy)
from kit.reports.formatting import MISSING, NumberFormat, format_table


def html_table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[bool] | None = None, *,
               caption: str = "", css_class: str = "") -> str:
    """Header and rows of text as an escaped ``<table>``; numeric columns carry ``class="num"``."""
    numeric = list(numeric) if numeric is not None else [False] * len(header)

    def cell(tag: str, text: object, is_number: bool) -> str:
        attrs = ' class="num"' if is_number else ""
        attrs += ' scope="col"' if tag == "th" else ""
        return f"<{tag}{attrs}>{escape(str(text), quote=False)}</{tag}>"

    head = "".join(cell("th", h, n) for h, n in zip(header, numeric))
    body = "".join("<tr>" + "".join(cell("td", v, n) for v, n in zip(row, numeric)) + "</tr>" for row in rows)
    classes = f' class="{escape(css_class.strip(), quote=True)}"' if css_class.strip() else ""
    caption_html = f"<caption>{escape(caption, quote=False)}</caption>" if caption else ""
    return f"<table{classes}>{caption_html}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def frame_html(frame: pd.DataFrame, *, css_class: str = "", missing: str = MISSING,
               number_format: NumberFormat = None, booleans: tuple[str, str] = ("oui", "non")) -> str:
    """A DataFrame as `html_table`, formatted by `format_table` (the Word renderer's rules)."""
    header, rows, numeric = format_table(frame, number_format, missing=missing, booleans=booleans)
    return html_table(header, rows, numeric, css_class=css_class)
