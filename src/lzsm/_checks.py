"""Validation at the boundary, one module for every front door.

Every check names the argument, the accepted range and what it got, and returns the converted
value: numbers and arrays, Hermitian matrices, choices, the time window and saved times, the
model-is-in-time check, and the one grammar of initial states (:func:`initial_state`) shared by
every propagating function.

The rules that keep a number from being silently wrong or a run from hanging live here too,
once: the tolerance double precision can deliver (:func:`tolerance`), the size of a parameter
grid (:func:`grid_points`), the memory and step budgets checked before anything is allocated
or integrated (:func:`memory_budget`, :func:`step_budget`), and the check of every probability
array on its way out (:func:`probabilities`).
"""

from __future__ import annotations

import contextlib
import math
import os
import re
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from .errors import LzsmError, LzsmNumericalError, LzsmResourceError, LzsmTypeError, LzsmValueError


def _describe(x: np.ndarray) -> str:
    if x.size == 1:
        return repr(x.reshape(-1)[0].item())
    return f"an array of shape {x.shape}"


def _nonfinite(x: np.ndarray) -> str:
    """What is not finite in ``x``, for messages."""
    if x.size == 1:
        return repr(x.reshape(-1)[0].item())
    return f"an array of shape {x.shape} containing NaN or inf"


def _refuse_quantity(x: Any, name: str) -> None:
    """A pint Quantity is not a number in the model's units: numpy would strip its unit silently."""
    if hasattr(x, "magnitude") and hasattr(x, "units") and hasattr(x, "dimensionality"):
        raise LzsmTypeError(
            f"`{name}` is a quantity with a unit ({x!r}): lzsm's functions take plain numbers "
            f"in the model's units; convert it with lzsm.io.units.parse(value, dimension, "
            f"UnitSystem(...), {name!r}) and use that system's hbar"
        )


def short(x: Any) -> str:
    """``repr(x)``, cut to one readable length for messages."""
    text = repr(x)
    return text if len(text) <= 80 else text[:77] + "..."


def numeric_array(x: Any, name: str, accepted: str) -> np.ndarray:
    """``x`` as a numpy array; callables, quantities with units, booleans and ragged nestings are
    refused (``True`` is not a coupling, and numpy would read it as 1)."""
    _refuse_quantity(x, name)
    if callable(x):
        raise LzsmTypeError(f"`{name}` must be {accepted}, not a callable")
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError):  # ragged nestings, objects numpy cannot read
        raise LzsmTypeError(f"`{name}` must be {accepted} (a rectangular array), got {short(x)}") from None
    if arr.dtype == object:
        raise LzsmTypeError(f"`{name}` must be {accepted}, got {short(x)}")
    if arr.dtype.kind == "b":
        raise LzsmTypeError(f"`{name}` must be {accepted}, got a boolean ({short(x)})")
    return arr


def real_array(
    x: Any,
    name: str,
    *,
    positive: bool = False,
    nonnegative: bool = False,
    nonzero: bool = False,
    minus_infinity: bool = False,
) -> np.ndarray:
    """Finite real float array (``minus_infinity``: -inf allowed too, e.g. a start in the
    infinite past); optional sign constraints."""
    arr = numeric_array(x, name, "a real number or array of real numbers")
    if arr.dtype.kind not in "iuf":
        if arr.dtype.kind == "c":
            raise LzsmTypeError(f"`{name}` must be real, got a complex value")
        raise LzsmTypeError(f"`{name}` must be a real number or array of real numbers, got {short(x)}")
    arr = arr.astype(float)
    if not np.all(np.isfinite(arr) | (minus_infinity & np.isneginf(arr))):
        what = "finite or -inf" if minus_infinity else "finite"
        raise LzsmValueError(f"`{name}` must be {what}, got {_nonfinite(arr)}")
    if positive and np.any(arr <= 0):
        raise LzsmValueError(f"`{name}` must be > 0, got {_describe(arr[arr <= 0])}")
    if nonnegative and np.any(arr < 0):
        raise LzsmValueError(f"`{name}` must be >= 0, got {_describe(arr[arr < 0])}")
    if nonzero and np.any(arr == 0):
        raise LzsmValueError(f"`{name}` must be nonzero, got {_describe(arr[arr == 0])}")
    return arr


