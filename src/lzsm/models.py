"""Models in the diabatic basis: small immutable objects, validated on construction.

Every model gives ``hamiltonian(q)`` and ``hamiltonian_derivative(q)`` as arrays of shape
``(*batch_shape, *q.shape, N, N)``, where ``q`` is its coordinate (time ``t`` unless the model
says otherwise, e.g. a nuclear coordinate ``x``) and ``batch_shape`` is the broadcast shape of
its array-valued parameters: one model object stands for a whole grid of parameter points.
Everything adiabatic is derived from these two methods (see :mod:`lzsm.bases`).

Conventions (``PHYSICS.md``): ``H = [[E1, V], [conj(V), E2]]``, bias ``E1 - E2``, Landau–Zener
sweep ``E1 - E2 = alpha t`` with ``E1 = +alpha t/2``, ``E2 = -alpha t/2``.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from . import _checks
from .errors import LzsmTypeError, LzsmValueError

ArrayLike = Any
TimeFunction = Callable[[np.ndarray], np.ndarray]


F_CONSTANT, F_LINEAR, F_COS, F_TRIANGLE, F_QUADRATIC, F_ABS = range(6)


def coefficient_function(code: np.ndarray, fpar: np.ndarray, t: np.ndarray) -> np.ndarray:
    """NumPy twin of the compiled kernels' f(t) (see :mod:`lzsm.kernels.magnus`).

    ``code``/``fpar`` broadcast against ``t``: fpar[..., 0] is omega, fpar[..., 1] is phi."""
    code = np.asarray(code)
    om, ph = np.asarray(fpar)[..., 0], np.asarray(fpar)[..., 1]
    theta = om * t + ph
    x = theta / np.pi
    tri = 2.0 * np.abs(x - 2.0 * np.floor(0.5 * x) - 1.0) - 1.0
    return np.select(
        [code == F_LINEAR, code == F_COS, code == F_TRIANGLE, code == F_QUADRATIC, code == F_ABS],
        [t + 0 * theta, np.cos(theta), tri, t * t + 0 * theta, np.abs(t) + 0 * theta], 0.0 * theta)


def _python_coefficient(code: int, omega: float, phi: float) -> Callable[[float], float]:
    """Plain-Python f(t) for QuTiP (called once per solver step: no NumPy overhead)."""
    if code == F_LINEAR:
        return lambda t: t
    if code == F_COS:
        return lambda t: math.cos(omega * t + phi)
    if code == F_TRIANGLE:
        def tri(t: float) -> float:
            x = (omega * t + phi) / math.pi
            return 2.0 * abs(x - 2.0 * math.floor(0.5 * x) - 1.0) - 1.0
        return tri
    if code == F_QUADRATIC:
        return lambda t: t * t
    if code == F_ABS:
        return abs
    return lambda t: 0.0


@dataclass(frozen=True)
class KernelForm:
    """``H(t) = constant + coefficient * f(t)``, f chosen by ``code`` with ``fpar = (omega, phi)``.

    Shapes: constant, coefficient ``(*batch, N, N)``; code ``batch``; fpar ``(*batch, 2)``.
    Models with such a form run entirely in the compiled kernels."""

    constant: np.ndarray
    coefficient: np.ndarray
    code: np.ndarray
    fpar: np.ndarray

    def hamiltonian(self, t: np.ndarray) -> np.ndarray:
        ex = (Ellipsis,) + (None,) * t.ndim
        f = coefficient_function(self.code[ex], self.fpar[ex + (slice(None),)], t)
        mat = (Ellipsis,) + (None,) * t.ndim + (slice(None), slice(None))
        return self.constant[mat] + self.coefficient[mat] * f[..., None, None]


def _kernel_form(constant: np.ndarray, coefficient: np.ndarray, code: int,
                 omega: Any = 0.0, phase: Any = 0.0) -> KernelForm:
    batch = np.broadcast_shapes(constant.shape[:-2], coefficient.shape[:-2], np.shape(omega), np.shape(phase))
    n = constant.shape[-1]
    fpar = np.empty(batch + (2,))
    fpar[..., 0] = omega
    fpar[..., 1] = phase
    return KernelForm(np.broadcast_to(constant, batch + (n, n)), np.broadcast_to(coefficient, batch + (n, n)),
                      np.full(batch, code, dtype=np.int64), fpar)


def _expand(param: np.ndarray, batch_shape: tuple[int, ...], q_ndim: int) -> np.ndarray:
    """Broadcast a parameter to the batch shape and append singleton axes for q."""
    p = np.broadcast_to(param, batch_shape)
    return p.reshape(batch_shape + (1,) * q_ndim)


class Model(ABC):
    """Base class: a diabatic Hamiltonian along a coordinate, possibly over a parameter grid.

    A subclass defines the diabatic H and its derivative; lzsm derives everything else."""

    hbar: float
    coordinate: str = "t"

    @property
    @abstractmethod
    def n_levels(self) -> int:
        """Number of levels N."""

    @property
    @abstractmethod
    def batch_shape(self) -> tuple[int, ...]:
        """Broadcast shape of the array-valued parameters (``()`` for a single point)."""

    @abstractmethod
    def hamiltonian(self, q: ArrayLike) -> np.ndarray:
        """Diabatic H at coordinate values q: shape ``(*batch_shape, *q.shape, N, N)``."""

    @abstractmethod
    def hamiltonian_derivative(self, q: ArrayLike) -> np.ndarray:
        """dH/dq, same shape as :meth:`hamiltonian`."""

    @abstractmethod
    def point(self, index: tuple[int, ...]) -> "Model":
        """The model at one grid point (used to export single points, e.g. to QuTiP)."""

    def kernel_form(self) -> KernelForm | None:
        """``H(t) = A + B f(t)`` for the compiled kernels, or None (then ``evolve`` calls
        :meth:`hamiltonian` from Python, three times per step)."""
        return None

    def parameters(self) -> dict[str, np.ndarray]:
        """Numeric parameters (for labelling results)."""
        return {}

    # -------------------------------------------------------------- conversions
    def to_qutip(self):
        """A QuTiP ``QobjEvo`` for a single parameter point (QuTiP is an optional dependency)."""
        try:
            import qutip
        except ImportError as exc:  # pragma: no cover - exercised only without qutip
            raise ImportError("to_qutip() needs QuTiP: pip install 'lzsm[qutip]'") from exc
        if self.batch_shape != ():
            raise LzsmValueError(
                f"to_qutip() exports a single parameter point; this model has batch shape "
                f"{self.batch_shape}: pick one with model.point(index)")
        if self.coordinate != "t":
            raise LzsmValueError("to_qutip() needs a time-dependent model (coordinate 't')")
        kf = self.kernel_form()
        scale = 1.0 / self.hbar  # QuTiP works with hbar = 1: pass H / hbar
        if kf is not None:
            a, b = (qutip.Qobj(np.asarray(m) * scale) for m in (kf.constant, kf.coefficient))
            if np.allclose(kf.coefficient, 0) or int(kf.code) == F_CONSTANT:
                return qutip.QobjEvo(a)
            return qutip.QobjEvo([a, [b, _python_coefficient(int(kf.code), *map(float, kf.fpar))]])
        return qutip.QobjEvo(lambda t: qutip.Qobj(self.hamiltonian(np.asarray(t)) * scale))


def _numeric_or_callable(x: Any, name: str):
    if callable(x):
        return x
    return _checks.complex_array(x, name) if name == "coupling" else _checks.real_array(x, name)


class _TwoLevelGrid(Model):
    """Two levels; the grid shape is the broadcast of the array parameters (set as ``_batch``)."""

    @property
    def n_levels(self) -> int:
        return 2

    @property
    def batch_shape(self) -> tuple[int, ...]:
        return self._batch  # type: ignore[attr-defined]


@dataclass(frozen=True, eq=False)
class LandauZener(_TwoLevelGrid):
    """The Landau–Zener model ``H(t) = [[alpha t/2, V], [conj(V), -alpha t/2]]``.

    Parameters
    ----------
    coupling : V, diabatic coupling (complex allowed; the minimum gap is ``2|V|``).
    sweep_rate : alpha = d(E1 - E2)/dt, nonzero; its sign is the sweep direction.
    hbar : Planck's constant in the user's units (default 1).

    Arrays broadcast: ``LandauZener(coupling=np.linspace(0.1, 1, 50)[:, None],
    sweep_rate=np.logspace(-1, 1, 40))`` is a 50 x 40 grid.
    Reference: C. Zener, Proc. R. Soc. A 137, 696 (1932); L. D. Landau, Phys. Z. Sowjetunion
    2, 46 (1932).
    """

    coupling: ArrayLike
    sweep_rate: ArrayLike
    hbar: float = 1.0
    coordinate: str = field(default="t", init=False)

    def __post_init__(self) -> None:
        v = _checks.complex_array(self.coupling, "coupling")
        a = _checks.real_array(self.sweep_rate, "sweep_rate", nonzero=True)
        object.__setattr__(self, "coupling", v if np.any(v.imag != 0) else v.real.copy())
        object.__setattr__(self, "sweep_rate", a)
        object.__setattr__(self, "hbar", _checks.positive_scalar(self.hbar, "hbar"))
        object.__setattr__(self, "_batch", _checks.broadcast({"coupling": v, "sweep_rate": a}))

    def parameters(self) -> dict[str, np.ndarray]:
        return {"coupling": np.asarray(self.coupling), "sweep_rate": np.asarray(self.sweep_rate)}

    def point(self, index: tuple[int, ...]) -> "LandauZener":
        v = np.broadcast_to(self.coupling, self.batch_shape)[index]
        a = np.broadcast_to(self.sweep_rate, self.batch_shape)[index]
        return LandauZener(v, a, self.hbar)

    def kernel_form(self) -> KernelForm:
        a, b = self._matrices()
        return _kernel_form(a, b, F_LINEAR)

    def _matrices(self) -> tuple[np.ndarray, np.ndarray]:
        shape = self.batch_shape
        v = np.broadcast_to(self.coupling, shape)
        al = np.broadcast_to(self.sweep_rate, shape)
        a = np.zeros(shape + (2, 2), dtype=complex)
        a[..., 0, 1] = v
        a[..., 1, 0] = np.conj(v)
        b = np.zeros(shape + (2, 2), dtype=complex)
        b[..., 0, 0] = al / 2
        b[..., 1, 1] = -al / 2
        return a, b

    def hamiltonian(self, q: ArrayLike) -> np.ndarray:
        t = _checks.real_array(q, "t")
        a, b = self._matrices()
        ex = (Ellipsis,) + (None,) * t.ndim + (slice(None), slice(None))
        return a[ex] + b[ex] * t[..., None, None]

    def hamiltonian_derivative(self, q: ArrayLike) -> np.ndarray:
        t = _checks.real_array(q, "t")
        _, b = self._matrices()
        ex = (Ellipsis,) + (None,) * t.ndim + (slice(None), slice(None))
        return np.broadcast_to(b[ex], self.batch_shape + t.shape + (2, 2)).copy()


@dataclass(frozen=True, eq=False)
class TwoLevel(_TwoLevelGrid):
    """A general two-level crossing ``H = [[bias/2, V], [conj(V), -bias/2]]``.

    ``bias`` (= E1 - E2) and ``coupling`` (= V) are numbers, arrays (a parameter grid) or
    vectorised callables of the coordinate (returning an array of the coordinate's shape).
    ``bias_derivative``/``coupling_derivative`` may be given for callables; otherwise the
    derivative is a fourth-order central difference with step ``1e-4 * (1 + |q|)``.
    ``coordinate`` names the swept variable: ``"t"`` (time, default) or any other name for a
    model along a nuclear or field coordinate (adiabatic quantities only; no propagation).
    """

    bias: ArrayLike | TimeFunction
    coupling: ArrayLike | TimeFunction
    hbar: float = 1.0
    coordinate: str = "t"
    bias_derivative: TimeFunction | None = None
    coupling_derivative: TimeFunction | None = None

    def __post_init__(self) -> None:
        b = _numeric_or_callable(self.bias, "bias")
        v = _numeric_or_callable(self.coupling, "coupling")
        if isinstance(v, np.ndarray) and not np.any(v.imag != 0):
            v = v.real.copy()
        object.__setattr__(self, "bias", b)
        object.__setattr__(self, "coupling", v)
        object.__setattr__(self, "hbar", _checks.positive_scalar(self.hbar, "hbar"))
        if not isinstance(self.coordinate, str) or not self.coordinate.isidentifier():
            raise LzsmValueError(f"`coordinate` must be a name such as 't' or 'x', got {self.coordinate!r}")
        arrays = {k: x for k, x in (("bias", b), ("coupling", v)) if isinstance(x, np.ndarray)}
        object.__setattr__(self, "_batch", _checks.broadcast(arrays) if arrays else ())
        # probe the callables once so that a bad function fails here, not deep in a solver
        probe = np.array([0.0, 1.0])
        for name, f in (("bias", b), ("coupling", v)):
            if callable(f):
                try:
                    out = np.asarray(f(probe))
                except Exception as exc:
                    raise LzsmTypeError(f"`{name}` callable failed on an array of {self.coordinate} "
                                        f"values: {exc}") from exc
                if out.shape not in (probe.shape, ()):
                    raise LzsmValueError(f"`{name}` callable must return an array of the shape of its "
                                         f"argument; got shape {out.shape} for input shape {probe.shape}")
                if name == "bias" and np.iscomplexobj(out) and np.any(np.imag(out) != 0):
                    raise LzsmValueError("`bias` callable must return real values (H must be Hermitian)")

    def parameters(self) -> dict[str, np.ndarray]:
        return {k: x for k, x in (("bias", self.bias), ("coupling", self.coupling)) if isinstance(x, np.ndarray)}

    def point(self, index: tuple[int, ...]) -> "TwoLevel":
        def pick(x):
            return x if callable(x) else np.broadcast_to(x, self.batch_shape)[index]
        return TwoLevel(pick(self.bias), pick(self.coupling), self.hbar, self.coordinate,
                        self.bias_derivative, self.coupling_derivative)

    def _values(self, q: np.ndarray, f, name: str) -> np.ndarray:
        if callable(f):
            out = np.asarray(f(q))
            out = np.broadcast_to(out, q.shape)
            if not np.all(np.isfinite(out)):
                raise LzsmValueError(f"`{name}` callable returned NaN or inf")
            return np.broadcast_to(out, self.batch_shape + q.shape)
        return np.broadcast_to(_expand(f, self.batch_shape, q.ndim), self.batch_shape + q.shape)

    def _derivative(self, q: np.ndarray, f, df, name: str) -> np.ndarray:
        if not callable(f):
            return np.zeros(self.batch_shape + q.shape)
        if df is not None:
            return np.broadcast_to(np.asarray(df(q)), self.batch_shape + q.shape)
        h = 1e-4 * (1.0 + np.abs(q))
        d = (-f(q + 2 * h) + 8 * f(q + h) - 8 * f(q - h) + f(q - 2 * h)) / (12 * h)
        return np.broadcast_to(np.asarray(d), self.batch_shape + q.shape)

    @staticmethod
    def _assemble(bias: np.ndarray, v: np.ndarray) -> np.ndarray:
        h = np.empty(np.broadcast_shapes(bias.shape, v.shape) + (2, 2), dtype=complex)
        h[..., 0, 0] = bias / 2
        h[..., 1, 1] = -bias / 2
        h[..., 0, 1] = v
        h[..., 1, 0] = np.conj(v)
        return h

    def hamiltonian(self, q: ArrayLike) -> np.ndarray:
        q = _checks.real_array(q, self.coordinate)
        return self._assemble(self._values(q, self.bias, "bias"), self._values(q, self.coupling, "coupling"))

    def hamiltonian_derivative(self, q: ArrayLike) -> np.ndarray:
        q = _checks.real_array(q, self.coordinate)
        return self._assemble(self._derivative(q, self.bias, self.bias_derivative, "bias"),
                              self._derivative(q, self.coupling, self.coupling_derivative, "coupling"))

    def kernel_form(self) -> KernelForm | None:
        if callable(self.bias) or callable(self.coupling) or self.coordinate != "t":
            return None
        a = self.hamiltonian(np.asarray(0.0))
        return _kernel_form(a, np.zeros_like(a), F_CONSTANT)


@dataclass(frozen=True, eq=False)
class LinearSweep(Model):
    """Linear multi-level model ``H(t) = A + B t`` (PHYSICS.md, multi-level).

    ``constant`` is A: Hermitian ``(..., N, N)`` (diagonal offsets and couplings).
    ``slopes`` is B: the diabatic slopes, a vector ``(..., N)`` (B diagonal) or a Hermitian
    ``(..., N, N)`` matrix.  Leading dimensions broadcast into a parameter grid.
    """

    constant: ArrayLike
    slopes: ArrayLike
    hbar: float = 1.0
    coordinate: str = field(default="t", init=False)

    def __post_init__(self) -> None:
        a = _checks.hermitian(_checks.complex_array(self.constant, "constant"), "constant")
        b = _checks.complex_array(self.slopes, "slopes")
        if b.ndim >= 1 and (b.ndim == 1 or b.shape[-1] != b.shape[-2]):
            diag = b
            if np.any(diag.imag != 0):
                raise LzsmValueError("`slopes` given as a vector must be real (diabatic slopes)")
            b = np.zeros(diag.shape + (diag.shape[-1],), dtype=complex)
            idx = np.arange(diag.shape[-1])
            b[..., idx, idx] = diag
        b = _checks.hermitian(b, "slopes")
        if a.shape[-1] != b.shape[-1]:
            raise LzsmValueError(f"`constant` is {a.shape[-1]}x{a.shape[-1]} but `slopes` describe "
                                 f"{b.shape[-1]} levels")
        batch = _checks.broadcast({"constant": a[..., 0, 0], "slopes": b[..., 0, 0]})
        n = a.shape[-1]
        object.__setattr__(self, "constant", np.broadcast_to(a, batch + (n, n)).copy())
        object.__setattr__(self, "slopes", np.broadcast_to(b, batch + (n, n)).copy())
        object.__setattr__(self, "hbar", _checks.positive_scalar(self.hbar, "hbar"))

    @property
    def n_levels(self) -> int:
        return self.constant.shape[-1]

    @property
    def batch_shape(self) -> tuple[int, ...]:
        return self.constant.shape[:-2]

    def point(self, index: tuple[int, ...]) -> "LinearSweep":
        return LinearSweep(self.constant[index], self.slopes[index], self.hbar)

    def kernel_form(self) -> KernelForm:
        return _kernel_form(self.constant, self.slopes, F_LINEAR)

    def hamiltonian(self, q: ArrayLike) -> np.ndarray:
        t = _checks.real_array(q, "t")
        ex = (Ellipsis,) + (None,) * t.ndim + (slice(None), slice(None))
        return self.constant[ex] + self.slopes[ex] * t[..., None, None]

    def hamiltonian_derivative(self, q: ArrayLike) -> np.ndarray:
        t = _checks.real_array(q, "t")
        ex = (Ellipsis,) + (None,) * t.ndim + (slice(None), slice(None))
        return np.broadcast_to(self.slopes[ex], self.batch_shape + t.shape + self.slopes.shape[-2:]).copy()


@dataclass(frozen=True, eq=False)
class NLevel(Model):
    """A general N-level model from a callable ``hamiltonian(q) -> (*batch, *q.shape, N, N)``.

    The callable receives an array of coordinate values and returns Hermitian matrices; leading
    dimensions before the coordinate's are a parameter grid.  ``derivative`` (same signature)
    is optional; without it dH/dq is a fourth-order central difference.
    """

    function: Callable[[np.ndarray], np.ndarray]
    hbar: float = 1.0
    coordinate: str = "t"
    derivative: Callable[[np.ndarray], np.ndarray] | None = None

    def __post_init__(self) -> None:
        if not callable(self.function):
            raise LzsmTypeError("`function` must be a callable q -> (..., N, N) Hermitian array")
        object.__setattr__(self, "hbar", _checks.positive_scalar(self.hbar, "hbar"))
        probe = np.array([0.0, 0.5])
        try:
            out = np.asarray(self.function(probe))
        except Exception as exc:
            raise LzsmTypeError(f"`function` failed on an array of {self.coordinate} values: {exc}") from exc
        if out.ndim < 3 or out.shape[-3] != 2 or out.shape[-1] != out.shape[-2]:
            raise LzsmValueError(
                f"`function` must return shape (*batch, *q.shape, N, N); for q of shape (2,) it "
                f"returned {out.shape}")
        _checks.hermitian(out, "function(q)")
        object.__setattr__(self, "_batch", out.shape[:-3])
        object.__setattr__(self, "_n", out.shape[-1])

    @property
    def n_levels(self) -> int:
        return self._n  # type: ignore[attr-defined]

    @property
    def batch_shape(self) -> tuple[int, ...]:
        return self._batch  # type: ignore[attr-defined]

    def point(self, index: tuple[int, ...]) -> "NLevel":
        nb = len(self.batch_shape)
        f = self.function
        d = self.derivative

        def fp(q):
            return np.asarray(f(q))[index] if nb else np.asarray(f(q))

        dp = None if d is None else (lambda q: np.asarray(d(q))[index] if nb else np.asarray(d(q)))
        return NLevel(fp, self.hbar, self.coordinate, dp)

    def hamiltonian(self, q: ArrayLike) -> np.ndarray:
        q = _checks.real_array(q, self.coordinate)
        out = np.asarray(self.function(q), dtype=complex)
        want = self.batch_shape + q.shape + (self.n_levels, self.n_levels)
        if out.shape != want:
            raise LzsmValueError(f"`function` returned shape {out.shape}, expected {want}")
        if not np.all(np.isfinite(out)):
            raise LzsmValueError("`function` returned NaN or inf")
        return out

    def hamiltonian_derivative(self, q: ArrayLike) -> np.ndarray:
        q = _checks.real_array(q, self.coordinate)
        if self.derivative is not None:
            return np.asarray(self.derivative(q), dtype=complex)
        h = (1e-4 * (1.0 + np.abs(q)))[..., None, None]
        hq = h[..., 0, 0]
        f = self.hamiltonian
        return (-f(q + 2 * hq) + 8 * f(q + hq) - 8 * f(q - hq) + f(q - 2 * hq)) / (12 * h)


_SX = np.array([[0, 1], [1, 0]], dtype=complex)
_SZ = np.array([[1, 0], [0, -1]], dtype=complex)
DRIVE_SHAPES = ("harmonic", "triangular")


@dataclass(frozen=True, eq=False)
class PeriodicDrive(_TwoLevelGrid):
    """Periodically driven two-level system (LZSM interferometry), PHYSICS.md convention:

    .. math::  H(t) = -\\frac{\\Delta}{2}\\sigma_x - \\frac{\\varepsilon_0 + A f(\\omega t + \\varphi)}{2}\\sigma_z

    with ``f = cos`` (``shape="harmonic"``), the triangle wave with the same extrema and phase
    (``"triangular"``, piecewise-linear sweeps), or a user function ``f(theta)`` of period 2 pi
    (``shape=callable``, vectorised).  In lzsm's diabatic notation the bias is
    ``E1 - E2 = -(eps0 + A f)`` and the coupling ``V = -Delta/2``.
    Shevchenko, Ashhab & Nori, Phys. Rep. 492, 1 (2010), eq. (2); Ivakhnenko, Shevchenko &
    Nori, Phys. Rep. 995, 1 (2023).

    Parameters broadcast into grids: ``gap`` Delta, ``offset`` eps0, ``amplitude`` A (>= 0),
    ``frequency`` omega (angular, > 0), ``phase`` phi.
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
        elif self.shape not in DRIVE_SHAPES:
            raise LzsmValueError(f"`shape` must be one of {', '.join(map(repr, DRIVE_SHAPES))} or a callable; "
                                 f"got {self.shape!r}")

    @property
    def period(self) -> np.ndarray:
        """Drive period ``2 pi / omega``."""
        return 2 * np.pi / np.asarray(self.frequency)

    def parameters(self) -> dict[str, np.ndarray]:
        return {k: np.asarray(getattr(self, k)) for k in ("gap", "offset", "amplitude", "frequency", "phase")}

    def point(self, index: tuple[int, ...]) -> "PeriodicDrive":
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
    :func:`lzsm.passages.double_passage_probability`.
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
        object.__setattr__(self, "_batch", _checks.broadcast({"coupling": v, "sweep_rate": a,
                                                              "crossing_time": tc}))

    def parameters(self) -> dict[str, np.ndarray]:
        return {"coupling": np.asarray(self.coupling), "sweep_rate": self.sweep_rate,
                "crossing_time": self.crossing_time}

    def point(self, index: tuple[int, ...]) -> "DoublePassage":
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

    def hamiltonian_derivative(self, q: ArrayLike) -> np.ndarray:
        t = _checks.real_array(q, "t")
        kf = self.kernel_form()
        df = 2 * t if self.shape == "parabolic" else np.sign(t)
        mat = (Ellipsis,) + (None,) * t.ndim + (slice(None), slice(None))
        return kf.coefficient[mat] * df[..., None, None]
