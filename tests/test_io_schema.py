"""The one reader of input files (lzsm.io.schema): unknown keys, types, units, ranges, defaults,
the mixing rule and the resolved configuration.

Unit values: in (GHz, ns) energies are E/h, so 100 MHz = 0.1 GHz and 5 cm^-1 = 5 c/cm =
149.896229 GHz (c = 299 792 458 m/s exactly); h * 0.3 GHz is the energy 0.3 GHz.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from lzsm.errors import LzsmTypeError, LzsmValueError
from lzsm.io.schema import Field, Reader, accepted_range, fields

SCHEMA = {
    "model": {
        "coupling": Field("energy"),
        "sweep_rate": Field("sweep_rate", nonzero=True),
        "n": Field("int", 3, low=1, high=10),
        "tol": Field("number", 1e-10, low=0.0, high=1.0, low_open=True, high_open=True),
        "kind": Field("text", "a", choices=("a", "b")),
        "plot": Field("bool", True),
        "t_span": Field("time", shape="pair"),
        "rates": Field("sweep_rate", shape="range"),
        "matrix": Field("energy", shape="matrix"),
        "freq": Field("frequency_hz", 0.5),
    },
}
UNITS = {"energy": "GHz", "time": "ns"}


def reader(model: dict, units: dict | None = UNITS) -> Reader:
    raw = {"model": model} if units is None else {"units": units, "model": model}
    return Reader(raw, SCHEMA, top={"title": Field("text", "")})


# --------------------------------------------------------------------------- keys
def test_unknown_keys_are_named_with_the_accepted_ones():
    with pytest.raises(LzsmValueError, match=r"unknown key 'colour' at top level; accepted: title, units, model$"):
        Reader({"colour": 1}, SCHEMA, top={"title": Field("text", "")})
    with pytest.raises(
        LzsmValueError, match=r"unknown key 'copuling' in \[model\]; accepted: coupling, sweep_rate, n,"
    ):
        reader({"copuling": 1})
    with pytest.raises(LzsmValueError, match=r"unknown key 'length' in \[units\]; accepted: energy, time"):
        reader({}, {"energy": "GHz", "length": "m"})
    with pytest.raises(LzsmValueError, match=r"`model` must be a table \[model\], got 3"):
        Reader({"model": 3}, SCHEMA)
    with pytest.raises(LzsmTypeError, match="must be a TOML table"):
        Reader([1, 2], SCHEMA)


def test_required_keys_and_types_name_the_key_and_the_value():
    r = reader({"n": 2.5, "kind": 3, "plot": "yes", "tol": "abc", "t_span": ["1 ns"]})
    with pytest.raises(LzsmValueError, match=r"`model.coupling` is required"):
        r.get("model", "coupling")
    with pytest.raises(LzsmValueError, match=r"`model.n` must be an integer >= 1 and <= 10, got 2.5"):
        r.get("model", "n")
    with pytest.raises(LzsmValueError, match=r"`model.kind` must be text, got 3"):
        r.get("model", "kind")
    with pytest.raises(LzsmValueError, match=r"`model.plot` must be true or false, got 'yes'"):
        r.get("model", "plot")
    with pytest.raises(LzsmValueError, match=r"`model.tol`: cannot read 'abc'"):
        r.get("model", "tol")
    with pytest.raises(LzsmValueError, match=r"`model.t_span` must be a pair \[a, b\], got \['1 ns'\]"):
        r.get("model", "t_span")
    with pytest.raises(LzsmValueError, match=r"`model.kind` must be one of a, b; got 'c'"):
        reader({"kind": "c"}).get("model", "kind")
    with pytest.raises(LzsmValueError, match=r"`model.n` must be an integer >= 1 and <= 10, got True"):
        reader({"n": True}).get("model", "n")


@pytest.mark.parametrize(
    "value, message",
    [
        (0.0, r"`model.tol` must be > 0 and < 1, got 0$"),
        (1.0, r"`model.tol` must be > 0 and < 1, got 1$"),
        (-1e-3, r"`model.tol` must be > 0 and < 1, got -0.001$"),
    ],
)
def test_exclusive_bounds_are_stated(value, message):
    with pytest.raises(LzsmValueError, match=message):
        reader({"tol": value}).get("model", "tol")


def test_inclusive_bounds_are_stated_and_the_bounds_themselves_accepted():
    assert reader({"n": 1}).get("model", "n") == 1 and reader({"n": 10}).get("model", "n") == 10
    with pytest.raises(LzsmValueError, match=r"`model.n` must be an integer >= 1 and <= 10, got 11$"):
        reader({"n": 11}).get("model", "n")
    # bounds at the call site replace the field's (applications state them where they read)
    with pytest.raises(LzsmValueError, match=r"`model.n` must be an integer >= 5, got 3$"):
        reader({"n": 3}).get("model", "n", low=5, high=None)
    with pytest.raises(LzsmValueError, match=r"`model.sweep_rate` must be nonzero, got 0$"):
        reader({"sweep_rate": 0}).get("model", "sweep_rate")
    assert accepted_range("number", 0.0, 1.0, True, False) == "> 0 and <= 1"
    assert accepted_range("int", 8, 1_000_000) == "an integer >= 8 and <= 1000000"


def test_defaults_go_through_the_same_reading_and_checks():
    r = reader({})
    assert r.get("model", "n") == 3 and r.get("model", "kind") == "a" and r.get("model", "plot") is True
    assert r.get("model", "coupling", "100 MHz") == pytest.approx(0.1, rel=1e-12)  # a default with a unit
    with pytest.raises(LzsmValueError, match=r"`model.n` must be an integer >= 1 and <= 10, got 20"):
        r.get("model", "n", 20)
    assert r.get("model", "sweep_rate", None) is None and "sweep_rate" not in r.resolved["model"]
    rates = r.get_range("model", "rates", {"start": "1 MHz/ns", "stop": "1 GHz/ns", "num": 4, "scale": "log"})
    assert rates == pytest.approx([1e-3, 1e-2, 1e-1, 1.0], rel=1e-12)
    with pytest.raises(LzsmValueError, match=r"`model.rates` must be > 0, got -1"):
        r.get_range("model", "rates", [1.0, -1.0], low=0.0, low_open=True)


# --------------------------------------------------------------------------- units
def test_quantities_are_converted_once_into_the_files_units():
    r = reader(
        {
            "coupling": "5 cm^-1",
            "sweep_rate": "0.3 GHz*h/ns",
            "t_span": ["-0.02 us", 20],
            "matrix": [["0 GHz", "100 MHz"], [0.1, 0]],
            "freq": "270 MHz",
        }
    )
    assert r.get("model", "coupling") == pytest.approx(149.896229, rel=1e-12)
    assert r.get("model", "sweep_rate") == pytest.approx(0.3, rel=1e-12)
    assert r.get("model", "t_span") == pytest.approx([-20.0, 20.0], rel=1e-12)
    assert np.allclose(r.get("model", "matrix"), [[0, 0.1], [0.1, 0]], rtol=1e-12)
    assert r.get("model", "freq") == pytest.approx(2 * math.pi * 0.27, rel=1e-12)  # rad/ns
    assert r.hbar == pytest.approx(1 / (2 * math.pi), abs=1e-15)


def test_pint_quantities_are_values_too():
    pint = pytest.importorskip("pint")
    ureg = pint.UnitRegistry()
    r = reader({"coupling": ureg.Quantity(100, "MHz"), "t_span": [ureg.Quantity(-1, "us"), "1 us"]})
    assert r.get("model", "coupling") == pytest.approx(0.1, rel=1e-12)
    assert r.get("model", "t_span") == pytest.approx([-1000.0, 1000.0], rel=1e-12)
    assert json.dumps(r.resolved)  # recorded as plain numbers


def test_units_without_a_unit_system_name_the_values_with_and_without_units():
    with pytest.raises(
        LzsmValueError,
        match=r"no unit system is set and model.coupling = '0.1 GHz' has a unit but "
        r"model.sweep_rate = 1.0 is a plain number: declare the unit system in "
        r"a \[units\] table",
    ):
        reader({"coupling": "0.1 GHz", "sweep_rate": 1.0}, None)
    with pytest.raises(
        LzsmValueError,
        match=r"no unit system is set and model.t_span = \['-5 ns', '5 ns'\] has a "
        r"unit: declare",
    ):
        reader({"t_span": ["-5 ns", "5 ns"]}, None)
    # plain numbers alone need no unit system; with [units] plain numbers are in it
    assert reader({"coupling": 0.5}, None).get("model", "coupling") == 0.5
    assert reader({"coupling": 0.5, "sweep_rate": "1 GHz/ns"}).get("model", "coupling") == 0.5


# --------------------------------------------------------------------------- resolved configuration
def test_resolved_configuration_records_what_was_read_and_reads_back_the_same():
    # frequency_hz is recorded in cycles per time unit (1 GHz = 1/ns), read back as 2 pi rad/ns
    raw = {
        "title": "t",
        "units": {"energy": "MHz"},
        "model": {
            "coupling": "0.1 GHz",
            "t_span": ["-1 us", "1 us"],
            "freq": "1 GHz",
            "rates": {"start": 1, "stop": 3, "num": 3},
        },
    }
    r = Reader(raw, SCHEMA, top={"title": Field("text", "")})

    def read(r: Reader) -> list:
        return [
            r.get("model", "coupling"),
            *r.get("model", "t_span"),
            r.get("model", "n"),
            r.get("model", "freq"),
            *r.get_range("model", "rates"),
        ]

    assert r.top.get("title") == "t"
    values = read(r)
    assert r.resolved == {
        "title": "t",
        "units": {"energy": "MHz", "time": "ns"},
        "model": {
            "coupling": pytest.approx(100.0),
            "t_span": pytest.approx([-1000.0, 1000.0]),
            "n": 3,
            "freq": pytest.approx(1.0),
            "rates": [1.0, 2.0, 3.0],
        },
    }
    again = Reader(json.loads(json.dumps(r.resolved)), SCHEMA, top={"title": Field("text", "")})
    assert read(again) == pytest.approx(values, rel=1e-12)


def test_items_of_arrays_are_checked_once_their_fields_are_known():
    raw = {"state": [{"name": "X", "form": "morse", "De": 1.0, "Dee": 2.0}]}
    r = Reader(raw, {}, arrays=("state",))
    t = r.item("state", 0, {"name": Field("text"), "form": Field("text")})
    assert t.get("form") == "morse"
    t.key = t.label = "state 'X'"
    with pytest.raises(LzsmValueError, match=r"unknown key 'Dee' in state 'X'; accepted: name, form, De"):
        t.check_keys({"De": Field("energy")})
    with pytest.raises(LzsmValueError, match=r"`state` must be an array of \[\[state\]\] tables"):
        Reader({"state": {"name": "X"}}, {}, arrays=("state",))


def test_schema_definitions_are_checked():
    assert fields({"x": "energy", "y": Field("int", 2)})["x"] == Field("energy")
    with pytest.raises(ValueError, match="unknown field kind 'length'"):
        fields({"x": "length"})
    with pytest.raises(ValueError, match="unknown field shape 'cube'"):
        Field("energy", shape="cube")
