"""
Tully's simple avoided crossing: exact scattering and surface hopping
=====================================================================

A nucleus of mass :math:`m = 2000` comes in from the left on the lower adiabatic curve of
Tully's first model, :math:`V_{11} = A(1 - e^{-Bx})` (:math:`x \\ge 0`), :math:`V_{22} = -V_{11}`,
:math:`V_{12} = C e^{-Dx^2}`, and leaves transmitted or reflected on either curve. Above the
threshold :math:`k = \\sqrt{2m \\cdot 2A} = 8.94` the upper channel opens and the crossing acts
as a beam splitter whose splitting ratio depends on the incident momentum :math:`k`; below
it, the lower curve's small barrier reflects slow nuclei. The exact probabilities come from
the stationary coupled-channel equations (:func:`lzsm.stationary_scattering`) and, at a few
momenta, from converged wavepackets (:func:`lzsm.wavepacket_scattering`); fewest-switches
surface hopping (:func:`lzsm.surface_hopping`) follows classical trajectories that hop
between the curves.

Compare Fig. 4 of J. C. Tully, J. Chem. Phys. 93, 1061 (1990) (transmission on the lower
and upper state and reflection on the lower state against :math:`k`, surface hopping
against exact quantum results).

Units: atomic units (:math:`\\hbar = 1`, lengths in bohr, energies in hartree, :math:`k` in
1/bohr); adiabatic state 0 is the lower one.
"""

# %%
# Exact results: stationary scattering and wavepackets
# ----------------------------------------------------
import matplotlib.pyplot as plt
import numpy as np

import lzsm

model = lzsm.TullySimple()  # A = 0.01, B = 1.6, C = 0.005, D = 1, mass 2000
k_exact = np.linspace(2.0, 32.0, 121)
exact = lzsm.stationary_scattering(model, k=k_exact)
assert exact.ok

k_wp = np.array([20.0, 30.0])
packets = [lzsm.wavepacket_scattering(model, k).at_momentum() for k in k_wp]
at_wp = lzsm.stationary_scattering(model, k=k_wp)
dev_wp = max(
    np.max(np.abs(p["transmission"] - at_wp.transmission[i])) + np.max(np.abs(p["reflection"] - at_wp.reflection[i]))
    for i, p in enumerate(packets)
)
print(f"wavepackets at k = {k_wp}: T_1 = {[round(float(p['transmission'][1]), 5) for p in packets]}")
print(f"max |wavepacket - stationary| (T and R, both channels) = {dev_wp:.1e}")
assert dev_wp < 1e-3

# %%
# Fewest-switches surface hopping
# -------------------------------
# 1000 trajectories per momentum, all starting at :math:`x_0 = -10` with :math:`p = \hbar k` on
# the lower adiabatic state (Tully's initial conditions), time step 4 a.u., fixed seed.
# The standard errors are binomial, :math:`\sqrt{P(1-P)/N}`.
k_sh = np.arange(6.0, 31.0, 2.0)
fssh = lzsm.surface_hopping(model, k_sh, n_trajectories=1000, seed=7, dt=4.0)
assert fssh.ok
ref = lzsm.stationary_scattering(model, k=k_sh)

# Above the threshold FSSH is known to be good on this model, with an intrinsic error of about
# 0.02 (docs/surface_hopping.md); allow that plus four standard errors.
above = k_sh > 10.0
dev = np.abs(fssh.transmission - ref.transmission)[above]
sigma = fssh.transmission_stderr[above]
print(f"FSSH vs exact for k > 10: max |Delta T_j| = {dev.max():.3f}, max |Delta T_j|/sigma = {np.max(dev / sigma):.1f}")
assert np.all(dev <= 0.02 + 4 * sigma)

# %%
# Tully's three panels
# --------------------
# Lines: exact (stationary). Squares: wavepackets. Dots with error bars: FSSH. Dotted: the
# threshold of the upper channel. Slow nuclei (:math:`k \lesssim 5`) are reflected by the small
# barrier of the lower adiabatic curve, partly tunnelling through it; near the threshold
# (:math:`k = 8`) FSSH reflects too much, and above it FSSH follows the exact curves.
fig, axes = plt.subplots(1, 3, figsize=(12, 3.8), layout="constrained")
panels = [("transmission", 0, "transmission, lower state"), ("reflection", 0, "reflection, lower state")]
panels.append(("transmission", 1, "transmission, upper state"))
for ax, (quantity, state, title) in zip(axes, panels):
    ax.plot(k_exact, getattr(exact, quantity)[:, state], "k-", lw=1.2, label="exact (stationary)")
    ax.plot(k_wp, [p[quantity][state] for p in packets], "s", ms=8, mfc="none", mec="C3", mew=1.5, label="wavepacket")
    ax.errorbar(
        k_sh,
        getattr(fssh, quantity)[:, state],
        yerr=getattr(fssh, f"{quantity}_stderr")[:, state],
        fmt="o",
        ms=4,
        color="C0",
        capsize=2,
        label="FSSH (1000 trajectories)",
    )
    ax.axvline(np.sqrt(2 * model.mass * 0.02), color="0.6", ls=":", lw=1)
    ax.set_xlabel(r"incident momentum $k$ (a.u., 1/bohr)")
    ax.set_ylabel("probability (dimensionless)")
    ax.set_title(title)
    ax.set_ylim(-0.03, 1.03)
axes[0].legend(fontsize=8, loc="lower right")
plt.show()
