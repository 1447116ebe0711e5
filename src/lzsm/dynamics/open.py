"""Open-system dynamics at a crossing: the Lindblad master equation over parameter grids.

``evolve_open(model, t_span, initial, dephasing=..., relaxation=..., temperature=...,
basis=..., collapse_ops=..., bath=...)`` integrates (PHYSICS.md, open systems)

    d rho/dt = -(i/hbar) [H(t), rho] + sum_k (L_k rho L_k^+ - 1/2 {L_k^+ L_k, rho})

with the compiled sixth-order Magnus kernels of :mod:`lzsm.kernels.lindblad` (two levels on
the Bloch vector, N levels on vec(rho)).  Environments:

* ``dephasing`` gamma_phi: every coherence between basis states decays at gamma_phi
  (``L_k = sqrt(gamma_phi) |k><k|``; for two levels ``L = sqrt(gamma_phi/2) sigma_z``);
* ``relaxation`` gamma_1 = 1/T1: downward and upward jumps between every pair of basis
  states, ``Gamma_down + Gamma_up = gamma_1``, ``Gamma_up/Gamma_down = exp(-dE/k_B T)``
  (detailed balance at ``temperature`` k_B T, energy units; T = 0: only downward);
* ``basis``: ``'diabatic'`` (the diabatic states; relaxation follows their instantaneous
  diagonal energies) or ``'adiabatic'`` (the instantaneous eigenstates of H(t));
* ``collapse_ops``: any constant operators L_k in the diabatic basis (rates included);
* ``bath``: an :class:`lzsm.baths.OhmicBath`: secular Bloch–Redfield (Davies) generator in the
  instantaneous eigenbasis with golden-rule rates from its spectral density, for weak
  system–bath coupling.

Rates and temperature broadcast against the model's parameter grid, so a map over (sweep
rate, dephasing rate) is one call.  Models without a compiled form (Python callables) are
integrated point by point with SciPy's DOP853 (method ``'scipy-dop853'``).
"""

from __future__ import annotations
import math
import warnings
from dataclasses import dataclass, field
from typing import Any
import numpy as np
from lzsm import _checks
from lzsm.models import adiabatic as bases
from lzsm.dynamics.baths import OhmicBath
from lzsm.errors import LzsmTypeError, LzsmValueError
from lzsm.kernels import lindblad as _lk
from lzsm.kernels import magnus as _mk
from lzsm.models.base import Model
from lzsm.dynamics.coherent import STATUS_MESSAGES, _check_options, _initial_state, _pauli, _t_eval, write_netcdf

ArrayLike = Any

#: Default local error tolerance per step (Frobenius norm of rho).
DEFAULT_TOL = 1e-9

_PAULI = np.array([[[0, 1], [1, 0]], [[0, -1j], [1j, 0]], [[1, 0], [0, -1]]], dtype=complex)


