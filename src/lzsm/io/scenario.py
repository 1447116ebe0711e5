"""Scenario files (TOML): a model, a propagation and the figures, in physical units.

A scenario is read with :mod:`tomllib`, every key is checked (an unknown key is an error that
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
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
import numpy as np
from lzsm.closed_forms import landau_zener as analytic
from lzsm.io import units
from lzsm.io.output import atomic_folder, read_toml
from lzsm.errors import LzsmValueError
from lzsm.models.two_level import LandauZener
from lzsm.models.multilevel import LinearSweep
from lzsm.models.base import Model

SCHEMA: dict[str, dict[str, str]] = {
    "": {"title": "text", "units": "table", "model": "table", "evolve": "table", "sweep": "table",
         "figures": "table"},
    "units": {"energy": "text", "time": "text"},
    "model": {"kind": "text", "coupling": "energy", "sweep_rate": "sweep_rate", "hbar": "number",
              "constant": "energy-matrix", "slopes": "sweep_rate-vector"},
    "evolve": {"t_span": "time-pair", "initial": "any", "n_save": "int", "tol": "number"},
    "sweep": {"sweep_rate": "sweep_rate-range"},
    "figures": {"energies": "bool", "populations": "bool", "probability_vs_rate": "bool",
                "nonadiabatic_coupling": "bool"},
}
MODEL_KINDS = ("landau_zener", "linear_sweep")


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
    sweep_rates: np.ndarray | None
    figures: dict[str, bool]
    resolved: dict[str, Any] = field(default_factory=dict)


def _check_keys(table: dict, section: str) -> None:
    allowed = SCHEMA[section]
    for key in table:
        if key not in allowed:
            where = f"[{section}]" if section else "top level"
            raise LzsmValueError(f"unknown scenario key {key!r} at {where}; accepted: {', '.join(allowed)}")


def _unit_system(raw: dict[str, Any]) -> units.UnitSystem | None:
    """The [units] table as a UnitSystem (None: plain numbers in the user's own units)."""
    u = raw.get("units")
    if u is None:
        return None
    for key in ("energy", "time"):
        if key in u and not isinstance(u[key], str):
            raise LzsmValueError(f"`units.{key}` must be a unit name such as 'GHz' or 'ns', got {u[key]!r}")
    return units.UnitSystem(u.get("energy", "GHz"), u.get("time", "ns"))


def load(path: str | os.PathLike) -> Scenario:
    """Read and validate a scenario file."""
    return from_dict(read_toml(path))


def from_dict(raw: dict[str, Any]) -> Scenario:
    _check_keys(raw, "")
    for section in ("units", "model", "evolve", "sweep", "figures"):
        if section in raw and not isinstance(raw[section], dict):
            raise LzsmValueError(f"scenario key {section!r} must be a table [{section}]")
        _check_keys(raw.get(section, {}), section)
    system = _unit_system(raw)
    m = raw.get("model")
    if m is None:
        raise LzsmValueError("scenario needs a [model] table")
    kind = m.get("kind", "landau_zener")
    if kind not in MODEL_KINDS:
        raise LzsmValueError(f"`model.kind` must be one of {', '.join(MODEL_KINDS)}; got {kind!r}")
    if "hbar" in m and system is not None:
        raise LzsmValueError("`model.hbar` cannot be set together with [units]: hbar follows from the units")
    hbar = system.hbar if system is not None else units.parse(m.get("hbar", 1.0), "dimensionless", None, "model.hbar")
    if not hbar > 0:
        raise LzsmValueError(f"`model.hbar` must be > 0, got {hbar!r}")
    resolved: dict[str, Any] = {"title": raw.get("title", ""), "hbar": hbar}
    if system is not None:
        resolved["units"] = {"energy": system.energy, "time": system.time,
                             "sweep_rate": system.unit_of("sweep_rate")}
    if kind == "landau_zener":
        for key in ("coupling", "sweep_rate"):
            if key not in m:
                raise LzsmValueError(f"`model.{key}` is required for kind 'landau_zener'")
        v = units.parse(m["coupling"], "energy", system, "model.coupling")
        a = units.parse(m["sweep_rate"], "sweep_rate", system, "model.sweep_rate")
        model: Model = LandauZener(v, a, hbar)
        resolved["model"] = {"kind": kind, "coupling": v, "sweep_rate": a}
    else:
        for key in ("constant", "slopes"):
            if key not in m:
                raise LzsmValueError(f"`model.{key}` is required for kind 'linear_sweep'")
        rows = m["constant"]
        if not (isinstance(rows, list) and rows and all(isinstance(r, list) and len(r) == len(rows) for r in rows)):
            raise LzsmValueError("`model.constant` must be a square matrix given as a list of equal-length rows")
        if not isinstance(m["slopes"], list) or len(m["slopes"]) != len(rows):
            raise LzsmValueError(f"`model.slopes` must be a list of {len(rows)} diabatic slopes")
        const = np.array([[units.parse(x, "energy", system, "model.constant") for x in row] for row in rows])
        slopes = np.array([units.parse(x, "sweep_rate", system, "model.slopes") for x in m["slopes"]])
        model = LinearSweep(const, slopes, hbar)
        resolved["model"] = {"kind": kind, "constant": const.tolist(), "slopes": slopes.tolist()}
    e = raw.get("evolve", {})
    if "t_span" not in e:
        raise LzsmValueError("`evolve.t_span` is required, e.g. t_span = [-50, 50]")
    ts = e["t_span"]
    if not isinstance(ts, list) or len(ts) != 2:
        raise LzsmValueError(f"`evolve.t_span` must be a pair [t0, t1], got {ts!r}")
    t0, t1 = (units.parse(x, "time", system, "evolve.t_span") for x in ts)
    if not t1 > t0:
        raise LzsmValueError(f"`evolve.t_span` must be increasing, got [{t0}, {t1}]")
    n_save = e.get("n_save", 401)
    if not isinstance(n_save, int) or not 2 <= n_save <= 1_000_000:
        raise LzsmValueError(f"`evolve.n_save` must be an integer in 2..1000000, got {n_save!r}")
    tol = e.get("tol", 1e-10)
    if not isinstance(tol, (int, float)) or not 0 < tol < 1:
        raise LzsmValueError(f"`evolve.tol` must be a number in (0, 1), got {tol!r}")
    initial = e.get("initial", "diabatic 0")
    from lzsm._checks import initial_state

    try:
        initial_state(initial, model, t0)
    except (LzsmValueError, TypeError) as exc:
        raise LzsmValueError(f"`evolve.initial`: {exc}") from None
    resolved["evolve"] = {"t_span": [t0, t1], "initial": initial, "n_save": n_save, "tol": tol}
    sweep_rates = None
    if "sweep" in raw and "sweep_rate" in raw["sweep"]:
        if kind != "landau_zener":
            raise LzsmValueError("[sweep] sweep_rate applies to kind 'landau_zener' only")
        sweep_rates = units.parse_range(raw["sweep"]["sweep_rate"], "sweep_rate", system, "sweep.sweep_rate")
        if np.any(sweep_rates == 0):
            raise LzsmValueError("`sweep.sweep_rate` must be nonzero")
        resolved["sweep"] = {"sweep_rate": sweep_rates.tolist()}
    figs = {"energies": True, "populations": True, "probability_vs_rate": sweep_rates is not None,
            "nonadiabatic_coupling": True}
    for k, v in raw.get("figures", {}).items():
        if not isinstance(v, bool):
            raise LzsmValueError(f"`figures.{k}` must be true or false, got {v!r}")
        figs[k] = v
    if figs["probability_vs_rate"] and sweep_rates is None:
        raise LzsmValueError("`figures.probability_vs_rate` needs a [sweep] sweep_rate range")
    resolved["figures"] = figs
    return Scenario(raw.get("title", ""), system, hbar, model, (t0, t1), initial, n_save, float(tol),
                    sweep_rates, figs, resolved)


def _summary(sc: Scenario, ev, seconds: float) -> dict[str, Any]:
    out: dict[str, Any] = {
        "title": sc.title, "hbar": sc.hbar, "t_span": list(sc.t_span),
        "p_diabatic_stay": float(ev.p_diabatic_stay), "p_adiabatic_follow": float(ev.p_adiabatic_follow),
        "p_jump": float(ev.p_jump), "error_estimate": float(ev.error_estimate),
        "n_steps": int(ev.n_steps), "seconds": seconds,
    }
    if sc.system is not None:
        out["units"] = sc.resolved["units"]
    m = sc.model
    if isinstance(m, LandauZener):
        v, a = float(np.abs(m.coupling)), float(m.sweep_rate)
        t0, t1 = sc.t_span
        exact = analytic.finite_time_p_diabatic_stay(v, a, t1, t0, 0, sc.hbar)
        out.update({
            "adiabaticity_delta": float(analytic.adiabaticity(v, a, sc.hbar)),
            "minimum_gap": float(analytic.minimum_gap(v)),
            "lz_probability": float(analytic.lz_probability(v, a, sc.hbar)),
            "golden_rule_p_adiabatic_follow": float(analytic.golden_rule_probability(v, a, sc.hbar)),
            "regime": str(analytic.regime(v, a, sc.hbar)),
            "finite_time_exact_p_diabatic_stay": float(exact) if ev.initial_diabatic == 0 else None,
        })
        if ev.initial_diabatic == 0:
            out["abs_error_vs_exact"] = abs(float(ev.p_diabatic_stay) - float(exact))
    return out


def _axes(ncols: int = 1):
    """Axes on a figure that is not registered with pyplot (no global backend change)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(5.0 * ncols, 3.8), constrained_layout=True)
    ax = fig.subplots(1, ncols, sharey=ncols > 1)
    return ax


def run(sc: Scenario, out_dir: str | os.PathLike, *, force: bool = False, progress: bool | None = None) -> dict:
    """Run a scenario and write DIR/{scenario.json, evolution.nc, summary.json, *.png}.

    Refuses to overwrite an existing folder unless ``force``; writes nothing if it fails."""
    from lzsm.plot import crossing as plotting
    from lzsm.dynamics.coherent import evolve, write_netcdf

    with atomic_folder(out_dir, force) as tmp:
        start = time.perf_counter()
        t_save = np.linspace(*sc.t_span, sc.n_save)
        ev = evolve(sc.model, sc.t_span, sc.initial, t_save, tol=sc.tol, progress=progress)
        seconds = time.perf_counter() - start
        ds = ev.to_xarray()
        ds.attrs["scenario"] = json.dumps(sc.resolved)
        ds.attrs["hbar"] = sc.hbar
        if sc.system is not None:
            ds["t"].attrs["units"] = sc.system.time
        summary = _summary(sc, ev, seconds)
        if sc.sweep_rates is not None:
            m = sc.model
            assert isinstance(m, LandauZener)
            grid = LandauZener(np.abs(m.coupling), sc.sweep_rates, sc.hbar)
            sw = evolve(grid, sc.t_span, 0, tol=sc.tol, progress=progress)
            exact = analytic.finite_time_p_diabatic_stay(np.abs(m.coupling), sc.sweep_rates, sc.t_span[1],
                                                         sc.t_span[0], 0, sc.hbar)
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
            half = 12.0 * float(np.abs(m.coupling)) / abs(float(m.sweep_rate))
            tq = np.linspace(max(sc.t_span[0], -half), min(sc.t_span[1], half), 801)
        t_label = f"t [{sc.system.time}]" if sc.system is not None else "t"
        if sc.figures["energies"]:
            ax = plotting.plot_energies(m, tq, ax=_axes())
            ax.set_xlabel(t_label)
            if sc.system is not None:
                ax.set_ylabel(f"energy [{sc.system.energy}]")
            ax.figure.savefig(tmp / "energies.png", dpi=130)
        if sc.figures["populations"]:
            axes = plotting.plot_populations(ev, axes=_axes(2))
            for a_ in axes:
                a_.set_xlabel(t_label)
            axes[0].figure.savefig(tmp / "populations.png", dpi=130)
        if sc.figures["nonadiabatic_coupling"]:
            ax = plotting.plot_nonadiabatic_coupling(m, tq, ax=_axes())
            ax.set_xlabel(t_label)
            ax.figure.savefig(tmp / "nonadiabatic_coupling.png", dpi=130)
        if sc.figures["probability_vs_rate"] and sc.sweep_rates is not None:
            assert isinstance(m, LandauZener)
            ax = plotting.plot_probability_vs_rate(float(np.abs(m.coupling)), sc.sweep_rates, ax=_axes(), hbar=sc.hbar,
                                                   exact=(sc.sweep_rates, sw.p_diabatic_stay),
                                                   exact_label=f"lzsm.evolve, t in [{sc.t_span[0]:g}, {sc.t_span[1]:g}]")
            if sc.system is not None:
                ax.set_xlabel(f"sweep rate alpha [{sc.system.unit_of('sweep_rate')}]")
            ax.figure.savefig(tmp / "probability_vs_rate.png", dpi=130)
        (tmp / "scenario.json").write_text(json.dumps(sc.resolved, indent=2))
        (tmp / "summary.json").write_text(json.dumps(summary, indent=2))
    return summary


# --------------------------------------------------------------------------- interferometry maps
MAP_SCHEMA: dict[str, dict[str, str]] = {
    "": {"title": "text", "units": "table", "drive": "table", "map": "table"},
    "units": {"energy": "text", "time": "text"},
    "drive": {"gap": "energy", "offset": "energy-range", "amplitude": "energy-range",
              "frequency": "angular_frequency", "frequency_hz": "frequency_hz", "phase": "number",
              "shape": "text"},
    "map": {"n_periods": "int", "initial": "int", "tol": "number", "n_samples": "int", "chunk_points": "int"},
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
    for section, allowed in MAP_SCHEMA.items():
        table = raw if section == "" else raw.get(section, {})
        if not isinstance(table, dict):
            raise LzsmValueError(f"scenario key {section!r} must be a table [{section}]")
        for key in table:
            if key not in allowed:
                where = f"[{section}]" if section else "top level"
                raise LzsmValueError(f"unknown scenario key {key!r} at {where}; accepted: {', '.join(allowed)}")
    system = _unit_system(raw)
    hbar = system.hbar if system is not None else 1.0
    d = raw.get("drive")
    if d is None:
        raise LzsmValueError("map scenario needs a [drive] table")
    if "gap" not in d:
        raise LzsmValueError("`drive.gap` is required")
    gap = units.parse(d["gap"], "energy", system, "drive.gap")
    if ("frequency" in d) == ("frequency_hz" in d):
        raise LzsmValueError("give exactly one of `drive.frequency` (angular) and `drive.frequency_hz` (cycles)")
    freq = (units.parse(d["frequency"], "angular_frequency", system, "drive.frequency") if "frequency" in d
            else units.parse(d["frequency_hz"], "frequency_hz", system, "drive.frequency_hz"))
    if not freq > 0:
        raise LzsmValueError(f"the drive frequency must be > 0, got {freq}")
    phase = units.parse(d.get("phase", 0.0), "dimensionless", None, "drive.phase")
    shape = d.get("shape", "harmonic")
    if shape not in ("harmonic", "triangular"):
        raise LzsmValueError(f"`drive.shape` must be 'harmonic' or 'triangular', got {shape!r}")
    axes = {}
    for name in ("offset", "amplitude"):
        if name not in d:
            raise LzsmValueError(f"`drive.{name}` is required (a number, a list or a range table)")
        axes[name] = units.parse_range(d[name], "energy", system, f"drive.{name}")
    if np.any(axes["amplitude"] < 0):
        raise LzsmValueError("`drive.amplitude` must be >= 0")
    mp = raw.get("map", {})
    n_periods = mp.get("n_periods", 20)
    if n_periods == 0:
        n_periods = None  # 0 in the file means: the infinite-time average only
    if n_periods is not None and (not isinstance(n_periods, int) or n_periods < 1):
        raise LzsmValueError(f"`map.n_periods` must be a positive integer (0: infinite-time average), got {n_periods!r}")
    initial = mp.get("initial", 0)
    if initial not in (0, 1):
        raise LzsmValueError(f"`map.initial` must be the diabatic index 0 or 1, got {initial!r}")
    tol = mp.get("tol", 1e-10)
    if not isinstance(tol, (int, float)) or not 0 < tol < 1:
        raise LzsmValueError(f"`map.tol` must be a number in (0, 1), got {tol!r}")
    n_samples = mp.get("n_samples", "auto")
    if n_samples != "auto" and (not isinstance(n_samples, int) or n_samples < 8):
        raise LzsmValueError(f"`map.n_samples` must be an integer >= 8, got {n_samples!r}")
    chunk_points = mp.get("chunk_points", 4096)
    if not isinstance(chunk_points, int) or not 1 <= chunk_points <= 10**7:
        raise LzsmValueError(f"`map.chunk_points` must be an integer in 1..1e7, got {chunk_points!r}")
    resolved = {"title": raw.get("title", ""), "hbar": hbar, "gap": gap, "frequency": freq, "phase": phase,
                "shape": shape, "offset": axes["offset"].tolist(), "amplitude": axes["amplitude"].tolist(),
                "n_periods": n_periods, "initial": initial, "tol": tol, "n_samples": n_samples,
                "chunk_points": chunk_points}
    if system is not None:
        resolved["units"] = {"energy": system.energy, "time": system.time, "frequency": f"rad/{system.time}"}
    return MapScenario(raw.get("title", ""), system, hbar, gap, freq, phase, shape, axes, n_periods, initial,
                       float(tol), n_samples, chunk_points, resolved)


def run_map(ms: MapScenario, out_dir: str | os.PathLike, *, resume: bool = False, force: bool = False,
            scheduler: Any = None, progress: bool | None = None) -> dict:
    """Compute an interferometry map into ``DIR``: ``map.zarr`` (the resumable store, written as
    chunks finish), then ``map.nc``, ``interferometry.png`` (+ ``final_population.png``),
    ``scenario.json`` and ``summary.json`` once the map is complete."""
    from lzsm.dynamics.interferometry import interferometry_map
    from lzsm.plot.interferometry import plot_interferometry
    from lzsm.models.drives import PeriodicDrive

    out = Path(out_dir)
    store = out / "map.zarr"
    if out.exists() and not resume:
        if not force:
            raise LzsmValueError(f"output folder {str(out)!r} exists; use --resume to continue it or --force to replace it")
        shutil.rmtree(out)
    if resume and out.exists() and (out / "scenario.json").exists():
        stored = json.loads((out / "scenario.json").read_text())
        if stored != json.loads(json.dumps(ms.resolved)):
            diff = sorted(k for k in set(stored) | set(ms.resolved) if stored.get(k) != ms.resolved.get(k))
            raise LzsmValueError(f"cannot resume {str(out)!r}: the scenario differs in {', '.join(diff)}")
    out.mkdir(parents=True, exist_ok=True)
    (out / "scenario.json").write_text(json.dumps(ms.resolved, indent=2))
    model = PeriodicDrive(ms.gap, 0.0, 0.0, ms.frequency, ms.phase, ms.shape, ms.hbar)
    nx = len(ms.axes["amplitude"])
    rows = max(1, ms.chunk_points // nx)
    start = time.perf_counter()
    ds = interferometry_map(model, n_periods=ms.n_periods, initial=ms.initial, n_samples=ms.n_samples, tol=ms.tol,
                        chunks={"offset": rows, "amplitude": nx}, store=store, resume=True,
                        scheduler=scheduler, progress=progress, **ms.axes).to_xarray()
    seconds = time.perf_counter() - start
    tmp = Path(tempfile.mkdtemp(prefix=".final-", dir=out))
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
        summary = {"title": ms.title, "points": int(ds["p_upper_mean"].size), "seconds": seconds,
                   "max_p_upper_mean": float(ds["p_upper_mean"].max()),
                   "max_error_estimate": float(ds["error_estimate"].max()),
                   "n_samples_per_period": int(ds.attrs["n_samples_per_period"])}
        (tmp / "summary.json").write_text(json.dumps(summary, indent=2))
        for f in tmp.iterdir():
            os.replace(f, out / f.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return summary
