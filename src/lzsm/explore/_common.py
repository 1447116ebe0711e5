"""What every page of ``lzsm explore`` shares: a view (a Bokeh figure, the dataset it shows,
its "copy as Python" text and its exports), typed fields that accept quantities with units,
and background work with a progress bar and a cancel button.

Panel and Bokeh are imported inside the functions that build widgets, so that importing the
page modules (the docstring tests do) stays cheap and ``import lzsm`` never loads them.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lzsm.errors import LzsmError, LzsmNumericalError, LzsmValueError

#: Unit systems of the crossing page: label -> (energy unit, time unit) of lzsm.io.units, or
#: None for hbar = 1 with energies and times in any consistent units.
UNIT_SYSTEMS: dict[str, tuple[str, str] | None] = {
    "ħ = 1": None,
    "GHz / ns": ("GHz", "ns"),
    "eV / fs": ("eV", "fs"),
    "atomic": ("Ha", "au"),
}


def unit_hbar(units: str) -> float:
    """hbar in the energy x time units of one of :data:`UNIT_SYSTEMS` (1 for ``'ħ = 1'``)."""
    from lzsm.io.units import UnitSystem

    if units not in UNIT_SYSTEMS:
        raise LzsmValueError(f"`units` must be one of {', '.join(UNIT_SYSTEMS)}, got {units!r}")
    pair = UNIT_SYSTEMS[units]
    return 1.0 if pair is None else UnitSystem(*pair).hbar


def unit_labels(units: str) -> dict[str, str]:
    """Axis labels' units: energy, time, sweep rate and rate (1/time) of ``units``."""
    pair = UNIT_SYSTEMS[units]
    if pair is None:
        return {"energy": "E", "time": "ħ/E", "sweep_rate": "E²/ħ", "rate": "E/ħ", "temperature": "E"}
    e, t = pair
    return {"energy": e, "time": t, "sweep_rate": f"{e}/{t}", "rate": f"1/{t}", "temperature": e}


def parse_value(text: str, dimension: str, units: str, name: str, *, low: float, high: float) -> float:
    """A typed value: a number in the page's units, or a quantity with its own unit
    (``'0.1 GHz'``, ``'2 meV'``) converted by :func:`lzsm.io.units.parse`; checked against
    ``[low, high]`` with a message that names the field, the range and the value."""
    from lzsm.io.units import UnitSystem, parse

    pair = UNIT_SYSTEMS.get(units)
    system = None if pair is None else UnitSystem(*pair)
    x = parse(text.strip(), dimension, system, name)
    if not low <= x <= high:
        raise LzsmValueError(f"`{name}` must be in [{low:g}, {high:g}], got {text.strip()!r}")
    return x


def dataset_netcdf(ds: Any) -> io.BytesIO:
    """The bytes of ``ds.to_netcdf`` (h5netcdf) for a download."""
    fd, path = tempfile.mkstemp(suffix=".nc")
    os.close(fd)
    try:
        ds.to_netcdf(path, engine="h5netcdf")
        with open(path, "rb") as f:
            return io.BytesIO(f.read())
    finally:
        os.unlink(path)


def dataset_png(ds: Any, title: str) -> io.BytesIO:
    """A PNG of a view's dataset drawn with Matplotlib (Agg): every 1-D variable as a line
    against its coordinate (one panel per coordinate), every 2-D variable as an image."""
    from matplotlib.figure import Figure

    one = [v for v in ds.data_vars if ds[v].ndim == 1]
    two = [v for v in ds.data_vars if ds[v].ndim == 2]
    dims = list(dict.fromkeys(ds[v].dims[0] for v in one))
    n = max(1, len(dims) + len(two))
    fig = Figure(figsize=(5.0 * n, 3.6), layout="constrained")
    axes = fig.subplots(1, n, squeeze=False)[0]
    for ax, dim in zip(axes, dims):
        for v in one:
            if ds[v].dims[0] == dim:
                ax.plot(ds[dim].values, ds[v].values, label=v)
        ax.set_xlabel(f"{dim} [{ds[dim].attrs['units']}]" if "units" in ds[dim].attrs else dim)
        ax.legend(fontsize=7)
    for ax, v in zip(axes[len(dims) :], two):
        d0, d1 = ds[v].dims
        mesh = ax.pcolormesh(ds[d1].values, ds[d0].values, ds[v].values, shading="auto")
        fig.colorbar(mesh, ax=ax, label=v)
        ax.set_xlabel(d1)
        ax.set_ylabel(d0)
    fig.suptitle(title)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    buf.seek(0)
    return buf


