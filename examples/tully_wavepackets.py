"""Molecules at a curve crossing: the figures of lzsm's molecules page, with their data.

    .venv/bin/python examples/tully_wavepackets.py --out tully-output

writes into the folder (created atomically; an existing one is replaced only with --force, and
only if lzsm wrote it):
  tully_curves.png                 Tully's three models in both pictures with the couplings;
  nacl_curves.png                  the NaCl covalent–ionic crossing (eV, Å);
  tully_snapshots.png              a wavepacket through Tully's simple avoided crossing (k = 20);
  tully_transmission.png/.nc       T and R per adiabatic state against k for the three models:
                                   stationary coupled-channel lines, wavepacket points;
  lz_vs_exact.png/.nc              one-pass Landau–Zener against exact scattering.
Units: atomic units (hbar = 1, mass 2000 for Tully's models).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

import lzsm
from lzsm.io.output import atomic_folder
from lzsm.models.curves import TULLY_MODELS, CovalentIonicCrossing, FunctionCurves, TullySimple
from lzsm.molecules.scattering import scattering_vs_momentum
from lzsm.molecules.semiclassical import curve_crossing
from lzsm.molecules.stationary import stationary_scattering
from lzsm.molecules.wavepackets import Grid, absorbing_potential, gaussian_wavepacket, propagate
from lzsm.plot.molecules import plot_curves, plot_scattering_vs_momentum, plot_snapshots

MOMENTA = {
    "simple": (np.linspace(9.2, 35, 120), [12.0, 20.0, 30.0]),
    "dual": (np.linspace(10, 60, 200), [20.0, 30.0, 45.0]),
    "extended": (np.linspace(4, 35, 160), [10.0, 15.0, 22.0]),
}


def curves_figure(out: Path) -> None:
    fig = Figure(figsize=(13, 3.8), layout="constrained")
    for ax, (name, cls) in zip(fig.subplots(1, 3), TULLY_MODELS.items()):
        plot_curves(cls(), np.linspace(-10, 10, 801), ax=ax)
        ax.set_title(f"Tully {name}")
    fig.savefig(out / "tully_curves.png", dpi=110)
    nacl = CovalentIonicCrossing.nacl()
    r = np.linspace(3.0, 30.0, 1200)
    fig = Figure(figsize=(6, 4), layout="constrained")
    ax = plot_curves(nacl, r, ax=fig.add_subplot(), energy_unit="eV", energy_factor=27.211386245988, coupling_scale=1.0)
    ax.set_ylim(-4.5, 3)
    ax.set_title("NaCl: covalent Na + Cl / ionic Na$^+$ + Cl$^-$ (x = R in bohr)")
    fig.savefig(out / "nacl_curves.png", dpi=110)


def snapshots_figure(out: Path) -> None:
    model = TullySimple()
    grid = Grid.uniform((-40, 40), 1024)
    x = grid.axes[0]
    _, vecs = np.linalg.eigh(model.potential(np.array(-40.0)))
    psi0 = gaussian_wavepacket(grid, -12.0, 20.0, 1.0, vecs[:, 0])
    ev = propagate(
        model, grid, psi0, model.mass, 2.0, 1200, save_every=200, absorber=absorbing_potential(grid, 8.0, 0.05)
    )
    fig = Figure(figsize=(10, 6), layout="constrained")
    a1, a2 = fig.subplots(1, 2, sharey=True)
    plot_snapshots(ev, ax=a1)
    plot_snapshots(ev, ax=a2, picture="adiabatic", potential=model)
    a1.set_title("diabatic densities")
    a2.set_title("adiabatic densities")
    for a in (a1, a2):
        a.set_xlim(x[0] + 8, x[-1] - 8)
    fig.savefig(out / "tully_snapshots.png", dpi=110)


def transmission_figure(out: Path) -> None:
    fig = Figure(figsize=(13, 4.2), layout="constrained")
    datasets = {}
    for ax, (name, cls) in zip(fig.subplots(1, 3), TULLY_MODELS.items()):
        dense, points = MOMENTA[name]
        exact = scattering_vs_momentum(cls(), dense)
        wave = scattering_vs_momentum(cls(), points, method="wavepacket")
        plot_scattering_vs_momentum(exact, ax=ax, extra=[("wavepacket", wave)])
        ax.set_title(f"Tully {name}")
        datasets[name] = exact
        ref = scattering_vs_momentum(cls(), points)
        dev = max(float(abs(wave[q] - ref[q]).max()) for q in ("transmission", "reflection"))
        print(f"{name}: wavepacket vs stationary at k = {points}: max |dP| = {dev:.1e}")
    fig.savefig(out / "tully_transmission.png", dpi=110)
    for name, ds in datasets.items():
        ds.to_netcdf(out / f"tully_transmission_{name}.nc")  # a Result: NetCDF-4 via h5netcdf


def lz_figure(out: Path) -> None:
    a, b, c = 0.05, 0.1, 0.003
    r = np.log(4 * a / 1e-8) / (2 * b)
    tanh = FunctionCurves.from_elements(
        {"V11": lambda x: a * np.tanh(b * x), "V22": lambda x: -a * np.tanh(b * x), "V12": lambda x: c + 0 * x},
        range_hint=(-r, r),
    )
    fig = Figure(figsize=(10, 4), layout="constrained")
    for ax, (label, model, ks) in zip(
        fig.subplots(1, 2),
        [
            ("tanh crossing (a=0.05, b=0.1, c=0.003)", tanh, np.linspace(25, 80, 40)),
            ("Tully simple", TullySimple(), np.linspace(9.5, 80, 60)),
        ],
    ):
        res = stationary_scattering(model, k=ks, step=0.02)
        cr = curve_crossing(model, (-3, 3))
        p_lz = cr.energy_resolved_p_diabatic_stay(res.energies)
        ax.plot(ks, res.transmission[:, 1], "-", label="exact: T on upper state (diabatic stay)")
        ax.plot(ks, p_lz, "--", label="one-pass Landau–Zener")
        ax.set_xlabel("incident momentum k (a.u.)")
        ax.set_ylabel("probability")
        ax.set_title(label)
        ax.legend(fontsize="small")
    fig.savefig(out / "lz_vs_exact.png", dpi=110)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="tully-output")
    ap.add_argument("--force", action="store_true", help="replace an existing output folder")
    args = ap.parse_args(argv)
    try:
        with atomic_folder(args.out, args.force, kind="examples/tully_wavepackets.py") as tmp:
            curves_figure(tmp)
            snapshots_figure(tmp)
            transmission_figure(tmp)
            lz_figure(tmp)
    except lzsm.LzsmError as exc:
        print(f"tully_wavepackets: error: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out)
    print(f"wrote {out}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
