"""Compiled sixth-order Magnus propagation of the Lindblad master equation.

The density matrix is carried as a row-major vector ``r = vec(rho)`` (``r[i N + j] =
rho_ij``), so that ``vec(A rho B) = (A kron B^T) vec(rho)`` and the master equation

.. math::  \\frac{d\\rho}{dt} = -i [H, \\rho]
           + \\sum_k \\left(L_k \\rho L_k^\\dagger - \\tfrac12 \\{L_k^\\dagger L_k, \\rho\\}\\right)

(hbar folded into H and the rates) becomes ``dr/dt = S(t) r`` with the Liouvillian

.. math::  S = -i (H \\otimes 1 - 1 \\otimes H^T)
           + \\sum_k \\left(L_k \\otimes L_k^* - \\tfrac12 (L_k^\\dagger L_k) \\otimes 1
           - \\tfrac12\\, 1 \\otimes (L_k^\\dagger L_k)^T\\right).

``S(t)`` is integrated with the same sixth-order Magnus scheme on three Gauss–Legendre
nodes as the coherent kernels (Blanes, Casas & Ros, BIT 40, 434 (2000)), with
``exp(Omega)`` by Pade-13 scaling and squaring (Higham, SIAM J. Matrix Anal. Appl. 26,
1179 (2005)).  Every commutator of trace-preserving, Hermiticity-preserving generators is
again both, so each step preserves the trace and the Hermiticity of rho to rounding;
positivity holds to the local error tolerance.  Step control (N levels): Richardson step
doubling as in :mod:`lzsm.kernels.magnus` (Frobenius norm of rho).  Two levels (Bloch vector,
below): one exponential per step, the local error bounded by the embedded fourth-order Magnus
exponent, and the step limited to the Magnus convergence radius (see :func:`_run_bloch`).

Dissipators:

* a constant part ``d_const`` (collapse operators fixed in the diabatic basis), and
* a part built at each node in a time-dependent basis (``basis``: 0 = diabatic states
  ordered by their diagonal energies, 1 = instantaneous eigenstates of H), with parameters
  ``par = (gamma_phi, gamma_1, kT, eta, omega_c, s)`` (all in 1/time):
  pure dephasing ``sqrt(gamma_phi) |k><k|`` for every state k (each coherence decays at
  gamma_phi), relaxation between every pair with total rate gamma_1 split by detailed
  balance ``Gamma_up / Gamma_down = exp(-omega_ij / kT)``, and a bosonic bath coupled
  through the operator X with spectral density ``J(w) = eta w^s w_c^(1-s) exp(-w/w_c)``
  (secular Bloch–Redfield / Davies generator): ``Gamma_{i->j} = 2 pi |X_ji|^2 J(w_ij)
  (n(w_ij) + 1)`` downwards, ``2 pi |X_ji|^2 J(w_ij) n(w_ij)`` upwards, and pure dephasing
  from the zero-frequency noise ``gamma(0) = 2 pi lim_{w->0} J(w) n(w)`` through
  ``sqrt(gamma(0)) sum_i X_ii |i><i|`` (Breuer & Petruccione, *The Theory of Open Quantum
  Systems*, Sec. 3.3).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from .drives import _coef, _next_break
from .magnus import _C1, _C3, omega6_from_nodes
from .stepping import (
    EXPONENT_EMBEDDED,
    EXPONENT_RICHARDSON,
    STATUS_MAX_STEPS,
    STATUS_OK,
    control,
    outside_radius,
    trial_step,
)

BASIS_DIABATIC = 0
BASIS_ADIABATIC = 1

# Pade coefficients (Higham 2005, Table 2.3) and the norm bounds theta_m for double precision
_B3 = np.array([120.0, 60.0, 12.0, 1.0])
_B5 = np.array([30240.0, 15120.0, 3360.0, 420.0, 30.0, 1.0])
_B7 = np.array([17297280.0, 8648640.0, 1995840.0, 277200.0, 25200.0, 1512.0, 56.0, 1.0])
_B9 = np.array(
    [17643225600.0, 8821612800.0, 2075673600.0, 302702400.0, 30270240.0, 2162160.0, 110880.0, 3960.0, 90.0, 1.0]
)
_B13 = np.array(
    [
        64764752532480000.0,
        32382376266240000.0,
        7771770303897600.0,
        1187353796428800.0,
        129060195264000.0,
        10559470521600.0,
        670442572800.0,
        33522128640.0,
        1323241920.0,
        40840800.0,
        960960.0,
        16380.0,
        182.0,
        1.0,
    ]
)
_THETA = (1.495585217958292e-2, 2.539398330063230e-1, 9.504178996162932e-1, 2.097847961257068, 5.371920351148152)


@njit(cache=True, nogil=True)
def _pade_low(a, bcoef):
    """(U, V) of the diagonal Pade approximant of degree len(bcoef)-1 (odd, <= 9)."""
    n = a.shape[0]
    eye = np.eye(n, dtype=a.dtype)
    a2 = a @ a
    u = bcoef[1] * eye
    v = bcoef[0] * eye
    p = eye
    m = bcoef.shape[0] - 1
    for k in range(1, (m - 1) // 2 + 1):
        p = p @ a2
        u = u + bcoef[2 * k + 1] * p
        v = v + bcoef[2 * k] * p
    return a @ u, v


@njit(cache=True, nogil=True)
def expm(a):
    """exp(a) for a general complex square matrix: Pade scaling and squaring (Higham 2005)."""
    nrm = 0.0
    for j in range(a.shape[1]):
        s = 0.0
        for i in range(a.shape[0]):
            s += abs(a[i, j])
        nrm = max(nrm, s)
    s = 0
    if nrm <= _THETA[0]:
        u, v = _pade_low(a, _B3)
    elif nrm <= _THETA[1]:
        u, v = _pade_low(a, _B5)
    elif nrm <= _THETA[2]:
        u, v = _pade_low(a, _B7)
    elif nrm <= _THETA[3]:
        u, v = _pade_low(a, _B9)
    else:
        s = max(0, math.ceil(math.log2(nrm / _THETA[4])))
        x = a / (2.0**s)
        n = a.shape[0]
        eye = np.eye(n, dtype=a.dtype)
        x2 = x @ x
        x4 = x2 @ x2
        x6 = x4 @ x2
        b = _B13
        u = x @ (x6 @ (b[13] * x6 + b[11] * x4 + b[9] * x2) + b[7] * x6 + b[5] * x4 + b[3] * x2 + b[1] * eye)
        v = x6 @ (b[12] * x6 + b[10] * x4 + b[8] * x2) + b[6] * x6 + b[4] * x4 + b[2] * x2 + b[0] * eye
    r = np.ascontiguousarray(np.linalg.solve(v - u, v + u))
    for _ in range(s):
        r = r @ r
    return r


@njit(cache=True, nogil=True)
def _bose(w, kt):
    """Bose occupation n(w) at temperature kT (w > 0)."""
    if kt <= 0.0:
        return 0.0
    x = w / kt
    if x > 700.0:
        return 0.0
    return 1.0 / math.expm1(x)


@njit(cache=True, nogil=True)
def _spectral(w, eta, wc, s):
    """J(w) = eta w^s wc^(1-s) exp(-w/wc) for w >= 0."""
    if w <= 0.0:
        return 0.0
    return eta * w**s * wc ** (1.0 - s) * math.exp(-w / wc)


@njit(cache=True, nogil=True)
def _zero_frequency_noise(eta, wc, s, kt):
    """gamma(0) = 2 pi lim_{w->0} J(w) n(w): finite (2 pi eta kT) for s = 1, zero for s > 1."""
    if eta == 0.0 or kt <= 0.0 or s > 1.0:
        return 0.0
    return 2.0 * math.pi * eta * kt


@njit(cache=True, nogil=True)
def _dynamic_dissipator(hmat, basis, par, xop):
    """Dissipator (N^2 x N^2, diabatic basis) built in the basis of this instant."""
    n = hmat.shape[0]
    n2 = n * n
    gphi, g1, kt, eta, wc, sexp = par[0], par[1], par[2], par[3], par[4], par[5]
    if basis == BASIS_ADIABATIC:
        herm = 0.5 * (hmat + hmat.conj().T)
        evals, u = np.linalg.eigh(herm)
    else:
        evals = np.empty(n)
        for i in range(n):
            evals[i] = hmat[i, i].real
        u = np.eye(n, dtype=np.complex128)
    xe = u.conj().T @ xop @ u  # X in the chosen basis
    d = np.zeros((n2, n2), dtype=np.complex128)
    # transition rates r[i, j] for the jump i -> j
    rates = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            w = evals[i] - evals[j]  # energy released to the environment (1/time)
            aw = abs(w)
            r = 0.0
            if g1 > 0.0:
                # total rate g1 per pair, split by detailed balance
                if w == 0.0:
                    r += 0.5 * g1
                else:
                    boltz = 0.0
                    if kt > 0.0 and aw / kt < 700.0:
                        boltz = math.exp(-aw / kt)
                    down = g1 / (1.0 + boltz)
                    r += down if w > 0.0 else down * boltz
            if eta > 0.0:
                x2 = abs(xe[j, i]) ** 2
                if aw > 1e-12 * (wc + kt):
                    jw = _spectral(aw, eta, wc, sexp)
                    nb = _bose(aw, kt)
                    r += 2.0 * math.pi * x2 * jw * (nb + 1.0 if w > 0.0 else nb)
                else:
                    r += x2 * _zero_frequency_noise(eta, wc, sexp, kt)
            rates[i, j] = r
    for i in range(n):
        for j in range(n):
            r = rates[i, j]
            if r == 0.0:
                continue
            d[j * n + j, i * n + i] += r
            for k in range(n):
                d[i * n + k, i * n + k] -= 0.5 * r
                d[k * n + i, k * n + i] -= 0.5 * r
    g0 = _zero_frequency_noise(eta, wc, sexp, kt) if eta > 0.0 else 0.0
    for j in range(n):
        for k in range(n):
            if j == k:
                continue
            dec = gphi
            if g0 > 0.0:
                dec += 0.5 * g0 * abs(xe[j, j] - xe[k, k]) ** 2
            d[j * n + k, j * n + k] -= dec
    if basis == BASIS_DIABATIC:
        return d
    w_ = np.empty((n2, n2), dtype=np.complex128)  # U kron conj(U)
    for i in range(n):
        for j in range(n):
            for k in range(n):
                for m in range(n):
                    w_[i * n + j, k * n + m] = u[i, k] * np.conj(u[j, m])
    return w_ @ d @ w_.conj().T


@njit(cache=True, nogil=True)
def _generator(a, b, code, fp, t, dconst, dynamic, basis, par, xop):
    n = a.shape[0]
    hm = a + b * _coef(code, fp, t)
    s = dconst.copy()
    for i in range(n):
        for j in range(n):
            hij = hm[i, j]
            for k in range(n):
                # -i (H kron 1): row i*n+k, col j*n+k
                s[i * n + k, j * n + k] += -1j * hij
                # +i (1 kron H^T): row k*n+i, col k*n+j, entry H^T[i, j] = H[j, i]
                s[k * n + i, k * n + j] += 1j * hm[j, i]
    if dynamic:
        s += _dynamic_dissipator(hm, basis, par, xop)
    return s


@njit(cache=True, nogil=True)
def _step_exp(a, b, code, fp, t, h, dconst, dynamic, basis, par, xop):
    k1 = _generator(a, b, code, fp, t + _C1 * h, dconst, dynamic, basis, par, xop)
    k2 = _generator(a, b, code, fp, t + 0.5 * h, dconst, dynamic, basis, par, xop)
    k3 = _generator(a, b, code, fp, t + _C3 * h, dconst, dynamic, basis, par, xop)
    return expm(omega6_from_nodes(k1, k2, k3, h))


@njit(cache=True, nogil=True)
def _run(a, b, code, fp_, dconst, dynamic, basis, par, xop, t_eval, r0, tol, h_init, max_step, max_steps, out):
    fp = (fp_[0], fp_[1])  # as in _run_bloch (one specialisation of the drive-shape functions)
    r = r0.copy()
    t = t_eval[0]
    out[0] = r
    h = h_init
    if h <= 0.0:
        s0 = _generator(a, b, code, fp, t, dconst, dynamic, basis, par, xop)
        h = 1.0 / (math.sqrt(np.sum(np.abs(s0) ** 2)) + 1e-300)
    h = min(h, max_step)
    err_sum = 0.0
    nsteps = 0
    brk = _next_break(code, fp, t)
    for j in range(1, t_eval.shape[0]):
        t_end = t_eval[j]
        while t < t_end:
            brk, last, h_try, t_next = trial_step(t, h, t_end, brk, code, fp)
            hh = 0.5 * h_try
            full = _step_exp(a, b, code, fp, t, h_try, dconst, dynamic, basis, par, xop) @ r
            half = _step_exp(a, b, code, fp, t, hh, dconst, dynamic, basis, par, xop) @ r
            half = _step_exp(a, b, code, fp, t + hh, hh, dconst, dynamic, basis, par, xop) @ half
            err = math.sqrt(np.sum(np.abs(half - full) ** 2)) / 63.0
            accept, h_new = control(err, tol, h_try, h, t, last, max_step, EXPONENT_RICHARDSON, 0.0)
            if accept:
                r = half
                err_sum += err
                nsteps += 1
                t = t_next
                if nsteps >= max_steps:
                    return err_sum, nsteps, STATUS_MAX_STEPS
            h = h_new
        out[j] = r
    return err_sum, nsteps, STATUS_OK


@njit(cache=True, nogil=True)
def _outputs(npts, m, n2):
    out = np.full((npts, m, n2), np.nan + 0j)
    return out, np.empty(npts), np.empty(npts, dtype=np.int64), np.empty(npts, dtype=np.int64)


@njit(cache=True, nogil=True)
def evolve_lindblad(a, b, code, fpar, dconst, dynamic, basis, par, xop, t_eval, r0, tol, h_init, max_step, max_steps):
    """Propagate P independent master equations, one point after the other without the GIL
    (callers run chunks of points on several threads: :func:`lzsm.kernels.threads.run_chunks`).

    a, b: (P, N, N) complex (H = a + b f(t), divided by hbar); code (P,), fpar (P, 2);
    dconst: (P, N^2, N^2) constant dissipator; dynamic: bool, whether the time-dependent
    dissipator is needed; basis: int; par: (P, 6) (gamma_phi, gamma_1, kT, eta, omega_c, s);
    xop: (P, N, N) bath coupling operator; r0: (P, N^2) vec(rho0).
    Returns vec(rho) (P, M, N^2) (NaN where never reached), error estimates, steps, status.
    """
    out, errs, steps, status = _outputs(a.shape[0], t_eval.shape[0], r0.shape[1])
    for p in range(a.shape[0]):
        errs[p], steps[p], status[p] = _run(
            a[p],
            b[p],
            code[p],
            fpar[p],
            dconst[p],
            dynamic,
            basis,
            par[p],
            xop[p],
            t_eval,
            r0[p],
            tol,
            h_init,
            max_step,
            max_steps,
            out[p],
        )
    return out, errs, steps, status


# ============================================================================ two levels
# A qubit's master equation is affine in the Bloch vector, r_k = Tr(sigma_k rho):
#     dr/dt = M(t) r + c(t),   i.e. the 4x4 real generator G = [[M, c], [0, 0]] acting on (r, 1).
# For H = h0 + h.sigma (1/time units): M_H r = 2 h x r.  Dissipators in a basis with unit Bloch
# axis n (the upper state points along n; n = h/|h| for the energy basis, n = sign(h_z) z for the
# diabatic one) and level splitting w = 2|h.n|:
#     dephasing gamma_phi:     M -= gamma_phi (1 - n n^T)
#     down/up rates G_d, G_u:  M -= (G_d + G_u)/2 (1 - n n^T) + (G_d + G_u) n n^T,  c -= (G_d - G_u) n
# (the ground state's Bloch vector is -n).  Constant diabatic collapse operators enter as a
# precomputed constant (M, c).
#
# Every generator, Magnus exponent and exponential here has the affine form (last row zero, or
# (0, 0, 0, 1) for exponentials), so they are carried as 12-tuples, the row-major 3x4 block
# [[M, c]]: products are [[M1 M2, M1 c2]], the Pade system of exp is block triangular, and the
# arithmetic stays in registers.  When the dissipator does not depend on time (diabatic
# dephasing, collapse operators) the generator is G0 + f(t) Gb, and the three commutators of the
# sixth-order Magnus exponent reduce to one, given C = [G0, Gb], [G0, C] and [Gb, C] once per
# point (:func:`_omega_lin`).
#
# Step control: exp(Omega6) is the only exponential of a step; Omega6 - Omega4 (embedded
# fourth-order exponent: Simpson's rule for int G and the leading commutator) bounds the step's
# error to first order for every state, and ||Omega6||_1 <= pi keeps each step inside the radius
# where the Magnus series converges.  (Richardson step doubling, 3 exponentials per step, gave
# error estimates too small by up to 10^3 at rotation angles of 10-20 rad per step, which the
# step controller chose in the far tails of fast sweeps.)


@njit(cache=True, nogil=True)
def _amul(x, y):
    """x y for affine 3x4 tuples: [[Mx My, Mx cy]]."""
    return (
        x[0] * y[0] + x[1] * y[4] + x[2] * y[8],
        x[0] * y[1] + x[1] * y[5] + x[2] * y[9],
        x[0] * y[2] + x[1] * y[6] + x[2] * y[10],
        x[0] * y[3] + x[1] * y[7] + x[2] * y[11],
        x[4] * y[0] + x[5] * y[4] + x[6] * y[8],
        x[4] * y[1] + x[5] * y[5] + x[6] * y[9],
        x[4] * y[2] + x[5] * y[6] + x[6] * y[10],
        x[4] * y[3] + x[5] * y[7] + x[6] * y[11],
        x[8] * y[0] + x[9] * y[4] + x[10] * y[8],
        x[8] * y[1] + x[9] * y[5] + x[10] * y[9],
        x[8] * y[2] + x[9] * y[6] + x[10] * y[10],
        x[8] * y[3] + x[9] * y[7] + x[10] * y[11],
    )


@njit(cache=True, nogil=True)
def _alin(a, x, b, y):
    """a x + b y for 12-tuples."""
    return (
        a * x[0] + b * y[0],
        a * x[1] + b * y[1],
        a * x[2] + b * y[2],
        a * x[3] + b * y[3],
        a * x[4] + b * y[4],
        a * x[5] + b * y[5],
        a * x[6] + b * y[6],
        a * x[7] + b * y[7],
        a * x[8] + b * y[8],
        a * x[9] + b * y[9],
        a * x[10] + b * y[10],
        a * x[11] + b * y[11],
    )


@njit(cache=True, nogil=True)
def _alin3(a, x, b, y, c, z):
    """a x + b y + c z for 12-tuples."""
    return (
        a * x[0] + b * y[0] + c * z[0],
        a * x[1] + b * y[1] + c * z[1],
        a * x[2] + b * y[2] + c * z[2],
        a * x[3] + b * y[3] + c * z[3],
        a * x[4] + b * y[4] + c * z[4],
        a * x[5] + b * y[5] + c * z[5],
        a * x[6] + b * y[6] + c * z[6],
        a * x[7] + b * y[7] + c * z[7],
        a * x[8] + b * y[8] + c * z[8],
        a * x[9] + b * y[9] + c * z[9],
        a * x[10] + b * y[10] + c * z[10],
        a * x[11] + b * y[11] + c * z[11],
    )


@njit(cache=True, nogil=True)
def _acomm(x, y):
    """[x, y] for affine 3x4 tuples."""
    return _alin(1.0, _amul(x, y), -1.0, _amul(y, x))


@njit(cache=True, nogil=True)
def _expm_affine(g):
    """exp([[M, c], [0, 0]]) = [[E, e], [0, 1]] for an affine 3x4 tuple g, returned as [[E, e]].

    Pade scaling and squaring (Higham, SIAM J. Matrix Anal. Appl. 26, 1179 (2005)): degree 3, 5,
    7, 9 or 13 chosen from the 1-norm of the 4x4 matrix, scaling for norms above theta_13.  All
    powers keep the affine form, so the Pade system (b0 + V - U) R = (b0 + V + U) is block
    triangular: E = P^-1 Q and e = 2 P^-1 u_c with the 3x3 blocks P = b0 + V - U, Q = b0 + V + U
    and u_c the last column of U.  P is inverted by its adjugate (for ||X|| <= theta_m the Pade
    denominator is well conditioned, Higham 2005 Sec. 2).  Squaring: [[E, e]]^2 = [[E E, E e + e]].
    """
    nrm = max(
        max(abs(g[0]) + abs(g[4]) + abs(g[8]), abs(g[1]) + abs(g[5]) + abs(g[9])),
        max(abs(g[2]) + abs(g[6]) + abs(g[10]), abs(g[3]) + abs(g[7]) + abs(g[11])),
    )
    sq = 0
    if nrm > _THETA[4]:
        sq = math.ceil(math.log2(nrm / _THETA[4]))
    x = _alin(1.0 / (2.0**sq), g, 0.0, g)
    x2 = _amul(x, x)
    if nrm <= _THETA[0]:
        b = _B3
        u = _alin(b[1], x, b[3], _amul(x, x2))
        v = _alin(b[2], x2, 0.0, x2)
    elif nrm <= _THETA[1]:
        b = _B5
        x4 = _amul(x2, x2)
        u = _alin(b[1], x, 1.0, _amul(x, _alin(b[3], x2, b[5], x4)))
        v = _alin(b[2], x2, b[4], x4)
    elif nrm <= _THETA[2]:
        b = _B7
        x4 = _amul(x2, x2)
        x6 = _amul(x4, x2)
        u = _alin(b[1], x, 1.0, _amul(x, _alin3(b[3], x2, b[5], x4, b[7], x6)))
        v = _alin3(b[2], x2, b[4], x4, b[6], x6)
    elif nrm <= _THETA[3]:
        b = _B9
        x4 = _amul(x2, x2)
        x6 = _amul(x4, x2)
        x8 = _amul(x4, x4)
        u = _alin(b[1], x, 1.0, _amul(x, _alin(1.0, _alin3(b[3], x2, b[5], x4, b[7], x6), b[9], x8)))
        v = _alin(1.0, _alin3(b[2], x2, b[4], x4, b[6], x6), b[8], x8)
    else:
        b = _B13
        x4 = _amul(x2, x2)
        x6 = _amul(x4, x2)
        inner = _amul(x6, _alin3(b[13], x6, b[11], x4, b[9], x2))
        u = _alin(b[1], x, 1.0, _amul(x, _alin(1.0, inner, 1.0, _alin3(b[7], x6, b[5], x4, b[3], x2))))
        inner = _amul(x6, _alin3(b[12], x6, b[10], x4, b[8], x2))
        v = _alin(1.0, inner, 1.0, _alin3(b[6], x6, b[4], x4, b[2], x2))
    b0 = b[0]
    p00, p01, p02 = b0 + v[0] - u[0], v[1] - u[1], v[2] - u[2]
    p10, p11, p12 = v[4] - u[4], b0 + v[5] - u[5], v[6] - u[6]
    p20, p21, p22 = v[8] - u[8], v[9] - u[9], b0 + v[10] - u[10]
    a00 = p11 * p22 - p12 * p21
    a01 = p02 * p21 - p01 * p22
    a02 = p01 * p12 - p02 * p11
    a10 = p12 * p20 - p10 * p22
    a11 = p00 * p22 - p02 * p20
    a12 = p02 * p10 - p00 * p12
    a20 = p10 * p21 - p11 * p20
    a21 = p01 * p20 - p00 * p21
    a22 = p00 * p11 - p01 * p10
    d = 1.0 / (p00 * a00 + p01 * a10 + p02 * a20)
    inv = (a00 * d, a01 * d, a02 * d, 0.0, a10 * d, a11 * d, a12 * d, 0.0, a20 * d, a21 * d, a22 * d, 0.0)
    q = (
        b0 + v[0] + u[0],
        v[1] + u[1],
        v[2] + u[2],
        2.0 * u[3],
        v[4] + u[4],
        b0 + v[5] + u[5],
        v[6] + u[6],
        2.0 * u[7],
        v[8] + u[8],
        v[9] + u[9],
        b0 + v[10] + u[10],
        2.0 * u[11],
    )
    r = _amul(inv, q)
    for _ in range(sq):
        r2 = _amul(r, r)
        r = (r2[0], r2[1], r2[2], r2[3] + r[3], r2[4], r2[5], r2[6], r2[7] + r[7], r2[8], r2[9], r2[10], r2[11] + r[11])
    return r


@njit(cache=True, nogil=True)
def _axis_dissipator(nx, ny, nz, gphi, g_down, g_up):
    """Affine generator of dephasing gamma_phi and down/up rates along the unit Bloch axis n:
    M = -(gamma_phi + (G_d + G_u)/2) (1 - n n^T) - (G_d + G_u) n n^T, c = -(G_d - G_u) n."""
    tr = gphi + 0.5 * (g_down + g_up)
    k = tr - (g_down + g_up)  # coefficient of n n^T
    dl = g_down - g_up
    return (
        -tr + k * nx * nx,
        k * nx * ny,
        k * nx * nz,
        -dl * nx,
        k * ny * nx,
        -tr + k * ny * ny,
        k * ny * nz,
        -dl * ny,
        k * nz * nx,
        k * nz * ny,
        -tr + k * nz * nz,
        -dl * nz,
    )


@njit(cache=True, nogil=True)
def _pair_rates(w, g1, kt, eta, wc, sexp, x01sq):
    """(down, up) rates between two levels split by w > 0: flat gamma_1 with detailed balance
    plus the bath's golden-rule rates 2 pi |X_01|^2 J(w) (n + 1) and 2 pi |X_01|^2 J(w) n."""
    down = 0.0
    up = 0.0
    if g1 > 0.0:
        boltz = 0.0
        if w == 0.0:
            boltz = 1.0
        elif kt > 0.0 and w / kt < 700.0:
            boltz = math.exp(-w / kt)
        down += g1 / (1.0 + boltz)
        up += g1 * boltz / (1.0 + boltz)
    if eta > 0.0 and x01sq > 0.0:
        if w > 1e-12 * (wc + kt):
            jw = _spectral(w, eta, wc, sexp)
            nb = _bose(w, kt)
            down += 2.0 * math.pi * x01sq * jw * (nb + 1.0)
            up += 2.0 * math.pi * x01sq * jw * nb
        else:
            z = x01sq * _zero_frequency_noise(eta, wc, sexp, kt)
            down += z
            up += z
    return down, up


