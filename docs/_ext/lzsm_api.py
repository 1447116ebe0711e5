"""Sphinx extension: the API reference, generated from the package layout at every build.

One page per subpackage (``api/models.rst``, ...), one section per module: the module's
docstring, a summary table of its public names, then each name documented where it is defined.
The top-level face (``api/index.rst``) lists every name of ``dir(lzsm)`` with a link to its
home, so the reference always matches the code."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path
from typing import Any

SUBPACKAGES = (
    "models",
    "closed_forms",
    "dynamics",
    "molecules",
    "geometry",
    "scans",
    "fitting",
    "io",
    "plot",
    "applications",
    "kernels",
)
CORE = ("options", "methods", "results", "errors")


def _public(module: Any) -> list[str]:
    names = []
    for name, obj in vars(module).items():
        if name.startswith("_") or not (inspect.isfunction(obj) or inspect.isclass(obj)):
            continue
        if getattr(obj, "__module__", None) != module.__name__:
            continue
        names.append(name)
    return sorted(names, key=lambda n: (not inspect.isclass(getattr(module, n)), n.lower()))


def _modules(package: str) -> list[str]:
    pkg = importlib.import_module(f"lzsm.{package}")
    out = []
    for info in pkgutil.iter_modules(pkg.__path__):
        if info.name.startswith("_"):
            continue
        out.append(f"lzsm.{package}.{info.name}")
    return sorted(out)


def _package_names(pkg: Any) -> str:
    """The names a subpackage exports from its private modules, documented under the package."""
    names = []
    for name in getattr(pkg, "__all__", []):
        obj = getattr(pkg, name)
        home = getattr(obj, "__module__", "") or ""
        if (inspect.isfunction(obj) or inspect.isclass(obj)) and home.rsplit(".", 1)[-1].startswith("_"):
            names.append(name)
    lines: list[str] = []
    if names:
        lines += [".. currentmodule:: " + pkg.__name__, "", ".. autosummary::", "   :nosignatures:", ""]
        lines += [f"   {n}" for n in names] + [""]
    for n in names:
        kind = "autoclass" if inspect.isclass(getattr(pkg, n)) else "autofunction"
        lines += [f".. {kind}:: {pkg.__name__}.{n}", *(["   :members:"] if kind == "autoclass" else []), ""]
    return "\n".join(lines)


def _module_section(modname: str, level: str) -> str:
    module = importlib.import_module(modname)
    names = _public(module)
    lines = [modname, level * len(modname), "", f".. automodule:: {modname}", "   :no-members:", ""]
    if names:
        lines += [".. autosummary::", "   :nosignatures:", ""] + [f"   {n}" for n in names] + [""]
    for n in names:
        obj = getattr(module, n)
        kind = "autoclass" if inspect.isclass(obj) else "autofunction"
        lines += [f".. {kind}:: {modname}.{n}"]
        if inspect.isclass(obj):
            lines += ["   :members:", "   :show-inheritance:"]
        lines += [""]
    return "\n".join(lines)


def write_api(outdir: Path) -> None:
    import lzsm

    outdir.mkdir(parents=True, exist_ok=True)
    pages = []
    for package in SUBPACKAGES:
        pkg = importlib.import_module(f"lzsm.{package}")
        title = f"lzsm.{package}"
        body = [title, "=" * len(title), "", f".. automodule:: lzsm.{package}", "   :no-members:", ""]
        body.append(_package_names(pkg))
        for modname in _modules(package):
            body.append(_module_section(modname, "-"))
        (outdir / f"{package}.rst").write_text("\n".join(body), encoding="utf-8")
        pages.append(package)
    core = ["Options, methods, results, errors", "=" * 34, ""]
    for name in CORE:
        core.append(_module_section(f"lzsm.{name}", "-"))
    (outdir / "core.rst").write_text("\n".join(core), encoding="utf-8")
    rows = []
    for name in sorted(n for n in dir(lzsm) if not n.startswith("_")):
        obj = getattr(lzsm, name)
        if inspect.ismodule(obj):
            continue
        home = getattr(obj, "__module__", "lzsm")
        role = "class" if inspect.isclass(obj) else "func" if callable(obj) else "data"
        rows.append(f"   * - ``lzsm.{name}``\n     - :py:{role}:`{home}.{name}`")
    index = (
        [
            "API reference",
            "=============",
            "",
            "Every name below is reachable as ``lzsm.NAME`` (loaded on first use); it is documented",
            "where it is defined, in the page of its subpackage.",
            "",
            ".. toctree::",
            "   :maxdepth: 1",
            "",
            "   core",
        ]
        + [f"   {p}" for p in pages]
        + [
            "",
            ".. list-table:: The public face: ``dir(lzsm)``",
            "   :header-rows: 1",
            "   :widths: 30 70",
            "",
            "   * - name",
            "     - defined in",
        ]
        + rows
        + [""]
    )
    (outdir / "index.rst").write_text("\n".join(index), encoding="utf-8")


def _home(target: str) -> str | None:
    """Where ``target`` (``lzsm.NAME``, ``lzsm.sub.NAME``, ``lzsm.Class.attr`` or a bare public
    name) is documented: the module that defines the object, or None."""
    import lzsm

    parts = target.split(".")
    if parts[0] != "lzsm":
        parts = ["lzsm", *parts]
    obj: Any = lzsm
    for i, part in enumerate(parts[1:], start=1):
        try:
            obj = getattr(obj, part)
        except Exception:
            return None
        if not inspect.ismodule(obj) and (inspect.isclass(obj) or callable(obj)):
            home = getattr(obj, "__module__", None)
            if home is None or not home.startswith("lzsm"):
                return None
            return ".".join([home, getattr(obj, "__qualname__", part), *parts[i + 1 :]])
    return obj.__name__ if inspect.ismodule(obj) else None


def resolve_short_names(app: Any, env: Any, node: Any, contnode: Any) -> Any:
    """Let pages and docstrings write ``lzsm.NAME`` (or ``lzsm.models.NAME``, or a bare public
    name) for any public name: resolve it to the place where the name is defined."""
    if node.get("refdomain") != "py":
        return None
    full = _home(node.get("reftarget", ""))
    if full is None or full == node.get("reftarget"):
        return None
    domain = env.get_domain("py")
    return domain.resolve_xref(env, node["refdoc"], app.builder, node["reftype"], full, node, contnode)


def setup(app: Any) -> dict[str, Any]:
    app.connect("builder-inited", lambda app: write_api(Path(app.srcdir) / "api"))
    app.connect("missing-reference", resolve_short_names)
    return {"parallel_read_safe": True}
