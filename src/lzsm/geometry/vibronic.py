"""Vibronic levels of the E x e Jahn–Teller system: what the geometric phase does to nuclei.

The model (:class:`~lzsm.JahnTellerExE`, dimensionless normal coordinates, hbar = 1):

.. math::

    H = \\frac{\\omega}{2}\\left(-\\nabla^2 + \\rho^2\\right)\\mathbb 1
      + k\\,(q_x\\sigma_z + q_y\\sigma_x)
      + g\\,\\left[(q_x^2 - q_y^2)\\sigma_z - 2q_xq_y\\sigma_x\\right].

**Exact levels** (:func:`jahn_teller_levels`): diagonalisation in the diabatic product basis
``|n_x, n_y> (x) {|1>, |2>}`` of 2-D harmonic-oscillator states with ``n_x + n_y <= n_max``,
enlarged until the requested levels change by less than ``tol``.  For ``g = 0`` the
vibronic angular momentum ``J = L_z + sigma_y/2`` commutes with H (Longuet-Higgins, Öpik,
Pryce & Sack, Proc. R. Soc. A 244, 1 (1958)); its eigenvalues ``j = +/-1/2, +/-3/2, ...`` are
half-integers and every level is a ``+/-j`` doublet — the pseudo-rotation quantum number.

**Single-surface levels** (:func:`single_surface_levels`): the nuclei on the lower adiabatic
surface ``V_-(rho) = omega rho^2/2 - k rho`` only (``g = 0``).  The adiabatic electronic
state changes sign around the intersection, so the single-valued total wavefunction needs a
nuclear factor that changes sign too: ``psi(phi + 2 pi) = -psi(phi)``, i.e. ``psi ~ e^{i j phi}``
with half-integer ``j`` (Longuet-Higgins et al. 1958; Mead & Truhlar, J. Chem. Phys. 70, 2284
(1979)).  Without that boundary condition ``m`` is an integer and the ground level a
non-degenerate ``m = 0`` state, which the exact spectrum does not have.  Each ``m`` gives a
radial problem

.. math::  \\left[\\frac{\\omega}{2}\\left(-\\frac{d^2}{d\\rho^2} - \\frac1\\rho \\frac{d}{d\\rho}
           + \\frac{\\nu^2}{\\rho^2} + \\rho^2\\right) - k\\rho\\right] R = E R,

with ``nu = |m|``, or ``nu = sqrt(m^2 + 1/4)`` when the diagonal Born–Oppenheimer correction
``omega/(8 rho^2)`` (from the coupling ``<phi_-|d phi_+/d phi> = 1/2``) is kept; it is solved in
the basis of 2-D oscillator radial functions ``rho^nu L_n^(nu)(rho^2) e^{-rho^2/2}`` (exact for
non-integer nu), where the oscillator part is diagonal, ``omega(2n + nu + 1)``, and the
``-k rho`` matrix is exact by Gauss–Laguerre quadrature with weight ``t^(nu + 1/2) e^{-t}``.
In the strong-coupling limit ``E ~ -k^2/(2 omega) + omega (v + 1/2) + omega^3 j^2/(2 k^2)``
(pseudo-rotation about the moat of radius ``k/omega``).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lzsm import _checks
from lzsm.errors import LzsmConvergenceError, LzsmConvergenceWarning, LzsmValueError
from lzsm.models.surfaces import JahnTellerExE
from lzsm.results import Result, Status

#: The most oscillator shells of the E x e vibronic basis (``n_max``; dimension ~ n_max^2).
MAX_SHELLS = 1000


def _deprecated_change(result: Result) -> float:
    name = type(result).__name__
    warnings.warn(
        f"{name}.change is deprecated since lzsm 0.2; use {name}.error_estimate", DeprecationWarning, stacklevel=3
    )
    return float(result.error_estimate)


# =========================================================================== exact (two states)
def _product_basis(n_max: int) -> tuple[np.ndarray, np.ndarray, dict[tuple[int, int], int]]:
    quanta = [(a, n - a) for n in range(n_max + 1) for a in range(n + 1)]
    nx, ny = np.array([q[0] for q in quanta]), np.array([q[1] for q in quanta])
    return nx, ny, {(a, b): i for i, (a, b) in enumerate(zip(nx, ny))}


def _ladder(n_max: int):
    """Sparse a_x, a_y on the shells n_x + n_y <= n_max."""
    from scipy import sparse

    nx, ny, index = _product_basis(n_max)
    dim = nx.size
    ops = []
    for axis in (0, 1):
        rows, cols, vals = [], [], []
        for i, (a, b) in enumerate(zip(nx, ny)):
            n = (a, b)[axis]
            if n > 0:
                target = (a - 1, b) if axis == 0 else (a, b - 1)
                rows.append(index[target])
                cols.append(i)
                vals.append(np.sqrt(n))
        ops.append(sparse.csr_matrix((vals, (rows, cols)), shape=(dim, dim)))
    return ops[0], ops[1], nx, ny


def jahn_teller_hamiltonian(model: JahnTellerExE, n_max: int):
    """Sparse vibronic Hamiltonian in the diabatic product basis (shells ``n_x + n_y <= n_max``),
    and ``J = L_z + sigma_y/2``.  Index ``2 * (oscillator index) + (electronic index)``.

    Quadratic terms are the truncation of the exact operator (built on two more shells)."""
    from scipy import sparse

    _checks.instance(model, "model", JahnTellerExE, "an lzsm.JahnTellerExE")
    n_max = _checks.integer(n_max, "n_max", low=1, high=MAX_SHELLS)
    ax, ay, nx, ny = _ladder(n_max + 2)
    dim = int((n_max + 1) * (n_max + 2) // 2)
    qx = (ax + ax.T) / np.sqrt(2.0)
    qy = (ay + ay.T) / np.sqrt(2.0)
    lz = 1j * (ax @ ay.T - ax.T @ ay)
    cut = slice(0, dim)
    qxx = (qx @ qx)[cut, cut]
    qyy = (qy @ qy)[cut, cut]
    qxy = (qx @ qy)[cut, cut]
    qx, qy, lz = qx[cut, cut], qy[cut, cut], lz[cut, cut]
    h0 = sparse.diags(model.omega * (nx[:dim] + ny[:dim] + 1.0))
    sz = sparse.csr_matrix(np.diag([1.0, -1.0]))
    sx = sparse.csr_matrix(np.array([[0.0, 1.0], [1.0, 0.0]]))
    sy = sparse.csr_matrix(np.array([[0.0, -1j], [1j, 0.0]]))
    eye2 = sparse.identity(2)
    h = (
        sparse.kron(h0, eye2)
        + model.k * (sparse.kron(qx, sz) + sparse.kron(qy, sx))
        + model.g * (sparse.kron(qxx - qyy, sz) - 2.0 * sparse.kron(qxy, sx))
    )
    j = sparse.kron(lz, eye2) + 0.5 * sparse.kron(sparse.identity(dim), sy)
    return h.tocsc().real, j.tocsc()


@dataclass(frozen=True, eq=False, repr=False)
class VibronicLevels(Result):
    """Result of :func:`jahn_teller_levels`: exact vibronic levels (ascending, each degenerate
    level repeated).

    ``j`` the pseudo-rotation quantum number of each level (signed; NaN when ``g != 0``, where
    J is not conserved); ``n_max`` the basis size used (shells); ``history`` the levels for every
    basis size tried; ``error_estimate`` the largest change at the last enlargement, or the
    rounding of the eigenvalues (``16 eps ||H||``) if larger (inf when only one basis was
    used); ``status`` ``OK`` when it is below ``tol``."""

    energies: np.ndarray
    j: np.ndarray
    n_max: int
    tol: float
    history: tuple[tuple[int, np.ndarray], ...]
    parameters: dict[str, float] = field(default_factory=dict)

    kind = "E x e vibronic levels"

    @property
    def converged(self) -> bool:
        """True when no level moved by ``tol`` or more at the last enlargement of the basis."""
        return bool(int(self.status) == Status.OK)

    @property
    def change(self) -> float:
        """Deprecated name of ``error_estimate``."""
        return _deprecated_change(self)

    def _coords(self) -> dict[str, Any]:
        return {"level": np.arange(self.energies.size), "n_max": np.array([h[0] for h in self.history])}

    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        return {
            "energy": (["level"], self.energies),
            "j": (["level"], self.j),
            "energy_vs_basis": (["n_max", "level"], np.array([h[1] for h in self.history])),
        }

    def _attrs(self) -> dict[str, Any]:
        return {"tol": self.tol, "basis_n_max": self.n_max, **self.parameters}

    def to_xarray(self) -> Any:
        """Energies and j over ``level``, the levels for every basis size over ``(n_max, level)``."""
        ds = super().to_xarray()
        ds["energy"].attrs.update(units="hbar omega (omega = 1)", long_name="exact vibronic energy")
        ds["error_estimate"].attrs["long_name"] = "largest change of a level at the last basis enlargement"
        return ds

    def _summary(self) -> list[str]:
        return [
            ", ".join(f"{k} = {v:g}" for k, v in self.parameters.items()),
            f"{self.energies.size} levels",
            f"n_max {self.n_max}",
        ]


def _lowest(h, n_levels: int, sigma: float):
    from scipy.sparse.linalg import eigsh

    if h.shape[0] <= 400:
        e, v = np.linalg.eigh(h.toarray())
        return e[:n_levels], v[:, :n_levels]
    e, v = eigsh(h, k=n_levels, sigma=sigma, which="LM")
    order = np.argsort(e)
    return e[order], v[:, order]


def _j_labels(e: np.ndarray, v: np.ndarray, jop, tol: float) -> np.ndarray:
    """Diagonalise J inside each cluster of degenerate levels."""
    out = np.empty(e.size)
    start = 0
    while start < e.size:
        stop = start + 1
        while stop < e.size and abs(e[stop] - e[start]) < tol:
            stop += 1
        block = v[:, start:stop]
        jb = np.conj(block.T) @ (jop @ block)
        out[start:stop] = np.linalg.eigvalsh(0.5 * (jb + np.conj(jb.T)))
        start = stop
    return out


def jahn_teller_levels(
    k: float,
    omega: float = 1.0,
    g: float = 0.0,
    *,
    n_levels: int = 8,
    n_max: int | None = None,
    tol: float = 1e-9,
    n_start: int = 10,
    n_step: int = 10,
    n_limit: int = 160,
) -> VibronicLevels:
    """Exact lowest ``n_levels`` vibronic levels of the E x e Jahn–Teller model.

    With ``n_max=None`` the basis (shells ``n_x + n_y <= n_max``) starts at ``n_start`` and grows
    by ``n_step`` until no level moves by more than ``tol`` (error if ``n_limit`` is reached);
    with an explicit ``n_max`` that basis alone is used (``error_estimate`` then compares it with
    ``n_max - n_step`` when that basis is large enough, else it is inf).  Pseudo-rotation
    quantum numbers ``j`` come from diagonalising ``J = L_z + sigma_y/2`` within each
    degenerate cluster (g = 0 only).  Reaching ``n_limit`` unconverged is an
    :class:`~lzsm.errors.LzsmConvergenceError`; an explicit ``n_max`` whose levels still move
    by ``tol`` gives status ``NOT_CONVERGED`` and an :class:`~lzsm.errors.LzsmConvergenceWarning`.

    Examples
    --------
    >>> import lzsm
    >>> levels = lzsm.jahn_teller_levels(k=1.0, n_levels=2)
    >>> levels.energies.round(6)  # the ground doublet
    array([0.233031, 0.233031])
    >>> levels.j  # half-integer pseudo-rotation quantum numbers: the geometric phase
    array([-0.5,  0.5])
    """
    model = JahnTellerExE(k=k, omega=omega, g=g)
    n_levels = _checks.integer(n_levels, "n_levels", low=1)
    tol = _checks.tolerance(tol, "tol", scale=float(np.max(np.abs(model.omega))), scale_name="omega", high=None)
    n_step = _checks.integer(n_step, "n_step", low=1)
    n_limit = _checks.integer(n_limit, "n_limit", low=2, high=MAX_SHELLS)
    # below every level: the minimum of the lower surface
    rr = np.linspace(0.0, 4.0 * (model.k + 1.0) / model.omega, 400)
    pp = np.linspace(0.0, 2 * np.pi, 96)
    grid = np.stack(np.meshgrid(rr, pp), -1)
    grid = np.stack([grid[..., 0] * np.cos(grid[..., 1]), grid[..., 0] * np.sin(grid[..., 1])], -1)
    if model.g != 0 and 2 * abs(model.g) >= model.omega:
        raise LzsmValueError(f"`g` must satisfy 2|g| < omega (= {model.omega}) for bound levels, got {model.g}")
    sigma = float(model.energies(grid)[..., 0].min()) - 1.0
    sizes = [_checks.integer(n_max, "n_max", low=2, high=MAX_SHELLS)] if n_max is not None else []
    if n_max is not None:
        smaller = sizes[0] - n_step
        if (smaller + 1) * (smaller + 2) >= n_levels + 2 and smaller >= 1:
            sizes = [smaller, sizes[0]]
    history: list[tuple[int, np.ndarray]] = []
    n = sizes[0] if sizes else _checks.integer(n_start, "n_start", low=2, high=MAX_SHELLS)
    change, vecs, jop = np.inf, None, None
    while True:
        h, jop = jahn_teller_hamiltonian(model, n)
        if h.shape[0] < n_levels + 2:
            raise LzsmValueError(f"`n_max` = {n} gives only {h.shape[0]} basis states for {n_levels} levels")
        e, vecs = _lowest(h, n_levels, sigma)
        if history:  # no level moved by more than this, nor can rounding resolve less
            change = max(float(np.max(np.abs(e - history[-1][1]))), _rounding(e, float(abs(h).sum(axis=0).max())))
        history.append((n, e))
        if n_max is not None:
            if n == sizes[-1]:
                break
            n = sizes[-1]
            continue
        if change < tol:
            break
        if n + n_step > n_limit:
            raise LzsmConvergenceError(
                f"the exact levels did not converge to {tol:g} within n_max = {n_limit} "
                f"(last change {change:.3g}); raise `n_limit` or `tol`"
            )
        n += n_step
    e = history[-1][1]
    j = _j_labels(e, vecs, jop, 1e-6 * max(1.0, model.omega)) if model.g == 0 else np.full(e.size, np.nan)
    if change < tol:
        status = Status.OK
    elif np.isfinite(change):
        status = Status.NOT_CONVERGED
        warnings.warn(
            f"jahn_teller_levels: with n_max = {history[-1][0]} the levels still move by {change:.3g} "
            f"(tol {tol:g}); see VibronicLevels.status",
            LzsmConvergenceWarning,
            stacklevel=2,
        )
    else:
        status = Status.NOT_CHECKED  # one basis size only: nothing to compare with
    return VibronicLevels(
        e,
        j,
        history[-1][0],
        tol,
        tuple(history),
        {"k": model.k, "omega": model.omega, "g": model.g},
        status=status,
        error_estimate=change,
        method="product basis",
    )


# =========================================================================== single surface
#: Largest radial basis: beyond ~350 functions the Laguerre recurrence overflows at the outer
#: quadrature nodes (measured: fine at 340 for nu <= 20, overflow at 360).
MAX_RADIAL_BASIS = 300


def _rounding(energies: np.ndarray, scale: float | None = None) -> float:
    """What the eigenvalues' rounding can hide: ``16 eps`` times the spectral scale (the largest
    |level|, or ``scale``; a backward-stable symmetric eigensolver errs by ~eps ||H||)."""
    size = float(np.max(np.abs(energies))) if scale is None else scale
    return 16.0 * float(np.finfo(float).eps) * max(size, 1.0)


def _radial_basis(nu: float, n_basis: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Quadrature nodes t_i, weights w_i (weight t^(nu+1/2) e^-t) and normalised generalised
    Laguerre polynomials p_n(t_i) (orthonormal with weight t^nu e^-t)."""
    from scipy.special import gammaln, roots_genlaguerre

    t, w = roots_genlaguerre(n_basis + 1, nu + 0.5)
    p = np.empty((n_basis, t.size))
    p[0] = np.exp(-0.5 * gammaln(nu + 1.0))
    if n_basis > 1:
        p[1] = (1.0 + nu - t) * p[0] / np.sqrt(1.0 + nu)
    for n in range(1, n_basis - 1):
        p[n + 1] = ((2 * n + 1 + nu - t) * p[n] - np.sqrt(n * (n + nu)) * p[n - 1]) / np.sqrt((n + 1) * (n + 1 + nu))
    return t, w, p


