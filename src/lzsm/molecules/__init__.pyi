from .averaged import (
    PacketAveragedScattering as PacketAveragedScattering,
    packet_averaged_scattering as packet_averaged_scattering,
)
from .diabatization import (
    Diabatization as Diabatization,
    diabatize as diabatize,
)
from .scattering import (
    ScatteringScan as ScatteringScan,
    WavepacketConvergence as WavepacketConvergence,
    WavepacketScattering as WavepacketScattering,
    scattering_vs_momentum as scattering_vs_momentum,
    wavepacket_scattering as wavepacket_scattering,
)
from .semiclassical import (
    CurveCrossing as CurveCrossing,
    LandauZenerRate as LandauZenerRate,
    curve_crossing as curve_crossing,
    find_curve_crossings as find_curve_crossings,
    lz_rate as lz_rate,
    lz_transmission_coefficient as lz_transmission_coefficient,
    marcus_rate as marcus_rate,
    thermal_transmission_coefficient as thermal_transmission_coefficient,
    two_pass_probability as two_pass_probability,
)
from .stationary import (
    StationaryScattering as StationaryScattering,
    asymptotic_range as asymptotic_range,
    stationary_scattering as stationary_scattering,
)
from .surface_hopping import (
    Ehrenfest as Ehrenfest,
    FSSH as FSSH,
    LZSH as LZSH,
    TrajectoryScattering as TrajectoryScattering,
)
from .wavepackets import (
    Grid as Grid,
    WavepacketEvolution as WavepacketEvolution,
    absorbing_potential as absorbing_potential,
    gaussian_wavepacket as gaussian_wavepacket,
    propagate as propagate,
)
from . import (
    averaged as averaged,
    diabatization as diabatization,
    scattering as scattering,
    semiclassical as semiclassical,
    stationary as stationary,
    surface_hopping as surface_hopping,
    wavepackets as wavepackets,
)