@njit(cache=True, nogil=True)
def _rot(h):
    """Affine generator of dr/dt = 2 h x r for the Pauli vector h = (h0, hx, hy, hz)."""
    return (0.0, -2.0 * h[3], 2.0 * h[2], 0.0, 2.0 * h[3], 0.0, -2.0 * h[1], 0.0, -2.0 * h[2], 2.0 * h[1], 0.0, 0.0)


@njit(cache=True, nogil=True)
def _bloch_generator(a, b, code, fp, t, mc, dynamic, basis, par, xv):
    """Affine Bloch generator at time t as a 3x4 tuple.  a, b: Pauli 4-vectors of H (1/time);
    mc: constant part (tuple); xv: Pauli vector (x0, x) of the bath operator."""
    f = _coef(code, fp, t)
    hx = a[1] + b[1] * f
    hy = a[2] + b[2] * f
    hz = a[3] + b[3] * f
    g = (
        mc[0],
        mc[1] - 2.0 * hz,
        mc[2] + 2.0 * hy,
        mc[3],
        mc[4] + 2.0 * hz,
        mc[5],
        mc[6] - 2.0 * hx,
        mc[7],
        mc[8] - 2.0 * hy,
        mc[9] + 2.0 * hx,
        mc[10],
        mc[11],
    )
    if not dynamic:
        return g
    gphi, g1, kt, eta, wc, sexp = par[0], par[1], par[2], par[3], par[4], par[5]
    if basis == BASIS_ADIABATIC:
        hn = math.sqrt(hx * hx + hy * hy + hz * hz)
        if hn > 0.0:
            nx, ny, nz = hx / hn, hy / hn, hz / hn
        else:
            nx, ny, nz = 0.0, 0.0, 1.0
        w = 2.0 * hn
    else:
        nx, ny = 0.0, 0.0
        nz = 1.0 if hz >= 0.0 else -1.0
        w = 2.0 * abs(hz)
    # bath operator X = x0 + x.sigma in the basis of n: X_00 - X_11 = -2 x.n, |X_01|^2 = |x|^2 - (x.n)^2
    xn = xv[1] * nx + xv[2] * ny + xv[3] * nz
    x01sq = max(0.0, xv[1] ** 2 + xv[2] ** 2 + xv[3] ** 2 - xn * xn)
    down, up = _pair_rates(w, g1, kt, eta, wc, sexp, x01sq)
    deph = gphi
    if eta > 0.0:
        deph += 0.5 * _zero_frequency_noise(eta, wc, sexp, kt) * 4.0 * xn * xn
    return _alin(1.0, g, 1.0, _axis_dissipator(nx, ny, nz, deph, down, up))


