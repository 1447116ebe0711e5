"""Registry, configuration reading and atomic output for application scenarios.

An application module registers a runner::

    @register("zener_breakdown", schema={"lattice": {...}, "sweep": {...}}, doc="docs/zener_breakdown.md")
    def zener_breakdown(cfg: Config, out: Path) -> dict: ...

``schema`` maps section name -> {key: dimension}; a dimension is one of the unit dimensions
of :mod:`lzsm.units` (``energy``, ``time``, ``sweep_rate``, ``angular_frequency``,
``frequency_hz``, ``dimensionless``) or ``text``, ``int``, ``bool``, ``any``, ``list``.
Quantities in a field's own units (recoil energies, gauss, G/ms, ...) are read as
``dimensionless`` numbers or ``text`` and converted by the application, which says so.

The runner writes its files into ``out`` (a temporary folder) and returns a JSON-able summary
with the key numbers; :func:`run` adds ``summary.json`` and ``scenario.json`` and renames the
folder into place.
"""

from __future__ import annotations

import importlib
import json
import math
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from lzsm.io import units
from lzsm.io.output import atomic_folder, read_toml
from lzsm.errors import LzsmValueError

#: application name -> module that registers it (imported lazily, on first use)
_MODULES: dict[str, str] = {
    "zener_breakdown": "solids",
    "feshbach_association": "cold_atoms",
    "nonlinear_lz": "cold_atoms",
    "flux_qubit_spectroscopy": "qubits",
    "lz_gate": "qubits",
    "adiabatic_grover": "adiabatic_computing",
    "electron_transfer": "chemistry",
    "nacl_photodissociation": "chemistry",
}

_NON_UNIT = ("text", "int", "bool", "any", "list", "number")


@dataclass(frozen=True)
class Application:
    """A registered application: its name, schema and runner."""

    name: str
    schema: dict[str, dict[str, str]]
    runner: Callable[["Config", Path], dict]
    doc: str = ""


APPLICATIONS: dict[str, Application] = {}


def register(name: str, schema: dict[str, dict[str, str]], doc: str = ""):
    """Decorator registering ``runner(cfg, out) -> summary`` as application ``name``."""

    def deco(fn):
        for section, keys in schema.items():
            for key, dim in keys.items():
                if dim not in units.DIMENSIONS and dim not in _NON_UNIT:
                    raise ValueError(f"schema {name}.{section}.{key}: unknown dimension {dim!r}")
        APPLICATIONS[name] = Application(name, schema, fn, doc)
        return fn

    return deco


def _lookup(name: str) -> Application:
    if name in APPLICATIONS:
        return APPLICATIONS[name]
    if name not in _MODULES:
        raise LzsmValueError(f"unknown application {name!r}; accepted: {', '.join(sorted(_MODULES))}")
    if name not in APPLICATIONS:
        importlib.import_module(f"{__package__}.{_MODULES[name]}")
    return APPLICATIONS[name]


