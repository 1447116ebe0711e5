"""Potential-energy surfaces in f nuclear coordinates and their conical intersections.

A surface model is a diabatic potential matrix ``V(q)`` (N x N, Hermitian) of ``f`` nuclear
coordinates, evaluated on arrays ``q`` of shape ``(..., f)``; it defines only ``V`` and its
gradient ``dV/dq_i`` and derives every adiabatic quantity (energies, states, Hellmann–Feynman
gradients, non-adiabatic coupling vectors).  Two states of a *real* Hamiltonian become
degenerate where two conditions hold (equal diagonal elements and zero coupling in any local
two-state basis), so in ``f`` coordinates they intersect on a seam of dimension ``f - 2``
(von Neumann & Wigner, Phys. Z. 30, 467 (1929); ``PHYSICS.md``, Geometry).  Near a point of
the seam the two energies form a double cone over the two-dimensional *branching space*
spanned by

    g = (grad E_j - grad E_i) / 2          (half the gradient difference),
    h = <i| grad V |j>                      (the interstate coupling vector),

and, with ``s = (grad E_i + grad E_j)/2`` and the displacement written as ``x g^ + y h^``,

    E_(i,j)(x, y) = E_X + s_x x + s_y y  -/+  sqrt(|g|^2 x^2 + |h|^2 y^2),

once the degenerate pair has been rotated so that ``g . h = 0`` (D. R. Yarkony, J. Chem.
Phys. 114, 2601 (2001)).  The shape of the cone is summarised by the pitch
``delta_gh = sqrt((|g|^2 + |h|^2)/2)``, the asymmetry ``Delta_gh = (|g|^2 - |h|^2)/(|g|^2 + |h|^2)``,
the relative tilt ``sigma = |(s_x, s_y)| / delta_gh`` with heading ``theta_s = atan2(s_y, s_x)``
and the peaked/sloped indicator

    P = sigma^2 / (1 - Delta_gh^2) * (1 - Delta_gh cos 2 theta_s)  =  s_x^2/|g|^2 + s_y^2/|h|^2,

peaked for ``P < 1``, sloped for ``P > 1`` (I. Fdez. Galván, M. G. Delcey, T. B. Pedersen,
F. Aquilante and R. Lindh, J. Chem. Theory Comput. 12, 3636 (2016)).

Models here: the E x e Jahn–Teller model (:class:`JahnTellerExE`, H. C. Longuet-Higgins,
U. Öpik, M. H. L. Pryce and R. A. Sack, Proc. R. Soc. A 244, 1 (1958); M. C. M. O'Brien,
Proc. R. Soc. A 281, 323 (1964) for the quadratic (warping) term, citation not verified), the linear vibronic
coupling model (:class:`LinearVibronicCoupling`, H. Köppel, W. Domcke and L. S. Cederbaum,
Adv. Chem. Phys. 57, 59 (1984)), a spin 1/2 in a magnetic field (:class:`SpinHalfInField`,
complex) and user functions (:class:`UserSurfaces`).

Finding intersections: :func:`find_meci` (minimum-energy conical intersection: Newton steps
on the two degeneracy conditions in the branching space, energy minimised in its orthogonal
complement — the gradient-projection idea of M. J. Bearpark, M. A. Robb and H. B. Schlegel,
Chem. Phys. Lett. 223, 269 (1994), with a Newton (KKT) step in place of their steepest
descent), :func:`project_to_seam`, :func:`seam_dimension`, :func:`trace_seam`,
:func:`branching_space`, and :func:`classify_crossing` (conical intersection or avoided
crossing, by symmetry when the user gives one).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import _checks
from .errors import LzsmTypeError, LzsmValueError

ArrayLike = Any

_SIGMA_X = np.array([[0.0, 1.0], [1.0, 0.0]])
_SIGMA_Y = np.array([[0.0, -1j], [1j, 0.0]])
_SIGMA_Z = np.array([[1.0, 0.0], [0.0, -1.0]])


# =========================================================================== models
class SurfaceModel(ABC):
    """Base class: a diabatic potential matrix of ``f`` nuclear coordinates.

    A subclass defines :attr:`n_coordinates`, :attr:`n_states`, :meth:`potential` and
    :meth:`gradient`; everything adiabatic is derived here.  Coordinates ``q`` have shape
    ``(..., f)``; potentials ``(..., N, N)``; gradients ``(..., f, N, N)``."""

    @property
    @abstractmethod
    def n_coordinates(self) -> int:
        """Number of nuclear coordinates f."""

    @property
    @abstractmethod
    def n_states(self) -> int:
        """Number of electronic states N."""

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
            raise LzsmValueError(f"`{name}` must have shape (..., {self.n_coordinates}) for this "
                                 f"{self.n_coordinates}-coordinate model, got shape {qa.shape}")
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

    def _matrix_elements(self, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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
        eye = np.eye(self.n_states, dtype=bool)
        with np.errstate(divide="ignore", invalid="ignore"):
            d = np.where(eye, 0.0, m / np.where(eye, 1.0, gap))
        return np.where(~eye & (gap == 0), np.nan, d)

    def _check_states(self, states: Any) -> tuple[int, int]:
        try:
            i, j = (int(s) for s in states)
        except (TypeError, ValueError):
            raise LzsmTypeError(f"`states` must be a pair of adiabatic indices, got {states!r}") from None
        if not (0 <= i < j < self.n_states):
            raise LzsmValueError(f"`states` must satisfy 0 <= i < j < {self.n_states} (n_states), got {states!r}")
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
    def n_states(self) -> int:
        return 2

    def potential(self, q: np.ndarray) -> np.ndarray:
        x, y = q[..., 0], q[..., 1]
        h0 = 0.5 * self.omega * (x * x + y * y)
        dz = self.k * x + self.g * (x * x - y * y)
        dx = self.k * y - 2.0 * self.g * x * y
        return _sym2(h0 + dz, h0 - dz, dx)

    def gradient(self, q: np.ndarray) -> np.ndarray:
        x, y = q[..., 0], q[..., 1]
        gx = _sym2(self.omega * x + self.k + 2 * self.g * x, self.omega * x - self.k - 2 * self.g * x,
                   -2.0 * self.g * y)
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
        return self.k ** 2 / (2.0 * self.omega)


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
            raise LzsmValueError(f"`vertical_energies` must be a 1-D array of N >= 2 vertical energies, got shape {en.shape}")
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

    @property
    def n_coordinates(self) -> int:
        return int(self.omega.size)

    @property
    def n_states(self) -> int:
        return int(self.vertical_energies.size)

    def potential(self, q: np.ndarray) -> np.ndarray:
        h0 = 0.5 * np.sum(self.omega * q * q, axis=-1)
        v = np.einsum("mni,...i->...mn", self.lam, q)
        diag = self.vertical_energies + q @ self.kappa.T + h0[..., None]
        idx = np.arange(self.n_states)
        v[..., idx, idx] = diag
        return v

    def gradient(self, q: np.ndarray) -> np.ndarray:
        g = np.broadcast_to(np.moveaxis(self.lam, -1, 0), q.shape[:-1] + (self.n_coordinates,) + self.lam.shape[:2]).copy()
        idx = np.arange(self.n_states)
        g[..., idx, idx] = self.kappa.T + (self.omega * q)[..., None]
        return g


@dataclass(frozen=True, eq=False)
class SpinHalfInField(SurfaceModel):
    """A spin 1/2 in a magnetic field ``b`` (in energy units): ``V(b) = (b . sigma) / 2``.

    Complex Hermitian, three coordinates ``b = (b_x, b_y, b_z)``; a single degeneracy at
    ``b = 0`` (complex Hamiltonians need three conditions).  The upper state (spin along ``b``)
    acquires the Berry phase ``-Omega/2`` around a loop that subtends the solid angle ``Omega``
    at the origin (M. V. Berry, Proc. R. Soc. A 392, 45 (1984)); the lower state ``+Omega/2``."""

    @property
    def n_coordinates(self) -> int:
        return 3

    @property
    def n_states(self) -> int:
        return 2

    @property
    def is_real(self) -> bool:
        return False

    def potential(self, q: np.ndarray) -> np.ndarray:
        return 0.5 * (q[..., 0, None, None] * _SIGMA_X + q[..., 1, None, None] * _SIGMA_Y
                      + q[..., 2, None, None] * _SIGMA_Z)

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
        if isinstance(self.n_coordinates_, bool) or not isinstance(self.n_coordinates_, (int, np.integer)) \
                or self.n_coordinates_ < 1:
            raise LzsmValueError(f"`n_coordinates` must be an integer >= 1, got {self.n_coordinates_!r}")
        object.__setattr__(self, "fd_step", _checks.positive_scalar(self.fd_step, "fd_step"))
        v = np.asarray(self.potential_function(np.zeros((1, int(self.n_coordinates_)))))
        if v.ndim != 3 or v.shape[0] != 1 or v.shape[1] != v.shape[2] or v.shape[1] < 2:
            raise LzsmValueError("`potential_function` must map q of shape (..., f) to V of shape (..., N, N) "
                                 f"with N >= 2; for q of shape (1, {self.n_coordinates_}) it returned shape {v.shape}")
        _checks.hermitian(v, "potential_function(q)")
        object.__setattr__(self, "_n", int(v.shape[-1]))
        object.__setattr__(self, "_real", v.dtype.kind != "c")

    @property
    def n_coordinates(self) -> int:
        return int(self.n_coordinates_)

    @property
    def n_states(self) -> int:
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


def user_surfaces(potential: Callable[[np.ndarray], np.ndarray], n_coordinates: int,
                  gradient: Callable[[np.ndarray], np.ndarray] | None = None, *,
                  fd_step: float = 1e-4) -> UserSurfaces:
    """Surfaces from a user function ``q (..., f) -> V (..., N, N)`` (see :class:`UserSurfaces`)."""
    return UserSurfaces(potential, n_coordinates, gradient, fd_step)


# =========================================================================== branching space
@dataclass(frozen=True)
class BranchingSpace:
    """The local double cone at a point of the seam of states ``(i, j)``.

    ``g`` (half gradient difference) and ``h`` (coupling vector) after Yarkony's rotation of
    the degenerate pair, so that ``g . h = 0`` and ``|g| >= |h|``; ``s`` the mean gradient;
    ``x_hat``, ``y_hat`` unit vectors along g and h; tilt components ``s_x, s_y``; the
    Fdez. Galván et al. (2016) parameters pitch, asymmetry, relative tilt, tilt heading and
    ``peaked_sloped`` (P); ``n_descent_paths`` counts the minima of the lower cone on a small
    circle around the intersection (1: single-path, 2: bifurcating; 0 for an untilted circular
    cone, where every direction is equivalent), by direct sampling."""

    q: np.ndarray
    states: tuple[int, int]
    energy: float
    gap: float
    g: np.ndarray
    h: np.ndarray
    s: np.ndarray
    x_hat: np.ndarray
    y_hat: np.ndarray
    s_x: float
    s_y: float
    pitch: float
    asymmetry: float
    relative_tilt: float
    tilt_heading: float
    peaked_sloped: float
    n_descent_paths: int

    @property
    def rank(self) -> int:
        """Dimension of the branching space (2 at a conical intersection)."""
        return int(np.sum(np.array([np.linalg.norm(self.g), np.linalg.norm(self.h)])
                          > 1e-10 * max(np.linalg.norm(self.g), 1e-300)))

    @property
    def topography(self) -> str:
        """``"peaked"`` (P < 1) or ``"sloped"`` (P > 1), then single-path or bifurcating."""
        shape = "peaked" if self.peaked_sloped < 1 else "sloped"
        return f"{shape}, {('single-path' if self.n_descent_paths == 1 else 'bifurcating') if self.n_descent_paths else 'isotropic'}"

    def cone(self, x: ArrayLike, y: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """First-order energies (lower, upper) at displacement ``x x_hat + y y_hat``:
        ``E_X + s_x x + s_y y -/+ sqrt(|g|^2 x^2 + |h|^2 y^2)``."""
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        mean = self.energy + self.s_x * x + self.s_y * y
        rad = np.sqrt((np.linalg.norm(self.g) * x) ** 2 + (np.linalg.norm(self.h) * y) ** 2)
        return mean - rad, mean + rad

    def to_dict(self) -> dict[str, Any]:
        return {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in self.__dict__.items()}


def _pair_elements(model: SurfaceModel, q: np.ndarray, i: int, j: int):
    """Energies, pair states and the 2x2 matrices ``U^T dV/dq_k U`` (k = 1..f) of the pair."""
    e, u = model.eigensystem(q)
    up = u[..., :, [i, j]]
    dv = model.gradient(q)
    m = np.conj(np.swapaxes(up, -1, -2))[..., None, :, :] @ dv @ up[..., None, :, :]
    return e, up, m


def _sign_fix(v: np.ndarray) -> np.ndarray:
    k = int(np.argmax(np.abs(v)))
    return v if v[k] >= 0 else -v


def branching_space(model: SurfaceModel, q: ArrayLike, states: tuple[int, int] = (0, 1)) -> BranchingSpace:
    """Branching-space vectors and cone parameters of states ``(i, j)`` at ``q`` (one point).

    Meaningful at (or very near) a point of the seam; ``gap`` reports how near.  Requires a
    real model (for a complex one the degeneracy has codimension 3)."""
    if not model.is_real:
        raise LzsmValueError("branching_space needs a real (symmetric) model; a complex Hermitian "
                             "degeneracy has three conditions, not two")
    i, j = model._check_states(states)
    qa = model.coordinates(q)
    if qa.ndim != 1:
        raise LzsmValueError(f"`q` must be a single point of shape ({model.n_coordinates},), got {qa.shape}")
    e, _, m = _pair_elements(model, qa, i, j)
    m = np.real(m)
    g = 0.5 * (m[:, 1, 1] - m[:, 0, 0])
    h = 0.5 * (m[:, 0, 1] + m[:, 1, 0])
    s = 0.5 * (m[:, 0, 0] + m[:, 1, 1])
    # Yarkony's rotation: the pair (g, h) transforms as a 2-vector under rotations of the
    # degenerate states; diagonalise its Gram matrix so that g . h = 0 and |g| >= |h|.
    w = np.stack([g, h])
    gram = w @ w.T
    _, vecs = np.linalg.eigh(gram)
    w = vecs[:, ::-1].T @ w
    g, h = _sign_fix(w[0]), _sign_fix(w[1])
    ng, nh = np.linalg.norm(g), np.linalg.norm(h)
    x_hat = g / ng if ng > 0 else g
    y_hat = h / nh if nh > 0 else h
    sx, sy = float(s @ x_hat), float(s @ y_hat)
    pitch = float(np.sqrt(0.5 * (ng ** 2 + nh ** 2)))
    asym = float((ng ** 2 - nh ** 2) / (ng ** 2 + nh ** 2)) if pitch > 0 else 0.0
    tilt = float(np.hypot(sx, sy) / pitch) if pitch > 0 else np.inf
    heading = float(np.arctan2(sy, sx))
    with np.errstate(divide="ignore", invalid="ignore"):
        p = float(sx ** 2 / ng ** 2 + (sy ** 2 / nh ** 2 if nh > 0 else (np.inf if sy != 0 else 0.0)))
    theta = np.linspace(0.0, 2 * np.pi, 3600, endpoint=False)
    lower = sx * np.cos(theta) + sy * np.sin(theta) - np.hypot(ng * np.cos(theta), nh * np.sin(theta))
    if np.ptp(lower) <= 1e-9 * max(pitch, 1e-300):
        n_min = 0  # circular cone, no tilt: every direction is equivalent
    else:
        n_min = int(np.sum((lower < np.roll(lower, 1)) & (lower < np.roll(lower, -1))))
    return BranchingSpace(q=qa.copy(), states=(i, j), energy=float(0.5 * (e[i] + e[j])), gap=float(e[j] - e[i]),
                          g=g, h=h, s=s, x_hat=x_hat, y_hat=y_hat, s_x=sx, s_y=sy, pitch=pitch,
                          asymmetry=asym, relative_tilt=tilt, tilt_heading=heading, peaked_sloped=p,
                          n_descent_paths=n_min)


# =========================================================================== finding intersections
def _degeneracy_step(model: SurfaceModel, q: np.ndarray, i: int, j: int):
    """Gap, minimum-norm Newton step on the two degeneracy conditions, and the constraint rows.

    In the adiabatic pair basis at q the 2x2 block is ``diag(E_i, E_j)``; to first order in a
    displacement d it stays degenerate when ``(E_j - E_i) + 2 g.d = 0`` and ``h.d = 0``."""
    e, _, m = _pair_elements(model, q, i, j)
    m = np.real(m)
    g2 = m[:, 1, 1] - m[:, 0, 0]
    h = 0.5 * (m[:, 0, 1] + m[:, 1, 0])
    gap = float(e[j] - e[i])
    a = np.stack([g2, h])
    d = np.linalg.lstsq(a, np.array([-gap, 0.0]), rcond=None)[0]
    return gap, d, a, e


def _mean_gradient(model: SurfaceModel, q: np.ndarray, i: int, j: int) -> np.ndarray:
    """Gradient of ``(E_i + E_j)/2``: half the trace of ``dV`` over the pair (well defined on the seam)."""
    _, _, m = _pair_elements(model, q, i, j)
    return 0.5 * np.real(m[..., 0, 0] + m[..., 1, 1])


@dataclass(frozen=True)
class ConicalIntersection:
    """Result of :func:`find_meci`: the point, its energy and gap, convergence and the cone."""

    q: np.ndarray
    energy: float
    gap: float
    projected_gradient: float
    iterations: int
    converged: bool
    message: str
    branching: BranchingSpace


def find_meci(model: SurfaceModel, q0: ArrayLike, states: tuple[int, int] = (0, 1), *,
              gap_tol: float = 1e-10, gradient_tol: float = 1e-8, max_iterations: int = 100,
              max_step: float = 0.5, fd_step: float = 1e-5) -> ConicalIntersection:
    """Minimum-energy conical intersection of states ``(i, j)`` starting from ``q0``.

    Minimises the mean energy ``(E_i + E_j)/2`` subject to ``E_j - E_i = 0`` (on the seam the
    mean and the upper energy coincide).  Each iteration solves the Newton–KKT system

    .. math::

        \\begin{pmatrix} B & A^T \\\\ A & 0 \\end{pmatrix}
        \\begin{pmatrix} d \\\\ \\mu \\end{pmatrix} =
        \\begin{pmatrix} -\\nabla\\bar E \\\\ (-(E_j - E_i), 0) \\end{pmatrix}, \\qquad
        A = \\begin{pmatrix} 2g \\\\ h \\end{pmatrix},

    with ``B`` the (finite-difference) Hessian of the mean energy: a Newton step onto the
    degeneracy in the branching space and a Newton step downhill in the seam space — the
    gradient projection of Bearpark, Robb & Schlegel (Chem. Phys. Lett. 223, 269 (1994)) with
    second-order steps.  Converged when ``gap < gap_tol`` and the gradient projected onto the
    seam space is below ``gradient_tol``.  If the two states do not intersect (an avoided
    crossing) the result has ``converged=False`` and its ``gap`` is the smallest gap reached."""
    i, j = model._check_states(states)
    if not model.is_real:
        raise LzsmValueError("find_meci needs a real (symmetric) model (two degeneracy conditions)")
    q = model.coordinates(q0, "q0").astype(float).copy()
    if q.ndim != 1:
        raise LzsmValueError(f"`q0` must be a single point of shape ({model.n_coordinates},), got {q.shape}")
    gap_tol = _checks.positive_scalar(gap_tol, "gap_tol")
    gradient_tol = _checks.positive_scalar(gradient_tol, "gradient_tol")
    max_step = _checks.positive_scalar(max_step, "max_step")
    f = model.n_coordinates
    converged, message, it, pg, gap = False, "maximum number of iterations reached", 0, np.inf, np.inf
    for it in range(1, max_iterations + 1):
        gap, _, a, _ = _degeneracy_step(model, q, i, j)
        grad = _mean_gradient(model, q, i, j)
        # projector onto the seam space (orthogonal complement of the branching space)
        qb, rb = np.linalg.qr(a.T)
        keep = np.abs(np.diag(rb)) > 1e-12 * max(np.abs(rb).max(), 1e-300)
        qb = qb[:, keep]
        proj = np.eye(f) - qb @ qb.T
        pg = float(np.linalg.norm(proj @ grad))
        if abs(gap) < gap_tol and pg < gradient_tol:
            converged, message = True, "converged"
            break
        hess = np.empty((f, f))
        for k in range(f):
            e = np.zeros(f)
            e[k] = fd_step
            hess[:, k] = (_mean_gradient(model, q + e, i, j) - _mean_gradient(model, q - e, i, j)) / (2 * fd_step)
        hess = 0.5 * (hess + hess.T)
        # make the reduced Hessian positive definite (minimisation along the seam)
        if qb.shape[1] < f:
            z = np.linalg.svd(np.eye(f) - qb @ qb.T)[0][:, : f - qb.shape[1]]
            red = z.T @ hess @ z
            lam_min = np.linalg.eigvalsh(red).min()
            if lam_min <= 1e-8:
                hess = hess + (abs(lam_min) + 1.0) * (z @ z.T)
        rows = a[keep] if keep.size == 2 else a
        rhs_c = np.array([-gap, 0.0])[keep] if keep.size == 2 else np.array([-gap, 0.0])
        kkt = np.block([[hess, rows.T], [rows, np.zeros((rows.shape[0], rows.shape[0]))]])
        sol = np.linalg.lstsq(kkt, np.concatenate([-grad, rhs_c]), rcond=None)[0]
        d = sol[:f]
        norm = np.linalg.norm(d)
        if norm > max_step:
            d *= max_step / norm
        q = q + d
    else:
        gap, _, _, _ = _degeneracy_step(model, q, i, j)
    e = model.energies(q)
    br = branching_space(model, q, (i, j))
    return ConicalIntersection(q=q, energy=float(0.5 * (e[i] + e[j])), gap=float(e[j] - e[i]),
                               projected_gradient=pg, iterations=it, converged=converged,
                               message=message, branching=br)


def project_to_seam(model: SurfaceModel, seeds: ArrayLike, states: tuple[int, int] = (0, 1), *,
                    gap_tol: float = 1e-11, max_iterations: int = 60, max_step: float = 1.0
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points of the seam nearest (to first order) to each seed: minimum-norm Newton steps on
    the two degeneracy conditions (the energy is not minimised).

    Returns ``(points (n, f), gaps (n,), converged (n,))``."""
    i, j = model._check_states(states)
    if not model.is_real:
        raise LzsmValueError("project_to_seam needs a real (symmetric) model")
    pts = model.coordinates(seeds, "seeds").reshape(-1, model.n_coordinates).copy()
    gaps = np.empty(len(pts))
    ok = np.zeros(len(pts), dtype=bool)
    for n, q in enumerate(pts):
        for _ in range(max_iterations):
            gap, d, _, _ = _degeneracy_step(model, q, i, j)
            if abs(gap) < gap_tol:
                ok[n] = True
                break
            nd = np.linalg.norm(d)
            q = q + (d if nd <= max_step else d * max_step / nd)
        gaps[n] = float(np.diff(model.energies(q)[[i, j]])[0])
        ok[n] = ok[n] or abs(gaps[n]) < gap_tol
        pts[n] = q
    return pts, gaps, ok


