"""
Tully's three models over his published ranges: two exact routes and three trajectory methods
==============================================================================================

The three one-dimensional two-state models of Tully (simple avoided crossing, dual avoided
crossing, extended coupling with reflection) are where non-adiabatic molecular dynamics is
tested. The exact curves here come from two independent solutions of the stationary coupled
equations :math:`\\psi''(x) = \\frac{2m}{\\hbar^2}(V(x) - E)\\,\\psi(x)`: the log-derivative
propagator (:func:`lzsm.stationary_scattering`, the default; lines) and a direct adaptive
integration of the same equations (``method="transfer_matrix"``; open squares). Both cover the
whole published ranges, the channel thresholds and the narrow Feshbach resonances of the simple
crossing (just below :math:`k = 8.94`) included. Fewest-switches surface hopping (FSSH),
Landau–Zener surface hopping (LZSH) and Ehrenfest dynamics (:func:`lzsm.surface_hopping`) are
the trajectory methods being tested against them.

Compare Figs. 4, 5 and 6 of J. C. Tully, J. Chem. Phys. 93, 1061 (1990) (transmission and
reflection against the incident momentum :math:`k`, or :math:`\\ln E` for the dual crossing;
surface hopping against exact quantum results).

Units: atomic units (:math:`\\hbar = 1`, mass 2000, energies in hartree, :math:`k` in 1/bohr);
adiabatic state 0 is the lower one.
"""

# %%
# The exact curves, by both routes
# --------------------------------
# 120 momenta per model for the default route (more around the resonances), 10 for the transfer
# matrix; the two agree to far better than 1e-4 everywhere (the largest difference is printed).
import matplotlib.pyplot as plt
import numpy as np

import lzsm

mass = 2000.0


def k_of_ln_e(ln_e: np.ndarray) -> np.ndarray:
    """Incident momentum of total energy E = exp(ln_e) hartree (the lower channel is at 0)."""
    return np.sqrt(2 * mass * np.exp(ln_e))


# the lines are dense where the resonances are narrow (below the simple crossing's threshold,
# and below the dual crossing's at ln E = -3), so that none is drawn as a spurious spike
models = {
    "simple": (
        lzsm.TullySimple(),
        np.unique(np.concatenate([np.linspace(1.0, 30.0, 120), np.linspace(7.9, 9.0, 441)])),
        np.linspace(2.0, 30.0, 10),
    ),
    "dual": (
        lzsm.TullyDual(),
        k_of_ln_e(np.unique(np.concatenate([np.linspace(-4.0, 1.0, 120), np.linspace(-4.0, -3.0, 301)]))),
        k_of_ln_e(np.linspace(-4.0, 1.0, 10)),
    ),
    "extended": (lzsm.TullyExtended(), np.linspace(2.0, 30.0, 120), np.linspace(2.0, 30.0, 10)),
}
exact, check = {}, {}
for name, (model, k_line, k_check) in models.items():
    exact[name] = lzsm.stationary_scattering(model, k=k_line)
    check[name] = lzsm.stationary_scattering(model, k=k_check, method="transfer_matrix")
    at = lzsm.stationary_scattering(model, k=k_check)
    diff = max(
        np.max(np.abs(at.transmission - check[name].transmission)),
        np.max(np.abs(at.reflection - check[name].reflection)),
    )
    print(f"{name:8s}: max |log-derivative - transfer matrix| = {diff:.1e}")
    assert exact[name].ok and check[name].ok and diff < 1e-4

# %%
# Surface hopping and Ehrenfest
# -----------------------------
# 500 trajectories per momentum (FSSH, LZSH; Ehrenfest is deterministic at a fixed initial
# momentum), all starting at :math:`x_0 = -10` on the lower adiabatic state with
# :math:`p = \hbar k`, fixed seed.  Above the simple crossing's threshold FSSH is within its
# known intrinsic error (about 0.02) plus four binomial standard errors of the exact curve.
trajectories = {}
for name, (model, _, k_check) in models.items():
    ks = k_check[::2]
    trajectories[name] = {
        method: lzsm.surface_hopping(model, ks, method=method, n_trajectories=500, seed=11)
        for method in ("fssh", "lzsh", "ehrenfest")
    }
