"""Fit Stückelberg fringes: the probability after a double passage against the delay.

The measurement: a :class:`lzsm.DoublePassage` (the bias swept through the crossing at
``t = -t_c`` and back through it at ``t = +t_c``, slope ``alpha`` at each crossing), started in
the lower adiabatic state, read out as the upper adiabatic population ``P_+`` after the
second passage, for a set of crossing times ``t_c`` (delay ``2 t_c`` between the passages).
The forward model is the adiabatic-impulse model with dephasing between the passages
(Shevchenko, Ashhab & Nori, Phys. Rep. 492, 1 (2010), Sec. 3, eq. (20), with the interference
term damped by the decay of the coherence between the adiabatic states):

.. math::  P_+ = 2P(1-P)\\left[1 - e^{-2\\Gamma t_c}\\cos\\!\\big(2(\\zeta + \\varphi_S) + \\varphi_0\\big)\\right],

``P = exp(-pi Delta^2 / (2 hbar alpha))`` the Landau–Zener probability of one passage,
``zeta`` the dynamical phase between the crossings
(:func:`~lzsm.closed_forms.passages.double_passage_dynamical_phase`), ``phi_S`` the Stokes
phase (:func:`lzsm.stokes_phase`),
``phi_0`` a phase offset (an unknown extra phase of the experiment) and ``Gamma`` the dephasing
rate.  With ``phi_0 = Gamma = 0`` it is :func:`lzsm.double_passage_probability`,
``4 P (1 - P) sin^2(zeta + phi_S)``.  Read out as ``P_meas = offset + visibility * P_+``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from lzsm import _checks
from lzsm.closed_forms.landau_zener import lz_probability, stokes_phase
from lzsm.closed_forms.passages import double_passage_dynamical_phase
from lzsm.errors import LzsmValueError
from lzsm.fitting.engine import FitResult, Parameter, fit_model, read_data, starting_values

TABLE = (
    Parameter("gap", "energy", "minimum gap Delta = 2|V| of the crossing", 0.0, np.inf),
    Parameter("phase_offset", "rad", "extra phase phi_0 of the interference term", -np.pi, np.pi),
    Parameter("dephasing", "1/time", "decay rate Gamma of the coherence between the passages", 0.0, np.inf),
    Parameter("visibility", "1", "readout visibility: P_meas = offset + visibility * P_+", 0.0, 1.0),
    Parameter("offset", "1", "readout offset", 0.0, 1.0),
)


def fringes(
    gap: float,
    sweep_rate: float,
    crossing_time: np.ndarray,
    phase_offset: float = 0.0,
    dephasing: float = 0.0,
    shape: str = "parabolic",
    hbar: float = 1.0,
) -> np.ndarray:
    """The model of the module docstring, ``P_+`` before the readout."""
    coupling = 0.5 * gap
    p = np.asarray(lz_probability(coupling, sweep_rate, hbar))
    zeta = np.asarray(double_passage_dynamical_phase(coupling, sweep_rate, crossing_time, shape, hbar))
    phi_s = float(stokes_phase(coupling**2 / (hbar * sweep_rate)))
    damp = np.exp(-2.0 * dephasing * crossing_time)
    return 2.0 * p * (1.0 - p) * (1.0 - damp * np.cos(2.0 * (zeta + phi_s) + phase_offset))


def _scan(
    tc: np.ndarray, p: np.ndarray, w: np.ndarray, sweep_rate: float, shape: str, hbar: float
) -> tuple[float, float]:
    """Starting gap and phase offset from a grid search (readout solved by linear least squares
    at each grid point): the fringes make chi-square multimodal in the gap."""
    ok = np.isfinite(p)
    gaps = np.sqrt(sweep_rate * hbar) * np.geomspace(0.05, 2.0, 160)
    best = (np.inf, gaps[0], 0.0)
    for g in gaps:
        coupling = 0.5 * g
        zeta = np.asarray(double_passage_dynamical_phase(coupling, sweep_rate, tc[ok], shape, hbar))
        pl = float(lz_probability(coupling, sweep_rate, hbar))
        phi_s = float(stokes_phase(coupling**2 / (hbar * sweep_rate)))
        for phi0 in np.linspace(-np.pi, np.pi, 12, endpoint=False):
            f = 2 * pl * (1 - pl) * (1 - np.cos(2 * (zeta + phi_s) + phi0))
            a = np.stack([np.ones_like(f), f], axis=-1) * w[ok, None]
            coef, *_ = np.linalg.lstsq(a, p[ok] * w[ok], rcond=None)
            chi2 = float(np.sum((a @ coef - p[ok] * w[ok]) ** 2))
            if chi2 < best[0]:
                best = (chi2, float(g), float(phi0))
    return best[1], best[2]


def stueckelberg(
    data: Any,
    *,
    sweep_rate: float,
    crossing_time: Any = None,
    sigma: Any = None,
    shape: str = "parabolic",
    dephasing: bool = False,
    hbar: float = 1.0,
    guess: Mapping[str, float] | None = None,
    fixed: Mapping[str, float] | None = None,
    progress: bool | None = None,
) -> FitResult:
    """Fit the gap, the phase offset (and dephasing) to Stückelberg fringes against the delay.

    Parameters
    ----------
    data : measured upper-adiabatic populations after the double passage: an array (with
        ``crossing_time=``), an ``xarray`` object with the dimension ``crossing_time``, or a
        NetCDF/CSV file (column ``crossing_time`` and ``p_measured``).
    sweep_rate : the slope ``alpha`` of the bias at each crossing (energy per time; known).
    crossing_time : the axis of array data: ``t_c`` (the crossings are at ``-t_c``, ``+t_c``).
    sigma : standard errors of the points; None estimates them from the scatter.
    shape : the bias between the crossings, ``'parabolic'`` or ``'triangular'`` (:class:`lzsm.DoublePassage`).
    dephasing : fit the dephasing rate Gamma (else held at 0).
    hbar : Planck's constant in the units of the data.
    guess, fixed : starting values / values held fixed, by name: ``gap``, ``phase_offset``
        (fitted by default, from 0), ``dephasing``, ``visibility``, ``offset``.  Without a guess for
        the gap, a grid search over ``0.05 ... 2 sqrt(hbar alpha)`` finds the starting point.
        With the phase offset free the fringes fix the gap only through their contrast
        ``4 P (1 - P)``, which the visibility mimics: hold one of the three fixed (the fit warns).

    Examples
    --------
    >>> import numpy as np, lzsm
    >>> from lzsm.fitting.stueckelberg import fringes
    >>> tc = np.linspace(8.0, 16.0, 40)
    >>> p = 0.9 * fringes(0.4, 1.0, tc) + 0.05  # Delta = 0.4, alpha = 1
    >>> fit = lzsm.fit.stueckelberg(p, crossing_time=tc, sweep_rate=1.0, sigma=0.01, fixed={"phase_offset": 0.0})
    >>> round(fit.values["gap"], 4), round(fit.values["visibility"], 4)
    (0.4, 0.9)
    """
    shape = _checks.choice(shape, "shape", ("parabolic", "triangular"))
    alpha = _checks.positive_scalar(sweep_rate, "sweep_rate")
    hbar = _checks.positive_scalar(hbar, "hbar")
    dephasing = _checks.flag(dephasing, "dephasing")
    fd = read_data(data, {"crossing_time": crossing_time}, sigma, ndim=1, required=("crossing_time",))
    tc = fd.axes["crossing_time"]
    if np.any(tc <= 0):
        raise LzsmValueError(f"`crossing_time` must be > 0, got {tc[tc <= 0][0]:g}")
    auto: dict[str, float] = {"phase_offset": 0.0, "dephasing": 0.01 / float(np.max(tc))}
    # (a guess or fixed that is not a mapping is refused by starting_values, naming it)
    if "gap" not in (guess or {}) and "gap" not in (fixed or {}):
        w = 1.0 / fd.sigma if fd.sigma is not None else np.ones(fd.shape)
        auto["gap"], auto["phase_offset"] = _scan(tc, fd.p, w, alpha, shape, hbar)
    auto["visibility"] = float(min(1.0, max(0.05, np.nanmax(fd.p) - np.nanmin(fd.p))))
    auto["offset"] = float(min(0.95, max(0.0, np.nanmin(fd.p))))
    defaults = {} if dephasing else {"dephasing": 0.0}
    start, free = starting_values(TABLE, auto, guess, fixed, defaults)

    def forward(v: dict[str, float]) -> np.ndarray:
        f = fringes(v["gap"], alpha, tc, v["phase_offset"], v["dephasing"], shape, hbar)
        return v["offset"] + v["visibility"] * f

    return fit_model(
        fd,
        TABLE,
        forward,
        start,
        free,
        measurement="Stückelberg fringes (upper adiabatic population against crossing_time)",
        forward_model="adiabatic-impulse model with dephasing",
        progress=progress,
        derive=lambda v, s: {"coupling": 0.5 * v["gap"], "coupling_stderr": 0.5 * s["gap"]},
    )
