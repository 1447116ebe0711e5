from .engine import (
    ScanBlockError as ScanBlockError,
    completed_blocks as completed_blocks,
    scan as scan,
)
from . import (
    engine as engine,
)
