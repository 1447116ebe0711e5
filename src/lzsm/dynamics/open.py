"""Open-system dynamics at a crossing: the Lindblad master equation over parameter grids.

``evolve_open(model, t_span, initial, dephasing=..., relaxation=..., temperature=...,
basis=..., collapse_ops=..., bath=...)`` integrates (docs/conventions.md, open systems)

.. math::  \\frac{d\\rho}{dt} = -\\frac{i}{\\hbar} [H(t), \\rho]
           + \\sum_k \\left(L_k \\rho L_k^\\dagger - \\tfrac12 \\{L_k^\\dagger L_k, \\rho\\}\\right)

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
* ``bath``: an :class:`lzsm.OhmicBath`: secular Bloch–Redfield (Davies) generator in the
  instantaneous eigenbasis with golden-rule rates from its spectral density, for weak
  system–bath coupling.

Rates and temperature broadcast against the model's parameter grid, so a map over (sweep
rate, dephasing rate) is one call.  Integrators (``method=``, registered in :mod:`lzsm.methods`): ``'magnus6'`` for models
with a compiled form, ``'dop853'`` (SciPy, point by point) for any model, including those
given by Python callables.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from lzsm import _checks, methods
from lzsm._progress import progress_bar
from lzsm.dynamics import asymptotic as _asym
from lzsm.dynamics.baths import OhmicBath
from lzsm.dynamics.coherent import _named_at_minus_infinity, _pauli, propagation_budget
from lzsm.errors import LzsmConvergenceWarning, LzsmTypeError, LzsmValueError
from lzsm.kernels import lindblad as _lk
from lzsm.kernels import threads as _threads
from lzsm.models import adiabatic as bases
from lzsm.models.base import Model
from lzsm.options import Options, resolve_options
from lzsm.results import FinalProbabilities, Result, Status, grid_coordinates

#: Default local error tolerance per step (Frobenius norm of rho).
DEFAULT_TOL = 1e-9

_PAULI = np.array([[[0, 1], [1, 0]], [[0, -1j], [1j, 0]], [[1, 0], [0, -1]]], dtype=complex)


# --------------------------------------------------------------------------- result
@dataclass(frozen=True, eq=False, repr=False)
class OpenEvolution(FinalProbabilities, Result):
    """Result of :func:`evolve_open`: density matrices at the saved times in both pictures.

    Attributes
    ----------
    t : saved times (M,).
    rho : diabatic density matrices ``(*grid, M, N, N)``.
    shape : broadcast shape of the model grid and the rates (the result's grid).
    initial_adiabatic, initial_diabatic : index of the adiabatic state with the largest
        initial population; index of the initial diabatic state (-1 if rho0 was not one).
    environment : the rates, temperature, basis, collapse operators and bath used.
    error_estimate, n_steps, status : per grid point (see :class:`lzsm.results.Status`).
    """

    model: Model
    t: np.ndarray
    rho: np.ndarray
    shape: tuple[int, ...]
    initial_adiabatic: np.ndarray
    initial_diabatic: np.ndarray
    environment: dict[str, Any]
    _cache: dict[str, Any] = field(default_factory=dict)

    kind = "Lindblad evolution"

    @property
    def tol(self) -> float | None:
        """The local error tolerance used (``options.tol``)."""
        return self.options.tol

    @property
    def populations(self) -> np.ndarray:
        """Diabatic populations ``rho_kk(t)``, shape ``(*grid, M, N)`` (checked: NaN only at
        points that did not finish, within [0, 1] up to rounding)."""
        return self._checked_populations(np.real(np.diagonal(self.rho, axis1=-2, axis2=-1)), "populations")

    @property
    def adiabatic_populations(self) -> np.ndarray:
        """Populations of the instantaneous eigenstates (index 0 lowest), ``(*grid, M, N)``."""
        if "ad" not in self._cache:
            finite = np.isfinite(self.t)
            pops = np.empty(self.rho.shape[:-1])
            states = bases.adiabatic_states(self.model, self.t[finite])  # (*batch, M, N, N)
            states = np.broadcast_to(states, self.shape + states.shape[-3:])
            pops[..., finite, :] = np.einsum(
                "...ki,...kl,...li->...i", states.conj(), self.rho[..., finite, :, :], states
            ).real
            for k in np.flatnonzero(~finite):  # at t = +-inf adiabatic state n is diabatic level pivot[n]
                pivot = np.broadcast_to(
                    self._cache["pivots"][0 if self.t[k] < 0 else 1], self.shape + (self.model.n_levels,)
                )
                diag = np.real(np.diagonal(self.rho[..., k, :, :], axis1=-2, axis2=-1))
                pops[..., k, :] = np.take_along_axis(diag, pivot, axis=-1)
            self._cache["ad"] = self._checked_populations(pops, "adiabatic_populations")
        return self._cache["ad"]

    @property
    def purity(self) -> np.ndarray:
        """``Tr rho^2`` at the saved times."""
        return np.einsum("...ij,...ji->...", self.rho, self.rho).real

    @property
    def coherence(self) -> np.ndarray:
        """``|rho_01|`` in the diabatic basis (two levels) at the saved times."""
        return np.abs(self.rho[..., 0, 1])

    # ------------------------------------------------------------------ export
    def _grid(self) -> tuple[tuple[int, ...], list[str], dict[str, np.ndarray]]:
        named = dict(self.model.parameters())
        named.update({k: v for k, v in self.environment.items() if isinstance(v, np.ndarray)})
        dims, coords = grid_coordinates(self.shape, named)
        return self.shape, dims, coords

    def _coords(self) -> dict[str, Any]:
        n = self.model.n_levels
        return {
            "t": self.t,
            "row": np.arange(n),
            "col": np.arange(n),
            "diabatic": np.arange(n),
            "adiabatic": np.arange(n),
        }

    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        _, g, _ = self._grid()
        tdims = g + ["t"]
        return {
            "rho": (tdims + ["row", "col"], self.rho),
            "population_diabatic": (tdims + ["diabatic"], self.populations),
            "population_adiabatic": (tdims + ["adiabatic"], self.adiabatic_populations),
            "purity": (tdims, self.purity),
            "p_diabatic_stay": (g, self.p_diabatic_stay),
            "p_adiabatic_follow": (g, self.p_adiabatic_follow),
            "p_jump": (g, self.p_jump),
        }

    def _attrs(self) -> dict[str, Any]:
        env = {
            k: (str(v) if not isinstance(v, (int, float, str)) else v)
            for k, v in self.environment.items()
            if not isinstance(v, np.ndarray)
        }
        return {
            "model": type(self.model).__name__,
            "hbar": self.model.hbar,
            "equation": "Lindblad",
            "tol": float(self.options.tol) if self.options.tol is not None else "default",
            **env,
        }

    def to_xarray(self) -> Any:
        """An ``xarray.Dataset``: rho, populations in both pictures, purity, final
        probabilities, error estimates; environment and settings in attrs."""
        ds = super().to_xarray()
        ds["rho"].attrs["long_name"] = "density matrix in the diabatic basis"
        ds["p_diabatic_stay"].attrs["long_name"] = "final population of the initial diabatic state"
        ds["p_adiabatic_follow"].attrs["long_name"] = "final population of the initial adiabatic state"
        return ds

    def _summary(self) -> list[str]:
        env = [k for k in ("dephasing", "relaxation") if np.any(np.asarray(self.environment.get(k, 0.0)) > 0)]
        if self.environment.get("n_collapse_ops"):
            env.append("collapse operators")
        if self.environment.get("bath", "none") != "none":
            env.append("bath")
        return [
            f"{self.model.n_levels} levels",
            f"t: {self.t.size} saved times",
            "environment: " + (", ".join(env) if env else "none") + f" ({self.environment.get('basis')} basis)",
        ]


# --------------------------------------------------------------------------- input
def _rate(x: Any, name: str) -> np.ndarray:
    arr = _checks.real_array(x, name, nonnegative=True)
    if not np.all(np.isfinite(arr)):
        raise LzsmValueError(f"`{name}` must be finite and >= 0")
    return arr


def _environment(
    model: Model, dephasing: Any, relaxation: Any, temperature: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[int, ...]]:
    """The rates and temperature as arrays, and the grid they span with the model's."""
    gphi = _rate(dephasing, "dephasing")
    g1 = _rate(relaxation, "relaxation")
    kt = _checks.real_array(temperature, "temperature", nonnegative=True)
    try:
        shape = np.broadcast_shapes(model.batch_shape, gphi.shape, g1.shape, kt.shape)
    except ValueError:
        raise LzsmValueError(
            f"`dephasing` {gphi.shape}, `relaxation` {g1.shape} and `temperature` {kt.shape} "
            f"do not broadcast against the model's grid {model.batch_shape}"
        ) from None
    return gphi, g1, kt, shape


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
            raise LzsmValueError(
                f"`collapse_ops[{k}]` must be an {n} x {n} matrix (the model has {n} levels), got shape {o.shape}"
            )
        if not np.all(np.isfinite(o)):
            raise LzsmValueError(f"`collapse_ops[{k}]` has non-finite entries")
    return np.array(arrs, dtype=complex).reshape(-1, n, n)


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


@dataclass(frozen=True)
class _Problem:
    """Everything a Lindblad runner needs, flattened over the grid (rates in 1/time, energies / hbar)."""

    shape: tuple[int, ...]
    te: np.ndarray
    rho0: np.ndarray
    sup: np.ndarray
    dynamic: bool
    code_basis: int
    par: np.ndarray
    xop: np.ndarray


# --------------------------------------------------------------------------- entry point
def evolve_open(
    model: Model,
    t_span: tuple[float, float],
    initial: Any = 0,
    t_eval: ArrayLike | None = None,
    *,
    dephasing: ArrayLike = 0.0,
    relaxation: ArrayLike = 0.0,
    temperature: ArrayLike = 0.0,
    basis: str = "diabatic",
    collapse_ops: Any = None,
    bath: OhmicBath | None = None,
    method: str | None = None,
    options: Options | None = None,
    tol: float | None = None,
    max_step: float | None = None,
    max_steps: int | None = None,
    breakpoints: ArrayLike | None = None,
    progress: bool | None = None,
) -> OpenEvolution:
    """Propagate the Lindblad master equation over the model's grid (and the rates' grid).

    Parameters
    ----------
    model : an lzsm model with time as its coordinate (N levels).
    t_span, t_eval : as in :func:`lzsm.evolve` (t0 and t1 always saved).  ``(-np.inf, np.inf)``
        (or one infinite end) for two-level models with separating asymptotics, ``dephasing``
        and ``relaxation`` only: the tails follow the slow (population) block of the Bloch
        equations (:mod:`lzsm.dynamics.asymptotic`); with relaxation the state at
        -inf is the steady state and at +inf the lower level.
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
    bath : :class:`lzsm.OhmicBath` for the weak-coupling (Davies) generator in the
        energy basis.
    method : ``'magnus6'`` (default for compiled models) or ``'dop853'`` (any model).
    options, tol, max_step, max_steps, breakpoints, progress : as in :func:`lzsm.evolve`; ``tol`` is the
        local error tolerance per step (Frobenius norm of rho), default 1e-9.

    ``dephasing``, ``relaxation`` and ``temperature`` broadcast against the model grid.

    Returns
    -------
    :class:`OpenEvolution` (``.rho``, populations in both pictures, ``p_diabatic_stay``,
    ``p_adiabatic_follow``, ``p_jump``, purity, ``.to_xarray()``).

    Examples
    --------
    >>> import lzsm
    >>> model = lzsm.LandauZener(coupling=0.2, sweep_rate=1.0)
    >>> run = lzsm.evolve_open(model, (-100, 100), initial=0, dephasing=5.0)
    >>> round(float(run.p_diabatic_stay), 3)  # strong dephasing: the rate-equation limit
    0.807
    >>> round(float(lzsm.rate_equation_p_diabatic_stay(0.2, 1.0, 5.0, t_span=(-100, 100))), 3)
    0.807
    """
    # ---- convert and check
    model = _checks.time_model(model)
    opts = resolve_options(
        options, tol=tol, max_step=max_step, max_steps=max_steps, breakpoints=breakpoints, progress=progress
    )
    t0, t1 = _checks.time_span(t_span, infinite=True)
    if math.isinf(t0) or math.isinf(t1):
        return _evolve_open_with_tails(
            model,
            (t0, t1),
            initial,
            t_eval,
            dephasing,
            relaxation,
            temperature,
            basis,
            collapse_ops,
            bath,
            method,
            opts,
        )
    te = _checks.times(t_span, t_eval)
    meth = methods.lookup("lindblad", method, "compiled" if model.kernel_form() is not None else "callable")
    opts = meth.check(opts)
    basis = _checks.choice(basis, "basis", ("diabatic", "adiabatic"))
    n = model.n_levels
    hbar = float(model.hbar)
    gphi, g1, kt, shape = _environment(model, dephasing, relaxation, temperature)
    ops = _collapse_ops(collapse_ops, n)
    if bath is not None and not isinstance(bath, OhmicBath):
        raise LzsmTypeError(f"`bath` must be an lzsm.OhmicBath, got {type(bath).__name__}")
    init = _checks.initial_state(initial, model, float(te[0]), shape=shape, density=True)
    rho0, dia = init.rho, init.diabatic
    assert rho0 is not None
    environment = {
        "dephasing": gphi,
        "relaxation": g1,
        "temperature": kt,
        "basis": basis,
        "n_collapse_ops": int(ops.shape[0]),
        "bath": repr(bath) if bath is not None else "none",
    }

    # ---- budgets: steps, and the saved density matrices with one superoperator per point
    npts = int(np.prod(shape, dtype=int))
    propagation_budget("evolve_open", model, te, opts.max_steps, n, shape, 16.0 * npts * n**4)

    # ---- per-point kernel inputs (rates in 1/time, energies / hbar)
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
        raise LzsmValueError(
            "`relaxation` with basis='diabatic' cannot be combined with a `bath` (which acts "
            "in the energy basis): use basis='adiabatic' or collapse_ops"
        )
    code_basis = _lk.BASIS_ADIABATIC if (basis == "adiabatic" or bath is not None) else _lk.BASIS_DIABATIC
    sup_ops = _superop_dissipator(ops)  # (N^2, N^2)
    sup = np.broadcast_to(sup_ops, (npts, n * n, n * n)).copy()
    if constant_dephasing:
        offdiag = np.array([1.0 if i != j else 0.0 for i in range(n) for j in range(n)])
        sup -= gphi_b[:, None, None] * np.diag(offdiag)[None]

    te_run = te if not opts.breakpoints else np.union1d(te, [b for b in opts.breakpoints if te[0] < b < te[-1]])
    problem = _Problem(tuple(shape), te_run, rho0, sup, dynamic, code_basis, par, xop)
    label, rho, err, steps, status = meth.runner(model, problem, opts)
    rho = np.take(rho, np.searchsorted(te_run, te), axis=-3)
    rho = 0.5 * (rho + np.conj(np.swapaxes(rho, -1, -2)))  # Hermitian to rounding; symmetrise
    bad = int(np.sum(status != int(Status.OK)))
    if bad:
        worst = Status(int(np.max(status)))
        warnings.warn(
            f"evolve_open: {bad} of {status.size} grid points did not reach t1 ({worst.message}); "
            "see OpenEvolution.status",
            LzsmConvergenceWarning,
            stacklevel=2,
        )
    return OpenEvolution(
        model,
        te,
        rho,
        tuple(shape),
        init.adiabatic(model, float(te[0])),
        np.asarray(dia),
        environment,
        method=label,
        options=opts,
        status=status,
        error_estimate=err,
        n_steps=steps,
    )


# --------------------------------------------------------------------------- infinite windows
def _evolve_open_with_tails(
    model: Model,
    t_span: tuple[float, float],
    initial: Any,
    t_eval: Any,
    dephasing: Any,
    relaxation: Any,
    temperature: Any,
    basis: str,
    collapse_ops: Any,
    bath: Any,
    method: Any,
    opts: Options,
) -> OpenEvolution:
    """:func:`evolve_open` over a window with an infinite end: the core by the Lindblad
    integrator, the tails by the population block of the Bloch equations
    (:mod:`lzsm.dynamics.asymptotic`)."""
    where = "evolve_open"
    t0, t1 = t_span
    if model.n_levels != 2 or collapse_ops is not None or bath is not None:
        raise LzsmValueError(
            f"{where}: an infinite `t_span` is implemented for two levels with `dephasing` and "
            "`relaxation` (no `collapse_ops`, no `bath`); use a finite `t_span`"
        )
    form = _asym.asymptotic_form(model, where)
    if form.kind != "separating":
        raise LzsmValueError(
            f"{where}: an infinite `t_span` with an environment needs levels that run apart "
            f"(a sweep); {type(model).__name__}'s coupling switches off and the environment would act forever"
        )
    te = _checks.times(t_span, t_eval, infinite=True)
    basis = _checks.choice(basis, "basis", ("diabatic", "adiabatic"))
    meth = methods.lookup("lindblad", method, "compiled" if model.kernel_form() is not None else "callable")
    tol_used = meth.check(opts).tol
    assert tol_used is not None
    hbar = float(model.hbar)
    gphi, g1, kt, shape = _environment(model, dephasing, relaxation, temperature)
    mc = np.zeros(shape + (3, 4))
    if basis == "diabatic":  # dephasing along sigma_z: x and y decay at gamma_phi
        mc[..., 0, 0] = mc[..., 1, 1] = -np.broadcast_to(gphi, shape)
    env = _asym.BlochEnvironment(
        mc,
        np.broadcast_to(gphi if basis == "adiabatic" else 0.0, shape),
        np.broadcast_to(g1, shape),
        np.broadcast_to(kt / hbar, shape),
        basis == "adiabatic",
    )
    tol_tail = max(tol_used, 1e-13)
    centre = 0.5 * (form.core[0] + form.core[1])
    relaxing = bool(np.any(env.relaxation > 0))
    n = 2
    # ---- left: from -inf to the core
    if math.isinf(t0):
        kind, k = _named_at_minus_infinity(initial, n, where)
        ta = _asym.open_edge(model, form, env, -1, tol_tail, where)
        if relaxing:  # the state forgets its past within ~60/gamma_1: start there, relaxed
            t_far = ta - 60.0 / float(np.min(env.relaxation[env.relaxation > 0]))
        else:  # where the rest of the dephasing-induced transfer is below tol
            _, t_far, _ = _asym.open_tail(model, env, ta, None, centre, -1, tol_tail, where)
        h_far = model.hamiltonian(np.asarray(t_far))
        upper_far = np.broadcast_to(np.argmax(np.real(np.diagonal(h_far, axis1=-2, axis2=-1)), axis=-1), shape)
        lower_far = 1 - upper_far
        if kind == "diabatic":
            x_pop = np.where(upper_far == k, 1.0, -1.0)
            dia = np.full(shape, k)
            ad0 = np.where(upper_far == k, 1, 0)
        else:
            x_pop = np.full(shape, 1.0 if k == 1 else -1.0)
            dia = np.where(k == 1, upper_far, lower_far)
            ad0 = np.full(shape, k)
        if relaxing:  # an environment that relaxes forever leaves its steady state at -inf
            gs = _asym._open_panel(model, env, t_far, t_far - (centre - t_far))[0][..., 0, :, :]
            x_pop = np.where(env.relaxation > 0, -gs[..., 0, 1] / gs[..., 0, 0], x_pop)
        x_far = np.stack([x_pop, np.ones(shape)], axis=-1)
        r = _asym.open_start(model, env, t_far, ta, x_far, centre)
        rho0 = 0.5 * (np.eye(2) + np.einsum("...i,ijk->...jk", r[..., :3], np.asarray(_PAULI)))
        pivot_start = np.stack([lower_far, upper_far], axis=-1)
    else:
        ta = t0
        rho0 = _checks.initial_state(initial, model, t0, shape=shape, density=True).rho
        ad0 = None
        dia = None
        pivot_start = np.broadcast_to(np.arange(n), shape + (n,))
    # ---- core
    tb = _asym.open_edge(model, form, env, +1, tol_tail, where) if math.isinf(t1) else t1
    if tb <= ta:  # pragma: no cover - the edges lie outside the core
        raise LzsmValueError(f"{where}: the window's finite end lies inside the other tail; use a finite `t_span`")
    core_times = np.unique(np.concatenate([[ta], te[(te > ta) & (te < tb)], [tb]]))
    core = evolve_open(
        model,
        (ta, tb),
        rho0,
        core_times,
        dephasing=dephasing,
        relaxation=relaxation,
        temperature=temperature,
        basis=basis,
        method=method,
        options=opts,
    )
    rho_out = {float(s): core.rho[..., i, :, :] for i, s in enumerate(core_times)}
    if math.isinf(t0):
        assert dia is not None
        first = np.zeros(shape + (2, 2), dtype=complex)  # diabatic level `dia` occupied
        first[..., 0, 0] = dia == 0
        first[..., 1, 1] = dia == 1
        rho_out[t0] = first
        initial_adiabatic, initial_diabatic = ad0, dia
    else:
        initial_adiabatic, initial_diabatic = core.initial_adiabatic, core.initial_diabatic
    # ---- right: from the core to +inf
    pivot_end = np.broadcast_to(np.arange(n), shape + (n,))
    if math.isinf(t1):
        rho_b = core.rho[..., -1, :, :]
        r = np.stack(
            [2 * rho_b[..., 0, 1].real, -2 * rho_b[..., 0, 1].imag, (rho_b[..., 0, 0] - rho_b[..., 1, 1]).real], axis=-1
        )
        r4 = np.concatenate([r, np.ones(shape + (1,))], axis=-1)
        # relaxation that acts forever leaves the steady state of t -> inf, where the splitting is
        # infinite: the lower level (any temperature); the other points are carried by the tail
        coherent_env = dataclasses.replace(env, relaxation=np.zeros(shape))
        x, t_end, _ = _asym.open_tail(model, coherent_env, tb, r4, centre, +1, tol_tail, where)
        h_end = model.hamiltonian(np.asarray(t_end))
        upper = np.broadcast_to(np.argmax(np.real(np.diagonal(h_end, axis1=-2, axis2=-1)), axis=-1), shape)
        p_upper = np.where(env.relaxation > 0, 0.0, 0.5 * (x[..., 1] + x[..., 0]))
        last = np.zeros(shape + (2, 2), dtype=complex)
        last[..., 0, 0] = np.where(upper == 0, p_upper, 1 - p_upper)
        last[..., 1, 1] = np.where(upper == 1, p_upper, 1 - p_upper)
        rho_out[t1] = last
        pivot_end = np.stack([1 - upper, upper], axis=-1)
    rho = np.stack([rho_out[float(s)] for s in te], axis=-3)
    environment = dict(core.environment)
    environment["tails"] = f"core [{ta:.6g}, {tb:.6g}]; population block of the Bloch equations beyond"
    return OpenEvolution(
        model,
        te,
        rho,
        tuple(shape),
        np.asarray(initial_adiabatic),
        np.asarray(initial_diabatic),
        environment,
        {"pivots": (pivot_start, pivot_end)},
        method=core.method,
        options=core.options,
        status=core.status,
        error_estimate=np.asarray(core.error_estimate) + tol_tail,
        n_steps=core.n_steps,
    )


# --------------------------------------------------------------------------- integrators
@methods.register(
    "lindblad",
    "magnus6",
    "compiled",
    default_tol=DEFAULT_TOL,
    honours={"tol", "max_step", "max_steps", "breakpoints"},
    description="sixth-order Magnus on the Bloch vector (2 levels) or vec(rho) (N levels), compiled",
)
def _magnus6(model: Model, pr: _Problem, options: Options) -> tuple[Any, ...]:
    return _run_compiled(
        model.kernel_form(),
        model.hbar,
        pr.shape,
        pr.te,
        pr.rho0,
        pr.sup,
        pr.dynamic,
        pr.code_basis,
        pr.par,
        pr.xop,
        options.tol,
        options.max_step,
        options.max_steps,
        options.progress,
    )


def _dop853(model: Model, pr: _Problem, options: Options) -> tuple[Any, ...]:
    return _run_scipy(
        model,
        pr.shape,
        pr.te,
        pr.rho0,
        pr.sup,
        pr.dynamic,
        pr.code_basis,
        pr.par,
        pr.xop,
        options.tol,
        options.max_step,
        options.progress,
    )


for _form in ("compiled", "callable"):
    methods.register(
        "lindblad",
        "dop853",
        _form,
        default_tol=DEFAULT_TOL,
        honours={"tol", "max_step"},
        description="SciPy DOP853 on vec(rho), point by point; any model",
        min_tol=methods.SCIPY_MIN_TOL,
    )(_dop853)


def _run_compiled(kf, hbar, shape, te, rho0, sup, dynamic, code_basis, par, xop, tol, max_step, max_steps, progress):
    n = kf.constant.shape[-1]
    npts = int(np.prod(shape, dtype=int))
    a = np.broadcast_to(kf.constant, shape + (n, n)).reshape(npts, n, n) / hbar
    b = np.broadcast_to(kf.coefficient, shape + (n, n)).reshape(npts, n, n) / hbar
    code = _threads.arg(np.broadcast_to(kf.code, shape).reshape(npts), np.int64)
    fpar = _threads.arg(np.broadcast_to(kf.fpar, shape + (2,)).reshape(npts, 2), float)
    r0 = rho0.reshape(npts, n, n)
    if n == 2:
        kernel = _lk.evolve_bloch
        a_in, b_in = _threads.arg(_pauli(a), float), _threads.arg(_pauli(b), float)
        const = _threads.arg(_bloch_affine(sup), float)
        x_in = _threads.arg(np.broadcast_to(_pauli(xop[None])[0], (npts, 4)), float)
        y0 = _threads.arg(np.einsum("kij,pji->pk", _PAULI, r0).real, float)
        method = "magnus6-bloch-compiled"
    else:
        kernel = _lk.evolve_lindblad
        a_in, b_in = _threads.arg(a, complex), _threads.arg(b, complex)
        const = _threads.arg(sup, complex)
        x_in = _threads.arg(np.broadcast_to(xop, (npts, n, n)), complex)
        y0 = _threads.arg(r0.reshape(npts, n * n), complex)
        method = "magnus6-lindblad-compiled"
    par = _threads.arg(par, float)
    te = _threads.arg(te, float)
    dynamic, code_basis = bool(dynamic), int(code_basis)
    tol, max_step, max_steps = float(tol), float(max_step), int(max_steps)

    def call(sl: slice) -> tuple[np.ndarray, ...]:
        return kernel(
            a_in[sl],
            b_in[sl],
            code[sl],
            fpar[sl],
            const[sl],
            dynamic,
            code_basis,
            par[sl],
            x_in[sl],
            te,
            y0[sl],
            tol,
            0.0,
            max_step,
            max_steps,
        )

    outs, errs, steps, stats = [], [], [], []
    with progress_bar(npts, progress, desc="evolve_open", auto_above=1024) as bar:
        for _, (o, e, k, st) in _threads.run_chunks(call, npts, 1024):
            outs.append(o)
            errs.append(e)
            steps.append(k)
            stats.append(st)
            bar.update(o.shape[0])
    y = np.concatenate(outs)
    if n == 2:
        rho = 0.5 * (np.eye(2) + np.einsum("pmk,kij->pmij", y, _PAULI))
    else:
        rho = y.reshape(npts, te.size, n, n)
    return (
        method,
        rho.reshape(shape + (te.size, n, n)),
        np.concatenate(errs).reshape(shape),
        np.concatenate(steps).reshape(shape),
        np.concatenate(stats).reshape(shape),
    )


def _run_scipy(model, shape, te, rho0, sup, dynamic, code_basis, par, xop, tol, max_step, progress=None):
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
        bidx = tuple(i if s > 1 else 0 for i, s in zip(idx[len(shape) - len(bshape) :], bshape))
        pm = model.point(bidx) if bshape else model

        def rhs(t, y, pm=pm, p=p):
            h = pm.hamiltonian(np.asarray(t)) / model.hbar
            gen = -1j * (np.kron(h, eye) - np.kron(eye, h.T)) + sup[p]
            if dynamic:
                gen = gen + _lk._dynamic_dissipator(np.ascontiguousarray(h, dtype=complex), code_basis, par[p], xop)
            return gen @ y

        sol = solve_ivp(
            rhs,
            (te[0], te[-1]),
            rho0.reshape(npts, n * n)[p],
            t_eval=te,
            method="DOP853",
            rtol=tol,
            atol=tol,
            max_step=max_step,
        )
        status[p] = int(Status.OK) if sol.success else int(Status.FAILED)
        if sol.success:
            rho[p] = sol.y.T.reshape(te.size, n, n)
        steps[p] = sol.t.size
        err[p] = math.nan
    return (
        "scipy-dop853",
        rho.reshape(shape + (te.size, n, n)),
        err.reshape(shape),
        steps.reshape(shape),
        status.reshape(shape),
    )
