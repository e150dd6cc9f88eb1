"""Benchmark 10 of bench/run.py: « regards croisés », a cohort's territories side by side.

Territories generated in the scratch folder (demo workspaces, each made different: names, themes, indicator
values, MICMAC matrix, budgets; `vary` of tests/unit/test_cohort_compare.py), read as shares through the one
gate (`sharing.shared_view`), then:
- the comparison tables and charts of `kit.cohort.compare` (every table the cohort's app shows, every indicator,
  the two charts), for 3 and for 50 territories: target < COMPARE_TARGET_S for 50. Baseline, interleaved: the
  floor of reading the same shares, `model_dump` of each shared view.
- the regional synthesis as a Word file (`regards_croises.synthesis_bytes`, charts rendered as PNG by one
  Chromium, as a facilitator gets it), for 50 territories: target < SYNTHESIS_TARGET_S, printed with its ratio
  to the target; split into building the document, the Word file without images, and the images.
The Voilà app of the cohort is not timed here.
Run: python bench/bench_cohort.py [options of bench/run.py].
"""

from __future__ import annotations

import sys
import time

from common import Scratch, line, median, record, target, timed

COMPARE_TARGET_S = 2.0
SYNTHESIS_TARGET_S = 10.0
SIZES = (3, 50)


def compare_all(shares) -> int:
    """Every table and chart the cohort's app shows, as it computes them; returns the rows built."""
    from kit.cohort import compare

    rows = 0
    for _, code in compare.indicator_options(shares):
        rows += len(compare.indicator_table(shares, code))
        compare.indicator_figure(shares, code)
    for table in (compare.themes_table(shares), compare.key_variables_table(shares),
                  compare.governance_table(shares), compare.actions_table(shares), compare.progress_table(shares),
                  compare.eligibility_table(shares)):
        rows += len(table)
    compare.themes_figure(shares)
    if shares:
        rows += sum(len(frame) for frame in compare.peers(shares[0].ws, shares).values())
    return rows


def run(scratch: Scratch, runs: int) -> None:
    from kit.reports import regards_croises, render_docx
    from kit.store import Store
    from tests.unit.test_cohort_compare import generated_shares

    store = Store(scratch.root / "cohorte-espaces")
    made = {}
    for size in SIZES:
        start = time.perf_counter()
        made[size] = generated_shares(store, size)
        print(f"  {size} territories generated and shared in {time.perf_counter() - start:.1f} s "
              f"({sum(len(s.ws.neighbourhoods) for s in made[size])} neighbourhoods, "
              f"{sum(len(s.ws.stakes) for s in made[size])} stakes, {sum(len(s.ws.actions) for s in made[size])} fiches)")
    compare_all(made[3])  # warm-up: the catalogue, pandas, plotly

    for size in SIZES:
        shares = made[size]
        ours, floor = [], []
        for _ in range(max(runs, 3)):  # interleaved: the same noise hits both
            floor.append(timed(lambda: [s.ws.model_dump() for s in shares]))
            ours.append(timed(lambda: compare_all(shares)))
        print(line(f"compare tables + charts, {size} territories", ours))
        print(line("  floor: model_dump of each shared view", floor))
        print(f"  ratio vs floor: {median(ours) / median(floor):.1f}x; {compare_all(shares)} rows")
    m = median(ours)
    record(f"regards croisés, compare tables for 50 territories: median {m:.2f} s (target < {COMPARE_TARGET_S:.0f} s, "
           f"ratio {m / COMPARE_TARGET_S:.2f}) {target(m < COMPARE_TARGET_S)}")

    shares = made[50]
    builds, words, totals = [], [], []
    for _ in range(max(1, runs // 2)):
        start = time.perf_counter()
        doc = regards_croises.synthesis(shares, "Cinquante territoires")
        builds.append(time.perf_counter() - start)
        words.append(timed(lambda: render_docx(doc, images=lambda jobs: [None] * len(jobs))))
        totals.append(timed(lambda: regards_croises.synthesis_bytes(shares, "Cinquante territoires", "docx")))
    figures = sum(type(b).__name__ == "Figure" for b in doc.blocks)
    tables = sum(type(b).__name__ == "Table" for b in doc.blocks)
    print(f"  synthesis of 50 territories: {tables} tables, {figures} charts")
    print(line("  building the document", builds))
    print(line("  Word file without images", words))
    print(line("synthesis docx, 50 territories (with images)", totals))
    m = median(totals)
    record(f"regards croisés, synthesis docx for 50 territories: median {m:.1f} s (target < {SYNTHESIS_TARGET_S:.0f} s, "
           f"ratio {m / SYNTHESIS_TARGET_S:.2f}) {target(m < SYNTHESIS_TARGET_S)}")


if __name__ == "__main__":
    from run import main

    sys.exit(main(["--only", "cohort", *sys.argv[1:]]))
