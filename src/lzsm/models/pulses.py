"""Switched pulses: the Demkov–Kunike model and its Rosen–Zener and Allen–Eberly cases.

:class:`DemkovKunike` is ``H(t) = [[b(t)/2, V(t)], [conj V(t), -b(t)/2]]`` with
``V(t) = V0 sech(t/T)`` and ``b(t) = b0 + b1 tanh(t/T)``; :func:`rosen_zener` (b1 = 0) and
:func:`allen_eberly` (b0 = 0) are its special cases.  Papers that write ``H = (hbar/2)
[[Delta, Omega], [Omega, -Delta]]`` map onto it by ``Delta = b/hbar``, ``Omega = 2V/hbar``.
The coupling vanishes at t -> +-inf, so these models have asymptotic states on both sides;
their transition probabilities are in :mod:`lzsm.closed_forms.pulses`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from lzsm import _checks
from lzsm.models.base import Asymptotics, _TwoLevelGrid


# =========================================================================== sech pulses
@dataclass(frozen=True, eq=False)
class DemkovKunike(_TwoLevelGrid):
    """Demkov–Kunike pulse: ``V(t) = V0 sech(t/T)``, ``b(t) = b0 + b1 tanh(t/T)``.

    ``H = [[b(t)/2, V(t)], [conj V(t), -b(t)/2]]`` (docs/conventions.md); parameters ``coupling`` V0
    (complex allowed), ``detuning`` b0 (bias offset), ``chirp`` b1 (half the bias swing),
    ``duration`` T > 0; they broadcast into a parameter grid.  ``chirp = 0`` is the
    Rosen–Zener pulse, ``detuning = 0`` the Allen–Eberly pulse.  Closed form:
    :func:`demkov_kunike_p_diabatic_stay`.
    """

    coupling: ArrayLike
    detuning: ArrayLike
    chirp: ArrayLike
    duration: ArrayLike
    hbar: float = 1.0
    coordinate: str = field(default="t", init=False)

    def __post_init__(self) -> None:
        v = _checks.complex_array(self.coupling, "coupling")
        vals = {
            "coupling": v if np.any(v.imag != 0) else v.real.copy(),
            "detuning": _checks.real_array(self.detuning, "detuning"),
            "chirp": _checks.real_array(self.chirp, "chirp"),
            "duration": _checks.real_array(self.duration, "duration", positive=True),
        }
        for k, x in vals.items():
            object.__setattr__(self, k, x)
        object.__setattr__(self, "hbar", _checks.positive_scalar(self.hbar, "hbar"))
        object.__setattr__(self, "_batch", _checks.broadcast(vals))

    def parameters(self) -> dict[str, np.ndarray]:
        return {k: np.asarray(getattr(self, k)) for k in ("coupling", "detuning", "chirp", "duration")}

    def point(self, index: tuple[int, ...]) -> DemkovKunike:
        p = {k: np.broadcast_to(v, self.batch_shape)[index] for k, v in self.parameters().items()}
        return DemkovKunike(**p, hbar=self.hbar)

    def _parts(self, t: np.ndarray):
        ex = (Ellipsis,) + (None,) * t.ndim
        b = self.batch_shape
        v0, b0, b1, tt = (
            np.broadcast_to(np.asarray(getattr(self, k)), b)[ex] for k in ("coupling", "detuning", "chirp", "duration")
        )
        x = t / tt
        return v0, b0, b1, tt, x

    def _assemble(self, bias: np.ndarray, v: np.ndarray) -> np.ndarray:
        h = np.empty(np.broadcast_shapes(bias.shape, v.shape) + (2, 2), dtype=complex)
        h[..., 0, 0] = bias / 2
        h[..., 1, 1] = -bias / 2
        h[..., 0, 1] = v
        h[..., 1, 0] = np.conj(v)
        return h

    def hamiltonian(self, q: ArrayLike) -> np.ndarray:
        t = _checks.real_array(q, "t")
        v0, b0, b1, _, x = self._parts(t)
        return self._assemble(b0 + b1 * np.tanh(x), v0 / np.cosh(x))

    def asymptotic_form(self) -> Asymptotics:
        """The coupling ``V0 sech(t/T)`` switches off with e-folding time T (and the bias
        saturates as fast); the core is ``|t| < T``."""
        tt = float(np.max(self.duration))
        return Asymptotics("switching off", (-tt, tt), decay_time=tt)

    def hamiltonian_derivative(self, q: ArrayLike) -> np.ndarray:
        t = _checks.real_array(q, "t")
        v0, _, b1, tt, x = self._parts(t)
        sech = 1.0 / np.cosh(x)
        return self._assemble(b1 * sech**2 / tt, -v0 * sech * np.tanh(x) / tt)


def rosen_zener(coupling: ArrayLike, detuning: ArrayLike, duration: ArrayLike, *, hbar: float = 1.0) -> DemkovKunike:
    """Rosen–Zener pulse ``V(t) = V0 sech(t/T)`` at constant bias ``b0`` (a :class:`DemkovKunike`
    with zero chirp).

    Examples
    --------
    >>> import lzsm
    >>> model = lzsm.rosen_zener(coupling=0.5, detuning=1.0, duration=1.0)
    >>> run = lzsm.evolve(model, (-30, 30), initial=0)
    >>> round(float(run.p_diabatic_stay), 4)  # = lzsm.rosen_zener_p_diabatic_stay(0.5, 1.0, 1.0)
    0.8412
    """
    return DemkovKunike(coupling, detuning, 0.0, duration, hbar)


def allen_eberly(coupling: ArrayLike, chirp: ArrayLike, duration: ArrayLike, *, hbar: float = 1.0) -> DemkovKunike:
    """Allen–Eberly pulse ``V(t) = V0 sech(t/T)``, ``b(t) = b1 tanh(t/T)`` (a :class:`DemkovKunike`
    with zero detuning)."""
    return DemkovKunike(coupling, 0.0, chirp, duration, hbar)
