"""Audit: does every error estimate lzsm reports keep its word?

What it measures
----------------
For each estimator the package reports (``error_estimate`` of a result, or a statistical
``*_stderr``) it runs a set of cases spanning easy and hard regimes and compares the *claimed*
error with the *actual* one, the difference to a reference computed independently:

* ``Evolution.error_estimate`` (compiled two-level, compiled N-level, callable lock-step):
  the a-posteriori bound on the final amplitude error, against ``||psi - psi_ref||`` with
  ``psi_ref`` from ``method="dop853"`` at ``tol=1e-13`` (a different integrator);
* ``OpenEvolution.error_estimate`` (Bloch vector and N-level vec(rho)): against the Frobenius
  norm of ``rho - rho_ref``, ``rho_ref`` from ``method="dop853"`` at ``tol=1e-13``;
* ``Floquet.error_estimate``: against the Frobenius norm of the one-period propagator's error
  (reference: :func:`lzsm.propagator` with ``method="dop853"`` at ``tol=1e-13``);
* ``WavepacketScattering.error_estimate``: against the largest deviation of the packet
  averages and the energy-resolved probabilities from :func:`lzsm.stationary_scattering`
  (sector width 0.002; packet averages by 40-point Gauss–Hermite over ``|phi(k)|^2``);
* ``StationaryScattering.error_estimate``: against the same solver at an eight times finer
  sector width (and, for the sech^2 barrier, the closed form of Landau & Lifshitz §25);
* ``NoisyEvolution.population_stderr`` and ``TrajectoryScattering.*_stderr``: coverage, the
  fraction of (case, seed) pairs with ``|mean - truth| <= 2 stderr`` (95.4% for a normal
  mean), ``truth`` from a run with 40x the trajectories and another seed;
* ``BerryPhase.error_estimate``: against the closed forms (half the solid angle for a spin
  1/2 in a field; pi and 0 around and beside the E x e conical intersection);
* ``VibronicLevels.error_estimate`` / ``SingleSurfaceLevels.error_estimate``: against a much
  larger basis;
* ``NonlinearEvolution.error_estimate`` (cold atoms, Wu–Niu sweep): against DOP853 at
  ``tol=1e-12``;
* ``PhotodissociationDynamics.error_estimate`` (chemistry): against a run at half the time
  step on twice the grid.

Per estimator the table gives the number of cases, the largest actual/claimed ratio and how
many cases under-report (actual > claimed); for standard errors the coverage and the largest
``|mean - truth|/stderr``.  ``--markdown PATH`` writes the tables as markdown (the audit table
of docs/accuracy.md is this output).

How to run
----------
    .venv/bin/python benchmarks/audit_estimators.py [--quick] [--only NAME ...] [--markdown PATH] [--json PATH]

``--quick``: a few cases per estimator (about a minute); the full audit takes ~15 minutes on
two cores.  ``--only``: run only the named estimators (see ``--list``).
"""

from __future__ import annotations

import math
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benchmarks/_common.py
import numpy as np

import _common as bench
import lzsm

REF_TOL = 1e-13


@dataclass
class Row:
    """One case: what the estimator claimed and what the error actually was."""

    case: str
    claimed: float
    actual: float

    @property
    def ratio(self) -> float:
        if self.claimed > 0:
            return self.actual / self.claimed
        return 0.0 if self.actual == 0 else math.inf


@dataclass
class Coverage:
    """One (case, seed) check of a standard error: ``|mean - truth|`` against ``stderr``."""

    case: str
    deviation: float
    stderr: float

    @property
    def covered(self) -> bool:
        return self.deviation <= 2 * self.stderr

    @property
    def ratio(self) -> float:
        if self.stderr > 0:
            return self.deviation / self.stderr
        return 0.0 if self.deviation == 0 else math.inf


@dataclass
class Audit:
    """An estimator and how its cases are produced."""

    name: str
    title: str
    reference: str
    run: Callable[[bool], Iterator[Row | Coverage]]
    rows: list[Row | Coverage] = field(default_factory=list)
    seconds: float = 0.0


AUDITS: dict[str, Audit] = {}