def complex_array(x: Any, name: str) -> np.ndarray:
    """Finite complex array."""
    arr = numeric_array(x, name, "a number or array of numbers")
    if arr.dtype.kind not in "iufc":
        raise LzsmTypeError(f"`{name}` must be a number or array of numbers, got {short(x)}")
    arr = arr.astype(complex)
    if not np.all(np.isfinite(arr)):
        raise LzsmValueError(f"`{name}` must be finite, got {_nonfinite(arr)}")
    return arr


def real_scalar(
    x: Any, name: str, *, positive: bool = False, nonnegative: bool = False, nonzero: bool = False
) -> float:
    """One finite real number (not an array); optional sign constraints."""
    arr = real_array(x, name, positive=positive, nonnegative=nonnegative, nonzero=nonzero)
    if arr.ndim != 0:
        raise LzsmValueError(f"`{name}` must be a single number, got an array of shape {arr.shape}")
    return float(arr)


def complex_scalar(x: Any, name: str) -> complex:
    """One finite (complex) number, not an array."""
    arr = complex_array(x, name)
    if arr.ndim != 0:
        raise LzsmValueError(f"`{name}` must be a single number, got an array of shape {arr.shape}")
    return complex(arr)


def positive_scalar(x: Any, name: str) -> float:
    return real_scalar(x, name, positive=True)


def broadcast(name_to_array: dict[str, np.ndarray]) -> tuple[int, ...]:
    """Common broadcast shape, or an error naming the arguments that do not broadcast."""
    try:
        return np.broadcast_shapes(*(a.shape for a in name_to_array.values()))
    except ValueError:
        shapes = ", ".join(f"`{k}` {v.shape}" for k, v in name_to_array.items())
        raise LzsmValueError(f"parameter shapes do not broadcast: {shapes}") from None


def hermitian(h: np.ndarray, name: str, *, rtol: float = 1e-10) -> np.ndarray:
    """(..., N, N) Hermitian check with a scale-aware tolerance."""
    h = np.asarray(h)
    if h.ndim < 2 or h.shape[-1] != h.shape[-2]:
        raise LzsmValueError(f"`{name}` must have shape (..., N, N), got shape {h.shape}")
    if not np.all(np.isfinite(h)):
        raise LzsmValueError(f"`{name}` must be finite, got NaN or inf entries")
    dev = np.max(np.abs(h - np.conj(np.swapaxes(h, -1, -2)))) if h.size else 0.0
    scale = max(np.max(np.abs(h)) if h.size else 0.0, 1e-300)
    if dev > rtol * scale:
        raise LzsmValueError(f"`{name}` must be Hermitian: max |H - H^dagger| = {dev:.3g} exceeds {rtol:g} x max |H|")
    return h


def _is_pair(x: Any) -> bool:
    """Whether ``x`` is a sequence of two items (a list, tuple or 1-D array; not text)."""
    if isinstance(x, np.ndarray):
        return x.ndim >= 1 and len(x) == 2
    return isinstance(x, (list, tuple)) and len(x) == 2


def pair(x: Any, name: str, *, infinite: bool = False, ends: str = "a, b", order: str = "") -> tuple[float, float]:
    """Two real numbers ``(a, b)``, finite (``infinite``: a may be -inf, b +inf); ``ends`` names
    them and ``order`` states their order (e.g. ``' with a < b'``) in messages."""
    accepted = f"a pair ({ends}) of {'numbers' if infinite else 'finite numbers'}{order}"
    if not _is_pair(x):
        raise LzsmValueError(f"`{name}` must be {accepted}, got {short(x)}")
    values = []
    for v in x:
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.integer, np.floating)):
            raise LzsmValueError(f"`{name}` must be {accepted}, got {short(x)}")
        values.append(float(v))
    a, b = values
    if np.isnan(a) or np.isnan(b) or not (infinite or (np.isfinite(a) and np.isfinite(b))):
        raise LzsmValueError(f"`{name}` must be {accepted}, got ({a}, {b})")
    return a, b


