"""Classical noise (lzsm.noise): stochastic Hamiltonians averaged over noise paths.

Checks against closed forms (Kubo's Gaussian decay, the Kubo–Anderson telegraph formula),
against an independent Lindblad solution written here with scipy (the white-noise limit),
against Kayanuma's strong-dephasing limit, against exact noiseless propagation (lzsm.evolve),
and statistical consistency (error bars ~ 1/sqrt(N), reproducibility with a seed).

Statistical tolerances are stated as multiples of the standard error of the mean; seeds are
fixed, so every run gives the same numbers.  Conventions (docs/conventions.md): H = [[E1, V], [V*, E2]],
bias noise E1 - E2 -> E1 - E2 + xi (O = sigma_z / 2), pure dephasing at gamma_phi means
coherences decay as exp(-gamma_phi t), L = sqrt(gamma_phi / 2) sigma_z.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import quad, solve_ivp
from scipy.linalg import expm

import lzsm
from lzsm.errors import LzsmTypeError, LzsmValueError

SZ = np.diag([1.0, -1.0]).astype(complex)
SX = np.array([[0, 1], [1, 0]], dtype=complex)
PLUS = np.array([1.0, 1.0]) / math.sqrt(2.0)

Z = 4.0  # statistical tolerance: multiples of the standard error


# --------------------------------------------------------------------------- independent references
def lindblad_reference(coupling, sweep_rate, dephasing, t_eval, hbar=1.0, rho0=None, lop=None):
    """Lindblad equation of the LZ model with pure diabatic dephasing, written out by hand:
    d rho/dt = -i/hbar [H, rho] + L rho L^+ - {L^+ L, rho}/2, L = sqrt(gamma/2) sigma_z (or the
    given ``lop``), integrated with scipy DOP853 at rtol 1e-10.  Returns rho at t_eval (M, 2, 2)."""
    lop = math.sqrt(dephasing / 2) * SZ if lop is None else np.asarray(lop, dtype=complex)
    ldl = lop.conj().T @ lop
    v = complex(coupling)

    def rhs(t, y):
        r = y.reshape(2, 2)
        h = np.array([[sweep_rate * t / 2, v], [np.conj(v), -sweep_rate * t / 2]])
        d = -1j / hbar * (h @ r - r @ h) + lop @ r @ lop.conj().T - 0.5 * (ldl @ r + r @ ldl)
        return d.reshape(-1)

    r0 = np.diag([1.0, 0.0]).astype(complex) if rho0 is None else rho0
    sol = solve_ivp(
        rhs, (t_eval[0], t_eval[-1]), r0.reshape(-1), t_eval=t_eval, method="DOP853", rtol=1e-10, atol=1e-12
    )
    assert sol.success
    return sol.y.T.reshape(-1, 2, 2)


def telegraph_decay_by_master_equation(u, gamma, t):
    """E[exp(-i u int s)] for a symmetric +-1 telegraph process by its two-state master equation:
    x_+- = E[exp(-i u int s); s(t) = +-1], x' = M x, x(0) = (1/2, 1/2), D = x_+ + x_-."""
    m = np.array([[-1j * u - gamma, gamma], [gamma, 1j * u - gamma]])
    return np.array([np.sum(expm(m * tt) @ np.array([0.5, 0.5])) for tt in np.atleast_1d(t)])


def rate_equation_stay(coupling, sweep_rate, dephasing, half_window, hbar=1.0):
    """Strong-dephasing (incoherent) limit over the window [-T, T]: the diabatic states exchange
    population at W(t) = 2 V^2 gamma / (hbar^2 gamma^2 + (alpha t)^2) (adiabatic elimination of
    the coherence), so P_stay = (1 + exp(-2 int W))/2 with int_{-T}^{T} W =
    4 delta arctan(alpha T / (hbar gamma)), delta = V^2/(hbar alpha).  T -> inf gives
    Kayanuma's (1 + exp(-4 pi delta))/2 (J. Phys. Soc. Jpn. 53, 108 (1984))."""
    delta = abs(coupling) ** 2 / (hbar * abs(sweep_rate))
    integral = 4 * delta * math.atan(abs(sweep_rate) * half_window / (hbar * dephasing))
    return 0.5 * (1 + math.exp(-2 * integral))