def audit(name: str, title: str, reference: str):
    """Register ``fn(quick) -> rows`` as the audit of estimator ``name``."""

    def deco(fn):
        AUDITS[name] = Audit(name, title, reference, fn)
        return fn

    return deco


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", lzsm.LzsmConvergenceWarning)
        return fn(*args, **kwargs)


# =========================================================================== coherent evolution
def _evolution_rows(cases, quick: bool) -> Iterator[Row]:
    for label, model, span, tol in cases[:: 4 if quick else 1]:
        run = _quiet(lzsm.evolve, model, span, 0, tol=tol)
        ref = lzsm.evolve(model, span, 0, method="dop853", tol=REF_TOL)
        actual = np.linalg.norm(run.amplitudes[..., -1, :] - ref.amplitudes[..., -1, :], axis=-1)
        claimed = np.broadcast_to(run.error_estimate, actual.shape)
        for a, c in zip(np.ravel(actual), np.ravel(claimed)):
            yield Row(f"{label}, tol {tol:g}", float(c), float(a))


def _lz_cases():
    out = []
    for v, alpha, t in [(0.5, 1.0, 200.0), (0.1, 10.0, 500.0), (2.0, 0.5, 100.0), (0.05, 0.2, 300.0)]:
        for tol in (1e-6, 1e-8, 1e-10):
            out.append((f"LZ V={v:g} alpha={alpha:g} t=+-{t:g}", lzsm.LandauZener(v, alpha), (-t, t), tol))
    drive = lzsm.PeriodicDrive(gap=0.3, offset=0.5, amplitude=4.0, frequency=0.7)
    tri = lzsm.PeriodicDrive(gap=0.3, offset=0.5, amplitude=4.0, frequency=0.7, shape="triangular")
    dp = lzsm.DoublePassage(coupling=0.2, sweep_rate=1.0, crossing_time=3.0)
    for label, model, span in [
        ("harmonic drive, 20 periods", drive, (0.0, 180.0)),
        ("triangular drive, 20 periods", tri, (0.0, 180.0)),
        ("double passage", dp, (-30.0, 30.0)),
    ]:
        for tol in (1e-6, 1e-8, 1e-10):
            out.append((label, model, span, tol))
    return out


@audit("evolve-2level", "Evolution.error_estimate, compiled two-level", "dop853, tol 1e-13")
def _audit_evolve_two_level(quick: bool) -> Iterator[Row]:
    yield from _evolution_rows(_lz_cases(), quick)


def _nlevel_cases():
    out = []
    models = [
        ("Demkov-Osherov 4 levels", lzsm.demkov_osherov_model([0.3, 0.2, 0.25], [1.0, -0.5, 0.0, 0.7]), (-60, 60)),
        ("bow-tie 5 levels", lzsm.bow_tie_model([0.2, 0.3, 0.1, 0.25], [0.0, 1.0, -1.0, 2.0, -2.0]), (-60, 60)),
        ("spin j=3/2 sweep", lzsm.spin_sweep(1.5, 0.4, 1.0), (-60, 60)),
        ("spin j=5/2 fast sweep", lzsm.spin_sweep(2.5, 0.3, 8.0), (-40, 40)),
    ]
    for label, model, span in models:
        for tol in (1e-6, 1e-8, 1e-10):
            out.append((label, model, span, tol))
    return out


@audit("evolve-nlevel", "Evolution.error_estimate, compiled N-level", "dop853, tol 1e-13")
def _audit_evolve_n_level(quick: bool) -> Iterator[Row]:
    yield from _evolution_rows(_nlevel_cases(), quick)


def _callable_cases():
    tanh = lzsm.TwoLevel(lambda t: 4.0 * np.tanh(t / 3.0), 0.3)
    cubic = lzsm.TwoLevel(lambda t: 0.02 * t**3, lambda t: 0.4 * np.exp(-(t**2) / 50.0))
    grid = lzsm.TwoLevel(lambda t: 2.0 * t, np.array([0.2, 0.5, 1.0]))

    def three(t):
        t = np.asarray(t, dtype=float)
        h = np.zeros(t.shape + (3, 3), dtype=complex)
        h[..., 0, 0], h[..., 2, 2] = t, -t
        h[..., 0, 1] = h[..., 1, 0] = 0.3
        h[..., 1, 2] = h[..., 2, 1] = 0.2 * np.cos(0.5 * t)
        return h

    out = []
    for label, model, span in [
        ("tanh sweep (callable)", tanh, (-30.0, 30.0)),
        ("cubic sweep, Gaussian coupling (callable)", cubic, (-12.0, 12.0)),
        ("linear sweep on a 3-point grid (callable)", grid, (-40.0, 40.0)),
        ("3 levels, oscillating coupling (NLevel)", lzsm.NLevel(three), (-25.0, 25.0)),
    ]:
        for tol in (1e-6, 1e-8, 1e-10):
            out.append((label, model, span, tol))
    return out


