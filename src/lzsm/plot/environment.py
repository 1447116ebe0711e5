"""Figures of a crossing with an environment: dephasing, fringes washing out, classical noise.

:func:`plot_dephased_lz` (P against sweep rate for several dephasing rates, with P_LZ and
Kayanuma's strong-dephasing limit ``(1 + P_LZ^2)/2``), :func:`plot_fringe_washout` (Stückelberg
fringes of a double passage fading into the incoherent sum as dephasing grows),
:func:`plot_noisy_populations` (noise-averaged populations with standard-error bands beside the
noiseless run).  Each takes ``ax=None`` and returns the axes.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from lzsm.dynamics.noise import NoisyEvolution, OrnsteinUhlenbeckNoise
from lzsm.dynamics.open import evolve_open
from lzsm.errors import LzsmTypeError, LzsmValueError
from lzsm.plot._axes import axis_label
from lzsm.plot._axes import new_axes as _new_axes
from lzsm.plot._sampling import check_time_sampling


def plot_dephased_lz(
    coupling: float,
    sweep_rates: ArrayLike,
    dephasings: ArrayLike,
    t_span: tuple[float, float],
    ax=None,
    *,
    hbar: float = 1.0,
    tol: float = 1e-8,
):
    """Probability to stay in the initial diabatic state against sweep rate for several
    dephasing rates (Lindblad, diabatic basis), with the coherent ``P_LZ`` and Kayanuma's
    strong-dephasing limit ``(1 + P_LZ^2)/2``.  Returns the axes (their figure holds the data
    as ``ax.figure.lzsm_data``, an xarray Dataset)."""
    from lzsm.closed_forms.incoherent import kayanuma_p_diabatic_stay
    from lzsm.closed_forms.landau_zener import lz_probability
    from lzsm.models.two_level import LandauZener

    ax = _new_axes(ax, size=(5.5, 4.0))
    rates = np.asarray(sweep_rates, dtype=float)
    gam = np.asarray(dephasings, dtype=float)
    model = LandauZener(coupling=coupling, sweep_rate=rates[:, None], hbar=hbar)
    res = evolve_open(model, t_span, 0, dephasing=gam[None, :], tol=tol)
    p = res.p_diabatic_stay
    dense = np.geomspace(rates.min(), rates.max(), 300)
    ax.plot(dense, lz_probability(coupling, dense, hbar), "k-", lw=1.5, label=r"coherent $P_{LZ}$")
    ax.plot(dense, kayanuma_p_diabatic_stay(coupling, dense, hbar), "k--", lw=1.5, label=r"Kayanuma $(1+P_{LZ}^2)/2$")
    for j, g in enumerate(gam):
        ax.plot(rates, p[:, j], "o-", ms=3, lw=1, label=rf"$\gamma_\phi$ = {g:g}")
    ax.set_xscale("log")
    ax.set_xlabel(axis_label(r"sweep rate $\alpha$", None))
    ax.set_ylabel(r"$P$ (stay in initial diabatic state)")
    ax.set_title(rf"Dephased Landau–Zener passage, $V$ = {coupling:g}")
    ax.legend(fontsize=8)
    ax.figure.lzsm_data = res.to_xarray()[["p_diabatic_stay"]]
    return ax


def plot_fringe_washout(
    coupling: float,
    sweep_rate: float,
    crossing_times: ArrayLike,
    dephasings: ArrayLike,
    t_span: tuple[float, float],
    ax=None,
    *,
    hbar: float = 1.0,
    tol: float = 1e-8,
):
    """Stückelberg fringes of a double passage against the crossing time for several
    dephasing rates: the fringes wash out into the incoherent sum ``2 P (1 - P)``-like
    rate-equation value.  Returns the axes (data in ``ax.figure.lzsm_data``)."""
    from lzsm.closed_forms.landau_zener import lz_probability
    from lzsm.closed_forms.passages import incoherent_passages_probability
    from lzsm.models.drives import DoublePassage

    ax = _new_axes(ax, size=(5.5, 4.0))
    tc = np.asarray(crossing_times, dtype=float)
    gam = np.asarray(dephasings, dtype=float)
    model = DoublePassage(coupling=coupling, sweep_rate=sweep_rate, crossing_time=tc[:, None], hbar=hbar)
    res = evolve_open(model, t_span, 0, dephasing=gam[None, :], tol=tol)
    for j, g in enumerate(gam):
        ax.plot(tc, 1.0 - res.p_diabatic_stay[:, j], lw=1.2, label=rf"$\gamma_\phi$ = {g:g}")
    p = float(lz_probability(coupling, sweep_rate, hbar))
    ax.axhline(
        float(incoherent_passages_probability(1.0 - p, 2)), color="k", ls="--", lw=1, label=r"incoherent $2P(1-P)$"
    )
    ax.set_xlabel(axis_label(r"crossing time $t_c$ (passages at $\pm t_c$)", None))
    ax.set_ylabel(r"$1 - P_{\rm stay}$ after the double passage")
    ax.set_title("Stückelberg fringes washing out")
    ax.legend(fontsize=8)
    ax.figure.lzsm_data = res.to_xarray()[["p_diabatic_stay"]]
    return ax


# =========================================================================== figure
def plot_noisy_populations(
    result: NoisyEvolution,
    ax=None,
    *,
    noiseless: bool = True,
    index: tuple[int, ...] = (),
    n_sigma: float = 2.0,
    time_unit: str | None = None,
):
    """Diabatic populations against time: the noise average with a band of ``+- n_sigma``
    standard errors, and (``noiseless=True``) the noiseless evolution from the same initial
    state (dashed, :func:`lzsm.evolve`).  Takes ``ax=None`` and returns the axes."""
    from lzsm.dynamics.coherent import evolve

    if not isinstance(result, NoisyEvolution):
        raise LzsmTypeError(f"`result` must be a NoisyEvolution from evolve_noisy, got {type(result).__name__}")
    pops = result.populations[index]
    err = result.population_stderr[index]
    if pops.ndim != 2:
        raise LzsmValueError("`index` must select one parameter point of the result's grid")
    t = result.t
    model = result.model.point(index) if result.model.batch_shape else result.model
    check_time_sampling(t, model, what="`result` (its saved times `t_eval` of evolve_noisy)")
    ax = _new_axes(ax, size=(5.5, 3.8))
    for j in range(pops.shape[-1]):
        color = f"C{j}"
        ax.plot(t, pops[:, j], color=color, label=f"diabatic {j} with noise")
        ax.fill_between(
            t, pops[:, j] - n_sigma * err[:, j], pops[:, j] + n_sigma * err[:, j], color=color, alpha=0.25, lw=0
        )
    if noiseless:
        clean = evolve(model, (t[0], t[-1]), result.initial_state[index], t_eval=t).populations
        for j in range(clean.shape[-1]):
            ax.plot(t, clean[:, j], "--", color=f"C{j}", lw=1, label=f"diabatic {j} noiseless")
    ax.set_xlabel(axis_label("t", time_unit))
    ax.set_ylabel("diabatic population (probability)")
    ax.set_ylim(-0.02, 1.02)
    kind = "Ornstein–Uhlenbeck" if isinstance(result.noise, OrnsteinUhlenbeckNoise) else "telegraph"
    ax.set_title(f"{kind} noise: mean ± {n_sigma:g} s.e., {result.n_trajectories} trajectories", fontsize=10)
    ax.legend(frameon=False, fontsize=8)
    return ax
