"""
Transition probability at finite times
======================================

The Landau–Zener probability is a statement about :math:`t \\to \\pm\\infty`.  During the
sweep, and over any finite window, the probabilities differ from it.  Starting in diabatic
:math:`|0\\rangle` at :math:`t \\to -\\infty`, the population of diabatic :math:`|1\\rangle`
rises through the crossing and then oscillates about :math:`1 - P_{LZ}` with an amplitude
that decays only as :math:`1/t`,

.. math::

    |c_1(t)|^2 \\simeq 1 - P_{LZ} + 2\\sqrt{P_{LZ}(1 - P_{LZ})}\\,\\frac{V}{\\alpha t}
    \\cos\\Phi(t), \\qquad \\Phi \\approx \\frac{\\alpha t^2}{2\\hbar},

because the diabatic states are not the eigenstates at any finite time.  The population of
the upper *adiabatic* state converges much faster, as :math:`1/t^2`.  Over a window
:math:`[-T, T]` (the experiment) both ends contribute such a term, and the probability to
stay diabatic oscillates about :math:`P_{LZ}` with amplitude of order :math:`V/(\\alpha T)`.
The exact curves come from the parabolic-cylinder solution
(:func:`lzsm.lz_amplitudes`, :func:`lzsm.finite_time_p_diabatic_stay`), the points from
exact numerical propagation (:func:`lzsm.evolve`).

Compare the time-dependent transition probabilities in the diabatic and adiabatic bases of
N. V. Vitanov and B. M. Garraway, Phys. Rev. A 53, 4288 (1996).
"""

# %%
# During the sweep, from t = -infinity
# ------------------------------------
# Units: :math:`\hbar = 1`, :math:`\alpha = 1` (times in :math:`\sqrt{\hbar/\alpha}`).  The
# closed form starts in :math:`|0\rangle` at :math:`t = -\infty`.  To check it with an
# independent method we start :func:`lzsm.evolve` at :math:`t_0 = -40` in the exact state
# that the closed form gives there, and compare both pictures at 41 times.
#
# The late-time oscillation has angular frequency :math:`\approx \alpha t/\hbar`
# (period 0.21 at :math:`t = 30`), so the curves are sampled every 0.005.

import matplotlib.pyplot as plt
import numpy as np

import lzsm

alpha = 1.0
couplings = [0.3, 0.5, 1.0]
t = np.linspace(-10.0, 30.0, 8001)
t_check = np.linspace(-10.0, 30.0, 41)
t0 = -40.0
curves, points = {}, {}
for V in couplings:
    c = lzsm.lz_amplitudes(V, alpha, t, -np.inf, 0)
    p_dia = np.abs(c[:, 1]) ** 2  # diabatic |1>: transition in the diabatic picture
    p_ad = lzsm.finite_time_p_jump(V, alpha, t, -np.inf)  # upper adiabatic state
    curves[V] = (p_dia, p_ad)

    psi0 = lzsm.lz_amplitudes(V, alpha, t0, -np.inf, 0)
    run = lzsm.evolve(lzsm.LandauZener(V, alpha), (t0, 30.0), psi0, t_check)
    keep = np.isin(run.t, t_check)
    points[V] = (run.populations[keep, 1], run.adiabatic_populations[keep, 1])
    err_dia = np.abs(points[V][0] - np.abs(lzsm.lz_amplitudes(V, alpha, t_check, -np.inf, 0)[:, 1]) ** 2).max()
    err_ad = np.abs(points[V][1] - lzsm.finite_time_p_jump(V, alpha, t_check, -np.inf)).max()
    print(f"V = {V}: max |evolve - closed form| diabatic {err_dia:.1e}, adiabatic {err_ad:.1e}")
    assert err_dia < 1e-8 and err_ad < 1e-8

# %%
# The size of the oscillations
# ----------------------------
# For :math:`t \geq 10` the diabatic transition probability stays within 10 % of the
# leading-order envelope :math:`2\sqrt{P(1-P)}\,V/\alpha t` of :math:`1 - P_{LZ}`
# (for the two smaller couplings, where that term dominates), while the adiabatic one is
# already within :math:`0.1/t^2` of :math:`P_{LZ}`.

late = t >= 10
for V in couplings:
    p_lz = lzsm.lz_probability(V, alpha)
    p_dia, p_ad = curves[V]
    envelope = 2 * np.sqrt(p_lz * (1 - p_lz)) * V / (alpha * t[late])
    ratio = np.abs(p_dia[late] - (1 - p_lz)).max() / envelope.max()
    scaled_ad = (np.abs(p_ad[late] - p_lz) * t[late] ** 2).max()
    print(
        f"V = {V}: P_LZ = {p_lz:.6f}, diabatic deviation / envelope (t >= 10) = {ratio:.3f}, "
        f"max |p_jump - P_LZ| t^2 = {scaled_ad:.3f}"
    )
    if V < 1.0:
        assert np.all(np.abs(p_dia[late] - (1 - p_lz)) <= 1.1 * envelope)
    assert scaled_ad < 0.1

