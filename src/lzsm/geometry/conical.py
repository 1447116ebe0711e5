"""Conical intersections of potential-energy surfaces: seams, branching spaces, MECIs.

A surface model is a diabatic potential matrix ``V(q)`` (N x N, Hermitian) of ``f`` nuclear
coordinates, evaluated on arrays ``q`` of shape ``(..., f)``; it defines only ``V`` and its
gradient ``dV/dq_i`` and derives every adiabatic quantity (energies, states, Hellmann–Feynman
gradients, non-adiabatic coupling vectors).  Two states of a *real* Hamiltonian become
degenerate where two conditions hold (equal diagonal elements and zero coupling in any local
two-state basis), so in ``f`` coordinates they intersect on a seam of dimension ``f - 2``
(von Neumann & Wigner, Phys. Z. 30, 467 (1929); ``docs/conventions.md``, Geometry).  Near a point of
the seam the two energies form a double cone over the two-dimensional *branching space*
spanned by

.. math::  \\mathbf g = (\\nabla E_j - \\nabla E_i) / 2 \\quad \\text{(half the gradient difference)},
           \\qquad \\mathbf h = \\langle i| \\nabla V |j\\rangle \\quad \\text{(the interstate coupling vector)},

and, with ``s = (grad E_i + grad E_j)/2`` and the displacement written as ``x g^ + y h^``,

.. math::  E_{i,j}(x, y) = E_X + s_x x + s_y y \\mp \\sqrt{|\\mathbf g|^2 x^2 + |\\mathbf h|^2 y^2},

once the degenerate pair has been rotated so that ``g . h = 0`` (D. R. Yarkony, J. Chem.
Phys. 114, 2601 (2001)).  The shape of the cone is summarised by the pitch
``delta_gh = sqrt((|g|^2 + |h|^2)/2)``, the asymmetry ``Delta_gh = (|g|^2 - |h|^2)/(|g|^2 + |h|^2)``,
the relative tilt ``sigma = |(s_x, s_y)| / delta_gh`` with heading ``theta_s = atan2(s_y, s_x)``
and the peaked/sloped indicator

.. math::  P = \\frac{\\sigma^2}{1 - \\Delta_{gh}^2} (1 - \\Delta_{gh} \\cos 2\\theta_s)
           = \\frac{s_x^2}{|\\mathbf g|^2} + \\frac{s_y^2}{|\\mathbf h|^2},

peaked for ``P < 1``, sloped for ``P > 1`` (I. Fdez. Galván, M. G. Delcey, T. B. Pedersen,
F. Aquilante and R. Lindh, J. Chem. Theory Comput. 12, 3636 (2016)).

Models: :mod:`lzsm.models.surfaces`.

Finding intersections: :func:`find_meci` (minimum-energy conical intersection: Newton steps
on the two degeneracy conditions in the branching space, energy minimised in its orthogonal
complement — the gradient-projection idea of M. J. Bearpark, M. A. Robb and H. B. Schlegel,
Chem. Phys. Lett. 223, 269 (1994), with a Newton (KKT) step in place of their steepest
descent), :func:`project_to_seam`, :func:`seam_dimension`, :func:`trace_seam`,
:func:`branching_space`, and :func:`classify_crossing` (conical intersection or avoided
crossing, by symmetry when the user gives one).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from lzsm import _checks
from lzsm.errors import LzsmConvergenceWarning, LzsmValueError
from lzsm.models.surfaces import SurfaceModel
from lzsm.results import ArrayResult, Result, Status


# =========================================================================== branching space
@dataclass(frozen=True, eq=False, repr=False)
class BranchingSpace(Result):
    """Result of :func:`branching_space`: the local double cone at a point of the seam of
    states ``(i, j)``.

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

    kind = "branching space"

    @property
    def rank(self) -> int:
        """Dimension of the branching space (2 at a conical intersection)."""
        return int(
            np.sum(
                np.array([np.linalg.norm(self.g), np.linalg.norm(self.h)])
                > 1e-10 * max(float(np.linalg.norm(self.g)), 1e-300)
            )
        )

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
        """The cone's fields (arrays as lists)."""
        base = {f.name for f in fields(Result)}
        out: dict[str, Any] = {}
        for f in fields(self):
            if f.name not in base:
                v = getattr(self, f.name)
                out[f.name] = v.tolist() if isinstance(v, np.ndarray) else v
        return out

    def _coords(self) -> dict[str, Any]:
        return {"coordinate": np.arange(self.q.size)}

    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        vectors: dict[str, tuple[list[str], Any]] = {
            name: (["coordinate"], getattr(self, name)) for name in ("q", "g", "h", "s", "x_hat", "y_hat")
        }
        scalars: dict[str, tuple[list[str], Any]] = {
            name: ([], getattr(self, name))
            for name in (
                "energy",
                "gap",
                "s_x",
                "s_y",
                "pitch",
                "asymmetry",
                "relative_tilt",
                "tilt_heading",
                "peaked_sloped",
                "n_descent_paths",
                "rank",
            )
        }
        return {**vectors, **scalars}

    def _attrs(self) -> dict[str, Any]:
        return {"states": list(self.states), "topography": self.topography}

    def _summary(self) -> list[str]:
        return [f"states {self.states}", f"gap {self.gap:.3g}", self.topography]


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
        raise LzsmValueError(
            "branching_space needs a real (symmetric) model; a complex Hermitian "
            "degeneracy has three conditions, not two"
        )
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
    pitch = float(np.sqrt(0.5 * (ng**2 + nh**2)))
    asym = float((ng**2 - nh**2) / (ng**2 + nh**2)) if pitch > 0 else 0.0
    tilt = float(np.hypot(sx, sy) / pitch) if pitch > 0 else np.inf
    heading = float(np.arctan2(sy, sx))
    with np.errstate(divide="ignore", invalid="ignore"):
        p = float(sx**2 / ng**2 + (sy**2 / nh**2 if nh > 0 else (np.inf if sy != 0 else 0.0)))
    theta = np.linspace(0.0, 2 * np.pi, 3600, endpoint=False)
    lower = sx * np.cos(theta) + sy * np.sin(theta) - np.hypot(ng * np.cos(theta), nh * np.sin(theta))
    if np.ptp(lower) <= 1e-9 * max(pitch, 1e-300):
        n_min = 0  # circular cone, no tilt: every direction is equivalent
    else:
        n_min = int(np.sum((lower < np.roll(lower, 1)) & (lower < np.roll(lower, -1))))
    return BranchingSpace(
        q=qa.copy(),
        states=(i, j),
        energy=float(0.5 * (e[i] + e[j])),
        gap=float(e[j] - e[i]),
        g=g,
        h=h,
        s=s,
        x_hat=x_hat,
        y_hat=y_hat,
        s_x=sx,
        s_y=sy,
        pitch=pitch,
        asymmetry=asym,
        relative_tilt=tilt,
        tilt_heading=heading,
        peaked_sloped=p,
        n_descent_paths=n_min,
        method="yarkony",
    )


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