@njit(cache=True, nogil=True)
def _bloch_omega(a, b, code, fp, t, h, mc, dynamic, basis, par, xv):
    """Sixth-order Magnus exponent of one step (affine tuple), from the generator at the three
    Gauss nodes (Blanes, Casas & Ros 2000), as :func:`~lzsm.kernels.magnus.omega6_from_nodes`, and its difference to the
    embedded fourth-order exponent (:func:`_run_bloch`)
    Omega4 = (h/6) (G(t) + 4 G(t + h/2) + G(t + h)) - [alpha_1, alpha_2]/12
    (Simpson's rule for the integral of G, the leading commutator of the Magnus series)."""
    k1 = _bloch_generator(a, b, code, fp, t + _C1 * h, mc, dynamic, basis, par, xv)
    k2 = _bloch_generator(a, b, code, fp, t + 0.5 * h, mc, dynamic, basis, par, xv)
    k3 = _bloch_generator(a, b, code, fp, t + _C3 * h, mc, dynamic, basis, par, xv)
    ks = _bloch_generator(a, b, code, fp, t, mc, dynamic, basis, par, xv)
    ke = _bloch_generator(a, b, code, fp, t + h, mc, dynamic, basis, par, xv)
    s2 = math.sqrt(15.0) * h / 3.0
    s3 = 10.0 * h / 3.0
    al1 = _alin(h, k2, 0.0, k2)
    al2 = _alin(s2, k3, -s2, k1)
    al3 = _alin3(s3, k3, -2.0 * s3, k2, s3, k1)
    c1 = _acomm(al1, al2)
    c2 = _acomm(al1, _alin(2.0, al3, 1.0, c1))
    big = _acomm(_alin3(-20.0, al1, -1.0, al3, 1.0, c1), _alin(1.0, al2, -1.0 / 60.0, c2))
    om = _alin3(1.0, al1, 1.0 / 12.0, al3, 1.0 / 240.0, big)
    om4 = _alin3(h / 6.0, _alin(1.0, ks, 1.0, ke), 4.0 * h / 6.0, k2, -1.0 / 12.0, c1)
    return om, _alin(1.0, om, -1.0, om4)