# --------------------------------------------------------------------------- closed forms themselves
def test_ou_kubo_formula_is_the_double_integral_of_the_correlation():
    # ln D(t) = -(1/hbar^2) int_0^t (t - s) C(s) ds for Gaussian noise (second cumulant)
    noise = lzsm.OrnsteinUhlenbeckNoise(sigma=0.8, correlation_time=0.6)
    hbar = 0.7
    for t in (0.05, 0.6, 3.0, 11.0):
        val, _ = quad(lambda s, t=t: (t - s) * noise.correlation(s), 0, t, epsabs=1e-13, epsrel=1e-12)
        assert noise.coherence_decay(t, hbar=hbar) == pytest.approx(math.exp(-val / hbar**2), rel=1e-10)
    # motional narrowing: t >> tau_c gives exp(-gamma_phi (t - tau_c))
    g = lzsm.equivalent_dephasing_rate(noise, hbar=hbar)
    assert g == pytest.approx(0.8**2 * 0.6 / 0.7**2, rel=1e-14)
    assert noise.coherence_decay(30.0, hbar=hbar) == pytest.approx(math.exp(-g * (30.0 - 0.6)), rel=1e-10)


@pytest.mark.parametrize("amplitude, rate", [(1.0, 0.3), (1.0, 1.0), (0.5, 2.0), (2.0, 0.0), (1e-3, 5.0)])
def test_kubo_anderson_formula_solves_the_two_state_master_equation(amplitude, rate):
    noise = lzsm.TelegraphNoise(amplitude, rate)
    t = np.array([0.0, 0.1, 0.7, 2.0, 5.0, 9.0])
    ref = telegraph_decay_by_master_equation(amplitude / 1.3, rate, t)
    assert np.max(np.abs(ref.imag)) < 1e-12  # symmetric noise: D(t) is real
    assert noise.coherence_decay(t, hbar=1.3) == pytest.approx(ref.real, abs=1e-12)


def test_telegraph_limits_and_correlation():
    fast = lzsm.TelegraphNoise(0.5, 40.0)
    t = np.array([1.0, 4.0])
    # gamma >> u: exp(-u^2 t / (2 gamma)) = exp(-gamma_phi t) with gamma_phi = a^2 / (2 gamma hbar^2)
    g = lzsm.equivalent_dephasing_rate(fast)
    assert g == pytest.approx(0.25 / 80, rel=1e-14)
    assert fast.coherence_decay(t) == pytest.approx(np.exp(-g * t), rel=2e-4)
    assert fast.correlation_time == pytest.approx(1 / 80)
    assert fast.correlation(0.1) == pytest.approx(0.25 * math.exp(-8.0), rel=1e-14)
    # static noise: D = cos(a t / hbar)
    static = lzsm.TelegraphNoise(0.5, 0.0)
    assert static.coherence_decay(t) == pytest.approx(np.cos(0.5 * t), abs=1e-14)
    # S(0) / (2 hbar^2) is the dephasing rate
    assert fast.spectral_density(0.0) / 2 == pytest.approx(g, rel=1e-14)


def test_equivalent_lindblad_operator_and_rate():
    noise = lzsm.OrnsteinUhlenbeckNoise.from_dephasing_rate(0.3, correlation_time=0.01, hbar=2.0)
    assert lzsm.equivalent_dephasing_rate(noise, hbar=2.0) == pytest.approx(0.3, rel=1e-13)
    lop = lzsm.equivalent_collapse_operator(noise, hbar=2.0)
    assert lop == pytest.approx(math.sqrt(0.3 / 2) * SZ, rel=1e-13)  # docs/conventions.md: L = sqrt(g/2) sigma_z
    # coupling noise: L = sqrt(2 sigma^2 tau) sigma_x / hbar; no diabatic dephasing rate
    cn = lzsm.OrnsteinUhlenbeckNoise(1.0, 0.02, acts_on="coupling")
    assert lzsm.equivalent_collapse_operator(cn) == pytest.approx(math.sqrt(0.04) * SX, rel=1e-13)
    with pytest.raises(LzsmValueError, match="acts_on='bias'"):
        lzsm.equivalent_dephasing_rate(cn)


