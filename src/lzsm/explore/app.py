"""The ``lzsm explore`` web app: one Panel (HoloViz, on Bokeh) template with a tab per page.

Panel is the framework because it is a well-kept part of the HoloViz stack on Bokeh: Bokeh
draws the figures in the browser and updates them from Python by sending only the changed
data, so a redraw after a slider moves costs the computation and little else; one server
serves many browser sessions, each with its own objects; and the same objects show inline in
Jupyter.  The pages themselves are plain Python modules of this package.
"""

from __future__ import annotations

import os
import sys
from typing import Any

#: The pages, in the order of the tabs: (module, class).
PAGES: tuple[tuple[str, str], ...] = (
    ("crossing", "CrossingPage"),
    ("interferometry", "InterferometryPage"),
    ("conical", "ConicalPage"),
    ("curves", "CurvesPage"),
    ("presets", "PresetsPage"),
)


def build() -> Any:
    """The whole app for one browser session (or one notebook cell): a tab per page."""
    import importlib

    import panel as pn

    pages: dict[str, Any] = {}
    for module, cls in PAGES:
        mod = importlib.import_module(f"lzsm.explore.{module}")
        pages[module] = getattr(mod, cls)()
    tabs = pn.Tabs(*[(page.title, page.panel()) for page in pages.values()], dynamic=False, sizing_mode="stretch_width")
    presets = pages["presets"]
    presets.connect(pages, tabs)
    index = [module for module, _ in PAGES].index("interferometry")

    def on_tab(event: Any) -> None:
        if event.new == index:
            pages["interferometry"].shown()

    tabs.param.watch(on_tab, "active")
    from lzsm._version import __version__

    header = pn.pane.Markdown(
        f"### lzsm explore {__version__}: Landau–Zener–Stückelberg–Majorana physics under your fingers",
        sizing_mode="stretch_width",
    )
    return pn.Column(header, tabs, sizing_mode="stretch_width")


def warm() -> None:
    """Run each page's computations once, so that the first browser session does not wait for
    numba to load the compiled kernels from their caches."""
    from . import conical, crossing, curves, interferometry

    crossing.compute(crossing.CrossingParameters())
    crossing.compute(crossing.CrossingParameters(dephasing=0.1))
    interferometry.compute_map(interferometry.MapParameters(resolution=16))
    interferometry.compute_trace(interferometry.MapParameters(), 1.0, 1.0)
    conical.compute_surfaces(conical.ConicalParameters())
    curves.compute_curves(curves.CurveParameters())


def in_notebook() -> bool:
    """Whether this Python runs a Jupyter kernel."""
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    ip = shell.get_ipython()
    return ip is not None and "IPKernelApp" in getattr(ip, "config", {})


def free_port() -> int:
    """A port on 127.0.0.1 that is free now (the operating system's choice)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _port_error(port: int, exc: OSError) -> Exception:
    from lzsm.errors import LzsmValueError

    return LzsmValueError(
        f"`port` {port} on 127.0.0.1 cannot be used ({exc.strerror}); give another port, or 0 for a free one"
    )


def _check_port(port: int) -> None:
    """Refuse a port that cannot be bound on 127.0.0.1 now."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError as exc:
            raise _port_error(port, exc) from None


def serve(port: int = 0, *, show: bool = True, ready: Any = None) -> None:
    """Serve the app on 127.0.0.1:``port`` (0: a free port) until interrupted (Ctrl-C).

    ``ready(url)`` is called once the server listens.  A browser opens only when ``show`` is
    true and the environment variable ``CI`` is unset.
    """
    port = port if port else free_port()
    _check_port(port)  # before the slow part: a busy port is said at once
    import panel as pn

    pn.extension(notifications=False)
    warm()
    show = show and not os.environ.get("CI")
    try:
        server = pn.serve(
            build,
            port=port,
            address="127.0.0.1",
            allow_websocket_origin=[f"127.0.0.1:{port}", f"localhost:{port}"],
            show=False,
            start=False,
            threaded=False,
            title="lzsm explore",
        )
    except OSError as exc:
        raise _port_error(port, exc) from None
    real_port = server.port
    url = f"http://127.0.0.1:{real_port}/"
    if ready is not None:
        ready(url)
    if show:
        import webbrowser

        webbrowser.open(url)
    server.start()
    try:
        server.io_loop.start()
    finally:
        server.stop()
