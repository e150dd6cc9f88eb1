#!/usr/bin/env python
"""Performance benchmarks of the kit, each against a baseline measured in the same run.

    python bench/run.py                  # everything, default run counts (several minutes)
    python bench/run.py --quick          # fewer runs: a smoke test of the benchmark itself
    python bench/run.py --only store import
    python bench/run.py --only enjeux plane
    python bench/run.py --only projet actor
    python bench/run.py --only action suivi
    python bench/run.py --only candidature
    python bench/run.py --only room --pages 20
    python bench/run.py --only live
    python bench/run.py --only cohort regards

1. load    time to first interactive widget in the browser: home app vs bare notebook (cold, preheated)
   enjeux  the same for the session-1 app (10_enjeux.ipynb), in the same loop, plus where its load goes
   projet  the same for the session-2 app (20_projet.ipynb), plus when its first charts are drawn
   action  the same for the session-3 app (30_action.ipynb)
   suivi   the same for the follow-up app (40_suivi.ipynb)
   candidature  the same for the application app (01_candidature.ipynb)
   regards the same for the cohort's app (50_regards_croises.ipynb) on a cohort of 3 and one of 50
           invented territories, read from their published shares          -> bench_load.py
2. click   click that saves an edit in the home app vs a trivial round trip click  -> bench_click.py
3. store   Store.update / Store.load of a large workspace vs raw json + fsync I/O  -> bench_store.py
4. import  kernel start to first output, import costs of the home app vs ipywidgets -> bench_import.py
5. plane   one MICMAC cell typed in the session-1 app until the plane is redrawn vs a trivial round trip
                                                                                  -> bench_plane.py
6. actor   an actor added in the session-2 app until the network map shows it vs a trivial round trip
                                                                                  -> bench_actor.py
7. room    a room: --pages session-1 pages opened at once, all usable (none blank), kernels before and
           after                                                                  -> bench_room_load.py
8. entry   a stake, a relation and a fiche's minimum entered through the browser: actions counted, seconds
           per item, vs a trivial round trip                                      -> bench_entry.py
9. live    the participant server under a room's load: 40 phones x 5 proposals then their dots, vs a
           trivial Tornado server; page weight and first paint on a phone         -> bench_live.py
10. cohort regards croisés: the compare tables of 3 and 50 territories vs reading their shares, the regional
           synthesis (docx) of 50 territories                                     -> bench_cohort.py

This file is the entry point: it parses the options, starts the servers the browser benchmarks share
(tests/harness.py, as the e2e tests do) and runs the chosen benchmarks in the order above (1, 2, 5, 6 in
the browser, then 3, 4, 9 and 10). What several of them use is in common.py.

The machine may be small and shared: every figure is a median (with min and max) and every target
that is not an absolute one is a ratio against a baseline measured in the same run, interleaved
with the measured case so that background noise hits both. Exit code 0 whether targets are met or
not (this is a measurement); 1 only if a benchmark could not run at all. See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
import traceback

# common first: it puts the repository root on sys.path, for tests.harness.
from common import (ACTION, APP_TITLES, BARE, CANDIDATURE, CHART_APPS, ENJEUX, PLOTLY_BARE, PROJET, REGARDS_3,
                    REGARDS_50, SUIVI, Scratch, make_scratch, notebook_of, section, summary, voila_server)

import bench_actor
import bench_click
import bench_cohort
import bench_entry
import bench_import
import bench_live
import bench_load
import bench_plane
import bench_room_load
import bench_store
from kit.serve import HOME_APP
from tests import harness

failures: list[str] = []  # benchmarks that could not run; the exit code is 1 if any
interrupted = False  # set by Ctrl+C / SIGTERM: stop everything, do not report failures


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
                                       (ACTION, "action"), (SUIVI, "suivi"), (CANDIDATURE, "candidature"),
                                       (REGARDS_3, "regards"), (REGARDS_50, "regards"))
                 if wanted in want)
    names = ", ".join(APP_TITLES[nb] for nb in apps)
    with sync_playwright() as playwright:
        if apps:
            def cold():
                with voila_server(scratch, "voila-cold", preheat=False, pools={}) as server:
                    bench_load.run(playwright, server, scratch, args.runs, "cold", apps)
                for nb in CHART_APPS:
                    if nb in apps:
                        bench_load.app_kernel_side(scratch, args.runs, nb)
            run_section(f"1a. Time to first interactive widget, cold (preheat=False): {names} vs bare notebook", cold)
        if want & BROWSER_BENCHMARKS:
            preheated_benchmarks(playwright, scratch, args, want, apps)
        if "room" in want:  # last: it loads the machine for minutes, with a server of its own
            run_section(f"7. A room: {args.pages} session-1 pages opened at once (production configuration)",
                        bench_room_load.run, playwright, scratch, args.pages)


BROWSER_BENCHMARKS = {"load", "enjeux", "projet", "action", "suivi", "candidature", "regards", "click", "plane", "actor",
                      "entry"}


def preheated_benchmarks(playwright, scratch: Scratch, args, want: set[str], apps: tuple[str, ...]) -> None:
    """1b, 2, 5 and 6 share one preheated server (the production configuration for the home app, with the
    baseline preheated too; the session apps get a pool of their own here, which voila.json does not give them)."""
    pools = {BARE: 1, HOME_APP: 1, **{notebook_of(nb): 1 for nb in apps},
             **({PLOTLY_BARE: 1} if set(apps) & set(CHART_APPS) else {}),
             **({PROJET: 1} if "actor" in want else {}),
             **({ENJEUX: 1, PROJET: 1, ACTION: 1} if "entry" in want else {})}
    try:
        with voila_server(scratch, "voila-preheated", preheat=True, pools=pools) as server:
            if apps:
                run_section("1b. Time to first interactive widget, preheated (pool of 1 for each)",
                            bench_load.run, playwright, server, scratch, args.runs, "preheated", apps)
            if "click" in want:
                run_section("2. Click that saves an edit (home app, preheated server) vs trivial round trip",
                            bench_click.run, playwright, server, scratch, args.clicks)
            if "plane" in want:
                run_section("5. MICMAC cell edit until the plane is redrawn (session-1 app) vs trivial round trip",
                            bench_plane.run, playwright, server, scratch, args.edits)
            if "actor" in want:
                run_section("6. Actor added until the network map shows it (session-2 app) vs trivial round trip",
                            bench_actor.run, playwright, server, scratch, args.adds)
            if "entry" in want:
                run_section("8. Entering a stake, a relation, a fiche's minimum: actions and seconds per item",
                            bench_entry.run, playwright, server, scratch, args.adds)
    except Exception as error:  # noqa: BLE001 - the server itself did not start
        if interrupted:
            raise KeyboardInterrupt from None
        failures.append("preheated Voilà server")
        print(f"  FAILED: preheated Voilà server: {error}")


def environment(scratch: Scratch) -> None:
    import ipywidgets
    import voila

    chromium = subprocess.run([harness.CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip()
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
    parser.add_argument("--pages", type=int, help="pages opened at once by the room benchmark (default 20; --quick 6)")
    parser.add_argument("--quick", action="store_true", help="few runs: checks that the benchmark works")
    every = ["load", "enjeux", "projet", "action", "suivi", "candidature", "regards", "click", "plane", "actor", "entry",
             "room", "store", "import", "live", "cohort"]
    parser.add_argument("--only", nargs="+", choices=every, default=every,
                        help="benchmarks to run (enjeux, projet, action, suivi, candidature, regards: session-1, -2, -3, "
                             "follow-up, application, cohort app load; "
                             "plane: MICMAC edit -> plane; actor: actor added -> network map; room: --pages at once; "
                             "live: the participant server under a room's load; cohort: regards croisés, compare tables "
                             "and the regional synthesis)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder (Voilà logs, files)")
    args = parser.parse_args(argv)
    args.runs = args.runs or (2 if args.quick else 5)
    args.clicks = args.clicks or (3 if args.quick else 10)
    args.edits = args.edits or (3 if args.quick else 10)
    args.adds = args.adds or (3 if args.quick else 10)
    args.store_runs = args.store_runs or (5 if args.quick else 30)
    args.pages = args.pages or (6 if args.quick else bench_room_load.ROOM_PAGES)
    want = set(args.only)

    scratch = make_scratch()
    started = time.monotonic()
    try:
        environment(scratch)
        if want & (BROWSER_BENCHMARKS | {"room"}):
            browser_benchmarks(scratch, args, want)
        if "store" in want:
            run_section("3. Store save/load of a large workspace vs raw JSON I/O", bench_store.run, scratch,
                        args.store_runs)
        if "import" in want:
            run_section("4. Kernel start to first output, import costs", bench_import.run, scratch, args.runs)
        if "live" in want:
            run_section("9. The participant server under a room's load vs a trivial Tornado server", bench_live.run,
                        argparse.Namespace(participants=10 if args.quick else 40, contributions=5,
                                           rounds=1 if args.quick else 2, no_browser=False))
        if "cohort" in want:
            run_section("10. Regards croisés: compare tables (3, 50 territories) and the regional synthesis (docx)",
                        bench_cohort.run, scratch, 2 if args.quick else args.runs)
    except KeyboardInterrupt:
        print("\nInterrupted.")
        return 130
    finally:
        harness.kill_leftovers(scratch.root)
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
