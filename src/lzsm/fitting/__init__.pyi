from . import (
    engine as engine,
    feshbach as feshbach,
    passage as passage,
    spectroscopy as spectroscopy,
    stueckelberg as stueckelberg,
)
