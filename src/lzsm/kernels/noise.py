"""Compiled stochastic-Hamiltonian trajectories ``i dpsi/dt = (H(t) + xi(t) O) psi`` (hbar folded in).

Each trajectory draws its own noise path from its own random stream, so the numbers depend only
on (seed, trajectory index), never on chunking or on the number of threads.

Random numbers
    One generator per trajectory (:mod:`lzsm.kernels.rng`: xoshiro256**), its stream chosen by
    (seed words, trajectory index).

Noise on a fixed grid ``t_0 < t_1 < ... < t_S``
    Ornstein–Uhlenbeck, ``<xi(t) xi(t')> = sigma^2 exp(-|t - t'|/tau)``: the value ``x_n`` and
    the step integral ``I_n = int_{t_n}^{t_{n+1}} xi dt`` are drawn exactly from their joint
    Gaussian law given ``x_n`` (Gillespie, Phys. Rev. E 54, 2084 (1996)), with ``E = e^{-h/tau}``:

    .. math::

        x_{n+1} &= E x_n + \\sigma \\sqrt{1 - E^2}\\, z_1, \\\\
        I_n &= \\tau (1 - E) x_n + c z_1 + d z_2, \\\\
        \\mathrm{Var}(I_n | x_n) &= \\sigma^2 \\tau^2 (2h/\\tau - 3 + 4E - E^2), \\\\
        \\mathrm{Cov}(x_{n+1}, I_n | x_n) &= \\sigma^2 \\tau (1 - E)^2.

    Random telegraph noise ``xi = +-a`` flipping at rate ``gamma``: the flip times are drawn
    exactly (exponential waiting times), and each step gets the exact moments ``I_n`` and
    ``J_n = int (t - t_mid) xi dt``.

Propagator of one step: the fourth-order Magnus integrator (Iserles & Nørsett, Phil. Trans. R.
Soc. A 357, 983 (1999); Blanes, Casas, Oteo & Ros, Phys. Rep. 470, 151 (2009)), which depends
on H only through its Legendre moments on the step, ``B0 = (1/h) int H`` and
``B1 = (1/h^2) int (t - t_mid) H``: ``U = exp(-i h B0 - h^2 [B1, B0])``.  In node form

.. math::  \\Omega = -i h \\frac{H_1 + H_2}{2} - \\frac{\\sqrt3\\, h^2}{12} [H_2, H_1],
           \\qquad c_{1,2} = \\frac12 \\mp \\frac{\\sqrt3}{6},

where the deterministic part of ``H_k`` is ``A + B f(t_n + c_k h)`` (or a table) and the noise
part is ``xi_k O`` with ``xi_{1,2} = I_n/h -+ 2 sqrt(3) J_n / h^2`` (telegraph, exact moments)
or ``I_n/h -+ (sqrt(3)/6)(x_{n+1} - x_n)`` (OU: exact mean, slope of the chord).  The noise
therefore enters the commuting part of every step exactly: pure dephasing is reproduced
without discretisation error at any step size.  The exponential is exact (closed form for two
levels, Hermitian eigendecomposition otherwise), so every step is unitary.  The global phase
of two-level steps is dropped (only density matrices are returned).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from .drives import _coef
from .rng import _normal_pair, _seed_state, _uniform, _waiting_time

NOISE_OU = 0
NOISE_TELEGRAPH = 1

_SQ3 = math.sqrt(3.0)
_C1 = 0.5 - _SQ3 / 6.0
_C2 = 0.5 + _SQ3 / 6.0


# ----------------------------------------------------------------------------- noise on one step
@njit(cache=True, nogil=True)
def _telegraph_step(st, s, wait, rate, h):
    """Advance a telegraph path (sign s, time to next flip wait) over a step of length h.

    Returns (new s, new wait, I = int s dt, J = int (t - h/2) s dt) over the step."""
    pos = 0.0
    i_mom = 0.0
    j_mom = 0.0
    half = 0.5 * h
    while wait < h - pos:
        end = pos + wait
        i_mom += s * wait
        j_mom += 0.5 * s * ((end - half) ** 2 - (pos - half) ** 2)
        pos = end
        s = -s
        wait = _waiting_time(st, rate)
    i_mom += s * (h - pos)
    j_mom += 0.5 * s * (half * half - (pos - half) ** 2)
    wait -= h - pos
    return s, wait, i_mom, j_mom


@njit(cache=True, nogil=True)
def _noise_start(st, kind, npar):
    """Stationary initial noise state: (x or sign, time to next flip)."""
    if kind == NOISE_OU:
        z, _ = _normal_pair(st)
        return npar[0] * z, 0.0
    s = 1.0 if _uniform(st) < 0.5 else -1.0
    return s, _waiting_time(st, npar[1])


@njit(cache=True, nogil=True)
def _noise_nodes(st, kind, npar, ouc, n, h, x, wait):
    """Noise values at the two Gauss nodes of step n; returns (xi1, xi2, new x, new wait)."""
    if kind == NOISE_OU:
        z1, z2 = _normal_pair(st)
        xn = ouc[n, 0] * x + ouc[n, 1] * z1
        integral = ouc[n, 2] * x + ouc[n, 3] * z1 + ouc[n, 4] * z2
        mean = integral / h
        d = (_SQ3 / 6.0) * (xn - x)
        return mean - d, mean + d, xn, wait
    s, wait, i_mom, j_mom = _telegraph_step(st, x, wait, npar[1], h)
    a = npar[0]
    mean = a * i_mom / h
    d = 2.0 * _SQ3 * a * j_mom / (h * h)
    return mean - d, mean + d, s, wait


# ----------------------------------------------------------------------------- two levels
@njit(cache=True, nogil=True)
def _trajectory2(a_, b_, code, fp_, table, use_table, op_, kind, npar_, ouc, tg, save, seed0, seed1, index, psi0, out):
    """One two-level trajectory (Pauli 3-vectors; identity parts only add a global phase)."""
    # the parameters as tuples (registers: the stores to the generator state and out cannot alias them)
    a = (a_[0], a_[1], a_[2])
    b = (b_[0], b_[1], b_[2])
    op = (op_[0], op_[1], op_[2])
    fp = (fp_[0], fp_[1])
    npar = (npar_[0], npar_[1])
    st = _seed_state(seed0, seed1, index)
    x, wait = _noise_start(st, kind, npar)
    p0 = psi0[0]
    p1 = psi0[1]
    m = 0
    if save[0] == 0:
        out[0, 0] = p0
        out[0, 1] = p1
        m = 1
    for n in range(tg.shape[0] - 1):
        t = tg[n]
        h = tg[n + 1] - t
        xi1, xi2, x, wait = _noise_nodes(st, kind, npar, ouc, n, h, x, wait)
        if use_table:
            g1x = table[n, 0, 0] + xi1 * op[0]
            g1y = table[n, 0, 1] + xi1 * op[1]
            g1z = table[n, 0, 2] + xi1 * op[2]
            g2x = table[n, 1, 0] + xi2 * op[0]
            g2y = table[n, 1, 1] + xi2 * op[1]
            g2z = table[n, 1, 2] + xi2 * op[2]
        else:
            f1 = _coef(code, fp, t + _C1 * h)
            f2 = _coef(code, fp, t + _C2 * h)
            g1x = a[0] + b[0] * f1 + xi1 * op[0]
            g1y = a[1] + b[1] * f1 + xi1 * op[1]
            g1z = a[2] + b[2] * f1 + xi1 * op[2]
            g2x = a[0] + b[0] * f2 + xi2 * op[0]
            g2y = a[1] + b[1] * f2 + xi2 * op[1]
            g2z = a[2] + b[2] * f2 + xi2 * op[2]
        # Omega = -i (w . sigma), w = h (g1 + g2)/2 + (sqrt(3) h^2 / 6) g2 x g1
        k = _SQ3 * h * h / 6.0
        wx = 0.5 * h * (g1x + g2x) + k * (g2y * g1z - g2z * g1y)
        wy = 0.5 * h * (g1y + g2y) + k * (g2z * g1x - g2x * g1z)
        wz = 0.5 * h * (g1z + g2z) + k * (g2x * g1y - g2y * g1x)
        nrm = math.sqrt(wx * wx + wy * wy + wz * wz)
        c = math.cos(nrm)
        s = math.sin(nrm) / nrm if nrm > 1e-300 else 1.0
        # exp(-i w.sigma) = c - i s [[wz, wx - i wy], [wx + i wy, -wz]]
        m00 = complex(c, -s * wz)
        m11 = complex(c, s * wz)
        m01 = complex(-s * wy, -s * wx)
        m10 = complex(s * wy, -s * wx)
        q0 = m00 * p0 + m01 * p1
        p1 = m10 * p0 + m11 * p1
        p0 = q0
        while m < save.shape[0] and save[m] == n + 1:
            out[m, 0] = p0
            out[m, 1] = p1
            m += 1


@njit(cache=True, nogil=True)
def trajectories_two_level(
    a, b, code, fpar, table, use_table, op, kind, npar, ouc, tg, save, seed0, seed1, first, count, psi0
):
    """Trajectories ``first .. first + count - 1`` for every parameter point (two levels).

    a, b: (P, 3) Pauli vectors (x, y, z) of A/hbar, B/hbar; code (P,); fpar (P, 2);
    table: (S, 2, 3) deterministic H/hbar at the two nodes of each step (used when use_table,
    then P must be 1); op: (3,) Pauli vector of O/hbar; kind: NOISE_OU or NOISE_TELEGRAPH;
    npar: (sigma or amplitude, switching rate); ouc: (S, 5) OU step coefficients; tg: (S + 1,)
    grid; save: (M,) grid indices of the saved times; psi0: (P, 2).
    Returns amplitudes (P, count, M, 2).  One trajectory after the other without the GIL;
    callers split the trajectories over threads (:func:`lzsm.kernels.threads.concatenate`)."""
    npts = a.shape[0]
    out = np.empty((npts, count, save.shape[0], 2), dtype=np.complex128)
    for k in range(npts * count):
        p = k // count
        j = k - p * count
        _trajectory2(
            a[p],
            b[p],
            code[p],
            fpar[p],
            table,
            use_table,
            op,
            kind,
            npar,
            ouc,
            tg,
            save,
            seed0,
            seed1,
            first + j,
            psi0[p],
            out[p, j],
        )
    return out


# ----------------------------------------------------------------------------- N levels
@njit(cache=True, nogil=True)
def _trajectory_n(a, b, code, fp_, table, use_table, op, kind, npar_, ouc, tg, save, seed0, seed1, index, psi0, out):
    fp = (fp_[0], fp_[1])  # as in _trajectory2 (one specialisation of the shared helpers)
    npar = (npar_[0], npar_[1])
    st = _seed_state(seed0, seed1, index)
    x, wait = _noise_start(st, kind, npar)
    psi = psi0.copy()
    m = 0
    if save[0] == 0:
        out[0] = psi
        m = 1
    for n in range(tg.shape[0] - 1):
        t = tg[n]
        h = tg[n + 1] - t
        xi1, xi2, x, wait = _noise_nodes(st, kind, npar, ouc, n, h, x, wait)
        if use_table:
            h1 = table[n, 0] + xi1 * op
            h2 = table[n, 1] + xi2 * op
        else:
            h1 = a + (b * _coef(code, fp, t + _C1 * h) + xi1 * op)
            h2 = a + (b * _coef(code, fp, t + _C2 * h) + xi2 * op)
        # i Omega = h (H1 + H2)/2 - i (sqrt(3) h^2 / 12) [H2, H1]  (Hermitian)
        herm = (0.5 * h) * (h1 + h2) - (1j * _SQ3 * h * h / 12.0) * (h2 @ h1 - h1 @ h2)
        herm = 0.5 * (herm + herm.conj().T)
        lam, vec = np.linalg.eigh(herm)
        psi = vec @ (np.exp(-1j * lam) * (vec.conj().T @ psi))
        while m < save.shape[0] and save[m] == n + 1:
            out[m] = psi
            m += 1


@njit(cache=True, nogil=True)
def trajectories_n_level(
    a, b, code, fpar, table, use_table, op, kind, npar, ouc, tg, save, seed0, seed1, first, count, psi0
):
    """N-level analogue of :func:`trajectories_two_level`: a, b (P, N, N) complex (H/hbar),
    table (S, 2, N, N), op (N, N), psi0 (P, N).  Returns amplitudes (P, count, M, N)."""
    npts = a.shape[0]
    nlev = a.shape[1]
    out = np.empty((npts, count, save.shape[0], nlev), dtype=np.complex128)
    for k in range(npts * count):
        p = k // count
        j = k - p * count
        _trajectory_n(
            a[p],
            b[p],
            code[p],
            fpar[p],
            table,
            use_table,
            op,
            kind,
            npar,
            ouc,
            tg,
            save,
            seed0,
            seed1,
            first + j,
            psi0[p],
            out[p, j],
        )
    return out


# ----------------------------------------------------------------------------- averaging
@njit(cache=True)
def accumulate(amps, count_before, rho_sum, pop_mean, pop_m2):
    """Add trajectories (in index order) to the running sums, serially, so that the result does
    not depend on how trajectories were split into chunks.

    amps (P, C, M, N); rho_sum (P, M, N, N) += psi psi^dagger; Welford mean/M2 of the
    populations (P, M, N)."""
    npts, cnt, nt, nlev = amps.shape
    for p in range(npts):
        for j in range(cnt):
            k = count_before + j + 1.0
            for m in range(nt):
                for r in range(nlev):
                    pr = amps[p, j, m, r]
                    for c in range(nlev):
                        rho_sum[p, m, r, c] += pr * amps[p, j, m, c].conjugate()
                    pop = pr.real * pr.real + pr.imag * pr.imag
                    delta = pop - pop_mean[p, m, r]
                    pop_mean[p, m, r] += delta / k
                    pop_m2[p, m, r] += delta * (pop - pop_mean[p, m, r])
