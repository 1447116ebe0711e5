"""
The double cone and the Berry phase pi
======================================

Two electronic states of the same symmetry, coupled linearly to two vibrational coordinates,
meet at a point: the E x e Jahn–Teller model
:math:`V(q) = \\tfrac{\\omega}{2}|q|^2 + k\\,[[q_x, q_y], [q_y, -q_x]]` has the adiabatic
surfaces

.. math::

    E_\\mp(\\rho) = \\frac{\\omega}{2}\\rho^2 \\mp k\\rho ,

a double cone at :math:`\\rho = 0` (gap :math:`2k\\rho`, linear in every direction) inside a
"Mexican hat".  A real adiabatic state carried once around the intersection comes back with
the opposite sign: its Berry phase :math:`\\gamma = -\\arg\\prod_k\\langle n(q_k)|n(q_{k+1})\\rangle`
is :math:`\\pi` for a loop around it and :math:`0` for a loop that does not enclose it.  For a
complex Hamiltonian the phase is continuous: a spin 1/2 in a field :math:`\\mathbf b` whose
direction sweeps a cone of solid angle :math:`\\Omega` picks up :math:`\\mp\\Omega/2` (upper /
lower state), and the real case is the special loop through the equator, :math:`\\Omega = 2\\pi`.

Reproduces M. V. Berry, Proc. R. Soc. A 392, 45 (1984) (the spin in a field and the phase
:math:`-\\Omega/2`), and the sign change around a conical intersection of H. C. Longuet-Higgins,
U. Öpik, M. H. L. Pryce and R. A. Sack, Proc. R. Soc. A 244, 1 (1958).
"""

# %%
# The double cone
# ---------------
# Units: dimensionless normal coordinates, energies in :math:`\hbar\omega` with
# :math:`\omega = 1`; :math:`k = 1`.  ``model.energies(q)`` gives the adiabatic surfaces
# (index 0 the lower).

import matplotlib.pyplot as plt
import numpy as np

import lzsm

k = 1.0
jt = lzsm.JahnTellerExE(k=k)
rho = np.linspace(0.0, 2.2, 45)
phi = np.linspace(0.0, 2 * np.pi, 73)
R, PHI = np.meshgrid(rho, phi)
q = np.stack([R * np.cos(PHI), R * np.sin(PHI)], axis=-1)
E = jt.energies(q)  # (73, 45, 2)
assert np.allclose(E[..., 0], R**2 / 2 - k * R, atol=1e-12)
assert np.allclose(E[..., 1], R**2 / 2 + k * R, atol=1e-12)
print(
    "surfaces = rho^2/2 -+ k rho to 1e-12; gap at rho = 0.1, 0.2, 0.4:", np.round(np.diff(E[0, [2, 4, 8]]).ravel(), 12)
)
print("gap/rho along the first direction:", np.round((E[0, 1:6, 1] - E[0, 1:6, 0]) / rho[1:6], 12))

# %%
# Berry phase of circles in the real (E x e) model
# ------------------------------------------------
# Circles centred at :math:`(1.5, 0)`: they enclose the intersection at the origin only when
# their radius exceeds 1.5.  :func:`lzsm.berry_phase` refines each loop by doubling until the
# phase changes by less than 1e-10; for a real model the answer is exactly 0 or pi.

centre = np.array([1.5, 0.0])
radii = np.r_[np.linspace(0.2, 1.4, 7), np.linspace(1.6, 2.8, 7)]
phases = np.array([lzsm.berry_phase(jt, lzsm.circle_loop(centre, r)).phase for r in radii])
expected = np.where(radii > 1.5, np.pi, 0.0)
print("radius:", np.round(radii, 2))
print("phase/pi:", np.round(phases / np.pi, 12))
assert np.allclose(np.abs(phases), expected, atol=1e-8)

# %%
# Spin 1/2 in a field: the phase is half the solid angle
# ------------------------------------------------------
# :class:`lzsm.SpinHalfInField` is :math:`V(\mathbf b) = \mathbf b\cdot\boldsymbol\sigma/2`.
# The field turns on a cone of half-angle :math:`\vartheta` about :math:`z` (a circle of radius
# :math:`\sin\vartheta` at height :math:`\cos\vartheta`), solid angle
# :math:`\Omega = 2\pi(1 - \cos\vartheta)`.  The upper state (spin along the field) must get
# :math:`-\Omega/2` modulo :math:`2\pi`; checked to 1e-8.

