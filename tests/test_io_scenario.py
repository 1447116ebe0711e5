"""Scenario files (lzsm.io.scenario): validation of every key, and the all-or-nothing output folder.

A scenario in physical units is converted once into its unit system; with
[units] energy = "GHz", time = "ns" we have hbar = 1/(2 pi) and P_LZ = exp(-4 pi^2 V^2/alpha).
The flagship example (examples/qubit_landau_zener.toml) is checked against the exact
finite-time closed form (Vitanov & Garraway 1996) that lzsm.scenario writes into summary.json.
"""

from __future__ import annotations

import copy
import json
import math
import tomllib
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
import xarray as xr

import lzsm
from lzsm import LzsmValueError

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "qubit_landau_zener.toml"
OUTPUT_FILES = (
    "evolution.nc",
    "sweep.nc",
    "summary.json",
    "scenario.json",
    "energies.png",
    "populations.png",
    "nonadiabatic_coupling.png",
    "probability_vs_rate.png",
)


def example_raw() -> dict:
    return tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))


def small_raw(**figures) -> dict:
    """A fast scenario in plain units (hbar = 1): V = 0.5, alpha = 1, t in [-10, 10]."""
    figs = {"energies": False, "populations": False, "nonadiabatic_coupling": False}
    figs.update(figures)
    return {
        "title": "small",
        "model": {"kind": "landau_zener", "coupling": 0.5, "sweep_rate": 1.0},
        "evolve": {"t_span": [-10.0, 10.0], "n_save": 11},
        "figures": figs,
    }


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir())


# --------------------------------------------------------------------------- the flagship example
@pytest.fixture(scope="module")
def example_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("example") / "qubit"
    sc = lzsm.io.scenario.load(EXAMPLE)
    summary = lzsm.io.scenario.run(sc, out)
    return sc, out, summary


def test_example_loads_in_ghz_ns():
    sc = lzsm.io.scenario.load(EXAMPLE)
    assert sc.hbar == pytest.approx(1.0 / (2.0 * math.pi), abs=1e-12)
    assert isinstance(sc.model, lzsm.LandauZener)
    assert float(sc.model.coupling) == pytest.approx(0.1, rel=1e-12)  # "0.1 GHz"
    assert float(sc.model.sweep_rate) == pytest.approx(1.0, rel=1e-12)  # "1 GHz/ns"
    assert sc.t_span == pytest.approx((-20.0, 20.0), rel=1e-12)
    assert sc.n_save == 801
    assert sc.sweep_rates.shape == (25,)
    assert sc.sweep_rates[0] == pytest.approx(0.05) and sc.sweep_rates[-1] == pytest.approx(10.0)
    assert sc.figures["probability_vs_rate"] is True


def test_example_run_writes_every_file(example_run):
    _, out, _ = example_run
    for name in OUTPUT_FILES:
        assert (out / name).is_file(), name
    assert not [p for p in out.parent.iterdir() if ".partial-" in p.name]


def test_example_summary(example_run):
    _, out, summary = example_run
    on_disk = json.loads((out / "summary.json").read_text())
    assert on_disk["p_diabatic_stay"] == summary["p_diabatic_stay"]
    assert on_disk["abs_error_vs_exact"] <= 1e-9
    assert on_disk["sweep_max_abs_error_vs_exact"] <= 1e-9
    # P_LZ = exp(-4 pi^2 V^2/alpha) with V = 0.1 GHz, alpha = 1 GHz/ns
    assert on_disk["lz_probability"] == pytest.approx(math.exp(-4 * math.pi**2 * 0.01), rel=1e-12)
    assert on_disk["hbar"] == pytest.approx(1 / (2 * math.pi), abs=1e-12)
    assert on_disk["units"] == {"energy": "GHz", "time": "ns", "sweep_rate": "GHz/ns"}
    assert on_disk["p_jump"] + on_disk["p_adiabatic_follow"] == pytest.approx(1.0, abs=1e-9)
    resolved = json.loads((out / "scenario.json").read_text())
    assert resolved["evolve"]["t_span"] == [-20.0, 20.0]
    assert resolved["model"]["coupling"] == pytest.approx(0.1, rel=1e-12)


