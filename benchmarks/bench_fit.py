"""Benchmark: lzsm.fit — fit times and the coverage of its 1-sigma intervals.

What it measures
----------------
(a) A 50-point single-passage curve: p_diabatic_stay of a Landau-Zener sweep against the device
    sweep rate x (alpha = 2.5 x; Delta = 0.6, hbar = 1), from exact propagation over the whole
    line (``lzsm.evolve(..., (-inf, inf))``), read out with visibility 0.92 and offset 0.03, plus
    2 % Gaussian noise (seeded).  ``lzsm.fit.passage`` fits Delta, visibility and offset.
    Target: < 1 s per fit (CPU; median of ``--repeats``).
(b) A 128 x 128 amplitude-spectroscopy map of a flux qubit in device units: flux detuning in
    mPhi0 (eps0 = 0.9986 GHz/mPhi0 (x - 0.05 mPhi0), I_p = 160 nA) and microwave amplitude in mV
    at the source (A = 0.01 GHz/mV y), Delta/h = 13 MHz, nu = 160 MHz, T1 = 20 us (known), T2 =
    20 ns, readout visibility 0.9 and offset 0.02, noise 0.01; the map from the exact periodic
    steady state of the Lindblad equation (lzsm.applications.qubits.lindblad_upper_population,
    timed apart), the fit from starting values 5-15 % off (the rate model is valid here and is
    chosen).  Target: < 30 s per fit (CPU).
(c) Coverage: the fraction of seeds whose 1-sigma interval contains the truth, per parameter and
    pooled, for the passage curve of (a) (``--seeds``, default 200), the Stückelberg fringes of
    tests/test_fitting_stueckelberg.py (phase known; 100 seeds) and an 81 x 13 spectroscopy map
    of tests/test_fitting_spectroscopy.py (100 seeds).  Expected 68.3 %; the binomial standard
    deviation for n intervals is sqrt(0.683 * 0.317 / n).

Timing
------
CPU time (``time.process_time``) is the headline, wall time in [brackets]; the machine may be
shared (load average printed at start).

How to run
----------
    .venv/bin/python benchmarks/bench_fit.py [--quick] [--json out.json]

``--quick``: 50 seeds for every coverage check, 2 repeats.  The full run takes about a minute.
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benchmarks/_common.py
import numpy as np

import _common as bench
import lzsm
from _common import fmt_tw
from lzsm.applications.qubits import lindblad_upper_population
from lzsm.errors import LzsmFitWarning

TARGET_CURVE = 1.0  # s
TARGET_MAP = 30.0  # s

GHZ_PER_MPHI0 = 0.9986  # I_p = 160 nA (lzsm.applications.qubits.flux_detuning_to_bias_ghz)
HBAR = 1 / (2 * np.pi)  # GHz ns
MAP_TRUTH = {
    "gap": 0.013,
    "lever_offset": GHZ_PER_MPHI0,
    "origin": 0.05,
    "lever_amplitude": 0.01,
    "t2": 20.0,
    "visibility": 0.9,
    "offset": 0.02,
}
MAP_GUESS = {"gap": 0.015, "lever_offset": 0.95, "origin": 0.0, "lever_amplitude": 0.0105, "t2": 17.0}


def passage_data(n: int) -> tuple[np.ndarray, np.ndarray]:
    x = np.geomspace(0.02, 2.0, n)
    return x, np.asarray(lzsm.evolve(lzsm.LandauZener(0.3, 2.5 * x), (-np.inf, np.inf)).p_diabatic_stay)


def coverage(truth: dict[str, float], fits) -> dict[str, float]:
    hits = {k: [] for k in truth}
    for fit in fits:
        for k, v in truth.items():
            hits[k].append(abs(fit.values[k] - v) < fit.stderr[k])
    out = {k: float(np.mean(h)) for k, h in hits.items()}
    out["pooled"] = float(np.mean([x for h in hits.values() for x in h]))
    out["n_intervals"] = sum(len(h) for h in hits.values())
    return out


def main() -> None:
    ap = bench.make_parser(__doc__, "50 seeds per coverage check, 2 repeats")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--seeds", type=int, default=200)
    args = ap.parse_args()
    repeats = 2 if args.quick else args.repeats
    seeds = 50 if args.quick else args.seeds
    start = time.perf_counter()
    env = bench.env_info()
    bench.print_env_header("lzsm.fit: fit times and coverage", env, "lzsm")
    doc: dict = {"env": env}

    # (a) ------------------------------------------------------------------ 50-point curve
    x, p = passage_data(50)
    rng = np.random.default_rng(0)
    data = 0.03 + 0.92 * p + rng.normal(0.0, 0.02, x.size)
    lzsm.fit.passage(data, sweep_rate=x, sigma=0.02, fixed={"lever_arm": 2.5})  # warm-up
    runs = bench.timed_runs(lambda: lzsm.fit.passage(data, sweep_rate=x, sigma=0.02, fixed={"lever_arm": 2.5}), repeats)
    curve = bench.run_summary(runs)
    fit = runs[-1][2]
    doc["passage_50"] = {
        **curve,
        "evaluations": fit.n_evaluations,
        "gap": fit.values["gap"],
        "gap_stderr": fit.stderr["gap"],
    }

    # (b) ------------------------------------------------------------------ 128 x 128 map
    flux = np.linspace(-1.5, 3.0, 128)  # mPhi0
    source = np.linspace(0.0, 300.0, 128)  # mV
    t = MAP_TRUTH
    c0, w0 = time.process_time(), time.perf_counter()
    exact = lindblad_upper_population(
        t["gap"],
        t["lever_offset"] * (flux[:, None] - t["origin"]),
        t["lever_amplitude"] * source[None, :],
        2 * np.pi * 0.16,
        20_000.0,
        t["t2"],
        HBAR,
        n_samples=64,
    )
    gen_cpu, gen_wall = time.process_time() - c0, time.perf_counter() - w0
    rng = np.random.default_rng(1)
    measured = t["offset"] + t["visibility"] * exact + rng.normal(0.0, 0.01, exact.shape)

    def fit_map():
        return lzsm.fit.spectroscopy(
            measured,
            offset_axis=flux,
            amplitude_axis=source,
            frequency=2 * np.pi * 0.16,
            hbar=HBAR,
            sigma=0.01,
            guess=MAP_GUESS,
            fixed={"t1": 20_000.0},
        )

    map_runs = bench.timed_runs(fit_map, max(1, repeats // 2))
    map_summary = bench.run_summary(map_runs)
    mfit = map_runs[-1][2]
    pulls = {k: (mfit.values[k] - v) / mfit.stderr[k] for k, v in MAP_TRUTH.items()}
    doc["spectroscopy_128x128"] = {
        **map_summary,
        "data_cpu": gen_cpu,
        "data_wall": gen_wall,
        "forward_model": mfit.forward_model,
        "evaluations": mfit.n_evaluations,
        "reduced_chi2": mfit.reduced_chi2,
        "values": mfit.values,
        "stderr": {k: mfit.stderr[k] for k in mfit.free},
        "pulls": pulls,
    }

    # (c) ------------------------------------------------------------------ coverage
    cov: dict[str, dict] = {}
    xc, pc = passage_data(30)
    fits = []
    for seed in range(seeds):
        d = 0.03 + 0.92 * pc + np.random.default_rng(seed).normal(0.0, 0.02, xc.size)
        fits.append(lzsm.fit.passage(d, sweep_rate=xc, sigma=0.02, fixed={"lever_arm": 2.5}))
    cov["passage (30 points)"] = coverage({"gap": 0.6, "visibility": 0.92, "offset": 0.03}, fits)

    tc = np.linspace(6.0, 18.0, 40)
    pf = np.asarray(lzsm.evolve(lzsm.DoublePassage(0.2, 1.0, tc), (-54.0, 54.0), initial="lower").p_jump)
    fits = []
    for seed in range(min(seeds, 100)):
        d = 0.05 + 0.9 * pf + np.random.default_rng(seed).normal(0.0, 0.015, tc.size)
        fits.append(
            lzsm.fit.stueckelberg(d, crossing_time=tc, sweep_rate=1.0, sigma=0.015, fixed={"phase_offset": 0.0})
        )
    cov["stueckelberg (40 points)"] = coverage({"gap": 0.4, "visibility": 0.9, "offset": 0.05}, fits)

    xs, ys = np.linspace(-0.8, 3.2, 81), np.linspace(0.0, 3.0, 13)
    ps = np.asarray(
        lindblad_upper_population(0.05, 1.1 * (xs[:, None] - 0.25), 1.4 * ys[None, :], 1.0, 100.0, 15.0, n_samples=64)
    )
    truth = {
        "gap": 0.05,
        "lever_offset": 1.1,
        "origin": 0.25,
        "lever_amplitude": 1.4,
        "t2": 15.0,
        "visibility": 0.9,
        "offset": 0.03,
    }
    guess = {"gap": 0.06, "lever_offset": 1.05, "origin": 0.2, "lever_amplitude": 1.3, "t2": 12.0}
    fits = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LzsmFitWarning)
        for seed in range(min(seeds, 100)):
            d = 0.03 + 0.9 * ps + np.random.default_rng(seed).normal(0.0, 0.02, ps.shape)
            fits.append(
                lzsm.fit.spectroscopy(
                    d, offset_axis=xs, amplitude_axis=ys, frequency=1.0, sigma=0.02, guess=guess, fixed={"t1": 100.0}
                )
            )
    cov["spectroscopy (81 x 13)"] = coverage(truth, fits)
    doc["coverage"] = cov

    # ------------------------------------------------------------------ report
    rows = [
        ["50-point passage curve", fmt_tw(curve["cpu_median"], curve["wall_median"]), f"< {TARGET_CURVE:g} s",
         "met" if curve["cpu_median"] < TARGET_CURVE else "NOT MET", f"{fit.n_evaluations} evaluations"],
        ["128 x 128 spectroscopy map", fmt_tw(map_summary["cpu_median"], map_summary["wall_median"]), f"< {TARGET_MAP:g} s",
         "met" if map_summary["cpu_median"] < TARGET_MAP else "NOT MET",
         f"{mfit.n_evaluations} evaluations, {mfit.forward_model}"],
    ]  # fmt: skip
    bench.print_table(
        "fit times (CPU [wall], median)",
        ["fit", "time", "target", "", "notes"],
        rows,
        [f"the 128 x 128 synthetic map itself (exact Lindblad steady state): {fmt_tw(gen_cpu, gen_wall)}"],
    )
    bench.print_table(
        "128 x 128 map: (fitted - true) / stderr",
        ["parameter", "true", "fitted", "stderr", "pull"],
        [
            [k, f"{v:g}", f"{mfit.values[k]:.6g}", f"{mfit.stderr[k]:.3g}", f"{pulls[k]:+.2f}"]
            for k, v in MAP_TRUTH.items()
        ],
        [f"reduced chi2 = {mfit.reduced_chi2:.4f} ({mfit.dof} degrees of freedom)"],
    )
    crows = []
    for name, c in cov.items():
        per = ", ".join(f"{k} {v:.0%}" for k, v in c.items() if k not in ("pooled", "n_intervals"))
        sd = np.sqrt(0.683 * 0.317 / c["n_intervals"])
        ok = "in 60-76 %" if 0.60 <= c["pooled"] <= 0.76 else "OUTSIDE 60-76 %"
        crows.append([name, f"{c['pooled']:.1%} of {c['n_intervals']}", f"+-{sd:.1%}", ok, per])
    bench.print_table(
        "coverage of the 1-sigma intervals (68.3 % expected)",
        ["fit", "pooled", "binomial sd", "", "per parameter"],
        crows,
    )
    bench.print_run_footer(bench.command_line(), time.perf_counter() - start)
    bench.write_json(args.json, doc)


if __name__ == "__main__":
    main()
