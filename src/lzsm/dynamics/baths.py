"""Bosonic baths: spectral densities, their discretisation, and the exact spin–boson sweep.

A bath of harmonic oscillators couples to the system through a Hermitian operator X (in the
diabatic basis):

.. math::  H_{total} = H_S(t) + X \\otimes \\sum_k g_k (b_k + b_k^\\dagger)
           + \\sum_k \\hbar w_k\\, b_k^\\dagger b_k,

characterised by the spectral density ``J(e) = sum_k g_k^2 delta(e - hbar w_k)`` (units of
energy).  :class:`OhmicBath` is the family ``J(e) = eta e^s e_c^(1-s) exp(-e/e_c)``
(dimensionless ``eta``; ``s = 1`` Ohmic, ``s < 1`` sub-, ``s > 1`` super-Ohmic).

Two uses:

* weak coupling: :func:`lzsm.evolve_open` with ``bath=`` builds the secular
  Bloch–Redfield (Davies) generator in the instantaneous eigenbasis, with golden-rule rates
  ``Gamma_{i->j} = (2 pi/hbar) |X_ji|^2 J(E_i - E_j) (n + 1)`` and their detailed-balance
  partners (Breuer & Petruccione, *The Theory of Open Quantum Systems*, Sec. 3.3);
* any coupling: :func:`spin_boson_sweep` treats a few bath modes exactly, as a closed linear
  multi-level sweep in the product space (truncated Fock spaces).  This is the check of the
  result of Wubs, Saito, Kohler, Hänggi & Kayanuma, PRL 97, 200404 (2006): at zero temperature
  a bath coupled through sigma_z leaves the probability to stay in the initial diabatic state,
  ``P = exp(-2 pi |V|^2/(hbar |alpha|))``, unchanged, however strong the coupling (also for a
  single mode; see Ashhab, PRA 94, 042109 (2016)).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from lzsm import _checks
from lzsm._progress import progress_bar
from lzsm.errors import LzsmTypeError, LzsmValueError
from lzsm.models.multilevel import LinearSweep
from lzsm.models.two_level import LandauZener
from lzsm.options import Options, resolve_options
from lzsm.results import Result, Status

#: With ``progress=None``, :func:`spin_boson` shows a bar for sweeps of this many levels or more.
PROGRESS_LEVELS = 32
SIGMA_Z = np.diag([1.0, -1.0]).astype(complex)
SIGMA_X = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=complex)


def _operator(op: Any, n: int, name: str) -> np.ndarray:
    if isinstance(op, str):
        table = {"sigma_z": SIGMA_Z, "sigma_x": SIGMA_X}
        if op not in table:
            raise LzsmValueError(f"`{name}` must be 'sigma_z', 'sigma_x' or an N x N Hermitian matrix, got {op!r}")
        if n != 2:
            raise LzsmValueError(f"`{name}`={op!r} is defined for two levels; give an {n} x {n} matrix")
        return table[op]
    m = _checks.complex_array(op, name)
    if m.shape != (n, n):
        raise LzsmValueError(f"`{name}` must be an {n} x {n} matrix (the model's levels), got shape {m.shape}")
    return _checks.hermitian(m, name)


@dataclass(frozen=True)
class OhmicBath:
    """Bosonic bath with ``J(e) = eta e^s e_c^(1-s) exp(-e/e_c)``, coupled through ``operator``.

    Parameters
    ----------
    eta : dimensionless coupling strength (>= 0).
    cutoff : cutoff energy ``e_c`` (> 0), in the model's energy unit.
    exponent : s (> 0); ``s = 1`` is Ohmic.  Pure dephasing from zero-frequency noise,
        ``gamma(0) = (2 pi/hbar) lim_{e->0} J(e) n(e)``, is ``2 pi eta k_B T/hbar`` for
        s = 1 and zero for s > 1; for s < 1 it diverges and is refused.
    operator : the system operator X (diabatic basis): ``'sigma_z'`` (default), ``'sigma_x'``
        or a Hermitian N x N matrix.

    The temperature is given to :func:`lzsm.evolve_open` (``temperature=``).
    """

    eta: float
    cutoff: float
    exponent: float = 1.0
    operator: Any = "sigma_z"

    def __post_init__(self) -> None:
        _checks.real_array(self.eta, "eta", nonnegative=True)
        _checks.positive_scalar(self.cutoff, "cutoff")
        s = _checks.positive_scalar(self.exponent, "exponent")
        if s < 1.0:
            raise LzsmValueError(
                f"`exponent` must be >= 1 for a Markovian weak-coupling bath (sub-Ohmic "
                f"zero-frequency noise diverges), got {s}"
            )

    def spectral_density(self, energy: ArrayLike) -> np.ndarray:
        """J(e) in energy units (0 for e <= 0)."""
        e = np.asarray(energy, dtype=float)
        s = float(self.exponent)
        ec = float(self.cutoff)
        with np.errstate(invalid="ignore", over="ignore"):
            out = self.eta * np.abs(e) ** s * ec ** (1.0 - s) * np.exp(-np.abs(e) / ec)
        return np.where(e > 0, out, 0.0)

    def transition_rates(
        self, gap: ArrayLike, temperature: ArrayLike = 0.0, matrix_element: ArrayLike = 1.0, hbar: float = 1.0
    ) -> tuple[np.ndarray, np.ndarray]:
        """Golden-rule rates (down, up) between two levels split by ``gap`` > 0 (energy):
        ``Gamma_down = (2 pi/hbar) |X_01|^2 J(gap) (n + 1)``, ``Gamma_up = (2 pi/hbar) |X_01|^2 J(gap) n``
        with the Bose occupation ``n = 1/(exp(gap/kT) - 1)`` (Fermi's golden rule; detailed
        balance ``Gamma_up/Gamma_down = exp(-gap/kT)``).  These are the rates the ``bath=``
        generator of :func:`lzsm.evolve_open` uses at each instant."""
        e = _checks.real_array(gap, "gap", positive=True)
        kt = _checks.real_array(temperature, "temperature", nonnegative=True)
        hbar = _checks.positive_scalar(hbar, "hbar")
        x2 = np.abs(_checks.complex_array(matrix_element, "matrix_element")) ** 2
        with np.errstate(divide="ignore", over="ignore"):
            n = np.where(kt > 0, 1.0 / np.expm1(e / np.where(kt > 0, kt, 1.0)), 0.0)
        base = 2.0 * np.pi / hbar * x2 * self.spectral_density(e)
        return base * (n + 1.0), base * n

    def operator_matrix(self, n_levels: int) -> np.ndarray:
        return _operator(self.operator, n_levels, "operator")


def discretize(bath: OhmicBath, n_modes: int, max_energy: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Mode energies ``hbar w_k`` and couplings ``g_k`` of a discretised bath.

    Equal-width bins on ``(0, max_energy]`` (default 6 cutoffs), ``g_k^2 = J(e_k) de``, so
    that ``sum_k g_k^2 f(e_k)`` approximates ``int J(e) f(e) de`` (midpoint rule)."""
    _checks.instance(bath, "bath", OhmicBath, "an lzsm.OhmicBath")
    n_modes = _checks.integer(n_modes, "n_modes", low=1, high=10**7)
    emax = 6.0 * float(bath.cutoff) if max_energy is None else _checks.positive_scalar(max_energy, "max_energy")
    de = emax / n_modes
    e = (np.arange(n_modes) + 0.5) * de
    return e, np.sqrt(bath.spectral_density(e) * de)


