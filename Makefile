# Two commands: `make demo` and `make test`. Each sets up .venv on its own.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# numba caches compiled kernels next to their modules but does not notice edits to the kernels
# they call in other modules: any change under kernels/ clears every cache.
KERNELS := $(VENV)/.kernels
KERNEL_SOURCES := $(wildcard src/lzsm/kernels/*.py)
LINTED := src tests benchmarks examples docs conftest.py
# Python writes the bytecode of what it imports (its default) even where the environment asks it
# not to (PYTHONDONTWRITEBYTECODE, set on some machines): else every process of a test run (the two
# workers, the CLI, Dask and browser-app subprocesses) compiles lzsm's modules again, and each
# worker rewrites the tests' assertions again.
export PYTHONDONTWRITEBYTECODE :=
# The test suite compiles its kernels at LLVM -O1 (NUMBA_OPT=1; numba's default is -O3) into a
# cache of its own: compiling takes a third less time, the kernels run as fast (measured), and
# the results are the same bit for bit, since no kernel asks for fast-math.  `make demo`,
# `make bench` and every user's own run keep numba's defaults and caches.
TEST_CACHE := $(VENV)/numba-test-cache
TEST_ENV := NUMBA_OPT=1 NUMBA_CACHE_DIR=$(CURDIR)/$(TEST_CACHE)

.PHONY: demo test lint warm collect bench docs clean

# uv (from PyPI, into the venv) installs in seconds what pip takes most of a minute for; pip is
# the fallback.  uv writes no bytecode at install: compiling all 1.3 GB of the environment takes
# 23 CPU-s, most of it for packages a run never imports.  Each module is compiled instead the
# first time a make target imports it (PYTHONDONTWRITEBYTECODE is cleared above), and later
# processes, yours included, load it.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	( $(PY) -m pip install --quiet --disable-pip-version-check uv && \
	  VIRTUAL_ENV=$(VENV) $(VENV)/bin/uv pip install --quiet --python $(PY) -e '.[test]' ) || \
	  $(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

$(KERNELS): $(STAMP) $(KERNEL_SOURCES)
	find src -name '*.nbi' -delete -o -name '*.nbc' -delete
	rm -rf $(TEST_CACHE)
	touch $(KERNELS)

demo: $(STAMP) $(KERNELS)
	$(VENV)/bin/lzsm run examples/qubit_landau_zener.toml --out demo-output --force

lint: $(STAMP)
	$(VENV)/bin/ruff check $(LINTED)
	$(VENV)/bin/ruff format --check $(LINTED)
	$(VENV)/bin/mypy

# The kernels compile into numba's caches beside the linters and one collection (four jobs on
# the two cores), so the test workers load them instead of each compiling what it needs.  A
# failure of the linters or of the warm-up stops here.  pytest exits 5 when it collects no test,
# which make treats as a failure.
test: $(STAMP) $(KERNELS)
	$(MAKE) --no-print-directory -j4 lint warm collect
	$(TEST_ENV) HYPOTHESIS_PROFILE=ci $(PY) -m pytest -q -n auto --dist worksteal

# One collection before the workers start writes the tests' assertion-rewritten bytecode, which
# both workers then load (their collection takes 6 s instead of 16 s).  A collection error is
# reported by the pytest run that follows.
collect: $(STAMP)
	-$(TEST_ENV) $(PY) -m pytest --collect-only -q -p no:cacheprovider > /dev/null

# Compiles every numba kernel the tests call (tests/warm_kernels.py), in two processes.
warm: warm-A warm-B
warm-%: $(STAMP) $(KERNELS)
	$(TEST_ENV) $(PY) tests/warm_kernels.py $*

# The documentation site, offline, warnings as errors; the gallery is executed (LZSM_DOCS_GALLERY=0
# skips it, as the test suite's build does).
docs: $(STAMP) $(KERNELS)
	MPLBACKEND=Agg $(VENV)/bin/sphinx-build -W --keep-going -q -b html docs docs/_build/html
	@echo "open docs/_build/html/index.html"

bench: $(STAMP) $(KERNELS)
	$(PY) benchmarks/bench_lz.py
	$(PY) benchmarks/bench_map.py
	$(PY) benchmarks/bench_open.py
	$(PY) benchmarks/bench_fssh.py
	$(PY) benchmarks/bench_window.py
	$(PY) benchmarks/bench_fit.py
	$(PY) benchmarks/bench_explore.py
	$(PY) benchmarks/bench_tully_ranges.py

clean:
	rm -rf $(VENV) demo-output .pytest_cache docs/_build docs/api docs/gallery
	find src -name '*.nbi' -delete -o -name '*.nbc' -delete
