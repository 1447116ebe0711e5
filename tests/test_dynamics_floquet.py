"""Floquet analysis (lzsm.floquet): one-period propagator, quasienergies, stroboscopic states and
exact time averages, on the compiled path (harmonic/triangular kernels, including the
time-symmetric half-period shortcut at phase 0) and the lock-step path (callable drives).

References: lzsm.propagator / lzsm.evolve over the same times (checked against closed forms and
scipy in test_propagation.py and test_drives.py); brute-force time averages by Simpson's rule
on a fine grid of evolve populations; matrix powers of U_T.  Floquet theory: J. H. Shirley,
Phys. Rev. 138, B979 (1965).  Drive convention: docs/conventions.md,
``H(t) = -(Delta/2) sigma_x - ((eps0 + A cos(omega t + phi))/2) sigma_z``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import simpson

import lzsm

# phase 0 is time-symmetric (the second half period is unfolded from the first); 0.3 is not
PHASES = [0.0, 0.3]


def triangle(theta):
    x = np.mod(np.asarray(theta, dtype=float), 2 * np.pi)
    return np.where(x <= np.pi, 1 - 2 * x / np.pi, -3 + 2 * x / np.pi)


def brute_average(model, n, t0=0.0, points_per_period=2000, initial=0):
    """(1/(nT)) int_{t0}^{t0+nT} |psi_j(t)|^2 dt by composite Simpson on evolve populations.

    Simpson's error is (nT) h^4 max|P''''| / 180 / (nT); the populations oscillate at most at the
    largest level splitting Omega <= |eps0| + A + Delta, so with h = T/2000 the error is
    <= (h Omega)^4 / 180 ~ 1e-10 for the parameters below (Omega T <~ 20)."""
    period = 2 * np.pi / float(model.frequency)
    t = np.linspace(t0, t0 + n * period, points_per_period * n + 1)
    ev = lzsm.evolve(model, (t[0], t[-1]), initial, t_eval=t)
    return simpson(ev.populations, x=t, axis=-2) / (n * period)


# --------------------------------------------------------------------------- propagator
@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("shape", ["harmonic", "triangular"])
@pytest.mark.parametrize("n_samples", [0, 32, 33])
def test_one_period_propagator_equals_propagator(phase, shape, n_samples):
    m = lzsm.PeriodicDrive(1.0, 2.0, 5.0, 3.0, phase, shape=shape)
    period = 2 * np.pi / 3.0
    fl = lzsm.floquet(m, n_samples=n_samples)
    u = lzsm.propagator(m, (0.0, period))[..., -1, :, :]
    assert fl.propagator.shape == (2, 2)
    assert np.max(np.abs(fl.propagator - u)) <= 1e-9
    assert fl.period == pytest.approx(period, rel=1e-15)
    assert np.allclose(fl.frequency, 3.0, rtol=1e-15)
    if n_samples:
        # samples U(k T / M), k = 0..M, equal the propagator at those times
        assert fl.samples.shape == (n_samples + 1, 2, 2)
        ts = np.linspace(0.0, period, n_samples + 1)
        ref = lzsm.propagator(m, (0.0, period), ts)
        assert np.max(np.abs(fl.samples - ref)) <= 1e-9
    else:
        assert fl.samples is None


@pytest.mark.parametrize("t0", [0.37, 2 * np.pi / 3.0 / 2])  # generic, and the time-symmetric half period
def test_period_starting_at_t0(t0):
    m = lzsm.PeriodicDrive(1.0, 2.0, 5.0, 3.0)
    period = 2 * np.pi / 3.0
    fl = lzsm.floquet(m, t0=t0, n_samples=16)
    u = lzsm.propagator(m, (t0, t0 + period), np.linspace(t0, t0 + period, 17))
    assert np.max(np.abs(fl.samples - u)) <= 1e-9
    # quasienergies do not depend on t0 (U_T(t0) are unitarily equivalent)
    assert np.allclose(fl.quasienergies, lzsm.floquet(m).quasienergies, atol=1e-9)


def test_grid_with_period_dependent_frequency():
    om = np.array([1.5, 3.0, 4.5])[:, None]
    m = lzsm.PeriodicDrive(1.0, np.array([0.5, 2.0]), 5.0, om, 0.2)
    fl = lzsm.floquet(m, n_samples=16)
    assert fl.propagator.shape == (3, 2, 2, 2) and fl.samples.shape == (3, 2, 17, 2, 2)
    assert np.allclose(fl.period, 2 * np.pi / om, rtol=1e-15)
    for idx in np.ndindex(3, 2):
        p = m.point(idx)
        u = lzsm.propagator(p, (0.0, float(p.period)))[..., -1, :, :]
        assert np.max(np.abs(fl.propagator[idx] - u)) <= 1e-9


# --------------------------------------------------------------------------- spectrum invariants
drives = st.fixed_dictionaries(
    {
        "gap": st.floats(0.0, 3.0),
        "offset": st.floats(-8.0, 8.0),
        "amplitude": st.floats(0.0, 10.0),
        "frequency": st.floats(0.5, 6.0),
        "phase": st.sampled_from([0.0, 0.3, -1.9]),
        "shape": st.sampled_from(["harmonic", "triangular"]),
    }
)


@given(p=drives, center=st.floats(-5.0, 5.0), hbar=st.sampled_from([1.0, 0.5, 2.0]))
def test_floquet_spectrum_invariants(p, center, hbar):
    m = lzsm.PeriodicDrive(**p, hbar=hbar)
    fl = lzsm.floquet(m, zone_center=center)
    u, lam, vec, eps = fl.propagator, fl.eigenvalues, fl.states, fl.quasienergies
    assert np.max(np.abs(u @ np.conj(u.T) - np.eye(2))) <= 1e-12  # unitary
    assert np.max(np.abs(np.abs(lam) - 1.0)) <= 1e-12  # on the unit circle
    assert np.max(np.abs(np.conj(vec.T) @ vec - np.eye(2))) <= 1e-10  # orthonormal states
    assert np.max(np.abs(u @ vec - vec * lam)) <= 1e-9  # U_T u_a = lambda_a u_a
    hw = hbar * p["frequency"]
    assert np.all(eps >= center - hw / 2) and np.all(eps < center + hw / 2)  # folded into the zone
    assert np.all(np.diff(eps) >= 0)  # ascending
    # lambda_a = exp(-i eps_a T / hbar)
    assert np.max(np.abs(np.exp(-1j * eps * fl.period / hbar) - lam)) <= 1e-9
    # traceless H: det U_T = 1, so the quasienergies come in pairs +-e (mod hbar omega)
    s = (eps[0] + eps[1]) / hw
    assert abs(s - round(s)) <= 1e-9


@given(p=drives, n=st.integers(0, 1000))
def test_stroboscopic_equals_matrix_power(p, n):
    fl = lzsm.floquet(lzsm.PeriodicDrive(**p))
    psi0 = np.array([0.6, 0.8j])
    ref = np.linalg.matrix_power(fl.propagator, n) @ psi0
    assert np.max(np.abs(fl.stroboscopic(psi0, n)[0] - ref)) <= 1e-9 * (1 + n / 100)


def test_hbar_scales_quasienergies():
    h = 2.5
    ref = lzsm.floquet(lzsm.PeriodicDrive(1.0, 2.0, 5.0, 3.0, 0.3))
    scaled = lzsm.floquet(lzsm.PeriodicDrive(h * 1.0, h * 2.0, h * 5.0, 3.0, 0.3, hbar=h))
    assert np.allclose(scaled.quasienergies, h * ref.quasienergies, atol=1e-9)
    assert np.max(np.abs(scaled.propagator - ref.propagator)) <= 1e-9


def test_static_limit_quasienergies():
    # A = 0: H is static, eps_a = -+ sqrt(eps0^2 + Delta^2)/2 folded into [-hbar w/2, hbar w/2)
    gap, eps0, om = 1.0, 2.0, 1.7
    fl = lzsm.floquet(lzsm.PeriodicDrive(gap, eps0, 0.0, om))
    e = math.sqrt(eps0**2 + gap**2) / 2  # 1.118, outside the zone half-width 0.85: folds by one omega
    expected = np.sort([(x + om / 2) % om - om / 2 for x in (-e, e)])
    assert np.allclose(fl.quasienergies, expected, atol=1e-9)


# --------------------------------------------------------------------------- stroboscopic evolution
@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("shape", ["harmonic", "triangular"])
def test_stroboscopic_equals_direct_evolution(phase, shape):
    m = lzsm.PeriodicDrive(1.0, 2.0, 5.0, 3.0, phase, shape=shape)
    period = 2 * np.pi / 3.0
    n = np.arange(21)
    fl = lzsm.floquet(m)
    for initial in (0, np.array([0.6, 0.8j])):
        s = fl.stroboscopic(initial, n)
        assert s.shape == (21, 2)
        ev = lzsm.evolve(m, (0.0, 20 * period), initial, t_eval=n * period)
        assert np.max(np.abs(np.abs(s) ** 2 - ev.populations)) <= 1e-8


def test_stroboscopic_over_a_grid():
    om = np.array([2.0, 3.5])[:, None]
    m = lzsm.PeriodicDrive(1.0, np.array([0.0, 1.0, 4.0]), 3.0, om)
    fl = lzsm.floquet(m)
    s = fl.stroboscopic(1, [0, 5, 12])
    assert s.shape == (2, 3, 3, 2)
    for idx in np.ndindex(2, 3):
        p = m.point(idx)
        ev = lzsm.evolve(p, (0.0, 12 * float(p.period)), 1, t_eval=np.array([0, 5, 12]) * float(p.period))
        assert np.max(np.abs(np.abs(s[idx]) ** 2 - ev.populations)) <= 1e-8


def test_many_periods_stay_normalised():
    fl = lzsm.floquet(lzsm.PeriodicDrive(1.0, 2.0, 5.0, 3.0, 0.3))
    s = fl.stroboscopic(0, np.array([10**6]))
    # |lambda|^n with |lambda| = 1 to rounding: norm drift ~ n * 1e-16
    assert abs(np.linalg.norm(s[0]) - 1) <= 1e-8
    ref = np.linalg.matrix_power(fl.propagator, 10**6)[:, 0]
    assert np.max(np.abs(s[0] - ref)) <= 1e-6


# --------------------------------------------------------------------------- time averages
@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("n", [1, 3])
def test_time_average_equals_brute_force(phase, n):
    m = lzsm.PeriodicDrive(1.0, 2.0, 5.0, 3.0, phase)
    fl = lzsm.floquet(m, n_samples=64)
    for initial in (0, 1):
        avg = fl.time_averaged_populations(initial, n)
        assert avg.shape == (2,)
        # brute force: Simpson (~1e-10) + evolve (~1e-10); tolerance 1e-8
        assert np.max(np.abs(avg - brute_average(m, n, initial=initial))) <= 1e-8
        assert avg.sum() == pytest.approx(1.0, abs=1e-12)


def test_time_average_triangular_and_odd_samples():
    # triangle: H(t) has kinks, so the spectral period integral converges only algebraically
    # in the number of samples M (observed 2e-7 at M = 16, 5e-10 at 64, ~1e-11 at 256);
    # the kinks (multiples of T/2) are Simpson panel boundaries of the brute force
    m = lzsm.PeriodicDrive(1.0, 1.0, 4.0, 3.0, 0.0, shape="triangular")
    for ns in (256, 255):
        avg = lzsm.floquet(m, n_samples=ns).time_averaged_populations(0, 2)
        assert np.max(np.abs(avg - brute_average(m, 2))) <= 1e-9


@pytest.mark.parametrize("phase", PHASES)
def test_time_average_with_frequency_axis(phase):
    om = np.array([2.0, 3.0, 4.5])[:, None]
    m = lzsm.PeriodicDrive(1.0, np.array([0.5, 2.0]), 5.0, om, phase)
    fl = lzsm.floquet(m, n_samples=64)
    for n in (1, 3):
        avg = fl.time_averaged_populations(0, n)
        assert avg.shape == (3, 2, 2)
        for idx in np.ndindex(3, 2):
            assert np.max(np.abs(avg[idx] - brute_average(m.point(idx), n))) <= 1e-8, (n, idx)


def test_infinite_time_average_is_the_large_n_limit():
    fl = lzsm.floquet(lzsm.PeriodicDrive(1.0, 2.0, 5.0, 3.0, 0.3), n_samples=64)
    lam = fl.eigenvalues
    gap_on_circle = abs(1 - lam[0] * np.conj(lam[1]))
    assert gap_on_circle > 1.0  # non-degenerate quasienergies
    inf = fl.time_averaged_populations(0, None)
    # |P(n) - P(inf)| <= sum_{a != b} |c_a c_b| |G_ab(n)| |M_ab| <= 2 * (1/2) * 2 / (n |1 - lam_a lam_b*|)
    for n in (100, 2000):
        bound = 2 / (n * gap_on_circle)
        assert np.max(np.abs(fl.time_averaged_populations(0, n) - inf)) <= bound
    assert np.max(np.abs(fl.time_averaged_populations(0, 2000) - inf)) <= 1e-3
    assert inf.sum() == pytest.approx(1.0, abs=1e-12)


def test_infinite_time_average_static_rabi():
    # A = 0: time-averaged Rabi population of |2> from |1> is (1/2) Delta^2 / (Delta^2 + eps0^2)
    gap, eps0 = 0.8, 1.5
    fl = lzsm.floquet(lzsm.PeriodicDrive(gap, eps0, 0.0, 2.9), n_samples=32)
    assert fl.time_averaged_populations(0, None)[1] == pytest.approx(0.5 * gap**2 / (gap**2 + eps0**2), abs=1e-9)


# --------------------------------------------------------------------------- tracking
def test_track_quasienergies_along_an_offset_path():
    om = 3.0
    eps = np.linspace(0.0, 20.0, 201)
    m = lzsm.PeriodicDrive(1.0, eps, 5.0, om)
    fl = lzsm.floquet(m, zone_center=0.5)
    tracked, states = lzsm.track_quasienergies(fl)
    assert tracked.shape == (201, 2) and states.shape == (201, 2, 2)
    folded_jump = np.max(np.abs(np.diff(fl.quasienergies, axis=0)))
    tracked_jump = np.max(np.abs(np.diff(tracked, axis=0)))
    # folded levels wrap at the zone edges (jumps ~ hbar omega); tracked ones move at most
    # |d eps_a / d eps0| <= 1/2 per unit offset: 0.5 * 0.1 = 0.05 per step (+ rounding)
    assert folded_jump > 0.5 * om
    assert tracked_jump <= 0.06 and tracked_jump <= 0.02 * om
    # they leave the zone (unfolded) and remain quasienergies of the same points (mod hbar omega)
    assert np.ptp(tracked) > om
    d = (tracked[:, :, None] - fl.quasienergies[:, None, :]) / om
    assert np.all(np.min(np.abs(d - np.round(d)), axis=-1) <= 1e-9)
    # pairs +-e (traceless H) stay exact pairs along the continuous path
    assert np.max(np.abs(tracked.sum(axis=-1))) <= 1e-9
    # states are reordered with the energies: still eigenvectors of U_T
    lam = np.exp(-1j * tracked * fl.period[:, None])
    assert np.max(np.abs(fl.propagator @ states - states * lam[:, None, :])) <= 1e-9


def test_track_quasienergies_along_one_axis_of_a_grid():
    eps = np.linspace(0.0, 20.0, 101)
    m = lzsm.PeriodicDrive(1.0, eps[:, None], np.array([3.0, 5.0]), 3.0)
    fl = lzsm.floquet(m)
    tracked, _ = lzsm.track_quasienergies(fl, axis=0)
    assert tracked.shape == (101, 2, 2)
    for j, amp in enumerate((3.0, 5.0)):
        single, _ = lzsm.track_quasienergies(lzsm.floquet(lzsm.PeriodicDrive(1.0, eps, amp, 3.0)))
        assert np.allclose(tracked[:, j], single, atol=1e-12)


# --------------------------------------------------------------------------- lock-step path
@pytest.mark.parametrize("shape, f", [("harmonic", np.cos), ("triangular", triangle)])
def test_callable_drive_agrees_with_compiled(shape, f):
    gap, eps, amp, om, ph = 1.0, 1.5, 6.0, 2.0, 0.4
    a = lzsm.floquet(lzsm.PeriodicDrive(gap, eps, amp, om, ph, shape=shape), n_samples=32)
    bp = (np.arange(0, 3) * np.pi - ph) / om if shape == "triangular" else None  # kinks in [0, T]
    b = lzsm.floquet(lzsm.PeriodicDrive(gap, eps, amp, om, ph, shape=f), n_samples=32, breakpoints=bp)
    assert np.max(np.abs(a.propagator - b.propagator)) <= 1e-9
    assert np.max(np.abs(a.samples - b.samples)) <= 1e-9
    assert np.allclose(a.quasienergies, b.quasienergies, atol=1e-9)
    assert np.allclose(a.time_averaged_populations(0, 5), b.time_averaged_populations(0, 5), atol=1e-9)
    assert 0 < b.error_estimate < 1e-8  # the lock-step path reports its estimate (lzsm 0.1: NaN)


def test_callable_two_level_with_explicit_period():
    gap, eps, amp, om, ph = 1.0, 1.5, 6.0, 2.0, 0.4
    tl = lzsm.TwoLevel(bias=lambda t: -(eps + amp * np.cos(om * t + ph)), coupling=-gap / 2)
    a = lzsm.floquet(lzsm.PeriodicDrive(gap, eps, amp, om, ph), n_samples=16)
    b = lzsm.floquet(tl, period=2 * np.pi / om, n_samples=16)
    assert np.max(np.abs(a.propagator - b.propagator)) <= 1e-9
    assert np.allclose(a.quasienergies, b.quasienergies, atol=1e-9)


# --------------------------------------------------------------------------- errors
M = lzsm.PeriodicDrive(1.0, 2.0, 5.0, 3.0)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: lzsm.floquet(lzsm.LandauZener(0.5, 1.0)), "period"),
        (lambda: lzsm.floquet(M, n_samples=-1), "n_samples"),
        (lambda: lzsm.floquet(M, n_samples=2.5), "n_samples"),
        (lambda: lzsm.floquet(M, period=2.0), "period"),
        (lambda: lzsm.floquet(M, period=-1.0), "period"),
        (lambda: lzsm.floquet(M, zone_center=np.nan), "zone_center"),
        (lambda: lzsm.floquet(M).stroboscopic(0, -1), "n_periods"),
        (lambda: lzsm.floquet(M).stroboscopic(0, 1.5), "n_periods"),
        (lambda: lzsm.floquet(M).stroboscopic(2, 1), "initial"),
        (lambda: lzsm.floquet(M).stroboscopic([1.0, 1.0], 1), "initial"),
        (lambda: lzsm.floquet(M, n_samples=8).time_averaged_populations(0, 0), "n_periods"),
        (lambda: lzsm.floquet(M, n_samples=8).time_averaged_populations(0, 2.0), "n_periods"),
        (lambda: lzsm.floquet(M).time_averaged_populations(0, 3), "n_samples"),
        (lambda: lzsm.floquet(lzsm.PeriodicDrive(1.0, 0.0, 1.0, np.array([1.0, 2.0]), shape=np.cos)), "period"),
        (lambda: lzsm.track_quasienergies(lzsm.floquet(M)), "axis"),
    ],
)
def test_errors_name_the_parameter(call, name):
    with pytest.raises(ValueError) as info:
        call()
    assert isinstance(info.value, lzsm.LzsmValueError)
    assert name in str(info.value), str(info.value)


def test_not_a_model_is_a_type_error():
    with pytest.raises(TypeError, match="model"):
        lzsm.floquet("PeriodicDrive")


# --------------------------------------------------------------------------- powers for any n
@given(
    turns=st.floats(-0.5, 0.5, allow_nan=False),
    n=st.one_of(st.integers(0, 2**20), st.integers(0, 2**63 - 1)),
)
def test_phase_times_n_is_reduced_exactly_for_any_n(turns, n):
    from fractions import Fraction

    from lzsm.dynamics.floquet import _turns_times

    exact = Fraction(turns) * n
    exact -= math.trunc(exact)  # n * turns modulo 1 (sign of turns), in exact arithmetic
    got = float(_turns_times(np.array(turns), np.array(n)))
    assert abs(((got - float(exact)) + 0.5) % 1.0 - 0.5) <= 4e-16


def test_powers_of_unit_eigenvalues_stay_on_the_unit_circle_for_any_n():
    from lzsm.dynamics.floquet import power_phases

    lam = np.exp(1j * np.array([0.1, -2.3, 3.14159, 1e-9]))
    n = np.array([0, 1, 10**6, 10**12, 10**16, 10**18])[:, None]
    out = power_phases(lam, n)
    assert np.max(np.abs(np.abs(out) - 1.0)) <= 1e-15  # a bare lam ** n drifts off it as n grows
    assert np.allclose(out[:3], lam ** n[:3], atol=1e-9)


def test_stroboscopic_refuses_more_periods_than_the_one_period_phase_error_allows():
    fl = lzsm.floquet(lzsm.PeriodicDrive(1.0, 2.0, 5.0, 3.0, 0.3))
    err = float(np.max(fl.phase_error()))
    assert 0 < err < 1e-8  # about tol = 1e-10 per step, over the steps of one period
    largest = int(0.1 / err)
    fl.stroboscopic(0, [largest])  # still trusted: phases off by at most 0.1 rad
    for n in (10 * largest, 10**12, 10**16, 10**18):
        with pytest.raises(lzsm.LzsmValueError, match=r"`n_periods` = \d+ is more periods .* largest trustworthy"):
            fl.stroboscopic(0, [n])


def test_phase_error_bounds_the_eigenphase_error_of_one_period():
    m = lzsm.PeriodicDrive(1.0, np.linspace(0, 40, 9)[:, None], np.linspace(0, 40, 9)[None, :], 1.0)
    for tol in (1e-8, 1e-10):
        fl = lzsm.floquet(m, tol=tol)
        ref = lzsm.floquet(m, tol=1e-14)
        off = np.max(np.abs(np.angle(fl.eigenvalues / ref.eigenvalues)), axis=-1)
        assert np.all(off <= fl.phase_error() + ref.phase_error())


def test_time_average_over_huge_n_stays_a_probability_and_tends_to_the_infinite_average():
    fl = lzsm.floquet(lzsm.PeriodicDrive(1.0, np.array([0.0, 2.0, 5.0]), 4.0, 3.0, 0.3), n_samples=64)
    inf = fl.time_averaged_populations(0, None)
    for n in (10**9, 10**12, 10**18):
        avg = fl.time_averaged_populations(0, n)
        assert np.all((avg >= -1e-12) & (avg <= 1 + 1e-12))
        assert np.max(np.abs(avg - inf)) <= 1e-6


def test_floquet_refuses_a_period_beyond_the_step_budget_before_integrating():
    slow = lzsm.PeriodicDrive(gap=1.0, offset=0.0, amplitude=40.0, frequency=1e-6)
    with pytest.raises(lzsm.LzsmResourceError, match=r"one drive period needs at least 1\.2.e\+07 steps .*frequency"):
        lzsm.floquet(slow)


def test_floquet_refuses_samples_beyond_the_memory_budget_naming_n_samples(monkeypatch):
    # 1e6 samples (the largest n_samples accepted) x 2 x 2 complex: 244 MiB, over a budget of 100 MiB
    monkeypatch.setenv("LZSM_MEMORY_LIMIT", "100MiB")
    with pytest.raises(lzsm.LzsmResourceError, match=r"needs about 244 MiB .*`n_samples`.* budget of 100 MiB"):
        lzsm.floquet(lzsm.PeriodicDrive(1.0, 0.0, 1.0, 5.0), n_samples=10**6)


# --------------------------------------------------------------------------- 2 x 2 eigensolver
@settings(max_examples=60, deadline=None)
@given(
    phase=st.floats(-np.pi, np.pi),
    theta=st.one_of(st.floats(0.0, np.pi), st.sampled_from([0.0, 1e-9, np.pi, np.pi - 1e-9])),
    axis=st.tuples(st.floats(-1, 1), st.floats(-1, 1), st.floats(-1, 1)),
)
def test_closed_form_eigenvectors_of_2x2_unitaries(phase, theta, axis):
    """U = e^{i phase} exp(i theta n.sigma), degenerate (theta = 0, pi) and nearly so included:
    U V = V diag(lambda) and V^dagger V = 1 to rounding, the eigenvalues e^{i (phase +- theta)}."""
    from lzsm.dynamics.floquet import _eig_unitary

    n = np.array(axis)
    n = n / np.linalg.norm(n) if np.linalg.norm(n) > 1e-3 else np.array([0.0, 0.0, 1.0])
    ns = n[0] * np.array([[0, 1], [1, 0]]) + n[1] * np.array([[0, -1j], [1j, 0]]) + n[2] * np.diag([1, -1])
    u = np.exp(1j * phase) * (np.cos(theta) * np.eye(2) + 1j * np.sin(theta) * ns)
    lam, vec = _eig_unitary(u)
    assert np.max(np.abs(vec.conj().T @ vec - np.eye(2))) <= 1e-14
    assert np.max(np.abs(u @ vec - vec * lam)) <= 1e-14
    expected = np.exp(1j * (phase + np.array([theta, -theta])))
    assert min(np.max(np.abs(lam - expected)), np.max(np.abs(lam - expected[::-1]))) <= 1e-14
