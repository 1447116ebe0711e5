"""Old names and old module paths, kept working with a DeprecationWarning naming the new home.

lzsm 0.1 had ~30 flat modules (``lzsm.propagation``, ``lzsm.curves``, ...) and some names that
0.2 renamed; both still work.  The tables below are the whole of it (see CHANGELOG.md).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
import warnings
from collections.abc import Callable
from typing import Any

#: Renamed public names: old name -> (module of the new object, new name).
RENAMED: dict[str, tuple[str, str]] = {
    "sweep": ("lzsm.scans.engine", "scan"),
    "SweepBlockError": ("lzsm.scans.engine", "ScanBlockError"),
    "trajectory_scattering": ("lzsm.molecules.surface_hopping", "surface_hopping"),
}

#: lzsm 0.1 module -> the modules its names live in now (searched in this order).  The old
#: ``lzsm.floquet`` and ``lzsm.interferometry`` modules are not aliased: those names are functions.
OLD_MODULES: dict[str, tuple[str, ...]] = {
    "_crossings_scenario": ("lzsm.io.crossings_file",),
    "_output": ("lzsm.io.output",),
    "analytic": ("lzsm.closed_forms.landau_zener",),
    "bases": ("lzsm.models.adiabatic",),
    "baths": ("lzsm.dynamics.baths",),
    "berry": ("lzsm.geometry.berry", "lzsm.plot.geometry"),
    "cli": ("lzsm.io.cli",),
    "crossings": ("lzsm.geometry.crossings", "lzsm.plot.geometry"),
    "curves": ("lzsm.models.curves", "lzsm.molecules.diabatization", "lzsm.plot.molecules"),
    "incoherent": ("lzsm.closed_forms.incoherent",),
    "multilevel": ("lzsm.models.multilevel", "lzsm.closed_forms.multilevel", "lzsm.dynamics.coherent"),
    "noise": ("lzsm.dynamics.noise", "lzsm.plot.environment"),
    "nonlinear": ("lzsm.models.pulses", "lzsm.closed_forms.pulses", "lzsm.closed_forms.dykhne"),
    "open_systems": ("lzsm.dynamics.open", "lzsm.plot.environment"),
    "passages": ("lzsm.closed_forms.passages",),
    "plotting": ("lzsm.plot.crossing",),
    "propagation": ("lzsm.dynamics.coherent",),
    "scattering": ("lzsm.molecules.stationary",),
    "scenario": ("lzsm.io.scenario",),
    "semiclassical": ("lzsm.molecules.semiclassical",),
    "surface_hopping": ("lzsm.molecules.surface_hopping", "lzsm.plot.molecules"),
    "sweeps": ("lzsm.scans.engine",),
    "units": ("lzsm.io.units",),
    "vibronic": ("lzsm.geometry.vibronic", "lzsm.plot.geometry"),
    "wavepackets": ("lzsm.molecules.wavepackets", "lzsm.molecules.scattering", "lzsm.plot.molecules"),
}


def _warn(old: str, new: str) -> None:
    warnings.warn(f"{old} is deprecated since lzsm 0.2; use {new}", DeprecationWarning, stacklevel=3)


def renamed(old: str) -> Any:
    """The object behind a renamed name, after a DeprecationWarning naming its new name."""
    module, new = RENAMED[old]
    _warn(f"lzsm.{old}", f"lzsm.{new}")
    return getattr(importlib.import_module(module), new)


def module_getattr(package: str, lazy_getattr: Callable[[str], Any]) -> Callable[[str], Any]:
    """The package's ``__getattr__``: lazy names first, then renamed names and old modules."""

    def __getattr__(name: str) -> Any:
        try:
            return lazy_getattr(name)
        except AttributeError:
            pass
        if name in RENAMED:
            return renamed(name)
        if name in OLD_MODULES:
            return importlib.import_module(f"{package}.{name}")
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__


class _OldModule(types.ModuleType):
    """Stand-in for an lzsm 0.1 module: its names resolve in their new modules."""

    def __init__(self, name: str, homes: tuple[str, ...]) -> None:
        super().__init__(name, f"Deprecated alias of {', '.join(homes)}.")
        self._homes = homes

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        for home in self._homes:
            module = importlib.import_module(home)
            if hasattr(module, attr):
                return getattr(module, attr)
        raise AttributeError(f"module {self.__name__!r} (now {', '.join(self._homes)}) has no attribute {attr!r}")

    def __dir__(self) -> list[str]:
        names: set[str] = set()
        for home in self._homes:
            names.update(n for n in dir(importlib.import_module(home)) if not n.startswith("_"))
        return sorted(names)


class _OldModuleFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds ``lzsm.<old module>`` (after the real finders found nothing) and warns."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        package, _, leaf = fullname.rpartition(".")
        if package != "lzsm" or leaf not in OLD_MODULES:
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        leaf = spec.name.rpartition(".")[2]
        homes = OLD_MODULES[leaf]
        _warn(f"module {spec.name}", " / ".join(homes))
        return _OldModule(spec.name, homes)

    def exec_module(self, module: types.ModuleType) -> None:
        return None


_FINDER = _OldModuleFinder()


def install_old_module_finder() -> None:
    """Append the finder for old module paths to ``sys.meta_path`` (once)."""
    if _FINDER not in sys.meta_path:
        sys.meta_path.append(_FINDER)


def noise_third_positional(func: Callable[..., Any]) -> Callable[..., Any]:
    """lzsm 0.1 called ``evolve_noisy(model, t_span, noise, initial, t_eval)``; 0.2 has the one
    order of every front door, ``(model, t_span, initial, t_eval, *, noise=...)``."""
    import functools

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from lzsm.dynamics.noise import NoiseProcess

        if len(args) >= 3 and isinstance(args[2], NoiseProcess) and "noise" not in kwargs:
            warnings.warn(
                "evolve_noisy(model, t_span, noise, ...) is deprecated since lzsm 0.2; use "
                "evolve_noisy(model, t_span, initial, t_eval, noise=...)",
                DeprecationWarning,
                stacklevel=2,
            )
            kwargs["noise"] = args[2]
            args = args[:2] + args[3:]
        return func(*args, **kwargs)

    return wrapper


def renamed_keywords(
    **renames: str | tuple[str, Callable[[Any], Any]],
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator keeping renamed keyword arguments working: ``old=value`` reaches the function as
    ``new=value`` (or ``new=convert(value)`` for ``old=(new, convert)``) after a DeprecationWarning
    naming both.  Giving the old and the new name together is an error."""
    import functools

    def deco(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for old, target in renames.items():
                if old not in kwargs:
                    continue
                new, convert = (target, None) if isinstance(target, str) else target
                if new in kwargs:
                    from lzsm.errors import LzsmTypeError

                    raise LzsmTypeError(f"{func.__name__}() got both `{old}` (deprecated) and `{new}`; give `{new}`")
                warnings.warn(
                    f"{func.__name__}({old}=...) is deprecated since lzsm 0.2; use {new}=...",
                    DeprecationWarning,
                    stacklevel=2,
                )
                value = kwargs.pop(old)
                kwargs[new] = value if convert is None else convert(value)
            return func(*args, **kwargs)

        return wrapper

    return deco


def renamed_attribute(old: str, new: str) -> property:
    """A read-only property ``old`` of a result class returning attribute ``new`` after a
    DeprecationWarning naming both."""

    def get(self: Any) -> Any:
        name = type(self).__name__
        _warn(f"{name}.{old}", f"{name}.{new}")
        return getattr(self, new)

    return property(get, doc=f"Deprecated alias of ``{new}`` (lzsm 0.1 name).")
