"""Sweeps at scale (lzsm.sweep): blocks in-process and on Dask, resumable Zarr stores.

References: direct NumPy evaluation of the toy function on the full meshgrid (exact equality),
the closed-form finite-time Landau-Zener probability for a grid of exact propagations, and an
uninterrupted run for every interrupted-and-resumed one (identical datasets).  The sweep
functions live at module level so that a subprocess can import them by the same qualified name
(the configuration hash includes it).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import lzsm
from lzsm.closed_forms.landau_zener import lz_closed_forms as example_lz_probability
from lzsm.scans.engine import ScanBlockError, completed_blocks, scan

X = np.arange(12.0) * 0.5
Y = np.array([-1.0, 0.5, 2.0])

# Knobs for _logged_toy, set by tests (monkeypatch) or by the subprocess; not part of the sweep's
# configuration, so a resumed run matches the interrupted one.
SWEEP_LOG: str | None = None  # append "x y" of each block's first point
SWEEP_DELAY = 0.0  # seconds of sleep per block
FAIL_AT: float | None = None  # raise ZeroDivisionError on the block containing this x
INTERRUPT_AT: float | None = None  # raise KeyboardInterrupt on the block containing this x


def _toy(x, y):
    """Exactly reproducible arithmetic: float, complex and integer outputs."""
    return {"f": x**2 * y + 3.0 * x - y, "z": (x + 1j * y) ** 2, "status": (x * y > 0).astype(np.int8)}


def _toy_reference(x, y):
    xx, yy = np.meshgrid(x, y, indexing="ij")
    return _toy(xx, yy)


def _logged_toy(x, y):
    if SWEEP_LOG is not None:
        with open(SWEEP_LOG, "a") as f:
            f.write(f"{float(x.flat[0])!r} {float(y.flat[0])!r}\n")
    if SWEEP_DELAY:
        time.sleep(SWEEP_DELAY)
    if FAIL_AT is not None and np.any(x == FAIL_AT):
        raise ZeroDivisionError("toy failure")
    if INTERRUPT_AT is not None and np.any(x == INTERRUPT_AT):
        raise KeyboardInterrupt
    return _toy(x, y)


def _worker_logged_toy(x, y):
    """_toy on a Dask worker that writes its PID to $LZSM_TEST_WORKER_LOG and takes 0.3 s per block."""
    log = os.environ.get("LZSM_TEST_WORKER_LOG")
    if log:
        with open(log, "a") as f:
            f.write(f"{os.getpid()}\n")
        time.sleep(0.3)
    return _toy(x, y)


def run_logged_sweep(store=None, resume=False):
    """The sweep the interruption tests run (12 blocks of one x value each)."""
    return scan(
        _logged_toy,
        {"x": X, "y": Y},
        chunks={"x": 1},
        store=store,
        resume=resume,
        progress=False,
        attrs={"purpose": "test"},
    )


def _lz_passage(coupling, sweep_rate):
    ev = lzsm.evolve(lzsm.LandauZener(coupling, sweep_rate), (-50.0, 50.0))
    return {"p_diabatic_stay": ev.p_diabatic_stay, "status": ev.status}


T = np.linspace(0.0, 1.0, 7)


def _signal(x):
    """An output with a declared trailing time axis and one with an undeclared trailing dim."""
    return {"signal": np.cos(x[..., None] * T), "pair": np.stack([x, 2 * x], axis=-1)}


def _shape_probe(a, b, c):
    # the meshgrid contract: parameter k has the block length on axis k and 1 elsewhere
    assert a.shape[1:] == (1, 1) and b.shape[0] == 1 and b.shape[2] == 1 and c.shape[:2] == (1, 1)
    return {"s": a + b + c}


# --------------------------------------------------------------------------- in-process
def test_in_process_equals_numpy_with_uneven_chunks():
    ds = scan(
        _toy,
        {"x": X, "y": Y},
        chunks={"x": 5, "y": 2},
        progress=False,
        name_units={"x": "energy", "f": "arb"},
        attrs={"note": "toy"},
    )
    ref = _toy_reference(X, Y)
    assert ds["f"].dims == ("x", "y") and ds.sizes == {"x": 12, "y": 3}
    for name in ref:
        np.testing.assert_array_equal(ds[name].values, ref[name])
        assert ds[name].dtype == ref[name].dtype
    np.testing.assert_array_equal(ds["x"].values, X)
    assert ds["x"].attrs["units"] == "energy" and ds["f"].attrs["units"] == "arb"
    assert ds.attrs["note"] == "toy" and ds.attrs["lzsm_version"] == lzsm.__version__
    config = json.loads(ds.attrs["lzsm_sweep_config"])
    assert config["chunks"] == {"x": 5, "y": 2} and config["func"].endswith("_toy")
    assert config["axes"][0] == ["x", X.tolist()]


def test_parameters_broadcast_like_meshgrid():
    a, b, c = np.arange(5.0), np.arange(4.0) * 10, np.arange(3.0) * 100
    ds = scan(_shape_probe, {"a": a, "b": b, "c": c}, chunks={"a": 2, "b": 3, "c": 2}, progress=False)
    np.testing.assert_array_equal(ds["s"].values, a[:, None, None] + b[None, :, None] + c)


def test_default_chunks_bound_the_block():
    ds = scan(_toy, {"x": np.arange(100.0), "y": np.arange(90.0)}, progress=False)
    chunks = json.loads(ds.attrs["lzsm_sweep_config"])["chunks"]
    assert chunks["y"] == 90 and chunks["x"] * chunks["y"] <= 4096


def test_trailing_output_dims_with_coords():
    t = T
    ds = scan(
        _signal,
        {"x": X},
        chunks={"x": 5},
        progress=False,
        output_dims={"signal": ["t"]},
        output_coords={"t": t},
        name_units={"t": "time"},
    )
    assert ds["signal"].dims == ("x", "t") and ds["pair"].dims == ("x", "pair_dim_0")
    np.testing.assert_array_equal(ds["t"].values, t)
    assert ds["t"].attrs["units"] == "time"
    np.testing.assert_array_equal(ds["signal"].values, np.cos(X[:, None] * t))
    np.testing.assert_array_equal(ds["pair"].values, np.stack([X, 2 * X], axis=-1))


def test_sweep_of_exact_propagation_matches_closed_form():
    v = np.linspace(0.1, 0.8, 6)
    a = np.array([-2.0, -0.5, 0.7, 1.0, 3.0])
    ds = scan(_lz_passage, {"coupling": v, "sweep_rate": a}, chunks={"coupling": 4, "sweep_rate": 3}, progress=False)
    exact = lzsm.finite_time_p_diabatic_stay(v[:, None], a[None, :], 50.0, -50.0)
    assert ds["p_diabatic_stay"].shape == (6, 5) and np.all(ds["status"].values == 0)
    assert np.max(np.abs(ds["p_diabatic_stay"].values - exact)) <= 1e-9


def test_progress_bar_forced(capsys):
    scan(_toy, {"x": X, "y": Y}, chunks={"x": 4}, progress=True)
    assert "block" in capsys.readouterr().err


# --------------------------------------------------------------------------- Zarr store
def test_store_result_identical_to_in_memory(tmp_path):
    kwargs = {"chunks": {"x": 5, "y": 2}, "progress": False, "name_units": {"x": "energy"}, "attrs": {"n": 1}}
    mem = scan(_toy, {"x": X, "y": Y}, **kwargs)
    stored = scan(_toy, {"x": X, "y": Y}, store=tmp_path / "s.zarr", **kwargs)
    xr.testing.assert_identical(stored, mem)
    assert completed_blocks(tmp_path / "s.zarr").shape == (3, 2)
    assert completed_blocks(tmp_path / "s.zarr").all()
    # resuming a finished store computes nothing and returns the same dataset
    again = scan(_toy, {"x": X, "y": Y}, store=tmp_path / "s.zarr", resume=True, **kwargs)
    xr.testing.assert_identical(again, mem)


def test_existing_store_without_resume_is_refused(tmp_path):
    store = tmp_path / "s.zarr"
    run_logged_sweep(store)
    with pytest.raises(lzsm.LzsmValueError, match=r"`store` .* already exists; pass resume=True"):
        run_logged_sweep(store)


@pytest.mark.parametrize(
    "change, setting",
    [
        ({"axes": {"x": X + 0.25, "y": Y}}, r"`axes\['x'\]`"),
        ({"axes": {"y": Y, "x": X}}, r"`axes` \(names/order"),
        ({"chunks": {"x": 2}}, r"`chunks`"),
        ({"func": _toy}, r"`func`"),
        ({"attrs": {"purpose": "other"}}, r"`attrs`"),
    ],
)
def test_resume_with_changed_configuration_is_refused(tmp_path, change, setting):
    store = tmp_path / "s.zarr"
    run_logged_sweep(store)
    kwargs = {"func": _logged_toy, "axes": {"x": X, "y": Y}, "chunks": {"x": 1}, "attrs": {"purpose": "test"}}
    kwargs.update(change)
    with pytest.raises(lzsm.LzsmValueError, match=r"cannot resume: .*" + setting):
        scan(kwargs.pop("func"), kwargs.pop("axes"), store=store, resume=True, progress=False, **kwargs)


def test_resume_after_sigkill_skips_finished_blocks(tmp_path, monkeypatch):
    store, log = tmp_path / "killed.zarr", tmp_path / "calls.log"
    code = (
        f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        f"import {__name__} as m\n"
        f"m.SWEEP_LOG = {str(log)!r}; m.SWEEP_DELAY = 0.3\n"
        f"m.run_logged_sweep({str(store)!r})\n"
    )
    stderr = tmp_path / "stderr.txt"
    with (
        open(stderr, "wb") as err,
        subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=err) as proc,
    ):
        try:
            deadline = time.monotonic() + 120
            while not (store.exists() and completed_blocks(store).any()):
                assert proc.poll() is None, stderr.read_text()
                assert time.monotonic() < deadline, "no block finished in time"
                time.sleep(0.02)
            proc.send_signal(signal.SIGKILL)
        finally:
            proc.kill()
    done = completed_blocks(store)[:, 0]
    assert 1 <= done.sum() < len(X), "the kill must land mid-sweep"
    log.rename(tmp_path / "calls-before-kill.log")

    monkeypatch.setattr(sys.modules[__name__], "SWEEP_LOG", str(log))
    resumed = run_logged_sweep(store, resume=True)
    recomputed = {float(line.split()[0]) for line in log.read_text().splitlines()}
    assert recomputed.isdisjoint(X[done]) and recomputed | set(X[done]) == set(X)
    assert len(log.read_text().splitlines()) == len(X) - done.sum()

    monkeypatch.setattr(sys.modules[__name__], "SWEEP_LOG", None)
    uninterrupted = run_logged_sweep(tmp_path / "clean.zarr")
    xr.testing.assert_identical(resumed, uninterrupted)
    np.testing.assert_array_equal(resumed["f"].values, _toy_reference(X, Y)["f"])


def test_exception_names_block_and_keeps_finished_blocks(tmp_path, monkeypatch):
    store = tmp_path / "s.zarr"
    monkeypatch.setattr(sys.modules[__name__], "FAIL_AT", X[5])
    with pytest.raises(ScanBlockError, match=r"block \(5, 0\) \(x = 2\.5, y in \[-1\.0, 2\.0\]") as info:
        run_logged_sweep(store)
    assert isinstance(info.value.__cause__, ZeroDivisionError)
    assert info.value.ranges == {"x": (2.5, 2.5), "y": (-1.0, 2.0)}
    done = completed_blocks(store)[:, 0]
    assert done[:5].all() and not done[5:].any()

    monkeypatch.setattr(sys.modules[__name__], "FAIL_AT", None)
    monkeypatch.setattr(sys.modules[__name__], "SWEEP_LOG", str(tmp_path / "calls.log"))
    resumed = run_logged_sweep(store, resume=True)
    assert len((tmp_path / "calls.log").read_text().splitlines()) == len(X) - 5
    monkeypatch.setattr(sys.modules[__name__], "SWEEP_LOG", None)
    xr.testing.assert_identical(resumed, run_logged_sweep())


def test_keyboard_interrupt_leaves_a_resumable_store(tmp_path, monkeypatch):
    store = tmp_path / "s.zarr"
    monkeypatch.setattr(sys.modules[__name__], "INTERRUPT_AT", X[3])
    with pytest.raises(KeyboardInterrupt):
        run_logged_sweep(store)
    assert completed_blocks(store)[:, 0].tolist() == [True] * 3 + [False] * 9
    monkeypatch.setattr(sys.modules[__name__], "INTERRUPT_AT", None)
    xr.testing.assert_identical(run_logged_sweep(store, resume=True), run_logged_sweep())


def test_resume_of_missing_store_starts_afresh(tmp_path):
    ds = run_logged_sweep(tmp_path / "new.zarr", resume=True)
    xr.testing.assert_identical(ds, run_logged_sweep())


# --------------------------------------------------------------------------- bad input
def _wrong_shape(x, y):
    return {"f": np.zeros(3)}


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"axes": {"x": X, "y": np.zeros((2, 2))}}, lzsm.LzsmValueError, r"`axes\['y'\]` must be a non-empty"),
        ({"axes": {"x": [0.0, np.nan]}}, lzsm.LzsmValueError, r"`axes\['x'\]` must be finite"),
        ({"axes": {}}, lzsm.LzsmTypeError, r"`axes` must be a non-empty dict"),
        ({"chunks": {"z": 2}}, lzsm.LzsmValueError, r"`chunks` names unknown axes \['z'\]"),
        ({"chunks": {"x": 0}}, lzsm.LzsmValueError, r"`chunks\['x'\]` must be an integer >= 1"),
        ({"resume": True}, lzsm.LzsmValueError, r"`resume=True` needs a `store`"),
        ({"scheduler": "threads"}, lzsm.LzsmValueError, r"`scheduler` must be 'local' or a scheduler address"),
        ({"progress": "yes"}, lzsm.LzsmTypeError, r"`progress` must be None"),
        ({"attrs": {"lzsm_version": "x"}}, lzsm.LzsmValueError, r"`attrs` keys \['lzsm_version'\] are reserved"),
        ({"output_coords": {"t": [1.0]}}, lzsm.LzsmValueError, r"`output_coords\['t'\]` is not a dim"),
        ({"name_units": {"w": "m"}}, lzsm.LzsmValueError, r"`name_units` names \['w'\]"),
        ({"func": _wrong_shape}, lzsm.LzsmValueError, r"func output 'f' has shape \(3,\)"),
    ],
)
def test_bad_input_names_the_argument(kwargs, error, message):
    args = {"func": _toy, "axes": {"x": X, "y": Y}, "progress": False}
    args.update(kwargs)
    with pytest.raises(error, match=message):
        scan(args.pop("func"), args.pop("axes"), **args)


# --------------------------------------------------------------------------- Dask
@pytest.mark.slow
def test_local_dask_cluster_equals_in_process(tmp_path):
    axes = {"coupling": np.linspace(0.1, 1.0, 9), "sweep_rate": np.array([-1.0, 0.5, 2.0, 4.0])}
    kwargs = {"chunks": {"coupling": 2, "sweep_rate": 3}, "progress": False, "name_units": {"coupling": "energy"}}
    local = scan(example_lz_probability, axes, **kwargs)
    on_dask = scan(example_lz_probability, axes, scheduler="local", **kwargs)
    xr.testing.assert_identical(on_dask, local)
    stored = scan(example_lz_probability, axes, scheduler="local", store=tmp_path / "d.zarr", **kwargs)
    xr.testing.assert_identical(stored, local)
    np.testing.assert_allclose(
        local["p_diabatic_stay"].values, lzsm.lz_probability(axes["coupling"][:, None], axes["sweep_rate"]), rtol=1e-15
    )


@pytest.mark.slow
def test_dask_block_error_names_the_block(tmp_path):
    distributed = pytest.importorskip("distributed")
    axes = {"coupling": np.array([0.2, 0.4]), "sweep_rate": np.array([-1.0, 0.0, 1.0])}
    cluster = distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=":0",
        scheduler_kwargs={"dashboard": False},
    )
    with cluster, distributed.Client(cluster) as client:
        with pytest.raises(ScanBlockError, match=r"sweep_rate = 0\.0") as info:
            scan(
                example_lz_probability,
                axes,
                chunks={"sweep_rate": 1},
                scheduler=client,
                store=tmp_path / "d.zarr",
                progress=False,
            )
        assert isinstance(info.value.__cause__, ValueError)
        assert client.status != "closed"  # a client passed in is left open
    if (tmp_path / "d.zarr").exists():
        assert not completed_blocks(tmp_path / "d.zarr")[:, 1].any()


@pytest.mark.slow
def test_dask_worker_killed_mid_scan_completes_identically(tmp_path, monkeypatch):
    # kill -9 of one of the LocalCluster's worker processes while it computes a block: its nanny
    # restarts it, the scheduler runs the lost block again, and the store is the same
    log = tmp_path / "workers.log"
    monkeypatch.setenv("LZSM_TEST_WORKER_LOG", str(log))  # the worker processes inherit it
    killed: list[int] = []

    def kill_the_first_worker() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            pids = log.read_text().split() if log.exists() else []
            if pids:
                os.kill(int(pids[0]), signal.SIGKILL)
                killed.append(int(pids[0]))
                return
            time.sleep(0.02)

    killer = threading.Thread(target=kill_the_first_worker, daemon=True)
    killer.start()
    store = tmp_path / "s.zarr"
    on_dask = scan(
        _worker_logged_toy, {"x": X, "y": Y}, chunks={"x": 1}, store=store, scheduler="local", progress=False
    )
    killer.join()
    assert killed and killed[0] != os.getpid()
    assert completed_blocks(store).all()
    monkeypatch.delenv("LZSM_TEST_WORKER_LOG")
    xr.testing.assert_identical(on_dask, scan(_worker_logged_toy, {"x": X, "y": Y}, chunks={"x": 1}, progress=False))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.zarr", "workers.log"]  # no debris, no lock file
