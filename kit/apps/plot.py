"""Plotly charts in the apps, with plotly.js sent to the page once.

plotly's own `FigureWidget` carries the whole plotly.js bundle (about 4.8 MB) in every widget: five
charts on a page meant some 24 MB through the websocket and five parses, long enough on a workshop
laptop for anywidget to give up initialising them (its 2 s limit). Here a single hidden `PlotlyLibrary`
widget per page carries plotly.js (from the installed plotly package: nothing from the internet), and
each `Chart` only syncs its figure as JSON, drawn with `Plotly.react`.
"""

from __future__ import annotations

import json

import anywidget
import traitlets as t

_LIBRARY_ESM = r"""
function render({ model, el }) {
  el.style.display = "none";
  if (window.__kitPlotly) return;
  window.__kitPlotly = new Promise((resolve, reject) => {
    const url = URL.createObjectURL(new Blob([model.get("source")], { type: "text/javascript" }));
    const script = document.createElement("script");
    script.src = url;
    script.onload = () => resolve(window.Plotly);
    script.onerror = reject;
    document.head.appendChild(script);
  });
}
export default { render };
"""

_CHART_ESM = r"""
async function plotly() {
  while (!window.__kitPlotly) await new Promise((r) => setTimeout(r, 30));
  return window.__kitPlotly;
}
async function render({ model, el }) {
  const box = document.createElement("div");
  box.className = "kit-chart";
  el.appendChild(box);
  const Plotly = await plotly();
  const config = { displaylogo: false, responsive: true,
                   modeBarButtonsToRemove: ["select2d", "lasso2d", "toImage"] };
  const draw = () => {
    const figure = model.get("figure");
    Plotly.react(box, figure.data || [], figure.layout || {}, config);
  };
  draw();
  model.on("change:figure", draw);
  return () => Plotly.purge(box);
}
export default { render };
"""


class PlotlyLibrary(anywidget.AnyWidget):
    _esm = t.Unicode(_LIBRARY_ESM).tag(sync=True)
    source = t.Unicode(help="plotly.js, from the installed plotly package").tag(sync=True)


class Chart(anywidget.AnyWidget):
    _esm = t.Unicode(_CHART_ESM).tag(sync=True)
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


_RENDERED_ESM = r"""
function render({ model, el }) {
  el.style.display = "none";
  model.send({ kind: "rendered" });
}
export default { render };
"""


class RenderedSignal(anywidget.AnyWidget):
    """Tells the kernel that the page is on screen: heavy content (charts) is sent after it, so the
    app is usable as soon as its forms are, and the charts follow a moment later."""

    _esm = t.Unicode(_RENDERED_ESM).tag(sync=True)

    def on_rendered(self, callback) -> None:
        fired = []

        def received(_, content, buffers):
            if isinstance(content, dict) and content.get("kind") == "rendered" and not fired:
                fired.append(True)
                callback()

        self.on_msg(received)
