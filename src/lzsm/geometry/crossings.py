"""Symmetry, the non-crossing rule and the classification of level crossings along a path.

Given a Hamiltonian ``H(x)`` along a path of coordinate values (a nuclear distance, a field,
a time) and, optionally, symmetry operators ``O`` with ``[H(x), O] = 0``, :func:`find_crossings`

1. splits the Hilbert space into the joint eigenspaces of the operators (one *symmetry block*
   per set of eigenvalues, labelled with the user's names for them, e.g. ``g``/``u``), so that
   ``H`` is block diagonal;
2. diagonalises each block along the path;
3. finds where levels meet and classifies each meeting point:

   * **true crossing** (``kind="true"``): two levels of *different* symmetry become degenerate.
     Symmetry forbids any coupling between them, so they cross exactly.  The position is the
     root of ``E_a(x) - E_b(x)`` (bracketed by the sign change on the path, refined on the exact
     eigenvalues with Brent's method).
   * **avoided crossing** (``kind="avoided"``): a local minimum of the gap between adjacent
     levels of the *same* block.  By the von Neumann–Wigner non-crossing rule two levels of the
     same symmetry of a Hamiltonian depending on one parameter do not cross generically (a
     crossing needs two conditions, ``H_11 = H_22`` and ``H_12 = 0``, for a real symmetric
     ``H``; three for a complex Hermitian one).  J. von Neumann & E. Wigner, Phys. Z. 30, 467
     (1929).
   * **undecided** (``kind="undecided"``): a gap minimum within one block (or without symmetry
     information) below the resolution ``resolution * energy_scale``: the numbers cannot tell an
     exact crossing (a symmetry not supplied, or an accident) from a very weakly avoided one.

Local two-state Landau–Zener parameters of an avoided crossing at ``x_c`` with minimum gap
``Delta`` (conventions of ``docs/conventions.md``):

.. math::

    V = \\Delta / 2, \\qquad
    \\mathrm{gap}(x)^2 \\simeq \\Delta^2 + F^2 (x - x_c)^2
    \\;\\Rightarrow\\; F^2 = \\Delta\\, \\mathrm{gap}''(x_c),

so the diabatic slope difference ``F = |d(E_1 - E_2)/dx|`` comes from the curvature of the gap at
its minimum (``slope_difference``; gap'' by a five-point difference of exact eigenvalues).  An
independent estimate is ``F = 2 |<k|dH/dx|k+1>|`` at ``x_c`` (``slope_difference_nac``): the
non-adiabatic coupling of a two-state crossing peaks at ``F/(4V)`` there.  The two agree for an
isolated two-state crossing; a note flags a disagreement above 1 %.  Along a classical path with
velocity ``v = dx/dt`` the sweep rate is ``alpha = v F`` and the probability to keep the
diabatic state is the Landau–Zener value

.. math::  P_{LZ} = \\exp\\left(-\\frac{2\\pi V^2}{\\hbar |F v|}\\right)

(``p_diabatic_stay``; C. Zener, Proc. R. Soc. A 137, 696 (1932); semiclassical curve crossing,
docs/conventions.md).  A true crossing has ``gap = coupling = 0`` and ``p_diabatic_stay = 1``; its
``slope_difference`` is ``|d(E_a - E_b)/dx|`` from the Hellmann–Feynman slopes
``dE/dx = <n|dH/dx|n>``.

Results do not depend on the sampling density of the path beyond its role of bracketing: every
position, gap and slope is refined on the exact ``H(x)`` between samples.  Two crossings of the
same pair of levels closer together than the sampling step are seen as one or none.
"""

from __future__ import annotations

import itertools
import json
import math
import types
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import linalg, optimize

from lzsm import _checks
from lzsm.closed_forms import landau_zener as analytic
from lzsm.errors import LzsmTypeError, LzsmValueError
from lzsm.models.base import Model
from lzsm.results import Result

MIN_PATH_POINTS = 8
KINDS = ("true", "avoided", "undecided")
_EPS = np.finfo(float).eps


