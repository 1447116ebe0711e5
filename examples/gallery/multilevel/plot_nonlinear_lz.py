"""
Nonlinear (mean-field) Landau–Zener tunnelling
==============================================

A Bose–Einstein condensate in two modes obeys, at mean-field level, a two-level equation
whose bias depends on the populations (:math:`\\hbar = 1`):

.. math::

    i\\frac{d}{dt}\\begin{pmatrix}a\\\\ b\\end{pmatrix} =
    \\begin{pmatrix} \\tfrac{\\gamma}{2} + \\tfrac{c}{2}(|b|^2 - |a|^2) & \\tfrac{v}{2} \\\\
    \\tfrac{v}{2} & -\\tfrac{\\gamma}{2} - \\tfrac{c}{2}(|b|^2 - |a|^2)\\end{pmatrix}
    \\begin{pmatrix}a\\\\ b\\end{pmatrix}, \\qquad \\gamma = \\alpha t .

For :math:`c > v` the lower mean-field level grows a loop (swallow tail) for
:math:`|\\gamma| < \\gamma_c = (c^{2/3} - v^{2/3})^{3/2}`.  A state that follows the lower
level onto the loop must leave it at the tip, so the tunnelling probability stays finite even
for an infinitely slow sweep, and sweeping up and down gives different paths (hysteresis).
For :math:`c = 0` the model is Landau–Zener with :math:`V = v/2`:
:math:`P = e^{-\\pi v^2/2\\alpha}`.

Reproduces B. Wu and Q. Niu, Phys. Rev. A 61, 023402 (2000) (the loop, finite adiabatic
tunnelling for :math:`c > v`, none for :math:`c < v`); the adiabatic-limit value follows the
phase-space construction of J. Liu et al., Phys. Rev. A 66, 023404 (2002), as evaluated by
lzsm.  This model lives in :mod:`lzsm.applications.cold_atoms`.
"""

# %%
# The mean-field levels and the loop
# ----------------------------------
# Units: :math:`\hbar = 1`, energies and :math:`\gamma` in units of :math:`v`, sweep rates in
# units of :math:`v^2/\hbar`.  :func:`~lzsm.applications.cold_atoms.nonlinear_lz_levels`
# returns every stationary state; inside the loop there are four, outside two.

import matplotlib.pyplot as plt
import numpy as np

import lzsm
from lzsm.applications import cold_atoms as ca

v, c_loop = 1.0, 2.0
gamma_c = ca.nonlinear_lz_critical_gamma(v, c_loop)
gamma = np.linspace(-3.0, 3.0, 1201)
levels = ca.nonlinear_lz_levels(gamma, v, c_loop)
n_states = np.sum(np.isfinite(levels.mu), axis=1)
inside, outside = np.abs(gamma) < gamma_c - 1e-3, np.abs(gamma) > gamma_c + 1e-3
print(
    f"c = {c_loop} v: gamma_c = {gamma_c:.6f}; stationary states inside the loop: "
    f"{sorted(set(n_states[inside].tolist()))}, outside: {sorted(set(n_states[outside].tolist()))}"
)
assert np.all(n_states[inside] == 4) and np.all(n_states[outside] == 2)

linear = ca.nonlinear_lz_levels(gamma, v, 0.0)  # c = 0: the linear levels -+ sqrt(gamma^2 + v^2)/2
assert np.allclose(np.sort(linear.mu[:, :2], axis=1), np.column_stack([-1, 1]) * np.hypot(gamma, v)[:, None] / 2)

# %%
# Tunnelling probability against sweep rate
# -----------------------------------------
# :func:`~lzsm.applications.cold_atoms.nonlinear_lz_p_jump` starts on the lower level far to
# the left and returns the population of the upper level far to the right (``p_jump``).
# Checks: for :math:`c = 0` it is :math:`P_{LZ}` (``lzsm.lz_probability(v/2, alpha)``) to
# 1e-4; for :math:`c < v` it vanishes in the slow limit; for :math:`c > v` it approaches the
# adiabatic-limit value :math:`\Gamma_{ad}` from above, linearly in :math:`\alpha`: within
# 0.008 at :math:`\alpha = 0.002`, and the straight line through :math:`\alpha = 0.002,
# 0.004` hits :math:`\alpha = 0` within 0.003 of it.

rates = np.r_[0.002, 0.004, np.geomspace(0.008, 5.0, 12)]
nonlinearities = [0.0, 0.5, 2.0, 4.0]
p_jump = {c: ca.nonlinear_lz_p_jump(rates, v, c) for c in nonlinearities}
gamma_ad = {c: ca.nonlinear_lz_adiabatic_p_jump(v, c) for c in nonlinearities}