# --------------------------------------------------------------------------- result
@dataclass(frozen=True, eq=False)
class OpenEvolution:
    """Result of :func:`evolve_open`: density matrices at the saved times in both pictures.

    Attributes
    ----------
    t : saved times (M,).
    rho : diabatic density matrices ``(*grid, M, N, N)``.
    grid_shape : broadcast shape of the model grid and the rates.
    initial_adiabatic, initial_diabatic : index of the adiabatic state with the largest
        initial population; index of the initial diabatic state (-1 if rho0 was not one).
    error_estimate, n_steps, status : per grid point (status 0 = ok, see
        :data:`lzsm.propagation.STATUS_MESSAGES`).
    """

    model: Model
    t: np.ndarray
    rho: np.ndarray
    grid_shape: tuple[int, ...]
    initial_adiabatic: np.ndarray
    initial_diabatic: np.ndarray
    error_estimate: np.ndarray
    n_steps: np.ndarray
    status: np.ndarray
    method: str
    tol: float
    environment: dict
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def populations(self) -> np.ndarray:
        """Diabatic populations ``rho_kk(t)``, shape ``(*grid, M, N)``."""
        return np.real(np.diagonal(self.rho, axis1=-2, axis2=-1))

    @property
    def adiabatic_populations(self) -> np.ndarray:
        """Populations of the instantaneous eigenstates (index 0 lowest), ``(*grid, M, N)``."""
        if "ad" not in self._cache:
            states = bases.adiabatic_states(self.model, self.t)  # (*batch, M, N, N)
            states = np.broadcast_to(states, self.grid_shape + states.shape[-3:])
            pops = np.einsum("...ki,...kl,...li->...i", states.conj(), self.rho, states).real
            self._cache["ad"] = pops
        return self._cache["ad"]

    @property
    def purity(self) -> np.ndarray:
        """``Tr rho^2`` at the saved times."""
        return np.einsum("...ij,...ji->...", self.rho, self.rho).real

    @property
    def coherence(self) -> np.ndarray:
        """``|rho_01|`` in the diabatic basis (two levels) at the saved times."""
        return np.abs(self.rho[..., 0, 1])

    @property
    def p_diabatic_stay(self) -> np.ndarray:
        """Population of the initial diabatic state at the final time (NaN if rho0 was not a
        diabatic basis state)."""
        pops = self.populations[..., -1, :]
        idx = np.broadcast_to(self.initial_diabatic, self.grid_shape)
        out = np.take_along_axis(pops, np.maximum(idx, 0)[..., None], axis=-1)[..., 0]
        return np.where(idx >= 0, out, np.nan)

    @property
    def p_adiabatic_follow(self) -> np.ndarray:
        """Final population of the adiabatic state the system started in."""
        pops = self.adiabatic_populations[..., -1, :]
        idx = np.broadcast_to(self.initial_adiabatic, self.grid_shape)
        return np.take_along_axis(pops, idx[..., None], axis=-1)[..., 0]

    @property
    def p_jump(self) -> np.ndarray:
        """``1 - p_adiabatic_follow``."""
        return 1.0 - self.p_adiabatic_follow

    @property
    def success(self) -> bool:
        return bool(np.all(self.status == _mk.STATUS_OK))

    # ------------------------------------------------------------------ export
    def _grid_coords(self) -> tuple[list[str], dict[str, Any]]:
        shape = self.grid_shape
        dims = [f"point_{i}" for i in range(len(shape))]
        coords: dict[str, Any] = {}
        named = dict(self.model.parameters())
        named.update({k: v for k, v in self.environment.items() if isinstance(v, np.ndarray)})
        for name, val in named.items():
            val = np.asarray(val)
            if np.iscomplexobj(val) or val.ndim > len(shape):
                continue
            full = (1,) * (len(shape) - val.ndim) + val.shape
            varying = [i for i, n in enumerate(full) if n > 1]
            if len(varying) == 1 and dims[varying[0]].startswith("point_"):
                dims[varying[0]] = name
                coords[name] = val.reshape(-1)
        return dims, coords

    def to_xarray(self):
        """An ``xarray.Dataset``: rho, populations in both pictures, purity, final
        probabilities, error estimates; environment and settings in attrs."""
        import xarray as xr

        from lzsm._version import __version__

        gdims, coords = self._grid_coords()
        n = self.model.n_levels
        tdims = gdims + ["t"]
        coords.update({"t": self.t, "row": np.arange(n), "col": np.arange(n), "diabatic": np.arange(n),
                       "adiabatic": np.arange(n)})
        ds = xr.Dataset({
            "rho": (tdims + ["row", "col"], self.rho),
            "population_diabatic": (tdims + ["diabatic"], self.populations),
            "population_adiabatic": (tdims + ["adiabatic"], self.adiabatic_populations),
            "purity": (tdims, self.purity),
            "p_diabatic_stay": (gdims, self.p_diabatic_stay),
            "p_adiabatic_follow": (gdims, self.p_adiabatic_follow),
            "p_jump": (gdims, self.p_jump),
            "error_estimate": (gdims, self.error_estimate),
            "n_steps": (gdims, self.n_steps),
            "status": (gdims, self.status),
        }, coords=coords)
        ds["rho"].attrs["long_name"] = "density matrix in the diabatic basis"
        ds["p_diabatic_stay"].attrs["long_name"] = "final population of the initial diabatic state"
        ds["p_adiabatic_follow"].attrs["long_name"] = "final population of the initial adiabatic state"
        env = {k: (str(v) if not isinstance(v, (int, float, str)) else v) for k, v in self.environment.items()
               if not isinstance(v, np.ndarray)}
        ds.attrs.update(lzsm_version=__version__, model=type(self.model).__name__, hbar=self.model.hbar,
                        method=self.method, tol=self.tol, conventions="lzsm PHYSICS.md (open systems)",
                        equation="Lindblad", status_codes=str(STATUS_MESSAGES), **env)
        return ds

    def to_netcdf(self, path) -> None:
        write_netcdf(self.to_xarray(), path)


