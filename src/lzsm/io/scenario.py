"""Scenario files (TOML): a model, a propagation and the figures, in physical units.

A scenario is read with ``tomllib``, every key is checked (an unknown key is an error that
names it), quantities with units are converted once into the scenario's unit system, and
:func:`run` writes one output folder holding the resolved configuration, the NetCDF data, the
PNG figures and a JSON summary.  The folder appears only when everything has been written
(it is assembled in a temporary sibling and renamed), so a failed run leaves nothing behind.

Example (``examples/qubit_landau_zener.toml``)::

    title = "Landau–Zener passage of a qubit"
    [units]
    energy = "GHz"          # energies as E/h
    time = "ns"
    [model]
    kind = "landau_zener"
    coupling = "0.1 GHz"
    sweep_rate = "1 GHz/ns"
    [evolve]
    t_span = ["-20 ns", "20 ns"]
    initial = "diabatic 0"
    n_save = 801
    [sweep]                 # optional: P against sweep rate, exact points
    sweep_rate = {start = "0.05 GHz/ns", stop = "5 GHz/ns", num = 25, scale = "log"}
"""

from __future__ import annotations

import contextlib
import json
import os
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from lzsm._checks import MAX_TOL, MIN_TOL, grid_points, named
from lzsm.closed_forms import landau_zener as analytic
from lzsm.dynamics.asymptotic import TAILS
from lzsm.errors import LzsmConvergenceWarning, LzsmNumericalError, LzsmValueError
from lzsm.io import units
from lzsm.io.output import (
    MARKER,
    atomic_folder,
    check_creatable,
    check_replaceable,
    delete_folder,
    locked,
    marked_tempdir,
    move_aside,
    read_marker,
    read_toml,
    remove_debris,
    target_path,
    write_marker,
)
from lzsm.io.schema import Field, Reader
from lzsm.models.base import Model
from lzsm.models.multilevel import LinearSweep
from lzsm.models.two_level import LandauZener
from lzsm.options import MAX_STEPS, Options
from lzsm.results import Status

MODEL_KINDS = ("landau_zener", "linear_sweep")
TOP = {"title": Field("text", "")}
SCHEMA: dict[str, dict[str, Field]] = {
    "model": {
        "kind": Field("text", "landau_zener", choices=MODEL_KINDS),
        "coupling": Field("energy"),
        "sweep_rate": Field("sweep_rate", nonzero=True),
        "hbar": Field("number", 1.0, low=0.0, low_open=True),
        "constant": Field("energy", shape="matrix"),
        "slopes": Field("sweep_rate", shape="list"),
    },
    "evolve": {
        "t_span": Field("time", shape="pair"),
        "initial": Field("any", "diabatic 0"),
        "n_save": Field("int", 401, low=2, high=1_000_000),
        "tol": Field("number", 1e-10, low=MIN_TOL, high=MAX_TOL),
        "max_steps": Field("int", Options().max_steps, low=1, high=MAX_STEPS),
        "tails": Field("text", "auto", choices=TAILS),
    },
    "sweep": {"sweep_rate": Field("sweep_rate", shape="range", nonzero=True)},
    "figures": {
        "energies": Field("bool", True),
        "populations": Field("bool", True),
        "probability_vs_rate": Field("bool"),
        "nonadiabatic_coupling": Field("bool", True),
    },
}


@dataclass
class Scenario:
    """A validated scenario in its unit system (plain floats)."""

    title: str
    system: units.UnitSystem | None
    hbar: float
    model: Model
    t_span: tuple[float, float]
    initial: Any
    n_save: int
    tol: float
    max_steps: int
    tails: str
    sweep_rates: np.ndarray | None
    figures: dict[str, bool]
    resolved: dict[str, Any] = field(default_factory=dict)


def load(path: str | os.PathLike) -> Scenario:
    """Read and validate a scenario file."""
    return from_dict(read_toml(path))