@dataclass(frozen=True)
class SeamDimension:
    """Dimension of the seam at a point, two ways.

    ``tangent``: ``f - rank(g, h)`` (the null space of the branching vectors);
    ``sampled``: the number of significant singular values of the displacements of seam points
    projected from random seeds of spread ``radius`` (an independent, numerical estimate);
    ``singular_values`` in units of ``radius sqrt(n)`` (about 1 along the seam, rounding-small
    across it)."""

    q: np.ndarray
    tangent: int
    sampled: int
    singular_values: np.ndarray
    radius: float


def seam_dimension(model: SurfaceModel, q: ArrayLike, states: tuple[int, int] = (0, 1), *,
                   radius: float = 1e-3, n_samples: int | None = None, threshold: float = 0.05,
                   seed: int = 0) -> SeamDimension:
    """Local dimension of the intersection seam at a seam point ``q`` (``f - 2`` generically)."""
    i, j = model._check_states(states)
    qa = model.coordinates(q)
    f = model.n_coordinates
    gap, _, a, _ = _degeneracy_step(model, qa, i, j)
    sv_a = np.linalg.svd(a, compute_uv=False)
    rank = int(np.sum(sv_a > 1e-8 * max(sv_a.max(), 1e-300)))
    rng = np.random.default_rng(seed)
    n = n_samples or max(4 * f, 12)
    seeds = qa + radius * rng.standard_normal((n, f))
    pts, _, ok = project_to_seam(model, seeds, (i, j))
    disp = pts[ok] - qa
    if len(disp) < f:
        raise LzsmValueError(f"too few seeds reached the seam ({len(disp)} of {n}); is q on the seam? "
                             f"(gap there {gap:.3g})")
    # a seed spread of `radius` per direction gives singular values ~ radius sqrt(n) along the seam
    sv = np.linalg.svd(disp, compute_uv=False) / (radius * np.sqrt(len(disp)))
    return SeamDimension(q=qa.copy(), tangent=f - rank, sampled=int(np.sum(sv > threshold)),
                         singular_values=sv, radius=float(radius))


