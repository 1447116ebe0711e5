"""Stationary coupled-channel scattering in one nuclear coordinate (the independent check of
the wavepackets).

For a :class:`~lzsm.Curves` model the time-independent coupled equations

.. math::  \\psi''(x) = W(x)\\,\\psi(x),\\qquad W(x) = \\frac{2m}{\\hbar^2}\\,(V(x) - E)

are solved between the ends ``a < b`` of the interaction region (outside it V is constant to
``1e-10``; :func:`asymptotic_range`).  The interval is cut into sectors of width h; in each
the potential is replaced by its (diagonalised) value at the sector's midpoint, whose exact
solution gives the sector's log-derivative propagator

.. math::  \\begin{pmatrix}\\psi'(x_1)\\\\ \\psi'(x_2)\\end{pmatrix} =
           \\begin{pmatrix}-A & B\\\\ -B & A\\end{pmatrix}
           \\begin{pmatrix}\\psi(x_1)\\\\ \\psi(x_2)\\end{pmatrix},\\quad
           A = T\\,\\mathrm{diag}(\\kappa\\coth\\kappa h)\\,T^{T},\\;
           B = T\\,\\mathrm{diag}(\\kappa/\\sinh\\kappa h)\\,T^{T}

(``kappa = sqrt(w)`` for the local eigenvalues ``w`` of W, continued to ``k cot kh`` and
``k/sin kh`` for open channels).  Sectors are combined into the two-point propagator of the
whole region (the invariant-imbedding form of D. E. Manolopoulos, J. Chem. Phys. 85, 6425
(1986); B. R. Johnson, J. Comput. Phys. 13, 445 (1973)), which stays stable through closed
channels.  Matching to incoming + reflected waves in the asymptotic (adiabatic) channels at
``a`` and transmitted waves at ``b`` (decaying in closed channels) gives the flux-normalised
probabilities ``R_n = |r_n|^2 k_n / k_in``, ``T_n = |t_n|^2 k_n / k_in``.

The midpoint reference makes the error even in h, ``O(h^2)``; the result is Richardson-
extrapolated from h and h/2 (error ``O(h^4)``), and ``|P(h/2) - P(h)|/3`` is reported as the
estimate of the error of the h/2 result before extrapolation (an upper bound in practice).
``unitarity_defect = |1 - sum_n (R_n + T_n)|`` is a further self-check.

Channels: index n of the asymptotic channels is the adiabatic index (0 lowest) of the
potential at that end; the incoming channel is named by ``initial`` (the grammar of every
front door).  The nuclear mass and hbar are the model's.  Diabatic-picture probabilities are the channel probabilities weighted
with the channels' diabatic character, ``P_j = sum_n P_n |<j|phi_n>|^2`` (the cross terms
between channels of different k oscillate in x and average out).
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from lzsm import _checks
from lzsm._compat import renamed_attribute, renamed_keywords
from lzsm.errors import LzsmConvergenceWarning, LzsmValueError
from lzsm.kernels import log_derivative as _ld
from lzsm.kernels import threads as _threads
from lzsm.models.curves import Curves
from lzsm.molecules._inputs import curve_model, initial_channel, mass_and_hbar, old_adiabatic_index
from lzsm.results import Result, Status


def asymptotic_range(model: Curves, tol: float = 1e-10, start: float = 5.0, limit: float = 1e4) -> tuple[float, float]:
    """``(a, b)`` outside which ``model``'s potential is constant to ``tol``.

    Uses ``model.interaction_range`` when the model knows it; otherwise doubles ``|x|`` from
    ``start`` on each side until ``max |V(x) - V(2x)|`` over ``[x, 2x]`` (200 samples) drops
    below ``tol``.  Raises for long-range potentials (e.g. Coulomb) that never settle."""
    _checks.instance(model, "model", Curves, "an lzsm curve model (e.g. lzsm.TullySimple())")
    tol = _checks.positive_scalar(tol, "tol")
    start = _checks.positive_scalar(start, "start")
    limit = _checks.real_scalar(limit, "limit")
    if not limit > start:
        raise LzsmValueError(f"`limit` must exceed `start` = {start:g}, got {limit:g}")
    known = model.interaction_range
    if known is not None:
        return (float(known[0]), float(known[1]))
    out = []
    for sign in (-1.0, 1.0):
        x = start
        while True:
            xs = sign * np.linspace(x, 2 * x, 200)
            v = model.potential(xs)
            if np.max(np.abs(v - v[-1])) < tol:
                out.append(sign * x)
                break
            x *= 2
            if x > limit:
                raise LzsmValueError(
                    f"the potential does not become constant (to {tol:g}) within |x| < {limit:g} on the "
                    f"{'left' if sign < 0 else 'right'}: a long-range potential has no asymptotic channels "
                    "here; give the model an interaction_range"
                )
    return (out[0], out[1])


def default_step(model: Curves, e_max: float, a: float, b: float, mass: float, hbar: float) -> float:
    """The default sector width of :func:`stationary_scattering` for energies up to ``e_max``:
    ``min(0.02, 0.3/k_loc)`` with ``k_loc`` the largest local wavenumber over ``[a, b]``."""
    xs = np.linspace(a, b, 2001)
    vmin = np.min(np.linalg.eigvalsh(model.potential(xs)))
    k_loc = np.sqrt(2 * mass * max(e_max - vmin, 0.0)) / hbar
    return float(min(0.02, 0.3 / max(k_loc, 1e-300)))


@dataclass(frozen=True, eq=False, repr=False)
class StationaryScattering(Result):
    """Transmission/reflection probabilities at fixed energies (incidence from the left),
    result of :func:`stationary_scattering`; its grid is the incident wavenumber ``k``.

    Arrays ``(n_k, N)``: ``transmission[i, n]`` into asymptotic (adiabatic) channel n at the
    right, ``reflection[i, n]`` into channel n at the left; ``*_diabatic`` the same in the
    diabatic picture.  ``k`` are the incident wavenumbers in channel ``incoming_state``,
    ``energies`` the total energies; ``error_estimate`` (per k) the Richardson estimate of the
    error of the step/2 result, ``unitarity_defect`` ``|1 - sum (R + T)|``."""

    energies: np.ndarray
    k: np.ndarray
    incoming_state: int
    transmission: np.ndarray
    reflection: np.ndarray
    transmission_diabatic: np.ndarray
    reflection_diabatic: np.ndarray
    unitarity_defect: np.ndarray
    mass: float
    x_range: tuple[float, float]
    step: float
    hbar: float

    kind = "stationary scattering"

    momenta = renamed_attribute("momenta", "k")

    def _grid(self) -> tuple[tuple[int, ...], list[str], dict[str, np.ndarray]]:
        return self.k.shape, ["k"], {"k": self.k}

    def _coords(self) -> dict[str, Any]:
        n = self.transmission.shape[-1]
        return {"energy": (["k"], self.energies), "adiabatic": np.arange(n), "diabatic": np.arange(n)}

    def _variables(self) -> dict[str, tuple[list[str], Any]]:
        return {
            "transmission": (["k", "adiabatic"], self.transmission),
            "reflection": (["k", "adiabatic"], self.reflection),
            "transmission_diabatic": (["k", "diabatic"], self.transmission_diabatic),
            "reflection_diabatic": (["k", "diabatic"], self.reflection_diabatic),
            "unitarity_defect": (["k"], self.unitarity_defect),
        }

    def _attrs(self) -> dict[str, Any]:
        return {
            "incoming_state": self.incoming_state,
            "mass": self.mass,
            "x_range": list(self.x_range),
            "step": self.step,
            "hbar": self.hbar,
            "channels": "adiabatic index of the asymptotic potential at each end (0 lowest)",
        }

    def to_xarray(self) -> Any:
        """An ``xarray.Dataset`` on ``(k, adiabatic)`` / ``(k, diabatic)``, energy along ``k``."""
        ds = super().to_xarray()
        ds["k"].attrs.update(long_name="incident wavenumber k", units="1/length (a.u.: 1/bohr)")
        ds["transmission"].attrs["long_name"] = "probability to leave to the right in channel n"
        ds["reflection"].attrs["long_name"] = "probability to leave to the left in channel n"
        ds["error_estimate"].attrs["long_name"] = "Richardson estimate |P(h/2) - P(h)|/3 of the sector error"
        return ds

    def _summary(self) -> list[str]:
        return [f"{self.transmission.shape[-1]} channels", f"incoming channel {self.incoming_state}"]


def _sector_coefficients(w: np.ndarray, h: float) -> tuple[np.ndarray, np.ndarray]:
    """``(kappa coth(kappa h), kappa / sinh(kappa h))`` for eigenvalues w of W (kappa = sqrt(w)),
    continued analytically to w < 0 (``k cot kh``, ``k / sin kh``) and to w = 0 (``1/h``).
    Complex w (complex energies, for the resonance search of
    :mod:`lzsm.molecules.averaged`): both functions are even in kappa, so one formula with the
    principal square root serves every w."""
    if np.iscomplexobj(w):
        kap_c = np.sqrt(w)
        e_c = np.exp(-2 * kap_c * h)
        with np.errstate(divide="ignore", invalid="ignore"):
            a_z = kap_c * (1 + e_c) / (1 - e_c)
            b_z = 2 * kap_c * np.exp(-kap_c * h) / (1 - e_c)
        small_z = np.abs(w) * h * h < 1e-8
        return np.where(small_z, 1 / h + w * h / 3, a_z), np.where(small_z, 1 / h - w * h / 6, b_z)
    a = np.empty_like(w)
    b = np.empty_like(w)
    closed = w > 0
    kap = np.sqrt(np.where(closed, w, 0.0))
    e = np.exp(-2 * kap * h)
    with np.errstate(divide="ignore", invalid="ignore"):
        a_c = kap * (1 + e) / (1 - e)
        b_c = 2 * kap * np.exp(-kap * h) / (1 - e)
    k = np.sqrt(np.where(closed, 0.0, -w))
    kh = k * h
    with np.errstate(divide="ignore", invalid="ignore"):
        a_o = k * np.cos(kh) / np.sin(kh)
        b_o = k / np.sin(kh)
    small = np.abs(w) * h * h < 1e-8
    a[:] = np.where(closed, a_c, a_o)
    b[:] = np.where(closed, b_c, b_o)
    # series for |w| h^2 -> 0: coth form -> 1/h + w h/3, csch form -> 1/h - w h/6
    a = np.where(small, 1 / h + w * h / 3, a)
    b = np.where(small, 1 / h - w * h / 6, b)
    return a, b


def _propagate(
    model: Curves, energies: np.ndarray, a: float, b: float, n_sectors: int, mass: float, hbar: float
) -> tuple[np.ndarray, ...]:
    """Two-point log-derivative propagator (Y1, Y2, Y3, Y4) over [a, b], each (nE, N, N)."""
    h = (b - a) / n_sectors
    mid = a + h * (np.arange(n_sectors) + 0.5)
    lam, vec = np.linalg.eigh(model.potential(mid))  # (S, N), (S, N, N)
    scale = 2 * mass / hbar**2
    w = scale * (lam[:, None, :] - energies[None, :, None])  # (S, nE, N)
    ca, cb = _sector_coefficients(w, h)
    if vec.shape[-1] == 2:  # compiled sweep, energies on the threads of lzsm.kernels.threads
        vec_k = _threads.arg(vec, float)
        ca_k = _threads.arg(np.swapaxes(ca, 0, 1), complex)  # (nE, S, 2): one energy's sectors together
        cb_k = _threads.arg(np.swapaxes(cb, 0, 1), complex)
        y = _threads.concatenate(lambda sl: _ld.sweep_two_channels(vec_k, ca_k[sl], cb_k[sl]), energies.size, axis=1)
        return y[0], y[1], y[2], y[3]
    return _sweep_numpy(vec, ca, cb)


def _sweep_numpy(vec: np.ndarray, ca: np.ndarray, cb: np.ndarray) -> tuple[np.ndarray, ...]:
    """The log-derivative recursion with NumPy matrices (any number of channels; Manolopoulos,
    J. Chem. Phys. 85, 6425 (1986)): sector rotations ``vec`` (S, N, N), sector coefficients
    ``ca``, ``cb`` (S, nE, N) -> (Y1, Y2, Y3, Y4), each (nE, N, N).  Two channels go through
    the compiled ``lzsm.kernels.log_derivative.sweep_two_channels``, which is tested
    against this."""
    n_sectors = vec.shape[0]
    vt = np.swapaxes(vec, -1, -2)

    def sector(s: int) -> tuple[np.ndarray, np.ndarray]:
        t = vec[s]
        am = (t * ca[s][:, None, :]) @ vt[s]
        bm = (t * cb[s][:, None, :]) @ vt[s]
        return am, bm

    am, bm = sector(0)
    y1, y2, y3, y4 = -am, bm, -bm, am
    for s in range(1, n_sectors):
        am, bm = sector(s)
        z = np.linalg.inv(y4 + am)  # (Y4 - z1)^-1 with z1 = -A
        y1 = y1 - y2 @ z @ y3
        y2 = y2 @ z @ bm
        y3 = bm @ z @ y3  # -z3 Z Y3 with z3 = -B
        y4 = am - bm @ z @ bm  # z4 + z3 Z z2
    return y1, y2, y3, y4


def _match(
    y: tuple[np.ndarray, ...],
    ul: np.ndarray,
    ur: np.ndarray,
    el: np.ndarray,
    er: np.ndarray,
    energies: np.ndarray,
    incoming: int,
    mass: float,
    hbar: float,
) -> tuple[np.ndarray, np.ndarray]:
    y1, y2, y3, y4 = (yy.astype(complex) for yy in y)
    y1 = ul.T @ y1 @ ul
    y2 = ul.T @ y2 @ ur
    y3 = ur.T @ y3 @ ul
    y4 = ur.T @ y4 @ ur
    ne, n = energies.size, el.size
    scale = 2 * mass / hbar**2
    kl2 = scale * (energies[:, None] - el[None, :])
    kr2 = scale * (energies[:, None] - er[None, :])
    if np.iscomplexobj(energies):
        # complex energies: the outgoing / decaying waves continued analytically off the real
        # axis (principal roots; channels open where Re k^2 > 0)
        kl = np.where(kl2.real > 0, np.sqrt(kl2), np.sqrt(-kl2))
        kr = np.where(kr2.real > 0, np.sqrt(kr2), np.sqrt(-kr2))
        kl2, kr2 = kl2.real, kr2.real
    else:
        kl = np.sqrt(np.abs(kl2))
        kr = np.sqrt(np.abs(kr2))
    dl = np.where(kl2 > 0, -1j * kl, kl)  # outgoing to the left e^{-ikx}; decaying e^{+kappa x}
    dr = np.where(kr2 > 0, 1j * kr, -kr)  # outgoing to the right e^{ikx}; decaying e^{-kappa x}
    eye = np.eye(n)
    e_in = np.zeros((ne, n), dtype=complex)
    e_in[:, incoming] = 1.0
    ik_in = 1j * kl[:, incoming]
    lhs = np.zeros((ne, 2 * n, 2 * n), dtype=complex)
    lhs[:, :n, :n] = dl[:, :, None] * eye - y1
    lhs[:, :n, n:] = -y2
    lhs[:, n:, :n] = -y3
    lhs[:, n:, n:] = dr[:, :, None] * eye - y4
    rhs = np.concatenate(
        [np.einsum("eij,ej->ei", y1, e_in) - ik_in[:, None] * e_in, np.einsum("eij,ej->ei", y3, e_in)], axis=1
    )
    sol = np.linalg.solve(lhs, rhs[..., None])[..., 0]
    r, t = sol[:, :n], sol[:, n:]
    k_in = kl[:, incoming]
    # flux-normalised amplitudes (zero in closed channels): S-matrix elements of the incoming column
    s_refl = np.where(kl2 > 0, r * np.sqrt(kl / k_in[:, None]), 0.0)
    s_trans = np.where(kr2 > 0, t * np.sqrt(kr / k_in[:, None]), 0.0)
    return s_trans, s_refl


def _solve(
    model: Curves,
    energies: np.ndarray,
    a: float,
    b: float,
    n_sectors: int,
    incoming: int,
    mass: float,
    hbar: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Flux-normalised transmission and reflection amplitudes ``(nE, N)`` with ``n_sectors``
    log-derivative sectors over ``[a, b]`` (no extrapolation): ``T_n = |t_n|^2``, ``R_n = |r_n|^2``."""
    el, ul = np.linalg.eigh(model.potential(np.array(a)))
    er, ur = np.linalg.eigh(model.potential(np.array(b)))
    y = _propagate(model, energies, a, b, n_sectors, mass, hbar)
    return _match(y, ul, ur, el, er, energies, incoming, mass, hbar)


