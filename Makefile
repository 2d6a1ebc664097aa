# Nastavnik — the commands people and CI use. Everything installs itself into .venv.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
MAKEFLAGS += --no-print-directory

.PHONY: install run test test-unit lint format token setup worker bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev]' >&2
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

## Start the embedded PostgreSQL (unless DATABASE_URL is set), the schema, the demo region and
## the three services; Ctrl-C stops everything.
run: install
	$(BIN)/python -m services run

## Lint, type-check, then the whole test suite (embedded PostgreSQL unless DATABASE_URL is set).
test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## The rules' tests alone: no database, seconds.
test-unit: install
	$(BIN)/python -m pytest tests/unit $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy shared services tests bench
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Print a development token: make token ROLE=school_coordinator [SCOPE=<ltree path>]
## or, for a school's staff member, the role their staff roles allow: make token PERSON=<id>
token: install
	@$(if $(PERSON),$(BIN)/python -m services person-token "$(PERSON)",$(BIN)/python -m services token --role "$(ROLE)" $(if $(SCOPE),--scope "$(SCOPE)"))

## Create or update the schema on DATABASE_URL (operators run this once before the services).
setup: install
	$(BIN)/python -m services setup

## Load a synthetic region and measure: make bench [SIZE=small|medium|large] (see bench/README.md).
SIZE ?= small
bench: install
	$(BIN)/python -m bench $(SIZE)

clean:
	rm -rf .data .mypy_cache .ruff_cache .pytest_cache
