"""Benchmark: lzsm.evolve_open (Lindblad) against QuTiP mesolve on a dephased LZ map at matched error.

What it measures
----------------
A two-level Landau–Zener passage with pure dephasing in the diabatic basis (hbar = 1),

    H(t) = [[alpha t / 2, V], [V, -alpha t / 2]],   L = sqrt(gamma/2) sigma_z,

so that the diabatic coherence decays at gamma when H = 0 (docs/conventions.md, open systems).  Grid:
V = 1 fixed, sweep rate alpha log-spaced in [0.5, 20] (40 values: adiabaticity
delta = V^2/alpha from 2 down to 0.05, P_LZ from 3.5e-6 to 0.73) times dephasing rate gamma
linearly spaced in [0, 5] (25 values, from coherent to the strong-dephasing regime gamma > 2V
where the crossing is incoherent): 1000 points.  Window t in [-T, T] with T = 10 t_c,
t_c = 2V/alpha_min = 4 (the time at which the diabatic splitting alpha t reaches the minimum gap
2V for the slowest sweep), so T = 40; it is also 4x the incoherent-transition window
gamma_max/alpha_min = 10.  Start in diabatic |1> (rho = |1><1|) at -T; observable: the whole
density matrix at +T; error = max |rho_ij - rho_ij^ref| (this bounds the error of
``p_diabatic_stay`` = rho_11).  Required: max error <= 1e-6 (``--target``).

Reference: lzsm at tol 1e-12 on the whole grid, checked on a few points (the four grid corners;
``--quick``: two) against QuTiP ``mesolve`` with vern9 at atol = rtol = 1e-12.  The max
difference is printed.

lzsm side: one ``evolve_open(LandauZener(1, alpha[:, None]), (-T, T), 0, dephasing=gamma[None, :],
tol=tol)`` call over the whole grid.  tol is the loosest of 1e-4, 1e-5, ... whose max error over
the whole grid is <= the target (the two-level kernel's per-step estimate is a conservative
bound, so its tol sits well above the error it delivers).  Warmed up first (numba JIT / cache load); the chosen tol is
timed ``--repeats`` times (median).

QuTiP side (fair setup, as a user would): per point ``qutip.mesolve(model.to_qutip(), rho0,
[-T, T], c_ops=[sqrt(gamma/2) sigma_z], options={"method": m, "atol": tol, "rtol": tol})``
with the plain-Python coefficient from ``to_qutip()`` (string coefficients need Cython, which
this environment does not have), one call per point.  QuTiP runs on a seeded stratified random
subsample of the grid (``--qutip-points``, default 30: one point drawn from each of 30 equal
consecutive blocks of the flattened (alpha, gamma) grid, so sweep rates are covered evenly; the
per-point cost grows steeply with alpha) and its mean per-point time is extrapolated to the grid.
For each method (``--methods``, default adams (mesolve's default), vern7, vern9) tol = atol =
rtol runs down 1e-7, 1e-8, ... until the max error over the subsample plus the two fast-sweep
corners (alpha = 20, gamma = 0 and 5; the hardest points, not used for timing) is <= the target.
The fastest method that meets the target gives the headline ratio.

Timing
------
CPU time (``time.process_time``, all threads of the process) is the headline: lzsm runs its
compiled kernel on numba's threads (chunks of grid points, 2 cores here), QuTiP is
single-threaded.  Wall times (``time.perf_counter``) are printed in [brackets] with their ratio.
The machine may be shared (load average printed); timings are noisy.

How to run
----------
    .venv/bin/python benchmarks/bench_open.py [--quick] [--json out.json]

``--quick``: a smoke run (8 x 5 grid, 4 QuTiP points, vern7 only, 2 reference checks).  Without
QuTiP the QuTiP parts are skipped.  The full run takes a few minutes (mostly QuTiP).
"""

from __future__ import annotations

import itertools
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benchmarks/_common.py
import numpy as np

import _common as bench
from _common import fmt_rw, fmt_t, fmt_tw
from lzsm import LandauZener
from lzsm.dynamics.open import evolve_open

qutip = bench.optional_import("qutip")

V = 1.0
ALPHA_RANGE = (0.5, 20.0)
GAMMA_RANGE = (0.0, 5.0)
T_C = 2.0 * V / ALPHA_RANGE[0]
T = 10.0 * T_C
TARGET_ERR = 1e-6
TARGET_RATIO = 50.0
REF_TOL = 1e-12
LZSM_TOLS = (1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11)
QUTIP_TOLS = (1e-7, 1e-8, 1e-9, 1e-10, 1e-11, 1e-12)
QUTIP_NSTEPS = 10**8