fssh = trajectories["simple"]["fssh"]
ref = lzsm.stationary_scattering(models["simple"][0], k=fssh.k)
above = fssh.k > 10.0
dev = np.abs(fssh.transmission - ref.transmission)[above]
print(f"FSSH on the simple crossing, k > 10: max |Delta T| = {dev.max():.3f}")
assert np.all(dev <= 0.02 + 4 * fssh.transmission_stderr[above])

# %%
# Tully's three figures
# ---------------------
# Lines: exact (log-derivative); open squares: exact (transfer matrix); filled markers:
# trajectory methods.  Dotted lines: channel thresholds (simple: :math:`k = 8.94`; extended:
# :math:`k = 28.3`).  The dual crossing is drawn against :math:`\ln E` as in Tully's Fig. 5;
# below ln E = -3 the line crosses Feshbach resonances of the upper curve's well far narrower
# than the sampling (each spike is one sampled point on one of them); there, and across its
# Stückelberg oscillations, the trajectory methods part from the exact result.  LZSH, which hops
# only at minima of the adiabatic gap, never leaves the lower state in the extended model.
panels = {
    "simple": [("transmission", 0, "T, lower"), ("reflection", 0, "R, lower"), ("transmission", 1, "T, upper")],
    "dual": [("transmission", 0, "T, lower"), ("transmission", 1, "T, upper")],
    "extended": [("transmission", 0, "T, lower"), ("reflection", 0, "R, lower"), ("reflection", 1, "R, upper")],
}
markers = {"fssh": "o", "lzsh": "^", "ehrenfest": "x"}
fig, axes = plt.subplots(1, 3, figsize=(14, 4.2), layout="constrained")
for ax, (name, rows) in zip(axes, panels.items()):
    model = models[name][0]

    def axis(k: np.ndarray, name: str = name) -> np.ndarray:
        return np.log(k**2 / (2 * mass)) if name == "dual" else k

    for colour, (quantity, state, label) in enumerate(rows):
        c = f"C{colour}"
        ax.plot(axis(exact[name].k), getattr(exact[name], quantity)[:, state], "-", color=c, lw=1.2, label=label)
        ax.plot(axis(check[name].k), getattr(check[name], quantity)[:, state], "s", mfc="none", mec=c, ms=7)
        for method, result in trajectories[name].items():
            ax.plot(axis(result.k), getattr(result, quantity)[:, state], markers[method], color=c, ms=5)
    # thresholds: where the incident energy reaches an asymptote of the upper curve
    a, b = model.interaction_range
    e_in = np.linalg.eigvalsh(model.potential(np.array(a)))[0]
    for e_top in (np.linalg.eigvalsh(model.potential(np.array(x)))[1] for x in (a, b)):
        k_th = np.sqrt(2 * mass * (e_top - e_in))
        if k_th <= models[name][1][-1]:
            ax.axvline(axis(np.array(k_th)), color="0.6", ls=":", lw=1)
    ax.set_xlabel(r"$\ln(E/\mathrm{hartree})$" if name == "dual" else r"incident momentum $k$ (a.u., 1/bohr)")
    ax.set_ylabel("probability (dimensionless)")
    ax.set_title(f"Tully's {name} model")
    ax.set_ylim(-0.03, 1.03)
    ax.legend(fontsize=8, loc="center right")
handles = [plt.Line2D([], [], color="k", lw=1.2, label="exact, log-derivative")]
handles.append(plt.Line2D([], [], color="k", ls="", marker="s", mfc="none", label="exact, transfer matrix"))
names = {"fssh": "FSSH", "lzsh": "LZSH", "ehrenfest": "Ehrenfest"}
handles += [plt.Line2D([], [], color="k", ls="", marker=m, label=names[k]) for k, m in markers.items()]
fig.legend(handles=handles, loc="outside lower center", ncol=5, fontsize=9)
plt.show()
