"""What several benchmarks of bench/run.py share: the figures and their printing, the scratch folder and its
demo workspaces, the Voilà server they measure, the browser page, and the kernel-side probes.

The server, the browser and the offline guard are those of the end-to-end tests (tests/harness.py).
"""

from __future__ import annotations

import contextlib
import json
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

# The scripts of bench/ are run as `python bench/run.py` (or `python bench/bench_<name>.py`): their own
# folder is on sys.path, the repository root (for tests.harness) is not.
_REPO = str(Path(__file__).resolve().parent.parent)
if _REPO not in sys.path:
    sys.path.insert(1, _REPO)

import psutil  # a dependency of ipykernel, so always there with the kit

from kit.demo import create_demo
from kit.serve import HOME_APP, REPO_ROOT, jupyter_env, precompile_kit, voila_command
from kit.store import Store
from tests import harness

BARE = "tests/e2e/notebooks/bare.ipynb"
ROUNDTRIP = "bench/notebooks/roundtrip.ipynb"
ENJEUX = "notebooks/10_enjeux.ipynb"  # the session-1 app
PROJET = "notebooks/20_projet.ipynb"  # the session-2 app
ACTION = "notebooks/30_action.ipynb"  # the session-3 app (no plotly chart)
SUIVI = "notebooks/40_suivi.ipynb"  # the follow-up app, phases 2 and 3 (no plotly chart)
CANDIDATURE = "notebooks/01_candidature.ipynb"  # the application note (no plotly chart)
CHART_APPS = (ENJEUX, PROJET)  # apps with plotly charts (plotly.js sent once the page is on screen)
PLOTLY_BARE = "bench/notebooks/plotly_bare.ipynb"  # bare + plotly.js: loaded with the chart apps, as a diagnosis
REGARDS = "notebooks/50_regards_croises.ipynb"  # the cohort's app, measured on two cohorts:
REGARDS_3, REGARDS_50 = f"{REGARDS}#3", f"{REGARDS}#50"  # 3 and 50 territories (keys, not paths: `notebook_of`)
COHORT_SIZES = {REGARDS_3: 3, REGARDS_50: 50}
APP_NAMES = {BARE: "bare", HOME_APP: "home", ENJEUX: "enjeux", PROJET: "projet", ACTION: "action", SUIVI: "suivi",
             CANDIDATURE: "candidature", PLOTLY_BARE: "plotly", REGARDS_3: "regards3", REGARDS_50: "regards50"}
APP_TITLES = {HOME_APP: "home app", ENJEUX: "session-1 app", PROJET: "session-2 app", ACTION: "session-3 app",
              SUIVI: "follow-up app", CANDIDATURE: "application app", REGARDS_3: "cohort app (3 territories)",
              REGARDS_50: "cohort app (50 territories)"}


def notebook_of(key: str) -> str:
    """The notebook a measured app opens (the cohort's app is measured twice, on two cohorts)."""
    return key.split("#")[0]
NETWORK_TAB = "3. Réseau d'acteurs"
TIMEOUT_MS = harness.READY_TIMEOUT_MS  # a kernel start plus the home app's imports: tens of seconds on 2 busy cores


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


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def report_pages(watch: harness.Watch) -> None:
    """What the offline guard saw in a benchmark's pages (nothing is printed if all went well)."""
    if watch.errors:
        print(f"  JavaScript errors in the pages: {sorted(set(watch.errors))}")
    if watch.external:
        print(f"  requests outside localhost (refused): {sorted(set(watch.external))}")


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

    @property
    def cohorts(self) -> Path:
        """$KIT_COHORTES of every kernel: the territories' shares, their workspaces elsewhere (as on a hub)."""
        return self.root / "cohortes"

    def env(self, name: str) -> dict[str, str]:
        """The kit's Jupyter environment with a throwaway home (no state of the machine leaks in)."""
        return {**jupyter_env(harness.isolated_env(self.root / name, self.espaces)), "KIT_COHORTES": str(self.cohorts)}

    def cohort_id(self, size: int) -> str:
        """A demo cohort of `size` invented territories, made once; their workspaces are in a store the kernels
        do not see, so the cohort's app reads the published shares, as a facilitator's server on a hub does."""
        from kit.cohort.cohorts import CohortFolder
        from kit.demo import create_demo_cohort

        made = getattr(self, "_cohorts", None) or {}
        if size not in made:
            made[size] = create_demo_cohort(Store(self.root / f"territoires-{size}"), CohortFolder(self.cohorts), size).id
            self._cohorts = made
        return made[size]


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


