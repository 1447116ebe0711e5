"""Coherent time evolution: ``i hbar dpsi/dt = H(t) psi`` over whole parameter grids.

Front doors (convert -> check -> dispatch, one vocabulary):

* :func:`evolve` ``(model, t_span, initial, t_eval)`` -> :class:`Evolution` (amplitudes in both
  pictures, ``p_diabatic_stay``, ``p_adiabatic_follow``, ``p_jump``);
* :func:`propagator` ``(model, t_span, t_eval)`` -> :class:`Propagator` (``U(t, t0)``);
* :func:`transition_matrix` ``(model, t_span)`` -> :class:`TransitionMatrix`
  (``P[final, initial]`` between diabatic levels).

Each converts and checks its input (:mod:`lzsm._checks`), resolves the generic options
(:class:`lzsm.Options`), and hands the problem to the integrator registered for
``(method, form)`` in :mod:`lzsm.methods`:

* ``"magnus6"`` (default): the sixth-order commutator Magnus integrator on three Gauss nodes
  (Blanes, Casas & Ros, BIT 40, 434 (2000)) with exact exponentials, so every step is unitary,
  and Richardson step control.  Models with ``H = A + B f(t)`` (Landau–Zener, linear
  multi-level sweeps, periodic drives, double passages) run entirely in compiled code
  (:mod:`lzsm.kernels.magnus`), chunks of parameter points on numba's threads; models given by Python
  callables are stepped in lock-step over the grid with NumPy.
* ``"dop853"``: SciPy's eighth-order Runge–Kutta (Hairer, Nørsett & Wanner), point by point;
  an independent reference (not unitary; no error estimate is reported).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from lzsm import _checks, methods
from lzsm._progress import progress_bar
from lzsm.dynamics import asymptotic as _asym
from lzsm.dynamics.asymptotic import Tails
from lzsm.errors import LzsmConvergenceWarning, LzsmValueError
from lzsm.kernels import magnus as _mk
from lzsm.kernels import stepping as _step
from lzsm.kernels import threads as _threads
from lzsm.models import adiabatic as bases
from lzsm.models.base import Model
from lzsm.options import Options, resolve_options
from lzsm.results import (
    ArrayResult,
    FinalProbabilities,
    Result,
    Status,
    checked_probability,
    grid_coordinates,
    status_messages,
    write_netcdf,
)

__all__ = [
    "DEFAULT_TOL",
    "Evolution",
    "Propagator",
    "TransitionMatrix",
    "evolve",
    "propagator",
    "transition_matrix",
    "write_netcdf",
]

#: Default local error tolerance per step (amplitude norm) of the Magnus integrator.  With it
#: Landau–Zener passages (e.g. V = 0.5, alpha = 1, t in [-200, 200]) land within ~1e-10 of the
#: exact finite-time value.
DEFAULT_TOL = 1e-10

#: Status codes and their meaning (kept for lzsm 0.1 code; see :class:`lzsm.results.Status`).
STATUS_MESSAGES = status_messages()

#: Runs whose grid needs at least this many steps in all (seconds of work) show a progress bar
#: (on a terminal or in a notebook) however few their points.
LONG_RUN_STEPS = 2 * 10**7

#: The options every Magnus path honours.
_MAGNUS_OPTIONS = {"tol", "max_step", "max_steps", "breakpoints"}


# =========================================================================== results
class _OnModelGrid:
    """Grid, coordinates and attributes of a result computed over a model's parameter grid."""

    model: Model

    def _grid(self) -> tuple[tuple[int, ...], list[str], dict[str, np.ndarray]]:
        shape = self.model.batch_shape
        dims, coords = grid_coordinates(shape, self.model.parameters())
        return shape, dims, coords

    def _attrs(self) -> dict[str, Any]:
        return {"model": type(self.model).__name__, "hbar": self.model.hbar, "n_levels": self.model.n_levels}


