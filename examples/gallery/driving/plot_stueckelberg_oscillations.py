"""
Stückelberg oscillations after a double passage
===============================================

A two-level system is swept through its avoided crossing and back: the bias
:math:`E_1 - E_2 = \\alpha (t_c - |t|)` passes zero at :math:`t = -t_c` and again at
:math:`t = +t_c` (:class:`lzsm.DoublePassage`, ``shape="triangular"``). Each passage is a
Landau–Zener beam splitter with :math:`P = P_{LZ} = e^{-2\\pi\\delta}`; between them the two
adiabatic paths gather the dynamical phase :math:`\\zeta`, and the probability to end in the
upper adiabatic level, starting in the lower one, oscillates with the time between the
passages. The adiabatic-impulse model gives

.. math::

   P_+ = 4 P (1 - P) \\sin^2 \\Phi_{St}, \\qquad
   \\Phi_{St} = \\zeta + \\varphi_S, \\qquad
   \\zeta = \\frac{1}{2\\hbar} \\int_{-t_c}^{t_c} \\Delta E(t)\\, dt,

with the Stokes phase :math:`\\varphi_S = \\pi/4 + \\delta(\\ln\\delta - 1) + \\arg\\Gamma(1 - i\\delta)`.
Here it is compared with exact propagation (:func:`lzsm.evolve`) for two couplings: the
fringes have full contrast :math:`4P(1-P) = 1` when :math:`P = 1/2`, and they oscillate about
the phase-averaged value :math:`2P(1-P)` that dephasing between the passages would leave.

Compare Sec. 3 (the adiabatic-impulse model and Stückelberg oscillations) of
S. N. Shevchenko, S. Ashhab and F. Nori, Phys. Rep. 492, 1 (2010); E. C. G. Stückelberg,
Helv. Phys. Acta 5, 369 (1932).

Units: :math:`\\hbar = 1`, energies in units of :math:`\\sqrt{\\hbar\\alpha}` with
:math:`\\alpha = 1` (times in :math:`1/\\sqrt{\\alpha}`).
"""

# %%
# Exact propagation on a grid of crossing times
# ---------------------------------------------
# Two couplings, one giving :math:`P_{LZ} = 1/2` exactly and one weaker (:math:`P_{LZ} = 0.78`),
# on 400 crossing times :math:`t_c \in [8, 12]`. The dynamical phase grows as
# :math:`\zeta \approx \alpha t_c^2/2`, so this window holds about 13 fringes, sampled
# with about 30 points each. The system starts in the lower adiabatic state at
# :math:`t = -3 t_{c,\max}`; ``p_jump`` is the population of the other adiabatic state at the end.
import matplotlib.pyplot as plt
import numpy as np

import lzsm

alpha = 1.0
couplings = np.array([np.sqrt(np.log(2) / (2 * np.pi)), 0.2])  # P_LZ = 1/2 and 0.78
t_c = np.linspace(8.0, 12.0, 400)
span = 3 * t_c.max()

model = lzsm.DoublePassage(couplings[:, None], alpha, t_c, shape="triangular")
run = lzsm.evolve(model, (-span, span), initial="lower")
assert run.ok
exact = run.p_jump  # shape (2 couplings, 400 crossing times)

# %%
# The adiabatic-impulse model
# ---------------------------
# The closed form needs the single-passage probability, the dynamical phase between the
# crossings and the Stokes phase; :func:`lzsm.double_passage_probability` combines them.
p_lz = lzsm.lz_probability(couplings, alpha)
delta = couplings**2 / alpha
zeta = lzsm.closed_forms.double_passage_dynamical_phase(couplings[:, None], alpha, t_c, shape="triangular")
phase_st = zeta + lzsm.stokes_phase(delta)[:, None]
aim = lzsm.double_passage_probability(couplings[:, None], alpha, t_c, shape="triangular")

error = np.max(np.abs(exact - aim), axis=1)
for v, p, e, lo, hi in zip(couplings, p_lz, error, exact.min(axis=1), exact.max(axis=1)):
    print(
        f"V = {v:.4f}: P_LZ = {p:.4f}, 4P(1-P) = {4 * p * (1 - p):.4f}, exact P+ in [{lo:.4f}, {hi:.4f}], "
        f"max |exact - AIM| = {e:.1e}"
    )
print(f"Stückelberg phase covered: {phase_st[0, 0]:.1f} to {phase_st[0, -1]:.1f} rad")

# The adiabatic-impulse model holds for these well separated, exactly linear passages.
assert np.all(error < 2e-3)
# The fringes reach their full contrast 4P(1-P) and go down to zero.
assert np.allclose(exact.max(axis=1), 4 * p_lz * (1 - p_lz), atol=5e-3)
assert np.all(exact.min(axis=1) < 5e-3)

# %%
# Against the time between the passages, and against the Stückelberg phase
# ------------------------------------------------------------------------
# Left: the fringes against :math:`2 t_c`. Right: divided by their contrast
# :math:`4P(1-P)` and plotted against :math:`\Phi_{St}` modulo :math:`\pi`, both couplings
# fall on the same :math:`\sin^2\Phi_{St}`.
fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
colors = ("C0", "C3")
phi = np.linspace(0, np.pi, 200)
ax1.plot(phi, np.sin(phi) ** 2, "-", color="0.7", lw=4, label=r"$\sin^2\Phi_{St}$")
for i, (v, p) in enumerate(zip(couplings, p_lz)):
    label = rf"$V = {v:.3f}$, $P_{{LZ}} = {p:.2f}$"
    ax0.plot(2 * t_c, exact[i], color=colors[i], lw=1.5, label=f"exact, {label}")
    ax0.plot(
        2 * t_c[::8], aim[i, ::8], "o", ms=3, mfc="none", color="k", label="adiabatic-impulse model" if i else None
    )
    ax0.axhline(2 * p * (1 - p), color=colors[i], ls=":", lw=1)
    ax1.plot(np.mod(phase_st[i], np.pi), exact[i] / (4 * p * (1 - p)), ".", ms=2.5, color=colors[i], label=label)
ax0.set_xlabel(r"time between the passages $2t_c$ ($1/\sqrt{\alpha}$)")
ax0.set_ylabel(r"$P_+$ = p_jump (dimensionless)")
ax0.set_title("Stückelberg fringes (dotted: $2P(1-P)$)")
ax0.set_ylim(-0.02, 1.25)
ax0.legend(fontsize=7, loc="upper right", ncols=2)
ax1.set_xlabel(r"Stückelberg phase $\Phi_{St} = \zeta + \varphi_S$ mod $\pi$ (rad)")
ax1.set_ylabel(r"$P_+ / 4P(1-P)$ (dimensionless)")
ax1.set_title("collapse onto the adiabatic-impulse law")
ax1.legend(fontsize=7, loc="upper left")
plt.show()