# --------------------------------------------------------------------------- symmetry
@dataclass(frozen=True, eq=False)
class Symmetry:
    """A symmetry operator ``O`` commuting with ``H(x)`` and names for its eigenvalues.

    Parameters
    ----------
    name : what the operator is, e.g. ``"parity"`` or ``"inversion"``.
    operator : ``(N, N)`` normal matrix (unitary or Hermitian, e.g. a permutation or a
        reflection) in the basis of ``H``.
    labels : eigenvalue -> label, e.g. ``{1: "g", -1: "u"}``.  Without labels a block is named
        ``"name=eigenvalue"``.  With labels, every eigenvalue of ``O`` must have one.
    """

    name: str
    operator: ArrayLike
    labels: Mapping[complex, str] | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise LzsmTypeError(f"`Symmetry.name` must be a non-empty string, got {self.name!r}")
        where = f"symmetries[{self.name!r}]"
        op = _checks.complex_array(self.operator, f"{where} operator")
        if op.ndim != 2 or op.shape[0] != op.shape[1] or op.shape[0] == 0:
            raise LzsmValueError(f"`{where}` operator must be a square (N, N) matrix, got shape {op.shape}")
        norm = float(np.linalg.norm(op))
        if norm == 0:
            raise LzsmValueError(f"`{where}` operator is zero; a symmetry operator must be nonzero")
        dev = float(np.linalg.norm(op @ op.conj().T - op.conj().T @ op))
        if dev > 1e-10 * norm**2:
            raise LzsmValueError(
                f"`{where}` operator must be normal (O O^dagger = O^dagger O, e.g. unitary "
                f"or Hermitian): ||[O, O^dagger]|| = {dev:.3g}"
            )
        op = op.copy()
        op.setflags(write=False)
        object.__setattr__(self, "operator", op)
        if self.labels is not None:
            if not isinstance(self.labels, Mapping) or not self.labels:
                raise LzsmTypeError(
                    f"`{where}` labels must be a non-empty mapping eigenvalue -> name, "
                    f"e.g. {{1: 'g', -1: 'u'}}; got {self.labels!r}"
                )
            clean: dict[complex, str] = {}
            for k, v in self.labels.items():
                if isinstance(k, bool) or not isinstance(k, (int, float, complex, np.number)):
                    raise LzsmTypeError(f"`{where}` label keys must be eigenvalues (numbers), got {k!r}")
                if not isinstance(v, str) or not v:
                    raise LzsmTypeError(f"`{where}` labels must be non-empty strings, got {v!r}")
                clean[complex(k)] = v
            if len(set(clean.values())) != len(clean):
                raise LzsmValueError(f"`{where}` labels must be distinct, got {list(clean.values())}")
            object.__setattr__(self, "labels", types.MappingProxyType(clean))

    @property
    def n_levels(self) -> int:
        return np.asarray(self.operator).shape[0]

    def label_of(self, eigenvalue: complex) -> tuple[int, str]:
        """(rank, label) of an eigenvalue: rank orders blocks (order of the labels given)."""
        if self.labels is None:
            return -1, f"{self.name}={_format_eigenvalue(eigenvalue)}"
        for rank, (key, lab) in enumerate(self.labels.items()):
            if abs(eigenvalue - key) <= 1e-6 * max(1.0, abs(key)):
                return rank, lab
        keys = ", ".join(_format_eigenvalue(k) for k in self.labels)
        raise LzsmValueError(
            f"symmetry {self.name!r}: eigenvalue {_format_eigenvalue(eigenvalue)} of the operator "
            f"has no label (labels are given for {keys})"
        )

    def describe(self) -> dict[str, Any]:
        labels = None if self.labels is None else {_format_eigenvalue(k): v for k, v in self.labels.items()}
        return {"name": self.name, "labels": labels}


def _format_eigenvalue(z: complex) -> str:
    z = complex(z)
    if abs(z.imag) <= 1e-12 * max(1.0, abs(z)):
        return f"{z.real:g}"
    return f"{z.real:.6g}{z.imag:+.6g}j"


@dataclass(frozen=True, eq=False)
class SymmetryBlock:
    """A joint eigenspace of the symmetry operators.

    ``label`` joins the per-operator labels with commas (``"g"``, ``"Sigma,g"``);
    ``basis`` is ``(N, n)`` with orthonormal columns spanning the block; the block Hamiltonian
    is ``basis^dagger H basis``."""

    label: str
    labels: tuple[str, ...]
    eigenvalues: tuple[complex, ...]
    basis: np.ndarray

    @property
    def size(self) -> int:
        return self.basis.shape[1]

    def project(self, h: np.ndarray) -> np.ndarray:
        """``basis^dagger h basis`` for ``h`` of shape (..., N, N)."""
        return np.einsum("ia,...ij,jb->...ab", self.basis.conj(), h, self.basis, optimize=True)


def _as_symmetries(symmetries: Any) -> tuple[Symmetry, ...]:
    if symmetries is None:
        return ()
    if isinstance(symmetries, Symmetry):
        return (symmetries,)
    if isinstance(symmetries, Mapping):
        out = []
        for name, spec in symmetries.items():
            if isinstance(spec, Symmetry):
                out.append(spec)
            elif isinstance(spec, tuple) and len(spec) == 2 and (spec[1] is None or isinstance(spec[1], Mapping)):
                out.append(Symmetry(str(name), spec[0], spec[1]))
            else:
                out.append(Symmetry(str(name), spec))
        return tuple(out)
    if isinstance(symmetries, (list, tuple)) and all(isinstance(s, Symmetry) for s in symmetries):
        return tuple(symmetries)
    raise LzsmTypeError(
        "`symmetries` must be None, a Symmetry, a sequence of Symmetry, or a mapping "
        "name -> operator or name -> (operator, {eigenvalue: label}); "
        f"got {type(symmetries).__name__}"
    )


