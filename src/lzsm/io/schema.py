"""One reader for every input file: scenario files, crossings model files, application files.

A schema declares the keys of each table as :class:`Field` s: a kind (a unit dimension of
:mod:`lzsm.io.units` — ``energy``, ``time``, ``sweep_rate``, ``angular_frequency``,
``frequency_hz``, ``dimensionless`` — or ``number``, ``int``, ``text``, ``bool``, ``list``,
``any``), a shape (``scalar``, ``pair``, ``list``, ``matrix``, ``range``), a default, bounds
(inclusive or exclusive) and choices.  :class:`Reader` checks a parsed TOML document against it:

- an unknown key is an error that names it and the accepted ones;
- ``[units]`` (``energy``, ``time``) sets the file's unit system; quantities with units are
  converted into it once, plain numbers are in it; without ``[units]`` a unit anywhere is an
  error naming the values with units and those without (:func:`lzsm.io.units.check_mixing`);
- every value is checked for its type and range, defaults included, and an error names the
  dotted key (``evolve.t_span``), the accepted range and the value received;
- every value read is recorded in ``Reader.resolved``: the file as it was used, every
  default filled in and every quantity a plain number in ``[units]``.  This is what
  ``scenario.json`` (``model.json``) records, and it reads back as the same configuration.

The reader reads on demand (``reader.get(section, key)``), so a runner states its bounds where
it uses a value; fields may carry bounds and defaults of their own.

Why not pydantic v2 models: a sketch of the scenario reader on pydantic took 77 lines for the
scenario tables alone (this module serves all three kinds of file in ~270), imports in 0.12 s,
and still needed a unit-converting validator per dimension (the file's ``[units]`` passed as
validation context), a translation of its messages error type by error type ("Input should be
greater than or equal to 2" states one bound, not the accepted range), and could not take the
bounds applications state where they read a value.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from lzsm.errors import LzsmTypeError, LzsmValueError
from lzsm.io import units

#: the default of a required field
REQUIRED: Any = ...
_UNSET: Any = object()
KINDS = (*units.DIMENSIONS, "number", "int", "text", "bool", "list", "any")
SHAPES = ("scalar", "pair", "list", "matrix", "range")


@dataclass(frozen=True)
class Field:
    """One key of a table: its kind, shape, default (``REQUIRED``: none), bounds and choices."""

    kind: str
    default: Any = REQUIRED
    shape: str = "scalar"
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    nonzero: bool = False
    choices: tuple[Any, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown field kind {self.kind!r}; accepted: {', '.join(KINDS)}")
        if self.shape not in SHAPES:
            raise ValueError(f"unknown field shape {self.shape!r}; accepted: {', '.join(SHAPES)}")

    @property
    def quantity(self) -> bool:
        """Whether values of this field may carry a unit."""
        return self.kind in units.DIMENSIONS and self.kind != "dimensionless"


def fields(spec: Mapping[str, str | Field]) -> dict[str, Field]:
    """A table's fields from ``{key: kind or Field}`` (the short form of application schemas)."""
    return {key: f if isinstance(f, Field) else Field(f) for key, f in spec.items()}


def _fmt(x: Any) -> str:
    if isinstance(x, float) and not isinstance(x, bool):
        return f"{x:g}"
    return str(x)


def accepted_range(kind: str, low: Any, high: Any, low_open: bool = False, high_open: bool = False) -> str:
    """The accepted range in words: ``'> 0 and <= 1'``, ``'an integer >= 2'``."""
    parts = []
    if low is not None:
        parts.append(f"{'>' if low_open else '>='} {_fmt(low)}")
    if high is not None:
        parts.append(f"{'<' if high_open else '<='} {_fmt(high)}")
    text = " and ".join(parts)
    return f"an integer {text}".rstrip() if kind == "int" else text


def _accepted(f: Field) -> str:
    """What ``f`` accepts, in words (an integer field's choices are alternative values)."""
    alternatives = "".join(f" or {c!r}" for c in f.choices) if f.kind == "int" else ""
    return accepted_range(f.kind, f.low, f.high, f.low_open, f.high_open) + alternatives


def check_range(name: str, x: float, f: Field) -> None:
    """``x`` finite and within ``f``'s bounds; the message states the whole accepted range."""
    if not math.isfinite(x):
        raise LzsmValueError(f"`{name}` must be finite, got {x!r}")
    below = f.low is not None and (x < f.low or (f.low_open and x == f.low))
    above = f.high is not None and (x > f.high or (f.high_open and x == f.high))
    if below or above:
        raise LzsmValueError(f"`{name}` must be {_accepted(f)}, got {_fmt(x)}")
    if f.nonzero and x == 0:
        raise LzsmValueError(f"`{name}` must be nonzero, got {_fmt(x)}")


