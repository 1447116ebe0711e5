"""
Interference fringes washing out under dephasing
================================================

The driven qubit :math:`H(t) = -\\frac{\\Delta}{2}\\sigma_x - \\frac{\\varepsilon_0 + A\\cos\\omega t}{2}\\sigma_z`
now also loses the coherence between its diabatic states at the rate :math:`\\Gamma_2 = 1/T_2`
and relaxes from the upper to the lower diabatic state at :math:`\\Gamma_1 = 1/T_1`. In the
steady state the time-averaged upper-level population is that of a rate equation with a
Lorentzian of width :math:`\\hbar\\Gamma_2` around every multiphoton resonance
(D. M. Berns et al., PRL 97, 150502 (2006)):

.. math::

   \\overline{P}_{up} = \\frac{W}{2W + \\Gamma_1}, \\qquad
   W = \\frac{\\Delta^2}{2} \\sum_n J_n^2\\!\\left(\\frac{A}{\\hbar\\omega}\\right)
       \\frac{\\Gamma_2}{(\\varepsilon_0 - n\\hbar\\omega)^2 + (\\hbar\\Gamma_2)^2}.

With a long :math:`T_2` the map shows sharp resonance lines cut at the Bessel zeros; as
:math:`T_2` shortens the lines broaden, overlap once :math:`\\Gamma_2 \\gtrsim \\omega`, and the
interference pattern washes out into the smooth Bessel envelope of incoherent passages.
The maps are the closed form (:func:`lzsm.rate_equation_upper_population`); along one cut
every point is checked against the exact Lindblad steady state (:func:`lzsm.evolve_open`).

Compare the decoherence discussion of LZS interferometry in S. N. Shevchenko, S. Ashhab and
F. Nori, Phys. Rep. 492, 1 (2010), and D. M. Berns, W. D. Oliver, S. O. Valenzuela,
A. V. Shytov, K. K. Berggren, L. S. Levitov and T. P. Orlando, Phys. Rev. Lett. 97, 150502
(2006).

Units: :math:`\\hbar = 1`, energies in units of :math:`\\hbar\\omega` (:math:`\\omega = 1`), times
in :math:`1/\\omega`; :math:`\\Delta = 0.1\\hbar\\omega`, :math:`T_1 = 100/\\omega`.
"""

# %%
# Maps for three coherence times
# ------------------------------
import matplotlib.pyplot as plt
import numpy as np

import lzsm

gap, omega, gamma_1 = 0.1, 1.0, 0.01
gamma_2 = np.array([0.01, 0.1, 0.5])  # T2 = 100, 10, 2 (1/omega)
offset = np.linspace(0.0, 4.5, 541)
amplitude = np.linspace(0.0, 8.0, 321)
maps = lzsm.rate_equation_upper_population(
    gap, offset[None, :, None], amplitude[None, None, :], omega, gamma_2[:, None, None], gamma_1
)  # (T2, offset, amplitude)

# %%
# The exact check along a cut
# ---------------------------
# At :math:`A = 3\hbar\omega` the Lindblad equation is propagated for 100 periods
# (:math:`t = 628/\omega`, six relaxation times) from diabatic state 0, with relaxation
# :math:`\sqrt{\Gamma_1}\,|0\rangle\langle 1|` and pure dephasing
# :math:`\gamma_\varphi = \Gamma_2 - \Gamma_1/2` in the diabatic basis, and the population of
# diabatic state 1 is averaged over the last two periods (64 samples per period). For
# :math:`\varepsilon_0 > 0` diabatic state 1 is the upper one.
a_cut = 3.0
period = 2 * np.pi / omega
n_periods = 100
t_avg = np.linspace((n_periods - 2) * period, n_periods * period, 129)
offset_cut = np.linspace(0.0, 4.0, 241)
lower_from_upper = np.sqrt(gamma_1) * np.array([[0.0, 1.0], [0.0, 0.0]])
exact_cut = []
for g2 in gamma_2:
    run = lzsm.evolve_open(
        lzsm.PeriodicDrive(gap, offset_cut, a_cut, omega),
        (0.0, n_periods * period),
        initial=0,
        t_eval=t_avg,
        dephasing=g2 - gamma_1 / 2,
        collapse_ops=[lower_from_upper],
        tol=1e-7,
    )
    assert run.ok
    keep = run.t >= t_avg[0]
    p1 = run.populations[:, keep, 1]
    exact_cut.append(np.trapezoid(p1, run.t[keep], axis=-1) / (t_avg[-1] - t_avg[0]))