def interval(x: Any, name: str, *, infinite: bool = False, ends: str = "a, b") -> tuple[float, float]:
    """A pair ``(a, b)`` of real numbers with a < b, finite (``infinite``: a may be -inf, b +inf);
    ``ends`` names the two ends in messages."""
    lo, hi = ends.split(", ")
    order = f" with {lo} < {hi}"
    a, b = pair(x, name, infinite=infinite, ends=ends, order=order)
    if not b > a:
        kind = "numbers" if infinite else "finite numbers"
        raise LzsmValueError(f"`{name}` must be a pair ({ends}) of {kind}{order} (increasing), got ({a:g}, {b:g})")
    return a, b


def time_span(t_span: Any, *, infinite: bool = False) -> tuple[float, float]:
    """``(t0, t1)`` as floats, increasing, and finite (``infinite``: t0 may be -inf, t1 +inf)."""
    return interval(t_span, "t_span", infinite=infinite, ends="t0, t1")


def flag(x: Any, name: str) -> bool:
    """A yes/no switch: ``True`` or ``False`` (NumPy's booleans too), nothing that merely
    converts to one (``1``, ``"yes"``)."""
    if not isinstance(x, (bool, np.bool_)):
        raise LzsmTypeError(f"`{name}` must be True or False, got {short(x)}")
    return bool(x)


def choice(x: Any, name: str, options: tuple[str, ...]) -> str:
    if not (isinstance(x, str) and x in options):
        raise LzsmValueError(f"`{name}` must be one of {', '.join(map(repr, options))}; got {short(x)}")
    return x


def integer(x: Any, name: str, *, low: int | None = None, high: int | None = None) -> int:
    """A Python int (bools refused) within [low, high]."""
    if low is not None and high is not None:
        accepted = f"an integer in [{low}, {high}]"
    elif low is not None:
        accepted = f"an integer >= {low}"
    elif high is not None:
        accepted = f"an integer <= {high}"
    else:
        accepted = "an integer"
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, np.integer)):
        if isinstance(x, (float, np.floating, bool, np.bool_)):
            raise LzsmValueError(f"`{name}` must be {accepted}, got {x!r}")
        raise LzsmTypeError(f"`{name}` must be {accepted}, got {x!r}")
    if (low is not None and x < low) or (high is not None and x > high):
        raise LzsmValueError(f"`{name}` must be {accepted}, got {x!r}")
    return int(x)


def index_pair(x: Any, name: str, n: int, *, ordered: bool = False) -> tuple[int, int]:
    """Two distinct indices in ``0..n-1`` (``ordered``: the first below the second)."""
    relation = "i < j" if ordered else "i != j"
    accepted = f"a pair (i, j) of integers in 0..{n - 1} with {relation}"
    if not _is_pair(x):
        raise LzsmTypeError(f"`{name}` must be {accepted}, got {short(x)}")
    i, j = x
    for v in (i, j):
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
            raise LzsmTypeError(f"`{name}` must be {accepted}, got {short(x)}")
    if not (0 <= i < n and 0 <= j < n) or (i >= j if ordered else i == j):
        raise LzsmValueError(f"`{name}` must be {accepted}, got {short(x)}")
    return int(i), int(j)


def instance(x: Any, name: str, kind: type | tuple[type, ...], accepted: str) -> Any:
    """``x`` if it is a ``kind``; else an error naming ``name``, what it accepts and what it got."""
    if not isinstance(x, kind):
        raise LzsmTypeError(f"`{name}` must be {accepted}, got {type(x).__name__}")
    return x


