"""The command line (lzsm.io.cli): lz, evolve, run; bad input -> one line on stderr, exit 2, no files.

P_LZ = exp(-2 pi V^2/(hbar alpha)); with V = 0.5, alpha = 1, hbar = 1 this is
exp(-pi/2).  In GHz/ns units hbar = 1/(2 pi).  The finite-time reference is lzsm's closed form
(Vitanov & Garraway 1996), which `lz` prints beside its exact propagation.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest
import xarray as xr
from click.testing import CliRunner

import lzsm
from lzsm.io.cli import main

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "qubit_landau_zener.toml"
P_KEY = "P_LZ (p_diabatic_stay, t: -inf..inf)"


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def assert_one_line_error(result):
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert result.stdout == ""
    assert result.stderr.startswith("lzsm: error: ")
    assert result.stderr.count("\n") == 1 and result.stderr.endswith("\n")


# --------------------------------------------------------------------------- lz
def test_lz_json_plain_units():
    r = invoke("lz", "-V", "0.5", "-a", "1", "--json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["hbar"] == 1.0
    assert d[P_KEY] == pytest.approx(math.exp(-math.pi / 2), rel=1e-12)
    assert d["adiabaticity delta = V^2/(hbar|alpha|)"] == pytest.approx(0.25, rel=1e-12)
    assert d["minimum gap 2|V|"] == pytest.approx(1.0, rel=1e-12)
    # exact propagation against the finite-time closed form (evolve's default tol 1e-10)
    assert d["evolve |P - P_exact|"] <= 1e-9
    assert abs(d["evolve p_diabatic_stay"] - d["exact finite-time p_diabatic_stay"]) <= 1e-9


def test_lz_table_output():
    r = invoke("lz", "-V", "0.5", "-a", "1")
    assert r.exit_code == 0 and r.stderr == ""
    assert "P_LZ" in r.stdout and "regime" in r.stdout


def test_lz_with_units_has_hbar_one_over_two_pi():
    r = invoke("lz", "-V", "0.1 GHz", "-a", "1 GHz/ns", "--json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["hbar"] == pytest.approx(1 / (2 * math.pi), abs=1e-12)
    assert d[P_KEY] == pytest.approx(math.exp(-4 * math.pi**2 * 0.01), rel=1e-12)
    assert d["units"].startswith("energy GHz, time ns")
    assert d["evolve |P - P_exact|"] <= 1e-9
    # the same passage in MHz and us: identical physics
    r2 = invoke("lz", "-V", "100 MHz", "-a", "1000 MHz/ns", "--json")
    assert json.loads(r2.stdout)[P_KEY] == pytest.approx(d[P_KEY], rel=1e-12)


def test_lz_json_is_strict_json_for_zero_coupling():
    r = invoke("lz", "-V", "0", "-a", "1", "--json")
    assert r.exit_code == 0

    def reject(token):
        raise ValueError(f"non-standard JSON token {token}")

    json.loads(r.stdout, parse_constant=reject)


# --------------------------------------------------------------------------- evolve
def test_evolve_writes_readable_netcdf(tmp_path):
    out = tmp_path / "lz.nc"
    r = invoke("evolve", "-V", "0.5", "-a", "1", "--t-span", "-10", "10", "--n-save", "21", "--out", out, "--json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["written"] == str(out)
    assert d["p_adiabatic_follow"] + d["p_jump"] == pytest.approx(1.0, abs=1e-12)
    with xr.open_dataset(out, engine="h5netcdf") as ds:
        assert ds.sizes["t"] == 21
        assert float(ds["p_diabatic_stay"]) == pytest.approx(d["p_diabatic_stay"], abs=1e-15)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lz.nc"]  # no '.partial' file
    # --force overwrites
    r = invoke("evolve", "-V", "0.5", "-a", "1", "--t-span", "-10", "10", "--out", out, "--force")
    assert r.exit_code == 0, r.output


def test_evolve_with_units():
    r = invoke("evolve", "-V", "0.1 GHz", "-a", "1 GHz/ns", "--t-span", "-5 ns", "5 ns", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["hbar"] == pytest.approx(1 / (2 * math.pi), abs=1e-12)


# --------------------------------------------------------------------------- run
def test_run_example(tmp_path):
    out = tmp_path / "demo"
    r = invoke("run", EXAMPLE, "--out", out)
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith(f"wrote {out}/")
    for name in (
        "evolution.nc",
        "sweep.nc",
        "summary.json",
        "scenario.json",
        "energies.png",
        "populations.png",
        "probability_vs_rate.png",
        "nonadiabatic_coupling.png",
    ):
        assert (out / name).is_file(), name
    assert json.loads((out / "summary.json").read_text())["abs_error_vs_exact"] <= 1e-9
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo"]


# --------------------------------------------------------------------------- bad input
BAD = {
    "lz NaN": ["lz", "-V", "nan", "-a", "1"],
    "lz wrong dimension": ["lz", "-V", "0.1 GHz", "-a", "1 GHz"],
    "lz reversed t-span": ["lz", "-V", "0.5", "-a", "1", "--t-span", "30", "-30"],
    "lz hbar with units": ["lz", "-V", "0.1 GHz", "-a", "1 GHz/ns", "--hbar", "1"],
    "lz zero sweep rate": ["lz", "-V", "0.5", "-a", "0"],
    "lz unknown unit": ["lz", "-V", "0.1 furlong", "-a", "1 GHz/ns"],
    "evolve NaN": ["evolve", "-V", "nan", "-a", "1", "--t-span", "-5", "5", "--out", "{tmp}/x.nc"],
    "evolve wrong dimension": [
        "evolve",
        "-V",
        "0.1 GHz",
        "-a",
        "1 GHz/ns",
        "--t-span",
        "-5 ns",
        "5 GHz",
        "--out",
        "{tmp}/x.nc",
    ],
    "evolve reversed t-span": ["evolve", "-V", "0.5", "-a", "1", "--t-span", "5", "-5", "--out", "{tmp}/x.nc"],
    "evolve hbar with units": [
        "evolve",
        "-V",
        "0.5",
        "-a",
        "1",
        "--t-span",
        "-5",
        "5",
        "--hbar",
        "2",
        "--units",
        "GHz,ns",
        "--out",
        "{tmp}/x.nc",
    ],
    "evolve bad initial": [
        "evolve",
        "-V",
        "0.5",
        "-a",
        "1",
        "--t-span",
        "-5",
        "5",
        "--initial",
        "sideways",
        "--out",
        "{tmp}/x.nc",
    ],
    "run missing file": ["run", "{tmp}/missing.toml", "--out", "{tmp}/out"],
}


@pytest.mark.parametrize("args", BAD.values(), ids=BAD.keys())
def test_bad_input_is_one_line_exit_2_and_no_output(tmp_path, args):
    r = invoke(*[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert_one_line_error(r)
    assert list(tmp_path.iterdir()) == []


def test_run_unknown_scenario_key(tmp_path):
    f = tmp_path / "s.toml"
    f.write_text(EXAMPLE.read_text(encoding="utf-8").replace("[evolve]", "[evolve]\nstepsize = 3"), encoding="utf-8")
    r = invoke("run", f, "--out", tmp_path / "out")
    assert_one_line_error(r)
    assert "'stepsize'" in r.stderr and "[evolve]" in r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.toml"]


def test_evolve_existing_out_without_force(tmp_path):
    out = tmp_path / "x.nc"
    out.write_bytes(b"keep me")
    r = invoke("evolve", "-V", "0.5", "-a", "1", "--t-span", "-5", "5", "--out", out)
    assert_one_line_error(r)
    assert "exists" in r.stderr
    assert out.read_bytes() == b"keep me" and sorted(p.name for p in tmp_path.iterdir()) == ["x.nc"]


def test_run_existing_out_without_force(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("keep me")
    r = invoke("run", EXAMPLE, "--out", out)
    assert_one_line_error(r)
    assert "exists" in r.stderr
    assert [p.name for p in out.iterdir()] == ["keep.txt"] and (out / "keep.txt").read_text() == "keep me"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


USAGE = {
    "missing option": (["lz", "-V", "0.5"], "Missing option '--sweep-rate' / '-a' (see 'lzsm lz --help')"),
    "unknown option": (["lz", "--bogus"], "No such option '--bogus' (see 'lzsm lz --help')"),
    "unknown group option": (["--bogus"], "No such option '--bogus' (see 'lzsm --help')"),
    "missing argument": (["run"], "Missing argument 'SCENARIO_FILE' (see 'lzsm run --help')"),
    "unknown command": (["frobnicate"], "No such command 'frobnicate' (see 'lzsm --help')"),
    "value out of range": (
        ["evolve", "-V", "0.5", "-a", "1", "--t-span", "-5", "5", "--n-save", "1"],
        "Invalid value for '--n-save': 1 is not in the range 2<=x<=1000000",
    ),
    "one value for two": (["evolve", "-V", "0.5", "-a", "1", "--t-span", "-5"], "Option '--t-span' requires 2"),
}


@pytest.mark.parametrize("args, message", USAGE.values(), ids=USAGE.keys())
def test_usage_errors_are_one_line_exit_2(args, message):
    # click's own usage errors print the same one line as every other error
    r = invoke(*args)
    assert_one_line_error(r)
    assert message in r.stderr


# --------------------------------------------------------------------------- units: never mixed silently
def test_plain_numbers_and_unit_strings_do_not_mix():
    # without --units this passage used to run with the plain numbers read as GHz and GHz/ns
    r = invoke("evolve", "-V", "0.5", "-a", "1", "--t-span", "-5 ns", "5")
    assert_one_line_error(r)
    assert (
        "no unit system is set and --t-span = '-5 ns' has a unit but --coupling = '0.5', --sweep-rate = '1', "
        "--t-span = '5' are plain numbers: give every value a unit, or declare the unit system with --units "
        "ENERGY,TIME"
    ) in r.stderr
    r = invoke("lz", "-V", "0.1 GHz", "-a", "1 GHz/ns", "--t-span", "-20", "20")
    assert_one_line_error(r)
    assert "--coupling = '0.1 GHz', --sweep-rate = '1 GHz/ns' have units but --t-span = '-20'" in r.stderr


def test_declared_units_give_plain_numbers_their_meaning():
    def p(*args):
        r = invoke("evolve", *args, "--json")
        assert r.exit_code == 0, r.output
        return json.loads(r.stdout)

    declared = p("-V", "0.5", "-a", "1", "--t-span", "-5 ns", "5", "--units", "GHz,ns")
    all_units = p("-V", "0.5 GHz", "-a", "1 GHz/ns", "--t-span", "-5 ns", "5 ns")
    assert declared["p_diabatic_stay"] == all_units["p_diabatic_stay"]
    assert declared["hbar"] == pytest.approx(1 / (2 * math.pi), abs=1e-15)
    # plain numbers alone: hbar = 1; the finite-time closed form (Vitanov & Garraway 1996)
    plain = p("-V", "0.5", "-a", "1", "--t-span", "-5", "5")
    exact = float(lzsm.finite_time_p_diabatic_stay(0.5, 1.0, 5.0, -5.0, 0, 1.0))
    assert plain["hbar"] == 1.0 and plain["p_diabatic_stay"] == pytest.approx(exact, abs=1e-8)


def test_lz_takes_unit_expressions_and_a_t_span_with_units():
    r = invoke("lz", "-V", "0.1 GHz*h", "-a", "1e6 MHz/us", "--t-span", "-20 ns", "0.02 us", "--json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d[P_KEY] == pytest.approx(math.exp(-4 * math.pi**2 * 0.01), rel=1e-12)
    assert d["t_span"] == "[-20, 20]" and d["evolve |P - P_exact|"] <= 1e-9


# --------------------------------------------------------------------------- a light command line
HEAVY = ("numpy", "scipy", "xarray", "numba", "matplotlib", "dask", "pint")


@pytest.mark.parametrize(
    "code",
    [
        "import lzsm",
        "from lzsm.io.cli import main; main(['--help'])",
        "from lzsm.io.cli import main; main(['lz', '--help'])",
        "from lzsm.io.cli import main; main(['evolve', '--bogus'])",
    ],
)
def test_help_and_import_load_no_numerical_stack(code):
    # the durable form of "lzsm --help is fast": nothing heavy is imported before a command runs
    import subprocess
    import sys

    script = (
        f"import sys, io, contextlib\nwith contextlib.redirect_stdout(io.StringIO()), "
        f"contextlib.redirect_stderr(io.StringIO()):\n    try:\n        {code}\n    except SystemExit:\n"
        f"        pass\nprint(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout


# --------------------------------------------------------------------------- help
@pytest.mark.parametrize("command", [[], ["lz"], ["evolve"], ["run"]])
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help(command, flag):
    r = invoke(*command, flag)
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("Usage:")


def test_version():
    r = invoke("--version")
    assert r.exit_code == 0 and r.stdout.strip() == f"lzsm {lzsm.__version__}"


# --------------------------------------------------------------------------- run: applications
ET_TOML = """application = "electron_transfer"
[units]
energy = "eV"
time = "ps"
[marcus]
reorganization_energy = "1 eV"
reaction_free_energy = "0 eV"
temperature = "298.15 K"
solvent_frequency = "100 cm^-1"
[sweep]
coupling = { start = "0.1 cm^-1", stop = "3000 cm^-1", num = 9, scale = "log" }
"""


def test_run_dispatches_an_application_file(tmp_path):
    """`lzsm run` on a file with `application = ...` runs that application (Marcus -> TST crossover)."""
    f = tmp_path / "et.toml"
    f.write_text(ET_TOML)
    result = invoke("run", f, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "crossover_coupling_cm" in result.output
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["application"] == "electron_transfer"
    assert summary["rate_over_tst_at_largest_coupling"] == pytest.approx(1.0, rel=1e-6)
    assert xr.open_dataset(tmp_path / "out" / "data.nc", engine="h5netcdf").sizes


def test_run_application_bad_input_is_one_line_and_writes_nothing(tmp_path):
    f = tmp_path / "et.toml"
    f.write_text(ET_TOML.replace('temperature = "298.15 K"', 'temperature = "-3 K"'))
    result = invoke("run", f, "--out", tmp_path / "out")
    assert_one_line_error(result)
    assert "temperature" in result.stderr
    assert not (tmp_path / "out").exists()
    f.write_text(ET_TOML.replace("electron_transfer", "electron_transfr"))
    result = invoke("run", f, "--out", tmp_path / "out")
    assert_one_line_error(result)
    assert "unknown application 'electron_transfr'" in result.stderr


# --------------------------------------------------------------------------- never a silent wrong number
@pytest.mark.parametrize(
    "args, message",
    [
        # printed "evolve p_diabatic_stay  nan" and exited 0
        (
            ["lz", "-V", "0.5", "-a", "1", "--t-span", "-1e12", "1e12", "--tails", "off"],
            r"`--t-span` = \(-1e\+12, 1e\+12\) needs at least",
        ),
        # reported "`t_span` must be finite, got (-inf, inf)"
        (
            ["lz", "-V", "1e300", "-a", "1"],
            r"`--coupling` must be \|V\| <= 14\.14 at --sweep-rate 1 .* got --coupling 1e\+300",
        ),
        (
            ["evolve", "-V", "0.5", "-a", "1", "--t-span", "-1e5", "1e5", "--tails", "off"],
            r"`--t-span` = \(-100000, 100000\)",
        ),
        (
            ["evolve", "-V", "0.5", "-a", "1", "--t-span", "-5", "5", "--tails", "on"],
            r"'on' is not one of 'auto', 'off'",
        ),
        (
            ["evolve", "-V", "0.5", "-a", "1", "--t-span", "-200", "200", "--max-steps", "100"],
            r"did not reach the end of --t-span .*after 100 steps\): shorten --t-span, loosen --tol or raise --max-steps",
        ),
        (
            ["evolve", "-V", "0.5", "-a", "1", "--t-span", "-5", "5", "--tol", "1e-300"],
            r"`--tol` must be in \[1e-14, 1\]",
        ),
    ],
)
def test_what_double_precision_or_the_budget_cannot_deliver_exits_2_naming_the_option(args, message):
    r = invoke(*args)
    assert_one_line_error(r)
    assert re.search(message, r.stderr), r.stderr


def test_windows_far_beyond_the_step_budget_run_with_tails():
    """--t-span -1e12 1e12 needs 1.6e23 steps stepped through; with the tails (the default) the
    core takes a few hundred and the result is the finite-time closed form to 1e-9."""
    r = invoke("lz", "-V", "0.5", "-a", "1", "--t-span", "-1e12", "1e12", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["evolve |P - P_exact|"] <= 1e-9
    assert out["evolve steps"] <= 1000
    r = invoke("evolve", "-V", "0.5", "-a", "1", "--t-span", "-1e5", "1e5", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["p_diabatic_stay"] == pytest.approx(math.exp(-math.pi / 2), abs=1e-5)


def test_lz_without_coupling_prints_no_nan():
    r = invoke("lz", "-V", "0", "-a", "1")
    assert r.exit_code == 0 and "nan" not in r.stdout.lower()


def test_map_with_more_periods_than_tol_resolves_exits_2_naming_the_key(tmp_path):
    f = tmp_path / "m.toml"
    f.write_text(
        "[drive]\ngap = 1.0\nfrequency = 5.0\noffset = [0.0, 5.0]\namplitude = [0.0, 4.0]\n"
        "[map]\nn_periods = 1000000000000000000\n",
        encoding="utf-8",
    )
    r = invoke("map", f, "--out", tmp_path / "out")
    assert_one_line_error(r)
    assert "`map.n_periods` = 1000000000000000000 is more periods" in r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.toml"]


def test_tails_choices_are_the_library_s():
    from lzsm.dynamics.asymptotic import TAILS
    from lzsm.io import cli

    for command in (cli.lz, cli.evolve):
        (param,) = [p for p in command.params if p.name == "tails"]
        assert tuple(param.type.choices) == TAILS


# --------------------------------------------------------------------------- fit
def _passage_csv(path: Path, p_shift: float = 0.0) -> Path:
    import numpy as np

    rate = np.geomspace(0.05, 5.0, 20)
    rng = np.random.default_rng(51)
    p = 0.02 + 0.95 * np.asarray(lzsm.lz_probability(0.3, rate)) + rng.normal(0.0, 0.01, rate.size) + p_shift
    np.savetxt(path, np.column_stack([rate, p]), delimiter=",", header="sweep_rate,p_measured", comments="")
    return path


def test_fit_passage_writes_result_figure_and_summary(tmp_path):
    data = _passage_csv(tmp_path / "curve.csv")
    out = tmp_path / "fit"
    r = invoke("fit", data, "--model", "passage", "--out", out, "--sigma", "0.01")
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "fit.nc",
        "fit.png",
        "summary.json",
        "summary.txt",
    ]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    direct = lzsm.fit.passage(data, sigma=0.01)
    assert summary["values"]["gap"] == pytest.approx(direct.values["gap"], rel=1e-9)
    assert summary["stderr"]["gap"] == pytest.approx(direct.stderr["gap"], rel=1e-9)
    assert summary["fixed"] == ["lever_arm"] and summary["sigma"] == "given per point"
    with xr.open_dataset(out / "fit.nc", engine="h5netcdf") as ds:
        assert float(ds["value"].sel(parameter="gap")) == pytest.approx(direct.values["gap"])
    assert "gap" in r.stdout and "reduced_chi2" in r.stdout
    # an existing folder lzsm wrote is replaced only with --force
    again = invoke("fit", data, "--model", "passage", "--out", out)
    assert_one_line_error(again)
    forced = invoke("fit", data, "--model", "passage", "--out", out, "--force", "--fixed", "offset=0.02")
    assert forced.exit_code == 0, forced.output
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["sigma"] == "estimated from the residuals"


def test_fit_other_models_from_files(tmp_path):
    import numpy as np

    from lzsm.applications.qubits import rate_model_map
    from lzsm.fitting.feshbach import conversion
    from lzsm.fitting.stueckelberg import fringes

    tc = np.linspace(6.0, 18.0, 30)
    np.savetxt(
        tmp_path / "fringes.csv",
        np.column_stack([tc, 0.05 + 0.9 * fringes(0.4, 1.0, tc)]),
        delimiter=",",
        header="crossing_time,p_measured",
        comments="",
    )
    r = invoke("fit", tmp_path / "fringes.csv", "--model", "stueckelberg", "--sweep-rate", "1", "--out", tmp_path / "s")
    assert r.exit_code == 0, r.output
    assert json.loads((tmp_path / "s" / "summary.json").read_text())["values"]["gap"] == pytest.approx(0.4, rel=1e-4)
    rate = np.geomspace(0.01, 10.0, 15)
    np.savetxt(
        tmp_path / "fb.csv",
        np.column_stack([rate, conversion(3e-9, 1e12, rate, 0.8)]),
        delimiter=",",
        header="sweep_rate_gauss_per_ms,p_measured",
        comments="",
    )
    r = invoke("fit", tmp_path / "fb.csv", "--model", "feshbach", "--density", "1e12", "--out", tmp_path / "f")
    assert r.exit_code == 0, r.output
    assert json.loads((tmp_path / "f" / "summary.json").read_text())["values"]["beta"] == pytest.approx(3e-9, rel=1e-4)
    x, y = np.linspace(-3, 3, 61), np.linspace(0, 2, 9)
    p = 0.9 * rate_model_map(0.1, 2.0 * (x - 0.2), 1.5 * y, 5.0, 200.0, 20.0) + 0.02
    xx, yy = np.meshgrid(x, y, indexing="ij")
    np.savetxt(
        tmp_path / "map.csv",
        np.column_stack([xx.ravel(), yy.ravel(), p.ravel()]),
        delimiter=",",
        header="flux,drive,p_measured",
        comments="",
    )
    args = ["--guess", "gap=0.12", "--guess", "lever_offset=1.9", "--guess", "lever_amplitude=1.6"]
    args += ["--guess", "t2=15", "--fixed", "t1=200", "--frequency", "5"]
    r = invoke("fit", tmp_path / "map.csv", "--model", "spectroscopy", "--out", tmp_path / "m", *args)
    assert r.exit_code == 0, r.output
    summary = json.loads((tmp_path / "m" / "summary.json").read_text())
    assert summary["values"]["origin"] == pytest.approx(0.2, rel=1e-4)
    assert summary["forward_model"] == "rate model (Berns et al. 2006)"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--model", "feshbach"], "needs --density"),
        (["--model", "passage", "--frequency", "3"], "--frequency does not apply to --model passage"),
        (["--model", "passage", "--frequency", "3", "--density", "1e12"], "--density, --frequency do not apply"),
        (["--model", "stueckelberg"], "--model stueckelberg needs --sweep-rate"),
        (["--model", "passage", "--guess", "gap"], "NAME=NUMBER"),
        (["--model", "passage", "--guess", "Delta=1"], "unknown parameter 'Delta'"),
        (["--model", "stueckelberg", "--sweep-rate", "1"], "axis must be 'crossing_time'"),
        (["--model", "fitall"], "--model"),
    ],
)
def test_fit_bad_input_is_one_line_and_writes_nothing(tmp_path, extra, message):
    data = _passage_csv(tmp_path / "curve.csv")
    r = invoke("fit", data, "--out", tmp_path / "out", *extra)
    assert_one_line_error(r)
    assert message in r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["curve.csv"]


def test_fit_refuses_probabilities_outside_0_1(tmp_path):
    data = _passage_csv(tmp_path / "curve.csv", p_shift=0.2)
    r = invoke("fit", data, "--model", "passage", "--out", tmp_path / "out")
    assert_one_line_error(r)
    assert "[0, 1]" in r.stderr and not (tmp_path / "out").exists()


_MAP_FILES = {  # the map files the two refusals of docs/accuracy.md describe in their comments
    "a map file with map.n_periods = 1000000000000000000": (
        "[drive]\ngap = 1.0\nfrequency = 5.0\noffset = [0.0, 5.0]\namplitude = [0.0, 4.0]\n"
        "[map]\nn_periods = 1000000000000000000\n"
    ),
    "6 x 5 points, map.n_samples = 1000000000": (
        "[drive]\ngap = 1.0\nfrequency = 5.0\noffset = { start = 0.0, stop = 10.0, num = 6 }\n"
        "amplitude = { start = 0.0, stop = 8.0, num = 5 }\n[map]\nn_samples = 1000000000\n"
    ),
}


@pytest.mark.parametrize("comment", list(_MAP_FILES))
def test_the_map_refusals_quoted_in_accuracy_md(comment, tmp_path, monkeypatch):
    """The two ``text`` fences of docs/accuracy.md that run ``lzsm map spectroscopy.toml`` (a
    file the page describes, not ships): the line the page prints is the one lzsm prints."""
    page = (Path(__file__).parents[1] / "docs" / "accuracy.md").read_text(encoding="utf-8")
    block = re.search(r"^\$ (.*?)\s+# " + re.escape(comment) + r"\n(lzsm: error: .*)$", page, re.M)
    assert block is not None, f"docs/accuracy.md no longer shows the map refusal '{comment}'"
    command, line = block.groups()
    words = command.split()
    for word in words[: words.index("lzsm")]:
        monkeypatch.setenv(*word.split("=", 1))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "spectroscopy.toml").write_text(_MAP_FILES[comment], encoding="utf-8")
    r = invoke(*words[words.index("lzsm") + 1 :])
    assert_one_line_error(r)
    assert r.stderr.strip() == line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["spectroscopy.toml"]


def test_the_installed_lzsm_script_runs_and_fails_in_one_line(tmp_path):
    """The console script itself (the docs' ``$ lzsm`` lines run its entry point in-process)."""
    import subprocess
    import sys

    lzsm = Path(sys.executable).with_name("lzsm")
    ok = subprocess.run([lzsm, "lz", "-V", "0.5", "-a", "1", "--json"], cwd=tmp_path, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["P_LZ (p_diabatic_stay, t: -inf..inf)"] == pytest.approx(
        math.exp(-math.pi / 2), rel=1e-12
    )
    bad = subprocess.run([lzsm, "lz", "-V", "1 GHz/ns", "-a", "1 GHz/ns"], cwd=tmp_path, capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.splitlines() == ["lzsm: error: `--coupling` expects an energy; '1 GHz/ns' is a sweep rate"]
    assert list(tmp_path.iterdir()) == []
