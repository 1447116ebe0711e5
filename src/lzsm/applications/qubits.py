"""Superconducting flux qubits: decohered amplitude spectroscopy and the Landau–Zener gate.

Two applications (``docs/qubits.md``):

``flux_qubit_spectroscopy``
    A flux qubit ``H = -(Delta/2) sigma_x - ((eps0 + A cos(omega t))/2) sigma_z`` (docs/conventions.md
    LZSM form; in lzsm's diabatic notation ``V = -Delta/2``, ``E1 - E2 = -(eps0 + A cos wt)``,
    so a passage through the crossing has ``|alpha| = A omega |sin(omega t)|``) driven hard
    through its crossing with relaxation (T1) and decoherence (T2): the time-averaged
    population of the upper diabatic (persistent-current) state against the dc flux detuning
    eps0 and the drive amplitude A — the amplitude-spectroscopy map of W. D. Oliver et al.,
    Science 310, 1653 (2005) and D. M. Berns et al., Nature 455, 51 (2008).  The map comes from
    the closed-form rate model of D. M. Berns et al., PRL 97, 150502 (2006)
    (:func:`rate_model_map`, the same formula as
    :func:`lzsm.rate_equation_upper_population`, summed as a matrix product) and is
    checked at chosen points against the exact periodic steady state of the Lindblad equation
    (:func:`lindblad_upper_population`, built on :func:`lzsm.evolve_open`).

``lz_gate``
    Population transfer ``|0> -> |1>`` between the two diabatic (persistent-current) states by
    one linear sweep of the bias from ``-eps_max`` to ``+eps_max`` in a time T, following the
    ground state adiabatically; its infidelity against T without decoherence (exact
    finite-time Landau–Zener, :func:`lzsm.finite_time_p_diabatic_stay`) and with flux
    (diabatic) dephasing, and the optimal sweep time where the non-adiabatic error
    ``exp(-2 pi delta)`` balances the dephasing error that grows with T.

Units: the runners work in the scenario's ``[units]`` (GHz and ns in the examples, where
``hbar = 1/(2 pi)`` and an energy E/h in GHz equals the angular frequency / 2 pi in 1/ns).  The
flux detuning of the experiments, ``delta_f = Phi/Phi0 - 1/2`` in units of the flux quantum,
converts to the bias by ``eps0 = 2 I_p Phi0 delta_f``, i.e. ``eps0/h = (I_p/e) delta_f``
(``Phi0 = h/2e``); :func:`flux_detuning_to_bias_ghz` does it at the edge.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import constants, special

from lzsm import _checks
from lzsm.applications._common import deprecated, point_loop, propagation_options
from lzsm.applications._framework import Config, new_figure, register, write_dataset
from lzsm.closed_forms.incoherent import rate_equation_upper_population
from lzsm.errors import LzsmValueError
from lzsm.options import Options
from lzsm.plot._axes import new_axes
from lzsm.results import Result

#: Conversion of the flux detuning into the bias: eps0/h [GHz] per (mPhi0 * nA).
#: ``eps0/h = (I_p / e) delta_f``: 1 nA and 1 mPhi0 give 1e-9 * 1e-3 / e Hz = 6.2415e-3 GHz.
GHZ_PER_MPHI0_PER_NA = 1e-12 / constants.e / 1e9


# =========================================================================== units at the edge
def flux_detuning_to_bias_ghz(flux_detuning_mphi0: ArrayLike, persistent_current_na: float) -> np.ndarray:
    """Bias ``eps0/h`` in GHz of a flux qubit at flux detuning ``delta_f`` (in mPhi0) with
    persistent current ``I_p`` (in nA):

    .. math::  \\varepsilon_0 = 2 I_p \\Phi_0\\, \\delta f, \\qquad
               \\varepsilon_0/h = (I_p/e)\\, \\delta f \\quad (\\Phi_0 = h/2e).

    ``I_p = 160 nA`` gives 0.9986 GHz per mPhi0 (Orlando et al., PRB 60, 15398 (1999) for the
    two-state form of the persistent-current qubit)."""
    f = _checks.real_array(flux_detuning_mphi0, "flux_detuning_mphi0")
    ip = _checks.positive_scalar(persistent_current_na, "persistent_current_na")
    return _out(f * ip * GHZ_PER_MPHI0_PER_NA)


def bias_ghz_to_flux_detuning(bias_ghz: ArrayLike, persistent_current_na: float) -> np.ndarray:
    """Inverse of :func:`flux_detuning_to_bias_ghz`: flux detuning in mPhi0 of a bias eps0/h in GHz."""
    e = _checks.real_array(bias_ghz, "bias_ghz")
    ip = _checks.positive_scalar(persistent_current_na, "persistent_current_na")
    return _out(e / (ip * GHZ_PER_MPHI0_PER_NA))


def _out(x):
    x = np.asarray(x, dtype=float)
    return x[()] if x.ndim == 0 else x


def _rates(t1: float, t2: float, names: tuple[str, str] = ("t1", "t2")) -> tuple[float, float]:
    """(gamma_1, Gamma_2) from T1 (may be inf) and T2, with the Lindblad bound T2 <= 2 T1;
    ``names`` are the parameter names used in the error messages (scenario keys in runners)."""
    n1, n2 = names
    t2 = float(_checks.positive_scalar(t2, n2))
    t1 = float(t1)
    if not (t1 > 0):
        raise LzsmValueError(f"`{n1}` must be > 0 (inf for no relaxation), got {t1!r}")
    if t2 > 2 * t1 * (1 + 1e-12):
        raise LzsmValueError(
            f"`{n2}` must be <= 2 {n1} (a Lindblad qubit has 1/T2 = 1/(2 T1) + gamma_phi, "
            f"gamma_phi >= 0), got {n2} = {t2:g}, {n1} = {t1:g}"
        )
    return (0.0 if math.isinf(t1) else 1.0 / t1), 1.0 / t2


# =========================================================================== spectroscopy
def rate_model_map(
    gap: float,
    offset: ArrayLike,
    amplitude: ArrayLike,
    frequency: float,
    t1: float,
    t2: float,
    hbar: float = 1.0,
    n_max: int | None = None,
) -> np.ndarray:
    """Time-averaged upper-diabatic-level population of the driven, relaxing, dephased qubit on
    the grid ``offset x amplitude`` (shape ``(len(offset), len(amplitude))``):

    .. math::  P_{up} = \\frac{W}{2W + \\gamma_1},\\qquad
               W = \\frac{\\Delta^2}{2}\\sum_n J_n^2\\!\\left(\\frac{A}{\\hbar\\omega}\\right)
               \\frac{\\Gamma_2}{(\\varepsilon_0 - n\\hbar\\omega)^2 + (\\hbar\\Gamma_2)^2}

    with ``gamma_1 = 1/T1`` (relaxation from the upper to the lower diabatic level) and
    ``Gamma_2 = 1/T2`` (decay of the diabatic coherence): Berns et al., PRL 97, 150502 (2006),
    there with hbar = 1 (equation numbers not verified here); the same formula as
    :func:`lzsm.rate_equation_upper_population`, evaluated here as the product of
    a Bessel matrix ``J_n(A)^2`` and a Lorentzian matrix ``L_n(eps0)`` so that a 10^5-point map
    costs milliseconds.  Term by term it is the steady state of the Bloch equations in the
    rotating-wave approximation around each resonance (Rabi frequency ``Delta J_n/hbar``), so the
    time-averaged steady state needs independent resonances (``Delta << hbar omega``,
    ``Gamma_2 << omega``) rather than ``hbar Gamma_2 >> Delta J_n``, which the rate (incoherent)
    reading and the transients need — see :func:`lindblad_upper_population` for the exact check.  The map is even in eps0."""
    d = float(_checks.real_array(gap, "gap", nonnegative=True))
    e0 = _checks.real_array(offset, "offset").reshape(-1)
    amp = _checks.real_array(amplitude, "amplitude", nonnegative=True).reshape(-1)
    om = float(_checks.positive_scalar(frequency, "frequency"))
    hbar = float(_checks.positive_scalar(hbar, "hbar"))
    g1, g2 = _rates(t1, t2)
    hw = hbar * om
    x = amp / hw
    if n_max is None:
        n_max = int(max(np.max(x, initial=0.0), np.max(np.abs(e0), initial=0.0) / hw)) + 30
    if not isinstance(n_max, (int, np.integer)) or n_max < 0:
        raise LzsmValueError(f"`n_max` must be a non-negative integer, got {n_max!r}")
    n = np.arange(-n_max, n_max + 1)
    bessel2 = special.jv(n[:, None], x[None, :]) ** 2  # (n, A)
    lorentz = g2 / ((e0[:, None] - n[None, :] * hw) ** 2 + (hbar * g2) ** 2)  # (eps0, n)
    w = 0.5 * d**2 * (lorentz @ bessel2)
    with np.errstate(invalid="ignore"):
        return np.where(2 * w + g1 > 0, w / (2 * w + g1), 0.5)


def lindblad_upper_population(
    gap: float,
    offset: ArrayLike,
    amplitude: ArrayLike,
    frequency: float,
    t1: float,
    t2: float,
    hbar: float = 1.0,
    n_samples: int = 512,
    tol: float | None = None,
    *,
    method: str | None = None,
    options: Options | None = None,
    progress: bool | None = None,
) -> np.ndarray:
    """Exact time-averaged upper-diabatic-level population in the periodic steady state of the
    Lindblad equation of the driven qubit (broadcast over ``offset`` and ``amplitude``).

    Model (the assumptions of :func:`rate_model_map`, without its approximations): the
    Hamiltonian of :class:`lzsm.PeriodicDrive`; relaxation ``L_1 = sqrt(gamma_1) |lower><upper|``
    between the *diabatic* states (the persistent-current state of higher energy at the dc bias
    decays into the other), and pure dephasing ``L_phi = sqrt(gamma_phi/2) sigma_z`` in the
    diabatic basis with ``gamma_phi = 1/T2 - 1/(2 T1)``, so that the diabatic coherence decays at
    ``Gamma_2 = 1/T2``.

    Method: one drive period of :func:`lzsm.evolve_open` from the four Bloch vectors
    ``0, e_x, e_y, e_z`` gives the affine one-period map ``r -> M r + c``; its fixed point
    ``r* = (1 - M)^{-1} c`` is the periodic steady state (any T1: no transient is integrated),
    and a second period from ``r*``, sampled at ``n_samples`` equally spaced times, gives the
    time average.  Points with eps0 < 0 use the symmetry ``sigma_x H(eps0) sigma_x = H(-eps0)``
    (the upper level is then diabatic ``|1>``).  ``method``, ``options``, ``tol`` (default 1e-9) and
    ``progress`` go to both :func:`lzsm.evolve_open` calls."""
    from lzsm.dynamics.open import evolve_open
    from lzsm.models.drives import PeriodicDrive

    d = float(_checks.real_array(gap, "gap", nonnegative=True))
    e0 = _checks.real_array(offset, "offset")
    amp = _checks.real_array(amplitude, "amplitude", nonnegative=True)
    om = float(_checks.positive_scalar(frequency, "frequency"))
    hbar = float(_checks.positive_scalar(hbar, "hbar"))
    if not isinstance(n_samples, (int, np.integer)) or n_samples < 8:
        raise LzsmValueError(f"`n_samples` must be an integer >= 8, got {n_samples!r}")
    g1, g2 = _rates(t1, t2)
    opts = propagation_options(options, 1e-9, tol=tol, progress=progress)
    gphi = g2 - 0.5 * g1
    shape = np.broadcast_shapes(e0.shape, amp.shape)
    e_flat = np.abs(np.broadcast_to(e0, shape)).reshape(-1, 1)
    a_flat = np.broadcast_to(amp, shape).reshape(-1, 1)
    # eps0 > 0: E2 = +eps0/2 > E1, so diabatic |2> (index 1) is the upper level; L moves 1 -> 0
    lower = np.sqrt(g1) * np.array([[0.0, 1.0], [0.0, 0.0]], dtype=complex)
    period = 2 * np.pi / om
    model = PeriodicDrive(d, e_flat, a_flat, om, hbar=hbar)
    pauli = np.array([[[0, 1], [1, 0]], [[0, -1j], [1j, 0]], [[1, 0], [0, -1]]], dtype=complex)
    starts = np.stack([0.5 * np.eye(2)] + [0.5 * (np.eye(2) + p) for p in pauli])  # (4, 2, 2)
    # the grid (points, 4 starts) comes from broadcasting the dephasing rate against the model
    res = evolve_open(
        model,
        (0.0, period),
        starts[None],
        dephasing=np.full((1, 4), gphi),
        collapse_ops=[lower],
        method=method,
        options=opts,
    )
    rho1 = res.rho[:, :, -1]  # (points, 4, 2, 2)
    bloch = np.einsum("kij,psji->psk", pauli, rho1).real  # (points, 4, 3)
    c = bloch[:, 0]
    m = np.swapaxes(bloch[:, 1:] - c[:, None, :], -1, -2)  # columns M e_k
    r_star = np.linalg.solve(np.eye(3)[None] - m, c[..., None])[..., 0]
    rho_star = 0.5 * (np.eye(2)[None] + np.einsum("pk,kij->pij", r_star, pauli))
    te = np.linspace(0.0, period, n_samples + 1)
    res2 = evolve_open(
        model,
        (0.0, period),
        rho_star[:, None],
        te,
        dephasing=np.zeros((1, 1)) + gphi,
        collapse_ops=[lower],
        method=method,
        options=opts,
    )
    p_up = res2.populations[:, 0, :-1, 1].mean(axis=-1)  # periodic: drop the repeated end point
    return _out(p_up.reshape(shape))


def bessel_nodes(n_photons: int, frequency: float, amplitude_max: float, hbar: float = 1.0) -> np.ndarray:
    """Drive amplitudes ``A = hbar omega j_{n,k}`` (zeros of ``J_n(A/(hbar omega))``) up to
    ``amplitude_max`` where the n-photon resonance vanishes (coherent destruction of tunnelling;
    Oliver et al. 2005; Shevchenko, Ashhab & Nori, Phys. Rep. 492, 1 (2010); figure and equation
    numbers not verified here)."""
    if not isinstance(n_photons, (int, np.integer)):
        raise LzsmValueError(f"`n_photons` must be an integer, got {n_photons!r}")
    hw = float(_checks.positive_scalar(hbar, "hbar")) * float(_checks.positive_scalar(frequency, "frequency"))
    amax = float(_checks.real_array(amplitude_max, "amplitude_max", nonnegative=True))
    k = int(amax / hw / np.pi) + abs(int(n_photons)) + 3
    zeros = special.jn_zeros(abs(int(n_photons)), k) * hw
    return zeros[zeros <= amax]


def local_extrema(x: ArrayLike, y: ArrayLike, kind: str = "max") -> np.ndarray:
    """Positions of the interior local maxima (``kind='max'``) or minima of sampled ``y(x)``,
    refined by the vertex of the parabola through each extremum and its two neighbours."""
    kind = _checks.choice(kind, "kind", ("max", "min"))
    x = _checks.real_array(x, "x").reshape(-1)
    y = _checks.real_array(y, "y").reshape(-1)
    if x.size != y.size or x.size < 3:
        raise LzsmValueError(f"`x` and `y` must have the same length >= 3, got {x.size} and {y.size}")
    s = y if kind == "max" else -y
    i = np.nonzero((s[1:-1] > s[:-2]) & (s[1:-1] >= s[2:]))[0] + 1
    x0, x1, x2 = x[i - 1], x[i], x[i + 1]
    y0, y1, y2 = s[i - 1], s[i], s[i + 1]
    den = (x0 - x1) * (x0 - x2) * (x1 - x2)
    a = (x2 * (y1 - y0) + x1 * (y0 - y2) + x0 * (y2 - y1)) / den
    b = (x2**2 * (y0 - y1) + x1**2 * (y2 - y0) + x0**2 * (y1 - y2)) / den
    with np.errstate(divide="ignore", invalid="ignore"):
        vertex = np.where(a < 0, -b / (2 * a), x1)
    return np.clip(vertex, x0, x2)


def first_crossing(x: ArrayLike, y: ArrayLike, level: float) -> float:
    """Smallest ``x`` where sampled ``y(x)`` first reaches ``level`` (linear interpolation);
    NaN if it never does."""
    x = _checks.real_array(x, "x").reshape(-1)
    y = _checks.real_array(y, "y").reshape(-1)
    idx = np.nonzero(y >= level)[0]
    if idx.size == 0:
        return math.nan
    j = int(idx[0])
    if j == 0:
        return float(x[0])
    return float(x[j - 1] + (level - y[j - 1]) * (x[j] - x[j - 1]) / (y[j] - y[j - 1]))


_FEATURES = {  # the keys of the dict that spectroscopy_features returned in lzsm 0.1
    "resonance_peaks",
    "resonance_expected",
    "resonance_max_abs_deviation_over_hw",
    "node_amplitudes",
    "node_expected",
    "node_max_abs_deviation_over_hw",
    "edge_amplitudes",
    "edge_deviation_over_airy_scale",
}


@dataclass(frozen=True, eq=False, repr=False)
class SpectroscopyFeatures(Result):
    """Result of :func:`spectroscopy_features`: the resonances, Bessel nodes and diamond edges
    found on fine cuts of the rate-model map, beside their closed-form positions.

    ``resonance_peaks`` / ``resonance_expected``: maxima of P(eps0) and the nearest
    ``n hbar omega``; ``node_amplitudes[n]`` / ``node_expected[n]``: minima of P(A) on the line
    ``eps0 = n hbar omega`` and the Bessel zeros ``hbar omega j_{n,k}``; ``edge_amplitudes[n]``:
    the diamond edge on that line, ``edge_deviation_over_airy_scale`` its distance from
    ``A = n hbar omega`` in units of ``hbar omega n^(1/3)``; ``*_max_abs_deviation_over_hw``:
    the largest deviations in units of hbar omega (NaN when nothing was found)."""

    hbar_omega: float
    photon_numbers: tuple[int, ...]
    resonance_peaks: np.ndarray
    resonance_expected: np.ndarray
    resonance_max_abs_deviation_over_hw: float
    node_amplitudes: dict[int, np.ndarray]
    node_expected: dict[int, np.ndarray]
    node_max_abs_deviation_over_hw: float
    edge_amplitudes: dict[int, float]
    edge_deviation_over_airy_scale: list[float]

    kind = "amplitude-spectroscopy features"

    def __getitem__(self, key: str) -> Any:
        """lzsm 0.1 returned a dict: ``features[key]`` still works, with a DeprecationWarning."""
        if key not in _FEATURES:
            raise KeyError(key)
        deprecated(f"spectroscopy_features(...)[{key!r}]", f"spectroscopy_features(...).{key}")
        return getattr(self, key)

    def _node_photon_numbers(self) -> np.ndarray:
        return np.concatenate([[n] * len(self.node_expected[n]) for n in self.photon_numbers]).astype(int)

    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        ns = list(self.photon_numbers)
        return {
            "resonance_peak_offset": (["resonance"], self.resonance_peaks),
            "resonance_offset_n_hbar_omega": (["resonance"], self.resonance_expected),
            "resonance_max_abs_deviation_over_hbar_omega": ([], self.resonance_max_abs_deviation_over_hw),
            "node_photon_number": (["node"], self._node_photon_numbers()),
            "node_amplitude_minimum": (["node"], np.concatenate([self.node_amplitudes[n] for n in ns])),
            "node_amplitude_bessel_zero": (["node"], np.concatenate([self.node_expected[n] for n in ns])),
            "node_max_abs_deviation_over_hbar_omega": ([], self.node_max_abs_deviation_over_hw),
            "edge_photon_number": (["edge"], np.array(ns, dtype=int)),
            "edge_amplitude": (["edge"], np.array([self.edge_amplitudes[n] for n in ns], dtype=float)),
            "edge_offset": (["edge"], np.array(ns, dtype=float) * self.hbar_omega),
            "edge_deviation_over_airy_scale": (["edge"], np.asarray(self.edge_deviation_over_airy_scale, dtype=float)),
        }

    def _attrs(self) -> dict[str, Any]:
        return {
            "hbar_omega": self.hbar_omega,
            "source": "fine cuts of rate_model_map (Berns et al., PRL 97, 150502 (2006))",
        }

    def _summary(self) -> list[str]:
        n_nodes = sum(len(v) for v in self.node_expected.values())
        return [
            f"resonances: {self.resonance_peaks.size}",
            f"Bessel nodes: {n_nodes}",
            f"edges on the lines n = {', '.join(map(str, self.photon_numbers))}",
        ]


def spectroscopy_features(
    gap: float,
    frequency: float,
    t1: float,
    t2: float,
    *,
    hbar: float = 1.0,
    cut_amplitude: float,
    photon_numbers: tuple[int, ...],
    amplitude_max: float,
    offset_max: float,
    n_fine: int = 4000,
) -> SpectroscopyFeatures:
    """The published features of the map, located on fine 1-D cuts of :func:`rate_model_map`
    and compared with their closed-form positions:

    * multiphoton resonances: maxima of P(eps0) at ``A = cut_amplitude`` in ``0 < eps0 <
      offset_max`` against ``eps0 = n hbar omega`` (Oliver et al. 2005; Berns et al. 2008);
    * Bessel nodes: minima of P(A) along ``eps0 = n hbar omega`` (n in ``photon_numbers``)
      against ``A = hbar omega j_{n,k}``;
    * diamond edge: the amplitude at which P along ``eps0 = n hbar omega`` first reaches half
      way from its undriven value P(A = 0) to its maximum on the line, against ``A = |eps0|``
      (Berns et al. 2008: the drive reaches the crossing only when ``A > |eps0|``).  The edge is rounded on the Airy scale
      ``a_n = (hbar omega) n^(1/3)`` of ``J_n`` near its turning point; deviations are reported
      in units of hbar omega and of a_n.

    Returns a :class:`SpectroscopyFeatures` (``.to_xarray()``).
    """
    hw = hbar * frequency
    e_fine = np.linspace(0.5 * hw, offset_max, n_fine)
    p_cut = rate_model_map(gap, e_fine, [cut_amplitude], frequency, t1, t2, hbar)[:, 0]
    peaks = local_extrema(e_fine, p_cut, "max")
    n_of_peak = np.rint(peaks / hw)
    dev_peaks = float(np.max(np.abs(peaks - n_of_peak * hw)) / hw) if peaks.size else math.nan
    a_fine = np.linspace(0.0, amplitude_max, n_fine)
    nodes, expected, edges = {}, {}, {}
    dev_nodes, dev_edges = [], []
    for n in photon_numbers:
        p_line = rate_model_map(gap, [n * hw], a_fine, frequency, t1, t2, hbar)[0]
        zeros = bessel_nodes(n, frequency, amplitude_max - 2 * hw, hbar)
        mins = local_extrema(a_fine, p_line, "min")
        # the minimum nearest to each Bessel zero
        found = np.array([mins[np.argmin(np.abs(mins - z))] if mins.size else math.nan for z in zeros])
        nodes[n], expected[n] = found, zeros
        if zeros.size:
            dev_nodes.append(np.max(np.abs(found - zeros)) / hw)
        edge = first_crossing(a_fine, p_line, 0.5 * (p_line[0] + p_line.max()))
        edges[n] = edge
        dev_edges.append((edge - abs(n) * hw) / (hw * abs(n) ** (1 / 3)))
    return SpectroscopyFeatures(
        float(hw),
        tuple(photon_numbers),
        peaks,
        n_of_peak * hw,
        dev_peaks,
        nodes,
        expected,
        float(max(dev_nodes)) if dev_nodes else math.nan,
        edges,
        dev_edges,
        method="rate model, fine cuts",
    )


# =========================================================================== LZ gate
def gate_parameters(gap: ArrayLike, eps_max: ArrayLike, sweep_time: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Landau–Zener parameters of the gate sweep: coupling ``V = Delta/2`` and sweep rate
    ``alpha = 2 eps_max / T`` (bias ``E1 - E2 = alpha t`` for ``t`` in ``[-T/2, T/2]``)."""
    d = _checks.real_array(gap, "gap", positive=True)
    e = _checks.real_array(eps_max, "eps_max", positive=True)
    t = _checks.real_array(sweep_time, "sweep_time", positive=True)
    return 0.5 * d, 2.0 * e / t


