"""A deliverable as an ordered list of simple blocks, independent of its output format.

Session screens assemble a `Document` with the methods below; `render_html` and `render_docx` turn
it into files. Every string is cleaned when it is added (see `formatting.clean_text`) and is always
plain text: renderers escape it, nothing a participant types can become markup.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

import plotly.graph_objects as go

from kit.lazy import pandas as pd  # imported on first table (see kit.lazy)
from kit.reports.formatting import MISSING, NumberFormat, clean_text, format_table


@dataclass(frozen=True)
class Heading:
    text: str
    level: int
    anchor: str  # stable id for the HTML table of contents ("titre-3")


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    number: int
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]


@dataclass(frozen=True)
class Figure:
    number: int
    figure: go.Figure
    caption: str
    alt: str


@dataclass(frozen=True)
class Note:
    text: str
    kind: Literal["info", "warning"]
    label: str


@dataclass(frozen=True)
class Checklist:
    items: tuple[tuple[str, bool], ...]
    boxes: bool = False  # an item not done is an empty box to tick on paper, not a failed check


@dataclass(frozen=True)
class PageBreak:
    pass


@dataclass(frozen=True)
class Toc:
    pass


Block = Heading | Paragraph | Bullets | Table | Figure | Note | Checklist | PageBreak | Toc

NOTE_LABELS = {"info": "À noter", "warning": "Attention"}


@dataclass
class Document:
    """A deliverable: a title block, then blocks in the order the methods were called."""

    title: str
    subtitle: str = ""
    territory: str = ""
    date: dt.date | None = None
    blocks: list[Block] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self.title = clean_text(self.title).strip() or "Document sans titre"
        self.subtitle = clean_text(self.subtitle).strip()
        self.territory = clean_text(self.territory).strip()
        # Fixed now rather than at rendering, so the HTML and Word versions carry the same date.
        self.date = self.date or dt.date.today()

    # Each method returns the document so a screen may chain calls if it likes.

    def heading(self, text: str, level: int = 1) -> Document:
        """A heading; levels 1 to 3 are listed in the table of contents, level 4 (the smallest) is not."""
        if level not in (1, 2, 3, 4):
            raise ValueError(f"heading level must be 1 to 4, not {level!r}")
        anchor = f"titre-{sum(isinstance(b, Heading) for b in self.blocks) + 1}"
        return self._add(Heading(clean_text(text).strip(), level, anchor))

    def paragraph(self, text: str) -> Document:
        return self._add(Paragraph(clean_text(text)))

    def bullets(self, items: list[str]) -> Document:
        return self._add(Bullets(tuple(clean_text(item) for item in items)))

    def table(self, df: pd.DataFrame, caption: str = "", number_format: NumberFormat = None,
              missing: str = MISSING) -> Document:
        """A table; numbers in French (see `formatting.format_table` for `number_format`)."""
        header, rows, numeric = format_table(df, number_format, clean_text(missing))
        number = sum(isinstance(b, Table) for b in self.blocks) + 1
        return self._add(Table(number, clean_text(caption).strip(), tuple(header),
                               tuple(tuple(r) for r in rows), tuple(numeric)))

    def figure(self, fig: go.Figure, caption: str, alt: str = "") -> Document:
        """A plotly chart: interactive in HTML, a PNG image in Word. `alt` describes it for screen readers."""
        number = sum(isinstance(b, Figure) for b in self.blocks) + 1
        caption = clean_text(caption).strip()
        # A copy: the screen may keep editing its figure after the document is assembled.
        return self._add(Figure(number, go.Figure(fig), caption, clean_text(alt).strip() or caption))

    def note(self, text: str, kind: Literal["info", "warning"] = "info", label: str | None = None) -> Document:
        """A highlighted box; `label` defaults to "À noter" / "Attention" ("" for none)."""
        if kind not in NOTE_LABELS:
            raise ValueError(f"note kind must be 'info' or 'warning', not {kind!r}")
        label = NOTE_LABELS[kind] if label is None else clean_text(label).strip()
        return self._add(Note(clean_text(text), kind, label))

    def checklist(self, items: list[tuple[str, bool]], boxes: bool = False) -> Document:
        """Checks (✓ / ✗), or with `boxes` a list to tick by hand (☐)."""
        return self._add(Checklist(tuple((clean_text(text), bool(done)) for text, done in items), boxes))

    def page_break(self) -> Document:
        return self._add(PageBreak())

    def toc(self) -> Document:
        """The table of contents goes here; it lists every heading of the document, even later ones."""
        return self._add(Toc())

    def include(self, other: Document, *, shift: int = 1) -> Document:
        """Append another document's blocks as a part of this one: its headings one level deeper
        (level 4 stays 4), its tables and figures renumbered, its own table of contents dropped.
        How the complete project document reuses each session's deliverable."""
        for block in other.blocks:
            if isinstance(block, Toc):
                continue
            if isinstance(block, Heading):
                self.heading(block.text, min(block.level + shift, 4))
            elif isinstance(block, Table):
                number = sum(isinstance(b, Table) for b in self.blocks) + 1
                self._add(Table(number, block.caption, block.header, block.rows, block.numeric))
            elif isinstance(block, Figure):
                number = sum(isinstance(b, Figure) for b in self.blocks) + 1
                self._add(Figure(number, block.figure, block.caption, block.alt))
            else:
                self._add(block)
        return self

    @property
    def headings(self) -> list[Heading]:
        return [b for b in self.blocks if isinstance(b, Heading)]

    @property
    def contents(self) -> list[Heading]:
        """The headings the table of contents lists (levels 1 to 3)."""
        return [h for h in self.headings if h.level <= 3]

    def _add(self, block: Block) -> Document:
        self.blocks.append(block)
        return self
