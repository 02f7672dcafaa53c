# The two commands of the README: `make run` and `make test`.
# Both create the virtual environment and install the locked dependencies first:
# requirements.lock pins every package, direct or not, with its hashes (`make lock`
# writes it again from pyproject.toml).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | sha1sum | cut -c1-12)
# Where `make run` serves the app: `make run PORT=8001` runs a second instance beside the first.
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint install lock chromium worker

install: $(STAMP)

# Every package exactly as locked, each file checked against its hash; then the project
# itself, which adds nothing the lock does not hold, built with the locked setuptools
# (no unpinned download into a build environment).
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-*
	touch $@

# Write requirements.lock again after a change of pyproject.toml's dependencies (a test
# fails until it is done). `make lock UPGRADE=1` moves every unpinned package to its
# newest release.
lock: $(STAMP)
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --extra dev --strip-extras \
		--no-emit-index-url --no-emit-find-links $(if $(UPGRADE),--upgrade) \
		--output-file requirements.lock pyproject.toml

# Serve the app on http://$(HOST):$(PORT) with the SDG catalogue and demo data loaded,
# and a Celery worker (with beat, for the sweep) beside it in the background: no request
# waits for a job. Without CELERY_BROKER_URL the jobs go through the embedded filesystem
# broker in var/broker/. The worker stops when the server does (Ctrl-C).
WORKER_OPTIONS := --loglevel INFO --concurrency 1 --without-gossip --without-mingle --without-heartbeat

run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_sdg_catalogue
	$(BIN)/python manage.py load_demo
	$(BIN)/celery -A msd_planner worker -B $(WORKER_OPTIONS) & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The whole test suite: PostgreSQL when DATABASE_URL says so, SQLite otherwise.
test: $(STAMP) chromium
	$(BIN)/python -m pytest

# mypy's settings (strict in the kernel and msd_planner.lib, gradual elsewhere) are in
# pyproject.toml; its cache (.mypy_cache/) makes a second run take seconds.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python manage.py makemigrations --check --dry-run

# Browser tests drive Debian's Chromium; install it when it is missing (needs root).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

# A Celery worker on its own (with beat: run exactly one of these per broker), e.g. when
# the web server runs elsewhere.
worker: $(STAMP)
	$(BIN)/celery -A msd_planner worker -B $(WORKER_OPTIONS)
