"""
Dephasing at a crossing: Kayanuma's limit and the quantum Zeno effect
=====================================================================

Pure dephasing at rate :math:`\\gamma_\\phi` in the diabatic basis (random fluctuations of the
bias, :math:`L = \\sqrt{\\gamma_\\phi/2}\\,\\sigma_z`) destroys the coherence that the
Landau–Zener transition is built on.  When it is fast (:math:`\\gamma_\\phi \\gg |V|/\\hbar`
and :math:`\\gamma_\\phi^2 \\gg |\\alpha|/\\hbar`) the populations obey rate equations with the
golden-rule rate through a Lorentzian of width :math:`\\hbar\\gamma_\\phi`,
:math:`k(t) = 2V^2\\gamma_\\phi/((\\alpha t)^2 + (\\hbar\\gamma_\\phi)^2)`, whose integral over a
whole passage is :math:`2\\pi\\delta` whatever :math:`\\gamma_\\phi`.  The probability to stay
diabatic is then Kayanuma's

.. math::

    P_{\\rm stay} = \\frac{1 + e^{-4\\pi\\delta}}{2}, \\qquad
    1 - P_{\\rm stay} = \\frac{1 - P_{LZ}^2}{2} \\quad (P_{LZ} = e^{-2\\pi\\delta}),

so dephasing pushes the populations towards 1/2 instead of letting the system follow the
adiabatic state.  Over a *finite* window :math:`[-T, T]` the integral is
:math:`(4V^2/\\hbar\\alpha)\\arctan(\\alpha T/\\hbar\\gamma_\\phi)`, which falls as
:math:`4V^2T/(\\hbar^2\\gamma_\\phi)` once :math:`\\hbar\\gamma_\\phi \\gg \\alpha T`: a crossing
that is watched closely enough is not crossed (quantum Zeno effect).

Reproduces Y. Kayanuma, J. Phys. Soc. Jpn. 53, 108 (1984) (the strong-dephasing limit of a
level crossing with a fluctuating energy); the Zeno suppression follows from the same rate
equation over a finite window.
"""

# %%
# Lindblad propagation over a grid of dephasing rates
# ---------------------------------------------------
# Units: :math:`\hbar = 1`, :math:`\alpha = 1`; :math:`V = 0.5` (:math:`\delta = 0.25`,
# :math:`P_{LZ} = 0.208`), window :math:`[-50, 50]`.  :func:`lzsm.evolve_open` takes the
# dephasing rates as an array and propagates them all in one call (the compiled Magnus
# integrator; its cost grows with :math:`\gamma_\phi T`).

import matplotlib.pyplot as plt
import numpy as np

import lzsm

V, alpha, T = 0.5, 1.0, 50.0
model = lzsm.LandauZener(V, alpha)
rates = np.r_[0.0, np.geomspace(0.03, 1000.0, 19)]
run = lzsm.evolve_open(model, (-T, T), 0, dephasing=rates, tol=1e-7)
p_stay = run.p_diabatic_stay
p_lz = float(lzsm.lz_probability(V, alpha))
p_window = float(lzsm.finite_time_p_diabatic_stay(V, alpha, T, -T))
p_kayanuma = float(lzsm.kayanuma_p_diabatic_stay(V, alpha))
print(f"P_LZ = {p_lz:.6f}; coherent finite window = {p_window:.6f}; Kayanuma limit = {p_kayanuma:.6f}")

# %%
# Checks
# ------
# * Without dephasing the master equation gives the exact finite-window value (1e-6).
# * Over the whole line the rate equation is Kayanuma's formula (1e-12).
# * Where the rate picture applies (:math:`\gamma_\phi \geq 3`, i.e. :math:`\gg V` and
#   :math:`\gg\sqrt{\alpha}`) the Lindblad transition probability agrees with the finite-window
#   rate equation to 2 % (relative).

print(f"gamma = 0: Lindblad {p_stay[0]:.8f} vs exact finite window {p_window:.8f}")
assert abs(p_stay[0] - p_window) < 1e-6
whole_line = lzsm.rate_equation_p_diabatic_stay(V, alpha, rates[1:], (-np.inf, np.inf))
assert np.allclose(whole_line, p_kayanuma, atol=1e-12)

