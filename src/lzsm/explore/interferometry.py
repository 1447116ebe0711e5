"""Page 2 of ``lzsm explore``: multiple passages and LZSM interferometry.

The driven qubit is :class:`lzsm.PeriodicDrive`,
``H = -(Delta/2) sigma_x - (eps0 + A cos(omega t))/2 sigma_z`` (hbar = 1 on this page: energies
and omega in one unit E, times in 1/E).  The map is the exact time-averaged upper diabatic
population of :func:`lzsm.interferometry_map` (Floquet, magnus6), computed row by row so that it
shows progress and can be cancelled; beside it, with ``T1`` and ``T2``, the rate model of Berns
et al., PRL 97, 150502 (2006) (:func:`lzsm.applications.qubits.rate_model_map`).  Overlays:
the multiphoton resonances ``eps0 = k hbar omega`` (:func:`lzsm.multiphoton_resonances`) and the
zeros of ``J_k(A / hbar omega)`` on them, where the k-photon resonance closes (Shevchenko,
Ashhab & Nori, Phys. Rep. 492, 1 (2010), eq. (60)).

The double passage is :class:`lzsm.DoublePassage` (parabolic bias), exact against the
adiabatic-impulse formula ``P_+ = 4 P_LZ (1 - P_LZ) sin^2(zeta + phi_S)`` with the Stokes phase
``phi_S = pi/4 + delta (ln delta - 1) + arg Gamma(1 - i delta)`` (Shevchenko et al. eq. (22);
:func:`lzsm.double_passage_probability`, :func:`lzsm.stokes_phase`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from scipy import special

from lzsm.errors import LzsmValueError

from ._common import Background, View, check_probability, fmt, message_pane, show_message

#: Largest map side: 256 x 256 points.
MAX_RESOLUTION = 256


@dataclass(frozen=True)
class MapParameters:
    """Controls of the interferometry page (hbar = 1, energies in E)."""

    gap: float = 1.0
    frequency: float = 2.0
    offset_max: float = 20.0
    amplitude_max: float = 20.0
    resolution: int = 128
    n_periods: int = 20
    t1: float = math.inf
    t2: float = math.inf

    def check(self) -> None:
        """Every value in its range (the error names the control, the range and the value)."""
        for name in ("gap", "frequency", "offset_max", "amplitude_max"):
            x = getattr(self, name)
            if not (math.isfinite(x) and x > 0):
                raise LzsmValueError(f"`{name}` must be finite and > 0, got {x!r}")
        if not 8 <= self.resolution <= MAX_RESOLUTION:
            raise LzsmValueError(f"`resolution` must be in [8, {MAX_RESOLUTION}], got {self.resolution!r}")
        if not 1 <= self.n_periods <= 1000:
            raise LzsmValueError(f"`n_periods` must be in [1, 1000], got {self.n_periods!r}")
        if not (self.t1 > 0 and self.t2 > 0):
            raise LzsmValueError(f"`t1` and `t2` must be > 0 (inf: none), got t1 = {self.t1!r}, t2 = {self.t2!r}")
        if math.isfinite(self.t2) and self.t2 > 2 * self.t1:
            raise LzsmValueError(f"`t2` must be <= 2 t1 (Lindblad qubit), got t2 = {self.t2!r}, t1 = {self.t1!r}")

    @property
    def offsets(self) -> np.ndarray:
        """The map's offset axis, ``eps0`` in ``[0, offset_max]``."""
        return np.linspace(0.0, self.offset_max, self.resolution)

    @property
    def amplitudes(self) -> np.ndarray:
        """The map's amplitude axis, ``A`` in ``[0, amplitude_max]``."""
        return np.linspace(0.0, self.amplitude_max, self.resolution)

    @property
    def decoherent(self) -> bool:
        """Whether T2 is finite (then the rate-model map and a Lindblad trace)."""
        return math.isfinite(self.t2)


