"""Every front door alike: one positional order, one initial-state grammar, one options object,
a registered method, and a result with a status per point, ``to_xarray``, ``to_netcdf`` and a
short repr.  (The table of the closing note of the "One house" issue, as a test.)"""

from __future__ import annotations

import inspect

import numpy as np
import pytest
import xarray as xr

import lzsm
from lzsm.results import Result

LZ = lzsm.LandauZener(coupling=0.5, sweep_rate=1.0)
DRIVE = lzsm.PeriodicDrive(gap=1.0, offset=2.0, amplitude=6.0, frequency=5.0)
NOISE = lzsm.OrnsteinUhlenbeckNoise(sigma=0.2, correlation_time=0.5)

#: name -> a call with default settings (small, fast problems)
CALLS = {
    "evolve": lambda **kw: lzsm.evolve(LZ, (-20, 20), "adiabatic 0", **kw),
    "propagator": lambda **kw: lzsm.propagator(LZ, (-20, 20), **kw),
    "transition_matrix": lambda **kw: lzsm.transition_matrix(LZ, (-60, 60), **kw),
    "evolve_open": lambda **kw: lzsm.evolve_open(LZ, (-20, 20), "adiabatic 0", dephasing=0.1, **kw),
    "evolve_noisy": lambda **kw: lzsm.evolve_noisy(
        LZ, (-5, 5), "adiabatic 0", noise=NOISE, n_trajectories=8, seed=1, **kw
    ),
    "floquet": lambda **kw: lzsm.floquet(DRIVE, **kw),
    "spin_boson": lambda **kw: lzsm.spin_boson(
        LZ, (-20, 20), "diabatic 0", mode_energies=[1.0], couplings=[0.2], n_fock=3, **kw
    ),
    "interferometry_map": lambda **kw: lzsm.interferometry_map(
        DRIVE, offset=[0.0, 5.0], amplitude=[0.0, 5.0], n_periods=3, **kw
    ),
}
#: the generic options each front door honours besides ``progress``
HONOURS = {
    "evolve": "tol",
    "propagator": "tol",
    "transition_matrix": "tol",
    "evolve_open": "tol",
    "evolve_noisy": "max_steps",
    "floquet": "tol",
    "spin_boson": "tol",
    "interferometry_map": "tol",
}


@pytest.mark.parametrize("name", ["evolve", "evolve_open", "evolve_noisy"])
def test_one_positional_order(name):
    params = list(inspect.signature(getattr(lzsm, name)).parameters)
    assert params[:4] == ["model", "t_span", "initial", "t_eval"]


@pytest.mark.parametrize("name", sorted(CALLS))
def test_every_front_door_returns_a_result_that_exports(name, tmp_path):
    res = CALLS[name]()
    assert isinstance(res, Result)
    assert res.ok and res.version == lzsm.__version__ and res.method
    ds = res.to_xarray()
    assert {"status", "success"} <= set(ds.data_vars)
    assert ds.attrs["lzsm_version"] == lzsm.__version__ and ds.attrs["result"] == type(res).__name__
    res.to_netcdf(tmp_path / "r.nc")
    back = xr.open_dataset(tmp_path / "r.nc", engine="h5netcdf")
    assert set(back.data_vars) == set(ds.data_vars)
    assert len(repr(res)) < 300 and "\n" not in repr(res)


@pytest.mark.parametrize("name", sorted(CALLS))
def test_every_front_door_takes_the_options_object(name):
    field = HONOURS[name]
    value = {"tol": 1e-9, "max_steps": 10**6}[field]
    res = CALLS[name](options=lzsm.Options(**{field: value}))
    assert getattr(res.options, field) == value


