"""Ultracold atoms and molecules: Feshbach association by a field ramp, and nonlinear LZ.

Two applications (``docs/cold_atoms.md``):

* ``feshbach_association`` — pairs of atoms are turned into weakly bound molecules by a linear
  magnetic-field ramp across a Feshbach resonance.  In the two-body (Landau–Zener) model of
  association (Góral, Köhler, Gardiner, Tiesinga & Julienne, J. Phys. B 37, 3457 (2004); Köhler,
  Góral & Julienne, Rev. Mod. Phys. 78, 1311 (2006)) the atom pair and the closed-channel
  molecular state cross with slope difference ``Delta_mu`` (difference of magnetic moments) and
  couple with a strength set by the resonance width ``Delta_B``, the background scattering length
  ``a_bg`` and the pair density ``n``.  The conversion efficiency is
  ``1 - exp(-2 pi delta_LZ)`` with ``delta_LZ = 4 pi hbar n |a_bg Delta_B| / (m |Bdot|)`` (m the
  atom mass; prefactor rederived in :func:`feshbach_crossing`), the form
  ``P = P_max (1 - exp(-beta n / |Bdot|))`` used for the 85Rb and 40K data of Hodby et al.,
  PRL 94, 120402 (2005) (their text was not retrieved here: no fitted numbers are quoted).
* ``nonlinear_lz`` — the mean-field two-mode model of a condensate (Wu & Niu, PRA 61, 023402
  (2000); Liu et al., PRA 66, 023404 (2002), arXiv:quant-ph/0105140):
  ``i d/dt (a, b) = H (a, b)``, ``H = [[gamma/2 + (c/2)(|b|^2-|a|^2), v/2],
  [v/2, -gamma/2 - (c/2)(|b|^2-|a|^2)]]``, ``gamma = alpha t``: looped (swallow-tail) levels
  and tunnelling in the adiabatic limit for ``c > v``, hysteresis.

Conventions (``docs/conventions.md``): in lzsm terms the Wu–Niu model has bias ``E1 - E2 = gamma + c s``
(``s = |b|^2 - |a|^2``), coupling ``V = v/2`` and sweep rate ``alpha = d gamma/dt``; for ``c = 0``
its tunnelling probability ``exp(-pi v^2 / (2 alpha))`` is lzsm's ``P_LZ = exp(-2 pi V^2/alpha)``.
Everything in the nonlinear model is in units of the energy of ``v`` with ``hbar = 1``.
"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numba
import numpy as np
from numpy.typing import ArrayLike
from scipy import constants as _c

from lzsm import _checks
from lzsm._checks import real_array
from lzsm.applications._common import combined_status, deprecated, point_loop, propagation_options, warn_unfinished
from lzsm.applications._framework import Config, new_figure, register, write_dataset
from lzsm.closed_forms import landau_zener as analytic
from lzsm.errors import LzsmValueError
from lzsm.methods import SCIPY_MIN_TOL
from lzsm.options import Options, resolve_options
from lzsm.plot._axes import new_axes
from lzsm.results import Result, Status

#: physical constants (CODATA via scipy): atomic mass unit, Bohr radius, Bohr magneton
AMU = _c.physical_constants["atomic mass constant"][0]
BOHR = _c.physical_constants["Bohr radius"][0]
BOHR_MAGNETON = _c.physical_constants["Bohr magneton"][0]
GAUSS = 1e-4  # tesla


# =================================================================================== Feshbach
@dataclass(frozen=True)
class FeshbachResonance:
    """An s-wave magnetic Feshbach resonance, ``a(B) = a_bg (1 - Delta_B / (B - B0))``.

    The parameters are in field units, converted here: 1 amu = 1.66053907e-27 kg,
    1 a0 = 5.29177e-11 m, 1 G = 1e-4 T, mu_B = 9.2740e-24 J/T.

    Parameters
    ----------
    mass_amu : mass of one atom (identical atoms; for a mixture pass twice the reduced mass).
    a_bg_bohr : background scattering length in Bohr radii (sign kept; only ``|a_bg Delta_B|`` enters
        the association probability).
    width_gauss : resonance width Delta_B in gauss (nonzero).
    delta_mu_bohr_magneton : difference of the magnetic moments of the molecular (closed-channel)
        state and the atom pair, in Bohr magnetons.  It sets the sweep rate of the bare crossing
        ``alpha = |Delta_mu Bdot|`` and the coupling together, and cancels in the conversion
        efficiency; it only sets the time scale of the passage.
    position_gauss : resonance position B0 (for labels only).
    name : a label, e.g. ``'85Rb 155 G'``.
    """

    mass_amu: float
    a_bg_bohr: float
    width_gauss: float
    delta_mu_bohr_magneton: float = 2.0
    position_gauss: float = float("nan")
    name: str = ""

    def __post_init__(self) -> None:
        _checks.real_scalar(self.mass_amu, "mass_amu", positive=True)
        _checks.real_scalar(self.a_bg_bohr, "a_bg_bohr", nonzero=True)
        _checks.real_scalar(self.width_gauss, "width_gauss", nonzero=True)
        _checks.real_scalar(self.delta_mu_bohr_magneton, "delta_mu_bohr_magneton", nonzero=True)

    @property
    def mass_kg(self) -> float:
        return float(self.mass_amu) * AMU

    @property
    def strength_m_gauss(self) -> float:
        """``|a_bg Delta_B|`` in metre·gauss (the resonance strength that enters delta_LZ)."""
        return abs(float(self.a_bg_bohr) * BOHR * float(self.width_gauss))


def _resonance(resonance: Any) -> FeshbachResonance:
    return _checks.instance(
        resonance, "resonance", FeshbachResonance, "a FeshbachResonance (lzsm.applications.cold_atoms)"
    )


def _density_m3(density_cm3: ArrayLike) -> np.ndarray:
    return real_array(density_cm3, "density_cm3", positive=True) * 1e6


def _rate_gauss_per_s(sweep_rate_gauss_per_ms: ArrayLike) -> np.ndarray:
    return np.abs(real_array(sweep_rate_gauss_per_ms, "sweep_rate_gauss_per_ms", nonzero=True)) * 1e3


def feshbach_lz_parameter(
    resonance: FeshbachResonance, density_cm3: ArrayLike, sweep_rate_gauss_per_ms: ArrayLike
) -> np.ndarray:
    """Landau–Zener parameter of Feshbach association by a linear ramp.

    .. math::  \\delta_{LZ} = \\frac{4\\pi\\hbar\\, n}{m} \\left|\\frac{a_{bg}\\,\\Delta B}{\\dot B}\\right|

    with the atom mass m and the density n (Góral et al., J. Phys. B 37, 3457 (2004); Köhler,
    Góral & Julienne, Rev. Mod. Phys. 78, 1311 (2006)).  It is lzsm's adiabaticity
    ``delta = V^2 / (hbar alpha)`` of the crossing built by :func:`feshbach_crossing`
    (derivation there).  Arrays broadcast.
    """
    _resonance(resonance)
    n = _density_m3(density_cm3)
    rate = _rate_gauss_per_s(sweep_rate_gauss_per_ms)
    out = 4.0 * math.pi * _c.hbar * n * resonance.strength_m_gauss / (resonance.mass_kg * rate)
    return out[()] if out.ndim == 0 else out


def feshbach_beta_lz(resonance: FeshbachResonance) -> float:
    """Coefficient beta of the fit form ``P = P_max (1 - exp(-beta n / |Bdot|))`` of Hodby et
    al. (PRL 94, 120402 (2005)) predicted by the two-body Landau–Zener model:
    ``beta = 2 pi * 4 pi hbar |a_bg Delta_B| / m``, returned in cm^3 G / s."""
    beta_si = 2.0 * math.pi * 4.0 * math.pi * _c.hbar * _resonance(resonance).strength_m_gauss / resonance.mass_kg
    return beta_si * 1e6  # m^3 G/s -> cm^3 G/s


def feshbach_conversion_efficiency(
    resonance: FeshbachResonance, density_cm3: ArrayLike, sweep_rate_gauss_per_ms: ArrayLike, p_max: float = 1.0
) -> np.ndarray:
    """Molecule conversion efficiency of a linear ramp (two-body Landau–Zener model).

    .. math::  P_{mol} = P_{max}\\,[1 - \\exp(-2\\pi\\delta_{LZ})]

    ``1 - exp(-2 pi delta_LZ)`` is the probability to follow the adiabatic state
    (``p_adiabatic_follow``) from the atom pair into the molecule.  ``p_max`` (default 1) is the
    empirical saturation factor that Hodby et al. (PRL 94, 120402 (2005)) fitted to their data
    (it reflects the phase-space density of the gas, not part of the LZ model).
    """
    p_max = _checks.real_scalar(p_max, "p_max", positive=True)
    if p_max > 1:
        raise LzsmValueError(f"`p_max` must be in (0, 1], got {p_max:g}")
    delta = np.asarray(feshbach_lz_parameter(resonance, density_cm3, sweep_rate_gauss_per_ms))
    out = p_max * -np.expm1(-2.0 * math.pi * delta)
    return out[()] if out.ndim == 0 else out


def feshbach_crossing(resonance: FeshbachResonance, density_cm3: ArrayLike, sweep_rate_gauss_per_ms: ArrayLike):
    """The mapped two-level crossing: an lzsm :class:`~lzsm.models.LandauZener` along the field.

    Mapping (two-channel model, pair of atoms in a box of volume 1/n): the closed-channel
    molecular state crosses the zero-energy atom pair with slope ``Delta_mu`` per gauss; its
    coupling to the pair, from the resonance shift ``a - a_bg = -a_bg Delta_B / (B - B0)`` in
    second-order perturbation theory with the reduced mass ``m/2``, is

    .. math::  V^2 = \\frac{2\\pi\\hbar^2 |a_{bg}\\Delta B\\,\\Delta\\mu|}{m/2}\\, n,\\qquad
               \\alpha = |\\Delta\\mu\\,\\dot B|,

    so that ``V^2/(hbar alpha) = delta_LZ`` (:func:`feshbach_lz_parameter`) and Delta_mu cancels.

    The returned model uses the field offset ``b = B - B0`` in gauss as its time-like coordinate
    (``t = b / Bdot``) and ``hbar = 1``: coupling ``V / (hbar Bdot)`` in 1/G and sweep rate
    ``alpha / (hbar Bdot^2)`` in 1/G^2.  One batched model then covers every ramp rate over the same
    field window.  Arrays broadcast (density x rate grid allowed).
    """
    _resonance(resonance)
    n = _density_m3(density_cm3)
    rate = _rate_gauss_per_s(sweep_rate_gauss_per_ms)
    if n.size == 0 or rate.size == 0:
        raise LzsmValueError("`density_cm3` and `sweep_rate_gauss_per_ms` must not be empty")
    dmu = abs(float(resonance.delta_mu_bohr_magneton)) * BOHR_MAGNETON * GAUSS  # J per gauss
    v_si = np.sqrt(4.0 * math.pi * _c.hbar**2 * resonance.strength_m_gauss * dmu * n / resonance.mass_kg)
    alpha_si = dmu * rate  # J/s
    from lzsm.models.two_level import LandauZener

    return LandauZener(coupling=v_si / (_c.hbar * rate), sweep_rate=alpha_si / (_c.hbar * rate**2))


#: refuse exact propagations accumulating more phase than this over the field window (~2 s each)
MAX_EXACT_PHASE = 1e7


def feshbach_conversion_exact(
    resonance: FeshbachResonance,
    density_cm3: float,
    sweep_rate_gauss_per_ms: ArrayLike,
    *,
    window_gauss: float = 2.0,
    method: str | None = None,
    options: Options | None = None,
    tol: float | None = None,
    progress: bool | None = None,
) -> np.ndarray:
    """Conversion efficiency from exact propagation of the mapped crossing.

    :func:`lzsm.evolve` runs :func:`feshbach_crossing` from ``B0 - window`` to ``B0 + window``
    starting in the atom-pair adiabatic state and returns ``p_adiabatic_follow`` at the end (the
    pair that followed became a molecule).  Finite-window corrections fall off like a power of
    ``V/(Delta_mu window)``; with the default 2 G they are ~1e-5 for the 85Rb example.
    ``method``, ``options``, ``tol`` (default 1e-10) and ``progress`` go to :func:`lzsm.evolve`;
    points that did not finish are NaN (with its :class:`lzsm.errors.LzsmConvergenceWarning`)."""
    from lzsm.dynamics.coherent import evolve

    w = _checks.real_scalar(window_gauss, "window_gauss", positive=True)
    opts = propagation_options(options, 1e-10, tol=tol, progress=progress)
    model = feshbach_crossing(resonance, density_cm3, sweep_rate_gauss_per_ms)
    # accumulated phase over the window (field coordinate, hbar = 1): at most w (alpha w + 2 V)
    phase = float(np.max(w * (np.asarray(model.sweep_rate) * w + 2.0 * np.asarray(model.coupling))))
    if phase > MAX_EXACT_PHASE:
        raise LzsmValueError(
            f"exact propagation over B0 +- `window_gauss` = {w:g} G would accumulate {phase:.2g} rad of phase "
            f"(limit {MAX_EXACT_PHASE:.0e}): raise `sweep_rate_gauss_per_ms` (slowest "
            f"{float(np.min(_rate_gauss_per_s(sweep_rate_gauss_per_ms))) * 1e-3:g} G/ms), narrow `window_gauss` "
            "or lower `density_cm3`; the closed form feshbach_conversion_efficiency has no such limit"
        )
    ev = evolve(model, (-w, w), initial="lower", method=method, options=opts)
    final = ev.adiabatic_populations[..., -1, :]
    return np.take_along_axis(final, ev.initial_adiabatic[..., None], axis=-1)[..., 0]


#: 85Rb resonance near 155 G: B0 = 155.041 G, Delta_B = 10.71 G, a_bg = -443 a0 (Claussen et al.,
#: PRA 67, 060701(R) (2003)); Delta_mu = -2.23 mu_B (Köhler, Góral & Julienne, RMP 78, 1311 (2006)).
RB85_155G = FeshbachResonance(
    mass_amu=84.9118,
    a_bg_bohr=-443.0,
    width_gauss=10.71,
    delta_mu_bohr_magneton=-2.23,
    position_gauss=155.041,
    name="85Rb 155 G",
)


# =================================================================================== nonlinear LZ
def nonlinear_lz_critical_gamma(coupling_v: float, nonlinearity_c: float) -> float:
    """Half-width of the loop of the mean-field levels: ``gamma_c = (c^(2/3) - v^(2/3))^(3/2)``
    for ``|c| > v`` (Wu & Niu, PRA 61, 023402 (2000)); 0 when there is no loop (``|c| <= v``).

    Derivation: on the lower level ``gamma(g) = g - c g / sqrt(g^2 + v^2)`` with the effective
    bias ``g = gamma + c s``; ``d gamma/dg = 0`` at ``g^2 + v^2 = (c v^2)^(2/3)``."""
    v = _checks.real_scalar(coupling_v, "coupling_v", positive=True)
    c = abs(_checks.real_scalar(nonlinearity_c, "nonlinearity_c"))
    if c <= v:
        return 0.0
    return (c ** (2.0 / 3.0) - v ** (2.0 / 3.0)) ** 1.5


WU_NIU = "Wu & Niu, PRA 61, 023402 (2000)"


@dataclass(frozen=True, eq=False, repr=False)
class MeanFieldLevels(Result):
    """Result of :func:`nonlinear_lz_levels`: the stationary states of the nonlinear two-mode
    model at each gamma (NaN-padded to 4 solutions).  The attributes have the shape
    ``(len(gamma), 4)`` unless said otherwise.

    Attributes
    ----------
    gamma : the sweep parameter, shape (M,) (the result's grid).
    mu : eigenvalue of ``H(s) psi = mu psi`` (chemical potential), ``-+ sqrt(g^2+v^2)/2``.
    energy : mean-field energy per particle ``<psi|H_lin|psi> - c s^2/4`` (the conserved
        Hamiltonian of the classical picture).
    population_difference : ``s = |b|^2 - |a|^2``.
    level : 0 for states on the lower level (the one with the loop for c > 0), 1 for the upper,
        -1 for padding.
    coupling_v, nonlinearity_c : the model's v and c.
    """

    gamma: np.ndarray
    mu: np.ndarray
    energy: np.ndarray
    population_difference: np.ndarray
    level: np.ndarray
    coupling_v: float = math.nan
    nonlinearity_c: float = math.nan

    kind = "mean-field stationary states"

    def _grid(self) -> tuple[tuple[int, ...], list[str], dict[str, np.ndarray]]:
        return self.gamma.shape, ["gamma"], {"gamma": self.gamma}

    def _coords(self) -> dict[str, Any]:
        return {"solution": np.arange(self.mu.shape[-1])}

    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        dims = ["gamma", "solution"]
        return {
            "mu": (dims, self.mu),
            "energy": (dims, self.energy),
            "population_difference": (dims, self.population_difference),
            "level": (dims, self.level),
        }

    def _attrs(self) -> dict[str, Any]:
        return {
            "model": WU_NIU,
            "coupling_v": self.coupling_v,
            "nonlinearity_c": self.nonlinearity_c,
            "units": "energies in units of v's unit, hbar = 1",
        }

    def _summary(self) -> list[str]:
        return [
            f"v = {self.coupling_v:g}, c = {self.nonlinearity_c:g}",
            f"up to {int(np.max(np.sum(self.level >= 0, axis=-1), initial=0))} solutions",
        ]


def nonlinear_lz_levels(gamma: ArrayLike, coupling_v: float, nonlinearity_c: float) -> MeanFieldLevels:
    """All mean-field stationary states of the Wu–Niu model at each gamma.

    With ``g = gamma + c s`` the nonlinear eigenproblem is the linear one with bias g, so
    ``s = +- g / sqrt(g^2 + v^2)`` and ``gamma = g -+ c g / sqrt(g^2 + v^2)`` (upper signs: lower
    level).  Each level's equation ``h(g) = g + k g / sqrt(g^2 + v^2) - gamma = 0`` (k = -c lower,
    +c upper) is monotonic in g unless ``k < -v``; then it has turning points at
    ``g^2 = (|k| v^2)^(2/3) - v^2`` and up to three roots, each bracketed between them and found
    by :func:`scipy.optimize.brentq`.  For ``|c| > v`` and ``|gamma| < gamma_c`` there are four
    solutions (the loop, on the lower level for c > 0), else two.
    """
    from scipy.optimize import brentq

    gam = np.atleast_1d(real_array(gamma, "gamma")).reshape(-1)
    v = _checks.real_scalar(coupling_v, "coupling_v", positive=True)
    c = _checks.real_scalar(nonlinearity_c, "nonlinearity_c")
    shape = (gam.size, 4)
    g_out = np.full(shape, np.nan)
    lev = np.full(shape, -1, dtype=int)
    for i, gm in enumerate(gam):
        found: list[tuple[float, int]] = []
        for level, k in ((0, -c), (1, c)):

            def h(g: float, k: float = k, gm: float = gm) -> float:
                return g + k * g / math.sqrt(g * g + v * v) - gm

            edges = [gm - abs(k) - 1.0, gm + abs(k) + 1.0]
            if k < -v:
                gt = math.sqrt(max((abs(k) * v * v) ** (2.0 / 3.0) - v * v, 0.0))
                edges = [edges[0], -gt, gt, edges[1]]
            tol = 1e-13 * (abs(gm) + abs(k) + v)
            roots: list[float] = []
            for lo, hi in itertools.pairwise(edges):
                flo, fhi = h(lo), h(hi)
                if abs(flo) <= tol:
                    roots.append(lo)
                elif abs(fhi) <= tol:
                    roots.append(hi)
                elif flo * fhi < 0:
                    roots.append(brentq(h, lo, hi, xtol=1e-15, rtol=1e-15))
            for g in sorted(roots):
                if not any(abs(g - g2) <= 1e-12 * (abs(gm) + abs(c) + v) and lv == level for g2, lv in found):
                    found.append((g, level))
        found.sort(key=lambda x: (x[1], x[0]))
        for j, (g, level) in enumerate(found[:4]):
            g_out[i, j] = g
            lev[i, j] = level
    sq = np.sqrt(g_out**2 + v * v)
    sign = np.where(lev == 0, 1.0, -1.0)
    s = sign * g_out / sq
    mu = -sign * 0.5 * sq
    energy = -0.5 * gam[:, None] * s + 0.5 * v * (-sign) * np.sqrt(np.clip(1 - s * s, 0, None)) - 0.25 * c * s * s
    ok = lev >= 0
    return MeanFieldLevels(
        gam, np.where(ok, mu, np.nan), np.where(ok, energy, np.nan), np.where(ok, s, np.nan), lev, v, c, method="brentq"
    )


def _lower_state(gamma: float, v: float, c: float) -> np.ndarray:
    """The lower-level stationary state continued from the side of gamma's sign (the state a
    slow sweep from gamma -> -inf*sign follows), as real amplitudes (a, b)."""
    lv = nonlinear_lz_levels(gamma, v, c)
    g_all = np.where(lv.level[0] == 0, lv.population_difference[0], np.nan)
    # s on the lower level is g/sqrt(g^2+v^2): the outermost root on gamma's side
    s = np.nanmin(g_all) if gamma < 0 else np.nanmax(g_all)
    a = math.sqrt(max(0.0, (1.0 - s) / 2.0))
    b = -math.sqrt(max(0.0, (1.0 + s) / 2.0))  # lower eigenvector: opposite signs for v > 0
    return np.array([a, b], dtype=complex)


def _upper_population(psi: np.ndarray, gamma: float, v: float, c: float) -> float:
    """Population of the upper eigenvector of ``H(s)`` at the current s (the adiabatic
    population the classical picture conserves far from the crossing)."""
    s = abs(psi[1]) ** 2 - abs(psi[0]) ** 2
    g = gamma + c * s
    # upper eigenvector of [[g/2, v/2], [v/2, -g/2]]: (cos t, sin t) with tan(2t) = v/g
    th = 0.5 * math.atan2(v, g)
    up = np.array([math.cos(th), math.sin(th)])
    return float(abs(up @ psi) ** 2 / np.vdot(psi, psi).real)


@numba.njit(cache=True, nogil=True)
def _nlz_f(t, ar, ai, br, bi, alpha, v, c):  # pragma: no cover - compiled
    hh = 0.5 * (alpha * t + c * (br * br + bi * bi - ar * ar - ai * ai))
    w = 0.5 * v
    # da/dt = -i (hh a + w b), db/dt = -i (w a - hh b)
    return hh * ai + w * bi, -(hh * ar + w * br), w * ai - hh * bi, -(w * ar - hh * br)


_STATUS_MAX_STEPS = int(Status.MAX_STEPS)


def _nlz_dop853(
    t: np.ndarray, y0: np.ndarray, alpha: float, v: float, c: float, tol: float
) -> tuple[np.ndarray, int, int]:
    """SciPy DOP853 for the Wu–Niu equations (rtol = tol, atol = tol/100) at the times t:
    (states, NaN after a failure; right-hand-side evaluations; status)."""
    from scipy.integrate import solve_ivp

    sol = solve_ivp(
        _rhs_dop, (t[0], t[-1]), y0, method="DOP853", t_eval=t, rtol=tol, atol=tol * 1e-2, args=(alpha, v, c)
    )
    ys = np.full((t.size, 4), np.nan)
    ys[: sol.y.shape[1]] = sol.y.T
    return ys, int(sol.nfev), int(Status.OK if sol.success else Status.FAILED)


@numba.njit(cache=True, nogil=True)
def _nlz_rk4(t_eval, y0, alpha, v, c, kappa, max_steps):  # pragma: no cover - compiled
    """Classical RK4 for the Wu–Niu equations, step ``kappa / (|alpha t + c s| + v + |c|)``
    (a fixed fraction of the fastest local phase rotation), landing on every t_eval.

    Returns (states at t_eval, NaN after a stop; steps taken; status: 0, or MAX_STEPS when
    another step was needed after ``max_steps``)."""
    m = t_eval.shape[0]
    out = np.full((m, 4), np.nan)
    ar, ai, br, bi = y0[0], y0[1], y0[2], y0[3]
    out[0, 0], out[0, 1], out[0, 2], out[0, 3] = ar, ai, br, bi
    t = t_eval[0]
    nsteps = 0
    status = 0
    for k in range(1, m):
        t_end = t_eval[k]
        while t < t_end:
            if nsteps >= max_steps:
                status = _STATUS_MAX_STEPS
                break
            s = br * br + bi * bi - ar * ar - ai * ai
            h = kappa / (abs(alpha * t + c * s) + abs(v) + abs(c))
            if t + h >= t_end:
                h = t_end - t
            k1 = _nlz_f(t, ar, ai, br, bi, alpha, v, c)
            k2 = _nlz_f(
                t + 0.5 * h,
                ar + 0.5 * h * k1[0],
                ai + 0.5 * h * k1[1],
                br + 0.5 * h * k1[2],
                bi + 0.5 * h * k1[3],
                alpha,
                v,
                c,
            )
            k3 = _nlz_f(
                t + 0.5 * h,
                ar + 0.5 * h * k2[0],
                ai + 0.5 * h * k2[1],
                br + 0.5 * h * k2[2],
                bi + 0.5 * h * k2[3],
                alpha,
                v,
                c,
            )
            k4 = _nlz_f(t + h, ar + h * k3[0], ai + h * k3[1], br + h * k3[2], bi + h * k3[3], alpha, v, c)
            ar += h / 6.0 * (k1[0] + 2.0 * k2[0] + 2.0 * k3[0] + k4[0])
            ai += h / 6.0 * (k1[1] + 2.0 * k2[1] + 2.0 * k3[1] + k4[1])
            br += h / 6.0 * (k1[2] + 2.0 * k2[2] + 2.0 * k3[2] + k4[2])
            bi += h / 6.0 * (k1[3] + 2.0 * k2[3] + 2.0 * k3[3] + k4[3])
            t = t + h
            nsteps += 1
        if status != 0:
            break
        t = t_end
        out[k, 0], out[k, 1], out[k, 2], out[k, 3] = ar, ai, br, bi
    return out, nsteps, status


#: refuse propagations whose RK4 step bound (:func:`_rk4_step_bound`) exceeds this (~10-20 s)
MAX_RK4_STEPS = 5e8


def _rk4_step_bound(alpha: float, v: float, c: float, g0: float, g1: float, kappa: float) -> float:
    """Upper bound on the RK4 steps of :func:`nonlinear_lz_evolve`: the step is
    ``kappa / (|gamma + c s| + v + |c|) >= kappa / (max|gamma| + v + 2|c|)`` in t = gamma/alpha."""
    return abs(g1 - g0) * (max(abs(g0), abs(g1)) + v + 2.0 * abs(c)) / (kappa * abs(alpha))


def _rhs_dop(t, y, alpha, v, c):
    a = y[0] + 1j * y[1]
    b = y[2] + 1j * y[3]
    hh = 0.5 * (alpha * t + c * (abs(b) ** 2 - abs(a) ** 2))
    da = -1j * (hh * a + 0.5 * v * b)
    db = -1j * (0.5 * v * a - hh * b)
    return [da.real, da.imag, db.real, db.imag]


#: the integrators of :func:`nonlinear_lz_evolve`: name -> (label in results, options honoured)
NONLINEAR_METHODS = {"rk4": ("rk4-compiled", frozenset({"max_steps"})), "dop853": ("dop853", frozenset({"tol"}))}
#: local tolerance (rtol; atol = tol/100) of the DOP853 reference
DOP853_TOL = 1e-10


@dataclass(frozen=True, eq=False, repr=False)
class NonlinearEvolution(Result):
    """Result of :func:`nonlinear_lz_evolve`: one sweep of the Wu–Niu mean-field equations.

    Attributes
    ----------
    gamma : saved values of ``gamma = alpha t``, shape (M,).
    amplitudes : ``(a, b)`` at the saved gammas, shape (M, 2) complex (NaN after a stop).
    p_upper : population of the upper eigenvector of ``H(s)`` at each saved gamma (for
        ``|gamma| >> v, c`` the population of the upper mean-field level).
    sweep_rate, coupling_v, nonlinearity_c, kappa : alpha, v, c and the RK4 step fraction.
    error_estimate : a bound on the amplitude error ``||(a, b) - (a, b)_exact||`` over the
        saved points: for RK4 twice the Richardson estimate ``||y(kappa) - y(2 kappa)|| / 15``
        from a second sweep at twice the step fraction (RK4's error goes as kappa^4; the
        estimate alone matches the error to ~1%, so it is doubled), for DOP853 twice the
        difference to a sweep at tol/100; never below the drift of the norm
        ``| |a|^2 + |b|^2 - 1 |`` (conserved by the equations; the drift alone misses the phase
        errors, which were measured 10-100x larger).
    method, n_steps, status : the integrator (``'rk4-compiled'`` or ``'dop853'``), its work (RK4
        steps, or right-hand-side evaluations for DOP853) and its outcome
        (:class:`lzsm.results.Status`).
    """

    gamma: np.ndarray
    amplitudes: np.ndarray
    p_upper: np.ndarray
    sweep_rate: float
    coupling_v: float
    nonlinearity_c: float
    kappa: float = math.nan

    kind = "Wu–Niu mean-field sweep"

    @property
    def population_difference(self) -> np.ndarray:
        """``s = |b|^2 - |a|^2`` at the saved gammas."""
        return np.abs(self.amplitudes[:, 1]) ** 2 - np.abs(self.amplitudes[:, 0]) ** 2

    @property
    def p_jump(self) -> float:
        """Final population of the upper level when the sweep started on the lower one: the
        tunnelling probability of Wu & Niu (a jump between adiabatic levels)."""
        return float(self.p_upper[-1])

    @property
    def norm_error(self) -> float:
        """Deprecated name of ``error_estimate``."""
        deprecated("NonlinearEvolution.norm_error", "NonlinearEvolution.error_estimate")
        return float(self.error_estimate)

    def _coords(self) -> dict[str, Any]:
        return {"gamma": self.gamma}

    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        return {
            "amplitude_a": (["gamma"], self.amplitudes[:, 0]),
            "amplitude_b": (["gamma"], self.amplitudes[:, 1]),
            "population_difference": (["gamma"], self.population_difference),
            "p_upper": (["gamma"], self.p_upper),
        }

    def _attrs(self) -> dict[str, Any]:
        attrs = {
            "model": WU_NIU,
            "sweep_rate": self.sweep_rate,
            "coupling_v": self.coupling_v,
            "nonlinearity_c": self.nonlinearity_c,
            "units": "energies in units of v's unit, hbar = 1",
        }
        if self.method.startswith("rk4"):
            attrs["kappa"] = self.kappa
        return attrs

    def to_xarray(self) -> Any:
        """Amplitudes, s and the upper-level population against gamma; settings in attrs."""
        ds = super().to_xarray()
        ds["error_estimate"].attrs["long_name"] = "largest amplitude error over the saved points (Richardson estimate)"
        ds["p_upper"].attrs["long_name"] = "population of the upper eigenvector of H(s)"
        return ds

    def _summary(self) -> list[str]:
        return [
            f"alpha = {self.sweep_rate:g}, v = {self.coupling_v:g}, c = {self.nonlinearity_c:g}",
            f"gamma: {self.gamma.size} saved",
            f"p_jump {self.p_jump:.4g}",
        ]


def _nonlinear_options(method: str, options: Options | None, tol: float | None, max_steps: int | None) -> Options:
    """The options of one of :data:`NONLINEAR_METHODS`: an error for an option it would ignore."""
    if not isinstance(method, str) or method not in NONLINEAR_METHODS:
        raise LzsmValueError(f"`method` must be 'rk4' or 'dop853', got {method!r}")
    opts = resolve_options(options, tol=tol, max_steps=max_steps)
    honours = NONLINEAR_METHODS[method][1]
    ignored = sorted(set(opts.given()) - honours - {"progress"})
    if ignored:
        raise LzsmValueError(
            f"method {method!r} of nonlinear_lz_evolve does not use the option(s) "
            f"{', '.join(map(repr, ignored))}; it honours {', '.join(sorted(honours | {'progress'}))}"
        )
    if method == "dop853" and opts.tol is None:
        opts = opts.replace(tol=DOP853_TOL)
    if method == "dop853" and opts.tol is not None and opts.tol < SCIPY_MIN_TOL:
        _checks.tolerance(opts.tol, "tol", floor=SCIPY_MIN_TOL, method="dop853")
    return opts


def _initial_amplitudes(initial: Any, gamma0: float, alpha: float, v: float, c: float) -> np.ndarray:
    """``initial`` in lzsm's one grammar: ``'lower'`` = ``'ground'`` = ``'adiabatic 0'`` and
    ``'upper'`` = ``'adiabatic 1'`` are the mean-field stationary states at gamma0 (continued from
    gamma0's side); diabatic indices and names and normalised vectors (a, b) as in :func:`lzsm.evolve`."""
    named = _checks._named_state(initial, 2)
    if named is not None and named[0] == "adiabatic" and named[1] in (0, 1):
        return _lower_state(gamma0, v, c) if named[1] == 0 else _upper_state(gamma0, v, c)
    from lzsm.models.two_level import LandauZener

    # the grammar's diabatic states and vectors, read against the c = 0 model of the same sweep
    init = _checks.initial_state(initial, LandauZener(coupling=0.5 * v, sweep_rate=alpha), gamma0 / alpha)
    assert init.psi is not None
    return init.psi.astype(complex)


def nonlinear_lz_evolve(
    sweep_rate: float,
    coupling_v: float,
    nonlinearity_c: float,
    gamma_span: tuple[float, float],
    *,
    initial: Any = "lower",
    gamma_eval: ArrayLike | None = None,
    method: str = "rk4",
    kappa: float = 0.04,
    options: Options | None = None,
    tol: float | None = None,
    max_steps: int | None = None,
    rtol: float | None = None,
) -> NonlinearEvolution:
    """Propagate the Wu–Niu mean-field equations ``i d/dt (a, b) = H(|a|, |b|, t) (a, b)``.

    .. math::  H = \\begin{pmatrix} \\gamma/2 + (c/2)(|b|^2-|a|^2) & v/2 \\\\
                                 v/2 & -\\gamma/2 - (c/2)(|b|^2-|a|^2) \\end{pmatrix},
               \\qquad \\gamma = \\alpha t

    (Wu & Niu, PRA 61, 023402 (2000), eq. (1)); ``hbar = 1``.

    Parameters
    ----------
    sweep_rate : alpha = d gamma/dt, nonzero (negative: gamma decreases; gamma_span is then
        traversed from its first to its second entry all the same).
    gamma_span : (gamma0, gamma1), the sweep from gamma0 to gamma1.
    initial : ``'lower'`` (= ``'ground'``, ``'adiabatic 0'``: the lower-level stationary state at
        gamma0, continued from gamma0's side), ``'upper'`` (``'adiabatic 1'``), a diabatic state
        (``0``, ``'diabatic 1'``) or a normalised (a, b).
    gamma_eval : gammas at which to save (gamma0 and gamma1 are always saved).
    method : ``'rk4'`` (compiled classical Runge–Kutta with steps a fixed fraction ``kappa`` of
        the local phase rotation; global error ~ kappa^4; honours ``max_steps``, default: the
        a-priori limit ``MAX_RK4_STEPS``) or ``'dop853'`` (SciPy's Dormand–Prince 8(5,3) at
        ``tol``, default 1e-10, slower, an independent check).
    options, tol, max_steps : as in :func:`lzsm.evolve` (an option the method ignores is refused).
        A sweep that runs out of steps stops with status ``MAX_STEPS`` (NaN from there on) and
        an :class:`lzsm.errors.LzsmConvergenceWarning`.
    rtol : deprecated spelling of ``tol``.
    """
    if rtol is not None:
        deprecated("nonlinear_lz_evolve(rtol=...)", "nonlinear_lz_evolve(tol=...)")
        tol = rtol if tol is None else tol
    alpha = _checks.real_scalar(sweep_rate, "sweep_rate", nonzero=True)
    v = _checks.real_scalar(coupling_v, "coupling_v", positive=True)
    c = _checks.real_scalar(nonlinearity_c, "nonlinearity_c")
    g0, g1 = _checks.pair(gamma_span, "gamma_span", ends="gamma_start, gamma_end")
    if (g1 - g0) * alpha <= 0:
        raise LzsmValueError(
            f"`gamma_span` must run in the direction of `sweep_rate` (alpha = {alpha:g}), got ({g0:g}, {g1:g})"
        )
    opts = _nonlinear_options(method, options, tol, max_steps)
    kappa = _checks.real_scalar(kappa, "kappa", positive=True)
    if kappa > 0.5:
        raise LzsmValueError(f"`kappa` must be in (0, 0.5], got {kappa:g}")
    steps = _rk4_step_bound(alpha, v, c, g0, g1, kappa)
    if steps > MAX_RK4_STEPS:
        raise LzsmValueError(
            f"`sweep_rate` = {alpha:g} is too slow for `gamma_span` ({g0:g}, {g1:g}), `nonlinearity_c` = {c:g} "
            f"and `kappa` = {kappa:g}: about {steps:.2g} RK4 steps, limit {MAX_RK4_STEPS:.0e} (~10 s); "
            "sweep faster, narrow the span or raise kappa"
        )
    psi0 = _initial_amplitudes(initial, g0, alpha, v, c)
    ge = np.array([g0, g1]) if gamma_eval is None else np.atleast_1d(real_array(gamma_eval, "gamma_eval"))
    if ge.ndim != 1:
        raise LzsmValueError(f"`gamma_eval` must be a number or a 1-D array, got shape {ge.shape}")
    lo_g, hi_g = min(g0, g1), max(g0, g1)
    if np.any(ge < lo_g - 1e-12 * (abs(lo_g) + 1)) or np.any(ge > hi_g + 1e-12 * (abs(hi_g) + 1)):
        raise LzsmValueError(f"`gamma_eval` must lie within gamma_span ({g0:g}, {g1:g})")
    ge = np.unique(np.concatenate([[g0, g1], ge]))
    if g1 < g0:
        ge = ge[::-1]
    t = ge / alpha
    y0 = np.array([psi0[0].real, psi0[0].imag, psi0[1].real, psi0[1].imag])
    if method == "rk4":
        budget = opts.max_steps if "max_steps" in opts.given() else int(MAX_RK4_STEPS)
        ys, n, status = _nlz_rk4(t, y0, alpha, v, c, kappa, budget)
        # Richardson: the error of RK4 goes as kappa^4, so |y(kappa) - y(2 kappa)| / 15 is that of
        # y(kappa) to leading order; twice that is the estimate (measured: the leading order alone
        # matches the error to 1%, so it falls short as often as not)
        check, _, _ = _nlz_rk4(t, y0, alpha, v, c, 2.0 * kappa, budget)
        richardson = 7.5
    else:
        assert opts.tol is not None  # _nonlinear_options gives dop853 its default tolerance
        ys, n, status = _nlz_dop853(t, y0, alpha, v, c, opts.tol)
        # a run 100x tighter (down to 1e-13, where DOP853 stops): the difference is the error
        # of the reported run to 1%; twice it is the estimate
        check, _, _ = _nlz_dop853(t, y0, alpha, v, c, max(opts.tol / 100, 1e-13))
        richardson = 0.5
    amps = ys[:, 0::2] + 1j * ys[:, 1::2]
    drift = np.abs(np.sum(np.abs(amps) ** 2, axis=1) - 1.0)
    change = np.linalg.norm(ys - check, axis=1) / richardson
    both = np.isfinite(change) & np.isfinite(drift)
    norm_err = float(np.max(np.maximum(change, drift)[both])) if np.any(both) else math.nan
    p_up = np.array([_upper_population(amps[k], ge[k], v, c) for k in range(ge.size)])
    warn_unfinished(status, "nonlinear_lz_evolve", "NonlinearEvolution")
    return NonlinearEvolution(
        ge,
        amps,
        p_up,
        alpha,
        v,
        c,
        kappa,
        method=NONLINEAR_METHODS[method][0],
        options=opts,
        status=int(status),
        error_estimate=norm_err,
        n_steps=int(n),
    )


def _upper_state(gamma: float, v: float, c: float) -> np.ndarray:
    lv = nonlinear_lz_levels(gamma, v, c)
    j = int(np.nonzero(lv.level[0] == 1)[0][0])
    s = lv.population_difference[0, j]
    return np.array([math.sqrt(max(0.0, (1 - s) / 2)), math.sqrt(max(0.0, (1 + s) / 2))], dtype=complex)


def _default_gamma_max(alpha: float, v: float, c: float) -> float:
    return 6.0 * max(v, abs(c)) + 40.0 * math.sqrt(abs(alpha))


def nonlinear_lz_p_jump(
    sweep_rate: ArrayLike,
    coupling_v: float,
    nonlinearity_c: float,
    *,
    gamma_max: float | None = None,
    method: str = "rk4",
    kappa: float = 0.04,
    options: Options | None = None,
    tol: float | None = None,
    max_steps: int | None = None,
    progress: bool | None = None,
) -> np.ndarray:
    """Tunnelling probability of the nonlinear LZ model: start on the lower level at
    ``gamma = -gamma_max``, sweep to ``+gamma_max`` and return the population of the upper level
    (``p_jump``; Wu & Niu's Gamma).  For c = 0 it is ``exp(-pi v^2/(2 alpha))``.

    ``gamma_max`` defaults to ``6 max(v, |c|) + 40 sqrt(alpha)``; the finite sweep window then
    changes the result by less than ~2e-4 (measured against gamma_max up to 44 for c/v = 1.5, 4
    at alpha = 0.01, and against the exact LZ value for c = 0).  ``method``, ``kappa``,
    ``options``, ``tol``, ``max_steps``: as in :func:`nonlinear_lz_evolve` (a sweep that does not
    finish gives NaN, with its warning); ``progress`` shows one bar over the sweep rates."""
    rates = np.atleast_1d(real_array(sweep_rate, "sweep_rate", positive=True))
    coupling_v = _checks.real_scalar(coupling_v, "coupling_v", positive=True)
    nonlinearity_c = _checks.real_scalar(nonlinearity_c, "nonlinearity_c")
    if gamma_max is not None:
        gamma_max = _checks.real_scalar(gamma_max, "gamma_max", positive=True)
    opts = resolve_options(options, tol=tol, max_steps=max_steps, progress=progress)
    out = np.empty(rates.shape)
    bar, each = point_loop(rates.size, opts, "nonlinear LZ p_jump")
    with bar:
        for i, a in np.ndenumerate(rates):
            gm = _default_gamma_max(a, coupling_v, nonlinearity_c) if gamma_max is None else gamma_max
            out[i] = nonlinear_lz_evolve(
                a, coupling_v, nonlinearity_c, (-gm, gm), method=method, kappa=kappa, options=each
            ).p_jump
            bar.update(1)
    return out.reshape(np.shape(sweep_rate)) if np.ndim(sweep_rate) else out[0]


def _mean_field_energy(s: np.ndarray, theta: np.ndarray, gamma: float, v: float, c: float) -> np.ndarray:
    """Classical Hamiltonian ``E(s, theta) = -gamma s/2 + (v/2) sqrt(1-s^2) cos(theta) - c s^2/4``
    (``theta = arg b - arg a``): the mean-field energy whose level lines are the orbits."""
    return -0.5 * gamma * s + 0.5 * v * np.sqrt(np.clip(1.0 - s * s, 0.0, None)) * np.cos(theta) - 0.25 * c * s * s


@functools.lru_cache(maxsize=4)
def _gauss_legendre(n: int) -> tuple[np.ndarray, np.ndarray]:
    return np.polynomial.legendre.leggauss(n)


def nonlinear_lz_adiabatic_p_jump(coupling_v: float, nonlinearity_c: float, *, n_nodes: int = 120) -> float:
    """Tunnelling probability of the nonlinear LZ model in the adiabatic limit alpha -> 0.

    Zero for ``|c| <= v``.  For ``|c| > v`` (Liu et al., PRA 66, 023404 (2002), arXiv:quant-ph/0105140,
    Sec. III: adiabaticity breaks where the followed fixed point merges with the saddle at the
    loop tip ``gamma = gamma_c``; afterwards the action is an adiabatic invariant):

    .. math::  \\Gamma_{ad} = \\frac{A}{4\\pi},\\qquad
               A = \\left|\\{(s, \\theta): E_{\\gamma_c}(s, \\theta) < E_{\\gamma_c}(s_c, \\pi)\\}\\right|

    the phase-space area (in ``s in [-1, 1]``, ``theta in [0, 2 pi)``, total 4 pi) enclosed by
    the orbit through the degenerate point ``s_c = -(1 - (v/c)^(2/3))^(1/2)``, on the side of the
    lower level.  For each s the theta-measure is ``2 pi - 2 arccos(r(s))`` (clipped), with
    ``r(s) = (E_c + gamma_c s/2 + c s^2/4) / ((v/2) sqrt(1-s^2))``; the s-integral uses
    ``n_nodes`` Gauss–Legendre nodes on each sub-interval between the kinks (``|r| = 1``), after a
    substitution that smooths the square-root kinks (converged to ~1e-10 at the default).  (Our evaluation of their
    construction; the numerics of :func:`nonlinear_lz_p_jump` converge to it, see the tests.)
    For c < 0 the model maps onto c > 0 by exchanging the levels, with the same result.
    """
    v = _checks.real_scalar(coupling_v, "coupling_v", positive=True)
    c = abs(_checks.real_scalar(nonlinearity_c, "nonlinearity_c"))
    n_nodes = _checks.integer(n_nodes, "n_nodes", low=2, high=100_000)
    if c <= v:
        return 0.0
    gc = nonlinear_lz_critical_gamma(v, c)
    gt = math.sqrt((c * v * v) ** (2.0 / 3.0) - v * v)
    s_c = -gt / math.hypot(gt, v)
    e_c = float(_mean_field_energy(np.array(s_c), np.array(math.pi), gc, v, c))

    def measure(s: np.ndarray) -> np.ndarray:
        den = 0.5 * v * np.sqrt(np.clip(1.0 - s * s, 1e-300, None))
        r = (e_c + 0.5 * gc * s + 0.25 * c * s * s) / den
        return 2.0 * math.pi - 2.0 * np.arccos(np.clip(r, -1.0, 1.0))

    # kinks where r = +-1: find sign changes of r -+ 1 on a fine grid and refine by bisection
    grid = np.linspace(-1.0, 1.0, 20001)[1:-1]
    den = 0.5 * v * np.sqrt(1.0 - grid * grid)
    r = (e_c + 0.5 * gc * grid + 0.25 * c * grid * grid) / den
    breaks = [-1.0, 1.0, s_c]
    for target in (1.0, -1.0):
        f = r - target
        idx = np.nonzero(np.sign(f[:-1]) != np.sign(f[1:]))[0]
        for i in idx:
            lo, hi = grid[i], grid[i + 1]
            for _ in range(60):
                mid = 0.5 * (lo + hi)
                fm = (e_c + 0.5 * gc * mid + 0.25 * c * mid * mid) / (0.5 * v * math.sqrt(1 - mid * mid)) - target
                flo = (e_c + 0.5 * gc * lo + 0.25 * c * lo * lo) / (0.5 * v * math.sqrt(1 - lo * lo)) - target
                if np.sign(fm) == np.sign(flo):
                    lo = mid
                else:
                    hi = mid
            breaks.append(0.5 * (lo + hi))
    edges = np.unique(np.clip(breaks, -1.0, 1.0))
    # Gauss-Legendre in u on each sub-interval with s = lo + (hi - lo)(3u^2 - 2u^3): ds/du vanishes
    # at both ends, which smooths the square-root behaviour of the measure at the kinks
    x, w = _gauss_legendre(n_nodes)
    u = 0.5 * (x + 1.0)
    step, dstep = 3 * u**2 - 2 * u**3, 6 * u * (1 - u)
    area = 0.0
    for lo, hi in itertools.pairwise(edges):
        area += 0.5 * (hi - lo) * float(np.sum(w * dstep * measure(lo + (hi - lo) * step)))
    return area / (4.0 * math.pi)


@dataclass(frozen=True, eq=False, repr=False)
class Hysteresis(Result):
    """Result of :func:`nonlinear_lz_hysteresis`: forward (gamma up) and backward (gamma down)
    sweeps started on the lower level.

    ``population_b_forward/backward`` are ``|b|^2`` on the common grid ``gamma``;
    ``jump_gamma_forward/backward`` are the gammas where each sweep leaves the lower-level
    branch it followed (first point deviating by more than ``threshold`` in ``|b|^2``; NaN if it
    never does); the adiabatic prediction is ``+gamma_c`` and ``-gamma_c`` (``critical_gamma``).
    ``status``, ``error_estimate``, ``n_steps``: of both sweeps together."""

    gamma: np.ndarray
    population_b_forward: np.ndarray
    population_b_backward: np.ndarray
    jump_gamma_forward: float
    jump_gamma_backward: float
    critical_gamma: float
    max_population_difference: float
    sweep_rate: float = math.nan
    coupling_v: float = math.nan
    nonlinearity_c: float = math.nan

    kind = "nonlinear LZ hysteresis"

    def _coords(self) -> dict[str, Any]:
        return {"gamma": self.gamma}

    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        return {
            "population_b_forward": (["gamma"], self.population_b_forward),
            "population_b_backward": (["gamma"], self.population_b_backward),
            "jump_gamma_forward": ([], self.jump_gamma_forward),
            "jump_gamma_backward": ([], self.jump_gamma_backward),
            "critical_gamma": ([], self.critical_gamma),
            "max_population_difference": ([], self.max_population_difference),
        }

    def _attrs(self) -> dict[str, Any]:
        return {
            "model": WU_NIU,
            "sweep_rate": self.sweep_rate,
            "coupling_v": self.coupling_v,
            "nonlinearity_c": self.nonlinearity_c,
            "units": "energies in units of v's unit, hbar = 1",
        }

    def _summary(self) -> list[str]:
        return [
            f"alpha = {self.sweep_rate:g}, v = {self.coupling_v:g}, c = {self.nonlinearity_c:g}",
            f"jumps at gamma {self.jump_gamma_forward:.4g} (up), {self.jump_gamma_backward:.4g} (down)",
            f"gamma_c {self.critical_gamma:.4g}",
        ]


def nonlinear_lz_hysteresis(
    sweep_rate: float,
    coupling_v: float,
    nonlinearity_c: float,
    *,
    gamma_max: float | None = None,
    n_eval: int = 801,
    threshold: float = 0.05,
    kappa: float = 0.04,
    method: str = "rk4",
    options: Options | None = None,
    tol: float | None = None,
    max_steps: int | None = None,
) -> Hysteresis:
    """Sweep gamma forth (``-gamma_max -> +gamma_max``) and back, each time starting in the
    lower-level stationary state, and compare ``|b|^2(gamma)``.

    For ``c <= v`` both sweeps follow the same (unique) lower level in the adiabatic limit; for
    ``c > v`` the forward sweep stays on the loop's branch until ``+gamma_c`` and the backward
    sweep until ``-gamma_c``: the populations differ in between (hysteresis; Wu & Niu 2000,
    Liu et al. 2002).  ``method``, ``kappa``, ``options``, ``tol``, ``max_steps``: as in
    :func:`nonlinear_lz_evolve`."""
    alpha = _checks.real_scalar(sweep_rate, "sweep_rate", positive=True)
    v = _checks.real_scalar(coupling_v, "coupling_v", positive=True)
    c = _checks.real_scalar(nonlinearity_c, "nonlinearity_c")
    gm = (
        _default_gamma_max(alpha, v, c)
        if gamma_max is None
        else _checks.real_scalar(gamma_max, "gamma_max", positive=True)
    )
    n_eval = _checks.integer(n_eval, "n_eval", low=11, high=10**7)
    threshold = _checks.real_scalar(threshold, "threshold", positive=True)
    grid = np.linspace(-gm, gm, n_eval)

    def sweep(rate: float, span: tuple[float, float]) -> NonlinearEvolution:
        return nonlinear_lz_evolve(
            rate,
            v,
            c,
            span,
            gamma_eval=grid,
            kappa=kappa,
            method=method,
            options=options,
            tol=tol,
            max_steps=max_steps,
        )

    fwd = sweep(alpha, (-gm, gm))
    bwd = sweep(-alpha, (gm, -gm))
    pf = np.abs(fwd.amplitudes[:, 1]) ** 2
    pb = (np.abs(bwd.amplitudes[:, 1]) ** 2)[::-1]
    lv = nonlinear_lz_levels(grid, v, c)
    s_low = np.where(lv.level == 0, lv.population_difference, np.nan)
    # the branch followed from gamma -> -inf has the smallest s, from +inf the largest
    branch_f = (1 + np.nanmin(s_low, axis=1)) / 2
    branch_b = (1 + np.nanmax(s_low, axis=1)) / 2

    def first(mask: np.ndarray, order: np.ndarray) -> float:
        hits = order[mask[order]]
        return float(grid[hits[0]]) if hits.size else float("nan")

    idx = np.arange(grid.size)
    jf = first(np.abs(pf - branch_f) > threshold, idx)
    jb = first(np.abs(pb - branch_b) > threshold, idx[::-1])
    diff = np.abs(pf - pb)
    return Hysteresis(
        grid,
        pf,
        pb,
        jf,
        jb,
        nonlinear_lz_critical_gamma(v, c),
        float(diff.max()),
        alpha,
        v,
        c,
        method=fwd.method,
        options=fwd.options,
        status=combined_status(fwd.status, bwd.status),
        error_estimate=float(np.fmax(fwd.error_estimate, bwd.error_estimate)),
        n_steps=fwd.n_steps + bwd.n_steps,
    )


# =================================================================================== figures
def plot_feshbach_conversion(
    inverse_rate_ms_per_gauss: np.ndarray,
    closed_form: np.ndarray,
    exact: np.ndarray,
    *,
    label: str = "",
    ax: Any = None,
) -> Any:
    """Conversion efficiency against inverse ramp rate: closed form (line) and exact (dots);
    returns the axes."""
    ax = new_axes(ax)
    order = np.argsort(inverse_rate_ms_per_gauss)
    x = inverse_rate_ms_per_gauss[order] * 1e3  # us/G
    ax.plot(x, closed_form[order], "-", color="C0", label="LZ closed form $1-e^{-2\\pi\\delta_{LZ}}$")
    ax.plot(x, exact[order], "o", ms=4, mfc="none", color="C3", label="exact propagation (lzsm.evolve)")
    ax.set_xlabel("inverse ramp rate $1/|\\dot B|$ (µs/G)")
    ax.set_ylabel("molecule conversion efficiency")
    ax.set_ylim(-0.02, 1.05)
    if label:
        ax.set_title(label)
    ax.legend(loc="lower right", fontsize=8)
    return ax


def plot_nonlinear_levels(coupling_v: float, nonlinearity_c: float, gamma_max: float, *, ax: Any = None) -> Any:
    """Mean-field levels mu(gamma) (parametric in the effective bias g), showing the loop;
    returns the axes."""
    ax = new_axes(ax)
    v, c = coupling_v, nonlinearity_c
    g = np.linspace(-gamma_max - abs(c) - 1, gamma_max + abs(c) + 1, 4001)
    sq = np.sqrt(g * g + v * v)
    for sign, col, name in ((1.0, "C0", "lower level"), (-1.0, "C3", "upper level")):
        gam = g - sign * c * g / sq
        mu = -sign * 0.5 * sq
        keep = np.abs(gam) <= gamma_max
        ax.plot(np.where(keep, gam, np.nan), np.where(keep, mu, np.nan), color=col, label=name)
    gc = nonlinear_lz_critical_gamma(v, c)
    if gc > 0:
        for x in (-gc, gc):
            ax.axvline(x, color="0.6", ls=":", lw=1)
    ax.set_xlabel("$\\gamma$ (units of $v$)")
    ax.set_ylabel("mean-field eigenvalue $\\mu$ (units of $v$)")
    ax.set_title(f"c/v = {c / v:g}" + (f", loop for |γ| < γ_c = {gc:.3f}" if gc > 0 else ""))
    ax.legend(fontsize=8)
    return ax


# =================================================================================== runners
_FESHBACH_SCHEMA = {
    "resonance": {
        "name": "text",
        "mass_amu": "number",
        "a_bg_bohr": "number",
        "width_gauss": "number",
        "delta_mu_bohr_magneton": "number",
        "position_gauss": "number",
    },
    "gas": {"density_cm3": "number"},
    "ramp": {"sweep_rate_gauss_per_ms": "number", "window_gauss": "number", "p_max": "number"},
}


@register("feshbach_association", schema=_FESHBACH_SCHEMA, doc="docs/cold_atoms.md")
def feshbach_association(cfg: Config, out: Path) -> dict:
    """Conversion efficiency against inverse ramp rate: LZ closed form and exact propagation."""
    values = {
        key: cfg.get("resonance", key, default)
        for key, default in (
            ("mass_amu", ...),
            ("a_bg_bohr", ...),
            ("width_gauss", ...),
            ("delta_mu_bohr_magneton", 2.0),
        )
    }
    for key, x in values.items():
        if x == 0 or (key == "mass_amu" and x < 0):
            raise LzsmValueError(
                f"`resonance.{key}` must be " + ("> 0" if key == "mass_amu" else "nonzero") + f", got {x:g}"
            )
    position = cfg.get("resonance", "position_gauss", None)
    res = FeshbachResonance(
        **values, position_gauss=float("nan") if position is None else position, name=cfg.get("resonance", "name", "")
    )
    n = cfg.get("gas", "density_cm3", low=0.0, low_open=True)
    rates = cfg.get_range("ramp", "sweep_rate_gauss_per_ms", low=0.0, low_open=True)
    window = cfg.get("ramp", "window_gauss", 2.0, low=0.0, low_open=True)
    p_max = cfg.get("ramp", "p_max", 1.0, low=0.0, low_open=True, high=1.0)
    delta = np.asarray(feshbach_lz_parameter(res, n, rates))
    closed = np.asarray(feshbach_conversion_efficiency(res, n, rates))
    exact = np.atleast_1d(feshbach_conversion_exact(res, n, rates, window_gauss=window, progress=cfg.progress))
    beta = feshbach_beta_lz(res)
    inv = 1.0 / rates
    import xarray as xr

    ds = xr.Dataset(
        {
            "lz_parameter": ("sweep_rate", np.atleast_1d(delta)),
            "conversion_closed_form": ("sweep_rate", np.atleast_1d(closed)),
            "conversion_exact": ("sweep_rate", exact),
            "conversion_closed_form_with_p_max": ("sweep_rate", p_max * np.atleast_1d(closed)),
        },
        coords={"sweep_rate": rates, "inverse_sweep_rate": ("sweep_rate", inv)},
        attrs={
            "resonance": res.name,
            "mass_amu": res.mass_amu,
            "a_bg_bohr": res.a_bg_bohr,
            "width_gauss": res.width_gauss,
            "delta_mu_bohr_magneton": res.delta_mu_bohr_magneton,
            "density_cm3": n,
            "window_gauss": window,
            "p_max_empirical": p_max,
            "beta_lz_cm3_gauss_per_s": beta,
            "reference": "Goral et al., J. Phys. B 37, 3457 (2004); Kohler, Goral & Julienne, RMP 78, "
            "1311 (2006); fit form of Hodby et al., PRL 94, 120402 (2005)",
        },
    )
    ds["sweep_rate"].attrs.update(units="G/ms", long_name="|dB/dt|")
    ds["inverse_sweep_rate"].attrs.update(units="ms/G", long_name="1/|dB/dt|")
    ds["lz_parameter"].attrs["long_name"] = "delta_LZ = 4 pi hbar n |a_bg Delta_B| / (m |dB/dt|)"
    ds["conversion_closed_form"].attrs["long_name"] = "1 - exp(-2 pi delta_LZ) (p_adiabatic_follow)"
    ds["conversion_exact"].attrs["long_name"] = "p_adiabatic_follow from lzsm.evolve"
    write_dataset(ds, out / "data.nc")
    fig, ax = new_figure()
    label = f"{res.name or 'Feshbach resonance'}, n = {n:.2g} cm$^{{-3}}$"
    plot_feshbach_conversion(inv, np.atleast_1d(closed), exact, label=label, ax=ax)
    if p_max < 1:
        order = np.argsort(inv)
        ax.plot(
            inv[order] * 1e3,
            p_max * np.atleast_1d(closed)[order],
            "--",
            color="0.4",
            label=f"× empirical P_max = {p_max:g}",
        )
        ax.legend(loc="lower right", fontsize=8)
    fig.savefig(out / "feshbach_conversion.png", dpi=120)
    # inverse rate giving 50 % conversion: 2 pi delta = ln 2
    half = math.log(2.0) / (2.0 * math.pi) / float(feshbach_lz_parameter(res, n, 1.0))
    return {
        "beta_lz_cm3_gauss_per_s": beta,
        "inverse_rate_for_half_conversion_ms_per_gauss": half,
        "max_abs_deviation_exact_vs_closed_form": float(np.max(np.abs(exact - np.atleast_1d(closed)))),
        "n_sweep_rates": int(rates.size),
    }


_NLZ_SCHEMA = {
    "model": {"coupling_v": "number", "nonlinearities_c": "number"},
    "sweep": {"sweep_rates": "number", "kappa": "number"},
    "adiabatic": {"sweep_rate": "number", "nonlinearities_c": "number"},
    "hysteresis": {"nonlinearity_c": "number", "sweep_rate": "number"},
}


@register("nonlinear_lz", schema=_NLZ_SCHEMA, doc="docs/cold_atoms.md")
def nonlinear_lz(cfg: Config, out: Path) -> dict:
    """Levels with loops, p_jump(alpha) for several c/v, adiabatic limit vs closed form, hysteresis."""
    v = cfg.get("model", "coupling_v", 1.0, low=0.0, low_open=True)
    # everything scales with v: |c| <= 10 v and 1e-3 v^2 <= alpha <= 1e3 v^2 keep each propagation
    # below ~1e8 RK4 steps (the slow sweep at |c| = 10 v takes ~10 s)
    c_rng = {"low": -10.0 * v, "high": 10.0 * v}
    a_rng = {"low": 1e-3 * v * v, "high": 1e3 * v * v}
    cs = cfg.get_range("model", "nonlinearities_c", [0.0, 0.5 * v, 1.5 * v, 2.0 * v, 4.0 * v], **c_rng)
    rates = cfg.get_range("sweep", "sweep_rates", np.geomspace(0.01, 10.0, 13) * v * v, **a_rng)
    kappa = cfg.get("sweep", "kappa", 0.04, low=0.02, high=0.5)
    a_ad = cfg.get("adiabatic", "sweep_rate", 0.001 * v * v, **a_rng)
    cs_ad = cfg.get_range("adiabatic", "nonlinearities_c", [0.5 * v, 1.5 * v, 2.0 * v, 4.0 * v], **c_rng)
    c_h = cfg.get("hysteresis", "nonlinearity_c", 2.0 * v, **c_rng)
    a_h = cfg.get("hysteresis", "sweep_rate", 0.01 * v * v, **a_rng)

    p = np.array([nonlinear_lz_p_jump(rates, v, c, kappa=kappa, progress=cfg.progress) for c in cs])
    p_lin = np.asarray(analytic.lz_probability(v / 2.0, rates))
    lin_rows = np.nonzero(cs == 0)[0]
    dev_lin = float(np.max(np.abs(p[lin_rows] - p_lin))) if lin_rows.size else float("nan")
    p_ad_num = np.array([nonlinear_lz_p_jump(a_ad, v, c, kappa=kappa, progress=cfg.progress) for c in cs_ad])
    p_ad_cf = np.array([nonlinear_lz_adiabatic_p_jump(v, c) for c in cs_ad])
    hyst = nonlinear_lz_hysteresis(a_h, v, c_h, kappa=kappa)
    gm_lv = 3.0 * max(v, abs(c_h))
    lv = nonlinear_lz_levels(np.linspace(-gm_lv, gm_lv, 241), v, c_h)

    import xarray as xr

    ds = xr.Dataset(
        {
            "p_jump": (("nonlinearity_c", "sweep_rate"), p),
            "p_jump_linear_lz": ("sweep_rate", p_lin),
            "p_jump_adiabatic_numerical": ("nonlinearity_c_adiabatic", p_ad_num),
            "p_jump_adiabatic_closed_form": ("nonlinearity_c_adiabatic", p_ad_cf),
            "population_b_forward": ("gamma", hyst.population_b_forward),
            "population_b_backward": ("gamma", hyst.population_b_backward),
            "level_mu": (("gamma_levels", "solution"), lv.mu),
            "level_population_difference": (("gamma_levels", "solution"), lv.population_difference),
            "level_index": (("gamma_levels", "solution"), lv.level),
        },
        coords={
            "nonlinearity_c": cs,
            "sweep_rate": rates,
            "nonlinearity_c_adiabatic": cs_ad,
            "gamma": hyst.gamma,
            "gamma_levels": lv.gamma,
        },
        attrs={
            "coupling_v": v,
            "hbar": 1.0,
            "units": "energies in units of v's unit, hbar = 1",
            "adiabatic_sweep_rate": a_ad,
            "hysteresis_nonlinearity_c": c_h,
            "hysteresis_sweep_rate": a_h,
            "model": "H = [[g/2 + (c/2)(|b|^2-|a|^2), v/2], [v/2, -g/2 - (c/2)(|b|^2-|a|^2)]], g = alpha t",
            "reference": "Wu & Niu, PRA 61, 023402 (2000); Liu et al., PRA 66, 023404 (2002), arXiv:quant-ph/0105140",
        },
    )
    ds["p_jump"].attrs["long_name"] = "final upper-level population starting on the lower level (tunnelling)"
    ds["p_jump_linear_lz"].attrs["long_name"] = "lzsm.lz_probability(v/2, alpha) = exp(-pi v^2/(2 alpha))"
    write_dataset(ds, out / "data.nc")

    fig, axes = new_figure(ncols=3, width=4.6, height=3.8)
    plot_nonlinear_levels(v, c_h, gm_lv, ax=axes[0])
    ax = axes[1]
    for k, c in enumerate(cs):
        ax.semilogx(rates, p[k], "o-", ms=3, color=f"C{k}", label=f"c/v = {c / v:g}")
    ax.semilogx(rates, p_lin, "k:", lw=1, label="linear LZ $e^{-\\pi v^2/2\\alpha}$")
    for k in range(len(cs_ad)):
        if p_ad_cf[k] > 0:
            ax.plot([rates.min()], [p_ad_cf[k]], marker="<", ms=7, color="0.3", ls="none")
    ax.set_xlabel("sweep rate $\\alpha$ (units of $v^2$)")
    ax.set_ylabel("tunnelling probability $p_{jump}$")
    ax.set_title("◄ = adiabatic limit (area of separatrix)", fontsize=9)
    ax.legend(fontsize=7)
    ax = axes[2]
    low = np.where(lv.level == 0, (1 + lv.population_difference) / 2, np.nan)
    ax.plot(lv.gamma, low, ".", ms=2, color="0.55")
    ax.plot([], [], ".", color="0.55", label="lower-level states")
    ax.plot(hyst.gamma, hyst.population_b_forward, color="C0", label="γ up")
    ax.plot(hyst.gamma, hyst.population_b_backward, color="C3", label="γ down")
    for x in (-hyst.critical_gamma, hyst.critical_gamma):
        if x != 0:
            ax.axvline(x, color="0.6", ls=":", lw=1)
    ax.set_xlim(-gm_lv, gm_lv)
    ax.set_xlabel("$\\gamma$ (units of $v$)")
    ax.set_ylabel("$|b|^2$")
    ax.set_title(f"hysteresis, c/v = {c_h / v:g}, α = {a_h:g}", fontsize=9)
    ax.legend(fontsize=8)
    fig.savefig(out / "nonlinear_lz.png", dpi=120)
    return {
        "max_abs_deviation_c0_vs_linear_lz": dev_lin,
        "adiabatic_sweep_rate": a_ad,
        "p_jump_adiabatic_numerical": dict(zip(map(str, cs_ad.tolist()), p_ad_num.tolist())),
        "p_jump_adiabatic_closed_form": dict(zip(map(str, cs_ad.tolist()), p_ad_cf.tolist())),
        "max_abs_deviation_adiabatic_numerical_vs_closed_form": float(np.max(np.abs(p_ad_num - p_ad_cf))),
        "critical_gamma_closed_form": hyst.critical_gamma,
        "hysteresis_jump_gamma_forward": hyst.jump_gamma_forward,
        "hysteresis_jump_gamma_backward": hyst.jump_gamma_backward,
        "hysteresis_max_population_difference": hyst.max_population_difference,
    }
