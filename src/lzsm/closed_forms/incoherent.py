"""Closed forms for crossings whose coherence is destroyed: dephased and incoherent limits.

When the coherence ``rho_12`` between the diabatic states decays fast (rate gamma, docs/conventions.md:
pure dephasing) it follows the populations adiabatically, and the populations obey rate
equations ``dp_1/dt = -k(t) (p_1 - p_2)`` with the golden-rule rate through a Lorentzian of
width hbar gamma (adiabatic elimination of rho_12):

.. math::  k(t) = \\frac{2 |V|^2 \\gamma}{\\varepsilon(t)^2 + (\\hbar\\gamma)^2},
           \\qquad \\varepsilon = E_1 - E_2,

so that ``p_1 - p_2 = exp(-2 int k dt)``.  Valid when ``gamma >> |V|/hbar`` and
``gamma^2 >> |alpha|/hbar`` (the coherence forgets its phase before the populations move).

* A full linear passage: ``int k dt = 2 pi |V|^2/(hbar |alpha|)``, the strong-dephasing limit
  of Kayanuma, J. Phys. Soc. Jpn. 53, 108 (1984):
  ``P_stay = (1 + exp(-4 pi delta))/2`` — the populations are driven towards one half.
* A finite window ``[t0, t1]``: ``int k dt = (2|V|^2/(hbar alpha)) [arctan(alpha t/(hbar gamma))]``;
  at fixed window it vanishes as gamma -> infinity: the quantum Zeno effect.
* Periodic driving ``eps(t) = eps0 + A cos(omega t)`` (docs/conventions.md LZSM form, ``V = -Delta/2``):
  the Jacobi–Anger expansion gives the rate through the multiphoton resonances, and with
  relaxation gamma_1 the time-averaged upper-level population
  ``P_up = W/(2W + gamma_1)``, ``W = (Delta^2/2) sum_n J_n(A/(hbar omega))^2 Gamma_2 /
  ((eps0 - n hbar omega)^2 + (hbar Gamma_2)^2)`` (hbar = 1 in Berns et al., PRL 97, 150502
  (2006); Shevchenko, Ashhab & Nori, Phys. Rep. 492, 1 (2010), Sec. 4).
"""

from __future__ import annotations

import itertools

import numpy as np
from numpy.typing import ArrayLike
from scipy import integrate, special

from lzsm import _checks
from lzsm.errors import LzsmValueError
from lzsm.models.base import Model


def _out(x):
    x = np.asarray(x, dtype=float)
    return x[()] if x.ndim == 0 else x


def kayanuma_p_diabatic_stay(coupling: ArrayLike, sweep_rate: ArrayLike, hbar: float = 1.0) -> np.ndarray:
    """Strong-dephasing limit of a full Landau–Zener passage, ``(1 + exp(-4 pi delta))/2``
    with ``delta = |V|^2/(hbar |alpha|)`` (Kayanuma, J. Phys. Soc. Jpn. 53, 108 (1984)).

    Compare the coherent ``P_LZ = exp(-2 pi delta)``: dephasing doubles the exponent and
    drives the populations towards 1/2.

    Examples
    --------
    >>> import lzsm
    >>> round(float(lzsm.kayanuma_p_diabatic_stay(0.3, 1.0)), 4)  # (1 + exp(-4 pi delta))/2, delta = 0.09
    0.6614
    >>> round(float(lzsm.lz_probability(0.3, 1.0)), 4)  # coherent: exp(-2 pi delta)
    0.5681
    """
    v = np.abs(_checks.complex_array(coupling, "coupling"))
    a = _checks.real_array(sweep_rate, "sweep_rate")
    if np.any(a == 0):
        raise LzsmValueError("`sweep_rate` must be non-zero")
    hbar = _checks.positive_scalar(hbar, "hbar")
    with np.errstate(over="ignore", under="ignore"):  # delta = 0 or inf: P = 1 or 1/2
        return _out(0.5 * (1.0 + np.exp(-4.0 * np.pi * (v / np.sqrt(hbar) / np.sqrt(np.abs(a))) ** 2)))


def dephased_transition_rate(
    coupling: ArrayLike, bias: ArrayLike, dephasing: ArrayLike, hbar: float = 1.0
) -> np.ndarray:
    """Golden-rule rate between two diabatic states broadened by dephasing:
    ``k = 2 |V|^2 gamma / (eps^2 + (hbar gamma)^2)`` (1/time), ``eps = E1 - E2``.

    ``dp_1/dt = -k (p_1 - p_2)``; at resonance ``k = 2|V|^2/(hbar^2 gamma)``, which vanishes
    as gamma grows (Zeno)."""
    v = np.abs(_checks.complex_array(coupling, "coupling"))
    eps = _checks.real_array(bias, "bias")
    g = _checks.real_array(dephasing, "dephasing", positive=True)
    hbar = _checks.positive_scalar(hbar, "hbar")
    return _out(2.0 * v**2 * g / (eps**2 + (hbar * g) ** 2))


