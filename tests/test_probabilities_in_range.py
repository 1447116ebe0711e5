"""Every probability a front door returns lies in [0, 1] up to rounding, or the call raises an
LzsmError: never NaN where the result says the point finished, never outside [0, 1].

Hypothesis draws valid inputs, including extreme ones (couplings and times far beyond what a
propagation can serve, huge numbers of periods, loose and tight tolerances): each call either
returns probabilities within [-1e-9, 1 + 1e-9] (NaN only where ``status`` reports a point that
did not finish, or a state the system did not start in) or raises an :class:`lzsm.LzsmError`
(a refusal that names what to change).  Covered: the closed forms (Landau–Zener, finite times,
double passages, fast driving, pulses, incoherent limits, multi-level), evolve, transition_matrix,
evolve_open, evolve_noisy, floquet (stroboscopic and time-averaged populations),
interferometry_map and scan.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import lzsm
from lzsm.results import SUCCESS

SLACK = 1e-9

#: Positive numbers over many orders of magnitude (the extremes reach refusals, not NaN).
wide = st.one_of(st.floats(1e-6, 1e3), st.floats(1e3, 1e300))
signed_wide = st.tuples(wide, st.sampled_from([-1.0, 1.0])).map(lambda x: x[0] * x[1])
moderate = st.floats(0.0, 5.0)
rates = st.tuples(st.floats(0.05, 50.0), st.sampled_from([-1.0, 1.0])).map(lambda x: x[0] * x[1])
spans = st.one_of(st.floats(0.5, 60.0), st.just(1e5), st.just(1e12))
tols = st.sampled_from([1e-4, 1e-8, 1e-10, 1e-14])


def outcome(call: Callable[[], Any]) -> Any:
    """The call's value, or None where it raised an LzsmError (a refusal); anything else fails."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", lzsm.LzsmConvergenceWarning)
        try:
            return call()
        except lzsm.LzsmError:
            return None


def assert_probability(p: Any, unfinished: Any = False) -> None:
    arr = np.asarray(p, dtype=float)
    allowed = np.broadcast_to(np.asarray(unfinished, dtype=bool), arr.shape)
    assert np.all(np.isfinite(arr) | allowed), arr
    finite = arr[np.isfinite(arr)]
    assert np.all((finite >= -SLACK) & (finite <= 1 + SLACK)), finite


def check(get: Callable[[], Any], unfinished: Any = False) -> None:
    """A result's probabilities in range, or refused with an LzsmError when read."""
    value = outcome(get)
    if value is not None:
        assert_probability(value, unfinished)


def unfinished_of(result: Any, extra_dims: int = 0) -> np.ndarray:
    st_ = np.asarray(result.status)
    bad = ~np.isin(st_, [int(s) for s in SUCCESS])
    return bad.reshape(bad.shape + (1,) * extra_dims)


# --------------------------------------------------------------------------- closed forms
@given(v=signed_wide, a=signed_wide, hbar=wide)
def test_landau_zener_closed_forms(v, a, hbar):
    for f in (lzsm.lz_probability, lzsm.p_adiabatic_follow, lzsm.closed_forms.kayanuma_p_diabatic_stay):
        p = outcome(lambda f=f: f(v, a, hbar))
        if p is not None:
            assert_probability(p)


@given(v=st.floats(-3.0, 3.0), a=rates, t=signed_wide, t0=st.one_of(st.just(-np.inf), signed_wide))
def test_finite_time_closed_forms(v, a, t, t0):
    if np.isfinite(t0) and t0 == t:
        t0 = -np.inf
    for f in (lzsm.finite_time_p_diabatic_stay, lzsm.finite_time_p_jump):
        p = outcome(lambda f=f: f(v, a, t, t0))
        if p is not None:
            assert_probability(p)


@given(v=moderate, a=st.floats(0.05, 50.0), tc=st.floats(0.01, 1e4), p_lz=st.floats(0.0, 1.0), n=st.integers(0, 10**18))
def test_passage_closed_forms(v, a, tc, p_lz, n):
    for shape in ("parabolic", "triangular"):
        p = outcome(lambda shape=shape: lzsm.double_passage_probability(v, a, tc, shape))
        if p is not None:
            assert_probability(p)
    assert_probability(lzsm.incoherent_passages_probability(p_lz, n))


