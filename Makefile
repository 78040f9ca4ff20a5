# The two commands: `make run` (demo on SQLite, no Redis) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: run test install frontend lint bench clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || "$$(scripts/find-python)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

# Front-end packages (package.json: Chart.js), served by staticfiles from node_modules.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

frontend: node_modules/.installed

run: install frontend
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@echo "socialdesk is serving on http://$(HOST) (log in with a demo user printed above)"
	$(PY) manage.py runserver $(HOST)

test: install frontend
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check desk tickets channels tests bench

bench: install
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) staticfiles
