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
from dataclasses import dataclass
import numpy as np
from lzsm import _checks
from lzsm.errors import LzsmValueError
from numpy.typing import ArrayLike
from lzsm.models.curves import TabulatedCurves


# --------------------------------------------------------------------------- diabatisation
@dataclass(frozen=True)
class Diabatization:
    """Two-state adiabatic-to-diabatic transformation on a grid.

    ``theta`` is the mixing angle of PHYSICS.md (``|phi_1> = cos theta |1> + sin theta |2>``,
    ``|phi_0> = -sin theta |1> + cos theta |2>``); ``potential[k]`` the diabatic matrix
    ``V = U diag(E_0, E_1) U^T`` with ``U = [[-sin, cos], [cos, sin]]``, i.e.
    ``V11 = sin^2 E_0 + cos^2 E_1``, ``V22 = cos^2 E_0 + sin^2 E_1``,
    ``V12 = sin theta cos theta (E_1 - E_0)``."""

    x: np.ndarray
    theta: np.ndarray
    energies: np.ndarray
    potential: np.ndarray

    def curves(self, interpolation: str = "cubic", outside: str = "constant") -> TabulatedCurves:
        """The diabatic curves as a :class:`TabulatedCurves` model."""
        return TabulatedCurves(self.x, self.potential, interpolation=interpolation, outside=outside)

    def to_xarray(self):
        import xarray as xr

        return xr.Dataset(
            {"theta": ("x", self.theta), "adiabatic_energies": (("x", "adiabatic"), self.energies),
             "diabatic_potential": (("x", "diabatic_i", "diabatic_j"), self.potential)},
            coords={"x": self.x, "adiabatic": [0, 1], "diabatic_i": [0, 1], "diabatic_j": [0, 1]},
            attrs={"convention": "theta(x) = theta(x0) + int_x0^x d_01 dx', d_01 = <phi_0|d phi_1/dx>"})


def diabatize(x: ArrayLike, energies: ArrayLike, coupling: ArrayLike, theta_start: float = 0.0) -> Diabatization:
    """Two-state diabatisation from the non-adiabatic coupling (adiabatic-to-diabatic angle).

    The diabatic states are x-independent combinations of the adiabatic ones, so with the
    gauge of PHYSICS.md ``d phi_1/dx = theta' phi_0`` and

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
    th0 = float(_checks.real_array(theta_start, "theta_start"))
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
        raise LzsmValueError("`energies` must be ascending along the last axis (index 0 the lower state)")
    anti = CubicSpline(xa, d).antiderivative()
    theta = th0 + anti(xa) - anti(xa[0])
    s, c = np.sin(theta), np.cos(theta)
    v = np.empty((xa.size, 2, 2))
    v[:, 0, 0] = s * s * e[:, 0] + c * c * e[:, 1]
    v[:, 1, 1] = c * c * e[:, 0] + s * s * e[:, 1]
    v[:, 0, 1] = v[:, 1, 0] = s * c * (e[:, 1] - e[:, 0])
    return Diabatization(xa, theta, e, v)
