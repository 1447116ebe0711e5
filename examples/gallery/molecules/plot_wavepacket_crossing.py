"""
A wavepacket passing a curve crossing
=====================================

A Gaussian nuclear wavepacket (mean wavenumber :math:`k_0 = 20`, width :math:`\\sigma_x = 1`
bohr) starts on diabatic state 0 — the lower curve on the left — of Tully's simple avoided
crossing and is propagated exactly with the split-operator method (:func:`lzsm.propagate`,
:func:`lzsm.gaussian_wavepacket`):

.. math::

   \\psi(t + \\delta t) = e^{-iV\\delta t/2\\hbar}\\, \\mathcal{F}^{-1} e^{-i\\hbar k^2\\delta t/2m}
   \\mathcal{F}\\, e^{-iV\\delta t/2\\hbar}\\, \\psi(t).

At the crossing (:math:`x = 0`) the packet splits: the part that follows the lower adiabatic
curve changes its diabatic character (diabatic state 0 is the upper curve on the right), the
part that keeps its diabatic character jumps to the upper adiabatic curve and runs on more
slowly. The final populations are checked against the stationary scattering probabilities
averaged over the packet's momentum distribution
:math:`|\\phi(k)|^2 = \\sqrt{2/\\pi}\\,\\sigma_x e^{-2\\sigma_x^2(k - k_0)^2}`.

Compare the wavepacket picture of J. C. Tully, J. Chem. Phys. 93, 1061 (1990) (model 1) and
the split-operator method of M. D. Feit, J. A. Fleck and A. Steiger, J. Comput. Phys. 47,
412 (1982).

Units: atomic units (:math:`\\hbar = 1`, mass 2000, lengths in bohr, energies in hartree,
times in :math:`\\hbar/E_h`).
"""

# %%
# Propagation
# -----------
# A periodic grid of 1024 points on [-25, 35) bohr resolves wavenumbers up to
# :math:`\pi/dx = 54`; the packet never reaches the edges in the 2400 a.u. shown, so no
# absorber is needed. Time step 1 a.u.; a snapshot every 10 steps.
import matplotlib.pyplot as plt
import numpy as np

import lzsm

model = lzsm.TullySimple()
grid = lzsm.Grid.uniform((-25.0, 35.0), 1024)
k0, sigma_x, x0 = 20.0, 1.0, -10.0
psi0 = lzsm.gaussian_wavepacket(grid, x0, k0, sigma_x, [1.0, 0.0])
ev = lzsm.propagate(model, grid, psi0, mass=model.mass, dt=1.0, n_steps=2400, save_every=10)
x = grid.axes[0]
print(f"norm drift {abs(ev.norm[-1] - 1):.1e}, momentum tail {ev.momentum_tail:.1e}")
assert abs(ev.norm[-1] - 1) < 1e-10

# %%
# Check against stationary scattering
# -----------------------------------
# Once both parts have left the coupling region, the population of adiabatic channel j is
# :math:`\int |\phi(k)|^2 (T_j(k) + R_j(k))\, dk` with the stationary probabilities
# (:func:`lzsm.stationary_scattering`), here on 41 momenta within :math:`\pm 5\sigma_k`.
sigma_k = 1 / (2 * sigma_x)
k = np.linspace(k0 - 5 * sigma_k, k0 + 5 * sigma_k, 41)
weight = np.sqrt(2 / np.pi) * sigma_x * np.exp(-2 * sigma_x**2 * (k - k0) ** 2)
st = lzsm.stationary_scattering(model, k=k)
expected = np.trapezoid(weight[:, None] * (st.transmission + st.reflection), k, axis=0)
final = ev.adiabatic_populations[-1]
print(f"final adiabatic populations: packet {np.round(final, 5)}, stationary average {np.round(expected, 5)}")
print(f"max difference {np.max(np.abs(final - expected)):.1e} (tolerance 1e-4)")
assert np.max(np.abs(final - expected)) < 1e-4

# %%
# Snapshots of both diabatic densities
# ------------------------------------
# Left: the diabatic curves and the adiabatic ones (the packet's mean energy,
# :math:`\hbar^2 k_0^2/2m - A \approx 0.09` hartree, lies far above both). Middle: :math:`|\psi_0(x)|^2` and
# :math:`|\psi_1(x)|^2` every 400 a.u., each drawn at the height of its time. Right: the
# populations in both pictures against time.
fig, axes = plt.subplots(1, 3, figsize=(13, 4.6), layout="constrained", gridspec_kw={"width_ratios": [1, 1.4, 1]})
xv = np.linspace(-12, 18, 601)
v = model.potential(xv)
e_ad = lzsm.adiabatic_energies(model, xv)
ax = axes[0]
ax.plot(xv, v[:, 0, 0], "C0", lw=2, label=r"$V_{00}$ (diabatic 0)")
ax.plot(xv, v[:, 1, 1], "C3", lw=2, label=r"$V_{11}$ (diabatic 1)")
ax.plot(xv, 10 * v[:, 0, 1], "C2", lw=1, label=r"$10\,V_{01}$")
ax.plot(xv, e_ad[:, 0], "k--", lw=1, label="adiabatic")
ax.plot(xv, e_ad[:, 1], "k--", lw=1)
ax.set_xlabel("x (bohr)")
ax.set_ylabel("energy (hartree)")
ax.set_title("Tully's simple avoided crossing")
ax.legend(fontsize=7, loc="upper left")

ax = axes[1]
scale = 400.0  # a.u. of time per unit of density (1/bohr)
for i in range(0, ev.times.size, 40):
    t = ev.times[i]
    rho = np.abs(ev.psi[i]) ** 2
    ax.fill_between(x, t, t + scale * rho[:, 0], color="C0", alpha=0.6, lw=0)
    ax.fill_between(x, t, t + scale * rho[:, 1], color="C3", alpha=0.6, lw=0)
ax.plot([], [], "s", color="C0", alpha=0.6, label=r"$|\psi_0(x)|^2$")
ax.plot([], [], "s", color="C3", alpha=0.6, label=r"$|\psi_1(x)|^2$")
ax.axvline(0.0, color="0.6", ls=":", lw=1)
ax.set_xlim(-15, 20)
ax.set_xlabel("x (bohr)")
ax.set_ylabel(r"time $t$ (a.u.); densities drawn at 400 a.u. per bohr$^{-1}$")
ax.set_title("diabatic densities")
ax.legend(fontsize=8, loc="upper left")

ax = axes[2]
ax.plot(ev.times, ev.diabatic_populations[:, 0], "C0", label="diabatic 0")
ax.plot(ev.times, ev.diabatic_populations[:, 1], "C3", label="diabatic 1")
ax.plot(ev.times, ev.adiabatic_populations[:, 0], "k--", label="adiabatic 0 (lower)")
ax.plot(ev.times, ev.adiabatic_populations[:, 1], "k:", label="adiabatic 1 (upper)")
ax.set_xlabel("time t (a.u.)")
ax.set_ylabel("population (dimensionless)")
ax.set_title("populations in both pictures")
ax.legend(fontsize=8)
plt.show()
