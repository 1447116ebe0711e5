"""Split-operator wavepackets (lzsm.molecules.wavepackets): the engine in 1-D and 2-D against closed forms,
and 1-D scattering on Tully's models against the stationary coupled-channel calculation.

Closed forms used:
* free Gaussian: centre x0 + (p/m) t, width sigma(t) = sigma sqrt(1 + (hbar t/(2 m sigma^2))^2);
* constant coupling c between two degenerate states: P_1(t) = cos^2(c t/hbar) (Rabi), for any
  spatial wavepacket, in any number of dimensions;
* harmonic oscillator: every wavepacket returns to itself after one period 2 pi/omega
  (anisotropic 2-D oscillator with per-axis masses: after the common period).
"""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

import lzsm
from lzsm.errors import LzsmConvergenceWarning, LzsmTypeError, LzsmValueError
from lzsm.models.curves import TULLY_MODELS, TabulatedCurves, TullySimple
from lzsm.molecules.scattering import wavepacket_scattering
from lzsm.molecules.stationary import stationary_scattering
from lzsm.molecules.wavepackets import Grid, absorbing_potential, gaussian_wavepacket, propagate
from lzsm.results import Status


def test_free_gaussian_1d():
    g = Grid.uniform((-40, 40), 1024)
    m, s0, k0 = 2.0, 1.0, 3.0
    psi = gaussian_wavepacket(g, -10, k0, s0, [1, 0])
    ev = propagate(np.zeros(g.shape + (2, 2)), g, psi, m, 0.01, 500, save_every=100)
    x = g.axes[0]
    for t, ps in zip(ev.times, ev.psi):
        rho = np.sum(np.abs(ps) ** 2, -1) * g.cell
        mean = np.sum(rho * x)
        width = np.sqrt(np.sum(rho * (x - mean) ** 2))
        assert mean == pytest.approx(-10 + k0 / m * t, abs=1e-10)
        assert width == pytest.approx(s0 * np.sqrt(1 + (t / (2 * m * s0**2)) ** 2), rel=1e-10)
    assert np.allclose(ev.norm, 1.0, atol=1e-12)


def test_rabi_oscillation_2d_with_per_axis_masses():
    """Constant coupling: T and V commute, so the splitting is exact: P_1 = cos^2(c t)."""
    g = Grid.uniform([(-10, 10), (-8, 8)], (64, 48))
    c = 0.3
    v = np.zeros(g.shape + (2, 2))
    v[..., 0, 1] = v[..., 1, 0] = c
    psi = gaussian_wavepacket(g, (0, 0), (1, 0.5), (1.5, 1.2), [1, 0])
    ev = propagate(v, g, psi, (1.0, 2.0), 0.05, 200, save_every=20)
    assert np.max(np.abs(ev.diabatic_populations[:, 0] - np.cos(c * ev.times) ** 2)) < 1e-12
    # adiabatic states (|1> -/+ |2>)/sqrt2 stay half-half
    assert np.allclose(ev.adiabatic_populations, 0.5, atol=1e-12)
    ds = ev.to_xarray()
    assert ds["psi"].dims == ("t", "x", "y", "diabatic")


def test_harmonic_revival_2d_and_second_order_convergence():
    """2-D oscillator with masses (1, 4) and omegas (1, 2): a displaced, boosted packet returns
    after T = 2 pi with the zero-point phase exp(-i (omega_1 + omega_2) T/2) = -1.  The Strang
    error scales as dt^2 (ratio ~4 on halving dt)."""
    g = Grid.uniform([(-8, 8), (-5, 5)], (64, 128))
    masses, om = (1.0, 4.0), (1.0, 2.0)

    def potential(x, y):
        return (0.5 * masses[0] * om[0] ** 2 * x**2 + 0.5 * masses[1] * om[1] ** 2 * y**2)[..., None, None]

    psi0 = gaussian_wavepacket(g, (1.0, -0.5), (0.7, 0.0), (0.8, 0.5), [1.0])
    errors = []
    for n in (200, 400):
        ev = propagate(potential, g, psi0, masses, 2 * np.pi / n, n)
        errors.append(np.sqrt(np.sum(np.abs(ev.psi[-1] + psi0) ** 2) * g.cell))
    assert errors[1] < 1e-2
    assert 3.5 < errors[0] / errors[1] < 4.5
    assert ev.momentum_tail < 1e-12


