"""The adiabatic picture of a diabatic model, and the transformation between the two pictures.

For a model's coordinate values ``q`` (time or a nuclear/field coordinate) this module gives
the adiabatic energies (index 0 lowest), the adiabatic states in a smooth gauge, the mixing
angle, the diabatic character of each adiabatic state, the non-adiabatic (derivative)
couplings, and the change of basis of state vectors and propagated amplitudes.

Gauge (``docs/conventions.md``): for two levels, ``theta in [0, pi/2]`` with ``tan 2 theta = 2|V|/(E1 - E2)``,

.. math::

    |\\phi_1\\rangle &= \\cos\\theta\\,|1\\rangle + e^{-i\\chi} \\sin\\theta\\,|2\\rangle \\quad \\text{(upper)}, \\\\
    |\\phi_0\\rangle &= -\\sin\\theta\\,|1\\rangle + e^{-i\\chi} \\cos\\theta\\,|2\\rangle \\quad \\text{(lower)},
    \\qquad V = |V| e^{i\\chi},

which is the parallel-transport gauge for a real coupling.  For N levels the eigenvectors of
``numpy.linalg.eigh`` are parallel-transported along the last axis of ``q`` (each
``<phi_n(q_k)|phi_n(q_{k+1})>`` made real and positive), starting from the gauge in which each
state's largest diabatic component is real and positive.  Non-adiabatic couplings
``d_mn = <phi_m|d phi_n/dq> = <phi_m|dH/dq|phi_n> / (E_n - E_m)`` (Hellmann–Feynman form).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from lzsm import _checks
from lzsm.errors import LzsmValueError
from lzsm.models.base import Model


def _q(model: Model, q: ArrayLike) -> np.ndarray:
    """The coordinate values ``q`` (the model's ``t``, ``x``, ...) as a finite real array."""
    _checks.model(model)
    return _checks.real_array(q, "q")


def _two_level_parts(h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(bias, V) of two-level Hamiltonians (..., 2, 2)."""
    return (h[..., 0, 0] - h[..., 1, 1]).real, h[..., 0, 1]


def adiabatic_energies(model: Model, q: ArrayLike) -> np.ndarray:
    """Adiabatic energies, ascending along the last axis: shape ``(*batch, *q.shape, N)``.

    Examples
    --------
    >>> import lzsm
    >>> model = lzsm.LandauZener(coupling=0.5, sweep_rate=1.0)
    >>> lzsm.adiabatic_energies(model, [0.0, 10.0]).round(4)  # +-sqrt((alpha t/2)^2 + V^2): gap 2V at t = 0
    array([[-0.5   ,  0.5   ],
           [-5.0249,  5.0249]])
    """
    qa = _q(model, q)
    return np.linalg.eigvalsh(model.hamiltonian(qa))


def mixing_angle(model: Model, q: ArrayLike) -> np.ndarray:
    """Two-level mixing angle ``theta = atan2(2|V|, E1 - E2)/2`` in [0, pi/2].

    Examples
    --------
    >>> import lzsm
    >>> model = lzsm.LandauZener(coupling=0.5, sweep_rate=1.0)
    >>> lzsm.mixing_angle(model, [-1e6, 0.0, 1e6]).round(4)  # pi/2 long before, pi/4 at, 0 long after the crossing
    array([1.5708, 0.7854, 0.    ])
    """
    qa = _q(model, q)
    if model.n_levels != 2:
        raise LzsmValueError(f"the mixing angle is defined for two levels; this model has {model.n_levels}")
    bias, v = _two_level_parts(model.hamiltonian(qa))
    return 0.5 * np.arctan2(2.0 * np.abs(v), bias)


def _pointwise_gauge(vecs: np.ndarray) -> np.ndarray:
    """Each column's largest component real and positive."""
    idx = np.argmax(np.abs(vecs), axis=-2)
    ph = np.take_along_axis(vecs, idx[..., None, :], axis=-2)[..., 0, :]
    return vecs * (np.abs(ph) / ph)[..., None, :]


def _transport(vecs: np.ndarray, along_q: bool) -> np.ndarray:
    """Pointwise gauge at the first point of the last coordinate axis, then parallel transport
    along that axis (``along_q``; otherwise the pointwise gauge everywhere)."""
    if not along_q:
        return _pointwise_gauge(vecs)
    vecs = vecs.copy()
    vecs[..., 0, :, :] = _pointwise_gauge(vecs[..., 0, :, :])
    for k in range(1, vecs.shape[-3]):
        ov = np.sum(np.conj(vecs[..., k - 1, :, :]) * vecs[..., k, :, :], axis=-2)
        mag = np.abs(ov)
        fix = np.where(mag > 1e-300, np.conj(ov) / np.where(mag > 1e-300, mag, 1.0), 1.0)
        vecs[..., k, :, :] *= fix[..., None, :]
    return vecs


def adiabatic_states(model: Model, q: ArrayLike) -> np.ndarray:
    """Adiabatic states as columns, ``(*batch, *q.shape, N, N)``: ``[..., j, n]`` is the
    component on diabatic state j of adiabatic state n (n = 0 lowest).

    Examples
    --------
    >>> import lzsm
    >>> model = lzsm.LandauZener(coupling=0.5, sweep_rate=1.0)
    >>> lzsm.adiabatic_states(model, 0.0).real.round(4)  # columns: lower, upper; equal weights at the crossing
    array([[-0.7071,  0.7071],
           [ 0.7071,  0.7071]])
    """
    qa = _q(model, q)
    h = model.hamiltonian(qa)
    if model.n_levels == 2:
        bias, v = _two_level_parts(h)
        theta = 0.5 * np.arctan2(2.0 * np.abs(v), bias)
        ph = np.exp(-1j * np.angle(v))
        c, s = np.cos(theta), np.sin(theta)
        out = np.empty(h.shape, dtype=complex)
        out[..., 0, 0] = -s
        out[..., 1, 0] = ph * c
        out[..., 0, 1] = c
        out[..., 1, 1] = ph * s
        return out
    _, vecs = np.linalg.eigh(h)
    return _transport(vecs, along_q=qa.ndim >= 1)


def diabatic_character(model: Model, q: ArrayLike) -> np.ndarray:
    """``|<j|phi_n>|^2``: weight of diabatic state j in adiabatic state n, ``(..., N, N)``.

    Examples
    --------
    >>> import lzsm
    >>> model = lzsm.LandauZener(coupling=0.5, sweep_rate=1.0)
    >>> lzsm.diabatic_character(model, [-100.0, 100.0])[..., 0].round(4)  # lower state: |0> before, |1> after
    array([[1., 0.],
           [0., 1.]])
    """
    return np.abs(adiabatic_states(model, q)) ** 2


def nonadiabatic_coupling(model: Model, q: ArrayLike) -> np.ndarray:
    """Non-adiabatic couplings ``d_mn = <phi_m|d/dq phi_n>`` along the model's coordinate.

    Shape ``(*batch, *q.shape, N, N)``, antihermitian, zero diagonal (parallel transport);
    for two levels ``d[..., 0, 1]`` is ``d_01`` of docs/conventions.md.  For a linear crossing with
    slope difference F and coupling V, ``|d_01|`` is a Lorentzian of height F/(4V) and
    half-width 2V/F about the crossing.  At an exact degeneracy the coupling is undefined
    and returned as NaN.

    Examples
    --------
    >>> import lzsm
    >>> model = lzsm.LandauZener(coupling=0.5, sweep_rate=1.0)
    >>> d01 = lzsm.nonadiabatic_coupling(model, [0.0, 1.0])[:, 0, 1]
    >>> abs(d01).round(4)  # Lorentzian: F/(4V) at the crossing, half of it at t = 2V/F
    array([0.5 , 0.25])
    """
    qa = _q(model, q)
    e = adiabatic_energies(model, qa)
    states = adiabatic_states(model, qa)
    dh = model.hamiltonian_derivative(qa)
    num = np.conj(np.swapaxes(states, -1, -2)) @ dh @ states
    gap = e[..., None, :] - e[..., :, None]  # E_n - E_m at [m, n]
    n = model.n_levels
    eye = np.eye(n, dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        d = np.where(eye, 0.0, num / np.where(eye, 1.0, gap))
    d = np.where(~eye & (gap == 0), np.nan, d)
    return d


def to_adiabatic(amplitudes: ArrayLike, model: Model, q: ArrayLike) -> np.ndarray:
    """Diabatic amplitudes ``(..., N)`` at coordinate values q -> adiabatic amplitudes.

    ``b_n = <phi_n|psi>``; ``amplitudes`` broadcasts against ``(*batch, *q.shape, N)``.

    Examples
    --------
    >>> import lzsm
    >>> model = lzsm.LandauZener(coupling=0.5, sweep_rate=1.0)
    >>> b = lzsm.to_adiabatic([1.0, 0.0], model, [-100.0, 100.0])  # diabatic |0> before and after
    >>> (abs(b) ** 2).round(4)  # lower adiabatic state before the crossing, upper after it
    array([[1., 0.],
           [0., 1.]])
    """
    c = _checks.complex_array(amplitudes, "amplitudes")
    states = adiabatic_states(model, q)
    if c.shape[-1:] != states.shape[-1:]:
        raise LzsmValueError(f"`amplitudes` must end in a length-{states.shape[-1]} axis, got shape {c.shape}")
    return np.einsum("...jn,...j->...n", np.conj(states), c)


def to_diabatic(amplitudes: ArrayLike, model: Model, q: ArrayLike) -> np.ndarray:
    """Adiabatic amplitudes ``(..., N)`` -> diabatic amplitudes: ``psi = sum_n b_n |phi_n>``.

    Examples
    --------
    >>> import lzsm
    >>> model = lzsm.LandauZener(coupling=0.5, sweep_rate=1.0)
    >>> psi = lzsm.to_diabatic([1.0, 0.0], model, 0.0)  # the lower adiabatic state at the crossing
    >>> (abs(psi) ** 2).round(4)
    array([0.5, 0.5])
    """
    b = _checks.complex_array(amplitudes, "amplitudes")
    states = adiabatic_states(model, q)
    if b.shape[-1:] != states.shape[-1:]:
        raise LzsmValueError(f"`amplitudes` must end in a length-{states.shape[-1]} axis, got shape {b.shape}")
    return np.einsum("...jn,...n->...j", states, b)


def adiabatic_picture(model: Model, q: ArrayLike):
    """Everything of this module at once, as an ``xarray.Dataset`` over the coordinate."""
    import xarray as xr

    qa = _q(model, q)
    if qa.ndim != 1:
        raise LzsmValueError(f"`{model.coordinate}` must be a 1-D array for adiabatic_picture")
    name = model.coordinate
    batch = [f"point_{i}" for i in range(len(model.batch_shape))]
    dims = batch + [name]
    h = model.hamiltonian(qa)
    ds = xr.Dataset(
        {
            "diabatic_energies": (dims + ["diabatic"], np.real(np.diagonal(h, axis1=-2, axis2=-1))),
            "adiabatic_energies": (dims + ["adiabatic"], adiabatic_energies(model, qa)),
            "diabatic_character": (dims + ["diabatic", "adiabatic"], diabatic_character(model, qa)),
            "nonadiabatic_coupling": (dims + ["adiabatic_m", "adiabatic"], nonadiabatic_coupling(model, qa)),
        },
        coords={
            name: qa,
            "diabatic": np.arange(model.n_levels),
            "adiabatic": np.arange(model.n_levels),
            "adiabatic_m": np.arange(model.n_levels),
        },
    )
    if model.n_levels == 2:
        ds["mixing_angle"] = (dims, mixing_angle(model, qa))
    ds["diabatic_character"].attrs["long_name"] = "|<diabatic j|adiabatic n>|^2"
    ds["nonadiabatic_coupling"].attrs["long_name"] = "<phi_m|d phi_n / d" + name + ">"
    return ds
