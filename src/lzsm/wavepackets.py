"""Exact quantum dynamics of nuclear wavepackets on N coupled diabatic potentials (1-D and 2-D).

The time-dependent Schrödinger equation ``i hbar d psi/dt = (T + V(x)) psi`` with
``T = sum_d -hbar^2/(2 m_d) d^2/dx_d^2`` and ``psi`` an N-component (diabatic) spinor on a
uniform periodic grid is propagated by the second-order split-operator (Strang) formula

.. math::  \\psi(t + \\Delta t) = e^{-iV\\Delta t/2\\hbar}\\,\\mathcal F^{-1} e^{-iT(k)\\Delta t/\\hbar}
           \\mathcal F\\, e^{-iV\\Delta t/2\\hbar}\\,\\psi(t) + O(\\Delta t^3)

(M. D. Feit, J. A. Fleck & A. Steiger, J. Comput. Phys. 47, 412 (1982); G. Strang, SIAM J.
Numer. Anal. 5, 506 (1968)).  ``exp(-i V dt/hbar)`` is built once from the eigen-decomposition
of the potential matrix at every grid point (``numpy.linalg.eigh``, vectorised), so the
non-adiabatic couplings are treated exactly; consecutive half steps are fused.  Absorbing
boundaries are a complex absorbing potential ``-i W(x)`` (a scalar, so it commutes with V and
enters as the mask ``exp(-W dt/hbar)``); the norm it removes is booked per state in both
pictures.

Public pieces:

* :class:`Grid` (1-D or 2-D, uniform), :func:`absorbing_potential`, :func:`gaussian_wavepacket`,
  :func:`propagate` -> :class:`WavepacketEvolution` (snapshots, populations in both pictures,
  absorbed norm).  These are dimension-agnostic: the 2-D path is what the conical-intersection
  models use (give ``potential`` as an array ``(nx, ny, N, N)`` or a callable of the meshes).
* :func:`wavepacket_scattering` -> :class:`WavepacketScattering`: 1-D scattering on a
  :class:`~lzsm.curves.Curves` model with automatic grid, time step and absorbers,
  transmission/reflection per state in both pictures, energy-resolved probabilities from the
  time-energy Fourier transform of the wavefunction at two analysis points, and a convergence
  report (:class:`WavepacketConvergence`).
* Figures: :func:`plot_snapshots`, :func:`plot_scattering_vs_momentum` (with a hook for other
  methods' results, e.g. surface hopping with error bars).

Units: consistent user units with ``hbar`` explicit (atomic units: hbar = 1, masses in
electron masses, Tully's models use m = 2000).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import fft as sfft

from . import _checks
from .errors import LzsmTypeError, LzsmValueError

ArrayLike = Any
_K_FACTOR = 2.0  # k_max over the largest local wavenumber (closed channels need the margin)


# =========================================================================== grid
@dataclass(frozen=True)
class Grid:
    """A uniform periodic grid in one or two dimensions.

    ``axes[d]`` are the points ``x_0 + j dx`` (j = 0..n-1) along dimension d; the FFT
    momenta are ``2 pi fftfreq(n, dx)``, so the largest representable momentum is
    ``pi / dx`` (:attr:`k_max`).  Build with :meth:`uniform`."""

    axes: tuple[np.ndarray, ...]
    names: tuple[str, ...]

    def __post_init__(self) -> None:
        if len(self.axes) not in (1, 2) or len(self.names) != len(self.axes):
            raise LzsmValueError(f"a Grid has one or two dimensions with one name each; got {len(self.axes)} "
                                 f"axes and names {self.names}")
        for name, ax in zip(self.names, self.axes):
            if ax.ndim != 1 or ax.size < 4:
                raise LzsmValueError(f"grid axis {name!r} needs at least 4 points, got {ax.size}")
            steps = np.diff(ax)
            if not np.allclose(steps, steps[0], rtol=1e-9, atol=0) or steps[0] <= 0:
                raise LzsmValueError(f"grid axis {name!r} must be uniform and increasing")

    @classmethod
    def uniform(cls, bounds: Sequence[float] | Sequence[Sequence[float]], n_points: int | Sequence[int],
                names: Sequence[str] | None = None) -> Grid:
        """``Grid.uniform((-20, 20), 512)`` or ``Grid.uniform([(-5, 5), (-4, 4)], (128, 96))``.

        The right bound is excluded (periodic grid: it is the image of the left one)."""
        b = np.asarray(bounds, dtype=float)
        if b.ndim == 1:
            b = b[None, :]
        if b.ndim != 2 or b.shape[1] != 2 or b.shape[0] not in (1, 2):
            raise LzsmValueError(f"`bounds` must be (lo, hi) or [(lo, hi), (lo, hi)], got {bounds!r}")
        n = np.broadcast_to(np.asarray(n_points, dtype=int), (b.shape[0],))
        if np.any(n < 4):
            raise LzsmValueError(f"`n_points` must be >= 4 per axis, got {n_points!r}")
        if np.any(b[:, 1] <= b[:, 0]) or not np.all(np.isfinite(b)):
            raise LzsmValueError(f"`bounds` must be finite with lo < hi, got {bounds!r}")
        names = tuple(names) if names is not None else ("x", "y")[: b.shape[0]]
        axes = tuple(lo + (hi - lo) / m * np.arange(m) for (lo, hi), m in zip(b, n))
        return cls(axes, names)

    @property
    def ndim(self) -> int:
        return len(self.axes)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(a.size for a in self.axes)

    @property
    def spacing(self) -> tuple[float, ...]:
        return tuple(float(a[1] - a[0]) for a in self.axes)

    @property
    def cell(self) -> float:
        """Volume element ``prod_d dx_d``."""
        return float(np.prod(self.spacing))

    @property
    def k_max(self) -> tuple[float, ...]:
        """Largest representable momentum ``pi/dx`` per axis (times hbar)."""
        return tuple(np.pi / d for d in self.spacing)

    def momenta(self) -> tuple[np.ndarray, ...]:
        """FFT wavenumbers per axis (in ``numpy.fft`` order)."""
        return tuple(2 * np.pi * sfft.fftfreq(a.size, d) for a, d in zip(self.axes, self.spacing))

    def meshes(self) -> tuple[np.ndarray, ...]:
        """Coordinate arrays of shape :attr:`shape` (``indexing='ij'``)."""
        return tuple(np.meshgrid(*self.axes, indexing="ij"))


def absorbing_potential(grid: Grid, width: float | Sequence[float], strength: float | Sequence[float],
                        power: int = 3) -> np.ndarray:
    """Complex absorbing potential ``W`` (grid-shaped, >= 0) at both ends of every axis.

    With d the distance from the nearer edge of an axis, inside a layer of thickness ``width``
    ``W = strength * ((width - d)/width)**power`` and zero elsewhere (summed over axes).  The
    wave is damped by ``exp(-int W dx/(hbar v))`` in amplitude per crossing; a smooth
    polynomial ramp reflects little when ``width`` spans a few wavelengths (U. V. Riss &
    H.-D. Meyer, J. Phys. B 26, 4503 (1993); Á. Vibók & G. G. Balint-Kurti, J. Phys. Chem. 96,
    8712 (1992))."""
    widths = np.broadcast_to(np.asarray(width, dtype=float), (grid.ndim,))
    strengths = np.broadcast_to(np.asarray(strength, dtype=float), (grid.ndim,))
    if np.any(widths < 0) or np.any(strengths < 0) or not np.all(np.isfinite(widths * strengths)):
        raise LzsmValueError(f"`width` and `strength` must be finite and >= 0, got {width!r}, {strength!r}")
    if not isinstance(power, int | np.integer) or power < 1:
        raise LzsmValueError(f"`power` must be a positive integer, got {power!r}")
    w = np.zeros(grid.shape)
    for d, (ax, wd, s) in enumerate(zip(grid.axes, widths, strengths)):
        if wd == 0 or s == 0:
            continue
        if 2 * wd > ax[-1] - ax[0]:
            raise LzsmValueError(f"absorber `width` {wd:g} on axis {grid.names[d]!r} is more than half the grid")
        lo, hi = ax[0], ax[-1] + (ax[1] - ax[0])
        dist = np.minimum(ax - lo, hi - ax)
        prof = np.where(dist < wd, s * ((wd - dist) / wd) ** power, 0.0)
        shape = [1] * grid.ndim
        shape[d] = ax.size
        w = w + prof.reshape(shape)
    return w


def gaussian_wavepacket(grid: Grid, center: float | Sequence[float], momentum: float | Sequence[float],
                        width: float | Sequence[float], electronic: ArrayLike, hbar: float = 1.0) -> np.ndarray:
    """A normalised Gaussian wavepacket times an electronic vector: shape ``(*grid.shape, N)``.

    ``psi(x) = prod_d (2 pi sigma_d^2)^(-1/4) exp(-(x_d - x0_d)^2/(4 sigma_d^2) + i p_d x_d/hbar)``
    (``width`` = sigma, the standard deviation of ``|psi|^2``; momentum spread
    ``hbar/(2 sigma)``) times ``electronic`` (an N-vector of diabatic amplitudes, or an array
    ``(*grid.shape, N)`` such as local adiabatic states), normalised on the grid.  Raises if
    the grid cannot represent the momentum: ``|p|/hbar + 6 hbar/(2 sigma)`` must stay below
    ``pi/dx``."""
    hb = _checks.positive_scalar(hbar, "hbar")
    c = np.broadcast_to(_checks.real_array(center, "center"), (grid.ndim,))
    p = np.broadcast_to(_checks.real_array(momentum, "momentum"), (grid.ndim,))
    s = np.broadcast_to(_checks.real_array(width, "width", positive=True), (grid.ndim,))
    for d in range(grid.ndim):
        need = abs(p[d]) / hb + 6 * 0.5 / s[d]
        if need > grid.k_max[d]:
            raise LzsmValueError(
                f"grid too coarse for the momentum on axis {grid.names[d]!r}: dx = {grid.spacing[d]:.4g} "
                f"represents wavenumbers up to pi/dx = {grid.k_max[d]:.4g}, the wavepacket needs "
                f"|p|/hbar + 6 sigma_k = {need:.4g} (use dx < {np.pi / need:.4g})")
        lo, hi = grid.axes[d][0], grid.axes[d][-1]
        if not lo + 4 * s[d] <= c[d] <= hi - 4 * s[d]:
            raise LzsmValueError(f"`center` {c[d]:g} must lie at least 4 widths inside the grid on axis "
                                 f"{grid.names[d]!r} ([{lo:g}, {hi:g}])")
    meshes = grid.meshes()
    amp = np.ones(grid.shape, dtype=complex)
    for d, x in enumerate(meshes):
        amp *= np.exp(-((x - c[d]) ** 2) / (4 * s[d] ** 2) + 1j * p[d] * x / hb)
    e = _checks.complex_array(electronic, "electronic")
    if e.ndim == 1:
        e = e / np.linalg.norm(e)
    elif e.shape[:-1] != grid.shape:
        raise LzsmValueError(f"`electronic` must be an N-vector or have shape (*grid.shape, N) = "
                             f"{grid.shape + ('N',)}, got {e.shape}")
    psi = amp[..., None] * e
    return psi / np.sqrt(np.sum(np.abs(psi) ** 2) * grid.cell)


# =========================================================================== engine
def _potential_on_grid(potential: Any, grid: Grid) -> np.ndarray:
    from .curves import Curves

    if isinstance(potential, Curves):
        if grid.ndim != 1:
            raise LzsmValueError("a one-coordinate Curves model needs a 1-D grid")
        v = potential.potential(grid.axes[0])
    elif callable(potential):
        v = np.asarray(potential(*grid.meshes()))
    else:
        v = np.asarray(potential)
    if v.shape[: grid.ndim] != grid.shape or v.ndim != grid.ndim + 2 or v.shape[-1] != v.shape[-2]:
        raise LzsmValueError(f"`potential` must give shape (*grid.shape, N, N) = {grid.shape + ('N', 'N')}, "
                             f"got {v.shape}")
    return _checks.hermitian(v, "potential")


class _SplitOperator:
    """Internal mutable stepper (the public face is :func:`propagate`).

    Works on component-major wavefunctions ``(N, *grid.shape)`` (contiguous FFTs, and the
    N x N potential propagator applied as explicit sums of products)."""

    def __init__(self, v: np.ndarray, grid: Grid, masses: np.ndarray, dt: float, hbar: float,
                 absorber: np.ndarray | None):
        self.grid, self.dt, self.hbar = grid, dt, hbar
        self.n = v.shape[-1]
        self.energies, self.vectors = np.linalg.eigh(v)
        self.w = np.zeros(grid.shape) if absorber is None else absorber
        uh = np.conj(np.swapaxes(self.vectors, -1, -2))
        mask = np.exp(-self.w * dt / self.hbar)
        mask_half = np.exp(-0.5 * self.w * dt / self.hbar)

        def propagator(phase: np.ndarray, m: np.ndarray) -> np.ndarray:
            mat = (self.vectors * phase[..., None, :]) @ uh * m[..., None, None]
            return np.ascontiguousarray(np.moveaxis(mat, (-2, -1), (0, 1)))  # (N, N, *grid)

        self.exp_v = propagator(np.exp(-1j * self.energies * dt / hbar), mask)
        self.exp_v_half = propagator(np.exp(-0.5j * self.energies * dt / hbar), mask_half)
        self.loss = (1.0 - mask.ravel() ** 2) * grid.cell
        self.loss_half = (1.0 - mask_half.ravel() ** 2) * grid.cell
        ks = grid.momenta()
        kin = np.zeros(grid.shape)
        for d, k in enumerate(ks):
            shape = [1] * grid.ndim
            shape[d] = k.size
            kin = kin + (hbar * k.reshape(shape)) ** 2 / (2 * masses[d])
        self.exp_t = np.exp(-1j * kin * dt / hbar)
        self.axes = tuple(range(1, grid.ndim + 1))
        self.absorbing = np.flatnonzero(self.w.ravel() > 0)
        self.set_regions(np.zeros(grid.shape, dtype=int))

    def set_regions(self, labels: np.ndarray) -> None:
        """Book absorbed norm separately per integer region label (e.g. left/right edge)."""
        lab = labels.ravel()[self.absorbing]
        self.n_regions = int(labels.max()) + 1 if labels.size else 1
        self.region_points = [self.absorbing[lab == r] for r in range(self.n_regions)]
        flat_vecs = self.vectors.reshape(-1, self.n, self.n)
        # conj(U)^T per absorbing point, component-major: uc[n, j, p] = conj(U[p, j, n])
        self.region_uc = [np.ascontiguousarray(np.conj(flat_vecs[idx]).transpose(2, 1, 0))
                          for idx in self.region_points]
        self.region_diabatic = np.zeros((self.n_regions, self.n))
        self.region_adiabatic = np.zeros((self.n_regions, self.n))

    @property
    def absorbed_diabatic(self) -> np.ndarray:
        return self.region_diabatic.sum(0)

    @property
    def absorbed_adiabatic(self) -> np.ndarray:
        return self.region_adiabatic.sum(0)

    def book(self, psi: np.ndarray, loss: np.ndarray) -> None:
        """Add the norm the absorber is about to remove (``loss`` = (1 - mask^2) dV per
        point, flattened), per region, per diabatic and adiabatic state."""
        flat = psi.reshape(self.n, -1)
        for r, idx in enumerate(self.region_points):
            if idx.size == 0:
                continue
            p = flat[:, idx]
            lr = loss[idx]
            self.region_diabatic[r] += (np.abs(p) ** 2) @ lr
            b = np.einsum("njp,jp->np", self.region_uc[r], p)
            self.region_adiabatic[r] += (np.abs(b) ** 2) @ lr

    def potential_step(self, psi: np.ndarray, half: bool) -> np.ndarray:
        self.book(psi, self.loss_half if half else self.loss)
        ev = self.exp_v_half if half else self.exp_v
        n = self.n
        if n == 2:
            return np.stack([ev[0, 0] * psi[0] + ev[0, 1] * psi[1], ev[1, 0] * psi[0] + ev[1, 1] * psi[1]])
        return np.einsum("ij...,j...->i...", ev, psi)

    def kinetic_step(self, psi: np.ndarray) -> np.ndarray:
        return sfft.ifftn(self.exp_t * sfft.fftn(psi, axes=self.axes), axes=self.axes)

    def populations(self, psi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        cell = self.grid.cell
        dia = np.sum(np.abs(psi) ** 2, axis=self.axes) * cell
        b = np.einsum("...ji,j...->i...", np.conj(self.vectors), psi)
        adi = np.sum(np.abs(b) ** 2, axis=self.axes) * cell
        return dia, adi

    def momentum_tail(self, psi: np.ndarray, fraction: float = 0.8) -> float:
        """Norm fraction at |k| > fraction * k_max on any axis (a grid-resolution check)."""
        phi = np.sum(np.abs(sfft.fftn(psi, axes=self.axes)) ** 2, axis=0)
        total = np.sum(phi)
        if total == 0:
            return 0.0
        outer = np.zeros(self.grid.shape, dtype=bool)
        for d, (k, km) in enumerate(zip(self.grid.momenta(), self.grid.k_max)):
            shape = [1] * self.grid.ndim
            shape[d] = k.size
            outer = outer | (np.abs(k) > fraction * km).reshape(shape)
        return float(np.sum(phi[outer]) / total)


@dataclass(frozen=True)
class WavepacketEvolution:
    """Result of :func:`propagate`.

    ``psi[s]`` is the diabatic wavefunction ``(*grid.shape, N)`` at ``times[s]``;
    ``diabatic_populations``/``adiabatic_populations`` ``(n_saved, N)`` are the norms on each
    state (adiabatic: local eigenstates of V, index 0 lowest); ``norm`` what is left on the
    grid; ``absorbed_diabatic``/``absorbed_adiabatic`` ``(n_saved, N)`` the norm taken by the
    absorber so far (booked in the absorber's region, where the adiabatic basis is the local
    one); ``momentum_tail`` the largest norm fraction found at ``|k| > 0.8 k_max``."""

    grid: Grid
    times: np.ndarray
    psi: np.ndarray
    diabatic_populations: np.ndarray
    adiabatic_populations: np.ndarray
    absorbed_diabatic: np.ndarray
    absorbed_adiabatic: np.ndarray
    mass: tuple[float, ...]
    dt: float
    hbar: float
    momentum_tail: float

    @property
    def norm(self) -> np.ndarray:
        return np.sum(self.diabatic_populations, axis=-1)

    def densities(self) -> np.ndarray:
        """``|psi_j|^2`` per diabatic state, ``(n_saved, *grid.shape, N)``."""
        return np.abs(self.psi) ** 2

    def to_xarray(self):
        import xarray as xr

        n = self.psi.shape[-1]
        coords = {"t": self.times, "state": np.arange(n)}
        coords.update(dict(zip(self.grid.names, self.grid.axes)))
        ds = xr.Dataset(
            {"psi_real": (("t", *self.grid.names, "state"), self.psi.real),
             "psi_imag": (("t", *self.grid.names, "state"), self.psi.imag),
             "diabatic_populations": (("t", "state"), self.diabatic_populations),
             "adiabatic_populations": (("t", "state"), self.adiabatic_populations),
             "absorbed_diabatic": (("t", "state"), self.absorbed_diabatic),
             "absorbed_adiabatic": (("t", "state"), self.absorbed_adiabatic)},
            coords=coords,
            attrs={"method": "split-operator (Strang), FFT kinetic, exact exp(-iV dt) per grid point",
                   "dt": self.dt, "hbar": self.hbar, "mass": list(self.mass),
                   "momentum_tail": self.momentum_tail})
        return ds


def _masses(mass: Any, ndim: int) -> np.ndarray:
    m = _checks.real_array(mass, "mass")
    if np.any(m <= 0):
        raise LzsmValueError(f"`mass` must be > 0, got {mass!r}")
    if m.ndim > 1 or (m.ndim == 1 and m.size not in (1, ndim)):
        raise LzsmValueError(f"`mass` must be a number or one per grid axis ({ndim}), got {mass!r}")
    return np.broadcast_to(m, (ndim,)).astype(float)


def propagate(potential: Any, grid: Grid, psi0: ArrayLike, mass: float | Sequence[float], dt: float,
              n_steps: int, *, absorber: ArrayLike | None = None, save_every: int | None = None,
              hbar: float = 1.0) -> WavepacketEvolution:
    """Split-operator propagation of an N-state wavepacket on a 1-D or 2-D grid.

    Parameters
    ----------
    potential : diabatic potential matrices on the grid, ``(*grid.shape, N, N)`` Hermitian; or
        a callable of the coordinate meshes (``potential(X)`` / ``potential(X, Y)``) returning
        that array; or a 1-D :class:`~lzsm.curves.Curves` model.
    grid : :class:`Grid`.
    psi0 : initial diabatic wavefunction ``(*grid.shape, N)`` (e.g. :func:`gaussian_wavepacket`).
    mass : nuclear mass (> 0), or one per axis (mass-weighted or normal coordinates).
    dt, n_steps : time step (> 0) and number of steps.
    absorber : grid-shaped ``W >= 0`` of a complex absorbing potential ``-iW``
        (:func:`absorbing_potential`), or None.
    save_every : save a snapshot every this many steps (default: only start and end).

    The Strang splitting is second order: halving dt divides the error by ~4.  ``dt`` must be
    small against ``hbar`` over the largest energy the wavepacket explores, kinetic or
    potential (the result's ``momentum_tail`` reports whether the grid resolves the momenta).
    """
    hb = _checks.positive_scalar(hbar, "hbar")
    step = _checks.positive_scalar(dt, "dt")
    if not isinstance(n_steps, int | np.integer) or n_steps < 0:
        raise LzsmValueError(f"`n_steps` must be a non-negative integer, got {n_steps!r}")
    if not isinstance(grid, Grid):
        raise LzsmTypeError(f"`grid` must be an lzsm.wavepackets.Grid, got {type(grid).__name__}")
    masses = _masses(mass, grid.ndim)
    v = _potential_on_grid(potential, grid)
    psi = _checks.complex_array(psi0, "psi0")
    if psi.shape != grid.shape + (v.shape[-1],):
        raise LzsmValueError(f"`psi0` must have shape (*grid.shape, N) = {grid.shape + (v.shape[-1],)}, "
                             f"got {psi.shape}")
    w = None
    if absorber is not None:
        w = _checks.real_array(absorber, "absorber", nonnegative=True)
        if w.shape != grid.shape:
            raise LzsmValueError(f"`absorber` must have the grid's shape {grid.shape}, got {w.shape}")
    every = n_steps if save_every is None else int(save_every)
    if every <= 0 and n_steps > 0:
        raise LzsmValueError(f"`save_every` must be a positive integer, got {save_every!r}")
    op = _SplitOperator(v, grid, masses, step, hb, w)
    psi = np.ascontiguousarray(np.moveaxis(psi, -1, 0))
    times, snaps, dia, adi, abs_d, abs_a = [], [], [], [], [], []
    tail = 0.0

    def save(k: int, phi: np.ndarray) -> None:
        nonlocal tail
        times.append(k * step)
        snaps.append(np.moveaxis(phi, 0, -1).copy())
        pd, pa = op.populations(phi)
        dia.append(pd)
        adi.append(pa)
        abs_d.append(op.absorbed_diabatic.copy())
        abs_a.append(op.absorbed_adiabatic.copy())
        tail = max(tail, op.momentum_tail(phi))

    save(0, psi)
    if n_steps > 0:
        psi = op.potential_step(psi, half=True)
        for k in range(1, n_steps + 1):
            psi = op.kinetic_step(psi)
            if k % every == 0 or k == n_steps:
                # the pending half step: book it and apply it for the snapshot; keep going
                # from the fused state (first half of it now, second half next step)
                out = op.potential_step(psi, half=True)
                save(k, out)
                if k < n_steps:
                    psi = op.potential_step(out, half=True)
            else:
                psi = op.potential_step(psi, half=False)
    return WavepacketEvolution(grid, np.array(times), np.array(snaps), np.array(dia), np.array(adi),
                               np.array(abs_d), np.array(abs_a), tuple(float(m) for m in masses), step, hb, tail)


# =========================================================================== 1-D scattering
@dataclass(frozen=True)
class WavepacketConvergence:
    """How converged a :func:`wavepacket_scattering` result is.

    ``dt_error`` is the Richardson estimate ``|P(dt) - P(2 dt)|/3`` of the time-step error of
    the reported probabilities (Strang splitting is second order), maximised over states,
    totals and the energy-resolved values; ``grid_error`` is ``|P - P_fine|`` against a rerun
    with 1.5x the momentum range and 1.5x longer absorbers (only with ``convergence="full"``,
    else NaN); ``momentum_tail`` the largest norm fraction seen at ``|k| > 0.8 k_max``
    (spectral grids are converged when it is tiny); ``remaining_norm`` the norm still on the
    grid at the end (not yet absorbed: missing from every probability); ``estimated_error``
    the largest of ``dt_error``, ``grid_error`` and ``remaining_norm``; ``converged`` whether
    it is below ``tolerance``."""

    dx: float
    n_points: int
    k_max: float
    dt: float
    n_steps: int
    final_time: float
    dt_error: float
    grid_error: float
    momentum_tail: float
    remaining_norm: float
    estimated_error: float
    tolerance: float
    converged: bool
    refinements: int
    absorber_width: float
    absorber_strength: float

    def summary(self) -> str:
        status = "converged" if self.converged else "NOT converged"
        grid = "not checked" if np.isnan(self.grid_error) else f"{self.grid_error:.1e}"
        return (f"{status} to {self.tolerance:g}: estimated error {self.estimated_error:.1e} "
                f"(time step dt = {self.dt:.4g}: {self.dt_error:.1e}; grid dx = {self.dx:.4g}, "
                f"{self.n_points} points, k_max = {self.k_max:.4g}: {grid}, momentum tail "
                f"{self.momentum_tail:.1e}; unabsorbed norm {self.remaining_norm:.1e}; "
                f"{self.n_steps} steps to t = {self.final_time:.4g})")


@dataclass(frozen=True)
class WavepacketScattering:
    """Result of :func:`wavepacket_scattering` (incidence from the left).

    Packet-averaged probabilities (shape ``(N,)``): ``transmission``/``reflection`` into the
    asymptotic adiabatic channels (index 0 lowest) and ``transmission_diabatic``/
    ``reflection_diabatic`` in the diabatic picture, from the norm taken by the right/left
    absorbers.  These are averages over the packet's momentum distribution
    ``|phi(k)|^2 = sqrt(2/pi) sigma_x exp(-2 sigma_x^2 (k - k0)^2)``.

    Energy-resolved probabilities at the incident wavenumbers ``momenta`` (total energies
    ``energies``), shape ``(n, N)``: ``transmission_resolved``, ``reflection_resolved`` (channels)
    and their ``_diabatic`` counterparts; :meth:`at_momentum` gives the values at ``momentum``.
    """

    momentum: float
    mass: float
    incoming_state: int
    momentum_width: float
    transmission: np.ndarray
    reflection: np.ndarray
    transmission_diabatic: np.ndarray
    reflection_diabatic: np.ndarray
    momenta: np.ndarray
    energies: np.ndarray
    transmission_resolved: np.ndarray
    reflection_resolved: np.ndarray
    transmission_resolved_diabatic: np.ndarray
    reflection_resolved_diabatic: np.ndarray
    convergence: WavepacketConvergence
    hbar: float
    x_range: tuple[float, float]

    def at_momentum(self) -> dict[str, np.ndarray]:
        """Energy-resolved probabilities at the central incident momentum."""
        i = int(np.argmin(np.abs(self.momenta - self.momentum)))
        return {"transmission": self.transmission_resolved[i], "reflection": self.reflection_resolved[i],
                "transmission_diabatic": self.transmission_resolved_diabatic[i],
                "reflection_diabatic": self.reflection_resolved_diabatic[i]}

    def to_xarray(self):
        import xarray as xr

        n = self.transmission.size
        st = ("state",)
        rd = ("resolved_momentum", "state")
        c = self.convergence
        ds = xr.Dataset(
            {"transmission": (st, self.transmission), "reflection": (st, self.reflection),
             "transmission_diabatic": (st, self.transmission_diabatic),
             "reflection_diabatic": (st, self.reflection_diabatic),
             "transmission_resolved": (rd, self.transmission_resolved),
             "reflection_resolved": (rd, self.reflection_resolved),
             "transmission_resolved_diabatic": (rd, self.transmission_resolved_diabatic),
             "reflection_resolved_diabatic": (rd, self.reflection_resolved_diabatic)},
            coords={"state": np.arange(n), "resolved_momentum": self.momenta,
                    "resolved_energy": ("resolved_momentum", self.energies)},
            attrs={"method": "split-operator wavepacket, absorbing boundaries, flux Fourier analysis",
                   "momentum": self.momentum, "momentum_width": self.momentum_width, "mass": self.mass,
                   "incoming_state": self.incoming_state, "hbar": self.hbar,
                   "convergence": c.summary(), "estimated_error": c.estimated_error, "dt": c.dt,
                   "dx": c.dx, "channels": "adiabatic index at each asymptote (0 lowest)"})
        return ds


@dataclass(frozen=True)
class _Setup:
    grid: Grid
    x0: float
    window_left: np.ndarray
    window_right: np.ndarray
    width: float
    cap_width: float
    cap_strength: float
    dt: float
    max_time: float


def _setup(model: Any, k0: float, sk: float, mass: float, incoming: int, hbar: float, a: float, b: float,
           el: np.ndarray, er: np.ndarray, k_factor: float, cap_factor: float, dt_factor: float) -> _Setup:
    sx = 0.5 / sk
    e_in = el[incoming]
    e_hi = hbar**2 * (k0 + 7 * sk) ** 2 / (2 * mass) + e_in
    e_lo = hbar**2 * max(k0 - 3 * sk, 0.0) ** 2 / (2 * mass) + e_in
    xs = np.linspace(a, b, 4001)
    v_all = np.linalg.eigvalsh(model.potential(xs))
    v_min = min(np.min(v_all), np.min(el), np.min(er))
    v_max = max(np.max(v_all), np.max(el), np.max(er))
    k_need = np.sqrt(2 * mass * (e_hi - v_min)) / hbar
    kmax = k_factor * k_need
    dx = np.pi / kmax
    asym = np.concatenate([el, er])
    open_lo = asym[asym < e_lo]
    k_slow = np.sqrt(2 * mass * (e_lo - open_lo)).min() / hbar if open_lo.size else k0
    k_slow = max(k_slow, 0.25 * k0)
    k_fast = np.sqrt(2 * mass * (e_hi - asym.min())) / hbar
    cap_width = cap_factor * max(5 * np.pi / k_slow, 4.0)
    v_fast = hbar * k_fast / mass
    cap_strength = 30 * hbar * v_fast / cap_width
    x0 = a - 6 * sx
    wlen = max(np.pi / k_slow, 10 * dx)  # analysis windows: half a slow wavelength or more
    x_left = x0 - 8 * sx - wlen  # the initial tail there is exp(-16) in amplitude
    lo = x_left - cap_width
    hi = b + wlen + cap_width
    n = sfft.next_fast_len(int(np.ceil((hi - lo) / dx)))
    dx = (hi - lo) / n
    grid = Grid((lo + dx * np.arange(n),), ("x",))
    xg = grid.axes[0]
    window_left = np.unique(np.searchsorted(xg, np.linspace(x_left, x_left + wlen, 8)))
    window_right = np.unique(np.searchsorted(xg, np.linspace(b, b + wlen, 8)))
    # the time step follows the energies the packet explores (not the grid's empty top modes:
    # the splitting is unitary, so they cannot go unstable)
    e_span = hbar**2 * k_need**2 / (2 * mass) + (v_max - v_min)
    dt = dt_factor * hbar / e_span
    # run-time cap: three box crossings of the slowest outgoing wave at the lowest resolved
    # energy (components closer to a channel threshold are left out; the report says so)
    e_res = hbar**2 * max(k0 - 2.5 * sk, 0.0) ** 2 / (2 * mass) + e_in
    open_res = asym[asym < e_res]
    k_res = np.sqrt(2 * mass * (e_res - open_res)).min() / hbar if open_res.size else k0
    v_slow = hbar * max(k_res, 0.1 * k0) / mass
    max_time = 3 * (hi - lo) / v_slow + 2 * (b - x0) / (hbar * k0 / mass)
    return _Setup(grid, x0, window_left, window_right, sx, cap_width, cap_strength, dt, max_time)


def _run_scattering(model: Any, setup: _Setup, k0: float, mass: float, incoming: int, hbar: float,
                    ul: np.ndarray, remaining_tol: float) -> dict[str, Any]:
    g = setup.grid
    v = _potential_on_grid(model, g)
    w = absorbing_potential(g, setup.cap_width, setup.cap_strength)
    op = _SplitOperator(v, g, np.array([mass]), setup.dt, hbar, w)
    x = g.axes[0]
    op.set_regions(np.where(x < setup.x0, 0, 1))
    psi = np.ascontiguousarray(gaussian_wavepacket(g, setup.x0, hbar * k0, setup.width, ul[:, incoming],
                                                   hbar=hbar).T)
    rec_l, rec_r = [], []
    wl, wr = setup.window_left, setup.window_right
    il, ir = int(wl[0]), int(wr[-1])
    psi = op.potential_step(psi, half=True)
    n_steps = 0
    chunk = 200
    tail = 0.0
    max_steps = int(np.ceil(setup.max_time / setup.dt))
    while True:
        for _ in range(chunk):
            psi = op.kinetic_step(psi)
            rec_l.append(psi[:, wl])
            rec_r.append(psi[:, wr])
            psi = op.potential_step(psi, half=False)
        n_steps += chunk
        remaining = float(np.sum(np.abs(psi[:, il:ir + 1]) ** 2) * g.cell)
        if n_steps % (5 * chunk) == 0:
            tail = max(tail, op.momentum_tail(psi))
        if remaining < remaining_tol or n_steps >= max_steps:
            break
    # what is already in the absorbers has passed the analysis windows and will be absorbed:
    # book it now (mask 0 = full absorption)
    outside = np.ones(g.shape[0], dtype=bool)
    outside[il:ir + 1] = False
    op.book(np.where(outside, psi, 0.0), np.full(g.shape[0], g.cell))
    vecs_l = op.vectors[il]
    vecs_r = op.vectors[ir]
    # (steps, points, N): b_n = sum_j conj(U_jn) psi_j
    amp_l = np.swapaxes(np.array(rec_l), 1, 2) @ np.conj(vecs_l)
    amp_r = np.swapaxes(np.array(rec_r), 1, 2) @ np.conj(vecs_r)
    x = g.axes[0]
    return {"amp_l": amp_l, "amp_r": amp_r, "x_l": x[wl], "x_r": x[wr], "e_l": op.energies[il],
            "e_r": op.energies[ir], "u_l": vecs_l, "u_r": vecs_r, "refl_adi": op.region_adiabatic[0].copy(),
            "trans_adi": op.region_adiabatic[1].copy(), "refl_dia": op.region_diabatic[0].copy(),
            "trans_dia": op.region_diabatic[1].copy(), "n_steps": n_steps, "remaining": remaining,
            "tail": tail}


def _resolve(run: dict[str, Any], setup: _Setup, ks: np.ndarray, k0: float, mass: float, incoming: int,
             hbar: float, e_in: float) -> tuple[np.ndarray, np.ndarray]:
    """Energy-resolved channel probabilities from the time-energy Fourier transform in the
    analysis windows.  In a window (constant potential) each channel's transform is
    ``A_n(x, E) = A_out e^{+-ik_n x} + A_in e^{-+ik_n x}``; a least-squares fit over the
    window's points separates the outgoing part from anything coming back (absorber
    reflection, the incoming packet's tail), and
    ``P_n(E) = v_n v_in |A_out|^2 / (2 pi |phi_0(k_in)|^2)`` with
    ``A(E) = int dt e^{iEt/hbar} b_n(x, t)`` (flux of the outgoing wave over the incident flux
    density in energy)."""
    e = hbar**2 * ks**2 / (2 * mass) + e_in
    t = setup.dt * np.arange(1, run["amp_l"].shape[0] + 1)
    phase = np.exp(1j * np.outer(e, t) / hbar) * setup.dt
    sx = setup.width
    phi0 = np.sqrt(2 / np.pi) * sx * np.exp(-2 * sx**2 * (ks - k0) ** 2)
    v_in = hbar * ks / mass
    out = []
    for amp, en, xw, sign in ((run["amp_r"], run["e_r"], run["x_r"], 1.0), (run["amp_l"], run["e_l"], run["x_l"], -1.0)):
        a_e = np.einsum("et,tpn->epn", phase, amp)  # (nE, points, N)
        k2 = 2 * mass * (e[:, None] - en[None, :]) / hbar**2
        kn = np.sqrt(np.where(k2 > 0, k2, 0.0))
        prob = np.zeros(k2.shape)
        for i in range(e.size):
            for c in range(en.size):
                if k2[i, c] <= 0:
                    continue
                basis = np.stack([np.exp(sign * 1j * kn[i, c] * xw), np.exp(-sign * 1j * kn[i, c] * xw)], axis=1)
                coef = np.linalg.lstsq(basis, a_e[i, :, c], rcond=None)[0]
                prob[i, c] = hbar * kn[i, c] / mass * v_in[i] * np.abs(coef[0]) ** 2 / (2 * np.pi * phi0[i])
        out.append(prob)
    return out[0], out[1]


def wavepacket_scattering(model: Any, momentum: float, mass: float = 2000.0, *, incoming_state: int = 0,
                          momentum_width: float | None = None, resolved_momenta: ArrayLike | None = None,
                          convergence: str = "time_step", tolerance: float = 1e-4, dt: float | None = None,
                          hbar: float = 1.0, x_range: tuple[float, float] | None = None,
                          max_refinements: int = 2) -> WavepacketScattering:
    """Exact 1-D scattering of a Gaussian wavepacket on a :class:`~lzsm.curves.Curves` model.

    The packet starts left of the interaction region in the asymptotic adiabatic state
    ``incoming_state`` with mean wavenumber ``momentum`` (``k0``, > 0) and spread
    ``momentum_width`` (``sigma_k``, default ``k0/20``).  Everything else is automatic:

    * grid: ``k_max = pi/dx`` is 2x the largest local wavenumber ``k_need`` the packet can
      reach (``k0 + 7 sigma_k`` accelerated to the potential's minimum; the margin resolves
      the evanescent components in closed channels); the box holds the interaction region,
      the packet (6 widths clear of it), an analysis window on each side, and cubic absorbers
      (:func:`absorbing_potential`) 2.5 slow wavelengths long (at least 4 length units),
      strong enough to damp the fastest component by ``e^-30`` before it wraps around;
    * time step: ``dt = 0.25 hbar / (hbar^2 k_need^2/2m + V_max - V_min)``, refined by
      halving until the Richardson estimate of the dt error is below ``tolerance`` (at most
      ``max_refinements`` times);
    * run length: until less than ``min(tolerance 1e-4, 1e-9)`` of the norm is left between the
      analysis windows (capped at three box crossings of the slowest resolved outgoing wave).

    Probabilities: packet averages from the norm booked by the left/right absorbers, per state
    in both pictures; energy-resolved ones at ``resolved_momenta`` (default: 11 points over
    ``k0 +- 2.5 sigma_k``) from the time-energy Fourier transform of the channel amplitudes
    at an analysis point on each side (D. Neuhauser, M. Baer, R. S. Judson & D. J. Kouri,
    Comput. Phys. Commun. 63, 460 (1991); the flux/energy-projection idea of
    G. G. Balint-Kurti, R. N. Dixon & C. C. Marston, Int. Rev. Phys. Chem. 11, 317 (1992)).

    ``convergence``: ``"time_step"`` (default: a second run at 2 dt for the Richardson
    estimate), ``"full"`` (also a rerun on a 1.5x finer grid with longer absorbers), or
    ``"none"``.  The report is ``result.convergence`` (:class:`WavepacketConvergence`).
    """
    from .curves import Curves
    from .scattering import asymptotic_range

    if not isinstance(model, Curves):
        raise LzsmTypeError(f"`model` must be an lzsm.curves.Curves model, got {type(model).__name__}")
    k0 = _checks.positive_scalar(momentum, "momentum")
    m = _checks.positive_scalar(mass, "mass")
    hb = _checks.positive_scalar(hbar, "hbar")
    tol = _checks.positive_scalar(tolerance, "tolerance")
    _checks.choice(convergence, "convergence", ("time_step", "full", "none"))
    n = model.n_levels
    if not isinstance(incoming_state, int | np.integer) or not 0 <= incoming_state < n:
        raise LzsmValueError(f"`incoming_state` must be an integer in [0, {n - 1}], got {incoming_state!r}")
    sk = k0 / 20 if momentum_width is None else _checks.positive_scalar(momentum_width, "momentum_width")
    if k0 - 5 * sk <= 0:
        raise LzsmValueError(f"`momentum_width` {sk:g} is too broad for momentum {k0:g}: the packet would carry "
                             f"backward-moving components (need momentum_width < momentum/5)")
    ks = (k0 + sk * np.linspace(-2.5, 2.5, 11) if resolved_momenta is None
          else np.atleast_1d(_checks.real_array(resolved_momenta, "resolved_momenta", positive=True)))
    a, b = asymptotic_range(model) if x_range is None else (float(x_range[0]), float(x_range[1]))
    el, ul = np.linalg.eigh(model.potential(np.array(a)))
    er, _ = np.linalg.eigh(model.potential(np.array(b)))
    e_in = el[incoming_state]

    def run(k_factor: float, cap_factor: float, dt_value: float | None, dt_factor: float = 0.25):
        st = _setup(model, k0, sk, m, incoming_state, hb, a, b, el, er, k_factor, cap_factor, dt_factor)
        if dt_value is not None:
            st = _Setup(**{**st.__dict__, "dt": dt_value})
        r = _run_scattering(model, st, k0, m, incoming_state, hb, ul, min(tol * 1e-4, 1e-9))
        tr, rr = _resolve(r, st, ks, k0, m, incoming_state, hb, e_in)
        r["resolved"] = (tr, rr)
        return st, r

    def values(r: dict[str, Any]) -> np.ndarray:
        return np.concatenate([r["trans_adi"], r["refl_adi"], r["resolved"][0].ravel(), r["resolved"][1].ravel()])

    st, res = run(_K_FACTOR, 1.0, dt)
    dt_err = np.nan
    refinements = 0
    if convergence != "none":
        _, res2 = run(_K_FACTOR, 1.0, 2 * st.dt)
        while True:
            dt_err = float(np.max(np.abs(values(res) - values(res2)))) / 3
            if dt_err < tol or refinements >= max_refinements or dt is not None:
                break
            res2 = res
            st, res = run(_K_FACTOR, 1.0, st.dt / 2)
            refinements += 1
    grid_err = np.nan
    if convergence == "full":
        _, fine = run(1.5 * _K_FACTOR, 1.5, st.dt)
        grid_err = float(np.max(np.abs(values(res) - values(fine))))
    est = float(np.nanmax([dt_err, grid_err, res["remaining"]]))
    conv = WavepacketConvergence(
        dx=st.grid.spacing[0], n_points=st.grid.shape[0], k_max=st.grid.k_max[0], dt=st.dt,
        n_steps=res["n_steps"], final_time=res["n_steps"] * st.dt, dt_error=dt_err, grid_error=grid_err,
        momentum_tail=res["tail"], remaining_norm=res["remaining"], estimated_error=est, tolerance=tol,
        converged=bool(est < tol) if convergence != "none" else False, refinements=refinements,
        absorber_width=st.cap_width, absorber_strength=st.cap_strength)
    tr, rr = res["resolved"]
    tr_dia = tr @ (np.abs(res["u_r"]) ** 2).T
    rr_dia = rr @ (np.abs(res["u_l"]) ** 2).T
    return WavepacketScattering(
        momentum=k0, mass=m, incoming_state=int(incoming_state), momentum_width=sk,
        transmission=res["trans_adi"], reflection=res["refl_adi"], transmission_diabatic=res["trans_dia"],
        reflection_diabatic=res["refl_dia"], momenta=ks, energies=hb**2 * ks**2 / (2 * m) + e_in,
        transmission_resolved=tr, reflection_resolved=rr, transmission_resolved_diabatic=tr_dia,
        reflection_resolved_diabatic=rr_dia, convergence=conv, hbar=hb, x_range=(a, b))


# =========================================================================== sweeps and figures
def scattering_vs_momentum(model: Any, momenta: ArrayLike, mass: float = 2000.0, *, method: str = "stationary",
                           incoming_state: int = 0, hbar: float = 1.0, **options: Any):
    """Transmission and reflection per state against incident momentum, as an ``xarray.Dataset``.

    ``method="stationary"`` uses :func:`lzsm.scattering.stationary_scattering` (all momenta in
    one vectorised call); ``"wavepacket"`` runs :func:`wavepacket_scattering` at each momentum
    and keeps its energy-resolved values at that momentum, with the convergence report's
    ``estimated_error`` as ``error``.  Variables ``transmission``, ``reflection`` (adiabatic
    channels) and ``*_diabatic``, dims ``(momentum, state)``; ``options`` go to the method."""
    from .scattering import stationary_scattering

    _checks.choice(method, "method", ("stationary", "wavepacket"))
    ks = np.atleast_1d(_checks.real_array(momenta, "momenta", positive=True))
    import xarray as xr

    if method == "stationary":
        r = stationary_scattering(model, momenta=ks, mass=mass, incoming_state=incoming_state, hbar=hbar, **options)
        data = {"transmission": r.transmission, "reflection": r.reflection,
                "transmission_diabatic": r.transmission_diabatic, "reflection_diabatic": r.reflection_diabatic}
        err = r.error_estimate
    else:
        rows = [wavepacket_scattering(model, float(k), mass, incoming_state=incoming_state, hbar=hbar,
                                      resolved_momenta=[float(k)], **options) for k in ks]
        data = {name: np.array([getattr(w, name.replace("transmission", "transmission_resolved", 1)
                                        .replace("reflection", "reflection_resolved", 1))[0] for w in rows])
                for name in ("transmission", "reflection", "transmission_diabatic", "reflection_diabatic")}
        err = np.array([w.convergence.estimated_error for w in rows])
    n = data["transmission"].shape[-1]
    ds = xr.Dataset({k: (("momentum", "state"), v) for k, v in data.items()},
                    coords={"momentum": ks, "state": np.arange(n)},
                    attrs={"method": method, "model": type(model).__name__, "mass": mass,
                           "incoming_state": incoming_state, "hbar": hbar,
                           "channels": "adiabatic index at each asymptote (0 lowest)"})
    ds["error"] = ("momentum", err)
    ds["momentum"].attrs.update(long_name="incident wavenumber k", units="1/length (a.u.: 1/bohr)")
    return ds


_LABELS = {"transmission": "T", "reflection": "R"}


def plot_scattering_vs_momentum(data: Any, ax: Any = None, *, quantities: Sequence[str] = ("transmission", "reflection"),
                                states: Sequence[int] | None = None, extra: Sequence[tuple[str, Any]] = (),
                                picture: str = "adiabatic"):
    """Transmission/reflection per state against incident momentum (Tully 1990, Figs. 4–6).

    ``data`` is a :func:`scattering_vs_momentum` Dataset (drawn as lines).  ``extra`` overlays
    other results as markers with error bars: a sequence of ``(label, other)`` where
    ``other`` is a Dataset or mapping with ``momentum`` (n,), the same quantity names with
    shape ``(n, N)``, and optionally ``<quantity>_error`` (n, N) standard errors, e.g. surface
    hopping.  ``picture="diabatic"`` plots the ``*_diabatic`` variables.  Returns the axes."""
    _checks.choice(picture, "picture", ("adiabatic", "diabatic"))
    if ax is None:
        from matplotlib.figure import Figure

        ax = Figure(figsize=(6, 4)).add_subplot()
    suffix = "_diabatic" if picture == "diabatic" else ""
    n = int(np.asarray(data[f"transmission{suffix}"]).shape[-1])
    states = list(range(n)) if states is None else list(states)
    k = np.asarray(data["momentum"])
    styles = {"transmission": "-", "reflection": "--"}
    color = 0
    colors = {}
    for q in quantities:
        vals = np.asarray(data[q + suffix])
        for s in states:
            colors[(q, s)] = f"C{color}"
            ax.plot(k, vals[:, s], styles.get(q, "-"), color=f"C{color}", label=f"{_LABELS.get(q, q)}$_{s}$ exact")
            color += 1
    markers = "osd^v<>"
    for i, (label, other) in enumerate(extra):
        ko = np.asarray(other["momentum"])
        for q in quantities:
            vals = np.asarray(other[q + suffix])
            errs = other.get(q + suffix + "_error", None)
            errs = None if errs is None else np.asarray(errs)
            for s in states:
                ax.errorbar(ko, vals[:, s], yerr=None if errs is None else errs[:, s], fmt=markers[i % len(markers)],
                            ms=4, mfc="none", color=colors.get((q, s), "k"), capsize=2,
                            label=f"{_LABELS.get(q, q)}$_{s}$ {label}")
    ax.set_xlabel("incident momentum k (a.u.)")
    ax.set_ylabel("probability" + (" (diabatic)" if suffix else ""))
    ax.set_ylim(-0.02, 1.02)
    ax.legend(fontsize="x-small", ncol=2)
    return ax


def plot_snapshots(evolution: WavepacketEvolution, ax: Any = None, *, potential: Any = None, offset: float | None = None,
                   picture: str = "diabatic"):
    """Wavepacket snapshots: ``|psi_n(x)|^2`` per state, one row per saved time (1-D), or
    contours of the total density per saved time (2-D).

    ``picture="adiabatic"`` (1-D) projects on the local eigenstates of ``potential`` (a
    Curves model or the potential array used in :func:`propagate`).  Returns the axes."""
    _checks.choice(picture, "picture", ("adiabatic", "diabatic"))
    if ax is None:
        from matplotlib.figure import Figure

        ax = Figure(figsize=(6, 5)).add_subplot()
    g = evolution.grid
    psi = evolution.psi
    if g.ndim == 2:
        x, y = g.meshes()
        for i, t in enumerate(evolution.times):
            rho = np.sum(np.abs(psi[i]) ** 2, axis=-1)
            ax.contour(x, y, rho, levels=[0.1 * rho.max(), 0.5 * rho.max()], colors=[f"C{i % 10}"] * 2)
            ax.plot([], [], color=f"C{i % 10}", label=f"t = {t:.4g}")
        ax.set_xlabel(g.names[0])
        ax.set_ylabel(g.names[1])
        ax.legend(fontsize="x-small")
        return ax
    if picture == "adiabatic":
        if potential is None:
            raise LzsmValueError("picture='adiabatic' needs the `potential` to find the local adiabatic states")
        _, vecs = np.linalg.eigh(_potential_on_grid(potential, g))
        psi = np.einsum("xji,txj->txi", np.conj(vecs), psi)
    dens = np.abs(psi) ** 2
    step = offset if offset is not None else 1.1 * float(dens.max())
    x = g.axes[0]
    for i, t in enumerate(evolution.times):
        base = -i * step
        for s in range(dens.shape[-1]):
            ax.plot(x, base + dens[i, :, s], color=f"C{s}", label=(f"state {s}" if i == 0 else None))
        ax.text(x[-1], base + 0.3 * step, f"t = {t:.4g}", ha="right", fontsize="x-small")
    ax.set_xlabel(f"{g.names[0]}")
    ax.set_ylabel(f"$|\\psi_n|^2$ ({picture}), offset by time")
    ax.set_yticks([])
    ax.legend(fontsize="x-small")
    return ax
