"""Superadiabatic frames of ``H(t)`` on a Chebyshev panel: the numerics of infinite windows.

Berry's iteration (M. V. Berry, Proc. R. Soc. A 429, 61 (1990); R. Lim & M. V. Berry,
J. Phys. A 24, 3255 (1991)): with ``H_0 = H`` and ``U_k`` the unitary that diagonalises ``H_k``
(``U_k^+ H_k U_k = D_k``), the amplitudes ``c_{k+1} = (U_0 ... U_k)^+ psi`` obey
``i hbar dc/dt = H_{k+1} c`` with

.. math::  H_{k+1} = D_k - i\\hbar\\, U_k^\\dagger\\, \\dot U_k .

Far from every crossing the off-diagonal part of ``H_{k+1}`` falls off with k like a power of
``hbar |dH/dt| / gap^2`` (an asymptotic series): in the frame of order n the populations are
conserved up to the rotation that would diagonalise ``H_{n+1}``, whose size is the error
estimate returned here.

The time derivatives come from the Chebyshev differentiation matrix on the panel's
Chebyshev–Lobatto nodes (L. N. Trefethen, *Spectral Methods in MATLAB*, SIAM 2000, ch. 6);
quadrature over the panel is Clenshaw–Curtis on the same nodes (Trefethen, ch. 12).  Both
converge geometrically for the analytic H of the models (their singularities lie at the
complex crossing times, far from a tail panel ``[a, 2a]``).

Gauge: the columns of ``U_0`` have their largest diabatic component (chosen once per panel, at
the middle node) real and positive; those of ``U_k`` (k >= 1) have a real positive diagonal.
The rule is pointwise, so adjacent panels share the gauge, and any Berry connection it leaves
enters ``H_{k+1}`` (its diagonal) and hence the phases.
"""

from __future__ import annotations

import itertools
import math
from functools import lru_cache

import numpy as np
from numba import njit

__all__ = ["chebyshev", "diagonalise", "frames", "interpolation_matrix"]

#: Nodes per panel (odd: the middle node is the panel's centre).
N_NODES = 17


