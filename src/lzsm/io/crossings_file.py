"""Diatomic-like crossing models from TOML (``lzsm crossings MODEL.toml``).

A model is a set of diabatic potential curves along one coordinate (an internuclear distance
R), each with a symmetry label (a term symbol such as ``Sigma_g+`` or ``Pi_u``), and couplings
between pairs of states.  Curves and couplings come from a small closed set of analytic forms:

=========== ================================================ ==========================
form        V(R)                                             parameters
=========== ================================================ ==========================
constant    ``value``                                        value
linear      ``value + slope (R - R0)``                       value, slope, R0 = 0
morse       ``offset + De (1 - exp(-a (R - Re)))^2``         De, Re, a, offset = 0
exponential ``offset + A exp(-b (R - R0))``                  A, b, R0 = 0, offset = 0
gaussian    ``offset + A exp(-((R - R0)/width)^2)``          A, R0, width, offset = 0
=========== ================================================ ==========================

Energies (value, slope x length, De, A, offset) are plain numbers in ``[units] energy`` or
strings with a unit (``"350 cm^-1"``); lengths (R0, Re, width) and inverse lengths (a, b) are
plain numbers in the coordinate's unit, which is a label only.  States of different symmetry
cannot couple (a coupling between them is an error); the symmetry operator of
:func:`lzsm.find_crossings` is built from the labels: diagonal in the diabatic basis,
one eigenvalue per distinct label.  Example: ``examples/diatomic_crossings.toml``.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lzsm.errors import LzsmValueError
from lzsm.geometry.crossings import CrossingTable, Symmetry, find_crossings
from lzsm.io.output import atomic_folder, read_toml
from lzsm.io.schema import Field, Reader, Table
from lzsm.models.base import Model
from lzsm.plot.geometry import plot_level_diagram

_LENGTH = Field("number")  # lengths, inverse lengths and energies per length: plain numbers
FORMS: dict[str, dict[str, Field]] = {
    "constant": {"value": Field("energy")},
    "linear": {"value": Field("energy"), "slope": _LENGTH, "R0": Field("number", 0.0)},
    "morse": {"De": Field("energy"), "Re": _LENGTH, "a": _LENGTH, "offset": Field("energy", 0.0)},
    "exponential": {"A": Field("energy"), "b": _LENGTH, "R0": Field("number", 0.0), "offset": Field("energy", 0.0)},
    "gaussian": {
        "A": Field("energy"),
        "R0": _LENGTH,
        "width": Field("number", low=0.0, low_open=True),
        "offset": Field("energy", 0.0),
    },
}
TOP = {"title": Field("text", "")}
SCHEMA: dict[str, dict[str, Field]] = {
    "coordinate": {
        "name": Field("text", "R"),
        "unit": Field("text", ""),
        "start": Field("number"),
        "stop": Field("number"),
        "num": Field("int", low=8, high=1_000_000),
        "velocity": Field("number", None, nonzero=True),
    },
    "crossings": {
        "resolution": Field("number", 1e-8, low=0.0, high=1.0, low_open=True, high_open=True),
        "contrast": Field("number", 1.5, low=1.0),
    },
}
_FORM = Field("text", choices=tuple(FORMS))


@dataclass(frozen=True)
class Curve:
    """One analytic function of R (a diabatic potential or a coupling)."""

    form: str
    params: tuple[tuple[str, float], ...]

    def _p(self) -> dict[str, float]:
        return dict(self.params)

    def value(self, r: np.ndarray) -> np.ndarray:
        p = self._p()
        if self.form == "constant":
            return np.full_like(r, p["value"])
        if self.form == "linear":
            return p["value"] + p["slope"] * (r - p["R0"])
        if self.form == "morse":
            return p["offset"] + p["De"] * (1.0 - np.exp(-p["a"] * (r - p["Re"]))) ** 2
        if self.form == "exponential":
            return p["offset"] + p["A"] * np.exp(-p["b"] * (r - p["R0"]))
        u = (r - p["R0"]) / p["width"]
        return p["offset"] + p["A"] * np.exp(-u * u)

    def derivative(self, r: np.ndarray) -> np.ndarray:
        p = self._p()
        if self.form == "constant":
            return np.zeros_like(r)
        if self.form == "linear":
            return np.full_like(r, p["slope"])
        if self.form == "morse":
            e = np.exp(-p["a"] * (r - p["Re"]))
            return 2.0 * p["De"] * p["a"] * (1.0 - e) * e
        if self.form == "exponential":
            return -p["b"] * p["A"] * np.exp(-p["b"] * (r - p["R0"]))
        u = (r - p["R0"]) / p["width"]
        return -2.0 * u / p["width"] * p["A"] * np.exp(-u * u)


@dataclass(frozen=True, eq=False)
class DiabaticCurves(Model):
    """``H(R)`` from diabatic potential curves (diagonal) and couplings (off-diagonal, real)."""

    curves: tuple[Curve, ...]
    couplings: tuple[tuple[int, int, Curve], ...]
    hbar: float = 1.0
    coordinate: str = "R"

    @property
    def n_levels(self) -> int:
        return len(self.curves)

    @property
    def batch_shape(self) -> tuple[int, ...]:
        return ()

    def point(self, index: tuple[int, ...]) -> DiabaticCurves:
        return self

    def _assemble(self, q: Any, derivative: bool) -> np.ndarray:
        r = np.asarray(q, dtype=float)
        h = np.zeros(r.shape + (self.n_levels, self.n_levels), dtype=complex)
        for i, c in enumerate(self.curves):
            h[..., i, i] = c.derivative(r) if derivative else c.value(r)
        for i, j, c in self.couplings:
            v = c.derivative(r) if derivative else c.value(r)
            h[..., i, j] = v
            h[..., j, i] = v
        return h

    def hamiltonian(self, q: Any) -> np.ndarray:
        return self._assemble(q, False)

    def hamiltonian_derivative(self, q: Any) -> np.ndarray:
        return self._assemble(q, True)


@dataclass
class CrossingsModel:
    """A validated crossings model file."""

    title: str
    model: DiabaticCurves
    names: tuple[str, ...]
    symmetry_labels: tuple[str, ...]
    path: np.ndarray
    coordinate_unit: str
    energy_unit: str
    time_unit: str
    velocity: float | None
    resolution: float
    contrast: float
    resolved: dict[str, Any] = field(default_factory=dict)

    def symmetry(self) -> Symmetry:
        """The symmetry operator built from the labels: diag(code of each state's label)."""
        distinct = list(dict.fromkeys(self.symmetry_labels))
        codes = [distinct.index(lab) for lab in self.symmetry_labels]
        return Symmetry("term", np.diag(np.array(codes, dtype=float)), dict(enumerate(distinct)))


def _curve(table: Table) -> Curve:
    """The analytic form of an item (its keys are checked once the form is known)."""
    form = table.get("form")
    table.check_keys(FORMS[form])
    table.reader.check_item_units(table)
    return Curve(form, tuple((key, table.get(key)) for key in FORMS[form]))


def load(path: str | os.PathLike) -> CrossingsModel:
    """Read and validate a crossings model file."""

    return from_dict(read_toml(path))


def from_dict(raw: dict[str, Any]) -> CrossingsModel:
    """Validate a parsed crossings model."""
    r = Reader(raw, SCHEMA, top=TOP, arrays=("state", "coupling"), units_default=("eV", "fs"))
    title = r.top.get("title")
    system = r.system
    if "coordinate" not in raw:
        raise LzsmValueError("the model needs a [coordinate] table: name, unit, start, stop, num (and velocity)")
    cname, cunit = r.get("coordinate", "name"), r.get("coordinate", "unit")
    if not cname:
        raise LzsmValueError("`coordinate.name` must be a non-empty text, got ''")
    start, stop = r.get("coordinate", "start"), r.get("coordinate", "stop")
    if not stop > start:
        raise LzsmValueError(f"`coordinate.stop` must be > `coordinate.start`, got [{start:g}, {stop:g}]")
    num = r.get("coordinate", "num")
    velocity = r.get("coordinate", "velocity")

    if len(r.items("state")) < 2:
        raise LzsmValueError("the model needs at least two [[state]] tables (name, symmetry, form, parameters)")
    names: list[str] = []
    labels, curves = [], []
    for k in range(len(r.items("state"))):
        t = r.item("state", k, {"name": Field("text", f"{k}"), "symmetry": Field("text"), "form": _FORM})
        name = t.get("name")
        if not name or name in names:
            raise LzsmValueError(f"`state[{k}].name` must be a new non-empty name, got {name!r}")
        t.key = t.label = f"state {name!r}"
        lab = t.get("symmetry")
        if not lab:
            raise LzsmValueError(f"`{t.key}.symmetry` must be a term symbol such as 'Sigma_g+' or 'Pi_u', got ''")
        names.append(name)
        labels.append(lab)
        curves.append(_curve(t))

    couplings = []
    seen = set()
    for k in range(len(r.items("coupling"))):
        t = r.item("coupling", k, {"states": Field("text", shape="pair"), "form": _FORM})
        pair = t.get("states")
        for p in pair:
            if p not in names:
                raise LzsmValueError(f"`coupling[{k}].states`: unknown state {p!r}; states are {', '.join(names)}")
        i, j = names.index(pair[0]), names.index(pair[1])
        if i == j:
            raise LzsmValueError(f"`coupling[{k}]` couples state {pair[0]!r} to itself; use its potential instead")
        if labels[i] != labels[j]:
            raise LzsmValueError(
                f"`coupling[{k}]`: states {pair[0]!r} ({labels[i]}) and {pair[1]!r} ({labels[j]}) "
                "have different symmetry and cannot couple; remove the coupling or relabel"
            )
        if (min(i, j), max(i, j)) in seen:
            raise LzsmValueError(f"`coupling[{k}]`: states {pair[0]!r} and {pair[1]!r} are coupled twice")
        seen.add((min(i, j), max(i, j)))
        t.key = t.label = f"coupling {pair[0]}-{pair[1]}"
        couplings.append((i, j, _curve(t)))

    resolution = r.get("crossings", "resolution")
    contrast = r.get("crossings", "contrast")
    model = DiabaticCurves(tuple(curves), tuple(couplings), r.hbar, cname)
    energy_unit = system.energy if system is not None else ""
    time_unit = system.time if system is not None else ""
    return CrossingsModel(
        title,
        model,
        tuple(names),
        tuple(labels),
        np.linspace(start, stop, num),
        cunit,
        energy_unit,
        time_unit,
        velocity,
        resolution,
        contrast,
        r.resolved,
    )


def analyse(cm: CrossingsModel) -> CrossingTable:
    """Find and classify the crossings of a crossings model."""
    return find_crossings(
        cm.model, cm.path, cm.symmetry(), velocity=cm.velocity, resolution=cm.resolution, contrast=cm.contrast
    )


def format_table(cm: CrossingsModel, table: CrossingTable) -> list[str]:
    """Readable lines: one per crossing, units in the header."""
    eu = f" [{cm.energy_unit}]" if cm.energy_unit else ""
    xu = f" [{cm.coordinate_unit}]" if cm.coordinate_unit else ""
    fu = f" [{cm.energy_unit or 'E'}/{cm.coordinate_unit or 'x'}]" if (cm.energy_unit or cm.coordinate_unit) else ""
    cname = cm.model.coordinate
    head = ["kind", f"{cname}{xu}", "levels", "symmetry", f"gap{eu}", f"V{eu}", f"F{fu}", "p_diabatic_stay"]
    rows = []
    for c in table:
        sym = c.symmetry_lower if c.symmetry_lower == c.symmetry_upper else f"{c.symmetry_lower} x {c.symmetry_upper}"
        rows.append(
            [
                c.kind,
                f"{c.x:.6g}",
                f"{c.level_lower}-{c.level_upper}",
                sym,
                f"{c.gap:.6g}",
                f"{c.coupling:.6g}",
                f"{c.slope_difference:.6g}",
                "-" if math.isnan(c.p_diabatic_stay) else f"{c.p_diabatic_stay:.6g}",
            ]
        )
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(head)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in rows]
    if not rows:
        lines.append("(no crossings on the path)")
    if cm.velocity is not None:
        vu = f" {cm.coordinate_unit or 'x'}/{cm.time_unit}" if cm.time_unit else ""
        lines.append(
            f"p_diabatic_stay = exp(-2 pi V^2/(hbar |F v|)) at v = {cm.velocity:g}{vu}, hbar = {cm.model.hbar:.6g}"
        )
    return lines


