"""Docstrings of the public names: every one has a docstring, the most-used ones have an
``Examples`` section, and those examples run as doctests in the test suite.

The examples themselves are collected from ``src/lzsm`` by ``--doctest-modules``
(``[tool.pytest.ini_options]`` in pyproject.toml); this file checks that they stay there: their
number may grow but not shrink, and no public function or class loses its docstring."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
import re
import tomllib
from pathlib import Path
from typing import Any

import lzsm

ROOT = Path(__file__).resolve().parents[1]

#: Public functions, classes and methods with an ``Examples`` section when this test was
#: written (raise it when you add some; it must not go down).
EXAMPLES_AT_LEAST = 56

_EXAMPLES = re.compile(r"^Examples\n-{8}\n", re.MULTILINE)


def _modules() -> list[Any]:
    """``lzsm`` and every module below it whose dotted path has no private part."""
    out = [lzsm]
    for info in pkgutil.walk_packages(lzsm.__path__, "lzsm."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            out.append(importlib.import_module(info.name))
    return out


def _public_objects() -> dict[str, Any]:
    """Every public function and class, by its defining module and qualified name: those defined
    in a public module, those a package exports from a private module (``__all__``) and every
    name of ``dir(lzsm)``."""
    found: dict[str, Any] = {}

    def add(obj: Any) -> None:
        if (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__.startswith("lzsm"):
            found[f"{obj.__module__}.{obj.__qualname__}"] = obj

    for module in _modules():
        for name, obj in vars(module).items():
            if not name.startswith("_") and getattr(obj, "__module__", None) == module.__name__:
                add(obj)
        for name in getattr(module, "__all__", []):
            add(getattr(module, name))
    for name in dir(lzsm):
        if not name.startswith("_"):
            add(getattr(lzsm, name))
    return found


def _own_doc(obj: Any) -> str:
    """The docstring written for ``obj`` itself (not inherited, not the signature a dataclass
    makes up when there is none)."""
    if not inspect.isclass(obj):
        return inspect.cleandoc(obj.__doc__ or "")
    doc = vars(obj).get("__doc__") or ""
    if dataclasses.is_dataclass(obj):
        try:
            made_up = obj.__name__ + str(inspect.signature(obj)).replace(" -> None", "")
        except (TypeError, ValueError):
            made_up = None
        if doc == made_up:
            return ""
    return inspect.cleandoc(doc)


def _members(cls: type) -> dict[str, Any]:
    """Public methods and properties defined in ``cls`` itself, as functions."""
    out = {}
    for name, attr in vars(cls).items():
        func = attr.fget if isinstance(attr, property) else getattr(attr, "__func__", attr)
        if not name.startswith("_") and inspect.isfunction(func):
            out[f"{cls.__module__}.{cls.__qualname__}.{name}"] = func
    return out


def _with_examples() -> list[str]:
    names = []
    for qualified, obj in _public_objects().items():
        candidates = {qualified: obj}
        if inspect.isclass(obj):
            candidates.update(_members(obj))
        for name, item in candidates.items():
            doc = _own_doc(item)
            if _EXAMPLES.search(doc + "\n"):
                assert ">>>" in doc.split("Examples", 1)[1], f"{name}: an Examples section without a doctest"
                names.append(name)
    return sorted(names)


def test_every_public_function_and_class_has_a_docstring():
    objects = _public_objects()
    assert len(objects) > 300  # the walk found the package
    missing = sorted(name for name, obj in objects.items() if not _own_doc(obj).strip())
    assert not missing, "public names without a docstring:\n" + "\n".join(missing)


def test_the_examples_do_not_shrink():
    names = _with_examples()
    assert len(names) >= EXAMPLES_AT_LEAST, (
        f"{len(names)} public names have an Examples section, fewer than {EXAMPLES_AT_LEAST}:\n" + "\n".join(names)
    )


def test_the_examples_run_as_doctests():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    assert "src/lzsm" in config["testpaths"]
    assert "--doctest-modules" in config["addopts"].split()
    assert {"NORMALIZE_WHITESPACE", "ELLIPSIS", "NUMBER"} <= set(config["doctest_optionflags"].split())
