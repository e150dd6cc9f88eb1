"""Benchmark the session-3 roadmap on a large plan: 300 fiches action, 600 dependencies (a seeded random DAG).

Two measures, each interleaved with a baseline measured in the same run (the machine is small and shared:
absolute times move, ratios much less):
- critical path (`kit.methods.roadmap.critical_path`, from the plan as a list of dicts): target < 50 ms.
  Baseline: `nx.topological_sort` alone on the same, already built graph — what any CPM needs at least.
- the whole roadmap as the app builds it from the workspace: `actions_frame(ws)`, `critical_path`,
  `checks(ws)`, `gantt_figure` with the programme milestones, and `fig.to_json()` (the cost of sending
  it to the browser): target < 1 s. Baseline: one bare `go.Bar` of the same 300 bars, and its to_json.
Run: python bench/bench_roadmap.py [repeats]. Exit status 1 if a median misses its target.
"""

import random
import statistics
import sys
import time
from datetime import date, timedelta

import networkx as nx
import plotly.graph_objects as go

from kit.reference.programme import programme_milestones
from kit.methods import roadmap as rm
from kit.model import Action, Actor, Objective, Step, Workspace

N_ACTIONS, N_DEPENDENCIES, SEED = 300, 600, 2024
CPM_TARGET_MS, ROADMAP_TARGET_MS = 50.0, 1000.0
TODAY = date(2025, 6, 1)


def random_workspace(n: int = N_ACTIONS, m: int = N_DEPENDENCIES, seed: int = SEED) -> Workspace:
    """A seeded plan: n dated actions (a few undated), m distinct dependencies that always go from an
    earlier action to a later one in a shuffled order (so the graph is a DAG), pilots, objectives, steps."""
    rng = random.Random(seed)
    actors = [Actor(id=f"act-{i:02d}", name=f"Pilote {i}") for i in range(12)]
    objectives = [Objective(id=f"obj-{i:02d}", title=f"Objectif {i}") for i in range(10)]
    order = list(range(n))
    rng.shuffle(order)
    rank = {action: position for position, action in enumerate(order)}
    edges = set()
    while len(edges) < m:
        a, b = rng.sample(range(n), 2)
        edges.add((a, b) if rank[a] < rank[b] else (b, a))
    deps = {i: [] for i in range(n)}
    for a, b in edges:
        deps[b].append(f"fa-{a:03d}")
    actions = []
    for i in range(n):
        start = date(2025, 1, 1) + timedelta(days=rng.randrange(0, 700))
        end = start + timedelta(days=rng.randrange(7, 150))
        dated = rng.random() > 0.03
        actions.append(Action(
            id=f"fa-{i:03d}", title=f"Fiche action n° {i} : un intitulé de longueur ordinaire",
            lead_id=rng.choice(actors).id if rng.random() > 0.1 else None,
            objective_ids=[rng.choice(objectives).id] if rng.random() > 0.1 else [],
            status=rng.choice(rm.STATUSES), start=start if dated else None, end=end if dated else None,
            depends_on=deps[i], steps=[Step(title="Étape", due=start + timedelta(days=3), done=rng.random() < 0.5)]))
    return Workspace(id="bench-roadmap", name="Banc d'essai", actors=actors, objectives=objectives, actions=actions)


def interleaved(ours, baseline, repeats: int) -> tuple[list[float], list[float]]:
    ours(), baseline()  # warm-up: imports, caches
    a, b = [], []
    for _ in range(repeats):
        for fn, times in ((baseline, b), (ours, a)):
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1000)
    return a, b


def line(label: str, ours: list[float], base: list[float], base_label: str, target: float) -> str:
    med, base_med = statistics.median(ours), statistics.median(base)
    return (f"{label}: median {med:.1f} ms (min {min(ours):.1f}, max {max(ours):.1f}) over {len(ours)} runs; "
            f"baseline {base_label}: median {base_med:.2f} ms (min {min(base):.2f}, max {max(base):.2f}); "
            f"ratio x{med / base_med:.1f}; target < {target:.0f} ms: {'ok' if med < target else 'TOO SLOW'}")


def main(repeats: int = 30) -> int:
    ws = random_workspace()
    plan = rm.actions_frame(ws).to_dict("records")
    graph = rm.dependency_graph(plan)
    assert graph.number_of_nodes() == N_ACTIONS and graph.number_of_edges() == N_DEPENDENCIES
    milestones = programme_milestones()
    path = rm.critical_path(plan)
    print(f"plan: {N_ACTIONS} actions, {N_DEPENDENCIES} dependencies, {len(path.excluded)} undated; "
          f"critical chain of {len(path.ids)} actions, {path.duration_days} days")

    cpm, topo = interleaved(lambda: rm.critical_path(plan), lambda: list(nx.topological_sort(graph)), repeats * 5)
    print(line("critical path", cpm, topo, "nx.topological_sort", CPM_TARGET_MS))

    def roadmap():
        frame = rm.actions_frame(ws)
        critical = rm.critical_path(frame)
        rm.checks(ws, today=TODAY)
        fig = rm.gantt_figure(frame, milestones, critical, TODAY)
        return fig.to_json()

    dated = [a for a in ws.actions if a.start]

    def bare():
        fig = go.Figure(go.Bar(y=list(range(len(dated))), base=[a.start.isoformat() for a in dated],
                               x=[((a.end - a.start).days + 1) * rm.MS_PER_DAY for a in dated], orientation="h"))
        return fig.to_json()

    size = len(roadmap())
    full, base = interleaved(roadmap, bare, repeats)
    print(line(f"roadmap + Gantt + to_json ({size / 1024:.0f} KiB)", full, base, "bare go.Bar + to_json",
               ROADMAP_TARGET_MS))
    ok = statistics.median(cpm) < CPM_TARGET_MS and statistics.median(full) < ROADMAP_TARGET_MS
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 30))