def figure(cm: CrossingsModel, table: CrossingTable, ax=None):
    """Level diagram with the diabatic curves dashed."""
    if ax is None:
        from matplotlib.figure import Figure

        ax = Figure(figsize=(6.4, 4.6), constrained_layout=True).subplots()
    h = cm.model.hamiltonian(cm.path)
    for k in range(cm.model.n_levels):
        ax.plot(cm.path, h[:, k, k].real, "--", color="0.6", lw=1, label="diabatic" if k == 0 else None)
    plot_level_diagram(table, ax=ax)
    xu = f" [{cm.coordinate_unit}]" if cm.coordinate_unit else ""
    ax.set_xlabel(f"{cm.model.coordinate}{xu}")
    ax.set_ylabel(f"energy [{cm.energy_unit}]" if cm.energy_unit else "energy")
    # repulsive walls reach very high energies at short R: show the outer half of the path in full
    e = table.energies
    lo = float(e.min())
    top = float(np.max(e[e.shape[0] // 2 :]))
    pad = 0.1 * (top - lo) if top > lo else 1.0
    ax.set_ylim(lo - 0.5 * pad, min(float(e.max()) + 0.5 * pad, top + 3 * pad))
    if cm.title:
        ax.set_title(cm.title, fontsize="medium")
    return ax


def run(cm: CrossingsModel, out_dir: str | os.PathLike | None, *, force: bool = False) -> CrossingTable:
    """Analyse the model; with ``out_dir`` write DIR/{crossings.nc, crossings.csv, level_diagram.png,
    model.json} atomically (assembled in a temporary sibling, then renamed: a failure leaves nothing)."""
    from lzsm.results import write_netcdf

    if out_dir is None:
        return analyse(cm)
    with atomic_folder(out_dir, force, kind="crossings") as tmp:
        table = analyse(cm)
        ds = table.to_xarray()
        ds.attrs["model"] = json.dumps(cm.resolved)
        ds.attrs["title"] = cm.title
        if cm.coordinate_unit:
            ds["x_path"].attrs["units"] = cm.coordinate_unit
            ds["x"].attrs["units"] = cm.coordinate_unit
        if cm.energy_unit:
            for v in ("energy", "gap", "coupling", "level_energy", "energy_by_symmetry"):
                ds[v].attrs["units"] = cm.energy_unit
        write_netcdf(ds, tmp / "crossings.nc")
        table.to_dataframe().to_csv(tmp / "crossings.csv")
        ax = figure(cm, table)
        ax.figure.savefig(tmp / "level_diagram.png", dpi=130)
        (tmp / "model.json").write_text(json.dumps(cm.resolved, indent=2))
    return table
