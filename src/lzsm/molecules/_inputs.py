"""Conversion and checks shared by the molecules front doors.

* :func:`mass_and_hbar`: the nuclear mass and Planck's constant come from the model
  (``model.mass``, ``model.hbar``); the lzsm 0.1 keywords ``mass=``/``hbar=`` still override
  them, with a DeprecationWarning.
* :func:`curve_model`: the model of a scattering or trajectory front door is a curve model.
* :func:`initial_channel`: the one initial-state grammar (:func:`lzsm._checks.initial_state`)
  read as a single adiabatic channel, the way a scattering or trajectory calculation starts.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from lzsm import _checks
from lzsm.errors import LzsmTypeError, LzsmValueError


def curve_model(model: Any) -> Any:
    """``model`` if it is an lzsm curve model (:class:`lzsm.models.curves.Curves`), else a
    clear refusal."""
    from lzsm.models.curves import Curves

    if not isinstance(model, Curves):
        raise LzsmTypeError(
            "`model` must be an lzsm curve model (lzsm.models.curves.Curves, e.g. "
            f"lzsm.TullySimple()), got {type(model).__name__}"
        )
    return model


def mass_and_hbar(model: Any, mass: Any, hbar: Any, where: str) -> tuple[float, float]:
    """``(mass, hbar)`` of ``model``, checked (> 0); a deprecated ``mass``/``hbar`` keyword
    (not None) replaces the model's value after a DeprecationWarning naming ``where``."""
    for name, value in (("mass", mass), ("hbar", hbar)):
        if value is not None:
            warnings.warn(
                f"{where}({name}=...) is deprecated since lzsm 0.2: {name} is a property of the model "
                f"(e.g. TullySimple({name}=...), or dataclasses.replace(model, {name}=...))",
                DeprecationWarning,
                stacklevel=4,
            )  # caller -> keyword wrapper -> front door -> here
    if mass is None:
        mass = getattr(model, "mass", None)
        if mass is None:
            raise LzsmValueError(
                f"`model` ({type(model).__name__}) has no nuclear mass: give the model a `mass` "
                "attribute (every lzsm curve model has one, default 2000)"
            )
    if hbar is None:
        hbar = getattr(model, "hbar", 1.0)
    return _checks.positive_scalar(mass, "mass"), _checks.positive_scalar(hbar, "hbar")


def old_adiabatic_index(value: Any) -> str:
    """lzsm 0.1's ``incoming_state=k`` / ``initial_state=k`` (an adiabatic index) in the grammar of
    ``initial``: ``'adiabatic k'``."""
    return f"adiabatic {value}"


CHANNEL_GRAMMAR = (
    "an adiabatic channel ('adiabatic k', 'lower' = 'ground' = 'adiabatic 0', 'upper') or a "
    "diabatic state (an index k or 'diabatic k') that dominates one channel there"
)


def initial_channel(initial: Any, model: Any, x: float) -> int:
    """The adiabatic channel (index 0 lowest, at coordinate ``x``) in which a calculation starts.

    ``initial`` follows the grammar of :func:`lzsm._checks.initial_state`: ``'adiabatic k'``,
    ``'lower'``/``'ground'``, ``'upper'`` name channel k directly; a diabatic index ``k`` or
    ``'diabatic k'`` names the channel whose adiabatic state at ``x`` has the largest weight on
    diabatic state k, which must exceed 1/2 (far from the crossing the channels are diabatic).
    State vectors are refused: scattering starts in one channel."""
    n = model.n_levels
    named = _checks._named_state(initial, n)
    if named is None:
        vector = isinstance(initial, (list, tuple, np.ndarray))
        hint = " (a state vector: scattering starts in one channel)" if vector else ""
        raise LzsmValueError(f"`initial` must be {CHANNEL_GRAMMAR}; got {_checks.short(initial)}{hint}")
    kind, k = named
    if kind not in ("diabatic", "adiabatic"):
        raise LzsmValueError(f"`initial` must be {CHANNEL_GRAMMAR}; got {initial!r}")
    if not 0 <= k < n:
        raise LzsmValueError(f"`initial` state index must be in 0..{n - 1}, got {k}")
    if kind == "adiabatic":
        return k
    _, vectors = np.linalg.eigh(np.asarray(model.hamiltonian(np.array([float(x)])))[0])
    weights = np.abs(vectors[k, :]) ** 2
    channel = int(np.argmax(weights))
    if weights[channel] <= 0.5:
        raise LzsmValueError(
            f"`initial` diabatic state {k} is mixed at x = {x:g} (largest adiabatic weight "
            f"{weights[channel]:.3g} <= 1/2): name the channel as 'adiabatic k'"
        )
    return channel
