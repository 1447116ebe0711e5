"""
Three levels: Brundobler–Elser, independent crossings and path interference
===========================================================================

Three diabatic levels :math:`E_0 = \\beta t`, :math:`E_1 = \\epsilon`, :math:`E_2 = -\\beta t`, all
pairs coupled by :math:`g`, form a triangle of three crossings (at :math:`t = -\\epsilon/\\beta,
0, +\\epsilon/\\beta`).  Three statements about :math:`P[f, i]`:

* **Brundobler–Elser** (exact, any offsets): a level with the largest or smallest slope keeps
  its state with probability
  :math:`P_{ii} = \\exp(-\\tfrac{2\\pi}{\\hbar}\\sum_{j\\neq i} |A_{ij}|^2/|\\beta_i - \\beta_j|)`.
* **Independent crossings**: take the crossings one at a time in time order, each a
  Landau–Zener :math:`2\\times2` step.  Starting on the steepest level there is only one path
  to each final level, and the approximation becomes exact as the crossings separate
  (:math:`\\epsilon \\to \\infty`).
* **Interference**: starting on the middle level, two paths (around the triangle) reach the
  same final level; their amplitudes interfere with a phase set by the enclosed area, so
  :math:`P[f, 1]` oscillates with :math:`\\epsilon` about the independent-crossing value.

Reproduces S. Brundobler and V. Elser, J. Phys. A 26, 1211 (1993) (the survival formula) and
the independent-crossing picture with its failure by path interference (e.g. N. A. Sinitsyn,
J. Phys. A 37, 10691 (2004)); exact matrices from numerical propagation.
"""

# %%
# Exact transition matrices over a range of offsets
# -------------------------------------------------
# Units: :math:`\hbar = 1`, :math:`\beta = 1`; :math:`g = 0.3`.  One :class:`lzsm.LinearSweep`
# grid over :math:`\epsilon \in [2, 6]` in steps of 0.04 (the interference fringes have a
# period of about 0.5 in :math:`\epsilon` at :math:`\epsilon = 6`), window :math:`[-40, 40]`.

import matplotlib.pyplot as plt
import numpy as np

import lzsm

g = 0.3
slopes = [1.0, 0.0, -1.0]
eps = np.linspace(2.0, 6.0, 101)
A = np.full((eps.size, 3, 3), g)
A[:, 0, 0] = A[:, 2, 2] = 0.0
A[:, 1, 1] = eps
grid = lzsm.LinearSweep(A, slopes)
exact = np.asarray(lzsm.transition_matrix(grid, (-40.0, 40.0)))  # (101, 3, 3): P[final, initial]
ics = [lzsm.independent_crossing(lzsm.LinearSweep(a, slopes)) for a in A]
ic = np.array([r.transition_matrix for r in ics])
overlap = np.array([r.overlap for r in ics])
print("independent crossings (any eps > 0):")
print(np.round(ic[0], 4))
print("paths that interfere (final, initial):")
print(ics[0].interfering_paths)

# %%
# Checks
# ------
# * Brundobler–Elser for both extremal levels, at every offset, to 1e-4.
# * Starting on the steepest level (column 0) the independent-crossing error falls as the
#   crossings separate: below 0.03 for :math:`\epsilon \geq 5.5` (overlap :math:`< 0.52`).
# * Starting on the middle level, the exact :math:`P[0, 1]` swings by more than 0.4 across the
#   fringes; its mean over :math:`\epsilon \in [4, 6]` is within 0.03 of the
#   independent-crossing value, which drops the interference.

be0 = lzsm.brundobler_elser_p_diabatic_stay(grid, 0)
be2 = lzsm.brundobler_elser_p_diabatic_stay(grid, 2)
err_be = max(np.abs(exact[:, 0, 0] - be0).max(), np.abs(exact[:, 2, 2] - be2).max())
print(f"Brundobler–Elser: P00 = P22 = {be0[0]:.6f}; max |exact - formula| = {err_be:.1e}")
assert err_be < 1e-4

col0_err = np.abs(exact[:, :, 0] - ic[:, :, 0]).max(axis=1)
far = eps >= 5.5
print(
    f"column 0: max |exact - independent| at eps = 2: {col0_err[0]:.3f} (overlap {overlap[0]:.2f}), "
    f"eps >= 5.5: {col0_err[far].max():.3f} (overlap <= {overlap[far].max():.2f})"
)
assert col0_err[far].max() < 0.03 and col0_err[0] > col0_err[far].max()

swing = np.ptp(exact[:, 0, 1])
window = eps >= 4.0
mean01 = exact[window, 0, 1].mean()
print(f"P[0, 1]: swings by {swing:.3f}; mean over eps in [4, 6] = {mean01:.4f}, independent = {ic[0, 0, 1]:.4f}")
assert swing > 0.4 and abs(mean01 - ic[0, 0, 1]) < 0.03

# %%
# The figure
# ----------

fig, axes = plt.subplots(1, 3, figsize=(15, 4.4), layout="constrained")
show = lzsm.LinearSweep(A[np.argmin(np.abs(eps - 4.0))], slopes)
t = np.linspace(-8, 8, 401)
h = show.hamiltonian(t)
levels = lzsm.adiabatic_energies(show, t)
for j in range(3):
    axes[0].plot(t, h[:, j, j].real, "--", color=f"C{j}", lw=1.2, label=rf"diabatic $|{j}\rangle$")
    axes[0].plot(t, levels[:, j], "-", color="0.3", lw=0.8, label="adiabatic" if j == 0 else None)
axes[0].fill([-4, 0, 4], [4, 0, 4], color="C4", alpha=0.12, label="enclosed area (interference)")
axes[0].set_xlabel(r"time $t$ (units of $\sqrt{\hbar/\beta}$)")
axes[0].set_ylabel(r"energy (units of $\sqrt{\hbar\beta}$)")
axes[0].set_title(rf"levels at $\epsilon$ = 4, g = {g:g}")
axes[0].legend(frameon=False, fontsize=8, loc="lower right")

for f in range(3):
    axes[1].plot(eps, exact[:, f, 0], "-", color=f"C{f}", label=rf"exact $P[{f}, 0]$")
    axes[1].plot(eps, ic[:, f, 0], "--", color=f"C{f}", lw=1)
axes[1].plot(eps, be0, ":", color="k", lw=2, label=r"Brundobler–Elser $P_{00}$")
axes[1].plot([], [], "k--", lw=1, label="independent crossings")
axes[1].set_xlabel(r"offset $\epsilon$ of the middle level (units of $\sqrt{\hbar\beta}$)")
axes[1].set_ylabel("probability (dimensionless)")
axes[1].set_title(r"start on the steepest level $|0\rangle$")
axes[1].set_ylim(0, 0.6)
axes[1].legend(frameon=False, fontsize=8, ncols=2, loc="lower right")

for f in range(3):
    axes[2].plot(eps, exact[:, f, 1], "-", color=f"C{f}", lw=1, label=rf"exact $P[{f}, 1]$")
    axes[2].plot(eps, ic[:, f, 1], "--", color=f"C{f}", lw=1.5)
axes[2].plot([], [], "k--", lw=1.5, label="independent crossings")
axes[2].set_xlabel(r"offset $\epsilon$ of the middle level (units of $\sqrt{\hbar\beta}$)")
axes[2].set_ylabel("probability (dimensionless)")
axes[2].set_title(r"start on the middle level $|1\rangle$: two paths interfere")
axes[2].set_ylim(0, 0.75)
axes[2].legend(frameon=False, fontsize=8, ncols=2, loc="upper left")
plt.show()