#: Relative tolerance of the reported transfer-matrix run; the check run uses 1000x this.
_TM_RTOL = 1e-10
#: Largest growth ``kappa_max * length`` of a closed-channel solution between two
#: re-orthonormalisations of the transfer-matrix columns.
_TM_GROWTH = 8.0


def _transfer_matrix(
    model: Curves, energies: np.ndarray, a: float, b: float, incoming: int, mass: float, hbar: float, rtol: float
) -> tuple[np.ndarray, np.ndarray]:
    """Flux-normalised amplitudes ``(t, r)``, each ``(nE, N)``, by direct integration of
    ``psi'' = W(x) psi`` from ``b`` to ``a`` (:func:`scipy.integrate.solve_ivp`, DOP853).

    The N columns start at ``b`` as the outgoing (open) or decaying (closed) asymptotic
    solutions ``u_n e^{+-i k_n x}`` / ``u_n e^{-kappa_n x}`` with value ``u_n`` at ``b``; every
    ``_TM_GROWTH / kappa_max`` they are re-orthonormalised (QR of ``(psi; psi')``,
    the stabilised transfer-matrix / Riccati-free scheme of e.g. B. R. Johnson, J. Comput.
    Phys. 13, 445 (1973), section II), the change of basis ``G <- G R^{-1}`` being kept so that
    the final combination ``c`` gives the transmitted amplitudes ``G c``.  At ``a`` the
    solution is matched to ``u_in e^{ik_in x} + sum_n r_n u_n e^{-ik_n x}`` (decaying in closed
    channels), with the phase of every wave referred to its end of the region."""
    from scipy.integrate import solve_ivp

    el, ul = np.linalg.eigh(model.potential(np.array(a)))
    er, ur = np.linalg.eigh(model.potential(np.array(b)))
    ne, n = energies.size, el.size
    scale = 2 * mass / hbar**2
    kr2 = scale * (energies[:, None] - er[None, :])
    kr = np.sqrt(np.abs(kr2))
    dr = np.where(kr2 > 0, 1j * kr, -kr)  # psi'/psi of the outgoing / decaying wave at the right
    psi = np.broadcast_to(ur, (ne, n, n)).astype(complex)
    dpsi = psi * dr[:, None, :]
    g = np.broadcast_to(np.eye(n, dtype=complex), (ne, n, n)).copy()
    xs = np.linspace(a, b, 4001)
    v_all = np.linalg.eigvalsh(model.potential(xs))
    kappa = np.sqrt(scale * max(float(np.max(v_all)) - float(np.min(energies)), 0.0))
    n_seg = max(int(np.ceil((b - a) * kappa / _TM_GROWTH)), 1)
    edges = np.linspace(b, a, n_seg + 1)
    shape = (ne, n, n)

    def rhs(x: float, y: np.ndarray) -> np.ndarray:
        z = y.view(complex).reshape(2, *shape)
        w = scale * (model.potential(np.array(x))[None, :, :] - energies[:, None, None] * np.eye(n))
        return np.concatenate([z[1].ravel(), (w @ z[0]).ravel()]).view(float)

    for x0, x1 in itertools.pairwise(edges):
        y0 = np.concatenate([psi.ravel(), dpsi.ravel()]).view(float)
        sol = solve_ivp(rhs, (x0, x1), y0, method="DOP853", rtol=rtol, atol=rtol * 1e-2)
        z = sol.y[:, -1].view(complex).reshape(2, *shape)
        q, rr = np.linalg.qr(np.concatenate([z[0], z[1]], axis=1))  # (ne, 2n, n), (ne, n, n)
        psi, dpsi = q[:, :n, :], q[:, n:, :]
        g = g @ np.linalg.inv(rr)
    kl2 = scale * (energies[:, None] - el[None, :])
    kl = np.sqrt(np.abs(kl2))
    dl = np.where(kl2 > 0, -1j * kl, kl)  # outgoing to the left; decaying to the left
    k_in = kl[:, incoming]
    # unknowns (c, r): ul^T psi c - r = e_in; ul^T psi' c - diag(dl) r = i k_in e_in
    lhs = np.zeros((ne, 2 * n, 2 * n), dtype=complex)
    lhs[:, :n, :n] = ul.T @ psi
    lhs[:, :n, n:] = -np.eye(n)
    lhs[:, n:, :n] = ul.T @ dpsi
    lhs[:, n:, n:] = -dl[:, :, None] * np.eye(n)
    rhs_v = np.zeros((ne, 2 * n), dtype=complex)
    rhs_v[:, incoming] = 1.0
    rhs_v[:, n + incoming] = 1j * k_in
    sol_v = np.linalg.solve(lhs, rhs_v[..., None])[..., 0]
    c, r = sol_v[:, :n], sol_v[:, n:]
    t = (g @ c[..., None])[..., 0]
    s_refl = np.where(kl2 > 0, r * np.sqrt(kl / k_in[:, None]), 0.0)
    s_trans = np.where(kr2 > 0, t * np.sqrt(kr / k_in[:, None]), 0.0)
    return s_trans, s_refl


