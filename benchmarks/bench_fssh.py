"""Benchmark: lzsm FSSH ensembles against mudslide on Tully's simple avoided crossing.

What it measures
----------------
Fewest-switches surface hopping on Tully's simple avoided crossing (J. Chem. Phys. 93, 1061
(1990); mass 2000, atomic units) at incident momenta k = 10 and k = 20 a.u., 2000 trajectories
each, every trajectory started on the lower adiabatic state at x = -10 with momentum k (fixed
initial conditions, as Tully did) and run until it leaves [-10, 10].  Observable: the
transmission probabilities on the two adiabatic states, printed with their binomial standard
errors beside the exact stationary coupled-channel values (``lzsm.molecules.stationary``, when present).

Equal settings on both sides
----------------------------
* plain FSSH (no decoherence correction), instantaneous hops (Tully's rule: hop when a uniform
  random number falls below the step's switching probability), momentum rescaling along the
  coupling (x), frustrated hops keep the momentum;
* the same nuclear step ``dt`` (``--dt``, default 5 a.u.: both codes reproduce the exact
  probabilities within their statistical error there) and velocity Verlet;
* electronic integration once per nuclear step on both sides: mudslide's default ``"exp"``
  (exponential of the midpoint ``H - i v.d`` in the adiabatic basis), lzsm's fourth-order
  Magnus exponential in the diabatic basis;
* mudslide: ``SurfaceHoppingMD(TullySimpleAvoidedCrossing(), [-10], [k / 2000], 0, dt=dt,
  bounds=[[-10], [10]], hopping_method="instantaneous", seed_sequence=s).simulate()``, one
  trajectory after the other (what its ``BatchedTraj`` does), default tracer; outcome from the
  final position and active state.

mudslide takes ~0.1 s of CPU per trajectory, so it runs a seeded subsample (``--mudslide-
trajectories``, default 50 per momentum; ``--quick`` 10) and its time per trajectory is
extrapolated to 2000 (stated in the output).  lzsm runs all 2000 x 2 trajectories in one call
(compiled, chunks of trajectories on numba's threads), after one warm-up call (JIT compile or cache load), and
is timed once.  Target: lzsm >= 50x faster (CPU time).

Timing
------
CPU time (``time.process_time``, all threads of the process) is the headline; lzsm uses numba
threads (2 cores here), mudslide is single-threaded.  Wall times are printed too.  The load
average is printed at start: the machine may be shared, and timings are noisy.

How to run
----------
    .venv/bin/python benchmarks/bench_fssh.py [--quick] [--json out.json]

mudslide is an optional dependency (``pip install 'lzsm[bench]'`` or ``pip install
mudslide==0.12``); without it only the lzsm side is timed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benchmarks/_common.py
import numpy as np

import _common as bench
from _common import fmt_t
from lzsm.models.curves import TullySimple
from lzsm.molecules.surface_hopping import FSSH, surface_hopping

try:
    import mudslide
    from mudslide.models.scattering_models import TullySimpleAvoidedCrossing
except ImportError:  # pragma: no cover - depends on the environment
    mudslide = None

try:
    from lzsm.molecules.stationary import stationary_scattering
except ImportError:  # pragma: no cover - exact reference optional
    stationary_scattering = None

MASS = 2000.0
MOMENTA = (10.0, 20.0)
N_TRAJ = 2000
X0, X1 = -10.0, 10.0
TARGET = 50.0


def run_lzsm(dt, n_traj, seed):
    return surface_hopping(
        TullySimple(mass=MASS),
        list(MOMENTA),
        method=FSSH(),
        n_trajectories=n_traj,
        seed=seed,
        x0=X0,
        x_bounds=(X0, X1),
        dt=dt,
    )


def run_mudslide(k, dt, n_traj, seed):
    """n_traj mudslide trajectories one after the other; returns counts[transmitted?, state]."""
    model = TullySimpleAvoidedCrossing()
    seeds = np.random.SeedSequence(seed).spawn(n_traj)
    counts = np.zeros((2, 2), dtype=int)  # [reflected/transmitted, state]
    for s in seeds:
        traj = mudslide.SurfaceHoppingMD(
            model,
            np.array([X0]),
            np.array([k / MASS]),
            0,
            dt=dt,
            bounds=[[X0], [X1]],
            hopping_method="instantaneous",
            seed_sequence=s,
        )
        traj.simulate()
        counts[int(traj.position[0] > 0.0), int(traj.state)] += 1
    return counts


def main(argv=None):
    ap = bench.make_parser(__doc__, "smoke run: 10 mudslide trajectories per momentum")
    ap.add_argument("--dt", type=float, default=5.0, help="nuclear time step for both codes (a.u.)")
    ap.add_argument(
        "--mudslide-trajectories", type=int, default=None, help="mudslide subsample per momentum (default 50; quick 10)"
    )
    ap.add_argument("--seed", type=int, default=2024)
    args = ap.parse_args(argv)
    n_ms = args.mudslide_trajectories or (10 if args.quick else 50)

    w_start = time.perf_counter()
    command = bench.command_line()
    env = bench.env_info(mudslide=mudslide)
    bench.print_env_header(
        "FSSH benchmark: lzsm.surface_hopping vs mudslide SurfaceHoppingMD, Tully simple crossing", env, "mudslide"
    )
    print(f"  k = {MOMENTA}, {N_TRAJ} trajectories each, dt = {args.dt:g} a.u., x0 = {X0:g}, box [{X0:g}, {X1:g}]")

    exact = None
    if stationary_scattering is not None:
        ex = stationary_scattering(TullySimple(mass=MASS), k=list(MOMENTA))
        exact = ex.transmission
        print(
            "  exact (stationary coupled channels): "
            + ", ".join(f"k={k:g}: T = {np.round(exact[i], 4).tolist()}" for i, k in enumerate(MOMENTA))
        )

    # lzsm: warm-up (compile / cache load), then one timed run
    cpu, wall, _ = bench.timed(lambda: run_lzsm(args.dt, 2, args.seed))
    print(f"\n  lzsm warm-up (JIT compile or cache load): {fmt_t(wall)} wall")
    cpu, wall, res = bench.timed(lambda: run_lzsm(args.dt, N_TRAJ, args.seed))
    lz = {
        "cpu_total": cpu,
        "wall_total": wall,
        "cpu_per_trajectory": cpu / (N_TRAJ * len(MOMENTA)),
        "wall_per_trajectory": wall / (N_TRAJ * len(MOMENTA)),
        "transmission": res.transmission.tolist(),
        "transmission_error": res.transmission_stderr.tolist(),
        "max_energy_error": float(res.energy_error.max()),
    }
    print(
        f"  lzsm  {N_TRAJ} x {len(MOMENTA)} trajectories: CPU {fmt_t(cpu)}, wall {fmt_t(wall)} "
        f"({fmt_t(lz['cpu_per_trajectory'])} CPU per trajectory)"
    )
    for i, k in enumerate(MOMENTA):
        print(
            f"    k={k:g}: T = {np.round(res.transmission[i], 4).tolist()} "
            f"+- {np.round(res.transmission_stderr[i], 4).tolist()}"
        )

    out = {
        "command": command,
        "env": env,
        "dt": args.dt,
        "momenta": list(MOMENTA),
        "n_trajectories": N_TRAJ,
        "exact_transmission": None if exact is None else exact.tolist(),
        "lzsm": lz,
        "target": TARGET,
    }
    if mudslide is None:
        print("\n  mudslide not importable: skipping its side (pip install mudslide==0.12)")
        out["mudslide"] = None
    else:
        ms = {"subsample_per_momentum": n_ms, "per_momentum": {}}
        cpu_tot = wall_tot = 0.0
        print(f"\n  mudslide: {n_ms} trajectories per momentum (seeded subsample), extrapolated to {N_TRAJ}")
        for k in MOMENTA:
            cpu, wall, counts = bench.timed(lambda k=k: run_mudslide(k, args.dt, n_ms, args.seed))
            t = counts[1] / n_ms
            err = np.sqrt(t * (1 - t) / n_ms)
            ms["per_momentum"][str(k)] = {
                "cpu": cpu,
                "wall": wall,
                "cpu_per_trajectory": cpu / n_ms,
                "transmission": t.tolist(),
                "transmission_error": err.tolist(),
            }
            cpu_tot += cpu / n_ms * N_TRAJ
            wall_tot += wall / n_ms * N_TRAJ
            print(
                f"    k={k:g}: {fmt_t(cpu / n_ms)} CPU per trajectory; T = {np.round(t, 3).tolist()} "
                f"+- {np.round(err, 3).tolist()}"
            )
        ms["cpu_extrapolated"] = cpu_tot
        ms["wall_extrapolated"] = wall_tot
        out["mudslide"] = ms
        out["ratio_cpu"] = cpu_tot / lz["cpu_total"]
        out["ratio_wall"] = wall_tot / lz["wall_total"]

    runtime = time.perf_counter() - w_start
    out["runtime_s"] = runtime
    print("\n" + "=" * 86)
    print(f"FSSH, Tully simple crossing, k = 10 and 20, {N_TRAJ} trajectories each, dt = {args.dt:g} a.u.")
    print("=" * 86)
    print(f"  lzsm:     CPU {fmt_t(lz['cpu_total'])}  [wall {fmt_t(lz['wall_total'])}]  (measured, all trajectories)")
    if out.get("mudslide"):
        ms = out["mudslide"]
        print(
            f"  mudslide: CPU {fmt_t(ms['cpu_extrapolated'])}  [wall {fmt_t(ms['wall_extrapolated'])}]  "
            f"(extrapolated from {n_ms} trajectories per momentum)"
        )
        print(
            f"  ratio mudslide/lzsm: CPU {out['ratio_cpu']:.3g}x  [wall {out['ratio_wall']:.3g}x]   "
            f"target >= {TARGET:g}x: {'met' if out['ratio_cpu'] >= TARGET else 'NOT met'}"
        )
    bench.print_run_footer(command, runtime)
    bench.write_json(args.json, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
