"""Driven models (lzsm.PeriodicDrive, DoublePassage): Hamiltonians, shapes, validation.

docs/conventions.md, periodic driving (Shevchenko, Ashhab & Nori, Phys. Rep. 492, 1 (2010), eq. (2)):
``H(t) = -(Delta/2) sigma_x - ((eps0 + A f(omega t + phi))/2) sigma_z`` in the diabatic basis,
sigma_z = diag(1, -1), f = cos or the triangle wave with the same extrema and phase.
DoublePassage: bias E1 - E2 crosses zero at -t_c (rising) and +t_c (falling) with slope
``|d(E1 - E2)/dt| = sweep_rate``.  References below are written out by hand (independent of
lzsm) and, for propagation, scipy's DOP853 at rtol = atol = 1e-12 (conftest.reference_solve).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import lzsm

SX = np.array([[0, 1], [1, 0]], dtype=complex)
SZ = np.array([[1, 0], [0, -1]], dtype=complex)


def triangle(theta):
    """Triangle wave written out by hand: +1 at theta = 0 (mod 2 pi), -1 at pi, linear between."""
    x = np.mod(np.asarray(theta, dtype=float), 2 * np.pi)
    return np.where(x <= np.pi, 1 - 2 * x / np.pi, -3 + 2 * x / np.pi)


def drive_h(gap, offset, amplitude, frequency, phase=0.0, f=np.cos):
    """The docs/conventions.md H(t) of periodic driving, hand-written."""

    def h(t):
        return -(gap / 2) * SX - ((offset + amplitude * f(frequency * t + phase)) / 2) * SZ

    return h


def kink_times(frequency, phase, t0, t1):
    """Times in (t0, t1) where omega t + phi is a multiple of pi (kinks of the triangle wave)."""
    k = np.arange(math.floor((frequency * t0 + phase) / np.pi), math.ceil((frequency * t1 + phase) / np.pi) + 1)
    t = (k * np.pi - phase) / frequency
    return t[(t > t0) & (t < t1)]


# --------------------------------------------------------------------------- PeriodicDrive: H(t)
@given(
    gap=st.floats(0.0, 3.0),
    offset=st.floats(-10.0, 10.0),
    amp=st.floats(0.0, 10.0),
    om=st.floats(0.1, 10.0),
    ph=st.floats(-math.pi, math.pi),
    t=st.lists(st.floats(-20.0, 20.0), min_size=1, max_size=5),
)
def test_harmonic_hamiltonian_matches_physics_md(gap, offset, amp, om, ph, t):
    t = np.array(t)
    m = lzsm.PeriodicDrive(gap, offset, amp, om, ph)
    ref = np.array([drive_h(gap, offset, amp, om, ph)(x) for x in t])
    h = m.hamiltonian(t)
    assert h.shape == t.shape + (2, 2)
    assert np.max(np.abs(h - ref)) <= 1e-12 * (1 + abs(offset) + amp)
    # lzsm's diabatic notation: bias E1 - E2 = -(eps0 + A cos), coupling V = -Delta/2
    assert np.allclose(
        (h[..., 0, 0] - h[..., 1, 1]).real, -(offset + amp * np.cos(om * t + ph)), atol=1e-12 * (1 + amp)
    )
    assert np.allclose(h[..., 0, 1], -gap / 2, atol=0)
    # the compiled kernels' form gives the same H
    assert np.max(np.abs(m.kernel_form().hamiltonian(t) - h)) <= 1e-12 * (1 + abs(offset) + amp)


def test_harmonic_hamiltonian_reference_values():
    # Delta = 1, eps0 = 2, A = 4, omega = 3, phi = 0: at t = 0, cos = 1 -> diag(-3, 3), off-diag -1/2;
    # at omega t = pi/2, cos = 0 -> diag(-1, 1); at omega t = pi -> diag(1, -1)
    m = lzsm.PeriodicDrive(gap=1.0, offset=2.0, amplitude=4.0, frequency=3.0)
    h = m.hamiltonian(np.array([0.0, np.pi / 6, np.pi / 3]))
    assert np.allclose(h[0], [[-3.0, -0.5], [-0.5, 3.0]], atol=1e-14)
    assert np.allclose(h[1], [[-1.0, -0.5], [-0.5, 1.0]], atol=1e-14)
    assert np.allclose(h[2], [[1.0, -0.5], [-0.5, -1.0]], atol=1e-14)
    assert m.period == pytest.approx(2 * np.pi / 3, rel=1e-15)


def test_hamiltonian_over_a_grid_and_derivative():
    gap = np.array([0.5, 1.0])[:, None, None]
    om = np.array([1.0, 2.0, 3.5])[None, :, None]
    offset = np.array([-1.0, 0.0, 2.0, 5.0])
    m = lzsm.PeriodicDrive(gap, offset, 3.0, om, 0.7)
    assert m.batch_shape == (2, 3, 4)
    t = np.linspace(-2.0, 3.0, 7)
    h = m.hamiltonian(t)
    assert h.shape == (2, 3, 4, 7, 2, 2)
    i, j, k = 1, 2, 3
    ref = np.array([drive_h(1.0, 5.0, 3.0, 3.5, 0.7)(x) for x in t])
    assert np.max(np.abs(h[i, j, k] - ref)) <= 1e-12
    assert np.max(np.abs(m.point((i, j, k)).hamiltonian(t) - ref)) <= 1e-12
    # dH/dt = (A omega sin(omega t + phi) / 2) sigma_z; central difference with h = 1e-5/omega_max:
    # truncation ~ (h omega)^2 A omega / 12 ~ 1e-10, rounding ~ 1e-16 |H| / h ~ 1e-10
    dh = m.hamiltonian_derivative(t)
    ref_d = 0.5 * 3.0 * om[..., None] * np.sin(om[..., None] * t + 0.7)
    assert np.max(np.abs(dh[..., 0, 0] - ref_d)) <= 1e-7
    assert np.max(np.abs(dh[..., 0, 1])) == 0.0


# --------------------------------------------------------------------------- triangular shape
def test_triangular_shape_has_the_cosines_extrema_and_phase():
    om, ph, a = 2.0, 0.3, 4.0
    tri = lzsm.PeriodicDrive(0.0, 0.0, a, om, ph, shape="triangular")
    cos = lzsm.PeriodicDrive(0.0, 0.0, a, om, ph)

    def f(m, t):  # f(omega t + phi) from H: bias = -A f
        h = m.hamiltonian(np.asarray(t, dtype=float))
        return -(h[..., 0, 0] - h[..., 1, 1]).real / a

    # extrema +1 at omega t + phi = 2 pi k, -1 at (2k + 1) pi, zeros at pi/2 + k pi: as cos
    t_max = (2 * np.pi * np.arange(-2, 3) - ph) / om
    t_min = ((2 * np.arange(-2, 3) + 1) * np.pi - ph) / om
    t_zero = ((np.arange(-4, 5) + 0.5) * np.pi - ph) / om
    for ts, val in ((t_max, 1.0), (t_min, -1.0), (t_zero, 0.0)):
        assert np.allclose(f(tri, ts), val, atol=1e-12)
        assert np.allclose(f(cos, ts), val, atol=1e-12)
    # range [-1, 1] and equal to the hand-written triangle everywhere
    t = np.linspace(-7.0, 7.0, 2001)
    assert np.max(np.abs(f(tri, t) - triangle(om * t + ph))) <= 1e-12
    assert f(tri, t).max() <= 1 + 1e-12 and f(tri, t).min() >= -1 - 1e-12


def test_triangular_shape_is_piecewise_linear():
    om, ph = 1.7, -0.4
    m = lzsm.PeriodicDrive(1.0, 0.5, 3.0, om, ph, shape="triangular")
    kinks = kink_times(om, ph, -6.0, 6.0)
    edges = np.concatenate([[-6.0], kinks, [6.0]])
    for lo, hi in itertools.pairwise(edges):
        t = np.linspace(lo, hi, 9)[1:-1]
        h = m.hamiltonian(t)
        bias = (h[..., 0, 0] - h[..., 1, 1]).real
        slope = np.diff(bias) / np.diff(t)
        # slope of -A f is +-A * 2 omega / pi (linear sweeps), constant between kinks
        assert np.allclose(np.abs(slope), 3.0 * 2 * om / np.pi, rtol=1e-9)
        assert np.ptp(slope) <= 1e-9 * abs(slope[0])
    # the derivative away from kinks is the same constant
    t_mid = 0.5 * (edges[1:-2] + edges[2:-1])
    dh = m.hamiltonian_derivative(t_mid)
    assert np.allclose(np.abs(dh[..., 0, 0] - dh[..., 1, 1]), 3.0 * 2 * om / np.pi, rtol=1e-6)


# --------------------------------------------------------------------------- callable shapes
def test_callable_shape_equals_named_shape_hamiltonian():
    t = np.linspace(-5.0, 9.0, 101)
    for name, f in (("harmonic", np.cos), ("triangular", triangle)):
        named = lzsm.PeriodicDrive(1.2, 0.4, 5.0, 2.5, 0.9, shape=name)
        call = lzsm.PeriodicDrive(1.2, 0.4, 5.0, 2.5, 0.9, shape=f)
        assert call.kernel_form() is None and named.kernel_form() is not None
        assert np.max(np.abs(call.hamiltonian(t) - named.hamiltonian(t))) <= 1e-12
    # also over a grid (the callable receives the broadcast phases)
    om = np.array([1.0, 2.0])[:, None]
    named = lzsm.PeriodicDrive(1.0, np.array([0.0, 3.0]), 2.0, om, shape="triangular")
    call = lzsm.PeriodicDrive(1.0, np.array([0.0, 3.0]), 2.0, om, shape=triangle)
    assert np.max(np.abs(call.hamiltonian(t) - named.hamiltonian(t))) <= 1e-12


def test_callable_harmonic_evolution_equals_compiled():
    gap, eps, amp, om, ph = 1.0, 1.5, 6.0, 2.0, 0.4
    t1 = 3 * 2 * np.pi / om
    named = lzsm.evolve(lzsm.PeriodicDrive(gap, eps, amp, om, ph), (0.0, t1), 0, t_eval=np.linspace(0, t1, 7))
    call = lzsm.evolve(
        lzsm.PeriodicDrive(gap, eps, amp, om, ph, shape=np.cos), (0.0, t1), 0, t_eval=np.linspace(0, t1, 7)
    )
    assert named.method == "magnus6-compiled" and call.method == "magnus6-lockstep"
    assert np.max(np.abs(named.amplitudes - call.amplitudes)) <= 1e-9


def test_triangular_compiled_and_callable_with_breakpoints_agree_with_piecewise_scipy(reference_solve):
    gap, eps, amp, om, ph = 1.0, 1.5, 6.0, 2.0, 0.4
    t1 = 3 * 2 * np.pi / om
    kinks = kink_times(om, ph, 0.0, t1)
    assert kinks.size == 6
    named = lzsm.evolve(lzsm.PeriodicDrive(gap, eps, amp, om, ph, shape="triangular"), (0.0, t1), 0)
    call = lzsm.evolve(lzsm.PeriodicDrive(gap, eps, amp, om, ph, shape=triangle), (0.0, t1), 0, breakpoints=kinks)
    assert named.method == "magnus6-compiled" and call.method == "magnus6-lockstep"
    assert np.max(np.abs(named.amplitudes - call.amplitudes)) <= 1e-9
    # independent reference: DOP853 restarted at every kink (smooth pieces only); it accumulates
    # ~1e-10 over this span, lzsm ~1e-10 at the default tol: tolerance 1e-8
    h = drive_h(gap, eps, amp, om, ph, triangle)
    psi = np.array([1.0, 0.0], dtype=complex)
    edges = np.concatenate([[0.0], kinks, [t1]])
    for lo, hi in itertools.pairwise(edges):
        psi = reference_solve(h, (lo, hi), psi)
    assert np.max(np.abs(named.amplitudes[-1] - psi)) <= 1e-8
    assert np.max(np.abs(call.amplitudes[-1] - psi)) <= 1e-8


# --------------------------------------------------------------------------- hbar
@given(h=st.floats(0.2, 5.0))
def test_hbar_scaling_of_the_periodic_drive(h):
    """i hbar psi' = H psi: multiplying every energy and hbar by the same factor changes nothing."""
    gap, eps, amp, om = 0.8, 1.3, 4.0, 2.2
    t1 = 2 * 2 * np.pi / om
    ref = lzsm.evolve(lzsm.PeriodicDrive(gap, eps, amp, om), (0.0, t1), 0)
    scaled = lzsm.evolve(lzsm.PeriodicDrive(h * gap, h * eps, h * amp, om, hbar=h), (0.0, t1), 0)
    assert np.max(np.abs(ref.amplitudes - scaled.amplitudes)) <= 1e-9


