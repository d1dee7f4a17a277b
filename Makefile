# Two commands do everything from a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
CATALOGS := locales/vi/LC_MESSAGES/messages.mo locales/en/LC_MESSAGES/messages.mo
BABEL_KEYWORDS := -k _ -k t -k N_ -k texts

.PHONY: run test install install-test catalogs messages lint bench clean

run: install catalogs
	$(BIN)/ocop-bot run

test: install-test catalogs
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

catalogs: $(CATALOGS)

locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po | $(VENV)/bin/python
	$(BIN)/pybabel compile --use-fuzzy -d locales -D messages -l $* >/dev/null

# For developers: after changing user-facing text, refresh the catalogs and translate.
messages:
	$(BIN)/pybabel extract -F babel.cfg $(BABEL_KEYWORDS) --no-location --sort-output \
		-o locales/messages.pot .
	$(BIN)/pybabel update -i locales/messages.pot -d locales -D messages --no-fuzzy-matching \
		--ignore-obsolete

bench: install-test catalogs
	$(BIN)/python bench/engine.py

clean:
	rm -rf $(VENV) var