# --------------------------------------------------------------------------- input
def _rate(x: Any, name: str) -> np.ndarray:
    arr = _checks.real_array(x, name, nonnegative=True)
    if not np.all(np.isfinite(arr)):
        raise LzsmValueError(f"`{name}` must be finite and >= 0")
    return arr


def _collapse_ops(ops: Any, n: int) -> np.ndarray:
    if ops is None:
        return np.zeros((0, n, n), dtype=complex)
    if isinstance(ops, np.ndarray) and ops.ndim == 2:
        ops = [ops]
    try:
        arrs = [_checks.complex_array(o, "collapse_ops") for o in ops]
    except TypeError:
        raise LzsmTypeError("`collapse_ops` must be a list of N x N matrices") from None
    for k, o in enumerate(arrs):
        if o.shape != (n, n):
            raise LzsmValueError(f"`collapse_ops[{k}]` must be an {n} x {n} matrix (the model has {n} levels), "
                                 f"got shape {o.shape}")
        if not np.all(np.isfinite(o)):
            raise LzsmValueError(f"`collapse_ops[{k}]` has non-finite entries")
    return np.array(arrs, dtype=complex).reshape(-1, n, n)


def _initial_rho(model: Model, initial: Any, t0: float, n: int, shape: tuple[int, ...]):
    """(rho0 (*shape, N, N), diabatic index or -1)."""
    if isinstance(initial, (np.ndarray, list, tuple)) and not (isinstance(initial, tuple) and len(initial) == 2
                                                               and isinstance(initial[0], str)):
        arr = np.asarray(initial)
        if arr.ndim >= 2 and arr.shape[-2:] == (n, n) and np.issubdtype(arr.dtype, np.number):
            rho = _checks.complex_array(arr, "initial")
            _checks.hermitian(rho, "initial")
            tr = np.trace(rho, axis1=-2, axis2=-1).real
            if np.any(np.abs(tr - 1.0) > 1e-10):
                raise LzsmValueError(f"`initial` density matrix must have trace 1, got {tr.reshape(-1)[0]:.6g}")
            ev = np.linalg.eigvalsh(rho)
            if np.any(ev < -1e-10):
                raise LzsmValueError(f"`initial` density matrix must be positive semidefinite, "
                                     f"smallest eigenvalue {ev.min():.3g}")
            try:
                rho = np.broadcast_to(rho, shape + (n, n)).copy()
            except ValueError:
                raise LzsmValueError(f"`initial` of shape {arr.shape} does not broadcast to the grid {shape}") from None
            diag = np.real(np.diagonal(rho, axis1=-2, axis2=-1))
            dia = np.where(np.isclose(diag, 1.0, atol=1e-12).any(axis=-1), np.argmax(diag, axis=-1), -1)
            return rho, dia
    psi, dia = _initial_state(model, initial, t0)
    psi = np.broadcast_to(psi, shape + (n,))
    return np.einsum("...i,...j->...ij", psi, psi.conj()), np.broadcast_to(dia, shape)


def _superop_dissipator(ops: np.ndarray) -> np.ndarray:
    """sum_k D[L_k] as an N^2 x N^2 matrix acting on row-major vec(rho)."""
    n = ops.shape[-1]
    eye = np.eye(n)
    s = np.zeros((n * n, n * n), dtype=complex)
    for op in ops:
        ld = op.conj().T @ op
        s += np.kron(op, op.conj()) - 0.5 * np.kron(ld, eye) - 0.5 * np.kron(eye, ld.T)
    return s