@dataclass(frozen=True, eq=False, repr=False)
class ConicalIntersection(Result):
    """Result of :func:`find_meci`: the point ``q``, its mean energy and gap, the gradient
    projected onto the seam space, the Newton–KKT ``iterations`` and the cone (``branching``).

    ``status`` is ``OK`` when both tolerances were met, ``NOT_CONVERGED`` when
    ``max_iterations`` ran out (e.g. the states do not intersect: an avoided crossing)."""

    q: np.ndarray
    energy: float
    gap: float
    projected_gradient: float
    iterations: int
    branching: BranchingSpace

    kind = "conical intersection (MECI)"

    @property
    def converged(self) -> bool:
        """True when the gap and the projected gradient met their tolerances."""
        return bool(int(self.status) == Status.OK)

    @property
    def message(self) -> str:  # type: ignore[override]
        """``'converged'`` or why not."""
        return "converged" if self.converged else "maximum number of iterations reached"

    def _coords(self) -> dict[str, Any]:
        return {"coordinate": np.arange(self.q.size)}

    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        return {
            "q": (["coordinate"], self.q),
            "energy": ([], self.energy),
            "gap": ([], self.gap),
            "projected_gradient": ([], self.projected_gradient),
            "iterations": ([], self.iterations),
        }

    def _attrs(self) -> dict[str, Any]:
        return {"states": list(self.branching.states), "topography": self.branching.topography}

    def _summary(self) -> list[str]:
        return [
            f"states {self.branching.states}",
            f"E = {self.energy:.10g}",
            f"gap {self.gap:.3g}",
            f"{self.iterations} iterations",
        ]


