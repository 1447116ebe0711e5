"""Page 1 of ``lzsm explore``: one Landau–Zener crossing, with its closed forms beside the
exact numbers.

The model is :class:`lzsm.LandauZener`, ``H(t) = [[alpha t/2, V], [V, -alpha t/2]]``
(docs/conventions.md), propagated over the window ``[-T, T]`` by :func:`lzsm.evolve`, or by
:func:`lzsm.evolve_open` when a dephasing rate ``gamma_phi`` or a relaxation time ``T1`` is set.
Beside it: ``P_LZ = exp(-2 pi V^2/(hbar |alpha|))`` (Zener 1932), the exact finite-window value
:func:`lzsm.finite_time_p_diabatic_stay` (Vitanov & Garraway 1996), and in the dephased case
Kayanuma's strong-dephasing limit ``(1 + exp(-4 pi delta))/2`` (J. Phys. Soc. Jpn. 53, 108
(1984)).  The non-adiabatic coupling is compared with its Lorentzian
``d_01 = (alpha/4V) / (1 + (alpha t / 2V)^2)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from lzsm.errors import LzsmValueError

from ._common import (
    UNIT_SYSTEMS,
    View,
    check_probability,
    fmt,
    later,
    message_pane,
    parse_value,
    show_message,
    unit_hbar,
    unit_labels,
)

#: Choices of the initial state (the grammar of :func:`lzsm._checks.initial_state`).
INITIAL_STATES = ("diabatic 0", "diabatic 1", "lower", "upper")
#: Style of the read-out table (it sits in the Div's shadow root, out of reach of page styles).
_READOUT_CSS = ".lzsm-p td { padding: 1px 10px; font-family: monospace; } .lzsm-p td.value { font-weight: bold; }"
#: Points of the time grid over the window.
N_TIMES = 301


@dataclass(frozen=True)
class CrossingParameters:
    """The controls of the crossing page, in the units of ``units`` (:data:`UNIT_SYSTEMS`).

    ``t1 = inf`` means no relaxation; ``temperature`` is ``k_B T`` in energy units."""

    coupling: float = 0.5
    sweep_rate: float = 1.0
    window: float = 20.0
    initial: str = "diabatic 0"
    dephasing: float = 0.0
    t1: float = math.inf
    temperature: float = 0.0
    units: str = "ħ = 1"

    def check(self) -> None:
        """Every value in its range; the error names the control, the range and the value."""
        for name, value, low in (("coupling", self.coupling, 0.0), ("window", self.window, 0.0)):
            if not (math.isfinite(value) and value > low):
                raise LzsmValueError(f"`{name}` must be finite and > 0, got {value!r}")
        if not (math.isfinite(self.sweep_rate) and self.sweep_rate != 0):
            raise LzsmValueError(f"`sweep_rate` must be finite and nonzero, got {self.sweep_rate!r}")
        if not (math.isfinite(self.dephasing) and self.dephasing >= 0):
            raise LzsmValueError(f"`dephasing` must be finite and >= 0, got {self.dephasing!r}")
        if not self.t1 > 0:
            raise LzsmValueError(f"`t1` must be > 0 (inf: no relaxation), got {self.t1!r}")
        if not (math.isfinite(self.temperature) and self.temperature >= 0):
            raise LzsmValueError(f"`temperature` must be finite and >= 0, got {self.temperature!r}")
        if self.initial not in INITIAL_STATES:
            raise LzsmValueError(f"`initial` must be one of {', '.join(INITIAL_STATES)}, got {self.initial!r}")
        unit_hbar(self.units)

    @property
    def hbar(self) -> float:
        """hbar of the unit system."""
        return unit_hbar(self.units)

    @property
    def open(self) -> bool:
        """Whether the environment is on (then :func:`lzsm.evolve_open` propagates)."""
        return self.dephasing > 0 or math.isfinite(self.t1)

    @property
    def delta(self) -> float:
        """Adiabaticity ``delta = V^2 / (hbar |alpha|)``."""
        return self.coupling**2 / (self.hbar * abs(self.sweep_rate))


@dataclass
class CrossingState:
    """Everything the crossing page shows for one set of parameters."""

    parameters: CrossingParameters
    t: np.ndarray
    diabatic_energies: np.ndarray  # (t, 2)
    adiabatic_energies: np.ndarray  # (t, 2)
    character: np.ndarray  # (t, 2): weight of diabatic |0> in adiabatic state n
    populations: np.ndarray  # (t, 2) diabatic
    adiabatic_populations: np.ndarray  # (t, 2)
    bloch: np.ndarray  # (t, 3)
    nac: np.ndarray  # (t,) d_01
    nac_lorentzian: np.ndarray  # (t,)
    p_exact: float  # p_diabatic_stay of the run over the window
    p_lz: float  # P_LZ (t = ±inf)
    p_finite: float  # exact closed form over the window (coherent, diabatic start), else NaN
    p_kayanuma: float  # strong-dephasing limit (open runs), else NaN
    error_estimate: float

    def summary(self) -> dict[str, float]:
        """The numbers of the page's read-out."""
        return {
            "delta": self.parameters.delta,
            "p_diabatic_stay": self.p_exact,
            "p_lz": self.p_lz,
            "p_finite_window": self.p_finite,
            "p_kayanuma": self.p_kayanuma,
        }


