# Two commands for a new user: `make run` (set up and serve) and `make test` (every test, both databases).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
DEV_STAMP := $(VENV)/.dev-installed
RUN_STAMP := $(VENV)/.installed

.PHONY: run test test-sqlite test-postgres lint format bench messages check-deploy clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): requirements.txt | $(PY)
	$(PIP) install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@ $(RUN_STAMP)

# A random development key, created once and kept (git-ignored) so sessions survive restarts.
.secret_key:
	$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

run: $(RUN_STAMP) .secret_key
	DEBUG=1 SECRET_KEY="$$(cat .secret_key)" $(PY) manage.py setup_registry
	DEBUG=1 SECRET_KEY="$$(cat .secret_key)" $(PY) manage.py runserver 127.0.0.1:8000

# Tests run with a throwaway key; the PostgreSQL half starts its own cluster.
TEST_ENV := SECRET_KEY=test-only-not-secret DEBUG=0 STATIC_MANIFEST=0 SECURE_SSL_REDIRECT=0
PYTEST_ARGS ?=
# Coverage is measured on the SQLite half only (it costs that half about half again its CPU time) and
# must stay at or above [tool.coverage.report] fail_under in pyproject.toml. COVERAGE= turns it off.
COVERAGE ?= --cov --cov-report=term:skip-covered

test: test-sqlite test-postgres

test-sqlite: $(DEV_STAMP)
	@echo "=== Test suite on SQLite ==="
	$(TEST_ENV) DATABASE_URL= $(PY) -m pytest $(COVERAGE) $(PYTEST_ARGS)

test-postgres: $(DEV_STAMP)
	@echo "=== Test suite on PostgreSQL ==="
	$(TEST_ENV) $(PY) scripts/with_postgres.py -- $(PY) -m pytest $(PYTEST_ARGS)

# The quality gate CI runs before the tests: lint rules, formatting and types (settings in pyproject.toml).
# mypy's Django plugin imports the settings, which want a key.
lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(TEST_ENV) $(VENV)/bin/mypy

format: $(DEV_STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(DEV_STAMP)
	$(TEST_ENV) $(PY) scripts/with_postgres.py -- $(PY) bench/run.py $(BENCH_ARGS)

# Refresh the zh_Hans catalogue after changing strings, then compile it (the .mo is committed).
messages: $(DEV_STAMP)
	cd registry && DEBUG=1 ../$(PY) ../manage.py makemessages -l zh_Hans --no-obsolete --no-location
	cd registry && DEBUG=1 ../$(PY) ../manage.py compilemessages -l zh_Hans

check-deploy: $(RUN_STAMP)
	DEBUG=0 SECRET_KEY="$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	  ALLOWED_HOSTS=registry.example.org $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