def from_dict(raw: dict[str, Any]) -> Scenario:
    """Validate a parsed scenario (values may be numbers, unit strings or pint Quantities)."""
    r = Reader(raw, SCHEMA, top=TOP)
    title = r.top.get("title")
    if "model" not in raw:
        raise LzsmValueError("scenario needs a [model] table")
    system = r.system
    kind = r.get("model", "kind")
    if r.has("model", "hbar") and system is not None:
        raise LzsmValueError("`model.hbar` cannot be set together with [units]: hbar follows from the units")
    hbar = system.hbar if system is not None else r.get("model", "hbar")
    if kind == "landau_zener":
        model: Model = LandauZener(r.get("model", "coupling"), r.get("model", "sweep_rate"), hbar)
    else:
        const = np.array(r.get("model", "constant"))
        slopes = r.get("model", "slopes")
        if len(slopes) != len(const):
            raise LzsmValueError(f"`model.slopes` must be a list of {len(const)} diabatic slopes, got {len(slopes)}")
        model = LinearSweep(const, np.array(slopes), hbar)
    t0, t1 = r.get("evolve", "t_span")
    if not t1 > t0:
        raise LzsmValueError(f"`evolve.t_span` must be increasing, got [{t0:g}, {t1:g}]")
    initial = r.get("evolve", "initial")
    from lzsm._checks import initial_state

    try:
        initial_state(initial, model, t0)
    except (LzsmValueError, TypeError) as exc:
        raise LzsmValueError(f"`evolve.initial`: {exc}") from None
    n_save = r.get("evolve", "n_save")
    tol = r.get("evolve", "tol")
    max_steps = r.get("evolve", "max_steps")
    tails = r.get("evolve", "tails")
    sweep_rates = None
    if r.has("sweep", "sweep_rate"):
        if kind != "landau_zener":
            raise LzsmValueError("[sweep] sweep_rate applies to kind 'landau_zener' only")
        sweep_rates = r.get_range("sweep", "sweep_rate")
    figs = {key: r.get("figures", key) for key in SCHEMA["figures"] if key != "probability_vs_rate"}
    figs["probability_vs_rate"] = r.get("figures", "probability_vs_rate", sweep_rates is not None)
    if figs["probability_vs_rate"] and sweep_rates is None:
        raise LzsmValueError("`figures.probability_vs_rate` needs a [sweep] sweep_rate range")
    return Scenario(
        title, system, hbar, model, (t0, t1), initial, n_save, tol, max_steps, tails, sweep_rates, figs, r.resolved
    )


def _summary(sc: Scenario, ev, seconds: float) -> dict[str, Any]:
    out: dict[str, Any] = {
        "title": sc.title,
        "hbar": sc.hbar,
        "t_span": list(sc.t_span),
        "p_diabatic_stay": float(ev.p_diabatic_stay),
        "p_adiabatic_follow": float(ev.p_adiabatic_follow),
        "p_jump": float(ev.p_jump),
        "error_estimate": float(ev.error_estimate),
        "n_steps": int(ev.n_steps),
        "seconds": seconds,
    }
    if sc.system is not None:
        out["units"] = {
            "energy": sc.system.energy,
            "time": sc.system.time,
            "sweep_rate": sc.system.unit_of("sweep_rate"),
        }
    m = sc.model
    if isinstance(m, LandauZener):
        v, a = float(np.abs(m.coupling)), float(np.asarray(m.sweep_rate))
        t0, t1 = sc.t_span
        exact = analytic.finite_time_p_diabatic_stay(v, a, t1, t0, 0, sc.hbar)
        out.update(
            {
                "adiabaticity_delta": float(analytic.adiabaticity(v, a, sc.hbar)),
                "minimum_gap": float(analytic.minimum_gap(v)),
                "lz_probability": float(analytic.lz_probability(v, a, sc.hbar)),
                "golden_rule_p_adiabatic_follow": float(analytic.golden_rule_probability(v, a, sc.hbar)),
                "regime": str(analytic.regime(v, a, sc.hbar)),
                "finite_time_exact_p_diabatic_stay": float(exact) if ev.initial_diabatic == 0 else None,
            }
        )
        if ev.initial_diabatic == 0:
            out["abs_error_vs_exact"] = abs(float(ev.p_diabatic_stay) - float(exact))
    return out


#: Library names -> the keys of a scenario file (errors name the keys).
_EVOLVE_NAMES = {
    "t_span": "evolve.t_span",
    "tol": "evolve.tol",
    "max_steps": "evolve.max_steps",
    "tails": "evolve.tails",
    "t_eval": "evolve.n_save",
    "initial": "evolve.initial",
    "coupling": "model.coupling",
    "sweep_rate": "model.sweep_rate",
}