# --------------------------------------------------------------------------- pure dephasing vs Kubo
def _coherence_check(noise, noise_doubled, hbar, dt, n_traj, seed):
    """Static bias eps, start in (|1> + |2>)/sqrt 2: 2 rho_12 e^{i eps t/hbar} = E[e^{-i phi}] = D(t).
    The exact per-trajectory variance of cos(phi) is (1 + D_2)/2 - D^2 with D_2 = E[cos 2 phi],
    the decay for doubled noise."""
    eps = 0.9
    model = lzsm.TwoLevel(bias=eps, coupling=0.0, hbar=hbar)
    t = np.linspace(0.0, 6.0, 13)
    res = lzsm.evolve_noisy(model, (0.0, 6.0), PLUS, t, n_trajectories=n_traj, seed=seed, dt=dt, noise=noise)
    c = 2 * res.coherence * np.exp(1j * eps * t / hbar)
    d = noise.coherence_decay(t, hbar=hbar)
    d2 = noise_doubled.coherence_decay(t, hbar=hbar)
    se_re = np.sqrt(np.maximum((1 + d2) / 2 - d**2, 0) / n_traj)
    se_im = np.sqrt((1 - d2) / 2 / n_traj)
    assert np.all(np.abs(c.real - d) <= Z * se_re + 1e-12), (c.real - d) / se_re
    assert np.all(np.abs(c.imag) <= Z * se_im + 1e-12)
    # bias noise commutes with H: every trajectory keeps populations 1/2 exactly
    assert np.max(np.abs(res.populations - 0.5)) < 1e-12
    assert np.max(res.population_stderr) < 1e-12
    # the check can fail: halving the noise variance would be far outside the band
    return d, se_re


@pytest.mark.parametrize("dt", [None, 1.0])
def test_ou_pure_dephasing_matches_kubo(dt):
    # the noise enters each step through its exact integral: exact at any dt (here dt = 2 tau_c)
    tau, sigma, hbar = 0.5, 0.8, 0.7
    noise = lzsm.OrnsteinUhlenbeckNoise(sigma, tau)
    d, se = _coherence_check(noise, lzsm.OrnsteinUhlenbeckNoise(2 * sigma, tau), hbar, dt, 3000, seed=11)
    weaker = lzsm.OrnsteinUhlenbeckNoise(sigma / math.sqrt(2), tau).coherence_decay(np.linspace(0, 6, 13), hbar=hbar)
    assert np.max(np.abs(weaker - d) / (se + 1e-300)) > 5 * Z


@pytest.mark.parametrize("amplitude, rate", [(1.0, 0.3), (1.0, 2.5)])
def test_telegraph_pure_dephasing_matches_kubo_anderson(amplitude, rate):
    # slow switching (coherence oscillates through negative values) and motional narrowing
    noise = lzsm.TelegraphNoise(amplitude, rate)
    _coherence_check(noise, lzsm.TelegraphNoise(2 * amplitude, rate), 1.0, None, 3000, seed=5)


def test_coupling_noise_on_a_degenerate_pair():
    # H = (V + xi) sigma_x, start in |1>: P_1 = (1 + Re[e^{-2iVt/hbar} D_{2a}(t)])/2
    v, a, gamma = 0.4, 0.6, 0.8
    model = lzsm.TwoLevel(bias=0.0, coupling=v)
    t = np.linspace(0, 8, 17)
    res = lzsm.evolve_noisy(
        model, (0, 8), 0, t, n_trajectories=3000, seed=2, noise=lzsm.TelegraphNoise(a, gamma, acts_on="coupling")
    )
    expected = 0.5 * (1 + (np.exp(-2j * v * t) * lzsm.TelegraphNoise(2 * a, gamma).coherence_decay(t)).real)
    err = np.abs(res.populations[:, 0] - expected)
    assert np.all(err <= Z * res.population_stderr[:, 0] + 1e-12)
    wrong = 0.5 * (1 + (np.exp(-2j * v * t) * lzsm.TelegraphNoise(a, gamma).coherence_decay(t)).real)
    assert np.max(np.abs(wrong - expected) / (res.population_stderr[:, 0] + 1e-3)) > 3 * Z


