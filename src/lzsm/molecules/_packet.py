"""What every packet-scattering result holds: packet averages per channel and their values
resolved in the packet's wavenumbers, in both pictures (shared by
:class:`lzsm.molecules.scattering.WavepacketScattering` and
:class:`lzsm.molecules.averaged.PacketAveragedScattering`)."""

from __future__ import annotations

from typing import Any

import numpy as np


class PacketProbabilities:
    """Mixin of the packet results: ``transmission``/``reflection`` ``(N,)`` per asymptotic
    adiabatic channel and per diabatic state, the same resolved at ``k_resolved`` ``(n, N)``
    (total energies ``energies``), and the central wavenumber ``k``."""

    k: float
    k_resolved: np.ndarray
    energies: np.ndarray
    transmission: np.ndarray
    reflection: np.ndarray
    transmission_diabatic: np.ndarray
    reflection_diabatic: np.ndarray
    transmission_resolved: np.ndarray
    reflection_resolved: np.ndarray
    transmission_resolved_diabatic: np.ndarray
    reflection_resolved_diabatic: np.ndarray

    def at_momentum(self) -> dict[str, np.ndarray]:
        """Energy-resolved probabilities at the central incident wavenumber ``k``."""
        i = int(np.argmin(np.abs(self.k_resolved - self.k)))
        return {
            "transmission": self.transmission_resolved[i],
            "reflection": self.reflection_resolved[i],
            "transmission_diabatic": self.transmission_resolved_diabatic[i],
            "reflection_diabatic": self.reflection_resolved_diabatic[i],
        }

    def _coords(self) -> dict[str, Any]:
        n = self.transmission.size
        return {
            "k": self.k_resolved,
            "energy": (["k"], self.energies),
            "adiabatic": np.arange(n),
            "diabatic": np.arange(n),
        }

    def _packet_variables(self) -> dict[str, tuple[list[str], Any]]:
        return {
            "transmission": (["adiabatic"], self.transmission),
            "reflection": (["adiabatic"], self.reflection),
            "transmission_diabatic": (["diabatic"], self.transmission_diabatic),
            "reflection_diabatic": (["diabatic"], self.reflection_diabatic),
            "transmission_resolved": (["k", "adiabatic"], self.transmission_resolved),
            "reflection_resolved": (["k", "adiabatic"], self.reflection_resolved),
            "transmission_resolved_diabatic": (["k", "diabatic"], self.transmission_resolved_diabatic),
            "reflection_resolved_diabatic": (["k", "diabatic"], self.reflection_resolved_diabatic),
        }
