"""Library-wide exceptions: one base class, subclasses that are also the built-in errors."""

from __future__ import annotations


class LzsmError(Exception):
    """Base class of every error raised on purpose by lzsm."""


class LzsmValueError(LzsmError, ValueError):
    """A value outside its accepted range (``except ValueError`` still catches it)."""


class LzsmTypeError(LzsmError, TypeError):
    """An argument of the wrong kind (``except TypeError`` still catches it)."""
