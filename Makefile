# The two commands: `make run` and `make test`. Only Python is needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := wsgi

.PHONY: run test lint format bench bench-parse migrate seed worker emulator clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo
	$(BIN)/python -m opsx_api.devserver

test: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider tests

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python -m bench

# OpsX against Parse Server 9.10 (npm, into bench/parse/node_modules); needs
# PostgreSQL, Node.js and wrk. A quick run: BENCH_PARSE_ARGS="--count 20000
# --large 100000 --rounds 2 --seconds 5". See bench/versus_parse.py.
bench-parse: $(STAMP)
	$(BIN)/python -m bench.versus_parse $(BENCH_PARSE_ARGS)

migrate: $(STAMP)
	$(BIN)/flask db upgrade

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