def find_meci(
    model: SurfaceModel,
    q0: ArrayLike,
    states: tuple[int, int] = (0, 1),
    *,
    gap_tol: float = 1e-10,
    gradient_tol: float = 1e-8,
    max_iterations: int = 100,
    max_step: float = 0.5,
    fd_step: float = 1e-5,
) -> ConicalIntersection:
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
    crossing) the result has status ``NOT_CONVERGED`` (``converged`` False, with an
    :class:`~lzsm.errors.LzsmConvergenceWarning`) and its ``gap`` is the smallest gap reached.

    Examples
    --------
    >>> import lzsm
    >>> model = lzsm.JahnTellerExE(k=1.0, g=0.2)  # quadratic coupling: three more intersections
    >>> ci = lzsm.find_meci(model, [4.0, 0.5])
    >>> ci.converged, ci.q.round(4)  # the one at (k/(2g), sqrt(3) k/(2g))
    (True, array([2.5   , 4.3301]))
    """
    i, j = model._check_states(states)
    if not model.is_real:
        raise LzsmValueError("find_meci needs a real (symmetric) model (two degeneracy conditions)")
    q = model.coordinates(q0, "q0").astype(float).copy()
    if q.ndim != 1:
        raise LzsmValueError(f"`q0` must be a single point of shape ({model.n_coordinates},), got {q.shape}")
    gap_tol = _checks.positive_scalar(gap_tol, "gap_tol")
    gradient_tol = _checks.positive_scalar(gradient_tol, "gradient_tol")
    max_iterations = _checks.integer(max_iterations, "max_iterations", low=1)
    max_step = _checks.positive_scalar(max_step, "max_step")
    fd_step = _checks.positive_scalar(fd_step, "fd_step")
    f = model.n_coordinates
    converged, it, pg, gap = False, 0, np.inf, np.inf
    for it in range(1, max_iterations + 1):  # noqa: B007 - the count is reported after the loop
        gap, _, a, _ = _degeneracy_step(model, q, i, j)
        grad = _mean_gradient(model, q, i, j)
        # projector onto the seam space (orthogonal complement of the branching space)
        qb, rb = np.linalg.qr(a.T)
        keep = np.abs(np.diag(rb)) > 1e-12 * max(np.abs(rb).max(), 1e-300)
        qb = qb[:, keep]
        proj = np.eye(f) - qb @ qb.T
        pg = float(np.linalg.norm(proj @ grad))
        if abs(gap) < gap_tol and pg < gradient_tol:
            converged = True
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
    if not converged:
        warnings.warn(
            f"find_meci: no intersection of states {(i, j)} reached within {max_iterations} iterations "
            f"(gap {float(e[j] - e[i]):.3g}, projected gradient {pg:.3g}); see ConicalIntersection.status",
            LzsmConvergenceWarning,
            stacklevel=2,
        )
    return ConicalIntersection(
        q=q,
        energy=float(0.5 * (e[i] + e[j])),
        gap=float(e[j] - e[i]),
        projected_gradient=pg,
        iterations=it,
        branching=br,
        method="newton-kkt",
        status=Status.OK if converged else Status.NOT_CONVERGED,
    )


def project_to_seam(
    model: SurfaceModel,
    seeds: ArrayLike,
    states: tuple[int, int] = (0, 1),
    *,
    gap_tol: float = 1e-11,
    max_iterations: int = 60,
    max_step: float = 1.0,
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


@dataclass(frozen=True, eq=False, repr=False)
class SeamDimension(Result):
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

    kind = "seam dimension"

    def _coords(self) -> dict[str, Any]:
        return {"coordinate": np.arange(self.q.size), "direction": np.arange(self.singular_values.size)}

    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        return {
            "q": (["coordinate"], self.q),
            "tangent": ([], self.tangent),
            "sampled": ([], self.sampled),
            "singular_values": (["direction"], self.singular_values),
        }

    def _attrs(self) -> dict[str, Any]:
        return {"radius": self.radius}

    def _summary(self) -> list[str]:
        return [f"tangent {self.tangent}", f"sampled {self.sampled}", f"f = {self.q.size}"]


def seam_dimension(
    model: SurfaceModel,
    q: ArrayLike,
    states: tuple[int, int] = (0, 1),
    *,
    radius: float = 1e-3,
    n_samples: int | None = None,
    threshold: float = 0.05,
    seed: int = 0,
) -> SeamDimension:
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
        raise LzsmValueError(
            f"too few seeds reached the seam ({len(disp)} of {n}); is q on the seam? (gap there {gap:.3g})"
        )
    # a seed spread of `radius` per direction gives singular values ~ radius sqrt(n) along the seam
    sv = np.linalg.svd(disp, compute_uv=False) / (radius * np.sqrt(len(disp)))
    return SeamDimension(
        q=qa.copy(),
        tangent=f - rank,
        sampled=int(np.sum(sv > threshold)),
        singular_values=sv,
        radius=float(radius),
        method="tangent and sampled",
    )


@dataclass(frozen=True, eq=False, repr=False)
class SeamTrace(ArrayResult):
    """Result of :func:`trace_seam`: points along a one-dimensional seam, ``points (n, f)``;
    the result behaves as that array.  ``gaps`` is the gap of the pair at each point,
    ``n_steps`` the steps taken; ``status`` is ``NOT_CONVERGED`` when the corrector failed to
    reach the seam (at the start, or at a step: the trace stops there)."""

    points: np.ndarray
    gaps: np.ndarray
    states: tuple[int, int]
    step: float

    kind = "seam trace"
    _array = "points"

    def _coords(self) -> dict[str, Any]:
        return {"seam_point": np.arange(self.points.shape[0]), "coordinate": np.arange(self.points.shape[1])}

    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        return {"points": (["seam_point", "coordinate"], self.points), "gap": (["seam_point"], self.gaps)}

    def _attrs(self) -> dict[str, Any]:
        return {"states": list(self.states), "step": self.step}

    def _summary(self) -> list[str]:
        return [f"states {self.states}", f"{self.points.shape[0]} points", f"step {self.step:g}"]


def trace_seam(
    model: SurfaceModel,
    start: ArrayLike,
    states: tuple[int, int] = (0, 1),
    *,
    step: float = 0.05,
    n_steps: int = 100,
    direction: ArrayLike | None = None,
) -> SeamTrace:
    """Follow a one-dimensional seam (``f = 3``, or any seam whose tangent space is a line)
    from ``start``: predictor along the tangent (null space of ``g, h``), corrector by
    :func:`project_to_seam`.  Returns a :class:`SeamTrace` of up to ``n_steps + 1`` points
    ``(n, f)``; if the corrector fails the trace stops there with status ``NOT_CONVERGED``
    and an :class:`~lzsm.errors.LzsmConvergenceWarning`."""
    i, j = model._check_states(states)
    f = model.n_coordinates
    start_pts, start_gap, start_ok = project_to_seam(model, start, (i, j))
    q = start_pts[0]
    step = _checks.positive_scalar(step, "step")
    n_steps = _checks.integer(n_steps, "n_steps", low=0)
    prev = None if direction is None else _checks.real_array(direction, "direction")
    out, gaps, ok = [q], [float(start_gap[0])], bool(start_ok[0])
    for _ in range(n_steps):
        _, _, a, _ = _degeneracy_step(model, q, i, j)
        _, sv, vt = np.linalg.svd(a, full_matrices=True)
        tang = vt[2:] if len(sv) == 2 else vt[1:]
        if tang.shape[0] != 1:
            raise LzsmValueError(
                f"trace_seam follows one-dimensional seams; here the seam has dimension {tang.shape[0]} (f = {f})"
            )
        t = tang[0]
        if prev is not None and t @ prev < 0:
            t = -t
        pts, gap, reached = project_to_seam(model, q + step * t, (i, j))
        if not reached[0]:
            ok = False
            break
        q, prev = pts[0], t
        out.append(q)
        gaps.append(float(gap[0]))
    if not ok:
        where = "at the start" if not start_ok[0] else f"after {len(out) - 1} steps"
        warnings.warn(
            f"trace_seam: the corrector did not reach the seam of states {(i, j)} {where}; see SeamTrace.status",
            LzsmConvergenceWarning,
            stacklevel=2,
        )
    return SeamTrace(
        np.array(out),
        np.array(gaps),
        (i, j),
        step,
        n_steps=len(out) - 1,
        status=Status.OK if ok else Status.NOT_CONVERGED,
        method="predictor-corrector",
    )


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
        f, n = model.n_coordinates, model.n_levels
        r, s = np.asarray(self.coordinate_map), np.asarray(self.state_operator)  # arrays since __post_init__
        if r.shape != (f, f) or s.shape != (n, n):
            raise LzsmValueError(
                f"symmetry {self.name!r} has shapes {r.shape} and {s.shape}; the model needs ({f}, {f}) and ({n}, {n})"
            )
        q = np.random.default_rng(seed).standard_normal((n_points, f))
        lhs = model.hamiltonian(q @ r.T)
        rhs = s @ model.hamiltonian(q) @ s.T
        dev = np.abs(lhs - rhs).max()
        if dev > 1e-9 * max(np.abs(rhs).max(), 1.0):
            raise LzsmValueError(
                f"the model is not invariant under symmetry {self.name!r}: max |V(Rq) - S V(q) S^T| = {dev:.3g}"
            )

    def symmetric_subspace(self) -> np.ndarray:
        """Orthonormal basis ``(f, d)`` of ``{q : R q = q}``."""
        w, v = np.linalg.eig(np.asarray(self.coordinate_map))
        basis = np.real(v[:, np.abs(w - 1) < 1e-9])
        return np.linalg.qr(basis)[0] if basis.size else basis


@dataclass(frozen=True, eq=False, repr=False)
class CrossingClassification(Result):
    """Result of :func:`classify_crossing`.

    ``kind`` is ``"conical intersection"`` or ``"avoided crossing"``; ``reason`` says why;
    ``labels`` are the symmetry eigenvalues of the two states (None without a symmetry);
    ``minimum_gap`` the smallest gap found and ``q`` where."""

    kind: str = field()  # type: ignore[misc]  # per instance (the base's is per class)
    reason: str
    q: np.ndarray
    minimum_gap: float
    labels: tuple[float, float] | None
    branching_rank: int

    def _coords(self) -> dict[str, Any]:
        return {"coordinate": np.arange(self.q.size), "state": np.arange(2)}

    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        labels = np.full(2, np.nan) if self.labels is None else np.array(self.labels, dtype=float)
        return {
            "q": (["coordinate"], self.q),
            "minimum_gap": ([], self.minimum_gap),
            "branching_rank": ([], self.branching_rank),
            "symmetry_label": (["state"], labels),
        }

    def _attrs(self) -> dict[str, Any]:
        return {"classification": self.kind, "reason": self.reason}

    def _summary(self) -> list[str]:
        return [f"minimum gap {self.minimum_gap:.3g}", f"branching rank {self.branching_rank}"]


def classify_crossing(
    model: SurfaceModel,
    q0: ArrayLike,
    states: tuple[int, int] = (0, 1),
    *,
    symmetry: CoordinateSymmetry | None = None,
    gap_tol: float = 1e-8,
) -> CrossingClassification:
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
        with warnings.catch_warnings():  # a MECI search that does not converge is the avoided-crossing answer
            warnings.simplefilter("ignore", LzsmConvergenceWarning)
            res = find_meci(model, qa, (i, j), gap_tol=gap_tol * scale)
        rank = res.branching.rank
        if abs(res.gap) < gap_tol * scale and rank == 2:
            return CrossingClassification(
                "conical intersection",
                "the gap closes with a two-dimensional branching space",
                res.q,
                abs(res.gap),
                None,
                rank,
            )
        return CrossingClassification(
            "avoided crossing", f"the smallest gap found is {abs(res.gap):.6g} > 0", res.q, abs(res.gap), None, rank
        )
    symmetry.check(model)
    basis = symmetry.symmetric_subspace()  # R q = q is linear: the subspace contains q = 0

    def gap2(z):
        e = model.energies(basis @ z)
        return (e[j] - e[i]) ** 2

    z0 = basis.T @ qa
    best = minimize(gap2, z0, method="BFGS", options={"gtol": 1e-14 * scale**2, "maxiter": 400})
    best = minimize(gap2, best.x, method="Nelder-Mead", options={"xatol": 1e-12, "fatol": 1e-30, "maxiter": 4000})
    q = basis @ best.x
    e, u = model.eigensystem(q)
    sp = u[:, [i, j]].T @ symmetry.state_operator @ u[:, [i, j]]
    lab = np.sort(np.linalg.eigvalsh(0.5 * (sp + sp.T)))
    labels = (float(np.round(lab[0], 6)), float(np.round(lab[1], 6)))
    gmin = float(e[j] - e[i])
    rank = branching_space(model, q, (i, j)).rank
    if abs(labels[0] - labels[1]) > 1e-6:
        if gmin < gap_tol * scale and rank == 2:
            return CrossingClassification(
                "conical intersection",
                f"states of different symmetry under "
                f"{symmetry.name!r} ({labels[0]:+g}, {labels[1]:+g}) cross in the "
                "symmetric subspace; the symmetry-breaking coupling opens the cone",
                q,
                gmin,
                labels,
                rank,
            )
        return CrossingClassification(
            "avoided crossing",
            f"states of different symmetry under {symmetry.name!r} "
            f"but their gap does not close here (minimum {gmin:.6g})",
            q,
            gmin,
            labels,
            rank,
        )
    if gmin < gap_tol * scale:
        return CrossingClassification(
            "conical intersection",
            f"accidental: states of the same symmetry under {symmetry.name!r} are degenerate here",
            q,
            gmin,
            labels,
            rank,
        )
    return CrossingClassification(
        "avoided crossing",
        f"states of the same symmetry under {symmetry.name!r} "
        f"({labels[0]:+g}) do not cross in the symmetric subspace; minimum gap "
        f"{gmin:.6g}",
        q,
        gmin,
        labels,
        rank,
    )
