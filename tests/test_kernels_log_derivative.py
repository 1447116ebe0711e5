"""The compiled two-channel sweep of the log-derivative propagator (lzsm.kernels.log_derivative)
against the NumPy recursion that serves more channels (lzsm.molecules.stationary._sweep_numpy;
Manolopoulos 1986)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lzsm.kernels import log_derivative
from lzsm.molecules.stationary import _sweep_numpy


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
    reference = np.array(_sweep_numpy(vec, np.swapaxes(ca, 0, 1), np.swapaxes(cb, 0, 1)))  # (4, nE, 2, 2)
    np.testing.assert_allclose(got, reference, rtol=1e-11, atol=1e-12)
