"""Page 5 of ``lzsm explore``: applications as presets.

Each preset maps an application of :mod:`lzsm.applications` onto a page and sets its controls
with the application's own functions:

- flux qubit: amplitude spectroscopy in the style of Oliver et al., Science 310, 1653 (2005)
  (``examples/flux_qubit_spectroscopy.toml``: Delta/h = 0.05 GHz, f = 0.27 GHz, energies in
  units of h x 1 GHz) on the interferometry page;
- Feshbach ramp: 85Rb at 155 G, n = 1e12 cm^-3, 30 G/ms, mapped onto a Landau–Zener crossing
  along the field (:func:`lzsm.applications.cold_atoms.feshbach_crossing`, Góral et al. 2004);
- Zener breakdown: 87Rb in a lattice of depth 1.8 E_r under F0 = 1, the zone-edge crossing
  ``V = Delta/2`` (:func:`~lzsm.applications.solids.band_gap`) and ``alpha = 4 F0/pi``
  (:func:`~lzsm.applications.solids.zener_sweep_rate`), units E_r and hbar/E_r;
- adiabatic Grover: N = 64 items searched in a runtime T = 100 with the linear schedule,
  ``V = 1/(2 sqrt N)``, ``alpha = 2 sqrt(1 - 1/N)/T`` over ``[-T/2, T/2]``
  (:func:`~lzsm.applications.adiabatic_computing.landau_zener_map`, Roland & Cerf 2002).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ._common import later


@dataclass(frozen=True)
class CrossingPreset:
    """A Landau–Zener crossing from an application: V, alpha, the window half-width T and hbar = 1."""

    name: str
    description: str
    coupling: float
    sweep_rate: float
    window: float


@dataclass(frozen=True)
class MapPreset:
    """An interferometry map from an application (hbar = 1)."""

    name: str
    description: str
    gap: float
    frequency: float
    offset_max: float
    amplitude_max: float


def flux_qubit() -> MapPreset:
    """Flux-qubit amplitude spectroscopy (energies in h x 1 GHz, so hbar omega = 0.27)."""
    return MapPreset(
        "flux qubit",
        "Amplitude spectroscopy of a flux qubit (Oliver et al. 2005): Δ/h = 0.05 GHz, f = 0.27 GHz; energies in h·GHz",
        gap=0.05,
        frequency=0.27,
        offset_max=3.0,
        amplitude_max=3.0,
    )


def feshbach_ramp() -> CrossingPreset:
    """85Rb Feshbach association by a 30 G/ms ramp at n = 1e12 cm^-3 (field offset in G as time)."""
    from lzsm.applications.cold_atoms import FeshbachResonance, feshbach_crossing

    res = FeshbachResonance(
        mass_amu=84.9118, a_bg_bohr=-443.0, width_gauss=10.71, delta_mu_bohr_magneton=-2.23, position_gauss=155.041
    )
    model = feshbach_crossing(res, 1e12, 30.0)
    return CrossingPreset(
        "Feshbach ramp",
        "85Rb, 155 G resonance, n = 1e12 cm⁻³, 30 G/ms: the crossing along B − B0 in gauss (ħ = 1, V in 1/G)",
        coupling=float(np.asarray(model.coupling).real),
        sweep_rate=float(np.asarray(model.sweep_rate)),
        window=2.0,
    )


def zener_breakdown() -> CrossingPreset:
    """Zener tunnelling of 87Rb at the zone edge, V0 = 1.8 E_r, F0 = 1 (units E_r, hbar/E_r)."""
    from lzsm.applications.solids import band_gap, bloch_period, zener_sweep_rate

    return CrossingPreset(
        "Zener breakdown",
        "87Rb in an optical lattice, V0 = 1.8 E_r, F0 = 1: the zone-edge crossing (energies in E_r, times in ħ/E_r)",
        coupling=float(band_gap(1.8)) / 2,
        sweep_rate=float(zener_sweep_rate(1.0)),
        window=float(bloch_period(1.0)) / 2,
    )


def adiabatic_grover() -> CrossingPreset:
    """Adiabatic Grover search, N = 64, runtime 100, linear schedule."""
    from lzsm.applications.adiabatic_computing import landau_zener_map

    m = landau_zener_map(64, 100.0)
    return CrossingPreset(
        "adiabatic Grover",
        "Adiabatic Grover search of N = 64 items in T = 100 (linear schedule): V = 1/(2√N), α = 2√(1−1/N)/T",
        coupling=float(np.asarray(m.coupling)),
        sweep_rate=float(np.asarray(m.sweep_rate)),
        window=float(np.asarray(m.runtime)) / 2,
    )


def all_presets() -> list[CrossingPreset | MapPreset]:
    """Every preset, in the order of the page."""
    return [flux_qubit(), feshbach_ramp(), zener_breakdown(), adiabatic_grover()]


def _widen(slider: Any, value: float) -> None:
    """Let a slider reach ``value`` (presets may lie outside the default ranges)."""
    if value > slider.end:
        slider.end = float(value) * 1.5
    if value < slider.start:
        slider.start = float(value) * (1.5 if value < 0 else 0.5)
    step = 10 ** np.floor(np.log10(max(abs(value), 1e-12))) / 100
    slider.step = min(slider.step, float(step))


def apply_crossing(page: Any, preset: CrossingPreset) -> None:
    """Set the crossing page to a preset (closed system, diabatic start, hbar = 1)."""
    with page_hold(page):
        page.units.value = "ħ = 1"
        page.initial.value = "diabatic 0"
        page.dephasing.value = 0.0
        page.t1.value = "inf"
        page.temperature.value = 0.0
        for slider, value in (
            (page.coupling, preset.coupling),
            (page.sweep_rate, preset.sweep_rate),
            (page.window, preset.window),
        ):
            _widen(slider, value)
            slider.value = value
    page.update()


class page_hold:
    """Hold a page's redraws while a preset sets several controls (one redraw at the end)."""

    def __init__(self, page: Any) -> None:
        self.page = page

    def __enter__(self) -> None:
        self.saved = self.page.update
        self.page.update = lambda *a, **k: None

    def __exit__(self, *exc: Any) -> None:
        self.page.update = self.saved


