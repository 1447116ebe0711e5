"""lzsm.fit.stueckelberg against double passages propagated exactly (lzsm.evolve of a
DoublePassage, lzsm.evolve_open with dephasing between the adiabatic states), seeded noise.

The fringes against the delay fix the gap through their phase (zeta + Stokes phase) and
through their contrast 4 P (1 - P): with the phase offset free the contrast alone is left,
degenerate with the readout visibility, and the fit says so."""

from __future__ import annotations

import numpy as np
import pytest

import lzsm
from lzsm.errors import LzsmFitWarning
from lzsm.fitting.stueckelberg import fringes

TC = np.linspace(6.0, 18.0, 40)  # crossing times: the crossings at -t_c and +t_c
GAP, RATE, VIS, OFF = 0.4, 1.0, 0.9, 0.05


@pytest.fixture(scope="module")
def coherent() -> np.ndarray:
    model = lzsm.DoublePassage(coupling=GAP / 2, sweep_rate=RATE, crossing_time=TC)
    return np.asarray(lzsm.evolve(model, (-54.0, 54.0), initial="lower").p_jump)


def test_model_is_the_adiabatic_impulse_formula(coherent):
    """phi_0 = Gamma = 0 gives lzsm.double_passage_probability; the exact propagation agrees with
    it to 2e-3 at these well separated crossings."""
    f = fringes(GAP, RATE, TC)
    assert np.allclose(f, lzsm.double_passage_probability(GAP / 2, RATE, TC), atol=1e-12)
    assert np.max(np.abs(f - coherent)) < 2e-3
    # a phase offset pi turns maxima into minima; full dephasing leaves the mean 2 P (1 - P)
    p = float(lzsm.lz_probability(GAP / 2, RATE))
    assert np.allclose(fringes(GAP, RATE, TC, np.pi) + f, 4 * p * (1 - p))
    assert np.allclose(fringes(GAP, RATE, TC, 0.0, 1e3), 2 * p * (1 - p))


def test_recovery_with_known_phase(coherent):
    rng = np.random.default_rng(11)
    data = OFF + VIS * coherent + rng.normal(0.0, 0.015, TC.size)
    fit = lzsm.fit.stueckelberg(data, crossing_time=TC, sweep_rate=RATE, sigma=0.015, fixed={"phase_offset": 0.0})
    for name, value in (("gap", GAP), ("visibility", VIS), ("offset", OFF)):
        assert abs(fit.values[name] - value) < 3 * fit.stderr[name], name
    assert fit.stderr["gap"] < 0.01  # the phase pins the gap to ~1 %
    assert fit.p_value > 1e-3


def test_phase_offset_with_known_visibility_and_degeneracy_without(coherent):
    rng = np.random.default_rng(12)
    data = OFF + VIS * coherent + rng.normal(0.0, 0.015, TC.size)
    fit = lzsm.fit.stueckelberg(data, crossing_time=TC, sweep_rate=RATE, sigma=0.015, fixed={"visibility": VIS})
    for name, value in (("gap", GAP), ("phase_offset", 0.0), ("offset", OFF)):
        assert abs(fit.values[name] - value) < 3 * fit.stderr[name], name
    with pytest.warns(LzsmFitWarning, match="gap~visibility"):
        free = lzsm.fit.stueckelberg(data, crossing_time=TC, sweep_rate=RATE, sigma=0.015)
    assert free.stderr["gap"] > 5 * fit.stderr["gap"]


def test_dephasing_recovered_and_required():
    model = lzsm.DoublePassage(coupling=GAP / 2, sweep_rate=RATE, crossing_time=TC)
    p = np.asarray(lzsm.evolve_open(model, (-54.0, 54.0), "lower", dephasing=0.03, basis="adiabatic").p_jump)
    for seed in range(4):  # the model damps the fringes only between the crossings: check a few seeds
        rng = np.random.default_rng(seed)
        data = OFF + VIS * p + rng.normal(0.0, 0.01, TC.size)
        fit = lzsm.fit.stueckelberg(
            data, crossing_time=TC, sweep_rate=RATE, sigma=0.01, dephasing=True, fixed={"phase_offset": 0.0}
        )
        for name, value in (("gap", GAP), ("dephasing", 0.03), ("visibility", VIS), ("offset", OFF)):
            assert abs(fit.values[name] - value) < 3 * fit.stderr[name], (seed, name)
        assert fit.stderr["dephasing"] < 0.005
        assert abs(fit.values["dephasing"] / 0.03 - 1) < 0.3, seed  # a factor 2 in the rate fails
    coherent_model = lzsm.fit.stueckelberg(
        data, crossing_time=TC, sweep_rate=RATE, sigma=0.01, fixed={"phase_offset": 0.0}
    )
    assert coherent_model.p_value < 1e-10
