"""Chemistry: electron-transfer rates through the Landau–Zener transmission coefficient, and the
femtosecond photodissociation of an alkali halide at its covalent–ionic crossing.

Two applications (``docs/chemistry.md``):

* ``electron_transfer`` — the rate of a thermally activated electron transfer between two
  harmonic diabatic free-energy curves (reorganisation energy lambda, driving force Delta G,
  solvent frequency omega) as a function of the electronic coupling ``H_ab = V``, from the
  non-adiabatic (Marcus golden-rule, ``k ∝ V^2``) to the adiabatic (transition-state theory,
  independent of V) limit through the Landau–Zener transmission coefficient
  ``kappa = 2 P_a/(1 + P_a)`` (M. D. Newton & N. Sutin, Annu. Rev. Phys. Chem. 35, 437 (1984);
  R. A. Marcus & N. Sutin, Biochim. Biophys. Acta 811, 265 (1985)).  The sweep rate of the
  crossing is ``alpha = v |F_1 - F_2|`` with the solvent-coordinate velocity v and the slope
  difference ``|F_1 - F_2| = omega sqrt(2 m lambda)``; the thermal average over v is
  :func:`lzsm.thermal_transmission_coefficient`.
* ``nacl_photodissociation`` — a wavepacket launched on the excited (upper adiabatic) curve of
  NaCl oscillates in the well formed by the covalent repulsion and the ionic Coulomb
  attraction; each pass through the crossing at R_c = 9.4 Å splits it (Landau–Zener), and the
  part that leaves on the covalent curve dissociates to Na + Cl: a staircase in the bound
  population (the NaI experiment of T. S. Rose, M. J. Rosker & A. H. Zewail, J. Chem. Phys.
  91, 7415 (1989)).  Exact split-operator dynamics (:mod:`lzsm.molecules.wavepackets`) on the curves of
  :meth:`lzsm.CovalentIonicCrossing.nacl` against the semiclassical branching model
  built from one-pass Landau–Zener probabilities and classical transit times.

Units: the electron-transfer functions take consistent user units with ``hbar`` explicit
(the runner converts eV/meV/cm^-1/K at the edge); the NaCl functions work in atomic units
(bohr, hartree, electron masses, hbar = 1; 1 a.u. of time = 2.4189e-17 s).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike

from lzsm import _checks
from lzsm.errors import LzsmTypeError, LzsmValueError
from lzsm.models.curves import CovalentIonicCrossing, Curves, FunctionCurves, _sym2
from lzsm.molecules.semiclassical import (
    CurveCrossing,
    curve_crossing,
    lz_rate,
    lz_transmission_coefficient,
    marcus_rate,
)
from lzsm.results import Result

from ._framework import Config, new_figure, register, write_dataset

_AU_TIME_FS = 2.4188843265857e-2  # hbar/E_h in fs (CODATA 2018)
_HARTREE_EV = 27.211386245988
_BOHR_ANGSTROM = 0.529177210903


# =========================================================================== electron transfer
def marcus_curves(
    coupling: float,
    reorganization_energy: float,
    reaction_free_energy: float,
    frequency: float,
    mass: float = 1.0,
    hbar: float = 1.0,
) -> FunctionCurves:
    """Harmonic diabatic free-energy curves of an electron transfer along the solvent coordinate x:

    .. math:: V_{11} = \\tfrac12 m\\omega^2 x^2,\\quad V_{22} = \\tfrac12 m\\omega^2 (x - d)^2 + \\Delta G,
              \\quad V_{12} = H_{ab},\\qquad \\lambda = \\tfrac12 m\\omega^2 d^2

    (R. A. Marcus, J. Chem. Phys. 24, 966 (1956)).  They cross at
    ``x_c = d (lambda + Delta G)/(2 lambda)`` at the energy ``Delta G‡ = (lambda + Delta G)^2/(4 lambda)``
    with the slope difference ``|F_1 - F_2| = m omega^2 d = omega sqrt(2 m lambda)``.  ``frequency``
    is the angular frequency omega (rad per time unit); the mass only scales x (every rate is
    independent of it).  ``mass`` and ``hbar`` are stored on the returned model."""
    v = abs(_checks.real_scalar(coupling, "coupling"))
    lam = _checks.positive_scalar(reorganization_energy, "reorganization_energy")
    dg = _checks.real_scalar(reaction_free_energy, "reaction_free_energy")
    w = _checks.positive_scalar(frequency, "frequency")
    m = _checks.positive_scalar(mass, "mass")
    k = m * w * w
    d = np.sqrt(2 * lam / k)

    def potential(x: np.ndarray) -> np.ndarray:
        return _sym2(0.5 * k * x * x, 0.5 * k * (x - d) ** 2 + dg, np.full_like(x, v))

    def gradient(x: np.ndarray) -> np.ndarray:
        return _sym2(k * x, k * (x - d), np.zeros_like(x))

    return FunctionCurves(
        potential, gradient, range_hint=(-4 * d - 1.0, 5 * d + 1.0), mass=m, hbar=_checks.positive_scalar(hbar, "hbar")
    )


def activation_free_energy(reorganization_energy: ArrayLike, reaction_free_energy: ArrayLike) -> np.ndarray:
    """Marcus activation free energy ``Delta G‡ = (lambda + Delta G)^2/(4 lambda)`` (diabatic crossing)."""
    lam = _checks.real_array(reorganization_energy, "reorganization_energy", positive=True)
    dg = _checks.real_array(reaction_free_energy, "reaction_free_energy")
    return (lam + dg) ** 2 / (4 * lam)


def landau_zener_exponent(
    coupling: ArrayLike, reorganization_energy: float, temperature: float, frequency: float, hbar: float = 1.0
) -> np.ndarray:
    """Newton–Sutin adiabaticity exponent ``2 pi gamma`` at the mean thermal speed of the solvent
    coordinate:

    .. math:: 2\\pi\\gamma = \\frac{2\\pi H_{ab}^2}{\\hbar\\,\\bar v\\,|F_1 - F_2|}
              = \\frac{H_{ab}^2}{\\hbar\\omega}\\sqrt{\\frac{\\pi^3}{\\lambda k_BT}}
              = \\frac{\\nu_{el}}{2\\nu_n},\\qquad \\bar v = \\sqrt{2k_BT/(\\pi m)}

    (M. D. Newton & N. Sutin, Annu. Rev. Phys. Chem. 35, 437 (1984), with
    ``nu_el = (2 H_ab^2/h) sqrt(pi^3/(lambda k_B T))`` and ``nu_n = omega/(2 pi)``).
    ``temperature`` is k_B T in energy units."""
    v = np.abs(_checks.real_array(coupling, "coupling"))
    lam = _checks.positive_scalar(reorganization_energy, "reorganization_energy")
    kt = _checks.positive_scalar(temperature, "temperature")
    w = _checks.positive_scalar(frequency, "frequency")
    hb = _checks.positive_scalar(hbar, "hbar")
    return v**2 / (hb * w) * np.sqrt(np.pi**3 / (lam * kt))


def newton_sutin_rate(
    coupling: ArrayLike,
    reorganization_energy: float,
    reaction_free_energy: float,
    temperature: float,
    frequency: float,
    hbar: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """The Newton–Sutin interpolation formula ``k = kappa_el nu_n exp(-Delta G‡/k_BT)`` with

    .. math:: \\kappa_{el} = \\frac{2P_0}{1 + P_0},\\qquad P_0 = 1 - e^{-\\nu_{el}/2\\nu_n}
              = 1 - e^{-2\\pi\\gamma}

    (Landau–Zener at the mean thermal speed, :func:`landau_zener_exponent`; Newton & Sutin 1984,
    eqs. for kappa_el and nu_el).  Returns ``(rate, kappa_el)``.  Non-adiabatic limit:
    ``kappa_el -> nu_el/nu_n`` and the rate is Marcus's golden-rule rate exactly; adiabatic
    limit: ``kappa_el -> 1``, the TST rate ``nu_n exp(-Delta G‡/k_BT)``."""
    x = landau_zener_exponent(coupling, reorganization_energy, temperature, frequency, hbar)
    kappa = np.asarray(lz_transmission_coefficient(-np.expm1(-x)))  # P_0 = 1 - exp(-2 pi gamma)
    nu = _checks.positive_scalar(frequency, "frequency") / (2 * np.pi)
    dg = _checks.real_scalar(reaction_free_energy, "reaction_free_energy")
    boltz = np.exp(-float(activation_free_energy(reorganization_energy, dg)) / float(temperature))
    return kappa * nu * boltz, kappa


def crossover_coupling(reorganization_energy: float, temperature: float, frequency: float, hbar: float = 1.0) -> float:
    """Coupling where the non-adiabatic (Marcus) and adiabatic (TST) limits meet, ``nu_el = nu_n``
    (``2 pi gamma = 1/2``, ``kappa_NA = 1``):

    .. math:: H_{ab}^{*} = \\Big(\\frac{\\hbar\\omega}{2}\\sqrt{\\frac{\\lambda k_BT}{\\pi^3}}\\Big)^{1/2}

    It is the same for the thermally averaged LZ coefficient, whose non-adiabatic limit
    ``(4 pi V^2/(hbar |dF|)) sqrt(pi m/(2 k_B T))`` equals ``nu_el/nu_n``."""
    lam = _checks.positive_scalar(reorganization_energy, "reorganization_energy")
    kt = _checks.positive_scalar(temperature, "temperature")
    w = _checks.positive_scalar(frequency, "frequency")
    hb = _checks.positive_scalar(hbar, "hbar")
    return float(np.sqrt(0.5 * hb * w * np.sqrt(lam * kt / np.pi**3)))


def zusman_rate(
    coupling: ArrayLike,
    reorganization_energy: float,
    reaction_free_energy: float,
    temperature: float,
    relaxation_time: float,
    hbar: float = 1.0,
) -> np.ndarray:
    """Solvent-controlled (overdamped, Debye solvent) interpolation
    ``k = k_NA/(1 + kappa_A)``, ``kappa_A = 4 pi H_ab^2 tau_L/(hbar lambda)``
    (L. D. Zusman, Chem. Phys. 49, 295 (1980); I. Rips & J. Jortner, J. Chem. Phys. 87, 2090
    (1987)), with k_NA the Marcus rate and tau_L the longitudinal relaxation time.  Its
    adiabatic limit ``(1/tau_L) sqrt(lambda/(16 pi k_BT)) exp(-Delta G‡/k_BT)`` is set by the
    solvent's diffusion over the barrier instead of its frequency."""
    tau = _checks.positive_scalar(relaxation_time, "relaxation_time")
    lam = _checks.positive_scalar(reorganization_energy, "reorganization_energy")
    hb = _checks.positive_scalar(hbar, "hbar")
    v = np.abs(_checks.real_array(coupling, "coupling"))
    k_na = marcus_rate(v, lam, reaction_free_energy, temperature, hb)
    return k_na / (1 + 4 * np.pi * v**2 * tau / (hb * lam))


