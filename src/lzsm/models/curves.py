"""Potential-energy curves of molecules in the diabatic representation (one nuclear coordinate).

A curve model is an lzsm :class:`~lzsm.models.Model` along the nuclear coordinate ``x``:
``hamiltonian(x)`` is the diabatic potential matrix ``V(x)`` (N x N, real symmetric) and
``hamiltonian_derivative(x)`` its gradient ``dV/dx``, both vectorised over x, so every
adiabatic quantity of :mod:`lzsm.models.adiabatic` (adiabatic curves, states, non-adiabatic couplings
``d_ij(x)``) applies unchanged.  Units: atomic units unless the model says otherwise (hbar = 1).
Like ``hbar``, the nuclear ``mass`` is on the model (electron masses; default 2000, the mass of
Tully's models): wavepacket and stationary scattering, surface hopping and the semiclassical
crossing formulas take both from there.

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
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from lzsm import _checks
from lzsm.errors import LzsmTypeError, LzsmValueError
from lzsm.models.base import Model

#: Nuclear mass of Tully's models (electron masses), the default ``mass`` of every curve model.
DEFAULT_MASS = 2000.0


class Curves(Model):
    """Base of one-coordinate diabatic curve models (a single parameter point).

    Subclasses define :meth:`potential` and :meth:`gradient` (vectorised over x, returning
    ``(*x.shape, N, N)`` real symmetric arrays).  ``mass`` is the nuclear (reduced) mass moving
    along x and ``hbar`` Planck's constant, both in the model's units (atomic units: electron
    masses, hbar = 1)."""

    coordinate = "x"
    mass: float = DEFAULT_MASS

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

    def point(self, index: tuple[int, ...]) -> Curves:
        return self

    def _check_constants(self) -> None:
        """``mass`` and ``hbar`` are positive numbers."""
        _checks.positive_scalar(self.mass, "mass")
        _checks.positive_scalar(self.hbar, "hbar")

    @property
    def interaction_range(self) -> tuple[float, float] | None:
        """``(x_left, x_right)`` outside which the potential matrix is constant to within
        ``1e-10`` (hartree for the atomic-unit models), or None when not known in closed form
        (scattering calculations then find it by scanning, see
        :func:`lzsm.molecules.stationary.asymptotic_range`)."""
        return None


#: Potential changes below this (hartree) count as asymptotic in ``interaction_range``.
RANGE_TOLERANCE = 1e-10


def _decay_length(amplitude: float, rate: float, power: int, tol: float = RANGE_TOLERANCE) -> float:
    """|x| beyond which ``amplitude * exp(-rate |x|**power)`` is below ``tol``."""
    amplitude, rate = abs(float(amplitude)), abs(float(rate))
    if amplitude <= tol or rate == 0.0:
        return 0.0
    return float((np.log(amplitude / tol) / rate) ** (1.0 / power))


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
    """Tully's simple avoided crossing (model 1, J. Chem. Phys. 93, 1061 (1990)), atomic units.

    Examples
    --------
    >>> import lzsm
    >>> model = lzsm.TullySimple()  # A = 0.01, B = 1.6, C = 0.005, D = 1, mass 2000
    >>> lzsm.adiabatic_energies(model, 0.0)  # gap 2 C at the crossing x = 0
    array([-0.005,  0.005])
    >>> lzsm.stationary_scattering(model, k=20.0).transmission.round(4)  # lower, upper
    array([[0.5068, 0.4932]])
    """

    A: float = 0.01
    B: float = 1.6
    C: float = 0.005
    D: float = 1.0
    hbar: float = 1.0
    mass: float = DEFAULT_MASS
    coordinate: str = field(default="x", init=False)

    def __post_init__(self) -> None:
        self._check_constants()

    @property
    def n_levels(self) -> int:
        return 2

    def parameters(self) -> dict[str, np.ndarray]:
        return {}

    @property
    def interaction_range(self) -> tuple[float, float]:
        r = max(_decay_length(self.A, self.B, 1), _decay_length(self.C, self.D, 2), 1.0)
        return (-r, r)

    def potential(self, x: np.ndarray) -> np.ndarray:
        v11 = np.sign(x) * self.A * (1.0 - np.exp(-self.B * np.abs(x)))
        return _sym2(v11, -v11, self.C * np.exp(-self.D * x**2))

    def gradient(self, x: np.ndarray) -> np.ndarray:
        d11 = self.A * self.B * np.exp(-self.B * np.abs(x))
        return _sym2(d11, -d11, -2.0 * self.C * self.D * x * np.exp(-self.D * x**2))


@dataclass(frozen=True, eq=False)
class TullyDual(Curves):
    """Tully's dual avoided crossing (model 2), atomic units."""

    A: float = 0.1
    B: float = 0.28
    C: float = 0.015
    D: float = 0.06
    E0: float = 0.05
    hbar: float = 1.0
    mass: float = DEFAULT_MASS
    coordinate: str = field(default="x", init=False)

    def __post_init__(self) -> None:
        self._check_constants()

    @property
    def n_levels(self) -> int:
        return 2

    @property
    def interaction_range(self) -> tuple[float, float]:
        r = max(_decay_length(self.A, self.B, 2), _decay_length(self.C, self.D, 2), 1.0)
        return (-r, r)

    def potential(self, x: np.ndarray) -> np.ndarray:
        return _sym2(np.zeros_like(x), -self.A * np.exp(-self.B * x**2) + self.E0, self.C * np.exp(-self.D * x**2))

    def gradient(self, x: np.ndarray) -> np.ndarray:
        return _sym2(
            np.zeros_like(x),
            2.0 * self.A * self.B * x * np.exp(-self.B * x**2),
            -2.0 * self.C * self.D * x * np.exp(-self.D * x**2),
        )


