"""Validation at the boundary, one module for every front door.

Every check names the argument, the accepted range and what it got, and returns the converted
value: numbers and arrays, Hermitian matrices, choices, the time window and saved times, the
model-is-in-time check, and the one grammar of initial states (:func:`initial_state`) shared by
every propagating function.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .errors import LzsmTypeError, LzsmValueError


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


def times(t_span: Any, t_eval: Any = None) -> np.ndarray:
    """The saved times: ``t_eval`` (strictly increasing, inside ``t_span``) with t0 and t1
    always included; ``[t0, t1]`` when ``t_eval`` is None."""
    t0, t1 = time_span(t_span)
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