def test_example_netcdf_matches_summary(example_run):
    _, out, summary = example_run
    with xr.open_dataset(out / "evolution.nc", engine="h5netcdf") as ds:
        assert float(ds["p_diabatic_stay"]) == pytest.approx(summary["p_diabatic_stay"], rel=0, abs=1e-15)
        # n_save = 801 is raised to what draws the populations without aliasing (6 samples per gap period)
        sc = example_run[0]
        assert ds.sizes["t"] == max(801, lzsm.plot._sampling.samples_needed(sc.model, sc.t_span)) == 4802
        assert ds["t"].attrs["units"] == "ns"
        assert ds.attrs["hbar"] == pytest.approx(1 / (2 * math.pi), abs=1e-12)
        # the final diabatic population of the initial state |1> is p_diabatic_stay
        assert float(ds["population_diabatic"][-1, 0]) == pytest.approx(summary["p_diabatic_stay"], abs=1e-12)
    with xr.open_dataset(out / "sweep.nc", engine="h5netcdf") as sw:
        assert sw.sizes["sweep_rate"] == 25
        err = np.abs(sw["p_diabatic_stay"].values - sw["p_diabatic_stay_exact_finite_time"].values)
        assert err.max() <= 1e-9


# --------------------------------------------------------------------------- validation
def test_unknown_top_level_key(tmp_path):
    f = tmp_path / "s.toml"
    f.write_text('colour = "red"\n' + EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ValueError, match="'colour'.*top level"):
        lzsm.io.scenario.load(f)


@pytest.mark.parametrize("section", ["units", "model", "evolve", "sweep", "figures"])
def test_unknown_key_inside_a_table(section):
    raw = example_raw()
    raw.setdefault(section, {})["bogus_key"] = 1
    with pytest.raises(LzsmValueError, match=rf"'bogus_key'.*\[{section}\]"):
        lzsm.io.scenario.from_dict(raw)


@pytest.mark.parametrize(
    "edit, fragment",
    [
        (lambda r: r["evolve"].pop("t_span"), "evolve.t_span` is required"),
        (lambda r: r["evolve"].update(t_span=["20 ns", "-20 ns"]), "must be increasing"),
        (lambda r: r["evolve"].update(t_span=["1 ns", "1 ns"]), "must be increasing"),
        (lambda r: r["evolve"].update(t_span=["1 ns"]), "must be a pair"),
        (lambda r: r["evolve"].update(t_span=["-1 GHz", "1 ns"]), "evolve.t_span` expects a time"),
        (lambda r: r["evolve"].update(n_save=1), "n_save"),
        (lambda r: r["evolve"].update(tol=2.0), "evolve.tol"),
        (lambda r: r["model"].update(hbar=1.0), "model.hbar` cannot be set together with \\[units\\]"),
        (lambda r: r["model"].update(kind="spin_boson"), "model.kind"),
        (lambda r: r["model"].pop("coupling"), "model.coupling` is required"),
        (lambda r: r["model"].update(coupling="0.1 GHz/ns"), "model.coupling` expects an energy"),
        (lambda r: r["model"].update(sweep_rate="nan"), "model.sweep_rate"),
        (lambda r: r["units"].update(energy="furlong"), "unknown energy unit"),
        (lambda r: r.update(model=3), "must be a table"),
        (lambda r: r.pop("model"), "needs a \\[model\\]"),
        (lambda r: r.update(figures={"energies": "yes"}), "figures.energies"),
        (lambda r: r.pop("sweep") and r.update(figures={"probability_vs_rate": True}), "needs a \\[sweep\\]"),
    ],
)
def test_invalid_scenarios(edit, fragment):
    raw = example_raw()
    edit(raw)
    with pytest.raises(LzsmValueError, match=fragment):
        lzsm.io.scenario.from_dict(raw)