@dataclass
class View:
    """One view of a page: its Bokeh figure, a function giving the dataset it shows, and one
    giving the lzsm calls that reproduce that dataset ("copy as Python")."""

    name: str
    title: str
    figure: Any
    dataset: Callable[[], Any]
    code: Callable[[], str]
    extra: list[Any] = field(default_factory=list)
    _code_pane: Any = None

    def panel(self) -> Any:
        """The figure with its "NetCDF", "PNG" and "copy as Python" controls."""
        import panel as pn

        nc = pn.widgets.FileDownload(
            callback=lambda: dataset_netcdf(self.dataset()),
            filename=f"{self.name}.nc",
            label="NetCDF",
            color="light",
            width=110,
        )
        png = pn.widgets.FileDownload(
            callback=lambda: dataset_png(self.dataset(), self.title),
            filename=f"{self.name}.png",
            label="PNG",
            color="light",
            width=90,
        )
        code = pn.pane.Markdown("", sizing_mode="stretch_width", css_classes=["lzsm-code"])

        def show_code(_: Any = None) -> None:
            code.object = "```python\n" + self.code() + "\n```"

        toggle = pn.widgets.Toggle(label="copy as Python", color="light", width=140)

        def on_toggle(event: Any) -> None:
            if event.new:
                show_code()
            code.visible = bool(event.new)

        toggle.param.watch(on_toggle, "value")
        code.visible = False
        self._code_pane = (code, toggle)
        return pn.Column(
            pn.pane.Bokeh(self.figure, sizing_mode="stretch_width"),
            *self.extra,
            pn.Row(nc, png, toggle),
            code,
            sizing_mode="stretch_width",
            css_classes=[f"view-{self.name}"],
        )

    def refresh_code(self) -> None:
        """Redraw the "copy as Python" text if it is shown."""
        if self._code_pane is not None and self._code_pane[1].value:
            self._code_pane[0].object = "```python\n" + self.code() + "\n```"


def later(fn: Callable[[], None]) -> None:
    """Run ``fn`` on the session's next event-loop tick (at once outside a server session).

    A callback that sets other widgets, whose watchers then redraw Bokeh figures, must not do
    so from inside the event that called it: Bokeh refuses document changes made there without
    the document lock.  A next-tick callback holds that lock."""
    import panel as pn

    doc = pn.state.curdoc
    if doc is None or getattr(doc, "session_context", None) is None:
        fn()
    else:
        doc.add_next_tick_callback(fn)


def message_pane() -> Any:
    """An alert that shows one line (a bad value), hidden while there is nothing to say."""
    import panel as pn

    return pn.pane.Alert("", alert_type="danger", visible=False, css_classes=["lzsm-message"])


def show_message(pane: Any, exc: Exception | None) -> None:
    """Show the one-line message of an lzsm error (never a traceback), or hide the pane."""
    text = "" if exc is None else " ".join(str(exc).split())
    if pane.object != text:  # untouched when nothing changes: every change costs a round trip
        pane.object = text
    if pane.visible != bool(text):
        pane.visible = bool(text)


def _yield_to_sessions() -> None:
    """Lower this thread's scheduling priority (nice +10; Linux, where the nice value belongs to
    a thread and the threads it starts inherit it): background work then takes the cores only
    when the server's event loop, which redraws every session, does not need them."""
    if sys.platform != "linux":
        return
    tid = threading.get_native_id()
    try:
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + 10))
    except OSError:  # not permitted here: the work runs at the server's priority
        return


