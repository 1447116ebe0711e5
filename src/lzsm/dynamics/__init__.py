"""Exact time evolution: coherent, open, noisy, periodic and with explicit baths.

Schrödinger propagation and transition matrices (:mod:`~lzsm.dynamics.coherent`), the Lindblad
master equation (:mod:`~lzsm.dynamics.open`), classical noise (:mod:`~lzsm.dynamics.noise`),
Floquet analysis (:mod:`~lzsm.dynamics.floquet`), LZSM interferometry maps
(:mod:`~lzsm.dynamics.interferometry`), bosonic baths (:mod:`~lzsm.dynamics.baths`).
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach_stub(__name__, __file__)