# ----------------------------------------------------------------------------- helpers
def axes(n_alpha, n_gamma):
    return np.geomspace(*ALPHA_RANGE, n_alpha), np.linspace(*GAMMA_RANGE, n_gamma)


def lzsm_rho(alpha, gamma, tol):
    """Final diabatic density matrices (n_alpha, n_gamma, 2, 2) from one evolve_open call."""
    res = evolve_open(LandauZener(V, alpha[:, None]), (-T, T), 0, dephasing=gamma[None, :], tol=tol, progress=False)
    if not res.ok:
        raise RuntimeError(f"evolve_open failed at tol={tol:g}")
    return res.rho[..., -1, :, :]


def qutip_rho(alpha, gamma, method, tol):
    """Final density matrix of one mesolve call, as a user would write it."""
    h = LandauZener(V, alpha).to_qutip()
    rho0 = qutip.ket2dm(qutip.basis(2, 0))
    c_ops = [math.sqrt(gamma / 2.0) * qutip.sigmaz()]
    res = qutip.mesolve(
        h,
        rho0,
        [-T, T],
        c_ops=c_ops,
        options={"method": method, "atol": tol, "rtol": tol, "nsteps": QUTIP_NSTEPS, "progress_bar": False},
    )
    return res.states[-1].full()


# ----------------------------------------------------------------------------- reference
def reference(alpha, gamma, check_idx):
    print(f"\nreference: lzsm evolve_open tol={REF_TOL:.0e} on the whole {alpha.size} x {gamma.size} grid")
    cpu, wall, ref = bench.timed(lambda: lzsm_rho(alpha, gamma, REF_TOL))
    print(f"  {fmt_t(cpu)} CPU [{fmt_t(wall)} wall]")
    out = {"tol": REF_TOL, "cpu": cpu, "wall": wall, "checks": []}
    if qutip is None:
        print("  QuTiP not importable: reference not cross-checked")
        out["max_diff"] = None
        return ref, out
    for i, j in check_idx:
        c, _, q = bench.timed(lambda i=i, j=j: qutip_rho(float(alpha[i]), float(gamma[j]), "vern9", 1e-12))
        d = float(np.max(np.abs(q - ref[i, j])))
        out["checks"].append({"alpha": float(alpha[i]), "gamma": float(gamma[j]), "diff": d, "qutip_cpu": c})
        print(
            f"  check vs QuTiP mesolve vern9 atol=rtol=1e-12 at alpha={alpha[i]:.3g}, gamma={gamma[j]:.3g}: "
            f"max |drho| {d:.1e} ({fmt_t(c)} CPU)"
        )
    out["max_diff"] = max(c["diff"] for c in out["checks"])
    return ref, out


# ----------------------------------------------------------------------------- lzsm
def lzsm_side(alpha, gamma, ref, repeats, target):
    npts = alpha.size * gamma.size
    print(f"\nlzsm evolve_open on the whole grid ({npts} points), need max error <= {target:g}")
    _, wall, _ = bench.timed(lambda: lzsm_rho(alpha[:2], gamma[:2], 1e-6))
    print(f"  warm-up (JIT compile / cache load): {fmt_t(wall)} wall")
    tried = {}

    def lz_error(tol):
        cpu, wall, rho = bench.timed(lambda: lzsm_rho(alpha, gamma, tol))
        err = float(np.max(np.abs(rho - ref)))
        tried[f"{tol:.0e}"] = {"max_error": err, "cpu": cpu, "wall": wall}
        print(f"  tol={tol:.0e}: max error {err:.2e}, CPU {fmt_t(cpu / npts)}/point [wall {fmt_t(wall / npts)}/point]")
        return err

    tol = bench.loosest_tolerance(LZSM_TOLS, lz_error, target, "lzsm")
    runs = bench.timed_runs(lambda: lzsm_rho(alpha, gamma, tol), repeats)
    st = bench.run_summary(runs)
    err = float(np.max(np.abs(runs[-1][2] - ref)))
    lz = {
        "tol": tol,
        "max_error": err,
        "points": npts,
        "repeats": repeats,
        "cpu_total": st["cpu_median"],
        "wall_total": st["wall_median"],
        "cpu_per_point": st["cpu_median"] / npts,
        "wall_per_point": st["wall_median"] / npts,
        "cpu_runs": [r[0] for r in runs],
        "wall_runs": [r[1] for r in runs],
        "tolerances_tried": tried,
    }
    print(
        f"  tol={tol:.0e} x{repeats}: CPU median {fmt_t(lz['cpu_total'])} ({fmt_t(lz['cpu_per_point'])}/point), "
        f"wall median {fmt_t(lz['wall_total'])} ({fmt_t(lz['wall_per_point'])}/point), max error {err:.2e}"
    )
    return lz


