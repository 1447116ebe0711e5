"""
Nonlinear Landau–Zener tunnelling of a condensate
=================================================

A Bose–Einstein condensate in two modes (two Bloch bands at a zone edge, two wells, two
internal states) obeys, at mean-field level, a two-level Schrödinger equation whose bias
depends on its own populations (Wu and Niu):

.. math::

   i\\frac{d}{dt}\\begin{pmatrix} a \\\\ b \\end{pmatrix} =
   \\begin{pmatrix} \\frac{\\gamma}{2} + \\frac{c}{2}(|b|^2 - |a|^2) & \\frac{v}{2} \\\\
   \\frac{v}{2} & -\\frac{\\gamma}{2} - \\frac{c}{2}(|b|^2 - |a|^2) \\end{pmatrix}
   \\begin{pmatrix} a \\\\ b \\end{pmatrix}, \\qquad \\gamma = \\alpha t .

For :math:`c = 0` this is Landau–Zener, :math:`\\Gamma = e^{-\\pi v^2/2\\alpha}`. For :math:`c > v` the
lower mean-field level grows a loop between :math:`\\pm\\gamma_c`,
:math:`\\gamma_c = (c^{2/3} - v^{2/3})^{3/2}`; a state that follows it must leave at its tip, so
the tunnelling probability stays finite however slow the sweep — its adiabatic limit is the
phase-space area :math:`A/4\\pi` enclosed by the orbit through the tip
(:func:`lzsm.applications.cold_atoms.nonlinear_lz_adiabatic_p_jump`) — and sweeping
:math:`\\gamma` forth and back gives different populations (hysteresis).

Compare B. Wu and Q. Niu, Phys. Rev. A 61, 023402 (2000) (the loop, tunnelling against the
sweep rate for several :math:`c/v`), and J. Liu, L. Fu, B.-Y. Ou, S.-G. Chen, D.-I. Choi, B. Wu
and Q. Niu, Phys. Rev. A 66, 023404 (2002) (the adiabatic limit).

Units: :math:`\\hbar = 1`, energies in units of :math:`v` (:math:`v = 1`), sweep rates in
:math:`v^2/\\hbar`.
"""

# %%
# The levels and their loop
# -------------------------
import matplotlib.pyplot as plt
import numpy as np

import lzsm
from lzsm.applications import cold_atoms

v = 1.0
gamma = np.linspace(-2.0, 2.0, 801)
levels = cold_atoms.nonlinear_lz_levels(gamma, v, 2.0)  # c = 2v
gamma_c = cold_atoms.nonlinear_lz_critical_gamma(v, 2.0)
n_solutions = np.sum(levels.level >= 0, axis=1)
inside = np.abs(gamma) < gamma_c - 0.01
outside = np.abs(gamma) > gamma_c + 0.01
print(f"c = 2v: loop half-width gamma_c = {gamma_c:.4f}; 4 stationary states inside, 2 outside")
assert np.all(n_solutions[inside] == 4) and np.all(n_solutions[outside] == 2)

# %%
# Tunnelling against the sweep rate
# ---------------------------------
# Exact mean-field sweeps (:func:`lzsm.applications.cold_atoms.nonlinear_lz_p_jump`, compiled
# RK4 with steps a small fraction of the local phase rotation) from the lower level at
# :math:`\gamma = -\gamma_{max}` to :math:`+\gamma_{max}`; ``p_jump`` is the final upper-level population.
alpha = np.geomspace(0.005, 10.0, 22)
ratios = (0.0, 0.5, 1.5, 2.0, 4.0)
p_jump = {c: cold_atoms.nonlinear_lz_p_jump(alpha, v, c) for c in ratios}
p_ad = {c: cold_atoms.nonlinear_lz_adiabatic_p_jump(v, c) for c in ratios}
dev_linear = np.max(np.abs(p_jump[0.0] - lzsm.lz_probability(v / 2, alpha)))
print(f"c = 0: max |p_jump - exp(-pi v^2 / 2 alpha)| = {dev_linear:.1e}")
assert dev_linear < 1e-4
for c in ratios[1:]:
    print(f"c = {c}v: p_jump at alpha = {alpha[0]} is {p_jump[c][0]:.4f}; adiabatic limit {p_ad[c]:.4f}")
