"""Models in the diabatic basis: small immutable objects, validated on construction.

Every model gives ``hamiltonian(q)`` and ``hamiltonian_derivative(q)`` as arrays of shape
``(*batch_shape, *q.shape, N, N)``, where ``q`` is its coordinate (time ``t`` unless the model
says otherwise, e.g. a nuclear coordinate ``x``) and ``batch_shape`` is the broadcast shape of
its array-valued parameters: one model object stands for a whole grid of parameter points.
Everything adiabatic is derived from these two methods (see :mod:`lzsm.models.adiabatic`).

Conventions (``docs/conventions.md``): ``H = [[E1, V], [conj(V), E2]]``, bias ``E1 - E2``, Landau–Zener
sweep ``E1 - E2 = alpha t`` with ``E1 = +alpha t/2``, ``E2 = -alpha t/2``.
"""

from __future__ import annotations
import math
from typing import Callable
import numpy as np


F_CONSTANT, F_LINEAR, F_COS, F_TRIANGLE, F_QUADRATIC, F_ABS = range(6)


def coefficient_function(code: np.ndarray, fpar: np.ndarray, t: np.ndarray) -> np.ndarray:
    """NumPy twin of the compiled kernels' f(t) (see :mod:`lzsm.kernels.magnus`).

    ``code``/``fpar`` broadcast against ``t``: fpar[..., 0] is omega, fpar[..., 1] is phi."""
    code = np.asarray(code)
    om, ph = np.asarray(fpar)[..., 0], np.asarray(fpar)[..., 1]
    theta = om * t + ph
    x = theta / np.pi
    tri = 2.0 * np.abs(x - 2.0 * np.floor(0.5 * x) - 1.0) - 1.0
    return np.select(
        [code == F_LINEAR, code == F_COS, code == F_TRIANGLE, code == F_QUADRATIC, code == F_ABS],
        [t + 0 * theta, np.cos(theta), tri, t * t + 0 * theta, np.abs(t) + 0 * theta], 0.0 * theta)


def _python_coefficient(code: int, omega: float, phi: float) -> Callable[[float], float]:
    """Plain-Python f(t) for QuTiP (called once per solver step: no NumPy overhead)."""
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
