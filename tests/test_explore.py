"""``lzsm explore`` without a browser: what each page computes against closed forms, its
"copy as Python" text against the page's own numbers, the exports, bad input, the command.

References: P_LZ = exp(-2 pi V^2/(hbar |alpha|)) (Zener 1932) and its finite-window value
(Vitanov & Garraway 1996); the Lorentzian non-adiabatic coupling of height alpha/(4V)
(docs/conventions.md); Kayanuma's (1 + exp(-4 pi delta))/2; the adiabatic-impulse double
passage 4 P (1 - P) sin^2(zeta + phi_S) (Shevchenko, Ashhab & Nori 2010); the Berry phase pi of
a loop around the E x e intersection (Longuet-Higgins 1975).
"""

from __future__ import annotations

import io
import math
import os
import subprocess
import sys

import numpy as np
import pytest
import xarray as xr

import lzsm
from lzsm.errors import LzsmValueError
from lzsm.explore import _common, conical, crossing, curves, interferometry, presets


@pytest.fixture(scope="module")
def lz_state() -> crossing.CrossingState:
    return crossing.compute(crossing.CrossingParameters(coupling=0.4, sweep_rate=1.3, window=15.0))


def test_crossing_page_matches_the_closed_forms(lz_state):
    par = lz_state.parameters
    assert lz_state.p_lz == pytest.approx(math.exp(-2 * math.pi * 0.4**2 / 1.3), rel=1e-12)
    assert lz_state.p_exact == pytest.approx(lz_state.p_finite, abs=1e-8)
    # the coupling at the crossing is the Lorentzian's height alpha/(4V), and |d01| is it everywhere
    i0 = np.argmin(np.abs(lz_state.t))
    assert lz_state.nac[i0] == pytest.approx(1.3 / (4 * 0.4), rel=1e-9)
    assert np.max(np.abs(lz_state.nac - lz_state.nac_lorentzian)) < 1e-9
    # the Bloch vector of a pure state stays on the sphere; z is the diabatic inversion
    assert np.allclose(np.linalg.norm(lz_state.bloch, axis=-1), 1.0, atol=1e-7)
    assert np.allclose(lz_state.bloch[:, 2], lz_state.populations[:, 0] - lz_state.populations[:, 1], atol=1e-9)
    assert par.delta == pytest.approx(0.4**2 / 1.3)


def test_crossing_page_in_ghz_units_uses_hbar_of_the_system():
    state = crossing.compute(crossing.CrossingParameters(coupling=0.05, sweep_rate=1.0, window=3.0, units="GHz / ns"))
    # E/h in GHz, t in ns: hbar = 1/(2 pi), so P_LZ = exp(-4 pi^2 V^2 / alpha)
    assert state.p_lz == pytest.approx(math.exp(-4 * math.pi**2 * 0.05**2), rel=1e-9)
    assert state.p_exact == pytest.approx(state.p_finite, abs=1e-7)


def test_dephased_crossing_shows_kayanuma_and_stays_a_probability():
    par = crossing.CrossingParameters(coupling=0.3, sweep_rate=1.0, window=60.0, dephasing=3.0)
    state = crossing.compute(par)
    assert state.p_kayanuma == pytest.approx((1 + math.exp(-4 * math.pi * 0.09)) / 2, rel=1e-12)
    # strong dephasing: the rate-equation value over the window (a different route)
    rate = float(lzsm.rate_equation_p_diabatic_stay(0.3, 1.0, 3.0, t_span=(-60.0, 60.0)))
    assert state.p_exact == pytest.approx(rate, abs=2e-3)
    assert np.all((state.populations >= 0) & (state.populations <= 1))


def test_copy_as_python_reproduces_the_crossing(lz_state):
    namespace: dict = {}
    exec(crossing.python_code(lz_state.parameters, "populations"), namespace)
    assert float(namespace["run"].p_diabatic_stay) == pytest.approx(lz_state.p_exact, abs=1e-12)
    exec(crossing.python_code(lz_state.parameters, "nac"), namespace)
    assert np.allclose(namespace["d01"], lz_state.nac)