@dataclass(frozen=True, eq=False)
class TullyExtended(Curves):
    """Tully's extended coupling with reflection (model 3), atomic units."""

    A: float = 6e-4
    B: float = 0.1
    C: float = 0.9
    hbar: float = 1.0
    mass: float = DEFAULT_MASS
    coordinate: str = field(default="x", init=False)

    def __post_init__(self) -> None:
        self._check_constants()

    @property
    def n_levels(self) -> int:
        return 2

    @property
    def interaction_range(self) -> tuple[float, float]:
        r = max(_decay_length(self.B, self.C, 1), 1.0)
        return (-r, r)

    def potential(self, x: np.ndarray) -> np.ndarray:
        v12 = np.where(
            x < 0, self.B * np.exp(self.C * np.minimum(x, 0.0)), self.B * (2.0 - np.exp(-self.C * np.maximum(x, 0.0)))
        )
        return _sym2(np.full_like(x, self.A), np.full_like(x, -self.A), v12)

    def gradient(self, x: np.ndarray) -> np.ndarray:
        d12 = np.where(
            x < 0,
            self.B * self.C * np.exp(self.C * np.minimum(x, 0.0)),
            self.B * self.C * np.exp(-self.C * np.maximum(x, 0.0)),
        )
        return _sym2(np.zeros_like(x), np.zeros_like(x), d12)


#: Tully's three models by their usual names.
TULLY_MODELS = {"simple": TullySimple, "dual": TullyDual, "extended": TullyExtended}


# --------------------------------------------------------------------------- tabulated curves
def _column_names(n: int) -> list[str]:
    return [f"V{i}{i}" for i in range(1, n + 1)] + [f"V{i}{j}" for i in range(1, n + 1) for j in range(i + 1, n + 1)]


_SPLINE_ORDERS = {"cubic": 3, "quintic": 5}


