"""Adiabatic quantum computation: Grover search by adiabatic evolution, read as a Landau–Zener problem.

Roland & Cerf, Phys. Rev. A 65, 042308 (2002) (arXiv:quant-ph/0107015) search N = 2^n items for
one marked item :math:`|m\\rangle` with the interpolating Hamiltonian

.. math::  H(s) = E\\,[(1 - s)(1 - |\\psi_0\\rangle\\langle\\psi_0|) + s(1 - |m\\rangle\\langle m|)],
           \\qquad |\\psi_0\\rangle = N^{-1/2} \\sum_x |x\\rangle,

started in its ground state :math:`|\\psi_0\\rangle` at s = 0; the answer :math:`|m\\rangle` is the
ground state at s = 1.  Energies here are in units of the scale E (E = 1 in every function; the runner converts to a
physical scale) and times in units of hbar/E.

**Reduction.**  H(s) leaves the span of :math:`|m\\rangle` and
:math:`|m_\\perp\\rangle = (N - 1)^{-1/2} \\sum_{x \\ne m} |x\\rangle` invariant, and
:math:`|\\psi_0\\rangle = N^{-1/2}|m\\rangle + (1 - 1/N)^{1/2}|m_\\perp\\rangle` lies in it, so the dynamics is
exactly a two-level problem.  In the basis :math:`(|m\\rangle, |m_\\perp\\rangle)`, with
:math:`a = N^{-1/2}`, :math:`b = (1 - a^2)^{1/2}`,

.. math::  H(s) = \\begin{pmatrix} (1-s) b^2 & -(1-s) ab \\\\ -(1-s) ab & (1-s) a^2 + s \\end{pmatrix}
           = \\tfrac12 - \\tfrac12\\, \\mathbf r(s)\\cdot\\boldsymbol\\sigma,
           \\qquad \\mathbf r(s) = (1-s)\\,\\mathbf n_0 + s\\,\\mathbf n_1,

where n0, n1 are the Bloch vectors of :math:`|\\psi_0\\rangle` and :math:`|m\\rangle`
(:math:`\\mathbf n_0 \\cdot \\mathbf n_1 = 2/N - 1`).  The gap is :math:`|\\mathbf r(s)|`, Roland & Cerf's

.. math::  g(s) = \\sqrt{1 - 4 (1 - 1/N)\\, s (1 - s)},
           \\qquad g_{min} = g(1/2) = N^{-1/2}.

**Landau–Zener map (derived here).**  r(s) runs along a straight segment of length
``|n1 - n0| = 2 (1 - 1/N)^{1/2}`` that passes the origin at distance g_min.  Rotating the Bloch
frame so that sigma_z is along n1 - n0 and sigma_x perpendicular to it gives, up to the constant
1/2, ``H = [[B/2, V], [V, -B/2]]`` with the constant coupling and the bias

.. math::  V = g_{min}/2 = \\frac{1}{2\\sqrt N}, \\qquad B(s) = 2\\sqrt{1 - 1/N}\\,(s - 1/2),

so the sweep rate (docs/conventions.md, alpha = d(E1 - E2)/dt) is ``alpha = 2 (1 - 1/N)^{1/2} ds/dt``.
For the linear schedule s = t/T this is *exactly* the finite-time Landau–Zener problem with
``alpha = 2 (1 - 1/N)^{1/2}/T`` on the window t - T/2 in [-T/2, T/2], started in the lower
adiabatic state; the failure probability is its ``p_jump``, and for T, N >> 1 it tends to

.. math::  P_{LZ} = \\exp\\left(-\\frac{2\\pi V^2}{\\hbar\\alpha}\\right)
           = \\exp\\left(-\\frac{\\pi E T}{4 \\hbar N \\sqrt{1 - 1/N}}\\right).

Hence T ~ N ln(1/p_fail): no speed-up over classical search.  Roland & Cerf's local adiabatic
schedule ds/dt = eps g(s)^2 E/hbar slows down only near the minimum gap and needs
T = (hbar/(eps E)) N (N-1)^{-1/2} arctan((N-1)^{1/2}) ~ (pi/(2 eps)) N^{1/2}: Grover's
quadratic speed-up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike

from lzsm import _checks, models
from lzsm._version import __version__ as _lzsm_version
from lzsm.applications._common import propagation_options
from lzsm.applications._framework import Config, new_figure, register, write_dataset
from lzsm.closed_forms import landau_zener as analytic
from lzsm.dynamics import coherent as propagation
from lzsm.errors import LzsmConvergenceError, LzsmValueError
from lzsm.options import Options
from lzsm.plot._axes import new_axes
from lzsm.results import SUCCESS, Result

SCHEDULES = ("linear", "local")
SPACES = ("reduced", "full")
#: largest number of items for which the full N x N Hamiltonian is built (memory ~ 16 N^2 bytes
#: per time point)
MAX_FULL_ITEMS = 1024

REFERENCE = (
    "J. Roland and N. J. Cerf, Quantum search by local adiabatic evolution, "
    "Phys. Rev. A 65, 042308 (2002), arXiv:quant-ph/0107015"
)


# --------------------------------------------------------------------------- validation
def _n_items(n_items: ArrayLike, name: str = "n_items") -> np.ndarray:
    """Integer-valued array of database sizes N >= 2 (as floats)."""
    arr = _checks.real_array(n_items, name)
    if np.any(arr < 2) or np.any(arr != np.round(arr)):
        bad = arr[(arr < 2) | (arr != np.round(arr))].reshape(-1)[0]
        raise LzsmValueError(f"`{name}` must be an integer >= 2 (number of database items), got {bad!r}")
    return arr


def _epsilon(epsilon: ArrayLike) -> np.ndarray:
    arr = _checks.real_array(epsilon, "epsilon")
    if np.any((arr <= 0) | (arr >= 1)):
        bad = arr[(arr <= 0) | (arr >= 1)].reshape(-1)[0]
        raise LzsmValueError(f"`epsilon` (adiabaticity parameter) must be in (0, 1), got {bad!r}")
    return arr


def _fraction(s: ArrayLike, name: str) -> np.ndarray:
    arr = _checks.real_array(s, name)
    if np.any((arr < 0) | (arr > 1)):
        bad = arr[(arr < 0) | (arr > 1)].reshape(-1)[0]
        raise LzsmValueError(f"`{name}` must be in [0, 1], got {bad!r}")
    return arr


def _probability_open(p: ArrayLike, name: str) -> float:
    x = float(_checks.real_array(p, name))
    if not 0 < x < 1:
        raise LzsmValueError(f"`{name}` must be in (0, 1), got {x!r}")
    return x


def _out(x: np.ndarray):
    return x[()] if isinstance(x, np.ndarray) and x.ndim == 0 else x


# --------------------------------------------------------------------------- Hamiltonians
def grover_reduced_hamiltonian(s: ArrayLike, n_items: ArrayLike) -> np.ndarray:
    """Roland–Cerf H(s) restricted to span{``|m>``, ``|m_perp>``}, shape ``(*broadcast(s, N), 2, 2)``.

    .. math::  H(s) = \\begin{pmatrix} (1-s)(1 - 1/N) & -(1-s)\\sqrt{N-1}/N \\\\
                                       -(1-s)\\sqrt{N-1}/N & (1-s)/N + s \\end{pmatrix}

    Basis order (``|m>``, ``|m_perp>``) with ``|m_perp>`` the uniform superposition of the unmarked items;
    energies in units of E.  Roland & Cerf, PRA 65, 042308 (2002), restricted to the invariant plane.
    """
    s = _fraction(s, "s")
    n = _n_items(n_items)
    s, n = np.broadcast_arrays(s, n)
    a2 = 1.0 / n
    ab = np.sqrt(n - 1.0) / n
    h = np.empty(s.shape + (2, 2))
    h[..., 0, 0] = (1 - s) * (1 - a2)
    h[..., 0, 1] = h[..., 1, 0] = -(1 - s) * ab
    h[..., 1, 1] = (1 - s) * a2 + s
    return h


def grover_initial_state(n_items: int, space: str = "reduced") -> np.ndarray:
    """Ground state of H(0), the uniform superposition ``|psi0>``.

    ``space="reduced"``: ``(N^{-1/2}, (1 - 1/N)^{1/2})`` in the basis (``|m>``, ``|m_perp>``);
    ``space="full"``: ``N^{-1/2} (1, ..., 1)`` in the computational basis."""
    _checks.choice(space, "space", SPACES)
    n = float(_n_items(n_items))
    if space == "reduced":
        return np.array([1.0 / math.sqrt(n), math.sqrt(1.0 - 1.0 / n)], dtype=complex)
    if n > MAX_FULL_ITEMS:
        raise LzsmValueError(f"`n_items` must be <= {MAX_FULL_ITEMS} for space='full', got {int(n)}")
    return np.full(int(n), 1.0 / math.sqrt(n), dtype=complex)


def grover_hamiltonian(s: ArrayLike, n_items: int, marked: int = 0) -> np.ndarray:
    """Full Roland–Cerf H(s) on all N items, shape ``(*s.shape, N, N)`` (independent check of
    the reduction; N <= MAX_FULL_ITEMS).

    .. math::  H(s) = (1 - s)(1 - |\\psi_0\\rangle\\langle\\psi_0|) + s (1 - |m\\rangle\\langle m|)
    """
    s = _fraction(s, "s")
    n = int(_n_items(n_items))
    if n > MAX_FULL_ITEMS:
        raise LzsmValueError(f"`n_items` must be <= {MAX_FULL_ITEMS} for the full Hamiltonian, got {n}")
    if not isinstance(marked, (int, np.integer)) or not 0 <= marked < n:
        raise LzsmValueError(f"`marked` must be an integer in [0, {n - 1}], got {marked!r}")
    eye = np.eye(n)
    p0 = eye - np.full((n, n), 1.0 / n)
    p1 = eye.copy()
    p1[marked, marked] = 0.0
    ss = s[..., None, None]
    return (1 - ss) * p0 + ss * p1


# --------------------------------------------------------------------------- gap
def grover_gap(s: ArrayLike, n_items: ArrayLike) -> np.ndarray:
    """Gap between the two lowest levels of H(s) (units of E).

    .. math::  g(s) = \\sqrt{1 - 4 (1 - 1/N)\\, s (1 - s)}

    Roland & Cerf, PRA 65, 042308 (2002)."""
    s = _fraction(s, "s")
    n = _n_items(n_items)
    return _out(np.sqrt(1.0 - 4.0 * (1.0 - 1.0 / n) * s * (1.0 - s)))


def grover_minimum_gap(n_items: ArrayLike) -> np.ndarray:
    """Minimum gap ``g_min = g(1/2) = N^{-1/2}`` (units of E); Roland & Cerf (2002)."""
    return _out(1.0 / np.sqrt(_n_items(n_items)))


# --------------------------------------------------------------------------- schedules
def linear_schedule(t: ArrayLike, runtime: ArrayLike) -> np.ndarray:
    """The constant-rate schedule ``s(t) = t/T`` of Farhi et al. (2000), t in [0, T]."""
    t = _checks.real_array(t, "t", nonnegative=True)
    T = _checks.real_array(runtime, "runtime", positive=True)
    if np.any(t > T * (1 + 1e-12)):
        raise LzsmValueError("`t` must be in [0, runtime]")
    return _out(np.minimum(t / T, 1.0))


def local_adiabatic_fraction(u: ArrayLike, n_items: ArrayLike) -> np.ndarray:
    """The local adiabatic schedule as a function of the elapsed fraction u = t/T in [0, 1].

    Integrating ds/dt = eps g(s)^2 (with T the closed-form runtime) gives

    .. math::  s(u) = \\frac12 + \\frac{\\tan\\big((2u - 1)\\arctan\\sqrt{N-1}\\big)}{2\\sqrt{N-1}},

    independent of eps (eps only sets T).  Roland & Cerf (2002), rewritten in u."""
    u = _fraction(u, "u")
    n = _n_items(n_items)
    r = np.sqrt(n - 1.0)
    s = 0.5 + np.tan((2.0 * u - 1.0) * np.arctan(r)) / (2.0 * r)
    return _out(np.clip(s, 0.0, 1.0))


def local_adiabatic_runtime(n_items: ArrayLike, epsilon: ArrayLike, hbar: float = 1.0) -> np.ndarray:
    """Closed-form runtime of the local adiabatic schedule ``ds/dt = eps g(s)^2 E/hbar``.

    .. math::  T = \\frac{\\hbar}{\\varepsilon E} \\frac{N}{\\sqrt{N-1}} \\arctan\\sqrt{N-1}
               \\;\\xrightarrow{N\\gg1}\\; \\frac{\\pi\\hbar}{2\\varepsilon E}\\sqrt N

    Roland & Cerf, PRA 65, 042308 (2002)."""
    n = _n_items(n_items)
    eps = _epsilon(epsilon)
    hb = _checks.positive_scalar(hbar, "hbar")
    return _out(hb / eps * n / np.sqrt(n - 1.0) * np.arctan(np.sqrt(n - 1.0)))


def local_adiabatic_epsilon(n_items: ArrayLike, runtime: ArrayLike, hbar: float = 1.0) -> np.ndarray:
    """The eps of the local adiabatic schedule that lasts ``runtime`` (inverse of
    :func:`local_adiabatic_runtime`; may exceed 1 for short runtimes)."""
    n = _n_items(n_items)
    T = _checks.real_array(runtime, "runtime", positive=True)
    hb = _checks.positive_scalar(hbar, "hbar")
    return _out(hb / T * n / np.sqrt(n - 1.0) * np.arctan(np.sqrt(n - 1.0)))


def local_adiabatic_schedule(t: ArrayLike, n_items: ArrayLike, epsilon: ArrayLike, hbar: float = 1.0) -> np.ndarray:
    """s(t) of the local adiabatic schedule ``ds/dt = eps g(s)^2 E/hbar``, t in [0, T(eps)].

    .. math::  s(t) = \\frac12 + \\frac{1}{2\\sqrt{N-1}}
               \\tan\\left(\\frac{2\\sqrt{N-1}}{N}\\frac{\\varepsilon E t}{\\hbar} - \\arctan\\sqrt{N-1}\\right)

    Roland & Cerf, PRA 65, 042308 (2002)."""
    t = _checks.real_array(t, "t", nonnegative=True)
    T = local_adiabatic_runtime(n_items, epsilon, hbar)
    if np.any(t > T * (1 + 1e-12)):
        raise LzsmValueError("`t` must be in [0, T] with T = local_adiabatic_runtime(n_items, epsilon)")
    return local_adiabatic_fraction(np.minimum(t / T, 1.0), n_items)


def linear_adiabatic_runtime(n_items: ArrayLike, epsilon: ArrayLike, hbar: float = 1.0) -> np.ndarray:
    """Runtime of the linear schedule from the global adiabatic condition
    ``T >= max|<1|dH/ds|0>| / (eps g_min^2)`` with ``|<1|dH/ds|0>| <= 1``:

    .. math::  T = \\frac{\\hbar}{\\varepsilon E g_{min}^2} = \\frac{\\hbar N}{\\varepsilon E}

    Roland & Cerf, PRA 65, 042308 (2002), following Farhi et al., arXiv:quant-ph/0001106 (2000)."""
    n = _n_items(n_items)
    eps = _epsilon(epsilon)
    hb = _checks.positive_scalar(hbar, "hbar")
    return _out(hb * n / eps)


# --------------------------------------------------------------------------- Landau–Zener map
@dataclass(frozen=True, eq=False, repr=False)
class LandauZenerMap(Result):
    """Result of :func:`landau_zener_map`: the avoided crossing of the reduced Grover problem as
    a Landau–Zener crossing, over the broadcast (n_items, runtime) points (closed form).

    ``coupling`` V = g_min/2, ``sweep_rate`` alpha = 2 (1 - 1/N)^{1/2} ds/dt at the minimum
    gap (s = 1/2, at ``t_crossing``), ``t_start``/``t_end`` the window in LZ time
    (t - t_crossing); ``delta = V^2/(hbar alpha)`` and ``p_jump_lz = exp(-2 pi delta)``."""

    n_items: np.ndarray
    runtime: np.ndarray
    schedule: str
    coupling: np.ndarray
    sweep_rate: np.ndarray
    t_crossing: np.ndarray
    t_start: np.ndarray
    t_end: np.ndarray
    hbar: float

    kind = "Landau–Zener map of adiabatic Grover search"

    @property
    def adiabaticity(self) -> np.ndarray:
        """``delta = V^2 / (hbar alpha)``."""
        return self.coupling**2 / (self.hbar * self.sweep_rate)

    @property
    def p_jump_lz(self) -> np.ndarray:
        """Asymptotic Landau–Zener probability of ending in the excited state (failure)."""
        return analytic.lz_probability(self.coupling, self.sweep_rate, self.hbar)

    def _grid(self) -> tuple[tuple[int, ...], list[str], dict[str, np.ndarray]]:
        shape = np.shape(self.coupling)
        return shape, [f"point_{i}" for i in range(len(shape))], {}

    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        _, dims, _ = self._grid()
        data = {
            "n_items": self.n_items,
            "runtime": self.runtime,
            "coupling": self.coupling,
            "sweep_rate": self.sweep_rate,
            "adiabaticity": self.adiabaticity,
            "p_jump_lz": self.p_jump_lz,
        }
        return {k: (dims, np.asarray(v)) for k, v in data.items()}

    def _attrs(self) -> dict[str, Any]:
        return {"schedule": self.schedule, "hbar": self.hbar, "reference": REFERENCE}

    def _summary(self) -> list[str]:
        lo, hi = float(np.min(self.n_items)), float(np.max(self.n_items))
        return [f"{self.schedule} schedule", f"N = {lo:g}" if lo == hi else f"N in [{lo:g}, {hi:g}]"]


def landau_zener_map(
    n_items: ArrayLike, runtime: ArrayLike, schedule: str = "linear", hbar: float = 1.0
) -> LandauZenerMap:
    """Map the Grover crossing onto V and alpha (derivation in the module docstring).

    .. math::  V = \\frac{g_{min}}{2} = \\frac{1}{2\\sqrt N}, \\qquad
               \\alpha = 2\\sqrt{1 - 1/N}\\,\\frac{ds}{dt}\\Big|_{s=1/2}
               = \\begin{cases} 2\\sqrt{1-1/N}/T & \\text{linear} \\\\
                 2\\sqrt{1-1/N}\\,\\varepsilon(T)/N & \\text{local} \\end{cases}

    For the linear schedule the map is exact over the whole run (window [-T/2, T/2]); for the
    local schedule alpha is the rate at the crossing only (the sweep is not linear)."""
    _checks.choice(schedule, "schedule", SCHEDULES)
    n = _n_items(n_items)
    T = _checks.real_array(runtime, "runtime", positive=True)
    hb = _checks.positive_scalar(hbar, "hbar")
    n, T = np.broadcast_arrays(n, T)
    slope = 2.0 * np.sqrt(1.0 - 1.0 / n)
    if schedule == "linear":
        rate = slope / T
    else:
        rate = slope * np.asarray(local_adiabatic_epsilon(n, T, hb)) / hb / n
    return LandauZenerMap(
        n_items=n,
        runtime=T,
        schedule=schedule,
        coupling=0.5 / np.sqrt(n),
        sweep_rate=rate,
        t_crossing=T / 2,
        t_start=-T / 2,
        t_end=T / 2,
        hbar=hb,
        method="closed form",
    )


def linear_p_fail_lz(n_items: ArrayLike, runtime: ArrayLike, hbar: float = 1.0) -> np.ndarray:
    """Failure probability of the linear schedule predicted by the asymptotic LZ formula.

    .. math::  p_{fail} \\approx P_{LZ} = \\exp\\left(-\\frac{\\pi E T}{4\\hbar N\\sqrt{1-1/N}}\\right)

    (derived here from the map of :func:`landau_zener_map`; valid for N >> 1 and T >> hbar
    sqrt(N)/E, where the window [-T/2, T/2] covers the LZ transition time)."""
    return _out(np.asarray(landau_zener_map(n_items, runtime, "linear", hbar).p_jump_lz))


def linear_p_fail_finite_time(n_items: ArrayLike, runtime: ArrayLike, hbar: float = 1.0) -> np.ndarray:
    """Exact failure probability of the linear schedule from the finite-time LZ closed form
    (parabolic-cylinder functions, Vitanov & Garraway, PRA 53, 4288 (1996), via
    :func:`lzsm.finite_time_p_jump`): start in the lower adiabatic state at
    t - T/2 = -T/2, probability of the upper one at +T/2."""
    m = landau_zener_map(n_items, runtime, "linear", hbar)
    return analytic.finite_time_p_jump(m.coupling, m.sweep_rate, m.t_end, m.t_start, 0, m.hbar)


# --------------------------------------------------------------------------- exact propagation
def _scaled_model(n: np.ndarray, T: np.ndarray, schedule: str, hbar: float, space: str) -> models.Model:
    """The Schrödinger equation in the elapsed fraction u = t/T:  i hbar dpsi/du = T H(s(u)) psi.

    One model for the whole (N, T) grid ``n, T`` (broadcast), propagated over u in [0, 1]."""
    if space == "full":
        nn = int(n.reshape(-1)[0])
        h0 = grover_hamiltonian(0.0, nn)
        h1 = grover_hamiltonian(1.0, nn)
    else:
        h0 = grover_reduced_hamiltonian(0.0, n)
        h1 = grover_reduced_hamiltonian(1.0, n)
    Tm = T[..., None, None]
    if schedule == "linear":
        return models.LinearSweep(Tm * h0, Tm * (h1 - h0), hbar)
    r = np.sqrt(n - 1.0)
    at = np.arctan(r)

    def s_of(u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        ex = (Ellipsis,) + (None,) * u.ndim
        x = (2.0 * u - 1.0) * at[ex]
        s = np.clip(0.5 + np.tan(x) / (2.0 * r[ex]), 0.0, 1.0)
        ds = at[ex] / (r[ex] * np.cos(x) ** 2)
        return s, ds

    mat = (Ellipsis,) + (None, None)

    def h_of(u):
        u = np.asarray(u, dtype=float)
        s, _ = s_of(u)
        ex = (Ellipsis,) + (None,) * u.ndim + (slice(None), slice(None))
        return (T.reshape(T.shape + (1,) * u.ndim))[mat] * (h0[ex] + s[mat] * (h1 - h0)[ex])

    def dh_of(u):
        u = np.asarray(u, dtype=float)
        _, ds = s_of(u)
        ex = (Ellipsis,) + (None,) * u.ndim + (slice(None), slice(None))
        return (T.reshape(T.shape + (1,) * u.ndim))[mat] * ds[mat] * (h1 - h0)[ex]

    return models.NLevel(h_of, hbar, "t", dh_of)


def p_success(
    n_items: ArrayLike,
    runtime: ArrayLike,
    schedule: str = "linear",
    *,
    hbar: float = 1.0,
    space: str = "reduced",
    method: str | None = None,
    options: Options | None = None,
    tol: float | None = None,
    progress: bool | None = None,
) -> np.ndarray:
    """Probability to find the marked item, ``|<m|psi(T)>|^2``, by exact propagation.

    Solves ``i hbar dpsi/dt = H(s(t)) psi`` from ``|psi0>`` over [0, T] with :func:`lzsm.evolve`
    (sixth-order Magnus by default, local tolerance ``tol``, default 1e-10) for every point of
    the broadcast (n_items, runtime) grid at once, written in u = t/T so that all runtimes share
    one span.  ``space="reduced"``: the exact two-level reduction (any N); ``space="full"``: all
    N items (a single N <= MAX_FULL_ITEMS; independent check).  ``schedule``: ``"linear"``
    (s = t/T, compiled kernels) or ``"local"`` (Roland–Cerf local adiabatic schedule stretched
    to last T).  ``method``, ``options`` and ``progress`` go to :func:`lzsm.evolve`; if the
    propagation stops early at some point (e.g. ``max_steps``), an
    :class:`lzsm.errors.LzsmConvergenceError` says where."""
    _checks.choice(schedule, "schedule", SCHEDULES)
    _checks.choice(space, "space", SPACES)
    n = _n_items(n_items)
    T = _checks.real_array(runtime, "runtime", positive=True)
    hb = _checks.positive_scalar(hbar, "hbar")
    shape = np.broadcast_shapes(n.shape, T.shape)  # ascontiguousarray below makes 0-d inputs 1-d
    n, T = (np.ascontiguousarray(x) for x in np.broadcast_arrays(n, T))
    if space == "full" and np.unique(n).size != 1:
        raise LzsmValueError("`n_items` must be a single value for space='full'")
    opts = propagation_options(options, 1e-10, tol=tol, progress=progress)
    model = _scaled_model(n, T, schedule, hb, space)
    psi0 = (
        grover_initial_state(int(n.reshape(-1)[0]), space)
        if space == "full"
        else np.stack([1.0 / np.sqrt(n), np.sqrt(1.0 - 1.0 / n)], axis=-1).astype(complex)
    )
    ev = propagation.evolve(model, (0.0, 1.0), psi0, method=method, options=opts)
    if not ev.ok:
        bad = ~np.isin(np.broadcast_to(ev.status, ev.grid_shape), [int(st) for st in SUCCESS])
        where = np.argwhere(bad)[0]
        raise LzsmConvergenceError(
            f"p_success: the propagation stopped before the end of the run at {int(bad.sum())} of {bad.size} "
            f"points ({ev.message[tuple(where)]}), first at n_items = {n[tuple(where)]:g}, runtime = "
            f"{T[tuple(where)]:g}; raise `max_steps` (options) or loosen `tol`"
        )
    return _out((np.abs(ev.amplitudes[..., -1, 0]) ** 2).reshape(shape))


def runtime_for_success(
    n_items: ArrayLike,
    p_success_target: float,
    schedule: str = "linear",
    *,
    hbar: float = 1.0,
    runtime_grid: ArrayLike | None = None,
    rtol: float = 1e-4,
    method: str | None = None,
    options: Options | None = None,
    tol: float | None = None,
    progress: bool | None = None,
) -> np.ndarray | float:
    """Shortest runtime T at which the exact success probability first reaches the target.

    For each N, :func:`p_success` is evaluated on a geometric grid of T (default: 48 points
    over [0.05, 20] N for ``linear``, [0.2, 100] N^{1/2} for ``local``, in units of hbar/E);
    the last grid point below the target and its successor bracket the crossing after which
    the success stays >= target on the grid, and bisection in log T narrows the bracket to
    relative width ``rtol`` (all N in lock-step).  Returns NaN where the grid's last point is
    still below the target or its first point is already above it.  ``method``, ``options``,
    ``tol`` (default 1e-10) and ``progress`` go to every :func:`p_success`."""
    _checks.choice(schedule, "schedule", SCHEDULES)
    target = _probability_open(p_success_target, "p_success_target")
    n = np.atleast_1d(_n_items(n_items)).reshape(-1)
    hb = _checks.positive_scalar(hbar, "hbar")
    rt = _checks.positive_scalar(rtol, "rtol")
    if runtime_grid is None:
        unit = n if schedule == "linear" else np.sqrt(n)
        grid = (
            unit[:, None] * np.geomspace(0.05, 20.0, 48)[None, :]
            if schedule == "linear"
            else unit[:, None] * np.geomspace(0.2, 100.0, 48)[None, :]
        )
        grid = grid * hb
    else:
        g = _checks.real_array(runtime_grid, "runtime_grid", positive=True)
        grid = np.broadcast_to(np.sort(g, axis=-1), (n.size, g.shape[-1])) if g.ndim else None
        if grid is None or grid.shape[-1] < 2:
            raise LzsmValueError("`runtime_grid` must hold at least two runtimes")

    def run(n_: np.ndarray, runtime: np.ndarray) -> np.ndarray:
        return p_success(n_, runtime, schedule, hbar=hb, method=method, options=options, tol=tol, progress=progress)

    p = run(n[:, None], grid)
    below = p < target
    # first grid point after the last one below the target: success stays >= target beyond it
    first = grid.shape[1] - np.argmax(below[:, ::-1], axis=1)
    ok = below.any(axis=1) & (first < grid.shape[1]) & (first > 0)
    first = np.minimum(first, grid.shape[1] - 1)
    lo = np.where(ok, grid[np.arange(n.size), np.maximum(first - 1, 0)], np.nan)
    hi = np.where(ok, grid[np.arange(n.size), first], np.nan)
    if not np.any(ok):
        return _out(np.full(n.shape, np.nan)) if np.ndim(n_items) else float("nan")
    idx = np.flatnonzero(ok)
    lo_k, hi_k = lo[idx], hi[idx]
    while np.max(hi_k / lo_k) > 1 + rt:
        mid = np.sqrt(lo_k * hi_k)
        pm = run(n[idx], mid)
        up = pm >= target
        hi_k = np.where(up, mid, hi_k)
        lo_k = np.where(up, lo_k, mid)
    out = np.full(n.shape, np.nan)
    out[idx] = np.sqrt(lo_k * hi_k)
    return out if np.ndim(n_items) else float(out[0])


def power_law_exponent(x: ArrayLike, y: ArrayLike) -> tuple[float, float]:
    """Least-squares fit ``log y = k log x + log c``; returns ``(k, c)``."""
    x = _checks.real_array(x, "x", positive=True).reshape(-1)
    y = _checks.real_array(y, "y", positive=True).reshape(-1)
    if x.size != y.size or x.size < 2:
        raise LzsmValueError("`x` and `y` must have the same length >= 2")
    k, logc = np.polyfit(np.log(x), np.log(y), 1)
    return float(k), float(np.exp(logc))


# --------------------------------------------------------------------------- figures
def plot_gap(n_items: ArrayLike, ax: Any = None) -> Any:
    """g(s) for several N on a log axis, with g_min = N^{-1/2} marked; returns the axes."""
    ax = new_axes(ax)
    s = np.linspace(0.0, 1.0, 801)
    for nn in np.atleast_1d(_n_items(n_items)):
        (line,) = ax.plot(s, grover_gap(s, nn), label=f"N = {int(nn)}")
        ax.plot([0.5], [grover_minimum_gap(nn)], "o", color=line.get_color(), ms=4)
    ax.set_yscale("log")
    ax.set_xlabel("s")
    ax.set_ylabel("gap g(s) / E")
    ax.set_title("Grover gap (dots: $g_{min}=N^{-1/2}$)")
    ax.legend(fontsize=8)
    return ax


def plot_success_vs_runtime(ds: xr.Dataset, ax: Any = None, schedule: str = "linear") -> Any:
    """Exact success probability vs runtime (and, for linear, the LZ prediction) per N; returns the axes."""
    ax = new_axes(ax)
    _checks.choice(schedule, "schedule", SCHEDULES)
    var = f"p_success_{schedule}"
    tvar = f"runtime_{schedule}"
    for i, nn in enumerate(ds["n_items_curve"].values):
        T = ds[tvar].values[i]
        (line,) = ax.plot(T, ds[var].values[i], label=f"N = {int(nn)} exact")
        if schedule == "linear":
            ax.plot(
                T,
                1.0 - ds["p_fail_lz_linear"].values[i],
                "--",
                color=line.get_color(),
                lw=1,
                label="LZ: $1-e^{-2\\pi V^2/\\hbar\\alpha}$" if i == 0 else None,
            )
        else:
            ax.axvline(
                ds["runtime_local_closed_form"].values[i],
                color=line.get_color(),
                ls=":",
                lw=1,
                label=f"closed-form T(eps={float(ds.attrs['epsilon']):g})" if i == 0 else None,
            )
    ax.set_xscale("log")
    ax.set_xlabel("runtime T / (hbar/E)")
    ax.set_ylabel("success probability $|\\langle m|\\psi(T)\\rangle|^2$")
    ax.set_title(f"{schedule} schedule")
    ax.legend(fontsize=7)
    return ax


def plot_runtime_scaling(ds: xr.Dataset, ax: Any = None) -> Any:
    """Runtime to reach the target success vs N (log-log) with the 1/g_min^2 and 1/g_min lines;
    returns the axes."""
    ax = new_axes(ax)
    n = ds["n_items"].values
    gmin = ds["minimum_gap"].values
    tl = ds["runtime_linear"].values
    tc = ds["runtime_local"].values
    kl, kc = ds.attrs["exponent_linear"], ds.attrs["exponent_local"]
    ax.loglog(n, tl, "o", label=f"linear (fitted slope {kl:.3f})")
    ax.loglog(n, tc, "s", label=f"local adiabatic (fitted slope {kc:.3f})")
    ax.loglog(n, tl[-1] * gmin[-1] ** 2 / gmin**2, "-", lw=1, color="C0", label="$\\propto 1/g_{min}^2 = N$")
    ax.loglog(n, tc[-1] * gmin[-1] / gmin, "-", lw=1, color="C1", label="$\\propto 1/g_{min} = \\sqrt{N}$")
    eps_star = float(local_adiabatic_epsilon(n[-1], tc[-1]))
    ax.loglog(
        n,
        local_adiabatic_runtime(n, min(eps_star, 0.999)),
        ":",
        lw=1.5,
        color="C1",
        label=f"Roland–Cerf $T(\\varepsilon={eps_star:.3f})$",
    )
    if "runtime_linear_lz" in ds:
        ax.loglog(n, ds["runtime_linear_lz"].values, "--", lw=1, color="C0", label="linear, LZ prediction")
    ax.set_xlabel("number of items N")
    ax.set_ylabel("runtime T / (hbar/E)")
    ax.set_title(f"runtime for success {float(ds.attrs['p_success_target']):g}")
    ax.legend(fontsize=7)
    return ax


# --------------------------------------------------------------------------- runner
#: Largest register the scenario accepts (N = 2^20 items; exact propagation cost grows with N).
MAX_QUBITS = 20


@register(
    "adiabatic_grover",
    schema={
        "search": {
            "n_qubits_curves": "list",
            "n_qubits_scaling": "list",
            "p_success_target": "number",
            "epsilon": "number",
            "energy_scale": "energy",
            "num_runtimes": "int",
            "full_space_qubits": "int",
        },
    },
    doc="docs/adiabatic_computing.md",
)
def adiabatic_grover(cfg: Config, out: Path) -> dict:
    """Adiabatic Grover search: gap, success vs runtime, runtime vs N for the linear and local
    schedules, the LZ reading of the linear schedule, and the full-space check of the reduction."""

    def qubits(key, default):
        # exact propagation time grows with the runtime ~ N: 2^20 items take ~10 s per curve
        v = cfg.get("search", key, default)
        if not v or not all(isinstance(q, int) and not isinstance(q, bool) and 1 <= q <= MAX_QUBITS for q in v):
            raise LzsmValueError(f"`search.{key}` must be a non-empty list of integers in [1, {MAX_QUBITS}], got {v!r}")
        return np.array(sorted(set(v)), dtype=float)

    nq_curves = qubits("n_qubits_curves", [4, 8, 12])
    nq_scaling = qubits("n_qubits_scaling", list(range(4, 13)))
    if nq_scaling.size < 2:
        raise LzsmValueError("`search.n_qubits_scaling` needs at least two sizes for a fit")
    target = cfg.get("search", "p_success_target", 0.99, low=0.0, high=1.0, low_open=True, high_open=True)
    eps = cfg.get("search", "epsilon", 0.1, low=0.0, high=1.0, low_open=True, high_open=True)
    energy = cfg.get("search", "energy_scale", 1.0, low=0.0, low_open=True)
    num = cfg.get("search", "num_runtimes", 60, low=4)
    nq_full = cfg.get("search", "full_space_qubits", 3, low=1, high=8)
    hbar = cfg.hbar
    time_unit = hbar / energy  # runtimes below are in units of hbar/E; times in the scenario's units
    t_units = cfg.system.time if cfg.system is not None else "hbar/E"
    e_units = cfg.system.energy if cfg.system is not None else "E"

    n_c = 2.0**nq_curves
    x_lin = np.geomspace(0.05, 10.0, num)  # T g_min^2 = T/N
    x_loc = np.geomspace(0.3, 60.0, num)  # T g_min = T/sqrt(N)
    T_lin = n_c[:, None] * x_lin[None, :]
    T_loc = np.sqrt(n_c)[:, None] * x_loc[None, :]
    p_lin = p_success(n_c[:, None], T_lin, "linear")
    p_loc = p_success(n_c[:, None], T_loc, "local")
    p_fail_lz = linear_p_fail_lz(n_c[:, None], T_lin)
    p_fail_ft = linear_p_fail_finite_time(n_c[:, None], T_lin)
    T_closed = local_adiabatic_runtime(n_c, eps)
    p_at_closed = p_success(n_c, T_closed, "local")

    n_s = 2.0**nq_scaling
    gmin = grover_minimum_gap(n_s)
    t_lin = np.asarray(runtime_for_success(n_s, target, "linear"))  # n_s is 1-d: arrays back
    t_loc = np.asarray(runtime_for_success(n_s, target, "local"))
    good = np.isfinite(t_lin) & np.isfinite(t_loc)
    if good.sum() < 2:
        raise LzsmValueError("the target success was not reached on the runtime grid for enough sizes")
    k_lin, _ = power_law_exponent(n_s[good], t_lin[good])
    k_loc, _ = power_law_exponent(n_s[good], t_loc[good])
    kg_lin, _ = power_law_exponent(1 / gmin[good], t_lin[good])
    kg_loc, _ = power_law_exponent(1 / gmin[good], t_loc[good])
    upper = np.flatnonzero(good)[np.flatnonzero(good).size // 2 :]
    upper = upper if upper.size >= 2 else np.flatnonzero(good)
    ku_lin, _ = power_law_exponent(n_s[upper], t_lin[upper])
    ku_loc, _ = power_law_exponent(n_s[upper], t_loc[upper])
    # LZ prediction of the linear runtime: exp(-pi T / (4 N sqrt(1 - 1/N))) = 1 - target
    t_lin_lz = 4.0 * n_s * np.sqrt(1 - 1 / n_s) * math.log(1.0 / (1.0 - target)) / math.pi
    eps_needed = local_adiabatic_epsilon(n_s, t_loc)

    n_full = 2**nq_full
    T_check = np.array([0.5, 2.0, 8.0]) * n_full
    dev_full = {}
    for sched in SCHEDULES:
        pr = p_success(n_full, T_check, sched)
        pf = p_success(n_full, T_check, sched, space="full")
        dev_full[sched] = float(np.max(np.abs(pr - pf)))

    big = (n_c[:, None] >= 256) & (T_lin >= n_c[:, None])
    dev_lz = float(np.max(np.abs((1 - p_lin) - p_fail_lz)[big])) if np.any(big) else float("nan")
    dev_ft = float(np.max(np.abs((1 - p_lin) - p_fail_ft)))

    s = np.linspace(0, 1, 201)
    ds = xr.Dataset(
        {
            "gap": (
                ("n_items_curve", "s"),
                grover_gap(s[None, :], n_c[:, None]),
                {"units": "E", "long_name": "gap between the two lowest levels g(s) in units of energy_scale"},
            ),
            "runtime_linear": (("n_items_curve", "k"), T_lin * time_unit, {"units": t_units}),
            "runtime_local": (("n_items_curve", "k"), T_loc * time_unit, {"units": t_units}),
            "p_success_linear": (("n_items_curve", "k"), p_lin, {"long_name": "exact |<m|psi(T)>|^2, linear schedule"}),
            "p_success_local": (
                ("n_items_curve", "k"),
                p_loc,
                {"long_name": "exact |<m|psi(T)>|^2, local adiabatic schedule"},
            ),
            "p_fail_lz_linear": (
                ("n_items_curve", "k"),
                p_fail_lz,
                {"long_name": "asymptotic LZ exp(-2 pi V^2/(hbar alpha)), V=1/(2 sqrt N), alpha=2 sqrt(1-1/N)/T"},
            ),
            "p_fail_finite_time_lz_linear": (
                ("n_items_curve", "k"),
                p_fail_ft,
                {"long_name": "exact finite-time LZ p_jump on [-T/2, T/2]"},
            ),
            "runtime_local_closed_form": (
                ("n_items_curve",),
                T_closed * time_unit,
                {"units": t_units, "long_name": "Roland-Cerf T(eps)"},
            ),
            "p_success_local_closed_form": (("n_items_curve",), p_at_closed),
            "runtime_linear_scaling": (
                ("n_items",),
                t_lin * time_unit,
                {"units": t_units, "long_name": "runtime for p_success_target, linear"},
            ),
            "runtime_local_scaling": (
                ("n_items",),
                t_loc * time_unit,
                {"units": t_units, "long_name": "runtime for p_success_target, local"},
            ),
            "runtime_linear_lz": (
                ("n_items",),
                t_lin_lz * time_unit,
                {"units": t_units, "long_name": "LZ: (4N/pi) sqrt(1-1/N) ln(1/(1-target))"},
            ),
            "minimum_gap": (("n_items",), gmin * energy, {"units": e_units}),
            "epsilon_local_needed": (
                ("n_items",),
                eps_needed,
                {"long_name": "eps of the local schedule lasting runtime_local_scaling"},
            ),
        },
        coords={"n_items_curve": n_c, "s": s, "n_items": n_s, "k": np.arange(num)},
        attrs={
            "reference": REFERENCE,
            "p_success_target": target,
            "epsilon": eps,
            "exponent_linear": k_lin,
            "exponent_local": k_loc,
            "exponent_linear_upper_half": ku_lin,
            "exponent_local_upper_half": ku_loc,
            "energy_scale": energy,
            "time_unit_hbar_over_E": time_unit,
            "lzsm_version": _lzsm_version,
        },
    )
    write_dataset(ds, out / "data.nc")

    # figures (dimensionless runtimes: T in units of hbar/E)
    fig, ax = new_figure()
    plot_gap(n_c, ax)
    fig.savefig(out / "grover_gap.png", dpi=120)
    fig, axs = new_figure(ncols=2)
    ds_hbar_over_e = ds.assign(
        runtime_linear=(("n_items_curve", "k"), T_lin),
        runtime_local=(("n_items_curve", "k"), T_loc),
        runtime_local_closed_form=(("n_items_curve",), T_closed),
    )
    plot_success_vs_runtime(ds_hbar_over_e, axs[0], "linear")
    plot_success_vs_runtime(ds_hbar_over_e, axs[1], "local")
    fig.savefig(out / "grover_success.png", dpi=120)
    fig, ax = new_figure()
    scal = xr.Dataset(
        {
            "runtime_linear": ("n_items", t_lin),
            "runtime_local": ("n_items", t_loc),
            "runtime_linear_lz": ("n_items", t_lin_lz),
            "minimum_gap": ("n_items", gmin),
        },
        coords={"n_items": n_s},
        attrs={"exponent_linear": k_lin, "exponent_local": k_loc, "p_success_target": target},
    )
    plot_runtime_scaling(scal.isel(n_items=np.flatnonzero(good)), ax)
    fig.savefig(out / "grover_runtime_scaling.png", dpi=120)

    return {
        "exponent_runtime_vs_n_linear": k_lin,
        "exponent_runtime_vs_n_local": k_loc,
        "exponent_runtime_vs_n_linear_upper_half": ku_lin,
        "exponent_runtime_vs_n_local_upper_half": ku_loc,
        "upper_half_n_items_from": float(n_s[upper][0]),
        "exponent_runtime_vs_inverse_min_gap_linear": kg_lin,
        "exponent_runtime_vs_inverse_min_gap_local": kg_loc,
        "runtime_linear_over_lz_prediction_largest_n": float(t_lin[good][-1] / t_lin_lz[good][-1]),
        "runtime_local_over_sqrt_n_largest_n": float(t_loc[good][-1] / math.sqrt(n_s[good][-1])),
        "epsilon_local_needed_largest_n": float(eps_needed[good][-1]),
        "p_success_local_at_closed_form_runtime_min": float(np.min(p_at_closed)),
        "max_abs_dev_linear_p_fail_vs_finite_time_lz": dev_ft,
        "max_abs_dev_linear_p_fail_vs_asymptotic_lz_n_ge_256_t_ge_n": dev_lz,
        "max_abs_dev_full_vs_reduced_linear": dev_full["linear"],
        "max_abs_dev_full_vs_reduced_local": dev_full["local"],
        "time_unit_hbar_over_energy_scale": time_unit,
    }