def test_absorber_books_every_lost_bit():
    """What the absorber removes is booked per state: remaining + absorbed = 1."""
    g = Grid.uniform((-30, 30), 512)
    w = absorbing_potential(g, 8.0, 20.0)
    v = np.zeros(g.shape + (2, 2))
    v[..., 0, 0] = 0.1
    psi = gaussian_wavepacket(g, 0.0, 4.0, 1.0, [0.6, 0.8])
    ev = propagate(v, g, psi, 1.0, 0.02, 1500, absorber=w, save_every=100)
    total = ev.norm + ev.absorbed_diabatic.sum(-1)
    assert np.allclose(total, 1.0, atol=1e-12)
    assert ev.norm[-1] < 1e-6
    assert np.allclose(ev.absorbed_diabatic[-1], [0.36, 0.64], atol=1e-5)
    assert np.allclose(np.sort(ev.absorbed_adiabatic[-1]), [0.36, 0.64], atol=1e-5)


def test_engine_bad_input():
    g = Grid.uniform((-10, 10), 64)
    v = np.zeros(g.shape + (2, 2))
    psi = gaussian_wavepacket(g, 0.0, 1.0, 1.0, [1, 0])
    with pytest.raises(LzsmValueError, match="`mass` must be > 0"):
        propagate(v, g, psi, 0.0, 0.1, 10)
    with pytest.raises(LzsmValueError, match="grid too coarse for the momentum"):
        gaussian_wavepacket(g, 0.0, 20.0, 1.0, [1, 0])
    with pytest.raises(LzsmValueError, match="Hermitian"):
        bad = v.copy()
        bad[..., 0, 1] = 1.0
        propagate(bad, g, psi, 1.0, 0.1, 10)
    with pytest.raises(LzsmValueError, match=r"`psi0` must have shape"):
        propagate(v, g, psi[:, :1], 1.0, 0.1, 10)
    with pytest.raises(LzsmValueError, match="`dt` must be > 0"):
        propagate(v, g, psi, 1.0, -0.1, 10)
    with pytest.raises(LzsmTypeError, match="Grid"):
        propagate(v, "grid", psi, 1.0, 0.1, 10)
    with pytest.raises(LzsmValueError, match="4 widths inside"):
        gaussian_wavepacket(g, 9.0, 1.0, 1.0, [1, 0])
    with pytest.raises(LzsmValueError, match="more than half"):
        absorbing_potential(g, 15.0, 1.0)


# --------------------------------------------------------------------------- 1-D scattering
# Tully's models at momenta clear of channel thresholds (Tully 1: k = 8.94; Tully 3: 28.3),
# chosen so the whole file stays fast.

CASES = {"simple": 20.0, "dual": 30.0, "extended": 20.0}


@pytest.fixture(scope="module")
def tully_runs():
    out = {}
    for name, k in CASES.items():
        m = TULLY_MODELS[name]()
        wp = wavepacket_scattering(m, k)
        out[name] = (m, wp, stationary_scattering(m, k=wp.k_resolved))
    return out


