"""Exact time propagation of N-level models over whole parameter grids.

``evolve(model, t_span, initial)`` integrates ``i hbar dpsi/dt = H(t) psi`` with the
sixth-order commutator Magnus integrator of :mod:`lzsm.kernels.magnus` (exact exponentials,
so every step is unitary; Richardson step-size control).  Models with ``H = A + B t``
(Landau–Zener, linear multi-level sweeps, constant Hamiltonians) run entirely in compiled
code, one parameter point per thread; models given by Python callables are stepped in
lock-step over the grid with NumPy, calling the model three times per step.

Convert, check, dispatch: the public function converts and validates its input, then picks the
kernel from the model's form.
"""

from __future__ import annotations
import math
import warnings
from dataclasses import dataclass, field
from typing import Any
import numpy as np
from lzsm import _checks
from lzsm.models import adiabatic as bases
from lzsm.errors import LzsmTypeError, LzsmValueError
from lzsm.kernels import magnus as _mk
from lzsm.models.base import Model
from lzsm.models.multilevel import LinearSweep
from lzsm.closed_forms.multilevel import _scale, _slopes

ArrayLike = Any

STATUS_MESSAGES = {
    _mk.STATUS_OK: "ok",
    _mk.STATUS_MAX_STEPS: "stopped: max_steps reached before the end of t_span",
    _mk.STATUS_STEP_UNDERFLOW: "stopped: step size underflow",
}

#: Default local error tolerance per step (amplitude norm).  With it Landau–Zener passages
#: (e.g. V = 0.5, alpha = 1, t in [-200, 200]) land within ~1e-10 of the exact finite-time value.
DEFAULT_TOL = 1e-10