def _jsonable(x: Any) -> Any:
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    return x


class Table:
    """One table of a file (a ``[section]``, an item of ``[[array]]`` or the top level).

    ``key`` prefixes the dotted names in messages (``'evolve'`` -> ``evolve.t_span``), ``label``
    names the table in unknown-key messages (``'[evolve]'``, ``"state 'X'"``)."""

    def __init__(
        self,
        reader: Reader,
        raw: dict[str, Any],
        spec: Mapping[str, Field],
        key: str,
        label: str,
        record: dict[str, Any],
    ) -> None:
        self.reader = reader
        self.raw = raw
        self.fields = dict(spec)
        self.key = key
        self.label = label
        self.record = record

    def check_keys(self, extra: Mapping[str, Field] | None = None) -> None:
        """Add ``extra`` fields and refuse any key of the table that is not a field."""
        self.fields.update(extra or {})
        for k in self.raw:
            if k not in self.fields:
                where = "at top level" if self.label == "top level" else f"in {self.label}"
                raise LzsmValueError(f"unknown key {k!r} {where}; accepted: {', '.join(self.fields)}")

    def name(self, key: str) -> str:
        return f"{self.key}.{key}" if self.key else key

    def has(self, key: str) -> bool:
        return key in self.raw

    def get(self, key: str, default: Any = _UNSET, *, shape: str | None = None, **bounds: Any) -> Any:
        """``key``'s value, converted into the file's units and checked; a default (the field's,
        or ``default``) goes through the same reading and checks.  A default of None means
        "not given": None is returned and nothing is recorded.  ``bounds``: ``low``, ``high``,
        ``low_open``, ``high_open``, ``nonzero``, ``choices`` (override the field's)."""
        name = self.name(key)
        f = self.fields[key]
        f = replace(f, shape=shape or f.shape, **bounds)
        if key in self.raw:
            value = self.raw[key]
        else:
            value = f.default if default is _UNSET else default
            if value is REQUIRED:
                raise LzsmValueError(f"`{name}` is required")
            if value is None:
                return None
        out = self._read(f, value, name)
        # recorded as a plain number of the file: a frequency in cycles is returned in rad per time unit
        self.record[key] = _jsonable(np.asarray(out) / (2 * math.pi) if f.kind == "frequency_hz" else out)
        return out

    def _read(self, f: Field, value: Any, name: str) -> Any:
        if f.shape == "range":
            spec = value.tolist() if isinstance(value, np.ndarray) else value
            vals = units.parse_range(spec, "dimensionless" if f.kind == "number" else f.kind, self.reader.system, name)
            for x in vals:
                check_range(name, float(x), f)
            return vals
        if f.shape == "pair":
            if not isinstance(value, list) or len(value) != 2:
                raise LzsmValueError(f"`{name}` must be a pair [a, b], got {value!r}")
            return [self._scalar(f, v, name) for v in value]
        if f.shape == "list":
            if not isinstance(value, list) or not value:
                raise LzsmValueError(f"`{name}` must be a non-empty list, got {value!r}")
            return [self._scalar(f, v, name) for v in value]
        if f.shape == "matrix":
            if not (
                isinstance(value, list) and value and all(isinstance(r, list) and len(r) == len(value) for r in value)
            ):
                raise LzsmValueError(
                    f"`{name}` must be a square matrix given as a list of equal-length rows, got {value!r}"
                )
            return [[self._scalar(f, v, name) for v in row] for row in value]
        return self._scalar(f, value, name)

    def _scalar(self, f: Field, value: Any, name: str) -> Any:
        kind = f.kind
        if kind == "any":
            return value
        if kind == "text":
            if not isinstance(value, str):
                raise LzsmValueError(f"`{name}` must be text, got {value!r}")
            if f.choices and value not in f.choices:
                raise LzsmValueError(f"`{name}` must be one of {', '.join(map(str, f.choices))}; got {value!r}")
            return value
        if kind == "bool":
            if not isinstance(value, bool):
                raise LzsmValueError(f"`{name}` must be true or false, got {value!r}")
            return value
        if kind == "list":
            if not isinstance(value, list):
                raise LzsmValueError(f"`{name}` must be a list, got {value!r}")
            return value
        if kind == "int":
            if isinstance(value, bool) or not isinstance(value, numbers.Integral):
                if value in f.choices:
                    return value
                raise LzsmValueError(f"`{name}` must be {_accepted(f)}, got {value!r}")
            x: Any = int(value)
        else:
            x = units.parse(value, "dimensionless" if kind == "number" else kind, self.reader.system, name)
        check_range(name, x, f)
        return x