@pytest.mark.parametrize("name", sorted(CASES))
def test_energy_resolved_probabilities_agree_with_stationary(tully_runs, name):
    """The issue's criterion: exact wavepacket probabilities agree with the independent
    stationary calculation to 1e-3, at every resolved momentum (k0 +- 2.5 sigma_k), per
    channel, transmission and reflection.  Measured: <= 3e-5 (the stationary error estimate is
    ~1e-7), so a tighter 2e-4 is asserted too, to catch regressions well inside the criterion."""
    _, wp, st = tully_runs[name]
    assert wp.convergence.converged, wp.convergence.summary()
    assert np.max(np.abs(wp.transmission_resolved - st.transmission)) < 1e-3
    assert np.max(np.abs(wp.reflection_resolved - st.reflection)) < 1e-3
    assert (
        max(
            np.max(np.abs(wp.transmission_resolved - st.transmission)),
            np.max(np.abs(wp.reflection_resolved - st.reflection)),
        )
        < 2e-4
    )
    assert np.max(np.abs(wp.transmission_resolved_diabatic - st.transmission_diabatic)) < 1e-3
    centre = wp.at_momentum()
    assert np.allclose(centre["transmission"], st.transmission[5], atol=1e-3)


@pytest.mark.parametrize("name", sorted(CASES))
def test_packet_averages_equal_the_momentum_average_of_stationary(tully_runs, name):
    """Packet-averaged probabilities (absorbed norm per channel) equal the stationary ones
    averaged over |phi(k)|^2 (Gaussian of std sigma_k; 40-point Gauss–Hermite), to 2e-5
    (measured ~5e-6: absorber reflection, unabsorbed norm, dt)."""
    m, wp, _ = tully_runs[name]
    x, w = np.polynomial.hermite_e.hermegauss(40)
    ks = wp.k + wp.k_width * x
    st = stationary_scattering(m, k=ks)
    w = w / w.sum()
    assert np.allclose(wp.transmission, w @ st.transmission, atol=2e-5)
    assert np.allclose(wp.reflection, w @ st.reflection, atol=2e-5)
    assert wp.transmission.sum() + wp.reflection.sum() == pytest.approx(1.0, abs=1e-7)
    ds = wp.to_xarray()
    assert "converged" in ds.attrs["convergence"]


def test_grid_refinement_and_convergence_report():
    """convergence='full' reruns on a 1.5x finer grid with longer absorbers: the results move by
    less than the tolerance and still agree with the stationary ones."""
    m = TullySimple()
    wp = wavepacket_scattering(m, 25.0, convergence="full")
    c = wp.convergence
    assert c.grid_error < 1e-4 and c.dt_error < 1e-4 and c.converged
    assert "converged to 0.0001" in c.summary()
    st = stationary_scattering(m, k=wp.k_resolved)
    assert np.max(np.abs(wp.transmission_resolved - st.transmission)) < 1e-3
    # a time step far too large is caught by the Richardson estimate (handover=False keeps the
    # wavepacket's own numbers instead of handing over to the packet-averaged stationary route)
    with pytest.warns(LzsmConvergenceWarning, match="NOT converged"):
        coarse = wavepacket_scattering(m, 25.0, dt=40.0, handover=False)
    assert coarse.convergence.dt_error > 10 * c.dt_error
    assert not coarse.ok and coarse.status == Status.NOT_CONVERGED


def test_tabulated_curves_scatter_like_the_analytic_model():
    """Wavepacket on a cubic-spline table of Tully 1 (spacing 0.02) vs the analytic model:
    equal to 1e-4 (the spline changes the potential by O(h^2) ~ 1e-6 at the V11'' kink)."""
    m = TullySimple()
    a, b = m.interaction_range
    tab = TabulatedCurves.from_model(m, np.arange(a, b + 0.01, 0.02))
    r_tab = wavepacket_scattering(tab, 20.0, convergence="none")
    r_ana = wavepacket_scattering(m, 20.0, convergence="none", x_range=(a, b))
    assert np.max(np.abs(r_tab.transmission_resolved - r_ana.transmission_resolved)) < 1e-4
    assert np.max(np.abs(r_tab.transmission - r_ana.transmission)) < 1e-4


