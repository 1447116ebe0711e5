"""LZSM interferometry (amplitude spectroscopy) maps of a periodically driven two-level system.

``interferometry_map(model, offset=..., amplitude=...)`` computes, on the outer product of the
given parameter axes, the populations after ``n_periods`` drive periods and their exact average
over those periods (or the infinite-time average), from the Floquet propagator of each point:
the cost does not depend on ``n_periods``.  The grid runs through :func:`lzsm.scan`, so it is
chunked, can run on Dask, and can be written to (and resumed from) a Zarr store.

Experiments: W. D. Oliver et al., Science 310, 1653 (2005); D. M. Berns et al., Nature 455, 51
(2008).  Theory: Shevchenko, Ashhab & Nori, Phys. Rep. 492, 1 (2010).
"""

from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from lzsm import _checks
from lzsm.dynamics.coherent import DEFAULT_TOL
from lzsm.dynamics.floquet import (
    MAX_PHASE_DRIFT,
    SAMPLE_COPIES,
    floquet,
    largest_periods,
    period_step_budget,
)
from lzsm.errors import LzsmConvergenceWarning, LzsmValueError
from lzsm.models.drives import PeriodicDrive
from lzsm.options import MIN_TOL, Options
from lzsm.results import DatasetResult, Status, checked_probability

AXES = ("gap", "offset", "amplitude", "frequency", "phase")


def auto_samples(
    gap: ArrayLike, offset: ArrayLike, amplitude: ArrayLike, frequency: ArrayLike, hbar: float = 1.0
) -> int:
    """Samples per period for the time averages: a power of two above 2.5 times the number of
    drive harmonics that the Floquet modes carry, ``~ (|eps0| + A + Delta) / (hbar omega) + 8``
    (the products of two modes need twice the bandwidth; measured: errors ~1e-9 at
    eps0 = A = 40, Delta = 1, omega = 5, against 512 samples)."""
    arrays = {
        "gap": _checks.real_array(gap, "gap"),
        "offset": _checks.real_array(offset, "offset"),
        "amplitude": _checks.real_array(amplitude, "amplitude", nonnegative=True),
        "frequency": _checks.real_array(frequency, "frequency", positive=True),
    }
    for name, arr in arrays.items():
        if arr.size == 0:
            raise LzsmValueError(f"`{name}` must hold at least one value, got an empty array")
    hbar = _checks.positive_scalar(hbar, "hbar")
    extent = np.max(np.abs(arrays["offset"])) + np.max(arrays["amplitude"]) + np.max(np.abs(arrays["gap"]))
    ratio = extent / (hbar * np.min(arrays["frequency"]))
    return int(2 ** np.ceil(np.log2(max(32.0, 2.5 * (ratio + 8.0)))))


def population_error_bound(period_error: ArrayLike, eigenvalues: ArrayLike, n_periods: int | None) -> np.ndarray:
    """Bound on the error of the map's populations from the error ``eps`` of the one-period
    propagator (``Floquet.error_estimate``, a bound on ``||U(T) - U_exact(T)||``).

    After n periods the state carries at most ``n eps`` (unitary steps do not amplify errors)
    and the samples within a period one more ``eps``; a population ``|a|^2`` moves by at most
    twice its amplitude's error: ``2 (n + 1) eps`` for the population after n periods and its
    average over them.  The infinite-time average is built from the Floquet states, which a
    perturbation ``eps`` of U turns by at most ``eps / gap`` (``gap = |lambda_1 - lambda_0|``,
    the distance of the two eigenvalues of U on the unit circle; Davis & Kahan, SIAM J.
    Numer. Anal. 7, 1 (1970)): ``2 eps + 6 eps / gap``.  Capped at 1 (a probability)."""
    eps = np.asarray(period_error, dtype=float)
    if n_periods is not None:
        bound = 2.0 * (n_periods + 1) * eps
    else:
        lam = np.asarray(eigenvalues)
        gap = np.abs(lam[..., 1] - lam[..., 0])
        with np.errstate(divide="ignore", invalid="ignore"):
            bound = 2.0 * eps + np.where(gap > 0, 6.0 * eps / gap, np.inf)
    return np.minimum(bound, 1.0)


