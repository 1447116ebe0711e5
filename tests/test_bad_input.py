"""Bad input, one table: the command line, scenario files and the Python API.

Every case is refused at the boundary with an ``LzsmError`` whose message names the parameter
(for files: the dotted key) and, for ranges, the accepted range; on the command line it is one
line ``lzsm: error: ...`` on stderr with exit status 2, and no file is left behind (each case
runs in an empty folder whose listing is compared before and after).  Command-line cases that
succeed print their warnings as one line each, ``lzsm: warning: ...``, never a Python warning
with its source path.

Counts by outcome category, as ``test_the_table_counts`` asserts them:

* clear error (``LzsmError`` naming the parameter): 171 cases
  (43 command line, 60 scenario files through ``lzsm run/map/crossings`` and through Python,
  68 Python API);
* one-line messages only (command line; succeeds with ``lzsm: warning:`` lines, or refuses with
  one ``lzsm: error:`` line): 6 cases;
* (the 5 cases of huge magnitudes and tolerances — ``-V 1e300``, ``--t-span`` of 1e300,
  ``tol = 1e-300``, ``n_periods = 1e18``, a t_span of 1e9 ns — are clear errors too, refused
  before anything is computed by the budgets of ``lzsm._checks``; the 1e9 ns passage itself is
  cheap since its tails are not stepped through, but its figure would need ~1e19 saved times).
"""

from __future__ import annotations

import collections
import functools
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from click.testing import CliRunner

import lzsm
from lzsm import applications
from lzsm.applications import adiabatic_computing as ac
from lzsm.applications import chemistry as ch
from lzsm.applications import cold_atoms as ca
from lzsm.applications import qubits as qb
from lzsm.applications import solids as so
from lzsm.closed_forms import passages
from lzsm.dynamics import baths, interferometry
from lzsm.errors import LzsmError, LzsmTypeError, LzsmValueError
from lzsm.geometry import berry, vibronic
from lzsm.io import crossings_file, scenario
from lzsm.io.cli import main
from lzsm.molecules import stationary


@dataclass(frozen=True)
class Case:
    """One bad input.  ``where``: ``cli`` (``args``), ``file`` (``command`` on the file ``text``,
    through the CLI and through Python) or ``api`` (``call``).  ``error``: the class raised;
    ``names``: what the message must contain (the parameter, the accepted range).  ``outcome``:
    ``error`` (refused), or ``messages`` (a CLI run whose stderr holds only one-line lzsm
    messages, whether it succeeds or refuses)."""

    id: str
    where: str
    error: type[Exception] = LzsmError
    names: tuple[str, ...] = ()
    args: tuple[str, ...] = ()
    command: str = ""
    text: str = ""
    call: Callable[[], Any] | None = None
    outcome: str = "error"


def cli(id: str, args: str | list[str], *names: str, text: str = "", outcome: str = "error") -> Case:
    return Case(
        id, "cli", names=names, args=tuple(args.split() if isinstance(args, str) else args), text=text, outcome=outcome
    )


def file(id: str, command: str, text: str, *names: str, error: type[Exception] = LzsmValueError) -> Case:
    return Case(id, "file", error, names, command=command, text=text)


def api(id: str, call: Callable[[], Any], error: type[Exception], *names: str) -> Case:
    return Case(id, "api", error, names, call=call)


# --------------------------------------------------------------------------- scenario texts
QUBIT = """
title = "bad input"
[units]
energy = "GHz"
time = "ns"
[model]
kind = "landau_zener"
coupling = "0.1 GHz"
sweep_rate = "1 GHz/ns"
[evolve]
t_span = ["-20 ns", "20 ns"]
initial = "diabatic 0"
n_save = 11
"""

MAP = """
[drive]
gap = 1.0
frequency = 5.0
offset = { start = 0.0, stop = 10.0, num = 3 }
amplitude = { start = 0.0, stop = 10.0, num = 3 }
[map]
n_periods = 2
"""

CROSSINGS = """
[coordinate]
name = "R"
start = 1.0
stop = 7.0
num = 50
[[state]]
name = "X"
symmetry = "A"
form = "linear"
value = 0.0
slope = 1.0
R0 = 4.0
[[state]]
name = "D"
symmetry = "A"
form = "constant"
value = 0.0
[[coupling]]
states = ["X", "D"]
form = "constant"
value = 0.05
"""

GATE = """
application = "lz_gate"
[units]
energy = "GHz"
time = "ns"
[qubit]
gap = "0.5 GHz"
eps_max = "20 GHz"
[sweep]
sweep_time = { start = "5 ns", stop = "50 ns", num = 3 }
n_evolve_check = 2
[decoherence]
t2 = ["20 ns"]
"""


def sub(text: str, old: str, new: str) -> str:
    """``text`` with ``old`` (which must occur) replaced by ``new``."""
    assert old in text, old
    return text.replace(old, new)


# --------------------------------------------------------------------------- small objects for the API
LZ = lzsm.LandauZener(0.5, 1.0)
DRIVE = lzsm.PeriodicDrive(gap=1.0, offset=2.0, amplitude=6.0, frequency=5.0)
JT = lzsm.JahnTellerExE(k=1.0)
TULLY = lzsm.TullySimple()
GRID = lzsm.Grid.uniform((-10, 10), 64)
CURVE = lzsm.TabulatedCurves(np.linspace(-5.0, 5.0, 11), np.tile(np.diag([0.0, 1.0]), (11, 1, 1)))
RESONANCE = ca.FeshbachResonance(mass_amu=40.0, a_bg_bohr=174.0, width_gauss=7.8, delta_mu_bohr_magneton=1.68)


