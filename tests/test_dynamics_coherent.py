"""Exact time propagation (lzsm.evolve): sixth-order Magnus, compiled and generic paths.

The reference is the exact finite-time Landau-Zener propagator of lzsm.closed_forms.landau_zener (itself checked
against scipy and mpmath in test_analytic.py / test_parabolic_cylinder.py) and, for N levels,
scipy's DOP853 at rtol = atol = 1e-12.  Conventions: docs/conventions.md.
"""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pytest
import xarray as xr
from hypothesis import given
from hypothesis import strategies as st

import lzsm

couplings = st.builds(lambda r, phi: r * np.exp(1j * phi), st.floats(0.05, 2.0), st.floats(0.0, 2 * math.pi))
sweep_rates = st.builds(lambda sign, mag: sign * mag, st.sampled_from([-1.0, 1.0]), st.floats(0.2, 5.0))


def exact_populations(v, a, t, t0, initial=0, hbar=1.0):
    """|U(t, t0)_{j, initial}|^2 from the closed form, shape (..., 2)."""
    return np.abs(lzsm.lz_propagator(v, a, t, t0, hbar)[..., :, initial]) ** 2


A3 = np.array([[0.2, 0.5, 0.3j], [0.5, 0.0, 0.4], [-0.3j, 0.4, -0.3]])
B3 = np.array([1.0, 0.0, -1.0])


# --------------------------------------------------------------------------- accuracy
def test_benchmark_passage_against_closed_form():
    # issue's done-when: |P - P_exact| <= 1e-9 for V = 0.5, alpha = 1, t in [-200, 200], default tol
    ev = lzsm.evolve(lzsm.LandauZener(0.5, 1.0), (-200.0, 200.0))
    assert ev.ok and ev.method == "magnus6-compiled"
    u = lzsm.lz_propagator(0.5, 1.0, 200.0, -200.0)
    assert np.max(np.abs(ev.populations[-1] - np.abs(u[:, 0]) ** 2)) <= 1e-9
    assert np.max(np.abs(ev.amplitudes[-1] - u[:, 0])) <= 1e-9
    assert ev.p_diabatic_stay == pytest.approx(abs(u[0, 0]) ** 2, abs=1e-9)


def test_grid_against_closed_form():
    v = np.array([0.1, 0.3 - 0.2j, 0.7])[:, None]
    a = np.array([-2.0, 0.5, 1.0, 3.0])
    ev = lzsm.evolve(lzsm.LandauZener(v, a), (-50.0, 50.0))
    assert ev.amplitudes.shape == (3, 4, 2, 2) and ev.ok
    p = exact_populations(v, a, 50.0, -50.0)
    assert np.max(np.abs(ev.populations[..., -1, :] - p)) <= 1e-9


@given(v=couplings, a=sweep_rates, t0=st.floats(-60.0, 0.0), duration=st.floats(1.0, 80.0))
def test_norm_is_conserved(v, a, t0, duration):
    # every Magnus step is an exact exponential of an antihermitian matrix: drift is rounding only
    ev = lzsm.evolve(lzsm.LandauZener(v, a), (t0, t0 + duration), t_eval=np.linspace(t0, t0 + duration, 5))
    assert np.max(np.abs(np.linalg.norm(ev.amplitudes, axis=-1) - 1)) <= 1e-12


@given(v=couplings, a=sweep_rates, hbar=st.floats(0.5, 2.0))
def test_hbar_enters_as_h_over_hbar(v, a, hbar):
    ev = lzsm.evolve(lzsm.LandauZener(v, a, hbar=hbar), (-10.0, 15.0), initial=[0.6, 0.8j])
    ref = lzsm.lz_propagator(v, a, 15.0, -10.0, hbar) @ np.array([0.6, 0.8j])
    assert np.max(np.abs(ev.amplitudes[-1] - ref)) <= 1e-9