@dataclass(frozen=True, eq=False)
class Evolution:
    """Result of :func:`evolve`: amplitudes at the saved times in both pictures.

    Attributes
    ----------
    t : saved times, shape (M,).
    amplitudes : diabatic amplitudes, shape ``(*batch, M, N)``.
    initial_adiabatic : index of the adiabatic state the system started in (largest
        population at t0), shape ``batch``.
    initial_diabatic : index of the initial diabatic state, or -1 where the initial state
        was not a diabatic basis state.
    error_estimate : a-posteriori bound on the amplitude error at the last time (sum of the
        accepted local error estimates; unitary steps do not amplify them), shape ``batch``.
    n_steps, status : accepted steps and a status code per parameter point (0 = ok; see
        :data:`STATUS_MESSAGES`).
    """

    model: Model
    t: np.ndarray
    amplitudes: np.ndarray
    initial_adiabatic: np.ndarray
    initial_diabatic: np.ndarray
    error_estimate: np.ndarray
    n_steps: np.ndarray
    status: np.ndarray
    method: str
    tol: float
    _cache: dict = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ both pictures
    @property
    def populations(self) -> np.ndarray:
        """Diabatic populations ``|c_j(t)|^2``, shape ``(*batch, M, N)``."""
        return np.abs(self.amplitudes) ** 2

    @property
    def adiabatic_amplitudes(self) -> np.ndarray:
        """Amplitudes on the adiabatic states (smooth gauge along the saved times)."""
        if "ad" not in self._cache:
            self._cache["ad"] = bases.to_adiabatic(self.amplitudes, self.model, self.t)
        return self._cache["ad"]

    @property
    def adiabatic_populations(self) -> np.ndarray:
        return np.abs(self.adiabatic_amplitudes) ** 2

    # ------------------------------------------------------------------ final probabilities
    @property
    def p_diabatic_stay(self) -> np.ndarray:
        """Population of the initial diabatic state at the final time (NaN where the system
        did not start in a diabatic basis state)."""
        idx = self.initial_diabatic
        pops = self.populations[..., -1, :]
        out = np.take_along_axis(pops, np.maximum(idx, 0)[..., None], axis=-1)[..., 0]
        return np.where(idx >= 0, out, np.nan)

    @property
    def p_adiabatic_follow(self) -> np.ndarray:
        """Population at the final time of the adiabatic state the system started in."""
        pops = self.adiabatic_populations[..., -1, :]
        return np.take_along_axis(pops, self.initial_adiabatic[..., None], axis=-1)[..., 0]

    @property
    def p_jump(self) -> np.ndarray:
        """``1 - p_adiabatic_follow``: probability of a non-adiabatic transition."""
        return 1.0 - self.p_adiabatic_follow

    @property
    def success(self) -> bool:
        return bool(np.all(self.status == _mk.STATUS_OK))

    # ------------------------------------------------------------------ export
    def _batch_coords(self) -> tuple[list[str], dict[str, Any]]:
        shape = self.model.batch_shape
        dims = [f"point_{i}" for i in range(len(shape))]
        coords: dict[str, Any] = {}
        for name, val in self.model.parameters().items():
            val = np.asarray(val)
            full = (1,) * (len(shape) - val.ndim) + val.shape
            varying = [i for i, n in enumerate(full) if n > 1]
            if len(varying) == 1 and not np.iscomplexobj(val):
                i = varying[0]
                if dims[i].startswith("point_"):
                    dims[i] = name
                    coords[name] = np.asarray(val).reshape(-1)
        return dims, coords

    def to_xarray(self):
        """An ``xarray.Dataset`` with labelled dimensions, units and settings in attrs."""
        import xarray as xr

        from lzsm._version import __version__

        bdims, coords = self._batch_coords()
        n = self.model.n_levels
        tdims = bdims + ["t"]
        coords.update({"t": self.t, "diabatic": np.arange(n), "adiabatic": np.arange(n)})
        data = {
            "amplitude_diabatic": (tdims + ["diabatic"], self.amplitudes),
            "amplitude_adiabatic": (tdims + ["adiabatic"], self.adiabatic_amplitudes),
            "population_diabatic": (tdims + ["diabatic"], self.populations),
            "population_adiabatic": (tdims + ["adiabatic"], self.adiabatic_populations),
            "p_diabatic_stay": (bdims, self.p_diabatic_stay),
            "p_adiabatic_follow": (bdims, self.p_adiabatic_follow),
            "p_jump": (bdims, self.p_jump),
            "error_estimate": (bdims, self.error_estimate),
            "n_steps": (bdims, self.n_steps),
            "status": (bdims, self.status),
        }
        ds = xr.Dataset(data, coords=coords)
        ds["t"].attrs.update(units="user time unit (hbar / energy unit)", long_name="time")
        for name in ("coupling", "sweep_rate", "bias"):
            if name in ds.coords:
                ds[name].attrs["units"] = {"coupling": "energy", "sweep_rate": "energy / time",
                                           "bias": "energy"}[name]
        ds["p_diabatic_stay"].attrs["long_name"] = "final population of the initial diabatic state"
        ds["p_adiabatic_follow"].attrs["long_name"] = "final population of the initial adiabatic state"
        ds["p_jump"].attrs["long_name"] = "final probability of a non-adiabatic transition"
        ds["error_estimate"].attrs["long_name"] = "a-posteriori bound on the final amplitude error"
        ds.attrs.update(
            lzsm_version=__version__, model=type(self.model).__name__, hbar=self.model.hbar,
            method=self.method, tol=self.tol, conventions="lzsm PHYSICS.md",
            status_codes=str(STATUS_MESSAGES),
        )
        return ds

    def to_netcdf(self, path) -> None:
        """Write :meth:`to_xarray` to NetCDF-4 (h5netcdf engine, complex amplitudes kept)."""
        write_netcdf(self.to_xarray(), path)


def write_netcdf(ds, path) -> None:
    """NetCDF-4/HDF5 via h5netcdf with complex variables stored as HDF5 complex (readable with
    ``xarray.open_dataset(path, engine="h5netcdf")``; h5netcdf flags this as a NetCDF extension)."""
    import warnings as _w

    with _w.catch_warnings():
        _w.filterwarnings("ignore", message=".*invalid netcdf features.*")
        ds.to_netcdf(path, engine="h5netcdf", invalid_netcdf=True)


