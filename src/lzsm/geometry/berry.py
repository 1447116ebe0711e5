"""Berry (geometric) phases, Berry curvature and phase maps of surface models.

For an adiabatic state ``|n(q)>`` carried around a closed loop ``C`` in nuclear (or parameter)
space, the Berry phase (M. V. Berry, Proc. R. Soc. A 392, 45 (1984)) is

.. math::  \\gamma_n(C) = i \\oint_C \\langle n|\\nabla n\\rangle \\cdot dq,

computed here gauge-invariantly, as in ``docs/conventions.md``, from the discretised loop
``q_0, q_1, ..., q_{n-1}, q_n = q_0``:

.. math::  \\gamma_n = -\\arg \\prod_{k=0}^{n-1} \\langle n(q_k)|n(q_{k+1})\\rangle,
           \\qquad |n(q_n)\\rangle = |n(q_0)\\rangle,

which does not depend on the phases the eigensolver gives each state (every state appears
once as a bra and once as a ket: the Pancharatnam phase of the closed sequence; S.
Pancharatnam, Proc. Indian Acad. Sci. A 44, 247 (1956); R. Resta, Rev. Mod. Phys. 66, 899
(1994)).  For a real Hamiltonian the states can be chosen real, every overlap is real, and the
phase is exactly 0 or pi: pi when the loop encloses an odd number of conical intersections of
state n with a neighbour (H. C. Longuet-Higgins, Proc. R. Soc. A 344, 147 (1975);
C. A. Mead and D. G. Truhlar, J. Chem. Phys. 70, 2284 (1979)).  For a complex Hamiltonian the
phase is the flux of the Berry curvature

.. math::  F^n_{ab} = -2\\, \\mathrm{Im} \\sum_{m \\ne n}
           \\frac{\\langle n|\\partial_a V|m\\rangle \\langle m|\\partial_b V|n\\rangle}{(E_m - E_n)^2}

through any surface bounded by the loop; for a spin 1/2 in a field ``b`` the state along ``b``
has ``gamma = -Omega/2``, with ``Omega`` the solid angle the loop subtends at ``b = 0``.
Fluxes through discretised surfaces are sums of plaquette phases (T. Fukui, Y. Hatsugai and
H. Suzuki, J. Phys. Soc. Jpn. 74, 1674 (2005)), an integer multiple of 2 pi for a closed surface.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from lzsm import _checks
from lzsm.errors import LzsmConvergenceWarning, LzsmTypeError, LzsmValueError
from lzsm.models.surfaces import SurfaceModel
from lzsm.results import ArrayResult, Result, Status

Loop = Callable[[np.ndarray], np.ndarray]

#: smallest |<n(q_k)|n(q_k+1)>| accepted: below it the loop is under-resolved (the state turns
#: by more than 60 degrees between neighbouring points), e.g. near a degeneracy.
MIN_OVERLAP = 0.5
#: The most points on one loop (``max_points`` of :func:`berry_phase`, ``n_points`` of the map).
MAX_LOOP_POINTS = 2**24


def wrap_phase(x: ArrayLike) -> np.ndarray:
    """Phases wrapped into ``(-pi, pi]``."""
    x = np.asarray(x, dtype=float)
    return np.pi - np.mod(np.pi - x, 2.0 * np.pi)


def phase_difference(a: ArrayLike, b: ArrayLike) -> np.ndarray:
    """Distance between phases on the circle, in ``[0, pi]``."""
    return np.abs(wrap_phase(np.asarray(a, dtype=float) - np.asarray(b, dtype=float)))


def pancharatnam_phase(vectors: ArrayLike) -> np.ndarray:
    """Gauge-invariant phase ``-arg prod_k <v_k|v_{k+1}>`` of a closed sequence of vectors.

    ``vectors`` has shape ``(..., n, N)``: n vectors of length N; the vector after the last is
    the first (do not repeat it).  Returns ``(...)`` in ``(-pi, pi]``.  Multiplying any vector by
    a phase leaves the result unchanged.  A vanishing overlap makes the phase undefined and is an
    error."""
    v = _checks.complex_array(vectors, "vectors")
    if v.ndim < 2 or v.shape[-2] < 2:
        raise LzsmValueError(f"`vectors` must have shape (..., n, N) with n >= 2, got {v.shape}")
    ov = np.sum(np.conj(v) * np.roll(v, -1, axis=-2), axis=-1)
    norms = np.linalg.norm(v, axis=-1) * np.linalg.norm(np.roll(v, -1, axis=-2), axis=-1)
    mag = np.abs(ov)
    if np.any(mag <= 1e-12 * norms):
        raise LzsmValueError(
            "`vectors`: two consecutive vectors are orthogonal, so the phase is undefined (refine the loop)"
        )
    return _phase_of_overlaps(ov / mag)


def _phase_of_overlaps(unit: np.ndarray) -> np.ndarray:
    if np.isrealobj(unit) or np.all(unit.imag == 0):
        # real states: the product is +1 or -1 exactly
        neg = np.sum(np.real(unit) < 0, axis=-1)
        return np.where(neg % 2 == 1, np.pi, 0.0)
    return wrap_phase(-np.angle(np.prod(unit, axis=-1)))


# --------------------------------------------------------------------------- loops
def loop_from_vectors(centre: ArrayLike, u: ArrayLike, v: ArrayLike) -> Loop:
    """The ellipse ``q(s) = centre + u cos(2 pi s) + v sin(2 pi s)``, s in [0, 1]."""
    c = _checks.real_array(centre, "centre")
    u = _checks.real_array(u, "u")
    v = _checks.real_array(v, "v")
    if not (c.ndim == u.ndim == v.ndim == 1 and c.shape == u.shape == v.shape):
        raise LzsmValueError(f"`centre`, `u`, `v` must be 1-D of equal length, got {c.shape}, {u.shape}, {v.shape}")

    def loop(s: np.ndarray) -> np.ndarray:
        s = np.asarray(s, dtype=float)[..., None]
        return c + u * np.cos(2 * np.pi * s) + v * np.sin(2 * np.pi * s)

    return loop


def circle_loop(centre: ArrayLike, radius: float, plane: tuple[int, int] = (0, 1)) -> Loop:
    """Circle of ``radius`` about ``centre`` in the plane of coordinates ``plane = (a, b)``,
    traversed anticlockwise (from ``+a`` towards ``+b``).

    Examples
    --------
    >>> import lzsm
    >>> loop = lzsm.circle_loop(centre=(0.0, 0.0), radius=0.5)
    >>> loop([0.0, 0.25, 0.5]).round(4)  # s in [0, 1] -> points q (n, 2), anticlockwise
    array([[ 0.5,  0. ],
           [ 0. ,  0.5],
           [-0.5,  0. ]])
    """
    c = _checks.real_array(centre, "centre")
    r = _checks.positive_scalar(radius, "radius")
    if c.ndim != 1 or c.size < 2:
        raise LzsmValueError(f"`centre` must be a point (f,) with f >= 2 coordinates, got shape {c.shape}")
    f = c.size
    a, b = _checks.index_pair(plane, "plane", f)
    u = np.zeros(f)
    v = np.zeros(f)
    u[a] = r
    v[b] = r
    return loop_from_vectors(c, u, v)


# --------------------------------------------------------------------------- the phase of a loop
@dataclass(frozen=True, eq=False, repr=False)
class BerryPhase(Result):
    """Result of :func:`berry_phase`: the Berry phase of one closed loop.

    ``phase`` in (-pi, pi] (Richardson-extrapolated when ``extrapolate`` was on);
    ``n_points`` the number of loop segments used; ``error_estimate`` the difference (on the
    circle) from the previous refinement (or, for a loop given as points, from every other
    point; inf where there was nothing to compare with); ``status`` is ``OK`` when it is below
    ``tol``, ``NOT_CONVERGED`` when it is not, ``NOT_CHECKED`` when it could not be estimated;
    ``min_gap`` the smallest gap of the state to its neighbours along the loop;
    ``min_overlap`` the smallest ``|<n(q_k)|n(q_k+1)>|``; ``history`` pairs (n_points, raw
    discrete phase) of every refinement."""

    phase: float
    state: int
    n_points: int
    tol: float
    min_gap: float
    min_overlap: float
    history: tuple[tuple[int, float], ...]

    kind = "Berry phase"

    @property
    def phase_over_pi(self) -> float:
        return self.phase / np.pi

    @property
    def converged(self) -> bool:
        """True when the phase changed by less than ``tol`` at the last refinement."""
        return bool(int(self.status) == Status.OK)

    @property
    def change(self) -> float:
        """Deprecated name of ``error_estimate``."""
        warnings.warn(
            "BerryPhase.change is deprecated since lzsm 0.2; use BerryPhase.error_estimate",
            DeprecationWarning,
            stacklevel=2,
        )
        return float(self.error_estimate)

    def _coords(self) -> dict[str, Any]:
        return {"n_points": np.array([h[0] for h in self.history])}

    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        return {"phase": ([], self.phase), "berry_phase": (["n_points"], np.array([h[1] for h in self.history]))}

    def _attrs(self) -> dict[str, Any]:
        return {"state": self.state, "tol": self.tol, "min_gap": self.min_gap, "min_overlap": self.min_overlap}

    def to_xarray(self) -> Any:
        """The phase and its refinement history (``berry_phase`` over ``n_points``)."""
        ds = super().to_xarray()
        ds["phase"].attrs.update(units="rad", long_name="Berry phase of the loop, in (-pi, pi]")
        ds["berry_phase"].attrs.update(units="rad", long_name="Berry phase -arg prod <n_k|n_k+1>")
        ds["error_estimate"].attrs["long_name"] = "change of the phase at the last refinement (rad)"
        return ds

    def _summary(self) -> list[str]:
        return [f"phase {self.phase_over_pi:.10g} pi", f"state {self.state}", f"{self.n_points} loop points"]


def _loop_phase(model: SurfaceModel, pts: np.ndarray, state: int, gap_tol: float):
    """Phase, min overlap, min relative gap, and where, for closed loops ``pts (..., n+1, f)``."""
    h = model.hamiltonian(pts[..., :-1, :])
    e, u = np.linalg.eigh(h)
    vec = u[..., :, state]
    ov = np.sum(np.conj(vec) * np.roll(vec, -1, axis=-2), axis=-1)
    mag = np.abs(ov)
    gaps = []
    if state > 0:
        gaps.append(e[..., state] - e[..., state - 1])
    if state < model.n_levels - 1:
        gaps.append(e[..., state + 1] - e[..., state])
    gap = np.min(np.stack(gaps), axis=0)
    scale = np.max(e[..., -1] - e[..., 0], axis=-1)
    rel = np.min(gap, axis=-1) / np.where(scale > 0, scale, 1.0)
    where = np.argmin(gap, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        unit = np.where(mag > 0, ov / np.where(mag > 0, mag, 1.0), 1.0)
    if model.is_real:
        unit = np.real(unit)
    return _phase_of_overlaps(unit), np.min(mag, axis=-1), rel, np.min(gap, axis=-1), where


def _closed_points(model: SurfaceModel, loop: ArrayLike) -> np.ndarray:
    pts = model.coordinates(loop, "loop")
    if pts.ndim != 2 or pts.shape[0] < 4:
        raise LzsmValueError(
            f"`loop` given as points must have shape (n + 1, {model.n_coordinates}) with "
            f"n >= 3 and the last point equal to the first; got shape {pts.shape}"
        )
    size = 1.0 + np.abs(pts).max()
    if np.linalg.norm(pts[0] - pts[-1]) > 1e-10 * size:
        raise LzsmValueError(
            f"`loop` is not closed: its last point {pts[-1].tolist()} differs from its first "
            f"{pts[0].tolist()} (repeat the first point at the end)"
        )
    return pts


def berry_phase(
    model: SurfaceModel,
    loop: Loop | ArrayLike,
    *,
    state: int = 0,
    n_points: int = 64,
    tol: float = 1e-10,
    max_points: int = 2**18,
    gap_tol: float = 1e-9,
    extrapolate: bool | None = None,
) -> BerryPhase:
    """Berry phase of adiabatic ``state`` around a closed loop, ``-arg prod_k <n(q_k)|n(q_k+1)>``.

    Parameters
    ----------
    model : a :class:`~lzsm.models.SurfaceModel`.
    loop : a callable ``s (n,) -> q (n, f)`` on ``s in [0, 1]`` with ``q(1) = q(0)`` (refined by
        doubling the number of points, starting from ``n_points``, until the phase changes by
        less than ``tol``), or an array of points ``(n + 1, f)`` whose last point repeats the
        first (used as given; ``error_estimate`` compares with every other point).
    extrapolate : for a callable loop, Richardson-extrapolate successive refinements (the
        discrete phase of a smooth loop converges as n^-2, the extrapolated one as n^-4);
        default: on for complex models (for real ones the phase is exactly 0 or pi).
    state : adiabatic index (0 = lowest).
    gap_tol : a loop on which the state comes within ``gap_tol`` x (spectral width) of a
        neighbour passes through a degeneracy: an error.

    A loop that is not closed, passes through a degeneracy, or a non-Hermitian model raises
    :class:`~lzsm.errors.LzsmValueError`.  If the phase still changes by ``tol`` or more (the
    refinement reached ``max_points``, or the given points do not resolve the loop that well),
    the result has status ``NOT_CONVERGED`` and an :class:`~lzsm.errors.LzsmConvergenceWarning`
    is issued.

    Examples
    --------
    >>> import lzsm
    >>> model = lzsm.JahnTellerExE(k=1.0)
    >>> around_origin = lzsm.berry_phase(model, lzsm.circle_loop((0.0, 0.0), 0.5))
    >>> round(float(around_origin.phase), 6)  # the loop encloses the conical intersection: pi
    3.141593
    >>> elsewhere = lzsm.berry_phase(model, lzsm.circle_loop((2.0, 0.0), 0.5))
    >>> round(abs(float(elsewhere.phase)), 6)  # it does not: 0
    0.0
    """
    _checks.surface_model(model)
    state = _checks.integer(state, "state", low=0, high=model.n_levels - 1)
    tol = _checks.tolerance(tol, "tol", high=None)
    gap_tol = _checks.positive_scalar(gap_tol, "gap_tol")
    max_points = _checks.integer(max_points, "max_points", low=4, high=MAX_LOOP_POINTS)
    n_points = _checks.integer(n_points, "n_points", low=4, high=MAX_LOOP_POINTS)
    if extrapolate is not None and not isinstance(extrapolate, (bool, np.bool_)):
        raise LzsmTypeError(f"`extrapolate` must be True, False or None, got {extrapolate!r}")

    def check_gap(rel, gmin, pts, where):
        if rel < gap_tol:
            raise LzsmValueError(
                f"the loop passes through a degeneracy of state {state} with a neighbour "
                f"(gap {gmin:.3g} at q = {np.round(pts[where], 12).tolist()}); the Berry phase "
                "of a loop through an intersection is undefined"
            )

    if extrapolate is None:
        extrapolate = not model.is_real
    if callable(loop):
        start = _checks.real_array(loop(np.array([0.0])), "loop(0)")
        end = _checks.real_array(loop(np.array([1.0])), "loop(1)")
        if start.shape != (1, model.n_coordinates):
            raise LzsmValueError(
                f"`loop(s)` must return shape (len(s), {model.n_coordinates}), got {start.shape} for s of length 1"
            )
        if np.linalg.norm(start - end) > 1e-10 * (1.0 + np.abs(start).max()):
            raise LzsmValueError(f"`loop` is not closed: loop(0) = {start[0].tolist()} but loop(1) = {end[0].tolist()}")
        history: list[tuple[int, float]] = []
        n, prev, prev_x, change = int(n_points), None, None, np.inf
        while True:
            pts = model.coordinates(loop(np.linspace(0.0, 1.0, n + 1)), "loop(s)")
            pts[-1] = pts[0]
            raw, mo, rel, gmin, where = _loop_phase(model, pts, state, gap_tol)
            check_gap(rel, gmin, pts, where)
            raw = float(raw)
            history.append((n, raw))
            ph = raw
            if prev is not None and mo >= MIN_OVERLAP:
                if extrapolate:
                    # the discrete phase of a smooth loop has an error ~ n^-2: Richardson step
                    ph = float(wrap_phase(raw + wrap_phase(raw - prev) / 3.0))
                    if prev_x is not None:
                        change = float(phase_difference(ph, prev_x))
                    prev_x = ph
                else:
                    change = float(phase_difference(raw, prev))
                if change < tol:
                    break
            if 2 * n > max_points:
                if mo < MIN_OVERLAP:
                    raise LzsmValueError(
                        f"the loop passes too close to a degeneracy to be resolved with "
                        f"{n} points (state turns by {np.degrees(np.arccos(mo)):.0f} degrees "
                        "between neighbouring points); it may pass through an intersection"
                    )
                break
            prev = raw if mo >= MIN_OVERLAP else None
            if prev is None:
                prev_x = None
            n *= 2
        return _berry_result(ph, state, n, change, tol, gmin, mo, history, refined=True)
    if isinstance(loop, (str, bytes)) or loop is None:
        raise LzsmTypeError("`loop` must be a callable s -> q or an array of points (n + 1, f)")
    pts = _closed_points(model, loop)
    ph, mo, rel, gmin, where = _loop_phase(model, pts, state, gap_tol)
    check_gap(rel, gmin, pts, where)
    if mo < MIN_OVERLAP:
        raise LzsmValueError(
            f"the loop is under-resolved: the state turns by {np.degrees(np.arccos(mo)):.0f} "
            "degrees between neighbouring points (refine it; it may pass through or close to "
            "an intersection)"
        )
    n = pts.shape[0] - 1
    history = [(n, float(ph))]
    change = np.inf
    if n % 2 == 0 and n >= 8:
        ph2, mo2, *_ = _loop_phase(model, pts[::2], state, gap_tol)
        if mo2 >= MIN_OVERLAP:
            change = float(phase_difference(ph, ph2))
            history.insert(0, (n // 2, float(ph2)))
    return _berry_result(float(ph), state, n, change, tol, gmin, mo, history, refined=False)


def _berry_result(
    phase: float,
    state: int,
    n: int,
    change: float,
    tol: float,
    gmin: Any,
    mo: Any,
    history: list[tuple[int, float]],
    *,
    refined: bool,
) -> BerryPhase:
    """The result, its status (``NOT_CHECKED``: given points with nothing to compare with) and
    the warning when the phase did not settle to ``tol``."""
    if change < tol:
        status = Status.OK
    elif refined or np.isfinite(change):
        status = Status.NOT_CONVERGED
    else:
        status = Status.NOT_CHECKED
    if status == Status.NOT_CONVERGED:
        warnings.warn(
            f"Berry phase not converged to {tol:g} with {n} points (last change {change:.3g}); see BerryPhase.status",
            LzsmConvergenceWarning,
            stacklevel=3,
        )
    return BerryPhase(
        phase,
        int(state),
        n,
        tol,
        float(gmin),
        float(mo),
        tuple(history),
        status=status,
        error_estimate=float(change),
        method="pancharatnam",
    )


# --------------------------------------------------------------------------- curvature and flux
def berry_curvature(
    model: SurfaceModel, q: ArrayLike, *, state: int = 0, plane: tuple[int, int] = (0, 1)
) -> np.ndarray:
    """Berry curvature ``F_ab = d_a A_b - d_b A_a`` (``A = i<n|grad n>``) of adiabatic ``state``
    in the coordinate plane ``(a, b)``, from the sum over states

    .. math:: F^n_{ab} = -2\\,\\mathrm{Im}\\sum_{m\\ne n}
              \\frac{\\langle n|\\partial_a V|m\\rangle\\langle m|\\partial_b V|n\\rangle}{(E_m - E_n)^2}

    (Berry 1984).  Shape ``q.shape[:-1]``.  Zero away from degeneracies for a real model (its
    curvature is concentrated on the seam); NaN at a degeneracy."""
    f = _checks.surface_model(model).n_coordinates
    a, b = _checks.index_pair(plane, "plane", f)
    state = _checks.integer(state, "state", low=0, high=model.n_levels - 1)
    e, m = model._matrix_elements(model.coordinates(q))
    de = e - e[..., state, None]
    others = np.arange(model.n_levels) != state
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = m[..., a, state, :] * m[..., b, :, state] / de**2
    return -2.0 * np.imag(np.sum(terms[..., others], axis=-1))


@dataclass(frozen=True, eq=False, repr=False)
class BerryFlux(Result):
    """Result of :func:`berry_flux`: the flux of the Berry curvature through a discretised
    surface, ``total`` and the plaquette phases ``(nu - 1, nv - 1)``; for a closed surface
    ``total / (2 pi)`` is the Chern number."""

    total: float
    plaquettes: np.ndarray
    state: int

    kind = "Berry flux"

    @property
    def chern_number(self) -> float:
        return self.total / (2.0 * np.pi)

    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        return {
            "total": ([], self.total),
            "chern_number": ([], self.chern_number),
            "plaquette_phase": (["plaquette_u", "plaquette_v"], self.plaquettes),
        }

    def _attrs(self) -> dict[str, Any]:
        return {"state": self.state}

    def to_xarray(self) -> Any:
        """The total flux, ``total / (2 pi)`` and the plaquette phases over ``(plaquette_u, plaquette_v)``."""
        ds = super().to_xarray()
        ds["total"].attrs.update(units="rad", long_name="flux of the Berry curvature (sum of plaquette phases)")
        ds["plaquette_phase"].attrs.update(units="rad", long_name="Berry phase of each plaquette, in (-pi, pi]")
        return ds

    def _summary(self) -> list[str]:
        return [
            f"flux {self.total:.10g}",
            f"total / 2 pi = {self.chern_number:.10g}",
            f"state {self.state}",
            f"{self.plaquettes.size} plaquettes",
        ]


def berry_flux(model: SurfaceModel, surface: ArrayLike, *, state: int = 0, gap_tol: float = 1e-9) -> BerryFlux:
    """Gauge-invariant flux through a surface given as a grid of points ``(nu, nv, f)``: the sum
    of the Berry phases of its plaquettes ``(k, l) -> (k+1, l) -> (k+1, l+1) -> (k, l+1)``, each in
    (-pi, pi] (Fukui, Hatsugai & Suzuki 2005).  Orientation: from the first grid direction
    towards the second.  A closed surface repeats its first row/column at the end."""
    pts = _checks.surface_model(model).coordinates(surface, "surface")
    state = _checks.integer(state, "state", low=0, high=model.n_levels - 1)
    gap_tol = _checks.positive_scalar(gap_tol, "gap_tol")
    if pts.ndim != 3 or pts.shape[0] < 2 or pts.shape[1] < 2:
        raise LzsmValueError(
            f"`surface` must be a grid of points (nu, nv, {model.n_coordinates}) with nu, nv >= 2, "
            f"got shape {pts.shape}"
        )
    e, u = model.eigensystem(pts)
    gaps = []
    if state > 0:
        gaps.append(e[..., state] - e[..., state - 1])
    if state < model.n_levels - 1:
        gaps.append(e[..., state + 1] - e[..., state])
    scale = float(np.max(e[..., -1] - e[..., 0]))
    if np.min(np.stack(gaps)) < gap_tol * scale:
        raise LzsmValueError("the surface passes through a degeneracy of the state; the flux is undefined there")
    v = u[..., :, state]
    corners = np.stack([v[:-1, :-1], v[1:, :-1], v[1:, 1:], v[:-1, 1:]], axis=-2)
    ov = np.sum(np.conj(corners) * np.roll(corners, -1, axis=-2), axis=-1)
    mag = np.abs(ov)
    if np.min(mag) < MIN_OVERLAP:
        raise LzsmValueError("the surface grid is too coarse (a plaquette's states are nearly orthogonal); refine it")
    plaq = _phase_of_overlaps(ov / mag)
    return BerryFlux(float(np.sum(plaq)), plaq, int(state), method="fukui-hatsugai-suzuki")


# --------------------------------------------------------------------------- maps
@dataclass(frozen=True, eq=False, repr=False)
class BerryPhaseMap(ArrayResult):
    """Result of :func:`berry_phase_map`: the Berry phase of circles over a grid of centres and
    radii, ``phase (radius, y, x)`` in (-pi, pi]; the result behaves as that array.

    The grid points are the loops: ``status`` is ``FAILED`` (and ``phase`` NaN) for loops
    through or unresolvably close to a degeneracy, ``OK`` elsewhere for a real model (the
    phase is exactly 0 or pi), ``NOT_CHECKED`` for a complex one (``n_points`` is not refined).
    ``to_xarray()`` gives the ``berry_phase`` variable of the ``xarray.DataArray`` that
    lzsm 0.1 returned."""

    phase: np.ndarray
    radius: np.ndarray
    x: np.ndarray
    y: np.ndarray
    state: int
    plane: tuple[int, int]
    n_points: int

    kind = "Berry phase map"
    _array = "phase"

    @property
    def n_unresolved(self) -> int:
        """Number of loops left NaN."""
        return int(np.isnan(self.phase).sum())

    def _grid(self) -> tuple[tuple[int, ...], list[str], dict[str, np.ndarray]]:
        return self.phase.shape, ["radius", "y", "x"], {"radius": self.radius, "y": self.y, "x": self.x}

    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        return {"berry_phase": (["radius", "y", "x"], self.phase)}

    def _attrs(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "plane": list(self.plane),
            "n_points": self.n_points,
            "n_unresolved": self.n_unresolved,
        }

    def to_xarray(self) -> Any:
        """``berry_phase (radius, y, x)`` with the per-loop status; loop settings in attrs."""
        ds = super().to_xarray()
        ds["berry_phase"].attrs.update(units="rad", long_name="Berry phase of the circle")
        ds["x"].attrs["long_name"] = f"centre q{self.plane[0] + 1}"
        ds["y"].attrs["long_name"] = f"centre q{self.plane[1] + 1}"
        return ds

    def _summary(self) -> list[str]:
        return [f"state {self.state}", f"{self.n_points} points per loop"]

    def __getattr__(self, name: str) -> Any:
        """NumPy's array attributes act on ``phase``; those of the ``xarray.DataArray`` that
        :func:`berry_phase_map` returned in lzsm 0.1 (``values``, ``attrs``, ``sel``...) still
        work, with a DeprecationWarning."""
        try:
            return super().__getattr__(name)
        except AttributeError:
            import xarray as xr

            if name.startswith("_") or not hasattr(xr.DataArray, name):
                raise
        warnings.warn(
            f"berry_phase_map returns a BerryPhaseMap since lzsm 0.2; `.{name}` of the former "
            f"xarray.DataArray is deprecated: use `.to_xarray()['berry_phase'].{name}` (or `.phase`, "
            "`.n_unresolved`)",
            DeprecationWarning,
            stacklevel=2,
        )
        da = self.to_xarray()["berry_phase"]
        da.attrs.update(self._attrs(), lzsm_version=self.version)
        return getattr(da, name)


def berry_phase_map(
    model: SurfaceModel,
    x: ArrayLike,
    y: ArrayLike,
    radii: ArrayLike,
    *,
    state: int = 0,
    plane: tuple[int, int] = (0, 1),
    origin: ArrayLike | None = None,
    n_points: int = 512,
    gap_tol: float = 1e-9,
) -> BerryPhaseMap:
    """Berry phase of circles of every radius in ``radii`` centred at every ``(x, y)`` of the
    coordinate plane ``plane`` through ``origin`` (default 0): a :class:`BerryPhaseMap`,
    ``phase (radius, y, x)`` in (-pi, pi], each loop discretised with ``n_points`` segments
    (``gamma = -arg prod_k <n(q_k)|n(q_k+1)>``, as :func:`berry_phase`).

    Loops that pass within ``gap_tol`` (relative) of a degeneracy, or that ``n_points`` do not
    resolve (an overlap below 0.5), are NaN with status ``FAILED``; their number is
    ``n_unresolved``."""
    xs = np.atleast_1d(_checks.real_array(x, "x"))
    ys = np.atleast_1d(_checks.real_array(y, "y"))
    rs = np.atleast_1d(_checks.real_array(radii, "radii", positive=True))
    if xs.ndim != 1 or ys.ndim != 1 or rs.ndim != 1:
        shapes = f"{xs.shape}, {ys.shape}, {rs.shape}"
        raise LzsmValueError(f"`x`, `y` and `radii` must be numbers or 1-D arrays, got shapes {shapes}")
    f = _checks.surface_model(model).n_coordinates
    a, b = _checks.index_pair(plane, "plane", f)
    state = _checks.integer(state, "state", low=0, high=model.n_levels - 1)
    n_points = _checks.integer(n_points, "n_points", low=4, high=MAX_LOOP_POINTS)
    gap_tol = _checks.positive_scalar(gap_tol, "gap_tol")
    o = np.zeros(f) if origin is None else model.coordinates(origin, "origin")
    if o.shape != (f,):
        raise LzsmValueError(f"`origin` must be one point ({f},), got shape {o.shape}")
    s = np.linspace(0.0, 2 * np.pi, n_points + 1)
    out = np.empty((rs.size, ys.size, xs.size))
    for ir, r in enumerate(rs):
        pts = np.broadcast_to(o, (ys.size, xs.size, n_points + 1, f)).copy()
        pts[..., a] = xs[None, :, None] + r * np.cos(s)
        pts[..., b] = ys[:, None, None] + r * np.sin(s)
        pts[..., -1, :] = pts[..., 0, :]
        ph, mo, rel, _, _ = _loop_phase(model, pts, state, gap_tol)
        out[ir] = np.where((mo >= MIN_OVERLAP) & (rel >= gap_tol), ph, np.nan)
    resolved = Status.OK if model.is_real else Status.NOT_CHECKED
    status = np.where(np.isnan(out), int(Status.FAILED), int(resolved))
    return BerryPhaseMap(
        out, rs, xs, ys, int(state), (int(a), int(b)), int(n_points), status=status, method="pancharatnam"
    )


def enclosed_count(points: ArrayLike, centres: ArrayLike, radius: float) -> np.ndarray:
    """How many of the 2-D ``points (n, 2)`` lie inside circles of ``radius`` about ``centres (..., 2)``."""
    p = _checks.real_array(points, "points")
    if p.ndim != 2 or p.shape[1] != 2:
        raise LzsmValueError(f"`points` must be 2-D points of shape (n, 2), got shape {p.shape}")
    c = _checks.real_array(centres, "centres")
    if c.ndim == 0 or c.shape[-1] != 2:
        raise LzsmValueError(f"`centres` must be 2-D points of shape (..., 2), got shape {c.shape}")
    r = _checks.real_scalar(radius, "radius", nonnegative=True)
    d = np.linalg.norm(c[..., None, :] - p, axis=-1)
    return np.sum(d < r, axis=-1)
