"""One result base for every computation: labelled grid, status per point, export, short repr.

Every result of lzsm derives from :class:`Result`.  It carries

* the grid of parameter points it was computed on (named dimensions, e.g. ``coupling`` x
  ``sweep_rate``, and its own axes such as the saved times ``t``);
* per point: ``status`` (a :class:`Status` code), ``message``, ``success``, and where the
  method reports them ``n_steps`` and ``error_estimate``;
* the ``method``, the ``options`` and the lzsm ``version`` that produced it;

and converts with ``.to_xarray()`` (an ``xarray.Dataset`` with units and long names on its
variables and the settings in its attributes) and ``.to_netcdf(path)``.  Results that are
arrays at heart (transition matrices, propagators) also behave as NumPy arrays.
"""

from __future__ import annotations

import enum
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

import numpy as np
from numpy.lib.mixins import NDArrayOperatorsMixin

from lzsm import _checks
from lzsm._version import __version__
from lzsm.options import Options


class Status(enum.IntEnum):
    """Outcome of one parameter point (``result.status``)."""

    OK = 0
    MAX_STEPS = 1
    STEP_UNDERFLOW = 2
    NOT_CONVERGED = 3
    FAILED = 4
    NOT_CHECKED = 5

    @property
    def message(self) -> str:
        return _MESSAGES[self]


_MESSAGES = {
    Status.OK: "ok",
    Status.MAX_STEPS: "stopped: max_steps reached before the end of t_span",
    Status.STEP_UNDERFLOW: "stopped: step size underflow",
    Status.NOT_CONVERGED: "not converged to the requested tolerance",
    Status.FAILED: "the solver failed",
    Status.NOT_CHECKED: "convergence not checked",
}
#: Statuses that count as success (a result is usable there).
SUCCESS = (Status.OK, Status.NOT_CHECKED)


def status_messages() -> dict[int, str]:
    """``{code: message}`` of every status (stored in the attributes of exported datasets)."""
    return {int(s): s.message for s in Status}


# --------------------------------------------------------------------------- grids
def grid_coordinates(shape: tuple[int, ...], named: Mapping[str, Any]) -> tuple[list[str], dict[str, np.ndarray]]:
    """Dimension names and coordinates of a parameter grid of ``shape``.

    A real parameter that varies along exactly one grid axis names that axis (``coupling``,
    ``sweep_rate``, ``dephasing``...); other axes are ``point_0``, ``point_1``..."""
    dims = [f"point_{i}" for i in range(len(shape))]
    coords: dict[str, np.ndarray] = {}
    for name, val in named.items():
        arr = np.asarray(val)
        if arr.dtype.kind not in "biuf" or arr.ndim > len(shape):
            continue
        full = (1,) * (len(shape) - arr.ndim) + arr.shape
        varying = [i for i, n in enumerate(full) if n > 1]
        if len(varying) == 1 and full[varying[0]] == shape[varying[0]] and dims[varying[0]].startswith("point_"):
            dims[varying[0]] = name
            coords[name] = arr.reshape(-1)
    return dims, coords


def write_netcdf(ds: Any, path: Any) -> None:
    """NetCDF-4/HDF5 via h5netcdf, complex variables stored as HDF5 complex (readable with
    ``xarray.open_dataset(path, engine="h5netcdf")``; h5netcdf flags this as a NetCDF extension)."""
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*invalid netcdf features.*")
        ds.to_netcdf(path, engine="h5netcdf", invalid_netcdf=True)


def _attr_value(v: Any) -> Any:
    """A value NetCDF can store as an attribute."""
    if isinstance(v, (str, int, float, np.integer, np.floating)) and not isinstance(v, bool):
        return v
    if isinstance(v, (bool, np.bool_)):
        return int(v)
    if v is None:
        return "none"
    try:
        return json.dumps(v, default=str)
    except TypeError:
        return str(v)


def final_of(values: np.ndarray, index: Any) -> np.ndarray:
    """``values[..., -1, index]`` per grid point (values ``(*grid, M, N)``, index ``grid``,
    broadcast), NaN where ``index < 0`` (no such state)."""
    index = np.broadcast_to(np.asarray(index), values.shape[:-2])
    out = np.take_along_axis(values[..., -1, :], np.maximum(index, 0)[..., None], axis=-1)[..., 0]
    return np.where(index >= 0, out, np.nan)