def gate_infidelity_coherent(
    gap: ArrayLike, eps_max: ArrayLike, sweep_time: ArrayLike, hbar: float = 1.0
) -> np.ndarray:
    """Infidelity ``1 - F`` of the Landau–Zener gate without decoherence.

    The qubit starts in diabatic ``|0>`` (lzsm index 0, the ground state at the start bias
    ``-eps_max``); the bias ``E1 - E2`` is swept linearly to ``+eps_max`` in a time T; the gate
    succeeds when the system ends in diabatic ``|1>`` (the ground state at the end): an *adiabatic*
    passage that flips the persistent-current state.  ``1 - F`` is the final population of the
    initial diabatic state, exact at finite times (parabolic-cylinder functions,
    :func:`lzsm.finite_time_p_diabatic_stay`; Vitanov & Garraway, PRA 53, 4288 (1996)).
    For ``eps_max >> Delta`` it approaches ``P_LZ = exp(-pi Delta^2 T / (4 hbar eps_max))`` with
    finite-range oscillations of relative size ``~ Delta/eps_max``."""
    from lzsm.closed_forms.landau_zener import finite_time_p_diabatic_stay

    v, a = gate_parameters(gap, eps_max, sweep_time)
    t = _checks.real_array(sweep_time, "sweep_time", positive=True)
    return _out(finite_time_p_diabatic_stay(v, a, 0.5 * t, -0.5 * t, 0, hbar))