def test_asymptotic_landau_zener_diabatic():
    """Long span [-T, T] from diabatic |1>: the finite-time tail is at most 2|V|/(|alpha| T) from
    the start (missed admixture sin theta(-T)) plus 2 sqrt(P(1-P)) |V|/(|alpha| T) at the end
    (diabatic oscillation; both derived in test_analytic.py)."""
    v, a, T = 0.5, 1.0, 400.0
    ev = lzsm.evolve(lzsm.LandauZener(v, a), (-T, T))
    p = lzsm.lz_probability(v, a)
    tail = (2 + 2 * math.sqrt(p * (1 - p))) * abs(v) / (abs(a) * T)
    assert abs(ev.p_diabatic_stay - p) <= tail  # ~3.5e-3 = 1.7 % of P: a factor 2 in the exponent fails


def tail_adiabatic(v, a, T, hbar=1.0):
    """Adiabatic-basis tail of p_jump over [-T, T] starting in an adiabatic state: at each end the
    adiabatic states miss a dressing of amplitude eps = hbar |V|/(alpha^2 T^3) (first-order
    adiabatic perturbation theory), interfering with amplitudes sqrt(P), sqrt(1-P):
    |p_jump - P_LZ| <= 2 (2 sqrt(P(1-P)) eps + eps^2) (derived)."""
    p = lzsm.lz_probability(v, a, hbar)
    eps = hbar * abs(v) / (a**2 * T**3)
    return 2 * (2 * math.sqrt(p * (1 - p)) * eps + eps**2)


def test_one_over_e_sweep_rate():
    # alpha = 2 pi V^2 / hbar gives P_LZ = 1/e (docs/conventions.md)
    v = 0.5
    a = 2 * math.pi * v**2
    T = 200.0
    ev = lzsm.evolve(lzsm.LandauZener(v, a), (-T, T), initial="lower")
    assert abs(ev.p_jump - math.exp(-1)) <= tail_adiabatic(v, a, T)  # ~7e-8


def test_fast_sweep_limit():
    # delta = 2.5e-4: 1 - P_LZ ~ 2 pi delta (golden rule), relative error ~ pi delta
    v, a, T = 0.05, 10.0, 20.0
    ev = lzsm.evolve(lzsm.LandauZener(v, a), (-T, T), initial="lower")
    assert abs(ev.p_adiabatic_follow - lzsm.p_adiabatic_follow(v, a)) <= tail_adiabatic(v, a, T)
    gr = lzsm.golden_rule_probability(v, a)
    assert ev.p_adiabatic_follow == pytest.approx(gr, rel=1.1 * lzsm.golden_rule_error(v, a))


def test_slow_sweep_limit():
    # delta = 2: adiabatic following, P_LZ = exp(-4 pi) = 3.5e-6; the tail bound (~3e-8) is 1 % of it
    v, a, T = 1.0, 0.5, 100.0
    ev = lzsm.evolve(lzsm.LandauZener(v, a), (-T, T), initial="lower")
    p = lzsm.lz_probability(v, a)
    assert abs(ev.p_jump - p) <= tail_adiabatic(v, a, T)
    assert ev.p_adiabatic_follow == pytest.approx(1 - p, abs=1e-7)


@pytest.mark.parametrize("v, a", [(0.5, 1.0), (0.4 - 0.3j, -1.5), (0.2j, 3.0)])
@pytest.mark.parametrize("initial, k", [("lower", 0), ("upper", 1)])
def test_p_jump_against_finite_time_closed_form(v, a, initial, k):
    ev = lzsm.evolve(lzsm.LandauZener(v, a), (-30.0, 40.0), initial=initial)
    assert ev.initial_adiabatic == k and ev.initial_diabatic == -1
    assert ev.p_jump == pytest.approx(lzsm.finite_time_p_jump(v, a, 40.0, -30.0, initial=k), abs=1e-9)
    assert ev.p_jump + ev.p_adiabatic_follow == pytest.approx(1.0, abs=1e-15)


