"""The shared machinery of lzsm.fit: reading data (arrays, xarray, NetCDF, CSV), refusing bad
data with one clear error, the covariance of the estimate, the result and its exports."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

import lzsm
from lzsm.errors import LzsmTypeError, LzsmValueError
from lzsm.fitting.engine import read_data

RATE = np.geomspace(0.05, 5.0, 20)
CURVE = 0.02 + 0.95 * np.asarray(lzsm.lz_probability(0.3, RATE))  # Delta = 0.6


def test_the_four_input_forms_give_the_same_fit(tmp_path):
    rng = np.random.default_rng(41)
    p = CURVE + rng.normal(0.0, 0.01, RATE.size)
    from_arrays = lzsm.fit.passage(p, sweep_rate=RATE, sigma=0.01)
    da = xr.DataArray(p, dims="sweep_rate", coords={"sweep_rate": RATE})
    from_dataarray = lzsm.fit.passage(da, sigma=0.01)
    ds = xr.Dataset({"p_measured": da, "p_measured_stderr": da * 0 + 0.01})
    ds.to_netcdf(tmp_path / "d.nc", engine="h5netcdf")
    from_netcdf = lzsm.fit.passage(tmp_path / "d.nc")
    table = np.column_stack([RATE, p, np.full(RATE.size, 0.01)])
    np.savetxt(tmp_path / "d.csv", table, delimiter=",", header="sweep_rate,p_measured,p_measured_stderr", comments="")
    from_csv = lzsm.fit.passage(str(tmp_path / "d.csv"))
    for other in (from_dataarray, from_netcdf, from_csv):
        assert other.values["gap"] == pytest.approx(from_arrays.values["gap"], rel=1e-9)
        assert other.stderr["gap"] == pytest.approx(from_arrays.stderr["gap"], rel=1e-9)
        assert other.sigma_given


def test_covariance_scales_with_sigma_and_estimated_sigma():
    """Doubling the stated sigma doubles the standard errors and quarters chi-square; without sigma
    the errors come from the scatter (C scaled by the reduced chi-square)."""
    rng = np.random.default_rng(42)
    p = CURVE + rng.normal(0.0, 0.01, RATE.size)
    a = lzsm.fit.passage(p, sweep_rate=RATE, sigma=0.01)
    b = lzsm.fit.passage(p, sweep_rate=RATE, sigma=0.02)
    c = lzsm.fit.passage(p, sweep_rate=RATE)
    assert b.stderr["gap"] == pytest.approx(2 * a.stderr["gap"], rel=1e-4)
    assert b.chi2 == pytest.approx(a.chi2 / 4, rel=1e-6)
    assert c.stderr["gap"] == pytest.approx(a.stderr["gap"] * np.sqrt(a.reduced_chi2), rel=1e-4)
    assert not c.sigma_given and np.isnan(c.p_value)
    # the 1-sigma error of a linear parameter against its exact value: offset + visibility * P
    # is linear in (offset, visibility), so at fixed gap their covariance is (A^T A)^-1 sigma^2
    fixed_gap = lzsm.fit.passage(p, sweep_rate=RATE, sigma=0.01, fixed={"gap": a.values["gap"]})
    design = np.column_stack([np.ones(RATE.size), np.asarray(lzsm.lz_probability(a.values["gap"] / 2, RATE))])
    exact = np.sqrt(np.diag(np.linalg.inv(design.T @ design))) * 0.01
    assert fixed_gap.stderr["offset"] == pytest.approx(exact[0], rel=1e-4)
    assert fixed_gap.stderr["visibility"] == pytest.approx(exact[1], rel=1e-4)


def test_result_exports_and_figure(tmp_path):
    fit = lzsm.fit.passage(CURVE, sweep_rate=RATE, sigma=0.01)
    ds = fit.to_xarray()
    assert ds["value"].sel(parameter="gap") == pytest.approx(0.6, rel=1e-6)
    assert bool(ds["fitted"].sel(parameter="lever_arm")) is False
    assert ds["correlation"].dims == ("fitted_parameter", "fitted_parameter_2")
    assert np.allclose(np.diag(ds["correlation"].values), 1.0)
    assert ds["residual"].dims == ("sweep_rate",) and ds.attrs["measurement"].startswith("passage")
    fit.to_netcdf(tmp_path / "fit.nc")
    back = xr.open_dataset(tmp_path / "fit.nc", engine="h5netcdf")
    assert float(back["stderr"].sel(parameter="gap")) == pytest.approx(fit.stderr["gap"])
    back.close()
    axes = fit.plot()
    assert len(axes) == 2 and axes[0].get_xscale() == "log"
    assert "gap" in fit.summary() and "reduced chi2" in repr(fit)
    lo, hi = fit.interval("gap")
    assert hi - lo == pytest.approx(2 * fit.stderr["gap"])


@pytest.mark.parametrize(
    ("data", "kwargs", "match"),
    [
        (np.full(20, np.nan), {"sweep_rate": RATE}, "no finite point"),
        (np.ones((4, 5)), {"sweep_rate": RATE}, "must have 1 dimension"),
        (CURVE, {}, "needs its axis"),
        (CURVE, {"sweep_rate": RATE[:10]}, "has 10 values, the data 20"),
        (np.where(RATE > 1, 1.2, CURVE), {"sweep_rate": RATE}, r"must lie in \[0, 1\]"),
        (np.where(RATE > 1, 1.2, CURVE), {"sweep_rate": RATE, "sigma": 0.01}, "5 standard errors"),
        (CURVE[:3], {"sweep_rate": RATE[:3]}, "3 finite point.*at least 4"),
        (CURVE, {"sweep_rate": RATE, "sigma": -0.1}, "`sigma` must be > 0"),
        (CURVE, {"sweep_rate": RATE, "guess": {"Delta": 1.0}}, "unknown parameter 'Delta'"),
        (CURVE, {"sweep_rate": RATE, "fixed": {"visibility": 1.5}}, r"visibility.*\[0, 1\].*1.5"),
        # a lever arm of 0 has no meaning (it would surface as a zero sweep rate): refused by name
        (CURVE, {"sweep_rate": RATE, "fixed": {"lever_arm": 0.0}}, r"'lever_arm' must lie in \(0, inf\]"),
        (CURVE, {"sweep_rate": RATE, "window": True}, "apply to ramp times"),
        (CURVE, {"ramp_time": 1 / RATE}, "need `sweep_span`"),
        (CURVE, {"sweep_rate": -RATE}, "must be > 0"),
    ],
)
def test_bad_data_is_refused_clearly(data, kwargs, match):
    with pytest.raises(LzsmValueError, match=match):
        lzsm.fit.passage(data, **kwargs)


def test_bad_data_of_the_other_front_doors(tmp_path):
    with pytest.raises(LzsmValueError, match="must have 2 dimension"):
        lzsm.fit.spectroscopy(CURVE, frequency=1.0, offset_axis=RATE, amplitude_axis=RATE)
    with pytest.raises(LzsmValueError, match="amplitude axis.*>= 0"):
        lzsm.fit.spectroscopy(np.zeros((3, 2)), frequency=1.0, offset_axis=[0, 1, 2], amplitude_axis=[-1, 1])
    with pytest.raises(LzsmValueError, match="no starting value for parameter 'gap'"):
        lzsm.fit.spectroscopy(np.zeros((3, 2)), frequency=1.0, offset_axis=[0, 1, 2], amplitude_axis=[0, 1])
    with pytest.raises(LzsmValueError, match="crossing_time` must be > 0"):
        lzsm.fit.stueckelberg(CURVE, crossing_time=RATE - 1, sweep_rate=1.0)
    with pytest.raises(LzsmValueError, match="`density_cm3` must be > 0"):
        lzsm.fit.feshbach(CURVE, density_cm3=0.0, sweep_rate_gauss_per_ms=RATE)
    with pytest.raises(LzsmTypeError, match="`data` must hold real numbers"):
        lzsm.fit.passage(np.array(["a"] * 20), sweep_rate=RATE)
    (tmp_path / "gappy.csv").write_text("a,b,p_measured\n0,0,0.1\n0,1,0.2\n1,0,0.3\n", encoding="utf-8")
    with pytest.raises(LzsmValueError, match="complete grid"):
        read_data(tmp_path / "gappy.csv", {}, None, ndim=2)
    (tmp_path / "nop.csv").write_text("sweep_rate,prob\n1,0.1\n", encoding="utf-8")
    with pytest.raises(LzsmValueError, match="must have a column 'p_measured'"):
        lzsm.fit.passage(tmp_path / "nop.csv")
    with pytest.raises(LzsmValueError, match="does not exist"):
        lzsm.fit.passage(tmp_path / "missing.csv")
    with pytest.raises(LzsmValueError, match="only with plain arrays"):
        lzsm.fit.passage(xr.DataArray(CURVE, dims="sweep_rate", coords={"sweep_rate": RATE}), sweep_rate=RATE)


def test_missing_points_are_left_out():
    p = CURVE.copy()
    p[[3, 7]] = np.nan
    fit = lzsm.fit.passage(p, sweep_rate=RATE, sigma=0.01)
    assert fit.dof == 18 - 3
    assert np.isnan(fit.data["residual"].values[3])
    assert fit.values["gap"] == pytest.approx(0.6, rel=1e-6)


def test_a_zero_decay_time_or_lever_is_refused_by_name():
    """Spectroscopy's levers, frequency and decay times exclude 0: the parameter is named."""
    x = np.linspace(0.0, 1.0, 6)
    data = np.full((6, 6), 0.2)
    for name in ("t2", "lever_amplitude"):
        with pytest.raises(LzsmValueError, match=rf"'{name}' must lie in \(0, "):
            guess = {"gap": 0.06, "lever_offset": 1.05, "origin": 0.2, "lever_amplitude": 1.3, "t2": 12.0}
            guess.pop(name)
            lzsm.fit.spectroscopy(data, offset_axis=x, amplitude_axis=x, frequency=1.0, guess=guess, fixed={name: 0.0})
