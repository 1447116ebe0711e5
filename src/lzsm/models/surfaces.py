"""Potential-energy surfaces in f nuclear coordinates: the models of conical intersections.

A surface model is a diabatic potential matrix ``V(q)`` (N x N, Hermitian) of ``f`` nuclear
coordinates, evaluated on arrays ``q`` of shape ``(..., f)``; it defines only ``V`` and its
gradient ``dV/dq_i``, and :class:`SurfaceModel` derives every adiabatic quantity (energies,
states, Hellmann–Feynman gradients, non-adiabatic coupling vectors).  Two states of a *real*
Hamiltonian become degenerate where two conditions hold, so in ``f`` coordinates they intersect
on a seam of dimension ``f - 2`` (von Neumann & Wigner, Phys. Z. 30, 467 (1929)); finding and
characterising the seam is :mod:`lzsm.geometry.conical`.

Models: the E x e Jahn–Teller model (:class:`JahnTellerExE`, H. C. Longuet-Higgins, U. Öpik,
M. H. L. Pryce and R. A. Sack, Proc. R. Soc. A 244, 1 (1958); M. C. M. O'Brien, Proc. R. Soc.
A 281, 323 (1964) for the quadratic (warping) term, citation not verified), the linear vibronic
coupling model (:class:`LinearVibronicCoupling`, H. Köppel, W. Domcke and L. S. Cederbaum, Adv.
Chem. Phys. 57, 59 (1984)), a spin 1/2 in a magnetic field (:class:`SpinHalfInField`, complex)
and user functions (:func:`user_surfaces`).
"""

from __future__ import annotations

import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from lzsm import _checks
from lzsm.errors import LzsmTypeError, LzsmValueError

_SIGMA_X = np.array([[0.0, 1.0], [1.0, 0.0]])
_SIGMA_Y = np.array([[0.0, -1j], [1j, 0.0]])
_SIGMA_Z = np.array([[1.0, 0.0], [0.0, -1.0]])


