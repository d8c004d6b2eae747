# Scrutiny – `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# Tests always run on PostgreSQL; this is the machine's local server unless DATABASE_URL says otherwise.
TEST_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/scrutiny)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help run dev serve test test-browser screenshots browser-deps system-deps lint format check assets demo bench clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-12s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/build/app.css: node_modules/.installed static/scss/app.scss
	mkdir -p static/build
	npm run -s build:css
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js static/build/

assets: static/build/app.css ## Build GOV.UK Frontend styles and scripts into static/build

var:
	mkdir -p var

demo: $(VENV)/.installed assets var ## Migrate and load the demo committee and logins
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo

# honcho runs each line of the Procfile and stops them all together (Ctrl-C); `-p` gives the web process $(PORT).
HONCHO := PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/honcho

run: demo ## Set everything up and serve on http://127.0.0.1:8000 with the job worker (SQLite, or PostgreSQL via DATABASE_URL)
	HOST=$(HOST) DJANGO_SETTINGS_MODULE=config.settings.local $(HONCHO) -f Procfile.local start -p $(PORT)

dev: run ## Alias for run

# `make serve`: the production settings on loopback, as the council would run them (README "Running in production").
SERVE_ENV = DJANGO_SETTINGS_MODULE=config.settings.production \
	SECRET_KEY="$${SECRET_KEY:-$$(cat var/serve-secret-key)}" \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	SECURE_SSL_REDIRECT="$${SECURE_SSL_REDIRECT:-false}" \
	CELERY_BROKER_URL="$${CELERY_BROKER_URL:-amqp://guest:guest@127.0.0.1:5672//}" \
	CACHE_URL="$${CACHE_URL:-redis://127.0.0.1:6379/1}" \
	HOST=$(HOST)

var/serve-secret-key: | var
	$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

serve: $(VENV)/.installed assets var/serve-secret-key ## Production shape on loopback: gunicorn, worker, scheduler (needs DATABASE_URL, RabbitMQ, Redis)
	@test -n "$(DATABASE_URL)" || { echo "make serve needs DATABASE_URL (PostgreSQL), e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/scrutiny make serve"; exit 1; }
	$(SERVE_ENV) $(PY) manage.py migrate --noinput
	$(SERVE_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(SERVE_ENV) $(HONCHO) -f Procfile start -p $(PORT)

lint: $(VENV)/.installed-dev ## ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-dev ## Apply ruff fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: $(VENV)/.installed-dev ## Django system checks and missing-migration check
	DATABASE_URL=$(TEST_DATABASE_URL) DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py check
	DATABASE_URL=$(TEST_DATABASE_URL) DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run

browser-deps: ## Debian Chromium and Java for the browser and HTML-validity tests (no browser download)
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	@command -v java >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless; }

system-deps: ## PostgreSQL's client tools (pg_dump, pg_restore) for backup/restore; the PDFs' font (Liberation Sans)
	@command -v pg_dump >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client; }
	@# The papers are set in Arial or its metric twin, Liberation Sans (_print.css): without it a PDF falls back to a wider
	@# face and its tables wrap differently from the council's (Chromium happens to pull it in; this does not rely on that).
	@dpkg -s fonts-liberation >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-liberation; }

test: $(VENV)/.installed-dev assets browser-deps system-deps lint check ## Lint, checks and the whole test suite on PostgreSQL
	DATABASE_URL=$(TEST_DATABASE_URL) $(VENV)/bin/pytest $(PYTEST_ARGS)

test-browser: $(VENV)/.installed-dev assets browser-deps ## Only the real-browser journeys and accessibility gate
	DATABASE_URL=$(TEST_DATABASE_URL) $(VENV)/bin/pytest tests/browser $(PYTEST_ARGS)

screenshots: $(VENV)/.installed-dev assets browser-deps ## Screenshots of every page type at 1280 and 375 px into var/screenshots/
	DATABASE_URL=$(TEST_DATABASE_URL) SCREENSHOTS=1 $(VENV)/bin/pytest tests/browser/test_screenshots.py $(PYTEST_ARGS)

bench: $(VENV)/.installed-dev assets ## Benchmarks against the floor view (prints a table)
	DATABASE_URL=$(TEST_DATABASE_URL) $(PY) -m bench

clean: ## Remove the virtualenv, node_modules, built assets and var/
	rm -rf $(VENV) node_modules static/build var
