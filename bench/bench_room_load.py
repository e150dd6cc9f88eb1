"""Benchmark 7 of bench/run.py (`--only room`): a room opening the session-1 app at the same moment.

`--pages` pages (default 20) of notebooks/10_enjeux.ipynb?espace=<demo>, opened at once in tabs of one
Chromium, served as `kit serve` serves them (voila.json: the home app preheated, the kernel bound, the
culler). Every page must become usable (`.kit-ready` visible) or say in French to reload; none may stay
blank. Printed: how many of each and when (time to the first and to the last page), the JavaScript
errors of the pages (anywidget's "Failed to initialize model" among them), and the kernels alive before,
once the pages are loaded, and 60 s after they are closed (Voilà's shutdown request when a tab closes;
the culler stops what is left after `cull_idle_timeout`). Targets: no blank page, every page ready.
Run: python bench/bench_room_load.py [options of bench/run.py].

Everything runs on this machine, the browsers too: on 2 cores, the tabs' rendering takes more CPU than
the server and its kernels (in a room, each participant's own device renders its page).
"""

from __future__ import annotations

import sys
import time

import psutil

from kit.serve import HOME_APP, app_url

from common import ENJEUX, Scratch, median, page_watch, record, report_pages, target, voila_server
from tests import harness

ROOM_PAGES = 20
TIMEOUT_S = 600  # a page still blank after this is counted blank
AFTER_CLOSE_S = 60


def live_kernels(server_pid: int) -> int:
    """Kernel processes under the server (preheated ones included)."""
    count = 0
    for child in psutil.Process(server_pid).children(recursive=True):
        try:
            if "ipykernel_launcher" in " ".join(child.cmdline()):
                count += 1
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return count


def run(playwright, scratch: Scratch, pages: int) -> None:
    watch = page_watch()
    with voila_server(scratch, "voila-room", preheat=True, pools={HOME_APP: 1}) as server:
        server.settle()
        before = live_kernels(server.process.pid)
        url = app_url(server.base_url, ENJEUX, f"espace={scratch.demo_id}")
        with harness.browser_context(playwright, watch, profile_in=scratch.root, profile_prefix="chromium-room-") as context:
            tabs = harness.open_at_once(context, [url] * pages)
            outcomes = harness.wait_outcomes(tabs, TIMEOUT_S)
            loaded = live_kernels(server.process.pid)
            for tab in tabs:
                tab.close(run_before_unload=True)  # as a participant closes the tab: Voilà's shutdown request
            time.sleep(AFTER_CLOSE_S)
            after = live_kernels(server.process.pid)
    ready = [seconds for state, seconds in outcomes if state == "ready"]
    messages = [state for state, _ in outcomes if state.startswith("message")]
    blank = sum(1 for state, _ in outcomes if not state)
    print(f"  {pages} pages of the session-1 app opened at once (one Chromium, {pages} tabs):")
    print(f"    ready: {len(ready)}, French message: {len(messages)}, blank after {TIMEOUT_S} s: {blank}")
    if ready:
        print(f"    time to the first page {min(ready):.1f} s, median {median(ready):.1f} s, "
              f"to the last {max(ready):.1f} s")
    for text in sorted(set(messages)):
        print(f"    {messages.count(text)} x {text}")
    print(f"    kernels alive: {before} before (preheated), {loaded} with the pages loaded, "
          f"{after} {AFTER_CLOSE_S} s after closing them")
    report_pages(watch)
    last = f"{max(ready):.0f} s to the last" if ready else "none ready"
    record(f"room: {len(ready)}/{pages} session-1 pages ready ({last}), {len(messages)} French message(s), "
           f"{blank} blank (target: every page ready, none blank) {target(len(ready) == pages)}")


if __name__ == "__main__":
    from run import main

    sys.exit(main(["--only", "room", *sys.argv[1:]]))
