"""Every code fence of the README and of the documentation pages runs in the test suite.

Each fence is a test of its own and starts from an empty namespace, so that a reader can paste
any one block into a fresh interpreter:

* a ``python`` fence is executed; if it is written as a doctest (``>>>`` prompts), every printed
  value is compared with the text, so the numbers the text quotes are checked (to the digits
  shown, which is the tolerance the text states);
* a ``console`` fence is a shell session: each ``$ lzsm ...`` line (after any ``NAME=value``
  environment assignments) runs lzsm's entry point in a scratch folder holding a copy of
  ``examples/``, must exit as the text implies (0, or 2 when the block shows an ``lzsm: error:``
  line) and must print the lines the text shows under it.  ``make`` lines are checked by CI
  itself and are skipped here.

A fence whose info string carries ``skip`` is shown but not run: today only the two
``lzsm explore`` lines that start a server (tests/test_explore*.py serve it instead).  ``text``
fences are output, not code; the two map refusals of docs/accuracy.md shown that way (their
scenario file is described, not shipped) are compared with lzsm's output in
tests/test_io_cli.py."""

from __future__ import annotations

import doctest
import os
import re
import shlex
import shutil
from pathlib import Path
from typing import Any

from sybil import Example, Sybil
from sybil.parsers.markdown.lexers import RawFencedCodeBlockLexer

ROOT = Path(__file__).parent
_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _run_python(example: Example) -> None:
    source = example.parsed
    namespace: dict[str, Any] = {"__name__": "__main__"}
    if source.lstrip().startswith(">>>"):
        test = doctest.DocTestParser().get_doctest(source, namespace, example.path, example.path, example.line)
        runner = doctest.DocTestRunner(optionflags=_FLAGS)
        report: list[str] = []
        runner.run(test, out=report.append)
        if runner.failures:
            raise AssertionError("".join(report))
    else:
        code = compile(source, f"{example.path}:{example.line}", "exec")
        exec(code, namespace)


def _run_console(example: Example, scratch: Path) -> None:
    """Each ``$ lzsm ...`` line (with any leading ``NAME=value`` environment assignments) runs
    ``lzsm``'s entry point in this process, in ``scratch``, through click's test runner: the
    same code a shell runs, without a second Python start-up (a second of imports and numba
    cache loads per line).  tests/test_io_cli.py runs the installed ``lzsm`` script itself."""
    from click.testing import CliRunner

    from lzsm.io.cli import main

    lines = example.parsed.splitlines()
    commands: list[tuple[str, list[str]]] = []
    for line in lines:
        if line.startswith("$ "):
            commands.append((line[2:].split("  #")[0].strip(), []))
        elif commands and line.strip():
            commands[-1][1].append(line.strip())
    for command, expected in commands:
        argv = shlex.split(command)
        env = {}
        while argv and re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", argv[0]):
            name, value = argv.pop(0).split("=", 1)
            env[name] = value
        if not argv or argv[0] != "lzsm":
            continue
        cwd = os.getcwd()
        os.chdir(scratch)
        try:
            done = CliRunner().invoke(main, argv[1:], env=env, prog_name="lzsm")
        finally:
            os.chdir(cwd)
        shown = done.output.splitlines()
        want_error = any(line.startswith("lzsm: error:") for line in expected)
        status = 2 if want_error else 0
        assert done.exit_code == status, f"`{command}` exited {done.exit_code}:\n{done.output}\n{done.exception!r}"
        missing = [line for line in expected if line not in [s.strip() for s in shown]]
        assert not missing, f"`{command}` did not print {missing}; it printed:\n" + "\n".join(shown)


class _Fences:
    """Yields one region per ``python`` or ``console`` fence, evaluated in a fresh namespace."""

    def __init__(self) -> None:
        self.lexer = RawFencedCodeBlockLexer(re.compile(r"(?P<info>(?:python|console)\b[^\n]*)$\n", re.MULTILINE))

    def __call__(self, document: Any) -> Any:
        for region in self.lexer(document):
            words = str(region.lexemes["info"]).split()
            if "skip" in words[1:]:
                continue
            region.parsed = str(region.lexemes["source"])
            region.evaluator = self._python if words[0] == "python" else self._console
            yield region

    @staticmethod
    def _python(example: Example) -> None:
        cwd = os.getcwd()
        os.chdir(example.namespace["scratch"])
        try:
            _run_python(example)
        finally:
            os.chdir(cwd)

    @staticmethod
    def _console(example: Example) -> None:
        _run_console(example, example.namespace["scratch"])


def _setup(namespace: dict[str, Any]) -> None:
    import tempfile

    scratch = Path(tempfile.mkdtemp(prefix="lzsm-docs-"))
    shutil.copytree(ROOT / "examples", scratch / "examples")
    namespace["scratch"] = scratch
    os.environ.setdefault("MPLBACKEND", "Agg")


def _teardown(namespace: dict[str, Any]) -> None:
    shutil.rmtree(namespace["scratch"], ignore_errors=True)


def pytest_configure(config: Any) -> None:
    """Under pytest-xdist (``make test``: one worker process per core), BLAS/LAPACK runs on one
    thread in each worker and in the processes it starts.  OpenBLAS's own threads spin-wait for
    a core that the other workers keep busy: on the 2-core machine they cost 15-20 % more CPU
    for the same tests (lzsm's kernels hold BLAS to one thread for the same reason,
    :func:`lzsm.kernels.threads.single_threaded_blas`).  The results do not change."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    os.environ["OPENBLAS_NUM_THREADS"] = "1"  # the CLI runs of the docs, Sphinx, Dask workers
    import numpy  # noqa: F401  (load NumPy's and SciPy's OpenBLAS, then limit both)
    import scipy.linalg  # noqa: F401
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


pytest_collect_file = Sybil(
    parsers=[_Fences()],
    patterns=["README.md", "docs/*.md", "docs/guide/*.md"],
    setup=_setup,
    teardown=_teardown,
).pytest()

# The docstrings' `Examples` run as doctests (``--doctest-modules``, pyproject.toml), which
# imports every Python module under the test paths.  The ones under docs/ are not lzsm: the
# Sphinx configuration and its extension, and the gallery scripts sphinx-gallery copies into
# docs/gallery/ (importing one runs the whole example).  Their pages are tested above (sybil).
collect_ignore_glob = ["docs/*.py"]
