"""Windows that reach t = +-inf, and long windows at the cost of short ones.

A window ``(t0, t1)`` (either end may be infinite) is split into a *core*, integrated exactly
(the Magnus integrator, or any registered method), and two *tails*, where nothing is integrated
step by step:

* ``"separating"`` models (linear and polynomial sweeps, linear multi-level models, double
  passages; :class:`lzsm.models.base.Asymptotics`): in the superadiabatic frame of order
  ``ORDER`` (Berry, Proc. R. Soc. A 429, 61 (1990); :mod:`lzsm.kernels.superadiabatic`) the
  populations are constant up to the rotation that would diagonalise the next frame, which
  falls off like a power ``t^-(2 ORDER + 3)`` for levels that separate linearly; the state is
  projected onto that frame at the core's edge and carried to any later time by the frame's
  phases (Clenshaw–Curtis quadrature of its energies on panels whose length doubles), so a tail
  costs the logarithm of its length.  This is the superadiabatic form of the asymptotic
  expansion in 1/t of the finite-time Landau–Zener amplitudes (Vitanov & Garraway, PRA 53,
  4288 (1996)).
* ``"switching off"`` models (Rosen–Zener, Allen–Eberly, Demkov–Kunike pulses): beyond the
  core the couplings fall off exponentially; the tails are diagonal (diabatic) phases, and the
  core reaches to where the rest of the coupling cannot move more than ``tol`` of amplitude.

The core's edges are placed where the estimate of what the tails leave out is below ``tol``
(amplitude); that estimate is added to the core integrator's own.  Probabilities at
``t = +-inf`` are limits; amplitudes there carry a conventional phase (the divergent dynamical
phase is dropped at the core's edge), so a superposition cannot be *started* at ``-inf``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from lzsm.errors import LzsmNumericalError, LzsmValueError
from lzsm.kernels import superadiabatic as sa
from lzsm.models.base import Asymptotics, Model

__all__ = ["ORDER", "TAILS", "Tails", "TailsUnavailable", "asymptotic_form", "window_with_tails"]

#: Order of the superadiabatic frame of the tails (its residual falls like ``t^-(2 ORDER + 3)``).
ORDER = 4
#: Values of the ``tails`` keyword: ``"auto"`` (tails where the model knows its asymptotics and
#: the window reaches beyond the core), ``"off"`` (integrate the whole window; infinite windows
#: are then refused).
TAILS = ("auto", "off")
#: Largest number of widenings of the core before giving up.
MAX_WIDENINGS = 60
#: The core may grow to this many times the model's own core before the tails are given up on
#: (a core that large would cost what the tails are there to save).
MAX_CORE_GROWTH = 1e4


class TailsUnavailable(LzsmNumericalError):
    """The model's asymptotic form does not hold where a tail was to go (no edge with a residual
    below ``tol``, an unresolved panel, a frame that changes its diabatic character).  An
    infinite window cannot be done; a finite one is integrated whole instead."""


@dataclass(frozen=True)
class Tails:
    """How a window was split: the integrated ``core``, the ``kind`` of tails, the order of the
    superadiabatic frame (None for switched-off tails), the estimate of the amplitude the tails
    leave out per grid point (``residual``), and how many quadrature panels the tails took."""

    kind: str
    core: tuple[float, float]
    order: int | None
    residual: np.ndarray
    panels: int

    def describe(self) -> str:
        frame = f"superadiabatic frame of order {self.order}" if self.order is not None else "diabatic phases"
        return (
            f"core [{self.core[0]:.6g}, {self.core[1]:.6g}] integrated; tails in the {frame} "
            f"({self.panels} panels), estimated amplitude left out <= {float(np.max(self.residual)):.1e}"
        )


def asymptotic_form(model: Model, where: str) -> Asymptotics:
    """The model's :class:`Asymptotics`, or a clear error naming how to declare them."""
    form = model.asymptotic_form()
    if form is None:
        raise LzsmValueError(
            f"{where}: an infinite `t_span` needs the model's behaviour as t -> +-inf, which "
            f"{type(model).__name__} does not know here (callables, periodic drives, a constant H, "
            "non-diagonal slopes); declare it (lzsm.TwoLevel(..., asymptotics=lzsm.Asymptotics(...))) "
            "or use a finite `t_span`"
        )
    return form


