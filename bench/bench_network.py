"""Benchmark the actors' network of session 2: 300 actors and 1,000 relations, laid out and drawn in < 1 s.

Measured, per run: build_graph + metrics + layout + network_figure (the figure built from the metrics and
positions just computed, as the app does), then readings and the figure's JSON (what the browser
receives) on their own. Also a workshop-sized map (40 actors, 80 relations), laid out by stress
majorization rather than by the force layout.

The baseline, measured in the same run and interleaved with the measured case, is `nx.spring_layout`
alone on the same graph: the least any force-directed drawing of it costs with networkx. The ratio shows
what metrics, packing and the figure add to it.
Run: python bench/bench_network.py [repeats]. Exit status 1 if the 300-actor median exceeds the target.
"""

import statistics
import sys
import time

import networkx as nx
import numpy as np
import pandas as pd

from kit.methods.network import KIND_COLOURS, build_graph, layout, metrics, network_figure, readings

TARGET_MS = 1000.0
KINDS = list(KIND_COLOURS)
RELATION_KINDS = ["coopération", "information", "décision", "financement", "tension"]
RELATION_SHARES = [0.45, 0.2, 0.12, 0.13, 0.1]


def workshop_network(n_actors: int = 300, n_relations: int = 1000, seed: int = 2024, groups: int = 8,
                     isolated: int = 10) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A seeded network shaped like a territory's: a few circles (85 % of relations inside one), some
    actors with no relation, every kind of actor and of relation, intensities 1-3."""
    rng = np.random.default_rng(seed)
    ids = [f"act-{i:04d}" for i in range(n_actors)]
    actors = pd.DataFrame({"id": ids, "name": [f"Acteur {i + 1} du territoire" for i in range(n_actors)],
                           "kind": rng.choice(KINDS, size=n_actors)})
    linked = n_actors - isolated
    circle = rng.integers(0, groups, size=linked)
    pairs: set[tuple[int, int]] = set()
    rows = []
    while len(rows) < n_relations:
        a = int(rng.integers(0, linked))
        if rng.random() < 0.85:
            same = np.flatnonzero(circle == circle[a])
            b = int(rng.choice(same))
        else:
            b = int(rng.integers(0, linked))
        kind = str(rng.choice(RELATION_KINDS, p=RELATION_SHARES))
        if a == b or (a, b, kind) in pairs:
            continue
        pairs.add((a, b, kind))
        rows.append({"source": ids[a], "target": ids[b], "kind": kind, "intensity": int(rng.integers(1, 4))})
    return actors, pd.DataFrame(rows)


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, (time.perf_counter() - start) * 1000


def pipeline(actors, relations) -> dict[str, float]:
    graph, t_build = timed(lambda: build_graph(actors, relations))
    table, t_metrics = timed(lambda: metrics(graph))
    pos, t_layout = timed(lambda: layout(graph))
    fig, t_figure = timed(lambda: network_figure(actors, relations, table, positions=pos))
    _, t_readings = timed(lambda: readings(graph, table, actors))
    _, t_json = timed(fig.to_json)
    return {"build": t_build, "metrics": t_metrics, "layout": t_layout, "figure": t_figure,
            "total": t_build + t_metrics + t_layout + t_figure, "readings": t_readings, "json": t_json}


def baseline(actors, relations) -> float:
    graph = build_graph(actors, relations)
    work = nx.Graph()
    work.add_nodes_from(graph)
    work.add_weighted_edges_from((u, v, d["weight"]) for u, v, d in graph.edges(data=True) if d["weight"] > 0)
    return timed(lambda: nx.spring_layout(work, seed=7))[1]


def describe(values: list[float]) -> str:
    return f"median {statistics.median(values):7.1f} ms (min {min(values):6.1f}, max {max(values):6.1f})"


def run(label: str, actors, relations, repeats: int) -> float:
    pipeline(actors, relations)  # warm-up: imports, plotly validators, caches
    baseline(actors, relations)
    ours: dict[str, list[float]] = {}
    base = []
    for i in range(repeats):  # interleaved, alternating which goes first, so that noise hits both
        if i % 2:
            base.append(baseline(actors, relations))
        for key, value in pipeline(actors, relations).items():
            ours.setdefault(key, []).append(value)
        if not i % 2:
            base.append(baseline(actors, relations))
    graph = build_graph(actors, relations)
    print(f"\n{label}: {graph.number_of_nodes()} actors, {len(graph.graph['relations'])} relations, "
          f"{graph.number_of_edges()} linked pairs; {repeats} runs")
    for key in ("build", "metrics", "layout", "figure"):
        print(f"  {key:<9}{describe(ours[key])}")
    total = statistics.median(ours["total"])
    reference = statistics.median(base)
    print(f"  {'TOTAL':<9}{describe(ours['total'])}   build + metrics + layout + figure")
    print(f"  {'baseline':<9}{describe(base)}   nx.spring_layout alone")
    print(f"  ratio    x{total / reference:.2f} of the baseline; target total < {TARGET_MS:.0f} ms: "
          f"{'ok' if total < TARGET_MS else 'TOO SLOW'}")
    print(f"  (not in total) readings {describe(ours['readings'])}; figure JSON {describe(ours['json'])}")
    return total


def main(repeats: int = 15) -> int:
    big = run("Territory-sized map", *workshop_network(), repeats)
    run("Workshop-sized map", *workshop_network(40, 80, seed=7, groups=3, isolated=2), repeats)
    return 0 if big < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 15))