def spin_boson_sweep(
    model: LandauZener, mode_energies: ArrayLike, couplings: ArrayLike, n_fock: int = 8, operator: Any = "sigma_z"
) -> LinearSweep:
    """The Landau–Zener sweep with explicit bath modes, as a linear sweep ``A + B t`` in the
    product space (system (x) Fock spaces truncated at ``n_fock`` quanta per mode).

    ``H = (alpha t/2) sigma_z + V sigma_+ + V* sigma_- + X (x) sum_k g_k (b_k + b_k^+)
    + sum_k e_k b_k^+ b_k``.  Basis order: system index slowest, then mode 1, mode 2, ...
    (index ``s * n_fock^K + n_1 n_fock^(K-1) + ...``).  Single parameter point only."""
    if not isinstance(model, LandauZener):
        raise LzsmTypeError(f"`model` must be an lzsm.LandauZener, got {type(model).__name__}")
    if model.batch_shape != ():
        raise LzsmValueError("spin_boson_sweep takes a single parameter point: use model.point(index)")
    e = _checks.real_array(mode_energies, "mode_energies", positive=True).reshape(-1)
    g = _checks.real_array(couplings, "couplings").reshape(-1)
    if e.shape != g.shape:
        raise LzsmValueError(f"`mode_energies` and `couplings` must have the same length, got {e.size} and {g.size}")
    if not isinstance(n_fock, (int, np.integer)) or n_fock < 2:
        raise LzsmValueError(f"`n_fock` must be an integer >= 2, got {n_fock!r}")
    k = e.size
    dim_b = n_fock**k
    if 2 * dim_b > 4096:
        raise LzsmValueError(f"product space too large: 2 * n_fock^modes = {2 * dim_b} > 4096")
    x = _operator(operator, 2, "operator")
    kf = model.kernel_form()
    a_sys, b_sys = np.asarray(kf.constant), np.asarray(kf.coefficient)
    ident_b = np.eye(dim_b)
    bdag_b = np.diag(np.sqrt(np.arange(1, n_fock)), -1)  # b^+ on one mode
    ops_q = []
    num = []
    for i in range(k):
        left = np.eye(n_fock**i)
        right = np.eye(n_fock ** (k - 1 - i))
        q = bdag_b + bdag_b.T
        ops_q.append(np.kron(np.kron(left, q), right))
        num.append(np.kron(np.kron(left, np.diag(np.arange(n_fock, dtype=float))), right))
    bath_q = sum(gi * qi for gi, qi in zip(g, ops_q)) if k else np.zeros((dim_b, dim_b))
    bath_h = sum(ei * ni for ei, ni in zip(e, num)) if k else np.zeros((dim_b, dim_b))
    a = np.kron(a_sys, ident_b) + np.kron(x, bath_q) + np.kron(np.eye(2), bath_h)
    b = np.kron(b_sys, ident_b)
    return LinearSweep(a, b, hbar=model.hbar)