@dataclass(frozen=True, eq=False, repr=False)
class Evolution(FinalProbabilities, _OnModelGrid, Result):
    """Result of :func:`evolve`: amplitudes at the saved times in both pictures.

    Attributes
    ----------
    model : the model (its parameter grid is the result's grid).
    t : saved times, shape (M,).
    amplitudes : diabatic amplitudes, shape ``(*grid, M, N)``.
    initial_adiabatic : index of the adiabatic state the system started in (largest
        population at t0), shape ``grid``.
    initial_diabatic : index of the initial diabatic state, or -1 where the initial state
        was not a diabatic basis state.
    error_estimate : a-posteriori bound on the amplitude error at the last time (sum of the
        accepted local error estimates; unitary steps do not amplify them), shape ``grid``
        (NaN for methods that do not estimate it).
    n_steps, status : accepted steps and a :class:`lzsm.results.Status` code per point.
    method, options : the integrator (e.g. ``'magnus6-compiled'``) and the options used.
    """

    model: Model
    t: np.ndarray
    amplitudes: np.ndarray
    initial_adiabatic: np.ndarray
    initial_diabatic: np.ndarray
    _cache: dict[str, Any] = field(default_factory=dict)
    tails: Tails | None = None

    kind = "coherent evolution"

    @property
    def tol(self) -> float | None:
        """The local error tolerance used (``options.tol``)."""
        return self.options.tol

    # ------------------------------------------------------------------ both pictures
    @property
    def populations(self) -> np.ndarray:
        """Diabatic populations ``|c_j(t)|^2``, shape ``(*grid, M, N)`` (checked: NaN only at
        points that did not finish, within [0, 1] up to rounding)."""
        return self._checked_populations(np.abs(self.amplitudes) ** 2, "populations")

    @property
    def adiabatic_amplitudes(self) -> np.ndarray:
        """Amplitudes on the adiabatic states (smooth gauge along the saved times)."""
        if "ad" not in self._cache:  # NaN (times a point did not reach) stays NaN
            finite = np.isfinite(self.t)
            out = np.empty_like(self.amplitudes)
            states = bases.adiabatic_states(self.model, self.t[finite])
            out[..., finite, :] = np.einsum("...jn,...j->...n", np.conj(states), self.amplitudes[..., finite, :])
            for k in np.flatnonzero(~finite):  # at t = +-inf adiabatic state n is diabatic level pivot[n]
                pivot = self._cache["pivots"][0 if self.t[k] < 0 else 1]
                out[..., k, :] = np.take_along_axis(self.amplitudes[..., k, :], pivot, axis=-1)
            self._cache["ad"] = out
        return self._cache["ad"]

    @property
    def adiabatic_populations(self) -> np.ndarray:
        """Populations of the instantaneous eigenstates (index 0 lowest), ``(*grid, M, N)``."""
        return self._checked_populations(np.abs(self.adiabatic_amplitudes) ** 2, "adiabatic_populations")

    # ------------------------------------------------------------------ export
    def _coords(self) -> dict[str, Any]:
        n = self.model.n_levels
        return {"t": self.t, "diabatic": np.arange(n), "adiabatic": np.arange(n)}

    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        _, g, _ = self._grid()
        return {
            "amplitude_diabatic": (g + ["t", "diabatic"], self.amplitudes),
            "amplitude_adiabatic": (g + ["t", "adiabatic"], self.adiabatic_amplitudes),
            "population_diabatic": (g + ["t", "diabatic"], self.populations),
            "population_adiabatic": (g + ["t", "adiabatic"], self.adiabatic_populations),
            "p_diabatic_stay": (g, self.p_diabatic_stay),
            "p_adiabatic_follow": (g, self.p_adiabatic_follow),
            "p_jump": (g, self.p_jump),
        }

    def to_xarray(self) -> Any:
        """An ``xarray.Dataset`` with labelled dimensions, units and settings in attrs."""
        ds = super().to_xarray()
        for name in ("coupling", "sweep_rate", "bias"):
            if name in ds.coords:
                ds[name].attrs["units"] = {"coupling": "energy", "sweep_rate": "energy / time", "bias": "energy"}[name]
        ds["p_diabatic_stay"].attrs["long_name"] = "final population of the initial diabatic state"
        ds["p_adiabatic_follow"].attrs["long_name"] = "final population of the initial adiabatic state"
        ds["p_jump"].attrs["long_name"] = "final probability of a non-adiabatic transition"
        ds["error_estimate"].attrs["long_name"] = "a-posteriori bound on the final amplitude error"
        ds.attrs["tol"] = float(self.options.tol) if self.options.tol is not None else "default"
        return ds

    def _attrs(self) -> dict[str, Any]:
        out = super()._attrs()
        if self.tails is not None:
            out["tails"] = self.tails.describe()
        return out

    def _summary(self) -> list[str]:
        out = [f"{self.model.n_levels} levels", f"t: {self.t.size} saved times"]
        if self.tails is not None:
            out.append(f"core [{self.tails.core[0]:.4g}, {self.tails.core[1]:.4g}] + tails")
        return out


@dataclass(frozen=True, eq=False, repr=False)
class Propagator(_OnModelGrid, ArrayResult):
    """Result of :func:`propagator`: ``U(t, t0)`` in the diabatic basis at the saved times.

    ``u`` has shape ``(*grid, M, N, N)``; the result itself behaves as that array
    (``np.asarray(result)``, indexing, arithmetic)."""

    model: Model
    t: np.ndarray
    u: np.ndarray
    tails: Tails | None = None

    kind = "propagator U(t, t0)"
    _array = "u"

    def _coords(self) -> dict[str, Any]:
        n = self.model.n_levels
        return {"t": self.t, "final": np.arange(n), "initial": np.arange(n)}

    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        _, g, _ = self._grid()
        return {"u": (g + ["t", "final", "initial"], self.u)}

    def _summary(self) -> list[str]:
        return [f"{self.model.n_levels} levels", f"t: {self.t.size} saved times"]


@dataclass(frozen=True, eq=False, repr=False)
class TransitionMatrix(_OnModelGrid, ArrayResult):
    """Result of :func:`transition_matrix`: ``P[..., final, initial]`` between diabatic levels.

    The result behaves as the array ``probabilities`` (shape ``(*grid, N, N)``; columns sum
    to 1 up to the propagation error); ``picture`` says how it was read and ``t_span`` over
    which window."""

    model: Model
    probabilities: np.ndarray
    picture: str
    t_span: tuple[float, float]
    tails: Tails | None = None

    kind = "transition matrix P[final, initial]"
    _array = "probabilities"

    def _coords(self) -> dict[str, Any]:
        n = self.model.n_levels
        return {"final": np.arange(n), "initial": np.arange(n)}

    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        _, g, _ = self._grid()
        return {"transition_probability": (g + ["final", "initial"], self.probabilities)}

    def _attrs(self) -> dict[str, Any]:
        out = {**super()._attrs(), "picture": self.picture, "t0": self.t_span[0], "t1": self.t_span[1]}
        if self.tails is not None:
            out["tails"] = self.tails.describe()
        return out

    def _summary(self) -> list[str]:
        return [
            f"{self.model.n_levels} levels",
            f"picture {self.picture!r}",
            f"t in [{self.t_span[0]:g}, {self.t_span[1]:g}]",
        ]


