"""lzsm.fit.spectroscopy against maps from the exact periodic steady state of the Lindblad
equation (lzsm.applications.qubits.lindblad_upper_population), in device units with unknown
lever arms and flux origin, seeded noise.

Units: hbar = 1, omega = 1; Delta = 0.05 hbar omega and 1/(T2 omega) = 0.067 (the rate model is
valid) for the recovery; Delta = 0.5 hbar omega (it is not) for the choice of the exact model."""

from __future__ import annotations

import numpy as np
import pytest

import lzsm
from lzsm.applications.qubits import lindblad_upper_population
from lzsm.errors import LzsmFitWarning

X = np.linspace(-0.8, 3.2, 81)  # dc axis, device units (e.g. mPhi0)
Y = np.linspace(0.0, 3.0, 13)  # drive amplitude axis, device units (e.g. V at the generator)
LEVER_OFFSET, ORIGIN, LEVER_AMPLITUDE = 1.1, 0.25, 1.4
TRUTH = {"gap": 0.05, "lever_offset": LEVER_OFFSET, "origin": ORIGIN, "lever_amplitude": LEVER_AMPLITUDE, "t2": 15.0}
GUESS = {"gap": 0.06, "lever_offset": 1.05, "origin": 0.2, "lever_amplitude": 1.3, "t2": 12.0}


@pytest.fixture(scope="module")
def exact_map() -> np.ndarray:
    eps0 = LEVER_OFFSET * (X[:, None] - ORIGIN)
    return np.asarray(
        lindblad_upper_population(0.05, eps0, LEVER_AMPLITUDE * Y[None, :], 1.0, 100.0, 15.0, n_samples=64)
    )


def test_recovery_of_gap_lever_arms_origin_t2_and_readout(exact_map):
    rng = np.random.default_rng(21)
    data = 0.03 + 0.9 * exact_map + rng.normal(0.0, 0.02, exact_map.shape)
    fit = lzsm.fit.spectroscopy(
        data, offset_axis=X, amplitude_axis=Y, frequency=1.0, sigma=0.02, guess=GUESS, fixed={"t1": 100.0}
    )
    assert fit.forward_model == "rate model (Berns et al. 2006)"
    for name, value in {**TRUTH, "visibility": 0.9, "offset": 0.03}.items():
        assert abs(fit.values[name] - value) < 3 * fit.stderr[name], name
    assert fit.stderr["gap"] < 0.1 * TRUTH["gap"]
    assert fit.stderr["lever_offset"] < 0.01 * LEVER_OFFSET  # the resonances eps0 = n hbar omega pin it
    assert fit.p_value > 1e-3


def test_gap_and_t1_are_degenerate(exact_map):
    """Only Delta^2 T1 enters the map: freeing T1 as well warns and leaves both loose."""
    rng = np.random.default_rng(22)
    data = 0.03 + 0.9 * exact_map + rng.normal(0.0, 0.02, exact_map.shape)
    with pytest.warns(LzsmFitWarning, match="gap~t1"):
        fit = lzsm.fit.spectroscopy(
            data, offset_axis=X, amplitude_axis=Y, frequency=1.0, sigma=0.02, guess={**GUESS, "t1": 80.0}
        )
    assert ("gap", "t1") in {pair[:2] for pair in fit.degenerate}


def test_exact_model_where_the_rate_model_fails():
    """Delta = 0.5 hbar omega: the rate model misses the shifted resonances (chi-square rejects it);
    'auto' starts with the rate model (the starting gap 0.09 is inside its range), sees its best
    gap leave the range, refits with the exact periodic steady state and recovers the gap and T2."""
    x, y = np.linspace(0.3, 2.3, 21), np.array([0.4, 0.9, 1.4, 1.9])
    exact = np.asarray(lindblad_upper_population(0.5, x[:, None], y[None, :], 1.0, 100.0, 15.0, n_samples=64))
    rng = np.random.default_rng(23)
    data = 0.03 + 0.9 * exact + rng.normal(0.0, 0.01, exact.shape)
    known = {"lever_offset": 1.0, "origin": 0.0, "lever_amplitude": 1.0, "t1": 100.0, "offset": 0.03}
    guess = {"gap": 0.09, "t2": 12.0, "visibility": 0.85}
    fit = lzsm.fit.spectroscopy(
        data, offset_axis=x, amplitude_axis=y, frequency=1.0, sigma=0.01, guess=guess, fixed=known
    )
    assert fit.forward_model == "exact periodic steady state (Lindblad)"
    assert any("refitted with the exact model" in note for note in fit.notes)
    assert fit.p_value > 1e-3
    for name, value in (("gap", 0.5), ("t2", 15.0), ("visibility", 0.9)):
        assert abs(fit.values[name] - value) < 3 * fit.stderr[name], name
    # and the errors are small enough that a factor 2 in the linewidth (T2 = 7.5 or 30) fails
    assert fit.stderr["t2"] < 2.5 and abs(fit.values["t2"] / 15.0 - 1) < 0.5
    rate = lzsm.fit.spectroscopy(
        data, offset_axis=x, amplitude_axis=y, frequency=1.0, sigma=0.01, guess=guess, fixed=known, forward_model="rate"
    )
    assert rate.p_value < 1e-6
    assert any("validity" in note for note in rate.notes)
