"""Figures. Every helper takes ``ax=None`` and returns the axes.

One crossing and multi-level sweeps (:mod:`~lzsm.plot.crossing`), dephasing and noise
(:mod:`~lzsm.plot.environment`), interferometry maps (:mod:`~lzsm.plot.interferometry`),
molecules (:mod:`~lzsm.plot.molecules`), geometry (:mod:`~lzsm.plot.geometry`).
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach_stub(__name__, __file__)
