"""Molecules at a curve crossing: semiclassical Landau–Zener, exact wavepackets, stationary
scattering, surface hopping and diabatisation.

:mod:`~lzsm.molecules.semiclassical`, :mod:`~lzsm.molecules.wavepackets` (split-operator engine),
:mod:`~lzsm.molecules.scattering` (wavepacket scattering driver),
:mod:`~lzsm.molecules.stationary` (coupled channels),
:mod:`~lzsm.molecules.averaged` (stationary results averaged over a packet), :mod:`~lzsm.molecules.surface_hopping`
(FSSH, LZSH, Ehrenfest), :mod:`~lzsm.molecules.diabatization`.
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach_stub(__name__, __file__)
