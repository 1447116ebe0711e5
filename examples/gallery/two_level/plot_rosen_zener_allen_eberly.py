"""
Switched pulses: Rosen–Zener and Allen–Eberly
=============================================

A coupling that is switched on and off, :math:`V(t) = V_0\\,\\mathrm{sech}(t/T)`, behaves very
differently depending on the bias :math:`b = E_1 - E_2`.

**Rosen–Zener** (constant bias :math:`b_0`): no crossing.  The transfer oscillates with the
pulse area :math:`\\mathcal A = \\int 2V\\,dt/\\hbar = 2\\pi V_0 T/\\hbar` (Rabi flopping), damped by
the detuning:

.. math::

    1 - p_{\\rm diabatic\\ stay} = \\sin^2\\!\\left(\\frac{\\pi V_0 T}{\\hbar}\\right)
    \\mathrm{sech}^2\\!\\left(\\frac{\\pi b_0 T}{2\\hbar}\\right).

**Allen–Eberly** (chirped bias :math:`b = b_1\\tanh(t/T)`): the levels cross, and a strong
enough pulse transfers the population adiabatically (rapid adiabatic passage) whatever its
exact area,

.. math::

    p_{\\rm diabatic\\ stay} = \\cos^2\\!\\left(\\frac{\\pi T}{2\\hbar}\\sqrt{4V_0^2 - b_1^2}\\right)
    \\mathrm{sech}^2\\!\\left(\\frac{\\pi b_1 T}{2\\hbar}\\right),

so the transfer stays above :math:`1 - \\mathrm{sech}^2(\\pi b_1 T/2\\hbar)` once
:math:`2V_0 > b_1`.

Reproduces N. Rosen and C. Zener, Phys. Rev. 40, 502 (1932), and the Allen–Eberly pulse of
L. Allen and J. H. Eberly, *Optical Resonance and Two-Level Atoms* (Wiley, 1975), both special
cases of Yu. N. Demkov and M. Kunike, Vestn. Leningr. Univ. Fiz. Khim. 16, 39 (1969).
"""

# %%
# Exact propagation over grids of pulses
# --------------------------------------
# Units: :math:`\hbar = 1`, pulse duration :math:`T = 1` (energies in :math:`\hbar/T`).
# :func:`lzsm.rosen_zener` and :func:`lzsm.allen_eberly` build :class:`lzsm.DemkovKunike`
# models whose parameters broadcast into a grid; one :func:`lzsm.evolve` call each, window
# :math:`[-30T, 30T]` (the coupling has fallen to :math:`10^{-13}` of its peak there, so
# diabatic and adiabatic states coincide at the ends).

import matplotlib.pyplot as plt
import numpy as np

import lzsm

T = 1.0
V0 = np.linspace(0.05, 2.0, 14)[:, None]
detunings = np.array([0.0, 0.5, 1.0])
rz = lzsm.evolve(lzsm.rosen_zener(V0, detunings, T), (-30 * T, 30 * T), 0)
rz_closed = lzsm.rosen_zener_p_diabatic_stay(V0, detunings, T)
rz_err = np.abs(rz.p_diabatic_stay - rz_closed).max()

chirps = np.array([1.0, 2.0])
ae = lzsm.evolve(lzsm.allen_eberly(V0, chirps, T), (-30 * T, 30 * T), 0)
ae_closed = lzsm.allen_eberly_p_diabatic_stay(V0, chirps, T)
ae_err = np.abs(ae.p_diabatic_stay - ae_closed).max()
print(f"Rosen–Zener:  max |exact - closed form| over {rz_closed.size} pulses = {rz_err:.1e}")
print(f"Allen–Eberly: max |exact - closed form| over {ae_closed.size} pulses = {ae_err:.1e}")
assert rz_err < 1e-8 and ae_err < 1e-8

# %%
# Two properties of the formulas, checked on the exact results
# ------------------------------------------------------------
# * Rosen–Zener on resonance: a :math:`2\pi` pulse (:math:`V_0 T = 1`) returns the system to
#   its initial state, a :math:`\pi` pulse (:math:`V_0 T = 1/2`) transfers it completely.
# * Allen–Eberly: for :math:`2V_0 > b_1` the transfer never falls below
#   :math:`1 - \mathrm{sech}^2(\pi b_1 T/2)`.