@dataclass(frozen=True, eq=False, repr=False)
class ElectronTransferRates(Result):
    """Rates against the electronic coupling at fixed lambda, Delta G, k_BT and omega.

    ``rate`` is the Landau–Zener rate with the flux-weighted thermal average of kappa(v)
    (:func:`lzsm.lz_rate`); ``rate_newton_sutin`` the closed form with LZ at the
    mean speed (:func:`newton_sutin_rate`); ``marcus_rate`` the golden-rule rate; ``tst_rate``
    the adiabatic limit ``nu_n exp(-Delta G‡/k_BT)``; ``landau_zener_exponent`` 2 pi gamma;
    ``rate_zusman`` the overdamped-solvent interpolation (NaN without a relaxation time)."""

    coupling: np.ndarray
    rate: np.ndarray
    transmission_coefficient: np.ndarray
    rate_newton_sutin: np.ndarray
    transmission_coefficient_newton_sutin: np.ndarray
    marcus_rate: np.ndarray
    tst_rate: float
    landau_zener_exponent: np.ndarray
    rate_zusman: np.ndarray
    reorganization_energy: float
    reaction_free_energy: float
    temperature: float
    frequency: float
    activation_energy: float
    crossover_coupling: float
    hbar: float = 1.0

    def coupling_at_kappa(self, kappa: float = 0.5, averaged: bool = True) -> float:
        """Coupling at which the transmission coefficient equals ``kappa`` (log interpolation on
        the computed grid; NaN when the grid does not bracket it)."""
        k = self.transmission_coefficient if averaged else self.transmission_coefficient_newton_sutin
        if not (k.min() < kappa < k.max()):
            return float("nan")
        return float(np.exp(np.interp(np.log(kappa), np.log(k), np.log(self.coupling))))

    kind = "electron-transfer rates against the coupling"

    _LONG_NAMES: ClassVar[dict[str, str]] = {
        "rate": "LZ rate, thermal average of kappa(v)",
        "marcus_rate": "non-adiabatic (golden-rule) limit",
        "tst_rate": "adiabatic limit nu_n exp(-dG‡/kT)",
        "landau_zener_exponent": "2 pi gamma",
    }

    def _grid(self) -> tuple[tuple[int, ...], list[str], dict[str, np.ndarray]]:
        return self.coupling.shape, ["coupling"], {"coupling": self.coupling}

    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        names = (
            "rate",
            "transmission_coefficient",
            "rate_newton_sutin",
            "transmission_coefficient_newton_sutin",
            "marcus_rate",
            "landau_zener_exponent",
            "rate_zusman",
        )
        out: dict[str, tuple[list[str], Any]] = {n: (["coupling"], getattr(self, n)) for n in names}
        out["tst_rate"] = ([], self.tst_rate)
        return out

    def _attrs(self) -> dict[str, Any]:
        return {
            "reorganization_energy": self.reorganization_energy,
            "reaction_free_energy": self.reaction_free_energy,
            "kT": self.temperature,
            "angular_frequency": self.frequency,
            "activation_energy": self.activation_energy,
            "crossover_coupling": self.crossover_coupling,
            "hbar": self.hbar,
            "reference": "M. D. Newton & N. Sutin, Annu. Rev. Phys. Chem. 35, 437 (1984)",
        }

    def to_xarray(self) -> Any:
        """An ``xarray.Dataset`` of the rates on the ``coupling`` dimension; parameters in attrs."""
        ds = super().to_xarray()
        ds["coupling"].attrs.update(long_name="electronic coupling H_ab = V", units="energy")
        for name, long_name in self._LONG_NAMES.items():
            ds[name].attrs["long_name"] = long_name
        return ds

    def _summary(self) -> list[str]:
        return [f"crossover coupling {self.crossover_coupling:.4g}", f"kT {self.temperature:.4g}"]


