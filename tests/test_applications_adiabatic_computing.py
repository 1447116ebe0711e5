"""Adiabatic Grover search (lzsm.applications.adiabatic_computing) against closed forms and
independent calculations.

References used below: Roland & Cerf, PRA 65, 042308 (2002) (gap, minimum gap, local adiabatic
schedule and its runtime); the Landau–Zener map V = g_min/2, alpha = 2 sqrt(1 - 1/N) ds/dt is
derived in the module docstring and checked here on the Hamiltonian itself.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import xarray as xr
from hypothesis import given
from hypothesis import strategies as st
from scipy import integrate, optimize

from lzsm.applications import adiabatic_computing as ac
from lzsm.applications import run
from lzsm.errors import LzsmValueError

sizes = st.integers(min_value=1, max_value=20).map(lambda q: 2**q)
fractions = st.floats(min_value=0.0, max_value=1.0)


# --------------------------------------------------------------------------- Hamiltonian and gap
@pytest.mark.parametrize("n", [2, 8, 16])
def test_reduced_hamiltonian_is_the_full_one_on_the_invariant_subspace(n):
    s = np.linspace(0, 1, 7)
    full = ac.grover_hamiltonian(s, n, marked=0)
    m = np.zeros(n)
    m[0] = 1
    mperp = np.ones(n) / math.sqrt(n - 1)
    mperp[0] = 0
    basis = np.stack([m, mperp], axis=1)  # (N, 2)
    projected = basis.T @ full @ basis
    assert np.max(np.abs(projected - ac.grover_reduced_hamiltonian(s, n))) < 1e-14
    # invariance: H maps the span into itself (nothing leaks into the complement)
    image = full @ basis
    leak = image - basis @ (basis.T @ image)
    assert np.max(np.abs(leak)) < 1e-14
    # |psi0> lies in the span with the stated components
    psi0 = ac.grover_initial_state(n, "full").real
    assert np.allclose(basis.T @ psi0, ac.grover_initial_state(n).real, atol=1e-15)


@given(fractions, st.integers(min_value=1, max_value=6).map(lambda q: 2**q))
def test_gap_is_the_splitting_of_the_two_lowest_levels_of_the_full_hamiltonian(s, n):
    ev = np.linalg.eigvalsh(ac.grover_hamiltonian(s, n))
    assert abs((ev[1] - ev[0]) - ac.grover_gap(s, n)) < 1e-12


@given(fractions, sizes)
def test_landau_zener_form_of_the_reduced_hamiltonian(s, n):
    # H - 1/2 has eigenvalues +-(1/2) sqrt(B^2 + 4 V^2) with B = 2 sqrt(1-1/N)(s-1/2), V = 1/(2 sqrt N)
    h = ac.grover_reduced_hamiltonian(s, n)
    assert abs(np.trace(h) - 1.0) < 1e-14
    lz = ac.landau_zener_map(n, 1.0, "linear")
    bias = 2 * math.sqrt(1 - 1 / n) * (s - 0.5)
    ev = np.linalg.eigvalsh(h)
    assert abs((ev[1] - ev[0]) - math.sqrt(bias**2 + 4 * float(lz.coupling) ** 2)) < 1e-12
    # linear schedule with T = 1: alpha = d(bias)/dt = 2 sqrt(1 - 1/N)
    assert float(lz.sweep_rate) == pytest.approx(2 * math.sqrt(1 - 1 / n), rel=1e-14)


@pytest.mark.parametrize("n", [4, 64, 4096])
def test_minimum_gap_is_at_half_and_equals_inverse_sqrt_n(n):
    res = optimize.minimize_scalar(
        lambda s: float(ac.grover_gap(s, n)), bounds=(0, 1), method="bounded", options={"xatol": 1e-10}
    )
    assert res.x == pytest.approx(0.5, abs=1e-6)
    assert res.fun == pytest.approx(1 / math.sqrt(n), rel=1e-10)
    assert float(ac.grover_minimum_gap(n)) == pytest.approx(1 / math.sqrt(n), rel=1e-15)
    assert float(ac.grover_gap(0.0, n)) == 1.0 and float(ac.grover_gap(1.0, n)) == 1.0


# --------------------------------------------------------------------------- schedules
@pytest.mark.parametrize("n, eps", [(4, 0.3), (256, 0.1), (4096, 0.05)])
def test_local_schedule_obeys_its_ode_and_closed_form_runtime(n, eps):
    T = float(ac.local_adiabatic_runtime(n, eps))
    # runtime = (1/eps) int_0^1 ds / g(s)^2 by quadrature (independent of the closed form)
    quad, _ = integrate.quad(
        lambda s: 1 / ac.grover_gap(s, n) ** 2, 0, 1, points=[0.5], limit=200, epsabs=0, epsrel=1e-12
    )
    assert pytest.approx(quad / eps, rel=1e-9) == T
    # s(t) is the solution of ds/dt = eps g(s)^2, s(0) = 0 (scipy DOP853 as the reference; the
    # forward ODE amplifies errors by ~N after s = 1/2, hence N <= 4096 here)
    t = np.linspace(0.0, T, 17)
    sol = integrate.solve_ivp(
        lambda _, y: eps * (1 - 4 * (1 - 1 / n) * y * (1 - y)),
        (0, T),
        [0.0],
        method="DOP853",
        t_eval=t,
        rtol=1e-12,
        atol=1e-14,
    )
    assert np.max(np.abs(sol.y[0] - ac.local_adiabatic_schedule(t, n, eps))) < 1e-9
    assert float(ac.local_adiabatic_schedule(0.0, n, eps)) == pytest.approx(0.0, abs=1e-15)
    assert float(ac.local_adiabatic_schedule(T, n, eps)) == pytest.approx(1.0, abs=1e-12)
    assert float(ac.local_adiabatic_epsilon(n, T)) == pytest.approx(eps, rel=1e-14)


def test_runtimes_scale_as_the_published_laws():
    n = 2.0 ** np.arange(10, 31, 4)
    # Roland & Cerf: T -> (pi / (2 eps)) sqrt(N); correction is O(1/sqrt(N)) relative
    ratio = ac.local_adiabatic_runtime(n, 0.2) / (math.pi / (2 * 0.2) * np.sqrt(n))
    assert np.all(np.abs(ratio - 1) < 1.0 / np.sqrt(n))
    assert np.all(np.abs(ratio - 1) > 0.3 / np.sqrt(n))  # the correction is there, of that order
    assert np.allclose(ac.linear_adiabatic_runtime(n, 0.2), n / 0.2, rtol=1e-15)
    assert np.allclose(ac.local_adiabatic_runtime(n, 0.2, hbar=2.0), 2 * ac.local_adiabatic_runtime(n, 0.2))


# --------------------------------------------------------------------------- exact propagation
@pytest.mark.parametrize("n", [8, 16])
@pytest.mark.parametrize("schedule", ac.SCHEDULES)
def test_full_hilbert_space_propagation_equals_the_reduced_one(n, schedule):
    T = np.array([0.5, 2.0, 8.0]) * n
    reduced = ac.p_success(n, T, schedule)
    full = ac.p_success(n, T, schedule, space="full")
    assert np.max(np.abs(reduced - full)) < 1e-8
    assert np.all((reduced > 0) & (reduced < 1))


@pytest.mark.parametrize("n, eps", [(16, 0.9), (64, 0.5)])
def test_local_schedule_propagation_matches_an_independent_ode_solution(n, eps):
    # independent of lzsm.evolve and of the u = t/T rescaled model inside p_success: scipy DOP853
    # on i dpsi/dt = H(s(t)) psi in real time, with s(t) from the public local_adiabatic_schedule
    # (itself checked against ds/dt = eps g^2 above).  Large eps so that the failure is not small
    # (0.66 and 0.19) and a wrong schedule inside the model shows.
    T = float(ac.local_adiabatic_runtime(n, eps))

    def rhs(t, y):
        h = ac.grover_reduced_hamiltonian(float(ac.local_adiabatic_schedule(min(t, T), n, eps)), n)
        d = -1j * (h @ (y[:2] + 1j * y[2:]))
        return np.concatenate([d.real, d.imag])

    psi0 = ac.grover_initial_state(n)
    sol = integrate.solve_ivp(
        rhs, (0.0, T), np.concatenate([psi0.real, psi0.imag]), method="DOP853", rtol=1e-11, atol=1e-12
    )
    p_ref = sol.y[0, -1] ** 2 + sol.y[2, -1] ** 2
    assert 1e-3 < 1 - p_ref < 0.9
    p = ac.p_success(n, T, "local")
    assert np.shape(p) == ()  # scalar in, scalar out
    assert float(p) == pytest.approx(p_ref, abs=1e-8)


def test_local_schedule_model_derivative_is_the_derivative_of_its_hamiltonian():
    # the model's dH/du (used by adiabatic-basis projections, not by the Magnus propagation)
    # against central differences of its H(u); tolerance 1e-6 relative to max|dH/du|
    n, T = np.array([16.0, 256.0]), np.array([40.0, 300.0])
    model = ac._scaled_model(n, T, "local", 1.0, "reduced")
    u, h = np.array([0.1, 0.37, 0.5, 0.8]), 1e-5
    fd = (model.hamiltonian(u + h) - model.hamiltonian(u - h)) / (2 * h)
    dh = model.hamiltonian_derivative(u)
    assert np.max(np.abs(dh - fd)) < 1e-6 * np.max(np.abs(dh))


def test_linear_schedule_is_exactly_a_finite_time_landau_zener_passage():
    # independent: parabolic-cylinder closed form on the window [-T/2, T/2] vs Magnus propagation
    n = np.array([16.0, 256.0, 4096.0])[:, None]
    T = np.array([0.3, 1.0, 3.0])[None, :] * n
    p_fail = 1 - ac.p_success(n, T, "linear")
    assert np.max(np.abs(p_fail - ac.linear_p_fail_finite_time(n, T))) < 1e-8


def test_asymptotic_lz_predicts_the_linear_failure_for_large_n_and_t():
    # measured max deviation 1.8e-5 absolute, 1.2e-4 relative (N = 1024, 4096; T/N in [1, 4]);
    # a factor 2 in V^2/alpha would change exp(-pi T / 4N) by > 0.2 here
    n = np.array([1024.0, 4096.0])[:, None]
    T = np.array([1.0, 2.0, 4.0])[None, :] * n
    p_fail = 1 - ac.p_success(n, T, "linear")
    lz = ac.linear_p_fail_lz(n, T)
    assert np.max(np.abs(p_fail - lz)) < 1e-4
    assert np.max(np.abs(p_fail / lz - 1)) < 1e-3
    assert np.allclose(lz, np.exp(-math.pi * T / (4 * n * np.sqrt(1 - 1 / n))), rtol=1e-13)


def test_local_schedule_lz_rate_at_the_crossing():
    # ds/dt at s = 1/2 is eps g_min^2 = eps / N, so alpha = 2 sqrt(1 - 1/N) eps / N
    n, eps = 1024.0, 0.1
    T = ac.local_adiabatic_runtime(n, eps)
    m = ac.landau_zener_map(n, T, "local")
    assert float(m.sweep_rate) == pytest.approx(2 * math.sqrt(1 - 1 / n) * eps / n, rel=1e-12)
    ds = m.to_xarray()
    assert float(ds["coupling"]) == pytest.approx(0.5 / 32, rel=1e-15)


@given(st.integers(min_value=1, max_value=12).map(lambda q: 2.0**q), st.floats(min_value=0.05, max_value=5.0))
def test_linear_lz_failure_decreases_with_runtime_and_stays_a_probability(n, x):
    T = np.array([x, 2 * x]) * n
    lz = ac.linear_p_fail_lz(n, T)
    assert 0 < lz[1] < lz[0] < 1


# --------------------------------------------------------------------------- the scenario (reduced run)
@pytest.fixture(scope="module")
def reduced_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("grover") / "out"
    raw = {
        "application": "adiabatic_grover",
        "search": {
            "n_qubits_curves": [4, 10],
            "n_qubits_scaling": list(range(4, 13)),
            "p_success_target": 0.9,
            "epsilon": 0.1,
            "num_runtimes": 8,
            "full_space_qubits": 3,
        },
    }
    summary = run(raw, out)
    return summary, out


def test_reduced_run_runtime_exponents(reduced_run):
    summary, out = reduced_run
    assert sorted(p.name for p in out.iterdir()) == [
        ".lzsm-output",
        "data.nc",
        "grover_gap.png",
        "grover_runtime_scaling.png",
        "grover_success.png",
        "scenario.json",
        "summary.json",
    ]
    # runtime ~ 1/g_min^2 = N (linear) and ~ 1/g_min = sqrt(N) (local), fitted over N = 2^4..2^12;
    # measured 1.0034 and 0.5016
    assert summary["exponent_runtime_vs_n_linear"] == pytest.approx(1.0, abs=0.08)
    assert summary["exponent_runtime_vs_n_local"] == pytest.approx(0.5, abs=0.08)
    assert summary["exponent_runtime_vs_inverse_min_gap_linear"] == pytest.approx(2.0, abs=0.16)
    assert summary["exponent_runtime_vs_inverse_min_gap_local"] == pytest.approx(1.0, abs=0.16)
    # linear runtime vs the LZ prediction T = (4 N / pi) sqrt(1 - 1/N) ln(1/(1 - p)); measured 1 + 3e-5
    assert summary["runtime_linear_over_lz_prediction_largest_n"] == pytest.approx(1.0, abs=2e-3)
    assert summary["max_abs_dev_full_vs_reduced_linear"] < 1e-8
    assert summary["max_abs_dev_full_vs_reduced_local"] < 1e-8
    assert summary["max_abs_dev_linear_p_fail_vs_finite_time_lz"] < 1e-8


def test_reduced_run_local_runtime_follows_the_closed_form(reduced_run):
    _, out = reduced_run
    with xr.open_dataset(out / "data.nc", engine="h5netcdf") as ds:
        n = ds["n_items"].values
        t_num = ds["runtime_local_scaling"].values
        p_closed = ds["p_success_local_closed_form"].values
        t_closed = ds["runtime_local_closed_form"].values
        n_curve = ds["n_items_curve"].values
    # the numerically found runtime is the closed form T(eps*) with one eps* for all large N:
    # T_num / T_closed(eps) constant to 5 % over N = 2^8..2^12 (measured spread 2.5 %)
    ratio = t_num[n >= 256] / ac.local_adiabatic_runtime(n[n >= 256], 0.1)
    assert ratio.max() / ratio.min() < 1.05
    # while a fixed T/sqrt(N) would be off by the arctan factor of the closed form at small N
    # Roland-Cerf's guarantee: the closed-form runtime with eps gives success >= 1 - eps^2
    assert np.all(p_closed >= 1 - 0.1**2)
    assert np.allclose(t_closed, ac.local_adiabatic_runtime(n_curve, 0.1), rtol=1e-12)


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: ac.grover_gap(0.5, 1), "`n_items` must be an integer >= 2"),
        (lambda: ac.grover_gap(0.5, 7.5), "`n_items` must be an integer >= 2"),
        (lambda: ac.grover_gap(1.2, 8), "`s` must be in \\[0, 1\\]"),
        (lambda: ac.local_adiabatic_runtime(16, 0.0), "`epsilon` .* must be in \\(0, 1\\)"),
        (lambda: ac.local_adiabatic_runtime(16, 1.0), "`epsilon` .* must be in \\(0, 1\\)"),
        (lambda: ac.linear_adiabatic_runtime(16, -0.1), "`epsilon` .* must be in \\(0, 1\\)"),
        (lambda: ac.p_success(16, 10.0, "quadratic"), "`schedule` must be one of"),
        (lambda: ac.p_success(16, -1.0), "`runtime` must be > 0"),
        (lambda: ac.p_success(4096, 10.0, space="full"), "`n_items` must be <= 1024"),
        (lambda: ac.p_success([8, 16], 10.0, space="full"), "single value"),
        (lambda: ac.runtime_for_success(16, 1.0), "`p_success_target` must be in \\(0, 1\\)"),
        (lambda: ac.grover_hamiltonian(0.5, 8, marked=8), "`marked` must be an integer in \\[0, 7\\]"),
        (lambda: ac.local_adiabatic_schedule(100.0, 16, 0.5), "`t` must be in \\[0, T\\]"),
    ],
)
def test_bad_input_names_the_parameter_and_range(call, match):
    with pytest.raises(LzsmValueError, match=match):
        call()


@pytest.mark.parametrize(
    "search, match",
    [
        ({"n_qubits_scaling": [5]}, "at least two sizes"),
        ({"n_qubits_curves": [0, 3]}, "`search.n_qubits_curves` must be a non-empty list of integers"),
        ({"epsilon": 1.5}, "`search.epsilon` must be > 0 and < 1, got 1.5"),
        ({"epsilon": 1.0}, "`search.epsilon` must be > 0 and < 1, got 1"),
        ({"p_success_target": 1.0}, "`search.p_success_target` must be > 0 and < 1"),
        ({"full_space_qubits": 11}, "`search.full_space_qubits` must be an integer >= 1 and <= 8, got 11"),
        ({"n_items": 8}, "unknown key 'n_items' in \\[search\\]"),
    ],
)
def test_scenario_bad_input(tmp_path, search, match):
    with pytest.raises(LzsmValueError, match=match):
        run({"application": "adiabatic_grover", "search": search}, tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


def test_linear_schedule_and_physical_units(tmp_path):
    assert float(ac.linear_schedule(2.5, 10.0)) == 0.25
    with pytest.raises(LzsmValueError, match="`t` must be in \\[0, runtime\\]"):
        ac.linear_schedule(11.0, 10.0)
    # E/h = 10 MHz: hbar/E = 1/(2 pi 0.01 GHz) = 15.915 ns multiplies every runtime
    raw = {
        "application": "adiabatic_grover",
        "units": {"energy": "GHz", "time": "ns"},
        "search": {"n_qubits_curves": [4], "n_qubits_scaling": [4, 6], "energy_scale": "10 MHz", "num_runtimes": 6},
    }
    summary = run(raw, tmp_path / "out")
    unit = 1 / (2 * math.pi * 0.01)
    assert summary["time_unit_hbar_over_energy_scale"] == pytest.approx(unit, rel=1e-12)
    with xr.open_dataset(tmp_path / "out" / "data.nc", engine="h5netcdf") as ds:
        t_ns = ds["runtime_linear_scaling"].values
        assert ds["runtime_linear_scaling"].attrs["units"] == "ns"
        assert np.allclose(ds["minimum_gap"].values, 0.01 / np.sqrt([16, 64]), rtol=1e-12)
    assert np.allclose(t_ns / unit, ac.runtime_for_success([16, 64], 0.99, "linear"), rtol=1e-12)


def test_scenario_rejects_registers_beyond_the_feasible_size(tmp_path):
    # 2^30 items used to be accepted and failed after minutes ("propagation did not reach the end")
    with pytest.raises(
        LzsmValueError, match=r"`search.n_qubits_curves` must be a non-empty list of integers in \[1, 20\]"
    ):
        run({"application": "adiabatic_grover", "search": {"n_qubits_curves": [30]}}, tmp_path / "out")
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- results, integrators, options
def test_landau_zener_map_is_a_result(tmp_path):
    m = ac.landau_zener_map([16, 64], [[10.0], [20.0], [40.0]])
    assert m.grid_shape == (3, 2) and m.ok and m.method == "closed form"
    ds = m.to_xarray()
    for name in ("n_items", "runtime", "coupling", "sweep_rate", "adiabaticity", "p_jump_lz", "status"):
        assert ds[name].dims == ("point_0", "point_1")
    np.testing.assert_allclose(ds["p_jump_lz"], m.p_jump_lz, rtol=1e-15)
    m.to_netcdf(tmp_path / "map.nc")
    with xr.open_dataset(tmp_path / "map.nc", engine="h5netcdf") as back:
        np.testing.assert_array_equal(back["sweep_rate"], m.sweep_rate)
        assert back.attrs["schedule"] == "linear" and back.attrs["result"] == "LandauZenerMap"
    assert repr(m).startswith("LandauZenerMap(Landau–Zener map") and len(repr(m)) < 300


def test_p_success_takes_the_integrator_and_options_and_reports_non_convergence():
    import warnings

    import lzsm

    T = np.array([10.0, 40.0])
    magnus = ac.p_success(16, T, "local")
    np.testing.assert_allclose(ac.p_success(16, T, "local", method="dop853"), magnus, atol=1e-7)
    # a step budget too small: an LzsmConvergenceError naming the points (it was a ValueError)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", lzsm.LzsmConvergenceWarning)  # lzsm.evolve's own warning
        with pytest.raises(lzsm.LzsmConvergenceError, match="stopped before the end of the run at 2 of 2 points"):
            ac.p_success(16, T, options=lzsm.Options(max_steps=3))
        with pytest.raises(lzsm.LzsmConvergenceError, match="max_steps"):
            ac.runtime_for_success(16, 0.9, options=lzsm.Options(max_steps=3))
    with pytest.raises(LzsmValueError, match="`method` must be one of 'dop853', 'magnus6'"):
        ac.p_success(16, T, method="rk45")  # the integrator name reaches lzsm.evolve
