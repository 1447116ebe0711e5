"""
NaCl: the covalent–ionic crossing and its Landau–Zener probability
==================================================================

The ground state of NaCl is ionic (Na⁺Cl⁻) near its equilibrium distance and covalent
(Na + Cl) far out. The two diabatic curves, covalent :math:`V_{00} = 0` and ionic
:math:`V_{11}(R) = \\Delta E - 1/R + A e^{-R/\\rho}` (:math:`\\Delta E = I_{Na} - E_{A,Cl}`), cross
near :math:`R_c \\approx 1/\\Delta E`, where the electron jumps between the atoms with the small
coupling :math:`V_{01}(R_c)` of Olson, Smith and Bauer
(:meth:`lzsm.CovalentIonicCrossing.nacl`). Because the covalent curve is flat, a nucleus
with kinetic energy :math:`E` far out reaches the crossing with :math:`v = \\sqrt{2E/\\mu}` and
keeps its diabatic character with

.. math::

   P_{LZ} = \\exp\\!\\left(-\\frac{2\\pi |V_{01}(R_c)|^2}{\\hbar v |F_0 - F_1|}\\right),

the probability that a colliding Na + Cl pair stays covalent at the crossing, or — in the
femtosecond photodissociation experiments on the alkali halides — the fraction of the
excited packet that leaks out to Na + Cl at each outward pass. Here :math:`P_{LZ}` of
:func:`lzsm.curve_crossing` is checked against the exact two-state dynamics along the
straight-line trajectory :math:`R(t) = R_c - vt` through the real curves (curved ionic diabat,
:math:`R`-dependent coupling), with :func:`lzsm.evolve` of a :class:`lzsm.TwoLevel` model.

Compare the Landau–Zener analysis of alkali-halide femtochemistry in T. S. Rose, M. J. Rosker
and A. H. Zewail, J. Chem. Phys. 91, 7415 (1989) (their molecules and curves differ from
this model's NaCl); the coupling is that of R. E. Olson, F. T. Smith and E. Bauer, Appl. Opt.
10, 1848 (1971).

Units: computed in atomic units (hartree, bohr, electron masses); shown in eV and Å.
"""

# %%
# The curves and the crossing
# ---------------------------
import matplotlib.pyplot as plt
import numpy as np
from scipy import constants

import lzsm

EV = constants.physical_constants["Hartree energy in eV"][0]
ANGSTROM = constants.physical_constants["Bohr radius"][0] * 1e10
model = lzsm.CovalentIonicCrossing.nacl()
crossing = lzsm.curve_crossing(model, (12.0, 30.0))
delta_e = model.potential(np.array([1e6]))[0, 1, 1]  # the ionic asymptote, I - E_A
r_c = crossing.position
print(
    f"R_c = {r_c:.3f} bohr = {r_c * ANGSTROM:.3f} Å (1/Delta E = {1 / delta_e:.3f} bohr), "
    f"V01(R_c) = {crossing.coupling * EV * 1e3:.2f} meV, |F0 - F1| = {crossing.force_difference:.3e} hartree/bohr"
)
assert abs(r_c - 1 / delta_e) < 0.01  # the Born–Mayer repulsion is negligible out here

# %%
# Exact two-state dynamics along the trajectory
# ---------------------------------------------
# The pair comes in from :math:`R_c + 25` bohr and is followed to :math:`R_c - 6` bohr, starting in
# the covalent diabatic state 0 (the lower one far out). ``p_jump`` is the probability to end
# on the other adiabatic curve, i.e. to stay covalent through the crossing.
energies_ev = np.geomspace(0.03, 20.0, 9)
exact = []
for e_ev in energies_ev:
    v = np.sqrt(2 * e_ev / EV / model.mass)

    def bias(t, v=v):
        pot = model.potential(r_c - v * np.asarray(t))
        return pot[..., 0, 0] - pot[..., 1, 1]

    def coupling(t, v=v):
        return model.potential(r_c - v * np.asarray(t))[..., 0, 1]

    run = lzsm.evolve(lzsm.TwoLevel(bias, coupling), (-25.0 / v, 6.0 / v), initial=0)
    assert run.ok
    exact.append(float(run.p_jump))
exact = np.array(exact)
p_lz_points = crossing.energy_resolved_p_diabatic_stay(energies_ev / EV)
dev = np.max(np.abs(exact - p_lz_points))
for e_ev, ex, lz in zip(energies_ev, exact, p_lz_points):
    print(f"E = {e_ev:7.3f} eV: along the trajectory {ex:.4f}, P_LZ {lz:.4f}")
print(f"max |trajectory - P_LZ| = {dev:.1e}")
assert dev < 5e-3

# %%
# The figure
# ----------
# Left: the curves (diabatic: colours; adiabatic: black dashed). The model is made for the
# crossing region: its covalent curve is flat and its coupling formula, carried to short
# range, deepens the adiabatic well, so the inner part is not a spectroscopic fit. Middle: a zoom on the
# crossing, where the adiabatic gap is :math:`2|V_{01}(R_c)|`. Right: :math:`P_{LZ}` against the
# kinetic energy at the crossing, the exact trajectory points, and the phase-averaged
# probability :math:`2P(1-P)` to change diabatic character over an in-and-out double passage
# (:func:`lzsm.molecules.two_pass_probability`).
fig, axes = plt.subplots(1, 3, figsize=(13, 4.2), layout="constrained")
for ax, (lo, hi), ylim in zip(axes[:2], ((3.0, 40.0), (r_c - 0.6, r_c + 0.6)), ((-5.0, 2.5), (-0.04, 0.04))):
    rr = np.linspace(lo, hi, 2000)
    pp = model.potential(rr)
    aa = lzsm.adiabatic_energies(model, rr)
    ax.plot(rr * ANGSTROM, pp[:, 0, 0] * EV, "C0", lw=2, label="covalent Na + Cl (diabatic 0)")
    ax.plot(rr * ANGSTROM, pp[:, 1, 1] * EV, "C3", lw=2, label="ionic Na⁺ + Cl⁻ (diabatic 1)")
    ax.plot(rr * ANGSTROM, aa[:, 0] * EV, "k--", lw=1, label="adiabatic")
    ax.plot(rr * ANGSTROM, aa[:, 1] * EV, "k--", lw=1)
    ax.set_ylim(*ylim)
    ax.set_xlabel("internuclear distance R (Å)")
    ax.set_ylabel("energy (eV)")
axes[0].axvline(r_c * ANGSTROM, color="0.6", ls=":", lw=1)
axes[0].set_title("NaCl model curves")
axes[0].legend(fontsize=7, loc="lower right")
axes[1].set_title(rf"at the crossing, $R_c$ = {r_c * ANGSTROM:.2f} Å")

e_line = np.geomspace(0.01, 30.0, 400)
p_line = crossing.energy_resolved_p_diabatic_stay(e_line / EV)
ax = axes[2]
ax.semilogx(e_line, p_line, "k-", lw=1.5, label=r"$P_{LZ}$ (one passage)")
ax.semilogx(energies_ev, exact, "o", color="C1", ms=6, label="exact along $R(t) = R_c - vt$")
ax.semilogx(e_line, lzsm.molecules.two_pass_probability(p_line), "C2--", lw=1.2, label=r"$2P(1-P)$, two passages")
ax.set_xlabel("kinetic energy at the crossing E (eV)")
ax.set_ylabel("probability (dimensionless)")
ax.set_title("staying covalent at the crossing")
ax.set_ylim(0, 1)
ax.legend(fontsize=8, loc="center right")
plt.show()