def scan_identity(x: np.ndarray) -> dict[str, np.ndarray]:
    return {"y": x}


def parabola(r: np.ndarray) -> np.ndarray:
    return np.asarray(r, dtype=float) ** 2


P = functools.partial

CASES: list[Any] = [
    # ======================================================================= command line
    cli("cli-unknown-option", "--bogus", "No such option", "--bogus"),
    cli("cli-unknown-command", "nosuchcmd", "No such command", "nosuchcmd"),
    cli("cli-lz-unknown-option", "lz --bogus", "No such option", "--bogus"),
    cli("cli-lz-missing-coupling", "lz -a 1", "Missing option", "--coupling"),
    cli("cli-lz-coupling-not-a-number", "lz -V x -a 1", "--coupling", "'x'"),
    cli("cli-lz-coupling-inf", "lz -V inf -a 1", "--coupling", "finite"),
    cli("cli-lz-coupling-nan", "lz -V nan -a 1", "--coupling", "finite"),
    cli("cli-lz-sweep-rate-zero", "lz -V 1 -a 0", "--sweep-rate", "nonzero"),
    cli("cli-lz-sweep-rate-not-a-number", "lz -V 1 -a fast", "--sweep-rate", "'fast'"),
    cli("cli-lz-hbar-zero", "lz -V 1 -a 1 --hbar 0", "--hbar", "> 0"),
    cli("cli-lz-hbar-nan", "lz -V 1 -a 1 --hbar nan", "--hbar", "> 0"),
    cli("cli-lz-hbar-not-a-number", "lz -V 1 -a 1 --hbar x", "--hbar", "'x'"),
    cli("cli-lz-hbar-with-units", ["lz", "-V", "1 GHz", "-a", "1 GHz/ns", "--hbar", "1"], "--hbar", "--units"),
    cli("cli-lz-units-unknown", ["lz", "-V", "1 GHz", "-a", "1 GHz/ns", "--units", "foo"], "--units", "'foo'"),
    cli("cli-lz-units-unknown-time", ["lz", "-V", "1", "-a", "1", "--units", "GHz,fortnight"], "--units", "fortnight"),
    cli("cli-lz-coupling-wrong-dimension", ["lz", "-V", "1 m", "-a", "1 GHz/ns"], "--coupling", "energy"),
    cli("cli-lz-units-mixed-with-numbers", ["lz", "-V", "1 GHz", "-a", "1"], "--coupling", "--sweep-rate"),
    cli("cli-lz-t-span-decreasing", "lz -V 1 -a 1 --t-span 1 0", "--t-span", "t0 < t1"),
    cli("cli-lz-t-span-one-value", "lz -V 1 -a 1 --t-span 1", "--t-span", "2 arguments"),
    cli("cli-lz-t-span-inf", "lz -V 1 -a 1 --t-span -inf 5", "--t-span", "finite"),
    cli("cli-lz-adiabaticity-beyond-closed-form", "lz -V 1e10 -a 1", "adiabaticity", "at most 200"),
    cli("cli-evolve-missing-t-span", "evolve -V 1 -a 1", "Missing option", "--t-span"),
    cli("cli-evolve-tol-zero", "evolve -V 1 -a 1 --t-span -5 5 --tol 0", "--tol", "[1e-14, 1]"),
    cli("cli-evolve-tol-two", "evolve -V 1 -a 1 --t-span -5 5 --tol 2", "--tol", "[1e-14, 1]"),
    cli("cli-evolve-tol-nan", "evolve -V 1 -a 1 --t-span -5 5 --tol nan", "--tol", "[1e-14, 1]"),
    cli("cli-evolve-n-save-one", "evolve -V 1 -a 1 --t-span -5 5 --n-save 1", "--n-save", "2<=x<=1000000"),
    cli("cli-evolve-n-save-text", "evolve -V 1 -a 1 --t-span -5 5 --n-save many", "--n-save", "'many'"),
    cli("cli-evolve-initial-unknown", "evolve -V 1 -a 1 --t-span -5 5 --initial sideways", "initial", "'sideways'"),
    cli(
        "cli-evolve-initial-out-of-range",
        ["evolve", "-V", "1", "-a", "1", "--t-span", "-5", "5", "--initial", "adiabatic 5"],
        "initial",
        "0..1",
    ),
    cli("cli-evolve-t-span-empty", "evolve -V 1 -a 1 --t-span 0 0", "--t-span", "t0 < t1"),
    cli("cli-evolve-out-is-a-folder", "evolve -V 1 -a 1 --t-span -5 5 --out .", "--out", "directory"),
    cli("cli-evolve-out-exists", "evolve -V 1 -a 1 --t-span -5 5 --out s.toml", "--out", "--force", text="x = 1"),
    cli("cli-run-missing-argument", "run --out o", "Missing argument", "SCENARIO_FILE"),
    cli("cli-run-missing-out", "run s.toml", "Missing option", "--out", text=QUBIT),
    cli("cli-run-no-such-file", "run nosuch.toml --out o", "scenario file", "does not exist"),
    cli("cli-run-folder-as-scenario", "run . --out o", "scenario file", "is a folder, not a file"),
    cli("cli-map-folder-as-scenario", "map . --out o", "scenario file", "is a folder, not a file"),
    cli("cli-crossings-folder-as-model", "crossings .", "model file", "is a folder, not a file"),
    cli("cli-map-resume-and-force", "map s.toml --out o --resume --force", "--resume", "--force", text=MAP),
    cli("cli-map-scheduler-unknown", "map s.toml --out o --scheduler nowhere", "scheduler", "'local'", text=MAP),
    cli("cli-run-out-not-written-by-lzsm", "run s.toml --out .", "output folder", "--force", text=QUBIT),
    # --- command lines whose warnings (and NaNs) are the numerics branch's: only one-line lzsm messages
    cli("cli-lz-tiny-coupling", "lz -V 1e-200 -a 1", outcome="messages"),
    cli("cli-lz-tiny-sweep-rate", "lz -V 1 -a 1e-300", outcome="messages"),
    cli("cli-lz-huge-coupling", "lz -V 1e300 -a 1", outcome="messages"),
    cli("cli-lz-huge-coupling-with-units", ["lz", "-V", "1e300 GHz", "-a", "1 GHz/ns"], outcome="messages"),
    cli("cli-lz-huge-sweep-rate", "lz -V 1 -a 1e300", outcome="messages"),
    cli(
        "cli-run-huge-coupling",
        "run s.toml --out o",
        text=QUBIT.replace('"0.1 GHz"', '"1e300 GHz"'),
        outcome="messages",
    ),
    cli("cli-lz-coupling-overflow-named", "lz -V 1e300 -a 1", "--coupling"),
    cli("cli-lz-t-span-1e300", "lz -V 1 -a 1 --t-span -1e300 1e300", "--t-span"),
    # ======================================================================= scenario files
    file("file-empty", "run", "", "[model]"),
    file("file-not-toml", "run", "x = = 1", "not valid TOML"),
    file("file-unknown-top-key", "run", QUBIT + "bogus = 1\n", "'bogus'", "accepted"),
    file("file-unknown-model-key", "run", sub(QUBIT, "[model]\n", "[model]\nvelocity = 1\n"), "'velocity'", "[model]"),
    file("file-model-not-a-table", "run", sub(QUBIT, "title", "model = 3\ntitle").replace("[model]\n", "[x]\n"), "'x'"),
    file("file-title-not-text", "run", sub(QUBIT, 'title = "bad input"', "title = 3"), "title", "text"),
    file("file-model-kind-unknown", "run", sub(QUBIT, '"landau_zener"', '"spin_boson"'), "model.kind", "linear_sweep"),
    file("file-coupling-not-a-quantity", "run", sub(QUBIT, '"0.1 GHz"', '"strong"'), "model.coupling", "'strong'"),
    file("file-coupling-nan", "run", sub(QUBIT, '"0.1 GHz"', "nan"), "model.coupling", "finite"),
    file("file-coupling-inf", "run", sub(QUBIT, '"0.1 GHz"', "inf"), "model.coupling", "finite"),
    file("file-coupling-wrong-dimension", "run", sub(QUBIT, '"0.1 GHz"', '"3 m"'), "model.coupling", "energy"),
    file("file-coupling-a-list", "run", sub(QUBIT, '"0.1 GHz"', "[1, 2]"), "model.coupling", "[1, 2]"),
    file("file-coupling-a-table", "run", sub(QUBIT, '"0.1 GHz"', "{ a = 1 }"), "model.coupling"),
    file("file-sweep-rate-zero", "run", sub(QUBIT, '"1 GHz/ns"', "0"), "model.sweep_rate", "nonzero"),
    file("file-hbar-with-units", "run", sub(QUBIT, "[model]\n", "[model]\nhbar = 1.0\n"), "model.hbar", "[units]"),
    file(
        "file-hbar-negative",
        "run",
        sub(sub(QUBIT, '"0.1 GHz"', "0.1"), '"1 GHz/ns"', "1.0")
        .replace('["-20 ns", "20 ns"]', "[-20, 20]")
        .replace('[units]\nenergy = "GHz"\ntime = "ns"\n', "")
        .replace("[model]\n", "[model]\nhbar = -1.0\n"),
        "model.hbar",
        "> 0",
    ),
    file("file-units-unknown-energy", "run", sub(QUBIT, 'energy = "GHz"', 'energy = "furlong"'), "furlong"),
    file("file-units-not-text", "run", sub(QUBIT, 'energy = "GHz"', "energy = 3"), "units.energy", "'GHz'"),
    file("file-units-unknown-key", "run", sub(QUBIT, 'time = "ns"', 'time = "ns"\nmass = "u"'), "'mass'", "[units]"),
    file(
        "file-units-missing-and-mixed",
        "run",
        sub(QUBIT, '[units]\nenergy = "GHz"\ntime = "ns"\n', "")
        .replace('"1 GHz/ns"', "1.0")
        .replace('["-20 ns", "20 ns"]', "[-20, 20]"),
        "model.coupling",
        "model.sweep_rate",
    ),
    file(
        "file-t-span-decreasing",
        "run",
        sub(QUBIT, '["-20 ns", "20 ns"]', '["20 ns", "-20 ns"]'),
        "evolve.t_span",
        "increasing",
    ),
    file("file-t-span-not-a-pair", "run", sub(QUBIT, '["-20 ns", "20 ns"]', '"20 ns"'), "evolve.t_span", "pair"),
    file(
        "file-t-span-three",
        "run",
        sub(QUBIT, '["-20 ns", "20 ns"]', '["-20 ns", "0 ns", "20 ns"]'),
        "evolve.t_span",
        "pair",
    ),
    file("file-n-save-one", "run", sub(QUBIT, "n_save = 11", "n_save = 1"), "evolve.n_save", ">= 2 and <= 1000000"),
    file("file-n-save-float", "run", sub(QUBIT, "n_save = 11", "n_save = 2.5"), "evolve.n_save", "integer"),
    file(
        "file-n-save-huge",
        "run",
        sub(QUBIT, "n_save = 11", "n_save = 1000000000000000000"),
        "evolve.n_save",
        "<= 1000000",
    ),
    file("file-n-save-text", "run", sub(QUBIT, "n_save = 11", 'n_save = "many"'), "evolve.n_save", "integer"),
    file("file-tol-zero", "run", QUBIT + "tol = 0\n", "evolve.tol", ">= 1e-14 and <= 1"),
    file("file-tol-1e-300", "run", QUBIT + "tol = 1e-300\n", "evolve.tol", "1e-14"),
    file("file-initial-unknown", "run", sub(QUBIT, '"diabatic 0"', '"sideways"'), "evolve.initial", "'sideways'"),
    file("file-initial-out-of-range", "run", sub(QUBIT, '"diabatic 0"', '"adiabatic 7"'), "evolve.initial", "0..1"),
    file("file-initial-not-normalised", "run", sub(QUBIT, '"diabatic 0"', "[1, 1]"), "evolve.initial", "normalised"),
    file("file-initial-bool", "run", sub(QUBIT, '"diabatic 0"', "true"), "evolve.initial", "bool"),
    file(
        "file-sweep-num-zero",
        "run",
        QUBIT + '[sweep]\nsweep_rate = { start = "1 GHz/ns", stop = "2 GHz/ns", num = 0 }\n',
        "sweep.sweep_rate",
        "num",
    ),
    file(
        "file-sweep-scale-unknown",
        "run",
        QUBIT + '[sweep]\nsweep_rate = { start = "1 GHz/ns", stop = "2 GHz/ns", num = 3, scale = "cubic" }\n',
        "sweep.sweep_rate",
        "cubic",
    ),
    file("file-figures-not-bool", "run", QUBIT + '[figures]\nenergies = "yes"\n', "figures.energies", "true or false"),
    file(
        "file-figures-without-sweep",
        "run",
        QUBIT + "[figures]\nprobability_vs_rate = true\n",
        "figures.probability_vs_rate",
        "[sweep]",
    ),
    file(
        "file-linear-sweep-slopes",
        "run",
        sub(
            QUBIT,
            'kind = "landau_zener"\ncoupling = "0.1 GHz"\nsweep_rate = "1 GHz/ns"',
            'kind = "linear_sweep"\nconstant = [["0 GHz", "0.1 GHz"], ["0.1 GHz", "0 GHz"]]\nslopes = ["1 GHz/ns"]',
        ),
        "model.slopes",
        "2",
    ),
    file("file-map-gap-nan", "map", sub(MAP, "gap = 1.0", "gap = nan"), "drive.gap", "finite"),
    file("file-map-frequency-zero", "map", sub(MAP, "frequency = 5.0", "frequency = 0.0"), "drive.frequency", "> 0"),
    file("file-map-no-frequency", "map", sub(MAP, "frequency = 5.0\n", ""), "drive.frequency", "drive.frequency_hz"),
    file(
        "file-map-two-frequencies",
        "map",
        sub(MAP, "frequency = 5.0", "frequency = 5.0\nfrequency_hz = 1.0"),
        "drive.frequency",
        "drive.frequency_hz",
    ),
    file("file-map-num-zero", "map", sub(MAP, "num = 3 }\namp", "num = 0 }\namp"), "drive.offset.num", ">= 1"),
    file(
        "file-map-shape-unknown",
        "map",
        MAP.replace("[map]", 'shape = "square"\n[map]', 1).replace("frequency = 5.0", "frequency = 5.0"),
        "drive.shape",
        "triangular",
    ),
    file("file-map-n-periods-negative", "map", sub(MAP, "n_periods = 2", "n_periods = -1"), "map.n_periods", ">= 0"),
    file(
        "file-map-n-periods-1e18",
        "map",
        sub(MAP, "n_periods = 2", "n_periods = 1000000000000000000").replace("num = 3", "num = 1"),
        "map.n_periods",
        "at most",
    ),
    file("file-map-initial-two", "map", sub(MAP, "n_periods = 2", "n_periods = 2\ninitial = 2"), "map.initial", "<= 1"),
    file(
        "file-map-n-samples-small",
        "map",
        sub(MAP, "n_periods = 2", "n_periods = 2\nn_samples = 4"),
        "map.n_samples",
        ">= 8",
    ),
    file(
        "file-map-chunk-points-zero",
        "map",
        sub(MAP, "n_periods = 2", "n_periods = 2\nchunk_points = 0"),
        "map.chunk_points",
        ">= 1",
    ),
    file(
        "file-map-amplitude-negative",
        "map",
        sub(MAP, "amplitude = { start = 0.0", "amplitude = { start = -1.0"),
        "drive.amplitude",
        ">= 0",
    ),
    file(
        "file-crossings-resolution",
        "crossings",
        CROSSINGS + "[crossings]\nresolution = 2\n",
        "crossings.resolution",
        "> 0 and < 1",
    ),
    file("file-crossings-num", "crossings", sub(CROSSINGS, "num = 50", "num = 1"), "coordinate.num", ">= 8"),
    file(
        "file-crossings-form-unknown",
        "crossings",
        sub(CROSSINGS, 'form = "constant"\nvalue = 0.0', 'form = "wiggly"\nvalue = 0.0'),
        "state 'D'.form",
        "wiggly",
    ),
    file(
        "file-crossings-coupling-unknown-state",
        "crossings",
        sub(CROSSINGS, '["X", "D"]', '["X", "Q"]'),
        "coupling[0].states",
        "'Q'",
    ),
    file("file-app-unknown", "run", 'application = "nope"\n', "application", "zener_breakdown"),
    file("file-app-not-text", "run", "application = 3\n", "application", "got 3"),
    file("file-app-gap-negative", "run", sub(GATE, '"0.5 GHz"', '"-0.5 GHz"'), "qubit.gap", "> 0"),
    file("file-app-t2-zero", "run", sub(GATE, '["20 ns"]', '["0 ns"]'), "decoherence.t2", "> 0"),
    file("file-app-unknown-key", "run", sub(GATE, "[qubit]\n", "[qubit]\nflux = 1\n"), "'flux'", "[qubit]"),
    # ======================================================================= Python API
    api(
        "api-scan-store-int",
        lambda: lzsm.scan(scan_identity, {"x": np.arange(3.0)}, store=123),
        LzsmTypeError,
        "`store`",
        "path",
    ),
    api("api-scan-func-not-callable", lambda: lzsm.scan(3, {"x": np.arange(3.0)}), LzsmTypeError, "`func`"),
    api("api-scenario-load-folder", lambda: scenario.load("."), LzsmValueError, "scenario file", "is a folder"),
    api("api-application-run-file-folder", lambda: applications.run_file(".", "o"), LzsmValueError, "is a folder"),
    api("api-crossings-load-not-a-path", lambda: crossings_file.load(3), LzsmTypeError, "model file", "path"),
    api("api-options-tol-tiny", lambda: lzsm.Options(tol=1e-300), LzsmValueError, "`tol`", "[1e-14, 1]"),
    api("api-options-progress-text", lambda: lzsm.Options(progress="yes"), LzsmTypeError, "`progress`"),
    api("api-evolve-t-span-decreasing", lambda: lzsm.evolve(LZ, (1, 0)), LzsmValueError, "`t_span`", "t0 < t1"),
    api("api-evolve-t-span-scalar", lambda: lzsm.evolve(LZ, 5.0), LzsmValueError, "`t_span`", "pair (t0, t1)"),
    api("api-evolve-t-span-0d-array", lambda: lzsm.evolve(LZ, np.array(5.0)), LzsmValueError, "`t_span`", "pair"),
    api("api-evolve-initial-unknown", lambda: lzsm.evolve(LZ, (-5, 5), "sideways"), LzsmValueError, "`initial`"),
    api("api-evolve-model-not-a-model", lambda: lzsm.evolve("LZ", (-5, 5)), LzsmTypeError, "`model`"),
    api("api-model-coupling-text", lambda: lzsm.LandauZener("strong", 1.0), LzsmTypeError, "`coupling`"),
    api("api-model-sweep-rate-zero", lambda: lzsm.LandauZener(0.5, 0.0), LzsmValueError, "`sweep_rate`", "nonzero"),
    api("api-lz-probability-ragged", lambda: lzsm.lz_probability([[1, 2], [3]], 1.0), LzsmTypeError, "`coupling`"),
    api("api-regime-tolerance-text", lambda: lzsm.regime(0.5, 1.0, tolerance="small"), LzsmTypeError, "`tolerance`"),
    api(
        "api-lz-amplitudes-t0-nan",
        lambda: lzsm.lz_amplitudes(0.5, 1.0, 1.0, np.nan),
        LzsmValueError,
        "`t0`",
        "finite or -inf",
    ),
    api(
        "api-finite-time-initial-bool",
        lambda: lzsm.finite_time_p_jump(0.5, 1.0, 1.0, initial=True),
        LzsmValueError,
        "`initial`",
        "0 (lower) or 1 (upper)",
    ),
    api(
        "api-rate-equation-t-span-text",
        lambda: lzsm.rate_equation_p_diabatic_stay(0.5, 1.0, 0.1, t_span="ab"),
        LzsmValueError,
        "`t_span`",
        "pair",
    ),
    api(
        "api-rate-equation-n-max-negative",
        lambda: lzsm.rate_equation_upper_population(0.1, 1, 2, 5, 0.1, 0.01, n_max=-1),
        LzsmValueError,
        "`n_max`",
        "[0, 1000000]",
    ),
    api("api-dressed-gap-k-text", lambda: passages.dressed_gap(1.0, 2.0, 5.0, "one"), LzsmTypeError, "`k`"),
    api(
        "api-dressed-gap-k-fraction", lambda: passages.dressed_gap(1.0, 2.0, 5.0, 0.5), LzsmValueError, "`k`", "integer"
    ),
    api(
        "api-multiphoton-k-max-float",
        lambda: lzsm.multiphoton_resonances(5.0, 2.5),
        LzsmValueError,
        "`k_max`",
        "[0, 1000000]",
    ),
    api(
        "api-dykhne-t-guess-text",
        lambda: lzsm.dykhne_davis_pechukas(lzsm.TwoLevel(lambda t: t, 0.5), (-10, 10), t_guess="here"),
        LzsmTypeError,
        "`t_guess`",
    ),
    api("api-floquet-method-int", lambda: lzsm.floquet(DRIVE, method=3), LzsmTypeError, "`method`"),
    api("api-floquet-period-shape", lambda: lzsm.floquet(DRIVE, period=[1.0, 2.0]), LzsmValueError, "`period`"),
    api("api-track-quasienergies-not-floquet", lambda: lzsm.track_quasienergies(None), LzsmTypeError, "`fl`"),
    api(
        "api-interferometry-n-samples-array",
        lambda: lzsm.interferometry_map(DRIVE, offset=[0.0], amplitude=[0.0], n_samples=np.array([16, 32])),
        LzsmValueError,
        "`n_samples`",
        ">= 8",
    ),
    api(
        "api-interferometry-time-average-array",
        lambda: lzsm.interferometry_map(DRIVE, offset=[0.0], amplitude=[0.0], time_average=np.array([1, 0])),
        LzsmTypeError,
        "`time_average`",
    ),
    api(
        "api-auto-samples-empty",
        lambda: interferometry.auto_samples([], 1.0, 1.0, 5.0),
        LzsmValueError,
        "`gap`",
        "at least one",
    ),
    api(
        "api-auto-samples-hbar-zero",
        lambda: interferometry.auto_samples(1.0, 1.0, 1.0, 5.0, 0.0),
        LzsmValueError,
        "`hbar`",
        "> 0",
    ),
    api("api-discretize-bath-none", lambda: baths.discretize(None, 10), LzsmTypeError, "`bath`", "OhmicBath"),
    api(
        "api-spin-boson-min-weight-negative",
        lambda: lzsm.spin_boson(LZ, (-5, 5), mode_energies=[1.0], couplings=[0.1], n_fock=2, min_weight=-1.0),
        LzsmValueError,
        "`min_weight`",
        ">= 0",
    ),
    api(
        "api-noise-collapse-n-levels",
        lambda: lzsm.equivalent_collapse_operator(lzsm.OrnsteinUhlenbeckNoise(0.2, 0.5), 1),
        LzsmValueError,
        "`n_levels`",
        ">= 2",
    ),
    api(
        "api-circle-loop-plane",
        lambda: lzsm.circle_loop([0.0, 0.0], 1.0, plane=(0, 0)),
        LzsmValueError,
        "`plane`",
        "i != j",
    ),
    api(
        "api-berry-phase-model-none",
        lambda: lzsm.berry_phase(None, lzsm.circle_loop([0.0, 0.0], 1.0)),
        LzsmTypeError,
        "`model`",
    ),
    api(
        "api-enclosed-count-points-shape",
        lambda: berry.enclosed_count([1.0, 2.0, 3.0], [[0.0, 0.0]], 1.0),
        LzsmValueError,
        "`points`",
        "(n, 2)",
    ),
    api(
        "api-enclosed-count-radius-none",
        lambda: berry.enclosed_count([[0.0, 0.0]], [[0.0, 0.0]], None),
        LzsmTypeError,
        "`radius`",
    ),
    api(
        "api-trace-seam-direction-scalar",
        lambda: lzsm.trace_seam(JT, [0.0, 0.0], direction=1.0),
        LzsmValueError,
        "`direction`",
    ),
    api("api-trace-seam-start-text", lambda: lzsm.trace_seam(JT, "origin"), LzsmTypeError, "`start`"),
    api(
        "api-classify-symmetry-text",
        lambda: lzsm.classify_crossing(JT, [0.1, 0.1], symmetry="C3"),
        LzsmTypeError,
        "`symmetry`",
    ),
    api("api-radial-levels-k-nan", lambda: vibronic.radial_levels(np.nan, 1.0, 0.5), LzsmValueError, "`k`", "finite"),
    api(
        "api-jahn-teller-hamiltonian-model",
        lambda: vibronic.jahn_teller_hamiltonian(None, 4),
        LzsmTypeError,
        "`model`",
        "JahnTellerExE",
    ),
    api("api-adiabatic-energies-q-text", lambda: lzsm.adiabatic_energies(LZ, "now"), LzsmTypeError, "`q`"),
    api("api-asymptotic-range-model", lambda: stationary.asymptotic_range(None), LzsmTypeError, "`model`"),
    api(
        "api-asymptotic-range-start",
        lambda: stationary.asymptotic_range(CURVE, start=-1.0),
        LzsmValueError,
        "`start`",
        "> 0",
    ),
    api(
        "api-curve-crossing-bracket-reversed",
        lambda: lzsm.curve_crossing(TULLY, (3, -3)),
        LzsmValueError,
        "`bracket`",
        "a < b",
    ),
    api(
        "api-surface-hopping-x0-positive",
        lambda: lzsm.surface_hopping(TULLY, 20.0, n_trajectories=1, x0=2.5),
        LzsmValueError,
        "`x0`",
        "< 0",
    ),
    api("api-grid-names-number", lambda: lzsm.Grid.uniform((-1, 1), 16, names=3), LzsmTypeError, "`names`"),
    api("api-grid-n-points-ragged", lambda: lzsm.Grid.uniform((-1, 1), [[1, 2], [3]]), LzsmValueError, "`n_points`"),
    api(
        "api-gaussian-wavepacket-center-length",
        lambda: lzsm.gaussian_wavepacket(GRID, [0.0, 1.0, 2.0], 5.0, 1.0, [1, 0]),
        LzsmValueError,
        "`center`",
        "one per grid axis",
    ),
    api(
        "api-marcus-curves-coupling-text", lambda: ch.marcus_curves("weak", 1.0, -0.2, 0.1), LzsmTypeError, "`coupling`"
    ),
    api(
        "api-transit-time-curve-not-callable",
        lambda: ch.transit_time(3.0, 1.0, 1.0, 0.0, 0.5),
        LzsmTypeError,
        "`curve`",
    ),
    api(
        "api-turning-point-bracket",
        lambda: ch.turning_point(parabola, 1.0, (2.0, 0.0)),
        LzsmValueError,
        "`bracket`",
        "a < b",
    ),
    api(
        "api-nacl-wavepacket-r-min",
        lambda: ch.nacl_wavepacket(lzsm.CovalentIonicCrossing.nacl(), 5.0, 0.2, 10.0, r_min="near"),
        LzsmTypeError,
        "`r_min`",
    ),
    api(
        "api-feshbach-resonance-none",
        lambda: ca.feshbach_lz_parameter(None, 1e12, 1.0),
        LzsmTypeError,
        "`resonance`",
        "FeshbachResonance",
    ),
    api(
        "api-nonlinear-n-nodes-zero",
        lambda: ca.nonlinear_lz_adiabatic_p_jump(0.5, 1.0, n_nodes=0),
        LzsmValueError,
        "`n_nodes`",
        "[2, 100000]",
    ),
    api(
        "api-qubit-t1-text",
        lambda: qb.rate_model_map(0.1, [1.0], [1.0], 5.0, "long", 20.0),
        LzsmValueError,
        "`t1`",
        "> 0",
    ),
    api(
        "api-first-crossing-level-none",
        lambda: qb.first_crossing([0.0, 1.0], [0.0, 1.0], None),
        LzsmTypeError,
        "`level`",
    ),
    api(
        "api-plane-wave-orders-fractional",
        lambda: so.plane_wave_hamiltonian(0.0, 2.0, [-0.5, 0.5]),
        LzsmValueError,
        "`orders`",
        "integers",
    ),
    api(
        "api-grover-space-unknown",
        lambda: ac.grover_initial_state(4, space="huge"),
        LzsmValueError,
        "`space`",
        "'reduced'",
    ),
    api(
        "api-surface-hopping-n-trajectories-huge",
        lambda: lzsm.surface_hopping(TULLY, 20.0, n_trajectories=10**18),
        LzsmValueError,
        "`n_trajectories`",
        "<= 1e+08",
    ),
    # sizes that ran for hours
    api(
        "api-jahn-teller-hamiltonian-n-max-huge",
        lambda: vibronic.jahn_teller_hamiltonian(JT, 10**18),
        LzsmValueError,
        "`n_max`",
        "[1, 1000]",
    ),
    api(
        "api-trace-seam-n-steps-huge",
        lambda: lzsm.trace_seam(JT, [0.0, 0.0], n_steps=10**18),
        LzsmValueError,
        "`n_steps`",
        "[0, 100000]",
    ),
    # sizes that used to reach numpy as a MemoryError or "array is too big"
    api(
        "api-discretize-n-modes-huge",
        lambda: baths.discretize(lzsm.OhmicBath(0.1, 1.0), 10**18),
        LzsmValueError,
        "`n_modes`",
        "[1, 10000000]",
    ),
    api(
        "api-multiphoton-k-max-huge",
        lambda: lzsm.multiphoton_resonances(5.0, 10**18),
        LzsmValueError,
        "`k_max`",
        "[0, 1000000]",
    ),
    api(
        "api-majorana-j-huge",
        lambda: lzsm.majorana_transition_matrix(1e300, 0.3, 1.0),
        LzsmValueError,
        "`j`",
        "[0, 2000]",
    ),
    api(
        "api-floquet-n-samples-huge",
        lambda: lzsm.floquet(DRIVE, n_samples=10**18),
        LzsmValueError,
        "`n_samples`",
        "[0, 1000000]",
    ),
]
CASES += [
    file("file-t-span-1e9", "run", sub(QUBIT, '["-20 ns", "20 ns"]', '["-1e9 ns", "1e9 ns"]'), "t_eval"),
]