@njit(cache=True, nogil=True)
def _omega_lin(g0, gb, cc, d0, db, fs, f1, f2, f3, fe, h):
    """The same pair for a generator G0 + f(t) Gb (time-independent dissipator), with f at
    the step's ends (fs, fe) and the three Gauss nodes, and C = [G0, Gb], D0 = [G0, C],
    Db = [Gb, C] precomputed: alpha_1 = h (G0 + f2 Gb), alpha_2 = s2 (f3 - f1) Gb,
    alpha_3 = s3 (f3 - 2 f2 + f1) Gb give [alpha_1, alpha_2] = h s2 (f3 - f1) C,
    [alpha_1, alpha_3] = h s3 (f3 - 2 f2 + f1) C and [alpha_1, C] = h (D0 + f2 Db), leaving one
    commutator to evaluate."""
    s2 = math.sqrt(15.0) * h / 3.0
    s3 = 10.0 * h / 3.0
    e2 = s2 * (f3 - f1)
    e3 = s3 * (f3 - 2.0 * f2 + f1)
    al1 = _alin(h, g0, h * f2, gb)
    kc = h * e2  # c1 = kc C
    c2 = _alin3(-2.0 * h * e3 / 60.0, cc, -h * kc / 60.0, d0, -h * kc * f2 / 60.0, db)
    x = _alin3(-20.0, al1, -e3, gb, kc, cc)
    y = _alin(e2, gb, 1.0, c2)
    big = _acomm(x, y)
    om = _alin3(1.0, al1, e3 / 12.0, gb, 1.0 / 240.0, big)
    # Omega6 - Omega4: Gauss minus Simpson quadrature of f (zero for linear f) plus the commutators
    q = h * f2 + e3 / 12.0 - (h / 6.0) * (fs + 4.0 * f2 + fe)
    return om, _alin3(q, gb, kc / 12.0, cc, 1.0 / 240.0, big)