def symmetry_blocks(symmetries: Any, n_levels: int) -> tuple[SymmetryBlock, ...]:
    """Joint eigenspaces of commuting normal operators, one :class:`SymmetryBlock` each.

    The operators are diagonalised one after the other inside the eigenspaces of the previous
    ones (complex Schur form, which is diagonal with an orthonormal basis for a normal
    matrix); eigenvalues closer than ``1e-6 |O|`` are one eigenspace.  Without operators there
    is one block, the whole space, labelled ``""``.  Blocks are ordered by the order of the
    labels given (by eigenvalue where no labels are given)."""
    syms = _as_symmetries(symmetries)
    for s in syms:
        if s.n_levels != n_levels:
            raise LzsmValueError(
                f"`symmetries[{s.name!r}]` is {s.n_levels}x{s.n_levels} but H is {n_levels}x{n_levels}"
            )
    for i, a in enumerate(syms):
        for b in syms[i + 1 :]:
            oa, ob = np.asarray(a.operator), np.asarray(b.operator)
            c = float(np.linalg.norm(oa @ ob - ob @ oa))
            if c > 1e-8 * np.linalg.norm(oa) * np.linalg.norm(ob):
                raise LzsmValueError(
                    f"symmetry operators {a.name!r} and {b.name!r} do not commute "
                    f"(||[A, B]|| = {c:.3g}); joint eigenspaces need commuting operators"
                )
    parts: list[tuple[tuple, tuple, tuple, np.ndarray]] = [((), (), (), np.eye(n_levels, dtype=complex))]
    for s in syms:
        new = []
        op = np.asarray(s.operator)
        scale = max(1.0, float(np.max(np.abs(np.linalg.eigvals(op)))))
        for ranks, labs, eigs, q in parts:
            m = q.conj().T @ op @ q
            t, z = linalg.schur(m, output="complex")
            lam = np.diag(t)
            centres: list[complex] = []
            groups: list[list[int]] = []
            for i, val in enumerate(lam):
                for g, centre in enumerate(centres):
                    if abs(val - centre) <= 1e-6 * scale:
                        groups[g].append(i)
                        break
                else:
                    centres.append(complex(val))
                    groups.append([i])
            for idx in groups:
                value = complex(np.mean(lam[idx]))
                rank, lab = s.label_of(value)
                key = rank if rank >= 0 else (round(value.real, 9), round(value.imag, 9))
                new.append((ranks + (key,), labs + (lab,), eigs + (value,), q @ z[:, idx]))
        parts = new
    parts.sort(key=lambda p: p[0])
    blocks = []
    for _, labs, eigs, q in parts:
        q = np.ascontiguousarray(q)
        q.setflags(write=False)
        blocks.append(SymmetryBlock(",".join(labs), tuple(labs), tuple(eigs), q))
    names = [b.label for b in blocks]
    if len(set(names)) != len(names):
        raise LzsmValueError(f"symmetry labels do not tell the blocks apart: {names}")
    return tuple(blocks)


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class Crossing:
    """One row of a :class:`CrossingTable`.

    ``level_lower``/``level_upper`` are global adiabatic indices (0 = lowest) of the two levels
    that meet; ``symmetry_*``/``block_index_*`` are their symmetry label and index within their
    block, for the level that is lower/upper *before* the crossing in path order (for a true
    crossing the two swap order at ``x``)."""

    kind: str
    x: float
    energy: float
    level_lower: int
    level_upper: int
    symmetry_lower: str
    symmetry_upper: str
    block_index_lower: int
    block_index_upper: int
    gap: float
    coupling: float
    slope_difference: float
    slope_difference_nac: float
    sweep_rate: float
    p_diabatic_stay: float
    note: str


_COLUMNS = tuple(f.name for f in fields(Crossing))
_ATTRS = {
    "kind": "true (different symmetry), avoided (same symmetry) or undecided (gap below resolution)",
    "x": "crossing position on the path",
    "energy": "mean energy of the two levels at x",
    "level_lower": "global adiabatic index (0 = lowest) of the lower level at x",
    "level_upper": "global adiabatic index of the upper level at x",
    "symmetry_lower": "symmetry label of the level lower before the crossing (path order)",
    "symmetry_upper": "symmetry label of the level upper before the crossing (path order)",
    "block_index_lower": "index within its symmetry block of the level lower before the crossing",
    "block_index_upper": "index within its symmetry block of the level upper before the crossing",
    "gap": "minimum adiabatic gap Delta (0 for a true crossing)",
    "coupling": "two-state coupling V = Delta/2",
    "slope_difference": "diabatic slope difference F = sqrt(Delta gap''(x)) (true: |d(E_a - E_b)/dx|)",
    "slope_difference_nac": "F = 2|<k|dH/dx|k+1>| at x (independent estimate)",
    "sweep_rate": "alpha = velocity * F",
    "p_diabatic_stay": "P_LZ = exp(-2 pi V^2/(hbar |alpha|)) for the given velocity",
    "note": "remarks: unclassified (no symmetry operators), two-state consistency, ...",
}


