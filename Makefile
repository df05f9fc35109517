# The two commands: `make run` and `make test`. Everything else is a helper of theirs.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
# The PostgreSQL + Redis run. Override to run several checkouts side by side.
PG_URL ?= postgres://postgres@127.0.0.1:5432/alliance
REDIS_TEST_URL ?= redis://127.0.0.1:6379/1
PYTEST_ARGS ?=
# Production-like values for the deploy check (never used to serve).
DEPLOY_ENV := DEBUG=0 SECRET_KEY=deploy-check-$(shell printf 'x%.0s' {1..60}) ALLOWED_HOSTS=alliance.example.org

.PHONY: messages-extract run test install messages test-sqlite test-postgres test-faults lint checks bench clean

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

install: $(VENV)/.installed

# Compiled catalogues are committed; recompile when gettext is there (CI installs it).
messages: install
	@if command -v msgfmt >/dev/null; then $(PY) manage.py compilemessages --ignore '.venv/*' -v0 --settings=alliance.test_settings; \
	else echo "gettext absent: using the committed .mo files"; fi

run: install messages
	DEBUG=1 $(PY) manage.py migrate --no-input
	DEBUG=1 $(PY) manage.py load_demo --if-empty
	@echo ""
	@echo "  Alliance: http://127.0.0.1:8000  (password of every demo account: demo)"
	@echo "  admin · secretariat · copil (comité de pilotage) · delegue · membre"
	@echo ""
	DEBUG=1 $(VENV)/bin/daphne -b 127.0.0.1 -p 8000 alliance.asgi:application

test: install messages test-sqlite test-postgres

test-sqlite:
	@echo "== Test suite on SQLite with the in-memory channel layer =="
	env -u DATABASE_URL -u REDIS_URL $(PY) -m pytest -m "not postgres" $(PYTEST_ARGS)

test-postgres:
	@echo "== Test suite on PostgreSQL with the Redis channel layer =="
	@if DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) $(PY) -m tests.services; then \
		DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) $(PY) -m pytest $(PYTEST_ARGS); \
	elif [ "$${CI:-}" = "true" ]; then \
		echo "CI=true: PostgreSQL and Redis are required, nothing may skip." >&2; exit 1; \
	else \
		echo "SKIPPED: the PostgreSQL + Redis run (services not reachable, see above)."; \
	fi

# The fault harness (tests/faults): its own PostgreSQL cluster, Redis and daphne processes,
# which it kills and restarts; needs the PostgreSQL server binaries and redis-server.
test-faults: install
	@echo "== Fault harness: kill -9 of daphne, Redis stopped, PostgreSQL restarted =="
	env -u DATABASE_URL -u REDIS_URL $(PY) -m pytest tests/faults --faults -p no:cacheprovider $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

checks: install
	$(PY) manage.py makemigrations --check --dry-run --settings=alliance.test_settings
	$(DEPLOY_ENV) $(PY) manage.py check --deploy --fail-level WARNING

# Both configurations, every scenario; e.g. `make bench BENCH_ARGS="embedded -- --hold 60"`.
BENCH_ARGS ?=
bench: install
	$(PY) -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .test-db.sqlite3* .daphne-*.log .pytest_cache staticfiles

# Extract French msgids into each app's English catalogue, then fill them from its table.
APPS_WITH_MESSAGES ?= alliance proposals deliberation documents assemblies frontend
messages-extract: install
	@for app in $(APPS_WITH_MESSAGES); do \
		[ -d $$app ] || continue; mkdir -p $$app/locale; \
		(cd $$app && DJANGO_SETTINGS_MODULE=alliance.test_settings PYTHONPATH=.. \
			$(abspath $(VENV))/bin/django-admin makemessages -l en --no-obsolete -v0); \
		$(PY) scripts/po_fill.py locale/en-tables $$app/locale/en/LC_MESSAGES/django.po || true; \
	done
	$(PY) manage.py compilemessages --ignore '.venv/*' -v0 --settings=alliance.test_settings
