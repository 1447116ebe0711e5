"""Calling kernels on threads (lzsm.kernels.threads): chunks in order, one kept pool, no
deadlock when a chunk itself splits work."""

from __future__ import annotations

import threading

import numba
import numpy as np
import pytest

from lzsm.kernels import threads


@pytest.fixture(autouse=True)
def two_threads():
    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("numba runs one thread here")
    before = numba.get_num_threads()
    numba.set_num_threads(2)
    yield
    numba.set_num_threads(before)


def test_chunks_come_back_in_order_and_the_pool_is_kept():
    out = threads.concatenate(lambda sl: np.arange(sl.start, sl.stop), 1000, cap=37)
    assert np.array_equal(out, np.arange(1000))
    first = threads._pool(2)
    threads.concatenate(lambda sl: np.arange(sl.start, sl.stop), 100, cap=10)
    assert threads._pool(2) is first


def test_a_chunk_that_splits_its_own_work_runs_it_in_its_thread():
    """A nested call from a kernel thread must not wait for the (busy) pool: it runs serially."""
    seen: set[str] = set()

    def inner(sl: slice) -> np.ndarray:
        seen.add(threading.current_thread().name)
        return np.arange(sl.start, sl.stop)

    def outer(sl: slice) -> np.ndarray:
        return np.array([threads.concatenate(inner, 50, cap=5).sum()] * (sl.stop - sl.start))

    out = threads.concatenate(outer, 40, cap=5)
    assert np.all(out == sum(range(50)))
    assert all(name.startswith("lzsm-kernels") for name in seen)