@audit("evolve-callable", "Evolution.error_estimate, callable lock-step", "dop853, tol 1e-13")
def _audit_evolve_callable(quick: bool) -> Iterator[Row]:
    yield from _evolution_rows(_callable_cases(), quick)


# =========================================================================== open systems
def _open_rows(cases, quick: bool) -> Iterator[Row]:
    for label, model, span, env, tol in cases[:: 4 if quick else 1]:
        run = _quiet(lzsm.evolve_open, model, span, 0, tol=tol, **env)
        ref = lzsm.evolve_open(model, span, 0, method="dop853", tol=REF_TOL, **env)
        actual = np.linalg.norm(run.rho[..., -1, :, :] - ref.rho[..., -1, :, :], axis=(-2, -1))
        claimed = np.broadcast_to(run.error_estimate, actual.shape)
        for a, c in zip(np.ravel(actual), np.ravel(claimed)):
            yield Row(f"{label}, tol {tol:g}", float(c), float(a))


@audit("open-bloch", "OpenEvolution.error_estimate, two-level (Bloch vector)", "dop853, tol 1e-13")
def _audit_open_bloch(quick: bool) -> Iterator[Row]:
    cases = []
    for label, model, span, env in [
        ("LZ V=0.5 alpha=1, dephasing 0.1", lzsm.LandauZener(0.5, 1.0), (-60.0, 60.0), {"dephasing": 0.1}),
        ("LZ V=0.2 alpha=5, relaxation 0.05, T=0.3", lzsm.LandauZener(0.2, 5.0), (-80.0, 80.0),
         {"relaxation": 0.05, "temperature": 0.3}),
        ("LZ V=1 alpha=0.3, adiabatic relaxation 0.02", lzsm.LandauZener(1.0, 0.3), (-40.0, 40.0),
         {"relaxation": 0.02, "basis": "adiabatic"}),
        ("harmonic drive, dephasing 0.01", lzsm.PeriodicDrive(0.3, 0.5, 4.0, 0.7), (0.0, 90.0), {"dephasing": 0.01}),
        ("LZ V=0.3 alpha=1, Ohmic bath", lzsm.LandauZener(0.3, 1.0), (-40.0, 40.0),
         {"bath": lzsm.OhmicBath(0.02, 5.0), "temperature": 0.2}),
        ("LZ fast alpha=20, dephasing 1", lzsm.LandauZener(0.3, 20.0), (-30.0, 30.0), {"dephasing": 1.0}),
        ("LZ grid of dephasing rates", lzsm.LandauZener(0.4, 1.0), (-50.0, 50.0),
         {"dephasing": np.array([0.0, 0.03, 0.3])}),
    ]:
        for tol in (1e-5, 1e-7, 1e-9):
            cases.append((label, model, span, env, tol))
    yield from _open_rows(cases, quick)