def gate_infidelity_evolve(
    gap: float,
    eps_max: float,
    sweep_time: ArrayLike,
    hbar: float = 1.0,
    tol: float | None = None,
    *,
    method: str | None = None,
    options: Options | None = None,
    progress: bool | None = None,
) -> np.ndarray:
    """The same infidelity from the numerical propagation :func:`lzsm.evolve` (independent of the
    closed form), in the rescaled time ``s = t/T`` in ``[-1/2, 1/2]`` so that one call covers all
    T: ``T H(sT)`` is a Landau–Zener model with coupling ``V T`` and sweep rate ``alpha T^2``.
    ``method``, ``options``, ``tol`` (default 1e-11) and ``progress`` go to :func:`lzsm.evolve`."""
    from lzsm.dynamics.coherent import evolve
    from lzsm.models.two_level import LandauZener

    t = _checks.real_array(sweep_time, "sweep_time", positive=True)
    v, a = gate_parameters(gap, eps_max, t)
    opts = propagation_options(options, 1e-11, tol=tol, progress=progress)
    model = LandauZener(coupling=v * t, sweep_rate=a * t**2, hbar=hbar)
    return _out(evolve(model, (-0.5, 0.5), 0, method=method, options=opts).p_diabatic_stay)


def gate_infidelity_open(
    gap: float,
    eps_max: float,
    sweep_time: ArrayLike,
    t2: ArrayLike,
    *,
    t1: float = math.inf,
    temperature: float = 0.0,
    hbar: float = 1.0,
    method: str | None = None,
    options: Options | None = None,
    tol: float | None = None,
    progress: bool | None = None,
) -> np.ndarray:
    """Infidelity of the gate with decoherence (Lindblad, :func:`lzsm.evolve_open`), shape
    ``(len(sweep_time), len(t2))``.

    Environment: flux noise as pure dephasing in the *diabatic* (persistent-current) basis,
    ``L = sqrt(gamma_phi/2) sigma_z`` with ``gamma_phi = 1/T2 - 1/(2 T1)`` (white, classical
    noise: it drives transitions between the adiabatic states near the crossing in both
    directions); optionally energy relaxation ``1/T1`` between the instantaneous eigenstates
    with detailed balance at ``temperature`` (k_B T in energy units; at T = 0 it only returns
    population to the target ground state).  Integrated in the rescaled time ``s = t/T``, where
    the Hamiltonian, the rates and k_B T are all multiplied by T.  ``method``, ``options`` and
    ``tol`` (default 1e-8) go to :func:`lzsm.evolve_open` for every point; ``progress`` shows one
    bar over the points; a point that did not finish is NaN (with the warning of
    :func:`lzsm.evolve_open`)."""
    from lzsm.dynamics.open import evolve_open
    from lzsm.models.two_level import LandauZener

    ts = _checks.real_array(sweep_time, "sweep_time", positive=True).reshape(-1)
    t2s = _checks.real_array(t2, "t2", positive=True).reshape(-1)
    kt = float(_checks.real_array(temperature, "temperature", nonnegative=True))
    v, a = gate_parameters(gap, eps_max, ts)
    g1 = _rates(t1, float(np.max(t2s)))[0]
    gphi = 1.0 / t2s - 0.5 * g1
    opts = propagation_options(options, 1e-8, tol=tol, progress=progress)
    sz = np.diag([1.0, -1.0]).astype(complex)
    out = np.empty((ts.size, t2s.size))
    bar, each = point_loop(out.size, opts, "gate infidelity (Lindblad)")
    with bar:
        for j in range(t2s.size):
            for i, t in enumerate(ts):
                model = LandauZener(coupling=v * t, sweep_rate=a[i] * t**2, hbar=hbar)
                res = evolve_open(
                    model,
                    (-0.5, 0.5),
                    0,
                    collapse_ops=[np.sqrt(0.5 * gphi[j] * t) * sz],
                    relaxation=g1 * t,
                    temperature=kt * t,
                    basis="adiabatic",
                    method=method,
                    options=each,
                )
                out[i, j] = float(res.p_diabatic_stay)
                bar.update(1)
    return out