# ---------------------------------------------------------------------------------------------
# Voilà server
# ---------------------------------------------------------------------------------------------


@dataclass
class Voila:
    process: subprocess.Popen
    base_url: str
    log: Path
    name: str
    pools: dict[str, int] = field(default_factory=dict)  # notebook -> preheated pool size
    uses: dict[str, int] = field(default_factory=dict)  # notebook -> preheated kernels taken so far

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
                harness.check_running(self.process, self.log, self.name)
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the kernel pool of {notebook} did not refill in {timeout:.0f} s")
                time.sleep(0.2)
        wait_quiet(self.process.pid, deadline)


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
    port = harness.free_port()
    precompile_kit()  # as `python -m kit serve` does before starting Voilà
    pool_config = {"default": {"pool_size": 0}, **{nb: {"pool_size": n} for nb, n in pools.items()}}
    command = voila_command(port, open_browser=False, preheat=preheat, pools=pool_config, extra_apps=harness.TEST_APPS)
    log = scratch.root / f"{name}.log"
    # Detached: Ctrl+C reaches this script only; Voilà is stopped with SIGTERM, which also stops its kernels.
    with harness.serving(command, scratch.env(name), log, port=port, name=name, detach=True) as process:
        yield Voila(process, harness.local_url(port), log, name, pools=dict(pools) if preheat else {})


# ---------------------------------------------------------------------------------------------
# Browser
# ---------------------------------------------------------------------------------------------


@contextlib.contextmanager
def browser_page(playwright, scratch: Scratch, watch: harness.Watch):
    """A page in a fresh Chromium profile (nothing cached), offline like the e2e tests; `watch` records
    the uncaught exceptions and the refused requests of every page of its context."""
    # In the scratch folder: a Chromium orphaned by a crash is found (and killed) by its path.
    with harness.browser_context(playwright, watch, profile_in=scratch.root, profile_prefix="chromium-",
                                 init_script=SOCKET_PROBE) as context:
        try:
            yield harness.first_page(context)
        finally:
            for opened in context.pages:
                with contextlib.suppress(Exception):
                    release_kernel(opened)


def page_watch() -> harness.Watch:
    """A benchmark's guard of its pages: uncaught exceptions count as errors, console messages do not."""
    return harness.Watch(console=False)


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


def open_app(page, server: Voila, notebook: str, query: str = "") -> float:
    """Seconds from navigation to the first `.kit-ready` widget visible (the app is usable)."""
    return timed(lambda: harness.open_app(page, server.base_url, notebook, query, goto_timeout_ms=TIMEOUT_MS))


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

# Timed inside the page: from the click event to the first animation frame after the expected text
# is in a visible element (the frame that shows it). Playwright's own polling would add its
# round trips to the measure. With `bench/notebooks/roundtrip.ipynb`, the trivial round trip that the
# click, plane and actor benchmarks interleave with what they measure.
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


def open_roundtrip(page, server: Voila):
    """The round-trip page (one button, one Label), opened in a new tab of `page`'s browser."""
    trivial = page.context.new_page()
    open_app(trivial, server, ROUNDTRIP)
    return trivial


def roundtrip_click(page, clicks: int) -> float:
    """Seconds of one trivial round trip in the round-trip page, its `clicks`-th click in all."""
    page.bring_to_front()  # animation frames only run in the page in front
    return page.evaluate(TIMED_CLICK, ["button.kit-ready", ".bench-label", f"{clicks} clics"]) / 1000


# ---------------------------------------------------------------------------------------------
# Kernel side: widgets, imports, a real kernel
# ---------------------------------------------------------------------------------------------


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