def _budgets(
    model: PeriodicDrive,
    fixed: dict[str, float],
    grid: dict[str, np.ndarray],
    n_samples: int,
    auto: bool,
    chunks: Any,
) -> None:
    """Refuse, before anything is computed, a map of which a point needs more steps per period
    than the default budget for certain, or one of whose blocks does not fit in memory."""
    from lzsm.scans.engine import block_points

    values = {**{k: np.asarray(v) for k, v in fixed.items()}, **grid}
    # the step bound grows with the amplitude and the period and falls with |gap| and |offset|
    fmin = float(np.min(values["frequency"]))
    worst = PeriodicDrive(
        float(np.min(np.abs(values["gap"]))),
        float(np.min(np.abs(values["offset"]))),
        float(np.max(values["amplitude"])),
        fmin,
        0.0,
        model.shape,
        model.hbar,
    )
    period_step_budget(
        worst, np.asarray(2 * np.pi / fmin), 0.0, True, Options().max_steps, "interferometry_map", settable=False
    )
    points = block_points(grid, chunks)
    cause = f"{points} grid points per block x {n_samples + 1} samples per period (`n_samples`"
    if auto:
        cause += f" = 'auto', which grows as (|offset| + amplitude + |gap|) / (hbar frequency) at frequency = {fmin:g}"
    _checks.memory_budget(
        SAMPLE_COPIES * 16.0 * points * (n_samples + 1) * 4,
        "interferometry_map: one block of the map",
        cause + ")",
        "use fewer samples per period (`n_samples`, or a higher `frequency`) or smaller blocks (`chunks=`); "
        "blocks then go to a store (`store=`) one by one",
    )


def map_block(
    *,
    gap,
    offset,
    amplitude,
    frequency,
    phase,
    shape: str,
    hbar: float,
    n_periods: int | None,
    initial: int,
    n_samples: int,
    tol: float,
) -> dict[str, np.ndarray]:
    """One block of an interferometry map (a pure function of broadcastable parameter arrays)."""
    model = PeriodicDrive(gap, offset, amplitude, frequency, phase, shape, hbar)
    fl = floquet(model, n_samples=n_samples, tol=tol)
    shape_ = model.batch_shape
    out: dict[str, np.ndarray] = {}
    status, err = np.broadcast_to(fl.status, shape_), np.broadcast_to(fl.error_estimate, shape_)
    fix = "lower `tol`"
    if n_periods is not None:
        final = np.abs(fl.stroboscopic(initial, np.array([n_periods]))[..., 0, :]) ** 2
        out["p_upper_final"] = checked_probability(
            np.broadcast_to(final[..., 1], shape_), "p_upper_final", fix, status, err
        )
    if n_samples:
        mean = fl.time_averaged_populations(initial, n_periods)
        out["p_upper_mean"] = checked_probability(
            np.broadcast_to(mean[..., 1], shape_), "p_upper_mean", fix, status, err
        )
    out["quasienergy"] = np.broadcast_to(fl.quasienergies, shape_ + (2,))
    out["error_estimate"] = np.broadcast_to(
        population_error_bound(fl.error_estimate, fl.eigenvalues, n_periods), shape_
    )
    out["status"] = np.broadcast_to(np.asarray(fl.status, dtype=np.int64), shape_)
    return out


@dataclass(frozen=True, eq=False, repr=False)
class InterferometryMap(DatasetResult):
    """Result of :func:`interferometry_map`: an amplitude-spectroscopy map on named axes.

    ``data`` is the labelled ``xarray.Dataset`` (dims: the map axes in the order given);
    :attr:`p_upper_final`, :attr:`p_upper_mean` and :attr:`quasienergy` are its variables as
    ``xarray.DataArray``; ``status`` and ``error_estimate`` are per map point."""

    n_periods: int | None

    kind = "LZSM interferometry map"

    @property
    def p_upper_final(self) -> Any:
        """Population of diabatic state 1 after ``n_periods`` periods (``xarray.DataArray``)."""
        return self.data["p_upper_final"]

    @property
    def p_upper_mean(self) -> Any:
        """Population of diabatic state 1 averaged over the periods (or infinite time)."""
        return self.data["p_upper_mean"]

    @property
    def quasienergy(self) -> Any:
        """The quasienergy pair, folded into [-hbar omega/2, hbar omega/2)."""
        return self.data["quasienergy"]

    def _summary(self) -> list[str]:
        return ["n_periods: " + ("infinite-time average" if self.n_periods is None else str(self.n_periods))]


