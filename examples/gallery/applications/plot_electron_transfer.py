"""
Electron transfer: from Marcus to transition-state theory
=========================================================

An electron moves from donor to acceptor when the solvent coordinate :math:`x` fluctuates to
the crossing of two diabatic free-energy parabolas, :math:`V_{00} = \\frac12 m\\omega^2x^2` and
:math:`V_{11} = \\frac12 m\\omega^2(x-d)^2 + \\Delta G`, coupled by :math:`H_{ab}`
(:func:`lzsm.applications.chemistry.marcus_curves`; reorganisation energy
:math:`\\lambda = \\frac12 m\\omega^2d^2`). Each time the solvent crosses with velocity :math:`v` the
system follows the lower adiabatic surface — reacts — with :math:`P_a = 1 - P_{LZ}(v)`, and
summing the recrossings gives the transmission coefficient and the rate

.. math::

   \\kappa(v) = \\frac{2P_a}{1 + P_a}, \\qquad
   k = \\langle\\kappa\\rangle_T\\, \\frac{\\omega}{2\\pi}\\, e^{-\\Delta G^\\ddagger/k_BT}, \\qquad
   \\Delta G^\\ddagger = \\frac{(\\lambda + \\Delta G)^2}{4\\lambda},

with :math:`\\kappa` averaged over the flux-weighted Maxwell distribution of :math:`v`. Weak coupling
gives Marcus's golden-rule rate :math:`\\propto H_{ab}^2`; strong coupling gives
transition-state theory, independent of :math:`H_{ab}`; the two limits meet at the crossover
coupling :math:`H_{ab}^* = (\\frac{\\hbar\\omega}{2}\\sqrt{\\lambda k_BT/\\pi^3})^{1/2}`.

Compare M. D. Newton and N. Sutin, Annu. Rev. Phys. Chem. 35, 437 (1984) (their closed form
evaluates Landau–Zener at the mean thermal speed) and R. A. Marcus, J. Chem. Phys. 24, 966
(1956).

Units: energies in eV (couplings shown in cm⁻¹), times in ps, :math:`\\hbar = 6.582\\times10^{-4}`
eV·ps; :math:`\\lambda = 1` eV, :math:`\\Delta G = 0`, :math:`T = 298.15` K,
:math:`\\hbar\\omega = 100` cm⁻¹; the solvent mass only scales :math:`x` (here 1).
"""

# %%
# Rates against the coupling
# --------------------------
import matplotlib.pyplot as plt
import numpy as np
from scipy import constants, integrate

import lzsm
from lzsm.applications import chemistry

hbar = constants.hbar / constants.e * 1e12  # eV ps
cm = constants.h * constants.c * 100 / constants.e  # 1 cm^-1 in eV
kt = constants.k * 298.15 / constants.e  # eV
lam, dg = 1.0, 0.0  # eV
omega = 100 * cm / hbar  # rad/ps
coupling = np.geomspace(0.1, 3000.0, 61) * cm  # eV
et = chemistry.electron_transfer_rates(coupling, lam, dg, kt, omega, hbar=hbar)
h_star = et.crossover_coupling
print(f"crossover coupling H* = {h_star / cm:.1f} cm^-1, TST rate = {et.tst_rate * 1e12:.3e} 1/s")

# %%
# The checks
# ----------
# The two limits, the crossover (where the Marcus rate equals the TST rate), and the thermal
# average recomputed here from scratch by adaptive quadrature of
# :math:`\int_0^\infty \kappa(v)\, (mv/k_BT)\, e^{-mv^2/2k_BT}\, dv` with
# :math:`P_{LZ}(v) = \exp(-2\pi H_{ab}^2/\hbar v|\Delta F|)`, :math:`|\Delta F| = \omega\sqrt{2m\lambda}`.
weak = abs(et.rate[0] / et.marcus_rate[0] - 1)
strong = abs(et.rate[-1] / et.tst_rate - 1)
meet = abs(lzsm.marcus_rate(h_star, lam, dg, kt, hbar) / et.tst_rate - 1)
print(f"weak coupling: |k / k_Marcus - 1| = {weak:.1e}; strong coupling: |k / k_TST - 1| = {strong:.1e}")
print(f"at H*: |k_Marcus / k_TST - 1| = {meet:.1e}")
assert weak < 1e-4 and strong < 1e-6 and meet < 1e-10

