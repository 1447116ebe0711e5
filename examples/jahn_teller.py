"""Conical intersections and the geometric phase, end to end.

    python examples/jahn_teller.py [output-folder]      (default: jahn_teller-output)

Writes five figures and prints: the minimum-energy conical intersection and seam dimension of a
three-mode linear vibronic coupling model, Berry phases of loops around the E x e Jahn–Teller
intersections, the vibronic levels with and without the geometric phase beside the exact ones,
and the node that the geometric phase leaves in a wavepacket that encircles the intersection.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from lzsm.geometry.berry import berry_phase, berry_phase_map, circle_loop
from lzsm.geometry.conical import find_meci, seam_dimension, trace_seam
from lzsm.geometry.vibronic import encircling_wavepacket, geometric_phase_comparison
from lzsm.models.surfaces import JahnTellerExE, LinearVibronicCoupling
from lzsm.plot.geometry import (
    plot_berry_phase_map,
    plot_double_cone,
    plot_encircling_wavepacket,
    plot_surface_contours,
    plot_vibronic_spectrum,
)


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)

    # ------------------------------------------------------------------ the double cone
    jt = JahnTellerExE(k=1.0)
    fig = Figure(figsize=(6, 4.6), constrained_layout=True)
    ax = fig.add_subplot(1, 1, 1, projection="3d")
    x = np.linspace(-2.2, 2.2, 61)
    plot_double_cone(jt, x, x, ax=ax)
    ax.set_title("E x e Jahn-Teller: the double cone (k = 1)")
    fig.savefig(out / "jt_double_cone.png", dpi=120)

    # ------------------------------------------------------------------ contours and the seam
    warped = JahnTellerExE(k=1.0, g=0.3)
    lvc = LinearVibronicCoupling(
        omega=[1.0, 0.8, 1.3],
        vertical_energies=[0.0, 0.6],
        kappa=[[0.5, 0.3, -0.2], [-0.7, 0.1, 0.4]],
        lam=[0.0, 0.6, 0.35],
    )
    meci = find_meci(lvc, np.zeros(3))
    fwd = trace_seam(lvc, meci.q, step=0.05, n_steps=60)
    bwd = trace_seam(lvc, meci.q, step=0.05, n_steps=60, direction=-(fwd[1] - fwd[0]))
    seam = np.concatenate([bwd[::-1], fwd[1:]])
    dim = seam_dimension(lvc, meci.q)
    print(
        f"LVC (f = 3): MECI at q = {np.round(meci.q, 6)}, E = {meci.energy:.6f}, gap = {meci.gap:.1e}, "
        f"{meci.iterations} iterations; seam dimension {dim.tangent} (tangent), {dim.sampled} (sampled)"
    )
    b = meci.branching
    print(
        f"  cone: |g| = {np.linalg.norm(b.g):.4f}, |h| = {np.linalg.norm(b.h):.4f}, asymmetry {b.asymmetry:.3f}, "
        f"relative tilt {b.relative_tilt:.3f}, P = {b.peaked_sloped:.3f} -> {b.topography}"
    )
    fig = Figure(figsize=(11, 4.4), constrained_layout=True)
    a1, a2 = fig.subplots(1, 2)
    g = np.linspace(-5, 5, 161)
    plot_surface_contours(warped, g, g, ax=a1, intersections=warped.intersections(), levels=24)
    a1.set_title("E x e with warping (g = 0.3): lower surface, four intersections")
    h = np.linspace(-2, 2, 121)
    plot_surface_contours(
        lvc, h, h, ax=a2, quantity="gap", origin=[0, 0, meci.q[2]], seam=seam, intersections=meci.q, levels=24
    )
    a2.set_title(f"3-mode LVC: gap at q3 = {meci.q[2]:.2f}, seam (projected), MECI")
    fig.savefig(out / "ci_contours.png", dpi=120)

    # ------------------------------------------------------------------ Berry phases
    for centre, radius in (((0, 0), 1.0), ((0, 0), 4.5), ((-10 / 3, 0), 0.8), ((1.0, 0.0), 3.2)):
        res = berry_phase(warped, circle_loop(centre, radius))
        print(
            f"Berry phase, circle r = {radius} about {centre}: {res.phase / np.pi:+.12f} pi "
            f"(n = {res.n_points}, error estimate {res.error_estimate:.1e})"
        )
    xs = np.linspace(-6, 5, 111)
    ys = np.linspace(-5, 5, 101)
    pm = berry_phase_map(warped, xs, ys, [1.0, 2.5])
    fig = Figure(figsize=(11, 4.4), constrained_layout=True)
    a1, a2 = fig.subplots(1, 2)
    plot_berry_phase_map(pm, ax=a1, radius=1.0, intersections=warped.intersections())
    plot_berry_phase_map(pm, ax=a2, radius=2.5, intersections=warped.intersections())
    fig.savefig(out / "berry_phase_map.png", dpi=120)

    # ------------------------------------------------------------------ vibronic levels
    levels = geometric_phase_comparison(3.0, n_levels=8)
    ds = levels.to_xarray()
    print(ds[["exact", "j_exact", "with_geometric_phase", "without_geometric_phase"]].to_dataframe().round(5))
    print(
        f"largest deviation from exact: with GP {levels.max_error_with_geometric_phase:.4f}, "
        f"without {levels.max_error_without_geometric_phase:.4f} (hbar omega)"
    )
    fig = Figure(figsize=(6, 4.8), constrained_layout=True)
    plot_vibronic_spectrum(levels, ax=fig.add_subplot(1, 1, 1))
    fig.savefig(out / "jt_vibronic_spectrum.png", dpi=120)

    # ------------------------------------------------------------------ encircling wavepacket
    wp = encircling_wavepacket(k=4.0, t_final=12.0)
    print(
        f"encircling wavepacket, t = {wp.times[-1]:g}: density at phi = 0 / far-side maximum = "
        f"{wp.node_ratio_exact[-1]:.1e} (exact, with GP) vs {wp.node_ratio_without_gp[-1]:.2f} (no GP)"
    )
    fig = Figure(figsize=(13, 4.0), constrained_layout=True)
    plot_encircling_wavepacket(wp, fig.subplots(1, 3))
    fig.savefig(out / "jt_encircling_wavepacket.png", dpi=110)
    print(f"figures in {out}/")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "jahn_teller-output"))