def test_saved_times():
    v, a = 0.5, 1.0
    t_eval = np.linspace(-29.0, 30.0, 13)
    ev = lzsm.evolve(lzsm.LandauZener(v, a), (-30.0, 30.0), t_eval=t_eval)
    assert np.array_equal(ev.t, np.concatenate([[-30.0], t_eval]))  # t0 is prepended
    assert ev.populations.shape == (14, 2)
    assert np.max(np.abs(ev.populations - exact_populations(v, a, ev.t, -30.0))) <= 1e-9
    assert np.allclose(ev.populations[0], [1.0, 0.0], atol=0)
    # saving intermediate states does not change the end point (beyond the tolerance)
    ev2 = lzsm.evolve(lzsm.LandauZener(v, a), (-30.0, 30.0))
    assert np.max(np.abs(ev2.amplitudes[-1] - ev.amplitudes[-1])) <= 1e-9


# --------------------------------------------------------------------------- initial states
def test_initial_state_by_name_and_vector():
    m = lzsm.LandauZener(0.4 - 0.3j, 1.2)
    t0, t1 = -10.0, 12.0
    u = lzsm.lz_propagator(0.4 - 0.3j, 1.2, t1, t0)
    states0 = lzsm.adiabatic_states(m, t0)

    ev = lzsm.evolve(m, (t0, t1), initial="diabatic 1")
    assert ev.initial_diabatic == 1 and ev.initial_adiabatic == 1  # |2> is the upper state before the crossing
    assert np.allclose(ev.amplitudes[0], [0, 1], atol=0)
    assert np.allclose(ev.amplitudes[-1], u[:, 1], atol=1e-9)
    assert ev.p_diabatic_stay == pytest.approx(abs(u[1, 1]) ** 2, abs=1e-9)
    assert np.allclose(lzsm.evolve(m, (t0, t1), initial=1).amplitudes, ev.amplitudes, atol=0)

    for name, k in (("lower", 0), ("adiabatic 0", 0), ("upper", 1), ("Adiabatic: 1", 1)):
        ev = lzsm.evolve(m, (t0, t1), initial=name)
        assert np.allclose(ev.amplitudes[0], states0[:, k], atol=1e-15), name
        assert np.allclose(ev.amplitudes[-1], u @ states0[:, k], atol=1e-9), name
        assert np.isnan(ev.p_diabatic_stay)  # not a diabatic basis state

    psi0 = np.array([0.6, 0.8j])
    ev = lzsm.evolve(m, (t0, t1), initial=psi0)
    assert ev.initial_diabatic == -1
    assert np.allclose(ev.amplitudes[-1], u @ psi0, atol=1e-9)


def test_initial_vector_broadcasts_over_grid():
    m = lzsm.LandauZener(np.array([0.2, 0.5]), 1.0)
    psi0 = np.array([[1.0, 0.0], [0.0, 1.0j]])
    ev = lzsm.evolve(m, (-5.0, 5.0), initial=psi0)
    assert np.array_equal(ev.initial_diabatic, [0, 1])
    for i, v in enumerate((0.2, 0.5)):
        assert np.allclose(ev.amplitudes[i, -1], lzsm.lz_propagator(v, 1.0, 5.0, -5.0) @ psi0[i], atol=1e-9)


# --------------------------------------------------------------------------- both code paths
def test_generic_two_level_path_agrees_with_compiled():
    v, a = 0.5, 1.0
    gen = lzsm.evolve(lzsm.TwoLevel(lambda t: a * t, v), (-30.0, 30.0))
    comp = lzsm.evolve(lzsm.LandauZener(v, a), (-30.0, 30.0))
    assert gen.method == "magnus6-lockstep" and comp.method == "magnus6-compiled"
    assert np.max(np.abs(gen.amplitudes - comp.amplitudes)) <= 1e-9
    assert gen.p_diabatic_stay == pytest.approx(comp.p_diabatic_stay, abs=1e-9)


def test_generic_grid_path():
    # one callable model over a coupling grid, stepped in lock-step
    v = np.array([0.2, 0.6])
    gen = lzsm.evolve(lzsm.TwoLevel(lambda t: 2.0 * t, v), (-15.0, 15.0))
    assert gen.amplitudes.shape == (2, 2, 2)
    assert np.max(np.abs(gen.populations[:, -1] - exact_populations(v, 2.0, 15.0, -15.0))) <= 1e-9


