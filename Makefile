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

.PHONY: help run test test-fast guides lint format messages messages-check worker ci clean browser-deps gettext-deps fonts-deps bench services

help:
	@echo "make run    - set up .venv, migrate, load demo data, serve http://127.0.0.1:8000"
	@echo "make run-prod - the production settings (DEBUG off) on this machine: collectstatic, migrate, gunicorn"
	@echo "make test   - set up .venv if missing and run the whole test suite"
	@echo "make guides - redo the user guides' screenshots (docs/guides/images) from the browser tests"
	@echo "make lint   - ruff check, format check and the import contracts (app layers)"
	@echo "make messages - update and compile the English catalog (locale/en)"
	@echo "make worker - run a Celery worker (needs REDIS_URL)"
	@echo "make bench  - load-test the key pages on PostgreSQL under gunicorn (README: Performance)"

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

# nginx for tests/ops/test_nginx.py, which runs deploy/nginx/zhicheng.conf in a real nginx.
nginx-deps:
	@if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing nginx-light for the nginx configuration tests"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null) \
	      || echo "WARNING: could not install nginx-light; the nginx tests will be skipped."; \
	  elif command -v sudo >/dev/null; then \
	    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null \
	      || echo "WARNING: could not install nginx-light; the nginx tests will be skipped."; \
	  else echo "WARNING: nginx missing and no root; the nginx tests will be skipped."; fi; \
	fi

# The CJK TrueType font embedded in the generated PDFs (evaluation form, expert packet):
# WenQuanYi Zen Hei, Debian package fonts-wqy-zenhei. Without it the PDFs fall back to the
# non-embedded CID font STSong-Light (documents/fonts.py) and the font test fails.
WQY_FONT := /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc

