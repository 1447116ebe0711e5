"""
A Landau–Zener passage driven by classical noise
================================================

A classical random signal :math:`\\xi(t)` on the bias, :math:`E_1 - E_2 = \\alpha t + \\xi(t)`, with
Ornstein–Uhlenbeck statistics :math:`\\langle\\xi(t)\\xi(t')\\rangle = \\sigma^2 e^{-|t-t'|/\\tau_c}`
(:class:`lzsm.OrnsteinUhlenbeckNoise`), makes every trajectory of a Landau–Zener passage
different. When the noise is fast (white-noise limit) the average obeys the Lindblad equation
with pure dephasing in the diabatic basis at the rate

.. math::

   \\gamma_\\varphi = \\sigma^2\\tau_c/\\hbar^2 ,

and when the dephasing is strong the coherence follows the populations, which then hop at
the golden-rule rate through a Lorentzian of width :math:`\\hbar\\gamma_\\varphi`; over the whole
crossing this gives Kayanuma's limit :math:`P_{stay} = (1 + P_{LZ}^2)/2` instead of
:math:`P_{LZ} = e^{-2\\pi\\delta}`. Here the noise is simulated trajectory by trajectory
(:func:`lzsm.evolve_noisy`) and compared with :func:`lzsm.evolve_open` and with the rate
equation over the same finite window (:func:`lzsm.rate_equation_p_diabatic_stay`).

Compare Y. Kayanuma, J. Phys. Soc. Jpn. 53, 108 (1984), and V. L. Pokrovsky and
N. A. Sinitsyn, Phys. Rev. B 67, 144303 (2003) (noise at a Landau–Zener crossing).

Units: :math:`\\hbar = 1`, energies in units of :math:`\\sqrt{\\hbar\\alpha}` with :math:`\\alpha = 1`;
:math:`V = 0.5` (:math:`P_{LZ} = e^{-\\pi/2} = 0.208`), window :math:`t \\in [-10, 10]`, start in
diabatic state 0; :math:`\\tau_c = 0.01`.
"""

# %%
# Lindblad and the closed forms against the dephasing rate
# --------------------------------------------------------
import matplotlib.pyplot as plt
import numpy as np

import lzsm

coupling, rate, half = 0.5, 1.0, 10.0
model = lzsm.LandauZener(coupling, rate)
span = (-half, half)
gamma = np.geomspace(1e-3, 1e2, 41)
lindblad = lzsm.evolve_open(model, span, 0, dephasing=gamma)
p_lindblad = np.asarray(lindblad.p_diabatic_stay)
p_coherent = lzsm.finite_time_p_diabatic_stay(coupling, rate, t=half, t0=-half)
p_lz = lzsm.lz_probability(coupling, rate)
p_kayanuma = lzsm.kayanuma_p_diabatic_stay(coupling, rate)
p_rate_eq = np.array([lzsm.rate_equation_p_diabatic_stay(coupling, rate, g, span) for g in gamma])
dev_weak = abs(p_lindblad[0] - p_coherent)
dev_strong = abs(p_lindblad[-1] - p_rate_eq[-1])
print(f"P_LZ = {p_lz:.4f}, coherent over the window {p_coherent:.4f}, Kayanuma (1 + P_LZ^2)/2 = {p_kayanuma:.4f}")
print(f"gamma_phi = {gamma[0]:g}: |Lindblad - coherent| = {dev_weak:.1e}")
print(f"gamma_phi = {gamma[-1]:g}: |Lindblad - rate equation (same window)| = {dev_strong:.1e}")
assert dev_weak < 5e-3
assert dev_strong < 1e-2

