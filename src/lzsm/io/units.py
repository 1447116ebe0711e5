"""Physical units at the boundary (CLI, scenario files): parsed once, converted once.

Inside lzsm every quantity is a plain float in a consistent *unit system*: an energy unit and a
time unit, with ``hbar`` expressed in them (``PHYSICS.md``: hbar is explicit).  For example
in ``UnitSystem("GHz", "ns")`` energies are E/h in GHz, times in ns, sweep rates in GHz/ns and
``hbar = 1/(2 pi)``, so that ``P_LZ = exp(-4 pi^2 V_GHz^2 / alpha_GHz/ns)``.  In
``UnitSystem("hartree", "au")`` (atomic units) ``hbar = 1``.

Drive frequencies: ``angular_frequency`` in rad per time (``"31.4 rad/ns"`` or ``"1/ns"``) and
``frequency_hz`` in cycles (``"0.27 GHz"``); both convert to rad per time unit.

Accepted units — energy: J, eV, meV, ueV (µeV), Hz, kHz, MHz, GHz, THz (as E/h),
cm^-1 (cm-1, as E/(hc)), hartree (Ha, Eh), K, mK (as E/k_B); time: s, ms, us (µs), ns, ps,
fs, as, au (hbar/E_h); sweep rates: an energy unit over a time unit (``"GHz/ns"``, ``"eV/fs"``).
Constants from CODATA via :mod:`scipy.constants`.
"""

from __future__ import annotations
import math
import numbers
import re
from dataclasses import dataclass
from typing import Any
import numpy as np
from scipy import constants as _c
from lzsm.errors import LzsmValueError

_E_H = _c.physical_constants["Hartree energy"][0]

ENERGY_UNITS: dict[str, float] = {
    "J": 1.0,
    "eV": _c.e, "meV": 1e-3 * _c.e, "ueV": 1e-6 * _c.e, "µeV": 1e-6 * _c.e,
    "Hz": _c.h, "kHz": 1e3 * _c.h, "MHz": 1e6 * _c.h, "GHz": 1e9 * _c.h, "THz": 1e12 * _c.h,
    "cm^-1": _c.h * _c.c * 100.0, "cm-1": _c.h * _c.c * 100.0,
    "hartree": _E_H, "Ha": _E_H, "Eh": _E_H,
    "K": _c.k, "mK": 1e-3 * _c.k,
}
TIME_UNITS: dict[str, float] = {
    "s": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "ns": 1e-9, "ps": 1e-12, "fs": 1e-15,
    "as": 1e-18, "au": _c.hbar / _E_H,
}
DIMENSIONS = ("energy", "time", "sweep_rate", "angular_frequency", "frequency_hz", "dimensionless")
HZ_UNITS = {"Hz": 1.0, "kHz": 1e3, "MHz": 1e6, "GHz": 1e9, "THz": 1e12}

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_QUANTITY = re.compile(rf"^\s*({_NUMBER})\s*(.*?)\s*$")


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

    @property
    def hbar(self) -> float:
        """hbar in (energy unit) x (time unit)."""
        return _c.hbar / (ENERGY_UNITS[self.energy] * TIME_UNITS[self.time])

    def unit_of(self, dimension: str) -> str:
        return {"energy": self.energy, "time": self.time, "sweep_rate": f"{self.energy}/{self.time}",
                "dimensionless": ""}[dimension]


def _dimension_and_factor(unit: str) -> tuple[str, float]:
    """SI factor of a unit string and its dimension."""
    u = unit.replace(" ", "")
    if u == "":
        return "dimensionless", 1.0
    if u in ENERGY_UNITS:
        return "energy", ENERGY_UNITS[u]
    if u in TIME_UNITS:
        return "time", TIME_UNITS[u]
    if "/" in u:
        num, _, den = u.partition("/")
        if num in ENERGY_UNITS and den in TIME_UNITS:
            return "sweep_rate", ENERGY_UNITS[num] / TIME_UNITS[den]
    raise LzsmValueError(
        f"unknown unit {unit!r}: use an energy unit ({', '.join(ENERGY_UNITS)}), a time unit "
        f"({', '.join(TIME_UNITS)}) or energy/time for a sweep rate")


def _article(dimension: str) -> str:
    words = dimension.replace("_", " ")
    return ("an " if words[0] in "aeiou" else "a ") + words


def parse(value: Any, dimension: str, system: UnitSystem | None, name: str) -> float:
    """A number or a string such as ``"2 GHz"`` -> float in ``system``'s units.

    Plain numbers are taken to be in the system's units already.  A string with a unit needs a
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
    elif isinstance(value, str):
        m = _QUANTITY.match(value)
        if not m:
            raise LzsmValueError(f"`{name}`: cannot read {value!r} as a number with an optional unit, "
                                 "e.g. '2 GHz' or '1 GHz/ns'")
        number, unit = float(m.group(1)), m.group(2)
        try:
            dim, factor = _dimension_and_factor(unit)
        except LzsmValueError as exc:
            raise LzsmValueError(f"`{name}`: {exc}") from None
        if dim == "dimensionless":
            x = number
        else:
            if dim != dimension:
                raise LzsmValueError(f"`{name}` expects {_article(dimension)}; {value!r} is {_article(dim)}")
            if system is None:
                raise LzsmValueError(f"`{name}` = {value!r} has a unit but no unit system is set "
                                     "(give [units] energy/time, or --units)")
            target = {"energy": ENERGY_UNITS[system.energy], "time": TIME_UNITS[system.time],
                      "sweep_rate": ENERGY_UNITS[system.energy] / TIME_UNITS[system.time]}[dimension]
            x = number * factor / target
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
            elif not cycles and (unit.startswith("rad/") or unit.startswith("1/")) and unit.split("/", 1)[1] in TIME_UNITS:
                x = number * t_unit / TIME_UNITS[unit.split("/", 1)[1]]
            else:
                want = "Hz, kHz, MHz, GHz or THz" if cycles else "rad/<time> or 1/<time>"
                raise LzsmValueError(f"`{name}`: unit {unit!r} is not a {'cycle' if cycles else 'angular'} "
                                     f"frequency; use {want}")
    else:
        raise LzsmValueError(f"`{name}` must be a number or a quantity string, got {value!r}")
    if not math.isfinite(x):
        raise LzsmValueError(f"`{name}` must be finite, got {value!r}")
    return x


def has_unit(value: Any) -> bool:
    """True for a string that carries a unit."""
    if not isinstance(value, str):
        return False
    m = _QUANTITY.match(value)
    return bool(m and m.group(2).strip())


def parse_range(spec: Any, dimension: str, system: UnitSystem | None, name: str) -> np.ndarray:
    """A list of quantities, a ``{start, stop, num, scale}`` table (``scale`` linear or log) or one
    quantity -> 1-D array in ``system``'s units; errors name the parameter."""
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
        if not isinstance(num, int) or num < 1 or num > 100_000:
            raise LzsmValueError(f"`{name}.num` must be an integer in 1..100000, got {num!r}")
        scale = spec.get("scale", "linear")
        if scale == "log":
            if start <= 0 or stop <= 0:
                raise LzsmValueError(f"`{name}`: a log range needs positive start and stop")
            vals = np.geomspace(start, stop, num)
        elif scale == "linear":
            vals = np.linspace(start, stop, num)
        else:
            raise LzsmValueError(f"`{name}.scale` must be 'linear' or 'log', got {scale!r}")
    else:
        vals = np.array([parse(spec, dimension, system, name)])
    return vals