@njit(cache=True, nogil=True)
def _step_omega(lin, a, b, code, fp, t, h, mct, g0, gb, cc, d0, db, dynamic, basis, par, xv):
    """(Omega6, Omega6 - Omega4) of the step [t, t + h]."""
    if lin:
        return _omega_lin(
            g0,
            gb,
            cc,
            d0,
            db,
            _coef(code, fp, t),
            _coef(code, fp, t + _C1 * h),
            _coef(code, fp, t + 0.5 * h),
            _coef(code, fp, t + _C3 * h),
            _coef(code, fp, t + h),
            h,
        )
    return _bloch_omega(a, b, code, fp, t, h, mct, dynamic, basis, par, xv)


@njit(cache=True, nogil=True)
def _apply(m, r0, r1, r2):
    """[[E, e]] (r, 1)."""
    return (
        m[0] * r0 + m[1] * r1 + m[2] * r2 + m[3],
        m[4] * r0 + m[5] * r1 + m[6] * r2 + m[7],
        m[8] * r0 + m[9] * r1 + m[10] * r2 + m[11],
    )


@njit(cache=True, nogil=True)
def _norm1(g):
    """1-norm (largest column sum) of the 4x4 matrix [[M, c], [0, 0]]."""
    return max(
        max(abs(g[0]) + abs(g[4]) + abs(g[8]), abs(g[1]) + abs(g[5]) + abs(g[9])),
        max(abs(g[2]) + abs(g[6]) + abs(g[10]), abs(g[3]) + abs(g[7]) + abs(g[11])),
    )


