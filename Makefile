# qgjob — `make run` starts the platform, `make test` runs every check.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q
PORT   ?= 8080

.PHONY: install dev run test lint fmt typecheck pytest clean ensure-redis openapi ensure-chromium lint-openapi docs docs-serve ensure-promtool ensure-node ts-tools clients \
        ensure-adb ensure-appwright

install: $(VENV)/.installed ## Create .venv with qgjob and its runtime dependencies

$(VENV)/.installed: pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install -c constraints.txt -e .
	@touch $@

dev: $(VENV)/.dev-installed ## Add the test, lint and type-check tools

$(VENV)/.dev-installed: $(VENV)/.installed
	$(PIP) install -c constraints.txt -e ".[dev]"
	@touch $@

run: install ## Start API, scheduler and simulated workers in one process (embedded store)
	$(BIN)/qgjob up --port $(PORT)

ensure-redis: ## Integration tests start their own redis-server (and redis-cli forms a cluster)
	@{ command -v redis-server && command -v redis-cli; } >/dev/null || { \
	  echo "installing redis-server (integration tests start their own)"; \
	  (apt-get install -y -q redis-server || sudo apt-get install -y -q redis-server) >/dev/null; }

CHROMIUM_PKGS := chromium chromium-driver
ensure-chromium: ## Browser tests drive Debian's headless Chromium through chromedriver
	@{ test -x "$${CHROMIUM:-/usr/bin/chromium}" && test -x "$${CHROMEDRIVER:-/usr/bin/chromedriver}"; } || { \
	  echo "installing $(CHROMIUM_PKGS) (the dashboard's browser tests use them)"; \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get install -y -q $(CHROMIUM_PKGS) >/dev/null 2>&1 || { \
	    $$SUDO apt-get update -q >/dev/null && $$SUDO apt-get install -y -q $(CHROMIUM_PKGS) >/dev/null; }; }

ensure-adb: ## Debian's adb: the adb driver's tests run it with no device attached
	@command -v adb >/dev/null || { \
	  echo "installing adb (the adb driver's tests run the real one)"; \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get install -y -q adb >/dev/null 2>&1 || { \
	    $$SUDO apt-get update -q >/dev/null && $$SUDO apt-get install -y -q adb >/dev/null; }; }

# The AppWright project the real-runner tests run: `npm ci` once per lockfile (the hash of
# the lockfile it installed is kept in node_modules). No install script runs (.npmrc) and no
# browser is downloaded. When npm is missing or the registry cannot be reached, the tests
# that need the project skip and say why.
APPWRIGHT_DIR := examples/appwright
ensure-appwright: ensure-node ## npm ci in examples/appwright, when its lockfile changed
	@cd $(APPWRIGHT_DIR) && sum=$$(sha256sum package-lock.json | cut -d' ' -f1); \
	test "$$(cat node_modules/.lockfile.sha256 2>/dev/null)" = "$$sum" || { \
	  echo "npm ci in $(APPWRIGHT_DIR)"; \
	  if PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error; then \
	    echo "$$sum" > node_modules/.lockfile.sha256; \
	  else echo "npm ci failed in $(APPWRIGHT_DIR): the AppWright tests will skip"; fi; }

lint: dev ## ruff lint and format check; hadolint on the Dockerfile
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/hadolint Dockerfile

fmt: dev ## Format and autofix
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: dev ## mypy (strict) on every package
	$(BIN)/mypy libs services cli
	$(BIN)/mypy bench/scheduling bench/throughput bench/reads bench/watchers bench/memory bench/scale bench/compare.py bench/cluster_wait.py bench/harness.py bench/plan_cost.py bench/prune_cost.py

pytest: dev ensure-redis ensure-wrk ensure-chromium ensure-promtool ts-tools ensure-adb ensure-appwright
	$(BIN)/pytest

test: lint typecheck lint-openapi pytest ## Lint, types, the spec's lint and the whole test suite

ensure-promtool: ## The alert rules' checks and unit tests run promtool (Debian's prometheus)
	@command -v promtool >/dev/null || { \
	  echo "installing prometheus (promtool checks and tests the alert rules)"; \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get install -y -q --no-install-recommends prometheus >/dev/null 2>&1 || { \
	    $$SUDO apt-get update -q >/dev/null && \
	    $$SUDO apt-get install -y -q --no-install-recommends prometheus >/dev/null; }; }

docs: dev ## Build the docs site into site/ (strict: a broken link or anchor fails)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

docs-serve: dev ## Serve the docs site with live reload on http://127.0.0.1:8000
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve

TS_CLIENT := clients/typescript

ensure-node: ## The TypeScript client's generator and tsc run on Node.js 20.19 or newer
	@command -v node >/dev/null && command -v npm >/dev/null || { \
	  echo "installing nodejs and npm (the TypeScript client is generated and checked with them)"; \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get install -y -q nodejs npm >/dev/null 2>&1 || { \
	    $$SUDO apt-get update -q >/dev/null && $$SUDO apt-get install -y -q nodejs npm >/dev/null; }; }

$(TS_CLIENT)/node_modules/.package-lock.json: $(TS_CLIENT)/package-lock.json
	cd $(TS_CLIENT) && npm ci --no-audit --no-fund --loglevel=error

