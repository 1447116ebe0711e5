"""Mixed quantum–classical trajectories at a curve crossing: surface hopping and Ehrenfest.

Scattering along one nuclear coordinate x of a curve model (:class:`lzsm.models.curves.Curves`,
or any single-point lzsm model of the coordinate x with a real symmetric diabatic potential and
a nuclear ``mass``): a particle of the model's mass ``m`` comes in from the left on the adiabatic
state named by ``initial`` with momentum ``k`` and leaves transmitted (x > x_right, p > 0)
or reflected (x < x_left, p < 0) on some adiabatic state.  The ensemble estimates the
probabilities ``T_j(k)`` and ``R_j(k)`` with binomial standard errors (``*_stderr``).

Methods (chosen by a method object; every option belongs to its method)

* :class:`FSSH` — fewest-switches surface hopping (J. C. Tully, J. Chem. Phys. 93, 1061 (1990)):
  the nucleus moves on the active adiabatic surface ``E_a(x)`` (velocity Verlet, force
  ``-dE_a/dx = -<a|dV/dx|a>``), the electronic amplitudes obey ``i hbar dc/dt = V(x(t)) c``
  (integrated in the diabatic basis, fourth-order Magnus, exact exponential per step), and the
  active state switches a -> b with the fewest-switches probability of the step,

  .. math:: g_{a\\to b} = \\max\\Big(0, \\frac{-\\Delta\\rho_{aa}}{\\rho_{aa}}\\Big)
            \\frac{\\mathrm{Re}(c_b(t+\\Delta t) T_{ba}^* c_a^*(t))}
                  {\\rho_{aa}(t) - \\mathrm{Re}(c_a(t+\\Delta t) T_{aa}^* c_a^*(t))}

  (T: step propagator in the adiabatic basis; Granucci, Persico & Toniolo, J. Chem. Phys. 114,
  10608 (2001)); for two states ``g = max(0, -d rho_aa / rho_aa)``, the integral over the step of
  Tully's ``b_ba dt / rho_aa``.  On a hop the momentum is rescaled along the non-adiabatic
  coupling vector, which in one dimension is x: ``p -> sign(p) sqrt(p^2 - 2 m (E_b - E_a))``.
  A hop with too little kinetic energy is frustrated: the momentum is kept (``frustrated=
  "keep"``, Tully 1990) or reversed along d, i.e. ``p -> -p`` in 1-D (``"reverse"``).
  ``decoherence="edc"``: the energy-based decoherence correction of Granucci & Persico
  (J. Chem. Phys. 126, 134114 (2007)) after every step,

  .. math:: c_j \\to c_j e^{-\\Delta t/\\tau_{ja}},\\quad
            \\tau_{ja} = \\frac{\\hbar}{|E_j - E_a|}\\Big(1 + \\frac{C}{E_{kin}}\\Big),\\quad
            c_a \\to c_a \\sqrt{(1 - \\sum_{j\\ne a}|c_j|^2)/|c_a|^2}

  with ``C = edc_constant`` (0.1 hartree, their value).
* :class:`LZSH` — Landau–Zener surface hopping: no amplitudes, no couplings; at every local
  minimum in time of the adiabatic gap ``Z(t)`` between the active state and a neighbour the
  trajectory hops with

  .. math:: P = \\exp\\Big(-\\frac{\\pi}{2\\hbar}\\sqrt{Z^3/\\ddot Z}\\Big)

  (Belyaev & Lebedev, Phys. Rev. A 84, 014701 (2011)), which is ``exp(-2 pi V^2 / (hbar
  alpha))`` for a linear crossing (``Z = sqrt(alpha^2 t^2 + 4 V^2)``); ``Z''`` by second
  differences on the time grid.  Momentum rescaling and frustrated hops as for FSSH.
* :class:`Ehrenfest` — mean-field force ``-<c|dV/dx|c>``; the outcome of a trajectory is split
  over the states by its final adiabatic populations.

Figures: :func:`plot_trajectory_scattering` draws one panel of Tully's figures (a probability
against the incident momentum, with error bars, beside an optional exact curve).

Initial conditions: ``sampling="fixed"`` starts every trajectory at ``x0`` with momentum ``k``
(as Tully did); ``"wigner"`` samples the Wigner function of the Gaussian wavepacket
``psi(x) ~ exp(-(x - x0)^2 / (4 sigma_x^2) + i k x)``: x ~ N(x0, sigma_x), p ~ N(k, hbar /
(2 sigma_x)).  Units: atomic units for Tully's models (hbar = 1); everything consistent.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike

from lzsm import _checks
from lzsm._compat import renamed_attribute, renamed_keywords
from lzsm._progress import progress_bar
from lzsm.errors import LzsmConvergenceWarning, LzsmTypeError, LzsmValueError
from lzsm.kernels import rng as _rng
from lzsm.kernels import surface_hopping as _k
from lzsm.kernels import threads as _threads
from lzsm.models.base import Model
from lzsm.molecules._inputs import initial_channel, mass_and_hbar, old_adiabatic_index
from lzsm.options import Options, only, resolve_options
from lzsm.results import Result, Status

#: Default nuclear time step (atomic units of time for Tully's models).
DEFAULT_DT = 1.0
#: Spacing of the table on which the diabatic potential is interpolated (cubic Hermite).
DEFAULT_GRID_SPACING = 0.01
#: The most trajectories per momentum (their records are kept: ~100 bytes each).
MAX_TRAJECTORIES = 10**8
#: The ensemble runs in about this many kernel calls (progress and Ctrl-C between them).
PROGRESS_CHUNKS = 64
#: With ``progress=None`` a bar is shown (on a terminal or in a notebook) above this many trajectories.
PROGRESS_AUTO_ABOVE = 1000


# ----------------------------------------------------------------------------- methods
@dataclass(frozen=True)
class FSSH:
    """Fewest-switches surface hopping (Tully 1990) with optional decoherence correction.

    decoherence : None (plain FSSH) or ``"edc"`` (Granucci & Persico 2007).
    edc_constant : C of the EDC decoherence time, in energy units (0.1 hartree in the paper).
    frustrated : ``"keep"`` the momentum on a frustrated hop (Tully 1990) or ``"reverse"`` it.
    """

    decoherence: Literal["edc"] | None = None
    edc_constant: float = 0.1
    frustrated: Literal["keep", "reverse"] = "keep"

    def __post_init__(self) -> None:
        if not (self.decoherence is None or (isinstance(self.decoherence, str) and self.decoherence == "edc")):
            raise LzsmValueError(f"`decoherence` must be None or 'edc', got {self.decoherence!r}")
        _checks.positive_scalar(self.edc_constant, "edc_constant")
        _checks.choice(self.frustrated, "frustrated", ("keep", "reverse"))

    name = "fssh"


@dataclass(frozen=True)
class LZSH:
    """Landau–Zener surface hopping (Belyaev & Lebedev 2011): hops at adiabatic-gap minima.

    frustrated : ``"keep"`` the momentum on a frustrated hop or ``"reverse"`` it."""

    frustrated: Literal["keep", "reverse"] = "keep"

    def __post_init__(self) -> None:
        _checks.choice(self.frustrated, "frustrated", ("keep", "reverse"))

    name = "lzsh"


@dataclass(frozen=True)
class Ehrenfest:
    """Mean-field (Ehrenfest) dynamics: one classical path in the average force."""

    name = "ehrenfest"


Method = FSSH | LZSH | Ehrenfest
_METHODS = {"fssh": FSSH, "lzsh": LZSH, "ehrenfest": Ehrenfest}


def _method(method: Any) -> Method:
    if isinstance(method, str):
        if method.lower() not in _METHODS:
            raise LzsmValueError(
                f"`method` must be one of 'fssh', 'lzsh', 'ehrenfest' (or FSSH(...), "
                f"LZSH(...), Ehrenfest()); got {method!r}"
            )
        return _METHODS[method.lower()]()
    if not isinstance(method, (FSSH, LZSH, Ehrenfest)):
        raise LzsmTypeError(f"`method` must be FSSH(...), LZSH(...), Ehrenfest() or its name, got {method!r}")
    return method


# ----------------------------------------------------------------------------- result
_LONG_NAMES = {
    "transmission": "transmission probability on adiabatic state",
    "reflection": "reflection probability on adiabatic state",
    "transmission_stderr": "standard error of the transmission probability",
    "reflection_stderr": "standard error of the reflection probability",
    "n_unfinished": "trajectories still in the box at max_time",
    "outcome": "0 reflected, 1 transmitted, 2 unfinished",
    "final_state": "active adiabatic state at the end",
    "hops": "accepted hops",
    "frustrated_hops": "frustrated hops",
    "energy_error": "max |E(t) - E(0)| along the trajectory",
    "final_populations": "final adiabatic populations |c_j|^2",
    "final_time": "time at exit",
}


def binomial_stderr(p: np.ndarray, n: int) -> np.ndarray:
    """Standard error of a fraction ``p`` of ``n`` trajectories: the Agresti–Coull form
    ``sqrt(q (1 - q) / (n + 4))`` with ``q = (n p + 2) / (n + 4)`` (two successes and two
    failures added; A. Agresti & B. A. Coull, Am. Stat. 52, 119 (1998)).  It is the binomial
    ``sqrt(p (1 - p) / n)`` to O(1/n) for common outcomes, but not zero when no trajectory (or
    every one) took a channel: 0 of n does not show that a channel is closed (with 100
    trajectories a probability of 0.012 gives no event 30% of the time)."""
    q = (n * np.asarray(p, dtype=float) + 2.0) / (n + 4.0)
    return np.sqrt(q * (1.0 - q) / (n + 4.0))


@dataclass(frozen=True, eq=False, repr=False)
class TrajectoryScattering(Result):
    """Transmission and reflection probabilities on each adiabatic state from an ensemble
    (result of :func:`trajectory_scattering`; its grid is the incident momentum ``k``).

    ``transmission[m, j]`` / ``reflection[m, j]``: probability to leave to the right / left on
    adiabatic state j (0 = lowest) for incident momentum ``k[m]``; ``*_stderr``: standard
    error (binomial, Agresti–Coull ``sqrt(q (1 - q) / (N + 4))``, ``q = (N P + 2)/(N + 4)``,
    for hopping: ``binomial_stderr``, never zero; standard error of the mean of the
    population-weighted outcome for Ehrenfest).  Trajectories that did not leave the box
    within ``max_time`` count in neither (``n_unfinished``; such a ``k`` has status
    MAX_STEPS).  Per-trajectory records: ``outcome`` (0 reflected, 1 transmitted,
    2 unfinished), ``final_state``, ``hops``, ``frustrated_hops``, ``energy_error`` (max
    ``|E(t) - E(0)|`` along the trajectory), ``final_populations`` (adiabatic ``|c_j|^2`` at the end),
    ``final_time``.  ``method`` is the method object (:class:`FSSH`, :class:`LZSH`,
    :class:`Ehrenfest`), ``settings`` the other inputs."""

    k: np.ndarray
    transmission: np.ndarray
    reflection: np.ndarray
    transmission_stderr: np.ndarray
    reflection_stderr: np.ndarray
    n_unfinished: np.ndarray
    outcome: np.ndarray
    final_state: np.ndarray
    hops: np.ndarray
    frustrated_hops: np.ndarray
    energy_error: np.ndarray
    final_populations: np.ndarray
    final_time: np.ndarray
    settings: dict = field(default_factory=dict)
    #: The method object (not a name, as in other results): FSSH(...), LZSH(...) or Ehrenfest().
    method: Method = field(default_factory=FSSH, kw_only=True)  # type: ignore[assignment]

    kind = "trajectory scattering"

    momenta = renamed_attribute("momenta", "k")
    transmission_error = renamed_attribute("transmission_error", "transmission_stderr")
    reflection_error = renamed_attribute("reflection_error", "reflection_stderr")

    @property
    def n_trajectories(self) -> int:
        return int(self.outcome.shape[1])

    @property
    def n_states(self) -> int:
        return int(self.transmission.shape[1])

    def _grid(self) -> tuple[tuple[int, ...], list[str], dict[str, np.ndarray]]:
        return self.k.shape, ["k"], {"k": self.k}

    def _coords(self) -> dict[str, Any]:
        return {"adiabatic": np.arange(self.n_states), "trajectory": np.arange(self.n_trajectories)}

    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        ks, kt = ["k", "adiabatic"], ["k", "trajectory"]
        return {
            "transmission": (ks, self.transmission),
            "reflection": (ks, self.reflection),
            "transmission_stderr": (ks, self.transmission_stderr),
            "reflection_stderr": (ks, self.reflection_stderr),
            "n_unfinished": (["k"], self.n_unfinished),
            "outcome": (kt, self.outcome),
            "final_state": (kt, self.final_state),
            "hops": (kt, self.hops),
            "frustrated_hops": (kt, self.frustrated_hops),
            "energy_error": (kt, self.energy_error),
            "final_populations": (kt + ["adiabatic"], self.final_populations),
            "final_time": (kt, self.final_time),
        }

    def _attrs(self) -> dict[str, Any]:
        return {**self.settings, "method": repr(self.method)}

    def to_xarray(self) -> Any:
        """Dataset over (k, adiabatic) and (k, trajectory); settings and the method in attrs."""
        ds = super().to_xarray()
        ds["k"].attrs.update(long_name="incident momentum", units="hbar/length")
        for name, long in _LONG_NAMES.items():
            ds[name].attrs["long_name"] = long
        return ds

    def _summary(self) -> list[str]:
        return [f"{self.n_states} states", f"{self.n_trajectories} trajectories per k"]


# ----------------------------------------------------------------------------- front end
def _tabulate(model: Model, lo: float, hi: float, spacing: float) -> tuple[float, np.ndarray, np.ndarray]:
    """Grid ``spacing * arange(i0, i1 + 1)`` (so that x = 0 is a node) covering [lo, hi]."""
    i0 = math.floor(lo / spacing)
    i1 = math.ceil(hi / spacing)
    x = spacing * np.arange(i0, i1 + 1, dtype=float)
    v = np.asarray(model.hamiltonian(x))
    dv = np.asarray(model.hamiltonian_derivative(x))
    n = model.n_levels
    if v.shape != (x.size, n, n) or dv.shape != (x.size, n, n):
        raise LzsmValueError(
            f"the model's potential must have shape (*x.shape, {n}, {n}) at a single parameter point; got {v.shape}"
        )
    for name, arr in (("potential", v), ("gradient", dv)):
        if np.iscomplexobj(arr):
            if np.max(np.abs(arr.imag)) > 1e-12 * max(np.max(np.abs(arr.real)), 1e-300):
                raise LzsmValueError(f"the model's {name} must be real symmetric for trajectory methods")
            arr = arr.real
        if not np.all(np.isfinite(arr)):
            raise LzsmValueError(f"the model's {name} is not finite (NaN or inf) on [{lo:g}, {hi:g}]")
        if np.max(np.abs(arr - np.swapaxes(arr, -1, -2))) > 1e-12 * max(np.max(np.abs(arr)), 1e-300):
            raise LzsmValueError(f"the model's {name} must be symmetric")
    return float(x[0]), np.ascontiguousarray(v.real, dtype=float), np.ascontiguousarray(dv.real, dtype=float)


@renamed_keywords(momenta="k", initial_state=("initial", old_adiabatic_index))
def surface_hopping(
    model: Model,
    k: ArrayLike,
    *,
    mass: float | None = None,
    method: Method | str = "fssh",
    n_trajectories: int = 1000,
    seed: int = 0,
    initial: Any = "lower",
    x0: float = -10.0,
    x_bounds: tuple[float, float] | None = None,
    sampling: Literal["fixed", "wigner"] = "fixed",
    sigma_x: float | None = None,
    dt: float = DEFAULT_DT,
    max_time: float | None = None,
    grid_spacing: float = DEFAULT_GRID_SPACING,
    hbar: float | None = None,
    options: Options | None = None,
    max_steps: int | None = None,
    progress: bool | None = None,
) -> TrajectoryScattering:
    """Scatter an ensemble of trajectories for each incident momentum and count the outcomes.

    Parameters
    ----------
    model : a curve model along x (e.g. :class:`lzsm.TullySimple`) at a single parameter point;
        its ``mass`` (2000 for Tully's models, atomic units) and ``hbar`` are used.
    k : incident wavenumbers k > 0 (scalar or 1-D): the initial nuclear momentum is
        p = hbar k (= k in atomic units), as for the exact scattering routes.
    method : :class:`FSSH` (default, plain), :class:`LZSH`, :class:`Ehrenfest`, or their names.
    n_trajectories : trajectories per momentum (>= 1).
    seed : non-negative integer; trajectory j of momentum m uses random stream
        ``(seed, m * n_trajectories + j)``, so results do not depend on the number of threads.
    initial : the adiabatic state the trajectories start on: ``'lower'`` (default),
        ``'adiabatic j'``, ``'upper'``, or a diabatic index / ``'diabatic j'`` for the adiabatic
        state that diabatic state dominates at ``x0``.
    x0 : starting position (-10 for Tully's models; use -15 or further for the extended-coupling
        model, whose coupling decays only as exp(0.9 x)).
    x_bounds : (x_left, x_right); a trajectory ends when x > x_right moving right (transmitted)
        or x < x_left moving left (reflected).  Default ``(x0, -x0)``.
    sampling : ``"fixed"`` (x = x0, p = hbar k for every trajectory, as Tully did) or ``"wigner"``
        (Wigner function of a Gaussian wavepacket: x ~ N(x0, sigma_x), p ~ N(hbar k, hbar/(2 sigma_x))).
    sigma_x : position spread of the wavepacket (``"wigner"`` only; default 20/k).
    dt : nuclear time step (velocity Verlet); the electronic amplitudes take one fourth-order
        Magnus step per nuclear step (exact exponential, unitary).
    max_time : longest trajectory time; default 10 x (box length + 18 sigma_x) / slowest initial
        speed (trajectories still in the box are counted in ``n_unfinished``).
    grid_spacing : spacing of the potential table (cubic Hermite interpolation of V and dV/dx).
    options, max_steps, progress : :class:`lzsm.Options`; ``max_steps`` caps the steps of every
        trajectory (below the cap that ``max_time`` sets); ``tol``, ``max_step`` and
        ``breakpoints`` do not apply (the nuclear step is the fixed ``dt``) and are refused.
        ``progress`` shows a bar over the trajectories (``None``: above 1000 trajectories, on a
        terminal or in a notebook).
    mass, hbar : deprecated (lzsm 0.1): they override the model's ``mass`` and ``hbar``.

    Returns
    -------
    TrajectoryScattering; momenta at which some trajectories were still in the box at
    ``max_time`` get status MAX_STEPS and an :class:`~lzsm.errors.LzsmConvergenceWarning`.

    Examples
    --------
    >>> import lzsm
    >>> model = lzsm.TullySimple()
    >>> fssh = lzsm.surface_hopping(model, k=20.0, n_trajectories=200, seed=1)
    >>> exact = lzsm.stationary_scattering(model, k=20.0).transmission
    >>> bool(abs(fssh.transmission - exact).max() < 3 * fssh.transmission_stderr.max())
    True
    """
    # ---- convert and check
    if not isinstance(model, Model):
        raise LzsmTypeError(f"`model` must be an lzsm Model (e.g. TullySimple()), got {type(model).__name__}")
    if getattr(model, "batch_shape", ()) != ():
        raise LzsmValueError(f"`model` must be a single parameter point, got batch shape {model.batch_shape}")
    meth = _method(method)
    k = _checks.real_array(k, "k", positive=True)
    if k.ndim > 1:
        raise LzsmValueError(f"`k` must be a number or a 1-D array, got shape {k.shape}")
    k = np.atleast_1d(k)
    if k.size == 0:
        raise LzsmValueError("`k` must contain at least one momentum")
    mass, hbar = mass_and_hbar(model, mass, hbar, "surface_hopping")
    p0 = hbar * k  # incident momentum
    if isinstance(n_trajectories, (bool, np.bool_)) or not isinstance(n_trajectories, (int, np.integer)):
        raise LzsmTypeError(f"`n_trajectories` must be an integer >= 1, got {n_trajectories!r}")
    if not 1 <= n_trajectories <= MAX_TRAJECTORIES:
        raise LzsmValueError(f"`n_trajectories` must be >= 1 and <= {MAX_TRAJECTORIES:.0e}, got {n_trajectories}")
    n_traj = int(n_trajectories)
    seed, s0, s1 = _rng.seed_words(seed)
    n = model.n_levels
    x0_arr = _checks.real_array(x0, "x0")
    if x0_arr.ndim != 0:
        raise LzsmValueError(f"`x0` must be a single position, got an array of shape {x0_arr.shape}")
    x0 = float(x0_arr)
    initial_state = initial_channel(initial, model, x0)
    if x_bounds is None:
        if not x0 < 0:
            raise LzsmValueError(
                f"`x0` must be < 0 when `x_bounds` is not given (they default to (x0, -x0)), got {x0:g}"
            )
        x_bounds = (x0, -x0)
    x_left, x_right = _checks.interval(x_bounds, "x_bounds", ends="x_left, x_right")
    if not x0 < x_right:
        raise LzsmValueError(f"`x0` must lie left of x_right = {x_right}, got {x0}")
    _checks.choice(sampling, "sampling", ("fixed", "wigner"))  # validates; returns `sampling` itself
    if sampling == "wigner":
        sx = (
            np.full(k.shape, 20.0) / k
            if sigma_x is None
            else np.full(k.shape, _checks.positive_scalar(sigma_x, "sigma_x"))
        )
        sp = hbar / (2.0 * sx)
    else:
        if sigma_x is not None:
            raise LzsmValueError("`sigma_x` applies only to sampling='wigner'")
        sx = np.zeros(k.shape)
        sp = np.zeros(k.shape)
    dt = _checks.positive_scalar(dt, "dt")
    grid_spacing = _checks.positive_scalar(grid_spacing, "grid_spacing")

    # ---- potential table covering every place a trajectory can reach before it stops
    reach = 9.0 * float(np.max(sx))  # Box-Muller normals are bounded by sqrt(-2 ln 2^-54) < 9
    lo0, hi0 = min(x_left, x0 - reach), max(x_right, x0 + reach)
    _, v_probe, _ = _tabulate(model, lo0, hi0, max(grid_spacing, (hi0 - lo0) / 2000.0))
    spread = float(np.ptp(np.linalg.eigvalsh(v_probe)))
    p_bound = math.sqrt(float(np.max(p0 + 9.0 * sp)) ** 2 + 2.0 * mass * spread)
    margin = 2.0 * p_bound / mass * dt + 10.0 * grid_spacing
    gx0, vt, dvt = _tabulate(model, lo0 - margin, hi0 + margin, grid_spacing)
    if vt.shape[0] > 20_000_000 // max(n * n, 1):
        raise LzsmValueError(
            f"`grid_spacing` = {grid_spacing:g} gives a table of {vt.shape[0]} points; "
            "use a larger spacing or a smaller box"
        )

    # ---- time limit per momentum
    if max_time is None:
        slow = np.maximum(p0 - 6.0 * sp, 0.25 * p0) / mass
        t_max = 10.0 * ((x_right - x_left) + abs(x0 - x_left) + 18.0 * sx) / slow
    else:
        t_max = np.full(k.shape, _checks.positive_scalar(max_time, "max_time"))
    opts = only(
        resolve_options(options, max_steps=max_steps, progress=progress),
        {"max_steps"},
        "surface_hopping",
        "the nuclear step is the fixed dt",
    )
    steps = np.ceil(t_max / dt).astype(np.int64)
    if "max_steps" in opts.given():
        steps = np.minimum(steps, opts.max_steps)
    if np.any(steps > 10**9):
        raise LzsmValueError(f"`dt` = {dt:g} needs more than 1e9 steps for max_time = {float(np.max(t_max)):g}")

    # ---- dispatch
    code = {"fssh": _k.METHOD_FSSH, "lzsh": _k.METHOD_LZSH, "ehrenfest": _k.METHOD_EHRENFEST}[meth.name]
    decoh = _k.DECOHERENCE_EDC if isinstance(meth, FSSH) and meth.decoherence == "edc" else _k.DECOHERENCE_NONE
    edc_c = float(meth.edc_constant) if isinstance(meth, FSSH) else 0.1
    frus = _k.FRUSTRATED_REVERSE if getattr(meth, "frustrated", "keep") == "reverse" else _k.FRUSTRATED_KEEP
    out_i = np.zeros((k.size, n_traj, _k.N_INT), dtype=np.int64)
    out_f = np.zeros((k.size, n_traj, _k.N_FLOAT + n), dtype=float)
    k_in, sx_in, sp_in = _threads.arg(p0, float), _threads.arg(sx, float), _threads.arg(sp, float)
    samp = _k.SAMPLING_WIGNER if sampling == "wigner" else _k.SAMPLING_FIXED

    def call(sl: slice) -> None:
        _k.run_ensemble(
            gx0,
            grid_spacing,
            vt,
            dvt,
            code,
            decoh,
            edc_c,
            frus,
            mass,
            hbar,
            dt,
            x_left,
            x_right,
            steps,
            x0,
            k_in,
            samp,
            sx_in,
            sp_in,
            int(initial_state),
            s0,
            s1,
            sl.start,
            sl.stop,
            out_i,
            out_f,
        )

    total = k.size * n_traj
    # about PROGRESS_CHUNKS calls: the bar moves and Ctrl-C is honoured between calls; trajectory j
    # of momentum m draws from its own random stream, so the chunking does not change any number
    cap = max(1, -(-total // PROGRESS_CHUNKS))
    with progress_bar(
        total, opts.progress, desc="surface_hopping", unit="trajectory", auto_above=PROGRESS_AUTO_ABOVE
    ) as bar:
        for sl, _ in _threads.run_chunks(call, total, cap):
            bar.update(sl.stop - sl.start)

    # ---- outcomes
    outcome = out_i[..., _k.I_OUTCOME]
    state = out_i[..., _k.I_STATE]
    pops = out_f[..., _k.N_FLOAT :]
    trans = outcome == _k.OUTCOME_TRANSMITTED
    refl = outcome == _k.OUTCOME_REFLECTED
    if isinstance(meth, Ehrenfest):
        wt = trans[..., None] * pops
        wr = refl[..., None] * pops
        t_p, r_p = wt.mean(axis=1), wr.mean(axis=1)
        ddof = 1 if n_traj > 1 else 0
        t_e = wt.std(axis=1, ddof=ddof) / math.sqrt(n_traj)
        r_e = wr.std(axis=1, ddof=ddof) / math.sqrt(n_traj)
    else:
        onehot = state[..., None] == np.arange(n)
        t_p = (trans[..., None] & onehot).mean(axis=1)
        r_p = (refl[..., None] & onehot).mean(axis=1)
        t_e, r_e = binomial_stderr(t_p, n_traj), binomial_stderr(r_p, n_traj)
    settings = {
        "mass": mass,
        "hbar": hbar,
        "dt": dt,
        "x0": x0,
        "x_left": x_left,
        "x_right": x_right,
        "sampling": sampling,
        "sigma_x": None if sampling == "fixed" else sx.tolist(),
        "initial_state": int(initial_state),
        "seed": seed,
        "n_trajectories": n_traj,
        "grid_spacing": grid_spacing,
        "max_time": t_max.tolist(),
        "model": repr(model),
    }
    n_unfinished = np.sum(outcome == _k.OUTCOME_UNFINISHED, axis=1)
    status = np.where(n_unfinished > 0, int(Status.MAX_STEPS), int(Status.OK))
    if np.any(n_unfinished):
        bad = int(np.sum(n_unfinished > 0))
        warnings.warn(
            f"surface_hopping: at {bad} of {k.size} momenta some trajectories were still in the box "
            f"at max_time ({int(n_unfinished.sum())} in all, trapped in a well or too slow; they count in "
            "neither T nor R): see TrajectoryScattering.n_unfinished and .status",
            LzsmConvergenceWarning,
            stacklevel=3,
        )  # past the keyword wrapper
    return TrajectoryScattering(
        k,
        t_p,
        r_p,
        t_e,
        r_e,
        n_unfinished,
        outcome.astype(np.int8),
        state,
        out_i[..., _k.I_HOPS],
        out_i[..., _k.I_FRUSTRATED],
        out_f[..., _k.F_ENERGY_ERROR],
        pops,
        out_f[..., _k.F_TIME],
        settings,
        method=meth,
        status=status,
    )


def trajectory_scattering(*args: Any, **kwargs: Any) -> TrajectoryScattering:
    """Deprecated (lzsm 0.1 name): :func:`surface_hopping`."""
    import warnings

    warnings.warn(
        "lzsm.trajectory_scattering is deprecated since lzsm 0.2; use lzsm.surface_hopping",
        DeprecationWarning,
        stacklevel=2,
    )
    return surface_hopping(*args, **kwargs)
