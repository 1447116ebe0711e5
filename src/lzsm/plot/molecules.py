"""Figures of molecules at curve crossings (every helper takes ``ax=None`` and returns the axes).

* :func:`plot_curves`: diabatic and adiabatic curves with the couplings (Tully 1990, Figs. 1–3);
* :func:`plot_scattering_vs_momentum`: T and R per channel against the incident ``k``
  (Tully 1990, Figs. 4–6), with other methods' results overlaid with error bars;
* :func:`plot_snapshots`: wavepacket snapshots of a :class:`~lzsm.molecules.wavepackets.WavepacketEvolution`;
* :func:`plot_trajectory_scattering`: one panel of Tully's surface-hopping figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from lzsm import _checks
from lzsm.errors import LzsmTypeError, LzsmValueError
from lzsm.models.curves import Curves
from lzsm.molecules.surface_hopping import TrajectoryScattering
from lzsm.molecules.wavepackets import WavepacketEvolution, _potential_on_grid


# --------------------------------------------------------------------------- figure
def plot_curves(
    model: Curves,
    x: ArrayLike,
    ax: Any = None,
    *,
    coupling_scale: float | None = None,
    energy_unit: str = "hartree",
    energy_factor: float = 1.0,
):
    """Curves in both pictures with the couplings (the layout of Tully 1990, Fig. 1–3).

    Adiabatic energies solid, diabatic energies dashed, the diabatic coupling ``V12`` dotted
    and the non-adiabatic coupling ``d_01`` (scaled by ``coupling_scale``, default chosen so
    its peak is comparable to the energy range) dash-dotted.  Returns the axes."""
    from lzsm.models import adiabatic as bases

    xa = _checks.real_array(x, "x")
    if ax is None:
        from matplotlib.figure import Figure

        ax = Figure(figsize=(6, 4)).add_subplot()
    v = model.potential(xa) * energy_factor
    e = bases.adiabatic_energies(model, xa) * energy_factor
    n = model.n_levels
    for i in range(n):
        ax.plot(xa, e[:, i], "-", lw=2, color=f"C{i}", label=f"adiabatic $E_{i}$")
    for i in range(n):
        ax.plot(xa, v[:, i, i], "--", lw=1, color=f"C{i + n}", label=f"diabatic $V_{{{i + 1}{i + 1}}}$")
    for i in range(n):
        for j in range(i + 1, n):
            ax.plot(xa, v[:, i, j], ":", color="k", label=f"coupling $V_{{{i + 1}{j + 1}}}$")
    d = np.real(bases.nonadiabatic_coupling(model, xa)[:, 0, 1])
    span = max(np.ptp(e), 1e-300)
    scale = (
        coupling_scale
        if coupling_scale is not None
        else (10 ** np.ceil(np.log10(max(np.nanmax(np.abs(d)), 1e-300) / span)))
    )
    ax.plot(xa, d / scale, "-.", color="0.4", label=f"$d_{{01}}$ / {scale:g}")
    ax.set_xlabel(f"{model.coordinate} (bohr)")
    ax.set_ylabel(f"energy ({energy_unit})")
    ax.legend(fontsize="small")
    return ax


_LABELS = {"transmission": "T", "reflection": "R"}


def _first(data: Any, *names: str, required: bool = True) -> Any:
    """``data[name]`` for the first of ``names`` that ``data`` holds."""
    for name in names:
        if name in data:
            return data[name]
    if required:
        raise LzsmValueError(f"the data must hold one of {', '.join(map(repr, names))}")
    return None


def plot_scattering_vs_momentum(
    data: Any,
    ax: Any = None,
    *,
    quantities: Sequence[str] = ("transmission", "reflection"),
    states: Sequence[int] | None = None,
    extra: Sequence[tuple[str, Any]] = (),
    picture: str = "adiabatic",
):
    """Transmission/reflection per state against incident momentum (Tully 1990, Figs. 4–6).

    ``data`` is a :func:`~lzsm.molecules.scattering.scattering_vs_momentum` Dataset (drawn as
    lines; its ``to_xarray()`` twin from a stationary or trajectory result works too).
    ``extra`` overlays other results as markers with error bars: a sequence of ``(label, other)``
    where ``other`` is a Dataset or mapping with ``k`` (n,), the same quantity names with shape
    ``(n, N)``, and optionally ``<quantity>_stderr`` (n, N) standard errors, e.g. surface
    hopping (the lzsm 0.1 names ``momentum`` and ``<quantity>_error`` are read too).
    ``picture="diabatic"`` plots the ``*_diabatic`` variables.  Returns the axes."""
    _checks.choice(picture, "picture", ("adiabatic", "diabatic"))
    if ax is None:
        from matplotlib.figure import Figure

        ax = Figure(figsize=(6, 4)).add_subplot()
    suffix = "_diabatic" if picture == "diabatic" else ""
    n = int(np.asarray(data[f"transmission{suffix}"]).shape[-1])
    states = list(range(n)) if states is None else list(states)
    k = np.asarray(_first(data, "k", "momentum"))
    styles = {"transmission": "-", "reflection": "--"}
    color = 0
    colors = {}
    for q in quantities:
        vals = np.asarray(data[q + suffix])
        for s in states:
            colors[(q, s)] = f"C{color}"
            ax.plot(k, vals[:, s], styles.get(q, "-"), color=f"C{color}", label=f"{_LABELS.get(q, q)}$_{s}$ exact")
            color += 1
    markers = "osd^v<>"
    for i, (label, other) in enumerate(extra):
        ko = np.asarray(_first(other, "k", "momentum"))
        for q in quantities:
            vals = np.asarray(other[q + suffix])
            errs = _first(other, q + suffix + "_stderr", q + suffix + "_error", required=False)
            errs = None if errs is None else np.asarray(errs)
            for s in states:
                ax.errorbar(
                    ko,
                    vals[:, s],
                    yerr=None if errs is None else errs[:, s],
                    fmt=markers[i % len(markers)],
                    ms=4,
                    mfc="none",
                    color=colors.get((q, s), "k"),
                    capsize=2,
                    label=f"{_LABELS.get(q, q)}$_{s}$ {label}",
                )
    ax.set_xlabel("incident momentum k (a.u.)")
    ax.set_ylabel("probability" + (" (diabatic)" if suffix else ""))
    ax.set_ylim(-0.02, 1.02)
    ax.legend(fontsize="x-small", ncol=2)
    return ax


def plot_snapshots(
    evolution: WavepacketEvolution,
    ax: Any = None,
    *,
    potential: Any = None,
    offset: float | None = None,
    picture: str = "diabatic",
):
    """Wavepacket snapshots: ``|psi_n(x)|^2`` per state, one row per saved time (1-D), or
    contours of the total density per saved time (2-D).

    ``picture="adiabatic"`` (1-D) projects on the local eigenstates of ``potential`` (a
    Curves model or the potential array used in :func:`propagate`).  Returns the axes."""
    _checks.choice(picture, "picture", ("adiabatic", "diabatic"))
    if ax is None:
        from matplotlib.figure import Figure

        ax = Figure(figsize=(6, 5)).add_subplot()
    g = evolution.grid
    psi = evolution.psi
    if g.ndim == 2:
        x, y = g.meshes()
        for i, t in enumerate(evolution.times):
            rho = np.sum(np.abs(psi[i]) ** 2, axis=-1)
            ax.contour(x, y, rho, levels=[0.1 * rho.max(), 0.5 * rho.max()], colors=[f"C{i % 10}"] * 2)
            ax.plot([], [], color=f"C{i % 10}", label=f"t = {t:.4g}")
        ax.set_xlabel(g.names[0])
        ax.set_ylabel(g.names[1])
        ax.legend(fontsize="x-small")
        return ax
    if picture == "adiabatic":
        if potential is None:
            raise LzsmValueError("picture='adiabatic' needs the `potential` to find the local adiabatic states")
        _, vecs = np.linalg.eigh(_potential_on_grid(potential, g))
        psi = np.einsum("xji,txj->txi", np.conj(vecs), psi)
    dens = np.abs(psi) ** 2
    step = offset if offset is not None else 1.1 * float(dens.max())
    x = g.axes[0]
    for i, t in enumerate(evolution.times):
        base = -i * step
        for s in range(dens.shape[-1]):
            ax.plot(x, base + dens[i, :, s], color=f"C{s}", label=(f"state {s}" if i == 0 else None))
        ax.text(x[-1], base + 0.3 * step, f"t = {t:.4g}", ha="right", fontsize="x-small")
    ax.set_xlabel(f"{g.names[0]}")
    ax.set_ylabel(f"$|\\psi_n|^2$ ({picture}), offset by time")
    ax.set_yticks([])
    ax.legend(fontsize="x-small")
    return ax


# ----------------------------------------------------------------------------- figures
_QUANTITIES = ("transmission", "reflection")


def plot_trajectory_scattering(
    result: TrajectoryScattering,
    quantity: str = "transmission",
    state: int = 0,
    *,
    exact: tuple[ArrayLike, ArrayLike] | None = None,
    label: str | None = None,
    exact_label: str = "exact",
    ax: Any = None,
    **errorbar_kwargs: Any,
) -> Any:
    """One panel of Tully's figures: ``quantity`` (``"transmission"``/``"reflection"``) on
    adiabatic ``state`` against the incident momentum, with standard-error bars.

    exact : optional ``(k, probabilities)`` drawn as a line (e.g. from a stationary
        coupled-channel calculation).

    ``label`` defaults to the method's name.  Returns the axes (a new one on a fresh
    :class:`matplotlib.figure.Figure` when ``ax`` is None)."""
    if not isinstance(result, TrajectoryScattering):
        raise LzsmTypeError(f"`result` must be a TrajectoryScattering, got {type(result).__name__}")
    quantity = _checks.choice(quantity, "quantity", _QUANTITIES)
    if (
        isinstance(state, (bool, np.bool_))
        or not isinstance(state, (int, np.integer))
        or not 0 <= state < result.n_states
    ):
        raise LzsmValueError(f"`state` must be an integer in [0, {result.n_states - 1}], got {state!r}")
    if ax is None:
        from matplotlib.figure import Figure

        ax = Figure(figsize=(4.5, 3.5), layout="constrained").add_subplot()
    if exact is not None:
        kx, px = (np.asarray(a, dtype=float) for a in exact)
        ax.plot(kx, px, "-", color="0.2", lw=1.2, label=exact_label)
    values = getattr(result, quantity)[:, state]
    errors = getattr(result, quantity + "_stderr")[:, state]
    kw = {"fmt": "o", "ms": 4, "capsize": 2, "lw": 1} | errorbar_kwargs
    name = label if label is not None else result.method.name.upper()
    ax.errorbar(result.k, values, yerr=errors, label=name, **kw)
    ax.set_xlabel("incident momentum k (hbar / length)")
    ax.set_ylabel(f"{quantity} on adiabatic state {state}")
    ax.set_ylim(-0.03, 1.03)
    return ax
