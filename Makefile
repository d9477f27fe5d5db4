# Two commands for a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# A Python >= 3.12: python3.13 / python3.12 / python3 on PATH first, then pyenv's installs.
# (pyenv shims exist for versions that are not selected, so each candidate is actually run.)
define FIND_PYTHON
for c in python3.13 python3.12 python3; do \
  p=$$(command -v $$c 2>/dev/null) || continue; \
  $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; exit 0; }; \
done; \
root=$$(pyenv root 2>/dev/null || echo $$HOME/.pyenv); \
for p in $$(ls -d $$root/versions/3.1[2-9]*/bin/python 2>/dev/null | sort -rV); do \
  $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; exit 0; }; \
done; exit 1
endef

.PHONY: help run test test-fast lint format messages worker ci clean browser-deps

help:
	@echo "make run    - set up .venv, migrate, load demo data, serve http://127.0.0.1:8000"
	@echo "make test   - set up .venv if missing and run the whole test suite"
	@echo "make lint   - ruff check and format check"
	@echo "make worker - run a Celery worker (needs REDIS_URL)"

$(STAMP): pyproject.toml
	@set -e; \
	if [ ! -x $(PY) ]; then \
	  base=$$($(FIND_PYTHON)) || { \
	    echo "ERROR: Python 3.12 or newer is required (Django 6.1) and none was found."; \
	    echo "Install one, e.g. 'pyenv install 3.12' or 'apt-get install python3.12 python3.12-venv',"; \
	    echo "then run make again."; exit 1; }; \
	  echo "Creating $(VENV) with $$base"; \
	  $$base -m venv $(VENV); \
	fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

var:
	@mkdir -p var

# Chromium for the browser tests (Debian package; no browser download is possible here).
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Chromium for browser tests"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "WARNING: could not install chromium; browser tests will be skipped."; \
	  elif command -v sudo >/dev/null; then \
	    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
	      || echo "WARNING: could not install chromium; browser tests will be skipped."; \
	  else echo "WARNING: /usr/bin/chromium missing and no root; browser tests will be skipped."; fi; \
	fi

run: $(STAMP) var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Demo accounts are listed in README.md. Serving http://127.0.0.1:8000"
	$(PY) manage.py runserver 127.0.0.1:8000

test: $(STAMP) var browser-deps
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: $(STAMP) var
	$(PY) -m pytest -m "not browser" $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: $(STAMP)
	$(PY) manage.py makemessages -l en --no-obsolete --ignore='.venv/*' --ignore='var/*' --ignore='tests/*'
	$(PY) scripts/translate_en.py
	$(PY) manage.py compilemessages --ignore='.venv/*'

worker: $(STAMP)
	$(VENV)/bin/celery -A config worker --loglevel=INFO

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) var