@contextlib.contextmanager
def _quiet_convergence() -> Iterator[None]:
    """No LzsmConvergenceWarning: an unfinished propagation is an error (:func:`_finished`)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LzsmConvergenceWarning)
        yield


def _finished(ev: Any, table: str) -> None:
    """Points that stopped before the end of ``evolve.t_span`` are an error naming the keys to
    change (their NaN would otherwise reach the files)."""
    status = np.asarray(ev.status).reshape(-1)
    bad = status != int(Status.OK)
    if np.any(bad):
        worst = Status(int(np.max(status)))
        raise LzsmNumericalError(
            f"{table}: the propagation did not reach the end of `evolve.t_span` at {int(np.sum(bad))} of "
            f"{status.size} points ({worst.message}): shorten `evolve.t_span`, loosen `evolve.tol` or raise "
            "`evolve.max_steps`"
        )


def _axes(ncols: int = 1):
    """Axes on a figure that is not registered with pyplot (no global backend change)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(5.0 * ncols, 3.8), constrained_layout=True)
    ax = fig.subplots(1, ncols, sharey=ncols > 1)
    return ax


#: The most saved times ``run`` adds on its own so that the populations figure does not alias (a
#: window that needs more is refused by the step budget or the figure, naming what to change).
MAX_AUTO_SAVE = 200_000


def run(sc: Scenario, out_dir: str | os.PathLike, *, force: bool = False, progress: bool | None = None) -> dict:
    """Run a scenario and write ``DIR/{scenario.json, evolution.nc, summary.json, *.png}``.

    Refuses to overwrite an existing folder unless ``force``; writes nothing if it fails."""
    from lzsm.dynamics.coherent import evolve, write_netcdf
    from lzsm.plot import crossing as plotting
    from lzsm.plot._sampling import samples_needed

    with atomic_folder(out_dir, force) as tmp:
        start = time.perf_counter()
        # at least enough saved times to draw the populations without aliasing
        n_save = max(sc.n_save, min(samples_needed(sc.model, sc.t_span), MAX_AUTO_SAVE))
        t_save = np.linspace(*sc.t_span, n_save)
        if sc.figures["populations"]:  # refused now, not after the evolution has run
            from lzsm.plot._sampling import check_time_sampling

            try:
                check_time_sampling(t_save, sc.model, what="the evolution (its saved times `t_eval`)")
            except LzsmValueError as exc:
                raise LzsmValueError(
                    f"{exc}; in this file: shorten `evolve.t_span`, or set `figures.populations = false` "
                    f"(run adds saved times up to {MAX_AUTO_SAVE} on its own)"
                ) from None
        with named(_EVOLVE_NAMES), _quiet_convergence():
            ev = evolve(
                sc.model,
                sc.t_span,
                sc.initial,
                t_save,
                tol=sc.tol,
                max_steps=sc.max_steps,
                progress=progress,
                tails=sc.tails,
            )
        _finished(ev, "[evolve]")
        seconds = time.perf_counter() - start
        ds = ev.to_xarray()
        ds.attrs["scenario"] = json.dumps(sc.resolved)
        ds.attrs["hbar"] = sc.hbar
        if sc.system is not None:
            ds["t"].attrs["units"] = sc.system.time
        with named(_EVOLVE_NAMES):
            summary = _summary(sc, ev, seconds)
        if sc.sweep_rates is not None:
            m = sc.model
            assert isinstance(m, LandauZener)
            grid = LandauZener(np.abs(m.coupling), sc.sweep_rates, sc.hbar)
            with named(_EVOLVE_NAMES), _quiet_convergence():
                sw = evolve(grid, sc.t_span, 0, tol=sc.tol, max_steps=sc.max_steps, progress=progress, tails=sc.tails)
            _finished(sw, "[sweep]")
            with named({**_EVOLVE_NAMES, "sweep_rate": "sweep.sweep_rate"}):
                exact = analytic.finite_time_p_diabatic_stay(
                    np.abs(m.coupling), sc.sweep_rates, sc.t_span[1], sc.t_span[0], 0, sc.hbar
                )
            sweep_ds = sw.to_xarray()[["p_diabatic_stay", "p_jump", "error_estimate", "n_steps"]]
            sweep_ds["p_lz"] = ("sweep_rate", analytic.lz_probability(np.abs(m.coupling), sc.sweep_rates, sc.hbar))
            sweep_ds["p_diabatic_stay_exact_finite_time"] = ("sweep_rate", exact)
            sweep_ds.to_netcdf(tmp / "sweep.nc", engine="h5netcdf")
            summary["sweep_max_abs_error_vs_exact"] = float(np.max(np.abs(sw.p_diabatic_stay - exact)))
        write_netcdf(ds, tmp / "evolution.nc")
        m = sc.model
        tq = np.linspace(*sc.t_span, 801)
        if isinstance(m, LandauZener) and np.abs(m.coupling) > 0:
            # zoom the level diagrams onto the crossing region, |alpha t| < 12 |V|
            half = 12.0 * float(np.abs(m.coupling)) / abs(float(np.asarray(m.sweep_rate)))
            tq = np.linspace(max(sc.t_span[0], -half), min(sc.t_span[1], half), 801)
        t_unit = sc.system.time if sc.system is not None else None
        e_unit = sc.system.energy if sc.system is not None else None
        if sc.figures["energies"]:
            ax = plotting.plot_energies(m, tq, ax=_axes(), coordinate_unit=t_unit, energy_unit=e_unit)
            ax.figure.savefig(tmp / "energies.png", dpi=130)
        if sc.figures["populations"]:
            axes = plotting.plot_populations(ev, axes=_axes(2), time_unit=t_unit)
            axes[0].figure.savefig(tmp / "populations.png", dpi=130)
        if sc.figures["nonadiabatic_coupling"]:
            ax = plotting.plot_nonadiabatic_coupling(m, tq, ax=_axes(), coordinate_unit=t_unit)
            ax.figure.savefig(tmp / "nonadiabatic_coupling.png", dpi=130)
        if sc.figures["probability_vs_rate"] and sc.sweep_rates is not None:
            assert isinstance(m, LandauZener)
            ax = plotting.plot_probability_vs_rate(
                float(np.abs(m.coupling)),
                sc.sweep_rates,
                ax=_axes(),
                hbar=sc.hbar,
                exact=(sc.sweep_rates, sw.p_diabatic_stay),
                exact_label=f"lzsm.evolve, t in [{sc.t_span[0]:g}, {sc.t_span[1]:g}]",
                t_span=sc.t_span,
                energy_unit=e_unit,
                rate_unit=sc.system.unit_of("sweep_rate") if sc.system is not None else None,
            )
            ax.figure.savefig(tmp / "probability_vs_rate.png", dpi=130)
        (tmp / "scenario.json").write_text(json.dumps(sc.resolved, indent=2))
        (tmp / "summary.json").write_text(json.dumps(summary, indent=2))
    return summary


