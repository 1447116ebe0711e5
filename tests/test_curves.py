"""Diabatic curve models (lzsm.curves): Tully's three models (J. Chem. Phys. 93, 1061 (1990))."""

from __future__ import annotations

import numpy as np
import pytest

import lzsm
from lzsm.curves import TULLY_MODELS, TullyDual, TullyExtended, TullySimple


@pytest.mark.parametrize("name", sorted(TULLY_MODELS))
def test_gradient_is_the_derivative_of_the_potential(name):
    m = TULLY_MODELS[name]()
    x = np.linspace(-6, 6, 61) + 0.0137
    e = 1e-6
    fd = (m.hamiltonian(x + e) - m.hamiltonian(x - e)) / (2 * e)
    assert np.allclose(fd, m.hamiltonian_derivative(x), atol=1e-9)
    h = m.hamiltonian(x)
    assert np.allclose(h, np.swapaxes(h, -1, -2))


def test_simple_avoided_crossing_values():
    """Model 1: gap 2C = 0.01 at x = 0, asymptotes -/+ A, NAC peak F/(4V) = 2AB/(4C) = 1.6."""
    m = TullySimple()
    e = lzsm.adiabatic_energies(m, np.array([0.0, 30.0]))
    assert np.allclose(e[0], [-0.005, 0.005], atol=1e-15)
    assert np.allclose(e[1], [-0.01, 0.01], atol=1e-12)
    d = lzsm.nonadiabatic_coupling(m, np.array([0.0]))[0]
    assert abs(abs(d[0, 1]) - 1.6) < 1e-12


def test_dual_and_extended_values():
    """Model 2: V22(0) = E0 - A = -0.05, coupling C; model 3: V12 -> 2B for x -> +inf, B at 0."""
    h = TullyDual().hamiltonian(np.array(0.0))
    assert np.allclose(h, [[0.0, 0.015], [0.015, -0.05]])
    h3 = TullyExtended().hamiltonian(np.array([-50.0, 0.0, 50.0]))
    assert np.allclose(h3[:, 0, 1], [0.0, 0.1, 0.2], atol=1e-15)
    assert np.allclose(h3[:, 0, 0], 6e-4)
