"""LZSM interferometry maps (lzsm.interferometry, lzsm.plot_interferometry).

The map is a sweep of per-point Floquet computations, so the reference for every map entry is
lzsm.floquet of that single point (checked against exact propagation in test_floquet.py):
``p_upper_final`` = |<2| psi(n T)>|^2 from ``stroboscopic``, ``p_upper_mean`` from
``time_averaged_populations``.  Experiments: W. D. Oliver et al., Science 310, 1653 (2005);
theory: Shevchenko, Ashhab & Nori, Phys. Rep. 492, 1 (2010).
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import xarray as xr

import lzsm
from lzsm.dynamics.interferometry import auto_samples

BASE = lzsm.PeriodicDrive(gap=1.0, offset=0.0, amplitude=0.0, frequency=5.0)
OFFSET = np.linspace(-6.0, 14.0, 6)
AMPLITUDE = np.linspace(0.0, 16.0, 5)


@pytest.fixture(scope="module")
def small_map():
    return lzsm.interferometry_map(BASE, offset=OFFSET, amplitude=AMPLITUDE, n_periods=7, n_samples=64).to_xarray()


def test_map_equals_per_point_floquet(small_map):
    ds = small_map
    for i, eps in enumerate(OFFSET):
        for j, amp in enumerate(AMPLITUDE):
            fl = lzsm.floquet(lzsm.PeriodicDrive(1.0, eps, amp, 5.0), n_samples=64)
            final = np.abs(fl.stroboscopic(0, [7])[0]) ** 2
            mean = fl.time_averaged_populations(0, 7)
            # same parameters, same compiled integrator per point: equal to rounding
            assert ds["p_upper_final"].values[i, j] == pytest.approx(final[1], abs=1e-13)
            assert ds["p_upper_mean"].values[i, j] == pytest.approx(mean[1], abs=1e-13)
            assert np.allclose(ds["quasienergy"].values[i, j], fl.quasienergies, atol=1e-13)
    # the map is not trivial (resonances at eps0 = k hbar omega light up)
    assert ds["p_upper_mean"].max() > 0.1 and ds["p_upper_mean"].min() < 0.02


def test_dims_coords_attrs(small_map):
    ds = small_map
    assert ds["p_upper_final"].dims == ("offset", "amplitude")
    assert ds["p_upper_mean"].dims == ("offset", "amplitude")
    assert ds["quasienergy"].dims == ("offset", "amplitude", "floquet_state")
    assert ds["error_estimate"].dims == ("offset", "amplitude")
    assert np.array_equal(ds["offset"].values, OFFSET) and np.array_equal(ds["amplitude"].values, AMPLITUDE)
    assert np.array_equal(ds["floquet_state"].values, [0, 1])
    a = ds.attrs
    assert a["model"] == "PeriodicDrive" and a["shape"] == "harmonic" and a["hbar"] == 1.0
    assert a["n_periods"] == 7 and a["initial_diabatic_state"] == 0 and a["n_samples_per_period"] == 64
    assert a["fixed_gap"] == 1.0 and a["fixed_frequency"] == 5.0 and a["fixed_phase"] == 0.0
    assert "offset" not in {k[len("fixed_") :] for k in a if k.startswith("fixed_")}
    assert "7 periods" in ds["p_upper_final"].attrs["long_name"]
    # quasienergies folded into [-hbar omega/2, hbar omega/2), ascending
    q = ds["quasienergy"].values
    assert np.all(q >= -2.5) and np.all(q < 2.5) and np.all(np.diff(q, axis=-1) >= 0)
    # populations are populations
    for v in ("p_upper_final", "p_upper_mean"):
        assert np.all((ds[v].values >= -1e-12) & (ds[v].values <= 1 + 1e-12))


def test_axis_order_and_other_axes():
    ds = lzsm.interferometry_map(
        BASE, amplitude=AMPLITUDE[:3], frequency=np.array([4.0, 5.0]), n_periods=3, n_samples=32
    ).to_xarray()
    assert ds["p_upper_mean"].dims == ("amplitude", "frequency")
    assert ds.attrs["fixed_offset"] == 0.0 and "fixed_frequency" not in ds.attrs
    fl = lzsm.floquet(lzsm.PeriodicDrive(1.0, 0.0, AMPLITUDE[2], 4.0), n_samples=32)
    assert ds["p_upper_mean"].values[2, 0] == pytest.approx(fl.time_averaged_populations(0, 3)[1], abs=1e-13)


def test_initial_upper_state_and_triangular_shape():
    m = lzsm.PeriodicDrive(1.0, 0.0, 0.0, 5.0, shape="triangular")
    ds = lzsm.interferometry_map(
        m, offset=np.array([2.0, 5.0]), amplitude=np.array([3.0]), n_periods=4, initial=1, n_samples=32
    ).to_xarray()
    assert ds.attrs["shape"] == "triangular" and ds.attrs["initial_diabatic_state"] == 1
    fl = lzsm.floquet(lzsm.PeriodicDrive(1.0, 5.0, 3.0, 5.0, shape="triangular"), n_samples=32)
    assert ds["p_upper_final"].values[1, 0] == pytest.approx(abs(fl.stroboscopic(1, [4])[0, 1]) ** 2, abs=1e-13)


def test_infinite_time_map_has_only_the_mean():
    ds = lzsm.interferometry_map(
        BASE, offset=OFFSET[:3], amplitude=AMPLITUDE[:2], n_periods=None, n_samples=32
    ).to_xarray()
    assert "p_upper_final" not in ds and "p_upper_mean" in ds
    assert ds.attrs["n_periods"] == -1
    assert "infinite" in ds["p_upper_mean"].attrs["long_name"]
    fl = lzsm.floquet(lzsm.PeriodicDrive(1.0, OFFSET[1], AMPLITUDE[1], 5.0), n_samples=32)
    assert ds["p_upper_mean"].values[1, 1] == pytest.approx(fl.time_averaged_populations(0, None)[1], abs=1e-13)


def test_store_and_resume(tmp_path, small_map):
    store = tmp_path / "map.zarr"
    kw = {"offset": OFFSET, "amplitude": AMPLITUDE, "n_periods": 7, "n_samples": 64, "chunks": {"offset": 2}}
    first = lzsm.interferometry_map(BASE, store=store, **kw).to_xarray()
    assert store.is_dir() and lzsm.completed_blocks(store).all()
    again = lzsm.interferometry_map(BASE, store=store, resume=True, **kw).to_xarray()
    xr.testing.assert_identical(first, again)
    for v in ("p_upper_final", "p_upper_mean", "quasienergy"):
        assert np.array_equal(first[v].values, small_map[v].values)  # chunking changes nothing
    with pytest.raises(ValueError, match="store"):
        lzsm.interferometry_map(BASE, store=store, **kw).to_xarray()  # exists, no resume


def test_auto_samples_are_enough():
    """A map corner with large offset and amplitude (|eps0| + A = 80 = 16 hbar omega): the
    Floquet modes carry many harmonics; 'auto' must give the n_samples = 256 result to 1e-9
    (n_samples = 16 is off by ~3e-4 here, so the comparison has teeth)."""
    off, amp = np.array([36.0, 40.0]), np.array([37.0, 40.0])
    n_auto = auto_samples(1.0, off, amp, 5.0)
    assert n_auto >= 64 and (n_auto & (n_auto - 1)) == 0  # a power of two
    for n_periods in (20, None):
        auto = lzsm.interferometry_map(BASE, offset=off, amplitude=amp, n_periods=n_periods).to_xarray()
        ref = lzsm.interferometry_map(BASE, offset=off, amplitude=amp, n_periods=n_periods, n_samples=256).to_xarray()
        assert auto.attrs["n_samples_per_period"] == n_auto
        assert np.max(np.abs(auto["p_upper_mean"].values - ref["p_upper_mean"].values)) <= 1e-9
        if n_periods:
            assert np.max(np.abs(auto["p_upper_final"].values - ref["p_upper_final"].values)) <= 1e-9
    coarse = lzsm.interferometry_map(BASE, offset=off, amplitude=amp, n_periods=20, n_samples=16).to_xarray()
    assert np.max(np.abs(coarse["p_upper_mean"].values - ref["p_upper_mean"].values)) > 1e-5


def test_plot_interferometry_draws_resonance_lines():
    ds = lzsm.interferometry_map(
        BASE, offset=np.linspace(-12.0, 12.0, 7), amplitude=np.linspace(0.0, 20.0, 5), n_periods=None, n_samples=32
    ).to_xarray()
    ax = lzsm.plot_interferometry(ds)
    try:
        assert isinstance(ax, matplotlib.axes.Axes)
        # vertical lines at the k-photon resonances eps0 = k hbar omega inside [-12, 12]: k = -2..2
        vlines = sorted(
            {
                float(ln.get_xdata()[0])
                for ln in ax.lines
                if len(ln.get_xdata()) == 2 and ln.get_xdata()[0] == ln.get_xdata()[1]
            }
        )
        assert np.allclose(vlines, [-10.0, -5.0, 0.0, 5.0, 10.0])
        # coherent-destruction markers: A = hbar omega j_{k,n} <= 20, e.g. k = 0: A = 12.02 (j_{0,1} = 2.405)
        markers = np.concatenate(
            [
                np.column_stack([ln.get_xdata(), ln.get_ydata()])
                for ln in ax.lines
                if ln.get_marker() == "o" and len(ln.get_xdata())
            ]
        )
        assert np.any(np.all(np.isclose(markers, [0.0, 5 * 2.404825557695773]), axis=1))
        assert np.any(np.all(np.isclose(markers, [5.0, 5 * 3.8317059702075125]), axis=1))
        assert ax.get_xlim() == (-12.0, 12.0) and ax.get_ylim() == (0.0, 20.0)
        ax2 = lzsm.plot_interferometry(ds, resonances=False)
        assert len(ax2.lines) == 0
        with pytest.raises(ValueError, match="var"):
            lzsm.plot_interferometry(ds, var="p_upper_final")
    finally:
        plt.close("all")


@pytest.mark.parametrize(
    "model, kwargs, name",
    [
        (BASE, {"detuning": [1.0, 2.0]}, "detuning"),
        (lzsm.LandauZener(0.5, 1.0), {"offset": [1.0]}, "model"),
        (lzsm.PeriodicDrive(np.array([1.0, 2.0]), 0.0, 0.0, 5.0), {"offset": [1.0]}, "gap"),
        (BASE, {"offset": [1.0], "n_periods": 0}, "n_periods"),
        (BASE, {"offset": [1.0], "n_periods": 2.5}, "n_periods"),
        (BASE, {"offset": []}, "offset"),
        (BASE, {"offset": [1.0], "n_samples": 4}, "n_samples"),
        (BASE, {"offset": [1.0], "initial": 2}, "initial"),
        (lzsm.PeriodicDrive(1.0, 0.0, 0.0, 5.0, shape=np.cos), {"offset": [1.0]}, "shape"),
        (BASE, {}, "axis"),
    ],
)
def test_bad_input_raises_value_error_naming_it(model, kwargs, name):
    with pytest.raises(ValueError) as info:
        lzsm.interferometry_map(model, **kwargs).to_xarray()
    assert isinstance(info.value, lzsm.LzsmValueError)
    assert name in str(info.value), str(info.value)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"frequency": [0.0, 1.0]}, "frequency"),
        ({"frequency": [-5.0, 5.0], "n_samples": 32}, "frequency"),
        ({"amplitude": [-1.0, 1.0], "n_samples": 32}, "amplitude"),
    ],
)
def test_out_of_range_axis_values_raise_value_error_naming_the_axis(kwargs, name):
    with pytest.raises(ValueError) as info:
        lzsm.interferometry_map(BASE, **kwargs).to_xarray()
    assert isinstance(info.value, lzsm.LzsmValueError)
    assert name in str(info.value)


# --------------------------------------------------------------------------- estimator audit fix
def test_map_error_estimate_bounds_the_populations_after_many_periods():
    """The map's error estimate bounds its populations, not only the one-period propagator:
    after n periods the state carries up to n times that propagator's error.  It used to be
    the one-period estimate alone: after 200 periods the populations were off by up to 17x
    more (benchmarks/audit_estimators.py).  Reference: the one-period propagator from SciPy's
    DOP853 at tol 1e-13, raised to the 200th power."""
    drive = lzsm.PeriodicDrive(gap=0.5, offset=0.0, amplitude=0.0, frequency=1.0)
    offsets, amps = np.array([0.9, 1.0]), np.array([3.0, 6.0])
    m = lzsm.interferometry_map(drive, n_periods=200, tol=1e-8, offset=offsets, amplitude=amps)
    for i, eps0 in enumerate(offsets):
        for j, a in enumerate(amps):
            point = lzsm.PeriodicDrive(gap=0.5, offset=eps0, amplitude=a, frequency=1.0)
            u = lzsm.propagator(point, (0.0, 2 * np.pi), method="dop853", tol=1e-13).u[-1]
            p_final = abs(np.linalg.matrix_power(u, 200)[1, 0]) ** 2
            actual = abs(float(m.p_upper_final[i, j]) - p_final)
            assert actual <= float(m.data["error_estimate"][i, j]), (eps0, a, actual)


def test_map_error_estimate_of_the_infinite_time_average_grows_near_degenerate_quasienergies():
    """For the infinite-time average the bound is ``2 eps + 6 eps / gap`` (the Floquet states
    turn by up to eps/gap): larger than the one-period estimate, never above 1."""
    from lzsm.dynamics.interferometry import population_error_bound

    eps = np.array([1e-9, 1e-9, 0.5])
    lam = np.exp(1j * np.array([[0.0, 1.0], [0.0, 1e-6], [0.0, 0.1]]))
    bound = population_error_bound(eps, lam, None)
    assert bound[0] == pytest.approx(2e-9 + 6e-9 / abs(lam[0, 1] - 1.0))
    assert bound[1] > 1e-3 and bound[2] == 1.0
    assert population_error_bound(eps[:1], lam[:1], 20)[0] == pytest.approx(42e-9)


# --------------------------------------------------------------------------- n_periods and budgets
@pytest.mark.parametrize("n", [10**12, 10**16, 10**18])
def test_map_refuses_more_periods_than_tol_resolves(n):
    # these used to return p_upper_final up to 3e253 (1e18), 1.47 (1e16), or values moving by
    # 0.025 between tol 1e-10 and 1e-12 (1e12), with exit status 0
    with pytest.raises(lzsm.LzsmValueError, match=rf"`n_periods` = {n} .* at most 1e\+09"):
        lzsm.interferometry_map(BASE, n_periods=n, offset=OFFSET, amplitude=AMPLITUDE, tol=1e-10)


def test_map_at_trusted_n_periods_does_not_depend_on_tol_and_stays_a_probability():
    runs = [
        lzsm.interferometry_map(BASE, n_periods=10**6, offset=OFFSET, amplitude=AMPLITUDE, tol=tol, progress=False)
        for tol in (1e-12, 1e-14)
    ]
    for run in runs:
        for name in ("p_upper_final", "p_upper_mean"):
            p = run[name].values
            assert np.all((p >= 0) & (p <= 1))
    assert np.max(np.abs(runs[0].p_upper_final.values - runs[1].p_upper_final.values)) <= 1e-3


def test_map_refuses_a_low_frequency_before_computing():
    with pytest.raises(lzsm.LzsmResourceError, match=r"one drive period needs at least .* frequency = 1e-06"):
        lzsm.interferometry_map(BASE, offset=OFFSET, amplitude=np.linspace(0, 40, 5), frequency=[1e-6])


def test_map_refuses_a_block_beyond_the_memory_budget_naming_n_samples(monkeypatch):
    monkeypatch.setenv("LZSM_MEMORY_LIMIT", "2GiB")
    with pytest.raises(lzsm.LzsmResourceError, match=r"one block of the map needs about .*`n_samples`.*`chunks=`"):
        lzsm.interferometry_map(BASE, offset=OFFSET, amplitude=AMPLITUDE, n_samples=10**9)
    monkeypatch.setenv("LZSM_MEMORY_LIMIT", "100MiB")
    with pytest.raises(lzsm.LzsmResourceError, match=r"`n_samples` = 'auto'.* frequency = 0\.001"):
        lzsm.interferometry_map(BASE, offset=OFFSET, amplitude=AMPLITUDE, frequency=[1e-3])


def test_map_grid_beyond_the_point_limit_is_refused_with_the_numbers():
    with pytest.raises(
        lzsm.LzsmResourceError, match=r"100000 \(offset\) x 10000 \(amplitude\) = 1e\+09 points .* 1e\+07"
    ):
        lzsm.interferometry_map(BASE, offset=np.linspace(0, 1, 100_000), amplitude=np.linspace(0, 1, 10_000))
