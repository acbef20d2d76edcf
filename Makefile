# The two commands of the README:  `make demo`  and  `make test`.
# Both install everything they need first (Debian packages via apt-get, Python packages into .venv).

SHELL := /bin/bash
VENV ?= .venv
PYTHON ?= python3
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
# Debian packages the project needs: PostgreSQL (storage tests against a real server),
# espeak-ng + sox (announcement audio; libsox-fmt-all reads uploaded MP3/OGG/FLAC),
# chromium (headless: the evaluation PDF and the browser tests).
DEBIAN_PACKAGES := python3 python3-venv postgresql espeak-ng sox libsox-fmt-all chromium chromium-l10n
STAMP := $(VENV)/.installed
# Every Python package at a known version (regenerate with `make lock` after a change).
CONSTRAINTS := .ci/constraints.txt

.PHONY: demo test install system-packages lint bench clean lock

demo: install
	$(VENV)/bin/callcenter demo

test: install
	$(VENV)/bin/python -m callcenter.devtools.check

# CALLCENTER_BENCH_STATE=1 adds PostgreSQL at state scale (10M calls of 30 offices, ≈ 15 min on 2 cores):
# tests/bench/bench_state_scale.py; CALLCENTER_BENCH_10M=1 the 10M report of bench_report.py.
bench: install
	@echo "make bench: CALLCENTER_BENCH_STATE=1 adds 10M calls of 30 offices on PostgreSQL (bench_state_scale.py, about 15 minutes)"
	$(VENV)/bin/python -m pytest tests/bench -p no:cacheprovider -s -q

lint: install
	$(VENV)/bin/ruff check callcenter tests
	$(VENV)/bin/ruff format --check callcenter tests
	$(VENV)/bin/mypy callcenter
	$(VENV)/bin/lint-imports

install: system-packages $(STAMP)

system-packages:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installiere Debian-Pakete / installing Debian packages:$$missing"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	fi

$(STAMP): pyproject.toml $(CONSTRAINTS)
	@[ -x $(VENV)/bin/python ] || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install -q --upgrade pip
	$(VENV)/bin/python -m pip install -q -c $(CONSTRAINTS) -e '.[dev]'
	@touch $(STAMP)

lock: install
	$(VENV)/bin/python -m pip freeze --exclude-editable --exclude pip | sort > $(CONSTRAINTS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
