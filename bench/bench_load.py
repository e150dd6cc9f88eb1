"""Benchmark 1 of bench/run.py: time to first interactive widget, each app against the bare notebook.

`--only load` measures the home app; `enjeux`, `projet`, `action`, `suivi`, `candidature` the session-1,
-2, -3, follow-up and application apps, in the same loop and servers (one cold, one preheated). With a
chart app, also bare + plotly.js, where the load goes in the browser, and the kernel side of the app
(imports, building its widgets, their size). Targets: app/bare <= LOAD_RATIO_MAX. See bench/README.md.
Run: python bench/bench_load.py [options of bench/run.py].
"""

from __future__ import annotations

import collections
import json
import subprocess
import sys
import time
from dataclasses import dataclass, field

from kit.serve import HOME_APP
from kit.store import Store

from common import (ACTION, APP_NAMES, APP_TITLES, BARE, CANDIDATURE, CHART_APPS, COHORT_SIZES, ENJEUX, NETWORK_TAB,
                    PLOTLY_BARE, PROJET, REGARDS_3, REGARDS_50, SUIVI, TIMEOUT_MS, notebook_of, WAIT_COUNT, Scratch, Voila, browser_page, counting_widgets,
                    import_seconds, kernel_first_output, line, median, ms, open_app, page_watch, ratio, record,
                    report_pages, target, widget_tree)

LOAD_RATIO_MAX = {HOME_APP: 1.3, ENJEUX: 1.5, PROJET: 1.5, ACTION: 1.5, SUIVI: 1.5, CANDIDATURE: 1.5,
                  REGARDS_3: 1.5, REGARDS_50: 1.5}  # app load / bare notebook load
# The app class each chart app's notebook builds (kernel-side breakdown of its load).
APP_CLASSES = {ENJEUX: ("kit.apps.enjeux", "StakesApp"), PROJET: ("kit.apps.projet", "ProjectApp")}

PHASES = """() => {
  const n = performance.getEntriesByType('navigation')[0];
  const kernel = (window.__benchSockets || []).find(([url]) => url.includes('/channels'));
  return [...(n ? [n.responseStart, n.responseEnd, n.domContentLoadedEventEnd] : [0, 0, 0]),
          ...(kernel ? kernel.slice(1) : [0, 0, 0, 0, 0]), window.__benchPlotly || 0];
}"""


@dataclass
class Loads:
    total: list[float] = field(default_factory=list)
    first_byte: list[float] = field(default_factory=list)  # browser navigation timing, seconds
    html_end: list[float] = field(default_factory=list)  # Voilà streams cells: ends when the notebook ran
    dom_loaded: list[float] = field(default_factory=list)
    kernel_socket: list[float] = field(default_factory=list)  # the page's kernel connection is open
    states: list[float] = field(default_factory=list)  # its largest message (the widget states) has arrived
    plotly: list[float] = field(default_factory=list)  # plotly.js evaluated (pages with charts), maybe after ready
    socket_bytes: list[float] = field(default_factory=list)  # received on it until ready (widget states...)
    first_chart: list[float] = field(default_factory=list)  # session-2 app: a chart drawn (tab 1's, on screen)
    network_map: list[float] = field(default_factory=list)  # its network map's points, tab 3 opened after that

    def add(self, total: float, phases: list[float], charts: tuple[float, float] | None = None) -> None:
        first_byte, html_end, dom_loaded, socket_open, received, _messages, _largest, largest_at, plotly = phases
        self.total.append(total)
        if charts:
            self.first_chart.append(charts[0] / 1000)
            self.network_map.append(charts[1] / 1000)
        for values, milliseconds in ((self.first_byte, first_byte), (self.html_end, html_end),
                                     (self.dom_loaded, dom_loaded), (self.kernel_socket, socket_open),
                                     (self.states, largest_at), (self.plotly, plotly)):
            if milliseconds > 0:
                values.append(milliseconds / 1000)
        if socket_open > 0:
            self.socket_bytes.append(received)


