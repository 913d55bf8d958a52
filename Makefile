# The single list of what one can do with Candour. `make run` and `make test` are all a
# new developer needs; everything installs into .venv from the pinned lock files.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev
# Redocly CLI, which lints the OpenAPI document, pinned in openapi/package-lock.json.
STAMP_NODE := openapi/node_modules/.installed
REDOCLY := openapi/node_modules/.bin/redocly

.PHONY: run test lint format openapi lint-openapi check-openapi lock migrate worker bench backup restore clean help

help:
	@echo "make run      install, start the embedded database, load the demo, serve on :8000"
	@echo "make test     lint, then the whole test suite (PostgreSQL, SMTP and Chromium are real)"
	@echo "make lint     ruff, mypy and the import contracts"
	@echo "make openapi  regenerate openapi/openapi.json from the app"
	@echo "make lint-openapi  lint openapi/openapi.json with Redocly's recommended rules"
	@echo "make lock     re-pin requirements*.txt from pyproject.toml"
	@echo "make bench    build a 50,000-idea conversation and measure the API against a bare baseline"
	@echo "make backup   back up the database (DATABASE_URL or the embedded one) to var/backups/"
	@echo "make restore FILE=…  restore a backup into an empty database, then re-apply the erasure ledger"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP_RUN): $(BIN)/python requirements.txt pyproject.toml
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(STAMP_DEV): $(STAMP_RUN) requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

$(STAMP_NODE): openapi/package.json openapi/package-lock.json
	npm ci --prefix openapi --no-audit --no-fund --loglevel=error
	touch $@

run: $(STAMP_RUN)
	$(BIN)/python -m candour serve

migrate: $(STAMP_RUN)
	$(BIN)/python -m candour migrate

worker: $(STAMP_RUN)
	$(BIN)/python -m candour worker

backup: $(STAMP_RUN)
	$(BIN)/python -m candour backup

# CLEAN=1 replaces what a database in use holds; without it only an empty one is restored into.
restore: $(STAMP_RUN)
	@test -n "$(FILE)" || { echo "make restore FILE=var/backups/candour-….dump [CLEAN=1]" >&2; exit 2; }
	$(BIN)/python -m candour restore $(if $(CLEAN),--clean) "$(FILE)"

lint: $(STAMP_DEV)
	$(BIN)/ruff check backend tests migrations bench
	$(BIN)/ruff format --check backend tests migrations bench
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP_DEV)
	$(BIN)/ruff check --fix backend tests migrations bench
	$(BIN)/ruff format backend tests migrations bench

test: lint $(STAMP_NODE)
	$(BIN)/pytest $(PYTEST_ARGS)

openapi: $(STAMP_RUN)
	$(BIN)/python -m candour openapi openapi/openapi.json

lint-openapi: $(STAMP_NODE)
	$(REDOCLY) lint --config openapi/redocly.yaml openapi/openapi.json

lock: $(BIN)/python
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --strip-extras --no-header --no-emit-index-url --no-emit-find-links -o requirements.txt pyproject.toml
	$(BIN)/pip-compile --quiet --strip-extras --no-header --no-emit-index-url --no-emit-find-links --extra test --extra dev -o requirements-dev.txt pyproject.toml

bench: $(STAMP_DEV)
	$(BIN)/python bench/generate.py
	$(BIN)/python bench/generate.py --small
	$(BIN)/python bench/load.py --small-database candour_bench_small --wait-quiet 20

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache openapi/node_modules