mass = 1.0
force_difference = omega * np.sqrt(2 * mass * lam)


def kappa_average(h):
    def integrand(v):
        p_a = -np.expm1(-2 * np.pi * h**2 / (hbar * v * force_difference))
        return 2 * p_a / (1 + p_a) * (mass * v / kt) * np.exp(-mass * v**2 / (2 * kt))

    return integrate.quad(integrand, 0.0, np.inf, epsabs=0, epsrel=1e-10, limit=200)[0]


picks = [0, 20, 30, 40, 60]
kappa_quad = np.array([kappa_average(coupling[i]) for i in picks])
dev_quad = np.max(np.abs(kappa_quad / et.transmission_coefficient[picks] - 1))
print(f"thermal average vs independent quadrature at 5 couplings: max relative deviation {dev_quad:.1e}")
assert dev_quad < 1e-5

ns_dev = np.max(np.abs(et.rate_newton_sutin / et.rate - 1))
print(f"Newton–Sutin (LZ at the mean speed) vs thermal average: max relative difference {ns_dev:.1%}")
assert ns_dev < 0.2

# %%
# The figure
# ----------
# Left: the diabatic parabolas and, for :math:`H_{ab} = 1000` cm⁻¹, the adiabatic surfaces.
# Middle: the rate with its two limits. Right: the transmission coefficient.
fig, axes = plt.subplots(1, 3, figsize=(13, 4), layout="constrained")
curves = chemistry.marcus_curves(1000 * cm, lam, dg, omega, mass=mass, hbar=hbar)
d = np.sqrt(2 * lam / (mass * omega**2))
x = np.linspace(-0.6 * d, 1.6 * d, 600)
pot = curves.potential(x)
ad = lzsm.adiabatic_energies(curves, x)
ax = axes[0]
ax.plot(x / d, pot[:, 0, 0], "C0", lw=2, label="donor (diabatic 0)")
ax.plot(x / d, pot[:, 1, 1], "C3", lw=2, label="acceptor (diabatic 1)")
ax.plot(x / d, ad[:, 0], "k--", lw=1, label=r"adiabatic, $H_{ab}$ = 1000 cm$^{-1}$")
ax.plot(x / d, ad[:, 1], "k--", lw=1)
ax.set_ylim(-0.1, 1.6)
ax.set_xlabel("solvent coordinate x/d (dimensionless)")
ax.set_ylabel("free energy (eV)")
ax.set_title(r"Marcus parabolas, $\lambda$ = 1 eV, $\Delta G$ = 0")
ax.legend(fontsize=8, loc="upper center")

h_cm = coupling / cm
ax = axes[1]
ax.loglog(h_cm, et.rate * 1e12, "C0", lw=2.5, label=r"Landau–Zener, thermal $\langle\kappa\rangle$")
ax.loglog(h_cm, et.rate_newton_sutin * 1e12, "C1--", lw=1.2, label="Newton–Sutin")
ax.loglog(h_cm, et.marcus_rate * 1e12, "k:", label="Marcus (non-adiabatic)")
ax.axhline(et.tst_rate * 1e12, color="0.5", ls="-.", label="TST (adiabatic)")
ax.axvline(h_star / cm, color="C3", lw=0.8)
ax.set_ylim(et.rate[0] * 1e12 / 3, et.tst_rate * 1e12 * 5)
ax.set_xlabel(r"electronic coupling $H_{ab}$ (cm$^{-1}$)")
ax.set_ylabel("rate k (1/s)")
ax.set_title(r"rate (red line: $H_{ab}^*$)")
ax.legend(fontsize=8, loc="lower right")

ax = axes[2]
ax.semilogx(h_cm, et.transmission_coefficient, "C0", lw=2, label=r"thermal $\langle\kappa\rangle$")
ax.semilogx(h_cm, et.transmission_coefficient_newton_sutin, "C1--", lw=1.2, label="Newton–Sutin")
ax.semilogx(h_cm[picks], kappa_quad, "ko", mfc="none", label="independent quadrature")
ax.axvline(h_star / cm, color="C3", lw=0.8)
ax.set_xlabel(r"electronic coupling $H_{ab}$ (cm$^{-1}$)")
ax.set_ylabel(r"transmission coefficient $\kappa$ (dimensionless)")
ax.set_title("the adiabatic–non-adiabatic crossover")
ax.legend(fontsize=8, loc="upper left")
plt.show()