def rate_equation_p_diabatic_stay(
    coupling: ArrayLike,
    sweep_rate: ArrayLike,
    dephasing: ArrayLike,
    t_span: tuple[float, float] = (-np.inf, np.inf),
    hbar: float = 1.0,
) -> np.ndarray:
    """Incoherent (rate-equation) probability to stay in the initial diabatic state of a linear
    sweep ``E1 - E2 = alpha t`` over the window ``t_span``:

    .. math::  P_{stay} = \\frac{1 + e^{-2K}}{2}, \\qquad
               K = \\frac{2|V|^2}{\\hbar|\\alpha|}
               \\left[\\arctan\\frac{|\\alpha| t}{\\hbar\\gamma}\\right]_{t_0}^{t_1}.

    Over the whole line it is :func:`kayanuma_p_diabatic_stay`; for a fixed window it tends to 1
    as ``gamma -> inf`` (quantum Zeno effect)."""
    v = np.abs(_checks.complex_array(coupling, "coupling"))
    a = _checks.real_array(sweep_rate, "sweep_rate")
    if np.any(a == 0):
        raise LzsmValueError("`sweep_rate` must be non-zero")
    g = _checks.real_array(dephasing, "dephasing", positive=True)
    hbar = _checks.positive_scalar(hbar, "hbar")
    t0, t1 = _checks.time_span(t_span, infinite=True)
    aa = np.abs(a)
    k = 2.0 * v**2 / (hbar * aa) * (np.arctan(aa * t1 / (hbar * g)) - np.arctan(aa * t0 / (hbar * g)))
    return _out(0.5 * (1.0 + np.exp(-2.0 * k)))


def rate_equation_populations(model: Model, t_span: tuple[float, float], dephasing: float, initial: int = 0) -> float:
    """Rate-equation probability to stay in diabatic state ``initial`` for any two-level model
    (multiple passages, periodic drives, non-linear sweeps): ``(1 + exp(-2 int k dt))/2`` with
    the dephased golden-rule rate :func:`dephased_transition_rate` along ``H(t)`` (integrated
    with adaptive quadrature).  Single parameter point."""
    if not isinstance(model, Model) or model.n_levels != 2:
        raise LzsmValueError("`model` must be a two-level lzsm model")
    if model.batch_shape != ():
        raise LzsmValueError("rate_equation_populations takes a single parameter point: use model.point(index)")
    initial = _checks.integer(initial, "initial", low=0, high=1)
    g = float(_checks.positive_scalar(dephasing, "dephasing"))
    t0, t1 = _checks.time_span(t_span)
    hbar = float(model.hbar)

    def k(t):
        h = model.hamiltonian(np.asarray(t))
        eps = (h[0, 0] - h[1, 1]).real
        return 2.0 * abs(h[0, 1]) ** 2 * g / (eps**2 + (hbar * g) ** 2)

    # split the window where the bias changes sign (the resonances) for the quadrature
    ts = np.linspace(t0, t1, 4001)
    h = model.hamiltonian(ts)
    eps = (h[..., 0, 0] - h[..., 1, 1]).real
    roots = ts[:-1][np.sign(eps[:-1]) != np.sign(eps[1:])]
    edges = np.unique(np.concatenate([[t0], roots, [t1]]))
    total = 0.0
    for lo, hi in itertools.pairwise(edges):
        val, _ = integrate.quad(k, lo, hi, limit=400, epsabs=1e-13, epsrel=1e-11)
        total += val
    return 0.5 * (1.0 + np.exp(-2.0 * total))


def rate_equation_upper_population(
    gap: ArrayLike,
    offset: ArrayLike,
    amplitude: ArrayLike,
    frequency: ArrayLike,
    decoherence: ArrayLike,
    relaxation: ArrayLike,
    hbar: float = 1.0,
    n_max: int | None = None,
) -> np.ndarray:
    """Time-averaged stationary upper-diabatic-level population of a periodically driven,
    strongly dephased qubit (rate-equation limit of LZSM interferometry):

    .. math::  P_{up} = \\frac{W}{2W + \\gamma_1}, \\qquad
               W = \\frac{\\Delta^2}{2} \\sum_n J_n\\!\\left(\\frac{A}{\\hbar\\omega}\\right)^2
               \\frac{\\Gamma_2}{(\\varepsilon_0 - n\\hbar\\omega)^2 + (\\hbar\\Gamma_2)^2},

    with ``H = -(Delta/2) sigma_x - ((eps0 + A cos(omega t))/2) sigma_z`` (docs/conventions.md),
    ``Gamma_2`` the decay rate of the diabatic coherence, ``gamma_1`` the relaxation rate from
    the upper to the lower diabatic level (Berns et al., PRL 97, 150502 (2006), there with
    hbar = 1; Shevchenko, Ashhab & Nori, Phys. Rep. 492, 1 (2010)).  Derived for
    ``W, Delta << hbar Gamma_2``; for the time-averaged steady state it also holds at long T2
    as long as the multiphoton resonances do not overlap (``Delta << hbar omega``,
    ``Gamma_2 << omega``), where each term equals the rotating-wave Bloch steady state
    (checked against exact Lindblad dynamics in tests/test_applications_qubits.py).  The sum runs over ``|n| <= n_max`` (default: A/(hbar omega) + 30)."""
    d = _checks.real_array(gap, "gap", nonnegative=True)
    e0 = _checks.real_array(offset, "offset")
    amp = _checks.real_array(amplitude, "amplitude", nonnegative=True)
    om = _checks.real_array(frequency, "frequency", positive=True)
    g2 = _checks.real_array(decoherence, "decoherence", positive=True)
    g1 = _checks.real_array(relaxation, "relaxation", nonnegative=True)
    hbar = _checks.positive_scalar(hbar, "hbar")
    x = amp / (hbar * om)
    n_max = int(np.max(x, initial=0.0)) + 30 if n_max is None else _checks.integer(n_max, "n_max", low=0, high=10**6)
    n = np.arange(-n_max, n_max + 1).reshape((-1,) + (1,) * np.broadcast(d, e0, amp, om, g2, g1).ndim)
    w = 0.5 * d**2 * np.sum(special.jv(n, x) ** 2 * g2 / ((e0 - n * hbar * om) ** 2 + (hbar * g2) ** 2), axis=0)
    with np.errstate(invalid="ignore"):
        p = np.where(2 * w + g1 > 0, w / (2 * w + g1), 0.5)
    return _out(p)
