"""Audit: does every error estimate lzsm reports keep its word?

What it measures
----------------
For each estimator the package reports (an ``error_estimate``, a ``converged`` flag or a
statistical ``*_stderr``) it runs cases spanning easy and hard regimes and compares the
*claimed* error with the *actual* one, the difference to an independent, tighter reference:

* ``Evolution.error_estimate`` (compiled two-level, compiled N-level, callable lock-step):
  the bound on the final amplitude error, against ``||psi - psi_ref||``; ``psi_ref`` from the
  exact Landau–Zener propagator (parabolic-cylinder functions) or from this script's own
  integrator (fourth-order Magnus with exact exponentials on a uniform grid, Richardson-
  extrapolated from n and 2n steps, n doubled until it settles; :func:`reference_propagator`);
* ``OpenEvolution.error_estimate`` (Bloch vector and vec(rho)): against the Frobenius norm of
  ``rho - rho_ref``, ``rho_ref`` from the same reference integrator on a Lindblad generator
  written out here from docs/conventions.md;
* ``Floquet.error_estimate``: against the Frobenius norm of the one-period propagator's error;
* ``InterferometryMap.error_estimate``: against the largest deviation of the map's
  populations (after n periods, and their average) from a run at ``tol=1e-13`` with twice the
  samples per period;
* ``WavepacketScattering.error_estimate``: against the largest deviation of the packet
  averages and the energy-resolved probabilities from :func:`lzsm.stationary_scattering`
  (sector width 0.005, error ~1e-9; packet averages by 40-point Gauss–Hermite over ``|phi(k)|^2``);
* ``StationaryScattering.error_estimate``: against the same solver with 8x narrower sectors;
  and, at the thresholds and Feshbach resonances of Tully's published ranges, against the
  independent transfer-matrix route (``method="transfer_matrix"``, its own estimate allowed for);
* ``PacketAveragedScattering.error_estimate``: against composite Simpson rules on a dense
  uniform grid of stationary results (at least ~20 points per resonance width), the stationary
  solver's own estimate averaged the same way allowed for;
* ``SpinBosonResult.error_estimate``: against a run with a larger Fock space and ``tol=1e-12``;
* ``BerryPhase.error_estimate``: against the closed forms (half the solid angle for a spin
  1/2 in a field; pi and 0 around and beside the E x e conical intersection);
* ``VibronicLevels.error_estimate`` / ``SingleSurfaceLevels.error_estimate``: against a much
  larger basis;
* ``ConicalIntersection.converged``: the gap recomputed at the returned point against
  ``gap_tol``;
* ``NonlinearEvolution.error_estimate`` (cold atoms): against SciPy's DOP853 at ``tol=1e-12``;
* ``PhotodissociationDynamics.error_estimate`` (chemistry): against a run at a quarter of the
  time step;
* ``NoisyEvolution.population_stderr`` and ``TrajectoryScattering.*_stderr``: (case, seed)
  checks of ``|mean - truth| / sqrt(stderr^2 + stderr_truth^2)``, ``truth`` the pooled mean of
  the other seeds' runs (9x the trajectories; leave-one-out).  A normal mean is more than 3
  sigma off in 0.27% of checks; the table counts the checks beyond 3 sigma against that
  expectation.

Per estimator the table gives the number of cases, the median and largest claimed and actual
errors, how many cases under-report (actual > claimed; for standard errors the checks beyond 3
sigma, with the number expected) and a verdict.  ``--markdown PATH`` writes the tables as
markdown (the "Estimator audit" section of docs/accuracy.md is this output).  The test suite
runs the ``--quick`` cases (tests/test_estimator_audit.py).

How to run
----------
    .venv/bin/python benchmarks/audit_estimators.py [--quick] [--only NAME ...] [--markdown PATH] [--json PATH]

``--quick``: two or three cases per estimator (~20 s); the full audit takes a few minutes on
two cores.  ``--only``: run only the named estimators (``--list`` names them).  The exit
status is 1 when an estimator under-reports.
"""

from __future__ import annotations

import math
import sys
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benchmarks/_common.py
import itertools

import numpy as np
from scipy.integrate import solve_ivp
from scipy.stats import poisson

import _common as bench
import lzsm

#: A normal mean lies beyond 3 standard errors with this probability.
P_BEYOND_3_SIGMA = 0.0027


# =========================================================================== rows
@dataclass
class Row:
    """One case: what the estimator claimed and what the error actually was (the difference
    to the reference, whose own error ``ref_error`` is allowed for)."""

    case: str
    claimed: float
    actual: float
    ref_error: float = 0.0

    @property
    def under(self) -> bool:
        return not self.actual - self.ref_error <= self.claimed  # NaN claims count as under-reports

    @property
    def ratio(self) -> float:
        if self.claimed > 0:
            return self.actual / self.claimed
        return 0.0 if self.actual == 0 else math.inf


@dataclass
class Coverage:
    """One (case, seed) check of a standard error: ``|mean - truth|`` against
    ``sigma = sqrt(stderr^2 + stderr_truth^2)``."""

    case: str
    detail: str
    deviation: float
    stderr: float
    stderr_truth: float

    @property
    def sigma(self) -> float:
        return math.hypot(self.stderr, self.stderr_truth)

    @property
    def under(self) -> bool:
        return self.deviation > 3 * self.sigma

    @property
    def ratio(self) -> float:
        if self.sigma > 0:
            return self.deviation / self.sigma
        return 0.0 if self.deviation == 0 else math.inf


@dataclass
class Audit:
    """An estimator and how its cases are produced (``run(quick)`` yields the rows)."""

    name: str
    title: str
    reference: str
    run: Callable[[bool], Iterator[Row | Coverage]]
    rows: list[Row | Coverage] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def statistical(self) -> bool:
        return any(isinstance(r, Coverage) for r in self.rows)

    def under_count(self) -> int:
        return sum(r.under for r in self.rows)

    def expected_under(self) -> float:
        return P_BEYOND_3_SIGMA * len(self.rows) if self.statistical else 0.0

    def fails(self) -> bool:
        """A deterministic estimate fails on any under-report; a standard error when the
        checks beyond 3 sigma are improbable (< 1%) for a normal mean."""
        if not self.rows:
            return False
        if self.statistical:
            return bool(poisson.sf(self.under_count() - 1, self.expected_under()) < 0.01)
        return self.under_count() > 0


AUDITS: dict[str, Audit] = {}


def audit(name: str, title: str, reference: str):
    """Register ``fn(quick) -> rows`` as the audit of estimator ``name``."""

    def deco(fn):
        AUDITS[name] = Audit(name, title, reference, fn)
        return fn

    return deco


def pick(cases: Sequence, quick: bool, which: Sequence[int] = (0, -1)) -> list:
    """All cases, or for ``--quick`` the ones at the positions ``which``."""
    if not quick:
        return list(cases)
    return [cases[i] for i in sorted({i % len(cases) for i in which})]