def _bloch_affine(sup: np.ndarray) -> np.ndarray:
    """Affine Bloch generator [[M, c], [0, 0]] of a two-level superoperator (4 x 4, row-major vec)."""
    out = np.zeros(sup.shape[:-2] + (4, 4))
    basis = [np.eye(2, dtype=complex)] + list(_PAULI)
    images = [np.einsum("...ij,j->...i", sup, b.reshape(-1)).reshape(sup.shape[:-2] + (2, 2)) for b in basis]
    for k in range(3):
        for col in range(1, 4):
            out[..., k, col - 1] = 0.5 * np.einsum("ij,...ji->...", _PAULI[k], images[col]).real
        out[..., k, 3] = 0.5 * np.einsum("ij,...ji->...", _PAULI[k], images[0]).real
    return out


# --------------------------------------------------------------------------- entry point
def evolve_open(model: Model, t_span: tuple[float, float], initial: Any = 0, t_eval: ArrayLike = None, *,
                dephasing: ArrayLike = 0.0, relaxation: ArrayLike = 0.0, temperature: ArrayLike = 0.0,
                basis: str = "diabatic", collapse_ops: Any = None, bath: OhmicBath | None = None,
                tol: float = DEFAULT_TOL, max_step: float = np.inf, max_steps: int = 10_000_000,
                progress: bool | None = None) -> OpenEvolution:
    """Propagate the Lindblad master equation over the model's grid (and the rates' grid).

    Parameters
    ----------
    model : an lzsm model with time as its coordinate (N levels).
    t_span, t_eval : as in :func:`lzsm.evolve` (t0 and t1 always saved).
    initial : a diabatic index, a name (``'adiabatic 0'``, ``'lower'``, ...), a state vector,
        or a density matrix ``(..., N, N)`` (Hermitian, trace 1, positive).
    dephasing : gamma_phi >= 0 (1/time): decay rate of every coherence in ``basis``.
    relaxation : gamma_1 >= 0 (1/time): total jump rate per pair of ``basis`` states, split
        by detailed balance at ``temperature``.
    temperature : k_B T >= 0 in energy units (for relaxation and the bath).
    basis : ``'diabatic'`` or ``'adiabatic'`` (instantaneous eigenstates) for dephasing and
        relaxation.
    collapse_ops : constant Lindblad operators (diabatic basis, rates included), a list of
        N x N matrices.
    bath : :class:`lzsm.baths.OhmicBath` for the weak-coupling (Davies) generator in the
        energy basis.
    tol : local error tolerance per step (Frobenius norm of rho).

    ``dephasing``, ``relaxation`` and ``temperature`` broadcast against the model grid.

    Returns
    -------
    :class:`OpenEvolution` (``.rho``, populations in both pictures, ``p_diabatic_stay``,
    ``p_adiabatic_follow``, ``p_jump``, purity, ``.to_xarray()``).
    """
    # ---- convert and check
    if not isinstance(model, Model):
        raise LzsmTypeError(f"`model` must be an lzsm model (e.g. lzsm.LandauZener), got {type(model).__name__}")
    if model.coordinate != "t":
        raise LzsmValueError(f"`model` is given along '{model.coordinate}', not time: it cannot be propagated")
    te = _t_eval(t_span, t_eval)
    tol, max_step, max_steps = _check_options(tol, max_step, max_steps)
    basis = _checks.choice(basis, "basis", ("diabatic", "adiabatic"))
    n = model.n_levels
    hbar = float(model.hbar)
    gphi = _rate(dephasing, "dephasing")
    g1 = _rate(relaxation, "relaxation")
    kt = _checks.real_array(temperature, "temperature", nonnegative=True)
    if not np.all(np.isfinite(kt)):
        raise LzsmValueError("`temperature` must be finite and >= 0")
    ops = _collapse_ops(collapse_ops, n)
    if bath is not None and not isinstance(bath, OhmicBath):
        raise LzsmTypeError(f"`bath` must be an lzsm.baths.OhmicBath, got {type(bath).__name__}")
    try:
        shape = np.broadcast_shapes(model.batch_shape, gphi.shape, g1.shape, kt.shape)
    except ValueError:
        raise LzsmValueError(f"`dephasing` {gphi.shape}, `relaxation` {g1.shape} and `temperature` {kt.shape} "
                             f"do not broadcast against the model's grid {model.batch_shape}") from None
    rho0, dia = _initial_rho(model, initial, float(te[0]), n, shape)
    environment = {"dephasing": gphi, "relaxation": g1, "temperature": kt, "basis": basis,
                   "n_collapse_ops": int(ops.shape[0]),
                   "bath": repr(bath) if bath is not None else "none"}

    # ---- per-point kernel inputs (rates in 1/time, energies / hbar)
    npts = int(np.prod(shape, dtype=int))
    gphi_b = np.broadcast_to(gphi, shape).reshape(npts)
    g1_b = np.broadcast_to(g1, shape).reshape(npts)
    kt_b = np.broadcast_to(kt, shape).reshape(npts) / hbar
    par = np.zeros((npts, 6))
    par[:, 1] = g1_b
    par[:, 2] = kt_b
    par[:, 4] = 1.0
    par[:, 5] = 1.0
    xop = np.zeros((n, n), dtype=complex)
    if bath is not None:
        par[:, 3] = float(bath.eta)
        par[:, 4] = float(bath.cutoff) / hbar
        par[:, 5] = float(bath.exponent)
        xop = bath.operator_matrix(n)
    constant_dephasing = basis == "diabatic"
    if not constant_dephasing:
        par[:, 0] = gphi_b
    dynamic = bool(np.any(g1_b > 0) or bath is not None or (not constant_dephasing and np.any(gphi_b > 0)))
    # the bath always acts in the energy basis; diabatic dephasing is constant (below), but
    # diabatic relaxation would need a second basis in the same generator
    if bath is not None and basis == "diabatic" and np.any(g1_b > 0):
        raise LzsmValueError("`relaxation` with basis='diabatic' cannot be combined with a `bath` (which acts "
                             "in the energy basis): use basis='adiabatic' or collapse_ops")
    code_basis = _lk.BASIS_ADIABATIC if (basis == "adiabatic" or bath is not None) else _lk.BASIS_DIABATIC
    sup_ops = _superop_dissipator(ops)  # (N^2, N^2)
    sup = np.broadcast_to(sup_ops, (npts, n * n, n * n)).copy()
    if constant_dephasing:
        offdiag = np.array([1.0 if i != j else 0.0 for i in range(n) for j in range(n)])
        sup -= gphi_b[:, None, None] * np.diag(offdiag)[None]

    kf = model.kernel_form()
    if kf is None:
        method, rho, err, steps, status = _run_scipy(model, shape, te, rho0, sup, dynamic, code_basis, par, xop,
                                                     tol, max_step)
    else:
        method, rho, err, steps, status = _run_compiled(kf, hbar, shape, te, rho0, sup, dynamic, code_basis, par,
                                                        xop, tol, max_step, max_steps, progress)
    rho = 0.5 * (rho + np.conj(np.swapaxes(rho, -1, -2)))  # Hermitian to rounding; symmetrise
    states0 = np.broadcast_to(bases.adiabatic_states(model, te[0]), shape + (n, n))
    ad0 = np.einsum("...ki,...kl,...li->...i", states0.conj(), rho0, states0).real
    bad = int(np.sum(status != _mk.STATUS_OK))
    if bad:
        warnings.warn(f"evolve_open: {bad} of {status.size} grid points did not reach t1 "
                      f"({STATUS_MESSAGES[int(np.max(status))]}); see OpenEvolution.status", stacklevel=2)
    return OpenEvolution(model, te, rho, tuple(shape), np.argmax(ad0, axis=-1), np.asarray(dia), err, steps, status,
                         method, tol, environment)


