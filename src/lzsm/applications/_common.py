"""What the field modules share: options with a function's own default tolerance, one progress
bar for loops over points, status bookkeeping, and their deprecated names.

The propagating functions of the applications take ``method=`` and ``options=`` (or the
keywords ``tol``, ``progress``...) and hand them on to :func:`lzsm.evolve` /
:func:`lzsm.evolve_open`; a function that loops over parameter points shows one bar for the loop
and runs each propagation without a bar of its own.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from lzsm._progress import progress_bar
from lzsm.errors import LzsmConvergenceWarning
from lzsm.options import Options, resolve_options
from lzsm.results import SUCCESS, Status


def propagation_options(options: Options | None, default_tol: float, **keywords: Any) -> Options:
    """``options`` with the keywords that are not None applied, and ``tol`` set to the
    function's documented default when neither gives one."""
    opts = resolve_options(options, **keywords)
    return opts if opts.tol is not None else opts.replace(tol=default_tol)


def point_loop(n_points: int, options: Options, desc: str) -> tuple[Any, Options]:
    """(progress bar over ``n_points``, the options for each point's propagation: no bar of its own)."""
    bar = progress_bar(n_points, options.progress, desc=desc, auto_above=8)
    return bar, options.replace(progress=False)


def combined_status(*statuses: Any) -> np.ndarray:
    """Per point, the worst of several statuses (a failure wins over success)."""
    st = np.stack(np.broadcast_arrays(*(np.asarray(s, dtype=np.int64) for s in statuses)))
    failed = np.where(np.isin(st, [int(s) for s in SUCCESS]), -1, st).max(axis=0)
    return np.where(failed >= 0, failed, st.max(axis=0))


def warn_unfinished(status: Any, where: str, result: str) -> None:
    """An :class:`lzsm.errors.LzsmConvergenceWarning` when some points did not succeed."""
    st = np.asarray(status)
    bad = ~np.isin(st, [int(s) for s in SUCCESS])
    if np.any(bad):
        worst = Status(int(np.max(st[bad])))
        warnings.warn(
            f"{where}: {int(bad.sum())} of {st.size} points did not finish ({worst.message}); see {result}.status",
            LzsmConvergenceWarning,
            stacklevel=3,
        )


def deprecated(old: str, new: str) -> None:
    """A DeprecationWarning naming the new spelling (at the caller of the public function)."""
    warnings.warn(f"{old} is deprecated since lzsm 0.2; use {new}", DeprecationWarning, stacklevel=3)


def renamed_attributes(module: str, renamed: dict[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` serving old attribute names (old -> new) with a DeprecationWarning."""

    def __getattr__(name: str) -> Any:
        if name in renamed:
            deprecated(f"{module}.{name}", f"{module}.{renamed[name]}")
            return getattr(sys.modules[module], renamed[name])
        raise AttributeError(f"module {module!r} has no attribute {name!r}")

    return __getattr__