_METHOD = (
    "true: root of E_a - E_b between blocks; avoided: minimum of the gap within a block, "
    "F = sqrt(Delta gap''); P_LZ = exp(-2 pi V^2/(hbar |v F|))"
)


@dataclass(frozen=True, eq=False, repr=False)
class CrossingTable(Result):
    """Result of :func:`find_crossings`: the crossings found along a path, with the level data
    for plotting.  Immutable; iterating gives the rows.

    ``crossings``: tuple of :class:`Crossing` in path order.  ``x``: the path ``(n_x,)``.
    ``energies``: all levels ascending ``(n_x, N)``; ``level_symmetry``: their labels.
    ``blocks``: the :class:`SymmetryBlock` s; ``block_energies``: per block ``(n_x, n_b)``.
    """

    crossings: tuple[Crossing, ...]
    x: np.ndarray
    energies: np.ndarray
    level_symmetry: np.ndarray
    blocks: tuple[SymmetryBlock, ...]
    block_energies: tuple[np.ndarray, ...]
    symmetries: tuple[Symmetry, ...]
    velocity: float | None
    hbar: float
    resolution: float
    energy_scale: float
    coordinate: str = "x"

    kind = "crossing table"

    @property
    def classified(self) -> bool:
        """True when symmetry operators were given (crossings can be classified)."""
        return bool(self.symmetries)

    def __len__(self) -> int:
        return len(self.crossings)

    def __iter__(self) -> Iterator[Crossing]:
        return iter(self.crossings)

    def __getitem__(self, i: int) -> Crossing:
        return self.crossings[i]

    def of_kind(self, kind: str) -> tuple[Crossing, ...]:
        """The crossings of one kind (``"true"``, ``"avoided"`` or ``"undecided"``)."""
        _checks.choice(kind, "kind", KINDS)
        return tuple(c for c in self.crossings if c.kind == kind)

    # ------------------------------------------------------------------ export
    def _coords(self) -> dict[str, Any]:
        st_lab = np.array(
            [b.label for b, e in zip(self.blocks, self.block_energies) for _ in range(e.shape[1])], dtype=str
        )
        st_idx = np.concatenate([np.arange(e.shape[1]) for e in self.block_energies])
        return {
            "crossing": np.arange(len(self.crossings)),
            "x_path": ("x_path", self.x, {"long_name": self.coordinate}),
            "level": np.arange(self.energies.shape[1]),
            "state": np.arange(st_idx.size),
            "state_symmetry": ("state", st_lab),
            "state_index": ("state", st_idx),
        }

    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        data: dict[str, tuple[list[str], Any]] = {}
        for name in _COLUMNS:
            vals = [getattr(c, name) for c in self.crossings]
            if name in ("kind", "symmetry_lower", "symmetry_upper", "note"):
                arr = np.array(vals, dtype=str) if vals else np.array([], dtype=str)
            elif name.startswith(("level_", "block_index")):
                arr = np.array(vals, dtype=np.int64)
            else:
                arr = np.array(vals, dtype=float)
            data[name] = (["crossing"], arr)
        data["level_energy"] = (["x_path", "level"], self.energies)
        data["level_symmetry"] = (["x_path", "level"], self.level_symmetry.astype(str))
        data["energy_by_symmetry"] = (["x_path", "state"], np.concatenate(self.block_energies, axis=1))
        return data

    def _attrs(self) -> dict[str, Any]:
        return {
            "hbar": self.hbar,
            "velocity": float("nan") if self.velocity is None else self.velocity,
            "resolution": self.resolution,
            "energy_scale": self.energy_scale,
            "classified": int(self.classified),
            "coordinate": self.coordinate,
            "symmetries": json.dumps([s.describe() for s in self.symmetries]),
            "method": _METHOD,
        }

    def to_xarray(self) -> Any:
        """``xarray.Dataset``: the table along dim ``crossing`` (one variable per column), and the
        levels along the path: ``level_energy (x_path, level)``, ``level_symmetry (x_path, level)``,
        ``energy_by_symmetry (x_path, state)`` with ``state_symmetry``/``state_index``."""
        ds = super().to_xarray()
        for name, text in _ATTRS.items():
            ds[name].attrs["long_name"] = text
        ds["level_energy"].attrs["long_name"] = "adiabatic energies, ascending"
        ds["level_symmetry"].attrs["long_name"] = "symmetry label of each adiabatic level"
        ds["energy_by_symmetry"].attrs["long_name"] = "energies per symmetry block, ascending in each"
        return ds

    def to_dataframe(self) -> Any:
        """The table as a ``pandas.DataFrame`` (one row per crossing), via xarray."""
        ds = self.to_xarray()
        return ds[[name for name in ds.data_vars if ds[name].dims == ("crossing",)]].to_dataframe()

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """:func:`lzsm.plot.geometry.plot_level_diagram` of this table."""
        from lzsm.plot.geometry import plot_level_diagram

        return plot_level_diagram(self, ax=ax, **kwargs)

    def _summary(self) -> list[str]:
        counts = {k: len(self.of_kind(k)) for k in KINDS}
        found = ", ".join(f"{n} {k}" for k, n in counts.items() if n) or "none"
        return [
            f"{len(self.crossings)} crossings ({found})",
            f"{self.energies.shape[1]} levels",
            f"{self.x.size} path points",
        ]


