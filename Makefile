# Nastavnik — the commands people and CI use. Everything installs itself into .venv.
# The newest supported Python on PATH that runs (`make PYTHON=…` names another), looked for only
# when .venv is to be made; pyproject.toml's requires-python says the same range.
SUPPORTED_CHECK := import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	$$p -c '$(SUPPORTED_CHECK)' 2>/dev/null && { command -v $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
MAKEFLAGS += --no-print-directory

.PHONY: install run test test-unit test-cluster lint format token setup worker bench sbom audit clean

# A .venv that cannot run or install is removed, never left half-made for the next command.
$(STAMP): pyproject.toml
	@$(if $(PYTHON),$(PYTHON) -c '$(SUPPORTED_CHECK)' 2>/dev/null,false) || { echo "Nastavnik \
	needs Python 3.11, 3.12 or 3.13: $(if $(PYTHON),$(PYTHON) is $$($(PYTHON) --version 2>&1 \
	| head -1),none of them is on PATH). Install one, or name it: make PYTHON=/usr/bin/python3.12" \
	>&2; exit 1; }
	@$(BIN)/python -c '$(SUPPORTED_CHECK)' 2>/dev/null || { rm -rf $(VENV) && \
	$(PYTHON) -m venv $(VENV); } || { rm -rf $(VENV); echo "Could not create .venv with \
	$(PYTHON) (Debian and Ubuntu: apt-get install python3-venv)" >&2; exit 1; }
	@echo "Installing the pinned dependencies into .venv with $$($(BIN)/python --version) \
	(the first time takes a few minutes)…" >&2
	@$(BIN)/python -m pip install --disable-pip-version-check --progress-bar on \
	-e '.[dev]' >&2 || { rm -rf $(VENV); echo "Installing failed: .venv removed; run the \
	command again" >&2; exit 1; }
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

## Start the embedded PostgreSQL (unless DATABASE_URL is set), the schema, the demo region and
## the three services; Ctrl-C stops everything.
run: install
	$(BIN)/python -m services run

## The several-host tests (tests/cluster): hosts made with network namespaces, PostgreSQL primary
## and streaming replica, two replicas of each service behind HAProxy; needs root. Not in `make test`.
test-cluster: install
	CLUSTER_TESTS=1 $(BIN)/python -m pytest tests/cluster -s $(PYTEST_ARGS)

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
	tools/redocly/lint $(BIN)/python
	tools/graphql-schema-linter/lint

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

## A CycloneDX SBOM (JSON) of everything installed in .venv: make sbom [SBOM=path].
SBOM ?= build/sbom.cdx.json
sbom: install
	@mkdir -p $(dir $(SBOM))
	$(BIN)/cyclonedx-py environment --pyproject pyproject.toml --output-reproducible \
	--of JSON -o $(SBOM) $(BIN)/python
	@echo "SBOM written to $(SBOM)"

## Known vulnerabilities of .venv's packages (pip-audit asks PyPI, so it needs that service; where it
## is out of reach, the target says so and fails, unless AUDIT_ARGS=--where-reachable, as CI runs
## it). Not part of `make test`.
audit: install
	$(BIN)/python tools/audit.py $(AUDIT_ARGS)

clean:
	rm -rf .data .mypy_cache .ruff_cache .pytest_cache $(VENV)