def _case(entry: Any) -> Case:
    return entry.values[0] if hasattr(entry, "values") else entry


def _marks(entry: Any) -> list[Any]:
    return list(entry.marks) if hasattr(entry, "marks") else []


PARAMS = [pytest.param(_case(e), id=_case(e).id, marks=_marks(e)) for e in CASES]


def _category(entry: Any) -> str:
    return _case(entry).outcome


def test_the_table_counts():
    """The counts stated at the top of this file; ids are unique."""
    ids = [_case(e).id for e in CASES]
    assert len(ids) == len(set(ids)) and len(ids) >= 120
    assert collections.Counter(map(_category, CASES)) == {"error": 171, "messages": 6}
    errors = [_case(e) for e in CASES if _category(e) == "error"]
    assert collections.Counter(c.where for c in errors) == {"cli": 43, "file": 60, "api": 68}


def _listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def _invoke(args: tuple[str, ...]) -> Any:
    return CliRunner().invoke(main, list(args))


def _assert_one_line_error(result: Any, names: tuple[str, ...]) -> None:
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert result.stdout == ""
    assert result.stderr.startswith("lzsm: error: ") and result.stderr.count("\n") == 1, result.stderr
    for name in names:
        assert name in result.stderr, (name, result.stderr)


def _python_run(command: str, path: Path, out: Path) -> Any:
    """What ``lzsm COMMAND path --out out`` does, through the Python API."""
    if command == "map":
        return scenario.run_map(scenario.load_map(path), out)
    if command == "crossings":
        return crossings_file.run(crossings_file.load(path), out)
    raw = lzsm.io.output.read_toml(path)
    if applications.is_application(raw):
        return applications.run(raw, out)
    return scenario.run(scenario.from_dict(raw), out)


