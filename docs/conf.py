"""Sphinx configuration of the lzsm documentation site (``make docs``).

The stack is the one of NumPy, SciPy and xarray: Sphinx with the PyData theme, numpydoc for the
docstrings, MyST for the Markdown pages and sphinx-gallery for the executed examples.  The API
reference is generated from the package at every build (``_ext/lzsm_api.py``), so it cannot
drift from the code.  Set ``LZSM_DOCS_GALLERY=0`` (``make test`` does) to build without running
the gallery."""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "_ext"))

import lzsm  # noqa: E402

project = "lzsm"
author = "the lzsm developers"
copyright = "2026, the lzsm developers"
release = lzsm.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "sphinx_copybutton",
    "sphinx-mathjax-offline",  # MathJax served with the site: readable offline
    "lzsm_api",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "README.md", "**/README.txt", "gallery/*.ipynb", "gallery/*.py", "gallery/*.zip"]
templates_path: list[str] = []
html_static_path = ["_static"]

# --- MyST (the Markdown pages) ---------------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
suppress_warnings = ["myst.header"]

# --- API reference ----------------------------------------------------------------------------
autosummary_generate = False
autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
add_module_names = False

# Links to the libraries lzsm's objects come from: off by default (the build is offline).
intersphinx_mapping: dict[str, tuple[str, str | None]] = {}

# --- The executed gallery ---------------------------------------------------------------------
plot_gallery = os.environ.get("LZSM_DOCS_GALLERY", "1") != "0"
sphinx_gallery_conf = {
    "examples_dirs": str(HERE.parent / "examples" / "gallery"),
    "gallery_dirs": "gallery",
    "filename_pattern": r"/plot_",
    "plot_gallery": plot_gallery,
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
    "show_memory": False,
    "matplotlib_animations": False,
    "image_scrapers": ("matplotlib",),
    "reset_modules": ("matplotlib",),
    "abort_on_example_error": True,
    "min_reported_time": 1,
}

# --- HTML -------------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"lzsm {version}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "header_links_before_dropdown": 6,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_sidebars = {"index": [], "concepts": []}
html_show_sourcelink = False
# Every cross-reference must resolve, except to private names (not documented on purpose) and
# to other libraries (the build is offline: no intersphinx inventories).
nitpicky = True
nitpick_ignore_regex = [
    (r"py:.*", r"(.*\.)?_[A-Za-z].*"),
    (
        r"py:.*",
        r"(numpy|np|scipy|xarray|xr|dask|distributed|zarr|abc|typing|collections|matplotlib|pint|click|tqdm|numba|pathlib|os|enum)(\..*)?",
    ),
]
