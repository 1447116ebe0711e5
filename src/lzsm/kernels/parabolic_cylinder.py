"""Compiled parabolic-cylinder functions on the Landau–Zener anti-Stokes line.

The finite-time Landau–Zener amplitudes need Whittaker's parabolic-cylinder functions
``D_nu(z)`` for ``nu = -i delta`` and ``nu = -1 - i delta`` (``delta >= 0``) at
``z = exp(i pi/4) s`` with ``s`` real.  Both rays of that line (arg z = pi/4 and -3 pi/4) are
anti-Stokes lines, where the two solutions of Weber's equation have comparable size, so the
evaluation is numerically benign:

* ``|s|`` large: the Poincaré asymptotic expansions DLMF 12.9.1 (arg z = pi/4) and 12.9.3
  (arg z = -3 pi/4, two exponential terms), summed to their smallest term;
* otherwise: Taylor-series steps of Weber's equation ``w'' = (z^2/4 - nu - 1/2) w`` (DLMF
  12.2.2) from ``z = 0``, where ``D_nu(0)`` and ``D_nu'(0)`` are known (DLMF 12.2.6-7).

Only ``D_mu`` with ``mu = -1 - i delta`` is stepped; ``D_{mu+1} = (z/2) D_mu - D_mu'``
(DLMF 12.8.2) gives the other one without dividing by ``delta``.
The functions are checked against mpmath's arbitrary-precision ``pcfd`` in the tests.

The exact finite-time Landau–Zener propagator built from them lives here too (one file, so
that numba's on-disk cache of the callers is invalidated together with the functions):

Dimensionless form (hbar = 1, alpha > 0, V >= 0): ``s = t sqrt(alpha/hbar)``,
``g = V / sqrt(hbar alpha)``, ``delta = g^2`` and ``i d/ds (a, b) = [[s/2, g], [g, -s/2]] (a, b)``.
Eliminating b gives Weber's equation ``a'' + (s^2/4 + delta + i/2) a = 0`` with solutions
``D_{-i delta}(e^{i pi/4} s)`` and ``D_{-1+i delta}(e^{-i pi/4} s)`` (cf. Vitanov & Garraway,
PRA 53, 4288 (1996), Sec. II).  Using ``D_nu'(z) = (z/2) D_nu - D_{nu+1}`` and the recurrence
``D_{nu+1} = z D_nu - nu D_{nu-1}`` (DLMF 12.8.1-2), a fundamental matrix is

.. math::  \\Phi(s) = \\begin{pmatrix} F_0 & g F_1^* \\\\
                                      g e^{i\\pi/4} F_1 & -e^{i\\pi/4} F_0^* \\end{pmatrix},
           \\qquad F_0 = D_{-i\\delta}(e^{i\\pi/4} s), \\quad F_1 = D_{-1-i\\delta}(e^{i\\pi/4} s),

with ``det Phi = -e^{i pi/4} (|F0|^2 + delta |F1|^2) != 0`` for every delta >= 0, and the
propagator is ``U(s, s0) = Phi(s) Phi(s0)^{-1}``.
The solution that is purely in diabatic state ``|1>`` at ``s -> -inf`` is
``e^{-pi delta/4} (F0(-s), -g e^{i pi/4} F1(-s))`` (up to a constant phase).
"""

from __future__ import annotations

import cmath
import math

import numpy as np
from numba import njit
from scipy import special

_SQRT_2PI = math.sqrt(2.0 * math.pi)
_EIPI4 = cmath.exp(0.25j * math.pi)
_ASYMPTOTIC_MIN_ABS_Z = 8.0
#: |s| at which the functions are evaluated for any larger |s| (s^2 stays finite).
_LARGEST_S = 1e100
_TINY = 1e-17


def weber_constants(delta: np.ndarray) -> np.ndarray:
    """Per-``delta`` constants of the kernel, shape ``(..., 5)`` complex.

    Columns: ``D_mu(0)``, ``D_mu'(0)`` (DLMF 12.2.6-7) for ``mu = -1 - i delta``, the
    Stokes multipliers ``sqrt(2 pi) / Gamma(-nu) * exp(-i pi nu)`` of DLMF 12.9.3 for
    ``nu = mu`` and ``nu = mu + 1``, and ``mu`` itself.
    """
    delta = np.asarray(delta, dtype=float)
    mu = -1.0 - 1j * delta
    out = np.empty(delta.shape + (5,), dtype=complex)
    out[..., 0] = 2.0 ** (mu / 2) * math.sqrt(math.pi) * special.rgamma((1.0 - mu) / 2)
    out[..., 1] = -(2.0 ** ((mu + 1) / 2)) * math.sqrt(math.pi) * special.rgamma(-mu / 2)
    for k, nu in enumerate((mu, mu + 1.0)):
        out[..., 2 + k] = _SQRT_2PI * special.rgamma(-nu) * np.exp(-1j * np.pi * nu)
    out[..., 4] = mu
    return out


@njit(cache=True, nogil=True)
def _asymptotic_series(nu: complex, zz: complex, alternating: bool):
    """Sum of ``sum_s (+-1)^s (x)_{2s} / (s! (2 z^2)^s)`` to its smallest term (``zz = z^2``).

    ``x = -nu`` with alternating signs (DLMF 12.9.1), ``x = nu + 1`` without (12.9.3).
    Returns (sum, converged).
    """
    x = -nu if alternating else nu + 1.0
    inv = 1.0 / (2.0 * zz)
    term = 1.0 + 0.0j
    total = 1.0 + 0.0j
    last = 1.0
    for s in range(200):
        term = term * (x + 2 * s) * (x + 2 * s + 1) * inv / (s + 1)
        if alternating:
            term = -term
        mag = abs(term)
        if mag > last:
            return total, False
        total += term
        if mag <= _TINY * abs(total):
            return total, True
        last = mag
    return total, False


