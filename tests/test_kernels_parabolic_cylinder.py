"""Compiled parabolic-cylinder functions D_nu(z) on the Landau-Zener anti-Stokes line.

``weber_pair(s, consts)`` returns ``(D_{-1-i delta}(z), D_{-i delta}(z))`` at
``z = exp(i pi/4) s``.  Reference: mpmath's arbitrary-precision ``pcfd`` (Whittaker's D_nu,
DLMF 12.2) at 30 significant digits.
"""

from __future__ import annotations

import cmath
import math

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lzsm.kernels.parabolic_cylinder import (
    _ASYMPTOTIC_MIN_ABS_Z,
    _asymptotic_pair,
    _taylor_pair,
    weber_constants,
    weber_pair,
)

RTOL = 1e-10  # required accuracy of the kernel relative to mpmath (issue's done-when)

DELTAS = [0.0, 0.01, 0.3, 1.0, 4.0, 10.0]
# both sides of the crossing, both sides of the switch-over |s| = 8 between the Taylor
# stepper and the asymptotic expansions (DLMF 12.9.1/12.9.3), and large |s|
S_VALUES = [
    -300.0,
    -60.0,
    -12.0,
    -8.0001,
    -8.0,
    -7.9999,
    -3.5,
    -1.0,
    -0.25,
    0.0,
    0.25,
    1.0,
    3.5,
    7.9999,
    8.0,
    8.0001,
    12.0,
    60.0,
    300.0,
]


def mp_pair(delta: float, s: float) -> tuple[complex, complex]:
    """(D_{-1-i delta}(e^{i pi/4} s), D_{-i delta}(e^{i pi/4} s)) from mpmath.pcfd at 30 digits."""
    with mpmath.workdps(30):
        z = mpmath.exp(1j * mpmath.pi / 4) * mpmath.mpf(s)
        d = mpmath.mpf(delta)
        return complex(mpmath.pcfd(-1 - 1j * d, z)), complex(mpmath.pcfd(-1j * d, z))


def rel_err(got: complex, ref: complex) -> float:
    return abs(got - ref) / abs(ref)


def test_switch_over_is_where_the_tests_probe_it():
    # the s grid above straddles the switch-over; if it moves, move the grid
    assert _ASYMPTOTIC_MIN_ABS_Z == 8.0


@pytest.mark.parametrize("delta", DELTAS)
def test_weber_pair_matches_mpmath(delta):
    consts = weber_constants(np.array(delta))
    bad = []
    for s in S_VALUES:
        d_mu, d_mu1 = weber_pair(s, consts)
        ref_mu, ref_mu1 = mp_pair(delta, s)
        e = max(rel_err(d_mu, ref_mu), rel_err(d_mu1, ref_mu1))
        if not e <= RTOL:
            bad.append((s, e))
    assert not bad, f"delta={delta}: relative error above {RTOL:g} at (s, err) = {bad}"


@pytest.mark.parametrize("delta", [0.0, 0.3, 4.0])
def test_weber_constants_are_values_at_origin(delta):
    """Columns 0, 1 are D_mu(0), D_mu'(0) with mu = -1 - i delta (DLMF 12.2.6-7); column 4 is mu."""
    c = weber_constants(np.array(delta))
    mu = -1 - 1j * delta
    with mpmath.workdps(30):
        d0 = complex(mpmath.pcfd(mu, 0))
        dd0 = complex(mpmath.diff(lambda z: mpmath.pcfd(mu, z), 0))
    assert rel_err(c[0], d0) < 1e-13
    assert rel_err(c[1], dd0) < 1e-13
    assert c[4] == mu


@pytest.mark.parametrize("delta", [0.0, 0.3, 1.0, 4.0, 10.0])
def test_taylor_and_asymptotic_branches_agree_beyond_switch_over(delta):
    """Just beyond |s| = 8 both evaluation methods are usable; they must agree to the kernel's
    accuracy (a mismatch would be a jump in finite-time probabilities at |t| = 8 sqrt(hbar/alpha)).
    Where the asymptotic series has not converged to double precision, the kernel itself
    falls back to Taylor steps, so such points are not compared; at least |s| = 12, 16 are."""
    consts = weber_constants(np.array(delta))
    compared = []
    for s in (-16.0, -12.0, -10.0, -9.0, 9.0, 10.0, 12.0, 16.0):
        a_mu, a_mu1, ok = _asymptotic_pair(s, consts)
        if not ok:
            continue
        t_mu, t_mu1 = _taylor_pair(s, consts)
        assert rel_err(a_mu, t_mu) < RTOL, s
        assert rel_err(a_mu1, t_mu1) < RTOL, s
        compared.append(s)
    assert {-16.0, -12.0, 12.0, 16.0} <= set(compared)


@given(delta=st.floats(0.0, 10.0), s=st.floats(-300.0, 300.0))
def test_liouville_invariant(delta, s):
    """Weber-pair Wronskian: the LZ fundamental matrix Phi(s) (kernels.parabolic_cylinder) has
    det Phi = -e^{i pi/4} (|F0|^2 + delta |F1|^2); H is traceless, so by Liouville's formula
    det Phi is independent of s.  Derived: kernels/parabolic_cylinder.py docstring + tr H = 0."""
    consts = weber_constants(np.array(delta))
    f1, f0 = weber_pair(s, consts)
    g1, g0 = weber_pair(0.0, consts)
    w_s = abs(f0) ** 2 + delta * abs(f1) ** 2
    w_0 = abs(g0) ** 2 + delta * abs(g1) ** 2
    assert math.isfinite(w_s)
    assert abs(w_s - w_0) <= 1e-10 * w_0


def test_zero_coupling_is_a_gaussian():
    """delta = 0: D_0(z) = exp(-z^2/4) (DLMF 12.7.2), i.e. a pure phase exp(-i s^2/4) on the line."""
    consts = weber_constants(np.array(0.0))
    for s in (-30.0, -8.0, -2.0, 0.0, 2.0, 8.0, 30.0):
        _, d0 = weber_pair(s, consts)
        assert abs(d0 - cmath.exp(-0.25j * s * s)) < 1e-12


@pytest.mark.parametrize("s", [-1e5, 1e5])
def test_weber_pair_very_large_argument(s):
    # the modulus of D on the anti-Stokes line is well conditioned in s; only its phase is not
    consts = weber_constants(np.array(0.3))
    d_mu, d_mu1 = weber_pair(s, consts)
    ref_mu, ref_mu1 = mp_pair(0.3, s)
    assert abs(abs(d_mu1) / abs(ref_mu1) - 1) < RTOL
    assert abs(abs(d_mu) / abs(ref_mu) - 1) < RTOL
