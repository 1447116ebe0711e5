"""Mixed quantum–classical trajectories at a curve crossing: surface hopping and Ehrenfest.

Scattering along one nuclear coordinate x of a curve model (:class:`lzsm.curves.Curves`, or any
single-point lzsm model of the coordinate x with a real symmetric diabatic potential): a
particle of mass ``m`` comes in from the left on adiabatic state ``initial_state`` with
momentum ``k`` and leaves transmitted (x > x_right, p > 0) or reflected (x < x_left, p < 0) on
some adiabatic state.  The ensemble estimates the probabilities ``T_j(k)`` and ``R_j(k)`` with
binomial standard errors.

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
from dataclasses import dataclass, field
from typing import Any, Literal
import numpy as np
import xarray as xr
from lzsm import _checks
from lzsm.errors import LzsmTypeError, LzsmValueError
from lzsm.kernels import rng as _rng
from lzsm.kernels import threads as _threads
from lzsm.kernels import surface_hopping as _k
from lzsm.models.base import Model

ArrayLike = Any

#: Default nuclear time step (atomic units of time for Tully's models).
DEFAULT_DT = 1.0
#: Spacing of the table on which the diabatic potential is interpolated (cubic Hermite).
DEFAULT_GRID_SPACING = 0.01


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
        if self.decoherence not in (None, "edc"):
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
            raise LzsmValueError(f"`method` must be one of 'fssh', 'lzsh', 'ehrenfest' (or FSSH(...), "
                                 f"LZSH(...), Ehrenfest()); got {method!r}")
        return _METHODS[method.lower()]()
    if not isinstance(method, (FSSH, LZSH, Ehrenfest)):
        raise LzsmTypeError(f"`method` must be FSSH(...), LZSH(...), Ehrenfest() or its name, got {method!r}")
    return method


# ----------------------------------------------------------------------------- result
@dataclass(frozen=True, eq=False)
class TrajectoryScattering:
    """Transmission and reflection probabilities on each adiabatic state from an ensemble.

    ``transmission[m, j]`` / ``reflection[m, j]``: probability to leave to the right / left on
    adiabatic state j (0 = lowest) for incident momentum ``momenta[m]``; ``*_error``: standard
    error (binomial, ``sqrt(P (1 - P) / N)``, for hopping; standard error of the mean of the
    population-weighted outcome for Ehrenfest).  Trajectories that did not leave the box
    within ``max_time`` count in neither (``n_unfinished``).  Per-trajectory records:
    ``outcome`` (0 reflected, 1 transmitted, 2 unfinished), ``final_state``, ``hops``,
    ``frustrated_hops``, ``energy_error`` (max |E(t) - E(0)| along the trajectory),
    ``final_populations`` (adiabatic |c_j|^2 at the end), ``final_time``."""

    method: Method
    momenta: np.ndarray
    transmission: np.ndarray
    reflection: np.ndarray
    transmission_error: np.ndarray
    reflection_error: np.ndarray
    n_unfinished: np.ndarray
    outcome: np.ndarray
    final_state: np.ndarray
    hops: np.ndarray
    frustrated_hops: np.ndarray
    energy_error: np.ndarray
    final_populations: np.ndarray
    final_time: np.ndarray
    settings: dict = field(default_factory=dict)

    @property
    def n_trajectories(self) -> int:
        return int(self.outcome.shape[1])

    @property
    def n_states(self) -> int:
        return int(self.transmission.shape[1])

    def to_xarray(self) -> xr.Dataset:
        """Dataset over (k, state) and (k, trajectory), settings and method in attrs."""
        k = xr.DataArray(self.momenta, dims="k", attrs={"long_name": "incident momentum", "units": "hbar/length"})
        coords = {"k": k, "state": np.arange(self.n_states), "trajectory": np.arange(self.n_trajectories)}
        kd, ks, kt = ("k",), ("k", "state"), ("k", "trajectory")
        ds = xr.Dataset(
            {
                "transmission": (ks, self.transmission, {"long_name": "transmission probability on adiabatic state"}),
                "reflection": (ks, self.reflection, {"long_name": "reflection probability on adiabatic state"}),
                "transmission_error": (ks, self.transmission_error, {"long_name": "standard error"}),
                "reflection_error": (ks, self.reflection_error, {"long_name": "standard error"}),
                "n_unfinished": (kd, self.n_unfinished, {"long_name": "trajectories still in the box at max_time"}),
                "outcome": (kt, self.outcome, {"long_name": "0 reflected, 1 transmitted, 2 unfinished"}),
                "final_state": (kt, self.final_state, {"long_name": "active adiabatic state at the end"}),
                "hops": (kt, self.hops, {"long_name": "accepted hops"}),
                "frustrated_hops": (kt, self.frustrated_hops, {"long_name": "frustrated hops"}),
                "energy_error": (kt, self.energy_error, {"long_name": "max |E(t) - E(0)| along the trajectory"}),
                "final_populations": (kt + ("state",), self.final_populations,
                                      {"long_name": "final adiabatic populations |c_j|^2"}),
                "final_time": (kt, self.final_time, {"long_name": "time at exit"}),
            },
            coords=coords,
        )
        from lzsm._version import __version__

        ds.attrs.update({"method": repr(self.method), "lzsm_version": __version__,
                         **{k_: (str(v) if v is None or isinstance(v, (tuple, list, dict)) else v)
                            for k_, v in self.settings.items()}})
        return ds


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
        raise LzsmValueError(f"the model's potential must have shape (*x.shape, {n}, {n}) at a single "
                             f"parameter point; got {v.shape}")
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


def trajectory_scattering(
    model: Model,
    momenta: ArrayLike,
    *,
    mass: float,
    method: Method | str = "fssh",
    n_trajectories: int = 1000,
    seed: int = 0,
    initial_state: int = 0,
    x0: float = -10.0,
    x_bounds: tuple[float, float] | None = None,
    sampling: Literal["fixed", "wigner"] = "fixed",
    sigma_x: float | None = None,
    dt: float = DEFAULT_DT,
    max_time: float | None = None,
    grid_spacing: float = DEFAULT_GRID_SPACING,
    hbar: float | None = None,
) -> TrajectoryScattering:
    """Scatter an ensemble of trajectories for each incident momentum and count the outcomes.

    Parameters
    ----------
    model : a curve model along x (e.g. :class:`lzsm.TullySimple`) at a single parameter point.
    momenta : incident momenta k > 0 (scalar or 1-D), in units of hbar / length.
    mass : nuclear mass (2000 for Tully's models, atomic units).
    method : :class:`FSSH` (default, plain), :class:`LZSH`, :class:`Ehrenfest`, or their names.
    n_trajectories : trajectories per momentum (>= 1).
    seed : non-negative integer; trajectory j of momentum m uses random stream
        ``(seed, m * n_trajectories + j)``, so results do not depend on the number of threads.
    initial_state : adiabatic state the trajectories start on (0 = lowest).
    x0 : starting position (-10 for Tully's models; use -15 or further for the extended-coupling
        model, whose coupling decays only as exp(0.9 x)).
    x_bounds : (x_left, x_right); a trajectory ends when x > x_right moving right (transmitted)
        or x < x_left moving left (reflected).  Default ``(x0, -x0)``.
    sampling : ``"fixed"`` (x = x0, p = k for every trajectory, as Tully did) or ``"wigner"``
        (Wigner function of a Gaussian wavepacket: x ~ N(x0, sigma_x), p ~ N(k, hbar/(2 sigma_x))).
    sigma_x : position spread of the wavepacket (``"wigner"`` only; default 20/k).
    dt : nuclear time step (velocity Verlet); the electronic amplitudes take one fourth-order
        Magnus step per nuclear step (exact exponential, unitary).
    max_time : longest trajectory time; default 10 x (box length + 18 sigma_x) / slowest initial
        speed (trajectories still in the box are counted in ``n_unfinished``).
    grid_spacing : spacing of the potential table (cubic Hermite interpolation of V and dV/dx).
    hbar : default: the model's ``hbar`` attribute, else 1.

    Returns
    -------
    TrajectoryScattering
    """
    # ---- convert and check
    if not isinstance(model, Model):
        raise LzsmTypeError(f"`model` must be an lzsm Model (e.g. TullySimple()), got {type(model).__name__}")
    if getattr(model, "batch_shape", ()) != ():
        raise LzsmValueError(f"`model` must be a single parameter point, got batch shape {model.batch_shape}")
    meth = _method(method)
    k = _checks.real_array(momenta, "momenta", positive=True)
    if k.ndim > 1:
        raise LzsmValueError(f"`momenta` must be a number or a 1-D array, got shape {k.shape}")
    k = np.atleast_1d(k)
    if k.size == 0:
        raise LzsmValueError("`momenta` must contain at least one momentum")
    mass = _checks.positive_scalar(mass, "mass")
    if isinstance(n_trajectories, (bool, np.bool_)) or not isinstance(n_trajectories, (int, np.integer)):
        raise LzsmTypeError(f"`n_trajectories` must be an integer >= 1, got {n_trajectories!r}")
    if n_trajectories < 1:
        raise LzsmValueError(f"`n_trajectories` must be >= 1, got {n_trajectories}")
    n_traj = int(n_trajectories)
    seed, s0, s1 = _rng.seed_words(seed)
    n = model.n_levels
    if isinstance(initial_state, (bool, np.bool_)) or not isinstance(initial_state, (int, np.integer)) \
            or not 0 <= initial_state < n:
        raise LzsmValueError(f"`initial_state` must be an integer in [0, {n - 1}], got {initial_state!r}")
    x0 = float(_checks.real_array(x0, "x0"))
    if x_bounds is None:
        x_bounds = (x0, -x0)
    try:
        x_left, x_right = (float(_checks.real_array(b, "x_bounds")) for b in x_bounds)
    except (TypeError, ValueError) as exc:
        if isinstance(exc, (LzsmValueError, LzsmTypeError)):
            raise
        raise LzsmValueError(f"`x_bounds` must be a pair (x_left, x_right), got {x_bounds!r}") from None
    if not x_left < x_right:
        raise LzsmValueError(f"`x_bounds` must satisfy x_left < x_right, got ({x_left}, {x_right})")
    if not x0 < x_right:
        raise LzsmValueError(f"`x0` must lie left of x_right = {x_right}, got {x0}")
    sampling = _checks.choice(sampling, "sampling", ("fixed", "wigner"))
    hbar = float(getattr(model, "hbar", 1.0)) if hbar is None else _checks.positive_scalar(hbar, "hbar")
    if sampling == "wigner":
        sx = np.full(k.shape, 20.0) / k if sigma_x is None else np.full(k.shape, _checks.positive_scalar(
            sigma_x, "sigma_x"))
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
    p_bound = math.sqrt(float(np.max(k + 9.0 * sp)) ** 2 + 2.0 * mass * spread)
    margin = 2.0 * p_bound / mass * dt + 10.0 * grid_spacing
    gx0, vt, dvt = _tabulate(model, lo0 - margin, hi0 + margin, grid_spacing)
    if vt.shape[0] > 20_000_000 // max(n * n, 1):
        raise LzsmValueError(f"`grid_spacing` = {grid_spacing:g} gives a table of {vt.shape[0]} points; "
                             "use a larger spacing or a smaller box")

    # ---- time limit per momentum
    if max_time is None:
        slow = np.maximum(k - 6.0 * sp, 0.25 * k) / mass
        t_max = 10.0 * ((x_right - x_left) + abs(x0 - x_left) + 18.0 * sx) / slow
    else:
        t_max = np.full(k.shape, _checks.positive_scalar(max_time, "max_time"))
    max_steps = np.ceil(t_max / dt).astype(np.int64)
    if np.any(max_steps > 10**9):
        raise LzsmValueError(f"`dt` = {dt:g} needs more than 1e9 steps for max_time = {float(np.max(t_max)):g}")

    # ---- dispatch
    code = {"fssh": _k.METHOD_FSSH, "lzsh": _k.METHOD_LZSH, "ehrenfest": _k.METHOD_EHRENFEST}[meth.name]
    decoh = _k.DECOHERENCE_EDC if isinstance(meth, FSSH) and meth.decoherence == "edc" else _k.DECOHERENCE_NONE
    edc_c = float(meth.edc_constant) if isinstance(meth, FSSH) else 0.1
    frus = _k.FRUSTRATED_REVERSE if getattr(meth, "frustrated", "keep") == "reverse" else _k.FRUSTRATED_KEEP
    out_i = np.zeros((k.size, n_traj, _k.N_INT), dtype=np.int64)
    out_f = np.zeros((k.size, n_traj, _k.N_FLOAT + n), dtype=float)
    k_in, sx_in, sp_in = _threads.arg(k, float), _threads.arg(sx, float), _threads.arg(sp, float)
    samp = _k.SAMPLING_WIGNER if sampling == "wigner" else _k.SAMPLING_FIXED

    def call(sl: slice) -> None:
        _k.run_ensemble(gx0, grid_spacing, vt, dvt, code, decoh, edc_c, frus, mass, hbar, dt, x_left, x_right,
                        max_steps, x0, k_in, samp, sx_in, sp_in, int(initial_state), s0, s1, sl.start, sl.stop,
                        out_i, out_f)

    for _ in _threads.run_chunks(call, k.size * n_traj, 1 << 30):
        pass

    # ---- outcomes
    outcome = out_i[..., _k.I_OUTCOME]
    state = out_i[..., _k.I_STATE]
    pops = out_f[..., _k.N_FLOAT:]
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
        t_e = np.sqrt(t_p * (1.0 - t_p) / n_traj)
        r_e = np.sqrt(r_p * (1.0 - r_p) / n_traj)
    settings = {"mass": mass, "hbar": hbar, "dt": dt, "x0": x0, "x_left": x_left, "x_right": x_right,
                "sampling": sampling, "sigma_x": None if sampling == "fixed" else sx.tolist(),
                "initial_state": int(initial_state), "seed": seed, "n_trajectories": n_traj,
                "grid_spacing": grid_spacing, "max_time": t_max.tolist(), "model": repr(model)}
    return TrajectoryScattering(
        method=meth, momenta=k, transmission=t_p, reflection=r_p, transmission_error=t_e,
        reflection_error=r_e, n_unfinished=np.sum(outcome == _k.OUTCOME_UNFINISHED, axis=1),
        outcome=outcome.astype(np.int8), final_state=state, hops=out_i[..., _k.I_HOPS],
        frustrated_hops=out_i[..., _k.I_FRUSTRATED], energy_error=out_f[..., _k.F_ENERGY_ERROR],
        final_populations=pops, final_time=out_f[..., _k.F_TIME], settings=settings)
