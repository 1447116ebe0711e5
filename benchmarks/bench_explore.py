"""Benchmark: the computations behind ``lzsm explore``'s live views (wall clock, this process).

What it measures
----------------
* the interferometry page's map: :func:`lzsm.explore.interferometry.compute_map` at its
  defaults (128 x 128 points, Delta = 1, hbar omega = 2, eps0 and A in [0, 20], 20 periods,
  eight blocks of columns); target < 1 s;
* the crossing page's redraw computation, :func:`lzsm.explore.crossing.compute` at its defaults
  (coherent) and with dephasing (Lindblad); target: far below the page's 300 ms redraw budget;
* the double passage (400 values of t_c, one batched evolve).

Each figure is the median (and best) of ``--repeats`` runs after one warm-up (numba loads its
compiled kernels from the cache).  The browser's own redraw times are measured by
``tests/test_explore_browser.py`` (``pytest -s``).

    python benchmarks/bench_explore.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any


def _timed(fn: Callable[[], Any], repeats: int) -> tuple[float, float]:
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    from lzsm.explore import crossing, interferometry

    rows = [
        ("map 128 x 128, 20 periods", lambda: interferometry.compute_map(interferometry.MapParameters()), 1.0),
        ("crossing, coherent", lambda: crossing.compute(crossing.CrossingParameters()), 0.3),
        ("crossing, dephased + T1", lambda: crossing.compute(crossing.CrossingParameters(dephasing=0.2, t1=10.0)), 0.3),
        ("double passage, 400 t_c", lambda: interferometry.compute_passage(interferometry.PassageParameters()), 1.0),
    ]
    print(f"{'computation':32s} {'median':>9s} {'best':>9s} {'target':>8s}")
    for name, fn, target in rows:
        median, best = _timed(fn, args.repeats)
        mark = "ok" if median < target else "MISSED"
        print(f"{name:32s} {1e3 * median:7.0f}ms {1e3 * best:7.0f}ms {1e3 * target:6.0f}ms {mark}")


if __name__ == "__main__":
    main()
