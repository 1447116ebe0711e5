from .dykhne import (
    DavisPechukas as DavisPechukas,
    dykhne_davis_pechukas as dykhne_davis_pechukas,
)
from .incoherent import (
    dephased_transition_rate as dephased_transition_rate,
    kayanuma_p_diabatic_stay as kayanuma_p_diabatic_stay,
    rate_equation_p_diabatic_stay as rate_equation_p_diabatic_stay,
    rate_equation_populations as rate_equation_populations,
    rate_equation_upper_population as rate_equation_upper_population,
)
from .landau_zener import (
    adiabaticity as adiabaticity,
    coupling_for_probability as coupling_for_probability,
    finite_time_p_diabatic_stay as finite_time_p_diabatic_stay,
    half_crossing_p_diabatic_stay as half_crossing_p_diabatic_stay,
    finite_time_p_jump as finite_time_p_jump,
    golden_rule_error as golden_rule_error,
    golden_rule_probability as golden_rule_probability,
    lz_amplitudes as lz_amplitudes,
    lz_closed_forms as lz_closed_forms,
    lz_probability as lz_probability,
    lz_propagator as lz_propagator,
    lz_transition_time as lz_transition_time,
    minimum_gap as minimum_gap,
    p_adiabatic_follow as p_adiabatic_follow,
    regime as regime,
    stokes_phase as stokes_phase,
    sweep_rate_for_probability as sweep_rate_for_probability,
)
from .multilevel import (
    IndependentCrossings as IndependentCrossings,
    bow_tie_transition_matrix as bow_tie_transition_matrix,
    brundobler_elser_p_diabatic_stay as brundobler_elser_p_diabatic_stay,
    demkov_osherov_transition_matrix as demkov_osherov_transition_matrix,
    independent_crossing as independent_crossing,
    majorana_transition_matrix as majorana_transition_matrix,
    transition_dataarray as transition_dataarray,
    wigner_small_d as wigner_small_d,
)
from .passages import (
    double_passage_dynamical_phase as double_passage_dynamical_phase,
    double_passage_probability as double_passage_probability,
    dressed_gap as dressed_gap,
    fast_driving_upper_population as fast_driving_upper_population,
    incoherent_passages_probability as incoherent_passages_probability,
    multiphoton_resonances as multiphoton_resonances,
)
from .pulses import (
    allen_eberly_p_diabatic_stay as allen_eberly_p_diabatic_stay,
    demkov_kunike_p_diabatic_stay as demkov_kunike_p_diabatic_stay,
    rosen_zener_p_diabatic_stay as rosen_zener_p_diabatic_stay,
)
from . import (
    dykhne as dykhne,
    incoherent as incoherent,
    landau_zener as landau_zener,
    multilevel as multilevel,
    passages as passages,
    pulses as pulses,
)