def test_n_level_noise_operator():
    # three levels, static, noise operator diag(1, 0, -1): rho_13 decays with doubled noise
    e = np.array([0.5, 0.0, -0.3])
    model = lzsm.LinearSweep(np.diag(e), np.zeros(3))
    op = np.diag([1.0, 0.0, -1.0])
    noise = lzsm.OrnsteinUhlenbeckNoise(0.5, 0.4, acts_on=op)
    t = np.linspace(0, 4, 9)
    psi = np.array([1.0, 0.0, 1.0]) / math.sqrt(2)
    n = 3000
    res = lzsm.evolve_noisy(model, (0, 4), psi, t, n_trajectories=n, seed=9, noise=noise)
    c = 2 * res.rho[:, 0, 2] * np.exp(1j * (e[0] - e[2]) * t)
    d = lzsm.OrnsteinUhlenbeckNoise(1.0, 0.4).coherence_decay(t)
    d2 = lzsm.OrnsteinUhlenbeckNoise(2.0, 0.4).coherence_decay(t)
    se = np.sqrt(np.maximum((1 + d2) / 2 - d**2, 0) / n)
    assert np.all(np.abs(c.real - d) <= Z * se + 1e-12)
    assert np.max(np.abs(res.populations - [0.5, 0.0, 0.5])) < 1e-12


# --------------------------------------------------------------------------- white-noise limit
WHITE = {"coupling": 0.5, "sweep_rate": 1.0, "dephasing": 0.5, "half_window": 10.0, "tau_c": 0.02}


def _white_noise_run(n_traj=1000, seed=3):
    w = WHITE
    noise = lzsm.OrnsteinUhlenbeckNoise.from_dephasing_rate(w["dephasing"], w["tau_c"])
    t = np.linspace(-w["half_window"], w["half_window"], 6)
    model = lzsm.LandauZener(w["coupling"], w["sweep_rate"])
    return lzsm.evolve_noisy(model, (t[0], t[-1]), 0, t, n_trajectories=n_traj, seed=seed, noise=noise)


@pytest.fixture(scope="module")
def white_noise_run():
    return _white_noise_run()


def test_white_noise_limit_is_lindblad_dephasing(white_noise_run):
    """OU bias noise with tau_c = 0.02 << 1/gamma_phi, hbar/|V| and the LZ time: the average obeys
    the Lindblad equation with gamma_phi = sigma^2 tau_c / hbar^2 (Kubo 1963).  Tolerance: 4
    standard errors plus 0.005 for the finite correlation time (corrections ~ gamma_phi tau_c)."""
    res = white_noise_run
    w = WHITE
    ref = lindblad_reference(w["coupling"], w["sweep_rate"], w["dephasing"], res.t)
    tol = Z * res.population_stderr[:, 0] + 0.005
    assert np.all(np.abs(res.populations[:, 0] - ref[:, 0, 0].real) <= tol)
    # coherences too (absolute, a loose 0.03: no per-trajectory error bar is kept for them)
    assert np.max(np.abs(res.rho[:, 0, 1] - ref[:, 0, 1])) < 0.03
    # the comparison is sharp enough to see a factor 2 in gamma_phi either way
    for factor in (0.5, 2.0):
        other = lindblad_reference(w["coupling"], w["sweep_rate"], factor * w["dephasing"], res.t[[0, -1]])
        assert abs(other[-1, 0, 0].real - ref[-1, 0, 0].real) > 1.5 * tol[-1]
    # and coherent LZ (no noise) is far away
    assert abs(lzsm.finite_time_p_diabatic_stay(0.5, 1.0, t=10.0, t0=-10.0) - res.p_diabatic_stay) > 5 * tol[-1]