@pytest.mark.parametrize(
    "spec, fragment",
    [
        ({"start": "1 GHz/ns", "stop": "2 GHz/ns"}, "needs start, stop and num"),
        ({"start": "1 GHz/ns", "stop": "2 GHz/ns", "num": 0}, "num` must be an integer"),
        ({"start": "1 GHz/ns", "stop": "2 GHz/ns", "num": 2.5}, "num` must be an integer"),
        ({"start": "1 GHz/ns", "stop": "2 GHz/ns", "num": 5, "scale": "cubic"}, "scale` must be"),
        ({"start": "-1 GHz/ns", "stop": "2 GHz/ns", "num": 5, "scale": "log"}, "positive start and stop"),
        ({"start": "1 GHz/ns", "stop": "2 GHz/ns", "num": 5, "step": 1}, "unknown key 'step'"),
        ({"start": "1 GHz", "stop": "2 GHz/ns", "num": 5}, "sweep.sweep_rate.start` expects a sweep rate"),
        ({"start": "-1 GHz/ns", "stop": "1 GHz/ns", "num": 3}, "nonzero"),  # linspace hits 0
        (["0 GHz/ns", "1 GHz/ns"], "nonzero"),
        ("abc", "cannot read"),
    ],
)
def test_bad_range_specs(spec, fragment):
    raw = example_raw()
    raw["sweep"]["sweep_rate"] = spec
    with pytest.raises(LzsmValueError, match=fragment):
        lzsm.io.scenario.from_dict(raw)


def test_range_forms():
    raw = example_raw()
    raw["sweep"]["sweep_rate"] = {"start": "1 GHz/ns", "stop": "3 GHz/ns", "num": 3}
    assert lzsm.io.scenario.from_dict(raw).sweep_rates == pytest.approx([1.0, 2.0, 3.0], rel=1e-12)
    raw["sweep"]["sweep_rate"] = ["500 MHz/ns", 2.0]
    assert lzsm.io.scenario.from_dict(raw).sweep_rates == pytest.approx([0.5, 2.0], rel=1e-12)
    raw["sweep"]["sweep_rate"] = "4 GHz/ns"
    assert lzsm.io.scenario.from_dict(raw).sweep_rates == pytest.approx([4.0], rel=1e-12)


def test_empty_sweep_list_is_rejected_at_validation():
    raw = example_raw()
    raw["sweep"]["sweep_rate"] = []
    with pytest.raises(LzsmValueError, match="sweep.sweep_rate"):
        lzsm.io.scenario.from_dict(raw)


@pytest.mark.parametrize("hbar", ["abc", True, 0.0, -1.0, float("nan")])
def test_bad_hbar_names_the_key(hbar):
    # regression: hbar = 'abc' gave a bare float() error and hbar = true was taken as 1 (fixed in 70083ab)
    raw = small_raw()
    raw["model"]["hbar"] = hbar
    with pytest.raises(LzsmValueError, match="model.hbar"):
        lzsm.io.scenario.from_dict(raw)


def test_plain_units_use_hbar():
    raw = small_raw()
    raw["model"]["hbar"] = 0.5
    sc = lzsm.io.scenario.from_dict(raw)
    assert sc.hbar == 0.5 and sc.system is None
    with pytest.raises(LzsmValueError, match="no unit system"):
        raw["model"]["coupling"] = "0.1 GHz"
        lzsm.io.scenario.from_dict(raw)


def test_invalid_toml(tmp_path):
    f = tmp_path / "bad.toml"
    f.write_text("[model\nkind = 1\n")
    with pytest.raises(LzsmValueError, match="not valid TOML"):
        lzsm.io.scenario.load(f)
    with pytest.raises(LzsmValueError, match="does not exist"):
        lzsm.io.scenario.load(tmp_path / "missing.toml")


