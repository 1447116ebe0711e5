"""
Energy levels in the diabatic and adiabatic pictures
====================================================

The Landau–Zener Hamiltonian in the diabatic basis is
:math:`H(t) = [[\\alpha t/2, V], [V, -\\alpha t/2]]`: two straight diabatic lines
:math:`E_{0,1} = \\pm\\alpha t/2` that cross at :math:`t = 0`, coupled by :math:`V`.
Its eigenvalues, the adiabatic levels, are the hyperbolas

.. math::

    E_\\pm(t) = \\pm\\sqrt{(\\alpha t/2)^2 + V^2},

which never cross: they avoid each other with the minimum gap :math:`\\Delta = 2|V|` at
:math:`t = 0`.  The mixing angle :math:`\\theta \\in [0, \\pi/2]`,
:math:`\\tan 2\\theta = 2V/(\\alpha t)`, turns the lower adiabatic state
:math:`-\\sin\\theta|0\\rangle + \\cos\\theta|1\\rangle` from diabatic :math:`|0\\rangle`
(:math:`t \\to -\\infty`, :math:`\\theta \\to \\pi/2`) into diabatic :math:`|1\\rangle`
(:math:`t \\to +\\infty`, :math:`\\theta \\to 0`); the exchange of character happens within
:math:`|t| \\lesssim 2V/\\alpha` of the crossing.

This is the level diagram of C. Zener, Proc. R. Soc. A 137, 696 (1932), in the conventions of
lzsm (``docs/conventions.md``: diabatic states :math:`|0\\rangle, |1\\rangle`, adiabatic index
0 the lowest).
"""

# %%
# The model and its adiabatic picture
# -----------------------------------
# Units: :math:`\hbar = 1`; :math:`V = 0.5` and :math:`\alpha = 1` (energies in units of
# :math:`\sqrt{\hbar\alpha}`, times in :math:`\sqrt{\hbar/\alpha}`).
# :mod:`lzsm.models.adiabatic` gives everything adiabatic from the diabatic model.

import matplotlib.pyplot as plt
import numpy as np

import lzsm

V, alpha = 0.5, 1.0
model = lzsm.LandauZener(coupling=V, sweep_rate=alpha)
t = np.linspace(-6.0, 6.0, 601)

h = model.hamiltonian(t)  # (601, 2, 2), diabatic basis
diabatic = np.real(np.diagonal(h, axis1=-2, axis2=-1))
energies = lzsm.adiabatic_energies(model, t)  # ascending: index 0 lowest
theta = lzsm.mixing_angle(model, t)
states = lzsm.adiabatic_states(model, t)  # [..., j, n]: diabatic component j of adiabatic n
character = lzsm.diabatic_character(model, t)  # |<j|phi_n>|^2

# %%
# Checks against the closed forms
# -------------------------------
# The hyperbolas, the minimum gap :math:`2V` at :math:`t = 0`, the mixing angle
# :math:`\tfrac12\operatorname{atan2}(2V, \alpha t)` (:math:`\pi/4` at the crossing), the
# diabatic character :math:`\sin^2\theta` and :math:`\cos^2\theta` of the lower state, and
# that the columns of ``adiabatic_states`` are eigenvectors.

hyperbola = np.sqrt((alpha * t / 2) ** 2 + V**2)
assert np.allclose(energies, np.column_stack([-hyperbola, hyperbola]), atol=1e-12)
gap = energies[:, 1] - energies[:, 0]
i0 = np.argmin(gap)
print(f"minimum gap {gap[i0]:.12f} at t = {t[i0]:+.3f} (2V = {lzsm.minimum_gap(V):.12f})")
assert abs(t[i0]) < 1e-12 and abs(gap[i0] - 2 * V) < 1e-12
assert np.allclose(theta, 0.5 * np.arctan2(2 * V, alpha * t), atol=1e-14)
print(f"mixing angle at the crossing: {theta[i0]:.12f} (pi/4 = {np.pi / 4:.12f})")
assert abs(theta[i0] - np.pi / 4) < 1e-12
assert np.allclose(character[:, 0, 0], np.sin(theta) ** 2, atol=1e-12)  # weight of |0> in the lower state
assert np.allclose(character[:, 1, 0], np.cos(theta) ** 2, atol=1e-12)  # weight of |1> in the lower state
residual = np.abs(h @ states - states * energies[:, None, :]).max()
print(f"max |H phi_n - E_n phi_n| on the grid: {residual:.1e}")
assert residual < 1e-12
print(
    f"weight of |0> in the lower state at t = -6, 0, +6: {character[0, 0, 0]:.4f}, "
    f"{character[i0, 0, 0]:.4f}, {character[-1, 0, 0]:.4f}"
)

# %%
# The figure
# ----------
# Left: diabatic lines (dashed) and adiabatic hyperbolas, coloured by the weight of diabatic
# :math:`|0\rangle`, with the minimum gap.  Right: the mixing angle and the diabatic character
# of the lower adiabatic state; the shaded band is :math:`|t| < 2V/\alpha`, the half-width of
# the non-adiabatic coupling (see the next example).

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4.2), layout="constrained")
ax1.plot(t, diabatic[:, 0], "--", color="C3", lw=1.2, label=r"diabatic $|0\rangle$: $+\alpha t/2$")
ax1.plot(t, diabatic[:, 1], "--", color="C0", lw=1.2, label=r"diabatic $|1\rangle$: $-\alpha t/2$")
for n in (0, 1):
    sc = ax1.scatter(t[::6], energies[::6, n], c=character[::6, 0, n], cmap="coolwarm", vmin=0, vmax=1, s=9)
    ax1.plot(t, energies[:, n], "-", color="0.3", lw=0.8, label="adiabatic $E_\\pm$" if n == 0 else None)
ax1.annotate("", xy=(0, V), xytext=(0, -V), arrowprops={"arrowstyle": "<->", "color": "k", "lw": 1})
ax1.text(0.15, 0.0, r"$\Delta = 2V$", va="center")
fig.colorbar(sc, ax=ax1, label=r"weight of diabatic $|0\rangle$ (dimensionless)")
ax1.set_xlabel(r"time $t$ (units of $\sqrt{\hbar/\alpha}$)")
ax1.set_ylabel(r"energy (units of $\sqrt{\hbar\alpha}$)")
ax1.set_title(f"levels, V = {V:g}, α = {alpha:g}")
ax1.legend(frameon=False, fontsize=8, loc="upper center")

ax2.axvspan(-2 * V / alpha, 2 * V / alpha, color="0.9", label=r"$|t| < 2V/\alpha$")
ax2.plot(t, theta / np.pi, "k-", label=r"$\theta/\pi$")
ax2.plot(t, character[:, 0, 0], "C3-", label=r"$|\langle 0|\phi_0\rangle|^2 = \sin^2\theta$")
ax2.plot(t, character[:, 1, 0], "C0-", label=r"$|\langle 1|\phi_0\rangle|^2 = \cos^2\theta$")
ax2.set_xlabel(r"time $t$ (units of $\sqrt{\hbar/\alpha}$)")
ax2.set_ylabel("angle / weight (dimensionless)")
ax2.set_title("mixing angle and diabatic character")
ax2.set_ylim(-0.02, 1.02)
ax2.legend(frameon=False, fontsize=9, loc="center right", title=r"lower state $\phi_0$", title_fontsize=9)
plt.show()
