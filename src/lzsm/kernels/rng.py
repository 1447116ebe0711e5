"""The random numbers of the stochastic kernels, in one place.

xoshiro256** (Blackman & Vigna, ACM TOMS 47, 36 (2021)), one generator per stream, its
256-bit state filled by SplitMix64 from a hash of (two 64-bit seed words, stream index), so a
stream depends only on (seed, index), never on chunking or on the number of threads.
Uniforms ``(k + 1/2) 2^-53`` in (0, 1); normals by Box–Muller; exponentials ``-ln u``.

Used by :mod:`lzsm.kernels.noise` (one stream per trajectory) and
:mod:`lzsm.kernels.surface_hopping` (one per momentum and trajectory).  The Python side
turns a user's seed into the two words with :func:`seed_words`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numba import njit

from lzsm.errors import LzsmValueError

_TWO_PI = 2.0 * math.pi

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_U5 = np.uint64(5)
_U9 = np.uint64(9)
_U7 = np.uint64(7)
_U11 = np.uint64(11)
_U17 = np.uint64(17)
_U27 = np.uint64(27)
_U30 = np.uint64(30)
_U31 = np.uint64(31)
_U45 = np.uint64(45)
_U57 = np.uint64(57)
_U64 = np.uint64(64)
_U53 = np.uint64(53)
_INV53 = 2.0**-53


# ----------------------------------------------------------------------------- compiled
@njit(cache=True, nogil=True)
def _mix64(z):
    z = (z ^ (z >> _U30)) * _MIX1
    z = (z ^ (z >> _U27)) * _MIX2
    return z ^ (z >> _U31)


@njit(cache=True, nogil=True)
def _rotl(x, k):
    return (x << k) | (x >> (_U64 - k))


@njit(cache=True, nogil=True)
def _seed_state(seed0, seed1, index):
    """xoshiro256** state for stream ``index`` (SplitMix64 from a hash of the seed and index)."""
    st = np.empty(4, dtype=np.uint64)
    x = _mix64(seed0 ^ _mix64(np.uint64(index) + seed1))
    for i in range(4):
        x = x + _GOLDEN
        st[i] = _mix64(x)
    return st


@njit(cache=True, nogil=True)
def _next(st):
    result = _rotl(st[1] * _U5, _U7) * _U9
    t = st[1] << _U17
    st[2] ^= st[0]
    st[3] ^= st[1]
    st[1] ^= st[2]
    st[0] ^= st[3]
    st[2] ^= t
    st[3] = _rotl(st[3], _U45)
    return result


@njit(cache=True, nogil=True)
def _uniform(st):
    """Uniform in the open interval (0, 1)."""
    return (float(_next(st) >> _U11) + 0.5) * _INV53


@njit(cache=True, nogil=True)
def _normal_pair(st):
    r = math.sqrt(-2.0 * math.log(_uniform(st)))
    phi = _TWO_PI * _uniform(st)
    return r * math.cos(phi), r * math.sin(phi)


@njit(cache=True, nogil=True)
def _waiting_time(st, rate):
    if rate <= 0.0:
        return math.inf
    return -math.log(_uniform(st)) / rate


# ----------------------------------------------------------------------------- Python side
def seed_words(seed: Any, *, allow_none: bool = False) -> tuple[int, np.uint64, np.uint64]:
    """Check a user's seed and turn it into the two words of :func:`_seed_state`:
    ``(seed, word0, word1)`` (NumPy's ``SeedSequence(seed)``, two 64-bit words).

    ``seed`` must be a non-negative integer; with ``allow_none``, None draws a fresh seed
    from the operating system (returned, so that results record it)."""
    if seed is None and allow_none:
        entropy = np.random.SeedSequence().entropy
        assert isinstance(entropy, int)  # drawn from the OS when no entropy is given: a Python int
        seed = entropy
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise LzsmValueError(f"`seed` must be a non-negative integer{' or None' if allow_none else ''}, got {seed!r}")
    words = np.random.SeedSequence(int(seed)).generate_state(2, dtype=np.uint64)
    return int(seed), np.uint64(words[0]), np.uint64(words[1])
