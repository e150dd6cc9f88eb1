#!/usr/bin/env python
"""Performance benchmarks of the kit, each against a baseline measured in the same run.

    python bench/run.py                  # everything, default run counts (several minutes)
    python bench/run.py --quick          # fewer runs: a smoke test of the benchmark itself
    python bench/run.py --only store import
    python bench/run.py --only enjeux plane
    python bench/run.py --only projet actor
    python bench/run.py --only action suivi
    python bench/run.py --only candidature

1. load    time to first interactive widget in the browser: home app vs bare notebook (cold, preheated)
   enjeux  the same for the session-1 app (10_enjeux.ipynb), in the same loop, plus where its load goes
   projet  the same for the session-2 app (20_projet.ipynb), plus when its first charts are drawn
   action  the same for the session-3 app (30_action.ipynb)
   suivi   the same for the follow-up app (40_suivi.ipynb)
   candidature  the same for the application app (01_candidature.ipynb)
2. click   click that saves an edit in the home app vs a trivial round-trip click
3. store   Store.update / Store.load of a large workspace vs raw json + fsync I/O
4. import  kernel start to first output, import costs of the home app vs ipywidgets
5. plane   one MICMAC cell typed in the session-1 app until the plane is redrawn vs a trivial round trip
6. actor   an actor added in the session-2 app until the network map shows it vs a trivial round trip

The machine may be small and shared: every figure is a median (with min and max) and every target
that is not an absolute one is a ratio against a baseline measured in the same run, interleaved
with the measured case so that background noise hits both. Exit code 0 whether targets are met or
not (this is a measurement); 1 only if a benchmark could not run at all. See bench/README.md.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import psutil  # a dependency of ipykernel, so always there with the kit

from kit.demo import create_demo
from kit.serve import HOME_APP, REPO_ROOT, app_url, jupyter_env, voila_command
from kit.store import Store

BARE = "tests/e2e/notebooks/bare.ipynb"
ROUNDTRIP = "bench/notebooks/roundtrip.ipynb"
ENJEUX = "notebooks/10_enjeux.ipynb"  # the session-1 app
PROJET = "notebooks/20_projet.ipynb"  # the session-2 app
ACTION = "notebooks/30_action.ipynb"  # the session-3 app (no plotly chart)
SUIVI = "notebooks/40_suivi.ipynb"  # the follow-up app, phases 2 and 3 (no plotly chart)
CANDIDATURE = "notebooks/01_candidature.ipynb"  # the application note (no plotly chart)
CHART_APPS = (ENJEUX, PROJET)  # apps with plotly charts (plotly.js sent once the page is on screen)
PLOTLY_BARE = "bench/notebooks/plotly_bare.ipynb"  # bare + plotly.js: loaded with the chart apps, as a diagnosis
APP_NAMES = {BARE: "bare", HOME_APP: "home", ENJEUX: "enjeux", PROJET: "projet", ACTION: "action", SUIVI: "suivi",
             CANDIDATURE: "candidature", PLOTLY_BARE: "plotly"}
APP_TITLES = {HOME_APP: "home app", ENJEUX: "session-1 app", PROJET: "session-2 app", ACTION: "session-3 app",
              SUIVI: "follow-up app", CANDIDATURE: "application app"}
# The app class each chart app's notebook builds (kernel-side breakdown of its load).
APP_CLASSES = {ENJEUX: ("kit.apps.enjeux", "StakesApp"), PROJET: ("kit.apps.projet", "ProjectApp")}
NETWORK_TAB = "3. Réseau d'acteurs"
ACTORS_TAB = "2. Acteurs et groupe projet"
TIMEOUT_MS = 60_000  # a kernel start plus the home app's imports can take tens of seconds on 2 busy cores
SERVER_START_S = 90
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}

# Targets (see bench/README.md).
LOAD_RATIO_MAX = {HOME_APP: 1.3, ENJEUX: 1.5, PROJET: 1.5, ACTION: 1.5, SUIVI: 1.5, CANDIDATURE: 1.5}  # app load / bare notebook load
SAVE_CLICK_MAX_MS = 150
STORE_MAX_MS = 50
PLANE_EDIT_MAX_MS = 250
ACTOR_ADD_MAX_MS = 300

failures: list[str] = []  # benchmarks that could not run; the exit code is 1 if any
interrupted = False  # set by Ctrl+C / SIGTERM: stop everything, do not report failures


# ---------------------------------------------------------------------------------------------
# Statistics and printing
# ---------------------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.1 else f"{seconds * 1000:.1f} ms"


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def line(label: str, values: list[float]) -> str:
    if not values:
        return f"  {label:<44} no measurement"
    return (f"  {label:<44} median {ms(median(values)):>9}   "
            f"(min {ms(min(values))}, max {ms(max(values))}, n={len(values)})")


def ratio(values: list[float], baseline: list[float]) -> float:
    return median(values) / median(baseline) if values and baseline else float("nan")


def target(ok: bool) -> str:
    return "meets target" if ok else "MISSES TARGET"


def section(title: str) -> None:
    print(f"\n{'=' * 100}\n{title}\n{'=' * 100}", flush=True)


summary: list[str] = []  # one line per target, printed at the end


def record(text: str) -> None:
    print(f"  -> {text}", flush=True)
    summary.append(text)


# ---------------------------------------------------------------------------------------------
# Scratch environment shared by every benchmark
# ---------------------------------------------------------------------------------------------


@dataclass
class Scratch:
    root: Path
    espaces: Path  # $KIT_ESPACES of every kernel and of the store benchmark's demo
    demo_id: str
    matrix_id: str  # a second demo workspace whose MICMAC matrix is filled (benchmark 5)
    actors_id: str  # a third demo workspace, to which benchmark 6 adds actors

    def env(self, name: str) -> dict[str, str]:
        """The kit's Jupyter environment with a throwaway home (no state of the machine leaks in)."""
        env = jupyter_env()
        for var in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
            env.pop(var, None)  # they would bypass the fake HOME
        home, cache = self.root / name / "home", self.root / name / "cache"
        home.mkdir(parents=True, exist_ok=True)
        cache.mkdir(parents=True, exist_ok=True)
        env.update(HOME=str(home), XDG_CACHE_HOME=str(cache), KIT_ESPACES=str(self.espaces))
        return env


def make_scratch() -> Scratch:
    root = Path(tempfile.mkdtemp(prefix="kit-bench-"))
    espaces = root / "espaces"
    store = Store(espaces)
    demo = create_demo(store)
    matrix = store.update(create_demo(store).id, fill_matrix)
    return Scratch(root, espaces, demo.id, matrix.id, create_demo(store).id)


# Every off-diagonal cell of the demo's 4 x 4 matrix, row by row (0 leaves the cell empty).
MATRIX_VALUES = (1, 2, 0, 3, 0, 2, 1, 1, 0, 0, 2, 3)


def fill_matrix(ws) -> None:
    from kit.edits import set_influence

    pairs = [(a.id, b.id) for a in ws.stakes for b in ws.stakes if a.id != b.id]
    for (source, target_id), value in zip(pairs, MATRIX_VALUES * len(pairs)):
        set_influence(ws, source, target_id, value)


def kill_leftovers(root: Path) -> None:
    """Kill, by pid, the processes this run left behind if Voilà died without stopping its kernels.

    They are recognised by our scratch folder in their command line or their environment (every
    kernel inherits KIT_ESPACES=<scratch>/espaces); Voilà keeps connection files in /tmp/voila_*.
    """
    for proc in psutil.process_iter(["pid", "cmdline"]):
        if proc.pid == os.getpid():
            continue
        try:
            if str(root) in " ".join(proc.info["cmdline"] or ()) or \
                    proc.environ().get("KIT_ESPACES", "").startswith(str(root)):
                proc.kill()
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            pass


