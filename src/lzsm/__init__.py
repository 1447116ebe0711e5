"""lzsm — Landau–Zener–Stückelberg–Majorana physics.

Models live in the diabatic basis (:mod:`lzsm.models`); their adiabatic picture is in
:mod:`lzsm.bases`; closed forms in :mod:`lzsm.analytic`; exact propagation in
:mod:`lzsm.propagation`; figures in :mod:`lzsm.plotting`; physical units at the boundary in
:mod:`lzsm.units`; scenario files and the command line in :mod:`lzsm.scenario`/:mod:`lzsm.cli`.
Conventions: ``PHYSICS.md`` (hbar explicit, default 1; ``alpha = d(E1 - E2)/dt``;
``P_LZ = exp(-2 pi |V|^2/(hbar |alpha|))`` is the diabatic-stay probability).
"""

from .analytic import (
    adiabaticity,
    coupling_for_probability,
    finite_time_p_diabatic_stay,
    finite_time_p_jump,
    golden_rule_error,
    golden_rule_probability,
    lz_amplitudes,
    lz_probability,
    lz_propagator,
    lz_transition_time,
    minimum_gap,
    p_adiabatic_follow,
    regime,
    stokes_phase,
    sweep_rate_for_probability,
)
from .bases import (
    adiabatic_energies,
    adiabatic_picture,
    adiabatic_states,
    diabatic_character,
    mixing_angle,
    nonadiabatic_coupling,
    to_adiabatic,
    to_diabatic,
)
from .crossings import Crossing, CrossingTable, Symmetry, find_crossings, plot_level_diagram, symmetry_blocks
from .errors import LzsmError, LzsmTypeError, LzsmValueError
from .floquet import Floquet, floquet, track_quasienergies
from .interferometry import interferometry, plot_interferometry
from .models import DoublePassage, LandauZener, LinearSweep, Model, NLevel, PeriodicDrive, TwoLevel
from .multilevel import (
    IndependentCrossings,
    bow_tie_model,
    bow_tie_transition_matrix,
    brundobler_elser_p_diabatic_stay,
    demkov_osherov_model,
    demkov_osherov_transition_matrix,
    independent_crossing,
    majorana_transition_matrix,
    spin_sweep,
    transition_matrix,
    wigner_small_d,
)
from .noise import (
    NoiseProcess,
    NoisyEvolution,
    OrnsteinUhlenbeckNoise,
    TelegraphNoise,
    equivalent_collapse_operator,
    equivalent_dephasing_rate,
    evolve_noisy,
    plot_noisy_populations,
)
from .nonlinear import (
    DemkovKunike,
    allen_eberly,
    allen_eberly_p_diabatic_stay,
    demkov_kunike_p_diabatic_stay,
    dykhne_davis_pechukas,
    rosen_zener,
    rosen_zener_p_diabatic_stay,
)
from .passages import (
    double_passage_probability,
    fast_driving_upper_population,
    incoherent_passages_probability,
    multiphoton_resonances,
)
from .propagation import Evolution, evolve, propagator
from .baths import OhmicBath, spin_boson_p_diabatic_stay, spin_boson_sweep
from .incoherent import (
    dephased_transition_rate,
    kayanuma_p_diabatic_stay,
    rate_equation_p_diabatic_stay,
    rate_equation_populations,
    rate_equation_upper_population,
)
from .open_systems import OpenEvolution, evolve_open, plot_dephased_lz, plot_fringe_washout
from .sweeps import SweepBlockError, completed_blocks, sweep
from .geometry import (
    CoordinateSymmetry,
    JahnTellerExE,
    LinearVibronicCoupling,
    SpinHalfInField,
    SurfaceModel,
    branching_space,
    classify_crossing,
    find_meci,
    project_to_seam,
    seam_dimension,
    trace_seam,
    user_surfaces,
)
from .berry import berry_curvature, berry_flux, berry_phase, berry_phase_map, circle_loop, pancharatnam_phase
from .vibronic import encircling_wavepacket, geometric_phase_comparison, jahn_teller_levels, single_surface_levels
from .surface_hopping import (
    FSSH,
    LZSH,
    Ehrenfest,
    TrajectoryScattering,
    plot_trajectory_scattering,
    trajectory_scattering,
)
from .curves import (
    CovalentIonicCrossing,
    Curves,
    Diabatization,
    FunctionCurves,
    TabulatedCurves,
    TullyDual,
    TullyExtended,
    TullySimple,
    diabatize,
    plot_curves,
)
from .scattering import StationaryScattering, stationary_scattering
from .semiclassical import (
    CurveCrossing,
    curve_crossing,
    find_curve_crossings,
    lz_rate,
    lz_transmission_coefficient,
    marcus_rate,
    thermal_transmission_coefficient,
    two_pass_probability,
)
from .wavepackets import (
    Grid,
    WavepacketEvolution,
    WavepacketScattering,
    absorbing_potential,
    gaussian_wavepacket,
    plot_scattering_vs_momentum,
    plot_snapshots,
    propagate,
    scattering_vs_momentum,
    wavepacket_scattering,
)