def test_every_crossing_view_exports_netcdf_and_png(lz_state):
    for name, ds in crossing.datasets(lz_state).items():
        back = xr.load_dataset(io.BytesIO(_common.dataset_netcdf(ds).getvalue()), engine="h5netcdf")
        assert set(back.data_vars) == set(ds.data_vars), name
        assert _common.dataset_png(ds, name).getvalue()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        (dict(coupling=-1.0), r"`coupling` must be finite and > 0, got -1.0"),
        (dict(sweep_rate=0.0), r"`sweep_rate` must be finite and nonzero"),
        (dict(initial="middle"), r"`initial` must be one of diabatic 0, .*got 'middle'"),
        (dict(units="furlongs"), r"`units` must be one of"),
        (dict(t1=0.0), r"`t1` must be > 0"),
    ],
)
def test_bad_crossing_parameters_name_the_control(changes, match):
    with pytest.raises(LzsmValueError, match=match):
        crossing.compute(crossing.CrossingParameters(**changes))


def test_typed_values_take_units_and_ranges():
    assert _common.parse_value("0.1 GHz", "energy", "GHz / ns", "V", low=0.0, high=1.0) == pytest.approx(0.1)
    assert _common.parse_value("1 meV", "energy", "eV / fs", "V", low=0.0, high=1.0) == pytest.approx(1e-3)
    with pytest.raises(LzsmValueError, match=r"`V` must be in \[0.01, 2\], got '5'"):
        _common.parse_value("5", "energy", "ħ = 1", "V", low=0.01, high=2.0)
    with pytest.raises(LzsmValueError, match="`V`"):
        _common.parse_value("abc", "energy", "ħ = 1", "V", low=0.01, high=2.0)


def test_interferometry_map_pixel_and_overlays():
    par = interferometry.MapParameters(
        gap=1.0, frequency=2.0, offset_max=8.0, amplitude_max=8.0, resolution=16, n_periods=10
    )
    data = interferometry.compute_map(par, n_blocks=2)
    tr = interferometry.compute_trace(par, float(par.offsets[6]), float(par.amplitudes[9]))
    # the trace's own time average (trapezoid) is the map's pixel (Floquet samples)
    assert tr.running_mean[-1] == pytest.approx(data.p_mean[6, 9], abs=2e-3)
    assert tr.p_map == pytest.approx(data.p_mean[6, 9], abs=1e-9)
    ov = interferometry.resonance_overlay(par)
    assert np.allclose(ov["resonances"], [0.0, 2.0, 4.0, 6.0, 8.0])
    # Bessel zeros on the resonance lines: J_0 vanishes at A/(hbar omega) = 2.4048
    on_zero_photon_line = ov["zero_amplitude"][ov["zero_offset"] == 0.0]
    assert on_zero_photon_line[0] == pytest.approx(2.404825557695773 * 2.0, rel=1e-9)


def test_map_progress_reports_and_cancels():
    par = interferometry.MapParameters(offset_max=4.0, amplitude_max=4.0, resolution=16, n_periods=2)
    seen: list[float] = []
    interferometry.compute_map(par, seen.append, n_blocks=4)
    assert seen == [0.25, 0.5, 0.75, 1.0]

    def cancel(fraction: float) -> None:
        raise _common.Cancelled("map cancelled")

    with pytest.raises(_common.Cancelled):
        interferometry.compute_map(par, cancel, n_blocks=4)


def test_rate_model_map_with_t2():
    par = interferometry.MapParameters(
        gap=0.5, frequency=2.0, offset_max=4.0, amplitude_max=4.0, resolution=16, n_periods=2, t1=20.0, t2=5.0
    )
    data = interferometry.compute_map(par, n_blocks=1)
    assert data.p_rate is not None and data.p_rate.shape == (16, 16)
    assert np.all((data.p_rate >= 0) & (data.p_rate <= 0.5))
    with pytest.raises(LzsmValueError, match=r"`t2` must be <= 2 t1"):
        interferometry.MapParameters(t1=1.0, t2=5.0).check()


