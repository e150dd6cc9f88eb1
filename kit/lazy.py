"""Modules imported on first use: an app's kernel pays for plotly only when it draws a chart, and for
pandas only when it builds a table.

plotly.graph_objects takes about a third of a second to import; the apps show their forms first
and their charts a moment later, so the import belongs to that later moment. pandas (with numpy)
costs about as much: the home page and the glossary's words of a page need neither, so the modules
they import take pandas from here (`from kit.lazy import pandas as pd`) and the first table loads it;
networkx (about a fifth of a second) waits the same way for the first graph.
"""

import importlib


class LazyModule:
    def __init__(self, name: str):
        self._name = name
        self._module = None

    def __getattr__(self, attribute: str):
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attribute)


plotly_go = LazyModule("plotly.graph_objects")
networkx = LazyModule("networkx")
numpy = LazyModule("numpy")
pandas = LazyModule("pandas")


def preload() -> None:
    """Import every module above now: a preheated Voilà kernel calls this while it waits for its page's
    request, so that what the first screen would load on first use is already there when the request comes."""
    # Not plotly: the charts come after the first screen, and a pool's refill competes with the page being served.
    for module in (pandas, numpy, networkx):
        module.__getattr__("__name__")  # (no method of its own: `numpy.load` must stay numpy's)
