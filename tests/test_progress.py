"""Progress bars (lzsm._progress): the long front doors that gained ``progress=`` show a
tqdm bar on stderr with ``progress=True``, none with ``False``, and the numbers do not depend
on it.  ``lzsm run --progress`` hands it to an application's computations."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import lzsm
from lzsm.io.cli import main

TULLY = lzsm.TullySimple()
LZ = lzsm.LandauZener(0.5, 1.0)


def _bar(capsys: pytest.CaptureFixture[str], call, desc: str):
    """``call(progress)`` with and without a bar: the bar's text is on stderr only with True."""
    quiet = call(False)
    assert desc not in capsys.readouterr().err
    shown = call(True)
    assert desc in capsys.readouterr().err
    return quiet, shown


def test_surface_hopping_shows_a_bar_over_trajectories_and_the_same_numbers(capsys):
    quiet, shown = _bar(
        capsys, lambda p: lzsm.surface_hopping(TULLY, 20.0, n_trajectories=6, seed=3, progress=p), "surface_hopping"
    )
    np.testing.assert_array_equal(quiet.transmission, shown.transmission)
    np.testing.assert_array_equal(quiet.final_time, shown.final_time)


def test_wavepacket_scattering_shows_a_bar_over_its_propagations(capsys):
    quiet, shown = _bar(
        capsys,
        lambda p: lzsm.wavepacket_scattering(TULLY, 20.0, convergence="none", k_resolved=[20.0], progress=p),
        "wavepacket_scattering",
    )
    np.testing.assert_array_equal(quiet.transmission, shown.transmission)


def test_scattering_vs_momentum_shows_a_bar_over_k(capsys):
    def call(p):
        return lzsm.scattering_vs_momentum(TULLY, [20.0], method="wavepacket", convergence="none", progress=p)

    quiet, shown = _bar(capsys, call, "scattering_vs_momentum")
    np.testing.assert_array_equal(quiet.to_xarray()["transmission"], shown.to_xarray()["transmission"])


def test_propagate_shows_a_bar_over_steps(capsys):
    grid = lzsm.Grid.uniform((-10, 10), 64)
    psi = lzsm.gaussian_wavepacket(grid, -3.0, 5.0, 1.0, [1, 0])
    quiet, shown = _bar(capsys, lambda p: lzsm.propagate(TULLY, grid, psi, 2000.0, 5.0, 3, progress=p), "propagate")
    np.testing.assert_array_equal(quiet.psi, shown.psi)


def test_spin_boson_shows_a_bar_over_its_window_and_keeps_p_lz(capsys):
    def call(p):
        return lzsm.spin_boson(LZ, (-30, 30), mode_energies=[1.0], couplings=[0.0], n_fock=2, progress=p)

    quiet, shown = _bar(capsys, call, "spin_boson")
    assert quiet.p_diabatic_stay == shown.p_diabatic_stay
    assert quiet.ok and quiet.n_steps > 0
    # an uncoupled mode leaves the Landau-Zener value (finite window: ~ (V/(alpha t))^2)
    assert quiet.p_diabatic_stay == pytest.approx(float(lzsm.lz_probability(0.5, 1.0)), abs=1e-3)


def test_progress_must_be_true_false_or_none():
    with pytest.raises(lzsm.LzsmTypeError, match="`progress`"):
        lzsm.scattering_vs_momentum(TULLY, [20.0], progress="yes")
    with pytest.raises(lzsm.LzsmTypeError, match="`progress`"):
        lzsm.applications.run({"application": "lz_gate"}, "out", progress="yes")


GATE = """
application = "lz_gate"
[units]
energy = "GHz"
time = "ns"
[qubit]
gap = "0.5 GHz"
eps_max = "20 GHz"
[sweep]
sweep_time = { start = "5 ns", stop = "50 ns", num = 3 }
n_evolve_check = 2
[decoherence]
t2 = ["20 ns"]
"""


def test_lzsm_run_progress_reaches_the_application(tmp_path: Path):
    (tmp_path / "gate.toml").write_text(GATE, encoding="utf-8")
    runner = CliRunner()
    quiet = runner.invoke(main, ["run", str(tmp_path / "gate.toml"), "--out", str(tmp_path / "a"), "--no-progress"])
    assert quiet.exit_code == 0 and quiet.stderr == "", quiet.output
    shown = runner.invoke(main, ["run", str(tmp_path / "gate.toml"), "--out", str(tmp_path / "b"), "--progress"])
    assert shown.exit_code == 0, shown.output
    assert "%|" in shown.stderr  # tqdm's bar
    assert (tmp_path / "a" / "summary.json").read_text() != ""