def test_double_passage_agrees_with_the_stueckelberg_formula():
    d = interferometry.compute_passage(
        interferometry.PassageParameters(coupling=0.3, sweep_rate=1.0, tc_max=10.0, tc=5.0), n=120
    )
    separated = d["tc"] > 3
    assert np.max(np.abs(d["p_exact"][separated] - d["p_formula"][separated])) < 0.015
    assert d["stokes_phase"] == pytest.approx(float(lzsm.stokes_phase(0.09)), rel=1e-12)


def test_berry_phase_of_loops_around_and_beside_the_intersection():
    around = conical.compute_berry(conical.ConicalParameters(centre_x=0.3, radius=1.0))
    beside = conical.compute_berry(conical.ConicalParameters(centre_x=2.0, radius=1.0))
    assert (around["phase_over_pi"] % 2, around["enclosed"]) == (pytest.approx(1.0, abs=1e-9), 1)
    assert (beside["phase_over_pi"], beside["enclosed"]) == (pytest.approx(0.0, abs=1e-9), 0)
    s = conical.compute_surfaces(conical.ConicalParameters(k=2.0, omega=1.0), n=41)
    # the Mexican hat: minimum -k^2/(2 omega) at |q| = k/omega
    assert s["cut_lower"].min() == pytest.approx(-2.0, abs=1e-2)


def test_curve_page_exact_scattering_is_unitary_and_csv_loads(tmp_path):
    par = curves.CurveParameters(k_min=10.0, k_max=20.0, n_k=3)
    ex = curves.compute_exact(par)
    assert np.allclose(ex["transmission"].sum(-1) + ex["reflection"].sum(-1), 1.0, atol=1e-6)
    c = curves.compute_curves(par, n=101)
    # Tully 1 at x = 0: diabatic V11 = V22 = 0, gap 2 C = 0.01
    assert np.interp(0.0, c["x"], c["e1"] - c["e0"]) == pytest.approx(0.01, rel=1e-3)
    x = np.linspace(-10, 10, 201)
    tully = lzsm.TullySimple()
    h = np.asarray(tully.hamiltonian(x))
    text = "x,V11,V22,V12\n" + "\n".join(
        f"{a},{b},{c_},{d}" for a, b, c_, d in zip(x, h[:, 0, 0], h[:, 1, 1], h[:, 0, 1])
    )
    table = curves.compute_curves(curves.CurveParameters(model="CSV", csv_text=text), n=101)
    assert np.allclose(table["e0"], c["e0"], atol=1e-6)
    with pytest.raises(LzsmValueError, match="`csv` is empty"):
        curves.CurveParameters(model="CSV").check()


def test_presets_map_the_applications():
    from lzsm.applications.cold_atoms import FeshbachResonance, feshbach_lz_parameter
    from lzsm.applications.solids import lz_tunnelling_probability

    z = presets.zener_breakdown()
    assert float(lzsm.lz_probability(z.coupling, z.sweep_rate)) == pytest.approx(
        float(lz_tunnelling_probability(1.8, 1.0)), rel=1e-12
    )
    f = presets.feshbach_ramp()
    res = FeshbachResonance(mass_amu=84.9118, a_bg_bohr=-443.0, width_gauss=10.71, delta_mu_bohr_magneton=-2.23)
    assert f.coupling**2 / f.sweep_rate == pytest.approx(float(feshbach_lz_parameter(res, 1e12, 30.0)), rel=1e-9)
    g = presets.adiabatic_grover()
    assert (g.coupling, g.sweep_rate) == (pytest.approx(1 / 16), pytest.approx(2 * math.sqrt(63 / 64) / 100))


def test_lzsm_explore_is_callable_and_checks_its_port():
    assert callable(lzsm.explore)
    with pytest.raises(LzsmValueError, match=r"`port` must be an integer in \[0, 65535\], got 70000"):
        lzsm.explore(70000)


