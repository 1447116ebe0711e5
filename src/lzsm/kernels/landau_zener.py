"""Compiled exact finite-time Landau–Zener propagator from parabolic-cylinder functions.

Dimensionless form (hbar = 1, alpha > 0, V >= 0): ``s = t sqrt(alpha/hbar)``,
``g = V / sqrt(hbar alpha)``, ``delta = g^2`` and ``i d/ds (a, b) = [[s/2, g], [g, -s/2]] (a, b)``.
Eliminating b gives Weber's equation ``a'' + (s^2/4 + delta + i/2) a = 0`` with solutions
``D_{-i delta}(e^{i pi/4} s)`` and ``D_{-1+i delta}(e^{-i pi/4} s)`` (cf. Vitanov & Garraway,
PRA 53, 4288 (1996), Sec. II).  Using ``D_nu'(z) = (z/2) D_nu - D_{nu+1}`` and the recurrence
``D_{nu+1} = z D_nu - nu D_{nu-1}`` (DLMF 12.8.1-2), a fundamental matrix is

    Phi(s) = [[F0,               g conj(F1)             ],
              [g e^{i pi/4} F1,  -e^{i pi/4} conj(F0)   ]],
    F0 = D_{-i delta}(e^{i pi/4} s),  F1 = D_{-1-i delta}(e^{i pi/4} s),

with ``det Phi = -e^{i pi/4} (|F0|^2 + delta |F1|^2) != 0`` for every delta >= 0, and the
propagator is ``U(s, s0) = Phi(s) Phi(s0)^{-1}``.
The solution that is purely in diabatic state |1> at ``s -> -inf`` is
``e^{-pi delta/4} (F0(-s), -g e^{i pi/4} F1(-s))`` (up to a constant phase).
"""

from __future__ import annotations

import cmath
import math

import numpy as np
from numba import njit, prange

from .parabolic_cylinder import weber_pair

_EIPI4 = cmath.exp(0.25j * math.pi)


@njit(cache=True, nogil=True)
def _phi(s, g, consts):
    f1, f0 = weber_pair(s, consts)
    m = np.empty((2, 2), dtype=np.complex128)
    m[0, 0] = f0
    m[0, 1] = g * np.conj(f1)
    m[1, 0] = g * _EIPI4 * f1
    m[1, 1] = -_EIPI4 * np.conj(f0)
    return m


@njit(cache=True, parallel=True)
def propagator(g, s, s0, consts):
    """U(s, s0) for flat arrays g, s, s0 (P,) and consts (P, 5); returns (P, 2, 2)."""
    n = g.shape[0]
    out = np.empty((n, 2, 2), dtype=np.complex128)
    for p in prange(n):
        a = _phi(s[p], g[p], consts[p])
        b = _phi(s0[p], g[p], consts[p])
        det = b[0, 0] * b[1, 1] - b[0, 1] * b[1, 0]
        inv = np.empty((2, 2), dtype=np.complex128)
        inv[0, 0] = b[1, 1] / det
        inv[1, 1] = b[0, 0] / det
        inv[0, 1] = -b[0, 1] / det
        inv[1, 0] = -b[1, 0] / det
        out[p] = a @ inv
    return out


@njit(cache=True, parallel=True)
def from_minus_infinity(g, s, consts):
    """Amplitudes (P, 2) at s of the solution that is diabatic |1> at s -> -inf."""
    n = g.shape[0]
    out = np.empty((n, 2), dtype=np.complex128)
    for p in prange(n):
        f1, f0 = weber_pair(-s[p], consts[p])
        norm = math.exp(-math.pi * g[p] * g[p] / 4.0)
        out[p, 0] = norm * f0
        out[p, 1] = -norm * g[p] * _EIPI4 * f1
    return out