__version__ = "0.1.0"

__all__ = [
    "LandauZener", "TwoLevel", "LinearSweep", "NLevel", "Model", "PeriodicDrive", "DoublePassage",
    "floquet", "Floquet", "track_quasienergies", "interferometry", "plot_interferometry",
    "double_passage_probability", "fast_driving_upper_population", "incoherent_passages_probability",
    "multiphoton_resonances", "sweep", "completed_blocks", "SweepBlockError",
    "evolve", "Evolution", "propagator",
    "evolve_open", "OpenEvolution", "plot_dephased_lz", "plot_fringe_washout", "OhmicBath", "spin_boson_sweep",
    "spin_boson_p_diabatic_stay", "kayanuma_p_diabatic_stay", "dephased_transition_rate",
    "rate_equation_p_diabatic_stay", "rate_equation_populations", "rate_equation_upper_population",
    "evolve_noisy", "NoisyEvolution", "OrnsteinUhlenbeckNoise", "TelegraphNoise", "NoiseProcess",
    "equivalent_dephasing_rate", "equivalent_collapse_operator", "plot_noisy_populations",
    "find_crossings", "CrossingTable", "Crossing", "Symmetry", "symmetry_blocks", "plot_level_diagram",
    "adiabatic_energies", "adiabatic_states", "adiabatic_picture", "mixing_angle",
    "diabatic_character", "nonadiabatic_coupling", "to_adiabatic", "to_diabatic",
    "lz_probability", "p_adiabatic_follow", "adiabaticity", "minimum_gap",
    "sweep_rate_for_probability", "coupling_for_probability", "golden_rule_probability",
    "golden_rule_error", "regime", "stokes_phase", "lz_propagator", "lz_amplitudes",
    "finite_time_p_diabatic_stay", "finite_time_p_jump", "lz_transition_time",
    "LzsmError", "LzsmValueError", "LzsmTypeError",
    "transition_matrix", "brundobler_elser_p_diabatic_stay", "demkov_osherov_model",
    "demkov_osherov_transition_matrix", "bow_tie_model", "bow_tie_transition_matrix", "spin_sweep",
    "majorana_transition_matrix", "wigner_small_d", "independent_crossing", "IndependentCrossings",
    "dykhne_davis_pechukas", "DemkovKunike", "rosen_zener", "allen_eberly", "demkov_kunike_p_diabatic_stay",
    "rosen_zener_p_diabatic_stay", "allen_eberly_p_diabatic_stay",
    "SurfaceModel", "JahnTellerExE", "LinearVibronicCoupling", "SpinHalfInField", "user_surfaces",
    "find_meci", "branching_space", "project_to_seam", "seam_dimension", "trace_seam", "classify_crossing",
    "CoordinateSymmetry", "berry_phase", "berry_curvature", "berry_flux", "berry_phase_map", "circle_loop",
    "pancharatnam_phase", "jahn_teller_levels", "single_surface_levels", "geometric_phase_comparison",
    "encircling_wavepacket",
    "trajectory_scattering", "TrajectoryScattering", "FSSH", "LZSH", "Ehrenfest", "plot_trajectory_scattering",
    "Curves", "TullySimple", "TullyDual", "TullyExtended", "TabulatedCurves", "FunctionCurves",
    "CovalentIonicCrossing", "diabatize", "Diabatization", "plot_curves",
    "stationary_scattering", "StationaryScattering",
    "CurveCrossing", "curve_crossing", "find_curve_crossings", "two_pass_probability",
    "lz_transmission_coefficient", "thermal_transmission_coefficient", "lz_rate", "marcus_rate",
    "Grid", "propagate", "gaussian_wavepacket", "absorbing_potential", "WavepacketEvolution",
    "wavepacket_scattering", "WavepacketScattering", "scattering_vs_momentum", "plot_scattering_vs_momentum",
    "plot_snapshots",
]