class _InBothPictures(Protocol):
    @property
    def populations(self) -> np.ndarray: ...

    @property
    def adiabatic_populations(self) -> np.ndarray: ...

    @property
    def initial_diabatic(self) -> np.ndarray: ...

    @property
    def initial_adiabatic(self) -> np.ndarray: ...

    @property
    def p_adiabatic_follow(self) -> np.ndarray: ...

    @property
    def status(self) -> Any: ...

    @property
    def error_estimate(self) -> Any: ...

    def _final_probability(self, values: np.ndarray, index: Any, name: str) -> np.ndarray: ...


def checked_probability(
    values: np.ndarray, name: str, fix: str, status: Any = 0, error_estimate: Any = None, missing: Any = False
) -> np.ndarray:
    """A probability per grid point on its way out (:func:`lzsm._checks.probabilities`): NaN
    only where the ``status`` says the point did not finish or ``missing`` (no such state),
    within [0, 1] up to rounding and the ``error_estimate`` (clipped), else
    :class:`~lzsm.errors.LzsmNumericalError` naming ``fix``."""
    shape = np.shape(values)
    st = np.broadcast_to(np.asarray(status), shape)
    unfinished = ~np.isin(st, [int(s) for s in SUCCESS]) | np.broadcast_to(np.asarray(missing, dtype=bool), shape)
    err = None if error_estimate is None else np.broadcast_to(np.asarray(error_estimate, dtype=float), shape)
    return _checks.probabilities(values, name, fix=fix, unfinished=unfinished, error_estimate=err)


class FinalProbabilities:
    """``p_diabatic_stay``, ``p_adiabatic_follow`` and ``p_jump`` of a result that has populations
    in both pictures at its saved times and the indices of the states it started in.

    Each is checked on its way out (:func:`checked_probability`): NaN only where the point did
    not finish (its ``status``) or has no such state, within [0, 1] up to rounding."""

    #: What to change when a final probability comes out wrong where the method reported success.
    _fix: ClassVar[str] = "lower `tol` (or shorten `t_span`)"

    def _checked_populations(self, values: np.ndarray, name: str) -> np.ndarray:
        """Populations ``(*grid, M, N)`` on their way out: NaN only at points that did not finish."""
        status = np.asarray(getattr(self, "status", 0))
        err = getattr(self, "error_estimate", None)
        tail = (1,) * (values.ndim - status.ndim)
        err = None if err is None else np.asarray(err, dtype=float).reshape(np.shape(err) + tail)
        return checked_probability(values, name, self._fix, status.reshape(status.shape + tail), err)

    def _final_probability(self, values: np.ndarray, index: Any, name: str) -> np.ndarray:
        index = np.asarray(index)
        out = final_of(values, index)
        status = getattr(self, "status", 0)
        err = getattr(self, "error_estimate", None)
        return checked_probability(out, name, self._fix, status, err, np.broadcast_to(index, out.shape) < 0)

    @property
    def p_diabatic_stay(self: _InBothPictures) -> np.ndarray:
        """Population of the initial diabatic state at the final time (NaN where the system
        did not start in a diabatic basis state)."""
        return self._final_probability(self.populations, self.initial_diabatic, "p_diabatic_stay")

    @property
    def p_adiabatic_follow(self: _InBothPictures) -> np.ndarray:
        """Population at the final time of the adiabatic state the system started in (the
        adiabatic states at the ends of the window: equal to ``1 - p_diabatic_stay`` only
        asymptotically)."""
        return self._final_probability(self.adiabatic_populations, self.initial_adiabatic, "p_adiabatic_follow")

    @property
    def p_jump(self: _InBothPictures) -> np.ndarray:
        """``1 - p_adiabatic_follow``: probability of a non-adiabatic transition."""
        return 1.0 - self.p_adiabatic_follow