ts-tools: ensure-node $(TS_CLIENT)/node_modules/.package-lock.json ## npm ci in clients/typescript

clients: dev ts-tools ## Regenerate clients/python and clients/typescript from openapi.json
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/openapi-python-client generate --path openapi.json \
	  --output-path clients/python --overwrite --meta setup \
	  --config clients/python-config.yaml --fail-on-warning
	cd $(TS_CLIENT) && npx openapi-ts && npx tsc -p tsconfig.json --noEmit
	$(BIN)/python clients/stamp.py

openapi: install ## Write the API's OpenAPI spec to openapi.json (a test fails when it is stale)
	$(BIN)/python -m qgjob_api.openapi openapi.json

# The spec's linters, from npm into a local folder kept between runs (pinned versions).
SPEC_LINT        := .cache/spec-lint
REDOCLY_VERSION  := 2.77.0
SPECTRAL_VERSION := 6.16.3
SPEC_LINT_PKGS   := @redocly/cli@$(REDOCLY_VERSION) @stoplight/spectral-cli@$(SPECTRAL_VERSION)
SPEC_LINT_STAMP  := $(SPEC_LINT)/.installed-$(REDOCLY_VERSION)-$(SPECTRAL_VERSION)

$(SPEC_LINT_STAMP):
	@command -v npm >/dev/null || { \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get install -y -q npm >/dev/null 2>&1 || { \
	    $$SUDO apt-get update -q >/dev/null && $$SUDO apt-get install -y -q npm >/dev/null; }; }
	@mkdir -p $(SPEC_LINT)
	npm install --prefix $(SPEC_LINT) --no-audit --no-fund --loglevel=error $(SPEC_LINT_PKGS)
	@touch $@

lint-openapi: $(SPEC_LINT_STAMP) ## openapi.json: redocly (recommended) and spectral (spectral:oas), 0 errors and 0 warnings
	@# redocly exits 0 on warnings: its totals decide (the problems are printed first)
	$(SPEC_LINT)/node_modules/.bin/redocly lint openapi.json --config redocly.yaml --format=json 2>/dev/null \
	  | $(PYTHON) -c 'import json,sys; r=json.load(sys.stdin); [print(p["ruleId"], p["severity"], p["message"], p["location"][0]["pointer"]) for p in r["problems"]]; t=r["totals"]; print("redocly:", t); sys.exit(t["errors"] + t["warnings"] > 0)'
	$(SPEC_LINT)/node_modules/.bin/spectral lint openapi.json --ruleset .spectral.yaml --fail-severity=warn

.PHONY: bench-reads
bench-reads: install ensure-redis ## One org's reads while another has 200,000 dead letters and events
	$(BIN)/python -m bench.reads $(READS_ARGS)

.PHONY: bench-watchers
bench-watchers: install ensure-redis ## 1,000 live watchers of suite event streams on one API process, 500 jobs/s
	$(BIN)/python -m bench.watchers $(WATCHERS_ARGS)

.PHONY: bench-memory
bench-memory: install ensure-redis ## Redis memory per finished job by key kind, field by field, and candidate reductions
	$(BIN)/python -m bench.memory $(MEMORY_ARGS)

.PHONY: bench-scale
bench-scale: install ensure-redis ## Control plane at 100, 1,000, 5,000 virtual workers, then 1,000 live watchers
	$(BIN)/python -m bench.scale $(SCALE_ARGS)
	$(BIN)/python -m bench.watchers $(WATCHERS_ARGS)

.PHONY: bench-scheduling
bench-scheduling: install ensure-redis ## Scheduling benchmark: six workloads simulated, then W1 live at 1/100 scale
	$(BIN)/python -m bench.scheduling --live

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache test-output .cache site
	rm -rf $(PEERS_VENV)

# --- benchmarks (bench/) ---------------------------------------------------------------
PEERS_VENV := bench/.venv-peers

.PHONY: bench bench-peers bench-profile ensure-wrk

ensure-wrk: ## The benchmark's HTTP load generator (its harness test runs it too)
	@command -v wrk >/dev/null || { \
	  echo "installing wrk (the benchmark's HTTP load generator)"; \
	  (apt-get install -y -q wrk || (apt-get update -q && apt-get install -y -q wrk) \
	   || sudo apt-get install -y -q wrk) >/dev/null; }

bench: install ensure-redis ensure-wrk ## Pipeline benchmark, the peers, and both side by side
	$(BIN)/python -m bench.throughput $(BENCH_ARGS)
	$(MAKE) --no-print-directory bench-peers
	$(BIN)/python -m bench.compare

$(PEERS_VENV)/.installed: bench/peers/requirements.txt
	@test -x $(PEERS_VENV)/bin/python || $(PYTHON) -m venv $(PEERS_VENV)
	$(PEERS_VENV)/bin/python -m pip --disable-pip-version-check -q install -r bench/peers/requirements.txt
	@touch $@

bench-peers: ensure-redis $(PEERS_VENV)/.installed ## Celery, taskiq, Dramatiq: the same no-op jobs
	$(PEERS_VENV)/bin/python -m bench.peers $(PEERS_ARGS)

bench-profile: dev ensure-redis ensure-wrk ## Where the pipeline's CPU time goes (py-spy)
	$(BIN)/python -m bench.throughput.profile
