"""Physical units at the boundary (CLI, input files, the Python API): parsed once, converted once.

Inside lzsm every quantity is a plain float in a consistent *unit system*: an energy unit and a
time unit, with ``hbar`` expressed in them (hbar is explicit, never a hidden 1).  For example
in ``UnitSystem("GHz", "ns")`` energies are E/h in GHz, times in ns, sweep rates in GHz/ns and
``hbar = 1/(2 pi)``, so that ``P_LZ = exp(-4 pi^2 V_GHz^2 / alpha_GHz/ns)``.  In
``UnitSystem("hartree", "au")`` (atomic units) ``hbar = 1``.

Drive frequencies: ``angular_frequency`` in rad per time (``"31.4 rad/ns"`` or ``"1/ns"``) and
``frequency_hz`` in cycles (``"0.27 GHz"``); both convert to rad per time unit.

Units of a unit system — energy: J, eV, meV, ueV (µeV), Hz, kHz, MHz, GHz, THz (as E/h),
cm^-1 (cm-1, as E/(hc)), hartree (Ha, Eh), K, mK (as E/k_B); time: s, ms, us (µs), ns, ps,
fs, as, au (hbar/E_h).  These, and an energy unit over a time unit for a sweep rate
(``"GHz/ns"``, ``"eV/fs"``), are read from a table with the CODATA constants of
:mod:`scipy.constants`.

Any other unit expression of an energy, a time or a sweep rate (``"0.3 GHz*h"``,
``"2 hbar/ns"``, ``"5 1/cm"``, ``"40 neV"``, ``"3 MHz^2"``) is read by `pint
<https://pint.readthedocs.io>`_, loaded on the first such expression (its registry costs
~0.3 s, which the common units above never pay).  In these expressions ``h`` is Planck's
constant (hours are ``hr``), ``hbar`` is h/2pi, ``Ha`` the hartree; a frequency f stands for the
energy h f, a wavenumber for h c/lambda and a temperature for k_B T, as in the table.  A pint
``Quantity`` is accepted wherever a value of an input is (``parse(ureg("0.1 GHz"), ...)``, the
dictionaries of scenarios and applications); the computing functions take plain numbers in the
model's units and refuse a Quantity rather than drop its unit.

Plain numbers and unit strings never mix silently (:func:`check_mixing`): without a declared
unit system (``[units]`` in a file, ``--units`` on the command line) values either all carry
units or none does; with one, plain numbers are in its units.
"""

from __future__ import annotations

import functools
import math
import numbers
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import constants as _c

from lzsm._checks import MAX_GRID_POINTS, grid_points
from lzsm.errors import LzsmValueError

_E_H = _c.physical_constants["Hartree energy"][0]

ENERGY_UNITS: dict[str, float] = {
    "J": 1.0,
    "eV": _c.e,
    "meV": 1e-3 * _c.e,
    "ueV": 1e-6 * _c.e,
    "µeV": 1e-6 * _c.e,
    "Hz": _c.h,
    "kHz": 1e3 * _c.h,
    "MHz": 1e6 * _c.h,
    "GHz": 1e9 * _c.h,
    "THz": 1e12 * _c.h,
    "cm^-1": _c.h * _c.c * 100.0,
    "cm-1": _c.h * _c.c * 100.0,
    "hartree": _E_H,
    "Ha": _E_H,
    "Eh": _E_H,
    "K": _c.k,
    "mK": 1e-3 * _c.k,
}
TIME_UNITS: dict[str, float] = {
    "s": 1.0,
    "ms": 1e-3,
    "us": 1e-6,
    "µs": 1e-6,
    "ns": 1e-9,
    "ps": 1e-12,
    "fs": 1e-15,
    "as": 1e-18,
    "au": _c.hbar / _E_H,
}
DIMENSIONS = ("energy", "time", "sweep_rate", "angular_frequency", "frequency_hz", "dimensionless")
HZ_UNITS = {"Hz": 1.0, "kHz": 1e3, "MHz": 1e6, "GHz": 1e9, "THz": 1e12}

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_QUANTITY = re.compile(rf"^\s*({_NUMBER})\s*(.*?)\s*$")
#: pint definitions on top of its defaults: the physicist's h, and the hartree's short name
_PINT_DEFINITIONS = ("h = planck_constant", "Ha = hartree")


