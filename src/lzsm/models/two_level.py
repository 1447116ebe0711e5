"""Two-level crossings in the diabatic basis: the Landau–Zener model and any two-level sweep.

:class:`LandauZener` is ``H(t) = [[alpha t/2, V], [conj(V), -alpha t/2]]`` (Zener, Proc. R.
Soc. A 137, 696 (1932); Landau, Phys. Z. Sowjetunion 2, 46 (1932)); :class:`TwoLevel` takes a
bias ``E1 - E2`` and a coupling ``V`` that are numbers, arrays (a parameter grid) or callables of
time or of any other coordinate.  Conventions (``docs/conventions.md``): ``H = [[E1, V],
[conj(V), E2]]``, sweep rate ``alpha = d(E1 - E2)/dt``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from lzsm import _checks
from lzsm.errors import LzsmTypeError, LzsmValueError
from lzsm.kernels.drives import F_CONSTANT, F_LINEAR
from lzsm.models.base import (
    Asymptotics,
    KernelForm,
    TimeFunction,
    _expand,
    _kernel_form,
    _numeric_or_callable,
    _TwoLevelGrid,
    crossing_width,
)


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

    Examples
    --------
    >>> import lzsm
    >>> model = lzsm.LandauZener(coupling=0.5, sweep_rate=1.0)
    >>> model.hamiltonian(2.0).real  # [[alpha t/2, V], [V, -alpha t/2]] at t = 2
    array([[ 1. ,  0.5],
           [ 0.5, -1. ]])
    >>> lzsm.LandauZener(coupling=[0.1, 0.5], sweep_rate=[[1.0], [2.0]]).batch_shape  # a 2 x 2 grid
    (2, 2)
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

    def point(self, index: tuple[int, ...]) -> LandauZener:
        v = np.broadcast_to(self.coupling, self.batch_shape)[index]
        a = np.broadcast_to(self.sweep_rate, self.batch_shape)[index]
        return LandauZener(v, a, self.hbar)

    def kernel_form(self) -> KernelForm:
        a, b = self._matrices()
        return _kernel_form(a, b, F_LINEAR)

    def asymptotic_form(self) -> Asymptotics:
        """One crossing at t = 0; the levels separate linearly."""
        w = crossing_width(self.coupling, self.sweep_rate, self.hbar)
        return Asymptotics("separating", (-w, w))

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

    Examples
    --------
    >>> import numpy as np, lzsm
    >>> model = lzsm.TwoLevel(bias=lambda t: 3 * np.tanh(t / 2), coupling=0.5)  # a sweep that saturates
    >>> lzsm.adiabatic_energies(model, [0.0, 50.0]).round(4)  # +-V at the crossing, +-sqrt(1.5^2 + V^2) far from it
    array([[-0.5   ,  0.5   ],
           [-1.5811,  1.5811]])
    >>> run = lzsm.evolve(model, (-30, 30), initial='lower')
    >>> round(float(run.p_jump), 4)  # = lzsm.dykhne_davis_pechukas(model, (-10, 10)).p_jump
    0.3607
    """

    bias: ArrayLike | TimeFunction
    coupling: ArrayLike | TimeFunction
    hbar: float = 1.0
    coordinate: str = "t"
    bias_derivative: TimeFunction | None = None
    coupling_derivative: TimeFunction | None = None
    asymptotics: Asymptotics | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        if self.asymptotics is not None and not isinstance(self.asymptotics, Asymptotics):
            raise LzsmTypeError(f"`asymptotics` must be an lzsm.Asymptotics, got {type(self.asymptotics).__name__}")
        if isinstance(self.bias, np.polynomial.Polynomial) and self.bias_derivative is None:
            object.__setattr__(self, "bias_derivative", self.bias.deriv())
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
                    raise LzsmTypeError(
                        f"`{name}` callable failed on an array of {self.coordinate} values: {exc}"
                    ) from exc
                if out.shape not in (probe.shape, ()):
                    raise LzsmValueError(
                        f"`{name}` callable must return an array of the shape of its "
                        f"argument; got shape {out.shape} for input shape {probe.shape}"
                    )
                if name == "bias" and np.iscomplexobj(out) and np.any(np.imag(out) != 0):
                    raise LzsmValueError("`bias` callable must return real values (H must be Hermitian)")

    def parameters(self) -> dict[str, np.ndarray]:
        return {k: x for k, x in (("bias", self.bias), ("coupling", self.coupling)) if isinstance(x, np.ndarray)}

    def point(self, index: tuple[int, ...]) -> TwoLevel:
        def pick(x):
            return x if callable(x) else np.broadcast_to(x, self.batch_shape)[index]

        return TwoLevel(
            pick(self.bias),
            pick(self.coupling),
            self.hbar,
            self.coordinate,
            self.bias_derivative,
            self.coupling_derivative,
            asymptotics=self.asymptotics,
        )

    def asymptotic_form(self) -> Asymptotics | None:
        """Declared (``asymptotics=``), or known for a polynomial bias
        (``numpy.polynomial.Polynomial`` of degree >= 1) with a constant coupling: the core
        spans the real parts of the bias's roots, widened by the crossing time."""
        if self.asymptotics is not None:
            return self.asymptotics
        b = self.bias
        if not isinstance(b, np.polynomial.Polynomial) or callable(self.coupling) or self.coordinate != "t":
            return None
        b = b.convert(kind=np.polynomial.Polynomial)
        if b.degree() < 1:
            return None
        roots = np.atleast_1d(b.roots())
        slopes = np.abs(b.deriv()(roots.real))
        slopes = np.where(slopes > 0, slopes, 1.0)
        w = crossing_width(np.max(np.abs(np.asarray(self.coupling))), np.min(slopes), self.hbar)
        reach = np.abs(roots.imag).max() + w
        return Asymptotics("separating", (float(roots.real.min() - reach), float(roots.real.max() + reach)))

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
        return self._assemble(
            self._derivative(q, self.bias, self.bias_derivative, "bias"),
            self._derivative(q, self.coupling, self.coupling_derivative, "coupling"),
        )

    def kernel_form(self) -> KernelForm | None:
        if callable(self.bias) or callable(self.coupling) or self.coordinate != "t":
            return None
        a = self.hamiltonian(np.asarray(0.0))
        return _kernel_form(a, np.zeros_like(a), F_CONSTANT)
