"""Models in the diabatic basis: small immutable objects, validated on construction.

Every model gives ``hamiltonian(q)`` and ``hamiltonian_derivative(q)`` as arrays of shape
``(*batch_shape, *q.shape, N, N)``, where ``q`` is its coordinate (time ``t`` unless the model
says otherwise, e.g. a nuclear coordinate ``x``) and ``batch_shape`` is the broadcast shape of
its array-valued parameters: one model object stands for a whole grid of parameter points.
Everything adiabatic is derived from these two methods (see :mod:`lzsm.models.adiabatic`).

Conventions (``docs/conventions.md``): ``H = [[E1, V], [conj(V), E2]]``, bias ``E1 - E2``, Landau–Zener
sweep ``E1 - E2 = alpha t`` with ``E1 = +alpha t/2``, ``E2 = -alpha t/2``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from lzsm import _checks
from lzsm.errors import LzsmValueError
from lzsm.kernels.drives import F_CONSTANT, abs_integral, coefficient_function, excess_integral, python_coefficient

TimeFunction = Callable[[np.ndarray], np.ndarray]


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

    def phase_bound(self, t0: float, t1: float) -> np.ndarray:
        """A lower bound of the dynamical phase ``int_{t0}^{t1} r(H(t)) dt`` per grid point
        (energy x time), ``r`` half the spread of the eigenvalues of H.

        Weyl's inequality gives ``r(A + B f) >= |f| r(B) - r(A)`` and ``>= r(A) - |f| r(B)``;
        the integral of the positive part of the first is
        :func:`lzsm.kernels.drives.excess_integral`, the second is bounded with
        :func:`lzsm.kernels.drives.abs_integral`.  A Magnus step turns the state by at most pi
        (its convergence radius), so a propagation over ``[t0, t1]`` needs at least
        ``phase_bound / (pi hbar)`` steps (measured: Landau–Zener passages, periodic drives,
        double passages and linear sweeps take 1.1 to 12 times that many)."""
        r_a = _half_spread(self.constant)
        r_b = _half_spread(self.coefficient)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            c = np.where(r_b > 0, r_a / np.where(r_b > 0, r_b, 1.0), 0.0)
            driven = np.where(r_b > 0, r_b * excess_integral(self.code, self.fpar, t0, t1, c), 0.0)
            still = r_a * (t1 - t0) - np.where(r_b > 0, r_b * abs_integral(self.code, t0, t1), 0.0)
        return np.maximum(np.maximum(driven, still), 0.0)


ASYMPTOTIC_KINDS = ("separating", "switching off")


@dataclass(frozen=True)
class Asymptotics:
    """What a model does as ``t -> +-inf``: what an infinite window needs to know of it.

    Parameters
    ----------
    kind : ``"separating"``: outside ``core`` no two levels cross again and H is smooth (analytic),
        so that the non-adiabatic couplings die out as the levels run apart (linear or polynomial
        sweeps) or stay apart; the tails are taken in superadiabatic frames
        (:mod:`lzsm.dynamics.asymptotic`).  ``"switching off"``: outside ``core`` every
        coupling falls off at least like ``exp(-|t|/decay_time)`` and the diagonal of H is what
        remains (pulses); the tails are cut where the rest of the coupling cannot move
        more than ``tol`` of amplitude.
    core : ``(t_lo, t_hi)``, finite and increasing: every crossing (or the pulse) lies inside.
    decay_time : for ``"switching off"``: the e-folding time of the couplings beyond the core
        (> 0).

    A model whose H is a Python callable (:class:`lzsm.TwoLevel` with callables, ...) has no
    known asymptotics: pass ``asymptotics=lzsm.Asymptotics(...)`` to declare them.

    Examples
    --------
    >>> import numpy as np, lzsm
    >>> declared = lzsm.Asymptotics("separating", core=(-5.0, 5.0))
    >>> model = lzsm.TwoLevel(bias=lambda t: t + 0.3 * np.tanh(t), coupling=0.3, asymptotics=declared)
    >>> run = lzsm.evolve(model, (-np.inf, np.inf), initial=0)
    >>> round(float(run.p_diabatic_stay), 6)  # a crossing of slope 1.3: near exp(-2 pi 0.09/1.3) = 0.6473
    0.639566
    >>> run.tails.core  # integrated there; beyond, superadiabatic tails
    (-15.2587890625, 15.2587890625)
    """

    kind: str
    core: tuple[float, float]
    decay_time: float | None = None

    def __post_init__(self) -> None:
        _checks.choice(self.kind, "kind", ASYMPTOTIC_KINDS)
        object.__setattr__(self, "core", _checks.interval(self.core, "core", ends="t_lo, t_hi"))
        if self.kind == "switching off":
            if self.decay_time is None:
                raise LzsmValueError('`decay_time` is needed for kind "switching off" (the couplings\' e-folding time)')
            object.__setattr__(self, "decay_time", _checks.positive_scalar(self.decay_time, "decay_time"))
        elif self.decay_time is not None:
            raise LzsmValueError('`decay_time` belongs to kind "switching off" only')


def crossing_width(coupling: Any, slope: Any, hbar: float) -> float:
    """The time a crossing of coupling V and slope difference F takes, ``max(|V|/|F|,
    sqrt(hbar/|F|))``, largest over a grid (the Landau–Zener transition time; Mullen, Ben-Jacob,
    Gefen & Schuss, PRL 62, 2543 (1989))."""
    v = np.abs(np.asarray(coupling, dtype=complex))
    f = np.abs(np.asarray(slope, dtype=float))
    return float(np.max(np.maximum(v / f, np.sqrt(hbar / f))))


def _half_spread(h: np.ndarray) -> np.ndarray:
    """Half the spread of the eigenvalues of Hermitian matrices ``(..., N, N)``; for N = 2 in
    closed form, ``sqrt(((h00 - h11)/2)^2 + |h01|^2)``."""
    if h.shape[-1] == 2:
        return np.hypot(0.5 * (h[..., 0, 0].real - h[..., 1, 1].real), np.abs(h[..., 0, 1]))
    batch = h.shape[:-2]
    if all(stride == 0 for stride in h.strides[:-2]):  # one matrix broadcast over the grid
        ev = np.linalg.eigvalsh(h[(0,) * len(batch)])
        return np.full(batch, 0.5 * (ev[-1] - ev[0]))
    ev = np.linalg.eigvalsh(h)
    return 0.5 * (ev[..., -1] - ev[..., 0])


def _kernel_form(
    constant: np.ndarray, coefficient: np.ndarray, code: int, omega: Any = 0.0, phase: Any = 0.0
) -> KernelForm:
    batch = np.broadcast_shapes(constant.shape[:-2], coefficient.shape[:-2], np.shape(omega), np.shape(phase))
    n = constant.shape[-1]
    fpar = np.empty(batch + (2,))
    fpar[..., 0] = omega
    fpar[..., 1] = phase
    return KernelForm(
        np.broadcast_to(constant, batch + (n, n)),
        np.broadcast_to(coefficient, batch + (n, n)),
        np.full(batch, code, dtype=np.int64),
        fpar,
    )


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
    def point(self, index: tuple[int, ...]) -> Model:
        """The model at one grid point (used to export single points, e.g. to QuTiP)."""

    def kernel_form(self) -> KernelForm | None:
        """``H(t) = A + B f(t)`` for the compiled kernels, or None (then ``evolve`` calls
        :meth:`hamiltonian` from Python, three times per step)."""
        return None

    def parameters(self) -> dict[str, np.ndarray]:
        """Numeric parameters (for labelling results)."""
        return {}

    def asymptotic_form(self) -> Asymptotics | None:
        """How the model behaves as ``t -> +-inf`` (None: unknown, and infinite windows are
        refused); see :class:`Asymptotics`."""
        return None

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
                f"{self.batch_shape}: pick one with model.point(index)"
            )
        if self.coordinate != "t":
            raise LzsmValueError("to_qutip() needs a time-dependent model (coordinate 't')")
        kf = self.kernel_form()
        scale = 1.0 / self.hbar  # QuTiP works with hbar = 1: pass H / hbar
        if kf is not None:
            a, b = (qutip.Qobj(np.asarray(m) * scale) for m in (kf.constant, kf.coefficient))
            if np.allclose(kf.coefficient, 0) or int(kf.code) == F_CONSTANT:
                return qutip.QobjEvo(a)
            return qutip.QobjEvo([a, [b, python_coefficient(int(kf.code), *map(float, kf.fpar))]])
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
