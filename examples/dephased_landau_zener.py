"""Dephasing at a crossing: the three figures of lzsm's open-systems page, with their data.

    .venv/bin/python examples/dephased_landau_zener.py --out dephasing-output

writes into the folder (created atomically, refused if it exists unless --force):
  probability_vs_sweep_rate.png/.nc  P_stay against alpha for several gamma_phi, with the
                                     coherent P_LZ and Kayanuma's (1 + P_LZ^2)/2;
  fringes_washing_out.png/.nc        Stückelberg fringes of a double passage vs dephasing;
  populations_with_noise.png/.nc     a passage: coherent, Lindblad-dephased, and averaged over
                                     Ornstein–Uhlenbeck noise paths with the same gamma_phi.
Units: hbar = 1, energies in units of the coupling scale (V = 0.3 or 0.5).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

import lzsm
from lzsm.dynamics.coherent import write_netcdf


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="dephasing-output")
    ap.add_argument("--force", action="store_true")
    ap.add_argument("--quick", action="store_true", help="fewer points (for tests)")
    args = ap.parse_args(argv)
    out = Path(args.out)
    if out.exists() and not args.force:
        print(f"dephased_landau_zener: error: {out} exists (use --force)", file=sys.stderr)
        return 2
    out.resolve().parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.resolve().parent))
    try:
        n = 8 if args.quick else 25
        ax = lzsm.plot_dephased_lz(0.3, np.geomspace(0.1, 10, n), [0.1, 1.0, 10.0], (-150.0, 150.0))
        ax.figure.savefig(tmp / "probability_vs_sweep_rate.png", dpi=120)
        write_netcdf(ax.figure.lzsm_data, tmp / "probability_vs_sweep_rate.nc")

        ax = lzsm.plot_fringe_washout(
            0.3, 1.0, np.linspace(4.0, 12.0, 40 if args.quick else 161), [0.0, 0.02, 0.1, 1.0], (-40.0, 40.0)
        )
        ax.figure.savefig(tmp / "fringes_washing_out.png", dpi=120)
        write_netcdf(ax.figure.lzsm_data, tmp / "fringes_washing_out.nc")

        model = lzsm.LandauZener(coupling=0.5, sweep_rate=1.0)
        gphi, tau = 0.5, 0.02
        t = np.linspace(-10, 10, 201)
        noise = lzsm.OrnsteinUhlenbeckNoise.from_dephasing_rate(gphi, tau)
        noisy = lzsm.evolve_noisy(
            model, (-10, 10), 0, t, n_trajectories=200 if args.quick else 1000, seed=2026, noise=noise
        )
        lind = lzsm.evolve_open(model, (-10, 10), 0, t, dephasing=gphi)
        ax = lzsm.plot_noisy_populations(noisy)
        ax.plot(t, lind.populations[:, 0], "k:", lw=2, label=rf"Lindblad, $\gamma_\phi$ = {gphi}")
        ax.legend(fontsize=8)
        ax.figure.savefig(tmp / "populations_with_noise.png", dpi=120)
        write_netcdf(lind.to_xarray(), tmp / "populations_with_noise.nc")
        if out.exists():
            shutil.rmtree(out)
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    print(f"wrote {out}/: " + ", ".join(sorted(p.name for p in out.iterdir())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
