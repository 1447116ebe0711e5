"""The drive shapes f(t) of lzsm.kernels.drives: one definition, four forms that agree.

Every shape code has a compiled value (``_coef``) and next kink (``_next_break``), a NumPy
value (``coefficient_function``) and kink list (``kinks``), a plain-Python value for QuTiP
(``python_coefficient``) and a bound (``max_abs``).  The hand-written reference below follows
the module docstring: f = 0, t, cos(omega t + phi), the triangle wave with the cosine's extrema
and phase, t^2, |t|.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lzsm.kernels import drives

PARAMS = [(1.0, 0.0), (2.5, 0.3), (0.7, -1.9), (3.0, math.pi / 2)]
T = np.concatenate([np.linspace(-7.3, 9.1, 401), [0.0, -0.0, 1e-300, -1e-300]])


def triangle(theta):
    """+1 at theta = 0 (mod 2 pi), -1 at pi, linear between (written out by hand)."""
    x = np.mod(theta, 2 * np.pi)
    return np.where(x <= np.pi, 1 - 2 * x / np.pi, -3 + 2 * x / np.pi)


def reference(code, om, ph, t):
    theta = om * t + ph
    return {
        drives.F_CONSTANT: 0 * t,
        drives.F_LINEAR: t,
        drives.F_COS: np.cos(theta),
        drives.F_TRIANGLE: triangle(theta),
        drives.F_QUADRATIC: t * t,
        drives.F_ABS: np.abs(t),
    }[code]


def test_codes_are_distinct_and_complete():
    assert tuple(range(6)) == drives.CODES
    assert (
        drives.F_CONSTANT,
        drives.F_LINEAR,
        drives.F_COS,
        drives.F_TRIANGLE,
        drives.F_QUADRATIC,
        drives.F_ABS,
    ) == drives.CODES


@pytest.mark.parametrize("code", drives.CODES)
@pytest.mark.parametrize("om, ph", PARAMS)
def test_three_forms_agree_with_the_definition(code, om, ph):
    fp = np.array([om, ph])
    compiled = np.array([drives._coef(code, fp, float(t)) for t in T])
    numpy_form = drives.coefficient_function(np.full(T.shape, code), np.broadcast_to(fp, T.shape + (2,)), T)
    python_form = np.array([drives.python_coefficient(code, om, ph)(float(t)) for t in T])
    scale = 1.0 + T * T
    np.testing.assert_allclose(compiled, reference(code, om, ph, T), rtol=0, atol=1e-13 * scale.max())
    assert np.all(np.abs(numpy_form - compiled) <= 4e-16 * scale)  # NumPy's cos may differ by an ulp
    assert np.array_equal(python_form, compiled)  # the same scalar formula, the same libm


@pytest.mark.parametrize("code", drives.CODES)
@pytest.mark.parametrize("om, ph", PARAMS)
def test_kinks_agree_between_compiled_and_numpy(code, om, ph):
    fp = np.array([om, ph])
    t0, t1 = -7.3, 9.1
    listed = drives.kinks(np.array([code]), fp[None], t0, t1)
    walked = []
    t = t0
    while True:
        t = drives._next_break(code, fp, t)
        if t >= t1:
            break
        walked.append(t)
    np.testing.assert_allclose(listed, walked, rtol=0, atol=1e-13)
    if code == drives.F_TRIANGLE:
        # the kinks are where the phase is a multiple of pi: the wave's extrema
        assert len(walked) == drives.kink_count(np.array([code]), fp[None], t0, t1) + 1
        np.testing.assert_allclose(np.abs(drives.coefficient_function(code, fp, np.asarray(walked))), 1.0, atol=1e-12)
    elif code == drives.F_ABS:
        assert walked == [0.0]
    else:
        assert walked == [] and drives.kink_count(np.array([code]), fp[None], t0, t1) == 0


def test_kinks_are_the_union_over_a_grid():
    code = np.array([drives.F_TRIANGLE, drives.F_ABS, drives.F_TRIANGLE, drives.F_COS])
    fpar = np.array([[1.0, 0.0], [1.0, 0.0], [2.0, 0.5], [5.0, 0.0]])
    k = drives.kinks(code, fpar, -4.0, 4.0)
    expected = np.unique(np.concatenate([np.arange(-1, 2) * math.pi, [0.0], (np.arange(-2, 3) * math.pi - 0.5) / 2]))
    np.testing.assert_allclose(k, expected[(expected > -4) & (expected < 4)], atol=1e-14)


@pytest.mark.parametrize("code", drives.CODES)
def test_max_abs_bounds_every_shape(code):
    for om, ph in PARAMS:
        for t0, t1 in ((-7.3, 9.1), (0.5, 2.0), (-3.0, -1.0)):
            t = np.linspace(t0, t1, 1001)
            f = drives.coefficient_function(code, np.array([om, ph]), t)
            assert np.max(np.abs(f)) <= drives.max_abs(np.array(code), t0, t1) * (1 + 1e-15)


def test_triangle_kinks_at_negative_times_do_not_stall():
    """A step that lands on a kink at t < 0 where the phase rounds just below a multiple of pi
    (omega = 2.5, phi = 0.3, t = -2.633...) used to get that same kink back as the next one,
    and the kernel looped forever."""
    import lzsm

    fp = np.array([2.5, 0.3])
    t = -2.6332741228718346
    assert drives._next_break(drives.F_TRIANGLE, fp, t) > t
    drive = lzsm.PeriodicDrive(gap=0.3, offset=0.2, amplitude=2.0, frequency=2.5, phase=0.3, shape="triangular")
    run = lzsm.evolve(drive, (-10.0, 0.0), 0)
    assert int(run.status) == 0
    ref = lzsm.evolve(drive, (-10.0, 0.0), 0, method="dop853", tol=1e-12)
    np.testing.assert_allclose(run.amplitudes, ref.amplitudes, atol=1e-8)
