"""Stationary coupled-channel scattering (lzsm.molecules.stationary), the independent check of the wavepackets.

Closed form used: the sech^2 barrier U(x) = U0 / cosh^2(x/L) transmits (Landau & Lifshitz,
Quantum Mechanics, section 25, problem 4)
    T = sinh^2(pi k L) / (sinh^2(pi k L) + cosh^2((pi/2) sqrt(8 m U0 L^2/hbar^2 - 1)))
(cos^2 and sqrt(1 - ...) below the square-root's zero).  A two-state model
V(x) = U(x) I + C with a constant matrix C has x-independent adiabatic states, so each adiabatic
channel n scatters off U alone at the energy E - c_n (c_n the eigenvalues of C).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import xarray as xr

from lzsm.errors import LzsmTypeError, LzsmValueError
from lzsm.models.curves import TULLY_MODELS, FunctionCurves, TabulatedCurves, TullyExtended, TullySimple
from lzsm.molecules.stationary import asymptotic_range, stationary_scattering


def sech2_transmission(e, u0, length, mass, hbar=1.0):
    k = np.sqrt(2 * mass * e) / hbar
    s = 8 * mass * u0 * length**2 / hbar**2 - 1
    denom = np.cosh(0.5 * np.pi * np.sqrt(s)) ** 2 if s > 0 else np.cos(0.5 * np.pi * np.sqrt(-s)) ** 2
    sh = np.sinh(np.pi * k * length) ** 2
    return sh / (sh + denom)


def barrier_model(u0, length, c):
    def potential(x):
        u = u0 / np.cosh(x / length) ** 2
        return u[..., None, None] * np.eye(2) + c

    r = length / 2 * math.log(4 * u0 / 1e-13)
    return FunctionCurves(potential, range_hint=(-r, r))


@pytest.mark.parametrize("u0, length, mass", [(0.02, 1.0, 2000.0), (0.5, 0.3, 1.0), (1e-3, 2.0, 500.0)])
def test_sech2_barrier_in_two_decoupled_channels(u0, length, mass):
    """Both channels of a constant-coupling model against the closed form (tolerance 1e-8:
    the reported Richardson error estimate is ~1e-10 here; a wrong flux factor k_n/k_in or a
    wrong channel energy would show at the 1e-2 level)."""
    c = np.array([[0.0, 0.01], [0.01, 0.03]])
    cn = np.linalg.eigvalsh(c)
    model = barrier_model(u0, length, c)
    e = cn[1] + u0 * np.array([0.3, 0.9, 1.0, 1.1, 2.5])
    for incoming in (0, 1):
        res = stationary_scattering(dataclasses.replace(model, mass=mass), e, initial=f"adiabatic {incoming}")
        t = sech2_transmission(e - cn[incoming], u0, length, mass)
        assert np.allclose(res.transmission[:, incoming], t, atol=1e-8, rtol=0)
        assert np.allclose(res.reflection[:, incoming], 1 - t, atol=1e-8, rtol=0)
        other = 1 - incoming
        assert np.max(res.transmission[:, other]) < 1e-12 and np.max(res.reflection[:, other]) < 1e-12
        assert np.max(res.unitarity_defect) < 1e-10


def test_hbar_scaling():
    """Only hbar^2/m enters: (m, hbar) = (8, 2) equals (2, 1) at the same energies."""
    m1 = barrier_model(0.5, 0.5, np.diag([0.0, 0.2]))
    e = np.array([0.3, 0.6])
    a = stationary_scattering(dataclasses.replace(m1, mass=2.0), e)
    b = stationary_scattering(dataclasses.replace(m1, mass=8.0, hbar=2.0), e)
    assert np.allclose(a.transmission, b.transmission, atol=1e-12)


@pytest.mark.parametrize("name", sorted(TULLY_MODELS))
def test_tully_unitarity_and_second_order_sectors(name):
    """Flux conservation over a range of momenta, and the sector error's h^2 law (the error of
    the un-extrapolated result with h drops by ~4 with h/2; Richardson removes it)."""
    m = TULLY_MODELS[name]()
    ks = np.array([6.0, 12.0, 19.0, 31.0, 45.0])
    res = stationary_scattering(m, k=ks)
    assert np.max(res.unitarity_defect) < 1e-6
    assert np.max(res.error_estimate) < 1e-5
    p = [stationary_scattering(m, k=[19.0], step=h).transmission[0] for h in (0.04, 0.02)]
    ref = res.transmission[2]
    # Richardson-extrapolated results at h and h/2 differ at O(h^4): check the h = 0.04 one
    assert np.max(np.abs(p[0] - ref)) < 1e-5


def test_tully_reference_values():
    """Tully 1 at k = 10: below k = 9 the upper channel is closed (asymptotic gap 2A = 0.02 needs
    k^2/(2m) > 0.02, i.e. k > sqrt(80) = 8.94); Tully 3 at k = 10 reflects ~30% (its upper
    state is closed on the right until k ~ 28.3)."""
    r1 = stationary_scattering(TULLY_MODELS["simple"](), k=[8.9, 9.0])
    assert r1.transmission[0, 1] == 0 and r1.reflection[0, 1] == 0
    assert r1.transmission[1, 1] > 0
    r3 = stationary_scattering(TULLY_MODELS["extended"](), k=[10.0, 28.0, 28.6])
    assert r3.transmission[:2, 1].max() == 0 and r3.transmission[2, 1] > 0
    assert 0.2 < r3.reflection[0].sum() < 0.4
    # Tully 1 and 2 asymptotes are diabatic: both pictures agree
    r2 = stationary_scattering(TULLY_MODELS["dual"](), k=[20.0, 40.0])
    assert np.allclose(np.sort(r2.transmission_diabatic, -1), np.sort(r2.transmission, -1), atol=1e-12)


@pytest.mark.parametrize("name, spacing, tol", [("simple", 0.02, 2e-5), ("dual", 0.05, 2e-6), ("extended", 0.05, 1e-5)])
def test_tabulated_curves_give_the_analytic_results(name, spacing, tol):
    """Cubic-spline tables sampled from the analytic models scatter alike.  Tolerance: the
    spline's potential error (O(h^4) ~ 1e-8 for the smooth Tully 2; Tully 1 (V11'') and Tully 3
    (V12'') jump at x = 0, so O(h^2) ~ 1e-5 relative there) times the probabilities' sensitivity."""
    m = TULLY_MODELS[name]()
    a, b = m.interaction_range
    tab = TabulatedCurves.from_model(m, np.arange(a, b + spacing / 2, spacing))
    ks = np.array([12.0, 20.0, 30.0])
    ra = stationary_scattering(m, k=ks, x_range=(a, b))
    rt = stationary_scattering(tab, k=ks)
    assert np.max(np.abs(ra.transmission - rt.transmission)) < tol
    assert np.max(np.abs(ra.reflection - rt.reflection)) < tol


