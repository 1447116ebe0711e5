"""Exact 1-D scattering of nuclear wavepackets on coupled curves: the wavepacket driver.

:func:`wavepacket_scattering` sends a Gaussian wavepacket from the left through a curve model
(:class:`~lzsm.models.curves.Curves`) with the split-operator engine of
:mod:`lzsm.molecules.wavepackets`, choosing the grid, the time step and the absorbers itself, and
returns a :class:`WavepacketScattering`: transmission/reflection per channel in both pictures
(packet averages from the norm booked by the absorbers), energy-resolved probabilities at
incident wavenumbers ``k`` from the time-energy Fourier transform of the channel amplitudes at
two analysis windows, and a convergence report (:class:`WavepacketConvergence`) whose
``estimated_error`` is the result's ``error_estimate``.  :func:`scattering_vs_momentum` tabulates
T and R against ``k`` with this driver or with the stationary coupled-channel solver
(:func:`lzsm.molecules.stationary.stationary_scattering`).

Vocabulary: incident wavenumber ``k`` (hbar k is the momentum), ``initial`` the incoming channel
(the grammar of every front door: ``'lower'``, ``'adiabatic k'``, a diabatic index ...), ``tol``
the target accuracy; ``mass`` and ``hbar`` are the model's.  Units: atomic units for Tully's
models (hbar = 1, mass 2000).
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import fft as sfft

from lzsm import _checks
from lzsm._compat import renamed_attribute, renamed_keywords
from lzsm._progress import progress_bar
from lzsm.errors import LzsmConvergenceWarning, LzsmTypeError, LzsmValueError
from lzsm.molecules._inputs import curve_model, initial_channel, mass_and_hbar, old_adiabatic_index
from lzsm.molecules._packet import PacketProbabilities
from lzsm.molecules.wavepackets import (
    _K_FACTOR,
    Grid,
    _potential_on_grid,
    _SplitOperator,
    absorbing_potential,
    gaussian_wavepacket,
)
from lzsm.options import Options, only, resolve_options
from lzsm.results import DatasetResult, Result, Status, status_messages

#: Default target accuracy of :func:`wavepacket_scattering` (probabilities).
DEFAULT_TOL = 1e-4


# =========================================================================== 1-D scattering
@dataclass(frozen=True)
class WavepacketConvergence:
    """How converged a :func:`wavepacket_scattering` result is, and what was checked.

    The error terms, each maximised over the reported probabilities (states, totals and the
    energy-resolved values):

    * ``dt_error``: the Richardson estimate ``|P(dt) - P(2 dt)|/3`` of the time-step error
      (Strang splitting is second order), on the reported run's grid;
    * ``grid_error``: ``|P - P_check|`` against a check run with k_max, the absorbers and the
      analysis windows divided by 1.5 (a coarser grid in a shorter box) that stops when 100x
      more norm is left (10x the amplitude: a shorter run): grid spacing, absorbers and box, and run length
      varied together (only with ``convergence="full"``, else NaN).  It is the error of the
      coarser run, so it bounds the reported one's as long as coarsening by 1.5 at least
      doubles the error;
    * ``run_length_error``: ``2 sqrt(remaining_norm)``, the amplitude of what is still between
      the analysis windows when the run stops (missing from the packet averages, and from
      the time-energy transforms of the energy-resolved values, which are quadratic in it).

    ``estimated_error`` is their sum (NaN with ``convergence="none"``: nothing was checked);
    ``converged`` says whether the checks that ran put it below ``tolerance``; ``varied``
    names the discretisation parameters those checks varied and ``fixed`` the ones they left
    alone (``PARAMETERS`` lists all four: time step, grid spacing, absorbers and box, run
    length).  ``momentum_tail`` is the largest norm fraction seen at ``|k| > 0.8 k_max`` (a
    diagnostic, not part of the estimate); ``remaining_norm`` the norm still on the grid at
    the end; ``refinements`` how many times dt was halved or the grid refined; ``user_set`` the
    discretisation parameters the user gave (``dt``, ``dx``, ``box``, ``absorber_width``,
    ``absorber_strength``): they are varied by the check like the others but never refined."""

    dx: float
    n_points: int
    k_max: float
    dt: float
    n_steps: int
    final_time: float
    dt_error: float
    grid_error: float
    momentum_tail: float
    remaining_norm: float
    estimated_error: float
    tolerance: float
    converged: bool
    refinements: int
    absorber_width: float
    absorber_strength: float
    run_length_error: float
    varied: tuple[str, ...]
    fixed: tuple[str, ...]
    user_set: tuple[str, ...] = ()

    def summary(self) -> str:
        """One line: converged or not, the estimate and its terms, what was not varied and what
        the user set."""
        if not self.varied:
            status = "not checked"
        else:
            status = "converged" if self.converged else "NOT converged"
        dt_part = "not varied" if np.isnan(self.dt_error) else f"{self.dt_error:.1e}"
        grid = "not varied" if np.isnan(self.grid_error) else f"{self.grid_error:.1e}"
        held = f"; NOT varied: {', '.join(self.fixed)}" if self.fixed else "; all four varied"
        if self.user_set:
            held += f"; set by the user: {', '.join(self.user_set)}"
        return (
            f"{status} to {self.tolerance:g}: estimated error {self.estimated_error:.1e} "
            f"(time step dt = {self.dt:.4g}: {dt_part}; grid dx = {self.dx:.4g}, {self.n_points} points, "
            f"k_max = {self.k_max:.4g}, absorbers {self.absorber_width:.3g} long: {grid}; "
            f"run of {self.n_steps} steps to t = {self.final_time:.4g}, unabsorbed norm "
            f"{self.remaining_norm:.1e}: {self.run_length_error:.1e}; momentum tail "
            f"{self.momentum_tail:.1e}{held})"
        )


@dataclass(frozen=True, eq=False, repr=False)
class WavepacketScattering(PacketProbabilities, Result):
    """Result of :func:`wavepacket_scattering` (incidence from the left).

    Packet-averaged probabilities (shape ``(N,)``): ``transmission``/``reflection`` into the
    asymptotic adiabatic channels (index 0 lowest) and ``transmission_diabatic``/
    ``reflection_diabatic`` in the diabatic picture, from the norm taken by the right/left
    absorbers.  These are averages over the packet's wavenumber distribution
    ``|phi(k')|^2 = sqrt(2/pi) sigma_x exp(-2 sigma_x^2 (k' - k)^2)`` about the central ``k``
    (spread ``k_width``).

    Energy-resolved probabilities at the incident wavenumbers ``k_resolved`` (total energies
    ``energies``), shape ``(n, N)``: ``transmission_resolved``, ``reflection_resolved``
    (channels) and their ``_diabatic`` counterparts; ``at_momentum()`` gives the values at
    ``k``.  ``convergence`` is the report; ``error_estimate`` its ``estimated_error``;
    ``status`` OK (every discretisation parameter varied and the estimate below
    ``options.tol``), NOT_CONVERGED, or NOT_CHECKED (``convergence="none"``, or
    ``"time_step"``, which leaves grid, box and run length alone: the repr and
    ``convergence.summary()`` name them).  ``incoming_state`` is the incoming adiabatic channel.

    ``routes`` says which route produced each group of numbers (``"packet averages"``,
    ``"energy-resolved"``): ``"wavepacket"``, or ``"stationary (packet-averaged)"`` /
    ``"stationary"`` after a hand-over (:func:`wavepacket_scattering`); ``route_errors`` the
    error estimate of each group (``error_estimate`` is the larger).  ``convergence`` always
    describes the wavepacket run, whichever route the numbers come from.
    """

    k: float
    mass: float
    incoming_state: int
    k_width: float
    transmission: np.ndarray
    reflection: np.ndarray
    transmission_diabatic: np.ndarray
    reflection_diabatic: np.ndarray
    k_resolved: np.ndarray
    energies: np.ndarray
    transmission_resolved: np.ndarray
    reflection_resolved: np.ndarray
    transmission_resolved_diabatic: np.ndarray
    reflection_resolved_diabatic: np.ndarray
    convergence: WavepacketConvergence
    hbar: float
    x_range: tuple[float, float]
    routes: dict[str, str] = field(default_factory=dict)
    route_errors: dict[str, float] = field(default_factory=dict)

    kind = "wavepacket scattering"

    momentum = renamed_attribute("momentum", "k")
    momentum_width = renamed_attribute("momentum_width", "k_width")
    momenta = renamed_attribute("momenta", "k_resolved")

    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        return {
            **self._packet_variables(),
        }

    def _attrs(self) -> dict[str, Any]:
        c = self.convergence
        return {
            "k_center": self.k,
            "k_width": self.k_width,
            "mass": self.mass,
            "hbar": self.hbar,
            "incoming_state": self.incoming_state,
            "x_range": list(self.x_range),
            "convergence": c.summary(),
            "estimated_error": c.estimated_error,
            "varied": list(c.varied),
            "not_varied": list(c.fixed),
            "dt": c.dt,
            "dx": c.dx,
            "n_points": c.n_points,
            "routes": json.dumps(self.routes),
            "route_errors": json.dumps(self.route_errors),
            "channels": "adiabatic index at each asymptote (0 lowest)",
        }

    def to_xarray(self) -> Any:
        """An ``xarray.Dataset``: packet averages on ``adiabatic``/``diabatic``, energy-resolved
        values on ``(k, adiabatic)``/``(k, diabatic)``, the convergence report in attrs."""
        ds = super().to_xarray()
        ds["k"].attrs.update(long_name="incident wavenumber k (resolved)", units="1/length (a.u.: 1/bohr)")
        ds["transmission"].attrs["long_name"] = "packet-averaged probability to leave to the right in channel n"
        ds["reflection"].attrs["long_name"] = "packet-averaged probability to leave to the left in channel n"
        ds["transmission_resolved"].attrs["long_name"] = "probability to leave to the right at wavenumber k"
        ds["reflection_resolved"].attrs["long_name"] = "probability to leave to the left at wavenumber k"
        return ds

    def _summary(self) -> list[str]:
        return (
            [
                f"k = {self.k:.6g}",
                f"{self.transmission.size} channels",
                f"incoming channel {self.incoming_state}",
                f"{self.k_resolved.size} resolved k",
            ]
            + ([f"NOT varied: {', '.join(self.convergence.fixed)}"] if self.convergence.fixed else [])
            + [f"{name} from {route}" for name, route in self.routes.items() if route != "wavepacket"]
        )


#: A progress bar shows by itself (``progress=None``) for runs of more steps than this.
_PROGRESS_ABOVE = 20_000
#: Wavenumber margin, in units of 1/L, that the grid keeps above the local wavenumbers for a
#: feature of width L in the potential or in the mixing of the adiabatic states: such a feature
#: has a spectrum falling like ``exp(-L q)`` (a Lorentzian non-adiabatic coupling exactly so),
#: so ``exp(-10)`` ~ 5e-5 of its amplitude lies beyond the margin.
_STRUCTURE_MARGIN = 10.0
#: Length of the absorbers in slow wavelengths ``2 pi / k_slow`` (at least 4 length units).
_ABSORBER_WAVELENGTHS = 6.0
#: The convergence check reruns with k_max, the absorbers and the analysis windows divided by
#: this ratio (a coarser grid in a shorter box) ...
_CHECK_RATIO = 1.5
#: ... stopping when this many times more norm is left between the windows (a shorter run).
_CHECK_STOP = 100.0
#: The discretisation parameters of :func:`wavepacket_scattering`, as named in its report.
PARAMETERS = ("time step", "grid spacing", "absorbers and box", "run length")


def _structure_length(model: Any, xs: np.ndarray, e_hi: float, mass: float, hbar: float) -> float:
    """The shortest length over which the diabatic wavefunction can change shape, apart from
    its local wavelength: the smallest of

    * ``L_ij = max|V_ij'| / max|V_ij''|`` over the diabatic matrix elements that vary (``1/B``
      for ``A(1 - e^{-B|x|})``, ``0.43/sqrt(D)`` for ``C e^{-D x^2}``);
    * for every pair of adiabatic states, the width over which they mix: the half-width
      ``w = 1/(2 max|d_mn|)`` of the non-adiabatic coupling (``2V/F`` for a linear crossing of
      slope difference F and coupling V), or, where the passage is diabatic, the Landau–Zener
      transition length ``sqrt(hbar v/F)`` (``v`` the fastest local velocity there,
      ``F = 2 gap |d_mn|`` at the coupling's peak) if that is longer (C. Zener, Proc. R. Soc. A
      137, 696 (1932); the diabatic amplitudes change over the longer of the two).

    ``xs`` samples the interaction region; ``e_hi`` is the highest energy the packet carries."""
    v = model.potential(xs)
    dv = model.gradient(xs)
    d2v = np.gradient(dv, xs, axis=0)
    n = v.shape[-1]
    span = float(xs[-1] - xs[0])
    e, u = np.linalg.eigh(v)
    scale = float(np.max(e) - np.min(e)) + 1e-300
    lengths = [np.inf]
    for i in range(n):
        for j in range(i, n):
            s1 = float(np.max(np.abs(dv[:, i, j])))
            s2 = float(np.max(np.abs(d2v[:, i, j])))
            if s1 * span > 1e-8 * scale and s2 > 0:
                lengths.append(s1 / s2)
    num = np.swapaxes(u, -1, -2) @ dv @ u  # <m|V'|n>
    for m in range(n):
        for k in range(m + 1, n):
            gap = e[:, k] - e[:, m]
            ok = gap > 1e-12 * scale
            if not np.any(ok):
                continue
            d = np.where(ok, np.abs(num[:, m, k]) / np.where(ok, gap, 1.0), 0.0)
            p = int(np.argmax(d))
            if d[p] * span < 1e-6:  # the states do not mix here
                continue
            width = 1.0 / (2.0 * d[p])
            slope = 2.0 * gap[p] * d[p]
            k_loc = np.sqrt(2 * mass * max(e_hi - e[p, m], 0.0)) / hbar
            lz = np.sqrt(hbar**2 * k_loc / (mass * slope))
            lengths.append(max(width, lz))
    return float(min(lengths))


@dataclass(frozen=True)
class _Setup:
    grid: Grid
    x0: float
    window_left: np.ndarray
    window_right: np.ndarray
    width: float
    cap_width: float
    cap_strength: float
    dt: float
    max_time: float


def _setup(
    model: Any,
    k0: float,
    sk: float,
    mass: float,
    incoming: int,
    hbar: float,
    a: float,
    b: float,
    el: np.ndarray,
    er: np.ndarray,
    refine: float,
    dt_factor: float,
    user: dict[str, Any] | None = None,
) -> _Setup:
    """Grid, absorbers, analysis windows, time step and run-time cap (module docstring of
    :func:`wavepacket_scattering`); ``refine`` scales k_max, the absorbers and the windows
    together (1 for the reported run, ``1/_CHECK_RATIO`` for the convergence check).  ``user``
    holds the values the user set (``dx``, ``box``, ``absorber_width``, ``absorber_strength``),
    which replace the automatic ones (``dx`` and ``absorber_width`` scaled by ``refine`` too)."""
    user = user or {}
    sx = 0.5 / sk
    e_in = el[incoming]
    e_hi = hbar**2 * (k0 + 7 * sk) ** 2 / (2 * mass) + e_in
    e_lo = hbar**2 * max(k0 - 3 * sk, 0.0) ** 2 / (2 * mass) + e_in
    xs = np.linspace(a, b, 4001)
    v_all = np.linalg.eigvalsh(model.potential(xs))
    v_min = min(np.min(v_all), np.min(el), np.min(er))
    v_max = max(np.max(v_all), np.max(el), np.max(er))
    # local wavenumbers: the fastest open-channel wave, and the fastest decay of a closed one
    k_open = np.sqrt(2 * mass * (e_hi - v_min)) / hbar
    k_closed = np.sqrt(2 * mass * max(v_max - e_lo, 0.0)) / hbar
    k_need = max(k_open, k_closed)
    structure = _structure_length(model, xs, e_hi, mass, hbar)
    kmax = refine * (
        np.pi / user["dx"] if "dx" in user else max(_K_FACTOR * k_need, k_need + _STRUCTURE_MARGIN / structure)
    )
    dx = np.pi / kmax
    asym = np.concatenate([el, er])
    open_lo = asym[asym < e_lo]
    k_slow = np.sqrt(2 * mass * (e_lo - open_lo)).min() / hbar if open_lo.size else k0
    k_slow = max(k_slow, 0.25 * k0)
    k_fast = np.sqrt(2 * mass * (e_hi - asym.min())) / hbar
    cap_width = refine * user.get("absorber_width", max(2 * np.pi * _ABSORBER_WAVELENGTHS / k_slow, 4.0))
    v_fast = hbar * k_fast / mass
    cap_strength = user.get("absorber_strength", 30 * hbar * v_fast / cap_width)
    x0 = a - 6 * sx
    # analysis windows: half a slow wavelength or more
    wlen = refine * max(np.pi / k_slow, 10 * np.pi / (kmax / refine))
    x_left = x0 - 8 * sx - wlen  # the initial tail there is exp(-16) in amplitude
    lo = x_left - cap_width
    hi = b + wlen + cap_width
    if "box" in user:
        if not (user["box"][0] <= lo and user["box"][1] >= hi):
            raise LzsmValueError(
                f"`box` must contain [{lo:.6g}, {hi:.6g}] (the packet, the interaction region {a:g}..{b:g}, "
                f"the analysis windows and absorbers of width {cap_width:.3g}), got {tuple(user['box'])}"
            )
        lo, hi = user["box"]
    n = sfft.next_fast_len(int(np.ceil((hi - lo) / dx)))
    dx = (hi - lo) / n
    grid = Grid((lo + dx * np.arange(n),), ("x",))
    xg = grid.axes[0]
    window_left = np.unique(np.searchsorted(xg, np.linspace(x_left, x_left + wlen, 8)))
    window_right = np.unique(np.searchsorted(xg, np.linspace(b, b + wlen, 8)))
    # the time step follows the energies the packet explores (not the grid's empty top modes:
    # the splitting is unitary, so they cannot go unstable)
    e_span = hbar**2 * k_open**2 / (2 * mass) + (v_max - v_min)
    dt = dt_factor * hbar / e_span
    # run-time cap: three box crossings of the slowest outgoing wave at the lowest resolved
    # energy (components closer to a channel threshold are left out; the report says so)
    e_res = hbar**2 * max(k0 - 2.5 * sk, 0.0) ** 2 / (2 * mass) + e_in
    open_res = asym[asym < e_res]
    k_res = np.sqrt(2 * mass * (e_res - open_res)).min() / hbar if open_res.size else k0
    v_slow = hbar * max(k_res, 0.1 * k0) / mass
    max_time = 3 * (hi - lo) / v_slow + 2 * (b - x0) / (hbar * k0 / mass)
    return _Setup(grid, x0, window_left, window_right, sx, cap_width, cap_strength, dt, max_time)


def _run_scattering(
    model: Any,
    setup: _Setup,
    k0: float,
    mass: float,
    incoming: int,
    hbar: float,
    ul: np.ndarray,
    remaining_tol: float,
    bar: Any,
) -> dict[str, Any]:
    """One propagation until the packet has left the box between the analysis windows; ``bar``
    advances by the fraction of the norm that has left (1 per run)."""
    g = setup.grid
    v = _potential_on_grid(model, g)
    w = absorbing_potential(g, setup.cap_width, setup.cap_strength)
    op = _SplitOperator(v, g, np.array([mass]), setup.dt, hbar, w)
    x = g.axes[0]
    op.set_regions(np.where(x < setup.x0, 0, 1))
    psi = np.ascontiguousarray(gaussian_wavepacket(g, setup.x0, hbar * k0, setup.width, ul[:, incoming], hbar=hbar).T)
    rec_l, rec_r = [], []
    wl, wr = setup.window_left, setup.window_right
    il, ir = int(wl[0]), int(wr[-1])
    psi = op.potential_step(psi, half=True)
    n_steps = 0
    chunk = 200
    tail = 0.0
    max_steps = int(np.ceil(setup.max_time / setup.dt))
    shown = 0.0
    while True:
        for _ in range(chunk):
            psi = op.kinetic_step(psi)
            rec_l.append(psi[:, wl])
            rec_r.append(psi[:, wr])
            psi = op.potential_step(psi, half=False)
        n_steps += chunk
        bar.update(chunk)
        remaining = float(np.sum(np.abs(psi[:, il : ir + 1]) ** 2) * g.cell)
        gone = min(1.0, max(shown, 1.0 - remaining))
        bar.update(gone - shown)
        shown = gone
        if n_steps % (5 * chunk) == 0:
            tail = max(tail, op.momentum_tail(psi))
        if remaining < remaining_tol or n_steps >= max_steps:
            break
    bar.update(1.0 - shown)
    # what is already in the absorbers has passed the analysis windows and will be absorbed:
    # book it now (mask 0 = full absorption)
    outside = np.ones(g.shape[0], dtype=bool)
    outside[il : ir + 1] = False
    op.book(np.where(outside, psi, 0.0), np.full(g.shape[0], g.cell))
    vecs_l = op.vectors[il]
    vecs_r = op.vectors[ir]
    # (steps, points, N): b_n = sum_j conj(U_jn) psi_j
    amp_l = np.swapaxes(np.array(rec_l), 1, 2) @ np.conj(vecs_l)
    amp_r = np.swapaxes(np.array(rec_r), 1, 2) @ np.conj(vecs_r)
    x = g.axes[0]
    return {
        "amp_l": amp_l,
        "amp_r": amp_r,
        "x_l": x[wl],
        "x_r": x[wr],
        "e_l": op.energies[il],
        "e_r": op.energies[ir],
        "u_l": vecs_l,
        "u_r": vecs_r,
        "refl_adi": op.region_adiabatic[0].copy(),
        "trans_adi": op.region_adiabatic[1].copy(),
        "refl_dia": op.region_diabatic[0].copy(),
        "trans_dia": op.region_diabatic[1].copy(),
        "n_steps": n_steps,
        "remaining": remaining,
        "tail": tail,
    }


def _resolve(
    run: dict[str, Any], setup: _Setup, ks: np.ndarray, k0: float, mass: float, incoming: int, hbar: float, e_in: float
) -> tuple[np.ndarray, np.ndarray]:
    """Energy-resolved channel probabilities from the time-energy Fourier transform in the
    analysis windows.  In a window (constant potential) each channel's transform is
    ``A_n(x, E) = A_out e^{+-ik_n x} + A_in e^{-+ik_n x}``; a least-squares fit over the
    window's points separates the outgoing part from anything coming back (absorber
    reflection, the incoming packet's tail), and
    ``P_n(E) = v_n v_in |A_out|^2 / (2 pi |phi_0(k_in)|^2)`` with
    ``A(E) = int dt e^{iEt/hbar} b_n(x, t)`` (flux of the outgoing wave over the incident flux
    density in energy)."""
    e = hbar**2 * ks**2 / (2 * mass) + e_in
    t = setup.dt * np.arange(1, run["amp_l"].shape[0] + 1)
    phase = np.exp(1j * np.outer(e, t) / hbar) * setup.dt
    sx = setup.width
    phi0 = np.sqrt(2 / np.pi) * sx * np.exp(-2 * sx**2 * (ks - k0) ** 2)
    v_in = hbar * ks / mass
    out = []
    for amp, en, xw, sign in (
        (run["amp_r"], run["e_r"], run["x_r"], 1.0),
        (run["amp_l"], run["e_l"], run["x_l"], -1.0),
    ):
        a_e = np.einsum("et,tpn->epn", phase, amp)  # (nE, points, N)
        k2 = 2 * mass * (e[:, None] - en[None, :]) / hbar**2
        kn = np.sqrt(np.where(k2 > 0, k2, 0.0))
        prob = np.zeros(k2.shape)
        for i in range(e.size):
            for c in range(en.size):
                if k2[i, c] <= 0:
                    continue
                basis = np.stack([np.exp(sign * 1j * kn[i, c] * xw), np.exp(-sign * 1j * kn[i, c] * xw)], axis=1)
                coef = np.linalg.lstsq(basis, a_e[i, :, c], rcond=None)[0]
                prob[i, c] = hbar * kn[i, c] / mass * v_in[i] * np.abs(coef[0]) ** 2 / (2 * np.pi * phi0[i])
        out.append(prob)
    return out[0], out[1]


def _finish_status(conv: WavepacketConvergence) -> Status:
    """OK only when every discretisation parameter was varied and the estimate is below the
    tolerance; NOT_CONVERGED when the checks that ran failed; NOT_CHECKED when they passed
    but left parameters unvaried (``convergence="time_step"``), or nothing was checked."""
    if conv.varied and not conv.converged:
        return Status.NOT_CONVERGED
    return Status.OK if conv.converged and not conv.fixed else Status.NOT_CHECKED


@renamed_keywords(
    momentum="k",
    momentum_width="k_width",
    resolved_momenta="k_resolved",
    tolerance="tol",
    incoming_state=("initial", old_adiabatic_index),
)
def wavepacket_scattering(
    model: Any,
    k: float,
    mass: float | None = None,
    *,
    initial: Any = "lower",
    k_width: float | None = None,
    k_resolved: ArrayLike | None = None,
    convergence: str = "full",
    tol: float | None = None,
    dt: float | None = None,
    hbar: float | None = None,
    x_range: tuple[float, float] | None = None,
    max_refinements: int = 2,
    options: Options | None = None,
    progress: bool | None = None,
    dx: float | None = None,
    box: tuple[float, float] | None = None,
    absorber_width: float | None = None,
    absorber_strength: float | None = None,
    handover: bool = True,
) -> WavepacketScattering:
    """Exact 1-D scattering of a Gaussian wavepacket on a curve model (:class:`~lzsm.models.curves.Curves`).

    The packet starts left of the interaction region in the asymptotic adiabatic channel named
    by ``initial`` (default ``'lower'``; ``'adiabatic k'``, ``'upper'``, or a diabatic index /
    ``'diabatic k'`` for the channel that diabatic state dominates there) with mean wavenumber
    ``k`` (> 0) and spread ``k_width`` (``sigma_k``, default ``k/20``); the nuclear mass and
    hbar are the model's (``model.mass``, ``model.hbar``).  Everything else is automatic:

    * grid: ``k_max = pi/dx`` is the larger of ``2 k_need`` and ``k_need + 10/L``.
      ``k_need`` is the largest local wavenumber in any channel, open (``k + 7 sigma_k``
      accelerated to the potential's minimum) or closed (the decay constant of the evanescent
      wave at the highest barrier); ``L`` the shortest length over which the diabatic
      wavefunction changes shape: the scale ``max|V_ij'|/max|V_ij''|`` of every potential
      element and the width over which each pair of adiabatic states mixes (the half-width of
      the non-adiabatic coupling, or the Landau–Zener length where the passage is diabatic;
      ``_structure_length``).  The box holds the interaction region, the packet (6 widths
      clear of it), an analysis window on each side, and cubic absorbers
      (:func:`absorbing_potential`) 6 slow wavelengths long (at least 4 length units), strong
      enough to damp the fastest component by ``e^-30`` before it wraps around;
    * time step: ``dt = 0.25 hbar / (hbar^2 k_open^2/2m + V_max - V_min)``;
    * run length: until less than ``(tol/20)^2`` of the norm is left between the analysis
      windows (capped at three box crossings of the slowest resolved outgoing wave).

    Any of them can be set instead: ``dt``, ``dx`` (the grid spacing is at most this), ``box``
    (the grid's ends ``(lo, hi)``; it must hold the packet, the interaction region, the analysis
    windows and the absorbers, and the message says how much that is), ``absorber_width`` and
    ``absorber_strength`` (of the cubic absorbers at the box's ends).  A parameter the user set
    is still varied by the convergence check (so its error is measured) but never refined; the
    report lists it in ``user_set``.

    **Hand-over.**  Near a channel threshold or a long-lived resonance part of the packet stays
    in the interaction region longer than the run's cap (three box crossings of the slowest
    outgoing wave).  When that trapped norm alone exceeds ``tol/2`` (run-length term
    ``2 sqrt(remaining_norm)``), or the checks fail, and ``handover`` is True (default), the
    numbers are taken from :func:`lzsm.packet_averaged_scattering` for the same packet (the
    exact stationary solution averaged over its wavenumber distribution, resonances resolved)
    and the energy-resolved ones from :func:`lzsm.stationary_scattering`; ``result.routes``
    names the route of each group of numbers and ``result.route_errors`` their estimates,
    ``result.convergence`` still reports the wavepacket run.  A packet already trapped at the
    end of its first run is handed over without the convergence checks (each would run to the
    same time cap again), and its report says "not checked".  ``handover=False`` keeps the
    wavepacket's numbers (NOT_CONVERGED and a warning when the checks fail).

    ``convergence`` says which of these discretisation parameters are varied to check the
    result (:class:`WavepacketConvergence` lists them in ``varied`` and ``fixed``):

    * ``"full"`` (default): all four.  A run at 2 dt gives the Richardson estimate of the dt
      error (dt is halved while it is above ``tol/2``); a check run with k_max, the absorbers
      and the analysis windows divided by 1.5, stopping at 100x the norm, gives the error of
      grid, box and run length (while the total misses ``tol`` because of it, the grid is
      refined by 1.5 and the previous run becomes the check); at most ``max_refinements``
      times each.  Status OK
      when the estimate is below ``tol``, NOT_CONVERGED (and an
      :class:`~lzsm.errors.LzsmConvergenceWarning`) when it is not;
    * ``"time_step"``: only the time step (the 2 dt run; cheaper).  Grid, box and run length
      are not varied, so a result that passes has status NOT_CHECKED, not OK, and the report
      names the parameters held fixed (NOT_CONVERGED when the dt check fails);
    * ``"none"``: one run, status NOT_CHECKED ("not checked" in the report, not a failure),
      ``error_estimate`` NaN.

    The estimate is ``dt_error + grid_error + 2 sqrt(remaining_norm)``; measured against the
    stationary coupled-channel solution (:func:`lzsm.stationary_scattering`) it bounds the
    actual error on Tully's three models from k = 4 to 45 (docs/accuracy.md).

    Probabilities: packet averages from the norm booked by the left/right absorbers, per channel
    in both pictures; energy-resolved ones at ``k_resolved`` (default: 11 points over
    ``k +- 2.5 sigma_k``) from the time-energy Fourier transform of the channel amplitudes
    at an analysis point on each side (D. Neuhauser, M. Baer, R. S. Judson & D. J. Kouri,
    Comput. Phys. Commun. 63, 460 (1991); the flux/energy-projection idea of
    G. G. Balint-Kurti, R. N. Dixon & C. C. Marston, Int. Rev. Phys. Chem. 11, 317 (1992)).

    The report is ``result.convergence`` (:class:`WavepacketConvergence`); ``error_estimate``
    its ``estimated_error``.  ``options``/``tol``/``progress``: the
    generic options (:class:`lzsm.Options`); only ``tol`` (the convergence target, default 1e-4)
    and ``progress`` apply (a bar over the time steps of each run, naming the run, its dx and
    dt; by itself for runs of more than 20 000 steps).  ``mass`` and ``hbar`` are deprecated
    keywords (put them on the model).

    Examples
    --------
    >>> import lzsm
    >>> model = lzsm.TullySimple()
    >>> wp = lzsm.wavepacket_scattering(model, k=20.0, k_resolved=[20.0], convergence='none')
    >>> wp.transmission_resolved.round(4)  # [k, adiabatic state]: lower, upper
    array([[0.5068, 0.4932]])
    >>> lzsm.stationary_scattering(model, k=20.0).transmission.round(4)  # the exact stationary values
    array([[0.5068, 0.4932]])
    """
    from lzsm.molecules.stationary import asymptotic_range

    model = curve_model(model)
    m, hb = mass_and_hbar(model, mass, hbar, "wavepacket_scattering")
    k0 = _checks.positive_scalar(k, "k")
    opts = only(
        resolve_options(options, tol=tol, progress=progress),
        {"tol"},
        "wavepacket_scattering",
        "its grid, time step and absorbers are set by its convergence check",
    )
    if opts.tol is None:
        opts = opts.replace(tol=DEFAULT_TOL)
    tol_ = float(DEFAULT_TOL if opts.tol is None else opts.tol)
    _checks.choice(convergence, "convergence", ("time_step", "full", "none"))
    refinements_max = _checks.integer(max_refinements, "max_refinements", low=0, high=10)
    dt_user = None if dt is None else _checks.positive_scalar(dt, "dt")
    user: dict[str, Any] = {}
    if dx is not None:
        user["dx"] = _checks.positive_scalar(dx, "dx")
    if box is not None:
        user["box"] = _checks.interval(box, "box")
    if absorber_width is not None:
        user["absorber_width"] = _checks.positive_scalar(absorber_width, "absorber_width")
    if absorber_strength is not None:
        user["absorber_strength"] = _checks.positive_scalar(absorber_strength, "absorber_strength")
    handover = _checks.flag(handover, "handover")
    user_set = (("dt",) if dt_user is not None else ()) + tuple(user)
    sk = k0 / 20 if k_width is None else _checks.positive_scalar(k_width, "k_width")
    if k0 - 5 * sk <= 0:
        raise LzsmValueError(
            f"`k_width` {sk:g} is too broad for k = {k0:g}: the packet would carry "
            f"backward-moving components (need k_width < k/5)"
        )
    ks = (
        k0 + sk * np.linspace(-2.5, 2.5, 11)
        if k_resolved is None
        else np.atleast_1d(_checks.real_array(k_resolved, "k_resolved", positive=True))
    )
    if ks.ndim != 1:
        raise LzsmValueError(f"`k_resolved` must be a number or a 1-D array, got shape {ks.shape}")
    a, b = asymptotic_range(model) if x_range is None else _checks.interval(x_range, "x_range")
    incoming_state = initial_channel(initial, model, a)
    el, ul = np.linalg.eigh(model.potential(np.array(a)))
    er, _ = np.linalg.eigh(model.potential(np.array(b)))
    e_in = el[incoming_state]
    bar = progress_bar(
        {"none": 1, "time_step": 2, "full": 3}[convergence],
        opts.progress,
        desc="wavepacket_scattering",
        unit="run",
        bar_format="{l_bar}{bar}| {n:.2f}/{total} runs [{elapsed}<{remaining}]",
    )

    stop = max((tol_ / 20) ** 2, 1e-14)  # run-length term 2 sqrt(norm left) <= tol/10

    bars: list[Any] = []  # one progress bar, made when the first run knows its length
    runs: list[int] = []

    def run(refine: float, dt_value: float | None, stop_norm: float = stop) -> tuple[_Setup, dict[str, Any]]:
        st = _setup(model, k0, sk, m, incoming_state, hb, a, b, el, er, refine, 0.25, user)
        if dt_value is not None:
            st = _Setup(**{**st.__dict__, "dt": dt_value})
        cap = int(np.ceil(st.max_time / st.dt))
        if not bars:
            bars.append(
                progress_bar(cap, opts.progress, desc="wavepacket_scattering", unit="step", auto_above=_PROGRESS_ABOVE)
            )
        bars[0].reset(total=cap)
        bars[0].set_description(
            f"wavepacket_scattering (run {len(runs) + 1}, dx {st.grid.spacing[0]:.3g}, dt {st.dt:.3g})"
        )
        runs.append(cap)
        r = _run_scattering(model, st, k0, m, incoming_state, hb, ul, stop_norm, bars[0])
        tr, rr = _resolve(r, st, ks, k0, m, incoming_state, hb, e_in)
        r["resolved"] = (tr, rr)
        return st, r

    def values(r: dict[str, Any]) -> np.ndarray:
        return np.concatenate([r["trans_adi"], r["refl_adi"], r["resolved"][0].ravel(), r["resolved"][1].ravel()])

    def dt_check(st: _Setup, r: dict[str, Any], refine: float) -> tuple[_Setup, dict[str, Any], float, int]:
        """Richardson estimate of the dt error on this grid; dt halved while it is >= tol/2."""
        _, r2 = run(refine, 2 * st.dt)
        halvings = 0
        while True:
            err = float(np.max(np.abs(values(r) - values(r2)))) / 3
            if err < tol_ / 2 or halvings >= refinements_max or dt_user is not None:
                return st, r, err, halvings
            r2 = r
            st, r = run(refine, st.dt / 2)
            halvings += 1

    def run_length_error(r: dict[str, Any]) -> float:
        """The run-length term of the estimate, ``2 sqrt(remaining norm)``."""
        return 2 * float(np.sqrt(max(r["remaining"], 0.0)))

    try:
        refine = 1.0
        st, res = run(refine, dt_user)
        dt_err = grid_err = np.nan
        refinements = 0
        # a packet still trapped when its first run ends is handed over below, whatever the
        # checks would say; each check re-runs the same long propagation up to its time cap
        # (Tully's extended coupling at k = 30: 200 s of checks), so they are skipped
        early = handover and run_length_error(res) >= tol_ / 2
        if convergence != "none" and not early:
            st, res, dt_err, refinements = dt_check(st, res, refine)
        if convergence == "full" and not early:
            _, check = run(refine / _CHECK_RATIO, st.dt, _CHECK_STOP * stop)
            grid_refinements = 0
            while True:
                grid_err = float(np.max(np.abs(values(res) - values(check))))
                run_err = run_length_error(res)
                # refine the grid when it is what misses tol (a run stopped by its time cap near a
                # channel threshold is not helped by a finer grid)
                if (
                    dt_err + grid_err + run_err < tol_
                    or grid_err < tol_ / 2
                    or run_err >= tol_ / 2
                    or grid_refinements >= refinements_max
                    or user  # a grid, box or absorber the user set is checked, not refined
                ):
                    break
                # the reported run becomes the check of a finer one (whose dt is checked again)
                check, refine = res, refine * _CHECK_RATIO
                st, res = run(refine, st.dt)
                st, res, dt_err, halvings = dt_check(st, res, refine)
                grid_refinements += 1
                refinements += 1 + halvings
    finally:
        for bar in bars:
            bar.close()
    run_err = run_length_error(res)
    varied = () if early else {"none": (), "time_step": ("time step",), "full": PARAMETERS}[convergence]
    fixed = tuple(q for q in PARAMETERS if q not in varied)
    est = float(np.nansum([dt_err, grid_err]) + run_err) if varied else float("nan")
    conv = WavepacketConvergence(
        dx=st.grid.spacing[0],
        n_points=st.grid.shape[0],
        k_max=st.grid.k_max[0],
        dt=st.dt,
        n_steps=res["n_steps"],
        final_time=res["n_steps"] * st.dt,
        dt_error=dt_err,
        grid_error=grid_err,
        momentum_tail=res["tail"],
        remaining_norm=res["remaining"],
        estimated_error=est,
        tolerance=tol_,
        converged=bool(est < tol_) if varied else False,
        refinements=refinements,
        absorber_width=st.cap_width,
        absorber_strength=st.cap_strength,
        run_length_error=run_err,
        varied=varied,
        fixed=fixed,
        user_set=user_set,
    )
    status = _finish_status(conv)
    tr, rr = res["resolved"]
    numbers = {
        "transmission": res["trans_adi"],
        "reflection": res["refl_adi"],
        "transmission_diabatic": res["trans_dia"],
        "reflection_diabatic": res["refl_dia"],
        "transmission_resolved": tr,
        "reflection_resolved": rr,
        "transmission_resolved_diabatic": tr @ (np.abs(res["u_r"]) ** 2).T,
        "reflection_resolved_diabatic": rr @ (np.abs(res["u_l"]) ** 2).T,
    }
    routes = {"packet averages": "wavepacket", "energy-resolved": "wavepacket"}
    route_errors = {"packet averages": est, "energy-resolved": est}
    method = "split-operator wavepacket"
    # the packet could not leave within its budget, or the checks failed: hand over to the
    # packet-averaged stationary route (the same packet, the exact stationary solution)
    handed_over = handover and (status == Status.NOT_CONVERGED or run_err >= tol_ / 2)
    if handed_over:
        from lzsm.molecules.averaged import packet_averaged_scattering

        avg = packet_averaged_scattering(
            model,
            k0,
            k_width=sk,
            initial=f"adiabatic {incoming_state}",
            k_resolved=ks,
            tol=tol_,
            x_range=(a, b),
            progress=opts.progress,
        )
        for name in numbers:
            numbers[name] = getattr(avg, name)
        routes = {"packet averages": "stationary (packet-averaged)", "energy-resolved": "stationary"}
        route_errors = {
            "packet averages": float(avg.error_estimate),
            "energy-resolved": float(np.max(avg.resolved_error, initial=0.0)),
        }
        est = max(route_errors.values())
        status = Status(int(avg.status))
        method = "stationary (packet-averaged), handed over from the split-operator wavepacket"
    if status == Status.NOT_CONVERGED and not handed_over:  # (a hand-over's route warns for itself)
        warnings.warn(
            f"wavepacket_scattering: {conv.summary()}; see WavepacketScattering.convergence",
            LzsmConvergenceWarning,
            stacklevel=3,
        )  # past the keyword wrapper
    return WavepacketScattering(
        k=k0,
        mass=m,
        incoming_state=int(incoming_state),
        k_width=sk,
        k_resolved=ks,
        energies=hb**2 * ks**2 / (2 * m) + e_in,
        convergence=conv,
        hbar=hb,
        x_range=(a, b),
        routes=routes,
        route_errors=route_errors,
        method=method,
        options=opts,
        status=int(status),
        error_estimate=est,
        n_steps=int(res["n_steps"]),
        **numbers,
    )


# =========================================================================== tables against k
_QUANTITIES = ("transmission", "reflection", "transmission_diabatic", "reflection_diabatic")


@dataclass(frozen=True, eq=False, repr=False)
class ScatteringScan(DatasetResult):
    """Result of :func:`scattering_vs_momentum`: T and R per channel against ``k``.

    Indexing gives the dataset's variables (``scan["transmission"]`` on ``(k, adiabatic)``);
    ``.to_xarray()`` the whole labelled dataset."""

    route: str

    kind = "scattering against incident wavenumber"

    @property
    def k(self) -> np.ndarray:
        """The incident wavenumbers."""
        return np.asarray(self.data["k"].values)

    @property
    def transmission(self) -> Any:
        """Transmission per asymptotic adiabatic channel, ``(k, adiabatic)``."""
        return self.data["transmission"]

    @property
    def reflection(self) -> Any:
        """Reflection per asymptotic adiabatic channel, ``(k, adiabatic)``."""
        return self.data["reflection"]

    def _summary(self) -> list[str]:
        return [f"route {self.route!r}", f"k: {self.data.sizes['k']} values"]


@renamed_keywords(momenta="k", incoming_state=("initial", old_adiabatic_index))
def scattering_vs_momentum(
    model: Any,
    k: ArrayLike,
    mass: float | None = None,
    *,
    method: str = "stationary",
    initial: Any = "lower",
    hbar: float | None = None,
    progress: bool | None = None,
    **options: Any,
) -> ScatteringScan:
    """Transmission and reflection per channel against the incident wavenumber ``k``, as a
    :class:`ScatteringScan` (``.to_xarray()`` gives the labelled dataset).

    ``method="stationary"`` uses :func:`lzsm.molecules.stationary.stationary_scattering` (all
    wavenumbers in one vectorised call; it covers Tully's published ranges, thresholds and
    resonances included, to 1e-4 at default settings: benchmarks/bench_tully_ranges.py),
    ``"transfer_matrix"`` its independent second route (``method="transfer_matrix"`` there); ``"wavepacket"`` runs :func:`wavepacket_scattering` at
    each ``k`` and keeps its energy-resolved values there.  Variables ``transmission``,
    ``reflection`` on ``(k, adiabatic)`` (asymptotic channels), ``transmission_diabatic``,
    ``reflection_diabatic`` on ``(k, diabatic)``, ``error_estimate``, ``status`` and ``success``
    on ``k``; coordinate ``energy`` along ``k``.  ``initial`` names the incoming channel;
    ``options`` go to the method (e.g. ``step`` or ``convergence``, ``tol``); mass and hbar are
    the model's (``mass``/``hbar`` are deprecated keywords).  ``progress``: a bar over the
    wavenumbers for ``"wavepacket"`` (``None``: on a terminal or in a notebook); the stationary
    method solves all of them in one call."""
    import xarray as xr

    from lzsm.molecules.stationary import stationary_scattering

    _checks.choice(method, "method", ("stationary", "transfer_matrix", "wavepacket"))
    if progress is not None and not isinstance(progress, (bool, np.bool_)):
        raise LzsmTypeError(f"`progress` must be True, False or None, got {_checks.short(progress)}")
    ks = np.atleast_1d(_checks.real_array(k, "k", positive=True))
    if ks.ndim != 1:
        raise LzsmValueError(f"`k` must be a number or a 1-D array, got shape {ks.shape}")
    if method in ("stationary", "transfer_matrix"):
        route = "log_derivative" if method == "stationary" else "transfer_matrix"
        r = stationary_scattering(model, k=ks, mass=mass, initial=initial, hbar=hbar, method=route, **options)
        data = {name: getattr(r, name) for name in _QUANTITIES}
        err, status, energy = r.error_estimate, np.asarray(r.status), r.energies
        m, hb, channel = r.mass, r.hbar, r.incoming_state
    else:
        rows = []
        with progress_bar(ks.size, progress, desc="scattering_vs_momentum", unit="k") as bar:
            for kk in ks:
                one = {"initial": initial, "hbar": hbar, "k_resolved": [float(kk)], "progress": False}
                rows.append(wavepacket_scattering(model, float(kk), mass, **one, **options))
                bar.update(1)
        data = {
            name: np.array(
                [
                    getattr(
                        w,
                        name.replace("transmission", "transmission_resolved", 1).replace(
                            "reflection", "reflection_resolved", 1
                        ),
                    )[0]
                    for w in rows
                ]
            )
            for name in _QUANTITIES
        }
        err = np.array([w.error_estimate for w in rows])
        status = np.array([w.status for w in rows])
        energy = np.array([w.energies[0] for w in rows])
        m, hb, channel = rows[0].mass, rows[0].hbar, rows[0].incoming_state
    n = data["transmission"].shape[-1]
    variables: dict[str, tuple[tuple[str, ...], Any]] = {
        name: (("k", "diabatic" if name.endswith("_diabatic") else "adiabatic"), values)
        for name, values in data.items()
    }
    variables["error_estimate"] = (("k",), np.asarray(err, dtype=float))
    variables["status"] = (("k",), np.broadcast_to(np.asarray(status, dtype=np.int64), ks.shape))
    variables["success"] = (("k",), np.isin(variables["status"][1], [int(Status.OK), int(Status.NOT_CHECKED)]))
    ds = xr.Dataset(
        variables,
        coords={
            "k": ks,
            "energy": ("k", np.asarray(energy, dtype=float)),
            "adiabatic": np.arange(n),
            "diabatic": np.arange(n),
        },
        attrs={
            "method": method,
            "model": type(model).__name__,
            "mass": m,
            "incoming_state": channel,
            "hbar": hb,
            "channels": "adiabatic index at each asymptote (0 lowest)",
            "status_codes": json.dumps(status_messages()),
        },
    )
    ds["k"].attrs.update(long_name="incident wavenumber k", units="1/length (a.u.: 1/bohr)")
    return ScatteringScan(
        ds, method, method=method, status=ds["status"].values, error_estimate=ds["error_estimate"].values
    )
