"""Berry phases, curvature, flux and maps (lzsm.berry).

References:
* real Hamiltonians: the phase of a loop is pi when it encloses an odd number of conical
  intersections and 0 otherwise (Longuet-Higgins 1975; Mead & Truhlar 1979) — E x e
  Jahn–Teller with quadratic coupling has four, at 0 and at distance k/g (lzsm.models.surfaces, lzsm.geometry.conical);
* a spin 1/2 in a field b, V = b.sigma/2: the state along b has gamma = -Omega/2, the state
  against b +Omega/2, Omega the solid angle of the loop at b = 0 (Berry 1984); its curvature is
  the monopole F_xy = -b_z / (2|b|^3) (state along b); the flux through a closed surface around
  b = 0 is -/+ 2 pi (Chern number -/+1).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import lzsm
from lzsm.geometry.berry import (
    berry_curvature,
    berry_flux,
    berry_phase,
    berry_phase_map,
    circle_loop,
    enclosed_count,
    loop_from_vectors,
    pancharatnam_phase,
    phase_difference,
)
from lzsm.models.surfaces import JahnTellerExE, LinearVibronicCoupling, SpinHalfInField, user_surfaces

TOL = 1e-8


def star_loop(centre, radius, coeffs, phases):
    """A smooth star-shaped loop r(phi) = R (1 + sum_n a_n cos(n phi + b_n)), |sum a_n| < 1."""
    centre = np.asarray(centre, dtype=float)

    def loop(s):
        phi = 2 * np.pi * np.asarray(s)
        r = radius * (1 + sum(a * np.cos((n + 2) * phi + b) for n, (a, b) in enumerate(zip(coeffs, phases))))
        return centre + np.stack([r * np.cos(phi), r * np.sin(phi)], axis=-1)

    return loop


shapes = st.tuples(
    st.lists(st.floats(-0.12, 0.12), min_size=3, max_size=3), st.lists(st.floats(0, 2 * np.pi), min_size=3, max_size=3)
)


def random_gauge_phase(model, loop, n, state, seed):
    """Phase from the states along the loop multiplied by random phases (gauge randomised)."""
    pts = loop(np.linspace(0, 1, n + 1))[:-1]
    _, u = model.eigensystem(pts)
    chi = np.random.default_rng(seed).uniform(0, 2 * np.pi, n)
    return pancharatnam_phase(u[:, :, state] * np.exp(1j * chi)[:, None])


# --------------------------------------------------------------------------- the discrete phase
@given(st.integers(0, 10_000), st.integers(3, 12), st.integers(2, 4))
def test_pancharatnam_phase_is_gauge_invariant(seed, n, dim):
    rng = np.random.default_rng(seed)
    v = rng.standard_normal((n, dim)) + 1j * rng.standard_normal((n, dim))
    chi = rng.uniform(0, 2 * np.pi, n)
    assert phase_difference(pancharatnam_phase(v), pancharatnam_phase(v * np.exp(1j * chi)[:, None])) < 1e-12


# --------------------------------------------------------------------------- real: pi or 0
@given(
    shapes, st.floats(0.3, 2.5), st.floats(-0.2, 0.2), st.floats(-0.2, 0.2), st.integers(0, 1), st.integers(0, 10_000)
)
def test_jahn_teller_loop_around_intersection_gives_pi(shape, radius, cx, cy, state, seed):
    model = JahnTellerExE(k=1.3)
    loop = star_loop([cx * radius, cy * radius], radius, *shape)
    res = berry_phase(model, loop, state=state)
    assert res.converged
    assert phase_difference(res.phase, np.pi) < TOL
    assert phase_difference(random_gauge_phase(model, loop, 400, state, seed), np.pi) < TOL


@given(shapes, st.floats(0.2, 1.0), st.floats(0, 2 * np.pi), st.integers(0, 1), st.integers(0, 10_000))
def test_jahn_teller_loop_not_enclosing_gives_zero(shape, radius, direction, state, seed):
    model = JahnTellerExE(k=1.3)
    centre = 1.6 * radius * np.array([np.cos(direction), np.sin(direction)])
    loop = star_loop(centre, radius, *shape)
    res = berry_phase(model, loop, state=state)
    assert phase_difference(res.phase, 0.0) < TOL
    assert phase_difference(random_gauge_phase(model, loop, 400, state, seed), 0.0) < TOL


@pytest.mark.parametrize(
    ("centre", "radius", "n_enclosed"),
    [
        ((0.0, 0.0), 0.8, 1),
        ((-3.0, 0.0), 0.8, 1),
        ((1.5, 2.6), 0.5, 1),
        ((-1.6, 0.0), 2.0, 2),  # origin and (-k/g, 0)
        ((0.6, 1.2), 2.3, 2),  # origin and the upper outer one
        ((1.0, 0.0), 3.2, 3),  # origin and the two at (k/2g, +/- sqrt(3) k/2g)
        ((0.0, 0.0), 4.5, 4),
        ((6.0, 6.0), 1.0, 0),
    ],
)
def test_quadratic_jahn_teller_phase_counts_intersections_mod_2(centre, radius, n_enclosed):
    model = JahnTellerExE(k=1.0, g=0.3)
    count = int(enclosed_count(model.intersections(), np.array(centre), radius))
    assert count == n_enclosed
    for state in (0, 1):
        res = berry_phase(model, circle_loop(centre, radius), state=state)
        assert phase_difference(res.phase, np.pi * (count % 2)) < TOL


def test_three_state_model_phases_by_state():
    # states 1 and 2 intersect conically; state 0 is far below: loop around the (1,2) MECI
    rng = np.random.default_rng(4)
    lam = np.zeros((3, 3, 2))
    lam[1, 2] = lam[2, 1] = [0.0, 0.8]
    lam[0, 1] = lam[1, 0] = [0.1, 0.05]
    model = LinearVibronicCoupling(
        [1.0, 1.2], [-3.0, 0.0, 0.2], rng.normal(0, 0.3, (3, 2)) + [[0, 0], [1, 0], [-1, 0]], lam
    )
    q = lzsm.find_meci(model, [0.0, 0.0], states=(1, 2)).q
    loop = circle_loop(q, 0.3)
    assert phase_difference(berry_phase(model, loop, state=0).phase, 0.0) < TOL
    assert phase_difference(berry_phase(model, loop, state=1).phase, np.pi) < TOL
    assert phase_difference(berry_phase(model, loop, state=2).phase, np.pi) < TOL


def test_berry_phase_of_point_array_and_history():
    model = JahnTellerExE(k=1.0)
    s = np.linspace(0, 2 * np.pi, 65)
    pts = np.stack([np.cos(s), np.sin(s)], -1)
    pts[-1] = pts[0]
    res = berry_phase(model, pts)
    assert res.n_points == 64 and res.converged and res.phase == pytest.approx(np.pi, abs=1e-15)
    assert [h[0] for h in res.history] == [32, 64]
    assert res.to_xarray()["berry_phase"].sizes["n_points"] == 2


def test_berry_phase_map_against_counting():
    model = JahnTellerExE(k=1.0, g=0.3)
    x = np.linspace(-5.0, 4.0, 19)
    y = np.linspace(-4.0, 4.0, 17)
    radii = [0.7, 2.5]
    m = berry_phase_map(model, x, y, radii, n_points=512)
    cx, cy = np.meshgrid(x, y)
    for ir, r in enumerate(radii):
        count = enclosed_count(model.intersections(), np.stack([cx, cy], -1), r)
        ok = ~np.isnan(m.phase[ir])
        # unresolved loops are only those passing close to an intersection
        dist = np.min(
            np.abs(np.linalg.norm(np.stack([cx, cy], -1)[..., None, :] - model.intersections(), axis=-1) - r), axis=-1
        )
        assert np.all(dist[~ok] < 0.05)
        assert ok.mean() > 0.9
        np.testing.assert_array_less(phase_difference(m.phase[ir][ok], np.pi * (count[ok] % 2)), TOL)
    assert m.n_unresolved == int(np.isnan(m.phase).sum())


# --------------------------------------------------------------------------- complex: solid angle
@given(st.floats(0.1, 3.0), st.floats(0, 2 * np.pi), st.floats(0.05, np.pi - 0.05), st.floats(0.5, 3.0))
def test_spin_half_phase_is_half_the_solid_angle(theta, axis_phi, axis_theta, field):
    """Circle of polar angle theta about a random axis n: solid angle 2 pi (1 - cos theta)."""
    n = np.array([np.sin(axis_theta) * np.cos(axis_phi), np.sin(axis_theta) * np.sin(axis_phi), np.cos(axis_theta)])
    u = np.cross(n, [0.0, 0.0, 1.0]) if abs(n[2]) < 0.9 else np.cross(n, [1.0, 0.0, 0.0])
    u /= np.linalg.norm(u)
    v = np.cross(n, u)  # (u, v, n) right-handed: the loop runs anticlockwise about n
    loop = loop_from_vectors(field * np.cos(theta) * n, field * np.sin(theta) * u, field * np.sin(theta) * v)
    omega = 2 * np.pi * (1 - np.cos(theta))
    model = SpinHalfInField()
    up = berry_phase(model, loop, state=1)
    down = berry_phase(model, loop, state=0)
    assert up.converged and down.converged
    assert phase_difference(up.phase, -omega / 2) < TOL
    assert phase_difference(down.phase, omega / 2) < TOL
    assert up.n_points > 64  # a complex phase needs refinement: the convergence check ran


def test_spin_curvature_is_a_monopole_and_agrees_with_loop_phases():
    model = SpinHalfInField()
    b = np.random.default_rng(0).standard_normal((50, 3))
    r = np.linalg.norm(b, axis=-1)
    np.testing.assert_allclose(berry_curvature(model, b, state=1, plane=(0, 1)), -b[:, 2] / (2 * r**3), rtol=1e-10)
    np.testing.assert_allclose(berry_curvature(model, b, state=0, plane=(1, 2)), b[:, 0] / (2 * r**3), rtol=1e-10)
    # Stokes: the flux of the curvature through the disc z = z0, |(x,y)| < a equals the loop phase
    z0, a = 0.7, 1.1
    rad = np.linspace(0, a, 801)
    f_r = np.array([berry_curvature(model, np.array([[x, 0.0, z0]]), state=1)[0] for x in rad])
    flux = np.trapezoid(2 * np.pi * rad * f_r, rad)
    phase = berry_phase(model, circle_loop([0, 0, z0], a), state=1).phase
    assert phase_difference(flux, phase) < 1e-5  # trapezoid rule on 801 radii


def test_flux_through_closed_surface_is_a_chern_number_and_cap_equals_loop():
    model = SpinHalfInField()
    th = np.linspace(0, np.pi, 41)
    ph = np.linspace(0, 2 * np.pi, 61)
    t, p = np.meshgrid(th, ph, indexing="ij")
    sphere = 1.7 * np.stack([np.sin(t) * np.cos(p), np.sin(t) * np.sin(p), np.cos(t)], -1)
    assert berry_flux(model, sphere, state=1).chern_number == pytest.approx(-1.0, abs=1e-12)
    assert berry_flux(model, sphere, state=0).chern_number == pytest.approx(1.0, abs=1e-12)
    # the cap theta <= theta_12: its plaquette phases add up to the phase of its boundary polygon
    # (interior links cancel), traversed with increasing phi
    cap = berry_flux(model, sphere[:13], state=1)
    with pytest.warns(lzsm.LzsmConvergenceWarning):  # 60 given points: the phase is the polygon's, not the circle's
        edge = berry_phase(model, sphere[12], state=1)
    assert phase_difference(cap.total, edge.phase) < 1e-12
    # ... and approach -Omega/2 of the smooth circle as the grid is refined (60 sides: ~1e-3)
    omega = 2 * np.pi * (1 - np.cos(th[12]))
    assert phase_difference(cap.total, -omega / 2) < 2e-3
    # the real model's curvature vanishes away from its intersection
    assert np.abs(berry_curvature(JahnTellerExE(k=1.0), np.array([[0.5, 0.3], [-1.0, 2.0]]))).max() < 1e-14


# --------------------------------------------------------------------------- bad input
def test_bad_loops_and_models():
    model = JahnTellerExE(k=1.0)
    open_pts = np.stack([np.cos(np.linspace(0, 6.0, 50)), np.sin(np.linspace(0, 6.0, 50))], -1)
    with pytest.raises(lzsm.LzsmValueError, match="not closed"):
        berry_phase(model, open_pts)
    with pytest.raises(lzsm.LzsmValueError, match="not closed"):
        berry_phase(model, lambda s: np.stack([np.cos(5 * s), np.sin(5 * s)], -1))
    through = circle_loop([1.0, 0.0], 1.0)  # passes through the intersection at the origin
    with pytest.raises(lzsm.LzsmValueError, match="degeneracy"):
        berry_phase(model, through)
    s = np.linspace(0, 2 * np.pi, 101)
    pts = np.stack([1 + np.cos(s), np.sin(s)], -1)
    pts[-1] = pts[0]
    with pytest.raises(lzsm.LzsmValueError, match="degeneracy"):
        berry_phase(model, pts)
    # Hermitian at q = 0 (where user_surfaces probes it) but not elsewhere
    bad = user_surfaces(
        lambda q: np.stack([np.stack([q[..., 0], q[..., 1]], -1), np.stack([2 * q[..., 1], -q[..., 0]], -1)], -2), 2
    )
    with pytest.raises(lzsm.LzsmValueError, match="Hermitian"):
        berry_phase(bad, circle_loop([0.0, 0.0], 1.0))
    with pytest.raises(lzsm.LzsmValueError, match="state"):
        berry_phase(model, circle_loop([0.0, 0.0], 1.0), state=2)
    with pytest.raises(lzsm.LzsmValueError, match="shape"):
        berry_phase(model, lambda s: np.zeros((np.size(s), 3)))


def test_loop_too_close_to_or_through_intersection_between_samples():
    model = JahnTellerExE(k=1.0)

    def near(s):  # passes 1e-7 from the intersection, never sampled closer than ~1e-3
        a = 2 * np.pi * np.asarray(s) + 0.001
        return np.stack([1.0 + 1e-7 + np.cos(a), np.sin(a)], -1)

    with pytest.raises(lzsm.LzsmValueError, match="too close"):
        berry_phase(model, near, max_points=256)

    def through(s):  # through the intersection, which no power-of-two sampling hits
        a = 2 * np.pi * np.asarray(s) + 0.0017
        return np.stack([np.cos(0.001) + np.cos(a), np.sin(0.001) + np.sin(a)], -1)

    with pytest.raises(lzsm.LzsmValueError, match="too close.*may pass through an intersection"):
        berry_phase(model, through)


def test_unconverged_complex_loop_warns():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = berry_phase(SpinHalfInField(), circle_loop([0, 0, 0.5], 1.0), state=1, tol=1e-14, max_points=128)
    assert not res.converged and any("not converged" in str(w.message) for w in caught)


def test_phase_map_figure_returns_axes():
    from lzsm.plot.geometry import plot_berry_phase_map

    model = JahnTellerExE(k=1.0, g=0.3)
    m = berry_phase_map(model, np.linspace(-4, 3, 8), np.linspace(-3, 3, 7), [1.0], n_points=128)
    ax = plot_berry_phase_map(m, intersections=model.intersections())
    assert ax.get_title() == "loops of radius 1"


# --------------------------------------------------------------------------- results and renames
def test_berry_results_export_and_repr(check_result):
    model = JahnTellerExE(k=1.0, g=0.3)
    res = berry_phase(model, circle_loop((0.0, 0.0), 1.0))
    assert res.status == lzsm.Status.OK and res.error_estimate < res.tol
    ds = check_result(res, {"phase": [], "berry_phase": ["n_points"], "error_estimate": []})
    assert float(ds["phase"]) == res.phase
    with pytest.warns(DeprecationWarning, match="error_estimate"):
        assert res.change == res.error_estimate
    spin = SpinHalfInField()
    th, ph = np.meshgrid(np.linspace(0, np.pi, 9), np.linspace(0, 2 * np.pi, 13), indexing="ij")
    sphere = np.stack([np.sin(th) * np.cos(ph), np.sin(th) * np.sin(ph), np.cos(th)], -1)
    check_result(
        berry_flux(spin, sphere, state=1),
        {"total": [], "chern_number": [], "plaquette_phase": ["plaquette_u", "plaquette_v"]},
    )
    m = berry_phase_map(model, np.linspace(-4, 3, 8), np.linspace(-3, 3, 7), [1.0, 2.0], n_points=128)
    assert m.shape == (2, 7, 8) and m.dims == ("radius", "y", "x")
    assert np.array_equal(np.isnan(m.phase), m.status == lzsm.Status.FAILED)
    ds = check_result(m, {"berry_phase": ["radius", "y", "x"], "status": ["radius", "y", "x"]})
    assert ds.attrs["n_unresolved"] == m.n_unresolved and ds["x"].attrs["long_name"] == "centre q1"
    # the lzsm 0.1 DataArray interface keeps working, deprecated
    with pytest.warns(DeprecationWarning, match="to_xarray"):
        assert m.attrs["n_unresolved"] == m.n_unresolved
    with pytest.warns(DeprecationWarning):
        np.testing.assert_array_equal(m.sel(radius=2.0).values, m.phase[1])
    assert berry_phase_map(spin, [0.0], [0.0], [1.0], origin=[0.0, 0.0, 0.5]).status[0, 0, 0] == lzsm.Status.NOT_CHECKED


def test_point_loop_status():
    s = np.linspace(0, 2 * np.pi, 8)  # 7 segments: nothing to compare with
    pts = np.stack([np.cos(s), np.sin(s)], -1)
    pts[-1] = pts[0]
    res = berry_phase(JahnTellerExE(k=1.0), pts)
    assert res.status == lzsm.Status.NOT_CHECKED and res.error_estimate == np.inf and not res.converged