@renamed_keywords(momenta="k", incoming_state=("initial", old_adiabatic_index))
def stationary_scattering(
    model: Curves,
    energies: ArrayLike | None = None,
    *,
    k: ArrayLike | None = None,
    mass: float | None = None,
    initial: Any = "lower",
    x_range: tuple[float, float] | None = None,
    step: float | None = None,
    hbar: float | None = None,
    method: str = "log_derivative",
) -> StationaryScattering:
    """Exact stationary transmission and reflection of a 1-D multichannel model.

    Give either total ``energies`` or incident wavenumbers ``k`` in the asymptotic adiabatic
    channel named by ``initial`` at the left (default ``'lower'``; ``'adiabatic n'``, or a
    diabatic index for the channel it dominates there), ``E = hbar^2 k^2/(2m) + E_in(-inf)``,
    with the model's ``mass`` and ``hbar``.  ``x_range`` defaults to :func:`asymptotic_range`;
    ``step`` (sector width) defaults to ``min(0.02, 0.3/k_loc)`` with ``k_loc`` the largest local
    wavenumber.  Results are Richardson-extrapolated from ``step`` and ``step/2`` (see the module
    docstring).  Atomic units for Tully's models (hbar = 1, mass 2000).  ``mass`` and ``hbar``
    are deprecated keywords (put them on the model).

    ``method`` chooses between two independent exact routes: ``"log_derivative"`` (default, the
    sector propagator above) and ``"transfer_matrix"``, a direct adaptive integration of the
    coupled equations (:func:`scipy.integrate.solve_ivp`, DOP853, relative tolerance 1e-10, the
    columns re-orthonormalised so that closed channels stay stable; ``error_estimate`` is the
    difference from a run at 1e-7, an upper bound of the reported run's error).  The second
    is slower and serves as the check of the first (tests/test_molecules_stationary.py,
    benchmarks/bench_tully_ranges.py); ``step`` applies to the log-derivative route only.

    Examples
    --------
    >>> import lzsm
    >>> result = lzsm.stationary_scattering(lzsm.TullySimple(), k=[10.0, 20.0])
    >>> result.transmission.round(4)  # [k, adiabatic state]: lower, upper
    array([[0.8445, 0.1555],
           [0.5068, 0.4932]])
    """
    model = curve_model(model)
    m, hb = mass_and_hbar(model, mass, hbar, "stationary_scattering")
    _checks.choice(method, "method", ("log_derivative", "transfer_matrix"))
    if method == "transfer_matrix" and step is not None:
        raise LzsmValueError(
            f"`step` applies to method='log_derivative' only (the transfer-matrix route chooses its own "
            f"steps), got step={step!r} with method='transfer_matrix'"
        )
    if x_range is None:
        a, b = asymptotic_range(model)
    else:
        try:
            a, b = (float(v) for v in x_range)
        except (TypeError, ValueError):
            raise LzsmValueError(f"`x_range` must be (a, b) with a < b, got {x_range!r}") from None
        if not (np.isfinite(a) and np.isfinite(b) and b > a):
            raise LzsmValueError(f"`x_range` must be (a, b) of finite numbers with a < b, got {x_range!r}")
    incoming = initial_channel(initial, model, a)
    el, ul = np.linalg.eigh(model.potential(np.array(a)))
    er, ur = np.linalg.eigh(model.potential(np.array(b)))
    if (energies is None) == (k is None):
        raise LzsmValueError("give exactly one of `energies` and `k`")
    if k is not None:
        kk = np.atleast_1d(_checks.real_array(k, "k", positive=True))
        e = hb**2 * kk**2 / (2 * m) + el[incoming]
    else:
        e = np.atleast_1d(_checks.real_array(energies, "energies"))
        if np.any(e <= el[incoming]):
            raise LzsmValueError(
                f"`energies` must exceed the incoming channel's asymptotic energy {el[incoming]:.6g} "
                f"(channel {incoming} is closed below it); got min {np.min(e):.6g}"
            )
        kk = np.sqrt(2 * m * (e - el[incoming])) / hb
    if e.ndim != 1 or e.size == 0:
        raise LzsmValueError(f"`energies`/`k` must be a number or a non-empty 1-D array, got shape {e.shape}")
    h = default_step(model, float(np.max(e)), a, b, m, hb) if step is None else _checks.positive_scalar(step, "step")
    n_sec = max(int(np.ceil((b - a) / h)), 4)
    results = []
    if method == "transfer_matrix":
        for rtol in (_TM_RTOL, 1e3 * _TM_RTOL):
            st, sr = _transfer_matrix(model, e, a, b, incoming, m, hb, rtol)
            results.append((np.abs(st) ** 2, np.abs(sr) ** 2))
        (trans, refl), (t1, r1) = results
        err = np.maximum(np.max(np.abs(trans - t1), axis=-1), np.max(np.abs(refl - r1), axis=-1))
        label = "transfer matrix (DOP853, rtol 1e-10, checked at 1e-7)"
    else:
        for ns in (n_sec, 2 * n_sec):
            y = _propagate(model, e, a, b, ns, m, hb)
            st, sr = _match(y, ul, ur, el, er, e, incoming, m, hb)
            results.append((np.abs(st) ** 2, np.abs(sr) ** 2))
        (t1, r1), (t2, r2) = results
        trans = (4 * t2 - t1) / 3
        refl = (4 * r2 - r1) / 3
        err = np.maximum(np.max(np.abs(t2 - t1), axis=-1), np.max(np.abs(r2 - r1), axis=-1)) / 3
        label = "log-derivative (midpoint sectors), Richardson h, h/2"
    tdia = trans @ (np.abs(ur) ** 2).T
    rdia = refl @ (np.abs(ul) ** 2).T
    defect = np.abs(1 - trans.sum(-1) - refl.sum(-1))
    finite = np.all(np.isfinite(trans), axis=-1) & np.all(np.isfinite(refl), axis=-1)
    status = np.where(finite, int(Status.OK), int(Status.FAILED))
    if not np.all(finite):
        warnings.warn(
            f"stationary_scattering: the matching failed (non-finite probabilities) at "
            f"{int(np.sum(~finite))} of {finite.size} energies; see StationaryScattering.status",
            LzsmConvergenceWarning,
            stacklevel=3,
        )  # past the keyword wrapper
    return StationaryScattering(
        energies=e,
        k=kk,
        incoming_state=int(incoming),
        transmission=trans,
        reflection=refl,
        transmission_diabatic=tdia,
        reflection_diabatic=rdia,
        unitarity_defect=defect,
        mass=m,
        x_range=(a, b),
        step=(b - a) / n_sec if method == "log_derivative" else float("nan"),
        hbar=hb,
        method=label,
        status=status,
        error_estimate=err,
    )