def trace_seam(model: SurfaceModel, start: ArrayLike, states: tuple[int, int] = (0, 1), *,
               step: float = 0.05, n_steps: int = 100, direction: ArrayLike | None = None) -> np.ndarray:
    """Follow a one-dimensional seam (``f = 3``, or any seam whose tangent space is a line)
    from ``start``: predictor along the tangent (null space of ``g, h``), corrector by
    :func:`project_to_seam`.  Returns points ``(n_steps + 1, f)``."""
    i, j = model._check_states(states)
    f = model.n_coordinates
    q = project_to_seam(model, start, (i, j))[0][0]
    step = _checks.positive_scalar(step, "step")
    prev = None if direction is None else _checks.real_array(direction, "direction")
    out = [q]
    for _ in range(n_steps):
        _, _, a, _ = _degeneracy_step(model, q, i, j)
        _, sv, vt = np.linalg.svd(a, full_matrices=True)
        tang = vt[2:] if len(sv) == 2 else vt[1:]
        if tang.shape[0] != 1:
            raise LzsmValueError(f"trace_seam follows one-dimensional seams; here the seam has dimension "
                                 f"{tang.shape[0]} (f = {f})")
        t = tang[0]
        if prev is not None and t @ prev < 0:
            t = -t
        pts, _, ok = project_to_seam(model, q + step * t, (i, j))
        if not ok[0]:
            break
        q, prev = pts[0], t
        out.append(q)
    return np.array(out)