# c < v: no tunnelling in the adiabatic limit; c > v: the slowest sweep approaches the area law
# from above, linearly in alpha (within 0.015 at alpha = 0.005)
assert p_ad[0.5] == 0.0 and p_jump[0.5][0] < 1e-3
for c in (1.5, 2.0, 4.0):
    assert 0.0 < p_jump[c][0] - p_ad[c] < 0.015

# %%
# Hysteresis
# ----------
# At :math:`\alpha = 0.01`, :math:`c = 2v`: :math:`|b|^2` for :math:`\gamma` swept up and swept
# down, each starting on the lower level, saved every 0.001 in :math:`\gamma` (the population
# oscillates after the jump with period :math:`2\pi\alpha/|\gamma + cs| \geq 0.015` in the range shown).
hyst = cold_atoms.nonlinear_lz_hysteresis(0.01, v, 2.0, gamma_max=4.0, n_eval=8001)
assert hyst.ok
print(
    f"forward sweep leaves the loop at gamma = {hyst.jump_gamma_forward:.3f}, backward at "
    f"{hyst.jump_gamma_backward:.3f} (gamma_c = {gamma_c:.3f})"
)
assert abs(hyst.jump_gamma_forward - gamma_c) < 0.05 and abs(hyst.jump_gamma_backward + gamma_c) < 0.05

# %%
# The figure
# ----------
fig, axes = plt.subplots(1, 3, figsize=(13, 4), layout="constrained")
ax = axes[0]
for lev, color in ((0, "C0"), (1, "C3")):
    mu = np.where(levels.level == lev, levels.mu, np.nan)
    for k in range(mu.shape[1]):
        ax.plot(gamma, mu[:, k], ".", color=color, ms=1.2)
ax.plot([], [], "o", color="C0", ms=4, label="lower level (with the loop)")
ax.plot([], [], "o", color="C3", ms=4, label="upper level")
ax.axvline(gamma_c, color="0.6", ls=":", lw=1)
ax.axvline(-gamma_c, color="0.6", ls=":", lw=1)
ax.set_xlabel(r"bias $\gamma$ ($v$)")
ax.set_ylabel(r"eigenvalue $\mu$ ($v$)")
ax.set_title(r"mean-field levels, $c = 2v$ (dotted: $\pm\gamma_c$)")
ax.legend(fontsize=8)

ax = axes[1]
for i, c in enumerate(ratios):
    ax.semilogx(alpha, p_jump[c], "o-", color=f"C{i}", ms=3, lw=1, label=f"c = {c:g}v")
    if p_ad[c] > 0:
        ax.plot(alpha[0] / 1.6, p_ad[c], "<", color=f"C{i}", ms=8)
ax.semilogx(alpha, lzsm.lz_probability(v / 2, alpha), "k:", lw=1, label=r"$e^{-\pi v^2/2\alpha}$")
ax.set_xlabel(r"sweep rate $\alpha$ ($v^2/\hbar$)")
ax.set_ylabel(r"tunnelling probability $\Gamma$ (dimensionless)")
ax.set_title(r"tunnelling (◄: adiabatic limit $A/4\pi$)")
ax.legend(fontsize=8)

ax = axes[2]
sel = np.abs(hyst.gamma) <= 2.0
s_lower = np.where(levels.level == 0, levels.population_difference, np.nan)
ax.plot(gamma, (1 + s_lower) / 2, ".", color="0.5", ms=1)
ax.plot([], [], "o", color="0.5", ms=4, label="lower-level stationary states")
ax.plot(hyst.gamma[sel], hyst.population_b_forward[sel], "C0", lw=0.8, label=r"$\gamma$ swept up")
ax.plot(hyst.gamma[sel], hyst.population_b_backward[sel], "C3", lw=0.8, label=r"$\gamma$ swept down")
ax.set_xlabel(r"bias $\gamma$ ($v$)")
ax.set_ylabel(r"$|b|^2$ (dimensionless)")
ax.set_title(r"hysteresis, $\alpha = 0.01\,v^2/\hbar$, $c = 2v$")
ax.legend(fontsize=8, loc="upper left")
plt.show()
