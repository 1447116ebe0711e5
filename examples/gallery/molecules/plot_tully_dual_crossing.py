"""
Tully's dual avoided crossing: Stückelberg oscillations in a collision
======================================================================

In Tully's second model the excited diabatic curve :math:`V_{22} = -A e^{-Bx^2} + E_0` dips
through the flat ground curve :math:`V_{11} = 0`, so a nucleus coming in on the lower state
meets two avoided crossings, at :math:`x = \\pm 1.57` bohr. The first splits the wave between
the two adiabatic curves, the second recombines it, and the probability to leave on the upper
state oscillates with the collision energy — Stückelberg oscillations, the molecular twin
of a double passage in time. In the adiabatic-impulse picture, with the one-pass
Landau–Zener probability :math:`P` at the crossings and the adiabatic momenta :math:`p_0, p_1`,

.. math::

   T_1 = 4P(1 - P)\\sin^2(\\zeta + \\varphi_S), \\qquad
   \\zeta = \\frac{1}{2\\hbar}\\int_{x_1}^{x_2} \\big(p_0(x) - p_1(x)\\big)\\, dx,

with the Stokes phase :math:`\\varphi_S` (:func:`lzsm.stokes_phase`). The exact probabilities
come from :func:`lzsm.stationary_scattering`; fewest-switches surface hopping
(:func:`lzsm.surface_hopping`) carries the electronic phase along each trajectory and
reproduces the oscillation.

Compare Fig. 5 of J. C. Tully, J. Chem. Phys. 93, 1061 (1990) (transmission probabilities
against :math:`\\ln E`); E. C. G. Stückelberg, Helv. Phys. Acta 5, 369 (1932).

Units: atomic units (:math:`\\hbar = 1`, mass 2000, lengths in bohr, energies :math:`E` in
hartree); adiabatic state 0 is the lower one. The upper channel opens at :math:`E = E_0 = 0.05`
(:math:`\\ln E = -3.0`).
"""

# %%
# Exact scattering against the collision energy
# ---------------------------------------------
import matplotlib.pyplot as plt
import numpy as np

import lzsm

model = lzsm.TullyDual()  # A = 0.1, B = 0.28, C = 0.015, D = 0.06, E0 = 0.05
ln_e = np.linspace(-4.0, 1.0, 81)
energy = np.exp(ln_e)
# sectors of 0.02 bohr (the default shrinks them as 0.3/k, which is costly at high energy and
# not needed here: the Richardson error estimate stays small)
exact = lzsm.stationary_scattering(model, k=np.sqrt(2 * model.mass * energy), step=0.02)
assert exact.ok
print(f"stationary scattering: largest error estimate {np.max(exact.error_estimate):.1e}")
assert np.max(exact.error_estimate) < 1e-3

# %%
# The adiabatic-impulse estimate
# ------------------------------
# :func:`lzsm.find_curve_crossings` locates the two crossings and their Landau–Zener parameters;
# the phase :math:`\zeta` is the difference of the adiabatic actions between them.
c1, c2 = lzsm.find_curve_crossings(model, (-5.0, 5.0))
print(f"crossings at x = {c1.position:.4f}, {c2.position:.4f} bohr, V12 = {c1.coupling:.5f} hartree")
x = np.linspace(c1.position, c2.position, 2001)
levels = lzsm.adiabatic_energies(model, x)  # (x, 2), index 0 lowest
open_ = energy > model.potential(np.array([50.0]))[0, 1, 1]  # upper channel open (E > E0)
e_open = energy[open_]
p_ad = np.sqrt(2 * model.mass * np.clip(e_open[:, None, None] - levels[None], 0.0, None))
zeta = np.trapezoid(p_ad[..., 0] - p_ad[..., 1], x, axis=1) / (2 * model.hbar)
p_lz = c1.energy_resolved_p_diabatic_stay(e_open)
phase = zeta + lzsm.stokes_phase(-np.log(p_lz) / (2 * np.pi))
aim_t1 = lzsm.molecules.two_pass_probability(p_lz, phase)

well_above = ln_e[open_] >= -2.5
dev_aim = np.max(np.abs(aim_t1 - exact.transmission[open_, 1])[well_above])
print(f"max |AIM - exact| on T_1 for ln E >= -2.5: {dev_aim:.3f}")
assert dev_aim < 0.04

# %%
# Fewest-switches surface hopping
# -------------------------------
# 1000 trajectories per energy from :math:`x_0 = -10`, time step 2 a.u., fixed seed. At the
# lowest energies, around the threshold, FSSH misses parts of the pattern (by more than 0.1); from
# :math:`\ln E = -1.7` on FSSH follows the exact oscillation within its intrinsic error
# (about 0.02) plus four binomial standard errors.
ln_e_sh = np.linspace(-3.6, 1.0, 15)
k_sh = np.sqrt(2 * model.mass * np.exp(ln_e_sh))
fssh = lzsm.surface_hopping(model, k_sh, n_trajectories=1000, seed=7, dt=2.0)
assert fssh.ok
ref = lzsm.stationary_scattering(model, k=k_sh, step=0.02)
dev = np.abs(fssh.transmission - ref.transmission)
sel = ln_e_sh >= -1.7
for le, d0, s0 in zip(ln_e_sh, dev[:, 0], fssh.transmission_stderr[:, 0]):
    print(f"ln E = {le:5.2f}: |FSSH - exact| on T_0 = {d0:.3f} ({d0 / s0:.1f} sigma)")
assert np.all(dev[sel] <= 0.02 + 4 * fssh.transmission_stderr[sel])
assert dev[~sel, 0].max() > 0.1

# %%
# Tully's panels
# --------------
fig, axes = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
for ax, state, name in zip(axes, (0, 1), ("lower", "upper")):
    ax.plot(ln_e, exact.transmission[:, state], "k-", lw=1.3, label="exact (stationary)")
    aim = aim_t1 if state == 1 else 1 - aim_t1
    ax.plot(ln_e[open_], aim, "--", color="C2", lw=1.3, label="adiabatic-impulse model")
    ax.errorbar(
        ln_e_sh,
        fssh.transmission[:, state],
        yerr=fssh.transmission_stderr[:, state],
        fmt="o",
        ms=4,
        color="C0",
        capsize=2,
        label="FSSH (1000 trajectories)",
    )
    ax.axvline(np.log(0.05), color="0.6", ls=":", lw=1)
    ax.set_xlabel(r"$\ln(E/\mathrm{hartree})$, collision energy $E$")
    ax.set_ylabel("probability (dimensionless)")
    ax.set_title(f"transmission, {name} state")
    ax.set_ylim(-0.03, 1.05)
axes[1].legend(fontsize=8, loc="upper left")
plt.show()