def test_cli_refuses_a_bad_port_in_one_line():
    out = subprocess.run(
        [sys.executable, "-m", "lzsm.io.cli", "explore", "--port", "99999", "--no-browser"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("lzsm: error:") and "99999" in lines[0], out.stderr


def test_cli_refuses_a_port_in_use_in_one_line():
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        out = subprocess.run(
            [sys.executable, "-m", "lzsm.io.cli", "explore", "--port", str(port), "--no-browser"],
            capture_output=True,
            text=True,
            env={**os.environ, "CI": "1"},
            timeout=300,
        )
    assert out.returncode == 2
    assert out.stderr.strip() == (
        f"lzsm: error: `port` {port} on 127.0.0.1 cannot be used (Address already in use); "
        "give another port, or 0 for a free one"
    ), out.stderr
    assert out.stdout == ""


def test_surface_hopping_of_the_curve_page_agrees_with_exact_within_its_error():
    par = curves.CurveParameters(k_min=20.0, k_max=28.0, n_k=2, n_trajectories=100)
    seen: list[float] = []
    hop = curves.compute_hopping(par, seen.append)
    assert seen == [0.25, 0.5, 0.75, 1.0]
    exact = curves.compute_exact(par)["transmission"]
    for name in ("fssh", "lzsh"):
        t, err = hop[f"{name}_transmission"], hop[f"{name}_transmission_stderr"]
        # Tully 1 at k = 20, 28: T splits about evenly, then mostly upper; 4 standard errors
        assert np.all(np.abs(t - exact) <= 4 * err + 1e-12), (name, t, exact)
        assert np.allclose(t.sum(-1) + hop[f"{name}_reflection"].sum(-1), 1.0)


def test_in_a_notebook_explore_returns_the_app_and_its_pages_work(monkeypatch):
    """The Jupyter branch of ``lzsm.explore()`` (an app object, no server), then the pages'
    callbacks without a browser: a preset, a typed value, a map in the background, a CSV."""
    pytest.importorskip("panel")
    from lzsm.explore import app

    monkeypatch.setattr(app, "in_notebook", lambda: True)
    built: dict = {}
    real_build = app.build

    def build_and_keep():
        built["app"] = real_build()
        return built["app"]

    monkeypatch.setattr(app, "build", build_and_keep)
    shown = lzsm.explore()
    assert shown is built["app"]
    tabs = shown.objects[1]
    assert len(tabs.objects) == len(app.PAGES) == 5


def test_page_callbacks_without_a_browser():
    pytest.importorskip("panel")
    from types import SimpleNamespace

    page = crossing.CrossingPage()
    page.v_text.value = "0.25"
    assert page.state is not None and page.state.p_lz == pytest.approx(float(lzsm.lz_probability(0.25, 1.0)))
    page.a_text.value = "-3 GHz/ns"  # a unit while the page is in hbar = 1: refused in one line
    assert page.message.visible and "a unit but no unit system" in page.message.object

    pages = {"crossing": page, "interferometry": None}
    menu = presets.PresetsPage()
    menu.connect(pages, None)
    menu.apply(presets.feshbach_ramp())
    f = presets.feshbach_ramp()
    assert page.state.p_lz == pytest.approx(math.exp(-2 * math.pi * f.coupling**2 / f.sweep_rate), rel=1e-9)

    maps = interferometry.InterferometryPage(interferometry.MapParameters(resolution=16, n_periods=2))
    maps.resolution.value = 16
    maps.start_map()
    maps.background._thread.join(timeout=60)
    assert maps.map_data is not None and maps.map_data.p_mean.shape == (16, 16)

    cp = curves.CurvesPage(curves.CurveParameters(k_min=10.0, k_max=20.0, n_k=3))
    x = np.linspace(-10, 10, 101)
    rows = "\n".join(f"{a},{0.01 * np.tanh(a)},{-0.01 * np.tanh(a)},0.005" for a in x)
    cp._on_csv(SimpleNamespace(new=("x,V11,V22,V12\n" + rows).encode()))
    assert cp.par.model == "CSV" and cp.curves is not None
    assert np.interp(0.0, cp.curves["x"], cp.curves["e1"] - cp.curves["e0"]) == pytest.approx(0.01, rel=1e-3)
