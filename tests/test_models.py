"""Models in the diabatic basis (lzsm.models): construction, validation, shapes, export.

docs/conventions.md: H = [[E1, V], [conj(V), E2]]; Landau-Zener E1 = +alpha t/2, E2 = -alpha t/2;
linear multi-level H(t) = A + B t with A Hermitian and B the diabatic slopes.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import lzsm
from lzsm import LzsmError, LzsmTypeError, LzsmValueError

couplings = st.builds(lambda r, phi: r * np.exp(1j * phi), st.floats(0.0, 2.0), st.floats(0.0, 2 * math.pi))
sweep_rates = st.builds(lambda sign, mag: sign * mag, st.sampled_from([-1.0, 1.0]), st.floats(0.1, 10.0))


def is_hermitian(h, atol=0.0):
    return np.allclose(h, np.conj(np.swapaxes(h, -1, -2)), rtol=0, atol=atol)


# --------------------------------------------------------------------------- exceptions
def test_exception_hierarchy():
    assert issubclass(LzsmValueError, ValueError) and issubclass(LzsmValueError, LzsmError)
    assert issubclass(LzsmTypeError, TypeError) and issubclass(LzsmTypeError, LzsmError)
    with pytest.raises(ValueError):
        lzsm.LandauZener(0.5, 0.0)


# --------------------------------------------------------------------------- Hamiltonians
@given(v=couplings, a=sweep_rates, t=st.floats(-100.0, 100.0))
def test_landau_zener_matrix_elements(v, a, t):
    h = lzsm.LandauZener(v, a).hamiltonian(t)
    assert h.shape == (2, 2)
    assert h[0, 0] == pytest.approx(a * t / 2, abs=1e-12) and h[1, 1] == pytest.approx(-a * t / 2, abs=1e-12)
    assert h[0, 0].real - h[1, 1].real == pytest.approx(a * t, abs=1e-12)  # alpha = d(E1 - E2)/dt
    assert h[0, 1] == pytest.approx(v, abs=1e-15) and h[1, 0] == pytest.approx(np.conj(v), abs=1e-15)
    assert is_hermitian(h)
    dh = lzsm.LandauZener(v, a).hamiltonian_derivative(t)
    assert np.allclose(dh, np.diag([a / 2, -a / 2]), atol=1e-15)


@given(
    b=st.floats(-5.0, 5.0),
    v=couplings,
    t=st.lists(st.floats(-10.0, 10.0), min_size=1, max_size=4),
)
def test_two_level_hamiltonians_are_hermitian(b, v, t):
    t = np.array(t)
    for m in (lzsm.TwoLevel(b, v), lzsm.TwoLevel(lambda q: b * np.sin(q), lambda q: v * np.cos(q))):
        h = m.hamiltonian(t)
        assert h.shape == t.shape + (2, 2)
        assert is_hermitian(h)
        assert np.allclose(np.trace(h, axis1=-2, axis2=-1), 0)  # bias split as +-bias/2


def test_grid_shapes_broadcast():
    v = np.linspace(0.1, 1.0, 3)[:, None]
    a = np.logspace(-1, 1, 4)
    m = lzsm.LandauZener(v, a)
    assert m.batch_shape == (3, 4)
    assert m.hamiltonian(0.5).shape == (3, 4, 2, 2)
    assert m.hamiltonian(np.zeros(5)).shape == (3, 4, 5, 2, 2)
    assert m.hamiltonian(np.zeros((2, 5))).shape == (3, 4, 2, 5, 2, 2)
    assert m.hamiltonian_derivative(np.zeros(5)).shape == (3, 4, 5, 2, 2)
    # the grid point (i, j) is the model with (V_i, alpha_j)
    t = np.array([-1.0, 2.0])
    assert np.allclose(m.hamiltonian(t)[2, 1], lzsm.LandauZener(v[2, 0], a[1]).hamiltonian(t))
    p = m.point((2, 1))
    assert p.batch_shape == () and p.coupling == v[2, 0] and p.sweep_rate == a[1]


def test_two_level_grid_with_callable():
    m = lzsm.TwoLevel(bias=lambda t: 2.0 * t, coupling=np.array([0.1, 0.2, 0.3]))
    assert m.batch_shape == (3,)
    h = m.hamiltonian(np.array([0.0, 1.0]))
    assert h.shape == (3, 2, 2, 2)
    assert np.allclose(h[:, 1, 0, 0], 1.0) and np.allclose(h[:, 0, 0, 1], [0.1, 0.2, 0.3])
    assert m.point((1,)).coupling == 0.2


def test_linear_sweep_shapes_and_form():
    a = np.zeros((2, 3, 3))
    a[0, 0, 1] = a[0, 1, 0] = 0.3
    a[1, 1, 2] = a[1, 2, 1] = 0.4
    m = lzsm.LinearSweep(a, [1.0, 0.0, -1.0])
    assert m.n_levels == 3 and m.batch_shape == (2,)
    t = np.array([-1.0, 0.0, 2.0])
    h = m.hamiltonian(t)
    assert h.shape == (2, 3, 3, 3)
    kf = m.kernel_form()
    aa, bb = kf.constant, kf.coefficient
    assert np.all(kf.code == 1)  # f(t) = t
    assert np.allclose(h, aa[:, None] + bb[:, None] * t[:, None, None])
    assert np.allclose(np.diagonal(bb, axis1=-2, axis2=-1), [1.0, 0.0, -1.0])  # diabatic slopes
    assert np.allclose(m.hamiltonian_derivative(t), bb[:, None])
    assert is_hermitian(h)
    # slopes as a Hermitian matrix are accepted as B itself
    m2 = lzsm.LinearSweep(a[0], np.diag([1.0, 0.0, -1.0]))
    assert np.allclose(m2.hamiltonian(t), h[0])


def test_landau_zener_kernel_form_reproduces_h():
    m = lzsm.LandauZener(0.3 - 0.1j, -1.7)
    kf = m.kernel_form()
    for t in (-2.0, 0.0, 3.5):
        assert np.allclose(kf.constant + kf.coefficient * t, m.hamiltonian(t))
        assert np.allclose(kf.hamiltonian(np.asarray(t)), m.hamiltonian(t))


def test_nlevel_shapes_and_derivative():
    def h(q):
        q = np.asarray(q)[..., None, None]
        return np.array([[1.0, 0.2], [0.2, -1.0]]) * np.sin(q) + np.array([[0.0, 0.5j], [-0.5j, 0.0]])

    m = lzsm.NLevel(h)
    assert m.n_levels == 2 and m.batch_shape == ()
    q = np.linspace(-1.0, 1.0, 7)
    assert m.hamiltonian(q).shape == (7, 2, 2)
    # fourth-order central difference, step 1e-4 (1 + |q|): truncation ~1e-16, rounding ~1e-12
    exact = np.array([[1.0, 0.2], [0.2, -1.0]]) * np.cos(q)[:, None, None]
    assert np.allclose(m.hamiltonian_derivative(q), exact, rtol=0, atol=1e-9)
    # a parameter grid in the leading axes
    g = lzsm.NLevel(lambda q: np.stack([h(q), 2 * h(q)]))
    assert g.batch_shape == (2,) and g.hamiltonian(q).shape == (2, 7, 2, 2)
    assert np.allclose(g.point((1,)).hamiltonian(q), 2 * h(q))


# --------------------------------------------------------------------------- validation
@pytest.mark.parametrize(
    "build, name",
    [
        (lambda: lzsm.LandauZener(np.nan, 1.0), "coupling"),
        (lambda: lzsm.LandauZener(np.inf, 1.0), "coupling"),
        (lambda: lzsm.LandauZener(0.5, np.nan), "sweep_rate"),
        (lambda: lzsm.LandauZener(0.5, -np.inf), "sweep_rate"),
        (lambda: lzsm.LandauZener(0.5, 0.0), "sweep_rate"),
        (lambda: lzsm.LandauZener(0.5, [1.0, 0.0]), "sweep_rate"),
        (lambda: lzsm.LandauZener(0.5, 1.0, hbar=-1.0), "hbar"),
        (lambda: lzsm.LandauZener(0.5, 1.0, hbar=0.0), "hbar"),
        (lambda: lzsm.LandauZener(0.5, 1.0, hbar=[1.0, 2.0]), "hbar"),
        (lambda: lzsm.LandauZener([0.1, 0.2], [1.0, 2.0, 3.0]), "sweep_rate"),
        (lambda: lzsm.LandauZener([0.1, 0.2], [1.0, 2.0, 3.0]), "coupling"),
        (lambda: lzsm.TwoLevel(np.nan, 0.5), "bias"),
        (lambda: lzsm.TwoLevel(1.0, np.inf), "coupling"),
        (lambda: lzsm.TwoLevel(np.ones(3), np.ones(2)), "bias"),
        (lambda: lzsm.TwoLevel(lambda t: np.ones(3), 0.5), "bias"),
        (lambda: lzsm.TwoLevel(lambda t: t, lambda t: np.ones((2, 2))), "coupling"),
        (lambda: lzsm.TwoLevel(lambda t: 1j * t, 0.5), "bias"),
        (lambda: lzsm.TwoLevel(1.0, 0.5, coordinate="1x"), "coordinate"),
        (lambda: lzsm.LinearSweep([[0.0, 1.0], [2.0, 0.0]], [1.0, -1.0]), "constant"),
        (lambda: lzsm.LinearSweep([[0.0, 1.0], [1.0, 0.0]], [1.0, -1.0, 0.0]), "slopes"),
        (lambda: lzsm.LinearSweep([[0.0, 1.0], [1.0, 0.0]], [1j, -1.0]), "slopes"),
        (lambda: lzsm.LinearSweep([[0.0, 1.0], [1.0, 0.0]], [[1.0, 1.0], [0.0, -1.0]]), "slopes"),
        (lambda: lzsm.LinearSweep([[0.0, np.nan], [np.nan, 0.0]], [1.0, -1.0]), "constant"),
        (lambda: lzsm.LinearSweep(np.zeros((3, 2, 2)), np.ones((4, 2))), "slopes"),
        (lambda: lzsm.NLevel(lambda t: np.zeros(3)), "function"),
        (lambda: lzsm.NLevel(lambda t: np.array([[[0.0, 1.0], [2.0, 0.0]]] * 2)), "function"),
    ],
)
def test_invalid_parameters_raise_value_error_naming_them(build, name):
    with pytest.raises(ValueError) as info:
        build()
    assert isinstance(info.value, LzsmValueError)
    assert name in str(info.value)


@pytest.mark.parametrize(
    "build, name",
    [
        (lambda: lzsm.LandauZener("a", 1.0), "coupling"),
        (lambda: lzsm.LandauZener(0.5, 1.0 + 1.0j), "sweep_rate"),
        (lambda: lzsm.LandauZener(lambda t: t, 1.0), "coupling"),
        (lambda: lzsm.TwoLevel(lambda t: undefined_name, 0.5), "bias"),  # noqa: F821
        (lambda: lzsm.NLevel(5), "function"),
        (lambda: lzsm.NLevel(lambda t: 1 / 0), "function"),
    ],
)
def test_wrong_kinds_raise_type_error_naming_them(build, name):
    with pytest.raises(TypeError) as info:
        build()
    assert isinstance(info.value, LzsmTypeError)
    assert name in str(info.value)


def test_callable_failing_at_evaluation_time():
    m = lzsm.TwoLevel(lambda t: np.where(t > 5, np.nan, t), 0.5)  # fine at the probe points 0, 1
    with pytest.raises(ValueError, match="bias"):
        m.hamiltonian([0.0, 6.0])
    with pytest.raises(ValueError, match="`t`"):
        lzsm.LandauZener(0.5, 1.0).hamiltonian(np.nan)
    with pytest.raises(ValueError, match="`x`"):
        lzsm.TwoLevel(1.0, 0.5, coordinate="x").hamiltonian([0.0, np.inf])


def test_valid_broadcast_of_linear_sweep_grid():
    m = lzsm.LinearSweep(np.zeros((3, 2, 2)), np.ones((1, 2)))
    assert m.batch_shape == (3,)


# --------------------------------------------------------------------------- QuTiP export
qutip = pytest.importorskip("qutip")


@pytest.mark.parametrize("model", [lzsm.LandauZener(0.3 + 0.2j, -1.5), lzsm.LandauZener(0.5, 1.0)])
def test_to_qutip_landau_zener(model):
    q = model.to_qutip()
    assert isinstance(q, qutip.QobjEvo)
    for t in (-2.0, 0.0, 1.7):
        assert np.allclose(q(t).full(), model.hamiltonian(t), rtol=0, atol=1e-15)


def test_to_qutip_two_level_with_callable():
    m = lzsm.TwoLevel(lambda t: np.sin(t), 0.4 - 0.1j)
    q = m.to_qutip()
    for t in (-2.0, 0.0, 1.7):
        assert np.allclose(q(t).full(), m.hamiltonian(t), rtol=0, atol=1e-15)


def test_to_qutip_passes_h_over_hbar():
    # QuTiP solves i psi' = H psi (hbar = 1): the export is H / hbar (models.py docstring)
    m = lzsm.LandauZener(0.3, 1.2, hbar=2.0)
    assert np.allclose(m.to_qutip()(0.8).full(), m.hamiltonian(0.8) / 2.0, atol=1e-15)


def test_to_qutip_dynamics_match_closed_form():
    m = lzsm.LandauZener(0.5, 1.0)
    res = qutip.sesolve(m.to_qutip(), qutip.basis(2, 0), [0.0, 5.0], options={"atol": 1e-12, "rtol": 1e-10})
    psi = res.states[-1].full()[:, 0]
    assert np.allclose(psi, lzsm.lz_propagator(0.5, 1.0, 5.0, 0.0)[:, 0], atol=1e-7)


def test_to_qutip_refuses_grids_and_non_time_models():
    with pytest.raises(ValueError, match="single parameter point"):
        lzsm.LandauZener([0.1, 0.2], 1.0).to_qutip()
    with pytest.raises(ValueError, match="coordinate 't'"):
        lzsm.TwoLevel(lambda x: x, 0.5, coordinate="x").to_qutip()
    # a single point of the grid exports fine
    assert lzsm.LandauZener([0.1, 0.2], 1.0).point((1,)).to_qutip() is not None
