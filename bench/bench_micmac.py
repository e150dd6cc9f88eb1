"""Benchmark MICMAC on a workshop-sized matrix: 60 variables, target well under 50 ms per analysis.

The baseline, measured in the same run, is what any MICMAC needs at least: one float matrix power
np.linalg.matrix_power(M, k) for the power k our analysis stopped at. The ratio shows what reading and
checking the cells, exact integers, the rank-stability loop and the result tables cost on top of it.
Run: python bench/bench_micmac.py [repeats]. Exit status 1 if the median exceeds the target.
"""

import statistics
import sys
import time

import numpy as np
import pandas as pd

from kit.methods.micmac import micmac

TARGET_MS = 50.0
N = 60


def workshop_matrix(n: int = N, seed: int = 2024, with_p: bool = True) -> pd.DataFrame:
    """A seeded random matrix as a workshop fills it: mostly 0, some 1-3, a few P, as Python objects."""
    rng = np.random.default_rng(seed)
    values = rng.choice([0, 0, 0, 1, 2, 3], size=(n, n)).astype(object)
    if with_p:
        values[rng.random((n, n)) < 0.03] = "P"
    np.fill_diagonal(values, 0)
    labels = [f"Variable {i + 1}" for i in range(n)]
    return pd.DataFrame(values, index=labels, columns=labels)


def median_ms(fn, repeats: int) -> float:
    fn()  # warm-up: imports, caches
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main(repeats: int = 200) -> int:
    worst = 0.0
    for with_p in (True, False):
        matrix = workshop_matrix(with_p=with_p)
        result = micmac(matrix)
        k = result.stable_power
        m = result.direct_matrix.to_numpy(dtype=float)
        ours = median_ms(lambda: micmac(matrix), repeats)
        baseline = median_ms(lambda: np.linalg.matrix_power(m, k), repeats)
        worst = max(worst, ours)
        label = f"{N}x{N} {'with P (4 variants)' if with_p else 'without P (2 variants)'}"
        print(f"micmac {label}: median {ours:.2f} ms over {repeats} runs "
              f"(stable power {k}, potential {result.potential_stable_power}); "
              f"baseline matrix_power(M, {k}): {baseline:.3f} ms; ratio x{ours / baseline:.0f}; "
              f"target < {TARGET_MS:.0f} ms: {'ok' if ours < TARGET_MS else 'TOO SLOW'}")
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 200))
