"""Linear multi-level sweeps (lzsm.multilevel): closed forms against exact propagation.

Conventions (docs/conventions.md): H(t) = A + B t, B = diag(beta) the diabatic slopes; the pairwise
Landau-Zener factor is p = exp(-2 pi |A_jk|^2 / (hbar |beta_j - beta_k|)); transition matrices
are P[final, initial].  Exact values come from lzsm.propagator over a window [-T, T] read in the
asymptotic picture (adiabatic states at the window ends, labelled by their diabatic level); for
Landau-Zener that reading is within ~1e-7 of the t -> +-inf limit at T = 150-200 (measured
below), so closed forms are checked at 1e-5, while a factor 2 in any exponent changes the
probabilities here by more than 0.05.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.linalg import expm

import lzsm

T = 150.0  # half window of the exact propagations
TOL = 1e-5  # closed form vs exact propagation (asymptotic picture)


def chain(couplings, slopes, offsets):
    """Nearest-neighbour chain: A = diag(offsets) + couplings on the first off-diagonal."""
    n = len(slopes)
    a = np.diag(np.asarray(offsets, dtype=float)).astype(complex)
    for k in range(n - 1):
        a[k, k + 1] = couplings[k]
        a[k + 1, k] = np.conj(couplings[k])
    return lzsm.LinearSweep(a, slopes)


# --------------------------------------------------------------------------- exact transition matrix
def test_transition_matrix_two_levels_matches_landau_zener():
    lz = lzsm.LinearSweep([[0, 0.5], [0.5, 0]], [0.5, -0.5])  # alpha = 1, V = 0.5
    p = lzsm.transition_matrix(lz, (-200, 200))
    p_lz = math.exp(-math.pi / 2)
    np.testing.assert_allclose(p, [[p_lz, 1 - p_lz], [1 - p_lz, p_lz]], atol=2e-7)
    # the raw diabatic picture is the exact finite-time value (parabolic-cylinder closed form),
    # which differs from the limit by ~|V|/(alpha T)
    raw = lzsm.transition_matrix(lz, (-200, 200), picture="diabatic")
    exact = lzsm.finite_time_p_diabatic_stay(0.5, 1.0, t=200, t0=-200)
    assert raw[0, 0] == pytest.approx(exact, abs=1e-8)
    assert abs(raw[0, 0] - p_lz) > 1e-4


def test_transition_matrix_over_a_grid_and_unitarity():
    v = np.array([0.2, 0.4, 0.7])
    a = np.zeros((3, 2, 2), complex)
    a[:, 0, 1] = a[:, 1, 0] = v
    grid = lzsm.LinearSweep(a, [1.0, -1.0])  # alpha = 2
    p = lzsm.transition_matrix(grid, (-T, T))
    assert p.shape == (3, 2, 2)
    np.testing.assert_allclose(p[:, 0, 0], lzsm.lz_probability(v, 2.0), atol=TOL)
    np.testing.assert_allclose(p.sum(axis=-2), 1.0, atol=1e-8)  # columns (initial states) sum to 1
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, atol=1e-8)  # unitary: doubly stochastic


def test_transition_matrix_rejects_bad_input():
    lz = lzsm.LinearSweep([[0, 0.5], [0.5, 0]], [0.5, -0.5])
    with pytest.raises(lzsm.LzsmValueError, match="picture"):
        lzsm.transition_matrix(lz, (-10, 10), picture="adiabatic")
    with pytest.raises(lzsm.LzsmTypeError, match="model"):
        lzsm.transition_matrix("lz", (-10, 10))
    parallel = lzsm.LinearSweep([[0, 1.0, 0], [1.0, 0.1, 0], [0, 0, 0]], [0.0, 0.0, 1.0])
    with pytest.raises(lzsm.LzsmValueError, match="coupled parallel"):
        lzsm.transition_matrix(parallel, (-20, 20))
    crossing = lzsm.LinearSweep([[0, 1.0], [1.0, 0]], [0.5, -0.5])
    with pytest.raises(lzsm.LzsmValueError, match="widen"):
        lzsm.transition_matrix(crossing, (-1, 1))  # window inside the transition region
    assert lzsm.transition_matrix(parallel, (-20, 20), picture="diabatic").shape == (3, 3)


def test_transition_dataarray():
    da = lzsm.closed_forms.multilevel.transition_dataarray(np.eye(3))
    assert da.dims == ("final", "initial") and float(da.sel(final=1, initial=1)) == 1.0
    with pytest.raises(lzsm.LzsmValueError, match="p_transition"):
        lzsm.closed_forms.multilevel.transition_dataarray(np.ones(3))


# --------------------------------------------------------------------------- Brundobler–Elser
@given(v=st.floats(0.05, 2.0), a=st.floats(0.2, 5.0), hbar=st.floats(0.5, 2.0), sign=st.sampled_from([-1, 1]))
def test_brundobler_elser_two_levels_is_p_lz(v, a, hbar, sign):
    # docs/conventions.md: H = [[alpha t/2, V], [V*, -alpha t/2]] -> exp(-2 pi |V|^2/(hbar |alpha|))
    model = lzsm.LinearSweep([[0, v * 1j], [-v * 1j, 0]], [sign * a / 2, -sign * a / 2], hbar)
    for level in (0, 1):
        assert lzsm.brundobler_elser_p_diabatic_stay(model, level) == pytest.approx(
            lzsm.lz_probability(v, a, hbar), rel=1e-13
        )


@pytest.mark.parametrize("n, seed", [(3, 1), (4, 5)])
def test_brundobler_elser_against_propagation(n, seed):
    rng = np.random.default_rng(seed)
    a = rng.normal(scale=0.25, size=(n, n)) + 1j * rng.normal(scale=0.25, size=(n, n))
    a = a + a.conj().T
    slopes = np.sort(rng.uniform(-1.5, 1.5, n)) + np.arange(n) * 0.3  # distinct
    model = lzsm.LinearSweep(a, slopes)
    exact = lzsm.transition_matrix(model, (-T, T))
    top, bottom = int(np.argmax(slopes)), int(np.argmin(slopes))
    for level in (top, bottom):
        p_be = lzsm.brundobler_elser_p_diabatic_stay(model, level)
        assert 0.02 < p_be < 0.98  # a non-trivial value, so that a wrong factor of 2 shows
        assert exact[level, level] == pytest.approx(p_be, abs=TOL)
    middle = next(k for k in range(n) if k not in (top, bottom))
    with pytest.raises(lzsm.LzsmValueError, match="largest or the smallest"):
        lzsm.brundobler_elser_p_diabatic_stay(model, middle)


def test_brundobler_elser_is_vectorised_and_validates():
    a = np.zeros((2, 3, 3))
    a[:, 0, 1] = a[:, 1, 0] = [0.3, 0.5]
    a[:, 0, 2] = a[:, 2, 0] = 0.2
    model = lzsm.LinearSweep(a, [2.0, 0.0, -1.0])
    got = lzsm.brundobler_elser_p_diabatic_stay(model, 0)
    want = np.exp(-2 * np.pi * (np.array([0.09, 0.25]) / 2.0 + 0.04 / 3.0))
    np.testing.assert_allclose(got, want, rtol=1e-14)
    with pytest.raises(lzsm.LzsmValueError, match="level"):
        lzsm.brundobler_elser_p_diabatic_stay(model, 3)
    with pytest.raises(lzsm.LzsmTypeError, match="LinearSweep"):
        lzsm.brundobler_elser_p_diabatic_stay(lzsm.LandauZener(0.5, 1.0), 0)
    coupled_parallel = lzsm.LinearSweep([[0, 0.1, 0.2], [0.1, 1, 0], [0.2, 0, 0]], [1.0, 1.0, 0.0])
    with pytest.raises(lzsm.LzsmValueError, match="equal slope"):
        lzsm.brundobler_elser_p_diabatic_stay(coupled_parallel, 0)


@given(seed=st.integers(0, 10_000), n=st.integers(2, 5))
def test_independent_crossing_reproduces_brundobler_elser(seed, n):
    # the extremal level crosses every other level once: ICA survival = product of LZ factors
    rng = np.random.default_rng(seed)
    a = rng.normal(scale=0.4, size=(n, n))
    a = a + a.T
    slopes = np.cumsum(rng.uniform(0.2, 1.0, n))
    model = lzsm.LinearSweep(a, slopes)
    ica = lzsm.independent_crossing(model)
    for level in (0, n - 1):
        assert ica.transition_matrix[level, level] == pytest.approx(
            lzsm.brundobler_elser_p_diabatic_stay(model, level), rel=1e-12
        )
    np.testing.assert_allclose(ica.transition_matrix.sum(axis=0), 1.0, atol=1e-13)


# --------------------------------------------------------------------------- Demkov–Osherov
@pytest.mark.parametrize(
    "couplings, energies, slope, band_slope, offset",
    [
        ([0.3, 0.25 + 0.15j], [-5.0, 6.0], 1.0, 0.0, 0.0),  # 3 levels
        ([0.3, 0.2 + 0.1j, 0.4], [-6.0, 2.0, 8.0], -0.8, 0.2, 1.0),  # 4 levels, sweep downwards
    ],
)
def test_demkov_osherov_against_propagation(couplings, energies, slope, band_slope, offset):
    model = lzsm.demkov_osherov_model(couplings, energies, slope, band_slope=band_slope, sloped_offset=offset)
    closed = lzsm.demkov_osherov_transition_matrix(model)
    exact = lzsm.transition_matrix(model, (-T, T))
    np.testing.assert_allclose(exact, closed, atol=TOL)
    assert np.max(closed) < 0.95 and np.count_nonzero(closed > 0.05) >= 5  # non-trivial entries
    # the "counter-intuitive" band-to-band transitions (against the sweep direction) vanish exactly
    times = (np.asarray(energies) - offset) / (slope - band_slope)
    order = 1 + np.argsort(times)
    for k in range(len(order)):
        for l_ in range(k):
            assert closed[order[l_], order[k]] == 0.0
            assert exact[order[l_], order[k]] < 1e-6


@given(
    g=st.lists(st.floats(0.05, 0.6), min_size=1, max_size=4),
    slope=st.sampled_from([-1.3, 0.7, 2.0]),
    seed=st.integers(0, 1000),
)
def test_demkov_osherov_is_the_independent_crossing_result_and_doubly_stochastic(g, slope, seed):
    energies = np.sort(np.random.default_rng(seed).uniform(-10, 10, len(g))) + 0.5 * np.arange(len(g))
    model = lzsm.demkov_osherov_model(g, energies, slope)
    closed = lzsm.demkov_osherov_transition_matrix(model)
    np.testing.assert_allclose(closed, lzsm.independent_crossing(model).transition_matrix, atol=1e-14)
    np.testing.assert_allclose(closed.sum(axis=0), 1.0, atol=1e-13)
    np.testing.assert_allclose(closed.sum(axis=1), 1.0, atol=1e-13)


def test_demkov_osherov_validation():
    with pytest.raises(lzsm.LzsmValueError, match="Demkov–Osherov"):
        lzsm.demkov_osherov_transition_matrix(chain([0.2, 0.2], [1.0, 0.0, -1.0], [0, 1, 0]))
    with pytest.raises(lzsm.LzsmValueError, match="distinct"):
        lzsm.demkov_osherov_transition_matrix(lzsm.demkov_osherov_model([0.2, 0.3], [1.0, 1.0], 1.0))
    with pytest.raises(lzsm.LzsmValueError, match="equal length"):
        lzsm.demkov_osherov_model([0.2, 0.3], [1.0], 1.0)
    with pytest.raises(lzsm.LzsmValueError, match="slope"):
        lzsm.demkov_osherov_model([0.2], [1.0], 0.5, band_slope=0.5)


# --------------------------------------------------------------------------- bow-tie
@pytest.mark.parametrize(
    "couplings, slopes",
    [
        ([0.3, 0.4], [1.0, -1.5]),  # 3 levels, one on each side
        ([0.3, 0.4 + 0.2j, 0.25], [1.0, 2.0, -1.5]),  # 4 levels, two on one side
        ([0.3, 0.2, 0.35], [1.0, 2.0, 0.6]),  # 4 levels, all on one side
        # 7 levels, three on each side, complex couplings (measured deviation 3e-7)
        ([0.3, 0.25 + 0.1j, 0.4, 0.35, 0.2 - 0.15j, 0.3], [0.7, 1.6, 2.4, -0.9, -1.8, -0.5]),
    ],
)
def test_bow_tie_against_propagation(couplings, slopes):
    model = lzsm.bow_tie_model(couplings, slopes)
    closed = lzsm.bow_tie_transition_matrix(model)
    exact = lzsm.transition_matrix(model, (-T, T))
    np.testing.assert_allclose(exact, closed, atol=TOL)
    assert np.count_nonzero((closed > 0.02) & (closed < 0.98)) >= 7


def test_bow_tie_shifted_crossing_point_and_relabelled_centre():
    # same physics with the common crossing at t = 2, energy 1, and the central level last
    g, b = np.array([0.3, 0.4]), np.array([1.0, -1.5])
    base = lzsm.bow_tie_transition_matrix(lzsm.bow_tie_model(g, b))
    slopes = np.r_[b + 0.3, 0.3]
    a = np.diag(1.0 - slopes * 2.0).astype(complex)
    a[:2, 2] = g
    a[2, :2] = g
    moved = lzsm.bow_tie_transition_matrix(lzsm.LinearSweep(a, slopes))
    perm = [1, 2, 0]  # moved level k is base level perm[k]
    np.testing.assert_allclose(moved, base[np.ix_(perm, perm)], atol=1e-14)


def test_bow_tie_reduces_to_landau_zener_and_to_majorana_spin_one():
    # two levels: P_cc = p^2 with p = exp(-pi V^2/(hbar|beta|)) -> P_LZ
    two = lzsm.bow_tie_transition_matrix(lzsm.bow_tie_model([0.4], [1.3], hbar=0.8))
    assert two[0, 0] == pytest.approx(lzsm.lz_probability(0.4, 1.3, 0.8), rel=1e-13)
    # spin 1 in a swept field is a bow-tie (m = 0 is the central level): two closed forms agree
    spin1 = lzsm.spin_sweep(1, 0.35, 1.2)
    np.testing.assert_allclose(
        lzsm.bow_tie_transition_matrix(spin1), lzsm.majorana_transition_matrix(1, 0.35, 1.2), atol=1e-13
    )


def test_bow_tie_validation():
    with pytest.raises(lzsm.LzsmValueError, match="bow-tie"):
        lzsm.bow_tie_transition_matrix(chain([0.2, 0.2], [1.0, 0.0, -1.0], [0, 1, 0]))
    with pytest.raises(lzsm.LzsmValueError, match="distinct slopes"):
        lzsm.bow_tie_transition_matrix(lzsm.bow_tie_model([0.2, 0.3], [1.0, 1.0]))
    with pytest.raises(lzsm.LzsmValueError, match="slopes"):
        lzsm.bow_tie_model([0.2, 0.3], [1.0, 0.0])


# --------------------------------------------------------------------------- Majorana spin j
@given(j=st.sampled_from([0.5, 1, 1.5, 2, 3.5]), beta=st.floats(0.0, math.pi))
def test_wigner_d_is_the_rotation_matrix(j, beta):
    _, jy, _ = lzsm.models.multilevel.spin_matrices(j)
    np.testing.assert_allclose(lzsm.wigner_small_d(j, beta), expm(-1j * beta * jy), atol=1e-12)


def test_spin_matrices_algebra_and_half_spin_is_landau_zener():
    for j in (0.5, 1, 1.5, 2):
        jx, jy, jz = lzsm.models.multilevel.spin_matrices(j)
        np.testing.assert_allclose(jx @ jy - jy @ jx, 1j * jz, atol=1e-13)
        np.testing.assert_allclose(jx @ jx + jy @ jy + jz @ jz, j * (j + 1) * np.eye(int(2 * j + 1)), atol=1e-12)
    t = np.array([-1.0, 0.3, 2.0])
    np.testing.assert_allclose(
        lzsm.spin_sweep(0.5, 0.3 - 0.2j, 1.7).hamiltonian(t),
        lzsm.LandauZener(0.3 - 0.2j, 1.7).hamiltonian(t),
        atol=1e-15,
    )
    p = lzsm.majorana_transition_matrix(0.5, 0.3, 1.7, hbar=0.9)
    assert p[0, 0] == pytest.approx(lzsm.lz_probability(0.3, 1.7, 0.9), rel=1e-13)
    with pytest.raises(lzsm.LzsmValueError, match="half-integer"):
        lzsm.models.multilevel.spin_matrices(0.7)


@pytest.mark.parametrize("j", [1, 1.5])
def test_majorana_against_propagation(j):
    model = lzsm.spin_sweep(j, 0.3, 1.0)
    closed = lzsm.majorana_transition_matrix(j, 0.3, 1.0)
    np.testing.assert_allclose(lzsm.transition_matrix(model, (-T, T)), closed, atol=TOL)
    p_lz = lzsm.lz_probability(0.3, 1.0)
    assert closed[0, 0] == pytest.approx(p_lz ** (2 * j), rel=1e-12)  # Brundobler–Elser
    assert closed[-1, 0] == pytest.approx((1 - p_lz) ** (2 * j), rel=1e-12)  # full spin flip


def test_majorana_holds_at_finite_times_in_the_diabatic_picture():
    # U_j is the spin-j representation of U_1/2 at every time: the raw diabatic populations of
    # a finite window are |d^j(beta_T)|^2 with cos^2(beta_T/2) the exact finite-time P of LZ
    p_half = lzsm.finite_time_p_diabatic_stay(0.3, 1.0, t=12.0, t0=-9.0)
    beta = 2 * np.arccos(np.sqrt(p_half))
    raw = lzsm.transition_matrix(lzsm.spin_sweep(1.5, 0.3, 1.0), (-9.0, 12.0), picture="diabatic")
    np.testing.assert_allclose(raw, lzsm.wigner_small_d(1.5, beta) ** 2, atol=1e-8)


# --------------------------------------------------------------------------- independent crossings
def test_independent_crossing_accurate_for_separated_crossings():
    # chains (tree coupling graphs: one diabatic path per pair of levels) with crossings far apart
    cases = [
        chain([0.3, 0.35], [1.0, 0.0, -1.0], [0, 15, 0]),  # 3 levels
        chain([0.3, 0.35, 0.25], [1.5, 0.5, -0.5, -1.5], [0, 40, 0, 40]),
    ]  # 4 levels
    for model in cases:
        ica = lzsm.independent_crossing(model)
        exact = lzsm.transition_matrix(model, (-T, T))
        assert ica.overlap < 0.15 and not ica.interfering_paths.any()
        # measured deviations 3.3e-3 (3 levels) and 2.1e-3 (4 levels), from the indirect
        # second-order coupling at the uncoupled crossings
        np.testing.assert_allclose(exact, ica.transition_matrix, atol=0.01)
        assert np.count_nonzero((exact > 0.1) & (exact < 0.9)) >= 4


def test_independent_crossing_flags_overlapping_crossings():
    model = chain([0.3, 0.35, 0.25], [1.5, 0.5, -0.5, -1.5], [0, 0.3, 0, 0.3])
    ica = lzsm.independent_crossing(model)
    exact = lzsm.transition_matrix(model, (-T, T))
    assert ica.overlap > 1.0
    assert np.max(np.abs(exact - ica.transition_matrix)) > 0.05  # measured 0.117


def test_independent_crossing_flags_interfering_paths():
    # three levels all coupled: two diabatic paths join some pairs of levels and the exact
    # result oscillates with the enclosed area (here: the offset of level 2), the approximation not
    offsets = np.linspace(-3, 3, 6)
    a = np.zeros((6, 3, 3), complex)
    a[:, 0, 1] = a[:, 1, 0] = a[:, 1, 2] = a[:, 2, 1] = 0.3
    a[:, 0, 2] = a[:, 2, 0] = 0.25
    a[:, 1, 1] = 15.0
    a[:, 2, 2] = offsets
    grid = lzsm.LinearSweep(a, [1.0, 0.0, -1.0])
    exact = lzsm.transition_matrix(grid, (-100, 100))
    ica = lzsm.independent_crossing(grid.point((0,)))
    flagged = ica.interfering_paths
    assert flagged.any() and not flagged.all() and ica.overlap < 0.25
    swing = exact.max(axis=0) - exact.min(axis=0)
    assert np.all(swing[flagged] > 0.2)  # measured 0.34
    assert np.all(swing[~flagged] < 0.01)  # measured 0.002
    for k in range(len(offsets)):
        other = lzsm.independent_crossing(grid.point((k,))).transition_matrix
        np.testing.assert_allclose(exact[k][~flagged], other[~flagged], atol=0.01)


def test_independent_crossing_result_and_validation():
    model = chain([0.3, 0.35], [1.0, 0.0, -1.0], [0, 15, 0])
    ica = lzsm.independent_crossing(model)
    np.testing.assert_allclose(ica.crossing_times, [-15.0, 15.0])
    assert [tuple(p) for p in ica.pairs] == [(1, 2), (0, 1)]
    np.testing.assert_allclose(ica.p_diabatic_stay, np.exp(-2 * np.pi * np.array([0.35, 0.3]) ** 2))
    ds = ica.to_xarray()
    assert ds.transition_matrix.dims == ("final", "initial") and ds.sizes["crossing"] == 2
    with pytest.raises(lzsm.LzsmValueError, match="parallel and coupled"):
        lzsm.independent_crossing(lzsm.LinearSweep([[0, 0.1], [0.1, 1.0]], [1.0, 1.0]))
    with pytest.raises(lzsm.LzsmValueError, match="one parameter point"):
        lzsm.independent_crossing(lzsm.LinearSweep(np.zeros((2, 2, 2)), [1.0, -1.0]))
    with pytest.raises(lzsm.LzsmValueError, match="diagonal"):
        lzsm.independent_crossing(lzsm.LinearSweep(np.zeros((2, 2)), [[1.0, 0.1], [0.1, -1.0]]))


# --------------------------------------------------------------------------- figures
def test_multilevel_figures_return_axes_and_leave_style_alone():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    before = dict(matplotlib.rcParams)
    model = lzsm.spin_sweep(1, 0.35, 1.0)
    t = np.linspace(-8, 8, 321)  # enough saved times for the populations (6 per period of the largest gap)
    ev = lzsm.evolve(model, (-8, 8), 0, t)
    axes = lzsm.plot.crossing.plot_multilevel(model, t, evolution=ev)
    assert len(axes) == 2 and all(isinstance(a, Axes) for a in axes)
    assert len(axes[0].lines) == 6 and len(axes[1].lines) == 3  # 3 diabatic + 3 adiabatic; 3 populations
    one = lzsm.plot.crossing.plot_multilevel(model, t)
    assert isinstance(one, Axes)
    fig = Figure()
    ax = fig.subplots()
    p = lzsm.majorana_transition_matrix(1, 0.35, 1.0)
    assert lzsm.plot.crossing.plot_transition_matrix(p, ax, labels=["+1", "0", "-1"]) is ax
    np.testing.assert_allclose(ax.images[0].get_array(), p)
    assert len(ax.texts) == 9
    assert dict(matplotlib.rcParams) == before
    with pytest.raises(lzsm.LzsmValueError, match="p_transition"):
        lzsm.plot.crossing.plot_transition_matrix(np.ones(3))
    with pytest.raises(lzsm.LzsmValueError, match="labels"):
        lzsm.plot.crossing.plot_transition_matrix(p, labels=["a"])
    with pytest.raises(lzsm.LzsmValueError, match="two axes"):
        lzsm.plot.crossing.plot_multilevel(model, t, ax, evolution=ev)


def test_independent_crossings_result_export_and_repr(check_result):
    model = chain([0.3, 0.35], [1.0, 0.0, -1.0], [0, 15, 0])
    ica = lzsm.independent_crossing(model)
    check_result(
        ica,
        {
            "transition_matrix": ["final", "initial"],
            "interfering_paths": ["final", "initial"],
            "crossing_time": ["crossing"],
            "p_diabatic_stay": ["crossing"],
        },
    )


def test_transition_dataarray_of_a_transition_matrix_keeps_the_grid():
    model = lzsm.LandauZener(0.3, np.array([0.5, 1.0, 2.0]))
    da = lzsm.closed_forms.multilevel.transition_dataarray(lzsm.transition_matrix(model, (-60, 60)))
    assert da.dims == ("sweep_rate", "final", "initial") and da.name == "transition_probability"