# =========================================================================== integrators
def _pauli(h: np.ndarray) -> np.ndarray:
    """Pauli 4-vectors (h0, hx, hy, hz) of Hermitian (..., 2, 2) matrices."""
    out = np.empty(h.shape[:-2] + (4,))
    out[..., 0] = 0.5 * (h[..., 0, 0] + h[..., 1, 1]).real
    out[..., 3] = 0.5 * (h[..., 0, 0] - h[..., 1, 1]).real
    out[..., 1] = h[..., 0, 1].real
    out[..., 2] = -h[..., 0, 1].imag
    return out


def run_kernel_form(
    kf: Any,
    hbar: float,
    shape: tuple[int, ...],
    te: np.ndarray,
    psi0: np.ndarray,
    tol: float,
    max_step: float = math.inf,
    max_steps: int = 10_000_000,
    progress: bool | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Compiled kernels over a flattened grid of ``H = A + B f(t)`` (a :class:`lzsm.models.KernelForm`).

    ``psi0 (*shape, N, K) -> amplitudes (*shape, M, N, K)``, error estimates, steps, status."""
    n = kf.constant.shape[-1]
    kcols = psi0.shape[-1]
    npts = int(np.prod(shape, dtype=int))
    a = np.broadcast_to(kf.constant, shape + (n, n)).reshape(npts, n, n) / hbar
    b = np.broadcast_to(kf.coefficient, shape + (n, n)).reshape(npts, n, n) / hbar
    code = _threads.arg(np.broadcast_to(kf.code, shape).reshape(npts), np.int64)
    fpar = _threads.arg(np.broadcast_to(kf.fpar, shape + (2,)).reshape(npts, 2), float)
    psi = _threads.arg(np.broadcast_to(psi0, shape + (n, kcols)).reshape(npts, n, kcols), complex)
    if n == 2:
        kernel = _mk.evolve_two_level
        a_in, b_in = _threads.arg(_pauli(a), float), _threads.arg(_pauli(b), float)
    else:
        kernel = _mk.evolve_n_level
        a_in, b_in = _threads.arg(a, complex), _threads.arg(b, complex)
    te = _threads.arg(te, float)
    tol, max_step, max_steps = float(tol), float(max_step), int(max_steps)

    def call(sl: slice) -> tuple[np.ndarray, ...]:
        return kernel(a_in[sl], b_in[sl], code[sl], fpar[sl], te, psi[sl], tol, 0.0, max_step, max_steps)

    # a bar for many points, or for few points that need many steps (the step bound of the grid)
    work = float(np.sum(kf.phase_bound(float(te[0]), float(te[-1])))) / (math.pi * hbar)
    outs, errs, steps, stats = [], [], [], []
    with progress_bar(npts, progress, desc="evolve", auto_above=0 if work > LONG_RUN_STEPS else 2048) as bar:
        bar.set_postfix_str(f"at least {work:.2g} steps", refresh=False)
        for _, (o, e, k, st) in _threads.run_chunks(call, npts, 2048):
            outs.append(o)
            errs.append(e)
            steps.append(k)
            stats.append(st)
            bar.update(o.shape[0])
    return (
        np.concatenate(outs).reshape(shape + (te.size, n, kcols)),
        np.concatenate(errs).reshape(shape),
        np.concatenate(steps).reshape(shape),
        np.concatenate(stats).reshape(shape),
    )


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


#: The step controller of the compiled kernels, as plain Python (one call per lock-step step).
_control = _step.control.py_func
_trial_step = _step.trial_step.py_func
_outside_radius = _step.outside_radius.py_func


def _eigenphases(om: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (ascending) and eigenvectors of the Hermitian ``i Omega``."""
    herm = 1j * om
    herm = 0.5 * (herm + np.conj(np.swapaxes(herm, -1, -2)))
    lam, vec = np.linalg.eigh(herm)
    return lam, vec


def _expm_from_eigenphases(lam: np.ndarray, vec: np.ndarray) -> np.ndarray:
    return (vec * np.exp(-1j * lam)[..., None, :]) @ np.conj(np.swapaxes(vec, -1, -2))


def _expm_ah(om: np.ndarray) -> np.ndarray:
    return _expm_from_eigenphases(*_eigenphases(om))


@methods.register(
    "schrodinger",
    "magnus6",
    "compiled",
    default_tol=DEFAULT_TOL,
    honours=_MAGNUS_OPTIONS,
    description="sixth-order Magnus, exact exponentials, compiled (numba), points in parallel",
)
def _magnus6_compiled(model: Model, te: np.ndarray, psi0: np.ndarray, options: Options) -> tuple[Any, ...]:
    """Compiled kernels for models with a kernel form (``H = A + B f(t)``)."""
    assert options.tol is not None
    out = run_kernel_form(
        model.kernel_form(),
        model.hbar,
        model.batch_shape,
        te,
        psi0,
        options.tol,
        options.max_step,
        options.max_steps,
        options.progress,
    )
    return ("magnus6-compiled",) + out


@methods.register(
    "schrodinger",
    "magnus6",
    "callable",
    default_tol=DEFAULT_TOL,
    honours=_MAGNUS_OPTIONS,
    description="sixth-order Magnus, exact exponentials, NumPy lock-step over the grid",
)
def _magnus6_lockstep(model: Model, te: np.ndarray, psi0: np.ndarray, options: Options) -> tuple[Any, ...]:
    """Lock-step sixth-order Magnus over the whole grid for models given by callables: one step
    sequence for all points, landing on the saved times and accepted on the largest error
    estimate by the compiled kernels' controller (:func:`lzsm.kernels.stepping.trial_step`,
    :func:`lzsm.kernels.stepping.control`).

    psi0 (*batch, N, K) -> (*batch, M, N, K)."""
    tol, max_step, max_steps, progress = options.tol, options.max_step, options.max_steps, options.progress
    assert tol is not None
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
    status = _step.STATUS_OK
    c = np.asarray(_C)
    bar = progress_bar(
        float(te[-1] - te[0]),
        progress,
        desc="evolve",
        unit="t",
        bar_format="{l_bar}{bar}| {n:.3g}/{total:.3g} [{elapsed}<{remaining}]",
    )
    try:
        for j in range(1, te.size):
            t_end = float(te[j])
            while t < t_end and status == _step.STATUS_OK:
                _, last, h_try, t_next = _trial_step(t, h, t_end, math.inf, 0, None)  # no kinks
                hh = 0.5 * h_try
                times = np.concatenate([t + c * h_try, t + c * hh, t + hh + c * hh])
                hs = model.hamiltonian(times) / model.hbar
                # Magnus radius, as in the compiled kernels: half the spread of the full step's
                # eigenphases (its norm less the exact global phase) at most pi at every point,
                # else the step doubling's error estimate is not trustworthy
                lam, vec = _eigenphases(_omega6(hs[..., 0:3, :, :], h_try))
                spread = float(np.max(lam[..., -1] - lam[..., 0])) if lam.size else 0.0
                h_short = _outside_radius(0.5 * spread, h_try, t)
                if h_short > 0.0:
                    h = h_short
                    continue
                full = _expm_from_eigenphases(lam, vec) @ psi
                half = _expm_ah(_omega6(hs[..., 3:6, :, :], hh)) @ psi
                half = _expm_ah(_omega6(hs[..., 6:9, :, :], hh)) @ half
                err = np.linalg.norm(half - full, axis=(-2, -1)) / 63.0
                emax = float(np.max(err)) if err.size else 0.0
                accept, h_new = _control(emax, tol, h_try, h, t, last, max_step, _step.EXPONENT_RICHARDSON, 0.0)
                if accept:
                    psi = half
                    err_sum += err
                    nsteps += 1
                    bar.update(h_try)
                    t = t_next
                    if nsteps >= max_steps:
                        status = _step.STATUS_MAX_STEPS
                h = h_new
            out[..., j, :, :] = psi
    finally:
        bar.close()
    return "magnus6-lockstep", out, err_sum, np.full(shape, nsteps), np.full(shape, status)


def _dop853(model: Model, te: np.ndarray, psi0: np.ndarray, options: Options) -> tuple[Any, ...]:
    """SciPy's DOP853 point by point (rtol = atol = tol), segment by segment between saved
    times, stepped here so that ``max_steps`` bounds every point (``solve_ivp`` has no step
    budget: one long segment ran unbounded); no error estimate (NaN)."""
    from scipy.integrate import DOP853

    n = model.n_levels
    shape = model.batch_shape
    kcols = psi0.shape[-1]
    psi = np.broadcast_to(psi0, shape + (n, kcols)).astype(complex)
    out = np.full(shape + (te.size, n, kcols), np.nan + 0j)
    steps = np.zeros(shape, dtype=np.int64)
    status = np.zeros(shape, dtype=np.int64)
    npts = int(np.prod(shape, dtype=int))
    with progress_bar(npts, options.progress, desc="evolve (dop853)", auto_above=64) as bar:
        for idx in np.ndindex(*shape) if shape else [()]:
            single = model.point(idx) if shape else model

            def rhs(t: float, y: np.ndarray, single: Model = single) -> np.ndarray:
                h = single.hamiltonian(np.asarray(t)) / model.hbar
                return (-1j * (h @ y.reshape(n, kcols))).reshape(-1)

            y = psi[idx].reshape(-1)
            out[idx + (0,)] = psi[idx]
            for j in range(1, te.size):
                solver = DOP853(rhs, te[j - 1], y, te[j], rtol=options.tol, atol=options.tol, max_step=options.max_step)
                while solver.status == "running" and steps[idx] < options.max_steps:
                    solver.step()
                    steps[idx] += 1
                if solver.status == "failed":
                    status[idx] = int(Status.FAILED)
                    break
                if solver.status == "running":
                    status[idx] = int(Status.MAX_STEPS)
                    break
                y = solver.y
                out[idx + (j,)] = y.reshape(n, kcols)
            bar.update(1)
    return "dop853", out, np.full(shape, np.nan), steps, status


for _dop853_form in ("compiled", "callable"):
    methods.register(
        "schrodinger",
        "dop853",
        _dop853_form,
        default_tol=1e-10,
        honours={"tol", "max_step", "max_steps", "breakpoints"},
        description="SciPy DOP853 (8th-order Runge-Kutta), point by point; reference method",
        min_tol=methods.SCIPY_MIN_TOL,
    )(_dop853)


# =========================================================================== front doors
def _merge_breakpoints(te: np.ndarray, breakpoints: tuple[float, ...] | None) -> np.ndarray:
    if not breakpoints:
        return te
    bp = np.asarray(breakpoints, dtype=float)
    return np.union1d(te, bp[(bp > te[0]) & (bp < te[-1])])


def _form(model: Model) -> str:
    return "compiled" if model.kernel_form() is not None else "callable"


def _warn_unfinished(status: np.ndarray, where: str, result: str) -> None:
    bad = int(np.sum(status != int(Status.OK)))
    if bad:
        worst = Status(int(np.max(status)))
        warnings.warn(
            f"{where}: {bad} of {status.size} parameter points did not reach t1 ({worst.message}); see {result}.status",
            LzsmConvergenceWarning,
            stacklevel=3,
        )


def propagation_budget(
    where: str,
    model: Model,
    te: np.ndarray,
    max_steps: int,
    columns: int,
    shape: tuple[int, ...] | None = None,
    extra_bytes: float = 0.0,
) -> None:
    """Refuse, before integrating, a propagation that cannot finish or does not fit: a grid
    point that needs more than ``max_steps`` steps for certain (models with a kernel form:
    :meth:`lzsm.models.base.KernelForm.phase_bound`), or saved states (``columns`` per level
    and time, twice: the kernels' output and the result) plus ``extra_bytes`` beyond the memory
    budget.  ``shape``: the grid of the result (default the model's)."""
    kf = model.kernel_form()
    if kf is not None:
        t0, t1 = float(te[0]), float(te[-1])
        _checks.step_budget(
            kf.phase_bound(t0, t1) / (math.pi * model.hbar),
            max_steps,
            where,
            f"the propagation over `t_span` = ({t0:g}, {t1:g})",
            model.parameters(),
            "shorten `t_span` (or change the model parameters named)",
        )
    npts = math.prod(model.batch_shape if shape is None else shape)
    n = model.n_levels
    what = f" x {columns} columns" if columns > 1 else ""
    _checks.memory_budget(
        2.0 * 16.0 * npts * te.size * n * columns + extra_bytes,
        f"{where}: the saved states",
        f"{npts} grid points x {te.size} saved times (`t_eval`) x {n} levels{what}",
        "save fewer times (`t_eval`), or run the grid in parts (lzsm.scan with chunks= and store=, on Dask with scheduler=)",
    )


def _solve(
    model: Model,
    t_span: Any,
    t_eval: Any,
    psi0: np.ndarray | None,
    method: str | None,
    options: Options,
    where: str = "evolve",
) -> tuple[methods.Method, Options, np.ndarray, np.ndarray, tuple[Any, ...]]:
    """Shared dispatch: (method, options, saved times, times with breakpoints, runner output)."""
    te_user = _checks.times(t_span, t_eval)
    meth = methods.lookup("schrodinger", method, _form(model))
    opts = meth.check(options)
    te = _merge_breakpoints(te_user, opts.breakpoints)
    n = model.n_levels
    propagation_budget(where, model, te, opts.max_steps, n if psi0 is None else psi0.shape[-1])
    if psi0 is None:
        psi0 = np.broadcast_to(np.eye(n, dtype=complex), model.batch_shape + (n, n))
    out = meth.runner(model, te, psi0, opts)
    return meth, opts, te_user, te, out


def evolve(
    model: Model,
    t_span: tuple[float, float],
    initial: Any = 0,
    t_eval: ArrayLike | None = None,
    *,
    method: str | None = None,
    options: Options | None = None,
    tol: float | None = None,
    max_step: float | None = None,
    max_steps: int | None = None,
    breakpoints: ArrayLike | None = None,
    progress: bool | None = None,
    tails: str = "auto",
) -> Evolution:
    """Propagate ``i hbar dpsi/dt = H(t) psi`` exactly over the model's whole parameter grid.

    Parameters
    ----------
    model : any :class:`lzsm.models.base.Model` with time as its coordinate.
    t_span : (t0, t1), t0 < t1; t0 may be ``-np.inf`` and t1 ``np.inf`` for models that know
        their asymptotics (:class:`lzsm.Asymptotics`; the final probabilities are then the
        limits, see :mod:`lzsm.dynamics.asymptotic`).
    initial : a diabatic index (int), a name (``'diabatic 1'``, ``'adiabatic 0'``, ``'lower'``,
        ``'upper'``; adiabatic states are taken at t0) or a normalised state vector ``(..., N)``
        in the diabatic basis (broadcast over the grid).
    t_eval : times at which to save the state (within t_span); t0 and t1 are always saved
        too, so the final probabilities refer to t1.  Default ``[t0, t1]``.
    method : ``'magnus6'`` (default) or ``'dop853'`` (see :mod:`lzsm.methods`).
    options : :class:`lzsm.Options`; the keywords ``tol``, ``max_step``, ``max_steps``,
        ``breakpoints`` and ``progress`` override its fields.  ``tol`` is the local error
        tolerance per step (amplitude norm); the default 1e-10 gives ``|P - P_exact| < 1e-9``
        on the Landau–Zener benchmark passage.
    tails : ``"auto"`` (default): windows reaching beyond the model's core are split into an
        integrated core and tails that are not stepped through (cost: the log of their length);
        ``"off"``: integrate the whole finite window.

    Returns
    -------
    :class:`Evolution` with amplitudes and populations in both pictures, final probabilities
    (``p_diabatic_stay``, ``p_adiabatic_follow``, ``p_jump``), error estimates, step counts and
    a status per point; ``.to_xarray()`` for a labelled dataset.  Points that did not reach t1
    keep NaN there, with their status set and an :class:`lzsm.errors.LzsmConvergenceWarning`.

    Examples
    --------
    >>> import lzsm
    >>> run = lzsm.evolve(lzsm.LandauZener(coupling=0.5, sweep_rate=1.0), (-200, 200), initial=0)
    >>> exact = lzsm.finite_time_p_diabatic_stay(0.5, 1.0, t=200, t0=-200)
    >>> bool(abs(run.p_diabatic_stay - exact) < 1e-9)
    True
    """
    model = _checks.time_model(model)
    opts = resolve_options(
        options, tol=tol, max_step=max_step, max_steps=max_steps, breakpoints=breakpoints, progress=progress
    )
    t0, t1 = _checks.time_span(t_span, infinite=True)
    _checks.choice(tails, "tails", _asym.TAILS)
    tol_used = methods.lookup("schrodinger", method, _form(model)).check(opts).tol
    assert tol_used is not None
    form, left, right = _asym.plan_edges(model, t0, t1, tol_used, tails, "evolve")
    if form is not None and (left is not None or right is not None):
        evolution = _evolve_with_tails(model, form, left, right, t_span, initial, t_eval, method, opts)
        if evolution is not None:  # else the tails do not hold where they were to go: integrate whole
            return evolution
    init = _checks.initial_state(initial, model, t0)
    assert init.psi is not None
    _meth, opts, te_user, te, (label, amps, err, steps, status) = _solve(
        model, t_span, t_eval, init.psi[..., None], method, opts
    )
    amps = np.take(amps[..., 0], np.searchsorted(te, te_user), axis=-2)
    _warn_unfinished(status, "evolve", "Evolution")
    return Evolution(
        model,
        te_user,
        amps,
        init.adiabatic(model, t0),
        init.diabatic,
        method=label,
        options=opts,
        status=status,
        error_estimate=err,
        n_steps=steps,
    )


def _named_at_minus_infinity(initial: Any, n: int, where: str) -> tuple[str, int]:
    """The initial state at ``t0 = -inf``: a basis state only (a superposition there has no
    defined relative phase: the dynamical phase diverges)."""
    named = None if isinstance(initial, (np.ndarray, list)) else _checks._named_state(initial, n)
    if named is None or named[0] not in ("diabatic", "adiabatic"):
        raise LzsmValueError(
            f"{where}: at t0 = -inf `initial` must be a basis state: a diabatic index k, 'diabatic k', "
            "'adiabatic k', 'lower' or 'upper' (a superposition has no defined relative phase there, "
            f"where the dynamical phase diverges); got {_checks.short(initial)}"
        )
    kind, k = named
    if not 0 <= k < n:
        raise LzsmValueError(f"`initial` state index must be in 0..{n - 1}, got {k}")
    return kind, k


def _frame_column(kind: str, k: int, pivot: np.ndarray) -> np.ndarray:
    """Index of the frame state that is diabatic level k (or adiabatic state k) at -inf."""
    if kind == "diabatic":
        return np.argmax(pivot == k, axis=-1)
    return np.full(pivot.shape[:-1], k)


def _core_runner(model: Model, method: str | None, opts: Options, where: str):
    def core(ta: float, tb: float, core_times: np.ndarray, psi: np.ndarray) -> tuple[Any, ...]:
        _meth, opts_used, _te_user, te, (label, amps, err, steps, status) = _solve(
            model, (ta, tb), core_times, psi, method, opts, where
        )
        amps = np.take(amps, np.searchsorted(te, core_times), axis=-3)
        return label, opts_used, amps, err, steps, status

    return core


def _evolve_with_tails(
    model: Model, form: Any, left: Any, right: Any, t_span: Any, initial: Any, t_eval: Any, method: Any, opts: Options
) -> Evolution | None:
    """:func:`evolve` over a window with tails (:mod:`lzsm.dynamics.asymptotic`); None for a
    finite window whose tails do not hold (:func:`lzsm.dynamics.asymptotic.window_with_tails_or_none`)."""
    te = _checks.times(t_span, t_eval, infinite=True)
    t0 = float(te[0])
    n = model.n_levels
    if math.isinf(t0):
        kind, k = _named_at_minus_infinity(initial, n, "evolve")

        def start(frame: np.ndarray, pivot: np.ndarray) -> np.ndarray:
            j = _frame_column(kind, k, pivot)
            return np.take_along_axis(frame, np.broadcast_to(j[..., None, None], frame.shape[:-1] + (1,)), axis=-1)

        run = _asym.window_with_tails(
            model, form, left, right, te, start, _core_runner(model, method, opts, "evolve"), "evolve"
        )  # t0 = -inf: the tail is needed
        j = _frame_column(kind, k, run.pivot_start)
        initial_adiabatic = j
        initial_diabatic = (
            np.full(model.batch_shape, k)
            if kind == "diabatic"
            else np.take_along_axis(run.pivot_start, j[..., None], axis=-1)[..., 0]
        )
    else:
        init = _checks.initial_state(initial, model, t0)
        assert init.psi is not None
        core = _core_runner(model, method, opts, "evolve")
        maybe = _asym.window_with_tails_or_none(model, form, left, right, te, init.psi[..., None], core, "evolve")
        if maybe is None:
            return None
        run = maybe
        initial_adiabatic = init.adiabatic(model, t0)
        initial_diabatic = init.diabatic
    _warn_unfinished(run.status, "evolve", "Evolution")
    return Evolution(
        model,
        te,
        run.states[..., 0],
        initial_adiabatic,
        initial_diabatic,
        {"pivots": (run.pivot_start, run.pivot_end)},
        run.tails,
        method=run.label,
        options=run.options if run.options is not None else opts,
        status=run.status,
        error_estimate=run.error_estimate,
        n_steps=run.n_steps,
    )


def propagator(
    model: Model,
    t_span: tuple[float, float],
    t_eval: ArrayLike | None = None,
    *,
    method: str | None = None,
    options: Options | None = None,
    tol: float | None = None,
    max_step: float | None = None,
    max_steps: int | None = None,
    breakpoints: ArrayLike | None = None,
    progress: bool | None = None,
    tails: str = "auto",
) -> Propagator:
    """The propagator ``U(t, t0)`` in the diabatic basis at the saved times.

    Same arguments as :func:`evolve` (no initial state: all N columns are propagated together,
    with one step sequence; the window is finite: ``U`` has no limit at infinite ends, where
    the dynamical phases diverge).  With ``tails="auto"`` a window reaching far beyond the
    model's core is integrated over the core only and carried through the rest in
    superadiabatic frames (:mod:`lzsm.dynamics.asymptotic`; ``result.tails`` says where),
    phases included.  Returns a :class:`Propagator`, which behaves as the array
    ``(*grid, M, N, N)`` (``M = len(t_eval)``, t0 and t1 included).

    Examples
    --------
    >>> import lzsm
    >>> U = lzsm.propagator(lzsm.LandauZener(coupling=0.5, sweep_rate=1.0), (-50, 50))
    >>> U.shape  # saved times t0, t1, then U[final, initial]
    (2, 2, 2)
    >>> (abs(U[-1]) ** 2).round(4)  # |U(t1, t0)|^2: the finite-time LZ probabilities
    array([[0.1948, 0.8052],
           [0.8052, 0.1948]])
    """
    model = _checks.time_model(model)
    opts = resolve_options(
        options, tol=tol, max_step=max_step, max_steps=max_steps, breakpoints=breakpoints, progress=progress
    )
    t0, t1 = _checks.time_span(t_span)
    _checks.choice(tails, "tails", _asym.TAILS)
    tol_used = methods.lookup("schrodinger", method, _form(model)).check(opts).tol
    assert tol_used is not None
    form, left, right = _asym.plan_edges(model, t0, t1, tol_used, tails, "propagator")
    if form is not None and (left is not None or right is not None):
        te_tails = _checks.times(t_span, t_eval)
        eye = np.broadcast_to(np.eye(model.n_levels, dtype=complex), model.batch_shape + (model.n_levels,) * 2)
        core = _core_runner(model, method, opts, "propagator")
        run = _asym.window_with_tails_or_none(model, form, left, right, te_tails, eye, core, "propagator")
        if run is not None:  # else the tails do not hold where they were to go: integrate whole
            _warn_unfinished(run.status, "propagator", "Propagator")
            return Propagator(
                model,
                te_tails,
                run.states,
                run.tails,
                method=run.label,
                options=run.options if run.options is not None else opts,
                status=run.status,
                error_estimate=run.error_estimate,
                n_steps=run.n_steps,
            )
    _meth, opts, te_user, te, (label, u, err, steps, status) = _solve(
        model, t_span, t_eval, None, method, opts, "propagator"
    )
    _warn_unfinished(status, "propagator", "Propagator")
    u = np.take(u, np.searchsorted(te, te_user), axis=-3)
    return Propagator(model, te_user, u, method=label, options=opts, status=status, error_estimate=err, n_steps=steps)


PICTURES = ("asymptotic", "diabatic")


def transition_matrix(
    model: Model,
    t_span: tuple[float, float],
    *,
    picture: str = "asymptotic",
    method: str | None = None,
    options: Options | None = None,
    tol: float | None = None,
    max_step: float | None = None,
    max_steps: int | None = None,
    breakpoints: ArrayLike | None = None,
    progress: bool | None = None,
    tails: str = "auto",
) -> TransitionMatrix:
    """Transition probabilities ``P[..., final, initial]`` by exact propagation (any time-dependent
    model; written for :class:`lzsm.LinearSweep`).

    The propagator ``U(t1, t0)`` comes from :func:`lzsm.propagator` (sixth-order Magnus, all N
    columns at once, over the model's whole parameter grid).  Either end of ``t_span`` may be
    infinite (``(-np.inf, np.inf)``) for models that know their asymptotics
    (:meth:`lzsm.models.base.Model.asymptotic_form`): the matrix is then the limit, from an
    integrated core and superadiabatic or switched-off tails (:mod:`lzsm.dynamics.asymptotic`;
    its ``tails`` field says where the core ended and what the tails left out).

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

    ``tails``: as for :func:`lzsm.evolve` (``"auto"``: long finite windows are integrated over
    the core only; ``"off"``: the whole finite window; infinite ends need ``"auto"``).

    Returns a :class:`TransitionMatrix`, which behaves as the array ``(*grid, N, N)``;
    columns sum to 1 (up to the propagation error).

    Examples
    --------
    >>> import lzsm
    >>> model = lzsm.LinearSweep(constant=[[0.0, 0.5], [0.5, 0.0]], slopes=[0.5, -0.5])
    >>> P = lzsm.transition_matrix(model, (-200, 200))  # P[final, initial], asymptotic picture
    >>> P.round(4)  # P_LZ = exp(-pi/2) on the diagonal
    array([[0.2079, 0.7921],
           [0.7921, 0.2079]])
    >>> P.sum(axis=0).round(6)  # columns sum to one
    array([1., 1.])
    """
    from lzsm.closed_forms.multilevel import _scale, _slopes
    from lzsm.models.multilevel import LinearSweep

    model = _checks.time_model(model)
    _checks.choice(picture, "picture", PICTURES)
    t0, t1 = _checks.time_span(t_span, infinite=True)
    _checks.choice(tails, "tails", _asym.TAILS)
    if math.isinf(t0) or math.isinf(t1):
        if tails == "off":
            raise LzsmValueError(
                'transition_matrix: an infinite `t_span` needs tails; tails="off" integrates finite windows only'
            )
        opts = resolve_options(
            options, tol=tol, max_step=max_step, max_steps=max_steps, breakpoints=breakpoints, progress=progress
        )
        return _transition_with_tails(model, t0, t1, picture, method, opts)
    prop = propagator(
        model,
        (t0, t1),
        method=method,
        options=options,
        tol=tol,
        max_step=max_step,
        max_steps=max_steps,
        breakpoints=breakpoints,
        progress=progress,
        tails=tails,
    )
    u = prop.u[..., -1, :, :]

    def result(p: np.ndarray) -> TransitionMatrix:
        status = np.asarray(prop.status)[..., None, None]
        err = None if prop.error_estimate is None else np.asarray(prop.error_estimate, dtype=float)[..., None, None]
        p = checked_probability(p, "transition_probability", "lower `tol` (or shorten `t_span`)", status, err)
        return TransitionMatrix(
            model,
            p,
            picture,
            (t0, t1),
            tails=prop.tails,
            method=prop.method,
            options=prop.options,
            status=prop.status,
            error_estimate=prop.error_estimate,
            n_steps=prop.n_steps,
        )

    if picture == "diabatic":
        return result(np.abs(u) ** 2)
    if isinstance(model, LinearSweep):
        beta = _slopes(model)
        tol_ = 1e-12 * _scale(model)
        par = np.abs(beta[..., :, None] - beta[..., None, :]) <= tol_
        coupled = np.abs(model.constant) > tol_
        if np.any(par & coupled & ~np.eye(model.n_levels, dtype=bool)):
            raise LzsmValueError(
                "picture='asymptotic' needs every pair of coupled levels to cross; this model has "
                "coupled parallel levels, whose adiabatic states never become diabatic: use "
                "picture='diabatic'"
            )
    s0 = bases.adiabatic_states(model, np.asarray(t0))
    s1 = bases.adiabatic_states(model, np.asarray(t1))
    return result(_read_asymptotically(u, s0, s1, t0, t1))


def _labels(s: np.ndarray, when: float) -> np.ndarray:
    """The diabatic level that dominates each adiabatic state (columns of ``s``) at ``when``."""
    n = s.shape[-1]
    w = np.abs(s) ** 2  # [..., diabatic j, adiabatic n]
    lab = np.argmax(w, axis=-2)
    ok = np.all(np.sort(lab, axis=-1) == np.arange(n), axis=-1) & np.all(np.max(w, axis=-2) > 0.9, axis=-1)
    if not np.all(ok):
        raise LzsmValueError(
            f"picture='asymptotic' needs each adiabatic state at t = {when:g} to be dominated by its own "
            "diabatic level; it is not (window too short, or coupled parallel levels): widen `t_span` or "
            "use picture='diabatic'"
        )
    return lab


def _read_asymptotically(u: np.ndarray, s0: np.ndarray, s1: np.ndarray, t0: float, t1: float) -> np.ndarray:
    """``P[f, i]`` between the adiabatic states at the window's ends, each labelled by its
    dominant diabatic level (``s0``, ``s1``: adiabatic states as columns)."""
    p_ad = np.abs(np.conj(np.swapaxes(s1, -1, -2)) @ u @ s0) ** 2  # [adiabatic f, adiabatic i]
    n = u.shape[-1]
    labels = [_labels(s0, t0), _labels(s1, t1)]
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


def _transition_with_tails(
    model: Model, t0: float, t1: float, picture: str, method: Any, opts: Options
) -> TransitionMatrix:
    """:func:`transition_matrix` over a window with an infinite end (all N columns at once)."""
    tol_used = methods.lookup("schrodinger", method, _form(model)).check(opts).tol
    assert tol_used is not None
    form, left, right = _asym.plan_edges(model, t0, t1, tol_used, "auto", "transition_matrix")
    assert form is not None
    n = model.n_levels
    te = np.array([t0, t1])
    start: Any = (
        (lambda frame, pivot: frame)
        if math.isinf(t0)
        else np.broadcast_to(np.eye(n, dtype=complex), model.batch_shape + (n, n))
    )
    core = _core_runner(model, method, opts, "transition_matrix")
    run = _asym.window_with_tails(model, form, left, right, te, start, core, "transition_matrix")
    u = run.states[..., -1, :, :]  # rows: diabatic at t1 (levels at +inf); columns: frame states at -inf
    if math.isinf(t0):  # column j started as diabatic level pivot_start[j]
        cols = np.empty_like(u)
        np.put_along_axis(cols, np.broadcast_to(run.pivot_start[..., None, :], u.shape), u, axis=-1)
        u = cols
    if picture == "asymptotic" and not (math.isinf(t0) and math.isinf(t1)):
        eye = np.broadcast_to(np.eye(n, dtype=complex), u.shape)
        s0 = eye if math.isinf(t0) else bases.adiabatic_states(model, np.asarray(t0))
        s1 = eye if math.isinf(t1) else bases.adiabatic_states(model, np.asarray(t1))
        p = _read_asymptotically(u, s0, s1, 0.0 if math.isinf(t0) else t0, 0.0 if math.isinf(t1) else t1)
    else:
        p = np.abs(u) ** 2
    status = np.asarray(run.status)[..., None, None]
    err = np.asarray(run.error_estimate, dtype=float)[..., None, None]
    p = checked_probability(p, "transition_probability", "lower `tol`", status, err)
    return TransitionMatrix(
        model,
        p,
        picture,
        (t0, t1),
        tails=run.tails,
        method=run.label,
        options=run.options if run.options is not None else opts,
        status=run.status,
        error_estimate=run.error_estimate,
        n_steps=run.n_steps,
    )
