"""Figures, one call each.  Every function takes ``ax=None`` (or ``axes=None``) and returns the
axes it drew on; nothing changes matplotlib's global style."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from lzsm.closed_forms import landau_zener as analytic
from lzsm.dynamics.coherent import Evolution
from lzsm.errors import LzsmValueError
from lzsm.models import adiabatic as bases
from lzsm.models.base import Model
from lzsm.plot._axes import axis_label
from lzsm.plot._axes import new_axes as _new_axes
from lzsm.plot._sampling import check_time_sampling


def _single(model: Model) -> Model:
    if model.batch_shape != ():
        raise LzsmValueError(
            f"this figure shows one parameter point; the model has batch shape "
            f"{model.batch_shape}: pass model.point(index)"
        )
    return model


def plot_energies(
    model: Model,
    q: ArrayLike,
    ax=None,
    *,
    colorbar: bool = True,
    coordinate_unit: str | None = None,
    energy_unit: str | None = None,
):
    """Energy diagram in both pictures: diabatic levels dashed, adiabatic levels coloured by
    their diabatic character (weight of diabatic state 0).  ``coordinate_unit`` and
    ``energy_unit`` label the axes (default: "model units")."""
    from matplotlib.collections import LineCollection

    model = _single(model)
    q = np.asarray(q, dtype=float)
    ax = _new_axes(ax)
    h = model.hamiltonian(q)
    for j in range(model.n_levels):
        ax.plot(q, h[:, j, j].real, "--", color="0.55", lw=1, label="diabatic" if j == 0 else None)
    e = bases.adiabatic_energies(model, q)
    w = bases.diabatic_character(model, q)[:, 0, :]  # weight of diabatic state 0 in each adiabatic state
    lc = None
    for n in range(model.n_levels):
        pts = np.column_stack([q, e[:, n]]).reshape(-1, 1, 2)
        seg = np.concatenate([pts[:-1], pts[1:]], axis=1)
        lc = LineCollection(list(seg), cmap="coolwarm", norm=None, linewidths=2.2)
        lc.set_array(0.5 * (w[:-1, n] + w[1:, n]))
        lc.set_clim(0.0, 1.0)
        ax.add_collection(lc)
    ax.autoscale_view()
    ax.set_xlabel(axis_label(model.coordinate, coordinate_unit))
    ax.set_ylabel(axis_label("energy", energy_unit))
    ax.set_title("diabatic (dashed) and adiabatic levels")
    if colorbar and lc is not None:
        cb = ax.figure.colorbar(lc, ax=ax)
        cb.set_label("weight of diabatic state 0")
    ax.legend(loc="upper center", frameon=False)
    return ax


def plot_populations(evolution: Evolution, axes=None, *, index: tuple[int, ...] = (), time_unit: str | None = None):
    """Populations against time in the diabatic (left) and adiabatic (right) pictures.

    States are labelled by their 0-based index, as everywhere in lzsm.  Refuses (naming the
    number of times to save) when ``evolution.t`` is too sparse for the diabatic populations'
    oscillations at the adiabatic gap, which would otherwise be drawn aliased.  ``time_unit``
    labels the time axis (default: "model units")."""
    t = evolution.t
    dia = evolution.populations[index]
    if dia.ndim != 2:
        raise LzsmValueError("`index` must select one parameter point of the evolution's grid")
    model = evolution.model.point(index) if evolution.model.batch_shape else evolution.model
    check_time_sampling(t, model, what="the evolution (its saved times `t_eval`)")
    ad = evolution.adiabatic_populations[index]
    axes = _new_axes(axes, ncols=2, sharey=True)
    for j in range(dia.shape[-1]):
        axes[0].plot(t, dia[:, j], label=f"diabatic {j}")
        axes[1].plot(t, ad[:, j], label=f"adiabatic {j}")
    axes[0].set_title("diabatic picture")
    axes[1].set_title("adiabatic picture")
    for a in axes:
        a.set_xlabel(axis_label("t", time_unit))
        a.legend(frameon=False)
    axes[0].set_ylabel("population (probability)")
    return axes


def plot_probability_vs_rate(
    coupling: float,
    sweep_rates: ArrayLike,
    ax=None,
    *,
    hbar: float = 1.0,
    exact: tuple[ArrayLike, ArrayLike] | None = None,
    exact_label: str = "exact propagation",
    golden_rule: bool = True,
    t_span: tuple[float, float] | None = None,
    energy_unit: str | None = None,
    rate_unit: str | None = None,
):
    """P_LZ against sweep rate: the Landau–Zener law, its golden-rule limit, and exact points.

    ``exact`` is ``(rates, p_diabatic_stay)`` from :func:`lzsm.evolve` or the finite-time
    closed form.  ``P_LZ`` is the probability of a complete passage (infinite times); a
    propagation over a finite window ``t_span`` ends elsewhere where the window is short on the
    scale of the transition time, so when ``t_span`` is given the exact finite-time curve
    (:func:`lzsm.finite_time_p_diabatic_stay`, starting in diabatic state 0) is drawn as well,
    and exact points from that window lie on it.  ``energy_unit`` and ``rate_unit`` label the
    coupling and the sweep-rate axis (default: "model units")."""
    ax = _new_axes(ax)
    rates = np.asarray(sweep_rates, dtype=float)
    grid = (
        np.geomspace(rates.min(), rates.max(), 2000)
        if np.all(rates > 0)
        else np.linspace(rates.min(), rates.max(), 2000)
    )
    ax.plot(grid, analytic.lz_probability(coupling, grid, hbar), "k-", label=r"$P_{LZ}=e^{-2\pi V^2/\hbar\alpha}$")
    if golden_rule:
        gr = 1.0 - analytic.golden_rule_probability(coupling, grid, hbar)
        ok = gr > 0
        ax.plot(grid[ok], gr[ok], ":", color="C1", label=r"golden rule $1-2\pi V^2/\hbar\alpha$")
    if t_span is not None:
        t0, t1 = float(t_span[0]), float(t_span[1])
        finite = analytic.finite_time_p_diabatic_stay(coupling, grid, t1, t0, 0, hbar)
        ax.plot(grid, finite, "-", color="C0", lw=1.2, alpha=0.8, label=f"exact for t in [{t0:g}, {t1:g}]")
    a_e = analytic.sweep_rate_for_probability(np.exp(-1.0), coupling, hbar)
    ax.axvline(a_e, color="0.6", lw=0.8)
    ax.annotate(r"$P=1/e$", (a_e, np.exp(-1.0)), textcoords="offset points", xytext=(4, -12), fontsize=8)
    if exact is not None:
        ax.plot(np.asarray(exact[0]), np.asarray(exact[1]), "o", ms=4, color="C3", label=exact_label)
    ax.set_xscale("log")
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel(axis_label(r"sweep rate $\alpha$", rate_unit))
    ax.set_ylabel(r"$p_{\rm diabatic\ stay}$ (probability)")
    ax.set_title(f"Landau–Zener law, V = {coupling:g}" + (f" {energy_unit}" if energy_unit else " (model units)"))
    ax.legend(frameon=False, fontsize=8)
    return ax


def plot_nonadiabatic_coupling(model: Model, q: ArrayLike, ax=None, *, coordinate_unit: str | None = None):
    """``|d_01|`` along the model's coordinate (two levels) or all ``|d_mn|``, m < n (N levels)."""
    model = _single(model)
    q = np.asarray(q, dtype=float)
    ax = _new_axes(ax)
    d = np.abs(bases.nonadiabatic_coupling(model, q))
    n = model.n_levels
    for m in range(n):
        for k in range(m + 1, n):
            ax.plot(q, d[:, m, k], label=f"|d_{m}{k}|")
    ax.set_xlabel(axis_label(model.coordinate, coordinate_unit))
    ax.set_ylabel(
        f"|<phi_m|d phi_n/d{model.coordinate}>|" + (f" [1/{coordinate_unit}]" if coordinate_unit else " (model units)")
    )
    ax.set_title("non-adiabatic coupling")
    ax.legend(frameon=False)
    return ax


