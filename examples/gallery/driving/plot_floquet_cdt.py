"""
Floquet quasienergies and coherent destruction of tunnelling
============================================================

A symmetric two-level system (a double well, :math:`\\varepsilon_0 = 0`) tunnels between its
diabatic states with the splitting :math:`\\Delta`. Driven by
:math:`-\\frac{A\\cos\\omega t}{2}\\sigma_z` with :math:`\\hbar\\omega \\gg \\Delta`, it behaves as if the
splitting were renormalised to

.. math::

   \\Delta_{\\rm eff} = \\Delta\\, J_0\\!\\left(\\frac{A}{\\hbar\\omega}\\right),

which is the difference of the two Floquet quasienergies. Where :math:`J_0` vanishes the
quasienergies cross and a particle prepared in one well stays there: tunnelling is
destroyed coherently. Here the exact quasienergies (:func:`lzsm.floquet`, made continuous
along the amplitude axis by :func:`lzsm.track_quasienergies`) are compared with
:math:`\\pm\\Delta J_0/2`, and the exact dynamics at a crossing with free tunnelling.

Compare F. Grossmann, T. Dittrich, P. Jung and P. Hänggi, Phys. Rev. Lett. 67, 516 (1991)
(quasienergy crossings and suppressed tunnelling in a driven double well), and the
two-level treatment in S. N. Shevchenko, S. Ashhab and F. Nori, Phys. Rep. 492, 1 (2010).

Units: :math:`\\hbar = 1`, energies in units of :math:`\\hbar\\omega` (:math:`\\omega = 1`), times in
:math:`1/\\omega`; :math:`\\Delta = 0.1\\hbar\\omega`.
"""

# %%
# Quasienergies against the drive amplitude
# -----------------------------------------
import matplotlib.pyplot as plt
import numpy as np
from scipy import special

import lzsm

gap, omega = 0.1, 1.0
amplitude = np.linspace(0.0, 12.0, 1201)
fl = lzsm.floquet(lzsm.PeriodicDrive(gap, 0.0, amplitude, omega))
assert fl.ok
quasi, _ = lzsm.track_quasienergies(fl)  # continuous along the amplitude axis
splitting = quasi[:, 1] - quasi[:, 0]  # signed: it changes sign where the levels cross
effective = gap * special.jv(0, amplitude / omega)

# %%
# Where the quasienergies cross
# -----------------------------
# A sign change of the tracked splitting marks a true crossing; linear interpolation gives its
# position. The exact crossings sit slightly below the zeros :math:`j_{0,m}` of :math:`J_0`
# (corrections of higher order in :math:`\Delta/\hbar\omega`).
i = np.flatnonzero(np.sign(splitting[1:]) != np.sign(splitting[:-1]))
crossings = amplitude[i] - splitting[i] * (amplitude[i + 1] - amplitude[i]) / (splitting[i + 1] - splitting[i])
zeros = special.jn_zeros(0, crossings.size)
dev_split = np.max(np.abs(splitting - effective)) / gap
print(f"quasienergy crossings at A/hbar omega = {np.round(crossings, 4)}")
print(f"zeros of J_0:                          {np.round(zeros, 4)}")
print(f"max |splitting - Delta J_0(A/hbar omega)| = {dev_split:.1e} Delta")
assert crossings.size == 4
assert np.all(np.abs(crossings - zeros) < 0.01)
assert dev_split < 5e-3

# %%
# Tunnelling, free and destroyed
# ------------------------------
# Start in diabatic state 0 (one well) and follow its population with 20 samples per drive
# period: without drive it tunnels completely with period :math:`2\pi\hbar/\Delta`; at
# :math:`A = 1.5\hbar\omega` it tunnels more slowly (:math:`\Delta J_0(1.5) = 0.51\Delta`); at the
# first exact crossing it stays.
t = np.linspace(0.0, 200.0, 641)
amps = np.array([0.0, 1.5, crossings[0]])
run = lzsm.evolve(lzsm.PeriodicDrive(gap, 0.0, amps, omega), (t[0], t[-1]), initial=0, t_eval=t)
assert run.ok
p0 = run.populations[..., 0]  # (amplitude, t)
print(f"min population of diabatic 0: no drive {p0[0].min():.4f}, at the first crossing {p0[2].min():.4f}")
assert p0[0].min() < 0.01
assert p0[2].min() > 0.98

# %%
# The figure
# ----------
fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(11, 4.2), layout="constrained")
ax0.plot(amplitude / omega, quasi[:, 0] / gap, "C0", lw=2, label="exact quasienergies")
ax0.plot(amplitude / omega, quasi[:, 1] / gap, "C0", lw=2)
ax0.plot(amplitude / omega, effective / (2 * gap), "k--", lw=1, label=r"$\pm\Delta J_0(A/\hbar\omega)/2$")
ax0.plot(amplitude / omega, -effective / (2 * gap), "k--", lw=1)
ax0.plot(zeros, np.zeros_like(zeros), "o", mfc="none", mec="C3", ms=8, label=r"zeros of $J_0$")
ax0.set_xlabel(r"drive amplitude $A/\hbar\omega$ (dimensionless)")
ax0.set_ylabel(r"quasienergy $\epsilon/\Delta$ (dimensionless)")
ax0.set_title(r"Floquet quasienergies, $\varepsilon_0 = 0$, $\hbar\omega = 10\Delta$")
ax0.legend(fontsize=8)
labels = ("no drive", r"$A = 1.5\hbar\omega$", rf"$A = {crossings[0]:.4f}\hbar\omega$ (crossing)")
for k, lab in enumerate(labels):
    ax1.plot(t, p0[k], lw=1.2, label=lab)
ax1.set_xlabel(r"time $t$ ($1/\omega$)")
ax1.set_ylabel("population of diabatic 0 (dimensionless)")
ax1.set_title("tunnelling from one well")
ax1.set_ylim(-0.02, 1.2)
ax1.legend(fontsize=8, loc="upper center", ncols=3)
plt.show()