# %%
# Finite windows [-T, T]
# ----------------------
# Now the experiment: start in :math:`|0\rangle` at :math:`-T`, stop at :math:`T`, read
# ``p_diabatic_stay``.  :func:`lzsm.finite_time_p_diabatic_stay` is the exact value for the
# window (the finite-time curve); the points are exact propagations, one per window.  The
# oscillation about :math:`P_{LZ}` stays inside :math:`\pm 4\sqrt{P(1-P)}\,V/\alpha T` (both
# ends contribute) to within 10 % for :math:`T \geq 10`.

V = 0.5
p_lz = float(lzsm.lz_probability(V, alpha))
T = np.linspace(2.0, 40.0, 8001)  # the window phase ~ alpha T^2: angular frequency <= 2 alpha T = 80
p_window = lzsm.finite_time_p_diabatic_stay(V, alpha, T, -T)
T_points = np.linspace(3.0, 39.0, 19)
p_points = np.array([lzsm.evolve(lzsm.LandauZener(V, alpha), (-Tk, Tk), 0).p_diabatic_stay for Tk in T_points])
err = np.abs(p_points - lzsm.finite_time_p_diabatic_stay(V, alpha, T_points, -T_points)).max()
print(f"windows: max |evolve - finite-time closed form| = {err:.1e}")
assert err < 1e-8
envelope_T = 4 * np.sqrt(p_lz * (1 - p_lz)) * V / (alpha * T)
big = T >= 10
worst = (np.abs(p_window[big] - p_lz) / envelope_T[big]).max()
print(f"windows: max |P(-T, T) - P_LZ| / envelope for T >= 10: {worst:.3f}")
assert worst < 1.1
print(f"at T = 39: P = {p_points[-1]:.5f} vs P_LZ = {p_lz:.5f} (difference {p_points[-1] - p_lz:+.1e})")

# %%
# The figure
# ----------

fig, axes = plt.subplots(1, 3, figsize=(14, 4.2), layout="constrained")
for k, V_k in enumerate(couplings):
    p_lz_k = lzsm.lz_probability(V_k, alpha)
    lab = f"V = {V_k:g} (δ = {V_k**2 / alpha:.2f})"
    axes[0].plot(t, curves[V_k][0], color=f"C{k}", lw=0.8, label=lab)
    axes[0].axhline(1 - p_lz_k, color=f"C{k}", ls=":", lw=1)
    axes[0].plot(t_check, points[V_k][0], "o", color=f"C{k}", ms=3.5, mfc="none")
    axes[1].plot(t, curves[V_k][1], color=f"C{k}", lw=0.8, label=lab)
    axes[1].axhline(p_lz_k, color=f"C{k}", ls=":", lw=1)
    axes[1].plot(t_check, points[V_k][1], "o", color=f"C{k}", ms=3.5, mfc="none")
axes[0].plot([], [], "ko", mfc="none", ms=3.5, label="exact propagation")
axes[0].plot([], [], "k:", label=r"$1 - P_{LZ}$")
axes[0].set_title(r"diabatic picture: population of $|1\rangle$")
axes[0].set_ylabel("transition probability (dimensionless)")
axes[1].plot([], [], "k:", label=r"$P_{LZ}$")
axes[1].set_title("adiabatic picture: upper-state population")
axes[1].set_ylabel(r"$p_{\rm jump}(t)$ (dimensionless)")
for ax in axes[:2]:
    ax.set_xlabel(r"time $t$ (units of $\sqrt{\hbar/\alpha}$), start at $-\infty$")
    ax.set_ylim(-0.02, 1.02)
axes[0].legend(frameon=False, fontsize=7.5, loc="center right", bbox_to_anchor=(1.0, 0.6))
axes[1].legend(frameon=False, fontsize=7.5, loc="upper left")

ax = axes[2]
ax.plot(T, p_window, "C1-", lw=0.6, label=r"finite-time curve $P(-T \to T)$")
ax.plot(T, p_lz + envelope_T, "0.5", lw=0.8, ls="--", label=r"$P_{LZ} \pm 4\sqrt{P(1-P)}\,V/\alpha T$ (leading order)")
ax.plot(T, p_lz - envelope_T, "0.5", lw=0.8, ls="--")
ax.axhline(p_lz, color="k", ls=":", label=rf"$P_{{LZ}} = {p_lz:.4f}$")
ax.plot(T_points, p_points, "o", color="C3", ms=4, mfc="none", label="exact propagation")
ax.set_ylim(p_lz - 0.25, p_lz + 0.25)
ax.set_xlabel(r"half-window $T$ (units of $\sqrt{\hbar/\alpha}$)")
ax.set_ylabel(r"$p_{\rm diabatic\ stay}$ (dimensionless)")
ax.set_title(f"finite windows, V = {V:g}")
ax.legend(frameon=False, fontsize=7.5, loc="upper right")
plt.show()
