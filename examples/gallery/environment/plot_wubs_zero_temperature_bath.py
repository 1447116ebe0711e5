"""
A quantum bath at zero temperature leaves P_LZ unchanged
========================================================

Couple the Landau–Zener system to harmonic oscillators through the diabatic operator,

.. math::

    H = \\frac{\\alpha t}{2}\\sigma_z + V\\sigma_x
        + \\sigma_z \\sum_k g_k (b_k + b_k^\\dagger) + \\sum_k \\epsilon_k b_k^\\dagger b_k .

Wubs, Saito, Kohler, Hänggi and Kayanuma showed that at zero temperature, with the whole
system starting in its ground state, the probability to stay in the initial diabatic state is
*exactly* :math:`P_{LZ} = e^{-2\\pi V^2/\\hbar\\alpha}`, however strong the coupling and whatever
the bath spectrum.  At finite temperature it is not.  A Markovian weak-coupling (Davies)
master equation misses the zero-temperature result: it lets the system relax after the
crossing, which the exact dynamics forbids for this coupling.

Reproduces M. Wubs, K. Saito, S. Kohler, P. Hänggi and Y. Kayanuma, Phys. Rev. Lett. 97, 200404
(2006); for a single mode see also S. Ashhab, Phys. Rev. A 94, 042109 (2016).
"""

# %%
# Exact propagation with one explicit bath mode
# ---------------------------------------------
# Units: :math:`\hbar = 1`, :math:`\alpha = 1`; :math:`V = 0.3` (:math:`P_{LZ} = 0.568`), a mode
# of energy :math:`\epsilon = 1`, window :math:`[-40, 40]`.  :func:`lzsm.spin_boson` treats the
# mode exactly (Fock space truncated at 8 quanta, 16 levels in all), starts in the ground
# state of the whole :math:`H(t_0)` within the initial diabatic sector (thermal states within
# it at :math:`k_BT > 0`) and reads the probability in the eigenstates of :math:`H(t_1)`.

import matplotlib.pyplot as plt
import numpy as np

import lzsm

V, alpha, T = 0.3, 1.0, 40.0
model = lzsm.LandauZener(V, alpha)
p_lz = float(lzsm.lz_probability(V, alpha))
couplings = np.array([0.0, 0.15, 0.3, 0.45, 0.6, 0.9, 1.2])
temperatures = [0.0, 1.0]
p_stay = {
    kT: np.array(
        [
            lzsm.spin_boson(model, (-T, T), 0, mode_energies=[1.0], couplings=[g], temperature=kT).p_diabatic_stay
            for g in couplings
        ]
    )
    for kT in temperatures
}
print(f"P_LZ = {p_lz:.6f}")
for kT in temperatures:
    print(f"k_B T = {kT}: p_diabatic_stay for g = {couplings}: {np.round(p_stay[kT], 6)}")

# %%
# Checks
# ------
# * At zero temperature :math:`|p_{\rm diabatic\ stay} - P_{LZ}| < 10^{-5}` for every coupling
#   up to :math:`g = 1.2` (the residue is the finite window, :math:`O((V/\alpha T)^2)`).
# * At :math:`k_BT = 1` and :math:`g \geq 0.15` it is larger than :math:`P_{LZ}` by more than
#   :math:`5\times 10^{-3}`, far beyond the Fock truncation: 10 instead of 8 quanta changes it
#   by less than :math:`2\times 10^{-3}`.

deviation = np.abs(p_stay[0.0] - p_lz)
print(f"T = 0: max |p_diabatic_stay - P_LZ| = {deviation.max():.1e}")
assert deviation.max() < 1e-5
assert np.all(p_stay[1.0][1:] - p_lz > 5e-3)
finer = lzsm.spin_boson(
    model, (-T, T), 0, mode_energies=[1.0], couplings=[couplings[-1]], temperature=1.0, n_fock=10
).p_diabatic_stay
print(f"k_B T = 1, g = 1.2: 8 quanta {p_stay[1.0][-1]:.6f}, 10 quanta {finer:.6f}")
assert abs(finer - p_stay[1.0][-1]) < 2e-3

# %%
# The Markovian (Davies) master equation at zero temperature
# ----------------------------------------------------------
# :func:`lzsm.evolve_open` with an Ohmic bath :math:`J(\epsilon) = \eta\,\epsilon\, e^{-\epsilon/\epsilon_c}`
# (:math:`\epsilon_c = 1`) coupled through :math:`\sigma_z` uses golden-rule rates between the
# instantaneous levels.  At :math:`k_BT = 0` it relaxes the upper level after the crossing and
# lowers the probability to stay diabatic; Wubs' theorem (any spectrum) says the exact value is
# still :math:`P_{LZ}`.  To compare like with like, the master equation starts in the lower
# adiabatic state and reads ``p_jump`` in the eigenstates at :math:`t_1`, as
# :func:`lzsm.spin_boson` does; without a bath this is :math:`P_{LZ}` to 1e-5.

etas = np.array([0.0, 0.005, 0.01, 0.02, 0.04, 0.07, 0.1])
davies = {
    kT: np.array(
        [
            lzsm.evolve_open(model, (-T, T), "lower", bath=lzsm.OhmicBath(eta, 1.0), temperature=kT).p_jump
            for eta in etas
        ]
    )
    for kT in (0.0, 1.0)
}
print(f"Davies, k_B T = 0: {np.round(davies[0.0], 5)} (P_LZ = {p_lz:.5f})")
assert abs(davies[0.0][0] - p_lz) < 1e-5
assert np.all(np.diff(davies[0.0]) < 0)

# %%
# The figure
# ----------

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.5), layout="constrained")
for k, kT in enumerate(temperatures):
    ax1.plot(couplings, p_stay[kT], "o-", color=f"C{k}", mfc="none", label=f"exact, $k_BT$ = {kT:g}")
ax1.axhline(p_lz, color="k", ls=":", label=rf"$P_{{LZ}}$ = {p_lz:.4f}")
ax1.set_xlabel(r"mode coupling $g$ (units of $\sqrt{\hbar\alpha}$)")
ax1.set_ylabel(r"$p_{\rm diabatic\ stay}$ (dimensionless)")
ax1.set_title(r"one explicit mode ($\epsilon = 1$), exact")
ax1.set_ylim(0.56, 0.60)
ax1.legend(frameon=False, fontsize=8)

ax2.plot(etas, davies[0.0], "s-", color="C0", mfc="none", label=r"Davies master equation, $k_BT$ = 0")
ax2.plot(etas, davies[1.0], "s-", color="C2", mfc="none", label=r"Davies master equation, $k_BT$ = 1")
ax2.axhline(p_lz, color="k", ls=":", label=r"$P_{LZ}$: exact at $k_BT = 0$ (Wubs et al.)")
ax2.set_xlabel(r"Ohmic coupling $\eta$ (dimensionless), cutoff $\epsilon_c = 1$")
ax2.set_ylabel(r"$p_{\rm jump}$ = $p_{\rm diabatic\ stay}$ asymptotically (dimensionless)")
ax2.set_title("Markovian weak-coupling generator")
ax2.legend(frameon=False, fontsize=8, loc="lower left")
plt.show()
