"""Generic options of every propagating front door: one object, one vocabulary.

Every function that integrates an equation of motion (:func:`lzsm.evolve`,
:func:`lzsm.propagator`, :func:`lzsm.transition_matrix`, :func:`lzsm.evolve_open`,
:func:`lzsm.evolve_noisy`, :func:`lzsm.dynamics.floquet`, ...) takes ``options=Options(...)`` and the
same fields as keywords (``tol=...``), which override the object.  An option that the chosen
method would ignore is an error, not a silent no-op (see :mod:`lzsm.methods`).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from lzsm._checks import MAX_TOL, MIN_TOL, tolerance
from lzsm.errors import LzsmTypeError, LzsmValueError

__all__ = ["MAX_STEPS", "MAX_TOL", "MIN_TOL", "Options", "only", "resolve_options"]
#: Largest step budget (beyond it a single point would run for hours).
MAX_STEPS = 10**9


@dataclass(frozen=True)
class Options:
    """Options of a propagation.

    Parameters
    ----------
    tol : local error tolerance per step, in [1e-14, 1]; ``None`` uses the method's default
        (e.g. 1e-10 for the Magnus integrator of :func:`lzsm.evolve`).
    max_step : largest step (time units), > 0 (``inf``: no cap).
    max_steps : step budget per parameter point; a point that needs more stops with status
        ``MAX_STEPS``.
    breakpoints : times where H(t) has a kink or a jump, so that no step straddles them (only
        needed for models given by callables; compiled drive shapes know their own kinks).
    progress : show a progress bar (``None``: only for long runs in a terminal or notebook).

    Examples
    --------
    >>> import lzsm
    >>> opts = lzsm.Options(tol=1e-8, max_step=0.5)
    >>> opts.given()  # the fields set explicitly
    {'tol': 1e-08, 'max_step': 0.5}
    >>> run = lzsm.evolve(lzsm.LandauZener(0.5, 1.0), (-20, 20), options=opts)
    >>> run.options.tol, run.options.max_step
    (1e-08, 0.5)
    """

    tol: float | None = None
    max_step: float = math.inf
    max_steps: int = 10_000_000
    breakpoints: tuple[float, ...] | None = None
    progress: bool | None = None

    def __post_init__(self) -> None:
        if self.tol is not None:
            object.__setattr__(self, "tol", tolerance(self.tol, "tol"))
        ms = self.max_step
        if isinstance(ms, bool) or not isinstance(ms, (int, float, np.integer, np.floating)) or not ms > 0:
            raise LzsmValueError(f"`max_step` must be a positive number (or inf), got {ms!r}")
        object.__setattr__(self, "max_step", float(ms))
        n = self.max_steps
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= MAX_STEPS:
            raise LzsmValueError(f"`max_steps` must be an integer in [1, {MAX_STEPS:.0e}], got {n!r}")
        object.__setattr__(self, "max_steps", int(n))
        if self.breakpoints is not None:
            try:
                bp = np.asarray(self.breakpoints, dtype=float).reshape(-1)
            except (TypeError, ValueError):
                raise LzsmTypeError(f"`breakpoints` must be a list of times, got {self.breakpoints!r}") from None
            if not np.all(np.isfinite(bp)):
                raise LzsmValueError("`breakpoints` must be finite times")
            object.__setattr__(self, "breakpoints", tuple(float(x) for x in np.unique(bp)))
        if self.progress is not None and not isinstance(self.progress, (bool, np.bool_)):
            raise LzsmTypeError(f"`progress` must be True, False or None, got {self.progress!r}")

    def replace(self, **changes: Any) -> Options:
        """A copy with some fields changed (and checked)."""
        return dataclasses.replace(self, **changes)

    def given(self) -> dict[str, Any]:
        """The fields that differ from their defaults (what the user chose)."""
        default = Options()
        return {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if getattr(self, f.name) != getattr(default, f.name)
        }

    def describe(self) -> str:
        """A short text of the chosen fields, for result attributes and reprs."""
        return ", ".join(f"{k}={v!r}" for k, v in self.given().items()) or "defaults"


def resolve_options(options: Options | None = None, **keywords: Any) -> Options:
    """``options`` (or the defaults) with every keyword that is not None applied on top."""
    if options is None:
        options = Options()
    elif not isinstance(options, Options):
        raise LzsmTypeError(f"`options` must be an lzsm.Options, got {type(options).__name__}")
    changes = {k: v for k, v in keywords.items() if v is not None}
    return options.replace(**changes) if changes else options


def only(options: Options, allowed: set[str], where: str, why: str) -> Options:
    """``options`` if it sets nothing but ``allowed`` (and ``progress``); else an error naming
    the options ``where`` does not use, and ``why``."""
    extra = sorted(set(options.given()) - set(allowed) - {"progress"})
    if extra:
        raise LzsmValueError(
            f"{where} does not use the option(s) {', '.join(map(repr, extra))} ({why}); "
            f"it honours {', '.join(sorted(set(allowed) | {'progress'}))}"
        )
    return options
