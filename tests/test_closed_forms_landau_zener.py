"""Closed forms of the two-level crossing (lzsm.closed_forms.landau_zener).

Conventions (docs/conventions.md): H = [[alpha t/2, V], [conj(V), -alpha t/2]], delta = |V|^2/(hbar|alpha|),
P_LZ = exp(-2 pi delta) = probability of the non-adiabatic transition (diabatic stay = jump).
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import lzsm

EULER_GAMMA = 0.5772156649015329
ZETA3 = 1.2020569031595942
SIGMA_X = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=complex)

# --------------------------------------------------------------------------- strategies
couplings = st.builds(
    lambda r, phi: r * np.exp(1j * phi),
    st.floats(0.02, 2.0),
    st.floats(0.0, 2 * math.pi),
)
sweep_rates = st.builds(lambda sign, mag: sign * mag, st.sampled_from([-1.0, 1.0]), st.floats(0.3, 5.0))
times = st.floats(-60.0, 60.0)
hbars = st.floats(0.5, 2.0)


# --------------------------------------------------------------------------- the basic law
def test_lz_probability_value():
    # V = 0.5, alpha = 1: 2 pi V^2 / alpha = pi/2 (Zener 1932, eq. 31 in docs/conventions.md units)
    assert lzsm.lz_probability(0.5, 1.0) == pytest.approx(math.exp(-math.pi / 2), rel=1e-14)
    assert lzsm.p_adiabatic_follow(0.5, 1.0) == pytest.approx(1 - math.exp(-math.pi / 2), rel=1e-14)


def test_lz_probability_depends_only_on_moduli():
    # P_LZ depends on |V| and |alpha| only: phase of V and sweep direction do not matter
    p = lzsm.lz_probability(0.5, 1.0)
    assert lzsm.lz_probability(0.3 + 0.4j, 1.0) == pytest.approx(p, rel=1e-14)
    assert lzsm.lz_probability(-0.5j, -1.0) == pytest.approx(p, rel=1e-14)


def test_gap_and_adiabaticity():
    assert lzsm.minimum_gap(0.3 + 0.4j) == pytest.approx(1.0, rel=1e-15)  # Delta = 2|V|
    # delta = |V|^2 / (hbar |alpha|) = 0.25 / (0.5 * 2)
    assert lzsm.adiabaticity(0.5, -2.0, hbar=0.5) == pytest.approx(0.25, rel=1e-15)


def test_p_adiabatic_follow_has_no_cancellation():
    # 1 - exp(-x) = x (1 - x/2 + ...) for x = 2 pi delta = 2 pi 1e-12
    x = 2 * math.pi * 1e-12
    assert lzsm.p_adiabatic_follow(1e-6, 1.0) == pytest.approx(x, rel=1e-10)


@given(v=couplings, a=sweep_rates, hbar=hbars)
def test_probabilities_add_to_one(v, a, hbar):
    total = lzsm.lz_probability(v, a, hbar) + lzsm.p_adiabatic_follow(v, a, hbar)
    assert total == pytest.approx(1.0, abs=1e-15)


def test_one_over_e_sweep_rate():
    # seed text / docs/conventions.md: P_LZ = 1/e at alpha = 2 pi V^2/hbar = pi Delta^2 / (2 hbar)
    v, hbar = 0.37, 1.7
    delta_gap = 2 * v
    a = lzsm.sweep_rate_for_probability(math.exp(-1), v, hbar)
    assert a == pytest.approx(2 * math.pi * v**2 / hbar, rel=1e-14)
    assert a == pytest.approx(math.pi * delta_gap**2 / (2 * hbar), rel=1e-14)
    assert lzsm.lz_probability(v, a, hbar) == pytest.approx(math.exp(-1), rel=1e-14)
    assert lzsm.coupling_for_probability(math.exp(-1), a, hbar) == pytest.approx(v, rel=1e-14)


@given(p=st.floats(1e-3, 0.999), v=couplings, a=sweep_rates, hbar=hbars)
def test_inverse_problems_round_trip(p, v, a, hbar):
    rate = lzsm.sweep_rate_for_probability(p, v, hbar)
    assert rate > 0
    assert lzsm.lz_probability(v, rate, hbar) == pytest.approx(p, rel=1e-12)
    c = lzsm.coupling_for_probability(p, a, hbar)
    assert lzsm.lz_probability(c, a, hbar) == pytest.approx(p, rel=1e-12)


@pytest.mark.parametrize("delta", [1e-6, 1e-4, 1e-3, 1e-2])
def test_golden_rule_limit(delta):
    """Fast sweep: 1 - P_LZ ~ 2 pi delta (Fermi golden rule, docs/conventions.md).  The relative error
    of that estimate is x/(1 - e^-x) - 1 = x/2 + x^2/12 + O(x^4), x = 2 pi delta (derived:
    Taylor series), i.e. ~ pi delta."""
    v, a = math.sqrt(delta), 1.0
    x = 2 * math.pi * delta
    gr = lzsm.golden_rule_probability(v, a)
    exact = lzsm.p_adiabatic_follow(v, a)
    assert gr == pytest.approx(x, rel=1e-14)
    err = lzsm.golden_rule_error(v, a)
    assert err == pytest.approx(gr / exact - 1, rel=1e-9, abs=1e-15)
    assert abs(err - math.pi * delta) <= 1.001 * x**2 / 12 + 1e-15
    assert lzsm.golden_rule_error(0.0, 1.0) == 0.0


def test_regime_labels():
    # P(V=0.01) = 0.99937 >= 0.99: diabatic; P(0.5) = 0.208; P(1) = exp(-2 pi) = 0.0019 <= 0.01
    labels = lzsm.regime(np.array([0.01, 0.5, 1.0]), 1.0)
    assert labels.tolist() == ["diabatic", "intermediate", "adiabatic"]
    assert lzsm.regime(0.5, 1.0) == "intermediate"
    # with tolerance 0.25 the P = 0.208 point counts as adiabatic
    assert lzsm.regime(0.5, 1.0, tolerance=0.25) == "adiabatic"
    grid = lzsm.regime(np.array([0.01, 1.0])[:, None], np.array([1.0, 2.0, 4.0]))
    assert grid.shape == (2, 3)


@given(v=couplings, a=sweep_rates, hbar=hbars)
def test_hbar_scaling_of_the_law(v, a, hbar):
    # only the combination |V|^2/(hbar |alpha|) enters: hbar -> hbar c, alpha -> alpha / c
    assert lzsm.lz_probability(v, a, hbar) == pytest.approx(lzsm.lz_probability(v, a * hbar, 1.0), rel=1e-13)
    assert lzsm.adiabaticity(v, a, hbar) == pytest.approx(abs(v) ** 2 / (hbar * abs(a)), rel=1e-13)


@given(v=couplings, a=sweep_rates)
def test_lz_probability_symmetric_under_conjugation_and_reversal(v, a):
    # sigma_x H(V, alpha) sigma_x = H(conj V, -alpha): same law with the two diabatic states swapped
    assert lzsm.lz_probability(np.conj(v), -a) == pytest.approx(lzsm.lz_probability(v, a), rel=1e-15)


# --------------------------------------------------------------------------- Stokes phase
def test_stokes_phase_fast_passage_limit():
    # phi_S -> pi/4 for delta -> 0; next terms: arg Gamma(1 - i delta) = gamma delta - zeta(3) delta^3/3 + ...
    # (derived: Taylor series of log Gamma(1+z), DLMF 5.7.3)
    assert lzsm.stokes_phase(0.0) == pytest.approx(math.pi / 4, abs=1e-15)
    assert lzsm.stokes_phase(1e-12) == pytest.approx(math.pi / 4, abs=1e-10)
    for d in (1e-4, 1e-3, 1e-2):
        series = math.pi / 4 + d * (math.log(d) - 1 + EULER_GAMMA)
        assert abs(lzsm.stokes_phase(d) - series) <= 1.01 * ZETA3 * d**3 / 3 + 1e-15


@pytest.mark.parametrize("delta", [5.0, 10.0, 30.0, 100.0])
def test_stokes_phase_adiabatic_limit(delta):
    """phi_S ~ 1/(12 delta) + 1/(360 delta^3) + 1/(1260 delta^5) (derived: Stirling series of
    log Gamma(1 - i delta), DLMF 5.11.1); remainder bounded by twice the next term 1/(1680 delta^7)
    (DLMF 5.11.ii on the imaginary axis); 1e-12 allows for the cancellation in delta (ln delta - 1)."""
    series = 1 / (12 * delta) + 1 / (360 * delta**3) + 1 / (1260 * delta**5)
    phi = lzsm.stokes_phase(delta)
    assert abs(phi - series) <= 2 / (1680 * delta**7) + 1e-12
    assert phi * 12 * delta == pytest.approx(1.0, rel=0.01)


@pytest.mark.parametrize("delta", [0.01, 0.2, 0.5, 1.0, 3.0, 30.0])
def test_stokes_phase_against_mpmath(delta):
    # phi_S = pi/4 + delta (ln delta - 1) + Im log Gamma(1 - i delta), Shevchenko et al. 2010 eq. (22)
    with mpmath.workdps(30):
        d = mpmath.mpf(delta)
        ref = float(mpmath.pi / 4 + d * (mpmath.log(d) - 1) + mpmath.im(mpmath.loggamma(1 - 1j * d)))
    assert lzsm.stokes_phase(delta) == pytest.approx(ref, abs=1e-13)


@given(st.floats(0.0, 1e3))
def test_stokes_phase_range(delta):
    # decreasing from pi/4 (fast passage) towards 0 (adiabatic)
    phi = lzsm.stokes_phase(delta)
    assert 0.0 < phi <= math.pi / 4 + 1e-15


# --------------------------------------------------------------------------- finite times
def envelope_diabatic(v, a, hbar=1.0):
    """Amplitude (times t) of the diabatic oscillation about P_LZ after the crossing.

    Derived: for t >> |V|/|alpha| the state is sqrt(P) |upper> + sqrt(1-P) |lower> (relative
    phase running), and the adiabatic states mix the diabatic ones by theta ~ |V|/(|alpha| t),
    so |c_1|^2 - P ~ -2 sqrt(P (1-P)) theta cos(phase): envelope 2 sqrt(P(1-P)) |V| / (|alpha| t)."""
    p = lzsm.lz_probability(v, a, hbar)
    return 2 * math.sqrt(p * (1 - p)) * abs(v) / abs(a)


def envelope_adiabatic(v, a, hbar=1.0):
    """Amplitude (times t^3) of the adiabatic-basis oscillation of p_jump about P_LZ.

    Derived: first-order adiabatic perturbation theory dresses each adiabatic state with
    hbar d_01 / (E_1 - E_0) ~ hbar (|V|/(|alpha| t^2)) / (|alpha| t) of the other one, giving
    an envelope 2 sqrt(P(1-P)) hbar |V| / (alpha^2 t^3): convergence much faster than 1/t."""
    p = lzsm.lz_probability(v, a, hbar)
    return 2 * math.sqrt(p * (1 - p)) * hbar * abs(v) / a**2


@pytest.mark.parametrize("v, a", [(0.5, 1.0), (0.3 - 0.4j, -2.0)])
def test_finite_time_tends_to_lz_from_minus_infinity(v, a):
    p_lz = lzsm.lz_probability(v, a)
    for t in (30.0, 100.0, 300.0):
        window = np.linspace(t, 2 * t, 4001)  # the maximum over a window samples the envelope
        dev_dia = np.max(np.abs(lzsm.finite_time_p_diabatic_stay(v, a, window) - p_lz))
        # 1/t decay: the deviation *reaches* the envelope (within 5 %) and does not exceed it
        assert 0.95 <= dev_dia * t / envelope_diabatic(v, a) <= 1.05, t
        dev_ad = np.max(np.abs(lzsm.finite_time_p_jump(v, a, window) - p_lz))
        # 1/t^3 decay of the adiabatic-basis p_jump
        assert 0.95 <= dev_ad * t**3 / envelope_adiabatic(v, a) <= 1.05, t
        # the adiabatic-basis p_jump converges faster by hbar/(|alpha| t^2) (ratio of the envelopes)
        assert dev_ad <= 1.15 * dev_dia / (abs(a) * t**2)


def test_finite_time_long_after_crossing():
    # t = 1e4: diabatic tail 2 sqrt(P(1-P)) |V|/(|alpha| t) = 4.1e-5 (envelope above)
    p_lz = lzsm.lz_probability(0.5, 1.0)
    t = 1e4
    assert abs(lzsm.finite_time_p_diabatic_stay(0.5, 1.0, t) - p_lz) <= 1.05 * envelope_diabatic(0.5, 1.0) / t
    # both diabatic states keep their character with the same probability (sigma_x symmetry)
    assert lzsm.finite_time_p_diabatic_stay(0.5, 1.0, t, initial=1) == pytest.approx(
        lzsm.finite_time_p_diabatic_stay(0.5, 1.0, t), abs=1e-12
    )


def test_finite_time_very_long_after_crossing():
    # t = 1e4: the diabatic tail is 4.1e-5 (envelope above).  Far beyond (|s| ~ 1e6) the
    # dynamical phase s^2/4 itself carries a double-precision error ~1e-16 s^2, a documented
    # limit of the closed form.
    p_lz = lzsm.lz_probability(0.5, 1.0)
    t = 1e4
    assert abs(lzsm.finite_time_p_diabatic_stay(0.5, 1.0, t) - p_lz) <= 1.05 * envelope_diabatic(0.5, 1.0) / t


@given(v=couplings, a=sweep_rates, t=times, t0=times, hbar=hbars)
def test_lz_propagator_is_unitary(v, a, t, t0, hbar):
    # |s| = |t| sqrt(|alpha|/hbar) <= 190 here; rounding of the phase s^2/4 limits accuracy ~1e-12
    u = lzsm.lz_propagator(v, a, t, t0, hbar)
    assert np.allclose(u @ u.conj().T, np.eye(2), rtol=0, atol=1e-10)
    assert abs(abs(np.linalg.det(u)) - 1) < 1e-10


@given(v=couplings, a=sweep_rates, t0=times, t1=times, t2=times)
def test_lz_propagator_composition(v, a, t0, t1, t2):
    u20 = lzsm.lz_propagator(v, a, t2, t0)
    u21 = lzsm.lz_propagator(v, a, t2, t1)
    u10 = lzsm.lz_propagator(v, a, t1, t0)
    assert np.allclose(u21 @ u10, u20, rtol=0, atol=1e-10)
    # backwards in time: U(t0, t2) = U(t2, t0)^dagger
    assert np.allclose(lzsm.lz_propagator(v, a, t0, t2), u20.conj().T, rtol=0, atol=1e-10)


def test_lz_propagator_identity_and_zero_coupling():
    assert np.allclose(lzsm.lz_propagator(0.4, 1.3, 2.5, 2.5), np.eye(2), atol=1e-14)
    # V = 0: pure diabatic phases exp(-+ i alpha (t^2 - t0^2) / (4 hbar))  (derived: integral of alpha t/2)
    a, t, t0, hbar = 1.3, 7.0, -3.0, 0.7
    ph = np.exp(-1j * a * (t**2 - t0**2) / (4 * hbar))
    assert np.allclose(lzsm.lz_propagator(0.0, a, t, t0, hbar), np.diag([ph, np.conj(ph)]), atol=1e-12)


@given(v=couplings, a=sweep_rates, t=times, t0=times, hbar=hbars)
def test_lz_propagator_hbar_scaling(v, a, t, t0, hbar):
    # i hbar psi' = H psi  <=>  i psi' = (H/hbar) psi: (V, alpha, hbar) ~ (V/hbar, alpha/hbar, 1)
    u1 = lzsm.lz_propagator(v, a, t, t0, hbar)
    u2 = lzsm.lz_propagator(v / hbar, a / hbar, t, t0, 1.0)
    assert np.allclose(u1, u2, rtol=0, atol=1e-10)


@given(v=couplings, a=sweep_rates, t=times, t0=times)
def test_conjugation_and_reversal_symmetry_at_finite_times(v, a, t, t0):
    """sigma_x H(V, alpha) sigma_x = H(conj V, -alpha) (docs/conventions.md H), hence
    U(conj V, -alpha) = sigma_x U(V, alpha) sigma_x: populations agree with the initial state swapped."""
    u = lzsm.lz_propagator(v, a, t, t0)
    u_sym = lzsm.lz_propagator(np.conj(v), -a, t, t0)
    assert np.allclose(u_sym, SIGMA_X @ u @ SIGMA_X, rtol=0, atol=1e-10)
    p = lzsm.finite_time_p_diabatic_stay(v, a, t, t0, initial=0)
    p_sym = lzsm.finite_time_p_diabatic_stay(np.conj(v), -a, t, t0, initial=1)
    assert p_sym == pytest.approx(p, abs=1e-10)


@given(v=couplings, a=sweep_rates, t=times, hbar=hbars, initial=st.sampled_from([0, 1]))
def test_amplitudes_from_minus_infinity_are_normalised(v, a, t, hbar, initial):
    c = lzsm.lz_amplitudes(v, a, t, -np.inf, initial, hbar)
    assert abs(np.linalg.norm(c) - 1) < 1e-10


@pytest.mark.parametrize("v, a", [(0.5, 1.0), (0.3 - 0.4j, -2.0), (0.2j, 0.7)])
@pytest.mark.parametrize("initial", [0, 1])
def test_minus_infinity_agrees_with_very_early_start(v, a, initial):
    """Starting in a pure diabatic state at t0 = -1e4 instead of -inf misses the admixture
    sin(theta(t0)) ~ |V|/(|alpha| |t0|) of the other diabatic state (derived: mixing angle of
    docs/conventions.md); unitary evolution keeps that distance, so populations differ by <= 2 |V|/(|alpha| |t0|)."""
    t0 = -1e4
    t = np.linspace(-20.0, 20.0, 9)
    p_inf = np.abs(lzsm.lz_amplitudes(v, a, t, -np.inf, initial)) ** 2
    p_early = np.abs(lzsm.lz_propagator(v, a, t, t0)[..., :, initial]) ** 2
    bound = 2 * abs(v) / (abs(a) * abs(t0))
    assert np.max(np.abs(p_inf - p_early)) <= 1.01 * bound


@pytest.mark.parametrize("t", [0.5, 2.0, 5.0, 10.0])
def test_start_at_crossing_against_solve_ivp(t, reference_solve, lz_h):
    # independent reference: DOP853, rtol = atol = 1e-12 on the Hamiltonian of docs/conventions.md
    v, a = 0.5, 1.0
    u = lzsm.lz_propagator(v, a, t, 0.0)
    for j in range(2):
        ref = reference_solve(lz_h(v, a), (0.0, t), np.eye(2)[j])
        assert np.allclose(u[:, j], ref, rtol=0, atol=1e-9)


@pytest.mark.parametrize("v, a, hbar", [(0.3 + 0.4j, -2.0, 1.0), (0.7j, 0.5, 1.0), (-0.25 + 0.1j, -0.8, 0.6)])
def test_negative_sweep_and_complex_coupling_against_solve_ivp(v, a, hbar, reference_solve, lz_h):
    psi0 = np.array([0.6, 0.8j])
    t0, t = -3.0, 4.0
    ref = reference_solve(lz_h(v, a), (t0, t), psi0, hbar=hbar)
    got = lzsm.lz_amplitudes(v, a, t, t0, psi0, hbar)
    assert np.allclose(got, ref, rtol=0, atol=1e-9)
    # and backwards: U(t0, t) undoes it
    back = lzsm.lz_propagator(v, a, t0, t, hbar) @ got
    assert np.allclose(back, psi0, rtol=0, atol=1e-10)


@pytest.mark.parametrize("v, a, initial", [(0.4, -1.5, 0), (0.3 + 0.2j, 1.2, 1), (0.6, 2.0, 0)])
def test_finite_time_p_jump_from_adiabatic_state(v, a, initial, reference_solve, lz_h):
    """Start in adiabatic state `initial` at t0 (eigenvector of H(t0) by numpy.eigh, independent
    of lzsm.bases), evolve with DOP853, project on the other eigenvector of H(t)."""
    t0, t = -5.0, 7.0
    h = lz_h(v, a)
    _, vec0 = np.linalg.eigh(h(t0))
    psi = reference_solve(h, (t0, t), vec0[:, initial])
    _, vec = np.linalg.eigh(h(t))
    ref = abs(np.vdot(vec[:, 1 - initial], psi)) ** 2
    assert lzsm.finite_time_p_jump(v, a, t, t0, initial) == pytest.approx(ref, abs=1e-9)


def test_transition_time_diabatic_limit():
    """Diabatic picture, delta -> 0: tau = 2 sqrt(pi hbar/|alpha|).
    Derived: first-order perturbation theory, c_2(t) = -(i V/hbar) int_{-inf}^t exp(i alpha t'^2/(2 hbar)) dt',
    so P(inf) = 2 pi V^2/(hbar alpha) and P'(0) = (V^2/hbar^2) sqrt(pi hbar/alpha); tau = P(inf)/P'(0).
    Corrections are O(delta) (next order); rel. tolerance 10 delta."""
    for a, hbar in ((1.0, 1.0), (-4.0, 1.0), (2.0, 2.5)):
        v = 1e-3 * math.sqrt(hbar * abs(a))  # delta = 1e-6
        tau = lzsm.lz_transition_time(v, a, hbar)
        assert tau == pytest.approx(2 * math.sqrt(math.pi * hbar / abs(a)), rel=1e-5)


def test_transition_time_other_limits():
    """Derived: whenever the state is a single adiabatic (delta -> inf, diabatic picture) or
    diabatic (delta -> 0, adiabatic picture) state, P(t) = cos^2 theta(t) and
    P'(0) = |d theta/dt| = |alpha|/(4|V|), so tau = 4|V|/|alpha|.  Corrections: O(1/delta)
    (non-adiabatic) resp. O(delta); stated tolerances 1/delta resp. 10 delta."""
    v, a = 5.0, 1.0  # delta = 25
    assert lzsm.lz_transition_time(v, a) == pytest.approx(4 * v / a, rel=1 / 25)
    v = 1e-3  # delta = 1e-6
    assert lzsm.lz_transition_time(v, a, picture="adiabatic") == pytest.approx(4 * v / a, rel=1e-5)


def test_vectorised_evaluation_of_10k_points():
    v = np.linspace(0.05, 2.0, 100)[:, None]
    t = np.linspace(-50.0, 50.0, 100)
    p = lzsm.finite_time_p_diabatic_stay(v, 1.0, t)
    assert p.shape == (100, 100)
    assert np.all(np.isfinite(p)) and np.all((p >= -1e-12) & (p <= 1 + 1e-12))
    pj = lzsm.finite_time_p_jump(v, -1.0, t, t0=-60.0)
    assert pj.shape == (100, 100) and np.all(np.isfinite(pj))
    u = lzsm.lz_propagator(v, 1.0, t, -t)
    assert u.shape == (100, 100, 2, 2) and np.all(np.isfinite(u))


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: lzsm.lz_probability(np.nan, 1.0), "coupling"),
        (lambda: lzsm.lz_probability(np.inf, 1.0), "coupling"),
        (lambda: lzsm.lz_probability(0.5, 0.0), "sweep_rate"),
        (lambda: lzsm.lz_probability(0.5, np.nan), "sweep_rate"),
        (lambda: lzsm.lz_probability(0.5, 1.0, hbar=-1.0), "hbar"),
        (lambda: lzsm.lz_probability(0.5, 1.0, hbar=0.0), "hbar"),
        (lambda: lzsm.adiabaticity(0.5, 1.0, hbar=np.nan), "hbar"),
        (lambda: lzsm.sweep_rate_for_probability(1.2, 0.5), "p_diabatic_stay"),
        (lambda: lzsm.sweep_rate_for_probability(0.0, 0.5), "p_diabatic_stay"),
        (lambda: lzsm.sweep_rate_for_probability(1.0, 0.5), "p_diabatic_stay"),
        (lambda: lzsm.sweep_rate_for_probability(0.3, 0.0), "coupling"),
        (lambda: lzsm.coupling_for_probability(-0.1, 1.0), "p_diabatic_stay"),
        (lambda: lzsm.coupling_for_probability(0.5, 0.0), "sweep_rate"),
        (lambda: lzsm.regime(0.5, 1.0, tolerance=1.5), "tolerance"),
        (lambda: lzsm.stokes_phase(-1.0), "delta"),
        (lambda: lzsm.lz_propagator(np.nan, 1.0, 1.0, 0.0), "coupling"),
        (lambda: lzsm.lz_propagator(0.5, 0.0, 1.0, 0.0), "sweep_rate"),
        (lambda: lzsm.lz_propagator(0.5, 1.0, np.inf, 0.0), "t"),
        (lambda: lzsm.lz_propagator(0.5, 1.0, 1.0, np.nan), "t0"),
        (lambda: lzsm.lz_propagator(0.5, 1.0, 1.0, 0.0, hbar=-2.0), "hbar"),
        (lambda: lzsm.lz_propagator(20.0, 1.0, 1.0, 0.0), "delta"),  # beyond MAX_FINITE_TIME_DELTA
        (lambda: lzsm.lz_amplitudes(0.5, 1.0, 1.0, np.inf), "t0"),
        (lambda: lzsm.lz_amplitudes(0.5, 1.0, 1.0, -np.inf, initial=2), "initial"),
        (lambda: lzsm.lz_amplitudes(0.5, 1.0, 1.0, -np.inf, initial=[0.6, 0.8]), "initial"),
        (lambda: lzsm.lz_amplitudes(0.5, 1.0, 1.0, 0.0, initial=[1.0, 1.0]), "initial"),
        (lambda: lzsm.finite_time_p_jump(0.5, 1.0, 1.0, initial=2), "initial"),
        (lambda: lzsm.lz_transition_time(0.0, 1.0), "coupling"),
        (lambda: lzsm.lz_transition_time(0.5, 1.0, picture="sideways"), "picture"),
    ],
)
def test_bad_input_raises_value_error_naming_the_parameter(call, name):
    with pytest.raises(ValueError) as info:
        call()
    assert isinstance(info.value, lzsm.LzsmValueError)
    assert name in str(info.value)


def test_max_delta_constant_is_the_documented_limit():
    assert lzsm.closed_forms.landau_zener.MAX_FINITE_TIME_DELTA == 200.0
    # delta = 199 (P_LZ ~ 0 but finite) is still evaluated, normalised
    c = lzsm.lz_amplitudes(math.sqrt(199.0), 1.0, 3.0)
    assert abs(np.linalg.norm(c) - 1) < 1e-10


def test_lz_probability_where_hbar_times_sweep_rate_overflows():
    # V^2 and hbar |alpha| both overflowed: inf / inf = NaN; delta is exactly 1 here
    v, a, hbar = 1.3407807929942597e154, 1.797693134862316e296, 1e12
    assert float(lzsm.adiabaticity(v, a, hbar)) == pytest.approx(1.0, rel=1e-12)
    assert float(lzsm.lz_probability(v, a, hbar)) == pytest.approx(math.exp(-2 * math.pi), rel=1e-12)
    assert float(lzsm.adiabaticity(1e300, 1.0)) == math.inf and float(lzsm.lz_probability(1e300, 1.0)) == 0.0


@pytest.mark.parametrize("t", [1e12, 1e150, 1e300, 1.7e308])
def test_finite_time_closed_form_at_any_time_is_the_asymptotic_value(t):
    # t = 1e300 looped forever in the parabolic-cylinder kernel (s^2 overflowed)
    p_lz = math.exp(-math.pi / 2)
    assert float(lzsm.finite_time_p_diabatic_stay(0.5, 1.0, t, -t)) == pytest.approx(p_lz, abs=1e-12)
    assert float(lzsm.finite_time_p_jump(0.5, 1.0, t)) == pytest.approx(p_lz, abs=1e-12)
