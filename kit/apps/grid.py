"""An editable grid for workshops: one widget, typed cell by cell with the keyboard.

Used for the MICMAC matrix (20 x 20 filled row by row), indicator values and the positioning matrix.
Why a small anywidget rather than hundreds of Text widgets: one model instead of 400 keeps the page
fast, arrow keys and Enter move between cells like a spreadsheet, and the JavaScript travels with
the kernel (no CDN, works offline). Labels are written with `textContent`: user text is never HTML.

Every edit is sent to Python as a message `{"kind": "edit", "row", "col", "value"}`; the app validates and saves
it, then confirms by updating `values` or refuses by setting `errors[key]` (shown in red, with the
French reason on hover).
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

    def on_edit(self, handler: Callable[[str, str, str], str | None], on_error: Callable[[KitError], None]):
        """Call `handler(row, col, value)` for each edit; it returns the text to show (or None to keep
        what was typed) and raises `KitError` to refuse: the cell turns red and `on_error` is told."""

        def received(_, edit, buffers):
            if not isinstance(edit, dict) or edit.get("kind") != "edit":
                return
            self.apply_edit(edit["row"], edit["col"], edit["value"])

        self._edit_handler, self._edit_error = handler, on_error
        self.on_msg(received)

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