def test_asymptotic_range_scan_and_long_range_error():
    m = TullySimple()
    f = FunctionCurves(m.potential, m.gradient)  # no range hint: scanned
    a, b = asymptotic_range(f)
    assert a <= -m.interaction_range[1] / 2 and b >= m.interaction_range[1] / 2
    assert np.max(np.abs(f.potential(np.array([a, 2 * a])) - m.potential(np.array([2 * a, 2 * a])))) < 1e-10
    with pytest.raises(LzsmValueError, match="long-range"):
        asymptotic_range(
            FunctionCurves(
                lambda x: np.stack([np.stack([-1 / (np.abs(x) + 1), 0 * x], -1), np.stack([0 * x, 0 * x + 1], -1)], -2)
            )
        )


def test_bad_input():
    m = TullySimple()
    with pytest.raises(LzsmValueError, match="`mass` must be > 0"):
        stationary_scattering(TullySimple(mass=0.0), k=[10.0])
    with pytest.raises(LzsmValueError, match="exactly one"):
        stationary_scattering(m, [0.1], k=[10.0])
    with pytest.raises(LzsmValueError, match="closed below"):
        stationary_scattering(m, [-0.02])
    with pytest.raises(LzsmValueError, match="`initial`"):
        stationary_scattering(m, k=[10.0], initial=2)
    with pytest.raises(LzsmTypeError, match="Curves"):
        stationary_scattering("tully", k=[10.0])
    with pytest.raises(LzsmValueError, match="`k` must be > 0"):
        stationary_scattering(m, k=[-1.0])
    with pytest.raises(LzsmValueError, match="x_range"):
        stationary_scattering(m, k=[10.0], x_range=(5, -5))


