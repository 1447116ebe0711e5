"""The compiled two-channel sweep of the log-derivative propagator (lzsm.kernels.log_derivative)
against the recursion written out with NumPy matrices (Manolopoulos 1986)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lzsm.kernels import log_derivative


def _reference(vec: np.ndarray, ca: np.ndarray, cb: np.ndarray) -> np.ndarray:
    """The recursion with full matrices: A = T diag(a) T^T, Z = (Y4 + A)^-1, ..."""
    out = []
    for e in range(ca.shape[0]):
        for s in range(vec.shape[0]):
            t = vec[s]
            am = t @ np.diag(ca[e, s]) @ t.T
            bm = t @ np.diag(cb[e, s]) @ t.T
            if s == 0:
                y1, y2, y3, y4 = -am, bm, -bm, am
                continue
            z = np.linalg.inv(y4 + am)
            y1 = y1 - y2 @ z @ y3
            y2 = y2 @ z @ bm
            y3 = bm @ z @ y3
            y4 = am - bm @ z @ bm
        out.append([y1, y2, y3, y4])
    return np.moveaxis(np.array(out), 1, 0)


@given(seed=st.integers(0, 2**31 - 1), n_sectors=st.integers(1, 12))
@settings(max_examples=25, deadline=None)
def test_the_compiled_sweep_is_the_recursion(seed, n_sectors):
    """Random rotations and well-conditioned complex sector coefficients (|a| >= 2 > |b|, as for
    closed channels): the kernel equals the matrix recursion to rounding."""
    rng = np.random.default_rng(seed)
    theta = rng.uniform(0, np.pi, n_sectors)
    vec = np.stack([[[np.cos(x), -np.sin(x)], [np.sin(x), np.cos(x)]] for x in theta])
    ca = 2.0 + rng.uniform(0, 3, (3, n_sectors, 2)) + 1j * rng.normal(0, 0.3, (3, n_sectors, 2))
    cb = rng.uniform(-1, 1, (3, n_sectors, 2)) + 1j * rng.normal(0, 0.3, (3, n_sectors, 2))
    got = log_derivative.sweep_two_channels(vec, ca, cb)
    np.testing.assert_allclose(got, _reference(vec, ca, cb), rtol=1e-11, atol=1e-12)
