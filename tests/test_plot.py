"""Figures (lzsm.plot): each call returns the axes it drew on, draws on a given axes, refuses
a parameter grid where one point is meant, and leaves matplotlib's global style alone.

docs/conventions.md: P_LZ = exp(-2 pi V^2/(hbar alpha)) is drawn against the sweep rate; exact points
are the (rates, p_diabatic_stay) pairs the caller passes.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.axes import Axes

import lzsm

Q = np.linspace(-10.0, 10.0, 81)
LZ = lzsm.LandauZener(0.5, 1.0)
THREE = lzsm.LinearSweep([[0, 0.1, 0], [0.1, 0, 0.05], [0, 0.05, 0]], [1.0, 0.0, -1.0])


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def lz_evolution():
    return lzsm.evolve(LZ, (-10.0, 10.0), 0, np.linspace(-10.0, 10.0, 321))  # 6+ samples per gap period


def _rc_snapshot():
    return dict(matplotlib.rcParams.items())


# --------------------------------------------------------------------------- return / ax=
@pytest.mark.parametrize("model", [LZ, THREE], ids=["two-level", "three-level"])
def test_plot_energies_returns_axes(model):
    ax = lzsm.plot.crossing.plot_energies(model, Q)
    assert isinstance(ax, Axes)
    n = model.n_levels
    assert len(ax.lines) == n  # diabatic levels, dashed
    assert all(line.get_linestyle() == "--" for line in ax.lines)
    assert len(ax.collections) == n  # adiabatic levels, coloured by diabatic character
    np.testing.assert_allclose(ax.lines[0].get_xdata(), Q)


def test_plot_energies_on_given_axes():
    fig, ax = plt.subplots()
    assert lzsm.plot.crossing.plot_energies(LZ, Q, ax=ax, colorbar=False) is ax
    assert fig.axes == [ax] and len(ax.lines) == 2


def test_plot_nonadiabatic_coupling_returns_axes():
    ax = lzsm.plot.crossing.plot_nonadiabatic_coupling(LZ, Q)
    assert isinstance(ax, Axes) and len(ax.lines) == 1
    # Lorentzian of height F/(4V) = 1/(4*0.5) = 0.5 at the crossing (docs/conventions.md); Q contains t = 0
    assert np.max(ax.lines[0].get_ydata()) == pytest.approx(0.5, rel=1e-9)
    _, ax2 = plt.subplots()
    assert lzsm.plot.crossing.plot_nonadiabatic_coupling(THREE, Q, ax=ax2) is ax2
    assert len(ax2.lines) == 3  # |d_01|, |d_02|, |d_12|


def test_plot_populations_two_level(lz_evolution):
    axes = lzsm.plot.crossing.plot_populations(lz_evolution)
    assert len(axes) == 2
    assert all(isinstance(a, Axes) for a in axes)
    assert [len(a.lines) for a in axes] == [2, 2]
    # the lines are the evolution's populations in each picture
    np.testing.assert_allclose(axes[0].lines[0].get_ydata(), lz_evolution.populations[:, 0])
    np.testing.assert_allclose(axes[1].lines[1].get_ydata(), lz_evolution.adiabatic_populations[:, 1])
    np.testing.assert_allclose(axes[0].lines[0].get_xdata(), lz_evolution.t)


def test_plot_populations_on_given_axes(lz_evolution):
    fig, axs = plt.subplots(1, 2)
    assert lzsm.plot.crossing.plot_populations(lz_evolution, axes=axs) is axs
    assert [len(a.lines) for a in axs] == [2, 2] and len(fig.axes) == 2


def test_plot_populations_grid_point():
    ev = lzsm.evolve(lzsm.LandauZener(np.array([0.2, 0.5]), 1.0), (-5.0, 5.0), 0, np.linspace(-5, 5, 201))
    axes = lzsm.plot.crossing.plot_populations(ev, index=(1,))
    np.testing.assert_allclose(axes[0].lines[0].get_ydata(), ev.populations[1, :, 0])
    with pytest.raises(ValueError, match="index"):
        lzsm.plot.crossing.plot_populations(ev)


def test_plot_populations_error_leaves_no_figure():
    ev = lzsm.evolve(lzsm.LandauZener(np.array([0.2, 0.5]), 1.0), (-5.0, 5.0), 0)
    plt.close("all")
    with pytest.raises(ValueError):
        lzsm.plot.crossing.plot_populations(ev)
    assert plt.get_fignums() == []


def test_plot_probability_vs_rate_draws_exact_points():
    rates = np.array([0.1, 0.5, 2.0, 8.0])
    p = np.array([0.01, 0.3, 0.6, 0.9])
    ax = lzsm.plot.crossing.plot_probability_vs_rate(0.5, rates, exact=(rates, p), exact_label="mine")
    assert isinstance(ax, Axes)
    pts = [line for line in ax.lines if line.get_label() == "mine"]
    assert len(pts) == 1 and pts[0].get_marker() == "o" and pts[0].get_linestyle() == "None"
    np.testing.assert_array_equal(pts[0].get_xdata(), rates)
    np.testing.assert_array_equal(pts[0].get_ydata(), p)
    # the law itself: P_LZ = exp(-2 pi V^2/alpha) on the drawn curve (hbar = 1)
    law = ax.lines[0]
    x, y = np.asarray(law.get_xdata()), np.asarray(law.get_ydata())
    np.testing.assert_allclose(y, np.exp(-2 * np.pi * 0.25 / x), rtol=1e-12)
    assert x.min() == pytest.approx(0.1) and x.max() == pytest.approx(8.0)
    assert ax.get_xscale() == "log"


def test_plot_probability_vs_rate_on_given_axes_and_options():
    _, ax = plt.subplots()
    out = lzsm.plot.crossing.plot_probability_vs_rate(0.1, [0.05, 10.0], ax=ax, hbar=1 / (2 * np.pi), golden_rule=False)
    assert out is ax
    assert not any("golden" in line.get_label() for line in ax.lines)
    assert not any(line.get_marker() == "o" for line in ax.lines)  # no exact points given
    # P = 1/e marker at alpha = 2 pi V^2/hbar = 4 pi^2 V^2 (GHz/ns units)
    vlines = [line for line in ax.lines if np.ptp(np.asarray(line.get_xdata(), dtype=float)) == 0]
    assert len(vlines) == 1
    assert float(vlines[0].get_xdata()[0]) == pytest.approx(4 * np.pi**2 * 0.01, rel=1e-12)


# --------------------------------------------------------------------------- refusals
@pytest.mark.parametrize("fn", [lzsm.plot.crossing.plot_energies, lzsm.plot.crossing.plot_nonadiabatic_coupling])
def test_grid_model_is_refused(fn):
    grid = lzsm.LandauZener(np.array([0.1, 0.2]), 1.0)
    n = len(plt.get_fignums())
    with pytest.raises(ValueError, match="batch shape"):
        fn(grid, Q)
    assert len(plt.get_fignums()) == n  # refused before a figure is made
    fn(grid.point((1,)), Q)  # one point is fine


# --------------------------------------------------------------------------- global state
def test_rcparams_unchanged(lz_evolution):
    before = _rc_snapshot()
    lzsm.plot.crossing.plot_energies(LZ, Q)
    lzsm.plot.crossing.plot_energies(THREE, Q, colorbar=False)
    lzsm.plot.crossing.plot_populations(lz_evolution)
    lzsm.plot.crossing.plot_probability_vs_rate(0.5, np.geomspace(0.1, 10, 5), exact=([1.0], [0.2]))
    lzsm.plot.crossing.plot_nonadiabatic_coupling(THREE, Q)
    assert _rc_snapshot() == before


def test_new_axes_leaves_no_pyplot_state_unless_pyplot_is_in_use():
    """Scripts and the command line get bare Figures; sessions that use pyplot get pyplot figures."""
    import subprocess
    import sys

    code = (
        "import sys, matplotlib; matplotlib.use('Agg'); from lzsm.plot._axes import new_axes; "
        "ax = new_axes(); assert 'matplotlib.pyplot' not in sys.modules; "
        "import matplotlib.pyplot as plt; ax2 = new_axes(ncols=2); assert plt.get_fignums() == [1]; "
        "assert len(ax2) == 2; print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"


# --------------------------------------------------------------------------- figures that tell the truth
def test_plot_populations_refuses_aliased_sampling_and_names_the_number_of_times():
    # LZ with V = 0.5, alpha = 1: at t = +-10 the gap is ~10, period 2 pi/10 = 0.63 > 81 samples' 0.25 spacing
    # gives 2.5 samples per period: the drawn wiggles would be aliases
    coarse = lzsm.evolve(LZ, (-10.0, 10.0), 0, np.linspace(-10.0, 10.0, 81))
    needed = lzsm.plot._sampling.samples_needed(LZ, (-10.0, 10.0))
    with pytest.raises(lzsm.LzsmValueError, match=rf"Save at least {needed} evenly spaced times"):
        lzsm.plot.crossing.plot_populations(coarse)
    fine = lzsm.evolve(LZ, (-10.0, 10.0), 0, np.linspace(-10.0, 10.0, needed))
    assert len(lzsm.plot.crossing.plot_populations(fine)[0].lines) == 2


def test_samples_needed_gives_six_samples_per_period_of_the_largest_gap():
    # largest gap at t = +-10: sqrt(10^2 + 1) = 10.05 (hbar = 1), so 20 * 10.05 / (2 pi) = 32.0 cycles over the span
    cycles = 20.0 * np.sqrt(101.0) / (2 * np.pi)
    assert lzsm.plot._sampling.samples_needed(LZ, (-10.0, 10.0)) == int(np.ceil(cycles * 6)) + 1


def test_plot_noisy_populations_refuses_a_run_saved_only_at_its_ends():
    noise = lzsm.TelegraphNoise(amplitude=0.2, switching_rate=1.0)
    run = lzsm.evolve_noisy(LZ, (-5.0, 5.0), noise=noise, n_trajectories=8, seed=1)  # t_eval: the two ends
    with pytest.raises(lzsm.LzsmValueError, match="only 2 times"):
        lzsm.plot_noisy_populations(run)


def test_plot_probability_vs_rate_draws_the_finite_time_curve_beside_the_asymptotic_one():
    rates = np.geomspace(0.05, 10.0, 5)
    ax = lzsm.plot.crossing.plot_probability_vs_rate(0.1, rates, t_span=(-20.0, 20.0), energy_unit="GHz")
    finite = [line for line in ax.lines if line.get_label().startswith("exact for t in [-20, 20]")]
    assert len(finite) == 1
    x = finite[0].get_xdata()
    np.testing.assert_allclose(finite[0].get_ydata(), lzsm.finite_time_p_diabatic_stay(0.1, x, 20.0, -20.0), rtol=1e-12)
    assert ax.get_title().endswith("V = 0.1 GHz")


def test_axes_carry_units_or_say_model_units():
    ax = lzsm.plot.crossing.plot_energies(LZ, Q, coordinate_unit="ns", energy_unit="GHz")
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("t [ns]", "energy [GHz]")
    ax = lzsm.plot.crossing.plot_energies(LZ, Q)
    assert ax.get_xlabel() == "t (model units)" and ax.get_ylabel() == "energy (model units)"


def test_population_legends_use_zero_based_state_labels(lz_evolution):
    axes = lzsm.plot.crossing.plot_populations(lz_evolution)
    assert [line.get_label() for line in axes[0].lines] == ["diabatic 0", "diabatic 1"]
    assert [line.get_label() for line in axes[1].lines] == ["adiabatic 0", "adiabatic 1"]