def test_white_noise_limit_matches_evolve_open(white_noise_run):
    res = white_noise_run
    w = WHITE
    model = lzsm.LandauZener(w["coupling"], w["sweep_rate"])
    ref = lzsm.evolve_open(model, (res.t[0], res.t[-1]), 0, res.t, dephasing=w["dephasing"])
    tol = Z * res.p_diabatic_stay_stderr + 0.005
    assert abs(float(np.asarray(ref.p_diabatic_stay)) - float(res.p_diabatic_stay)) <= tol
    assert np.max(np.abs(np.asarray(ref.rho)[..., 0, 0].real - res.populations[:, 0])) <= np.max(
        Z * res.population_stderr[:, 0] + 0.005
    )


def test_white_coupling_noise_is_the_equivalent_collapse_operator():
    """OU noise on the coupling (V -> V + xi, O = sigma_x) in the white limit: Lindblad with
    L = sqrt(2 sigma^2 tau_c) sigma_x / hbar (equivalent_collapse_operator)."""
    v, alpha, half, tau = 0.4, 1.0, 4.0, 0.02
    noise = lzsm.OrnsteinUhlenbeckNoise(1.0, tau, acts_on="coupling")  # L^+ L = 2 sigma^2 tau = 0.04
    lop = lzsm.equivalent_collapse_operator(noise)
    t = np.linspace(-half, half, 5)
    res = lzsm.evolve_noisy(lzsm.LandauZener(v, alpha), (-half, half), 0, t, n_trajectories=2000, seed=6, noise=noise)
    ref = lindblad_reference(v, alpha, 0.0, t, lop=lop)[:, 0, 0].real
    tol = Z * res.population_stderr[:, 0] + 0.005
    assert np.all(np.abs(res.populations[:, 0] - ref) <= tol)
    for factor in (0.5, 2.0):  # a factor 2 in L^+ L would be seen
        other = lindblad_reference(v, alpha, 0.0, t, lop=math.sqrt(factor) * lop)[-1, 0, 0].real
        assert abs(other - ref[-1]) > 1.5 * tol[-1]
    run = lzsm.evolve_open(lzsm.LandauZener(v, alpha), (-half, half), 0, t, collapse_ops=[lop])
    assert np.max(np.abs(np.asarray(run.rho)[..., 0, 0].real - res.populations[:, 0]) - tol) <= 0


def test_kayanuma_strong_dephasing_limit():
    """gamma_phi = 4 >> |V| = 0.3 and >> sqrt(alpha/hbar) = 1: incoherent crossing, P_stay ->
    (1 + exp(-4 pi delta))/2 (Kayanuma 1984), here over the finite window [-20, 20], where the
    rate-equation form 4 delta arctan(alpha T / hbar gamma) replaces 2 pi delta."""
    v, alpha, gamma, half = 0.3, 1.0, 4.0, 20.0
    kayanuma = 0.5 * (1 + math.exp(-4 * math.pi * v**2 / alpha))
    windowed = rate_equation_stay(v, alpha, gamma, half)
    assert rate_equation_stay(v, alpha, gamma, 1e9) == pytest.approx(kayanuma, rel=1e-8)
    # the Lindblad reference is in the regime: it agrees with the rate equation
    t = np.array([-half, half])
    ref = lindblad_reference(v, alpha, gamma, t)[-1, 0, 0].real
    assert ref == pytest.approx(windowed, abs=0.005)
    # white OU noise (tau_c = 0.01 << 1/gamma): dt = tau_c / 2 (the step integrals are exact)
    noise = lzsm.OrnsteinUhlenbeckNoise.from_dephasing_rate(gamma, 0.01)
    res = lzsm.evolve_noisy(
        lzsm.LandauZener(v, alpha), (-half, half), 0, n_trajectories=1000, seed=8, dt=0.005, noise=noise
    )
    tol = Z * res.p_diabatic_stay_stderr + 0.01
    assert abs(res.p_diabatic_stay - windowed) <= tol
    assert abs(res.p_diabatic_stay - ref) <= tol
    # far from coherent Landau-Zener (exp(-2 pi delta) = 0.568) and from a factor 2 in delta
    assert abs(res.p_diabatic_stay - lzsm.lz_probability(v, alpha)) > 2 * tol
    assert abs(res.p_diabatic_stay - 0.5 * (1 + math.exp(-8 * math.pi * v**2 / alpha))) > 2 * tol


