"""The application framework (lzsm.applications): schema checks, unit-aware getters, atomic output.

The physics of each application is tested in its own file (tests/test_applications_*.py)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import xarray as xr

import lzsm
from lzsm.applications import Config, register, run
from lzsm.applications._framework import APPLICATIONS, new_figure, write_dataset
from lzsm.errors import LzsmValueError


@register("_test_lz", schema={"model": {"coupling": "energy", "sweep_rate": "sweep_rate", "n": "int", "fail": "bool"}})
def _test_lz(cfg: Config, out: Path) -> dict:
    import numpy as np

    v = cfg.get("model", "coupling", low=0.0)
    a = cfg.get("model", "sweep_rate", low=0.0, low_open=True)
    n = cfg.get("model", "n", 3, low=1)
    p = float(lzsm.lz_probability(v, a, cfg.hbar))
    write_dataset(xr.Dataset({"p_diabatic_stay": ("k", np.full(n, p))}), out / "data.nc")
    if cfg.get("model", "fail", False):
        raise RuntimeError("failing after writing data")
    fig, ax = new_figure()
    ax.plot(range(n), [p] * n)
    fig.savefig(out / "figure.png")
    return {"p_diabatic_stay": p}


def test_units_are_converted_at_the_edge(tmp_path):
    # V/h = 0.1 GHz, alpha/h = 1 GHz/ns, hbar = 1/(2 pi) GHz ns: P_LZ = exp(-4 pi^2 * 0.01 / 1)
    raw = {
        "application": "_test_lz",
        "units": {"energy": "GHz", "time": "ns"},
        "model": {"coupling": "100 MHz", "sweep_rate": "1 GHz/ns"},
    }
    summary = run(raw, tmp_path / "out")
    assert summary["p_diabatic_stay"] == pytest.approx(math.exp(-4 * math.pi**2 * 0.01), rel=1e-12)
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert files == [".lzsm-output", "data.nc", "figure.png", "scenario.json", "summary.json"]
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["application"] == "_test_lz"


@pytest.mark.parametrize(
    "raw, match",
    [
        ({"application": "nope"}, "unknown application 'nope'"),
        ({"application": 3}, "`application` must be a name"),
        ({"application": "_test_lz", "modle": {}}, "unknown key 'modle' at top level"),
        (
            {"application": "_test_lz", "model": {"coupling": 1, "sweep_rate": 1, "rate": 2}},
            "unknown key 'rate' in \\[model\\]",
        ),
        ({"application": "_test_lz", "model": {"sweep_rate": 1}}, "`model.coupling` is required"),
        ({"application": "_test_lz", "model": {"coupling": 1, "sweep_rate": 0}}, "`model.sweep_rate` must be > 0"),
        (
            {"application": "_test_lz", "model": {"coupling": 1, "sweep_rate": 1, "n": 1.5}},
            "`model.n` must be an integer",
        ),
        (
            {"application": "_test_lz", "model": {"coupling": "1 s", "sweep_rate": 1}, "units": {"energy": "GHz"}},
            "`model.coupling` expects an energy",
        ),
    ],
)
def test_bad_input_names_the_key_and_writes_nothing(tmp_path, raw, match):
    with pytest.raises(LzsmValueError, match=match):
        run(raw, tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


def test_failure_after_writing_leaves_no_partial_folder(tmp_path):
    raw = {"application": "_test_lz", "model": {"coupling": 0.3, "sweep_rate": 1.0, "fail": True}}
    with pytest.raises(RuntimeError):
        run(raw, tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


def test_existing_output_needs_force(tmp_path):
    raw = {"application": "_test_lz", "model": {"coupling": 0.3, "sweep_rate": 1.0}}
    run(raw, tmp_path / "out")
    with pytest.raises(LzsmValueError, match="exists; use --force"):
        run(raw, tmp_path / "out")
    run(raw, tmp_path / "out", force=True)


def test_every_listed_application_registers_under_its_name():
    import importlib

    from lzsm.applications._framework import _MODULES

    for name, module in _MODULES.items():
        importlib.import_module(f"lzsm.applications.{module}")
        assert name in APPLICATIONS, f"{module} does not register {name!r}"
        assert APPLICATIONS[name].doc.startswith("docs/"), f"{name} names no docs page"


EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_every_application_has_an_example_and_a_docs_page_linked_from_the_readme():
    """Issue 8: each scenario runs from its example file and its page is linked from the README."""
    from lzsm.applications._framework import _MODULES
    from lzsm.io.output import read_toml

    root = EXAMPLES.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    found = {}
    for path in sorted(EXAMPLES.glob("*.toml")):
        raw = read_toml(path)
        if "application" in raw:
            found[raw["application"]] = path
            Config(raw, APPLICATIONS[raw["application"]])  # the example validates against its schema
            assert f"examples/{path.name}" in readme, f"README does not show {path.name}"
    assert set(found) == set(_MODULES), f"applications without an example: {set(_MODULES) - set(found)}"
    for app in APPLICATIONS.values():
        if app.name in _MODULES:
            assert (root / app.doc).is_file(), app.doc
            assert f"({app.doc})" in readme, f"README does not link {app.doc}"


def test_run_file_reads_toml(tmp_path):
    """`run_file` is `run` on a TOML file (the Python twin of `lzsm run FILE.toml --out DIR`)."""
    from lzsm.applications import run_file

    f = tmp_path / "lz.toml"
    f.write_text('application = "_test_lz"\n[model]\ncoupling = 0.5\nsweep_rate = 1.0\n')
    summary = run_file(f, tmp_path / "out")
    assert summary["p_diabatic_stay"] == pytest.approx(math.exp(-math.pi / 2), rel=1e-12)  # exp(-2 pi 0.25)
    with pytest.raises(LzsmValueError, match="does not exist"):
        run_file(tmp_path / "missing.toml", tmp_path / "out2")


def test_ranges_defaults_and_messages_state_the_whole_accepted_range():
    from lzsm.applications._framework import Application

    app = Application("_t", {"s": {"x": "number", "rates": "sweep_rate"}}, lambda cfg, out: {})
    cfg = Config({"application": "_t", "units": {"energy": "GHz", "time": "ns"}, "s": {"x": 1.0}}, app)
    with pytest.raises(LzsmValueError, match=r"`s.x` must be > 0 and < 1, got 1$"):
        cfg.get("s", "x", low=0.0, high=1.0, low_open=True, high_open=True)
    with pytest.raises(LzsmValueError, match=r"`s.x` must be >= 2, got 1$"):
        cfg.get("s", "x", low=2.0)
    # a default goes through the same reader and checks: a table, with units
    rates = cfg.get_range("s", "rates", {"start": "1 MHz/ns", "stop": "1 GHz/ns", "num": 4, "scale": "log"})
    assert rates == pytest.approx([1e-3, 1e-2, 1e-1, 1.0], rel=1e-12)
    with pytest.raises(LzsmValueError, match=r"`s.rates` must be > 0 and <= 0.5, got 1"):
        cfg.get_range("s", "rates", [0.1, 1.0], low=0.0, high=0.5, low_open=True)


def test_scenario_json_is_the_resolved_configuration_and_reads_back(tmp_path):
    """scenario.json records every value the runner read, defaults included, in the file's units."""
    raw = {
        "application": "_test_lz",
        "units": {"energy": "GHz", "time": "ns"},
        "model": {"coupling": "100 MHz", "sweep_rate": "1 GHz/ns"},
    }
    first = run(raw, tmp_path / "out")
    stored = json.loads((tmp_path / "out" / "scenario.json").read_text())
    assert stored == {
        "application": "_test_lz",
        "title": "_test_lz",
        "units": {"energy": "GHz", "time": "ns"},
        "model": {"coupling": pytest.approx(0.1, rel=1e-12), "sweep_rate": 1.0, "n": 3, "fail": False},
    }
    again = run(stored, tmp_path / "again")
    assert again["p_diabatic_stay"] == pytest.approx(first["p_diabatic_stay"], rel=1e-14)


def test_units_in_a_file_without_units_are_named_with_the_plain_numbers(tmp_path):
    raw = {"application": "_test_lz", "model": {"coupling": "0.1 GHz", "sweep_rate": 1.0}}
    with pytest.raises(
        LzsmValueError,
        match=r"no unit system is set and model.coupling = '0.1 GHz' has a unit but "
        r"model.sweep_rate = 1.0 is a plain number: declare the unit system",
    ):
        run(raw, tmp_path / "out")
    assert list(tmp_path.iterdir()) == []