def test_scattering_bad_input():
    m = TullySimple()
    with pytest.raises(LzsmValueError, match="`mass` must be > 0"):
        wavepacket_scattering(TullySimple(mass=0.0), 20.0)
    with pytest.raises(LzsmValueError, match="`k` must be > 0"):
        wavepacket_scattering(m, -20.0)
    with pytest.raises(LzsmValueError, match="too broad"):
        wavepacket_scattering(m, 20.0, k_width=5.0)
    with pytest.raises(LzsmValueError, match="`initial`"):
        wavepacket_scattering(m, 20.0, initial=3)
    with pytest.raises(LzsmValueError, match="convergence"):
        wavepacket_scattering(m, 20.0, convergence="maybe")
    with pytest.raises(LzsmTypeError, match="Curves"):
        wavepacket_scattering(np.eye(2), 20.0)


def test_momentum_sweep_and_figures():
    from lzsm.molecules.scattering import scattering_vs_momentum
    from lzsm.plot.molecules import plot_scattering_vs_momentum, plot_snapshots

    m = TullySimple()
    ds = scattering_vs_momentum(m, [12.0, 20.0, 30.0])
    assert ds["transmission"].dims == ("k", "adiabatic")
    assert np.allclose(ds["transmission"].sum("adiabatic") + ds["reflection"].sum("adiabatic"), 1.0, atol=1e-6)
    # another method's results overlaid with error bars (what surface hopping passes in)
    other = {
        "k": np.array([20.0]),
        "transmission": np.array([[0.5, 0.5]]),
        "transmission_stderr": np.array([[0.01, 0.01]]),
        "reflection": np.zeros((1, 2)),
    }
    ax = plot_scattering_vs_momentum(ds, extra=[("FSSH", other)])
    assert len(ax.containers) == 4 and len(ax.lines) >= 4
    g = Grid.uniform((-20, 20), 256)
    psi = gaussian_wavepacket(g, -5.0, 10.0, 1.0, [0.0, 1.0])
    ev = propagate(m, g, psi, 2000.0, 5.0, 40, save_every=20)
    assert plot_snapshots(ev, picture="adiabatic", potential=m).get_xlabel() == "x"
    with pytest.raises(LzsmValueError, match="needs the `potential`"):
        plot_snapshots(ev, picture="adiabatic")
    g2 = Grid.uniform([(-5, 5), (-5, 5)], (32, 32))
    ev2 = propagate(
        np.zeros(g2.shape + (1, 1)),
        g2,
        gaussian_wavepacket(g2, (0, 0), (1, 0), (1, 1), [1.0]),
        1.0,
        0.1,
        10,
        save_every=5,
    )
    assert plot_snapshots(ev2).get_ylabel() == "y"


# --------------------------------------------------------------------------- results, vocabulary, checks
def test_wavepacket_evolution_export(tmp_path):
    """WavepacketEvolution is an lzsm result: complex psi and populations on labelled dims,
    NetCDF round trip, one-line repr."""
    g = Grid.uniform([(-10, 10), (-8, 8)], (32, 24))
    v = np.zeros(g.shape + (2, 2))
    v[..., 0, 1] = v[..., 1, 0] = 0.3
    ev = propagate(v, g, gaussian_wavepacket(g, (0, 0), (1, 0.5), (1.5, 1.2), [1, 0]), 1.0, 0.05, 40, save_every=20)
    ds = ev.to_xarray()
    assert ds["psi"].dims == ("t", "x", "y", "diabatic") and ds["psi"].dtype == np.complex128
    assert ds["population_diabatic"].dims == ("t", "diabatic")
    assert ds["population_adiabatic"].dims == ("t", "adiabatic")
    assert ds["absorbed_adiabatic"].dims == ("t", "adiabatic") and ds["norm"].dims == ("t",)
    assert int(ds["n_steps"]) == 40 and ev.n_steps == 40 and ev.method == "split-operator"
    ev.to_netcdf(tmp_path / "ev.nc")
    with xr.open_dataset(tmp_path / "ev.nc", engine="h5netcdf") as back:
        np.testing.assert_array_equal(back["psi"].values, ev.psi)
        np.testing.assert_array_equal(back["t"].values, ev.times)
        assert back.attrs["dt"] == 0.05
    assert len(repr(ev)) < 300 and "3 saved times" in repr(ev)


