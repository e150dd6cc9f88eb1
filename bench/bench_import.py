"""Benchmark 4 of bench/run.py: kernel start to first output, and where the home app's import time goes.

Import of `kit.apps.accueil` in a fresh interpreter against `import ipywidgets`; a real kernel
(jupyter_client, not preheated) running the home notebook's code until its first display against the
bare notebook; the home app's build; `python -X importtime` top entries; which heavy modules
(nbformat, jsonschema...) the home app's kernel ends up holding. No target: it shows where time goes.
Run: python bench/bench_import.py [options of bench/run.py].
"""

from __future__ import annotations

import re
import subprocess
import sys

from kit.serve import HOME_APP
from kit.store import Store

from common import (BARE, HEAVY, Scratch, counting_widgets, import_seconds, kernel_first_output, line, ms, ratio,
                    timed)


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


def run(scratch: Scratch, runs: int) -> None:
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


if __name__ == "__main__":
    from run import main

    sys.exit(main(["--only", "import", *sys.argv[1:]]))
