"""lzsm — Landau–Zener–Stückelberg–Majorana physics: what a quantum system does when its
energy levels approach each other while a parameter is swept.

Everything is reachable from ``lzsm`` and loaded on first use.  By topic:

models        Hamiltonians in the diabatic basis and their adiabatic picture:
              LandauZener, TwoLevel, PeriodicDrive, DoublePassage, LinearSweep, NLevel,
              spin_sweep, rosen_zener, Tully's curves, JahnTellerExE, ...;
              adiabatic_energies, adiabatic_states, mixing_angle, nonadiabatic_coupling
closed_forms  lz_probability (P_LZ = exp(-2 pi V^2 / (hbar alpha))), inverse problems,
              golden rule, finite-time propagator, stokes_phase, double passages,
              Majorana / Demkov-Osherov / bow-tie, pulses, Dykhne-Davis-Pechukas, Kayanuma
dynamics      evolve, propagator, transition_matrix (coherent); evolve_open (Lindblad:
              dephasing, relaxation, Zeno); evolve_noisy (classical noise); floquet and
              interferometry maps (Stückelberg oscillations, LZSM interferometry);
              spin_boson_p_diabatic_stay (exact bath)
molecules     curve crossings: curve_crossing (semiclassical LZ), wavepacket_scattering,
              stationary_scattering, surface hopping (FSSH, LZSH, Ehrenfest), diabatize
geometry      find_crossings (non-crossing rule by symmetry), conical intersections
              (find_meci, seam_dimension, branching_space), Berry phases (berry_phase),
              vibronic levels with and without the geometric phase
scans         scan a batched function over a parameter grid, resumable, on Dask
io            units, scenario files, the ``lzsm`` command line
plot          figures (every helper takes ``ax=None`` and returns the axes)
applications  Zener breakdown, cold atoms, qubits, chemistry, adiabatic computing

Every front door: ``(model, t_span, initial, t_eval, *, method=..., options=lzsm.Options(...))``,
results with a status per point and ``.to_xarray()``.  ``dir(lzsm)`` lists every name.
Conventions (units, signs, which probability is meant): docs/conventions.md.
Start with ``help(lzsm.evolve)``, ``help(lzsm.lz_probability)`` or ``help(lzsm.models)``.

Documentation: the site built by ``make docs`` (docs/_build/html/index.html) holds the user
guide, an executed gallery, the API reference and "Which function do I need?" (docs/concepts.md),
which maps every physics idea (Stückelberg oscillations, amplitude spectroscopy, surface hopping,
Berry phase, Zener breakdown, Zeno effect, Majorana's formula, ...) to its function.
"""

import lazy_loader as _lazy

from lzsm import _compat
from lzsm._version import __version__ as __version__

_getattr, __dir__, _public = _lazy.attach_stub(__name__, __file__)
__getattr__ = _compat.module_getattr(__name__, _getattr)
_compat.install_old_module_finder()

#: The subpackages.  ``dir(lzsm)`` lists every public name (each loads on first use); ``__all__``
#: names the subpackages only, so that ``help(lzsm)`` stays this page and not the whole library.
__all__ = ["applications", "closed_forms", "dynamics", "geometry", "io", "models", "molecules", "plot", "scans"]
