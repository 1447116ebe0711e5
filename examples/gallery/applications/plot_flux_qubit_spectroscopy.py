"""
Amplitude spectroscopy of a flux qubit
======================================

A persistent-current (flux) qubit has two diabatic states, clockwise and anticlockwise
current :math:`\\pm I_p`, whose energies cross as the flux through its loop passes half a flux
quantum: a flux detuning :math:`\\delta f = \\Phi/\\Phi_0 - 1/2` sets the bias
:math:`\\varepsilon_0 = 2 I_p \\Phi_0\\, \\delta f`, tunnelling opens the gap :math:`\\Delta`, and a
microwave flux of amplitude :math:`A` and frequency :math:`\\nu` sweeps the bias through the
crossing twice per period. With relaxation (:math:`T_1`) and dephasing (:math:`T_2`) the
time-averaged population of the upper diabatic state is (D. M. Berns et al., PRL 97, 150502
(2006))

.. math::

   \\overline{P}_{up} = \\frac{W}{2W + 1/T_1}, \\qquad
   W = \\frac{\\Delta^2}{2}\\sum_n J_n^2\\!\\left(\\frac{A}{h\\nu}\\right)
       \\frac{\\Gamma_2}{(\\varepsilon_0 - nh\\nu)^2 + (\\hbar\\Gamma_2)^2}, \\quad \\Gamma_2 = 1/T_2:

multiphoton resonances at :math:`\\varepsilon_0 = nh\\nu`, cut at the Bessel nodes
:math:`A = h\\nu\\,j_{n,k}`, and a fall-off outside the "diamonds" :math:`A > |\\varepsilon_0|`, where
the drive reaches the crossing. The diamond edges are rounded: :math:`J_n(x)` switches on over
an Airy scale below :math:`x = n`, a line saturates as soon as :math:`W \\gg 1/T_1`, and the
Lorentzian tails of the dephasing leave a background. The map is the rate model
(:func:`lzsm.applications.qubits.rate_model_map`); along the 3-photon line every point is
checked against the exact periodic steady state of the Lindblad equation
(:func:`lzsm.applications.qubits.lindblad_upper_population`).

Compare the Mach–Zehnder-type interference of W. D. Oliver, Y. Yu, J. C. Lee,
K. K. Berggren, L. S. Levitov and T. P. Orlando, Science 310, 1653 (2005), and the
amplitude-spectroscopy diamonds of D. M. Berns, M. S. Rudner, S. O. Valenzuela,
K. K. Berggren, W. D. Oliver, L. S. Levitov and T. P. Orlando, Nature 455, 51 (2008). The
parameters below are representative of those niobium qubits, not the papers' fitted values;
no measured data are shown.

Units: energies as :math:`E/h` in GHz, times in ns, :math:`\\hbar = 1/2\\pi` GHz·ns;
:math:`\\Delta/h = 13` MHz, :math:`\\nu = 160` MHz, :math:`T_1 = 20` µs, :math:`T_2 = 20` ns,
:math:`I_p = 160` nA; flux detuning in m\\ :math:`\\Phi_0`.
"""

# %%
# The rate-model map
# ------------------
import matplotlib.pyplot as plt
import numpy as np

from lzsm.applications import qubits

hbar = 1 / (2 * np.pi)  # GHz ns
gap, nu = 0.013, 0.16  # GHz
omega = 2 * np.pi * nu  # rad/ns
t1, t2 = 20_000.0, 20.0  # ns
i_p = 160.0  # nA
flux = np.linspace(-1.5, 3.0, 901)  # mPhi0
offset = qubits.flux_detuning_to_bias_ghz(flux, i_p)  # eps0/h in GHz
amplitude = np.linspace(0.0, 3.0, 601)  # A/h in GHz
p_map = qubits.rate_model_map(gap, offset, amplitude, omega, t1, t2, hbar)  # (flux, amplitude)
print(f"I_p = {i_p} nA: 1 mPhi0 of flux detuning is eps0/h = {offset[-1] / flux[-1]:.4f} GHz")