def quiet(fn, *args, **kwargs):
    """``fn(*args, **kwargs)`` without its convergence warnings (the audit reads the status)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", lzsm.LzsmConvergenceWarning)
        return fn(*args, **kwargs)


# =========================================================================== reference integrator
_GAUSS = np.array([0.5 - math.sqrt(3) / 6, 0.5 + math.sqrt(3) / 6])


def _ordered_product(steps: np.ndarray) -> np.ndarray:
    """``steps[n-1] @ ... @ steps[0]`` by pairwise reduction (rounding grows as log n)."""
    while steps.shape[0] > 1:
        if steps.shape[0] % 2:
            steps = np.concatenate([steps, np.eye(steps.shape[-1])[None]], axis=0)
        steps = steps[1::2] @ steps[0::2]
    return steps[0]


def _expm_anti_hermitian(om: np.ndarray) -> np.ndarray:
    herm = 1j * om
    herm = 0.5 * (herm + np.conj(np.swapaxes(herm, -1, -2)))
    lam, vec = np.linalg.eigh(herm)
    return (vec * np.exp(-1j * lam)[..., None, :]) @ np.conj(np.swapaxes(vec, -1, -2))


def _expm_taylor(om: np.ndarray) -> np.ndarray:
    """Batched matrix exponential: Taylor series of degree 14 after scaling the largest norm
    to 1/4 (remainder below 1e-24), then squaring."""
    norm = float(np.max(np.sum(np.abs(om), axis=-2))) if om.size else 0.0
    squarings = max(0, math.ceil(math.log2(norm / 0.25))) if norm > 0.25 else 0
    x = om / 2.0**squarings
    eye = np.broadcast_to(np.eye(om.shape[-1]), om.shape)
    out = eye + x / 14
    for k in range(13, 0, -1):
        out = eye + (x @ out) / k
    for _ in range(squarings):
        out = out @ out
    return out


def _magnus4(generator, t0: float, t1: float, n: int, expm, chunk: int = 1 << 14) -> np.ndarray:
    """Fourth-order Magnus (two Gauss nodes, exact exponentials), n uniform steps:
    ``Omega = h (A1 + A2)/2 + (sqrt 3/12) h^2 [A2, A1]`` for ``dy/dt = A(t) y``."""
    h = (t1 - t0) / n
    out = None
    for first in range(0, n, chunk):
        k = np.arange(first, min(n, first + chunk))
        nodes = (t0 + h * (k[:, None] + _GAUSS[None, :])).reshape(-1)
        a = generator(nodes)
        a = a.reshape(k.size, 2, *a.shape[-2:])
        a1, a2 = a[:, 0], a[:, 1]
        om = 0.5 * h * (a1 + a2) + (math.sqrt(3) / 12) * h * h * (a2 @ a1 - a1 @ a2)
        p = _ordered_product(expm(om))
        out = p if out is None else p @ out
    assert out is not None
    return out


def reference_propagator(
    generator: Callable[[np.ndarray], np.ndarray],
    t0: float,
    t1: float,
    *,
    goal: float,
    breaks: Sequence[float] = (),
    unitary: bool = True,
    n_start: int = 512,
    n_limit: int = 1 << 19,
) -> tuple[np.ndarray, float]:
    """The propagator of ``dy/dt = A(t) y`` over [t0, t1] (``generator(t) -> A``, shape
    ``(len(t), d, d)``) and its own error: Richardson ``(16 U(n/2...) - U)/15`` of fourth-order
    Magnus runs with n and 2n steps on each piece between ``breaks`` (kinks of A), n doubled
    until two extrapolations differ by less than ``goal``."""
    pts = np.concatenate([[t0], np.sort([b for b in breaks if t0 < b < t1]), [t1]])
    expm = _expm_anti_hermitian if unitary else _expm_taylor
    n, prev = n_start, None
    while True:
        coarse = fine = None
        for a, b in itertools.pairwise(pts):
            m = max(4, math.ceil(n * (b - a) / (t1 - t0)))
            uc, uf = _magnus4(generator, a, b, m, expm), _magnus4(generator, a, b, 2 * m, expm)
            coarse = uc if coarse is None else uc @ coarse
            fine = uf if fine is None else uf @ fine
        assert coarse is not None and fine is not None
        x = (16 * fine - coarse) / 15
        if prev is not None:
            err = float(np.linalg.norm(x - prev))
            if err < goal or 2 * n > n_limit:
                return x, err
        prev, n = x, 2 * n


def schrodinger_generator(model) -> Callable[[np.ndarray], np.ndarray]:
    """``A(t) = -i H(t) / hbar`` of a single-point lzsm model."""
    return lambda t: -1j * np.asarray(model.hamiltonian(t), dtype=complex) / model.hbar


def triangle_kinks(model, t0: float, t1: float) -> list[float]:
    """Kinks of a triangular PeriodicDrive: where ``omega t + phase`` is a multiple of pi."""
    om, ph = float(model.frequency), float(model.phase)
    k0, k1 = math.ceil((om * t0 + ph) / math.pi), math.floor((om * t1 + ph) / math.pi)
    return [(k * math.pi - ph) / om for k in range(k0, k1 + 1)]


# =========================================================================== coherent evolution
def _lz_exact_final(model, span) -> np.ndarray:
    """Exact LZ propagator over ``span`` (parabolic-cylinder functions, ~1e-11)."""
    return lzsm.lz_propagator(model.coupling, model.sweep_rate, span[1], span[0], model.hbar)


def _evolution_rows(cases, quick: bool, which=(0, -1)) -> Iterator[Row]:
    """Cases ``(label, model, span, breaks, tols)``; one reference per model and grid point."""
    for label, model, span, breaks, tols in pick(cases, quick, which):
        runs = [quiet(lzsm.evolve, model, span, 0, tol=tol) for tol in (tols[:1] if quick else tols)]
        goal = 0.01 * min(float(np.min(r.error_estimate)) for r in runs)
        for idx in np.ndindex(*model.batch_shape):
            point = model.point(idx) if model.batch_shape else model
            if isinstance(point, lzsm.LandauZener):
                u = _lz_exact_final(point, span)
            else:
                u, _ = reference_propagator(schrodinger_generator(point), *span, goal=max(goal, 1e-13), breaks=breaks)
            psi_ref = u[:, 0]
            suffix = f" [{idx[0]}]" if idx else ""
            for tol, run in zip(tols, runs):
                actual = float(np.linalg.norm(run.amplitudes[idx][-1] - psi_ref))
                yield Row(f"{label}{suffix}, tol {tol:g}", float(np.asarray(run.error_estimate)[idx]), actual)


TOLS = (1e-6, 1e-8, 1e-10)


@audit("evolve-2level", "Evolution.error_estimate, compiled two-level", "exact LZ propagator; Magnus-4 reference")
def _audit_evolve_two_level(quick: bool) -> Iterator[Row]:
    drive = lzsm.PeriodicDrive(gap=0.3, offset=0.5, amplitude=4.0, frequency=0.7)
    tri = lzsm.PeriodicDrive(gap=0.3, offset=0.5, amplitude=4.0, frequency=0.7, shape="triangular")
    dp = lzsm.DoublePassage(coupling=0.2, sweep_rate=1.0, crossing_time=3.0)
    cases = [
        ("LZ V=0.5 alpha=1 t=+-60", lzsm.LandauZener(0.5, 1.0), (-60.0, 60.0), (), TOLS),
        ("LZ V=0.1 alpha=10 t=+-40", lzsm.LandauZener(0.1, 10.0), (-40.0, 40.0), (), TOLS),
        ("LZ V=2 alpha=0.5 t=+-50", lzsm.LandauZener(2.0, 0.5), (-50.0, 50.0), (), TOLS),
        ("LZ V=0.05 alpha=0.2 t=+-100", lzsm.LandauZener(0.05, 0.2), (-100.0, 100.0), (), TOLS),
        ("harmonic drive, 8 periods", drive, (0.0, 72.0), (), TOLS),
        ("triangular drive, 8 periods", tri, (0.0, 72.0), triangle_kinks(tri, 0.0, 72.0), TOLS),
        ("double passage", dp, (-15.0, 15.0), (), TOLS),
    ]
    yield from _evolution_rows(cases, quick, (0, 5))


@audit("evolve-nlevel", "Evolution.error_estimate, compiled N-level", "Magnus-4 reference")
def _audit_evolve_n_level(quick: bool) -> Iterator[Row]:
    cases = [
        ("Demkov-Osherov 4 levels", lzsm.demkov_osherov_model([0.3, 0.2, 0.25], [-0.5, 0.0, 0.7], 1.0), (-30.0, 30.0)),
        ("bow-tie 5 levels", lzsm.bow_tie_model([0.2, 0.3, 0.1, 0.25], [1.0, -1.0, 2.0, -2.0]), (-20.0, 20.0)),
        ("spin j=3/2 sweep", lzsm.spin_sweep(1.5, 0.4, 1.0), (-25.0, 25.0)),
        ("spin j=5/2 fast sweep", lzsm.spin_sweep(2.5, 0.3, 8.0), (-8.0, 8.0)),
        ("spin j=1 slow sweep", lzsm.spin_sweep(1.0, 0.6, 0.3), (-40.0, 40.0)),
        ("Demkov-Osherov 3 levels, strong", lzsm.demkov_osherov_model([1.0, 0.8], [0.0, -1.0], 1.5), (-20.0, 20.0)),
        ("bow-tie 3 levels", lzsm.bow_tie_model([0.4, 0.3], [1.5, -1.5]), (-20.0, 20.0)),
    ]
    yield from _evolution_rows([(lab, m, sp, (), TOLS) for lab, m, sp in cases], quick, (0, 3))


@audit("evolve-callable", "Evolution.error_estimate, callable lock-step", "Magnus-4 reference")
def _audit_evolve_callable(quick: bool) -> Iterator[Row]:
    tanh = lzsm.TwoLevel(lambda t: 4.0 * np.tanh(t / 3.0), 0.3)
    cubic = lzsm.TwoLevel(lambda t: 0.02 * t**3, lambda t: 0.4 * np.exp(-(t**2) / 50.0))
    grid = lzsm.TwoLevel(lambda t: 2.0 * t, np.array([0.2, 0.5, 1.0]))
    rabi = lzsm.TwoLevel(lambda t: 0.5 + 0.0 * t, lambda t: 0.8 * np.cos(0.5 * t) ** 2)

    def three(t):
        t = np.asarray(t, dtype=float)
        h = np.zeros(t.shape + (3, 3), dtype=complex)
        h[..., 0, 0], h[..., 2, 2] = t, -t
        h[..., 0, 1] = h[..., 1, 0] = 0.3
        h[..., 1, 2] = h[..., 2, 1] = 0.2 * np.cos(0.5 * t)
        return h

    cases = [
        ("tanh sweep", tanh, (-20.0, 20.0)),
        ("cubic sweep, Gaussian coupling", cubic, (-10.0, 10.0)),
        ("linear sweep on a 3-point grid", grid, (-20.0, 20.0)),
        ("3 levels, oscillating coupling (NLevel)", lzsm.NLevel(three), (-12.0, 12.0)),
        ("Rabi-like, modulated coupling", rabi, (0.0, 40.0)),
    ]
    yield from _evolution_rows([(lab, m, sp, (), TOLS) for lab, m, sp in cases], quick, (0, 3))


# =========================================================================== open systems
def _superoperators(h: np.ndarray, jumps: list[np.ndarray], hbar: float) -> np.ndarray:
    """Row-major vec(rho) generator of ``-(i/hbar)[H, rho] + sum_L D[L] rho``: ``vec(A rho B) =
    (A kron B^T) vec(rho)``; h (T, N, N), jumps (T, N, N) each."""
    n = h.shape[-1]
    eye = np.broadcast_to(np.eye(n), h.shape)

    def kron(a, b):
        return np.einsum("tij,tkl->tikjl", a, b).reshape(a.shape[0], n * n, n * n)

    gen = -1j / hbar * (kron(h, eye) - kron(eye, np.swapaxes(h, -1, -2)))
    for el in jumps:
        ld = np.conj(np.swapaxes(el, -1, -2))
        ll = ld @ el
        gen = gen + kron(el, np.conj(el)) - 0.5 * kron(ll, eye) - 0.5 * kron(eye, np.swapaxes(ll, -1, -2))
    return gen


def lindblad_generator(model, env: dict) -> Callable[[np.ndarray], np.ndarray]:
    """The Lindblad generator of docs/conventions.md, written out independently of lzsm:
    dephasing ``L_k = sqrt(g) |k><k|``; relaxation ``L = sqrt(G) |j><i|`` between every pair
    with ``G_down + G_up = gamma_1`` and ``G_up/G_down = exp(-dE/T)``, in the diabatic basis
    (diagonal energies) or the adiabatic one (eigenstates of H(t)); constant ``collapse_ops``."""
    basis = env.get("basis", "diabatic")
    g_phi, g_1 = env.get("dephasing", 0.0), env.get("relaxation", 0.0)
    temp = env.get("temperature", 0.0)

    def gen(t: np.ndarray) -> np.ndarray:
        h = np.asarray(model.hamiltonian(t), dtype=complex)
        n = h.shape[-1]
        if basis == "adiabatic":
            energies, states = np.linalg.eigh(h)
        else:
            energies, states = np.real(np.diagonal(h, axis1=-2, axis2=-1)), np.broadcast_to(np.eye(n), h.shape)
        jumps = []
        for k in range(n):
            if g_phi:
                jumps.append(math.sqrt(g_phi) * np.einsum("ti,tj->tij", states[..., k], np.conj(states[..., k])))
        for i in range(n):
            for j in range(n):
                if i == j or not g_1:
                    continue
                de = energies[:, i] - energies[:, j]  # > 0: i -> j is downward
                with np.errstate(over="ignore"):
                    boltz = np.exp(-np.abs(de) / temp) if temp > 0 else np.zeros_like(de)
                down = g_1 / (1.0 + boltz)
                rate = np.where(de > 0, down, g_1 - down)
                op = np.einsum("ti,tj->tij", states[..., j], np.conj(states[..., i]))
                jumps.append(np.sqrt(rate)[:, None, None] * op)
        for c in env.get("collapse_ops", ()):
            jumps.append(np.broadcast_to(np.asarray(c, dtype=complex), h.shape))
        return _superoperators(h, jumps, model.hbar)

    return gen


def _open_rows(cases, quick: bool, which=(0, -1)) -> Iterator[Row]:
    for label, model, span, env in pick(cases, quick, which):
        tols = (1e-5,) if quick else (1e-5, 1e-7, 1e-9)
        runs = [quiet(lzsm.evolve_open, model, span, 0, tol=tol, **env) for tol in tols]
        goal = max(0.01 * min(float(np.min(r.error_estimate)) for r in runs), 1e-13)
        n = model.n_levels
        u, _ = reference_propagator(lindblad_generator(model, env), *span, goal=goal, unitary=False)
        rho0 = np.zeros((n, n))
        rho0[0, 0] = 1.0
        rho_ref = (u @ rho0.reshape(-1)).reshape(n, n)
        for tol, run in zip(tols, runs):
            actual = float(np.linalg.norm(run.rho[-1] - rho_ref))
            yield Row(f"{label}, tol {tol:g}", float(run.error_estimate), actual)


@audit("open-2level", "OpenEvolution.error_estimate, two-level (Bloch vector)", "Magnus-4 reference, own Lindbladian")
def _audit_open_two_level(quick: bool) -> Iterator[Row]:
    cases = [
        ("LZ V=0.5 alpha=1, dephasing 0.1", lzsm.LandauZener(0.5, 1.0), (-30.0, 30.0), {"dephasing": 0.1}),
        (
            "LZ V=0.2 alpha=5, relaxation 0.05, T=0.3",
            lzsm.LandauZener(0.2, 5.0),
            (-10.0, 10.0),
            {"relaxation": 0.05, "temperature": 0.3},
        ),
        (
            "LZ V=1 alpha=0.3, adiabatic relaxation 0.02",
            lzsm.LandauZener(1.0, 0.3),
            (-30.0, 30.0),
            {"relaxation": 0.02, "basis": "adiabatic"},
        ),
        ("harmonic drive, dephasing 0.01", lzsm.PeriodicDrive(0.3, 0.5, 4.0, 0.7), (0.0, 45.0), {"dephasing": 0.01}),
        ("LZ fast alpha=20, dephasing 1", lzsm.LandauZener(0.3, 20.0), (-4.0, 4.0), {"dephasing": 1.0}),
        (
            "LZ V=0.4 alpha=1, adiabatic dephasing 0.2",
            lzsm.LandauZener(0.4, 1.0),
            (-25.0, 25.0),
            {"dephasing": 0.2, "basis": "adiabatic"},
        ),
        (
            "LZ V=0.3 alpha=2, collapse operator",
            lzsm.LandauZener(0.3, 2.0),
            (-15.0, 15.0),
            {"collapse_ops": [np.sqrt(0.05) * np.array([[0.0, 1.0], [0.0, 0.0]])]},
        ),
    ]
    yield from _open_rows(cases, quick, (0, 2))


@audit("open-nlevel", "OpenEvolution.error_estimate, N-level (vec rho)", "Magnus-4 reference, own Lindbladian")
def _audit_open_n_level(quick: bool) -> Iterator[Row]:
    cases = [
        (
            "Demkov-Osherov 3 levels, dephasing 0.05",
            lzsm.demkov_osherov_model([0.3, 0.2], [-0.5, 0.0], 1.0),
            (-20.0, 20.0),
            {"dephasing": 0.05},
        ),
        (
            "spin j=1 sweep, relaxation 0.02, T=0.5",
            lzsm.spin_sweep(1.0, 0.4, 1.0),
            (-20.0, 20.0),
            {"relaxation": 0.02, "temperature": 0.5},
        ),
        (
            "bow-tie 4 levels, adiabatic dephasing 0.1",
            lzsm.bow_tie_model([0.2, 0.3, 0.1], [1.0, -1.0, 2.0]),
            (-15.0, 15.0),
            {"dephasing": 0.1, "basis": "adiabatic"},
        ),
        ("spin j=3/2 fast sweep, dephasing 0.5", lzsm.spin_sweep(1.5, 0.3, 6.0), (-6.0, 6.0), {"dephasing": 0.5}),
        (
            "3 levels, collapse operator",
            lzsm.demkov_osherov_model([0.4, 0.3], [-1.0, 0.2], 1.0),
            (-20.0, 20.0),
            {"collapse_ops": [np.sqrt(0.05) * np.diag([1.0, 0.0, -1.0])]},
        ),
        ("spin j=1 slow sweep, dephasing 0.01", lzsm.spin_sweep(1.0, 0.5, 0.2), (-30.0, 30.0), {"dephasing": 0.01}),
        (
            "spin j=1 sweep, adiabatic relaxation 0.05",
            lzsm.spin_sweep(1.0, 0.5, 1.0),
            (-15.0, 15.0),
            {"relaxation": 0.05, "basis": "adiabatic"},
        ),
    ]
    yield from _open_rows(cases, quick, (0, 3))


# =========================================================================== Floquet
@audit("floquet", "Floquet.error_estimate (one-period propagator)", "Magnus-4 reference")
def _audit_floquet(quick: bool) -> Iterator[Row]:
    cases = [
        ("harmonic, A=4 omega=0.7", lzsm.PeriodicDrive(0.3, 0.5, 4.0, 0.7)),
        ("harmonic, A=20 omega=0.2 (slow)", lzsm.PeriodicDrive(0.5, 1.0, 20.0, 0.2)),
        ("harmonic, A=2 omega=5 (fast)", lzsm.PeriodicDrive(1.0, 0.0, 2.0, 5.0)),
        ("triangular, A=6 omega=0.5", lzsm.PeriodicDrive(0.3, 0.5, 6.0, 0.5, shape="triangular")),
        ("harmonic, phase 0.7, offset 0", lzsm.PeriodicDrive(0.4, 0.0, 3.0, 1.0, phase=0.7)),
        ("harmonic, A=12 omega=0.6", lzsm.PeriodicDrive(0.3, 0.5, 12.0, 0.6)),
        ("callable shape sin^3", lzsm.PeriodicDrive(0.3, 0.2, 5.0, 0.8, shape=lambda th: np.sin(th) ** 3)),
    ]
    for label, model in pick(cases, quick, (0, 3)):
        tols = TOLS[:1] if quick else TOLS
        runs = [quiet(lzsm.floquet, model, tol=tol) for tol in tols]
        period = float(np.asarray(runs[0].period))
        goal = max(0.01 * min(float(r.error_estimate) for r in runs), 1e-13)
        breaks = triangle_kinks(model, 0.0, period) if model.shape == "triangular" else ()
        u, _ = reference_propagator(schrodinger_generator(model), 0.0, period, goal=goal, breaks=breaks)
        for tol, fl in zip(tols, runs):
            yield Row(f"{label}, tol {tol:g}", float(fl.error_estimate), float(np.linalg.norm(fl.propagator - u)))


@audit(
    "interferometry",
    "InterferometryMap.error_estimate (populations after n periods and their average)",
    "the map at tol 1e-13 with twice the samples per period",
)
def _audit_interferometry(quick: bool) -> Iterator[Row]:
    from lzsm.dynamics.interferometry import auto_samples

    drive = lzsm.PeriodicDrive(gap=0.5, offset=0.0, amplitude=0.0, frequency=1.0)
    cases = [
        ("offset x amplitude near the 1- and 2-photon lines, 20 periods", 20, {}, 1e-8),
        ("same, 200 periods", 200, {}, 1e-8),
        ("same, infinite-time average", None, {}, 1e-8),
        ("same, tol 1e-6, 50 periods", 50, {}, 1e-6),
    ]
    offsets = np.array([0.9, 1.0, 1.95, 2.0, 2.5])
    amps = np.array([0.5, 1.5, 3.0, 6.0])
    for label, n_periods, _extra, tol in pick(cases, quick, (0, 2)):
        run = quiet(lzsm.interferometry_map, drive, n_periods=n_periods, tol=tol, offset=offsets, amplitude=amps)
        n_samples = 2 * auto_samples(0.5, offsets, amps, 1.0)
        ref = quiet(
            lzsm.interferometry_map,
            drive,
            n_periods=n_periods,
            tol=1e-13,
            n_samples=n_samples,
            offset=offsets,
            amplitude=amps,
        )
        names = ["p_upper_mean"] + ([] if n_periods is None else ["p_upper_final"])
        actual = np.max([np.abs(run.data[v].values - ref.data[v].values) for v in names], axis=0)
        claimed = run.data["error_estimate"].values
        for (i, j), a in np.ndenumerate(actual):
            yield Row(f"{label}: offset {offsets[i]:g}, A {amps[j]:g}", float(claimed[i, j]), float(a))


# =========================================================================== scattering
def _stationary_reference(model, k0: float, sk: float, ks: np.ndarray):
    """Energy-resolved probabilities at ``ks`` and packet averages (40-point Gauss–Hermite)."""
    st = lzsm.stationary_scattering(model, k=ks, step=0.005)
    x, w = np.polynomial.hermite_e.hermegauss(40)
    avg = lzsm.stationary_scattering(model, k=k0 + sk * x, step=0.005)
    w = w / w.sum()
    return st, w @ avg.transmission, w @ avg.reflection


@audit(
    "wavepacket",
    "WavepacketScattering.error_estimate (default convergence check)",
    "stationary coupled channels, sector 0.005",
)
def _audit_wavepacket(quick: bool) -> Iterator[Row]:
    # (near a channel threshold the check refines up to max_refinements times and a case takes
    # minutes: measured once, Tully 1 at k = 8, Tully 2 at k = 16 and Tully 3 at k = 30 report
    # NOT_CONVERGED with estimates 2x-35x the actual error; docs/accuracy.md)
    cases = [
        ("Tully 1, k=4 (below the barrier top)", lzsm.TullySimple(), 4.0, 1e-4),
        ("Tully 1, k=5", lzsm.TullySimple(), 5.0, 1e-4),
        ("Tully 1, k=6", lzsm.TullySimple(), 6.0, 1e-4),
        ("Tully 1, k=12", lzsm.TullySimple(), 12.0, 1e-4),
        ("Tully 1, k=20", lzsm.TullySimple(), 20.0, 1e-3),
        ("Tully 1, k=30", lzsm.TullySimple(), 30.0, 1e-4),
        ("Tully 2, k=30", lzsm.TullyDual(), 30.0, 1e-4),
        ("Tully 3, k=10", lzsm.TullyExtended(), 10.0, 1e-3),
    ]
    for label, model, k, tol in pick(cases, quick, (4,)):
        wp = quiet(lzsm.wavepacket_scattering, model, k, tol=tol)
        st, t_avg, r_avg = _stationary_reference(model, wp.k, wp.k_width, wp.k_resolved)
        actual = max(
            np.max(np.abs(wp.transmission_resolved - st.transmission)),
            np.max(np.abs(wp.reflection_resolved - st.reflection)),
            np.max(np.abs(wp.transmission - t_avg)),
            np.max(np.abs(wp.reflection - r_avg)),
        )
        yield Row(f"{label}, tol {tol:g} ({lzsm.Status(int(wp.status)).name})", float(wp.error_estimate), float(actual))


@audit("stationary", "StationaryScattering.error_estimate", "the same solver, 8x narrower sectors")
def _audit_stationary(quick: bool) -> Iterator[Row]:
    cases = [
        ("Tully 1", lzsm.TullySimple(), [4.0, 6.0, 9.5, 15.0, 30.0]),
        ("Tully 2", lzsm.TullyDual(), [12.0, 20.0, 35.0, 50.0]),
        ("Tully 3", lzsm.TullyExtended(), [8.0, 15.0, 28.5, 40.0]),
        ("Tully 1, coarse sectors 0.05", lzsm.TullySimple(), [5.0, 10.0, 20.0]),
        ("Tully 2, from the upper channel", lzsm.TullyDual(), [20.0, 40.0]),
    ]
    for label, model, ks in pick(cases, quick, (3,)):
        kw: dict = {"initial": "upper"} if "upper" in label else {}
        step = 0.05 if "coarse" in label else None
        run = lzsm.stationary_scattering(model, k=ks, step=step, **kw)
        ref = lzsm.stationary_scattering(model, k=ks, step=run.step / 8, **kw)
        actual = np.maximum(
            np.max(np.abs(run.transmission - ref.transmission), axis=-1),
            np.max(np.abs(run.reflection - ref.reflection), axis=-1),
        )
        for k, c, a in zip(ks, run.error_estimate, actual):
            yield Row(f"{label}, k={k:g}", float(c), float(a))


@audit(
    "stationary-routes",
    "StationaryScattering.error_estimate at thresholds and resonances",
    "the transfer-matrix route (DOP853, rtol 1e-10)",
)
def _audit_stationary_routes(quick: bool) -> Iterator[Row]:
    def ln_e(x: float) -> float:
        return float(np.sqrt(2 * 2000 * np.exp(x)))

    cases = [
        ("Tully 1 resonance peaks, threshold k=8.944", lzsm.TullySimple(), [8.168, 8.95, 8.572, 8.787, 8.910]),
        ("Tully 1", lzsm.TullySimple(), [2.0, 8.9443, 30.0]),
        ("Tully 2 ln E", lzsm.TullyDual(), [ln_e(-4.0), ln_e(-3.5), ln_e(-3.0), ln_e(1.0)]),
        ("Tully 3 threshold k=28.33", lzsm.TullyExtended(), [2.0, 28.33, 28.5, 30.0]),
    ]
    for label, model, ks in pick(cases, quick, (0,)):
        if quick:  # the first resonance peak and just above the threshold
            ks = ks[:2]
        run = lzsm.stationary_scattering(model, k=ks)
        ref = lzsm.stationary_scattering(model, k=ks, method="transfer_matrix")
        actual = np.maximum(
            np.max(np.abs(run.transmission - ref.transmission), axis=-1),
            np.max(np.abs(run.reflection - ref.reflection), axis=-1),
        )
        for k, c, a, r in zip(ks, run.error_estimate, actual, ref.error_estimate):
            yield Row(f"{label}, k={k:.5g}", float(c), float(a), ref_error=float(r))


def _dense_packet_average(
    model, k0: float, sk: float, n: int, fine: tuple[float, float, int] | None = None, threshold: float | None = None
):
    """Composite Simpson over k0 +- 8 sk on n uniform points (and, with ``fine`` = (k1, k2,
    n_fine), on n_fine points over [k1, k2] between two coarser pieces) of stationary results at
    half the default sector width, and the same average of their own error estimates.  With
    ``threshold`` inside ``fine`` the fine piece is split there and integrated in
    ``t = sqrt(|k - threshold|)`` (``dk = 2 t dt``), which makes the square-root cusp smooth."""
    from scipy.integrate import simpson

    lo, hi = max(k0 - 8 * sk, 1e-6), k0 + 8 * sk
    probe = lzsm.stationary_scattering(model, k=[hi])

    def piece(ks: np.ndarray, jac: np.ndarray, x: np.ndarray):
        st = lzsm.stationary_scattering(model, k=ks, step=probe.step / 2)
        w = jac * np.exp(-((ks - k0) ** 2) / (2 * sk**2)) / (np.sqrt(2 * np.pi) * sk)
        return (
            simpson(st.transmission * w[:, None], x=x, axis=0),
            simpson(st.reflection * w[:, None], x=x, axis=0),
            float(simpson(st.error_estimate * w, x=x)),
        )

    if fine is None:
        ks = np.linspace(lo, hi, n)
        parts = [piece(ks, np.ones_like(ks), ks)]
    else:
        parts = [piece(ks, np.ones_like(ks), ks) for ks in (np.linspace(lo, fine[0], n), np.linspace(fine[1], hi, n))]
        if threshold is None:
            ks = np.linspace(fine[0], fine[1], fine[2])
            parts.append(piece(ks, np.ones_like(ks), ks))
        else:
            for end, sign in ((fine[0], -1.0), (fine[1], 1.0)):
                t = np.linspace(0.0, np.sqrt(abs(end - threshold)), fine[2] // 2)[1:]
                parts.append(piece(threshold + sign * t**2, 2 * t, t))
    return sum(p[0] for p in parts), sum(p[1] for p in parts), sum(p[2] for p in parts)


@audit(
    "packet-averaged",
    "PacketAveragedScattering.error_estimate",
    "Simpson on a dense uniform grid of stationary results",
)
def _audit_packet_averaged(quick: bool) -> Iterator[Row]:
    cases = [
        ("Tully 1, k=20", lzsm.TullySimple(), 20.0, None, 101, None),
        ("Tully 1, k=8.17 +- 0.02 (on a resonance)", lzsm.TullySimple(), 8.17, 0.02, 1601, None),
        ("Tully 1, k=8.5 (four resonances, threshold)", lzsm.TullySimple(), 8.5, None, 401, (7.9, 9.0, 5501)),
        ("Tully 2, ln E=-2", lzsm.TullyDual(), float(np.sqrt(4000 * np.exp(-2.0))), None, 401, None),
        ("Tully 2, k=6.894 +- 0.002 (on a resonance, Gamma 2e-6)", lzsm.TullyDual(), 6.894, 0.002, 1601, None),
        ("Tully 3, k=30 (threshold inside)", lzsm.TullyExtended(), 30.0, None, 401, (27.0, 29.5, 2501)),
    ]
    for label, model, k, sk, n, fine in pick(cases, quick, (0,)):
        avg = quiet(lzsm.packet_averaged_scattering, model, k, k_width=sk)
        inside = [float(t) for t in avg.thresholds if fine is not None and fine[0] < t < fine[1]]
        t, r, ref_err = _dense_packet_average(model, avg.k, avg.k_width, n, fine, inside[0] if inside else None)
        actual = max(np.max(np.abs(avg.transmission - t)), np.max(np.abs(avg.reflection - r)))
        name = lzsm.Status(int(avg.status)).name
        yield Row(f"{label} ({name})", float(avg.error_estimate), float(actual), ref_error=ref_err)


# =========================================================================== spin-boson
@audit("spin-boson", "SpinBosonResult.error_estimate", "a larger Fock space (one mode +6, two modes +3), tol 1e-11")
def _audit_spin_boson(quick: bool) -> Iterator[Row]:
    cases = [
        ("one mode, weak, T=0", lzsm.LandauZener(0.3, 1.0), [0.5], [0.1], 0.0, 6),
        ("one mode, strong, T=0", lzsm.LandauZener(0.3, 1.0), [0.5], [0.5], 0.0, 6),
        ("one mode, T=0.3", lzsm.LandauZener(0.3, 1.0), [0.5], [0.2], 0.3, 6),
        ("one mode, T=0.3", lzsm.LandauZener(0.3, 1.0), [0.5], [0.2], 0.3, 4),
        ("one soft mode, strong, T=0", lzsm.LandauZener(0.3, 1.0), [0.2], [0.4], 0.0, 8),
        ("one fast mode, T=1", lzsm.LandauZener(0.5, 2.0), [1.5], [0.3], 1.0, 8),
        ("one mode", lzsm.LandauZener(0.3, 1.0), [0.5], [0.3], 0.0, 3),
        ("two modes, T=0.2", lzsm.LandauZener(0.4, 2.0), [0.3, 0.8], [0.15, 0.2], 0.2, 3),
    ]
    for label, model, omegas, gs, temp, n_fock in pick(cases, quick, (0, 6)):
        span = (-25.0, 25.0)
        run = lzsm.spin_boson(model, span, 0, mode_energies=omegas, couplings=gs, temperature=temp, n_fock=n_fock)
        extra = 6 if len(omegas) == 1 else 3
        ref = lzsm.spin_boson(
            model, span, 0, mode_energies=omegas, couplings=gs, temperature=temp, n_fock=n_fock + extra, tol=1e-11
        )
        actual = abs(run.p_diabatic_stay - ref.p_diabatic_stay)
        yield Row(f"{label}, n_fock {n_fock}", float(run.error_estimate), float(actual), float(ref.error_estimate))


# =========================================================================== geometry
@audit("berry", "BerryPhase.error_estimate", "closed forms")
def _audit_berry(quick: bool) -> Iterator[Row]:
    from lzsm.geometry.berry import loop_from_vectors, phase_difference

    cases = []
    spin = lzsm.SpinHalfInField()
    for theta in (0.3, 1.0, 1.6, 2.5):
        for state in (0, 1):
            n = np.array([0.3, -0.2, 0.93])
            n /= np.linalg.norm(n)
            u = np.cross(n, [1.0, 0.0, 0.0])
            u /= np.linalg.norm(u)
            v = np.cross(n, u)
            loop = loop_from_vectors(np.cos(theta) * n, np.sin(theta) * u, np.sin(theta) * v)
            exact = (1 - 2 * state) * np.pi * (1 - np.cos(theta))
            cases.append((f"spin 1/2, polar angle {theta:g}, state {state}", spin, loop, state, exact, {}))
    jt = lzsm.JahnTellerExE(k=1.0)
    for radius in (0.2, 1.0):
        cases.append(
            (f"E x e, circle r={radius:g} around the intersection", jt, lzsm.circle_loop([0, 0], radius), 0, np.pi, {})
        )
        cases.append(
            (f"E x e, circle r={radius:g} beside it", jt, lzsm.circle_loop([2.0, 0.0], 0.5 * radius), 0, 0.0, {})
        )
    th = 1.2
    for n_pts in (16, 40):  # given points on a circle: the error is the distance to the circle's phase
        s = np.linspace(0, 1, n_pts + 1)
        pts = np.stack([np.sin(th) * np.cos(2 * np.pi * s), np.sin(th) * np.sin(2 * np.pi * s), np.cos(th) + 0 * s], -1)
        cases.append((f"spin 1/2, {n_pts} given points", spin, pts, 1, -np.pi * (1 - np.cos(th)), {}))
    z0 = 0.4
    exact = -np.pi * (1 - z0 / math.hypot(z0, 1.0))
    cases.append(("spin 1/2, tol 1e-6", spin, lzsm.circle_loop([0, 0, z0], 1.0), 1, exact, {"tol": 1e-6}))
    for label, model, loop, state, exact, kw in pick(cases, quick, (2, 8)):
        res = quiet(lzsm.berry_phase, model, loop, state=state, **kw)
        yield Row(label, float(res.error_estimate), float(phase_difference(res.phase, exact)))


@audit("vibronic", "VibronicLevels / SingleSurfaceLevels.error_estimate", "a basis 40 shells / 120 functions larger")
def _audit_vibronic(quick: bool) -> Iterator[Row]:
    cases = []
    for k in (0.5, 1.5, 2.5, 3.5):
        cases.append(("jt", k, {}))
    cases += [("jt", 2.0, {"tol": 1e-6}), ("jt", 3.0, {"n_max": 30}), ("jt", 1.0, {"g": 0.2})]
    for k in (0.5, 2.0, 4.0):
        for gp in (True, False):
            cases.append(("ss", k, {"geometric_phase": gp}))
    cases.append(("ss", 3.0, {"n_basis": 30}))
    for kind, k, kw in pick(cases, quick, (2, 9)):
        if kind == "jt":
            run = quiet(lzsm.jahn_teller_levels, k, n_levels=8, **kw)
            ref = lzsm.jahn_teller_levels(k, n_levels=8, g=kw.get("g", 0.0), n_max=run.n_max + 40)
            label = f"E x e levels, k={k:g} {kw or ''}".strip()
        else:
            run = lzsm.single_surface_levels(k, n_levels=8, **kw)
            ref = lzsm.single_surface_levels(
                k, n_levels=8, geometric_phase=kw.get("geometric_phase", True), n_basis=run.n_basis + 120
            )
            label = f"single surface, k={k:g} {kw or ''}".strip()
        actual = float(np.max(np.abs(run.energies - ref.energies)))
        yield Row(label, float(run.error_estimate), actual)


@audit("meci", "ConicalIntersection.converged (gap at the returned point)", "gap recomputed at q")
def _audit_meci(quick: bool) -> Iterator[Row]:
    lam = np.zeros((2, 2, 2))
    lam[0, 1, 1] = lam[1, 0, 1] = 0.2
    lvc = lzsm.LinearVibronicCoupling(
        omega=[1.0, 0.8], vertical_energies=[0.0, 0.5], kappa=[[0.3, 0.0], [-0.4, 0.0]], lam=lam
    )
    lvc_shift = lzsm.LinearVibronicCoupling(
        omega=[0.7, 1.3], vertical_energies=[0.0, 1.5], kappa=[[0.8, 0.1], [-0.9, -0.2]], lam=2 * lam
    )
    cases = [
        ("E x e, k=1, from (0.4, 0.3)", lzsm.JahnTellerExE(k=1.0), [0.4, 0.3], 1e-10),
        ("E x e, k=2.5, from (-1, 0.7)", lzsm.JahnTellerExE(k=2.5), [-1.0, 0.7], 1e-10),
        ("LVC 2 modes, from (0, 0)", lvc, [0.0, 0.0], 1e-10),
        ("LVC 2 modes, gap_tol 1e-6", lvc, [0.5, -0.5], 1e-6),
        ("E x e, k=0.3, from (0.05, -0.02)", lzsm.JahnTellerExE(k=0.3), [0.05, -0.02], 1e-10),
        ("E x e, k=4, from (2, 2)", lzsm.JahnTellerExE(k=4.0), [2.0, 2.0], 1e-12),
        ("E x e with quadratic coupling g=0.2", lzsm.JahnTellerExE(k=1.0, g=0.2), [0.3, -0.4], 1e-10),
        ("LVC 2 modes, from (1, 1)", lvc, [1.0, 1.0], 1e-10),
        ("LVC 2 modes, gap_tol 1e-8", lvc, [-0.5, 0.2], 1e-8),
        ("LVC 2 modes, shifted, from (0, 0)", lvc_shift, [0.0, 0.0], 1e-10),
    ]
    for label, model, q0, gap_tol in pick(cases, quick, (0, 2)):
        res = quiet(lzsm.find_meci, model, q0, gap_tol=gap_tol)
        if not res.converged:
            continue
        e = np.linalg.eigvalsh(model.potential(np.asarray(res.q)[None]))[0]
        yield Row(label, gap_tol, float(e[1] - e[0]))


# =========================================================================== applications
def wu_niu_reference(alpha: float, v: float, c: float, t: np.ndarray, psi0: np.ndarray) -> np.ndarray:
    """The Wu–Niu equations ``i d(a, b)/dt = H (a, b)``, ``H = [[g/2 + (c/2) s, v/2], [v/2,
    -g/2 - (c/2) s]]``, ``g = alpha t``, ``s = |b|^2 - |a|^2`` (Wu & Niu, PRA 61, 023402 (2000)),
    written out here and integrated by SciPy's DOP853 at rtol 1e-12, atol 1e-14."""

    def rhs(tt, y):
        a, b = y
        d = 0.5 * (alpha * tt + c * (abs(b) ** 2 - abs(a) ** 2))
        return -1j * np.array([d * a + 0.5 * v * b, 0.5 * v * a - d * b])

    sol = solve_ivp(rhs, (t[0], t[-1]), psi0.astype(complex), method="DOP853", t_eval=t, rtol=1e-12, atol=1e-14)
    return sol.y.T


