"""
The Landau–Zener law and its limits
===================================

A two-level system :math:`H(t) = [[\\alpha t/2, V], [V, -\\alpha t/2]]` swept through its
avoided crossing keeps its diabatic state (equivalently: jumps between the adiabatic states)
with the probability

.. math::

    P_{LZ} = e^{-2\\pi\\delta}, \\qquad \\delta = \\frac{|V|^2}{\\hbar|\\alpha|}.

A fast sweep (:math:`\\delta \\ll 1`, the sudden limit) leaves the system almost where it was;
first-order perturbation theory (Fermi's golden rule with the density of final states
:math:`1/|\\alpha|`) gives :math:`1 - P_{LZ} \\approx 2\\pi\\delta`, too large by the relative
amount :math:`\\approx \\pi\\delta`.  A slow sweep (:math:`\\delta \\gg 1`) follows the
adiabatic state, and the jump probability is exponentially small.  The figure shows the
exact law against both limits, with points from exact numerical propagation.

Reproduces the result of C. Zener, Proc. R. Soc. A 137, 696 (1932) (and L. D. Landau, Phys. Z.
Sowjetunion 2, 46 (1932)); compare the probability against the adiabaticity parameter in the
review S. N. Shevchenko, S. Ashhab and F. Nori, Phys. Rep. 492, 1 (2010).
"""

# %%
# Exact propagation over a grid of couplings
# ------------------------------------------
# Units: :math:`\hbar = 1`, sweep rate :math:`\alpha = 1`, so :math:`\delta = V^2` and
# energies are in units of :math:`\sqrt{\hbar\alpha}`, times in :math:`\sqrt{\hbar/\alpha}`.
# One call of :func:`lzsm.evolve` propagates the whole grid of couplings.
#
# :math:`P_{LZ}` is a statement about :math:`t \to \pm\infty`.  Over a finite window the
# diabatic populations still oscillate about their limit with an amplitude of order
# :math:`V/(\alpha T)`, but the populations of the *adiabatic* states at the window ends
# converge much faster.  So we start in the lower adiabatic state at :math:`t_0 = -T` and read
# ``p_jump``, the population of the other adiabatic state at :math:`+T`.

import matplotlib.pyplot as plt
import numpy as np

import lzsm

T = 200.0
delta_points = np.geomspace(1e-3, 3.0, 25)
model = lzsm.LandauZener(coupling=np.sqrt(delta_points), sweep_rate=1.0)
run = lzsm.evolve(model, (-T, T), initial="lower")
p_exact = run.p_jump

p_lz_points = lzsm.lz_probability(np.sqrt(delta_points), 1.0)
deviation = np.abs(p_exact - p_lz_points)
print(f"max |p_jump(exact propagation) - P_LZ| over {delta_points.size} points: {deviation.max():.1e}")
assert deviation.max() < 1e-6

# %%
# The limits
# ----------
# The golden-rule value of ``p_adiabatic_follow`` is
# :func:`lzsm.golden_rule_probability`, and :func:`lzsm.golden_rule_error` its relative
# error :math:`x/(1 - e^{-x}) - 1` with :math:`x = 2\pi\delta`.  We check both against the
# exact propagation at the weakest couplings.

follow_exact = 1.0 - p_exact
golden = lzsm.golden_rule_probability(np.sqrt(delta_points), 1.0)
relative = golden / follow_exact - 1.0
fast = delta_points < 0.01
print("delta     1-P (exact)   golden rule   rel. error   pi*delta")
for d, f, g, r in zip(delta_points[fast], follow_exact[fast], golden[fast], relative[fast]):
    print(f"{d:.2e}  {f:.6e}  {g:.6e}  {r:.2e}     {np.pi * d:.2e}")
assert np.allclose(relative, lzsm.golden_rule_error(np.sqrt(delta_points), 1.0), rtol=1e-3, atol=1e-7)
assert np.all(np.abs(relative[fast] / (np.pi * delta_points[fast]) - 1.0) < 0.05)

# %%
# The figure
# ----------
# Left: :math:`P_{LZ}` on a logarithmic :math:`\delta` axis with the sudden/golden-rule line
# :math:`1 - 2\pi\delta`.  Right: both probabilities on logarithmic axes, where the golden
# rule is the straight line :math:`1 - P \approx 2\pi\delta` on the fast side and the
# exponential fall of the jump probability on the adiabatic side is resolved down to
# :math:`10^{-8}`.

delta = np.geomspace(1e-3, 3.0, 400)
p_lz = lzsm.lz_probability(np.sqrt(delta), 1.0)
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4.2), layout="constrained")

ax1.semilogx(delta, p_lz, "k-", label=r"$P_{LZ} = e^{-2\pi\delta}$")
gr = 1.0 - 2 * np.pi * delta
ax1.semilogx(delta[gr > 0], gr[gr > 0], "C1--", label=r"sudden / golden rule $1 - 2\pi\delta$")
ax1.axhline(0.0, color="C2", ls=":", label=r"adiabatic limit $P \to 0$")
ax1.semilogx(delta_points, p_exact, "o", color="C3", ms=5, mfc="none", label=f"exact propagation, $t = \\pm{T:g}$")
ax1.set_xlabel(r"adiabaticity $\delta = V^2/\hbar\alpha$ (dimensionless)")
ax1.set_ylabel(r"$p_{\rm diabatic\ stay}$ = $p_{\rm jump}$ (dimensionless)")
ax1.set_title("Landau–Zener probability")
ax1.set_ylim(-0.05, 1.05)
ax1.legend(frameon=False, fontsize=8, loc="center left")

ax2.loglog(delta, p_lz, "k-", label=r"$p_{\rm diabatic\ stay} = e^{-2\pi\delta}$")
ax2.loglog(delta, 1 - p_lz, "C0-", label=r"$p_{\rm adiabatic\ follow} = 1 - e^{-2\pi\delta}$")
ax2.loglog(delta, 2 * np.pi * delta, "C1--", label=r"golden rule $2\pi\delta$")
ax2.loglog(delta_points, p_exact, "o", color="C3", ms=5, mfc="none", label="exact propagation")
ax2.loglog(delta_points, follow_exact, "s", color="C0", ms=4, mfc="none", label=r"exact, $1 - p_{\rm jump}$")
ax2.set_ylim(1e-9, 2.0)
ax2.set_xlabel(r"adiabaticity $\delta = V^2/\hbar\alpha$ (dimensionless)")
ax2.set_ylabel("probability (dimensionless)")
ax2.set_title("both limits on logarithmic axes")
ax2.legend(frameon=False, fontsize=8, loc="lower left")
plt.show()