def radial_levels(k: float, omega: float, nu: float, n_basis: int = 60) -> np.ndarray:
    """Eigenvalues of ``(omega/2)(-d^2/drho^2 - (1/rho)d/drho + nu^2/rho^2 + rho^2) - k rho`` for
    real ``nu >= 0``, in the 2-D oscillator radial basis of angular number ``nu`` (ascending)."""
    k = _checks.real_scalar(k, "k")
    omega = _checks.positive_scalar(omega, "omega")
    nu = _checks.real_scalar(nu, "nu", nonnegative=True)
    n_basis = _checks.integer(n_basis, "n_basis", low=2, high=MAX_RADIAL_BASIS)
    _t, w, p = _radial_basis(nu, n_basis)
    rho_mat = (p * w) @ p.T  # <n| rho |n'> = int t^(nu+1/2) e^-t p_n p_n' dt
    n = np.arange(n_basis)
    h = np.diag(omega * (2 * n + nu + 1.0)) - k * rho_mat
    return np.linalg.eigvalsh(h)


@dataclass(frozen=True, eq=False, repr=False)
class SingleSurfaceLevels(Result):
    """Result of :func:`single_surface_levels`: levels of the nuclei on the lower adiabatic
    surface alone (ascending, each ``+/-m`` doublet repeated): ``m`` the angular quantum number
    (half-integer with the geometric phase), ``v`` the radial quantum number;
    ``error_estimate`` the largest level shift between ``n_basis`` and ``n_basis // 2`` radial
    functions, or the rounding of the eigenvalues if larger (``_rounding``; reported, not
    checked against a tolerance: status ``NOT_CHECKED``).  The levels converge only
    algebraically in the basis size (the radial functions near rho = 0 need many oscillator
    functions), so the shift from a basis half as large bounds the error where a few more
    functions would not: an error ~ n^-p leaves ``(2^p - 1)`` times the remaining error
    between n/2 and n."""

    energies: np.ndarray
    m: np.ndarray
    v: np.ndarray
    geometric_phase: bool
    diagonal_correction: bool
    n_basis: int

    kind = "single-surface levels"

    @property
    def change(self) -> float:
        """Deprecated name of ``error_estimate``."""
        return _deprecated_change(self)

    def _coords(self) -> dict[str, Any]:
        return {"level": np.arange(self.energies.size)}

    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        return {"energy": (["level"], self.energies), "m": (["level"], self.m), "v": (["level"], self.v)}

    def _attrs(self) -> dict[str, Any]:
        return {
            "geometric_phase": self.geometric_phase,
            "diagonal_correction": self.diagonal_correction,
            "n_basis": self.n_basis,
        }

    def to_xarray(self) -> Any:
        """Energies, m and v over ``level``."""
        ds = super().to_xarray()
        ds["energy"].attrs.update(units="hbar omega (omega = 1)", long_name="single-surface vibronic energy")
        ds["error_estimate"].attrs["long_name"] = "largest level shift from n_basis // 2 to n_basis radial functions"
        return ds

    def _summary(self) -> list[str]:
        return [
            f"{self.energies.size} levels",
            ("with" if self.geometric_phase else "without") + " the geometric phase",
        ]