def model(x: Any, name: str = "model") -> Any:
    """``x`` if it is an lzsm model (any coordinate)."""
    from lzsm.models.base import Model

    return instance(x, name, Model, "an lzsm model (e.g. lzsm.LandauZener, lzsm.TullySimple)")


def surface_model(x: Any, name: str = "model") -> Any:
    """``x`` if it is an lzsm surface model (a Hamiltonian over several coordinates)."""
    from lzsm.models.surfaces import SurfaceModel

    return instance(x, name, SurfaceModel, "an lzsm surface model (e.g. lzsm.JahnTellerExE())")


# --------------------------------------------------------------------------- models and times
def time_model(model: Any) -> Any:
    """``model`` if it is an lzsm model whose coordinate is time; a clear error otherwise."""
    from lzsm.models.base import Model

    if not isinstance(model, Model):
        raise LzsmTypeError(f"`model` must be an lzsm model (e.g. lzsm.LandauZener), got {type(model).__name__}")
    if model.coordinate != "t":
        raise LzsmValueError(
            f"`model` is given along '{model.coordinate}', not time: it cannot be "
            "propagated (use lzsm.models.adiabatic for its adiabatic picture)"
        )
    return model


def times(t_span: Any, t_eval: Any = None, *, infinite: bool = False) -> np.ndarray:
    """The saved times: ``t_eval`` (strictly increasing, finite, inside ``t_span``) with t0 and
    t1 always included; ``[t0, t1]`` when ``t_eval`` is None (``infinite``: t0 may be -inf and
    t1 +inf)."""
    t0, t1 = time_span(t_span, infinite=infinite)
    if t_eval is None:
        return np.array([t0, t1])
    te = real_array(t_eval, "t_eval")
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


# --------------------------------------------------------------------------- initial states
INITIAL_GRAMMAR = (
    "a diabatic index k (int), a name ('diabatic k', 'adiabatic k', 'lower' = 'ground' = "
    "'adiabatic 0', 'upper' = the highest adiabatic state), a normalised state vector (..., N) "
    "in the diabatic basis"
)


class InitialState:
    """A checked initial condition over a grid of parameter points.

    ``psi`` (``(*shape, N)``) for pure states, else None; ``rho`` (``(*shape, N, N)``, only when
    density matrices are accepted); ``diabatic``: index of the initial diabatic basis state,
    or -1 where the state is not one (``shape``)."""

    def __init__(self, psi: np.ndarray | None, rho: np.ndarray | None, diabatic: np.ndarray) -> None:
        self.psi = psi
        self.rho = rho
        self.diabatic = diabatic

    def adiabatic(self, model: Any, t0: float) -> np.ndarray:
        """Index of the adiabatic state with the largest initial population (``shape``)."""
        from lzsm.models.adiabatic import adiabatic_states

        states = adiabatic_states(model, np.asarray(t0))
        if self.psi is not None:
            pops = np.abs(np.einsum("...ji,...j->...i", np.conj(states), self.psi)) ** 2
        else:
            assert self.rho is not None
            states = np.broadcast_to(states, self.rho.shape)
            pops = np.einsum("...ki,...kl,...li->...i", np.conj(states), self.rho, states).real
        return np.argmax(pops, axis=-1)


def _named_state(initial: Any, n: int) -> tuple[str, int] | None:
    """('diabatic' | 'adiabatic', k) for an index, a name or a (kind, k) pair; None otherwise."""
    if isinstance(initial, (bool, np.bool_)):
        raise LzsmTypeError(f"`initial` must be {INITIAL_GRAMMAR}; got a bool")
    if isinstance(initial, (int, np.integer)):
        return "diabatic", int(initial)
    if isinstance(initial, str):
        text = initial.strip().lower().replace(":", " ")
        aliases = {"lower": "adiabatic 0", "ground": "adiabatic 0", "upper": f"adiabatic {n - 1}"}
        parts = aliases.get(text, text).split()
        if len(parts) != 2 or parts[0] not in ("diabatic", "adiabatic") or not parts[1].isdigit():
            raise LzsmValueError(f"`initial` must be {INITIAL_GRAMMAR}; got {initial!r}")
        return parts[0], int(parts[1])
    if isinstance(initial, tuple) and len(initial) == 2 and isinstance(initial[0], str):
        return str(initial[0]), int(initial[1])
    return None


