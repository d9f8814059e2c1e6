# Two commands do everything: `make dashboards` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8866
DATA   ?=

.PHONY: setup system office-deps postgres dashboards lab office test test-fast bench mutation clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[test]"
	touch $@

system:
	bash scripts/system-deps.sh

# the hub's proxy for the planning office (npm package configurable-http-proxy, into node_modules/)
office-deps: system
	bash scripts/office-deps.sh

# PostgreSQL for the scenario-store tests: installed and started on 127.0.0.1 when missing;
# the tests read its URL from PLANNING_TEST_DB_URL (set it to use another server;
# PLANNING_SKIP_POSTGRES=1 skips those tests instead of failing them).
postgres:
	bash scripts/postgres.sh
PGTEST := PLANNING_TEST_DB_URL="$${PLANNING_TEST_DB_URL:-$$([ "$${PLANNING_SKIP_POSTGRES:-}" = 1 ] || bash scripts/postgres.sh)}"

dashboards: setup
	$(BIN)/planning serve --port $(PORT) $(if $(DATA),--data $(DATA))

# JupyterLab on lab/: copies of the pages and of the workbook notebooks (workbook/), made the first time
lab: setup
	$(BIN)/python -m planning.office.lab lab
	$(BIN)/jupyter lab lab/

# the planning office (sign-in, roles, dashboards for leaders and host units): see README "The office"
OFFICE ?= office.toml
office: setup office-deps
	[ -f $(OFFICE) ] || $(BIN)/planning office init --config $(OFFICE)
	$(BIN)/planning office start --config $(OFFICE)

# PostgreSQL started for the tests is stopped after them (one already running is left alone).
test: setup system office-deps
	$(PGTEST) $(BIN)/python -m pytest -q --durations=30; rc=$$?; bash scripts/postgres.sh stop; exit $$rc

test-fast: setup
	$(PGTEST) $(BIN)/python -m pytest -q -m "not slow"

# mutation testing of the rules with mutmut (slow; not part of `make test`): README "Mutation testing".
# MODULES="pairings seats" for some; ARGS=--survivors reruns the last survivors only, ARGS=--report prints the figures.
MODULES ?=
ARGS ?=
mutation: setup
	PLANNING_SKIP_POSTGRES=1 $(BIN)/python scripts/mutation.py $(ARGS) $(MODULES)

bench: setup
	$(BIN)/python benchmarks/bench_workbook.py
	$(BIN)/python benchmarks/bench_coverage.py
	$(BIN)/python benchmarks/bench_allocate.py
	$(BIN)/python benchmarks/bench_stable.py
	$(BIN)/python benchmarks/bench_mentoring.py
	$(BIN)/python benchmarks/bench_hostile.py
	$(BIN)/python benchmarks/bench_scale.py
	$(BIN)/python benchmarks/bench_packages.py
	$(PGTEST) $(BIN)/python benchmarks/bench_store.py

clean:
	rm -rf $(VENV) artifacts benchmarks/out data/generated node_modules
