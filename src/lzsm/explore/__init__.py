"""``lzsm explore``: the physics under your fingers, in the browser.

A local web app (Panel on Bokeh, :mod:`lzsm.explore.app`) with one page per topic, each
showing the closed forms beside the exact numbers of lzsm's own functions:

- :mod:`~lzsm.explore.crossing` — one Landau–Zener crossing (levels, populations, Bloch
  vector, non-adiabatic coupling, P against delta);
- :mod:`~lzsm.explore.interferometry` — LZSM interferometry maps, a pixel's trace and
  quasienergies, the double passage and its Stückelberg phase;
- :mod:`~lzsm.explore.conical` — the E x e conical intersection, Berry phases of loops,
  vibronic levels with and without the geometric phase;
- :mod:`~lzsm.explore.curves` — a curve crossing (Tully's models or a CSV table): curves,
  NAC, and T and R against k (exact, FSSH, LZSH);
- :mod:`~lzsm.explore.presets` — applications as presets.

``lzsm explore`` (the command) and ``lzsm.explore()`` (Python) start it; in Jupyter,
``lzsm.explore()`` returns the app to show inline.  Panel is imported only when the app is
built, so ``import lzsm`` stays fast.
"""

from __future__ import annotations

import sys
import types
from typing import Any


def explore(port: int = 0, *, show: bool = True) -> Any:
    """Start ``lzsm explore``: in Jupyter, return the app to display inline; elsewhere serve it
    on ``http://127.0.0.1:port/`` (``port=0``: a free port) until interrupted, opening a
    browser when ``show`` is true and ``CI`` is unset.

    ``lzsm.explore(...)`` is this function (the package is callable).

    Examples
    --------
    >>> import lzsm
    >>> callable(lzsm.explore)  # the package is the function too
    True
    """
    from lzsm import _checks

    port = _checks.integer(port, "port", low=0, high=65535)
    from . import app

    if app.in_notebook():
        import panel as pn

        pn.extension()
        return app.build()
    app.serve(port, show=show, ready=lambda url: print(f"lzsm explore: {url}  (Ctrl-C stops it)", flush=True))
    return None


class _CallableModule(types.ModuleType):
    """``lzsm.explore`` is both this package and the function :func:`explore`."""

    def __call__(self, port: int = 0, *, show: bool = True) -> Any:
        return explore(port, show=show)


sys.modules[__name__].__class__ = _CallableModule
