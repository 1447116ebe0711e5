"""Surfaces in f coordinates and their conical intersections (lzsm.models.surfaces, lzsm.geometry.conical).

Closed forms used as references:
* E x e Jahn–Teller (linear): E_-/+ = omega rho^2/2 -/+ k rho; one intersection at q = 0 with
  |g| = |h| = k (circular, untilted cone); non-adiabatic coupling |d| = 1/(2 rho), tangential.
  With quadratic coupling g: intersections at 0 and at distance k/g on the directions pi, +/- pi/3.
* Two-state linear vibronic coupling: the seam is the affine subspace
  {q : (E_0 - E_1) + (kappa_0 - kappa_1).q = 0, lambda.q = 0} (dimension f - 2), and the MECI
  minimises the (exactly quadratic) mean diagonal on it: a linear KKT system.  The first-order
  cone differs from the exact surfaces by exactly sum_i omega_i x_i^2 / 2.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import lzsm
from lzsm.geometry.conical import (
    CoordinateSymmetry,
    branching_space,
    classify_crossing,
    find_meci,
    project_to_seam,
    seam_dimension,
    trace_seam,
)
from lzsm.models.surfaces import JahnTellerExE, LinearVibronicCoupling, SpinHalfInField, user_surfaces


def random_lvc(seed: int, f: int, n_states: int = 2, gap: float = 0.4) -> LinearVibronicCoupling:
    rng = np.random.default_rng(seed)
    lam = rng.standard_normal((n_states, n_states, f))
    lam = 0.5 * (lam + np.swapaxes(lam, 0, 1))
    lam[np.arange(n_states), np.arange(n_states)] = 0.0
    return LinearVibronicCoupling(
        omega=rng.uniform(0.5, 2.0, f),
        vertical_energies=gap * np.arange(n_states),
        kappa=rng.standard_normal((n_states, f)),
        lam=lam,
    )


def fd_gradient(fun, q, h=1e-6):
    out = []
    for i in range(q.shape[-1]):
        e = np.zeros(q.shape[-1])
        e[i] = h
        out.append((fun(q + e) - fun(q - e)) / (2 * h))
    return np.stack(out, axis=-3 if np.ndim(fun(q)) >= 2 else -1)


def lvc_meci_closed_form(m: LinearVibronicCoupling) -> np.ndarray:
    """Minimise (E0+E1)/2 + sum omega q^2/2 + (kappa0+kappa1).q/2 on the two-state seam (KKT)."""
    f = m.n_coordinates
    a = np.stack([m.kappa[0] - m.kappa[1], m.lam[0, 1]])
    kkt = np.block([[np.diag(m.omega), a.T], [a, np.zeros((2, 2))]])
    rhs = np.concatenate([-0.5 * (m.kappa[0] + m.kappa[1]), [-(m.vertical_energies[0] - m.vertical_energies[1]), 0.0]])
    return np.linalg.solve(kkt, rhs)[:f]


# --------------------------------------------------------------------------- models
@given(st.floats(0.1, 3.0), st.floats(-0.4, 0.4), st.floats(-3, 3), st.floats(-3, 3))
def test_jahn_teller_gradient_matches_finite_differences(k, g, x, y):
    m = JahnTellerExE(k=k, g=g)
    q = np.array([x, y])
    np.testing.assert_allclose(m.gradient(q), fd_gradient(m.potential, q), atol=1e-7)


@given(st.integers(0, 10_000), st.integers(2, 5), st.integers(2, 4))
def test_lvc_gradient_and_hellmann_feynman(seed, f, n):
    m = random_lvc(seed, f, n)
    q = np.random.default_rng(seed + 1).standard_normal(f)
    np.testing.assert_allclose(m.gradient(q), fd_gradient(m.potential, q), atol=1e-7)
    # Hellmann-Feynman gradients against finite differences of the adiabatic energies
    fd = np.stack([(m.energies(q + 1e-6 * e) - m.energies(q - 1e-6 * e)) / 2e-6 for e in np.eye(f)], axis=-1)
    np.testing.assert_allclose(m.energy_gradients(q), fd, atol=1e-6)


@given(st.floats(0.2, 3.0), st.floats(0.3, 2.0), st.floats(0.2, 4.0), st.floats(0, 2 * np.pi))
def test_jahn_teller_surfaces_and_coupling_closed_form(k, omega, rho, phi):
    m = JahnTellerExE(k=k, omega=omega)
    q = rho * np.array([np.cos(phi), np.sin(phi)])
    np.testing.assert_allclose(
        m.energies(q), [omega * rho**2 / 2 - k * rho, omega * rho**2 / 2 + k * rho], atol=1e-12 * (1 + k * rho + rho**2)
    )
    d = m.derivative_couplings(q)[:, 0, 1]
    assert np.linalg.norm(d) == pytest.approx(1 / (2 * rho), rel=1e-10)
    assert abs(d @ q) < 1e-10  # tangential (along phi-hat)


def test_user_surfaces_finite_difference_gradient_and_complex_flag():
    jt = JahnTellerExE(k=1.3, g=0.2)
    user = user_surfaces(jt.potential, 2)
    q = np.array([[0.4, -0.9], [1.1, 0.3]])
    np.testing.assert_allclose(user.gradient(q), jt.gradient(q), atol=1e-8)
    np.testing.assert_allclose(user.energies(q), jt.energies(q), atol=1e-14)
    assert user.is_real and not user_surfaces(SpinHalfInField().potential, 3).is_real


# --------------------------------------------------------------------------- intersections
@pytest.mark.parametrize("g", [0.0, 0.3, -0.25])
def test_jahn_teller_intersections_found_where_known(g):
    m = JahnTellerExE(k=1.2, g=g)
    for known in m.intersections():
        res = find_meci(m, known + np.array([0.12, -0.08]))
        assert res.converged, res.message
        np.testing.assert_allclose(res.q, known, atol=1e-9)
        assert abs(res.gap) < 1e-10
    assert len(m.intersections()) == (1 if g == 0 else 4)


def test_jahn_teller_branching_space_closed_form():
    k = 1.7
    b = branching_space(JahnTellerExE(k=k), [0.0, 0.0])
    assert np.linalg.norm(b.g) == pytest.approx(k, rel=1e-12)
    assert np.linalg.norm(b.h) == pytest.approx(k, rel=1e-12)
    assert abs(b.g @ b.h) < 1e-12
    assert b.asymmetry == pytest.approx(0.0, abs=1e-12)
    assert b.relative_tilt == pytest.approx(0.0, abs=1e-12)
    assert b.pitch == pytest.approx(k, rel=1e-12)
    assert b.peaked_sloped < 1 and b.topography.startswith("peaked")
    assert b.rank == 2


@pytest.mark.parametrize("f", [3, 4, 6])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lvc_meci_matches_closed_form(f, seed):
    m = random_lvc(seed, f)
    res = find_meci(m, np.zeros(f))
    assert res.converged, res.message
    q_exact = lvc_meci_closed_form(m)
    np.testing.assert_allclose(res.q, q_exact, atol=1e-9)
    e = m.energies(q_exact)
    assert res.energy == pytest.approx(e[0], abs=1e-9)
    assert abs(res.gap) < 1e-10


def test_three_state_meci_of_upper_pair():
    m = random_lvc(7, 4, n_states=3, gap=0.3)
    res = find_meci(m, np.zeros(4), states=(1, 2))
    assert res.converged, res.message
    e = m.energies(res.q)
    assert e[2] - e[1] < 1e-10 and e[1] - e[0] > 1e-3
    # stationary on the seam: a random seam point nearby has no lower mean energy (to 2nd order)
    pts, _, ok = project_to_seam(m, res.q + 1e-3 * np.random.default_rng(0).standard_normal((20, 4)), (1, 2))
    assert ok.all()
    assert np.all(m.energies(pts)[:, 1] >= res.energy - 1e-10)


@pytest.mark.parametrize("f", [3, 4, 5, 6])
def test_seam_dimension_is_f_minus_2(f):
    m = random_lvc(f, f)
    q = find_meci(m, np.zeros(f)).q
    dim = seam_dimension(m, q)
    assert dim.tangent == f - 2
    assert dim.sampled == f - 2
    assert dim.singular_values[f - 2] < 1e-6  # the remaining directions are flat to rounding


def test_seam_dimension_zero_for_jahn_teller():
    dim = seam_dimension(JahnTellerExE(k=1.0, g=0.2), [0.0, 0.0])
    assert dim.tangent == 0 and dim.sampled == 0


@given(st.integers(0, 1000), st.integers(3, 6))
def test_projected_points_lie_on_the_analytic_seam(seed, f):
    m = random_lvc(seed, f)
    seeds = np.random.default_rng(seed).standard_normal((6, f))
    pts, gaps, ok = project_to_seam(m, seeds)
    assert ok.all()
    tune = (m.vertical_energies[0] - m.vertical_energies[1]) + pts @ (m.kappa[0] - m.kappa[1])
    np.testing.assert_allclose(tune, 0.0, atol=1e-9)
    np.testing.assert_allclose(pts @ m.lam[0, 1], 0.0, atol=1e-9)
    assert np.all(np.abs(gaps) < 1e-10)


def test_trace_seam_follows_the_analytic_line():
    m = random_lvc(3, 3)
    pts = trace_seam(m, np.zeros(3), step=0.1, n_steps=30)
    assert len(pts) == 31
    direction = np.cross(m.kappa[0] - m.kappa[1], m.lam[0, 1])
    direction /= np.linalg.norm(direction)
    rel = pts - pts[0]
    off = rel - np.outer(rel @ direction, direction)
    assert np.abs(off).max() < 1e-9
    np.testing.assert_allclose(np.abs(np.diff(rel @ direction)), 0.1, rtol=1e-6)


@given(st.integers(0, 10_000), st.integers(3, 5))
def test_cone_is_exact_up_to_the_harmonic_term(seed, f):
    m = random_lvc(seed, f)
    b = find_meci(m, np.zeros(f)).branching
    assert abs(b.g @ b.h) < 1e-10 * np.linalg.norm(b.g) ** 2 and np.linalg.norm(b.g) >= np.linalg.norm(b.h)
    x, y = np.random.default_rng(seed).uniform(-0.3, 0.3, 2)
    disp = x * b.x_hat + y * b.y_hat
    lower, upper = b.cone(x, y)
    exact = m.energies(b.q + disp)
    harm = 0.5 * np.sum(m.omega * disp**2)
    np.testing.assert_allclose(exact - np.array([lower, upper]), harm, atol=1e-10)


@given(st.integers(0, 10_000))
def test_peaked_sloped_indicator_against_direct_sampling(seed):
    rng = np.random.default_rng(seed)
    f = 3
    m = random_lvc(seed, f)
    # add a random tilt along the seam-normal directions through the common gradient
    m = LinearVibronicCoupling(m.omega, m.vertical_energies, m.kappa + rng.normal(0, 2.0, f), m.lam)
    b = find_meci(m, np.zeros(f)).branching
    if abs(b.peaked_sloped - 1) < 0.05:
        return
    theta = np.linspace(0, 2 * np.pi, 2000, endpoint=False)
    eps = 1e-5
    q = b.q + eps * (np.cos(theta)[:, None] * b.x_hat + np.sin(theta)[:, None] * b.y_hat)
    upper_goes_down = np.any(m.energies(q)[:, 1] < b.energy)
    assert upper_goes_down == (b.peaked_sloped > 1)


def test_branching_parameters_are_independent_of_the_diabatic_basis():
    m = random_lvc(11, 4)
    rot = np.array([[np.cos(0.7), -np.sin(0.7)], [np.sin(0.7), np.cos(0.7)]])
    rotated = user_surfaces(lambda q: rot @ m.potential(q) @ rot.T, 4, lambda q: rot @ m.gradient(q) @ rot.T)
    b1 = find_meci(m, np.zeros(4)).branching
    b2 = find_meci(rotated, np.zeros(4)).branching
    for name in ("pitch", "asymmetry", "relative_tilt", "peaked_sloped"):
        assert getattr(b1, name) == pytest.approx(getattr(b2, name), abs=1e-9)
    assert abs(abs(b1.tilt_heading) - abs(b2.tilt_heading)) < 1e-9 or abs(b1.relative_tilt) < 1e-9


# --------------------------------------------------------------------------- symmetry
def _cs_model(c: float):
    """Two states A' (even) and A'' (odd) under q2 -> -q2 (c = 0), or two A' states coupled by c."""

    def pot(q):
        x, y = q[..., 0], q[..., 1]
        h0 = 0.5 * (x**2 + y**2)
        v = np.empty(q.shape[:-1] + (2, 2))
        v[..., 0, 0] = h0 + 0.8 * x + 0.1
        v[..., 1, 1] = h0 - 0.6 * x
        v[..., 0, 1] = v[..., 1, 0] = 0.5 * y if c == 0 else c + 0.3 * y**2
        return v

    return user_surfaces(pot, 2)


def test_classify_symmetry_allowed_conical_intersection():
    sym = CoordinateSymmetry(np.diag([1.0, -1.0]), np.diag([1.0, -1.0]), "Cs")
    res = classify_crossing(_cs_model(0.0), [0.3, 0.2], symmetry=sym)
    assert res.kind == "conical intersection"
    assert res.labels == (-1.0, 1.0)
    np.testing.assert_allclose(res.q, [-0.1 / 1.4, 0.0], atol=1e-7)
    assert res.minimum_gap < 1e-9 and res.branching_rank == 2
    # without symmetry information the degeneracy is found too
    assert classify_crossing(_cs_model(0.0), [0.3, 0.2]).kind == "conical intersection"


def test_classify_same_symmetry_avoided_crossing_gap_is_2c():
    c = 0.05
    sym = CoordinateSymmetry(np.diag([1.0, -1.0]), np.eye(2), "Cs")
    res = classify_crossing(_cs_model(c), [0.3, 0.0], symmetry=sym)
    assert res.kind == "avoided crossing"
    assert res.labels == (1.0, 1.0)
    assert res.minimum_gap == pytest.approx(2 * c, abs=1e-8)
    assert classify_crossing(_cs_model(c), [0.3, 0.1]).kind == "avoided crossing"


def test_symmetry_that_the_model_lacks_is_an_error():
    sym = CoordinateSymmetry(np.diag([1.0, -1.0]), np.diag([1.0, -1.0]), "Cs")
    with pytest.raises(lzsm.LzsmValueError, match="not invariant"):
        classify_crossing(_cs_model(0.05), [0.3, 0.0], symmetry=sym)


# --------------------------------------------------------------------------- bad input
def test_bad_input_errors():
    jt = JahnTellerExE(k=1.0)
    with pytest.raises(lzsm.LzsmValueError, match=r"shape \(\.\.\., 2\)"):
        jt.energies(np.zeros(3))
    with pytest.raises(lzsm.LzsmValueError, match="Hermitian"):
        user_surfaces(lambda q: np.broadcast_to(np.array([[0.0, 1.0], [2.0, 0.0]]), q.shape[:-1] + (2, 2)), 2)
    with pytest.raises(lzsm.LzsmValueError, match="states"):
        find_meci(jt, [0.1, 0.1], states=(1, 1))
    with pytest.raises(lzsm.LzsmValueError, match="real"):
        find_meci(SpinHalfInField(), [0.1, 0.1, 0.1])
    with pytest.raises(lzsm.LzsmValueError, match="symmetric"):
        LinearVibronicCoupling([1.0, 1.0], [0.0, 1.0, 2.0], np.zeros((3, 2)), np.arange(18.0).reshape(3, 3, 2))
    with pytest.raises(lzsm.LzsmValueError, match="omega"):
        JahnTellerExE(k=1.0, omega=0.0)
    with pytest.raises(lzsm.LzsmValueError, match="kappa"):
        LinearVibronicCoupling([1.0, 1.0], [0.0, 1.0], np.zeros((2, 3)), np.zeros(2))
    with pytest.raises(lzsm.LzsmValueError, match="finite"):
        jt.energies([np.nan, 0.0])


def test_avoided_crossing_meci_reports_not_converged():
    with pytest.warns(lzsm.LzsmConvergenceWarning, match="find_meci"):
        res = find_meci(_cs_model(0.05), [0.3, 0.1], max_iterations=30)
    assert not res.converged and res.gap > 0.09


def test_figures_return_axes():
    from lzsm.plot.geometry import plot_double_cone, plot_surface_contours

    jt = JahnTellerExE(k=1.0, g=0.15)
    x = np.linspace(-3, 3, 25)
    ax = plot_double_cone(jt, x, x)
    assert ax.name == "3d"
    ax2 = plot_surface_contours(jt, x, x, intersections=jt.intersections())
    assert ax2.get_xlabel() == "q1"
    m = random_lvc(3, 3)
    seam = trace_seam(m, np.zeros(3), n_steps=5)
    assert plot_surface_contours(m, x, x, quantity="gap", origin=[0, 0, 0.1], seam=seam) is not None


# --------------------------------------------------------------------------- results and renames
def test_geometry_results_export_and_repr(check_result):
    m = random_lvc(3, 3)
    ci = find_meci(m, np.zeros(3))
    assert ci.status == lzsm.Status.OK and ci.ok and ci.message == "converged"
    check_result(ci, {"q": ["coordinate"], "energy": [], "gap": [], "iterations": []})
    check_result(ci.branching, {"g": ["coordinate"], "h": ["coordinate"], "pitch": [], "peaked_sloped": []})
    assert set(ci.branching.to_dict()) == {
        "q",
        "states",
        "energy",
        "gap",
        "g",
        "h",
        "s",
        "x_hat",
        "y_hat",
        "s_x",
        "s_y",
        "pitch",
        "asymmetry",
        "relative_tilt",
        "tilt_heading",
        "peaked_sloped",
        "n_descent_paths",
    }
    check_result(seam_dimension(m, ci.q), {"q": ["coordinate"], "tangent": [], "singular_values": ["direction"]})
    seam = trace_seam(m, ci.q, n_steps=4)
    assert seam.n_steps == 4 and seam.shape == (5, 3) and seam.ok
    check_result(seam, {"points": ["seam_point", "coordinate"], "gap": ["seam_point"]})
    sym = CoordinateSymmetry(np.diag([1.0, -1.0]), np.diag([1.0, -1.0]), "Cs")
    cls = classify_crossing(_cs_model(0.0), [0.3, 0.2], symmetry=sym)
    assert repr(cls).startswith("CrossingClassification(conical intersection")
    ds = check_result(cls, {"q": ["coordinate"], "minimum_gap": [], "symmetry_label": ["state"]})
    assert ds.attrs["classification"] == "conical intersection"


def test_unconverged_meci_status_and_quiet_classification():
    with pytest.warns(lzsm.LzsmConvergenceWarning):
        res = find_meci(_cs_model(0.05), [0.3, 0.1], max_iterations=30)
    assert res.status == lzsm.Status.NOT_CONVERGED and not res.ok
    assert res.message == "maximum number of iterations reached"
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", lzsm.LzsmConvergenceWarning)
        assert classify_crossing(_cs_model(0.05), [0.3, 0.1]).kind == "avoided crossing"
    with pytest.raises(lzsm.LzsmValueError, match="max_iterations"):
        find_meci(JahnTellerExE(k=1.0), [0.1, 0.1], max_iterations=0)


def test_n_levels_and_deprecated_n_states():
    jt = JahnTellerExE(k=1.0)
    assert jt.n_levels == 2 and random_lvc(0, 3, n_states=3).n_levels == 3
    assert SpinHalfInField().n_levels == 2 and user_surfaces(jt.potential, 2).n_levels == 2
    with pytest.warns(DeprecationWarning, match="n_levels"):
        assert jt.n_states == 2
    # an lzsm 0.1 subclass that defines n_states still works, with a warning at its definition
    with pytest.warns(DeprecationWarning, match="define `n_levels`"):

        class Old(lzsm.SurfaceModel):
            n_coordinates = 2
            n_states = 2

            def potential(self, q):
                return jt.potential(q)

            def gradient(self, q):
                return jt.gradient(q)

    old = Old()
    assert old.n_levels == 2
    np.testing.assert_allclose(old.energies([0.5, 0.0]), jt.energies([0.5, 0.0]))
