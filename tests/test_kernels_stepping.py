"""The step controller of every Magnus kernel (lzsm.kernels.stepping), and its Python twin.

The compiled kernels and the NumPy lock-step integrator decide acceptance and the next step
with the same function (``control``; the lock-step path calls ``control.py_func``), so their
step sequences follow the same rule: accept when err <= tol or the step is at the resolution
of t; next step h_try * min(4, max(0.2, 0.9 (tol/err)^exponent)), capped by max_step, kept
after a step that landed on a saved time unless the error asks for less.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from lzsm.kernels import drives, stepping


def by_hand(err, tol, h_try, h, t, last, max_step, exponent):
    accept = err <= tol or h_try <= 1e-14 * (abs(t) + 1)
    fac = 4.0 if err == 0 else min(4.0, max(0.2, 0.9 * (tol / err) ** exponent))
    if err > tol:
        return accept, h_try * fac
    if not last:
        return accept, min(h_try * fac, max_step)
    return accept, min(h, h_try * fac) if fac < 1 else h


CASES = list(
    itertools.product(
        [0.0, 1e-14, 3e-11, 1e-10, 2e-10, 1e-6, 5.0],  # err
        [1e-10],  # tol
        [1e-16, 0.03, 0.5],  # h_try
        [0.5, 2.0],  # h
        [-3.0, 100.0],  # t
        [False, True],  # last
        [0.1, math.inf],  # max_step
        [stepping.EXPONENT_RICHARDSON, stepping.EXPONENT_EMBEDDED],
    )
)


@pytest.mark.parametrize("norm", [0.0, 2.0])
def test_compiled_and_python_controllers_agree(norm):
    for args in CASES:
        compiled = stepping.control(*args, norm)
        python = stepping.control.py_func(*args, norm)
        assert compiled == python, args
        accept, h_new = by_hand(*args)
        if accept and norm > 0.0:
            h_new = min(h_new, args[2] * 0.95 * stepping.MAGNUS_RADIUS / norm)
        assert (accept, h_new) == compiled, args


def test_rejected_steps_shrink_and_accepted_steps_grow_at_most_fourfold():
    for err, tol, h_try, h, t, last, max_step, ex in CASES:
        accept, h_new = stepping.control(err, tol, h_try, h, t, last, max_step, ex, 0.0)
        if not accept:
            assert h_new < h_try
        assert h_new <= 4 * max(h, h_try)


def test_trial_step_lands_on_saved_times_and_kinks():
    fp = np.array([1.0, 0.0])  # triangle wave: kinks at multiples of pi
    brk = drives._next_break(drives.F_TRIANGLE, fp, 0.5)
    assert brk == pytest.approx(math.pi)
    # a step that would cross the kink is shortened to end exactly on it
    brk, last, h_try, t_next = stepping.trial_step(3.0, 0.5, 10.0, brk, drives.F_TRIANGLE, fp)
    assert last and t_next == brk and h_try == brk - 3.0
    # from the kink on, the next kink is the one after it
    brk2, last, h_try, t_next = stepping.trial_step(t_next, 0.5, 10.0, brk, drives.F_TRIANGLE, fp)
    assert brk2 == pytest.approx(2 * math.pi) and not last and t_next == brk + 0.5
    # the saved time comes first
    _, last, h_try, t_next = stepping.trial_step(9.8, 0.5, 10.0, math.inf, drives.F_CONSTANT, fp)
    assert last and t_next == 10.0
    # the Python form used by the lock-step integrator, no kinks
    assert stepping.trial_step.py_func(9.8, 0.5, 10.0, math.inf, 0, None) == (math.inf, True, 10.0 - 9.8, 10.0)


def test_outside_radius():
    assert stepping.outside_radius(1.0, 0.5, 0.0) == 0.0
    assert stepping.outside_radius(2 * math.pi, 0.5, 0.0) == pytest.approx(0.5 * 0.9 / 2)
    assert stepping.outside_radius(2 * math.pi, 1e-16, 0.0) == 0.0  # at the resolution of t
