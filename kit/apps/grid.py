"""An editable grid for workshops: one widget, typed cell by cell with the keyboard.

Used for the MICMAC matrix (20 x 20 filled row by row), indicator values and the positioning matrix.
Why a small anywidget rather than hundreds of Text widgets: one model instead of 400 keeps the page
fast, arrow keys and Enter move between cells like a spreadsheet, and the JavaScript travels with
the kernel (no CDN, works offline). Labels are written with `textContent`: user text is never HTML.

Every edit is sent to Python as a message `{"kind": "edit", "row", "col", "value"}`; the app validates and saves
it, then confirms by updating `values` or refuses by setting `errors[key]` (shown in red, with the
French reason on hover).

A block copied from a spreadsheet (tab-separated lines) and pasted in a cell is sent as one message
`{"kind": "paste", "row", "col", "block": [[text, ...], ...]}` from that cell: `apply_paste` places it on the
grid (its disabled cells skipped) and hands the app every cell at once (`on_paste`), which saves them all in
one go or refuses naming the cells (`CellErrors`): they turn red, nothing is saved.

`unrated`: a cell left empty is « not yet rated » (a pale background, a dot), not a 0; a cell whose text is
`zero_text` is shown muted, so a rated 0 reads differently from a cell nobody rated.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import anywidget
import traitlets as t

from kit.errors import KitError

log = logging.getLogger("kit.apps")
STATIC = Path(__file__).resolve().parent / "static"  # the widget's JavaScript and CSS, read by anywidget


class CellErrors(KitError):
    """A paste refused: `cells` gives the French reason of each refused cell ('row|col' -> reason)."""

    def __init__(self, message: str, cells: dict[str, str], details: list[str] | None = None):
        super().__init__(message, details=details)
        self.cells = cells


MAX_PASTED_CELLS = 10_000  # a 100 x 100 block: more is not a grid of this kit


class Grid(anywidget.AnyWidget):
    _esm = STATIC / "grid.js"
    _css = STATIC / "grid.css"
    rows = t.List(t.Dict(), help="[{id, label}] in display order").tag(sync=True)
    columns = t.List(t.Dict(), help="[{id, label}] in display order").tag(sync=True)
    values = t.Dict(help="cell text by 'row|col'").tag(sync=True)
    errors = t.Dict(help="French reason by 'row|col' for refused cells").tag(sync=True)
    disabled_cells = t.List(t.Unicode(), help="'row|col' keys that cannot be edited").tag(sync=True)
    choices = t.List(t.Unicode(), help="allowed values (case-insensitive); empty: any text").tag(sync=True)
    choice_error = t.Unicode("« {value} » n'est pas une valeur possible").tag(sync=True)
    cell_hint = t.Unicode("{row} → {col}", help="tooltip of a cell").tag(sync=True)
    corner = t.Unicode("").tag(sync=True)
    short_headers = t.Bool(False, help="number the columns (wide matrices)").tag(sync=True)
    unrated = t.Bool(False, help="mark empty cells as not yet rated (a matrix to fill whole)").tag(sync=True)
    pasting = t.Bool(False, help="a block pasted from a spreadsheet goes to Python whole (`on_paste`)").tag(sync=True)
    zero_text = t.Unicode("", help="a cell holding this text is a rating of nothing: shown muted").tag(sync=True)

    def on_edit(self, handler: Callable[[str, str, str], str | None], on_error: Callable[[KitError], None]):
        """Call `handler(row, col, value)` for each edit; it returns the text to show (or None to keep
        what was typed) and raises `KitError` to refuse: the cell turns red and `on_error` is told."""
        self._edit_handler, self._edit_error = handler, on_error
        self._listen()

    def on_paste(self, handler: Callable[[list[tuple[str, str, str]]], dict[str, str]]):
        """Call `handler([(row, col, text), ...])` for a block pasted from a spreadsheet; it saves them all and
        returns the text to show by 'row|col', or raises `KitError` (`CellErrors` to name the cells refused), which
        goes to `on_edit`'s `on_error` (call `on_edit` first)."""
        self._paste_handler = handler
        self.pasting = True
        self._listen()

    def _listen(self) -> None:
        if getattr(self, "_listening", False):
            return

        def received(_, message, buffers):
            if not isinstance(message, dict):
                return
            if message.get("kind") == "edit":
                self.apply_edit(message["row"], message["col"], message["value"])
            elif message.get("kind") == "paste":
                self.apply_paste(message["row"], message["col"], message.get("block") or [])

        self._listening = True
        self.on_msg(received)

    def label(self, key: str) -> str:
        """A cell as a message names it: ligne « row », colonne « column » (labels shortened)."""
        from kit.text import shorten

        row, _, col = key.partition("|")
        rows, cols = ({r["id"]: r["label"] for r in items} for items in (self.rows, self.columns))
        return f"ligne « {shorten(rows.get(row, row), 50)} », colonne « {shorten(cols.get(col, col), 50)} »"

    def place_block(self, row: str, col: str, block: list[list[str]]) -> list[tuple[str, str, str]]:
        """The cells a block pasted at (`row`, `col`) covers, its disabled cells left out; refuses a block
        that goes past the grid's edge, or is no block of text."""
        row_ids, col_ids = [r["id"] for r in self.rows], [c["id"] for c in self.columns]
        if row not in row_ids or col not in col_ids or not isinstance(block, list) or not all(
                isinstance(line, list) and all(isinstance(text, str) for text in line) for line in block):
            raise KitError("Ce collage n'a pas pu être lu ; rien n'a été modifié.")
        width = max((len(line) for line in block), default=0)
        if len(block) * width > MAX_PASTED_CELLS:
            raise KitError(f"Le bloc collé compte plus de {MAX_PASTED_CELLS} cases : collez-le en plusieurs fois.")
        i0, j0 = row_ids.index(row), col_ids.index(col)
        if i0 + len(block) > len(row_ids) or j0 + width > len(col_ids):
            raise KitError(
                f"Le bloc collé ({len(block)} ligne(s) sur {width} colonne(s)) dépasse le tableau à partir de la "
                f"case {self.label(f'{row}|{col}')} : il reste {len(row_ids) - i0} ligne(s) et {len(col_ids) - j0} "
                "colonne(s). Rien n'a été enregistré ; collez-le depuis la bonne case.")
        disabled = set(self.disabled_cells)
        return [(row_ids[i0 + i], col_ids[j0 + j], text.strip()) for i, line in enumerate(block)
                for j, text in enumerate(line) if f"{row_ids[i0 + i]}|{col_ids[j0 + j]}" not in disabled]

    def apply_paste(self, row: str, col: str, block: list[list[str]]) -> None:
        """What happens when a person pastes a spreadsheet block at a cell (the tests call it as the browser does)."""
        try:
            cells = self.place_block(row, col, block)
            shown = self._paste_handler(cells)
        except CellErrors as error:
            self.errors = {**self.errors, **error.cells}
            self._edit_error(error)
            return
        except KitError as error:
            self._edit_error(error)
            return
        except Exception:  # noqa: BLE001 - never a silent failure nor a traceback in the room
            log.exception("Erreur en enregistrant un collage")
            self._edit_error(KitError("Ce collage n'a pas pu être enregistré ; rien n'a été modifié. Réessayez."))
            return
        keys = {f"{r}|{c}" for r, c, _ in cells}
        self.errors = {k: v for k, v in self.errors.items() if k not in keys}
        self.values = {**self.values, **shown}

    def apply_edit(self, row: str, col: str, value: str) -> None:
        """What happens when a person types `value` in a cell (the tests call it as the browser does)."""
        cell = f"{row}|{col}"
        try:
            shown = self._edit_handler(row, col, value)
        except KitError as error:
            self.errors = {**self.errors, cell: error.message}
            self._edit_error(error)
            return
        except Exception:  # noqa: BLE001 - never a silent failure nor a traceback in the room
            log.exception("Erreur en enregistrant une case")
            self.errors = {**self.errors, cell: "non enregistré"}
            self._edit_error(KitError("Cette valeur n'a pas pu être enregistrée ; rien n'a été modifié. Réessayez."))
            return
        self.errors = {k: v for k, v in self.errors.items() if k != cell}
        self.values = {**self.values, cell: value if shown is None else shown}


def pasted_refusal(grid: Grid, refused: dict[str, str]) -> CellErrors:
    """The refusal of a pasted block, naming each cell refused (the first ten) and why; nothing is saved."""
    listed = [f"{grid.label(key)} : {reason}" for key, reason in list(refused.items())[:10]]
    more = [f"… et {len(refused) - 10} autre(s)."] if len(refused) > 10 else []
    return CellErrors(f"{len(refused)} case(s) du bloc collé refusée(s), en rouge ; rien n'a été enregistré. "
                      "Corrigez-les (dans le tableur ou ici) puis collez à nouveau.", refused, details=listed + more)
