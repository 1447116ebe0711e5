"""Potential-energy curves of molecules in the diabatic representation (one nuclear coordinate).

A curve model is an lzsm :class:`~lzsm.models.Model` along the nuclear coordinate ``x``:
``hamiltonian(x)`` is the diabatic potential matrix ``V(x)`` (N x N, real symmetric) and
``hamiltonian_derivative(x)`` its gradient ``dV/dx``, both vectorised over x, so every
adiabatic quantity of :mod:`lzsm.bases` (adiabatic curves, states, non-adiabatic couplings
``d_ij(x)``) applies unchanged.  Units: atomic units unless the model says otherwise (hbar = 1);
the nuclear mass belongs to the dynamics (wavepackets, trajectories), not to the curves.

Tully's three one-dimensional models (J. C. Tully, J. Chem. Phys. 93, 1061 (1990)), with the
parameters of that paper:

* :class:`TullySimple` — single avoided crossing:
  ``V11 = A (1 - exp(-B x))`` for x >= 0, ``-A (1 - exp(B x))`` for x < 0; ``V22 = -V11``;
  ``V12 = C exp(-D x^2)``; A = 0.01, B = 1.6, C = 0.005, D = 1.0.
* :class:`TullyDual` — dual avoided crossing:
  ``V11 = 0``, ``V22 = -A exp(-B x^2) + E0``, ``V12 = C exp(-D x^2)``; A = 0.1, B = 0.28,
  C = 0.015, D = 0.06, E0 = 0.05.
* :class:`TullyExtended` — extended coupling with reflection:
  ``V11 = A``, ``V22 = -A``, ``V12 = B exp(C x)`` for x < 0, ``B (2 - exp(-C x))`` for x >= 0;
  A = 6e-4, B = 0.1, C = 0.9.
"""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import _checks
from .models import Model

ArrayLike = Any


class Curves(Model):
    """Base of one-coordinate diabatic curve models (a single parameter point).

    Subclasses define :meth:`potential` and :meth:`gradient` (vectorised over x, returning
    ``(*x.shape, N, N)`` real symmetric arrays)."""

    coordinate = "x"

    @property
    def batch_shape(self) -> tuple[int, ...]:
        return ()

    @abstractmethod
    def potential(self, x: np.ndarray) -> np.ndarray:
        """Diabatic potential matrix V(x), shape ``(*x.shape, N, N)``."""

    @abstractmethod
    def gradient(self, x: np.ndarray) -> np.ndarray:
        """dV/dx, shape ``(*x.shape, N, N)``."""

    def hamiltonian(self, q: ArrayLike) -> np.ndarray:
        return self.potential(_checks.real_array(q, "x"))

    def hamiltonian_derivative(self, q: ArrayLike) -> np.ndarray:
        return self.gradient(_checks.real_array(q, "x"))

    def point(self, index: tuple[int, ...]) -> "Curves":
        return self


def _sym2(v11, v22, v12) -> np.ndarray:
    v11, v22, v12 = np.broadcast_arrays(v11, v22, v12)
    out = np.empty(v11.shape + (2, 2))
    out[..., 0, 0] = v11
    out[..., 1, 1] = v22
    out[..., 0, 1] = v12
    out[..., 1, 0] = v12
    return out


@dataclass(frozen=True, eq=False)
class TullySimple(Curves):
    """Tully's simple avoided crossing (model 1, J. Chem. Phys. 93, 1061 (1990)), atomic units."""

    A: float = 0.01
    B: float = 1.6
    C: float = 0.005
    D: float = 1.0
    hbar: float = 1.0
    coordinate: str = field(default="x", init=False)

    @property
    def n_levels(self) -> int:
        return 2

    def parameters(self) -> dict[str, np.ndarray]:
        return {}

    def potential(self, x: np.ndarray) -> np.ndarray:
        v11 = np.sign(x) * self.A * (1.0 - np.exp(-self.B * np.abs(x)))
        return _sym2(v11, -v11, self.C * np.exp(-self.D * x ** 2))

    def gradient(self, x: np.ndarray) -> np.ndarray:
        d11 = self.A * self.B * np.exp(-self.B * np.abs(x))
        return _sym2(d11, -d11, -2.0 * self.C * self.D * x * np.exp(-self.D * x ** 2))


@dataclass(frozen=True, eq=False)
class TullyDual(Curves):
    """Tully's dual avoided crossing (model 2), atomic units."""

    A: float = 0.1
    B: float = 0.28
    C: float = 0.015
    D: float = 0.06
    E0: float = 0.05
    hbar: float = 1.0
    coordinate: str = field(default="x", init=False)

    @property
    def n_levels(self) -> int:
        return 2

    def potential(self, x: np.ndarray) -> np.ndarray:
        return _sym2(np.zeros_like(x), -self.A * np.exp(-self.B * x ** 2) + self.E0,
                     self.C * np.exp(-self.D * x ** 2))

    def gradient(self, x: np.ndarray) -> np.ndarray:
        return _sym2(np.zeros_like(x), 2.0 * self.A * self.B * x * np.exp(-self.B * x ** 2),
                     -2.0 * self.C * self.D * x * np.exp(-self.D * x ** 2))


@dataclass(frozen=True, eq=False)
class TullyExtended(Curves):
    """Tully's extended coupling with reflection (model 3), atomic units."""

    A: float = 6e-4
    B: float = 0.1
    C: float = 0.9
    hbar: float = 1.0
    coordinate: str = field(default="x", init=False)

    @property
    def n_levels(self) -> int:
        return 2

    def potential(self, x: np.ndarray) -> np.ndarray:
        v12 = np.where(x < 0, self.B * np.exp(self.C * np.minimum(x, 0.0)),
                       self.B * (2.0 - np.exp(-self.C * np.maximum(x, 0.0))))
        return _sym2(np.full_like(x, self.A), np.full_like(x, -self.A), v12)

    def gradient(self, x: np.ndarray) -> np.ndarray:
        d12 = np.where(x < 0, self.B * self.C * np.exp(self.C * np.minimum(x, 0.0)),
                       self.B * self.C * np.exp(-self.C * np.maximum(x, 0.0)))
        return _sym2(np.zeros_like(x), np.zeros_like(x), d12)


#: Tully's three models by their usual names.
TULLY_MODELS = {"simple": TullySimple, "dual": TullyDual, "extended": TullyExtended}