@dataclass
class MapData:
    """The map of one set of parameters: ``p_mean[offset, amplitude]`` (exact coherent) and,
    with finite T2, ``p_rate`` (rate model)."""

    parameters: MapParameters
    p_mean: np.ndarray
    p_rate: np.ndarray | None
    error_estimate: float


def compute_map(par: MapParameters, report: Callable[[float], None] | None = None, n_blocks: int = 8) -> MapData:
    """The time-averaged upper diabatic population over offset x amplitude, in ``n_blocks``
    blocks of amplitude columns (``report(fraction)`` after each: progress and cancellation)."""
    import lzsm

    par.check()
    drive = lzsm.PeriodicDrive(gap=par.gap, offset=0.0, amplitude=0.0, frequency=par.frequency)
    offs, amps = par.offsets, par.amplitudes
    out = np.empty((offs.size, amps.size))
    err = 0.0
    for block in np.array_split(np.arange(amps.size), min(n_blocks, amps.size)):
        m = lzsm.interferometry_map(drive, n_periods=par.n_periods, offset=offs, amplitude=amps[block], progress=False)
        out[:, block] = np.asarray(m.p_upper_mean)
        err = max(err, float(np.nanmax(np.asarray(m.error_estimate))))
        if report is not None:
            report((block[-1] + 1) / amps.size)
    rate = None
    if par.decoherent:
        from lzsm.applications.qubits import rate_model_map

        rate = np.asarray(rate_model_map(par.gap, offs, amps, par.frequency, par.t1, par.t2))
    return MapData(par, check_probability(out, "p_upper_mean"), rate, err)


