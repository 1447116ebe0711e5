"""Fitting Landau–Zener physics to measured data: one front door per kind of measurement.

* :func:`~lzsm.fitting.passage.passage` — single passages: probability against sweep rate or ramp time
  (gap, readout; finite window, dephasing, thermal mixture);
* :func:`~lzsm.fitting.stueckelberg.stueckelberg` — double passages: Stückelberg fringes against the delay
  (gap, phase offset, dephasing, readout);
* :func:`~lzsm.fitting.spectroscopy.spectroscopy` — amplitude-spectroscopy maps P(eps0, A) in device units
  (gap, lever arms, flux origin, T2, T1, readout; the rate model or the exact periodic steady
  state of the Lindblad equation);
* :func:`~lzsm.fitting.feshbach.feshbach` — Feshbach conversion against ramp rate (association parameter, saturation).

Each returns a :class:`~lzsm.fitting.engine.FitResult` (best values, standard errors, correlation matrix, reduced
chi-square, residuals, ``.to_xarray()``, ``.plot()``, ``.summary()``).  The machinery lives
in :mod:`lzsm.fitting`; the command line is ``lzsm fit DATA --model ... --out DIR``.
"""

from lzsm.fitting.engine import FitResult, read_data
from lzsm.fitting.feshbach import feshbach
from lzsm.fitting.passage import passage
from lzsm.fitting.spectroscopy import spectroscopy
from lzsm.fitting.stueckelberg import stueckelberg

__all__ = ["FitResult", "feshbach", "passage", "read_data", "spectroscopy", "stueckelberg"]
