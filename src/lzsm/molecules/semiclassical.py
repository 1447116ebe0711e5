"""Semiclassical Landau–Zener theory at a molecular curve crossing.

A nucleus moving with velocity v through the crossing point ``x_c`` of two diabatic curves
(``V_ii(x_c) = V_jj(x_c) = E_c``) sees the diabatic energy difference change at the rate
``alpha = v |F_i - F_j|`` with ``F = -dV/dx`` the diabatic forces at ``x_c``, so a single pass
keeps its diabatic character with the Landau–Zener probability (docs/conventions.md)

.. math::  P_{LZ} = \\exp\\!\\Big(-\\frac{2\\pi |V_{ij}(x_c)|^2}{\\hbar\\, v\\, |F_i - F_j|}\\Big)

(L. D. Landau, Phys. Z. Sowjetunion 2, 46 (1932); C. Zener, Proc. R. Soc. A 137, 696 (1932);
E. E. Nikitin & S. Ya. Umanskii, Theory of Slow Atomic Collisions (Springer, 1984), ch. 7;
H. Nakamura, Nonadiabatic Transition: Concepts, Basic Theories and Applications, 2nd ed.
(World Scientific, 2012), ch. 2).  The velocity is that at the crossing,
``v = sqrt(2 (E - E_c)/m)`` for total energy E (energy-resolved probabilities); below ``E_c``
the crossing is not reached classically and the formula does not apply (NaN).

* One pass: ``P_LZ`` is the probability to stay diabatic = jump between adiabatic curves
  (``p_diabatic_stay``); ``1 - P_LZ`` to follow the adiabatic curve.
* Two passes (in and out of a bound region, e.g. M + X collisions passing the covalent–ionic
  crossing on the way in and out): the probability to end on the *other* diabatic curve
  (the upper adiabatic curve outside the crossing) is ``4 P (1 - P) sin^2(Phi_St)`` with the
  Stückelberg phase, and its phase average ``2 P (1 - P)`` (Nikitin & Umanskii, ch. 7).
* Reaction rate through an avoided crossing (Landau–Zener–Marcus): each arrival at the
  crossing continues to products with the transmission coefficient
  ``kappa = 2 P_a / (1 + P_a)``, ``P_a = 1 - P_LZ`` (multiple recrossings summed;
  M. D. Newton & N. Sutin, Annu. Rev. Phys. Chem. 35, 437 (1984)).  Limits: **adiabatic**
  ``P_a -> 1``, ``kappa -> 1`` (transition-state theory on the lower adiabatic curve);
  **non-adiabatic** ``P_a << 1``, ``kappa -> 2 P_a = 4 pi |V|^2/(hbar v |dF|)``, whose thermal
  average times the TST rate is the golden-rule (Marcus) rate
  ``k = (2 pi/hbar) |V|^2 (4 pi lambda k_B T)^(-1/2) exp(-(Delta G + lambda)^2/(4 lambda k_B T))``
  for harmonic diabatic wells (R. A. Marcus, J. Chem. Phys. 24, 966 (1956); the coupling
  prefactor from the golden rule, V. G. Levich & R. R. Dogonadze (1959)).

The nuclear mass and hbar are those of the model (``model.mass``, ``model.hbar``); a
:class:`CurveCrossing` carries them, so its formulas take velocities or energies only.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from lzsm import _checks
from lzsm.errors import LzsmTypeError, LzsmValueError
from lzsm.models.curves import DEFAULT_MASS, Curves
from lzsm.molecules._inputs import curve_model
from lzsm.results import Result, grid_coordinates

_GL_X, _GL_W = np.polynomial.legendre.leggauss(400)
# s in [0, 9] (e^{-81} beyond): nodes and weights for int_0^9 f(s) ds
_S, _SW = 4.5 * (_GL_X + 1.0), 4.5 * _GL_W
_CROSSING = "an lzsm.CurveCrossing (from lzsm.curve_crossing)"


def _out(x: np.ndarray) -> Any:
    return x[()] if isinstance(x, np.ndarray) and x.ndim == 0 else x


def _constants_from_crossing(*old: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """lzsm 0.1 passed ``mass`` and ``hbar`` to the crossing formulas; the crossing carries them
    now (from its model).  ``old`` are the 0.1 parameters after the crossing, in order: a call in
    that form still works (its ``mass``/``hbar`` applied to a copy of the crossing) after a
    DeprecationWarning."""

    def deco(func: Callable[..., Any]) -> Callable[..., Any]:
        params = list(inspect.signature(func).parameters.values())[1:]
        n_positional = sum(p.kind is p.POSITIONAL_OR_KEYWORD for p in params)

        @functools.wraps(func)
        def wrapper(crossing: Any, *args: Any, **kwargs: Any) -> Any:
            positional = {p.name for p in params[: len(args)]}
            if len(args) <= n_positional and not ({"mass", "hbar"} & kwargs.keys()) and not positional & kwargs.keys():
                return func(crossing, *args, **kwargs)
            if len(args) > len(old):
                raise LzsmTypeError(
                    f"{func.__name__}() takes at most {len(old)} arguments after the crossing "
                    f"({', '.join(old)}), got {len(args)}"
                )
            given = dict(zip(old, args))
            for key, value in kwargs.items():
                if key in given:
                    raise LzsmTypeError(f"{func.__name__}() got multiple values for `{key}`")
                given[key] = value
            constants = {k: given.pop(k) for k in ("mass", "hbar") if k in given}
            constants = {k: v for k, v in constants.items() if v is not None}
            if constants:
                names = " and ".join(f"`{k}`" for k in constants)
                warnings.warn(
                    f"{func.__name__}(): passing {names} is deprecated since lzsm 0.2; the crossing "
                    "carries them from its model (TullySimple(mass=...), or "
                    f"dataclasses.replace(crossing, {', '.join(f'{k}=...' for k in constants)}))",
                    DeprecationWarning,
                    stacklevel=2,
                )
                crossing = dataclasses.replace(crossing, **constants)
            return func(crossing, **given)

        return wrapper

    return deco


@dataclass(frozen=True, repr=False)
class CurveCrossing(Result):
    """Local Landau–Zener parameters of two diabatic curves i, j at their crossing.

    ``position`` x_c, ``energy`` E_c = V_ii(x_c) = V_jj(x_c), ``coupling`` V_ij(x_c),
    ``forces`` (F_i, F_j) = -(dV_ii/dx, dV_jj/dx) at x_c, ``states`` (i, j) (0-based diabatic
    indices); ``mass`` and ``hbar`` of the model the crossing belongs to."""

    position: float
    energy: float
    coupling: float
    forces: tuple[float, float]
    states: tuple[int, int]
    mass: float = DEFAULT_MASS
    hbar: float = 1.0

    kind = "curve crossing"

    def __post_init__(self) -> None:
        _checks.positive_scalar(self.mass, "mass")
        _checks.positive_scalar(self.hbar, "hbar")

    @property
    def force_difference(self) -> float:
        """``|F_i - F_j|``, the slope difference of the diabatic curves at the crossing."""
        return abs(self.forces[0] - self.forces[1])

    @property
    def gap(self) -> float:
        """Adiabatic gap ``2 |V|`` at the crossing."""
        return 2 * abs(self.coupling)

    def sweep_rate(self, velocity: ArrayLike) -> Any:
        """``alpha = v |F_i - F_j|``."""
        return _out(np.abs(_checks.real_array(velocity, "velocity")) * self.force_difference)

    @_constants_from_crossing("energy", "mass")
    def velocity(self, energy: ArrayLike) -> Any:
        """Velocity at the crossing for total energy E: ``sqrt(2 (E - E_c)/m)``; NaN below E_c."""
        e = _checks.real_array(energy, "energy")
        with np.errstate(invalid="ignore"):
            return _out(np.where(e > self.energy, np.sqrt(np.maximum(2 * (e - self.energy) / self.mass, 0.0)), np.nan))

    @_constants_from_crossing("velocity", "hbar")
    def p_diabatic_stay(self, velocity: ArrayLike) -> Any:
        """One-pass ``P_LZ = exp(-2 pi V^2/(hbar v |dF|))`` at crossing velocity v (> 0)."""
        v = _checks.real_array(velocity, "velocity", positive=True)
        if self.force_difference == 0:
            raise LzsmValueError("the curves touch without crossing (|F_i - F_j| = 0): Landau–Zener does not apply")
        return _out(np.exp(-2 * np.pi * self.coupling**2 / (self.hbar * v * self.force_difference)))

    @_constants_from_crossing("energy", "mass", "hbar")
    def energy_resolved_p_diabatic_stay(self, energy: ArrayLike) -> Any:
        """``P_LZ`` with the velocity at the crossing from the total energy (NaN below E_c)."""
        v = np.asarray(self.velocity(energy), dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            return _out(np.exp(-2 * np.pi * self.coupling**2 / (self.hbar * v * self.force_difference)))

    @_constants_from_crossing("velocity", "hbar")
    def to_landau_zener(self, velocity: float) -> Any:
        """The equivalent time-domain :class:`lzsm.LandauZener` model (``alpha = v |dF|``, the
        crossing's hbar)."""
        from lzsm.models.two_level import LandauZener

        return LandauZener(coupling=self.coupling, sweep_rate=float(self.sweep_rate(velocity)), hbar=self.hbar)

    # ------------------------------------------------------------------ result
    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        return {
            "position": ([], self.position),
            "energy": ([], self.energy),
            "coupling": ([], self.coupling),
            "force": (["curve"], np.asarray(self.forces, dtype=float)),
        }

    def _coords(self) -> dict[str, Any]:
        return {"curve": np.asarray(self.states)}

    def _attrs(self) -> dict[str, Any]:
        return {
            "mass": self.mass,
            "hbar": self.hbar,
            "force_difference": self.force_difference,
            "force_convention": "F = -dV_ii/dx at the crossing; curve = diabatic index",
        }

    def _summary(self) -> list[str]:
        return [
            f"diabatic {self.states[0]} x {self.states[1]} at x = {self.position:.6g}",
            f"E_c = {self.energy:.6g}",
            f"|V| = {abs(self.coupling):.4g}",
            f"|dF| = {self.force_difference:.4g}",
        ]


def _check_model(model: Any, states: Any) -> tuple[int, int]:
    model = curve_model(model)
    n = model.n_levels
    try:
        i, j = states
    except (TypeError, ValueError):
        raise LzsmValueError(
            f"`states` must be two different diabatic indices in [0, {n - 1}], got {states!r}"
        ) from None
    ok = all(isinstance(s, (int, np.integer)) and not isinstance(s, (bool, np.bool_)) for s in (i, j))
    if not (ok and 0 <= i < n and 0 <= j < n and i != j):
        raise LzsmValueError(f"`states` must be two different diabatic indices in [0, {n - 1}], got {states!r}")
    return int(i), int(j)


def _crossing_at(model: Curves, x_c: float, i: int, j: int) -> CurveCrossing:
    xa = np.array([x_c])
    v = model.potential(xa)[0]
    g = model.gradient(xa)[0]
    return CurveCrossing(
        float(x_c),
        float(0.5 * (v[i, i] + v[j, j])),
        float(abs(v[i, j])),
        (float(-g[i, i]), float(-g[j, j])),
        (i, j),
        mass=float(model.mass),
        hbar=float(model.hbar),
        method="sign change on a grid, Brent to 1e-12",
    )


def find_curve_crossings(
    model: Curves, x_range: tuple[float, float], states: tuple[int, int] = (0, 1), n_scan: int = 4001
) -> list[CurveCrossing]:
    """All crossings of diabatic curves ``states`` in ``x_range``: sign changes of
    ``V_ii - V_jj`` on an ``n_scan``-point grid, refined by Brent's method to 1e-12."""
    from scipy.optimize import brentq

    i, j = _check_model(model, states)
    a, b = _checks.interval(x_range, "x_range")
    xs = np.linspace(a, b, _checks.integer(n_scan, "n_scan", low=3, high=10**7))
    v = model.potential(xs)
    d = v[:, i, i] - v[:, j, j]

    def diff(x: float) -> float:
        vv = model.potential(np.array([x]))[0]
        return float(vv[i, i] - vv[j, j])

    out = []
    for k in np.flatnonzero(np.sign(d[:-1]) * np.sign(d[1:]) < 0):
        out.append(_crossing_at(model, brentq(diff, xs[k], xs[k + 1], xtol=1e-12), i, j))
    for k in np.flatnonzero(d == 0):
        out.append(_crossing_at(model, xs[k], i, j))
    return sorted(out, key=lambda c: c.position)


def curve_crossing(model: Curves, bracket: tuple[float, float], states: tuple[int, int] = (0, 1)) -> CurveCrossing:
    """The single crossing of diabatic curves ``states`` inside ``bracket`` (error if none or
    several), with the model's ``mass`` and ``hbar``.

    Examples
    --------
    >>> import lzsm
    >>> crossing = lzsm.curve_crossing(lzsm.TullySimple(), bracket=(-1.0, 1.0))
    >>> crossing.position, crossing.coupling, crossing.force_difference  # x_c = 0, V = C, |F1 - F2| = 2 A B
    (0.0, 0.005, 0.032)
    >>> round(float(crossing.p_diabatic_stay(velocity=20 / 2000)), 4)  # k = 20, m = 2000: v = k/m
    0.6121
    """
    a, b = _checks.interval(bracket, "bracket")
    found = find_curve_crossings(model, (a, b), states)
    if len(found) != 1:
        where = ", ".join(f"{c.position:.6g}" for c in found) or "none"
        raise LzsmValueError(f"expected exactly one crossing of diabatic curves {states} in {bracket}, found {where}")
    return found[0]


def two_pass_probability(p_diabatic_stay: ArrayLike, stueckelberg_phase: ArrayLike | None = None) -> Any:
    """Probability to end on the other diabatic curve (the upper adiabatic one outside the
    crossing) after passing the crossing twice, in and out of a bound region.

    ``4 P (1 - P) sin^2(Phi_St)`` with the Stückelberg phase; without a phase its average
    ``2 P (1 - P)`` (incoherent passages, e.g. after averaging over impact parameters or
    energies)."""
    p = _checks.real_array(p_diabatic_stay, "p_diabatic_stay")
    bad = (p < 0) | (p > 1)
    if np.any(bad):
        raise LzsmValueError(f"`p_diabatic_stay` must lie in [0, 1], got {p[bad].reshape(-1)[0]:g}")
    if stueckelberg_phase is None:
        return _out(2 * p * (1 - p))
    phi = _checks.real_array(stueckelberg_phase, "stueckelberg_phase")
    return _out(4 * p * (1 - p) * np.sin(phi) ** 2)


def lz_transmission_coefficient(p_adiabatic_follow: ArrayLike) -> Any:
    """Landau–Zener transmission coefficient ``kappa = 2 P_a / (1 + P_a)`` of a reaction
    through an avoided crossing (``P_a = 1 - P_LZ`` per pass, recrossings summed; Newton &
    Sutin 1984).  Adiabatic limit ``kappa -> 1``; non-adiabatic limit ``kappa -> 2 P_a``."""
    pa = _checks.real_array(p_adiabatic_follow, "p_adiabatic_follow")
    bad = (pa < 0) | (pa > 1)
    if np.any(bad):
        raise LzsmValueError(f"`p_adiabatic_follow` must lie in [0, 1], got {pa[bad].reshape(-1)[0]:g}")
    return _out(2 * pa / (1 + pa))


@_constants_from_crossing("temperature", "mass", "hbar")
def thermal_transmission_coefficient(crossing: CurveCrossing, temperature: ArrayLike) -> Any:
    """Flux-weighted thermal average of ``kappa(v)`` at the crossing (mass and hbar of the
    crossing's model):

    .. math:: \\kappa(T) = \\int_0^\\infty \\kappa(v)\\,\\frac{m v}{k_BT}\\,e^{-m v^2/2k_BT}\\,dv
              = \\int_0^\\infty \\kappa\\big(\\sqrt{2 u k_BT/m}\\big)\\,e^{-u}\\,du

    evaluated as ``int_0^inf kappa 2 s e^{-s^2} ds`` with ``u = s^2`` (smooth although
    kappa ~ 1/s in the non-adiabatic limit; 400-point Gauss–Legendre on [0, 9], relative
    error < 1e-12).  ``temperature`` is ``k_B T`` in energy units."""
    _checks.instance(crossing, "crossing", CurveCrossing, _CROSSING)
    kt = _checks.real_array(temperature, "temperature", positive=True)
    v = _S * np.sqrt(2 * kt[..., None] / crossing.mass)
    pa = 1 - crossing.p_diabatic_stay(v)
    return _out(np.sum(_SW * 2 * _S * np.exp(-(_S**2)) * 2 * pa / (1 + pa), axis=-1))


@dataclass(frozen=True, eq=False, repr=False)
class LandauZenerRate(Result):
    """Thermal rate through a curve crossing: ``rate = kappa(T) * nu * exp(-(E_c - E_r)/k_BT)``
    with the attempt frequency nu and reactant energy E_r; ``adiabatic_limit`` is the rate
    with kappa = 1 and ``nonadiabatic_limit`` with kappa -> 2 P_a (golden rule; equal to the
    Marcus rate for harmonic diabatic wells).  Every array has the shape of ``temperature``
    (k_B T), the grid of the result; ``crossing``, ``frequency`` and ``reactant_energy`` are
    the inputs."""

    rate: Any
    transmission_coefficient: Any
    adiabatic_limit: Any
    nonadiabatic_limit: Any
    temperature: Any
    crossing: CurveCrossing | None = None
    frequency: float = math.nan
    reactant_energy: float = 0.0

    kind = "Landau–Zener rate through a curve crossing"

    def _grid(self) -> tuple[tuple[int, ...], list[str], dict[str, np.ndarray]]:
        shape = np.shape(self.temperature)
        dims, coords = grid_coordinates(shape, {"temperature": self.temperature})
        return shape, dims, coords

    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        shape, dims, _ = self._grid()
        long = {
            "rate": "Landau-Zener rate kappa(T) nu exp(-(E_c - E_r)/k_B T)",
            "transmission_coefficient": "thermal transmission coefficient kappa(T)",
            "adiabatic_limit": "rate with kappa = 1 (transition-state theory)",
            "nonadiabatic_limit": "rate with kappa -> 2 P_a (golden rule, Marcus)",
        }
        return {name: (dims, np.broadcast_to(np.asarray(getattr(self, name), dtype=float), shape)) for name in long}

    def _attrs(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "frequency": self.frequency,
            "reactant_energy": self.reactant_energy,
            "temperature_units": "k_B T in energy units",
        }
        if self.crossing is not None:
            c = self.crossing
            out.update(
                crossing_position=c.position,
                crossing_energy=c.energy,
                coupling=c.coupling,
                force_difference=c.force_difference,
                mass=c.mass,
                hbar=c.hbar,
            )
        return out

    def _summary(self) -> list[str]:
        return [f"nu = {self.frequency:.4g}"]


@_constants_from_crossing("temperature", "mass", "frequency", "reactant_energy", "hbar")
def lz_rate(
    crossing: CurveCrossing, temperature: ArrayLike, frequency: float, *, reactant_energy: float = 0.0
) -> LandauZenerRate:
    """Landau–Zener(–Marcus) rate of a reaction passing the crossing, with named limits.

    ``frequency`` is the reactant's attempt frequency nu = omega/(2 pi) (cycles per time
    unit), ``temperature`` ``k_B T`` (energy units), ``reactant_energy`` the bottom of the
    reactant well; mass and hbar are the crossing's (its model's).  The non-adiabatic limit has
    the closed form ``kappa_NA(T) = (4 pi V^2/(hbar |dF|)) sqrt(pi m/(2 k_B T))``."""
    _checks.instance(crossing, "crossing", CurveCrossing, _CROSSING)
    kt = _checks.real_array(temperature, "temperature", positive=True)
    nu = _checks.positive_scalar(frequency, "frequency")
    e_r = _checks.real_scalar(reactant_energy, "reactant_energy")
    m, hb = crossing.mass, crossing.hbar
    boltz = nu * np.exp(-(crossing.energy - e_r) / kt)
    kappa = np.asarray(thermal_transmission_coefficient(crossing, kt))
    k_na = 4 * np.pi * crossing.coupling**2 / (hb * crossing.force_difference) * np.sqrt(np.pi * m / (2 * kt))
    return LandauZenerRate(
        _out(kappa * boltz),
        _out(kappa),
        _out(boltz),
        _out(k_na * boltz),
        _out(kt),
        crossing,
        nu,
        e_r,
        method="Gauss-Legendre thermal average of kappa(v)",
    )


def marcus_rate(
    coupling: ArrayLike,
    reorganization_energy: ArrayLike,
    reaction_free_energy: ArrayLike,
    temperature: ArrayLike,
    hbar: float = 1.0,
) -> Any:
    """Non-adiabatic (golden-rule) Marcus rate
    ``(2 pi/hbar) |V|^2 (4 pi lambda k_B T)^(-1/2) exp(-(Delta G + lambda)^2/(4 lambda k_B T))``
    (``temperature`` = k_B T; ``reaction_free_energy`` Delta G = E_products - E_reactants)."""
    v = np.abs(_checks.complex_array(coupling, "coupling"))
    lam = _checks.real_array(reorganization_energy, "reorganization_energy", positive=True)
    dg = _checks.real_array(reaction_free_energy, "reaction_free_energy")
    kt = _checks.real_array(temperature, "temperature", positive=True)
    hb = _checks.positive_scalar(hbar, "hbar")
    return _out(2 * np.pi / hb * v**2 / np.sqrt(4 * np.pi * lam * kt) * np.exp(-((dg + lam) ** 2) / (4 * lam * kt)))
