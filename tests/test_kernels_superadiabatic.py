"""The numerics of the tails (lzsm.kernels.superadiabatic): Chebyshev panels, superadiabatic
frames, and the batching of many panels into one call."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lzsm
from lzsm.dynamics import asymptotic
from lzsm.kernels import superadiabatic as sa


@given(n=st.sampled_from([2, 3, 5]), seed=st.integers(0, 2**31 - 1))
@settings(max_examples=20, deadline=None)
def test_small_matrix_products_equal_matmul(n, seed):
    """The outer-product form of ``a @ b`` used for stacks of small matrices is exact."""
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(3, 4, n, n)) + 1j * rng.normal(size=(3, 4, n, n))
    b = rng.normal(size=(3, 4, n, n)) + 1j * rng.normal(size=(3, 4, n, n))
    assert np.allclose(sa._mm(a, b), a @ b, rtol=0, atol=1e-13)


def test_panels_interpolate_and_integrate_polynomials_of_their_degree_exactly():
    """17 Chebyshev–Lobatto nodes: barycentric interpolation reproduces degree 16, and
    Clenshaw–Curtis integrates t^16 on [3, 7] exactly ((7^17 - 3^17)/17)."""
    a, b = 3.0, 7.0
    t = sa.nodes(a, b)
    f = t**16
    inside = np.linspace(a, b, 11)
    assert np.allclose(sa.interpolation_matrix(a, b, inside) @ f, inside**16, rtol=1e-12, atol=0)
    exact = (b**17 - a**17) / 17
    assert sa.integral_weights(a, b) @ f == pytest.approx(exact, rel=1e-13)


def test_the_frame_of_order_zero_is_the_adiabatic_one_and_higher_orders_leave_less_out():
    """Order 0: the energies are the adiabatic energies +-sqrt(V^2 + (alpha t / 2)^2) (to the
    first-order correction, which is O(hbar^2 alpha^2 V^2 / gap^5)); the residual falls with the
    order (Berry's superadiabatic series, far from the crossing)."""
    v, alpha = 0.5, 1.0
    model = lzsm.LandauZener(v, alpha)
    a, b = 20.0, 40.0
    h = model.hamiltonian(sa.nodes(a, b))
    e0, _, _, _ = sa.frames(h, a, b, 0, 1.0)
    t = sa.nodes(a, b)
    gap = np.sqrt(v**2 + (alpha * t / 2) ** 2)
    assert np.allclose(e0[:, 1], gap, rtol=1e-4) and np.allclose(e0[:, 0], -gap, rtol=1e-4)
    residuals = [float(np.max(sa.frames(h, a, b, k, 1.0)[2])) for k in range(5)]
    assert all(r1 < 0.1 * r0 for r0, r1 in itertools.pairwise(residuals)), residuals


@pytest.mark.parametrize(
    "model",
    [
        lzsm.LandauZener(np.array([0.3, 0.5, 0.8]), 1.0),
        lzsm.spin_sweep(1.0, 0.3, 1.0),
    ],
    ids=["LZ grid", "spin 1"],
)
@pytest.mark.parametrize("batch_elements", [asymptotic.BATCH_ELEMENTS, 1])
def test_many_panels_in_one_call_equal_one_panel_per_call(model, batch_elements, monkeypatch):
    """Batching panels (one frame computation for a whole tail) changes nothing: every output of
    the batched call equals the single-panel call to rounding, in one batch or one per panel."""
    monkeypatch.setattr(asymptotic, "BATCH_ELEMENTS", batch_elements)
    form = model.asymptotic_form()
    a = np.array([10.0, 20.0, 40.0, -10.0])
    b = np.array([20.0, 40.0, 80.0, -20.0])
    batched = asymptotic._frames_batched(model, form, a, b)
    for k in range(a.size):
        single = asymptotic._frames(model, form, float(a[k]), float(b[k]))
        for x, y in zip(batched[k], single, strict=True):
            assert np.allclose(x, y, rtol=1e-12, atol=1e-14)


def test_the_compiled_two_level_frames_equal_the_array_ones():
    """The compiled two-level kernel does the arithmetic of the NumPy route (kept for N > 2):
    energies and frames agree to rounding amplified by the derivatives (measured 6e-15 at
    order 0, 6e-12 at order 4 on the panel [2, 4] next to the crossing), and the residual (a ratio of rounding-sensitive high
    derivatives) to 1e-3 relative wherever it is above 1e-12, for complex couplings, a negative
    sweep rate, both sides of the crossing and every order."""
    model = lzsm.LandauZener(np.array([0.3, 0.5, 0.8]) * np.exp(0.4j), -1.3)
    a = np.array([2.0, 4.0, 10.0, -10.0, 40.0])
    b = np.array([4.0, 8.0, 20.0, -20.0, 80.0])
    t = sa.nodes(a[:, None], b[:, None])
    h = model.hamiltonian(t.reshape(-1)).reshape((3, *t.shape, 2, 2))
    for order in (0, 1, 4):
        compiled = sa.frames(h, a, b, order, 1.0)
        reference = sa.frames_numpy(h, a, b, order, 1.0)
        assert np.allclose(compiled[0], reference[0], rtol=0, atol=1e-13 * 100**order)
        assert np.allclose(compiled[1], reference[1], rtol=0, atol=1e-13 * 100**order)
        assert np.array_equal(compiled[3], reference[3])
        big = reference[2] > 1e-12
        assert big.any()
        assert np.allclose(compiled[2][big], reference[2][big], rtol=1e-3, atol=0)
