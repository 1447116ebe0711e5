"""Diabatic curve models (lzsm.models.curves): Tully's three models (J. Chem. Phys. 93, 1061 (1990))."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import lzsm
from lzsm.errors import LzsmTypeError, LzsmValueError
from lzsm.models.curves import (
    TULLY_MODELS,
    CovalentIonicCrossing,
    FunctionCurves,
    TabulatedCurves,
    TullyDual,
    TullyExtended,
    TullySimple,
)
from lzsm.molecules.diabatization import diabatize
from lzsm.plot.molecules import plot_curves


@pytest.mark.parametrize("name", sorted(TULLY_MODELS))
def test_gradient_is_the_derivative_of_the_potential(name):
    m = TULLY_MODELS[name]()
    x = np.linspace(-6, 6, 61) + 0.0137
    e = 1e-6
    fd = (m.hamiltonian(x + e) - m.hamiltonian(x - e)) / (2 * e)
    assert np.allclose(fd, m.hamiltonian_derivative(x), atol=1e-9)
    h = m.hamiltonian(x)
    assert np.allclose(h, np.swapaxes(h, -1, -2))


def test_simple_avoided_crossing_values():
    """Model 1: gap 2C = 0.01 at x = 0, asymptotes -/+ A, NAC peak F/(4V) = 2AB/(4C) = 1.6."""
    m = TullySimple()
    e = lzsm.adiabatic_energies(m, np.array([0.0, 30.0]))
    assert np.allclose(e[0], [-0.005, 0.005], atol=1e-15)
    assert np.allclose(e[1], [-0.01, 0.01], atol=1e-12)
    d = lzsm.nonadiabatic_coupling(m, np.array([0.0]))[0]
    assert abs(abs(d[0, 1]) - 1.6) < 1e-12


def test_dual_and_extended_values():
    """Model 2: V22(0) = E0 - A = -0.05, coupling C; model 3: V12 -> 2B for x -> +inf, B at 0."""
    h = TullyDual().hamiltonian(np.array(0.0))
    assert np.allclose(h, [[0.0, 0.015], [0.015, -0.05]])
    h3 = TullyExtended().hamiltonian(np.array([-50.0, 0.0, 50.0]))
    assert np.allclose(h3[:, 0, 1], [0.0, 0.1, 0.2], atol=1e-15)
    assert np.allclose(h3[:, 0, 0], 6e-4)


# --------------------------------------------------------------------------- more curve models


def test_tabulated_cubic_and_quintic_reproduce_the_model():
    """Spline interpolation error O(h^4) (cubic) / O(h^6) (quintic): for Tully 2 (smooth) with
    h = 0.1 the cubic error bound h^4 max|f''''|/384 is ~4e-8; quintic is far smaller."""
    m = TullyDual()
    grid = np.linspace(-20, 20, 401)
    xs = np.linspace(-19.9, 19.9, 997) + 0.0123
    for kind, tol_v, tol_g in (("cubic", 5e-8, 2e-6), ("quintic", 1e-9, 1e-7)):
        tab = TabulatedCurves.from_model(m, grid, interpolation=kind)
        assert np.max(np.abs(tab.potential(xs) - m.potential(xs))) < tol_v
        assert np.max(np.abs(tab.gradient(xs) - m.gradient(xs))) < tol_g
    # holds the end values outside, with zero gradient
    tab = TabulatedCurves.from_model(m, grid)
    assert np.allclose(tab.potential(np.array([25.0, -30.0])), m.potential(np.array([20.0, -20.0])), atol=1e-15)
    assert np.all(tab.gradient(np.array([25.0])) == 0)
    assert tab.interaction_range == (-20.0, 20.0)


def test_csv_round_trip_and_units(tmp_path):
    m = TullyExtended()
    tab = TabulatedCurves.from_model(m, np.linspace(-10, 10, 101))
    path = tmp_path / "curves.csv"
    tab.to_csv(path)
    back = TabulatedCurves.from_csv(path)
    assert np.array_equal(back.x, tab.x) and np.array_equal(back.potential_table, tab.potential_table)
    # unit factors: the same table read in other units
    scaled = TabulatedCurves.from_csv(path, x_unit_factor=2.0, energy_unit_factor=3.0)
    assert np.allclose(scaled.potential(np.array([4.0])), 3 * tab.potential(np.array([2.0])), atol=1e-14)
    # V21 accepted for V12, a missing coupling is zero, extra columns ignored, comments skipped
    p2 = tmp_path / "b.csv"
    p2.write_text("# a comment\nx,V11,V22,V21,note\n" + "".join(f"{i},{i},{-i},{0.5},7\n" for i in range(8)))
    t2 = TabulatedCurves.from_csv(p2)
    assert np.allclose(t2.potential(np.array(3.0)), [[3, 0.5], [0.5, -3]])
    p3 = tmp_path / "c.csv"
    p3.write_text("x,V11,V22\n" + "".join(f"{i},1,2\n" for i in range(8)))
    assert np.allclose(TabulatedCurves.from_csv(p3).potential(np.array(2.5)), [[1, 0], [0, 2]])


@pytest.mark.parametrize(
    "text, match",
    [
        ("x,V11,V22,V12\n" + "".join(f"{i},0,1,0.1\n" for i in [0, 1, 3, 2, 4, 5, 6]), "strictly increasing"),
        ("x,V11,V22,V12\n" + "".join(f"{i},0,1,0.1\n" for i in [0, 1, 1, 2, 4, 5, 6]), "strictly increasing"),
        ("x,V11,V22,V12\n" + "".join(f"{i},0,1,0.1\n" for i in range(4)), "at least 6"),
        ("x,V11,V22,V12\n" + "".join(f"{i},0,{'nan' if i == 3 else 1},0.1\n" for i in range(8)), "'V22'.*line 5"),
        ("x,V11,V12\n" + "".join(f"{i},0,0.1\n" for i in range(8)), "V11, V22"),
        ("x,V11,V22,V13\n" + "".join(f"{i},0,1,0.1\n" for i in range(8)), "beyond the 2"),
        ("y,V11,V22\n" + "".join(f"{i},0,1\n" for i in range(8)), "'x' column"),
        ("x,V11,V22\n" + "".join(f"{i},0,{'abc' if i == 2 else 1}\n" for i in range(8)), "line 4.*'abc'"),
        ("x,V11,V22\n" + "".join(f"{i},0\n" for i in range(8)), "2 fields"),
        ("", "empty"),
    ],
)
def test_bad_tables_are_named(tmp_path, text, match):
    p = tmp_path / "bad.csv"
    p.write_text(text)
    with pytest.raises(LzsmValueError, match=match):
        TabulatedCurves.from_csv(p)


def test_bad_table_arrays():
    x = np.linspace(0, 1, 10)
    v = np.zeros((10, 2, 2))
    v[:, 0, 1] = 1.0
    with pytest.raises(LzsmValueError, match="symmetric"):
        TabulatedCurves(x, v)
    with pytest.raises(LzsmValueError, match=r"shape \(len\(x\), N, N\)"):
        TabulatedCurves(x, np.zeros((9, 2, 2)))
    with pytest.raises(LzsmValueError, match="interpolation"):
        TabulatedCurves(x, np.zeros((10, 2, 2)), interpolation="linear")
    with pytest.raises(LzsmValueError, match="at least 8"):
        TabulatedCurves(x[:7], np.zeros((7, 2, 2)), interpolation="quintic")
    tab = TabulatedCurves(x, np.zeros((10, 2, 2)), outside="raise")
    with pytest.raises(LzsmValueError, match=r"range \[0, 1\]"):
        tab.potential(np.array([1.5]))
    with pytest.raises(LzsmValueError, match="does not exist"):
        TabulatedCurves.from_csv("no/such/file.csv")


def test_function_curves_match_tully_and_difference_gradient():
    t = TullyDual()
    f = FunctionCurves.from_elements(
        {
            "V11": lambda x: 0 * x,
            "V22": lambda x: -t.A * np.exp(-t.B * x**2) + t.E0,
            "V12": lambda x: t.C * np.exp(-t.D * x**2),
        }
    )
    x = np.linspace(-5, 5, 41) + 0.01
    assert np.allclose(f.potential(x), t.potential(x), atol=1e-16)
    # fourth-order central difference with step 1e-3: error ~ h^4 |f^(5)| / 30 < 1e-12
    assert np.max(np.abs(f.gradient(x) - t.gradient(x))) < 1e-10
    g = FunctionCurves(t.potential, t.gradient, range_hint=(-18, 18))
    assert np.array_equal(g.gradient(x), t.gradient(x)) and g.interaction_range == (-18.0, 18.0)
    with pytest.raises(LzsmValueError, match="unknown keys"):
        FunctionCurves.from_elements({"V11": np.sin, "V13": np.cos})
    with pytest.raises(LzsmTypeError, match="callable"):
        FunctionCurves(3.0)
    with pytest.raises(LzsmValueError, match=r"shape \(\*x.shape, N, N\)"):
        FunctionCurves(lambda x: x)


def test_nacl_covalent_ionic_crossing():
    """NaCl: the Born–Mayer ionic curve has its minimum at R_e = 2.3608 Å with curvature
    mu omega_e^2 (omega_e = 366 cm^-1); it crosses the covalent curve where
    Delta E - 1/R_c + A exp(-R_c/rho) = 0 (R_c ~ 1/Delta E = 9.43 Å); the coupling there is
    the Olson–Smith–Bauer value recomputed here by hand."""
    from scipy.optimize import brentq

    m = CovalentIonicCrossing.nacl()
    bohr = 0.529177210903
    r_e = 2.36080 / bohr
    de = (5.139076 - 3.612724) / 27.211386245988
    mu = 22.98976928 * 34.96885268 / (22.98976928 + 34.96885268) * 1822.888486209
    assert m.reduced_mass == pytest.approx(mu, rel=1e-12)
    g = m.gradient(np.array([r_e]))[0]
    assert abs(g[1, 1]) < 1e-12
    h = 1e-4
    curv = (
        m.potential(np.array([r_e + h]))[0, 1, 1]
        - 2 * m.potential(np.array([r_e]))[0, 1, 1]
        + m.potential(np.array([r_e - h]))[0, 1, 1]
    ) / h**2
    assert curv == pytest.approx(mu * (366.0 / 219474.6313632) ** 2, rel=1e-5)
    rc = brentq(lambda r: m.potential(np.array(r))[1, 1], 5, 40, xtol=1e-13)
    assert rc * bohr == pytest.approx(9.434, abs=2e-3)
    assert rc == pytest.approx(1 / de, rel=1e-3)  # the repulsion is negligible at R_c
    ip, ea = 5.139076 / 27.211386245988, 3.612724 / 27.211386245988
    rstar = rc * (math.sqrt(2 * ip) + math.sqrt(2 * ea)) / 2
    v12 = 1.044 * math.sqrt(ip * ea) * rstar * math.exp(-0.857 * rstar)
    assert m.potential(np.array(rc))[0, 1] == pytest.approx(v12, rel=1e-12)
    x = np.linspace(3, 30, 55)
    fd = (m.potential(x + 1e-6) - m.potential(x - 1e-6)) / 2e-6
    assert np.allclose(fd, m.gradient(x), atol=1e-8)
    with pytest.raises(LzsmValueError, match="> 0"):
        m.potential(np.array([0.0, 1.0]))
    with pytest.raises(LzsmValueError, match="electron_affinity_ev"):
        CovalentIonicCrossing(3.0, 4.0, 2.0, 300.0, 23.0, 35.0)


# --------------------------------------------------------------------------- diabatisation
@pytest.mark.parametrize("name, n_points, tol", [("simple", 2001, 2e-6), ("dual", 801, 1e-8), ("extended", 801, 1e-6)])
def test_diabatization_round_trip(name, n_points, tol):
    """Adiabatic curves + d_01 of an analytic diabatic model -> its diabatic curves.

    The error is the spline quadrature of d_01: O(h^4) for the smooth models; Tully 1 has a
    jump in V11'' at x = 0 (so in d_01'), which makes it O(h^2): ~1e-6 at h = 0.012."""
    m = TULLY_MODELS[name]()
    x = np.linspace(-12, 12, n_points)
    e = lzsm.adiabatic_energies(m, x)
    d = lzsm.nonadiabatic_coupling(m, x)[:, 0, 1].real
    theta = lzsm.mixing_angle(m, x)
    dia = diabatize(x, e, d, theta_start=theta[0])
    assert np.max(np.abs(dia.potential - m.potential(x))) < tol
    assert np.max(np.abs(dia.theta - theta)) < 200 * tol
    # a factor-2 error in the angle would be visible at the 1e-3 level
    wrong = diabatize(x, e, 2 * d, theta_start=theta[0])
    assert np.max(np.abs(wrong.potential - m.potential(x))) > 1e-3
    ds = dia.to_xarray()
    assert ds["diabatic_potential"].shape == (n_points, 2, 2)
    tab = dia.curves()
    assert np.allclose(tab.potential(np.array([0.3])), m.potential(np.array([0.3])), atol=100 * tol)


@given(a=st.floats(0.001, 0.05), b=st.floats(0.3, 3.0), c=st.floats(0.001, 0.02))
def test_diabatization_recovers_any_simple_crossing(a, b, c):
    """Hypothesis: the round trip holds across Tully-1-like parameters (tolerance O(h^2) as
    above, scaled by the energy A)."""
    m = TullySimple(A=a, B=b, C=c)
    w = c / (a * b)  # half-width 2V/F of the Lorentzian d_01: a grid dense there (sinh map)
    u = np.linspace(-np.arcsinh(12 / w), np.arcsinh(12 / w), 1601)
    x = w * np.sinh(u)
    e = lzsm.adiabatic_energies(m, x)
    d = lzsm.nonadiabatic_coupling(m, x)[:, 0, 1].real
    dia = diabatize(x, e, d, theta_start=float(lzsm.mixing_angle(m, x[:1])[0]))
    assert np.max(np.abs(dia.potential - m.potential(x))) < 2e-3 * a


def test_diabatize_bad_input():
    x = np.linspace(0, 1, 5)
    e = np.zeros((5, 2))
    with pytest.raises(LzsmValueError, match="strictly increasing"):
        diabatize(x[::-1], e, np.zeros(5))
    with pytest.raises(LzsmValueError, match=r"shape \(len\(x\), 2\)"):
        diabatize(x, np.zeros((5, 3)), np.zeros(5))
    with pytest.raises(LzsmValueError, match="ascending"):
        diabatize(x, np.column_stack([np.ones(5), np.zeros(5)]), np.zeros(5))
    with pytest.raises(LzsmValueError, match="finite"):
        diabatize(x, e, np.array([0, 0, np.nan, 0, 0]))


def test_diabatization_result_export(tmp_path):
    """Diabatization is an lzsm result: labelled dataset, NetCDF round trip, one-line repr; its
    curves carry the nuclear mass and hbar given to them."""
    import xarray as xr

    m = TullySimple()
    x = np.linspace(-12, 12, 401)
    dia = diabatize(
        x,
        lzsm.adiabatic_energies(m, x),
        lzsm.nonadiabatic_coupling(m, x)[:, 0, 1].real,
        theta_start=float(lzsm.mixing_angle(m, x[:1])[0]),
    )
    ds = dia.to_xarray()
    assert ds["theta"].dims == ("x",)
    assert ds["adiabatic_energies"].dims == ("x", "adiabatic")
    assert ds["diabatic_potential"].dims == ("x", "diabatic_i", "diabatic_j")
    assert "theta(x)" in ds.attrs["convention"]
    dia.to_netcdf(tmp_path / "dia.nc")
    with xr.open_dataset(tmp_path / "dia.nc", engine="h5netcdf") as back:
        np.testing.assert_array_equal(back["diabatic_potential"].values, dia.potential)
        np.testing.assert_array_equal(back["x"].values, x)
    assert len(repr(dia)) < 300 and repr(dia).startswith("Diabatization(two-state diabatisation")
    tab = dia.curves(mass=1234.0, hbar=0.5)
    assert (tab.mass, tab.hbar) == (1234.0, 0.5)


def test_nuclear_mass_is_on_the_model():
    """Every curve model carries ``mass`` (default 2000, Tully's) and ``hbar``, checked > 0;
    the covalent–ionic model's mass is its reduced mass."""
    for cls in TULLY_MODELS.values():
        assert cls().mass == 2000.0 and cls(mass=7.0).mass == 7.0
    assert FunctionCurves(TullySimple().potential, mass=3.0).mass == 3.0
    nacl = CovalentIonicCrossing.nacl()
    assert nacl.mass == nacl.reduced_mass
    tab = TabulatedCurves.from_model(TullyDual(mass=5.0, hbar=0.5), np.linspace(-5, 5, 21))
    assert (tab.mass, tab.hbar) == (5.0, 0.5)
    for bad in ({"mass": 0.0}, {"mass": -2.0}, {"hbar": 0.0}):
        name = next(iter(bad))
        with pytest.raises(LzsmValueError, match=f"`{name}` must be > 0"):
            TullyExtended(**bad)
        with pytest.raises(LzsmValueError, match=f"`{name}` must be > 0"):
            TabulatedCurves.from_model(TullySimple(), np.linspace(-5, 5, 21), **bad)
    with pytest.raises(LzsmTypeError, match="`mass` must be a real number"):
        TullySimple(mass="heavy")


def test_plot_curves_returns_axes():
    ax = plot_curves(TullySimple(), np.linspace(-10, 10, 201))
    assert ax.get_xlabel().startswith("x") and len(ax.lines) == 6