@audit("open-nlevel", "OpenEvolution.error_estimate, N-level (vec rho)", "dop853, tol 1e-13")
def _audit_open_n_level(quick: bool) -> Iterator[Row]:
    cases = []
    for label, model, span, env in [
        ("Demkov-Osherov 3 levels, dephasing 0.05", lzsm.demkov_osherov_model([0.3, 0.2], [1.0, -0.5, 0.0]),
         (-40.0, 40.0), {"dephasing": 0.05}),
        ("spin j=1 sweep, relaxation 0.02, T=0.5", lzsm.spin_sweep(1.0, 0.4, 1.0), (-40.0, 40.0),
         {"relaxation": 0.02, "temperature": 0.5}),
        ("bow-tie 4 levels, adiabatic dephasing 0.1", lzsm.bow_tie_model([0.2, 0.3, 0.1], [0.0, 1.0, -1.0, 2.0]),
         (-30.0, 30.0), {"dephasing": 0.1, "basis": "adiabatic"}),
        ("spin j=3/2 fast sweep, dephasing 0.5", lzsm.spin_sweep(1.5, 0.3, 6.0), (-30.0, 30.0), {"dephasing": 0.5}),
        ("3 levels, collapse operator", lzsm.demkov_osherov_model([0.4, 0.3], [1.0, -1.0, 0.2]), (-40.0, 40.0),
         {"collapse_ops": [np.sqrt(0.05) * np.diag([1.0, 0.0, -1.0])]}),
        ("spin j=1 slow sweep, dephasing 0.01", lzsm.spin_sweep(1.0, 0.5, 0.2), (-60.0, 60.0), {"dephasing": 0.01}),
        ("Demkov-Osherov 4 levels, relaxation 0.1", lzsm.demkov_osherov_model([0.3, 0.2, 0.25], [1.0, -0.5, 0.0, 0.7]),
         (-40.0, 40.0), {"relaxation": 0.1}),
    ]:
        for tol in (1e-5, 1e-7, 1e-9):
            cases.append((label, model, span, env, tol))
    yield from _open_rows(cases, quick)


# =========================================================================== Floquet
@audit("floquet", "Floquet.error_estimate (one-period propagator)", "propagator, dop853, tol 1e-13")
def _audit_floquet(quick: bool) -> Iterator[Row]:
    cases = []
    for label, model in [
        ("harmonic, A=4 omega=0.7", lzsm.PeriodicDrive(0.3, 0.5, 4.0, 0.7)),
        ("harmonic, A=20 omega=0.2 (slow, many rotations)", lzsm.PeriodicDrive(0.5, 1.0, 20.0, 0.2)),
        ("harmonic, A=2 omega=5 (fast)", lzsm.PeriodicDrive(1.0, 0.0, 2.0, 5.0)),
        ("triangular, A=6 omega=0.5", lzsm.PeriodicDrive(0.3, 0.5, 6.0, 0.5, shape="triangular")),
        ("harmonic, phase 0.7, offset 0", lzsm.PeriodicDrive(0.4, 0.0, 3.0, 1.0, phase=0.7)),
        ("harmonic grid of amplitudes", lzsm.PeriodicDrive(0.3, 0.5, np.array([1.0, 5.0, 12.0]), 0.6)),
        ("callable shape sin^3", lzsm.PeriodicDrive(0.3, 0.2, 5.0, 0.8, shape=lambda th: np.sin(th) ** 3)),
    ]:
        for tol in (1e-6, 1e-8, 1e-10):
            cases.append((label, model, tol))
    for label, model, tol in cases[:: 4 if quick else 1]:
        fl = _quiet(lzsm.floquet, model, tol=tol)
        per = np.broadcast_to(np.asarray(fl.period, dtype=float), model.batch_shape)
        ref = lzsm.propagator(model, (0.0, float(per.reshape(-1)[0])), method="dop853", tol=REF_TOL)
        if not np.allclose(per, per.reshape(-1)[0]):
            raise RuntimeError("the Floquet audit cases share one period")
        actual = np.linalg.norm(fl.propagator - ref.u[..., -1, :, :], axis=(-2, -1))
        claimed = np.broadcast_to(fl.error_estimate, actual.shape)
        for a, c in zip(np.ravel(actual), np.ravel(claimed)):
            yield Row(f"{label}, tol {tol:g}", float(c), float(a))


# =========================================================================== report
def _fmt(x: float) -> str:
    if not np.isfinite(x):
        return str(x)
    return f"{x:.2g}"


def summary_rows(a: Audit) -> dict[str, str]:
    if a.rows and isinstance(a.rows[0], Coverage):
        cov = [r for r in a.rows if isinstance(r, Coverage)]
        n_cov = sum(r.covered for r in cov)
        return {
            "estimator": a.title,
            "reference": a.reference,
            "cases": str(len({r.case for r in cov})) + f" ({len(cov)} checks)",
            "worst": _fmt(max(r.ratio for r in cov)) + " (|mean - truth|/stderr)",
            "under": f"coverage {n_cov}/{len(cov)} = {100 * n_cov / len(cov):.1f}% within 2 stderr",
        }
    rows = [r for r in a.rows if isinstance(r, Row)]
    under = sum(r.actual > r.claimed for r in rows)
    return {
        "estimator": a.title,
        "reference": a.reference,
        "cases": str(len(rows)),
        "worst": _fmt(max(r.ratio for r in rows)) if rows else "-",
        "under": f"{under} of {len(rows)} under-report",
    }