def gate_error_estimate(
    gap: ArrayLike, eps_max: ArrayLike, sweep_time: ArrayLike, t2: ArrayLike, hbar: float = 1.0
) -> np.ndarray:
    """Two-term estimate of the gate infidelity, non-adiabatic + dephasing:

    .. math::  1 - F \\approx e^{-bT} + cT,\\qquad
               b = \\frac{\\pi\\Delta^2}{4\\hbar\\varepsilon_{max}},\\qquad
               c = \\frac{\\gamma_\\varphi \\Delta}{2\\varepsilon_{max}}
                   \\arctan\\frac{\\varepsilon_{max}}{\\Delta}
                   \\;\\to\\; \\frac{\\pi\\Delta}{4\\varepsilon_{max} T_2}.

    ``exp(-bT)`` is P_LZ = exp(-2 pi V^2/(hbar alpha)) with V = Delta/2, alpha = 2 eps_max/T.
    The dephasing term: in the adiabatic basis ``sigma_z = cos(2 theta) tau_z + sin(2 theta)
    tau_x``, so ``L = sqrt(gamma_phi/2) sigma_z`` excites the ground state at the rate
    ``(gamma_phi/2) sin^2(2 theta) = (gamma_phi/2) Delta^2/(eps^2 + Delta^2)``; integrated over
    the linear sweep ``eps = 2 eps_max t/T`` this is ``cT`` (first order in gamma_phi; here
    ``gamma_phi = 1/T2``, no relaxation)."""
    v, _ = gate_parameters(gap, eps_max, sweep_time)
    d = 2 * v
    e = np.asarray(eps_max, dtype=float)
    t = np.asarray(sweep_time, dtype=float)
    g = 1.0 / _checks.real_array(t2, "t2", positive=True)
    b = np.pi * d**2 / (4 * hbar * e)
    c = g * d * np.arctan(e / d) / (2 * e)
    return _out(np.exp(-b * t) + c * t)


