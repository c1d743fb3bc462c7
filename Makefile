# CBAM Exchange — every target is listed by `make help`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
ADDR ?= 127.0.0.1:8000
# The address e-mails link to: where `make demo` / `make run` serve, unless set.
SITE_URL ?= http://$(ADDR)

.DEFAULT_GOAL := help
.PHONY: help install messages screenshots demo run tls worker migrate seed test test-fast lint format typecheck contracts check deploy-check lock ci clean

help: ## List every target
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(VENV)/.installed: requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --require-hashes -r requirements.lock
	@touch $@

install: $(VENV)/.installed ## Create the virtualenv and install the locked dependencies

messages: install ## Compile the translation catalogues (zh-Hans) of every app
	$(PY) manage.py compile_translations

migrate: messages ## Apply database migrations
	$(PY) manage.py migrate --noinput

seed: migrate ## Load reference data and the demo world of demo/data/ (idempotent: safe to run again)
	$(PY) manage.py load_reference_data
	$(PY) manage.py seed_demo
	$(PY) manage.py seed_demo_footprints
	$(PY) manage.py seed_demo_exchange

demo: seed ## Set up everything and run the platform (web on $(ADDR) + a worker) on SQLite; e-mails link to $(SITE_URL)
	SITE_URL=$(SITE_URL) $(PY) manage.py run_platform $(ADDR)

run: migrate ## Run web server and worker without re-seeding (e-mail links: $(SITE_URL))
	SITE_URL=$(SITE_URL) $(PY) manage.py run_platform $(ADDR)

# `make tls` serves on 127.0.0.1:8443 unless ADDR is given (`make tls ADDR=127.0.0.1:9443`).
TLS_ADDR := $(if $(filter command line environment,$(origin ADDR)),$(ADDR),127.0.0.1:8443)

tls: migrate ## Serve the platform over TLS (PACT: /3/, /auth/token) on 127.0.0.1:8443 with a generated certificate (var/tls/cert.pem); no worker
	SITE_URL=https://$(TLS_ADDR) $(PY) manage.py serve_tls $(TLS_ADDR)

worker: install ## Run a Celery worker with the beat scheduler
	$(PY) -m celery -A config worker --beat --schedule=var/celerybeat-schedule --loglevel=INFO -Q cbam

# The tests run on two processes (pytest-xdist): `make test PYTEST_XDIST=` runs them on one,
# `PYTEST_XDIST="-n 4 --dist loadgroup"` on four. Keep `--dist loadgroup`: tests marked
# `xdist_group` share a process. xdist schedules by node id: tests/conftest.py gives each
# schema-fuzz case its own (they shared one, and ran as one) and refuses a run where two share one.
PYTEST_XDIST ?= -n 2 --dist loadgroup

test: messages ## Run the whole test suite on two processes (PostgreSQL/Redis when DATABASE_URL/CELERY_BROKER_URL are set)
	$(PY) -m pytest $(PYTEST_XDIST) $(PYTEST_ARGS)

test-fast: messages ## Run the tests that need no worker process
	$(PY) -m pytest $(PYTEST_XDIST) -m "not slow" $(PYTEST_ARGS)

screenshots: messages ## Re-make the README's screenshots (docs/screenshots/) with the browser tests
	CBAM_SCREENSHOTS=1 $(PY) -m pytest tests/browser -p no:cacheprovider -q

lint: install ## Ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install ## Format the code with ruff
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

typecheck: install ## mypy with the Django and DRF plugins
	$(VENV)/bin/mypy .

contracts: install ## Import contracts: the engine is pure, apps import only the layers below (pyproject.toml)
	$(VENV)/bin/lint-imports

deploy-check: install ## `check --deploy` with production-like settings
	DEBUG=false SECRET_KEY=ci-only-$$(head -c 48 /dev/urandom | base64 | tr -d '/+=') \
	FIELD_ENCRYPTION_KEY=$$($(PY) -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())') \
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/cbam} \
	CELERY_BROKER_URL=$${CELERY_BROKER_URL:-redis://127.0.0.1:6379/0} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/1} ALLOWED_HOSTS=cbam.example.com \
	SITE_URL=https://cbam.example.com \
	$(PY) manage.py check --deploy --fail-level WARNING

check: lint typecheck contracts deploy-check ## Lint, types, import contracts, migrations up to date, deploy check
	$(PY) manage.py makemigrations --check --dry-run

lock: ## Re-resolve requirements.lock from pyproject.toml (needs uv)
	$(PIP) install --quiet uv && $(VENV)/bin/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements.lock

ci: ## What CI runs: checks and the whole suite on PostgreSQL + Redis
	bash .ci/run

clean: ## Remove the virtualenv and local data (SQLite database, broker folders)
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
