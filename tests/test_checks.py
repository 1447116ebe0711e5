"""The rules of lzsm._checks that keep a number from being silently wrong or a run from hanging:
the one tolerance rule, the grid-size rule, the memory and step budgets decided before anything
is allocated or integrated, and the check of probabilities on their way out."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lzsm
from lzsm import _checks


# --------------------------------------------------------------------------- tolerances
@pytest.mark.parametrize("tol", [1e-300, 1e-15, 0.0, -1e-3, 2.0, math.inf, math.nan])
def test_tol_double_precision_cannot_deliver_is_refused_naming_tol_and_the_range(tol):
    with pytest.raises(lzsm.LzsmValueError, match=r"`tol` must be in \[1e-14, 1\] \(double precision"):
        lzsm.Options(tol=tol)


def test_tol_rule_is_the_same_at_every_front_door_that_takes_tol():
    lz = lzsm.LandauZener(0.5, 1.0)
    drive = lzsm.PeriodicDrive(1.0, 0.0, 0.0, 5.0)
    calls = [
        lambda: lzsm.evolve(lz, (-5, 5), tol=1e-300),
        lambda: lzsm.propagator(lz, (-5, 5), tol=1e-300),
        lambda: lzsm.evolve_open(lz, (-5, 5), dephasing=0.1, tol=1e-300),
        lambda: lzsm.floquet(drive, tol=1e-300),
        lambda: lzsm.interferometry_map(drive, offset=[0.0, 1.0], tol=1e-300),
        lambda: lzsm.berry_phase(lzsm.JahnTellerExE(1.0), lzsm.circle_loop([0.0, 0.0], 0.5), tol=1e-300),
        lambda: lzsm.jahn_teller_levels(1.0, tol=1e-300),
    ]
    for call in calls:
        with pytest.raises(lzsm.LzsmValueError, match=r"`tol` must be .*1e-14"):
            call()


# --------------------------------------------------------------------------- grids
def test_grid_cap_is_one_rule_for_one_axis_and_for_the_product():
    assert _checks.grid_points({"a": 10**7}) == 10**7
    assert _checks.grid_points({"a": 1000, "b": 10_000}) == 10**7
    with pytest.raises(lzsm.LzsmResourceError, match=r"100000 \(a\) x 10000 \(b\) = 1e\+09 points .* 1e\+07 points"):
        _checks.grid_points({"a": 100_000, "b": 10_000})
    with pytest.raises(lzsm.LzsmResourceError, match=r"10000001 \(a\) = 1e\+07 points exceeds the limit"):
        _checks.grid_points({"a": 10**7 + 1})


def test_scan_of_more_points_than_the_cap_is_refused_before_computing():
    calls = []

    def func(x, y):
        calls.append(1)
        return {"z": x + y}

    with pytest.raises(lzsm.LzsmResourceError, match=r"= 1e\+08 points"):
        lzsm.scan(func, {"x": np.arange(10_000.0), "y": np.arange(10_000.0)})
    assert not calls


# --------------------------------------------------------------------------- memory
@pytest.mark.parametrize(
    ("text", "expected"),
    [("1000", 1000.0), ("8GiB", 8 * 2.0**30), ("500 MB", 5e8), ("1.5e3 kib", 1536000.0), ("2gb", 2e9)],
)
def test_memory_limit_environment_variable_in_bytes_or_with_a_unit(monkeypatch, text, expected):
    monkeypatch.setenv("LZSM_MEMORY_LIMIT", text)
    limit, source = _checks.memory_limit()
    assert limit == expected and source == f"LZSM_MEMORY_LIMIT={text}"


@pytest.mark.parametrize("text", ["lots", "8 parsecs", "-5GB", "0"])
def test_memory_limit_environment_variable_that_is_not_a_size_is_refused_naming_it(monkeypatch, text):
    monkeypatch.setenv("LZSM_MEMORY_LIMIT", text)
    with pytest.raises(lzsm.LzsmValueError, match="LZSM_MEMORY_LIMIT must be"):
        _checks.memory_limit()


def test_default_memory_budget_is_half_the_available_memory(monkeypatch):
    monkeypatch.delenv("LZSM_MEMORY_LIMIT", raising=False)
    limit, source = _checks.memory_limit()
    assert limit > 0 and source.startswith(("half of the", "the default"))
    monkeypatch.setattr(_checks, "_available_memory", lambda: None)
    assert _checks.memory_limit() == (_checks.FALLBACK_MEMORY, "the default 2 GiB: the free memory could not be read")


def test_saved_states_beyond_the_memory_budget_are_refused_before_allocating(monkeypatch):
    # a grid too large for memory used to fail with numpy's "Unable to allocate 1.16 TiB"
    monkeypatch.setenv("LZSM_MEMORY_LIMIT", "10MiB")
    lz = lzsm.LandauZener(0.5, np.linspace(1.0, 2.0, 1000))
    with pytest.raises(
        lzsm.LzsmResourceError,
        match=r"evolve: the saved states needs about 122 MiB .*1000 grid points x 2000 saved times \(`t_eval`\)"
        r".* budget of 10 MiB \(LZSM_MEMORY_LIMIT=10MiB\): save fewer times",
    ):
        lzsm.evolve(lz, (-5, 5), 0, np.linspace(-5, 5, 2000))


def test_scan_result_beyond_the_memory_budget_is_refused_naming_store(monkeypatch):
    monkeypatch.setenv("LZSM_MEMORY_LIMIT", "1MiB")

    def func(x):
        return {"z": np.broadcast_to(x[:, None], x.shape + (100,))}

    with pytest.raises(lzsm.LzsmResourceError, match=r"the whole result in memory .*pass `store=`"):
        lzsm.scan(func, {"x": np.arange(10_000.0)}, output_dims={"z": ["k"]})


def test_scan_result_beyond_the_memory_budget_stays_in_its_store(monkeypatch, tmp_path):
    monkeypatch.setenv("LZSM_MEMORY_LIMIT", "1MiB")

    def func(x):
        return {"z": np.broadcast_to(x[:, None], x.shape + (100,))}

    ds = lzsm.scan(func, {"x": np.arange(10_000.0)}, output_dims={"z": ["k"]}, store=tmp_path / "s.zarr")
    assert ds["z"].chunks is not None  # read lazily from the store
    assert float(ds["z"][1234, 5]) == 1234.0


# --------------------------------------------------------------------------- steps
def test_span_beyond_the_step_budget_is_refused_before_integrating_naming_t_span():
    # used to run 1e7 steps and return NaN (lzsm lz: "evolve p_diabatic_stay nan", exit 0); with
    # the tails (the default) only the core is stepped and the window runs
    with pytest.raises(
        lzsm.LzsmResourceError,
        match=r"`t_span` = \(-1e\+12, 1e\+12\) needs at least 1\.59e\+23 steps at coupling = 0\.5, sweep_rate = 1",
    ):
        lzsm.evolve(lzsm.LandauZener(0.5, 1.0), (-1e12, 1e12), tails="off")
    assert int(lzsm.evolve(lzsm.LandauZener(0.5, 1.0), (-1e12, 1e12)).n_steps) < 1000
    # a model whose asymptotics lzsm does not know (off-diagonal slopes) is refused whatever `tails` says
    rotating = lzsm.LinearSweep([[0.0, 0.5], [0.5, 0.0]], [[0.5, 0.1], [0.1, -0.5]])
    assert rotating.asymptotic_form() is None
    with pytest.raises(lzsm.LzsmResourceError, match=r"needs at least 1\.62e\+23 steps"):
        lzsm.evolve(rotating, (-1e12, 1e12))


def test_huge_coupling_is_refused_before_integrating_naming_it():
    with pytest.raises(lzsm.LzsmResourceError, match=r"at coupling = 1e\+300"):
        lzsm.evolve(lzsm.LandauZener(1e300, 1.0), (-1.0, 1.0))


def test_points_certain_to_stop_early_but_cheap_still_run_and_report_their_status():
    with pytest.warns(lzsm.LzsmConvergenceWarning, match="did not reach"):
        ev = lzsm.evolve(lzsm.LandauZener(0.5, 1.0), (-200.0, 200.0), max_steps=10)
    assert int(ev.status) == int(lzsm.results.Status.MAX_STEPS)


models = st.sampled_from(["lz", "drive", "triangle", "double", "linear"])


@given(
    kind=models,
    a=st.floats(0.05, 5.0),
    b=st.floats(0.0, 20.0),
    span=st.floats(1.0, 100.0),
    tol=st.sampled_from([1e-6, 1e-10]),
)
def test_step_bound_never_exceeds_the_steps_taken(kind, a, b, span, tol):
    """The up-front refusal rests on this lower bound: a point is refused only if it could not
    have finished.  With tails only the core is stepped: the bound is that of the core."""
    if kind == "lz":
        m = lzsm.LandauZener(a, b + 0.1)
        t_span = (-span, span)
    elif kind in ("drive", "triangle"):
        m = lzsm.PeriodicDrive(a, b / 2, b, 1.0 + a, shape="harmonic" if kind == "drive" else "triangular")
        t_span = (0.0, span)
    elif kind == "double":
        m = lzsm.DoublePassage(coupling=a, sweep_rate=b + 0.1, crossing_time=span / 4)
        t_span = (-span / 2, span / 2)
    else:
        h = np.array([[0.0, a, 0.2], [a, 0.0, 0.1], [0.2, 0.1, b / 10]])
        m = lzsm.LinearSweep(h, np.array([1.0, 0.0, -2.0]))
        t_span = (-span, span)
    bound = float(m.kernel_form().phase_bound(*t_span)) / (math.pi * m.hbar)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ev = lzsm.evolve(m, t_span, 0, tol=tol)
    if ev.tails is not None:
        bound = float(m.kernel_form().phase_bound(*ev.tails.core)) / (math.pi * m.hbar)
    assert bound <= int(ev.n_steps)


# --------------------------------------------------------------------------- probabilities out
def test_probabilities_clip_rounding_and_refuse_what_is_more():
    p = _checks.probabilities(np.array([-1e-12, 0.5, 1 + 1e-12]), "p", fix="lower tol")
    assert p.tolist() == [0.0, 0.5, 1.0]
    with pytest.raises(lzsm.LzsmNumericalError, match=r"`p` = 1\.47 lies outside \[0, 1\] .*: lower tol"):
        _checks.probabilities(np.array([0.2, 1.47]), "p", fix="lower tol")
    with pytest.raises(lzsm.LzsmNumericalError, match=r"`p` is NaN or infinite at 1 of 2 .*: shorten t_span"):
        _checks.probabilities(np.array([0.2, np.nan]), "p", fix="shorten t_span")
    # NaN where the status says the point did not finish; a stated error estimate widens the slack
    kept = _checks.probabilities(np.array([0.2, np.nan]), "p", fix="-", unfinished=np.array([False, True]))
    assert kept[0] == 0.2 and np.isnan(kept[1])
    assert _checks.probabilities(np.array([1 + 1e-6]), "p", fix="-", error_estimate=1e-6)[0] == 1.0


def test_named_errors_use_the_callers_names():
    with pytest.raises(lzsm.LzsmValueError, match=r"`--t-span` .* `tol`"), _checks.named({"t_span": "--t-span"}):
        raise lzsm.LzsmValueError("`t_span` is too long for `tol`")


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), scale=st.floats(1e-6, 1e3), n=st.sampled_from([2, 3]))
def test_half_spread_of_hermitian_matrices(seed, scale, n):
    """Half the spread of the eigenvalues: the closed form for 2 x 2 against eigvalsh (and
    eigvalsh itself for 3 x 3), for a batch and for a matrix broadcast over a grid."""
    from lzsm.models.base import _half_spread

    rng = np.random.default_rng(seed)
    a = rng.normal(size=(5, n, n)) + 1j * rng.normal(size=(5, n, n))
    h = scale * (a + np.conj(np.swapaxes(a, -1, -2)))
    ev = np.linalg.eigvalsh(h)
    expected = 0.5 * (ev[..., -1] - ev[..., 0])
    assert np.max(np.abs(_half_spread(h) - expected)) <= 1e-13 * scale
    grid = np.broadcast_to(h[0], (3, 4, n, n))
    assert np.max(np.abs(_half_spread(grid) - expected[0])) <= 1e-13 * scale
