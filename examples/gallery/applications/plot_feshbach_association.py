"""
Feshbach molecule association by a magnetic-field ramp
======================================================

Near a magnetic Feshbach resonance a molecular (closed-channel) state crosses the
threshold of a colliding atom pair as the field :math:`B` is tuned. Ramping the field
linearly through the resonance at the rate :math:`\\dot B` turns the pair into a weakly bound
molecule if it follows the adiabatic state. In the two-body model — one pair in a volume
:math:`1/n` — this is one Landau–Zener crossing with

.. math::

   P_{mol} = 1 - e^{-2\\pi\\delta_{LZ}}, \\qquad
   \\delta_{LZ} = \\frac{4\\pi\\hbar n}{m}\\left|\\frac{a_{bg}\\,\\Delta B}{\\dot B}\\right|,

so the conversion efficiency rises with the inverse ramp rate and the density; the form
:math:`1 - \\exp(-\\beta n/|\\dot B|)` is the one fitted to measured conversion curves. The exact
curve propagates the mapped crossing (:func:`lzsm.applications.cold_atoms.feshbach_crossing`,
a :class:`lzsm.LandauZener` along the field offset :math:`B - B_0`) over :math:`B_0 \\pm 2` G.

Compare T. Köhler, K. Góral and P. S. Julienne, Rev. Mod. Phys. 78, 1311 (2006) (the
Landau–Zener treatment of association by field ramps), and the measured conversion of
:sup:`85`\\ Rb and :sup:`40`\\ K against :math:`1/\\dot B` by E. Hodby, S. T. Thompson, C. A. Regal,
M. Greiner, A. C. Wilson, D. S. Jin, E. A. Cornell and C. E. Wieman, Phys. Rev. Lett. 94,
120402 (2005) (their data and fitted saturation are not reproduced here).

Units: SI at the edge — densities in cm⁻³, ramp rates in G/ms, fields in G; :sup:`85`\\ Rb at the
155 G resonance (:math:`a_{bg} = -443\\,a_0`, :math:`\\Delta B = 10.71` G,
:math:`\\Delta\\mu = -2.23\\,\\mu_B`; ``lzsm.applications.cold_atoms.RB85_155G``).
"""

# %%
# Conversion against the inverse ramp rate
# ----------------------------------------
import matplotlib.pyplot as plt
import numpy as np
from scipy import constants

import lzsm
from lzsm.applications import cold_atoms

resonance = cold_atoms.RB85_155G
densities = np.array([0.5e12, 1e12, 3e12])  # cm^-3
rates = np.geomspace(3.0, 1000.0, 24)  # G/ms
inverse_rate = 1e3 / rates  # µs/G

exact = np.array([cold_atoms.feshbach_conversion_exact(resonance, n, rates) for n in densities])
closed = cold_atoms.feshbach_conversion_efficiency(resonance, densities[:, None], rates)
dev = np.max(np.abs(exact - closed))
beta = cold_atoms.feshbach_beta_lz(resonance)  # cm^3 G/s
half = np.log(2) / (beta * 1e12) * 1e6  # 1/Bdot for 50 % conversion at n = 1e12 cm^-3, in µs/G
print(f"max |exact propagation - closed form| = {dev:.1e}")
print(f"beta_LZ = {beta:.3e} cm^3 G/s; 50 % conversion at n = 1e12 cm^-3 for 1/Bdot = {half:.1f} µs/G")
assert dev < 1e-4
assert np.allclose(closed, 1 - np.exp(-beta * densities[:, None] / (rates * 1e3)), rtol=1e-12)

# %%
# The passage in the field
# ------------------------
# For three ramp rates at :math:`n = 10^{12}` cm⁻³: the population of the molecular diabatic
# state (lzsm index 1) against the field offset, sampled every 0.25 mG so that the
# oscillation of the diabatic population after the crossing (local period
# :math:`2\pi\hbar\dot B/|\Delta\mu\,(B - B_0)|`, at least 13 mG here)
# is resolved, with the final conversion (dashed).
ramp = np.array([10.0, 30.0, 100.0])  # G/ms
crossing = cold_atoms.feshbach_crossing(resonance, 1e12, ramp)
b = np.linspace(-0.25, 0.25, 2001)
run = lzsm.evolve(crossing, (-2.0, 2.0), initial="lower", t_eval=b)
assert run.ok
molecule = run.populations[:, 1:-1, 1]  # drop the saved end points -2 G and +2 G
dmu = abs(resonance.delta_mu_bohr_magneton) * constants.physical_constants["Bohr magneton"][0] * 1e-4  # J/G
period_mg = 2 * np.pi * constants.hbar * ramp.min() * 1e3 / (dmu * b.max()) * 1e3
print(f"shortest local period of the oscillation shown: {period_mg:.1f} mG, sampled every {(b[1] - b[0]) * 1e3:.2f} mG")
assert period_mg > 10 * (b[1] - b[0]) * 1e3
final = cold_atoms.feshbach_conversion_efficiency(resonance, 1e12, ramp)

fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(11, 4.2), layout="constrained")
for i, n in enumerate(densities):
    ax0.plot(inverse_rate, closed[i], color=f"C{i}", lw=1.3, label=rf"$n = {n / 1e12:g}\times10^{{12}}$ cm$^{{-3}}$")
    ax0.plot(inverse_rate, exact[i], "o", color=f"C{i}", ms=4, mfc="none")
ax0.plot([], [], "ko", mfc="none", ms=4, label="exact propagation")
ax0.plot([], [], "k-", label=r"$1 - e^{-2\pi\delta_{LZ}}$")
ax0.set_xscale("log")
ax0.set_xlabel(r"inverse ramp rate $1/\dot B$ (µs/G)")
ax0.set_ylabel("molecule conversion efficiency (dimensionless)")
ax0.set_title(r"$^{85}$Rb, 155 G resonance")
ax0.legend(fontsize=8)
for i, r in enumerate(ramp):
    ax1.plot(b * 1e3, molecule[i], color=f"C{i + 3}", lw=1, label=rf"$\dot B$ = {r:g} G/ms")
    ax1.axhline(final[i], color=f"C{i + 3}", ls="--", lw=0.8)
ax1.set_xlabel(r"field offset $B - B_0$ (mG)")
ax1.set_ylabel("population of the molecular state (dimensionless)")
ax1.set_title(r"during the ramp, $n = 10^{12}$ cm$^{-3}$")
ax1.legend(fontsize=8, loc="upper left")
plt.show()