def run(playwright, server: Voila, scratch: Scratch, runs: int, mode: str, apps: tuple[str, ...]) -> None:
    """Each app in `apps` against the bare notebook, all interleaved in one loop on one server."""
    # With an app that has charts, bare + plotly.js too: how much plotly.js costs a page (no target).
    notebooks = (BARE, *apps, *((PLOTLY_BARE,) if set(apps) & set(CHART_APPS) else ()))
    query = {nb: f"espace={scratch.demo_id}" for nb in apps}  # the realistic case: the app renders a workspace
    query.update({nb: f"cohorte={scratch.cohort_id(COHORT_SIZES[nb])}" for nb in apps if nb in COHORT_SIZES})
    results = {nb: Loads() for nb in notebooks}
    watch = page_watch()
    # One unmeasured load of each first: the first request of a server compiles the templates and
    # reads the JavaScript bundles from disk, a cost that would fall on whichever notebook comes first.
    for i in range(-1, runs):
        for nb in notebooks:
            server.settle()
            charts = None
            with browser_page(playwright, scratch, watch) as page:
                seconds = open_app(page, server, notebook_of(nb), query.get(nb, ""))
                if nb == PROJET:
                    charts = first_charts(page)
                if nb in (*CHART_APPS, PLOTLY_BARE):  # not timed: when plotly.js is evaluated, even after ready
                    page.wait_for_function("() => window.__benchPlotly", timeout=TIMEOUT_MS)
                phases = page.evaluate(PHASES)
            server.used(notebook_of(nb))
            if i >= 0:
                results[nb].add(seconds, phases, charts)
    print("  from page.goto to .kit-ready visible, fresh browser profile each time:")
    for nb in notebooks:
        print(line(f"{mode} {APP_NAMES[nb]}{' ?' + query[nb].split('=')[0] + '=demo' if nb in query else ''}",
                   results[nb].total))
    if PLOTLY_BARE in notebooks:
        print("  (plotly: the bare notebook plus the widget carrying plotly.js, as in the apps with charts)")
    print("  where the time goes (medians since navigation start; the HTML ends when Voilà has run the notebook;")
    print("  ws open: the kernel websocket; states in: its largest message, the widget states, has arrived;")
    print("  plotly.js: evaluated, after ready if later; received: through the websocket until ready):")
    print(f"    {'':<6} {'first byte':>10} {'HTML end':>10} {'DOM loaded':>10} {'ws open':>10} {'states in':>10}"
          f" {'plotly.js':>10} {'ready':>10} {'received':>10}")
    for nb in notebooks:
        loads = results[nb]
        cells = (loads.first_byte, loads.html_end, loads.dom_loaded, loads.kernel_socket, loads.states,
                 loads.plotly, loads.total)
        print(f"    {APP_NAMES[nb]:<6} " + " ".join(f"{ms(median(v)) if v else '-':>10}" for v in cells) +
              f" {median(loads.socket_bytes) / 1e6:>7.2f} MB")
    if PROJET in notebooks:
        print("  session-2 app's charts (sent once the page is on screen; since navigation start; no target):")
        print(line("first chart drawn (tab 1, any .main-svg)", results[PROJET].first_chart))
        print(line("network map drawn, tab 3 opened after that", results[PROJET].network_map))
    report_pages(watch)
    for nb in notebooks[1:]:
        print(f"  ratio {APP_NAMES[nb]}/bare: {ratio(results[nb].total, results[BARE].total):.2f}")
    for nb in apps:
        r, limit = ratio(results[nb].total, results[BARE].total), LOAD_RATIO_MAX[nb]
        record(f"load {mode}: {APP_NAMES[nb]}/bare = {r:.2f} (target <= {limit}) {target(r <= limit)}")