@dataclass(frozen=True, eq=False, repr=False)
class SpinBosonResult(Result):
    """Result of :func:`spin_boson`: the system's final diabatic-stay probability with the
    explicit bath modes traced out, and how it was obtained.

    ``p_diabatic_stay`` (a number); ``p_each`` the probability from each thermally weighted
    initial state of the whole system, with their ``weights`` (Boltzmann, renormalised after
    dropping those below ``min_weight``); ``sweep`` the product-space
    :class:`lzsm.LinearSweep`; ``n_fock``, ``temperature``, ``t_span``.

    ``error_estimate`` bounds the error of ``p_diabatic_stay`` as the sum of three terms:
    ``integration_error`` (twice the propagator's error estimate: a probability moves by at
    most twice its amplitude's error), ``truncation_error`` (twice the change of p when the Fock
    spaces are cut at ``truncation_check`` quanta instead of ``n_fock``: p does not converge
    monotonically in n_fock, and the change alone was measured up to 1.4x short of the error;
    NaN when ``n_fock`` is 2 and no smaller space exists, and then the estimate is NaN and the
    status NOT_CHECKED) and ``dropped_weight`` (twice the thermal weight left out by
    ``min_weight``)."""

    model: LandauZener
    sweep: LinearSweep
    p_diabatic_stay: float
    p_each: np.ndarray
    weights: np.ndarray
    n_fock: int
    temperature: float
    t_span: tuple[float, float]
    integration_error: float = math.nan
    truncation_error: float = math.nan
    truncation_check: int = 0
    dropped_weight: float = 0.0

    kind = "exact spin-boson passage"

    def _coords(self) -> dict[str, Any]:
        return {"initial_state": np.arange(self.p_each.size)}

    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        return {
            "p_diabatic_stay": ([], self.p_diabatic_stay),
            "p_diabatic_stay_each": (["initial_state"], self.p_each),
            "weight": (["initial_state"], self.weights),
        }

    def _attrs(self) -> dict[str, Any]:
        return {
            "model": "LandauZener",
            "coupling": complex(np.asarray(self.model.coupling)).real
            if np.isrealobj(self.model.coupling)
            else str(complex(np.asarray(self.model.coupling))),
            "sweep_rate": float(np.asarray(self.model.sweep_rate)),
            "hbar": self.model.hbar,
            "n_fock": self.n_fock,
            "temperature": self.temperature,
            "product_space_dimension": self.sweep.n_levels,
            "t0": self.t_span[0],
            "t1": self.t_span[1],
            "integration_error": self.integration_error,
            "truncation_error": self.truncation_error,
            "truncation_check_n_fock": self.truncation_check,
            "dropped_weight": self.dropped_weight,
        }

    def _summary(self) -> list[str]:
        if np.isnan(self.truncation_error):
            checked = "Fock truncation NOT checked (n_fock 2)"
        else:
            checked = f"Fock truncation {self.truncation_error:.1e} (n_fock {self.n_fock} vs {self.truncation_check})"
        return [
            f"p_diabatic_stay {self.p_diabatic_stay:.6g}",
            f"product space {self.sweep.n_levels}",
            f"{self.p_each.size} initial states",
            f"integration {self.integration_error:.1e}",
            checked,
        ]

    def __float__(self) -> float:
        return float(self.p_diabatic_stay)