# --------------------------------------------------------------------------- validation
@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"amplitude": -1.0}, "amplitude"),
        ({"amplitude": np.array([1.0, -0.1])}, "amplitude"),
        ({"frequency": 0.0}, "frequency"),
        ({"frequency": -2.0}, "frequency"),
        ({"gap": np.nan}, "gap"),
        ({"offset": np.inf}, "offset"),
        ({"phase": np.nan}, "phase"),
        ({"shape": "square"}, "shape"),
        ({"shape": lambda th: th}, "shape"),  # not 2 pi periodic
        ({"shape": lambda th: np.cos(th)[:1]}, "shape"),  # wrong output shape
        ({"hbar": 0.0}, "hbar"),
        ({"gap": np.ones(3), "offset": np.ones(4)}, "gap"),  # grid shapes do not broadcast
    ],
)
def test_periodic_drive_validation_names_the_parameter(kwargs, name):
    args = {"gap": 1.0, "offset": 0.0, "amplitude": 1.0, "frequency": 1.0, **kwargs}
    with pytest.raises(ValueError) as info:
        lzsm.PeriodicDrive(**args)
    assert isinstance(info.value, lzsm.LzsmValueError)
    assert name in str(info.value)


def test_failing_shape_callable_is_a_type_error():
    def bad(theta):
        raise RuntimeError("boom")

    with pytest.raises(TypeError, match="shape"):
        lzsm.PeriodicDrive(1.0, 0.0, 1.0, 1.0, shape=bad)


