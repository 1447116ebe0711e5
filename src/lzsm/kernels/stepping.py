"""The adaptive step controller of every Magnus kernel, once.

Used by the coherent kernels (:mod:`lzsm.kernels.magnus`, two and N levels), the Lindblad
kernels (:mod:`lzsm.kernels.lindblad`, Bloch vector and N levels) and, through the plain
Python form of ``control`` (``control.py_func``), by the NumPy lock-step integrator of
models given by callables (:func:`lzsm.dynamics.coherent._magnus6_lockstep`).  Every kernel
keeps its own step formula (Magnus exponent and exponential in its representation) and its
own error estimate; what a step does with them is decided here:

* ``trial_step``: the step to try from t: h, or shorter so as to land exactly on the
  next saved time or kink of the drive (:func:`lzsm.kernels.drives._next_break`);
* ``outside_radius``: a step whose Magnus exponent has norm above ``MAGNUS_RADIUS``
  is retried shorter before any exponential is taken;
* ``control``: accept when the error estimate is within ``tol`` (or the step is at the
  resolution of t), and the next step ``h (tol/err)^exponent`` with safety 0.9 and factor in
  [0.2, 4], capped by ``max_step``.

Every kernel loop reads::

    while t < t_end:
        brk, last, h_try, t_next = trial_step(t, h, t_end, brk, code, fp)
        ...  # Omega of the step; h_short = outside_radius(norm, h_try, t): retry with h = h_short
        ...  # err: the step's local error estimate
        accept, h_new = control(err, tol, h_try, h, t, last, max_step, exponent, norm)
        if accept:
            ...  # keep the step
            t = t_next
        h = h_new
"""

from __future__ import annotations

import math

from numba import njit

from .drives import _next_break

STATUS_OK = 0
STATUS_MAX_STEPS = 1
STATUS_STEP_UNDERFLOW = 2

#: The Magnus series of one step converges when the integral of ||A(t)|| over the step is below
#: pi (Moan & Niesen, Found. Comput. Math. 8, 291 (2008)).  Beyond it the step's error estimate
#: is no longer trustworthy (measured: Richardson estimates too small by up to 10^3 at 10-20 rad
#: per step, which loose tolerances let the controller choose in the far tails of fast sweeps).
MAGNUS_RADIUS = math.pi

#: Controller exponent for the Richardson-extrapolated (order-7) estimate of step doubling.
EXPONENT_RICHARDSON = 1.0 / 7.0
#: Controller exponent for an embedded fourth-order estimate (order 5).
EXPONENT_EMBEDDED = 0.2


@njit(cache=True, nogil=True, inline="always")
def trial_step(t, h, t_end, brk, code, fp):
    """The step to try from t: ``(brk, last, h_try, t_next)``.

    ``brk`` (the next kink of the drive, kept by the caller) is moved past t; the step ends at
    ``t_next``, which is exactly ``min(t_end, brk)`` when the step reaches it (``last``)."""
    while brk <= t:
        brk = _next_break(code, fp, t)
    stop = min(t_end, brk)
    last = t + h >= stop
    h_try = stop - t if last else h
    return brk, last, h_try, (stop if last else t + h_try)


@njit(cache=True, nogil=True, inline="always")
def outside_radius(norm, h_try, t):
    """The shortened step if the step's exponent has ``norm`` above :data:`MAGNUS_RADIUS`,
    else 0.0 (the step may proceed; so may a step already at the resolution of t)."""
    if norm > MAGNUS_RADIUS and h_try > 1e-14 * (abs(t) + 1.0):
        return h_try * 0.9 * MAGNUS_RADIUS / norm
    return 0.0


@njit(cache=True, nogil=True, inline="always")
def control(err, tol, h_try, h, t, last, max_step, exponent, norm):
    """Accept the step ``[t, t + h_try]`` with local error estimate ``err``?  And the next h.

    Accepted when ``err <= tol``, or when the step is at the resolution of t
    (``h_try <= 1e-14 (|t| + 1)``: no shorter step exists).  The next step is
    ``h_try * fac`` with ``fac = min(4, max(0.2, 0.9 (tol/err)^exponent))`` (4 when err = 0):
    after a rejection the retry; after an accepted step the next one, capped by ``max_step``;
    after a step that landed on a saved time or kink (``last``) h is kept unless the error
    asks for a smaller one.  ``norm`` > 0 (the norm of the accepted step's Magnus exponent)
    also keeps the next step within 0.95 of :data:`MAGNUS_RADIUS` (linear extrapolation; pass
    0.0 not to).  Plain scalar code: ``control.py_func`` is the same controller in Python.
    """
    accept = err <= tol or h_try <= 1e-14 * (abs(t) + 1.0)
    fac = 4.0 if err == 0.0 else min(4.0, max(0.2, 0.9 * (tol / err) ** exponent))
    if err > tol:  # rejected (or accepted at the resolution of t): smaller
        h_new = h_try * fac
    elif not last:
        h_new = min(h_try * fac, max_step)
    elif fac < 1.0:
        h_new = min(h, h_try * fac)
    else:
        h_new = h
    if accept and norm > 0.0:  # do not grow straight past the radius (saves a rejected try)
        h_new = min(h_new, h_try * 0.95 * MAGNUS_RADIUS / norm)
    return accept, h_new
