"""Flux qubits (lzsm.applications.qubits): decohered amplitude spectroscopy and the LZ gate.

Units in these tests: energies E/h in GHz, times in ns, hbar = 1/(2 pi) (so hbar omega = nu in
GHz).  Spectroscopy parameters: Delta/h = 13 MHz, nu = 160 MHz (Berns et al., Nature 455, 51
(2008)); gate: Delta/h = 0.5 GHz swept over +-20 GHz.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import constants, special

from lzsm.applications import qubits as q
from lzsm.applications import run
from lzsm.closed_forms.incoherent import rate_equation_p_diabatic_stay, rate_equation_upper_population
from lzsm.errors import LzsmValueError

HBAR = 1 / (2 * np.pi)
NU = 0.16
OM = 2 * np.pi * NU
GAP = 0.013
D_GATE, E_GATE = 0.5, 20.0
B_GATE = np.pi * D_GATE**2 / (4 * HBAR * E_GATE)  # P_LZ = exp(-b T)


# --------------------------------------------------------------------------- units at the edge
def test_flux_detuning_conversion_from_phi0_and_h():
    # eps0 = 2 I_p Phi0 df with Phi0 = h/2e: 160 nA at 1 mPhi0, computed from Phi0 and h directly
    phi0 = constants.h / (2 * constants.e)
    expected_ghz = 2 * 160e-9 * phi0 * 1e-3 / constants.h / 1e9
    assert q.flux_detuning_to_bias_ghz(1.0, 160.0) == pytest.approx(expected_ghz, rel=1e-12)
    assert expected_ghz == pytest.approx(0.9986, abs=1e-4)  # the "1 GHz per mPhi0" rule of thumb
    e = q.flux_detuning_to_bias_ghz(np.array([-2.0, 0.5, 3.0]), 80.0)
    assert np.allclose(q.bias_ghz_to_flux_detuning(e, 80.0), [-2.0, 0.5, 3.0], rtol=1e-14)


# --------------------------------------------------------------------------- rate model
@given(eps0=st.floats(-3.0, 3.0), amp=st.floats(0.0, 3.0), t2=st.floats(2.0, 200.0), t1_over_t2=st.floats(0.6, 1e4))
def test_rate_model_map_is_the_berns_formula(eps0, amp, t2, t1_over_t2):
    # the matrix-product evaluation equals lzsm.incoherent's broadcast sum, lies in [0, 1/2]
    # and is even in eps0
    t1 = t1_over_t2 * t2
    p = q.rate_model_map(GAP, [eps0, -eps0], [amp], OM, t1, t2, HBAR)[:, 0]
    ref = rate_equation_upper_population(GAP, eps0, amp, OM, 1 / t2, 1 / t1, hbar=HBAR)
    assert p[0] == pytest.approx(float(ref), rel=1e-10, abs=1e-14)
    assert p[0] == pytest.approx(p[1], rel=1e-12, abs=1e-15)
    assert 0.0 <= p[0] <= 0.5


def test_rate_model_agrees_with_the_exact_lindblad_steady_state_when_t2_is_short():
    # Regime of the rate model: Delta << h nu (independent resonances) and Gamma_2 << omega.
    # T1 = 100 ns keeps P_up away from saturation
    # (0.13 ... 0.33), so a factor 2 in W would move it by > 0.05.  Measured deviation 7e-4.
    eps0 = np.array([5, 5, 5, 5.05, 5.025, 10, -5]) * NU
    amp = np.array([1.0, 0.8, 1.3, 1.0, 1.0, 2.0, 1.0])
    exact = q.lindblad_upper_population(GAP, eps0, amp, OM, 100.0, 20.0, HBAR)
    rate = np.diag(q.rate_model_map(GAP, eps0, amp, OM, 100.0, 20.0, HBAR))
    assert np.all((rate > 0.1) & (rate < 0.35))
    assert np.max(np.abs(exact - rate)) < 2e-3
    assert exact[-1] == pytest.approx(exact[0], abs=1e-9)  # eps0 -> -eps0 symmetry


def test_rate_model_steady_state_holds_for_long_t2_but_fails_when_delta_approaches_h_nu():
    # The time-averaged rate formula is, term by term, the steady state of the Bloch equations in
    # the rotating-wave approximation around each resonance (Rabi frequency Delta J_n/hbar,
    # detuning eps0 - n h nu): it stays right for long T2 as long as the resonances are
    # independent (Delta << h nu; measured 2.6e-3 at T2 = 200 ns) ...
    eps0 = np.array([3 * NU, 3 * NU + 0.01, 3 * NU])
    amp = np.array([0.6, 0.6, 1.0])
    exact = q.lindblad_upper_population(GAP, eps0, amp, OM, 1000.0, 200.0, HBAR, n_samples=256)
    rate = np.diag(q.rate_model_map(GAP, eps0, amp, OM, 1000.0, 200.0, HBAR))
    assert np.max(np.abs(exact - rate)) < 5e-3
    # ... and fails when Delta = 0.1 GHz ~ 0.6 h nu (Bloch-Siegert shifts, overlapping dressed
    # levels; measured deviation 0.094 near the first node of J_3)
    exact = q.lindblad_upper_population(0.1, 3 * NU, 1.0, OM, 100.0, 20.0, HBAR, n_samples=256)
    rate = q.rate_model_map(0.1, [3 * NU], [1.0], OM, 100.0, 20.0, HBAR)[0, 0]
    assert abs(exact - rate) > 0.05


def test_lindblad_steady_state_is_reached_by_plain_propagation():
    # the one-period fixed point equals the state after 100 periods of ordinary propagation
    # (T1 = 100 ns = 16 periods, so the transient has decayed) averaged over the last 5 periods
    from lzsm.dynamics.open import evolve_open
    from lzsm.models.drives import PeriodicDrive

    eps0, amp, t1, t2 = 5 * NU, 1.3, 100.0, 20.0
    fixed = q.lindblad_upper_population(GAP, eps0, amp, OM, t1, t2, HBAR, n_samples=400)
    period = 1 / NU
    te = np.concatenate([[0.0], np.linspace(95 * period, 100 * period, 2001)[:-1]])
    lower = np.sqrt(1 / t1) * np.array([[0, 1], [0, 0]], dtype=complex)
    res = evolve_open(
        PeriodicDrive(GAP, eps0, amp, OM, hbar=HBAR),
        (0.0, 100 * period),
        0,
        te,
        dephasing=1 / t2 - 0.5 / t1,
        collapse_ops=[lower],
        tol=1e-8,
    )
    brute = res.populations[1:, 1].mean()
    assert fixed == pytest.approx(brute, abs=2e-4)


def test_published_features_resonances_bessel_nodes_and_diamond_edges():
    hw = NU
    f = q.spectroscopy_features(
        GAP,
        OM,
        2e4,
        20.0,
        hbar=HBAR,
        cut_amplitude=2.0,
        photon_numbers=(3, 6, 12),
        amplitude_max=3.0,
        offset_max=2.0,
        n_fine=2000,
    )
    # multiphoton resonances eps0 = n h nu inside the diamond (measured: 4e-5 h nu)
    assert f.resonance_peaks.size == 12
    assert np.array_equal(np.rint(f.resonance_peaks / hw), np.arange(1, 13))
    assert f.resonance_max_abs_deviation_over_hw < 1e-3
    # Bessel nodes A = h nu j_{n,k} (measured: 9e-4 h nu, from the tails of neighbouring lines)
    assert f.node_expected[3] == pytest.approx(special.jn_zeros(3, 4) * hw)
    assert f.node_max_abs_deviation_over_hw < 3e-3
    # diamond edge A = |eps0|: inside an Airy scale or two (h nu n^(1/3)) below it; a wrong
    # Bessel argument (A/2 or 2A) would put it n^(2/3) > 5 Airy scales away for n = 12
    dev = np.array(f.edge_deviation_over_airy_scale)
    assert np.all((dev < 0) & (dev > -2.0))
    rel = [f.edge_amplitudes[n] / (n * hw) - 1 for n in (3, 6, 12)]
    assert abs(rel[2]) < abs(rel[1]) < abs(rel[0])  # the edge sharpens towards A = |eps0| as n^(-2/3)


def test_bessel_node_of_the_exact_lindblad_map():
    # first zero of J_3 on the 3-photon line, from the Lindblad steady state alone
    z = special.jn_zeros(3, 1)[0] * NU
    a = np.linspace(z - 0.03, z + 0.03, 25)
    p = q.lindblad_upper_population(GAP, 3 * NU, a, OM, 200.0, 20.0, HBAR, n_samples=256)
    a_min = q.local_extrema(a, p, "min")
    assert a_min.size == 1
    assert a_min[0] == pytest.approx(z, abs=0.003 * NU)


def test_local_extrema_and_first_crossing():
    x = np.linspace(0, 10, 1001)
    assert np.allclose(q.local_extrema(x, np.sin(x), "max"), [np.pi / 2, 5 * np.pi / 2], atol=1e-6)
    assert np.allclose(q.local_extrema(x, np.sin(x), "min"), [3 * np.pi / 2], atol=1e-6)
    assert q.first_crossing(x, x**2, 4.0) == pytest.approx(2.0, abs=1e-4)
    assert math.isnan(q.first_crossing(x, -x, 1.0))


# --------------------------------------------------------------------------- LZ gate
def test_coherent_gate_infidelity_matches_propagation():
    t = np.array([5.0, 20.0, 60.0, 150.0, 700.0])
    closed = q.gate_infidelity_coherent(D_GATE, E_GATE, t, HBAR)
    numeric = q.gate_infidelity_evolve(D_GATE, E_GATE, t, HBAR)
    assert np.max(np.abs(closed - numeric)) < 1e-8
    # the infinite-range limit: amplitude sqrt(P_LZ) = exp(-bT/2) plus end-point corrections of
    # order sin(theta_end) at each end (tan(2 theta_end) = Delta/eps_max; measured: their sum
    # stays below 3 sin(theta_end)), so |1 - F - P_LZ| <= 2 s sqrt(P_LZ) + s^2, s = 3 sin(theta_end)
    s = 3 * np.sin(0.5 * np.arctan(D_GATE / E_GATE))
    p_lz = np.exp(-B_GATE * t)
    assert np.all(np.abs(closed - p_lz) <= 2 * s * np.sqrt(p_lz) + s**2)


def test_fast_gate_is_the_finite_window_golden_rule():
    # first order: F = 1 - P_stay = (4 pi V^2/(hbar alpha)) (C(x)^2 + S(x)^2),
    # x = (T/2) sqrt(alpha/(pi hbar)) (Fresnel integrals; -> 2 pi V^2/(hbar alpha) as x -> inf);
    # relative error of first order ~ F (measured 1.4e-2 at F = 0.021, 3.6e-2 at F = 0.099)
    t = np.array([0.02, 0.05, 0.1]) / B_GATE
    v, a = q.gate_parameters(D_GATE, E_GATE, t)
    s, c = special.fresnel(0.5 * t * np.sqrt(a / (np.pi * HBAR)))
    f_gr = 4 * np.pi * v**2 / (HBAR * a) * (c**2 + s**2)
    f = 1 - q.gate_infidelity_coherent(D_GATE, E_GATE, t, HBAR)
    assert np.all(np.abs(f / f_gr - 1) < f_gr)


def test_strongly_dephased_gate_is_the_incoherent_rate_limit():
    # gamma_phi >> V/hbar and gamma_phi^2 >> alpha/hbar: Kayanuma's incoherent passage over the
    # finite window (lzsm.rate_equation_p_diabatic_stay); measured deviation 3e-5
    t = np.array([50.0, 100.0])
    t2 = 0.01
    p = q.gate_infidelity_open(D_GATE, E_GATE, t, [t2], hbar=HBAR)[:, 0]
    v, a = q.gate_parameters(D_GATE, E_GATE, t)
    ref = [rate_equation_p_diabatic_stay(v, ai, 1 / t2, (-ti / 2, ti / 2), hbar=HBAR) for ai, ti in zip(a, t)]
    assert np.allclose(p, ref, atol=2e-4)
    assert p[0] > 0.51  # not yet one half: the test can tell the rate limit from full mixing


def test_weak_dephasing_adds_c_T():
    # first order in gamma_phi: 1 - F = coherent + c T, c = gamma_phi Delta arctan(eps_max/Delta)/(2 eps_max);
    # measured within 2.3 %
    t = np.array([200.0, 500.0])
    t2 = np.array([1000.0, 3000.0])
    p = q.gate_infidelity_open(D_GATE, E_GATE, t, t2, hbar=HBAR)
    coh = q.gate_infidelity_coherent(D_GATE, E_GATE, t, HBAR)
    ct = q.gate_error_estimate(D_GATE, E_GATE, t[:, None], t2[None, :], HBAR) - np.exp(-B_GATE * t)[:, None]
    assert np.allclose(p - coh[:, None], ct, rtol=0.04)


def test_relaxation_at_zero_temperature_does_not_spoil_the_gate_but_a_hot_bath_does():
    t = np.array([30.0, 60.0, 150.0])
    coh = q.gate_infidelity_coherent(D_GATE, E_GATE, t, HBAR)
    cold = q.gate_infidelity_open(D_GATE, E_GATE, t, [200.0], t1=100.0, hbar=HBAR)[:, 0]
    hot = q.gate_infidelity_open(D_GATE, E_GATE, t, [200.0], t1=100.0, temperature=2.0, hbar=HBAR)[:, 0]
    floor = np.sin(0.5 * np.arctan(D_GATE / E_GATE)) ** 2  # diabatic |0> weight of the final ground state
    assert np.all(cold <= coh + floor)
    assert hot[-1] > 100 * floor


def test_optimal_sweep_time_against_the_two_term_estimate():
    # T* = ln(b/c)/b and (1 - F)_min = (c/b)(1 + ln(b/c)).  Measured: T* within 1 % (T2 = 20 ns)
    # and 8 % (100 ns), minimal infidelity 12 % and 10 % below the estimate (saturation of the
    # dephasing error, finite-range oscillations).  A factor 2 in b moves T* by ~50 %, a factor 2
    # in c the minimal infidelity by ~80 %.
    for t2 in (20.0, 100.0):
        t_est, f_est = q.optimal_sweep_time_estimate(D_GATE, E_GATE, t2, HBAR)
        t = np.geomspace(0.7, 1.4, 13) * t_est
        p = q.gate_infidelity_open(D_GATE, E_GATE, t, [t2], hbar=HBAR)[:, 0]
        t_opt, f_opt = q.minimum_of_curve(t, p)
        assert t_opt == pytest.approx(t_est, rel=0.12)
        assert f_opt == pytest.approx(f_est, rel=0.15)
    # closed form of the estimate for eps_max >> Delta: b/c -> Delta T2/hbar
    t_est, f_est = q.optimal_sweep_time_estimate(D_GATE, 1e4 * D_GATE, 100.0, HBAR)
    r = D_GATE * 100.0 / HBAR
    assert f_est == pytest.approx((1 + math.log(r)) / r, rel=1e-3)


# --------------------------------------------------------------------------- reduced scenario runs
SPEC = {
    "application": "flux_qubit_spectroscopy",
    "units": {"energy": "GHz", "time": "ns"},
    "qubit": {
        "gap": "0.013 GHz",
        "frequency_hz": "0.16 GHz",
        "t1": "100 ns",
        "t2": "20 ns",
        "persistent_current_na": 160,
    },
    "map": {
        "flux_detuning_mphi0": {"start": -0.5, "stop": 1.5, "num": 81},
        "amplitude": {"start": "0 GHz", "stop": "1.6 GHz", "num": 41},
        "coherent": True,
        "coherent_offset": {"start": "0.4 GHz", "stop": "0.9 GHz", "num": 21},
        "coherent_amplitude_num": 9,
    },
    "check": {
        "offset": ["0.8 GHz", "0.8 GHz", "0.808 GHz", "0.4 GHz"],
        "amplitude": ["1.0 GHz", "1.3 GHz", "1.0 GHz", "1.5 GHz"],
        "n_samples": 256,
    },
    "features": {"cut_amplitude": "1.5 GHz", "photon_numbers": [3, 6], "n_fine": 800},
}


def test_reduced_spectroscopy_scenario(tmp_path):
    import xarray as xr

    s = run(SPEC, tmp_path / "spec")
    assert s["rate_vs_lindblad_max_abs_deviation"] < 2e-3
    assert s["resonance_positions_max_abs_deviation_over_hbar_omega"] < 2e-3
    assert s["bessel_nodes_max_abs_deviation_over_hbar_omega"] < 3e-3
    assert s["n_resonances_found"] == 9
    ds = xr.open_dataset(tmp_path / "spec" / "data.nc", engine="h5netcdf")
    # the flux axis converted at the edge: 1.5 mPhi0 * 0.9986 GHz/mPhi0
    assert float(ds["offset"].max()) == pytest.approx(1.5 * q.flux_detuning_to_bias_ghz(1.0, 160.0), rel=1e-12)
    assert np.allclose(ds["flux_detuning_mphi0"], np.linspace(-0.5, 1.5, 81))
    assert ds["p_up_rate_model"].shape == (81, 41) and ds["p_up_coherent"].shape == (21, 9)
    ds.close()
    assert (tmp_path / "spec" / "qubit_spectroscopy_map.png").stat().st_size > 10_000


def test_reduced_gate_scenario(tmp_path):
    raw = {
        "application": "lz_gate",
        "units": {"energy": "GHz", "time": "ns"},
        "qubit": {"gap": "0.5 GHz", "eps_max": "20 GHz"},
        "sweep": {"sweep_time": {"start": "40 ns", "stop": "200 ns", "num": 21, "scale": "log"}, "n_evolve_check": 3},
        "decoherence": {"t2": ["20 ns", "100 ns"]},
    }
    s = run(raw, tmp_path / "gate")
    assert s["coherent_closed_form_vs_evolve_max_abs_deviation"] < 1e-8
    assert np.all(np.abs(s["optimal_sweep_time_relative_deviation"]) < 0.12)
    assert np.all(np.abs(s["minimal_infidelity_relative_deviation"]) < 0.15)
    assert (tmp_path / "gate" / "qubit_lz_gate.png").exists()


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "patch, match",
    [
        (
            {"qubit": {"gap": "0.013 GHz", "frequency_hz": "0.16 GHz", "t1": "10 ns", "t2": "30 ns"}},
            "`qubit.t2` must be <= 2 qubit.t1",
        ),
        (
            {
                "map": {"flux_detuning_mphi0": [0, 1], "amplitude": [0, 1]},
                "qubit": {"gap": "0.013 GHz", "frequency_hz": "0.16 GHz", "t2": "20 ns"},
            },
            "needs `qubit.persistent_current_na`",
        ),
        ({"map": {"offset": [0, 1], "flux_detuning_mphi0": [0, 1], "amplitude": [0, 1]}}, "either `map.offset`"),
        ({"check": {"offset": [0.8], "amplitude": [1.0, 1.2]}}, "must have the same length"),
        ({"qubit": {"gap": "0.013 GHz", "frequency_hz": "0.16 GHz", "t2": "-1 ns"}}, "`qubit.t2` must be > 0"),
        ({"features": {"photon_numbers": [3, "x"]}}, "`features.photon_numbers` must be a non-empty list"),
    ],
)
def test_spectroscopy_bad_input(tmp_path, patch, match):
    raw = {**SPEC, "map": {"offset": [0.1, 0.2], "amplitude": [0.0, 1.0], "coherent": False}, **patch}
    with pytest.raises(LzsmValueError, match=match):
        run(raw, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_gate_bad_input(tmp_path):
    raw = {
        "application": "lz_gate",
        "units": {"energy": "GHz", "time": "ns"},
        "qubit": {"gap": "0.5 GHz", "eps_max": "1 GHz"},
        "sweep": {"sweep_time": ["10 ns", "20 ns"]},
        "decoherence": {"t2": ["20 ns"]},
    }
    with pytest.raises(LzsmValueError, match="`qubit.eps_max` must be >= 5 gap"):
        run(raw, tmp_path / "out")
    with pytest.raises(LzsmValueError, match="no optimum"):
        q.optimal_sweep_time_estimate(0.5, 20.0, 0.1, HBAR)
    with pytest.raises(LzsmValueError, match="`n_samples`"):
        q.lindblad_upper_population(GAP, 0.8, 1.0, OM, 100.0, 20.0, HBAR, n_samples=4)
    with pytest.raises(LzsmValueError, match="persistent_current_na"):
        q.flux_detuning_to_bias_ghz(1.0, 0.0)


def test_example_files_match_their_schemas():
    # the full examples take 10-30 s (run in the docs); here only their tables are validated
    import tomllib
    from pathlib import Path

    from lzsm.applications._framework import Config, _lookup

    examples = Path(__file__).resolve().parents[1] / "examples"
    for name, app in (("flux_qubit_decoherence.toml", "flux_qubit_spectroscopy"), ("lz_gate.toml", "lz_gate")):
        raw = tomllib.loads((examples / name).read_text(encoding="utf-8"))
        assert raw["application"] == app
        cfg = Config(raw, _lookup(app))
        assert cfg.hbar == pytest.approx(1 / (2 * np.pi), rel=1e-9)


# --------------------------------------------------------------------------- results, integrators, options
def test_spectroscopy_features_is_a_result(tmp_path):
    import xarray as xr

    import lzsm

    f = q.spectroscopy_features(
        GAP,
        OM,
        2e4,
        20.0,
        hbar=HBAR,
        cut_amplitude=1.0,
        photon_numbers=(3, 6),
        amplitude_max=1.5,
        offset_max=1.0,
        n_fine=400,
    )
    assert isinstance(f, lzsm.Result) and f.ok and f.photon_numbers == (3, 6)
    ds = f.to_xarray()
    assert ds["resonance_peak_offset"].dims == ("resonance",) and ds.sizes["resonance"] == f.resonance_peaks.size
    assert list(ds["edge_photon_number"].values) == [3, 6] and ds["node_amplitude_bessel_zero"].dims == ("node",)
    np.testing.assert_allclose(ds["edge_offset"], [3 * NU, 6 * NU], rtol=1e-14)
    f.to_netcdf(tmp_path / "features.nc")
    with xr.open_dataset(tmp_path / "features.nc", engine="h5netcdf") as back:
        np.testing.assert_array_equal(back["resonance_peak_offset"], f.resonance_peaks)
        assert back.attrs["result"] == "SpectroscopyFeatures"
    assert repr(f).startswith("SpectroscopyFeatures(amplitude-spectroscopy features") and len(repr(f)) < 300
    # lzsm 0.1 returned a dict: item access still works, with a DeprecationWarning
    with pytest.warns(DeprecationWarning, match=r"\.resonance_peaks"):
        assert f["resonance_peaks"] is f.resonance_peaks
    with pytest.raises(KeyError):
        f["nope"]


def test_gate_functions_take_the_integrator_and_options():
    import lzsm

    t = np.array([5.0, 20.0])
    magnus = q.gate_infidelity_evolve(D_GATE, E_GATE, t, HBAR)
    np.testing.assert_allclose(q.gate_infidelity_evolve(D_GATE, E_GATE, t, HBAR, method="dop853"), magnus, atol=1e-8)
    open_magnus = q.gate_infidelity_open(D_GATE, E_GATE, [50.0], [0.01], hbar=HBAR)
    np.testing.assert_allclose(
        q.gate_infidelity_open(D_GATE, E_GATE, [50.0], [0.01], hbar=HBAR, method="dop853"), open_magnus, atol=1e-6
    )
    with pytest.warns(lzsm.LzsmConvergenceWarning):
        p = q.gate_infidelity_open(D_GATE, E_GATE, [50.0], [0.01], hbar=HBAR, options=lzsm.Options(max_steps=2))
    assert np.isnan(p).all()
    with pytest.raises(LzsmValueError, match="does not use the option"):
        q.lindblad_upper_population(
            GAP, 0.8, 1.0, OM, 100.0, 20.0, HBAR, n_samples=8, method="dop853", options=lzsm.Options(max_steps=10)
        )