def compute(par: CrossingParameters) -> CrossingState:
    """Run the crossing: adiabatic picture, exact (or Lindblad) propagation, closed forms."""
    import lzsm

    par.check()
    hbar = par.hbar
    model = lzsm.LandauZener(par.coupling, par.sweep_rate, hbar=hbar)
    t = np.linspace(-par.window, par.window, N_TIMES)
    energies = lzsm.adiabatic_energies(model, t)
    character = lzsm.diabatic_character(model, t)[:, 0, :]  # weight of |0> in each adiabatic state
    nac = np.abs(lzsm.nonadiabatic_coupling(model, t)[:, 0, 1])  # its sign is the states' phase convention
    a, v = abs(par.sweep_rate), par.coupling
    lorentz = (a / (4 * v)) / (1 + (a * t / (2 * v)) ** 2)
    diabatic = np.stack([par.sweep_rate * t / 2, -par.sweep_rate * t / 2], axis=-1)
    if par.open:
        run: Any = lzsm.evolve_open(
            model,
            (-par.window, par.window),
            par.initial,
            t,
            dephasing=par.dephasing,
            relaxation=0.0 if math.isinf(par.t1) else 1.0 / par.t1,
            temperature=par.temperature,
        )
        rho = np.asarray(run.rho)
        bloch = np.stack([2 * rho[:, 0, 1].real, -2 * rho[:, 0, 1].imag, (rho[:, 0, 0] - rho[:, 1, 1]).real], axis=-1)
    else:
        run = lzsm.evolve(model, (-par.window, par.window), par.initial, t)
        c = np.asarray(run.amplitudes)
        c01 = np.conj(c[:, 0]) * c[:, 1]
        bloch = np.stack([2 * c01.real, 2 * c01.imag, np.abs(c[:, 0]) ** 2 - np.abs(c[:, 1]) ** 2], axis=-1)
    populations = check_probability(np.asarray(run.populations), "populations")
    adiabatic_populations = check_probability(np.asarray(run.adiabatic_populations), "adiabatic_populations")
    p_exact = float(check_probability(np.asarray(run.p_diabatic_stay), "p_diabatic_stay"))
    p_lz = float(lzsm.lz_probability(par.coupling, par.sweep_rate, hbar))
    p_finite = math.nan
    if not par.open and par.initial.startswith("diabatic"):
        p_finite = float(
            lzsm.finite_time_p_diabatic_stay(
                par.coupling, par.sweep_rate, par.window, -par.window, initial=int(par.initial[-1]), hbar=hbar
            )
        )
    p_kay = float(lzsm.kayanuma_p_diabatic_stay(par.coupling, par.sweep_rate, hbar)) if par.open else math.nan
    return CrossingState(
        parameters=par,
        t=t,
        diabatic_energies=diabatic,
        adiabatic_energies=np.asarray(energies),
        character=np.asarray(character),
        populations=populations,
        adiabatic_populations=adiabatic_populations,
        bloch=bloch,
        nac=nac,
        nac_lorentzian=lorentz,
        p_exact=p_exact,
        p_lz=p_lz,
        p_finite=p_finite,
        p_kayanuma=p_kay,
        error_estimate=float(np.nanmax(np.asarray(run.error_estimate))),
    )


