"""Library-wide exceptions and warnings: one base class, subclasses that are also the built-ins.

``except ValueError`` still catches :class:`LzsmValueError`, ``except RuntimeError`` still
catches :class:`LzsmConvergenceError`; ``except LzsmError`` catches everything lzsm raises on
purpose.  Non-convergence of a computation is never a ValueError: it is a per-point status
with an :class:`LzsmConvergenceWarning`, or an :class:`LzsmConvergenceError` where there is no
per-point result to return.
"""

from __future__ import annotations


class LzsmError(Exception):
    """Base class of every error raised on purpose by lzsm."""


class LzsmValueError(LzsmError, ValueError):
    """A value outside its accepted range (``except ValueError`` still catches it)."""


class LzsmTypeError(LzsmError, TypeError):
    """An argument of the wrong kind (``except TypeError`` still catches it)."""


class LzsmConvergenceError(LzsmError, RuntimeError):
    """A computation did not converge and there is no per-point status to report it in."""


class LzsmLockedError(LzsmError, RuntimeError):
    """Another process is writing the same output folder or scan store; the message names it
    (PID, host, since when, command).  Wait for it to finish, or stop it."""


class LzsmResourceError(LzsmValueError):
    """A computation refused before it starts: its estimated memory or number of steps exceeds
    the budget.  The message gives the estimate, the parameters responsible and the way out
    (``except ValueError`` still catches it)."""


class LzsmNumericalError(LzsmError, ArithmeticError):
    """A number double precision could not deliver: a NaN, or a probability outside [0, 1] by
    more than rounding, where the method reported success.  The message names what to change."""


class LzsmWarning(UserWarning):
    """Base class of lzsm's warnings."""


class LzsmConvergenceWarning(LzsmWarning):
    """Some points of a result did not converge; their ``status`` says which and why."""


class LzsmFitWarning(LzsmWarning):
    """A fit of ``lzsm.fit`` is questionable: degenerate parameters, or a best model that
    leaves [0, 1]; the message says which and what to change."""
