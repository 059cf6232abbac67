# caredesk — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint check-migrations policy-test browser clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Serve the product on SQLite with demo data at http://127.0.0.1:$(PORT), worker beside it.
run: $(STAMP)
	$(BIN)/caredesk serve --demo --port $(PORT)

## The whole suite (SQLite by default; DATABASE_URL=postgres://... for PostgreSQL).
test: $(STAMP) browser
	$(BIN)/python -m pytest

## Debian's Chromium for the browser tests (Playwright drives it; nothing is downloaded).
browser:
	@test -x /usr/bin/chromium || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1 || \
	  { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; }; }

lint: $(STAMP)
	$(BIN)/ruff check .

check-migrations: $(STAMP)
	$(BIN)/python manage.py makemigrations --check --dry-run

policy-test: $(STAMP)
	$(BIN)/caredesk policy test tests/policy

clean:
	rm -rf $(VENV) var/caredesk.sqlite3*