def p_vs_delta(par: CrossingParameters, n: int = 200) -> dict[str, np.ndarray]:
    """P against delta: ``P_LZ = exp(-2 pi delta)``, the golden-rule (fast) limit
    ``1 - 2 pi delta`` (where it is >= 0), the adiabatic limit 0, and Kayanuma's dephased limit
    ``(1 + exp(-4 pi delta))/2``."""
    top = max(1.0, 2.0 * par.delta)
    delta = np.linspace(0.0, top, n)
    return {
        "delta": delta,
        "p_lz": np.exp(-2 * np.pi * delta),
        "golden_rule": np.where(delta < 1 / (2 * np.pi), 1 - 2 * np.pi * delta, np.nan),
        "kayanuma": (1 + np.exp(-4 * np.pi * delta)) / 2,
    }


def python_code(par: CrossingParameters, view: str) -> str:
    """The lzsm calls that reproduce a view of the crossing page."""
    hbar = par.hbar
    lines = [
        "import numpy as np",
        "import lzsm",
        "",
        f"model = lzsm.LandauZener(coupling={par.coupling!r}, sweep_rate={par.sweep_rate!r}, hbar={hbar!r})  # units: {par.units}",
        f"t = np.linspace({-par.window!r}, {par.window!r}, {N_TIMES})",
    ]
    if view == "levels":
        lines += [
            "energies = lzsm.adiabatic_energies(model, t)  # (t, 2), ascending",
            "character = lzsm.diabatic_character(model, t)[:, 0, :]  # weight of diabatic |0>",
        ]
    elif view == "nac":
        lines += ["d01 = abs(lzsm.nonadiabatic_coupling(model, t)[:, 0, 1])"]
    elif view == "p_delta":
        lines += [
            "delta = np.linspace(0, 1, 200)",
            "p_lz = np.exp(-2 * np.pi * delta)  # = lzsm.lz_probability(V, alpha, hbar) at delta = V^2/(hbar alpha)",
            f"print(lzsm.lz_probability({par.coupling!r}, {par.sweep_rate!r}, {hbar!r}))",
            f"print(lzsm.kayanuma_p_diabatic_stay({par.coupling!r}, {par.sweep_rate!r}, {hbar!r}))",
        ]
    else:
        if par.open:
            relax = 0.0 if math.isinf(par.t1) else 1.0 / par.t1
            lines += [
                f"run = lzsm.evolve_open(model, ({-par.window!r}, {par.window!r}), {par.initial!r}, t, "
                f"dephasing={par.dephasing!r}, relaxation={relax!r}, temperature={par.temperature!r})",
            ]
        else:
            lines += [f"run = lzsm.evolve(model, ({-par.window!r}, {par.window!r}), {par.initial!r}, t)"]
        lines += ["print(float(run.p_diabatic_stay))", "ds = run.to_xarray()"]
    return "\n".join(lines)