# --------------------------------------------------------------------------- evaluation of H
@dataclass(frozen=True)
class _Hamiltonian:
    one: Callable[[float], np.ndarray]
    many: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[float], np.ndarray]
    n: int
    hbar: float
    coordinate: str


def _wrap(hamiltonian: Any, path: np.ndarray) -> _Hamiltonian:
    span = float(np.ptp(path))
    if isinstance(hamiltonian, Model):
        model = hamiltonian
        if model.batch_shape != ():
            raise LzsmValueError(
                f"`hamiltonian` must be a single parameter point; the model has batch shape "
                f"{model.batch_shape}: pass model.point(index)"
            )
        n = model.n_levels
        return _Hamiltonian(
            lambda x: np.asarray(model.hamiltonian(np.asarray(float(x))), dtype=complex),
            lambda xs: np.asarray(model.hamiltonian(xs), dtype=complex),
            lambda x: np.asarray(model.hamiltonian_derivative(np.asarray(float(x))), dtype=complex),
            n,
            float(model.hbar),
            model.coordinate,
        )
    if not callable(hamiltonian):
        raise LzsmTypeError(
            "`hamiltonian` must be an lzsm Model or a callable x -> (N, N) Hermitian array, "
            f"got {type(hamiltonian).__name__}"
        )
    f = hamiltonian
    try:
        first = np.asarray(f(float(path[0])))
    except Exception as exc:
        raise LzsmTypeError(f"`hamiltonian` failed at x = {path[0]:g}: {exc}") from exc
    if first.ndim != 2 or first.shape[0] != first.shape[1] or first.shape[0] == 0:
        raise LzsmValueError(f"`hamiltonian(x)` must return an (N, N) matrix, got shape {first.shape}")
    n = first.shape[0]

    def one(x: float) -> np.ndarray:
        h = np.asarray(f(float(x)), dtype=complex)
        if h.shape != (n, n):
            raise LzsmValueError(f"`hamiltonian(x)` returned shape {h.shape} at x = {x:g}, expected {(n, n)}")
        return h

    step = 1e-4 * span

    def derivative(x: float) -> np.ndarray:  # fourth-order central difference
        return (-one(x + 2 * step) + 8 * one(x + step) - 8 * one(x - step) + one(x - 2 * step)) / (12 * step)

    return _Hamiltonian(one, lambda xs: np.stack([one(x) for x in xs]), derivative, n, 1.0, "x")


def _path(path: ArrayLike) -> np.ndarray:
    x = _checks.real_array(path, "path")
    if x.ndim != 1:
        raise LzsmValueError(f"`path` must be a 1-D array of coordinate values, got shape {x.shape}")
    if x.size < MIN_PATH_POINTS:
        raise LzsmValueError(f"`path` must have at least {MIN_PATH_POINTS} points, got {x.size}")
    d = np.diff(x)
    if not (np.all(d > 0) or np.all(d < 0)):
        raise LzsmValueError("`path` must be strictly monotonic (increasing or decreasing) without repeated values")
    return x


def _check_commute(h: np.ndarray, x: np.ndarray, syms: tuple[Symmetry, ...], tol: float) -> None:
    hnorm = float(np.max(np.linalg.norm(h, axis=(-2, -1))))
    for s in syms:
        o = s.operator
        c = np.linalg.norm(h @ o - o @ h, axis=(-2, -1))
        k = int(np.argmax(c))
        bound = tol * max(hnorm, 1e-300) * float(np.linalg.norm(o))
        if c[k] > bound:
            raise LzsmValueError(
                f"symmetry operator {s.name!r} does not commute with H: max ||[H(x), O]|| = {c[k]:.3g} at "
                f"x = {x[k]:.6g} (accepted: <= {tol:g} x ||H|| ||O|| = {bound:.3g})"
            )