# =========================================================================== symmetry
@dataclass(frozen=True, eq=False)
class CoordinateSymmetry:
    """A symmetry operation: coordinates ``q -> R q`` with electronic states ``S``, such that
    ``V(R q) = S V(q) S^T``.  Geometries with ``R q = q`` form the symmetric subspace; there
    ``S`` commutes with ``V`` and labels the states (eigenvalues of S, e.g. +1 A', -1 A'')."""

    coordinate_map: ArrayLike
    state_operator: ArrayLike
    name: str = "symmetry"

    def __post_init__(self) -> None:
        r = _checks.real_array(self.coordinate_map, "coordinate_map")
        s = _checks.real_array(self.state_operator, "state_operator")
        if r.ndim != 2 or r.shape[0] != r.shape[1]:
            raise LzsmValueError(f"`coordinate_map` must be a square (f, f) matrix, got shape {r.shape}")
        if s.ndim != 2 or s.shape[0] != s.shape[1]:
            raise LzsmValueError(f"`state_operator` must be a square (N, N) matrix, got shape {s.shape}")
        for name, mat in (("coordinate_map", r), ("state_operator", s)):
            if not np.allclose(mat @ mat.T, np.eye(len(mat)), atol=1e-12):
                raise LzsmValueError(f"`{name}` must be orthogonal (a symmetry operation)")
        object.__setattr__(self, "coordinate_map", r)
        object.__setattr__(self, "state_operator", s)

    def check(self, model: SurfaceModel, n_points: int = 8, seed: int = 0) -> None:
        """Raise unless ``V(R q) = S V(q) S^T`` at random points."""
        f, n = model.n_coordinates, model.n_states
        if self.coordinate_map.shape != (f, f) or self.state_operator.shape != (n, n):
            raise LzsmValueError(f"symmetry {self.name!r} has shapes {self.coordinate_map.shape} and "
                                 f"{self.state_operator.shape}; the model needs ({f}, {f}) and ({n}, {n})")
        q = np.random.default_rng(seed).standard_normal((n_points, f))
        lhs = model.hamiltonian(q @ self.coordinate_map.T)
        rhs = self.state_operator @ model.hamiltonian(q) @ self.state_operator.T
        dev = np.abs(lhs - rhs).max()
        if dev > 1e-9 * max(np.abs(rhs).max(), 1.0):
            raise LzsmValueError(f"the model is not invariant under symmetry {self.name!r}: "
                                 f"max |V(Rq) - S V(q) S^T| = {dev:.3g}")

    def symmetric_subspace(self) -> np.ndarray:
        """Orthonormal basis ``(f, d)`` of ``{q : R q = q}``."""
        w, v = np.linalg.eig(self.coordinate_map)
        basis = np.real(v[:, np.abs(w - 1) < 1e-9])
        return np.linalg.qr(basis)[0] if basis.size else basis


