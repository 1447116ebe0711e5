"""Packet-averaged stationary scattering (lzsm.molecules.averaged), the transfer-matrix route of
stationary_scattering, and the wavepacket driver's hand-over to them (the hand-over on Tully's
simple crossing at its first resonance runs in docs/guide/thresholds.md, which checks its
routes, numbers and status).

References: Tully's three models, J. C. Tully, J. Chem. Phys. 93, 1061 (1990); Gauss–Kronrod
7/15 rule of QUADPACK (Piessens et al., Springer 1983); Breit–Wigner resonance form,
H. Feshbach, Ann. Phys. 19, 287 (1962)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.integrate import simpson

import lzsm
from lzsm.errors import LzsmValueError
from lzsm.molecules import averaged
from lzsm.results import Status


@given(st.lists(st.floats(-3, 3), min_size=23, max_size=23))
def test_gauss_kronrod_rule_is_exact_to_degree_22(coef):
    """K15 integrates polynomials of degree <= 22 exactly on [-1, 1], and its 7 Gauss nodes are
    the Legendre ones (a wrong node or weight fails at 1e-12)."""
    p = np.polynomial.Polynomial(coef)
    exact = p.integ()(1.0) - p.integ()(-1.0)
    assert averaged._K_WEIGHTS @ p(averaged._NODES) == pytest.approx(exact, abs=1e-11)
    gauss = np.sort(averaged._NODES[averaged._G_WEIGHTS > 0])
    assert np.allclose(gauss, np.polynomial.legendre.leggauss(7)[0], atol=1e-15)
    q = np.polynomial.Polynomial(coef[:14])  # degree 13: the 7-point Gauss rule is exact
    assert averaged._G_WEIGHTS @ q(averaged._NODES) == pytest.approx(q.integ()(1.0) - q.integ()(-1.0), abs=1e-11)


@given(
    st.floats(-0.4, 0.4),
    st.floats(-7.0, -2.0),
    st.floats(0.2, 1.0),
    st.floats(0.0, 2 * np.pi),
    st.floats(0.0, 30.0),
)
def test_pole_search_finds_a_breit_wigner_pole_of_any_width(offset, log_half, strength, phase, delay):
    """S(E) = e^{i tau E} (s_bg + c/(E - p)) on a window of width 1 around the seed (a
    background phase winding up to 30 rad over it): the pole p = E_r - i Gamma/2 comes back to
    1e-6 relative to Gamma, for half-widths from 1e-7 to 1e-2 of the window."""
    half = 10.0**log_half
    pole = complex(offset, -half)
    c = strength * half * np.exp(1j * phase)

    def amplitudes(z):
        s = np.exp(1j * delay * z) * (0.6 + c / (z - pole))
        return np.stack([s, 0.3 * s + 0.1], axis=1)

    found, used = averaged._find_pole(amplitudes, 0.0, 1.0, (-1.0, 1.0))
    assert found is not None and used == 72
    assert abs(found - pole) < 1e-6 * half


# thresholds of Tully's models: the dual crossing at ln E = -4, the extended coupling just above
# its threshold (k = 28.33); the simple crossing's resonance peaks and threshold are compared in
# the estimator audit's quick case (tests/test_estimator_audit.py, "stationary-routes")
EXACT_CASES = {
    "dual": (lzsm.TullyDual(), [float(np.sqrt(2 * 2000 * np.exp(-4.0)))]),
    "extended": (lzsm.TullyExtended(), [29.0]),
}


@pytest.mark.parametrize("name", sorted(EXACT_CASES))
def test_two_exact_routes_agree_at_thresholds_and_resonances(name):
    """The log-derivative propagator and the direct (transfer-matrix) integration agree to
    1e-4 (measured 8e-6 on the resonance peak, ~1e-8 elsewhere), and each error estimate bounds the difference."""
    model, ks = EXACT_CASES[name]
    ld = lzsm.scattering_vs_momentum(model, ks)
    tm = lzsm.scattering_vs_momentum(model, ks, method="transfer_matrix")
    for q in ("transmission", "reflection", "transmission_diabatic", "reflection_diabatic"):
        diff = np.abs(ld[q].values - tm[q].values).max(axis=1)
        assert np.all(diff < 1e-4)
        assert np.all(diff <= ld["error_estimate"].values + tm["error_estimate"].values)
    assert np.all(np.abs(1 - tm["transmission"].sum("adiabatic") - tm["reflection"].sum("adiabatic")) < 1e-7)


@pytest.fixture(scope="module")
def resonance_packet():
    """A narrow packet (sigma_k = 0.02) on the first Feshbach resonance of Tully's simple
    crossing (k = 8.168): the reflection there goes from ~0 to 1 and back."""
    return lzsm.packet_averaged_scattering(lzsm.TullySimple(), 8.17, k_width=0.02, k_resolved=[8.17])


def test_resonance_found_and_breit_wigner_width_is_right(resonance_packet):
    """The pole E_r - i Gamma/2 found: R(E_r) ~ 1 and R(E_r +- Gamma/2) ~ 1/2 (a Lorentzian
    peak; a width off by 2 gives 0.8 or 0.2 there)."""
    (pole,) = resonance_packet.resonances
    gamma = -2 * pole.imag
    assert pole.real == pytest.approx(0.0066807, abs=2e-7) and 6.5e-5 < gamma < 9e-5
    r = lzsm.stationary_scattering(lzsm.TullySimple(), energies=pole.real + gamma * np.array([-0.5, 0.0, 0.5]))
    assert r.reflection[1, 0] > 0.99
    assert np.allclose(r.reflection[[0, 2], 0], 0.5, atol=0.05)


def test_packet_average_over_a_resonance_against_a_dense_rule(resonance_packet):
    """The adaptive average equals Simpson's rule on 401 stationary points over k +- 8 sigma_k
    (18 per resonance width) to 2e-5, and its error estimate bounds the difference."""
    avg = resonance_packet
    assert avg.status == Status.OK and avg.error_estimate < 1e-4
    k0, sk = avg.k, avg.k_width
    ks = np.linspace(k0 - 8 * sk, k0 + 8 * sk, 401)
    r = lzsm.stationary_scattering(lzsm.TullySimple(), k=ks)
    w = np.exp(-((ks - k0) ** 2) / (2 * sk**2)) / (np.sqrt(2 * np.pi) * sk)
    ref_t = simpson(r.transmission * w[:, None], x=ks, axis=0)
    ref_r = simpson(r.reflection * w[:, None], x=ks, axis=0)
    diff = max(np.abs(avg.transmission - ref_t).max(), np.abs(avg.reflection - ref_r).max())
    assert diff < 2e-5 and diff <= avg.error_estimate
    assert 0.3 < avg.reflection[0] < 0.7  # the resonance is inside: not the ~0 off resonance
    assert avg.transmission.sum() + avg.reflection.sum() == pytest.approx(1.0, abs=avg.error_estimate)
    # the energy-resolved value on the resonance's flank (its sector width halved until its own
    # estimate is below tol) against the transfer-matrix route
    direct = lzsm.stationary_scattering(lzsm.TullySimple(), k=[8.17], method="transfer_matrix")
    assert np.all(avg.resolved_error < 1e-4)
    assert np.allclose(avg.transmission_resolved, direct.transmission, atol=1e-6)
    ds = avg.to_xarray()
    assert ds["transmission"].dims == ("adiabatic",) and "resonance_widths" in ds.attrs
    # the wavepacket result's table (lzsm.molecules._packet): the resolved row at k, both pictures
    assert ds["transmission_resolved_diabatic"].dims == ("k", "diabatic")
    np.testing.assert_array_equal(avg.at_momentum()["transmission"], avg.transmission_resolved[0])


def test_packet_average_equals_the_converged_wavepacket_off_resonance():
    """Off resonances (Tully simple, k = 20) the packet average and the wavepacket's absorbed
    norm per channel agree to 2e-5 (the wavepacket's accuracy there, measured ~5e-6)."""
    model = lzsm.TullySimple()
    wp = lzsm.wavepacket_scattering(model, 20.0, k_resolved=[20.0], convergence="none")
    avg = lzsm.packet_averaged_scattering(model, 20.0)
    assert wp.routes == {"packet averages": "wavepacket", "energy-resolved": "wavepacket"}
    assert np.allclose(avg.transmission, wp.transmission, atol=2e-5)
    assert np.allclose(avg.reflection_diabatic, wp.reflection_diabatic, atol=2e-5)
    assert avg.error_estimate < 1e-4 and avg.resonances.size == 0
    assert wp.convergence.summary().startswith("not checked") and wp.status == Status.NOT_CHECKED


def test_bad_input_names_the_parameter():
    model = lzsm.TullySimple()
    with pytest.raises(LzsmValueError, match=r"`k_width` must be below k/5 = 2.*got 3"):
        lzsm.packet_averaged_scattering(model, 10.0, k_width=3.0)
    with pytest.raises(LzsmValueError, match=r"`box` must contain \[.*got \(-5.0, 5.0\)"):
        lzsm.wavepacket_scattering(model, 20.0, box=(-5.0, 5.0), convergence="none")
    with pytest.raises(LzsmValueError, match="`step` applies to method='log_derivative' only"):
        lzsm.stationary_scattering(model, k=10.0, method="transfer_matrix", step=0.01)
    with pytest.raises(LzsmValueError, match="`method` must be one of"):
        lzsm.stationary_scattering(model, k=10.0, method="numerov")
    with pytest.raises(lzsm.errors.LzsmTypeError, match="`handover` must be True or False"):
        lzsm.wavepacket_scattering(model, 20.0, handover="yes")
    with pytest.raises(LzsmValueError, match="`dx`"):
        lzsm.wavepacket_scattering(model, 20.0, dx=-0.1)


def test_a_packet_trapped_near_a_threshold_is_handed_over_after_one_run():
    """Tully simple at k = 9.5, just above the upper channel's threshold (k = 8.94): the slow
    upper-channel part outlives the run's time cap, so the numbers come from the exact
    stationary route, and the convergence checks (each another run to the same cap) are
    skipped: the report says "not checked" and varied nothing."""
    model = lzsm.TullySimple()
    wp = lzsm.wavepacket_scattering(model, 9.5)
    assert wp.routes == {"packet averages": "stationary (packet-averaged)", "energy-resolved": "stationary"}
    assert wp.convergence.run_length_error >= wp.convergence.tolerance / 2  # trapped
    assert wp.convergence.varied == () and wp.convergence.refinements == 0
    assert wp.convergence.summary().startswith("not checked")
    avg = lzsm.packet_averaged_scattering(model, 9.5)
    np.testing.assert_array_equal(wp.transmission, avg.transmission)
    np.testing.assert_array_equal(wp.reflection, avg.reflection)
    # the energy-resolved numbers: the stationary route, within the wavepacket's tol (1e-4)
    exact = lzsm.stationary_scattering(model, k=wp.k_resolved)
    assert np.max(np.abs(wp.transmission_resolved - exact.transmission)) <= 1e-4
    assert np.max(np.abs(wp.reflection_resolved - exact.reflection)) <= 1e-4
