"""Progress bars for long runs: ``tqdm.auto`` (terminal or Jupyter), one policy everywhere.

``progress=True`` always shows a bar, ``False`` never, ``None`` (the default of every front
door) shows one only for long runs (more work than ``auto_above`` units) and only when the
output is a terminal or a notebook (tqdm's ``disable=None``).
"""

from __future__ import annotations

from typing import Any


def progress_bar(
    total: float, progress: bool | None, *, desc: str, unit: str = "point", auto_above: float = 0.0, **kwargs: Any
) -> Any:
    """A ``tqdm.auto.tqdm`` bar (use as a context manager; ``.update(n)`` as work completes)."""
    from tqdm.auto import tqdm

    if progress is False or (progress is None and total <= auto_above):
        disable: bool | None = True
    elif progress is True:
        disable = False
    else:
        disable = None
    return tqdm(total=total, disable=disable, desc=desc, unit=unit, **kwargs)
