"""The documentation site builds clean, documents every public name, and finds the physics.

The build here is the one of ``make docs`` without executing the gallery (``LZSM_DOCS_GALLERY=0``):
warnings are errors, cross-references are checked (nitpicky), so a renamed function or a broken
link in a page fails the suite.  ``make docs`` runs the gallery as well."""

from __future__ import annotations

import inspect
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import lzsm

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _build(out: Path) -> Path:
    env = {**os.environ, "LZSM_DOCS_GALLERY": "0", "MPLBACKEND": "Agg"}
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", "-d", str(out / "doctrees"),
         str(ROOT / "docs"), str(out / "html")],
        capture_output=True, text=True, env=env, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, f"the site does not build clean:\n{done.stderr[-6000:]}"
    return out / "html"


def _inventory(site: Path) -> set[str]:
    from sphinx.util.inventory import InventoryFile

    with open(site / "objects.inv", "rb") as f:
        inv = InventoryFile.load(f, "", lambda base, uri: uri)
    return {name for domain in inv.values() for name in domain}


def _undocumented(documented: set[str]) -> list[str]:
    """Public functions and classes (``dir(lzsm)`` and each subpackage's names) without an entry."""
    missing = []
    for name in dir(lzsm):
        obj = getattr(lzsm, name)
        if name.startswith("_") or inspect.ismodule(obj):
            continue
        if f"{obj.__module__}.{getattr(obj, '__qualname__', name)}" not in documented:
            missing.append(f"lzsm.{name}")
    for sub in lzsm.__all__:
        pkg = getattr(lzsm, sub)
        for name in getattr(pkg, "__all__", []):
            obj = getattr(pkg, name)
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if f"{obj.__module__}.{obj.__qualname__}" not in documented and f"{pkg.__name__}.{name}" not in documented:
                missing.append(f"{pkg.__name__}.{name}")
    return missing


def _search_misses(site: Path, words: list[str]) -> list[str]:
    """The words whose search does not find 'Which function do I need?' (Sphinx's own stemming)."""
    from sphinx.search.en import SearchEnglish

    text = (site / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(re.search(r"Search\.setIndex\((.*)\)\s*$", text, re.S).group(1))
    concepts = index["docnames"].index("concepts")
    stem = SearchEnglish({}).stem
    misses = []
    for word in words:
        hits: list[int] = []
        for table in ("terms", "titleterms"):  # a word in a heading is indexed only as a title term
            found = index[table].get(stem(word.lower()), [])
            hits += [found] if isinstance(found, int) else found
        if concepts not in hits:
            misses.append(word)
    return misses


def test_the_site_builds_clean_documents_every_public_name_and_finds_the_physics(tmp_path):
    """One build (a single test, so that parallel workers do not build the site twice)."""
    site = _build(tmp_path)
    assert (site / "index.html").is_file() and (site / "concepts.html").is_file()
    missing = _undocumented(_inventory(site))
    assert not missing, f"public names without an API entry: {missing}"
    words = ["Stückelberg", "spectroscopy", "hopping", "Berry", "Zener", "breakdown", "Zeno", "Majorana"]
    misses = _search_misses(site, words)
    assert not misses, f"searching {misses} does not find 'Which function do I need?'"