@dataclass(frozen=True)
class CrossingClassification:
    """Outcome of :func:`classify_crossing`.

    ``kind`` is ``"conical intersection"`` or ``"avoided crossing"``; ``reason`` says why;
    ``labels`` are the symmetry eigenvalues of the two states (None without a symmetry);
    ``minimum_gap`` the smallest gap found and ``q`` where."""

    kind: str
    reason: str
    q: np.ndarray
    minimum_gap: float
    labels: tuple[float, float] | None
    branching_rank: int


def classify_crossing(model: SurfaceModel, q0: ArrayLike, states: tuple[int, int] = (0, 1), *,
                      symmetry: CoordinateSymmetry | None = None, gap_tol: float = 1e-8) -> CrossingClassification:
    """Conical intersection or avoided crossing of states ``(i, j)`` near ``q0``.

    Without a symmetry: search for a degeneracy (:func:`find_meci`); a conical intersection if
    the gap closes (below ``gap_tol`` times the energy scale) with a two-dimensional branching
    space, an avoided crossing otherwise.  With a symmetry (:class:`CoordinateSymmetry`), the
    gap is minimised within the symmetric subspace ``R q = q`` and the two states are labelled by
    the eigenvalues of ``S``: states of different symmetry may cross there (the crossing is a
    conical intersection when the coupling vector that breaks the symmetry is nonzero), states
    of the same symmetry avoid each other (non-crossing rule in that subspace)."""
    from scipy.optimize import minimize

    i, j = model._check_states(states)
    qa = model.coordinates(q0, "q0")
    scale = max(float(np.abs(model.hamiltonian(qa)).max()), 1e-300)
    if symmetry is None:
        res = find_meci(model, qa, (i, j), gap_tol=gap_tol * scale)
        rank = res.branching.rank
        if abs(res.gap) < gap_tol * scale and rank == 2:
            return CrossingClassification("conical intersection", "the gap closes with a two-dimensional "
                                          "branching space", res.q, abs(res.gap), None, rank)
        return CrossingClassification("avoided crossing", f"the smallest gap found is {abs(res.gap):.6g} > 0",
                                      res.q, abs(res.gap), None, rank)
    symmetry.check(model)
    basis = symmetry.symmetric_subspace()  # R q = q is linear: the subspace contains q = 0

    def gap2(z):
        e = model.energies(basis @ z)
        return (e[j] - e[i]) ** 2

    z0 = basis.T @ qa
    best = minimize(gap2, z0, method="BFGS", options={"gtol": 1e-14 * scale ** 2, "maxiter": 400})
    best = minimize(gap2, best.x, method="Nelder-Mead",
                    options={"xatol": 1e-12, "fatol": 1e-30, "maxiter": 4000})
    q = basis @ best.x
    e, u = model.eigensystem(q)
    sp = u[:, [i, j]].T @ symmetry.state_operator @ u[:, [i, j]]
    lab = np.sort(np.linalg.eigvalsh(0.5 * (sp + sp.T)))
    labels = (float(np.round(lab[0], 6)), float(np.round(lab[1], 6)))
    gmin = float(e[j] - e[i])
    rank = branching_space(model, q, (i, j)).rank
    if abs(labels[0] - labels[1]) > 1e-6:
        if gmin < gap_tol * scale and rank == 2:
            return CrossingClassification("conical intersection", f"states of different symmetry under "
                                          f"{symmetry.name!r} ({labels[0]:+g}, {labels[1]:+g}) cross in the "
                                          "symmetric subspace; the symmetry-breaking coupling opens the cone",
                                          q, gmin, labels, rank)
        return CrossingClassification("avoided crossing", f"states of different symmetry under {symmetry.name!r} "
                                      f"but their gap does not close here (minimum {gmin:.6g})", q, gmin, labels, rank)
    if gmin < gap_tol * scale:
        return CrossingClassification("conical intersection", f"accidental: states of the same symmetry under "
                                      f"{symmetry.name!r} are degenerate here", q, gmin, labels, rank)
    return CrossingClassification("avoided crossing", f"states of the same symmetry under {symmetry.name!r} "
                                  f"({labels[0]:+g}) do not cross in the symmetric subspace; minimum gap "
                                  f"{gmin:.6g}", q, gmin, labels, rank)


