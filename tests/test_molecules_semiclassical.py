"""Semiclassical Landau–Zener at curve crossings (lzsm.semiclassical).

Checks: local parameters against hand values; P_LZ against exact time-domain propagation of
the equivalent LZ model and against exact stationary scattering on a model in the LZ regime
(nearly linear diabats over the transition region, constant coupling); the non-adiabatic limit
of the thermal Landau–Zener rate equals the Marcus golden-rule rate for harmonic wells
(algebraic identity, derived in docs/molecules.md); two-pass and transmission-coefficient limits.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import xarray as xr

import lzsm
from lzsm.errors import LzsmTypeError, LzsmValueError
from lzsm.models.curves import CovalentIonicCrossing, FunctionCurves, TullyDual, TullySimple
from lzsm.molecules.semiclassical import (
    curve_crossing,
    find_curve_crossings,
    lz_rate,
    lz_transmission_coefficient,
    marcus_rate,
    thermal_transmission_coefficient,
    two_pass_probability,
)
from lzsm.molecules.stationary import stationary_scattering


def tanh_crossing(a, b, c):
    """V11 = -V22 = a tanh(b x), V12 = c: slope difference 2ab at x = 0, linear for |x| << 1/b."""
    r = math.log(4 * a / 1e-8) / (2 * b)  # tanh within 1e-8 of its asymptote
    return FunctionCurves.from_elements(
        {"V11": lambda x: a * np.tanh(b * x), "V22": lambda x: -a * np.tanh(b * x), "V12": lambda x: c + 0 * x},
        range_hint=(-r, r),
    )


def test_tully_simple_crossing_parameters():
    """Tully 1: crossing at 0, E_c = 0, |V| = C, F1 - F2 = -2AB (slope of V11 is AB)."""
    cr = curve_crossing(TullySimple(), (-3, 3))
    assert cr.position == pytest.approx(0.0, abs=1e-12) and cr.energy == pytest.approx(0.0, abs=1e-14)
    assert cr.coupling == pytest.approx(0.005, rel=1e-14)
    assert cr.force_difference == pytest.approx(2 * 0.01 * 1.6, rel=1e-12)
    assert cr.gap == pytest.approx(0.01)
    # alpha = v |dF|; P = exp(-2 pi V^2/(hbar alpha)) (docs/conventions.md)
    v = 0.01
    assert cr.sweep_rate(v) == pytest.approx(v * 0.032, rel=1e-12)
    assert cr.p_diabatic_stay(v) == pytest.approx(math.exp(-2 * math.pi * 0.005**2 / (v * 0.032)), rel=1e-12)
    assert dataclasses.replace(cr, hbar=2.0).p_diabatic_stay(v) == pytest.approx(
        math.exp(-math.pi * 0.005**2 / (v * 0.032)), rel=1e-12
    )
    # velocity from the energy at the crossing; below E_c: NaN
    e = np.array([-0.001, 0.05])
    vel = cr.velocity(e)  # mass 2000 (TullySimple's)
    assert np.isnan(vel[0]) and vel[1] == pytest.approx(math.sqrt(2 * 0.05 / 2000))
    assert np.isnan(cr.energy_resolved_p_diabatic_stay(-0.001))


def test_dual_has_two_crossings():
    """Tully 2: V22 = E0 - A exp(-B x^2) = 0 at x = +- sqrt(ln(A/E0)/B)."""
    found = find_curve_crossings(TullyDual(), (-10, 10))
    xc = math.sqrt(math.log(0.1 / 0.05) / 0.28)
    assert [c.position for c in found] == pytest.approx([-xc, xc], abs=1e-10)
    assert found[0].coupling == pytest.approx(0.015 * math.exp(-0.06 * xc**2), rel=1e-10)
    with pytest.raises(LzsmValueError, match="exactly one crossing"):
        curve_crossing(TullyDual(), (-10, 10))


@pytest.mark.parametrize("v", [0.005, 0.01, 0.03])
def test_matches_time_domain_propagation_of_the_equivalent_lz_model(v):
    """The mapping alpha = v |dF| is the time-domain LZ model: exact propagation of
    ``to_landau_zener(v)`` over +-T, T = 2000 |V|/alpha, gives the same p_diabatic_stay
    (tolerance 2e-3: the finite window leaves an oscillation of relative size ~ |V|/(alpha T))."""
    cr = curve_crossing(TullySimple(), (-3, 3))
    model = cr.to_landau_zener(v)
    t = 2000 * cr.coupling / float(cr.sweep_rate(v))
    ev = lzsm.evolve(model, (-t, t), [1.0, 0.0], t_eval=[t])
    assert float(ev.p_diabatic_stay) == pytest.approx(cr.p_diabatic_stay(v), abs=2e-3)


@pytest.mark.parametrize("k", [30.0, 45.0, 70.0])
def test_semiclassical_lz_agrees_with_exact_scattering_in_its_regime(k):
    """Exact stationary transmission on the upper adiabatic state (diabatic stay) vs P_LZ at
    the crossing velocity, for V11 = -V22 = a tanh(b x), V12 = c (a = 0.05, b = 0.1,
    c = 0.003, mass 2000).  The LZ assumptions (linear diabats, constant coupling) hold over
    the transition region (width ~ 2c/|dF| = 0.6 << 1/b = 10): measured deviations 1.4e-4 to
    2.4e-4.  Tolerance 1e-3, and the deviation must shrink like the curvature, b^2 (ratio > 3
    when b is halved at fixed slope), which separates a correct semiclassical limit from
    accidental agreement."""
    a, b, c = 0.05, 0.1, 0.003
    m = tanh_crossing(a, b, c)
    cr = curve_crossing(m, (-5, 5))
    res = stationary_scattering(m, k=[k], step=0.02)
    e = res.energies
    p_lz = cr.energy_resolved_p_diabatic_stay(e)
    dev = abs(res.transmission[0, 1] - p_lz[0])
    assert dev < 1e-3
    assert res.transmission[0, 1] == pytest.approx(p_lz[0], abs=1e-3)
    m2 = tanh_crossing(2 * a, b / 2, c)  # same slope 2ab at the crossing, half the curvature scale
    res2 = stationary_scattering(m2, k=[math.sqrt(k**2 + 2 * 2000 * a)], step=0.02)  # same energy above E_c
    p2 = curve_crossing(m2, (-5, 5)).energy_resolved_p_diabatic_stay(res2.energies)
    assert p2[0] == pytest.approx(p_lz[0], rel=1e-3)  # nearly the same energy above E_c
    assert dev / abs(res2.transmission[0, 1] - p2[0]) > 3


def test_lz_is_not_accurate_for_tully_simple_at_low_momentum():
    """Documented contrast: Tully 1's Gaussian coupling (width 1) is narrower than the LZ
    transition region at k = 20, so one-pass LZ overestimates the diabatic stay by ~0.1."""
    m = TullySimple()
    cr = curve_crossing(m, (-3, 3))
    res = stationary_scattering(m, k=[20.0])
    assert cr.energy_resolved_p_diabatic_stay(res.energies)[0] - res.transmission[0, 1] > 0.05


def test_two_pass_and_transmission_coefficient():
    p = np.linspace(0, 1, 11)
    assert np.allclose(two_pass_probability(p), 2 * p * (1 - p))
    # the phase average of 4 P (1 - P) sin^2 is 2 P (1 - P)
    phases = np.linspace(0, np.pi, 2001)[:-1]
    assert np.mean(two_pass_probability(0.3, phases)) == pytest.approx(2 * 0.3 * 0.7, rel=1e-12)
    assert two_pass_probability(0.5) == 0.5
    assert lz_transmission_coefficient(1.0) == 1.0  # adiabatic limit
    pa = 1e-6
    assert lz_transmission_coefficient(pa) == pytest.approx(2 * pa, rel=1e-5)  # non-adiabatic limit
    with pytest.raises(LzsmValueError, match=r"\[0, 1\]"):
        two_pass_probability(1.5)


def test_nonadiabatic_lz_rate_is_the_marcus_rate():
    """Harmonic diabatic wells V1 = m w^2 x^2/2, V2 = m w^2 (x - d)^2/2 + dG: the thermal LZ rate
    in its non-adiabatic limit, nu = w/2pi, equals (2 pi/hbar) V^2 (4 pi lambda kT)^(-1/2)
    exp(-(dG + lambda)^2/(4 lambda kT)) with lambda = m w^2 d^2/2 (identity: relative 1e-12);
    for weak coupling the full kappa(T) reaches it (2 pi V^2/(hbar v dF) ~ 1e-4: 1e-3)."""
    mass, w, d, dg, vc = 2000.0, 0.005, 1.5, -0.01, 1e-5
    model = FunctionCurves.from_elements(
        {
            "V11": lambda x: 0.5 * mass * w**2 * x**2,
            "V22": lambda x: 0.5 * mass * w**2 * (x - d) ** 2 + dg,
            "V12": lambda x: vc + 0 * x,
        },
        mass=mass,
    )
    cr = curve_crossing(model, (-5, 5))
    lam = 0.5 * mass * w**2 * d**2
    kt = np.array([0.002, 0.004, 0.01])
    rate = lz_rate(cr, kt, w / (2 * np.pi))
    marcus = marcus_rate(vc, lam, dg, kt)
    assert np.allclose(rate.nonadiabatic_limit, marcus, rtol=1e-12, atol=0)
    assert np.allclose(rate.rate, marcus, rtol=1e-3, atol=0)
    assert np.all(rate.rate <= rate.adiabatic_limit)
    # strong coupling: kappa -> 1 (adiabatic limit)
    strong = curve_crossing(
        FunctionCurves.from_elements(
            {
                "V11": lambda x: 0.5 * mass * w**2 * x**2,
                "V22": lambda x: 0.5 * mass * w**2 * (x - d) ** 2 + dg,
                "V12": lambda x: 0.02 + 0 * x,
            },
            mass=mass,
        ),
        (-5, 5),
    )
    assert thermal_transmission_coefficient(strong, 0.002) == pytest.approx(1.0, abs=1e-6)


def test_nacl_two_pass_ionisation():
    """NaCl covalent–ionic crossing at R_c = 17.83 bohr (9.43 Å): head-on Na + Cl at 1 eV
    passes R_c twice; P_LZ ~ 0.9 there, so about 2 P (1 - P) ~ 0.18 of collisions end ionic."""
    m = CovalentIonicCrossing.nacl()
    cr = curve_crossing(m, (10, 30))
    assert cr.position * 0.529177210903 == pytest.approx(9.434, abs=2e-3)
    e = 1.0 / 27.211386245988
    p = cr.energy_resolved_p_diabatic_stay(e)  # the model's mass: the reduced mass
    v = math.sqrt(2 * e / m.reduced_mass)
    assert p == pytest.approx(math.exp(-2 * math.pi * cr.coupling**2 / (v * cr.force_difference)), rel=1e-9)
    assert 0.85 < p < 0.95
    assert two_pass_probability(p) == pytest.approx(2 * p * (1 - p))


def test_bad_input():
    cr = curve_crossing(TullySimple(), (-3, 3))
    with pytest.raises(LzsmValueError, match="`velocity` must be > 0"):
        cr.p_diabatic_stay(0.0)
    with pytest.raises(LzsmValueError, match="`mass` must be > 0"):
        dataclasses.replace(cr, mass=0.0)
    with pytest.raises(LzsmTypeError, match="Curves"):
        find_curve_crossings(np.eye(2), (-1, 1))
    with pytest.raises(LzsmValueError, match="two different"):
        find_curve_crossings(TullySimple(), (-1, 1), states=(0, 0))
    with pytest.raises(LzsmValueError, match="temperature"):
        thermal_transmission_coefficient(cr, -1.0)
    with pytest.raises(LzsmValueError, match="`states` must be two different"):
        find_curve_crossings(TullySimple(), (-1, 1), states=(0.0, 1.0))
    with pytest.raises(LzsmValueError, match="`n_scan` must be an integer"):
        find_curve_crossings(TullySimple(), (-1, 1), n_scan=2.5)
    with pytest.raises(LzsmValueError, match="`x_range` must be a pair"):
        find_curve_crossings(TullySimple(), "ab")
    with pytest.raises(LzsmValueError, match="`bracket` must be a pair"):
        curve_crossing(TullySimple(), (3, -3))
    with pytest.raises(LzsmValueError, match=r"\[0, 1\], got 1.5"):
        two_pass_probability([0.5, 1.5])
    with pytest.raises(LzsmValueError, match="`frequency` must be > 0"):
        lz_rate(cr, 0.002, 0.0)


def test_crossing_carries_the_model_mass_and_hbar():
    """The crossing takes mass and hbar from its model: NaCl's reduced mass, a model's hbar."""
    m = CovalentIonicCrossing.nacl()
    cr = curve_crossing(m, (10, 30))
    assert cr.mass == m.reduced_mass == m.mass
    half = curve_crossing(TullySimple(hbar=0.5, mass=1000.0), (-3, 3))
    assert (half.hbar, half.mass) == (0.5, 1000.0)
    assert half.p_diabatic_stay(0.01) == pytest.approx(math.exp(-4 * math.pi * 0.005**2 / (0.01 * 0.032)), rel=1e-12)
    assert half.velocity(0.05) == pytest.approx(math.sqrt(2 * 0.05 / 1000.0), rel=1e-14)
    assert half.to_landau_zener(0.01).hbar == 0.5


def test_lzsm_0_1_call_forms_still_work():
    """mass and hbar passed to the crossing formulas (lzsm 0.1) still work, with a
    DeprecationWarning, and equal the new call on a crossing that carries them."""
    cr = curve_crossing(TullySimple(), (-3, 3))
    heavy = dataclasses.replace(cr, mass=4000.0, hbar=2.0)
    with pytest.deprecated_call(match="`mass`"):
        assert cr.velocity(0.05, 4000.0) == heavy.velocity(0.05)
    with pytest.deprecated_call(match="`hbar`"):
        assert cr.p_diabatic_stay(0.01, hbar=2.0) == heavy.p_diabatic_stay(0.01)
    with pytest.deprecated_call(match="`mass` and `hbar`"):
        assert cr.energy_resolved_p_diabatic_stay(0.05, 4000.0, 2.0) == heavy.energy_resolved_p_diabatic_stay(0.05)
    with pytest.deprecated_call():
        assert cr.to_landau_zener(0.01, 2.0).hbar == 2.0
    kt = np.array([0.002, 0.004])
    with pytest.deprecated_call():
        old = thermal_transmission_coefficient(cr, kt, 4000.0, 2.0)
    np.testing.assert_array_equal(old, thermal_transmission_coefficient(heavy, kt))
    with pytest.deprecated_call():
        old_rate = lz_rate(cr, kt, 4000.0, 0.01, 0.001, 2.0)
    np.testing.assert_array_equal(old_rate.rate, lz_rate(heavy, kt, 0.01, reactant_energy=0.001).rate)
    with pytest.deprecated_call():
        old_rate = lz_rate(cr, kt, 4000.0, frequency=0.01)
    np.testing.assert_array_equal(old_rate.rate, lz_rate(dataclasses.replace(cr, mass=4000.0), kt, 0.01).rate)


def test_results_export(tmp_path):
    """CurveCrossing and LandauZenerRate are lzsm results: labelled datasets, NetCDF round
    trip, one-line repr."""
    cr = curve_crossing(TullySimple(), (-3, 3))
    ds = cr.to_xarray()
    assert {"position", "energy", "coupling", "force", "status", "success"} <= set(ds.data_vars)
    assert ds["force"].dims == ("curve",) and list(ds["curve"].values) == [0, 1]
    assert ds.attrs["mass"] == 2000.0 and ds.attrs["hbar"] == 1.0 and ds.attrs["result"] == "CurveCrossing"
    cr.to_netcdf(tmp_path / "crossing.nc")
    with xr.open_dataset(tmp_path / "crossing.nc", engine="h5netcdf") as back:
        assert float(back["coupling"]) == cr.coupling
        np.testing.assert_array_equal(back["force"].values, [cr.forces[0], cr.forces[1]])
        assert back.attrs["force_difference"] == cr.force_difference
    assert len(repr(cr)) < 300 and repr(cr).startswith("CurveCrossing(curve crossing")

    kt = np.array([0.002, 0.004, 0.01])
    rate = lz_rate(cr, kt, 0.01)
    ds = rate.to_xarray()
    for name in ("rate", "transmission_coefficient", "adiabatic_limit", "nonadiabatic_limit"):
        assert ds[name].dims == ("temperature",)
        np.testing.assert_array_equal(ds[name].values, getattr(rate, name))
    np.testing.assert_array_equal(ds["temperature"].values, kt)
    rate.to_netcdf(tmp_path / "rate.nc")
    with xr.open_dataset(tmp_path / "rate.nc", engine="h5netcdf") as back:
        np.testing.assert_array_equal(back["rate"].values, rate.rate)
        assert back.attrs["frequency"] == 0.01 and back.attrs["coupling"] == cr.coupling
    assert len(repr(rate)) < 300 and rate.ok
    assert float(lz_rate(cr, 0.002, 0.01).rate) == pytest.approx(rate.rate[0], rel=1e-15)  # a single temperature