# --------------------------------------------------------------------------- initial states
def _initial_state(model: Model, initial: Any, t0: float) -> tuple[np.ndarray, np.ndarray]:
    """(psi0 of shape (*batch, N), initial diabatic index or -1 of shape batch)."""
    n = model.n_levels
    shape = model.batch_shape
    if isinstance(initial, (bool, np.bool_)):
        raise LzsmTypeError("`initial` must be a state index, a name or a state vector, not a bool")
    if isinstance(initial, (int, np.integer)):
        initial = ("diabatic", int(initial))
    if isinstance(initial, str):
        text = initial.strip().lower().replace(":", " ")
        aliases = {"lower": "adiabatic 0", "ground": "adiabatic 0", "upper": f"adiabatic {n - 1}"}
        text = aliases.get(text, text)
        parts = text.split()
        if len(parts) != 2 or parts[0] not in ("diabatic", "adiabatic") or not parts[1].isdigit():
            raise LzsmValueError(
                f"`initial` name must be 'diabatic K', 'adiabatic K', 'lower' or 'upper'; got {initial!r}")
        initial = (parts[0], int(parts[1]))
    if isinstance(initial, tuple) and len(initial) == 2 and isinstance(initial[0], str):
        kind, k = initial
        if not 0 <= k < n:
            raise LzsmValueError(f"`initial` state index must be in 0..{n - 1}, got {k}")
        if kind == "diabatic":
            psi = np.zeros(shape + (n,), dtype=complex)
            psi[..., k] = 1.0
            return psi, np.full(shape, k)
        states = bases.adiabatic_states(model, t0)
        return np.ascontiguousarray(states[..., :, k]), np.full(shape, -1)
    psi = _checks.complex_array(initial, "initial")
    if psi.shape[-1:] != (n,):
        raise LzsmValueError(f"`initial` state vector must have shape (..., {n}), got {psi.shape}")
    try:
        psi = np.broadcast_to(psi, shape + (n,)).copy()
    except ValueError:
        raise LzsmValueError(f"`initial` of shape {psi.shape} does not broadcast to the model's grid "
                             f"{shape} x {n}") from None
    nrm = np.linalg.norm(psi, axis=-1)
    if np.any(np.abs(nrm - 1.0) > 1e-10):
        raise LzsmValueError(f"`initial` state vector must be normalised (|psi| = 1), got |psi| = {nrm.max():.6g}")
    basis_state = np.isclose(np.abs(psi), 1.0, atol=1e-12)
    dia = np.where(basis_state.any(axis=-1), np.argmax(basis_state, axis=-1), -1)
    return psi, dia


def _t_eval(t_span: Any, t_eval: Any) -> np.ndarray:
    t0, t1 = _checks.time_span(t_span)
    if t_eval is None:
        return np.array([t0, t1])
    te = _checks.real_array(t_eval, "t_eval")
    if te.ndim != 1 or te.size == 0:
        raise LzsmValueError(f"`t_eval` must be a non-empty 1-D array, got shape {te.shape}")
    if np.any(np.diff(te) <= 0):
        raise LzsmValueError("`t_eval` must be strictly increasing")
    if te[0] < t0 or te[-1] > t1:
        raise LzsmValueError(f"`t_eval` must lie within t_span [{t0}, {t1}], got [{te[0]}, {te[-1]}]")
    if te[0] > t0:
        te = np.concatenate([[t0], te])
    if te[-1] < t1:
        te = np.concatenate([te, [t1]])
    return te


# --------------------------------------------------------------------------- kernels
def _pauli(h: np.ndarray) -> np.ndarray:
    """Pauli 4-vectors (h0, hx, hy, hz) of Hermitian (..., 2, 2) matrices."""
    out = np.empty(h.shape[:-2] + (4,))
    out[..., 0] = 0.5 * (h[..., 0, 0] + h[..., 1, 1]).real
    out[..., 3] = 0.5 * (h[..., 0, 0] - h[..., 1, 1]).real
    out[..., 1] = h[..., 0, 1].real
    out[..., 2] = -h[..., 0, 1].imag
    return out