# --------------------------------------------------------------------------- the search
def find_crossings(
    hamiltonian: Model | Callable[[float], ArrayLike],
    path: ArrayLike,
    symmetries: Any = None,
    *,
    velocity: float | None = None,
    hbar: float | None = None,
    resolution: float = 1e-8,
    contrast: float = 1.5,
    commutator_tol: float = 1e-8,
) -> CrossingTable:
    """Find and classify the level crossings of ``H(x)`` along ``path``.

    Parameters
    ----------
    hamiltonian : an lzsm :class:`~lzsm.models.Model` (single parameter point; its coordinate
        plays the role of x) or a callable ``x -> (N, N)`` Hermitian array.
    path : strictly monotonic coordinate values, at least ``MIN_PATH_POINTS`` (8).  They bracket
        the crossings; positions are refined on the exact H between samples.
    symmetries : operators commuting with H: a mapping ``{"parity": (P, {1: "g", -1: "u"})}``
        (or ``{"parity": P}``), a :class:`Symmetry` or a sequence of them.  None: no
        classification (crossings are ``avoided`` with the note ``unclassified`` or
        ``undecided``).
    velocity : ``v = dx/dt`` for the local Landau–Zener probability (sign irrelevant).
    hbar : Planck's constant in the user's units (default: the model's, else 1).
    resolution : gaps below ``resolution * energy_scale`` count as numerically zero
        (``energy_scale`` = spread of all energies on the path); such minima are ``undecided``.
    contrast : a gap minimum is an avoided crossing only if the gap rises to at least
        ``contrast * Delta`` on both sides (shallow ripples of a gap are not crossings).
    commutator_tol : accepted ``max ||[H(x), O]|| / (||H|| ||O||)`` on the path.

    Returns
    -------
    CrossingTable
        One :class:`Crossing` per true, avoided or undecided crossing (see the module docstring
        for the equations: ``V = Delta/2``, ``F^2 = Delta gap''(x_c)``,
        ``P_LZ = exp(-2 pi V^2/(hbar |F v|))``).

    Reference: J. von Neumann & E. Wigner, Phys. Z. 30, 467 (1929) (non-crossing rule).

    Examples
    --------
    >>> import numpy as np, lzsm
    >>> parity = np.diag([1.0, 1.0, -1.0])  # levels 0 and 1 even, level 2 odd
    >>> h = lambda x: np.array([[x, 0.1, 0.0], [0.1, -x, 0.0], [0.0, 0.0, 0.5 * x + 0.2]])
    >>> table = lzsm.find_crossings(h, np.linspace(-2, 2, 41), {'parity': parity})
    >>> [(c.kind, round(c.gap, 4)) for c in table]  # different symmetry cross, the same avoid (gap 2V)
    [('true', 0.0), ('avoided', 0.2), ('true', 0.0)]
    """
    # convert and check
    x = _path(path)
    ham = _wrap(hamiltonian, x)
    hb = ham.hbar if hbar is None else _checks.positive_scalar(hbar, "hbar")
    vel = None
    if velocity is not None:
        vel = float(_checks.real_array(velocity, "velocity", nonzero=True))
        if np.ndim(velocity) != 0:
            raise LzsmValueError("`velocity` must be a single number dx/dt")
    res = float(_checks.real_array(resolution, "resolution", positive=True))
    if not res < 1:
        raise LzsmValueError(f"`resolution` must be in (0, 1), got {res!r}")
    con = float(_checks.real_array(contrast, "contrast"))
    if not con >= 1:
        raise LzsmValueError(f"`contrast` must be >= 1, got {con!r}")
    ctol = float(_checks.real_array(commutator_tol, "commutator_tol", positive=True))
    syms = _as_symmetries(symmetries)
    h = ham.many(x)
    if h.shape != (x.size, ham.n, ham.n):
        raise LzsmValueError(f"`hamiltonian` gave shape {h.shape} on the path, expected {(x.size, ham.n, ham.n)}")
    _checks.hermitian(h, "hamiltonian(x)")
    blocks = symmetry_blocks(syms, ham.n)
    _check_commute(h, x, syms, ctol)

    # diagonalise the blocks on the path
    block_e = tuple(np.linalg.eigvalsh(b.project(h)) for b in blocks)
    all_e = np.concatenate(block_e, axis=1)
    order = np.argsort(all_e, axis=1, kind="stable")
    energies = np.take_along_axis(all_e, order, axis=1)
    lab = np.array([b.label for b in blocks for _ in range(b.size)], dtype=object)
    level_symmetry = lab[order]
    scale = float(np.ptp(all_e))
    if scale == 0:
        scale = float(np.max(np.abs(all_e))) or 1.0
    thr = res * scale
    span = float(np.ptp(x))
    ctx = _Context(ham, blocks, hb, vel, thr, span, scale, bool(syms))

    rows: list[Crossing] = []
    for ia, a in enumerate(blocks):
        for ib in range(ia + 1, len(blocks)):
            for i in range(a.size):
                for j in range(blocks[ib].size):
                    rows.extend(ctx.true_crossings(x, ia, i, ib, j, block_e[ia][:, i] - block_e[ib][:, j]))
    for ib, b in enumerate(blocks):
        for k in range(b.size - 1):
            rows.extend(ctx.gap_minima(x, ib, k, block_e[ib][:, k + 1] - block_e[ib][:, k], con))
    sign = 1.0 if x[-1] > x[0] else -1.0
    rows.sort(key=lambda r: (sign * r.x, r.level_lower))
    energies.setflags(write=False)
    x = x.copy()
    x.setflags(write=False)
    for e in block_e:
        e.setflags(write=False)
    return CrossingTable(
        tuple(rows), x, energies, level_symmetry.astype(str), blocks, block_e, syms, vel, hb, res, scale, ham.coordinate
    )


