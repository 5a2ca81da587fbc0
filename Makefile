# One command builds everything: `make report`; one command checks everything: `make test`.
# Both set up the local virtual environment from requirements.lock first when it is missing or stale.
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell sha256sum requirements.lock pyproject.toml scripts/setup.sh | sha256sum | cut -c1-12)

.PHONY: setup report test lint fuzz check lab clean mutation

setup: $(STAMP)

$(STAMP):
	bash scripts/setup.sh
	rm -f $(VENV)/.installed-* && touch $@

# Reports are rendered in parallel processes, one per core by default (JOBS=1 for one after another).
JOBS   ?= $(shell nproc 2>/dev/null || echo 1)

report: $(STAMP)
	$(BIN)/parlib build --all --jobs $(JOBS)

# Speed and memory goals (issue 14), measured in one run: prints one table; docs/benchmarks.md holds a run.
bench: $(STAMP)
	$(BIN)/python scripts/bench.py

# A long random run of the fuzz test of the CSV, XLSX and YAML readers (make test runs a short one).
fuzz: $(STAMP)
	PARLIB_FUZZ_EXAMPLES=$${PARLIB_FUZZ_EXAMPLES:-1000} $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_fuzz.py

check: $(STAMP)
	$(BIN)/parlib check backan && $(BIN)/parlib check vn-ministries && $(BIN)/parlib check vn-provinces

# The habits of the field: lint (ruff), the import layers (import-linter; see docs/architecture.md),
# types (mypy on parlib/, strict on the data and model layers; configured in pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check parlib tests scripts
	$(BIN)/ruff format --check parlib tests scripts
	$(BIN)/lint-imports
	$(BIN)/mypy

test: $(STAMP) lint
	bash scripts/system-deps.sh --browser
	$(BIN)/python -m pytest -q

# Mutation testing of the data, model, check and build layers (long: not part of `make test`;
# see docs/testing.md).
mutation: $(STAMP)
	bash scripts/mutation.sh

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

clean:
	rm -rf outputs/*/ data/processed/*/ mutants/ build/mutation/ mutation-results.txt
