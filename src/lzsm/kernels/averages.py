"""Compiled contraction for exact Floquet time averages (see :mod:`lzsm.dynamics.floquet`).

One point after the other without the GIL; callers split the points over threads
(:func:`lzsm.kernels.threads.concatenate`)."""

from __future__ import annotations

import cmath

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def _dft(a, tw):
    """``a <- fft(a)`` (NumPy's convention, ``sum_m a_m exp(-2 pi i m k / M)``) with
    ``tw[r] = exp(-2 pi i r / M)``: radix 2 in place when M is a power of two, else the direct sum."""
    n = a.size
    if n & (n - 1):
        b = a.copy()
        for k in range(n):
            acc = 0j
            for m in range(n):
                acc += b[m] * tw[(m * k) % n]
            a[k] = acc
        return
    j = 0
    for i in range(1, n):  # bit-reversed order
        bit = n >> 1
        while j & bit:
            j ^= bit
            bit >>= 1
        j |= bit
        if i < j:
            a[i], a[j] = a[j], a[i]
    size = 2
    while size <= n:
        half, stride = size // 2, n // size
        for start in range(0, n, size):
            for k in range(half):
                t = tw[k * stride] * a[start + k + half]
                a[start + k + half] = a[start + k] - t
                a[start + k] = a[start + k] + t
        size *= 2


@njit(cache=True, nogil=True)
def interpolant_weights(theta, tw, out):
    """Weights of the trigonometric interpolant of the M samples against ``exp(-i d t / T)``,
    ``d = theta_a - theta_b``, for each pair a < b (in the order (0, 1), (0, 2), ..., (1, 2)):

        w_k(d) = (1/M) sum_m exp(-2 pi i m k / M) E(2 pi h_m - d),   E(x) = (e^{ix} - 1)/(ix),

    with h_m the harmonic of FFT index m (``numpy.fft.fftfreq(M, 1/M)``).  Since
    ``e^{i x_m} = e^{-i d}`` for every m, ``E(x_m) = (-sin d + 2 i sin^2(d/2)) / x_m``: one sine
    pair per point and pair, no cancellation (1 at x = 0).  theta: (N,); out: (N (N - 1)/2, M)."""
    n = theta.size
    nk = out.shape[1]
    q = 0
    for a in range(n):
        for b in range(a + 1, n):
            d = theta[a] - theta[b]
            half = np.sin(0.5 * d)
            num = complex(-np.sin(d), 2.0 * half * half) / nk
            for m in range(nk):
                h = m if m < (nk + 1) // 2 else m - nk
                x = 2.0 * np.pi * h - d
                out[q, m] = num / x if abs(x) > 1e-12 else 1.0 / nk
            _dft(out[q], tw)
            q += 1


@njit(cache=True, nogil=True)
def period_overlaps(samples, states, theta):
    """``out[x, j, a, b] = sum_k p_kja conj(p_kjb) w_ab[k]`` with the periodic parts
    ``p_kja = <j|U(t_k) u_a> exp(i theta_a k / M)`` of the Floquet modes and the weights
    ``w_aa = 1/M``, ``w_ab`` of :func:`interpolant_weights` for a < b (formed here, point by
    point) and ``w_ba = conj(w_ab)``.

    samples: (X, M + 1, N, N) U(t_k); states: (X, N, N) columns u_a; theta: (X, N)."""
    nx = samples.shape[0]
    nk = samples.shape[1] - 1
    n = samples.shape[2]
    tw = np.empty(nk, dtype=np.complex128)
    for r in range(nk):
        tw[r] = cmath.exp(-2j * np.pi * r / nk)
    pair = np.zeros((n, n), dtype=np.int64)
    q = 0
    for a in range(n):
        for b in range(a + 1, n):
            pair[a, b] = q
            pair[b, a] = q
            q += 1
    out = np.zeros((nx, n, n, n), dtype=np.complex128)
    w = np.empty((max(q, 1), nk), dtype=np.complex128)
    p = np.empty((n, n), dtype=np.complex128)
    rot = np.empty(n, dtype=np.complex128)  # exp(i theta_a k / M), advanced by one factor per k
    step = np.empty(n, dtype=np.complex128)
    for x in range(nx):
        interpolant_weights(theta[x], tw, w)
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
                        wk = 1.0 / nk + 0j
                    elif a < b:
                        wk = w[pair[a, b], k]
                    else:
                        wk = w[pair[a, b], k].conjugate()
                    for j in range(n):
                        out[x, j, a, b] += p[j, a] * np.conj(p[j, b]) * wk
    return out


@njit(cache=True, nogil=True)
def unfold_half_period(u, out):
    """(X, M/2 + 1, N, N) samples of U on [0, T/2] -> ``out`` (X, M + 1, N, N) on [0, T] for a
    real, time-symmetric H: ``U(T/2 + s) = [U(T/2) U(T/2 - s)^dagger]^T U(T/2)``."""
    nx, h1, n, _ = u.shape
    m2 = h1 - 1
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
