from .crossing import (
    plot_energies as plot_energies,
    plot_multilevel as plot_multilevel,
    plot_nonadiabatic_coupling as plot_nonadiabatic_coupling,
    plot_populations as plot_populations,
    plot_probability_vs_rate as plot_probability_vs_rate,
    plot_transition_matrix as plot_transition_matrix,
)
from .environment import (
    plot_dephased_lz as plot_dephased_lz,
    plot_fringe_washout as plot_fringe_washout,
    plot_noisy_populations as plot_noisy_populations,
)
from .geometry import (
    plot_berry_phase_map as plot_berry_phase_map,
    plot_double_cone as plot_double_cone,
    plot_encircling_wavepacket as plot_encircling_wavepacket,
    plot_level_diagram as plot_level_diagram,
    plot_surface_contours as plot_surface_contours,
    plot_vibronic_spectrum as plot_vibronic_spectrum,
)
from .interferometry import (
    plot_interferometry as plot_interferometry,
)
from .molecules import (
    plot_curves as plot_curves,
    plot_scattering_vs_momentum as plot_scattering_vs_momentum,
    plot_snapshots as plot_snapshots,
    plot_trajectory_scattering as plot_trajectory_scattering,
)
from . import (
    crossing as crossing,
    environment as environment,
    geometry as geometry,
    interferometry as interferometry,
    molecules as molecules,
)