def render_text(audits: list[Audit]) -> str:
    lines = []
    for a in audits:
        s = summary_rows(a)
        lines.append(f"{s['estimator']}  [{s['reference']}; {a.seconds:.0f} s]")
        lines.append(f"  cases {s['cases']}, max actual/claimed {s['worst']}, {s['under']}")
        for r in a.rows:
            if isinstance(r, Row):
                flag = "  UNDER" if r.actual > r.claimed else ""
                lines.append(f"    {r.case:60s} claimed {r.claimed:9.2e} actual {r.actual:9.2e}{flag}")
            else:
                flag = "" if r.covered else "  outside 2 stderr"
                lines.append(f"    {r.case:60s} stderr {r.stderr:9.2e} |mean-truth| {r.deviation:9.2e}{flag}")
    return "\n".join(lines)


def render_markdown(audits: list[Audit], command: str) -> str:
    out = [
        "| estimator | reference (\"actual\" is the difference to it) | cases | max actual/claimed | under-reported |",
        "|---|---|---|---|---|",
    ]
    for a in audits:
        s = summary_rows(a)
        out.append(f"| {s['estimator']} | {s['reference']} | {s['cases']} | {s['worst']} | {s['under']} |")
    out.append("")
    out.append(f"Produced by `{command}`.")
    for a in audits:
        out.append("")
        out.append(f"#### {a.title}")
        out.append("")
        if a.rows and isinstance(a.rows[0], Coverage):
            out.append("| case | stderr | \\|mean − truth\\| | within 2 stderr |")
            out.append("|---|---|---|---|")
            for r in a.rows:
                assert isinstance(r, Coverage)
                out.append(f"| {r.case} | {r.stderr:.2e} | {r.deviation:.2e} | {'yes' if r.covered else 'no'} |")
        else:
            out.append("| case | claimed | actual | actual/claimed |")
            out.append("|---|---|---|---|")
            for r in a.rows:
                assert isinstance(r, Row)
                out.append(f"| {r.case} | {r.claimed:.2e} | {r.actual:.2e} | {_fmt(r.ratio)} |")
    return "\n".join(out) + "\n"


def main(argv=None) -> int:
    ap = bench.make_parser(__doc__, "a few cases per estimator (about a minute)")
    ap.add_argument("--only", nargs="+", metavar="NAME", help="run only these estimators")
    ap.add_argument("--list", action="store_true", help="list the estimators and exit")
    ap.add_argument("--markdown", metavar="PATH", help="write the tables as markdown to PATH")
    args = ap.parse_args(argv)
    if args.list:
        for a in AUDITS.values():
            print(f"{a.name:20s} {a.title}")
        return 0
    names = args.only or list(AUDITS)
    unknown = sorted(set(names) - set(AUDITS))
    if unknown:
        ap.error(f"unknown estimator(s) {', '.join(unknown)}; --list shows them")
    selected = [AUDITS[n] for n in names]
    for a in selected:
        t = time.perf_counter()
        a.rows = list(a.run(args.quick))
        a.seconds = time.perf_counter() - t
        print(render_text([a]), flush=True)
    if args.markdown:
        Path(args.markdown).write_text(render_markdown(selected, bench.command_line()))
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
                    "rows": [r.__dict__ for r in a.rows],
                }
                for a in selected
            },
        },
    )
    bad = [a.name for a in selected if _fails(a)]
    if bad:
        print(f"\nUNDER-REPORTING: {', '.join(bad)}")
    return 1 if bad else 0


def _fails(a: Audit) -> bool:
    """Any case under-reports, or a standard error covers less than 90% of its checks."""
    cov = [r for r in a.rows if isinstance(r, Coverage)]
    if cov:
        return sum(r.covered for r in cov) < 0.9 * len(cov)
    return any(r.actual > r.claimed for r in a.rows if isinstance(r, Row))


if __name__ == "__main__":
    raise SystemExit(main())