# --------------------------------------------------------------------------- linear_sweep
def test_linear_sweep_3x3_runs(tmp_path, reference_solve):
    raw = {
        "units": {"energy": "GHz", "time": "ns"},
        "model": {
            "kind": "linear_sweep",
            "constant": [["0 GHz", "0.1 GHz", 0], ["0.1 GHz", "0.2 GHz", "50 MHz"], [0, "50 MHz", 0]],
            "slopes": ["1 GHz/ns", 0, "-1 GHz/ns"],
        },
        "evolve": {"t_span": ["-10 ns", "10 ns"], "n_save": 21},
    }
    sc = lzsm.io.scenario.from_dict(raw)
    assert isinstance(sc.model, lzsm.LinearSweep) and sc.model.n_levels == 3
    out = tmp_path / "three"
    summary = lzsm.io.scenario.run(sc, out)
    for name in (
        "evolution.nc",
        "summary.json",
        "scenario.json",
        "energies.png",
        "populations.png",
        "nonadiabatic_coupling.png",
    ):
        assert (out / name).is_file(), name
    assert not (out / "sweep.nc").exists() and not (out / "probability_vs_rate.png").exists()
    assert "abs_error_vs_exact" not in summary  # the closed form is for kind landau_zener only
    # independent reference: scipy DOP853 (rtol = atol = 1e-12) on i hbar psi' = (A + B t) psi
    a = np.array([[0, 0.1, 0], [0.1, 0.2, 0.05], [0, 0.05, 0]], dtype=complex)
    b = np.diag([1.0, 0.0, -1.0]).astype(complex)
    psi = reference_solve(lambda t: a + b * t, (-10.0, 10.0), [1, 0, 0], hbar=1 / (2 * math.pi))
    # tolerance: evolve's default tol 1e-10 per step; 1e-8 in a population is ample margin
    assert summary["p_diabatic_stay"] == pytest.approx(abs(psi[0]) ** 2, abs=1e-8)
    with xr.open_dataset(out / "evolution.nc", engine="h5netcdf") as ds:
        assert ds.sizes["diabatic"] == 3
        assert ds["population_diabatic"].values[-1] == pytest.approx(np.abs(psi) ** 2, abs=1e-8)


def test_linear_sweep_validation():
    raw = {"model": {"kind": "linear_sweep", "constant": [[0, 0.1], [0.1, 0]]}, "evolve": {"t_span": [-1, 1]}}
    with pytest.raises(LzsmValueError, match="model.slopes` is required"):
        lzsm.io.scenario.from_dict(raw)
    raw["model"]["slopes"] = ["1 GHz", -1]
    raw["units"] = {"energy": "GHz", "time": "ns"}
    with pytest.raises(LzsmValueError, match="model.slopes` expects a sweep rate"):
        lzsm.io.scenario.from_dict(raw)
    raw["model"]["slopes"] = [1, -1]
    raw["sweep"] = {"sweep_rate": [1.0]}
    with pytest.raises(LzsmValueError, match="landau_zener' only"):
        lzsm.io.scenario.from_dict(raw)


