from .adiabatic import (
    adiabatic_energies as adiabatic_energies,
    adiabatic_picture as adiabatic_picture,
    adiabatic_states as adiabatic_states,
    diabatic_character as diabatic_character,
    mixing_angle as mixing_angle,
    nonadiabatic_coupling as nonadiabatic_coupling,
    to_adiabatic as to_adiabatic,
    to_diabatic as to_diabatic,
)
from .base import (
    Asymptotics as Asymptotics,
    KernelForm as KernelForm,
    Model as Model,
)
from .curves import (
    CovalentIonicCrossing as CovalentIonicCrossing,
    Curves as Curves,
    FunctionCurves as FunctionCurves,
    TabulatedCurves as TabulatedCurves,
    TullyDual as TullyDual,
    TullyExtended as TullyExtended,
    TullySimple as TullySimple,
)
from .drives import (
    DoublePassage as DoublePassage,
    PeriodicDrive as PeriodicDrive,
)
from .multilevel import (
    LinearSweep as LinearSweep,
    NLevel as NLevel,
    bow_tie_model as bow_tie_model,
    demkov_osherov_model as demkov_osherov_model,
    spin_matrices as spin_matrices,
    spin_sweep as spin_sweep,
)
from .pulses import (
    DemkovKunike as DemkovKunike,
    allen_eberly as allen_eberly,
    rosen_zener as rosen_zener,
)
from .surfaces import (
    JahnTellerExE as JahnTellerExE,
    LinearVibronicCoupling as LinearVibronicCoupling,
    SpinHalfInField as SpinHalfInField,
    SurfaceModel as SurfaceModel,
    UserSurfaces as UserSurfaces,
    user_surfaces as user_surfaces,
)
from .two_level import (
    LandauZener as LandauZener,
    TwoLevel as TwoLevel,
)
from . import (
    adiabatic as adiabatic,
    base as base,
    curves as curves,
    drives as drives,
    multilevel as multilevel,
    pulses as pulses,
    surfaces as surfaces,
    two_level as two_level,
)
