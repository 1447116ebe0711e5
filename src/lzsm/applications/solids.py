"""Zener breakdown in tilted lattices: interband Landau–Zener tunnelling of a particle in a
periodic potential under a constant force, in the units of cold-atom experiments.

Physics
-------
A particle of mass M in the optical lattice ``V(x) = V0 sin^2(k_L x)`` (period
``d = pi / k_L``, recoil energy ``E_r = hbar^2 k_L^2 / (2 M)``) feels a constant force F
(an accelerated lattice: ``F = M a``).  After the gauge transformation
``psi = exp(i F t x / hbar) phi`` the Hamiltonian is spatially periodic and the quasimomentum
moves linearly, ``q(t) = q0 + F t / hbar`` (the acceleration theorem; Bloch 1929).  In the
plane-wave basis ``|q + 2 n k_L>`` (n integer) the Hamiltonian is

.. math::  H_{nn'}(t) = E_r (\\kappa(t) + 2n)^2 \\delta_{nn'} + \\frac{V_0}{2}\\delta_{nn'}
           - \\frac{V_0}{4}(\\delta_{n,n'+1} + \\delta_{n,n'-1}),
           \\qquad \\kappa(t) = q(t)/k_L = \\kappa_0 + \\frac{F_0}{\\pi}\\frac{E_r t}{\\hbar},

with the dimensionless force ``F0 = F d / E_r``.  The term ``E_r (F0 E_r t / (pi hbar))^2``
common to all n is a global phase and is dropped, so H(t) = A + B t is a *linear multi-level
sweep* (docs/conventions.md, multi-level) propagated exactly by :func:`lzsm.evolve`.  One
Bloch period ``T_B = 2 hbar k_L / F = h / (F d) = 2 pi hbar / (F0 E_r)`` moves q across the
Brillouin zone once.

Mapping onto V and alpha (docs/conventions.md conventions)
----------------------------------------------------------
At the zone edge ``kappa = 1`` the free-particle levels n = 0 and n = -1 cross; the lattice
couples them with ``V = -V0/4`` (minimum gap ``2|V| = V0/2`` to lowest order; the exact
plane-wave gap ``Delta`` of :func:`band_gap` is used).  Their diabatic energy difference is
``E_r[kappa^2 - (kappa - 2)^2] = 4 E_r (kappa - 1)``, exactly linear, so

.. math::  \\alpha = \\frac{d(E_1 - E_2)}{dt} = \\frac{4 E_r F}{\\hbar k_L}
           = \\frac{4}{\\pi} \\frac{F_0 E_r^2}{\\hbar},
   \\qquad P_{LZ} = \\exp\\left(-\\frac{2\\pi (\\Delta/2)^2}{\\hbar\\alpha}\\right)
           = \\exp\\left(-\\frac{\\pi^2 (\\Delta/E_r)^2}{8 F_0}\\right)
           \\approx \\exp\\left(-\\frac{\\pi^2 (V_0/E_r)^2}{32 F_0}\\right).

``P_LZ`` is the ``p_diabatic_stay`` of the edge crossing, i.e. the probability to jump from the
lowest band to the first excited band: the Zener tunnelling probability per Bloch period
(Zener, Proc. R. Soc. A 145, 523 (1934)).  In terms of the acceleration ``a = F/M`` the
exponent is ``a_c / a`` with ``a_c = Delta^2 d / (4 hbar^2)`` (derived here; for
``Delta = V0/2`` it is the critical acceleration of the Landau–Zener analyses of atoms in
accelerated lattices, Niu et al., PRL 76, 4504 (1996); Peik et al., PRA 55, 2989 (1997);
Morsch & Oberthaler, RMP 78, 179 (2006)).  The last (weak-lattice) form is the Landau–Zener
prediction against which the Pisa experiments on 87Rb condensates compared their tunnelling
measurements (Jona-Lasinio et al., PRL 91, 230406 (2003); Zenesini et al., PRL 103, 090403
(2009); Tayebirad et al., PRA 82, 013633 (2010)).

Two-band model
--------------
The independent second method is a tight-binding *binary lattice*: sites a distance
``d/2`` apart, hopping J, on-site energies alternating ``+Delta/2, -Delta/2`` (period d).  In
the basis of the two free-chain waves ``k = q`` and ``k = q - 2 k_L`` it reads

.. math::  H(q) = \\begin{pmatrix} -2J\\cos(q d/2) & \\Delta/2 \\\\ \\Delta/2 & 2J\\cos(q d/2) \\end{pmatrix},

gap Delta at the zone edge and diabatic slope difference ``2 J d F / hbar`` there.  The
default ``J = 2 E_r / pi`` matches the free-particle slope (so both models have the same LZ
parameters); its cosine dispersion is the lattice (curvature) correction the plane-wave
model does not share.  Over several periods the binary lattice shows Bloch–Zener
oscillations (Breid, Witthaut & Korsch, New J. Phys. 8, 110 (2006)).

Units
-----
The physics functions work in recoil units: energies in E_r, times in ``hbar/E_r``,
quasimomenta in k_L, forces as ``F0 = F d / E_r`` (hbar = 1).  Laboratory values are converted
at the edge by :func:`recoil_energy` and :func:`force_from_acceleration` (SI constants:
CODATA via :mod:`scipy.constants`; 87Rb mass from Steck, "Rubidium 87 D line data").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import constants as _c

from lzsm import _checks
from lzsm.applications._common import combined_status, deprecated, point_loop, propagation_options, renamed_attributes
from lzsm.applications._framework import Config, new_figure, register, write_dataset
from lzsm.closed_forms import landau_zener as analytic
from lzsm.dynamics.coherent import evolve
from lzsm.errors import LzsmValueError
from lzsm.models.multilevel import LinearSweep
from lzsm.models.two_level import TwoLevel
from lzsm.options import Options
from lzsm.plot._axes import new_axes
from lzsm.results import Result

#: reduced Planck constant in J s and atomic mass unit in kg (CODATA via scipy.constants, the
#: source lzsm.io.units and cold_atoms use)
HBAR_SI = _c.hbar
ATOMIC_MASS_UNIT = _c.physical_constants["atomic mass constant"][0]
#: 87Rb atomic mass in u (Steck, "Rubidium 87 D line data", rev. 2.2)
RB87_MASS_U = 86.909180520
#: hopping (in E_r) of the two-band model that matches the free-particle slope at the zone edge
TWO_BAND_HOPPING_DEFAULT = 2.0 / math.pi

#: the lattice models of :func:`tunnelling_per_bloch_period` (``model=``)
LATTICE_MODELS = ("plane_wave", "two_band")
#: local error tolerance of the propagations here (that of :func:`lzsm.evolve`'s Magnus default)
DEFAULT_TOL = 1e-10

__getattr__ = renamed_attributes(__name__, {"METHODS": "LATTICE_MODELS"})


# --------------------------------------------------------------------------- unit conversion
def _positive(x: ArrayLike, name: str) -> np.ndarray:
    return _checks.real_array(x, name, positive=True)


def recoil_energy(mass_u: float = RB87_MASS_U, wavelength_nm: float = 842.0) -> float:
    """Recoil energy ``E_r = hbar^2 k_L^2 / (2 M)`` in joule, ``k_L = 2 pi / lambda``.

    The lattice of two counter-propagating beams of wavelength lambda has period
    ``d = lambda / 2 = pi / k_L``.  By hand for 87Rb (M = 86.909180520 u = 1.443161e-25 kg) and
    lambda = 842 nm: k_L = 7.462215e6 /m, E_r = (1.054572e-34)^2 (7.462215e6)^2 /
    (2 x 1.443161e-25) = 2.14557e-30 J = h x 3.2381 kHz; hbar/E_r = 49.151 us.
    """
    m = _checks.positive_scalar(mass_u, "mass_u") * ATOMIC_MASS_UNIT
    lam = _checks.positive_scalar(wavelength_nm, "wavelength_nm") * 1e-9
    k = 2.0 * math.pi / lam
    return HBAR_SI**2 * k**2 / (2.0 * m)


def force_from_acceleration(
    acceleration: ArrayLike, mass_u: float = RB87_MASS_U, wavelength_nm: float = 842.0
) -> np.ndarray:
    """Dimensionless force ``F0 = M a d / E_r`` of a lattice accelerated at ``a`` (m/s^2).

    By hand for 87Rb at lambda = 842 nm (d = 421 nm, E_r = 2.14557e-30 J, see
    :func:`recoil_energy`): ``M d / E_r = 1.443161e-25 x 4.21e-7 / 2.14557e-30 = 0.0283174``
    s^2/m, i.e. ``F0 = 1`` at ``a = 35.314 m/s^2`` and ``F0 = 0.27779`` at ``a = 9.81 m/s^2``.
    """
    a = _positive(acceleration, "acceleration")
    m = _checks.positive_scalar(mass_u, "mass_u") * ATOMIC_MASS_UNIT
    d = _checks.positive_scalar(wavelength_nm, "wavelength_nm") * 1e-9 / 2.0
    return m * a * d / recoil_energy(mass_u, wavelength_nm)


def acceleration_from_force(f0: ArrayLike, mass_u: float = RB87_MASS_U, wavelength_nm: float = 842.0) -> np.ndarray:
    """Inverse of :func:`force_from_acceleration`: ``a = F0 E_r / (M d)`` in m/s^2."""
    f = _positive(f0, "f0")
    m = _checks.positive_scalar(mass_u, "mass_u") * ATOMIC_MASS_UNIT
    d = _checks.positive_scalar(wavelength_nm, "wavelength_nm") * 1e-9 / 2.0
    return f * recoil_energy(mass_u, wavelength_nm) / (m * d)


def bloch_period(f0: ArrayLike) -> np.ndarray:
    """Bloch period ``T_B = h / (F d) = 2 pi / F0`` in units of ``hbar / E_r``."""
    return 2.0 * np.pi / _positive(f0, "f0")


# --------------------------------------------------------------------------- band structure
def _depth(depth: ArrayLike) -> np.ndarray:
    v = _positive(depth, "depth")
    if np.any(v > 40.0):
        raise LzsmValueError(
            f"`depth` (V0/E_r) must be in (0, 40], got {float(np.max(v)):g}: deeper "
            "lattices need more plane waves and tunnel negligibly"
        )
    return v


def _orders(n_max: int, name: str = "n_max") -> int:
    if isinstance(n_max, bool) or not isinstance(n_max, (int, np.integer)) or not 2 <= n_max <= 60:
        raise LzsmValueError(f"`{name}` must be an integer in 2..60, got {n_max!r}")
    return int(n_max)


def plane_wave_hamiltonian(quasimomentum: ArrayLike, depth: float, orders: ArrayLike) -> np.ndarray:
    """``H_nn'(kappa)`` of the lattice ``V0 sin^2(k_L x)`` in the plane waves ``|q + 2 n k_L>``.

    ``quasimomentum`` kappa = q/k_L (any shape), ``depth`` V0/E_r, ``orders`` the integers n.
    Returns ``(*kappa.shape, N, N)`` in units of E_r (module docstring, first equation).
    """
    k = _checks.real_array(quasimomentum, "quasimomentum")
    v0 = float(_depth(depth))
    n = np.asarray(orders, dtype=float)
    if n.ndim != 1 or n.size < 2:
        raise LzsmValueError(f"`orders` must be a 1-D list of at least two integers, got shape {n.shape}")
    size = n.size
    h = np.zeros(k.shape + (size, size))
    idx = np.arange(size)
    h[..., idx, idx] = (k[..., None] + 2.0 * n) ** 2 + v0 / 2.0
    h[..., idx[:-1], idx[1:]] = -v0 / 4.0
    h[..., idx[1:], idx[:-1]] = -v0 / 4.0
    return h


def band_energies(quasimomentum: ArrayLike, depth: float, n_bands: int = 3, n_max: int = 10) -> np.ndarray:
    """Lowest ``n_bands`` Bloch bands ``E_b(kappa)`` in E_r, shape ``(*kappa.shape, n_bands)``.

    Plane waves ``n = -n_max .. n_max`` centred on the folded quasimomentum; the bands are
    periodic (period 2 in kappa) and even in kappa.  Checked against Mathieu characteristic
    values in the tests."""
    k = _checks.real_array(quasimomentum, "quasimomentum")
    nm = _orders(n_max)
    if isinstance(n_bands, bool) or not isinstance(n_bands, (int, np.integer)) or not 1 <= n_bands <= 2 * nm + 1:
        raise LzsmValueError(f"`n_bands` must be an integer in 1..{2 * nm + 1}, got {n_bands!r}")
    folded = k - 2.0 * np.round(k / 2.0)
    e = np.linalg.eigvalsh(plane_wave_hamiltonian(folded, depth, np.arange(-nm, nm + 1)))
    return e[..., :n_bands]


def band_gap(depth: ArrayLike, n_max: int = 10) -> np.ndarray:
    """Exact gap between the two lowest bands at the zone edge (kappa = 1), in E_r.

    ``Delta = V0/2`` to first order in V0 (the n = 0 and n = -1 waves are coupled by V0/4);
    exactly, ``Delta = E_r |a_1(V0/4) - b_1(V0/4)|`` with the Mathieu characteristic values.
    """
    v = _depth(depth)
    nm = _orders(n_max)
    out = np.empty(v.shape)
    for i, v0 in np.ndenumerate(v):
        e = np.linalg.eigvalsh(plane_wave_hamiltonian(1.0, float(v0), np.arange(-nm, nm)))
        out[i] = e[1] - e[0]
    return out[()] if out.ndim == 0 else out


# --------------------------------------------------------------------------- Landau–Zener mapping
def zener_sweep_rate(f0: ArrayLike) -> np.ndarray:
    """Sweep rate at the zone edge, ``alpha = 4 E_r F / (hbar k_L) = (4/pi) F0`` in E_r^2/hbar."""
    return 4.0 * _positive(f0, "f0") / np.pi


def lz_tunnelling_probability(depth: ArrayLike, f0: ArrayLike, gap: ArrayLike | None = None) -> np.ndarray:
    """Zener tunnelling probability per Bloch period from the Landau–Zener formula.

    .. math::  P_{LZ} = \\exp\\left(-\\frac{2\\pi |V|^2}{\\hbar\\alpha}\\right), \\quad
               |V| = \\Delta/2, \\ \\alpha = \\frac{4}{\\pi}\\frac{F_0 E_r^2}{\\hbar}
               \\ \\Rightarrow\\ P_{LZ} = \\exp\\left(-\\frac{\\pi^2\\Delta^2}{8F_0}\\right)

    (``p_diabatic_stay`` of the zone-edge crossing = jump from the lowest to the first excited
    band).  ``gap`` defaults to the exact plane-wave gap :func:`band_gap` of ``depth``.
    """
    f = _positive(f0, "f0")
    g = band_gap(depth) if gap is None else _positive(gap, "gap")
    return analytic.lz_probability(np.asarray(g) / 2.0, zener_sweep_rate(f), 1.0)


def weak_lattice_lz_probability(depth: ArrayLike, f0: ArrayLike) -> np.ndarray:
    """The weak-lattice Landau–Zener form ``exp(-pi^2 (V0/E_r)^2 / (32 F0))`` (gap V0/2).

    The closed form of the experiments' Landau–Zener comparison in their units (module
    docstring).  By hand: V0 = 1.8 E_r, F0 = 1: pi^2 x 3.24 / 32 = 0.99930, P = 0.36814."""
    v = _depth(depth)
    f = _positive(f0, "f0")
    return np.exp(-(np.pi**2) * v**2 / (32.0 * f))


# --------------------------------------------------------------------------- models
def plane_wave_sweep(depth: float, f0: float, orders: ArrayLike, quasimomentum0: float = 0.0) -> LinearSweep:
    """The multi-band lattice under force F0 as a linear sweep ``H(t) = A + B t`` (t in hbar/E_r).

    ``A_nn = (kappa0 + 2n)^2 + V0/2``, ``A_n,n+-1 = -V0/4``, ``B_nn = 2 (kappa0 + 2n) F0/pi``
    (the common ``(F0 t/pi)^2`` is a global phase and is dropped)."""
    f = float(_checks.positive_scalar(f0, "f0"))
    k0 = float(_checks.real_array(quasimomentum0, "quasimomentum0"))
    n = np.asarray(orders, dtype=float)
    a = plane_wave_hamiltonian(k0, depth, n)
    b = 2.0 * (k0 + 2.0 * n) * f / np.pi
    return LinearSweep(a, b)


def two_band_model(
    gap: float, f0: float, hopping: float = TWO_BAND_HOPPING_DEFAULT, quasimomentum0: float = 0.0
) -> TwoLevel:
    """Binary tight-binding lattice under force F0 (module docstring), time in hbar/E_r.

    ``E1 - E2 = -4 J cos(pi kappa(t) / 2)``, ``V = Delta/2``, ``kappa(t) = kappa0 + F0 t / pi``;
    its zone-edge sweep rate is ``4 J (pi/2) (F0/pi) = 2 J F0`` (= 4 F0/pi, the plane-wave
    value, for the default J = 2/pi)."""
    g = _checks.positive_scalar(gap, "gap")
    f = _checks.positive_scalar(f0, "f0")
    j = _checks.positive_scalar(hopping, "hopping")
    k0 = float(_checks.real_array(quasimomentum0, "quasimomentum0"))
    w = 0.5 * f  # d(pi kappa / 2)/dt = (pi/2)(F0/pi)

    def bias(t):
        return -4.0 * j * np.cos(0.5 * np.pi * k0 + w * np.asarray(t))

    def dbias(t):
        return 4.0 * j * w * np.sin(0.5 * np.pi * k0 + w * np.asarray(t))

    return TwoLevel(bias, g / 2.0, bias_derivative=dbias)


def _orders_for(periods: int, n_max: int) -> np.ndarray:
    """Plane waves covering a sweep from kappa = 0 over ``periods`` zones, plus ``n_max`` each side."""
    return np.arange(-(periods + n_max), n_max + 1)


def tunnelling_per_bloch_period(
    depth: ArrayLike,
    f0: ArrayLike,
    model: str = "plane_wave",
    *,
    n_max: int = 4,
    hopping: float = TWO_BAND_HOPPING_DEFAULT,
    method: str | None = None,
    options: Options | None = None,
    tol: float | None = None,
    progress: bool | None = None,
) -> np.ndarray:
    """Probability to leave the lowest band in one Bloch period (exact propagation).

    Starts in the lowest band at the zone centre (kappa = 0), propagates one Bloch period
    ``T_B = 2 pi / F0`` (kappa 0 -> 2, one passage through the zone edge) with
    :func:`lzsm.evolve` and returns ``1 - (population of the lowest band)``, the ``p_jump`` of
    the passage.  ``model``: ``"plane_wave"`` (multi-band, plane waves
    ``n = -(1 + n_max) .. n_max``) or ``"two_band"`` (binary tight-binding lattice with the exact
    plane-wave gap and hopping ``hopping`` E_r).  Broadcasts over depth and f0.

    ``method``, ``options``, ``tol`` (default 1e-10) go to :func:`lzsm.evolve` for every point;
    ``progress`` shows one bar over the points.  A point whose propagation did not finish is NaN
    (with an :class:`lzsm.errors.LzsmConvergenceWarning` from :func:`lzsm.evolve`).
    """
    if method in LATTICE_MODELS:
        deprecated(
            f"tunnelling_per_bloch_period(method={method!r})",
            f"model={method!r} (method= names the integrator, e.g. 'magnus6')",
        )
        model, method = method, None
    model = _checks.choice(model, "model", LATTICE_MODELS)
    v, f = np.broadcast_arrays(_depth(depth), _positive(f0, "f0"))
    nm = _orders(n_max)
    opts = propagation_options(options, DEFAULT_TOL, tol=tol, progress=progress)
    out = np.empty(v.shape)
    gaps: dict[float, float] = {}
    bar, each = point_loop(v.size, opts, "tunnelling per Bloch period")
    with bar:
        for i in np.ndindex(v.shape):
            v0, ff = float(v[i]), float(f[i])
            lattice: LinearSweep | TwoLevel
            if model == "plane_wave":
                lattice = plane_wave_sweep(v0, ff, _orders_for(1, nm))
            else:
                if v0 not in gaps:
                    gaps[v0] = float(band_gap(v0))
                lattice = two_band_model(gaps[v0], ff, hopping)
            ev = evolve(lattice, (0.0, float(bloch_period(ff))), "adiabatic 0", method=method, options=each)
            out[i] = 1.0 - ev.adiabatic_populations[-1, 0]
            bar.update(1)
    return out[()] if out.ndim == 0 else out


# --------------------------------------------------------------------------- Bloch–Zener time traces
_TRACE_VARIABLES = {
    "ground_band_population": ("ground_band", "lowest-band population (adiabatic), plane waves"),
    "first_zone_momentum_population": (
        "first_zone_momentum",
        "population of momenta in the first Brillouin zone (diabatic)",
    ),
    "two_band_lower_population": ("two_band_lower", "lower-band population, binary tight-binding lattice"),
    "staircase": ("staircase", "(1 - P)^n with P the one-period tunnelling"),
}


@dataclass(frozen=True, eq=False, repr=False)
class BlochZenerTrace(Result):
    """Result of :func:`bloch_zener_trace`: band populations over several Bloch periods (time in
    units of T_B).

    ``ground_band`` / ``first_zone_momentum``: plane-wave model, population of the lowest band
    (adiabatic basis) and of the free-particle momenta in the first Brillouin zone, the plane
    wave with ``-1 < kappa(t) + 2n <= 1`` (diabatic basis, what a time-of-flight image counts);
    ``two_band_lower``: lower band of the binary lattice;
    ``staircase``: ``(1 - P)^floor(t/T_B + 1/2)`` with P the plane-wave tunnelling of one period.
    ``status``, ``error_estimate``, ``n_steps``: of the two propagations together (the worst
    status, the larger error estimate, the steps of both); ``n_levels``: plane waves used.
    """

    depth: float
    f0: float
    t_over_bloch_period: np.ndarray
    ground_band: np.ndarray
    first_zone_momentum: np.ndarray
    two_band_lower: np.ndarray
    staircase: np.ndarray
    p_tunnel_per_bloch_period: float
    n_levels: int = 0

    kind = "Bloch–Zener trace"

    def _coords(self) -> dict[str, Any]:
        return {"t_over_bloch_period": self.t_over_bloch_period}

    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        return {name: (["t_over_bloch_period"], getattr(self, attr)) for name, (attr, _) in _TRACE_VARIABLES.items()}

    def _attrs(self) -> dict[str, Any]:
        return {
            "depth_recoil": self.depth,
            "f0": self.f0,
            "p_tunnel_per_bloch_period": self.p_tunnel_per_bloch_period,
            "n_levels": self.n_levels,
            "units": "energies in E_r, times in T_B = 2 pi hbar / (F0 E_r)",
        }

    def to_xarray(self) -> Any:
        """The populations against ``t_over_bloch_period`` (units T_B), with long names."""
        ds = super().to_xarray()
        for name, (_, long_name) in _TRACE_VARIABLES.items():
            ds[name].attrs["long_name"] = long_name
        ds["t_over_bloch_period"].attrs["units"] = "T_B"
        return ds

    def _summary(self) -> list[str]:
        return [
            f"V0 = {self.depth:g} E_r, F0 = {self.f0:g}",
            f"{self.t_over_bloch_period[-1]:g} Bloch periods",
            f"P per period {self.p_tunnel_per_bloch_period:.4g}",
        ]


def bloch_zener_trace(
    depth: float,
    f0: float,
    periods: int = 4,
    points_per_period: int = 100,
    *,
    n_max: int = 4,
    hopping: float = TWO_BAND_HOPPING_DEFAULT,
    method: str | None = None,
    options: Options | None = None,
    tol: float | None = None,
    progress: bool | None = None,
) -> BlochZenerTrace:
    """Populations of the bands over ``periods`` Bloch periods, starting in the lowest band at
    kappa = 0 (plane-wave model with waves ``n = -(periods + n_max), ..., n_max``; binary lattice).

    ``method``, ``options``, ``tol`` (default 1e-10) and ``progress`` go to :func:`lzsm.evolve`
    (both propagations); returns a :class:`BlochZenerTrace` (``.to_xarray()``)."""
    v0 = float(_depth(depth))
    f = _checks.positive_scalar(f0, "f0")
    for name, val, hi in (("periods", periods, 50), ("points_per_period", points_per_period, 2000)):
        if isinstance(val, bool) or not isinstance(val, (int, np.integer)) or not 1 <= val <= hi:
            raise LzsmValueError(f"`{name}` must be an integer in 1..{hi}, got {val!r}")
    nm = _orders(n_max)
    opts = propagation_options(options, DEFAULT_TOL, tol=tol, progress=progress)
    tb = float(bloch_period(f))
    s = np.linspace(0.0, periods, periods * points_per_period + 1)
    te = s * tb
    orders = _orders_for(periods, nm)
    ev = evolve(plane_wave_sweep(v0, f, orders), (0.0, te[-1]), "adiabatic 0", te, method=method, options=opts)
    ground = ev.adiabatic_populations[:, 0]
    kappa = f * te / np.pi
    centre = np.floor((1.0 - kappa) / 2.0).astype(int)  # n with -1 < kappa + 2n <= 1
    col = centre - int(orders[0])
    first_zone = ev.populations[np.arange(te.size), col]
    ev2 = evolve(
        two_band_model(float(band_gap(v0)), f, hopping), (0.0, te[-1]), "adiabatic 0", te, method=method, options=opts
    )
    lower = ev2.adiabatic_populations[:, 0]
    p1 = float(1.0 - ground[points_per_period])
    stairs = (1.0 - p1) ** np.floor(s + 0.5)
    label = ev.method if ev.method == ev2.method else f"{ev.method} + {ev2.method}"
    return BlochZenerTrace(
        v0,
        f,
        s,
        ground,
        first_zone,
        lower,
        stairs,
        p1,
        int(orders.size),
        method=label,
        options=ev.options,
        status=combined_status(ev.status, ev2.status),
        error_estimate=np.fmax(ev.error_estimate, ev2.error_estimate),
        n_steps=ev.n_steps + ev2.n_steps,
    )


# --------------------------------------------------------------------------- figures
def plot_tunnelling(f0: ArrayLike, curves: dict[str, ArrayLike], ax: Any = None, *, styles: dict | None = None) -> Any:
    """Tunnelling probability per Bloch period against 1/F0 (log scale); returns the axes."""
    ax = new_axes(ax, size=(6.4, 4.8))
    x = 1.0 / _positive(f0, "f0")
    for label, y in curves.items():
        kw = (styles or {}).get(label, {})
        ax.semilogy(x, np.asarray(y), label=label, **kw)
    ax.set_xlabel(r"$1/F_0$  ($F_0 = F d / E_r$)")
    ax.set_ylabel("tunnelling per Bloch period")
    ax.legend(fontsize=7)
    return ax


def plot_bloch_zener(trace: BlochZenerTrace, ax: Any = None) -> Any:
    """Bloch–Zener time trace: band populations against t/T_B; returns the axes."""
    ax = new_axes(ax, size=(6.4, 4.8))
    s = trace.t_over_bloch_period
    ax.plot(s, trace.ground_band, label="lowest band, plane waves (adiabatic)")
    ax.plot(s, trace.first_zone_momentum, lw=0.8, label="first-zone momenta (diabatic)")
    ax.plot(s, trace.two_band_lower, "--", label="lower band, two-band model")
    ax.plot(s, trace.staircase, "k:", label=r"$(1-P)^n$")
    ax.set_xlabel(r"$t / T_B$")
    ax.set_ylabel("population")
    ax.set_title(f"$V_0 = {trace.depth:g} E_r$, $F_0 = {trace.f0:g}$", fontsize=9)
    ax.legend(fontsize=7)
    return ax


# --------------------------------------------------------------------------- the scenario
_SCHEMA = {
    "lattice": {"depth_recoil": "number", "wavelength_nm": "number", "mass_u": "number", "n_max": "int"},
    "force": {"f0": "number", "acceleration_m_s2": "number"},
    "two_band": {"hopping_recoil": "number"},
    "bloch_zener": {"depth_recoil": "number", "f0": "number", "periods": "int", "points_per_period": "int"},
}


@register("zener_breakdown", schema=_SCHEMA, doc="docs/zener_breakdown.md")
def zener_breakdown(cfg: Config, out: Path) -> dict:
    """Tunnelling per Bloch period vs force (plane waves, two-band model, Landau–Zener) and a
    Bloch–Zener time trace; recoil units, accelerations converted with mass and wavelength."""
    if cfg.system is not None:
        raise LzsmValueError(
            "zener_breakdown works in recoil units (depth in E_r, force as F0 = F d/E_r "
            "or acceleration in m/s^2); remove the [units] table"
        )
    depths = cfg.get_range("lattice", "depth_recoil", [1.0, 1.8], low=0.0, low_open=True, high=40.0)
    lam = cfg.get("lattice", "wavelength_nm", 842.0, low=100.0, high=20000.0)
    mass = cfg.get("lattice", "mass_u", RB87_MASS_U, low=1.0, high=300.0)
    n_max = cfg.get("lattice", "n_max", 4, low=2, high=60)
    if cfg.has("force", "f0") and cfg.has("force", "acceleration_m_s2"):
        raise LzsmValueError("give either `force.f0` or `force.acceleration_m_s2`, not both")
    f0_low, f0_high = 1e-2, 100.0  # accepted F0 = F d / E_r, however it is given
    if cfg.has("force", "acceleration_m_s2"):
        a_low, a_high = (float(acceleration_from_force(x, mass, lam)) for x in (f0_low, f0_high))
        f0 = np.asarray(
            force_from_acceleration(cfg.get_range("force", "acceleration_m_s2", low=a_low, high=a_high), mass, lam)
        )
    else:
        f0 = cfg.get_range("force", "f0", np.geomspace(0.25, 3.0, 12), low=f0_low, high=f0_high)
    f0 = np.sort(f0)
    acc = np.asarray(acceleration_from_force(f0, mass, lam))
    hop = cfg.get("two_band", "hopping_recoil", TWO_BAND_HOPPING_DEFAULT, low=0.0, low_open=True, high=100.0)
    bz_depth = cfg.get("bloch_zener", "depth_recoil", float(depths[-1]), low=0.0, low_open=True, high=40.0)
    bz_f0 = cfg.get("bloch_zener", "f0", 1.0, low=f0_low, high=f0_high)
    periods = cfg.get("bloch_zener", "periods", 4, low=1, high=50)
    ppp = cfg.get("bloch_zener", "points_per_period", 100, low=4, high=2000)

    vv, ff = np.meshgrid(depths, f0, indexing="ij")
    gap = np.asarray(band_gap(depths))
    p_pw = np.asarray(tunnelling_per_bloch_period(vv, ff, "plane_wave", n_max=n_max))
    p_tb = np.asarray(tunnelling_per_bloch_period(vv, ff, "two_band", hopping=hop))
    p_lz = np.asarray(lz_tunnelling_probability(vv, ff, gap[:, None] * np.ones_like(ff)))
    p_weak = np.asarray(weak_lattice_lz_probability(vv, ff))
    trace = bloch_zener_trace(bz_depth, bz_f0, periods, ppp, n_max=n_max, hopping=hop)

    e_r = recoil_energy(mass, lam)
    import xarray as xr

    ds = xr.Dataset(
        {
            "p_tunnel_plane_wave": (
                ("depth", "f0"),
                p_pw,
                {"long_name": "tunnelling per Bloch period, multi-band plane waves (p_jump)"},
            ),
            "p_tunnel_two_band": (
                ("depth", "f0"),
                p_tb,
                {"long_name": "tunnelling per Bloch period, binary tight-binding lattice"},
            ),
            "p_lz": (("depth", "f0"), p_lz, {"long_name": "Landau-Zener exp(-pi^2 Delta^2/(8 F0)), exact gap"}),
            "p_lz_weak_lattice": (("depth", "f0"), p_weak, {"long_name": "exp(-pi^2 V0^2/(32 F0)) (gap V0/2)"}),
            "band_gap": ("depth", gap, {"units": "E_r", "long_name": "gap of the two lowest bands at the zone edge"}),
            "acceleration": ("f0", acc, {"units": "m/s^2"}),
        },
        coords={
            "depth": ("depth", depths, {"units": "E_r", "long_name": "lattice depth V0"}),
            "f0": ("f0", f0, {"units": "E_r/d", "long_name": "dimensionless force F0 = F d / E_r"}),
        },
        attrs={
            "wavelength_nm": lam,
            "mass_u": mass,
            "recoil_energy_J": e_r,
            "recoil_frequency_hz": e_r / (2 * math.pi * HBAR_SI),
            "references": "Zener, Proc. R. Soc. A 145, 523 (1934); Jona-Lasinio et al., PRL 91, 230406 (2003); "
            "Zenesini et al., PRL 103, 090403 (2009)",
        },
    )
    tr = trace.to_xarray()[list(_TRACE_VARIABLES)]
    ds = xr.merge([ds, tr.rename({k: f"bz_{k}" for k in tr.data_vars})], combine_attrs="override")
    write_dataset(ds, out / "data.nc")

    fig, (ax1, ax2) = new_figure(ncols=2)
    for i, v0 in enumerate(depths):
        c, tag = f"C{i}", ("" if i == 0 else f"_{i}")  # method labels once; '_' hides the repeats
        plot_tunnelling(
            f0,
            {
                f"plane waves, $V_0={v0:g}\\,E_r$": p_pw[i],
                f"{tag}two-band model": p_tb[i],
                f"{tag}LZ, exact gap": p_lz[i],
                f"{tag}LZ, $\\pi^2V_0^2/32F_0$": p_weak[i],
            },
            ax=ax1,
            styles={
                f"plane waves, $V_0={v0:g}\\,E_r$": {"marker": "o", "ls": "none", "color": c},
                f"{tag}two-band model": {"marker": "x", "ls": "none", "color": c},
                f"{tag}LZ, exact gap": {"color": c},
                f"{tag}LZ, $\\pi^2V_0^2/32F_0$": {"color": c, "ls": ":"},
            },
        )
    ax1.set_title("Zener tunnelling per Bloch period", fontsize=9)
    plot_bloch_zener(trace, ax=ax2)
    fig.savefig(out / "zener_breakdown.png", dpi=120)

    rel = np.abs(p_pw / p_lz - 1.0)
    # critical force from a fit ln P = -F_c / F0 on the plane-wave points with P in (1e-3, 0.9)
    fc_fit = []
    for i in range(depths.size):
        ok = (p_pw[i] > 1e-3) & (p_pw[i] < 0.9)
        fc_fit.append(float(-np.polyfit(1.0 / f0[ok], np.log(p_pw[i][ok]), 1)[0]) if ok.sum() >= 2 else float("nan"))
    return {
        "depth_recoil": depths,
        "f0": f0,
        "acceleration_m_s2": acc,
        "recoil_energy_J": e_r,
        "recoil_frequency_hz": e_r / (2 * math.pi * HBAR_SI),
        "band_gap_recoil": gap,
        "p_tunnel_per_bloch_period_plane_wave": p_pw,
        "p_tunnel_per_bloch_period_two_band": p_tb,
        "p_lz_exact_gap": p_lz,
        "p_lz_weak_lattice": p_weak,
        "max_rel_deviation_plane_wave_vs_lz": rel.max(axis=1),
        "max_rel_deviation_two_band_vs_plane_wave": np.abs(p_tb / p_pw - 1.0).max(axis=1),
        "max_rel_deviation_plane_wave_vs_weak_lattice_lz": np.abs(p_pw / p_weak - 1.0).max(axis=1),
        "critical_force_fit": fc_fit,
        "critical_force_lz": np.pi**2 * gap**2 / 8.0,
        "bloch_zener_p_tunnel_per_bloch_period": trace.p_tunnel_per_bloch_period,
        "bloch_zener_ground_band_after_periods": trace.ground_band[::ppp],
        "bloch_zener_staircase_after_periods": trace.staircase[::ppp],
    }
