"""Fit single Landau–Zener passages: a measured probability against sweep rate or ramp time.

The forward model (docs/conventions.md: ``Delta = 2|V|`` is the minimum gap, ``alpha`` the
sweep rate of the bias ``E1 - E2``) is the probability to keep the diabatic state,

.. math::  P_{stay} = \\exp\\!\\left(-\\frac{\\pi\\Delta^2}{2\\hbar\\alpha}\\right),
           \\qquad \\alpha = \\lambda\\,x \\;\\text{(sweep rate)}\\quad\\text{or}\\quad
           \\alpha = \\lambda\\,S/T \\;\\text{(ramp time T over a span S)},

(Landau 1932, Zener 1932; lzsm's :func:`lzsm.lz_probability`) with the lever arm ``lambda``
from device units to energy, seen through the readout ``P_meas = offset + visibility * P``.
Options:

* ``window=True`` (ramp times): the ramp covers the finite window ``t in [-T/2, T/2]`` and
  ``P_stay`` is the exact finite-time probability (:func:`lzsm.finite_time_p_diabatic_stay`,
  Vitanov & Garraway, PRA 53, 4288 (1996));
* ``thermal=True``: the system starts in a mixture, the other diabatic state with probability
  ``p_thermal``: ``P = P_stay + p_thermal (1 - 2 P_stay)`` (degenerate with the readout unless
  visibility and offset are held fixed — the fit warns);
* ``dephasing=True`` (with ``window``): pure dephasing at rate ``dephasing`` in the diabatic
  basis (``L = sqrt(gamma/2) sigma_z``, docs/conventions.md), the exact Lindblad dynamics of
  :func:`lzsm.evolve_open` over the ramp (every ramp time in one batched run, in the time
  ``t/T``): from the coherent
  ``P_LZ`` at ``gamma = 0`` to Kayanuma's strong-dephasing limit ``(1 + exp(-4 pi delta))/2``
  (Kayanuma, J. Phys. Soc. Jpn. 53, 108 (1984); :func:`lzsm.kayanuma_p_diabatic_stay`).

Only ``Delta^2 / lambda`` enters: Delta and the lever arm cannot both be fitted (the lever arm
is held fixed at 1 by default, i.e. ``x`` already in energy per time).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from lzsm import _checks
from lzsm.errors import LzsmValueError
from lzsm.fitting.engine import FitResult, Parameter, fit_model, read_data, starting_values

MEASURES = ("p_diabatic_stay", "p_adiabatic_follow")
AXES = ("sweep_rate", "ramp_time")


def _table(thermal: bool, dephasing: bool) -> list[Parameter]:
    table = [
        Parameter("gap", "energy", "minimum gap Delta = 2|V| of the crossing", 0.0, np.inf),
        Parameter(
            "lever_arm",
            "energy per device unit of the sweep",
            "lever arm from device units to energy",
            0.0,
            positive=True,
        ),
        Parameter("visibility", "1", "readout visibility: P_meas = offset + visibility * P", 0.0, 1.0),
        Parameter("offset", "1", "readout offset", 0.0, 1.0),
    ]
    if thermal:
        table.append(Parameter("p_thermal", "1", "initial population of the other diabatic state", 0.0, 0.5))
    if dephasing:
        table.append(Parameter("dephasing", "1/time", "pure dephasing rate in the diabatic basis", 0.0, np.inf))
    return table


def _gap_guess(rate: np.ndarray, p: np.ndarray, hbar: float, follow: bool) -> float:
    """Delta from the points in the middle of the curve: ``Delta^2 = 2 hbar alpha (-ln P) / pi``
    after scaling the data onto [0, 1] (the median over the usable points)."""
    ok = np.isfinite(p)
    lo, hi = np.min(p[ok]), np.max(p[ok])
    q = (p - lo) / (hi - lo) if hi > lo else np.full(p.shape, 0.5)
    if follow:
        q = 1.0 - q
    use = ok & (q > 0.05) & (q < 0.95)
    if not np.any(use):
        use = ok & (q > 0) & (q < 1)
    if not np.any(use):
        return float(np.sqrt(2 * hbar * np.median(rate) / np.pi))
    return float(np.median(np.sqrt(2 * hbar * rate[use] * -np.log(q[use]) / np.pi)))


def passage(
    data: Any,
    *,
    sweep_rate: Any = None,
    ramp_time: Any = None,
    sweep_span: float | None = None,
    sigma: Any = None,
    measure: str = "p_diabatic_stay",
    window: bool = False,
    thermal: bool = False,
    dephasing: bool = False,
    hbar: float = 1.0,
    guess: Mapping[str, float] | None = None,
    fixed: Mapping[str, float] | None = None,
    progress: bool | None = None,
) -> FitResult:
    """Fit the minimum gap Delta (and the readout) to probabilities measured after one passage.

    Parameters
    ----------
    data : measured probabilities: an array (with ``sweep_rate=`` or ``ramp_time=`` its axis),
        an ``xarray.DataArray`` / ``Dataset`` with a dimension ``sweep_rate`` or ``ramp_time``,
        or a NetCDF/CSV file with such a column and ``p_measured`` (``p_measured_stderr``).
    sweep_rate, ramp_time : the axis of array data, in device units: sweep rate (device unit of
        bias per time) or ramp time (time; needs ``sweep_span``).
    sweep_span : the bias span S swept in the ramp time, in device units (``alpha = lambda S/T``).
    sigma : standard errors of the points (scalar or array); None estimates them from the scatter.
    measure : what the data measure: ``'p_diabatic_stay'`` (= ``p_jump``) or ``'p_adiabatic_follow'``.
    window : ramp times only: the finite window ``[-T/2, T/2]`` (exact finite-time probability).
    thermal, dephasing : fit ``p_thermal`` / ``dephasing`` as well (module docstring;
        ``dephasing`` needs ``window``).
    hbar : Planck's constant in the units of the data (energy x time).
    guess, fixed : starting values of fitted parameters / values held fixed, by name: ``gap``,
        ``lever_arm`` (fixed at 1 by default), ``visibility``, ``offset``, ``p_thermal``, ``dephasing``.
    progress : progress bar (see ``lzsm._progress.progress_bar``).

    Returns
    -------
    :class:`lzsm.fitting.engine.FitResult` (``derived``: the coupling ``V = Delta/2`` and its error).

    Examples
    --------
    >>> import numpy as np, lzsm
    >>> rate = np.geomspace(0.05, 5.0, 20)
    >>> p = 0.02 + 0.95 * lzsm.lz_probability(0.3, rate)  # Delta = 0.6
    >>> fit = lzsm.fit.passage(p, sweep_rate=rate, sigma=0.01)
    >>> round(fit.values["gap"], 4), round(fit.values["visibility"], 3)
    (0.6, 0.95)
    """
    from lzsm.closed_forms.landau_zener import finite_time_p_diabatic_stay, lz_probability

    measure = _checks.choice(measure, "measure", MEASURES)
    window, thermal, dephasing = (
        _checks.flag(window, "window"),
        _checks.flag(thermal, "thermal"),
        _checks.flag(dephasing, "dephasing"),
    )
    hbar = _checks.positive_scalar(hbar, "hbar")
    if sweep_rate is not None and ramp_time is not None:
        raise LzsmValueError("give the axis as `sweep_rate` or as `ramp_time`, not both")
    fd = read_data(data, {"sweep_rate": sweep_rate, "ramp_time": ramp_time}, sigma, ndim=1, required=AXES)
    kind = fd.dims[0]
    x = fd.axes[kind]
    if np.any(x <= 0):
        raise LzsmValueError(f"`{kind}` must be > 0, got {x[x <= 0][0]:g}")
    if dephasing and not window:
        raise LzsmValueError("`dephasing` needs `window=True` (the dephasing acts over the ramp, t in [-T/2, T/2])")
    if kind == "ramp_time":
        if sweep_span is None:
            raise LzsmValueError("ramp times need `sweep_span`, the bias span S swept in time T (alpha = S/T)")
        span = _checks.positive_scalar(sweep_span, "sweep_span")
        rate_device = span / x
    else:
        if sweep_span is not None:
            raise LzsmValueError("`sweep_span` applies to ramp times only")
        if window or dephasing:
            raise LzsmValueError(
                "`window` and `dephasing` apply to ramp times (the window is the ramp, [-T/2, T/2]): give `ramp_time`"
            )
        rate_device = x
    follow = measure == "p_adiabatic_follow"
    table = _table(thermal, dephasing)
    gap = _gap_guess(rate_device, fd.p, hbar, follow)
    auto = {
        "gap": gap,
        "visibility": float(min(1.0, max(0.05, np.nanmax(fd.p) - np.nanmin(fd.p)))),
        "offset": float(min(0.95, max(0.0, np.nanmin(fd.p)))),
        "p_thermal": 0.05,
        "dephasing": 0.1 * gap / hbar,
    }
    start, free = starting_values(table, auto, guess, fixed, {"lever_arm": 1.0})

    def forward(v: dict[str, float]) -> np.ndarray:
        alpha = v["lever_arm"] * rate_device
        coupling = 0.5 * v["gap"]
        if dephasing:
            from lzsm.dynamics.open import evolve_open
            from lzsm.models.two_level import LandauZener

            # every ramp on one window: in tau = t/T the ramp is tau in [-1/2, 1/2] with coupling
            # V T, sweep rate alpha T^2 and dephasing rate gamma T (H and the rates times T)
            model = LandauZener(coupling * x, alpha * x**2, hbar=hbar)
            run = evolve_open(model, (-0.5, 0.5), 0, dephasing=v["dephasing"] * x)
            stay = np.asarray(run.p_diabatic_stay)
        elif window:
            stay = np.asarray(finite_time_p_diabatic_stay(coupling, alpha, 0.5 * x, -0.5 * x, hbar=hbar))
        else:
            stay = np.asarray(lz_probability(coupling, alpha, hbar))
        stay = stay + v.get("p_thermal", 0.0) * (1.0 - 2.0 * stay)
        p = 1.0 - stay if follow else stay
        return v["offset"] + v["visibility"] * p

    name = "finite-window Landau-Zener" if window else "Landau-Zener"
    if dephasing:
        name = "Lindblad (diabatic dephasing) over [-T/2, T/2]"
    result = fit_model(
        fd,
        table,
        forward,
        start,
        free,
        measurement=f"passage ({measure} against {kind})",
        forward_model=name,
        progress=progress,
        derive=lambda v, s: {"coupling": 0.5 * v["gap"], "coupling_stderr": 0.5 * s["gap"]},
    )
    result.data.attrs["log_axis"] = int(np.max(x) / np.min(x) > 20)
    return result
