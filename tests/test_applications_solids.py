"""Zener breakdown in tilted lattices (lzsm.applications.solids).

Reference values used here:
- band energies of V0 sin^2(k_L x): Mathieu characteristic values, E = E_r a(q) + V0/2 with
  q = V0/(4 E_r); the zone-edge gap is E_r |a_1(q) - b_1(q)| (scipy.special, independent of the
  plane-wave diagonalisation);
- Landau–Zener per Bloch period P = exp(-pi^2 Delta^2 / (8 F0)) (alpha = 4 F0 E_r^2/(pi hbar),
  V = Delta/2); a wrong factor 2 or pi in the exponent changes P by far more than the tolerances;
- unit conversions computed by hand (docstrings of recoil_energy / force_from_acceleration).
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import xarray as xr
from hypothesis import given
from hypothesis import strategies as st
from scipy.special import mathieu_a, mathieu_b

import lzsm
from lzsm.applications import run
from lzsm.applications import solids as zb
from lzsm.errors import LzsmValueError


# ------------------------------------------------------------------ band structure vs Mathieu
@pytest.mark.parametrize("depth", [0.1, 1.0, 1.8, 5.0])
def test_band_gap_and_band_bottom_match_mathieu_characteristic_values(depth):
    q = depth / 4.0
    assert zb.band_gap(depth) == pytest.approx(abs(mathieu_a(1, q) - mathieu_b(1, q)), abs=1e-10)
    e = zb.band_energies(np.array([0.0, 1.0]), depth, n_bands=2)
    assert e[0, 0] == pytest.approx(mathieu_a(0, q) + depth / 2, abs=1e-10)  # bottom of band 0
    edge = sorted([mathieu_a(1, q), mathieu_b(1, q)])
    assert e[1] == pytest.approx(np.array(edge) + depth / 2, abs=1e-10)  # both sides of the gap


def test_weak_lattice_gap_is_half_the_depth():
    # first-order perturbation theory: Delta = V0/2, corrections O(V0^3)
    assert zb.band_gap(0.1) == pytest.approx(0.05, rel=1e-4)
    assert zb.band_gap(1.0) == pytest.approx(0.5, rel=2e-3)


@given(kappa=st.floats(-1.0, 1.0), depth=st.floats(0.05, 8.0))
def test_bands_are_periodic_and_even_in_quasimomentum(kappa, depth):
    e = zb.band_energies(kappa, depth, n_bands=3)
    assert np.allclose(zb.band_energies(kappa + 2.0, depth, n_bands=3), e, atol=1e-9)
    assert np.allclose(zb.band_energies(-kappa, depth, n_bands=3), e, atol=1e-9)
    h = zb.plane_wave_hamiltonian(kappa, depth, np.arange(-4, 5))
    assert np.allclose(h, h.T)


# ------------------------------------------------------------------ units
def test_unit_conversions_by_hand():
    # 87Rb, lambda = 842 nm: E_r = 2.14557e-30 J = h x 3.2381 kHz, M d / E_r = 0.0283174 s^2/m
    e_r = zb.recoil_energy(zb.RB87_MASS_U, 842.0)
    assert e_r == pytest.approx(2.14557e-30, rel=1e-5)
    assert e_r / (2 * math.pi * zb.HBAR_SI) == pytest.approx(3238.08, rel=1e-5)
    assert zb.force_from_acceleration(9.81) == pytest.approx(0.277794, rel=1e-5)
    assert zb.acceleration_from_force(1.0) == pytest.approx(35.3139, rel=1e-5)
    assert zb.force_from_acceleration(zb.acceleration_from_force(0.7)) == pytest.approx(0.7, rel=1e-12)
    # the lattice recoil scales as 1/lambda^2
    assert zb.recoil_energy(wavelength_nm=421.0) == pytest.approx(4 * e_r, rel=1e-12)
    assert zb.bloch_period(2.0) == pytest.approx(math.pi)


def test_lz_formula_in_experiment_units_by_hand():
    # V0 = 1.8 E_r, F0 = 1: pi^2 * 3.24 / 32 = 0.99930 -> 0.36814
    assert zb.weak_lattice_lz_probability(1.8, 1.0) == pytest.approx(0.368138, rel=1e-5)
    # the exact-gap form with Delta = V0/2 is the same number
    assert zb.lz_tunnelling_probability(1.8, 1.0, gap=0.9) == pytest.approx(0.368138, rel=1e-5)
    # alpha = (4/pi) F0 in E_r^2/hbar
    assert zb.zener_sweep_rate(math.pi) == pytest.approx(4.0)


# ------------------------------------------------------------------ the key numbers
F0 = np.array([0.3, 0.6, 1.2, 2.0])


@pytest.mark.parametrize("depth", [0.5, 1.0])
def test_plane_wave_tunnelling_per_bloch_period_matches_landau_zener(depth):
    p = zb.tunnelling_per_bloch_period(depth, F0, "plane_wave")
    p_lz = zb.lz_tunnelling_probability(depth, F0)
    # measured: <= 0.25 % (V0 = 0.5), <= 1.3 % (V0 = 1); stated tolerance 2 % relative
    assert np.all(np.abs(p / p_lz - 1) < 0.02)
    # the exponent itself, -ln P / (pi^2 Delta^2 / (8 F0)): measured 0.999 .. 1.043; a factor 2
    # or pi in the exponent (ratio 0.5, 2, 0.32, 3.1) fails the 6 % tolerance
    ratio = -np.log(p) / (np.pi**2 * zb.band_gap(depth) ** 2 / (8 * F0))
    assert np.all(np.abs(ratio - 1) < 0.06)


@pytest.mark.parametrize("depth", [0.5, 1.0])
def test_two_band_model_agrees_with_plane_waves(depth):
    p_pw = zb.tunnelling_per_bloch_period(depth, F0, "plane_wave")
    p_tb = zb.tunnelling_per_bloch_period(depth, F0, "two_band")
    # measured: <= 0.6 % (V0 = 0.5), <= 2.3 % (V0 = 1); tolerance 3 %
    assert np.all(np.abs(p_tb / p_pw - 1) < 0.03)


def test_plane_wave_result_is_converged_in_the_number_of_plane_waves():
    a = zb.tunnelling_per_bloch_period(1.8, 0.8, n_max=3)
    b = zb.tunnelling_per_bloch_period(1.8, 0.8, n_max=6)
    assert a == pytest.approx(b, abs=1e-7)


def test_deeper_lattice_deviates_from_landau_zener():
    # the known limit of the LZ formula: at V0 = 2.3 E_r the one-period tunnelling differs by
    # more than 5 % at some forces (measured 16 % at F0 = 0.25); the test keeps that visible
    f = np.geomspace(0.25, 3.0, 6)
    dev = np.abs(zb.tunnelling_per_bloch_period(2.3, f) / zb.lz_tunnelling_probability(2.3, f) - 1)
    assert dev.max() > 0.05


# ------------------------------------------------------------------ Bloch–Zener traces
def test_bloch_zener_trace_consistency():
    tr = zb.bloch_zener_trace(1.0, 0.5, periods=3, points_per_period=20)
    p1 = zb.tunnelling_per_bloch_period(1.0, 0.5)
    assert tr.p_tunnel_per_bloch_period == pytest.approx(p1, abs=1e-8)
    assert tr.ground_band[0] == pytest.approx(1.0, abs=1e-10)
    # staircase (1 - P)^n after n periods: measured 1.0 % (n = 2), 2.6 % (n = 3) for this
    # shallow lattice; the residue is population returning from the first excited band
    assert tr.ground_band[40] == pytest.approx((1 - p1) ** 2, rel=0.02)
    assert tr.ground_band[60] == pytest.approx((1 - p1) ** 3, rel=0.04)
    # diabatic (momentum) population at t = 0: |<n = 0|band 0 at kappa = 0>|^2
    orders = np.arange(-7, 5)
    _, vec = np.linalg.eigh(zb.plane_wave_hamiltonian(0.0, 1.0, orders))
    assert tr.first_zone_momentum[0] == pytest.approx(abs(vec[7, 0]) ** 2, abs=1e-10)
    assert np.all((tr.two_band_lower >= -1e-9) & (tr.two_band_lower <= 1 + 1e-9))
    ds = tr.to_xarray()
    assert ds["ground_band_population"].dims == ("t_over_bloch_period",)


def test_first_zone_momentum_follows_the_folded_plane_wave():
    # nearly adiabatic passage (V0 = 1.8 E_r, F0 = 0.25: P = 0.019 per period). At
    # kappa = 0.5, 1.5, 2.5, 3.5 the first-zone wave is kappa - 2 round(kappa/2) = +-0.5; its
    # population must track the weight of that wave in the lowest Bloch state (independent
    # diagonalisation at the folded quasimomentum). Measured deviations 0.001-0.032 (the
    # tunnelled amplitude interferes); tolerance 0.05. Picking the wrong wave gives < 0.05.
    tr = zb.bloch_zener_trace(1.8, 0.25, periods=2, points_per_period=8)
    n = np.arange(-8, 9)
    _, vec = np.linalg.eigh(zb.plane_wave_hamiltonian(0.5, 1.8, n))
    weight = abs(vec[8, 0]) ** 2  # = weight at -0.5 by parity
    for i in (2, 6, 10, 14):  # t/T_B = 0.25, 0.75, 1.25, 1.75
        assert tr.first_zone_momentum[i] == pytest.approx(weight, abs=0.05)


# ------------------------------------------------------------------ errors
@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: zb.band_gap(0.0), "`depth` must be > 0"),
        (lambda: zb.band_gap(50.0), r"`depth` \(V0/E_r\) must be in \(0, 40\]"),
        (lambda: zb.tunnelling_per_bloch_period(1.0, -1.0), "`f0` must be > 0"),
        (lambda: zb.tunnelling_per_bloch_period(1.0, 1.0, "wkb"), "`model` must be one of"),
        (lambda: zb.tunnelling_per_bloch_period(1.0, 1.0, n_max=1), "`n_max` must be an integer in 2..60"),
        (lambda: zb.force_from_acceleration(0.0), "`acceleration` must be > 0"),
        (lambda: zb.recoil_energy(wavelength_nm=-1), "`wavelength_nm` must be > 0"),
        (lambda: zb.bloch_zener_trace(1.0, 1.0, periods=0), "`periods` must be an integer in 1..50"),
    ],
)
def test_bad_input_names_the_parameter(call, match):
    with pytest.raises(LzsmValueError, match=match):
        call()


# ------------------------------------------------------------------ the scenario (reduced)
def test_reduced_scenario_run(tmp_path):
    raw = {
        "application": "zener_breakdown",
        "lattice": {"depth_recoil": [0.8], "n_max": 3},
        "force": {"f0": [0.4, 0.8, 1.6]},
        "bloch_zener": {"depth_recoil": 0.8, "f0": 0.8, "periods": 2, "points_per_period": 16},
    }
    summary = run(raw, tmp_path / "out")
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert files == [".lzsm-output", "data.nc", "scenario.json", "summary.json", "zener_breakdown.png"]
    # key number: multi-band tunnelling per Bloch period vs Landau–Zener, 2 % relative
    assert summary["max_rel_deviation_plane_wave_vs_lz"][0] < 0.02
    assert summary["max_rel_deviation_two_band_vs_plane_wave"][0] < 0.03
    assert summary["critical_force_fit"][0] == pytest.approx(summary["critical_force_lz"][0], rel=0.03)
    assert summary["acceleration_m_s2"][1] == pytest.approx(0.8 * 35.3139, rel=1e-5)
    ds = xr.load_dataset(tmp_path / "out" / "data.nc", engine="h5netcdf")
    assert ds["p_tunnel_plane_wave"].dims == ("depth", "f0")
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["application"] == "zener_breakdown"


def test_scenario_accepts_accelerations_in_m_per_s2(tmp_path):
    raw = {
        "application": "zener_breakdown",
        "lattice": {"depth_recoil": 0.8, "n_max": 2},
        "force": {"acceleration_m_s2": [35.31394848]},
        "bloch_zener": {"periods": 1, "points_per_period": 8},
    }
    summary = run(raw, tmp_path / "out")
    assert summary["f0"][0] == pytest.approx(1.0, rel=1e-8)


@pytest.mark.parametrize(
    "raw, match",
    [
        ({"units": {"energy": "GHz"}}, "works in recoil units"),
        ({"force": {"f0": 1.0, "acceleration_m_s2": 9.8}}, "either `force.f0` or `force.acceleration_m_s2`"),
        ({"lattice": {"depth_recoil": -1.0}}, "`lattice.depth_recoil` must be > 0"),
        ({"lattice": {"depht": 1.0}}, "unknown key 'depht' in \\[lattice\\]"),
        ({"bloch_zener": {"periods": 0}}, "`bloch_zener.periods` must be an integer >= 1 and <= 50, got 0"),
        # accelerations are held to the same F0 range 0.01..100 as `force.f0` (87Rb, 842 nm:
        # 0.353139..3531.39 m/s^2); 1e-6 m/s^2 would otherwise mean a Bloch period of ~1e7 hbar/E_r
        ({"force": {"acceleration_m_s2": [1e-6]}}, r"`force.acceleration_m_s2` must be >= 0.353139 and <= 3531.39"),
        ({"force": {"acceleration_m_s2": [1e9]}}, r"`force.acceleration_m_s2` must be >= 0.353139 and <= 3531.39"),
    ],
)
def test_scenario_bad_input(tmp_path, raw, match):
    with pytest.raises(LzsmValueError, match=match):
        run({"application": "zener_breakdown", **raw}, tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


def test_staircase_deviation_comes_from_the_tunnelled_amplitude():
    # restarting the second period from the lowest-band part of the state alone gives exactly
    # (1 - P) again: the deviation of the full trace from (1 - P)^2 is interference with the
    # amplitude that left the lowest band in the first period
    from lzsm.dynamics.coherent import evolve

    v0, f = 1.8, 1.0
    tb = float(zb.bloch_period(f))
    model = zb.plane_wave_sweep(v0, f, np.arange(-6, 5))
    ev = evolve(model, (0.0, 2 * tb), "adiabatic 0", np.array([0.0, tb, 2 * tb]))
    one = ev.adiabatic_populations[1, 0]
    states = lzsm.adiabatic_states(model, tb)
    ground = states[:, 0] * (states[:, 0].conj() @ ev.amplitudes[1])
    again = evolve(model, (tb, 2 * tb), ground / np.linalg.norm(ground))
    assert again.adiabatic_populations[-1, 0] == pytest.approx(one, abs=1e-8)
    assert abs(ev.adiabatic_populations[2, 0] / one**2 - 1) > 0.03  # the full trace does deviate (4.8 %)


def test_plots_return_their_axes():
    tr = zb.bloch_zener_trace(1.0, 1.0, periods=1, points_per_period=8)
    ax = zb.plot_bloch_zener(tr)
    assert len(ax.lines) == 4
    f = np.array([0.5, 1.0])
    ax2 = zb.plot_tunnelling(f, {"LZ": zb.lz_tunnelling_probability(1.0, f)})
    assert ax2.get_yscale() == "log" and len(ax2.lines) == 1


# ------------------------------------------------------------------ results, integrators, options
def test_bloch_zener_trace_is_a_result(tmp_path):
    tr = zb.bloch_zener_trace(1.0, 0.5, periods=2, points_per_period=10)
    assert tr.ok and tr.method == "magnus6-compiled + magnus6-lockstep" and tr.n_levels == 11  # n = -6 .. 4
    ds = tr.to_xarray()
    assert {
        "ground_band_population",
        "first_zone_momentum_population",
        "two_band_lower_population",
        "staircase",
        "status",
        "success",
        "n_steps",
        "error_estimate",
    } <= set(ds.data_vars)
    assert ds["staircase"].dims == ("t_over_bloch_period",) and ds["t_over_bloch_period"].attrs["units"] == "T_B"
    assert ds.attrs["p_tunnel_per_bloch_period"] == tr.p_tunnel_per_bloch_period
    tr.to_netcdf(tmp_path / "trace.nc")
    with xr.open_dataset(tmp_path / "trace.nc", engine="h5netcdf") as back:
        np.testing.assert_array_equal(back["ground_band_population"], tr.ground_band)
    assert repr(tr).startswith("BlochZenerTrace(Bloch–Zener trace") and len(repr(tr)) < 300


def test_integrator_and_options_reach_lzsm_evolve():
    # DOP853 (an independent integrator) agrees with the default Magnus integrator
    p_magnus = zb.tunnelling_per_bloch_period(1.0, [0.5, 1.0])
    p_dop = zb.tunnelling_per_bloch_period(1.0, [0.5, 1.0], method="dop853")
    np.testing.assert_allclose(p_dop, p_magnus, atol=1e-8)
    tr = zb.bloch_zener_trace(1.0, 0.5, periods=1, points_per_period=8, method="dop853", tol=1e-9)
    assert tr.method == "dop853" and tr.options.tol == 1e-9
    # a step budget too small: the point is NaN, with a convergence warning (not an exception)
    with pytest.warns(lzsm.LzsmConvergenceWarning, match="max_steps"):
        p = zb.tunnelling_per_bloch_period(1.0, 0.5, options=lzsm.Options(max_steps=3))
    assert np.isnan(p)
    with pytest.warns(lzsm.LzsmConvergenceWarning):
        tr = zb.bloch_zener_trace(1.0, 0.5, periods=1, points_per_period=8, options=lzsm.Options(max_steps=20))
    assert not tr.ok and tr.status == lzsm.Status.MAX_STEPS and np.isnan(tr.ground_band[-1])
    assert tr.ground_band[0] == pytest.approx(1.0, abs=1e-10)  # the part it did propagate is kept
    with pytest.raises(LzsmValueError, match="`method` must be one of 'dop853', 'magnus6'"):
        zb.tunnelling_per_bloch_period(1.0, 0.5, method="rk45")  # the integrator name reaches lzsm.evolve


def test_old_names_still_work_with_a_deprecation_warning():
    with pytest.warns(DeprecationWarning, match="use model='two_band'"):
        old = zb.tunnelling_per_bloch_period(1.0, 0.8, method="two_band")
    assert old == zb.tunnelling_per_bloch_period(1.0, 0.8, "two_band")
    with pytest.warns(DeprecationWarning, match="LATTICE_MODELS"):
        assert zb.METHODS == zb.LATTICE_MODELS == ("plane_wave", "two_band")
