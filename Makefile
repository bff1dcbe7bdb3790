# clientvault: `make run` (install, migrate, demo data, serve) and `make test` (the whole suite).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000
# pytest workers: one per core, at most four (each runs its own browser for the e2e tests).
WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); [ $$n -gt 4 ] && n=4; echo $$n)

.PHONY: install run test lint typecheck migrate clean

$(BIN)/.installed: pyproject.toml constraints.txt scripts/system-packages.sh
	sh scripts/system-packages.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

# axe-core (npm) for the browser tests' accessibility checks; node_modules is git-ignored.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

install: $(BIN)/.installed node_modules/.package-lock.json

migrate: install
	$(BIN)/clientvault migrate --noinput

# Links in mail and the printed logins point at the server `make run` starts (HOST=PORT or
# ADDRESS:PORT, as runserver takes it).
run: export CLIENTVAULT_HOST = $(HOST)

run: migrate
	$(BIN)/clientvault demo
	$(BIN)/clientvault demo --logins
	@echo "Background jobs (e-mail, retention) run in a worker beside the server."
	@echo "Mail listener (opt-out and bounces): smtp://127.0.0.1:8025"
	@echo "Local test servers: payment gateway :8040, control panel :8050, registrar :8060"
	$(BIN)/clientvault worker & worker=$$!; \
		$(BIN)/clientvault mail serve --port 8025 & mail=$$!; \
		$(BIN)/clientvault testgateway serve & gateway=$$!; \
		$(BIN)/clientvault testpanel serve & panel=$$!; \
		$(BIN)/clientvault testregistrar serve & registrar=$$!; \
		trap 'kill $$worker $$mail $$gateway $$panel $$registrar' EXIT INT TERM; \
		$(BIN)/clientvault runserver $(HOST)

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

typecheck: install
	$(BIN)/mypy clientvault

test: lint typecheck
	$(BIN)/lint-imports
	$(BIN)/pytest -n $(WORKERS)

clean:
	rm -rf $(VENV) var
