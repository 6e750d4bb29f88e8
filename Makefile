# qgjob — `make run` starts the platform, `make test` runs every check.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q
PORT   ?= 8080

.PHONY: install dev run test lint fmt typecheck pytest clean ensure-redis openapi ensure-chromium

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

ensure-redis: ## Integration tests start their own redis-server
	@command -v redis-server >/dev/null || { \
	  echo "installing redis-server (integration tests start their own)"; \
	  (apt-get install -y -q redis-server || sudo apt-get install -y -q redis-server) >/dev/null; }

CHROMIUM_PKGS := chromium chromium-driver
ensure-chromium: ## Browser tests drive Debian's headless Chromium through chromedriver
	@{ test -x "$${CHROMIUM:-/usr/bin/chromium}" && test -x "$${CHROMEDRIVER:-/usr/bin/chromedriver}"; } || { \
	  echo "installing $(CHROMIUM_PKGS) (the dashboard's browser tests use them)"; \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get install -y -q $(CHROMIUM_PKGS) >/dev/null 2>&1 || { \
	    $$SUDO apt-get update -q >/dev/null && $$SUDO apt-get install -y -q $(CHROMIUM_PKGS) >/dev/null; }; }

lint: dev ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: dev ## Format and autofix
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: dev ## mypy (strict) on every package
	$(BIN)/mypy libs services cli

pytest: dev ensure-redis ensure-chromium
	$(BIN)/pytest

test: lint typecheck pytest ## Lint, types and the whole test suite

openapi: install ## Write the API's OpenAPI spec to openapi.json (a test fails when it is stale)
	$(BIN)/python -m qgjob_api.openapi openapi.json

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache test-output
