"""
The non-crossing rule: true and avoided crossings
=================================================

Two levels of a Hermitian matrix :math:`H(x)` become degenerate only if the two-state block
is a multiple of the identity: :math:`H_{11} = H_{22}` *and* :math:`H_{12} = 0`.  Varying one
parameter :math:`x` satisfies one condition, not two, so levels of the *same* symmetry avoid
each other.  Levels of *different* symmetry are not coupled at all (:math:`H` is block
diagonal in the eigenspaces of any operator that commutes with it) and cross freely.

Here three sites L, C, R with the Hamiltonian

.. math::

    H(x) = \\begin{pmatrix} 0 & c + \\epsilon & J \\\\ c + \\epsilon & x & c - \\epsilon \\\\
    J & c - \\epsilon & 0 \\end{pmatrix}

have, for :math:`\\epsilon = 0`, the parity :math:`P` (L :math:`\\leftrightarrow` R) as a
symmetry: the odd state :math:`(|L\\rangle - |R\\rangle)/\\sqrt2` (u, energy :math:`-J`) is
uncoupled from C and crosses the lower even level exactly at :math:`x = -J + c^2/J`, while
the even state (g, energy :math:`+J`) and C avoid each other at :math:`x = J` with gap
:math:`2\\sqrt2\\,c`.  Breaking the symmetry (:math:`\\epsilon \\neq 0`) couples u to C with
:math:`\\sqrt2\\,\\epsilon` and opens the true crossing into an avoided one of gap
:math:`\\approx 2\\sqrt2\\,\\epsilon\\,a_C`, :math:`a_C` the amplitude of C in the even level.

The rule is that of J. von Neumann and E. Wigner, Phys. Z. 30, 467 (1929); for diatomic
potential curves E. Teller, J. Phys. Chem. 41, 109 (1937).
"""

# %%
# The symmetric model, classified by parity
# -----------------------------------------
# Units: energies in units of the L–R hopping :math:`J = 1`; :math:`c = 0.1`.
# :func:`lzsm.find_crossings` splits :math:`H(x)` into parity blocks, labels them g and u,
# finds the crossing between blocks (true) and the gap minimum inside a block (avoided), and
# refines both on the exact :math:`H(x)`.  With a velocity :math:`v = dx/dt` it also gives
# the local Landau–Zener probability (1 at a true crossing: nothing couples the levels).

import matplotlib.pyplot as plt
import numpy as np

import lzsm

J, c = 1.0, 0.1


def three_sites(eps):
    return lambda x: np.array([[0.0, c + eps, J], [c + eps, x, c - eps], [J, c - eps, 0.0]])


parity = np.array([[0, 0, 1], [0, 1, 0], [1, 0, 0]])
path = np.linspace(-3.0, 3.0, 200)
symmetric = lzsm.find_crossings(three_sites(0.0), path, {"parity": (parity, {1: "g", -1: "u"})}, velocity=0.1)
for row in symmetric:
    print(
        f"{row.kind:8s} x = {row.x:+.9f}  {row.symmetry_lower}-{row.symmetry_upper}  gap = {row.gap:.9f}  "
        f"p_diabatic_stay = {row.p_diabatic_stay:.4f}"
    )
true_row = symmetric.of_kind("true")[0]
avoided_row = symmetric.of_kind("avoided")[0]
assert abs(true_row.x - (-J + c**2 / J)) < 1e-9 and abs(true_row.energy - (-J)) < 1e-9
assert true_row.gap == 0.0 and true_row.p_diabatic_stay == 1.0
assert abs(avoided_row.x - J) < 1e-9 and abs(avoided_row.gap - 2 * np.sqrt(2) * c) < 1e-9

# %%
# Breaking the symmetry
# ---------------------
# With :math:`\epsilon \neq 0` the parity no longer commutes with :math:`H`; lzsm checks
# this and refuses it, naming the largest commutator.  Without a symmetry operator every gap
# minimum is an avoided crossing.

eps = 0.03
try:
    lzsm.find_crossings(three_sites(eps), path, {"parity": parity})
except lzsm.LzsmValueError as err:
    print("refused:", err)