def datasets(state: CrossingState) -> dict[str, Any]:
    """The data of each view as an xarray Dataset (what "NetCDF" exports)."""
    import xarray as xr

    par = state.parameters
    u = unit_labels(par.units)
    t = xr.Variable("t", state.t, {"units": u["time"]})
    attrs = {k: str(v) for k, v in par.__dict__.items()}
    out = {
        "levels": xr.Dataset(
            {
                "diabatic_0": ("t", state.diabatic_energies[:, 0]),
                "diabatic_1": ("t", state.diabatic_energies[:, 1]),
                "adiabatic_lower": ("t", state.adiabatic_energies[:, 0]),
                "adiabatic_upper": ("t", state.adiabatic_energies[:, 1]),
                "lower_weight_of_diabatic_0": ("t", state.character[:, 0]),
            },
            coords={"t": t},
            attrs=attrs,
        ),
        "populations": xr.Dataset(
            {
                "diabatic_0": ("t", state.populations[:, 0]),
                "diabatic_1": ("t", state.populations[:, 1]),
                "adiabatic_lower": ("t", state.adiabatic_populations[:, 0]),
                "adiabatic_upper": ("t", state.adiabatic_populations[:, 1]),
            },
            coords={"t": t},
            attrs=attrs,
        ),
        "bloch": xr.Dataset(
            {"x": ("t", state.bloch[:, 0]), "y": ("t", state.bloch[:, 1]), "z": ("t", state.bloch[:, 2])},
            coords={"t": t},
            attrs=attrs,
        ),
        "nac": xr.Dataset(
            {"d01": ("t", state.nac), "lorentzian": ("t", state.nac_lorentzian)}, coords={"t": t}, attrs=attrs
        ),
    }
    curve = p_vs_delta(par)
    out["p_delta"] = xr.Dataset(
        {k: ("delta", v) for k, v in curve.items() if k != "delta"},
        coords={"delta": curve["delta"]},
        attrs={**attrs, **{k: v for k, v in state.summary().items() if math.isfinite(v)}},
    )
    return out


def _project(xyz: np.ndarray, azimuth: float = 0.6, elevation: float = 0.35) -> tuple[np.ndarray, np.ndarray]:
    """Orthographic projection of Bloch-sphere points seen from (azimuth, elevation)."""
    x, y, z = xyz[..., 0], xyz[..., 1], xyz[..., 2]
    ca, sa, ce, se = math.cos(azimuth), math.sin(azimuth), math.cos(elevation), math.sin(elevation)
    u = -sa * x + ca * y
    w = -se * (ca * x + sa * y) + ce * z
    return u, w


