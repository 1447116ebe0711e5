"""Fuzzing the scenario files (lzsm.io.scenario, lzsm.io.crossings_file, lzsm run).

Valid files are mutated (keys dropped, values replaced by wrong types, out-of-range, huge,
tiny, NaN and infinite numbers, unicode text, dates and nested garbage, unknown keys added,
whole tables replaced, or the file replaced by arbitrary text), written as TOML and read by
the public loaders; ``lzsm run`` runs them in-process.  The only outcomes allowed are success
or an ``LzsmError`` (on the command line: exit 0, or exit 2 with one ``lzsm: error:`` line and
no output folder), within the Hypothesis deadline of each example.

Numbers of huge magnitude go to the loaders only: a valid file that asks ``lzsm run`` for an
enormous propagation is the work budgets' case (tests/test_bad_input.py, ``h14-num``).
"""

from __future__ import annotations

import contextlib
import copy
import datetime
import math
import tempfile
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lzsm.errors import LzsmError
from lzsm.io import crossings_file, scenario
from lzsm.io.cli import main

RUN = {
    "title": "fuzz",
    "model": {"kind": "landau_zener", "coupling": 0.5, "sweep_rate": 1.0},
    "evolve": {"t_span": [-10.0, 10.0], "initial": "diabatic 0", "n_save": 11},
    "figures": {"energies": False, "populations": False, "nonadiabatic_coupling": False},
}
RUN_UNITS = {
    "units": {"energy": "GHz", "time": "ns"},
    "model": {"kind": "landau_zener", "coupling": "0.1 GHz", "sweep_rate": "1 GHz/ns"},
    "evolve": {"t_span": ["-20 ns", "20 ns"], "n_save": 11, "tol": 1e-8},
    "sweep": {"sweep_rate": {"start": "0.5 GHz/ns", "stop": "2 GHz/ns", "num": 2, "scale": "log"}},
    "figures": {"energies": False, "populations": False, "nonadiabatic_coupling": False, "probability_vs_rate": False},
}
MAP = {
    "drive": {
        "gap": 1.0,
        "frequency": 5.0,
        "offset": {"start": 0.0, "stop": 10.0, "num": 3},
        "amplitude": {"start": 0.0, "stop": 10.0, "num": 3},
    },
    "map": {"n_periods": 2, "initial": 0},
}
CROSSINGS = {
    "coordinate": {"name": "R", "start": 1.0, "stop": 7.0, "num": 50, "velocity": 0.02},
    "state": [
        {"name": "X", "symmetry": "A", "form": "linear", "value": 0.0, "slope": 1.0, "R0": 4.0},
        {"name": "D", "symmetry": "A", "form": "constant", "value": 0.0},
    ],
    "coupling": [{"states": ["X", "D"], "form": "constant", "value": 0.05}],
    "crossings": {"resolution": 1e-8, "contrast": 1.5},
}

# --------------------------------------------------------------------------- values
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
QUANTITY = st.builds(
    lambda x, unit: f"{x} {unit}",
    st.sampled_from(["1", "-1", "0", "0.5", "1e-300", "nan", "inf", "abc", "1e999", ""]),
    st.sampled_from(["GHz", "ns", "GHz/ns", "MHz", "eV", "m", "kg", "1/ns", "GHz GHz", "µeV", "°C", ""]),
)
SMALL_NUMBER = st.one_of(
    st.sampled_from([math.nan, math.inf, -math.inf, 0.0, -0.0, -1.0, 0.5, 2.5, 1e-300, -1e-300]),
    st.integers(-10, 100),
)
ANY_NUMBER = st.one_of(
    SMALL_NUMBER,
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(),
    st.sampled_from([1e300, -1e300, 10**18, -(2**63), 2**64]),
)
DATES = st.one_of(st.dates(), st.times(), st.datetimes())


def values(numbers: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """TOML values: scalars, and lists and tables of them nested a few levels (garbage)."""
    scalar = st.one_of(numbers, TEXT, QUANTITY, st.booleans(), DATES)
    return st.recursive(
        scalar,
        lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(TEXT, inner, max_size=3)),
        max_leaves=6,
    )


