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
* the scattering driver built on this engine is :func:`lzsm.molecules.scattering.wavepacket_scattering`;
  figures are :func:`lzsm.plot.molecules.plot_snapshots` and friends.

Units: consistent user units with ``hbar`` explicit (atomic units: hbar = 1, masses in
electron masses, Tully's models use m = 2000).  With a curve model as the potential, ``hbar``
is the model's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import fft as sfft

from lzsm import _checks
from lzsm.errors import LzsmTypeError, LzsmValueError
from lzsm.results import Result

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
        object.__setattr__(self, "axes", tuple(_checks.real_array(a, "axes") for a in self.axes))
        object.__setattr__(self, "names", tuple(str(n) for n in self.names))
        if len(self.axes) not in (1, 2) or len(self.names) != len(self.axes):
            raise LzsmValueError(
                f"a Grid has one or two dimensions with one name each; got {len(self.axes)} axes and names {self.names}"
            )
        for name, ax in zip(self.names, self.axes):
            if ax.ndim != 1 or ax.size < 4:
                raise LzsmValueError(f"grid axis {name!r} needs at least 4 points, got {ax.size}")
            steps = np.diff(ax)
            if not np.allclose(steps, steps[0], rtol=1e-9, atol=0) or steps[0] <= 0:
                raise LzsmValueError(f"grid axis {name!r} must be uniform and increasing")

    @classmethod
    def uniform(
        cls,
        bounds: Sequence[float] | Sequence[Sequence[float]],
        n_points: int | Sequence[int],
        names: Sequence[str] | None = None,
    ) -> Grid:
        """``Grid.uniform((-20, 20), 512)`` or ``Grid.uniform([(-5, 5), (-4, 4)], (128, 96))``.

        The right bound is excluded (periodic grid: it is the image of the left one)."""
        try:
            b = np.asarray(bounds, dtype=float)
        except (TypeError, ValueError):
            raise LzsmValueError(f"`bounds` must be (lo, hi) or [(lo, hi), (lo, hi)], got {bounds!r}") from None
        if b.ndim == 1:
            b = b[None, :]
        if b.ndim != 2 or b.shape[1] != 2 or b.shape[0] not in (1, 2):
            raise LzsmValueError(f"`bounds` must be (lo, hi) or [(lo, hi), (lo, hi)], got {bounds!r}")
        counts = [n_points] * b.shape[0] if np.ndim(n_points) == 0 else list(np.asarray(n_points).reshape(-1))
        if len(counts) != b.shape[0]:
            raise LzsmValueError(f"`n_points` must be one integer or one per axis ({b.shape[0]}), got {n_points!r}")
        n = [_checks.integer(c, "n_points", low=4, high=2**26) for c in counts]
        if np.any(b[:, 1] <= b[:, 0]) or not np.all(np.isfinite(b)):
            raise LzsmValueError(f"`bounds` must be finite with lo < hi, got {bounds!r}")
        names = tuple(names) if names is not None else ("x", "y")[: b.shape[0]]
        axes = tuple(lo + (hi - lo) / m * np.arange(m) for (lo, hi), m in zip(b, n))
        return cls(axes, names)

    @property
    def ndim(self) -> int:
        """Number of axes (1 or 2)."""
        return len(self.axes)

    @property
    def shape(self) -> tuple[int, ...]:
        """Number of points per axis."""
        return tuple(a.size for a in self.axes)

    @property
    def spacing(self) -> tuple[float, ...]:
        """Step ``dx`` per axis."""
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


def absorbing_potential(
    grid: Grid, width: float | Sequence[float], strength: float | Sequence[float], power: int = 3
) -> np.ndarray:
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
    power = _checks.integer(power, "power", low=1, high=16)
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


def gaussian_wavepacket(
    grid: Grid,
    center: float | Sequence[float],
    momentum: float | Sequence[float],
    width: float | Sequence[float],
    electronic: ArrayLike,
    hbar: float = 1.0,
) -> np.ndarray:
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
                f"|p|/hbar + 6 sigma_k = {need:.4g} (use dx < {np.pi / need:.4g})"
            )
        lo, hi = grid.axes[d][0], grid.axes[d][-1]
        if not lo + 4 * s[d] <= c[d] <= hi - 4 * s[d]:
            raise LzsmValueError(
                f"`center` {c[d]:g} must lie at least 4 widths inside the grid on axis "
                f"{grid.names[d]!r} ([{lo:g}, {hi:g}])"
            )
    meshes = grid.meshes()
    amp = np.ones(grid.shape, dtype=complex)
    for d, x in enumerate(meshes):
        amp *= np.exp(-((x - c[d]) ** 2) / (4 * s[d] ** 2) + 1j * p[d] * x / hb)
    e = _checks.complex_array(electronic, "electronic")
    if e.ndim == 1:
        e = e / np.linalg.norm(e)
    elif e.shape[:-1] != grid.shape:
        raise LzsmValueError(
            f"`electronic` must be an N-vector or have shape (*grid.shape, N) = {grid.shape + ('N',)}, got {e.shape}"
        )
    psi = amp[..., None] * e
    return psi / np.sqrt(np.sum(np.abs(psi) ** 2) * grid.cell)


