"""lzsm.fit.feshbach against conversion efficiencies from exact propagation of the mapped
crossing (lzsm.applications.cold_atoms.feshbach_conversion_exact, 85Rb at 155 G), seeded noise.

The two-body Landau-Zener prediction beta_LZ = 2 pi 4 pi hbar |a_bg Delta_B| / m
(feshbach_beta_lz) must come back: the fitted beta / beta_LZ within 3 standard errors of 1."""

from __future__ import annotations

import numpy as np
import pytest

import lzsm
from lzsm.applications.cold_atoms import RB85_155G, feshbach_beta_lz, feshbach_conversion_exact

DENSITY = 1e11  # cm^-3
RATES = np.geomspace(0.1, 100.0, 20)  # G/ms


@pytest.fixture(scope="module")
def exact() -> np.ndarray:
    return np.asarray(feshbach_conversion_exact(RB85_155G, DENSITY, RATES))


def test_association_parameter_recovered(exact):
    rng = np.random.default_rng(31)
    data = 0.7 * exact + rng.normal(0.0, 0.01, RATES.size)
    fit = lzsm.fit.feshbach(data, density_cm3=DENSITY, sweep_rate_gauss_per_ms=RATES, sigma=0.01, resonance=RB85_155G)
    assert fit.derived["beta_lz"] == pytest.approx(feshbach_beta_lz(RB85_155G))
    ratio, err = fit.derived["beta_over_beta_lz"], fit.derived["beta_over_beta_lz_stderr"]
    assert abs(ratio - 1.0) < 3 * err and err < 0.05
    assert abs(fit.values["p_max"] - 0.7) < 3 * fit.stderr["p_max"]
    # the critical rate beta n: a ramp at it converts p_max (1 - 1/e)
    assert fit.derived["critical_rate_gauss_per_ms"] == pytest.approx(fit.values["beta"] * DENSITY / 1e3)
    assert fit.p_value > 1e-3


def test_a_background_is_detected_by_chi_square(exact):
    rng = np.random.default_rng(32)
    data = 0.08 + 0.7 * exact + rng.normal(0.0, 0.01, RATES.size)
    without = lzsm.fit.feshbach(data, density_cm3=DENSITY, sweep_rate_gauss_per_ms=RATES, sigma=0.01)
    assert without.p_value < 1e-6
    with_background = lzsm.fit.feshbach(
        data, density_cm3=DENSITY, sweep_rate_gauss_per_ms=RATES, sigma=0.01, guess={"offset": 0.0}
    )
    assert abs(with_background.values["offset"] - 0.08) < 3 * with_background.stderr["offset"]
    assert with_background.p_value > 1e-3