exact_cut = np.array(exact_cut)
rate_cut = lzsm.rate_equation_upper_population(gap, offset_cut, a_cut, omega, gamma_2[:, None], gamma_1)

# %%
# How well the rate model holds, and how the fringes wash out
# -----------------------------------------------------------
# For the longest :math:`T_2` the lines are narrow, and the exact resonances sit a fraction of
# :math:`\Delta^2/\hbar\omega` away from :math:`n\hbar\omega` (shifts from the off-resonant photon
# channels, which the rate model leaves out); that shows on their steep flanks. For shorter
# :math:`T_2` the rate model is essentially exact. The contrast of the cut (max - min) falls
# as the lines merge.
tolerance = (0.025, 0.005, 0.001)
contrast = exact_cut.max(axis=1) - exact_cut.min(axis=1)
for g2, ex, rt, tol, c in zip(gamma_2, exact_cut, rate_cut, tolerance, contrast):
    dev = np.max(np.abs(ex - rt))
    print(f"T2 = {1 / g2:5.0f}/omega: max |Lindblad - rate model| on the cut = {dev:.1e} (<= {tol}); contrast {c:.3f}")
    assert dev <= tol
assert contrast[0] > contrast[1] > contrast[2]

# %%
# The figure
# ----------
# Top: the three maps (dashed: the cut). Bottom: the cut, rate model on a fine grid (lines)
# and the Lindblad steady state at the 241 checked offsets (dots).
fig, axes = plt.subplot_mosaic([["a", "b", "c"], ["d", "d", "d"]], figsize=(12, 8), layout="constrained")
for key, g2, m in zip("abc", gamma_2, maps):
    ax = axes[key]
    mesh = ax.pcolormesh(offset, amplitude, m.T, shading="auto", cmap="magma", vmin=0, vmax=0.5)
    ax.axhline(a_cut, color="c", ls="--", lw=0.8)
    ax.set_title(rf"$T_2 = {1 / g2:.0f}/\omega$ ($\Gamma_2 = {g2}\,\omega$)")
    ax.set_xlabel(r"offset $\varepsilon_0$ ($\hbar\omega$)")
    ax.set_ylabel(r"amplitude $A$ ($\hbar\omega$)")
fig.colorbar(mesh, ax=axes["c"], label=r"$\overline{P}_{up}$, rate model (dimensionless)")
ax = axes["d"]
offset_fine = np.linspace(0.0, 4.0, 4001)
rate_fine = lzsm.rate_equation_upper_population(gap, offset_fine, a_cut, omega, gamma_2[:, None], gamma_1)
for i, g2 in enumerate(gamma_2):
    ax.plot(offset_fine, rate_fine[i], color=f"C{i}", lw=1.2, label=rf"rate model, $T_2 = {1 / g2:.0f}/\omega$")
    ax.plot(offset_cut, exact_cut[i], "o", ms=2.5, color=f"C{i}", label=rf"Lindblad, $T_2 = {1 / g2:.0f}/\omega$")
ax.set_xlabel(r"offset $\varepsilon_0$ ($\hbar\omega$)")
ax.set_ylabel(r"$\overline{P}_{up}$ (dimensionless)")
ax.set_title(rf"cut at $A = {a_cut:.0f}\hbar\omega$: the resonances broaden and merge as $T_2$ shortens")
ax.set_ylim(-0.02, 0.62)
ax.legend(fontsize=8, ncols=3, loc="upper center")
plt.show()
