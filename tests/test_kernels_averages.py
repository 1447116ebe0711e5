"""The compiled Floquet time-average kernels (lzsm.kernels.averages) against NumPy.

The weights of the trigonometric interpolant are the FFT of E(2 pi h_m - d),
E(x) = (e^{ix} - 1)/(ix), over the harmonics h_m of numpy.fft.fftfreq; the kernel forms them
with its own radix-2 FFT (M a power of two) or the direct sum (any other M).  The time
averages themselves are checked against brute-force integration in test_dynamics_floquet.py."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lzsm.kernels.averages import _dft, interpolant_weights


def numpy_weights(theta: np.ndarray, m: int) -> np.ndarray:
    """The weights from their definition, with NumPy's FFT and the plain (e^{ix} - 1)/(ix)."""
    h = np.fft.fftfreq(m, 1.0 / m)
    rows = []
    for a in range(theta.size):
        for b in range(a + 1, theta.size):
            x = 2 * np.pi * h - (theta[a] - theta[b])
            e = np.where(np.abs(x) > 1e-12, (np.exp(1j * x) - 1) / (1j * np.where(x == 0, 1, x)), 1.0)
            rows.append(np.fft.fft(e) / m)
    return np.array(rows)


def twiddles(m: int) -> np.ndarray:
    return np.exp(-2j * np.pi * np.arange(m) / m)


@pytest.mark.parametrize("m", [8, 64, 256, 12, 255])
def test_dft_is_numpy_fft(m):
    rng = np.random.default_rng(m)
    a = rng.normal(size=m) + 1j * rng.normal(size=m)
    ref = np.fft.fft(a)
    _dft(a, twiddles(m))
    assert np.max(np.abs(a - ref)) <= 1e-13 * m


@settings(max_examples=40, deadline=None)
@given(
    theta=st.lists(st.floats(-np.pi, np.pi), min_size=2, max_size=3),
    m=st.sampled_from([8, 16, 64, 255, 10]),
)
def test_interpolant_weights_are_their_definition(theta, m):
    theta = np.array(theta)
    out = np.empty((theta.size * (theta.size - 1) // 2, m), dtype=complex)
    interpolant_weights(theta, twiddles(m), out)
    # the plain formula cancels at small x (an error ~1e-16/|x|), which the tolerance allows
    h = np.fft.fftfreq(m, 1.0 / m)
    x = np.abs(2 * np.pi * h[None, :] - (theta[:, None, None] - theta[None, :, None]))
    smallest = max(np.min(x[x > 1e-12]), 1e-300) if np.any(x > 1e-12) else 1.0
    assert np.max(np.abs(out - numpy_weights(theta, m))) <= 1e-12 + 1e-15 / smallest


def test_equal_phases_weigh_the_plain_mean():
    """d = 0: E(2 pi h) = delta_h0, so every weight is 1/M (the plain mean of the samples)."""
    out = np.empty((1, 32), dtype=complex)
    interpolant_weights(np.array([0.7, 0.7]), twiddles(32), out)
    assert np.max(np.abs(out - 1 / 32)) <= 1e-15