def initial_state(
    initial: Any, model: Any, t0: float, *, shape: tuple[int, ...] | None = None, density: bool = False
) -> InitialState:
    """The one grammar of initial states.

    ``initial`` is a diabatic index, a name (``'diabatic 1'``, ``'adiabatic 0'``, ``'lower'``,
    ``'ground'``, ``'upper'``; adiabatic states taken at ``t0``), a normalised state vector
    ``(..., N)`` in the diabatic basis, or (only where ``density=True``) a density matrix
    ``(..., N, N)``: Hermitian, trace 1, positive semidefinite.  Arrays broadcast over the
    model's grid (or ``shape``)."""
    n = model.n_levels
    shape = model.batch_shape if shape is None else tuple(shape)
    named = _named_state(initial, n)
    if named is not None:
        kind, k = named
        if kind not in ("diabatic", "adiabatic"):
            raise LzsmValueError(f"`initial` must be {INITIAL_GRAMMAR}; got {initial!r}")
        if not 0 <= k < n:
            raise LzsmValueError(f"`initial` state index must be in 0..{n - 1}, got {k}")
        if kind == "diabatic":
            psi = np.zeros(shape + (n,), dtype=complex)
            psi[..., k] = 1.0
            dia = np.full(shape, k)
        else:
            from lzsm.models.adiabatic import adiabatic_states

            states = adiabatic_states(model, np.asarray(t0))
            psi = np.ascontiguousarray(np.broadcast_to(states[..., :, k], shape + (n,)))
            dia = np.full(shape, -1)
        rho = np.einsum("...i,...j->...ij", psi, psi.conj()) if density else None
        return InitialState(psi, rho, dia)
    if callable(initial):
        raise LzsmTypeError(f"`initial` must be {INITIAL_GRAMMAR}; got a callable")
    arr = complex_array(initial, "initial")
    if density and arr.ndim >= 2 and arr.shape[-2:] == (n, n):
        rho = hermitian(arr, "initial")
        tr = np.trace(rho, axis1=-2, axis2=-1).real
        if np.any(np.abs(tr - 1.0) > 1e-10):
            raise LzsmValueError(f"`initial` density matrix must have trace 1, got {tr.reshape(-1)[0]:.6g}")
        ev = np.linalg.eigvalsh(rho)
        if np.any(ev < -1e-10):
            raise LzsmValueError(
                f"`initial` density matrix must be positive semidefinite, smallest eigenvalue {ev.min():.3g}"
            )
        try:
            rho = np.broadcast_to(rho, shape + (n, n)).copy()
        except ValueError:
            raise LzsmValueError(f"`initial` of shape {arr.shape} does not broadcast to the grid {shape}") from None
        diag = np.real(np.diagonal(rho, axis1=-2, axis2=-1))
        dia = np.where(np.isclose(diag, 1.0, atol=1e-12).any(axis=-1), np.argmax(diag, axis=-1), -1)
        return InitialState(None, rho, dia)
    if arr.shape[-1:] != (n,):
        what = "a state vector (..., N) or a density matrix (..., N, N)" if density else "a state vector (..., N)"
        hint = "" if density or arr.shape[-2:] != (n, n) else " (density matrices: use lzsm.evolve_open)"
        raise LzsmValueError(f"`initial` given as an array must be {what} with N = {n}, got shape {arr.shape}{hint}")
    try:
        psi = np.broadcast_to(arr, shape + (n,)).copy()
    except ValueError:
        hint = " (a density matrix? density matrices: use lzsm.evolve_open)" if arr.shape[-2:] == (n, n) else ""
        raise LzsmValueError(
            f"`initial` of shape {arr.shape} does not broadcast to the model's grid {shape} x {n}{hint}"
        ) from None
    nrm = np.linalg.norm(psi, axis=-1)
    if np.any(np.abs(nrm - 1.0) > 1e-10):
        raise LzsmValueError(f"`initial` state vector must be normalised (|psi| = 1), got |psi| = {nrm.max():.6g}")
    basis_state = np.isclose(np.abs(psi), 1.0, atol=1e-12)
    dia = np.where(basis_state.any(axis=-1), np.argmax(basis_state, axis=-1), -1)
    rho = np.einsum("...i,...j->...ij", psi, psi.conj()) if density else None
    return InitialState(psi, rho, dia)


