"""Two-state diabatisation: the adiabatic-to-diabatic (ADT) angle from the non-adiabatic coupling.

:func:`diabatize` turns adiabatic energies and the derivative coupling ``d_01`` on a grid into
x-independent combinations of the adiabatic states (the diabatic states) and the diabatic
potential matrix, returned as a :class:`Diabatization` (a result: ``to_xarray()``, ``curves()``
for a :class:`~lzsm.models.curves.TabulatedCurves` model).  Conventions: the mixing angle of
docs/conventions.md, adiabatic index 0 the lower state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from lzsm import _checks
from lzsm.errors import LzsmValueError
from lzsm.models.curves import DEFAULT_MASS, TabulatedCurves
from lzsm.results import Result


# --------------------------------------------------------------------------- diabatisation
@dataclass(frozen=True, eq=False, repr=False)
class Diabatization(Result):
    """Two-state adiabatic-to-diabatic transformation on a grid (result of :func:`diabatize`).

    ``theta`` is the mixing angle of docs/conventions.md (``|phi_1> = cos theta |1> + sin theta |2>``,
    ``|phi_0> = -sin theta |1> + cos theta |2>``); ``potential[k]`` the diabatic matrix
    ``V = U diag(E_0, E_1) U^T`` with ``U = [[-sin, cos], [cos, sin]]``, i.e.
    ``V11 = sin^2 E_0 + cos^2 E_1``, ``V22 = cos^2 E_0 + sin^2 E_1``,
    ``V12 = sin theta cos theta (E_1 - E_0)``."""

    x: np.ndarray
    theta: np.ndarray
    energies: np.ndarray
    potential: np.ndarray

    kind = "two-state diabatisation"

    def curves(
        self, interpolation: str = "cubic", outside: str = "constant", *, mass: float = DEFAULT_MASS, hbar: float = 1.0
    ) -> TabulatedCurves:
        """The diabatic curves as a :class:`TabulatedCurves` model (with the nuclear ``mass``
        and ``hbar`` the dynamics on it will use)."""
        return TabulatedCurves(
            self.x, self.potential, interpolation=interpolation, outside=outside, mass=mass, hbar=hbar
        )

    def _coords(self) -> dict[str, Any]:
        return {"x": self.x, "adiabatic": [0, 1], "diabatic_i": [0, 1], "diabatic_j": [0, 1]}

    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        return {
            "theta": (["x"], self.theta),
            "adiabatic_energies": (["x", "adiabatic"], self.energies),
            "diabatic_potential": (["x", "diabatic_i", "diabatic_j"], self.potential),
        }

    def _attrs(self) -> dict[str, Any]:
        return {"convention": "theta(x) = theta(x0) + int_x0^x d_01 dx', d_01 = <phi_0|d phi_1/dx>"}

    def _summary(self) -> list[str]:
        return [
            f"x: {self.x.size} points in [{self.x[0]:.4g}, {self.x[-1]:.4g}]",
            f"theta from {self.theta[0]:.4g} to {self.theta[-1]:.4g}",
        ]


def diabatize(x: ArrayLike, energies: ArrayLike, coupling: ArrayLike, theta_start: float = 0.0) -> Diabatization:
    """Two-state diabatisation from the non-adiabatic coupling (adiabatic-to-diabatic angle).

    The diabatic states are x-independent combinations of the adiabatic ones, so with the
    gauge of docs/conventions.md ``d phi_1/dx = theta' phi_0`` and

    .. math::  \\theta(x) = \\theta(x_0) + \\int_{x_0}^{x} d_{01}(x')\\,dx',\\qquad
               d_{01} = \\langle\\phi_0|\\partial_x\\phi_1\\rangle

    (M. Baer, Chem. Phys. Lett. 35, 112 (1975); for two states the transformation is a
    rotation by this angle).  The integral is that of the not-a-knot cubic spline through
    ``coupling`` (error ``O(h^4)``).  ``theta_start`` fixes the labelling at ``x[0]``:
    ``0`` makes diabatic state 1 the upper adiabatic state there (and 2 the lower),
    ``pi/2`` the reverse; where the coupling has died out these give a diagonal V.

    Parameters: ``x`` strictly increasing (>= 4 points), ``energies`` shape ``(len(x), 2)``
    ascending (E_0 <= E_1), ``coupling`` the smooth-gauge ``d_01`` on the grid (a
    quantum-chemistry NAC must first be given a consistent sign along x).
    """
    from scipy.interpolate import CubicSpline

    xa = _checks.real_array(x, "x")
    e = _checks.real_array(energies, "energies")
    d = _checks.real_array(coupling, "coupling")
    th0 = _checks.real_array(theta_start, "theta_start")
    if th0.ndim != 0:
        raise LzsmValueError(f"`theta_start` must be a single angle, got an array of shape {th0.shape}")
    if xa.ndim != 1 or xa.size < 4:
        raise LzsmValueError(f"`x` must be a 1-D grid of at least 4 points, got shape {xa.shape}")
    if np.any(np.diff(xa) <= 0):
        row = int(np.flatnonzero(np.diff(xa) <= 0)[0]) + 1
        raise LzsmValueError(f"`x` must be strictly increasing (row {row}: {xa[row]:g} after {xa[row - 1]:g})")
    if e.shape != (xa.size, 2):
        raise LzsmValueError(f"`energies` must have shape (len(x), 2) = ({xa.size}, 2), got {e.shape}")
    if d.shape != xa.shape:
        raise LzsmValueError(f"`coupling` must have shape (len(x),) = ({xa.size},), got {d.shape}")
    if np.any(e[:, 1] < e[:, 0]):
        row = int(np.flatnonzero(e[:, 1] < e[:, 0])[0])
        raise LzsmValueError(
            f"`energies` must be ascending along the last axis (index 0 the lower state); row "
            f"{row} has E_0 = {e[row, 0]:g} > E_1 = {e[row, 1]:g}"
        )
    anti = CubicSpline(xa, d).antiderivative()
    theta = float(th0) + anti(xa) - anti(xa[0])
    s, c = np.sin(theta), np.cos(theta)
    v = np.empty((xa.size, 2, 2))
    v[:, 0, 0] = s * s * e[:, 0] + c * c * e[:, 1]
    v[:, 1, 1] = c * c * e[:, 0] + s * s * e[:, 1]
    v[:, 0, 1] = v[:, 1, 0] = s * c * (e[:, 1] - e[:, 0])
    return Diabatization(xa, theta, e, v, method="ADT angle: integral of the not-a-knot cubic spline of d_01")
