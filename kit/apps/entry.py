"""A one-line box for fast entry: Enter adds what was typed, its length counted as it is typed.

Why not ipywidgets' `Text` with `on_submit`: the browser sends each keystroke's value as a state update,
held back while the kernel is busy, but the Enter (« submit ») as a message that is not: in a busy room
the Enter overtook the last keystrokes, and a stake was added as « Des halls d'immeuble » instead of
« Des halls d'immeuble sûrs » (then the late keystrokes put the old title back in the emptied box).
Here Enter sends the whole text with it, the value is synced when the person leaves the box, and the
count (« 87 / 200 caractères », red past `max_length`) is drawn in the page, without the kernel.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import anywidget
import traitlets as t

STATIC = Path(__file__).resolve().parent / "static"


class EntryBox(anywidget.AnyWidget):
    _esm = STATIC / "entry.js"
    _css = STATIC / "entry.css"
    value = t.Unicode("", help="the text, synced when the person leaves the box or presses Enter").tag(sync=True)
    placeholder = t.Unicode("").tag(sync=True)
    max_length = t.Int(200, help="the most characters the model keeps: the count turns red past it").tag(sync=True)
    width = t.Unicode("420px").tag(sync=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._submitted: list[Callable[[], None]] = []
        self.on_msg(self._received)

    def on_submit(self, callback: Callable[[], None]) -> None:
        """`callback()` when the person presses Enter, `value` then holding the whole text typed."""
        self._submitted.append(callback)

    def submit(self, text: str) -> None:
        """What happens when the person presses Enter in the box (the tests call it as the browser does)."""
        self.value = text
        for callback in self._submitted:
            callback()

    def focus(self) -> None:
        """Put the cursor in the box (after an entry, for the next one)."""
        self.send({"kind": "focus"})

    def _received(self, _, message, buffers) -> None:
        if isinstance(message, dict) and message.get("kind") == "submit" and isinstance(message.get("value"), str):
            self.submit(message["value"])
