"""Registry, configuration reading and atomic output for application scenarios.

An application module registers a runner::

    @register("zener_breakdown", schema={"lattice": {...}, "sweep": {...}}, doc="docs/zener_breakdown.md")
    def zener_breakdown(cfg: Config, out: Path) -> dict: ...

``schema`` maps section name -> {key: kind or :class:`lzsm.io.schema.Field`}; a kind is one of
the unit dimensions of :mod:`lzsm.io.units` (``energy``, ``time``, ``sweep_rate``,
``angular_frequency``, ``frequency_hz``, ``dimensionless``) or ``number``, ``text``, ``int``,
``bool``, ``any``, ``list``.  Quantities in a field's own units (recoil energies, gauss, G/ms,
...) are read as ``number`` s or ``text`` and converted by the application, which says so.  The
file is read by :class:`Config`, the one reader of :mod:`lzsm.io.schema`; the runner states
each value's bounds where it reads it (``cfg.get("qubit", "gap", low=0.0, low_open=True)``).

The runner writes its files into ``out`` (a temporary folder) and returns a JSON-able summary
with the key numbers; :func:`run` adds ``summary.json`` and ``scenario.json`` (the resolved
configuration: every value the runner read, defaults included, in the file's units) and
renames the folder into place.
"""

from __future__ import annotations

import importlib
import json
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from lzsm.errors import LzsmValueError
from lzsm.io.output import atomic_folder, read_toml
from lzsm.io.schema import Field, Reader, fields

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


@dataclass(frozen=True)
class Application:
    """A registered application: its name, schema and runner."""

    name: str
    schema: dict[str, dict[str, str]]
    runner: Callable[[Config, Path], dict]
    doc: str = ""


APPLICATIONS: dict[str, Application] = {}


def register(name: str, schema: dict[str, dict[str, str]], doc: str = ""):
    """Decorator registering ``runner(cfg, out) -> summary`` as application ``name``."""

    def deco(fn):
        for section, keys in schema.items():
            try:
                fields(keys)
            except ValueError as exc:
                raise ValueError(f"schema {name}.{section}: {exc}") from None
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


class Config(Reader):
    """An application file read against its schema (:class:`lzsm.io.schema.Reader`):
    ``get``/``get_range``/``has`` name the key in every error, and every value read is
    recorded in ``resolved`` (written as ``scenario.json``)."""

    def __init__(self, raw: dict[str, Any], app: Application):
        super().__init__(
            raw,
            {section: fields(keys) for section, keys in app.schema.items()},
            top={"application": Field("text"), "title": Field("text", app.name)},
            what=f"of application {app.name!r}",
        )
        self.app = app
        self.top.get("application")
        self.title: str = self.top.get("title")


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
    """Validate and run an application scenario; write ``DIR/{data.nc, *.png, summary.json, scenario.json}``.

    Refuses to overwrite an existing folder unless ``force``; a failure leaves nothing behind."""
    name = raw.get("application")
    if not isinstance(name, str):
        raise LzsmValueError(f"`application` must be a name such as 'zener_breakdown', got {name!r}")
    app = _lookup(name)
    cfg = Config(raw, app)  # validate before touching the disk
    with atomic_folder(out_dir, force, kind=name) as tmp:
        start = time.perf_counter()
        summary = dict(app.runner(cfg, tmp))
        summary = {"application": name, "title": cfg.title, **summary, "seconds": time.perf_counter() - start}
        (tmp / "summary.json").write_text(json.dumps(_jsonable(summary), indent=2))
        (tmp / "scenario.json").write_text(json.dumps(_jsonable(cfg.resolved), indent=2))
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
