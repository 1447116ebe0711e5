"""Symmetry blocks, the non-crossing rule and crossing classification (lzsm.crossings).

Test systems with closed forms
------------------------------
*Three sites with mirror symmetry* (sites L, C, R; parity P swaps L and R)::

    H(x) = [[a, c, t], [c, F x, c], [t, c, a]]

The even combination e = (L + R)/sqrt2 has energy a + t and couples to C with sqrt2 c; the odd
combination o = (L - R)/sqrt2 (energy a - t) does not couple at all.  Hence
- g block {e, C}: an avoided crossing at x_g = (a + t)/F with gap Delta = 2 sqrt2 c, coupling
  V = sqrt2 c and diabatic slope difference |F|;
- the odd level a - t crosses the C-like g level exactly (symmetry forbids mixing) where
  det(g block - (a - t)) = 0: x_u = (a - t + c^2/t)/F, with the g level's slope there
  F |<C|g>|^2 = F / (1 + c^2/(2 t^2)) (Hellmann–Feynman).

*Two parity blocks of Landau–Zener type* (4 levels): g block [[F1 x/2, V1], [V1, -F1 x/2]], u block
[[F2 (x - x2)/2, V2], [V2, -F2 (x - x2)/2]], written in a site basis where parity swaps sites.
Avoided crossings at x = 0 (gap 2 V1, slope F1) and x = x2 (gap 2 V2, slope F2); g and u levels
cross exactly where F1^2 x^2/4 + V1^2 = F2^2 (x - x2)^2/4 + V2^2 (a quadratic), twice each time
(upper and lower pairs).

Local Landau–Zener probability (docs/conventions.md): P = exp(-2 pi V^2/(hbar |F v|)), alpha = v F.
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
import xarray as xr
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from scipy import constants, optimize

import lzsm
from lzsm.errors import LzsmTypeError, LzsmValueError
from lzsm.io.cli import main

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "diatomic_crossings.toml"
PARITY3 = np.array([[0, 0, 1], [0, 1, 0], [1, 0, 0]], dtype=float)
GU = {1: "g", -1: "u"}


# --------------------------------------------------------------------------- test systems
def three_sites(a=0.0, t=1.0, c=0.1, f=1.0):
    def h(x):
        return np.array([[a, c, t], [c, f * x, c], [t, c, a]], dtype=complex)

    return h


def three_sites_answer(a=0.0, t=1.0, c=0.1, f=1.0):
    return {
        "x_g": (a + t) / f,
        "gap": 2 * math.sqrt(2) * c,
        "x_u": (a - t + c * c / t) / f,
        "true_slope": abs(f) / (1 + c * c / (2 * t * t)),
    }


F1, V1, F2, V2, X2 = 2.0, 0.3, 1.5, 0.2, 1.0
_S = 1 / math.sqrt(2)
U_SITES = np.array([[_S, 0, _S, 0], [_S, 0, -_S, 0], [0, _S, 0, _S], [0, _S, 0, -_S]])
PARITY4 = U_SITES @ np.diag([1.0, 1.0, -1.0, -1.0]) @ U_SITES.T  # swaps sites 1<->2 and 3<->4


def four_level_blocks(x):
    return np.array(
        [
            [F1 * x / 2, V1, 0, 0],
            [V1, -F1 * x / 2, 0, 0],
            [0, 0, F2 * (x - X2) / 2, V2],
            [0, 0, V2, -F2 * (x - X2) / 2],
        ],
        dtype=complex,
    )


def four_level(x):
    return U_SITES @ four_level_blocks(x) @ U_SITES.T


def four_level_true_positions():
    qa = (F1**2 - F2**2) / 4
    qb = F2**2 * X2 / 2
    qc = V1**2 - V2**2 - F2**2 * X2**2 / 4
    return np.sort(np.roots([qa, qb, qc]).real)


def four_level_true_slope(x):
    """|d/dx (E_g - E_u)| for the upper pair, E_g = sqrt(F1^2 x^2/4 + V1^2), E_u likewise."""
    eg = math.sqrt(F1**2 * x**2 / 4 + V1**2)
    eu = math.sqrt(F2**2 * (x - X2) ** 2 / 4 + V2**2)
    return abs(F1**2 * x / (4 * eg) - F2**2 * (x - X2) / (4 * eu))


def summary(table):
    return [(c.kind, c.level_lower, c.level_upper, c.symmetry_lower, c.symmetry_upper) for c in table]


# --------------------------------------------------------------------------- known answers
def test_mirror_sites_true_and_avoided_crossing_exact():
    want = three_sites_answer()
    table = lzsm.find_crossings(three_sites(), np.linspace(-3, 3, 241), {"parity": (PARITY3, GU)})
    assert table.classified
    assert [b.label for b in table.blocks] == ["g", "u"] and [b.size for b in table.blocks] == [2, 1]
    assert summary(table) == [("true", 0, 1, "g", "u"), ("avoided", 1, 2, "g", "g")]
    true, avoided = table
    # symmetry forbids mixing: exact crossing at x_u = (a - t + c^2/t)/F
    assert true.x == pytest.approx(want["x_u"], abs=1e-12)
    assert true.gap == 0 and true.coupling == 0
    assert true.slope_difference == pytest.approx(want["true_slope"], rel=1e-9)
    assert (true.block_index_lower, true.block_index_upper) == (0, 0)
    # same symmetry: avoided, gap 2 sqrt2 c at x_g = (a + t)/F, slope difference F
    assert avoided.x == pytest.approx(want["x_g"], abs=1e-10)
    assert avoided.gap == pytest.approx(want["gap"], rel=1e-12)
    assert avoided.coupling == pytest.approx(want["gap"] / 2, rel=1e-12)
    assert avoided.slope_difference == pytest.approx(1.0, rel=1e-8)  # curvature method
    assert avoided.slope_difference_nac == pytest.approx(1.0, rel=1e-9)  # 2|<k|H'|k+1>|
    assert avoided.energy == pytest.approx(1.0, rel=1e-10)  # a + t at the crossing
    assert avoided.note == ""


def test_four_level_parity_blocks_exact():
    model = lzsm.LinearSweep(four_level(0.0), four_level(1.0) - four_level(0.0))  # H = A + B x, coordinate 't'
    table = lzsm.find_crossings(model, np.linspace(-3.5, 4.0, 300), lzsm.Symmetry("parity", PARITY4, GU))
    avoided = table.of_kind("avoided")
    true = table.of_kind("true")
    assert not table.of_kind("undecided")
    assert [(c.symmetry_lower, c.level_lower, c.level_upper) for c in avoided] == [("g", 1, 2), ("u", 1, 2)]
    assert avoided[0].x == pytest.approx(0.0, abs=1e-10)
    assert avoided[1].x == pytest.approx(X2, abs=1e-10)
    for c, v, f in zip(avoided, (V1, V2), (F1, F2)):
        assert c.gap == pytest.approx(2 * v, rel=1e-12)
        assert c.slope_difference == pytest.approx(f, rel=1e-8)
        assert c.slope_difference_nac == pytest.approx(f, rel=1e-10)
    roots = four_level_true_positions()
    assert len(true) == 4
    for xr_ in roots:
        pair = [c for c in true if abs(c.x - xr_) < 1e-9]
        assert sorted((c.level_lower, c.level_upper) for c in pair) == [(0, 1), (2, 3)]
        for c in pair:
            assert {c.symmetry_lower, c.symmetry_upper} == {"g", "u"}
            assert c.slope_difference == pytest.approx(four_level_true_slope(xr_), rel=1e-9)
            # the level lower before the crossing (x slightly smaller) has the stated symmetry
            hb = four_level_blocks(xr_ - 1e-4)
            lower_e = np.linalg.eigvalsh(hb)[c.level_lower]
            g_e, u_e = np.linalg.eigvalsh(hb[:2, :2]), np.linalg.eigvalsh(hb[2:, 2:])
            assert c.symmetry_lower == ("g" if np.min(np.abs(g_e - lower_e)) < np.min(np.abs(u_e - lower_e)) else "u")


def test_joint_blocks_of_two_commuting_operators():
    p1 = np.diag([1.0, 1.0, -1.0, -1.0])
    p2 = np.diag([1.0, -1.0, 1.0, -1.0])
    blocks = lzsm.symmetry_blocks({"inversion": (p1, {1: "g", -1: "u"}), "reflection": (p2, {1: "+", -1: "-"})}, 4)
    assert [b.label for b in blocks] == ["g,+", "g,-", "u,+", "u,-"]
    for b in blocks:
        assert b.size == 1
        np.testing.assert_allclose(b.basis.conj().T @ b.basis, np.eye(1), atol=1e-14)
    # unlabelled operator: blocks named by eigenvalue
    blocks = lzsm.symmetry_blocks({"P": PARITY3}, 3)
    assert sorted(b.label for b in blocks) == ["P=-1", "P=1"]
    # a degenerate eigenspace keeps an orthonormal basis of the right size
    g = next(b for b in blocks if b.label == "P=1")
    assert g.size == 2
    np.testing.assert_allclose(g.basis.conj().T @ g.basis, np.eye(2), atol=1e-13)
    np.testing.assert_allclose(PARITY3 @ g.basis, g.basis, atol=1e-13)


# --------------------------------------------------------------------------- no symmetry, near misses
def test_without_operators_avoided_is_unclassified_and_true_is_undecided():
    want = three_sites_answer()
    table = lzsm.find_crossings(three_sites(), np.linspace(-3, 3, 241))
    assert not table.classified
    assert [c.kind for c in table] == ["undecided", "avoided"]
    und, av = table
    assert und.x == pytest.approx(want["x_u"], abs=1e-9)
    assert und.gap < 1e-8 * table.energy_scale
    assert "no symmetry operators" in und.note
    # the adiabatic slopes either side give |F| of the V-shaped gap
    assert und.slope_difference == pytest.approx(want["true_slope"], rel=1e-6)
    assert av.gap == pytest.approx(want["gap"], rel=1e-12)
    assert av.x == pytest.approx(want["x_g"], abs=1e-10)
    assert "unclassified" in av.note
    assert av.symmetry_lower == "" and table.blocks[0].size == 3


def test_near_miss_within_a_block_is_undecided():
    # c = 1e-12 / sqrt2: gap 2e-12, far below resolution 1e-8 x energy scale: cannot be decided
    table = lzsm.find_crossings(three_sites(c=1e-12 / math.sqrt(2)), np.linspace(-3, 3, 121), {"parity": (PARITY3, GU)})
    kinds = {c.kind: c for c in table}
    assert set(kinds) == {"true", "undecided"}
    und = kinds["undecided"]
    assert und.x == pytest.approx(1.0, abs=1e-8)
    assert und.gap < 1e-8 * table.energy_scale
    assert "same symmetry block 'g'" in und.note
    assert und.slope_difference == pytest.approx(1.0, rel=1e-6)
    # a small but resolved gap (2e-3) is an avoided crossing with the exact gap
    table = lzsm.find_crossings(three_sites(c=1e-3 / math.sqrt(2)), np.linspace(-3, 3, 121), {"parity": (PARITY3, GU)})
    av = table.of_kind("avoided")
    assert len(av) == 1 and not table.of_kind("undecided")
    assert av[0].gap == pytest.approx(2e-3, rel=1e-9)
    assert av[0].x == pytest.approx(1.0, abs=1e-12)
    assert av[0].slope_difference == pytest.approx(1.0, rel=1e-7)
    # a coarser resolution turns it into an undecided one
    table = lzsm.find_crossings(
        three_sites(c=1e-3 / math.sqrt(2)), np.linspace(-3, 3, 121), {"parity": (PARITY3, GU)}, resolution=1e-3
    )
    assert [c.kind for c in table] == ["true", "undecided"]


def test_shallow_gap_ripple_is_not_a_crossing():
    def h(x):  # gap 2 + 0.1 cos x: minima at odd multiples of pi, rising only 10 %
        return np.diag([1 + 0.05 * math.cos(x), -1 - 0.05 * math.cos(x)]).astype(complex) + 0.1 * np.array(
            [[0, 1], [1, 0]]
        )

    assert len(lzsm.find_crossings(h, np.linspace(0, 6, 100))) == 0
    loose = lzsm.find_crossings(h, np.linspace(0, 6, 100), contrast=1.0)
    assert len(loose) == 1 and loose[0].x == pytest.approx(math.pi, abs=1e-9)


# --------------------------------------------------------------------------- sampling and basis independence
@pytest.mark.parametrize("system", ["four_level", "diatomic"])
def test_result_independent_of_sampling_density(system):
    if system == "four_level":
        h, path, sym = four_level, (-3.5, 4.0), {"parity": (PARITY4, GU)}
    else:
        cm = lzsm.io.crossings_file.load(EXAMPLE)
        h, path, sym = cm.model, (cm.path[0], cm.path[-1]), cm.symmetry()
    tables = [lzsm.find_crossings(h, np.linspace(*path, n), sym) for n in (50, 200, 1000)]
    ref = tables[-1]
    assert len(ref) >= 2
    for t in tables[:-1]:
        assert summary(t) == summary(ref)
        for a, b in zip(t, ref):  # stated tolerance: positions 1e-9, gaps and slopes 1e-7 relative
            assert a.x == pytest.approx(b.x, abs=1e-9)
            assert a.gap == pytest.approx(b.gap, rel=1e-9, abs=1e-12)
            assert a.slope_difference == pytest.approx(b.slope_difference, rel=1e-7)


def test_decreasing_path_gives_same_crossings_in_reverse():
    sym = {"parity": (PARITY3, GU)}
    up = lzsm.find_crossings(three_sites(), np.linspace(-3, 3, 100), sym)
    down = lzsm.find_crossings(three_sites(), np.linspace(3, -3, 100), sym)
    assert [c.x for c in down] == pytest.approx([c.x for c in reversed(up)], abs=1e-10)
    # "lower before the crossing" follows the path direction
    assert (down[1].symmetry_lower, down[1].symmetry_upper) == ("u", "g")


def _random_unitary(seed: int, n: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    q, r = np.linalg.qr(rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n)))
    return q * (np.diag(r) / np.abs(np.diag(r)))


@given(seed=st.integers(0, 2**32 - 1), c=st.floats(0.05, 0.4), t=st.floats(0.5, 1.5))
def test_unitary_change_of_basis_leaves_crossings_invariant(seed, c, t):
    u = _random_unitary(seed, 3)
    h = three_sites(t=t, c=c)
    path = np.linspace(-3, 3, 90)
    ref = lzsm.find_crossings(h, path, {"parity": (PARITY3, GU)})
    rot = lzsm.find_crossings(lambda x: u @ h(x) @ u.conj().T, path, {"parity": (u @ PARITY3 @ u.conj().T, GU)})
    assert summary(rot) == summary(ref) == [("true", 0, 1, "g", "u"), ("avoided", 1, 2, "g", "g")]
    want = three_sites_answer(t=t, c=c)
    for a, b in zip(rot, ref):
        assert a.x == pytest.approx(b.x, abs=1e-9)
        assert a.gap == pytest.approx(b.gap, abs=1e-10)
        assert a.slope_difference == pytest.approx(b.slope_difference, rel=1e-6)
    assert ref[0].x == pytest.approx(want["x_u"], abs=1e-10)
    assert rot[1].gap == pytest.approx(want["gap"], rel=1e-10)


# --------------------------------------------------------------------------- Landau–Zener along the path
def test_local_lz_probability_matches_closed_form():
    v, hbar = 0.7, 0.5
    table = lzsm.find_crossings(
        four_level, np.linspace(-3.5, 4.0, 150), {"parity": (PARITY4, GU)}, velocity=-v, hbar=hbar
    )
    g, u = table.of_kind("avoided")
    assert g.sweep_rate == pytest.approx(v * F1, rel=1e-8)
    # P = exp(-2 pi V^2/(hbar |F v|)) with the exact V = 0.3, F = 2: exp(-2 pi 0.09 / 0.7)
    assert g.p_diabatic_stay == pytest.approx(float(lzsm.lz_probability(V1, v * F1, hbar)), rel=1e-7)
    assert g.p_diabatic_stay == pytest.approx(math.exp(-2 * math.pi * V1**2 / (hbar * v * F1)), rel=1e-7)
    assert u.p_diabatic_stay == pytest.approx(math.exp(-2 * math.pi * V2**2 / (hbar * v * F2)), rel=1e-7)
    for c in table.of_kind("true"):
        assert c.p_diabatic_stay == 1.0 and c.sweep_rate == pytest.approx(v * c.slope_difference, rel=1e-12)
    no_v = lzsm.find_crossings(four_level, np.linspace(-3.5, 4.0, 150), {"parity": (PARITY4, GU)})
    assert all(math.isnan(c.p_diabatic_stay) for c in no_v)


def test_local_lz_against_exact_propagation_of_the_multilevel_model():
    a, t, c, f, v = 0.0, 1.0, 0.1, 1.0, 0.1
    table = lzsm.find_crossings(three_sites(a, t, c, f), np.linspace(-3, 3, 60), {"parity": (PARITY3, GU)}, velocity=v)
    av = table.of_kind("avoided")[0]
    vv, alpha = av.coupling, av.sweep_rate
    # the three-level model along the classical path x = x_c + v t, propagated exactly from site C
    base = three_sites(a, t, c, f)(av.x).real
    model = lzsm.LinearSweep(base, np.array([0.0, f * v, 0.0]))
    for span in (60.0, 3000.0):
        ev = lzsm.evolve(model, (-span, span), "diabatic 1")
        p_exact_multilevel = float(ev.populations[-1, 1])
        # the two-level LZ model with the extracted V and alpha: exact finite-time closed form and evolve
        p_closed = float(lzsm.finite_time_p_diabatic_stay(vv, alpha, span, -span, 0))
        p_lz_model = float(lzsm.evolve(lzsm.LandauZener(vv, alpha), (-span, span), 0).p_diabatic_stay)
        assert p_exact_multilevel == pytest.approx(p_closed, abs=1e-7)
        assert p_lz_model == pytest.approx(p_closed, abs=1e-8)
    # long passage: the asymptotic P_LZ of the table (finite-time wiggles ~ V/(alpha T) ~ 5e-4)
    assert av.p_diabatic_stay == pytest.approx(math.exp(-2 * math.pi * 0.02 / 0.1), rel=1e-8)
    assert p_exact_multilevel == pytest.approx(av.p_diabatic_stay, abs=3e-3)


# --------------------------------------------------------------------------- results and figure
def test_table_converts_to_xarray_and_pandas_and_is_immutable(tmp_path):
    table = lzsm.find_crossings(three_sites(), np.linspace(-3, 3, 64), {"parity": (PARITY3, GU)}, velocity=1.0)
    ds = table.to_xarray()
    assert ds.sizes["crossing"] == 2 and ds.sizes["x_path"] == 64 and ds.sizes["level"] == 3
    assert list(ds["kind"].values) == ["true", "avoided"]
    np.testing.assert_allclose(
        ds["level_energy"].values,
        np.linalg.eigvalsh(np.stack([three_sites()(x) for x in np.linspace(-3, 3, 64)])),
        atol=1e-12,
    )
    assert list(ds["state_symmetry"].values) == ["g", "g", "u"]
    df = table.to_dataframe()
    assert len(df) == 2 and {"kind", "x", "gap", "coupling", "slope_difference", "p_diabatic_stay"} <= set(df.columns)
    from lzsm.dynamics.coherent import write_netcdf

    write_netcdf(ds, tmp_path / "c.nc")
    back = xr.open_dataset(tmp_path / "c.nc", engine="h5netcdf")
    assert back["gap"].values[1] == pytest.approx(table[1].gap, rel=1e-15)
    assert str(back["kind"].values[0]) == "true"
    with pytest.raises(ValueError):
        table.energies[0, 0] = 1.0
    with pytest.raises(AttributeError):
        table[0].x = 2.0  # type: ignore[misc]
    with pytest.raises(LzsmValueError, match="`kind`"):
        table.of_kind("crossed")


def test_level_diagram_marks_true_and_avoided_crossings():
    from matplotlib.figure import Figure

    table = lzsm.find_crossings(three_sites(), np.linspace(-3, 3, 64), {"parity": (PARITY3, GU)})
    ax = Figure().subplots()
    out = lzsm.plot_level_diagram(table, ax=ax)
    assert out is ax
    labels = ax.get_legend_handles_labels()[1]
    assert {"g", "u", "true crossing", "avoided crossing"} <= set(labels)
    assert len(ax.lines) == 3  # one line per level, coloured by block
    offsets = [col.get_offsets() for col in ax.collections]
    assert sorted(float(o[0, 0]) for o in offsets) == pytest.approx(sorted(c.x for c in table))
    assert lzsm.plot_level_diagram(table).figure is not None  # ax=None makes its own Figure


# --------------------------------------------------------------------------- bad input
def test_bad_inputs_are_rejected_with_named_parameters():
    path = np.linspace(-3, 3, 50)
    sym = {"parity": (PARITY3, GU)}
    with pytest.raises(LzsmValueError, match="Hermitian"):
        lzsm.find_crossings(lambda x: np.array([[x, 1.0], [0.0, -x]]), path)
    with pytest.raises(LzsmValueError, match=r"'parity' does not commute with H: max \|\|\[H\(x\), O\]\|\|"):
        lzsm.find_crossings(three_sites(), path, {"parity": (np.diag([1.0, 1.0, -1.0]), GU)})
    with pytest.raises(LzsmValueError, match=r"`path` must have at least 8 points, got 5"):
        lzsm.find_crossings(three_sites(), np.linspace(0, 1, 5), sym)
    with pytest.raises(LzsmValueError, match="`path` must be strictly monotonic"):
        lzsm.find_crossings(three_sites(), np.r_[np.linspace(0, 1, 10), 0.5], sym)
    with pytest.raises(LzsmValueError, match="`path` must be finite"):
        lzsm.find_crossings(three_sites(), np.r_[np.linspace(0, 1, 10), np.nan], sym)
    with pytest.raises(LzsmValueError, match=r"is 2x2 but H is 3x3"):
        lzsm.find_crossings(three_sites(), path, {"parity": np.eye(2)})
    with pytest.raises(LzsmValueError, match="has no label"):
        lzsm.find_crossings(three_sites(), path, {"parity": (PARITY3, {1: "g"})})
    with pytest.raises(LzsmValueError, match="must be normal"):
        lzsm.Symmetry("shear", np.array([[1.0, 1.0], [0.0, 1.0]]))
    with pytest.raises(LzsmValueError, match="do not commute"):
        lzsm.symmetry_blocks({"a": np.diag([1.0, -1.0]), "b": np.array([[0.0, 1.0], [1.0, 0.0]])}, 2)
    with pytest.raises(LzsmValueError, match="`velocity` must be nonzero"):
        lzsm.find_crossings(three_sites(), path, sym, velocity=0.0)
    with pytest.raises(LzsmValueError, match="`resolution`"):
        lzsm.find_crossings(three_sites(), path, sym, resolution=2.0)
    with pytest.raises(LzsmValueError, match="batch shape"):
        lzsm.find_crossings(lzsm.LandauZener([0.1, 0.2], 1.0), path)
    with pytest.raises(LzsmTypeError, match="`hamiltonian`"):
        lzsm.find_crossings(np.eye(3), path)
    with pytest.raises(LzsmTypeError, match="`symmetries`"):
        lzsm.find_crossings(three_sites(), path, 3.0)
    with pytest.raises(LzsmValueError, match=r"`hamiltonian\(x\)` must return an \(N, N\) matrix"):
        lzsm.find_crossings(lambda x: np.zeros(3), path)


# --------------------------------------------------------------------------- the command line
def _diatomic_reference():
    """Independent evaluation of the example: the curves written out by hand from the TOML."""
    raw = tomllib.loads(EXAMPLE.read_text())
    s = {st_["name"]: st_ for st_ in raw["state"]}
    x_, d_, b_ = s["X"], s["D"], s["B"]
    vc = raw["coupling"][0]["value"]

    def morse(p, r):
        return p.get("offset", 0.0) + p["De"] * (1 - math.exp(-p["a"] * (r - p["Re"]))) ** 2

    def dmorse(p, r):
        e = math.exp(-p["a"] * (r - p["Re"]))
        return 2 * p["De"] * p["a"] * (1 - e) * e

    def expo(p, r):
        return p["offset"] + p["A"] * math.exp(-p["b"] * (r - p["R0"]))

    def dexpo(p, r):
        return -p["b"] * p["A"] * math.exp(-p["b"] * (r - p["R0"]))

    r_av = optimize.brentq(lambda r: morse(x_, r) - expo(d_, r), 2.0, 5.0, xtol=1e-15)
    f_av = abs(dmorse(x_, r_av) - dexpo(d_, r_av))

    def upper_sigma(r):
        m, e = 0.5 * (morse(x_, r) + expo(d_, r)), 0.5 * (morse(x_, r) - expo(d_, r))
        return m + math.sqrt(e * e + vc * vc)

    r_true = optimize.brentq(lambda r: morse(b_, r) - upper_sigma(r), 1.5, 3.0, xtol=1e-15)
    hbar = constants.hbar / (constants.e * 1e-15)  # eV fs
    v = raw["coordinate"]["velocity"]
    return {
        "r_av": r_av,
        "f_av": f_av,
        "gap": 2 * vc,
        "r_true": r_true,
        "p": math.exp(-2 * math.pi * vc**2 / (hbar * f_av * v)),
    }


def test_cli_crossings_on_the_diatomic_example(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    r = runner.invoke(main, ["crossings", str(EXAMPLE), "--out", "crossings-output"])
    assert r.exit_code == 0, (r.output, r.exception)
    out = tmp_path / "crossings-output"
    assert sorted(p.name for p in out.iterdir()) == [
        ".lzsm-output",
        "crossings.csv",
        "crossings.nc",
        "level_diagram.png",
        "model.json",
    ]
    assert (out / "level_diagram.png").stat().st_size > 10_000
    assert "Pi_u x Sigma_g+" in r.stdout and "avoided" in r.stdout and "R [bohr]" in r.stdout
    ref = _diatomic_reference()
    ds = xr.open_dataset(out / "crossings.nc", engine="h5netcdf")
    assert [str(k) for k in ds["kind"].values] == ["true", "avoided"]
    true, av = 0, 1
    assert {str(ds["symmetry_lower"].values[true]), str(ds["symmetry_upper"].values[true])} == {"Pi_u", "Sigma_g+"}
    assert float(ds["x"][true]) == pytest.approx(ref["r_true"], abs=1e-9)
    assert float(ds["x"][av]) == pytest.approx(ref["r_av"], abs=1e-9)
    assert float(ds["gap"][av]) == pytest.approx(ref["gap"], rel=1e-10)  # 2V for a constant coupling
    assert float(ds["slope_difference"][av]) == pytest.approx(ref["f_av"], rel=1e-7)
    assert float(ds["p_diabatic_stay"][av]) == pytest.approx(ref["p"], rel=1e-6)
    assert ds["x"].attrs["units"] == "bohr" and ds["gap"].attrs["units"] == "eV"
    csv = (out / "crossings.csv").read_text().splitlines()
    assert csv[0].startswith("crossing,kind,x,") and len(csv) == 3
    # no overwrite without --force; one line, exit 2; --force replaces
    r2 = runner.invoke(main, ["crossings", str(EXAMPLE), "--out", "crossings-output"])
    assert r2.exit_code == 2 and r2.stderr.startswith("lzsm: error: ") and r2.stderr.count("\n") == 1
    assert "--force" in r2.stderr
    r3 = runner.invoke(main, ["crossings", str(EXAMPLE), "--out", "crossings-output", "--force"])
    assert r3.exit_code == 0
    # without --out: table only
    r4 = runner.invoke(main, ["crossings", str(EXAMPLE)])
    assert r4.exit_code == 0 and "wrote" not in r4.stdout and "p_diabatic_stay" in r4.stdout


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda t: t.replace('states = ["X", "D"]', 'states = ["X", "B"]'), "different symmetry and cannot couple"),
        (lambda t: t.replace('form = "exponential"', 'form = "lennard-jones"'), "`state 'D'.form` must be one of"),
        (lambda t: t.replace("num = 400", "num = 4"), "`coordinate.num` must be an integer >= 8 and <= 1000000, got 4"),
        (lambda t: t.replace("De = 1.5", "De = 1.5\nDe2 = 3"), "unknown key 'De2' in state 'B'"),
        (lambda t: t.replace("value = 0.05", 'value = "0.05 GHz/ns"'), "expects an energy"),
        (lambda t: t + "\n[extra]\n", "unknown key 'extra' at top level"),
    ],
)
def test_cli_crossings_bad_model_is_one_line_and_writes_nothing(tmp_path, monkeypatch, edit, message):
    monkeypatch.chdir(tmp_path)
    bad = tmp_path / "bad.toml"
    bad.write_text(edit(EXAMPLE.read_text()))
    r = CliRunner().invoke(main, ["crossings", str(bad), "--out", "out"])
    assert r.exit_code == 2, r.output
    assert r.stdout == "" and r.stderr.startswith("lzsm: error: ") and r.stderr.count("\n") == 1
    assert message in r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml"]


def test_table_is_a_result(check_result):
    table = lzsm.find_crossings(three_sites(), np.linspace(-3, 3, 64), {"parity": (PARITY3, GU)}, velocity=1.0)
    assert isinstance(table, lzsm.Result) and table.ok
    ds = check_result(
        table,
        {
            "kind": ["crossing"],
            "gap": ["crossing"],
            "level_energy": ["x_path", "level"],
            "energy_by_symmetry": ["x_path", "state"],
        },
    )
    assert ds["gap"].attrs["long_name"].startswith("minimum adiabatic gap")
    assert "status" not in table.to_dataframe().columns
    assert repr(table) == (
        "CrossingTable(crossing table, 2 crossings (1 true, 1 avoided), 3 levels, 64 path points, ok)"
    )