# =========================================================================== engine
def _potential_on_grid(potential: Any, grid: Grid) -> np.ndarray:
    from lzsm.models.curves import Curves

    if isinstance(potential, Curves):
        if grid.ndim != 1:
            raise LzsmValueError("a one-coordinate Curves model needs a 1-D grid")
        v = potential.potential(grid.axes[0])
    elif callable(potential):
        v = np.asarray(potential(*grid.meshes()))
    else:
        v = np.asarray(potential)
    if v.shape[: grid.ndim] != grid.shape or v.ndim != grid.ndim + 2 or v.shape[-1] != v.shape[-2]:
        raise LzsmValueError(
            f"`potential` must give shape (*grid.shape, N, N) = {grid.shape + ('N', 'N')}, got {v.shape}"
        )
    return _checks.hermitian(v, "potential")


class _SplitOperator:
    """Internal mutable stepper (the public face is :func:`propagate`).

    Works on component-major wavefunctions ``(N, *grid.shape)`` (contiguous FFTs, and the
    N x N potential propagator applied as explicit sums of products)."""

    def __init__(
        self, v: np.ndarray, grid: Grid, masses: np.ndarray, dt: float, hbar: float, absorber: np.ndarray | None
    ):
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
        self.region_uc = [
            np.ascontiguousarray(np.conj(flat_vecs[idx]).transpose(2, 1, 0)) for idx in self.region_points
        ]
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


@dataclass(frozen=True, eq=False, repr=False)
class WavepacketEvolution(Result):
    """Result of :func:`propagate`.

    ``psi[s]`` is the diabatic wavefunction ``(*grid.shape, N)`` at ``times[s]``;
    ``diabatic_populations``/``adiabatic_populations`` ``(n_saved, N)`` are the norms on each
    state (adiabatic: local eigenstates of V, index 0 lowest); ``norm`` what is left on the
    grid; ``absorbed_diabatic``/``absorbed_adiabatic`` ``(n_saved, N)`` the norm taken by the
    absorber so far (booked in the absorber's region, where the adiabatic basis is the local
    one); ``momentum_tail`` the largest norm fraction found at ``|k| > 0.8 k_max``; ``n_steps``
    the number of time steps.  ``to_xarray()``: ``psi`` (complex) on ``(t, *grid.names,
    diabatic)``, populations and absorbed norm on ``(t, diabatic)`` / ``(t, adiabatic)``."""

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

    kind = "wavepacket evolution"

    @property
    def norm(self) -> np.ndarray:
        """Norm left on the grid at each saved time."""
        return np.sum(self.diabatic_populations, axis=-1)

    def densities(self) -> np.ndarray:
        """``|psi_j|^2`` per diabatic state, ``(n_saved, *grid.shape, N)``."""
        return np.abs(self.psi) ** 2

    def _coords(self) -> dict[str, Any]:
        n = self.psi.shape[-1]
        return {
            "t": self.times,
            **dict(zip(self.grid.names, self.grid.axes)),
            "diabatic": np.arange(n),
            "adiabatic": np.arange(n),
        }

    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        space = list(self.grid.names)
        return {
            "psi": (["t", *space, "diabatic"], self.psi),
            "population_diabatic": (["t", "diabatic"], self.diabatic_populations),
            "population_adiabatic": (["t", "adiabatic"], self.adiabatic_populations),
            "absorbed_diabatic": (["t", "diabatic"], self.absorbed_diabatic),
            "absorbed_adiabatic": (["t", "adiabatic"], self.absorbed_adiabatic),
            "norm": (["t"], self.norm),
        }

    def _attrs(self) -> dict[str, Any]:
        return {
            "dt": self.dt,
            "hbar": self.hbar,
            "mass": list(self.mass),
            "momentum_tail": self.momentum_tail,
            "scheme": "split-operator (Strang), FFT kinetic, exact exp(-iV dt) per grid point",
        }

    def _summary(self) -> list[str]:
        shape = " x ".join(str(n) for n in self.grid.shape)
        return [f"{self.psi.shape[-1]} states", f"grid {shape}", f"t: {self.times.size} saved times"]