def run_kernel_form(kf, hbar: float, shape: tuple[int, ...], te: np.ndarray, psi0: np.ndarray, tol: float,
                    max_step: float = np.inf, max_steps: int = 10_000_000, progress: bool | None = None):
    """Compiled kernels over a flattened grid of ``H = A + B f(t)`` (a :class:`KernelForm`).

    psi0 (*shape, N, K) -> amplitudes (*shape, M, N, K), error estimates, steps, status."""
    n = kf.constant.shape[-1]
    kcols = psi0.shape[-1]
    npts = int(np.prod(shape, dtype=int))
    a = np.broadcast_to(kf.constant, shape + (n, n)).reshape(npts, n, n) / hbar
    b = np.broadcast_to(kf.coefficient, shape + (n, n)).reshape(npts, n, n) / hbar
    code = np.ascontiguousarray(np.broadcast_to(kf.code, shape).reshape(npts), dtype=np.int64)
    fpar = np.ascontiguousarray(np.broadcast_to(kf.fpar, shape + (2,)).reshape(npts, 2), dtype=float)
    psi = np.ascontiguousarray(np.broadcast_to(psi0, shape + (n, kcols)).reshape(npts, n, kcols), dtype=complex)
    serial = npts < 4
    if n == 2:
        kernel = _mk.evolve_two_level_serial if serial else _mk.evolve_two_level
        a_in, b_in = np.ascontiguousarray(_pauli(a)), np.ascontiguousarray(_pauli(b))
    else:
        kernel = _mk.evolve_n_level_serial if serial else _mk.evolve_n_level
        a_in, b_in = np.ascontiguousarray(a, dtype=complex), np.ascontiguousarray(b, dtype=complex)
    chunk = max(1, min(npts, 2048))
    starts = range(0, npts, chunk)
    from tqdm.auto import tqdm

    bar = tqdm(total=npts, disable=(progress is False or (progress is None and npts <= chunk)) or None,
               unit="point", desc="evolve")
    outs, errs, steps, stats = [], [], [], []
    try:
        for s in starts:
            sl = slice(s, s + chunk)
            o, e, k, st = kernel(a_in[sl], b_in[sl], code[sl], fpar[sl], te, psi[sl], tol, 0.0, max_step, max_steps)
            outs.append(o)
            errs.append(e)
            steps.append(k)
            stats.append(st)
            bar.update(o.shape[0])
    finally:
        bar.close()
    return (np.concatenate(outs).reshape(shape + (te.size, n, kcols)), np.concatenate(errs).reshape(shape),
            np.concatenate(steps).reshape(shape), np.concatenate(stats).reshape(shape))


_C = (0.5 - math.sqrt(15) / 10, 0.5, 0.5 + math.sqrt(15) / 10)


def _omega6(hs: np.ndarray, h: float) -> np.ndarray:
    """Batched Omega6 from H at the three Gauss nodes, hs of shape (..., 3, N, N)."""
    k1, k2, k3 = (-1j * hs[..., i, :, :] for i in range(3))
    al1 = h * k2
    al2 = (math.sqrt(15) * h / 3) * (k3 - k1)
    al3 = (10 * h / 3) * (k3 - 2 * k2 + k1)

    def comm(x, y):
        return x @ y - y @ x

    c1 = comm(al1, al2)
    c2 = -comm(al1, 2 * al3 + c1) / 60
    return al1 + al3 / 12 + comm(-20 * al1 - al3 + c1, al2 + c2) / 240


def _expm_ah(om: np.ndarray) -> np.ndarray:
    herm = 1j * om
    herm = 0.5 * (herm + np.conj(np.swapaxes(herm, -1, -2)))
    lam, vec = np.linalg.eigh(herm)
    return (vec * np.exp(-1j * lam)[..., None, :]) @ np.conj(np.swapaxes(vec, -1, -2))


