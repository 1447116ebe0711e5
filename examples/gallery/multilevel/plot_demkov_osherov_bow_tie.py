"""
Demkov–Osherov and bow-tie models
=================================

Two exactly solvable linear multi-level sweeps :math:`H(t) = A + Bt`.

**Demkov–Osherov**: one sloped level :math:`s` crosses a band of parallel levels :math:`k`,
each coupled to :math:`s` only, by :math:`g_k`.  The crossings act as if independent: with
:math:`p_k = e^{-2\\pi|g_k|^2/\\hbar|\\beta_s - \\beta_b|}` (the Landau–Zener factor of
crossing :math:`k`, numbered in time order),

.. math::

    P_{s\\to s} = \\prod_k p_k, \\qquad P_{s\\to k} = (1 - p_k)\\prod_{j<k} p_j .

**Bow-tie**: a flat level :math:`c` coupled to levels of slopes :math:`\\beta_k` that all
cross at one point.  With :math:`p_k = e^{-\\pi|g_k|^2/\\hbar|\\beta_k|}` (half the
two-level exponent), :math:`P_\\pm = \\prod_{\\pm\\beta_k > 0} p_k`, the survival of the
central level is :math:`P_{c\\to c} = (1 - P_+ - P_-)^2`.

Reproduces Yu. N. Demkov and V. I. Osherov, Sov. Phys. JETP 26, 916 (1968), and the bow-tie
solution of C. E. Carroll and F. T. Hioe, J. Phys. A 19, 1151 (1986), in the general form of
V. N. Ostrovsky and H. Nakamura, J. Phys. A 30, 6939 (1997).
"""

# %%
# Demkov–Osherov: one sloped level through three flat ones
# --------------------------------------------------------
# Units: :math:`\hbar = 1`, slope of the sloped level :math:`\beta_s = 1` (energies in
# :math:`\sqrt{\hbar\beta_s}`, times in :math:`\sqrt{\hbar/\beta_s}`).  Level 0 is the sloped
# one, levels 1–3 the band at energies :math:`-6, 2, 8`, crossed at :math:`t = -6, 2, 8`.
# :func:`lzsm.transition_matrix` reads ``P[final, initial]`` over :math:`t \in [-150, 150]`
# between the adiabatic states at the window ends (see ``docs/multilevel.md``).

import matplotlib.pyplot as plt
import numpy as np

import lzsm
from lzsm.plot.crossing import plot_multilevel, plot_transition_matrix

T = 150.0
do = lzsm.demkov_osherov_model([0.3, 0.2, 0.4], [-6.0, 2.0, 8.0], slope=1.0)
do_exact = np.asarray(lzsm.transition_matrix(do, (-T, T)))
do_closed = lzsm.demkov_osherov_transition_matrix(do)
do_err = np.abs(do_exact - do_closed).max()
print("Demkov–Osherov, closed form P[final, initial]:")
print(np.round(do_closed, 5))
print(f"max |exact - closed form| = {do_err:.1e}")
assert do_err < 1e-5

p = lzsm.lz_probability(np.array([0.3, 0.2, 0.4]), 1.0)  # the three crossings' LZ factors
assert np.isclose(do_closed[0, 0], p.prod())
assert np.allclose(do_closed[1:, 0], (1 - p) * np.r_[1.0, np.cumprod(p)[:-1]])

# %%
# Bow-tie: a flat level and three levels through one point
# --------------------------------------------------------
# Level 0 is the flat central level; levels 1–3 have slopes :math:`-1.5, -0.5, +1`.

bt = lzsm.bow_tie_model([0.3, 0.25, 0.4], [-1.5, -0.5, 1.0])
bt_exact = np.asarray(lzsm.transition_matrix(bt, (-T, T)))
bt_closed = lzsm.bow_tie_transition_matrix(bt)
bt_err = np.abs(bt_exact - bt_closed).max()
print("bow-tie, closed form P[final, initial]:")
print(np.round(bt_closed, 5))
print(f"max |exact - closed form| = {bt_err:.1e}")
assert bt_err < 1e-5

pk = np.exp(-np.pi * np.array([0.3, 0.25, 0.4]) ** 2 / np.array([1.5, 0.5, 1.0]))
p_minus, p_plus = pk[0] * pk[1], pk[2]
assert np.isclose(bt_closed[0, 0], (1 - p_plus - p_minus) ** 2)
print(f"P_c->c = (1 - P+ - P-)^2 = {(1 - p_plus - p_minus) ** 2:.5f}")

# %%
# Populations through the sweeps
# ------------------------------
# Exact propagation from the sloped (Demkov–Osherov) and the central (bow-tie) level on
# shorter windows, sampled finely enough to resolve the beats between levels (the largest
# energy difference in the windows is about 23 and 20, periods :math:`\gtrsim 0.27`; the
# samples are 0.02 apart).  The diamonds at the right edge are the closed-form
# :math:`t \to \infty` populations: the populations at the end of these finite windows
# still oscillate about them.

t_do = np.linspace(-15, 15, 1501)
run_do = lzsm.evolve(do, (-15, 15), 0, t_do)
t_bt = np.linspace(-8, 8, 801)
run_bt = lzsm.evolve(bt, (-8, 8), 0, t_bt)
print("Demkov–Osherov populations at t = 15:", np.round(run_do.populations[-1], 4))
print("bow-tie populations at t = 8:        ", np.round(run_bt.populations[-1], 4))

fig, axes = plt.subplots(2, 3, figsize=(15, 8.4), layout="constrained")
rows = (
    (do, t_do, run_do, do_exact, do_closed, "Demkov–Osherov", do_err),
    (bt, t_bt, run_bt, bt_exact, bt_closed, "bow-tie", bt_err),
)
for row, (model, t, run, exact, closed, name, err) in enumerate(rows):
    plot_multilevel(model, t, axes=axes[row, :2], evolution=run)
    axes[row, 1].plot(np.full(4, t[-1]), closed[:, 0], "D", color="k", ms=5, mfc="none", label="closed form, t → ∞")
    axes[row, 1].legend(frameon=False, fontsize=7, loc="center left")
    for ax in axes[row, :2]:
        ax.set_xlabel(r"time $t$ (units of $\sqrt{\hbar/\beta_s}$)")
    axes[row, 0].set_ylabel(r"energy (units of $\sqrt{\hbar\beta_s}$)")
    axes[row, 1].set_ylabel("diabatic population (dimensionless)")
    axes[row, 0].set_title(
        f"{name}: diabatic (dashed), adiabatic (solid);\nband width: adiabatic population", fontsize=9
    )
    axes[row, 1].set_title(f"{name}: populations, start in level 0", fontsize=9)
    plot_transition_matrix(exact, ax=axes[row, 2], title=f"{name}: exact P, |exact − closed form| ≤ {err:.0e}")
plt.show()
