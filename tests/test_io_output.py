"""Output folders and scan stores (lzsm.io.output): the marker, the lock, debris, what --force may replace.

Every test here is a defect found by a hostile trial of lzsm 0.2.0.dev0 (``--out . --force``
emptied the working directory; a second writer ran over a live one; a kill left hidden folders
that blocked the rerun; bad paths and schedulers failed only after computing or writing).

Chaos tests run ``lzsm`` in a subprocess that pauses at a named phase (it wraps the function
that starts the phase, writes ``reached`` and waits for ``go``; see :func:`pause_at`), kill it
with SIGKILL there, and check that what is left is only what the next run removes and that a
rerun (``--resume`` for maps and scans) gives exactly the files of an uninterrupted run.
Concurrency tests start two writers on one folder or store: one holds the lock (paused), the
other is refused with one line naming it, and the holder then completes.
"""

from __future__ import annotations

import functools
import json
import os
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
import xarray as xr
from click.testing import CliRunner

import lzsm
from lzsm.io.cli import main
from lzsm.io.output import MARKER, check_replaceable, lock_path, locked, marked_tempdir, read_marker
from lzsm.scans.engine import completed_blocks, scan

TESTS = Path(__file__).resolve().parent
CROSSINGS_EXAMPLE = TESTS.parent / "examples" / "diatomic_crossings.toml"

RUN_TOML = """title = "small"
[model]
kind = "landau_zener"
coupling = 0.5
sweep_rate = 1.0
[evolve]
t_span = [-10.0, 10.0]
n_save = 11
[figures]
energies = false
populations = false
nonadiabatic_coupling = false
"""
RUN_FILES = [MARKER, "evolution.nc", "scenario.json", "summary.json"]

MAP_TOML = """title = "tiny"
[drive]
gap = 1.0
frequency = 5.0
offset = [0.0, 2.5, 5.0, 7.5]
amplitude = {start = 0.0, stop = 4.0, num = 3}
[map]
n_periods = 2
n_samples = 64
chunk_points = 3
"""  # four chunks of one offset row each
MAP_FILES = [
    MARKER,
    "final_population.png",
    "interferometry.png",
    "map.nc",
    "map.zarr",
    "scenario.json",
    "summary.json",
]

X = np.arange(6.0)
Y = np.array([-1.0, 2.0])


def _toy(x, y):
    return {"f": x**2 * y + 3.0 * x - y}


def _toy_scan(store, resume=True):
    return scan(_toy, {"x": X, "y": Y}, chunks={"x": 1}, store=store, resume=resume, progress=False)


