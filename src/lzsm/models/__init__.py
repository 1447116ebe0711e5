"""Hamiltonians in the diabatic basis, and the adiabatic picture of any of them.

Two-level crossings (:mod:`~lzsm.models.two_level`), periodic drives and double passages
(:mod:`~lzsm.models.drives`), N-level linear sweeps and spin-j (:mod:`~lzsm.models.multilevel`),
switched pulses (:mod:`~lzsm.models.pulses`), potential curves along a nuclear coordinate
(:mod:`~lzsm.models.curves`), surfaces in f coordinates (:mod:`~lzsm.models.surfaces`); the
common base (:mod:`~lzsm.models.base`) and the adiabatic picture (:mod:`~lzsm.models.adiabatic`).
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach_stub(__name__, __file__)
