"""Packet-averaged stationary scattering: what a wavepacket measures, from the exact stationary
solution, resonances and thresholds included.

A Gaussian packet started far to the left in the asymptotic channel ``n_in`` with mean
wavenumber ``k`` and spread ``sigma_k`` is a superposition of stationary scattering states;
each of its wavenumber components ``k'`` scatters independently, so the probability it ends in
channel n on either side is the average of the stationary probability over the packet's
wavenumber distribution (e.g. D. J. Tannor, *Introduction to Quantum Mechanics: A
Time-Dependent Perspective*, University Science Books (2007), ch. 8)

.. math::  \\bar P_n = \\int_0^\\infty dk'\\, |\\phi(k')|^2 P_n(E(k')),\\qquad
           |\\phi(k')|^2 = \\frac{1}{\\sqrt{2\\pi}\\,\\sigma_k}\\,
           e^{-(k' - k)^2 / 2\\sigma_k^2},\\qquad E(k') = \\frac{\\hbar^2 k'^2}{2m} + E_{n_{in}}(-\\infty)

(components with ``k' < 0`` move away from the interaction region and count as reflected in
the incoming channel).  :func:`packet_averaged_scattering` evaluates this integral over
``k +- 8 sigma_k`` with adaptive Gauss–Kronrod (7/15-point) quadrature on
:func:`lzsm.molecules.stationary.stationary_scattering` (many energies per call), after placing
break points where the integrand is not smooth:

* **channel thresholds** ``E = E_n(+-inf)``, where ``P_n`` starts as ``sqrt(E - E_n)`` (and the
  other channels have square-root cusps), with break points graded geometrically towards them
  (``sigma_k 2^-j``, j = 0..12: without them the rule's error estimate missed a 1.1e-5 error
  next to Tully 3's threshold);
* **Feshbach resonances**: bound states of a closed adiabatic channel (one whose asymptotes on
  both sides lie above the energy) embedded in the open ones (H. Feshbach, Ann. Phys. 19, 287
  (1962)).  Their uncoupled energies (a finite-difference eigenproblem of each closed
  adiabatic curve) are the seeds; near each, the pole ``E_r - i Gamma/2`` of the scattering
  amplitudes is found from the amplitudes at *complex* energies, on a line just above the real
  axis where they are smooth however narrow the resonance, by AAA rational approximation
  (:func:`_find_pole`).  The quadrature then gets break points
  at ``E_r`` and ``E_r +- Gamma {1/2, 2, 8, 32}``, so each resonance profile is resolved
  whatever its width.

The quadrature stops when the sum over intervals of ``|K_15 - G_7|`` (the Kronrod estimate of
the Gauss rule's error, an upper bound in practice of the Kronrod result's) is below ``tol/2``,
maximised over the reported probabilities.  Every node is solved with sectors h and h/2 and
Richardson-extrapolated as in :func:`~lzsm.molecules.stationary.stationary_scattering`;
``error_estimate`` adds the Richardson estimate of the *averages*, ``|<P(h/2)> - <P(h)>|/3``
(the error of the h/2 average; across a resonance the nodes' signed sector errors largely
cancel, so this is far below the average of the nodes' own estimates), and the weight left
outside ``k +- 8 sigma_k`` (1.2e-15).  Energy-resolved values at ``k_resolved`` are plain stationary results.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy.linalg import eigh_tridiagonal
from scipy.special import erfc

from lzsm import _checks
from lzsm._progress import progress_bar
from lzsm.errors import LzsmConvergenceWarning, LzsmValueError
from lzsm.models.curves import Curves
from lzsm.molecules._inputs import curve_model, initial_channel, mass_and_hbar
from lzsm.molecules._packet import PacketProbabilities
from lzsm.options import Options, only, resolve_options
from lzsm.results import Result, Status

#: Default target accuracy of :func:`packet_averaged_scattering` (probabilities).
DEFAULT_TOL = 1e-4
#: Half-width of the integration range in packet widths ``sigma_k``.
_SPAN = 8.0
#: Gauss–Kronrod 7/15 rule on [-1, 1] (R. Piessens, E. de Doncker-Kapenga, C. Überhuber and
#: D. Kahaner, QUADPACK, Springer (1983), routine QK15): Kronrod nodes ``x >= 0``, their
#: weights, and the weights of the 7-point Gauss rule on the odd-indexed nodes.
_XGK = np.array(
    [
        0.991455371120812639206854697526329,
        0.949107912342758524526189684047851,
        0.864864423359769072789712788640926,
        0.741531185599394439863864773280788,
        0.586087235467691130294144845693013,
        0.405845151377397166906606412076961,
        0.207784955007898467600689403773245,
        0.000000000000000000000000000000000,
    ]
)
_WGK = np.array(
    [
        0.022935322010529224963732008058970,
        0.063092092629978553290700663189204,
        0.104790010322250183839876322541518,
        0.140653259715525918745189590510238,
        0.169004726639267902826583426598550,
        0.190350578064785409913256402421014,
        0.204432940075298892414161999234649,
        0.209482141084727828012999174891714,
    ]
)
_WG = np.array(
    [
        0.129484966168869693270611432679082,
        0.279705391489276667901467771423780,
        0.381830050505118944950369775488975,
        0.417959183673469387755102040816327,
    ]
)
#: The 15 nodes on [-1, 1] in increasing order, their Kronrod weights, and the Gauss weights
#: (zero on the Kronrod-only nodes).
_NODES = np.concatenate([-_XGK[:-1], _XGK[::-1]])
_K_WEIGHTS = np.concatenate([_WGK[:-1], _WGK[::-1]])
_G_WEIGHTS = np.zeros(15)
_G_WEIGHTS[[1, 3, 5, 7, 9, 11, 13]] = np.concatenate([_WG[:-1], _WG[::-1]])
#: Distances (in sigma_k) of the break points placed on each side of a channel threshold: a
#: geometric grading, so that every interval next to the square-root branch point is as long
#: as its distance from it (where Gauss–Kronrod and its error estimate are reliable).
_THRESHOLD_GRADING = 2.0 ** -np.arange(13)
#: Widths (in Gamma) of the break points placed on each side of a resonance.
_RESONANCE_POINTS = (0.5, 2.0, 8.0, 32.0)


@dataclass(frozen=True, eq=False, repr=False)
class PacketAveragedScattering(PacketProbabilities, Result):
    """Result of :func:`packet_averaged_scattering` (incidence from the left).

    Packet averages ``(N,)``: ``transmission``/``reflection`` per asymptotic adiabatic channel
    (index 0 lowest) and ``transmission_diabatic``/``reflection_diabatic`` per diabatic state.
    Energy-resolved values ``(n, N)`` at ``k_resolved`` (total energies ``energies``):
    ``transmission_resolved`` ... ``reflection_resolved_diabatic`` with their stationary error
    estimates ``resolved_error``.  ``error_estimate`` = ``quadrature_error`` +
    ``stationary_error`` + the weight outside the integration range; ``resonances`` the poles
    ``E_r - i Gamma/2`` found (total energies), ``thresholds`` the channel thresholds inside
    the packet (as incident wavenumbers), ``n_energies`` the number of stationary solutions the
    quadrature used and ``n_intervals`` its final number of intervals."""

    k: float
    k_width: float
    mass: float
    hbar: float
    incoming_state: int
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
    resolved_error: np.ndarray
    quadrature_error: float
    stationary_error: float
    resonances: np.ndarray
    thresholds: np.ndarray
    n_energies: int
    n_intervals: int
    x_range: tuple[float, float]

    kind = "packet-averaged stationary scattering"

    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        return {
            **self._packet_variables(),
            "resolved_error": (["k"], self.resolved_error),
        }

    def _attrs(self) -> dict[str, Any]:
        return {
            "k_center": self.k,
            "k_width": self.k_width,
            "mass": self.mass,
            "hbar": self.hbar,
            "incoming_state": self.incoming_state,
            "x_range": list(self.x_range),
            "quadrature_error": self.quadrature_error,
            "stationary_error": self.stationary_error,
            "resonance_energies": self.resonances.real.tolist(),
            "resonance_widths": (-2 * self.resonances.imag).tolist(),
            "thresholds_k": self.thresholds.tolist(),
            "n_energies": self.n_energies,
            "channels": "adiabatic index at each asymptote (0 lowest)",
        }

    def _summary(self) -> list[str]:
        return [
            f"k = {self.k:.6g} +- {self.k_width:.3g}",
            f"{self.transmission.size} channels",
            f"{self.resonances.size} resonances",
            f"{self.n_energies} energies",
        ]


def _closed_channel_levels(
    model: Curves, a: float, b: float, e_lo: float, e_hi: float, mass: float, hbar: float
) -> np.ndarray:
    """Bound-state energies in ``(e_lo, e_hi)`` of every adiabatic curve that is closed at both
    ends there (the uncoupled Born–Oppenheimer levels that seed Feshbach resonances): the
    three-point finite-difference eigenproblem of ``-hbar^2/2m d^2/dx^2 + V_n(x)`` on
    ``[a, b]`` with Dirichlet ends (:func:`scipy.linalg.eigh_tridiagonal`)."""
    xs = np.linspace(a, b, 4001)
    v = np.linalg.eigvalsh(model.potential(xs))
    k_top = np.sqrt(2 * mass * max(e_hi - float(np.min(v)), 0.0)) / hbar
    dx = min(0.01, 0.05 / max(k_top, 1e-300), (b - a) / 50)
    x = np.linspace(a, b, int(np.ceil((b - a) / dx)) + 1)[1:-1]
    dx = float(x[1] - x[0])
    vad = np.linalg.eigvalsh(model.potential(x))
    off = -(hbar**2) / (2 * mass * dx**2)
    levels: list[float] = []
    for n in range(vad.shape[1]):
        curve = vad[:, n]
        lo = max(e_lo, float(np.min(curve)))
        hi = min(e_hi, float(curve[0]), float(curve[-1]))
        if hi <= lo:
            continue
        found = eigh_tridiagonal(
            curve - 2 * off, np.full(curve.size - 1, off), eigvals_only=True, select="v", select_range=(lo, hi)
        )
        levels.extend(float(e) for e in found)
    return np.array(sorted(levels))


def _find_pole(
    amplitudes: Any, seed: float, spacing: float, e_range: tuple[float, float], n_scan: int = 48
) -> tuple[complex | None, int]:
    """The resonance pole ``E_r - i Gamma/2`` near ``seed``, or None.

    ``amplitudes(E)`` gives the open-channel S-matrix elements at (complex) energies.  They are
    sampled on ``n_scan`` points of the line ``seed +- spacing/2 + i eta``, one sample spacing
    ``eta`` above the real axis, where every pole below the axis is at least ``eta`` away, so
    the samples are smooth however narrow the resonance; the element that varies most is
    fitted by AAA rational approximation (Y. Nakatsukasa, O. Sete and L. N. Trefethen, SIAM J.
    Sci. Comput. 40, A1494 (2018); :class:`scipy.interpolate.AAA`), whose poles below the axis
    inside the window with a residue between 5% of their half-width and twice their width are
    the candidates (unitarity, ``|S| <= 1`` on the real axis, bounds a resonance's residue by
    ``Gamma``; the poles with which AAA models a smooth background lie far below the line with
    residues orders of magnitude larger);
    the strongest is confirmed by a second fit on ``E_r +- 8 Gamma + i Gamma`` (the two must
    agree to ``Gamma/10``).  Returns the pole and the number of energies used."""
    from scipy.interpolate import AAA

    z = seed + spacing * np.linspace(-0.5, 0.5, n_scan) + 1j * spacing / n_scan
    amps = amplitudes(z)
    column = int(np.argmax(np.max(np.abs(amps - amps.mean(axis=0)), axis=0)))
    with warnings.catch_warnings():  # AAA removes spurious pole-zero pairs and says so
        warnings.simplefilter("ignore", RuntimeWarning)
        fit = AAA(z, amps[:, column], rtol=1e-13)
    poles, residues = fit.poles(), fit.residues()
    half = -poles.imag
    ok = (
        (half > 0)
        & (half < spacing / 2)
        & (np.abs(poles.real - seed) < spacing / 2)
        & (np.abs(residues) > 0.05 * half)
        & (np.abs(residues) < 4 * half)  # |S| <= 1 on the axis bounds a pole's residue by Gamma
        & (poles.real > e_range[0])
        & (poles.real < e_range[1])
    )
    if not np.any(ok):
        return None, n_scan
    strength = np.where(ok, np.abs(residues) / np.where(half > 0, half, 1.0), -1.0)
    first = complex(poles[int(np.argmax(strength))])
    gamma = -2 * first.imag
    z2 = first.real + 8 * gamma * np.linspace(-1.0, 1.0, 24) + 1j * gamma
    amps2 = amplitudes(z2)[:, column]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        fit2 = AAA(z2, amps2, rtol=1e-13)
    poles2 = fit2.poles()
    second = complex(poles2[int(np.argmin(np.abs(poles2 - first)))])
    if abs(second - first) > gamma / 10 or not second.imag < 0:
        return None, n_scan + 24
    return second, n_scan + 24


def packet_averaged_scattering(
    model: Any,
    k: float,
    *,
    k_width: float | None = None,
    initial: Any = "lower",
    k_resolved: ArrayLike | None = None,
    tol: float | None = None,
    x_range: tuple[float, float] | None = None,
    step: float | None = None,
    max_intervals: int = 2000,
    options: Options | None = None,
    progress: bool | None = None,
) -> PacketAveragedScattering:
    """Transmission and reflection of a Gaussian wavepacket, per channel in both pictures, as
    the average of the exact stationary probabilities over its wavenumber distribution.

    The packet is the one of :func:`lzsm.wavepacket_scattering`: mean incident wavenumber
    ``k`` in the asymptotic adiabatic channel named by ``initial`` (default ``'lower'``) at the
    left, spread ``k_width`` (``sigma_k``, default ``k/20``, below ``k/5``); mass and hbar are
    the model's.  The average

    .. math::  \\bar P_n = \\int dk'\\, \\frac{e^{-(k'-k)^2/2\\sigma_k^2}}{\\sqrt{2\\pi}\\sigma_k}\\, P_n(k')

    is computed by adaptive Gauss–Kronrod quadrature with break points at the channel
    thresholds and at the Feshbach resonances it finds (their poles ``E_r - i Gamma/2``
    from the bound states of the closed adiabatic channels; module docstring), to ``tol``
    (default 1e-4).  ``k_resolved`` (optional) adds energy-resolved stationary values at those
    wavenumbers (with the default sector width halved, up to three times, until their own
    estimates are below ``tol``; the status is NOT_CONVERGED if they are not).  ``x_range`` and ``step`` go to
    :func:`lzsm.molecules.stationary.stationary_scattering` (``step`` by default the one it
    would choose at the packet's highest energy, the same for every node).  ``max_intervals``
    caps the quadrature; if it stops short of ``tol`` the status is NOT_CONVERGED with an
    :class:`~lzsm.errors.LzsmConvergenceWarning`.  ``progress``: a bar over the quadrature's
    rounds.  Gauss-Kronrod weights: QUADPACK (Piessens et al., Springer 1983).

    Examples
    --------
    >>> import lzsm
    >>> avg = lzsm.packet_averaged_scattering(lzsm.TullySimple(), 20.0)  # sigma_k = 1
    >>> avg.transmission.round(4), avg.resonances.size  # [lower, upper]; no resonance up here
    (array([0.5077, 0.4923]), 0)
    >>> print(f"{avg.error_estimate:.0e}")
    9e-07
    """
    model = curve_model(model)
    from lzsm.molecules.stationary import _solve, asymptotic_range, default_step, stationary_scattering

    m, hb = mass_and_hbar(model, None, None, "packet_averaged_scattering")
    k0 = _checks.positive_scalar(k, "k")
    opts = only(
        resolve_options(options, tol=tol, progress=progress),
        {"tol"},
        "packet_averaged_scattering",
        "its quadrature chooses its own nodes",
    )
    tol_ = float(DEFAULT_TOL if opts.tol is None else opts.tol)
    opts = opts.replace(tol=tol_)
    sk = k0 / 20 if k_width is None else _checks.positive_scalar(k_width, "k_width")
    if not sk < k0 / 5:
        raise LzsmValueError(f"`k_width` must be below k/5 = {k0 / 5:g} (a packet moving to the right), got {sk:g}")
    n_max = _checks.integer(max_intervals, "max_intervals", low=1)
    ks = (
        np.zeros(0)
        if k_resolved is None
        else np.atleast_1d(_checks.real_array(k_resolved, "k_resolved", positive=True))
    )
    if ks.ndim != 1:
        raise LzsmValueError(f"`k_resolved` must be a number or a 1-D array, got shape {ks.shape}")
    a, b = asymptotic_range(model) if x_range is None else _checks.interval(x_range, "x_range")
    incoming = initial_channel(initial, model, a)
    el, ul = np.linalg.eigh(model.potential(np.array(a)))
    er, ur = np.linalg.eigh(model.potential(np.array(b)))
    e_in = float(el[incoming])
    lo, hi = max(k0 - _SPAN * sk, 0.0), k0 + _SPAN * sk

    def energy(kp: np.ndarray) -> np.ndarray:
        return hb**2 * kp**2 / (2 * m) + e_in

    def wavenumber(e: np.ndarray) -> np.ndarray:
        return np.sqrt(2 * m * np.maximum(e - e_in, 0.0)) / hb

    h = (
        default_step(model, float(energy(np.array(hi))), a, b, m, hb)
        if step is None
        else _checks.positive_scalar(step, "step")
    )
    channel = f"adiabatic {incoming}"

    def probabilities(kp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Richardson-extrapolated probabilities (those of :func:`stationary_scattering`: T, R,
        T_dia, R_dia side by side) and the signed difference ``P(h/2) - P(h)``."""
        e = energy(kp)
        runs = []
        for ns in (n_sec, 2 * n_sec):
            t, r = _solve(model, e, a, b, ns, incoming, m, hb)
            pt, pr = np.abs(t) ** 2, np.abs(r) ** 2
            runs.append(np.concatenate([pt, pr, pt @ (np.abs(ur) ** 2).T, pr @ (np.abs(ul) ** 2).T], axis=1))
        bad = ~np.all(np.isfinite(runs[0]) & np.isfinite(runs[1]), axis=1)
        if np.any(bad):
            raise LzsmValueError(
                f"packet_averaged_scattering: the stationary solver failed at k' = "
                f"{kp[bad][:3].tolist()} (non-finite probabilities)"
            )
        return (4 * runs[1] - runs[0]) / 3, runs[1] - runs[0]

    # --- structure: thresholds and resonance poles inside the packet
    e_lo, e_hi = float(energy(np.array(lo))), float(energy(np.array(hi)))
    asym = np.unique(np.concatenate([el, er]))
    th_e = asym[(asym > e_lo) & (asym < e_hi)]
    thresholds = wavenumber(th_e)
    n_sec = max(int(np.ceil((b - a) / h)), 4)

    def amplitudes(es: np.ndarray) -> np.ndarray:
        t, r = _solve(model, es, a, b, 2 * n_sec, incoming, m, hb)
        return np.concatenate([t, r], axis=1)

    seeds = _closed_channel_levels(model, a, b, e_lo, e_hi, m, hb)
    poles: list[complex] = []
    n_used = 0
    for i, seed in enumerate(seeds):
        gaps = np.abs(np.delete(np.concatenate([seeds, asym]), i) - seed)
        spacing = float(np.min(gaps)) if gaps.size else e_hi - e_lo
        p, used = _find_pole(amplitudes, float(seed), spacing, (e_lo, e_hi))
        n_used += used
        if p is not None:
            poles.append(p)
    points = [lo, hi, *thresholds.tolist()]
    for k_th in thresholds:  # geometrically graded towards each threshold's sqrt(E - E_n)
        points.extend((k_th + np.outer([-1.0, 1.0], sk * _THRESHOLD_GRADING)).ravel().tolist())
    for p in poles:
        gamma = -2 * p.imag
        points.extend(wavenumber(np.array([p.real + s * gamma for s in (0.0, *_RESONANCE_POINTS)])).tolist())
        points.extend(wavenumber(np.array([p.real - s * gamma for s in _RESONANCE_POINTS])).tolist())
    points.extend((k0 + sk * np.linspace(-_SPAN, _SPAN, 5)).tolist())
    edges = np.unique(np.clip(np.array(points), lo, hi))
    edges = edges[np.concatenate([[True], np.diff(edges) > 1e-12 * hi])]

    # --- adaptive Gauss-Kronrod over the intervals (all nodes of a round in one solver call)
    weight_norm = 1.0 / (np.sqrt(2 * np.pi) * sk)

    def integrate(intervals: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        mid = 0.5 * (intervals[:, 0] + intervals[:, 1])
        half = 0.5 * (intervals[:, 1] - intervals[:, 0])
        kp = (mid[:, None] + half[:, None] * _NODES[None, :]).ravel()
        f, diff = probabilities(kp)
        w = weight_norm * np.exp(-((kp - k0) ** 2) / (2 * sk**2))
        fw = (f * w[:, None]).reshape(intervals.shape[0], 15, -1)
        dw = (diff * w[:, None]).reshape(intervals.shape[0], 15, -1)
        kron = half[:, None] * np.einsum("n,inq->iq", _K_WEIGHTS, fw)
        gauss = half[:, None] * np.einsum("n,inq->iq", _G_WEIGHTS, fw)
        stat = half[:, None] * np.einsum("n,inq->iq", _K_WEIGHTS, dw)
        return kron, np.abs(kron - gauss), stat

    intervals = np.stack([edges[:-1], edges[1:]], axis=1)
    target = tol_ / 2
    status = Status.OK
    with progress_bar(0, opts.progress, desc="packet_averaged_scattering", unit="round") as bar:
        val, err, stat = integrate(intervals)
        n_energies = n_used + 15 * intervals.shape[0]
        while True:
            bar.update(1)
            if float(np.max(err.sum(axis=0))) < target:
                break
            if intervals.shape[0] >= n_max:
                status = Status.NOT_CONVERGED
                break
            # bisect the intervals with the largest errors until the others sum below target/2
            size = np.max(err, axis=1)
            order = np.argsort(size)[::-1]
            rest = np.append(np.cumsum(size[order][::-1])[::-1], 0.0)  # rest[i] = sum(size[order[i:]])
            n_split = max(int(np.argmax(rest < target / 2)), 1)
            split, keep = order[:n_split], order[n_split:]
            mids = 0.5 * (intervals[split, 0] + intervals[split, 1])
            halves = np.concatenate(
                [np.stack([intervals[split, 0], mids], axis=1), np.stack([mids, intervals[split, 1]], axis=1)]
            )
            nv, ne_, ns = integrate(halves)
            n_energies += 15 * halves.shape[0]
            val = np.concatenate([val[keep], nv])
            err = np.concatenate([err[keep], ne_])
            stat = np.concatenate([stat[keep], ns])
            intervals = np.concatenate([intervals[keep], halves])
    n_ch = el.size
    avg = val.sum(axis=0)
    quad_err = float(np.max(err.sum(axis=0)))
    # Richardson on the averages: |<P(h/2)> - <P(h)>|/3 estimates the error of <P(h/2)>, an upper
    # bound in practice of the extrapolated average's (the signed sector errors of the nodes
    # largely cancel across a resonance, where each node's own estimate is large)
    stat_err = float(np.max(np.abs(stat.sum(axis=0)))) / 3
    tail = float(erfc(_SPAN / np.sqrt(2)))
    below = 0.5 * float(erfc(k0 / (np.sqrt(2) * sk)))  # k' < 0: moves away, reflected in `incoming`
    trans, refl = avg[:n_ch], avg[n_ch : 2 * n_ch].copy()
    trans_dia, refl_dia = avg[2 * n_ch : 3 * n_ch], avg[3 * n_ch :].copy()
    refl[incoming] += below
    refl_dia += below * np.abs(ul[:, incoming]) ** 2
    est = quad_err + stat_err + tail
    if status == Status.OK and not est < tol_:
        status = Status.NOT_CONVERGED
    probs = np.concatenate([trans, refl, trans_dia, refl_dia])
    if np.any(probs < -est - 1e-12) or np.any(probs > 1 + est + 1e-12) or not np.all(np.isfinite(probs)):
        raise LzsmValueError(
            f"packet_averaged_scattering: a packet-averaged probability left [0, 1] beyond its error "
            f"estimate {est:.1e} (values {probs.round(6).tolist()}); the stationary solver's step "
            f"{h:g} is too coarse for this model"
        )
    if ks.size:
        # near a resonance the per-energy Richardson estimate is large: with the default
        # sector width, halve it (at most 3 times) until the estimate is below tol
        res = stationary_scattering(model, k=ks, initial=channel, x_range=(a, b), step=step)
        for _ in range(3 if step is None else 0):
            if float(np.max(res.error_estimate)) < tol_:
                break
            res = stationary_scattering(model, k=ks, initial=channel, x_range=(a, b), step=res.step / 2)
        if not float(np.max(res.error_estimate)) < tol_:
            status = Status.NOT_CONVERGED
        resolved = (
            res.transmission,
            res.reflection,
            res.transmission_diabatic,
            res.reflection_diabatic,
            np.asarray(res.error_estimate, dtype=float),
        )
    else:
        empty = np.zeros((0, n_ch))
        resolved = (empty, empty, empty, empty, np.zeros(0))
    if status != Status.OK:
        warnings.warn(
            f"packet_averaged_scattering: estimated error {est:.1e} of the averages (after "
            f"{intervals.shape[0]} intervals, max_intervals = {n_max}) or "
            f"{float(np.max(resolved[4], initial=0.0)):.1e} of the energy-resolved values is not "
            f"below tol = {tol_:g}",
            LzsmConvergenceWarning,
            stacklevel=2,
        )
    return PacketAveragedScattering(
        k=k0,
        k_width=sk,
        mass=m,
        hbar=hb,
        incoming_state=int(incoming),
        transmission=np.clip(trans, 0.0, 1.0),
        reflection=np.clip(refl, 0.0, 1.0),
        transmission_diabatic=np.clip(trans_dia, 0.0, 1.0),
        reflection_diabatic=np.clip(refl_dia, 0.0, 1.0),
        k_resolved=ks,
        energies=energy(ks),
        transmission_resolved=resolved[0],
        reflection_resolved=resolved[1],
        transmission_resolved_diabatic=resolved[2],
        reflection_resolved_diabatic=resolved[3],
        resolved_error=resolved[4],
        quadrature_error=quad_err,
        stationary_error=stat_err,
        resonances=np.array(poles, dtype=complex),
        thresholds=thresholds,
        n_energies=int(n_energies),
        n_intervals=int(intervals.shape[0]),
        x_range=(a, b),
        method="stationary (log-derivative) averaged over the packet, adaptive Gauss-Kronrod 7/15",
        options=opts,
        status=int(status),
        error_estimate=est,
    )
