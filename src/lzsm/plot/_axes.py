"""One way to make a figure: every plot helper takes ``ax=None`` and asks for axes here."""

from __future__ import annotations

from typing import Any


def new_axes(ax: Any = None, ncols: int = 1, *, nrows: int = 1, size: tuple[float, float] | None = None,
             projection: str | None = None, **subplots_kw: Any) -> Any:
    """``ax`` itself when given, else new axes on a new pyplot figure (shown inline in Jupyter).

    ``ncols``/``nrows`` > 1 give an array of axes; ``size`` is the figure size in inches
    (default 5 x 3.8 per panel); ``projection`` e.g. ``"3d"``; further keywords go to
    :func:`matplotlib.pyplot.subplots` (``sharey=True``...)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    if size is None:
        size = (5.0 * ncols, 3.8 * nrows)
    if projection is not None:
        subplots_kw.setdefault("subplot_kw", {})["projection"] = projection
    _, axes = plt.subplots(nrows, ncols, figsize=size, constrained_layout=True, **subplots_kw)
    return axes