broken = lzsm.find_crossings(three_sites(eps), path, velocity=0.1)
for row in broken:
    print(f"{row.kind:8s} x = {row.x:+.6f}  gap = {row.gap:.6f}  p_diabatic_stay = {row.p_diabatic_stay:.4f}")

# %%
# The opened gap against the symmetry breaking
# --------------------------------------------
# Degenerate perturbation theory: the u level couples to C with :math:`\sqrt2\,\epsilon`,
# and the lower even level holds C with amplitude :math:`a_C`, so the gap is
# :math:`2\sqrt2\,\epsilon\,a_C` up to corrections of relative order :math:`\epsilon^2`.
# Checked to 1e-4 (relative) for every :math:`\epsilon` up to :math:`0.1 J`.


def even_level_c_amplitude(x):
    # lower eigenvector of the even block [[J, sqrt2 c], [sqrt2 c, x]] (basis g, C)
    _, vecs = np.linalg.eigh(np.array([[J, np.sqrt(2) * c], [np.sqrt(2) * c, x]]))
    return abs(vecs[1, 0])


epsilons = np.geomspace(1e-3, 0.1, 9)
gaps, predicted = [], []
for e in epsilons:
    row = min(lzsm.find_crossings(three_sites(e), path), key=lambda r: abs(r.x - true_row.x))
    gaps.append(row.gap)
    predicted.append(2 * np.sqrt(2) * e * even_level_c_amplitude(true_row.x))
gaps, predicted = np.array(gaps), np.array(predicted)
rel = np.abs(gaps / predicted - 1)
for e, g, p, r in zip(epsilons, gaps, predicted, rel):
    print(f"epsilon = {e:.4f}: gap {g:.6e}, 2 sqrt2 eps a_C = {p:.6e}, relative difference {r:.1e}")
assert np.all(rel < 1e-4)

# %%
# The figure
# ----------
# Left: levels of the symmetric model coloured by parity (:func:`lzsm.plot_level_diagram`):
# g and u cross (x), two g levels avoid each other (o).  Middle: the same with the symmetry
# broken, zoomed on the former true crossing.  Right: the opened gap is linear in
# :math:`\epsilon`; at :math:`\epsilon = 0` it is exactly zero.

fig, axes = plt.subplots(1, 3, figsize=(14, 4.3), layout="constrained")
lzsm.plot_level_diagram(symmetric, ax=axes[0])
axes[0].set_title(r"symmetric ($\epsilon = 0$): parity blocks g, u")
axes[0].set_xlabel(r"site energy $x$ of C (units of $J$)")
axes[0].set_ylabel(r"energy (units of $J$)")

zoom = np.linspace(true_row.x - 0.4, true_row.x + 0.4, 401)
for e, style, lab in ((0.0, "k--", r"$\epsilon = 0$ (true crossing)"), (eps, "C3-", rf"$\epsilon = {eps:g}$")):
    levels = np.linalg.eigvalsh(np.array([three_sites(e)(x) for x in zoom]))
    for n in (0, 1):
        axes[1].plot(zoom, levels[:, n], style, lw=1.4, label=lab if n == 0 else None)
axes[1].annotate(
    rf"gap {broken.of_kind('avoided')[0].gap:.4f}",
    xy=(true_row.x, true_row.energy),
    xytext=(true_row.x + 0.08, true_row.energy - 0.3),
    arrowprops={"arrowstyle": "->"},
)
axes[1].set_xlabel(r"site energy $x$ of C (units of $J$)")
axes[1].set_ylabel(r"energy (units of $J$)")
axes[1].set_title("symmetry broken: the crossing opens")
axes[1].legend(frameon=False, fontsize=8)

axes[2].loglog(epsilons, gaps, "o", color="C3", mfc="none", label="find_crossings")
axes[2].loglog(epsilons, predicted, "k-", lw=1, label=r"$2\sqrt{2}\,\epsilon\,a_C$")
axes[2].set_xlabel(r"symmetry breaking $\epsilon$ (units of $J$)")
axes[2].set_ylabel(r"minimum gap (units of $J$)")
axes[2].set_title(r"gap at $x \approx -J + c^2/J$")
axes[2].legend(frameon=False, fontsize=8)
plt.show()