def interferometry_map(
    model: PeriodicDrive,
    *,
    n_periods: int | None = 20,
    initial: Any = 0,
    n_samples: int | str = "auto",
    time_average: bool = True,
    options: Options | None = None,
    tol: float | None = None,
    chunks: Any = None,
    store: Any = None,
    resume: bool = False,
    scheduler: Any = None,
    progress: bool | None = None,
    **axes: ArrayLike,
) -> InterferometryMap:
    """Amplitude-spectroscopy map over parameter axes given as keyword arrays.

    Parameters
    ----------
    model : a :class:`lzsm.PeriodicDrive` with scalar parameters; the keyword axes replace its
        values (``offset=np.linspace(0, 40, 256), amplitude=np.linspace(0, 40, 256)``; any of
        gap, offset, amplitude, frequency, phase; dims in the order given).
    n_periods : number of drive periods (from t = 0, start in diabatic state ``initial``);
        ``None`` gives the infinite-time average only.
    n_samples : samples per period for the time average ("auto": :func:`auto_samples`).
    time_average : False skips the time average (only the populations after n_periods).
    initial : the diabatic state at t = 0 (``0``, ``1``, ``'diabatic 1'``).
    options, tol : the one-period propagation's options (:class:`lzsm.Options`; only ``tol``
        applies here, default 1e-10).
    chunks, store, resume, scheduler, progress : see :func:`lzsm.scan`.

    Returns
    -------
    :class:`InterferometryMap`: ``p_upper_final`` (population of diabatic state 1 after n_periods),
    ``p_upper_mean`` (its average over the n_periods, or over infinite time), the
    ``quasienergy`` pair (folded into [-hbar omega/2, hbar omega/2)), an ``error_estimate``
    bounding the error of those populations (``population_error_bound``: the one-period
    propagator's error estimate times ``2 (n_periods + 1)``, or for the infinite-time average
    widened by the closeness of the two quasienergies; the sampling within a period is
    spectrally accurate and not part of it) and a ``status`` per point; ``.to_xarray()`` for
    the labelled dataset.

    Examples
    --------
    >>> import numpy as np, lzsm
    >>> drive = lzsm.PeriodicDrive(gap=1.0, offset=0.0, amplitude=0.0, frequency=5.0)
    >>> m = lzsm.interferometry_map(drive, offset=np.linspace(0, 20, 5), amplitude=np.linspace(0, 20, 4))
    >>> m.p_upper_mean.dims
    ('offset', 'amplitude')
    """
    from lzsm.options import resolve_options
    from lzsm.scans.engine import scan

    opts = resolve_options(options, tol=tol)
    if set(opts.given()) - {"tol"}:
        raise LzsmValueError(f"interferometry maps use only the option 'tol'; got {sorted(opts.given())}")
    tol = DEFAULT_TOL if opts.tol is None else opts.tol

    if not isinstance(model, PeriodicDrive):
        raise LzsmValueError(f"`model` must be an lzsm.PeriodicDrive, got {type(model).__name__}")
    if callable(model.shape):
        raise LzsmValueError("interferometry maps need a named drive shape ('harmonic' or 'triangular')")
    if not axes:
        raise LzsmValueError("give at least one parameter axis, e.g. offset=np.linspace(0, 40, 128)")
    for name in axes:
        if name not in AXES:
            raise LzsmValueError(f"unknown map axis {name!r}; accepted: {', '.join(AXES)}")
    grid = {}
    limits = {"gap": {}, "offset": {}, "amplitude": {"nonnegative": True}, "frequency": {"positive": True}, "phase": {}}
    for name, vals in axes.items():
        arr = _checks.real_array(vals, name, **limits[name]).reshape(-1)
        if arr.size == 0:
            raise LzsmValueError(f"axis `{name}` is empty")
        grid[name] = arr
    _checks.grid_points({name: arr.size for name, arr in grid.items()})
    fixed = {}
    for name in AXES:
        if name not in grid:
            val = np.asarray(getattr(model, name))
            if val.ndim != 0:
                raise LzsmValueError(f"`model.{name}` must be a scalar when it is not a map axis")
            fixed[name] = float(val)
    if n_periods is not None and (
        isinstance(n_periods, (bool, np.bool_)) or not isinstance(n_periods, (int, np.integer)) or n_periods < 1
    ):
        raise LzsmValueError(f"`n_periods` must be a positive integer or None, got {n_periods!r}")
    if n_periods is not None and n_periods * tol > MAX_PHASE_DRIFT:
        raise LzsmValueError(
            f"`n_periods` = {n_periods} is more periods than one period propagated at tol = {tol:g} resolves: "
            f"its eigenphases are trusted to about tol per period or worse, so after n periods they are off by "
            f"n x {tol:g} rad or more; the largest trustworthy number of periods at this tol is at most "
            f"{largest_periods(tol)}: use fewer periods, a smaller tol (down to {MIN_TOL:g}), or the infinite-time "
            "average"
        )
    init = _checks.initial_state(initial, model.point(()) if model.batch_shape == () else model, 0.0)
    initial = int(init.diabatic.reshape(-1)[0])
    if initial < 0:
        raise LzsmValueError(f"`initial` must be a diabatic state (0, 1, 'diabatic 1'), got {initial!r}")
    time_average = _checks.flag(time_average, "time_average")
    auto = n_samples == "auto"
    if not time_average:
        if n_periods is None:
            raise LzsmValueError("with time_average=False, `n_periods` must be given (nothing else to compute)")
        n_samples = 0
    elif isinstance(n_samples, str) and n_samples == "auto":
        values = {**{k: np.asarray(v) for k, v in fixed.items()}, **grid}
        n_samples = auto_samples(values["gap"], values["offset"], values["amplitude"], values["frequency"], model.hbar)
    elif isinstance(n_samples, (bool, np.bool_)) or not isinstance(n_samples, (int, np.integer)) or n_samples < 8:
        raise LzsmValueError(f"`n_samples` must be 'auto' or an integer >= 8, got {_checks.short(n_samples)}")
    _budgets(model, fixed, grid, n_samples, auto, chunks)
    func = functools.partial(
        map_block,
        shape=model.shape,
        hbar=model.hbar,
        n_periods=n_periods,
        initial=int(initial),
        n_samples=int(n_samples),
        tol=float(tol),
        **fixed,
    )
    attrs = {
        "model": "PeriodicDrive",
        "hamiltonian": "-(gap/2) sx - ((offset + amplitude f(frequency t + phase))/2) sz",
        "shape": str(model.shape),
        "hbar": model.hbar,
        "n_periods": -1 if n_periods is None else int(n_periods),
        "initial_diabatic_state": int(initial),
        "n_samples_per_period": int(n_samples),
        "tol": float(tol),
        **{f"fixed_{k}": v for k, v in fixed.items()},
    }
    ds = scan(
        func,
        grid,
        chunks=chunks,
        store=store,
        resume=resume,
        scheduler=scheduler,
        progress=progress,
        attrs=attrs,
        output_dims={"quasienergy": ["floquet_state"]},
        output_coords={"floquet_state": np.arange(2)},
    )
    if "p_upper_mean" in ds:
        ds["p_upper_mean"].attrs["long_name"] = (
            "population of diabatic state 1, averaged over the periods"
            if n_periods is not None
            else "population of diabatic state 1, infinite-time average"
        )
    if "p_upper_final" in ds:
        ds["p_upper_final"].attrs["long_name"] = f"population of diabatic state 1 after {n_periods} periods"
    status = ds["status"].values
    bad = status != int(Status.OK)
    if np.any(bad):
        warnings.warn(
            f"interferometry_map: the one-period propagation did not finish at {int(np.sum(bad))} of "
            f"{bad.size} points; see InterferometryMap.status",
            LzsmConvergenceWarning,
            stacklevel=2,
        )
    return InterferometryMap(
        ds,
        n_periods,
        method="floquet/magnus6",
        options=opts.replace(tol=tol),
        status=status,
        error_estimate=ds["error_estimate"].values,
    )


def interferometry(model: PeriodicDrive, **kwargs: Any) -> Any:
    """Deprecated (lzsm 0.1): ``interferometry_map(model, **kwargs).to_xarray()``."""
    warnings.warn(
        "lzsm.interferometry is deprecated since lzsm 0.2; use lzsm.interferometry_map (a result with .to_xarray())",
        DeprecationWarning,
        stacklevel=2,
    )
    return interferometry_map(model, **kwargs).data