def resonance_overlay(par: MapParameters) -> dict[str, np.ndarray]:
    """Resonances ``eps0 = k hbar omega`` inside the map, and the Bessel zeros on them:
    ``A = j_{k,n} hbar omega`` where ``J_k(A/hbar omega) = 0`` (the k-photon line closes)."""
    import lzsm

    k_max = int(par.offset_max // par.frequency)
    res = np.asarray(lzsm.multiphoton_resonances(par.frequency, k_max))
    res = res[(res >= 0) & (res <= par.offset_max)]
    zx, zy = [], []
    n_zeros = int(par.amplitude_max / par.frequency) + 2
    for k in range(k_max + 1):
        for z in special.jn_zeros(k, n_zeros):
            a = z * par.frequency
            if a <= par.amplitude_max:
                zx.append(k * par.frequency)
                zy.append(a)
    return {"resonances": res, "zero_offset": np.asarray(zx), "zero_amplitude": np.asarray(zy)}


@dataclass
class Trace:
    """One pixel: the upper diabatic population against time, its running mean, and the
    quasienergies along the amplitude axis at that offset."""

    offset: float
    amplitude: float
    t: np.ndarray
    p_upper: np.ndarray
    running_mean: np.ndarray
    amplitudes: np.ndarray
    quasienergies: np.ndarray  # (amplitude, 2)
    p_map: float


def compute_trace(par: MapParameters, offset: float, amplitude: float, n_quasi: int = 96) -> Trace:
    """Propagate the pixel ``(offset, amplitude)`` over ``n_periods`` periods from diabatic
    |0> (:func:`lzsm.evolve`, or :func:`lzsm.evolve_open` with ``gamma_1 = 1/T1`` and
    ``gamma_phi = 1/T2 - 1/(2 T1)`` when T2 is finite), and the Floquet quasienergies
    (:func:`lzsm.floquet`) along amplitude at this offset."""
    import lzsm

    par.check()
    if not (0 <= offset <= par.offset_max and 0 <= amplitude <= par.amplitude_max):
        raise LzsmValueError(
            f"pixel must be inside the map [0, {par.offset_max:g}] x [0, {par.amplitude_max:g}], got ({offset!r}, {amplitude!r})"
        )
    period = 2 * np.pi / par.frequency
    drive = lzsm.PeriodicDrive(gap=par.gap, offset=offset, amplitude=amplitude, frequency=par.frequency)
    t = np.linspace(0.0, par.n_periods * period, 40 * par.n_periods + 1)
    if par.decoherent:
        g1 = 0.0 if math.isinf(par.t1) else 1.0 / par.t1
        run: Any = lzsm.evolve_open(drive, (0.0, t[-1]), 0, t, dephasing=1.0 / par.t2 - g1 / 2, relaxation=g1)
    else:
        run = lzsm.evolve(drive, (0.0, t[-1]), 0, t)
    p = check_probability(np.asarray(run.populations)[:, 1], "p_upper")
    mean = np.concatenate([[p[0]], np.cumsum((p[1:] + p[:-1]) / 2 * np.diff(t)) / (t[1:] - t[0])])
    amps = np.linspace(0.0, par.amplitude_max, n_quasi)
    line = lzsm.PeriodicDrive(gap=par.gap, offset=offset, amplitude=amps, frequency=par.frequency)
    quasi = np.asarray(lzsm.floquet(line).quasienergies)
    one = lzsm.interferometry_map(
        lzsm.PeriodicDrive(gap=par.gap, offset=0.0, amplitude=0.0, frequency=par.frequency),
        n_periods=par.n_periods,
        offset=[offset],
        amplitude=[amplitude],
        progress=False,
    )
    return Trace(offset, amplitude, t, p, mean, amps, quasi, float(np.asarray(one.p_upper_mean).ravel()[0]))


@dataclass(frozen=True)
class PassageParameters:
    """Controls of the double passage: coupling V, sweep rate alpha at each crossing, the
    largest half-separation ``t_c`` of the crossings shown, and the current ``t_c``."""

    coupling: float = 0.3
    sweep_rate: float = 1.0
    tc_max: float = 10.0
    tc: float = 5.0

    def check(self) -> None:
        """Every value in its range."""
        for name in ("coupling", "sweep_rate", "tc_max", "tc"):
            x = getattr(self, name)
            if not (math.isfinite(x) and x > 0):
                raise LzsmValueError(f"`{name}` must be finite and > 0, got {x!r}")
        if self.tc > self.tc_max:
            raise LzsmValueError(f"`tc` must be in (0, tc_max = {self.tc_max:g}], got {self.tc!r}")


def compute_passage(par: PassageParameters, n: int = 400) -> dict[str, Any]:
    """Exact ``P_+`` (upper adiabatic level at the end, from the lower one) against ``t_c``
    (one batched :func:`lzsm.evolve`), the adiabatic-impulse formula, and the Stückelberg
    numbers at the current ``t_c``."""
    import lzsm

    par.check()
    tcs = np.linspace(par.tc_max / n, par.tc_max, n)
    tcs = np.unique(np.append(tcs, par.tc))
    model = lzsm.DoublePassage(par.coupling, par.sweep_rate, tcs)
    # well outside both crossings: 20 LZ transition times (max(V/alpha, 1/sqrt(alpha))) beyond
    # them, where |E1 - E2| >= alpha (t - t_c) for the parabolic bias
    end = par.tc_max + 20.0 * max(par.coupling / par.sweep_rate, 1.0 / math.sqrt(par.sweep_rate))
    run = lzsm.evolve(model, (-end, end), "lower")
    p_exact = check_probability(np.asarray(run.adiabatic_populations)[..., -1, 1], "p_upper")
    p_formula = np.asarray(lzsm.double_passage_probability(par.coupling, par.sweep_rate, tcs))
    delta = par.coupling**2 / par.sweep_rate
    i = int(np.argmin(np.abs(tcs - par.tc)))
    return {
        "tc": tcs,
        "p_exact": p_exact,
        "p_formula": p_formula,
        "delta": delta,
        "p_lz": float(lzsm.lz_probability(par.coupling, par.sweep_rate)),
        "stokes_phase": float(lzsm.stokes_phase(delta)),
        "p_exact_here": float(p_exact[i]),
        "p_formula_here": float(p_formula[i]),
        "t_end": end,
    }


def python_code(par: MapParameters, view: str, pixel: tuple[float, float] | None = None) -> str:
    """The lzsm calls that reproduce a view of the interferometry page."""
    head = [
        "import numpy as np",
        "import lzsm",
        "",
        f"drive = lzsm.PeriodicDrive(gap={par.gap!r}, offset=0.0, amplitude=0.0, frequency={par.frequency!r})",
    ]
    if view == "map":
        lines = head + [
            f"m = lzsm.interferometry_map(drive, n_periods={par.n_periods}, "
            f"offset=np.linspace(0, {par.offset_max!r}, {par.resolution}), amplitude=np.linspace(0, {par.amplitude_max!r}, {par.resolution}))",
            "p = m.p_upper_mean  # (offset, amplitude)",
            f"resonances = lzsm.multiphoton_resonances({par.frequency!r}, {int(par.offset_max // par.frequency)})",
        ]
        if par.decoherent:
            lines += [
                "from lzsm.applications.qubits import rate_model_map",
                f"p_rate = rate_model_map({par.gap!r}, np.linspace(0, {par.offset_max!r}, {par.resolution}), "
                f"np.linspace(0, {par.amplitude_max!r}, {par.resolution}), {par.frequency!r}, {par.t1!r}, {par.t2!r})",
            ]
        return "\n".join(lines)
    off, amp = pixel if pixel is not None else (0.0, 0.0)
    t_end = par.n_periods * 2 * np.pi / par.frequency
    lines = [
        "import numpy as np",
        "import lzsm",
        "",
        f"pixel = lzsm.PeriodicDrive(gap={par.gap!r}, offset={off!r}, amplitude={amp!r}, frequency={par.frequency!r})",
        f"t = np.linspace(0.0, {t_end!r}, {40 * par.n_periods + 1})",
    ]
    if par.decoherent:
        g1 = 0.0 if math.isinf(par.t1) else 1.0 / par.t1
        lines.append(
            f"run = lzsm.evolve_open(pixel, (0.0, t[-1]), 0, t, dephasing={1.0 / par.t2 - g1 / 2!r}, relaxation={g1!r})"
        )
    else:
        lines.append("run = lzsm.evolve(pixel, (0.0, t[-1]), 0, t)")
    lines += [
        "p_upper = run.populations[:, 1]",
        f"line = lzsm.PeriodicDrive(gap={par.gap!r}, offset={off!r}, amplitude=np.linspace(0, {par.amplitude_max!r}, 96), frequency={par.frequency!r})",
        "quasienergies = lzsm.floquet(line).quasienergies",
    ]
    return "\n".join(lines)


def passage_code(par: PassageParameters, t_end: float) -> str:
    """The lzsm calls of the double-passage view."""
    return "\n".join(
        [
            "import numpy as np",
            "import lzsm",
            "",
            f"tc = np.linspace({par.tc_max / 400!r}, {par.tc_max!r}, 400)",
            f"model = lzsm.DoublePassage({par.coupling!r}, {par.sweep_rate!r}, tc)",
            f"run = lzsm.evolve(model, ({-t_end!r}, {t_end!r}), 'lower')",
            "p_exact = run.adiabatic_populations[..., -1, 1]",
            f"p_formula = lzsm.double_passage_probability({par.coupling!r}, {par.sweep_rate!r}, tc)",
            f"phi_s = lzsm.stokes_phase({par.coupling!r} ** 2 / {par.sweep_rate!r})",
        ]
    )


class InterferometryPage:
    """The interferometry page (one per browser session)."""

    title = "Interferometry"

    def __init__(self, parameters: MapParameters | None = None) -> None:
        import panel as pn
        from bokeh.models import ColumnDataSource, LinearColorMapper
        from bokeh.plotting import figure

        self.par = parameters or MapParameters()
        p = self.par
        self.message = message_pane()
        self.gap = pn.widgets.FloatSlider(label="Δ (gap)", start=0.05, end=5.0, step=0.05, value=p.gap)
        self.frequency = pn.widgets.FloatSlider(label="ω (ħω)", start=0.1, end=10.0, step=0.1, value=p.frequency)
        self.offset_max = pn.widgets.FloatInput(label="ε0 max", value=p.offset_max, start=0.1, end=1000.0)
        self.amplitude_max = pn.widgets.FloatInput(label="A max", value=p.amplitude_max, start=0.1, end=1000.0)
        self.resolution = pn.widgets.IntSlider(
            label="resolution (points per side)", start=16, end=MAX_RESOLUTION, step=16, value=p.resolution
        )
        self.n_periods = pn.widgets.IntSlider(label="n_periods", start=1, end=200, value=p.n_periods)
        self.t1 = pn.widgets.TextInput(label="T1 (inf: none)", value="inf")
        self.t2 = pn.widgets.TextInput(label="T2 (inf: coherent only)", value="inf")
        self.compute_button = pn.widgets.Button(label="Compute map", color="primary", width=140)
        self.background = Background("map")
        self.readout = pn.pane.HTML("", css_classes=["lzsm-map-readout"])
        self.map_data: MapData | None = None
        self.trace: Trace | None = None
        self.cmap = LinearColorMapper(palette="Viridis256", low=0.0, high=0.5)
        self.src_map = ColumnDataSource(data={"image": [], "x": [], "y": [], "dw": [], "dh": []})
        self.src_rate = ColumnDataSource(data={"image": [], "x": [], "y": [], "dw": [], "dh": []})
        self.src_res = ColumnDataSource(data={"x": [], "y0": [], "y1": []})
        self.src_zero = ColumnDataSource(data={"x": [], "y": []})
        self.src_pick = ColumnDataSource(data={"x": [], "y": []})
        f_map = figure(
            height=380,
            width=420,
            title="time-averaged upper population (exact); click a pixel",
            tools="tap,pan,wheel_zoom,reset",
        )
        f_map.image("image", "x", "y", "dw", "dh", source=self.src_map, color_mapper=self.cmap)
        f_map.segment("x", "y0", "x", "y1", source=self.src_res, color="white", line_dash="dotted", alpha=0.6)
        f_map.scatter("x", "y", source=self.src_zero, marker="x", size=8, color="#ff4040")
        f_map.scatter("x", "y", source=self.src_pick, size=10, fill_color=None, line_color="white", line_width=2)
        f_map.xaxis.axis_label, f_map.yaxis.axis_label = "ε0", "A"
        f_rate = figure(
            height=380, width=420, title="rate model (T1, T2): set T2 to show", tools="pan,wheel_zoom,reset"
        )
        f_rate.image("image", "x", "y", "dw", "dh", source=self.src_rate, color_mapper=self.cmap)
        f_rate.xaxis.axis_label, f_rate.yaxis.axis_label = "ε0", "A"
        self.f_map = f_map
        self.src_trace = ColumnDataSource(data={"t": [], "p": [], "mean": []})
        f_trace = figure(
            height=260,
            title="pixel: upper population against time",
            y_range=(-0.02, 1.02),
            tools="pan,wheel_zoom,reset",
        )
        f_trace.line("t", "p", source=self.src_trace, color="#1f77b4", legend_label="P_up(t)")
        f_trace.line("t", "mean", source=self.src_trace, color="#d62728", legend_label="running mean")
        f_trace.legend.label_text_font_size = "8pt"
        self.src_quasi = ColumnDataSource(data={"a": [], "e0": [], "e1": []})
        self.src_quasi_pick = ColumnDataSource(data={"a": [], "e": []})
        f_quasi = figure(height=260, title="quasienergies along A at this ε0", tools="pan,wheel_zoom,reset")
        f_quasi.scatter("a", "e0", source=self.src_quasi, size=3, color="black")
        f_quasi.scatter("a", "e1", source=self.src_quasi, size=3, color="grey")
        f_quasi.scatter("a", "e", source=self.src_quasi_pick, size=9, color="#d62728")
        f_quasi.xaxis.axis_label = "A"
        f_map.on_event("tap", self._on_tap)
        self.trace_info = pn.pane.HTML("click a pixel of the map", css_classes=["lzsm-trace-info"])
        self.views = {
            "map": View("map", "interferometry map", f_map, self._map_ds, lambda: python_code(self.par, "map")),
            "rate_map": View("rate_map", "rate model map", f_rate, self._map_ds, lambda: python_code(self.par, "map")),
            "trace": View(
                "trace", "pixel trace", f_trace, self._trace_ds, lambda: python_code(self.par, "trace", self._pixel())
            ),
            "quasienergies": View(
                "quasienergies",
                "quasienergies",
                f_quasi,
                self._quasi_ds,
                lambda: python_code(self.par, "trace", self._pixel()),
            ),
        }
        self.compute_button.on_click(lambda _: self.start_map())
        for w in (self.gap, self.frequency, self.n_periods, self.resolution):
            w.param.watch(
                lambda _: self.start_map(), "value_throttled" if hasattr(w.param, "value_throttled") else "value"
            )
        for w in (self.offset_max, self.amplitude_max, self.t1, self.t2):
            w.param.watch(lambda _: self.start_map(), "value")

        # the double passage
        self.pp = PassageParameters()
        self.p_coupling = pn.widgets.FloatSlider(label="V", start=0.05, end=1.5, step=0.05, value=self.pp.coupling)
        self.p_rate = pn.widgets.FloatSlider(label="α", start=0.1, end=5.0, step=0.1, value=self.pp.sweep_rate)
        self.p_tc = pn.widgets.FloatSlider(
            label="t_c (crossings at ±t_c)", start=0.5, end=20.0, step=0.1, value=self.pp.tc
        )
        self.src_pass = ColumnDataSource(data={"tc": [], "exact": [], "formula": []})
        self.src_pass_pick = ColumnDataSource(data={"tc": [], "p": []})
        f_pass = figure(
            height=300, title="double passage: P_+ against t_c", y_range=(-0.02, 1.02), tools="pan,wheel_zoom,reset"
        )
        f_pass.line("tc", "exact", source=self.src_pass, color="black", legend_label="exact (evolve)")
        f_pass.line(
            "tc",
            "formula",
            source=self.src_pass,
            color="#d62728",
            line_dash="dashed",
            legend_label="4P(1-P) sin²(ζ+φ_S)",
        )
        f_pass.scatter("tc", "p", source=self.src_pass_pick, size=9, color="#1f77b4")
        f_pass.xaxis.axis_label = "t_c"
        f_pass.legend.label_text_font_size = "8pt"
        self.passage: dict[str, Any] | None = None
        self.pass_readout = pn.pane.HTML("", css_classes=["lzsm-passage-readout"])
        self.views["double_passage"] = View(
            "double_passage",
            "double passage",
            f_pass,
            self._passage_ds,
            lambda: passage_code(self.pp, self.passage["t_end"] if self.passage else 0.0),
        )
        for w in (self.p_coupling, self.p_rate, self.p_tc):
            w.param.watch(lambda _: self.update_passage(), "value")
        # the first map is computed when the page is first shown (:meth:`shown`), in the
        # background: building a session never blocks the others
        self.show_pixel(min(2 * self.par.frequency, self.par.offset_max), min(5.0, self.par.amplitude_max))
        self.update_passage()

    # ---------------------------------------------------------------- data of the views
    def _pixel(self) -> tuple[float, float]:
        return (self.trace.offset, self.trace.amplitude) if self.trace is not None else (0.0, 0.0)

    def _map_ds(self) -> Any:
        import xarray as xr

        assert self.map_data is not None
        d = self.map_data
        data = {"p_upper_mean": (("offset", "amplitude"), d.p_mean)}
        if d.p_rate is not None:
            data["p_upper_rate_model"] = (("offset", "amplitude"), d.p_rate)
        attrs = {k: str(v) for k, v in d.parameters.__dict__.items()}
        return xr.Dataset(
            data, coords={"offset": d.parameters.offsets, "amplitude": d.parameters.amplitudes}, attrs=attrs
        )

    def _trace_ds(self) -> Any:
        import xarray as xr

        assert self.trace is not None
        tr = self.trace
        return xr.Dataset(
            {"p_upper": ("t", tr.p_upper), "running_mean": ("t", tr.running_mean)},
            coords={"t": tr.t},
            attrs={"offset": tr.offset, "amplitude": tr.amplitude, "p_map": tr.p_map},
        )

    def _quasi_ds(self) -> Any:
        import xarray as xr

        assert self.trace is not None
        tr = self.trace
        return xr.Dataset(
            {
                "quasienergy_0": ("amplitude", tr.quasienergies[:, 0]),
                "quasienergy_1": ("amplitude", tr.quasienergies[:, 1]),
            },
            coords={"amplitude": tr.amplitudes},
            attrs={"offset": tr.offset},
        )

    def _passage_ds(self) -> Any:
        import xarray as xr

        assert self.passage is not None
        d = self.passage
        return xr.Dataset(
            {"p_exact": ("tc", d["p_exact"]), "p_formula": ("tc", d["p_formula"])},
            coords={"tc": d["tc"]},
            attrs={"coupling": self.pp.coupling, "sweep_rate": self.pp.sweep_rate, "stokes_phase": d["stokes_phase"]},
        )

    # ---------------------------------------------------------------- callbacks
    def shown(self) -> None:
        """The page became visible: compute its first map unless one is there or under way."""
        if self.map_data is None and not self.background.busy:
            self.start_map()

    def read_parameters(self) -> MapParameters:
        """The controls' values, checked (``t1``, ``t2``: numbers or ``inf``)."""

        def time(text: str, name: str) -> float:
            s = text.strip().lower()
            if s in ("", "inf", "∞", "none"):
                return math.inf
            try:
                return float(s)
            except ValueError:
                raise LzsmValueError(f"`{name}` must be a positive number or 'inf', got {text!r}") from None

        par = MapParameters(
            gap=float(self.gap.value),
            frequency=float(self.frequency.value),
            offset_max=float(self.offset_max.value if self.offset_max.value is not None else math.nan),
            amplitude_max=float(self.amplitude_max.value if self.amplitude_max.value is not None else math.nan),
            resolution=int(self.resolution.value),
            n_periods=int(self.n_periods.value),
            t1=time(self.t1.value, "t1"),
            t2=time(self.t2.value, "t2"),
        )
        par.check()
        return par

    def start_map(self) -> None:
        """Compute the map in the background (progress bar, Cancel)."""
        try:
            par = self.read_parameters()
        except Exception as exc:
            show_message(self.message, exc)
            return
        show_message(self.message, None)
        self.background.start(lambda report: compute_map(par, report), self._show_map, "map")

    def _show_map(self, data: MapData) -> None:
        self.map_data, self.par = data, data.parameters
        par = data.parameters
        img = data.p_mean.T  # rows: amplitude (y), columns: offset (x)
        self.cmap.high = max(0.05, float(img.max()))
        geom = {"x": [0.0], "y": [0.0], "dw": [par.offset_max], "dh": [par.amplitude_max]}
        self.src_map.data = {"image": [img], **geom}
        self.src_rate.data = (
            {"image": [data.p_rate.T], **geom}
            if data.p_rate is not None
            else {"image": [], "x": [], "y": [], "dw": [], "dh": []}
        )
        ov = resonance_overlay(par)
        self.src_res.data = {
            "x": ov["resonances"],
            "y0": np.zeros_like(ov["resonances"]),
            "y1": np.full_like(ov["resonances"], par.amplitude_max),
        }
        self.src_zero.data = {"x": ov["zero_offset"], "y": ov["zero_amplitude"]}
        self.readout.object = (
            f"map {par.resolution}×{par.resolution}, n_periods {par.n_periods}: max P = {fmt(float(img.max()), 4)}, "
            f"error estimate {data.error_estimate:.1e}; white dotted: ε0 = kħω; red ×: J_k(A/ħω) = 0"
        )
        for v in self.views.values():
            v.refresh_code()

    def _on_tap(self, event: Any) -> None:
        self.show_pixel(float(event.x), float(event.y))

    def show_pixel(self, offset: float, amplitude: float) -> None:
        """Show the time trace and quasienergies of one pixel (a click on the map)."""
        try:
            tr = compute_trace(self.par, offset, amplitude)
        except Exception as exc:
            show_message(self.message, exc)
            return
        show_message(self.message, None)
        self.trace = tr
        self.src_pick.data = {"x": [offset], "y": [amplitude]}
        self.src_trace.data = {"t": tr.t, "p": tr.p_upper, "mean": tr.running_mean}
        self.src_quasi.data = {"a": tr.amplitudes, "e0": tr.quasienergies[:, 0], "e1": tr.quasienergies[:, 1]}
        j = int(np.argmin(np.abs(tr.amplitudes - amplitude)))
        self.src_quasi_pick.data = {"a": [tr.amplitudes[j]] * 2, "e": list(tr.quasienergies[j])}
        self.trace_info.object = (
            f"<span class='pixel'>pixel ε0 = {fmt(offset, 4)}, A = {fmt(amplitude, 4)}</span>: "
            f"time average of the trace = <b class='trace-mean'>{fmt(float(tr.running_mean[-1]), 6)}</b>, "
            f"map value = <b class='map-value'>{fmt(tr.p_map, 6)}</b>"
        )
        for v in self.views.values():
            v.refresh_code()

    def update_passage(self) -> None:
        """Recompute the double passage (sliders moved)."""
        try:
            pp = PassageParameters(
                float(self.p_coupling.value), float(self.p_rate.value), self.pp.tc_max, float(self.p_tc.value)
            )
            d = compute_passage(pp)
        except Exception as exc:
            show_message(self.message, exc)
            return
        self.pp, self.passage = pp, d
        self.src_pass.data = {"tc": d["tc"], "exact": d["p_exact"], "formula": d["p_formula"]}
        self.src_pass_pick.data = {"tc": [pp.tc], "p": [d["p_exact_here"]]}
        self.pass_readout.object = (
            f"δ = {fmt(d['delta'], 4)}, P_LZ = {fmt(d['p_lz'], 6)}, Stokes phase φ_S = {fmt(d['stokes_phase'], 6)} "
            f"(π/4 = {fmt(math.pi / 4, 6)}); at t_c = {fmt(pp.tc, 4)}: P_+ exact = {fmt(d['p_exact_here'], 6)}, "
            f"formula = {fmt(d['p_formula_here'], 6)}"
        )
        self.views["double_passage"].refresh_code()

    def panel(self) -> Any:
        """The page's layout: the map with its pixel, and the double passage."""
        import panel as pn

        v = self.views
        controls = pn.Column(
            self.gap, self.frequency, self.offset_max, self.amplitude_max, self.resolution, self.n_periods,
            self.t1, self.t2, self.compute_button, self.background.panel(), self.message, width=300,
        )  # fmt: skip
        maps = pn.Column(
            self.readout,
            pn.Row(v["map"].panel(), v["rate_map"].panel()),
            self.trace_info,
            pn.Row(v["trace"].panel(), v["quasienergies"].panel()),
            sizing_mode="stretch_width",
        )
        passage = pn.Row(
            pn.Column(self.p_coupling, self.p_rate, self.p_tc, width=300),
            pn.Column(self.pass_readout, v["double_passage"].panel(), sizing_mode="stretch_width"),
            sizing_mode="stretch_width",
        )
        return pn.Tabs(
            ("LZSM map", pn.Row(controls, maps, sizing_mode="stretch_width")),
            ("Double passage", passage),
            dynamic=False,
        )


def with_parameters(page: InterferometryPage, **changes: Any) -> None:
    """Set the page's controls (a preset) and recompute the map."""
    par = replace(page.par, **changes)
    par.check()
    page.gap.value, page.frequency.value = par.gap, par.frequency
    page.offset_max.value, page.amplitude_max.value = par.offset_max, par.amplitude_max
    page.n_periods.value = par.n_periods
    page.t1.value = "inf" if math.isinf(par.t1) else repr(par.t1)
    page.t2.value = "inf" if math.isinf(par.t2) else repr(par.t2)
    page.start_map()