def first_charts(page) -> tuple[float, float]:
    """Session-2 app, once ready: when its first chart is drawn (the objective tree, in the tab shown
    at load), then, tab 3 opened at once after it, when the network map's points are on screen.
    Milliseconds since navigation start."""
    first = page.evaluate(WAIT_COUNT, [".kit-chart .main-svg", 1])
    page.get_by_role("tab", name=NETWORK_TAB).click()
    network = page.evaluate(WAIT_COUNT, [".kit-network-map .scatterlayer .point", 1])
    return first, network


def app_kernel_side(scratch: Scratch, runs: int, notebook: str) -> None:
    """Where a chart app's load goes on the kernel side: imports, building the widgets, their size.

    Measured without a browser: a fresh interpreter for the import, a real cold kernel (as a cold
    Voilà starts it) for start -> first display, and in this process for the build alone."""
    import importlib

    module_name, class_name = APP_CLASSES[notebook]
    env = scratch.env(f"{APP_NAMES[notebook]}-kernel")
    imports = {"ipywidgets": [], module_name: []}
    kernel_env = {**env, "QUERY_STRING": f"espace={scratch.demo_id}"}
    ready = {BARE: [], notebook: []}
    output = {BARE: [], notebook: []}
    for _ in range(runs):
        for module, values in imports.items():
            values.append(import_seconds(module, env))
        for nb in (BARE, notebook):
            r, o, _ = kernel_first_output(nb, kernel_env)
            ready[nb].append(r)
            output[nb].append(o)
    print(f"  kernel side of the {APP_TITLES[notebook]} (no browser):")
    first_builds = [first_build_seconds(scratch, env, notebook) for _ in range(runs)]
    for module, values in imports.items():
        print(line(f"import {module} (fresh interpreter)", values))
    print(line(f"first {class_name}(demo) build, imports done", first_builds))
    for nb in (BARE, notebook):
        print(line(f"real kernel {APP_NAMES[nb]}: start -> ready", ready[nb]))
        print(line(f"real kernel {APP_NAMES[nb]}: run cell -> displayed", output[nb]))

    from kit.apps.plot import plotly_library

    app_class = getattr(importlib.import_module(module_name), class_name)
    app_class(Store(scratch.espaces), scratch.demo_id)  # first build: lazy imports, caches
    builds = []
    for _ in range(runs):
        with counting_widgets() as count:
            start = time.perf_counter()
            app = app_class(Store(scratch.espaces), scratch.demo_id)
            builds.append(time.perf_counter() - start)
    print(line(f"{class_name}(demo) build, imports done", builds))
    states = sorted(((len(json.dumps(widget.get_state(), default=str)), type(widget).__name__)
                     for widget in widget_tree(app.root)), reverse=True)
    library = len(plotly_library().source)
    total = sum(size for size, _ in states)
    print(f"    it creates {count.created} widgets (plus the PlotlyLibrary, made once per kernel); the "
          f"{len(states)} of its tree have states (JSON) of {total / 1e6:.2f} MB in all, plotly.js alone "
          f"{library / 1e6:.2f} MB")
    print("    largest states: " + ", ".join(f"{name} {size / 1e3:,.0f} kB" for size, name in states[:5]))
    kinds = collections.Counter(name for _, name in states).most_common(6)
    print("    widgets by type: " + ", ".join(f"{name} {n}" for name, n in kinds))


# What a kernel does once its imports are done (a fresh interpreter: nothing read or cached yet).
FIRST_BUILD = """import time, sys
from {module} import {name}
from kit.store import Store
t = time.perf_counter(); {name}(Store(sys.argv[1]), sys.argv[2]); print(time.perf_counter() - t)"""


def first_build_seconds(scratch: Scratch, env: dict[str, str], notebook: str) -> float:
    module, name = APP_CLASSES[notebook]
    out = subprocess.run([sys.executable, "-c", FIRST_BUILD.format(module=module, name=name), str(scratch.espaces),
                          scratch.demo_id], env=env, capture_output=True, text=True, check=True, timeout=120)
    return float(out.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    from run import main

    sys.exit(main(["--only", "load", *sys.argv[1:]]))
