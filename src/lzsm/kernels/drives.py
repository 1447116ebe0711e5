"""Drive shapes f(t) of Hamiltonians ``H(t) = A + B f(t)``, defined once.

Every compiled kernel (:mod:`lzsm.kernels.magnus`, :mod:`lzsm.kernels.lindblad`,
:mod:`lzsm.kernels.noise`), the NumPy side (models, :class:`lzsm.models.base.KernelForm`,
the noise solver's step grid) and QuTiP export take the shape of f from here.  A shape is an
integer code with two parameters ``fp = (omega, phi)``:

=============== ===================================================================
``F_CONSTANT``  ``f = 0``
``F_LINEAR``    ``f = t``
``F_COS``       ``f = cos(omega t + phi)``
``F_TRIANGLE``  the triangle wave with the extrema and phase of that cosine:
                with ``x = (omega t + phi)/pi``, ``f = 2 |x - 2 floor(x/2) - 1| - 1``
                (kinks where omega t + phi is a multiple of pi)
``F_QUADRATIC`` ``f = t^2``
``F_ABS``       ``f = |t|`` (a kink at t = 0)
=============== ===================================================================

Each shape has four forms, which agree to rounding (``tests/test_models_drives.py``):

* :func:`_coef` (compiled, one point) and :func:`_next_break` (compiled: the first kink
  strictly after t, where adaptive steps land);
* :func:`coefficient_function` (NumPy, broadcasting) and :func:`kinks` (NumPy: every kink in
  an interval, union over a grid; the fixed step grid of the noise solver);
* :func:`python_coefficient` (plain Python, for QuTiP: called once per solver step);
* :func:`max_abs` (a bound of ``|f|`` over an interval) and :func:`excess_integral` (a lower
  bound of the integral of ``max(0, ``|f|`` - c)``, from which the step budget follows).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numba import njit

F_CONSTANT = 0
F_LINEAR = 1
F_COS = 2
F_TRIANGLE = 3
F_QUADRATIC = 4
F_ABS = 5

#: Every shape code, in order.
CODES = (F_CONSTANT, F_LINEAR, F_COS, F_TRIANGLE, F_QUADRATIC, F_ABS)


# ----------------------------------------------------------------------------- compiled
@njit(cache=True, nogil=True, inline="always")
def _coef(code: int, fp, t: float) -> float:
    """f(t) of shape ``code`` with parameters ``fp = (omega, phi)``."""
    if code == F_LINEAR:
        return t
    if code == F_COS:
        return math.cos(fp[0] * t + fp[1])
    if code == F_TRIANGLE:
        x = (fp[0] * t + fp[1]) / math.pi
        return 2.0 * abs(x - 2.0 * math.floor(0.5 * x) - 1.0) - 1.0
    if code == F_QUADRATIC:
        return t * t
    if code == F_ABS:
        return abs(t)
    return 0.0


@njit(cache=True, nogil=True)
def _next_break(code: int, fp, t: float) -> float:
    """First kink of f strictly after t (inf if none)."""
    if code == F_TRIANGLE:
        k = math.floor((fp[0] * t + fp[1]) / math.pi) + 1.0
        tk = (k * math.pi - fp[1]) / fp[0]
        # t on a kink (to rounding): the next one.  ``tk <= t`` matters for t < 0, where the
        # relative margin lies below t (a kink rounded onto t was returned again: steps stalled)
        if tk <= t or tk <= t * (1.0 + 1e-15) + 1e-300:
            tk = ((k + 1.0) * math.pi - fp[1]) / fp[0]
        return tk
    if code == F_ABS and t < 0.0:
        return 0.0
    return math.inf


# ----------------------------------------------------------------------------- NumPy
def coefficient_function(code: np.ndarray, fpar: np.ndarray, t: np.ndarray) -> np.ndarray:
    """NumPy form of :func:`_coef`.

    ``code``/``fpar`` broadcast against ``t``: fpar[..., 0] is omega, fpar[..., 1] is phi."""
    code = np.asarray(code)
    om, ph = np.asarray(fpar)[..., 0], np.asarray(fpar)[..., 1]
    theta = om * t + ph
    x = theta / np.pi
    tri = 2.0 * np.abs(x - 2.0 * np.floor(0.5 * x) - 1.0) - 1.0
    return np.select(
        [code == F_LINEAR, code == F_COS, code == F_TRIANGLE, code == F_QUADRATIC, code == F_ABS],
        [t + 0 * theta, np.cos(theta), tri, t * t + 0 * theta, np.abs(t) + 0 * theta],
        0.0 * theta,
    )


def kink_count(code: np.ndarray, fpar: np.ndarray, t0: float, t1: float) -> int:
    """Largest number of kinks of one triangle wave of the grid in [t0, t1] (the size of
    :func:`kinks` before the union; 0 without triangle waves)."""
    code = np.asarray(code).reshape(-1)
    fpar = np.asarray(fpar).reshape(-1, 2)
    tri = code == F_TRIANGLE
    most = 0
    for om, ph in np.unique(fpar[tri], axis=0) if np.any(tri) else ():
        most = max(most, math.floor((om * t1 + ph) / math.pi) - math.ceil((om * t0 + ph) / math.pi))
    return most


def kinks(code: np.ndarray, fpar: np.ndarray, t0: float, t1: float) -> np.ndarray:
    """NumPy form of :func:`_next_break`: every kink of f inside (t0, t1), sorted, union over
    a grid of shapes (``code`` (...), ``fpar`` (..., 2))."""
    code = np.asarray(code).reshape(-1)
    fpar = np.asarray(fpar).reshape(-1, 2)
    out = []
    if np.any(code == F_ABS) and t0 < 0 < t1:
        out.append(np.array([0.0]))
    tri = code == F_TRIANGLE
    for om, ph in np.unique(fpar[tri], axis=0) if np.any(tri) else ():
        k0 = math.ceil((om * t0 + ph) / math.pi)
        k1 = math.floor((om * t1 + ph) / math.pi)
        out.append((np.arange(k0, k1 + 1) * math.pi - ph) / om)
    if not out:
        return np.empty(0)
    k = np.unique(np.concatenate(out))
    return k[(k > t0) & (k < t1)]


def max_abs(code: np.ndarray, t0: float, t1: float) -> np.ndarray:
    """An upper bound of ``|f|`` over [t0, t1] for each code."""
    code = np.asarray(code)
    tmax = max(abs(t0), abs(t1))
    return np.select(
        [code == F_LINEAR, code == F_ABS, code == F_QUADRATIC, (code == F_COS) | (code == F_TRIANGLE)],
        [tmax, tmax, tmax * tmax, 1.0],
        0.0,
    )


# ----------------------------------------------------------------------------- plain Python
def python_coefficient(code: int, omega: float, phi: float) -> Callable[[float], float]:
    """Plain-Python form of :func:`_coef` for QuTiP (called once per solver step: no NumPy
    overhead)."""
    if code == F_LINEAR:
        return lambda t: t
    if code == F_COS:
        return lambda t: math.cos(omega * t + phi)
    if code == F_TRIANGLE:

        def tri(t: float) -> float:
            x = (omega * t + phi) / math.pi
            return 2.0 * abs(x - 2.0 * math.floor(0.5 * x) - 1.0) - 1.0

        return tri
    if code == F_QUADRATIC:
        return lambda t: t * t
    if code == F_ABS:
        return abs
    return lambda t: 0.0


def excess_integral(code: np.ndarray, fpar: np.ndarray, t0: float, t1: float, c: np.ndarray) -> np.ndarray:
    """A lower bound of ``int_{t0}^{t1} max(0, |f(t)| - c) dt`` for each point (``c >= 0``).

    Exact for the polynomial shapes (t, ``|t|``, t^2) and the constant; for the periodic shapes the
    whole half periods in the window only (the integral over one is closed-form)."""
    code = np.asarray(code)
    fpar = np.asarray(fpar, dtype=float)
    c = np.asarray(c, dtype=float)

    def over_window(ramp: Callable[[float], np.ndarray]) -> np.ndarray:
        """The integral of an even integrand g(|t|) over [t0, t1], from G(x) = int_0^x g (NumPy
        floats: a huge window gives inf, where Python floats raise OverflowError)."""
        a, b = np.float64(t0), np.float64(t1)
        if a >= 0.0:
            return ramp(b) - ramp(a)
        if b <= 0.0:
            return ramp(-a) - ramp(-b)
        return ramp(-a) + ramp(b)

    with np.errstate(over="ignore", invalid="ignore"):
        linear = over_window(lambda x: 0.5 * np.maximum(0.0, x - c) ** 2)
        root = np.sqrt(c)
        quadratic = over_window(lambda x: np.where(x > root, (x**3 - root**3) / 3.0 - c * (x - root), 0.0))
        om = np.abs(fpar[..., 0])
        # |f| of the periodic shapes repeats every pi of phase: count whole half periods
        halves = np.where(om > 0, np.floor(om * (t1 - t0) / math.pi), 0.0)
        below = np.minimum(c, 1.0)
        # one half period of max(0, |cos| - c) in the phase: 2 (sqrt(1 - c^2) - c arccos c);
        # of the triangle wave: pi (1 - c)^2 / 2
        cos_period = 2.0 * (np.sqrt(1.0 - below**2) - below * np.arccos(below))
        tri_period = 0.5 * math.pi * (1.0 - below) ** 2
        per_om = np.where(om > 0, halves / np.where(om > 0, om, 1.0), 0.0)
    return np.select(
        [(code == F_LINEAR) | (code == F_ABS), code == F_QUADRATIC, code == F_COS, code == F_TRIANGLE],
        [linear + 0.0 * om, quadratic + 0.0 * om, cos_period * per_om, tri_period * per_om],
        0.0 * (om + c),
    )


def abs_integral(code: np.ndarray, t0: float, t1: float) -> np.ndarray:
    """An upper bound of ``int_{t0}^{t1} |f(t)| dt`` for each code (exact for t, ``|t|``, t^2 and
    the constant; ``t1 - t0`` for the periodic shapes, whose ``|f|`` is at most 1)."""
    code = np.asarray(code)

    def over_window(power: int) -> float:
        def g(x: float) -> float:
            return float(np.float64(x) ** (power + 1) / (power + 1))  # inf, not OverflowError

        if t0 >= 0.0:
            return g(t1) - g(t0)
        if t1 <= 0.0:
            return g(-t0) - g(-t1)
        return g(-t0) + g(t1)

    with np.errstate(over="ignore"):
        linear, quadratic = over_window(1), over_window(2)
    return np.select(
        [(code == F_LINEAR) | (code == F_ABS), code == F_QUADRATIC, (code == F_COS) | (code == F_TRIANGLE)],
        [linear, quadratic, t1 - t0],
        0.0,
    )