# ----------------------------------------------------------------------------- QuTiP
def qutip_side(alpha, gamma, ref, idx, extra, methods, target):
    pts = [(float(alpha[i]), float(gamma[j])) for i, j in idx]
    print(
        f"\nQuTiP {qutip.__version__} mesolve, one call per point, on a stratified random subsample of "
        f"{len(idx)} points (alpha, gamma): " + ", ".join(f"({a:.3g}, {g:.3g})" for a, g in pts)
    )
    print(
        "  error checked on the subsample plus "
        + ", ".join(f"(alpha={alpha[i]:.3g}, gamma={gamma[j]:.3g})" for i, j in extra)
        + " (not timed)"
    )
    qutip_rho(1.0, 0.5, "adams", 1e-6)  # warm-up (imports, integrator set-up)
    out = {
        "subsample": [list(p) for p in pts],
        "extra_error_points": [[float(alpha[i]), float(gamma[j])] for i, j in extra],
        "methods": {},
    }
    for method in methods:
        tried = {}
        chosen = None
        for tol in QUTIP_TOLS:
            cpus, walls, errs = [], [], []
            for i, j in idx:
                c, w, q = bench.timed(
                    lambda i=i, j=j, method=method, tol=tol: qutip_rho(float(alpha[i]), float(gamma[j]), method, tol)
                )
                cpus.append(c)
                walls.append(w)
                errs.append(float(np.max(np.abs(q - ref[i, j]))))
            errs_x = [
                float(np.max(np.abs(qutip_rho(float(alpha[i]), float(gamma[j]), method, tol) - ref[i, j])))
                for i, j in extra
            ]
            err = max(errs + errs_x)
            rec = {
                "max_error": err,
                "max_error_subsample": max(errs),
                "errors_extra": errs_x,
                "cpu_per_point": sum(cpus) / len(cpus),
                "wall_per_point": sum(walls) / len(walls),
                "cpu_points": cpus,
                "errors": errs,
            }
            tried[f"{tol:.0e}"] = rec
            print(
                f"  {method:6s} atol=rtol={tol:.0e}: max error {err:.2e} (subsample {max(errs):.1e}, corners "
                + ", ".join(f"{e:.1e}" for e in errs_x)
                + f"), CPU {fmt_t(rec['cpu_per_point'])}/point "
                f"[wall {fmt_t(rec['wall_per_point'])}]",
                flush=True,
            )
            if err <= target:
                chosen = dict(rec, tol=tol)
                break
        if chosen is None:
            print(f"  {method}: no tolerance down to {QUTIP_TOLS[-1]:.0e} met the target")
        out["methods"][method] = {"chosen": chosen, "tolerances_tried": tried}
    ok = {m: r["chosen"] for m, r in out["methods"].items() if r["chosen"] is not None}
    out["best_method"] = min(ok, key=lambda m: ok[m]["cpu_per_point"]) if ok else None
    return out


# ----------------------------------------------------------------------------- table
def table(ref, lz, q, npts, command, runtime, target):
    rows = []
    lz_cell = fmt_tw(lz["cpu_per_point"], lz["wall_per_point"])
    lz_err = f"{lz['max_error']:.1e} (tol {lz['tol']:.0e}, whole grid)"
    rows.append(("lzsm evolve_open, whole grid", fmt_tw(lz["cpu_total"], lz["wall_total"]), "", "", "", lz_err, ""))
    if q is not None:
        for m, r in q["methods"].items():
            c = r["chosen"]
            if c is None:
                rows.append((f"QuTiP {m}", lz_cell, "target not met", "", "", lz_err, ""))
                continue
            rc = c["cpu_per_point"] / lz["cpu_per_point"]
            rw = c["wall_per_point"] / lz["wall_per_point"]
            c["ratio_cpu"], c["ratio_wall"] = rc, rw
            tag = " (best)" if m == q["best_method"] else ""
            rows.append(
                (
                    f"per point vs QuTiP {m}{tag}",
                    lz_cell,
                    fmt_tw(c["cpu_per_point"], c["wall_per_point"]),
                    fmt_rw(rc, rw),
                    "yes" if rc >= TARGET_RATIO else "NO",
                    lz_err,
                    f"{c['max_error']:.1e} (tol {c['tol']:.0e})",
                )
            )
    head = (
        "case",
        "lzsm CPU [wall]",
        "QuTiP CPU [wall]",
        "ratio CPU [wall]",
        f">= {TARGET_RATIO:g}x",
        "lzsm max err",
        "QuTiP max err",
    )
    title = f"Dephased Landau-Zener map: lzsm.evolve_open vs QuTiP mesolve, {npts} points, max |drho| <= {target:g}"
    bench.print_table(
        title,
        head,
        rows,
        (
            "ratio = QuTiP time / lzsm time per point; headline uses CPU time (time.process_time, all threads);",
            ("[brackets] = wall clock.  lzsm: median of whole-grid evolve_open calls / points; QuTiP: mean over the"),
            "seeded stratified subsample (one mesolve per point); QuTiP error = max over the subsample and the",
            f"fast-sweep corners.  err = max |rho - rho_ref| at t = +T; rho_ref = lzsm tol {REF_TOL:.0e}"
            + (
                ""
                if ref["max_diff"] is None
                else f" (max diff to QuTiP vern9 1e-12 on {len(ref['checks'])} points: {ref['max_diff']:.1e})"
            )
            + ".",
        ),
    )
    bench.print_run_footer(command, runtime)