def _masses(mass: Any, ndim: int) -> np.ndarray:
    m = _checks.real_array(mass, "mass")
    if np.any(m <= 0):
        raise LzsmValueError(f"`mass` must be > 0, got {mass!r}")
    if m.ndim > 1 or (m.ndim == 1 and m.size not in (1, ndim)):
        raise LzsmValueError(f"`mass` must be a number or one per grid axis ({ndim}), got {mass!r}")
    return np.broadcast_to(m, (ndim,)).astype(float)


def propagate(
    potential: Any,
    grid: Grid,
    psi0: ArrayLike,
    mass: float | Sequence[float],
    dt: float,
    n_steps: int,
    *,
    absorber: ArrayLike | None = None,
    save_every: int | None = None,
    hbar: float | None = None,
) -> WavepacketEvolution:
    """Split-operator propagation of an N-state wavepacket on a 1-D or 2-D grid.

    Parameters
    ----------
    potential : diabatic potential matrices on the grid, ``(*grid.shape, N, N)`` Hermitian; or
        a callable of the coordinate meshes (``potential(X)`` / ``potential(X, Y)``) returning
        that array; or a 1-D :class:`~lzsm.Curves` model.
    grid : :class:`Grid`.
    psi0 : initial diabatic wavefunction ``(*grid.shape, N)`` (e.g. :func:`gaussian_wavepacket`).
    mass : nuclear mass (> 0), or one per axis (mass-weighted or normal coordinates).
    dt, n_steps : time step (> 0) and number of steps.
    absorber : grid-shaped ``W >= 0`` of a complex absorbing potential ``-iW``
        (:func:`absorbing_potential`), or None.
    save_every : save a snapshot every this many steps (default: only start and end).
    hbar : Planck's constant; default the model's ``hbar`` for a curve model, else 1.

    The Strang splitting is second order: halving dt divides the error by ~4.  ``dt`` must be
    small against ``hbar`` over the largest energy the wavepacket explores, kinetic or
    potential (the result's ``momentum_tail`` reports whether the grid resolves the momenta).
    """
    from lzsm.models.curves import Curves

    if hbar is None:
        hbar = potential.hbar if isinstance(potential, Curves) else 1.0
    hb = _checks.positive_scalar(hbar, "hbar")
    step = _checks.positive_scalar(dt, "dt")
    n_steps = _checks.integer(n_steps, "n_steps", low=0)
    if not isinstance(grid, Grid):
        raise LzsmTypeError(f"`grid` must be an lzsm.molecules.wavepackets.Grid, got {type(grid).__name__}")
    masses = _masses(mass, grid.ndim)
    v = _potential_on_grid(potential, grid)
    psi = _checks.complex_array(psi0, "psi0")
    if psi.shape != grid.shape + (v.shape[-1],):
        raise LzsmValueError(
            f"`psi0` must have shape (*grid.shape, N) = {grid.shape + (v.shape[-1],)}, got {psi.shape}"
        )
    w = None
    if absorber is not None:
        w = _checks.real_array(absorber, "absorber", nonnegative=True)
        if w.shape != grid.shape:
            raise LzsmValueError(f"`absorber` must have the grid's shape {grid.shape}, got {w.shape}")
    every = n_steps if save_every is None else _checks.integer(save_every, "save_every", low=1)
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
    return WavepacketEvolution(
        grid,
        np.array(times),
        np.array(snaps),
        np.array(dia),
        np.array(adi),
        np.array(abs_d),
        np.array(abs_a),
        tuple(float(m) for m in masses),
        step,
        hb,
        tail,
        method="split-operator",
        n_steps=n_steps,
    )
