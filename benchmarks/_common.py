"""Helpers shared by the benchmark scripts in this folder (timing, environment, tables, JSON).

The scripts are run as ``.venv/bin/python benchmarks/bench_X.py``; each puts this folder on
``sys.path`` and imports from here.  Importing this module also makes ``lzsm`` importable from a
checkout without an installed package (``src/`` is added to ``sys.path`` if needed).

Timing convention of all scripts: CPU time is ``time.process_time`` (all threads of the process),
wall time is ``time.perf_counter``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import shlex
import statistics
import sys
import time
from pathlib import Path

import numpy as np

try:
    import lzsm
except ImportError:  # running from a checkout without an installed package
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import lzsm

THREAD_ENV_PREFIXES = ("OPENBLAS", "OMP", "MKL", "NUMBA", "GOTO", "BLIS")


# ----------------------------------------------------------------------------- set-up
def optional_import(name):
    """The module ``name``, or None when it is not importable (optional comparison codes)."""
    try:
        return importlib.import_module(name)
    except ImportError:  # pragma: no cover - depends on the environment
        return None


def make_parser(doc, quick_help):
    """ArgumentParser described by the first paragraph of ``doc``, with ``--quick`` and ``--json``."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help=quick_help)
    ap.add_argument("--json", metavar="PATH", help="write the figures as JSON to PATH")
    return ap


def command_line():
    """The shell command that reproduces this run: ``cd <cwd> && <python> <argv...>``."""
    return f"cd {shlex.quote(os.getcwd())} && " + shlex.join([sys.executable] + sys.argv)


# ----------------------------------------------------------------------------- environment
def thread_env():
    """BLAS/OpenMP/numba thread variables set in the environment, by name."""
    return {k: os.environ[k] for k in sorted(os.environ) if k.split("_")[0] in THREAD_ENV_PREFIXES}


def env_info(**others):
    """Versions, CPU count, numba threads, load average and thread variables of this run.

    ``others`` maps a name to an optional module (or None when not installed); its version is
    recorded under that name (None when missing).
    """
    import numba

    env = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "numba_threads": numba.get_num_threads(),
        "loadavg": list(os.getloadavg()),
        "lzsm": lzsm.__version__,
        "numpy": np.__version__,
        "numba": numba.__version__,
    }
    env.update({name: None if mod is None else mod.__version__ for name, mod in others.items()})
    env["thread_env"] = thread_env()
    return env


def print_env_header(title, env, other):
    """Print the run's title, the versions (``other``: the comparison code's key in ``env``), the
    CPU count, the load average and the thread variables."""
    print(title)
    print(
        f"  python {env['python']}, lzsm {env['lzsm']}, numpy {env['numpy']}, numba {env['numba']} "
        f"({env['numba_threads']} threads), {other} {env[other] or 'NOT INSTALLED'}, "
        f"{env['cpu_count']} CPUs, load average {env['loadavg'][0]:.2f}"
    )
    print(f"  thread env: {env['thread_env'] or '(none set)'}")


# ----------------------------------------------------------------------------- timing
def timed(fn):
    """(cpu seconds, wall seconds, result) of one call of ``fn()``."""
    c0, w0 = time.process_time(), time.perf_counter()
    out = fn()
    return time.process_time() - c0, time.perf_counter() - w0, out


def timed_runs(fn, repeats):
    """``repeats`` calls of :func:`timed`: a list of (cpu seconds, wall seconds, result)."""
    return [timed(fn) for _ in range(repeats)]


def run_summary(runs):
    """Median and best CPU and wall seconds of a list of :func:`timed` results."""
    cpus, walls = [r[0] for r in runs], [r[1] for r in runs]
    return {
        "cpu_median": statistics.median(cpus),
        "cpu_best": min(cpus),
        "wall_median": statistics.median(walls),
        "wall_best": min(walls),
    }


# ----------------------------------------------------------------------------- matched error
def loosest_tolerance(candidates, error_at, target, who):
    """The first (loosest) tolerance ``tol`` in ``candidates`` with ``error_at(tol) <= target``;
    the last (tightest) one, with a printed warning naming ``who``, when none meets the target.
    ``error_at`` runs the solver at ``tol`` (printing and recording what it likes) and returns its error."""
    for tol in candidates:
        if error_at(tol) <= target:
            return tol
    print(f"  WARNING: no {who} tolerance met the error target; using the tightest")
    return candidates[-1]


# ----------------------------------------------------------------------------- formatting
def fmt_t(s):
    """A duration in seconds as "12.3 us", "4.56 ms" or "7.89 s" (3 significant digits); "n/a" for None."""
    if s is None:
        return "n/a"
    if s < 1e-3:
        return f"{s * 1e6:.3g} us"
    return f"{s * 1e3:.3g} ms" if s < 1 else f"{s:.3g} s"


def fmt_r(r):
    """A speed ratio as "123x" (3 significant digits); "n/a" for None."""
    return "n/a" if r is None else f"{r:.3g}x"


def fmt_tw(cpu, wall):
    """CPU and wall durations as "cpu [wall]"."""
    return f"{fmt_t(cpu)} [{fmt_t(wall)}]"


def fmt_rw(ratio_cpu, ratio_wall):
    """CPU and wall speed ratios as "cpu [wall]"."""
    return f"{fmt_r(ratio_cpu)} [{fmt_r(ratio_wall)}]"


# ----------------------------------------------------------------------------- grids
def random_grid_subset(shape, size, seed):
    """``min(size, n)`` distinct grid indices (tuples of int) of an array of ``shape`` with n
    elements, drawn without replacement by ``np.random.default_rng(seed)``."""
    npts = int(np.prod(shape))
    flat = np.random.default_rng(seed).choice(npts, size=min(size, npts), replace=False)
    return [tuple(int(v) for v in np.unravel_index(int(k), shape)) for k in flat]


# ----------------------------------------------------------------------------- output
def print_table(title, head, rows, notes=()):
    """Print ``rows`` under ``head`` in left-aligned columns, framed by a title and rules, then ``notes``."""
    widths = [max(len(str(r[i])) for r in [*rows, head]) for i in range(len(head))]
    line = "  ".join("-" * w for w in widths)
    print("\n" + "=" * len(line))
    print(title)
    print("=" * len(line))
    print("  ".join(h.ljust(w) for h, w in zip(head, widths)))
    print(line)
    for r in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())
    print(line)
    for note in notes:
        print(note)


def print_run_footer(command, runtime):
    """Print the command that reproduces the run and its total wall time."""
    print(f"command: {command}")
    print(f"total runtime: {runtime:.1f} s wall")


def write_json(path, doc):
    """Write ``doc`` as indented JSON to ``path`` (numpy scalars as floats) and say so; no-op for None."""
    if not path:
        return
    Path(path).write_text(json.dumps(doc, indent=2, default=float))
    print(f"figures written to {path}")