def test_an_option_the_method_ignores_is_refused():
    with pytest.raises(lzsm.LzsmValueError, match="does not use the option.*'tol'"):
        CALLS["evolve_noisy"](tol=1e-8)  # stochastic trajectories have a fixed step, not a tolerance
    with pytest.raises(lzsm.LzsmValueError, match="does not use the option.*'breakpoints'"):
        lzsm.evolve_open(LZ, (-5, 5), method="dop853", breakpoints=[0.0])  # one solve, no steps landing on them
    # breakpoints land steps on a kink: the triangular double passage has one at t = 0
    tri = lzsm.DoublePassage(0.3, 1.0, 4.0, shape="triangular")
    a = lzsm.evolve_open(tri, (-8, 8), 0, dephasing=0.05)
    b = lzsm.evolve_open(tri, (-8, 8), 0, dephasing=0.05, breakpoints=[-1.0, 0.0, 1.0])
    np.testing.assert_allclose(b.rho, a.rho, atol=1e-8)


@pytest.mark.parametrize("name", ["evolve", "propagator", "transition_matrix", "evolve_open"])
def test_method_registry_dop853_agrees_with_magnus(name):
    """The registered reference integrator (SciPy DOP853) against the default Magnus kernel."""
    magnus, dop = CALLS[name](), CALLS[name](method="dop853", tol=1e-11)
    assert dop.method.startswith("dop853") or dop.method == "scipy-dop853"
    for attr in ("amplitudes", "u", "probabilities", "rho"):
        if hasattr(magnus, attr):
            np.testing.assert_allclose(np.asarray(getattr(dop, attr)), np.asarray(getattr(magnus, attr)), atol=1e-8)


def test_unknown_method_names_the_choices():
    with pytest.raises(lzsm.LzsmValueError, match="`method` must be one of 'dop853', 'magnus6'"):
        lzsm.evolve(LZ, (-5, 5), method="rk4")


@pytest.mark.parametrize("initial", [0, "diabatic 0", ("diabatic", 0), [1.0, 0.0], "adiabatic 1", "upper"])
def test_one_initial_grammar(initial):
    """The same forms are accepted by the coherent, open and noisy front doors and give the same
    initial state."""
    psi = lzsm.evolve(LZ, (-20, 20), initial, [-20.0, -20.0 + 1e-9, 20.0]).amplitudes[0]
    rho = lzsm.evolve_open(LZ, (-20, 20), initial).rho[0]
    noisy = lzsm.evolve_noisy(
        lzsm.LandauZener(0.5, 1.0), (-20, 20), initial, noise=NOISE, n_trajectories=2, seed=0
    ).initial
    np.testing.assert_allclose(rho, np.outer(psi, psi.conj()), atol=1e-14)
    np.testing.assert_allclose(np.abs(noisy), np.abs(psi), atol=1e-14)


def test_density_matrices_only_where_they_make_sense():
    rho = np.diag([1.0, 0.0])
    assert lzsm.evolve_open(LZ, (-5, 5), rho).ok
    with pytest.raises(lzsm.LzsmValueError, match="density matrices: use lzsm.evolve_open"):
        lzsm.evolve(LZ, (-5, 5), rho)


def test_molecular_front_doors_take_the_options_object():
    """Scattering front doors take lzsm.Options too and refuse what they cannot honour."""
    with pytest.warns(lzsm.LzsmConvergenceWarning, match="still in the box"):
        sh = lzsm.surface_hopping(lzsm.TullySimple(), 20.0, n_trajectories=4, options=lzsm.Options(max_steps=50))
    assert sh.n_unfinished[0] == 4 and sh.status[0] == lzsm.Status.MAX_STEPS  # 50 steps of dt = 1 go nowhere
    with pytest.raises(lzsm.LzsmValueError, match="surface_hopping does not use the option.*'tol'.*fixed dt"):
        lzsm.surface_hopping(lzsm.TullySimple(), 20.0, n_trajectories=4, options=lzsm.Options(tol=1e-6))
    wp = lzsm.wavepacket_scattering(lzsm.TullySimple(), 20.0, convergence="none", options=lzsm.Options(tol=1e-3))
    assert wp.options.tol == 1e-3
    with pytest.raises(lzsm.LzsmValueError, match="wavepacket_scattering does not use the option.*'max_steps'"):
        lzsm.wavepacket_scattering(lzsm.TullySimple(), 20.0, options=lzsm.Options(max_steps=10))