# --------------------------------------------------------------------------- DoublePassage
def bias_of(m, t):
    h = m.hamiltonian(np.asarray(t, dtype=float))
    return (h[..., 0, 0] - h[..., 1, 1]).real


@pytest.mark.parametrize("shape", ["parabolic", "triangular"])
@pytest.mark.parametrize("v, a, tc", [(0.3, 1.0, 5.0), (0.2 + 0.1j, 2.5, 0.7), (1.0, 0.3, 20.0)])
def test_double_passage_crossings_and_slopes(shape, v, a, tc):
    m = lzsm.DoublePassage(v, a, tc, shape=shape)
    # zero bias at -t_c and +t_c, positive between, negative outside
    assert np.allclose(bias_of(m, [-tc, tc]), 0.0, atol=1e-12 * a * tc)
    assert bias_of(m, 0.0) > 0 and np.all(bias_of(m, [-2 * tc, 2 * tc]) < 0)
    # slope +alpha at -t_c (rising), -alpha at +t_c (falling): analytic derivative and a central difference
    dh = m.hamiltonian_derivative(np.array([-tc, tc]))
    assert np.allclose((dh[..., 0, 0] - dh[..., 1, 1]).real, [a, -a], rtol=1e-12)
    eps = 1e-6 * tc
    fd = (bias_of(m, np.array([-tc, tc]) + eps) - bias_of(m, np.array([-tc, tc]) - eps)) / (2 * eps)
    assert np.allclose(fd, [a, -a], rtol=1e-6)
    # coupling V on the off-diagonal, Hermitian
    h = m.hamiltonian(np.array([0.3, -1.1]))
    assert np.allclose(h[..., 0, 1], v, atol=0) and np.allclose(h[..., 1, 0], np.conj(v), atol=0)
    assert np.allclose(np.trace(h, axis1=-2, axis2=-1), 0.0, atol=1e-15)


