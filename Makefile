# Two commands: `make demo` and `make test`. Each sets up .venv on its own.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# numba caches compiled kernels next to their modules but does not notice edits to the kernels
# they call in other modules: any change under kernels/ clears every cache.
KERNELS := $(VENV)/.kernels
KERNEL_SOURCES := $(wildcard src/lzsm/kernels/*.py)
LINTED := src tests benchmarks examples

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

$(KERNELS): $(STAMP) $(KERNEL_SOURCES)
	find src -name '*.nbi' -delete -o -name '*.nbc' -delete
	touch $(KERNELS)

demo: $(STAMP) $(KERNELS)
	$(VENV)/bin/lzsm run examples/qubit_landau_zener.toml --out demo-output --force

lint: $(STAMP)
	$(VENV)/bin/ruff check $(LINTED)
	$(VENV)/bin/ruff format --check $(LINTED)
	$(VENV)/bin/mypy

# pytest exits 5 when it collects no test, which make treats as a failure.
test: lint $(KERNELS)
	HYPOTHESIS_PROFILE=ci $(PY) -m pytest -q -n auto

bench: $(STAMP) $(KERNELS)
	$(PY) benchmarks/bench_lz.py
	$(PY) benchmarks/bench_map.py
	$(PY) benchmarks/bench_open.py
	$(PY) benchmarks/bench_fssh.py

clean:
	rm -rf $(VENV) demo-output .pytest_cache
	find src -name '*.nbi' -delete -o -name '*.nbc' -delete