class CrossingPage:
    """The crossing page's widgets, figures and callbacks (one per browser session)."""

    title = "A crossing"

    def __init__(self, parameters: CrossingParameters | None = None) -> None:
        import panel as pn
        from bokeh.models import ColumnDataSource, Div, LinearColorMapper
        from bokeh.plotting import figure

        self.par = parameters or CrossingParameters()
        p = self.par
        self.message = message_pane()
        self.units = pn.widgets.Select(label="units", options=list(UNIT_SYSTEMS), value=p.units)
        self.coupling = pn.widgets.FloatSlider(label="V", start=0.01, end=2.0, step=0.01, value=p.coupling)
        self.sweep_rate = pn.widgets.FloatSlider(label="α", start=-5.0, end=5.0, step=0.05, value=p.sweep_rate)
        self.window = pn.widgets.FloatSlider(
            label="window T (t from -T to T)", start=2.0, end=100.0, step=1.0, value=p.window
        )
        self.initial = pn.widgets.Select(label="initial state", options=list(INITIAL_STATES), value=p.initial)
        self.dephasing = pn.widgets.FloatSlider(
            label="γφ (dephasing rate)", start=0.0, end=2.0, step=0.01, value=p.dephasing
        )
        self.t1 = pn.widgets.TextInput(label="T1 (relaxation time; inf: none)", value="inf")
        self.temperature = pn.widgets.FloatSlider(label="k_B T", start=0.0, end=2.0, step=0.01, value=p.temperature)
        self.v_text = pn.widgets.TextInput(
            label="V (type a value, units allowed)", value="", placeholder="e.g. 0.3 or '0.1 GHz'"
        )
        self.a_text = pn.widgets.TextInput(label="α (type a value)", value="", placeholder="e.g. 2 or '1 GHz/ns'")
        # the read-out is a Bokeh Div changed in place: a Panel HTML pane's first change after the
        # page is shown makes Bokeh walk the whole document (~0.3 s on the first slider move)
        self.readout_div = Div(text="", css_classes=["lzsm-readout"], stylesheets=[_READOUT_CSS])
        self.readout = pn.pane.Bokeh(self.readout_div, sizing_mode="stretch_width")

        # figures
        self.src_levels = ColumnDataSource(data={"t": [], "d0": [], "d1": [], "lo": [], "up": [], "wlo": [], "wup": []})
        cmap = LinearColorMapper(palette="Viridis256", low=0.0, high=1.0)
        f_levels = figure(
            height=260,
            title="levels: diabatic (dashed), adiabatic (colour: weight of |0>)",
            tools="pan,wheel_zoom,reset",
        )
        f_levels.line("t", "d0", source=self.src_levels, line_dash="dashed", color="grey")
        f_levels.line("t", "d1", source=self.src_levels, line_dash="dashed", color="grey")
        f_levels.scatter("t", "lo", source=self.src_levels, size=3, color={"field": "wlo", "transform": cmap})
        f_levels.scatter("t", "up", source=self.src_levels, size=3, color={"field": "wup", "transform": cmap})
        self.src_pop = ColumnDataSource(data={"t": [], "p0": [], "p1": [], "lo": [], "up": []})
        f_pop = figure(height=260, title="populations", y_range=(-0.02, 1.02), tools="pan,wheel_zoom,reset")
        f_pop.line("t", "p0", source=self.src_pop, color="#1f77b4", legend_label="diabatic |0>")
        f_pop.line("t", "p1", source=self.src_pop, color="#ff7f0e", legend_label="diabatic |1>")
        f_pop.line("t", "lo", source=self.src_pop, color="#2ca02c", line_dash="dashed", legend_label="lower")
        f_pop.line("t", "up", source=self.src_pop, color="#d62728", line_dash="dashed", legend_label="upper")
        f_pop.legend.location = "center_left"
        f_pop.legend.label_text_font_size = "8pt"
        self.src_bloch = ColumnDataSource(data={"u": [], "w": []})
        self.src_bloch_end = ColumnDataSource(data={"u": [], "w": []})
        f_bloch = figure(
            height=300,
            width=300,
            title="Bloch vector",
            match_aspect=True,
            tools="reset",
            x_range=(-1.1, 1.1),
            y_range=(-1.1, 1.1),
        )
        ang = np.linspace(0, 2 * np.pi, 200)
        f_bloch.line(np.cos(ang), np.sin(ang), color="lightgrey")
        eq = np.stack([np.cos(ang), np.sin(ang), 0 * ang], axis=-1)
        eu, ew = _project(eq)
        f_bloch.line(eu, ew, color="lightgrey", line_dash="dotted")
        for axis, label in ((np.array([[0, 0, 0], [0, 0, 1.0]]), "z"), (np.array([[0, 0, 0], [1.0, 0, 0]]), "x")):
            au, aw = _project(axis)
            f_bloch.line(au, aw, color="grey")
            f_bloch.text([au[1]], [aw[1]], text=[label], text_font_size="9pt")
        f_bloch.line("u", "w", source=self.src_bloch, color="#9467bd")
        f_bloch.scatter("u", "w", source=self.src_bloch_end, size=7, color="black")
        self.src_nac = ColumnDataSource(data={"t": [], "d": [], "lor": []})
        f_nac = figure(height=260, title="non-adiabatic coupling |d01(t)|", tools="pan,wheel_zoom,reset")
        f_nac.line("t", "d", source=self.src_nac, color="black", legend_label="exact")
        f_nac.scatter("t", "lor", source=self.src_nac, size=2, color="#d62728", legend_label="Lorentzian α/4V")
        f_nac.legend.label_text_font_size = "8pt"
        self.src_pd = ColumnDataSource(data={"delta": [], "p_lz": [], "golden": [], "kay": []})
        self.src_pd_point = ColumnDataSource(data={"delta": [], "p": []})
        f_pd = figure(
            height=260,
            title="P (diabatic stay) against δ = V²/ħ|α|",
            y_range=(-0.02, 1.02),
            tools="pan,wheel_zoom,reset",
        )
        f_pd.line("delta", "p_lz", source=self.src_pd, color="black", legend_label="P_LZ = exp(-2πδ)")
        f_pd.line("delta", "golden", source=self.src_pd, color="grey", line_dash="dashed", legend_label="fast: 1 - 2πδ")
        self.kay_line = f_pd.line(
            "delta", "kay", source=self.src_pd, color="#ff7f0e", line_dash="dotdash", legend_label="Kayanuma (dephased)"
        )
        f_pd.scatter("delta", "p", source=self.src_pd_point, size=10, color="#d62728", legend_label="this run")
        f_pd.legend.label_text_font_size = "8pt"

        self.state: CrossingState | None = None
        self.views = {
            "levels": View(
                "levels", "levels", f_levels, lambda: self._ds("levels"), lambda: python_code(self.par, "levels")
            ),
            "populations": View(
                "populations",
                "populations",
                f_pop,
                lambda: self._ds("populations"),
                lambda: python_code(self.par, "populations"),
            ),
            "bloch": View(
                "bloch", "Bloch vector", f_bloch, lambda: self._ds("bloch"), lambda: python_code(self.par, "bloch")
            ),
            "nac": View(
                "nac", "non-adiabatic coupling", f_nac, lambda: self._ds("nac"), lambda: python_code(self.par, "nac")
            ),
            "p_delta": View(
                "p_delta",
                "P against delta",
                f_pd,
                lambda: self._ds("p_delta"),
                lambda: python_code(self.par, "p_delta"),
            ),
        }
        for w in (
            self.units,
            self.coupling,
            self.sweep_rate,
            self.window,
            self.initial,
            self.dephasing,
            self.temperature,
        ):
            w.param.watch(self._on_change, "value")
        self.t1.param.watch(self._on_change, "value")
        self.v_text.param.watch(self._on_typed, "value")
        self.a_text.param.watch(self._on_typed, "value")
        self.update()

    def _ds(self, name: str) -> Any:
        assert self.state is not None
        return datasets(self.state)[name]

    def _on_typed(self, event: Any) -> None:
        text = str(event.new or "").strip()
        if not text:
            return
        try:
            if event.obj is self.v_text:
                slider = self.coupling
                value = parse_value(text, "energy", self.units.value, "V", low=slider.start, high=slider.end)
            else:
                slider = self.sweep_rate
                value = parse_value(text, "sweep_rate", self.units.value, "alpha", low=slider.start, high=slider.end)
                if value == 0:
                    raise LzsmValueError(f"`alpha` must be nonzero, got {text!r}")
        except Exception as exc:  # any bad input: one line in the page, never a traceback
            show_message(self.message, exc)
            return
        show_message(self.message, None)
        later(lambda: setattr(slider, "value", value))

    def _on_change(self, event: Any = None) -> None:
        self.update()

    def read_parameters(self) -> CrossingParameters:
        """The controls' values (``t1``: a number or ``inf``)."""
        t1_text = self.t1.value.strip().lower()
        try:
            t1 = math.inf if t1_text in ("", "inf", "∞", "none") else float(t1_text)
        except ValueError:
            raise LzsmValueError(f"`t1` must be a positive number or 'inf', got {self.t1.value!r}") from None
        return CrossingParameters(
            coupling=float(self.coupling.value),
            sweep_rate=float(self.sweep_rate.value),
            window=float(self.window.value),
            initial=str(self.initial.value),
            dephasing=float(self.dephasing.value),
            t1=t1,
            temperature=float(self.temperature.value),
            units=str(self.units.value),
        )

    def update(self) -> None:
        """Recompute and redraw every view (a slider moved)."""
        try:
            par = self.read_parameters()
            state = compute(par)
        except Exception as exc:  # shown as one line, the last good picture stays
            show_message(self.message, exc)
            return
        show_message(self.message, None)
        self.par, self.state = par, state
        u = unit_labels(par.units)
        t = state.t
        self.src_levels.data = {
            "t": t,
            "d0": state.diabatic_energies[:, 0],
            "d1": state.diabatic_energies[:, 1],
            "lo": state.adiabatic_energies[:, 0],
            "up": state.adiabatic_energies[:, 1],
            "wlo": state.character[:, 0],
            "wup": state.character[:, 1],
        }
        self.src_pop.data = {
            "t": t,
            "p0": state.populations[:, 0],
            "p1": state.populations[:, 1],
            "lo": state.adiabatic_populations[:, 0],
            "up": state.adiabatic_populations[:, 1],
        }
        bu, bw = _project(state.bloch)
        self.src_bloch.data = {"u": bu, "w": bw}
        self.src_bloch_end.data = {"u": bu[-1:], "w": bw[-1:]}
        self.src_nac.data = {"t": t, "d": state.nac, "lor": state.nac_lorentzian}
        curve = p_vs_delta(par)
        self.src_pd.data = {
            "delta": curve["delta"],
            "p_lz": curve["p_lz"],
            "golden": curve["golden_rule"],
            "kay": curve["kayanuma"] if par.open else np.full_like(curve["delta"], np.nan),
        }
        self.src_pd_point.data = {"delta": [par.delta], "p": [state.p_exact]}
        for name, v in self.views.items():
            if name != "bloch":
                v.figure.xaxis.axis_label = "δ" if name == "p_delta" else f"t [{u['time']}]"
            v.refresh_code()
        rows = [
            ("δ = V²/(ħ|α|)", fmt(par.delta), "adiabaticity"),
            ("P exact (this window)", fmt(state.p_exact, 8), "p_diabatic_stay of the run"),
            ("P_LZ (closed form, t = ±∞)", fmt(state.p_lz, 8), "exp(-2πδ)"),
        ]
        if math.isfinite(state.p_finite):
            rows.append(("P closed form (this window)", fmt(state.p_finite, 8), "finite_time_p_diabatic_stay"))
        if math.isfinite(state.p_kayanuma):
            rows.append(("P Kayanuma (strong dephasing)", fmt(state.p_kayanuma, 8), "(1 + exp(-4πδ))/2"))
        rows.append(("ħ", fmt(par.hbar), f"{u['energy']}·{u['time']}"))
        body = "".join(
            f"<tr><td>{a}</td><td class='value' data-name='{a}'>{b}</td><td>{c}</td></tr>" for a, b, c in rows
        )
        self.readout_div.text = f"<table class='lzsm-p'>{body}</table>"

    def panel(self) -> Any:
        """The page's layout."""
        import panel as pn

        controls = pn.Column(
            self.units,
            self.coupling,
            self.v_text,
            self.sweep_rate,
            self.a_text,
            self.window,
            self.initial,
            self.dephasing,
            self.t1,
            self.temperature,
            self.message,
            width=300,
        )
        v = self.views
        grid = pn.Column(
            self.readout,
            pn.Row(v["levels"].panel(), v["populations"].panel()),
            pn.Row(v["bloch"].panel(), v["nac"].panel(), v["p_delta"].panel()),
            sizing_mode="stretch_width",
        )
        return pn.Row(controls, grid, sizing_mode="stretch_width")
