"""Closed forms for dephased and incoherent crossings (lzsm.incoherent).

The closed forms are checked here against each other and against direct quadrature; their
agreement with the Lindblad numerics in their regimes is in test_open_systems.py.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import integrate

import lzsm
from lzsm.errors import LzsmValueError


def test_kayanuma_doubles_the_landau_zener_exponent():
    """(1 + exp(-4 pi delta))/2 = (1 + P_LZ^2)/2 (Kayanuma 1984)."""
    v, a = np.array([0.1, 0.3, 1.0]), 1.3
    p_lz = lzsm.lz_probability(v, a)
    assert np.allclose(lzsm.kayanuma_p_diabatic_stay(v, a), 0.5 * (1 + p_lz**2), rtol=1e-14)
    assert lzsm.kayanuma_p_diabatic_stay(5.0, 1.0) == pytest.approx(0.5, abs=1e-12)  # driven to one half
    assert lzsm.kayanuma_p_diabatic_stay(0.3, 2.0, hbar=2.0) == pytest.approx(lzsm.kayanuma_p_diabatic_stay(0.3, 4.0))


def test_rate_equation_full_line_is_kayanuma():
    v, a, g = 0.3, 1.0, 4.0
    assert lzsm.rate_equation_p_diabatic_stay(v, a, g) == pytest.approx(lzsm.kayanuma_p_diabatic_stay(v, a), abs=1e-14)


@given(
    v=st.floats(0.01, 2.0),
    a=st.floats(0.1, 10.0),
    g=st.floats(0.1, 50.0),
    t0=st.floats(-20, 0),
    width=st.floats(0.1, 30.0),
)
def test_rate_equation_window_equals_quadrature_of_the_rate(v, a, g, t0, width):
    """The arctan form is the integral of k(t) = 2 V^2 gamma / ((alpha t)^2 + gamma^2)."""
    t1 = t0 + width
    k, _ = integrate.quad(
        lambda t: float(lzsm.dephased_transition_rate(v, a * t, g)), t0, t1, epsabs=1e-13, epsrel=1e-12, limit=200
    )
    assert lzsm.rate_equation_p_diabatic_stay(v, a, g, (t0, t1)) == pytest.approx(
        0.5 * (1 + math.exp(-2 * k)), abs=1e-10
    )


def test_rate_equation_populations_for_a_linear_sweep():
    """The general quadrature for any two-level model reproduces the arctan form."""
    m = lzsm.LandauZener(coupling=0.3, sweep_rate=1.0)
    assert lzsm.rate_equation_populations(m, (-50, 50), 4.0) == pytest.approx(
        lzsm.rate_equation_p_diabatic_stay(0.3, 1.0, 4.0, (-50, 50)), abs=1e-10
    )


def test_zeno_limit_of_the_rate():
    """At resonance k = 2 V^2/(hbar^2 gamma): the rate vanishes as the dephasing grows."""
    assert lzsm.dephased_transition_rate(0.3, 0.0, 10.0) == pytest.approx(2 * 0.09 / 10.0)
    assert lzsm.dephased_transition_rate(0.3, 0.0, 10.0, hbar=2.0) == pytest.approx(2 * 0.09 / (4 * 10.0))
    g = np.array([1.0, 10.0, 100.0])
    assert np.all(np.diff(lzsm.dephased_transition_rate(0.3, 0.0, g)) < 0)


def test_periodic_rate_model_resonances_and_limits():
    """Resonances at eps0 = n hbar omega weighted by J_n(A/hbar omega)^2; P_up <= 1/2; without
    relaxation the populations equalise."""
    gap, amp, om, g2 = 0.1, 2.5, 1.0, 0.05
    on = lzsm.rate_equation_upper_population(gap, 2.0, amp, om, g2, 0.01)
    off = lzsm.rate_equation_upper_population(gap, 2.5, amp, om, g2, 0.01)
    assert on > 10 * off
    assert lzsm.rate_equation_upper_population(gap, 2.0, amp, om, g2, 0.0) == pytest.approx(0.5)
    # single resonance: W = (Delta^2/2) J_n(x)^2 / (hbar Gamma_2)
    from scipy.special import jv

    w = 0.5 * gap**2 * jv(2, amp / om) ** 2 / g2
    assert lzsm.rate_equation_upper_population(gap, 2.0, amp, om, g2, 0.01, n_max=40) == pytest.approx(
        w / (2 * w + 0.01), rel=0.02
    )
    # zero of the Bessel function: the resonance disappears (coherent destruction of tunnelling)
    from scipy.special import jn_zeros

    a0 = jn_zeros(2, 1)[0] * om
    assert lzsm.rate_equation_upper_population(gap, 2.0, a0, om, g2, 0.01) < 0.05 * on


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: lzsm.kayanuma_p_diabatic_stay(0.3, 0.0), "sweep_rate"),
        (lambda: lzsm.dephased_transition_rate(0.3, 1.0, 0.0), "dephasing"),
        (lambda: lzsm.rate_equation_p_diabatic_stay(0.3, 1.0, 1.0, (2, 1)), "t_span"),
        (lambda: lzsm.rate_equation_upper_population(0.1, 1.0, 1.0, 1.0, 0.1, -0.1), "relaxation"),
        (lambda: lzsm.rate_equation_upper_population(0.1, 1.0, 1.0, 0.0, 0.1, 0.1), "frequency"),
        (lambda: lzsm.rate_equation_populations(lzsm.LandauZener(0.3, [1.0, 2.0]), (-5, 5), 1.0), "single"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(LzsmValueError, match=match):
        call()
