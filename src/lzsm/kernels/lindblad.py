"""Compiled sixth-order Magnus propagation of the Lindblad master equation.

The density matrix is carried as a row-major vector ``r = vec(rho)`` (``r[i N + j] =
rho_ij``), so that ``vec(A rho B) = (A kron B^T) vec(rho)`` and the master equation

    d rho/dt = -i [H, rho] + sum_k (L_k rho L_k^+ - 1/2 {L_k^+ L_k, rho})

(hbar folded into H and the rates) becomes ``dr/dt = S(t) r`` with the Liouvillian

    S = -i (H kron 1 - 1 kron H^T) + sum_k (L_k kron L_k^* - 1/2 (L_k^+ L_k) kron 1
                                            - 1/2 1 kron (L_k^+ L_k)^T).

``S(t)`` is integrated with the same sixth-order Magnus scheme on three Gauss–Legendre
nodes as the coherent kernels (Blanes, Casas & Ros, BIT 40, 434 (2000)), with
``exp(Omega)`` by Pade-13 scaling and squaring (Higham, SIAM J. Matrix Anal. Appl. 26,
1179 (2005)).  Every commutator of trace-preserving, Hermiticity-preserving generators is
again both, so each step preserves the trace and the Hermiticity of rho to rounding;
positivity holds to the local error tolerance.  Step control: Richardson step doubling as in
:mod:`lzsm.kernels.magnus` (Frobenius norm of rho).

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
from numba import njit, prange

from .magnus import STATUS_MAX_STEPS, STATUS_OK, _C1, _C3, _coef, _next_break, _next_step

BASIS_DIABATIC = 0
BASIS_ADIABATIC = 1

# Pade coefficients (Higham 2005, Table 2.3) and the norm bounds theta_m for double precision
_B3 = np.array([120.0, 60.0, 12.0, 1.0])
_B5 = np.array([30240.0, 15120.0, 3360.0, 420.0, 30.0, 1.0])
_B7 = np.array([17297280.0, 8648640.0, 1995840.0, 277200.0, 25200.0, 1512.0, 56.0, 1.0])
_B9 = np.array([17643225600.0, 8821612800.0, 2075673600.0, 302702400.0, 30270240.0, 2162160.0,
                110880.0, 3960.0, 90.0, 1.0])
_B13 = np.array([64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0,
                 129060195264000.0, 10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0,
                 40840800.0, 960960.0, 16380.0, 182.0, 1.0])
_THETA = (1.495585217958292e-2, 2.539398330063230e-1, 9.504178996162932e-1, 2.097847961257068,
          5.371920351148152)


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
    if nrm <= _THETA[0]:
        u, v = _pade_low(a, _B3)
        return np.linalg.solve(v - u, v + u)
    if nrm <= _THETA[1]:
        u, v = _pade_low(a, _B5)
        return np.linalg.solve(v - u, v + u)
    if nrm <= _THETA[2]:
        u, v = _pade_low(a, _B7)
        return np.linalg.solve(v - u, v + u)
    if nrm <= _THETA[3]:
        u, v = _pade_low(a, _B9)
        return np.linalg.solve(v - u, v + u)
    s = max(0, int(math.ceil(math.log2(nrm / _THETA[4]))))
    x = a / (2.0 ** s)
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
def _comm(x, y):
    return x @ y - y @ x


@njit(cache=True, nogil=True)
def _omega6(k1, k2, k3, h):
    """Sixth-order Magnus exponent from the generator at the three Gauss nodes."""
    al1 = h * k2
    al2 = (math.sqrt(15.0) * h / 3.0) * (k3 - k1)
    al3 = (10.0 * h / 3.0) * (k3 - 2.0 * k2 + k1)
    c1 = _comm(al1, al2)
    c2 = (-1.0 / 60.0) * _comm(al1, 2.0 * al3 + c1)
    big = _comm(-20.0 * al1 - al3 + c1, al2 + c2) / 240.0
    return al1 + al3 / 12.0 + big


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
    return eta * w ** s * wc ** (1.0 - s) * math.exp(-w / wc)


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
    return expm(_omega6(k1, k2, k3, h))


@njit(cache=True, nogil=True)
def _run(a, b, code, fp, dconst, dynamic, basis, par, xop, t_eval, r0, tol, h_init, max_step, max_steps, out):
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
            while brk <= t:
                brk = _next_break(code, fp, t)
            stop = min(t_end, brk)
            last = t + h >= stop
            h_try = stop - t if last else h
            hh = 0.5 * h_try
            full = _step_exp(a, b, code, fp, t, h_try, dconst, dynamic, basis, par, xop) @ r
            half = _step_exp(a, b, code, fp, t, hh, dconst, dynamic, basis, par, xop) @ r
            half = _step_exp(a, b, code, fp, t + hh, hh, dconst, dynamic, basis, par, xop) @ half
            err = math.sqrt(np.sum(np.abs(half - full) ** 2)) / 63.0
            if err <= tol or h_try <= 1e-14 * (abs(t) + 1.0):
                r = half
                err_sum += err
                nsteps += 1
                t = stop if last else t + h_try
                h = _next_step(err, tol, h_try, h, last, max_step)
                if nsteps >= max_steps:
                    return err_sum, nsteps, STATUS_MAX_STEPS
            else:
                h = _next_step(err, tol, h_try, h, last, max_step)
        out[j] = r
    return err_sum, nsteps, STATUS_OK


@njit(cache=True)
def _outputs(npts, m, n2):
    out = np.full((npts, m, n2), np.nan + 0j)
    return out, np.empty(npts), np.empty(npts, dtype=np.int64), np.empty(npts, dtype=np.int64)


@njit(cache=True, parallel=True)
def evolve_lindblad(a, b, code, fpar, dconst, dynamic, basis, par, xop, t_eval, r0, tol, h_init, max_step,
                    max_steps):
    """Propagate P independent master equations, one parameter point per thread.

    a, b: (P, N, N) complex (H = a + b f(t), divided by hbar); code (P,), fpar (P, 2);
    dconst: (P, N^2, N^2) constant dissipator; dynamic: bool, whether the time-dependent
    dissipator is needed; basis: int; par: (P, 6) (gamma_phi, gamma_1, kT, eta, omega_c, s);
    xop: (P, N, N) bath coupling operator; r0: (P, N^2) vec(rho0).
    Returns vec(rho) (P, M, N^2) (NaN where never reached), error estimates, steps, status.
    """
    out, errs, steps, status = _outputs(a.shape[0], t_eval.shape[0], r0.shape[1])
    for p in prange(a.shape[0]):
        errs[p], steps[p], status[p] = _run(a[p], b[p], code[p], fpar[p], dconst[p], dynamic, basis, par[p],
                                            xop[p], t_eval, r0[p], tol, h_init, max_step, max_steps, out[p])
    return out, errs, steps, status


@njit(cache=True)
def evolve_lindblad_serial(a, b, code, fpar, dconst, dynamic, basis, par, xop, t_eval, r0, tol, h_init, max_step,
                           max_steps):
    """:func:`evolve_lindblad` on one thread (for a handful of points)."""
    out, errs, steps, status = _outputs(a.shape[0], t_eval.shape[0], r0.shape[1])
    for p in range(a.shape[0]):
        errs[p], steps[p], status[p] = _run(a[p], b[p], code[p], fpar[p], dconst[p], dynamic, basis, par[p],
                                            xop[p], t_eval, r0[p], tol, h_init, max_step, max_steps, out[p])
    return out, errs, steps, status


# ============================================================================ two levels
# A qubit's master equation is affine in the Bloch vector, r_k = Tr(sigma_k rho):
#     dr/dt = M(t) r + c(t),   carried as the 4x4 real matrix G = [[M, c], [0, 0]]
# acting on (r, 1).  For H = h0 + h.sigma (1/time units): M_H r = 2 h x r.  Dissipators in a
# basis with unit Bloch axis n (the upper state points along n; n = h/|h| for the energy basis,
# n = sign(h_z) z for the diabatic one) and level splitting w = 2|h.n|:
#     dephasing gamma_phi:     M -= gamma_phi (1 - n n^T)
#     down/up rates G_d, G_u:  M -= (G_d + G_u)/2 (1 - n n^T) + (G_d + G_u) n n^T,  c -= (G_d - G_u) n
# (the ground state's Bloch vector is -n).  Constant diabatic collapse operators enter as a
# precomputed constant (M, c).


@njit(cache=True, nogil=True, inline="always")
def _mm4(x, y, out):
    for i in range(4):
        for j in range(4):
            s = 0.0
            for k in range(4):
                s += x[i, k] * y[k, j]
            out[i, j] = s


@njit(cache=True, nogil=True)
def _comm4(x, y, out, tmp):
    _mm4(x, y, out)
    _mm4(y, x, tmp)
    for i in range(4):
        for j in range(4):
            out[i, j] -= tmp[i, j]


@njit(cache=True, nogil=True)
def _solve4(a, b, out):
    """Solve a X = b (4x4) by Gaussian elimination with partial pivoting; a and b are overwritten."""
    for c in range(4):
        p = c
        big = abs(a[c, c])
        for r in range(c + 1, 4):
            if abs(a[r, c]) > big:
                big = abs(a[r, c])
                p = r
        if p != c:
            for k in range(4):
                a[c, k], a[p, k] = a[p, k], a[c, k]
                b[c, k], b[p, k] = b[p, k], b[c, k]
        inv = 1.0 / a[c, c]
        for r in range(c + 1, 4):
            f = a[r, c] * inv
            if f != 0.0:
                for k in range(c, 4):
                    a[r, k] -= f * a[c, k]
                for k in range(4):
                    b[r, k] -= f * b[c, k]
    for k in range(4):
        for r in range(3, -1, -1):
            s = b[r, k]
            for q in range(r + 1, 4):
                s -= a[r, q] * out[q, k]
            out[r, k] = s / a[r, r]


@njit(cache=True, nogil=True)
def _expm4(g, out, w):
    """exp(g) for a real 4x4 matrix (Pade 9 or 13 with scaling and squaring); w: scratch (8, 4, 4)."""
    nrm = 0.0
    for j in range(4):
        s = 0.0
        for i in range(4):
            s += abs(g[i, j])
        nrm = max(nrm, s)
    sq = 0
    if nrm > _THETA[3]:
        sq = max(0, int(math.ceil(math.log2(nrm / _THETA[3]))))
    scale = 1.0 / (2.0 ** sq)
    x = w[0]
    for i in range(4):
        for j in range(4):
            x[i, j] = g[i, j] * scale
    x2, u, v, p, tmp, lhs = w[1], w[2], w[3], w[4], w[5], w[6]
    _mm4(x, x, x2)
    bc = _B9
    for i in range(4):
        for j in range(4):
            e = 1.0 if i == j else 0.0
            u[i, j] = bc[1] * e
            v[i, j] = bc[0] * e
            p[i, j] = e
    for k in range(1, 5):
        _mm4(p, x2, tmp)
        for i in range(4):
            for j in range(4):
                p[i, j] = tmp[i, j]
                u[i, j] += bc[2 * k + 1] * tmp[i, j]
                v[i, j] += bc[2 * k] * tmp[i, j]
    _mm4(x, u, tmp)  # U = x * (odd polynomial)
    for i in range(4):
        for j in range(4):
            lhs[i, j] = v[i, j] - tmp[i, j]
            p[i, j] = v[i, j] + tmp[i, j]
    _solve4(lhs, p, out)
    for _ in range(sq):
        _mm4(out, out, tmp)
        for i in range(4):
            for j in range(4):
                out[i, j] = tmp[i, j]


@njit(cache=True, nogil=True)
def _add_axis_dissipator(g, nx, ny, nz, gphi, g_down, g_up):
    """Add dephasing gamma_phi and rates down/up along the Bloch axis n to the affine generator g."""
    n = (nx, ny, nz)
    tr = gphi + 0.5 * (g_down + g_up)
    lo = g_down + g_up
    for i in range(3):
        for j in range(3):
            nn = n[i] * n[j]
            g[i, j] -= tr * ((1.0 if i == j else 0.0) - nn) + lo * nn
        g[i, 3] -= (g_down - g_up) * n[i]


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
def _bloch_generator(a, b, code, fp, t, mc, dynamic, basis, par, xv, g):
    """Affine Bloch generator at time t into g (4x4).  a, b: Pauli 4-vectors of H (1/time);
    mc: constant part (4x4); xv: Pauli vector (x0, x) of the bath operator."""
    f = _coef(code, fp, t)
    hx = a[1] + b[1] * f
    hy = a[2] + b[2] * f
    hz = a[3] + b[3] * f
    for i in range(4):
        for j in range(4):
            g[i, j] = mc[i, j]
    # 2 h x r
    g[0, 1] -= 2.0 * hz
    g[0, 2] += 2.0 * hy
    g[1, 0] += 2.0 * hz
    g[1, 2] -= 2.0 * hx
    g[2, 0] -= 2.0 * hy
    g[2, 1] += 2.0 * hx
    if not dynamic:
        return
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
    _add_axis_dissipator(g, nx, ny, nz, deph, down, up)


@njit(cache=True, nogil=True)
def _bloch_omega(a, b, code, fp, t, h, mc, dynamic, basis, par, xv, w, out):
    """Sixth-order Magnus exponent of one step into out; w: scratch (12, 4, 4)."""
    k1, k2, k3 = w[8], w[9], w[10]
    _bloch_generator(a, b, code, fp, t + _C1 * h, mc, dynamic, basis, par, xv, k1)
    _bloch_generator(a, b, code, fp, t + 0.5 * h, mc, dynamic, basis, par, xv, k2)
    _bloch_generator(a, b, code, fp, t + _C3 * h, mc, dynamic, basis, par, xv, k3)
    al1, al2, al3, c1, tmp = w[0], w[1], w[2], w[3], w[4]
    s2 = math.sqrt(15.0) * h / 3.0
    s3 = 10.0 * h / 3.0
    for i in range(4):
        for j in range(4):
            al1[i, j] = h * k2[i, j]
            al2[i, j] = s2 * (k3[i, j] - k1[i, j])
            al3[i, j] = s3 * (k3[i, j] - 2.0 * k2[i, j] + k1[i, j])
    _comm4(al1, al2, c1, tmp)
    x, c2 = w[5], w[6]
    for i in range(4):
        for j in range(4):
            x[i, j] = 2.0 * al3[i, j] + c1[i, j]
    _comm4(al1, x, c2, tmp)
    y = w[7]
    for i in range(4):
        for j in range(4):
            x[i, j] = -20.0 * al1[i, j] - al3[i, j] + c1[i, j]
            y[i, j] = al2[i, j] - c2[i, j] / 60.0
    _comm4(x, y, out, tmp)
    for i in range(4):
        for j in range(4):
            out[i, j] = al1[i, j] + al3[i, j] / 12.0 + out[i, j] / 240.0


@njit(cache=True, nogil=True)
def _apply4(m, r, out):
    for i in range(3):
        out[i] = m[i, 0] * r[0] + m[i, 1] * r[1] + m[i, 2] * r[2] + m[i, 3]


@njit(cache=True, nogil=True)
def _run_bloch(a, b, code, fp, mc, dynamic, basis, par, xv, t_eval, r0, tol, h_init, max_step, max_steps, out):
    r = r0.copy()
    full = np.empty(3)
    half = np.empty(3)
    mid = np.empty(3)
    w = np.empty((12, 4, 4))
    we = np.empty((8, 4, 4))
    om = np.empty((4, 4))
    ex = np.empty((4, 4))
    t = t_eval[0]
    out[0, :] = r
    h = h_init
    if h <= 0.0:
        _bloch_generator(a, b, code, fp, t, mc, dynamic, basis, par, xv, om)
        h = 1.0 / (math.sqrt(np.sum(om ** 2)) + 1e-300)
    h = min(h, max_step)
    err_sum = 0.0
    nsteps = 0
    brk = _next_break(code, fp, t)
    for j in range(1, t_eval.shape[0]):
        t_end = t_eval[j]
        while t < t_end:
            while brk <= t:
                brk = _next_break(code, fp, t)
            stop = min(t_end, brk)
            last = t + h >= stop
            h_try = stop - t if last else h
            hh = 0.5 * h_try
            _bloch_omega(a, b, code, fp, t, h_try, mc, dynamic, basis, par, xv, w, om)
            _expm4(om, ex, we)
            _apply4(ex, r, full)
            _bloch_omega(a, b, code, fp, t, hh, mc, dynamic, basis, par, xv, w, om)
            _expm4(om, ex, we)
            _apply4(ex, r, mid)
            _bloch_omega(a, b, code, fp, t + hh, hh, mc, dynamic, basis, par, xv, w, om)
            _expm4(om, ex, we)
            _apply4(ex, mid, half)
            # Frobenius norm of the rho difference is |dr| / sqrt(2)
            err = math.sqrt(0.5 * ((half[0] - full[0]) ** 2 + (half[1] - full[1]) ** 2
                                   + (half[2] - full[2]) ** 2)) / 63.0
            if err <= tol or h_try <= 1e-14 * (abs(t) + 1.0):
                r[0], r[1], r[2] = half[0], half[1], half[2]
                err_sum += err
                nsteps += 1
                t = stop if last else t + h_try
                h = _next_step(err, tol, h_try, h, last, max_step)
                if nsteps >= max_steps:
                    return err_sum, nsteps, STATUS_MAX_STEPS
            else:
                h = _next_step(err, tol, h_try, h, last, max_step)
        out[j, :] = r
    return err_sum, nsteps, STATUS_OK


@njit(cache=True)
def _outputs_bloch(npts, m):
    out = np.full((npts, m, 3), np.nan)
    return out, np.empty(npts), np.empty(npts, dtype=np.int64), np.empty(npts, dtype=np.int64)


@njit(cache=True, parallel=True)
def evolve_bloch(a, b, code, fpar, mc, dynamic, basis, par, xv, t_eval, r0, tol, h_init, max_step, max_steps):
    """Two-level master equations on the Bloch vector, one parameter point per thread.

    a, b: (P, 4) Pauli vectors of H/hbar; mc: (P, 4, 4) constant affine dissipator; par:
    (P, 6); xv: (P, 4) Pauli vector of the bath operator; r0: (P, 3) Bloch vectors.
    Returns Bloch vectors (P, M, 3), error estimates, steps, status."""
    out, errs, steps, status = _outputs_bloch(a.shape[0], t_eval.shape[0])
    for p in prange(a.shape[0]):
        errs[p], steps[p], status[p] = _run_bloch(a[p], b[p], code[p], fpar[p], mc[p], dynamic, basis, par[p],
                                                  xv[p], t_eval, r0[p], tol, h_init, max_step, max_steps, out[p])
    return out, errs, steps, status


@njit(cache=True)
def evolve_bloch_serial(a, b, code, fpar, mc, dynamic, basis, par, xv, t_eval, r0, tol, h_init, max_step,
                        max_steps):
    """:func:`evolve_bloch` on one thread."""
    out, errs, steps, status = _outputs_bloch(a.shape[0], t_eval.shape[0])
    for p in range(a.shape[0]):
        errs[p], steps[p], status[p] = _run_bloch(a[p], b[p], code[p], fpar[p], mc[p], dynamic, basis, par[p],
                                                  xv[p], t_eval, r0[p], tol, h_init, max_step, max_steps, out[p])
    return out, errs, steps, status
