"""Floquet analysis of periodically driven models: one-period propagator, quasienergies,
Floquet states, stroboscopic evolution and exact time averages at a cost independent of the
number of periods.

For ``H(t + T) = H(t)`` the one-period propagator ``U_T = U(t0 + T, t0)`` has eigenvalues
``exp(-i eps_a T / hbar)``; the quasienergies ``eps_a`` are defined modulo ``hbar omega``
(``omega = 2 pi / T``) and folded into the zone ``[center - hbar omega/2, center + hbar omega/2)``.
Stroboscopic states are ``psi(t0 + n T) = sum_a c_a lambda_a^n |u_a>`` with ``c_a = <u_a|psi0>``.
Time averages over n periods follow exactly from the propagator sampled within one period:

.. math::

    P_j(n) &= \\frac1n \\sum_{k<n} \\frac1T \\int_0^T |\\langle j| U(t) U_T^k \\psi_0\\rangle|^2\\, dt
            = \\sum_{a,b} c_a c_b^* G_{ab}(n) M^j_{ab}, \\\\
    G_{ab}(n) &= \\frac1n \\sum_{k<n} (\\lambda_a \\lambda_b^*)^k, \\\\
    M^j_{ab} &= \\frac1T \\int_0^T \\langle j|U(t) u_a\\rangle \\langle j|U(t) u_b\\rangle^*\\, dt,

with the period integral by the trapezoidal rule on equally spaced samples (spectrally
accurate for a smooth periodic integrand).  For ``n -> inf`` ``G_ab -> delta(lambda_a,
lambda_b)``.  References: J. H. Shirley, Phys. Rev. 138, B979 (1965); Shevchenko, Ashhab &
Nori, Phys. Rep. 492, 1 (2010), Sec. 4.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from lzsm import _checks
from lzsm.dynamics.coherent import _OnModelGrid, propagator
from lzsm.errors import LzsmConvergenceWarning, LzsmTypeError, LzsmValueError
from lzsm.kernels import threads as _threads
from lzsm.kernels.averages import period_overlaps, unfold_half_period
from lzsm.kernels.drives import F_COS, F_TRIANGLE
from lzsm.models.base import KernelForm, Model
from lzsm.options import MIN_TOL, Options, resolve_options
from lzsm.results import Result, Status, checked_probability

#: Largest accumulated eigenphase error (rad) of n periods that powers of U_T are trusted with.
MAX_PHASE_DRIFT = 0.1
#: The tolerance assumed per step where a result does not record its own.
DEFAULT_PHASE_TOL = 1e-10
#: Arrays of the size of the sampled propagator alive at once (kernel output, unfolding, masks,
#: the overlap weights of the time averages).
SAMPLE_COPIES = 4


@dataclass(frozen=True, eq=False, repr=False)
class Floquet(_OnModelGrid, Result):
    """Floquet data of a periodically driven model over its parameter grid.

    Attributes: ``model``, ``t0``, ``period`` (grid), ``propagator`` U_T ``(*grid, N, N)``,
    ``eigenvalues`` lambda_a ``(*grid, N)``, ``quasienergies`` (folded, ascending)
    ``(*grid, N)``, ``states`` (columns u_a at t0) ``(*grid, N, N)``, ``samples``
    U(t0 + k T/M), k = 0..M, ``(*grid, M + 1, N, N)`` (None when not requested), ``hbar``,
    ``zone_center``; per point ``status`` and ``error_estimate`` of the one-period propagation.
    """

    model: Model
    t0: float
    period: np.ndarray
    propagator: np.ndarray
    eigenvalues: np.ndarray
    quasienergies: np.ndarray
    states: np.ndarray
    samples: np.ndarray | None
    hbar: float
    zone_center: float

    kind = "Floquet decomposition"

    @property
    def frequency(self) -> np.ndarray:
        """Angular drive frequency ``2 pi / T``."""
        return 2 * np.pi / self.period

    def coefficients(self, initial: Any) -> np.ndarray:
        """``c_a = <u_a|psi0>`` of an initial state (the grammar of :func:`lzsm.evolve`: an
        index, a name such as ``'adiabatic 0'`` at t0, or a state vector; broadcast over the grid)."""
        init = _checks.initial_state(initial, self.model, self.t0)
        assert init.psi is not None
        return np.einsum("...ja,...j->...a", np.conj(self.states), init.psi)

    def _coords(self) -> dict[str, Any]:
        n = self.model.n_levels
        return {"floquet_state": np.arange(n), "diabatic": np.arange(n), "final": np.arange(n), "initial": np.arange(n)}

    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        _, g, _ = self._grid()
        return {
            "period": (g, np.broadcast_to(self.period, self.model.batch_shape)),
            "quasienergy": (g + ["floquet_state"], self.quasienergies),
            "eigenvalue": (g + ["floquet_state"], self.eigenvalues),
            "floquet_state_vector": (g + ["diabatic", "floquet_state"], self.states),
            "one_period_propagator": (g + ["final", "initial"], self.propagator),
        }

    def _attrs(self) -> dict[str, Any]:
        return {
            **super()._attrs(),
            "t0": self.t0,
            "zone_center": self.zone_center,
            "n_samples_per_period": 0 if self.samples is None else self.samples.shape[-3] - 1,
        }

    def to_xarray(self) -> Any:
        """An ``xarray.Dataset``: quasienergies (folded into the zone), Floquet states at t0,
        the one-period propagator and the period, per grid point."""
        ds = super().to_xarray()
        ds["quasienergy"].attrs.update(
            units="energy",
            long_name="quasienergy, folded into the zone [zone_center - hbar omega/2, zone_center + hbar omega/2)",
        )
        return ds

    def _summary(self) -> list[str]:
        return [
            f"{self.model.n_levels} levels",
            "samples per period: " + ("none" if self.samples is None else str(self.samples.shape[-3] - 1)),
        ]

    def phase_error(self) -> np.ndarray:
        """An estimate of the error of the eigenphases of ``U_T`` (radians per period), per point.

        The sum of what the one-period propagation says of itself (its ``error_estimate``, a
        bound on the error of ``U_T``, which bounds the error of its eigenvalues; ``tol`` per
        step where the method gives none), the unitarity defect ``||U^dagger U - I||``, the
        residual ``||U V - V Lambda||`` of the eigendecomposition and rounding (64 eps per step).
        After n periods the phases are off by up to n times this."""
        err = np.asarray(self.error_estimate, dtype=float) if self.error_estimate is not None else np.nan
        steps = np.asarray(self.n_steps if self.n_steps is not None else 1, dtype=float)
        tol = self.options.tol if self.options.tol is not None else DEFAULT_PHASE_TOL
        err = np.where(np.isfinite(err), err, tol * np.maximum(steps, 1.0))
        u, vec = self.propagator, self.states
        eye = np.eye(u.shape[-1])
        defect = np.linalg.norm(np.conj(np.swapaxes(u, -1, -2)) @ u - eye, axis=(-2, -1))
        residual = np.linalg.norm(u @ vec - vec * self.eigenvalues[..., None, :], axis=(-2, -1))
        return err + defect + residual + 64.0 * np.finfo(float).eps * (steps + 4.0)

    def check_periods(self, n_periods: int, name: str = "n_periods") -> None:
        """Refuse ``n_periods`` periods when the eigenphases after them would be off by more than
        ``MAX_PHASE_DRIFT`` rad at some point (``n_periods`` times :meth:`phase_error`)."""
        ok = np.asarray(self.status) == int(Status.OK)
        per = np.where(ok, np.broadcast_to(self.phase_error(), ok.shape), 0.0)
        worst = float(np.max(per)) if per.size else 0.0
        if n_periods * worst > MAX_PHASE_DRIFT:
            tol = self.options.tol
            at = f"tol = {tol:g}" if tol is not None else "the method's default tol"
            raise LzsmValueError(
                f"`{name}` = {n_periods} is more periods than this one-period propagator resolves: its eigenphases "
                f"are known to {worst:.2g} rad per period (at {at}), so after {n_periods} periods they are off by "
                f"up to {n_periods * worst:.3g} rad; the largest trustworthy number of periods "
                f"(at most {MAX_PHASE_DRIFT:g} rad) is {largest_periods(worst)}: use fewer periods, a smaller tol "
                f"(down to {MIN_TOL:g}), or the infinite-time average"
            )

    def stroboscopic(self, initial: ArrayLike, n_periods: ArrayLike) -> np.ndarray:
        """Diabatic amplitudes at ``t0 + n T`` for each n in ``n_periods``:
        ``(*batch, len(n), N)``; the cost does not depend on n.

        ``U_T^n = V diag(exp(i n phi_a)) V^dagger`` with the eigenphases ``phi_a`` reduced
        modulo 2 pi exactly (:func:`power_phases`); more periods than the one-period propagator
        resolves (:meth:`check_periods`) are refused."""
        n = np.atleast_1d(np.asarray(n_periods))
        if n.dtype.kind not in "iu" or np.any(n < 0) or np.any(n >= 2**63):
            raise LzsmValueError(f"`n_periods` must be integers in [0, 2^63), got {n_periods!r}")
        if n.size:
            self.check_periods(int(np.max(n)))
        c = self.coefficients(initial)
        lam_n = power_phases(self.eigenvalues[..., None, :], n[:, None])
        return np.einsum("...ja,...ka->...kj", self.states, lam_n * c[..., None, :])

    def time_averaged_populations(self, initial: ArrayLike, n_periods: int | None = None) -> np.ndarray:
        """Diabatic populations averaged over ``n_periods`` whole periods from t0
        (``None``: the infinite-time average), shape ``(*batch, N)``.

        ``G_ab(n) = (1 - prod^n) / (n (1 - prod))``, ``prod = lambda_a conj(lambda_b)``, is
        formed from the phase differences (``prod^n`` reduced exactly, :func:`power_phases`):
        it is bounded by 1 for every n, and its sensitivity to the phase errors falls with n."""
        if self.samples is None:
            raise LzsmValueError("time averages need samples within a period: call floquet(..., n_samples=M)")
        c = self.coefficients(initial)
        lam = self.eigenvalues
        prod = lam[..., :, None] * np.conj(lam[..., None, :])
        if n_periods is None:
            g = (np.abs(prod - 1.0) < 1e-10).astype(float)
        else:
            if not isinstance(n_periods, (int, np.integer)) or not 1 <= n_periods < 2**63:
                raise LzsmValueError(f"`n_periods` must be an integer in [1, 2^63) or None, got {n_periods!r}")
            g = _average_weights(np.angle(prod), int(n_periods))
        pops = np.einsum("...a,...b,...ab,...jab->...j", c, np.conj(c), g, self._period_overlaps()).real
        status = np.asarray(self.status)[..., None]
        err = None if self.error_estimate is None else np.asarray(self.error_estimate, dtype=float)[..., None]
        return checked_probability(pops, "time-averaged populations", "lower `tol` or raise `n_samples`", status, err)

    def _period_overlaps(self) -> np.ndarray:
        """``M^j_ab = (1/T) int_0^T <j|U(t) u_a> conj(<j|U(t) u_b>) dt``, spectrally accurate.

        ``<j|U(t) u_a> = exp(-i eps_a t/hbar) p_a(t)`` with p_a periodic, so the integrand is a
        Fourier series of the periodic ``p_a conj(p_b)`` (from the FFT of the M samples) times
        ``exp(-i (eps_a - eps_b) t / hbar)``, integrated term by term in closed form."""
        assert self.samples is not None
        theta = -np.angle(self.eigenvalues)  # eps_a T / hbar, any branch consistent with lambda_a
        # the exact weights of the trigonometric interpolant against exp(-i d t/T),
        # d = theta_a - theta_b, are formed point by point in the kernel (interpolant_weights)
        n = theta.shape[-1]
        batch = theta.shape[:-1]

        def flat(arr, tail):
            if arr.shape[:-tail] != batch:  # a view on the grid is read-only: arg() copies it
                arr = np.broadcast_to(arr, batch + arr.shape[-tail:])
            return _threads.arg(arr.reshape((-1,) + arr.shape[-tail:]), complex if np.iscomplexobj(arr) else float)

        args = (flat(self.samples, 3), flat(self.states, 2), flat(theta, 1))
        out = _threads.concatenate(lambda sl: period_overlaps(*(x[sl] for x in args)), args[0].shape[0])
        return out.reshape(batch + (n, n, n))


def _turns_times(turns: np.ndarray, n: np.ndarray) -> np.ndarray:
    """``n * turns`` modulo 1 for integers ``0 <= n < 2^63``, exactly up to rounding of the
    final sums (~1e-16), whatever the size of n.

    ``turns`` is split (Veltkamp) into two halves of at most 27 significant bits and n into
    three 21-bit chunks: every partial product then has at most 48 bits and is exact in double
    precision, as is its fractional part; six fractional parts are summed modulo 1."""
    turns = np.asarray(turns, dtype=float)
    n = np.asarray(n).astype(np.int64)
    split = turns * 134217729.0  # 2^27 + 1
    hi = split - (split - turns)
    lo = turns - hi
    total = np.zeros(np.broadcast_shapes(turns.shape, n.shape))
    for k in range(3):
        chunk = ((n >> (21 * k)) & 0x1FFFFF).astype(float) * 2.0 ** (21 * k)
        for part in (hi, lo):
            total = np.fmod(total + np.fmod(chunk * part, 1.0), 1.0)
    return total


def power_phases(lam: np.ndarray, n: ArrayLike) -> np.ndarray:
    """``lam ** n`` for numbers ``lam`` on the unit circle and integers ``n >= 0``:
    ``exp(i n phi)`` with ``n phi`` reduced modulo 2 pi exactly (:func:`_turns_times`), so that
    it stays on the unit circle and carries no rounding of its own for any n."""
    turns = _turns_times(np.angle(lam) / (2.0 * np.pi), np.asarray(n))
    return np.exp(2j * np.pi * turns)


def _average_weights(dphi: np.ndarray, n: int) -> np.ndarray:
    """``G(n) = (1/n) sum_{k<n} exp(i k dphi) = (1 - e^{i n dphi}) / (n (1 - e^{i dphi}))``,
    from ``1 - e^{ix} = -2i sin(x/2) e^{ix/2}`` with ``n dphi`` reduced exactly; 1 where
    ``dphi`` vanishes to rounding."""
    turns = _turns_times(dphi / (2.0 * np.pi), np.asarray(n))
    half = 0.5 * dphi
    small = np.abs(np.sin(half)) < 5e-13
    den = np.where(small, 1.0, n * np.sin(half))
    g = np.sin(np.pi * turns) / den * np.exp(1j * (np.pi * turns - half))
    return np.where(small, 1.0 + 0j, g)


def largest_periods(phase_error: float) -> str:
    """The largest number of periods whose accumulated phase error stays within
    ``MAX_PHASE_DRIFT``, in words."""
    if not phase_error > 0:
        return "unbounded"
    return f"{math.floor(MAX_PHASE_DRIFT / phase_error):.3g}"


def _period(model: Model, period: ArrayLike | None) -> np.ndarray:
    if period is not None:
        per = _checks.real_array(period, "period", positive=True)
        try:
            return np.broadcast_to(per, model.batch_shape)
        except ValueError:
            raise LzsmValueError(
                f"`period` of shape {per.shape} does not broadcast to the model's grid {model.batch_shape}"
            ) from None
    p = getattr(model, "period", None)
    if p is None:
        raise LzsmValueError(f"{type(model).__name__} has no drive period: pass `period=`")
    return np.broadcast_to(np.asarray(p, dtype=float), model.batch_shape)


def _scaled_kernel_form(kf: KernelForm, period: np.ndarray, t0: float) -> KernelForm:
    """The same H in the dimensionless time s = (t - t0)/T: H_s(s) = T H(t0 + s T)."""
    if not np.all(np.isin(kf.code, (F_COS, F_TRIANGLE))):
        raise LzsmValueError("floquet needs a periodic drive (harmonic or triangular kernel form)")
    om, ph = kf.fpar[..., 0], kf.fpar[..., 1]
    if not np.allclose(om * period, 2 * np.pi, rtol=1e-12):
        raise LzsmValueError("`period` must equal the drive period 2 pi / omega of the model")
    fpar = np.stack([np.full(om.shape, 2 * np.pi), ph + om * t0], axis=-1)
    tt = period[..., None, None]
    return KernelForm(kf.constant * tt, kf.coefficient * tt, kf.code, fpar)


def period_step_budget(
    model: Model,
    period: np.ndarray,
    t0: float,
    half: bool,
    max_steps: int,
    where: str = "floquet",
    settable: bool = True,
) -> None:
    """Refuse a one-period propagation of which some grid point needs more than ``max_steps``
    steps for certain (:meth:`lzsm.models.base.KernelForm.phase_bound` over the period, or its
    first half when ``half``: time-symmetric drives are integrated over half a period)."""
    kf = model.kernel_form()
    if kf is None:
        return
    skf = _scaled_kernel_form(kf, np.asarray(period, dtype=float), t0)
    _checks.step_budget(
        skf.phase_bound(0.0, 0.5 if half else 1.0) / (math.pi * model.hbar),
        max_steps,
        where,
        "the propagation over one drive period",
        model.parameters(),
        "use a shorter period (a higher `frequency`)",
        settable=settable,
    )


def _time_symmetric(skf: KernelForm) -> bool:
    """True when H(t0 + T - s) = H(t0 + s) and H is real: an even drive shape (cos, triangle)
    whose phase at t0 is a multiple of pi, with real matrices (then U(T, T/2) = U(T/2, 0)^T)."""
    ph = np.asarray(skf.fpar[..., 1])
    even_phase = np.allclose(np.mod(ph + 0.5 * np.pi, np.pi) - 0.5 * np.pi, 0.0, atol=1e-12)
    real = not (np.any(np.imag(skf.constant) != 0) or np.any(np.imag(skf.coefficient) != 0))
    return bool(even_phase and real)


def _unfold_half_period(u: np.ndarray) -> np.ndarray:
    """Samples U(t_k), t_k = k T/M for k = 0..M/2 (time-symmetric real H) -> k = 0..M.

    Time reversal of a real H with H(T - s) = H(s) gives U(T - s, T/2) = U(T/2, s)^T, hence
    ``U(T/2 + s, 0) = [U(T/2, 0) U(T/2 - s, 0)^dagger]^T U(T/2, 0)``."""
    batch = u.shape[:-3]
    flat = _threads.arg(u.reshape((-1,) + u.shape[-3:]), complex)
    out = np.empty((flat.shape[0], 2 * flat.shape[1] - 1) + flat.shape[2:], dtype=complex)
    list(_threads.run_chunks(lambda sl: unfold_half_period(flat[sl], out[sl]), flat.shape[0], 1 << 30))  # into `out`
    return out.reshape(batch + out.shape[1:])


def _eig_unitary_2x2(u: np.ndarray) -> np.ndarray:
    """Orthonormal eigenvectors of 2 x 2 unitary matrices in closed form.

    ``U = e^{i phi} (c + i s n.sigma)`` with ``e^{2 i phi} = det U``: the eigenvectors are
    those of ``n.sigma``, whose direction is the Hermitian part of ``(V - V^dagger)/(2i)``,
    ``V = e^{-i phi} U`` (its errors are those of U over the eigenvalue gap, as for any
    eigensolver); exact degeneracy (U a multiple of 1) keeps the basis states."""
    v = u * np.exp(-0.5j * np.angle(u[..., 0, 0] * u[..., 1, 1] - u[..., 0, 1] * u[..., 1, 0]))[..., None, None]
    nz = 0.5 * (v[..., 0, 0].imag - v[..., 1, 1].imag)
    nx = 0.5 * (v[..., 0, 1].imag + v[..., 1, 0].imag)
    ny = 0.5 * (v[..., 0, 1].real - v[..., 1, 0].real)
    norm = np.sqrt(nx * nx + ny * ny + nz * nz)
    flat = norm == 0.0
    safe = np.where(flat, 1.0, norm)
    nx, ny, nz = np.where(flat, 0.0, nx / safe), np.where(flat, 0.0, ny / safe), np.where(flat, 1.0, nz / safe)
    up = nz >= 0.0  # the eigenvector of n.sigma for +1, from the better-conditioned formula
    a = np.where(up, 1.0 + nz, nx - 1j * ny)
    b = np.where(up, nx + 1j * ny, 1.0 - nz)
    scale = np.sqrt(np.abs(a) ** 2 + np.abs(b) ** 2)
    a, b = a / scale, b / scale
    vec = np.empty(u.shape, dtype=complex)
    vec[..., 0, 0], vec[..., 1, 0] = a, b
    vec[..., 0, 1], vec[..., 1, 1] = -np.conj(b), np.conj(a)
    return vec


def _eig_unitary(u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (on the unit circle) and orthonormal eigenvectors of unitary matrices."""
    if u.shape[-1] == 2:
        vec = _eig_unitary_2x2(u)
    else:
        lam, vec = np.linalg.eig(u)
        vec, _ = np.linalg.qr(vec)  # re-orthonormalise (exact degeneracies, rounding)
    # QR keeps each column's span ordering; recompute eigenvalues as Rayleigh quotients
    lam = np.einsum("...ia,...ij,...ja->...a", np.conj(vec), u, vec)
    return lam / np.abs(lam), vec