@njit(cache=True, nogil=True)
def _run_bloch(a_, b_, code, fp_, mc, dynamic, basis, par_, xv_, t_eval, r0, tol, h_init, max_step, max_steps, out):
    """One point.  Each step propagates with exp(Omega6) (one exponential) and estimates its
    local error by the embedded fourth-order exponent: Omega6 - Omega4 = Delta = [[D, d]] moves
    a state by Delta (r, 1) to first order, so the Frobenius error of rho is at most
    (||D||_2 |r| + |d|)/sqrt(2) <= (||D||_F + |d|)/sqrt(2) for every state (|r| <= 1); this
    bound, O(h^5) while the propagated step is O(h^7), is the error estimate compared with tol.
    Steps are further limited to ||Omega6||_1 <= MAGNUS_RADIUS (:func:`~lzsm.kernels.stepping.
    outside_radius`; a rejected step of that kind costs no exponential)."""
    # the point's parameters as tuples (registers: the stores to out cannot alias them)
    a = (a_[0], a_[1], a_[2], a_[3])
    b = (b_[0], b_[1], b_[2], b_[3])
    fp = (fp_[0], fp_[1])
    par = (par_[0], par_[1], par_[2], par_[3], par_[4], par_[5])
    xv = (xv_[0], xv_[1], xv_[2], xv_[3])
    x0, x1, x2 = r0[0], r0[1], r0[2]
    t = t_eval[0]
    out[0, 0], out[0, 1], out[0, 2] = x0, x1, x2
    mct = (
        mc[0, 0],
        mc[0, 1],
        mc[0, 2],
        mc[0, 3],
        mc[1, 0],
        mc[1, 1],
        mc[1, 2],
        mc[1, 3],
        mc[2, 0],
        mc[2, 1],
        mc[2, 2],
        mc[2, 3],
    )
    lin = not dynamic
    g0 = _alin(1.0, mct, 1.0, _rot(a))
    gb = _rot(b)
    cc = _acomm(g0, gb)
    d0 = _acomm(g0, cc)
    db = _acomm(gb, cc)
    h = h_init
    if h <= 0.0:
        g = _bloch_generator(a, b, code, fp, t, mct, dynamic, basis, par, xv)
        s = 0.0
        for k in range(12):
            s += g[k] * g[k]
        h = 1.0 / (math.sqrt(s) + 1e-300)
    h = min(h, max_step)
    err_sum = 0.0
    nsteps = 0
    brk = _next_break(code, fp, t)
    for j in range(1, t_eval.shape[0]):
        t_end = t_eval[j]
        while t < t_end:
            brk, last, h_try, t_next = trial_step(t, h, t_end, brk, code, fp)
            om, dl = _step_omega(lin, a, b, code, fp, t, h_try, mct, g0, gb, cc, d0, db, dynamic, basis, par, xv)
            nrm = _norm1(om)
            h_short = outside_radius(nrm, h_try, t)
            if h_short > 0.0:
                h = h_short
                continue
            sm = 0.0
            for k in (0, 1, 2, 4, 5, 6, 8, 9, 10):
                sm += dl[k] * dl[k]
            err = (math.sqrt(sm) + math.sqrt(dl[3] * dl[3] + dl[7] * dl[7] + dl[11] * dl[11])) / math.sqrt(2.0)
            # order-5 estimate; the next step also stays inside the radius (saves a rejected try)
            accept, h_new = control(err, tol, h_try, h, t, last, max_step, EXPONENT_EMBEDDED, nrm)
            if accept:
                x0, x1, x2 = _apply(_expm_affine(om), x0, x1, x2)
                err_sum += err
                nsteps += 1
                t = t_next
                if nsteps >= max_steps:
                    return err_sum, nsteps, STATUS_MAX_STEPS
            h = h_new
        out[j, 0], out[j, 1], out[j, 2] = x0, x1, x2
    return err_sum, nsteps, STATUS_OK