# --------------------------------------------------------------------------- noiseless: exact propagation
@pytest.mark.parametrize(
    "model",
    [
        lzsm.LandauZener(0.4 + 0.2j, -1.3),
        lzsm.PeriodicDrive(gap=0.6, offset=1.0, amplitude=3.0, frequency=2.0),
        lzsm.DoublePassage(0.3, 1.0, crossing_time=4.0, shape="triangular"),
        lzsm.TwoLevel(bias=lambda t: 0.8 * np.sin(t), coupling=0.3),
        lzsm.LinearSweep(np.array([[0, 0.3, 0.1], [0.3, 0.5, 0.2], [0.1, 0.2, 0.0]]), [1.0, 0.0, -1.0]),
    ],
    ids=["lz", "periodic", "double-passage", "callable", "3-level"],
)
def test_zero_noise_is_exact_propagation(model):
    t = np.linspace(-6, 6, 7)
    op = None if model.n_levels == 2 else np.diag([1.0, 0.0, -1.0])
    noise = lzsm.TelegraphNoise(0.0, 1.0) if op is None else lzsm.TelegraphNoise(0.0, 1.0, acts_on=op)
    res = lzsm.evolve_noisy(model, (-6, 6), 0, t, n_trajectories=2, seed=0, noise=noise)
    psi = lzsm.evolve(model, (-6, 6), 0, t).amplitudes
    exact = psi[..., :, None] * psi[..., None, :].conj()
    assert np.max(np.abs(res.rho - exact)) < 1e-6
    assert np.max(res.population_stderr) < 1e-12  # identical trajectories


def test_fourth_order_convergence():
    model = lzsm.LandauZener(0.5, 1.0)
    exact = lzsm.evolve(model, (-8, 8)).populations[-1, 0]
    noise = lzsm.OrnsteinUhlenbeckNoise(0.0, 1.0)
    errs = [
        abs(lzsm.evolve_noisy(model, (-8, 8), n_trajectories=2, seed=0, dt=h, noise=noise).p_diabatic_stay - exact)
        for h in (0.1, 0.05)
    ]
    assert 16 / 1.6 < errs[0] / errs[1] < 16 * 1.6  # order 4


@pytest.mark.parametrize("target", ["bias", "coupling"])
def test_telegraph_paths_converge_with_step(target):
    # telegraph paths do not depend on the grid (exact flip times from each trajectory's own
    # stream), so the same paths can be integrated with shrinking dt: the exact step moments
    # int xi and int (t - t_mid) xi give third order across flips (dropping the first moment
    # would leave second order and ~15x larger errors here)
    model = lzsm.LandauZener(0.5, 1.0)
    noise = lzsm.TelegraphNoise(1.0, 1.0, acts_on=target)
    t = np.linspace(-5, 5, 6)
    kw = {"n_trajectories": 50, "seed": 3}
    ref = lzsm.evolve_noisy(model, (-5, 5), 0, t, dt=0.005, **kw, noise=noise).rho
    errs = [
        np.max(np.abs(lzsm.evolve_noisy(model, (-5, 5), 0, t, dt=h, **kw, noise=noise).rho - ref)) for h in (0.2, 0.1)
    ]
    assert errs[0] / errs[1] > 6.0  # order >= ~2.6
    assert errs[1] < 1e-4


# --------------------------------------------------------------------------- statistics
def test_error_bar_shrinks_as_one_over_sqrt_n():
    model = lzsm.LandauZener(0.5, 1.0)
    noise = lzsm.OrnsteinUhlenbeckNoise(1.0, 0.5)
    runs = [lzsm.evolve_noisy(model, (-6, 6), n_trajectories=n, seed=21, noise=noise) for n in (250, 1000, 4000)]
    se = np.array([r.p_diabatic_stay_stderr for r in runs])
    assert se[0] / se[1] == pytest.approx(2.0, rel=0.2)
    assert se[1] / se[2] == pytest.approx(2.0, rel=0.2)
    # estimates agree within their error bars (nested samples: the spread is smaller still)
    for i in range(2):
        diff = abs(runs[i].p_diabatic_stay - runs[i + 1].p_diabatic_stay)
        assert diff <= Z * math.hypot(se[i], se[i + 1])
    # the noise matters here: the noiseless value is many error bars away
    clean = lzsm.finite_time_p_diabatic_stay(0.5, 1.0, t=6.0, t0=-6.0)
    assert abs(runs[2].p_diabatic_stay - clean) > 5 * Z * se[2]