def test_double_passage_bias_formulas():
    a, tc = 2.0, 3.0
    t = np.linspace(-10.0, 10.0, 41)
    par = lzsm.DoublePassage(0.5, a, tc, shape="parabolic")
    tri = lzsm.DoublePassage(0.5, a, tc, shape="triangular")
    assert np.allclose(bias_of(par, t), a * (tc**2 - t**2) / (2 * tc), atol=1e-12)
    assert np.allclose(bias_of(tri, t), a * (tc - np.abs(t)), atol=1e-12)
    # the default shape is parabolic
    assert lzsm.DoublePassage(0.5, a, tc).shape == "parabolic"


def test_double_passage_grid_and_point():
    m = lzsm.DoublePassage(np.array([0.1, 0.2])[:, None], 1.0, np.array([2.0, 4.0, 8.0]))
    assert m.batch_shape == (2, 3)
    t = np.array([-8.0, 0.0, 4.0])
    h = m.hamiltonian(t)
    assert h.shape == (2, 3, 3, 2, 2)
    assert np.allclose(h[1, 2], m.point((1, 2)).hamiltonian(t), atol=0)
    assert np.allclose(bias_of(m.point((1, 1)), [-4.0, 4.0]), 0.0, atol=1e-12)


@pytest.mark.parametrize("shape", ["parabolic", "triangular"])
def test_double_passage_hbar_scaling(shape):
    h = 2.5
    ref = lzsm.evolve(lzsm.DoublePassage(0.3, 1.0, 6.0, shape=shape), (-20.0, 20.0), "lower")
    scaled = lzsm.evolve(lzsm.DoublePassage(h * 0.3, h * 1.0, 6.0, shape=shape, hbar=h), (-20.0, 20.0), "lower")
    assert np.max(np.abs(ref.amplitudes - scaled.amplitudes)) <= 1e-9
    assert scaled.p_jump == pytest.approx(ref.p_jump, abs=1e-9)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"sweep_rate": 0.0}, "sweep_rate"),
        ({"sweep_rate": -1.0}, "sweep_rate"),
        ({"crossing_time": 0.0}, "crossing_time"),
        ({"crossing_time": -2.0}, "crossing_time"),
        ({"coupling": np.nan}, "coupling"),
        ({"shape": "cubic"}, "shape"),
        ({"hbar": -1.0}, "hbar"),
    ],
)
def test_double_passage_validation_names_the_parameter(kwargs, name):
    args = {"coupling": 0.3, "sweep_rate": 1.0, "crossing_time": 5.0, **kwargs}
    with pytest.raises(ValueError) as info:
        lzsm.DoublePassage(**args)
    assert isinstance(info.value, lzsm.LzsmValueError)
    assert name in str(info.value)