# --------------------------------------------------------------------------- the base
@dataclass(frozen=True, eq=False, repr=False, kw_only=True)
class Result:
    """Base of every lzsm result (see the module docstring).

    Subclasses provide :meth:`_grid` (the parameter grid: shape, named dims, coordinates) and
    :meth:`_variables` (the data, each as ``(dims, values)``), optionally :meth:`_attrs` and
    :meth:`_summary`; the base supplies status handling, export and the repr."""

    method: str = ""
    options: Options = field(default_factory=Options)
    status: Any = 0
    error_estimate: Any = None
    n_steps: Any = None
    version: str = __version__

    #: Human-readable name of what the result holds (first words of the repr).
    kind: ClassVar[str] = ""

    # ------------------------------------------------------------------ per point
    @property
    def grid_shape(self) -> tuple[int, ...]:
        """Shape of the parameter grid (``()`` for a single point)."""
        return self._grid()[0]

    @property
    def dims(self) -> tuple[str, ...]:
        """Names of the grid dimensions."""
        return tuple(self._grid()[1])

    @property
    def success(self) -> np.ndarray:
        """Per point: did the computation finish and meet its tolerance."""
        st = np.broadcast_to(np.asarray(self.status), self.grid_shape)
        return np.isin(st, [int(s) for s in SUCCESS])

    @property
    def ok(self) -> bool:
        """True when every point succeeded."""
        return bool(np.all(self.success))

    @property
    def message(self) -> np.ndarray:
        """Per point: the status in words."""
        st = np.broadcast_to(np.asarray(self.status), self.grid_shape)
        table = status_messages()
        return np.vectorize(lambda c: table.get(int(c), f"status {int(c)}"), otypes=[object])(st)

    # ------------------------------------------------------------------ subclass hooks
    def _grid(self) -> tuple[tuple[int, ...], list[str], dict[str, np.ndarray]]:
        """(grid shape, dimension names, coordinates).  Default: a single point."""
        return (), [], {}

    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        """Data variables: name -> (dims, values); dims may use the grid's names."""
        return {}

    def _coords(self) -> dict[str, Any]:
        """Extra coordinates (e.g. the saved times ``t``)."""
        return {}

    def _attrs(self) -> dict[str, Any]:
        """Extra dataset attributes (model, hbar, environment...)."""
        return {}

    def _summary(self) -> list[str]:
        """Short phrases for the repr (e.g. ``'2 levels'``, ``'t: 41 saved times'``)."""
        return []

    # ------------------------------------------------------------------ export
    def to_xarray(self) -> Any:
        """An ``xarray.Dataset``: the data on named dimensions, status per point, settings in attrs.

        Examples
        --------
        >>> import lzsm
        >>> run = lzsm.evolve(lzsm.LandauZener(coupling=[0.1, 0.5], sweep_rate=1.0), (-20, 20))
        >>> ds = run.to_xarray()
        >>> ds.p_diabatic_stay.dims, ds.p_diabatic_stay.values.round(4)
        (('coupling',), array([0.9437, 0.216 ]))
        >>> ds.p_diabatic_stay.attrs['long_name']
        'final population of the initial diabatic state'
        """
        import xarray as xr

        shape, gdims, gcoords = self._grid()
        coords: dict[str, Any] = dict(gcoords)
        coords.update(self._coords())
        data = dict(self._variables())
        data["status"] = (gdims, np.broadcast_to(np.asarray(self.status, dtype=np.int64), shape))
        data["success"] = (gdims, self.success)
        if self.n_steps is not None and "n_steps" not in data:
            data["n_steps"] = (gdims, np.broadcast_to(np.asarray(self.n_steps), shape))
        if self.error_estimate is not None and "error_estimate" not in data:
            data["error_estimate"] = (gdims, np.broadcast_to(np.asarray(self.error_estimate, dtype=float), shape))
        ds = xr.Dataset(data, coords=coords)
        ds["status"].attrs["long_name"] = "outcome per point (see attribute status_codes)"
        ds["success"].attrs["long_name"] = "the point finished and met its tolerance"
        if "error_estimate" in ds and "long_name" not in ds["error_estimate"].attrs:
            ds["error_estimate"].attrs["long_name"] = "the method's estimate of the error of this point"
        if "t" in ds.coords and "units" not in ds["t"].attrs:
            ds["t"].attrs.update(units="user time unit (hbar / energy unit)", long_name="time")
        attrs = {
            "lzsm_version": self.version,
            "result": type(self).__name__,
            "method": self.method,
            "options": json.dumps(
                {
                    k: (v if not isinstance(v, float) or math.isfinite(v) else str(v))
                    for k, v in self.options.given().items()
                },
                default=str,
            ),
            "status_codes": json.dumps(status_messages()),
            "conventions": "lzsm (docs/conventions.md)",
        }
        attrs.update(self._attrs())
        ds.attrs.update({k: _attr_value(v) for k, v in attrs.items()})
        return ds

    def to_netcdf(self, path: Any) -> None:
        """Write :meth:`to_xarray` to NetCDF-4 (h5netcdf engine; complex data kept)."""
        write_netcdf(self.to_xarray(), path)

    # ------------------------------------------------------------------ repr
    def __repr__(self) -> str:
        shape, gdims, _ = self._grid()
        parts = [self.kind] if self.kind else []
        if shape:
            parts.append("grid " + " x ".join(f"{d}: {n}" for d, n in zip(gdims, shape)))
        parts += self._summary()
        if self.method:
            parts.append(f"method {self.method!r}")
        npts = int(np.prod(shape, dtype=int)) if shape else 1
        n_ok = int(np.sum(self.success))
        parts.append("ok" if n_ok == npts else f"ok at {n_ok} of {npts} points")
        if self.error_estimate is not None:
            err = np.asarray(self.error_estimate, dtype=float)
            if err.size and np.any(np.isfinite(err)):
                parts.append(f"max error estimate {np.nanmax(err):.2g}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def _repr_html_(self) -> str:  # Jupyter: the short repr, not a wall of arrays
        import html

        return f"<pre>{html.escape(repr(self))}</pre>"


class ArrayResult(Result, NDArrayOperatorsMixin):
    """A result that is an array at heart: NumPy functions, indexing and arithmetic act on
    the attribute named by :attr:`_array` (and return plain arrays)."""

    _array: ClassVar[str] = ""

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        arr = np.asarray(getattr(self, self._array))
        return arr if dtype is None else arr.astype(dtype)

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        args = [np.asarray(x) if isinstance(x, ArrayResult) else x for x in inputs]
        return getattr(ufunc, method)(*args, **kwargs)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        def unwrap(x: Any) -> Any:
            if isinstance(x, ArrayResult):
                return np.asarray(x)
            if isinstance(x, (list, tuple)):
                return type(x)(unwrap(y) for y in x)
            return x

        return func(*unwrap(args), **{k: unwrap(v) for k, v in kwargs.items()})

    def __getitem__(self, index: Any) -> Any:
        return np.asarray(self)[index]

    def __len__(self) -> int:
        return len(np.asarray(self))

    def __iter__(self) -> Any:
        return iter(np.asarray(self))

    @property
    def shape(self) -> tuple[int, ...]:
        return np.shape(getattr(self, self._array))

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def dtype(self) -> Any:
        return np.asarray(getattr(self, self._array)).dtype

    def __getattr__(self, name: str) -> Any:
        """NumPy's array methods and attributes (``sum``, ``max``, ``reshape``, ``real``, ``T``...)
        act on the array itself."""
        if name.startswith("_"):
            raise AttributeError(name)
        arr = np.asarray(object.__getattribute__(self, type(self)._array))
        try:
            return getattr(arr, name)
        except AttributeError:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}") from None


