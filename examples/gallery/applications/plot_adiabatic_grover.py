"""
Adiabatic Grover search: one Landau–Zener crossing
==================================================

Adiabatic search for one marked item :math:`|m\\rangle` among :math:`N` turns
:math:`H_0 = E(1 - |\\psi_0\\rangle\\langle\\psi_0|)` (ground state: the uniform superposition) into
:math:`H_1 = E(1 - |m\\rangle\\langle m|)` along :math:`H(s) = (1-s)H_0 + sH_1`. The problem never
leaves the plane of :math:`|m\\rangle` and :math:`|\\psi_0\\rangle`, so it is exactly one avoided
crossing with the gap

.. math::

   g(s) = \\sqrt{1 - 4(1 - 1/N)\\,s(1 - s)}, \\qquad g_{min} = g(1/2) = 1/\\sqrt N .

With the constant-rate schedule :math:`s = t/T` it is a Landau–Zener passage with
:math:`V = g_{min}/2` and :math:`\\alpha = 2\\sqrt{1 - 1/N}\\,E/T`, failing with
:math:`P_{LZ} = \\exp(-\\pi E T/4\\hbar N\\sqrt{1-1/N})`: the runtime grows as :math:`N = 1/g_{min}^2`,
no better than checking the items one by one. The local adiabatic schedule
:math:`ds/dt = \\varepsilon g(s)^2 E/\\hbar` sweeps fast where the gap is wide and slowly only
near :math:`g_{min}`, and recovers Grover's :math:`T \\propto \\sqrt N = 1/g_{min}`.
Success probabilities are exact propagations (:func:`lzsm.applications.adiabatic_computing.p_success`).

Compare J. Roland and N. J. Cerf, Phys. Rev. A 65, 042308 (2002) (the gap, the local
schedule and the two runtime laws).

Units: energies in units of :math:`E`, times in :math:`\\hbar/E`.
"""

# %%
# The gap
# -------
import matplotlib.pyplot as plt
import numpy as np

from lzsm.applications import adiabatic_computing as grover

s = np.linspace(0.0, 1.0, 501)
sizes = np.array([16, 256, 4096])
gaps = grover.grover_gap(s[None, :], sizes[:, None])

# %%
# Success against runtime, and the checks
# ---------------------------------------
# For :math:`N = 256`: the linear schedule propagated exactly must equal the finite-time
# Landau–Zener closed form (parabolic-cylinder functions, :func:`lzsm.finite_time_p_jump`) on
# the window :math:`[-T/2, T/2]`, and the full :math:`N`-item propagation must equal the two-level
# reduction (checked at :math:`N = 16`). For large :math:`N` and :math:`T` the linear failure tends
# to the asymptotic :math:`P_{LZ}`.
n_items = 256
runtime = np.geomspace(1.0, 3000.0, 120)
p_lin = grover.p_success(n_items, runtime, "linear")
p_loc = grover.p_success(n_items, runtime, "local")
p_lz = 1 - grover.linear_p_fail_lz(n_items, runtime)
dev_closed = np.max(np.abs(p_lin - (1 - grover.linear_p_fail_finite_time(n_items, runtime))))
t_check = np.array([5.0, 20.0, 80.0])
dev_full = max(
    np.max(np.abs(grover.p_success(16, t_check, sched, space="full") - grover.p_success(16, t_check, sched)))
    for sched in ("linear", "local")
)
t_big = np.geomspace(2000.0, 20000.0, 5)
dev_lz = np.max(np.abs(grover.linear_p_fail_finite_time(4096, t_big) - grover.linear_p_fail_lz(4096, t_big)))
print(f"linear schedule, N = 256: max |exact - finite-time LZ closed form| = {dev_closed:.1e}")
print(f"N = 16: max |full N-item propagation - two-level reduction| = {dev_full:.1e}")
print(f"N = 4096, T = 2000..20000: max |finite-time failure - P_LZ| = {dev_lz:.1e}")
assert dev_closed < 1e-8
assert dev_full < 1e-8
assert dev_lz < 2e-5

# %%
# Runtime against the number of items
# -----------------------------------
# The shortest runtime after which the success stays above 0.9
# (:func:`lzsm.applications.adiabatic_computing.runtime_for_success`), for :math:`N = 2^4 \dots 2^{12}`,
# and power laws fitted over :math:`N \ge 256`.
sizes_rt = 2 ** np.arange(4, 13, 2)
t_lin = grover.runtime_for_success(sizes_rt, 0.9, "linear")
t_loc = grover.runtime_for_success(sizes_rt, 0.9, "local")
k_lin, _ = grover.power_law_exponent(sizes_rt[2:], t_lin[2:])
k_loc, _ = grover.power_law_exponent(sizes_rt[2:], t_loc[2:])
print(f"runtime for success 0.9: linear ~ N^{k_lin:.3f}, local adiabatic ~ N^{k_loc:.3f}")
assert abs(k_lin - 1.0) < 0.05
assert abs(k_loc - 0.5) < 0.05

# %%
# The figure
# ----------
fig, axes = plt.subplots(1, 3, figsize=(13, 4), layout="constrained")
ax = axes[0]
for n, g in zip(sizes, gaps):
    ax.plot(s, g, lw=1.5, label=f"N = {n}")
    ax.plot(0.5, 1 / np.sqrt(n), "ko", ms=4)
ax.set_xlabel("interpolation parameter s (dimensionless)")
ax.set_ylabel("gap g(s) (E)")
ax.set_title(r"the gap (dots: $g_{min} = N^{-1/2}$)")
ax.legend(fontsize=8)

ax = axes[1]
ax.semilogx(runtime, p_lin, "C0", lw=1.5, label="linear schedule, exact")
ax.semilogx(runtime, p_loc, "C3", lw=1.5, label="local adiabatic schedule, exact")
ax.semilogx(runtime, p_lz, "k--", lw=1, label=r"$1 - P_{LZ}$ (linear, asymptotic)")
ax.set_xlabel(r"runtime T ($\hbar/E$)")
ax.set_ylabel("success probability (dimensionless)")
ax.set_title(f"N = {n_items}")
ax.set_ylim(-0.02, 1.4)
ax.set_yticks(np.linspace(0.0, 1.0, 6))
ax.legend(fontsize=8, loc="upper left")

ax = axes[2]
ax.loglog(sizes_rt, t_lin, "C0o", label="linear schedule")
ax.loglog(sizes_rt, t_loc, "C3s", label="local adiabatic schedule")
ax.loglog(sizes_rt, t_lin[-1] * sizes_rt / sizes_rt[-1], "C0:", lw=1, label=r"$\propto N$")
ax.loglog(sizes_rt, t_loc[-1] * np.sqrt(sizes_rt / sizes_rt[-1]), "C3:", lw=1, label=r"$\propto \sqrt{N}$")
ax.set_xlabel("number of items N")
ax.set_ylabel(r"runtime for success 0.9 ($\hbar/E$)")
ax.set_title("runtime scaling")
ax.legend(fontsize=8)
plt.show()