@pytest.mark.slow  # first use of the compiled N-level kernel: numba compiles it (~15 s cold, <1 s cached)
def test_three_level_compiled_vs_callable_vs_scipy(reference_solve):
    lin = lzsm.LinearSweep(A3, B3)
    call = lzsm.NLevel(lambda t: A3 + np.diag(B3) * np.asarray(t)[..., None, None])
    e1 = lzsm.evolve(lin, (-20.0, 20.0), initial="lower")
    e2 = lzsm.evolve(call, (-20.0, 20.0), initial="lower")
    assert e1.method == "magnus6-compiled" and e2.method == "magnus6-lockstep"
    assert np.max(np.abs(e1.amplitudes - e2.amplitudes)) <= 1e-9
    # DOP853 at rtol = atol = 1e-12 accumulates ~1e-10 over this span: tolerance 1e-8
    ref = reference_solve(lambda t: A3 + np.diag(B3) * t, (-20.0, 20.0), e1.amplitudes[0])
    assert np.max(np.abs(e1.amplitudes[-1] - ref)) <= 1e-8
    assert abs(np.linalg.norm(e1.amplitudes[-1]) - 1) <= 1e-12
    assert np.isclose(e1.adiabatic_populations[-1].sum(), 1.0, atol=1e-12)


def test_three_level_diabatic_start(reference_solve):
    ev = lzsm.evolve(lzsm.LinearSweep(A3, B3), (-20.0, 20.0), initial=2, t_eval=np.linspace(-20.0, 20.0, 5))
    ref = reference_solve(lambda t: A3 + np.diag(B3) * t, (-20.0, 20.0), [0, 0, 1], t_eval=ev.t)
    assert np.max(np.abs(ev.amplitudes - ref)) <= 1e-8
    assert ev.p_diabatic_stay == pytest.approx(abs(ref[-1, 2]) ** 2, abs=1e-8)


# --------------------------------------------------------------------------- convergence
def test_sixth_order_convergence_with_fixed_steps():
    """With a huge tol every step is accepted and the step is max_step (two half steps kept), so
    halving max_step must reduce the error by ~2^6 (Blanes, Casas & Ros 2000: order 6).  The steps
    stay inside the Magnus convergence radius (|Omega| <= pi; here |H| h <= 5 x 0.5), where the
    kernel does not shorten them."""
    m = lzsm.LandauZener(0.5, 1.0)
    u = lzsm.lz_propagator(0.5, 1.0, 10.0, -10.0)[:, 0]
    errs = []
    for h in (0.5, 0.25, 0.125, 0.0625):
        ev = lzsm.evolve(m, (-10.0, 10.0), tol=1.0, max_step=h, tails="off")
        errs.append(np.max(np.abs(ev.amplitudes[-1] - u)))
    orders = np.log2(np.array(errs[:-1]) / np.array(errs[1:]))  # measured 6.01, 5.34, 6.01
    mean_order = np.log2(errs[0] / errs[-1]) / 3.0  # measured 5.79; a fourth-order method gives ~4
    assert 5.5 < mean_order < 6.8 and np.all(orders > 5.0), (mean_order, orders)


def test_error_falls_with_tol_and_is_bounded_by_the_estimate():
    m = lzsm.LandauZener(0.5, 1.0)
    u = lzsm.lz_propagator(0.5, 1.0, 10.0, -10.0)[:, 0]
    errs, steps = [], []
    for tol in (1e-4, 1e-6, 1e-8, 1e-10, 1e-12):
        ev = lzsm.evolve(m, (-10.0, 10.0), tol=tol)
        err = np.max(np.abs(ev.amplitudes[-1] - u))
        assert err <= ev.error_estimate
        errs.append(err)
        steps.append(int(ev.n_steps))
    assert all(e1 > e2 for e1, e2 in itertools.pairwise(errs)), errs
    assert all(s1 < s2 for s1, s2 in itertools.pairwise(steps)), steps
    assert errs[-1] < 1e-10