def electron_transfer_rates(
    coupling: ArrayLike,
    reorganization_energy: float,
    reaction_free_energy: float,
    temperature: float,
    frequency: float,
    hbar: float = 1.0,
    relaxation_time: float | None = None,
) -> ElectronTransferRates:
    """Electron-transfer rate through the crossing of :func:`marcus_curves` for each coupling.

    The crossing's Landau–Zener parameters come from the curves
    (:func:`lzsm.curve_crossing`: ``E_c = Delta G‡``, ``|dF| = omega sqrt(2 m lambda)``,
    V = H_ab), and the rate is ``kappa(T) nu_n exp(-Delta G‡/k_BT)`` with ``nu_n = omega/(2 pi)``
    and kappa the flux-weighted thermal average of ``2 P_a/(1 + P_a)``, ``P_a = 1 - P_LZ(v)``
    (:func:`lzsm.lz_rate`).  ``temperature`` is k_B T and ``frequency`` the angular
    frequency omega, both in the units of the energies (hbar explicit)."""
    v = np.abs(_checks.real_array(coupling, "coupling", positive=True)).ravel()
    lam = _checks.positive_scalar(reorganization_energy, "reorganization_energy")
    dg = _checks.real_scalar(reaction_free_energy, "reaction_free_energy")
    kt = _checks.positive_scalar(temperature, "temperature")
    w = _checks.positive_scalar(frequency, "frequency")
    hb = _checks.positive_scalar(hbar, "hbar")
    if dg <= -lam * 3 or dg >= lam * 3:
        raise LzsmValueError(
            f"`reaction_free_energy` must lie within ±3 lambda = ±{3 * lam:g} (the crossing "
            f"of the harmonic curves lies between their minima), got {dg:g}"
        )
    rates, kappas = np.empty(v.size), np.empty(v.size)
    nu = w / (2 * np.pi)
    d = np.sqrt(2 * lam / w**2)
    x_c = d * (lam + dg) / (2 * lam)
    for i, vi in enumerate(v):
        cr = curve_crossing(marcus_curves(vi, lam, dg, w, hbar=hb), (x_c - 0.5 * d - 1e-3, x_c + 0.5 * d + 1e-3))
        r = lz_rate(cr, kt, nu)
        rates[i], kappas[i] = float(r.rate), float(r.transmission_coefficient)
    rate_ns, kappa_ns = newton_sutin_rate(v, lam, dg, kt, w, hb)
    dgs = float(activation_free_energy(lam, dg))
    zus = zusman_rate(v, lam, dg, kt, relaxation_time, hb) if relaxation_time is not None else np.full(v.size, np.nan)
    return ElectronTransferRates(
        v,
        rates,
        kappas,
        np.asarray(rate_ns),
        np.asarray(kappa_ns),
        np.asarray(marcus_rate(v, lam, dg, kt, hb)),
        float(nu * np.exp(-dgs / kt)),
        np.asarray(landau_zener_exponent(v, lam, kt, w, hb)),
        np.asarray(zus),
        lam,
        dg,
        kt,
        w,
        dgs,
        crossover_coupling(lam, kt, w, hb),
        hb,
    )


def plot_rate_vs_coupling(
    result: ElectronTransferRates,
    ax: Any = None,
    *,
    coupling_factor: float = 1.0,
    coupling_unit: str = "",
    rate_factor: float = 1.0,
    rate_unit: str = "",
):
    """log k against log H_ab: the LZ rate (thermal average), the Newton–Sutin formula, the
    non-adiabatic (Marcus, ∝ H_ab^2) and adiabatic (TST) limits, the crossover coupling
    (where the limits meet) and, when computed, the Zusman rate.  Returns the axes."""
    if ax is None:
        from matplotlib.figure import Figure

        ax = Figure(figsize=(6, 4)).add_subplot()
    h = result.coupling * coupling_factor
    ax.loglog(h, result.rate * rate_factor, "-", lw=2.5, color="C0", label="Landau–Zener, thermal average of κ(v)")
    ax.loglog(h, result.rate_newton_sutin * rate_factor, "--", color="C1", label="Newton–Sutin (LZ at mean speed)")
    ax.loglog(h, result.marcus_rate * rate_factor, ":", color="k", label="non-adiabatic limit (Marcus)")
    ax.axhline(result.tst_rate * rate_factor, color="0.5", ls="-.", label="adiabatic limit (TST)")
    if np.all(np.isfinite(result.rate_zusman)):
        ax.loglog(h, result.rate_zusman * rate_factor, "-", color="C2", lw=1, label="Zusman (overdamped solvent)")
    ax.axvline(result.crossover_coupling * coupling_factor, color="C3", lw=0.8)
    ax.annotate(
        "$H_{ab}^*$",
        (result.crossover_coupling * coupling_factor, result.tst_rate * rate_factor * 0.05),
        color="C3",
        ha="right",
    )
    ax.set_ylim(np.min(result.rate) * rate_factor * 0.5, result.tst_rate * rate_factor * 3)
    ax.set_xlabel(f"electronic coupling $H_{{ab}}$ {('(' + coupling_unit + ')') if coupling_unit else ''}")
    ax.set_ylabel(f"rate k {('(' + rate_unit + ')') if rate_unit else ''}")
    ax.legend(fontsize="small", loc="lower right")
    return ax