class Cancelled(LzsmError):
    """Raised inside background work when its Cancel button was pressed."""


class Background:
    """Heavy work of one browser session in a thread, with a progress bar and a Cancel button.

    ``start(work, done)`` runs ``work(report)`` in a thread; ``report(fraction)`` updates the
    bar and raises :class:`Cancelled` once Cancel was pressed.  ``done(result)`` then runs on the
    session's event loop (Bokeh's ``add_next_tick_callback``, the thread-safe way to touch a
    document); so does the bar, so other sessions are never blocked by this one's work.
    """

    def __init__(self, label: str) -> None:
        import panel as pn

        self.progress = pn.indicators.Progress(value=0, max=1000, width=260, visible=False)
        self.status = pn.pane.Str("", css_classes=["lzsm-status"])
        self._flag: threading.Event = threading.Event()
        self.cancel = pn.widgets.Button(label="Cancel", color="warning", width=90, visible=False)
        self.cancel.on_click(lambda _: self._flag.set())
        self._thread: threading.Thread | None = None
        self._doc: Any = None

    def panel(self) -> Any:
        """The progress bar, the Cancel button and the status line."""
        import panel as pn

        return pn.Row(self.progress, self.cancel, self.status)

    @property
    def busy(self) -> bool:
        """Whether work is running."""
        return self._thread is not None and self._thread.is_alive()

    def _on_loop(self, fn: Callable[[], None]) -> None:
        if self._doc is None:
            fn()
        else:
            self._doc.add_next_tick_callback(fn)

    def start(self, work: Callable[[Callable[[float], None]], Any], done: Callable[[Any], None], what: str) -> None:
        """Run ``work(report)`` in a thread (cancelling work still running), then ``done(result)``."""
        import panel as pn

        if self.busy:
            self._flag.set()
            assert self._thread is not None
            self._thread.join()
        self._flag = threading.Event()
        flag = self._flag
        self._doc = pn.state.curdoc
        self.progress.value, self.progress.visible, self.cancel.visible = 0, True, True
        self.status.object = f"computing {what}…"

        def report(fraction: float) -> None:
            if flag.is_set():
                raise Cancelled(f"{what} cancelled")
            value = int(1000 * min(max(fraction, 0.0), 1.0))

            def bar() -> None:
                self.progress.value = value

            self._on_loop(bar)

        def run() -> None:
            _yield_to_sessions()
            try:
                result = work(report)
            except Cancelled as exc:
                message = str(exc)

                def cancelled() -> None:
                    self.progress.visible, self.cancel.visible = False, False
                    self.status.object = message

                self._on_loop(cancelled)
                return
            except LzsmError as exc:
                text = " ".join(str(exc).split())

                def failed() -> None:
                    self.progress.visible, self.cancel.visible = False, False
                    self.status.object = f"error: {text}"

                self._on_loop(failed)
                return

            def finish() -> None:
                self.progress.visible, self.cancel.visible = False, False
                self.status.object = ""
                done(result)

            self._on_loop(finish)

        self._thread = threading.Thread(target=run, name=f"lzsm-explore-{what}", daemon=True)
        self._thread.start()


def fmt(x: float, digits: int = 6) -> str:
    """A number as the pages show it."""
    return f"{x:.{digits}g}"


def check_probability(p: np.ndarray, name: str) -> np.ndarray:
    """Refuse a probability outside [0, 1] (a rounding margin of 1e-9 is clipped) or a NaN."""
    arr = np.asarray(p, dtype=float)
    if not np.all(np.isfinite(arr)) or np.any(arr < -1e-9) or np.any(arr > 1 + 1e-9):
        raise LzsmNumericalError(f"`{name}` left [0, 1] or is NaN (min {np.nanmin(arr):g}, max {np.nanmax(arr):g})")
    return np.clip(arr, 0.0, 1.0)