@lru_cache(maxsize=8)
def chebyshev(m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Chebyshev–Lobatto nodes ``x_j = cos(pi j/(m-1))`` on [-1, 1] (descending), the
    differentiation matrix D (``f'(x_i) ~ sum_j D_ij f(x_j)``) and the Clenshaw–Curtis weights."""
    n = m - 1
    j = np.arange(m)
    x = np.cos(np.pi * j / n)
    c = np.where((j == 0) | (j == n), 2.0, 1.0) * (-1.0) ** j
    dx = x[:, None] - x[None, :]
    d = np.outer(c, 1.0 / c) / (dx + np.eye(m))
    d -= np.diag(d.sum(axis=1))
    # Clenshaw–Curtis weights (Trefethen, clencurt.m)
    theta = np.pi * j / n
    w = np.zeros(m)
    v = np.ones(n - 1)
    if n % 2 == 0:
        w[0] = w[n] = 1.0 / (n**2 - 1)
        for k in range(1, n // 2):
            v -= 2.0 * np.cos(2 * k * theta[1:-1]) / (4 * k**2 - 1)
        v -= np.cos(n * theta[1:-1]) / (n**2 - 1)
    else:
        w[0] = w[n] = 1.0 / n**2
        for k in range(1, (n - 1) // 2 + 1):
            v -= 2.0 * np.cos(2 * k * theta[1:-1]) / (4 * k**2 - 1)
    w[1:-1] = 2.0 * v / n
    for arr in (x, d, w):
        arr.setflags(write=False)
    return x, d, w


def _eigh2(h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eigen-decomposition of Hermitian 2 x 2 matrices in closed form (ascending energies),
    accurate when the off-diagonal element is tiny next to the diagonal splitting."""
    a = h[..., 0, 0].real
    d = h[..., 1, 1].real
    c = h[..., 0, 1]
    m = 0.5 * (a + d)
    z = 0.5 * (a - d)
    ac = np.abs(c)
    r = np.hypot(z, ac)
    th = 0.5 * np.arctan2(ac, z)
    ph = np.exp(-1j * np.angle(c))
    cs, sn = np.cos(th), np.sin(th)
    e = np.stack([m - r, m + r], axis=-1)
    u = np.empty(h.shape, dtype=complex)
    u[..., 0, 0] = -sn
    u[..., 1, 0] = cs * ph
    u[..., 0, 1] = cs
    u[..., 1, 1] = sn * ph
    return e, u


def diagonalise(h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ascending eigenvalues and eigenvectors (columns) of Hermitian matrices ``(..., N, N)``."""
    if h.shape[-1] == 2:
        return _eigh2(h)
    return np.linalg.eigh(h)


def _fix_columns(u: np.ndarray, pivot: np.ndarray) -> np.ndarray:
    """Make component ``pivot[..., k]`` of column k real and positive at every node.

    ``u``: ``(..., m, N, N)``; ``pivot``: ``(..., N)`` row indices (shared by the m nodes)."""
    comp = np.take_along_axis(u, pivot[..., None, None, :], axis=-2)  # (..., m, 1, N)
    mag = np.abs(comp)
    phase = np.where(mag > 0, np.conj(comp) / np.where(mag > 0, mag, 1.0), 1.0)
    return u * phase


def _mm(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b`` for stacks of small matrices: a sum of N outer products, which NumPy does several
    times faster than its matmul loop over many 2 x 2 or 3 x 3 matrices."""
    n = a.shape[-1]
    if n > 4:
        return a @ b
    out = a[..., :, 0, None] * b[..., None, 0, :]
    for k in range(1, n):
        out = out + a[..., :, k, None] * b[..., None, k, :]
    return out


def _derivative(f: np.ndarray, d: np.ndarray, scale: float | np.ndarray) -> np.ndarray:
    """d f / dt along the node axis (-3) of ``(..., m, N, N)``."""
    flat = f.reshape(f.shape[:-2] + (f.shape[-2] * f.shape[-1],))  # (..., m, N^2): one matmul
    return (d @ flat).reshape(f.shape) * scale


def frames(
    h: np.ndarray, a: float | np.ndarray, b: float | np.ndarray, order: int, hbar: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The superadiabatic frame of order ``order`` at the Chebyshev nodes of ``[a, b]``.

    ``h``: ``H(t_j)`` at the panel's nodes ``t_j = (a + b)/2 - (b - a)/2 x_j`` (:func:`nodes`),
    shape ``(..., m, N, N)``.  Several panels go in one call when ``a`` and ``b`` are arrays of
    shape ``(P,)`` and ``h`` has the panel axis before the node axis, ``(..., P, m, N, N)``.
    Returns ``(energies, frame, residual, pivots)`` as :func:`frames_numpy` does; two levels go
    through the compiled :func:`_frames_two_level` (the same arithmetic, one grid point and
    panel after the other), more levels through :func:`frames_numpy`."""
    if h.shape[-1] != 2:
        return frames_numpy(h, a, b, order, hbar)
    m = h.shape[-3]
    _, dmat, _ = chebyshev(m)
    scale = -2.0 / (np.asarray(b, dtype=float) - np.asarray(a, dtype=float))
    lead = h.shape[:-3]
    # a fresh writable copy: a read-only view (what broadcasting returns) would be a second
    # signature for numba to compile
    scale_x = np.array(np.broadcast_to(scale, lead).reshape(-1), dtype=float)
    hx = np.ascontiguousarray(h, dtype=np.complex128).reshape((-1, m, 2, 2))
    e, w, res, piv = _frames_two_level(hx, dmat, scale_x, int(order), float(hbar))
    res = np.where(resolved(h).reshape(-1)[:, None], res, np.inf)
    return (
        e.reshape(lead + (m, 2)),
        w.reshape(lead + (m, 2, 2)),
        res.reshape(lead + (m,)),
        piv.reshape(lead + (2,)),
    )


def frames_numpy(
    h: np.ndarray, a: float | np.ndarray, b: float | np.ndarray, order: int, hbar: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The superadiabatic frame of order ``order`` at the Chebyshev nodes of ``[a, b]``.

    ``h``: ``H(t_j)`` at the panel's nodes ``t_j = (a + b)/2 - (b - a)/2 x_j`` (:func:`nodes`),
    shape ``(..., m, N, N)``.  Several panels go in one call when ``a`` and ``b`` are arrays of
    shape ``(P,)`` and ``h`` has the panel axis before the node axis, ``(..., P, m, N, N)``.
    Returns ``(energies, frame, residual, pivots)``: the diagonal of
    ``H_{order+1}`` (``(..., m, N)``; the populations' phases advance by its integral), the
    unitary ``W = U_0 U_1 ... U_order`` (``(..., m, N, N)``; columns are the frame's states in
    the diabatic basis), the size of the rotation that would diagonalise ``H_{order+1}`` at
    every node (``(..., m)``; the largest ``|(H_{order+1})_{jk}| / |E_j - E_k|``), and the
    diabatic component that dominates each state (``(..., N)``)."""
    m = h.shape[-3]
    _, dmat, _ = chebyshev(m)
    scale: float | np.ndarray = -2.0 / (
        np.asarray(b, dtype=float) - np.asarray(a, dtype=float)
    )  # t = (a+b)/2 - (b-a)/2 x
    if np.ndim(scale):
        scale = np.asarray(scale)[:, None, None, None]  # per panel, over (m, N, N)
    unresolved = ~resolved(h)
    n = h.shape[-1]
    e, u = diagonalise(h)
    pivot = np.argmax(np.abs(u[..., m // 2, :, :]), axis=-2)  # (..., N)
    u = _fix_columns(u, pivot)
    w = u
    off = ~np.eye(n, dtype=bool)
    for k in range(order + 1):
        du = _derivative(u, dmat, scale)
        kmat = _mm(np.conj(np.swapaxes(u, -1, -2)), du)
        kmat = 0.5 * (kmat - np.conj(np.swapaxes(kmat, -1, -2)))  # anti-Hermitian part
        hk = -1j * hbar * kmat
        idx = np.arange(n)
        hk[..., idx, idx] += e
        if k == order:
            diag = hk[..., idx, idx].real
            gaps = np.abs(diag[..., :, None] - diag[..., None, :])
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.where(off, np.abs(hk) / np.where(off, gaps, 1.0), 0.0)
            residual = np.max(ratio, axis=(-1, -2))
            residual = np.where(unresolved[..., None], np.inf, residual)
            return diag, w, residual, pivot
        e, u = diagonalise(hk)
        diag_u = np.diagonal(u, axis1=-2, axis2=-1)[..., None, :]  # column k's own component
        mag = np.abs(diag_u)
        u = u * np.where(mag > 0, np.conj(diag_u) / np.where(mag > 0, mag, 1.0), 1.0)
        w = _mm(w, u)
    raise AssertionError("unreachable")  # pragma: no cover


@njit(cache=True, nogil=True)
def _eig2(h00, h11, h01):  # pragma: no cover - compiled
    """Ascending eigen-decomposition of the Hermitian [[h00, h01], [conj(h01), h11]] in closed
    form (the columns as :func:`_eigh2` gives them, with ``cos th``, ``sin th`` of the mixing
    angle ``th = atan2(|h01|, z) / 2`` from square roots: the larger of the two from
    ``(1 +- z/r)/2``, the smaller from ``sin th cos th = |h01| / (2 r)``, accurate for tiny
    ``|h01|``)."""
    m = 0.5 * (h00 + h11)
    z = 0.5 * (h00 - h11)
    ac = abs(h01)
    r = math.hypot(z, ac)
    if r == 0.0:
        cs, sn = 1.0, 0.0
    elif z >= 0.0:
        cs = math.sqrt((r + z) / (2.0 * r))
        sn = ac / (2.0 * r * cs)
    else:
        sn = math.sqrt((r - z) / (2.0 * r))
        cs = ac / (2.0 * r * sn)
    ph = h01.conjugate() / ac if ac > 0 else 1.0 + 0j
    return m - r, m + r, -sn + 0j, cs * ph, cs + 0j, sn * ph


@njit(cache=True, nogil=True)
def _frames_two_level(h, dmat, scale, order, hbar):  # pragma: no cover - compiled
    """:func:`frames_numpy` for two levels, compiled: ``h`` ``(X, m, 2, 2)`` (X: grid points
    times panels), ``scale`` ``(X,)`` = d x / d t.  Returns energies ``(X, m, 2)``, frames
    ``(X, m, 2, 2)``, residuals ``(X, m)`` and pivots ``(X, 2)`` (before the resolution check)."""
    nx, m = h.shape[0], h.shape[1]
    e_out = np.empty((nx, m, 2))
    w_out = np.empty((nx, m, 2, 2), dtype=np.complex128)
    r_out = np.empty((nx, m))
    p_out = np.empty((nx, 2), dtype=np.int64)
    e = np.empty((m, 2))
    u = np.empty((m, 2, 2), dtype=np.complex128)
    du = np.empty((m, 2, 2), dtype=np.complex128)
    w = np.empty((m, 2, 2), dtype=np.complex128)
    hk = np.empty((m, 2, 2), dtype=np.complex128)
    for x in range(nx):
        for j in range(m):
            e0, e1, u00, u10, u01, u11 = _eig2(h[x, j, 0, 0].real, h[x, j, 1, 1].real, h[x, j, 0, 1])
            e[j, 0], e[j, 1] = e0, e1
            u[j, 0, 0], u[j, 1, 0], u[j, 0, 1], u[j, 1, 1] = u00, u10, u01, u11
        mid = m // 2
        for k in range(2):  # pivot: the dominant diabatic component of each state at the centre
            p_out[x, k] = 0 if abs(u[mid, 0, k]) >= abs(u[mid, 1, k]) else 1
        for j in range(m):
            for k in range(2):
                c = u[j, p_out[x, k], k]
                mag = abs(c)
                if mag > 0:
                    f = c.conjugate() / mag
                    u[j, 0, k] *= f
                    u[j, 1, k] *= f
        w[:] = u
        for order_k in range(order + 1):
            for i in range(m):  # du = D u * scale
                for a in range(2):
                    for b in range(2):
                        acc = 0j
                        for j in range(m):
                            acc += dmat[i, j] * u[j, a, b]
                        du[i, a, b] = acc * scale[x]
            for j in range(m):
                for a in range(2):  # K = u^+ du, its anti-Hermitian part, hk = -i hbar K + diag(e)
                    for b in range(2):
                        hk[j, a, b] = u[j, 0, a].conjugate() * du[j, 0, b] + u[j, 1, a].conjugate() * du[j, 1, b]
                k01 = 0.5 * (hk[j, 0, 1] - hk[j, 1, 0].conjugate())
                k00 = 1j * hk[j, 0, 0].imag
                k11 = 1j * hk[j, 1, 1].imag
                hk[j, 0, 0] = -1j * hbar * k00 + e[j, 0]
                hk[j, 1, 1] = -1j * hbar * k11 + e[j, 1]
                hk[j, 0, 1] = -1j * hbar * k01
                hk[j, 1, 0] = hk[j, 0, 1].conjugate()
            if order_k == order:
                for j in range(m):
                    d0, d1 = hk[j, 0, 0].real, hk[j, 1, 1].real
                    e_out[x, j, 0], e_out[x, j, 1] = d0, d1
                    gap = abs(d0 - d1)
                    r_out[x, j] = abs(hk[j, 0, 1]) / gap if gap > 0 else np.inf
                w_out[x] = w
                break
            for j in range(m):
                e0, e1, u00, u10, u01, u11 = _eig2(hk[j, 0, 0].real, hk[j, 1, 1].real, hk[j, 0, 1])
                e[j, 0], e[j, 1] = e0, e1
                # gauge: the diagonal real and positive
                f0 = u00.conjugate() / abs(u00) if abs(u00) > 0 else 1.0 + 0j
                f1 = u11.conjugate() / abs(u11) if abs(u11) > 0 else 1.0 + 0j
                u[j, 0, 0], u[j, 1, 0] = u00 * f0, u10 * f0
                u[j, 0, 1], u[j, 1, 1] = u01 * f1, u11 * f1
                w00 = w[j, 0, 0] * u[j, 0, 0] + w[j, 0, 1] * u[j, 1, 0]
                w01 = w[j, 0, 0] * u[j, 0, 1] + w[j, 0, 1] * u[j, 1, 1]
                w10 = w[j, 1, 0] * u[j, 0, 0] + w[j, 1, 1] * u[j, 1, 0]
                w11 = w[j, 1, 0] * u[j, 0, 1] + w[j, 1, 1] * u[j, 1, 1]
                w[j, 0, 0], w[j, 0, 1], w[j, 1, 0], w[j, 1, 1] = w00, w01, w10, w11
    return e_out, w_out, r_out, p_out


@lru_cache(maxsize=8)
def _coefficients(m: int) -> np.ndarray:
    """``(m, m)``: Chebyshev coefficients ``c_k`` from values at the Chebyshev–Lobatto nodes."""
    x, _, _ = chebyshev(m)
    k = np.arange(m)
    basis = np.cos(np.outer(k, np.arccos(np.clip(x, -1, 1))))  # T_k(x_j)
    w = np.where((k == 0) | (k == m - 1), 0.5, 1.0)
    out = basis * w[None, :] * (2.0 / (m - 1))
    out.setflags(write=False)
    return out


#: A panel resolves H when its last Chebyshev coefficients are below this fraction of |H|.
RESOLUTION = 1e-13


def resolved(h: np.ndarray) -> np.ndarray:
    """Per grid point: is H on the panel's nodes (``(..., m, N, N)``) a polynomial of the panel's
    degree to ``RESOLUTION`` (its last three Chebyshev coefficients negligible)?  If not, the
    derivatives of the frames are not to be trusted (H oscillates, or a singularity is near)."""
    flat = h.reshape(h.shape[:-2] + (h.shape[-2] * h.shape[-1],))
    coef = _coefficients(h.shape[-3]) @ flat  # (..., k, N^2)
    size = np.max(np.abs(h), axis=(-3, -2, -1))
    last = np.max(np.abs(coef[..., -3:, :]), axis=(-2, -1))
    return last <= RESOLUTION * np.maximum(size, np.finfo(float).tiny)


def nodes(a: float | np.ndarray, b: float | np.ndarray, m: int = N_NODES) -> np.ndarray:
    """The panel's Chebyshev–Lobatto nodes in time, ascending (``t_0 = a``, ``t_{m-1} = b``);
    arrays ``a``, ``b`` of shape ``(P, 1)`` give the nodes of P panels, ``(P, m)``."""
    x, _, _ = chebyshev(m)
    return 0.5 * (a + b) - 0.5 * (b - a) * x


def interpolation_matrix(a: float, b: float, targets: np.ndarray, m: int = N_NODES) -> np.ndarray:
    """``(len(targets), m)``: values at the times ``targets`` (within the panel from a to b) of
    the polynomial through values at the panel's nodes (:func:`nodes`), by the barycentric
    formula with the Chebyshev–Lobatto weights ``(-1)^j``, halved at the ends (J.-P. Berrut &
    L. N. Trefethen, SIAM Rev. 46, 501 (2004), eq. 5.2)."""
    x, _, _ = chebyshev(m)
    xt = ((a + b) - 2.0 * np.asarray(targets, dtype=float)) / (b - a)  # t = (a+b)/2 - (b-a)/2 x
    w = (-1.0) ** np.arange(m)
    w[0] *= 0.5
    w[-1] *= 0.5
    diff = xt[:, None] - x[None, :]
    exact = diff == 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        c = w[None, :] / diff
        out = c / np.sum(c, axis=1, keepdims=True)
    hit = np.any(exact, axis=1)
    out[hit] = exact[hit].astype(float)
    return out


def integral_weights(a: float, b: float, m: int = N_NODES) -> np.ndarray:
    """Clenshaw–Curtis weights for the nodes of :func:`nodes` (ascending order)."""
    _, _, w = chebyshev(m)
    return 0.5 * (b - a) * w


def panels(t_from: float, t_to: float, ratio: float = 2.0, cut: tuple[float, ...] = ()) -> list[tuple[float, float]]:
    """Panels from ``t_from`` to ``t_to`` (same sign, ``|t|`` growing or shrinking) whose ends
    differ by at most the factor ``ratio`` in ``|t|``, with every time of ``cut`` as an end."""
    sgn = 1.0 if t_from > 0 or t_to > 0 else -1.0
    lo, hi = sorted((abs(t_from), abs(t_to)))
    ends = [lo]
    inner = sorted(abs(c) for c in cut if lo < abs(c) < hi)
    for stop in [*inner, hi]:
        while ends[-1] * ratio < stop:
            k = math.ceil(math.log(stop / ends[-1]) / math.log(ratio))
            ends.append(ends[-1] * (stop / ends[-1]) ** (1.0 / k))
            if len(ends) > 10_000:  # pragma: no cover - guarded by the callers' window checks
                raise RuntimeError("too many panels")
        if ends[-1] < stop:
            ends.append(stop)
    out = [(sgn * x, sgn * y) for x, y in itertools.pairwise(ends)]
    if abs(t_from) > abs(t_to):
        out = [(y, x) for x, y in reversed(out)]
    return out
