"""Compiled ensembles of mixed quantum–classical trajectories on one nuclear coordinate.

One trajectory per (incident momentum, trajectory index); the ensemble runs on several threads
(:mod:`lzsm.kernels.threads`), each trajectory with its own random stream derived from (seed, momentum index,
trajectory index), so the numbers never depend on the number of threads.

Potential
    The diabatic potential ``V(x)`` (N x N, real symmetric) is tabulated with its exact gradient
    on a uniform grid and interpolated by cubic Hermite polynomials in each cell; the gradient
    used for the forces is the derivative of that same interpolant, so the classical energy is
    conserved on the interpolated surface to the accuracy of velocity Verlet.

Electronic amplitudes
    Integrated in the diabatic basis (the model's own representation, free of derivative-coupling
    spikes and trivial-crossing problems) with the fourth-order Magnus propagator on every nuclear
    step (Blanes, Casas, Oteo & Ros, Phys. Rep. 470, 151 (2009)), the Hamiltonian being sampled
    at the two Gauss nodes of the Verlet path ``x(t + s) = x + v s + a s^2 / 2``:

    .. math::  U = e^{-iG}, \\qquad G = \\frac{dt}{\\hbar}\\,\\frac{H_1 + H_2}{2}
               - i\\,\\frac{\\sqrt3\\, dt^2}{12\\hbar^2}\\,[H_2, H_1].

    The exponential is exact (closed form for two states, Hermitian eigendecomposition
    otherwise), so the step is unitary.  Adiabatic amplitudes are ``c_ad = U_ad(x)^T c_d``.

Fewest switches (Tully, J. Chem. Phys. 93, 1061 (1990)), integrated over a step as in the
local-diabatisation scheme of Granucci, Persico & Toniolo (J. Chem. Phys. 114, 10608 (2001)):
with the step propagator in the adiabatic basis ``T = U_ad(t+dt)^T U U_ad(t)`` and active
state a,

.. math::  g_{ab} = \\frac{\\rho_{aa}(t) - \\rho_{aa}(t+dt)}{\\rho_{aa}(t)}\\,
           \\frac{\\mathrm{Re}\\,[c_b(t+dt)\\, T_{ba}^*\\, c_a^*(t)]}
                {\\rho_{aa}(t) - \\mathrm{Re}\\,[c_a(t+dt)\\, T_{aa}^*\\, c_a^*(t)]},

zero when rho_aa grows and clipped at zero; the g_ab add up to the net population loss of the
active state (the fewest-switches probability), are invariant to the signs of the adiabatic
states and need no derivative couplings.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from .rng import _normal_pair, _seed_state, _uniform

METHOD_FSSH = 0
METHOD_LZSH = 1
METHOD_EHRENFEST = 2

DECOHERENCE_NONE = 0
DECOHERENCE_EDC = 1

FRUSTRATED_KEEP = 0
FRUSTRATED_REVERSE = 1

SAMPLING_FIXED = 0
SAMPLING_WIGNER = 1

OUTCOME_REFLECTED = 0
OUTCOME_TRANSMITTED = 1
OUTCOME_UNFINISHED = 2

# integer outputs per trajectory
I_OUTCOME = 0
I_STATE = 1
I_HOPS = 2
I_FRUSTRATED = 3
N_INT = 4
# float outputs per trajectory (followed by the N final adiabatic populations)
F_ENERGY_ERROR = 0
F_X = 1
F_P = 2
F_TIME = 3
N_FLOAT = 4

_SQ3 = math.sqrt(3.0)
_C1 = 0.5 - _SQ3 / 6.0
_C2 = 0.5 + _SQ3 / 6.0


# ----------------------------------------------------------------------------- potential table
@njit(cache=True, nogil=True)
def _interp(x, gx0, gh, vt, dvt, v, dv, want_dv):
    """Cubic Hermite interpolation of V (and its derivative) at x, written into v (and dv)."""
    n_grid = vt.shape[0]
    n = vt.shape[1]
    s = (x - gx0) / gh
    i = int(math.floor(s))  # noqa: RUF046 (explicit for numba)
    if i < 0:
        i = 0
    elif i > n_grid - 2:
        i = n_grid - 2
    t = s - i
    if t < 0.0:
        t = 0.0
    elif t > 1.0:
        t = 1.0
    t2 = t * t
    t3 = t2 * t
    h00 = 2.0 * t3 - 3.0 * t2 + 1.0
    h10 = (t3 - 2.0 * t2 + t) * gh
    h01 = -2.0 * t3 + 3.0 * t2
    h11 = (t3 - t2) * gh
    d00 = (6.0 * t2 - 6.0 * t) / gh
    d10 = 3.0 * t2 - 4.0 * t + 1.0
    d01 = -d00
    d11 = 3.0 * t2 - 2.0 * t
    for a in range(n):
        for b in range(a, n):
            va = vt[i, a, b]
            vb = vt[i + 1, a, b]
            ga = dvt[i, a, b]
            gb = dvt[i + 1, a, b]
            val = h00 * va + h10 * ga + h01 * vb + h11 * gb
            v[a, b] = val
            v[b, a] = val
            if want_dv:
                der = d00 * va + d10 * ga + d01 * vb + d11 * gb
                dv[a, b] = der
                dv[b, a] = der


@njit(cache=True, nogil=True)
def _eig_sym(v, e, u):
    """Eigenvalues (ascending) and eigenvectors (columns) of a real symmetric matrix."""
    n = v.shape[0]
    if n == 2:
        a = v[0, 0]
        d = v[1, 1]
        b = v[0, 1]
        mean = 0.5 * (a + d)
        half = 0.5 * (a - d)
        r = math.sqrt(half * half + b * b)
        e[0] = mean - r
        e[1] = mean + r
        theta = 0.5 * math.atan2(b, half)
        c = math.cos(theta)
        s = math.sin(theta)
        # upper: (c, s); lower: (-s, c)   (docs/conventions.md mixing angle for b >= 0)
        u[0, 0] = -s
        u[1, 0] = c
        u[0, 1] = c
        u[1, 1] = s
        return
    w, q = np.linalg.eigh(v)
    for i in range(n):
        e[i] = w[i]
        for j in range(n):
            u[j, i] = q[j, i]


@njit(cache=True, nogil=True)
def _magnus_step(h1, h2, dt, hbar, prop):
    """Fourth-order Magnus propagator exp(-i G) for real symmetric H_1, H_2 (Gauss nodes)."""
    n = h1.shape[0]
    s = _SQ3 * dt * dt / (12.0 * hbar * hbar)
    f = dt / hbar
    if n == 2:
        g0 = 0.25 * f * (h1[0, 0] + h2[0, 0] + h1[1, 1] + h2[1, 1])
        gz = 0.25 * f * (h1[0, 0] + h2[0, 0] - h1[1, 1] - h2[1, 1])
        gx = 0.5 * f * (h1[0, 1] + h2[0, 1])
        # [H2, H1]_{01} (real antisymmetric commutator)
        c01 = (h2[0, 0] * h1[0, 1] + h2[0, 1] * h1[1, 1]) - (h1[0, 0] * h2[0, 1] + h1[0, 1] * h2[1, 1])
        gy = s * c01
        g = math.sqrt(gx * gx + gy * gy + gz * gz)
        cg = math.cos(g)
        sg = math.sin(g) / g if g > 1e-300 else 1.0
        ph = complex(math.cos(g0), -math.sin(g0))
        # exp(-i g.sigma) = cos g - i sin g (n.sigma)
        prop[0, 0] = ph * complex(cg, -sg * gz)
        prop[1, 1] = ph * complex(cg, sg * gz)
        prop[0, 1] = ph * complex(-sg * gy, -sg * gx)
        prop[1, 0] = ph * complex(sg * gy, -sg * gx)
        return
    gm = np.empty((n, n), dtype=np.complex128)
    for a in range(n):
        for b in range(n):
            comm = 0.0
            for k in range(n):
                comm += h2[a, k] * h1[k, b] - h1[a, k] * h2[k, b]
            gm[a, b] = complex(0.5 * f * (h1[a, b] + h2[a, b]), -s * comm)
    w, q = np.linalg.eigh(gm)
    for a in range(n):
        for b in range(n):
            acc = 0.0 + 0.0j
            for k in range(n):
                acc += q[a, k] * complex(math.cos(w[k]), -math.sin(w[k])) * q[b, k].conjugate()
            prop[a, b] = acc


@njit(cache=True, nogil=True)
def _mat_vec(m, x, out):
    n = m.shape[0]
    for a in range(n):
        acc = 0.0 + 0.0j
        for b in range(n):
            acc += m[a, b] * x[b]
        out[a] = acc


@njit(cache=True, nogil=True)
def _to_adiabatic(u, cd, ca):
    n = u.shape[0]
    for i in range(n):
        acc = 0.0 + 0.0j
        for j in range(n):
            acc += u[j, i] * cd[j]
        ca[i] = acc


@njit(cache=True, nogil=True)
def _to_diabatic(u, ca, cd):
    n = u.shape[0]
    for j in range(n):
        acc = 0.0 + 0.0j
        for i in range(n):
            acc += u[j, i] * ca[i]
        cd[j] = acc


@njit(cache=True, nogil=True)
def _state_force(u, dv, a):
    """-<a|dV/dx|a> (Hellmann–Feynman) for the real adiabatic state a."""
    n = u.shape[0]
    acc = 0.0
    for i in range(n):
        for j in range(n):
            acc += u[i, a] * dv[i, j] * u[j, a]
    return -acc


@njit(cache=True, nogil=True)
def _mean_field(cd, v, dv):
    """Ehrenfest energy <c|V|c> and force -<c|dV/dx|c> for a normalised diabatic vector."""
    n = v.shape[0]
    en = 0.0
    fo = 0.0
    for i in range(n):
        for j in range(n):
            w = (cd[i].conjugate() * cd[j]).real
            en += w * v[i, j]
            fo -= w * dv[i, j]
    return en, fo


@njit(cache=True, nogil=True)
def _rescale(p, mass, de):
    """Momentum after changing the potential energy by de along x (1-D: the NAC direction).

    Returns (new p, allowed)."""
    kin = p * p / (2.0 * mass) - de
    if kin < 0.0:
        return p, False
    pn = math.sqrt(2.0 * mass * kin)
    return (pn if p >= 0.0 else -pn), True


# ----------------------------------------------------------------------------- one trajectory
@njit(cache=True, nogil=True)
def _trajectory(
    gx0,
    gh,
    vt,
    dvt,
    method,
    decoherence,
    edc_c,
    frustrated,
    mass,
    hbar,
    dt,
    x_left,
    x_right,
    max_steps,
    x_start,
    k0,
    sampling,
    sigma_x,
    sigma_p,
    state0,
    st,
    out_i,
    out_f,
):
    n = vt.shape[1]
    v = np.zeros((n, n))
    dv = np.zeros((n, n))
    h1 = np.zeros((n, n))
    h2 = np.zeros((n, n))
    e = np.zeros(n)
    u = np.zeros((n, n))
    e_new = np.zeros(n)
    u_new = np.zeros((n, n))
    prop = np.zeros((n, n), dtype=np.complex128)
    cd = np.zeros(n, dtype=np.complex128)
    cd_new = np.zeros(n, dtype=np.complex128)
    ca = np.zeros(n, dtype=np.complex128)
    ca_new = np.zeros(n, dtype=np.complex128)
    work = np.zeros(n, dtype=np.complex128)
    tcol = np.zeros(n, dtype=np.complex128)
    g = np.zeros(n)

    # ---- initial condition (Wigner function of a Gaussian wavepacket, or fixed)
    x = x_start
    p = k0
    if sampling == SAMPLING_WIGNER:
        z1, z2 = _normal_pair(st)
        x = x_start + sigma_x * z1
        p = k0 + sigma_p * z2
    a_state = state0
    _interp(x, gx0, gh, vt, dvt, v, dv, True)
    _eig_sym(v, e, u)
    for i in range(n):
        ca[i] = 0.0
    ca[a_state] = 1.0
    _to_diabatic(u, ca, cd)
    if method == METHOD_EHRENFEST:
        epot, force = _mean_field(cd, v, dv)
    else:
        epot = e[a_state]
        force = _state_force(u, dv, a_state)
    e0 = p * p / (2.0 * mass) + epot
    max_err = 0.0
    hops = 0
    frus = 0
    # LZSH gap history towards the lower (index 0) and upper (index 1) neighbour
    zl2 = math.inf
    zl1 = math.inf
    zu2 = math.inf
    zu1 = math.inf
    if a_state > 0:
        zl1 = e[a_state] - e[a_state - 1]
    if a_state < n - 1:
        zu1 = e[a_state + 1] - e[a_state]

    outcome = OUTCOME_UNFINISHED
    step = 0
    for step in range(1, max_steps + 1):  # noqa: B007 - the count is reported after the loop
        acc = force / mass
        vel = p / mass
        # electronic propagator along the Verlet path (not needed for LZSH)
        if method != METHOD_LZSH:
            s1 = _C1 * dt
            s2 = _C2 * dt
            _interp(x + vel * s1 + 0.5 * acc * s1 * s1, gx0, gh, vt, dvt, h1, dv, False)
            _interp(x + vel * s2 + 0.5 * acc * s2 * s2, gx0, gh, vt, dvt, h2, dv, False)
            _magnus_step(h1, h2, dt, hbar, prop)
            _mat_vec(prop, cd, cd_new)
        x = x + vel * dt + 0.5 * acc * dt * dt
        _interp(x, gx0, gh, vt, dvt, v, dv, True)
        _eig_sym(v, e_new, u_new)

        if method == METHOD_EHRENFEST:
            for i in range(n):
                cd[i] = cd_new[i]
            epot, force_new = _mean_field(cd, v, dv)
            p = p + 0.5 * (force + force_new) * dt
            force = force_new
        else:
            force_new = _state_force(u_new, dv, a_state)
            p = p + 0.5 * (force + force_new) * dt
            force = force_new
            target = -1
            if method == METHOD_FSSH:
                # fewest-switches probabilities from the step propagator (GPT 2001)
                _to_adiabatic(u, cd, ca)
                _to_adiabatic(u_new, cd_new, ca_new)
                for i in range(n):
                    work[i] = 0.0
                for j in range(n):
                    for i in range(n):
                        work[i] += prop[i, j] * u[j, a_state]
                _to_adiabatic(u_new, work, tcol)  # tcol[b] = T_ba
                rho_old = (ca[a_state] * ca[a_state].conjugate()).real
                rho_new = (ca_new[a_state] * ca_new[a_state].conjugate()).real
                gtot = 0.0
                if rho_old > 1e-300 and rho_new < rho_old:
                    denom = rho_old - (ca_new[a_state] * tcol[a_state].conjugate() * ca[a_state].conjugate()).real
                    if denom > 1e-300:
                        loss = (rho_old - rho_new) / rho_old
                        for b in range(n):
                            if b == a_state:
                                g[b] = 0.0
                                continue
                            gb = loss * (ca_new[b] * tcol[b].conjugate() * ca[a_state].conjugate()).real / denom
                            gb = max(gb, 0.0)
                            g[b] = gb
                            gtot += gb
                if gtot > 0.0:
                    zeta = _uniform(st)
                    cum = 0.0
                    for b in range(n):
                        if b == a_state:
                            continue
                        cum += g[b]
                        if zeta < cum:
                            target = b
                            break
                for i in range(n):
                    cd[i] = cd_new[i]
            else:
                # Landau–Zener surface hopping (Belyaev & Lebedev, PRA 84, 014701 (2011))
                zl0 = e_new[a_state] - e_new[a_state - 1] if a_state > 0 else math.inf
                zu0 = e_new[a_state + 1] - e_new[a_state] if a_state < n - 1 else math.inf
                p_lo = 0.0
                p_up = 0.0
                if zl1 < zl2 and zl1 < zl0 and zl2 < math.inf:
                    zdd = (zl0 - 2.0 * zl1 + zl2) / (dt * dt)
                    if zdd > 0.0:
                        p_lo = math.exp(-(0.5 * math.pi / hbar) * math.sqrt(zl1**3 / zdd))
                if zu1 < zu2 and zu1 < zu0 and zu2 < math.inf:
                    zdd = (zu0 - 2.0 * zu1 + zu2) / (dt * dt)
                    if zdd > 0.0:
                        p_up = math.exp(-(0.5 * math.pi / hbar) * math.sqrt(zu1**3 / zdd))
                if p_lo > 0.0 or p_up > 0.0:
                    zeta = _uniform(st)
                    if zeta < p_lo:
                        target = a_state - 1
                    elif zeta < p_lo + p_up * (1.0 - p_lo):
                        target = a_state + 1
                zl2, zl1 = zl1, zl0
                zu2, zu1 = zu1, zu0

            if target >= 0:
                pn, ok = _rescale(p, mass, e_new[target] - e_new[a_state])
                if ok:
                    p = pn
                    a_state = target
                    hops += 1
                    force = _state_force(u_new, dv, a_state)
                    zl2 = math.inf
                    zu2 = math.inf
                    zl1 = e_new[a_state] - e_new[a_state - 1] if a_state > 0 else math.inf
                    zu1 = e_new[a_state + 1] - e_new[a_state] if a_state < n - 1 else math.inf
                else:
                    frus += 1
                    if frustrated == FRUSTRATED_REVERSE:
                        p = -p
            if method == METHOD_FSSH and decoherence == DECOHERENCE_EDC:
                # energy-based decoherence (Granucci & Persico, J. Chem. Phys. 126, 134114 (2007))
                _to_adiabatic(u_new, cd, ca_new)
                ekin = p * p / (2.0 * mass)
                rest = 0.0
                for b in range(n):
                    if b == a_state:
                        continue
                    gap = abs(e_new[b] - e_new[a_state])
                    if ekin > 1e-300:
                        # exp(-dt / tau), tau = (hbar / gap) (1 + C / E_kin)
                        ca_new[b] = ca_new[b] * math.exp(-dt * gap / (hbar * (1.0 + edc_c / ekin)))
                    rest += (ca_new[b] * ca_new[b].conjugate()).real
                pa = (ca_new[a_state] * ca_new[a_state].conjugate()).real
                if pa > 1e-300:
                    ca_new[a_state] = ca_new[a_state] * math.sqrt((1.0 - rest) / pa)
                _to_diabatic(u_new, ca_new, cd)
            epot = e_new[a_state]

        for i in range(n):
            e[i] = e_new[i]
            for j in range(n):
                u[i, j] = u_new[i, j]
        err = abs(p * p / (2.0 * mass) + epot - e0)
        max_err = max(max_err, err)
        if x > x_right and p > 0.0:
            outcome = OUTCOME_TRANSMITTED
            break
        if x < x_left and p < 0.0:
            outcome = OUTCOME_REFLECTED
            break

    out_i[I_OUTCOME] = outcome
    out_i[I_STATE] = a_state
    out_i[I_HOPS] = hops
    out_i[I_FRUSTRATED] = frus
    out_f[F_ENERGY_ERROR] = max_err
    out_f[F_X] = x
    out_f[F_P] = p
    out_f[F_TIME] = step * dt
    if method == METHOD_LZSH:
        # no electronic amplitudes: the populations are those of the active state
        for i in range(n):
            out_f[N_FLOAT + i] = 1.0 if i == a_state else 0.0
    else:
        _to_adiabatic(u, cd, ca)
        for i in range(n):
            out_f[N_FLOAT + i] = (ca[i] * ca[i].conjugate()).real


@njit(cache=True, nogil=True)
def run_ensemble(
    gx0,
    gh,
    vt,
    dvt,
    method,
    decoherence,
    edc_c,
    frustrated,
    mass,
    hbar,
    dt,
    x_left,
    x_right,
    max_steps,
    x_start,
    k0,
    sampling,
    sigma_x,
    sigma_p,
    state0,
    seed0,
    seed1,
    first,
    last,
    out_i,
    out_f,
):
    """Trajectories ``first <= idx < last`` of all incident momenta ``k0[m]`` (idx = m n_traj + j);
    ``max_steps``, ``sigma_x`` and ``sigma_p`` are per momentum.  Trajectory (m, j) uses random
    stream ``m * n_traj + j``.  One after the other without the GIL: callers split the range over
    threads (:func:`lzsm.kernels.threads.run_chunks`).

    ``out_i`` (n_k, n_traj, N_INT) and ``out_f`` (n_k, n_traj, N_FLOAT + N) are filled."""
    n_traj = out_i.shape[1]
    for idx in range(first, last):
        m = idx // n_traj
        j = idx - m * n_traj
        st = _seed_state(seed0, seed1, idx)
        _trajectory(
            gx0,
            gh,
            vt,
            dvt,
            method,
            decoherence,
            edc_c,
            frustrated,
            mass,
            hbar,
            dt,
            x_left,
            x_right,
            max_steps[m],
            x_start,
            k0[m],
            sampling,
            sigma_x[m],
            sigma_p[m],
            state0,
            st,
            out_i[m, j],
            out_f[m, j],
        )