# =========================================================================== figures
def _new_axes(ax, projection: str | None = None):
    if ax is not None:
        return ax
    from matplotlib.figure import Figure

    fig = Figure(figsize=(5.2, 4.2), constrained_layout=True)
    return fig.add_subplot(1, 1, 1, projection=projection)


def _plane_points(model: SurfaceModel, u: np.ndarray, v: np.ndarray, plane: tuple[int, int],
                  origin: ArrayLike | None) -> np.ndarray:
    f = model.n_coordinates
    o = np.zeros(f) if origin is None else model.coordinates(origin, "origin")
    a, b = plane
    if not (0 <= a < f and 0 <= b < f and a != b):
        raise LzsmValueError(f"`plane` must be two distinct coordinate indices in [0, {f}), got {plane!r}")
    uu, vv = np.meshgrid(u, v)
    q = np.broadcast_to(o, uu.shape + (f,)).copy()
    q[..., a] = uu
    q[..., b] = vv
    return q


def plot_double_cone(model: SurfaceModel, u: ArrayLike, v: ArrayLike, ax=None, *, states: tuple[int, int] = (0, 1),
                     plane: tuple[int, int] = (0, 1), origin: ArrayLike | None = None, cmap: str = "viridis"):
    """The two adiabatic surfaces over a coordinate plane as a 3-D surface plot (the double
    cone).  ``ax`` must be a 3-D axes if given; returns it."""
    i, j = model._check_states(states)
    u = _checks.real_array(u, "u")
    v = _checks.real_array(v, "v")
    q = _plane_points(model, u, v, plane, origin)
    e = model.energies(q)
    ax = _new_axes(ax, "3d")
    uu, vv = q[..., plane[0]], q[..., plane[1]]
    ax.plot_surface(uu, vv, e[..., i], cmap=cmap, linewidth=0, antialiased=True, alpha=0.9)
    ax.plot_surface(uu, vv, e[..., j], cmap=cmap, linewidth=0, antialiased=True, alpha=0.55)
    ax.set_xlabel(f"q{plane[0] + 1}")
    ax.set_ylabel(f"q{plane[1] + 1}")
    ax.set_zlabel("energy")
    return ax


