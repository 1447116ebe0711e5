"""Classical noise: stochastic Hamiltonians averaged over noise realisations.

A noise process ``xi(t)`` (an energy) is added to the diabatic Hamiltonian through a Hermitian
operator ``O``:

.. math::  H(t) = H_0(t) + \\xi(t)\\, O,

with ``O = sigma_z / 2`` for noise on the bias (``E1 - E2 -> E1 - E2 + xi``, ``acts_on="bias"``),
``O = sigma_x`` for noise on a real coupling (``V -> V + xi``, ``acts_on="coupling"``), or any
Hermitian N x N matrix for N-level models.  Two stationary processes are provided:

* :class:`OrnsteinUhlenbeckNoise` — Gaussian, ``<xi(t) xi(t')> = sigma^2 exp(-|t - t'|/tau_c)``;
* :class:`TelegraphNoise` — ``xi = +-a``, flipping at rate ``gamma`` from either value, so
  ``<xi(t) xi(t')> = a^2 exp(-2 gamma |t - t'|)`` (correlation time ``1/(2 gamma)``).

:func:`evolve_noisy` propagates many trajectories ``i hbar dpsi/dt = H(t) psi`` (each with its
own noise path, compiled, in parallel) and returns the trajectory-averaged density matrix
``rho(t) = E[|psi><psi|]`` in the diabatic basis with statistical standard errors.

Closed forms for checking (a static two-level system with noise on the bias, which commutes
with H): the diabatic coherence decays as ``rho_12(t) = rho_12(0) e^{-i eps t/hbar} D(t)``,
``D(t) = E[exp(-(i/hbar) int_0^t xi)]`` (Kubo, J. Phys. Soc. Jpn. 9, 935 (1954); Anderson,
J. Phys. Soc. Jpn. 9, 316 (1954); Kubo, J. Math. Phys. 4, 174 (1963)): see
:meth:`OrnsteinUhlenbeckNoise.coherence_decay` and :meth:`TelegraphNoise.coherence_decay`.
White-noise limit (``tau_c -> 0`` at fixed ``sigma^2 tau_c``): the average obeys the Lindblad
equation with ``L = sqrt(2 sigma^2 tau_c) O / hbar``; for bias noise that is pure dephasing in
the diabatic basis at ``gamma_phi = sigma^2 tau_c / hbar^2`` (:func:`equivalent_dephasing_rate`).

Conventions: docs/conventions.md (hbar keyword, default 1; ``gamma_phi`` is the decay rate of the
coherence, ``L = sqrt(gamma_phi / 2) sigma_z``).
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike

from lzsm import _checks, _compat, methods
from lzsm._progress import progress_bar
from lzsm.errors import LzsmTypeError, LzsmValueError
from lzsm.kernels import drives as _drives
from lzsm.kernels import noise as _nk
from lzsm.kernels import rng as _rng
from lzsm.kernels import threads as _threads
from lzsm.models.base import Model
from lzsm.options import Options, resolve_options
from lzsm.results import Result, checked_probability, final_of, grid_coordinates

NOISE_TARGETS = ("bias", "coupling")

#: Default number of trajectories of :func:`evolve_noisy`.
DEFAULT_TRAJECTORIES = 1000

#: Automatic step: at most this fraction of the noise correlation time ...
STEPS_PER_CORRELATION_TIME = 10
#: ... and at most this phase ``dt |H|_max / hbar`` per step.
MAX_PHASE_PER_STEP = 0.25

_SX = np.array([[0, 1], [1, 0]], dtype=complex)
_SZ_HALF = np.array([[0.5, 0], [0, -0.5]], dtype=complex)


# =========================================================================== noise processes
def _acts_on(x: Any) -> str | np.ndarray:
    if isinstance(x, str):
        return _checks.choice(x, "acts_on", NOISE_TARGETS)
    if callable(x):
        raise LzsmTypeError("`acts_on` must be 'bias', 'coupling' or a Hermitian (N, N) matrix, not a callable")
    op = _checks.complex_array(x, "acts_on")
    if op.ndim != 2 or op.shape[0] != op.shape[1] or op.shape[0] < 2:
        raise LzsmValueError(f"`acts_on` operator must be a square (N, N) matrix with N >= 2, got shape {op.shape}")
    _checks.hermitian(op, "acts_on")
    op = op.copy()
    op.setflags(write=False)
    return op


class NoiseProcess(ABC):
    """A stationary classical noise ``xi(t)`` (an energy) coupled through an operator ``O``."""

    __dataclass_fields__: ClassVar[dict[str, Any]]  # every concrete noise process is a dataclass
    acts_on: str | np.ndarray

    @property
    @abstractmethod
    def variance(self) -> float:
        """``<xi^2>``."""

    #: ``tau_c``, the decay time of the correlation function (a field or a property).
    correlation_time: float

    def correlation(self, t: ArrayLike) -> np.ndarray:
        """``C(t) = <xi(t) xi(0)> = <xi^2> exp(-|t|/tau_c)`` (both processes here)."""
        t = _checks.real_array(t, "t")
        return self.variance * np.exp(-np.abs(t) / self.correlation_time)

    def spectral_density(self, omega: ArrayLike) -> np.ndarray:
        """``S(omega) = int C(t) e^{i omega t} dt = 2 <xi^2> tau_c / (1 + omega^2 tau_c^2)``
        (Lorentzian; two-sided, angular frequency)."""
        w = _checks.real_array(omega, "omega")
        tau = self.correlation_time
        if math.isinf(tau):
            raise LzsmValueError("static noise (infinite correlation time) has no spectral density function")
        return 2.0 * self.variance * tau / (1.0 + (w * tau) ** 2)

    @abstractmethod
    def coherence_decay(self, t: ArrayLike, *, hbar: float = 1.0) -> np.ndarray:
        """``D(t) = E[exp(-(i/hbar) int_0^t xi(s) ds)]`` (stationary start)."""

    @property
    @abstractmethod
    def _kernel_parameters(self) -> tuple[int, float, float]:
        """(kind, sigma or amplitude, switching rate) for the compiled kernel."""

    @property
    @abstractmethod
    def _amplitude_bound(self) -> float:
        """A practical bound on |xi| (for the automatic step size)."""

    def operator(self, n_levels: int) -> np.ndarray:
        """The coupling operator ``O`` (N x N, diabatic basis) for a model with ``n_levels``."""
        if isinstance(self.acts_on, str):
            if n_levels != 2:
                raise LzsmValueError(
                    f"`acts_on={self.acts_on!r}` is defined for two-level models; this model has {n_levels} "
                    f"levels: pass a Hermitian ({n_levels}, {n_levels}) noise operator as `acts_on`"
                )
            return (_SZ_HALF if self.acts_on == "bias" else _SX).copy()
        op = np.asarray(self.acts_on)
        if op.shape != (n_levels, n_levels):
            raise LzsmValueError(
                f"noise operator `acts_on` has shape {op.shape} but the model has "
                f"{n_levels} levels: it must be ({n_levels}, {n_levels})"
            )
        return op.copy()


@dataclass(frozen=True, eq=False)
class OrnsteinUhlenbeckNoise(NoiseProcess):
    """Gaussian Ornstein–Uhlenbeck noise, stationary, ``<xi(t) xi(t')> = sigma^2 e^{-|t - t'|/tau_c}``.

    Parameters
    ----------
    sigma : standard deviation of xi (energy), >= 0.
    correlation_time : ``tau_c`` > 0 (time).
    acts_on : ``"bias"`` (``O = sigma_z/2``: ``E1 - E2 -> E1 - E2 + xi``), ``"coupling"``
        (``O = sigma_x``: ``V -> V + xi``) or a Hermitian (N, N) operator O in the diabatic basis.

    Sampled exactly on any grid: ``x_{n+1} = x_n e^{-dt/tau_c} + sigma sqrt(1 - e^{-2 dt/tau_c})
    N(0, 1)`` (Gillespie, Phys. Rev. E 54, 2084 (1996)), with the integral over each step drawn
    from its exact joint law (see :mod:`lzsm.kernels.noise`).
    """

    sigma: float
    correlation_time: float
    acts_on: str | np.ndarray = "bias"

    def __post_init__(self) -> None:
        sigma = _checks.real_array(self.sigma, "sigma", nonnegative=True)
        tau = _checks.real_array(self.correlation_time, "correlation_time", positive=True)
        for name, v in (("sigma", sigma), ("correlation_time", tau)):
            if v.ndim != 0:
                raise LzsmValueError(f"`{name}` must be a single number, got an array of shape {v.shape}")
        object.__setattr__(self, "sigma", float(sigma))
        object.__setattr__(self, "correlation_time", float(tau))
        object.__setattr__(self, "acts_on", _acts_on(self.acts_on))

    @classmethod
    def from_dephasing_rate(
        cls, dephasing_rate: float, correlation_time: float, *, hbar: float = 1.0, acts_on: str | np.ndarray = "bias"
    ) -> OrnsteinUhlenbeckNoise:
        """The OU bias noise whose white-noise limit dephases at ``gamma_phi``:
        ``sigma = hbar sqrt(gamma_phi / tau_c)``."""
        g = _checks.real_array(dephasing_rate, "dephasing_rate", nonnegative=True)
        tau = _checks.positive_scalar(correlation_time, "correlation_time")
        hbar = _checks.positive_scalar(hbar, "hbar")
        return cls(hbar * math.sqrt(float(g) / tau), tau, acts_on)

    @property
    def variance(self) -> float:
        return self.sigma**2

    def coherence_decay(self, t: ArrayLike, *, hbar: float = 1.0) -> np.ndarray:
        """Kubo's Gaussian result (Kubo, J. Phys. Soc. Jpn. 9, 935 (1954)):

        .. math::  D(t) = \\exp\\left[-\\frac{\\sigma^2\\tau_c^2}{\\hbar^2}
                   \\left(\\frac{|t|}{\\tau_c} - 1 + e^{-|t|/\\tau_c}\\right)\\right],

        ``-> exp(-gamma_phi |t|)`` with ``gamma_phi = sigma^2 tau_c / hbar^2`` for ``t >> tau_c``
        (motional narrowing) and ``exp(-sigma^2 t^2 / (2 hbar^2))`` for ``t << tau_c``.
        It is the decay of the diabatic coherence of a static two-level system with this noise
        on the bias."""
        ta = np.abs(_checks.real_array(t, "t"))
        hbar = _checks.positive_scalar(hbar, "hbar")
        tau = self.correlation_time
        r = ta / tau
        return np.exp(-((self.sigma * tau / hbar) ** 2) * (r + np.expm1(-r)))

    @property
    def _kernel_parameters(self) -> tuple[int, float, float]:
        return _nk.NOISE_OU, self.sigma, 0.0

    @property
    def _amplitude_bound(self) -> float:
        return 4.0 * self.sigma


@dataclass(frozen=True, eq=False)
class TelegraphNoise(NoiseProcess):
    """Symmetric random telegraph noise ``xi(t) = +-a``, stationary (each sign with probability
    1/2 at the start), switching at rate ``gamma`` from either value (exponential waiting times).

    ``<xi(t) xi(t')> = a^2 exp(-2 gamma |t - t'|)``: correlation time ``tau_c = 1/(2 gamma)``.
    ``switching_rate = 0`` gives quasi-static noise (a random sign drawn once).

    Parameters
    ----------
    amplitude : a >= 0 (energy).
    switching_rate : gamma >= 0 (flips per unit time from each state).
    acts_on : as for :class:`OrnsteinUhlenbeckNoise`.
    """

    amplitude: float
    switching_rate: float
    acts_on: str | np.ndarray = "bias"

    def __post_init__(self) -> None:
        a = _checks.real_array(self.amplitude, "amplitude", nonnegative=True)
        g = _checks.real_array(self.switching_rate, "switching_rate", nonnegative=True)
        for name, v in (("amplitude", a), ("switching_rate", g)):
            if v.ndim != 0:
                raise LzsmValueError(f"`{name}` must be a single number, got an array of shape {v.shape}")
        object.__setattr__(self, "amplitude", float(a))
        object.__setattr__(self, "switching_rate", float(g))
        object.__setattr__(self, "acts_on", _acts_on(self.acts_on))

    @property
    def variance(self) -> float:
        return self.amplitude**2

    @property
    def correlation_time(self) -> float:  # type: ignore[override]
        return math.inf if self.switching_rate == 0 else 1.0 / (2.0 * self.switching_rate)

    def coherence_decay(self, t: ArrayLike, *, hbar: float = 1.0) -> np.ndarray:
        """The Kubo–Anderson formula (Anderson, J. Phys. Soc. Jpn. 9, 316 (1954); Kubo, ibid.
        9, 935 (1954)); with ``u = a/hbar``:

        .. math::  D(t) = e^{-\\gamma t}\\left[\\cosh\\Omega t + \\frac{\\gamma}{\\Omega}\\sinh\\Omega t\\right],
                   \\qquad \\Omega = \\sqrt{\\gamma^2 - u^2},

        (``cos``/``sin`` of ``sqrt(u^2 - gamma^2) t`` when ``u > gamma``: the coherence oscillates,
        slow-fluctuation regime; ``exp(-u^2 t / (2 gamma))`` for ``gamma >> u``, motional
        narrowing).  It solves ``D'' + 2 gamma D' + u^2 D = 0``, ``D(0) = 1``, ``D'(0) = 0``."""
        ta = np.abs(_checks.real_array(t, "t"))
        hbar = _checks.positive_scalar(hbar, "hbar")
        u = self.amplitude / hbar
        g = self.switching_rate
        if u <= g:
            om = math.sqrt((g - u) * (g + u))
            slow = u * u / (g + om)  # = g - om without cancellation
            x = 2.0 * om * ta
            with np.errstate(invalid="ignore", divide="ignore"):
                ratio = np.where(x > 0, -np.expm1(-x) / np.where(x > 0, x, 1.0), 1.0)
            return np.exp(-slow * ta) * (0.5 * (1.0 + np.exp(-x)) + g * ta * ratio)
        nu = math.sqrt((u - g) * (u + g))
        x = nu * ta
        with np.errstate(invalid="ignore", divide="ignore"):
            sinc = np.where(x > 0, np.sin(x) / np.where(x > 0, x, 1.0), 1.0)
        return np.exp(-g * ta) * (np.cos(x) + g * ta * sinc)

    @property
    def _kernel_parameters(self) -> tuple[int, float, float]:
        return _nk.NOISE_TELEGRAPH, self.amplitude, self.switching_rate

    @property
    def _amplitude_bound(self) -> float:
        return self.amplitude


def _check_noise(noise: Any) -> NoiseProcess:
    if not isinstance(noise, NoiseProcess):
        raise LzsmTypeError(
            "`noise` must be an lzsm noise process (OrnsteinUhlenbeckNoise or TelegraphNoise), "
            f"got {type(noise).__name__}"
        )
    return noise


def equivalent_dephasing_rate(noise: NoiseProcess, *, hbar: float = 1.0) -> float:
    """Pure-dephasing rate of the white-noise limit of bias noise, in the diabatic basis:

    .. math::  \\gamma_\\varphi = \\frac{S(0)}{2\\hbar^2} = \\frac{\\langle\\xi^2\\rangle\\,\\tau_c}{\\hbar^2}

    (``sigma^2 tau_c / hbar^2`` for OU, ``a^2 / (2 gamma hbar^2)`` for telegraph noise).  When
    ``tau_c`` is short compared with ``hbar/|H|``, ``1/gamma_phi`` and the times of interest,
    the noise average obeys the Lindblad equation with ``L = sqrt(gamma_phi / 2) sigma_z``
    (docs/conventions.md), e.g. ``lzsm.evolve_open(model, ..., dephasing=gamma_phi)``.
    Kubo, J. Math. Phys. 4, 174 (1963); for Landau–Zener with noise, Kayanuma, J. Phys. Soc. Jpn.
    53, 108 (1984) and Pokrovsky & Sinitsyn, Phys. Rev. B 67, 144303 (2003)."""
    noise = _check_noise(noise)
    hbar = _checks.positive_scalar(hbar, "hbar")
    if not (isinstance(noise.acts_on, str) and noise.acts_on == "bias"):
        raise LzsmValueError(
            "equivalent_dephasing_rate is defined for noise on the bias (acts_on='bias'); "
            "for other operators use equivalent_collapse_operator"
        )
    if math.isinf(noise.correlation_time):
        raise LzsmValueError("static noise (switching_rate = 0) has no white-noise limit")
    return noise.variance * noise.correlation_time / hbar**2


def equivalent_collapse_operator(noise: NoiseProcess, n_levels: int = 2, *, hbar: float = 1.0) -> np.ndarray:
    """Lindblad operator of the white-noise limit, ``L = sqrt(S(0)) O / hbar =
    sqrt(2 <xi^2> tau_c) O / hbar`` (diabatic basis), so that the average obeys
    ``d rho/dt = -i/hbar [H, rho] + L rho L^+ - {L^+ L, rho}/2``.  For bias noise
    ``L = sqrt(gamma_phi / 2) sigma_z`` with :func:`equivalent_dephasing_rate`."""
    noise = _check_noise(noise)
    n_levels = _checks.integer(n_levels, "n_levels", low=2)
    hbar = _checks.positive_scalar(hbar, "hbar")
    if math.isinf(noise.correlation_time):
        raise LzsmValueError("static noise (switching_rate = 0) has no white-noise limit")
    return math.sqrt(2.0 * noise.variance * noise.correlation_time) / hbar * noise.operator(int(n_levels))


# =========================================================================== result
@dataclass(frozen=True, eq=False, repr=False)
class NoisyEvolution(Result):
    """Result of :func:`evolve_noisy`: noise-averaged density matrices with standard errors.

    Attributes
    ----------
    t : saved times (M,).
    rho : trajectory-averaged density matrix in the diabatic basis, ``(*grid, M, N, N)``.
    population_stderr : standard error of the mean of each diabatic population,
        ``std / sqrt(n_trajectories)`` (``(*grid, M, N)``, sample std with ``n - 1``).
    initial : the initial state vector ``(*grid, N)`` (diabatic basis).
    initial_diabatic : initial diabatic index, or -1 where the initial state is not one.
    seed, n_trajectories : the random seed (rerunning with it gives the same numbers) and the
        number of trajectories; trajectory k always uses random stream (seed, k).
    dt, n_steps : largest step and number of steps of each trajectory.
    """

    model: Model
    noise: NoiseProcess
    t: np.ndarray
    rho: np.ndarray
    population_stderr: np.ndarray
    initial: np.ndarray
    initial_diabatic: np.ndarray
    seed: int
    n_trajectories: int
    dt: float

    kind = "noise-averaged evolution"

    @property
    def initial_state(self) -> np.ndarray:
        """Deprecated name of ``initial``."""
        return self.initial

    @property
    def populations(self) -> np.ndarray:
        """Mean diabatic populations ``rho_jj(t)``, shape ``(*grid, M, N)`` (checked: within
        [0, 1] up to rounding)."""
        pops = np.real(np.diagonal(self.rho, axis1=-2, axis2=-1)).copy()
        return checked_probability(pops, "populations", "a smaller `dt`")

    @property
    def p_diabatic_stay(self) -> np.ndarray:
        """Mean final population of the initial diabatic state (NaN where the system did not
        start in a diabatic basis state), shape ``grid``; checked on its way out
        (:func:`lzsm.results.checked_probability`)."""
        index = np.asarray(self.initial_diabatic)
        out = self._final(self.populations)
        return checked_probability(
            out, "p_diabatic_stay", "a smaller `dt`", missing=np.broadcast_to(index, out.shape) < 0
        )

    @property
    def p_diabatic_stay_stderr(self) -> np.ndarray:
        """Standard error of :attr:`p_diabatic_stay` (``std / sqrt(n_trajectories)``)."""
        return self._final(self.population_stderr)

    def _final(self, arr: np.ndarray) -> np.ndarray:
        return final_of(arr, self.initial_diabatic)

    @property
    def coherence(self) -> np.ndarray:
        """``rho_12(t)`` (two levels; ``rho[..., 0, 1]``)."""
        return self.rho[..., 0, 1]

    # ------------------------------------------------------------------ export
    def _grid(self) -> tuple[tuple[int, ...], list[str], dict[str, np.ndarray]]:
        shape = self.model.batch_shape
        dims, coords = grid_coordinates(shape, self.model.parameters())
        return shape, dims, coords

    def _coords(self) -> dict[str, Any]:
        n = self.model.n_levels
        return {"t": self.t, "row": np.arange(n), "col": np.arange(n), "diabatic": np.arange(n)}

    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        _, g, _ = self._grid()
        tdims = g + ["t"]
        return {
            "rho": (tdims + ["row", "col"], self.rho),
            "population_diabatic": (tdims + ["diabatic"], self.populations),
            "population_diabatic_stderr": (tdims + ["diabatic"], self.population_stderr),
            "p_diabatic_stay": (g, self.p_diabatic_stay),
            "p_diabatic_stay_stderr": (g, self.p_diabatic_stay_stderr),
        }

    def _attrs(self) -> dict[str, Any]:
        noise = self.noise
        params = {
            k: getattr(noise, k)
            for k in ("sigma", "correlation_time", "amplitude", "switching_rate")
            if hasattr(noise, k) and k in type(noise).__dataclass_fields__
        }
        return {
            "model": type(self.model).__name__,
            "hbar": self.model.hbar,
            "noise": type(noise).__name__,
            "noise_acts_on": noise.acts_on if isinstance(noise.acts_on, str) else "operator",
            **{f"noise_{k}": v for k, v in params.items()},
            "seed": str(self.seed),
            "n_trajectories": self.n_trajectories,
            "dt": self.dt,
        }

    def to_xarray(self) -> Any:
        """``xarray.Dataset``: rho, populations with standard errors, p_diabatic_stay with its
        standard error; seed, number of trajectories, step and noise parameters in attrs."""
        ds = super().to_xarray()
        ds["rho"].attrs["long_name"] = "noise-averaged density matrix (diabatic basis)"
        ds["population_diabatic_stderr"].attrs["long_name"] = "standard error of the mean (std / sqrt(n))"
        ds["p_diabatic_stay"].attrs["long_name"] = "mean final population of the initial diabatic state"
        return ds

    def _summary(self) -> list[str]:
        return [
            f"{self.model.n_levels} levels",
            f"t: {self.t.size} saved times",
            f"{type(self.noise).__name__} on the {self.noise.acts_on if isinstance(self.noise.acts_on, str) else 'operator'}",
            f"{self.n_trajectories} trajectories (seed {self.seed})",
        ]


# =========================================================================== propagation
def _ou_step_coefficients(h: np.ndarray, sigma: float, tau: float) -> np.ndarray:
    """(S, 5): E, sigma sqrt(1 - E^2), tau (1 - E), Cov/sd_x, conditional sd of the integral."""
    out = np.zeros((h.size, 5))
    r = h / tau
    e = np.exp(-r)
    om = -np.expm1(-r)  # 1 - E
    # f(r) = 2r - 3 + 4E - E^2 = sum_{k>=3} (-1)^k (4 - 2^k) r^k / k!  (series for small r)
    f = 2.0 * r - 2.0 * om - om * om
    small = r < 1.0
    rs = r[small]
    series = np.zeros_like(rs)
    term_fact = 1.0
    for k in range(1, 31):
        term_fact *= k
        if k >= 3:
            series += (-1.0) ** k * (4.0 - 2.0**k) * rs**k / term_fact
    f[small] = series
    out[:, 0] = e
    if sigma == 0.0:
        return out
    sd_x = sigma * np.sqrt(om * (1.0 + e))
    out[:, 1] = sd_x
    out[:, 2] = tau * om
    out[:, 3] = sigma * tau * om * om / np.sqrt(om * (1.0 + e))  # Cov / sd_x
    cond = np.maximum(f - om**3 / (1.0 + e), 0.0)
    out[:, 4] = sigma * tau * np.sqrt(cond)
    return out


def _pauli3(h: np.ndarray) -> np.ndarray:
    """(hx, hy, hz) of Hermitian (..., 2, 2) matrices (identity part dropped)."""
    out = np.empty(h.shape[:-2] + (3,))
    out[..., 0] = h[..., 0, 1].real
    out[..., 1] = -h[..., 0, 1].imag
    out[..., 2] = 0.5 * (h[..., 0, 0] - h[..., 1, 1]).real
    return out


def _kinks(kf, t0: float, t1: float, limit: int = 100_000) -> np.ndarray:
    """Kinks of f(t) inside (t0, t1), union over the grid (steps land on them)."""
    count = _drives.kink_count(kf.code, kf.fpar, t0, t1)
    if count > limit:
        raise LzsmValueError(
            f"triangular drive: too many kinks in t_span for the fixed-step noise solver ({count}); shorten t_span"
        )
    return _drives.kinks(kf.code, kf.fpar, t0, t1)


def _time_grid(te: np.ndarray, kinks: np.ndarray, dt: float, max_steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Step grid: every saved time and kink is a grid point; steps of at most dt in between."""
    nodes = np.union1d(te, kinks)
    counts = np.maximum(1, np.ceil(np.diff(nodes) / dt * (1.0 - 1e-12)).astype(np.int64))
    total = int(counts.sum())
    if total > max_steps:
        raise LzsmValueError(
            f"the noise solver would take {total} steps of dt = {dt:.3g} per trajectory, more than "
            f"max_steps = {max_steps}: pass a larger `dt`, a shorter `t_span` or a larger `max_steps`"
        )
    pieces = [np.linspace(a, b, c + 1)[:-1] for a, b, c in zip(nodes[:-1], nodes[1:], counts)]
    grid = np.concatenate(pieces + [nodes[-1:]])
    save = np.searchsorted(grid, te)
    if not np.array_equal(grid[save], te):  # pragma: no cover - linspace keeps the end points exactly
        raise RuntimeError("internal error: saved times are not on the step grid")
    return grid, save.astype(np.int64)


