from ._version import __version__ as __version__
from .closed_forms.dykhne import (
    dykhne_davis_pechukas as dykhne_davis_pechukas,
)
from .closed_forms.incoherent import (
    dephased_transition_rate as dephased_transition_rate,
    kayanuma_p_diabatic_stay as kayanuma_p_diabatic_stay,
    rate_equation_p_diabatic_stay as rate_equation_p_diabatic_stay,
    rate_equation_populations as rate_equation_populations,
    rate_equation_upper_population as rate_equation_upper_population,
)
from .closed_forms.landau_zener import (
    adiabaticity as adiabaticity,
    coupling_for_probability as coupling_for_probability,
    finite_time_p_diabatic_stay as finite_time_p_diabatic_stay,
    half_crossing_p_diabatic_stay as half_crossing_p_diabatic_stay,
    finite_time_p_jump as finite_time_p_jump,
    golden_rule_error as golden_rule_error,
    golden_rule_probability as golden_rule_probability,
    lz_amplitudes as lz_amplitudes,
    lz_probability as lz_probability,
    lz_propagator as lz_propagator,
    lz_transition_time as lz_transition_time,
    minimum_gap as minimum_gap,
    p_adiabatic_follow as p_adiabatic_follow,
    regime as regime,
    stokes_phase as stokes_phase,
    sweep_rate_for_probability as sweep_rate_for_probability,
)
from .closed_forms.multilevel import (
    IndependentCrossings as IndependentCrossings,
    bow_tie_transition_matrix as bow_tie_transition_matrix,
    brundobler_elser_p_diabatic_stay as brundobler_elser_p_diabatic_stay,
    demkov_osherov_transition_matrix as demkov_osherov_transition_matrix,
    independent_crossing as independent_crossing,
    majorana_transition_matrix as majorana_transition_matrix,
    wigner_small_d as wigner_small_d,
)
from .closed_forms.passages import (
    double_passage_probability as double_passage_probability,
    fast_driving_upper_population as fast_driving_upper_population,
    incoherent_passages_probability as incoherent_passages_probability,
    multiphoton_resonances as multiphoton_resonances,
)
from .closed_forms.pulses import (
    allen_eberly_p_diabatic_stay as allen_eberly_p_diabatic_stay,
    demkov_kunike_p_diabatic_stay as demkov_kunike_p_diabatic_stay,
    rosen_zener_p_diabatic_stay as rosen_zener_p_diabatic_stay,
)
from .dynamics.baths import (
    SpinBosonResult as SpinBosonResult,
    spin_boson as spin_boson,
    OhmicBath as OhmicBath,
    spin_boson_p_diabatic_stay as spin_boson_p_diabatic_stay,
    spin_boson_sweep as spin_boson_sweep,
)
from .dynamics.coherent import (
    Propagator as Propagator,
    TransitionMatrix as TransitionMatrix,
    Evolution as Evolution,
    evolve as evolve,
    propagator as propagator,
    transition_matrix as transition_matrix,
)
from .dynamics.floquet import (
    Floquet as Floquet,
    floquet as floquet,
    track_quasienergies as track_quasienergies,
)
from .dynamics.interferometry import (
    InterferometryMap as InterferometryMap,
    interferometry_map as interferometry_map,
    interferometry as interferometry,
)
from .dynamics.noise import (
    NoiseProcess as NoiseProcess,
    NoisyEvolution as NoisyEvolution,
    OrnsteinUhlenbeckNoise as OrnsteinUhlenbeckNoise,
    TelegraphNoise as TelegraphNoise,
    equivalent_collapse_operator as equivalent_collapse_operator,
    equivalent_dephasing_rate as equivalent_dephasing_rate,
    evolve_noisy as evolve_noisy,
)
from .dynamics.open import (
    OpenEvolution as OpenEvolution,
    evolve_open as evolve_open,
)
from .errors import (
    LzsmConvergenceError as LzsmConvergenceError,
    LzsmConvergenceWarning as LzsmConvergenceWarning,
    LzsmWarning as LzsmWarning,
    LzsmError as LzsmError,
    LzsmLockedError as LzsmLockedError,
    LzsmNumericalError as LzsmNumericalError,
    LzsmResourceError as LzsmResourceError,
    LzsmTypeError as LzsmTypeError,
    LzsmValueError as LzsmValueError,
)
from .geometry.berry import (
    berry_curvature as berry_curvature,
    berry_flux as berry_flux,
    berry_phase as berry_phase,
    berry_phase_map as berry_phase_map,
    circle_loop as circle_loop,
    pancharatnam_phase as pancharatnam_phase,
)
from .geometry.conical import (
    CoordinateSymmetry as CoordinateSymmetry,
    branching_space as branching_space,
    classify_crossing as classify_crossing,
    find_meci as find_meci,
    project_to_seam as project_to_seam,
    seam_dimension as seam_dimension,
    trace_seam as trace_seam,
)
from .geometry.crossings import (
    Crossing as Crossing,
    CrossingTable as CrossingTable,
    Symmetry as Symmetry,
    find_crossings as find_crossings,
    symmetry_blocks as symmetry_blocks,
)
from .geometry.vibronic import (
    encircling_wavepacket as encircling_wavepacket,
    geometric_phase_comparison as geometric_phase_comparison,
    jahn_teller_levels as jahn_teller_levels,
    single_surface_levels as single_surface_levels,
)
from .models.adiabatic import (
    adiabatic_energies as adiabatic_energies,
    adiabatic_picture as adiabatic_picture,
    adiabatic_states as adiabatic_states,
    diabatic_character as diabatic_character,
    mixing_angle as mixing_angle,
    nonadiabatic_coupling as nonadiabatic_coupling,
    to_adiabatic as to_adiabatic,
    to_diabatic as to_diabatic,
)
from .models.base import (
    Asymptotics as Asymptotics,
    Model as Model,
)
from .models.curves import (
    CovalentIonicCrossing as CovalentIonicCrossing,
    Curves as Curves,
    FunctionCurves as FunctionCurves,
    TabulatedCurves as TabulatedCurves,
    TullyDual as TullyDual,
    TullyExtended as TullyExtended,
    TullySimple as TullySimple,
)
from .models.drives import (
    DoublePassage as DoublePassage,
    PeriodicDrive as PeriodicDrive,
)
from .models.multilevel import (
    LinearSweep as LinearSweep,
    NLevel as NLevel,
    bow_tie_model as bow_tie_model,
    demkov_osherov_model as demkov_osherov_model,
    spin_sweep as spin_sweep,
)
from .models.pulses import (
    DemkovKunike as DemkovKunike,
    allen_eberly as allen_eberly,
    rosen_zener as rosen_zener,
)
from .models.surfaces import (
    JahnTellerExE as JahnTellerExE,
    LinearVibronicCoupling as LinearVibronicCoupling,
    SpinHalfInField as SpinHalfInField,
    SurfaceModel as SurfaceModel,
    user_surfaces as user_surfaces,
)
from .models.two_level import (
    LandauZener as LandauZener,
    TwoLevel as TwoLevel,
)
from .molecules.averaged import (
    PacketAveragedScattering as PacketAveragedScattering,
    packet_averaged_scattering as packet_averaged_scattering,
)
from .molecules.diabatization import (
    Diabatization as Diabatization,
    diabatize as diabatize,
)
from .molecules.scattering import (
    WavepacketScattering as WavepacketScattering,
    scattering_vs_momentum as scattering_vs_momentum,
    wavepacket_scattering as wavepacket_scattering,
)
from .molecules.semiclassical import (
    CurveCrossing as CurveCrossing,
    curve_crossing as curve_crossing,
    find_curve_crossings as find_curve_crossings,
    lz_rate as lz_rate,
    lz_transmission_coefficient as lz_transmission_coefficient,
    marcus_rate as marcus_rate,
    thermal_transmission_coefficient as thermal_transmission_coefficient,
    two_pass_probability as two_pass_probability,
)
from .molecules.stationary import (
    StationaryScattering as StationaryScattering,
    stationary_scattering as stationary_scattering,
)
from .molecules.surface_hopping import (
    Ehrenfest as Ehrenfest,
    FSSH as FSSH,
    LZSH as LZSH,
    TrajectoryScattering as TrajectoryScattering,
    surface_hopping as surface_hopping,
)
from .molecules.wavepackets import (
    Grid as Grid,
    WavepacketEvolution as WavepacketEvolution,
    absorbing_potential as absorbing_potential,
    gaussian_wavepacket as gaussian_wavepacket,
    propagate as propagate,
)
from .plot.environment import (
    plot_dephased_lz as plot_dephased_lz,
    plot_fringe_washout as plot_fringe_washout,
    plot_noisy_populations as plot_noisy_populations,
)
from .plot.geometry import (
    plot_level_diagram as plot_level_diagram,
)
from .plot.interferometry import (
    plot_interferometry as plot_interferometry,
)
from .plot.molecules import (
    plot_curves as plot_curves,
    plot_scattering_vs_momentum as plot_scattering_vs_momentum,
    plot_snapshots as plot_snapshots,
    plot_trajectory_scattering as plot_trajectory_scattering,
)
from .scans.engine import (
    ScanBlockError as ScanBlockError,
    completed_blocks as completed_blocks,
    scan as scan,
)
from .options import Options as Options
from .results import Result as Result, Status as Status
from . import (
    methods as methods,
    options as options,
    results as results,
    applications as applications,
    closed_forms as closed_forms,
    dynamics as dynamics,
    errors as errors,
    fit as fit,
    fitting as fitting,
    explore as explore,
    geometry as geometry,
    io as io,
    kernels as kernels,
    models as models,
    molecules as molecules,
    plot as plot,
    scans as scans,
)