def plot_surface_contours(model: SurfaceModel, u: ArrayLike, v: ArrayLike, ax=None, *, state: int = 0,
                          quantity: str = "energy", plane: tuple[int, int] = (0, 1),
                          origin: ArrayLike | None = None, seam: ArrayLike | None = None,
                          intersections: ArrayLike | None = None, levels: int = 20):
    """Contours of adiabatic surface ``state`` (``quantity="energy"``) or of the gap to the next
    state (``"gap"``) over a coordinate plane, with seam points/curves (projected on the plane)
    and intersection markers overlaid.  Returns the axes."""
    _checks.choice(quantity, "quantity", ("energy", "gap"))
    if not 0 <= state < model.n_states - (quantity == "gap"):
        raise LzsmValueError(f"`state` must be in [0, {model.n_states - (quantity == 'gap') - 1}], got {state}")
    u = _checks.real_array(u, "u")
    v = _checks.real_array(v, "v")
    q = _plane_points(model, u, v, plane, origin)
    e = model.energies(q)
    z = e[..., state] if quantity == "energy" else e[..., state + 1] - e[..., state]
    ax = _new_axes(ax)
    cs = ax.contourf(q[..., plane[0]], q[..., plane[1]], z, levels=levels, cmap="viridis")
    ax.contour(q[..., plane[0]], q[..., plane[1]], z, levels=levels, colors="k", linewidths=0.3)
    ax.figure.colorbar(cs, ax=ax, label=("E" if quantity == "energy" else "gap") + f" (state {state})")
    if seam is not None:
        s = model.coordinates(seam, "seam").reshape(-1, model.n_coordinates)
        ax.plot(s[:, plane[0]], s[:, plane[1]], "r-" if len(s) > 1 else "r.", lw=2, label="seam")
    if intersections is not None:
        c = model.coordinates(intersections, "intersections").reshape(-1, model.n_coordinates)
        ax.plot(c[:, plane[0]], c[:, plane[1]], "r*", ms=12, mec="w", label="conical intersection")
    if seam is not None or intersections is not None:
        ax.legend(loc="upper right", fontsize=8)
    ax.set_xlabel(f"q{plane[0] + 1}")
    ax.set_ylabel(f"q{plane[1] + 1}")
    ax.set_aspect("equal")
    return ax
