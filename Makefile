# Two commands: `make demo` and `make test`. Each sets up .venv on its own.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/lzsm run examples/qubit_landau_zener.toml --out demo-output --force

test: $(STAMP)
	HYPOTHESIS_PROFILE=ci $(PY) -m pytest -q

bench: $(STAMP)
	$(PY) benchmarks/bench_lz.py
	$(PY) benchmarks/bench_map.py
	$(PY) benchmarks/bench_open.py
	$(PY) benchmarks/bench_fssh.py

clean:
	rm -rf $(VENV) demo-output .pytest_cache
