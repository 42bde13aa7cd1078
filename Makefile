# Handoff — every command the project runs, the same locally and in CI.
VENV    := .venv
PY      := $(VENV)/bin/python
FLASK   := $(VENV)/bin/flask --app wsgi
PYTEST  := $(VENV)/bin/pytest
STAMP   := $(VENV)/.installed
PORT    ?= 5000
export FLASK_APP := wsgi

.PHONY: install run serve db demo test test-unit test-api test-integration test-web test-e2e \
        test-postgres lint bench load-and-faults browser libreoffice wrk clean

install: $(STAMP)

$(STAMP): setup.cfg pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

db: install
	$(FLASK) db upgrade

demo: db
	$(FLASK) demo load --if-empty

run: demo
	SCHEDULER_EMBEDDED=1 $(FLASK) run --port $(PORT)

test: install browser libreoffice
	$(PYTEST) -q

test-unit: install
	$(PYTEST) -q tests/unit

test-api: install
	$(PYTEST) -q tests/api

test-integration: install
	$(PYTEST) -q tests/integration

test-web: install
	$(PYTEST) -q tests/web

test-e2e: install browser
	$(PYTEST) -q tests/e2e

# The API, page and integration tests again, on throw-away PostgreSQL databases (the conftests make them).
PG_URL ?= postgresql://root@127.0.0.1:5432/postgres
test-postgres: install
	TEST_POSTGRES_ADMIN_URL=$(PG_URL) TEST_DATABASE=postgresql $(PYTEST) -q tests/api tests/web tests/integration

lint: install
	$(VENV)/bin/ruff check app terms kickoff tests bench tools wsgi.py gunicorn.conf.py
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(PY) tools/make_brief_template.py --check

bench: install wrk
	$(PY) bench/run_all.py

# Not part of `make bench`: about three minutes, root (it runs a private PostgreSQL as the
# postgres user), and it measures robustness, not speed. SECONDS_OF_LOAD=20 for a short run.
SECONDS_OF_LOAD ?= 60
load-and-faults: install
	$(PY) bench/load_and_faults.py --seconds $(SECONDS_OF_LOAD)

# The HTTP benchmark's load generator: Debian's wrk, lean enough to leave the cores to the app.
wrk:
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	  apt-get install -y -qq --no-install-recommends wrk; }

# LibreOffice renders the brief in a test (page count); the fonts stand in for Calibri and
# Courier New with the same widths, so the page count is the same everywhere.
LIBREOFFICE_PACKAGES := libreoffice-writer-nogui fonts-crosextra-carlito fonts-liberation2
# The browser tests drive Debian's Chromium (Playwright cannot download its own here).
browser:
	@test -x /usr/bin/chromium || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	  apt-get install -y -qq --no-install-recommends chromium; }

libreoffice:
	@dpkg -s $(LIBREOFFICE_PACKAGES) >/dev/null 2>&1 || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends $(LIBREOFFICE_PACKAGES); }

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache .hypothesis