def test_wavepacket_scattering_export(tully_runs, tmp_path):
    _, wp, _ = tully_runs["simple"]
    ds = wp.to_xarray()
    assert ds["transmission"].dims == ("adiabatic",) and ds["transmission_diabatic"].dims == ("diabatic",)
    assert ds["transmission_resolved"].dims == ("k", "adiabatic")
    assert ds["reflection_resolved_diabatic"].dims == ("k", "diabatic")
    np.testing.assert_array_equal(ds["k"].values, wp.k_resolved)
    np.testing.assert_array_equal(ds["energy"].values, wp.energies)
    assert float(ds["error_estimate"]) == wp.convergence.estimated_error == wp.error_estimate
    assert wp.ok and wp.status == Status.OK and wp.options.tol == 1e-4
    wp.to_netcdf(tmp_path / "wp.nc")
    with xr.open_dataset(tmp_path / "wp.nc", engine="h5netcdf") as back:
        np.testing.assert_array_equal(back["transmission_resolved"].values, wp.transmission_resolved)
        assert back.attrs["k_center"] == 20.0 and "converged" in back.attrs["convergence"]
    assert len(repr(wp)) < 300 and repr(wp).startswith("WavepacketScattering(wavepacket scattering, k = 20")
    unchecked = wavepacket_scattering(TullySimple(), 20.0, convergence="none", k_resolved=[20.0], tol=None)
    assert unchecked.status == Status.NOT_CHECKED and unchecked.ok and unchecked.options.tol == 1e-4
    with pytest.raises(LzsmValueError, match="`tol` must be in"):
        wavepacket_scattering(TullySimple(), 20.0, tol=2.0)


def test_initial_channel_grammar():
    """``initial`` names the incoming channel in the grammar of every front door: Tully 1's
    diabatic state 1 (V22 = +A at the left) is the upper channel there."""
    m = TullySimple()
    a = wavepacket_scattering(m, 20.0, convergence="none", initial="upper", k_resolved=[20.0])
    b = wavepacket_scattering(m, 20.0, convergence="none", initial=1, k_resolved=[20.0])
    assert a.incoming_state == b.incoming_state == 1
    np.testing.assert_array_equal(a.transmission_resolved, b.transmission_resolved)
    with pytest.raises(LzsmValueError, match="scattering starts in one channel"):
        wavepacket_scattering(m, 20.0, initial=[1.0, 0.0])


def test_lzsm_0_1_keywords_still_work():
    """The lzsm 0.1 keywords and attribute names still work, with DeprecationWarnings, and give
    the same numbers as the new ones."""
    from lzsm.molecules.scattering import scattering_vs_momentum

    m = TullySimple()
    new = wavepacket_scattering(m, 20.0, convergence="none", k_width=1.5, k_resolved=[19.0, 20.0], tol=1e-3)
    with pytest.deprecated_call():
        old = wavepacket_scattering(
            m,
            momentum=20.0,
            mass=2000.0,
            hbar=1.0,
            convergence="none",
            momentum_width=1.5,
            resolved_momenta=[19.0, 20.0],
            tolerance=1e-3,
            incoming_state=0,
        )
    np.testing.assert_array_equal(old.transmission_resolved, new.transmission_resolved)
    with pytest.deprecated_call(match="WavepacketScattering.momentum is deprecated"):
        assert old.momentum == 20.0
    with pytest.deprecated_call(match="use WavepacketScattering.k_width"):
        assert old.momentum_width == 1.5
    with pytest.deprecated_call(match="use WavepacketScattering.k_resolved"):
        np.testing.assert_array_equal(old.momenta, [19.0, 20.0])
    with pytest.deprecated_call() as record:
        ds = scattering_vs_momentum(m, momenta=[12.0, 20.0], incoming_state=0)
    messages = " ".join(str(w.message) for w in record)
    assert "scattering_vs_momentum(momenta=...)" in messages and "use initial=..." in messages
    np.testing.assert_array_equal(ds["transmission"].values, scattering_vs_momentum(m, [12.0, 20.0])["transmission"])
    with pytest.raises(LzsmTypeError, match="got both `momentum` \\(deprecated\\) and `k`"):
        wavepacket_scattering(m, k=20.0, momentum=20.0)


