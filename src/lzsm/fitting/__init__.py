"""From measurement to parameters: least-squares fits of lzsm's forward models to measured
probabilities (``lzsm.fit`` is the public face).

One module per kind of measurement — :mod:`~lzsm.fitting.passage` (single passages),
:mod:`~lzsm.fitting.stueckelberg` (double passages), :mod:`~lzsm.fitting.spectroscopy`
(amplitude-spectroscopy maps), :mod:`~lzsm.fitting.feshbach` (Feshbach association) — and the
shared data reader, engine and result in :mod:`~lzsm.fitting.engine`.
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach_stub(__name__, __file__)
