"""Validation at the boundary. Every check names the argument, the accepted range, what it got,
and returns the converted value."""

from __future__ import annotations

from typing import Any

import numpy as np

from .errors import LzsmTypeError, LzsmValueError


def _describe(x: np.ndarray) -> str:
    if x.size == 1:
        return repr(x.reshape(-1)[0].item())
    return f"an array of shape {x.shape}"


def real_array(x: Any, name: str, *, positive: bool = False, nonnegative: bool = False,
               nonzero: bool = False) -> np.ndarray:
    """Finite real float array; optional sign constraints."""
    if callable(x):
        raise LzsmTypeError(f"`{name}` must be a number or an array of numbers, not a callable")
    try:
        arr = np.asarray(x)
    except Exception as exc:  # pragma: no cover - numpy accepts almost anything
        raise LzsmTypeError(f"`{name}` must be a real number or array, got {x!r}") from exc
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        if arr.dtype.kind == "c":
            raise LzsmTypeError(f"`{name}` must be real, got a complex value")
        raise LzsmTypeError(f"`{name}` must be a real number or array, got {x!r}")
    arr = arr.astype(float)
    if not np.all(np.isfinite(arr)):
        raise LzsmValueError(f"`{name}` must be finite, got {_describe(arr)} containing NaN or inf")
    if positive and np.any(arr <= 0):
        raise LzsmValueError(f"`{name}` must be > 0, got {_describe(arr[arr <= 0])}")
    if nonnegative and np.any(arr < 0):
        raise LzsmValueError(f"`{name}` must be >= 0, got {_describe(arr[arr < 0])}")
    if nonzero and np.any(arr == 0):
        raise LzsmValueError(f"`{name}` must be nonzero (its sign sets the sweep direction), got 0")
    return arr


def complex_array(x: Any, name: str) -> np.ndarray:
    """Finite complex array."""
    if callable(x):
        raise LzsmTypeError(f"`{name}` must be a number or an array of numbers, not a callable")
    arr = np.asarray(x)
    if arr.dtype == object or arr.dtype.kind not in "biufc":
        raise LzsmTypeError(f"`{name}` must be a number or array of numbers, got {x!r}")
    arr = arr.astype(complex)
    if not np.all(np.isfinite(arr)):
        raise LzsmValueError(f"`{name}` must be finite, got {_describe(arr)} containing NaN or inf")
    return arr


def positive_scalar(x: Any, name: str) -> float:
    arr = real_array(x, name, positive=True)
    if arr.ndim != 0:
        raise LzsmValueError(f"`{name}` must be a single number, got an array of shape {arr.shape}")
    return float(arr)


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
        raise LzsmValueError(
            f"`{name}` must be Hermitian: max |H - H^dagger| = {dev:.3g} exceeds {rtol:g} x max |H|")
    return h


def time_span(t_span: Any) -> tuple[float, float]:
    try:
        t0, t1 = (float(v) for v in t_span)
    except Exception:
        raise LzsmValueError(f"`t_span` must be a pair (t0, t1) of numbers, got {t_span!r}") from None
    if not (np.isfinite(t0) and np.isfinite(t1)):
        raise LzsmValueError(f"`t_span` must be finite, got ({t0}, {t1})")
    if not t1 > t0:
        raise LzsmValueError(f"`t_span` must be increasing (t0 < t1), got ({t0}, {t1})")
    return t0, t1


def choice(x: Any, name: str, options: tuple[str, ...]) -> str:
    if x not in options:
        raise LzsmValueError(f"`{name}` must be one of {', '.join(map(repr, options))}; got {x!r}")
    return x
