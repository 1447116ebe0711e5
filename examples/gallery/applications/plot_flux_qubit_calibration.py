"""
Calibrate a flux qubit from its spectroscopy map
================================================

An amplitude-spectroscopy map is measured in device units: the dc flux bias in m\\ :math:`\\Phi_0`
(with an unknown trapped-flux offset) and the microwave amplitude as the source voltage in mV
(with an unknown attenuation to the chip). :func:`lzsm.fitting.spectroscopy.spectroscopy` reads
the qubit off it: the tunnel splitting :math:`\\Delta`, the two lever arms
:math:`\\varepsilon_0 = \\lambda_\\varepsilon (x - x_0)`, :math:`A = \\lambda_A y`, the flux
origin :math:`x_0`, the coherence time :math:`T_2` and the readout, with standard errors and
their correlations.

The synthetic map follows the amplitude-spectroscopy experiment on a niobium persistent-current
qubit of D. M. Berns, M. S. Rudner, S. O. Valenzuela, K. K. Berggren, W. D. Oliver,
L. S. Levitov and T. P. Orlando, Nature 455, 51 (2008) (and the Mach–Zehnder interferometry of
W. D. Oliver et al., Science 310, 1653 (2005)), with the representative parameters lzsm's
amplitude-spectroscopy example uses: :math:`\\Delta/h = 13` MHz, drive :math:`\\nu = 160` MHz,
:math:`T_1 = 20` µs, :math:`T_2 = 20` ns, persistent current :math:`I_p = 160` nA (0.9986 GHz per
m\\ :math:`\\Phi_0`). They were not checked against the papers' own tables here; no measured data
are shown. The map comes from the exact periodic steady state of the Lindblad equation
(:func:`lzsm.applications.qubits.lindblad_upper_population`), not from the fit model, with
readout visibility 0.9, offset 0.02 and 1 % noise. :math:`T_1` is held at its value from a
separate relaxation measurement: the map fixes :math:`\\Delta^2 T_1` only.

Units: energies as :math:`E/h` in GHz, times in ns, :math:`\\hbar = 1/2\\pi` GHz·ns.
"""

# %%
# The measured map
# ----------------
import matplotlib.pyplot as plt
import numpy as np

import lzsm
from lzsm.applications import qubits

hbar = 1 / (2 * np.pi)  # GHz ns
nu = 0.16  # GHz, the drive (known: the generator's frequency)
omega = 2 * np.pi * nu
truth = {
    "gap": 0.013,  # GHz
    "lever_offset": qubits.flux_detuning_to_bias_ghz(1.0, 160.0),  # GHz per mPhi0 (I_p = 160 nA)
    "origin": 0.07,  # mPhi0 of trapped flux
    "lever_amplitude": 0.01,  # GHz per mV at the source
    "t2": 20.0,  # ns
    "visibility": 0.9,
    "offset": 0.02,
}
t1 = 20_000.0  # ns, measured separately
flux = np.linspace(-1.5, 3.0, 128)  # mPhi0
source = np.linspace(0.0, 300.0, 96)  # mV
exact = qubits.lindblad_upper_population(
    truth["gap"],
    truth["lever_offset"] * (flux[:, None] - truth["origin"]),
    truth["lever_amplitude"] * source[None, :],
    omega,
    t1,
    truth["t2"],
    hbar,
    n_samples=64,
)
rng = np.random.default_rng(2008)
measured = truth["offset"] + truth["visibility"] * exact + rng.normal(0.0, 0.01, exact.shape)

# %%
# Starting values from the map itself
# -----------------------------------
# The multiphoton resonances sit :math:`h\nu` apart in :math:`\varepsilon_0`: along a cut at large
# amplitude their positions in flux are :math:`x_n = x_0 + n h\nu/\lambda_\varepsilon`, a straight
# line in n whose slope and intercept start the dc lever arm and the origin. The amplitude lever
# arm starts from the nominal attenuation of the line (10 % off), the gap and :math:`T_2` from
# rough expectations.
cut = measured[:, source.size * 3 // 4]
peaks = flux[1:-1][(cut[1:-1] > cut[:-2]) & (cut[1:-1] >= cut[2:]) & (cut[1:-1] > 0.2)]
spacing = np.median(np.diff(peaks))
n = np.round((peaks - peaks[0]) / spacing)
slope, intercept = np.polyfit(n, peaks, 1)
n0 = np.round(-intercept / slope)  # the photon number of the line nearest zero bias
guess = {
    "gap": 0.015,
    "lever_offset": nu / slope,
    "origin": intercept + n0 * slope,
    "lever_amplitude": 0.011,
    "t2": 15.0,
}
print(f"{peaks.size} resonances, {slope * 1e3:.1f} uPhi0 apart: lever arm guess {guess['lever_offset']:.4f} GHz/mPhi0")
print(f"origin guess {guess['origin']:.3f} mPhi0")

# %%
# The fit
# -------
fit = lzsm.fit.spectroscopy(
    measured,
    offset_axis=flux,
    amplitude_axis=source,
    frequency=omega,
    hbar=hbar,
    sigma=0.01,
    guess=guess,
    fixed={"t1": t1},
)
print(fit.summary())
pulls = {k: (fit.values[k] - v) / fit.stderr[k] for k, v in truth.items()}
for k, v in truth.items():
    print(f"{k:<16} true {v:<10.6g} fitted {fit.values[k]:.6g} +- {fit.stderr[k]:.2g}  ({pulls[k]:+.1f} sigma)")
assert fit.forward_model == "rate model (Berns et al. 2006)"
assert all(abs(p) < 3 for p in pulls.values())
assert 0.9 < fit.reduced_chi2 < 1.1
assert fit.stderr["gap"] < 0.01 * truth["gap"]

# %%
# Data, model and residuals
# -------------------------
# Left to right: the measured map, the best fit (the rate model of Berns et al., PRL 97, 150502
# (2006), valid here: :math:`\Delta/h\nu = 0.08` and :math:`1/(2\pi\nu T_2) = 0.05`) and the
# residuals, which show noise only.
axes = fit.plot()
axes[0].figure.suptitle(
    rf"$\Delta/h$ = {fit.values['gap'] * 1e3:.2f} $\pm$ {fit.stderr['gap'] * 1e3:.2f} MHz, "
    rf"$T_2$ = {fit.values['t2']:.1f} $\pm$ {fit.stderr['t2']:.1f} ns, "
    rf"$x_0$ = {fit.values['origin'] * 1e3:.1f} $\pm$ {fit.stderr['origin'] * 1e3:.1f} $\mu\Phi_0$"
)
plt.show()
