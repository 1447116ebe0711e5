"""Tully's classic figures: transmission/reflection against incident momentum, surface hopping
beside the exact stationary coupled-channel result (lzsm.molecules.stationary, when present).

    .venv/bin/python examples/tully_surface_hopping.py --out docs/img/tully_surface_hopping.png

Top row, simple avoided crossing (x0 = -10): transmission on the lower and upper state,
reflection on the lower state; FSSH (plain) and LZSH.  Bottom row, extended coupling with
reflection (x0 = -15): transmission on the lower state, reflection on the lower and upper
state; plain FSSH and FSSH with energy-based decoherence (EDC).  Mass 2000, atomic units,
fixed initial conditions (x = x0, p = k), dt = 2 a.u., 1000 trajectories per momentum
(``--trajectories``), seed 7.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
from matplotlib.figure import Figure

from lzsm.models.curves import TullyExtended, TullySimple
from lzsm.molecules.surface_hopping import FSSH, LZSH, surface_hopping
from lzsm.plot.molecules import plot_trajectory_scattering

try:
    from lzsm.molecules.stationary import stationary_scattering
except ImportError:  # exact reference optional
    stationary_scattering = None

MASS = 2000.0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="tully_surface_hopping.png")
    ap.add_argument("--trajectories", type=int, default=1000)
    ap.add_argument("--dt", type=float, default=2.0)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    n = args.trajectories

    rows = [
        (
            "simple avoided crossing",
            TullySimple(mass=MASS),
            -10.0,
            np.arange(4.0, 31.0, 2.0),
            [("FSSH", FSSH(), "o"), ("LZSH", LZSH(), "s")],
            [("transmission", 0), ("reflection", 0), ("transmission", 1)],
        ),
        (
            "extended coupling",
            TullyExtended(mass=MASS),
            -15.0,
            np.arange(4.0, 31.0, 2.0),
            [("FSSH", FSSH(), "o"), ("FSSH + EDC", FSSH(decoherence="edc"), "D")],
            [("transmission", 0), ("reflection", 0), ("reflection", 1)],
        ),
    ]
    fig = Figure(figsize=(13.0, 7.5), layout="constrained")
    axes = fig.subplots(2, 3)
    for r, (title, model, x0, ks, methods, panels) in enumerate(rows):
        exact = None
        if stationary_scattering is not None:
            kf = np.linspace(ks[0], ks[-1], 120)
            ex = stationary_scattering(model, k=kf)
            exact = (kf, ex)
        results = [
            (name, surface_hopping(model, ks, method=m, n_trajectories=n, seed=7, x0=x0, dt=args.dt), mk)
            for name, m, mk in methods
        ]
        for c, (quantity, state) in enumerate(panels):
            ax = axes[r, c]
            for i, (name, res, mk) in enumerate(results):
                ex_line = None
                if exact is not None and i == 0:
                    ex_line = (exact[0], getattr(exact[1], quantity)[:, state])
                plot_trajectory_scattering(res, quantity, state, exact=ex_line, label=name, ax=ax, fmt=mk)
            ax.set_title(f"{title}: {quantity}, state {state}", fontsize=10)
            ax.legend(fontsize=8)
    fig.savefig(args.out, dpi=110)
    print(
        f"wrote {args.out} in {time.perf_counter() - t0:.1f} s"
        + ("" if stationary_scattering else " (no exact curves: lzsm.molecules.stationary not available)")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