# ---------------------------------------------------------------------------------------------
# Voilà server
# ---------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Voila:
    process: subprocess.Popen
    base_url: str
    log: Path
    pools: dict[str, int] = field(default_factory=dict)  # notebook -> preheated pool size
    uses: dict[str, int] = field(default_factory=dict)  # notebook -> preheated kernels taken so far

    def url(self, notebook: str, query: str = "") -> str:
        return app_url(self.base_url, notebook, query)

    def used(self, notebook: str) -> None:
        if notebook in self.pools:
            self.uses[notebook] = self.uses.get(notebook, 0) + 1

    def fills(self, notebook: str) -> int:
        # Voilà logs this line each time a pool is (re)filled, i.e. when the kernel has started;
        # the notebook then runs up to wait_for_request(), which `settle` waits for (CPU quiet).
        return self.log.read_text(errors="replace").count(f"Kernel pool of {notebook} is filled")

    def settle(self, timeout: float = 180) -> None:
        """Wait until every pool is full again and Voilà and its kernels are idle.

        Why not a fixed sleep: on 2 shared cores refilling the home app's pool (kernel start and
        imports) takes from 3 to 20 s. A load started meanwhile would either find the pool empty (and
        measure a cold start) or compete for the CPU with the refill. So: wait for the "filled" log
        line of each pool, then for the whole process tree to stay nearly idle for a second (a
        preheated kernel blocked in wait_for_request() uses no CPU). Cold servers settle too:
        the previous page's kernel must be shut down, not still busy.
        """
        deadline = time.monotonic() + timeout
        for notebook, size in self.pools.items():
            while self.fills(notebook) < 1 + self.uses.get(notebook, 0) and size > 0:
                self.check_alive()
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the kernel pool of {notebook} did not refill in {timeout:.0f} s")
                time.sleep(0.2)
        wait_quiet(self.process.pid, deadline)

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            raise RuntimeError(f"Voilà stopped (code {self.process.returncode}):\n{tail(self.log)}")


def tail(path: Path, chars: int = 3000) -> str:
    return path.read_text(errors="replace")[-chars:] if path.exists() else ""


def tree_cpu(pid: int) -> float | None:
    """CPU seconds used so far by a process and its descendants; None if the set changed meanwhile."""
    try:
        parent = psutil.Process(pid)
        procs = [parent, *parent.children(recursive=True)]
        return sum(sum(p.cpu_times()[:2]) for p in procs)
    except psutil.NoSuchProcess:
        return None


def wait_quiet(pid: int, deadline: float, window: float = 1.0, max_share: float = 0.05) -> None:
    """Wait until the process tree of `pid` uses under 5 % of one core during `window` seconds."""
    before = tree_cpu(pid)
    while time.monotonic() < deadline:
        time.sleep(window)
        now = tree_cpu(pid)
        # A negative difference means a process ended during the window (its CPU time left the sum):
        # something was happening, so look again.
        if before is not None and now is not None and 0 <= now - before < max_share * window:
            return
        before = now
    raise RuntimeError("Voilà and its kernels did not become idle")


@contextlib.contextmanager
def voila_server(scratch: Scratch, name: str, *, preheat: bool, pools: dict[str, int]):
    """Standalone Voilà exactly as `python -m kit serve` builds it, stopped whatever happens."""
    port = free_port()
    pool_config = {"default": {"pool_size": 0}, **{nb: {"pool_size": n} for nb, n in pools.items()}}
    command = voila_command(port, open_browser=False, preheat=preheat, pools=pool_config)
    log = scratch.root / f"{name}.log"
    with log.open("wb") as out:
        # A session of its own: Ctrl+C in the terminal reaches this script only (Voilà would ask
        # "Shutdown this Voilà server (y/[n])?"); we stop Voilà with SIGTERM, which also stops its kernels.
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=scratch.env(name), stdout=out,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    server = Voila(process, f"http://127.0.0.1:{port}/", log, pools=dict(pools) if preheat else {})
    try:
        wait_listening(server, port)
        yield server
    finally:
        stop(process)


def wait_listening(server: Voila, port: int) -> None:
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        server.check_alive()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"Voilà does not answer after {SERVER_START_S} s:\n{tail(server.log)}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # lets Voilà shut its kernels down; SIGKILL would orphan them
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# ---------------------------------------------------------------------------------------------
# Browser
# ---------------------------------------------------------------------------------------------


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about", "file") or parts.hostname in LOCAL_HOSTS


@contextlib.contextmanager
def browser_page(playwright, scratch: Scratch, errors: list[str]):
    """A page in a fresh Chromium profile (nothing cached), offline like the e2e tests."""
    # In the scratch folder: a Chromium orphaned by a crash is found (and killed) by its path.
    profile = tempfile.mkdtemp(prefix="chromium-", dir=scratch.root)
    context = playwright.chromium.launch_persistent_context(
        profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
        viewport={"width": 1280, "height": 720})
    try:
        # Anything outside localhost is refused at once, as in a workshop room without internet
        # (a request waiting for a network timeout would distort the timings).
        context.route(lambda url: not is_local(url), lambda route: route.abort())
        context.add_init_script(SOCKET_PROBE)
        page = context.pages[0] if context.pages else context.new_page()
        page.on("pageerror", lambda error: errors.append(f"{error.name}: {error.message}"))
        yield page
    finally:
        for opened in context.pages:
            with contextlib.suppress(Exception):
                release_kernel(opened)
        with contextlib.suppress(Exception):
            context.close()
        shutil.rmtree(profile, ignore_errors=True)


# Records when the page's websockets open (the kernel's is the one ending in /channels), in the
# time base of the navigation timing, to split the browser's share of a load; how much each received
# (string length or byte length: O(1) per message, so it costs the page nothing measurable) and when
# its largest message arrived (the widget states, all in one reply in ipywidgets 8). Also when
# plotly.js, sent by the apps with charts as a widget, has been evaluated: its bundle ends by
# assigning `globalThis.Plotly`. While a benchmark sets `window.__benchWatch` ({marker, ...}), every
# message is counted and searched for the marker (and a "figure" key: a chart's new figure), to time
# when it arrives, before the page has processed it.
SOCKET_PROBE = """(() => {
  const Native = window.WebSocket;
  window.__benchSockets = [];
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      // url, open time, bytes received, messages received, largest message: size, arrival time
      const entry = [String(args[0]), 0, 0, 0, 0, 0];
      this.addEventListener('open', () => { entry[1] = performance.now(); window.__benchSockets.push(entry); });
      this.addEventListener('message', (e) => {
        const d = e.data;
        const size = typeof d === 'string' ? d.length : (d.byteLength ?? d.size ?? 0);
        entry[2] += size;
        entry[3] += 1;
        if (size > entry[4]) { entry[4] = size; entry[5] = performance.now(); }
        const watch = window.__benchWatch;
        if (watch && !watch.arrived) {
          watch.messages += 1;
          watch.bytes += size;
          const text = typeof d === 'string' ? d : (d instanceof ArrayBuffer ? new TextDecoder().decode(d) : '');
          if (text.includes(watch.marker) && text.includes('"figure"')) watch.arrived = performance.now();
        }
      });
    }
  };
  let plotly;
  Object.defineProperty(window, 'Plotly', { configurable: true, enumerable: true, get: () => plotly,
    set: (value) => { plotly = value; window.__benchPlotly = window.__benchPlotly || performance.now(); } });
})();"""


