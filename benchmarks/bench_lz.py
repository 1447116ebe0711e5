"""Benchmark: lzsm.evolve against QuTiP sesolve on Landau–Zener passages at matched error.

What it measures
----------------
The *general* propagator :func:`lzsm.evolve` (compiled sixth-order Magnus integrator), not
the parabolic-cylinder closed form, which serves only as the exact reference
(:func:`lzsm.finite_time_p_diabatic_stay`).  The observable is P, the population of diabatic
state |1> at t = +200 for a system started in |1> at t = -200, with

    H(t) = [[alpha t / 2, V], [V, -alpha t / 2]],   hbar = 1.

(a) one passage, V = 0.5, alpha = 1, required |P - P_exact| <= 1e-9.
    Target: lzsm at least 100x faster than QuTiP (CPU time).
(b) a 100 x 100 grid of (V, alpha): V linearly spaced in [0.1, 1], alpha linearly spaced in
    [0.5, 2], required max |P - P_exact| <= 1e-9 over the grid.  lzsm evolves the whole grid
    in one ``evolve`` call on ``LandauZener(coupling=V[:, None], sweep_rate=alpha[None, :])``;
    QuTiP runs on a seeded random subset of grid points (8 by default) and its per-point time
    is extrapolated.  Target: at least 1000x faster per point (CPU time).

QuTiP side: ``qutip.sesolve(model.to_qutip(), basis(2, 0), [t0, t1],
options={"method": "vern9", "atol": tol, "rtol": tol})``.

"Matched error": for each side the *loosest* tolerance among 1e-8, 1e-9, 1e-10 whose error at
(a) is <= 1e-9 is used (lzsm: ``evolve(..., tol=...)``, default 1e-10; QuTiP: atol = rtol).
For (b) each side starts from its (a) tolerance and is tightened by 10x until its error (lzsm:
whole grid; QuTiP: the subset) is <= 1e-9.  The errors of both sides are printed.

Timing
------
* CPU time (``time.process_time``, all threads of this process) is the headline: ``evolve``
  runs its compiled kernel on numba's threads (chunks of parameter points, 2 cores
  here), so on the grid its wall time is about half its CPU time; QuTiP is single-threaded.
  Wall-clock times (``time.perf_counter``) and the wall-clock ratio are printed as well.
* lzsm is warmed up once before timing (numba JIT compile / on-disk cache load).  QuTiP is
  warmed up with one short solve.  For (a) each side is run several times (``--repeats``;
  QuTiP at most 3 times) and the *median* is used for the ratio (the best is printed too).
  For (b) the lzsm grid is timed in one ``evolve`` call; QuTiP's subset total is divided by the
  subset size.

How to run
----------
    make bench
    # or
    .venv/bin/python benchmarks/bench_lz.py [--quick] [--json out.json]

``--quick`` is a smoke run (20 x 20 grid, 3 QuTiP points, fewer repeats).  Without QuTiP
installed (``pip install 'lzsm[bench]'``) the QuTiP parts are skipped with a message.

Caveats
-------
* OPENBLAS_* / OMP_* thread variables set in this machine's environment (printed at start) slow
  NumPy a little; they do not affect the numba kernel but do affect the NumPy bookkeeping that
  ``evolve`` does around it (model setup, adiabatic-state transform at t0).
* numba threads: a single-point ``evolve`` runs in the calling thread (chunks of points go to
  ``numba.get_num_threads()`` threads, :mod:`lzsm.kernels.threads`), so on (a) its CPU time is
  its wall time; the run with ``numba.set_num_threads(1)`` is printed as an info line.
* Timings are noisy on a shared machine; the full run takes about a minute or two.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benchmarks/_common.py
import numpy as np

import _common as bench
import lzsm
from _common import fmt_r, fmt_rw, fmt_t, fmt_tw
from lzsm import LandauZener, evolve, finite_time_p_diabatic_stay

qutip = bench.optional_import("qutip")

T0, T1 = -200.0, 200.0
V_A, ALPHA_A = 0.5, 1.0
TARGET_ERR = 1e-9
TARGET_RATIO_A = 100.0
TARGET_RATIO_B = 1000.0
TOL_CANDIDATES = (1e-8, 1e-9, 1e-10)  # loosest first; same list for both sides
TOL_FLOOR = 1e-12  # tightest tolerance tried on the grid
QUTIP_NSTEPS = 10**7  # vern9 needs far more than QuTiP's default 1000 steps


# ----------------------------------------------------------------------------- helpers
def lzsm_p(model, tol):
    return np.asarray(evolve(model, (T0, T1), 0, tol=tol, progress=False).p_diabatic_stay)


def qutip_p(v, alpha, tol):
    h = LandauZener(v, alpha).to_qutip()
    res = qutip.sesolve(
        h,
        qutip.basis(2, 0),
        [T0, T1],
        options={"method": "vern9", "atol": tol, "rtol": tol, "nsteps": QUTIP_NSTEPS, "progress_bar": False},
    )
    return abs(complex(res.states[-1].full()[0, 0])) ** 2


# ----------------------------------------------------------------------------- case (a)
def case_a(repeats):
    print(f"\n(a) one passage: V={V_A}, alpha={ALPHA_A}, t in [{T0:g}, {T1:g}], need |P - P_exact| <= {TARGET_ERR:g}")
    exact = float(finite_time_p_diabatic_stay(V_A, ALPHA_A, T1, T0, initial=0))
    print(f"  P_exact = {exact:.15f}")
    model = LandauZener(V_A, ALPHA_A)
    out = {"V": V_A, "alpha": ALPHA_A, "p_exact": exact}

    # lzsm: warm-up (JIT compile / cache load), then pick the loosest passing tol
    _, wall, _ = bench.timed(lambda: lzsm_p(model, lzsm.dynamics.coherent.DEFAULT_TOL))
    print(f"  lzsm warm-up (JIT): {fmt_t(wall)} wall")
    tried = {}

    def lz_error(tol):
        tried[tol] = abs(float(lzsm_p(model, tol)) - exact)
        print(f"  lzsm  tol={tol:.0e}: error {tried[tol]:.2e}")
        return tried[tol]

    tol_l = bench.loosest_tolerance(TOL_CANDIDATES, lz_error, TARGET_ERR, "lzsm")

    def lz_runs(tol):
        runs = bench.timed_runs(lambda: lzsm_p(model, tol), repeats)
        return {"tol": tol, "error": abs(float(runs[-1][2]) - exact), **bench.run_summary(runs), "repeats": repeats}

    lz = lz_runs(tol_l)
    lz["tolerances_tried"] = {f"{k:.0e}": v for k, v in tried.items()}
    print(
        f"  lzsm  tol={tol_l:.0e} x{repeats}: CPU median {fmt_t(lz['cpu_median'])} "
        f"(best {fmt_t(lz['cpu_best'])}), wall median {fmt_t(lz['wall_median'])} "
        f"(best {fmt_t(lz['wall_best'])}), error {lz['error']:.2e}"
    )
    if tol_l != lzsm.dynamics.coherent.DEFAULT_TOL:
        d = lz_runs(lzsm.dynamics.coherent.DEFAULT_TOL)
        lz["default_tol"] = d
        print(
            f"  lzsm  default tol={d['tol']:.0e} x{repeats} (info): CPU median "
            f"{fmt_t(d['cpu_median'])}, wall median {fmt_t(d['wall_median'])}, error {d['error']:.2e}"
        )
    # info only: numba's OpenMP worker threads spin after each parallel region, which is
    # charged to process CPU time; a single point gains nothing from a second thread
    import numba

    nthreads = numba.get_num_threads()
    if nthreads > 1:
        numba.set_num_threads(1)
        try:
            s1 = lz_runs(tol_l)
        finally:
            numba.set_num_threads(nthreads)
        lz["one_numba_thread"] = s1
        print(
            f"  lzsm  tol={tol_l:.0e} x{repeats} with numba.set_num_threads(1) (info): CPU median "
            f"{fmt_t(s1['cpu_median'])}, wall median {fmt_t(s1['wall_median'])}"
        )
    out["lzsm"] = lz

    if qutip is None:
        print("  QuTiP not importable: skipping the QuTiP side (pip install 'lzsm[bench]')")
        out["qutip"] = None
        return out, tol_l, None

    qutip_p(V_A, ALPHA_A, 1e-6)  # warm-up (imports, integrator setup)
    tried = {}

    def qutip_error(tol):
        cpu, wall, p = bench.timed(lambda: qutip_p(V_A, ALPHA_A, tol))
        tried[tol] = {"error": abs(p - exact), "cpu": cpu, "wall": wall}
        print(
            f"  QuTiP vern9 atol=rtol={tol:.0e}: error {tried[tol]['error']:.2e}, CPU {fmt_t(cpu)}, wall {fmt_t(wall)}"
        )
        return tried[tol]["error"]

    tol_q = bench.loosest_tolerance(TOL_CANDIDATES, qutip_error, TARGET_ERR, "QuTiP")
    runs = [(tried[tol_q]["cpu"], tried[tol_q]["wall"], None)]  # the run at tol_q counts as the first repeat
    nq = min(3, repeats)
    runs += bench.timed_runs(lambda: qutip_p(V_A, ALPHA_A, tol_q), nq - len(runs))
    q = {
        "tol": tol_q,
        "error": tried[tol_q]["error"],
        **bench.run_summary(runs),
        "repeats": len(runs),
        "tolerances_tried": {f"{k:.0e}": v for k, v in tried.items()},
    }
    print(
        f"  QuTiP atol=rtol={tol_q:.0e} x{len(runs)}: CPU median {fmt_t(q['cpu_median'])} "
        f"(best {fmt_t(q['cpu_best'])}), wall median {fmt_t(q['wall_median'])}"
    )
    out["qutip"] = q
    out["ratio_cpu"] = q["cpu_median"] / lz["cpu_median"]
    out["ratio_wall"] = q["wall_median"] / lz["wall_median"]
    out["ratio_cpu_best"] = q["cpu_best"] / lz["cpu_best"]
    if "one_numba_thread" in lz:
        out["ratio_cpu_one_numba_thread"] = q["cpu_median"] / lz["one_numba_thread"]["cpu_median"]
    print(
        f"  ratio QuTiP/lzsm: CPU {fmt_r(out['ratio_cpu'])} (medians; best/best "
        f"{fmt_r(out['ratio_cpu_best'])}), wall {fmt_r(out['ratio_wall'])}"
    )
    if "ratio_cpu_one_numba_thread" in out:
        print(f"  (info) CPU ratio with lzsm on 1 numba thread: {fmt_r(out['ratio_cpu_one_numba_thread'])}")
    return out, tol_l, tol_q


# ----------------------------------------------------------------------------- case (b)
def case_b(n, n_qutip, seed, tol_l, tol_q):
    v = np.linspace(0.1, 1.0, n)
    a = np.linspace(0.5, 2.0, n)
    print(
        f"\n(b) grid {n} x {n}: V linear in [0.1, 1], alpha linear in [0.5, 2], "
        f"t in [{T0:g}, {T1:g}], need max |P - P_exact| <= {TARGET_ERR:g}"
    )
    cpu, wall, exact = bench.timed(lambda: np.asarray(finite_time_p_diabatic_stay(v[:, None], a[None, :], T1, T0)))
    print(f"  exact reference (closed form, not benchmarked): {fmt_t(wall)} wall")
    model = LandauZener(coupling=v[:, None], sweep_rate=a[None, :])
    npts = n * n
    out = {"n": n, "points": npts, "V_range": [0.1, 1.0], "alpha_range": [0.5, 2.0], "spacing": "linear"}

    tol = tol_l
    tried = {}
    while True:
        cpu, wall, p = bench.timed(lambda tol=tol: lzsm_p(model, tol))
        err = float(np.max(np.abs(p - exact)))
        tried[f"{tol:.0e}"] = {"error": err, "cpu": cpu, "wall": wall}
        print(
            f"  lzsm  tol={tol:.0e}: max error {err:.2e}, CPU {fmt_t(cpu)} "
            f"({fmt_t(cpu / npts)}/point), wall {fmt_t(wall)} ({fmt_t(wall / npts)}/point)"
        )
        if err <= TARGET_ERR or tol / 10 < TOL_FLOOR * 0.999:
            break
        tol /= 10
    if err > TARGET_ERR:
        print("  WARNING: lzsm missed the error target on the grid")
    lz = {
        "tol": tol,
        "max_error": err,
        "cpu_total": cpu,
        "wall_total": wall,
        "cpu_per_point": cpu / npts,
        "wall_per_point": wall / npts,
        "tolerances_tried": tried,
    }
    out["lzsm"] = lz

    if qutip is None or tol_q is None:
        print("  QuTiP not importable: skipping the QuTiP side (pip install 'lzsm[bench]')")
        out["qutip"] = None
        return out
    idx = bench.random_grid_subset((n, n), n_qutip, seed)
    pts = [(float(v[i]), float(a[j])) for i, j in idx]
    print(f"  QuTiP subset (seed {seed}): " + ", ".join(f"({x:.3f}, {y:.3f})" for x, y in pts))
    tol = tol_q
    tried = {}
    while True:
        cpu, wall, ps = bench.timed(lambda tol=tol: [qutip_p(x, y, tol) for x, y in pts])
        errs = [abs(pq - exact[i, j]) for pq, (i, j) in zip(ps, idx)]
        err = max(errs)
        k = len(pts)
        tried[f"{tol:.0e}"] = {"error": err, "cpu": cpu, "wall": wall}
        print(
            f"  QuTiP atol=rtol={tol:.0e}: max error on subset {err:.2e}, "
            f"CPU {fmt_t(cpu / k)}/point, wall {fmt_t(wall / k)}/point"
        )
        if err <= TARGET_ERR or tol / 10 < TOL_FLOOR * 0.999:
            break
        tol /= 10
    if err > TARGET_ERR:
        print("  WARNING: QuTiP missed the error target on the subset")
    q = {
        "tol": tol,
        "max_error_subset": err,
        "subset": [list(p) for p in pts],
        "subset_errors": errs,
        "cpu_per_point": cpu / k,
        "wall_per_point": wall / k,
        "cpu_grid_extrapolated": cpu / k * npts,
        "wall_grid_extrapolated": wall / k * npts,
        "tolerances_tried": tried,
    }
    out["qutip"] = q
    out["ratio_cpu"] = q["cpu_per_point"] / lz["cpu_per_point"]
    out["ratio_wall"] = q["wall_per_point"] / lz["wall_per_point"]
    print(
        f"  QuTiP extrapolated to {npts} points: CPU {fmt_t(q['cpu_grid_extrapolated'])}, "
        f"wall {fmt_t(q['wall_grid_extrapolated'])}"
    )
    print(f"  ratio QuTiP/lzsm per point: CPU {fmt_r(out['ratio_cpu'])}, wall {fmt_r(out['ratio_wall'])}")
    return out


# ----------------------------------------------------------------------------- table
def table(a, b, command, runtime):
    rows = []
    qa, qb = a.get("qutip"), b.get("qutip")
    rows.append(
        (
            "(a) 1 point",
            fmt_tw(a["lzsm"]["cpu_median"], a["lzsm"]["wall_median"]),
            "n/a" if qa is None else fmt_tw(qa["cpu_median"], qa["wall_median"]),
            "n/a" if qa is None else fmt_rw(a["ratio_cpu"], a["ratio_wall"]),
            f">= {TARGET_RATIO_A:g}x",
            "n/a" if qa is None else ("yes" if a["ratio_cpu"] >= TARGET_RATIO_A else "NO"),
            f"{a['lzsm']['error']:.1e} ({a['lzsm']['tol']:.0e})",
            "n/a" if qa is None else f"{qa['error']:.1e} ({qa['tol']:.0e})",
        )
    )
    rows.append(
        (
            f"(b) {b['n']}x{b['n']}, per point",
            fmt_tw(b["lzsm"]["cpu_per_point"], b["lzsm"]["wall_per_point"]),
            "n/a" if qb is None else fmt_tw(qb["cpu_per_point"], qb["wall_per_point"]),
            "n/a" if qb is None else fmt_rw(b["ratio_cpu"], b["ratio_wall"]),
            f">= {TARGET_RATIO_B:g}x",
            "n/a" if qb is None else ("yes" if b["ratio_cpu"] >= TARGET_RATIO_B else "NO"),
            f"{b['lzsm']['max_error']:.1e} ({b['lzsm']['tol']:.0e})",
            "n/a" if qb is None else f"{qb['max_error_subset']:.1e} ({qb['tol']:.0e}) [{len(qb['subset'])} pts]",
        )
    )
    rows.append(
        (
            f"(b) {b['n']}x{b['n']}, whole grid",
            fmt_tw(b["lzsm"]["cpu_total"], b["lzsm"]["wall_total"]),
            "n/a" if qb is None else fmt_tw(qb["cpu_grid_extrapolated"], qb["wall_grid_extrapolated"]) + " (extrap.)",
            "",
            "",
            "",
            "",
            "",
        )
    )
    head = (
        "case",
        "lzsm CPU [wall]",
        "QuTiP CPU [wall]",
        "ratio CPU [wall]",
        "target",
        "met (CPU)",
        "lzsm err (tol)",
        "QuTiP err (tol)",
    )
    title = "Landau–Zener benchmark: lzsm.evolve vs QuTiP sesolve (vern9), |P - P_exact| <= 1e-9"
    bench.print_table(
        title,
        head,
        rows,
        (
            "ratio = QuTiP time / lzsm time; headline uses CPU time (time.process_time, all threads),",
            "[brackets] = wall clock (time.perf_counter).  (a): medians of repeated runs.  (b): lzsm one",
            "evolve call over the grid / points; QuTiP per-point time from the seeded subset; QuTiP error",
            "is the max over that subset only.  err = |P - P_exact| (max over the grid for lzsm in (b)).",
        ),
    )
    bench.print_run_footer(command, runtime)


# ----------------------------------------------------------------------------- main
def main(argv=None):
    ap = bench.make_parser(__doc__, "smoke run: 20 x 20 grid, 3 QuTiP points, 3 repeats")
    ap.add_argument("--repeats", type=int, default=None, help="timed repeats for (a) (default 15; quick 3)")
    ap.add_argument("--grid", type=int, default=None, help="grid size n for n x n (default 100; quick 20)")
    ap.add_argument("--qutip-points", type=int, default=None, help="QuTiP subset size for (b) (default 8; quick 3)")
    ap.add_argument("--seed", type=int, default=12345, help="seed of the QuTiP subset")
    args = ap.parse_args(argv)
    repeats = args.repeats or (3 if args.quick else 15)
    n = args.grid or (20 if args.quick else 100)
    nq = args.qutip_points or (3 if args.quick else 8)

    w_start = time.perf_counter()
    command = bench.command_line()
    env = bench.env_info(qutip=qutip)
    bench.print_env_header("lzsm benchmark: evolve (general propagator) vs QuTiP sesolve", env, "qutip")
    if qutip is None:
        print("  QuTiP is not importable: only the lzsm side will be timed (no ratios)")

    a, tol_l, tol_q = case_a(repeats)
    b = case_b(n, nq, args.seed, tol_l, tol_q)
    runtime = time.perf_counter() - w_start
    table(a, b, command, runtime)

    bench.write_json(
        args.json,
        {
            "command": command,
            "runtime_s": runtime,
            "env": env,
            "target_error": TARGET_ERR,
            "targets": {"a": TARGET_RATIO_A, "b": TARGET_RATIO_B},
            "ratio_uses": "cpu (time.process_time); wall ratios also given",
            "t_span": [T0, T1],
            "case_a": a,
            "case_b": b,
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
