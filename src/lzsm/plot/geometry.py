"""Figures of the geometry: level diagrams along a path, double cones, surface contours with
seams and intersections, Berry-phase maps, vibronic spectra and the encircling wavepacket.

Every helper takes ``ax=None`` (``axes=None`` for several panels), makes its axes with
:func:`lzsm.plot._axes.new_axes` when none are given, and returns them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from lzsm import _checks
from lzsm.errors import LzsmTypeError, LzsmValueError
from lzsm.geometry.berry import BerryPhaseMap
from lzsm.geometry.crossings import KINDS, CrossingTable
from lzsm.geometry.vibronic import EncirclingWavepacket, GeometricPhaseComparison
from lzsm.models.surfaces import SurfaceModel
from lzsm.plot._axes import new_axes as _new_axes


# --------------------------------------------------------------------------- figure
def plot_level_diagram(table: CrossingTable, ax: Any = None, *, legend: bool = True, markers: bool = True) -> Any:
    """Energies along the path coloured by symmetry label; true crossings marked ``x``,
    avoided crossings ``o``, undecided ones ``s``.  Takes ``ax=None`` and returns the axes."""
    if not isinstance(table, CrossingTable):
        raise LzsmTypeError(f"`table` must be a CrossingTable (from find_crossings), got {type(table).__name__}")
    ax = _new_axes(ax, size=(6.0, 4.2))
    colours = [f"C{i % 10}" for i in range(len(table.blocks))]
    for b, e, c in zip(table.blocks, table.block_energies, colours):
        for n in range(e.shape[1]):
            ax.plot(table.x, e[:, n], color=c, lw=1.8, label=(b.label or "levels") if n == 0 else None)
    if markers:
        style = {
            "true": {"marker": "x", "color": "k", "s": 70, "linewidths": 2, "label": "true crossing"},
            "avoided": {
                "marker": "o",
                "facecolors": "none",
                "edgecolors": "k",
                "s": 70,
                "linewidths": 1.5,
                "label": "avoided crossing",
            },
            "undecided": {
                "marker": "s",
                "facecolors": "none",
                "edgecolors": "tab:red",
                "s": 70,
                "linewidths": 1.5,
                "label": "undecided",
            },
        }
        for kind in KINDS:
            rows = table.of_kind(kind)
            if rows:
                ax.scatter([r.x for r in rows], [r.energy for r in rows], zorder=5, **style[kind])
    ax.set_xlabel(table.coordinate)
    ax.set_ylabel("energy")
    if legend:
        ax.legend(frameon=False, fontsize="small")
    return ax


def _plane_points(
    model: SurfaceModel, u: np.ndarray, v: np.ndarray, plane: tuple[int, int], origin: ArrayLike | None
) -> np.ndarray:
    f = model.n_coordinates
    o = np.zeros(f) if origin is None else model.coordinates(origin, "origin")
    a, b = plane
    if not (0 <= a < f and 0 <= b < f and a != b):
        raise LzsmValueError(f"`plane` must be two distinct coordinate indices in [0, {f}), got {plane!r}")
    uu, vv = np.meshgrid(u, v)
    q = np.broadcast_to(o, uu.shape + (f,)).copy()
    q[..., a] = uu
    q[..., b] = vv
    return q


def plot_double_cone(
    model: SurfaceModel,
    u: ArrayLike,
    v: ArrayLike,
    ax: Any = None,
    *,
    states: tuple[int, int] = (0, 1),
    plane: tuple[int, int] = (0, 1),
    origin: ArrayLike | None = None,
    cmap: str = "viridis",
) -> Any:
    """The two adiabatic surfaces over a coordinate plane as a 3-D surface plot (the double
    cone).  ``ax`` must be a 3-D axes if given; returns it."""
    i, j = model._check_states(states)
    u = _checks.real_array(u, "u")
    v = _checks.real_array(v, "v")
    q = _plane_points(model, u, v, plane, origin)
    e = model.energies(q)
    ax = _new_axes(ax, projection="3d", size=(5.2, 4.2))
    uu, vv = q[..., plane[0]], q[..., plane[1]]
    ax.plot_surface(uu, vv, e[..., i], cmap=cmap, linewidth=0, antialiased=True, alpha=0.9)
    ax.plot_surface(uu, vv, e[..., j], cmap=cmap, linewidth=0, antialiased=True, alpha=0.55)
    ax.set_xlabel(f"q{plane[0] + 1}")
    ax.set_ylabel(f"q{plane[1] + 1}")
    ax.set_zlabel("energy")
    return ax


def plot_surface_contours(
    model: SurfaceModel,
    u: ArrayLike,
    v: ArrayLike,
    ax: Any = None,
    *,
    state: int = 0,
    quantity: str = "energy",
    plane: tuple[int, int] = (0, 1),
    origin: ArrayLike | None = None,
    seam: ArrayLike | None = None,
    intersections: ArrayLike | None = None,
    levels: int = 20,
) -> Any:
    """Contours of adiabatic surface ``state`` (``quantity="energy"``) or of the gap to the next
    state (``"gap"``) over a coordinate plane, with seam points/curves (projected on the plane)
    and intersection markers overlaid.  Returns the axes."""
    _checks.choice(quantity, "quantity", ("energy", "gap"))
    if not 0 <= state < model.n_levels - (quantity == "gap"):
        raise LzsmValueError(f"`state` must be in [0, {model.n_levels - (quantity == 'gap') - 1}], got {state}")
    u = _checks.real_array(u, "u")
    v = _checks.real_array(v, "v")
    q = _plane_points(model, u, v, plane, origin)
    e = model.energies(q)
    z = e[..., state] if quantity == "energy" else e[..., state + 1] - e[..., state]
    ax = _new_axes(ax)
    cs = ax.contourf(q[..., plane[0]], q[..., plane[1]], z, levels=levels, cmap="viridis")
    ax.contour(q[..., plane[0]], q[..., plane[1]], z, levels=levels, colors="k", linewidths=0.3)
    ax.figure.colorbar(cs, ax=ax, label=("E" if quantity == "energy" else "gap") + f" (state {state})")
    if seam is not None:
        s = model.coordinates(seam, "seam").reshape(-1, model.n_coordinates)
        ax.plot(s[:, plane[0]], s[:, plane[1]], "r-" if len(s) > 1 else "r.", lw=2, label="seam")
    if intersections is not None:
        c = model.coordinates(intersections, "intersections").reshape(-1, model.n_coordinates)
        ax.plot(c[:, plane[0]], c[:, plane[1]], "r*", ms=12, mec="w", label="conical intersection")
    if seam is not None or intersections is not None:
        ax.legend(loc="upper right", fontsize=8)
    ax.set_xlabel(f"q{plane[0] + 1}")
    ax.set_ylabel(f"q{plane[1] + 1}")
    ax.set_aspect("equal")
    return ax


def plot_berry_phase_map(
    phase_map: Any, ax: Any = None, *, radius: float | None = None, intersections: ArrayLike | None = None
) -> Any:
    """Map of ``phase / pi`` over loop centres for one radius (the first unless ``radius`` is
    given) from :func:`~lzsm.geometry.berry_phase_map` (a :class:`~lzsm.geometry.BerryPhaseMap`,
    or its ``berry_phase`` ``xarray.DataArray``), with intersections marked and the circle drawn
    around each.  Returns the axes."""
    from matplotlib.patches import Circle

    if isinstance(phase_map, BerryPhaseMap):
        phase_map = phase_map.to_xarray()["berry_phase"]
    da = phase_map.sel(radius=radius, method="nearest") if radius is not None else phase_map.isel(radius=0)
    ax = _new_axes(ax, size=(5.0, 4.2))
    mesh = ax.pcolormesh(da["x"], da["y"], np.abs(da.values) / np.pi, cmap="coolwarm", vmin=0, vmax=1, shading="auto")
    ax.figure.colorbar(mesh, ax=ax, label="|Berry phase| / pi")
    r = float(da["radius"])
    if intersections is not None:
        pts = _checks.real_array(intersections, "intersections").reshape(-1, 2)
        ax.plot(pts[:, 0], pts[:, 1], "k*", ms=10, mec="w")
        for p in pts:
            ax.add_patch(Circle((float(p[0]), float(p[1])), r, fill=False, ls="--", lw=0.8, color="k"))
    ax.set_xlim(float(da["x"].min()), float(da["x"].max()))
    ax.set_ylim(float(da["y"].min()), float(da["y"].max()))
    ax.set_title(f"loops of radius {r:g}")
    ax.set_xlabel(da["x"].attrs.get("long_name", "x"))
    ax.set_ylabel(da["y"].attrs.get("long_name", "y"))
    ax.set_aspect("equal")
    return ax


def _fmt_half(x: float) -> str:
    if np.isnan(x):
        return ""
    a = abs(x)
    return f"{round(2 * a)}/2" if abs(2 * a - round(2 * a)) < 1e-6 and round(2 * a) % 2 else f"{a:.0f}"


def plot_vibronic_spectrum(comparison: Any, ax: Any = None) -> Any:
    """Three columns of levels — single surface without the geometric phase, exact, single
    surface with it — labelled by ``|m|`` or ``|j|``, from :func:`~lzsm.geometry.geometric_phase_comparison`
    (the result or its dataset).  Returns the axes."""
    if isinstance(comparison, GeometricPhaseComparison):
        comparison = comparison.to_xarray()
    ax = _new_axes(ax, size=(5.4, 4.4))
    cols = [
        ("without_geometric_phase", "m_without_geometric_phase", "no GP\n(integer m)", "tab:red"),
        ("exact", "j_exact", "exact\n(two states)", "k"),
        ("with_geometric_phase", "m_with_geometric_phase", "with GP\n(half-integer j)", "tab:blue"),
    ]
    for x, (name, lab, _title, colour) in enumerate(cols):
        e = comparison[name].values
        labels = comparison[lab].values
        seen = set()
        for en, lb in zip(e, labels):
            key = round(float(en), 6)
            ax.hlines(en, x - 0.3, x + 0.3, color=colour, lw=2)
            if key not in seen:
                ax.text(x + 0.33, en, f"|{'j' if x else 'm'}|={_fmt_half(lb)}", va="center", fontsize=7)
                seen.add(key)
    ax.set_xticks(range(3), [c[2] for c in cols])
    ax.set_xlim(-0.5, 2.9)
    ax.set_ylabel("energy (hbar omega)")
    ax.set_title(f"E x e Jahn-Teller, k = {comparison.attrs['k']:g}")
    return ax


def plot_encircling_wavepacket(result: EncirclingWavepacket, axes: Any = None, *, time_index: int = -1) -> Any:
    """Densities at one time (exact, lower surface without GP) and their angular profiles in the
    moat.  ``axes``: three axes or None; returns them."""
    axes = _new_axes(axes, ncols=3, size=(12.0, 3.8))
    t = result.times[time_index]
    for ax, dens, title in (
        (axes[0], result.density_exact, "exact (two states): geometric phase"),
        (axes[1], result.density_without_gp, "lower surface only: no geometric phase"),
    ):
        ax.pcolormesh(result.x, result.y, dens[time_index].T, shading="auto", cmap="magma")
        ax.plot([0], [0], "c*", ms=10)
        ax.set_title(f"{title}\n t = {t:g}", fontsize=9)
        lim = result.parameters["k"] / result.parameters["omega"] + 2.5
        ax.set_xlim(-lim, lim)
        ax.set_ylim(-lim, lim)
        ax.set_aspect("equal")
        ax.set_xlabel("q_x")
        ax.set_ylabel("q_y")
    axes[2].plot(result.phi, result.angular_exact[time_index], "b-", label="exact (GP)")
    axes[2].plot(result.phi, result.angular_without_gp[time_index], "r--", label="no GP")
    axes[2].axvline(0.0, color="k", lw=0.5)
    axes[2].set_xlabel("phi (far side at 0)")
    axes[2].set_ylabel("density in the moat")
    axes[2].legend(fontsize=8)
    return axes
