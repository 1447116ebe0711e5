from .berry import (
    BerryFlux as BerryFlux,
    BerryPhase as BerryPhase,
    berry_curvature as berry_curvature,
    berry_flux as berry_flux,
    berry_phase as berry_phase,
    berry_phase_map as berry_phase_map,
    circle_loop as circle_loop,
    enclosed_count as enclosed_count,
    loop_from_vectors as loop_from_vectors,
    pancharatnam_phase as pancharatnam_phase,
    phase_difference as phase_difference,
    wrap_phase as wrap_phase,
)
from .conical import (
    BranchingSpace as BranchingSpace,
    ConicalIntersection as ConicalIntersection,
    CoordinateSymmetry as CoordinateSymmetry,
    CrossingClassification as CrossingClassification,
    SeamDimension as SeamDimension,
    branching_space as branching_space,
    classify_crossing as classify_crossing,
    find_meci as find_meci,
    project_to_seam as project_to_seam,
    seam_dimension as seam_dimension,
    trace_seam as trace_seam,
)
from .crossings import (
    Crossing as Crossing,
    CrossingTable as CrossingTable,
    Symmetry as Symmetry,
    SymmetryBlock as SymmetryBlock,
    find_crossings as find_crossings,
    symmetry_blocks as symmetry_blocks,
)
from .vibronic import (
    EncirclingWavepacket as EncirclingWavepacket,
    SingleSurfaceLevels as SingleSurfaceLevels,
    VibronicLevels as VibronicLevels,
    encircling_wavepacket as encircling_wavepacket,
    geometric_phase_comparison as geometric_phase_comparison,
    jahn_teller_hamiltonian as jahn_teller_hamiltonian,
    jahn_teller_levels as jahn_teller_levels,
    radial_levels as radial_levels,
    single_surface_levels as single_surface_levels,
)
from . import (
    berry as berry,
    conical as conical,
    crossings as crossings,
    vibronic as vibronic,
)