class PresetsPage:
    """Buttons that load an application's parameters into a page and switch to it."""

    title = "Applications"

    def __init__(self) -> None:
        import panel as pn

        self.presets = all_presets()
        self.buttons = [pn.widgets.Button(label=p.name, color="primary", width=200) for p in self.presets]
        self.pages: dict[str, Any] = {}
        self.tabs: Any = None
        self.status = pn.pane.HTML("", css_classes=["lzsm-preset-status"])
        for button, preset in zip(self.buttons, self.presets):
            button.on_click(lambda _, preset=preset: later(lambda: self.apply(preset)))

    def connect(self, pages: dict[str, Any], tabs: Any) -> None:
        """Give the page the other pages and the tabs it switches."""
        self.pages, self.tabs = pages, tabs

    def apply(self, preset: CrossingPreset | MapPreset) -> None:
        """Load a preset into its page and show that page."""
        from . import interferometry

        if isinstance(preset, MapPreset):
            page = self.pages["interferometry"]
            interferometry.with_parameters(
                page,
                gap=preset.gap,
                frequency=preset.frequency,
                offset_max=preset.offset_max,
                amplitude_max=preset.amplitude_max,
            )
            index = 1
        else:
            apply_crossing(self.pages["crossing"], preset)
            index = 0
        self.status.object = f"loaded <b>{preset.name}</b>: {preset.description}"
        if self.tabs is not None:
            self.tabs.active = index

    def panel(self) -> Any:
        """The page's layout: a button and a description per preset."""
        import panel as pn

        rows = [
            pn.Row(b, pn.pane.Markdown(p.description, sizing_mode="stretch_width"))
            for b, p in zip(self.buttons, self.presets)
        ]
        return pn.Column(
            pn.pane.Markdown("Load an application's parameters into its page:"),
            *rows,
            self.status,
            sizing_mode="stretch_width",
        )