# --------------------------------------------------------------------------- helpers
def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def assert_one_line_error(result, *fragments):
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert result.stdout == ""
    assert result.stderr.startswith("lzsm: error: ") and result.stderr.count("\n") == 1, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def files(tmp_path):
    """Scenario files in tmp_path/in; outputs go to tmp_path/res (so listings show only them)."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "run.toml").write_text(RUN_TOML)
    (inputs / "map.toml").write_text(MAP_TOML)
    (tmp_path / "res").mkdir()
    return inputs


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """Uninterrupted `lzsm run` and `lzsm map` of the two scenarios."""
    base = tmp_path_factory.mktemp("reference")
    (base / "run.toml").write_text(RUN_TOML)
    (base / "map.toml").write_text(MAP_TOML)
    assert invoke("run", base / "run.toml", "--out", base / "run").exit_code == 0
    assert invoke("map", base / "map.toml", "--out", base / "map").exit_code == 0
    return base


def assert_same_run(out: Path, reference: Path):
    assert listing(out) == RUN_FILES
    with (
        xr.open_dataset(out / "evolution.nc", engine="h5netcdf") as a,
        xr.open_dataset(reference / "run" / "evolution.nc", engine="h5netcdf") as b,
    ):
        xr.testing.assert_identical(a, b)
    assert read_marker(out)["state"] == "complete"


def assert_same_map(out: Path, reference: Path):
    assert listing(out) == MAP_FILES
    with (
        xr.open_dataset(out / "map.nc", engine="h5netcdf") as a,
        xr.open_dataset(reference / "map" / "map.nc", engine="h5netcdf") as b,
    ):
        xr.testing.assert_identical(a, b)
    assert read_marker(out)["state"] == "complete"
    assert [p.name for p in (out / "map.zarr").iterdir() if p.name.startswith(".")] == []


# --------------------------------------------------------------------------- a run paused at a phase
def pause_at(phase: str, pause: Callable[[], None]) -> None:
    """Make this process call ``pause()`` when it reaches ``phase`` (used in the subprocesses)."""
    import lzsm.dynamics.coherent as coherent
    import lzsm.io.output as output
    import lzsm.plot.interferometry as plot_map
    import lzsm.scans.engine as engine

    def wrap(module, name, when=lambda *a, **k: True, after=False):
        original = getattr(module, name)

        @functools.wraps(original)
        def wrapper(*args, **kwargs):
            if not after and when(*args, **kwargs):
                pause()
            result = original(*args, **kwargs)
            if after:
                pause()
            return result

        setattr(module, name, wrapper)

    calls = []

    def second_block(*args, **kwargs):  # the first block is written and marked done by then
        calls.append(1)
        return len(calls) == 2

    if phase == "run:computing":  # the marked .NAME.partial-* folder exists, nothing is in it yet
        wrap(coherent, "evolve")
    elif phase == "run:renaming":  # every file is in .NAME.partial-*, about to be renamed into place
        wrap(os, "replace", lambda src, dst, **k: Path(src).name.startswith(f".{Path(dst).name}.partial-"))
    elif phase == "run:replacing":  # --force: the old folder is moved aside, the new one not yet in place
        wrap(output, "move_aside", after=True)
    elif phase == "map:template":  # the store's template written beside it, about to be renamed into place
        wrap(os, "rename", lambda src, dst, **k: Path(src).name == "store" and Path(dst).name == "map.zarr")
    elif phase in ("map:between-blocks", "scan:between-blocks"):
        wrap(engine, "_call_block", second_block)
    elif phase == "map:assembly":  # map.nc written in out/.final-*, the figures not yet
        wrap(plot_map, "plot_interferometry")
    else:
        raise ValueError(phase)


def _pauser(flags: str) -> Callable[[], None]:
    def pause() -> None:
        # written whole, then renamed: a poller never reads a half-written (empty) file
        tmp = Path(flags) / f"reached.{os.getpid()}"
        tmp.write_text(str(os.getpid()))
        tmp.replace(Path(flags) / "reached")
        while not (Path(flags) / "go").exists():
            time.sleep(0.02)

    return pause


def paused_cli(argv: list[str], phase: str, flags: str) -> None:
    """Subprocess entry: `lzsm ARGV`, pausing at ``phase`` until ``flags/go`` exists."""
    pause_at(phase, _pauser(flags))
    main(argv)


def paused_scan(store: str, flags: str) -> None:
    """Subprocess entry: the toy scan into ``store`` (resumed), pausing after its first block."""
    pause_at("scan:between-blocks", _pauser(flags))
    try:
        _toy_scan(store)
    except lzsm.LzsmLockedError as exc:
        print(exc, file=sys.stderr)
        raise SystemExit(2) from None


class Paused:
    """A subprocess that runs ``call`` (an entry point above) and pauses at a phase.

    Several may share one ``flags`` folder: whichever reaches the phase writes its PID there."""

    def __init__(self, tmp_path: Path, call: str, flags: Path, name: str = "a"):
        flags.mkdir(exist_ok=True)
        self.flags = flags
        self.stderr = tmp_path / f"stderr-{name}.txt"
        code = f"import sys; sys.path.insert(0, {str(TESTS)!r})\nimport test_io_output as t\nt.{call}\n"
        with open(self.stderr, "wb") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", code], cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=err
            )

    def reached(self) -> bool:
        return (self.flags / "reached").exists()

    def go(self) -> None:
        (self.flags / "go").touch()

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def wait(self) -> int:
        return self.proc.wait(timeout=120)


def poll(condition: Callable[[], bool], procs: list[Paused], what: str, timeout: float = 120.0) -> None:
    """Wait until ``condition()``; fail early if one of ``procs`` died unexpectedly."""
    deadline = time.monotonic() + timeout
    while not condition():
        for p in procs:
            if p.proc.poll() not in (None, 2):
                pytest.fail(f"{what}: subprocess exited with {p.proc.returncode}: {p.stderr.read_text()}")
        assert time.monotonic() < deadline, f"{what}: timed out"
        time.sleep(0.02)


@pytest.fixture
def cleanup():
    procs: list[Paused] = []
    yield procs
    for p in procs:
        if p.proc.poll() is None:
            p.proc.kill()
            p.proc.wait()


def start(tmp_path, cleanup, phase: str, argv: list, name: str = "a", flags: Path | None = None) -> Paused:
    flags = flags or tmp_path / f"flags-{name}"
    call = f"paused_cli({[str(a) for a in argv]!r}, {phase!r}, {str(flags)!r})"
    p = Paused(tmp_path, call, flags, name)
    cleanup.append(p)
    return p


# --------------------------------------------------------------------------- --force
@pytest.mark.parametrize("command", ["run", "map"])
@pytest.mark.parametrize("where", [".", "..", "ancestor"])
def test_force_refuses_the_working_directory_and_its_ancestors(tmp_path, files, monkeypatch, command, where):
    # the trial: `lzsm run s.toml --out . --force` deleted everything in the working directory
    work = tmp_path / "res" / "work"
    work.mkdir()
    (work / "precious.txt").write_text("keep me")
    monkeypatch.chdir(work)
    out = {".": ".", "..": "..", "ancestor": str(tmp_path)}[where]
    r = invoke(command, files / f"{command}.toml", "--out", out, "--force")
    reason = "it is the working directory" if where == "." else "it contains the working directory"
    assert_one_line_error(r, "refusing to replace output folder", reason)
    assert listing(work) == ["precious.txt"] and (work / "precious.txt").read_text() == "keep me"
    assert listing(tmp_path / "res") == ["work"] and listing(files) == ["map.toml", "run.toml"]


def test_force_refuses_the_home_folder(tmp_path, files, monkeypatch):
    home = tmp_path / "res" / "home"
    home.mkdir()
    (home / MARKER).write_text(json.dumps({"lzsm_output": 1}))  # even one that looks like lzsm's
    (home / "thesis.tex").write_text("keep me")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(files)
    assert_one_line_error(invoke("run", "run.toml", "--out", home, "--force"), "it is the home folder")
    assert listing(home) == [MARKER, "thesis.tex"]


def test_force_refuses_the_root_folder():
    with pytest.raises(lzsm.LzsmValueError, match=r"refusing to replace output folder '/': it is the root folder"):
        check_replaceable(Path("/"))


def test_force_refuses_a_folder_lzsm_did_not_write(tmp_path, files):
    out = tmp_path / "res" / "data"
    out.mkdir()
    (out / "measurements.csv").write_text("1,2,3")
    for command in ("run", "map"):
        r = invoke(command, files / f"{command}.toml", "--out", out, "--force")
        assert_one_line_error(r, "lzsm did not write it (it has no .lzsm-output file)")
    assert listing(out) == ["measurements.csv"] and listing(tmp_path / "res") == ["data"]


def test_force_refuses_a_symbolic_link(tmp_path, files):
    target = tmp_path / "res" / "real"
    assert invoke("run", files / "run.toml", "--out", target).exit_code == 0
    link = tmp_path / "res" / "link"
    link.symlink_to(target)
    assert_one_line_error(invoke("run", files / "run.toml", "--out", link, "--force"), "it is a symbolic link")
    assert link.is_symlink() and listing(target) == RUN_FILES


def test_force_replaces_only_when_the_new_folder_is_complete(tmp_path, files, reference):
    out = tmp_path / "res" / "out"
    assert invoke("run", files / "run.toml", "--out", out).exit_code == 0
    (out / "note.txt").write_text("added later")
    r = invoke("run", files / "run.toml", "--out", out, "--force")
    assert r.exit_code == 0, r.output
    assert_same_run(out, reference)
    assert listing(tmp_path / "res") == ["out"]  # no .out.replaced-*, no lock file


# --------------------------------------------------------------------------- the marker and the lock
def test_every_output_folder_is_marked(tmp_path, files):
    res = tmp_path / "res"
    invocations = {
        "run": ("run", files / "run.toml"),
        "map": ("map", files / "map.toml"),
        "crossings": ("crossings", CROSSINGS_EXAMPLE),
    }
    for kind, (command, scenario) in invocations.items():
        r = invoke(command, scenario, "--out", res / kind)
        assert r.exit_code == 0, r.output
        marker = read_marker(res / kind)
        assert marker["kind"] == kind and marker["target"] == kind and marker["state"] == "complete"
        assert marker["version"] == lzsm.__version__ and marker["command"] == shlex.join(sys.orig_argv)
        assert MARKER not in r.stdout  # the listing shows the results only
    assert listing(res) == ["crossings", "map", "run"]


def test_lock_file_names_the_holder_and_is_removed_on_release(tmp_path):
    out = tmp_path / "out"
    with locked(out):
        holder = json.loads(lock_path(out).read_text())
        assert holder["pid"] == os.getpid() and holder["host"] and holder["since"] and holder["command"]
        with pytest.raises(lzsm.LzsmLockedError, match=rf"is locked by PID {os.getpid()} on .* since "), locked(out):
            pass
    assert listing(tmp_path) == []


def test_a_second_writer_of_a_live_map_is_refused_naming_the_holder(tmp_path, files, cleanup, reference):
    # the trial: a --force run joining a live run deleted the live run's folder
    out = tmp_path / "res" / "out"
    live = start(tmp_path, cleanup, "map:between-blocks", ["map", files / "map.toml", "--out", out])
    poll(live.reached, [live], "the live map")
    pid = live.proc.pid
    for extra in (["--force"], ["--resume"], []):
        r = invoke("map", files / "map.toml", "--out", out, *extra)
        assert_one_line_error(r, f"output folder {str(out)!r} is locked by PID {pid} on ", " since ")
    assert_one_line_error(invoke("run", files / "run.toml", "--out", out, "--force"), f"locked by PID {pid}")
    assert completed_blocks(out / "map.zarr").sum() == 1  # untouched
    live.go()
    assert live.wait() == 0, live.stderr.read_text()
    assert_same_map(out, reference)
    assert listing(tmp_path / "res") == ["out"]


@pytest.mark.parametrize("command", ["run", "map"])
def test_two_writers_started_together_on_one_folder_one_wins(tmp_path, files, cleanup, reference, command):
    # the trial: two `lzsm run` into one new --out both exited 0 and printed "wrote"
    out = tmp_path / "res" / "out"
    phase = "run:computing" if command == "run" else "map:between-blocks"
    argv = [command, files / f"{command}.toml", "--out", out]
    flags = tmp_path / "flags"
    both = [start(tmp_path, cleanup, phase, argv, name, flags) for name in "ab"]
    poll(lambda: (flags / "reached").exists() and any(p.proc.poll() is not None for p in both), both, "two writers")
    winner_pid = int((flags / "reached").read_text())
    winner, loser = sorted(both, key=lambda p: p.proc.pid != winner_pid)
    assert loser.wait() == 2
    message = loser.stderr.read_text()
    assert message.startswith("lzsm: error: ") and message.count("\n") == 1, message
    assert f"output folder {str(out)!r} is locked by PID {winner_pid} on " in message
    winner.go()
    assert winner.wait() == 0, winner.stderr.read_text()
    (assert_same_run if command == "run" else assert_same_map)(out, reference)
    assert listing(tmp_path / "res") == ["out"]


def test_two_resumes_of_one_store_started_together_one_wins(tmp_path, cleanup):
    # the trial: two --resume runs on one store redid the same blocks, and nothing locked
    store = tmp_path / "s.zarr"
    flags = tmp_path / "flags"
    both = [Paused(tmp_path, f"paused_scan({str(store)!r}, {str(flags)!r})", flags, name) for name in "ab"]
    cleanup.extend(both)
    poll(lambda: (flags / "reached").exists() and any(p.proc.poll() is not None for p in both), both, "two scans")
    winner_pid = int((flags / "reached").read_text())
    winner, loser = sorted(both, key=lambda p: p.proc.pid != winner_pid)
    assert loser.wait() == 2
    assert loser.stderr.read_text().startswith(f"`store` {str(store)!r} is locked by PID {winner_pid} on ")
    # a third, in this process, is refused as well and leaves the store as it is
    with pytest.raises(lzsm.LzsmLockedError, match=rf"is locked by PID {winner_pid} "):
        _toy_scan(store)
    assert completed_blocks(store)[:, 0].tolist() == [True] + [False] * 5
    winner.go()
    assert winner.wait() == 0, winner.stderr.read_text()
    xr.testing.assert_identical(_toy_scan(store), _toy_scan(None, resume=False))
    assert listing(tmp_path) == sorted(["flags", "s.zarr", "stderr-a.txt", "stderr-b.txt"])


# --------------------------------------------------------------------------- chaos: kill -9 in each phase
@pytest.mark.parametrize("phase", ["run:computing", "run:renaming", "run:replacing"])
def test_kill_of_a_run_leaves_only_debris_the_rerun_removes(tmp_path, files, cleanup, reference, phase):
    # the trial: hidden .NAME.partial-* folders stayed forever after a kill
    res = tmp_path / "res"
    out = res / "out"
    argv = ["run", files / "run.toml", "--out", out]
    if phase == "run:replacing":
        assert invoke(*argv).exit_code == 0
        argv.append("--force")
    victim = start(tmp_path, cleanup, phase, argv)
    poll(victim.reached, [victim], phase)
    victim.kill()
    debris = [p for p in listing(res) if p.startswith(".out.")]
    expected = {".out.partial-", ".out.lzsm-lock"} | ({".out.replaced-"} if phase == "run:replacing" else set())
    assert {p if p.endswith("lock") else p[: p.index("-") + 1] for p in debris} == expected, debris
    r = invoke("run", files / "run.toml", "--out", out)  # no --force needed
    assert r.exit_code == 0, r.output
    assert listing(res) == ["out"]
    assert_same_run(out, reference)


@pytest.mark.parametrize("phase", ["map:template", "map:between-blocks", "map:assembly"])
def test_kill_of_a_map_then_resume_gives_the_uninterrupted_map(tmp_path, files, cleanup, reference, phase):
    res = tmp_path / "res"
    out = res / "out"
    victim = start(tmp_path, cleanup, phase, ["map", files / "map.toml", "--out", out])
    poll(victim.reached, [victim], phase)
    victim.kill()
    inside = listing(out)
    if phase == "map:template":
        assert "map.zarr" not in inside and any(p.startswith(".map.zarr.partial-") for p in inside), inside
    elif phase == "map:between-blocks":
        assert completed_blocks(out / "map.zarr").sum() == 1
    else:
        assert any(p.startswith(".final-") for p in inside) and "map.nc" not in inside, inside
    assert read_marker(out)["state"] == "running"
    r = invoke("map", files / "map.toml", "--out", out, "--resume")
    assert r.exit_code == 0, r.output
    assert listing(res) == ["out"]
    assert_same_map(out, reference)


# --------------------------------------------------------------------------- debris and interrupted maps
def test_debris_of_dead_runs_is_removed_and_nothing_else(tmp_path, files, reference):
    res = tmp_path / "res"
    out = res / "out"
    dead = [marked_tempdir(res, f".out.{kind}-", out, "run") for kind in ("partial", "replaced")]
    (dead[0] / "evolution.nc").write_text("half written")
    unmarked = res / ".out.partial-mine"  # same pattern, not lzsm's
    unmarked.mkdir()
    (unmarked / "notes.txt").write_text("keep me")
    other = marked_tempdir(res, ".other.partial-", res / "other", "run")  # debris of another folder
    r = invoke("run", files / "run.toml", "--out", out)
    assert r.exit_code == 0, r.output
    assert listing(res) == sorted([".out.partial-mine", other.name, "out"])
    assert (unmarked / "notes.txt").read_text() == "keep me"
    assert_same_run(out, reference)


def test_debris_of_a_live_run_is_left_alone(tmp_path, files):
    res = tmp_path / "res"
    out = res / "out"
    with locked(out):  # a live writer of out, with its partial folder
        live = marked_tempdir(res, ".out.partial-", out, "run")
        (live / "evolution.nc").write_text("being written")
        assert_one_line_error(invoke("run", files / "run.toml", "--out", out), f"locked by PID {os.getpid()}")
        assert (live / "evolution.nc").read_text() == "being written"


def test_an_interrupted_map_continues_without_resume(tmp_path, files, reference, monkeypatch):
    import lzsm.scans.engine as engine

    out = tmp_path / "res" / "out"
    original, calls = engine._call_block, []

    def interrupted(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    monkeypatch.setattr(engine, "_call_block", interrupted)
    assert invoke("map", files / "map.toml", "--out", out).exit_code != 0
    assert completed_blocks(out / "map.zarr").sum() == 2 and read_marker(out)["state"] == "running"
    monkeypatch.setattr(engine, "_call_block", original)
    other = files / "other.toml"
    other.write_text(MAP_TOML.replace("gap = 1.0", "gap = 2.0"))
    assert_one_line_error(
        invoke("map", other, "--out", out), "holds an interrupted map of another scenario (it differs in drive.gap)"
    )
    r = invoke("map", files / "map.toml", "--out", out)  # the same scenario: continued, no --resume needed
    assert r.exit_code == 0, r.output
    assert_same_map(out, reference)
    assert_one_line_error(invoke("map", files / "map.toml", "--out", out), "exists (a finished map); use --force")
    assert invoke("map", other, "--out", out, "--force").exit_code == 0
    assert json.loads((out / "scenario.json").read_text())["drive"]["gap"] == 2.0


def test_a_map_failing_before_its_first_chunk_leaves_no_folder(tmp_path, files, monkeypatch):
    import lzsm.scans.engine as engine

    def broken(*args, **kwargs):
        raise MemoryError("on purpose")

    monkeypatch.setattr(engine, "_call_block", broken)
    r = invoke("map", files / "map.toml", "--out", tmp_path / "res" / "out")
    assert_one_line_error(r, "func raised on block (0, 0)", "MemoryError: on purpose")
    assert listing(tmp_path / "res") == []


def test_resume_and_force_together_are_refused(tmp_path, files):
    r = invoke("map", files / "map.toml", "--out", tmp_path / "res" / "out", "--resume", "--force")
    assert_one_line_error(r, "give at most one of --resume (`resume`: continue the map in the folder) and --force")
    assert listing(tmp_path / "res") == []


# --------------------------------------------------------------------------- checked before computing
def _must_not_compute(*args, **kwargs):
    raise AssertionError("computed before the output was checked")


@pytest.mark.parametrize(
    "command, compute",
    [
        ("run", "lzsm.dynamics.coherent.evolve"),
        ("map", "lzsm.dynamics.interferometry.interferometry_map"),
        ("crossings", "lzsm.io.crossings_file.analyse"),
        ("evolve", "lzsm.dynamics.coherent.evolve"),
    ],
)
def test_an_unwritable_out_is_refused_before_computing(tmp_path, files, monkeypatch, command, compute):
    # the trial: a bad --out failed only after computing, in HDF5 wording
    monkeypatch.setattr(compute, _must_not_compute)
    blocker = tmp_path / "res" / "file.txt"
    blocker.write_text("not a folder")
    out = blocker / "sub" / ("x.nc" if command == "evolve" else "out")
    head = {
        "run": ["run", files / "run.toml"],
        "map": ["map", files / "map.toml"],
        "crossings": ["crossings", CROSSINGS_EXAMPLE],
        "evolve": ["evolve", "-V", "0.5", "-a", "1", "--t-span", "-5", "5"],
    }[command]
    r = invoke(*head, "--out", out)
    assert_one_line_error(r, f"cannot be created: {str(blocker)!r} is not a folder")
    assert listing(tmp_path / "res") == ["file.txt"]


def test_a_bad_scheduler_is_refused_before_anything_is_written(tmp_path, files):
    # the trial: `--scheduler bogus` was refused only after scenario.json had been written
    r = invoke("map", files / "map.toml", "--out", tmp_path / "res" / "out", "--scheduler", "bogus")
    assert_one_line_error(r, "`scheduler` must be 'local' or a scheduler address", "got 'bogus'")
    assert listing(tmp_path / "res") == []
    assert invoke("map", files / "map.toml", "--out", tmp_path / "res" / "out").exit_code == 0  # the corrected rerun


@pytest.mark.parametrize("store", [123, 1.5, True, ["a.zarr"]])
def test_scan_store_must_be_a_path(store):
    # the trial: store=123 raised a raw TypeError
    with pytest.raises(lzsm.LzsmTypeError, match=r"`store` must be a path \(str or os.PathLike\), got "):
        scan(_must_not_compute, {"x": X}, store=store)


def test_scan_store_that_cannot_be_created_is_refused_before_computing(tmp_path):
    # the trial: bad store paths raised raw OS errors after the first block had been computed
    (tmp_path / "file").write_text("x")
    with pytest.raises(lzsm.LzsmValueError, match=r"`store` '.*' cannot be created: '.*/file' is not a folder"):
        scan(_must_not_compute, {"x": X}, store=tmp_path / "file" / "s.zarr")
    with pytest.raises(lzsm.LzsmValueError, match=r"`store` must be a non-empty path"):
        scan(_must_not_compute, {"x": X}, store="")
    assert listing(tmp_path) == ["file"]
