"""Closed forms of the switched pulses: Rosen–Zener, Allen–Eberly and Demkov–Kunike.

:func:`demkov_kunike_p_diabatic_stay` (Demkov & Kunike, Vestn. Leningr. Univ. Fiz. Khim. 16, 39
(1969); Suominen & Garraway, Phys. Rev. A 45, 374 (1992)), with :func:`rosen_zener_p_diabatic_stay`
(Rosen & Zener, Phys. Rev. 40, 502 (1932)) and :func:`allen_eberly_p_diabatic_stay` (Allen &
Eberly, *Optical Resonance and Two-Level Atoms* (1975)) as its special cases, for the models of
:mod:`lzsm.models.pulses`.  For these pulses the coupling vanishes at t -> +-inf, so diabatic
and adiabatic states agree there: the diabatic transfer probability ``1 - p_diabatic_stay`` is
``p_jump`` when the bias keeps its sign (Rosen–Zener) and ``p_adiabatic_follow`` when it changes
sign (Allen–Eberly with ``|b0| < |b1|``).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from lzsm import _checks
from lzsm.errors import LzsmValueError

#: The largest phase (rad) whose sine double precision still resolves to ~0.1 (rounding 1e-16 x phase).
MAX_PHASE = 1e15
#: A term below this beside terms of order one is lost in rounding (its phase then does not matter).
NEGLIGIBLE = 1e-17


def _out(x):
    return x[()] if isinstance(x, np.ndarray) and x.ndim == 0 else x


def _times(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``a x``, 0 where x = 0 (also for a = inf: the scale of an argument that vanishes)."""
    with np.errstate(invalid="ignore"):
        return np.where(x == 0, 0.0, a * x)


def demkov_kunike_p_diabatic_stay(
    coupling: ArrayLike, detuning: ArrayLike, chirp: ArrayLike, duration: ArrayLike, hbar: ArrayLike = 1.0
) -> np.ndarray:
    """Exact probability to keep the initial diabatic state after a Demkov–Kunike pulse.

    For ``V(t) = V0 sech(t/T)`` and ``b(t) = b0 + b1 tanh(t/T)`` (t from -inf to +inf), with
    ``x0 = pi T b0/hbar``, ``x1 = pi T b1/hbar`` and ``y = pi T sqrt(4|V0|^2 - b1^2)/hbar``
    (imaginary when ``|b1| > 2|V0|``, where ``cos y`` becomes ``cosh|y|``):

    .. math::  p_{diabatic\\ stay} = \\frac{\\cosh x_0 + \\cos y}{\\cosh x_0 + \\cosh x_1},\\qquad
               1 - p_{diabatic\\ stay} = \\frac{\\cosh x_1 - \\cos y}{\\cosh x_0 + \\cosh x_1}.

    Yu. N. Demkov & M. Kunike, Vestn. Leningr. Univ. Fiz. Khim. 16, 39 (1969); K.-A. Suominen
    & B. M. Garraway, Phys. Rev. A 45, 374 (1992), converted with ``Delta = b/hbar``,
    ``Omega = 2V/hbar``.  Evaluated with a common scale factor ``exp(-max(|x0|, |x1|))`` and the
    differences of the arguments formed before they are scaled, so that no argument overflows
    (the ratio stays right where ``pi T/hbar`` itself overflows).  Where ``cos y`` matters but
    ``y`` exceeds ``MAX_PHASE`` (its sine is lost in rounding) a
    :class:`~lzsm.errors.LzsmValueError` names the coupling and the duration.  Vectorised.
    """
    v0 = np.abs(_checks.complex_array(coupling, "coupling"))
    b0 = np.abs(_checks.real_array(detuning, "detuning"))
    b1 = np.abs(_checks.real_array(chirp, "chirp"))
    tt = _checks.real_array(duration, "duration", positive=True)
    hb = _checks.real_array(hbar, "hbar", positive=True)
    v0, b0, b1, tt, hb = np.broadcast_arrays(v0, b0, b1, tt, hb)
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        a = np.pi * tt / hb  # inf where it overflows: every exponent below stays a number
        # sqrt|4 V0^2 - b1^2| without squaring (no overflow), and y - m without cancellation
        big = np.maximum(2.0 * v0, b1)
        small = np.minimum(2.0 * v0, b1)
        root = big * np.sqrt((1.0 - small / np.where(big > 0, big, 1.0)) * (1.0 + small / np.where(big > 0, big, 1.0)))
        u = np.maximum(b0, b1)  # m = a u
        chirped = b1 >= b0
        # (sqrt(b1^2 - 4 V0^2) - u): -4 V0^2 / (root + b1) when u = b1, else root - b0
        gap_y = np.where(chirped, -(2.0 * v0) * (2.0 * v0) / np.where(root + b1 > 0, root + b1, 1.0), root - b0)

        def scaled(diff: np.ndarray, total: np.ndarray) -> np.ndarray:
            """cosh(x) exp(-m) from |x| - m = a diff (<= 0) and |x| + m = a total."""
            return 0.5 * (np.exp(_times(a, diff)) + np.exp(-_times(a, total)))

        c0 = scaled(b0 - u, b0 + u)
        c1 = scaled(b1 - u, b1 + u)
        rotating = 2.0 * v0 >= b1  # cos y; else cosh y
        y = _times(a, root)
        e_m = np.exp(-_times(a, u))
        lost = rotating & ~(y <= MAX_PHASE) & (e_m > NEGLIGIBLE)
        if np.any(lost):
            raise LzsmValueError(
                "`coupling` and `duration`: the pulse area pi T sqrt(4|V0|^2 - b1^2)/hbar = "
                f"{float(np.max(np.where(lost, y, 0.0))):.3g} rad is beyond what double precision resolves "
                f"(at most {MAX_PHASE:g} rad): the probability oscillates faster than any input can be given"
            )
        cy = np.where(rotating, np.cos(np.where(y <= MAX_PHASE, y, 0.0)) * e_m, scaled(gap_y, root + u))
        p = (c0 + cy) / (c0 + c1)
    return _out(np.clip(p, 0.0, 1.0))


