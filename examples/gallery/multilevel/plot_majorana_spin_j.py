"""
Majorana's spin j in a swept field
==================================

A spin :math:`j` in a field whose :math:`z` component is swept through zero,

.. math::

    H(t) = \\alpha t\\, J_z + 2V J_x ,

has :math:`2j + 1` equally spaced diabatic levels :math:`m\\alpha t` that all cross at
:math:`t = 0`.  Because :math:`H(t)` lies in the spin algebra, its propagator is the spin-:math:`j`
representation of the spin-1/2 (Landau–Zener) one, and every transition probability follows
from the single number :math:`P_{LZ} = e^{-2\\pi V^2/\\hbar\\alpha}`:
:math:`P_{m' m} = |d^j_{m' m}(\\beta)|^2` with :math:`\\cos^2(\\beta/2) = P_{LZ}`.  Starting in
:math:`m = j` the spin behaves as :math:`2j` independent spins 1/2, each of which keeps its
state with probability :math:`P_{LZ}`:

.. math::

    P_{m' j} = \\binom{2j}{j - m'} P_{LZ}^{\\,j + m'} (1 - P_{LZ})^{\\,j - m'} .

Reproduces E. Majorana, Nuovo Cimento 9, 43 (1932) (see also F. T. Hioe, J. Opt. Soc. Am. B 4,
1327 (1987)); the exact matrices come from numerical propagation.
"""

# %%
# Exact propagation over a range of couplings
# -------------------------------------------
# Units: :math:`\hbar = 1`, :math:`\alpha = 1`.  :func:`lzsm.spin_sweep` builds the model
# (level index 0 is :math:`m = j`); a stack of them is one :class:`lzsm.LinearSweep` grid,
# and :func:`lzsm.transition_matrix` propagates all columns of all grid points at once.
# It reads ``P[final, initial]`` between the adiabatic states at the ends of the window,
# each labelled by its diabatic level, which converges to the :math:`t \to \pm\infty`
# value much faster than the raw diabatic populations (see ``docs/multilevel.md``).

from math import comb

import matplotlib.pyplot as plt
import numpy as np

import lzsm

alpha, j, T = 1.0, 2, 150.0
m_values = np.arange(j, -j - 1, -1)  # index 0 is m = j


def m_label(m):
    return f"{m:+d}" if m else "0"


delta_points = np.geomspace(0.01, 0.6, 8)
couplings = np.sqrt(delta_points * alpha)
grid = lzsm.LinearSweep(
    np.stack([lzsm.spin_sweep(j, v, alpha).constant for v in couplings]), lzsm.spin_sweep(j, 1.0, alpha).slopes
)
exact = np.asarray(lzsm.transition_matrix(grid, (-T, T)))  # (8, 5, 5)
closed = lzsm.majorana_transition_matrix(j, couplings, alpha)
err = np.abs(exact - closed).max()
print(f"spin {j}: max |exact - Majorana| over {delta_points.size} couplings and all 25 entries: {err:.1e}")
assert err < 1e-5

# %%
# The binomial form of the first column
# -------------------------------------
# Majorana's matrix from :func:`lzsm.majorana_transition_matrix` (Wigner's small
# :math:`d`) against the binomial law of :math:`2j` independent spins 1/2.

delta = np.geomspace(0.005, 1.0, 300)
p_lz = lzsm.lz_probability(np.sqrt(delta * alpha), alpha)
column = lzsm.majorana_transition_matrix(j, np.sqrt(delta * alpha), alpha)[:, :, 0]
binomial = np.stack([comb(2 * j, j - m) * p_lz ** (j + m) * (1 - p_lz) ** (j - m) for m in m_values], axis=-1)
assert np.allclose(column, binomial, atol=1e-12)
print("P[m', m=2] at delta = 0.1:", np.round(lzsm.majorana_transition_matrix(j, np.sqrt(0.1), alpha)[:, 0], 6))

# %%
# A spin 3/2: the whole matrix
# ----------------------------

j2, V2 = 1.5, 0.35
exact32 = np.asarray(lzsm.transition_matrix(lzsm.spin_sweep(j2, V2, alpha), (-T, T)))
closed32 = lzsm.majorana_transition_matrix(j2, V2, alpha)
err32 = np.abs(exact32 - closed32).max()
print(f"spin 3/2, V = {V2}: max |exact - Majorana| = {err32:.1e}; columns sum to {exact32.sum(axis=0)}")
assert err32 < 1e-5

# %%
# The figure
# ----------
# Left: diabatic (dashed) and adiabatic (solid) levels of the spin 2.  Middle: populations
# of the final :math:`m'` after starting in :math:`m = 2`, Majorana's formula (lines) and
# exact propagation (points).  Right: the exact spin-3/2 matrix, ``P[final, initial]``.

fig, axes = plt.subplots(1, 3, figsize=(15, 4.4), layout="constrained")
V_show = 0.35
show = lzsm.spin_sweep(j, V_show, alpha)
t = np.linspace(-6, 6, 481)
levels = lzsm.adiabatic_energies(show, t)
for k, m in enumerate(m_values):
    axes[0].plot(t, m * alpha * t, "--", color=f"C{k}", lw=1, label=f"m = {m_label(m)}")
    axes[0].plot(t, levels[:, k], "-", color="0.3", lw=1)
axes[0].set_xlabel(r"time $t$ (units of $\sqrt{\hbar/\alpha}$)")
axes[0].set_ylabel(r"energy (units of $\sqrt{\hbar\alpha}$)")
axes[0].set_title(f"spin 2: diabatic (dashed), adiabatic (solid), V = {V_show:g}")
axes[0].legend(frameon=False, fontsize=8, loc="upper center", ncols=3)
axes[0].set_ylim(-8, 8)

for k, m in enumerate(m_values):
    axes[1].semilogx(delta, column[:, k], color=f"C{k}", label=f"m' = {m_label(m)}")
    axes[1].semilogx(delta_points, exact[:, k, 0], "o", color=f"C{k}", mfc="none", ms=5)
axes[1].plot([], [], "ko", mfc="none", label="exact propagation")
axes[1].set_xlabel(r"$\delta = V^2/\hbar\alpha$ (dimensionless)")
axes[1].set_ylabel(r"$P[m', m = 2]$ (dimensionless)")
axes[1].set_title("spin 2, start in m = +2")
axes[1].legend(frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.62, 1.0))

from lzsm.plot.crossing import plot_transition_matrix  # noqa: E402

plot_transition_matrix(
    exact32, ax=axes[2], labels=["+3/2", "+1/2", "-1/2", "-3/2"], title=f"spin 3/2, δ = {V2**2:.4f}: exact P"
)
axes[2].set_xlabel("initial m")
axes[2].set_ylabel("final m'")
plt.show()