# --------------------------------------------------------------------------- export
def test_to_xarray_labels_the_grid():
    v = np.array([0.1, 0.3])[:, None]
    a = np.array([1.0, 2.0, 3.0])
    ev = lzsm.evolve(lzsm.LandauZener(v, a), (-5.0, 5.0), t_eval=np.linspace(-5.0, 5.0, 4))
    ds = ev.to_xarray()
    assert ds["p_diabatic_stay"].dims == ("coupling", "sweep_rate")
    assert ds["amplitude_diabatic"].dims == ("coupling", "sweep_rate", "t", "diabatic")
    assert np.allclose(ds["coupling"].values, [0.1, 0.3]) and np.allclose(ds["sweep_rate"].values, a)
    assert ds.attrs["hbar"] == 1.0
    assert ds.attrs["lzsm_version"] == lzsm.__version__
    assert ds.attrs["model"] == "LandauZener"
    assert np.allclose(ds["p_jump"].values, ev.p_jump)
    sel = ds["population_diabatic"].sel(coupling=0.3, sweep_rate=2.0).isel(t=-1).values
    assert np.allclose(sel, exact_populations(0.3, 2.0, 5.0, -5.0), atol=1e-9)


def test_to_netcdf_round_trip(tmp_path):
    ev = lzsm.evolve(
        lzsm.LandauZener(np.array([0.1, 0.3])[:, None], np.array([1.0, 2.0, 3.0]), hbar=0.5),
        (-5.0, 5.0),
        t_eval=np.linspace(-5.0, 5.0, 4),
    )
    path = tmp_path / "evolution.nc"
    ev.to_netcdf(path)
    with xr.open_dataset(path, engine="h5netcdf") as back:
        back.load()
    ds = ev.to_xarray()
    assert back["amplitude_diabatic"].dtype == np.complex128
    assert np.array_equal(back["amplitude_diabatic"].values, ds["amplitude_diabatic"].values)
    assert np.array_equal(back["p_jump"].values, ds["p_jump"].values)
    assert back["p_jump"].dims == ("coupling", "sweep_rate")
    assert back.attrs["hbar"] == 0.5 and back.attrs["lzsm_version"] == lzsm.__version__


# --------------------------------------------------------------------------- bad input
M = lzsm.LandauZener(0.5, 1.0)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"t_span": (5.0, -5.0)}, "t_span"),
        ({"t_span": (-5.0, -5.0)}, "t_span"),
        ({"t_span": (-5.0, np.nan)}, "t_span"),
        ({"t_span": (-5.0,)}, "t_span"),
        ({"t_eval": [-6.0, 0.0, 5.0]}, "t_eval"),
        ({"t_eval": [-5.0, 0.0, 5.5]}, "t_eval"),
        ({"t_eval": [-5.0, 1.0, 0.0, 5.0]}, "t_eval"),
        ({"t_eval": [-5.0, 0.0, 0.0, 5.0]}, "t_eval"),
        ({"t_eval": []}, "t_eval"),
        ({"initial": [1.0, 1.0]}, "initial"),
        ({"initial": [1.0, 0.0, 0.0]}, "initial"),
        ({"initial": 2}, "initial"),
        ({"initial": -1}, "initial"),
        ({"initial": "diabatic 5"}, "initial"),
        ({"initial": "sideways"}, "initial"),
        ({"tol": 0.0}, "tol"),
        ({"max_steps": 0}, "max_steps"),
        ({"max_step": -1.0}, "max_step"),
    ],
)
def test_bad_input_raises_value_error_naming_the_parameter(kwargs, name):
    kwargs = {"t_span": (-5.0, 5.0), **kwargs}
    with pytest.raises(ValueError) as info:
        lzsm.evolve(M, **kwargs)
    assert isinstance(info.value, lzsm.LzsmValueError)
    assert name in str(info.value)


def test_model_along_a_coordinate_cannot_be_propagated():
    mx = lzsm.TwoLevel(bias=lambda x: 2.0 * x, coupling=0.3, coordinate="x")
    with pytest.raises(ValueError, match="model"):
        lzsm.evolve(mx, (-5.0, 5.0))


