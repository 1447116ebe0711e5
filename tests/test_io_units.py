"""Physical units at the boundary (lzsm.io.units): hbar of a unit system, conversions, errors.

hbar is explicit; physical units are converted once at the boundary.  In the
system (GHz, ns) energies are E/h in GHz, so h = 1 GHz ns, hbar = 1/(2 pi) and
P_LZ = exp(-2 pi V^2/(hbar alpha)) = exp(-4 pi^2 V^2/alpha).

Reference values (CODATA 2018; h, e, k_B, c are exact in the SI since 2019):
  e/h     = 2.417 989 242... e14 Hz/V      ->  1 meV  = 241.798 924 2 GHz
  k_B/h   = 2.083 661 912... e10 Hz/K      ->  1 K    = 20.836 619 12 GHz
  c       = 299 792 458 m/s                ->  1 cm^-1 = 29.979 245 8 GHz (exact)
  E_h/h   = 6.579 683 920 502 e15 Hz       ->  1 Ha   = 6 579 683.920 502 GHz
  hbar/E_h = 2.418 884 326 5857 e-17 s     ->  1 ns   = 41 341 373.34 au
  hbar    = 6.582 119 569... e-16 eV s     ->  hbar   = 0.658 211 956 9 eV fs
The values given to 10 significant digits are compared with rel = 1e-9.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import lzsm
from lzsm import LzsmValueError
from lzsm.io.units import UnitSystem, has_unit, parse, parse_range

GHZ_NS = UnitSystem("GHz", "ns")


# --------------------------------------------------------------------------- hbar of a system
def test_hbar_ghz_ns_is_one_over_two_pi():
    # h * (1 GHz) * (1 ns) = h * 1e9 * 1e-9 = h, so h = 1 in these units and hbar = 1/(2 pi)
    assert UnitSystem().hbar == pytest.approx(1.0 / (2.0 * math.pi), rel=0, abs=1e-12)
    assert GHZ_NS.hbar == pytest.approx(1.0 / (2.0 * math.pi), rel=0, abs=1e-12)


def test_hbar_atomic_units_is_one():
    assert UnitSystem("hartree", "au").hbar == pytest.approx(1.0, rel=0, abs=1e-12)
    assert UnitSystem("Ha", "au").hbar == pytest.approx(1.0, rel=0, abs=1e-12)


def test_hbar_ev_fs():
    # CODATA 2018: hbar = 6.582119569e-16 eV s
    assert UnitSystem("eV", "fs").hbar == pytest.approx(0.6582119569, rel=1e-9)


def test_unit_of():
    assert GHZ_NS.unit_of("energy") == "GHz"
    assert GHZ_NS.unit_of("time") == "ns"
    assert GHZ_NS.unit_of("sweep_rate") == "GHz/ns"
    assert GHZ_NS.unit_of("dimensionless") == ""


@pytest.mark.parametrize("energy, time", [("furlong", "ns"), ("GHz", "fortnight"), ("", "ns")])
def test_unknown_unit_system_raises(energy, time):
    with pytest.raises(ValueError, match="unknown (energy|time) unit"):
        UnitSystem(energy, time)


# --------------------------------------------------------------------------- conversions
@pytest.mark.parametrize(
    "text, dimension, system, expected, rel",
    [
        ("2 GHz", "energy", GHZ_NS, 2.0, 1e-12),
        ("2000 MHz", "energy", GHZ_NS, 2.0, 1e-12),
        ("2e9 Hz", "energy", GHZ_NS, 2.0, 1e-12),
        ("1 GHz/ns", "sweep_rate", GHZ_NS, 1.0, 1e-12),
        ("1 MHz/us", "sweep_rate", GHZ_NS, 1e-6, 1e-12),  # 1e6 Hz / 1e-6 s = 1e12 Hz/s
        ("-3 GHz/ns", "sweep_rate", GHZ_NS, -3.0, 1e-12),  # the sign is kept
        ("1 meV", "energy", GHZ_NS, 241.7989242, 1e-9),  # CODATA e/h = 2.417989242e14 Hz/V
        ("1 µeV", "energy", GHZ_NS, 0.2417989242, 1e-9),
        ("1 cm^-1", "energy", GHZ_NS, 29.9792458, 1e-12),  # c = 299792458 m/s (exact)
        ("1 cm-1", "energy", GHZ_NS, 29.9792458, 1e-12),
        ("1 K", "energy", GHZ_NS, 20.83661912, 1e-9),  # CODATA k_B/h = 2.083661912e10 Hz/K
        ("1 Ha", "energy", GHZ_NS, 6579683.920502, 1e-10),  # CODATA E_h/h = 6.579683920502e15 Hz
        ("0.5 us", "time", GHZ_NS, 500.0, 1e-12),
        ("1 ns", "time", UnitSystem("hartree", "au"), 41341373.34, 1e-9),  # hbar/E_h = 2.4188843266e-17 s
        ("1 eV/fs", "sweep_rate", UnitSystem("eV", "fs"), 1.0, 1e-12),
        ("  7.5e-1   GHz ", "energy", GHZ_NS, 0.75, 1e-12),  # surrounding/inner blanks
        ("2GHz", "energy", GHZ_NS, 2.0, 1e-12),  # no blank needed
    ],
)
def test_parse_conversions(text, dimension, system, expected, rel):
    assert parse(text, dimension, system, "x") == pytest.approx(expected, rel=rel)


def test_plain_numbers_are_in_system_units():
    # numbers (and unit-less strings) are taken as already in the system's units; no system needed
    assert parse(2.5, "energy", None, "x") == 2.5
    assert parse(3, "time", GHZ_NS, "x") == 3.0
    assert parse("2.5", "sweep_rate", None, "x") == 2.5
    assert parse(np.float64(1.25), "energy", None, "x") == 1.25


def test_has_unit():
    assert has_unit("1 GHz") and has_unit("2GHz/ns")
    assert not has_unit("1.5") and not has_unit(1.5) and not has_unit(" -2e3 ")


# --------------------------------------------------------------------------- P_LZ in GHz/ns
@pytest.mark.parametrize("v, alpha", [(0.1, 1.0), (0.05, 0.2), (0.3, 5.0), (0.02, -0.7)])
def test_lz_probability_in_ghz_ns(v, alpha):
    # P_LZ = exp(-2 pi V^2/(hbar |alpha|)) with hbar = 1/(2 pi)  ->  exp(-4 pi^2 V^2/|alpha|)
    expected = math.exp(-4.0 * math.pi**2 * v**2 / abs(alpha))
    assert float(lzsm.lz_probability(v, alpha, hbar=UnitSystem().hbar)) == pytest.approx(expected, rel=1e-12)


def test_lz_probability_from_quantity_strings():
    v = parse("100 MHz", "energy", GHZ_NS, "coupling")
    a = parse("1000 MHz/ns", "sweep_rate", GHZ_NS, "sweep_rate")
    expected = math.exp(-4.0 * math.pi**2 * 0.01)  # V = 0.1 GHz, alpha = 1 GHz/ns
    assert float(lzsm.lz_probability(v, a, hbar=GHZ_NS.hbar)) == pytest.approx(expected, rel=1e-12)


# --------------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    "value, dimension, system, fragment",
    [
        ("1 GHz", "sweep_rate", GHZ_NS, "expects a sweep rate"),  # energy given for a sweep rate
        ("1 GHz/ns", "energy", GHZ_NS, "expects an energy"),
        ("5 ns", "energy", GHZ_NS, "expects an energy"),
        ("abc", "energy", GHZ_NS, "cannot read"),  # garbage
        ("", "energy", GHZ_NS, "cannot read"),
        ("nan", "energy", GHZ_NS, "cannot read"),
        ("inf GHz", "energy", GHZ_NS, "cannot read"),
        (float("nan"), "energy", GHZ_NS, "finite"),
        (float("inf"), "time", GHZ_NS, "finite"),
        ("1e400 GHz", "energy", GHZ_NS, "finite"),  # overflows to inf
        ("1 GHz", "energy", None, "no unit system"),  # a unit without a system
        (True, "energy", GHZ_NS, "number or a quantity"),
        (None, "energy", GHZ_NS, "number or a quantity"),
        ([1.0], "energy", GHZ_NS, "number or a quantity"),
    ],
)
def test_parse_errors_name_the_parameter(value, dimension, system, fragment):
    with pytest.raises(ValueError, match=fragment) as info:
        parse(value, dimension, system, "model.coupling")
    assert isinstance(info.value, LzsmValueError)
    assert "model.coupling" in str(info.value)


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("1 blargs", "unknown unit 'blargs'"),
        # pint reads any unit expression; one that is no energy is refused with its dimension
        ("1 furlong", r"expects an energy; '1 furlong' is a quantity of dimension \[length\]"),
        ("1 GHz ns", "expects an energy; '1 GHz ns' is a pure number"),
        ("1 ns/GHz", r"expects an energy; '1 ns/GHz' is a quantity of dimension \[time\] \*\* 2"),
        ("1 GHz/ns/ns", r"expects an energy; '1 GHz/ns/ns' is a quantity of dimension 1 / \[time\] \*\* 3"),
        ("1 GHz/", "cannot read the unit 'GHz/'"),
    ],
)
def test_unknown_or_wrong_unit_raises(text, fragment):
    with pytest.raises(LzsmValueError, match=fragment):
        parse(text, "energy", GHZ_NS, "model.coupling")


def test_unknown_unit_error_names_the_parameter():
    # regression: the 'unknown unit' message used not to name the parameter (fixed in d2c5d38)
    with pytest.raises(ValueError, match="model.coupling"):
        parse("1 furlong", "energy", GHZ_NS, "model.coupling")


def test_numpy_scalars_are_numbers():
    # regression: np.int64/np.float32 used to be rejected as 'must be a number' (fixed in d2c5d38)
    assert parse(np.int64(2), "energy", None, "x") == 2.0
    assert parse(np.float32(0.5), "energy", None, "x") == 0.5


def test_unknown_dimension():
    with pytest.raises(ValueError, match="unknown dimension"):
        parse(1.0, "length", GHZ_NS, "x")


def test_parse_range_forms_and_errors():
    """Ranges in scenario files: a list, a {start, stop, num, scale} table, or one quantity."""
    import numpy as np

    from lzsm.errors import LzsmValueError
    from lzsm.io.units import UnitSystem, parse_range

    s = UnitSystem("GHz", "ns")
    assert np.allclose(parse_range(["100 MHz", 0.5], "energy", s, "x"), [0.1, 0.5], rtol=1e-14)
    assert np.allclose(
        parse_range({"start": "1 MHz", "stop": "1 GHz", "num": 4, "scale": "log"}, "energy", s, "x"),
        [1e-3, 1e-2, 1e-1, 1.0],
        rtol=1e-12,
    )
    assert parse_range("2 GHz", "energy", s, "x").tolist() == [2.0]
    for spec, match in (
        ([], "`x` must not be empty"),
        ({"start": 0, "stop": 1}, "needs start, stop and num"),
        ({"start": 0, "stop": 1, "num": 0}, "`x.num` must be an integer"),
        ({"start": 0, "stop": 1, "num": 3, "scale": "log"}, "positive start and stop"),
        ({"start": 0, "stop": 1, "num": 3, "step": 1}, "unknown key 'step'"),
    ):
        with pytest.raises(LzsmValueError, match=match):
            parse_range(spec, "energy", s, "x")


# --------------------------------------------------------------------------- pint (docs/units.md)
@pytest.mark.parametrize(
    "text, dimension, expected",
    [
        ("0.3 GHz*h", "energy", 0.3),  # h is Planck's constant: h * 0.3 GHz
        ("2 hbar/ns", "energy", 2 / (2 * math.pi)),  # hbar/(1 ns) = (1/2 pi) GHz
        ("5 1/cm", "energy", 5 * 29.9792458),  # a wavenumber, as E/(hc)
        ("40 neV", "energy", 40e-6 * 241.7989242),  # 1 meV = 241.7989242 GHz (CODATA e/h)
        ("3 MHz^2", "sweep_rate", 3e-6),  # h f^2: (MHz)^2 = 1e-6 GHz/ns
        ("2 hr", "time", 7.2e12),  # hours are 'hr'
        ("0.5 GHz*h/ns", "sweep_rate", 0.5),
    ],
)
def test_unit_expressions_through_pint(text, dimension, expected):
    assert parse(text, dimension, GHZ_NS, "x") == pytest.approx(expected, rel=1e-9)


def test_pint_quantities_are_accepted_as_in_the_docs():
    pint = pytest.importorskip("pint")
    ureg = pint.UnitRegistry()
    assert parse(ureg.Quantity(100, "MHz"), "energy", UnitSystem("GHz", "ns"), "coupling") == pytest.approx(0.1)
    assert parse(ureg.Quantity(2, "hour"), "time", GHZ_NS, "t") == pytest.approx(7.2e12)  # 'hour', not h
    assert parse(ureg.Quantity(1, "meV/ps"), "sweep_rate", GHZ_NS, "a") == pytest.approx(241798.9242, rel=1e-9)
    with pytest.raises(LzsmValueError, match="`a` expects a sweep rate; .* is an energy"):
        parse(ureg.Quantity(1, "meV"), "sweep_rate", GHZ_NS, "a")
    with pytest.raises(LzsmValueError, match="`t` must be a single real quantity"):
        parse(ureg.Quantity([1.0, 2.0], "ns"), "time", GHZ_NS, "t")
    assert has_unit(ureg.Quantity(1, "ns"))


def test_check_mixing_names_values_with_and_without_units():
    from lzsm.io.units import check_mixing

    assert check_mixing([("a", "1 GHz"), ("b", ["2 ns", "3 ns"])], "declare it", infer=True) is True
    assert check_mixing([("a", 1.0), ("b", {"start": 0, "stop": 1, "num": 3})], "declare it", infer=True) is False
    with pytest.raises(
        LzsmValueError,
        match=r"no unit system is set and a = '1 GHz' has a unit but b = 2.0 is a "
        r"plain number: give every value a unit, or declare it",
    ):
        check_mixing([("a", "1 GHz"), ("b", 2.0)], "declare it", infer=True)
    with pytest.raises(LzsmValueError, match=r"no unit system is set and a = '1 GHz' has a unit: declare it"):
        check_mixing([("a", "1 GHz")], "declare it", infer=False)


def test_front_doors_refuse_quantities_instead_of_stripping_their_units():
    # numpy would take the magnitude of a Quantity and drop its unit without a word
    pint = pytest.importorskip("pint")
    from lzsm import LzsmTypeError

    q = pint.UnitRegistry().Quantity(0.1, "GHz")
    with pytest.raises(LzsmTypeError, match=r"`coupling` is a quantity with a unit .*lzsm.io.units.parse"):
        lzsm.LandauZener(q, 1.0)
    with pytest.raises(LzsmTypeError, match="`coupling` is a quantity with a unit"):
        lzsm.lz_probability(q, 1.0)


def test_python_dictionaries_do_not_mix_quantities_and_plain_numbers():
    # the rule of the command line and the files, for the Python API that accepts units
    pint = pytest.importorskip("pint")
    from lzsm.io import scenario

    ureg = pint.UnitRegistry()
    raw = {"model": {"coupling": ureg.Quantity(100, "MHz"), "sweep_rate": 1.0}, "evolve": {"t_span": [-5, 5]}}
    with pytest.raises(
        LzsmValueError,
        match=r"model.coupling = <Quantity\(100, 'megahertz'\)> has a unit but model.sweep_rate = 1.0, "
        r"evolve.t_span = \[-5, 5\] are plain numbers",
    ):
        scenario.from_dict(raw)
    with pytest.raises(LzsmValueError, match=r"`x` = '1 GHz' has a unit but no unit system is set"):
        parse_range(["1 GHz", 2.0], "energy", None, "x")
    raw["units"] = {"energy": "GHz", "time": "ns"}  # declared: the plain numbers are GHz/ns and ns
    assert float(scenario.from_dict(raw).model.coupling) == pytest.approx(0.1, rel=1e-12)