# %%
# Noise trajectories in the white-noise limit
# -------------------------------------------
# For four dephasing rates, 400 noise trajectories each with :math:`\sigma = \sqrt{\gamma_\varphi/\tau_c}`
# (:meth:`lzsm.OrnsteinUhlenbeckNoise.from_dephasing_rate`); the averaged final population must
# match Lindblad within four standard errors plus 0.005 for the finite correlation time.
gamma_noise = np.array([0.1, 0.3, 1.0, 3.0])
t = np.linspace(-half, half, 401)  # saved every 0.05, used for the time panel below
noisy, noisy_se, runs = [], [], {}
for g in gamma_noise:
    noise = lzsm.OrnsteinUhlenbeckNoise.from_dephasing_rate(g, 0.01)
    runs[g] = lzsm.evolve_noisy(model, span, 0, t, noise=noise, n_trajectories=400, seed=11)
    noisy.append(float(runs[g].p_diabatic_stay))
    noisy_se.append(float(runs[g].p_diabatic_stay_stderr))
noisy, noisy_se = np.array(noisy), np.array(noisy_se)
ref = np.asarray(lzsm.evolve_open(model, span, 0, dephasing=gamma_noise).p_diabatic_stay)
for g, p, s, r in zip(gamma_noise, noisy, noisy_se, ref):
    print(f"gamma_phi = {g:4.1f}: noise {p:.4f} +- {s:.4f}, Lindblad {r:.4f} ({abs(p - r) / s:.1f} s.e.)")
assert np.all(np.abs(noisy - ref) <= 4 * noisy_se + 0.005)

# %%
# The figure
# ----------
# Left: the final population against the dephasing rate. At fixed window, very strong
# dephasing freezes the transition altogether (the quantum Zeno effect: the rate equation's
# transition probability falls as :math:`1/\gamma_\varphi`). Right: the passage at
# :math:`\gamma_\varphi = 1` in time, saved every 0.05 (the coherent populations oscillate after
# the crossing with the local period :math:`2\pi\hbar/\alpha|t|`, at least 0.63 here).
run_t = runs[1.0]
lind_t = lzsm.evolve_open(model, span, 0, t, dephasing=1.0)
coh_t = lzsm.evolve(model, span, 0, t)

fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(12, 4.3), layout="constrained")
ax0.semilogx(gamma, p_lindblad, "k-", lw=1.8, label="Lindblad (evolve_open)")
ax0.semilogx(gamma, p_rate_eq, "C2--", lw=1.2, label="rate equation, same window")
ax0.axhline(p_coherent, color="C0", lw=1, label="coherent, finite window")
ax0.axhline(p_lz, color="C0", ls=":", lw=1, label=r"$P_{LZ}$ (infinite window)")
ax0.axhline(p_kayanuma, color="C2", ls=":", lw=1, label=r"Kayanuma $(1 + P_{LZ}^2)/2$")
ax0.errorbar(
    gamma_noise, noisy, yerr=2 * noisy_se, fmt="o", color="C3", capsize=3, label="OU noise, 400 trajectories (±2 s.e.)"
)
ax0.set_ylim(0.1, 1.02)
ax0.set_xlabel(r"dephasing rate $\gamma_\varphi$ ($\sqrt{\alpha/\hbar}$)")
ax0.set_ylabel("p_diabatic_stay at t = 10 (dimensionless)")
ax0.set_title("a passage under noise")
ax0.legend(fontsize=7.5, loc="upper left")
p0 = run_t.populations[:, 0]
se0 = run_t.population_stderr[:, 0]
ax1.fill_between(t, p0 - 2 * se0, p0 + 2 * se0, color="C3", alpha=0.3, lw=0, label="OU noise (±2 s.e.)")
ax1.plot(t, lind_t.populations[:, 0], "k-", lw=1.2, label=r"Lindblad, $\gamma_\varphi = 1$")
ax1.plot(t, coh_t.populations[:, 0], "C0", lw=1, label="coherent")
ax1.set_xlabel(r"time t ($1/\sqrt{\alpha/\hbar}$)")
ax1.set_ylabel("population of diabatic 0 (dimensionless)")
ax1.set_title(r"in time, $\gamma_\varphi = 1$")
ax1.legend(fontsize=8, loc="lower left")
plt.show()
