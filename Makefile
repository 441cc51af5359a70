# The verbs people type. `make demo` and `make test` work on a fresh machine with
# Python 3.11 and make: they create .venv and install what they need.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
JOBS ?= auto  # pytest-xdist workers for `make test` (one per core)

.PHONY: demo test lint fmt bench bench-scale bench-scale-small migrations-check serve browser-test clean

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found; set PYTHON=python3"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $(STAMP)

demo: $(STAMP)
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_demo
	@# Import previews nobody confirmed are deleted after 24 h (run it daily in production).
	DEBUG=1 $(PY) manage.py expire_import_uploads
	@echo "Serving the demo lab at http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	@# The background worker for import jobs runs beside the server and stops with it.
	@DEBUG=1 $(PY) manage.py db_worker --no-reload --interval 1 & WORKER=$$!; \
	  trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	  DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

serve: demo

test: $(STAMP)
	$(PY) -m pytest -n $(JOBS)

browser-test: $(STAMP)
	$(PY) -m pytest tests/browser -o norecursedirs=".venv"

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: $(STAMP)
	$(PY) manage.py makemigrations --check --dry-run

# Every benchmark; the scale one at its quick size (500 profiles, 20,000 papers, a few
# minutes) when PostgreSQL answers: `make bench-scale` runs the full size.
bench: $(STAMP)
	$(PY) bench/pages.py
	$(PY) bench/writes.py
	$(PY) bench/import_bench.py
	$(PY) bench/move_in_bench.py
	@if pg_isready -q -h $${PGHOST:-127.0.0.1} -p $${PGPORT:-5432} 2>/dev/null; then \
	  $(PY) bench/scale.py --small --no-tenth --seconds 2; \
	else echo "PostgreSQL is not reachable: bench/scale.py skipped (it needs PGHOST/PGPORT/PGUSER)"; fi

# The site at lab scale on PostgreSQL (PGHOST/PGPORT/PGUSER, default 127.0.0.1:5432 postgres):
# 5,000 profiles and 200,000 papers, then one tenth (about 25 minutes); -small: 500 / 20,000.
# Extra options: make bench-scale ARGS="--no-tenth --json scale.json"
bench-scale: $(STAMP)
	$(PY) bench/scale.py $(ARGS)

bench-scale-small: $(STAMP)
	$(PY) bench/scale.py --small $(ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