def test_reproducible_with_seed_and_independent_of_chunking():
    model = lzsm.LandauZener(0.4, 1.0)
    noise = lzsm.TelegraphNoise(0.7, 1.5)
    t = np.linspace(-4, 4, 5)
    a = lzsm.evolve_noisy(model, (-4, 4), 0, t, n_trajectories=40, seed=1234, noise=noise)
    b = lzsm.evolve_noisy(model, (-4, 4), 0, t, n_trajectories=40, seed=1234, chunk_size=7, noise=noise)
    assert np.array_equal(a.rho, b.rho) and np.array_equal(a.population_stderr, b.population_stderr)
    c = lzsm.evolve_noisy(model, (-4, 4), 0, t, n_trajectories=40, seed=1235, noise=noise)
    assert not np.allclose(a.rho, c.rho)
    fresh = lzsm.evolve_noisy(model, (-4, 4), 0, t, n_trajectories=8, noise=noise)
    again = lzsm.evolve_noisy(model, (-4, 4), 0, t, n_trajectories=8, seed=fresh.seed, noise=noise)
    assert np.array_equal(fresh.rho, again.rho)


def test_parameter_grid_shares_noise_paths():
    noise = lzsm.OrnsteinUhlenbeckNoise(0.5, 1.0)
    grid = lzsm.LandauZener(np.array([0.3, 0.6]), 1.0)
    res = lzsm.evolve_noisy(grid, (-5, 5), n_trajectories=16, seed=4, dt=0.02, noise=noise)
    assert res.rho.shape == (2, 2, 2, 2)
    for i, v in enumerate((0.3, 0.6)):
        single = lzsm.evolve_noisy(lzsm.LandauZener(v, 1.0), (-5, 5), n_trajectories=16, seed=4, dt=0.02, noise=noise)
        assert np.max(np.abs(res.rho[i] - single.rho)) < 1e-13
    ds = res.to_xarray()
    assert ds.p_diabatic_stay.dims == ("coupling",)
    assert ds.rho.dims == ("coupling", "t", "row", "col")
    assert ds.attrs["seed"] == "4" and ds.attrs["n_trajectories"] == 16
    assert ds.attrs["noise_sigma"] == 0.5 and ds.attrs["noise_correlation_time"] == 1.0
    assert np.allclose(ds.p_diabatic_stay_stderr.values, res.p_diabatic_stay_stderr)


@settings(max_examples=15)
@given(
    v=st.floats(0.05, 1.0),
    alpha=st.floats(0.3, 3.0),
    sigma=st.floats(0.0, 2.0),
    tau=st.floats(0.2, 3.0),
    telegraph=st.booleans(),
    on_coupling=st.booleans(),
    n=st.integers(2, 5),
    seed=st.integers(0, 2**40),
    start=st.sampled_from([0, 1, "lower", "upper"]),
)
def test_density_matrix_invariants(v, alpha, sigma, tau, telegraph, on_coupling, n, seed, start):
    target = "coupling" if on_coupling else "bias"
    noise = (
        lzsm.TelegraphNoise(sigma, 1 / tau, target) if telegraph else lzsm.OrnsteinUhlenbeckNoise(sigma, tau, target)
    )
    res = lzsm.evolve_noisy(
        lzsm.LandauZener(v, alpha), (-3, 3), start, np.linspace(-3, 3, 4), n_trajectories=n, seed=seed, noise=noise
    )
    rho = res.rho
    assert np.max(np.abs(np.trace(rho, axis1=-2, axis2=-1) - 1)) < 1e-12
    assert np.max(np.abs(rho - np.conj(np.swapaxes(rho, -1, -2)))) < 1e-15
    assert np.min(np.linalg.eigvalsh(rho)) > -1e-12
    assert np.all(res.population_stderr >= 0)
    assert np.all(res.population_stderr <= 0.5 / math.sqrt(n - 1) + 1e-12)  # bounded variable in [0, 1]


