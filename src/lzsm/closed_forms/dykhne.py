"""The Dykhne–Davis–Pechukas formula: the adiabatic-limit transition probability of any
two-level sweep.

``p_jump = exp(-2 Im int_{t_r}^{t_c} (E_+ - E_-) dt / hbar)`` with the complex degeneracy point
``t_c`` of the adiabatic energies found numerically (A. M. Dykhne, Sov. Phys. JETP 14, 941
(1962); J. P. Davis & P. Pechukas, J. Chem. Phys. 64, 3129 (1976)).  Conventions:
``H(t) = [[b(t)/2, V(t)], [conj V(t), -b(t)/2]]``, ``hbar`` explicit.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lzsm import _checks
from lzsm.errors import LzsmTypeError, LzsmValueError
from lzsm.models.two_level import TwoLevel
from lzsm.results import Result

_GL_X, _GL_W = np.polynomial.legendre.leggauss(96)


# =========================================================================== Dykhne–Davis–Pechukas
@dataclass(frozen=True, eq=False, repr=False)
class DavisPechukas(Result):
    """Result of :func:`dykhne_davis_pechukas`.

    Attributes
    ----------
    p_jump : ``exp(-2 Im D / hbar)``, the probability of the non-adiabatic transition (jump
        between adiabatic states) over the whole sweep.
    crossing_point : the complex degeneracy point ``t_c`` (``E_+(t_c) = E_-(t_c)``, Im > 0)
        closest to the real axis.
    phase_integral : ``D = int_{Re t_c}^{t_c} (E_+ - E_-) dt`` along the vertical path.
    candidates : all degeneracy points found in the upper half plane, nearest first.
    """

    p_jump: float
    crossing_point: complex
    phase_integral: complex
    candidates: tuple[complex, ...] = field(default=())

    kind = "Dykhne-Davis-Pechukas p_jump"

    @property
    def p_adiabatic_follow(self) -> float:
        return 1.0 - self.p_jump

    def _coords(self) -> dict[str, Any]:
        return {"candidate": np.arange(len(self.candidates))}

    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        cand = np.array(self.candidates, dtype=complex)
        return {
            "p_jump": ([], self.p_jump),
            "p_adiabatic_follow": ([], self.p_adiabatic_follow),
            "crossing_point_real": ([], self.crossing_point.real),
            "crossing_point_imag": ([], self.crossing_point.imag),
            "phase_integral_real": ([], self.phase_integral.real),
            "phase_integral_imag": ([], self.phase_integral.imag),
            "candidate_real": (["candidate"], cand.real),
            "candidate_imag": (["candidate"], cand.imag),
        }

    def _summary(self) -> list[str]:
        return [f"p_jump {self.p_jump:.6g}", f"t_c = {self.crossing_point:.6g}"]


def _complex_callable(f: Any, name: str) -> Callable[[np.ndarray], np.ndarray]:
    """Wrap a constant or an analytic callable so that it takes and returns complex arrays."""
    if not callable(f):
        c = complex(np.asarray(f).reshape(-1)[0]) if np.ndim(f) == 0 else None
        if c is None:
            raise LzsmValueError(f"`{name}` must be a single number or a callable of t (not a parameter grid)")
        return lambda z: np.full(np.shape(z), c, dtype=complex)

    def g(z):
        return np.asarray(f(np.asarray(z, dtype=complex)), dtype=complex) * np.ones(np.shape(z))

    return g


def _check_analytic(f, name: str, t_scale: float, t_mid: float) -> None:
    """Cauchy–Riemann check: df along i equals i df along the real axis (catches callables that
    drop the imaginary part, e.g. math.tanh, np.abs, np.real)."""
    z = t_mid + t_scale * np.array([0.13, -0.31, 0.57]) + 0.05j * t_scale
    h = 1e-4 * t_scale
    try:
        d_re = (f(z + h) - f(z - h)) / (2 * h)
        d_im = (f(z + 1j * h) - f(z - 1j * h)) / (2j * h)
    except Exception as exc:
        raise LzsmTypeError(
            f"`{name}` must accept complex arrays of t (use numpy functions such as np.tanh): {exc}"
        ) from exc
    scale = np.max(np.abs(d_re)) + np.max(np.abs(f(z))) / t_scale + 1e-300
    if np.max(np.abs(d_re - d_im)) > 1e-5 * scale:
        raise LzsmValueError(
            f"`{name}` must be an analytic function of complex t (it fails the Cauchy–Riemann "
            "test: it may drop the imaginary part, e.g. via math.* functions, abs or real)"
        )


def _newton(f, z0: complex, scale: float, max_iter: int = 60) -> complex | None:
    z = complex(z0)
    for _ in range(max_iter):
        h = 1e-6 * (abs(z) + scale)
        fz = complex(f(np.array([z]))[0])
        df = complex((f(np.array([z + h]))[0] - f(np.array([z - h]))[0]) / (2 * h))
        if df == 0 or not np.isfinite(df):
            return None
        step = fz / df
        z -= step
        if not np.isfinite(z):
            return None
        if abs(step) <= 1e-13 * (abs(z) + scale):
            return z
    return z if abs(complex(f(np.array([z]))[0])) < 1e-10 else None


def dykhne_davis_pechukas(
    model: TwoLevel, t_span: tuple[float, float], *, t_guess: complex | None = None, n_grid: int = 801
) -> DavisPechukas:
    """Dykhne–Davis–Pechukas probability of the non-adiabatic transition for a non-linear sweep.

    .. math::  p_{jump} \\simeq \\exp\\left(-\\frac{2}{\\hbar}\\,\\mathrm{Im}\\int_{t_r}^{t_c}
               [E_+(t) - E_-(t)]\\,dt\\right),\\qquad
               E_+ - E_- = \\sqrt{b(t)^2 + 4 V(t)^2},

    where ``t_c`` is the zero of ``b^2 + 4 V^2`` (the analytic continuation of the squared
    adiabatic gap) in the upper half plane closest to the real axis, and ``t_r`` a real time
    (we integrate along the vertical line from ``Re t_c``).  A. M. Dykhne, Sov. Phys. JETP 14,
    941 (1962); J. P. Davis & P. Pechukas, J. Chem. Phys. 64, 3129 (1976).  It is exact for the
    Landau–Zener model (``t_c = 2iV/alpha``, ``D = i pi V^2/alpha``) and asymptotically exact in
    the adiabatic limit otherwise (relative error of the exponent -> 0); when several
    degeneracy points lie equally close to the real axis their contributions interfere and
    the formula (one point) does not apply.

    Parameters
    ----------
    model : a :class:`lzsm.TwoLevel` with time as coordinate.  ``bias`` and ``coupling`` are
        numbers or **analytic callables that accept complex arrays** (write them with NumPy
        functions: ``lambda t: 3 * np.tanh(t / 2)``; ``math.tanh``, ``abs`` or ``np.real``
        break the continuation and are rejected).  The coupling must be real on the real axis
        up to a constant phase (which is divided out).
    t_span : real interval over which the strip ``Re t in t_span``, ``0 < Im t <= |t_span|/2``
        is scanned (``n_grid`` x 60 points) for local minima of ``|b^2 + 4V^2|``, which seed a
        complex Newton search.
    t_guess : an optional extra starting point for the Newton search.
    n_grid : points of the search grid along the real direction.

    Examples
    --------
    >>> import numpy as np, lzsm
    >>> model = lzsm.TwoLevel(bias=lambda t: 3 * np.tanh(t / 2), coupling=0.5)
    >>> ddp = lzsm.dykhne_davis_pechukas(model, (-10, 10))
    >>> round(float(ddp.p_jump), 4)
    0.3607
    >>> round(float(lzsm.evolve(model, (-30, 30), initial='lower').p_jump), 4)  # exact propagation
    0.3607
    """
    if not isinstance(model, TwoLevel):
        raise LzsmTypeError(
            f"`model` must be an lzsm.TwoLevel (bias and coupling callables), got {type(model).__name__}"
        )
    if model.coordinate != "t" or model.batch_shape != ():
        raise LzsmValueError("`model` must be a single two-level model in time (no parameter grid)")
    t0, t1 = _checks.time_span(t_span)
    if not isinstance(n_grid, (int, np.integer)) or n_grid < 11:
        raise LzsmValueError(f"`n_grid` must be an integer >= 11, got {n_grid!r}")
    bias = _complex_callable(model.bias, "bias")
    coup = _complex_callable(model.coupling, "coupling")
    width = t1 - t0
    mid = 0.5 * (t0 + t1)
    for f, name in ((bias, "bias"), (coup, "coupling")):
        if callable(getattr(model, name)):
            _check_analytic(f, name, width / 20, mid)
    grid = np.linspace(t0, t1, int(n_grid))
    v_real = coup(grid)
    k = int(np.argmax(np.abs(v_real)))
    if np.abs(v_real[k]) == 0:
        raise LzsmValueError("the coupling vanishes on the whole of `t_span`: there is no avoided crossing")
    phase = v_real[k] / abs(v_real[k])
    if np.max(np.abs((v_real / phase).imag)) > 1e-10 * abs(v_real[k]):
        raise LzsmValueError(
            "`coupling` must be real on the real axis up to a constant phase for the Dykhne–Davis–Pechukas formula"
        )

    def gap2(z):
        return bias(z) ** 2 + 4.0 * (coup(z) / phase) ** 2

    # seeds: local minima of |b^2 + 4V^2| on a grid over the strip t_span x (0, |t_span|/2]
    re = np.linspace(t0, t1, int(n_grid))
    im = width * np.geomspace(1e-4, 0.5, 60)
    zz = re[None, :] + 1j * im[:, None]
    with np.errstate(all="ignore"):
        lg = np.log(np.abs(gap2(zz.ravel())).reshape(zz.shape) + 1e-300)
    lg = np.where(np.isfinite(lg), lg, np.inf)
    pad = np.pad(lg, 1, constant_values=np.inf)
    core = pad[1:-1, 1:-1]
    is_min = np.ones(core.shape, dtype=bool)
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            if di or dj:
                is_min &= core <= pad[1 + di : pad.shape[0] - 1 + di, 1 + dj : pad.shape[1] - 1 + dj]
    seeds = list(zz[is_min & np.isfinite(core)])
    if t_guess is not None:
        seeds.append(complex(t_guess))
    scale = width / 100
    roots: list[complex] = []
    for s in seeds:
        z = _newton(gap2, s, scale)
        if z is None or not (t0 <= z.real <= t1):
            continue
        z = complex(z.real, abs(z.imag))
        if z.imag <= 1e-12 * scale:
            continue
        if all(abs(z - r) > 1e-8 * (abs(z) + scale) for r in roots):
            roots.append(z)
    if not roots:
        raise LzsmValueError(
            "no complex degeneracy point (zero of b^2 + 4V^2 in the upper half plane) found "
            "over `t_span`; widen it or give `t_guess` near the point"
        )
    roots.sort(key=lambda z: z.imag)
    tc = roots[0]
    if len(roots) > 1 and roots[1].imag - tc.imag <= 1e-6 * tc.imag:
        warnings.warn(
            f"dykhne_davis_pechukas: degeneracy points {tc:.6g} and {roots[1]:.6g} are equally close to "
            "the real axis; their contributions interfere and the one-point formula does not apply",
            stacklevel=2,
        )
    # D = int_{Re tc}^{tc} sqrt(gap2) dt, with t = tc - (tc - t_r) u^2 so the sqrt endpoint
    # singularity becomes smooth: dt = -2 (tc - t_r) u du, integral over u from 1 to 0
    t_r = tc.real
    u_nodes = 0.5 * (_GL_X + 1.0)
    u_w = 0.5 * _GL_W
    dense = np.linspace(1.0, 0.0, 2001)
    u_all = np.unique(np.concatenate([dense, u_nodes]))[::-1]  # from the real axis (u=1) inwards
    vals = np.sqrt(gap2(tc - (tc - t_r) * u_all**2))
    # continuous branch, starting from the positive gap on the real axis
    vals[0] = abs(vals[0].real) + 1j * vals[0].imag
    for i in range(1, vals.size):
        if abs(vals[i] + vals[i - 1]) < abs(vals[i] - vals[i - 1]):
            vals[i] = -vals[i]
    branch = {float(u): v for u, v in zip(u_all, vals)}
    sq = np.array([branch[float(u)] for u in u_nodes])
    d = complex(np.sum(u_w * sq * 2.0 * (tc - t_r) * u_nodes))
    p = math.exp(-2.0 * abs(d.imag) / model.hbar)
    return DavisPechukas(p, tc, d, tuple(roots), method="dykhne-davis-pechukas")