def test_engine_checks_integers_and_takes_hbar_from_the_model():
    g = Grid.uniform((-20, 20), 256)
    psi = gaussian_wavepacket(g, -5.0, 10.0, 1.0, [0.0, 1.0])
    with pytest.raises(LzsmValueError, match="`n_steps` must be an integer >= 0, got True"):
        propagate(TullySimple(), g, psi, 2000.0, 5.0, True)
    with pytest.raises(LzsmValueError, match="`save_every` must be an integer >= 1, got 2.5"):
        propagate(TullySimple(), g, psi, 2000.0, 5.0, 10, save_every=2.5)
    with pytest.raises(LzsmValueError, match="`n_points` must be an integer in \\[4, "):
        Grid.uniform((-20, 20), 256.5)
    with pytest.raises(LzsmValueError, match="`power` must be an integer"):
        absorbing_potential(g, 2.0, 1.0, power=2.0)
    # a curve model's hbar is the default: equal to giving it explicitly
    assert propagate(TullySimple(hbar=2.0), g, psi, 2000.0, 5.0, 1).hbar == 2.0
    assert propagate(np.zeros(g.shape + (2, 2)), g, psi, 2000.0, 5.0, 1).hbar == 1.0
    np.testing.assert_allclose(
        propagate(TullySimple(), g, psi, 2000.0, 5.0, 20, hbar=2.0).psi,
        propagate(TullySimple(hbar=2.0), g, psi, 2000.0, 5.0, 20).psi,
        rtol=0,
        atol=0,
    )


def test_scattering_scan_is_a_result(tmp_path):
    import xarray as xr

    scan = lzsm.scattering_vs_momentum(TullySimple(), [12.0, 20.0])
    assert isinstance(scan, lzsm.results.Result) and scan.ok
    ds = scan.to_xarray()
    assert ds["transmission"].dims == ("k", "adiabatic") and list(ds.k.values) == [12.0, 20.0]
    assert {"status", "success", "error_estimate", "reflection_diabatic"} <= set(ds.data_vars)
    scan.to_netcdf(tmp_path / "s.nc")
    back = xr.open_dataset(tmp_path / "s.nc", engine="h5netcdf")
    np.testing.assert_array_equal(back["transmission"].values, scan["transmission"].values)
    assert len(repr(scan)) < 300


# --------------------------------------------------------------------------- the error estimate keeps its word
def _actual_error(m, wp):
    """Largest deviation of the energy-resolved probabilities and the packet averages from the
    stationary coupled-channel solution (packet averages: 40-point Gauss–Hermite over |phi(k)|^2).
    The stationary step 0.004 (its error estimate <= 1.2e-6) gives the same deviations at k = 4
    and 5 as steps 0.002 and 0.001, to 4 significant digits (6.502e-6 and 1.2305e-5)."""
    st = stationary_scattering(m, k=wp.k_resolved, step=0.004)
    x, w = np.polynomial.hermite_e.hermegauss(40)
    avg = stationary_scattering(m, k=wp.k + wp.k_width * x, step=0.004)
    w = w / w.sum()
    return max(
        np.max(np.abs(wp.transmission_resolved - st.transmission)),
        np.max(np.abs(wp.reflection_resolved - st.reflection)),
        np.max(np.abs(wp.transmission - w @ avg.transmission)),
        np.max(np.abs(wp.reflection - w @ avg.reflection)),
    )