# %%
# Resonances and Bessel nodes on fine cuts
# ----------------------------------------
# At :math:`A/h = 2` GHz the maxima of :math:`\overline{P}_{up}(\varepsilon_0)` sit on
# :math:`\varepsilon_0 = nh\nu`; on the 3-photon line :math:`\varepsilon_0 = 3h\nu` the minima of
# :math:`\overline{P}_{up}(A)` sit on the zeros of :math:`J_3`
# (:func:`lzsm.applications.qubits.bessel_nodes`), to within a small fraction of :math:`h\nu`.
eps_fine = np.linspace(0.5 * nu, 12.5 * nu, 6001)
peaks = qubits.local_extrema(eps_fine, qubits.rate_model_map(gap, eps_fine, [2.0], omega, t1, t2, hbar)[:, 0])
n_peak = np.round(peaks / nu)
dev_peaks = np.max(np.abs(peaks - n_peak * nu)) / nu
a_fine = np.linspace(0.0, 3.0, 3001)
cut_fine = qubits.rate_model_map(gap, [3 * nu], a_fine, omega, t1, t2, hbar)[0]
minima = qubits.local_extrema(a_fine, cut_fine, "min")
nodes = qubits.bessel_nodes(3, omega, 3.0, hbar)
dev_nodes = np.max(np.abs(minima - nodes)) / nu
print(f"resonance peaks at n = {n_peak.astype(int)}: max |eps0 - n h nu| = {dev_peaks:.1e} h nu")
print(f"3-photon minima at A/h = {np.round(minima, 4)} GHz, nodes h nu j_3k = {np.round(nodes, 4)} GHz")
print(f"max deviation {dev_nodes:.1e} h nu")
assert np.array_equal(n_peak, np.arange(1, 13))
assert dev_peaks < 1e-3
assert minima.size == nodes.size and dev_nodes < 3e-3

# %%
# The exact check
# ---------------
# 61 amplitudes on the 3-photon line and the four Bessel nodes: the periodic steady state of the Lindblad equation with
# relaxation between the diabatic states and diabatic dephasing, averaged over one period.
a_check = np.sort(np.concatenate([np.linspace(0.05, 3.0, 61), nodes]))
lindblad = qubits.lindblad_upper_population(gap, 3 * nu, a_check, omega, t1, t2, hbar)
rate = qubits.rate_model_map(gap, [3 * nu], a_check, omega, t1, t2, hbar)[0]
dev_lindblad = np.max(np.abs(lindblad - rate))
print(f"max |Lindblad - rate model| on the 3-photon line: {dev_lindblad:.1e}")
assert dev_lindblad < 5e-3

# %%
# The figure
# ----------
# Left: the map, with the diamond edges :math:`A = |\varepsilon_0|` (dashed), the 3-photon line
# (cyan) and its Bessel nodes (circles). Right: the 3-photon cut, rate model and Lindblad.
fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(12, 4.6), layout="constrained")
mesh = ax0.pcolormesh(flux, amplitude, p_map.T, shading="auto", cmap="inferno", vmin=0, vmax=0.5)
fig.colorbar(mesh, ax=ax0, label=r"$\overline{P}_{up}$ (dimensionless)")
ax0.plot(flux, np.abs(offset), "w--", lw=0.8)
f3 = 3 * nu * flux[-1] / offset[-1]
ax0.axvline(f3, color="c", lw=0.6, alpha=0.7)
ax0.plot(np.full(nodes.shape, f3), nodes, "o", mfc="none", mec="c", ms=7)
ax0.set_ylim(0, 3)
ax0.set_xlabel(r"flux detuning $\delta f$ (m$\Phi_0$)")
ax0.set_ylabel(r"microwave amplitude $A/h$ (GHz)")
ax0.set_title(r"flux qubit, $\nu$ = 160 MHz, $T_2$ = 20 ns")
ax1.plot(a_fine, cut_fine, "k-", lw=1.2, label="rate model")
ax1.plot(a_check, lindblad, "o", color="C1", ms=4, label="Lindblad steady state")
for z in nodes:
    ax1.axvline(z, color="c", lw=0.8, ls=":")
ax1.axvline(3 * nu, color="0.5", lw=0.8, ls="--", label=r"diamond edge $A = \varepsilon_0$")
ax1.set_xlabel(r"microwave amplitude $A/h$ (GHz)")
ax1.set_ylabel(r"$\overline{P}_{up}$ (dimensionless)")
ax1.set_title(r"3-photon line $\varepsilon_0 = 3h\nu$ (dotted: zeros of $J_3$)")
ax1.legend(fontsize=8, loc="lower right")
plt.show()
