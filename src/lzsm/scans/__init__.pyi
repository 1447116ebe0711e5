from .engine import (
    SweepBlockError as SweepBlockError,
    completed_blocks as completed_blocks,
    example_lz_probability as example_lz_probability,
    sweep as sweep,
)
from . import (
    engine as engine,
)