# --------------------------------------------------------------------------- interferometry maps
MAP_SCHEMA: dict[str, dict[str, Field]] = {
    "drive": {
        "gap": Field("energy"),
        "offset": Field("energy", shape="range"),
        "amplitude": Field("energy", shape="range", low=0.0),
        "frequency": Field("angular_frequency", low=0.0, low_open=True),
        "frequency_hz": Field("frequency_hz", low=0.0, low_open=True),
        "phase": Field("number", 0.0),
        "shape": Field("text", "harmonic", choices=("harmonic", "triangular")),
    },
    "map": {
        "n_periods": Field("int", 20, low=0),
        "initial": Field("int", 0, low=0, high=1),
        "tol": Field("number", 1e-10, low=MIN_TOL, high=MAX_TOL),
        "n_samples": Field("int", "auto", low=8, choices=("auto",)),
        "chunk_points": Field("int", 4096, low=1, high=10**7),
    },
}


@dataclass
class MapScenario:
    """A validated interferometry-map scenario (plain floats in its unit system)."""

    title: str
    system: units.UnitSystem | None
    hbar: float
    gap: float
    frequency: float
    phase: float
    shape: str
    axes: dict[str, np.ndarray]
    n_periods: int | None
    initial: int
    tol: float
    n_samples: int | str
    chunk_points: int
    resolved: dict[str, Any] = field(default_factory=dict)


def load_map(path: str | os.PathLike) -> MapScenario:
    """Read and validate an interferometry-map scenario (``lzsm map``)."""
    return map_from_dict(read_toml(path))


