"""Compiled contraction for exact Floquet time averages (see :mod:`lzsm.floquet`)."""

from __future__ import annotations

import cmath

import numpy as np
from numba import njit, prange


@njit(cache=True, parallel=True)
def weighted_overlaps(samples, states, theta, weights):
    """``out[x, j, a, b] = sum_k p_kja conj(p_kjb) weights[x, a, b, k]`` with the periodic parts
    ``p_kja = <j|U(t_k) u_a> exp(i theta_a k / M)`` of the Floquet modes.

    samples: (X, M + 1, N, N) U(t_k); states: (X, N, N) columns u_a; theta: (X, N);
    weights: (X, N, N, M)."""
    nx = samples.shape[0]
    nk = samples.shape[1] - 1
    n = samples.shape[2]
    out = np.zeros((nx, n, n, n), dtype=np.complex128)
    for x in prange(nx):
        p = np.empty((n, n), dtype=np.complex128)
        for k in range(nk):
            for j in range(n):
                for a in range(n):
                    acc = 0j
                    for i in range(n):
                        acc += samples[x, k, j, i] * states[x, i, a]
                    p[j, a] = acc * cmath.exp(1j * theta[x, a] * k / nk)
            for j in range(n):
                for a in range(n):
                    for b in range(n):
                        out[x, j, a, b] += p[j, a] * np.conj(p[j, b]) * weights[x, a, b, k]
    return out