rate_eq = lzsm.rate_equation_p_diabatic_stay(V, alpha, rates[1:], (-T, T))
strong = rates[1:] >= 3.0
rel = np.abs((1 - p_stay[1:]) / (1 - rate_eq) - 1)
print(" gamma_phi   1-P Lindblad   1-P rate eq.   relative difference")
for g, a, b, r in zip(rates[1:], 1 - p_stay[1:], 1 - rate_eq, rel):
    print(f"{g:9.3f}   {a:.6f}       {b:.6f}       {r:.1e}")
assert np.all(rel[strong] < 0.02)

# %%
# Populations in time
# -------------------
# The population of the initial diabatic state through the window for a few rates.  The
# coherent curve oscillates with angular frequency :math:`\approx\alpha|t|/\hbar` (period 0.13
# at :math:`|t| = 50`); 8001 samples (every 0.0125) resolve it.

t = np.linspace(-T, T, 8001)
shown = np.array([0.0, 0.3, 3.0, 30.0, 300.0])
trace = lzsm.evolve_open(model, (-T, T), 0, t, dephasing=shown, tol=1e-7)
for g, p in zip(shown, trace.p_diabatic_stay):
    print(f"gamma_phi = {g:6.1f}: p_diabatic_stay at T = {p:.4f}")

# %%
# The figure
# ----------
# Left: transition probability :math:`1 - p_{\rm diabatic\ stay}` after the window against
# the dephasing rate: coherent at small :math:`\gamma_\phi`, Kayanuma's plateau, then the
# Zeno fall :math:`\propto 1/\gamma_\phi`.  Right: the populations during the sweep.

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.6), layout="constrained")
dense = np.geomspace(1.0, 1000.0, 300)  # the rate picture needs gamma_phi >> V, sqrt(alpha)
ax1.semilogx(
    dense,
    1 - lzsm.rate_equation_p_diabatic_stay(V, alpha, dense, (-T, T)),
    "C1-",
    label=r"rate equation, window $[-T, T]$ ($\gamma_\phi \geq 1$)",
)
ax1.semilogx(dense, 4 * V**2 * T / dense, "C1:", label=r"Zeno: $4V^2T/\hbar^2\gamma_\phi$")
ax1.axhline(1 - p_kayanuma, color="C2", ls="--", label=rf"Kayanuma $(1 - P_{{LZ}}^2)/2$ = {1 - p_kayanuma:.3f}")
ax1.axhline(1 - p_window, color="k", ls="-.", lw=1, label=rf"coherent, window $[-T, T]$: {1 - p_window:.3f}")
ax1.axhline(1 - p_lz, color="0.5", ls=":", lw=1, label=rf"coherent $1 - P_{{LZ}}$ = {1 - p_lz:.3f}")
ax1.semilogx(rates[1:], 1 - p_stay[1:], "o", color="C3", mfc="none", label="Lindblad (evolve_open)")
ax1.set_ylim(0, 1)
ax1.set_xlabel(r"dephasing rate $\gamma_\phi$ (units of $\sqrt{\alpha/\hbar}$)")
ax1.set_ylabel(r"$1 - p_{\rm diabatic\ stay}$ (dimensionless)")
ax1.set_title(f"after t = ±{T:g}, V = {V:g}, α = {alpha:g}")
ax1.legend(frameon=False, fontsize=7.5, loc="lower left")

for k, (g, pops) in enumerate(zip(shown, trace.populations)):
    ax2.plot(trace.t, pops[:, 0], color=f"C{k}", lw=0.8, label=rf"$\gamma_\phi$ = {g:g}")
ax2.axhline(0.5, color="0.6", lw=0.8, ls=":")
ax2.set_xlabel(r"time $t$ (units of $\sqrt{\hbar/\alpha}$)")
ax2.set_ylabel(r"population of diabatic $|0\rangle$ (dimensionless)")
ax2.set_title(r"start in $|0\rangle$ at $t = -T$")
ax2.legend(frameon=False, fontsize=8, loc="lower left")
plt.show()