@njit(cache=True, nogil=True)
def _asymptotic_pair(s: float, consts: np.ndarray):
    """(D_mu(z), D_{mu+1}(z), converged) from DLMF 12.9.1/12.9.3 at z = e^{i pi/4} s."""
    mu = consts[4]
    # z^2 = i s^2 and log z = ln|s| + i arg z exactly: forming them from the rounded z would
    # put a spurious real part ~1e-16 s^2 into the exponent at large |s|
    zz = 1j * s * s
    logz = complex(math.log(abs(s)), 0.25 * math.pi if s > 0 else -0.75 * math.pi)
    e_minus = cmath.exp(-0.25 * zz)
    out = np.empty(2, dtype=np.complex128)
    for k in range(2):
        nu = mu + k
        s1, ok1 = _asymptotic_series(nu, zz, True)
        if not ok1:
            return out[0], out[1], False
        val = e_minus * cmath.exp(nu * logz) * s1
        if s < 0.0:
            s2, ok2 = _asymptotic_series(nu, zz, False)
            if not ok2:
                return out[0], out[1], False
            val -= consts[2 + k] * cmath.exp(0.25 * zz) * cmath.exp((-nu - 1.0) * logz) * s2
        out[k] = val
    return out[0], out[1], True


@njit(cache=True, nogil=True)
def _taylor_pair(s: float, consts: np.ndarray):
    """(D_mu(z), D_{mu+1}(z)) by Taylor steps of Weber's equation from z = 0."""
    a_coef = -consts[4] - 0.5  # A = -mu - 1/2 in w'' = (z^2/4 + A) w
    direction = _EIPI4 if s >= 0.0 else -_EIPI4
    target = abs(s)
    w = consts[0]
    dw = consts[1]
    r = 0.0
    while r < target:
        z0 = direction * r
        q0 = z0 * z0 / 4.0 + a_coef
        hmag = min(1.0, 2.0 / math.sqrt(abs(q0) + abs(z0) + 1.0), target - r)
        h = direction * hmag
        qh2 = q0 * h * h
        zh3 = 0.5 * z0 * h * h * h
        h4 = 0.25 * h * h * h * h
        # scaled Taylor coefficients c_n h^n of w about z0:
        # c_{m+2} = [q0 c_m + (z0/2) c_{m-1} + c_{m-2}/4] / ((m+2)(m+1))
        c = np.zeros(130, dtype=np.complex128)
        c[0] = w
        c[1] = dw * h
        val = c[0] + c[1]
        der = dw + 0.0j
        small = 0
        for m in range(126):
            acc = qh2 * c[m]
            if m >= 1:
                acc += zh3 * c[m - 1]
            if m >= 2:
                acc += h4 * c[m - 2]
            c[m + 2] = acc / ((m + 2) * (m + 1))
            val += c[m + 2]
            der += (m + 2) * c[m + 2] / h
            if abs(c[m + 2]) <= _TINY * (abs(val) + 1e-300) and m > 4:
                small += 1
                if small >= 3:
                    break
            else:
                small = 0
        w = val
        dw = der
        r += hmag
    z = direction * target
    return w, 0.5 * z * w - dw


@njit(cache=True, nogil=True)
def weber_pair(s: float, consts: np.ndarray):
    """``(D_{-1-i delta}(z), D_{-i delta}(z))`` at ``z = exp(i pi/4) s``, s real.

    ``|s|`` beyond :data:`_LARGEST_S` is evaluated at that size: ``s^2`` would overflow, and
    every correction to the leading asymptotic term is below ``1/s^2 = 1e-200`` there (the
    phase ``s^2/4`` has lost every digit long before, see :func:`lzsm.lz_propagator`)."""
    if abs(s) > _LARGEST_S:
        s = math.copysign(_LARGEST_S, s)
    if abs(s) >= _ASYMPTOTIC_MIN_ABS_Z:
        a, b, ok = _asymptotic_pair(s, consts)
        if ok:
            return a, b
    return _taylor_pair(s, consts)


# ----------------------------------------------------------------------------- finite-time LZ


@njit(cache=True, nogil=True)
def _phi(s, g, consts):
    f1, f0 = weber_pair(s, consts)
    m = np.empty((2, 2), dtype=np.complex128)
    m[0, 0] = f0
    m[0, 1] = g * np.conj(f1)
    m[1, 0] = g * _EIPI4 * f1
    m[1, 1] = -_EIPI4 * np.conj(f0)
    return m


@njit(cache=True, nogil=True)
def propagator(g, s, s0, consts):
    """U(s, s0) for flat arrays g, s, s0 (P,) and consts (P, 5); returns (P, 2, 2)."""
    n = g.shape[0]
    out = np.empty((n, 2, 2), dtype=np.complex128)
    for p in range(n):
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


@njit(cache=True, nogil=True)
def from_minus_infinity(g, s, consts):
    """Amplitudes (P, 2) at s of the solution that is diabatic |1> at s -> -inf."""
    n = g.shape[0]
    out = np.empty((n, 2), dtype=np.complex128)
    for p in range(n):
        f1, f0 = weber_pair(-s[p], consts[p])
        norm = math.exp(-math.pi * g[p] * g[p] / 4.0)
        out[p, 0] = norm * f0
        out[p, 1] = -norm * g[p] * _EIPI4 * f1
    return out
