# Two commands matter: `make run` serves the site, `make test` runs every check.
# Both create .venv with the Python of .python-version and install what they need.

PYTHON ?= $(shell command -v python$$(cat .python-version) || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed-dev

.PHONY: run test test-fast lint format messages worker bench screenshots clean

$(PY):
	@$(PYTHON) -c 'import sys; v = open(".python-version").read().strip(); \
	  assert "%d.%d" % sys.version_info[:2] == v, f"need Python {v}, found {sys.version.split()[0]}"'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(INSTALLED): $(PY) requirements/base.txt requirements/prod.txt requirements/dev.txt
	$(PY) -m pip install --quiet -r requirements/dev.txt
	@touch $@

run: $(INSTALLED)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo_data
	$(PY) manage.py send_reminders --now
	@echo "Birthday runs at http://127.0.0.1:8000. Ctrl+C stops it."
	@echo "Mail goes to sent_emails/; read it decoded at http://127.0.0.1:8000/dev/inbox/"
	@trap 'kill 0' INT TERM EXIT; \
	  while true; do $(PY) manage.py db_worker --interval 0.5; \
	    echo "make run: the task worker exited ($$?); starting it again in 2 s" >&2; sleep 2; done & \
	  while true; do $(PY) manage.py run_scheduler; \
	    echo "make run: the scheduler exited ($$?); starting it again in 2 s" >&2; sleep 2; done & \
	  $(PY) manage.py runserver 127.0.0.1:8000

worker: $(INSTALLED)
	$(PY) manage.py db_worker

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

test: lint
	$(VENV)/bin/pytest

# The fast part while you work: no drills, browser journeys or other processes (marker `slow`).
test-fast: $(INSTALLED)
	$(VENV)/bin/pytest -m "not slow"

bench: $(INSTALLED)
	$(PY) -m bench.run

format: $(INSTALLED)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: $(INSTALLED)
	$(PY) manage.py makemessages --locale ru --locale en --ignore '.venv/*' --no-obsolete
	$(PY) manage.py compilemessages --ignore '.venv/*'

# Photographs the main pages into docs/screenshots/ (needs Chromium, like the browser tests).
screenshots: $(INSTALLED)
	$(PY) -m tests.e2e.screenshots

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
