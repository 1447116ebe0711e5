"""The public face: every lzsm 0.1 name still works, subpackages load lazily, the layout map in
CONTRIBUTING.md is the tree, and nothing in the repository refers to files outside it."""

from __future__ import annotations

import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import lzsm
from lzsm import _compat

ROOT = Path(__file__).resolve().parents[1]

#: ``lzsm.__all__`` of lzsm 0.1.0 (150 names).
OLD_ALL = [
    "LandauZener",
    "TwoLevel",
    "LinearSweep",
    "NLevel",
    "Model",
    "PeriodicDrive",
    "DoublePassage",
    "floquet",
    "Floquet",
    "track_quasienergies",
    "interferometry",
    "plot_interferometry",
    "double_passage_probability",
    "fast_driving_upper_population",
    "incoherent_passages_probability",
    "multiphoton_resonances",
    "sweep",
    "completed_blocks",
    "SweepBlockError",
    "evolve",
    "Evolution",
    "propagator",
    "evolve_open",
    "OpenEvolution",
    "plot_dephased_lz",
    "plot_fringe_washout",
    "OhmicBath",
    "spin_boson_sweep",
    "spin_boson_p_diabatic_stay",
    "kayanuma_p_diabatic_stay",
    "dephased_transition_rate",
    "rate_equation_p_diabatic_stay",
    "rate_equation_populations",
    "rate_equation_upper_population",
    "evolve_noisy",
    "NoisyEvolution",
    "OrnsteinUhlenbeckNoise",
    "TelegraphNoise",
    "NoiseProcess",
    "equivalent_dephasing_rate",
    "equivalent_collapse_operator",
    "plot_noisy_populations",
    "find_crossings",
    "CrossingTable",
    "Crossing",
    "Symmetry",
    "symmetry_blocks",
    "plot_level_diagram",
    "adiabatic_energies",
    "adiabatic_states",
    "adiabatic_picture",
    "mixing_angle",
    "diabatic_character",
    "nonadiabatic_coupling",
    "to_adiabatic",
    "to_diabatic",
    "lz_probability",
    "p_adiabatic_follow",
    "adiabaticity",
    "minimum_gap",
    "sweep_rate_for_probability",
    "coupling_for_probability",
    "golden_rule_probability",
    "golden_rule_error",
    "regime",
    "stokes_phase",
    "lz_propagator",
    "lz_amplitudes",
    "finite_time_p_diabatic_stay",
    "finite_time_p_jump",
    "lz_transition_time",
    "LzsmError",
    "LzsmValueError",
    "LzsmTypeError",
    "transition_matrix",
    "brundobler_elser_p_diabatic_stay",
    "demkov_osherov_model",
    "demkov_osherov_transition_matrix",
    "bow_tie_model",
    "bow_tie_transition_matrix",
    "spin_sweep",
    "majorana_transition_matrix",
    "wigner_small_d",
    "independent_crossing",
    "IndependentCrossings",
    "dykhne_davis_pechukas",
    "DemkovKunike",
    "rosen_zener",
    "allen_eberly",
    "demkov_kunike_p_diabatic_stay",
    "rosen_zener_p_diabatic_stay",
    "allen_eberly_p_diabatic_stay",
    "SurfaceModel",
    "JahnTellerExE",
    "LinearVibronicCoupling",
    "SpinHalfInField",
    "user_surfaces",
    "find_meci",
    "branching_space",
    "project_to_seam",
    "seam_dimension",
    "trace_seam",
    "classify_crossing",
    "CoordinateSymmetry",
    "berry_phase",
    "berry_curvature",
    "berry_flux",
    "berry_phase_map",
    "circle_loop",
    "pancharatnam_phase",
    "jahn_teller_levels",
    "single_surface_levels",
    "geometric_phase_comparison",
    "encircling_wavepacket",
    "trajectory_scattering",
    "TrajectoryScattering",
    "FSSH",
    "LZSH",
    "Ehrenfest",
    "plot_trajectory_scattering",
    "Curves",
    "TullySimple",
    "TullyDual",
    "TullyExtended",
    "TabulatedCurves",
    "FunctionCurves",
    "CovalentIonicCrossing",
    "diabatize",
    "Diabatization",
    "plot_curves",
    "stationary_scattering",
    "StationaryScattering",
    "packet_averaged_scattering",
    "PacketAveragedScattering",
    "CurveCrossing",
    "curve_crossing",
    "find_curve_crossings",
    "two_pass_probability",
    "lz_transmission_coefficient",
    "thermal_transmission_coefficient",
    "lz_rate",
    "marcus_rate",
    "Grid",
    "propagate",
    "gaussian_wavepacket",
    "absorbing_potential",
    "WavepacketEvolution",
    "wavepacket_scattering",
    "WavepacketScattering",
    "scattering_vs_momentum",
    "plot_scattering_vs_momentum",
    "plot_snapshots",
]