def _run_generic(model: Model, te: np.ndarray, psi0: np.ndarray, tol: float, max_step: float,
                 max_steps: int, progress: bool | None):
    """Lock-step sixth-order Magnus over the whole grid for models given by callables.

    psi0 (*batch, N, K) -> (*batch, M, N, K)."""
    from tqdm.auto import tqdm

    n = model.n_levels
    shape = model.batch_shape
    kcols = psi0.shape[-1]
    psi = np.broadcast_to(psi0, shape + (n, kcols)).astype(complex)
    out = np.full(shape + (te.size, n, kcols), np.nan + 0j)
    out[..., 0, :, :] = psi
    t = float(te[0])
    h0 = model.hamiltonian(np.array([t])) / model.hbar
    h = min(max_step, 1.0 / (np.max(np.linalg.norm(h0, axis=(-1, -2))) + 1e-300))
    err_sum = np.zeros(shape)
    nsteps = 0
    status = _mk.STATUS_OK
    c = np.asarray(_C)
    bar = tqdm(total=float(te[-1] - te[0]), disable=False if progress else None if progress is None else True,
               unit="t", desc="evolve", bar_format="{l_bar}{bar}| {n:.3g}/{total:.3g} [{elapsed}<{remaining}]")
    try:
        for j in range(1, te.size):
            t_end = float(te[j])
            while t < t_end and status == _mk.STATUS_OK:
                last = t + h >= t_end
                h_try = t_end - t if last else h
                hh = 0.5 * h_try
                times = np.concatenate([t + c * h_try, t + c * hh, t + hh + c * hh])
                hs = model.hamiltonian(times) / model.hbar
                full = _expm_ah(_omega6(hs[..., 0:3, :, :], h_try)) @ psi
                half = _expm_ah(_omega6(hs[..., 3:6, :, :], hh)) @ psi
                half = _expm_ah(_omega6(hs[..., 6:9, :, :], hh)) @ half
                err = np.linalg.norm(half - full, axis=(-2, -1)) / 63.0
                emax = float(np.max(err)) if err.size else 0.0
                if emax <= tol or h_try <= 1e-14 * (abs(t) + 1.0):
                    psi = half
                    err_sum += err
                    nsteps += 1
                    bar.update(h_try)
                    t = t_end if last else t + h_try
                    fac = 4.0 if emax == 0 else min(4.0, max(0.2, 0.9 * (tol / emax) ** (1 / 7)))
                    if not last:
                        h = min(h_try * fac, max_step)
                    elif fac < 1:
                        h = min(h, h_try * fac)
                    if nsteps >= max_steps:
                        status = _mk.STATUS_MAX_STEPS
                else:
                    h = h_try * max(0.2, 0.9 * (tol / emax) ** (1 / 7))
            out[..., j, :, :] = psi
    finally:
        bar.close()
    return out, err_sum, np.full(shape, nsteps), np.full(shape, status)


def _propagate(model: Model, te: np.ndarray, psi0: np.ndarray, tol: float, max_step: float, max_steps: int,
               progress: bool | None):
    """Dispatch: compiled kernels when the model has a kernel form, else the lock-step path."""
    kf = model.kernel_form()
    if kf is not None:
        return ("magnus6-compiled",) + run_kernel_form(kf, model.hbar, model.batch_shape, te, psi0, tol,
                                                       max_step, max_steps, progress)
    return ("magnus6-lockstep",) + _run_generic(model, te, psi0, tol, max_step, max_steps, progress)


def _check_options(tol: Any, max_step: Any, max_steps: Any) -> tuple[float, float, int]:
    tol = float(_checks.positive_scalar(tol, "tol"))
    if not (isinstance(max_step, (int, float, np.floating, np.integer)) and max_step > 0):
        raise LzsmValueError(f"`max_step` must be a positive number (or inf), got {max_step!r}")
    if not isinstance(max_steps, (int, np.integer)) or max_steps < 1:
        raise LzsmValueError(f"`max_steps` must be a positive integer, got {max_steps!r}")
    return tol, float(max_step), int(max_steps)


def _merge_breakpoints(te: np.ndarray, breakpoints: ArrayLike) -> np.ndarray:
    if breakpoints is None:
        return te
    bp = _checks.real_array(breakpoints, "breakpoints").reshape(-1)
    return np.union1d(te, bp[(bp > te[0]) & (bp < te[-1])])


def propagator(model: Model, t_span: tuple[float, float], t_eval: ArrayLike = None, *, tol: float = DEFAULT_TOL,
               max_step: float = np.inf, max_steps: int = 10_000_000, breakpoints: ArrayLike = None,
               progress: bool | None = None) -> np.ndarray:
    """The propagator ``U(t, t0)`` in the diabatic basis at the saved times.

    Shape ``(*batch, M, N, N)`` with ``M = len(t_eval)`` (t0 and t1 included, as in
    :func:`evolve`); the columns are propagated together with one step sequence."""
    if not isinstance(model, Model):
        raise LzsmTypeError(f"`model` must be an lzsm model, got {type(model).__name__}")
    if model.coordinate != "t":
        raise LzsmValueError(f"`model` is given along '{model.coordinate}', not time: it cannot be propagated")
    te_user = _t_eval(t_span, t_eval)
    tol, max_step, max_steps = _check_options(tol, max_step, max_steps)
    te = _merge_breakpoints(te_user, breakpoints)
    n = model.n_levels
    eye = np.broadcast_to(np.eye(n, dtype=complex), model.batch_shape + (n, n))
    _, u, _, _, status = _propagate(model, te, eye, tol, max_step, max_steps, progress)
    if np.any(status != _mk.STATUS_OK):
        warnings.warn("propagator: some parameter points did not reach t1 (NaN there)", stacklevel=2)
    return np.take(u, np.searchsorted(te, te_user), axis=-3)


