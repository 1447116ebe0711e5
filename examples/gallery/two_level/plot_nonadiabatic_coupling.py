"""
The non-adiabatic coupling: a Lorentzian of area pi/2
=====================================================

In the adiabatic picture the two states are coupled by the non-adiabatic (derivative)
coupling :math:`d_{01} = \\langle\\phi_0|\\partial_t\\phi_1\\rangle`, which for two levels is
the rate of change of the mixing angle, :math:`d_{01} = \\dot\\theta`.  For a linear crossing
with slope difference :math:`F = \\alpha` and coupling :math:`V` it is a Lorentzian,

.. math::

    d_{01}(t) = -\\frac{\\alpha V}{(\\alpha t)^2 + 4V^2}, \\qquad
    |d_{01}(0)| = \\frac{\\alpha}{4V}, \\quad \\text{half-width } \\frac{2V}{\\alpha}, \\quad
    \\int_{-\\infty}^{\\infty} d_{01}\\, dt = -\\frac{\\pi}{2},

whose area is fixed by the total rotation of the adiabatic basis, :math:`\\theta: \\pi/2 \\to 0`,
whatever :math:`V`.  A small coupling gives a tall, narrow spike (a sudden rotation of the
basis: the system stays diabatic); a large one a low, wide bump (the state follows).  The
ratio of the peak coupling to the minimum gap, :math:`\\hbar|d_{01}(0)|/(2V) = 1/(8\\delta)`,
is the adiabaticity criterion.

The integral of the coupling is the adiabatic-to-diabatic mixing angle of M. Baer, Chem. Phys.
Lett. 35, 112 (1975); for the Landau–Zener model of C. Zener, Proc. R. Soc. A 137, 696 (1932)
it is the Lorentzian above (height :math:`F/4V`, half-width :math:`2V/F`, as stated in
``docs/conventions.md``).
"""

# %%
# Couplings along time for three values of V
# ------------------------------------------
# Units: :math:`\hbar = 1`, :math:`\alpha = 1`.  :func:`lzsm.nonadiabatic_coupling` returns
# :math:`d_{mn}` in the parallel-transport gauge of lzsm (``[..., 0, 1]`` is :math:`d_{01}`).

import matplotlib.pyplot as plt
import numpy as np

import lzsm

alpha = 1.0
couplings = [0.25, 0.5, 1.0]
t = np.linspace(-8.0, 8.0, 1601)
nac = {}
for V in couplings:
    model = lzsm.LandauZener(coupling=V, sweep_rate=alpha)
    d = lzsm.nonadiabatic_coupling(model, t)[:, 0, 1]
    nac[V] = d.real
    assert np.allclose(d.imag, 0.0)
    lorentz = -alpha * V / ((alpha * t) ** 2 + 4 * V**2)
    assert np.allclose(d.real, lorentz, rtol=0, atol=1e-12)

# %%
# Three independent checks
# ------------------------
# 1. :math:`d_{01} = \dot\theta`: a central difference of :func:`lzsm.mixing_angle`.
# 2. Height and half-width of :math:`|d_{01}|`, measured on the curve.
# 3. The area over the whole real line: with :math:`t = (2V/\alpha)\tan u` the integral
#    becomes one over :math:`u \in (-\pi/2, \pi/2)`, done by 40-point Gauss–Legendre
#    quadrature on the coupling lzsm returns.

u, w = np.polynomial.legendre.leggauss(40)
u = u * np.pi / 2
w = w * np.pi / 2
print("   V    peak |d01|  alpha/4V   half-width  2V/alpha   area        1/(8 delta)")
for V in couplings:
    model = lzsm.LandauZener(coupling=V, sweep_rate=alpha)
    h = 1e-5
    theta_dot = (lzsm.mixing_angle(model, t + h) - lzsm.mixing_angle(model, t - h)) / (2 * h)
    assert np.allclose(nac[V], theta_dot, atol=1e-8)

    peak = np.abs(nac[V]).max()
    above = t[np.abs(nac[V]) >= peak / 2]
    half_width = 0.5 * (above.max() - above.min())
    assert abs(peak - alpha / (4 * V)) < 1e-12
    assert abs(half_width - 2 * V / alpha) <= t[1] - t[0]

    tt = (2 * V / alpha) * np.tan(u)
    jac = (2 * V / alpha) / np.cos(u) ** 2
    area = np.sum(w * jac * lzsm.nonadiabatic_coupling(model, tt)[:, 0, 1].real)
    assert abs(area + np.pi / 2) < 1e-10
    delta = lzsm.adiabaticity(V, alpha)
    print(
        f"{V:5.2f}  {peak:.6f}    {alpha / (4 * V):.6f}  {half_width:.4f}      {2 * V / alpha:.4f}"
        f"     {area:+.10f}  {1 / (8 * delta):.3f}"
    )
print(f"-pi/2 = {-np.pi / 2:+.10f}")

# %%
# The figure
# ----------
# Left: :math:`|d_{01}(t)|` for three couplings, each with its half-width
# :math:`|t| < 2V/\alpha` shaded (numbers in the legend: area over the plotted window, which
# tends to :math:`\pi/2` as the window grows).  Right: in scaled units
# :math:`x = \alpha t/(2V)` all curves are the same Lorentzian :math:`1/(1 + x^2)`.

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4.2), layout="constrained")
for k, V in enumerate(couplings):
    window_area = np.trapezoid(np.abs(nac[V]), t)
    ax1.plot(t, np.abs(nac[V]), color=f"C{k}", label=f"V = {V:g}: area on window {window_area:.3f}")
    ax1.axvspan(-2 * V / alpha, 2 * V / alpha, color=f"C{k}", alpha=0.08)
    x = alpha * t / (2 * V)
    ax2.plot(x, np.abs(nac[V]) * 4 * V / alpha, color=f"C{k}", lw=4 - k, alpha=0.7, label=f"V = {V:g}")
x = np.linspace(-8, 8, 801)
ax2.plot(x, 1 / (1 + x**2), "k--", lw=1, label=r"$1/(1 + x^2)$")
ax1.set_xlabel(r"time $t$ (units of $\sqrt{\hbar/\alpha}$)")
ax1.set_ylabel(r"$|d_{01}| = |\langle\phi_0|\partial_t\phi_1\rangle|$ (units of $\sqrt{\alpha/\hbar}$)")
ax1.set_title(r"non-adiabatic coupling ($\pi/2$ = 1.571)")
ax1.legend(frameon=False, fontsize=8)
ax2.set_xlabel(r"$x = \alpha t / 2V$ (dimensionless)")
ax2.set_ylabel(r"$|d_{01}| \cdot 4V/\alpha$ (dimensionless)")
ax2.set_title("one Lorentzian in scaled units")
ax2.set_xlim(-8, 8)
ax2.legend(frameon=False, fontsize=8)
plt.show()
