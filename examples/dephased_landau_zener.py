"""Dephasing at a crossing: the three figures of lzsm's open-systems page, with their data.

    .venv/bin/python examples/dephased_landau_zener.py --out dephasing-output

writes into the folder (created atomically; an existing one is replaced only with --force, and
only if lzsm wrote it):
  probability_vs_sweep_rate.png/.nc  P_stay against alpha for several gamma_phi, with the
                                     coherent P_LZ and Kayanuma's (1 + P_LZ^2)/2;
  fringes_washing_out.png/.nc        Stückelberg fringes of a double passage vs dephasing;
  populations_with_noise.png/.nc     a passage: coherent, Lindblad-dephased, and averaged over
                                     Ornstein–Uhlenbeck noise paths with the same gamma_phi.
Units: hbar = 1, energies in units of the coupling scale (V = 0.3 or 0.5).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

import lzsm
from lzsm.dynamics.coherent import write_netcdf
from lzsm.io.output import atomic_folder


def write_figures(tmp: Path, quick: bool) -> None:
    """The three figures and their data, into ``tmp``."""
    n = 8 if quick else 25
    ax = lzsm.plot_dephased_lz(0.3, np.geomspace(0.1, 10, n), [0.1, 1.0, 10.0], (-150.0, 150.0))
    ax.figure.savefig(tmp / "probability_vs_sweep_rate.png", dpi=120)
    write_netcdf(ax.figure.lzsm_data, tmp / "probability_vs_sweep_rate.nc")

    ax = lzsm.plot_fringe_washout(
        0.3, 1.0, np.linspace(4.0, 12.0, 40 if quick else 161), [0.0, 0.02, 0.1, 1.0], (-40.0, 40.0)
    )
    ax.figure.savefig(tmp / "fringes_washing_out.png", dpi=120)
    write_netcdf(ax.figure.lzsm_data, tmp / "fringes_washing_out.nc")

    model = lzsm.LandauZener(coupling=0.5, sweep_rate=1.0)
    gphi, tau = 0.5, 0.02
    t = np.linspace(-10, 10, 201)
    noise = lzsm.OrnsteinUhlenbeckNoise.from_dephasing_rate(gphi, tau)
    noisy = lzsm.evolve_noisy(model, (-10, 10), 0, t, n_trajectories=200 if quick else 1000, seed=2026, noise=noise)
    lind = lzsm.evolve_open(model, (-10, 10), 0, t, dephasing=gphi)
    ax = lzsm.plot_noisy_populations(noisy)
    ax.plot(t, lind.populations[:, 0], "k:", lw=2, label=rf"Lindblad, $\gamma_\phi$ = {gphi}")
    ax.legend(fontsize=8)
    ax.figure.savefig(tmp / "populations_with_noise.png", dpi=120)
    write_netcdf(lind.to_xarray(), tmp / "populations_with_noise.nc")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="dephasing-output")
    ap.add_argument("--force", action="store_true")
    ap.add_argument("--quick", action="store_true", help="fewer points (for tests)")
    args = ap.parse_args(argv)
    try:
        with atomic_folder(args.out, args.force, kind="examples/dephased_landau_zener.py") as tmp:
            write_figures(tmp, args.quick)
    except lzsm.LzsmError as exc:
        print(f"dephased_landau_zener: error: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out)
    print(f"wrote {out}/: " + ", ".join(sorted(p.name for p in out.iterdir() if not p.name.startswith("."))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
