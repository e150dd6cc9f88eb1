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

import anywidget
import traitlets as t

from kit.errors import KitError

log = logging.getLogger("kit.apps")

_ESM = r"""
function render({ model, el }) {
  const table = document.createElement("table");
  table.className = "kit-grid-table";
  el.classList.add("kit-grid");
  el.appendChild(table);
  const key = (r, c) => r + "|" + c;
  let inputs = [];

  // The table is rebuilt only when its shape changes; saved values and errors are painted into the
  // existing inputs, so a cell being typed in is never replaced under the user's fingers.
  function build() {
    const rows = model.get("rows"), cols = model.get("columns");
    const disabled = new Set(model.get("disabled_cells"));
    const short = model.get("short_headers");
    table.replaceChildren();
    inputs = [];
    const head = table.insertRow();
    const corner = document.createElement("th");
    corner.textContent = model.get("corner");
    head.appendChild(corner);
    cols.forEach((c, j) => {
      const th = document.createElement("th");
      th.textContent = short ? String(j + 1) : c.label;
      th.title = c.label;
      th.className = "kit-grid-col";
      head.appendChild(th);
    });
    rows.forEach((r, i) => {
      const tr = table.insertRow();
      const th = document.createElement("th");
      th.textContent = (short ? (i + 1) + ". " : "") + r.label;
      th.title = r.label;
      th.className = "kit-grid-row";
      tr.appendChild(th);
      cols.forEach((c, j) => {
        const input = document.createElement("input");
        input.dataset.r = r.id; input.dataset.c = c.id;
        input.dataset.key = key(r.id, c.id);
        input.dataset.hint = model.get("cell_hint").replace("{row}", r.label).replace("{col}", c.label);
        input.disabled = disabled.has(input.dataset.key);
        input.addEventListener("change", () => send(input));
        input.addEventListener("keydown", (e) => move(e, i, j));
        tr.insertCell().appendChild(input);
        inputs.push(input);
      });
    });
    paint(true);
  }

  function paint(all) {
    const values = model.get("values"), errors = model.get("errors");
    for (const input of inputs) {
      const k = input.dataset.key;
      if (all || input !== document.activeElement) input.value = input.dataset.sent = values[k] ?? "";
      input.title = errors[k] || input.dataset.hint;
      input.setAttribute("aria-label", input.title);
      input.className = "kit-grid-cell" + (errors[k] ? " kit-grid-error" : "");
    }
  }

  function send(input) {
    if (input.value === input.dataset.sent) return;  // Enter then blur must not send twice
    input.dataset.sent = input.value;
    const v = input.value.trim();
    const allowed = model.get("choices").map((x) => x.toUpperCase());
    if (allowed.length && v !== "" && !allowed.includes(v.toUpperCase())) {
      input.classList.add("kit-grid-error");
      input.title = model.get("choice_error").replace("{value}", v);
    }
    // A message per edit, not a synced trait: quick successive edits would be merged into the last.
    model.send({ kind: "edit", row: input.dataset.r, col: input.dataset.c, value: v });
  }

  function move(e, i, j) {
    const steps = { ArrowUp: [-1, 0], ArrowDown: [1, 0], Enter: [0, 1] };
    if (e.key === "ArrowLeft" && e.target.selectionStart === 0) steps.ArrowLeft = [0, -1];
    if (e.key === "ArrowRight" && e.target.selectionEnd === e.target.value.length) steps.ArrowRight = [0, 1];
    const step = steps[e.key];
    if (!step) return;
    e.preventDefault();
    send(e.target);  // also on the last cell, where no next cell takes the focus
    const nCols = model.get("columns").length;
    let index = (i + step[0]) * nCols + (j + step[1]);
    if (e.key === "Enter" && j + 1 >= nCols) index = (i + 1) * nCols;  // Enter wraps to the next row
    while (inputs[index] && inputs[index].disabled) index += step[0] ? step[0] * nCols : 1;
    if (inputs[index]) { inputs[index].focus(); inputs[index].select(); }
  }

  build();
  for (const name of ["rows", "columns", "disabled_cells"]) model.on("change:" + name, build);
  model.on("change:values", () => paint(false));
  model.on("change:errors", () => paint(false));
}
export default { render };
"""

_CSS = """
.kit-grid { overflow-x: auto; max-width: 1200px; }
.kit-grid-table { border-collapse: collapse; font-size: 16px; }
.kit-grid-table th { background: #eef3f0; padding: 4px 8px; border: 1px solid #b9c7bf; font-weight: 600; }
.kit-grid-table th.kit-grid-row { text-align: left; max-width: 320px; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }
.kit-grid-table td { border: 1px solid #b9c7bf; padding: 0; }
.kit-grid-cell { width: 46px; height: 32px; font-size: 17px; text-align: center; border: 0; background: #fff; }
.kit-grid-cell:focus { outline: 3px solid #1f5fa8; background: #fffbe0; }
.kit-grid-cell:disabled { background: #d9d9d9; }
.kit-grid-error { background: #fdd !important; color: #8a0000; }
"""


class Grid(anywidget.AnyWidget):
    _esm = t.Unicode(_ESM).tag(sync=True)
    _css = t.Unicode(_CSS).tag(sync=True)
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