# --------------------------------------------------------------------------- tolerances
#: The smallest relative tolerance double precision can deliver over a whole computation
#: (rounding in one step is ~1e-16; thousands of steps add it up).
MIN_TOL = 1e-14
#: The largest meaningful tolerance (an error of order one).
MAX_TOL = 1.0


def tolerance(
    x: Any,
    name: str = "tol",
    *,
    scale: float = 1.0,
    scale_name: str = "",
    high: float | None = MAX_TOL,
    floor: float = MIN_TOL,
    method: str = "",
) -> float:
    """A tolerance double precision can honour: a number in ``[floor, high]``, both times
    ``scale`` (the size of the quantity it applies to, named ``scale_name``, for absolute
    tolerances); ``high=None``: no upper bound.  ``floor`` is :data:`MIN_TOL`, or more for a
    ``method`` that cannot honour less.  The one rule of every front door taking ``tol``."""
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, float, np.integer, np.floating)):
        raise LzsmTypeError(f"`{name}` must be a number, got {x!r}")
    value = float(x)
    low = floor * scale
    top = None if high is None else high * scale
    if not (math.isfinite(value) and value >= low and (top is None or value <= top)):
        accepted = f"in [{low:g}, {top:g}]" if top is not None else f">= {low:g}"
        relative = f" relative to {scale_name} = {scale:g}" if scale_name else ""
        who = f"method {method!r} in double precision" if method else "double precision"
        raise LzsmValueError(
            f"`{name}` must be {accepted} ({who} cannot deliver less than {floor:g}{relative}), got {x!r}"
        )
    return value


# --------------------------------------------------------------------------- grids and budgets
#: The largest parameter grid of one call: on one axis or in total (one rule).
MAX_GRID_POINTS = 10**7
#: The share of the available memory one computation may plan to use (LZSM_MEMORY_LIMIT overrides it).
MEMORY_FRACTION = 0.5
#: The budget when the available memory cannot be read.
FALLBACK_MEMORY = 2 * 2**30
_BYTE_UNITS = {
    "": 1.0,
    "b": 1.0,
    "k": 1e3,
    "kb": 1e3,
    "kib": 2.0**10,
    "m": 1e6,
    "mb": 1e6,
    "mib": 2.0**20,
    "g": 1e9,
    "gb": 1e9,
    "gib": 2.0**30,
    "t": 1e12,
    "tb": 1e12,
    "tib": 2.0**40,
}
_BYTES = re.compile(r"\s*(\d+\.?\d*|\.\d+)(?:[eE]([-+]?\d+))?\s*([a-zA-Z]*)\s*")


def grid_points(sizes: Mapping[str, int]) -> int:
    """The number of points of a grid with these axis lengths, at most :data:`MAX_GRID_POINTS`
    (on one axis as in total); the error names every axis and the product."""
    total = math.prod(int(n) for n in sizes.values())
    if total > MAX_GRID_POINTS:
        axes = " x ".join(f"{int(n)} ({name})" for name, n in sizes.items())
        raise LzsmResourceError(
            f"a grid of {axes} = {total:.3g} points exceeds the limit of {MAX_GRID_POINTS:.0e} points per call "
            "(on one axis or in total): split it into several runs or use fewer points"
        )
    return total


def format_bytes(n: float) -> str:
    """``1.16 TiB``, ``512 MiB``, ``300 B``."""
    for unit, size in (("TiB", 2.0**40), ("GiB", 2.0**30), ("MiB", 2.0**20), ("KiB", 2.0**10)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n:.0f} B"


