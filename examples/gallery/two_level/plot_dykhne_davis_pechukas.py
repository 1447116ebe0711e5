"""
Nonlinear sweeps: the Dykhne–Davis–Pechukas formula
====================================================

For a two-level sweep :math:`H = [[b(t)/2, V], [V, -b(t)/2]]` with any analytic bias
:math:`b(t)`, the probability of a non-adiabatic transition in the adiabatic limit is set by
the point :math:`t_c` in the upper half of the *complex* time plane where the adiabatic
levels meet, :math:`b(t_c)^2 + 4V^2 = 0`:

.. math::

    p_{\\rm jump} \\simeq \\exp\\Big(-\\frac{2}{\\hbar}\\,\\mathrm{Im}\\int_{\\mathrm{Re}\\,t_c}^{t_c}
    \\sqrt{b(t)^2 + 4V^2}\\;dt\\Big).

For the linear sweep :math:`b = \\alpha t` it is exact (:math:`t_c = 2iV/\\alpha`, giving
:math:`P_{LZ}`).  For a nonlinear sweep it is not, but its error vanishes in the adiabatic
limit, whereas the Landau–Zener formula with the local slope :math:`\\alpha = b'(t_0)` at the
real crossing keeps a finite error in the exponent.  We test both on a cubic sweep
:math:`b = t + 0.02\\,t^3` and on a saturating one :math:`b = B\\tanh(t/\\tau)`.

Reproduces A. M. Dykhne, Sov. Phys. JETP 14, 941 (1962) and J. P. Davis and P. Pechukas,
J. Chem. Phys. 64, 3129 (1976); the numbers are checked against exact propagation.
"""

# %%
# The linear sweep: exact
# -----------------------
# Units: :math:`\hbar = 1`, slope of the bias at the crossing :math:`b'(0) = 1` for the cubic
# sweep (energies in :math:`\sqrt{\hbar b'(0)}`).  :func:`lzsm.dykhne_davis_pechukas` takes a
# :class:`lzsm.TwoLevel` whose bias is an analytic NumPy callable and finds :math:`t_c` itself.

import matplotlib.pyplot as plt
import numpy as np

import lzsm

linear = lzsm.dykhne_davis_pechukas(lzsm.TwoLevel(lambda t: t, 0.4), (-10, 10))
print(
    f"linear sweep, V = 0.4: DDP {linear.p_jump:.12f}, P_LZ {lzsm.lz_probability(0.4, 1.0):.12f}, t_c = {linear.crossing_point:.6f}"
)
assert abs(linear.p_jump - lzsm.lz_probability(0.4, 1.0)) < 1e-10
assert abs(linear.crossing_point - 0.8j) < 1e-9

# %%
# A cubic sweep
# -------------
# :math:`b = t + \kappa t^3`, :math:`\kappa = 0.02`.  The transition point solves
# :math:`\kappa t^3 + t - 2iV = 0`; we check lzsm's :math:`t_c` against the root of that cubic
# nearest the real axis.  Exact propagation (:func:`lzsm.evolve`, start in the lower
# adiabatic state, read ``p_jump``) over :math:`[-10, 10]`.

kappa = 0.02
couplings = np.array([0.2, 0.4, 0.6, 0.8, 1.0, 1.2])
ddp, exact = [], []
for V in couplings:
    model = lzsm.TwoLevel(lambda t: t + kappa * t**3, V)
    res = lzsm.dykhne_davis_pechukas(model, (-10, 10))
    roots = np.roots([kappa, 0, 1, -2j * V])
    upper = roots[roots.imag > 0]
    assert abs(res.crossing_point - upper[np.argmin(upper.imag)]) < 1e-8
    ddp.append(res.p_jump)
    exact.append(lzsm.evolve(model, (-10, 10), "lower").p_jump)
ddp, exact = np.array(ddp), np.array(exact)
local_lz = lzsm.lz_probability(couplings, 1.0)
exp_err_ddp = np.log(ddp) / np.log(exact) - 1
exp_err_lz = np.log(local_lz) / np.log(exact) - 1
print("   V    exact p_jump    DDP            local LZ      exponent error DDP / local LZ")
for row in zip(couplings, exact, ddp, local_lz, exp_err_ddp, exp_err_lz):
    print("{:5.2f}  {:.6e}   {:.6e}   {:.6e}   {:+.4f} / {:+.4f}".format(*row))
assert np.all(np.abs(exp_err_ddp) < 0.005)
assert abs(exp_err_lz[-1]) > 0.1

# %%
# A saturating sweep
# ------------------
# :math:`b = B\tanh(t/\tau)` with :math:`B = 4`, :math:`V = 0.5`; the sweep gets slower (more
# adiabatic) as :math:`\tau` grows.  The relative error of the Dykhne–Davis–Pechukas value
# falls exponentially with :math:`\tau` (further singular points of :math:`\tanh` at
# :math:`i\pi\tau/2` contribute less and less) until it reaches the accuracy of the
# propagation (tolerance 1e-10 per step, error estimates :math:`\lesssim 10^{-8}`); the local
# Landau–Zener value (:math:`\alpha = B/\tau`) stays 0.2–2 % off.