@given(gap=st.floats(0.0, 10.0), eps=st.floats(-50.0, 50.0), amp=st.floats(0.0, 50.0), om=st.floats(0.5, 20.0))
def test_fast_driving_closed_form(gap, eps, amp, om):
    p = outcome(lambda: lzsm.fast_driving_upper_population(gap, eps, amp, om))
    if p is not None:
        assert_probability(p)


@given(v=signed_wide, b0=signed_wide, b1=signed_wide, duration=wide)
def test_pulse_closed_forms(v, b0, b1, duration):
    calls = [
        lambda: lzsm.demkov_kunike_p_diabatic_stay(v, b0, b1, duration),
        lambda: lzsm.rosen_zener_p_diabatic_stay(v, b0, duration),
        lambda: lzsm.allen_eberly_p_diabatic_stay(v, b1, duration),
    ]
    for call in calls:
        p = outcome(call)
        if p is not None:
            assert_probability(p)


@given(v=st.floats(0.0, 1e3), a=rates, j=st.sampled_from([0.5, 1.0, 1.5, 3.0]), g=wide)
def test_multilevel_closed_forms(v, a, j, g):
    p = outcome(lambda: lzsm.majorana_transition_matrix(j, v, a))
    if p is not None:
        assert_probability(p)
    p = outcome(lambda: lzsm.closed_forms.rate_equation_p_diabatic_stay(v, a, g, (-10.0, 10.0)))
    if p is not None:
        assert_probability(p)
    h = np.array([[0.0, v, 0.3], [v, 0.0, 0.2], [0.3, 0.2, 0.0]])
    sweep = lzsm.LinearSweep(h, np.array([a, 0.0, -2.0 * a]))
    for level in (0, 2):
        p = outcome(lambda level=level: lzsm.brundobler_elser_p_diabatic_stay(sweep, level))
        if p is not None:
            assert_probability(p)


# --------------------------------------------------------------------------- propagations
initials = st.sampled_from([0, 1, "adiabatic 0", "upper", (0.6, 0.8j)])


@given(
    v=st.floats(-5.0, 5.0), a=rates, half=spans, initial=initials, tol=tols, method=st.sampled_from([None, "dop853"])
)
def test_evolve(v, a, half, initial, tol, method):
    # SciPy's integrator runs point by point in Python: a smaller step budget keeps it quick
    budget = 2000 if method == "dop853" else 10**5
    init = np.array(initial) if isinstance(initial, tuple) else initial
    ev = outcome(
        lambda: lzsm.evolve(lzsm.LandauZener(v, a), (-half, half), init, method=method, tol=tol, max_steps=budget)
    )
    if ev is None:
        return
    bad = unfinished_of(ev)
    no_state = np.asarray(ev.initial_diabatic) < 0
    check(lambda: ev.p_diabatic_stay, bad | no_state)
    check(lambda: ev.p_adiabatic_follow, bad)
    check(lambda: ev.p_jump, bad)
    check(lambda: ev.populations, unfinished_of(ev, 2))
    check(lambda: ev.adiabatic_populations, unfinished_of(ev, 2))


@given(
    v=st.floats(0.0, 2.0),
    a=st.floats(0.2, 5.0),
    half=st.floats(1.0, 60.0),
    tol=tols,
    picture=st.sampled_from(["diabatic", "asymptotic"]),
)
def test_transition_matrix(v, a, half, tol, picture):
    h = np.array([[0.0, v, 0.3], [v, 0.0, 0.2], [0.3, 0.2, 0.0]])
    sweep = lzsm.LinearSweep(h, np.array([a, 0.0, -a]))
    tm = outcome(lambda: lzsm.transition_matrix(sweep, (-half, half), picture=picture, tol=tol, max_steps=10**5))
    if tm is not None:
        assert_probability(tm.probabilities, unfinished_of(tm, 2))