def _available_memory() -> float | None:
    """Bytes of memory available to a new allocation (MemAvailable, else free pages), or None."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024.0
    except (OSError, ValueError, IndexError):
        pass
    try:
        return float(os.sysconf("SC_AVPHYS_PAGES")) * float(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, OSError, ValueError):
        return None


def memory_limit() -> tuple[float, str]:
    """(bytes one computation may plan to use, where that number comes from): the environment
    variable ``LZSM_MEMORY_LIMIT`` (bytes, or with a unit: ``8GiB``, ``500 MB``), else
    :data:`MEMORY_FRACTION` of the available memory, else :data:`FALLBACK_MEMORY`."""
    text = os.environ.get("LZSM_MEMORY_LIMIT", "").strip()
    if text:
        m = _BYTES.fullmatch(text)
        unit = m.group(3).lower() if m else ""
        if not m or unit not in _BYTE_UNITS:
            raise LzsmValueError(
                "the environment variable LZSM_MEMORY_LIMIT must be a number of bytes, optionally with a unit "
                f"(e.g. 8GiB, 500MB), got {text!r}"
            )
        value = float(m.group(1)) * 10.0 ** int(m.group(2) or 0) * _BYTE_UNITS[unit]
        if not value > 0:
            raise LzsmValueError(f"the environment variable LZSM_MEMORY_LIMIT must be positive, got {text!r}")
        return value, f"LZSM_MEMORY_LIMIT={text}"
    available = _available_memory()
    if available is None:
        return float(FALLBACK_MEMORY), f"the default {format_bytes(FALLBACK_MEMORY)}: the free memory could not be read"
    share = "half" if MEMORY_FRACTION == 0.5 else f"{MEMORY_FRACTION:g}"
    return MEMORY_FRACTION * available, f"{share} of the {format_bytes(available)} available"


def memory_budget(nbytes: float, what: str, cause: str, way_out: str) -> None:
    """Refuse, before allocating, ``what`` that would need ``nbytes``: the message gives the
    estimate, the parameters responsible (``cause``) and ``way_out``."""
    limit, source = memory_limit()
    if nbytes > limit:
        raise LzsmResourceError(
            f"{what} needs about {format_bytes(nbytes)} of memory ({cause}), more than the budget of "
            f"{format_bytes(limit)} ({source}): {way_out}; LZSM_MEMORY_LIMIT (bytes, e.g. 16GiB) sets the budget"
        )


#: Grid points certain to exceed max_steps are refused up front when running them until they
#: stop would take more steps than this (about a second); below it they run and end with
#: status MAX_STEPS, like any point that does not finish.
WASTED_STEPS = 10**6


def at_point(parameters: Mapping[str, Any], shape: tuple[int, ...], index: tuple[int, ...]) -> str:
    """``'at coupling = 0.5, sweep_rate = 1'``: the parameter values at one grid point."""
    parts = []
    for name, value in parameters.items():
        arr = np.asarray(value)
        if arr.dtype.kind not in "biufc" or arr.ndim > len(shape):
            continue
        v = np.broadcast_to(arr, shape)[index] if shape else arr.reshape(())
        v = complex(v) if arr.dtype.kind == "c" else float(v)
        parts.append(f"{name} = {v:.6g}")
    return f" at {', '.join(parts)}" if parts else ""


def step_budget(
    min_steps: Any,
    max_steps: int,
    where: str,
    span: str,
    parameters: Mapping[str, Any],
    shorten: str,
    *,
    settable: bool = True,
) -> None:
    """Refuse a propagation of which some grid points need more than ``max_steps`` steps for
    certain (``min_steps``: a lower bound per point, from the dynamical phase at most pi per
    step), when running them until they stop would cost more than :data:`WASTED_STEPS` steps.
    The message names the window ``span``, the worst point's ``parameters`` and the way out
    (``shorten``; raising ``max_steps`` too where it helps and the caller can set it)."""
    from lzsm.options import MAX_STEPS

    need = np.asarray(min_steps, dtype=float)
    doomed = int(np.sum(~(need <= max_steps)))
    if doomed * max_steps <= WASTED_STEPS:  # cheap to run: the points report status MAX_STEPS
        return
    worst = np.where(np.isnan(need), np.inf, need)
    index = tuple(int(i) for i in np.unravel_index(int(np.argmax(worst)), need.shape))
    most = float(worst[index])
    count = "" if need.size == 1 else f" ({doomed} of {need.size} grid points)"
    can_raise = settable and most <= MAX_STEPS and max_steps < MAX_STEPS
    raise_max = f", or raise `max_steps` (at most {MAX_STEPS:.0e})" if can_raise else ""
    raise LzsmResourceError(
        f"{where}: {span} needs at least {most:.3g} steps{at_point(parameters, need.shape, index)}{count} "
        f"(the dynamical phase, at most pi per step), more than max_steps = {max_steps:.3g}: {shorten}{raise_max}"
    )


# --------------------------------------------------------------------------- probabilities out
#: How far outside [0, 1] rounding may push a probability; it is clipped back, beyond it an error.
PROBABILITY_SLACK = 1e-9


def probabilities(p: Any, name: str, *, fix: str, unfinished: Any = None, error_estimate: Any = None) -> np.ndarray:
    """A probability array on its way out: finite and within [0, 1] up to rounding (clipped).

    NaN stays only where ``unfinished`` (a mask broadcastable to ``p``: the points a status
    reports as not finished, or without such a state); the slack is :data:`PROBABILITY_SLACK`
    plus three times ``error_estimate`` where the method gives one (an amplitude error e moves
    a population by at most 2e + e^2).  Otherwise :class:`~lzsm.errors.LzsmNumericalError`
    naming ``name`` and ``fix`` (what to change)."""
    arr = np.asarray(p, dtype=float)
    if arr.size == 0:
        return arr
    allowed = np.zeros(arr.shape, dtype=bool) if unfinished is None else np.broadcast_to(unfinished, arr.shape)
    slack = np.full(arr.shape, PROBABILITY_SLACK)
    if error_estimate is not None:
        err = np.broadcast_to(np.asarray(error_estimate, dtype=float), arr.shape)
        slack = slack + np.where(np.isfinite(err), 3.0 * err, 0.0)
    bad = ~np.isfinite(arr) & ~allowed
    if np.any(bad):
        raise LzsmNumericalError(
            f"`{name}` is NaN or infinite at {int(np.sum(bad))} of {arr.size} values where the computation "
            f"reported success: {fix}"
        )
    with np.errstate(invalid="ignore"):
        outside = (arr < -slack) | (arr > 1.0 + slack)
    if np.any(outside):
        worst = arr[outside][np.argmax(np.abs(arr[outside] - 0.5))]
        raise LzsmNumericalError(
            f"`{name}` = {worst:.10g} lies outside [0, 1] by more than rounding at {int(np.sum(outside))} of "
            f"{arr.size} values: {fix}"
        )
    return np.clip(arr, 0.0, 1.0)


# --------------------------------------------------------------------------- names at the boundary
@contextlib.contextmanager
def named(names: Mapping[str, str]) -> Iterator[None]:
    """Errors raised inside name the parameters as the caller's user knows them: the backticked
    names of an :class:`~lzsm.errors.LzsmError` message are replaced (``\\`t_span\\``` ->
    ``\\`--t-span\\```, ``\\`tol\\``` -> ``\\`map.tol\\```); the error keeps its type and attributes."""
    try:
        yield
    except LzsmError as exc:
        if exc.args and isinstance(exc.args[0], str):
            text = re.sub(r"`([A-Za-z_][\w.=]*)`", lambda m: f"`{names.get(m.group(1), m.group(1))}`", exc.args[0])
            exc.args = (text, *exc.args[1:])
        raise
