"""The registry of integrators: ``method=`` picks an entry keyed by (equation, method, form).

A front door converts and checks its input, decides the *form* of the model (``"compiled"``:
``H(t) = A + B f(t)`` with a known drive shape, which runs entirely in numba kernels;
``"callable"``: H given by Python functions), then looks up the runner registered for
``(equation, method, form)``.  Adding an integrator means registering one function; no front
door changes.  Each entry declares its default tolerance and the generic options it honours;
an option it would ignore is refused (naming the option and the method).

>>> import lzsm
>>> [m.name for m in lzsm.methods.available("schrodinger")]
['dop853', 'magnus6']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lzsm._checks import MIN_TOL, tolerance
from lzsm.errors import LzsmTypeError, LzsmValueError
from lzsm.options import Options

#: SciPy's Runge–Kutta integrators raise an rtol below this to it (100 machine epsilons).
SCIPY_MIN_TOL = 100 * 2.220446049250313e-16

EQUATIONS = ("schrodinger", "lindblad", "noise")
FORMS = ("compiled", "callable")
#: Options every method honours (they are handled outside the runner).
ALWAYS = frozenset({"progress"})


@dataclass(frozen=True)
class Method:
    """One registered integrator for one (equation, form)."""

    name: str
    equation: str
    form: str
    runner: Callable[..., Any]
    default_tol: float
    honours: frozenset[str]
    description: str
    min_tol: float = MIN_TOL

    def check(self, options: Options) -> Options:
        """The options with ``tol`` filled in; an error for any chosen option this method ignores,
        or for a ``tol`` below what it can honour (:func:`lzsm._checks.tolerance`)."""
        if options.tol is not None and options.tol < self.min_tol:
            tolerance(options.tol, "tol", floor=self.min_tol, method=self.name)
        ignored = sorted(set(options.given()) - self.honours - ALWAYS)
        if ignored:
            raise LzsmValueError(
                f"method {self.name!r} ({self.form} models) does not use the option(s) "
                f"{', '.join(map(repr, ignored))}; it honours "
                f"{', '.join(sorted(self.honours | ALWAYS))}"
            )
        return options if options.tol is not None else options.replace(tol=self.default_tol)

    @property
    def label(self) -> str:
        """``name-form``, as recorded in results (e.g. ``'magnus6-compiled'``)."""
        return f"{self.name}-{self.form}"


_REGISTRY: dict[tuple[str, str, str], Method] = {}
#: The default method of each equation.
DEFAULTS: dict[str, str] = {"schrodinger": "magnus6", "lindblad": "magnus6", "noise": "magnus4"}


def register(
    equation: str,
    name: str,
    form: str,
    *,
    default_tol: float,
    honours: set[str] | frozenset[str],
    description: str,
    min_tol: float = MIN_TOL,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: register ``runner`` as ``method=name`` for models of ``form`` under ``equation``
    (``min_tol``: the smallest tolerance it can honour, if above :data:`lzsm._checks.MIN_TOL`)."""
    if equation not in EQUATIONS or form not in FORMS:
        raise LzsmValueError(f"unknown equation {equation!r} or form {form!r}")

    def deco(runner: Callable[..., Any]) -> Callable[..., Any]:
        _REGISTRY[(equation, name, form)] = Method(
            name, equation, form, runner, float(default_tol), frozenset(honours), description, float(min_tol)
        )
        return runner

    return deco


def _load(equation: str) -> None:
    """Import the modules whose runners register themselves."""
    if equation == "schrodinger":
        import lzsm.dynamics.coherent
    elif equation == "lindblad":
        import lzsm.dynamics.open
    elif equation == "noise":
        import lzsm.dynamics.noise  # noqa: F401


def lookup(equation: str, method: str | None, form: str) -> Method:
    """The registered method, or an error listing the methods available for this form."""
    _load(equation)
    if method is None:
        method = DEFAULTS[equation]
        if (equation, method, form) not in _REGISTRY:  # the default does not cover this form
            method = min(name for (eq, name, f) in _REGISTRY if eq == equation and f == form)
    if not isinstance(method, str):
        raise LzsmTypeError(f"`method` must be a method name such as {DEFAULTS[equation]!r}, got {method!r}")
    key = (equation, method, form)
    if key not in _REGISTRY:
        names = sorted(m.name for (eq, _, f), m in _REGISTRY.items() if eq == equation and f == form)
        raise LzsmValueError(
            f"`method` must be one of {', '.join(map(repr, names))} for {form} models "
            f"({equation} equation), got {method!r}"
        )
    return _REGISTRY[key]


def available(equation: str) -> list[Method]:
    """Every registered method of an equation, one entry per name (sorted by name)."""
    _load(equation)
    seen: dict[str, Method] = {}
    for (eq, name, _), m in sorted(_REGISTRY.items()):
        if eq == equation:
            seen.setdefault(name, m)
    return list(seen.values())
