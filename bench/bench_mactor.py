"""Benchmark MACTOR on a workshop-sized case: 30 actors × 40 objectives, target well under 50 ms per analysis.

Two baselines, measured in the same run and interleaved with the measured case:
- "matmul": one float matrix product of the same sizes, (30×40) @ (40×30), as the brief of the method
  suggests: the unit of work of every convergence matrix;
- "core": the bare arithmetic any MACTOR needs, on float arrays, without reading, checking or labelling:
  the MIDI (min over the relays), Ii/Di, ri*, the 3MAO and the 12 products giving 1/2/3 CAA and DAA.
The ratios show what reading and checking the cells, exact integers, the tables and the edge lists cost.
Run: python bench/bench_mactor.py [repeats]. Exit status 1 if a median exceeds the target.
"""

import statistics
import sys
import time

import numpy as np
import pandas as pd

from kit.methods.mactor import mactor

TARGET_MS = 50.0
N_ACTORS, N_OBJECTIVES = 30, 40


def workshop_tables(n: int = N_ACTORS, m: int = N_OBJECTIVES, seed: int = 2024, as_objects: bool = True):
    """Seeded random MID (0-4, a third of zeros) and 2MAO (-4..+4, a third of zeros) as a workshop fills them."""
    rng = np.random.default_rng(seed)
    mid = rng.integers(0, 5, size=(n, n)) * (rng.random((n, n)) > 1 / 3)
    np.fill_diagonal(mid, 0)
    mao = rng.integers(-4, 5, size=(n, m)) * (rng.random((n, m)) > 1 / 3)
    actors = [f"Acteur {i + 1}" for i in range(n)]
    objectives = [f"Objectif {j + 1}" for j in range(m)]
    mid = pd.DataFrame(mid, index=actors, columns=actors)
    mao = pd.DataFrame(mao, index=actors, columns=objectives)
    if as_objects:  # what a grid of cells typed in the app gives
        mid, mao = mid.astype(object), mao.astype(object)
    return mid, mao


def bare_core(M: np.ndarray, A: np.ndarray) -> None:
    """The arithmetic alone, floats, no checks: what the measured function cannot do without."""
    midi = M + np.minimum(M[:, :, None], M[None, :, :]).sum(axis=1)
    loop = np.diagonal(midi)
    ii, di = midi.sum(axis=1) - loop, midi.sum(axis=0) - loop
    ri = (ii - loop) / ii.sum() * ii / np.maximum(ii + di, 1)
    mao3 = A * (len(ri) * ri / ri.sum())[:, None]
    for positions in (np.sign(A), A, mao3):
        p, q, w = (positions > 0) * 1.0, (positions < 0) * 1.0, np.abs(positions)
        _ = (p * w) @ p.T + (q * w) @ q.T, (p * w) @ q.T + (q * w) @ p.T


def interleaved_medians(functions: dict, repeats: int) -> dict:
    """Median ms of each function, run in turn so that background load hits all of them alike."""
    for fn in functions.values():
        fn()  # warm-up: imports, caches
    times = {name: [] for name in functions}
    for _ in range(repeats):
        for name, fn in functions.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: (statistics.median(t) * 1000, min(t) * 1000, max(t) * 1000) for name, t in times.items()}


def main(repeats: int = 200) -> int:
    worst = 0.0
    for as_objects in (True, False):
        mid, mao = workshop_tables(as_objects=as_objects)
        M, A = mid.to_numpy(dtype=float), mao.to_numpy(dtype=float)
        left, right = A, A.T.copy()
        figures = interleaved_medians({
            "mactor": lambda: mactor(mid, mao),
            "matmul": lambda: left @ right,
            "core": lambda: bare_core(M, A),
        }, repeats)
        ours, low, high = figures["mactor"]
        worst = max(worst, ours)
        label = f"{N_ACTORS} actors x {N_OBJECTIVES} objectives, {'object cells' if as_objects else 'int columns'}"
        print(f"mactor {label}: median {ours:.2f} ms (min {low:.2f}, max {high:.2f}) over {repeats} runs; "
              f"target < {TARGET_MS:.0f} ms: {'ok' if ours < TARGET_MS else 'TOO SLOW'}")
        for name in ("matmul", "core"):
            median, low, high = figures[name]
            print(f"  baseline {name}: median {median * 1000:.1f} µs (min {low * 1000:.1f}, max {high * 1000:.1f}); "
                  f"ratio x{ours / median:.0f}")
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 200))
