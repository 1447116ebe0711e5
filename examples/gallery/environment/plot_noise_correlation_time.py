"""
Classical noise at a crossing: from white noise to quasi-static noise
=====================================================================

Let the bias fluctuate, :math:`E_1 - E_2 = \\alpha t + \\xi(t)`, with Ornstein–Uhlenbeck noise
of variance :math:`\\sigma^2` and correlation time :math:`\\tau_c`, and keep the dephasing rate
of the white-noise limit fixed,

.. math::

    \\gamma_\\phi = \\frac{\\sigma^2\\tau_c}{\\hbar^2} .

When :math:`\\tau_c` is short (fast noise) the trajectory average obeys the Lindblad equation
with pure dephasing :math:`\\gamma_\\phi`.  When :math:`\\tau_c` is long the noise is a random
but frozen shift of the bias during the passage: each trajectory is a coherent Landau–Zener
passage with a displaced crossing, and the average over the Gaussian shifts
:math:`\\xi \\sim N(0, \\sigma^2)` only washes out the finite-window oscillation,

.. math::

    \\bar P = \\int d\\xi\\, \\frac{e^{-\\xi^2/2\\sigma^2}}{\\sqrt{2\\pi}\\sigma}\\,
    P_{\\rm window}\\big(-T + \\xi/\\alpha \\to T + \\xi/\\alpha\\big) .

In between, the same :math:`\\gamma_\\phi` gives less and less decoherence as :math:`\\tau_c`
grows (motional narrowing in reverse).

Compare Y. Kayanuma, J. Phys. Soc. Jpn. 53, 108 (1984) (level crossing with a Gaussian–Markov
energy fluctuation of finite correlation time) and V. L. Pokrovsky and N. A. Sinitsyn, Phys.
Rev. B 67, 144303 (2003); the limits are checked against the Lindblad equation and against
the closed-form quasi-static average.
"""

# %%
# Noisy trajectories over a range of correlation times
# ----------------------------------------------------
# Units: :math:`\hbar = 1`, :math:`\alpha = 1`; :math:`V = 0.5`, window :math:`[-20, 20]`,
# :math:`\gamma_\phi = 1`.  :func:`lzsm.evolve_noisy` averages 1000 seeded trajectories
# (fourth-order Magnus with the exact noise integral per step) and returns the standard error.

import matplotlib.pyplot as plt
import numpy as np

import lzsm

V, alpha, T, gamma_phi = 0.5, 1.0, 20.0, 1.0
model = lzsm.LandauZener(V, alpha)
taus = np.array([0.05, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0])
p, err = [], []
for k, tau in enumerate(taus):
    noise = lzsm.OrnsteinUhlenbeckNoise.from_dephasing_rate(gamma_phi, correlation_time=tau)
    run = lzsm.evolve_noisy(model, (-T, T), 0, noise=noise, n_trajectories=1000, seed=k)
    p.append(run.p_diabatic_stay)
    err.append(run.p_diabatic_stay_stderr)
p, err = np.array(p), np.array(err)

# %%
# The two limits
# --------------
# White noise: :func:`lzsm.evolve_open` with ``dephasing=gamma_phi``.  Quasi-static noise:
# the average above by 60-point Gauss–Hermite quadrature over :math:`\xi` of the exact
# finite-window probability :func:`lzsm.finite_time_p_diabatic_stay`.  Checks: at
# :math:`\tau_c = 0.05` the noise average is within 4 standard errors + 0.005 of the Lindblad
# value; for :math:`\tau_c \geq 300` (much longer than the window) within 4 standard errors of
# the quasi-static average.

lindblad = float(lzsm.evolve_open(model, (-T, T), 0, dephasing=gamma_phi).p_diabatic_stay)
nodes, weights = np.polynomial.hermite_e.hermegauss(60)
weights = weights / weights.sum()


def quasi_static(tau):
    sigma = np.sqrt(gamma_phi / tau)  # hbar = 1
    xi = sigma * nodes
    return float(np.sum(weights * lzsm.finite_time_p_diabatic_stay(V, alpha, T + xi / alpha, -T + xi / alpha)))