fonts-deps:
	@if [ ! -f $(WQY_FONT) ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing fonts-wqy-zenhei for the generated PDFs"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-zenhei >/dev/null) \
	      || echo "WARNING: could not install fonts-wqy-zenhei; PDFs will use a non-embedded font."; \
	  elif command -v sudo >/dev/null; then \
	    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-zenhei >/dev/null \
	      || echo "WARNING: could not install fonts-wqy-zenhei; PDFs will use a non-embedded font."; \
	  else echo "WARNING: $(WQY_FONT) missing and no root; PDFs will use a non-embedded font."; fi; \
	fi

# GNU gettext (xgettext, msgmerge, msgfmt, msgattrib) for the translation catalog.
gettext-deps:
	@if ! command -v msgfmt >/dev/null || ! command -v msgattrib >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing gettext"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; \
	  elif command -v sudo >/dev/null; then \
	    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; \
	  fi; \
	  command -v msgfmt >/dev/null && command -v msgattrib >/dev/null \
	    || { echo "ERROR: GNU gettext is needed (apt-get install gettext)."; exit 1; }; \
	fi

run: $(STAMP) var fonts-deps
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Demo accounts are listed in README.md. Serving http://127.0.0.1:8000"
	$(PY) manage.py runserver 127.0.0.1:8000

# The suite runs in one process per CPU (pytest-xdist); PYTEST_WORKERS=0 runs it in this one.
# worksteal: an idle worker takes tests queued for the other, so the long browser tests do not
# leave one CPU idle at the end.
PYTEST_WORKERS ?= auto

test: $(STAMP) var browser-deps fonts-deps nginx-deps
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

test-fast: $(STAMP) var fonts-deps nginx-deps
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist worksteal -m "not browser" $(PYTEST_ARGS)

# The guides' screenshots (docs/guides/images/), taken by the browser tests that perform each
# guide's steps (tests/browser/test_guides.py); commit the changed images with the guides.
guides: $(STAMP) var browser-deps fonts-deps
	UPDATE_GUIDES=1 $(PY) -m pytest -n 0 tests/browser/test_guides.py $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The English catalog: extract the Chinese msgids into locale/en/LC_MESSAGES/django.po (existing
# translations are kept; new strings come in untranslated, never as fuzzy guesses), compile it,
# then list what is still untranslated or fuzzy. Translate those in the .po and run it again.
PO_EN := locale/en/LC_MESSAGES/django.po

messages: $(STAMP) gettext-deps
	$(PY) manage.py makemessages -l en --no-obsolete --ignore='.venv/*' --ignore='var/*' --ignore='tests/*'
	$(PY) manage.py compilemessages --ignore='.venv/*'
	@$(MAKE) --no-print-directory messages-check

# Fails while an entry of the English catalog is untranslated or fuzzy, and lists them.
messages-check: gettext-deps
	@stats=$$(LC_ALL=C msgfmt --statistics -o /dev/null $(PO_EN) 2>&1); \
	echo "$(PO_EN): $$stats"; \
	case "$$stats" in *fuzzy*|*untranslated*) \
	  msgattrib --untranslated --no-wrap $(PO_EN) | sed -n 's/^msgid "\(..*\)"$$/  untranslated: \1/p'; \
	  msgattrib --only-fuzzy --no-wrap $(PO_EN) | sed -n 's/^msgid "\(..*\)"$$/  fuzzy: \1/p'; \
	  echo "Write their English as msgstr in $(PO_EN) (for a fuzzy one, check it and remove"; \
	  echo "its '#, fuzzy' line), then run make messages again."; \
	  exit 1;; \
	esac

# `make bench`: PostgreSQL and Redis (started as .ci/run starts them), the bench extra (locust,
# psutil), then bench/run.py. BENCH_ARGS=--reuse keeps the seeded database; BENCH_ARGS=--memory
# runs the memory check. See README.md, "Performance".
BENCH_STAMP := $(VENV)/.installed-bench
BENCH_DATABASE ?= zc_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/12
BENCH_SECONDS ?= 20
BENCH_ARGS ?=

$(BENCH_STAMP): $(STAMP) pyproject.toml
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	@touch $(BENCH_STAMP)

services:
	@if ! pg_isready -q -h 127.0.0.1 -p 5432; then \
	  echo "Starting PostgreSQL"; \
	  pg_ctlcluster --skip-systemctl-redirect "$$(ls /etc/postgresql | head -1)" main start; \
	fi
	@if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then \
	  echo "Starting Redis"; \
	  mkdir -p /var/lib/redis /var/log/redis; \
	  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
	    --dir /var/lib/redis --logfile /var/log/redis/ci.log; \
	fi
	@for _ in $$(seq 1 30); do \
	  pg_isready -q -h 127.0.0.1 -p 5432 && redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; \
	  sleep 1; \
	done
	@pg_isready -h 127.0.0.1 -p 5432 && redis-cli -h 127.0.0.1 -p 6379 ping

bench: $(BENCH_STAMP) var fonts-deps services
	BENCH_DATABASE=$(BENCH_DATABASE) BENCH_REDIS_URL=$(BENCH_REDIS_URL) \
	  BENCH_SECONDS=$(BENCH_SECONDS) $(PY) -m bench $(BENCH_ARGS)

# `make run-prod`: the production settings (DEBUG off) on this machine, without Docker. DEBUG off
# serves only collected, hashed static files, so collectstatic runs first (without it every
# page is a 500 "Missing staticfiles manifest entry"); then migrate and gunicorn on
# http://localhost:8000. Plain HTTP here, so no HTTPS redirect or HSTS; the cookies stay Secure,
# which browsers accept on localhost (use http://localhost:8000, not another host name).
# Set DATABASE_URL, REDIS_URL, AWS_STORAGE_BUCKET_NAME... in the environment or .env as in
# production; SECRET_KEY defaults to a random one (sessions end when the server stops).
PROD_BIND ?= 127.0.0.1:8000

run-prod: $(STAMP) var fonts-deps
	@set -e; \
	export DEBUG=false SECURE_SSL_REDIRECT=false SECURE_HSTS_SECONDS=0; \
	export SECRET_KEY="$${SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')}"; \
	$(PY) manage.py collectstatic --noinput --verbosity 0; \
	$(PY) manage.py migrate --noinput; \
	echo "Serving http://$(subst 127.0.0.1,localhost,$(PROD_BIND)) with DEBUG off (Ctrl-C stops it)"; \
	$(VENV)/bin/gunicorn config.wsgi:application --bind $(PROD_BIND) --workers 3 --access-logfile -

worker: $(STAMP) fonts-deps
	$(VENV)/bin/celery -A config worker --loglevel=INFO

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) var