def floquet(
    model: Model,
    *,
    t0: float = 0.0,
    period: ArrayLike | None = None,
    zone_center: float = 0.0,
    n_samples: int = 0,
    method: str | None = None,
    options: Options | None = None,
    tol: float | None = None,
    max_step: float | None = None,
    max_steps: int | None = None,
    breakpoints: ArrayLike | None = None,
    progress: bool | None = None,
) -> Floquet:
    """Floquet analysis over the model's parameter grid: one-period propagator, quasienergies,
    Floquet states (and optionally the propagator sampled within the period).

    Parameters
    ----------
    model : a periodically driven model (e.g. :class:`lzsm.PeriodicDrive`); its period may
        vary over the grid (each point is integrated in its own period).
    t0 : start of the period (the stroboscopic times are t0 + n T).
    period : the drive period (default: the model's ``period``).
    zone_center : centre of the quasienergy Brillouin zone.
    n_samples : M > 0 also stores U(t0 + k T/M), k = 0..M, for exact time averages
        (:meth:`Floquet.time_averaged_populations`); 0 skips it.
    method, options, tol, max_step, max_steps, breakpoints, progress : as in :func:`lzsm.evolve`
        (the one-period propagation).

    Returns
    -------
    :class:`Floquet`.  Points whose one-period propagation did not finish get NaN quasienergies,
    their ``status`` and an :class:`lzsm.errors.LzsmConvergenceWarning`.

    Examples
    --------
    >>> import lzsm
    >>> fl = lzsm.floquet(lzsm.PeriodicDrive(gap=1.0, offset=0.0, amplitude=0.0, frequency=5.0))
    >>> [round(float(e), 6) for e in fl.quasienergies]  # +-Delta/2 without drive
    [-0.5, 0.5]
    """
    model = _checks.time_model(model)
    opts = resolve_options(
        options, tol=tol, max_step=max_step, max_steps=max_steps, breakpoints=breakpoints, progress=progress
    )
    n_samples = _checks.integer(n_samples, "n_samples", low=0, high=10**6)
    if method is not None and not isinstance(method, str):
        raise LzsmTypeError(f"`method` must be a method name (see lzsm.methods) or None, got {method!r}")
    t0 = _checks.real_scalar(t0, "t0")
    zone_center = _checks.real_scalar(zone_center, "zone_center")
    per = _period(model, period)
    n = model.n_levels
    npts = math.prod(model.batch_shape)
    _checks.memory_budget(
        SAMPLE_COPIES * 16.0 * npts * (n_samples + 1) * n * n,
        "floquet: the propagator sampled within the period",
        f"{npts} grid points x {n_samples + 1} samples (`n_samples`) x {n} x {n}",
        "use fewer samples per period (`n_samples`), or run the grid in parts (lzsm.scan with chunks=)",
    )
    grid = np.linspace(0.0, 1.0, n_samples + 1) if n_samples else np.array([0.0, 1.0])
    kf = model.kernel_form()
    if kf is not None and opts.breakpoints is None and method in (None, "magnus6"):
        from lzsm import methods

        meth = methods.lookup("schrodinger", method, "compiled")
        opts = meth.check(opts)
        skf = _scaled_kernel_form(kf, per, t0)
        half = _time_symmetric(skf) and (n_samples % 2 == 0)
        period_step_budget(model, per, t0, half, opts.max_steps)
        if half:  # integrate [t0, t0 + T/2] only; the second half follows by time reversal
            run_grid = grid[: grid.size // 2 + 1] if n_samples else np.array([0.0, 0.5])
        else:
            run_grid = grid
        scaled = _ScaledModel(skf, model)
        label, u, err, steps, status = meth.runner(
            scaled,
            run_grid,
            np.broadcast_to(np.eye(n, dtype=complex), model.batch_shape + (n, n)),
            opts.replace(max_step=opts.max_step / float(np.min(per))),
        )
        if half:
            unfinished = np.asarray(status) != int(Status.OK)  # only these can hold NaN
            if np.any(unfinished):
                u = np.where(unfinished[..., None, None, None], 0.0, u)
            u = _unfold_half_period(u)
            if not n_samples:
                u = u[..., [0, -1], :, :]
            err = 2 * err
    else:
        if not np.allclose(per, per.reshape(-1)[0]):
            raise LzsmValueError("floquet for models given by callables needs one period for the whole grid")
        tp = float(per.reshape(-1)[0])
        prop = propagator(model, (t0, t0 + tp), t0 + tp * grid, method=method, options=opts)
        u, err, steps, status, label, opts = (
            prop.u,
            prop.error_estimate,
            prop.n_steps,
            prop.status,
            prop.method,
            prop.options,
        )
    status = np.asarray(status)
    bad = status != int(Status.OK)
    if np.any(bad):  # (a pass over all the samples only when some point did not finish)
        u = np.where(bad[..., None, None, None], np.nan, u)
    u_t = u[..., -1, :, :]
    lam, vec = _eig_unitary(np.where(bad[..., None, None], np.eye(n), u_t))
    lam = np.where(bad[..., None], np.nan, lam)
    vec = np.where(bad[..., None, None], np.nan, vec)
    if np.any(bad):
        worst = Status(int(np.max(status)))
        warnings.warn(
            f"floquet: the one-period propagation did not finish at {int(np.sum(bad))} of {bad.size} "
            f"points ({worst.message}); see Floquet.status",
            LzsmConvergenceWarning,
            stacklevel=2,
        )
    hw = 2 * np.pi * model.hbar / per
    eps = -model.hbar * np.angle(lam) / per[..., None]
    eps = zone_center + np.mod(eps - zone_center + hw[..., None] / 2, hw[..., None]) - hw[..., None] / 2
    # rounding can land a value on the open upper edge of the zone: fold it to the lower edge
    eps = np.where(eps >= zone_center + hw[..., None] / 2, eps - hw[..., None], eps)
    order = np.argsort(eps, axis=-1)
    eps = np.take_along_axis(eps, order, axis=-1)
    lam = np.take_along_axis(lam, order, axis=-1)
    vec = np.take_along_axis(vec, order[..., None, :], axis=-1)
    return Floquet(
        model,
        t0,
        per,
        u_t,
        lam,
        eps,
        vec,
        u if n_samples else None,
        model.hbar,
        zone_center,
        method=label,
        options=opts,
        status=status,
        error_estimate=err,
        n_steps=steps,
    )


class _ScaledModel:
    """The model in the dimensionless time s = (t - t0)/T (duck-typed for the compiled runner)."""

    def __init__(self, skf: KernelForm, model: Model) -> None:
        self._kf = skf
        self.hbar = model.hbar
        self.batch_shape = model.batch_shape
        self.n_levels = model.n_levels

    def kernel_form(self) -> KernelForm:
        return self._kf


def track_quasienergies(fl: Floquet, axis: int = -1) -> tuple[np.ndarray, np.ndarray]:
    """Quasienergies made continuous along one grid axis (a parameter path).

    Levels are matched between neighbouring points by the overlap of their Floquet states
    (an assignment problem), then unfolded by multiples of ``hbar omega`` to the value
    closest to the previous point.  Returns ``(quasienergies, states)`` reordered the same
    way; quasienergies may leave the original zone."""
    from scipy.optimize import linear_sum_assignment

    _checks.instance(fl, "fl", Floquet, "an lzsm.Floquet (from lzsm.floquet)")
    nb = fl.quasienergies.ndim - 1
    if nb == 0:
        raise LzsmValueError("track_quasienergies needs a grid with at least one parameter axis")
    ax = _checks.integer(axis, "axis", low=-nb, high=nb - 1) % nb
    eps = np.moveaxis(fl.quasienergies, ax, 0).copy()
    vec = np.moveaxis(fl.states, ax, 0).copy()
    hw = np.moveaxis(np.broadcast_to(2 * np.pi * fl.hbar / fl.period, fl.quasienergies.shape[:-1]), ax, 0)
    for k in range(1, eps.shape[0]):
        ov = np.abs(np.einsum("...ja,...jb->...ab", np.conj(vec[k - 1]), vec[k]))
        flat_ov = ov.reshape(-1, ov.shape[-2], ov.shape[-1])
        perms = np.array([linear_sum_assignment(-o)[1] for o in flat_ov]).reshape(ov.shape[:-1])
        eps[k] = np.take_along_axis(eps[k], perms, axis=-1)
        vec[k] = np.take_along_axis(vec[k], perms[..., None, :], axis=-1)
        shift = np.round((eps[k - 1] - eps[k]) / hw[k][..., None])
        eps[k] = eps[k] + shift * hw[k][..., None]
    return np.moveaxis(eps, 0, ax), np.moveaxis(vec, 0, ax)
