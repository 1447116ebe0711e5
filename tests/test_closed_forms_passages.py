"""Closed forms for multiple passages and periodic driving (lzsm.passages) against exact numerics.

* Double passage (Stückelberg): the adiabatic-impulse model (AIM; Shevchenko, Ashhab & Nori,
  Phys. Rep. 492, 1 (2010) [SAN], Sec. 3, eq. (20)) ``P_+ = 4 P (1 - P) sin^2(zeta + phi_S)``
  against lzsm.evolve of lzsm.DoublePassage (exact; see test_propagation.py), where the AIM
  holds (well separated crossings) and where it must fail (merged crossings).
* Incoherent passages: ``(1 - (1 - 2P)^n)/2``; for n = 2 the average of the exact fringe.
* Fast driving (SAN eq. (38), RWA around each multiphoton resonance) against the exact
  infinite-time Floquet average (lzsm.floquet, checked in test_floquet.py), and coherent
  destruction of tunnelling at the zeros of J_k.
Bessel reference values: Abramowitz & Stegun, Table 9.1 and Table 9.5 (zeros).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.integrate import quad
from scipy.optimize import brentq

import lzsm
from lzsm.closed_forms.passages import double_passage_dynamical_phase, dressed_gap

P_HALF_COUPLING = math.sqrt(math.log(2) / (2 * math.pi))  # P_LZ = 1/2 at alpha = 1


def exact_double_passage(v, a, tc, shape, span=60.0):
    """p_jump of an exact propagation from 'lower' at -span to +span (crossings at +-tc).

    With span = 60 >= 3 t_c the adiabatic states at the ends miss a dressing of order
    |V| |d bias/dt| / bias^3 <~ 1e-5 (first-order adiabatic perturbation theory)."""
    ev = lzsm.evolve(lzsm.DoublePassage(v, a, tc, shape=shape), (-span, span), "lower")
    assert ev.ok
    return ev.p_jump


# --------------------------------------------------------------------------- dynamical phase
def test_dynamical_phase_triangular_closed_form():
    # zeta = (1/hbar) int_0^tc sqrt(a^2 (tc - t)^2 + 4V^2) dt = (1/(a hbar)) F(a tc), with
    # F(u) = u/2 sqrt(u^2 + c^2) + c^2/2 asinh(u / c), c = 2|V|
    for v, a, tc, hbar in ((0.3, 1.0, 5.0, 1.0), (0.5j, 2.0, 1.3, 1.0), (0.2, 0.7, 9.0, 0.4)):
        c = 2 * abs(v)
        u = a * tc
        ref = (u / 2 * math.sqrt(u * u + c * c) + c * c / 2 * math.asinh(u / c)) / (a * hbar)
        got = double_passage_dynamical_phase(v, a, tc, "triangular", hbar)
        assert got == pytest.approx(ref, rel=1e-12)


def test_dynamical_phase_parabolic_quadrature():
    for v, a, tc in ((0.3, 1.0, 5.0), (0.5, 2.0, 1.3), (0.05, 0.7, 9.0)):
        ref = (
            quad(
                lambda t, v=v, a=a, tc=tc: math.sqrt((a * (tc**2 - t**2) / (2 * tc)) ** 2 + 4 * v * v),
                -tc,
                tc,
                epsabs=1e-13,
                epsrel=1e-13,
            )[0]
            / 2
        )
        assert double_passage_dynamical_phase(v, a, tc) == pytest.approx(ref, rel=1e-11)
    # large-t_c limit: zeta -> (1/2) int |bias| = alpha t_c^2 / 3 (parabolic), alpha t_c^2 / 2 (triangular)
    assert double_passage_dynamical_phase(1e-3, 1.0, 30.0) == pytest.approx(300.0, rel=1e-4)
    assert double_passage_dynamical_phase(1e-3, 1.0, 30.0, "triangular") == pytest.approx(450.0, rel=1e-4)


# --------------------------------------------------------------------------- AIM vs exact
@pytest.mark.parametrize("shape", ["parabolic", "triangular"])
@pytest.mark.parametrize("v", [0.2, P_HALF_COUPLING, 0.5])
def test_double_passage_aim_matches_exact_for_separated_crossings(shape, v):
    """alpha = 1, t_c from 15 (= 15/sqrt(alpha)) on, 25 values over which zeta changes by
    > 2 pi (d zeta/d t_c ~ 2 alpha t_c/3 parabolic, alpha t_c triangular), so the exact p_jump
    runs through two whole Stückelberg fringes, sampled every ~0.09 pi.  Tolerance 2e-2: the
    AIM's accuracy here (measured max error 1.5e-2 for V = 0.5 parabolic, from the curvature of
    the parabolic crossings; < 1e-3 for the exactly linear triangular sweeps)."""
    a = 1.0
    tc = np.linspace(15.0, 15.7 if shape == "parabolic" else 15.46, 25)
    zeta = double_passage_dynamical_phase(v, a, tc, shape)
    assert zeta[-1] - zeta[0] > 2 * np.pi
    exact = exact_double_passage(v, a, tc, shape)
    aim = lzsm.double_passage_probability(v, a, tc, shape)
    p = lzsm.lz_probability(v, a)
    # the exact fringe spans its full contrast 4 P (1 - P) (a factor 2 in P would show here)
    assert np.max(exact) == pytest.approx(4 * p * (1 - p), abs=0.05)
    assert np.min(exact) <= 0.05
    tol = 2e-2 if shape == "parabolic" else 2e-3
    assert np.max(np.abs(exact - aim)) <= tol


def test_double_passage_aim_fails_when_crossings_merge():
    """t_c = 0.5 << LZ transition time (~ 2 sqrt(hbar/alpha) max(1, sqrt(delta))): the two
    crossings overlap and the AIM (independent LZ transitions + Stokes phase) is off by > 0.1."""
    v, a = 0.5, 1.0
    for tc, shape in ((0.5, "parabolic"), (0.3, "parabolic"), (0.5, "triangular")):
        err = abs(exact_double_passage(v, a, tc, shape) - lzsm.double_passage_probability(v, a, tc, shape))
        assert err > 0.1, (tc, shape, err)


def test_double_passage_probability_hbar_and_grid():
    h = 2.0
    tc = np.array([15.0, 15.3])
    ref = lzsm.double_passage_probability(0.3, 1.0, tc)
    assert np.allclose(lzsm.double_passage_probability(h * 0.3, h * 1.0, tc, hbar=h), ref, rtol=1e-12)
    grid = lzsm.double_passage_probability(np.array([0.2, 0.3])[:, None], 1.0, tc)
    assert grid.shape == (2, 2) and np.allclose(grid[1], ref, rtol=1e-14)
    assert isinstance(lzsm.double_passage_probability(0.3, 1.0, 15.0), float | np.floating)


# --------------------------------------------------------------------------- incoherent limit
@pytest.mark.parametrize("shape", ["parabolic", "triangular"])
def test_incoherent_two_passages_is_the_fringe_average(shape):
    """Average the exact p_jump over 16 crossing times whose zeta are equally spaced over one
    period pi of sin^2(zeta + phi_S): the AIM fringe averages to exactly 2P(1-P) (equally spaced
    samples of a degree-2 trigonometric polynomial), so the remaining difference is the AIM's
    error (<= 2e-2 above, measured ~1e-5 after averaging).  Tolerance 1e-2.  V = 0.2: P = 0.78,
    2P(1-P) = 0.345, distinct from 1/2 (full mixing) and from 4P(1-P)."""
    v, a = 0.2, 1.0
    z0 = double_passage_dynamical_phase(v, a, 15.0, shape)
    n = 16
    tcs = np.array(
        [
            brentq(
                lambda tc, k=k: double_passage_dynamical_phase(v, a, tc, shape) - (z0 + k * np.pi / n),
                14.0,
                17.0,
                xtol=1e-13,
            )
            for k in range(n)
        ]
    )
    exact = exact_double_passage(v, a, tcs, shape)
    p = lzsm.lz_probability(v, a)
    inc = lzsm.incoherent_passages_probability(p, 2)
    assert inc == pytest.approx(2 * p * (1 - p), rel=1e-14)
    assert np.mean(exact) == pytest.approx(inc, abs=1e-2)
    assert np.ptp(exact) > 0.5  # the samples do span the fringe


@given(p=st.floats(0.0, 1.0), n=st.integers(0, 50))
def test_incoherent_passages_formula(p, n):
    got = lzsm.incoherent_passages_probability(p, n)
    # rate equation: two-state Markov chain with flip probability p per passage
    q = 0.0
    for _ in range(n):
        q = q * (1 - p) + (1 - q) * p
    assert got == pytest.approx(q, abs=1e-12)
    assert 0.0 <= got <= 1.0


def test_incoherent_passages_values():
    assert lzsm.incoherent_passages_probability(0.3, 0) == 0.0
    assert lzsm.incoherent_passages_probability(0.3, 1) == pytest.approx(0.3, rel=1e-15)
    assert lzsm.incoherent_passages_probability(0.3, 2) == pytest.approx(0.42, rel=1e-14)
    assert lzsm.incoherent_passages_probability(0.3, 10_000) == pytest.approx(0.5, abs=1e-15)
    out = lzsm.incoherent_passages_probability(np.array([0.1, 0.5]), np.array([[2], [3]]))
    assert out.shape == (2, 2) and np.allclose(out, [[0.18, 0.5], [0.244, 0.5]], atol=1e-14)


@pytest.mark.parametrize(
    "args, name", [((-0.1, 2), "p_lz"), ((1.5, 2), "p_lz"), ((0.3, -1), "n_passages"), ((0.3, 2.5), "n_passages")]
)
def test_incoherent_passages_bad_input(args, name):
    with pytest.raises(ValueError, match=name):
        lzsm.incoherent_passages_probability(*args)


# --------------------------------------------------------------------------- multiphoton / dressed gap
def test_multiphoton_resonances_values():
    r = lzsm.multiphoton_resonances(2.5, 3)
    assert np.allclose(r, [-7.5, -5.0, -2.5, 0.0, 2.5, 5.0, 7.5], atol=0)
    assert np.allclose(lzsm.multiphoton_resonances(2.5, 2, hbar=0.5), [-2.5, -1.25, 0.0, 1.25, 2.5], atol=0)
    grid = lzsm.multiphoton_resonances(np.array([1.0, 3.0]), 1)
    assert grid.shape == (2, 3) and np.allclose(grid, [[-1, 0, 1], [-3, 0, 3]], atol=0)
    assert np.array_equal(lzsm.multiphoton_resonances(1.0, 0), [0.0])


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: lzsm.multiphoton_resonances(0.0, 2), "frequency"),
        (lambda: lzsm.multiphoton_resonances(1.0, -1), "k_max"),
        (lambda: lzsm.multiphoton_resonances(1.0, 2.5), "k_max"),
        (lambda: dressed_gap(1.0, -1.0, 1.0, 1), "amplitude"),
        (lambda: dressed_gap(1.0, 1.0, 0.0, 1), "frequency"),
    ],
)
def test_periodic_closed_forms_bad_input(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def bessel_integral(k, x):
    """J_k(x) = (1/pi) int_0^pi cos(k tau - x sin tau) d tau (Bessel's integral), by quad."""
    return quad(lambda tau: math.cos(k * tau - x * math.sin(tau)), 0.0, math.pi, epsabs=1e-14)[0] / math.pi


def test_dressed_gap_values():
    # A&S Table 9.1: J0(1) = 0.7651976866, J1(1) = 0.4400505857, J2(1) = 0.1149034849
    assert dressed_gap(2.0, 3.0, 3.0, 0) == pytest.approx(2 * 0.7651976866, abs=1e-9)
    assert dressed_gap(2.0, 3.0, 3.0, 1) == pytest.approx(2 * 0.4400505857, abs=1e-9)
    assert dressed_gap(2.0, 3.0, 3.0, 2) == pytest.approx(2 * 0.1149034849, abs=1e-9)
    # J_{-k} = (-1)^k J_k ; argument is A / (hbar omega)
    assert dressed_gap(2.0, 3.0, 3.0, -1) == pytest.approx(-2 * 0.4400505857, abs=1e-9)
    assert dressed_gap(2.0, 3.0, 6.0, 1, hbar=0.5) == pytest.approx(2 * 0.4400505857, abs=1e-9)
    # zeros (A&S Table 9.5): j_{0,1} = 2.4048255577, j_{1,1} = 3.8317059702, j_{2,1} = 5.1356223018
    for k, j in ((0, 2.4048255577), (1, 3.8317059702), (2, 5.1356223018)):
        assert abs(dressed_gap(1.0, j * 4.0, 4.0, k)) <= 1e-9
    ks = np.arange(-4, 5)
    got = dressed_gap(0.7, 5.3, 2.0, ks)
    assert np.allclose(got, [0.7 * bessel_integral(int(k), 2.65) for k in ks], atol=1e-12)


# --------------------------------------------------------------------------- fast driving
def test_fast_driving_static_limit_is_exact():
    # A = 0: only k = 0 survives; time-averaged Rabi population (1/2) Delta^2 / (Delta^2 + eps0^2)
    gap, eps0 = 0.3, np.array([0.0, 0.2, 1.0, 7.0])
    got = lzsm.fast_driving_upper_population(gap, eps0, 0.0, 5.0)
    assert np.allclose(got, 0.5 * gap**2 / (gap**2 + eps0**2), rtol=1e-14)


def test_fast_driving_matches_exact_floquet_average():
    """hbar omega = 5 >> Delta = 0.2, A = 12 (A/hbar omega = 2.4), eps0 across the 2-photon
    resonance and between resonances.  Exact: infinite-time average of the diabatic |2>
    population from |1> (n_samples = 128, converged to 1e-12).  The RWA (SAN eq. (38)) drops
    the other photon numbers, whose level shifts move the resonance by
    ~ sum_{k'!=k} Delta_k'^2 / (2 (k - k') hbar omega) ~ 1e-3, i.e. an error O(Delta / hbar omega)
    on the Lorentzian's flanks: measured 5.9e-3 at Delta = 0.2 and half that at Delta = 0.1.
    Tolerance 8e-3 (the peak is 0.5, its width Delta_2 = 0.086: a factor 2 anywhere fails)."""
    w, amp = 5.0, 12.0
    errs = {}
    for gap in (0.2, 0.1):
        # +-3 resonance widths Delta_2 = 0.43 Delta around eps0 = 2 hbar omega, and between resonances
        eps0 = np.concatenate([10.0 + np.linspace(-1.5, 1.5, 49) * gap, [3.0, 7.5, 12.0]])
        fl = lzsm.floquet(lzsm.PeriodicDrive(gap, eps0, amp, w), n_samples=128)
        exact = fl.time_averaged_populations(0, None)[..., 1]
        rwa = lzsm.fast_driving_upper_population(gap, eps0, amp, w)
        errs[gap] = np.max(np.abs(exact - rwa))
        assert np.max(exact) == pytest.approx(0.5, abs=1e-3)  # on resonance: full mixing
    assert errs[0.2] <= 8e-3
    assert 1.5 <= errs[0.2] / errs[0.1] <= 2.5  # the RWA error is first order in Delta / hbar omega


def test_fast_driving_hbar():
    h = 0.5
    ref = lzsm.fast_driving_upper_population(0.2, 9.9, 12.0, 5.0)
    assert lzsm.fast_driving_upper_population(h * 0.2, h * 9.9, h * 12.0, 5.0, hbar=h) == pytest.approx(ref, rel=1e-12)


@pytest.mark.parametrize("k", [1, 2])
def test_coherent_destruction_of_tunnelling(k):
    """On the k-photon resonance eps0 = k hbar omega with A / hbar omega at the first zero of
    J_k, the dressed tunnelling Delta_k vanishes: the time-averaged |2> population over 200
    periods stays < 1e-2 in the exact Floquet numerics (residual: off-resonant admixture
    ~ (Delta / hbar omega)^2 and higher-order Delta_k), while at A / hbar omega = 2.4 (J_k != 0)
    it is large.  Slightly detuned (0.05, half the unsuppressed width), the RWA and the exact
    infinite-time average are both suppressed at the zero."""
    gap, w = 0.2, 5.0
    zero = {1: 3.8317059702075125, 2: 5.135622301840683}[k]  # A&S Table 9.5
    at_zero = lzsm.floquet(lzsm.PeriodicDrive(gap, k * w, zero * w, w), n_samples=128)
    generic = lzsm.floquet(lzsm.PeriodicDrive(gap, k * w, 2.4 * w, w), n_samples=128)
    assert at_zero.time_averaged_populations(0, 200)[1] < 1e-2
    assert generic.time_averaged_populations(0, 200)[1] > 0.2
    detuned = lzsm.floquet(lzsm.PeriodicDrive(gap, k * w + 0.05, zero * w, w), n_samples=128)
    assert detuned.time_averaged_populations(0, None)[1] < 1e-2
    assert lzsm.fast_driving_upper_population(gap, k * w + 0.05, zero * w, w) < 1e-2
    assert lzsm.fast_driving_upper_population(gap, k * w + 0.05, 2.4 * w, w) > 0.2


@pytest.mark.parametrize(
    "call",
    [
        lambda h: lzsm.multiphoton_resonances(1.0, 2, hbar=h),
        lambda h: dressed_gap(0.2, 1.0, 1.0, 1, hbar=h),
        lambda h: lzsm.fast_driving_upper_population(0.2, 1.0, 1.0, 1.0, hbar=h),
    ],
)
@pytest.mark.parametrize("h", [0.0, -1.0])
def test_periodic_closed_forms_validate_hbar(call, h):
    with pytest.raises(ValueError, match="hbar"):
        call(h)


def test_fast_driving_formula_refuses_slow_driving_where_it_exceeds_a_probability():
    # returned 1.19 at Delta = 1, eps0 = 0, A = 1, omega = 0.5
    with pytest.raises(lzsm.LzsmValueError, match=r"`frequency`: the fast-driving formula needs hbar omega >= \|gap\|"):
        lzsm.fast_driving_upper_population(1.0, 0.0, 1.0, 0.5)


def test_fast_driving_formula_with_a_gap_whose_square_underflows():
    # Delta_k^2 underflowed to 0: 0 / 0 = NaN; the k = 0 resonance at eps0 = 0 gives 1/2
    assert float(lzsm.fast_driving_upper_population(1e-300, 0.0, 0.0, 1.0)) == pytest.approx(0.5, rel=1e-12)
    assert float(lzsm.fast_driving_upper_population(1e-300, 1.0, 0.0, 5.0)) == 0.0
