"""Calling the kernels from Python: one argument type each, many points on many threads.

The batch kernels loop over parameter points (or trajectories) on one thread and release the
GIL (``nogil``).  Parallelism comes from here: :func:`run_chunks` splits a batch into chunks
and runs them on as many Python threads as numba would use (``numba.get_num_threads()``, so
``numba.set_num_threads`` and ``NUMBA_NUM_THREADS`` apply), one chunk per call, results in
order.  A kernel is therefore compiled once, not as a ``parallel=True`` function (whose parfor
lowering costs compile time of its own and spins idle worker threads on small batches) plus a
serial twin; and every point runs the same code whatever the chunking, so results do not depend
on the number of threads.

While kernels run, BLAS/LAPACK (the OpenBLAS of NumPy and SciPy, which numba's ``np.linalg``
calls) is held to one thread: the kernels' matrices are small (N <= a few hundred), they are
already spread over threads here, and OpenBLAS threads that spin-wait for a busy core slow a
propagation down by 3x with one competing process and by 30x or more under load (measured: the
50-level spin-boson sweep, 4 s alone, 12 s next to one busy process, 220 s under a parallel test
run).

Every array handed to a kernel goes through :func:`arg`: C-contiguous, writable and of one
dtype, so that each kernel has one compiled specialisation (numba types read-only and
non-contiguous arrays, e.g. views from ``np.broadcast_to``, separately).
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from typing import Any

import numba
import numpy as np


def arg(x: Any, dtype: Any) -> np.ndarray:
    """``x`` as a C-contiguous, writable array of ``dtype`` (copied only when needed)."""
    a = np.ascontiguousarray(x, dtype=dtype)
    return a if a.flags.writeable else a.copy()


def chunks(n: int, cap: int, workers: int | None = None) -> list[slice]:
    """Consecutive slices covering range(n): at most ``cap`` long, and about four per worker
    thread when there are more points than that (so that uneven points balance out)."""
    workers = numba.get_num_threads() if workers is None else workers
    size = max(1, min(cap, math.ceil(n / (4 * workers)) if workers > 1 else cap))
    return [slice(s, min(n, s + size)) for s in range(0, n, size)] or [slice(0, 0)]


_CONTROLLER: Any = None


def single_threaded_blas() -> AbstractContextManager[Any]:
    """A context in which NumPy's and SciPy's BLAS/LAPACK use one thread (threadpoolctl)."""
    global _CONTROLLER
    if _CONTROLLER is None:
        import scipy.linalg  # noqa: F401  (load SciPy's OpenBLAS, which numba's np.linalg calls)
        from threadpoolctl import ThreadpoolController

        _CONTROLLER = ThreadpoolController()
    return _CONTROLLER.limit(limits=1, user_api="blas")


_POOLS: dict[tuple[int, int], ThreadPoolExecutor] = {}
_POOLS_LOCK = threading.Lock()  # callers on several threads (Dask's) share the pools
_PREFIX = "lzsm-kernels"


def _pool(workers: int) -> ThreadPoolExecutor:
    """The kernel threads: one pool per process and thread count (numba's count is per calling
    thread), kept between calls: starting the threads anew cost about 1 ms per call, 1.5 % of a
    64 x 64 map.  A forked child (whose copy of a pool has no threads) gets its own."""
    key = (os.getpid(), workers)
    with _POOLS_LOCK:
        if key not in _POOLS:
            _POOLS[key] = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=_PREFIX)
        return _POOLS[key]


def run_chunks(call: Callable[[slice], Any], n: int, cap: int) -> Iterator[tuple[slice, Any]]:
    """``(sl, call(sl))`` for the slices of :func:`chunks`, in order, computed on
    ``numba.get_num_threads()`` threads (in this thread when that is 1, when there is one
    chunk, or when this is already a kernel thread), with BLAS held to one thread."""
    workers = numba.get_num_threads()
    slices = chunks(n, cap, workers)
    with single_threaded_blas():
        nested = threading.current_thread().name.startswith(_PREFIX)
        if workers == 1 or len(slices) == 1 or nested:
            for sl in slices:
                yield sl, call(sl)
            return
        yield from zip(slices, _pool(workers).map(call, slices))


def concatenate(call: Callable[[slice], np.ndarray], n: int, cap: int = 1 << 30, axis: int = 0) -> np.ndarray:
    """``call(sl)`` over the chunks of :func:`run_chunks`, concatenated along ``axis`` (one
    call when there is one chunk)."""
    parts = [out for _, out in run_chunks(call, n, cap)]
    return parts[0] if len(parts) == 1 else np.concatenate(parts, axis=axis)
