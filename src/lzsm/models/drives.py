"""Periodic drives and double passages: the models of Stückelberg oscillations and LZSM
interferometry.

:class:`PeriodicDrive` is ``H(t) = -(Delta/2) sigma_x - ((eps0 + A f(omega t + phi))/2) sigma_z``
with a harmonic, triangular or user drive shape (Shevchenko, Ashhab & Nori, Phys. Rep. 492, 1
(2010)); :class:`DoublePassage` sweeps the bias through zero and back, so the two passages
interfere.  Both run in the compiled kernels (their drive shapes and kinks are in
:mod:`lzsm.kernels.drives`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from lzsm import _checks
from lzsm.errors import LzsmTypeError, LzsmValueError
from lzsm.kernels.drives import F_ABS, F_COS, F_QUADRATIC, F_TRIANGLE, coefficient_function
from lzsm.models.base import Asymptotics, KernelForm, _kernel_form, _TwoLevelGrid, crossing_width

_SX = np.array([[0, 1], [1, 0]], dtype=complex)
_SZ = np.array([[1, 0], [0, -1]], dtype=complex)
DRIVE_SHAPES = ("harmonic", "triangular")


@dataclass(frozen=True, eq=False)
class PeriodicDrive(_TwoLevelGrid):
    """Periodically driven two-level system (LZSM interferometry), docs/conventions.md convention:

    .. math::  H(t) = -\\frac{\\Delta}{2}\\sigma_x - \\frac{\\varepsilon_0 + A f(\\omega t + \\varphi)}{2}\\sigma_z

    with ``f = cos`` (``shape="harmonic"``), the triangle wave with the same extrema and phase
    (``"triangular"``, piecewise-linear sweeps), or a user function ``f(theta)`` of period 2 pi
    (``shape=callable``, vectorised).  In lzsm's diabatic notation the bias is
    ``E1 - E2 = -(eps0 + A f)`` and the coupling ``V = -Delta/2``.
    Shevchenko, Ashhab & Nori, Phys. Rep. 492, 1 (2010), eq. (2); Ivakhnenko, Shevchenko &
    Nori, Phys. Rep. 995, 1 (2023).

    Parameters broadcast into grids: ``gap`` Delta, ``offset`` eps0, ``amplitude`` A (>= 0),
    ``frequency`` omega (angular, > 0), ``phase`` phi.

    Examples
    --------
    >>> import lzsm
    >>> drive = lzsm.PeriodicDrive(gap=1.0, offset=2.0, amplitude=3.0, frequency=5.0)
    >>> drive.hamiltonian(0.0).real  # -(Delta/2) sigma_x - ((eps0 + A)/2) sigma_z at t = 0
    array([[-2.5, -0.5],
           [-0.5,  2.5]])
    >>> round(float(drive.period), 4)  # 2 pi / omega
    1.2566
    """

    gap: ArrayLike
    offset: ArrayLike
    amplitude: ArrayLike
    frequency: ArrayLike
    phase: ArrayLike = 0.0
    shape: str | Callable[[np.ndarray], np.ndarray] = "harmonic"
    hbar: float = 1.0
    coordinate: str = field(default="t", init=False)

    def __post_init__(self) -> None:
        vals = {
            "gap": _checks.real_array(self.gap, "gap"),
            "offset": _checks.real_array(self.offset, "offset"),
            "amplitude": _checks.real_array(self.amplitude, "amplitude", nonnegative=True),
            "frequency": _checks.real_array(self.frequency, "frequency", positive=True),
            "phase": _checks.real_array(self.phase, "phase"),
        }
        for k, v in vals.items():
            object.__setattr__(self, k, v)
        object.__setattr__(self, "hbar", _checks.positive_scalar(self.hbar, "hbar"))
        object.__setattr__(self, "_batch", _checks.broadcast(vals))
        if callable(self.shape):
            probe = np.linspace(0.0, 2 * np.pi, 5)
            try:
                out = np.asarray(self.shape(probe), dtype=float)
            except Exception as exc:
                raise LzsmTypeError(f"`shape` callable failed on an array of phases: {exc}") from exc
            if out.shape != probe.shape or not np.all(np.isfinite(out)):
                raise LzsmValueError("`shape` callable must map an array of phases to finite values of the same shape")
            if abs(out[0] - out[-1]) > 1e-9 * (1 + np.max(np.abs(out))):
                raise LzsmValueError("`shape` callable must be 2 pi periodic: f(0) != f(2 pi)")
        elif not isinstance(self.shape, str) or self.shape not in DRIVE_SHAPES:
            raise LzsmValueError(
                f"`shape` must be one of {', '.join(map(repr, DRIVE_SHAPES))} or a callable; got {self.shape!r}"
            )

    @property
    def period(self) -> np.ndarray:
        """Drive period ``2 pi / omega``."""
        return 2 * np.pi / np.asarray(self.frequency)

    def parameters(self) -> dict[str, np.ndarray]:
        return {k: np.asarray(getattr(self, k)) for k in ("gap", "offset", "amplitude", "frequency", "phase")}

    def point(self, index: tuple[int, ...]) -> PeriodicDrive:
        p = {k: np.broadcast_to(v, self.batch_shape)[index] for k, v in self.parameters().items()}
        return PeriodicDrive(**p, shape=self.shape, hbar=self.hbar)

    def _matrices(self) -> tuple[np.ndarray, np.ndarray]:
        b = self.batch_shape
        gap = np.broadcast_to(self.gap, b)[..., None, None]
        eps = np.broadcast_to(self.offset, b)[..., None, None]
        amp = np.broadcast_to(self.amplitude, b)[..., None, None]
        return -0.5 * gap * _SX - 0.5 * eps * _SZ, -0.5 * amp * _SZ

    def _f(self, t: np.ndarray) -> np.ndarray:
        ex = (Ellipsis,) + (None,) * t.ndim
        theta = np.asarray(self.frequency)[ex] * t + np.asarray(self.phase)[ex]
        if callable(self.shape):
            theta = np.broadcast_to(theta, self.batch_shape + t.shape)
            return np.asarray(self.shape(theta), dtype=float)
        code = F_COS if self.shape == "harmonic" else F_TRIANGLE
        fp = np.stack(np.broadcast_arrays(np.asarray(self.frequency), np.asarray(self.phase)), axis=-1)
        return coefficient_function(np.full(self.batch_shape, code)[ex], fp[ex + (slice(None),)], t)

    def hamiltonian(self, q: ArrayLike) -> np.ndarray:
        t = _checks.real_array(q, "t")
        a, b = self._matrices()
        mat = (Ellipsis,) + (None,) * t.ndim + (slice(None), slice(None))
        return a[mat] + b[mat] * np.broadcast_to(self._f(t), self.batch_shape + t.shape)[..., None, None]

    def hamiltonian_derivative(self, q: ArrayLike) -> np.ndarray:
        t = _checks.real_array(q, "t")
        _, b = self._matrices()
        h = 1e-5 / np.max(np.asarray(self.frequency))
        df = (self._f(t + h) - self._f(t - h)) / (2 * h)  # exact enough for smooth f; kinks: one-sided mean
        mat = (Ellipsis,) + (None,) * t.ndim + (slice(None), slice(None))
        return b[mat] * np.broadcast_to(df, self.batch_shape + t.shape)[..., None, None]

    def kernel_form(self) -> KernelForm | None:
        if callable(self.shape):
            return None
        a, b = self._matrices()
        code = F_COS if self.shape == "harmonic" else F_TRIANGLE
        return _kernel_form(a, b, code, self.frequency, self.phase)


@dataclass(frozen=True, eq=False)
class DoublePassage(_TwoLevelGrid):
    """A crossing traversed forth and back: bias ``E1 - E2`` rises through zero at
    ``t = -crossing_time`` and falls back through it at ``+crossing_time``, with slope
    ``|d(E1 - E2)/dt| = sweep_rate`` at both crossings.

    ``shape="triangular"``: ``E1 - E2 = sweep_rate (t_c - |t|)`` (linear sweeps, a kink at 0);
    ``shape="parabolic"``: ``E1 - E2 = sweep_rate (t_c^2 - t^2) / (2 t_c)``.
    The two passages interfere (Stückelberg oscillations); see
    :func:`lzsm.double_passage_probability`.

    Examples
    --------
    >>> import lzsm
    >>> model = lzsm.DoublePassage(coupling=0.3, sweep_rate=1.0, crossing_time=15.0, shape='triangular')
    >>> run = lzsm.evolve(model, (-60, 60), initial='lower')
    >>> round(float(run.p_jump), 4)  # upper level at the end: a Stückelberg fringe
    0.4337
    >>> round(float(lzsm.double_passage_probability(0.3, 1.0, 15.0, shape='triangular')), 4)  # adiabatic-impulse
    0.4337
    """

    coupling: ArrayLike
    sweep_rate: ArrayLike
    crossing_time: ArrayLike
    shape: str = "parabolic"
    hbar: float = 1.0
    coordinate: str = field(default="t", init=False)

    def __post_init__(self) -> None:
        v = _checks.complex_array(self.coupling, "coupling")
        a = _checks.real_array(self.sweep_rate, "sweep_rate", positive=True)
        tc = _checks.real_array(self.crossing_time, "crossing_time", positive=True)
        object.__setattr__(self, "coupling", v if np.any(v.imag != 0) else v.real.copy())
        object.__setattr__(self, "sweep_rate", a)
        object.__setattr__(self, "crossing_time", tc)
        object.__setattr__(self, "hbar", _checks.positive_scalar(self.hbar, "hbar"))
        _checks.choice(self.shape, "shape", ("parabolic", "triangular"))
        object.__setattr__(self, "_batch", _checks.broadcast({"coupling": v, "sweep_rate": a, "crossing_time": tc}))

    def parameters(self) -> dict[str, np.ndarray]:
        return {
            "coupling": np.asarray(self.coupling),
            "sweep_rate": np.asarray(self.sweep_rate),
            "crossing_time": np.asarray(self.crossing_time),
        }

    def point(self, index: tuple[int, ...]) -> DoublePassage:
        p = {k: np.broadcast_to(v, self.batch_shape)[index] for k, v in self.parameters().items()}
        return DoublePassage(**p, shape=self.shape, hbar=self.hbar)

    def kernel_form(self) -> KernelForm:
        b = self.batch_shape
        v = np.broadcast_to(self.coupling, b)
        a = np.broadcast_to(self.sweep_rate, b)
        tc = np.broadcast_to(self.crossing_time, b)
        const = np.zeros(b + (2, 2), dtype=complex)
        const[..., 0, 1] = v
        const[..., 1, 0] = np.conj(v)
        if self.shape == "triangular":
            b0, c, code = a * tc, -a, F_ABS
        else:
            b0, c, code = a * tc / 2, -a / (2 * tc), F_QUADRATIC
        const[..., 0, 0] = b0 / 2
        const[..., 1, 1] = -b0 / 2
        coef = np.zeros(b + (2, 2), dtype=complex)
        coef[..., 0, 0] = c / 2
        coef[..., 1, 1] = -c / 2
        return _kernel_form(const, coef, code)

    def hamiltonian(self, q: ArrayLike) -> np.ndarray:
        return self.kernel_form().hamiltonian(_checks.real_array(q, "t"))

    def asymptotic_form(self) -> Asymptotics:
        """Crossings at ``+-crossing_time``; outside them the bias runs to -inf (linearly or
        quadratically) on both sides."""
        w = crossing_width(self.coupling, self.sweep_rate, self.hbar)
        tc = float(np.max(self.crossing_time))
        return Asymptotics("separating", (-tc - w, tc + w))

    def hamiltonian_derivative(self, q: ArrayLike) -> np.ndarray:
        t = _checks.real_array(q, "t")
        kf = self.kernel_form()
        df = 2 * t if self.shape == "parabolic" else np.sign(t)
        mat = (Ellipsis,) + (None,) * t.ndim + (slice(None), slice(None))
        return kf.coefficient[mat] * df[..., None, None]
