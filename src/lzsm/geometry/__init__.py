"""Where levels meet: crossings and symmetry, conical intersections, Berry phases and what the
geometric phase does to vibronic levels.

:mod:`~lzsm.geometry.crossings` (the non-crossing rule along a path),
:mod:`~lzsm.geometry.conical` (intersections, seams, branching space),
:mod:`~lzsm.geometry.berry`, :mod:`~lzsm.geometry.vibronic`.
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach_stub(__name__, __file__)
