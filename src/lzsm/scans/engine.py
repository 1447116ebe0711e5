"""Parameter scans at scale: outer-product grids in blocks, in-process or on Dask, resumable in Zarr.

``scan(func, {"coupling": v, "sweep_rate": a})`` evaluates a batched function on the outer
product of the axes, one block of the grid at a time, and returns an ``xarray.Dataset`` with
the axes as dimensions.  Blocks run in this process (default) or as one Dask task each
(``scheduler="local"``, a scheduler address or a ``distributed.Client``).

With ``store=`` the result goes to a Zarr store as blocks finish, so memory is bounded by a
block, and an interrupted scan (Ctrl-C, a killed job, an exception in ``func``) continues with
``resume=True``.  Store protocol:

0. the whole scan holds an exclusive lock on ``.NAME.lzsm-lock`` beside the store
   (:func:`lzsm.io.output.locked`): a second scan of the same store, resumed or not, is refused
   with :class:`~lzsm.errors.LzsmLockedError` naming the holder; the operating system drops the
   lock when the process dies.  Holding it, the scan deletes the marked ``.NAME.partial-*``
   folders that killed scans left beside the store;
1. after the first block is computed, the template (coordinates, lazy data variables chunked
   exactly like the blocks, attrs with the resolved configuration and its hash) is written with
   ``to_zarr(compute=False)`` into a marked temporary folder beside the store and then renamed
   into place, so a store either has a complete template or does not exist;
2. each finished block is written with ``to_zarr(region=...)`` (regions are the chunks, so
   always chunk-aligned) and only then marked done in the uint8 array ``_lzsm/done`` (one
   element and one chunk per block; zarr writes chunks atomically);
3. ``resume=True`` compares the stored configuration hash with the current one, refuses on a
   difference (naming the setting) and computes only the blocks not marked done.  Completion
   is never inferred from data chunk files (Zarr 3 omits chunks equal to the fill value).

Per-point failures belong in ``func``'s outputs (e.g. a ``status`` array, as returned by
:func:`lzsm.evolve`); an exception in ``func`` stops the scan with a :class:`ScanBlockError`
naming the block's parameter ranges, after the blocks already finished have been stored.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import math
import os
import pickle
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import xarray as xr

from lzsm._checks import flag, format_bytes, grid_points, memory_budget, memory_limit
from lzsm._progress import progress_bar
from lzsm.errors import LzsmError, LzsmTypeError, LzsmValueError
from lzsm.io.output import check_creatable, locked, marked_tempdir, remove_debris, target_path

#: Default upper bound on the number of grid points in one block.
DEFAULT_BLOCK_POINTS = 4096
#: Upper bound on the elements of one Zarr chunk; trailing output dims are split to respect it.
MAX_CHUNK_ELEMENTS = 2**22
#: Format version of the store layout (part of the configuration hash).
STORE_FORMAT = 1

CONFIG_ATTR = "lzsm_sweep_config"
HASH_ATTR = "lzsm_sweep_config_hash"
FUNC_ATTR = "lzsm_sweep_func"
VERSION_ATTR = "lzsm_version"
_RESERVED_ATTRS = (CONFIG_ATTR, HASH_ATTR, FUNC_ATTR, VERSION_ATTR)
_MARKER_GROUP = "_lzsm"
_MARKER_ARRAY = "done"
# BLAS/OpenMP/numba threads per Dask worker process (one worker thread each).
_WORKER_ENV = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "NUMBA_NUM_THREADS": "1"}


class ScanBlockError(LzsmError, RuntimeError):
    """``func`` raised on one block of a scan.  ``block`` is the block index on the block grid,
    ``ranges`` maps each axis to ``(first, last)`` parameter value of the block; the original
    exception is chained as ``__cause__``."""

    def __init__(self, message: str, block: tuple[int, ...], ranges: dict[str, tuple[Any, Any]]):
        super().__init__(message)
        self.block = block
        self.ranges = ranges


# --------------------------------------------------------------------------- the grid in blocks
@dataclass(frozen=True)
class _Plan:
    names: tuple[str, ...]
    values: tuple[np.ndarray, ...]
    chunks: tuple[int, ...]

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(v.size for v in self.values)

    @property
    def grid(self) -> tuple[int, ...]:
        """Number of blocks along each axis."""
        return tuple(math.ceil(n / c) for n, c in zip(self.shape, self.chunks))

    def slices(self, block: tuple[int, ...]) -> tuple[slice, ...]:
        return tuple(slice(b * c, min((b + 1) * c, n)) for b, c, n in zip(block, self.chunks, self.shape))

    def params(self, block: tuple[int, ...]) -> dict[str, np.ndarray]:
        """Each axis restricted to the block, shaped to broadcast over it (meshgrid 'ij')."""
        nd = len(self.names)
        out = {}
        for k, (name, vals, sl) in enumerate(zip(self.names, self.values, self.slices(block))):
            shape = [1] * nd
            shape[k] = sl.stop - sl.start
            out[name] = vals[sl].reshape(shape)
        return out

    def ranges(self, block: tuple[int, ...]) -> dict[str, tuple[Any, Any]]:
        return {
            name: (vals[sl][0].item(), vals[sl][-1].item())
            for name, vals, sl in zip(self.names, self.values, self.slices(block))
        }

    def describe(self, block: tuple[int, ...]) -> str:
        parts = []
        for (name, (lo, hi)), sl in zip(self.ranges(block).items(), self.slices(block)):
            n = sl.stop - sl.start
            parts.append(f"{name} = {lo!r}" if n == 1 else f"{name} in [{lo!r}, {hi!r}] ({n} values)")
        return f"block {block} ({', '.join(parts)})"


# --------------------------------------------------------------------------- validation
def _check_axes(axes: Any) -> tuple[tuple[str, ...], tuple[np.ndarray, ...]]:
    if not isinstance(axes, Mapping) or len(axes) == 0:
        raise LzsmTypeError(f"`axes` must be a non-empty dict {{name: 1-D array}}, got {type(axes).__name__}")
    names, values = [], []
    for name, vals in axes.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise LzsmValueError(
                f"`axes` names must be Python identifiers (they are passed to func as keywords), got {name!r}"
            )
        if callable(vals):
            raise LzsmTypeError(f"`axes[{name!r}]` must be a 1-D array of numbers, not a callable")
        arr = np.asarray(vals)
        if arr.dtype == object or arr.dtype.kind not in "biufc":
            raise LzsmTypeError(f"`axes[{name!r}]` must be a 1-D array of numbers, got dtype {arr.dtype}")
        if arr.ndim != 1 or arr.size == 0:
            raise LzsmValueError(f"`axes[{name!r}]` must be a non-empty 1-D array, got shape {arr.shape}")
        if arr.dtype.kind in "fc" and not np.all(np.isfinite(arr)):
            raise LzsmValueError(f"`axes[{name!r}]` must be finite, got NaN or inf values")
        names.append(name)
        values.append(arr.copy())
    return tuple(names), tuple(values)


def _positive_int(x: Any, name: str) -> int:
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, np.integer)) or x < 1:
        raise LzsmValueError(f"`{name}` must be an integer >= 1, got {x!r}")
    return int(x)


def _resolve_chunks(chunks: Any, names: tuple[str, ...], shape: tuple[int, ...]) -> tuple[int, ...]:
    """User chunk lengths (clipped to the axis length); the other axes filled from the last one
    backwards so that a block holds at most DEFAULT_BLOCK_POINTS points."""
    if chunks is None:
        chunks = {}
    if not isinstance(chunks, Mapping):
        raise LzsmTypeError(f"`chunks` must be a dict {{axis name: chunk length}} or None, got {chunks!r}")
    unknown = [k for k in chunks if k not in names]
    if unknown:
        raise LzsmValueError(f"`chunks` names unknown axes {unknown}; the axes are {list(names)}")
    given = {k: min(_positive_int(v, f"chunks[{k!r}]"), shape[names.index(k)]) for k, v in chunks.items()}
    budget = max(1, DEFAULT_BLOCK_POINTS // math.prod(given.values()))
    out = [0] * len(names)
    for k in reversed(range(len(names))):
        if names[k] in given:
            out[k] = given[names[k]]
        else:
            out[k] = max(1, min(shape[k], budget))
            budget = max(1, budget // out[k])
    return tuple(out)


def block_points(axes: Mapping[str, Any], chunks: Mapping[str, int] | None = None) -> int:
    """The number of grid points in the largest block of a scan of ``axes`` in ``chunks``
    (what one call of ``func`` holds in memory at once)."""
    names, values = _check_axes(axes)
    return math.prod(_resolve_chunks(chunks, names, tuple(v.size for v in values)))


def _check_output_dims(output_dims: Any, names: tuple[str, ...]) -> dict[str, list[str]]:
    if output_dims is None:
        return {}
    if not isinstance(output_dims, Mapping):
        raise LzsmTypeError(f"`output_dims` must be a dict {{output name: [dim names]}}, got {output_dims!r}")
    out = {}
    for var, dims in output_dims.items():
        if isinstance(dims, str) or not isinstance(dims, Iterable):
            raise LzsmTypeError(f"`output_dims[{var!r}]` must be a list of dim names, got {dims!r}")
        dims = list(dims)
        for d in dims:
            if not isinstance(d, str) or not d:
                raise LzsmValueError(f"`output_dims[{var!r}]` must hold dim names (strings), got {d!r}")
            if d in names:
                raise LzsmValueError(
                    f"`output_dims[{var!r}]` dim {d!r} is also a scan axis; trailing dims need other names"
                )
        if len(set(dims)) != len(dims):
            raise LzsmValueError(f"`output_dims[{var!r}]` repeats a dim name: {dims}")
        out[str(var)] = dims
    return out


def _check_output_coords(output_coords: Any, output_dims: dict[str, list[str]]) -> dict[str, np.ndarray]:
    if output_coords is None:
        return {}
    if not isinstance(output_coords, Mapping):
        raise LzsmTypeError(f"`output_coords` must be a dict {{dim name: 1-D array}}, got {output_coords!r}")
    declared = {d for dims in output_dims.values() for d in dims}
    out = {}
    for name, vals in output_coords.items():
        if name not in declared:
            raise LzsmValueError(
                f"`output_coords[{name!r}]` is not a dim of any output; declare it in `output_dims` "
                f"(declared dims: {sorted(declared)})"
            )
        arr = np.asarray(vals)
        if arr.dtype == object or arr.dtype.kind not in "biufc" or arr.ndim != 1:
            raise LzsmValueError(
                f"`output_coords[{name!r}]` must be a 1-D array of numbers, got shape {arr.shape}, dtype {arr.dtype}"
            )
        out[name] = arr.copy()
    return out


def _check_str_map(x: Any, name: str) -> dict[str, str]:
    if x is None:
        return {}
    if not isinstance(x, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in x.items()):
        raise LzsmTypeError(f"`{name}` must be a dict {{name: units string}}, got {x!r}")
    return dict(x)


def _check_attrs(attrs: Any) -> dict[str, Any]:
    if attrs is None:
        return {}
    if not isinstance(attrs, Mapping) or not all(isinstance(k, str) for k in attrs):
        raise LzsmTypeError(f"`attrs` must be a dict with string keys, got {attrs!r}")
    clash = [k for k in attrs if k in _RESERVED_ATTRS]
    if clash:
        raise LzsmValueError(f"`attrs` keys {clash} are reserved for the scan's own metadata")
    try:  # stored as Zarr (JSON) attributes and hashed: normalise through JSON here already
        return json.loads(json.dumps(dict(attrs), allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise LzsmTypeError(f"`attrs` must be JSON-serialisable (numbers, strings, lists, dicts): {exc}") from None


def check_scheduler(scheduler: Any) -> None:
    """``scheduler`` is None, ``'local'``, a scheduler address or a ``distributed.Client``."""
    if scheduler is not None and not isinstance(scheduler, str):
        import distributed

        if not isinstance(scheduler, distributed.Client):
            raise LzsmTypeError(
                f"`scheduler` must be None, 'local', a scheduler address or a distributed.Client; got {scheduler!r}"
            )
    elif isinstance(scheduler, str) and scheduler != "local" and "://" not in scheduler:
        raise LzsmValueError(
            f"`scheduler` must be 'local' or a scheduler address like 'tcp://host:8786', got {scheduler!r}"
        )


def _check_progress(progress: Any) -> bool | None:
    if progress is not None and not isinstance(progress, bool):
        raise LzsmTypeError(f"`progress` must be None (bar only on a terminal), True or False; got {progress!r}")
    return progress


# --------------------------------------------------------------------------- configuration
def _json_values(arr: np.ndarray) -> list:
    if arr.dtype.kind == "c":
        return [[float(z.real), float(z.imag)] for z in arr.tolist()]
    return arr.tolist()


def _canonical(x: Any) -> Any:
    """A JSON-able, deterministic stand-in for a bound argument of func."""
    if x is None or isinstance(x, (bool, int, float, str)):
        return x
    if isinstance(x, complex):
        return {"complex": [x.real, x.imag]}
    if isinstance(x, np.generic):
        return _canonical(x.item())
    if isinstance(x, np.ndarray):
        digest = hashlib.sha256(np.ascontiguousarray(x).tobytes()).hexdigest()
        return {"array": {"shape": list(x.shape), "dtype": str(x.dtype), "sha256": digest}}
    if isinstance(x, (list, tuple)):
        return [_canonical(v) for v in x]
    if isinstance(x, Mapping):
        return {str(k): _canonical(v) for k, v in x.items()}
    text = repr(x)
    if " at 0x" not in text:
        return {"repr": text}
    try:
        return {"pickle_sha256": hashlib.sha256(pickle.dumps(x)).hexdigest()}
    except Exception:
        return {"type": f"{type(x).__module__}.{type(x).__qualname__}"}


def _func_identity(func: Callable) -> tuple[str, list]:
    """Qualified name of the underlying function and the arguments bound by functools.partial."""
    bound = []
    f = func
    while isinstance(f, functools.partial):
        bound.append({"args": _canonical(list(f.args)), "keywords": _canonical(dict(f.keywords))})
        f = f.func
    module = getattr(f, "__module__", None) or type(f).__module__
    qualname = getattr(f, "__qualname__", None) or type(f).__qualname__
    return f"{module}.{qualname}", bound


def _config(plan: _Plan, func: Callable, output_dims, output_coords, name_units, attrs) -> dict:
    name, bound = _func_identity(func)
    return {
        "format": STORE_FORMAT,
        "axes": [[n, _json_values(v)] for n, v in zip(plan.names, plan.values)],
        "axis_dtypes": {n: str(v.dtype) for n, v in zip(plan.names, plan.values)},
        "chunks": dict(zip(plan.names, plan.chunks)),
        "func": name,
        "func_bound_arguments": bound,
        "output_dims": output_dims,
        "output_coords": {k: _json_values(v) for k, v in output_coords.items()},
        "name_units": name_units,
        "attrs": attrs,
    }


def _dumps(config: dict) -> str:
    return json.dumps(config, sort_keys=True, separators=(",", ":"))


def _hash(config: dict) -> str:
    return hashlib.sha256(_dumps(config).encode()).hexdigest()


def _summary(x: Any) -> str:
    text = json.dumps(x, sort_keys=True)
    return text if len(text) <= 80 else text[:77] + "..."


def _first_difference(stored: dict, current: dict) -> str:
    """Human-readable name and values of the first setting that differs."""
    s_axes, c_axes = stored.get("axes"), current["axes"]  # the current configuration always has its axes
    if s_axes != c_axes and isinstance(s_axes, list):
        s_names, c_names = [a[0] for a in s_axes], [a[0] for a in c_axes]
        if s_names != c_names:
            return f"`axes` (names/order; stored {s_names}, now {c_names})"
        for (n, sv), (_, cv) in zip(s_axes, c_axes):
            if sv != cv:
                return f"`axes[{n!r}]` (stored {_summary(sv)}, now {_summary(cv)})"
    for key in sorted(set(stored) | set(current)):
        if stored.get(key) != current.get(key):
            setting = "func" if key in ("func", "func_bound_arguments") else key
            return f"`{setting}` (stored {_summary(stored.get(key))}, now {_summary(current.get(key))})"
    return "the configuration hash"  # pragma: no cover - equal configs hash equally


def _version() -> str:
    try:
        from lzsm._version import __version__

        return str(__version__)
    except ImportError:  # pragma: no cover - during a partial import of the package
        from importlib.metadata import version

        return version("lzsm")


# --------------------------------------------------------------------------- outputs
@dataclass(frozen=True)
class _Output:
    dims: tuple[str, ...]  # trailing dims
    shape: tuple[int, ...]  # trailing shape
    dtype: np.dtype


def _call_block(func: Callable, params: dict[str, np.ndarray]) -> Any:
    """Runs on the worker: one call of func on one block; arrays come back as numpy."""
    out = func(**params)
    if isinstance(out, Mapping):
        return {k: np.asarray(v) for k, v in out.items()}
    return out


def _check_outputs(out: Any, plan: _Plan, block: tuple[int, ...]) -> dict[str, np.ndarray]:
    where = plan.describe(block)
    if not isinstance(out, Mapping) or not out:
        raise LzsmTypeError(f"func must return a non-empty dict {{name: array}}; got {type(out).__name__} on {where}")
    bshape = tuple(s.stop - s.start for s in plan.slices(block))
    nd = len(bshape)
    res = {}
    for name, arr in out.items():
        if not isinstance(name, str) or not name:
            raise LzsmTypeError(f"func output names must be non-empty strings, got {name!r}")
        if name in plan.names:
            raise LzsmValueError(f"func output {name!r} has the name of a scan axis; rename it")
        arr = np.asarray(arr)
        if arr.dtype == object or arr.dtype.kind not in "biufc":
            raise LzsmTypeError(f"func output {name!r} must be numeric, got dtype {arr.dtype} on {where}")
        try:
            if arr.ndim < nd:
                raise ValueError
            arr = np.broadcast_to(arr, bshape + arr.shape[nd:])
        except ValueError:
            raise LzsmValueError(
                f"func output {name!r} has shape {arr.shape} on {where}; expected the block shape {bshape} "
                "(or shapes broadcasting to it) followed by the output's fixed trailing dims"
            ) from None
        res[name] = arr
    return res


def _derive_spec(
    out: dict[str, np.ndarray], nd: int, output_dims: dict[str, list[str]], output_coords: dict[str, np.ndarray]
) -> dict[str, _Output]:
    undeclared = [v for v in output_dims if v not in out]
    if undeclared:
        raise LzsmValueError(f"`output_dims` names {undeclared}, which func does not return (it returns {list(out)})")
    spec: dict[str, _Output] = {}
    lengths: dict[str, int] = {}
    for name, arr in out.items():
        shape = arr.shape[nd:]
        dims = output_dims.get(name) or [f"{name}_dim_{i}" for i in range(len(shape))]
        if len(dims) != len(shape):
            raise LzsmValueError(
                f"`output_dims[{name!r}]` names {len(dims)} trailing dims {dims}, but func returns "
                f"{len(shape)} trailing dims (shape {shape})"
            )
        for d, n in zip(dims, shape):
            if lengths.setdefault(d, n) != n:
                raise LzsmValueError(f"trailing dim {d!r} has length {lengths[d]} in one output and {n} in another")
        spec[name] = _Output(tuple(dims), tuple(shape), arr.dtype)
    for name, vals in output_coords.items():
        if name in lengths and lengths[name] != vals.size:
            raise LzsmValueError(
                f"`output_coords[{name!r}]` has {vals.size} values; the outputs' dim has {lengths[name]}"
            )
    return spec


def _conform(out: dict[str, np.ndarray], spec: dict[str, _Output], nd: int, where: str) -> dict[str, np.ndarray]:
    if set(out) != set(spec):
        raise LzsmValueError(f"func returned outputs {sorted(out)} on {where}; earlier blocks returned {sorted(spec)}")
    res = {}
    for name, arr in out.items():
        o = spec[name]
        if arr.shape[nd:] != o.shape:
            raise LzsmValueError(
                f"func output {name!r} has trailing shape {arr.shape[nd:]} on {where}; earlier blocks had {o.shape}"
            )
        if not np.can_cast(arr.dtype, o.dtype, "same_kind"):
            raise LzsmValueError(f"func output {name!r} has dtype {arr.dtype} on {where}; earlier blocks had {o.dtype}")
        res[name] = arr.astype(o.dtype, copy=False)
    return res


def _zarr_chunks(plan: _Plan, o: _Output) -> tuple[int, ...]:
    extra = list(o.shape)
    while extra and math.prod(plan.chunks) * math.prod(extra) > MAX_CHUNK_ELEMENTS and max(extra) > 1:
        k = int(np.argmax(extra))
        extra[k] = math.ceil(extra[k] / 2)
    return plan.chunks + tuple(extra)


def _dataset(
    plan: _Plan,
    spec: dict[str, _Output],
    data: dict[str, Any],
    output_coords: dict[str, np.ndarray],
    name_units: dict[str, str],
    attrs: dict[str, Any],
) -> xr.Dataset:
    unknown = [k for k in name_units if k not in plan.names and k not in spec and k not in output_coords]
    if unknown:
        raise LzsmValueError(
            f"`name_units` names {unknown}, which are neither axes, outputs nor output coords "
            f"(axes {list(plan.names)}, outputs {sorted(spec)})"
        )
    coords = {n: (n, v) for n, v in zip(plan.names, plan.values)}
    coords.update({n: (n, v) for n, v in output_coords.items()})
    ds = xr.Dataset(
        {name: (plan.names + spec[name].dims, data[name]) for name in sorted(spec)}, coords=coords, attrs=attrs
    )
    for name, units in name_units.items():
        ds[name].attrs["units"] = units
    return ds


# --------------------------------------------------------------------------- the store
def _exists(path: Path) -> bool:
    return path.exists() or path.is_symlink()


def _marker(store: Path, mode: Literal["r", "r+"] = "r+") -> Any:
    import zarr

    return zarr.open_group(str(store), mode=mode)[f"{_MARKER_GROUP}/{_MARKER_ARRAY}"]


def completed_blocks(store: str | os.PathLike) -> np.ndarray:
    """Boolean array over the block grid of a scan store: True where the block is marked done.

    Safe to call while a scan is writing the store (e.g. to monitor a job)."""
    store = Path(store)
    if not store.exists():
        raise LzsmValueError(f"`store` {str(store)!r} does not exist")
    try:
        return np.asarray(_marker(store, "r")[...]) == 1
    except (KeyError, FileNotFoundError, ValueError) as exc:
        raise LzsmValueError(f"`store` {str(store)!r} is not an lzsm scan store (no block markers): {exc}") from None


def _write_template(store: Path, template: xr.Dataset, plan: _Plan, encoding: dict) -> None:
    """Template plus an all-zero marker array, written in a marked folder beside the store
    (``.NAME.partial-*/store``) and renamed into place; a kill midway leaves debris that the
    next scan on this store removes."""
    import zarr

    folder = marked_tempdir(store.parent, f".{store.name}.partial-", store, "scan")
    tmp = folder / "store"
    try:
        template.to_zarr(str(tmp), compute=False, consolidated=False, mode="w-", encoding=encoding)
        group = zarr.open_group(str(tmp), mode="r+").create_group(
            _MARKER_GROUP,
            attributes={
                "description": "lzsm scan bookkeeping: done[i, j, ...] = 1 once block "
                "(i, j, ...) is fully written (written after its data)"
            },
        )
        group.create_array(_MARKER_ARRAY, shape=plan.grid, chunks=(1,) * len(plan.grid), dtype="uint8", fill_value=0)
        try:
            os.rename(tmp, store)
        except OSError as exc:
            raise LzsmValueError(
                f"`store` {str(store)!r} was created by another program while the scan ran; "
                "lzsm leaves it alone: choose another store"
            ) from exc
    finally:
        shutil.rmtree(folder)


def _read_store(store: Path, current: dict, current_hash: str, nd: int):
    """(spec of the stored outputs, done flags) of an existing store whose configuration matches."""
    import zarr

    if not store.is_dir():
        raise LzsmValueError(f"`store` {str(store)!r} exists but is not a directory (Zarr store)")
    try:
        stored_attrs = dict(zarr.open_group(str(store), mode="r").attrs)
    except Exception as exc:
        raise LzsmValueError(f"`store` {str(store)!r} is not a readable Zarr store ({exc}); delete it") from None
    stored_config = stored_attrs.get(CONFIG_ATTR)
    if HASH_ATTR not in stored_attrs or not isinstance(stored_config, str):
        raise LzsmValueError(
            f"`store` {str(store)!r} is not an lzsm scan store (no scan configuration); "
            "choose another path or delete it"
        )
    if stored_attrs[HASH_ATTR] != current_hash:
        diff = _first_difference(json.loads(stored_config), current)
        raise LzsmValueError(
            f"cannot resume: `store` {str(store)!r} holds a scan with a different {diff}; "
            "rerun with the stored settings or delete the store to start over"
        )
    with xr.open_zarr(str(store), consolidated=False) as ds:
        spec = {
            name: _Output(tuple(var.dims[nd:]), tuple(var.shape[nd:]), var.dtype) for name, var in ds.data_vars.items()
        }
    done = np.asarray(_marker(store, "r")[...]) == 1
    return spec, done


# --------------------------------------------------------------------------- executors
def _run_in_process(func, plan: _Plan, todo: list, handle: Callable) -> None:
    for block in todo:
        try:
            out = _call_block(func, plan.params(block))
        except Exception as exc:
            raise _block_error(plan, block, exc) from exc
        handle(block, out)


def _block_error(plan: _Plan, block: tuple[int, ...], exc: BaseException) -> ScanBlockError:
    hint = ""
    if isinstance(exc, ImportError):
        hint = " (with Dask, func must be importable on the workers: a module-level function of an installed module)"
    return ScanBlockError(
        f"func raised on {plan.describe(block)}: {type(exc).__name__}: {exc}{hint}", block, plan.ranges(block)
    )


def _open_client(scheduler: Any):
    """(client, things to close afterwards)."""
    import distributed

    if isinstance(scheduler, distributed.Client):
        return scheduler, []
    if scheduler == "local":
        # the scheduler's HTTP server (health, metrics) on a free loopback port, no dashboard
        cluster = distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=":0",
            scheduler_kwargs={"dashboard": False},
            env=dict(_WORKER_ENV),
        )
        try:
            client = distributed.Client(cluster)
        except BaseException:
            cluster.close()
            raise
        return client, [client, cluster]
    client = distributed.Client(scheduler)
    return client, [client]


def _run_on_dask(client, func, plan: _Plan, todo: list, handle: Callable) -> None:
    """One task per block, a bounded number in flight; results handled as they complete."""
    import distributed

    window = max(4, 2 * sum(client.nthreads().values()))
    pending = iter(todo)
    in_flight: dict[Any, tuple[int, ...]] = {}
    tag = uuid.uuid4().hex[:8]
    ac = distributed.as_completed()
    failure: tuple[tuple[int, ...], BaseException] | None = None

    def submit_next() -> None:
        block = next(pending, None)
        if block is not None:
            fut = client.submit(
                _call_block, func, plan.params(block), pure=False, key=f"lzsm-sweep-{tag}-{'-'.join(map(str, block))}"
            )
            in_flight[fut] = block
            ac.add(fut)

    try:
        for _ in range(window):
            submit_next()
        for fut in ac:
            block = in_flight.pop(fut)
            if fut.status == "finished":
                out = fut.result()
                fut.release()
                handle(block, out)  # finished blocks are stored even after another block failed
                if failure is None:
                    submit_next()
            elif fut.status == "error" and failure is None:
                failure = (block, fut.exception())
                client.cancel(list(in_flight))
    finally:
        if in_flight:
            client.cancel(list(in_flight))
    if failure is not None:
        block, exc = failure
        raise _block_error(plan, block, exc) from exc


@contextlib.contextmanager
def _holding(path: Path | None, resume: bool) -> Iterator[None]:
    """Hold the lock of the store (nothing without a store) and delete the debris of killed scans."""
    if path is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with locked(path, "`store`"):
        remove_debris(path)
        if _exists(path) and not resume:  # again, now that no lzsm run can change it
            raise _store_exists(path)
        yield


def _store_exists(path: Path) -> LzsmValueError:
    return LzsmValueError(
        f"`store` {str(path)!r} already exists; pass resume=True to continue that scan, or delete it to start over"
    )


# --------------------------------------------------------------------------- front door
def scan(
    func: Callable[..., Mapping[str, Any]],
    axes: Mapping[str, Any],
    *,
    chunks: Mapping[str, int] | None = None,
    store: str | os.PathLike | None = None,
    resume: bool = False,
    scheduler: Any = None,
    progress: bool | None = None,
    attrs: Mapping[str, Any] | None = None,
    name_units: Mapping[str, str] | None = None,
    output_dims: Mapping[str, Any] | None = None,
    output_coords: Mapping[str, Any] | None = None,
) -> xr.Dataset:
    """Evaluate ``func`` on the outer product of ``axes``, block by block.

    Parameters
    ----------
    func : ``func(**params) -> {name: array}``.  For one block, each axis name is bound to that
        axis' values in the block, shaped to broadcast over it (length on its own axis, 1 on the
        others, like ``np.meshgrid(..., indexing="ij", sparse=True)``).  Each output has the block
        shape (or broadcasts to it) followed by trailing dims fixed per output (e.g. time).  Must
        be pure; with Dask it must be picklable and importable on the workers (a module-level
        function or a ``functools.partial`` of one).  Per-point failures belong in an output
        (e.g. ``status``); an exception stops the scan (see Raises).
    axes : ordered ``{name: 1-D array}``; the dataset's dims in this order.
    chunks : ``{axis name: block length}``; axes not named are chosen (from the last axis
        backwards) so that a block holds at most ``DEFAULT_BLOCK_POINTS`` points.
    store : path (str or os.PathLike) of a Zarr store (directory) written block by block; memory
        then scales with a block, not the grid.  Must not exist unless ``resume=True``; its folder
        must exist or be creatable (checked before anything is computed).  Locked for the whole
        scan: another process writing the same store is refused.
    resume : continue the scan in ``store``: refused if its configuration (axes, chunks, func
        and its bound arguments, output dims/coords, units, attrs) differs; computes only blocks
        not marked done.  Starts afresh if the store does not exist.
    scheduler : None (in this process), ``"local"`` (a ``LocalCluster`` of 2 single-threaded
        worker processes on 127.0.0.1, closed afterwards), a scheduler address
        (``"tcp://host:port"``) or a ``distributed.Client`` (left open).  One task per block, a
        bounded number in flight.  ``"local"`` spawns processes: call it from an importable
        module or under ``if __name__ == "__main__":``, not from stdin.
    progress : tqdm bar over blocks: None shows it only on a terminal, True always, False never.
    attrs : extra dataset attributes (JSON-serialisable; part of the configuration).
    name_units : ``{axis, output or output coord name: units}`` set as ``units`` attributes.
    output_dims : ``{output name: [trailing dim names]}``; undeclared trailing dims are named
        ``<output>_dim_<i>``.
    output_coords : ``{trailing dim name: 1-D coordinate values}``.

    Returns
    -------
    ``xarray.Dataset`` with dims ``(*axes, *trailing dims)``, the axis values as coordinates and
    the outputs as data variables (sorted by name); attrs ``lzsm_version``, ``lzsm_sweep_func``,
    ``lzsm_sweep_config`` (resolved configuration as JSON), ``lzsm_sweep_config_hash`` and the
    user ``attrs``.  With a store, the dataset is loaded back from it, so a resumed scan
    returns exactly what an uninterrupted one returns; a result larger than the memory budget
    (:func:`lzsm._checks.memory_limit`) is returned unloaded, read from the store on use.
    Without a store, a result larger than the budget is refused after the first block
    (:class:`~lzsm.errors.LzsmResourceError`: pass ``store=``).

    Raises
    ------
    ScanBlockError : func raised on a block (its parameter ranges in the message, the original
        exception as ``__cause__``); blocks finished before are stored and marked.
    LzsmValueError, LzsmTypeError : invalid arguments, outputs of the wrong shape, an existing
        store without ``resume=True``, a store that cannot be created, or a store whose
        configuration differs.
    LzsmLockedError : another process is writing the store (its PID, host and start time in
        the message).
    LzsmResourceError : a grid of more than :data:`lzsm._checks.MAX_GRID_POINTS` points, or
        (without a store) a result larger than the memory budget.
    KeyboardInterrupt : passed through; finished blocks stay marked and the store stays valid.

    Examples
    --------
    >>> import numpy as np, lzsm
    >>> def p_lz(coupling, sweep_rate):
    ...     return {'p_diabatic_stay': lzsm.lz_probability(coupling, sweep_rate)}
    >>> ds = lzsm.scan(p_lz, {'coupling': np.array([0.1, 0.5]), 'sweep_rate': np.array([1.0, 2.0, 4.0])})
    >>> ds.p_diabatic_stay.dims
    ('coupling', 'sweep_rate')
    >>> ds.p_diabatic_stay.values.round(4)
    array([[0.9391, 0.9691, 0.9844],
           [0.2079, 0.4559, 0.6752]])
    """
    # convert, check
    if not callable(func):
        raise LzsmTypeError(f"`func` must be callable, got {type(func).__name__}")
    names, values = _check_axes(axes)
    grid_points({name: v.size for name, v in zip(names, values)})
    plan = _Plan(names, values, _resolve_chunks(chunks, names, tuple(v.size for v in values)))
    output_dims_ = _check_output_dims(output_dims, names)
    output_coords_ = _check_output_coords(output_coords, output_dims_)
    name_units_ = _check_str_map(name_units, "name_units")
    attrs_ = _check_attrs(attrs)
    progress = _check_progress(progress)
    resume = flag(resume, "resume")
    check_scheduler(scheduler)
    path = None if store is None else target_path(store, "`store`")
    if path is not None and not _exists(path):
        check_creatable(path, "`store`")
    if path is not None and _exists(path) and not resume:
        raise _store_exists(path)
    if path is None and resume:
        raise LzsmValueError("`resume=True` needs a `store` to resume from")

    config = _config(plan, func, output_dims_, output_coords_, name_units_, attrs_)
    config_hash = _hash(config)
    ds_attrs = {
        VERSION_ATTR: _version(),
        FUNC_ATTR: config["func"],
        CONFIG_ATTR: _dumps(config),
        HASH_ATTR: config_hash,
        **attrs_,
    }
    nd = len(names)

    with _holding(path, resume):
        spec: dict[str, _Output] | None = None
        done = np.zeros(plan.grid, dtype=bool)
        if path is not None and _exists(path):
            spec, done = _read_store(path, config, config_hash, nd)

        todo = [b for b in np.ndindex(*plan.grid) if not done[b]]
        memory: dict[str, np.ndarray] = {}
        marker: list[Any] = [None]  # the store's block-marker array, opened on first write

        def handle(block: tuple[int, ...], raw: Any) -> None:
            nonlocal spec
            out = _check_outputs(raw, plan, block)
            if spec is None:
                spec = _derive_spec(out, nd, output_dims_, output_coords_)
                if path is None:
                    per_point = sum(math.prod(o.shape) * np.dtype(o.dtype).itemsize for o in spec.values())
                    memory_budget(
                        float(math.prod(plan.shape)) * per_point,
                        "scan: the whole result in memory",
                        f"{math.prod(plan.shape)} grid points x {format_bytes(per_point)} of outputs per point",
                        "pass `store=` (a Zarr store, written block by block: memory then scales with a block; smaller blocks with `chunks=`, on Dask with `scheduler=`)",
                    )
                    for name, o in spec.items():
                        memory[name] = np.empty(plan.shape + o.shape, dtype=o.dtype)
                else:
                    import dask.array as da

                    zchunks = {name: _zarr_chunks(plan, o) for name, o in spec.items()}
                    lazy = {
                        name: da.empty(plan.shape + o.shape, chunks=zchunks[name], dtype=o.dtype)
                        for name, o in spec.items()
                    }
                    template = _dataset(plan, spec, lazy, output_coords_, name_units_, ds_attrs)
                    _write_template(path, template, plan, {n: {"chunks": c} for n, c in zchunks.items()})
            out = _conform(out, spec, nd, plan.describe(block))
            slices = plan.slices(block)
            if path is None:
                for name, arr in out.items():
                    memory[name][slices] = arr
            else:
                part = xr.Dataset({name: (names + spec[name].dims, arr) for name, arr in out.items()})
                part.to_zarr(str(path), region=dict(zip(names, slices)), consolidated=False, mode="r+")
                if marker[0] is None:
                    marker[0] = _marker(path)
                marker[0][block] = 1  # written last: the block's data is complete
            bar.update(1)

        bar = progress_bar(math.prod(plan.grid), progress, desc="scan", unit="block", initial=int(done.sum()))
        try:
            # dispatch
            if todo:
                if scheduler is None:
                    _run_in_process(func, plan, todo, handle)
                else:
                    client, to_close = _open_client(scheduler)
                    try:
                        _run_on_dask(client, func, plan, todo, handle)
                    finally:
                        for obj in to_close:
                            obj.close()
        finally:
            bar.close()

        if path is not None:
            # opened without Dask (chunks=None): reading the sizes, or loading a result that fits,
            # needs no task graph
            stored = xr.open_zarr(str(path), consolidated=False, chunks=None)
            if stored.nbytes > memory_limit()[0]:  # larger than memory: left in the store, read lazily
                stored.close()
                stored = xr.open_zarr(str(path), consolidated=False)
                return stored[sorted(stored.data_vars)]
            with stored:
                result = stored.load()
            return result[sorted(result.data_vars)]
        assert spec is not None  # at least one block ran
        return _dataset(plan, spec, memory, output_coords_, name_units_, ds_attrs)
