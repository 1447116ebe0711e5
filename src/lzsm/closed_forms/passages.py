"""Closed forms for multiple passages and periodic driving (Stückelberg, LZSM interferometry).

Conventions: ``docs/conventions.md``; periodic driving
``H(t) = -(Delta/2) sigma_x - ((eps0 + A cos(omega t))/2) sigma_z``.  All functions are
vectorised.  References: S. N. Shevchenko, S. Ashhab & F. Nori, Phys. Rep. 492, 1 (2010)
[SAN]; O. V. Ivakhnenko, S. N. Shevchenko & F. Nori, Phys. Rep. 995, 1 (2023) [ISN];
E. C. G. Stückelberg, Helv. Phys. Acta 5, 369 (1932).

* Adiabatic-impulse model (AIM, SAN Sec. 3): adiabatic evolution between crossings, a
  Landau–Zener transition with its Stokes phase at each crossing.  For a double passage with
  transition probability ``P = P_LZ`` at each crossing the probability to end in the upper
  adiabatic level, starting in the lower one, is

  .. math::  P_+ = 4 P (1 - P) \\sin^2 \\Phi_{St},\\qquad \\Phi_{St} = \\zeta + \\varphi_S,

  with the dynamical phase ``zeta = (1/2 hbar) int_{t1}^{t2} Delta E(t) dt`` between the
  crossings and the Stokes phase ``phi_S`` (:func:`lzsm.stokes_phase`); SAN eq. (20) with
  their ``zeta_2`` and Stokes phase (checked against exact propagation in the tests).
* Incoherent (rate-equation) limit, what dephasing between passages leaves behind:
  ``P_+ = (1 - (1 - 2P)^n) / 2`` after n passages (independent passages, no interference).
* Fast driving (``hbar omega >> Delta``, SAN eq. (38); RWA near each multiphoton resonance):
  time-averaged upper-level population
  ``<P_+> = 1/2 sum_k Delta_k^2 / (Delta_k^2 + (eps0 - k hbar omega)^2)``,
  ``Delta_k = Delta J_k(A / (hbar omega))``.
* Multiphoton resonances: ``eps0 = k hbar omega``; coherent destruction of tunnelling where
  ``J_k(A/(hbar omega)) = 0``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from lzsm import _checks
from lzsm.closed_forms.landau_zener import lz_probability, stokes_phase
from lzsm.errors import LzsmValueError

_GL_X, _GL_W = np.polynomial.legendre.leggauss(200)


#: The largest photon number ``k_max`` of the multiphoton sums.
MAX_PHOTONS = 10**6


def _out(x):
    return x[()] if isinstance(x, np.ndarray) and x.ndim == 0 else x


# --------------------------------------------------------------------------- double passage
def double_passage_dynamical_phase(
    coupling: ArrayLike, sweep_rate: ArrayLike, crossing_time: ArrayLike, shape: str = "parabolic", hbar: float = 1.0
) -> np.ndarray:
    """``zeta = (1/2 hbar) int_{-t_c}^{t_c} sqrt(bias(t)^2 + 4|V|^2) dt`` for
    :class:`lzsm.DoublePassage` (200-point Gauss–Legendre per half, exact to ~1e-13 here)."""
    _checks.choice(shape, "shape", ("parabolic", "triangular"))
    v = np.abs(_checks.complex_array(coupling, "coupling"))
    a = _checks.real_array(sweep_rate, "sweep_rate", positive=True)
    tc = _checks.real_array(crossing_time, "crossing_time", positive=True)
    hb = float(_checks.positive_scalar(hbar, "hbar"))
    v, a, tc = np.broadcast_arrays(v, a, tc)
    # half interval [0, t_c] (the bias is even in t), nodes mapped from [-1, 1]
    t = 0.5 * tc[..., None] * (_GL_X + 1.0)
    if shape == "parabolic":
        bias = a[..., None] * (tc[..., None] ** 2 - t**2) / (2 * tc[..., None])
    else:
        bias = a[..., None] * (tc[..., None] - t)
    de = np.sqrt(bias**2 + 4 * v[..., None] ** 2)
    half = 0.5 * tc * np.sum(_GL_W * de, axis=-1)
    return _out(2 * half / (2 * hb))


def double_passage_probability(
    coupling: ArrayLike, sweep_rate: ArrayLike, crossing_time: ArrayLike, shape: str = "parabolic", hbar: float = 1.0
) -> np.ndarray:
    """Adiabatic-impulse probability to end in the upper adiabatic level after a double
    passage (:class:`lzsm.DoublePassage`), starting in the lower one:
    ``P_+ = 4 P_LZ (1 - P_LZ) sin^2(zeta + phi_S)``.

    Valid when the crossings are well separated (``t_c`` much longer than the LZ transition
    time); it fails when the two crossings merge (small ``t_c`` or glancing passage).

    Examples
    --------
    >>> import lzsm
    >>> round(float(lzsm.double_passage_probability(0.2, 1.0, crossing_time=15.0)), 3)
    0.274
    >>> model = lzsm.DoublePassage(coupling=0.2, sweep_rate=1.0, crossing_time=15.0)
    >>> round(float(lzsm.evolve(model, (-45, 45), initial='lower').p_jump), 3)  # exact propagation
    0.274
    """
    p = np.asarray(lz_probability(coupling, sweep_rate, hbar))
    zeta = np.asarray(double_passage_dynamical_phase(coupling, sweep_rate, crossing_time, shape, hbar))
    delta = np.abs(np.asarray(coupling)) ** 2 / (hbar * np.asarray(sweep_rate))
    phi = np.asarray(stokes_phase(delta))
    return _out(4 * p * (1 - p) * np.sin(zeta + phi) ** 2)


def incoherent_passages_probability(p_lz: ArrayLike, n_passages: ArrayLike) -> np.ndarray:
    """Rate-equation (fully dephased) probability to be in the other adiabatic level after
    n independent passages with jump probability ``p_lz`` each: ``(1 - (1 - 2 p)^n) / 2``.

    For a double passage this is ``2 P (1 - P)``, the average of the Stückelberg fringes."""
    p = _checks.real_array(p_lz, "p_lz")
    if np.any((p < 0) | (p > 1)):
        raise LzsmValueError("`p_lz` must lie in [0, 1]")
    n = _checks.numeric_array(n_passages, "n_passages", "non-negative integers")
    if n.dtype.kind not in "iu" or np.any(n < 0):
        raise LzsmValueError(f"`n_passages` must be non-negative integers, got {n_passages!r}")
    return _out(0.5 * (1.0 - (1.0 - 2.0 * p) ** n))


# --------------------------------------------------------------------------- periodic driving
def multiphoton_resonances(frequency: ArrayLike, k_max: int, hbar: float = 1.0) -> np.ndarray:
    """Offsets ``eps0 = k hbar omega``, k = -k_max..k_max, of the k-photon resonances.

    Examples
    --------
    >>> import lzsm
    >>> lzsm.multiphoton_resonances(frequency=2.0, k_max=2)  # eps0 = k hbar omega, k = -2..2
    array([-4., -2.,  0.,  2.,  4.])
    """
    om = _checks.real_array(frequency, "frequency", positive=True)
    hbar = _checks.positive_scalar(hbar, "hbar")
    k_max = _checks.integer(k_max, "k_max", low=0, high=MAX_PHOTONS)
    k = np.arange(-k_max, k_max + 1)
    return hbar * om[..., None] * k


def dressed_gap(
    gap: ArrayLike, amplitude: ArrayLike, frequency: ArrayLike, k: ArrayLike, hbar: float = 1.0
) -> np.ndarray:
    """k-photon dressed tunnelling amplitude ``Delta_k = Delta J_k(A / (hbar omega))`` (SAN eq. (37));
    it vanishes at the zeros of J_k: coherent destruction of tunnelling."""
    d = _checks.real_array(gap, "gap")
    a = _checks.real_array(amplitude, "amplitude", nonnegative=True)
    om = _checks.real_array(frequency, "frequency", positive=True)
    hbar = _checks.positive_scalar(hbar, "hbar")
    kk = _checks.real_array(k, "k")
    if np.any(kk != np.round(kk)):
        raise LzsmValueError(f"`k` (photon number) must be an integer or an array of integers, got {_checks.short(k)}")
    _checks.broadcast({"gap": d, "amplitude": a, "frequency": om, "k": kk})
    return _out(d * special.jv(kk, a / (hbar * om)))


def fast_driving_upper_population(
    gap: ArrayLike,
    offset: ArrayLike,
    amplitude: ArrayLike,
    frequency: ArrayLike,
    hbar: float = 1.0,
    k_max: int | None = None,
) -> np.ndarray:
    """Time-averaged upper-level population for fast driving (``hbar omega >> Delta``):

    .. math::  \\overline{P_+} = \\frac12 \\sum_k \\frac{\\Delta_k^2}{\\Delta_k^2 + (\\varepsilon_0 - k\\hbar\\omega)^2}

    SAN eq. (38) (rotating-wave approximation around each resonance, summed).  ``k_max``
    defaults to ``A/(hbar omega) + |eps0|/(hbar omega) + 20``.  Refused for ``hbar omega < |Delta|``
    (slow driving, where the sum is no probability: 1.19 at Delta = 1, eps0 = 0, A = 1, omega = 0.5)."""
    d = _checks.real_array(gap, "gap")
    e = _checks.real_array(offset, "offset")
    a = _checks.real_array(amplitude, "amplitude", nonnegative=True)
    om = _checks.real_array(frequency, "frequency", positive=True)
    hbar = _checks.positive_scalar(hbar, "hbar")
    d, e, a, om = np.broadcast_arrays(d, e, a, om)
    hw = hbar * om
    slow = hw < np.abs(d)
    if np.any(slow):
        raise LzsmValueError(
            "`frequency`: the fast-driving formula needs hbar omega >= |gap| (beyond, its resonances overlap and "
            f"the sum exceeds a probability); got hbar omega = {float(hw[slow].reshape(-1)[0]):g} < |gap| = "
            f"{float(np.abs(d[slow]).reshape(-1)[0]):g}: use lzsm.interferometry_map for slow driving"
        )
    if k_max is None:
        k_max = int(np.max((a + np.abs(e)) / hw)) + 20 if d.size else 20
    else:
        k_max = _checks.integer(k_max, "k_max", low=0, high=MAX_PHOTONS)
    k = np.arange(-k_max, k_max + 1)
    dk = d[..., None] * special.jv(k, (a / hw)[..., None])
    # Delta_k^2 / (Delta_k^2 + x^2) = 1 / (1 + (x / Delta_k)^2): no underflow of Delta_k^2
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        ratio = (e[..., None] - k * hw[..., None]) / np.where(dk == 0, 1.0, dk)
        terms = np.where(dk == 0, 0.0, 1.0 / (1.0 + ratio**2))
    return _out(0.5 * np.sum(terms, axis=-1))
