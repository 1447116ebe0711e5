"""Page 4 of ``lzsm explore``: a curve crossing along a nuclear coordinate x.

Tully's three models (J. Chem. Phys. 93, 1061 (1990): :class:`lzsm.TullySimple`,
:class:`lzsm.TullyDual`, :class:`lzsm.TullyExtended`, atomic units, m = 2000) or curves from a
CSV table (:meth:`lzsm.TabulatedCurves.from_csv`: columns ``x, V11, V22, V12``).  Views: the
diabatic and adiabatic curves with the non-adiabatic coupling ``d_01(x)``
(:func:`lzsm.nonadiabatic_coupling`), and the transmission and reflection probabilities per
adiabatic channel against the incident momentum k: exact (:func:`lzsm.stationary_scattering`,
coupled channels by the log-derivative method) beside fewest-switches surface hopping and
Landau–Zener surface hopping (:func:`lzsm.surface_hopping`, methods ``'fssh'`` and ``'lzsh'``),
whose statistical errors (``*_stderr``) are drawn as bars.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from lzsm.errors import LzsmValueError

from ._common import Background, View, check_probability, later, message_pane, show_message

#: The built-in models.
MODELS = ("Tully 1: simple avoided crossing", "Tully 2: dual avoided crossing", "Tully 3: extended coupling")


@dataclass(frozen=True)
class CurveParameters:
    """Controls of the curve page: the model (or a CSV table's text), the momentum range and
    the trajectories per momentum of the surface-hopping runs."""

    model: str = MODELS[0]
    k_min: float = 5.0
    k_max: float = 30.0
    n_k: int = 26
    n_trajectories: int = 200
    csv_text: str = ""

    def check(self) -> None:
        """Every value in its range (the error names the control, the range and the value)."""
        if self.model not in MODELS and self.model != "CSV":
            raise LzsmValueError(f"`model` must be one of {', '.join(MODELS)} or CSV, got {self.model!r}")
        if not (math.isfinite(self.k_min) and math.isfinite(self.k_max) and 0 < self.k_min < self.k_max):
            raise LzsmValueError(f"`k` range must satisfy 0 < k_min < k_max, got {self.k_min!r}, {self.k_max!r}")
        if not 2 <= self.n_k <= 200:
            raise LzsmValueError(f"`n_k` must be in [2, 200], got {self.n_k!r}")
        if not 10 <= self.n_trajectories <= 100000:
            raise LzsmValueError(f"`n_trajectories` must be in [10, 100000], got {self.n_trajectories!r}")
        if self.model == "CSV" and not self.csv_text.strip():
            raise LzsmValueError("`csv` is empty: upload a file with columns x, V11, V22, V12")

    @property
    def k(self) -> np.ndarray:
        """The incident momenta."""
        return np.linspace(self.k_min, self.k_max, self.n_k)


def build_model(par: CurveParameters) -> Any:
    """The lzsm curve model of the parameters."""
    import lzsm

    if par.model == MODELS[0]:
        return lzsm.TullySimple()
    if par.model == MODELS[1]:
        return lzsm.TullyDual()
    if par.model == MODELS[2]:
        return lzsm.TullyExtended()
    fd, path = tempfile.mkstemp(suffix=".csv")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(par.csv_text)
        return lzsm.TabulatedCurves.from_csv(path)
    finally:
        os.unlink(path)


def model_code(par: CurveParameters) -> str:
    """The lzsm expression of the model."""
    if par.model == "CSV":
        return "lzsm.TabulatedCurves.from_csv('curves.csv')"
    return {MODELS[0]: "lzsm.TullySimple()", MODELS[1]: "lzsm.TullyDual()", MODELS[2]: "lzsm.TullyExtended()"}[
        par.model
    ]


def compute_curves(par: CurveParameters, n: int = 401) -> dict[str, np.ndarray]:
    """Diabatic and adiabatic curves and ``d_01`` on the model's x range (Tully: [-10, 10])."""
    import lzsm

    par.check()
    model = build_model(par)
    if par.model == "CSV":
        lo, hi = float(model.x[0]), float(model.x[-1])
    else:
        lo, hi = -10.0, 10.0
    x = np.linspace(lo, hi, n)
    h = np.asarray(model.hamiltonian(x))
    e = np.asarray(lzsm.adiabatic_energies(model, x))
    d = np.asarray(lzsm.nonadiabatic_coupling(model, x))[:, 0, 1].real
    return {
        "x": x,
        "v11": h[:, 0, 0],
        "v22": h[:, 1, 1],
        "v12": h[:, 0, 1].real,
        "e0": e[:, 0],
        "e1": e[:, 1],
        "d01": d,
    }


def compute_exact(par: CurveParameters) -> dict[str, np.ndarray]:
    """Exact T and R per adiabatic channel (incoming on the lower channel from the left)."""
    import lzsm

    par.check()
    res = lzsm.stationary_scattering(build_model(par), k=par.k)
    return {
        "k": par.k,
        "transmission": check_probability(np.asarray(res.transmission), "transmission"),
        "reflection": check_probability(np.asarray(res.reflection), "reflection"),
    }


def compute_hopping(par: CurveParameters, report: Callable[[float], None] | None = None) -> dict[str, np.ndarray]:
    """FSSH and LZSH: T and R per channel and their standard errors, one momentum at a time
    (``report(fraction)`` after each: progress and cancellation)."""
    import warnings

    import lzsm

    par.check()
    model = build_model(par)
    ks = par.k
    out: dict[str, np.ndarray] = {"k": ks}
    for name in ("fssh", "lzsh"):
        for q in ("transmission", "reflection"):
            out[f"{name}_{q}"] = np.full((ks.size, 2), np.nan)
            out[f"{name}_{q}_stderr"] = np.full((ks.size, 2), np.nan)
    total = 2 * ks.size
    done = 0
    for name in ("lzsh", "fssh"):
        for i, k in enumerate(ks):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", lzsm.LzsmConvergenceWarning)  # unfinished ones are in neither T nor R
                r = lzsm.surface_hopping(
                    model, [k], method=name, n_trajectories=par.n_trajectories, seed=i, progress=False
                )
            for q in ("transmission", "reflection"):
                out[f"{name}_{q}"][i] = np.asarray(getattr(r, q))[0]
                out[f"{name}_{q}_stderr"][i] = np.asarray(getattr(r, f"{q}_stderr"))[0]
            done += 1
            if report is not None:
                report(done / total)
    return out


def python_code(par: CurveParameters, view: str) -> str:
    """The lzsm calls that reproduce a view of the curve page."""
    lines = ["import numpy as np", "import lzsm", "", f"model = {model_code(par)}"]
    if view == "curves":
        lines += [
            "x = np.linspace(-10, 10, 401)",
            "energies = lzsm.adiabatic_energies(model, x)",
            "d01 = lzsm.nonadiabatic_coupling(model, x)[:, 0, 1]",
        ]
    else:
        lines += [
            f"k = np.linspace({par.k_min!r}, {par.k_max!r}, {par.n_k})",
            "exact = lzsm.stationary_scattering(model, k=k)  # .transmission, .reflection: (k, adiabatic)",
            f"fssh = lzsm.surface_hopping(model, k, method='fssh', n_trajectories={par.n_trajectories})",
            f"lzsh = lzsm.surface_hopping(model, k, method='lzsh', n_trajectories={par.n_trajectories})",
        ]
    return "\n".join(lines)


class CurvesPage:
    """The curve-crossing page (one per browser session)."""

    title = "Curve crossing"

    def __init__(self, parameters: CurveParameters | None = None) -> None:
        import panel as pn
        from bokeh.models import ColumnDataSource, Whisker
        from bokeh.plotting import figure

        self.par = parameters or CurveParameters()
        p = self.par
        self.message = message_pane()
        self.model = pn.widgets.Select(label="model", options=[*MODELS, "CSV"], value=p.model)
        self.csv = pn.widgets.FileInput(accept=".csv", label="curves CSV (x, V11, V22, V12)")
        self.k_range = pn.widgets.RangeSlider(label="k", start=1.0, end=50.0, step=0.5, value=(p.k_min, p.k_max))
        self.n_traj = pn.widgets.IntSlider(
            label="trajectories per k", start=50, end=2000, step=50, value=p.n_trajectories
        )
        self.run_button = pn.widgets.Button(label="Run FSSH + LZSH", color="primary", width=160)
        self.background = Background("hopping")
        self.curves: dict[str, np.ndarray] | None = None
        self.exact: dict[str, np.ndarray] | None = None
        self.hopping: dict[str, np.ndarray] | None = None
        self.src_curves = ColumnDataSource(data={k: [] for k in ("x", "v11", "v22", "v12", "e0", "e1", "d01")})
        f_curves = figure(
            height=320, title="curves: diabatic (dashed), adiabatic (solid)", tools="pan,wheel_zoom,reset"
        )
        f_curves.line("x", "v11", source=self.src_curves, line_dash="dashed", color="grey")
        f_curves.line("x", "v22", source=self.src_curves, line_dash="dashed", color="grey")
        f_curves.line("x", "e0", source=self.src_curves, color="#1f77b4", legend_label="lower")
        f_curves.line("x", "e1", source=self.src_curves, color="#d62728", legend_label="upper")
        f_curves.xaxis.axis_label = "x [bohr]"
        f_nac = figure(height=320, title="non-adiabatic coupling d01(x)", tools="pan,wheel_zoom,reset")
        f_nac.line("x", "d01", source=self.src_curves, color="black")
        f_nac.xaxis.axis_label = "x [bohr]"
        cols = (
            "k",
            "t0",
            "t1",
            "r0",
            "f_t0",
            "f_t1",
            "f_r0",
            "l_t0",
            "l_t1",
            "l_r0",
            "f_t0_lo",
            "f_t0_hi",
            "l_t0_lo",
            "l_t0_hi",
        )
        self.src_tr = ColumnDataSource(data={c: [] for c in cols})
        f_tr = figure(
            height=360,
            title="T and R against k: exact (lines), FSSH (circles), LZSH (triangles)",
            y_range=(-0.02, 1.02),
            tools="pan,wheel_zoom,reset",
        )
        for key, colour, label in (
            ("t0", "#1f77b4", "T lower"),
            ("t1", "#d62728", "T upper"),
            ("r0", "#2ca02c", "R lower"),
        ):
            f_tr.line("k", key, source=self.src_tr, color=colour, legend_label=label)
            f_tr.scatter("k", f"f_{key}", source=self.src_tr, color=colour, size=6, marker="circle")
            f_tr.scatter("k", f"l_{key}", source=self.src_tr, color=colour, size=7, marker="triangle", fill_alpha=0.3)
        f_tr.add_layout(Whisker(source=self.src_tr, base="k", lower="f_t0_lo", upper="f_t0_hi", line_color="#1f77b4"))
        f_tr.xaxis.axis_label = "k [a.u.]"
        f_tr.legend.label_text_font_size = "8pt"
        f_tr.legend.location = "center_right"
        self.views = {
            "curves": View("curves", "curves", f_curves, self._curves_ds, lambda: python_code(self.par, "curves")),
            "nac": View(
                "nac", "non-adiabatic coupling", f_nac, self._curves_ds, lambda: python_code(self.par, "curves")
            ),
            "scattering": View(
                "scattering", "T and R against k", f_tr, self._tr_ds, lambda: python_code(self.par, "scattering")
            ),
        }
        self.model.param.watch(lambda _: self.update(), "value")
        self.csv.param.watch(self._on_csv, "value")
        self.k_range.param.watch(lambda _: self.update(), "value_throttled")
        self.run_button.on_click(lambda _: self.start_hopping())
        self.update()

    def _curves_ds(self) -> Any:
        import xarray as xr

        assert self.curves is not None
        c = self.curves
        return xr.Dataset(
            {k: ("x", v) for k, v in c.items() if k != "x"}, coords={"x": c["x"]}, attrs={"model": self.par.model}
        )

    def _tr_ds(self) -> Any:
        import xarray as xr

        assert self.exact is not None
        data: dict[str, Any] = {
            "exact_transmission": (("k", "adiabatic"), self.exact["transmission"]),
            "exact_reflection": (("k", "adiabatic"), self.exact["reflection"]),
        }
        if self.hopping is not None and self.hopping["k"].shape == self.exact["k"].shape:
            for key, v in self.hopping.items():
                if key != "k":
                    data[key] = (("k", "adiabatic"), v)
        ds = xr.Dataset(data, coords={"k": self.exact["k"], "adiabatic": [0, 1]}, attrs={"model": self.par.model})
        return (
            ds.sel(adiabatic=0)
            .drop_vars("adiabatic")
            .rename({v: f"{v}_lower" for v in data})
            .merge(ds.sel(adiabatic=1).drop_vars("adiabatic").rename({v: f"{v}_upper" for v in data}))
        )

    def _on_csv(self, event: Any) -> None:
        if event.new:
            try:
                text = bytes(event.new).decode("utf-8")
            except UnicodeDecodeError as exc:
                show_message(self.message, LzsmValueError(f"`csv` must be UTF-8 text: {exc}"))
                return
            self._csv_text = text

            def load() -> None:
                if self.model.value != "CSV":
                    self.model.value = "CSV"
                else:
                    self.update()

            later(load)

    def read_parameters(self) -> CurveParameters:
        """The controls' values (and the uploaded CSV's text)."""
        lo, hi = self.k_range.value
        return CurveParameters(
            model=str(self.model.value),
            k_min=float(lo),
            k_max=float(hi),
            n_trajectories=int(self.n_traj.value),
            csv_text=getattr(self, "_csv_text", ""),
        )

    def update(self) -> None:
        """Recompute the curves and the exact T and R (the model or the k range changed)."""
        try:
            par = self.read_parameters()
            curves = compute_curves(par)
            exact = compute_exact(par)
        except Exception as exc:
            show_message(self.message, exc)
            return
        show_message(self.message, None)
        self.par, self.curves, self.exact = par, curves, exact
        if self.hopping is not None and not np.array_equal(self.hopping["k"], exact["k"]):
            self.hopping = None
        self.src_curves.data = dict(curves)
        self._draw_tr()

    def _draw_tr(self) -> None:
        assert self.exact is not None
        ex, n = self.exact, self.exact["k"].size
        data = {
            "k": ex["k"],
            "t0": ex["transmission"][:, 0],
            "t1": ex["transmission"][:, 1],
            "r0": ex["reflection"][:, 0],
        }
        h = self.hopping
        for tag, name in (("f", "fssh"), ("l", "lzsh")):
            for key, q, j in (("t0", "transmission", 0), ("t1", "transmission", 1), ("r0", "reflection", 0)):
                data[f"{tag}_{key}"] = h[f"{name}_{q}"][:, j] if h is not None else np.full(n, np.nan)
            t0 = data[f"{tag}_t0"]
            err = h[f"{name}_transmission_stderr"][:, 0] if h is not None else np.full(n, np.nan)
            data[f"{tag}_t0_lo"], data[f"{tag}_t0_hi"] = t0 - err, t0 + err
        self.src_tr.data = data
        for v in self.views.values():
            v.refresh_code()

    def start_hopping(self) -> None:
        """Run FSSH and LZSH in the background (progress bar, Cancel)."""
        try:
            par = self.read_parameters()
            par.check()
        except Exception as exc:
            show_message(self.message, exc)
            return

        def done(result: dict[str, np.ndarray]) -> None:
            if self.exact is not None and np.array_equal(result["k"], self.exact["k"]):
                self.hopping = result
                self._draw_tr()

        self.background.start(lambda report: compute_hopping(par, report), done, "surface hopping")

    def panel(self) -> Any:
        """The page's layout."""
        import panel as pn

        v = self.views
        controls = pn.Column(
            self.model,
            self.csv,
            self.k_range,
            self.n_traj,
            self.run_button,
            self.background.panel(),
            self.message,
            width=300,
        )
        body = pn.Column(
            pn.Row(v["curves"].panel(), v["nac"].panel()), v["scattering"].panel(), sizing_mode="stretch_width"
        )
        return pn.Row(controls, body, sizing_mode="stretch_width")
