# Everything installs from nothing: `make test` and `make chat` build the virtualenv first.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: test check lint types unit chat bench soak clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("vidskill needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[local,test]'
	touch $(STAMP)

test: check unit

check: lint types

lint: $(STAMP)
	$(PY) -m ruff check vidskill tests bench
	$(PY) -m ruff format --check vidskill tests bench

types: $(STAMP)
	$(PY) -m mypy

unit: $(STAMP)
	$(PY) -m pytest -m "not soak" $(PYTEST_ARGS)

chat: $(STAMP)
	$(PY) -m vidskill chat --local

$(VENV)/.bench-installed: $(STAMP) pyproject.toml
	$(PY) -m pip install --quiet -e '.[local,test,bench]'
	touch $(VENV)/.bench-installed

bench: $(VENV)/.bench-installed
	$(PY) -m bench $(BENCH_ARGS)

soak: $(STAMP)
	$(PY) -m pytest -m soak $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