# ----------------------------------------------------------------------------- main
def main(argv=None):
    ap = bench.make_parser(__doc__, "smoke run: 8 x 5 grid, 4 QuTiP points, vern7 only, 2 reference checks")
    ap.add_argument("--qutip-points", type=int, default=None, help="QuTiP subsample size (default 30; quick 4)")
    ap.add_argument("--methods", default=None, help="comma-separated mesolve methods (default adams,vern7,vern9)")
    ap.add_argument("--repeats", type=int, default=None, help="timed lzsm repeats at the chosen tol (default 3)")
    ap.add_argument("--target", type=float, default=TARGET_ERR, help="required max error (default 1e-6)")
    ap.add_argument("--seed", type=int, default=12345, help="seed of the QuTiP subsample")
    args = ap.parse_args(argv)
    n_alpha, n_gamma = (8, 5) if args.quick else (40, 25)
    nq = args.qutip_points or (4 if args.quick else 30)
    methods = (args.methods or ("vern7" if args.quick else "adams,vern7,vern9")).split(",")
    repeats = args.repeats or (1 if args.quick else 3)
    alpha, gamma = axes(n_alpha, n_gamma)
    npts = n_alpha * n_gamma

    w_start = time.perf_counter()
    command = bench.command_line()
    env = bench.env_info(qutip=qutip)
    bench.print_env_header(
        "lzsm benchmark: evolve_open (two-level Lindblad, compiled Bloch kernel) vs QuTiP mesolve", env, "qutip"
    )
    print(
        f"  grid: V={V:g}, alpha geomspace{ALPHA_RANGE} x {n_alpha}, gamma linspace{GAMMA_RANGE} x {n_gamma}, "
        f"t in [{-T:g}, {T:g}] (T = 10 x 2V/alpha_min), start in diabatic |1>"
    )

    # stratified subsample: one point from each of nq equal blocks of the flattened grid (alpha-major)
    rng = np.random.default_rng(args.seed)
    edges = np.linspace(0, npts, min(nq, npts) + 1).astype(int)
    flat = [int(rng.integers(lo, hi)) for lo, hi in itertools.pairwise(edges)]
    idx = [tuple(int(v) for v in np.unravel_index(k, (n_alpha, n_gamma))) for k in flat]
    extra = [p for p in ((n_alpha - 1, 0), (n_alpha - 1, n_gamma - 1)) if p not in idx]
    corners = [(n_alpha - 1, 0), (n_alpha - 1, n_gamma - 1), (0, 0), (0, n_gamma - 1)]
    check_idx = corners[:2] if args.quick else corners

    ref, ref_info = reference(alpha, gamma, check_idx)
    lz = lzsm_side(alpha, gamma, ref, repeats, args.target)
    q = qutip_side(alpha, gamma, ref, idx, extra, methods, args.target) if qutip is not None else None
    if q is None:
        print("\nQuTiP not importable: no ratio")
    runtime = time.perf_counter() - w_start
    table(ref_info, lz, q, npts, command, runtime, args.target)

    bench.write_json(
        args.json,
        {
            "command": command,
            "runtime_s": runtime,
            "env": env,
            "target_error": args.target,
            "target_ratio": TARGET_RATIO,
            "ratio_uses": "cpu (time.process_time); wall ratios also given",
            "problem": {
                "V": V,
                "alpha": alpha.tolist(),
                "gamma": gamma.tolist(),
                "t_span": [-T, T],
                "initial_diabatic_state": 0,
                "c_ops": "sqrt(gamma/2) sigma_z (diabatic)",
            },
            "reference": ref_info,
            "lzsm": lz,
            "qutip": q,
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