def evolve(model: Model, t_span: tuple[float, float], initial: Any = 0, t_eval: ArrayLike = None, *,
           tol: float = DEFAULT_TOL, max_step: float = np.inf, max_steps: int = 10_000_000,
           breakpoints: ArrayLike = None, progress: bool | None = None) -> Evolution:
    """Propagate ``i hbar dpsi/dt = H(t) psi`` exactly over the model's whole parameter grid.

    Parameters
    ----------
    model : any :class:`lzsm.models.Model` with time as its coordinate.
    t_span : (t0, t1), t0 < t1.
    initial : a diabatic index (int), a name (``'diabatic 1'``, ``'adiabatic 0'``, ``'lower'``,
        ``'upper'``; adiabatic states are taken at t0) or a normalised state vector ``(..., N)``
        in the diabatic basis (broadcast over the grid).
    t_eval : times at which to save the state (within t_span); t0 and t1 are always saved
        too, so the final probabilities refer to t1.  Default ``[t0, t1]``.
    tol : local error tolerance per step (amplitude norm).  The default gives
        ``|P - P_exact| < 1e-9`` on the Landau–Zener benchmark passage.
    max_step, max_steps : step-size cap and a step-count limit per parameter point.
    breakpoints : times where H(t) has a kink or a jump (steps land on them instead of
        straddling them).  Needed only for models given by callables: the compiled kernels know
        the kinks of their own drive shapes.
    progress : show a progress bar (None: only for long runs on a terminal).

    Returns
    -------
    :class:`Evolution` with amplitudes and populations in both pictures, final probabilities
    (``p_diabatic_stay``, ``p_adiabatic_follow``, ``p_jump``), error estimates, step counts and
    a status per point; ``.to_xarray()`` for a labelled dataset.

    Method: sixth-order Magnus integrator on Gauss–Legendre nodes (Blanes, Casas & Ros, BIT 40,
    434 (2000)) with exact exponentials; see :mod:`lzsm.kernels.magnus`.
    """
    if not isinstance(model, Model):
        raise LzsmTypeError(f"`model` must be an lzsm model (e.g. lzsm.LandauZener), got {type(model).__name__}")
    if model.coordinate != "t":
        raise LzsmValueError(f"`model` is given along '{model.coordinate}', not time: it cannot be "
                             "propagated (use lzsm.bases for its adiabatic picture)")
    te_user = _t_eval(t_span, t_eval)
    tol, max_step, max_steps = _check_options(tol, max_step, max_steps)
    psi0, dia = _initial_state(model, initial, float(te_user[0]))
    te = _merge_breakpoints(te_user, breakpoints)
    method, amps, err, steps, status = _propagate(model, te, psi0[..., None], tol, max_step, max_steps, progress)
    amps = np.take(amps[..., 0], np.searchsorted(te, te_user), axis=-2)
    te = te_user
    # the adiabatic state the system starts in: largest population at t0
    ad0 = np.abs(bases.to_adiabatic(psi0, model, te[0])) ** 2
    initial_adiabatic = np.argmax(ad0, axis=-1)
    bad = int(np.sum(status != _mk.STATUS_OK))
    if bad:
        warnings.warn(f"evolve: {bad} of {status.size} parameter points did not reach t1 "
                      f"({STATUS_MESSAGES[int(np.max(status))]}); see Evolution.status", stacklevel=2)
    return Evolution(model, te, amps, initial_adiabatic, dia, err, steps, status, method, tol)

PICTURES = ("asymptotic", "diabatic")