# --------------------------------------------------------------------------- multi-level sweeps
def plot_multilevel(
    model: Model,
    t: ArrayLike,
    axes=None,
    *,
    evolution: Evolution | None = None,
    index: tuple[int, ...] = (),
    max_width: float = 10.0,
    time_unit: str | None = None,
    energy_unit: str | None = None,
):
    """A multi-level sweep in both pictures, with populations through it.

    Left: diabatic levels (diagonal of H, dashed, one colour per level) and adiabatic levels
    (solid grey); with an ``evolution`` (from :func:`lzsm.evolve` on this model, saved at
    ``t``-like times) each adiabatic line is drawn over a band whose width is its population
    (full population: ``max_width`` percent of the energy range).
    Right (only with ``evolution``): diabatic populations against time in the colours of the
    diabatic levels.  ``axes``: one axes (no evolution) or two; None makes a new figure.
    Returns the axes."""
    model = _single(model)
    t = np.asarray(t, dtype=float)
    if t.ndim != 1 or t.size < 2:
        raise LzsmValueError(f"`t` must be a 1-D array of at least two times, got shape {t.shape}")
    ncols = 1 if evolution is None else 2
    axes = _new_axes(axes, ncols)
    if ncols == 2 and (not hasattr(axes, "__len__") or len(axes) != 2):
        raise LzsmValueError("with `evolution`, `axes` must hold two axes (levels, populations)")
    ax_e = axes if ncols == 1 else axes[0]
    h = model.hamiltonian(t)
    n = model.n_levels
    colours = [f"C{j % 10}" for j in range(n)]
    for j in range(n):
        ax_e.plot(t, h[:, j, j].real, "--", color=colours[j], lw=1.2, label=f"diabatic {j}")
    e = bases.adiabatic_energies(model, t)
    if evolution is not None:
        pops = evolution.adiabatic_populations[index]
        if pops.ndim != 2:
            raise LzsmValueError("`index` must select one parameter point of the evolution's grid")
        check_time_sampling(evolution.t, model, what="`evolution` (its saved times `t_eval`)")
        w = np.array([np.interp(t, evolution.t, pops[:, k]) for k in range(n)]).T
        span = np.ptp(e) if np.ptp(e) > 0 else 1.0
        for k in range(n):
            half = 0.5 * w[:, k] * max_width * 0.01 * span
            ax_e.fill_between(t, e[:, k] - half, e[:, k] + half, color="0.3", alpha=0.35, lw=0)
    for k in range(n):
        ax_e.plot(t, e[:, k], "-", color="0.25", lw=1.0, label="adiabatic" if k == 0 else None)
    ax_e.set_xlabel(axis_label("t", time_unit))
    ax_e.set_ylabel(axis_label("energy", energy_unit))
    ax_e.set_title(
        "diabatic (dashed), adiabatic (solid)"
        + ("\nband width: adiabatic population" if evolution is not None else ""),
        fontsize=9,
    )
    ax_e.legend(frameon=False, fontsize=7, loc="best")
    if evolution is not None:
        ax_p = axes[1]
        dia = evolution.populations[index]
        for j in range(n):
            ax_p.plot(evolution.t, dia[:, j], color=colours[j], label=f"diabatic {j}")
        ax_p.set_xlabel(axis_label("t", time_unit))
        ax_p.set_ylabel("diabatic population (probability)")
        ax_p.set_ylim(-0.02, 1.02)
        ax_p.set_title("populations through the sweep")
        ax_p.legend(frameon=False, fontsize=7)
    return axes