B, V_t = 4.0, 0.5
taus = np.array([0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0])
ddp_t, exact_t, err_est = [], [], []
for tau in taus:
    model = lzsm.TwoLevel(lambda t, s=tau: B * np.tanh(t / s), V_t)
    ddp_t.append(lzsm.dykhne_davis_pechukas(model, (-10 * tau, 10 * tau)).p_jump)
    run = lzsm.evolve(model, (-15 * tau - 10, 15 * tau + 10), "lower")
    exact_t.append(run.p_jump)
    err_est.append(run.error_estimate)
ddp_t, exact_t = np.array(ddp_t), np.array(exact_t)
rel_ddp = np.abs(ddp_t / exact_t - 1)
rel_lz = np.abs(lzsm.lz_probability(V_t, B / taus) / exact_t - 1)
for tau, p, r1, r2 in zip(taus, exact_t, rel_ddp, rel_lz):
    print(f"tau = {tau:4.2f}: exact p_jump {p:.8f}, relative error DDP {r1:.1e}, local LZ {r2:.1e}")
floor = np.max(err_est) / np.min(exact_t)  # relative accuracy of the propagation
print(f"largest error estimate of the propagations {np.max(err_est):.1e} (relative {floor:.1e})")
assert np.max(err_est) < 1e-7
assert np.all(np.diff(rel_ddp[taus <= 1.5]) < 0)
assert np.all(rel_ddp[taus >= 1.5] < 1e-7)
assert np.all(rel_lz > 1e-3)

# %%
# The figure
# ----------
# Left: :math:`\log_{10}|b(t)^2 + 4V^2|` in the complex time plane for the cubic sweep at
# :math:`V = 0.6`, with the transition point :math:`t_c` (the formula integrates up the dashed
# line from the real axis).  Middle: the cubic sweep.  Right: the saturating sweep.

fig, axes = plt.subplots(1, 3, figsize=(15, 4.4), layout="constrained")
V_map = 0.6
tc = lzsm.dykhne_davis_pechukas(lzsm.TwoLevel(lambda t: t + kappa * t**3, V_map), (-10, 10)).crossing_point
x, y = np.meshgrid(np.linspace(-4, 4, 321), np.linspace(0, 3, 241))
z = x + 1j * y
field = np.log10(np.abs((z + kappa * z**3) ** 2 + 4 * V_map**2))
im = axes[0].pcolormesh(x, y, field, cmap="viridis", shading="auto")
fig.colorbar(im, ax=axes[0], label=r"$\log_{10}|b^2 + 4V^2|$ ($b^2$ in units of $\hbar b'(0)$)")
axes[0].plot(tc.real, tc.imag, "r*", ms=12, label=rf"$t_c$ = {tc.real:.2f} + {tc.imag:.3f}i")
axes[0].plot([tc.real, tc.real], [0, tc.imag], "r--", lw=1)
axes[0].set_xlabel(r"Re $t$ (units of $\sqrt{\hbar/b'(0)}$)")
axes[0].set_ylabel(r"Im $t$ (units of $\sqrt{\hbar/b'(0)}$)")
axes[0].set_title(rf"complex time plane, $b = t + {kappa:g}t^3$, V = {V_map:g}")
axes[0].legend(frameon=False, fontsize=9, loc="upper left")

dense = np.linspace(0.15, 1.25, 60)
dense_ddp = [lzsm.dykhne_davis_pechukas(lzsm.TwoLevel(lambda t: t + kappa * t**3, v), (-10, 10)).p_jump for v in dense]
axes[1].semilogy(dense, dense_ddp, "C0-", label="Dykhne–Davis–Pechukas")
axes[1].semilogy(dense, lzsm.lz_probability(dense, 1.0), "C1--", label=r"LZ with local slope $b'(0) = 1$")
axes[1].semilogy(couplings, exact, "o", color="C3", mfc="none", label="exact propagation")
axes[1].set_xlabel(r"coupling $V$ (units of $\sqrt{\hbar b'(0)}$)")
axes[1].set_ylabel(r"$p_{\rm jump}$ (dimensionless)")
axes[1].set_title(rf"cubic sweep $b = t + {kappa:g}t^3$")
axes[1].legend(frameon=False, fontsize=8)

axes[2].semilogy(taus, rel_ddp, "o-", color="C0", label="Dykhne–Davis–Pechukas")
axes[2].semilogy(taus, rel_lz, "s--", color="C1", label=r"LZ with local slope $B/\tau$")
axes[2].axhspan(1e-12, floor, color="0.9", label="below the propagation's error estimate")
axes[2].set_ylim(1e-11, 1)
axes[2].set_xlabel(r"sweep time $\tau$ (units of $\hbar/B$)")
axes[2].set_ylabel(r"$|p/p_{\rm exact} - 1|$ (dimensionless)")
axes[2].set_title(rf"$b = {B:g}\tanh(t/\tau)$, V = {V_t:g}")
axes[2].legend(frameon=False, fontsize=8)
plt.show()