# --------------------------------------------------------------------------- output folder
def test_force_refuses_a_folder_lzsm_did_not_write(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.txt").write_text("old")
    with pytest.raises(LzsmValueError, match=r"refusing to replace .*: lzsm did not write it"):
        lzsm.io.scenario.run(lzsm.io.scenario.from_dict(small_raw()), out, force=True)
    assert leftovers(out) == ["old.txt"] and leftovers(tmp_path) == ["out"]


def test_existing_folder_without_force_is_untouched(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("precious")
    sc = lzsm.io.scenario.from_dict(small_raw())
    with pytest.raises(LzsmValueError, match="exists"):
        lzsm.io.scenario.run(sc, out)
    assert leftovers(out) == ["keep.txt"] and (out / "keep.txt").read_text() == "precious"
    assert leftovers(tmp_path) == ["out"]  # no temporary sibling


def test_force_replaces_a_folder_lzsm_wrote(tmp_path):
    out = tmp_path / "out"
    lzsm.io.scenario.run(lzsm.io.scenario.from_dict(small_raw(populations=True)), out)
    assert "populations.png" in leftovers(out)
    summary = lzsm.io.scenario.run(lzsm.io.scenario.from_dict(small_raw()), out, force=True)
    assert leftovers(out) == [".lzsm-output", "evolution.nc", "scenario.json", "summary.json"]
    assert leftovers(tmp_path) == ["out"]
    # plain units, hbar = 1: V = 0.5, alpha = 1 -> delta = 1/4; t in [-10, 10] finite-time closed form
    assert summary["abs_error_vs_exact"] <= 1e-9
    assert summary["lz_probability"] == pytest.approx(math.exp(-math.pi / 2), rel=1e-12)


def test_failing_run_leaves_nothing_behind(tmp_path, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("plotting failed on purpose")

    monkeypatch.setattr(lzsm.plot.crossing, "plot_energies", boom)
    sc = lzsm.io.scenario.from_dict(small_raw(energies=True))
    out = tmp_path / "nested" / "result"
    with pytest.raises(RuntimeError, match="on purpose"):
        lzsm.io.scenario.run(sc, out)
    assert not out.exists()
    assert leftovers(out.parent) == []  # no '.result.partial-*' folder


def test_bad_initial_is_caught_when_the_file_is_checked():
    raw = small_raw()
    raw["evolve"]["initial"] = "sideways"
    with pytest.raises(LzsmValueError, match="evolve.initial"):
        lzsm.io.scenario.from_dict(raw)


def test_run_time_error_leaves_nothing_behind(tmp_path, monkeypatch):
    # a failure inside run() (after validation) must leave neither the folder nor a partial one
    sc = lzsm.io.scenario.from_dict(small_raw())

    def boom(*args, **kwargs):
        raise LzsmValueError("initial: simulated failure during the run")

    monkeypatch.setattr(lzsm.dynamics.coherent, "evolve", boom)
    with pytest.raises(LzsmValueError, match="initial"):
        lzsm.io.scenario.run(sc, tmp_path / "out")
    assert leftovers(tmp_path) == []


def test_run_keeps_the_callers_backend(tmp_path):
    # regression: run() used to call matplotlib.use('Agg'), switching e.g. Jupyter's backend (fixed in 70083ab)
    import matplotlib.pyplot as plt

    plt.switch_backend("pdf")
    try:
        lzsm.io.scenario.run(lzsm.io.scenario.from_dict(small_raw()), tmp_path / "out")
        assert matplotlib.get_backend().lower() == "pdf"
    finally:
        plt.switch_backend("Agg")


def test_run_leaves_no_open_figures(tmp_path):
    import matplotlib.pyplot as plt

    n = len(plt.get_fignums())
    lzsm.io.scenario.run(
        lzsm.io.scenario.from_dict(small_raw(energies=True, populations=True, nonadiabatic_coupling=True)),
        tmp_path / "out",
    )
    assert len(plt.get_fignums()) == n


def test_example_is_not_modified_by_from_dict():
    raw = example_raw()
    before = copy.deepcopy(raw)
    lzsm.io.scenario.from_dict(raw)
    assert raw == before


# --------------------------------------------------------------------------- the one reader
def test_scenario_json_reads_back_as_the_same_scenario(example_run):
    # scenario.json is the resolved configuration: every default filled in, quantities in [units]
    sc, out, _ = example_run
    stored = json.loads((out / "scenario.json").read_text())
    assert stored["units"] == {"energy": "GHz", "time": "ns"} and stored["figures"]["energies"] is True
    again = lzsm.io.scenario.from_dict(stored)
    assert float(again.model.coupling) == pytest.approx(float(sc.model.coupling), rel=1e-15)
    assert float(again.model.sweep_rate) == pytest.approx(float(sc.model.sweep_rate), rel=1e-15)
    assert again.t_span == sc.t_span and again.n_save == sc.n_save and again.tol == sc.tol
    assert again.sweep_rates == pytest.approx(sc.sweep_rates, rel=1e-15)
    assert again.resolved == sc.resolved


def test_plain_numbers_and_units_in_one_file_need_units():
    raw = small_raw()
    raw["evolve"]["t_span"] = ["-10 ns", 10.0]
    with pytest.raises(
        LzsmValueError,
        match=r"no unit system is set and evolve.t_span = \['-10 ns', 10.0\] has a "
        r"unit but model.coupling = 0.5, model.sweep_rate = 1.0 are plain "
        r"numbers: declare the unit system in a \[units\] table",
    ):
        lzsm.io.scenario.from_dict(raw)
    raw["units"] = {"energy": "GHz", "time": "ns"}  # declared: plain numbers are GHz and GHz/ns
    sc = lzsm.io.scenario.from_dict(raw)
    assert sc.t_span == (-10.0, 10.0) and float(sc.model.coupling) == 0.5


def test_unit_expressions_and_pint_quantities_in_a_scenario():
    raw = example_raw()
    raw["model"]["coupling"] = "0.1 GHz*h"  # h is Planck's constant: the energy of 0.1 GHz
    raw["model"]["sweep_rate"] = "1e6 MHz/us"
    sc = lzsm.io.scenario.from_dict(raw)
    assert float(sc.model.coupling) == pytest.approx(0.1, rel=1e-12)
    assert float(sc.model.sweep_rate) == pytest.approx(1.0, rel=1e-12)
    pint = pytest.importorskip("pint")
    ureg = pint.UnitRegistry()
    raw["model"]["coupling"] = ureg.Quantity(100, "MHz")
    raw["evolve"]["t_span"] = [ureg.Quantity(-20, "ns"), ureg.Quantity(0.02, "us")]
    sc = lzsm.io.scenario.from_dict(raw)
    assert float(sc.model.coupling) == pytest.approx(0.1, rel=1e-12)
    assert sc.t_span == pytest.approx((-20.0, 20.0), rel=1e-12)


# --------------------------------------------------------------------------- interferometry maps
EXAMPLES = EXAMPLE.parent


def tiny_map(**drive) -> dict:
    return {
        "title": "tiny",
        "drive": {
            "gap": 1.0,
            "frequency": 5.0,
            "offset": [0.0, 5.0],
            "amplitude": {"start": 0.0, "stop": 4.0, "num": 3},
            **drive,
        },
        "map": {"n_periods": 2, "n_samples": 64},
    }


def test_map_examples_load():
    ms = lzsm.io.scenario.load_map(EXAMPLES / "amplitude_spectroscopy.toml")
    assert ms.hbar == 1.0 and ms.frequency == 5.0 and ms.n_periods == 20 and ms.n_samples == "auto"
    assert ms.axes["offset"].shape == (128,) and ms.axes["amplitude"][-1] == 40.0
    ms = lzsm.io.scenario.load_map(EXAMPLES / "flux_qubit_spectroscopy.toml")
    assert ms.frequency == pytest.approx(2 * math.pi * 0.27, rel=1e-12)  # rad/ns from 0.27 GHz
    assert ms.n_periods is None  # 0: the infinite-time average
    assert ms.resolved["drive"]["frequency_hz"] == pytest.approx(0.27, rel=1e-12)  # recorded in cycles/ns


@pytest.mark.parametrize(
    "edit, match",
    [
        (lambda r: r["drive"].update(frequency_hz=1.0), "give exactly one of `drive.frequency`"),
        (lambda r: r["drive"].update(frequency=0.0), r"`drive.frequency` must be > 0, got 0"),
        (lambda r: r["drive"].update(amplitude=[-1.0, 1.0]), r"`drive.amplitude` must be >= 0, got -1"),
        (lambda r: r["drive"].update(shape="square"), "`drive.shape` must be one of harmonic, triangular"),
        (lambda r: r["map"].update(n_samples=4), r"`map.n_samples` must be an integer >= 8 or 'auto', got 4"),
        (lambda r: r["map"].update(initial=2), r"`map.initial` must be an integer >= 0 and <= 1, got 2"),
        (lambda r: r["map"].update(periods=3), r"unknown key 'periods' in \[map\]; accepted: n_periods"),
        (lambda r: r.pop("drive"), r"needs a \[drive\] table"),
        (lambda r: r["drive"].update(gap="1 GHz"), "no unit system is set and drive.gap = '1 GHz' has a unit"),
    ],
)
def test_map_scenario_errors_name_the_key(edit, match):
    raw = tiny_map()
    edit(raw)
    with pytest.raises(LzsmValueError, match=match):
        lzsm.io.scenario.map_from_dict(raw)


def test_map_run_and_resume_check(tmp_path):
    out = tmp_path / "map"
    summary = lzsm.io.scenario.run_map(lzsm.io.scenario.map_from_dict(tiny_map()), out)
    assert summary["points"] == 6
    assert {"map.nc", "interferometry.png", "scenario.json", "summary.json"} <= {p.name for p in out.iterdir()}
    assert json.loads((out / "scenario.json").read_text())["map"]["n_periods"] == 2
    with pytest.raises(LzsmValueError, match=r"cannot resume .*: the scenario differs in drive.gap$"):
        lzsm.io.scenario.run_map(lzsm.io.scenario.map_from_dict(tiny_map(gap=2.0)), out, resume=True)


# --------------------------------------------------------------------------- never a silent wrong number
@pytest.mark.parametrize(
    "edit, match",
    [
        (lambda r: r["evolve"].update(tol=1e-300), r"`evolve.tol` must be >= 1e-14 and <= 1, got 1e-300"),
        (lambda r: r["evolve"].update(max_steps=0), r"`evolve.max_steps` must be an integer >= 1"),
        (
            lambda r: r.update(sweep={"sweep_rate": {"start": 0.1, "stop": 1.0, "num": 10**8}}),
            r"a grid of 100000000 \(sweep.sweep_rate.num\) = 1e\+08 points exceeds the limit of 1e\+07",
        ),
    ],
)
def test_scenario_values_double_precision_or_the_budget_cannot_serve_are_refused_naming_the_key(edit, match):
    raw = small_raw()
    edit(raw)
    with pytest.raises(LzsmValueError, match=match):
        lzsm.io.scenario.from_dict(raw)


@pytest.mark.parametrize(
    "evolve, match",
    [
        # used to end in NaN probabilities written to the folder
        (
            {"t_span": [-1e5, 1e5], "tails": "off"},
            r"`evolve.t_span` = \(-100000, 100000\) needs at least 1\.59e\+09 steps",
        ),
        (
            {"t_span": [-200.0, 200.0], "max_steps": 100},
            r"did not reach the end of `evolve.t_span` at 1 of 1 points .* raise `evolve.max_steps`",
        ),
    ],
)
def test_run_that_cannot_finish_names_the_keys_and_writes_nothing(tmp_path, evolve, match):
    raw = small_raw()
    raw["evolve"].update(evolve)
    with pytest.raises(lzsm.LzsmError, match=match):
        lzsm.io.scenario.run(lzsm.io.scenario.from_dict(raw), tmp_path / "out")
    assert leftovers(tmp_path) == []


def test_map_of_more_points_than_the_cap_is_refused_naming_the_keys():
    raw = tiny_map(offset={"start": 0.0, "stop": 1.0, "num": 100_000}, amplitude={"start": 0, "stop": 1, "num": 10_000})
    with pytest.raises(lzsm.LzsmResourceError, match=r"100000 \(drive.offset\) x 10000 \(drive.amplitude\) = 1e\+09"):
        lzsm.io.scenario.map_from_dict(raw)


@pytest.mark.parametrize(
    "edit, match",
    [
        (lambda r: r["map"].update(n_periods=10**18), r"`map.n_periods` = 1000000000000000000 is more periods"),
        (
            lambda r: (r["drive"].update(frequency=1e-6), r["map"].update(n_samples="auto")),
            r"`map.n_samples` = 'auto'.*`drive.frequency`",
        ),
        (
            lambda r: r["drive"].update(frequency=1e-6, amplitude=[40.0]),
            r"one drive period needs at least 1\.22e\+07 steps .* frequency = 1e-06",
        ),
        (lambda r: r["map"].update(n_samples=10**9), r"1000000001 samples per period \(`map.n_samples`\)"),
    ],
)
def test_map_beyond_what_tol_or_memory_allows_is_refused_naming_the_key_and_leaves_nothing(
    tmp_path, monkeypatch, edit, match
):
    monkeypatch.setenv("LZSM_MEMORY_LIMIT", "4GiB")
    raw = tiny_map()
    edit(raw)
    with pytest.raises(lzsm.LzsmError, match=match):
        lzsm.io.scenario.run_map(lzsm.io.scenario.map_from_dict(raw), tmp_path / "map")
    assert leftovers(tmp_path) == []