@audit("nonlinear-lz", "NonlinearEvolution.error_estimate (cold atoms, Wu–Niu sweep)", "own DOP853, tol 1e-12")
def _audit_nonlinear(quick: bool) -> Iterator[Row]:
    from lzsm.applications.cold_atoms import nonlinear_lz_evolve

    cases = []
    for c in (0.0, 0.5, 2.0):
        for alpha in (0.1, 1.0):
            cases.append((alpha, 1.0, c, "rk4", 0.04))
    cases += [(0.3, 1.0, 4.0, "rk4", 0.04), (1.0, 1.0, 0.5, "rk4", 0.2), (1.0, 1.0, 2.0, "rk4", 0.1)]
    cases += [(0.2, 0.5, 1.0, "rk4", 0.04), (1.0, 1.0, 2.0, "dop853", 1e-6), (1.0, 1.0, 0.5, "dop853", 1e-8)]
    for alpha, v, c, method, knob in pick(cases, quick, (1, 7)):
        span = (-20.0, 20.0)
        kw = {"kappa": knob} if method == "rk4" else {"tol": knob}
        run = nonlinear_lz_evolve(alpha, v, c, span, method=method, gamma_eval=np.linspace(*span, 9), **kw)
        ref = wu_niu_reference(alpha, v, c, run.gamma / alpha, run.amplitudes[0])
        actual = float(np.max(np.linalg.norm(run.amplitudes - ref, axis=-1)))
        label = f"alpha={alpha:g} v={v:g} c={c:g} " + (f"kappa={knob:g}" if method == "rk4" else f"dop853 tol={knob:g}")
        yield Row(label, float(run.error_estimate), actual)