@pytest.mark.parametrize("name", OLD_ALL)
def test_every_lzsm_0_1_name_still_works(name):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        obj = getattr(lzsm, name)
    assert obj is not None
    deprecations = [w for w in caught if issubclass(w.category, DeprecationWarning)]
    if name in _compat.RENAMED:
        module, new = _compat.RENAMED[name]
        assert deprecations and f"lzsm.{new}" in str(deprecations[0].message)
        assert obj is getattr(__import__(module, fromlist=[new]), new)
    else:
        assert not deprecations, f"lzsm.{name} warns but is not in _compat.RENAMED"


def test_renamed_names_are_not_on_the_public_face():
    for old, (_, new) in _compat.RENAMED.items():
        assert old not in dir(lzsm) and new in dir(lzsm)


def test_old_module_paths_warn_and_resolve():
    with pytest.warns(DeprecationWarning, match="lzsm.models.curves"):
        from lzsm.curves import TullySimple  # noqa: F401  (lzsm 0.1 path)
    assert lzsm.curves.TullySimple is lzsm.TullySimple


def test_every_subpackage_is_reachable_after_import_lzsm():
    code = (
        "import lzsm; "
        "[getattr(lzsm, p) for p in ('models', 'closed_forms', 'dynamics', 'molecules', 'geometry', 'scans', "
        "'io', 'plot', 'kernels', 'applications', 'methods', 'results', 'options', 'errors')]; "
        "lzsm.plot.plot_energies; lzsm.applications.run_file; print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"


def test_import_lzsm_loads_no_numerical_stack():
    """The durable form of the startup goal (import lzsm <= 0.5 s): nothing heavy at import."""
    code = (
        "import sys, lzsm; heavy = [m for m in ('numpy', 'scipy', 'xarray', 'numba', 'matplotlib', 'dask') "
        "if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_every_public_name_resolves():
    for name in dir(lzsm):
        assert getattr(lzsm, name) is not None, name
    for pkg in ("models", "closed_forms", "dynamics", "molecules", "geometry", "scans", "io", "plot"):
        sub = getattr(lzsm, pkg)
        assert sub.__doc__ and len(sub.__doc__) > 40, f"lzsm.{pkg} needs a docstring saying what it holds"
        for name in sub.__all__:
            assert getattr(sub, name) is not None, f"lzsm.{pkg}.{name}"


def _layout_map() -> set[str]:
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    block = text.split("```\nsrc/lzsm/\n", 1)[1].split("```", 1)[0]
    paths: set[str] = set()
    stack: list[str] = []
    for line in block.splitlines():
        m = re.match(r"^([│ ]*)[├└]── (\S+)", line)
        if not m:
            continue
        depth = len(m.group(1)) // 4
        name = m.group(2)
        stack = stack[:depth] + [name]
        full = "/".join(s.rstrip("/") for s in stack)
        parts = full.split("/")
        paths.update("/".join(parts[: i + 1]) for i in range(len(parts)))
    return paths


def test_layout_map_in_contributing_matches_the_tree():
    listed = _layout_map()
    src = ROOT / "src" / "lzsm"
    actual = {str(p.relative_to(src)) for p in src.rglob("*.py") if p.name != "__init__.py"}
    packages = {str(p.parent.relative_to(src)) for p in src.rglob("__init__.py") if p.parent != src}
    # the map lists every package and every module of the physics subpackages; kernels and
    # applications are listed as packages (their modules are described in their docstrings)
    summarised = ("kernels", "applications", "plot")
    expected = {m for m in actual if m.split("/")[0] not in summarised} | packages
    listed_norm = {p.split(" ")[0] for p in listed}
    missing = sorted(expected - listed_norm - {"__init__.py / __init__.pyi"})
    stale = sorted(p for p in listed_norm if p not in expected and not p.startswith("__init__"))
    assert not missing, f"modules missing from the layout map in CONTRIBUTING.md: {missing}"
    assert not stale, f"the layout map lists files that do not exist: {stale}"


def test_nothing_refers_outside_the_repository():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    bad = []
    for rel in tracked:
        if rel.startswith(".ci/") or not rel.endswith((".py", ".md", ".toml", ".pyi", ".cfg", ".txt", ".yml")):
            continue
        text = (ROOT / rel).read_text(encoding="utf-8", errors="replace")
        for pattern in ("../" + "shared", "PHYSICS" + ".md"):  # spelled apart so this file does not match
            if pattern in text:
                bad.append(f"{rel}: {pattern}")
    assert not bad, f"files refer outside the repository: {bad[:10]} ({len(bad)} in all)"


def test_help_lzsm_is_one_page_by_topic():
    import pydoc

    text = pydoc.render_doc(lzsm, renderer=pydoc.plaintext)
    assert len(text.splitlines()) < 120
    for topic in ("models", "closed_forms", "dynamics", "molecules", "geometry", "Stückelberg", "hopping", "Berry"):
        assert topic in text