def _norm2(m: np.ndarray) -> np.ndarray:
    return np.linalg.norm(m, ord=2, axis=(-2, -1)) if m.size else np.zeros(m.shape[:-2])


def _auto_dt(model: Model, kf, noise: NoiseProcess, op: np.ndarray, t0: float, t1: float) -> float:
    """min(tau_c / 10, 0.25 hbar / max |H|) with |H| bounded over the window (noise included)."""
    if kf is not None:
        fmax = _drives.max_abs(kf.code, t0, t1)
        hmax = float(np.max(_norm2(np.asarray(kf.constant)) + _norm2(np.asarray(kf.coefficient)) * fmax))
    else:
        probe = np.linspace(t0, t1, 2001)
        hmax = float(np.max(_norm2(model.hamiltonian(probe))))
    hmax += noise._amplitude_bound * float(_norm2(op))
    dt = t1 - t0
    if hmax > 0:
        dt = min(dt, MAX_PHASE_PER_STEP * model.hbar / hmax)
    if math.isfinite(noise.correlation_time):
        dt = min(dt, noise.correlation_time / STEPS_PER_CORRELATION_TIME)
    return dt


@_compat.noise_third_positional
def evolve_noisy(
    model: Model,
    t_span: tuple[float, float],
    initial: Any = 0,
    t_eval: ArrayLike | None = None,
    *,
    noise: NoiseProcess,
    n_trajectories: int = DEFAULT_TRAJECTORIES,
    seed: int | None = None,
    dt: float | None = None,
    chunk_size: int | None = None,
    method: str | None = None,
    options: Options | None = None,
    tol: float | None = None,
    max_step: float | None = None,
    max_steps: int | None = None,
    breakpoints: ArrayLike | None = None,
    progress: bool | None = None,
) -> NoisyEvolution:
    """Average of stochastic Hamiltonian trajectories ``i hbar dpsi/dt = (H(t) + xi(t) O) psi``.

    .. math::  \\rho(t) = \\mathbb{E}_\\xi\\big[\\,|\\psi_\\xi(t)\\rangle\\langle\\psi_\\xi(t)|\\,\\big]

    Parameters
    ----------
    model : an lzsm model in time (LandauZener, TwoLevel, LinearSweep, PeriodicDrive,
        DoublePassage run fully compiled; models given by Python callables are tabulated once on
        the step grid).
    t_span : (t0, t1); the noise starts stationary at t0.
    initial : a diabatic index, a name (``'diabatic 1'``, ``'adiabatic 0'``, ``'lower'``,
        ``'upper'``) or a normalised state vector, as in :func:`lzsm.evolve`.
    noise : :class:`OrnsteinUhlenbeckNoise` or :class:`TelegraphNoise` (``acts_on`` sets O);
        a keyword (lzsm 0.1 took it as the third positional argument, which still works
        with a DeprecationWarning).
    t_eval : saved times (t0 and t1 always included).
    n_trajectories : number of noise realisations, >= 2.
    seed : non-negative integer; None draws a fresh one (recorded in the result).  Trajectory k
        uses random stream (seed, k): results do not depend on chunking or threads, and adding
        trajectories keeps the first ones.  Parameter points share noise paths.
    dt : step size; default ``min(tau_c / 10, 0.25 hbar / max|H|)`` over the window (noise
        amplitude included).  Saved times (and kinks of triangular drives) are grid points.
    method, options, max_steps, progress : as in :func:`lzsm.evolve` (method ``'magnus4'``;
        ``max_steps`` refuses a step grid longer than that; ``tol`` does not apply: the step
        is ``dt``).
    chunk_size : trajectories per compiled call (memory only; results are identical).

    Method: fourth-order Magnus steps with exact exponentials; the noise enters each step
    through its exact step integral (OU: exact joint Gaussian sampling; telegraph: exact flip
    times), so pure dephasing is exact at any dt (see :mod:`lzsm.kernels.noise`).
    Kubo, J. Math. Phys. 4, 174 (1963); Pokrovsky & Sinitsyn, Phys. Rev. B 67, 144303 (2003).

    Examples
    --------
    >>> import lzsm
    >>> model = lzsm.LandauZener(coupling=0.3, sweep_rate=1.0)
    >>> noise = lzsm.OrnsteinUhlenbeckNoise(sigma=10.0, correlation_time=0.02)  # fast bias noise
    >>> run = lzsm.evolve_noisy(model, (-10, 10), noise=noise, n_trajectories=100, seed=1)
    >>> lindblad = lzsm.evolve_open(model, (-10, 10), dephasing=lzsm.equivalent_dephasing_rate(noise))
    >>> bool(abs(run.p_diabatic_stay - lindblad.p_diabatic_stay) < 3 * run.population_stderr[-1, 0])
    True
    """
    # ---- convert and check
    model = _checks.time_model(model)
    opts = resolve_options(
        options, tol=tol, max_step=max_step, max_steps=max_steps, breakpoints=breakpoints, progress=progress
    )
    meth = methods.lookup("noise", method, "compiled" if model.kernel_form() is not None else "callable")
    opts = meth.check(opts)
    noise = _check_noise(noise)
    n_traj = _checks.integer(n_trajectories, "n_trajectories", low=2)
    if chunk_size is not None:
        chunk_size = _checks.integer(chunk_size, "chunk_size", low=1)
    seed, s0, s1 = _rng.seed_words(seed, allow_none=True)
    te = _checks.times(t_span, t_eval)
    init = _checks.initial_state(initial, model, float(te[0]))
    assert init.psi is not None
    if dt is not None:
        dt = _checks.positive_scalar(dt, "dt")
    npts = math.prod(model.batch_shape)
    n = model.n_levels
    _checks.memory_budget(
        16.0 * npts * te.size * (n * n + n),
        "evolve_noisy: the averaged density matrices",
        f"{npts} grid points x {te.size} saved times (`t_eval`) x {n} x {n}",
        "save fewer times (`t_eval`), or run the grid in parts (lzsm.scan with chunks= and store=, on Dask with scheduler=)",
    )
    label, rho, stderr, dt_used, n_steps = meth.runner(
        model, noise, te, init.psi, n_traj, (s0, s1), dt, opts, chunk_size
    )
    return NoisyEvolution(
        model,
        noise,
        te,
        rho,
        stderr,
        init.psi,
        init.diabatic,
        seed,
        n_traj,
        dt_used,
        method=label,
        options=opts,
        n_steps=n_steps,
    )


