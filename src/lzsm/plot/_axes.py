"""One way to make a figure: every plot helper takes ``ax=None`` and asks for axes here."""

from __future__ import annotations

import sys
from typing import Any


def new_axes(
    ax: Any = None,
    ncols: int = 1,
    *,
    nrows: int = 1,
    size: tuple[float, float] | None = None,
    projection: str | None = None,
    **subplots_kw: Any,
) -> Any:
    """``ax`` itself when given, else new axes on a new figure.

    When ``matplotlib.pyplot`` is in use (a notebook, an interactive session, a script that
    imported it) the figure is a pyplot figure, so it shows inline; otherwise it is a bare
    :class:`matplotlib.figure.Figure` that leaves no global state behind (scripts, the command
    line, worker threads).  ``ncols``/``nrows`` > 1 give an array of axes; ``size`` is the
    figure size in inches (default 5 x 3.8 per panel); ``projection`` e.g. ``"3d"``; further
    keywords go to ``subplots`` (``sharey=True``...)."""
    if ax is not None:
        return ax
    if size is None:
        size = (5.0 * ncols, 3.8 * nrows)
    if projection is not None:
        subplots_kw.setdefault("subplot_kw", {})["projection"] = projection
    if "matplotlib.pyplot" in sys.modules:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(nrows, ncols, figsize=size, layout="constrained", **subplots_kw)
        return axes
    from matplotlib.figure import Figure

    return Figure(figsize=size, layout="constrained").subplots(nrows, ncols, **subplots_kw)


def axis_label(quantity: str, unit: str | None) -> str:
    """``quantity [unit]``; without a unit, ``quantity (model units)``: lzsm computes in the
    user's own units (``hbar`` from the model), which a figure cannot know unless told."""
    return f"{quantity} [{unit}]" if unit else f"{quantity} (model units)"
