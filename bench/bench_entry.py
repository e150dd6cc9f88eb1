"""Benchmark 8 of bench/run.py (`--only entry`): what it takes a facilitator to enter a stake, a relation and
a fiche's minimum through the browser, in actions and in seconds per item.

A workspace of its own (the demo), the three session apps in a preheated server. Each item is entered as a
person would, every step through the page: an **action** is one field typed (its text and the key that
leaves it), one choice in a list, or one click; the benchmark counts the ones it makes. The seconds run
from the first action to the moment the item is in the saved file (the store is read every 50 ms), so
they include the page's and the kernel's answers to every step. Interleaved with the trivial round trip
of bench/notebooks/roundtrip.ipynb, the baseline. Targets (issue 11): a stake in at most 4 actions
(title, theme, add), a relation in at most 3 (from, to, add), a fiche's minimum (title, pilot, start,
end, create) in at most 5. Run: python bench/bench_entry.py [options of bench/run.py].
"""

from __future__ import annotations

import sys
import time

from kit.demo import create_demo
from kit.store import Store

from common import (ACTION, ENJEUX, PROJET, Scratch, Voila, browser_page, line, median, open_app, open_roundtrip,
                    page_watch, ratio, record, report_pages, roundtrip_click, target)

MAX_ACTIONS = {"enjeu": 4, "relation": 3, "fiche (minimum)": 5}
SAVED_TIMEOUT_S = 60


class Person:
    """A person at the page: each method is one action, counted."""

    def __init__(self, page):
        self.page = page
        self.actions = 0

    def type(self, css: str, text: str) -> None:
        field = self.page.locator(f".{css} input")
        field.fill(text)
        field.press("Tab")  # leaving the field sends its value (as a person moves to the next one)
        self.actions += 1

    def choose(self, css: str, label: str) -> None:
        self.page.locator(f".{css} select").select_option(label=label)
        self.actions += 1

    def click(self, css: str) -> None:
        self.page.locator(f".{css}").click()
        self.actions += 1


def wait_saved(condition) -> None:
    deadline = time.monotonic() + SAVED_TIMEOUT_S
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError("the item never reached the saved file")
        time.sleep(0.05)


def entered(person: Person, steps, saved) -> tuple[int, float]:
    """(actions, seconds) to enter one item: `steps(person)`, then until `saved()` holds."""
    person.actions = 0
    start = time.monotonic()
    steps(person)
    wait_saved(saved)
    return person.actions, time.monotonic() - start


def run(playwright, server: Voila, scratch: Scratch, items: int) -> None:
    store = Store(scratch.espaces)
    ws = create_demo(store)
    actors = [a.name for a in ws.actors]
    watch = page_watch()
    results: dict[str, tuple[list[int], list[float]]] = {kind: ([], []) for kind in MAX_ACTIONS}
    roundtrips: list[float] = []
    clicks = 0

    def measure(kind: str, person: Person, steps, saved) -> None:
        nonlocal clicks
        clicks += 1
        roundtrips.append(roundtrip_click(trivial, clicks))
        person.page.bring_to_front()
        actions, seconds = entered(person, steps, saved)
        results[kind][0].append(actions)
        results[kind][1].append(seconds)

    server.settle()
    with browser_page(playwright, scratch, watch) as page:
        trivial = open_roundtrip(page, server)
        person = Person(page)

        open_app(page, server, ENJEUX, f"espace={ws.id}&pasapas=non")
        page.get_by_role("tab", name="2. Enjeux").click()
        themes = [t for t in page.eval_on_selector_all(".kit-stake-theme select option", "os => os.map(o => o.text)")
                  if t.strip()]
        for i in range(items):
            title = f"Enjeu saisi n° {i + 1}"

            def stake(p, title=title, theme=themes[i % len(themes)]):
                p.type("kit-stake-title", title)
                p.choose("kit-stake-theme", theme)
                p.click("kit-add-stake")

            measure("enjeu", person, stake, lambda t=title: any(s.title == t for s in store.load(ws.id).stakes))

        open_app(page, server, PROJET, f"espace={ws.id}&pasapas=non")
        page.get_by_role("tab", name="3. Réseau d'acteurs").click()
        pairs = [(a, b) for a in actors for b in actors if a != b]
        for i in range(items):
            source, target_name = pairs[i]
            before = len(store.load(ws.id).relations)

            def relation(p, source=source, target_name=target_name):
                p.choose("kit-relation-source", source)
                p.choose("kit-relation-target", target_name)
                p.click("kit-add-relation")

            measure("relation", person, relation, lambda n=before: len(store.load(ws.id).relations) > n)

        open_app(page, server, ACTION, f"espace={ws.id}&pasapas=non")
        for i in range(items):
            title = f"Fiche saisie n° {i + 1}"

            def fiche(p, title=title, lead=actors[i % len(actors)], month=1 + i % 9):
                p.type("kit-action-title", title)
                p.choose("kit-action-lead", lead)
                p.type("kit-action-start", f"2027-{month:02d}-01")
                p.type("kit-action-end", f"2027-{month + 3:02d}-28")
                p.click("kit-add-action")

            measure("fiche (minimum)", person, fiche, lambda t=title: any(a.title == t for a in store.load(ws.id).actions))

    print(f"  {items} of each, entered through the browser in one sitting (demo workspace, {len(actors)} actors at start);"
          " seconds from the first action to the item in the saved file:")
    print(line("trivial round trip (Label update)", roundtrips))
    for kind, (actions, seconds) in results.items():
        most = max(actions)
        print(line(f"{kind}: {most} actions", seconds))
        print(f"    {median(seconds) / most:.2f} s per action, ratio item/round trip {ratio(seconds, roundtrips):.1f}")
        record(f"entry {kind}: {most} actions (at most {MAX_ACTIONS[kind]}: {target(most <= MAX_ACTIONS[kind])}), "
               f"{median(seconds):.2f} s per item")
    report_pages(watch)


if __name__ == "__main__":
    from run import main

    sys.exit(main(["--only", "entry", *sys.argv[1:]]))