resonant = lzsm.evolve(lzsm.rosen_zener(np.array([0.5, 1.0]), 0.0, T), (-30 * T, 30 * T), 0)
print(
    f"pi pulse: transfer {1 - resonant.p_diabatic_stay[0]:.10f}; 2 pi pulse: transfer {1 - resonant.p_diabatic_stay[1]:.2e}"
)
assert abs(resonant.p_diabatic_stay[0]) < 1e-8 and abs(resonant.p_diabatic_stay[1] - 1) < 1e-8
for k, b1 in enumerate(chirps):
    strong = V0[:, 0] > b1 / 2
    floor = 1 - 1 / np.cosh(np.pi * b1 * T / 2) ** 2
    transfer = 1 - ae.p_diabatic_stay[strong, k]
    print(f"b1 T = {b1:g}: transfer >= {transfer.min():.4f} for 2 V0 > b1 (bound {floor:.4f})")
    assert np.all(transfer >= floor - 1e-8)

# %%
# Populations during two pulses
# -----------------------------
# A :math:`2\pi` Rosen–Zener pulse on resonance and an Allen–Eberly pulse with
# :math:`V_0 T = 1.5`, :math:`b_1 T = 2`, saved every :math:`0.01T`.

t = np.linspace(-6 * T, 6 * T, 1201)
run_rz = lzsm.evolve(lzsm.rosen_zener(1.0, 0.0, T), (-30 * T, 30 * T), 0, t)
run_ae = lzsm.evolve(lzsm.allen_eberly(1.5, 2.0, T), (-30 * T, 30 * T), 0, t)
keep_rz, keep_ae = np.isin(run_rz.t, t), np.isin(run_ae.t, t)

# %%
# The figure
# ----------

fig, axes = plt.subplots(1, 3, figsize=(15, 4.4), layout="constrained")
dense = np.linspace(0.0, 2.0, 400)
for k, b0 in enumerate(detunings):
    axes[0].plot(
        2 * dense * T,
        1 - lzsm.rosen_zener_p_diabatic_stay(dense, b0, T),
        color=f"C{k}",
        label=f"$b_0T$ = {b0:g}",
    )
    axes[0].plot(2 * V0[:, 0] * T, 1 - rz.p_diabatic_stay[:, k], "o", color=f"C{k}", mfc="none", ms=5)
axes[0].plot([], [], "ko", mfc="none", label="exact propagation")
axes[0].set_xlabel(r"pulse area $\mathcal{A}/\pi = 2V_0T/\hbar$ (dimensionless)")
axes[0].set_ylabel(r"transfer $1 - p_{\rm diabatic\ stay}$ (dimensionless)")
axes[0].set_title("Rosen–Zener: Rabi flopping, damped by detuning")
axes[0].legend(frameon=False, fontsize=8, loc="upper center")

for k, b1 in enumerate(chirps):
    axes[1].plot(
        dense, 1 - lzsm.allen_eberly_p_diabatic_stay(dense, b1, T), color=f"C{k + 3}", label=f"$b_1T$ = {b1:g}"
    )
    axes[1].axhline(1 - 1 / np.cosh(np.pi * b1 * T / 2) ** 2, color=f"C{k + 3}", ls=":", lw=1)
    axes[1].plot(V0[:, 0], 1 - ae.p_diabatic_stay[:, k], "o", color=f"C{k + 3}", mfc="none", ms=5)
axes[1].plot([], [], "k:", lw=1, label=r"$1 - \mathrm{sech}^2(\pi b_1 T/2)$")
axes[1].plot([], [], "ko", mfc="none", label="exact propagation")
axes[1].set_xlabel(r"peak coupling $V_0$ (units of $\hbar/T$)")
axes[1].set_ylabel(r"transfer $1 - p_{\rm diabatic\ stay}$ (dimensionless)")
axes[1].set_title("Allen–Eberly: adiabatic passage")
axes[1].legend(frameon=False, fontsize=8, loc="lower right")

axes[2].plot(run_rz.t[keep_rz], run_rz.populations[keep_rz, 1], "C0-", label=r"Rosen–Zener $2\pi$ pulse, $b_0 = 0$")
axes[2].plot(run_ae.t[keep_ae], run_ae.populations[keep_ae, 1], "C4-", label=r"Allen–Eberly, $V_0T = 1.5$, $b_1T = 2$")
axes[2].set_xlabel(r"time $t$ (units of $T$)")
axes[2].set_ylabel(r"population of diabatic $|1\rangle$ (dimensionless)")
axes[2].set_title(r"start in $|0\rangle$")
axes[2].set_ylim(-0.02, 1.02)
axes[2].legend(frameon=False, fontsize=8, loc="upper left")
plt.show()
