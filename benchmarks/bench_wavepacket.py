"""Benchmark: one exact wavepacket probability for Tully's simple avoided crossing at k = 20 a.u.

What it measures
----------------
Wall-clock and CPU time of ``lzsm.wavepacket_scattering(TullySimple(), 20.0)``
(mass 2000, automatic grid, time step and absorbers, default convergence check: a run at 2 dt
for the Richardson estimate and a check run on a coarser grid in a shorter box, stopped earlier)
-- the transmission/reflection per state, packet-averaged
and energy-resolved at 11 momenta -- and, for comparison, the same with
``convergence="none"`` (a single run) and the independent stationary coupled-channel
calculation (``lzsm.stationary_scattering`` at the same 11 momenta, Richardson
h, h/2).  The agreement of the two methods is printed as well.

One warm-up call (imports, FFT plans) precedes the timing; each timing is the median of
``--repeats`` runs.  No target: the numbers are for the issue's closing note.

How to run
----------
    .venv/bin/python benchmarks/bench_wavepacket.py [--repeats 3] [--momentum 20] [--quick] [--json out.json]

``--quick``: one run of each timing instead of ``--repeats`` (a smoke run).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benchmarks/_common.py
import numpy as np

import _common as bench
from lzsm.models.curves import TullySimple
from lzsm.molecules.scattering import wavepacket_scattering
from lzsm.molecules.stationary import stationary_scattering


def median_timed(fn, repeats):
    """(median wall seconds, median CPU seconds, last result) of ``repeats`` calls of ``fn()``."""
    runs = bench.timed_runs(fn, repeats)
    st = bench.run_summary(runs)
    return st["wall_median"], st["cpu_median"], runs[-1][2]


def main(argv=None) -> int:
    ap = bench.make_parser(__doc__, "smoke run: one repeat of each timing")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--momentum", type=float, default=20.0)
    args = ap.parse_args(argv)
    repeats = 1 if args.quick else args.repeats
    model = TullySimple()
    k = args.momentum
    wavepacket_scattering(model, k, convergence="none")  # warm-up
    w_full, c_full, wp = median_timed(lambda: wavepacket_scattering(model, k), repeats)
    w_one, c_one, _ = median_timed(lambda: wavepacket_scattering(model, k, convergence="none"), repeats)
    w_st, c_st, st = median_timed(lambda: stationary_scattering(model, k=wp.k_resolved), repeats)
    c = wp.convergence
    centre = wp.at_momentum()
    print(f"Tully simple avoided crossing, k = {k:g} a.u., mass 2000")
    print(f"  wavepacket (default check):  wall {w_full:.3f} s, CPU {c_full:.3f} s")
    print(f"  wavepacket (single run):     wall {w_one:.3f} s, CPU {c_one:.3f} s")
    print(f"    grid {c.n_points} points (dx = {c.dx:.4g}), dt = {c.dt:.4g}, {c.n_steps} steps")
    print(f"    {c.summary()}")
    print(f"  stationary (11 energies):    wall {w_st:.3f} s, CPU {c_st:.3f} s")
    print(f"  T(k0) wavepacket  = {np.array2string(centre['transmission'], precision=6)}")
    print(f"  T(k0) stationary  = {np.array2string(st.transmission[5], precision=6)}")
    dev = max(
        np.max(np.abs(wp.transmission_resolved - st.transmission)),
        np.max(np.abs(wp.reflection_resolved - st.reflection)),
    )
    print(f"  max |P_wavepacket - P_stationary| over the 11 momenta: {dev:.1e}")
    bench.write_json(
        args.json,
        {
            "command": bench.command_line(),
            "env": bench.env_info(),
            "momentum": k,
            "repeats": repeats,
            "wavepacket_with_dt_check": {"wall": w_full, "cpu": c_full},
            "wavepacket_single_run": {"wall": w_one, "cpu": c_one},
            "stationary": {"wall": w_st, "cpu": c_st},
            "grid_points": c.n_points,
            "dx": c.dx,
            "dt": c.dt,
            "n_steps": c.n_steps,
            "transmission_k0_wavepacket": centre["transmission"].tolist(),
            "transmission_k0_stationary": st.transmission[5].tolist(),
            "max_deviation_wavepacket_stationary": float(dev),
        },
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