@dataclass(frozen=True, eq=False)
class TabulatedCurves(Curves):
    """Diabatic curves and couplings tabulated on a grid (e.g. from a quantum-chemistry
    calculation), interpolated by a smooth spline; the gradient is the spline's derivative.

    Parameters
    ----------
    x : strictly increasing grid, at least ``order + 3`` points (6 cubic, 8 quintic).
    potential : ``(len(x), N, N)`` real symmetric diabatic matrices at the grid points.
    interpolation : ``"cubic"`` (not-a-knot cubic spline, error ``O(h^4)``) or ``"quintic"``
        (degree-5 B-spline interpolant, error ``O(h^6)``).
    outside : ``"constant"`` holds the end values beyond the table (zero gradient there: the
        table's ends are taken as the asymptotic regions) or ``"raise"``.
    hbar : Planck's constant in the table's units (atomic units: 1).
    mass : nuclear mass in the table's units (atomic units: electron masses; default 2000).

    Build from a file with :meth:`from_csv` (columns ``x, V11, V22, [V33, ...], [V12, ...]``).
    """

    x: np.ndarray
    potential_table: np.ndarray
    interpolation: str = "cubic"
    outside: str = "constant"
    hbar: float = 1.0
    mass: float = DEFAULT_MASS
    coordinate: str = field(default="x", init=False)

    def __post_init__(self) -> None:
        self._check_constants()
        _checks.choice(self.interpolation, "interpolation", tuple(_SPLINE_ORDERS))
        _checks.choice(self.outside, "outside", ("constant", "raise"))
        x = np.asarray(self.x)
        if x.ndim != 1:
            raise LzsmValueError(f"`x` must be a 1-D grid, got shape {x.shape}")
        if x.dtype.kind in "biuf" and not np.all(np.isfinite(x)):
            bad = int(np.flatnonzero(~np.isfinite(x))[0])
            raise LzsmValueError(f"`x` must be finite: row {bad} holds {x[bad]}")
        x = _checks.real_array(x, "x")
        v = np.asarray(self.potential_table, dtype=float)
        if v.ndim != 3 or v.shape[0] != x.size or v.shape[1] != v.shape[2]:
            raise LzsmValueError(f"`potential_table` must have shape (len(x), N, N) = ({x.size}, N, N), got {v.shape}")
        if not np.all(np.isfinite(v)):
            row, i, j = np.argwhere(~np.isfinite(v))[0]
            raise LzsmValueError(f"the table holds NaN or inf: V{i + 1}{j + 1} at row {row} (x = {x[row]:g})")
        if not np.allclose(v, np.swapaxes(v, 1, 2), rtol=0, atol=1e-12 * max(np.max(np.abs(v)), 1e-300)):
            raise LzsmValueError("`potential_table` must be symmetric (V_ij = V_ji) at every grid point")
        steps = np.diff(x)
        if np.any(steps <= 0):
            row = int(np.flatnonzero(steps <= 0)[0]) + 1
            raise LzsmValueError(
                f"`x` must be strictly increasing: row {row} has x = {x[row]:g} after "
                f"x = {x[row - 1]:g} (sort the table and remove duplicates)"
            )
        k = _SPLINE_ORDERS[self.interpolation]
        if x.size < k + 3:
            raise LzsmValueError(
                f"a {self.interpolation} spline needs at least {k + 3} grid points, the table has {x.size}"
            )
        from scipy.interpolate import CubicSpline, make_interp_spline

        flat = v.reshape(x.size, -1)
        spline = CubicSpline(x, flat, axis=0) if k == 3 else make_interp_spline(x, flat, k=5, axis=0)
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "potential_table", v)
        object.__setattr__(self, "_spline", spline)
        object.__setattr__(self, "_dspline", spline.derivative())

    @property
    def n_levels(self) -> int:
        return self.potential_table.shape[-1]

    @property
    def interaction_range(self) -> tuple[float, float]:
        return (float(self.x[0]), float(self.x[-1]))

    def _inside(self, x: np.ndarray) -> np.ndarray:
        lo, hi = self.x[0], self.x[-1]
        if self.outside == "raise" and (np.any(x < lo) or np.any(x > hi)):
            raise LzsmValueError(
                f"`x` must lie in the table's range [{lo:g}, {hi:g}] (outside='raise'); "
                f"got values in [{np.min(x):g}, {np.max(x):g}]"
            )
        return np.clip(x, lo, hi)

    def potential(self, x: np.ndarray) -> np.ndarray:
        n = self.n_levels
        out = self._spline(self._inside(x))  # type: ignore[attr-defined]
        return out.reshape(np.shape(x) + (n, n))

    def gradient(self, x: np.ndarray) -> np.ndarray:
        n = self.n_levels
        out = self._dspline(self._inside(x)).reshape(np.shape(x) + (n, n))  # type: ignore[attr-defined]
        outside = (x < self.x[0]) | (x > self.x[-1])
        return np.where(outside[..., None, None], 0.0, out)

    @classmethod
    def from_model(cls, model: Curves, x: ArrayLike, **kwargs: Any) -> TabulatedCurves:
        """Tabulate an analytic model on the grid ``x`` (for checks and for export); ``hbar`` and
        ``mass`` are the model's unless given."""
        xa = _checks.real_array(x, "x")
        return cls(xa, np.real(model.potential(xa)), **{"hbar": model.hbar, "mass": model.mass, **kwargs})

    @classmethod
    def from_csv(
        cls, path: Any, *, x_unit_factor: float = 1.0, energy_unit_factor: float = 1.0, **kwargs: Any
    ) -> TabulatedCurves:
        """Read curves from a CSV file with a header row.

        Columns: ``x`` and the diabatic potential matrix elements ``V11, V22, ..., VNN`` (all
        required) and couplings ``Vij`` (i < j; missing couplings are zero; ``Vji`` is read as
        ``Vij``).  Other columns are ignored; lines starting with ``#`` are comments.  The unit
        factors multiply x and every V on reading (e.g. ``x_unit_factor=1/0.529177`` for
        ångström to bohr, ``energy_unit_factor=1/27.2114`` for eV to hartree)."""
        import csv
        from pathlib import Path

        path = Path(path)
        if not path.is_file():
            raise LzsmValueError(f"curve table {str(path)!r} does not exist")
        with path.open(newline="") as fh:
            rows = list(csv.reader(line for line in fh if line.strip() and not line.lstrip().startswith("#")))
        if not rows:
            raise LzsmValueError(f"curve table {path.name!r} is empty")
        header = [h.strip() for h in rows[0]]
        if "x" not in header:
            raise LzsmValueError(f"curve table {path.name!r} needs an 'x' column; header is {header}")
        diag = [h for h in header if len(h) == 3 and h[0] == "V" and h[1:].isdigit() and h[1] == h[2]]
        n = len(diag)
        if n < 2 or sorted(diag) != [f"V{i}{i}" for i in range(1, n + 1)]:
            raise LzsmValueError(
                f"curve table {path.name!r} needs at least two diagonal columns V11, V22, ... "
                f"(numbered from 1 without gaps); header is {header}"
            )
        stray = [
            h
            for h in header
            if len(h) == 3
            and h[0] == "V"
            and h[1:].isdigit()
            and not (h in _column_names(n) or h[0] + h[2] + h[1] in _column_names(n))
        ]
        if stray:
            raise LzsmValueError(
                f"curve table {path.name!r}: columns {stray} refer to states beyond the {n} "
                f"diagonal columns V11..V{n}{n}"
            )
        data = np.empty((len(rows) - 1, len(header)))
        for r, row in enumerate(rows[1:], start=2):
            if len(row) != len(header):
                raise LzsmValueError(f"{path.name}: line {r} has {len(row)} fields, the header has {len(header)}")
            for c, val in enumerate(row):
                try:
                    data[r - 2, c] = float(val)
                except ValueError:
                    raise LzsmValueError(
                        f"{path.name}: line {r}, column {header[c]!r}: {val!r} is not a number"
                    ) from None
        col = {h: data[:, i] for i, h in enumerate(header)}
        for h in ["x"] + _column_names(n):
            if h in col and not np.all(np.isfinite(col[h])):
                line = int(np.flatnonzero(~np.isfinite(col[h]))[0]) + 2
                raise LzsmValueError(f"{path.name}: column {h!r} holds NaN or inf at line {line}")
        v = np.zeros((data.shape[0], n, n))
        for i in range(n):
            v[:, i, i] = col[f"V{i + 1}{i + 1}"]
            for j in range(i + 1, n):
                name = f"V{i + 1}{j + 1}"
                alt = f"V{j + 1}{i + 1}"
                vals = col.get(name, col.get(alt))
                if vals is not None:
                    v[:, i, j] = v[:, j, i] = vals
        return cls(col["x"] * x_unit_factor, v * energy_unit_factor, **kwargs)

    def to_csv(self, path: Any) -> None:
        """Write the table in the format read by :meth:`from_csv`."""
        n = self.n_levels
        names = _column_names(n)
        idx = [(i, i) for i in range(n)] + [(i, j) for i in range(n) for j in range(i + 1, n)]
        cols = [self.x] + [self.potential_table[:, i, j] for i, j in idx]
        np.savetxt(path, np.column_stack(cols), delimiter=",", header=",".join(["x"] + names), comments="", fmt="%.17g")