# --------------------------------------------------------------------------- exact transition matrix
def transition_matrix(model: Model, t_span: tuple[float, float], *, picture: str = "asymptotic",
                      tol: float = DEFAULT_TOL, max_step: float = np.inf) -> np.ndarray:
    """Transition probabilities ``P[..., final, initial]`` by exact propagation (any time-dependent
    model; written for :class:`lzsm.LinearSweep`).

    The propagator ``U(t1, t0)`` comes from :func:`lzsm.propagator` (sixth-order Magnus, all N
    columns at once, over the model's whole parameter grid).

    ``picture='asymptotic'`` (default) reads the result as the t -> +-inf scattering problem:
    ``P[f, i] = |<phi_f(t1)| U |phi_i(t0)>|^2`` with the adiabatic states ``phi`` at the window
    ends, each labelled by the diabatic level it is dominated by (far from all crossings every
    adiabatic state tends to one diabatic state).  Finite-window errors then fall off like
    powers of ``|coupling|/(|slope difference| T)`` beyond the first (for Landau–Zener with
    V = 0.5, alpha = 1 the error is ~4e-6 at T = 50 and ~1e-7 at T = 200), whereas the raw
    diabatic populations (``picture='diabatic'``, ``P[f, i] = |U_fi|^2``) oscillate about the
    limit with amplitude ``~ |V|/(|alpha| T)``.  The asymptotic reading needs every adiabatic
    state at both ends to be dominated (weight > 0.9) by a distinct diabatic level, and no
    coupled parallel levels (whose mixing never ends): otherwise it raises, and the diabatic
    picture is the one to use.

    Returns an array ``(*batch, N, N)``; columns sum to 1 (up to the propagation error).
    """
    if not isinstance(model, Model):
        raise LzsmTypeError(f"`model` must be an lzsm model, got {type(model).__name__}")
    _checks.choice(picture, "picture", PICTURES)
    t0, t1 = _checks.time_span(t_span)
    u = propagator(model, (t0, t1), tol=tol, max_step=max_step)[..., -1, :, :]
    if picture == "diabatic":
        return np.abs(u) ** 2
    if isinstance(model, LinearSweep):
        beta = _slopes(model)
        tol_ = 1e-12 * _scale(model)
        par = np.abs(beta[..., :, None] - beta[..., None, :]) <= tol_
        coupled = np.abs(model.constant) > tol_
        if np.any(par & coupled & ~np.eye(model.n_levels, dtype=bool)):
            raise LzsmValueError("picture='asymptotic' needs every pair of coupled levels to cross; this model has "
                                 "coupled parallel levels, whose adiabatic states never become diabatic: use "
                                 "picture='diabatic'")
    s0 = bases.adiabatic_states(model, np.asarray(t0))
    s1 = bases.adiabatic_states(model, np.asarray(t1))
    p_ad = np.abs(np.conj(np.swapaxes(s1, -1, -2)) @ u @ s0) ** 2  # [adiabatic f, adiabatic i]
    n = model.n_levels
    labels = []
    for s, when in ((s0, t0), (s1, t1)):
        w = np.abs(s) ** 2  # [..., diabatic j, adiabatic n]
        lab = np.argmax(w, axis=-2)
        ok = np.all(np.sort(lab, axis=-1) == np.arange(n), axis=-1) & np.all(np.max(w, axis=-2) > 0.9, axis=-1)
        if not np.all(ok):
            raise LzsmValueError(
                f"picture='asymptotic' needs each adiabatic state at t = {when:g} to be dominated by its own "
                "diabatic level; it is not (window too short, or coupled parallel levels): widen `t_span` or "
                "use picture='diabatic'")
        labels.append(lab)
    out = np.empty_like(p_ad)
    lab0 = np.broadcast_to(labels[0][..., None, :], p_ad.shape)
    lab1 = np.broadcast_to(labels[1][..., :, None], p_ad.shape)
    # out[..., lab1[f], lab0[i]] = p_ad[..., f, i]
    flat = out.reshape(-1, n, n)
    src = p_ad.reshape(-1, n, n)
    l0 = lab0.reshape(-1, n, n)
    l1 = lab1.reshape(-1, n, n)
    for k in range(flat.shape[0]):
        flat[k][l1[k], l0[k]] = src[k]
    return flat.reshape(p_ad.shape)