@audit("photodissociation", "PhotodissociationDynamics.error_estimate (chemistry, NaCl)", "dt/4 on a grid 4x finer")
def _audit_photodissociation(quick: bool) -> Iterator[Row]:
    from lzsm.applications.chemistry import WalledCovalentIonic, _photodissociation_run, nacl_wavepacket

    model = WalledCovalentIonic()
    cases = [
        (5.6, 0.11, 3000.0, 10.0, 1024),  # before the first pass through R_c
        (5.6, 0.11, 40000.0, 10.0, 1536),
        (6.0, 0.2, 30000.0, 20.0, 2048),
    ]
    fields = ("upper", "lower_inside", "lower_outside", "absorbed")
    for center, width, duration, dt, n_points in pick(cases, quick, (0,)):
        r_max = 40.0
        run = nacl_wavepacket(model, center, width, duration, dt=dt, n_points=n_points, r_max=r_max, n_save=50)
        n_steps = math.ceil(duration / dt)
        every = max(1, n_steps // 50)
        ref = _photodissociation_run(
            model, center, width, 2.6, r_max, 12.0, 0.01, 4 * n_points, dt / 4, 4 * n_steps, 4 * every
        )
        actual = max(float(np.max(np.abs(getattr(run, f) - ref[f]))) for f in fields)
        label = f"R0={center:g} sigma={width:g} t={duration:g} dt={dt:g} {n_points} points"
        yield Row(label, float(run.error_estimate), actual)


# =========================================================================== standard errors
def _leave_one_out(means: np.ndarray, stderrs: np.ndarray, n: int) -> Iterator[tuple[int, float, float, float]]:
    """For run i of K equal runs (n trajectories each): (i, |mean_i - mean_rest|, stderr_i,
    stderr of the pooled rest), elementwise over the trailing axes."""
    k = means.shape[0]
    second = stderrs**2 * n * (n - 1) + means**2 * n  # sum of squares per run (sample variance, ddof 1)
    for i in range(k):
        rest = [j for j in range(k) if j != i]
        m = np.mean(means[rest], axis=0)
        nn = n * len(rest)
        var = np.maximum(np.sum(second[rest], axis=0) / nn - m**2, 0.0) * nn / (nn - 1)
        yield i, np.abs(means[i] - m), stderrs[i], np.sqrt(var / nn)


@audit("noise", "NoisyEvolution.population_stderr", "the pooled runs of the other seeds (9; 3 with --quick)")
def _audit_noise(quick: bool) -> Iterator[Coverage]:
    cases = [
        ("LZ, OU noise on the bias", lzsm.LandauZener(0.3, 1.0), (-15.0, 15.0), lzsm.OrnsteinUhlenbeckNoise(0.5, 1.0)),
        ("LZ, telegraph noise", lzsm.LandauZener(0.4, 1.0), (-15.0, 15.0), lzsm.TelegraphNoise(0.5, 0.5)),
        ("drive, OU noise", lzsm.PeriodicDrive(0.3, 0.5, 4.0, 0.7), (0.0, 30.0), lzsm.OrnsteinUhlenbeckNoise(0.2, 3.0)),
        (
            "3 levels, OU noise",
            lzsm.demkov_osherov_model([0.3, 0.2], [-0.5, 0.0], 1.0),
            (-15.0, 15.0),
            lzsm.OrnsteinUhlenbeckNoise(0.3, 0.5, acts_on=np.diag([1.0, 0.0, -1.0])),
        ),
    ]
    seeds = 4 if quick else 10
    n_traj = 64
    for label, model, span, noise in pick(cases, quick, (0,)):
        runs = [
            lzsm.evolve_noisy(model, span, 0, noise=noise, n_trajectories=n_traj, seed=s, t_eval=np.linspace(*span, 5))
            for s in range(seeds)
        ]
        means = np.array([r.populations[1:] for r in runs])
        errs = np.array([r.population_stderr[1:] for r in runs])
        for i, dev, se, se_t in _leave_one_out(means, errs, n_traj):
            # the last level's population is one minus the others': not an independent check
            for (t, lev), d in np.ndenumerate(dev[:, :-1]):
                yield Coverage(
                    label, f"t#{t + 1}, level {lev}, seed {i}", float(d), float(se[t, lev]), float(se_t[t, lev])
                )


@audit(
    "surface-hopping",
    "TrajectoryScattering.*_stderr (FSSH, LZSH, Ehrenfest)",
    "the pooled runs of the other seeds (9; 3 with --quick)",
)
def _audit_surface_hopping(quick: bool) -> Iterator[Coverage]:
    cases = [
        ("FSSH, Tully 1", lzsm.TullySimple(), "fssh", [6.0, 10.0, 25.0], "fixed"),
        ("LZSH, Tully 1", lzsm.TullySimple(), "lzsh", [6.0, 10.0, 25.0], "fixed"),
        ("FSSH, Tully 2", lzsm.TullyDual(), "fssh", [15.0, 30.0], "fixed"),
        ("FSSH, Tully 2, rare reflection", lzsm.TullyDual(), "fssh", [8.0, 10.0], "fixed"),
        ("Ehrenfest, Tully 1, Wigner sampling", lzsm.TullySimple(), "ehrenfest", [8.0, 20.0], "wigner"),
        ("LZSH, Tully 3", lzsm.TullyExtended(), "lzsh", [10.0, 25.0], "fixed"),
    ]
    seeds = 4 if quick else 10
    n_traj = 100
    for label, model, method, ks, sampling in pick(cases, quick, (1,)):
        kw: dict = {"x0": -15.0} if isinstance(model, lzsm.TullyExtended) else {}
        runs = [
            quiet(
                lzsm.surface_hopping, model, ks, method=method, n_trajectories=n_traj, seed=s, sampling=sampling, **kw
            )
            for s in range(seeds)
        ]
        # channels (transmitted or reflected on each state); the likeliest is one minus the
        # others (unfinished trajectories aside): not an independent check
        means = np.array([np.concatenate([r.transmission, r.reflection], axis=-1) for r in runs])
        errs = np.array([np.concatenate([r.transmission_stderr, r.reflection_stderr], axis=-1) for r in runs])
        n = means.shape[-1] // 2
        names = [f"T{j}" for j in range(n)] + [f"R{j}" for j in range(n)]
        skip = np.argmax(means.mean(axis=0), axis=-1)
        for i, dev, se, se_t in _leave_one_out(means, errs, n_traj):
            for (m, j), d in np.ndenumerate(dev):
                if j != skip[m]:
                    yield Coverage(
                        f"{label}, k={ks[m]:g}", f"{names[j]}, seed {i}", float(d), float(se[m, j]), float(se_t[m, j])
                    )


# =========================================================================== report
def _fmt(x: float) -> str:
    if not np.isfinite(x):
        return str(x)
    return f"{x:.2g}"


def summary(a: Audit) -> dict[str, str]:
    """One line of the table: cases, claimed and actual (median/max), under-reports, verdict."""
    if not a.rows:
        return {"cases": "0", "claimed": "-", "actual": "-", "under": "-", "verdict": "no case ran"}
    verdict = "UNDER-REPORTS" if a.fails() else "keeps its word"
    if a.statistical:
        cov = [r for r in a.rows if isinstance(r, Coverage)]
        se = np.array([r.stderr for r in cov])
        dev = np.array([r.deviation for r in cov])
        ratio = np.array([r.ratio for r in cov])
        return {
            "cases": f"{len({r.case for r in cov})} ({len(cov)} checks)",
            "claimed": f"stderr {_fmt(float(np.median(se)))} / {_fmt(float(np.max(se)))}",
            "actual": f"{_fmt(float(np.median(dev)))} / {_fmt(float(np.max(dev)))} (max {_fmt(float(np.max(ratio)))} sigma)",
            "under": f"{a.under_count()} beyond 3 sigma (expected {a.expected_under():.2g})",
            "verdict": verdict,
        }
    rows = [r for r in a.rows if isinstance(r, Row)]
    claimed = np.array([r.claimed for r in rows])
    actual = np.array([r.actual for r in rows])
    return {
        "cases": str(len(rows)),
        "claimed": f"{_fmt(float(np.nanmedian(claimed)))} / {_fmt(float(np.nanmax(claimed)))}",
        "actual": f"{_fmt(float(np.median(actual)))} / {_fmt(float(np.max(actual)))}",
        "under": str(a.under_count()),
        "verdict": verdict,
    }


def render_text(a: Audit) -> str:
    s = summary(a)
    lines = [
        f"{a.title}  [{a.reference}; {a.seconds:.0f} s]",
        f"  cases {s['cases']}; claimed {s['claimed']}; actual {s['actual']}; under-reported {s['under']}: {s['verdict']}",
    ]
    for r in a.rows:
        flag = "  UNDER" if r.under else ""
        if isinstance(r, Row):
            ref = f" (reference's own error {r.ref_error:.1e})" if r.ref_error else ""
            lines.append(f"    {r.case:70s} claimed {r.claimed:9.2e} actual {r.actual:9.2e}{ref}{flag}")
        else:
            lines.append(
                f"    {r.case + ', ' + r.detail:70s} sigma {r.sigma:9.2e} |mean-truth| {r.deviation:9.2e}{flag}"
            )
    return "\n".join(lines)


def render_markdown(audits: list[Audit], command: str) -> str:
    out = [
        "| estimator | reference | cases | claimed (median / max) | actual (median / max) | under-reported | verdict |",
        "|---|---|---|---|---|---|---|",
    ]
    for a in audits:
        s = summary(a)
        out.append(
            f"| {a.title} | {a.reference} | {s['cases']} | {s['claimed']} | {s['actual']} | {s['under']} | {s['verdict']} |"
        )
    out += ["", f"Produced by `{command}` ({sum(a.seconds for a in audits):.0f} s)."]
    return "\n".join(out) + "\n"


def run_audits(names: Sequence[str], quick: bool, verbose: bool = False) -> list[Audit]:
    """Run the named audits (their rows and times are stored on them) and return them."""
    done = []
    for name in names:
        a = AUDITS[name]
        t = time.perf_counter()
        a.rows = list(a.run(quick))
        a.seconds = time.perf_counter() - t
        if verbose:
            print(render_text(a), flush=True)
        done.append(a)
    return done


def main(argv=None) -> int:
    ap = bench.make_parser(__doc__, "two or three cases per estimator (~20 s)")
    ap.add_argument("--only", nargs="+", metavar="NAME", help="run only these estimators")
    ap.add_argument("--list", action="store_true", help="list the estimators and exit")
    ap.add_argument("--markdown", metavar="PATH", help="write the summary table as markdown to PATH")
    args = ap.parse_args(argv)
    if args.list:
        for a in AUDITS.values():
            print(f"{a.name:20s} {a.title}")
        return 0
    names = args.only or list(AUDITS)
    unknown = sorted(set(names) - set(AUDITS))
    if unknown:
        ap.error(f"unknown estimator(s) {', '.join(unknown)}; --list shows them")
    selected = run_audits(names, args.quick, verbose=True)
    table = render_markdown(selected, bench.command_line())
    print()
    print(table)
    if args.markdown:
        Path(args.markdown).write_text(table)
    bench.write_json(
        args.json,
        {
            "command": bench.command_line(),
            "env": bench.env_info(),
            "audits": {
                a.name: {
                    "title": a.title,
                    "reference": a.reference,
                    "seconds": a.seconds,
                    "rows": [dict(r.__dict__, under=r.under) for r in a.rows],
                }
                for a in selected
            },
        },
    )
    bad = [a.name for a in selected if a.fails()]
    if bad:
        print(f"UNDER-REPORTING: {', '.join(bad)}")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
