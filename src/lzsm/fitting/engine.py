"""The shared machinery of ``lzsm.fit``: measured data in, weighted least squares, the result.

Every front door (:func:`~lzsm.fitting.passage.passage`, :func:`~lzsm.fitting.stueckelberg.stueckelberg`,
:func:`~lzsm.fitting.spectroscopy.spectroscopy`, :func:`~lzsm.fitting.feshbach.feshbach`) reads its data with
:func:`read_data`, describes its parameters as :class:`Parameter` rows and hands a forward
model (parameters -> predicted measured probabilities on the data grid) to :func:`fit_model`.

The estimator is weighted least squares (``scipy.optimize.least_squares``, trust-region
reflective with box bounds): it minimises

.. math::  \\chi^2(\\theta) = \\sum_i \\frac{(P_i - M_i(\\theta))^2}{\\sigma_i^2},

and the covariance of the estimate is the inverse of the Gauss–Newton Hessian at the optimum,
``C = (J^T J)^{-1}`` with ``J_ik = d r_i / d theta_k`` the Jacobian of the weighted residuals
(Press et al., *Numerical Recipes*, 3rd ed., Sec. 15.5).  When no per-point uncertainties
are given, ``sigma`` is estimated from the scatter of the residuals (``C`` scaled by the reduced
chi-square) and the chi-square test says nothing about the model: the result says so.  The
standard errors are the square roots of the diagonal of ``C``: they are 1-sigma intervals in the
linear (Gaussian) approximation, which the coverage test checks (tests/test_fitting_passage.py,
benchmarks/bench_fit.py).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from lzsm import _checks
from lzsm._progress import progress_bar
from lzsm.errors import LzsmConvergenceError, LzsmFitWarning, LzsmTypeError, LzsmValueError
from lzsm.results import Result, Status

#: |correlation| above which two fitted parameters are reported as degenerate.
DEGENERACY = 0.98
#: a measured probability may lie outside [0, 1] by at most this many of its standard errors
OUTSIDE_SIGMAS = 5.0
#: the name of the measured variable in datasets and CSV files, and of its uncertainty
MEASURED = "p_measured"
MEASURED_STDERR = "p_measured_stderr"


# =============================================================================== data
@dataclass(frozen=True)
class FitData:
    """Measured probabilities on a grid: ``axes`` (name -> 1-D coordinate, in order), the values
    ``p`` of shape ``tuple(len(a) for a in axes.values())``, and their standard errors ``sigma``
    (same shape) or None."""

    axes: dict[str, np.ndarray]
    p: np.ndarray
    sigma: np.ndarray | None
    source: str = "arrays"

    @property
    def dims(self) -> tuple[str, ...]:
        return tuple(self.axes)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.p.shape


def _read_file(path: Path) -> Any:
    """A NetCDF file as an ``xarray.Dataset``; a CSV file (one header line, one column per axis,
    then ``p_measured`` and optionally ``p_measured_stderr``) as one too, pivoted onto the grid
    of its axis columns."""
    import xarray as xr

    if not path.is_file():
        raise LzsmValueError(f"data file {str(path)!r} does not exist or is not a file")
    suffix = path.suffix.lower()
    if suffix in (".nc", ".nc4", ".netcdf", ".h5"):
        try:
            with xr.open_dataset(path, engine="h5netcdf") as ds:
                return ds.load()
        except (OSError, ValueError) as exc:
            raise LzsmValueError(f"data file {str(path)!r} is not a readable NetCDF-4 file: {exc}") from None
    if suffix not in (".csv", ".txt"):
        raise LzsmValueError(
            f"data file {str(path)!r}: accepted formats are NetCDF (.nc) and CSV (.csv), got {suffix!r}"
        )
    try:
        with path.open(encoding="utf-8") as fh:
            header = fh.readline()
        names = [h.strip() for h in header.strip().split(",")]
        table = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise LzsmValueError(
            f"data file {str(path)!r} is not a CSV table of numbers with one header line: {exc}"
        ) from None
    if MEASURED not in names:
        raise LzsmValueError(
            f"data file {str(path)!r} must have a column {MEASURED!r} (the measured probabilities); "
            f"its header names {names}"
        )
    if table.shape[1] != len(names):
        raise LzsmValueError(
            f"data file {str(path)!r}: the header names {len(names)} columns, the rows hold {table.shape[1]}"
        )
    axis_names = [n for n in names if n not in (MEASURED, MEASURED_STDERR)]
    if not axis_names:
        raise LzsmValueError(f"data file {str(path)!r} has no axis column besides {MEASURED!r}")
    axes = {n: np.unique(table[:, names.index(n)]) for n in axis_names}
    shape = tuple(a.size for a in axes.values())
    if int(np.prod(shape)) != table.shape[0]:
        raise LzsmValueError(
            f"data file {str(path)!r}: the axis columns {axis_names} must form a complete grid "
            f"({' x '.join(map(str, shape))} = {int(np.prod(shape))} rows), got {table.shape[0]} rows"
        )
    index = tuple(np.searchsorted(axes[n], table[:, names.index(n)]) for n in axis_names)
    variables = {}
    for name in (MEASURED, MEASURED_STDERR):
        if name in names:
            grid = np.full(shape, np.nan)
            grid[index] = table[:, names.index(name)]
            variables[name] = (axis_names, grid)
    return xr.Dataset(variables, coords=axes)


def _from_xarray(obj: Any, sigma: Any) -> tuple[dict[str, np.ndarray], np.ndarray, Any]:
    import xarray as xr

    if isinstance(obj, xr.Dataset):
        if MEASURED not in obj:
            names = [str(n) for n in obj.data_vars]
            if len(names) != 1:
                raise LzsmValueError(
                    f"`data`: a dataset must hold a variable {MEASURED!r} (or exactly one variable), "
                    f"got variables {names}"
                )
            da = obj[names[0]]
        else:
            da = obj[MEASURED]
            if sigma is None and MEASURED_STDERR in obj:
                sigma = obj[MEASURED_STDERR].transpose(*da.dims).values
    else:
        da = obj
    axes = {}
    for d in da.dims:
        if d not in da.coords:
            raise LzsmValueError(f"`data`: dimension {d!r} has no coordinate (the values of the axis are needed)")
        axes[str(d)] = np.asarray(da[d].values)
    if isinstance(sigma, xr.DataArray):
        sigma = sigma.transpose(*da.dims).values
    return axes, np.asarray(da.values), sigma


def read_data(
    data: Any,
    axes: Mapping[str, Any],
    sigma: Any,
    *,
    ndim: int,
    required: Sequence[str] | None = None,
) -> FitData:
    """Convert and check measured data for a fit.

    ``data``: an ``xarray.DataArray`` (its dims and coordinates are the axes), an
    ``xarray.Dataset`` (variable ``p_measured``, optionally ``p_measured_stderr``), a path to a
    NetCDF or CSV file, or an array of probabilities whose axes come from ``axes`` (name ->
    1-D values, in the order of the array's dimensions; entries that are None are ignored).
    ``required``: accepted names of the axes (1-D data: one of them; else all, in order);
    None accepts any names.  ``sigma``: per-point standard errors (scalar or array), or None.

    Refused with a message naming what is wrong: the wrong number of dimensions, axes that do
    not match the data, no finite point, probabilities outside [0, 1] by more than
    ``OUTSIDE_SIGMAS`` standard errors (by anything, without ``sigma``), ``sigma`` <= 0."""
    import xarray as xr

    given = {k: v for k, v in axes.items() if v is not None}
    source = "arrays"
    if isinstance(data, (str, Path)):
        source = str(data)
        data = _read_file(Path(data))
    if isinstance(data, (xr.DataArray, xr.Dataset)):
        if given:
            raise LzsmValueError(
                f"give the axes ({', '.join(given)}) only with plain arrays: an xarray object or file carries its own"
            )
        ax, p, sigma = _from_xarray(data, sigma)
        if source == "arrays":
            source = f"xarray {type(data).__name__}"
    else:
        p = _checks.numeric_array(data, "data", "an array of measured probabilities, an xarray object or a file path")
        if p.dtype.kind not in "iuf":
            raise LzsmTypeError(f"`data` must hold real numbers (probabilities), got dtype {p.dtype}")
        ax = {}
        for name, v in given.items():
            ax[name] = _checks.real_array(v, name).reshape(-1)
    p = np.asarray(p, dtype=float)
    if p.ndim != ndim:
        raise LzsmValueError(f"`data` must have {ndim} dimension(s), got an array of shape {p.shape}")
    if len(ax) != ndim:
        want = " or ".join(repr(r) for r in required) if required and ndim == 1 else f"{ndim} axes"
        raise LzsmValueError(f"`data` needs its axis ({want}), got axes {list(ax) or 'none'}")
    if required is not None:
        names = list(ax)
        ok = names[0] in required if ndim == 1 else names == list(required)
        if not ok:
            accepted = " or ".join(map(repr, required)) if ndim == 1 else repr(list(required))
            raise LzsmValueError(f"`data`: the axis must be {accepted}, got {names}")
    for (name, values), n in zip(ax.items(), p.shape):
        values = np.asarray(values, dtype=float)
        if values.shape != (n,):
            raise LzsmValueError(f"axis `{name}` has {values.size} values, the data {n} along it")
        if not np.all(np.isfinite(values)):
            raise LzsmValueError(f"axis `{name}` must be finite, got {_checks._nonfinite(values)}")
        ax[name] = values
    finite = np.isfinite(p)
    if not np.any(finite):
        raise LzsmValueError(f"`data` has no finite point (all {p.size} values are NaN or inf)")
    if np.any(np.isinf(p)):
        raise LzsmValueError("`data` must be finite or NaN (a missing point), got inf")
    sig = None
    if sigma is not None:
        sig = _checks.real_array(sigma, "sigma", positive=True)
        try:
            sig = np.broadcast_to(sig, p.shape).copy()
        except ValueError:
            raise LzsmValueError(f"`sigma` of shape {sig.shape} does not match the data of shape {p.shape}") from None
    tol = OUTSIDE_SIGMAS * (sig if sig is not None else 0.0) + 1e-12
    lo = np.where(finite, -p - tol, -np.inf)
    hi = np.where(finite, p - 1.0 - tol, -np.inf)
    if np.any(lo > 0) or np.any(hi > 0):
        bad = p[finite & ((lo > 0) | (hi > 0))]
        what = f"{OUTSIDE_SIGMAS:g} standard errors (`sigma`)" if sig is not None else "anything (no `sigma` given)"
        raise LzsmValueError(
            f"`data` are probabilities: they must lie in [0, 1] to within {what}; "
            f"got {bad.size} value(s) outside, e.g. {bad[np.argmax(np.abs(bad - 0.5))]:.4g}"
        )
    return FitData(ax, p, sig, source)


# =============================================================================== parameters
@dataclass(frozen=True)
class Parameter:
    """One parameter of a forward model: name, unit, meaning and box bounds (``positive``: the
    lower bound is excluded, e.g. a lever arm or a decay time of 0 has no meaning)."""

    name: str
    unit: str
    long_name: str
    lower: float = -math.inf
    upper: float = math.inf
    positive: bool = False


def resolve_parameters(
    table: Sequence[Parameter],
    guess: Mapping[str, float],
    fixed: Mapping[str, float],
    default_fixed: Mapping[str, float],
) -> tuple[dict[str, float], list[str]]:
    """Starting values of every parameter and the names of the free ones.

    ``guess`` (starting values of fitted parameters) and ``fixed`` (values held fixed) map
    parameter names to numbers; a parameter in neither takes its value from ``default_fixed``
    and is held fixed there (a front door's defaults: e.g. a readout offset of 0); a parameter
    in none of the three has no starting value and is refused."""
    names = [p.name for p in table]
    for what, mapping in (("guess", guess), ("fixed", fixed)):
        if not isinstance(mapping, Mapping):
            raise LzsmTypeError(
                f"`{what}` must be a mapping of parameter names to numbers, got {_checks.short(mapping)}"
            )
        for k in mapping:
            if k not in names:
                raise LzsmValueError(f"`{what}`: unknown parameter {k!r}; the parameters are {', '.join(names)}")
    both = set(guess) & set(fixed)
    if both:
        raise LzsmValueError(f"parameter(s) {sorted(both)} are both in `guess` and in `fixed`: choose one")
    start: dict[str, float] = {}
    free: list[str] = []
    for p in table:
        if p.name in fixed:
            value = _checks.real_scalar(fixed[p.name], f"fixed[{p.name!r}]")
        elif p.name in guess:
            value = _checks.real_scalar(guess[p.name], f"guess[{p.name!r}]")
            free.append(p.name)
        elif p.name in default_fixed:
            value = float(default_fixed[p.name])
        else:
            raise LzsmValueError(f"no starting value for parameter {p.name!r}: give guess={{{p.name!r}: ...}}")
        above = p.lower < value if p.positive else p.lower <= value
        if not (above and value <= p.upper):
            interval = f"{'(' if p.positive else '['}{p.lower:g}, {p.upper:g}]"
            raise LzsmValueError(f"parameter {p.name!r} must lie in {interval} ({p.long_name}), got {value:g}")
        start[p.name] = value
    if not free:
        raise LzsmValueError("every parameter is fixed: nothing to fit")
    return start, free


# =============================================================================== the result
@dataclass(frozen=True, eq=False, repr=False, kw_only=True)
class FitResult(Result):
    """Result of a fit of ``lzsm.fit``: best values, standard errors, correlations,
    chi-square and residuals.

    ``values``/``stderr`` map parameter names to numbers (``stderr`` is NaN for a fixed
    parameter); ``correlation`` is the correlation matrix of the fitted ones (order
    ``free``); ``chi2``, ``dof``, ``reduced_chi2`` and ``p_value`` (the probability of a chi-square
    at least this large if the model is right; NaN when ``sigma`` was not given, since then
    sigma was estimated from the residuals); ``data`` an ``xarray.Dataset`` of the measured values,
    the model and the residuals on the data grid; ``forward_model`` names the model used;
    ``degenerate`` lists the pairs of parameters correlated beyond ``DEGENERACY``."""

    measurement: str
    parameters: tuple[Parameter, ...]
    values: dict[str, float]
    stderr: dict[str, float]
    free: tuple[str, ...]
    correlation: np.ndarray
    chi2: float
    dof: int
    sigma_given: bool
    data: Any
    forward_model: str
    degenerate: tuple[tuple[str, str, float], ...] = ()
    notes: tuple[str, ...] = ()
    derived: dict[str, float] = field(default_factory=dict)
    n_evaluations: int = 0

    kind: ClassVar[str] = "fit"

    @property
    def reduced_chi2(self) -> float:
        """chi-square per degree of freedom (1 by construction when sigma was estimated)."""
        return self.chi2 / self.dof

    @property
    def p_value(self) -> float:
        """P(chi-square >= observed) for a right model (NaN without a stated sigma)."""
        from scipy import stats

        return float(stats.chi2.sf(self.chi2, self.dof)) if self.sigma_given else math.nan

    @property
    def residuals(self) -> Any:
        """Measured minus model (``xarray.DataArray`` on the data grid)."""
        return self.data["residual"]

    def interval(self, name: str, n_sigma: float = 1.0) -> tuple[float, float]:
        """``value -+ n_sigma * stderr`` of a fitted parameter."""
        if name not in self.free:
            raise LzsmValueError(f"`name` must be a fitted parameter ({', '.join(self.free)}), got {name!r}")
        v, s = self.values[name], self.stderr[name]
        return v - n_sigma * s, v + n_sigma * s

    # ------------------------------------------------------------------ Result hooks
    def _grid(self) -> tuple[tuple[int, ...], list[str], dict[str, np.ndarray]]:
        return (), [], {}

    def _coords(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "parameter": ("parameter", [p.name for p in self.parameters]),
            "fitted_parameter": ("fitted_parameter", list(self.free)),
        }
        for name, da in self.data.coords.items():
            out[str(name)] = (da.dims, da.values, da.attrs)
        return out

    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        names = [p.name for p in self.parameters]
        out: dict[str, tuple[list[str], Any]] = {
            "value": (["parameter"], np.array([self.values[n] for n in names])),
            "stderr": (["parameter"], np.array([self.stderr[n] for n in names])),
            "fitted": (["parameter"], np.array([n in self.free for n in names])),
            "correlation": (["fitted_parameter", "fitted_parameter_2"], self.correlation),
        }
        for name, da in self.data.data_vars.items():
            out[str(name)] = (list(da.dims), da.values)
        return out

    def _attrs(self) -> dict[str, Any]:
        attrs: dict[str, Any] = {
            "measurement": self.measurement,
            "forward_model": self.forward_model,
            "chi2": self.chi2,
            "dof": self.dof,
            "reduced_chi2": self.reduced_chi2,
            "p_value": self.p_value,
            "sigma": "given per point" if self.sigma_given else "estimated from the residuals",
            "units": "; ".join(f"{p.name}: {p.unit}" for p in self.parameters),
            "degenerate": "; ".join(f"{a}~{b} ({c:+.3f})" for a, b, c in self.degenerate) or "none",
            "notes": " ".join(self.notes),
            "n_evaluations": self.n_evaluations,
        }
        attrs.update({f"derived_{k}": v for k, v in self.derived.items()})
        return attrs

    def to_xarray(self) -> Any:
        ds = super().to_xarray()
        for name, da in self.data.variables.items():
            if name in ds.variables:
                ds[name].attrs.update(da.attrs)
        ds["value"].attrs["long_name"] = "best value (units: attribute units)"
        ds["stderr"].attrs["long_name"] = "standard error (1 sigma; NaN: held fixed)"
        ds["correlation"].attrs["long_name"] = "correlation matrix of the fitted parameters"
        return ds.assign_coords(fitted_parameter_2=("fitted_parameter_2", list(self.free)))

    def _summary(self) -> list[str]:
        parts = [self.measurement, ", ".join(f"{n} = {_pm(self.values[n], self.stderr[n])}" for n in self.free)]
        parts.append(f"reduced chi2 {self.reduced_chi2:.3g}")
        return parts

    def summary(self) -> str:
        """A plain-text table: the parameters, the goodness of fit, warnings and notes."""
        lines = [f"lzsm fit: {self.measurement} ({self.forward_model})", f"data: {self.data.attrs.get('source', '')}"]
        lines.append(f"{'parameter':<20} {'value':>14} {'stderr':>12}  unit")
        for p in self.parameters:
            s = f"{self.stderr[p.name]:12.4g}" if p.name in self.free else f"{'(fixed)':>12}"
            lines.append(f"{p.name:<20} {self.values[p.name]:14.6g} {s}  {p.unit}")
        for k, v in self.derived.items():
            lines.append(f"{k:<20} {v:14.6g}")
        n = int(np.sum(np.isfinite(self.data[MEASURED].values)))
        lines.append(f"points: {n}, fitted parameters: {len(self.free)}, degrees of freedom: {self.dof}")
        if self.sigma_given:
            lines.append(
                f"chi2 = {self.chi2:.4g}, reduced chi2 = {self.reduced_chi2:.4g}, p-value = {self.p_value:.3g}"
            )
        else:
            lines.append(
                f"sigma estimated from the residuals ({math.sqrt(self.chi2 / self.dof):.3g}): "
                "no goodness-of-fit test; give sigma for one"
            )
        for a, b, c in self.degenerate:
            lines.append(f"warning: {a} and {b} are degenerate (correlation {c:+.4f})")
        if len(self.free) > 1:
            lines.append("correlation matrix:")
            lines.append(" " * 20 + "".join(f"{n[:9]:>10}" for n in self.free))
            for i, name in enumerate(self.free):
                lines.append(f"{name:<20}" + "".join(f"{c:10.3f}" for c in self.correlation[i]))
        lines += [f"note: {note}" for note in self.notes]
        return "\n".join(lines)

    def plot(self, axes: Any = None) -> Any:
        """Data, model and residuals side by side; returns the axes (2 for a curve: data with
        the model, residuals; 3 for a map: data, model, residuals)."""
        from lzsm.plot._axes import new_axes

        p = self.data[MEASURED]
        m = self.data["p_model"]
        r = self.data["residual"]
        if p.ndim == 1:
            ax = new_axes(axes, 2, size=(10.0, 3.8))
            x = p[p.dims[0]].values
            sig = self.data[MEASURED_STDERR].values if MEASURED_STDERR in self.data else None
            ax[0].errorbar(x, p.values, yerr=sig, fmt="o", ms=3, color="k", label="data")
            fine = self.data.attrs.get("log_axis", 0)
            ax[0].plot(x, m.values, "-", color="C3", label="model")
            ax[1].errorbar(x, r.values, yerr=sig, fmt="o", ms=3, color="k")
            ax[1].axhline(0.0, color="C3", lw=0.8)
            for a in ax:
                a.set_xlabel(str(p.dims[0]))
                if fine:
                    a.set_xscale("log")
            ax[0].set_ylabel("measured probability")
            ax[1].set_ylabel("residual (data - model)")
            ax[0].legend(fontsize=8)
            ax[0].set_title(f"{self.measurement}: reduced chi2 = {self.reduced_chi2:.3g}", fontsize=9)
            return ax
        ax = new_axes(axes, 3, size=(14.0, 3.8))
        d0, d1 = p.dims
        x0, x1 = p[d0].values, p[d1].values
        lim = float(np.nanmax(np.abs(r.values))) or 1.0
        for a, z, title, kw in (
            (ax[0], p.values, "data", {"cmap": "inferno"}),
            (ax[1], m.values, "model", {"cmap": "inferno"}),
            (ax[2], r.values, "residual", {"cmap": "RdBu_r", "vmin": -lim, "vmax": lim}),
        ):
            mesh = a.pcolormesh(x0, x1, z.T, shading="auto", **kw)
            a.figure.colorbar(mesh, ax=a)
            a.set_xlabel(str(d0))
            a.set_ylabel(str(d1))
            a.set_title(title, fontsize=9)
        return ax


def _pm(v: float, s: float) -> str:
    return f"{v:.4g} +- {s:.2g}"


# =============================================================================== the engine
def fit_model(
    data: FitData,
    table: Sequence[Parameter],
    forward: Callable[[dict[str, float]], np.ndarray],
    start: dict[str, float],
    free: Sequence[str],
    *,
    measurement: str,
    forward_model: str,
    notes: Sequence[str] = (),
    max_evaluations: int | None = None,
    progress: bool | None = None,
    derive: Callable[[dict[str, float], dict[str, float]], dict[str, float]] | None = None,
) -> FitResult:
    """Weighted least squares of ``forward`` (all parameter values -> predicted measured
    probabilities on the data grid) against ``data``; the free parameters start at ``start``.

    Raises :class:`~lzsm.errors.LzsmValueError` when there are not more finite points than free parameters,
    :class:`~lzsm.errors.LzsmConvergenceError` when the optimiser stops without converging; warns
    (:class:`~lzsm.errors.LzsmFitWarning`) about degenerate parameters and about a model that leaves [0, 1]."""
    import xarray as xr
    from scipy import optimize

    mask = np.isfinite(data.p)
    n = int(np.sum(mask))
    k = len(free)
    if n <= k:
        raise LzsmValueError(
            f"`data` has {n} finite point(s), too few for {k} fitted parameter(s) ({', '.join(free)}): "
            f"at least {k + 1} are needed (more than the parameters, to leave a degree of freedom)"
        )
    sig = data.sigma if data.sigma is not None else np.ones(data.shape)
    y, w = data.p[mask], 1.0 / sig[mask]
    bounds_by_name = {p.name: (p.lower, p.upper) for p in table}
    lower = np.array([bounds_by_name[f][0] for f in free])
    upper = np.array([bounds_by_name[f][1] for f in free])
    x0 = np.array([start[f] for f in free])
    x0 = np.clip(x0, np.nextafter(lower, upper), np.nextafter(upper, lower))
    count = [0]
    limit = max_evaluations if max_evaluations is not None else 200 * (k + 1)

    def values_of(x: np.ndarray) -> dict[str, float]:
        vals = dict(start)
        vals.update({f: float(v) for f, v in zip(free, x)})
        return vals

    # the bar shows by itself (on a terminal) when the fit may take long: over a million point
    # evaluations of the model in the worst case (a 128 x 128 map, say)
    long_fit = limit * data.p.size > 1e6
    bar_kw = {"auto_above": 0.0 if long_fit else math.inf}
    with progress_bar(limit, progress, desc=f"fit {measurement}", unit="evaluation", **bar_kw) as bar:

        def scaled(model: np.ndarray) -> np.ndarray:
            r = (model[mask] - y) * w
            if not np.all(np.isfinite(r)):  # keep the optimiser away from where the model fails
                return np.where(np.isfinite(r), r, 1e10)
            return r

        def residual(x: np.ndarray) -> np.ndarray:
            count[0] += 1
            bar.update(1)
            return scaled(forward(values_of(x)))

        with np.errstate(over="ignore", under="ignore"):
            sol = optimize.least_squares(
                residual, x0, bounds=(lower, upper), method="trf", x_scale="jac", max_nfev=limit, diff_step=1e-6
            )
        if sol.status <= 0:
            raise LzsmConvergenceError(
                f"the {measurement} fit did not converge after {count[0]} model evaluations ({sol.message}); "
                "give better starting values (`guess=`) or hold parameters fixed (`fixed=`)"
            )
        best = values_of(sol.x)
        model = forward(best)  # the best model, also the centre of the differences below
        # the optimiser's Jacobian has zero columns for parameters at a bound: differentiate again
        with np.errstate(over="ignore", under="ignore"):
            jac, at_bound = _jacobian(residual, sol.x, scaled(model), x0, lower, upper)

    chi2 = float(np.sum(((model[mask] - y) * w) ** 2))
    dof = n - k
    # columns scaled to unit norm: the singular values then compare directions, not units
    norms = np.linalg.norm(jac, axis=0)
    dead = norms == 0  # a parameter the model does not depend on
    norms[dead] = 1.0
    _, s, vt = np.linalg.svd(jac / norms, full_matrices=False)
    singular = bool(np.any(dead)) or s[-1] <= s[0] * 1e-9
    if singular:
        cov = np.full((k, k), np.inf)
    else:
        cov = ((vt.T / s**2) @ vt) / np.outer(norms, norms)
    if data.sigma is None:
        cov = cov * (chi2 / dof)
    se = np.sqrt(np.abs(np.diag(cov)))
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = cov / np.outer(se, se)
    if singular:
        corr = np.full((k, k), np.nan)
    else:
        np.fill_diagonal(corr, 1.0)
    degenerate: list[tuple[str, str, float]] = []
    # singular: the parameters that move along the flat direction (the last right singular vector)
    flat = (np.abs(vt[-1]) > 0.1 * np.max(np.abs(vt[-1])) if singular else np.zeros(k, dtype=bool)) | dead
    for i in range(k):
        for j in range(i + 1, k):
            if (flat[i] and flat[j]) or (not singular and abs(corr[i, j]) > DEGENERACY):
                degenerate.append((free[i], free[j], float(corr[i, j])))
    if degenerate:
        pairs = ", ".join(f"{a}~{b}" for a, b, _ in degenerate)
        warnings.warn(
            f"{measurement} fit: degenerate parameters ({pairs}: "
            + ("chi-square is flat along a combination of them" if singular else f"|correlation| > {DEGENERACY}")
            + "); the data cannot "
            "tell them apart and their standard errors are large: hold one of each pair fixed (`fixed=`)",
            LzsmFitWarning,
            stacklevel=3,
        )
    notes = list(notes)
    for name, flag in zip(free, at_bound):
        if flag:
            notes.append(
                f"{name} ended at a bound of its range: its standard error is that of the linearised model "
                "there and its interval is one-sided in truth"
            )
    if np.any(model < -1e-9) or np.any(model > 1 + 1e-9):
        warnings.warn(
            f"{measurement} fit: the best model leaves [0, 1] (from {np.min(model):.4g} to {np.max(model):.4g}): "
            "the readout parameters (visibility, offset) are not those of a probability",
            LzsmFitWarning,
            stacklevel=3,
        )
    stderr = {p.name: math.nan for p in table}
    stderr.update({f: float(v) for f, v in zip(free, se)})
    dims = list(data.dims)
    variables: dict[str, Any] = {
        MEASURED: (dims, data.p, {"long_name": "measured probability"}),
        "p_model": (dims, model, {"long_name": f"best-fit model ({forward_model})"}),
        "residual": (dims, data.p - model, {"long_name": "measured minus model"}),
    }
    if data.sigma is not None:
        variables[MEASURED_STDERR] = (dims, data.sigma, {"long_name": "standard error of the measured probability"})
        variables["normalised_residual"] = (
            dims,
            (data.p - model) / data.sigma,
            {"long_name": "(measured - model) / sigma"},
        )
    ds = xr.Dataset(variables, coords=data.axes, attrs={"source": data.source})
    return FitResult(
        measurement=measurement,
        parameters=tuple(table),
        values=best,
        stderr=stderr,
        free=tuple(free),
        correlation=corr,
        chi2=chi2,
        dof=dof,
        sigma_given=data.sigma is not None,
        data=ds,
        forward_model=forward_model,
        degenerate=tuple(degenerate),
        notes=tuple(notes),
        derived=derive(best, stderr) if derive is not None else {},
        n_evaluations=count[0],
        method=f"least_squares/trf ({forward_model})",
        status=int(Status.OK),
    )


def _jacobian(
    residual: Callable[[np.ndarray], np.ndarray],
    x: np.ndarray,
    r0: np.ndarray,
    x0: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Jacobian of the residuals at ``x`` (whose residuals ``r0`` the caller has) by central
    differences (one-sided, inwards, at a bound), step ``1e-6 max(|x_k|, |x0_k|)`` with ``x0``
    the starting point (``1e-8`` where both are 0); also which parameters sit at a bound."""
    jac = np.empty((r0.size, x.size))
    at_bound = np.zeros(x.size, dtype=bool)
    for k in range(x.size):
        h = 1e-6 * max(abs(x[k]), abs(x0[k])) or 1e-8
        up, down = x.copy(), x.copy()
        up[k] += h
        down[k] -= h
        if up[k] <= upper[k] and down[k] >= lower[k]:
            jac[:, k] = (residual(up) - residual(down)) / (2 * h)
        elif up[k] <= upper[k]:
            at_bound[k] = True
            jac[:, k] = (residual(up) - r0) / h
        else:
            at_bound[k] = True
            jac[:, k] = (r0 - residual(down)) / h
    return jac, at_bound


def starting_values(
    table: Sequence[Parameter],
    automatic: Mapping[str, float],
    guess: Mapping[str, float] | None,
    fixed: Mapping[str, float] | None,
    default_fixed: Mapping[str, float],
) -> tuple[dict[str, float], list[str]]:
    """:func:`resolve_parameters` with a front door's automatic starting values (used for the
    parameters the user neither guessed nor fixed, unless they are fixed by default)."""
    guess = {} if guess is None else guess
    fixed = {} if fixed is None else fixed
    for what, mapping in (("guess", guess), ("fixed", fixed)):
        if not isinstance(mapping, Mapping):
            raise LzsmTypeError(
                f"`{what}` must be a mapping of parameter names to numbers, got {_checks.short(mapping)}"
            )
    names = {p.name for p in table}
    merged = {k: v for k, v in automatic.items() if k in names and k not in fixed and k not in default_fixed}
    merged.update(guess)
    return resolve_parameters(table, merged, fixed, default_fixed)
