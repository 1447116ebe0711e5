"""Shared test configuration for lzsm.

Hypothesis profiles
-------------------
``ci``  : deterministic (derandomize, no example database, no deadline), 30 examples.
``dev`` : random, 30 examples, no deadline (the first example of a test may pay for numba
          loading its compiled kernels).
Select with the environment variable ``HYPOTHESIS_PROFILE`` (default ``dev``).

Conventions follow docs/conventions.md: ``H = [[E1, V], [conj(V), E2]]``, Landau-Zener
``E1 - E2 = alpha t``, ``P_LZ = exp(-2 pi |V|^2 / (hbar |alpha|))``.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from scipy.integrate import solve_ivp

settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=30,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "dev",
    deadline=None,
    max_examples=30,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def lz_hamiltonian(coupling, sweep_rate):
    """The Landau-Zener H(t) of docs/conventions.md written out by hand (independent of lzsm)."""
    v = complex(coupling)
    a = float(sweep_rate)

    def h(t):
        return np.array([[a * t / 2, v], [np.conj(v), -a * t / 2]], dtype=complex)

    return h


def _check_result(result, variables, path):
    """Every lzsm result: ``to_xarray()`` has ``variables`` (name -> dims), ``to_netcdf`` writes
    a file that reads back the same values, and the repr is one short line."""
    import xarray as xr

    ds = result.to_xarray()
    for name, dims in variables.items():
        assert ds[name].dims == tuple(dims), (name, ds[name].dims)
    assert {"status", "success"} <= set(ds.data_vars) and ds.attrs["result"] == type(result).__name__
    result.to_netcdf(path)
    with xr.open_dataset(path, engine="h5netcdf") as back:
        for name in variables:
            np.testing.assert_array_equal(back[name].values, ds[name].values)
    text = repr(result)
    assert len(text) < 300 and "\n" not in text and text.startswith(type(result).__name__ + "(")
    return ds


@pytest.fixture
def check_result(tmp_path):
    """``check_result(result, {name: dims})``: export, NetCDF round trip and repr of a result."""
    return lambda result, variables: _check_result(result, variables, tmp_path / "result.nc")


def _solve(hamiltonian, t_span, psi0, hbar=1.0, t_eval=None):
    """Independent reference: scipy DOP853 with rtol = atol = 1e-12 on i hbar psi' = H psi.

    Returns the state(s) at t_eval (default: the end of t_span), shape (..., N)."""
    psi0 = np.asarray(psi0, dtype=complex)

    def rhs(t, y):
        return (-1j / hbar) * (hamiltonian(t) @ y)

    sol = solve_ivp(
        rhs,
        t_span,
        psi0,
        method="DOP853",
        rtol=1e-12,
        atol=1e-12,
        t_eval=None if t_eval is None else np.asarray(t_eval, dtype=float),
    )
    assert sol.success, sol.message
    return sol.y[:, -1] if t_eval is None else sol.y.T


@pytest.fixture
def reference_solve():
    """``solve(hamiltonian, t_span, psi0, hbar=1, t_eval=None)``: scipy DOP853 reference."""
    return _solve


@pytest.fixture
def lz_h():
    """``lz_h(V, alpha)`` -> callable t -> 2x2 Landau-Zener Hamiltonian (hand-written)."""
    return lz_hamiltonian


@pytest.fixture(autouse=True)
def _close_figures():
    """Close pyplot figures a test opened (plot helpers use pyplot once a test imported it)."""
    yield
    import sys

    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