def rosen_zener_p_diabatic_stay(
    coupling: ArrayLike, detuning: ArrayLike, duration: ArrayLike, hbar: ArrayLike = 1.0
) -> np.ndarray:
    """Rosen–Zener: probability to keep the initial diabatic state after ``V0 sech(t/T)`` at
    constant bias ``b0``:

    .. math::  1 - p_{diabatic\\ stay} = \\sin^2\\left(\\frac{\\pi |V_0| T}{\\hbar}\\right)
               \\mathrm{sech}^2\\left(\\frac{\\pi b_0 T}{2\\hbar}\\right).

    On resonance this is Rabi flopping with pulse area ``int 2|V| dt / hbar = 2 pi |V0| T/hbar``.
    N. Rosen & C. Zener, Phys. Rev. 40, 502 (1932), with ``Omega_0 = 2 V0/hbar``, ``Delta =
    b0/hbar``.  Since the bias keeps its sign, ``1 - p_diabatic_stay`` is also ``p_jump``.
    A pulse area beyond ``MAX_PHASE`` (where the sech factor does not make it irrelevant)
    raises :class:`~lzsm.errors.LzsmValueError`.

    Examples
    --------
    >>> import lzsm
    >>> lzsm.rosen_zener_p_diabatic_stay([0.25, 0.5], detuning=0.0, duration=1.0).round(4)  # pulse areas pi/2, pi
    array([0.5, 0. ])
    >>> round(float(lzsm.rosen_zener_p_diabatic_stay(0.5, detuning=1.0, duration=1.0)), 4)  # off resonance
    0.8412
    """
    v0 = np.abs(_checks.complex_array(coupling, "coupling"))
    b0 = _checks.real_array(detuning, "detuning")
    tt = _checks.real_array(duration, "duration", positive=True)
    hb = _checks.real_array(hbar, "hbar", positive=True)
    with np.errstate(over="ignore"):
        scale = np.pi * (tt / hb)
        area = _times(scale, v0)
        damping = 1.0 / np.cosh(np.minimum(np.abs(_times(scale, b0)) / 2, 350.0)) ** 2
    lost = ~(area <= MAX_PHASE) & (damping > NEGLIGIBLE)
    if np.any(lost):
        raise LzsmValueError(
            f"`coupling` and `duration`: the pulse area pi |V0| T/hbar = {float(np.max(np.where(lost, area, 0.0))):.3g} "
            f"rad is beyond what double precision resolves (at most {MAX_PHASE:g} rad): the probability oscillates "
            "faster than any input can be given"
        )
    return _out(1.0 - np.sin(np.where(area <= MAX_PHASE, area, 0.0)) ** 2 * damping)


def allen_eberly_p_diabatic_stay(
    coupling: ArrayLike, chirp: ArrayLike, duration: ArrayLike, hbar: ArrayLike = 1.0
) -> np.ndarray:
    """Allen–Eberly: probability to keep the initial diabatic state after ``V0 sech(t/T)`` with
    ``b(t) = b1 tanh(t/T)``:

    .. math::  p_{diabatic\\ stay} = \\cos^2\\left(\\frac{\\pi T}{2\\hbar}\\sqrt{4|V_0|^2 - b_1^2}\\right)
               \\mathrm{sech}^2\\left(\\frac{\\pi b_1 T}{2\\hbar}\\right)

    (``cos`` -> ``cosh`` when ``|b1| > 2|V0|``).  The bias changes sign, so for large ``T`` the
    system follows its adiabatic state and transfers between diabatic states.  L. Allen &
    J. H. Eberly, *Optical Resonance and Two-Level Atoms* (Wiley 1975); F. T. Hioe, Phys. Rev.
    A 30, 2100 (1984).  The Demkov–Kunike formula at ``b0 = 0``.
    """
    return demkov_kunike_p_diabatic_stay(coupling, 0.0, chirp, duration, hbar)
