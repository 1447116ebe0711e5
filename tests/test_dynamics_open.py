"""Lindblad dynamics (lzsm.evolve_open).

Checks: coherent limit (gamma -> 0 equals lzsm.evolve), an independent integrator (SciPy
DOP853 on the same master equation, used by evolve_open for models given by callables, and a
hand-written right-hand side here), QuTiP's mesolve when installed, closed forms in their
regimes (Kayanuma's strong-dephasing passage, the finite-window Zeno suppression, the
rate-equation limits of a double passage and of periodic driving), thermal equilibrium and
golden-rule rates of the weak-coupling bath, and the density-matrix invariants (trace,
Hermiticity, positivity) with hypothesis.  Conventions: docs/conventions.md (a dephasing rate is the
decay rate of the coherence, L = sqrt(gamma_phi/2) sigma_z for two levels).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import solve_ivp

import lzsm
from lzsm.dynamics.baths import OhmicBath
from lzsm.dynamics.open import evolve_open
from lzsm.errors import LzsmTypeError, LzsmValueError

SZ = np.diag([1.0, -1.0]).astype(complex)
SX = np.array([[0, 1], [1, 0]], dtype=complex)
LOWER = np.array([[0, 1], [0, 0]], dtype=complex)  # |0><1|


def lindblad_by_hand(hfun, ops, rho0, t_span):
    """d rho/dt = -i[H, rho] + sum_k L rho L^+ - {L^+ L, rho}/2, written out, DOP853 rtol 1e-11."""
    n = rho0.shape[0]

    def rhs(t, y):
        r = y.reshape(n, n)
        h = hfun(t)
        d = -1j * (h @ r - r @ h)
        for op in ops:
            d += op @ r @ op.conj().T - 0.5 * (op.conj().T @ op @ r + r @ op.conj().T @ op)
        return d.ravel()

    sol = solve_ivp(rhs, t_span, rho0.ravel().astype(complex), rtol=1e-11, atol=1e-13, method="DOP853")
    return sol.y[:, -1].reshape(n, n)


# --------------------------------------------------------------------------- limits and references
def test_zero_rates_equal_coherent_propagation():
    """gamma -> 0: the density matrix is |psi><psi| of lzsm.evolve, on a grid (two levels)."""
    m = lzsm.LandauZener(coupling=np.array([0.2, 0.5]), sweep_rate=1.0)
    op = evolve_open(m, (-40, 40), 0, t_eval=np.linspace(-40, 40, 9), dephasing=0.0, tol=1e-11)
    co = lzsm.evolve(m, (-40, 40), 0, t_eval=np.linspace(-40, 40, 9), tol=1e-11)
    assert np.allclose(op.populations, co.populations, atol=1e-9)
    assert np.allclose(op.purity, 1.0, atol=1e-9)
    assert op.method == "magnus6-bloch-compiled"


def test_zero_rates_equal_coherent_propagation_three_levels():
    a = np.array([[0.0, 0.3, 0.1], [0.3, 0.0, 0.2], [0.1, 0.2, 0.5]])
    m = lzsm.LinearSweep(a, np.array([1.0, -0.5, 0.2]))
    op = evolve_open(m, (-15, 15), 0, dephasing=0.0, tol=1e-11)
    co = lzsm.evolve(m, (-15, 15), 0, tol=1e-11)
    assert np.allclose(op.populations[-1], co.populations[-1], atol=1e-9)
    assert op.method == "magnus6-lindblad-compiled"


def test_dephased_passage_against_hand_written_lindblad():
    """V = 0.5, alpha = 1, gamma_phi = 0.3 on [-30, 30]: compiled Bloch kernel vs a hand-written
    master equation (L = sqrt(gamma/2) sigma_z), to 1e-8."""
    v, alpha, g = 0.5, 1.0, 0.3
    r = evolve_open(lzsm.LandauZener(coupling=v, sweep_rate=alpha), (-30, 30), 0, dephasing=g, tol=1e-10)
    ref = lindblad_by_hand(
        lambda t: np.array([[alpha * t / 2, v], [v, -alpha * t / 2]]),
        [math.sqrt(g / 2) * SZ],
        np.diag([1.0, 0.0]),
        (-30, 30),
    )
    assert np.allclose(r.rho[-1], ref, atol=1e-8)
    # the coherent result is far away: the test resolves the dephasing
    assert abs(r.p_diabatic_stay - lzsm.finite_time_p_diabatic_stay(v, alpha, 30.0, t0=-30.0)) > 0.05


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(dephasing=0.2, basis="adiabatic"),
        dict(relaxation=0.2, basis="adiabatic", temperature=0.5),
        dict(relaxation=0.1, temperature=0.3),  # diabatic basis: follows the diagonal energies
        dict(bath=OhmicBath(0.05, 5.0), temperature=0.4),
        dict(collapse_ops=[math.sqrt(0.1) * LOWER, math.sqrt(0.05) * SX], dephasing=0.1),
    ],
)
def test_compiled_kernels_against_scipy_path(kwargs):
    """The compiled kernels (Bloch for two levels) against the independent SciPy DOP853 path
    taken for models given by callables, tolerance 1e-8."""
    lz = lzsm.LandauZener(coupling=0.5, sweep_rate=1.0)
    tl = lzsm.TwoLevel(bias=lambda t: 1.0 * t, coupling=0.5)
    a = evolve_open(lz, (-20, 20), 0, tol=1e-10, **kwargs)
    b = evolve_open(tl, (-20, 20), 0, tol=1e-10, **kwargs)
    assert b.method == "scipy-dop853"
    assert np.allclose(a.rho[-1], b.rho[-1], atol=1e-8)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(dephasing=0.1),
        dict(relaxation=0.1, basis="adiabatic", temperature=0.2),
        dict(collapse_ops=[np.sqrt(0.2) * np.eye(3, k=1)]),
        dict(bath=OhmicBath(0.03, 4.0, operator=np.diag([1.0, 0.0, -1.0])), temperature=0.3),
    ],
)
def test_n_level_kernel_against_scipy_path(kwargs):
    a3 = np.array([[0.0, 0.3, 0.1], [0.3, 0.0, 0.2], [0.1, 0.2, 0.5]])
    b3 = np.array([1.0, -0.5, 0.2])
    ls = lzsm.LinearSweep(a3, b3)
    nl = lzsm.NLevel(lambda t: a3 + np.diag(b3) * np.asarray(t)[..., None, None])
    a = evolve_open(ls, (-15, 15), 0, tol=1e-10, **kwargs)
    b = evolve_open(nl, (-15, 15), 0, tol=1e-10, **kwargs)
    assert np.allclose(a.rho[-1], b.rho[-1], atol=1e-8)


def test_against_qutip_mesolve():
    qutip = pytest.importorskip("qutip", reason="QuTiP is an optional dependency (installed in CI as a test extra)")
    v, alpha, g, g1 = 0.4, 2.0, 0.5, 0.1
    m = lzsm.LandauZener(coupling=v, sweep_rate=alpha)
    ops = [math.sqrt(g / 2) * SZ, math.sqrt(g1) * LOWER]
    r = evolve_open(m, (-25, 25), 0, collapse_ops=ops, tol=1e-10)
    res = qutip.mesolve(
        m.to_qutip(),
        qutip.Qobj(np.diag([1.0, 0.0])),
        [-25, 25],
        c_ops=[qutip.Qobj(o) for o in ops],
        options={"atol": 1e-11, "rtol": 1e-11, "nsteps": 10**7},
    )
    assert np.allclose(r.rho[-1], res.states[-1].full(), atol=1e-7)


# --------------------------------------------------------------------------- closed forms in their regimes
@pytest.mark.parametrize("gamma", [4.0, 16.0])
def test_kayanuma_strong_dephasing(gamma):
    """Strong dephasing (gamma >> V, gamma^2 >> alpha): P_stay = (1 + exp(-4 pi delta))/2
    (Kayanuma 1984), here through its finite-window rate form on [-200, 200], to 2e-3 (the
    corrections are O(V^2/gamma^2, alpha/gamma^2)); the coherent value differs by 0.09."""
    v, alpha, t = 0.3, 1.0, 200.0
    r = evolve_open(lzsm.LandauZener(coupling=v, sweep_rate=alpha), (-t, t), 0, dephasing=gamma, tol=1e-8)
    rate = lzsm.rate_equation_p_diabatic_stay(v, alpha, gamma, (-t, t))
    assert abs(r.p_diabatic_stay - rate) < 2e-3
    assert abs(rate - lzsm.kayanuma_p_diabatic_stay(v, alpha)) < 0.01 * gamma / 4
    assert abs(r.p_diabatic_stay - lzsm.lz_probability(v, alpha)) > 0.09


def test_quantum_zeno_suppression_in_a_finite_window():
    """Over a window [-2, 2] around the crossing the transition probability falls as 1/gamma
    for strong dephasing and agrees with the rate equation (arctan form) to 2 %."""
    v, alpha = 0.3, 1.0
    gammas = np.array([4.0, 16.0, 64.0, 256.0])
    m = lzsm.LandauZener(coupling=v, sweep_rate=alpha)
    r = evolve_open(m, (-2, 2), 0, dephasing=gammas, tol=1e-10)
    jump = 1.0 - r.p_diabatic_stay
    rate = 1.0 - lzsm.rate_equation_p_diabatic_stay(v, alpha, gammas, (-2, 2))
    assert np.all(np.diff(jump) < 0)
    assert np.allclose(jump, rate, rtol=0.02)
    assert jump[-1] < 0.003  # watched: no transition
    coherent = 1.0 - lzsm.finite_time_p_diabatic_stay(v, alpha, 2.0, t0=-2.0)
    assert coherent > 100 * jump[-1]


def test_double_passage_fringes_wash_out():
    """Stückelberg fringes of a double passage (visibility over the crossing time) shrink
    with dephasing, and with strong dephasing the result is the rate-equation value."""
    tc = np.linspace(6.0, 9.0, 13)
    m = lzsm.DoublePassage(coupling=0.3, sweep_rate=1.0, crossing_time=tc)
    t_span = (-30.0, 30.0)
    vis = []
    for g in (0.0, 0.05, 0.3):
        p = evolve_open(m, t_span, 0, dephasing=g, tol=1e-9).p_diabatic_stay
        vis.append(p.max() - p.min())
    assert vis[0] > 0.5 and vis[0] > vis[1] > vis[2]
    strong = evolve_open(m.point((6,)), t_span, 0, dephasing=20.0, tol=1e-9).p_diabatic_stay
    assert abs(strong - lzsm.rate_equation_populations(m.point((6,)), t_span, 20.0)) < 2e-3


def test_periodic_drive_rate_equation():
    """Strongly dephased LZSM drive with relaxation: the time-averaged upper population
    approaches W/(2W + gamma_1) (Berns et al. 2006), to 2 % after 300 periods."""
    gap, e0, amp, om, g1, gphi = 0.1, 1.0, 2.5, 1.0, 0.05, 0.5
    m = lzsm.PeriodicDrive(gap=gap, offset=e0, amplitude=amp, frequency=om)
    period = 2 * np.pi / om
    te = np.linspace(300 * period, 320 * period, 801)
    r = evolve_open(m, (0, te[-1]), 0, t_eval=te, dephasing=gphi, collapse_ops=[math.sqrt(g1) * LOWER], tol=1e-8)
    p_up = r.populations[1:, 1].mean()
    expected = lzsm.rate_equation_upper_population(gap, e0, amp, om, gphi + g1 / 2, g1)
    assert abs(p_up - expected) < 0.02 * expected
    assert expected > 0.03  # non-trivial value: a factor 2 in W or gamma_1 would fail


# --------------------------------------------------------------------------- thermal physics
@pytest.mark.parametrize("basis", ["adiabatic", "diabatic"])
def test_relaxation_reaches_gibbs_state(basis):
    """A static two-level system relaxes to the Gibbs populations exp(-E/kT)/Z, and the
    population approaches it at the total rate gamma_1."""
    g1, kt = 0.5, 0.7
    m = lzsm.TwoLevel(bias=1.2, coupling=0.0) if basis == "diabatic" else lzsm.TwoLevel(bias=0.6, coupling=0.45)
    gap = 1.2 if basis == "diabatic" else 2 * math.hypot(0.3, 0.45)
    r = evolve_open(m, (0, 40), "upper", t_eval=[1.0, 40.0], relaxation=g1, temperature=kt, basis=basis, tol=1e-10)
    p_gibbs = 1.0 / (1.0 + math.exp(-gap / kt))
    pg = r.adiabatic_populations[..., :, 0]
    assert abs(pg[-1] - p_gibbs) < 1e-8
    # p_ground(t) = p_gibbs (1 - exp(-gamma_1 t)) from p_ground(0) = 0
    assert abs(pg[1] - p_gibbs * (1 - math.exp(-g1 * 1.0))) < 1e-8


def test_ohmic_bath_golden_rule_rate_and_equilibrium():
    """Weak Ohmic bath through sigma_z on a static qubit with gap w: the excited population
    decays at Gamma = 2 pi |X_01|^2 J(w) coth(w/2kT) towards the Gibbs state."""
    eps, v, kt = 0.6, 0.4, 0.5
    bath = OhmicBath(eta=0.02, cutoff=5.0)
    m = lzsm.TwoLevel(bias=eps, coupling=v)
    w = math.hypot(eps, 2 * v)
    x01sq = (2 * v / w) ** 2  # |<0|sigma_z|1>|^2 = sin^2(2 theta)
    total = 2 * math.pi * x01sq * float(bath.spectral_density(w)) / math.tanh(w / (2 * kt))
    down, up = bath.transition_rates(w, kt, math.sqrt(x01sq))
    assert down + up == pytest.approx(total, rel=1e-12)
    assert up / down == pytest.approx(math.exp(-w / kt), rel=1e-12)
    r = evolve_open(m, (0, 200), "upper", t_eval=[2.0, 200.0], bath=bath, temperature=kt, tol=1e-10)
    p_gibbs = 1.0 / (1.0 + math.exp(-w / kt))
    pg = r.adiabatic_populations[:, 0]
    assert abs(pg[-1] - p_gibbs) < 1e-4
    assert abs(pg[1] - p_gibbs * (1 - math.exp(-total * 2.0))) < 1e-8


# --------------------------------------------------------------------------- invariants
@settings(max_examples=25)
@given(
    v=st.floats(0.05, 1.0),
    alpha=st.floats(0.2, 5.0),
    gphi=st.floats(0.0, 3.0),
    g1=st.floats(0.0, 1.0),
    kt=st.floats(0.0, 2.0),
    basis=st.sampled_from(["diabatic", "adiabatic"]),
    n=st.sampled_from([2, 3]),
)
def test_density_matrix_invariants(v, alpha, gphi, g1, kt, basis, n):
    """Trace one, Hermitian and positive at every saved time (hypothesis)."""
    if n == 2:
        m = lzsm.LandauZener(coupling=v, sweep_rate=alpha)
    else:
        m = lzsm.LinearSweep(np.array([[0, v, 0.1], [v, 0, v / 2], [0.1, v / 2, 0.3]]), np.array([alpha, 0, -alpha]))
    r = evolve_open(
        m,
        (-8, 8),
        0,
        t_eval=np.linspace(-8, 8, 5),
        dephasing=gphi,
        relaxation=g1,
        temperature=kt,
        basis=basis,
        tol=1e-9,
    )
    rho = r.rho
    assert np.allclose(np.trace(rho, axis1=-2, axis2=-1), 1.0, atol=1e-10)
    assert np.allclose(rho, np.conj(np.swapaxes(rho, -1, -2)), atol=1e-14)
    assert np.linalg.eigvalsh(rho).min() > -1e-8
    assert np.all(r.purity <= 1.0 + 1e-10)


def test_kernel_preserves_hermiticity_before_symmetrisation():
    """The N-level kernel keeps rho Hermitian to rounding on its own (commutators of
    Hermiticity-preserving generators), not only after evolve_open symmetrises."""
    from lzsm.kernels import lindblad as lk

    n = 3
    a = np.array([[0.0, 0.3, 0.1], [0.3, 0.0, 0.2], [0.1, 0.2, 0.5]], dtype=complex)[None]
    b = np.diag([1.0, -0.5, 0.2]).astype(complex)[None]
    sup = np.zeros((1, 9, 9), dtype=complex)
    par = np.array([[0.2, 0.1, 0.3, 0.0, 1.0, 1.0]])
    r0 = np.diag([0.5, 0.3, 0.2]).astype(complex).reshape(1, 9)
    out, _, _, st_ = lk.evolve_lindblad(
        a,
        b,
        np.array([1]),
        np.zeros((1, 2)),
        sup,
        True,
        lk.BASIS_ADIABATIC,
        par,
        np.zeros((1, n, n), complex),
        np.array([-10.0, 10.0]),
        r0,
        1e-10,
        0.0,
        np.inf,
        10**7,
    )
    rho = out[0, -1].reshape(n, n)
    assert st_[0] == 0
    assert np.abs(rho - rho.conj().T).max() < 1e-13
    assert abs(np.trace(rho) - 1) < 1e-13


# --------------------------------------------------------------------------- error control (two levels)
def test_fast_sweep_error_at_loose_tolerances():
    """Fast dephased passages (V = 1, alpha = 5 and 20, gamma_phi = 0, 1, 5 on [-40, 40]; up to
    16000 rad of dynamic phase): the final rho at tol 1e-5 is within 3e-7 of tol 1e-12 (measured
    6.7e-8), and tol 1e-3 stays within 1e-4 (measured 2.7e-5): the embedded estimate and the
    step-angle limit keep loose tolerances meaningful (Richardson doubling gave 3e-4 at tol 1e-6
    here).  The reference is checked against the coherent kernel at gamma_phi = 0."""
    alpha, gamma = np.array([5.0, 20.0]), np.array([0.0, 1.0, 5.0])
    m = lzsm.LandauZener(coupling=1.0, sweep_rate=alpha[:, None])
    ref = evolve_open(m, (-40, 40), 0, dephasing=gamma[None, :], tol=1e-12)
    co = lzsm.evolve(lzsm.LandauZener(coupling=1.0, sweep_rate=alpha), (-40, 40), 0, tol=1e-12)
    assert np.allclose(ref.populations[:, 0, -1], co.populations[:, -1], atol=1e-9)
    for tol, bound in ((1e-5, 3e-7), (1e-3, 1e-4)):
        r = evolve_open(m, (-40, 40), 0, dephasing=gamma[None, :], tol=tol)
        assert np.max(np.abs(r.rho[..., -1, :, :] - ref.rho[..., -1, :, :])) < bound
        assert np.all(r.n_steps < ref.n_steps)


def test_time_dependent_commuting_generator_resolves_the_drive():
    """H = -(eps0 + A cos wt) sigma_z / 2 with dephasing: all generators commute, so the error
    estimate must come from the quadrature of f (Simpson vs Gauss); exact
    rho_01(t) = rho_01(0) exp(i (eps0 t + (A/w) sin wt) - gamma t), checked to 1e-9 at tol 1e-8
    (without the quadrature term the steps reach the angle limit and the phase is off by 3e-3)."""
    eps0, amp, w, g = 1.0, 2.0, 5.0, 0.3
    m = lzsm.PeriodicDrive(gap=0.0, offset=eps0, amplitude=amp, frequency=w)
    t = np.linspace(0.0, 10.0, 11)
    r = evolve_open(m, (0.0, 10.0), np.array([1.0, 1.0]) / np.sqrt(2.0), t_eval=t, dephasing=g, tol=1e-8)
    exact = 0.5 * np.exp(1j * (eps0 * t + (amp / w) * np.sin(w * t)) - g * t)
    assert np.max(np.abs(r.rho[:, 0, 1] - exact)) < 1e-9
    assert np.allclose(r.populations, 0.5, atol=1e-12)


# --------------------------------------------------------------------------- results and input
def test_grid_of_sweep_rates_and_dephasing_rates_to_xarray(tmp_path):
    m = lzsm.LandauZener(coupling=0.5, sweep_rate=np.array([0.5, 1.0, 2.0])[:, None])
    r = evolve_open(m, (-30, 30), 0, dephasing=np.array([0.0, 0.3, 3.0])[None, :], tol=1e-9)
    assert r.p_diabatic_stay.shape == (3, 3)
    # each entry equals the single-point result
    one = evolve_open(lzsm.LandauZener(coupling=0.5, sweep_rate=2.0), (-30, 30), 0, dephasing=0.3, tol=1e-9)
    assert abs(r.p_diabatic_stay[2, 1] - one.p_diabatic_stay) < 1e-12
    ds = r.to_xarray()
    assert ds["p_diabatic_stay"].dims == ("sweep_rate", "dephasing")
    assert list(ds["dephasing"].values) == [0.0, 0.3, 3.0]
    path = tmp_path / "open.nc"
    r.to_netcdf(path)
    import xarray as xr

    back = xr.open_dataset(path, engine="h5netcdf")
    assert np.allclose(back["p_diabatic_stay"].values, r.p_diabatic_stay)
    assert np.allclose(r.p_jump, 1 - r.p_adiabatic_follow)


def test_initial_density_matrix_and_hbar():
    """A mixed initial state evolves linearly (mixture of the two pure evolutions); hbar
    rescales time exactly."""
    m = lzsm.LandauZener(coupling=0.4, sweep_rate=1.0)
    mix = np.diag([0.7, 0.3])
    r = evolve_open(m, (-20, 20), mix, dephasing=0.2, tol=1e-10)
    r0 = evolve_open(m, (-20, 20), 0, dephasing=0.2, tol=1e-10)
    r1 = evolve_open(m, (-20, 20), 1, dephasing=0.2, tol=1e-10)
    assert np.allclose(r.rho[-1], 0.7 * r0.rho[-1] + 0.3 * r1.rho[-1], atol=1e-9)
    assert np.isnan(r.p_diabatic_stay)
    # hbar = 2 with energies doubled and the same rates in 1/time: identical dynamics
    m2 = lzsm.LandauZener(coupling=0.8, sweep_rate=2.0, hbar=2.0)
    r2 = evolve_open(m2, (-20, 20), 0, dephasing=0.2, tol=1e-10)
    assert abs(r2.p_diabatic_stay - r0.p_diabatic_stay) < 1e-9


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(dephasing=-0.1), "dephasing"),
        (dict(relaxation=-1.0), "relaxation"),
        (dict(temperature=-0.5), "temperature"),
        (dict(basis="energy"), "basis"),
        (dict(collapse_ops=[np.eye(3)]), "collapse_ops"),
        (dict(collapse_ops=[[1, 2, 3]]), "collapse_ops"),
        (dict(dephasing=np.ones(3), relaxation=np.ones(4)), "broadcast"),
        (dict(initial=np.array([[0.6, 0.0], [0.0, 0.6]])), "trace"),
        (dict(initial=np.array([[1.2, 0.0], [0.0, -0.2]])), "positive"),
        (dict(initial=np.array([[0.5, 0.5], [0.0, 0.5]])), "Hermitian"),
    ],
)
def test_bad_input_is_named(kwargs, match):
    m = lzsm.LandauZener(coupling=0.5, sweep_rate=1.0)
    kwargs = dict(kwargs)
    initial = kwargs.pop("initial", 0)
    with pytest.raises(LzsmValueError, match=match):
        evolve_open(m, (-5, 5), initial, **kwargs)


def test_bad_types():
    m = lzsm.LandauZener(coupling=0.5, sweep_rate=1.0)
    with pytest.raises(LzsmTypeError, match="bath"):
        evolve_open(m, (-5, 5), bath="ohmic")
    with pytest.raises(LzsmTypeError, match="model"):
        evolve_open("lz", (-5, 5))
    with pytest.raises(LzsmValueError, match="exponent"):
        OhmicBath(0.1, 1.0, exponent=0.5)
    with pytest.raises(LzsmValueError, match="eta"):
        OhmicBath(-0.1, 1.0)
    with pytest.raises(LzsmValueError, match="relaxation"):
        evolve_open(m, (-5, 5), bath=OhmicBath(0.1, 1.0), relaxation=0.1)


# --------------------------------------------------------------------------- figures and the example
def test_figures_carry_their_data():
    ax = lzsm.plot_dephased_lz(0.3, [0.5, 2.0], [1.0], (-60.0, 60.0))
    p = ax.figure.lzsm_data["p_diabatic_stay"].values
    assert p.shape == (2, 1)
    assert len(ax.lines) == 3
    ax = lzsm.plot_fringe_washout(0.3, 1.0, [5.0, 6.0], [0.0, 1.0], (-20.0, 20.0))
    assert ax.figure.lzsm_data["p_diabatic_stay"].shape == (2, 2)


def test_example_script_writes_data_and_figures(tmp_path):
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "examples" / "dephased_landau_zener.py"
    spec = importlib.util.spec_from_file_location("dephased_example", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out = tmp_path / "deph"
    assert mod.main(["--out", str(out), "--quick"]) == 0
    names = {p.name for p in out.iterdir()}
    assert {"probability_vs_sweep_rate.png", "fringes_washing_out.nc", "populations_with_noise.png"} <= names
    assert mod.main(["--out", str(out), "--quick"]) == 2  # refuses to overwrite
