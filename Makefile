# qgjob — `make run` starts the platform, `make test` runs every check.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q
PORT   ?= 8080

.PHONY: install dev run test lint fmt typecheck pytest clean ensure-redis openapi

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

lint: dev ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: dev ## Format and autofix
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: dev ## mypy (strict) on every package
	$(BIN)/mypy libs services cli bench

pytest: dev ensure-redis
	$(BIN)/pytest

test: lint typecheck pytest ## Lint, types and the whole test suite

openapi: install ## Write the API's OpenAPI spec to openapi.json (a test fails when it is stale)
	$(BIN)/python -m qgjob_api.openapi openapi.json
.PHONY: bench-scheduling
bench-scheduling: install ensure-redis ## Scheduling benchmark: six workloads simulated, then W1 live at 1/100 scale
	$(BIN)/python -m bench.scheduling --live

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache test-output