@njit(cache=True, nogil=True)
def _outputs_bloch(npts, m):
    out = np.full((npts, m, 3), np.nan)
    return out, np.empty(npts), np.empty(npts, dtype=np.int64), np.empty(npts, dtype=np.int64)


@njit(cache=True, nogil=True)
def evolve_bloch(a, b, code, fpar, mc, dynamic, basis, par, xv, t_eval, r0, tol, h_init, max_step, max_steps):
    """Two-level master equations on the Bloch vector, one point after the other without the
    GIL (as :func:`evolve_lindblad`).

    a, b: (P, 4) Pauli vectors of H/hbar; mc: (P, 4, 4) constant affine dissipator; par:
    (P, 6); xv: (P, 4) Pauli vector of the bath operator; r0: (P, 3) Bloch vectors.
    Returns Bloch vectors (P, M, 3), error estimates, steps, status."""
    out, errs, steps, status = _outputs_bloch(a.shape[0], t_eval.shape[0])
    for p in range(a.shape[0]):
        errs[p], steps[p], status[p] = _run_bloch(
            a[p],
            b[p],
            code[p],
            fpar[p],
            mc[p],
            dynamic,
            basis,
            par[p],
            xv[p],
            t_eval,
            r0[p],
            tol,
            h_init,
            max_step,
            max_steps,
            out[p],
        )
    return out, errs, steps, status