@dataclass(frozen=True)
class UnitSystem:
    """An energy unit and a time unit; ``hbar`` follows from them."""

    energy: str = "GHz"
    time: str = "ns"

    def __post_init__(self) -> None:
        if self.energy not in ENERGY_UNITS:
            raise LzsmValueError(f"unknown energy unit {self.energy!r}; accepted: {', '.join(ENERGY_UNITS)}")
        if self.time not in TIME_UNITS:
            raise LzsmValueError(f"unknown time unit {self.time!r}; accepted: {', '.join(TIME_UNITS)}")

    @classmethod
    def from_text(cls, text: str) -> UnitSystem:
        """``'ENERGY,TIME'`` (the ``--units`` option); the time unit defaults to ns."""
        energy, _, time = text.partition(",")
        return cls(energy.strip(), time.strip() or "ns")

    @property
    def hbar(self) -> float:
        """hbar in (energy unit) x (time unit)."""
        return _c.hbar / (ENERGY_UNITS[self.energy] * TIME_UNITS[self.time])

    def unit_of(self, dimension: str) -> str:
        return {
            "energy": self.energy,
            "time": self.time,
            "sweep_rate": f"{self.energy}/{self.time}",
            "dimensionless": "",
        }[dimension]

    def si_factor(self, dimension: str) -> float:
        """One unit of ``dimension`` (energy, time or sweep_rate) of this system in SI units."""
        return {
            "energy": ENERGY_UNITS[self.energy],
            "time": TIME_UNITS[self.time],
            "sweep_rate": ENERGY_UNITS[self.energy] / TIME_UNITS[self.time],
        }[dimension]


def _table_dimension(unit: str) -> tuple[str, float] | None:
    """Dimension and SI factor of a unit of the table (or energy/time), None if it is not one."""
    if unit in ENERGY_UNITS:
        return "energy", ENERGY_UNITS[unit]
    if unit in TIME_UNITS:
        return "time", TIME_UNITS[unit]
    num, slash, den = unit.partition("/")
    if slash and num in ENERGY_UNITS and den in TIME_UNITS:
        return "sweep_rate", ENERGY_UNITS[num] / TIME_UNITS[den]
    return None


@functools.cache
def _registry() -> Any:
    """pint's unit registry with lzsm's definitions (imported on first use: it costs ~0.3 s)."""
    import pint

    reg: pint.UnitRegistry[Any] = pint.UnitRegistry(on_redefinition="ignore")
    for definition in _PINT_DEFINITIONS:
        reg.define(definition)
    return reg


@functools.cache
def _pint_dimension(unit: str) -> tuple[str, float]:
    """Dimension and SI factor of a pint unit expression: energies (with frequencies as E/h,
    wavenumbers as E/(hc) and temperatures as E/k_B), times and energies per time; any other
    dimension is returned by name with factor NaN."""
    import pint

    reg = _registry()
    try:
        q = reg.parse_expression(unit)
    except pint.UndefinedUnitError as exc:
        raise LzsmValueError(
            f"unknown unit {unit!r} ({exc}): use an energy unit ({', '.join(ENERGY_UNITS)}), a time unit "
            f"({', '.join(TIME_UNITS)}), energy/time for a sweep rate, or a pint expression such as "
            "'GHz*h'"
        ) from None
    except Exception:  # pint's parser raises assorted errors on malformed expressions
        raise LzsmValueError(f"cannot read the unit {unit!r}") from None
    if not isinstance(q, reg.Quantity):  # a bare number such as '2'
        raise LzsmValueError(f"cannot read the unit {unit!r}")

    def energy_si(x: Any) -> float | None:
        for to_energy, dims in (
            (1.0, "[energy]"),
            (reg.planck_constant, "1/[time]"),
            (reg.planck_constant * reg.speed_of_light, "1/[length]"),
            (reg.boltzmann_constant, "[temperature]"),
        ):
            if x.check(dims):
                return float((x * to_energy).to("J").magnitude)
        return None

    try:
        if (e := energy_si(q)) is not None:
            return "energy", e
        if q.check("[time]"):
            return "time", float(q.to("s").magnitude)
        if (e := energy_si(q * reg.second)) is not None:
            return "sweep_rate", e
        if q.dimensionless:
            return "dimensionless", float(q.to("").magnitude)
    except pint.PintError as exc:  # e.g. offset temperatures (degC), which have no energy
        raise LzsmValueError(f"cannot convert the unit {unit!r}: {exc}") from None
    return f"a quantity of dimension {q.dimensionality}", math.nan