def release_kernel(page) -> None:
    """Shut the page's kernel down, as Voilà's page tries to when it is left.

    Voilà's beforeunload beacon gets "403 '_xsrf' argument missing from POST" here: the page has
    no _xsrf cookie to send (voila-dashboards/voila#1458). Without this, every measured load would
    leave a kernel alive (memory, CPU noise) until the culler stops it after 30 idle minutes.
    Tornado accepts any token that matches between the cookie and the form field.
    """
    config = page.evaluate("""() => {
      const e = document.getElementById('jupyter-config-data');
      return e ? JSON.parse(e.textContent) : null; }""")
    if not config or not config.get("kernelId"):
        return
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(page.url))
    token = secrets.token_hex(16)
    request = urllib.request.Request(
        f"{origin}{config.get('baseUrl', '/')}voila/api/shutdown/{config['kernelId']}",
        data=f"_xsrf={token}".encode(), headers={"Cookie": f"_xsrf={token}"}, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        if response.status != 204:
            print(f"  warning: kernel shutdown answered {response.status}")


def open_app(page, url: str) -> float:
    """Seconds from navigation to the first `.kit-ready` widget visible (the app is usable)."""
    start = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
    page.wait_for_selector(".kit-ready", state="visible", timeout=TIMEOUT_MS)
    return time.perf_counter() - start


# Resolves, at the next animation frame, with performance.now() (milliseconds since navigation start)
# once at least `count` elements match `css`: at once if they already do (the figure is then an upper
# bound), else at the first DOM mutation that makes it true. Used for the charts, which the apps send
# after the page is ready.
WAIT_COUNT = """async ([css, count]) => {
  const enough = () => document.querySelectorAll(css).length >= count;
  if (!enough()) await new Promise((resolve, reject) => {
    const timer = setTimeout(() => { observer.disconnect(); reject(new Error('timeout: ' + css)); }, 60000);
    const observer = new MutationObserver(() => {
      if (!enough()) return;
      observer.disconnect();
      clearTimeout(timer);
      resolve();
    });
    observer.observe(document.body, {childList: true, subtree: true});
  });
  return await new Promise((resolve) => requestAnimationFrame(() => resolve(performance.now())));
}"""

PHASES = """() => {
  const n = performance.getEntriesByType('navigation')[0];
  const kernel = (window.__benchSockets || []).find(([url]) => url.includes('/channels'));
  return [...(n ? [n.responseStart, n.responseEnd, n.domContentLoadedEventEnd] : [0, 0, 0]),
          ...(kernel ? kernel.slice(1) : [0, 0, 0, 0, 0]), window.__benchPlotly || 0];
}"""


# ---------------------------------------------------------------------------------------------
# 1. Time to first interactive widget
# ---------------------------------------------------------------------------------------------


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


def bench_load(playwright, server: Voila, scratch: Scratch, runs: int, mode: str, apps: tuple[str, ...]) -> None:
    """Each app in `apps` against the bare notebook, all interleaved in one loop on one server."""
    # With an app that has charts, bare + plotly.js too: how much plotly.js costs a page (no target).
    notebooks = (BARE, *apps, *((PLOTLY_BARE,) if set(apps) & set(CHART_APPS) else ()))
    query = {nb: f"espace={scratch.demo_id}" for nb in apps}  # the realistic case: the app renders a workspace
    results = {nb: Loads() for nb in notebooks}
    errors: list[str] = []
    # One unmeasured load of each first: the first request of a server compiles the templates and
    # reads the JavaScript bundles from disk, a cost that would fall on whichever notebook comes first.
    for i in range(-1, runs):
        for nb in notebooks:
            server.settle()
            charts = None
            with browser_page(playwright, scratch, errors) as page:
                seconds = open_app(page, server.url(nb, query.get(nb, "")))
                if nb == PROJET:
                    charts = first_charts(page)
                if nb in (*CHART_APPS, PLOTLY_BARE):  # not timed: when plotly.js is evaluated, even after ready
                    page.wait_for_function("() => window.__benchPlotly", timeout=TIMEOUT_MS)
                phases = page.evaluate(PHASES)
            server.used(nb)
            if i >= 0:
                results[nb].add(seconds, phases, charts)
    print("  from page.goto to .kit-ready visible, fresh browser profile each time:")
    for nb in notebooks:
        print(line(f"{mode} {APP_NAMES[nb]}{' ?espace=demo' if nb in query else ''}", results[nb].total))
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
    if errors:
        print(f"  JavaScript errors in the pages: {sorted(set(errors))}")
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


def widget_tree(root):
    """Every widget reachable from `root` through widget-valued traits (children, layout, style...)."""
    import ipywidgets

    seen, todo = {}, [root]
    while todo:
        widget = todo.pop()
        if widget.model_id in seen:
            continue
        seen[widget.model_id] = widget
        for name in widget.keys:
            value = getattr(widget, name, None)
            for item in value if isinstance(value, (list, tuple)) else (value,):
                if isinstance(item, ipywidgets.Widget):
                    todo.append(item)
    return list(seen.values())


# ---------------------------------------------------------------------------------------------
# 2. Click that saves an edit
# ---------------------------------------------------------------------------------------------

# Timed inside the page: from the click event to the first animation frame after the expected text
# is in a visible element (the frame that shows it). Playwright's own polling would add its
# round trips to the measure.
TIMED_CLICK = """async ([buttonCss, targetCss, text]) => {
  const button = document.querySelector(buttonCss);
  const shown = () => [...document.querySelectorAll(targetCss)]
      .some(e => e.offsetParent !== null && e.textContent.includes(text));
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(() => { observer.disconnect(); reject(new Error('timeout: ' + text)); }, 60000);
    const observer = new MutationObserver(() => {
      if (!shown()) return;
      observer.disconnect();
      clearTimeout(timer);
      requestAnimationFrame(() => resolve(performance.now() - start));
    });
    observer.observe(document.body, {childList: true, subtree: true, characterData: true});
    const start = performance.now();
    button.click();
  });
}"""


def bench_click(playwright, server: Voila, scratch: Scratch, clicks: int) -> None:
    errors: list[str] = []
    saves, roundtrips = [], []
    server.settle()
    with browser_page(playwright, scratch, errors) as home:
        open_app(home, server.url(HOME_APP, f"espace={scratch.demo_id}"))
        server.used(HOME_APP)
        trivial = home.context.new_page()
        open_app(trivial, server.url(ROUNDTRIP))
        server.settle()
        # Interleaved, first pair unmeasured (first call of each callback imports and warms caches).
        for i in range(-1, clicks):
            trivial.bring_to_front()  # animation frames only run in the page in front
            seconds = trivial.evaluate(TIMED_CLICK, ["button.kit-ready", ".bench-label", f"{i + 2} clics"]) / 1000
            if i >= 0:
                roundtrips.append(seconds)
            home.bring_to_front()
            seconds = save_click(home, scratch, i)
            if i >= 0:
                saves.append(seconds)
    print(line("trivial round trip (Label update)", roundtrips))
    print(line("add a neighbourhood (saved + shown)", saves))
    print(f"  ratio save/round trip: {ratio(saves, roundtrips):.1f}")
    if errors:
        print(f"  JavaScript errors in the pages: {sorted(set(errors))}")
    kernel_side_click(scratch)
    m = median(saves) * 1000
    record(f"save click: median {m:.0f} ms (target < {SAVE_CLICK_MAX_MS} ms) {target(m < SAVE_CLICK_MAX_MS)}")


def save_click(page, scratch: Scratch, i: int) -> float:
    name, code = f"Quartier banc {i + 2}", f"QN999{(i + 2) % 90 + 10:02d}B"
    page.fill(".kit-new-qpv-name input", name)
    page.fill(".kit-new-qpv-code input", code)
    # The typed values reach the kernel as messages of their own; let them arrive before the click
    # (which is a message too) so that only the save itself is timed.
    page.wait_for_timeout(300)
    try:
        seconds = page.evaluate(TIMED_CLICK, ["button.kit-add-qpv", ".kit-neighbourhood", name]) / 1000
        # The confirmation is sent after the new panel: wait for it, it names this neighbourhood.
        page.locator(".kit-messages", has_text=f"« {name} » ajouté et enregistré").wait_for(timeout=10_000)
    except Exception as error:  # noqa: BLE001 - say what the app showed instead
        raise RuntimeError(f"{name} was not added; the app says: {page.locator('.kit-messages').inner_text()!r}") from error
    saved = (scratch.espaces / f"{scratch.demo_id}.json").read_text(encoding="utf-8")
    if name not in saved or code not in saved:
        raise RuntimeError(f"{name} / {code} shown in the page but not in the file on disk")
    page.wait_for_timeout(300)  # the rest of the re-rendered panel (history...) settles before the next fill
    return seconds


@dataclass
class WidgetCount:
    created: int = 0
    growth: int = 0  # live widgets after minus before: those created and never closed


@contextlib.contextmanager
def counting_widgets():
    """Count the widgets created in the block, and how many more are alive after it.

    Each live widget is a model the browser holds too; widgets replaced but not closed stay in
    both until the page is closed."""
    import ipywidgets
    from ipywidgets.widgets.widget import _instances  # the registry of live widgets (private)

    count = WidgetCount()
    before = len(_instances)

    def constructed(_widget):
        count.created += 1

    ipywidgets.Widget.on_widget_constructed(constructed)
    try:
        yield count
    finally:
        ipywidgets.Widget._widget_construction_callback = None  # no public way to remove it
        count.growth = len(_instances) - before


def kernel_side_click(scratch: Scratch, runs: int = 10) -> None:
    """The same click handler without browser nor comms, to split kernel work from messaging and drawing."""
    from kit.apps.accueil import HomeApp

    store = Store(scratch.root / "click-espaces")
    demo = create_demo(store)
    app = HomeApp(store, demo.id)
    updates, handlers = [], []
    for i in range(runs):
        start = time.perf_counter()
        store.update(demo.id, lambda ws: setattr(ws, "name", f"Démonstration {i}"))
        updates.append(time.perf_counter() - start)
        # What the typed values do before the click (messages of their own): fill the form's fields.
        app.qpv_name.value, app.qpv_code.value = f"Quartier {i}", f"QN999{i + 10:02d}C"
        with counting_widgets() as count:
            start = time.perf_counter()
            app._add_neighbourhood()
            handlers.append(time.perf_counter() - start)
    print("  without browser (same handler, widgets without a frontend):")
    print(line("  Store.update of the demo workspace", updates))
    print(line("  whole handler (save + re-render)", handlers))
    if count.created == 0 and count.growth == 0:
        print("    each click creates no widget: the workspace panel is updated in place")
    else:
        print(f"    each click creates {count.created} widgets and closes {count.created - count.growth} of those "
              f"it replaces: {count.growth} more live widgets per click, kept by the kernel and the browser "
              "until the page is closed")


# ---------------------------------------------------------------------------------------------
# 5. MICMAC cell edit until the plane is redrawn
# ---------------------------------------------------------------------------------------------

# The points of the influence/dependence plane, as plotly draws them: one <path class="point"> per
# stake, placed by its `transform="translate(x,y)"`. Sorted, so that a point moving from one
# sector's trace to another's does not count as a change by itself.
PLANE_POINTS = """(css) => [...document.querySelectorAll(css + ' .scatterlayer .point')]
    .map((p) => p.getAttribute('transform')).sort().join(' ')"""

# Armed before Enter is pressed, timed inside the page: from the Enter keydown (capture phase, before
# the grid's own listener sends the edit) to the first animation frame after the plane's points are
# exactly where the new value puts them (`expected`, learnt from unmeasured edits). Waiting for the
# exact final positions rather than any change: plotly may touch the points more than once per redraw.
# With `expected` null (the learning edits), any change of the points ends the wait.
ARM_PLANE = """([css, expected]) => {
  const plane = document.querySelector(css);
  const points = () => [...plane.querySelectorAll('.scatterlayer .point')]
      .map((p) => p.getAttribute('transform')).sort().join(' ');
  const before = points();
  window.__benchPlane = new Promise((resolve, reject) => {
    let start = null;
    const onKey = (e) => { if (e.key === 'Enter' && start === null) start = performance.now(); };
    const done = () => { observer.disconnect(); clearTimeout(timer); window.removeEventListener('keydown', onKey, true); };
    const timer = setTimeout(() => { done(); reject(new Error('the plane was not redrawn: ' + points())); }, 60000);
    const observer = new MutationObserver(() => {
      const now = points();
      if (start === null || (expected === null ? now === before : now !== expected)) return;
      done();
      requestAnimationFrame(() => resolve(performance.now() - start));
    });
    window.addEventListener('keydown', onKey, true);
    observer.observe(plane, {subtree: true, childList: true, attributes: true, attributeFilter: ['transform']});
  });
}"""


def bench_plane(playwright, server: Voila, scratch: Scratch, edits: int) -> None:
    errors: list[str] = []
    store = Store(scratch.espaces)
    ws = store.load(scratch.matrix_id)
    source, target_id = ws.stakes[0].id, ws.stakes[1].id  # MATRIX_VALUES puts 1 there
    values = ("3", "1")  # toggled: each edit moves the points, and back
    plane_css = ".kit-micmac-plane"
    edit_times, roundtrips = [], []
    expected: dict[str, str] = {}
    server.settle()
    with browser_page(playwright, scratch, errors) as app:
        open_app(app, server.url(ENJEUX, f"espace={scratch.matrix_id}"))
        server.used(ENJEUX)
        app.get_by_role("tab", name="4. Analyse structurelle").click()
        app.wait_for_function(f"document.querySelectorAll('{plane_css} .scatterlayer .point').length === {len(ws.stakes)}",
                              timeout=TIMEOUT_MS)
        cell = app.locator(f".kit-micmac-grid input[data-r='{source}'][data-c='{target_id}']")
        trivial = app.context.new_page()
        open_app(trivial, server.url(ROUNDTRIP))
        server.settle()
        clicks = 0
        # Interleaved; the first two edits (one per value) are not measured: they learn where each
        # value puts the points, and warm the handler's caches, as the first click warms the round trip's.
        for i in range(-2, edits):
            trivial.bring_to_front()  # animation frames only run in the page in front
            clicks += 1
            seconds = trivial.evaluate(TIMED_CLICK, ["button.kit-ready", ".bench-label", f"{clicks} clics"]) / 1000
            if i >= 0:
                roundtrips.append(seconds)
            app.bring_to_front()
            value = values[i % 2]
            seconds = plane_edit(app, cell, plane_css, value, expected.get(value))
            server.settle()  # the kernel has saved and sent everything (tables, other charts)
            app.wait_for_timeout(300)  # and the browser has drawn it
            saved = {(c.source, c.target): c.value for c in store.load(scratch.matrix_id).influences}
            if saved.get((source, target_id)) != int(value):
                raise RuntimeError(f"the cell shows {value} but the file holds {saved.get((source, target_id))!r}")
            if i >= 0:
                edit_times.append(seconds)
                continue
            expected[value] = app.evaluate(PLANE_POINTS, plane_css)
            if i == -1 and expected[values[0]] == expected[values[1]]:
                raise RuntimeError("both values put the points at the same places: the edit would not be seen")
    print(f"  demo workspace, {len(ws.stakes)} stakes, {len(ws.influences)} filled cells; one cell toggled "
          f"between {values[0]} and {values[1]}; until the plane's points are at their new places:")
    print(line("trivial round trip (Label update)", roundtrips))
    print(line("cell edit -> plane redrawn", edit_times))
    print(f"  ratio edit/round trip: {ratio(edit_times, roundtrips):.1f}")
    if errors:
        print(f"  JavaScript errors in the pages: {sorted(set(errors))}")
    kernel_side_plane(scratch, values)
    m = median(edit_times) * 1000
    record(f"plane after a cell edit: median {m:.0f} ms (target < {PLANE_EDIT_MAX_MS} ms) "
           f"{target(m < PLANE_EDIT_MAX_MS)}")


def plane_edit(page, cell, plane_css: str, value: str, expected: str | None) -> float:
    cell.fill(value)  # focus, select, insert: an input event only, the grid sends on Enter (or change)
    page.evaluate(ARM_PLANE, [plane_css, expected])
    page.keyboard.press("Enter")
    return page.evaluate("() => window.__benchPlane") / 1000


def kernel_side_plane(scratch: Scratch, values: tuple[str, str], runs: int = 10) -> None:
    """The same edit without browser nor comms: save, MICMAC, three figures, tables."""
    from kit.apps.enjeux import StakesApp
    from kit.apps.grid import Grid

    store = Store(scratch.root / "plane-espaces")
    ws = store.update(create_demo(store).id, fill_matrix)
    # The same stakes as the browser's workspace: ids differ, so take them by position.
    source, target_id = ws.stakes[0].id, ws.stakes[1].id
    app = StakesApp(store, ws.id)
    app.draw_charts()  # as once the page is on screen: the charts exist only from then on
    tree = widget_tree(app.root)
    grid = next(x for x in tree if isinstance(x, Grid) and "kit-micmac-grid" in x._dom_classes)
    charts = {css: next(x for x in tree if css in getattr(x, "_dom_classes", ()))
              for css in ("kit-micmac-plane", "kit-micmac-moves", "kit-micmac-heatmap")}
    grid.apply_edit(source, target_id, values[0])  # warm-up
    updates, handlers = [], []
    for i in range(runs):
        value = values[(i + 1) % 2]
        updates.append(timed(lambda: store.update(ws.id, lambda w: setattr(w, "name", f"Démonstration {i}"))))
        handlers.append(timed(lambda: grid.apply_edit(source, target_id, value)))
    sizes = ", ".join(f"{css.removeprefix('kit-micmac-')} {len(json.dumps(c.figure)) / 1e3:.0f} kB"
                      for css, c in charts.items())
    print("  without browser (same edit handler, widgets without a frontend):")
    print(line("  Store.update of the workspace", updates))
    print(line("  whole handler (save + MICMAC + redraw)", handlers))
    print(f"    figures sent again at each edit (JSON): {sizes}")


# ---------------------------------------------------------------------------------------------
# 6. Actor added until the network map shows it
# ---------------------------------------------------------------------------------------------

# The points of the network map: one <path class="point"> per actor, plus one halfway along each
# relation (its arrow and hover text). An actor added without relations adds exactly one.
MAP_POINTS = ".kit-network-map .scatterlayer .point"

# The network figure's title, as it appears in the message that carries it ("Réseau" may be escaped).
MAP_MARKER = "seau des acteurs"

# Timed inside the page: from the click on « Ajouter l'acteur » to the first animation frame after the
# network map (in tab 3, hidden: the click is made in tab 2) has exactly `expected` points. Plotly
# updates the SVG of a chart in a hidden tab as it does a shown one (the figure has a fixed size, and
# the check after the last add, tab 3 shown again, confirms the count), so the DOM is the signal.
# Also returns when the message carrying the map's new figure arrived (SOCKET_PROBE's watch), and how
# many messages and bytes came through the websocket up to it (the kernel sends them in order, and
# the page processes them in order: those before it delay its drawing).
TIMED_ADD = """async ([buttonCss, pointsCss, expected, marker]) => {
  const count = () => document.querySelectorAll(pointsCss).length;
  const button = document.querySelector(buttonCss);
  const watch = window.__benchWatch = {marker, messages: 0, bytes: 0, arrived: 0};
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      observer.disconnect(); reject(new Error('the map did not get its point: ' + count() + ' points'));
    }, 60000);
    const observer = new MutationObserver(() => {
      if (count() !== expected) return;
      observer.disconnect();
      clearTimeout(timer);
      requestAnimationFrame(() => {
        window.__benchWatch = null;
        resolve([performance.now() - start, watch.arrived ? watch.arrived - start : -1, watch.messages, watch.bytes]);
      });
    });
    observer.observe(document.body, {childList: true, subtree: true});
    const start = performance.now();
    button.click();
  });
}"""


def bench_actor(playwright, server: Voila, scratch: Scratch, adds: int) -> None:
    errors: list[str] = []
    store = Store(scratch.espaces)
    start_actors = len(store.load(scratch.actors_id).actors)
    add_times, roundtrips = [], []
    arrivals, before_map = [], []  # the map's figure message in, since the click; (messages, bytes) up to it
    server.settle()
    with browser_page(playwright, scratch, errors) as app:
        open_app(app, server.url(PROJET, f"espace={scratch.actors_id}"))
        server.used(PROJET)
        # Tab 3 first, so that the map is drawn (and shown once) before the first add.
        app.get_by_role("tab", name=NETWORK_TAB).click()
        app.evaluate(WAIT_COUNT, [".kit-network-map .main-svg", 1])
        trivial = app.context.new_page()
        open_app(trivial, server.url(ROUNDTRIP))
        server.settle()
        app.bring_to_front()
        app.wait_for_timeout(300)
        first_points = app.locator(MAP_POINTS).count()
        if first_points < start_actors:
            raise RuntimeError(f"the network map shows {first_points} points for {start_actors} actors")
        app.get_by_role("tab", name=ACTORS_TAB).click()
        kinds = [k for k in app.eval_on_selector_all(".kit-actor-kind select option",
                                                     "os => os.map((o) => o.textContent)") if k.strip()]
        # Interleaved, first pair unmeasured (the first add warms the handler's caches).
        for i in range(-1, adds):
            trivial.bring_to_front()  # animation frames only run in the page in front
            seconds = trivial.evaluate(TIMED_CLICK, ["button.kit-ready", ".bench-label", f"{i + 2} clics"]) / 1000
            if i >= 0:
                roundtrips.append(seconds)
            app.bring_to_front()
            seconds, arrived, messages, received = actor_add(
                app, server, scratch, f"Acteur banc {i + 2}", kinds[(i + 1) % len(kinds)], first_points + i + 2)
            if i >= 0:
                add_times.append(seconds)
                if arrived >= 0:
                    arrivals.append(arrived)
                    before_map.append((messages, received))
        # The signal, checked: tab 3 shown again, its map has every added actor.
        app.get_by_role("tab", name=NETWORK_TAB).click()
        app.wait_for_timeout(500)
        shown = app.locator(MAP_POINTS).count()
        if shown != first_points + adds + 1:
            raise RuntimeError(f"tab 3 shown again, the map has {shown} points, not {first_points + adds + 1}")
    print(f"  demo workspace, {start_actors} actors at start; the network map (tab 3) is drawn first, then each")
    print(f"  actor is added in tab 2, until the hidden map has one more point ({first_points} at start, then "
          f"{shown} in tab 3 shown again):")
    print(line("trivial round trip (Label update)", roundtrips))
    print(line("add an actor -> map has its point", add_times))
    print(line("  of which: click -> map's figure message in", arrivals))
    if before_map:
        print(f"    the websocket brought {median([m for m, _ in before_map]):.0f} messages, "
              f"{median([b for _, b in before_map]) / 1e3:.0f} kB (medians) up to the map's figure, which the page "
              "processes in order before drawing it")
    print(f"  ratio add/round trip: {ratio(add_times, roundtrips):.1f}")
    if errors:
        print(f"  JavaScript errors in the pages: {sorted(set(errors))}")
    kernel_side_actor(scratch)
    m = median(add_times) * 1000
    record(f"actor added -> network map: median {m:.0f} ms (target < {ACTOR_ADD_MAX_MS} ms) "
           f"{target(m < ACTOR_ADD_MAX_MS)}")


def actor_add(page, server: Voila, scratch: Scratch, name: str, kind: str,
              expected: int) -> tuple[float, float, int, int]:
    """Seconds until the map has its point, seconds until the map's figure message arrived (-1 if not
    recognised), and the messages and bytes received up to that one."""
    field_ = page.locator(".kit-actor-name input")
    field_.fill(name)
    field_.press("Tab")
    page.locator(".kit-actor-kind select").select_option(label=kind)
    # The typed name and the chosen kind reach the kernel as messages of their own: let them arrive
    # before the click, so that only the save and the redraws are timed.
    page.wait_for_timeout(300)
    before = page.locator(MAP_POINTS).count()
    if before != expected - 1:
        raise RuntimeError(f"the map has {before} points before adding {name}, not {expected - 1}")
    try:
        drawn, arrived, messages, received = page.evaluate(
            TIMED_ADD, ["button.kit-add-actor", MAP_POINTS, expected, MAP_MARKER])
        page.locator(".kit-actor-list td", has_text=name).first.wait_for(timeout=10_000)
    except Exception as error:  # noqa: BLE001 - say what the app showed instead
        raise RuntimeError(f"{name} was not added; the app says: {page.locator('.kit-messages').inner_text()!r}") from error
    server.settle()  # the kernel has saved and sent everything (tables, the other charts)
    page.wait_for_timeout(300)  # and the browser has drawn it
    if name not in {a.name for a in Store(scratch.espaces).load(scratch.actors_id).actors}:
        raise RuntimeError(f"{name} shown in the page but not in the file on disk")
    return drawn / 1000, arrived / 1000 if arrived >= 0 else -1.0, messages, received


def kernel_side_actor(scratch: Scratch, runs: int = 10) -> None:
    """The same click handler without browser nor comms: save, then the app's redraws, each timed."""
    from kit.apps.projet import ProjectApp

    store = Store(scratch.root / "actor-espaces")
    demo = create_demo(store)
    app = ProjectApp(store, demo.id)
    app.draw_charts()  # as once the page is on screen: every chart exists, so a redraw computes its figure
    tree = widget_tree(app.root)

    def by_css(css):
        return next(x for x in tree if css in getattr(x, "_dom_classes", ()))

    name, kind, add = by_css("kit-actor-name"), by_css("kit-actor-kind"), by_css("kit-add-actor")
    kinds = [k for k in kind.options if k]
    # Each tab's redraw function, by the method that built it (`_network`...), timed at every call: a
    # save redraws every part, and a tab's redraw registered for several parts runs once for each.
    calls: dict[str, list[float]] = collections.defaultdict(list)

    def timing(redraw):
        key = redraw.__qualname__.split(".<locals>")[0].split(".")[-1]

        def timed_redraw(ws):
            start = time.perf_counter()
            redraw(ws)
            calls[key].append(time.perf_counter() - start)
        return timed_redraw

    app.refreshers = {part: [timing(r) for r in redraws] for part, redraws in app.refreshers.items()}
    network_view = next(view for view in app.views if view.css == "kit-network-map")
    map_set: list[float] = []  # when the network map's new figure is set (and so sent), since the click
    network_view.chart.observe(lambda _: map_set.append(time.perf_counter()), names="figure")
    updates, handlers, until_map = [], [], []
    per_add: dict[str, list[tuple[int, float]]] = collections.defaultdict(list)
    sent: dict[str, int] = {}
    for i in range(-1, runs):  # the first add warms caches, unmeasured
        update = timed(lambda: store.update(demo.id, lambda w: setattr(w, "name", f"Démonstration {i}")))
        name.value, kind.value = f"Acteur hors page {i + 2}", kinds[(i + 1) % len(kinds)]
        figures = {view.css: view.figure for view in app.views}
        calls.clear()
        map_set.clear()
        start = time.perf_counter()
        add.click()
        handler = time.perf_counter() - start
        if len(store.load(demo.id).actors) != len(demo.actors) + i + 2:
            raise RuntimeError(f"the handler did not add the actor: {app.messages.widget.value}")
        if i < 0:
            continue
        updates.append(update)
        handlers.append(handler)
        if map_set:
            until_map.append(map_set[0] - start)
        for key, times in calls.items():
            per_add[key].append((len(times), sum(times)))
        sent = {view.css: len(json.dumps(view.figure)) for view in app.views if view.figure is not figures[view.css]}
    print("  without browser (same handler, widgets without a frontend):")
    print(line("  Store.update of the workspace", updates))
    print(line("  whole handler (save + every part redrawn)", handlers))
    print(line("  click -> network map's new figure set", until_map))
    print("    redraws per add (calls, median total time), in the order of their first call:")
    for key, values in per_add.items():
        print(f"      {key:<14} {values[0][0]} x  {ms(median([t for _, t in values])):>9}")
    print("    figures sent again at each add (JSON): " +
          (", ".join(f"{css.removeprefix('kit-')} {size / 1e3:.0f} kB" for css, size in sent.items()) or "none"))


# ---------------------------------------------------------------------------------------------
# 3. Store save/load
# ---------------------------------------------------------------------------------------------


def big_workspace_fill(ws) -> None:
    """100 stakes, 200 actors, 400 relations, 150 actions with leads, partners and a DAG of dependencies."""
    from kit.model import Action, Actor, Neighbourhood, Relation, Stake

    rng = random.Random(42)  # the same document at every run
    quartiers = [Neighbourhood(name=f"Quartier {i}", qpv_code=f"QN999{i + 10:02d}A") for i in range(10)]
    ws.neighbourhoods = quartiers
    ws.stakes = [Stake(title=f"Enjeu {i}", statement="Un énoncé d'enjeu de quelques phrases. " * 4,
                       theme=rng.choice(["Chaleur", "Énergie", "Alimentation", "Nature en ville"]),
                       neighbourhood_ids=[q.id for q in rng.sample(quartiers, 2)],
                       importance=rng.randint(0, 10), control=rng.randint(0, 10)) for i in range(100)]
    ws.actors = [Actor(name=f"Acteur {i}", kind=rng.choice(["EPCI", "Commune", "Association", "Bailleur"]),
                       role="Son rôle dans le projet, en une phrase.") for i in range(200)]
    pairs = set()
    while len(pairs) < 400:
        a, b = rng.sample(ws.actors, 2)
        pairs.add((a.id, b.id))
    ws.relations = [Relation(source=a, target=b, intensity=rng.randint(1, 3)) for a, b in sorted(pairs)]
    actions: list[Action] = []
    for i in range(150):
        start = date(2026, 1, 1) + timedelta(days=rng.randint(0, 700))
        actions.append(Action(
            title=f"Fiche action {i}", description="Ce que l'action fait, pour qui, avec quels moyens. " * 3,
            lead_id=rng.choice(ws.actors).id, partner_ids=[a.id for a in rng.sample(ws.actors, rng.randint(0, 4))],
            start=start, end=start + timedelta(days=rng.randint(30, 300)),
            # Only earlier actions: the dependencies form a DAG.
            depends_on=[a.id for a in rng.sample(actions, min(len(actions), rng.randint(0, 3)))]))
    ws.actions = actions


def raw_save(path: Path, document: dict) -> None:
    """The floor of a durable save: serialise, write, fsync, rename, fsync the folder (as Store does)."""
    data = json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
    temporary = path.with_name(f".{path.stem}.tmp")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def bench_store(scratch: Scratch, runs: int) -> None:
    store = Store(scratch.root / "store-espaces")
    ws = store.update(store.create("Grand espace de mesure").id, big_workspace_fill)
    path = store.path(ws.id)
    raw_folder = scratch.root / "raw"
    raw_folder.mkdir()
    raw_path = raw_folder / "floor.json"
    document = json.loads(path.read_bytes())
    counts = f"{len(ws.stakes)} stakes, {len(ws.actors)} actors, {len(ws.relations)} relations, {len(ws.actions)} actions"
    print(f"  workspace: {counts}; file {path.stat().st_size / 1024:.0f} KiB")
    updates, loads, raw_saves, raw_loads = [], [], [], []
    for i in range(runs):  # interleaved so that noise hits the kit and the floor alike
        updates.append(timed(lambda: store.update(ws.id, lambda w: setattr(w.stakes[0], "title", f"Enjeu {i}"))))
        raw_saves.append(timed(lambda: raw_save(raw_path, document)))
        loads.append(timed(lambda: store.load(ws.id)))
        raw_loads.append(timed(lambda: json.loads(raw_path.read_bytes())))
    print(line("Store.update (one small edit, saved)", updates))
    print(line("  floor: dumps+write+fsync+rename", raw_saves))
    print(line("Store.load", loads))
    print(line("  floor: read+json.loads", raw_loads))
    print(f"  ratio vs floor: update {ratio(updates, raw_saves):.1f}x, load {ratio(loads, raw_loads):.1f}x")
    print(f"  temp folder on {filesystem(scratch.root)} (fsync on tmpfs would cost nothing)")
    for name, values in (("Store.update", updates), ("Store.load", loads)):
        m = median(values) * 1000
        record(f"{name}: median {m:.1f} ms (target < {STORE_MAX_MS} ms) {target(m < STORE_MAX_MS)}")


def filesystem(path: Path) -> str:
    best = ("?", "")
    for part in psutil.disk_partitions(all=True):
        if str(path).startswith(part.mountpoint) and len(part.mountpoint) >= len(best[1]):
            best = (part.fstype, part.mountpoint)
    return f"{best[0]} ({best[1]})"


# ---------------------------------------------------------------------------------------------
# 4. Kernel start to first output, import costs
# ---------------------------------------------------------------------------------------------

IMPORT_TIMER = "import time, sys; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
HEAVY = ("nbformat", "jsonschema", "rfc3987_syntax", "jupyter_server")
# Run in the kernel after the notebook's code: which heavy modules it holds, and whether
# rfc3987-syntax is installed at all as the kernel sees it (the environment may change under a long run).
HEAVY_PROBE = f"""import importlib.util, json, sys
print(json.dumps({{"loaded": [m for m in {HEAVY!r} if m in sys.modules],
                  "rfc3987_syntax": importlib.util.find_spec("rfc3987_syntax") is not None}}))"""


def import_seconds(module: str, env: dict[str, str]) -> float:
    out = subprocess.run([sys.executable, "-c", IMPORT_TIMER.format(module=module)], env=env,
                         capture_output=True, text=True, check=True, timeout=120)
    return float(out.stdout.strip())


def cell_source(notebook: str) -> str:
    """The code of the notebook's code cells (read as JSON: the bench itself does not need nbformat)."""
    cells = json.loads((REPO_ROOT / notebook).read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def kernel_first_output(notebook: str, env: dict[str, str]) -> tuple[float, float, list[str]]:
    """Start a real kernel as Voilà does (no preheating) and run the notebook's code.

    Returns seconds to kernel ready, seconds from execute to the first display output, and the
    heavy modules the kernel holds afterwards."""
    from jupyter_client.manager import KernelManager

    manager = KernelManager(kernel_name="python3")
    start = time.perf_counter()
    # The kernel's own warnings (e.g. "running over TCP without encryption") are not part of the report.
    manager.start_kernel(env=env, cwd=str(REPO_ROOT / Path(notebook).parent),
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = manager.client()
    try:
        client.start_channels()
        client.wait_for_ready(timeout=TIMEOUT_MS / 1000)
        ready = time.perf_counter() - start
        start = time.perf_counter()
        msg_id = client.execute(cell_source(notebook))
        first_output, _ = wait_output(client, msg_id, ("display_data", "execute_result"))
        _, msg = wait_output(client, client.execute(HEAVY_PROBE), ("stream",))
        return ready, first_output - start, json.loads(msg["content"]["text"])
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def wait_output(client, msg_id: str, kinds: tuple[str, ...]) -> tuple[float, dict]:
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        msg = client.get_iopub_msg(timeout=TIMEOUT_MS / 1000)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind = msg["msg_type"]
        if kind == "error":
            raise RuntimeError("\n".join(msg["content"]["traceback"])[-2000:])
        if kind in kinds:
            return time.perf_counter(), msg
    raise RuntimeError("no output from the kernel")


def importtime_tree(modules: str, env: dict[str, str]) -> list[tuple[int, int, int, str]]:
    """`python -X importtime` as (depth, self us, cumulative us, module), in its order (children first)."""
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {modules}"], env=env,
                         capture_output=True, text=True, check=True, timeout=120)
    rows = []
    for text in out.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| ( *)(\S+)", text)
        if match:
            rows.append((len(match[3]) // 2, int(match[1]), int(match[2]), match[4]))
    return rows


def chain(rows: list[tuple[int, int, int, str]], module: str) -> str:
    """Who imported `module` first: a child line is followed, later, by its parent one level up."""
    for index, (depth, _, _, name) in enumerate(rows):
        if name == module:
            names = [name]
            for later_depth, _, _, later in rows[index + 1:]:
                if later_depth == depth - 1:
                    names.append(later)
                    depth -= 1
            return " < ".join(names)
    return ""


def print_importtime(rows, roots: set[str], label: str) -> None:
    # The roots and their parent packages would top the list with the total: leave them out.
    skip = {".".join(m.split(".")[:i]) for m in roots for i in range(1, m.count(".") + 2)}
    total = sum(cum for depth, _, cum, _ in rows if depth == 0)
    print(f"  python -X importtime, {label}: {ms(total / 1e6)} in all; top 5 cumulative:")
    top = [row for row in sorted(rows, key=lambda r: -r[2]) if row[3] not in skip][:5]
    for depth, self_us, cum, name in top:
        print(f"    {ms(cum / 1e6):>9} cumulative {ms(self_us / 1e6):>9} self   {name} (depth {depth})")
    depth, self_us, cum, name = max(rows, key=lambda r: r[1])
    print(f"    largest self time: {name} {ms(self_us / 1e6)}")


def bench_import(scratch: Scratch, runs: int) -> None:
    env = scratch.env("import")
    # The module list is what the home notebook's cell needs: url_workspace_id() imports voila.utils.
    modules = {"ipywidgets": [], "kit.apps.accueil": [], "voila.utils": []}
    for _ in range(runs):
        for module, values in modules.items():
            values.append(import_seconds(module, env))
    print("  import in a fresh interpreter (in-process timer, interpreter start excluded):")
    for module, values in modules.items():
        print(line(f"import {module}", values))
    print(f"  ratio kit.apps.accueil / ipywidgets: {ratio(modules['kit.apps.accueil'], modules['ipywidgets']):.1f}")

    kernel_env = {**env, "QUERY_STRING": f"espace={scratch.demo_id}"}
    ready = {BARE: [], HOME_APP: []}
    output = {BARE: [], HOME_APP: []}
    probes = {}
    for _ in range(runs):
        for nb in (BARE, HOME_APP):
            r, o, probes[nb] = kernel_first_output(nb, kernel_env)
            ready[nb].append(r)
            output[nb].append(o)
    print("  real kernel (jupyter_client, not preheated, as a cold Voilà or Binder starts it):")
    for nb, name in ((BARE, "bare"), (HOME_APP, "home")):
        print(line(f"{name}: kernel start -> ready", ready[nb]))
        print(line(f"{name}: run cell -> first output", output[nb]))
    total = {nb: [a + b for a, b in zip(ready[nb], output[nb])] for nb in ready}
    print(f"  ratio home/bare, kernel start -> first output: {ratio(total[HOME_APP], total[BARE]):.2f}")

    home_build(scratch, runs)

    root = {"kit.apps.accueil"}
    print_importtime(importtime_tree("kit.apps.accueil", env), root, "import kit.apps.accueil")
    rows = importtime_tree("kit.apps.accueil, voila.utils", env)
    print_importtime(rows, {"kit.apps.accueil", "voila.utils"}, "the home cell (kit.apps.accueil + voila.utils)")
    held = {nb: ", ".join(probe["loaded"]) or "none of them" for nb, probe in probes.items()}
    print(f"  rfc3987-syntax installed: {'yes' if probes[HOME_APP]['rfc3987_syntax'] else 'no'}. "
          f"Of {', '.join(HEAVY)}, the home app's kernel holds afterwards: {held[HOME_APP]} "
          f"(bare notebook's kernel: {held[BARE]})")
    for module in ("jsonschema", "nbformat"):
        found = chain(rows, module)
        if found:
            print(f"    {module} imported by: {found}")


def home_build(scratch: Scratch, runs: int) -> None:
    """What the home cell does once its imports are done: build the app on the demo workspace."""
    from kit.apps.accueil import HomeApp

    HomeApp(Store(scratch.espaces), scratch.demo_id)  # first build: lazy imports, caches
    builds = []
    for _ in range(runs):
        with counting_widgets() as count:
            builds.append(timed(lambda: HomeApp(Store(scratch.espaces), scratch.demo_id)))
    print(line("home_app(demo) build, imports done", builds))
    print(f"    it creates {count.created} widgets, each sent to the browser as a model with its state")


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------


def run_section(title: str, function, *args) -> None:
    section(title)
    start = time.monotonic()
    try:
        function(*args)
    except Exception as error:  # noqa: BLE001 - report and go on with the other benchmarks
        if interrupted:
            raise KeyboardInterrupt from None
        failures.append(title)
        print(f"  FAILED: {type(error).__name__}: {error}")
        traceback.print_exc(limit=3)
    print(f"  ({time.monotonic() - start:.0f} s)")


def browser_benchmarks(scratch: Scratch, args, want: set[str]) -> None:
    from playwright.sync_api import sync_playwright

    apps = tuple(nb for nb, wanted in ((HOME_APP, "load"), (ENJEUX, "enjeux"), (PROJET, "projet"),
                                       (ACTION, "action"), (SUIVI, "suivi"), (CANDIDATURE, "candidature"))
                 if wanted in want)
    names = ", ".join(APP_TITLES[nb] for nb in apps)
    with sync_playwright() as playwright:
        if apps:
            def cold():
                with voila_server(scratch, "voila-cold", preheat=False, pools={}) as server:
                    bench_load(playwright, server, scratch, args.runs, "cold", apps)
                for nb in CHART_APPS:
                    if nb in apps:
                        app_kernel_side(scratch, args.runs, nb)
            run_section(f"1a. Time to first interactive widget, cold (preheat=False): {names} vs bare notebook", cold)
        if want & BROWSER_BENCHMARKS:
            preheated_benchmarks(playwright, scratch, args, want, apps)


BROWSER_BENCHMARKS = {"load", "enjeux", "projet", "action", "suivi", "candidature", "click", "plane", "actor"}


def preheated_benchmarks(playwright, scratch: Scratch, args, want: set[str], apps: tuple[str, ...]) -> None:
    """1b, 2, 5 and 6 share one preheated server (the production configuration for the home app, with the
    baseline preheated too; the session apps get a pool of their own here, which voila.json does not give them)."""
    pools = {BARE: 1, HOME_APP: 1, **{nb: 1 for nb in apps},
             **({PLOTLY_BARE: 1} if set(apps) & set(CHART_APPS) else {}),
             **({PROJET: 1} if "actor" in want else {})}
    try:
        with voila_server(scratch, "voila-preheated", preheat=True, pools=pools) as server:
            if apps:
                run_section("1b. Time to first interactive widget, preheated (pool of 1 for each)",
                            bench_load, playwright, server, scratch, args.runs, "preheated", apps)
            if "click" in want:
                run_section("2. Click that saves an edit (home app, preheated server) vs trivial round trip",
                            bench_click, playwright, server, scratch, args.clicks)
            if "plane" in want:
                run_section("5. MICMAC cell edit until the plane is redrawn (session-1 app) vs trivial round trip",
                            bench_plane, playwright, server, scratch, args.edits)
            if "actor" in want:
                run_section("6. Actor added until the network map shows it (session-2 app) vs trivial round trip",
                            bench_actor, playwright, server, scratch, args.adds)
    except Exception as error:  # noqa: BLE001 - the server itself did not start
        if interrupted:
            raise KeyboardInterrupt from None
        failures.append("preheated Voilà server")
        print(f"  FAILED: preheated Voilà server: {error}")


def environment(scratch: Scratch) -> None:
    import ipywidgets
    import voila

    chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"Python {platform.python_version()}, Voilà {voila.__version__}, ipywidgets {ipywidgets.__version__}, "
          f"{chromium or 'chromium ?'}")
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start; scratch {scratch.root}")


def interrupt(signum, _frame) -> None:
    """Ctrl+C and SIGTERM (a CI timeout) unwind the run, so that Voilà and Chromium are stopped.

    The flag matters: Ctrl+C also kills Playwright's driver (same process group), and the browser
    call in progress may then fail with a Playwright error instead of this KeyboardInterrupt."""
    global interrupted
    if interrupted:  # a second Ctrl+C must not cut the clean-up short (it has its own timeouts)
        print("  (stopping Voilà and Chromium, a moment...)", flush=True)
        return
    interrupted = True
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
    parser = argparse.ArgumentParser(description="Performance benchmarks of the kit (see bench/README.md).")
    parser.add_argument("--runs", type=int, help="page loads per notebook and mode, import runs (default 5; --quick 2)")
    parser.add_argument("--clicks", type=int, help="measured clicks (default 10; --quick 3)")
    parser.add_argument("--edits", type=int, help="measured MICMAC cell edits (default 10; --quick 3)")
    parser.add_argument("--adds", type=int, help="measured actor additions (default 10; --quick 3)")
    parser.add_argument("--store-runs", type=int, help="Store.update/load runs (default 30; --quick 5)")
    parser.add_argument("--quick", action="store_true", help="few runs: checks that the benchmark works")
    every = ["load", "enjeux", "projet", "action", "suivi", "candidature", "click", "plane", "actor", "store", "import"]
    parser.add_argument("--only", nargs="+", choices=every, default=every,
                        help="benchmarks to run (enjeux, projet, action, suivi, candidature: session-1, -2, -3, follow-up, "
                             "application app load; "
                             "plane: MICMAC edit -> plane; actor: actor added -> network map)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder (Voilà logs, files)")
    args = parser.parse_args(argv)
    args.runs = args.runs or (2 if args.quick else 5)
    args.clicks = args.clicks or (3 if args.quick else 10)
    args.edits = args.edits or (3 if args.quick else 10)
    args.adds = args.adds or (3 if args.quick else 10)
    args.store_runs = args.store_runs or (5 if args.quick else 30)
    want = set(args.only)

    scratch = make_scratch()
    started = time.monotonic()
    try:
        environment(scratch)
        if want & BROWSER_BENCHMARKS:
            browser_benchmarks(scratch, args, want)
        if "store" in want:
            run_section("3. Store save/load of a large workspace vs raw JSON I/O", bench_store, scratch, args.store_runs)
        if "import" in want:
            run_section("4. Kernel start to first output, import costs", bench_import, scratch, args.runs)
    except KeyboardInterrupt:
        print("\nInterrupted.")
        return 130
    finally:
        kill_leftovers(scratch.root)
        if args.keep:
            print(f"\nScratch folder kept: {scratch.root}")
        else:
            shutil.rmtree(scratch.root, ignore_errors=True)
    section(f"Summary ({time.monotonic() - started:.0f} s, load average now {os.getloadavg()[0]:.2f})")
    for text in summary:
        print(f"  {text}")
    for title in failures:
        print(f"  COULD NOT RUN: {title}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