# --------------------------------------------------------------------------- user functions
@dataclass(frozen=True, eq=False)
class FunctionCurves(Curves):
    """Curves from user functions.

    ``potential(x)`` takes an array x and returns ``(*x.shape, N, N)`` real symmetric
    matrices; ``gradient(x)`` likewise (optional: without it the gradient is the fourth-order
    central difference with step ``step``, error ``O(step^4)``).  ``interaction_range`` may be
    given for scattering calculations; ``hbar`` and ``mass`` as for every curve model.  Build
    element-wise with :meth:`from_elements`."""

    potential_function: Callable[[np.ndarray], np.ndarray]
    gradient_function: Callable[[np.ndarray], np.ndarray] | None = None
    step: float = 1e-3
    range_hint: tuple[float, float] | None = None
    hbar: float = 1.0
    mass: float = DEFAULT_MASS
    coordinate: str = field(default="x", init=False)

    def __post_init__(self) -> None:
        self._check_constants()
        if not callable(self.potential_function):
            raise LzsmTypeError("`potential_function` must be callable x -> (*x.shape, N, N)")
        if self.gradient_function is not None and not callable(self.gradient_function):
            raise LzsmTypeError("`gradient_function` must be callable or None")
        _checks.positive_scalar(self.step, "step")
        probe = np.array([-1.0, 0.0, 1.0])
        v = np.asarray(self.potential_function(probe))
        if v.ndim != 3 or v.shape[0] != 3 or v.shape[1] != v.shape[2]:
            raise LzsmValueError(
                f"`potential_function` must return shape (*x.shape, N, N); for x of shape (3,) it returned {v.shape}"
            )
        if v.dtype.kind == "c" or not np.all(np.isfinite(v)) or not np.allclose(v, np.swapaxes(v, 1, 2)):
            raise LzsmValueError("`potential_function` must return finite real symmetric matrices")
        object.__setattr__(self, "_n", v.shape[-1])
        if self.range_hint is not None:
            lo, hi = (float(r) for r in self.range_hint)
            if not lo < hi:
                raise LzsmValueError(
                    f"`range_hint` must be (x_left, x_right) with x_left < x_right, got {self.range_hint}"
                )

    @classmethod
    def from_elements(cls, elements: dict[str, Callable[[np.ndarray], np.ndarray]], **kwargs: Any) -> FunctionCurves:
        """``{"V11": f, "V22": g, "V12": h, ...}``: scalar functions of x per matrix element
        (diagonal ones required, missing couplings zero)."""
        n = 0
        while f"V{n + 1}{n + 1}" in elements:
            n += 1
        if n == 0:
            raise LzsmValueError("`elements` needs at least 'V11'")
        unknown = set(elements) - set(_column_names(n))
        if unknown:
            raise LzsmValueError(f"`elements` has unknown keys {sorted(unknown)}; accepted: {_column_names(n)}")

        def potential(x: np.ndarray) -> np.ndarray:
            out = np.zeros(np.shape(x) + (n, n))
            for i in range(n):
                for j in range(i, n):
                    f = elements.get(f"V{i + 1}{j + 1}")
                    if f is not None:
                        out[..., i, j] = out[..., j, i] = np.broadcast_to(f(x), np.shape(x))
            return out

        return cls(potential, **kwargs)

    @property
    def n_levels(self) -> int:
        return self._n  # type: ignore[attr-defined]

    @property
    def interaction_range(self) -> tuple[float, float] | None:
        return None if self.range_hint is None else (float(self.range_hint[0]), float(self.range_hint[1]))

    def potential(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(self.potential_function(np.asarray(x, dtype=float)), dtype=float)

    def gradient(self, x: np.ndarray) -> np.ndarray:
        if self.gradient_function is not None:
            return np.asarray(self.gradient_function(np.asarray(x, dtype=float)), dtype=float)
        h = self.step
        f = self.potential
        return (8 * (f(x + h) - f(x - h)) - (f(x + 2 * h) - f(x - 2 * h))) / (12 * h)


# --------------------------------------------------------------------------- covalent-ionic crossing
_BOHR_ANGSTROM = 0.529177210903  # CODATA 2018
_HARTREE_EV = 27.211386245988
_HARTREE_CM = 219474.6313632
_AMU_ME = 1822.888486209


def _born_mayer_from_spectroscopy(r_e: float, omega_e: float, mu: float) -> tuple[float, float]:
    """Born–Mayer ``A exp(-R/rho)`` (atomic units) making ``-1/R + A exp(-R/rho)`` have its
    minimum at ``r_e`` with curvature ``mu omega_e^2``: ``1/r_e^2 = (A/rho) e^{-r_e/rho}``,
    ``-2/r_e^3 + (A/rho^2) e^{-r_e/rho} = mu omega_e^2``."""
    k = mu * omega_e**2
    rho = 1.0 / (r_e**2 * (k + 2.0 / r_e**3))
    a = rho / r_e**2 * np.exp(r_e / rho)
    return float(a), float(rho)


@dataclass(frozen=True, eq=False)
class CovalentIonicCrossing(Curves):
    """Covalent–ionic curve crossing of an alkali halide M + X / M+ + X- (atomic units: R in bohr,
    energies in hartree, zero at the neutral-atom asymptote).

    Diabatic state 1 is covalent (M + X), state 2 ionic (M+ + X-):

    .. math::
        V_{11}(R) = 0,\\qquad
        V_{22}(R) = \\Delta E - \\frac{1}{R} + A\\,e^{-R/\\rho},\\qquad
        V_{12}(R) = 1.044\\,\\sqrt{I\\,E_A}\\;R^*\\,e^{-0.857 R^*},\\quad
        R^* = R\\,\\frac{\\sqrt{2I} + \\sqrt{2E_A}}{2},

    with ``Delta E = I - E_A`` (ionisation energy of M minus electron affinity of X).  The ionic
    curve is the Born–Mayer (Rittner without polarisation terms) form, E. S. Rittner,
    J. Chem. Phys. 19, 1030 (1951); its ``A`` and ``rho`` are fixed by the molecule's
    equilibrium distance and harmonic frequency (:func:`_born_mayer_from_spectroscopy`).  The
    coupling is the empirical ionic–covalent formula of R. E. Olson, F. T. Smith & E. Bauer,
    Appl. Opt. 10, 1848 (1971), evaluated along R.  The covalent curve is flat: at the crossing
    radius (about 9.4 Å for NaCl) the neutral atoms' interaction is negligible on this scale.
    The model is meant for the crossing region: the Olson–Smith–Bauer coupling is an estimate
    of the splitting at R_c (quoted to about a factor of 2), and carried to short range it grows
    to ~1 eV near R_e, so the adiabatic well (about -4.2 eV) is not a spectroscopic fit.

    Constructor arguments are in the literature's units (eV, Å, cm^-1, u) and converted to
    atomic units once; :meth:`nacl` gives sodium chloride.  The nuclear ``mass`` of the model is
    the reduced mass of the pair (electron masses; also ``reduced_mass``).
    """

    ionization_energy_ev: float
    electron_affinity_ev: float
    equilibrium_distance_angstrom: float
    harmonic_frequency_cm: float
    mass_1_u: float
    mass_2_u: float
    hbar: float = 1.0
    coordinate: str = field(default="x", init=False)

    def __post_init__(self) -> None:
        for name in (
            "ionization_energy_ev",
            "electron_affinity_ev",
            "equilibrium_distance_angstrom",
            "harmonic_frequency_cm",
            "mass_1_u",
            "mass_2_u",
        ):
            _checks.positive_scalar(getattr(self, name), name)
        _checks.positive_scalar(self.hbar, "hbar")
        if self.electron_affinity_ev >= self.ionization_energy_ev:
            raise LzsmValueError(
                "`electron_affinity_ev` must be below `ionization_energy_ev` (otherwise the "
                "ionic curve lies below the covalent one at every R and never crosses it)"
            )
        mu = self.mass_1_u * self.mass_2_u / (self.mass_1_u + self.mass_2_u) * _AMU_ME
        ip = self.ionization_energy_ev / _HARTREE_EV
        ea = self.electron_affinity_ev / _HARTREE_EV
        a, rho = _born_mayer_from_spectroscopy(
            self.equilibrium_distance_angstrom / _BOHR_ANGSTROM, self.harmonic_frequency_cm / _HARTREE_CM, mu
        )
        object.__setattr__(
            self,
            "_p",
            {
                "mu": mu,
                "delta_e": ip - ea,
                "a": a,
                "rho": rho,
                "c": 1.044 * np.sqrt(ip * ea),
                "s": 0.5 * (np.sqrt(2 * ip) + np.sqrt(2 * ea)),
            },
        )

    @classmethod
    def nacl(cls) -> CovalentIonicCrossing:
        """Na + Cl / Na+ + Cl-: I(Na) = 5.139076 eV (NIST Atomic Spectra Database),
        E_A(Cl) = 3.612724 eV (U. Berzinsh et al., Phys. Rev. A 51, 231 (1995)),
        X 1Sigma+ R_e = 2.36080 Å and omega_e = 366 cm^-1 (K. P. Huber & G. Herzberg,
        Constants of Diatomic Molecules (1979)), masses of 23Na and 35Cl."""
        return cls(5.139076, 3.612724, 2.36080, 366.0, 22.98976928, 34.96885268)

    @property
    def n_levels(self) -> int:
        return 2

    @property
    def reduced_mass(self) -> float:
        """Reduced nuclear mass in electron masses."""
        return float(self._p["mu"])  # type: ignore[attr-defined]

    @property
    def mass(self) -> float:  # type: ignore[override]
        """The nuclear mass moving along R: the reduced mass (electron masses)."""
        return self.reduced_mass

    def parameters(self) -> dict[str, np.ndarray]:
        """The atomic-unit parameters: Delta E, Born–Mayer A and rho, coupling prefactor and
        the scale s of ``R* = s R``."""
        return {k: np.asarray(v) for k, v in self._p.items()}  # type: ignore[attr-defined]

    def _r(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        if np.any(x <= 0):
            raise LzsmValueError(f"the internuclear distance `x` (bohr) must be > 0, got min {np.min(x):g}")
        return x

    def potential(self, x: np.ndarray) -> np.ndarray:
        r = self._r(x)
        p = self._p  # type: ignore[attr-defined]
        v22 = p["delta_e"] - 1.0 / r + p["a"] * np.exp(-r / p["rho"])
        rs = p["s"] * r
        return _sym2(np.zeros_like(r), v22, p["c"] * rs * np.exp(-0.857 * rs))

    def gradient(self, x: np.ndarray) -> np.ndarray:
        r = self._r(x)
        p = self._p  # type: ignore[attr-defined]
        d22 = 1.0 / r**2 - p["a"] / p["rho"] * np.exp(-r / p["rho"])
        rs = p["s"] * r
        d12 = p["c"] * p["s"] * np.exp(-0.857 * rs) * (1.0 - 0.857 * rs)
        return _sym2(np.zeros_like(r), d22, d12)