def test_result_export(tmp_path):
    """StationaryScattering is an lzsm result over k: labelled dataset, NetCDF round trip,
    one-line repr."""
    r = stationary_scattering(TullySimple(), k=[12.0, 20.0, 30.0])
    ds = r.to_xarray()
    assert ds["transmission"].dims == ("k", "adiabatic") and ds["reflection"].dims == ("k", "adiabatic")
    assert ds["transmission_diabatic"].dims == ("k", "diabatic")
    assert ds["error_estimate"].dims == ("k",) and ds["unitarity_defect"].dims == ("k",)
    assert ds["energy"].dims == ("k",) and ds["status"].dims == ("k",)
    np.testing.assert_array_equal(ds["k"].values, [12.0, 20.0, 30.0])
    assert r.grid_shape == (3,) and r.ok and ds.attrs["mass"] == 2000.0
    r.to_netcdf(tmp_path / "st.nc")
    with xr.open_dataset(tmp_path / "st.nc", engine="h5netcdf") as back:
        np.testing.assert_array_equal(back["transmission"].values, r.transmission)
        np.testing.assert_array_equal(back["energy"].values, r.energies)
    assert len(repr(r)) < 300 and repr(r).startswith("StationaryScattering(stationary scattering, grid k: 3")


def test_initial_channel_from_a_diabatic_state():
    """Tully 3: diabatic state 0 (V11 = +A) is the upper channel at the left, so ``initial=0``
    is ``'upper'``; where the asymptotic states are mixed half and half a diabatic name is
    refused."""
    m = TullyExtended()
    up = stationary_scattering(m, k=[30.0], initial="upper")
    for same in (0, "diabatic 0", "adiabatic 1", ("adiabatic", 1)):
        r = stationary_scattering(m, k=[30.0], initial=same)
        assert r.incoming_state == 1
        np.testing.assert_array_equal(r.transmission, up.transmission)
    assert stationary_scattering(m, k=[30.0], initial="diabatic 1").incoming_state == 0
    mixed = barrier_model(0.02, 1.0, np.array([[0.0, 0.01], [0.01, 0.0]]))
    with pytest.raises(LzsmValueError, match="mixed"):
        stationary_scattering(mixed, k=[5.0], initial="diabatic 0")
    assert stationary_scattering(mixed, k=[5.0], initial="lower").incoming_state == 0


def test_lzsm_0_1_keywords_still_work():
    """``momenta``, ``incoming_state``, ``mass`` and ``hbar`` still work with DeprecationWarnings
    (the values they give equal the new call on a model carrying mass and hbar)."""
    m = barrier_model(0.5, 0.5, np.diag([0.0, 0.2]))
    new = stationary_scattering(dataclasses.replace(m, mass=8.0, hbar=2.0), k=[1.0, 2.0], initial="adiabatic 1")
    with pytest.deprecated_call() as record:
        old = stationary_scattering(m, momenta=[1.0, 2.0], mass=8.0, hbar=2.0, incoming_state=1)
    messages = " ".join(str(w.message) for w in record)
    for name in ("momenta", "incoming_state", "mass", "hbar"):
        assert f"({name}=...)" in messages
    np.testing.assert_array_equal(old.transmission, new.transmission)
    with pytest.deprecated_call(match="StationaryScattering.momenta is deprecated"):
        np.testing.assert_array_equal(old.momenta, [1.0, 2.0])


def test_sector_coefficients_of_real_and_complex_energies_agree():
    """The complex formula (principal square root, for the resonance search at complex
    energies) and the real one (coth/csch for closed channels, cot/csc for open ones) are the
    same functions of w on the real axis: open (kh < pi here), closed and near w = 0 (series)."""
    from lzsm.molecules.stationary import _sector_coefficients

    h = 0.05
    w = np.concatenate([-np.geomspace(1e-9, 3e3, 40), [0.0], np.geomspace(1e-9, 1e4, 40)])
    a_r, b_r = _sector_coefficients(w, h)
    a_c, b_c = _sector_coefficients(w.astype(complex), h)
    np.testing.assert_allclose(a_c.real, a_r, rtol=1e-9)
    np.testing.assert_allclose(b_c.real, b_r, rtol=1e-9)
    assert np.max(np.abs(a_c.imag)) <= 1e-9 * np.max(np.abs(a_r)) and np.max(np.abs(b_c.imag)) <= 1e-9 * np.max(
        np.abs(b_r)
    )
    # the closed-channel values against the textbook kappa coth(kappa h), kappa csch(kappa h)
    closed = w > 1.0
    kap = np.sqrt(w[closed])
    np.testing.assert_allclose(a_r[closed], kap / np.tanh(kap * h), rtol=1e-12)
    np.testing.assert_allclose(b_r[closed], kap / np.sinh(kap * h), rtol=1e-12)
