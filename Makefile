# Vraagbaak: `make serve` and `make test` are the two set-up commands.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install dev index serve test lint types pytest headline eval bench clean seed

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --upgrade --quiet pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[st]'
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

dev: $(VENV)/.dev-installed

index: install
	$(BIN)/vraagbaak ingest || echo "make: some reports could not be indexed (see above); serving the rest"

# The corpus's vectors, shipped beside it (corpus/.vectors.npz) so a fresh clone's first
# index embeds nothing; run after changing the corpus or how it is read, and commit the file.
seed: install
	$(BIN)/vraagbaak seed

serve: index
	$(BIN)/vraagbaak serve --host $(HOST) --port $(PORT)

lint: dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

types: dev
	$(BIN)/mypy vraagbaak ingest index qa app eval bench cli

pytest: dev
	bash scripts/test-setup.sh
	$(BIN)/pytest -q

test: lint types pytest

# The README's headline figures with the real embedder (several minutes cold; CI runs it).
headline: dev
	$(BIN)/pytest -q -m headline tests/eval/test_headline.py

eval: install
	$(BIN)/vraagbaak eval

bench: install
	$(BIN)/vraagbaak bench

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