# =========================================================================== NaCl photodissociation
@dataclass(frozen=True, eq=False)
class WalledCovalentIonic(Curves):
    """A :class:`~lzsm.CovalentIonicCrossing` with a short-range wall on the covalent curve,
    for wavepacket dynamics (atomic units):

    .. math:: V_{11}(R) = A\\,e^{-R/\\rho},\\qquad V_{22}, V_{12}\\ \\text{as in the base model}

    with the Born–Mayer ``A``, ``rho`` of the base model's ionic curve.  The base model's
    covalent curve is flat (it is meant for the crossing region); without a wall the lower
    adiabatic curve turns covalent again inside the ionic well and a packet above the Na + Cl
    asymptote falls to R = 0.  ``V22 - V11 = Delta E - 1/R`` is unchanged, so the crossing
    radius is the base model's and the wall at R_c (``A e^{-R_c/rho}``, 5e-13 hartree for NaCl)
    shifts nothing there."""

    base: CovalentIonicCrossing = field(default_factory=CovalentIonicCrossing.nacl)
    hbar: float = 1.0
    coordinate: str = field(default="x", init=False)

    @property
    def n_levels(self) -> int:
        return 2

    @property
    def reduced_mass(self) -> float:
        return self.base.reduced_mass

    @property
    def mass(self) -> float:  # type: ignore[override]
        """The nuclear mass moving along R: the reduced mass (electron masses)."""
        return self.base.reduced_mass

    def parameters(self) -> dict[str, np.ndarray]:
        return self.base.parameters()

    def _wall(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        p = self.base.parameters()
        a, rho = float(p["a"]), float(p["rho"])
        e = a * np.exp(-np.asarray(x, dtype=float) / rho)
        return e, -e / rho

    def potential(self, x: np.ndarray) -> np.ndarray:
        v = self.base.potential(x)
        v[..., 0, 0] += self._wall(x)[0]
        return v

    def gradient(self, x: np.ndarray) -> np.ndarray:
        g = self.base.gradient(x)
        g[..., 0, 0] += self._wall(x)[1]
        return g


@lru_cache(maxsize=8)
def _theta_nodes(n: int = 400) -> tuple[np.ndarray, np.ndarray]:
    x, w = np.polynomial.legendre.leggauss(n)
    return 0.5 * np.pi * (x + 1), 0.5 * np.pi * w


def _path(
    curve: Any, energy: float, mass: float, start: float, end: float, n_nodes: int
) -> tuple[float, float, float, float, np.ndarray, np.ndarray, np.ndarray]:
    """Checked (mass, start, end, energy), the theta nodes and weights, and the curve on them."""
    if not callable(curve):
        raise LzsmTypeError(f"`curve` must be a callable R -> U(R) (vectorised), got {type(curve).__name__}")
    m = _checks.positive_scalar(mass, "mass")
    a, b = _checks.real_scalar(start, "start"), _checks.real_scalar(end, "end")
    e = _checks.real_scalar(energy, "energy")
    th, w = _theta_nodes(_checks.integer(n_nodes, "n_nodes", low=2, high=100_000))
    r = a + (b - a) * 0.5 * (1 - np.cos(th))
    return m, a, b, e, th, w, _checks.real_array(curve(r), "curve(R)")


def transit_time(curve: Any, energy: float, mass: float, start: float, end: float, n_nodes: int = 400) -> float:
    """Classical time ``int_start^end dR / v(R)``, ``v = sqrt(2 (E - U(R))/m)``, on the 1-D curve
    ``U = curve(R)`` (vectorised).  With ``R = a + (b - a)(1 - cos theta)/2`` the integrand
    ``(b - a) sin(theta)/(2 v)`` stays finite at turning points (``v ~ sqrt(R - R_t)``), so a
    Gauss–Legendre rule in theta converges fast whether or not an end is a turning point."""
    m, a, b, energy, th, w, u = _path(curve, energy, mass, start, end, n_nodes)
    if not b > a:
        raise LzsmValueError(f"`end` must exceed `start`, got start={a:g}, end={b:g}")
    ke = energy - u
    if np.any(ke < -1e-12 * max(1.0, abs(energy))):
        raise LzsmValueError(
            f"the curve rises above the energy {energy:g} between {a:g} and {b:g}: "
            "the motion is not classically allowed there"
        )
    v = np.sqrt(np.maximum(2 * ke / m, 1e-300))
    return float(np.sum(w * (b - a) * 0.5 * np.sin(th) / v))


def classical_action(curve: Any, energy: float, mass: float, start: float, end: float, n_nodes: int = 400) -> float:
    """``int_start^end p dR``, ``p = sqrt(2 m (E - U(R)))`` (same quadrature as :func:`transit_time`);
    between turning points twice this is the closed-orbit action S(E), and ``dS/dE`` the period."""
    m, a, b, energy, th, w, u = _path(curve, energy, mass, start, end, n_nodes)
    p = np.sqrt(np.maximum(2 * m * (energy - u), 0.0))
    return float(np.sum(w * (b - a) * 0.5 * np.sin(th) * p))


def turning_point(curve: Any, energy: float, bracket: tuple[float, float]) -> float:
    """The R in ``bracket`` where ``curve(R) = energy`` (Brent, 1e-12); error if not bracketed."""
    from scipy.optimize import brentq

    a, b = _checks.interval(bracket, "bracket")
    e = _checks.real_scalar(energy, "energy")
    if not callable(curve):
        raise LzsmTypeError(f"`curve` must be a callable R -> U(R) (vectorised), got {type(curve).__name__}")

    def f(r: float) -> float:
        return float(np.asarray(curve(np.array([r])))[0]) - e

    if f(a) * f(b) > 0:
        raise LzsmValueError(f"no turning point at energy {e:g} in [{a:g}, {b:g}]")
    return float(brentq(f, a, b, xtol=1e-12))


@dataclass(frozen=True, eq=False, repr=False)
class PhotodissociationPaths(Result):
    """Classical motion at energy E on the adiabatic curves of a covalent–ionic crossing, and the
    one-pass Landau–Zener probability at the crossing (atomic units).

    Times: ``t_first`` from the launch point to R_c on the upper curve; ``t_outer`` the round
    trip R_c -> outer turning point -> R_c on the upper curve (ionic outside); ``t_inner_upper``
    R_c -> inner turning point of the upper curve (covalent inside) -> R_c; ``t_inner_lower``
    the same on the lower curve (ionic inside: the X-state well).  Periods:
    ``adiabatic_period = t_outer + t_inner_upper`` (the upper adiabatic well, followed when
    P_LZ -> 0) and ``diabatic_period = t_outer + t_inner_lower`` (the ionic diabatic well,
    followed when P_LZ -> 1)."""

    energy: float
    mass: float
    crossing: CurveCrossing
    p_diabatic_stay: float
    start: float
    turning_points: tuple[float, float, float]
    t_first: float
    t_outer: float
    t_inner_upper: float
    t_inner_lower: float

    @property
    def adiabatic_period(self) -> float:
        return self.t_outer + self.t_inner_upper

    @property
    def diabatic_period(self) -> float:
        return self.t_outer + self.t_inner_lower

    kind = "classical paths through a covalent-ionic crossing"

    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        names = (
            "t_first",
            "t_outer",
            "t_inner_upper",
            "t_inner_lower",
            "adiabatic_period",
            "diabatic_period",
            "p_diabatic_stay",
        )
        out: dict[str, tuple[list[str], Any]] = {n: ([], getattr(self, n)) for n in names}
        out["turning_point"] = (["turning_point_index"], np.asarray(self.turning_points))
        return out

    def _attrs(self) -> dict[str, Any]:
        return {
            "energy": self.energy,
            "mass": self.mass,
            "start": self.start,
            "crossing_position": self.crossing.position,
            "units": "atomic units",
        }

    def _summary(self) -> list[str]:
        return [
            f"E = {self.energy:.6g}",
            f"P_LZ = {self.p_diabatic_stay:.4g}",
            f"periods {self.adiabatic_period:.6g} / {self.diabatic_period:.6g}",
        ]


def _adiabatic_curve(model: Curves, index: int):
    def curve(r: np.ndarray) -> np.ndarray:
        return np.linalg.eigvalsh(model.potential(np.atleast_1d(np.asarray(r, dtype=float))))[..., index]

    return curve


def photodissociation_paths(
    model: Curves, energy: float, mass: float, start: float, r_max: float = 500.0
) -> PhotodissociationPaths:
    """Classical transit times on the adiabatic curves of ``model`` (state 0 covalent, 1 ionic, one
    crossing in [start, r_max]) at total energy ``energy`` for a packet launched at R = ``start``
    on the upper curve moving outward, and P_LZ at the crossing with the velocity of that energy
    (:meth:`lzsm.CurveCrossing.energy_resolved_p_diabatic_stay`)."""
    m = _checks.positive_scalar(mass, "mass")
    e = float(energy)
    r0 = _checks.positive_scalar(start, "start")
    cr = curve_crossing(model, (r0, float(r_max)))
    if e <= cr.energy:
        raise LzsmValueError(f"`energy` {e:g} must exceed the crossing energy {cr.energy:g}")
    up, lo = _adiabatic_curve(model, 1), _adiabatic_curve(model, 0)
    if float(up(np.array([r0]))[0]) > e:
        raise LzsmValueError(f"the launch point R = {r0:g} lies above the energy on the upper curve")
    rc = cr.position
    r_out = turning_point(up, e, (rc, float(r_max)))
    r_in_up = turning_point(up, e, (0.2 * r0, r0)) if float(up(np.array([0.2 * r0]))[0]) > e else r0
    r_in_lo = turning_point(lo, e, (0.05 * rc, rc))
    return PhotodissociationPaths(
        e,
        m,
        cr,
        float(replace(cr, mass=m).energy_resolved_p_diabatic_stay(e)),
        r0,
        (r_in_up, r_in_lo, r_out),
        transit_time(up, e, m, r0, rc),
        2 * transit_time(up, e, m, rc, r_out),
        2 * transit_time(up, e, m, r_in_up, rc),
        2 * transit_time(lo, e, m, r_in_lo, rc),
    )


def lz_branching_events(
    paths: PhotodissociationPaths, t_end: float, p_diabatic_stay: float | None = None, min_weight: float = 1e-8
) -> tuple[np.ndarray, np.ndarray]:
    """Times and weights of the dissociation events of one-pass Landau–Zener branching with
    classical transit times (the semiclassical picture of Rose, Rosker & Zewail 1989), up to
    ``t_end``, sorted by time.

    Each arrival at the crossing splits the population with P = P_LZ (diabatic stay):

    * outward on the upper curve (covalent inside): P continues covalent -> Na + Cl
      (dissociated); 1 - P follows the upper curve onto the ionic branch and returns after
      ``t_outer``;
    * outward on the lower curve (ionic inside): P stays ionic (upper curve outside, returns
      after ``t_outer``); 1 - P follows the lower curve -> Na + Cl;
    * inward on the ionic branch: P stays ionic (lower curve inside, back after
      ``t_inner_lower``); 1 - P follows the upper curve inside (back after ``t_inner_upper``).

    So the first outward pass dissociates P, and each later round trip ``2 P (1 - P)`` of the
    trapped population (:func:`lzsm.two_pass_probability`, no Stückelberg phase:
    the two inner branches return at different times); for P -> 0 the staircase is
    ``(1 - P)^n`` over the outward passes of the adiabatic well.  Every branch has the energy
    of ``paths``; branches lighter than ``min_weight`` are dropped."""
    import heapq

    p = paths.p_diabatic_stay if p_diabatic_stay is None else float(p_diabatic_stay)
    if not 0 <= p <= 1:
        raise LzsmValueError(f"`p_diabatic_stay` must lie in [0, 1], got {p!r}")
    events: list[tuple[float, str, float]] = [(paths.t_first, "out_upper", 1.0)]
    diss_t: list[float] = []
    diss_w: list[float] = []
    while events:
        time, kind, w = heapq.heappop(events)
        if time > float(t_end) or w < min_weight:
            continue
        if kind == "out_upper":
            diss_t.append(time)
            diss_w.append(w * p)
            heapq.heappush(events, (time + paths.t_outer, "in", w * (1 - p)))
        elif kind == "out_lower":
            diss_t.append(time)
            diss_w.append(w * (1 - p))
            heapq.heappush(events, (time + paths.t_outer, "in", w * p))
        else:
            heapq.heappush(events, (time + paths.t_inner_lower, "out_lower", w * p))
            heapq.heappush(events, (time + paths.t_inner_upper, "out_upper", w * (1 - p)))
    return np.asarray(diss_t), np.asarray(diss_w)


def lz_branching_staircase(
    paths: PhotodissociationPaths, times: ArrayLike, p_diabatic_stay: float | None = None
) -> np.ndarray:
    """Bound (not yet dissociated) population at ``times`` from :func:`lz_branching_events`:
    ``1 - sum of the weights of the events at or before t``."""
    t = _checks.real_array(times, "times")
    et, ew = lz_branching_events(paths, float(np.max(t)) if t.size else 0.0, p_diabatic_stay)
    cum = np.concatenate([[0.0], np.cumsum(ew)])
    return 1.0 - cum[np.searchsorted(et, t, side="right")]


def plateau_times(event_times: ArrayLike, min_gap: float) -> np.ndarray:
    """Midpoints of the gaps longer than ``min_gap`` between consecutive dissociation events
    (where the bound population is flat and can be compared without timing error)."""
    et = np.unique(_checks.real_array(event_times, "event_times"))
    gaps = np.diff(et)
    return 0.5 * (et[:-1] + et[1:])[gaps > _checks.real_scalar(min_gap, "min_gap", nonnegative=True)]


def visit_centroids(times: ArrayLike, signal: ArrayLike, guesses: ArrayLike, half_width: float) -> np.ndarray:
    """Centroids ``int t s(t) dt / int s(t) dt`` of a population signal over the windows
    ``guess ± half_width`` (e.g. the packet's visits to the X well; the guesses only place the
    windows, which should span about a period so that each holds one whole visit)."""
    t = _checks.real_array(times, "times")
    y = _checks.real_array(signal, "signal")
    if t.ndim != 1 or y.shape != t.shape:
        raise LzsmValueError(
            f"`times` and `signal` must be 1-D arrays of one length, got shapes {t.shape} and {y.shape}"
        )
    half_width = _checks.real_scalar(half_width, "half_width", positive=True)
    out = []
    for g in np.ravel(_checks.real_array(guesses, "guesses")):
        sel = (t >= g - half_width) & (t <= g + half_width)
        out.append(float(np.sum(t[sel] * y[sel]) / np.sum(y[sel])) if np.sum(y[sel]) > 0 else float("nan"))
    return np.asarray(out)


@dataclass(frozen=True, eq=False, repr=False)
class PhotodissociationDynamics(Result):
    """Exact wavepacket dynamics of the covalent–ionic photodissociation (atomic units).

    Populations against ``times``: ``upper`` on the upper adiabatic curve (the bound well);
    ``lower_inside`` on the lower curve at R < R_c (excursions into the ionic X well, still
    bound); ``lower_outside`` on the lower curve at R > R_c (covalent, on its way to Na + Cl);
    ``absorbed`` the norm taken by the absorber at the far end (dissociated fragments).
    ``bound = upper + lower_inside`` and ``dissociated = lower_outside + absorbed``.
    ``mean_energy`` is <H> of the initial packet, ``energy_spread`` its standard deviation.

    ``error_estimate`` bounds the error of the four populations at the saved times as the sum
    of ``dt_error`` (twice the Richardson estimate ``|P(dt) - P(2 dt)|/3`` from a run at twice
    the time step), ``grid_error`` (twice the first-order Richardson estimate, 3x the change
    on a grid with 1.5x the points: the split at R_c and the absorber's edge sit on grid
    points, so the populations converge as the spacing; measured ~1e-3 at the defaults) and
    ``norm_defect`` (how far ``bound + dissociated`` is from 1).  The absorber
    (width and strength) is not varied; ``momentum_tail`` is a diagnostic of the grid."""

    times: np.ndarray
    upper: np.ndarray
    lower_inside: np.ndarray
    lower_outside: np.ndarray
    absorbed: np.ndarray
    mean_energy: float
    energy_spread: float
    center: float
    width: float
    crossing_position: float
    grid_x: np.ndarray
    density: np.ndarray  # (n_saved, nx) |psi|^2 summed over states
    momentum_tail: float
    dt: float
    dt_error: float = math.nan
    grid_error: float = math.nan
    norm_defect: float = math.nan

    @property
    def bound(self) -> np.ndarray:
        return self.upper + self.lower_inside

    @property
    def dissociated(self) -> np.ndarray:
        return self.lower_outside + self.absorbed

    kind = "wavepacket photodissociation"

    @property
    def norm_error(self) -> float:
        """Deprecated name of ``error_estimate``."""
        import warnings

        warnings.warn(
            "PhotodissociationDynamics.norm_error is deprecated since lzsm 0.2; use .error_estimate",
            DeprecationWarning,
            stacklevel=2,
        )
        return float(self.error_estimate)

    def _coords(self) -> dict[str, Any]:
        return {"t": self.times, "x": self.grid_x}

    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        out: dict[str, tuple[list[str], Any]] = {
            n: (["t"], getattr(self, n))
            for n in ("upper", "lower_inside", "lower_outside", "absorbed", "bound", "dissociated")
        }
        out["density"] = (["t", "x"], self.density)
        return out

    def _attrs(self) -> dict[str, Any]:
        return {
            "mean_energy": self.mean_energy,
            "energy_spread": self.energy_spread,
            "center": self.center,
            "width": self.width,
            "crossing_position": self.crossing_position,
            "momentum_tail": self.momentum_tail,
            "dt": self.dt,
            "dt_error": self.dt_error,
            "grid_error": self.grid_error,
            "norm_defect": self.norm_defect,
            "not_varied": "absorber",
            "units": "atomic units",
        }

    def _summary(self) -> list[str]:
        return [
            f"t: {self.times.size} saved times",
            f"final dissociated {float(self.dissociated[-1]):.4g}",
            f"errors: time step {self.dt_error:.1e}, grid {self.grid_error:.1e}; absorber NOT varied",
        ]


def nacl_wavepacket(
    model: Curves,
    center: float,
    width: float,
    duration: float,
    *,
    r_min: float = 2.6,
    r_max: float = 50.0,
    n_points: int = 2048,
    dt: float = 10.0,
    n_save: int = 400,
    absorber_width: float = 12.0,
    absorber_strength: float = 0.01,
    progress: bool | None = None,
) -> PhotodissociationDynamics:
    """Launch a Gaussian packet at rest on the upper adiabatic curve at R = ``center`` (bohr;
    ``width`` = sigma of ``|psi|^2``) and propagate it with the split-operator engine
    (:func:`lzsm.propagate`) on ``model``'s diabatic curves with the reduced mass
    ``model.reduced_mass``, a cubic absorber of ``absorber_width`` bohr at the far end (and a
    thin one at the near end, which nothing should reach), to ``duration`` (a.u.).

    The electronic part of the initial packet is the local upper adiabatic state (a vertical
    excitation: the pump puts the ground-state vibrational packet on the excited curve).

    Two more runs check the populations (see :class:`PhotodissociationDynamics`): one at twice
    the time step (Richardson: Strang splitting is second order) and one on a grid with 1.5x
    the points (the split at R_c and the absorber's edge fall on grid points, so the
    populations converge as the spacing, not spectrally).  ``progress``: a bar over the time
    steps of each run (as in :func:`lzsm.propagate`)."""
    from scipy import fft as sfft

    c = _checks.positive_scalar(center, "center")
    s = _checks.positive_scalar(width, "width")
    t_end = _checks.positive_scalar(duration, "duration")
    step = _checks.positive_scalar(dt, "dt")
    n_points = _checks.integer(n_points, "n_points", low=64, high=2**22)
    n_save = _checks.integer(n_save, "n_save", low=1)
    r_min = _checks.positive_scalar(r_min, "r_min")
    r_max = _checks.positive_scalar(r_max, "r_max")
    if not r_min < c < r_max:
        raise LzsmValueError(
            f"`r_min`, `center` and `r_max` must satisfy 0 < r_min < center < r_max, got {r_min:g}, {c:g}, {r_max:g}"
        )
    absorber_width = _checks.positive_scalar(absorber_width, "absorber_width")
    absorber_strength = _checks.real_scalar(absorber_strength, "absorber_strength", nonnegative=True)
    _checks.positive_scalar(getattr(model, "reduced_mass", None), "model.reduced_mass")
    n_steps = int(np.ceil(t_end / step))
    every = max(1, n_steps // max(int(n_save), 1))
    settings = (model, c, s, float(r_min), float(r_max), float(absorber_width), float(absorber_strength))
    run = _photodissociation_run(*settings, n_points, step, n_steps, every, progress)
    coarse = _photodissociation_run(*settings, n_points, 2 * step, -(-n_steps // 2), max(1, every // 2), progress)
    fine = _photodissociation_run(*settings, sfft.next_fast_len(-(-3 * n_points // 2)), step, n_steps, every, progress)
    pops = ("upper", "lower_inside", "lower_outside", "absorbed")

    def largest_change(other: dict[str, Any]) -> float:
        """Largest change of a population at the saved times the two runs share."""
        ta, tb = np.round(run["times"] / step, 6), np.round(other["times"] / step, 6)
        common = np.intersect1d(ta, tb)
        ia, ib = np.searchsorted(ta, common), np.searchsorted(tb, common)
        return max(float(np.max(np.abs(run[p][ia] - other[p][ib]))) for p in pops)

    # twice the Richardson estimates (alone they match the error to leading order, and fall
    # short as often as not): the time step, second order, |P(dt) - P(2 dt)| / 3; the grid,
    # first order in the spacing, 3x the change on a 1.5x finer grid
    dt_error = 2.0 * largest_change(coarse) / 3.0
    grid_error = 2.0 * 3.0 * largest_change(fine)
    norm_defect = float(np.max(np.abs(sum(run[p] for p in pops) - 1.0)))
    ev = run["evolution"]
    return PhotodissociationDynamics(
        ev.times,
        run["upper"],
        run["lower_inside"],
        run["lower_outside"],
        run["absorbed"],
        run["mean_energy"],
        run["energy_spread"],
        c,
        s,
        run["crossing"],
        run["x"],
        np.sum(np.abs(ev.psi) ** 2, axis=-1),
        ev.momentum_tail,
        step,
        dt_error,
        grid_error,
        norm_defect,
        method=ev.method,
        status=ev.status,
        error_estimate=dt_error + grid_error + norm_defect,
    )


def _photodissociation_run(
    model: Curves,
    c: float,
    s: float,
    r_min: float,
    r_max: float,
    absorber_width: float,
    absorber_strength: float,
    n_points: int,
    step: float,
    n_steps: int,
    every: int,
    progress: bool | None = None,
) -> dict[str, Any]:
    """One propagation of :func:`nacl_wavepacket`: populations at the saved times and the
    initial packet's energy."""
    from lzsm.models import adiabatic as bases
    from lzsm.molecules.wavepackets import Grid, absorbing_potential, gaussian_wavepacket, propagate

    mu = float(model.reduced_mass)  # type: ignore[attr-defined]
    grid = Grid.uniform((r_min, r_max), n_points, names=("R",))
    x = grid.axes[0]
    states = np.real(bases.adiabatic_states(model, x))  # (nx, 2 diabatic, 2 adiabatic)
    psi0 = gaussian_wavepacket(grid, c, 0.0, s, states[:, :, 1])
    w = absorbing_potential(grid, 0.0, 0.0)
    ramp = np.clip((x - (x[-1] - absorber_width)) / absorber_width, 0.0, None) ** 3
    w = w + absorber_strength * ramp
    ev = propagate(model, grid, psi0, mu, step, n_steps, absorber=w, save_every=every, progress=progress)
    # populations on the local adiabatic states, inside/outside R_c
    cr = curve_crossing(model, (c, r_max))
    amps = np.einsum("xjn,txj->txn", states, ev.psi)
    dens = np.abs(amps) ** 2 * grid.cell
    inside = x < cr.position
    # mean energy and spread of the initial packet
    v = model.potential(x)
    k = grid.momenta()[0]
    phi = np.fft.fft(psi0, axis=0)
    hpsi = np.einsum("xij,xj->xi", v, psi0) + np.fft.ifft(phi * (k**2 / (2 * mu))[:, None], axis=0)
    e_mean = float(np.real(np.sum(np.conj(psi0) * hpsi)) * grid.cell)
    e2 = float(np.real(np.sum(np.conj(hpsi) * hpsi)) * grid.cell)
    return {
        "evolution": ev,
        "times": ev.times,
        "x": x,
        "crossing": cr.position,
        "upper": dens[:, :, 1].sum(axis=1),
        "lower_inside": dens[:, inside, 0].sum(axis=1),
        "lower_outside": dens[:, ~inside, 0].sum(axis=1),
        "absorbed": ev.absorbed_diabatic.sum(axis=1),
        "mean_energy": e_mean,
        "energy_spread": float(np.sqrt(max(e2 - e_mean**2, 0.0))),
    }


def diabatic_path_action(model: Curves, energy: float, mass: float, r_max: float = 500.0) -> float:
    """Closed-orbit action ``S(E) = oint p dR`` of the ionic path (lower adiabatic curve inside
    R_c, upper outside), whose ``dS/dE`` is the classical period ``t_outer + t_inner_lower``
    (Hamilton's characteristic function; the same check applies to any 1-D orbit)."""
    cr = curve_crossing(model, (1.0, float(r_max)))
    up, lo = _adiabatic_curve(model, 1), _adiabatic_curve(model, 0)
    rc = cr.position
    r_in = turning_point(lo, energy, (0.05 * rc, rc))
    r_out = turning_point(up, energy, (rc, float(r_max)))
    return 2 * (classical_action(lo, energy, mass, r_in, rc) + classical_action(up, energy, mass, rc, r_out))


# =========================================================================== runners
def _si(cfg: Config, x: float, dim: str) -> float:
    """A value read in the scenario's units -> SI (J or s); without [units] it is returned as is."""
    from lzsm.io import units

    if cfg.system is None:
        return float(x)
    if dim == "energy":
        return float(x) * units.ENERGY_UNITS[cfg.system.energy]
    return float(x) * units.TIME_UNITS[cfg.system.time]


def _au(cfg: Config, x: float, dim: str) -> float:
    """A value read in the scenario's units -> atomic units (plain numbers without [units] are a.u.)."""
    from lzsm.io import units

    if cfg.system is None:
        return float(x)
    key = "hartree" if dim == "energy" else "au"
    table = units.ENERGY_UNITS if dim == "energy" else units.TIME_UNITS
    return _si(cfg, x, dim) / table[key]


@register(
    "electron_transfer",
    schema={
        "marcus": {
            "reorganization_energy": "energy",
            "reaction_free_energy": "energy",
            "temperature": "energy",
            "solvent_frequency": "energy",
            "relaxation_time": "time",
        },
        "sweep": {"coupling": "energy"},
    },
    doc="docs/chemistry.md",
)
def electron_transfer(cfg: Config, out: Path) -> dict:
    """Rate against electronic coupling across the non-adiabatic -> adiabatic crossover.

    ``[marcus]``: reorganisation energy lambda, driving force Delta G (products minus
    reactants), temperature (as an energy, e.g. ``"298 K"``), solvent frequency as hbar*omega
    (e.g. ``"100 cm^-1"``; omega = E/hbar), optional Debye relaxation time tau_L for the Zusman
    curve; ``[sweep] coupling`` a range of H_ab."""
    hb = cfg.hbar
    lam = cfg.get("marcus", "reorganization_energy", low=0.0, low_open=True)
    dg = cfg.get("marcus", "reaction_free_energy", 0.0)
    kt = cfg.get("marcus", "temperature", low=0.0, low_open=True)
    w = cfg.get("marcus", "solvent_frequency", low=0.0, low_open=True) / hb
    tau = cfg.get("marcus", "relaxation_time", None, low=0.0, low_open=True)
    hab = cfg.get_range("sweep", "coupling", low=0.0, low_open=True)
    res = electron_transfer_rates(hab, lam, dg, kt, w, hb, tau)
    per_second = 1.0 / _si(cfg, 1.0, "time")
    ds = res.to_xarray()
    ds["rate_per_second"] = ("coupling", res.rate * per_second, {"units": "1/s"})
    ds.attrs["energy_unit"] = cfg.system.energy if cfg.system else "user"
    write_dataset(ds, out / "data.nc")
    cm = _si(cfg, 1.0, "energy") / (6.62607015e-34 * 2.99792458e10) if cfg.system else 1.0
    fig, (ax, ax2) = new_figure(ncols=2, width=5.6, height=4.4)
    cu = "cm$^{-1}$" if cfg.system else ""
    plot_rate_vs_coupling(
        res,
        ax,
        coupling_factor=cm,
        coupling_unit=cu,
        rate_factor=per_second,
        rate_unit="s$^{-1}$" if cfg.system else "",
    )
    ax.set_title(cfg.title, fontsize="medium")
    h = res.coupling * cm
    ax2.semilogx(h, res.transmission_coefficient, "-", lw=2.5, color="C0", label="thermal average of κ(v)")
    ax2.semilogx(h, res.transmission_coefficient_newton_sutin, "--", color="C1", label="Newton–Sutin κ$_{el}$")
    ax2.semilogx(h, np.minimum(res.marcus_rate / res.tst_rate, 1.2), ":", color="k", label="non-adiabatic limit")
    ax2.axhline(0.5, color="0.7", lw=0.6)
    ax2.axvline(res.crossover_coupling * cm, color="C3", lw=0.8, label="$H_{ab}^*$ (limits meet)")
    ax2.set_ylim(0, 1.1)
    ax2.set_xlabel(f"electronic coupling $H_{{ab}}$ ({cu})" if cu else "electronic coupling $H_{ab}$")
    ax2.set_ylabel("transmission coefficient κ")
    ax2.legend(fontsize="small", loc="upper left")
    fig.savefig(out / "chem_et_rate.png", dpi=130)
    small, large = 0, -1
    return {
        "activation_energy": res.activation_energy,
        "tst_rate_per_second": res.tst_rate * per_second,
        "crossover_coupling": res.crossover_coupling,
        "crossover_coupling_cm": res.crossover_coupling * cm,
        "coupling_at_kappa_half_thermal_cm": res.coupling_at_kappa(0.5) * cm,
        "coupling_at_kappa_half_newton_sutin_cm": res.coupling_at_kappa(0.5, averaged=False) * cm,
        "rate_over_marcus_at_smallest_coupling": float(res.rate[small] / res.marcus_rate[small]),
        "rate_over_tst_at_largest_coupling": float(res.rate[large] / res.tst_rate),
        "max_rel_deviation_thermal_vs_newton_sutin": float(np.max(np.abs(res.rate / res.rate_newton_sutin - 1))),
    }


@register(
    "nacl_photodissociation",
    schema={
        "packet": {"excess_energy": "energy", "width_angstrom": "number"},
        "propagation": {
            "duration": "time",
            "time_step": "time",
            "n_points": "int",
            "r_max_angstrom": "number",
            "n_save": "int",
        },
    },
    doc="docs/chemistry.md",
)
def nacl_photodissociation(cfg: Config, out: Path) -> dict:
    """Femtosecond photodissociation of NaCl: exact wavepacket vs Landau–Zener branching.

    ``[packet]``: ``excess_energy`` above Na + Cl (sets the launch point: the inner turning
    point of the upper curve at that energy; default 0.58 eV), ``width_angstrom`` sigma of
    ``|psi|^2`` (default: the X-state v = 0 width sqrt(hbar/(2 mu omega_e)) = 0.0577 Å).
    ``[propagation]``: ``duration`` (default 3.5 ps), ``time_step`` (default 10 a.u. = 0.24 fs),
    ``n_points`` (2048), ``r_max_angstrom`` (26.5 Å; the last 12 bohr absorb), ``n_save`` (400).
    Without [units] energies are hartree and times a.u."""
    from lzsm.molecules.semiclassical import two_pass_probability

    model = WalledCovalentIonic()
    mu = model.reduced_mass
    e_launch = cfg.get("packet", "excess_energy", None, low=0.0, low_open=True)
    e_launch = 0.58 / _HARTREE_EV if e_launch is None else _au(cfg, e_launch, "energy")
    sigma = cfg.get("packet", "width_angstrom", 0.0577, low=0.0, low_open=True) / _BOHR_ANGSTROM
    duration = cfg.get("propagation", "duration", None, low=0.0, low_open=True)
    duration = 3500.0 / _AU_TIME_FS if duration is None else _au(cfg, duration, "time")
    dt = cfg.get("propagation", "time_step", None, low=0.0, low_open=True)
    dt = 10.0 if dt is None else _au(cfg, dt, "time")
    n_points = cfg.get("propagation", "n_points", 2048, low=256, high=65536)
    r_max = cfg.get("propagation", "r_max_angstrom", 26.5, low=12.0) / _BOHR_ANGSTROM
    n_save = cfg.get("propagation", "n_save", 400, low=10)
    if dt > duration / n_save:
        raise LzsmValueError(
            f"`propagation.time_step` must be <= propagation.duration / propagation.n_save "
            f"({duration / n_save:.4g} a.u.; default 10 a.u. = 0.24 fs), got {dt:.4g} a.u."
        )
    up = _adiabatic_curve(model, 1)
    cr0 = curve_crossing(model, (3.0, 60.0))
    if not 0.0 < e_launch < float(model.parameters()["delta_e"]):
        raise LzsmValueError(
            f"`packet.excess_energy` must lie between 0 and the ionic asymptote "
            f"{float(model.parameters()['delta_e']) * _HARTREE_EV:.3f} eV (bound well)"
        )
    center = turning_point(up, e_launch, (2.0, cr0.position))
    dyn = nacl_wavepacket(
        model, center, sigma, duration, r_max=r_max, n_points=n_points, dt=dt, n_save=n_save, progress=cfg.progress
    )
    paths = photodissociation_paths(model, dyn.mean_energy, mu, center)
    p_lz = paths.p_diabatic_stay
    # energy-averaged P_LZ over the packet's (Gaussian) energy distribution
    es = dyn.mean_energy + dyn.energy_spread * np.linspace(-4, 4, 81)
    wts = np.exp(-0.5 * np.linspace(-4, 4, 81) ** 2)
    p_avg = float(np.sum(wts * replace(cr0, mass=mu).energy_resolved_p_diabatic_stay(es)) / np.sum(wts))
    ev_t, _ = lz_branching_events(paths, float(dyn.times[-1]))
    staircase = lz_branching_staircase(paths, dyn.times)
    plateaus = plateau_times(ev_t, 0.25 * min(paths.t_inner_lower, paths.t_inner_upper))
    plateaus = plateaus[plateaus < dyn.times[-1]]
    exact_at = np.interp(plateaus, dyn.times, dyn.bound)
    lz_at = lz_branching_staircase(paths, plateaus)
    first_leak_exact = float(1.0 - exact_at[0]) if plateaus.size else float("nan")
    # the ionic (dominant trapped) path visits the X well at t_first + t_outer + t_inner_lower/2 + k T
    first_visit = paths.t_first + paths.t_outer + 0.5 * paths.t_inner_lower
    visits = first_visit + paths.diabatic_period * np.arange(2)
    if visits[-1] + 0.5 * paths.diabatic_period <= dyn.times[-1]:
        cents = visit_centroids(dyn.times, dyn.lower_inside, visits, 0.5 * paths.diabatic_period)
        period_exact = float(cents[1] - cents[0])
    else:
        period_exact = float("nan")
    de = 1e-4 * dyn.mean_energy
    period_action = (
        diabatic_path_action(model, dyn.mean_energy + de, mu) - diabatic_path_action(model, dyn.mean_energy - de, mu)
    ) / (2 * de)
    # two-pass staircase: first outward pass leaks P, then each diabatic period 2P(1-P)
    n_round = np.floor(np.maximum(dyn.times - paths.t_first, 0) / paths.diabatic_period)
    simple = np.where(dyn.times < paths.t_first, 1.0, (1 - p_lz) * (1 - float(two_pass_probability(p_lz))) ** n_round)

    import xarray as xr

    t_fs = dyn.times * _AU_TIME_FS
    ds = xr.Dataset(
        {
            "bound": ("t", dyn.bound, {"long_name": "bound population (upper curve + lower curve inside R_c)"}),
            "dissociated": ("t", dyn.dissociated),
            "upper_adiabatic": ("t", dyn.upper),
            "lower_adiabatic_inside": ("t", dyn.lower_inside),
            "lower_adiabatic_outside": ("t", dyn.lower_outside),
            "absorbed": ("t", dyn.absorbed),
            "bound_lz_branching": ("t", staircase, {"long_name": "semiclassical LZ branching staircase"}),
            "bound_two_pass": ("t", simple, {"long_name": "(1-P) (1 - 2P(1-P))^n"}),
            "density": (("t", "R"), dyn.density),
            "plateau_bound_exact": ("plateau", exact_at),
            "plateau_bound_lz": ("plateau", lz_at),
        },
        coords={
            "t": ("t", t_fs, {"units": "fs"}),
            "R": ("R", dyn.grid_x, {"units": "bohr"}),
            "plateau": ("plateau", plateaus * _AU_TIME_FS, {"units": "fs"}),
        },
        attrs={
            "mean_energy_eV": dyn.mean_energy * _HARTREE_EV,
            "p_lz_mean_energy": p_lz,
            "crossing_bohr": paths.crossing.position,
            "coupling_at_crossing_hartree": paths.crossing.coupling,
            "force_difference_hartree_per_bohr": paths.crossing.force_difference,
            "reference": "T. S. Rose, M. J. Rosker & A. H. Zewail, J. Chem. Phys. 91, 7415 (1989)",
        },
    )
    write_dataset(ds, out / "data.nc")
    _nacl_figures(model, dyn, paths, staircase, simple, plateaus, exact_at, out, cfg.title)
    return {
        "mean_energy_eV": dyn.mean_energy * _HARTREE_EV,
        "energy_spread_eV": dyn.energy_spread * _HARTREE_EV,
        "launch_point_angstrom": center * _BOHR_ANGSTROM,
        "crossing_angstrom": paths.crossing.position * _BOHR_ANGSTROM,
        "coupling_at_crossing_meV": paths.crossing.coupling * _HARTREE_EV * 1e3,
        "p_lz_mean_energy": p_lz,
        "p_lz_energy_averaged": p_avg,
        "leak_first_pass_exact": first_leak_exact,
        "rel_deviation_leak_vs_lz": first_leak_exact / p_lz - 1,
        "two_pass_leak_per_round_trip_lz": float(two_pass_probability(p_lz)),
        "plateau_times_fs": plateaus * _AU_TIME_FS,
        "plateau_bound_exact": exact_at,
        "plateau_bound_lz_branching": lz_at,
        "max_abs_deviation_plateaus": float(np.max(np.abs(exact_at - lz_at))) if plateaus.size else float("nan"),
        "period_exact_fs": period_exact * _AU_TIME_FS,
        "period_classical_fs": paths.diabatic_period * _AU_TIME_FS,
        "period_from_action_fs": period_action * _AU_TIME_FS,
        "rel_deviation_period_exact_vs_classical": period_exact / paths.diabatic_period - 1,
        "adiabatic_well_period_fs": paths.adiabatic_period * _AU_TIME_FS,
        "error_estimate": float(dyn.error_estimate),
        "error_time_step": dyn.dt_error,
        "error_grid": dyn.grid_error,
        "norm_error": dyn.norm_defect,
        "momentum_tail": dyn.momentum_tail,
    }


def _nacl_figures(
    model: Curves,
    dyn: PhotodissociationDynamics,
    paths: PhotodissociationPaths,
    staircase: np.ndarray,
    simple: np.ndarray,
    plateaus: np.ndarray,
    exact_at: np.ndarray,
    out: Path,
    title: str,
) -> None:
    from lzsm.plot.molecules import plot_curves

    x = dyn.grid_x
    fig, ax = new_figure(width=6.4, height=4.4)
    plot_curves(model, x[x > 3.0], ax, energy_unit="eV", energy_factor=_HARTREE_EV, coupling_scale=1e9)
    ax.lines[-1].remove()  # the non-adiabatic coupling is a spike at this scale: leave it out
    e = dyn.mean_energy * _HARTREE_EV
    for k, colour in ((0, "C4"), (int(np.searchsorted(dyn.times, paths.t_first + 0.2 * paths.t_outer)), "C5")):
        k = min(k, dyn.times.size - 1)
        ax.fill_between(
            x,
            e,
            e + 0.7 * dyn.density[k] / float(np.max(dyn.density[k])),
            color=colour,
            alpha=0.5,
            label=f"|ψ|² at {dyn.times[k] * _AU_TIME_FS:.0f} fs (scaled)",
        )
    ax.axhline(e, color="0.6", lw=0.6)
    ax.axvline(paths.crossing.position, color="0.6", lw=0.6, ls="--")
    ax.set_ylim(-4.5, 2.0)
    ax.set_xlabel("R (bohr)")
    ax.legend(fontsize="x-small", loc="lower right")
    ax.set_title("NaCl: covalent (1) and ionic (2) curves, packet on the upper curve", fontsize="medium")
    fig.savefig(out / "chem_nacl_curves.png", dpi=130)

    fig, ax = new_figure(width=6.4, height=4.2)
    t_fs = dyn.times * _AU_TIME_FS
    ax.plot(t_fs, dyn.bound, "-", lw=2.5, color="C0", label="exact wavepacket: bound")
    ax.plot(t_fs, staircase, "--", color="C3", label="LZ branching (classical transit times)")
    ax.plot(t_fs, simple, ":", color="k", label="$(1-P)(1-2P(1-P))^n$")
    ax.plot(plateaus * _AU_TIME_FS, exact_at, "o", color="C0", ms=4, label="plateaus compared")
    ax.plot(t_fs, dyn.upper, "-", lw=0.8, color="C2", label="upper adiabatic")
    ax.plot(t_fs, dyn.lower_inside, "-", lw=0.8, color="C1", label="X well (lower, R < R$_c$)")
    ax.set_yscale("log")
    ax.set_ylim(1e-3, 1.5)
    ax.set_xlabel("time after excitation (fs)")
    ax.set_ylabel("population")
    ax.legend(fontsize="x-small", loc="lower left")
    ax.set_title(title, fontsize="medium")
    fig.savefig(out / "chem_nacl_staircase.png", dpi=130)