def test_wrong_kinds_raise_type_error():
    with pytest.raises(TypeError, match="model"):
        lzsm.evolve("LandauZener", (-5.0, 5.0))
    with pytest.raises(TypeError, match="initial"):
        lzsm.evolve(M, (-5.0, 5.0), initial=True)


def test_max_steps_reports_status_and_warns():
    with pytest.warns(UserWarning, match="did not reach"):
        ev = lzsm.evolve(M, (-200.0, 200.0), max_steps=10)
    assert not ev.ok and int(ev.status) == 1 and int(ev.n_steps) == 10


def test_unreached_saved_times_are_not_garbage():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ev = lzsm.evolve(
            lzsm.LandauZener(np.array([0.5, 0.6, 0.7]), 1.0),
            (-200.0, 200.0),
            t_eval=np.linspace(-200.0, 200.0, 5),
            max_steps=10,
        )
    tail = ev.amplitudes[:, 1:]
    # each saved state either flagged as missing (NaN) or a normalised state (times in the window's
    # left tail, lzsm.dynamics.asymptotic, are reached without steps)
    norms = np.linalg.norm(tail, axis=-1)
    assert np.all(np.isnan(norms) | np.isclose(norms, 1.0))
    assert np.all(np.isnan(tail[:, -1]))  # t1 lies beyond the core, which ran out of steps


@pytest.mark.parametrize("max_step", [np.nan, -np.inf])
def test_non_finite_max_step_is_rejected(max_step):
    with pytest.raises(ValueError, match="max_step"):
        lzsm.evolve(M, (-5.0, 5.0), max_step=max_step)


def test_loose_tolerances_still_deliver_their_accuracy_on_fast_sweeps():
    """Far from the crossing |H| grows as alpha t / 2; a Magnus step beyond the series' radius
    (|Omega| > pi, Moan & Niesen 2008) made the step-doubling estimate fail there (measured before
    the cap: tol 1e-6 gave 5e-4).  Against the exact finite-time closed form (Vitanov & Garraway
    1996) on a (V, alpha) grid with up to 2000 rad of dynamic phase: tol 1e-6 -> error <= 3e-6
    (measured 5e-7), tol 1e-4 -> <= 1e-3 (measured 1.1e-4)."""
    v = np.linspace(0.1, 1.0, 8)[:, None]
    a = np.geomspace(0.2, 20.0, 8)[None, :]
    exact = lzsm.finite_time_p_diabatic_stay(v, a, 200.0, -200.0, 0)
    for tol, bound in ((1e-6, 3e-6), (1e-4, 1e-3)):
        ev = lzsm.evolve(lzsm.LandauZener(v, a), (-200.0, 200.0), 0, tol=tol)
        assert np.max(np.abs(ev.p_diabatic_stay - exact)) <= bound, tol


def test_loose_tolerances_on_the_n_level_path():
    """The same Magnus-radius cap on the N-level kernel: a spin-1 Majorana sweep (3 levels, V = 0.3,
    alpha = 8, t in [-150, 150]) against Majorana's closed form through Wigner d-functions
    (lzsm.multilevel): tol 1e-6 -> max |P - P_exact| <= 2e-6 (measured 1.4e-7; 1.0e-4 without
    the cap), tol 1e-4 -> <= 1e-5 (measured 4.9e-6; 6.3e-3 without the cap).  The window was
    [-300, 300] (measured 1.6e-7 and 3.6e-7; 1.8e-4 and 3.6e-4 without the cap); half of it
    costs a quarter of the steps, and the kernel without the cap still fails both bounds."""
    m = lzsm.spin_sweep(1.0, 0.3, 8.0)
    exact = lzsm.majorana_transition_matrix(1.0, 0.3, 8.0)
    for tol, bound in ((1e-6, 2e-6), (1e-4, 1e-5)):
        p = lzsm.transition_matrix(m, (-150.0, 150.0), tol=tol)
        assert np.max(np.abs(np.asarray(p) - exact)) <= bound, tol


