# MedLink build and test harness (GNU make).
#   make run          set up .venv, create/upgrade the database, add demo data if empty, open the GUI
#   make test         lint + the whole pytest suite (under Xvfb when there is no $DISPLAY)
#   make lint         ruff check
#   make screenshots  regenerate docs/screenshots (under Xvfb when there is no $DISPLAY)
#   make bench        run the benchmarks
#   make clean        remove .venv and caches
# Variables: PYTEST_ARGS="-k booking -x", BENCH_ARGS=..., PYTHON=/path/to/python3.11

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
MAKEFLAGS += --no-builtin-rules

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
VPY := $(VENV)/bin/python
RUFF := $(VENV)/bin/ruff
PIP_INSTALL := PIP_NO_INPUT=1 PIP_DISABLE_PIP_VERSION_CHECK=1 $(VPY) -m pip install --quiet

PYTEST_ARGS ?=
BENCH_ARGS ?=
LINT_PATHS := medlink tests main.py
ENSURE_SERVICES := bash scripts/ensure_test_services.sh

# Run a command under a display: as is when $DISPLAY is set, else in a throw-away Xvfb server.
XVFB_RUN := xvfb-run -a -s "-screen 0 1280x800x24"
WITH_DISPLAY := $(if $(strip $(DISPLAY)),,$(XVFB_RUN))

.PHONY: help venv venv-dev run test lint screenshots bench clean

help:
	@sed -n '2,8s/^# \{0,1\}//p' $(firstword $(MAKEFILE_LIST))

# --- virtual environment -----------------------------------------------------------------------------------
# The stamps make repeated runs fast: pip runs again only when a requirements file is newer than its stamp.
$(VPY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-run: requirements.txt | $(VPY)
	$(PIP_INSTALL) -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt | $(VPY)
	$(PIP_INSTALL) -r requirements-dev.txt
	touch $@ $(VENV)/.installed-run

venv: $(VENV)/.installed-run

venv-dev: $(VENV)/.installed-dev

# --- the application ---------------------------------------------------------------------------------------
run: venv
	$(VPY) main.py init-db
	help_text="$$($(VPY) main.py --help 2>&1 || true)"; \
	if grep -qw -- 'seed-demo' <<<"$$help_text"; then \
		$(VPY) main.py seed-demo --if-empty; \
	fi
	$(VPY) main.py

# --- checks ------------------------------------------------------------------------------------------------
lint: venv-dev
	$(RUFF) check $(LINT_PATHS)

test: venv-dev
	$(ENSURE_SERVICES)
	$(RUFF) check $(LINT_PATHS)
	$(WITH_DISPLAY) $(VPY) -m pytest $(PYTEST_ARGS)

screenshots: venv-dev
	$(ENSURE_SERVICES)
	$(WITH_DISPLAY) $(VPY) scripts/screenshots.py

bench: venv-dev
	$(ENSURE_SERVICES)
	if [[ -f bench/__main__.py ]]; then \
		$(VPY) -m bench $(BENCH_ARGS); \
	else \
		echo "no benchmarks yet"; \
	fi

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
	find . -path ./.git -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