def _run_compiled(kf, hbar, shape, te, rho0, sup, dynamic, code_basis, par, xop, tol, max_step, max_steps, progress):
    n = kf.constant.shape[-1]
    npts = int(np.prod(shape, dtype=int))
    a = np.broadcast_to(kf.constant, shape + (n, n)).reshape(npts, n, n) / hbar
    b = np.broadcast_to(kf.coefficient, shape + (n, n)).reshape(npts, n, n) / hbar
    code = np.ascontiguousarray(np.broadcast_to(kf.code, shape).reshape(npts), dtype=np.int64)
    fpar = np.ascontiguousarray(np.broadcast_to(kf.fpar, shape + (2,)).reshape(npts, 2), dtype=float)
    r0 = rho0.reshape(npts, n, n)
    serial = npts < 4
    if n == 2:
        kernel = _lk.evolve_bloch_serial if serial else _lk.evolve_bloch
        a_in, b_in = np.ascontiguousarray(_pauli(a)), np.ascontiguousarray(_pauli(b))
        const = np.ascontiguousarray(_bloch_affine(sup))
        x_in = np.ascontiguousarray(np.broadcast_to(_pauli(xop[None])[0], (npts, 4)))
        y0 = np.ascontiguousarray(np.einsum("kij,pji->pk", _PAULI, r0).real)
        method = "magnus6-bloch-compiled"
    else:
        kernel = _lk.evolve_lindblad_serial if serial else _lk.evolve_lindblad
        a_in, b_in = np.ascontiguousarray(a, dtype=complex), np.ascontiguousarray(b, dtype=complex)
        const = np.ascontiguousarray(sup)
        x_in = np.ascontiguousarray(np.broadcast_to(xop, (npts, n, n)), dtype=complex)
        y0 = np.ascontiguousarray(r0.reshape(npts, n * n), dtype=complex)
        method = "magnus6-lindblad-compiled"
    par = np.ascontiguousarray(par)
    from tqdm.auto import tqdm

    chunk = max(1, min(npts, 1024))
    bar = tqdm(total=npts, disable=(progress is False or (progress is None and npts <= chunk)) or None,
               unit="point", desc="evolve_open")
    outs, errs, steps, stats = [], [], [], []
    try:
        for s in range(0, npts, chunk):
            sl = slice(s, s + chunk)
            o, e, k, st = kernel(a_in[sl], b_in[sl], code[sl], fpar[sl], const[sl], dynamic, code_basis, par[sl],
                                 x_in[sl], te, y0[sl], tol, 0.0, max_step, max_steps)
            outs.append(o)
            errs.append(e)
            steps.append(k)
            stats.append(st)
            bar.update(o.shape[0])
    finally:
        bar.close()
    y = np.concatenate(outs)
    if n == 2:
        rho = 0.5 * (np.eye(2) + np.einsum("pmk,kij->pmij", y, _PAULI))
    else:
        rho = y.reshape(npts, te.size, n, n)
    return (method, rho.reshape(shape + (te.size, n, n)), np.concatenate(errs).reshape(shape),
            np.concatenate(steps).reshape(shape), np.concatenate(stats).reshape(shape))


