"""Compiled sixth-order Magnus propagators for ``i dpsi/dt = H(t) psi`` (hbar folded into H).

The scheme is the sixth-order Magnus integrator on three Gauss–Legendre nodes of Blanes,
Casas & Ros, BIT 40, 434 (2000) (also Blanes, Casas, Oteo & Ros, Phys. Rep. 470, 151 (2009),
Sec. 5.2).  With ``A_i = -i H(t_n + c_i h)``, ``c = 1/2 - sqrt(15)/10, 1/2, 1/2 + sqrt(15)/10``:

.. math::

    a_1 &= h A_2, \\quad a_2 = \\frac{\\sqrt{15}\\, h}{3} (A_3 - A_1), \\quad
    a_3 = \\frac{10 h}{3} (A_3 - 2 A_2 + A_1), \\\\
    C_1 &= [a_1, a_2], \\quad C_2 = -\\tfrac{1}{60} [a_1, 2 a_3 + C_1], \\\\
    \\Omega_6 &= a_1 + \\frac{a_3}{12} + \\tfrac{1}{240} [-20 a_1 - a_3 + C_1, a_2 + C_2], \\\\
    \\Omega_4 &= a_1 + \\frac{a_3}{12} - \\tfrac{1}{12} [a_1, a_2]

and ``psi(t_n + h) = exp(Omega6) psi(t_n)``.  The exponential is exact (closed form for two
levels, Hermitian eigendecomposition for N levels), so every step is exactly unitary.
Step size: Richardson step doubling (one step of h against two of h/2; their difference over
2^6 - 1 estimates the local error of the two half steps, which are kept), error per step
below ``tol``; the sum of the accepted local estimates is reported as the error estimate.

Hamiltonians handled here have the form ``H(t) = A + B f(t)`` with a coefficient function
chosen per parameter point by an integer code and two parameters ``(omega, phi)`` (the drive
shapes of :mod:`lzsm.kernels.drives`).  Steps never straddle a kink of f (they land on it);
step acceptance and the next step size come from :mod:`lzsm.kernels.stepping`.  Each kernel carries K
columns at once (K = 1: a state; K = N: the propagator).
Two-level Hamiltonians are carried as real Pauli 4-vectors ``(h0, hx, hy, hz)`` with
``H = h0 I + hx sigma_x + hy sigma_y + hz sigma_z``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from .drives import _coef, _next_break
from .stepping import (  # noqa: F401
    EXPONENT_RICHARDSON,
    STATUS_MAX_STEPS,
    STATUS_OK,
    STATUS_STEP_UNDERFLOW,
    control,
    outside_radius,
    trial_step,
)

_SQ15 = math.sqrt(15.0)
_C1 = 0.5 - _SQ15 / 10.0
_C3 = 0.5 + _SQ15 / 10.0


# ----------------------------------------------------------------------------- two levels
@njit(cache=True, nogil=True, inline="always")
def _cross2(a, b):
    """Pauli-vector form of the commutator of -i(a.sigma) and -i(b.sigma): 2 a x b."""
    return (
        2.0 * (a[1] * b[2] - a[2] * b[1]),
        2.0 * (a[2] * b[0] - a[0] * b[2]),
        2.0 * (a[0] * b[1] - a[1] * b[0]),
    )


@njit(cache=True, nogil=True)
def _omega2(a, b, code, fp, t, h):
    """Omega6 of one step as (w0, wx, wy, wz), Omega6 = -i (w0 + w.sigma)."""
    f1 = _coef(code, fp, t + _C1 * h)
    f2 = _coef(code, fp, t + 0.5 * h)
    f3 = _coef(code, fp, t + _C3 * h)
    d31 = f3 - f1
    d2 = f3 - 2.0 * f2 + f1
    w0 = h * (a[0] + b[0] * f2 + b[0] * d2 * (10.0 / 36.0))
    # a1 = h H(mid); a2 = sqrt(15) h/3 (H3 - H1); a3 = 10 h/3 (H3 - 2 H2 + H1)
    s2 = _SQ15 * h / 3.0 * d31
    s3 = 10.0 * h / 3.0 * d2
    a1 = (h * (a[1] + b[1] * f2), h * (a[2] + b[2] * f2), h * (a[3] + b[3] * f2))
    a2 = (s2 * b[1], s2 * b[2], s2 * b[3])
    a3 = (s3 * b[1], s3 * b[2], s3 * b[3])
    c1 = _cross2(a1, a2)
    cc = _cross2(a1, (2.0 * a3[0] + c1[0], 2.0 * a3[1] + c1[1], 2.0 * a3[2] + c1[2]))
    c2 = (-cc[0] / 60.0, -cc[1] / 60.0, -cc[2] / 60.0)
    left = (-20.0 * a1[0] - a3[0] + c1[0], -20.0 * a1[1] - a3[1] + c1[1], -20.0 * a1[2] - a3[2] + c1[2])
    big = _cross2(left, (a2[0] + c2[0], a2[1] + c2[1], a2[2] + c2[2]))
    return (
        w0,
        a1[0] + a3[0] / 12.0 + big[0] / 240.0,
        a1[1] + a3[1] / 12.0 + big[1] / 240.0,
        a1[2] + a3[2] / 12.0 + big[2] / 240.0,
    )


@njit(cache=True, nogil=True, inline="always")
def _exp2_matrix(w):
    """exp(-i (w0 + w.sigma)) as four complex numbers (m00, m01, m10, m11), exactly."""
    n = math.sqrt(w[1] * w[1] + w[2] * w[2] + w[3] * w[3])
    c = math.cos(n)
    s = math.sin(n) / n if n > 1e-300 else 1.0
    ph = complex(math.cos(w[0]), -math.sin(w[0]))
    # -i s (w.sigma) = -i s [[wz, wx - i wy], [wx + i wy, -wz]]
    return (
        ph * complex(c, -s * w[3]),
        ph * (-1j * s) * complex(w[1], -w[2]),
        ph * (-1j * s) * complex(w[1], w[2]),
        ph * complex(c, s * w[3]),
    )


@njit(cache=True, nogil=True, inline="always")
def _exp2(w, p0, p1):
    """exp(-i (w0 + w.sigma)) (p0, p1), exactly."""
    m00, m01, m10, m11 = _exp2_matrix(w)
    return m00 * p0 + m01 * p1, m10 * p0 + m11 * p1


@njit(cache=True, nogil=True)
def _norm_h2(a, b, code, fp, t):
    f = _coef(code, fp, t)
    return math.sqrt((a[1] + b[1] * f) ** 2 + (a[2] + b[2] * f) ** 2 + (a[3] + b[3] * f) ** 2)


@njit(cache=True, nogil=True)
def _run2(a_, b_, code, fp_, t_eval, psi0, tol, h_init, max_step, max_steps, out):
    """Adaptive integration of K two-component columns psi0 (2, K); saves into out (M, 2, K)."""
    kcols = psi0.shape[1]
    # the point's parameters as tuples (registers: the stores to the state below cannot alias them)
    a = (a_[0], a_[1], a_[2], a_[3])
    b = (b_[0], b_[1], b_[2], b_[3])
    fp = (fp_[0], fp_[1])
    p = psi0.copy()
    full = np.empty_like(p)
    half = np.empty_like(p)
    t = t_eval[0]
    out[0] = p
    h = h_init
    if h <= 0.0:
        h = 1.0 / (_norm_h2(a, b, code, fp, t) + 1e-300)
    h = min(h, max_step)
    err_sum = 0.0
    nsteps = 0
    brk = _next_break(code, fp, t)
    for j in range(1, t_eval.shape[0]):
        t_end = t_eval[j]
        while t < t_end:
            brk, last, h_try, t_next = trial_step(t, h, t_end, brk, code, fp)
            # stay inside the Magnus radius (the norm of -i w.sigma is |w|), before any exponential
            w_full = _omega2(a, b, code, fp, t, h_try)
            h_short = outside_radius(math.sqrt(w_full[1] ** 2 + w_full[2] ** 2 + w_full[3] ** 2), h_try, t)
            if h_short > 0.0:
                h = h_short
                continue
            # Richardson step doubling: one step of h against two of h/2
            hh = 0.5 * h_try
            f00, f01, f10, f11 = _exp2_matrix(w_full)
            g00, g01, g10, g11 = _exp2_matrix(_omega2(a, b, code, fp, t, hh))
            k00, k01, k10, k11 = _exp2_matrix(_omega2(a, b, code, fp, t + hh, hh))
            err2 = 0.0
            for k in range(kcols):
                x0 = p[0, k]
                x1 = p[1, k]
                full[0, k] = f00 * x0 + f01 * x1
                full[1, k] = f10 * x0 + f11 * x1
                y0 = g00 * x0 + g01 * x1
                y1 = g10 * x0 + g11 * x1
                half[0, k] = k00 * y0 + k01 * y1
                half[1, k] = k10 * y0 + k11 * y1
                err2 += abs(half[0, k] - full[0, k]) ** 2 + abs(half[1, k] - full[1, k]) ** 2
            err = math.sqrt(err2) / 63.0
            accept, h_new = control(err, tol, h_try, h, t, last, max_step, EXPONENT_RICHARDSON, 0.0)
            if accept:
                p[:, :] = half
                err_sum += err
                nsteps += 1
                t = t_next
                if nsteps >= max_steps:
                    return err_sum, nsteps, STATUS_MAX_STEPS
            h = h_new
        out[j] = p
    return err_sum, nsteps, STATUS_OK


@njit(cache=True, nogil=True)
def _outputs(npts, m, n, k):
    out = np.full((npts, m, n, k), np.nan + 0j)  # times never reached stay NaN
    return out, np.empty(npts), np.empty(npts, dtype=np.int64), np.empty(npts, dtype=np.int64)


@njit(cache=True, nogil=True)
def evolve_two_level(a, b, code, fpar, t_eval, psi0, tol, h_init, max_step, max_steps):
    """Propagate P independent two-level systems, H_p(t) = a_p + b_p f_p(t) (Pauli 4-vectors).

    a, b: (P, 4) float; code: (P,) int; fpar: (P, 2) float (omega, phi); t_eval: (M,)
    increasing, first entry the start time; psi0: (P, 2, K) complex (K columns).
    Returns amplitudes (P, M, 2, K) (NaN where never reached), error estimates (P,), number
    of steps (P,), status (P,).  One point after the other, without the GIL: callers run
    chunks of points on several threads (:func:`lzsm.kernels.threads.run_chunks`).
    """
    out, errs, steps, status = _outputs(a.shape[0], t_eval.shape[0], 2, psi0.shape[2])
    for p in range(a.shape[0]):
        errs[p], steps[p], status[p] = _run2(
            a[p], b[p], code[p], fpar[p], t_eval, psi0[p], tol, h_init, max_step, max_steps, out[p]
        )
    return out, errs, steps, status


# ----------------------------------------------------------------------------- N levels
@njit(cache=True, nogil=True)
def _comm(x, y):
    return x @ y - y @ x


@njit(cache=True, nogil=True)
def omega6_from_nodes(k1, k2, k3, h):
    """Omega6 from A = -iH at the three Gauss nodes (N x N)."""
    al1 = h * k2
    al2 = (_SQ15 * h / 3.0) * (k3 - k1)
    al3 = (10.0 * h / 3.0) * (k3 - 2.0 * k2 + k1)
    c1 = _comm(al1, al2)
    c2 = (-1.0 / 60.0) * _comm(al1, 2.0 * al3 + c1)
    big = _comm(-20.0 * al1 - al3 + c1, al2 + c2) / 240.0
    return al1 + al3 / 12.0 + big


@njit(cache=True, nogil=True)
def _eigenphases(om):
    """Eigenvalues (ascending) and eigenvectors of the Hermitian i*Omega, Omega anti-Hermitian."""
    herm = 1j * om
    return np.linalg.eigh(0.5 * (herm + herm.conj().T))


@njit(cache=True, nogil=True, inline="always")
def _expm_from_eigenphases(lam, vec):
    return (vec * np.exp(-1j * lam)) @ vec.conj().T


@njit(cache=True, nogil=True)
def expm_antihermitian(om):
    """exp(Omega) for anti-Hermitian Omega via the eigendecomposition of the Hermitian i*Omega."""
    lam, vec = _eigenphases(om)
    return _expm_from_eigenphases(lam, vec)


@njit(cache=True, nogil=True)
def _omega_n(a, b, code, fp, t, h):
    k1 = -1j * (a + b * _coef(code, fp, t + _C1 * h))
    k2 = -1j * (a + b * _coef(code, fp, t + 0.5 * h))
    k3 = -1j * (a + b * _coef(code, fp, t + _C3 * h))
    return omega6_from_nodes(k1, k2, k3, h)


@njit(cache=True, nogil=True)
def _run_n(a, b, code, fp_, t_eval, psi0, tol, h_init, max_step, max_steps, out):
    fp = (fp_[0], fp_[1])  # as in _run2 (one specialisation of the drive-shape functions)
    psi = psi0.copy()
    t = t_eval[0]
    out[0] = psi
    h = h_init
    if h <= 0.0:
        nrm = math.sqrt(np.sum(np.abs(a + b * _coef(code, fp, t)) ** 2))
        h = 1.0 / (nrm + 1e-300)
    h = min(h, max_step)
    err_sum = 0.0
    nsteps = 0
    brk = _next_break(code, fp, t)
    for j in range(1, t_eval.shape[0]):
        t_end = t_eval[j]
        while t < t_end:
            brk, last, h_try, t_next = trial_step(t, h, t_end, brk, code, fp)
            # Magnus radius: the norm of Omega less its trace (an exact global phase) is half the
            # spread of its eigenphases; the decomposition serves the exponential too
            lam, vec = _eigenphases(_omega_n(a, b, code, fp, t, h_try))
            h_short = outside_radius(0.5 * (lam[-1] - lam[0]), h_try, t)
            if h_short > 0.0:
                h = h_short
                continue
            full = _expm_from_eigenphases(lam, vec) @ psi
            hh = 0.5 * h_try
            half = expm_antihermitian(_omega_n(a, b, code, fp, t, hh)) @ psi
            half = expm_antihermitian(_omega_n(a, b, code, fp, t + hh, hh)) @ half
            err = math.sqrt(np.sum(np.abs(half - full) ** 2)) / 63.0
            accept, h_new = control(err, tol, h_try, h, t, last, max_step, EXPONENT_RICHARDSON, 0.0)
            if accept:
                psi = half
                err_sum += err
                nsteps += 1
                t = t_next
                if nsteps >= max_steps:
                    return err_sum, nsteps, STATUS_MAX_STEPS
            h = h_new
        out[j] = psi
    return err_sum, nsteps, STATUS_OK


@njit(cache=True, nogil=True)
def evolve_n_level(a, b, code, fpar, t_eval, psi0, tol, h_init, max_step, max_steps):
    """N-level analogue of :func:`evolve_two_level`; a, b: (P, N, N) complex Hermitian,
    psi0: (P, N, K)."""
    out, errs, steps, status = _outputs(a.shape[0], t_eval.shape[0], a.shape[1], psi0.shape[2])
    for p in range(a.shape[0]):
        errs[p], steps[p], status[p] = _run_n(
            a[p], b[p], code[p], fpar[p], t_eval, psi0[p], tol, h_init, max_step, max_steps, out[p]
        )
    return out, errs, steps, status
