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


def _out(x):
    return x[()] if isinstance(x, np.ndarray) and x.ndim == 0 else x


def _scaled_cosh(x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """cosh(x) exp(-m) without overflow (m >= |x|)."""
    ax = np.abs(x)
    return 0.5 * (np.exp(ax - m) + np.exp(-ax - m))


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
    ``Omega = 2V/hbar``.  Evaluated with a common scale factor, so large arguments do not
    overflow.  Vectorised.
    """
    v0 = np.abs(_checks.complex_array(coupling, "coupling"))
    b0 = _checks.real_array(detuning, "detuning")
    b1 = _checks.real_array(chirp, "chirp")
    tt = _checks.real_array(duration, "duration", positive=True)
    hb = _checks.real_array(hbar, "hbar", positive=True)
    x0 = np.pi * tt * b0 / hb
    x1 = np.pi * tt * b1 / hb
    disc = 4.0 * v0**2 - b1**2
    y = np.pi * tt * np.sqrt(np.abs(disc)) / hb
    m = np.maximum(np.abs(x0), np.abs(x1))
    cos_term = np.where(disc >= 0, np.cos(y) * np.exp(-m), _scaled_cosh(np.where(disc < 0, y, 0.0), m))
    num = _scaled_cosh(x0, m) + cos_term
    den = _scaled_cosh(x0, m) + _scaled_cosh(x1, m)
    return _out(np.clip(num / den, 0.0, 1.0))


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
    return _out(
        1.0 - np.sin(np.pi * v0 * tt / hb) ** 2 / np.cosh(np.minimum(np.abs(np.pi * b0 * tt / (2 * hb)), 350.0)) ** 2
    )


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