def _run_scipy(model, shape, te, rho0, sup, dynamic, code_basis, par, xop, tol, max_step):
    """Point-by-point DOP853 for models given by callables (H evaluated from Python)."""
    from scipy.integrate import solve_ivp

    n = model.n_levels
    npts = int(np.prod(shape, dtype=int))
    bshape = model.batch_shape
    rho = np.full((npts, te.size, n, n), np.nan + 0j)
    err = np.zeros(npts)
    steps = np.zeros(npts, dtype=np.int64)
    status = np.zeros(npts, dtype=np.int64)
    eye = np.eye(n)
    for p in range(npts):
        idx = np.unravel_index(p, shape) if shape else ()
        bidx = tuple(i if s > 1 else 0 for i, s in zip(idx[len(shape) - len(bshape):], bshape))
        pm = model.point(bidx) if bshape else model

        def rhs(t, y, pm=pm, p=p):
            h = pm.hamiltonian(np.asarray(t)) / model.hbar
            gen = -1j * (np.kron(h, eye) - np.kron(eye, h.T)) + sup[p]
            if dynamic:
                gen = gen + _lk._dynamic_dissipator(np.ascontiguousarray(h, dtype=complex), code_basis, par[p], xop)
            return gen @ y

        sol = solve_ivp(rhs, (te[0], te[-1]), rho0.reshape(npts, n * n)[p], t_eval=te, method="DOP853",
                        rtol=tol, atol=tol, max_step=max_step)
        status[p] = 0 if sol.success else _mk.STATUS_STEP_UNDERFLOW
        if sol.success:
            rho[p] = sol.y.T.reshape(te.size, n, n)
        steps[p] = sol.t.size
        err[p] = math.nan
    return ("scipy-dop853", rho.reshape(shape + (te.size, n, n)), err.reshape(shape), steps.reshape(shape),
            status.reshape(shape))
