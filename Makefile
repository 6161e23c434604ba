# Every target creates .venv on first use and is idempotent.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 5000
WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
THREADS ?= 4
# gthread serves THREADS requests at once per worker; the sync worker serves one.
WORKER_CLASS := $(if $(filter 1,$(THREADS)),sync,gthread)

.PHONY: run serve test bench lint install docs

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/flask --app app db init
	$(BIN)/flask --app app run --host 127.0.0.1 --port $(PORT)

serve: $(STAMP)
	$(BIN)/flask --app app db init
	$(BIN)/gunicorn --config gunicorn.conf.py --bind 127.0.0.1:$(PORT) --workers $(WORKERS) --threads $(THREADS) --worker-class $(WORKER_CLASS) 'app:create_app()'

test: $(STAMP) .venv-langgraph/.installed
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)
	$(MAKE) docs

# The figures go to bench/results.json; the tables of docs/benchmarks.md are rewritten from it even when a module
# failed (its rows then read "not measured"), and the failure still fails the target.
bench: $(STAMP)
	$(BIN)/python -m bench; status=$$?; $(BIN)/python -m bench --readme && exit $$status

# The documentation site (mkdocs.yml, docs/): offline, strict (a broken link or nav entry fails); site/ is gitignored.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict -d site

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# LangGraph Server / Studio: its own virtualenv, because langgraph-api pins an older jsonschema-rs than
# schemathesis (a test dependency) needs. The project itself is installed there too, so it can load the graphs.
LG_VENV := .venv-langgraph
LANGGRAPH_PORT ?= 8123

.PHONY: langgraph-env studio
.venv-langgraph/.installed: pyproject.toml
	test -x $(LG_VENV)/bin/python || $(PY) -m venv $(LG_VENV)
	$(LG_VENV)/bin/pip install --quiet --upgrade pip
	$(LG_VENV)/bin/pip install --quiet -e . 'langgraph-cli[inmem]>=0.4.40,<0.5' 'langgraph-sdk>=0.4,<0.5'
	touch $@

langgraph-env: .venv-langgraph/.installed

studio: .venv-langgraph/.installed
	$(LG_VENV)/bin/langgraph dev --no-browser --host 127.0.0.1 --port $(LANGGRAPH_PORT)

# Load: gunicorn on PostgreSQL (BENCH_POSTGRES_URL, default the local test database), 50 sessions x 20 dialogs
# for 1, 2 and 4 workers (LOAD_SESSIONS, LOAD_DIALOGS, LOAD_WORKERS, LOAD_THREADS override). The figures go to
# bench/results.json (other modules' figures kept) and the tables of docs/operations.md are rendered from it.
.PHONY: bench-load
bench-load: $(STAMP)
	$(BIN)/python -c "import gunicorn" 2>/dev/null || $(BIN)/pip install --quiet 'gunicorn>=22'
	$(BIN)/python -m bench bench_load; status=$$?; $(BIN)/python -m bench --readme && exit $$status

# The vendored front-end bundles, from the exact versions in editor_src/package-lock.json: CodeMirror 6 for the editor
# (static/vendor/codemirror.bundle.js + codemirror.LICENSE) and Chart.js for /insights (chart.bundle.js + chart.LICENSE). Needs Node and npm; the built files are committed, so running the app does not.
.PHONY: editor-bundle
editor-bundle:
	cd editor_src && npm ci --no-audit --no-fund && npm run build

# The screenshots of the docs site, taken by the browser tests that check those pages (docs/img/*.png).
.PHONY: docs-screenshots
docs-screenshots: $(STAMP)
	T7_DOCS_SCREENSHOTS=1 $(BIN)/python -m pytest -q -p no:cacheprovider tests/browser/test_browser_insights.py