def map_from_dict(raw: dict[str, Any]) -> MapScenario:
    """Validate a parsed interferometry-map scenario."""
    r = Reader(raw, MAP_SCHEMA, top=TOP)
    title = r.top.get("title")
    if "drive" not in raw:
        raise LzsmValueError("map scenario needs a [drive] table")
    gap = r.get("drive", "gap")
    if r.has("drive", "frequency") == r.has("drive", "frequency_hz"):
        raise LzsmValueError("give exactly one of `drive.frequency` (angular) and `drive.frequency_hz` (cycles)")
    freq = r.get("drive", "frequency" if r.has("drive", "frequency") else "frequency_hz")
    phase = r.get("drive", "phase")
    shape = r.get("drive", "shape")
    axes = {name: r.get_range("drive", name) for name in ("offset", "amplitude")}
    grid_points({f"drive.{name}": len(values) for name, values in axes.items()})
    n_periods = r.get("map", "n_periods") or None  # 0 in the file means: the infinite-time average only
    return MapScenario(
        title,
        r.system,
        r.hbar,
        gap,
        freq,
        phase,
        shape,
        axes,
        n_periods,
        r.get("map", "initial"),
        r.get("map", "tol"),
        r.get("map", "n_samples"),
        r.get("map", "chunk_points"),
        r.resolved,
    )


def _differences(a: dict[str, Any], b: dict[str, Any], prefix: str = "") -> list[str]:
    """Dotted keys whose values differ between two resolved scenarios."""
    out = []
    for k in sorted(set(a) | set(b)):
        x, y = a.get(k), b.get(k)
        if isinstance(x, dict) and isinstance(y, dict):
            out += _differences(x, y, f"{prefix}{k}.")
        elif x != y:
            out.append(prefix + k)
    return out


def _map_folder(out: Path, ms: MapScenario, resume: bool, force: bool) -> str:
    """What to do with the output folder of a map: ``'new'``, ``'replace'`` or ``'continue'``;
    refuses what it may not touch.  An interrupted map of the same scenario is continued even
    without ``resume`` (its finished chunks are kept)."""
    if not (out.exists() or out.is_symlink()):
        check_creatable(out)
        return "new"
    if force:
        check_replaceable(out)
        check_creatable(out)
        return "replace"
    if out.is_symlink() or not out.is_dir():
        raise LzsmValueError(f"output folder {str(out)!r} exists and is not a folder; choose another folder")
    marker = read_marker(out)
    stored = out / "scenario.json"
    if marker is None and not (resume and stored.is_file()):  # resume: also a map of lzsm 0.1 (no marker)
        raise LzsmValueError(
            f"output folder {str(out)!r} exists and lzsm did not write it (it has no {MARKER} file); "
            "choose another folder"
        )
    if marker is not None and marker.get("kind") != "map":
        raise LzsmValueError(
            f"output folder {str(out)!r} exists and holds the output of {marker.get('kind')!r}, not a map; "
            "use --force to replace it"
        )
    if not stored.is_file():
        raise LzsmValueError(
            f"output folder {str(out)!r} has no scenario.json to compare with; use --force to replace it"
        )
    diff = _differences(json.loads(stored.read_text(encoding="utf-8")), json.loads(json.dumps(ms.resolved)))
    if resume:
        if diff:
            raise LzsmValueError(f"cannot resume {str(out)!r}: the scenario differs in {', '.join(diff)}")
        return "continue"
    assert marker is not None
    if marker.get("state") == "complete":
        raise LzsmValueError(f"output folder {str(out)!r} exists (a finished map); use --force to replace it")
    if diff:
        raise LzsmValueError(
            f"output folder {str(out)!r} holds an interrupted map of another scenario (it differs in "
            f"{', '.join(diff)}); finish it with that scenario and --resume, or use --force to replace it"
        )
    return "continue"


def run_map(
    ms: MapScenario,
    out_dir: str | os.PathLike,
    *,
    resume: bool = False,
    force: bool = False,
    scheduler: Any = None,
    progress: bool | None = None,
) -> dict:
    """Compute an interferometry map into ``DIR``: ``scenario.json`` and ``map.zarr`` (the
    resumable store, written as chunks finish), then ``map.nc``, ``interferometry.png``
    (+ ``final_population.png``) and ``summary.json`` once the map is complete.

    Every input (the scenario, ``scheduler``, the folder) is checked before anything is written.
    The run holds the lock of ``DIR`` (another writer is refused, naming this one).  An existing
    ``DIR`` is continued with ``resume`` (refused if the scenario differs), replaced with
    ``force`` (only a folder lzsm wrote); without either, an interrupted map of the same scenario
    is continued and anything else is refused.  A run that fails before its first chunk is stored
    leaves no folder behind."""
    from lzsm.models.drives import PeriodicDrive
    from lzsm.scans.engine import check_scheduler

    if resume and force:
        raise LzsmValueError(
            "give at most one of --resume (`resume`: continue the map in the folder) and --force (`force`: replace "
            "it); got both"
        )
    check_scheduler(scheduler)
    model = PeriodicDrive(ms.gap, 0.0, 0.0, ms.frequency, ms.phase, ms.shape, ms.hbar)
    out = target_path(out_dir)
    _map_folder(out, ms, resume, force)  # refuse before writing anything
    out.parent.mkdir(parents=True, exist_ok=True)
    with locked(out):
        remove_debris(out)
        action = _map_folder(out, ms, resume, force)  # again, now that no lzsm run can change it
        if action == "replace":
            delete_folder(move_aside(out))
        if action == "continue":
            write_marker(out, out, "map", "running")
        else:
            tmp = marked_tempdir(out.parent, f".{out.name}.partial-", out, "map")
            (tmp / "scenario.json").write_text(json.dumps(ms.resolved, indent=2), encoding="utf-8")
            write_marker(tmp, out, "map", "running")
            os.replace(tmp, out)
        try:
            summary = _compute_map(ms, model, out, scheduler, progress)
        except BaseException:
            if action != "continue" and not (out / "map.zarr").exists():  # nothing finished: nothing to keep
                delete_folder(out)
            raise
        write_marker(out, out, "map", "complete")
    return summary


