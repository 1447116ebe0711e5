"""Figures that do not alias: a population curve needs enough saved times per oscillation.

Diabatic populations oscillate at the adiabatic gap, ``omega(t) = (E_max(t) - E_min(t))/hbar``
(the beat between the adiabatic components).  Drawn through samples spaced ``dt``, an
oscillation of period ``2 pi / omega`` shorter than a few ``dt`` turns into a slow, false one
(aliasing), and two samples draw a straight line.  The population figures check the saved times
with :func:`check_time_sampling` and refuse with the number of times to save;
:func:`samples_needed` gives that number up front (the scenario runner saves at least so many)."""

from __future__ import annotations

import math

import numpy as np

from lzsm.errors import LzsmValueError
from lzsm.models import adiabatic as bases
from lzsm.models.base import Model

#: Samples per period of the fastest oscillation that a drawn curve needs to look like itself.
MIN_SAMPLES_PER_PERIOD = 6
#: Fewest saved times that make a curve rather than a few straight segments.
MIN_SAMPLES = 20


def _fastest_frequency(model: Model, t: np.ndarray) -> np.ndarray:
    """``(E_max(t) - E_min(t)) / hbar`` at the times ``t`` (one parameter point)."""
    e = bases.adiabatic_energies(model, t)
    return (e[..., -1] - e[..., 0]) / float(model.hbar)


def samples_needed(model: Model, t_span: tuple[float, float], *, probe: int = 4001) -> int:
    """Evenly spaced saved times over ``t_span`` that resolve the diabatic populations'
    fastest oscillation with :data:`MIN_SAMPLES_PER_PERIOD` samples per period."""
    t = np.linspace(float(t_span[0]), float(t_span[1]), probe)
    omega = float(np.max(_fastest_frequency(model, t)))
    cycles = abs(t_span[1] - t_span[0]) * omega / (2 * math.pi)
    return max(MIN_SAMPLES, math.ceil(cycles * MIN_SAMPLES_PER_PERIOD) + 1)


def check_time_sampling(t: np.ndarray, model: Model | None, *, what: str) -> None:
    """Refuse to draw populations saved at times ``t`` too sparse for their oscillations.

    ``model`` (one parameter point) gives the oscillation frequencies; ``None`` checks only the
    number of samples.  ``what`` names the argument the user passed (for the message)."""
    t = np.asarray(t, dtype=float)
    n = t.size
    if n < MIN_SAMPLES:
        raise LzsmValueError(
            f"{what} holds populations at only {n} times: a curve through them is {max(n - 1, 0)} straight "
            f"segment(s).  Save at least {MIN_SAMPLES} times (t_eval=np.linspace(t0, t1, N))"
        )
    if model is None:
        return
    dt = np.abs(np.diff(t))
    omega = _fastest_frequency(model, 0.5 * (t[1:] + t[:-1]))
    per_period = 2 * math.pi / np.maximum(omega * dt, 1e-300)
    worst = int(np.argmin(per_period))
    if per_period[worst] < MIN_SAMPLES_PER_PERIOD:
        needed = samples_needed(model, (float(t[0]), float(t[-1])))
        raise LzsmValueError(
            f"{what} is sampled too coarsely to draw its populations: near t = {t[worst]:.4g} the diabatic "
            f"populations oscillate with period {2 * math.pi / omega[worst]:.3g} (the adiabatic gap) but the "
            f"saved times are {dt[worst]:.3g} apart ({per_period[worst]:.1f} samples per period; the figure "
            f"would show false, aliased oscillations).  Save at least {needed} evenly spaced times "
            f"(t_eval=np.linspace({t[0]:g}, {t[-1]:g}, {needed})), or a shorter span"
        )