@pytest.mark.parametrize("case", PARAMS)
def test_bad_input(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    if case.text or case.where == "file":
        (tmp_path / "s.toml").write_text(case.text, encoding="utf-8")
    before = _listing(tmp_path)
    if case.where == "api":
        assert case.call is not None
        with pytest.raises(case.error) as info:
            case.call()
        assert isinstance(info.value, LzsmError)
        for name in case.names:
            assert name in str(info.value), (name, str(info.value))
    elif case.where == "file":
        with pytest.raises(case.error) as info:
            _python_run(case.command, tmp_path / "s.toml", tmp_path / "o")
        assert isinstance(info.value, LzsmError)
        for name in case.names:
            assert name in str(info.value), (name, str(info.value))
        assert _listing(tmp_path) == before
        args = (case.command, "s.toml") + (("--out", "o") if case.command != "crossings" else ())
        _assert_one_line_error(_invoke(args), case.names)
    elif case.outcome == "messages":
        result = _invoke(case.args)
        assert result.exit_code in (0, 2), (result.exit_code, result.output, result.exception)
        lines = result.stderr.splitlines()
        assert all(line.startswith(("lzsm: warning: ", "lzsm: error: ")) for line in lines), result.stderr
        assert not any(".py:" in line for line in lines), result.stderr
        assert sum(line.startswith("lzsm: error: ") for line in lines) == (result.exit_code == 2)
        if result.exit_code == 2:
            assert len(lines) == 1 and result.stdout == "", result.output
    else:
        _assert_one_line_error(_invoke(case.args), case.names)
    assert _listing(tmp_path) == before


def test_help_and_version_stay_normal():
    """The one-line form is for errors only: --help and --version print as click does, exit 0."""
    for args in (["--help"], ["lz", "--help"], ["run", "--help"], ["--version"]):
        result = _invoke(tuple(args))
        assert result.exit_code == 0 and result.stderr == "", (args, result.output)
    assert "Usage: lzsm run" in _invoke(("run", "--help")).stdout
    assert "--progress / --no-progress" in _invoke(("run", "--help")).stdout


def test_warnings_of_a_successful_command_are_one_line_each_after_its_output(monkeypatch):
    """A warning raised while a command runs (here: a propagation that warns twice, over two
    lines) is printed once, on one line, after the command's output, without a source path."""
    import warnings

    from lzsm.dynamics import coherent

    real = coherent.evolve

    def warning_evolve(*args: Any, **kwargs: Any) -> Any:
        for _ in range(2):
            warnings.warn(
                "evolve: 1 of 1 points did not finish\n(see Evolution.status)",
                lzsm.LzsmWarning,
                stacklevel=2,
            )
        return real(*args, **kwargs)

    monkeypatch.setattr(coherent, "evolve", warning_evolve)
    result = _invoke(("evolve", "-V", "0.5", "-a", "1", "--t-span", "-5", "5", "--json"))
    assert result.exit_code == 0, result.output
    assert result.stderr == "lzsm: warning: evolve: 1 of 1 points did not finish (see Evolution.status)\n"
    assert '"p_diabatic_stay"' in result.stdout


def test_a_failing_command_shows_its_error_without_the_warnings_that_led_to_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = _invoke(("lz", "-V", "1", "-a", "1e-300"))  # used to warn of non-convergence, then fail
    _assert_one_line_error(result, ("adiabaticity",))


def test_a_map_one_point_wide_prints_no_warning(tmp_path, monkeypatch):
    """A map axis of one value is valid: its figure used to print matplotlib's warning about
    identical axis limits (with a source path) on stderr."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "s.toml").write_text(MAP.replace("num = 3 }\namp", "num = 1 }\namp"), encoding="utf-8")
    result = _invoke(("map", "s.toml", "--out", "o"))
    assert result.exit_code == 0 and result.stderr == "", result.output


def test_the_cli_error_path_names_file_and_folder_apart(tmp_path, monkeypatch):
    """A folder given where a file is expected is named as such (it was reported missing)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scenario.toml").mkdir()
    _assert_one_line_error(_invoke(("run", "scenario.toml", "--out", "o")), ("is a folder, not a file",))
    assert not os.path.exists(tmp_path / "o")
