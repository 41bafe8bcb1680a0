# Two commands do all the set-up on a fresh machine with Python 3.11:
#   make demo   - create .venv, install, start the hub with its embedded Odoo sandbox
#   make test   - create .venv, install, run linters, type checks, import contracts and all tests
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: demo test lint typecheck unit bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

demo: $(STAMP)
	$(BIN)/healthbridge demo

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/pytest -n auto --dist loadgroup

unit: $(STAMP)
	$(BIN)/pytest tests/unit -n auto

bench: $(STAMP)
	$(BIN)/python benchmarks/odoo_connector.py

clean:
	rm -rf $(VENV) .healthbridge .pytest_cache .mypy_cache .ruff_cache