def _article(dimension: str) -> str:
    if dimension.startswith("a "):
        return dimension
    if dimension == "dimensionless":
        return "a pure number"
    words = dimension.replace("_", " ")
    return ("an " if words[0] in "aeiou" else "a ") + words


def _is_quantity(value: Any) -> bool:
    """A pint Quantity (from any registry), recognised without importing pint."""
    return hasattr(value, "magnitude") and hasattr(value, "units") and hasattr(value, "dimensionality")


def _number_and_unit(value: Any, name: str) -> tuple[float, str]:
    """(number, unit text) of a quantity string or a pint Quantity; unit '' for a plain string."""
    if _is_quantity(value):
        magnitude = value.magnitude
        if np.ndim(magnitude) != 0 or isinstance(magnitude, bool) or not isinstance(magnitude, numbers.Real):
            raise LzsmValueError(f"`{name}` must be a single real quantity, got {value!r}")
        short = f"{value.units:~}".replace(" ", "")  # 'MHz' is read from the table, 'hour' never as 'h'
        return float(magnitude), short if _table_dimension(short) else str(value.units)
    m = _QUANTITY.match(value)
    if not m:
        raise LzsmValueError(
            f"`{name}`: cannot read {value!r} as a number with an optional unit, e.g. '2 GHz' or '1 GHz/ns'"
        )
    return float(m.group(1)), m.group(2)


def parse(value: Any, dimension: str, system: UnitSystem | None, name: str) -> float:
    """A number, a string such as ``"2 GHz"`` or a pint Quantity -> float in ``system``'s units.

    Plain numbers are taken to be in the system's units already.  A value with a unit needs a
    unit system and the right dimension; the error names the parameter otherwise.
    """
    if dimension not in DIMENSIONS:
        raise LzsmValueError(f"unknown dimension {dimension!r}")
    if isinstance(value, bool):
        raise LzsmValueError(f"`{name}` must be a number or a quantity string, got {value!r}")
    if dimension in ("angular_frequency", "frequency_hz"):
        return _frequency(value, dimension, system, name)
    if isinstance(value, numbers.Real):
        x = float(value)
    elif isinstance(value, str) or _is_quantity(value):
        number, unit = _number_and_unit(value, name)
        if not unit.strip():
            x = number
        else:
            try:
                dim, factor = _table_dimension(unit.replace(" ", "")) or _pint_dimension(unit.strip())
            except LzsmValueError as exc:
                raise LzsmValueError(f"`{name}`: {exc}") from None
            if dim != dimension:
                raise LzsmValueError(f"`{name}` expects {_article(dimension)}; {value!r} is {_article(dim)}")
            if dim == "dimensionless":
                x = number * factor
            elif system is None:
                raise LzsmValueError(
                    f"`{name}` = {value!r} has a unit but no unit system is set (give [units] energy/time, or --units)"
                )
            else:
                x = number * factor / system.si_factor(dimension)
    else:
        raise LzsmValueError(f"`{name}` must be a number or a quantity string, got {value!r}")
    if not math.isfinite(x):
        raise LzsmValueError(f"`{name}` must be finite, got {value!r}")
    return x


def _frequency(value: Any, dimension: str, system: UnitSystem | None, name: str) -> float:
    """Angular drive frequency in rad per time unit, from rad/time, 1/time or cycles (Hz...)."""
    cycles = dimension == "frequency_hz"
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        x = float(value) * (2 * math.pi if cycles else 1.0)
    elif isinstance(value, str):
        m = _QUANTITY.match(value)
        if not m:
            raise LzsmValueError(f"`{name}`: cannot read {value!r} as a frequency, e.g. '0.27 GHz' or '1.7 rad/ns'")
        number, unit = float(m.group(1)), m.group(2).replace(" ", "")
        if unit == "":
            x = number * (2 * math.pi if cycles else 1.0)
        else:
            if system is None:
                raise LzsmValueError(f"`{name}` = {value!r} has a unit but no unit system is set")
            t_unit = TIME_UNITS[system.time]
            if cycles and unit in HZ_UNITS:
                x = 2 * math.pi * number * HZ_UNITS[unit] * t_unit
            elif not cycles and (unit.startswith(("rad/", "1/"))) and unit.split("/", 1)[1] in TIME_UNITS:
                x = number * t_unit / TIME_UNITS[unit.split("/", 1)[1]]
            else:
                want = "Hz, kHz, MHz, GHz or THz" if cycles else "rad/<time> or 1/<time>"
                raise LzsmValueError(
                    f"`{name}`: unit {unit!r} is not a {'cycle' if cycles else 'angular'} frequency; use {want}"
                )
    else:
        raise LzsmValueError(
            f"`{name}` must be a number or a frequency string such as '0.27 GHz' or '1.7 rad/ns', got {value!r}"
        )
    if not math.isfinite(x):
        raise LzsmValueError(f"`{name}` must be finite, got {value!r}")
    return x