# =========================================================================== models
class SurfaceModel(ABC):
    """Base class: a diabatic potential matrix of ``f`` nuclear coordinates.

    A subclass defines :attr:`n_coordinates`, :attr:`n_levels`, :meth:`potential` and
    :meth:`gradient`; everything adiabatic is derived here.  Coordinates ``q`` have shape
    ``(..., f)``; potentials ``(..., N, N)``; gradients ``(..., f, N, N)``."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # lzsm 0.1 subclasses defined ``n_states``: it still serves as ``n_levels``, with a warning
        if "n_states" in cls.__dict__ and "n_levels" not in cls.__dict__:
            warnings.warn(
                f"{cls.__name__} defines `n_states`, deprecated since lzsm 0.2; define `n_levels`",
                DeprecationWarning,
                stacklevel=3,
            )
            # the subclass's own n_states (a property over a method: beyond what mypy models)
            cls.n_levels = property(lambda self: self.n_states)  # type: ignore[method-assign, assignment]
        super().__init_subclass__(**kwargs)

    @property
    @abstractmethod
    def n_coordinates(self) -> int:
        """Number of nuclear coordinates f."""

    @property
    @abstractmethod
    def n_levels(self) -> int:
        """Number of electronic states N (the ``n_levels`` of every lzsm model)."""

    @property
    def n_states(self) -> int:
        """Deprecated name of :attr:`n_levels`."""
        warnings.warn("`n_states` is deprecated since lzsm 0.2; use `n_levels`", DeprecationWarning, stacklevel=2)
        return self.n_levels

    @property
    def is_real(self) -> bool:
        """True when V(q) is real symmetric (then Berry phases are 0 or pi)."""
        return True

    @abstractmethod
    def potential(self, q: np.ndarray) -> np.ndarray:
        """Diabatic potential matrix V(q), shape ``(..., N, N)``."""

    @abstractmethod
    def gradient(self, q: np.ndarray) -> np.ndarray:
        """``dV/dq_i``, shape ``(..., f, N, N)``."""

    # ------------------------------------------------------------ checked entry points
    def coordinates(self, q: ArrayLike, name: str = "q") -> np.ndarray:
        """``q`` as a finite real array ending in a length-f axis (or an error naming it)."""
        qa = _checks.real_array(q, name)
        if qa.ndim == 0 or qa.shape[-1] != self.n_coordinates:
            raise LzsmValueError(
                f"`{name}` must have shape (..., {self.n_coordinates}) for this "
                f"{self.n_coordinates}-coordinate model, got shape {qa.shape}"
            )
        return qa

    def hamiltonian(self, q: ArrayLike) -> np.ndarray:
        """``V(q)`` with the Hermiticity checked (``LzsmValueError`` if it is not)."""
        v = self.potential(self.coordinates(q))
        return _checks.hermitian(v, "potential V(q)")

    # ------------------------------------------------------------ adiabatic quantities
    def energies(self, q: ArrayLike) -> np.ndarray:
        """Adiabatic energies, ascending: shape ``(..., N)`` (index 0 lowest)."""
        return np.linalg.eigvalsh(self.hamiltonian(q))

    def eigensystem(self, q: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """(energies ``(..., N)``, states ``(..., N, N)`` as columns, arbitrary gauge)."""
        return np.linalg.eigh(self.hamiltonian(q))

    def _matrix_elements(self, q: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """(energies, ``<m|dV/dq_i|n>`` of shape ``(..., f, N, N)``)."""
        e, u = self.eigensystem(q)
        dv = self.gradient(self.coordinates(q))
        ud = np.conj(np.swapaxes(u, -1, -2))[..., None, :, :]
        return e, ud @ dv @ u[..., None, :, :]

    def energy_gradients(self, q: ArrayLike) -> np.ndarray:
        """Hellmann–Feynman gradients ``dE_n/dq_i = <n|dV/dq_i|n>``, shape ``(..., N, f)``.

        Defined where state n is non-degenerate."""
        _, m = self._matrix_elements(q)
        return np.swapaxes(np.real(np.diagonal(m, axis1=-2, axis2=-1)), -1, -2)

    def derivative_couplings(self, q: ArrayLike) -> np.ndarray:
        """Non-adiabatic coupling vectors ``d^i_mn = <m|d n/dq_i> = <m|dV/dq_i|n>/(E_n - E_m)``.

        Shape ``(..., f, N, N)``, antihermitian in (m, n), zero diagonal; NaN at an exact
        degeneracy (it diverges as 1/distance at a conical intersection).  The gauge of the
        states is that of ``numpy.linalg.eigh`` at each point."""
        e, m = self._matrix_elements(q)
        gap = (e[..., None, :] - e[..., :, None])[..., None, :, :]
        eye = np.eye(self.n_levels, dtype=bool)
        with np.errstate(divide="ignore", invalid="ignore"):
            d = np.where(eye, 0.0, m / np.where(eye, 1.0, gap))
        return np.where(~eye & (gap == 0), np.nan, d)

    def _check_states(self, states: Any) -> tuple[int, int]:
        try:
            i, j = (int(s) for s in states)
        except (TypeError, ValueError):
            raise LzsmTypeError(f"`states` must be a pair of adiabatic indices, got {states!r}") from None
        if not (0 <= i < j < self.n_levels):
            raise LzsmValueError(f"`states` must satisfy 0 <= i < j < {self.n_levels} (n_levels), got {states!r}")
        return i, j


def _sym2(v11, v22, v12, dtype=float) -> np.ndarray:
    v11, v22, v12 = np.broadcast_arrays(v11, v22, v12)
    out = np.empty(v11.shape + (2, 2), dtype=dtype)
    out[..., 0, 0] = v11
    out[..., 1, 1] = v22
    out[..., 0, 1] = v12
    out[..., 1, 0] = np.conj(v12)
    return out


@dataclass(frozen=True, eq=False)
class JahnTellerExE(SurfaceModel):
    """The E x e Jahn–Teller model in dimensionless normal coordinates ``q = (q_x, q_y)``.

    .. math::

        V(q) = \\frac{\\omega}{2}|q|^2\\,\\mathbb 1
             + k\\begin{pmatrix} q_x & q_y\\\\ q_y & -q_x\\end{pmatrix}
             + g\\begin{pmatrix} q_x^2 - q_y^2 & -2q_xq_y\\\\ -2q_xq_y & -(q_x^2 - q_y^2)\\end{pmatrix}

    (Longuet-Higgins, Öpik, Pryce & Sack, Proc. R. Soc. A 244, 1 (1958); quadratic coupling
    ``g`` as in O'Brien, Proc. R. Soc. A 281, 323 (1964), citation not verified).  Energies in the unit of the
    vibrational quantum ``hbar omega`` when ``omega = 1``; the nuclear kinetic energy that goes
    with these coordinates is ``-(omega/2) nabla^2``.  For ``g = 0`` the adiabatic surfaces are
    ``omega rho^2/2 -/+ k rho`` (the "Mexican hat": a moat at ``rho_0 = k/omega``, Jahn–Teller
    energy ``E_JT = k^2/(2 omega)``), with one conical intersection at the origin.  For
    ``g != 0`` there are three more, at distance ``k/|g|`` (:meth:`intersections`).

    Examples
    --------
    >>> import lzsm
    >>> model = lzsm.JahnTellerExE(k=1.0, omega=1.0)
    >>> model.energies([[0.0, 0.0], [1.0, 0.0]])  # the cone tip at q = 0; at rho = k/omega the moat, -E_JT
    array([[ 0. ,  0. ],
           [-0.5,  1.5]])
    >>> model.jahn_teller_energy  # k^2 / (2 omega)
    0.5
    """

    k: float = 1.0
    omega: float = 1.0
    g: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "k", float(_checks.real_array(self.k, "k", nonnegative=True)))
        object.__setattr__(self, "omega", _checks.positive_scalar(self.omega, "omega"))
        g = _checks.real_array(self.g, "g")
        if g.ndim != 0:
            raise LzsmValueError(f"`g` must be a single number, got shape {g.shape}")
        object.__setattr__(self, "g", float(g))

    @property
    def n_coordinates(self) -> int:
        return 2

    @property
    def n_levels(self) -> int:
        return 2

    def potential(self, q: np.ndarray) -> np.ndarray:
        x, y = q[..., 0], q[..., 1]
        h0 = 0.5 * self.omega * (x * x + y * y)
        dz = self.k * x + self.g * (x * x - y * y)
        dx = self.k * y - 2.0 * self.g * x * y
        return _sym2(h0 + dz, h0 - dz, dx)

    def gradient(self, q: np.ndarray) -> np.ndarray:
        x, y = q[..., 0], q[..., 1]
        gx = _sym2(
            self.omega * x + self.k + 2 * self.g * x, self.omega * x - self.k - 2 * self.g * x, -2.0 * self.g * y
        )
        gy = _sym2(self.omega * y - 2 * self.g * y, self.omega * y + 2 * self.g * y, self.k - 2.0 * self.g * x)
        return np.stack([gx, gy], axis=-3)

    def intersections(self) -> np.ndarray:
        """The conical intersections, known in closed form: shape ``(n, 2)``.

        The origin; for ``g != 0`` also ``(-k/g, 0)`` and ``(k/(2g), +/- sqrt(3) k/(2g))``
        (both diabatic conditions ``k q_x + g(q_x^2 - q_y^2) = 0`` and ``q_y(k - 2 g q_x) = 0``)."""
        pts = [[0.0, 0.0]]
        if self.g != 0.0 and self.k != 0.0:
            r = self.k / self.g
            pts += [[-r, 0.0], [0.5 * r, 0.5 * np.sqrt(3.0) * r], [0.5 * r, -0.5 * np.sqrt(3.0) * r]]
        return np.array(pts)

    @property
    def jahn_teller_energy(self) -> float:
        """``E_JT = k^2 / (2 omega)`` (linear coupling): depth of the moat below the cone tip."""
        return self.k**2 / (2.0 * self.omega)


@dataclass(frozen=True, eq=False)
class LinearVibronicCoupling(SurfaceModel):
    """Linear vibronic coupling model (Köppel, Domcke & Cederbaum, Adv. Chem. Phys. 57, 59 (1984)).

    .. math::

        V_{nn}(q) = E_n + \\sum_i \\frac{\\omega_i}{2} q_i^2 + \\sum_i \\kappa^{(n)}_i q_i, \\qquad
        V_{mn}(q) = \\sum_i \\lambda^{(mn)}_i q_i \\quad (m \\ne n)

    Parameters
    ----------
    omega : ``(f,)`` harmonic frequencies (> 0) of the reference state.
    vertical_energies : ``(N,)`` vertical energies ``E_n`` at ``q = 0``.
    kappa : ``(N, f)`` intrastate gradients (the "tuning" couplings).
    lam : ``(N, N, f)`` interstate couplings, symmetric in the first two axes; the diagonal
        must be zero.  For two states a ``(f,)`` vector is accepted as ``lambda^(01)``.

    For two states the seam is the affine subspace ``{q : (E_0 - E_1) + (kappa_0 - kappa_1).q = 0,
    lambda.q = 0}`` of dimension ``f - 2`` (when the two vectors are independent)."""

    omega: ArrayLike
    vertical_energies: ArrayLike
    kappa: ArrayLike
    lam: ArrayLike

    def __post_init__(self) -> None:
        om = _checks.real_array(self.omega, "omega", positive=True)
        if om.ndim != 1 or om.size == 0:
            raise LzsmValueError(f"`omega` must be a 1-D array of the f frequencies, got shape {om.shape}")
        f = om.size
        en = _checks.real_array(self.vertical_energies, "vertical_energies")
        if en.ndim != 1 or en.size < 2:
            raise LzsmValueError(
                f"`vertical_energies` must be a 1-D array of N >= 2 vertical energies, got shape {en.shape}"
            )
        n = en.size
        ka = _checks.real_array(self.kappa, "kappa")
        if ka.shape != (n, f):
            raise LzsmValueError(f"`kappa` must have shape (N, f) = ({n}, {f}), got {ka.shape}")
        la = _checks.real_array(self.lam, "lam")
        if n == 2 and la.shape == (f,):
            full = np.zeros((2, 2, f))
            full[0, 1] = full[1, 0] = la
            la = full
        if la.shape != (n, n, f):
            raise LzsmValueError(f"`lam` must have shape (N, N, f) = ({n}, {n}, {f}), got {la.shape}")
        if not np.allclose(la, np.swapaxes(la, 0, 1), rtol=0, atol=1e-14 * max(1.0, np.abs(la).max())):
            raise LzsmValueError("`lam` must be symmetric in its first two axes (lambda^(mn) = lambda^(nm))")
        if np.any(la[np.arange(n), np.arange(n)] != 0):
            raise LzsmValueError("`lam` must have a zero diagonal (intrastate gradients go in `kappa`)")
        for name, val in (("omega", om), ("vertical_energies", en), ("kappa", ka), ("lam", la)):
            val = val.copy()
            val.setflags(write=False)
            object.__setattr__(self, name, val)

    # the four fields hold read-only arrays after __post_init__; np.asarray returns them as they are
    @property
    def n_coordinates(self) -> int:
        return int(np.asarray(self.omega).size)

    @property
    def n_levels(self) -> int:
        return int(np.asarray(self.vertical_energies).size)

    def potential(self, q: np.ndarray) -> np.ndarray:
        omega, kappa, lam = np.asarray(self.omega), np.asarray(self.kappa), np.asarray(self.lam)
        h0 = 0.5 * np.sum(omega * q * q, axis=-1)
        v = np.einsum("mni,...i->...mn", lam, q)
        diag = self.vertical_energies + q @ kappa.T + h0[..., None]
        idx = np.arange(self.n_levels)
        v[..., idx, idx] = diag
        return v

    def gradient(self, q: np.ndarray) -> np.ndarray:
        omega, kappa, lam = np.asarray(self.omega), np.asarray(self.kappa), np.asarray(self.lam)
        g = np.broadcast_to(np.moveaxis(lam, -1, 0), q.shape[:-1] + (self.n_coordinates,) + lam.shape[:2]).copy()
        idx = np.arange(self.n_levels)
        g[..., idx, idx] = kappa.T + (omega * q)[..., None]
        return g


@dataclass(frozen=True, eq=False)
class SpinHalfInField(SurfaceModel):
    """A spin 1/2 in a magnetic field ``b`` (in energy units): :math:`V(\\mathbf b) = \\mathbf b \\cdot \\boldsymbol\\sigma / 2`.

    Complex Hermitian, three coordinates ``b = (b_x, b_y, b_z)``; a single degeneracy at
    ``b = 0`` (complex Hamiltonians need three conditions).  The upper state (spin along ``b``)
    acquires the Berry phase ``-Omega/2`` around a loop that subtends the solid angle ``Omega``
    at the origin (M. V. Berry, Proc. R. Soc. A 392, 45 (1984)); the lower state ``+Omega/2``."""

    @property
    def n_coordinates(self) -> int:
        return 3

    @property
    def n_levels(self) -> int:
        return 2

    @property
    def is_real(self) -> bool:
        return False

    def potential(self, q: np.ndarray) -> np.ndarray:
        return 0.5 * (
            q[..., 0, None, None] * _SIGMA_X + q[..., 1, None, None] * _SIGMA_Y + q[..., 2, None, None] * _SIGMA_Z
        )

    def gradient(self, q: np.ndarray) -> np.ndarray:
        mats = 0.5 * np.stack([_SIGMA_X, _SIGMA_Y, _SIGMA_Z]).astype(complex)
        return np.broadcast_to(mats, q.shape[:-1] + (3, 2, 2)).copy()


@dataclass(frozen=True, eq=False)
class UserSurfaces(SurfaceModel):
    """Surfaces from user functions.

    Parameters
    ----------
    potential_function : ``q (..., f) -> V (..., N, N)``, Hermitian, vectorised over leading axes.
    n_coordinates : f.
    gradient_function : ``q (..., f) -> dV/dq (..., f, N, N)``; if omitted, fourth-order central
        differences with step ``fd_step`` are used.
    fd_step : finite-difference step (coordinate units).

    The function is called once at ``q = 0`` on construction to learn N, check the shape and
    check Hermiticity (a non-Hermitian function is an error)."""

    potential_function: Callable[[np.ndarray], np.ndarray]
    n_coordinates_: int
    gradient_function: Callable[[np.ndarray], np.ndarray] | None = None
    fd_step: float = 1e-4
    _n: int = field(default=0, init=False, repr=False)
    _real: bool = field(default=True, init=False, repr=False)

    def __post_init__(self) -> None:
        if not callable(self.potential_function):
            raise LzsmTypeError("`potential_function` must be callable q (..., f) -> V (..., N, N)")
        if self.gradient_function is not None and not callable(self.gradient_function):
            raise LzsmTypeError("`gradient_function` must be callable q (..., f) -> dV/dq (..., f, N, N) or None")
        if (
            isinstance(self.n_coordinates_, bool)
            or not isinstance(self.n_coordinates_, (int, np.integer))
            or self.n_coordinates_ < 1
        ):
            raise LzsmValueError(f"`n_coordinates` must be an integer >= 1, got {self.n_coordinates_!r}")
        object.__setattr__(self, "fd_step", _checks.positive_scalar(self.fd_step, "fd_step"))
        v = np.asarray(self.potential_function(np.zeros((1, int(self.n_coordinates_)))))
        if v.ndim != 3 or v.shape[0] != 1 or v.shape[1] != v.shape[2] or v.shape[1] < 2:
            raise LzsmValueError(
                "`potential_function` must map q of shape (..., f) to V of shape (..., N, N) "
                f"with N >= 2; for q of shape (1, {self.n_coordinates_}) it returned shape {v.shape}"
            )
        _checks.hermitian(v, "potential_function(q)")
        object.__setattr__(self, "_n", int(v.shape[-1]))
        object.__setattr__(self, "_real", v.dtype.kind != "c")

    @property
    def n_coordinates(self) -> int:
        return int(self.n_coordinates_)

    @property
    def n_levels(self) -> int:
        return self._n

    @property
    def is_real(self) -> bool:
        return self._real

    def potential(self, q: np.ndarray) -> np.ndarray:
        return np.asarray(self.potential_function(q))

    def gradient(self, q: np.ndarray) -> np.ndarray:
        if self.gradient_function is not None:
            return np.asarray(self.gradient_function(q))
        h = self.fd_step
        out = []
        for i in range(self.n_coordinates):
            e = np.zeros(self.n_coordinates)
            e[i] = h
            vals = [self.potential(q + c * e) for c in (-2, -1, 1, 2)]
            out.append((vals[0] - 8 * vals[1] + 8 * vals[2] - vals[3]) / (12 * h))
        return np.stack(out, axis=-3)


def user_surfaces(
    potential: Callable[[np.ndarray], np.ndarray],
    n_coordinates: int,
    gradient: Callable[[np.ndarray], np.ndarray] | None = None,
    *,
    fd_step: float = 1e-4,
) -> UserSurfaces:
    """Surfaces from a user function ``q (..., f) -> V (..., N, N)`` (see :class:`UserSurfaces`)."""
    return UserSurfaces(potential, n_coordinates, gradient, fd_step)
