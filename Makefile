# Two commands do everything: `make dashboards` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8866
DATA   ?= data/sample

.PHONY: setup system dashboards lab test test-fast bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[test]"
	touch $@

system:
	bash scripts/system-deps.sh

dashboards: setup
	$(BIN)/planning serve --port $(PORT) --data $(DATA)

lab: setup
	$(BIN)/jupyter lab notebooks/

test: setup system
	$(BIN)/python -m pytest -q

test-fast: setup
	$(BIN)/python -m pytest -q -m "not slow"

bench: setup
	$(BIN)/python benchmarks/bench_workbook.py
	$(BIN)/python benchmarks/bench_coverage.py
	$(BIN)/python benchmarks/bench_allocate.py
	$(BIN)/python benchmarks/bench_stable.py
	$(BIN)/python benchmarks/bench_mentoring.py

clean:
	rm -rf $(VENV) artifacts benchmarks/out data/generated
