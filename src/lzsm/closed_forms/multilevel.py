"""Linear multi-level sweeps ``H(t) = A + B t``: exact transition matrices and closed forms.

Conventions (``docs/conventions.md``): diabatic basis, ``B`` diagonal (diabatic slopes ``beta_j =
B_jj``), ``A`` Hermitian (offsets ``A_jj`` and couplings ``A_jk``), ``hbar`` explicit (default 1).
Diabatic level j is the line ``E_j(t) = A_jj + beta_j t``; levels j and k cross at
``t_jk = -(A_jj - A_kk)/(beta_j - beta_k)``.  A pairwise Landau–Zener crossing with coupling
``A_jk`` and slope difference ``beta_j - beta_k`` has

.. math::  p_{jk} = \\exp\\left(-\\frac{2\\pi |A_{jk}|^2}{\\hbar |\\beta_j - \\beta_k|}\\right),

the probability to keep the diabatic state (``P_LZ`` of docs/conventions.md with ``alpha = beta_j - beta_k``).

**Transition matrices** are indexed ``P[final, initial]`` over the diabatic levels in the
model's order: ``P[f, i]`` is the probability to end (t -> +inf) in diabatic level f after
starting (t -> -inf) in diabatic level i.  Columns sum to one.

Contents
--------
* :func:`transition_matrix` — exact, by propagation (:func:`lzsm.propagator`) over a finite
  window, read in the asymptotic (adiabatic-projection) or the raw diabatic picture.
* :func:`brundobler_elser_p_diabatic_stay` — survival of a level with extremal slope
  (Brundobler & Elser, J. Phys. A 26, 1211 (1993)).
* :func:`demkov_osherov_model`, :func:`demkov_osherov_transition_matrix` — one sloped level
  across a band of parallel levels (Demkov & Osherov, Sov. Phys. JETP 26, 916 (1968)).
* :func:`bow_tie_model`, :func:`bow_tie_transition_matrix` — all levels crossing at one point,
  one of them coupled to all others (Carroll & Hioe, J. Phys. A 19, 1151 (1986); Ostrovsky &
  Nakamura, J. Phys. A 30, 6939 (1997)).
* :func:`lzsm.models.spin_matrices`, :func:`spin_sweep`, :func:`wigner_small_d`,
  :func:`majorana_transition_matrix` — a spin j in a linearly swept field (Majorana, Nuovo
  Cimento 9, 43 (1932)).
* :func:`independent_crossing` — the independent-crossing approximation for any linear sweep,
  with an overlap measure and a flag for interfering paths.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from lzsm import _checks
from lzsm.closed_forms.landau_zener import lz_transition_time
from lzsm.errors import LzsmTypeError, LzsmValueError
from lzsm.models.multilevel import LinearSweep, _two_j
from lzsm.results import Result


# --------------------------------------------------------------------------- helpers
def _linear_sweep(model: Any, *, single: bool = True) -> LinearSweep:
    if not isinstance(model, LinearSweep):
        raise LzsmTypeError(f"`model` must be an lzsm.LinearSweep (H = A + B t), got {type(model).__name__}")
    off = np.asarray(model.slopes) * (1 - np.eye(model.n_levels))
    if np.any(np.abs(off) > 0):
        raise LzsmValueError(
            "`model.slopes` must be diagonal (diabatic basis, docs/conventions.md): the closed forms "
            "of lzsm.closed_forms.multilevel need B = diag(beta)"
        )
    if single and model.batch_shape != ():
        raise LzsmValueError(
            f"this closed form takes one parameter point; the model has batch shape "
            f"{model.batch_shape}: pass model.point(index)"
        )
    return model


def _slopes(model: LinearSweep) -> np.ndarray:
    return np.real(np.diagonal(model.slopes, axis1=-2, axis2=-1))


def _offsets(model: LinearSweep) -> np.ndarray:
    return np.real(np.diagonal(model.constant, axis1=-2, axis2=-1))


def _scale(model: LinearSweep) -> float:
    return float(max(np.max(np.abs(model.constant)), np.max(np.abs(model.slopes)), 1e-300))


def _level(level: Any, n: int, name: str = "level") -> int:
    if isinstance(level, (bool, np.bool_)) or not isinstance(level, (int, np.integer)):
        raise LzsmTypeError(f"`{name}` must be an integer level index in 0..{n - 1}, got {level!r}")
    if not 0 <= int(level) < n:
        raise LzsmValueError(f"`{name}` must be a level index in 0..{n - 1}, got {level}")
    return int(level)


# --------------------------------------------------------------------------- Brundobler–Elser
def brundobler_elser_p_diabatic_stay(model: LinearSweep, level: int) -> np.ndarray:
    """Exact survival probability of a diabatic level with extremal slope (Brundobler–Elser).

    .. math::  P_{ii} = \\exp\\left(-\\frac{2\\pi}{\\hbar}\\sum_{j \\ne i}
               \\frac{|A_{ij}|^2}{|\\beta_i - \\beta_j|}\\right)

    valid when ``beta_i`` is the largest or the smallest slope (an exact result for any
    offsets and couplings).  For two levels it is ``P_LZ = exp(-2 pi |V|^2/(hbar |alpha|))``.
    Levels parallel to level i must be uncoupled from it.  S. Brundobler & V. Elser, J. Phys.
    A 26, 1211 (1993) (conjectured from numerics, later proved; see M. V. Volkov &
    V. N. Ostrovsky, J. Phys. B 37, 4069 (2004)).

    Vectorised over the model's parameter grid: returns shape ``batch_shape``.

    Examples
    --------
    >>> import lzsm
    >>> model = lzsm.spin_sweep(1, coupling=0.5, sweep_rate=1.0)
    >>> round(float(lzsm.brundobler_elser_p_diabatic_stay(model, level=0)), 4)  # P_LZ^2 for m = j = 1
    0.0432
    """
    model = _linear_sweep(model, single=False)
    n = model.n_levels
    i = _level(level, n)
    beta = _slopes(model)
    bi = beta[..., i]
    others = np.delete(beta, i, axis=-1)
    is_max = np.all(bi[..., None] >= others, axis=-1)
    is_min = np.all(bi[..., None] <= others, axis=-1)
    if not np.all(is_max | is_min):
        raise LzsmValueError(
            f"`level` {i} must have the largest or the smallest slope for the Brundobler–Elser "
            f"formula; slopes are {np.round(beta, 6).tolist()}"
        )
    coup = np.abs(np.delete(np.asarray(model.constant)[..., i, :], i, axis=-1)) ** 2
    diff = np.abs(bi[..., None] - others)
    parallel = diff <= 1e-12 * (np.abs(bi[..., None]) + np.abs(others) + 1e-300)
    if np.any(parallel & (coup > 0)):
        raise LzsmValueError(
            f"level {i} is coupled to a level of equal slope: the Brundobler–Elser formula "
            "needs every level coupled to it to cross it"
        )
    terms = np.where(parallel, 0.0, coup / np.where(parallel, 1.0, diff))
    out = np.exp(-2.0 * np.pi * np.sum(terms, axis=-1) / model.hbar)
    return out[()] if out.ndim == 0 else out


def _demkov_osherov_structure(model: LinearSweep) -> tuple[int, np.ndarray]:
    """(index of the sloped level, band levels) or an error describing what is wrong."""
    beta = _slopes(model)
    n = model.n_levels
    a = np.asarray(model.constant)
    tol = 1e-12 * _scale(model)
    for s in range(n):
        band = np.array([k for k in range(n) if k != s])
        if np.ptp(beta[band]) > tol or abs(beta[s] - beta[band[0]]) <= tol:
            continue
        inner = a[np.ix_(band, band)] - np.diag(np.diagonal(a[np.ix_(band, band)]))
        if np.max(np.abs(inner)) > tol:
            continue
        return s, band
    raise LzsmValueError(
        "`model` is not a Demkov–Osherov model: it needs one level whose slope differs from a "
        "common slope of all the others, and no couplings among those others"
    )


def demkov_osherov_transition_matrix(model: LinearSweep) -> np.ndarray:
    """Exact transition matrix ``P[final, initial]`` of the Demkov–Osherov model.

    One sloped level s (slope ``beta_s``) crosses a band of parallel levels k (common slope
    ``beta_b``, energies ``E_k``, coupled only to s by ``g_k``) at times
    ``t_k = (A_kk - A_ss)/(beta_s - beta_b)``.  Number the band levels in the order of their
    crossing times and let ``p_k = exp(-2 pi |g_k|^2/(hbar |beta_s - beta_b|))``.  Then

    .. math::
        P_{s \\to s} = \\prod_k p_k,\\quad
        P_{s \\to k} = (1 - p_k)\\prod_{j < k} p_j,\\quad
        P_{k \\to s} = (1 - p_k)\\prod_{j > k} p_j,

        P_{k \\to k} = p_k,\\quad
        P_{k \\to l} = (1 - p_k)(1 - p_l)\\prod_{k < j < l} p_j\\ (l > k),\\quad
        P_{k \\to l} = 0\\ (l < k).

    These are the products of pairwise Landau–Zener factors along the diabatic paths in time
    order (the independent-crossing result is exact here).  Yu. N. Demkov & V. I. Osherov,
    Sov. Phys. JETP 26, 916 (1968).  Band energies must be distinct.

    Examples
    --------
    >>> import lzsm
    >>> model = lzsm.demkov_osherov_model(couplings=[0.2, 0.3], band_energies=[-1.0, 1.0], slope=1.0)
    >>> lzsm.demkov_osherov_transition_matrix(model).round(4)  # P[final, initial]; level 0 is the sloped one
    array([[0.4418, 0.1262, 0.4319],
           [0.2222, 0.7778, 0.    ],
           [0.3359, 0.096 , 0.5681]])
    >>> lzsm.transition_matrix(model, (-100, 100)).round(4)  # exact propagation agrees
    array([[0.4418, 0.1262, 0.4319],
           [0.2222, 0.7778, 0.    ],
           [0.3359, 0.096 , 0.5681]])
    """
    model = _linear_sweep(model)
    s, band = _demkov_osherov_structure(model)
    beta = _slopes(model)
    a = np.asarray(model.constant)
    off = _offsets(model)
    rate = beta[s] - beta[band[0]]
    times = (off[band] - off[s]) / rate
    if np.any(np.diff(np.sort(times)) <= 1e-12 * (1 + np.max(np.abs(times)))):
        raise LzsmValueError(
            "the Demkov–Osherov band energies must be distinct (degenerate band levels: "
            "rotate them so that only one couples to the sloped level)"
        )
    order = band[np.argsort(times)]
    p = np.exp(-2.0 * np.pi * np.abs(a[s, order]) ** 2 / (model.hbar * abs(rate)))
    m = len(order)
    n = model.n_levels
    out = np.zeros((n, n))
    out[s, s] = np.prod(p)
    for k in range(m):
        ik = order[k]
        out[ik, s] = (1 - p[k]) * np.prod(p[:k])
        out[s, ik] = (1 - p[k]) * np.prod(p[k + 1 :])
        out[ik, ik] = p[k]
        for l_ in range(k + 1, m):
            out[order[l_], ik] = (1 - p[k]) * (1 - p[l_]) * np.prod(p[k + 1 : l_])
    return out


def _bow_tie_structure(model: LinearSweep) -> int:
    """Index of the central level, or an error."""
    n = model.n_levels
    a = np.asarray(model.constant)
    beta = _slopes(model)
    off = _offsets(model)
    tol = 1e-12 * _scale(model)
    for c in range(n):
        rest = [k for k in range(n) if k != c]
        inner = a[np.ix_(rest, rest)] - np.diag(np.diagonal(a[np.ix_(rest, rest)]))
        if np.max(np.abs(inner), initial=0.0) > tol:
            continue
        rel = beta[rest] - beta[c]
        if np.any(np.abs(rel) <= tol):
            continue
        tc = -(off[rest] - off[c]) / rel
        if np.ptp(tc) > 1e-9 * (1 + np.max(np.abs(tc))):
            continue
        return c
    raise LzsmValueError(
        "`model` is not a bow-tie model: it needs one central level coupled to all others, "
        "no couplings among the others, no level parallel to the central one, and all "
        "diabatic lines crossing at one point"
    )


def bow_tie_transition_matrix(model: LinearSweep) -> np.ndarray:
    """Exact transition matrix ``P[final, initial]`` of the bow-tie model.

    A central level c couples (``g_k``) to levels k that do not couple to each other; all
    diabatic lines cross at one point.  With slopes ``beta_k`` relative to the central level,

    .. math::
        p_k = e^{-\\pi |g_k|^2/(\\hbar|\\beta_k|)},\\quad
        P_\\pm = \\prod_{\\pm\\beta_k > 0} p_k,\\quad
        q_k = (1 - p_k)\\prod_{l:\\ \\beta_l\\beta_k > 0,\\ |\\beta_l| > |\\beta_k|} p_l,

        P_{c \\to c} = (1 - P_+ - P_-)^2,\\quad
        P_{c \\to k} = P_{k \\to c} = q_k (P_+ + P_-),\\quad
        P_{k \\to k} = (1 - q_k)^2,\\quad P_{k \\to l} = q_k q_l\\ (k \\ne l),

    (an empty product is 1; note the half Landau–Zener exponent in ``p_k``: each line meets the
    central one at the common crossing point).  For two levels ``P_{c->c} = p_1^2 = P_LZ``.
    C. E. Carroll & F. T. Hioe, J. Phys. A 19, 1151 (1986) (three levels); general N:
    V. N. Ostrovsky & H. Nakamura, J. Phys. A 30, 6939 (1997); see also Yu. N. Demkov &
    V. N. Ostrovsky, Phys. Rev. A 61, 032705 (2000).  The ``q_k`` notation is lzsm's way of
    writing that result, with no fitted constants; the tests check it against exact propagation
    for three to seven levels (levels on one side, on both sides, three on each side, complex
    couplings) to 1e-5 (measured <= 7e-7), the two-level limit and Majorana's spin-1 result.
    Levels on one side with equal slopes are rejected.

    Examples
    --------
    >>> import lzsm
    >>> model = lzsm.bow_tie_model(couplings=[0.3, 0.3], slopes=[1.0, -1.0])  # all cross at t = 0
    >>> lzsm.bow_tie_transition_matrix(model).round(4)  # P[final, initial]; level 0 is the flat one
    array([[0.2575, 0.3713, 0.3713],
           [0.3713, 0.5681, 0.0607],
           [0.3713, 0.0607, 0.5681]])
    """
    model = _linear_sweep(model)
    c = _bow_tie_structure(model)
    n = model.n_levels
    rest = np.array([k for k in range(n) if k != c])
    rel = _slopes(model)[rest] - _slopes(model)[c]
    for x in (rel[rel > 0], rel[rel < 0]):
        if np.any(np.diff(np.sort(np.abs(x))) <= 1e-12 * np.max(np.abs(rel))):
            raise LzsmValueError("bow-tie levels on one side of the central level must have distinct slopes")
    p = np.exp(-np.pi * np.abs(np.asarray(model.constant)[c, rest]) ** 2 / (model.hbar * np.abs(rel)))
    p_plus, p_minus = np.prod(p[rel > 0]), np.prod(p[rel < 0])
    q = np.array([(1 - p[k]) * np.prod(p[(rel * rel[k] > 0) & (np.abs(rel) > abs(rel[k]))]) for k in range(rest.size)])
    out = np.empty((n, n))
    out[c, c] = (1 - p_plus - p_minus) ** 2
    out[rest, c] = out[c, rest] = q * (p_plus + p_minus)
    out[np.ix_(rest, rest)] = np.outer(q, q)
    out[rest, rest] = (1 - q) ** 2
    return out


def wigner_small_d(j: float, beta: ArrayLike) -> np.ndarray:
    """Wigner's small d-matrix ``d^j_{m'm}(beta) = <j m'| exp(-i beta J_y) |j m>``.

    Shape ``(*beta.shape, 2j+1, 2j+1)``, indexed ``[m', m]`` with index 0 = ``m = j``.  Wigner's
    sum (E. P. Wigner, *Group Theory*, Academic Press 1959, eq. 15.27):

    .. math::  d^j_{m'm}(\\beta) = \\sum_k (-1)^{k - m + m'}
       \\frac{\\sqrt{(j+m')!(j-m')!(j+m)!(j-m)!}}{(j+m-k)!\\,k!\\,(j-k-m')!\\,(k-m+m')!}
       \\cos^{2j+m-m'-2k}\\tfrac{\\beta}{2}\\,\\sin^{2k-m+m'}\\tfrac{\\beta}{2}.

    Exact in double precision for j up to about 20."""
    tj = _two_j(j)
    b = _checks.real_array(beta, "beta")
    c, s = np.cos(b / 2), np.sin(b / 2)
    n = tj + 1
    out = np.zeros(b.shape + (n, n))
    fact = math.factorial
    for ip in range(n):
        for im in range(n):
            a_p, b_p = tj - ip, ip  # j + m', j - m'  (as integers since m' = j - ip)
            a_m, b_m = tj - im, im  # j + m, j - m
            # m' - m = im - ip
            dm = im - ip
            pref = math.sqrt(fact(a_p) * fact(b_p) * fact(a_m) * fact(b_m))
            total = 0.0
            for k in range(max(0, -dm), min(a_m, b_p) + 1):
                den = fact(a_m - k) * fact(k) * fact(b_p - k) * fact(k + dm)
                sign = -1.0 if (k + dm) % 2 else 1.0
                total = total + sign * pref / den * c ** (a_m + b_p - 2 * k) * s ** (2 * k + dm)
            out[..., ip, im] = total
    return out


def majorana_transition_matrix(
    j: float, coupling: ArrayLike, sweep_rate: ArrayLike, *, hbar: ArrayLike = 1.0
) -> np.ndarray:
    """Exact transition matrix ``P[m', m] = |d^j_{m'm}(beta)|^2`` of :func:`spin_sweep`.

    H(t) lies in the spin Lie algebra, so its propagator is the spin-j representation of the
    spin-1/2 (Landau–Zener) propagator; probabilities depend only on the Euler angle beta with

    .. math::  \\cos^2(\\beta/2) = P_{LZ} = \\exp(-2\\pi|V|^2/(\\hbar|\\alpha|)).

    So ``P[j, j] = P_LZ^{2j}`` (the Brundobler–Elser value) and ``P[-j, j] = (1 - P_LZ)^{2j}``.
    E. Majorana, Nuovo Cimento 9, 43 (1932); F. T. Hioe, J. Opt. Soc. Am. B 4, 1327 (1987).
    Vectorised over coupling/sweep_rate: shape ``(*batch, 2j+1, 2j+1)``, index 0 = m = j.

    Examples
    --------
    >>> import lzsm
    >>> lzsm.majorana_transition_matrix(1, coupling=0.5, sweep_rate=1.0).round(4)  # P[m', m], m = 1, 0, -1
    array([[0.0432, 0.3293, 0.6275],
           [0.3293, 0.3413, 0.3293],
           [0.6275, 0.3293, 0.0432]])
    >>> round(float(lzsm.lz_probability(0.5, 1.0)) ** 2, 4)  # P[1, 1] = P_LZ^(2j)
    0.0432
    """
    from lzsm.closed_forms.landau_zener import lz_probability

    p_lz = np.asarray(lz_probability(coupling, sweep_rate, hbar))
    beta = 2.0 * np.arccos(np.sqrt(np.clip(p_lz, 0.0, 1.0)))
    return wigner_small_d(j, beta) ** 2


# --------------------------------------------------------------------------- independent crossings
@dataclass(frozen=True, eq=False, repr=False)
class IndependentCrossings(Result):
    """Result of :func:`independent_crossing`; ``to_xarray()`` holds the matrix over
    ``(final, initial)`` and the crossings over ``crossing``.

    Attributes
    ----------
    transition_matrix : ``P[final, initial]`` in the independent-crossing approximation.
    pairs : ``(K, 2)`` level pairs of the coupled crossings, in time order.
    crossing_times : ``(K,)`` their times ``t_jk = -(A_jj - A_kk)/(beta_j - beta_k)``.
    p_diabatic_stay : ``(K,)`` pairwise Landau–Zener factors ``p_jk``.
    widths : ``(K,)`` transition times ``tau_jk`` (Vitanov's diabatic jump time,
        :func:`lzsm.lz_transition_time`).
    overlap : ``max (tau_a + tau_b) / (2 |t_a - t_b|)`` over pairs of crossings that share a
        level (0 when no two crossings share one): well below 1 when the crossings are well
        separated, of order 1 or more when they overlap and the approximation fails.
    interfering_paths : ``(N, N)`` bool, ``[final, initial]``: more than one diabatic path
        connects the two levels, so the exact result carries interference (Stückelberg) terms
        that the approximation (a sum of path probabilities) averages out.
    """

    transition_matrix: np.ndarray
    pairs: np.ndarray
    crossing_times: np.ndarray
    p_diabatic_stay: np.ndarray
    widths: np.ndarray
    overlap: float
    interfering_paths: np.ndarray

    kind = "independent-crossing approximation P[final, initial]"

    def _coords(self) -> dict[str, Any]:
        n = self.transition_matrix.shape[-1]
        return {"final": np.arange(n), "initial": np.arange(n), "crossing": np.arange(self.pairs.shape[0])}

    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        return {
            "transition_matrix": (["final", "initial"], self.transition_matrix),
            "interfering_paths": (["final", "initial"], self.interfering_paths),
            "level_a": (["crossing"], self.pairs[:, 0]),
            "level_b": (["crossing"], self.pairs[:, 1]),
            "crossing_time": (["crossing"], self.crossing_times),
            "p_diabatic_stay": (["crossing"], self.p_diabatic_stay),
            "width": (["crossing"], self.widths),
        }

    def _attrs(self) -> dict[str, Any]:
        return {"overlap": self.overlap, "indexing": "P[final, initial]"}

    def _summary(self) -> list[str]:
        return [
            f"{self.transition_matrix.shape[-1]} levels",
            f"{self.pairs.shape[0]} coupled crossings",
            f"overlap {self.overlap:.3g}",
        ]


def _width(coupling: float, rate: float, hbar: float) -> float:
    delta = coupling**2 / (hbar * abs(rate))
    if delta > 50.0:  # large-delta asymptote of the diabatic jump time, beyond the closed form's range
        return 4.0 * coupling / abs(rate)
    return float(lz_transition_time(coupling, abs(rate), hbar, picture="diabatic"))


def independent_crossing(model: LinearSweep) -> IndependentCrossings:
    """Independent-crossing approximation for a linear sweep ``H = A + B t``.

    Each coupled pair (j, k) of crossing diabatic levels is a Landau–Zener crossing at
    ``t_jk`` with ``p_jk = exp(-2 pi |A_jk|^2/(hbar |beta_j - beta_k|))``.  Taking them one at a
    time in time order, the probability vector over diabatic levels is multiplied by
    ``[[p, 1-p], [1-p, p]]`` on (j, k) at each crossing:

    .. math::  P \\approx M_K \\cdots M_2 M_1.

    Uncoupled pairs are transparent.  Exact for two levels, for the Demkov–Osherov model and
    for the survival of a level of extremal slope (Brundobler–Elser); otherwise it fails when
    transition regions overlap (``IndependentCrossings.overlap`` of order 1) and it drops
    path interference (``IndependentCrossings.interfering_paths``).  See e.g. S. Brundobler
    & V. Elser (1993); N. A. Sinitsyn, J. Phys. A 37, 10691 (2004).  Coupled parallel levels
    (which never cross) are rejected.
    """
    model = _linear_sweep(model)
    beta = _slopes(model)
    off = _offsets(model)
    a = np.asarray(model.constant)
    n = model.n_levels
    tol = 1e-12 * _scale(model)
    pairs, times, ps, widths = [], [], [], []
    for j in range(n):
        for k in range(j + 1, n):
            g = abs(a[j, k])
            if g <= tol:
                continue
            rate = beta[j] - beta[k]
            if abs(rate) <= tol:
                raise LzsmValueError(
                    f"levels {j} and {k} are parallel and coupled: they never cross, which the "
                    "independent-crossing approximation cannot describe"
                )
            pairs.append((j, k))
            times.append(-(off[j] - off[k]) / rate)
            ps.append(math.exp(-2.0 * math.pi * g**2 / (model.hbar * abs(rate))))
            widths.append(_width(g, rate, model.hbar))
    order = np.argsort(times, kind="stable")
    pairs_a = np.array(pairs, dtype=int).reshape(-1, 2)[order]
    times_a = np.array(times, dtype=float)[order]
    ps_a = np.array(ps, dtype=float)[order]
    widths_a = np.array(widths, dtype=float)[order]
    prob = np.eye(n)
    paths = np.eye(n, dtype=np.int64)
    for (j, k), p in zip(pairs_a, ps_a):
        m = np.eye(n)
        m[[j, k], [j, k]] = p
        m[j, k] = m[k, j] = 1 - p
        prob = m @ prob
        c = np.eye(n, dtype=np.int64)
        c[[j, k], [j, k]] = 1 if p > 0 else 0
        c[j, k] = c[k, j] = 1 if p < 1 else 0
        paths = np.minimum(c @ paths, 2)  # count 0, 1 or "more than one"
    overlap = 0.0
    for x in range(len(times_a)):
        for y in range(x + 1, len(times_a)):
            if set(pairs_a[x]) & set(pairs_a[y]):
                sep = abs(times_a[x] - times_a[y])
                ov = np.inf if sep == 0 else (widths_a[x] + widths_a[y]) / (2 * sep)
                overlap = max(overlap, ov)
    return IndependentCrossings(
        prob, pairs_a, times_a, ps_a, widths_a, float(overlap), paths > 1, method="independent-crossing"
    )


# --------------------------------------------------------------------------- export
def transition_dataarray(p_transition: ArrayLike, *, name: str = "transition_probability") -> Any:
    """An ``xarray.DataArray`` over ``(final, initial)`` for a transition matrix ``P[final, initial]``.

    A :class:`~lzsm.TransitionMatrix` (from :func:`lzsm.transition_matrix`) keeps its labelled
    parameter dimensions (its ``to_xarray()["transition_probability"]``); a plain array
    ``(..., N, N)`` gets ``point_i`` dimensions before ``(final, initial)``."""
    import xarray as xr

    if isinstance(p_transition, Result):
        ds = p_transition.to_xarray()
        if "transition_probability" not in ds:
            raise LzsmTypeError(
                f"`p_transition` must be a transition matrix (an array or a TransitionMatrix), "
                f"got a {type(p_transition).__name__}"
            )
        return ds["transition_probability"].rename(name)
    p = _checks.real_array(p_transition, "p_transition")
    if p.ndim < 2 or p.shape[-1] != p.shape[-2]:
        raise LzsmValueError(f"`p_transition` must have shape (..., N, N), got {p.shape}")
    dims = [f"point_{i}" for i in range(p.ndim - 2)] + ["final", "initial"]
    n = p.shape[-1]
    da = xr.DataArray(p, dims=dims, coords={"final": np.arange(n), "initial": np.arange(n)}, name=name)
    da.attrs["long_name"] = "probability to end in diabatic level `final` starting in `initial`"
    return da
