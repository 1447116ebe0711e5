"""The adiabatic picture (lzsm.models.adiabatic): energies, states, mixing angle, NACs, basis changes.

Conventions (docs/conventions.md): adiabatic index 0 is the lower state; theta in [0, pi/2] with
tan(2 theta) = 2|V|/(E1 - E2); |phi_1> = cos(theta)|1> + e^{-i chi} sin(theta)|2> (upper),
|phi_0> = -sin(theta)|1> + e^{-i chi} cos(theta)|2> (lower), V = |V| e^{i chi};
d_01 = <phi_0|d/dx phi_1> = <phi_0|dH/dx|phi_1>/(E_1 - E_0).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import xarray as xr
from hypothesis import given
from hypothesis import strategies as st

import lzsm

couplings = st.builds(lambda r, phi: r * np.exp(1j * phi), st.floats(0.02, 2.0), st.floats(0.0, 2 * math.pi))
sweep_rates = st.builds(lambda sign, mag: sign * mag, st.sampled_from([-1.0, 1.0]), st.floats(0.3, 5.0))
times = st.floats(-50.0, 50.0)


def three_level(offset=0.0):
    """A 3-level linear sweep H = A + B t with well-separated avoided crossings (docs/conventions.md multi-level)."""
    a = np.array([[0.2, 0.5, 0.3j], [0.5, 0.0, 0.4], [-0.3j, 0.4, -0.3]]) + offset * np.eye(3)
    return lzsm.LinearSweep(a, [1.0, 0.0, -1.0])


def random_hermitian_sweep(draw_vals):
    re = np.array(draw_vals[:9]).reshape(3, 3)
    im = np.array(draw_vals[9:18]).reshape(3, 3)
    a = re + 1j * im
    a = (a + a.conj().T) / 2
    return lzsm.LinearSweep(a, draw_vals[18:21])


hermitian_sweeps = st.lists(st.floats(-1.0, 1.0), min_size=21, max_size=21).map(random_hermitian_sweep)


# --------------------------------------------------------------------------- energies
@given(v=couplings, a=sweep_rates, t=times)
def test_two_level_energies(v, a, t):
    e = lzsm.adiabatic_energies(lzsm.LandauZener(v, a), t)
    # E_+- = +- sqrt((alpha t / 2)^2 + |V|^2): eigenvalues of the traceless docs/conventions.md H
    half_gap = math.hypot(a * t / 2, abs(v))
    assert e.shape == (2,)
    assert e[0] <= e[1]
    assert np.allclose(e, [-half_gap, half_gap], rtol=1e-13, atol=1e-13)


@given(model=hermitian_sweeps, t=st.lists(times, min_size=1, max_size=5))
def test_energies_ascending_and_eigen(model, t):
    t = np.array(t)
    e = lzsm.adiabatic_energies(model, t)
    assert e.shape == (t.size, 3)
    assert np.all(np.diff(e, axis=-1) >= 0)
    # states are orthonormal eigenvectors of H with these energies
    h = model.hamiltonian(t)
    s = lzsm.adiabatic_states(model, t)
    assert np.allclose(np.conj(np.swapaxes(s, -1, -2)) @ s, np.eye(3), atol=1e-12)
    assert np.allclose(h @ s, s * e[..., None, :], atol=1e-10 * (1 + np.abs(e).max()))


def test_minimum_gap_at_crossing():
    e = lzsm.adiabatic_energies(lzsm.LandauZener(0.3 + 0.4j, 2.0), 0.0)
    assert e[1] - e[0] == pytest.approx(2 * 0.5, rel=1e-14)  # Delta = 2|V|


# --------------------------------------------------------------------------- mixing angle
def test_mixing_angle_limits():
    m = lzsm.LandauZener(0.5, 1.0)  # E1 - E2 = alpha t
    th = lzsm.mixing_angle(m, [-1e9, 0.0, 1e9])
    assert th[0] == pytest.approx(math.pi / 2, abs=1e-8)  # E1 - E2 -> -inf
    assert th[1] == pytest.approx(math.pi / 4, abs=1e-15)  # crossing
    assert th[2] == pytest.approx(0.0, abs=1e-8)  # E1 - E2 -> +inf
    # tan(2 theta) = 2|V| / (E1 - E2) at a generic point
    assert math.tan(2 * lzsm.mixing_angle(m, 3.0)) == pytest.approx(2 * 0.5 / 3.0, rel=1e-13)


def test_mixing_angle_two_levels_only():
    with pytest.raises(ValueError, match="two levels"):
        lzsm.mixing_angle(three_level(), 0.0)


@given(v=couplings, a=sweep_rates, t=times)
def test_states_follow_the_physics_md_gauge(v, a, t):
    s = lzsm.adiabatic_states(lzsm.LandauZener(v, a), t)
    th = 0.5 * math.atan2(2 * abs(v), a * t)
    ph = np.exp(-1j * np.angle(v))
    lower = np.array([-math.sin(th), ph * math.cos(th)])
    upper = np.array([math.cos(th), ph * math.sin(th)])
    assert np.allclose(s[:, 0], lower, atol=1e-14)
    assert np.allclose(s[:, 1], upper, atol=1e-14)


@pytest.mark.parametrize("v", [0.5, 0.3 - 0.4j])
def test_diabatic_character_of_lower_state(v):
    """alpha > 0: the lower adiabatic state is |1> at t -> -inf and |2> at t -> +inf (docs/conventions.md);
    alpha < 0 reverses the roles."""
    t = [-1e6, 0.0, 1e6]
    ch = lzsm.diabatic_character(lzsm.LandauZener(v, 1.0), t)  # [..., j, n] = |<j|phi_n>|^2
    assert ch[0, 0, 0] == pytest.approx(1.0, abs=1e-12)
    assert ch[2, 1, 0] == pytest.approx(1.0, abs=1e-12)
    assert np.allclose(ch[1], 0.5, atol=1e-15)  # equal mixture at the crossing
    assert np.allclose(ch.sum(axis=-2), 1.0) and np.allclose(ch.sum(axis=-1), 1.0)
    ch_rev = lzsm.diabatic_character(lzsm.LandauZener(v, -1.0), t)
    assert ch_rev[0, 1, 0] == pytest.approx(1.0, abs=1e-12)
    assert ch_rev[2, 0, 0] == pytest.approx(1.0, abs=1e-12)


# --------------------------------------------------------------------------- gauge smoothness
@pytest.mark.parametrize(
    "model, t",
    [
        (lzsm.LandauZener(0.3 - 0.4j, 1.0), np.linspace(-20.0, 20.0, 4001)),
        (three_level(), np.linspace(-10.0, 10.0, 4001)),
    ],
    ids=["two-level", "three-level"],
)
def test_gauge_is_smooth_along_t(model, t):
    """Neighbouring states overlap by ~1 (no sign or phase jumps): the change over a step h is
    h |d_mn| (NAC), here < 0.005, so the diagonal overlaps must exceed 0.999."""
    s = lzsm.adiabatic_states(model, t)
    ov = np.einsum("kjn,kjn->kn", np.conj(s[:-1]), s[1:])
    assert np.all(ov.real > 0.999)
    assert np.max(np.abs(ov.imag)) < 1e-6


# --------------------------------------------------------------------------- NAC
F, V = 2.0, 0.3


def lorentzian(x):
    # docs/conventions.md: height F/(4V), half-width 2V/F about the crossing
    return (F / (4 * V)) / (1 + (F * x / (2 * V)) ** 2)


def test_nac_lorentzian_with_analytic_derivative():
    m = lzsm.TwoLevel(bias=lambda x: F * x, coupling=V, coordinate="x", bias_derivative=lambda x: F + 0 * x)
    x = np.linspace(-3.0, 3.0, 601)
    d = lzsm.nonadiabatic_coupling(m, x)
    assert d.shape == (601, 2, 2)
    d01 = d[:, 0, 1]
    assert np.abs(d01[300]) == pytest.approx(F / (4 * V), rel=1e-12)  # peak at x = 0
    half = lzsm.nonadiabatic_coupling(m, [-2 * V / F, 2 * V / F])[:, 0, 1]
    assert np.allclose(np.abs(half), F / (8 * V), rtol=1e-12)  # half maximum at x = +-2V/F
    assert np.allclose(np.abs(d01), lorentzian(x), rtol=1e-12)
    # d_01 = d theta / dx (derived from the docs/conventions.md states) < 0 here, antihermitian matrix
    assert np.all(d01.real < 0)
    assert np.allclose(d, -np.conj(np.swapaxes(d, -1, -2)), atol=1e-15)
    assert np.all(d[:, 0, 0] == 0) and np.all(d[:, 1, 1] == 0)


def test_nac_lorentzian_with_numerical_derivative():
    # 4th-order central difference of a linear bias: exact up to rounding ~ eps |F x| / h with
    # h = 1e-4 (1 + |x|); stated tolerance 1e-8 relative
    m = lzsm.TwoLevel(bias=lambda x: F * x, coupling=V, coordinate="x")
    x = np.linspace(-3.0, 3.0, 61)
    d01 = lzsm.nonadiabatic_coupling(m, x)[:, 0, 1]
    assert np.abs(lzsm.nonadiabatic_coupling(m, 0.0)[0, 1]) == pytest.approx(F / (4 * V), rel=1e-8)
    assert np.allclose(np.abs(d01), lorentzian(x), rtol=1e-8)


def test_numerical_derivative_of_a_curved_bias():
    # bias sinh(x): 4th-order FD error ~ h^4 f^(5)/30 with h = 1e-4 (1 + |x|) -> ~1e-14 * cosh;
    # rounding ~ eps |f| / h ~ 1e-12 * cosh: tolerance 1e-9 relative
    exact = lzsm.TwoLevel(bias=np.sinh, coupling=0.2, coordinate="x", bias_derivative=np.cosh)
    numeric = lzsm.TwoLevel(bias=np.sinh, coupling=0.2, coordinate="x")
    x = np.linspace(-2.0, 2.0, 41)
    assert np.allclose(numeric.hamiltonian_derivative(x), exact.hamiltonian_derivative(x), rtol=1e-9, atol=0)
    assert np.allclose(
        lzsm.nonadiabatic_coupling(numeric, x), lzsm.nonadiabatic_coupling(exact, x), rtol=1e-9, atol=1e-12
    )


@pytest.mark.parametrize(
    "model",
    [
        lzsm.TwoLevel(bias=np.sinh, coupling=0.3 - 0.2j, coordinate="x", bias_derivative=np.cosh),
        lzsm.TwoLevel(
            bias=lambda t: 1.5 * t,
            coupling=lambda t: 0.3 + 0.1 * t**2,
            bias_derivative=lambda t: 1.5 + 0 * t,
            coupling_derivative=lambda t: 0.2 * t,
        ),
        three_level(),
    ],
    ids=["two-level-sinh", "two-level-varying-coupling", "three-level"],
)
def test_hellmann_feynman_equals_finite_difference(model):
    """d_mn = <phi_m|dH|phi_n>/(E_n - E_m) (Hellmann-Feynman) equals <phi_m|d phi_n/dq> of the
    transported states, by central differences with step h: error O(h^2 |d'''|), here < 1e-6."""
    q = np.linspace(-2.0, 2.0, 40001)
    h = q[1] - q[0]
    s = lzsm.adiabatic_states(model, q)
    ds = (s[2:] - s[:-2]) / (2 * h)
    fd = np.einsum("kjm,kjn->kmn", np.conj(s[1:-1]), ds)
    hf = lzsm.nonadiabatic_coupling(model, q)[1:-1]
    assert np.max(np.abs(fd - hf)) < 1e-6 * max(1.0, np.max(np.abs(hf)))
    assert np.allclose(hf, -np.conj(np.swapaxes(hf, -1, -2)), atol=1e-12)  # antihermitian


def test_nac_undefined_at_exact_degeneracy():
    d = lzsm.nonadiabatic_coupling(lzsm.LandauZener(0.0, 1.0), [-1.0, 0.0, 1.0])
    assert np.isnan(d[1, 0, 1]) and np.isnan(d[1, 1, 0])
    assert np.all(np.isfinite(d[[0, 2]]))


# --------------------------------------------------------------------------- basis changes
vectors2 = st.tuples(*[st.floats(-1.0, 1.0)] * 4).map(lambda r: np.array([r[0] + 1j * r[1], r[2] + 1j * r[3]]))
vectors3 = st.tuples(*[st.floats(-1.0, 1.0)] * 6).map(
    lambda r: np.array([r[0] + 1j * r[1], r[2] + 1j * r[3], r[4] + 1j * r[5]])
)


@given(v=couplings, a=sweep_rates, t=times, c=vectors2)
def test_round_trip_two_level(v, a, t, c):
    m = lzsm.LandauZener(v, a)
    b = lzsm.to_adiabatic(c, m, t)
    assert np.linalg.norm(b) == pytest.approx(np.linalg.norm(c), abs=1e-13)  # unitary change of basis
    assert np.allclose(lzsm.to_diabatic(b, m, t), c, atol=1e-13)
    assert np.allclose(lzsm.to_adiabatic(lzsm.to_diabatic(c, m, t), m, t), c, atol=1e-13)


@given(model=hermitian_sweeps, t=times, c=vectors3)
def test_round_trip_three_level(model, t, c):
    b = lzsm.to_adiabatic(c, model, t)
    assert np.linalg.norm(b) == pytest.approx(np.linalg.norm(c), abs=1e-12)
    assert np.allclose(lzsm.to_diabatic(b, model, t), c, atol=1e-12)


def test_round_trip_along_a_time_grid():
    m = three_level()
    t = np.linspace(-5.0, 5.0, 11)
    rng = np.random.default_rng(0)
    c = rng.normal(size=(11, 3)) + 1j * rng.normal(size=(11, 3))
    assert np.allclose(lzsm.to_diabatic(lzsm.to_adiabatic(c, m, t), m, t), c, atol=1e-12)
    # the adiabatic state n itself has adiabatic amplitudes e_n
    s = lzsm.adiabatic_states(m, t)
    assert np.allclose(lzsm.to_adiabatic(s[..., :, 1], m, t), np.tile([0, 1, 0], (11, 1)), atol=1e-12)


def test_basis_change_rejects_wrong_length():
    with pytest.raises(ValueError, match="amplitudes"):
        lzsm.to_adiabatic([1.0, 0.0, 0.0], lzsm.LandauZener(0.5, 1.0), 0.0)
    with pytest.raises(ValueError, match="amplitudes"):
        lzsm.to_diabatic([1.0, 0.0], three_level(), 0.0)


# --------------------------------------------------------------------------- dataset
def test_adiabatic_picture_dataset():
    m = lzsm.TwoLevel(bias=lambda x: F * x, coupling=V, coordinate="x")
    x = np.linspace(-1.0, 1.0, 21)
    ds = lzsm.adiabatic_picture(m, x)
    assert isinstance(ds, xr.Dataset)
    assert ds["adiabatic_energies"].dims == ("x", "adiabatic")
    assert ds["nonadiabatic_coupling"].dims == ("x", "adiabatic_m", "adiabatic")
    assert ds["mixing_angle"].dims == ("x",)
    assert np.allclose(ds["adiabatic_energies"].values, lzsm.adiabatic_energies(m, x))
    assert np.allclose(ds["diabatic_energies"].values, np.stack([F * x / 2, -F * x / 2], axis=-1))
    ds3 = lzsm.adiabatic_picture(three_level(), np.linspace(-1.0, 1.0, 5))
    assert "mixing_angle" not in ds3 and ds3.sizes["adiabatic"] == 3
    with pytest.raises(ValueError, match="1-D"):
        lzsm.adiabatic_picture(m, np.zeros((2, 2)))
