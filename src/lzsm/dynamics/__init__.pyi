from .asymptotic import (
    Tails as Tails,
)
from .baths import (
    OhmicBath as OhmicBath,
    SpinBosonResult as SpinBosonResult,
    discretize as discretize,
    spin_boson as spin_boson,
    spin_boson_p_diabatic_stay as spin_boson_p_diabatic_stay,
    spin_boson_sweep as spin_boson_sweep,
)
from .coherent import (
    Evolution as Evolution,
    Propagator as Propagator,
    TransitionMatrix as TransitionMatrix,
    evolve as evolve,
    propagator as propagator,
    run_kernel_form as run_kernel_form,
    transition_matrix as transition_matrix,
)
from .floquet import (
    Floquet as Floquet,
    track_quasienergies as track_quasienergies,
)
from .interferometry import (
    InterferometryMap as InterferometryMap,
    auto_samples as auto_samples,
    interferometry_map as interferometry_map,
    map_block as map_block,
)
from .noise import (
    NoiseProcess as NoiseProcess,
    NoisyEvolution as NoisyEvolution,
    OrnsteinUhlenbeckNoise as OrnsteinUhlenbeckNoise,
    TelegraphNoise as TelegraphNoise,
    equivalent_collapse_operator as equivalent_collapse_operator,
    equivalent_dephasing_rate as equivalent_dephasing_rate,
    evolve_noisy as evolve_noisy,
)
from .open import (
    OpenEvolution as OpenEvolution,
    evolve_open as evolve_open,
)
from . import (
    baths as baths,
    coherent as coherent,
    floquet as floquet,
    interferometry as interferometry,
    noise as noise,
    open as open,
)
