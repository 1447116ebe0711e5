"""Figures of LZSM interferometry (amplitude spectroscopy) maps: :func:`plot_interferometry`
draws a map computed by :func:`lzsm.interferometry_map` as in the experiments' figures (offset
horizontal, amplitude vertical), with the multiphoton resonances ``eps0 = k hbar omega`` and the
Bessel zeros of the dressed gaps marked.

Experiments: W. D. Oliver et al., Science 310, 1653 (2005); D. M. Berns et al., Nature 455, 51
(2008).  Theory: Shevchenko, Ashhab & Nori, Phys. Rep. 492, 1 (2010).
"""

from __future__ import annotations

import numpy as np

from lzsm.errors import LzsmValueError
from lzsm.plot._axes import new_axes


def plot_interferometry(
    ds,
    var: str = "p_upper_mean",
    ax=None,
    *,
    x: str = "offset",
    y: str = "amplitude",
    resonances: bool = True,
    k_max: int | None = None,
    cmap: str = "viridis",
):
    """The map as in the experiments' amplitude-spectroscopy figures (offset horizontal,
    amplitude vertical), with the k-photon resonance lines ``eps0 = k hbar omega`` and the
    coherent-destruction points ``J_k(A / hbar omega) = 0`` on them overlaid on request."""
    from scipy import special

    ax = new_axes(ax, size=(5.6, 4.4))
    if var not in ds:
        raise LzsmValueError(f"`var` must be one of {', '.join(ds.data_vars)}; got {var!r}")
    da = ds[var].transpose(y, x)
    mesh = ax.pcolormesh(
        ds[x].values,
        ds[y].values,
        da.values,
        shading="auto",
        cmap=cmap,
        vmin=0.0,
        vmax=max(0.5, float(np.nanmax(da.values))),
    )
    ax.figure.colorbar(mesh, ax=ax, label=da.attrs.get("long_name", var))
    ax.set_xlabel(f"offset {x}" if x != "offset" else "offset eps0")
    ax.set_ylabel("amplitude A" if y == "amplitude" else y)
    if resonances and x == "offset" and y == "amplitude" and "fixed_frequency" in ds.attrs:
        hw = ds.attrs["hbar"] * ds.attrs["fixed_frequency"]
        xs, ys = ds[x].values, ds[y].values
        kmin, kmax_ = int(np.ceil(xs.min() / hw)), int(np.floor(xs.max() / hw))
        if k_max is not None:
            kmin, kmax_ = max(kmin, -k_max), min(kmax_, k_max)
        for k in range(kmin, kmax_ + 1):
            ax.axvline(k * hw, color="w", lw=0.4, alpha=0.5)
            zeros = special.jn_zeros(abs(k), 30) * hw
            zeros = zeros[(zeros >= ys.min()) & (zeros <= ys.max())]
            ax.plot(np.full(zeros.shape, k * hw), zeros, "o", ms=2.5, mfc="none", mec="w", alpha=0.7)
        if xs.max() > xs.min():  # a map one point wide keeps matplotlib's limits
            ax.set_xlim(xs.min(), xs.max())
        if ys.max() > ys.min():
            ax.set_ylim(ys.min(), ys.max())
    ax.set_title("LZSM interferometry")
    return ax