def _run_trajectories(
    model: Model,
    noise: NoiseProcess,
    te: np.ndarray,
    psi0: np.ndarray,
    n_traj: int,
    seed_words: tuple[Any, Any],
    dt: float | None,
    options: Options,
    chunk_size: int | None,
) -> tuple[Any, ...]:
    """Fourth-order stochastic Magnus trajectories, compiled (kernel form) or on a tabulated H."""
    s0, s1 = seed_words
    t0, t1 = float(te[0]), float(te[-1])
    n = model.n_levels
    op = noise.operator(n)
    kf = model.kernel_form()
    if dt is None:
        dt = _auto_dt(model, kf, noise, op, t0, t1)
    progress = options.progress
    grid, save = _time_grid(
        te, _kinks(kf, t0, t1) if kf is not None else np.empty(0), float(dt), int(options.max_steps)
    )
    steps = np.diff(grid)

    # ---- kernel inputs (H / hbar)
    kind, npar0, npar1 = noise._kernel_parameters
    npar = np.array([npar0, npar1], dtype=float)
    grid, save = _threads.arg(grid, float), _threads.arg(save, np.int64)
    if kind == _nk.NOISE_OU:
        ouc = _ou_step_coefficients(steps, npar0, noise.correlation_time)  # npar0: the OU sigma
    else:
        ouc = np.zeros((steps.size, 5))
    hbar = model.hbar
    shape = model.batch_shape
    npts = int(np.prod(shape, dtype=int))
    psi_flat = _threads.arg(psi0.reshape(npts, n), complex)
    two = n == 2
    op_in = _threads.arg(_pauli3(op / hbar) if two else op / hbar, float if two else complex)
    # a compiled kernel; called below with its arguments packed in a tuple, which numba's
    # ParamSpec-typed dispatcher cannot match, hence the plain callable type
    kernel: Callable[..., np.ndarray] = _nk.trajectories_two_level if two else _nk.trajectories_n_level
    nodes = grid[:-1, None] + np.array([_nk._C1, _nk._C2]) * steps[:, None]  # (S, 2)

    def prepare(a, b, table):
        if two:
            return _threads.arg(_pauli3(a), float), _threads.arg(_pauli3(b), float), _threads.arg(_pauli3(table), float)
        return _threads.arg(a, complex), _threads.arg(b, complex), _threads.arg(table, complex)

    calls = []  # (point indices, a, b, code, fpar, table, use_table)
    if kf is not None:
        a = np.broadcast_to(kf.constant, shape + (n, n)).reshape(npts, n, n) / hbar
        b = np.broadcast_to(kf.coefficient, shape + (n, n)).reshape(npts, n, n) / hbar
        code = _threads.arg(np.broadcast_to(kf.code, shape).reshape(npts), np.int64)
        fpar = _threads.arg(np.broadcast_to(kf.fpar, shape + (2,)).reshape(npts, 2), float)
        a_in, b_in, table = prepare(a, b, np.zeros((1, 2, n, n)))
        calls.append((np.arange(npts), a_in, b_in, code, fpar, table, False))
        method = "magnus4-stochastic-compiled"
    else:
        zeros = np.zeros((1, n, n))
        for p, idx in enumerate(np.ndindex(*shape) if shape else [()]):
            single = model.point(idx) if shape else model
            tab = np.asarray(single.hamiltonian(nodes.reshape(-1)), dtype=complex).reshape(steps.size, 2, n, n)
            a_in, b_in, table = prepare(zeros, zeros, tab / hbar)
            calls.append((np.array([p]), a_in, b_in, np.zeros(1, dtype=np.int64), np.zeros((1, 2)), table, True))
        method = "magnus4-stochastic-tabulated"

    # ---- run in chunks of trajectories, accumulate in trajectory order
    m = te.size
    if chunk_size is None:
        budget = 1 << 21  # complex amplitudes per call (32 MiB)
        chunk_size = max(1, min(n_traj, budget // max(1, len(calls[0][0]) * m * n)))
    chunk = int(min(chunk_size, n_traj))
    rho_sum = np.zeros((npts, m, n, n), dtype=complex)
    pop_mean = np.zeros((npts, m, n))
    pop_m2 = np.zeros((npts, m, n))
    with progress_bar(n_traj, progress, desc="evolve_noisy", unit="trajectory", auto_above=chunk) as bar:
        for first in range(0, n_traj, chunk):
            count = min(chunk, n_traj - first)
            for pts, a_in, b_in, code, fpar, table, use_table in calls:
                psi_pts = _threads.arg(psi_flat[pts], complex)

                args = (a_in, b_in, code, fpar, table, use_table, op_in, kind, npar, ouc, grid, save, s0, s1)

                def call(
                    sl: slice, args: tuple[Any, ...] = args, first: int = first, psi_pts: np.ndarray = psi_pts
                ) -> np.ndarray:
                    return kernel(*args, first + sl.start, sl.stop - sl.start, psi_pts)

                amps = _threads.concatenate(call, count, axis=1)
                sub_rho, sub_mean, sub_m2 = rho_sum[pts], pop_mean[pts], pop_m2[pts]
                _nk.accumulate(amps, float(first), sub_rho, sub_mean, sub_m2)
                rho_sum[pts], pop_mean[pts], pop_m2[pts] = sub_rho, sub_mean, sub_m2
            bar.update(count)

    rho = rho_sum / n_traj  # Hermitian exactly: (r, c) and (c, r) sums are conjugates term by term
    stderr = np.sqrt(np.maximum(pop_m2, 0.0) / (n_traj - 1) / n_traj)
    return (
        method,
        rho.reshape(shape + (m, n, n)),
        stderr.reshape(shape + (m, n)),
        float(np.max(steps)),
        int(steps.size),
    )


for _form in ("compiled", "callable"):
    methods.register(
        "noise",
        "magnus4",
        _form,
        default_tol=1e-9,
        honours={"max_steps"},
        description="fourth-order Magnus trajectories with exact noise step integrals",
    )(_run_trajectories)
