# planparse — two commands on a fresh machine: `make extract`, then `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: all setup extract test lint golden bench schema check report dictionary clean

all: extract

# Create the virtualenv and install planparse with its dev tools and the dask extra (its tests start a
# local cluster); re-run when pyproject.toml changes.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,dask]'
	@touch $(STAMP)

setup: $(STAMP)

## Extract every file in data/raw/ into data/out/ (Parquet per table + planparse.duckdb).
extract: $(STAMP)
	$(BIN)/planparse extract data/raw --out data/out

## Lint, then run the test suite (unit tests + golden fixtures).
test: $(STAMP) lint
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

## Regenerate the golden fixtures in tests/fixtures/ (review `git diff tests/fixtures` before committing).
golden: $(STAMP)
	$(BIN)/planparse golden data/raw --fixtures tests/fixtures

## Regenerate the published JSON Schema of the tables.
schema: $(STAMP)
	$(BIN)/planparse schema --output schemas/planparse.schema.json

## Self-checks of the last extraction (figures the documents state about themselves).
check: $(STAMP)
	$(BIN)/planparse check --out data/out

## HTML report of the last extraction (data/out/report/index.html; self-contained, opens offline).
report: $(STAMP)
	@test -f data/out/planparse.duckdb || $(MAKE) extract
	$(BIN)/planparse report --data data/out --out data/out/report

## Regenerate docs/data_dictionary.md from the DuckDB comments of every table and view.
dictionary: $(STAMP)
	$(BIN)/planparse dictionary --output docs/data_dictionary.md

## Speed and memory of a whole extraction (not part of `make test`); BASELINE=PATH (another installation's
## planparse executable) also times its full run and prints the per-core throughput ratio.
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_extract.py $(if $(BASELINE),--baseline $(BASELINE))
	$(BIN)/python benchmarks/bench_pdf.py

clean:
	rm -rf data/out benchmarks/out .pytest_cache .ruff_cache
