"""Applications: runnable scenarios from the fields where Landau–Zener physics is used.

Each application is a TOML file with a top-level ``application = "NAME"`` key, run by
``lzsm run FILE.toml --out DIR``.  The file's tables are checked against the application's
schema (unknown keys are errors naming them), quantities with units are converted at this
edge, and the output folder (``data.nc``, PNG figures, ``summary.json``, ``scenario.json``)
appears only when everything has been written.

Fields (one module each, one docs page each):

- :mod:`lzsm.applications.solids` — Zener breakdown in tilted lattices (``docs/zener_breakdown.md``);
- :mod:`lzsm.applications.cold_atoms` — Feshbach association and nonlinear LZ (``docs/cold_atoms.md``);
- :mod:`lzsm.applications.qubits` — amplitude spectroscopy with decoherence, LZ gates (``docs/qubits.md``);
- :mod:`lzsm.applications.adiabatic_computing` — adiabatic Grover search (``docs/adiabatic_computing.md``);
- :mod:`lzsm.applications.chemistry` — electron transfer and NaCl (``docs/chemistry.md``).
"""

from __future__ import annotations

from ._framework import (
    APPLICATIONS,
    Application,
    Config,
    is_application,
    register,
    run,
    run_file,
)

__all__ = ["APPLICATIONS", "Application", "Config", "is_application", "register", "run", "run_file"]
