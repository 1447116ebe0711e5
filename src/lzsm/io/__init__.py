"""At the boundary: physical units (:mod:`~lzsm.io.units`), scenario files
(:mod:`~lzsm.io.scenario`, :mod:`~lzsm.io.crossings_file`), output folders
(:mod:`~lzsm.io.output`) and the ``lzsm`` command (:mod:`~lzsm.io.cli`).
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach_stub(__name__, __file__)
