"""Compiled contraction for exact Floquet time averages (see :mod:`lzsm.dynamics.floquet`).

One point after the other without the GIL; callers split the points over threads
(:func:`lzsm.kernels.threads.concatenate`)."""

from __future__ import annotations

import cmath

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def weighted_overlaps(samples, states, theta, weights):
    """``out[x, j, a, b] = sum_k p_kja conj(p_kjb) w_ab[x, k]`` with the periodic parts
    ``p_kja = <j|U(t_k) u_a> exp(i theta_a k / M)`` of the Floquet modes, and the weights
    ``w_aa = 1/M``, ``w_ab = weights[x, pair(a, b), k]`` for a < b (pairs in the order
    (0, 1), (0, 2), ..., (1, 2), ...) and ``w_ba = conj(w_ab)``.

    samples: (X, M + 1, N, N) U(t_k); states: (X, N, N) columns u_a; theta: (X, N);
    weights: (X, N (N - 1) / 2, M)."""
    nx = samples.shape[0]
    nk = samples.shape[1] - 1
    n = samples.shape[2]
    pair = np.zeros((n, n), dtype=np.int64)
    q = 0
    for a in range(n):
        for b in range(a + 1, n):
            pair[a, b] = q
            pair[b, a] = q
            q += 1
    out = np.zeros((nx, n, n, n), dtype=np.complex128)
    for x in range(nx):
        p = np.empty((n, n), dtype=np.complex128)
        rot = np.empty(n, dtype=np.complex128)  # exp(i theta_a k / M), advanced by one factor per k
        step = np.empty(n, dtype=np.complex128)
        for a in range(n):
            rot[a] = 1.0
            step[a] = cmath.exp(1j * theta[x, a] / nk)
        for k in range(nk):
            if k and k % 16 == 0:  # fresh every 16 samples: the products' rounding stays ~1e-15
                for a in range(n):
                    rot[a] = cmath.exp(1j * theta[x, a] * k / nk)
            for j in range(n):
                for a in range(n):
                    acc = 0j
                    for i in range(n):
                        acc += samples[x, k, j, i] * states[x, i, a]
                    p[j, a] = acc * rot[a]
            for a in range(n):
                rot[a] *= step[a]
            for a in range(n):
                for b in range(n):
                    if a == b:
                        w = 1.0 / nk + 0j
                    elif a < b:
                        w = weights[x, pair[a, b], k]
                    else:
                        w = weights[x, pair[a, b], k].conjugate()
                    for j in range(n):
                        out[x, j, a, b] += p[j, a] * np.conj(p[j, b]) * w
    return out


@njit(cache=True, nogil=True)
def unfold_half_period(u):
    """(X, M/2 + 1, N, N) samples of U on [0, T/2] -> (X, M + 1, N, N) on [0, T] for a real,
    time-symmetric H: ``U(T/2 + s) = [U(T/2) U(T/2 - s)^dagger]^T U(T/2)``."""
    nx, h1, n, _ = u.shape
    m2 = h1 - 1
    out = np.empty((nx, 2 * m2 + 1, n, n), dtype=np.complex128)
    for x in range(nx):
        out[x, :h1] = u[x]
        back = np.empty((n, n), dtype=np.complex128)
        for k in range(1, m2 + 1):
            # back = U(T/2) U(T/2 - s)^dagger;  out = back^T U(T/2)   (explicit loops: tiny N)
            for i in range(n):
                for j in range(n):
                    acc = 0j
                    for m in range(n):
                        acc += u[x, m2, i, m] * np.conj(u[x, m2 - k, j, m])
                    back[i, j] = acc
            for i in range(n):
                for j in range(n):
                    acc = 0j
                    for m in range(n):
                        acc += back[m, i] * u[x, m2, m, j]
                    out[x, m2 + k, i, j] = acc
    return out
