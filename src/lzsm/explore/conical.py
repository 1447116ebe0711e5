"""Page 3 of ``lzsm explore``: the E x e conical intersection.

The model is :class:`lzsm.JahnTellerExE`,
``V(q) = (omega/2)|q|^2 + k [[q_x, q_y], [q_y, -q_x]] (+ g quadratic terms)``, whose two sheets
meet at q = 0 (and, with g != 0, at three more points).  A loop (a circle: tap the surface to
move its centre, sliders for the centre and radius) gets its Berry phase from
:func:`lzsm.berry_phase` (Pancharatnam's discrete formula): ``pi`` mod ``2 pi`` when it encircles
an odd number of intersections, 0 otherwise (Longuet-Higgins, Proc. R. Soc. A 344, 147 (1975);
Berry, Proc. R. Soc. A 392, 45 (1984)).  The vibronic levels are
:func:`lzsm.geometric_phase_comparison`: the exact two-sheet levels beside single-surface
levels with half-integer (with the geometric phase) and integer (without) pseudo-rotation
quantum numbers (Mead & Truhlar, J. Chem. Phys. 70, 2284 (1979)).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from lzsm.errors import LzsmValueError

from ._common import View, fmt, later, message_pane, show_message


@dataclass(frozen=True)
class ConicalParameters:
    """Controls of the conical page: the model's k, omega, g and the loop's centre and radius."""

    k: float = 2.0
    omega: float = 1.0
    g: float = 0.0
    centre_x: float = 0.5
    centre_y: float = 0.0
    radius: float = 1.0
    extent: float = 4.0
    n_levels: int = 8

    def check(self) -> None:
        """Every value in its range (the error names the control, the range and the value)."""
        for name in ("k", "omega", "radius", "extent"):
            x = getattr(self, name)
            if not (math.isfinite(x) and x > 0):
                raise LzsmValueError(f"`{name}` must be finite and > 0, got {x!r}")
        for name in ("g", "centre_x", "centre_y"):
            if not math.isfinite(getattr(self, name)):
                raise LzsmValueError(f"`{name}` must be finite, got {getattr(self, name)!r}")
        if not 1 <= self.n_levels <= 30:
            raise LzsmValueError(f"`n_levels` must be in [1, 30], got {self.n_levels!r}")

    def model(self) -> Any:
        """The :class:`lzsm.JahnTellerExE` of these parameters."""
        import lzsm

        return lzsm.JahnTellerExE(k=self.k, omega=self.omega, g=self.g)


def compute_surfaces(par: ConicalParameters, n: int = 81) -> dict[str, np.ndarray]:
    """The two adiabatic sheets on an n x n grid of ``(q_x, q_y)`` in ``[-extent, extent]^2``
    and along the q_x axis."""
    par.check()
    model = par.model()
    q1 = np.linspace(-par.extent, par.extent, n)
    qx, qy = np.meshgrid(q1, q1, indexing="xy")
    e = np.asarray(model.energies(np.stack([qx, qy], axis=-1)))
    cut = np.asarray(model.energies(np.stack([q1, np.zeros_like(q1)], axis=-1)))
    return {"q": q1, "lower": e[..., 0], "upper": e[..., 1], "cut_lower": cut[:, 0], "cut_upper": cut[:, 1]}


def compute_berry(par: ConicalParameters) -> dict[str, Any]:
    """Berry phase of the lower sheet around the current circle, and which intersections it
    encloses (from the model's ``intersections()``)."""
    import lzsm

    par.check()
    model = par.model()
    res = lzsm.berry_phase(model, lzsm.circle_loop((par.centre_x, par.centre_y), par.radius), state=0)
    points = np.atleast_2d(np.asarray(model.intersections()))
    inside = np.hypot(points[:, 0] - par.centre_x, points[:, 1] - par.centre_y) < par.radius
    return {
        "phase_over_pi": float(np.asarray(res.phase_over_pi)),
        "enclosed": int(np.count_nonzero(inside)),
        "intersections": points,
        "min_gap": float(np.asarray(res.min_gap)),
    }


def compute_levels(par: ConicalParameters) -> Any:
    """Exact vibronic levels and single-surface levels with and without the geometric phase."""
    import lzsm

    par.check()
    return lzsm.geometric_phase_comparison(par.k, par.omega, n_levels=par.n_levels).to_xarray()


def python_code(par: ConicalParameters, view: str) -> str:
    """The lzsm calls that reproduce a view of the conical page."""
    lines = [
        "import numpy as np",
        "import lzsm",
        "",
        f"model = lzsm.JahnTellerExE(k={par.k!r}, omega={par.omega!r}, g={par.g!r})",
    ]
    if view == "surfaces":
        lines += [
            f"q = np.linspace({-par.extent!r}, {par.extent!r}, 81)",
            "qx, qy = np.meshgrid(q, q)",
            "e = model.energies(np.stack([qx, qy], axis=-1))  # (81, 81, 2): lower and upper sheets",
            f"loop = lzsm.circle_loop(({par.centre_x!r}, {par.centre_y!r}), {par.radius!r})",
            "print(lzsm.berry_phase(model, loop, state=0).phase_over_pi)",
        ]
    else:
        lines += [
            f"levels = lzsm.geometric_phase_comparison({par.k!r}, {par.omega!r}, n_levels={par.n_levels}).to_xarray()"
        ]
    return "\n".join(lines)


class ConicalPage:
    """The conical-intersection page (one per browser session)."""

    title = "Conical intersection"

    def __init__(self, parameters: ConicalParameters | None = None) -> None:
        import panel as pn
        from bokeh.models import ColumnDataSource, LinearColorMapper
        from bokeh.plotting import figure

        self.par = parameters or ConicalParameters()
        p = self.par
        self.message = message_pane()
        self.k = pn.widgets.FloatSlider(label="k (linear coupling)", start=0.1, end=4.0, step=0.1, value=p.k)
        self.omega = pn.widgets.FloatSlider(label="ω", start=0.2, end=3.0, step=0.1, value=p.omega)
        self.g = pn.widgets.FloatSlider(label="g (quadratic coupling)", start=-0.5, end=0.5, step=0.01, value=p.g)
        self.cx = pn.widgets.FloatSlider(label="loop centre q_x", start=-4.0, end=4.0, step=0.05, value=p.centre_x)
        self.cy = pn.widgets.FloatSlider(label="loop centre q_y", start=-4.0, end=4.0, step=0.05, value=p.centre_y)
        self.radius = pn.widgets.FloatSlider(label="loop radius", start=0.05, end=4.0, step=0.05, value=p.radius)
        self.readout = pn.pane.HTML("", css_classes=["lzsm-berry"])
        self.levels_readout = pn.pane.HTML("", css_classes=["lzsm-levels"])
        self.cmap = LinearColorMapper(palette="Cividis256")
        self.src_surf = ColumnDataSource(data={"image": [], "x": [], "y": [], "dw": [], "dh": []})
        self.src_loop = ColumnDataSource(data={"x": [], "y": []})
        self.src_centre = ColumnDataSource(data={"x": [p.centre_x], "y": [p.centre_y]})
        self.src_ci = ColumnDataSource(data={"x": [], "y": []})
        f_surf = figure(
            height=380,
            width=400,
            title="lower sheet; drag or tap to move the loop",
            tools="tap,wheel_zoom,reset",
            match_aspect=True,
        )
        f_surf.image("image", "x", "y", "dw", "dh", source=self.src_surf, color_mapper=self.cmap)
        f_surf.line("x", "y", source=self.src_loop, color="white", line_width=2)
        f_surf.scatter("x", "y", source=self.src_centre, size=10, color="white")
        f_surf.scatter("x", "y", source=self.src_ci, marker="x", size=12, color="#ff4040", line_width=2)
        f_surf.xaxis.axis_label, f_surf.yaxis.axis_label = "q_x", "q_y"
        # no pan tool on this figure: a drag moves the loop's centre with the pointer
        for gesture in ("tap", "pan", "panend"):
            f_surf.on_event(gesture, self._on_tap)
        self.src_cut = ColumnDataSource(data={"q": [], "lo": [], "up": []})
        f_cut = figure(height=380, title="both sheets along q_x (q_y = 0)", tools="pan,wheel_zoom,reset")
        f_cut.line("q", "lo", source=self.src_cut, color="#1f77b4", legend_label="lower")
        f_cut.line("q", "up", source=self.src_cut, color="#d62728", legend_label="upper")
        f_cut.xaxis.axis_label = "q_x"
        self.src_lev = ColumnDataSource(data={"x0": [], "x1": [], "e": [], "c": []})
        f_lev = figure(
            height=380,
            title="vibronic levels: exact | with GP | without GP",
            tools="pan,wheel_zoom,reset",
            x_range=(-0.2, 3.2),
        )
        f_lev.segment("x0", "e", "x1", "e", source=self.src_lev, color="c", line_width=2)
        f_lev.yaxis.axis_label = "E / ħω"
        self.surfaces: dict[str, np.ndarray] | None = None
        self.berry: dict[str, Any] | None = None
        self.levels: Any = None
        self.views = {
            "surfaces": View(
                "surfaces", "E x e sheets", f_surf, self._surf_ds, lambda: python_code(self.par, "surfaces")
            ),
            "cut": View("cut", "sheets along q_x", f_cut, self._surf_ds, lambda: python_code(self.par, "surfaces")),
            "levels": View(
                "levels", "vibronic levels", f_lev, lambda: self.levels, lambda: python_code(self.par, "levels")
            ),
        }
        for w in (self.k, self.omega, self.g):
            w.param.watch(lambda _: self.update(model=True), "value")
        for w in (self.cx, self.cy, self.radius):
            w.param.watch(lambda _: self.update(model=False), "value")
        self.update(model=True)

    def _surf_ds(self) -> Any:
        import xarray as xr

        assert self.surfaces is not None and self.berry is not None
        s = self.surfaces
        return xr.Dataset(
            {
                "lower": (("q_y", "q_x"), s["lower"]),
                "upper": (("q_y", "q_x"), s["upper"]),
                "cut_lower": ("q_x", s["cut_lower"]),
                "cut_upper": ("q_x", s["cut_upper"]),
            },
            coords={"q_x": s["q"], "q_y": s["q"]},
            attrs={
                **{k: str(v) for k, v in self.par.__dict__.items()},
                "berry_phase_over_pi": self.berry["phase_over_pi"],
            },
        )

    def _on_tap(self, event: Any) -> None:
        if event.x is None or event.y is None:
            return
        x, y = float(event.x), float(event.y)
        later(lambda: self.move_loop(x, y))

    def move_loop(self, x: float, y: float) -> None:
        """Put the loop's centre at (x, y) (a tap or a drag)."""
        self.cx.value, self.cy.value = x, y

    def read_parameters(self) -> ConicalParameters:
        """The controls' values."""
        return ConicalParameters(
            k=float(self.k.value),
            omega=float(self.omega.value),
            g=float(self.g.value),
            centre_x=float(self.cx.value),
            centre_y=float(self.cy.value),
            radius=float(self.radius.value),
        )

    def update(self, model: bool = True) -> None:
        """Redraw: the sheets and levels when the model changed, the loop and its phase always."""
        try:
            par = self.read_parameters()
            if model or self.surfaces is None:
                self.surfaces = compute_surfaces(par)
                self.levels = compute_levels(par)
            self.berry = compute_berry(par)
        except Exception as exc:
            show_message(self.message, exc)
            return
        show_message(self.message, None)
        self.par = par
        s = self.surfaces
        self.src_surf.data = {
            "image": [s["lower"]],
            "x": [-par.extent],
            "y": [-par.extent],
            "dw": [2 * par.extent],
            "dh": [2 * par.extent],
        }
        self.src_cut.data = {"q": s["q"], "lo": s["cut_lower"], "up": s["cut_upper"]}
        ang = np.linspace(0, 2 * np.pi, 121)
        self.src_loop.data = {
            "x": par.centre_x + par.radius * np.cos(ang),
            "y": par.centre_y + par.radius * np.sin(ang),
        }
        if list(self.src_centre.data["x"]) != [par.centre_x] or list(self.src_centre.data["y"]) != [par.centre_y]:
            self.src_centre.data = {"x": [par.centre_x], "y": [par.centre_y]}
        pts = self.berry["intersections"]
        self.src_ci.data = {"x": pts[:, 0], "y": pts[:, 1]}
        lv = self.levels
        cols = [("exact", "black"), ("with_geometric_phase", "#2ca02c"), ("without_geometric_phase", "#d62728")]
        x0, x1, e, c = [], [], [], []
        for i, (name, colour) in enumerate(cols):
            vals = np.asarray(lv[name])  # in units of hbar omega
            x0 += [i + 0.1] * vals.size
            x1 += [i + 0.9] * vals.size
            e += list(vals)
            c += [colour] * vals.size
        self.src_lev.data = {"x0": x0, "x1": x1, "e": e, "c": c}
        b = self.berry
        self.readout.object = (
            f"Berry phase of the lower sheet around the loop: <b class='berry'>{fmt(b['phase_over_pi'], 6)} π</b> "
            f"(encloses {b['enclosed']} intersection{'s' if b['enclosed'] != 1 else ''}: expected "
            f"{'π' if b['enclosed'] % 2 else '0'} mod 2π); smallest gap on the loop {fmt(b['min_gap'], 3)}"
        )
        self.levels_readout.object = (
            f"largest deviation from the exact levels: with the geometric phase "
            f"<b class='with-gp'>{fmt(float(lv.attrs['max_error_with_geometric_phase']), 3)}</b> ħω, without "
            f"<b class='without-gp'>{fmt(float(lv.attrs['max_error_without_geometric_phase']), 3)}</b> ħω"
            if "max_error_with_geometric_phase" in lv.attrs
            else ""
        )
        for v in self.views.values():
            v.refresh_code()

    def panel(self) -> Any:
        """The page's layout."""
        import panel as pn

        v = self.views
        controls = pn.Column(self.k, self.omega, self.g, self.cx, self.cy, self.radius, self.message, width=300)
        body = pn.Column(
            self.readout,
            pn.Row(v["surfaces"].panel(), v["cut"].panel()),
            self.levels_readout,
            v["levels"].panel(),
            sizing_mode="stretch_width",
        )
        return pn.Row(controls, body, sizing_mode="stretch_width")