p_static = np.array([quasi_static(tau) for tau in taus])
p_window = float(lzsm.finite_time_p_diabatic_stay(V, alpha, T, -T))
p_lz = float(lzsm.lz_probability(V, alpha))
print(f"Lindblad (white noise) {lindblad:.4f}; coherent window {p_window:.4f}; P_LZ {p_lz:.4f}")
print(" tau_c     sigma    p_diabatic_stay        quasi-static")
for tau, pk, ek, qs in zip(taus, p, err, p_static):
    print(f"{tau:7.2f}  {np.sqrt(gamma_phi / tau):6.3f}   {pk:.5f} +- {ek:.5f}   {qs:.5f}")
assert abs(p[0] - lindblad) < 4 * err[0] + 0.005
slow = taus >= 300
assert np.all(np.abs(p[slow] - p_static[slow]) < 4 * err[slow])

# %%
# Populations in time for three correlation times
# -----------------------------------------------
# Saved every 0.02 (the coherent beat at :math:`|t| = 20` has period 0.31), with the Lindblad
# solution for comparison.

t = np.linspace(-T, T, 2001)
traces = {}
for tau in (0.05, 1.0, 300.0):
    noise = lzsm.OrnsteinUhlenbeckNoise.from_dephasing_rate(gamma_phi, correlation_time=tau)
    traces[tau] = lzsm.evolve_noisy(model, (-T, T), 0, t, noise=noise, n_trajectories=1000, seed=7)
white = lzsm.evolve_open(model, (-T, T), 0, t, dephasing=gamma_phi)

# %%
# The figure
# ----------

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.6), layout="constrained")
ax1.errorbar(taus, p, yerr=2 * err, fmt="o", color="C3", mfc="none", capsize=2, label="noise average ± 2 s.e.")
dense = np.geomspace(10.0, taus[-1], 100)  # the quasi-static picture needs tau_c >> T
ax1.semilogx(dense, [quasi_static(tau) for tau in dense], "C0--", label=r"quasi-static average ($\tau_c \geq 10$)")
ax1.axhline(lindblad, color="C2", ls="-", lw=1, label=rf"Lindblad $\gamma_\phi$ = {gamma_phi:g}: {lindblad:.3f}")
ax1.axhline(p_window, color="k", ls="-.", lw=1, label=f"no noise, window ±{T:g}: {p_window:.3f}")
ax1.axhline(p_lz, color="0.5", ls=":", lw=1, label=rf"$P_{{LZ}}$ = {p_lz:.3f}")
ax1.set_xscale("log")
ax1.set_xlabel(r"noise correlation time $\tau_c$ (units of $\sqrt{\hbar/\alpha}$)")
ax1.set_ylabel(r"$p_{\rm diabatic\ stay}$ (dimensionless)")
ax1.set_title(rf"OU bias noise at fixed $\sigma^2\tau_c/\hbar^2$ = {gamma_phi:g}, V = {V:g}")
ax1.legend(frameon=False, fontsize=8, loc="center right")

for k, (tau, run) in enumerate(traces.items()):
    mean, se = run.populations[:, 0], run.population_stderr[:, 0]
    ax2.plot(run.t, mean, color=f"C{k}", lw=0.8, label=rf"noise, $\tau_c$ = {tau:g}")
    ax2.fill_between(run.t, mean - 2 * se, mean + 2 * se, color=f"C{k}", alpha=0.25, lw=0)
ax2.plot(white.t, white.populations[:, 0], "k--", lw=1, label="Lindblad (white-noise limit)")
ax2.set_xlabel(r"time $t$ (units of $\sqrt{\hbar/\alpha}$)")
ax2.set_ylabel(r"population of diabatic $|0\rangle$ (dimensionless)")
ax2.set_title("mean ± 2 s.e. of 1000 trajectories")
ax2.legend(frameon=False, fontsize=8, loc="lower left")
plt.show()