@given(
    v=st.floats(0.0, 3.0),
    a=rates,
    half=st.floats(0.5, 40.0),
    dephasing=st.floats(0.0, 5.0),
    relaxation=st.floats(0.0, 5.0),
    temperature=st.floats(0.0, 10.0),
    basis=st.sampled_from(["diabatic", "adiabatic"]),
    tol=st.sampled_from([1e-5, 1e-9]),
)
def test_evolve_open(v, a, half, dephasing, relaxation, temperature, basis, tol):
    ev = outcome(
        lambda: lzsm.evolve_open(
            lzsm.LandauZener(v, a),
            (-half, half),
            0,
            dephasing=dephasing,
            relaxation=relaxation,
            temperature=temperature,
            basis=basis,
            tol=tol,
            max_steps=10**5,
        )
    )
    if ev is None:
        return
    bad = unfinished_of(ev)
    check(lambda: ev.p_diabatic_stay, bad)
    check(lambda: ev.p_adiabatic_follow, bad)
    check(lambda: ev.p_jump, bad)
    check(lambda: ev.populations, unfinished_of(ev, 2))


@given(v=st.floats(0.0, 2.0), a=rates, half=st.floats(0.5, 10.0), sigma=st.floats(0.0, 3.0), tau=st.floats(0.05, 5.0))
def test_evolve_noisy(v, a, half, sigma, tau):
    noise = lzsm.OrnsteinUhlenbeckNoise(sigma=sigma, correlation_time=tau)
    ev = outcome(
        lambda: lzsm.evolve_noisy(lzsm.LandauZener(v, a), (-half, half), 0, noise=noise, n_trajectories=4, seed=1)
    )
    if ev is not None:
        check(lambda: ev.p_diabatic_stay)
        check(lambda: ev.populations)


drives = st.fixed_dictionaries(
    {
        "gap": st.floats(0.0, 5.0),
        "offset": st.floats(-20.0, 20.0),
        "amplitude": st.floats(0.0, 20.0),
        "frequency": st.floats(0.5, 10.0),
        "phase": st.floats(0.0, 6.3),
        "shape": st.sampled_from(["harmonic", "triangular"]),
    }
)


@given(p=drives, n=st.one_of(st.integers(1, 10**4), st.integers(1, 10**18)), tol=tols)
def test_floquet(p, n, tol):
    fl = outcome(lambda: lzsm.floquet(lzsm.PeriodicDrive(**p), n_samples=32, tol=tol))
    if fl is None:
        return
    strobe = outcome(lambda: np.abs(fl.stroboscopic(0, [n])) ** 2)
    if strobe is not None:
        assert_probability(strobe)
    check(lambda: fl.time_averaged_populations(0, n))
    check(lambda: fl.time_averaged_populations(0, None))


@given(p=drives, n=st.one_of(st.none(), st.integers(1, 10**4), st.integers(1, 10**18)), tol=tols)
def test_interferometry_map(p, n, tol):
    base = lzsm.PeriodicDrive(p["gap"], 0.0, 0.0, p["frequency"], p["phase"], p["shape"])
    m = outcome(
        lambda: lzsm.interferometry_map(
            base,
            n_periods=n,
            n_samples=32,
            tol=tol,
            progress=False,
            offset=[p["offset"], -p["offset"] / 2],
            amplitude=[p["amplitude"]],
        )
    )
    if m is None:
        return
    bad = unfinished_of(m)
    for name in ("p_upper_final", "p_upper_mean"):
        if name in m:
            assert_probability(m[name].values, bad)


@given(v=st.lists(signed_wide, min_size=1, max_size=4), a=st.lists(signed_wide, min_size=1, max_size=4))
def test_scan(v, a):
    ds = outcome(
        lambda: lzsm.scan(
            lzsm.closed_forms.landau_zener.lz_closed_forms, {"coupling": v, "sweep_rate": a}, progress=False
        )
    )
    if ds is not None:
        assert_probability(ds["p_diabatic_stay"].values)