spin = lzsm.SpinHalfInField()
thetas = np.linspace(0.1, np.pi - 0.1, 15)
spin_phase = np.array(
    [lzsm.berry_phase(spin, lzsm.circle_loop((0, 0, np.cos(th)), np.sin(th)), state=1).phase for th in thetas]
)
omega = 2 * np.pi * (1 - np.cos(thetas))
wrapped = np.angle(np.exp(-0.5j * omega))  # -Omega/2 folded into (-pi, pi]
err = np.abs(np.angle(np.exp(1j * (spin_phase - wrapped)))).max()
print(f"spin 1/2: max |Berry phase - (-Omega/2)| (mod 2 pi) over {thetas.size} cones: {err:.1e}")
assert err < 1e-8
equator = lzsm.berry_phase(spin, lzsm.circle_loop((0, 0, 0), 1.0), state=1).phase
print(f"equator (Omega = 2 pi): {equator / np.pi:+.10f} pi")
assert abs(abs(equator) - np.pi) < 1e-8

# %%
# The figure
# ----------
# Left: the two surfaces near the intersection, with a loop around it (red, phase pi) and one
# beside it (blue, phase 0) drawn on the lower surface.  Middle: phase of circles about
# :math:`(1.5, 0)` against their radius.  Right: the spin-1/2 phase against the solid angle,
# unwrapped.

fig = plt.figure(figsize=(16, 4.6), layout="constrained")
gs = fig.add_gridspec(1, 3, width_ratios=[1.3, 1, 1])
ax3d = fig.add_subplot(gs[0], projection="3d")
X, Y = q[..., 0], q[..., 1]
inner = R <= 1.1  # the upper cone only near the intersection, so that the loops stay visible
ax3d.plot_surface(X, Y, E[..., 0], cmap="Blues_r", alpha=0.55, linewidth=0, rstride=2, cstride=2)
ax3d.plot_surface(X[:, :23], Y[:, :23], E[:, :23, 1], cmap="Oranges", alpha=0.35, linewidth=0, rstride=2, cstride=2)
assert np.all(inner[:, :23])
s = np.linspace(0, 2 * np.pi, 200)
for (cx, cy, r), colour, lab in (((0.0, 0.0, 1.0), "C3", "around: phase π"), ((1.6, 0.0, 0.4), "k", "beside: phase 0")):
    lx, ly = cx + r * np.cos(s), cy + r * np.sin(s)
    lz = jt.energies(np.stack([lx, ly], axis=-1))[:, 0]
    ax3d.plot(lx, ly, lz + 0.03, color=colour, lw=2.5, label=lab, zorder=10)
ax3d.set_xlabel(r"$q_x$ (dimensionless)")
ax3d.set_ylabel(r"$q_y$ (dimensionless)")
ax3d.set_zlabel(r"energy ($\hbar\omega$)", labelpad=2)
ax3d.set_zticks([-0.5, 0.0, 0.5, 1.0, 1.5])
ax3d.set_title(r"E$\otimes$e: $E_\mp = \rho^2/2 \mp k\rho$, k = 1")
ax3d.view_init(elev=38, azim=-60)
ax3d.legend(frameon=False, fontsize=8, loc="upper left")

ax = fig.add_subplot(gs[1])
ax.plot(radii, np.abs(phases) / np.pi, "o", color="C3", mfc="none", label="lzsm.berry_phase, lower state")
ax.step([0.0, 1.5, 3.0], [0, 1, 1], where="post", color="k", lw=1, label="0 outside, π around the intersection")
ax.axvline(1.5, color="0.6", lw=0.8, ls=":")
ax.set_xlabel(r"radius of the circle about $(1.5, 0)$ (dimensionless)")
ax.set_ylabel(r"$|\gamma|/\pi$ (dimensionless)")
ax.set_title("real model: the phase is 0 or π")
ax.set_ylim(-0.1, 1.25)
ax.legend(frameon=False, fontsize=8, loc="upper left")

ax = fig.add_subplot(gs[2])
dense = np.linspace(0, 4 * np.pi, 200)
ax.plot(dense / np.pi, -dense / 2 / np.pi, "k-", lw=1, label=r"$-\Omega/2$ (Berry 1984)")
ax.plot(
    omega / np.pi, np.unwrap(spin_phase) / np.pi, "o", color="C2", mfc="none", label="lzsm.berry_phase, upper state"
)
ax.plot(
    2,
    (equator - 2 * np.pi if equator > 0 else equator) / np.pi,
    "*",
    color="C3",
    ms=12,
    mfc="none",
    label=r"equator: $\pi \equiv -\pi$ (the real case)",
)
ax.set_xlabel(r"solid angle $\Omega/\pi$ (dimensionless)")
ax.set_ylabel(r"Berry phase $\gamma/\pi$ (dimensionless)")
ax.set_title(r"spin 1/2 in a field on a cone")
ax.legend(frameon=False, fontsize=8)
plt.show()
