from .cli import (
    crossings as crossings,
    evolve as evolve,
    lz as lz,
    main as main,
    map_ as map_,
)
from .crossings_file import (
    CrossingsModel as CrossingsModel,
    Curve as Curve,
    DiabaticCurves as DiabaticCurves,
    analyse as analyse,
    figure as figure,
    format_table as format_table,
)
from .output import (
    atomic_folder as atomic_folder,
    check_output_folder as check_output_folder,
    read_toml as read_toml,
)
from .scenario import (
    MapScenario as MapScenario,
    Scenario as Scenario,
    from_dict as from_dict,
    load as load,
    load_map as load_map,
    map_from_dict as map_from_dict,
    run as run,
    run_map as run_map,
)
from .schema import (
    Field as Field,
    Reader as Reader,
)
from .units import (
    UnitSystem as UnitSystem,
    check_mixing as check_mixing,
    has_unit as has_unit,
    parse as parse,
    parse_range as parse_range,
)
from . import (
    cli as cli,
    crossings_file as crossings_file,
    output as output,
    scenario as scenario,
    schema as schema,
    units as units,
)
