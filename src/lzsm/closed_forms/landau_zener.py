"""Closed forms of the two-level crossing: the Landau–Zener law and its relatives.

Every function is vectorised (NumPy broadcasting over all arguments) and follows
``docs/conventions.md``: ``alpha = d(E1 - E2)/dt`` is the sweep rate, ``delta = |V|^2/(hbar |alpha|)``
the adiabaticity parameter, and

.. math::  P_{LZ} = \\exp(-2\\pi |V|^2 / (\\hbar |\\alpha|)) = \\exp(-2\\pi\\delta)

is the probability of the **non-adiabatic transition** (``p_diabatic_stay`` = ``p_jump``):
the system keeps its diabatic character, i.e. jumps between adiabatic states.
``1 - P_LZ`` is ``p_adiabatic_follow``.

References: L. D. Landau, Phys. Z. Sowjetunion 2, 46 (1932); C. Zener, Proc. R. Soc. A 137,
696 (1932); E. C. G. Stückelberg, Helv. Phys. Acta 5, 369 (1932); E. Majorana, Nuovo Cimento 9,
43 (1932); N. V. Vitanov & B. M. Garraway, Phys. Rev. A 53, 4288 (1996) (finite times);
N. V. Vitanov, Phys. Rev. A 59, 988 (1999) (transition times); S. N. Shevchenko, S. Ashhab &
F. Nori, Phys. Rep. 492, 1 (2010) (Stokes phase).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from lzsm import _checks
from lzsm.errors import LzsmValueError
from lzsm.kernels import parabolic_cylinder as _lzk
from lzsm.kernels import threads as _threads
from lzsm.kernels.parabolic_cylinder import weber_constants

#: Largest adiabaticity parameter for which the finite-time closed form is evaluated: beyond
#: it the parabolic-cylinder functions overflow double precision (|D| ~ exp(3 pi delta / 4))
#: while P_LZ < exp(-2 pi 200) is zero in double precision anyway.
MAX_FINITE_TIME_DELTA = 200.0


#: What the closed forms' own checks ask for when a value comes out wrong (a defect of lzsm).
_FIX = "report this input to lzsm's issue tracker (the finite-time closed form failed there)"


def _coupling(v: ArrayLike) -> np.ndarray:
    return np.abs(_checks.complex_array(v, "coupling"))


def _rate(a: ArrayLike) -> np.ndarray:
    return _checks.real_array(a, "sweep_rate", nonzero=True)


def _hbar(h: ArrayLike) -> np.ndarray:
    return _checks.real_array(h, "hbar", positive=True)


def _probability(p: ArrayLike, name: str = "probability") -> np.ndarray:
    p = _checks.real_array(p, name)
    if np.any((p <= 0) | (p >= 1)):
        raise LzsmValueError(f"`{name}` must lie in the open interval (0, 1), got {p[(p <= 0) | (p >= 1)]}")
    return p


def _out(x: np.ndarray):
    return x[()] if isinstance(x, np.ndarray) and x.ndim == 0 else x


# --------------------------------------------------------------------------- the basic law
def minimum_gap(coupling: ArrayLike) -> np.ndarray:
    """Minimum adiabatic gap ``Delta = 2 |V|`` (at the crossing, where E1 = E2).

    Examples
    --------
    >>> import lzsm
    >>> float(lzsm.minimum_gap(0.5))
    1.0
    """
    return _out(2.0 * _coupling(coupling))


def adiabaticity(coupling: ArrayLike, sweep_rate: ArrayLike, hbar: ArrayLike = 1.0) -> np.ndarray:
    """Adiabaticity parameter ``delta = |V|^2 / (hbar |alpha|)``.

    Examples
    --------
    >>> import lzsm
    >>> float(lzsm.adiabaticity(coupling=0.5, sweep_rate=1.0))  # |V|^2 / (hbar |alpha|)
    0.25
    """
    v, hb, a = _coupling(coupling), _hbar(hbar), np.abs(_rate(sweep_rate))
    with np.errstate(over="ignore", under="ignore"):  # (V / sqrt(hbar) / sqrt(alpha))^2: no inf / inf
        return _out((v / np.sqrt(hb) / np.sqrt(a)) ** 2)


def lz_probability(coupling: ArrayLike, sweep_rate: ArrayLike, hbar: ArrayLike = 1.0) -> np.ndarray:
    """Landau–Zener probability of the non-adiabatic transition (``p_diabatic_stay``).

    .. math::  P_{LZ} = \\exp\\left(-\\frac{2\\pi |V|^2}{\\hbar|\\alpha|}\\right)

    Asymptotic (t from -inf to +inf) probability to keep the initial diabatic state, which is
    the probability to jump between adiabatic states.  Zener (1932), eq. (31) in our units.

    Examples
    --------
    >>> import lzsm
    >>> round(float(lzsm.lz_probability(coupling=0.5, sweep_rate=1.0)), 4)  # exp(-pi/2)
    0.2079
    >>> lzsm.lz_probability(0.5, [0.5, 1.0, 2.0]).round(4)  # vectorised: faster sweeps stay diabatic
    array([0.0432, 0.2079, 0.4559])
    """
    return _out(np.exp(-2.0 * np.pi * np.asarray(adiabaticity(coupling, sweep_rate, hbar))))


def p_adiabatic_follow(coupling: ArrayLike, sweep_rate: ArrayLike, hbar: ArrayLike = 1.0) -> np.ndarray:
    """``1 - P_LZ``: probability to follow the adiabatic state (computed without cancellation).

    Examples
    --------
    >>> import lzsm
    >>> round(float(lzsm.p_adiabatic_follow(0.5, 1.0)), 4)  # 1 - exp(-pi/2)
    0.7921
    >>> print(f'{float(lzsm.p_adiabatic_follow(1e-5, 1.0)):.6e}')  # 2 pi delta, without cancellation
    6.283185e-10
    """
    return _out(-np.expm1(-2.0 * np.pi * np.asarray(adiabaticity(coupling, sweep_rate, hbar))))


def sweep_rate_for_probability(p_diabatic_stay: ArrayLike, coupling: ArrayLike, hbar: ArrayLike = 1.0) -> np.ndarray:
    """Inverse problem: the sweep rate ``|alpha|`` that gives a target P_LZ at coupling V.

    ``alpha = 2 pi |V|^2 / (hbar ln(1/P))``; for P = 1/e this is ``2 pi V^2/hbar =
    pi Delta^2 / (2 hbar)`` (seed text, docs/conventions.md).

    Examples
    --------
    >>> import math, lzsm
    >>> round(float(lzsm.sweep_rate_for_probability(math.exp(-1), coupling=0.5)), 4)  # 2 pi V^2 / hbar = pi/2
    1.5708
    """
    p = _probability(p_diabatic_stay, "p_diabatic_stay")
    v = _coupling(coupling)
    if np.any(v == 0):
        raise LzsmValueError("`coupling` must be nonzero for the inverse problem (P = 1 at any rate)")
    return _out(2.0 * np.pi * v**2 / (_hbar(hbar) * -np.log(p)))


def coupling_for_probability(p_diabatic_stay: ArrayLike, sweep_rate: ArrayLike, hbar: ArrayLike = 1.0) -> np.ndarray:
    """Inverse problem: the coupling ``|V|`` that gives a target P_LZ at sweep rate alpha.

    ``|V| = sqrt(hbar |alpha| ln(1/P) / (2 pi))``.

    Examples
    --------
    >>> import math, lzsm
    >>> round(float(lzsm.coupling_for_probability(math.exp(-1), sweep_rate=1.0)), 4)  # 1/sqrt(2 pi)
    0.3989
    """
    p = _probability(p_diabatic_stay, "p_diabatic_stay")
    return _out(np.sqrt(_hbar(hbar) * np.abs(_rate(sweep_rate)) * -np.log(p) / (2.0 * np.pi)))


def golden_rule_probability(coupling: ArrayLike, sweep_rate: ArrayLike, hbar: ArrayLike = 1.0) -> np.ndarray:
    """Golden-rule (first-order) ``p_adiabatic_follow``: ``1 - P_LZ ~ 2 pi |V|^2/(hbar |alpha|)``.

    The time spent near resonance per unit energy, ``1/|alpha|``, plays the role of the density
    of final states in Fermi's golden rule.  Valid for ``2 pi delta << 1`` (fast sweep).

    Examples
    --------
    >>> import lzsm
    >>> round(float(lzsm.golden_rule_probability(0.05, 1.0)), 5)  # 2 pi delta
    0.01571
    >>> round(float(lzsm.p_adiabatic_follow(0.05, 1.0)), 5)  # exact: lower by about pi delta (relative)
    0.01559
    """
    return _out(2.0 * np.pi * np.asarray(adiabaticity(coupling, sweep_rate, hbar)))


def golden_rule_error(coupling: ArrayLike, sweep_rate: ArrayLike, hbar: ArrayLike = 1.0) -> np.ndarray:
    """Relative error of the golden-rule value against the exact ``1 - P_LZ``.

    ``x / (1 - e^{-x}) - 1`` with ``x = 2 pi delta``; ``~ x/2 = pi delta`` for small x."""
    x = 2.0 * np.pi * np.asarray(adiabaticity(coupling, sweep_rate, hbar))
    with np.errstate(invalid="ignore", divide="ignore"):
        err = np.where(x > 0, x / -np.expm1(-x) - 1.0, 0.0)
    return _out(err)


def regime(coupling: ArrayLike, sweep_rate: ArrayLike, hbar: ArrayLike = 1.0, tolerance: float = 0.01) -> np.ndarray:
    """'adiabatic' where P_LZ <= tolerance, 'diabatic' where P_LZ >= 1 - tolerance, else
    'intermediate' (string array).

    Examples
    --------
    >>> import lzsm
    >>> lzsm.regime(0.5, [0.01, 1.0, 1000.0]).tolist()  # P_LZ <= 0.01, in between, >= 0.99
    ['adiabatic', 'intermediate', 'diabatic']
    """
    tol = float(_probability(_checks.real_scalar(tolerance, "tolerance"), "tolerance"))
    p = np.asarray(lz_probability(coupling, sweep_rate, hbar))
    out = np.where(p <= tol, "adiabatic", np.where(p >= 1 - tol, "diabatic", "intermediate"))
    return _out(out)


def stokes_phase(delta: ArrayLike) -> np.ndarray:
    """Stokes phase ``phi_S = pi/4 + delta (ln delta - 1) + arg Gamma(1 - i delta)``.

    Shevchenko, Ashhab & Nori, Phys. Rep. 492, 1 (2010), eq. (22); ``arg Gamma`` is taken on
    the continuous branch (imaginary part of log Gamma).  ``phi_S -> pi/4`` for delta -> 0
    (fast passage) and ``-> 0`` for delta -> inf (adiabatic).

    Examples
    --------
    >>> import lzsm
    >>> lzsm.stokes_phase([0.0, 0.1, 1.0, 10.0]).round(4)  # pi/4 in the fast limit, -> 0 when adiabatic
    array([0.7854, 0.5125, 0.087 , 0.0083])
    """
    d = _checks.real_array(delta, "delta", nonnegative=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        dl = np.where(d > 0, d * (np.log(np.where(d > 0, d, 1.0)) - 1.0), 0.0)
    return _out(np.pi / 4 + dl + special.loggamma(1.0 - 1j * d).imag)


# --------------------------------------------------------------------------- finite times
def _canonical(coupling, sweep_rate, hbar, *times):
    """Broadcast and map a (V, alpha) point onto the canonical alpha > 0, V >= 0 problem.

    Returns (shape, g, [s...], frame) where frame (..., 2, 2) is the unitary G with
    U = G U_canonical G^dagger."""
    v = _checks.complex_array(coupling, "coupling")
    a = _rate(sweep_rate)
    hb = _hbar(hbar)
    ts = [np.asarray(t, dtype=float) for t in times]
    named = {"coupling": v, "sweep_rate": a, "hbar": hb}
    named.update({f"time{i}": t for i, t in enumerate(ts)})
    shape = _checks.broadcast(named)
    v, a, hb = (np.broadcast_to(x, shape) for x in (v, a, hb))
    scale = np.sqrt(np.abs(a) / hb)
    g = np.abs(v) / np.sqrt(hb * np.abs(a))
    if np.any(g**2 > MAX_FINITE_TIME_DELTA):
        raise LzsmValueError(
            f"`coupling` and `sweep_rate`: the finite-time closed form supports adiabaticity delta = "
            f"|V|^2/(hbar|alpha|) <= {MAX_FINITE_TIME_DELTA:g}; got {np.max(g**2):.4g} (the transition is "
            "exp(-2 pi delta) ~ 0 there)"
        )
    ss = [np.broadcast_to(t, shape) * scale for t in ts]
    ph = np.exp(1j * np.angle(v))
    frame = np.zeros(shape + (2, 2), dtype=complex)
    pos = a > 0
    frame[..., 0, 0] = np.where(pos, 1.0, 0.0)
    frame[..., 1, 1] = np.where(pos, np.conj(ph), 0.0)
    frame[..., 0, 1] = np.where(pos, 0.0, ph)
    frame[..., 1, 0] = np.where(pos, 0.0, 1.0)
    return shape, g, ss, frame


def lz_propagator(
    coupling: ArrayLike, sweep_rate: ArrayLike, t: ArrayLike, t0: ArrayLike, hbar: ArrayLike = 1.0
) -> np.ndarray:
    """Exact Landau–Zener propagator ``U(t, t0)`` in the diabatic basis, shape ``(..., 2, 2)``.

    Arbitrary finite start and stop times (either side of the crossing, t < t0 allowed).
    Accuracy ~1e-11 for ``|s| = |t| sqrt(|alpha|/hbar) <~ 1e3``; beyond, the dynamical phase
    ``s^2/4`` carries its double-precision rounding (~1e-16 s^2 rad).
    Built from parabolic-cylinder functions, cf. Vitanov & Garraway, PRA 53, 4288 (1996);
    see :mod:`lzsm.kernels.parabolic_cylinder` for the fundamental matrix used.

    Examples
    --------
    >>> import numpy as np, lzsm
    >>> U = lzsm.lz_propagator(0.5, 1.0, t=200.0, t0=-200.0)
    >>> round(float(abs(U[0, 0]) ** 2), 4)  # = lzsm.finite_time_p_diabatic_stay(0.5, 1.0, 200.0, -200.0)
    0.2059
    >>> bool(np.allclose(U.conj().T @ U, np.eye(2)))
    True
    """
    t_arr = _checks.real_array(t, "t")
    t0_arr = _checks.real_array(t0, "t0")
    shape, g, (s, s0), frame = _canonical(coupling, sweep_rate, hbar, t_arr, t0_arr)
    gf = _threads.arg(g.reshape(-1), float)
    consts = _threads.arg(weber_constants(gf**2), complex)
    sf, s0f = _threads.arg(s.reshape(-1), float), _threads.arg(s0.reshape(-1), float)
    u = _threads.concatenate(lambda sl: _lzk.propagator(gf[sl], sf[sl], s0f[sl], consts[sl]), gf.size)
    u = u.reshape(shape + (2, 2))
    return frame @ u @ np.conj(np.swapaxes(frame, -1, -2))


def lz_amplitudes(
    coupling: ArrayLike,
    sweep_rate: ArrayLike,
    t: ArrayLike,
    t0: ArrayLike = -np.inf,
    initial: int | ArrayLike = 0,
    hbar: ArrayLike = 1.0,
) -> np.ndarray:
    """Exact diabatic amplitudes ``(c1, c2)`` at time t, shape ``(..., 2)``.

    ``initial`` is a diabatic index (0 for ``|1>``, 1 for ``|2>``) or, for finite ``t0``, a state
    vector.  With ``t0 = -inf`` the system starts in diabatic state ``initial`` in the infinite
    past; the amplitudes are then defined up to a global phase (the diabatic phase diverges
    logarithmically), populations are exact.
    """
    t_arr = _checks.real_array(t, "t")
    t0_arr = _checks.real_array(t0, "t0", minus_infinity=True)
    if np.all(np.isneginf(t0_arr)):
        if not (isinstance(initial, (int, np.integer)) and initial in (0, 1)):
            raise LzsmValueError(
                "with t0 = -inf, `initial` must be a diabatic index 0 or 1 "
                "(a superposition has no defined relative phase at t0 = -inf)"
            )
        shape, g, (s,), frame = _canonical(coupling, sweep_rate, hbar, t_arr)
        gf = _threads.arg(g.reshape(-1), float)
        sf, consts = _threads.arg(s.reshape(-1), float), _threads.arg(weber_constants(gf**2), complex)
        psi = _threads.concatenate(lambda sl: _lzk.from_minus_infinity(gf[sl], sf[sl], consts[sl]), gf.size)
        psi = psi.reshape(shape + (2,))
        # canonical index j such that G e_j is the requested diabatic state
        pos = np.broadcast_to(_rate(sweep_rate) > 0, shape)
        j = np.where(pos, initial, 1 - initial)
        other = np.stack([np.conj(psi[..., 1]), -np.conj(psi[..., 0])], axis=-1)
        psi_c = np.where((j == 0)[..., None], psi, other)
        return np.einsum("...ij,...j->...i", frame, psi_c)
    if np.any(np.isinf(t0_arr)):
        raise LzsmValueError("`t0` must be either all -inf or all finite")
    u = lz_propagator(coupling, sweep_rate, t_arr, t0_arr, hbar)
    if isinstance(initial, (int, np.integer)):
        if initial not in (0, 1):
            raise LzsmValueError(f"`initial` must be a diabatic index 0 or 1, or a state vector; got {initial}")
        return u[..., :, initial]
    psi0 = _checks.complex_array(initial, "initial")
    if psi0.shape[-1:] != (2,):
        raise LzsmValueError(f"`initial` state vector must have shape (..., 2), got {psi0.shape}")
    nrm = np.linalg.norm(psi0, axis=-1)
    if np.any(np.abs(nrm - 1) > 1e-10):
        raise LzsmValueError("`initial` state vector must be normalised")
    return np.einsum("...ij,...j->...i", u, psi0)


def finite_time_p_diabatic_stay(
    coupling: ArrayLike,
    sweep_rate: ArrayLike,
    t: ArrayLike,
    t0: ArrayLike = -np.inf,
    initial: int = 0,
    hbar: ArrayLike = 1.0,
) -> np.ndarray:
    """Exact probability to be in the initial diabatic state at time t (start at t0, default
    -inf).  Tends to :func:`lz_probability` as ``t -> inf, t0 -> -inf``; at finite times it
    oscillates about it (Vitanov & Garraway 1996).

    Examples
    --------
    >>> import lzsm
    >>> round(float(lzsm.finite_time_p_diabatic_stay(0.5, 1.0, t=200.0, t0=-200.0)), 4)
    0.2059
    >>> round(float(lzsm.lz_probability(0.5, 1.0)), 4)  # the limit t0 -> -inf, t -> inf
    0.2079
    >>> round(float(lzsm.finite_time_p_diabatic_stay(0.5, 1.0, t=0.0)), 4)  # at the crossing, from t0 = -inf
    0.728
    """
    c = lz_amplitudes(coupling, sweep_rate, t, t0, initial, hbar)
    return _out(_checks.probabilities(np.abs(c[..., initial]) ** 2, "finite_time_p_diabatic_stay", fix=_FIX))


def half_crossing_p_diabatic_stay(coupling: ArrayLike, sweep_rate: ArrayLike, hbar: ArrayLike = 1.0) -> np.ndarray:
    """The half crossing: probability to stay in the diabatic state after a Landau–Zener sweep
    from the crossing (t = 0) to t = +inf, or from t = -inf to the crossing,

    .. math::  P_{1/2} = \\frac{1 + e^{-\\pi \\delta}}{2}, \\qquad \\delta = \\frac{|V|^2}{\\hbar |\\alpha|}.

    From the parabolic-cylinder solution at its origin (``D_nu(0)``, ``D_nu'(0)``: DLMF 12.2.6-7;
    the t = 0 value of Vitanov & Garraway, PRA 53, 4288 (1996)); the two halves are mirror images
    (time reversal with ``t -> -t``).  A fast sweep stays (P -> 1); an adiabatic half sweep ends
    at the crossing as an equal superposition (P -> 1/2), not in the adiabatic state.

    Examples
    --------
    >>> import lzsm
    >>> round(float(lzsm.half_crossing_p_diabatic_stay(0.5, 1.0)), 6)
    0.727969
    >>> round(float(lzsm.finite_time_p_diabatic_stay(0.5, 1.0, t=0.0)), 6)  # -inf -> 0, parabolic cylinder
    0.727969
    """
    d = adiabaticity(coupling, sweep_rate, hbar)
    return _out(0.5 * (1.0 + np.exp(-np.pi * np.asarray(d))))


def _adiabatic_basis_2(v: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """Columns (lower, upper) of the two-level adiabatic states, docs/conventions.md gauge."""
    theta = 0.5 * np.arctan2(2.0 * np.abs(v), bias)
    ph = np.exp(-1j * np.angle(v))
    c, s = np.cos(theta), np.sin(theta)
    basis = np.empty(np.broadcast_shapes(v.shape, bias.shape) + (2, 2), dtype=complex)
    basis[..., 0, 0] = -s
    basis[..., 1, 0] = ph * c
    basis[..., 0, 1] = c
    basis[..., 1, 1] = ph * s
    return basis


def finite_time_p_jump(
    coupling: ArrayLike,
    sweep_rate: ArrayLike,
    t: ArrayLike,
    t0: ArrayLike = -np.inf,
    initial: int = 0,
    hbar: ArrayLike = 1.0,
) -> np.ndarray:
    """Exact probability at time t to be in the *other* adiabatic state than the one the
    system started in (adiabatic index ``initial``: 0 lower, 1 upper) at t0 (default -inf).

    Tends to :func:`lz_probability` for ``t -> inf, t0 -> -inf``."""
    if isinstance(initial, (bool, np.bool_)) or not isinstance(initial, (int, np.integer)) or initial not in (0, 1):
        raise LzsmValueError(f"`initial` must be an adiabatic index 0 (lower) or 1 (upper), got {initial!r}")
    v = _checks.complex_array(coupling, "coupling")
    a = _rate(sweep_rate)
    t_arr = _checks.real_array(t, "t")
    t0_arr = _checks.real_array(t0, "t0", minus_infinity=True)
    if np.all(np.isneginf(t0_arr)):
        # lower adiabatic state at -inf: diabatic |1> for alpha > 0, |2> for alpha < 0
        dia = np.where(a > 0, initial == 0, initial == 1)
        if np.all(dia):
            amp = lz_amplitudes(v, a, t_arr, -np.inf, 0, hbar)
        elif not np.any(dia):
            amp = lz_amplitudes(v, a, t_arr, -np.inf, 1, hbar)
        else:
            amp = np.where(
                dia[..., None],
                lz_amplitudes(v, a, t_arr, -np.inf, 0, hbar),
                lz_amplitudes(v, a, t_arr, -np.inf, 1, hbar),
            )
    else:
        b0 = _adiabatic_basis_2(v, a * t0_arr)
        amp = lz_amplitudes(v, a, t_arr, t0_arr, b0[..., :, initial], hbar)
    basis = _adiabatic_basis_2(v, a * t_arr)
    ad = np.einsum("...ji,...j->...i", np.conj(basis), amp)
    return _out(_checks.probabilities(np.abs(ad[..., 1 - initial]) ** 2, "finite_time_p_jump", fix=_FIX))


def lz_transition_time(
    coupling: ArrayLike, sweep_rate: ArrayLike, hbar: ArrayLike = 1.0, picture: str = "diabatic"
) -> np.ndarray:
    """Landau–Zener transition (jump) time ``tau = P(inf) / P'(0)`` (Vitanov, PRA 59, 988 (1999)).

    ``P(t)`` is the transition probability in the chosen picture for a system starting in
    state ``|1>`` (lower adiabatic state for alpha > 0) at ``t = -inf``: the population of
    diabatic ``|2>`` (``picture='diabatic'``, ``P(inf) = 1 - P_LZ``) or of the upper adiabatic
    state (``picture='adiabatic'``, ``P(inf) = P_LZ``).  ``P'(0)`` is its rate of change at the
    crossing, evaluated exactly from the parabolic-cylinder solution.
    """
    _checks.choice(picture, "picture", ("diabatic", "adiabatic"))
    v = _checks.complex_array(coupling, "coupling")
    if np.any(v == 0):
        raise LzsmValueError("`coupling` must be nonzero: without coupling there is no transition")
    a = np.abs(_rate(sweep_rate))
    hb = _hbar(hbar)
    vabs = np.abs(v)
    c = lz_amplitudes(vabs, a, 0.0, -np.inf, 0, hb)
    c1, c2 = c[..., 0], c[..., 1]
    if picture == "diabatic":
        # d|c2|^2/dt = 2 Re(c2* dc2/dt), i hbar dc2/dt = V c1 + E2 c2 with E2(0) = 0
        rate = 2.0 * np.real(np.conj(c2) * (-1j / hb) * vabs * c1)
        final = -np.expm1(-2.0 * np.pi * vabs**2 / (hb * a))
    else:
        # adiabatic amplitudes b_k = <phi_k|c>; d|b1|^2/dt = -2 Re(b1* <phi_1|d phi_0/dt> b0)
        basis = _adiabatic_basis_2(vabs, np.zeros_like(vabs))
        b = np.einsum("...ji,...j->...i", np.conj(basis), c)
        # d theta/dt at the crossing: theta = atan2(2V, alpha t)/2 -> dtheta/dt = -alpha/(4V)
        dtheta = -a / (4.0 * vabs)
        # <phi_1|d phi_0/dt> = dtheta * <phi_1| (-cos, -sin) > = -dtheta
        d10 = -dtheta
        rate = -2.0 * np.real(np.conj(b[..., 1]) * d10 * b[..., 0])
        final = np.exp(-2.0 * np.pi * vabs**2 / (hb * a))
    return _out(final / rate)


def lz_closed_forms(coupling: ArrayLike, sweep_rate: ArrayLike, *, hbar: float = 1.0) -> dict[str, np.ndarray]:
    """Closed-form Landau–Zener quantities on one block of a ``coupling`` x ``sweep_rate`` grid,
    as a dictionary of arrays: the batched-function form that :func:`lzsm.scan` takes.

    .. math:: P_{LZ} = \\exp\\left(-\\frac{2\\pi |V|^2}{\\hbar |\\alpha|}\\right), \\qquad
              \\delta = \\frac{|V|^2}{\\hbar |\\alpha|}

    (Landau 1932, Zener 1932).  Example: ``lzsm.scan(lzsm.closed_forms.landau_zener.lz_closed_forms,
    {"coupling": v, "sweep_rate": a})``; bind ``hbar`` with ``functools.partial``.
    """
    return {
        "p_diabatic_stay": lz_probability(coupling, sweep_rate, hbar),
        "adiabaticity": adiabaticity(coupling, sweep_rate, hbar),
    }