def plot_transition_matrix(
    p_transition: ArrayLike,
    ax=None,
    *,
    labels: list[str] | None = None,
    annotate: bool = True,
    title: str = "final populations",
    colorbar: bool = True,
):
    """Heat map of a transition matrix ``P[final, initial]`` (e.g. from
    :func:`lzsm.transition_matrix` or a closed form): initial level on the x axis,
    final level on the y axis, values written in the cells.  Returns the axes."""
    p = np.asarray(p_transition, dtype=float)
    if p.ndim != 2 or p.shape[0] != p.shape[1]:
        raise LzsmValueError(f"`p_transition` must be one (N, N) matrix, got shape {p.shape}")
    n = p.shape[0]
    labels = [str(k) for k in range(n)] if labels is None else list(labels)
    if len(labels) != n:
        raise LzsmValueError(f"`labels` must have {n} entries, got {len(labels)}")
    ax = _new_axes(ax)
    im = ax.imshow(p, cmap="viridis", vmin=0.0, vmax=1.0, origin="lower")
    ax.set_xticks(range(n), labels)
    ax.set_yticks(range(n), labels)
    ax.set_xlabel("initial diabatic level")
    ax.set_ylabel("final diabatic level")
    ax.set_title(title)
    if annotate:
        for f in range(n):
            for i in range(n):
                ax.text(
                    i,
                    f,
                    f"{p[f, i]:.3f}",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white" if p[f, i] < 0.6 else "black",
                )
    if colorbar:
        ax.figure.colorbar(im, ax=ax, label="probability")
    return ax
