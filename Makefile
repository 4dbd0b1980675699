# The two commands of the README: `make compile` (set up, then compile the example policy) and
# `make test` (set up, then lint, type-check and run every test). Both install what they need.
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
UI := $(VENV)/share/alertmanager-ui
PYTHON ?= python3

.PHONY: setup amtool browser postgresql compile check test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,gate]'
	@# Python 3.11's venv brings setuptools, whose distutils-precedence.pth imports a module at
	@# every start-up (~1 ms of `silence check`, bench/silence.py). Nothing needs it at run time
	@# (pip builds in an isolated environment); pipx's venvs and 3.12's come without it.
	$(BIN)/python -m pip uninstall --quiet --yes setuptools
	touch $@

# Debian's prometheus-alertmanager brings amtool and the server the tests run for real.
amtool:
	@command -v amtool >/dev/null 2>&1 || { \
	  echo "installing prometheus-alertmanager (amtool) with apt-get"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus-alertmanager >/dev/null; }

# The browser tests drive Alertmanager's real web UI (tools/alertmanager_ui.py puts the release's
# compiled UI, from Debian's golang-github-prometheus-alertmanager-dev, in $(UI)) in Debian's chromium.
browser: $(UI)/script.js
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing chromium with apt-get"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

$(UI)/script.js: tools/alertmanager_ui.py | $(STAMP) amtool
	$(BIN)/python tools/alertmanager_ui.py $(UI)

# The gate's PostgreSQL store is tested against a real server: Debian's postgresql puts initdb,
# pg_ctl and postgres in /usr/lib/postgresql/VERSION/bin (tests/postgres_server.py looks there).
postgresql:
	@command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  echo "installing postgresql with apt-get"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }

setup: $(STAMP) amtool browser postgresql

compile: $(STAMP)
	$(BIN)/oncall-policy check policy.yaml examples/acme/policy.yaml examples/globex/policy.yaml examples/initech/policy.yaml
	$(BIN)/oncall-policy compile
	$(BIN)/oncall-policy compile --policy examples/acme/policy.yaml
	$(BIN)/oncall-policy compile --policy examples/globex/policy.yaml
	$(BIN)/oncall-policy compile --policy examples/initech/policy.yaml

check: $(STAMP)
	$(BIN)/oncall-policy check policy.yaml examples/acme/policy.yaml examples/globex/policy.yaml examples/initech/policy.yaml
	$(BIN)/oncall-policy compile --check
	$(BIN)/oncall-policy compile --check --policy examples/acme/policy.yaml
	$(BIN)/oncall-policy compile --check --policy examples/globex/policy.yaml
	$(BIN)/oncall-policy compile --check --policy examples/initech/policy.yaml

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: setup lint check
	$(BIN)/pytest -n auto --dist loadfile

bench: $(STAMP)
	$(BIN)/python bench/check.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