# --------------------------------------------------------------------------- mutations
def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key (and list item) of a document, as a path from the top."""
    out: list[tuple[Any, ...]] = []
    items = doc.items() if isinstance(doc, dict) else enumerate(doc) if isinstance(doc, list) else []
    for key, value in items:
        out.append((*prefix, key))
        out += _paths(value, (*prefix, key))
    return out


def _tables(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if isinstance(doc, dict) else []
    items = doc.items() if isinstance(doc, dict) else enumerate(doc) if isinstance(doc, list) else []
    for key, value in items:
        out += _tables(value, (*prefix, key))
    return out


def _parent(doc: Any, path: tuple[Any, ...]) -> Any:
    for key in path[:-1]:
        doc = doc[key]
    return doc


@st.composite
def mutated(
    draw: Any, base: dict[str, Any], numbers: st.SearchStrategy[Any], keep: frozenset[str] = frozenset()
) -> Any:
    """``base`` after one to three mutations.  ``keep``: top-level tables that are only made
    invalid: their keys are not dropped and get no booleans or tables (the figures of a run:
    their default is to draw, which is slow, not wrong)."""
    doc = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["drop", "replace", "add", "table"]))
        paths = _paths(doc)
        if kind == "drop" and paths:
            path = draw(st.sampled_from(paths))
            if path[0] in keep:
                continue
            parent = _parent(doc, path)
            del parent[path[-1]]
        elif kind == "replace" and paths:
            path = draw(st.sampled_from(paths))
            new = draw(values(numbers))
            if path[0] in keep and (isinstance(new, (bool, dict)) or len(path) == 1):
                new = str(new)
            _parent(doc, path)[path[-1]] = new
        elif kind == "add":
            table = draw(st.sampled_from(_tables(doc)))
            target = doc
            for key in table:
                target = target[key]
            target[draw(TEXT)] = draw(values(numbers))
        elif kind == "table" and isinstance(doc, dict) and doc:
            name = draw(st.sampled_from(sorted(doc)))
            new = draw(values(numbers))
            doc[name] = str(new) if name in keep else new
    return doc


def _toml(doc: Any) -> str:
    return tomli_w.dumps(doc)


def documents(base: dict[str, Any], numbers: st.SearchStrategy[Any], keep: frozenset[str] = frozenset()):
    """TOML text of a mutated ``base``, or arbitrary text (not TOML, or TOML of anything)."""
    return st.one_of(
        mutated(base, numbers, keep).map(_toml),
        st.dictionaries(TEXT, values(numbers), max_size=4).map(_toml),
        TEXT,
    )


def _write(folder: str, text: str) -> Path:
    path = Path(folder) / "s.toml"
    path.write_text(text, encoding="utf-8")
    return path


FUZZ = settings(
    max_examples=60, deadline=datetime.timedelta(milliseconds=400), suppress_health_check=[HealthCheck.too_slow]
)


@FUZZ
@given(st.one_of(documents(RUN, ANY_NUMBER), documents(RUN_UNITS, ANY_NUMBER)))
def test_run_loader_accepts_or_refuses_with_an_lzsm_error(text):
    with tempfile.TemporaryDirectory() as folder:
        path = _write(folder, text)
        with contextlib.suppress(LzsmError):
            scenario.load(path)


@FUZZ
@given(documents(MAP, ANY_NUMBER))
def test_map_loader_accepts_or_refuses_with_an_lzsm_error(text):
    with tempfile.TemporaryDirectory() as folder:
        path = _write(folder, text)
        with contextlib.suppress(LzsmError):
            scenario.load_map(path)


@FUZZ
@given(documents(CROSSINGS, ANY_NUMBER))
def test_crossings_loader_accepts_or_refuses_with_an_lzsm_error(text):
    with tempfile.TemporaryDirectory() as folder:
        path = _write(folder, text)
        with contextlib.suppress(LzsmError):
            crossings_file.load(path)


@pytest.fixture(scope="module")
def warm_cli(tmp_path_factory: pytest.TempPathFactory) -> None:
    """One successful run first: compiling the kernels is not part of any example's deadline."""
    folder = tmp_path_factory.mktemp("warm")
    result = CliRunner().invoke(main, ["run", str(_write(str(folder), _toml(RUN))), "--out", str(folder / "o")])
    assert result.exit_code == 0, result.output


@settings(
    max_examples=40,
    # a whole run with its output files: ~0.3 s alone, 1.2 s seen on a machine loaded by other
    # jobs; the deadline is there to catch a hang, not to time the run
    deadline=datetime.timedelta(milliseconds=2500),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(documents(RUN, SMALL_NUMBER, keep=frozenset({"figures"})))
def test_lzsm_run_exits_0_or_2_with_one_line(warm_cli, text):
    with tempfile.TemporaryDirectory() as folder:
        path = _write(folder, text)
        out = Path(folder) / "o"
        result = CliRunner().invoke(main, ["run", str(path), "--out", str(out)])
        assert result.exit_code in (0, 2), (result.exit_code, result.output, result.exception)
        lines = result.stderr.splitlines()
        if result.exit_code == 2:
            assert len(lines) == 1 and lines[0].startswith("lzsm: error: "), result.stderr
            assert not out.exists()
        else:
            assert all(line.startswith("lzsm: warning: ") for line in lines), result.stderr
            assert (out / "summary.json").is_file()
