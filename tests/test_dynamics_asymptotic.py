"""Windows to t = +-inf (lzsm.dynamics.asymptotic): limits against closed forms, long windows
against the whole-window integration, cost independent of the window, open-system tails against
an independent route, and the refusals."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lzsm
from lzsm.closed_forms.multilevel import (
    bow_tie_transition_matrix,
    demkov_osherov_transition_matrix,
    majorana_transition_matrix,
)

INF = np.inf


# --------------------------------------------------------------------------- Landau–Zener
@pytest.mark.parametrize("delta", [1e-3, 0.05, 0.25, 1.0, 5.0])
@pytest.mark.parametrize(("phase", "sign"), [(0.0, 1.0), (0.7, -1.0)])
def test_landau_zener_over_the_whole_line(delta, phase, sign):
    """P_LZ = exp(-2 pi delta) to 1e-9 absolute, and to 1e-6 relative where P < 1e-3 (delta = 5:
    P = 2.3e-14), for real and complex couplings and both sweep directions (Zener 1932).

    ``tol`` bounds amplitudes: a relative error e on P needs an amplitude error below
    ``e sqrt(P) / 2`` = 7.5e-14 at delta = 5, so that case asks for tol = 1e-14 (at 1e-13 the
    error is 1.5e-13 in the amplitude, 2e-6 relative in P: what 1e-13 promises)."""
    alpha = 1.3 * sign
    v = math.sqrt(delta * abs(alpha)) * np.exp(1j * phase)
    exact = math.exp(-2 * math.pi * delta)
    tol = 1e-14 if exact < 1e-3 else 1e-13
    run = lzsm.evolve(lzsm.LandauZener(v, alpha), (-INF, INF), initial=0, tol=tol)
    p = float(run.p_diabatic_stay)
    assert abs(p - exact) <= 1e-9
    if exact < 1e-3:
        assert abs(p - exact) <= 1e-6 * exact, (p, exact)
    assert abs(float(run.p_adiabatic_follow) - (1 - exact)) <= 1e-9
    assert float(run.error_estimate) < 1e-8  # the core's estimate plus the tails'


def test_half_crossings_against_the_closed_form():
    """(1 + exp(-pi delta))/2 both ways; it equals the parabolic-cylinder value at t = 0."""
    model = lzsm.LandauZener(0.5, 1.0)
    exact = float(lzsm.half_crossing_p_diabatic_stay(0.5, 1.0))
    assert exact == pytest.approx(float(lzsm.finite_time_p_diabatic_stay(0.5, 1.0, t=0.0)), abs=1e-14)
    after = lzsm.evolve(model, (0.0, INF), initial=0)
    before = lzsm.evolve(model, (-INF, 0.0), initial=0)
    assert abs(float(after.p_diabatic_stay) - exact) <= 1e-9
    assert abs(float(before.p_diabatic_stay) - exact) <= 1e-9
    assert after.tails is not None and after.tails.core[0] == 0.0


@pytest.mark.parametrize("half_width", [200.0, 2000.0])
def test_long_window_equals_the_finite_time_closed_form_at_the_cost_of_a_short_one(half_width):
    """A +-2000 passage costs what a +-200 one does (the core is the same; the tails take a
    handful of quadrature panels), and both land within 1e-9 of Vitanov & Garraway's exact
    finite-time value; the whole-window integration needs 42x more steps at +-2000."""
    model = lzsm.LandauZener(0.5, 1.0)
    exact = float(lzsm.finite_time_p_diabatic_stay(0.5, 1.0, t=half_width, t0=-half_width))
    run = lzsm.evolve(model, (-half_width, half_width), initial=0)
    assert abs(float(run.p_diabatic_stay) - exact) <= 1e-9
    short = lzsm.evolve(model, (-200.0, 200.0), initial=0)
    assert int(run.n_steps) <= 2 * int(short.n_steps)
    assert run.tails is not None and run.tails.panels <= 20


def test_saved_times_inside_the_tails_match_the_whole_window_integration():
    model = lzsm.LandauZener(0.4 + 0.2j, 0.8)
    t_eval = np.array([-150.0, -60.0, -3.0, 0.0, 5.0, 80.0, 150.0])
    fast = lzsm.evolve(model, (-150.0, 150.0), initial=[0.6, 0.8j], t_eval=t_eval)
    slow = lzsm.evolve(model, (-150.0, 150.0), initial=[0.6, 0.8j], t_eval=t_eval, tails="off", tol=1e-12)
    assert fast.tails is not None and slow.tails is None
    assert np.max(np.abs(fast.amplitudes - slow.amplitudes)) <= 1e-8  # phases too, not only populations


def test_densely_saved_times_in_the_tails_keep_their_accuracy():
    """4802 saved times over +-20 ns (the flagship example's figure sampling; hbar = 1/(2 pi)):
    the tails keep panels of their natural length and interpolate between their nodes, so every
    saved population stays within 1e-9 of Vitanov & Garraway's finite-time value at that time
    (with a panel per saved time instead, the tails' estimate was 60 and |P - P_exact| 3e-3)."""
    hbar = 1 / (2 * math.pi)
    t = np.linspace(-20.0, 20.0, 4802)
    run = lzsm.evolve(lzsm.LandauZener(0.1, 1.0, hbar), (-20.0, 20.0), initial=0, t_eval=t)
    assert run.tails is not None and run.tails.panels <= 10
    exact = lzsm.finite_time_p_diabatic_stay(0.1, 1.0, t[1:], -20.0, 0, hbar)
    assert np.max(np.abs(run.populations[1:, 0] - exact)) <= 1e-9
    assert float(run.error_estimate) <= 1e-7


def test_a_finite_window_whose_tails_do_not_hold_is_integrated_whole():
    """Two parallel levels with a strong constant coupling (energies 0 and 0, coupling 1) never
    become diabatic: an infinite window is refused, a finite one is integrated over its whole
    length and agrees with tails="off"."""
    model = lzsm.LinearSweep([[0.0, 0.1, 1.0], [0.1, 0.0, 0.1], [1.0, 0.1, 0.0]], [0.0, 0.1, 0.0])
    with pytest.raises(lzsm.errors.LzsmNumericalError, match="degenerate"):
        lzsm.evolve(model, (-INF, INF), initial=1)
    auto = lzsm.evolve(model, (-300.0, 300.0), initial=1)
    off = lzsm.evolve(model, (-300.0, 300.0), initial=1, tails="off")
    assert auto.tails is None
    np.testing.assert_array_equal(auto.amplitudes, off.amplitudes)


def test_a_window_whose_tails_fail_on_the_way_is_integrated_whole(monkeypatch):
    """Edges found, then a tail panel fails (``TailsUnavailable`` from the chain, here forced):
    a finite window is integrated whole by evolve and propagator alike (the same numbers as
    tails="off"); an infinite one, which needs its tails, raises."""
    from lzsm.dynamics import asymptotic

    def failing(*args, **kwargs):
        raise asymptotic.TailsUnavailable("a tail panel is not resolved")

    model = lzsm.LandauZener(0.5, 1.0)
    monkeypatch.setattr(asymptotic, "window_with_tails", failing)
    u = lzsm.propagator(model, (-300.0, 300.0))
    assert u.tails is None
    np.testing.assert_array_equal(u.u, lzsm.propagator(model, (-300.0, 300.0), tails="off").u)
    run = lzsm.evolve(model, (-300.0, 300.0), initial=0)
    assert run.tails is None
    np.testing.assert_array_equal(
        run.amplitudes, lzsm.evolve(model, (-300.0, 300.0), initial=0, tails="off").amplitudes
    )
    with pytest.raises(asymptotic.TailsUnavailable, match="tail panel"):
        lzsm.evolve(model, (0.0, INF), initial=0)


def test_the_edge_search_of_a_finite_window_stays_within_the_window(monkeypatch):
    """A finite end can only use an edge half-way out to it: the search for one looks no
    further (it once went out to 1e4 core widths, costing a 50-level spin-boson propagator
    over +-60 seven seconds before it gave up and integrated the window whole)."""
    from lzsm.dynamics import asymptotic

    model = lzsm.LinearSweep([[0.0, 0.1, 1.0], [0.1, 0.0, 0.1], [1.0, 0.1, 0.0]], [0.0, 0.1, 0.0])
    form = model.asymptotic_form()
    centre = 0.5 * (form.core[0] + form.core[1])
    starts: list[float] = []
    batched = asymptotic._frames_batched

    def recording(model, form, a, b):
        starts.extend(np.abs(np.asarray(a) - centre).tolist())
        return batched(model, form, a, b)

    monkeypatch.setattr(asymptotic, "_frames_batched", recording)
    run = lzsm.evolve(model, (-300.0, 300.0), initial=1)
    assert run.tails is None and starts  # searched, found nothing, integrated whole
    assert max(starts) <= 0.5 * (300.0 + abs(centre)) + 1e-9


@settings(max_examples=15, deadline=None)
@given(v=st.floats(0.05, 2.0), alpha=st.floats(0.3, 4.0), t1=st.floats(-30.0, 300.0))
def test_states_stay_normalised_in_the_tails(v, alpha, t1):
    run = lzsm.evolve(lzsm.LandauZener(v, alpha), (-INF, max(t1, -29.0) + 1.0), initial="lower")
    norms = np.linalg.norm(run.amplitudes, axis=-1)
    assert np.allclose(norms, 1.0, atol=1e-12)


def test_grid_of_parameters_in_one_call():
    v = np.linspace(0.1, 1.0, 4)[:, None]
    a = np.linspace(0.5, 2.0, 3)[None, :]
    run = lzsm.evolve(lzsm.LandauZener(v, a), (-INF, INF), initial=0)
    assert np.max(np.abs(run.p_diabatic_stay - lzsm.lz_probability(v, a))) <= 1e-9
    ds = run.to_xarray()
    assert np.isinf(ds["t"].values).all() and "core" in ds.attrs["tails"]


# --------------------------------------------------------------------------- other models
@pytest.mark.parametrize(
    ("model", "closed"),
    [
        (lzsm.demkov_osherov_model([0.3, 0.4, 0.2], [-1.0, 0.5, 2.0], slope=1.0), demkov_osherov_transition_matrix),
        (lzsm.bow_tie_model([0.3, 0.5], [1.0, -2.0]), bow_tie_transition_matrix),
        (lzsm.spin_sweep(1.5, 0.4, 1.0), lambda m: majorana_transition_matrix(1.5, 0.4, 1.0)),
    ],
    ids=["demkov-osherov", "bow-tie", "majorana-spin-3/2"],
)
def test_multilevel_transition_matrices_over_the_whole_line(model, closed):
    """Demkov–Osherov (1968), bow-tie (Ostrovsky & Nakamura 1997), Majorana (1932) to 1e-8."""
    p = np.asarray(lzsm.transition_matrix(model, (-INF, INF), tol=1e-12))
    assert np.max(np.abs(p - closed(model))) <= 1e-8
    assert np.allclose(p.sum(axis=0), 1.0, atol=1e-10)


@pytest.mark.parametrize(
    ("model", "exact"),
    [
        (lzsm.rosen_zener(0.5, 1.0, 1.0), lzsm.rosen_zener_p_diabatic_stay(0.5, 1.0, 1.0)),
        (lzsm.rosen_zener(0.7, 0.0, 1.0), lzsm.rosen_zener_p_diabatic_stay(0.7, 0.0, 1.0)),
        (lzsm.allen_eberly(0.5, 2.0, 1.0), lzsm.allen_eberly_p_diabatic_stay(0.5, 2.0, 1.0)),
        (lzsm.DemkovKunike(0.5, 0.3, 1.5, 2.0), lzsm.demkov_kunike_p_diabatic_stay(0.5, 0.3, 1.5, 2.0)),
    ],
    ids=["rosen-zener", "rosen-zener-resonant", "allen-eberly", "demkov-kunike"],
)
def test_pulses_that_switch_off(model, exact):
    run = lzsm.evolve(model, (-INF, INF), initial=0, tol=1e-12)
    assert abs(float(run.p_diabatic_stay) - float(exact)) <= 1e-9
    assert run.tails is not None and run.tails.kind == "switching off"


@pytest.mark.parametrize("shape", ["triangular", "parabolic"])
def test_double_passage_against_a_long_window(shape):
    """Independent route: the whole window +-400 integrated step by step; its own finite-window
    error (adiabatic states at +-400 are not yet the asymptotic ones) was measured at 6e-9."""
    model = lzsm.DoublePassage(0.3, 1.0, 15.0, shape=shape)
    inf = lzsm.evolve(model, (-INF, INF), initial="lower", tol=1e-12)
    long = lzsm.evolve(model, (-400.0, 400.0), initial="lower", tails="off", tol=1e-12)
    assert abs(float(inf.p_jump) - float(long.p_jump)) <= 5e-8


def test_polynomial_and_declared_sweeps():
    """A cubic bias (numpy Polynomial: asymptotics known) and a callable with declared
    asymptotics: the long finite window through the tails equals the whole-window integration."""
    cubic = lzsm.TwoLevel(bias=np.polynomial.Polynomial([0.0, 0.3, 0.0, 0.1]), coupling=0.4)
    declared = lzsm.TwoLevel(
        bias=lambda t: t + 0.3 * np.tanh(t), coupling=0.3, asymptotics=lzsm.Asymptotics("separating", (-5, 5))
    )
    for model, span in ((cubic, 20.0), (declared, 60.0)):  # cubic: tails beyond +-8.7
        fast = lzsm.evolve(model, (-span, span), initial=0)
        slow = lzsm.evolve(model, (-span, span), initial=0, tails="off", tol=1e-11)
        assert fast.tails is not None
        assert abs(float(fast.p_diabatic_stay) - float(slow.p_diabatic_stay)) <= 1e-9
    linear = lzsm.TwoLevel(bias=np.polynomial.Polynomial([0.0, 1.0]), coupling=0.5)
    run = lzsm.evolve(linear, (-INF, INF), initial=0)
    assert abs(float(run.p_diabatic_stay) - math.exp(-2 * math.pi * 0.25)) <= 1e-9


# --------------------------------------------------------------------------- open systems
def _independent_dephased_lz(v, alpha, gamma, half_width):
    """Lindblad over [-L, L] plus the secular rate-equation tails beyond (population difference
    of the energy eigenstates decays at gamma sin^2(2 theta): exact integral of 4V^2/(alpha^2 t^2
    + 4V^2)); their neglected non-secular part is ~(gamma/(alpha L))^2 of the tail's transfer."""
    model = lzsm.LandauZener(v, alpha)

    def tail(t):
        return gamma * (2 * v / alpha) * (math.pi / 2 - math.atan(alpha * t / (2 * v)))

    def axis(t):
        h = model.hamiltonian(np.asarray(t))
        n = np.array([h[0, 1].real, 0.0, 0.5 * (h[0, 0] - h[1, 1]).real])
        return n / np.linalg.norm(n)

    x = -math.exp(-tail(half_width))  # diabatic 0 is the lower level at -inf
    r = x * axis(-half_width)
    rho0 = 0.5 * (np.eye(2) + r[0] * np.array([[0, 1], [1, 0]]) + r[2] * np.diag([1.0, -1.0]))
    rho = lzsm.evolve_open(model, (-half_width, half_width), rho0, dephasing=gamma, tol=1e-11).rho[-1]
    rv = np.array([2 * rho[0, 1].real, -2 * rho[0, 1].imag, (rho[0, 0] - rho[1, 1]).real])
    return 0.5 * (1 + (axis(half_width) @ rv) * math.exp(-tail(half_width)))  # upper at +inf = diabatic 0


def test_dephased_landau_zener_over_the_whole_line_against_an_independent_route():
    v, alpha, gamma = 0.5, 1.0, 1.0
    run = lzsm.evolve_open(lzsm.LandauZener(v, alpha), (-INF, INF), initial=0, dephasing=gamma)
    independent = _independent_dephased_lz(v, alpha, gamma, 600.0)  # non-secular part ~3e-12
    assert abs(float(run.p_diabatic_stay) - independent) <= 1e-8
    # and without an environment the open route gives the coherent limit
    coherent = lzsm.evolve_open(lzsm.LandauZener(v, alpha), (-INF, INF), initial=0)
    assert abs(float(coherent.p_diabatic_stay) - float(lzsm.lz_probability(v, alpha))) <= 1e-9


def test_strong_dephasing_tends_to_kayanuma_with_a_correction_in_one_over_gamma_squared():
    """Kayanuma (J. Phys. Soc. Jpn. 53, 108 (1984)): for dephasing fast next to the coherent
    dynamics the populations follow rate equations whose time integral gives
    P = (1 + exp(-4 pi delta))/2 whatever gamma; the Bloch equations approach it from below
    with a correction ~ c/gamma^2 (measured c = -0.0164 at V = 0.3, alpha = 1; gamma = 30 and
    100: 1.83e-5 and 1.64e-6).  The ratio of the two deviations is (100/30)^2 = 11.1 within 5%:
    a dephasing rate read with a factor 2 would change c by 4, a tail that dropped the
    incoherent transfer would miss the limit."""
    v, alpha = 0.3, 1.0
    kayanuma = float(lzsm.kayanuma_p_diabatic_stay(v, alpha))
    dev = {}
    for gamma in (30.0, 100.0):
        run = lzsm.evolve_open(lzsm.LandauZener(v, alpha), (-INF, INF), initial=0, dephasing=gamma)
        dev[gamma] = float(run.p_diabatic_stay) - kayanuma
    assert -2e-5 <= dev[30.0] < 0 and -2e-6 <= dev[100.0] < 0
    assert dev[30.0] / dev[100.0] == pytest.approx((100 / 30) ** 2, rel=0.05)


def test_relaxation_that_never_stops_ends_in_the_lower_level():
    run = lzsm.evolve_open(lzsm.LandauZener(0.5, 1.0), (-INF, INF), initial=0, dephasing=1.0, relaxation=0.1)
    assert float(run.p_adiabatic_follow) == pytest.approx(1.0, abs=1e-12)
    assert np.allclose(np.trace(run.rho[-1]).real, 1.0)


# --------------------------------------------------------------------------- refusals
def test_what_an_infinite_window_refuses():
    with pytest.raises(lzsm.errors.LzsmValueError, match="basis state"):
        lzsm.evolve(lzsm.LandauZener(0.5, 1.0), (-INF, INF), initial=[0.6, 0.8])
    with pytest.raises(lzsm.errors.LzsmValueError, match="asymptotics"):
        lzsm.evolve(lzsm.TwoLevel(bias=lambda t: t, coupling=0.3), (-INF, INF))
    with pytest.raises(lzsm.errors.LzsmValueError, match="t -> \\+-inf"):
        lzsm.evolve(lzsm.PeriodicDrive(gap=1.0, offset=0.5, amplitude=2.0, frequency=3.0), (0.0, INF))
    with pytest.raises(lzsm.errors.LzsmValueError, match='tails="off"'):
        lzsm.evolve(lzsm.LandauZener(0.5, 1.0), (-INF, INF), tails="off")
    with pytest.raises(lzsm.errors.LzsmValueError, match="`tails`"):
        lzsm.evolve(lzsm.LandauZener(0.5, 1.0), (-10, 10), tails="on")
    with pytest.raises(lzsm.errors.LzsmValueError, match="two levels"):
        lzsm.evolve_open(lzsm.spin_sweep(1.0, 0.3, 1.0), (-INF, INF), dephasing=1.0)
    with pytest.raises(lzsm.errors.LzsmValueError, match="switches off"):
        lzsm.evolve_open(lzsm.rosen_zener(0.5, 1.0, 1.0), (-INF, INF), dephasing=1.0)
    wiggle = lzsm.TwoLevel(
        bias=lambda t: t + np.sin(3 * t), coupling=0.3, asymptotics=lzsm.Asymptotics("separating", (-5, 5))
    )
    with pytest.raises(lzsm.errors.LzsmNumericalError, match="asymptotics do not hold"):
        lzsm.evolve(wiggle, (-INF, INF))  # the declared asymptotics are false: a wiggle that never dies out
    with pytest.raises(lzsm.errors.LzsmValueError, match="kind"):
        lzsm.Asymptotics("sometimes", (-1, 1))
    with pytest.raises(lzsm.errors.LzsmValueError, match="decay_time"):
        lzsm.Asymptotics("switching off", (-1, 1))
    with pytest.raises(lzsm.errors.LzsmValueError, match='tails="off"'):
        lzsm.transition_matrix(lzsm.spin_sweep(1.0, 0.3, 1.0), (-INF, INF), tails="off")
    with pytest.raises(lzsm.errors.LzsmValueError, match="t_span"):
        lzsm.propagator(lzsm.LandauZener(0.5, 1.0), (-INF, INF))  # U has no limit: the phases diverge


# --------------------------------------------------------------------------- propagators
def test_a_long_window_propagator_equals_the_exact_one_phases_included():
    """U(t, -2000) at nine times over +-2000 (complex coupling), with tails: within 1e-9 of the
    parabolic-cylinder propagator (Vitanov & Garraway 1996; ``lz_propagator``), phases and all,
    in a few hundred core steps.  The whole window stepped through at tol 1e-12 is further off
    (5e-8, measured: its phase error grows with 1.3e6 steps)."""
    v = 0.5 * np.exp(0.3j)
    t = np.linspace(-2000.0, 2000.0, 9)
    u = lzsm.propagator(lzsm.LandauZener(v, 1.0), (-2000.0, 2000.0), t)
    assert u.tails is not None and int(u.n_steps) < 1000
    exact = np.stack([np.asarray(lzsm.lz_propagator(v, 1.0, t=x, t0=-2000.0)) for x in t])
    assert np.max(np.abs(u.u - exact)) <= 1e-9


def test_a_long_finite_window_transition_matrix_takes_tails():
    """Spin 3/2 over +-3000: the asymptotic-picture matrix equals Majorana's to 1e-8 (the
    finite-window correction is ~1e-11 there), with tails in a few hundred core steps; tails="off"
    over +-100 agrees to 1e-6 (its finite-window correction: 2e-7, measured)."""
    model = lzsm.spin_sweep(1.5, 0.3, 1.0)
    exact = majorana_transition_matrix(1.5, 0.3, 1.0)
    long = lzsm.transition_matrix(model, (-3000.0, 3000.0))
    assert long.tails is not None and int(long.n_steps) < 2000
    assert np.max(np.abs(np.asarray(long) - exact)) <= 1e-8
    short = lzsm.transition_matrix(model, (-100.0, 100.0), tails="off")
    assert short.tails is None
    assert np.max(np.abs(np.asarray(short) - exact)) <= 1e-6
