"""
Zener breakdown and Bloch–Zener staircases in a tilted lattice
==============================================================

Atoms in an optical lattice :math:`V_0\\sin^2(k_L x)` under a constant force :math:`F` sweep
their quasimomentum through the Brillouin zone, :math:`\\kappa(t) = q/k_L = F_0 t/\\pi` (time in
:math:`\\hbar/E_r`, :math:`F_0 = F d/E_r`). At every zone edge the lowest band meets the
first excited band across the gap :math:`\\Delta`, and with the Landau–Zener probability

.. math::

   P = \\exp\\!\\left(-\\frac{\\pi^2 \\Delta^2}{8 F_0}\\right) \\;\\approx\\;
   \\exp\\!\\left(-\\frac{\\pi^2 V_0^2}{32 F_0}\\right) \\quad (\\Delta \\approx V_0/2)

the atom tunnels out of the band (Zener breakdown), so the ground-band population decays
as a staircase :math:`(1 - P)^n` after :math:`n` Bloch periods. The exact calculation propagates
the lattice in plane waves (:mod:`lzsm.applications.solids`, a :class:`lzsm.LinearSweep`
:math:`H = A + Bt`).

Compare C. Zener, Proc. R. Soc. A 145, 523 (1934), and the time-resolved, step-like
Landau–Zener tunnelling of Bose–Einstein condensates measured by A. Zenesini, H. Lignier,
G. Tayebirad, J. Radogostowicz, D. Ciampini, R. Mannella, S. Wimberger, O. Morsch and
E. Arimondo, Phys. Rev. Lett. 103, 090403 (2009) (their parameters and data are not
reproduced here).

Units: recoil units — energies in :math:`E_r = \\hbar^2k_L^2/2M`, times in :math:`\\hbar/E_r`,
quasimomentum :math:`\\kappa = q/k_L`, force :math:`F_0 = F d/E_r` (:math:`d = \\pi/k_L`); for
:sup:`87`\\ Rb in a 842 nm lattice :math:`F_0 = 1` is an acceleration of 35.3 m/s²
(:func:`lzsm.applications.solids.acceleration_from_force`).
"""

# %%
# The bands and the zone-edge gap
# -------------------------------
import matplotlib.pyplot as plt
import numpy as np

from lzsm.applications import solids

kappa = np.linspace(-2.0, 2.0, 401)
bands = solids.band_energies(kappa, 1.0, n_bands=3)  # V0 = 1 E_r
depths = np.array([0.5, 1.0, 1.8])
gaps = solids.band_gap(depths)
print("zone-edge gaps Delta/E_r:", np.round(gaps, 4), " (V0/2:", depths / 2, ")")

# %%
# Tunnelling per Bloch period: exact against Landau–Zener
# -------------------------------------------------------
# One Bloch period from the zone centre in the lowest band, propagated exactly in plane waves
# (:func:`lzsm.applications.solids.tunnelling_per_bloch_period`), against the Landau–Zener
# formula with the exact gap. In shallow lattices one period is one Landau–Zener passage to
# within 2 %; deeper lattices deviate more (interference with the other plane-wave couplings).
f0 = np.geomspace(0.25, 3.0, 12)
exact = solids.tunnelling_per_bloch_period(depths[:, None], f0)
lz = solids.lz_tunnelling_probability(depths[:, None], f0)
weak = solids.weak_lattice_lz_probability(depths[:, None], f0)
rel = np.max(np.abs(exact / lz - 1), axis=1)
for v0, r in zip(depths, rel):
    print(f"V0 = {v0} E_r: max |P_exact / P_LZ - 1| over 0.25 <= F0 <= 3: {r:.3f}")
assert np.all(rel[:2] < 0.02)
assert 0.02 < rel[2] < 0.1

