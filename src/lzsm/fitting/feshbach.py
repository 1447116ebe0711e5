"""Fit Feshbach association: the molecule conversion efficiency against the field ramp rate.

In the two-body Landau–Zener model of association (Góral, Köhler, Gardiner, Tiesinga &
Julienne, J. Phys. B 37, 3457 (2004); Köhler, Góral & Julienne, Rev. Mod. Phys. 78, 1311
(2006)) a linear ramp at rate ``Bdot`` across the resonance converts the fraction

.. math::  P_{mol} = P_{max}\\left[1 - \\exp\\!\\left(-\\frac{\\beta\\, n}{|\\dot B|}\\right)\\right]
           + P_0,\\qquad \\beta = 2\\pi\\,\\frac{4\\pi\\hbar\\,|a_{bg}\\Delta B|}{m},

the form that Hodby et al., PRL 94, 120402 (2005) fitted to their 85Rb and 40K data: ``beta``
is the association parameter (cm^3 G/s), ``n`` the pair density (cm^-3), ``P_max`` the
saturation (set by the phase-space density of the gas, not by the LZ model) and ``P_0`` a
background (held at 0 unless freed).  :func:`lzsm.applications.cold_atoms.feshbach_beta_lz`
gives the two-body prediction of ``beta`` from the resonance parameters; with ``resonance=`` the
result reports the ratio of the fitted ``beta`` to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from lzsm import _checks
from lzsm.errors import LzsmValueError
from lzsm.fitting.engine import FitResult, Parameter, fit_model, read_data, starting_values

AXIS = "sweep_rate_gauss_per_ms"

TABLE = (
    Parameter("beta", "cm^3 G/s", "association parameter beta: P = p_max (1 - exp(-beta n / |Bdot|))", 0.0, np.inf),
    Parameter("p_max", "1", "saturation of the conversion efficiency", 0.0, 1.0),
    Parameter("offset", "1", "background conversion P_0", 0.0, 1.0),
)


def conversion(beta: float, density_cm3: float, rate_gauss_per_ms: np.ndarray, p_max: float) -> np.ndarray:
    """``p_max (1 - exp(-beta n / |Bdot|))`` with ``Bdot`` in G/ms (converted to G/s here)."""
    return p_max * -np.expm1(-beta * density_cm3 / (1e3 * np.abs(rate_gauss_per_ms)))


def feshbach(
    data: Any,
    *,
    density_cm3: float,
    sweep_rate_gauss_per_ms: Any = None,
    sigma: Any = None,
    resonance: Any = None,
    guess: Mapping[str, float] | None = None,
    fixed: Mapping[str, float] | None = None,
    progress: bool | None = None,
) -> FitResult:
    """Fit the association parameter beta and the saturation to conversion efficiencies.

    Parameters
    ----------
    data : measured conversion efficiencies (molecules per atom pair): an array (with
        ``sweep_rate_gauss_per_ms=``), an ``xarray`` object with that dimension, or a NetCDF/CSV file.
    density_cm3 : the pair density n of the gas (cm^-3).
    sweep_rate_gauss_per_ms : the axis of array data: ramp rates ``|Bdot|`` in G/ms.
    sigma : standard errors of the points; None estimates them from the scatter.
    resonance : a :class:`lzsm.applications.cold_atoms.FeshbachResonance`: the result reports the
        two-body prediction ``beta_lz`` and the ratio ``beta / beta_lz``.
    guess, fixed : by name: ``beta``, ``p_max``, ``offset`` (held at 0 by default).

    Examples
    --------
    >>> import numpy as np, lzsm
    >>> from lzsm.fitting.feshbach import conversion
    >>> rate = np.geomspace(0.01, 10.0, 15)  # G/ms
    >>> p = conversion(3e-9, 1e12, rate, 0.8)  # beta = 3e-9 cm^3 G/s, n = 1e12 cm^-3
    >>> fit = lzsm.fit.feshbach(p, density_cm3=1e12, sweep_rate_gauss_per_ms=rate, sigma=0.01)
    >>> round(fit.values["beta"] / 1e-9, 4), round(fit.values["p_max"], 4)
    (3.0, 0.8)
    """
    n = _checks.positive_scalar(density_cm3, "density_cm3")
    fd = read_data(data, {AXIS: sweep_rate_gauss_per_ms}, sigma, ndim=1, required=(AXIS,))
    rate = fd.axes[AXIS]
    if np.any(rate == 0):
        raise LzsmValueError(f"`{AXIS}` must be nonzero")
    beta_lz = None
    if resonance is not None:
        from lzsm.applications.cold_atoms import feshbach_beta_lz

        beta_lz = feshbach_beta_lz(resonance)
    # starting point: half of the saturation is reached at |Bdot| = beta n / (1e3 ln 2)
    ok = np.isfinite(fd.p)
    top = float(np.nanmax(fd.p))
    order = np.argsort(np.abs(rate[ok]))
    half = np.abs(rate[ok][order])[np.argmin(np.abs(fd.p[ok][order] - 0.5 * top))]
    auto = {"beta": 1e3 * half * np.log(2.0) / n, "p_max": float(min(1.0, max(0.05, top))), "offset": 0.0}
    start, free = starting_values(TABLE, auto, guess, fixed, {"offset": 0.0})

    def forward(v: dict[str, float]) -> np.ndarray:
        return v["offset"] + conversion(v["beta"], n, rate, v["p_max"])

    def derive(v: dict[str, float], s: dict[str, float]) -> dict[str, float]:
        out = {"critical_rate_gauss_per_ms": v["beta"] * n / 1e3}
        if beta_lz is not None:
            out["beta_lz"] = beta_lz
            out["beta_over_beta_lz"] = v["beta"] / beta_lz
            out["beta_over_beta_lz_stderr"] = s["beta"] / beta_lz
        return out

    result = fit_model(
        fd,
        TABLE,
        forward,
        start,
        free,
        measurement="Feshbach conversion (against sweep_rate_gauss_per_ms)",
        forward_model="two-body Landau-Zener conversion",
        progress=progress,
        derive=derive,
    )
    result.data.attrs["log_axis"] = int(np.max(np.abs(rate)) / np.min(np.abs(rate)) > 20)
    return result
