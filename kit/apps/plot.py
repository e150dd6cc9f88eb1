"""Plotly charts in the apps, with plotly.js sent to the page once.

plotly's own `FigureWidget` carries the whole plotly.js bundle (about 4.8 MB) in every widget: five
charts on a page meant some 24 MB through the websocket and five parses, long enough on a workshop
laptop for anywidget to give up initialising them (its 2 s limit). Here a single hidden `PlotlyLibrary`
widget per page carries plotly.js (from the installed plotly package: nothing from the internet), and
each `Chart` only syncs its figure as JSON, drawn with `Plotly.react`.
"""

from __future__ import annotations

import json
from pathlib import Path

import anywidget
import traitlets as t

# The widgets' JavaScript, as files an editor and a linter can read (anywidget reads a Path's contents).
STATIC = Path(__file__).resolve().parent / "static"


class PlotlyLibrary(anywidget.AnyWidget):
    _esm = STATIC / "plotly_library.js"
    source = t.Unicode(help="plotly.js, from the installed plotly package").tag(sync=True)


class Chart(anywidget.AnyWidget):
    _esm = STATIC / "chart.js"
    figure = t.Dict(help="the plotly figure as JSON (data and layout)").tag(sync=True)


_library: PlotlyLibrary | None = None


def plotly_library() -> PlotlyLibrary:
    """The page's plotly.js carrier (one per kernel, and each Voilà page has its own kernel)."""
    global _library
    if _library is None:
        from plotly.offline import get_plotlyjs

        _library = PlotlyLibrary(source=get_plotlyjs())
    return _library


def figure_json(figure) -> dict:
    """A plotly figure as plain JSON (numpy arrays and dates converted by plotly's own encoder)."""
    return json.loads(figure.to_json())


class RenderedSignal(anywidget.AnyWidget):
    """Tells the kernel that the page is on screen: heavy content (charts) is sent after it, so the
    app is usable as soon as its forms are, and the charts follow a moment later."""

    _esm = STATIC / "rendered_signal.js"

    def on_rendered(self, callback) -> None:
        fired = []

        def received(_, content, buffers):
            if isinstance(content, dict) and content.get("kind") == "rendered" and not fired:
                fired.append(True)
                callback()

        self.on_msg(received)