# %%
# The staircase in time
# ---------------------
# Four Bloch periods at :math:`V_0 = 1\,E_r`, :math:`F_0 = 0.5`, 200 samples per period
# (:func:`lzsm.applications.solids.bloch_zener_trace`): the lowest-band population
# (adiabatic basis) falls in steps at the zone edges :math:`t = T_B/2, 3T_B/2, \dots`; the
# population of the first-zone momentum (diabatic basis, what a time-of-flight image counts)
# jumps there. The staircase assumes the tunnelled wave never returns; a small part is
# Bragg-reflected at the narrow gap between the excited bands and interferes at the next
# edge, so the exact ground band lies a few per cent above :math:`(1-P)^n`. In the two-band
# model the tunnelled part cannot escape and comes back: Bloch–Zener oscillations.
trace = solids.bloch_zener_trace(1.0, 0.5, periods=4, points_per_period=200)
assert trace.ok
s = trace.t_over_bloch_period
p1 = trace.p_tunnel_per_bloch_period
for n, tol in ((2, 0.02), (3, 0.04)):
    i = np.argmin(np.abs(s - n))
    ratio = trace.ground_band[i] / (1 - p1) ** n - 1
    print(f"after {n} periods: ground band {trace.ground_band[i]:.4f}, (1-P)^{n} = {(1 - p1) ** n:.4f} ({ratio:+.1%})")
    assert abs(ratio) < tol

# %%
# The figure
# ----------
fig, axes = plt.subplots(1, 3, figsize=(13, 4), layout="constrained")
ax = axes[0]
for n in (-1, 0, 1):  # free-particle waves |q + 2n k_L>, shifted by the mean potential V0/2
    ax.plot(kappa, (kappa + 2 * n) ** 2 + 0.5, color="0.7", lw=1, label="free particle + $V_0/2$" if n == 0 else None)
for b in range(3):
    ax.plot(kappa, bands[:, b], lw=1.8, label=f"band {b}")
edge = np.argmin(np.abs(kappa - 1.0))
ax.annotate("", xy=(1.0, bands[edge, 1]), xytext=(1.0, bands[edge, 0]), arrowprops={"arrowstyle": "<->", "lw": 1})
ax.text(1.08, 1.45, rf"$\Delta = {gaps[1]:.3f}\,E_r$", fontsize=8)
ax.set_ylim(0, 5)
ax.set_xlabel(r"quasimomentum $\kappa = q/k_L$ (dimensionless)")
ax.set_ylabel(r"energy ($E_r$)")
ax.set_title(r"Bloch bands, $V_0 = 1\,E_r$")
ax.legend(fontsize=8, loc="upper center")

ax = axes[1]
for i, v0 in enumerate(depths):
    c = f"C{i}"
    ax.semilogy(1 / f0, exact[i], "o", color=c, ms=5, label=rf"$V_0 = {v0}\,E_r$, plane waves")
    ax.semilogy(1 / f0, lz[i], "-", color=c, lw=1.2)
    ax.semilogy(1 / f0, weak[i], ":", color=c, lw=1.2)
ax.plot([], [], "k-", label="LZ, exact gap")
ax.plot([], [], "k:", label=r"$\exp(-\pi^2V_0^2/32F_0)$")
ax.set_xlabel(r"inverse force $1/F_0$ (dimensionless)")
ax.set_ylabel("tunnelling per Bloch period (dimensionless)")
ax.set_title("Zener breakdown")
ax.legend(fontsize=7, loc="lower left")

ax = axes[2]
ax.plot(s, trace.ground_band, "C0", lw=1.8, label="lowest band (adiabatic)")
ax.plot(s, trace.first_zone_momentum, "C1", lw=1, label="first-zone momentum (diabatic)")
ax.plot(s, trace.staircase, "k--", lw=1.2, label=r"$(1-P)^n$")
ax.plot(s, trace.two_band_lower, "C2", lw=1, label="two-band model, lower band")
ax.set_xlabel(r"time $t/T_B$ (Bloch periods)")
ax.set_ylabel("population (dimensionless)")
ax.set_title(r"$V_0 = 1\,E_r$, $F_0 = 0.5$")
ax.legend(fontsize=7, loc="upper right")
plt.show()