def optimal_sweep_time_estimate(
    gap: ArrayLike, eps_max: ArrayLike, t2: ArrayLike, hbar: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Minimum of :func:`gate_error_estimate` ``exp(-bT) + cT``: ``b exp(-bT*) = c``, so

    .. math::  T^* = \\frac{\\ln(b/c)}{b},\\qquad (1 - F)_{min} = \\frac{c}{b}\\,(1 + \\ln(b/c)),
               \\qquad \\frac{b}{c} \\to \\frac{\\Delta T_2}{\\hbar}\\ (\\varepsilon_{max} \\gg \\Delta).

    The optimum needs ``b > c`` (``Delta T2/hbar`` above ~1); the minimal infidelity depends
    only on ``hbar/(Delta T2)``.  Returns ``(T*, minimal infidelity)``."""
    d = _checks.real_array(gap, "gap", positive=True)
    e = _checks.real_array(eps_max, "eps_max", positive=True)
    g = 1.0 / _checks.real_array(t2, "t2", positive=True)
    b = np.pi * d**2 / (4 * hbar * e)
    c = g * d * np.arctan(e / d) / (2 * e)
    if np.any(b <= c):
        raise LzsmValueError("no optimum: dephasing dominates at every sweep time (need Delta T2/hbar > ~1)")
    r = b / c
    return _out(np.log(r) / b), _out((1 + np.log(r)) / r)


def minimum_of_curve(x: ArrayLike, y: ArrayLike, window: float = 1.35) -> tuple[float, float]:
    """Location and value of the minimum of a sampled, slightly wiggly ``y(x)`` (x > 0): the
    vertex of the least-squares parabola in ``ln x`` through the samples within a factor
    ``window`` of the smallest sample (re-centred once on the vertex).  The fit averages over
    the finite-range oscillations of the gate infidelity instead of picking one of their dips.
    Falls back to the smallest sample when fewer than 3 points are in the window or the
    parabola does not open upwards."""
    x = _checks.real_array(x, "x", positive=True).reshape(-1)
    y = _checks.real_array(y, "y").reshape(-1)
    window = float(_checks.positive_scalar(window, "window"))
    if x.size != y.size:
        raise LzsmValueError(f"`x` and `y` must have the same length, got {x.size} and {y.size}")
    i = int(np.argmin(y))
    best = (float(x[i]), float(y[i]))
    centre = x[i]
    for _ in range(2):
        sel = (x >= centre / window) & (x <= centre * window)
        if np.count_nonzero(sel) < 3:
            return best
        coef = np.polyfit(np.log(x[sel]), y[sel], 2)
        if coef[0] <= 0:
            return best
        l0 = -coef[1] / (2 * coef[0])
        if not (np.log(x.min()) <= l0 <= np.log(x.max())):
            return best
        centre = math.exp(l0)
    return float(centre), float(np.polyval(coef, l0))


# =========================================================================== figures
def plot_spectroscopy_map(
    offset: ArrayLike,
    amplitude: ArrayLike,
    population: ArrayLike,
    ax: Any = None,
    *,
    frequency: float,
    hbar: float = 1.0,
    photon_numbers: tuple[int, ...] = (),
    edges: bool = True,
    title: str = "",
    vmax: float | None = None,
) -> Any:
    """An amplitude-spectroscopy map (eps0 horizontal, A vertical) with the multiphoton
    resonance lines eps0 = n hbar omega (white, faint), the Bessel nodes
    ``A = hbar omega j_{n,k}`` on the lines of ``photon_numbers`` (circles) and the diamond edges
    ``A = |eps0|`` (dashed).  Returns the axes."""
    ax = new_axes(ax, size=(5.6, 4.4))
    e = np.asarray(offset, dtype=float)
    a = np.asarray(amplitude, dtype=float)
    p = np.asarray(population, dtype=float)
    mesh = ax.pcolormesh(
        e,
        a,
        p.T,
        shading="auto",
        cmap="magma",
        vmin=0.0,
        vmax=vmax if vmax is not None else max(0.5, float(np.nanmax(p))),
    )
    ax.figure.colorbar(mesh, ax=ax, label=r"$\overline{P}_{\rm up}$ (upper diabatic state)")
    hw = hbar * frequency
    for n in range(int(np.ceil(e.min() / hw)), int(np.floor(e.max() / hw)) + 1):
        ax.axvline(n * hw, color="w", lw=0.3, alpha=0.25)
    for n in photon_numbers:
        z = bessel_nodes(n, frequency, a.max(), hbar)
        ax.plot(np.full(z.shape, n * hw), z, "o", ms=4, mfc="none", mec="c", mew=1.0)
    if edges:
        xs = np.array([e.min(), 0.0, e.max()]) if e.min() < 0 < e.max() else np.array([e.min(), e.max()])
        ax.plot(xs, np.abs(xs), "--", color="c", lw=0.9, label=r"diamond edge $A = |\varepsilon_0|$")
        ax.legend(loc="upper left", fontsize=7, framealpha=0.6)
    ax.set_xlim(e.min(), e.max())
    ax.set_ylim(a.min(), a.max())
    ax.set_xlabel(r"dc bias $\varepsilon_0/h$")
    ax.set_ylabel(r"drive amplitude $A/h$")
    if title:
        ax.set_title(title, fontsize=9)
    return ax


def plot_gate_infidelity(
    sweep_time: ArrayLike,
    coherent: ArrayLike,
    open_: ArrayLike,
    t2: ArrayLike,
    ax: Any = None,
    *,
    estimate: ArrayLike | None = None,
    optimum: ArrayLike | None = None,
    optimum_estimate: ArrayLike | None = None,
    time_unit: str = "",
    coherent_time: ArrayLike | None = None,
    p_lz: ArrayLike | None = None,
) -> Any:
    """Infidelity against sweep time: the exact coherent curve (sampled at ``coherent_time`` if
    given, else at ``sweep_time``), the Landau–Zener limit ``p_lz`` (dotted), the Lindblad curves
    for each T2, the two-term estimates (dashed) and the optima (numerical: filled, estimate:
    open).  Returns the axes."""
    ax = new_axes(ax, size=(5.6, 4.2))
    t = np.asarray(sweep_time, dtype=float)
    tc = t if coherent_time is None else np.asarray(coherent_time, dtype=float)
    ax.loglog(tc, np.asarray(coherent), "k-", lw=0.5, alpha=0.7, label="coherent (exact finite-time LZ)")
    if p_lz is not None:
        ax.loglog(tc, np.asarray(p_lz), ":", color="0.4", lw=1.2, label=r"$P_{LZ} = e^{-bT}$")
    colors = ["C0", "C1", "C2", "C3", "C4", "C5"]
    for j, t2j in enumerate(np.asarray(t2, dtype=float).reshape(-1)):
        col = colors[j % len(colors)]
        ax.loglog(t, np.asarray(open_)[:, j], "-", color=col, lw=1.3, label=rf"Lindblad, $T_2$ = {t2j:g} {time_unit}")
        if estimate is not None:
            ax.loglog(t, np.asarray(estimate)[:, j], "--", color=col, lw=0.9)
        if optimum is not None:
            ax.plot(*np.asarray(optimum)[j], "o", color=col, ms=6)
        if optimum_estimate is not None:
            ax.plot(*np.asarray(optimum_estimate)[j], "o", mfc="none", mec=col, ms=9)
    ax.set_ylim(max(1e-5, float(np.nanmin(coherent)) * 0.5), 1.0)
    ax.set_xlabel(f"sweep time T {('(' + time_unit + ')') if time_unit else ''}")
    ax.set_ylabel(r"infidelity $1 - F$")
    ax.set_title(r"LZ gate $|0\rangle\to|1\rangle$; dashed: $e^{-bT} + cT$, circles: optima", fontsize=9)
    ax.legend(fontsize=7, loc="lower left")
    return ax


# =========================================================================== runners
def _energy_unit(cfg: Config) -> str:
    return cfg.system.energy if cfg.system is not None else "energy unit"


def _time_unit(cfg: Config) -> str:
    return cfg.system.time if cfg.system is not None else "time unit"


def _photon_numbers(cfg: Config, section: str, key: str, default: list[int]) -> tuple[int, ...]:
    vals = cfg.get(section, key, default)
    if not vals or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in vals):
        raise LzsmValueError(f"`{section}.{key}` must be a non-empty list of photon numbers >= 1, got {vals!r}")
    return tuple(vals)


def _ghz_in_scenario_units(cfg: Config, name: str) -> float:
    """How many scenario energy units one GHz (E/h) is."""
    from lzsm.io import units

    if cfg.system is None:
        raise LzsmValueError(
            f"`{name}` (a flux detuning in mPhi0) needs a [units] table: the bias it gives is an energy E/h in GHz"
        )
    return units.parse("1 GHz", "energy", cfg.system, name)


@register(
    "flux_qubit_spectroscopy",
    schema={
        "qubit": {
            "gap": "energy",
            "frequency_hz": "frequency_hz",
            "t1": "time",
            "t2": "time",
            "persistent_current_na": "number",
        },
        "map": {
            "offset": "energy",
            "flux_detuning_mphi0": "number",
            "amplitude": "energy",
            "coherent": "bool",
            "coherent_offset": "energy",
            "coherent_amplitude_num": "int",
            "photon_numbers": "list",
        },
        "check": {"offset": "energy", "amplitude": "energy", "n_samples": "int", "tolerance": "number"},
        "features": {"cut_amplitude": "energy", "photon_numbers": "list", "n_fine": "int"},
    },
    doc="docs/qubits.md",
)
def flux_qubit_spectroscopy(cfg: Config, out: Path) -> dict:
    """Decohered amplitude-spectroscopy map of a flux qubit (rate model), checked against the
    Lindblad steady state, with the resonance, Bessel-node and diamond-edge positions."""
    import xarray as xr

    hbar = cfg.hbar
    gap = cfg.get("qubit", "gap", low=0.0, low_open=True)
    om = cfg.get("qubit", "frequency_hz", low=0.0, low_open=True)
    t2 = cfg.get("qubit", "t2", low=0.0, low_open=True)
    t1 = cfg.get("qubit", "t1", None, low=0.0, low_open=True)
    t1 = math.inf if t1 is None else t1  # no relaxation
    g1, g2 = _rates(t1, t2, ("qubit.t1", "qubit.t2"))
    map_photons = _photon_numbers(cfg, "map", "photon_numbers", [3, 6])
    feat_photons = _photon_numbers(cfg, "features", "photon_numbers", [3, 6, 12])
    hw = hbar * om
    ip = cfg.get("qubit", "persistent_current_na", None, low=0.0, low_open=True)
    # ---- the map axes (a flux detuning converts to the bias here, at the edge)
    if cfg.has("map", "flux_detuning_mphi0"):
        if cfg.has("map", "offset"):
            raise LzsmValueError("give either `map.offset` or `map.flux_detuning_mphi0`, not both")
        if ip is None:
            raise LzsmValueError("`map.flux_detuning_mphi0` needs `qubit.persistent_current_na` (eps0 = 2 I_p Phi0 df)")
        flux = cfg.get_range("map", "flux_detuning_mphi0")
        offset = flux_detuning_to_bias_ghz(flux, ip) * _ghz_in_scenario_units(cfg, "map.flux_detuning_mphi0")
    else:
        offset = cfg.get_range("map", "offset")
        flux = None
    amplitude = cfg.get_range("map", "amplitude", low=0.0)
    if offset.size < 2 or amplitude.size < 2:
        raise LzsmValueError("`map.offset` and `map.amplitude` need at least 2 values each")
    coherent = cfg.get("map", "coherent", True)
    off_c = cfg.get_range("map", "coherent_offset", np.linspace(2.5 * hw, 6.5 * hw, 401))
    na = cfg.get("map", "coherent_amplitude_num", 121, low=2)
    off_k = cfg.get_range("check", "offset", [hw * 5, hw * 5, hw * 5, hw * 5.1, hw * 10])
    amp_k = cfg.get_range("check", "amplitude", [hw * 6, hw * 8.771, hw * 12, hw * 6, hw * 14], low=0.0)
    if off_k.size != amp_k.size:
        raise LzsmValueError(
            f"`check.offset` and `check.amplitude` must have the same length, got {off_k.size} and {amp_k.size}"
        )
    tol_check = cfg.get("check", "tolerance", 0.005, low=0.0, low_open=True)
    ns = cfg.get("check", "n_samples", 512, low=8)
    cut = cfg.get("features", "cut_amplitude", float(amplitude.max()) * 0.6, low=0.0, low_open=True)
    n_fine = cfg.get("features", "n_fine", 3000, low=100)
    # ---- every key read and checked: compute
    p_rate = rate_model_map(gap, offset, amplitude, om, t1, t2, hbar)
    coords: dict[str, Any] = {"offset": ("offset", offset), "amplitude": ("amplitude", amplitude)}
    if ip is not None:
        to_flux = 1.0 / (ip * GHZ_PER_MPHI0_PER_NA * _ghz_in_scenario_units(cfg, "qubit.persistent_current_na"))
        coords["flux_detuning_mphi0"] = ("offset", offset * to_flux)
    ds = xr.Dataset({"p_up_rate_model": (("offset", "amplitude"), p_rate)}, coords=coords)
    ds["p_up_rate_model"].attrs.update(
        long_name="time-averaged population of the upper diabatic state, rate model",
        reference="Berns et al., PRL 97, 150502 (2006)",
    )
    # ---- coherent map beside it (Floquet, infinite-time average) on a window fine enough to
    # resolve lines of width Delta J_n
    if coherent:
        from lzsm.dynamics.interferometry import interferometry_map
        from lzsm.models.drives import PeriodicDrive

        amp_c = np.linspace(amplitude.min(), amplitude.max(), na)
        dsc = interferometry_map(
            PeriodicDrive(gap, 0.0, 0.0, om, hbar=hbar), n_periods=None, progress=False, offset=off_c, amplitude=amp_c
        ).to_xarray()
        ds["p_up_coherent"] = (
            ("offset_coherent", "amplitude_coherent"),
            dsc["p_upper_mean"].transpose("offset", "amplitude").values,
        )
        ds = ds.assign_coords(offset_coherent=off_c, amplitude_coherent=amp_c)
        ds["p_up_coherent"].attrs["long_name"] = (
            "infinite-time average of the upper diabatic population, no decoherence"
        )
    # ---- Lindblad check points against the same formula, point by point
    p_lind = lindblad_upper_population(gap, off_k, amp_k, om, t1, t2, hbar, n_samples=ns)
    p_rate_k = np.asarray(rate_equation_upper_population(gap, off_k, amp_k, om, g2, g1, hbar))
    dev = np.abs(p_lind - p_rate_k)
    ds["check_offset"] = ("check_point", off_k)
    ds["check_amplitude"] = ("check_point", amp_k)
    ds["p_up_lindblad"] = ("check_point", p_lind)
    ds["p_up_rate_model_at_check"] = ("check_point", p_rate_k)
    ds["p_up_lindblad"].attrs["long_name"] = "exact periodic steady state of the Lindblad equation, time-averaged"
    # ---- published features
    feats = spectroscopy_features(
        gap,
        om,
        t1,
        t2,
        hbar=hbar,
        cut_amplitude=cut,
        photon_numbers=feat_photons,
        amplitude_max=float(amplitude.max()),
        offset_max=cut,
        n_fine=n_fine,
    )
    ds["resonance_peak_offset"] = ("resonance", feats.resonance_peaks)
    ds["resonance_offset_n_hbar_omega"] = ("resonance", feats.resonance_expected)
    node_n = np.concatenate([[n] * len(feats.node_expected[n]) for n in feat_photons]).astype(int)
    ds["node_photon_number"] = ("node", node_n)
    ds["node_amplitude_minimum"] = ("node", np.concatenate([feats.node_amplitudes[n] for n in feat_photons]))
    ds["node_amplitude_bessel_zero"] = ("node", np.concatenate([feats.node_expected[n] for n in feat_photons]))
    ds["edge_photon_number"] = ("edge", np.array(feat_photons, dtype=int))
    ds["edge_amplitude"] = ("edge", np.array([feats.edge_amplitudes[n] for n in feat_photons]))
    ds["edge_offset"] = ("edge", np.array(feat_photons, dtype=float) * hw)
    ds.attrs.update(
        application="flux_qubit_spectroscopy",
        hbar=hbar,
        energy_unit=_energy_unit(cfg),
        time_unit=_time_unit(cfg),
        gap=gap,
        frequency=om,
        t1=t1 if math.isfinite(t1) else -1.0,
        t2=t2,
        hamiltonian="-(gap/2) sx - ((offset + amplitude cos(frequency t))/2) sz",
        references="Oliver et al., Science 310, 1653 (2005); Berns et al., Nature 455, 51 (2008); "
        "Berns et al., PRL 97, 150502 (2006)",
    )
    write_dataset(ds, out / "data.nc")
    # ---- figures
    ncols = 2 if coherent else 1
    fig, axes = new_figure(ncols=ncols, width=5.4, height=4.3)
    axes = np.atleast_1d(axes)
    eu = _energy_unit(cfg)
    plot_spectroscopy_map(
        offset,
        amplitude,
        p_rate,
        axes[0],
        frequency=om,
        hbar=hbar,
        photon_numbers=map_photons,
        title=f"decohered (rate model): T1 = {t1:g} {_time_unit(cfg)}, T2 = {t2:g} {_time_unit(cfg)}",
    )
    axes[0].plot(off_k, amp_k, "x", color="lime", ms=6, mew=1.5, label="Lindblad check points")
    axes[0].legend(loc="upper left", fontsize=7, framealpha=0.6)
    if coherent:
        plot_spectroscopy_map(
            ds["offset_coherent"].values,
            ds["amplitude_coherent"].values,
            ds["p_up_coherent"].values,
            axes[1],
            frequency=om,
            hbar=hbar,
            photon_numbers=map_photons,
            edges=False,
            title="coherent (Floquet, infinite-time average), zoom",
        )
    for ax in axes:
        ax.set_xlabel(rf"dc bias $\varepsilon_0/h$ ({eu})")
        ax.set_ylabel(rf"drive amplitude $A/h$ ({eu})")
    fig.savefig(out / "qubit_spectroscopy_map.png", dpi=130)
    fig2, axc = new_figure(ncols=2, width=5.0, height=3.8)
    a_fine = np.linspace(0.0, float(amplitude.max()), 1500)
    for n in feat_photons:
        line = axc[0].plot(
            a_fine, rate_model_map(gap, [n * hw], a_fine, om, t1, t2, hbar)[0], lw=1, label=rf"$n$ = {n}"
        )[0]
        for z in feats.node_expected[n]:
            axc[0].axvline(z, color=line.get_color(), lw=0.6, ls=":")
        axc[0].axvline(n * hw, color=line.get_color(), lw=0.8, ls="--")
    axc[0].set_xlabel(rf"$A/h$ ({eu}) along $\varepsilon_0 = n h\nu$")
    axc[0].set_ylabel(r"$\overline{P}_{\rm up}$")
    axc[0].set_title("resonance lines: Bessel zeros (dotted), edge A = eps0 (dashed)", fontsize=8)
    axc[0].legend(fontsize=7)
    order = np.argsort(off_k)
    axc[1].plot(np.arange(off_k.size), p_rate_k[order], "o", mfc="none", ms=8, label="rate model")
    axc[1].plot(np.arange(off_k.size), p_lind[order], "x", ms=7, label="Lindblad steady state")
    axc[1].set_xticks(np.arange(off_k.size))
    axc[1].set_xticklabels([f"{e:.3g}\n{a:.3g}" for e, a in zip(off_k[order], amp_k[order])], fontsize=7)
    axc[1].set_xlabel(rf"check point ($\varepsilon_0$, A) in {eu}")
    axc[1].set_ylabel(r"$\overline{P}_{\rm up}$")
    axc[1].set_title(f"max |rate - Lindblad| = {dev.max():.1e}", fontsize=8)
    axc[1].legend(fontsize=7)
    fig2.savefig(out / "qubit_spectroscopy_cuts.png", dpi=130)
    return {
        "hbar_omega": hw,
        "rate_vs_lindblad_max_abs_deviation": float(dev.max()),
        "rate_vs_lindblad_tolerance": tol_check,
        "rate_vs_lindblad_within_tolerance": bool(dev.max() <= tol_check),
        "resonance_positions_max_abs_deviation_over_hbar_omega": feats.resonance_max_abs_deviation_over_hw,
        "n_resonances_found": int(feats.resonance_peaks.size),
        "bessel_nodes_max_abs_deviation_over_hbar_omega": feats.node_max_abs_deviation_over_hw,
        "n_bessel_nodes_compared": int(node_n.size),
        "diamond_edge_amplitude": {str(n): feats.edge_amplitudes[n] for n in feat_photons},
        "diamond_edge_deviation_over_airy_scale": dict(
            zip(map(str, feat_photons), feats.edge_deviation_over_airy_scale)
        ),
        "diamond_edge_relative_deviation": {str(n): feats.edge_amplitudes[n] / (n * hw) - 1 for n in feat_photons},
        "flux_detuning_axis": flux is not None,
    }


@register(
    "lz_gate",
    schema={
        "qubit": {"gap": "energy", "eps_max": "energy", "t1": "time", "temperature": "energy"},
        "sweep": {"sweep_time": "time", "n_evolve_check": "int"},
        "decoherence": {"t2": "time"},
    },
    doc="docs/qubits.md",
)
def lz_gate(cfg: Config, out: Path) -> dict:
    """Landau–Zener gate ``|0> -> |1>``: infidelity against sweep time, coherent and with dephasing,
    and the optimal sweep time against its two-term estimate."""
    import xarray as xr

    hbar = cfg.hbar
    gap = cfg.get("qubit", "gap", low=0.0, low_open=True)
    eps_max = cfg.get("qubit", "eps_max", low=0.0, low_open=True)
    t1 = cfg.get("qubit", "t1", None, low=0.0, low_open=True)
    t1 = math.inf if t1 is None else t1  # no relaxation
    kt = cfg.get("qubit", "temperature", 0.0, low=0.0)
    times = np.sort(cfg.get_range("sweep", "sweep_time", low=0.0, low_open=True))
    t2s = cfg.get_range("decoherence", "t2", low=0.0, low_open=True)
    for t2 in t2s:
        _rates(t1, t2, ("qubit.t1", "decoherence.t2"))
    if eps_max < 5 * gap:
        raise LzsmValueError(
            f"`qubit.eps_max` must be >= 5 gap so that the diabatic states are the computational "
            f"states at the ends of the sweep, got eps_max = {eps_max:g}, gap = {gap:g}"
        )
    coh = np.asarray(gate_infidelity_coherent(gap, eps_max, times, hbar))
    n_ev = cfg.get("sweep", "n_evolve_check", 6, low=1)
    idx = np.unique(np.linspace(0, times.size - 1, min(n_ev, times.size)).astype(int))
    ev = np.asarray(gate_infidelity_evolve(gap, eps_max, times[idx], hbar))
    ev_dev = float(np.max(np.abs(ev - coh[idx])))
    opn = gate_infidelity_open(gap, eps_max, times, t2s, t1=t1, temperature=kt, hbar=hbar)
    est = np.asarray(gate_error_estimate(gap, eps_max, times[:, None], t2s[None, :], hbar))
    t_opt = np.array([minimum_of_curve(times, opn[:, j]) for j in range(t2s.size)])
    t_est = np.array([optimal_sweep_time_estimate(gap, eps_max, t2, hbar) for t2 in t2s], dtype=float)
    ds = xr.Dataset(
        {
            "infidelity_coherent": ("sweep_time", coh),
            "infidelity_lindblad": (("sweep_time", "t2"), opn),
            "infidelity_estimate": (("sweep_time", "t2"), est),
            "optimal_sweep_time": ("t2", t_opt[:, 0]),
            "minimal_infidelity": ("t2", t_opt[:, 1]),
            "optimal_sweep_time_estimate": ("t2", t_est[:, 0]),
            "minimal_infidelity_estimate": ("t2", t_est[:, 1]),
            "infidelity_evolve_check": ("sweep_time_check", ev),
        },
        coords={"sweep_time": times, "t2": t2s, "sweep_time_check": times[idx]},
    )
    ds["infidelity_coherent"].attrs["long_name"] = "1 - F, exact finite-time Landau-Zener (no decoherence)"
    ds["infidelity_lindblad"].attrs["long_name"] = "1 - F with diabatic (flux) dephasing 1/T2 (and T1 if given)"
    ds["infidelity_estimate"].attrs["long_name"] = "exp(-bT) + cT"
    ds.attrs.update(
        application="lz_gate",
        hbar=hbar,
        gap=gap,
        eps_max=eps_max,
        energy_unit=_energy_unit(cfg),
        time_unit=_time_unit(cfg),
        t1=t1 if math.isfinite(t1) else -1.0,
        temperature=kt,
        gate="diabatic |0> -> |1> by an adiabatic passage; F = final population of diabatic |1>",
        hamiltonian="[[alpha t/2, gap/2], [gap/2, -alpha t/2]], alpha = 2 eps_max/T, t in [-T/2, T/2]",
    )
    write_dataset(ds, out / "data.nc")
    tu = _time_unit(cfg)
    fig, axes = new_figure(ncols=2, width=5.2, height=4.0)
    t_dense = np.geomspace(times.min(), times.max(), 3000)
    p_lz = np.exp(-np.pi * gap**2 * t_dense / (4 * hbar * eps_max))
    plot_gate_infidelity(
        times,
        gate_infidelity_coherent(gap, eps_max, t_dense, hbar),
        opn,
        t2s,
        axes[0],
        estimate=est,
        optimum=t_opt,
        optimum_estimate=t_est,
        time_unit=tu,
        coherent_time=t_dense,
        p_lz=p_lz,
    )
    t2_dense = np.geomspace(t2s.min() / 2, t2s.max() * 2, 100)
    t2_ok = t2_dense[gap * t2_dense / hbar > 3.0]
    dense = np.array([optimal_sweep_time_estimate(gap, eps_max, t2, hbar) for t2 in t2_ok], dtype=float)
    axes[1].loglog(t2_ok, dense[:, 0], "k-", lw=1, label=r"$T^* = \ln(b/c)/b$")
    axes[1].loglog(t2s, t_opt[:, 0], "ko", label="Lindblad optimum")
    ax2 = axes[1].twinx()
    ax2.loglog(t2_ok, dense[:, 1], "r-", lw=1, label=r"$(c/b)(1 + \ln(b/c))$")
    ax2.loglog(t2s, t_opt[:, 1], "rs", label="Lindblad minimal 1 - F")
    axes[1].set_xlabel(f"T2 ({tu})")
    axes[1].set_ylabel(f"optimal sweep time ({tu})")
    ax2.set_ylabel("minimal infidelity", color="r")
    axes[1].legend(loc="upper left", fontsize=7)
    ax2.legend(loc="center left", fontsize=7)
    axes[1].set_title("optimum: numerics vs two-term estimate", fontsize=9)
    fig.savefig(out / "qubit_lz_gate.png", dpi=130)
    rel_t = t_opt[:, 0] / t_est[:, 0] - 1
    rel_f = t_opt[:, 1] / t_est[:, 1] - 1
    return {
        "coherent_closed_form_vs_evolve_max_abs_deviation": ev_dev,
        "t2": t2s.tolist(),
        "optimal_sweep_time": t_opt[:, 0].tolist(),
        "optimal_sweep_time_estimate": t_est[:, 0].tolist(),
        "optimal_sweep_time_relative_deviation": rel_t.tolist(),
        "minimal_infidelity": t_opt[:, 1].tolist(),
        "minimal_infidelity_estimate": t_est[:, 1].tolist(),
        "minimal_infidelity_relative_deviation": rel_f.tolist(),
        "coherent_infidelity_at_longest_sweep": float(coh[-1]),
    }