def single_surface_levels(
    k: float,
    omega: float = 1.0,
    *,
    geometric_phase: bool = True,
    diagonal_correction: bool = False,
    n_levels: int = 8,
    n_basis: int = 80,
) -> SingleSurfaceLevels:
    """Lowest ``n_levels`` levels on the lower adiabatic surface of the linear E x e model,
    with (``psi(phi + 2 pi) = -psi(phi)``, half-integer m) or without (integer m) the
    geometric-phase boundary condition; optionally with the diagonal Born–Oppenheimer
    correction ``omega/(8 rho^2)``.  ``m = 0`` without the correction is solved with ``nu = 0``
    (the regular 2-D solution)."""
    k = _checks.real_scalar(k, "k", nonnegative=True)
    omega = _checks.positive_scalar(omega, "omega")
    n_levels = _checks.integer(n_levels, "n_levels", low=1)
    n_basis = _checks.integer(n_basis, "n_basis", low=12, high=MAX_RADIAL_BASIS)
    if not isinstance(geometric_phase, bool) or not isinstance(diagonal_correction, bool):
        raise LzsmValueError("`geometric_phase` and `diagonal_correction` must be True or False")
    offset = 0.5 if geometric_phase else 0.0
    found: list[tuple[float, float, int]] = []
    change = 0.0
    m = offset
    while True:
        nu = np.sqrt(m * m + 0.25) if diagonal_correction else m
        e = radial_levels(k, omega, nu, n_basis)
        e_small = radial_levels(k, omega, nu, n_basis // 2)
        keep = min(n_levels, n_basis - 10)
        checked = min(keep, n_basis // 2)
        change = max(change, float(np.max(np.abs(e[:checked] - e_small[:checked]))), _rounding(e))
        mult = 1 if m == 0 else 2
        for v, en in enumerate(e[:keep]):
            for sign in (1,) if mult == 1 else (1, -1):
                found.append((float(en), sign * m, v))
        found.sort()
        if len(found) >= n_levels and e[0] > found[n_levels - 1][0]:
            break
        m += 1.0
    found = found[:n_levels]
    return SingleSurfaceLevels(
        np.array([f[0] for f in found]),
        np.array([f[1] for f in found]),
        np.array([f[2] for f in found]),
        geometric_phase,
        diagonal_correction,
        n_basis,
        status=Status.NOT_CHECKED,
        error_estimate=change,
        method="oscillator radial basis",
    )


# =========================================================================== comparison and figure
_COMPARISON_VARIABLES = (
    "exact",
    "j_exact",
    "with_geometric_phase",
    "m_with_geometric_phase",
    "without_geometric_phase",
    "m_without_geometric_phase",
)


@dataclass(frozen=True, eq=False, repr=False)
class GeometricPhaseComparison(Result):
    """Result of :func:`geometric_phase_comparison`: the exact levels (``exact_levels``) beside the
    single-surface levels with and without the geometric phase (``with_gp``, ``without_gp``).

    ``to_xarray()`` is the dataset over ``level`` (variables ``exact``, ``j_exact``,
    ``with_geometric_phase``, ``m_with_geometric_phase``, ``without_geometric_phase``,
    ``m_without_geometric_phase``) whose attributes :attr:`attrs` gives the largest and mean
    absolute deviations of each single-surface calculation from the exact levels
    (``max_error_with_geometric_phase``...)."""

    exact_levels: VibronicLevels
    with_gp: SingleSurfaceLevels
    without_gp: SingleSurfaceLevels
    k: float
    omega: float
    diagonal_correction: bool

    kind = "E x e levels with and without the geometric phase"

    def _errors(self) -> dict[str, float]:
        out = {}
        for name, lev in (("with_geometric_phase", self.with_gp), ("without_geometric_phase", self.without_gp)):
            dev = np.abs(lev.energies - self.exact_levels.energies)
            out[f"max_error_{name}"] = float(dev.max())
            out[f"mean_error_{name}"] = float(dev.mean())
        return out

    @property
    def max_error_with_geometric_phase(self) -> float:
        """Largest ``|E_single - E_exact|`` over the levels, with the geometric phase."""
        return self._errors()["max_error_with_geometric_phase"]

    @property
    def max_error_without_geometric_phase(self) -> float:
        """Largest ``|E_single - E_exact|`` over the levels, without the geometric phase."""
        return self._errors()["max_error_without_geometric_phase"]

    @property
    def attrs(self) -> dict[str, Any]:
        """The attributes of :meth:`~lzsm.results.Result.to_xarray` (deviations, parameters), as in lzsm 0.1."""
        return dict(self.to_xarray().attrs)

    def _coords(self) -> dict[str, Any]:
        return {"level": np.arange(self.exact_levels.energies.size)}

    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        values = (
            self.exact_levels.energies,
            self.exact_levels.j,
            self.with_gp.energies,
            self.with_gp.m,
            self.without_gp.energies,
            self.without_gp.m,
        )
        return {name: (["level"], v) for name, v in zip(_COMPARISON_VARIABLES, values)}

    def _attrs(self) -> dict[str, Any]:
        return {
            **self._errors(),
            "k": self.k,
            "omega": self.omega,
            "diagonal_correction": int(self.diagonal_correction),
            "exact_n_max": self.exact_levels.n_max,
            "units": "hbar omega",
        }

    def _summary(self) -> list[str]:
        err = self._errors()
        errors = (
            f"max error {err['max_error_with_geometric_phase']:.3g} with the geometric phase, "
            f"{err['max_error_without_geometric_phase']:.3g} without"
        )
        return [f"k = {self.k:g}", f"{self.exact_levels.energies.size} levels", errors]

    def __getitem__(self, name: str) -> Any:
        """lzsm 0.1 returned the ``xarray.Dataset``: ``result["exact"]`` still works, deprecated."""
        warnings.warn(
            "geometric_phase_comparison returns a GeometricPhaseComparison since lzsm 0.2; item access "
            "is deprecated: use .to_xarray()[...] (or .exact_levels, .with_gp, .without_gp)",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.to_xarray()[name]


def geometric_phase_comparison(
    k: float, omega: float = 1.0, *, n_levels: int = 8, diagonal_correction: bool = False, tol: float = 1e-9
) -> GeometricPhaseComparison:
    """Exact levels (:func:`jahn_teller_levels`) beside the single-surface levels
    (:func:`single_surface_levels`) with and without the geometric phase: a
    :class:`GeometricPhaseComparison` whose dataset is over ``level`` and whose attributes give
    the largest and mean absolute deviations of each single-surface calculation from the exact
    levels (level by level, both sorted)."""
    exact = jahn_teller_levels(k, omega, n_levels=n_levels, tol=tol)
    gp = single_surface_levels(
        k, omega, geometric_phase=True, diagonal_correction=diagonal_correction, n_levels=n_levels
    )
    nogp = single_surface_levels(
        k, omega, geometric_phase=False, diagonal_correction=diagonal_correction, n_levels=n_levels
    )
    return GeometricPhaseComparison(
        exact,
        gp,
        nogp,
        float(k),
        float(omega),
        bool(diagonal_correction),
        status=exact.status,
        method="exact vs single surface",
    )


# =========================================================================== encircling wavepacket
@dataclass(frozen=True, eq=False, repr=False)
class EncirclingWavepacket(Result):
    """Result of :func:`encircling_wavepacket`: a wavepacket that splits around the conical
    intersection and meets itself on the far side.

    ``density_exact`` is the total nuclear density of the two-state (diabatic, exact) propagation,
    ``density_without_gp`` that of a propagation on the lower adiabatic surface alone (a single
    scalar surface on a Cartesian grid: no geometric phase); both ``(n_saved, nx, ny)``.
    ``angular_*`` are the densities integrated across the moat, ``int rho drho`` over
    ``|rho - rho_0| < 1.5``, at ``n_bins`` polar angles ``phi`` (one of them ``phi = 0``, the far
    side); ``node_ratio_*`` the value at ``phi = 0`` over the largest one with ``|phi| < pi/2``:
    near 0 when the halves interfere destructively (geometric phase pi), of order 1 when they
    add up.  Fixed steps, no error control: status ``NOT_CHECKED`` (the test compares two grids)."""

    x: np.ndarray
    y: np.ndarray
    times: np.ndarray
    density_exact: np.ndarray
    density_without_gp: np.ndarray
    phi: np.ndarray
    angular_exact: np.ndarray
    angular_without_gp: np.ndarray
    node_ratio_exact: np.ndarray
    node_ratio_without_gp: np.ndarray
    upper_population: np.ndarray
    parameters: dict[str, float]

    kind = "encircling wavepacket"

    def _coords(self) -> dict[str, Any]:
        return {"t": self.times, "x": self.x, "y": self.y, "phi": self.phi}

    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        return {
            "density_exact": (["t", "x", "y"], self.density_exact),
            "density_without_gp": (["t", "x", "y"], self.density_without_gp),
            "angular_exact": (["t", "phi"], self.angular_exact),
            "angular_without_gp": (["t", "phi"], self.angular_without_gp),
            "node_ratio_exact": (["t"], self.node_ratio_exact),
            "node_ratio_without_gp": (["t"], self.node_ratio_without_gp),
            "upper_population": (["t"], self.upper_population),
        }

    def _attrs(self) -> dict[str, Any]:
        return dict(self.parameters)

    def _summary(self) -> list[str]:
        return [
            f"k = {self.parameters['k']:g}",
            f"{self.x.size} x {self.y.size} grid",
            f"t: {self.times.size} saved times",
            f"node ratio {self.node_ratio_exact[-1]:.2g} exact vs {self.node_ratio_without_gp[-1]:.2g} without GP",
        ]


def encircling_wavepacket(
    k: float = 4.0,
    omega: float = 1.0,
    *,
    width: float = 0.6,
    t_final: float = 12.0,
    dt: float = 0.02,
    n_grid: int = 128,
    n_saved: int = 7,
    n_bins: int = 71,
    margin: float = 6.5,
) -> EncirclingWavepacket:
    """Launch a Gaussian (standard deviation ``width``) at rest at ``(-k/omega, 0)`` in the moat
    of the linear E x e model, on the lower adiabatic state, and let it spread around the
    intersection: exact two-state propagation beside the lower surface alone.

    Propagation: :func:`lzsm.propagate` (split operator, FFT) with mass
    ``1/omega`` (the kinetic energy ``-(omega/2) nabla^2`` of dimensionless normal coordinates),
    on ``n_grid^2`` points over ``[-L, L)^2``, ``L = k/omega + margin`` (the box edge, where the
    potential is not periodic, perturbs the density by ~1e-3 relative for ``margin = 5`` and
    ~1e-5 for 6.5).  The two halves meet at
    ``phi = 0``; with the geometric phase they arrive with opposite signs and leave a node there
    (Longuet-Higgins 1975; in wavepacket form e.g. Schön & Köppel, J. Chem. Phys. 103, 9292
    (1995), citation not verified); without it they add up."""
    from lzsm.molecules.wavepackets import Grid, gaussian_wavepacket, propagate

    k = float(_checks.positive_scalar(k, "k"))
    omega = _checks.positive_scalar(omega, "omega")
    width = _checks.positive_scalar(width, "width")
    margin = _checks.positive_scalar(margin, "margin")
    t_final = _checks.positive_scalar(t_final, "t_final")
    dt = _checks.positive_scalar(dt, "dt")
    n_grid = _checks.integer(n_grid, "n_grid", low=16)
    n_saved = _checks.integer(n_saved, "n_saved", low=1)
    n_bins = _checks.integer(n_bins, "n_bins", low=8)
    if n_bins % 2 == 0:
        raise LzsmValueError(f"`n_bins` must be odd (one bin centred on phi = 0), got {n_bins}")
    rho0 = k / omega
    if rho0 < 4 * width:
        raise LzsmValueError(
            f"the moat radius k/omega = {rho0:g} must exceed 4 x width = {4 * width:g}: "
            "the wavepacket must not overlap the intersection"
        )
    model = JahnTellerExE(k=k, omega=omega)
    half = rho0 + margin
    grid = Grid.uniform([(-half, half), (-half, half)], (n_grid, n_grid))
    xx, yy = grid.meshes()
    v = model.potential(np.stack([xx, yy], -1))
    e, u = np.linalg.eigh(v)
    lower = u[..., :, 0]
    i0 = int(np.argmin(np.abs(grid.axes[0] + rho0)))
    j0 = int(np.argmin(np.abs(grid.axes[1])))
    lower = lower * np.sign(np.sum(lower * lower[i0, j0], -1))[..., None]  # smooth near the start
    psi0 = gaussian_wavepacket(grid, (-rho0, 0.0), (0.0, 0.0), (width, width), lower)
    chi0 = gaussian_wavepacket(grid, (-rho0, 0.0), (0.0, 0.0), (width, width), [1.0])
    n_steps = round(t_final / dt)
    every = max(1, n_steps // n_saved)
    exact = propagate(v, grid, psi0, 1.0 / omega, dt, n_steps, save_every=every)
    single = propagate(e[..., :1, None], grid, chi0, 1.0 / omega, dt, n_steps, save_every=every)
    d_ex = np.sum(np.abs(exact.psi) ** 2, axis=-1)
    d_ng = np.abs(single.psi[..., 0]) ** 2
    # angular profile in the moat: density interpolated (cubic) onto a polar grid, int rho drho
    centres = np.linspace(-np.pi, np.pi, n_bins, endpoint=False) + np.pi / n_bins
    centres = centres - centres[n_bins // 2]  # a point exactly at phi = 0
    rr = np.linspace(rho0 - 1.5, rho0 + 1.5, 61)
    pr, pp = np.meshgrid(rr, centres, indexing="ij")
    pts = np.stack([pr * np.cos(pp), pr * np.sin(pp)], -1)

    def profile(d):
        from scipy.interpolate import RegularGridInterpolator

        out = []
        for di in d:
            f = RegularGridInterpolator(grid.axes, di, method="cubic")
            out.append(np.trapezoid(f(pts) * pr, rr, axis=0))
        return np.array(out)

    a_ex, a_ng = profile(d_ex), profile(d_ng)
    far = np.abs(centres) < np.pi / 2
    mid = n_bins // 2

    def ratio(a):
        top = a[:, far].max(axis=1)
        return np.where(top > 0, a[:, mid] / np.where(top > 0, top, 1.0), np.nan)

    return EncirclingWavepacket(
        grid.axes[0],
        grid.axes[1],
        exact.times,
        d_ex,
        d_ng,
        centres,
        a_ex,
        a_ng,
        ratio(a_ex),
        ratio(a_ng),
        exact.adiabatic_populations[:, 1],
        {"k": k, "omega": omega, "width": width, "dt": dt, "n_grid": n_grid},
        status=Status.NOT_CHECKED,
        method="split-operator",
    )
