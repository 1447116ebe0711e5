"""The sector sweep of the two-point log-derivative propagator for two channels, compiled (see
:func:`lzsm.molecules.stationary._propagate`, which keeps the NumPy sweep for more channels).

Sector s carries ``A_s = T_s diag(a_s) T_s^T`` and ``B_s = T_s diag(b_s) T_s^T`` (``T_s``: the
eigenvectors of the potential at the sector's middle; ``a``, ``b``: ``kappa coth(kappa h)`` and
``kappa / sinh(kappa h)`` of its eigenvalues).  The first sector's propagator is
``(Y1, Y2, Y3, Y4) = (-A, B, -B, A)``; each further sector combines as ``Z = (Y4 + A)^-1``,
``Y1 -= Y2 Z Y3``, ``Y2 = Y2 Z B``, ``Y3 = B Z Y3``, ``Y4 = A - B Z B`` (D. E. Manolopoulos,
J. Chem. Phys. 85, 6425 (1986); M. H. Alexander & D. E. Manolopoulos, J. Chem. Phys. 86, 2044
(1987)).  Explicit 2 x 2 arithmetic, one energy after the other, without the GIL.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def _mul(a, b, out):  # pragma: no cover - compiled
    """``out = a @ b`` for 2 x 2 matrices (``out`` distinct from ``a`` and ``b``)."""
    out[0, 0] = a[0, 0] * b[0, 0] + a[0, 1] * b[1, 0]
    out[0, 1] = a[0, 0] * b[0, 1] + a[0, 1] * b[1, 1]
    out[1, 0] = a[1, 0] * b[0, 0] + a[1, 1] * b[1, 0]
    out[1, 1] = a[1, 0] * b[0, 1] + a[1, 1] * b[1, 1]


@njit(cache=True, nogil=True)
def sweep_two_channels(vec, ca, cb):  # pragma: no cover - compiled
    """``vec`` ``(S, 2, 2)`` real eigenvectors per sector; ``ca``, ``cb`` ``(nE, S, 2)`` complex
    sector coefficients.  Returns ``(Y1, Y2, Y3, Y4)`` as one ``(4, nE, 2, 2)`` complex array."""
    ne, ns = ca.shape[0], ca.shape[1]
    out = np.empty((4, ne, 2, 2), dtype=np.complex128)
    am = np.empty((2, 2), dtype=np.complex128)
    bm = np.empty((2, 2), dtype=np.complex128)
    z = np.empty((2, 2), dtype=np.complex128)
    zb = np.empty((2, 2), dtype=np.complex128)
    zy3 = np.empty((2, 2), dtype=np.complex128)
    tmp = np.empty((2, 2), dtype=np.complex128)
    y1 = np.empty((2, 2), dtype=np.complex128)
    y2 = np.empty((2, 2), dtype=np.complex128)
    y3 = np.empty((2, 2), dtype=np.complex128)
    y4 = np.empty((2, 2), dtype=np.complex128)
    for e in range(ne):
        for s in range(ns):
            for i in range(2):
                for j in range(2):
                    p0 = vec[s, i, 0] * vec[s, j, 0]
                    p1 = vec[s, i, 1] * vec[s, j, 1]
                    am[i, j] = p0 * ca[e, s, 0] + p1 * ca[e, s, 1]
                    bm[i, j] = p0 * cb[e, s, 0] + p1 * cb[e, s, 1]
            if s == 0:
                for i in range(2):
                    for j in range(2):
                        y1[i, j] = -am[i, j]
                        y2[i, j] = bm[i, j]
                        y3[i, j] = -bm[i, j]
                        y4[i, j] = am[i, j]
                continue
            m00 = y4[0, 0] + am[0, 0]
            m01 = y4[0, 1] + am[0, 1]
            m10 = y4[1, 0] + am[1, 0]
            m11 = y4[1, 1] + am[1, 1]
            det = m00 * m11 - m01 * m10
            z[0, 0] = m11 / det
            z[0, 1] = -m01 / det
            z[1, 0] = -m10 / det
            z[1, 1] = m00 / det
            _mul(z, bm, zb)
            _mul(z, y3, zy3)
            _mul(y2, zy3, tmp)
            for i in range(2):
                for j in range(2):
                    y1[i, j] -= tmp[i, j]
            _mul(y2, zb, tmp)
            y2[:, :] = tmp
            _mul(bm, zy3, y3)
            _mul(bm, zb, tmp)
            for i in range(2):
                for j in range(2):
                    y4[i, j] = am[i, j] - tmp[i, j]
        out[0, e] = y1
        out[1, e] = y2
        out[2, e] = y3
        out[3, e] = y4
    return out