def test_unfinished_points_keep_nan_in_both_pictures():
    """A point stopped by max_steps has NaN amplitudes after its stop; the adiabatic picture of
    the result keeps them NaN (it does not raise), and the finished points are unaffected."""
    m = lzsm.LandauZener(0.5, np.array([1.0, 1000.0]))
    with pytest.warns(lzsm.LzsmConvergenceWarning):
        ev = lzsm.evolve(m, (-50.0, 50.0), 0, max_steps=3000)  # alpha = 1 needs ~2000 steps, alpha = 1000 more
    assert list(ev.success) == [True, False] and not ev.ok
    assert list(ev.message) == ["ok", "stopped: max_steps reached before the end of t_span"]
    pops = ev.adiabatic_populations
    bad = ~ev.success
    assert np.all(np.isnan(pops[bad][..., -1, :]))
    assert np.all(np.isfinite(pops[~bad]))


# --------------------------------------------------------------------------- estimator audit fix
@pytest.mark.parametrize("tol", [1e-4, 1e-5, 1e-6])
def test_callable_lockstep_error_estimate_bounds_the_error_at_loose_tolerances(tol):
    """The lock-step Magnus path of models given by callables keeps each step inside the Magnus
    radius, as the compiled kernels do.  Without it, a tanh sweep (|H| ~ 4) at tol 1e-6 took
    steps of ~8 rad where the step-doubling estimate no longer holds: claimed 1.5e-5, actual
    3.1e-5 (benchmarks/audit_estimators.py).  Reference: SciPy's DOP853 at tol 1e-12."""
    model = lzsm.TwoLevel(lambda t: 4.0 * np.tanh(t / 3.0), 0.3)
    run = lzsm.evolve(model, (-20.0, 20.0), 0, tol=tol)
    ref = lzsm.evolve(model, (-20.0, 20.0), 0, method="dop853", tol=1e-12)
    actual = np.linalg.norm(run.amplitudes[-1] - ref.amplitudes[-1])
    assert run.method == "magnus6-lockstep"
    assert actual <= run.error_estimate, (actual, run.error_estimate)


def test_dop853_honours_max_steps_within_one_segment():
    # solve_ivp has no step budget: one long segment (here 1.6e9 steps) ran unbounded
    with pytest.warns(lzsm.LzsmConvergenceWarning, match="did not reach"):
        ev = lzsm.evolve(lzsm.LandauZener(0.5, 1.0), (-1e5, 1e5), method="dop853", max_steps=200)
    assert int(ev.status) == int(lzsm.results.Status.MAX_STEPS) and int(ev.n_steps) == 200


def test_dop853_refuses_a_tol_scipy_cannot_honour():
    # SciPy raised such an rtol to 2.2e-14 with a UserWarning and ran on
    with pytest.raises(lzsm.LzsmValueError, match=r"`tol` must be in \[2\.22045e-14, 1\] \(method 'dop853'"):
        lzsm.evolve(M, (-5.0, 5.0), method="dop853", tol=1e-14)


def test_populations_beyond_one_by_more_than_the_method_answers_for_are_refused_naming_tol():
    # dop853 at tol 1e-4 (no error estimate): |c|^2 = 1.000008 was returned as a probability
    ev = lzsm.evolve(lzsm.LandauZener(0.0, -1.0), (-1.0, 1.0), method="dop853", tol=1e-4)
    with pytest.raises(
        lzsm.LzsmNumericalError, match=r"`populations` = 1\.0000080\d* lies outside \[0, 1\] .*lower `tol`"
    ):
        ev.populations  # noqa: B018
    with pytest.raises(lzsm.LzsmNumericalError, match=r"`populations` = 1\.0000080"):
        ev.p_diabatic_stay  # noqa: B018
    exact = lzsm.evolve(lzsm.LandauZener(0.0, -1.0), (-1.0, 1.0), method="dop853")  # default tol 1e-10
    assert float(exact.p_diabatic_stay) == pytest.approx(1.0, abs=1e-9)