def _compute_map(ms: MapScenario, model: Any, out: Path, scheduler: Any, progress: bool | None) -> dict:
    """The map into ``out/map.zarr`` (resumed if it exists), then the files assembled in a marked
    ``out/.final-*`` folder and moved into ``out``."""
    from lzsm.dynamics.interferometry import interferometry_map
    from lzsm.plot.interferometry import plot_interferometry

    nx = len(ms.axes["amplitude"])
    rows = max(1, ms.chunk_points // nx)
    start = time.perf_counter()
    frequency = "drive.frequency" if "frequency" in ms.resolved.get("drive", {}) else "drive.frequency_hz"
    keys = {
        "n_periods": "map.n_periods",
        "tol": "map.tol",
        "n_samples": "map.n_samples",
        "chunks=": "map.chunk_points",
        "store=": "map.zarr",
        "frequency": frequency,
        "offset": "drive.offset",
        "amplitude": "drive.amplitude",
        "gap": "drive.gap",
    }
    with named(keys):
        result = interferometry_map(
            model,
            n_periods=ms.n_periods,
            initial=ms.initial,
            n_samples=ms.n_samples,
            tol=ms.tol,
            chunks={"offset": rows, "amplitude": nx},
            store=out / "map.zarr",
            resume=True,
            scheduler=scheduler,
            progress=progress,
            offset=ms.axes["offset"],  # the map's axes, in this order
            amplitude=ms.axes["amplitude"],
        )
    if not result.ok:
        bad = int(np.sum(~result.success))
        raise LzsmNumericalError(
            f"the one-period propagation did not finish at {bad} of {result.success.size} map points (their status is "
            f"in {str(out / 'map.zarr')!r}): change `map.tol` or the drive ({frequency}, drive.amplitude) and rerun "
            "with --force"
        )
    ds = result.to_xarray()
    seconds = time.perf_counter() - start
    tmp = marked_tempdir(out, ".final-", out, "map")
    try:
        ds.to_netcdf(tmp / "map.nc", engine="h5netcdf")
        ax = plot_interferometry(ds, "p_upper_mean", ax=_axes())
        if ms.system is not None:
            ax.set_xlabel(f"offset eps0 [{ms.system.energy}]")
            ax.set_ylabel(f"amplitude A [{ms.system.energy}]")
        ax.set_title(ms.title or "LZSM interferometry")
        ax.figure.savefig(tmp / "interferometry.png", dpi=130)
        if "p_upper_final" in ds:
            ax = plot_interferometry(ds, "p_upper_final", ax=_axes())
            ax.set_title(f"after {ms.n_periods} periods")
            ax.figure.savefig(tmp / "final_population.png", dpi=130)
        summary = {
            "title": ms.title,
            "points": int(ds["p_upper_mean"].size),
            "seconds": seconds,
            "max_p_upper_mean": float(ds["p_upper_mean"].max()),
            "max_error_estimate": float(ds["error_estimate"].max()),
            "n_samples_per_period": int(ds.attrs["n_samples_per_period"]),
        }
        (tmp / "summary.json").write_text(json.dumps(summary, indent=2))
        for f in tmp.iterdir():
            if f.name != MARKER:
                os.replace(f, out / f.name)
    finally:
        delete_folder(tmp)
    return summary