class Reader:
    """A parsed TOML document checked against a schema.

    ``sections``: ``{name: {key: Field}}`` for the ``[name]`` tables; ``top``: fields of the top
    level; ``arrays``: names of ``[[name]]`` arrays of tables, read item by item with
    :meth:`item`.  ``units_default``: the (energy, time) units a ``[units]`` table leaves out.
    ``what`` qualifies the top-level unknown-key message (``"of application 'lz_gate'"``)."""

    def __init__(
        self,
        raw: Any,
        sections: Mapping[str, Mapping[str, Field]],
        *,
        top: Mapping[str, Field] | None = None,
        arrays: tuple[str, ...] = (),
        units_default: tuple[str, str] = ("GHz", "ns"),
        what: str = "",
    ) -> None:
        if not isinstance(raw, dict):
            raise LzsmTypeError(f"a scenario must be a TOML table, got {type(raw).__name__}")
        self.raw = raw
        self.resolved: dict[str, Any] = {}
        top = dict(top or {})
        accepted = [*top, "units", *sections, *arrays]
        for key in raw:
            if key not in accepted:
                where = f"at top level {what}".rstrip()
                raise LzsmValueError(f"unknown key {key!r} {where}; accepted: {', '.join(accepted)}")
        for name in ("units", *sections):
            if name in raw and not isinstance(raw[name], dict):
                raise LzsmValueError(f"`{name}` must be a table [{name}], got {raw[name]!r}")
        for name in arrays:
            if name in raw and not (isinstance(raw[name], list) and all(isinstance(t, dict) for t in raw[name])):
                raise LzsmValueError(f"`{name}` must be an array of [[{name}]] tables, got {raw[name]!r}")
        self.top = Table(self, {k: v for k, v in raw.items() if k in top}, top, "", "top level", self.resolved)
        self.system = self._unit_system(units_default)
        self.sections: dict[str, Table] = {}
        for name, spec in sections.items():
            table = Table(self, raw.get(name, {}), spec, name, f"[{name}]", {})
            table.check_keys()
            self.sections[name] = table
        if self.system is None:
            found = [(t.name(k), v) for t in self.sections.values() for k, v in t.raw.items() if t.fields[k].quantity]
            units.check_mixing(found, "declare the unit system in a [units] table (energy, time)", infer=False)

    def _unit_system(self, default: tuple[str, str]) -> units.UnitSystem | None:
        u = self.raw.get("units")
        if u is None:
            return None
        table = Table(
            self, u, {"energy": Field("text", default[0]), "time": Field("text", default[1])}, "units", "[units]", {}
        )
        table.check_keys()
        for key in ("energy", "time"):
            if key in u and not isinstance(u[key], str):
                raise LzsmValueError(
                    f"`units.{key}` must be a unit name such as {default[0]!r} or {default[1]!r}, got {u[key]!r}"
                )
        system = units.UnitSystem(table.get("energy"), table.get("time"))
        self.resolved["units"] = table.record
        return system

    @property
    def hbar(self) -> float:
        """hbar in the file's unit system (1 without [units])."""
        return self.system.hbar if self.system is not None else 1.0

    def section(self, name: str) -> Table:
        table = self.sections[name]
        if table.record is not self.resolved.get(name):
            self.resolved[name] = table.record
        return table

    def has(self, section: str, key: str) -> bool:
        return self.sections[section].has(key)

    def get(self, section: str, key: str, default: Any = _UNSET, **bounds: Any) -> Any:
        """``[section] key`` converted and checked (see :meth:`Table.get`)."""
        return self.section(section).get(key, default, **bounds)

    def get_range(self, section: str, key: str, default: Any = _UNSET, **bounds: Any) -> np.ndarray:
        """A list, a ``{start, stop, num, scale}`` table or a single value -> 1-D array."""
        return self.section(section).get(key, default, shape="range", **bounds)

    def items(self, name: str) -> list[dict[str, Any]]:
        """The raw tables of the ``[[name]]`` array (empty if absent)."""
        return list(self.raw.get(name, []))

    def item(self, name: str, index: int, spec: Mapping[str, Field]) -> Table:
        """Item ``index`` of ``[[name]]`` as a table named ``name[index]``; its keys are checked
        by :meth:`Table.check_keys` once the caller knows them all (they may depend on a value)."""
        record: dict[str, Any] = {}
        self.resolved.setdefault(name, []).append(record)
        return Table(self, self.raw[name][index], spec, f"{name}[{index}]", f"{name}[{index}]", record)

    def check_item_units(self, table: Table) -> None:
        """The mixing rule for an item whose fields were completed after the reader was made."""
        if self.system is None:
            found = [(table.name(k), v) for k, v in table.raw.items() if table.fields[k].quantity]
            units.check_mixing(found, "declare the unit system in a [units] table (energy, time)", infer=False)