# --------------------------------------------------------------------------- bad input
def test_bad_input_gets_clear_errors():
    lz = lzsm.LandauZener(0.5, 1.0)
    with pytest.raises(LzsmValueError, match="`sigma` must be >= 0"):
        lzsm.OrnsteinUhlenbeckNoise(-0.1, 1.0)
    for tau in (0.0, -1.0):
        with pytest.raises(LzsmValueError, match="`correlation_time` must be > 0"):
            lzsm.OrnsteinUhlenbeckNoise(0.1, tau)
    with pytest.raises(LzsmValueError, match="`amplitude` must be >= 0"):
        lzsm.TelegraphNoise(-1.0, 1.0)
    with pytest.raises(LzsmValueError, match="`switching_rate` must be >= 0"):
        lzsm.TelegraphNoise(1.0, -1.0)
    with pytest.raises(LzsmValueError, match="`acts_on` must be one of"):
        lzsm.OrnsteinUhlenbeckNoise(0.1, 1.0, acts_on="detuning")
    with pytest.raises(LzsmValueError, match="Hermitian"):
        lzsm.OrnsteinUhlenbeckNoise(0.1, 1.0, acts_on=np.array([[0, 1], [0, 0]]))
    noise = lzsm.OrnsteinUhlenbeckNoise(0.1, 1.0)
    for bad in (1, 0, 2.5, True):
        with pytest.raises(LzsmValueError, match="`n_trajectories` must be an integer >= 2"):
            lzsm.evolve_noisy(lz, (-1, 1), n_trajectories=bad, noise=noise)
    with pytest.raises(LzsmValueError, match=r"has shape \(3, 3\) but the model has 2 levels"):
        lzsm.evolve_noisy(lz, (-1, 1), n_trajectories=2, noise=lzsm.OrnsteinUhlenbeckNoise(0.1, 1.0, acts_on=np.eye(3)))
    three = lzsm.LinearSweep(np.zeros((3, 3)), [1.0, 0.0, -1.0])
    with pytest.raises(LzsmValueError, match="pass a Hermitian \\(3, 3\\) noise operator"):
        lzsm.evolve_noisy(three, (-1, 1), n_trajectories=2, noise=noise)
    for seed in (-1, 1.5, "x"):
        with pytest.raises(LzsmValueError, match="`seed` must be a non-negative integer"):
            lzsm.evolve_noisy(lz, (-1, 1), n_trajectories=2, seed=seed, noise=noise)
    with pytest.raises(LzsmValueError, match="`dt` must be > 0"):
        lzsm.evolve_noisy(lz, (-1, 1), n_trajectories=2, dt=0.0, noise=noise)
    with pytest.raises(LzsmValueError, match="max_steps"):
        lzsm.evolve_noisy(lz, (-1, 1), n_trajectories=2, dt=1e-3, max_steps=100, noise=noise)
    with pytest.raises(LzsmTypeError, match="`noise` must be an lzsm noise process"):
        lzsm.evolve_noisy(lz, (-1, 1), n_trajectories=2, noise=0.1)
    with pytest.raises(LzsmValueError, match="t_span"):
        lzsm.evolve_noisy(lz, (1, -1), n_trajectories=2, noise=noise)


# --------------------------------------------------------------------------- figure
def test_plot_noisy_populations(white_noise_run):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.collections import PolyCollection

    before = plt.get_fignums()
    model = white_noise_run.model
    t = np.linspace(-10.0, 10.0, 201)  # enough saved times for the figure (6 per period of the gap)
    run = lzsm.evolve_noisy(model, (-10.0, 10.0), 0, t, n_trajectories=50, seed=3, noise=white_noise_run.noise)
    ax = lzsm.plot_noisy_populations(run)
    assert len(plt.get_fignums()) == len(before) + 1  # pyplot in use: a pyplot figure (shown inline)
    assert len(ax.lines) == 4  # two noisy means, two noiseless
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bands) == 2
    fig, own = plt.subplots()
    assert lzsm.plot_noisy_populations(run, own, noiseless=False) is own
    assert len(own.lines) == 2
    plt.close(fig)