@pytest.mark.parametrize("k", [4.0, 5.0])
def test_default_check_bounds_the_error_at_low_momentum(k):
    """The issue's defect: on Tully's simple crossing at low momentum the default settings said
    'converged, estimated error 3e-6' while the reflection was 8e-4 off (the grid came from the
    kinetic energy alone, too coarse for the coupling's width, and the default check varied
    only the time step).  Now the grid resolves the lengths of potential and coupling, the
    default check varies every discretisation parameter, and the estimate bounds the error
    against the independent stationary solution."""
    m = TullySimple()
    wp = wavepacket_scattering(m, k)
    actual = _actual_error(m, wp)
    assert wp.status == Status.OK and wp.convergence.fixed == ()
    assert actual <= wp.error_estimate < wp.convergence.tolerance
    assert actual < 1e-4  # was 4e-4 (k = 4) and 8e-4 (k = 5)


def test_a_check_that_varies_only_the_time_step_says_so():
    """convergence='time_step' leaves grid, box and run length alone: its status is NOT_CHECKED,
    not OK, and the summary, the repr and the dataset name what was held fixed."""
    wp = wavepacket_scattering(TullySimple(), 20.0, convergence="time_step", tol=1e-3)
    c = wp.convergence
    assert wp.status == Status.NOT_CHECKED and c.varied == ("time step",)
    assert c.fixed == ("grid spacing", "absorbers and box", "run length")
    for text in (c.summary(), repr(wp), wp.to_xarray().attrs["not_varied"]):
        assert "grid spacing" in text and "run length" in text
    assert "NOT varied" in c.summary() and "NOT varied" in repr(wp)
    full = wavepacket_scattering(TullySimple(), 20.0, tol=1e-3)
    assert full.status == Status.OK and "all four varied" in full.convergence.summary()
    none = wavepacket_scattering(TullySimple(), 20.0, convergence="none", tol=1e-3)
    assert np.isnan(none.error_estimate) and none.status == Status.NOT_CHECKED


def test_structure_length_sees_the_coupling_and_the_potential():
    """The grid's length scale: for Tully 1 the coupling C exp(-D x^2) sets it (0.43/sqrt(D) is
    its V'/V'' scale; the diabatic slope scale is 1/B), and a narrower coupling gives a shorter
    length, hence a finer grid."""
    from lzsm.molecules.scattering import _structure_length

    xs = np.linspace(-10, 10, 4001)
    wide = _structure_length(TullySimple(), xs, 0.05, 2000.0, 1.0)
    narrow = _structure_length(TullySimple(D=16.0), xs, 0.05, 2000.0, 1.0)
    assert wide == pytest.approx(np.sqrt(2) * np.exp(-0.5) / 2, rel=2e-2)  # 0.43/sqrt(D), D = 1
    assert narrow == pytest.approx(wide / 4, rel=2e-2)
    coarse = wavepacket_scattering(TullySimple(), 20.0, convergence="none", tol=1e-3)
    fine = wavepacket_scattering(TullySimple(D=16.0), 20.0, convergence="none", tol=1e-3)
    assert fine.convergence.dx < 0.8 * coarse.convergence.dx


def test_progress_names_each_run_of_the_check(capsys):
    """The default check runs the packet three times or more (minutes near a threshold): with
    ``progress=True`` a bar counts the steps of each run and names it."""
    wavepacket_scattering(TullySimple(), 20.0, tol=1e-3, progress=True)
    err = capsys.readouterr().err
    assert "wavepacket_scattering (run 1" in err and "wavepacket_scattering (run 3" in err
    wavepacket_scattering(TullySimple(), 20.0, convergence="none", tol=1e-3, progress=False)
    assert "wavepacket_scattering" not in capsys.readouterr().err