def has_unit(value: Any) -> bool:
    """True for a string that carries a unit, or a pint Quantity."""
    if _is_quantity(value):
        return True
    if not isinstance(value, str):
        return False
    m = _QUANTITY.match(value)
    return bool(m and m.group(2).strip())


def _carries_unit(value: Any) -> bool:
    """A value, a list of values or a range table with at least one unit."""
    if isinstance(value, list):
        return any(_carries_unit(v) for v in value)
    if isinstance(value, dict):
        return any(_carries_unit(value.get(k)) for k in ("start", "stop"))
    return has_unit(value)


def _plain(value: Any) -> bool:
    """A value, a list of values or a range table with at least one plain number."""
    if isinstance(value, list):
        return any(_plain(v) for v in value)
    if isinstance(value, dict):
        return any(_plain(value.get(k)) for k in ("start", "stop"))
    if isinstance(value, str):
        return bool(_QUANTITY.match(value)) and not has_unit(value)
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_mixing(values: Iterable[tuple[str, Any]], declare: str, *, infer: bool) -> bool:
    """The rule "plain numbers and unit strings never mix silently", for one command or file
    without a declared unit system.

    ``values``: (name, value) pairs of every quantity given.  Returns whether any carries a unit.
    Raises if some carry units and others are plain numbers, naming both; with ``infer=False``
    (files: a unit needs ``[units]``) any unit is an error.  ``declare`` says how to declare a
    unit system."""
    values = list(values)
    with_units = [f"{n} = {v!r}" for n, v in values if _carries_unit(v)]
    plain = [f"{n} = {v!r}" for n, v in values if _plain(v) and not _carries_unit(v)]
    if not with_units or (infer and not plain):
        return bool(with_units)
    said = f"{', '.join(with_units)} {'has a unit' if len(with_units) == 1 else 'have units'}"
    if plain:
        said += f" but {', '.join(plain)} {'is a plain number' if len(plain) == 1 else 'are plain numbers'}"
    fix = "give every value a unit, or " if infer else ""
    raise LzsmValueError(f"no unit system is set and {said}: {fix}{declare} (plain numbers are then in its units)")


def parse_range(spec: Any, dimension: str, system: UnitSystem | None, name: str) -> np.ndarray:
    """A list of quantities, a ``{start, stop, num, scale}`` table (``scale`` linear or log), one
    quantity or a pint Quantity array -> 1-D array in ``system``'s units; errors name the parameter."""
    if _is_quantity(spec) and np.ndim(spec.magnitude) == 1:
        spec = list(spec)
    if isinstance(spec, list):
        if not spec:
            raise LzsmValueError(f"`{name}` must not be empty")
        vals = np.array([parse(v, dimension, system, name) for v in spec])
    elif isinstance(spec, dict):
        for k in spec:
            if k not in ("start", "stop", "num", "scale"):
                raise LzsmValueError(f"unknown key {k!r} in range `{name}`; accepted: start, stop, num, scale")
        try:
            start = parse(spec["start"], dimension, system, f"{name}.start")
            stop = parse(spec["stop"], dimension, system, f"{name}.stop")
            num = spec["num"]
        except KeyError as exc:
            raise LzsmValueError(f"range `{name}` needs start, stop and num; missing {exc}") from None
        if isinstance(num, bool) or not isinstance(num, int) or num < 1:
            raise LzsmValueError(f"`{name}.num` must be an integer >= 1 and <= {MAX_GRID_POINTS}, got {num!r}")
        grid_points({f"{name}.num": num})
        scale = spec.get("scale", "linear")
        if scale == "log":
            if start <= 0 or stop <= 0:
                raise LzsmValueError(
                    f"`{name}`: a log range needs positive start and stop, got start = {start:g}, stop = {stop:g}"
                )
            vals = np.geomspace(start, stop, num)
        elif scale == "linear":
            vals = np.linspace(start, stop, num)
        else:
            raise LzsmValueError(f"`{name}.scale` must be 'linear' or 'log', got {scale!r}")
    else:
        vals = np.array([parse(spec, dimension, system, name)])
    return vals
