# Two commands do everything from a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
LOCALES := conversations/locales
BABEL_KEYWORDS := -k _ -k t -k N_ -k texts

.PHONY: run test install install-test messages bench clean

run: install
	$(BIN)/ocop-bot run

test: install-test
	$(BIN)/ruff check .
	$(BIN)/ocop-bot knowledge check
	$(BIN)/python -m pytest $(PYTEST_ARGS)

install: $(STAMP)
install-test: $(TEST_STAMP)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP) $@

# For developers: after changing user-facing text, refresh the catalogs and translate.
messages:
	$(BIN)/pybabel extract -F babel.cfg $(BABEL_KEYWORDS) --no-location --sort-output \
		-o $(LOCALES)/messages.pot .
	$(BIN)/pybabel update -i $(LOCALES)/messages.pot -d $(LOCALES) -D messages --no-fuzzy-matching \
		--ignore-obsolete

# Every benchmark with its floor or peer, on SQLite and PostgreSQL; figures go to docs/benchmarks.md.
BENCH_PG ?= postgresql://postgres@127.0.0.1:5432/test
bench: install-test
	$(BIN)/python bench/engine.py --pg $(BENCH_PG) --write
	$(BIN)/python bench/faq.py
	$(BIN)/python bench/reminders.py --pg $(BENCH_PG) --write
	$(BIN)/python bench/broadcast.py --pg $(BENCH_PG) --write
	$(BIN)/python bench/telegram_e2e.py --write
	$(BIN)/python bench/material.py --write
	$(BIN)/python bench/abuse.py --pg $(BENCH_PG) --write

clean:
	rm -rf $(VENV) var
