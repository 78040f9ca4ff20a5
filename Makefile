# The two commands: `make run` (the live demo on SQLite, no Redis) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: run test install frontend lint bench clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || "$$(scripts/find-python)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

# Front-end packages (package.json: htmx, Chart.js) pinned by package-lock.json; Django's
# staticfiles serves their dist folders from node_modules.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

frontend: node_modules/.installed

install: $(VENV)/.installed frontend

# One supervising command runs the web server, a Celery worker with beat (on a broker folder,
# no Redis) and the demo traffic; it migrates and seeds first. Ctrl+C stops all of it.
run: install
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py run_demo $(HOST)

test: install
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check desk tickets channels tests bench

bench: install
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) staticfiles node_modules