@dataclass(frozen=True, eq=False, repr=False)
class DatasetResult(Result):
    """A result whose data is a labelled ``xarray.Dataset`` on the grid's dimensions (maps, scans).

    ``data`` holds the variables; its ``status`` variable (if any) gives the grid.  Indexing
    (``result["transmission"]``) and ``in`` act on the dataset; ``.to_xarray()`` returns it with
    the status, settings and version of every result."""

    data: Any

    def _grid(self) -> tuple[tuple[int, ...], list[str], dict[str, np.ndarray]]:
        dims = list(self.data["status"].dims) if "status" in self.data else []
        return (
            tuple(self.data.sizes[d] for d in dims),
            dims,
            {d: self.data[d].values for d in dims if d in self.data.coords},
        )

    def _coords(self) -> dict[str, Any]:
        return {
            name: (c.dims, c.values, c.attrs) for name, c in self.data.coords.items() if name not in self._grid()[1]
        }

    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        return {
            name: (list(da.dims), da.values)
            for name, da in self.data.data_vars.items()
            if name not in ("status", "success")
        }

    def _attrs(self) -> dict[str, Any]:
        return dict(self.data.attrs)

    def to_xarray(self) -> Any:
        ds = super().to_xarray()
        for name, da in self.data.variables.items():
            if name in ds.variables:
                ds[name].attrs.update(da.attrs)
        return ds

    def __getitem__(self, name: str) -> Any:
        return self.data[name]

    def __contains__(self, name: object) -> bool:
        return name in self.data