# =========================================================================== panels
def _frames(model: Model, form: Asymptotics, a: float | np.ndarray, b: float | np.ndarray) -> tuple[np.ndarray, ...]:
    """``(energies, frame, residual, pivot)`` at the nodes of the panel from a to b (see
    :func:`lzsm.kernels.superadiabatic.frames`); for switched-off tails the frame is diabatic and
    the residual bounds what the coupling beyond each node can still move.  With arrays ``a``,
    ``b`` of shape ``(P,)`` the P panels are done in one call, their axis before the nodes'."""
    many = np.ndim(a) > 0
    times = sa.nodes(np.asarray(a, dtype=float)[..., None], np.asarray(b, dtype=float)[..., None])
    h = model.hamiltonian(times.reshape(-1))
    if many:
        h = h.reshape(h.shape[:-3] + times.shape + h.shape[-2:])
    if form.kind == "separating":
        return sa.frames(h, a, b, ORDER, model.hbar)
    n = model.n_levels
    idx = np.arange(n)
    e = h[..., idx, idx].real
    off = np.abs(h)
    off[..., idx, idx] = 0.0
    assert form.decay_time is not None
    residual = 2.0 * np.max(off.sum(axis=-1), axis=-1) * form.decay_time / model.hbar
    # frame state j is the diabatic level with the j-th lowest energy (the adiabatic order)
    pivot = np.argsort(e[..., e.shape[-2] // 2, :], axis=-1)
    e = np.take_along_axis(e, pivot[..., None, :], axis=-1)
    frame = (idx[:, None] == pivot[..., None, :]).astype(complex)  # (..., N, N): column j = e_pivot[j]
    frame = np.broadcast_to(frame[..., None, :, :], h.shape)
    return e, frame, residual, pivot


def _panel(many: tuple[np.ndarray, ...], i: int) -> tuple[np.ndarray, ...]:
    """Panel ``i`` of the output of :func:`_frames` for several panels."""
    e, w, r, piv = many
    return e[..., i, :, :], w[..., i, :, :, :], r[..., i, :], piv[..., i, :]


#: Largest number of complex matrix elements of H handled in one batched :func:`_frames` call
#: (grid points x panels x nodes x N^2); bigger batches are split.
BATCH_ELEMENTS = 2**20


#: Candidate edges tried per side in one batched call, ``CANDIDATE_RATIO`` apart in distance
#: from the core's centre.
CANDIDATES = 12
CANDIDATE_RATIO = 1.25


def _panel_size(model: Model) -> int:
    """Complex elements of H on one panel's nodes over the model's grid."""
    return max(1, math.prod(model.batch_shape)) * sa.N_NODES * model.n_levels**2


def _frames_batched(model: Model, form: Asymptotics, a: np.ndarray, b: np.ndarray) -> list[tuple[np.ndarray, ...]]:
    """:func:`_frames` of the panels ``a[i] -> b[i]``, in as few calls as :data:`BATCH_ELEMENTS`
    allows; returns one tuple per panel."""
    chunk = max(1, BATCH_ELEMENTS // _panel_size(model))
    out: list[tuple[np.ndarray, ...]] = []
    for lo in range(0, len(a), chunk):
        many = _frames(model, form, a[lo : lo + chunk], b[lo : lo + chunk])
        out.extend(_panel(many, i) for i in range(len(a[lo : lo + chunk])))
    return out


def _dominant(frame: np.ndarray, pivot: np.ndarray) -> bool:
    """Each frame state dominated (weight > 1/2) by its own diabatic level."""
    n = frame.shape[-1]
    weight = np.abs(np.take_along_axis(frame, pivot[..., None, :], axis=-2)[..., 0, :]) ** 2
    perm = np.all(np.sort(pivot, axis=-1) == np.arange(n))
    return bool(perm and np.all(weight > 0.5))


def _widen(form: Asymptotics, dist: float, res: float, tol: float) -> float:
    """The next candidate distance of an edge from the core's centre after a residual ``res``
    above ``tol`` at ``dist``: by the power law of the residual for separating levels, by the
    decay time for switched-off ones."""
    if np.isnan(res):
        return math.inf
    if np.isinf(res):  # H not resolved on the panel yet (a wiggle that has not died out)
        return dist * 4.0
    if form.kind == "separating":
        grow = (max(res, tol) / tol) ** (1.0 / (2 * ORDER + 3))
        return dist * min(max(grow, 1.25), 4.0)
    assert form.decay_time is not None
    return dist + form.decay_time * max(math.log(max(res, tol) / tol), 0.25 * dist / form.decay_time)


def _edges(
    model: Model,
    form: Asymptotics,
    sides: dict[int, bool],
    tol: float,
    where: str,
    reach: dict[int, float] | None = None,
) -> dict[int, tuple[float, tuple[np.ndarray, ...]] | None]:
    """The core's edge on each side of ``sides`` (+1: right, -1: left): the first time, moving
    out, where the tail's residual is below ``tol`` at every grid point; and the frames of the
    panel there.

    Both sides are searched together, with up to :data:`CANDIDATES` candidate edges per side
    (``CANDIDATE_RATIO`` apart) in one batched frame computation, as many as
    :data:`BATCH_ELEMENTS` allows: a small model pays one or two calls, a large grid one call per
    candidate.  ``reach`` caps the distance from the core's centre searched on a side (a finite
    end: an edge beyond half its distance could not be used).  A side that finds no edge raises
    :class:`TailsUnavailable` when ``sides[side]`` (the tail is needed: an infinite end) and
    gives None otherwise."""
    lo, hi = form.core
    centre = 0.5 * (lo + hi)
    start = 0.5 * (hi - lo)
    limit = {side: min(MAX_CORE_GROWTH * start, (reach or {}).get(side, math.inf)) for side in sides}
    dist = dict.fromkeys(sides, start)
    found: dict[int, tuple[float, tuple[np.ndarray, ...]] | None] = {}
    for _ in range(MAX_WIDENINGS):
        active = [side for side in sides if side not in found and dist[side] <= limit[side]]
        if not active:
            break
        n_try = int(min(CANDIDATES, max(1, BATCH_ELEMENTS // (_panel_size(model) * len(active)))))
        grow = CANDIDATE_RATIO ** np.arange(n_try)
        tries = {side: dist[side] * grow[dist[side] * grow <= limit[side]] for side in active}
        t = np.concatenate([centre + side * tries[side] for side in active])
        step = np.concatenate([side * tries[side] for side in active])
        panels = iter(_frames_batched(model, form, t, t + step))
        for side in active:
            res = math.nan
            for d in tries[side]:
                panel = next(panels)
                if side in found or dist[side] == math.inf:
                    continue  # the panels of this side beyond its edge (or after a NaN)
                res = float(np.max(panel[2][..., 0]))
                if res <= tol and _dominant(panel[1][..., 0, :, :], panel[3]):
                    found[side] = (centre + side * float(d), panel)
                elif np.isnan(res):
                    dist[side] = math.inf  # give up on this side
            if side not in found and dist[side] != math.inf:
                dist[side] = _widen(form, float(tries[side][-1]), res, tol)
    for side, needed in sides.items():
        if side in found:
            continue
        if needed:
            raise TailsUnavailable(
                f"{where}: found no time beyond which the {'right' if side > 0 else 'left'} tail of "
                f"{type(model).__name__} stays below tol = {tol:g} (the model's asymptotics do not hold, "
                "or its levels stay degenerate): use a finite `t_span`"
            )
        found[side] = None
    return found


def _edge(model: Model, form: Asymptotics, side: int, tol: float, where: str) -> tuple[float, tuple[np.ndarray, ...]]:
    """:func:`_edges` on one side, which must be found."""
    edge = _edges(model, form, {side: True}, tol, where)[side]
    assert edge is not None
    return edge


def _chain(
    model: Model, form: Asymptotics, t_from: float, t_to: float, centre: float, cuts: np.ndarray, where: str
) -> tuple[list[float], list[np.ndarray], list[np.ndarray], np.ndarray, np.ndarray, int]:
    """Carry the frame from ``t_from`` to ``t_to`` (one tail, outward or inward) on panels whose
    ends differ by a factor 2 in distance from the core's centre, stopping at every time of
    ``cuts``.  Returns the stop times, the frame and the accumulated phase integral ``int E dt``
    (``(*grid, N)``) at each stop, the largest residual at the two ends, the pivots, and the
    number of panels.

    A stop inside a panel takes the frame and the energies there by barycentric interpolation
    from the panel's nodes (:func:`lzsm.kernels.superadiabatic.interpolation_matrix`): the
    panels keep their length however densely the stops lie (a short panel would amplify the
    rounding of H in the frames' derivatives by a power of its length)."""
    ends = sa.panels(t_from - centre, t_to - centre)
    forward = t_to > t_from
    inner = np.sort(np.asarray(cuts, dtype=float))
    if not forward:
        inner = inner[::-1]
    stops: list[float] = [t_from]
    frames: list[np.ndarray] = []
    phases: list[np.ndarray] = []
    phase = None
    pivot = None
    residual = None
    next_cut = 0
    a_all = np.array([a for a, _ in ends]) + centre
    b_all = np.array([b for _, b in ends]) + centre
    a_all[0] = t_from
    b_all[-1] = t_to  # no rounding at the ends
    for a, b, (e, w, r, piv) in zip(
        a_all.tolist(), b_all.tolist(), _frames_batched(model, form, a_all, b_all), strict=True
    ):
        if pivot is None:
            pivot = piv
            frames.append(w[..., 0, :, :])
            phase = np.zeros(e.shape[:-2] + e.shape[-1:])
            phases.append(phase.copy())
            residual = r[..., 0]
        if not np.all(np.isfinite(r)):
            raise TailsUnavailable(
                f"{where}: H is not resolved on the tail panel [{a:g}, {b:g}] (it oscillates or varies "
                'too fast for the asymptotic frames): widen the declared core or use a finite `t_span` with tails="off"'
            )
        if pivot is not None and not np.array_equal(piv, pivot):
            raise TailsUnavailable(f"{where}: the tail frame changed its diabatic character near t = {a:g}")
        assert phase is not None
        first = next_cut
        while next_cut < inner.size and (inner[next_cut] < b if forward else inner[next_cut] > b):
            next_cut += 1
        here = inner[first:next_cut]
        here = here[here != a]
        if here.size:  # every stop of the panel at once
            m = sa.N_NODES
            x_ref, _, w_ref = sa.chebyshev(m)
            sub = 0.5 * (a + here[:, None]) - 0.5 * (here[:, None] - a) * x_ref  # (S, m): nodes of [a, s] (sa.nodes)
            e_sub = np.einsum("ij,...jn->...in", sa.interpolation_matrix(a, b, sub.reshape(-1)), e)
            e_sub = e_sub.reshape(e_sub.shape[:-2] + (here.size, m) + e_sub.shape[-1:])
            weights = 0.5 * (here[:, None] - a) * w_ref  # (S, m): sa.integral_weights(a, s)
            w_at = np.einsum("sj,...jab->...sab", sa.interpolation_matrix(a, b, here), w)
            ph_at = phase[..., None, :] + np.einsum("sj,...sjn->...sn", weights, e_sub)
            for i, x in enumerate(here):
                stops.append(float(x))
                frames.append(w_at[..., i, :, :])
                phases.append(ph_at[..., i, :])
        phase = phase + np.einsum("j,...jn->...n", sa.integral_weights(a, b), e)
        stops.append(b)
        frames.append(w[..., -1, :, :])
        phases.append(phase.copy())
    assert residual is not None and pivot is not None
    return stops, frames, phases, np.maximum(residual, r[..., -1]), pivot, len(ends)


# =========================================================================== the window
@dataclass(frozen=True)
class WindowRun:
    """What :func:`window_with_tails` returns: states ``(*grid, M, N, K)`` at the saved times,
    error estimates, core steps, status, the core method's label, the options it used, the
    pivots at both ends (diabatic level of each frame state) and the report."""

    states: np.ndarray
    error_estimate: np.ndarray
    n_steps: np.ndarray
    status: np.ndarray
    label: str
    options: Any
    pivot_start: np.ndarray
    pivot_end: np.ndarray
    tails: Tails


def plan_edges(
    model: Model, t0: float, t1: float, tol: float, tails: str, where: str
) -> tuple[
    Asymptotics | None, tuple[float, tuple[np.ndarray, ...]] | None, tuple[float, tuple[np.ndarray, ...]] | None
]:
    """Which tails a window gets: ``(form, left edge or None, right edge or None)``.

    An infinite end always needs a tail; a finite end gets one (with ``tails="auto"``) when it
    lies more than twice as far from the core's centre as the tail's start, and when the
    model's asymptotics hold there (else that end is integrated)."""
    infinite = math.isinf(t0) or math.isinf(t1)
    if tails == "off":
        if infinite:
            raise LzsmValueError(
                f'{where}: an infinite `t_span` needs tails; tails="off" integrates finite windows only'
            )
        return None, None, None
    form = model.asymptotic_form() if not infinite else asymptotic_form(model, where)
    if form is None:
        return None, None, None
    tol_tail = max(0.5 * tol, 1e-14)  # each of the two tails leaves out at most tol / 2
    centre = 0.5 * (form.core[0] + form.core[1])
    left = right = None
    # a finite end gets a tail only when the window also reaches past the tail's start on the
    # inside (a window that lies within one tail is integrated whole)
    sides: dict[int, bool] = {}
    if math.isinf(t0) or (t0 < form.core[0] - 3.0 * (centre - form.core[0]) and t1 > centre):
        sides[-1] = math.isinf(t0)
    if math.isinf(t1) or (t1 > form.core[1] + 3.0 * (form.core[1] - centre) and t0 < centre):
        sides[+1] = math.isinf(t1)
    # a finite end can use an edge at most half-way out to it (see the conditions below)
    reach = {-1: 0.5 * (centre - t0), +1: 0.5 * (t1 - centre)}
    edges = _edges(model, form, sides, tol_tail, where, reach) if sides else {}
    edge = edges.get(-1)
    if edge is not None and math.isinf(t0) and t1 <= edge[0]:  # the whole window lies in the left tail
        edge = (t1, _frames(model, form, t1, t1 - (centre - t1)))
    if edge is not None and (math.isinf(t0) or (t0 < edge[0] - (centre - edge[0]) and t1 > edge[0])):
        left = edge
    edge = edges.get(+1)
    if edge is not None and math.isinf(t1) and t0 >= edge[0]:  # the whole window lies in the right tail
        edge = (t0, _frames(model, form, t0, t0 + (t0 - centre)))
    if edge is not None and (math.isinf(t1) or (t1 > edge[0] + (edge[0] - centre) and t0 < edge[0])):
        right = edge
    if left is not None and right is not None and left[0] >= right[0]:  # pragma: no cover - edges are outside the core
        raise LzsmNumericalError(f"{where}: the tails overlap")
    return form, left, right


def window_with_tails(
    model: Model,
    form: Asymptotics,
    left: tuple[float, tuple[np.ndarray, ...]] | None,
    right: tuple[float, tuple[np.ndarray, ...]] | None,
    te: np.ndarray,
    start: Callable[[np.ndarray, np.ndarray], np.ndarray] | np.ndarray,
    core: Callable[[float, float, np.ndarray, np.ndarray], tuple[Any, ...]],
    where: str,
) -> WindowRun:
    """Propagate over the saved times ``te`` (``te[0] = t0``, ``te[-1] = t1``, either may be
    infinite) with tails ``left``/``right`` (from :func:`plan_edges`).

    ``start``: the state at t0, ``(*grid, N, K)``; for ``t0 = -inf`` a function of the frame at
    the left edge ``(*grid, N, N)`` and its pivots ``(*grid, N)`` returning the state there.
    ``core(ta, tb, core_times, psi)`` integrates the core and returns ``(label, options, states
    (*grid, M, N, K), error, steps, status)``."""
    t0, t1 = float(te[0]), float(te[-1])
    centre = 0.5 * (form.core[0] + form.core[1])
    residual = np.zeros(model.batch_shape)
    panels = 0
    out: dict[float, np.ndarray] = {}
    # ------------------------------------------------------------- left tail (inward)
    if left is None:
        ta = t0
        assert isinstance(start, np.ndarray)
        psi = start
        pivot_start = np.broadcast_to(np.arange(model.n_levels), model.batch_shape + (model.n_levels,))
    else:
        ta, (_, w_edge, r_edge, piv_edge) = left
        if math.isinf(t0):
            assert callable(start)
            psi = start(w_edge[..., 0, :, :], piv_edge)
            residual = residual + r_edge[..., 0]
            panels += 1
            pivot_start = piv_edge
        else:
            assert isinstance(start, np.ndarray)
            cuts = te[(te > t0) & (te < ta)]
            stops, frames, phases, res, piv, k = _chain(model, form, t0, ta, centre, cuts, where)
            coeff = np.conj(np.swapaxes(frames[0], -1, -2)) @ start
            for s, w, ph in zip(stops, frames, phases, strict=True):
                psi = w @ (np.exp(-1j * ph / model.hbar)[..., None] * coeff)
                out[s] = psi
            residual = residual + res
            panels += k
            pivot_start = piv
    # ------------------------------------------------------------- core
    tb = t1 if right is None else right[0]
    core_times = np.unique(np.concatenate([[ta], te[(te > ta) & (te < tb)], [tb]]))
    if tb > ta:
        label, options, states, err, steps, status = core(ta, tb, core_times, psi)
    else:  # the window lies in one tail: nothing to integrate
        label, options, states = "asymptotic-tails", None, psi[..., None, :, :]
        err = np.zeros(model.batch_shape)
        steps = np.zeros(model.batch_shape, dtype=np.int64)
        status = np.zeros(model.batch_shape, dtype=np.int64)
    for k, s in enumerate(core_times):
        out[float(s)] = states[..., k, :, :]
    psi = states[..., -1, :, :]
    # ------------------------------------------------------------- right tail (outward)
    if right is None:
        pivot_end = np.broadcast_to(np.arange(model.n_levels), model.batch_shape + (model.n_levels,))
    else:
        _, (_, w_edge, r_edge, piv_edge) = right
        if math.isinf(t1):
            coeff = np.conj(np.swapaxes(w_edge[..., 0, :, :], -1, -2)) @ psi
            final = np.empty_like(coeff)
            np.put_along_axis(final, np.broadcast_to(piv_edge[..., :, None], coeff.shape), coeff, axis=-2)
            out[t1] = final
            residual = residual + r_edge[..., 0]
            panels += 1
            pivot_end = piv_edge
            cuts = te[(te > tb) & np.isfinite(te)]
            if cuts.size:  # saved times inside the right tail
                stops, frames, phases, res, piv, k = _chain(model, form, tb, float(cuts[-1]), centre, cuts, where)
                coeff = np.conj(np.swapaxes(frames[0], -1, -2)) @ psi
                for s, w, ph in zip(stops[1:], frames[1:], phases[1:], strict=True):
                    out[s] = w @ (np.exp(-1j * ph / model.hbar)[..., None] * coeff)
                panels += k
        else:
            cuts = te[(te > tb) & (te < t1)]
            stops, frames, phases, res, piv, k = _chain(model, form, tb, t1, centre, cuts, where)
            coeff = np.conj(np.swapaxes(frames[0], -1, -2)) @ psi
            for s, w, ph in zip(stops[1:], frames[1:], phases[1:], strict=True):
                out[s] = w @ (np.exp(-1j * ph / model.hbar)[..., None] * coeff)
            residual = residual + res
            panels += k
            pivot_end = piv
    if math.isinf(t0):
        first = np.zeros(out[ta].shape, dtype=complex)
        # at -inf the state is the frame state the start put there, read as its diabatic level
        coeff = np.conj(np.swapaxes(left[1][1][..., 0, :, :], -1, -2)) @ out[ta] if left is not None else out[ta]
        np.put_along_axis(first, np.broadcast_to(pivot_start[..., :, None], coeff.shape), coeff, axis=-2)
        out[t0] = first
    missing = [s for s in te if float(s) not in out]
    if missing:  # pragma: no cover - every saved time is a stop of the core or of a tail
        raise AssertionError(f"no state at {missing}")
    states_all = np.stack([out[float(s)] for s in te], axis=-3)
    tails_report = Tails(
        form.kind,
        (ta, tb),
        ORDER if form.kind == "separating" else None,
        np.asarray(residual),
        panels,
    )
    return WindowRun(
        states_all,
        np.asarray(err) + residual,
        steps,
        status,
        label,
        options,
        pivot_start,
        pivot_end,
        tails_report,
    )


def window_with_tails_or_none(
    model: Model,
    form: Asymptotics,
    left: tuple[float, tuple[np.ndarray, ...]] | None,
    right: tuple[float, tuple[np.ndarray, ...]] | None,
    te: np.ndarray,
    start: np.ndarray | Callable[[np.ndarray, np.ndarray], np.ndarray],
    core: Callable[[float, float, np.ndarray, np.ndarray], tuple[Any, ...]],
    where: str,
) -> WindowRun | None:
    """:func:`window_with_tails`, or None for a finite window whose tails turn out not to hold
    (a tail panel unresolved, a frame changing character): there the tails were only an
    economy, and the caller integrates the window whole.  An infinite end needs its tail and
    raises :class:`TailsUnavailable`."""
    try:
        return window_with_tails(model, form, left, right, te, start, core, where)
    except TailsUnavailable:
        if math.isinf(te[0]) or math.isinf(te[-1]):
            raise
        return None


# =========================================================================== open systems
#: Largest number of panels of an open-system tail.
MAX_OPEN_PANELS = 400


@dataclass(frozen=True)
class BlochEnvironment:
    """The environment of a two-level Lindblad equation as :func:`lzsm.evolve_open` builds it:
    the constant affine Bloch generator ``constant`` (``(*grid, 3, 4)``: diabatic dephasing and
    constant collapse operators), and the rates that act along the energy or diabatic axis."""

    constant: np.ndarray
    dephasing: np.ndarray  # in the adiabatic basis only (diabatic dephasing is in `constant`)
    relaxation: np.ndarray
    temperature: np.ndarray  # k_B T / hbar
    adiabatic: bool


def bloch_generator(h: np.ndarray, env: BlochEnvironment, with_relaxation: bool = True) -> np.ndarray:
    """The affine Bloch generator ``[[M, c], [0, 0]]`` (``(..., 4, 4)``) of ``dr/dt = M r + c``
    for Hamiltonians ``h`` (``(*grid, m, 2, 2)``, divided by hbar): rotation ``2 h x r`` plus the
    dissipators (the same as the compiled kernel, :func:`lzsm.kernels.lindblad._bloch_generator`)."""
    hx = h[..., 0, 1].real
    hy = -h[..., 0, 1].imag
    hz = 0.5 * (h[..., 0, 0] - h[..., 1, 1]).real
    g = np.zeros(h.shape[:-2] + (4, 4))
    g[..., :3, :] = env.constant[..., None, :, :]
    g[..., 0, 1] -= 2 * hz
    g[..., 0, 2] += 2 * hy
    g[..., 1, 0] += 2 * hz
    g[..., 1, 2] -= 2 * hx
    g[..., 2, 0] -= 2 * hy
    g[..., 2, 1] += 2 * hx
    if env.adiabatic:
        hn = np.sqrt(hx**2 + hy**2 + hz**2)
        nvec = np.stack([hx, hy, hz], axis=-1) / np.where(hn > 0, hn, 1.0)[..., None]
        w = 2 * hn
        deph = env.dephasing[..., None]
    else:
        nvec = np.zeros(hz.shape + (3,))
        nvec[..., 2] = np.where(hz >= 0, 1.0, -1.0)
        w = 2 * np.abs(hz)
        deph = np.zeros(hz.shape)
    g1 = env.relaxation[..., None] if with_relaxation else np.zeros(hz.shape)
    kt = env.temperature[..., None]
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        boltz = np.where((kt > 0) & (w / np.where(kt > 0, kt, 1.0) < 700), np.exp(-w / np.where(kt > 0, kt, 1.0)), 0.0)
    down = g1 / (1 + boltz)
    up = g1 * boltz / (1 + boltz)
    tr = deph + 0.5 * (down + up)
    k = tr - (down + up)
    g[..., :3, :3] += -tr[..., None, None] * np.eye(3) + k[..., None, None] * nvec[..., :, None] * nvec[..., None, :]
    g[..., :3, 3] += -(down - up)[..., None] * nvec
    return g


def _slow_block(g: np.ndarray, h: np.ndarray, a: float, b: float) -> tuple[np.ndarray, ...]:
    """The slow (population) block of the Bloch generators ``g`` at the nodes of the panel a -> b.

    The two eigenvalues of smallest modulus (the trace mode and the population difference; the
    other two rotate at the level splitting) span the slow subspace; its basis B is fixed by
    ``n.B = (1, 0)`` and ``e_4.B = (0, 1)`` (n: the energy axis), so the slow coordinates are the
    population difference of the energy eigenstates and the trace.  Returns the slow generator
    ``B^+ g B - B^+ dB/dt`` (``(..., m, 2, 2)``), the leakage estimate (first-order coupling to the
    fast modes over their rate, ``(..., m)``), and B, B^+ at the nodes."""
    lam, vec = np.linalg.eig(g)
    order = np.argsort(np.abs(lam), axis=-1)
    slow, fast = order[..., :2], order[..., 2:]
    vinv = np.linalg.inv(vec)
    vs = np.take_along_axis(vec, slow[..., None, :], axis=-1)  # (..., 4, 2)
    ws = np.take_along_axis(vinv, slow[..., :, None], axis=-2)  # (..., 2, 4)
    wf = np.take_along_axis(vinv, fast[..., :, None], axis=-2)
    hx = h[..., 0, 1].real
    hy = -h[..., 0, 1].imag
    hz = 0.5 * (h[..., 0, 0] - h[..., 1, 1]).real
    nvec = np.stack([hx, hy, hz], axis=-1)
    nvec = nvec / np.linalg.norm(nvec, axis=-1, keepdims=True)
    c = np.empty(vs.shape[:-2] + (2, 2), dtype=complex)
    c[..., 0, :] = np.einsum("...i,...ij->...j", nvec, vs[..., :3, :])
    c[..., 1, :] = vs[..., 3, :]
    basis = vs @ np.linalg.inv(c)
    pinv = np.linalg.inv(ws @ basis) @ ws
    m = g.shape[-3]
    _, dmat, _ = sa.chebyshev(m)
    db = np.einsum("ij,...jab->...iab", dmat, basis) * (-2.0 / (b - a))
    gs = pinv @ g @ basis - pinv @ db
    lam_f = np.min(np.abs(np.take_along_axis(lam, fast, axis=-1)), axis=-1)
    leak = np.linalg.norm(wf @ db, axis=(-2, -1)) / lam_f
    return gs.real, leak, basis.real, pinv.real


def _collocate(gs: np.ndarray, a: float, b: float, x0: np.ndarray) -> np.ndarray:
    """Solve ``dx/dt = gs(t) x`` on the panel a -> b by Chebyshev collocation (spectral
    accuracy for the smooth slow generator) from ``x(a) = x0``; returns x at the nodes."""
    m = gs.shape[-3]
    _, dmat, _ = sa.chebyshev(m)
    d = dmat * (-2.0 / (b - a))
    big = np.zeros(gs.shape[:-3] + (2 * m, 2 * m))
    eye2 = np.eye(2)
    for i in range(m):
        for j in range(m):
            big[..., 2 * i : 2 * i + 2, 2 * j : 2 * j + 2] = d[i, j] * eye2
        big[..., 2 * i : 2 * i + 2, 2 * i : 2 * i + 2] -= gs[..., i, :, :]
    rhs = np.zeros(gs.shape[:-3] + (2 * m,))
    big[..., 0:2, :] = 0.0
    big[..., 0, 0] = big[..., 1, 1] = 1.0
    rhs[..., 0:2] = x0
    return np.linalg.solve(big, rhs[..., None])[..., 0].reshape(gs.shape[:-3] + (m, 2))


def _open_panel(model: Model, env: BlochEnvironment, a: float, b: float, with_relaxation: bool = True):
    h = model.hamiltonian(sa.nodes(a, b)) / model.hbar
    g = bloch_generator(h, env, with_relaxation)
    return _slow_block(g, h, a, b)


def open_edge(model: Model, form: Asymptotics, env: BlochEnvironment, side: int, tol: float, where: str) -> float:
    """Where an open-system tail may start: the coherent edge, moved out until the leakage of the
    slow (population) block into the fast (coherence) modes is below ``tol``."""
    t, _ = _edge(model, form, side, tol, where)
    centre = 0.5 * (form.core[0] + form.core[1])
    for _ in range(MAX_WIDENINGS):
        dist = abs(t - centre)
        _, leak, _, _ = _open_panel(model, env, t, t + side * dist)
        worst = float(np.max(leak[..., 0]))
        if worst <= tol:
            return t
        t = centre + side * dist * min(max((worst / tol) ** (1.0 / 3.0), 1.25), 4.0)
    raise LzsmNumericalError(f"{where}: found no time beyond which the open-system tail stays below tol = {tol:g}")


def open_tail(
    model: Model,
    env: BlochEnvironment,
    t_from: float,
    x0: np.ndarray | None,
    centre: float,
    side: int,
    tol: float,
    where: str,
) -> tuple[np.ndarray, float, int]:
    """Integrate the slow block outward from ``t_from`` (side +1) to +inf, from the Bloch state
    ``x0`` (``(*grid, 4)`` affine ``(r, 1)``); or (``x0`` None, side -1) find the time far out where
    the tail begins (the populations there are the ones at -inf) and return it.  Returns the
    slow coordinates ``(population difference of the energy eigenstates, trace)`` at the end, the
    end time, and the number of panels."""
    dist = abs(t_from - centre)
    t = t_from
    gs, _, _, pinv = _open_panel(model, env, t, t + side * dist)
    x = None if x0 is None else np.einsum("...ij,...j->...i", pinv[..., 0, :, :], x0)
    for panels in range(1, MAX_OPEN_PANELS + 1):
        width = dist
        while True:
            a, b = t, t + side * width
            gs = _open_panel(model, env, a, b)[0]
            if x is None or float(np.max(np.abs(gs))) * width <= 4.0 or width < 1e-9 * dist:
                break
            width *= 0.5
        if x is None:  # searching outward for the start of the left tail
            g_no_relax = _open_panel(model, env, a, b, with_relaxation=False)[0]
            rate = float(np.max(np.abs(g_no_relax[..., -1, 0, 0])))
            if rate * abs(b - centre) < 1e-3 * tol:
                return np.empty(0), b, panels
        else:
            xs = _collocate(gs, a, b, x)
            x = xs[..., -1, :]
            change = np.max(np.abs(np.einsum("...ij,...j->...i", gs[..., -1, :, :], x)))
            if float(change) * abs(b - centre) < 1e-3 * tol or not np.all(np.isfinite(x)):
                return x, b, panels
        t = b
        dist = abs(t - centre)
    raise LzsmNumericalError(f"{where}: the open-system tail did not settle within {MAX_OPEN_PANELS} panels")


def open_start(model: Model, env: BlochEnvironment, t_far: float, t_to: float, x_far: np.ndarray, centre: float):
    """Integrate the slow block inward from ``t_far`` (where the state is ``x_far``, slow
    coordinates) to ``t_to``; returns the affine Bloch vector ``(r, 1)`` at ``t_to``."""
    x = x_far
    ends = sa.panels(t_far - centre, t_to - centre)
    k = 0
    while k < len(ends):
        a, b = ends[k][0] + centre, ends[k][1] + centre
        gs, _, basis, _ = _open_panel(model, env, a, b)
        if float(np.max(np.abs(gs))) * abs(b - a) > 4.0 and abs(b - a) > 1e-9 * abs(a - centre):
            mid = 0.5 * (ends[k][0] + ends[k][1])
            ends[k : k + 1] = [(ends[k][0], mid), (mid, ends[k][1])]
            continue
        xs = _collocate(gs, a, b, x)
        x = xs[..., -1, :]
        last_basis = basis[..., -1, :, :]
        k += 1
    return np.einsum("...ij,...j->...i", last_basis, x)
