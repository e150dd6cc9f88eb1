"""Modules imported on first use: an app's kernel pays for plotly only when it draws a chart.

plotly.graph_objects takes about a third of a second to import; the apps show their forms first
and their charts a moment later, so the import belongs to that later moment.
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