def spin_boson(
    model: LandauZener,
    t_span: tuple[float, float],
    initial: Any = 0,
    *,
    mode_energies: ArrayLike,
    couplings: ArrayLike,
    temperature: float = 0.0,
    n_fock: int = 8,
    operator: Any = "sigma_z",
    min_weight: float = 1e-8,
    method: str | None = None,
    options: Options | None = None,
    tol: float | None = None,
    max_step: float | None = None,
    max_steps: int | None = None,
    progress: bool | None = None,
) -> SpinBosonResult:
    """Exact dissipative Landau–Zener passage with a few explicit bath modes.

    Probability that the system ends in its initial diabatic state after the sweep, with
    the explicit bath modes traced out, exactly (up to the Fock truncation and the window).

    The whole system starts in thermal equilibrium at ``temperature`` (``k_B T``, energy
    units) within the initial diabatic sector: in the eigenstates of the full H(t0) that
    belong to that sector (the displaced, polaron Fock states; at T = 0 the ground state of the
    whole system), Boltzmann-weighted by their energies.  Probabilities are read in the
    eigenstates of H(t1) belonging to the same sector (asymptotic picture), which removes the
    finite-window oscillation ``~ |V|/(alpha t)`` of the diabatic populations; what remains
    is ``O((V/(alpha t))^2)``.  Starting instead from the bare vacuum would put the bath in an
    excited (coherent) state.  Weights below ``min_weight`` are dropped (the rest renormalised).

    ``initial`` is the system's diabatic state (``0``, ``1`` or ``'diabatic 1'``); the other
    options are those of :func:`lzsm.propagator` (default ``tol`` 1e-9).  The error estimate
    covers the integration, the Fock truncation (a second passage with ``n_fock - 2`` quanta
    per mode, or 2 for ``n_fock = 3``) and the dropped thermal weight (see
    :class:`SpinBosonResult`).  At zero temperature a
    bath coupled through sigma_z leaves P_LZ unchanged (Wubs, Saito, Kohler, Hänggi & Kayanuma,
    Phys. Rev. Lett. 97, 200404 (2006)).  ``progress`` shows a bar over the passages (the run and
    the smaller-Fock-space check; ``None``: for sweeps of ``PROGRESS_LEVELS`` levels or more, on
    a terminal or in a notebook).

    Examples
    --------
    >>> import lzsm
    >>> model = lzsm.LandauZener(coupling=0.3, sweep_rate=1.0)
    >>> run = lzsm.spin_boson(model, (-30, 30), mode_energies=[0.5], couplings=[0.2], n_fock=6)
    >>> round(float(run.p_diabatic_stay), 4)  # T = 0, sigma_z coupling: P_LZ unchanged
    0.5681
    >>> round(float(lzsm.lz_probability(0.3, 1.0)), 4)
    0.5681
    """
    from lzsm.dynamics.coherent import propagator

    temp = _checks.real_scalar(temperature, "temperature", nonnegative=True)
    min_weight = _checks.real_scalar(min_weight, "min_weight", nonnegative=True)
    t0, t1 = _checks.time_span(t_span)
    sweep = spin_boson_sweep(model, mode_energies, couplings, n_fock, operator)
    init = _checks.initial_state(initial, model, t0)
    k = int(init.diabatic.reshape(-1)[0])
    if k < 0:
        raise LzsmValueError(f"`initial` must be a diabatic state of the system (0, 1, 'diabatic 1'), got {initial!r}")
    opts = resolve_options(options, tol=tol, max_step=max_step, max_steps=max_steps, progress=progress)
    if opts.tol is None:
        opts = opts.replace(tol=1e-9)

    def passage(sw: LinearSweep) -> tuple[float, np.ndarray, np.ndarray, float, Any]:
        """(p, p_each, weights, dropped weight, propagator) of the passage in product space sw."""
        dim_b = sw.n_levels // 2
        block = slice(k * dim_b, (k + 1) * dim_b)

        def sector_states(t: float) -> tuple[np.ndarray, np.ndarray]:
            e, v = np.linalg.eigh(sw.hamiltonian(np.asarray(t)))
            inside = np.sum(np.abs(v[block]) ** 2, axis=0) > 0.5
            return e[inside], v[:, inside]

        e0, v0 = sector_states(t0)
        _, v1 = sector_states(t1)
        w = np.exp(-(e0 - e0.min()) / temp) if temp > 0 else (np.arange(e0.size) == np.argmin(e0)).astype(float)
        w /= w.sum()
        keep = np.flatnonzero(w > min_weight)
        # tails="off": the modes' Fock states are parallel levels coupled by the bath, whose
        # mixing never ends, so superadiabatic tails cannot hold (the search would only cost)
        prop = propagator(sw, (t0, t1), method=method, options=opts.replace(progress=False), tails="off")
        amps = v1.conj().T @ prop.u[-1] @ v0[:, keep]
        p_each = np.sum(np.abs(amps) ** 2, axis=0)
        weights = w[keep] / np.sum(w[keep])
        return float(np.sum(weights * p_each)), p_each, weights, float(1.0 - np.sum(w[keep])), prop

    # the Fock truncation, checked against smaller Fock spaces (n_fock = 2 has none)
    n_check = n_fock - 2 if n_fock >= 4 else n_fock - 1
    truncation = math.nan
    with progress_bar(
        2 if n_check >= 2 else 1,
        opts.progress,
        desc="spin_boson",
        unit="passage",
        auto_above=0.0 if sweep.n_levels >= PROGRESS_LEVELS else math.inf,
    ) as bar:
        p, p_each, weights, dropped, prop = passage(sweep)
        bar.update(1)
        if n_check >= 2:
            p_check, *_ = passage(spin_boson_sweep(model, mode_energies, couplings, n_check, operator))
            truncation = 2.0 * abs(p - p_check)
            bar.update(1)
    integration = 2.0 * float(np.max(prop.error_estimate))
    estimate = integration + truncation + 2.0 * dropped
    status = prop.status
    if np.isnan(truncation) and int(np.max(status)) == int(Status.OK):
        status = int(Status.NOT_CHECKED)
    return SpinBosonResult(
        model,
        sweep,
        p,
        p_each,
        weights,
        int(n_fock),
        temp,
        (t0, t1),
        integration,
        truncation,
        n_check if n_check >= 2 else 0,
        2.0 * dropped,
        method=prop.method,
        options=prop.options,
        status=status,
        error_estimate=estimate,
        n_steps=prop.n_steps,
    )


def spin_boson_p_diabatic_stay(
    model: LandauZener,
    mode_energies: ArrayLike,
    couplings: ArrayLike,
    t_span: Any,
    *,
    temperature: float = 0.0,
    n_fock: int = 8,
    operator: Any = "sigma_z",
    initial: Any = 0,
    tol: float = 1e-9,
    min_weight: float = 1e-8,
    progress: bool | None = None,
) -> float:
    """The number ``spin_boson(model, t_span, initial, ...).p_diabatic_stay`` (see :func:`spin_boson`)."""
    return spin_boson(
        model,
        t_span,
        initial,
        mode_energies=mode_energies,
        couplings=couplings,
        temperature=temperature,
        n_fock=n_fock,
        operator=operator,
        min_weight=min_weight,
        tol=tol,
        progress=progress,
    ).p_diabatic_stay
