"""Tully's three models over his published ranges (J. C. Tully, J. Chem. Phys. 93, 1061 (1990)):
T/R curves from the default stationary route (log-derivative) against the independent
transfer-matrix route, 60 momenta per model, thresholds and resonances included.

Reports per model: wall time of each route, the largest difference between them, and the
largest claimed error estimate (so claimed can be set against actual).  With ``--wavepacket``
it also times the plain wavepacket route (``wavepacket_scattering`` without hand-over, one run
per momentum with ``convergence="none"``, the cheapest it can be) on every 10th momentum and
scales the time to all 60: a lower bound of what the wavepacket route needs for the same curves
(its default check runs three or more times longer), and counts the momenta where that run
left more than 1e-4 of trapped-norm error.

    PYTHONPATH=src python benchmarks/bench_tully_ranges.py [--wavepacket]
"""

from __future__ import annotations

import sys
import time
import warnings

import numpy as np

import lzsm

RANGES = {
    "simple (k 1..30)": (lzsm.TullySimple(), np.linspace(1.0, 30.0, 60)),
    "dual (ln E -4..1)": (lzsm.TullyDual(), np.sqrt(2 * 2000 * np.exp(np.linspace(-4.0, 1.0, 60)))),
    "extended (k 1..30)": (lzsm.TullyExtended(), np.linspace(1.0, 30.0, 60)),
}


def main() -> None:
    total = 0.0
    print(f"{'model':22s} {'t_logder/s':>10s} {'t_transfer/s':>12s} {'max |diff|':>11s} {'max claimed':>11s}")
    for name, (model, ks) in RANGES.items():
        t0 = time.perf_counter()
        ld = lzsm.scattering_vs_momentum(model, ks)
        t1 = time.perf_counter()
        tm = lzsm.scattering_vs_momentum(model, ks, method="transfer_matrix")
        t2 = time.perf_counter()
        total += t1 - t0
        diff = max(float(np.abs(ld[q].values - tm[q].values).max()) for q in ("transmission", "reflection"))
        claimed = float(np.max(ld["error_estimate"].values))
        print(f"{name:22s} {t1 - t0:10.2f} {t2 - t1:12.2f} {diff:11.1e} {claimed:11.1e}")
        assert diff < 1e-4, f"{name}: routes differ by {diff:.1e}"
    print(f"all three curves (default route): {total:.1f} s (target < 60 s)")
    if "--wavepacket" in sys.argv[1:]:
        wave_total = 0.0
        for name, (model, ks) in RANGES.items():
            sample = ks[::10]
            t0 = time.perf_counter()
            trapped = 0
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", lzsm.LzsmConvergenceWarning)
                for k in sample:
                    wp = lzsm.wavepacket_scattering(
                        model, float(k), k_resolved=[float(k)], convergence="none", handover=False
                    )
                    trapped += int(wp.convergence.run_length_error > 1e-4)
            scaled = (time.perf_counter() - t0) * ks.size / sample.size
            wave_total += scaled
            print(
                f"{name:22s} wavepacket, one run per k: {scaled:8.1f} s for {ks.size} k (scaled from "
                f"{sample.size}); trapped norm above 1e-4 at {trapped} of {sample.size}"
            )
        print(f"all three curves (plain wavepacket route, lower bound): {wave_total:.0f} s")


if __name__ == "__main__":
    main()