lz_error = np.abs(p_jump[0.0] - lzsm.lz_probability(v / 2, rates)).max()
print(f"c = 0: max |p_jump - P_LZ| = {lz_error:.1e}")
assert lz_error < 1e-4
print(f"c = 0.5: p_jump at alpha = 0.002: {p_jump[0.5][0]:.1e} (adiabatic limit 0)")
assert p_jump[0.5][0] < 1e-3
for c in (2.0, 4.0):
    extrapolated = 2 * p_jump[c][0] - p_jump[c][1]
    print(
        f"c = {c}: Gamma_ad = {gamma_ad[c]:.5f}, p_jump(0.002) = {p_jump[c][0]:.5f}, "
        f"linear extrapolation to alpha = 0: {extrapolated:.5f}"
    )
    assert 0 < p_jump[c][0] - gamma_ad[c] < 0.008
    assert abs(extrapolated - gamma_ad[c]) < 0.003

# %%
# Hysteresis
# ----------
# Sweep :math:`\gamma` up and down at :math:`\alpha = 0.01`, each time starting on the lower
# level: the forward sweep follows the loop to its right tip :math:`+\gamma_c`, the backward
# one to its left tip :math:`-\gamma_c`; both leave the branch within 0.01 of the tip.
# After the jump :math:`|b|^2` oscillates between the levels with a period down to 0.014 in
# :math:`\gamma`, so the sweep is saved every 0.0012 (a coarser grid would alias these
# oscillations into noise, and would also delay the detected jump by up to one grid step).

hyst = ca.nonlinear_lz_hysteresis(0.01, v, c_loop, gamma_max=3.5, n_eval=6001)
step = hyst.gamma[1] - hyst.gamma[0]
print(
    f"leaves the lower branch at gamma = {hyst.jump_gamma_forward:+.4f} (up), "
    f"{hyst.jump_gamma_backward:+.4f} (down); gamma_c = {gamma_c:.4f}; grid step {step:.5f}"
)
assert 0 <= hyst.jump_gamma_forward - gamma_c < 0.01
assert 0 <= -gamma_c - hyst.jump_gamma_backward < 0.01

# %%
# The figure
# ----------

fig, axes = plt.subplots(1, 3, figsize=(15, 4.4), layout="constrained")
ax = axes[0]
for k in range(4):
    lower = levels.level[:, k] == 0
    upper = levels.level[:, k] == 1
    ax.plot(gamma[lower], levels.mu[lower, k], ".", color="C0", ms=1.5)
    ax.plot(gamma[upper], levels.mu[upper, k], ".", color="C3", ms=1.5)
ax.plot(gamma, -np.hypot(gamma, v) / 2, "k:", lw=1, label="c = 0 (linear)")
ax.plot(gamma, np.hypot(gamma, v) / 2, "k:", lw=1)
ax.plot([], [], "o", color="C0", ms=3, label="lower level (with the loop)")
ax.plot([], [], "o", color="C3", ms=3, label="upper level")
for s in (-1, 1):
    ax.axvline(s * gamma_c, color="0.6", lw=0.8)
ax.set_xlabel(r"bias $\gamma$ (units of $v$)")
ax.set_ylabel(r"eigenvalue $\mu$ of $H(s)$ (units of $v$)")
ax.set_title(rf"mean-field levels, c = {c_loop:g}v: loop for $|\gamma| < \gamma_c$ = {gamma_c:.3f}")
ax.legend(frameon=False, fontsize=8, loc="lower left")

ax = axes[1]
dense = np.geomspace(rates[0], rates[-1], 300)
ax.semilogx(dense, lzsm.lz_probability(v / 2, dense), "k:", lw=1, label=r"$e^{-\pi v^2/2\alpha}$ (c = 0)")
for k, c in enumerate(nonlinearities):
    ax.semilogx(rates, p_jump[c], "o-", color=f"C{k}", ms=4, mfc="none", lw=0.8, label=f"c/v = {c:g}")
    ax.plot(rates[0] / 1.5, gamma_ad[c], "<", color=f"C{k}", ms=8)
ax.plot([], [], "<", color="0.4", label=r"adiabatic limit $\Gamma_{ad}$")
ax.set_xlabel(r"sweep rate $\alpha$ (units of $v^2/\hbar$)")
ax.set_ylabel(r"tunnelling probability $p_{\rm jump}$ (dimensionless)")
ax.set_title("tunnelling: finite at α → 0 for c > v")
ax.legend(frameon=False, fontsize=8, loc="upper left")

ax = axes[2]
lower_s = np.where(levels.level == 0, levels.population_difference, np.nan)
for k in range(4):
    ax.plot(gamma, (1 + lower_s[:, k]) / 2, ".", color="0.75", ms=1.5)
ax.plot([], [], ".", color="0.75", label="lower-level stationary states")
ax.plot(hyst.gamma, hyst.population_b_forward, "C1-", lw=1, label=r"$\gamma$ swept up")
ax.plot(hyst.gamma, hyst.population_b_backward, "C2-", lw=1, label=r"$\gamma$ swept down")
for s in (-1, 1):
    ax.axvline(s * gamma_c, color="0.6", lw=0.8)
ax.set_xlim(-3.5, 3.5)
ax.set_xlabel(r"bias $\gamma$ (units of $v$)")
ax.set_ylabel(r"population $|b|^2$ (dimensionless)")
ax.set_title(rf"hysteresis, c = {c_loop:g}v, α = 0.01 $v^2/\hbar$")
ax.legend(frameon=False, fontsize=8, loc="upper left")
plt.show()