@dataclass(frozen=True)
class _Context:
    ham: _Hamiltonian
    blocks: tuple[SymmetryBlock, ...]
    hbar: float
    velocity: float | None
    thr: float
    span: float
    scale: float
    classified: bool

    # ---- exact block quantities at one x
    def block_eigh(self, ib: int, x: float) -> tuple[np.ndarray, np.ndarray]:
        return np.linalg.eigh(self.blocks[ib].project(self.ham.one(x)))

    def block_eigvals(self, ib: int, x: float) -> np.ndarray:
        return np.linalg.eigvalsh(self.blocks[ib].project(self.ham.one(x)))

    def block_slopes(self, ib: int, x: float, idx: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """(eigenvectors[:, idx], <n|dH/dx|m> among them) in block ib at x (Hellmann–Feynman)."""
        _, v = self.block_eigh(ib, x)
        dh = self.blocks[ib].project(self.ham.derivative(x))
        vv = v[:, list(idx)]
        return vv, vv.conj().T @ dh @ vv

    def levels_at(self, x: float, members: tuple[tuple[int, int], tuple[int, int]]) -> tuple[int, float]:
        """(number of other levels below the pair, mean energy of the pair) at x."""
        es = [self.block_eigvals(ib, x) for ib in range(len(self.blocks))]
        pair = [es[ib][k] for ib, k in members]
        mid = 0.5 * (pair[0] + pair[1])
        below = sum(int(np.sum(e < mid)) for e in es) - sum(int(p < mid) for p in pair)
        return below, float(mid)

    def lz(self, gap: float, slope: float) -> tuple[float, float]:
        if self.velocity is None or not np.isfinite(slope):
            return float("nan"), float("nan")
        alpha = abs(self.velocity * slope)
        if alpha == 0:
            return 0.0, float(gap == 0)
        return alpha, float(analytic.lz_probability(gap / 2, alpha, self.hbar))

    # ---- true crossings between two blocks
    def true_crossings(self, x: np.ndarray, ia: int, i: int, ib: int, j: int, d: np.ndarray) -> list[Crossing]:
        s = np.where(np.abs(d) > self.thr, np.sign(d), 0.0)
        nz = np.nonzero(s)[0]
        out = []
        for k1, k2 in itertools.pairwise(nz):
            if s[k1] == s[k2]:
                continue

            def f(t: float) -> float:
                return float(self.block_eigvals(ia, t)[i] - self.block_eigvals(ib, t)[j])

            lo, hi = sorted((float(x[k1]), float(x[k2])))
            xc = optimize.brentq(f, lo, hi, xtol=1e-14 * self.span, rtol=4 * _EPS, maxiter=500)
            _, sa = self.block_slopes(ia, xc, [i])
            _, sb = self.block_slopes(ib, xc, [j])
            slope = abs(float(sa[0, 0].real - sb[0, 0].real))
            below, mid = self.levels_at(xc, ((ia, i), (ib, j)))
            a_first = s[k1] < 0  # block a lower before the crossing
            (la, ka), (lb, kb) = (self.blocks[ia].label, i), (self.blocks[ib].label, j)
            lower, upper = ((la, ka), (lb, kb)) if a_first else ((lb, kb), (la, ka))
            alpha, p = self.lz(0.0, slope)
            out.append(
                Crossing(
                    "true",
                    xc,
                    mid,
                    below,
                    below + 1,
                    lower[0],
                    upper[0],
                    lower[1],
                    upper[1],
                    0.0,
                    0.0,
                    slope,
                    float("nan"),
                    alpha,
                    p,
                    "different symmetry: no coupling, exact crossing",
                )
            )
        return out

    # ---- gap minima within one block
    def gap_minima(self, x: np.ndarray, ib: int, k: int, g: np.ndarray, contrast: float) -> list[Crossing]:
        from scipy import signal  # imported here: it is slow to import and only needed for the search

        gt = np.where(g < self.thr, 0.0, g)
        peaks, props = signal.find_peaks(-gt, plateau_size=1)
        if peaks.size == 0:
            return []
        _, lbase, rbase = signal.peak_prominences(-gt, peaks)
        out = []
        for p, le, re, lb, rb in zip(peaks, props["left_edges"], props["right_edges"], lbase, rbase):
            lo, hi = sorted((float(x[le - 1]), float(x[re + 1])))
            xc, delta = self._refine_minimum(ib, k, lo, hi, float(x[p]), float(g[p]))
            rise = min(gt[lb], gt[rb])
            undecided = delta < self.thr
            if not undecided and rise < contrast * delta:
                continue  # a shallow ripple of the gap, not a crossing
            below, mid = self.levels_at(xc, ((ib, k), (ib, k + 1)))
            label = self.blocks[ib].label
            if undecided:
                f_curv = self._asymptotic_slope_difference(ib, k, xc)
                f_nac = float("nan")
                why = (
                    ("same symmetry block" + (f" {label!r}" if label else ""))
                    if self.classified
                    else "no symmetry operators given"
                )
                note = (
                    f"gap below resolution ({delta:.3g} < {self.thr:.3g}): exact or very weakly avoided "
                    f"crossing cannot be told apart ({why}); slope difference from the adiabatic slopes"
                )
                if re - le >= 2:
                    note += f"; levels degenerate on [{x[le]:.6g}, {x[re]:.6g}]"
                kind = "undecided"
            else:
                f_nac = self._nac_slope_difference(ib, k, xc)
                f_curv = self._curvature_slope_difference(ib, k, xc, delta, f_nac)
                kind = "avoided"
                notes = []
                if not self.classified:
                    notes.append("unclassified: no symmetry operators given")
                if abs(f_curv - f_nac) > 1e-2 * max(f_curv, f_nac):
                    notes.append(
                        f"curvature and derivative-coupling slope differences differ by "
                        f"{100 * abs(f_curv - f_nac) / max(f_curv, f_nac):.3g} %: not an isolated "
                        "two-state crossing"
                    )
                note = "; ".join(notes)
            alpha, pr = self.lz(delta, f_curv)
            out.append(
                Crossing(
                    kind,
                    xc,
                    mid,
                    below,
                    below + 1,
                    label,
                    label,
                    k,
                    k + 1,
                    delta,
                    delta / 2,
                    f_curv,
                    f_nac,
                    alpha,
                    pr,
                    note,
                )
            )
        return out

    def _gap(self, ib: int, k: int, t: float) -> float:
        e = self.block_eigvals(ib, t)
        return float(e[k + 1] - e[k])

    def _dgap(self, ib: int, k: int, t: float) -> float:
        _, m = self.block_slopes(ib, t, [k, k + 1])
        return float(m[1, 1].real - m[0, 0].real)

    def _refine_minimum(self, ib: int, k: int, lo: float, hi: float, xs: float, gs: float) -> tuple[float, float]:
        """Minimum of the exact gap in [lo, hi]: root of gap' (Hellmann–Feynman) when it changes
        sign there, else bounded Brent minimisation."""
        d_lo, d_hi = self._dgap(ib, k, lo), self._dgap(ib, k, hi)
        if d_lo < 0 < d_hi:
            xc = optimize.brentq(
                lambda t: self._dgap(ib, k, t), lo, hi, xtol=1e-14 * self.span, rtol=4 * _EPS, maxiter=500
            )
        else:
            xc = optimize.minimize_scalar(
                lambda t: self._gap(ib, k, t),
                bounds=(lo, hi),
                method="bounded",
                options={"xatol": 1e-13 * self.span, "maxiter": 500},
            ).x
        delta = self._gap(ib, k, xc)
        if gs < delta:  # never worse than the best sample
            xc, delta = xs, gs
        return float(xc), float(delta)

    def _nac_slope_difference(self, ib: int, k: int, xc: float) -> float:
        _, m = self.block_slopes(ib, xc, [k, k + 1])
        return 2.0 * float(abs(m[0, 1]))

    def _curvature_slope_difference(self, ib: int, k: int, xc: float, delta: float, f_est: float) -> float:
        """sqrt(Delta gap''(x_c)), gap'' by the five-point stencil (error O(h^4)), with h balancing
        truncation (h/w)^4 against rounding eps scale/(Delta (h/w)^2) on the width w = Delta/F."""
        w = delta / f_est if f_est > 0 else 1e-3 * self.span
        r = min(0.1, (2 * _EPS * self.scale / max(delta, 1e-300)) ** (1 / 6))
        h = max(r * w, 64 * _EPS * max(abs(xc), self.span))
        g = [self._gap(ib, k, xc + m * h) for m in (-2, -1, 0, 1, 2)]
        g2 = (-g[0] + 16 * g[1] - 30 * g[2] + 16 * g[3] - g[4]) / (12 * h * h)
        return math.sqrt(max(delta * g2, 0.0))

    def _asymptotic_slope_difference(self, ib: int, k: int, xc: float) -> float:
        """(gap'(x_c + s) - gap'(x_c - s))/2 with s = 1e-4 span: the adiabatic slopes either side of a
        (near-)degeneracy, i.e. |F| of the V-shaped gap."""
        s = 1e-4 * self.span
        return abs(0.5 * (self._dgap(ib, k, xc + s) - self._dgap(ib, k, xc - s)))
