"""Fit amplitude-spectroscopy maps: the time-averaged upper-level population P(x, y) of a driven
qubit against the dc bias and the drive amplitude, both in device units.

The device axes map to energy through unknown affine maps (lever arms and the origin of the
bias axis), ``eps0 = lever_offset (x - origin)``, ``A = lever_amplitude y``; the qubit is
``H = -(Delta/2) sigma_x - ((eps0 + A cos(omega t))/2) sigma_z`` (docs/conventions.md) with
relaxation ``1/T1`` between the diabatic states and decay ``1/T2`` of their coherence, read out
as ``P_meas = offset + visibility * P_up``.  Two forward models:

* ``'rate'`` — the rate model of Berns et al., PRL 97, 150502 (2006)
  (:func:`lzsm.applications.qubits.rate_model_map`):

  .. math::  P_{up} = \\frac{W}{2W + 1/T_1},\\quad
             W = \\frac{\\Delta^2}{2}\\sum_n J_n^2\\!\\left(\\frac{A}{\\hbar\\omega}\\right)
             \\frac{1/T_2}{(\\varepsilon_0 - n\\hbar\\omega)^2 + (\\hbar/T_2)^2};

  it needs independent multiphoton resonances: ``Delta << hbar omega`` and ``1/T2 << omega``
  (both ratios below ``RATE_MODEL_VALIDITY``);
* ``'lindblad'`` — the exact periodic steady state of the Lindblad equation, time-averaged over a
  period (:func:`lzsm.applications.qubits.lindblad_upper_population`), for any parameters,
  about 2e-4 s per map point and evaluation.

``forward_model='auto'`` (the default) takes the rate model where it is valid at the starting
values and the exact one elsewhere, and says which in ``FitResult.forward_model``; a rate-model
fit whose best values leave the validity range is refitted with the exact model.

What a map can tell apart: in both models ``Delta`` and ``T1`` enter the line shapes through
``Delta^2 T1`` only, as long as ``Delta << hbar omega`` (a saturated line is the
Bloch steady state ``Omega^2 T1 T2 / (1 + delta^2 T2^2 + Omega^2 T1 T2)``): hold one of them
fixed (``fixed={"t1": ...}``, from a separate T1 measurement), or the fit warns that they are
degenerate.  An overall energy scale is not fixed by the map either: the drive frequency
``omega`` is the one energy reference (held fixed at the given ``frequency``; freeing it needs a
lever arm held fixed).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np

from lzsm import _checks
from lzsm.errors import LzsmValueError
from lzsm.fitting.engine import FitResult, Parameter, fit_model, read_data, starting_values

#: the rate model is used while Delta/(hbar omega) and 1/(T2 omega) are both below this
RATE_MODEL_VALIDITY = 0.1
FORWARD_MODELS = ("auto", "rate", "lindblad")

TABLE = (
    Parameter("gap", "energy", "minimum gap Delta of the qubit", 0.0, np.inf),
    Parameter(
        "lever_offset", "energy per device unit of x", "eps0 = lever_offset (x - origin)", 0.0, np.inf, positive=True
    ),
    Parameter("origin", "device unit of x", "x where the dc bias eps0 vanishes"),
    Parameter("lever_amplitude", "energy per device unit of y", "A = lever_amplitude y", 0.0, np.inf, positive=True),
    Parameter("frequency", "rad/time", "angular drive frequency omega", 0.0, np.inf, positive=True),
    Parameter("t2", "time", "decay time T2 of the diabatic coherence", 0.0, np.inf, positive=True),
    Parameter("t1", "time", "relaxation time T1 between the diabatic states", 0.0, np.inf, positive=True),
    Parameter("visibility", "1", "readout visibility: P_meas = offset + visibility * P_up", 0.0, 1.0),
    Parameter("offset", "1", "readout offset", 0.0, 1.0),
)


def rate_model_valid(gap: float, frequency: float, t2: float, hbar: float) -> bool:
    """``Delta / (hbar omega)`` and ``1 / (T2 omega)`` both below ``RATE_MODEL_VALIDITY``."""
    return gap / (hbar * frequency) < RATE_MODEL_VALIDITY and 1.0 / (t2 * frequency) < RATE_MODEL_VALIDITY


def spectroscopy(
    data: Any,
    *,
    frequency: float,
    offset_axis: Any = None,
    amplitude_axis: Any = None,
    sigma: Any = None,
    hbar: float = 1.0,
    forward_model: str = "auto",
    guess: Mapping[str, float] | None = None,
    fixed: Mapping[str, float] | None = None,
    progress: bool | None = None,
) -> FitResult:
    """Fit gap, lever arms, origin, T2, T1 and readout to an amplitude-spectroscopy map.

    Parameters
    ----------
    data : the measured map, dims (dc bias axis x, drive amplitude axis y) in device units: a 2-D
        array (with ``offset_axis=`` and ``amplitude_axis=``), a 2-D ``xarray.DataArray`` (first
        dim x, second y, any names), a Dataset with ``p_measured``, or a NetCDF/CSV file (CSV: one
        column per axis, x first, then ``p_measured``; a complete grid).
    frequency : the angular drive frequency omega (rad per time unit; the energy reference).
    offset_axis, amplitude_axis : the axes of array data (device units; amplitudes >= 0).
    sigma : standard errors (scalar or map); None estimates them from the scatter.
    hbar : Planck's constant in the energy and time units of the parameters (GHz and ns:
        ``1/(2 pi)``).
    forward_model : ``'auto'``, ``'rate'`` or ``'lindblad'`` (module docstring).
    guess : starting values; needed for ``gap``, ``lever_offset``, ``lever_amplitude``, ``t2``
        and ``t1`` (or fix them); ``origin`` starts at 0, the readout at the data's range.
    fixed : values held fixed by name (``frequency`` is held at ``frequency`` unless guessed).

    Examples
    --------
    >>> import numpy as np, lzsm
    >>> from lzsm.applications.qubits import rate_model_map
    >>> x, y = np.linspace(-3, 3, 61), np.linspace(0, 2, 21)  # device units
    >>> p = 0.9 * rate_model_map(0.1, 2.0 * (x - 0.2), 1.5 * y, 5.0, 200.0, 20.0) + 0.02
    >>> fit = lzsm.fit.spectroscopy(p, offset_axis=x, amplitude_axis=y, frequency=5.0, sigma=0.01,
    ...     guess={"gap": 0.12, "lever_offset": 1.9, "lever_amplitude": 1.6, "t2": 15.0}, fixed={"t1": 200.0})
    >>> fit.forward_model
    'rate model (Berns et al. 2006)'
    >>> round(fit.values["gap"], 4), round(fit.values["lever_offset"], 4), round(fit.values["origin"], 4)
    (0.1, 2.0, 0.2)
    """
    from lzsm.applications.qubits import lindblad_upper_population, rate_model_map

    om = _checks.positive_scalar(frequency, "frequency")
    hbar = _checks.positive_scalar(hbar, "hbar")
    choice = _checks.choice(forward_model, "forward_model", FORWARD_MODELS)
    axes = {"offset_axis": offset_axis, "amplitude_axis": amplitude_axis}
    if (offset_axis is None) != (amplitude_axis is None):
        raise LzsmValueError("give both `offset_axis` and `amplitude_axis` (the axes of a 2-D array), or neither")
    fd = read_data(data, axes, sigma, ndim=2)
    x, y = fd.axes.values()
    if np.any(y < 0):
        raise LzsmValueError(f"the amplitude axis {fd.dims[1]!r} must be >= 0 (A = lever_amplitude y), got {y.min():g}")
    auto = {
        "origin": 0.0,
        "visibility": float(min(1.0, max(0.05, 2.0 * (np.nanmax(fd.p) - np.nanmin(fd.p))))),
        "offset": float(min(0.95, max(0.0, np.nanmin(fd.p)))),
    }
    start, free = starting_values(TABLE, auto, guess, fixed, {"frequency": om})
    if "t1" in (fixed or {}) and "t2" in free:
        table = tuple(dataclasses.replace(p, upper=2.0 * start["t1"]) if p.name == "t2" else p for p in TABLE)
        start["t2"] = min(start["t2"], 2.0 * start["t1"])
    else:
        table = TABLE

    def model_of(kind: str) -> Any:
        def forward(v: dict[str, float]) -> np.ndarray:
            eps0 = v["lever_offset"] * (x - v["origin"])
            amp = v["lever_amplitude"] * y
            if v["t2"] > 2.0 * v["t1"]:  # no Lindblad qubit has T2 > 2 T1
                return np.full(fd.shape, np.nan)
            if kind == "rate":
                p = rate_model_map(v["gap"], eps0, amp, v["frequency"], v["t1"], v["t2"], hbar)
            else:
                p = lindblad_upper_population(
                    v["gap"], eps0[:, None], amp[None, :], v["frequency"], v["t1"], v["t2"], hbar, n_samples=64
                )
            return v["offset"] + v["visibility"] * np.asarray(p)

        return forward

    names = {"rate": "rate model (Berns et al. 2006)", "lindblad": "exact periodic steady state (Lindblad)"}
    kind = choice
    if choice == "auto":
        kind = "rate" if rate_model_valid(start["gap"], start["frequency"], start["t2"], hbar) else "lindblad"
    result = fit_model(
        fd,
        table,
        model_of(kind),
        start,
        free,
        measurement="amplitude spectroscopy",
        forward_model=names[kind],
        progress=progress,
    )
    best = result.values
    if kind == "rate" and not rate_model_valid(best["gap"], best["frequency"], best["t2"], hbar):
        if choice == "auto":
            note = "the rate-model fit left the rate model's validity range: refitted with the exact model"
            result = fit_model(
                fd,
                table,
                model_of("lindblad"),
                dict(best),
                free,
                measurement="amplitude spectroscopy",
                forward_model=names["lindblad"],
                notes=(note,),
                progress=progress,
            )
        else:  # the rate-model fit stands, with its own notes (a parameter at a bound...) and this one
            note = (
                f"the best values leave the rate model's validity range (Delta/(hbar omega) = "
                f"{best['gap'] / (hbar * best['frequency']):.3g}, 1/(T2 omega) = {1 / (best['t2'] * best['frequency']):.3g}, "
                f"both should be < {RATE_MODEL_VALIDITY}): use forward_model='lindblad'"
            )
            result = dataclasses.replace(result, notes=result.notes + (note,))
    return result
