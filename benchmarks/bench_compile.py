"""Benchmark: cold compile time of the numba kernels (what a fresh clone's first run pays).

Deletes the numba cache files (``*.nbi``, ``*.nbc``) under SRC/lzsm (default: this checkout's
``src/``), then calls every kernel entry point once through its front door, in a fixed order,
and prints the wall and CPU time of each first call (compilation plus a tiny run; a stage only
pays for what earlier stages have not compiled: e.g. a grid after a single point of the same
model compiles nothing when both use one kernel) and the total.  ``--keep`` keeps the cache
(then it measures cache loading).  Timings are noisy on a shared machine.

    .venv/bin/python benchmarks/bench_compile.py [SRC] [--keep]
"""

from __future__ import annotations

import os
import sys
import time
import warnings

args = [a for a in sys.argv[1:] if not a.startswith("--")]
SRC = args[0] if args else os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "src")


def clear_cache(src: str) -> None:
    for root, _, files in os.walk(os.path.join(src, "lzsm")):
        for f in files:
            if root.endswith("__pycache__") and f.endswith((".nbi", ".nbc")):
                os.remove(os.path.join(root, f))


def main() -> None:
    if "--keep" not in sys.argv:
        clear_cache(SRC)
    sys.path.insert(0, SRC)
    warnings.simplefilter("ignore")
    t0 = time.perf_counter()
    import numpy as np

    import lzsm
    from lzsm.kernels import averages, lindblad, magnus, noise, parabolic_cylinder, surface_hopping  # noqa: F401

    print(f"imports {time.perf_counter() - t0:.2f} s", flush=True)
    total = [0.0, 0.0]

    def stage(name, fn):
        w, c = time.perf_counter(), time.process_time()
        fn()
        w, c = time.perf_counter() - w, time.process_time() - c
        total[0] += w
        total[1] += c
        print(f"{name:46s} wall {w:7.2f} s  cpu {c:7.2f} s", flush=True)

    lz1 = lzsm.LandauZener(coupling=0.5, sweep_rate=1.0)
    lzg = lzsm.LandauZener(coupling=np.linspace(0.1, 1, 4)[:, None], sweep_rate=np.array([1.0, 2.0]))
    a3 = np.array([[0, 0.3, 0], [0.3, 0, 0.2], [0, 0.2, 0]])
    ls1 = lzsm.LinearSweep(a3, np.diag([1.0, 0, -1]))
    lsg = lzsm.LinearSweep(a3 * np.linspace(0.5, 1, 5)[:, None, None], np.diag([1.0, 0, -1]))
    ou = lzsm.OrnsteinUhlenbeckNoise(sigma=0.1, correlation_time=1.0)
    ou3 = lzsm.OrnsteinUhlenbeckNoise(sigma=0.1, correlation_time=1.0, acts_on=np.diag([1.0, 0, -1]))
    pd = lzsm.PeriodicDrive(gap=0.3, offset=0.2, amplitude=2.0, frequency=1.0)
    stage("coherent two-level (evolve LZ, 1 point)", lambda: lzsm.evolve(lz1, (-20, 20), 0))
    stage("coherent two-level (evolve LZ, 8 points)", lambda: lzsm.evolve(lzg, (-20, 20), 0))
    stage("coherent N-level (evolve 3 levels, 1 point)", lambda: lzsm.evolve(ls1, (-20, 20), 0))
    stage("coherent N-level (evolve 3 levels, 5 points)", lambda: lzsm.evolve(lsg, (-20, 20), 0))
    stage("Bloch (evolve_open LZ, 1 point)", lambda: lzsm.evolve_open(lz1, (-20, 20), 0, dephasing=0.1))
    stage("Bloch (evolve_open LZ, 8 points)", lambda: lzsm.evolve_open(lzg, (-20, 20), 0, dephasing=0.1))
    stage("Lindblad (evolve_open 3 levels, 1 point)", lambda: lzsm.evolve_open(ls1, (-10, 10), 0, dephasing=0.1))
    stage("Lindblad (evolve_open 3 levels, 5 points)", lambda: lzsm.evolve_open(lsg, (-10, 10), 0, dephasing=0.1))
    stage("noise two-level", lambda: lzsm.evolve_noisy(lz1, (-10, 10), 0, noise=ou, n_trajectories=4, seed=1))
    stage("noise N-level", lambda: lzsm.evolve_noisy(ls1, (-10, 10), 0, noise=ou3, n_trajectories=4, seed=1))
    stage(
        "surface hopping (FSSH)",
        lambda: lzsm.trajectory_scattering(lzsm.TullySimple(), 10.0, mass=2000.0, n_trajectories=4, seed=1),
    )
    stage("Floquet averages", lambda: lzsm.floquet(pd, n_samples=8))
    stage("parabolic cylinder (closed form)", lambda: lzsm.finite_time_p_diabatic_stay(0.5, 1.0, 20.0, -20.0))
    print(f"{'TOTAL':46s} wall {total[0]:7.2f} s  cpu {total[1]:7.2f} s")


if __name__ == "__main__":
    main()
