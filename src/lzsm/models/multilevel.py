"""Several levels in the diabatic basis: linear sweeps ``H(t) = A + B t``, spin-j, Demkov–Osherov
and bow-tie models, and models given by any callable.

:class:`LinearSweep` takes the Hermitian ``A`` (offsets and couplings) and the diabatic slopes
``B``; :func:`spin_sweep` is a spin j in a linearly swept field (Majorana, Nuovo Cimento 9, 43
(1932)); :func:`demkov_osherov_model` one sloped level across a band of parallel ones (Demkov &
Osherov, Sov. Phys. JETP 26, 916 (1968)); :func:`bow_tie_model` all levels crossing at one
point (Carroll & Hioe, J. Phys. A 19, 1151 (1986)); :class:`NLevel` any callable
``q -> H(q)``.  Their closed forms are in :mod:`lzsm.closed_forms.multilevel`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from lzsm import _checks
from lzsm.errors import LzsmTypeError, LzsmValueError
from lzsm.kernels.drives import F_LINEAR
from lzsm.models.base import Asymptotics, KernelForm, Model, _kernel_form, crossing_width


@dataclass(frozen=True, eq=False)
class LinearSweep(Model):
    """Linear multi-level model ``H(t) = A + B t`` (docs/conventions.md, multi-level).

    ``constant`` is A: Hermitian ``(..., N, N)`` (diagonal offsets and couplings).
    ``slopes`` is B: the diabatic slopes, a vector ``(..., N)`` (B diagonal) or a Hermitian
    ``(..., N, N)`` matrix.  Leading dimensions broadcast into a parameter grid.

    Examples
    --------
    >>> import lzsm
    >>> model = lzsm.LinearSweep(constant=[[0.0, 0.5], [0.5, 0.0]], slopes=[0.5, -0.5])  # LZ, alpha = 1
    >>> lzsm.transition_matrix(model, (-200, 200)).round(4)  # P[final, initial]: P_LZ = exp(-pi/2) stays
    array([[0.2079, 0.7921],
           [0.7921, 0.2079]])
    """

    constant: ArrayLike
    slopes: ArrayLike
    hbar: float = 1.0
    coordinate: str = field(default="t", init=False)

    def __post_init__(self) -> None:
        a = _checks.hermitian(_checks.complex_array(self.constant, "constant"), "constant")
        b = _checks.complex_array(self.slopes, "slopes")
        if b.ndim >= 1 and (b.ndim == 1 or b.shape[-1] != b.shape[-2]):
            diag = b
            if np.any(diag.imag != 0):
                raise LzsmValueError("`slopes` given as a vector must be real (diabatic slopes)")
            b = np.zeros(diag.shape + (diag.shape[-1],), dtype=complex)
            idx = np.arange(diag.shape[-1])
            b[..., idx, idx] = diag
        b = _checks.hermitian(b, "slopes")
        if a.shape[-1] != b.shape[-1]:
            raise LzsmValueError(
                f"`constant` is {a.shape[-1]}x{a.shape[-1]} but `slopes` describe {b.shape[-1]} levels"
            )
        batch = _checks.broadcast({"constant": a[..., 0, 0], "slopes": b[..., 0, 0]})
        n = a.shape[-1]
        object.__setattr__(self, "constant", np.broadcast_to(a, batch + (n, n)).copy())
        object.__setattr__(self, "slopes", np.broadcast_to(b, batch + (n, n)).copy())
        object.__setattr__(self, "hbar", _checks.positive_scalar(self.hbar, "hbar"))

    # `constant` and `slopes` hold complex (..., N, N) arrays after __post_init__; np.asarray
    # returns those very arrays (no copy, no conversion)
    @property
    def n_levels(self) -> int:
        return np.asarray(self.constant).shape[-1]

    @property
    def batch_shape(self) -> tuple[int, ...]:
        return np.asarray(self.constant).shape[:-2]

    def point(self, index: tuple[int, ...]) -> LinearSweep:
        return LinearSweep(np.asarray(self.constant)[index], np.asarray(self.slopes)[index], self.hbar)

    def kernel_form(self) -> KernelForm:
        return _kernel_form(np.asarray(self.constant), np.asarray(self.slopes), F_LINEAR)

    def asymptotic_form(self) -> Asymptotics | None:
        """Known when the slopes are diagonal (diabatic) and not all equal: the core spans the
        crossing times ``t_jk = (A_kk - A_jj)/(beta_j - beta_k)`` of every pair of levels with
        different slopes, widened by the slowest crossing's duration.  Parallel levels are
        allowed (their mixing dies out as the sloped levels run away, more slowly)."""
        a = np.asarray(self.constant)
        b = np.asarray(self.slopes)
        n = self.n_levels
        off = ~np.eye(n, dtype=bool)
        if np.any(b[..., off] != 0):
            return None
        beta = np.diagonal(b, axis1=-2, axis2=-1).real
        eps = np.diagonal(a, axis1=-2, axis2=-1).real
        dbeta = beta[..., :, None] - beta[..., None, :]
        pairs = np.abs(dbeta) > 1e-12 * np.max(np.abs(beta))
        if not np.any(pairs):
            return None
        with np.errstate(divide="ignore", invalid="ignore"):
            tcross = np.where(pairs, (eps[..., None, :] - eps[..., :, None]) / np.where(pairs, dbeta, 1.0), 0.0)
        lo, hi = float(np.min(tcross[pairs])), float(np.max(tcross[pairs]))
        couple = np.max(np.abs(a[..., off]))
        w = crossing_width(couple, np.min(np.abs(dbeta[pairs])), self.hbar)
        return Asymptotics("separating", (lo - w, hi + w))

    def hamiltonian(self, q: ArrayLike) -> np.ndarray:
        t = _checks.real_array(q, "t")
        ex = (Ellipsis,) + (None,) * t.ndim + (slice(None), slice(None))
        return np.asarray(self.constant)[ex] + np.asarray(self.slopes)[ex] * t[..., None, None]

    def hamiltonian_derivative(self, q: ArrayLike) -> np.ndarray:
        t = _checks.real_array(q, "t")
        ex = (Ellipsis,) + (None,) * t.ndim + (slice(None), slice(None))
        b = np.asarray(self.slopes)
        return np.broadcast_to(b[ex], self.batch_shape + t.shape + b.shape[-2:]).copy()


@dataclass(frozen=True, eq=False)
class NLevel(Model):
    """A general N-level model from a callable ``hamiltonian(q) -> (*batch, *q.shape, N, N)``.

    The callable receives an array of coordinate values and returns Hermitian matrices; leading
    dimensions before the coordinate's are a parameter grid.  ``derivative`` (same signature)
    is optional; without it dH/dq is a fourth-order central difference.
    """

    function: Callable[[np.ndarray], np.ndarray]
    hbar: float = 1.0
    coordinate: str = "t"
    derivative: Callable[[np.ndarray], np.ndarray] | None = None

    def __post_init__(self) -> None:
        if not callable(self.function):
            raise LzsmTypeError("`function` must be a callable q -> (..., N, N) Hermitian array")
        object.__setattr__(self, "hbar", _checks.positive_scalar(self.hbar, "hbar"))
        probe = np.array([0.0, 0.5])
        try:
            out = np.asarray(self.function(probe))
        except Exception as exc:
            raise LzsmTypeError(f"`function` failed on an array of {self.coordinate} values: {exc}") from exc
        if out.ndim < 3 or out.shape[-3] != 2 or out.shape[-1] != out.shape[-2]:
            raise LzsmValueError(
                f"`function` must return shape (*batch, *q.shape, N, N); for q of shape (2,) it returned {out.shape}"
            )
        _checks.hermitian(out, "function(q)")
        object.__setattr__(self, "_batch", out.shape[:-3])
        object.__setattr__(self, "_n", out.shape[-1])

    @property
    def n_levels(self) -> int:
        return self._n  # type: ignore[attr-defined]

    @property
    def batch_shape(self) -> tuple[int, ...]:
        return self._batch  # type: ignore[attr-defined]

    def point(self, index: tuple[int, ...]) -> NLevel:
        nb = len(self.batch_shape)
        f = self.function
        d = self.derivative

        def fp(q):
            return np.asarray(f(q))[index] if nb else np.asarray(f(q))

        dp = None if d is None else (lambda q: np.asarray(d(q))[index] if nb else np.asarray(d(q)))
        return NLevel(fp, self.hbar, self.coordinate, dp)

    def hamiltonian(self, q: ArrayLike) -> np.ndarray:
        q = _checks.real_array(q, self.coordinate)
        out = np.asarray(self.function(q), dtype=complex)
        want = self.batch_shape + q.shape + (self.n_levels, self.n_levels)
        if out.shape != want:
            raise LzsmValueError(f"`function` returned shape {out.shape}, expected {want}")
        if not np.all(np.isfinite(out)):
            raise LzsmValueError("`function` returned NaN or inf")
        return out

    def hamiltonian_derivative(self, q: ArrayLike) -> np.ndarray:
        q = _checks.real_array(q, self.coordinate)
        if self.derivative is not None:
            return np.asarray(self.derivative(q), dtype=complex)
        h = (1e-4 * (1.0 + np.abs(q)))[..., None, None]
        hq = h[..., 0, 0]
        f = self.hamiltonian
        return (-f(q + 2 * hq) + 8 * f(q + hq) - 8 * f(q - hq) + f(q - 2 * hq)) / (12 * h)


# --------------------------------------------------------------------------- Demkov–Osherov
def demkov_osherov_model(
    couplings: ArrayLike,
    band_energies: ArrayLike,
    slope: float,
    *,
    sloped_offset: float = 0.0,
    band_slope: float = 0.0,
    hbar: float = 1.0,
) -> LinearSweep:
    """The Demkov–Osherov model as a :class:`lzsm.LinearSweep`: level 0 is the sloped level
    ``E_0 = sloped_offset + slope t``; levels ``1..n`` form a band of parallel levels
    ``E_k = band_energies[k-1] + band_slope t``, each coupled to level 0 only, by
    ``couplings[k-1]`` (complex allowed)."""
    g = _checks.complex_array(couplings, "couplings").reshape(-1)
    e = _checks.real_array(band_energies, "band_energies").reshape(-1)
    if g.size == 0 or g.size != e.size:
        raise LzsmValueError(
            f"`couplings` and `band_energies` must be non-empty and of equal length, got {g.size} and {e.size}"
        )
    s = _checks.real_scalar(slope, "slope")
    bs = _checks.real_scalar(band_slope, "band_slope")
    if s == bs:
        raise LzsmValueError("`slope` must differ from `band_slope` (the sloped level must cross the band)")
    n = g.size + 1
    a = np.zeros((n, n), dtype=complex)
    a[0, 0] = _checks.real_scalar(sloped_offset, "sloped_offset")
    a[0, 1:] = g
    a[1:, 0] = np.conj(g)
    a[np.arange(1, n), np.arange(1, n)] = e
    return LinearSweep(a, np.r_[s, np.full(n - 1, bs)], hbar)


# --------------------------------------------------------------------------- bow-tie
def bow_tie_model(couplings: ArrayLike, slopes: ArrayLike, *, hbar: float = 1.0) -> LinearSweep:
    """The bow-tie model as a :class:`lzsm.LinearSweep`: level 0 is flat (``E_0 = 0``); levels
    ``1..n`` have ``E_k = slopes[k-1] t`` (all lines cross at t = 0) and couple only to level 0,
    by ``couplings[k-1]`` (complex allowed)."""
    g = _checks.complex_array(couplings, "couplings").reshape(-1)
    b = _checks.real_array(slopes, "slopes", nonzero=True).reshape(-1)
    if g.size == 0 or g.size != b.size:
        raise LzsmValueError(
            f"`couplings` and `slopes` must be non-empty and of equal length, got {g.size} and {b.size}"
        )
    n = g.size + 1
    a = np.zeros((n, n), dtype=complex)
    a[0, 1:] = g
    a[1:, 0] = np.conj(g)
    return LinearSweep(a, np.r_[0.0, b], hbar)


# --------------------------------------------------------------------------- Majorana spin j
#: The largest spin j of :func:`spin_matrices` and the Majorana formulas (matrices 2j + 1 square).
MAX_SPIN = 2000


def _two_j(j: Any) -> int:
    try:
        tj = 2 * float(j)
    except (TypeError, ValueError):
        raise LzsmTypeError(f"`j` must be a spin quantum number (0, 1/2, 1, 3/2, ...), got {j!r}") from None
    if not math.isfinite(tj) or tj < 0 or abs(tj - round(tj)) > 1e-12 or tj > 2 * MAX_SPIN:
        raise LzsmValueError(f"`j` must be an integer or half-integer in [0, {MAX_SPIN}], got {j!r}")
    return round(tj)


def spin_matrices(j: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Spin matrices ``(J_x, J_y, J_z)`` (units of hbar) in the basis ``m = j, j-1, ..., -j``
    (index 0 is m = j): ``J_z = diag(m)``, ``<m+1|J_+|m> = sqrt(j(j+1) - m(m+1))``."""
    tj = _two_j(j)
    jj = tj / 2
    m = jj - np.arange(tj + 1)
    jp = np.zeros((tj + 1, tj + 1), dtype=complex)
    for k in range(1, tj + 1):  # |m_k> -> |m_{k-1}> = |m_k + 1>
        jp[k - 1, k] = math.sqrt(jj * (jj + 1) - m[k] * (m[k] + 1))
    jm = jp.conj().T
    return 0.5 * (jp + jm), -0.5j * (jp - jm), np.diag(m).astype(complex)