class Config:
    """A validated scenario table with unit-aware getters that name the key in every error."""

    def __init__(self, raw: dict[str, Any], app: Application):
        if not isinstance(raw, dict):
            raise LzsmValueError("a scenario must be a TOML table")
        top = {"application", "title", "units"} | set(app.schema)
        for key in raw:
            if key not in top:
                raise LzsmValueError(f"unknown key {key!r} at top level of application {app.name!r}; "
                                     f"accepted: {', '.join(sorted(top))}")
        for section, keys in app.schema.items():
            table = raw.get(section, {})
            if not isinstance(table, dict):
                raise LzsmValueError(f"`{section}` must be a table [{section}]")
            for key in table:
                if key not in keys:
                    raise LzsmValueError(f"unknown key {key!r} in [{section}]; accepted: {', '.join(keys)}")
        u = raw.get("units")
        if u is not None:
            if not isinstance(u, dict) or set(u) - {"energy", "time"}:
                raise LzsmValueError("[units] accepts only `energy` and `time` unit names")
            self.system: units.UnitSystem | None = units.UnitSystem(u.get("energy", "GHz"), u.get("time", "ns"))
        else:
            self.system = None
        self.raw = raw
        self.app = app
        self.title = str(raw.get("title", app.name))

    @property
    def hbar(self) -> float:
        """hbar in the scenario's unit system (1 without [units])."""
        return self.system.hbar if self.system is not None else 1.0

    def has(self, section: str, key: str) -> bool:
        return key in self.raw.get(section, {})

    def get(self, section: str, key: str, default: Any = ..., *, low: float | None = None,
            high: float | None = None, low_open: bool = False, high_open: bool = False) -> Any:
        """The value of ``[section] key`` in the scenario's units, range-checked.

        ``low``/``high`` bound numbers (``low_open``/``high_open``: strict bounds)."""
        name = f"{section}.{key}"
        dim = self.app.schema[section][key]
        table = self.raw.get(section, {})
        if key not in table:
            if default is ...:
                raise LzsmValueError(f"`{name}` is required")
            return default
        v = table[key]
        if dim == "text":
            if not isinstance(v, str):
                raise LzsmValueError(f"`{name}` must be text, got {v!r}")
            return v
        if dim == "bool":
            if not isinstance(v, bool):
                raise LzsmValueError(f"`{name}` must be true or false, got {v!r}")
            return v
        if dim in ("any", "list"):
            if dim == "list" and not isinstance(v, list):
                raise LzsmValueError(f"`{name}` must be a list, got {v!r}")
            return v
        if dim == "int":
            if isinstance(v, bool) or not isinstance(v, int):
                raise LzsmValueError(f"`{name}` must be an integer, got {v!r}")
            x: float = v
        else:
            x = units.parse(v, "dimensionless" if dim == "number" else dim, self.system, name)
        _check_range(name, x, low, high, low_open, high_open)
        return x

    def get_range(self, section: str, key: str, default: Any = ..., *, low: float | None = None,
                  high: float | None = None, low_open: bool = False, high_open: bool = False) -> np.ndarray:
        """A list, a ``{start, stop, num, scale}`` table or a single value -> 1-D array.

        A default takes any of these forms too and goes through the same reading and checks."""
        name = f"{section}.{key}"
        table = self.raw.get(section, {})
        if key in table:
            spec = table[key]
        elif default is ...:
            raise LzsmValueError(f"`{name}` is required")
        else:
            spec = default.tolist() if isinstance(default, np.ndarray) else default
        dim = self.app.schema[section][key]
        vals = units.parse_range(spec, "dimensionless" if dim == "number" else dim, self.system, name)
        for x in vals:
            _check_range(name, float(x), low, high, low_open, high_open)
        return vals


def _check_range(name: str, x: float, low, high, low_open: bool, high_open: bool = False) -> None:
    """``x`` finite and within the bounds; the message states the whole accepted range."""
    if not math.isfinite(x):
        raise LzsmValueError(f"`{name}` must be finite, got {x!r}")
    below = low is not None and (x < low or (low_open and x == low))
    above = high is not None and (x > high or (high_open and x == high))
    if below or above:
        parts = []
        if low is not None:
            parts.append(f"{'>' if low_open else '>='} {low:g}")
        if high is not None:
            parts.append(f"{'<' if high_open else '<='} {high:g}")
        raise LzsmValueError(f"`{name}` must be {' and '.join(parts)}, got {x:g}")


def is_application(raw: dict[str, Any]) -> bool:
    """Whether a parsed TOML table is an application scenario (has ``application = ...``)."""
    return isinstance(raw, dict) and "application" in raw


def _jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.ndarray):
        return _jsonable(x.tolist())
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


def run(raw: dict[str, Any], out_dir: str | os.PathLike, *, force: bool = False) -> dict:
    """Validate and run an application scenario; write DIR/{data.nc, *.png, summary.json, scenario.json}.

    Refuses to overwrite an existing folder unless ``force``; a failure leaves nothing behind."""
    name = raw.get("application")
    if not isinstance(name, str):
        raise LzsmValueError(f"`application` must be a name such as 'zener_breakdown', got {name!r}")
    app = _lookup(name)
    cfg = Config(raw, app)  # validate before touching the disk
    with atomic_folder(out_dir, force) as tmp:
        start = time.perf_counter()
        summary = dict(app.runner(cfg, tmp))
        summary = {"application": name, "title": cfg.title, **summary,
                   "seconds": time.perf_counter() - start}
        (tmp / "summary.json").write_text(json.dumps(_jsonable(summary), indent=2))
        (tmp / "scenario.json").write_text(json.dumps(_jsonable(raw), indent=2))
    return summary


def run_file(path: str | os.PathLike, out_dir: str | os.PathLike, *, force: bool = False) -> dict:
    """:func:`run` on a TOML file."""
    return run(read_toml(path), out_dir, force=force)


def new_figure(ncols: int = 1, nrows: int = 1, width: float = 5.0, height: float = 3.8):
    """A matplotlib Figure not registered with pyplot, and its axes."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width * ncols, height * nrows), constrained_layout=True)
    return fig, fig.subplots(nrows, ncols)


def write_dataset(ds, path: str | os.PathLike) -> None:
    """NetCDF via lzsm's writer (h5netcdf; complex variables allowed)."""
    from lzsm.dynamics.coherent import write_netcdf

    write_netcdf(ds, path)