def spin_sweep(j: float, coupling: complex, sweep_rate: float, *, hbar: float = 1.0) -> LinearSweep:
    """Spin j in a linearly swept field: ``H(t) = alpha t J_z + 2 Re(V) J_x - 2 Im(V) J_y``.

    For j = 1/2 this is the Landau–Zener model of docs/conventions.md, ``[[alpha t/2, V], [conj V,
    -alpha t/2]]``.  Levels are ``m = j, ..., -j`` (index 0 is m = j) with slopes ``m alpha``;
    neighbours couple by ``V sqrt(j(j+1) - m(m+1))``.

    Examples
    --------
    >>> import lzsm
    >>> model = lzsm.spin_sweep(1, coupling=0.5, sweep_rate=1.0)  # levels m = 1, 0, -1
    >>> model.slopes.diagonal().real  # m alpha
    array([ 1.,  0., -1.])
    >>> lzsm.transition_matrix(model, (-100, 100)).round(4)  # = lzsm.majorana_transition_matrix(1, 0.5, 1.0)
    array([[0.0432, 0.3293, 0.6275],
           [0.3293, 0.3413, 0.3293],
           [0.6275, 0.3293, 0.0432]])
    """
    v = _checks.complex_scalar(coupling, "coupling")
    a = _checks.real_scalar(sweep_rate, "sweep_rate", nonzero=True)
    jx, jy, jz = spin_matrices(j)
    return LinearSweep(2 * v.real * jx - 2 * v.imag * jy, a * jz, hbar)
