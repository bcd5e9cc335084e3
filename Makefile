# The two commands: `make run` (demo on the embedded default) and `make test` (everything).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8080

.PHONY: run test setup venv web sysdeps lint typecheck unit fast bench clean

run: setup
	INTERVIEW_DEV_MODE=$${INTERVIEW_DEV_MODE:-1} $(VENV)/bin/interview-server serve --host $(HOST) --port $(PORT)

test: sysdeps setup lint typecheck
	cd web && npm test
	$(VENV)/bin/pytest

fast: setup
	$(VENV)/bin/pytest -m "not slow"

setup: venv web

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[test]'
	touch $@

web: web/dist/.built

web/dist/.built: web/package.json web/package-lock.json $(shell find web/src web/static -type f 2>/dev/null)
	cd web && npm ci --no-audit --no-fund && npm run build
	touch $@

# Debian packages the browser, recording and TURN tests need (root on Debian; CI runs as root).
sysdeps:
	@missing=""; \
	  command -v chromium >/dev/null || missing="$$missing chromium"; \
	  command -v ffprobe >/dev/null || missing="$$missing ffmpeg"; \
	  command -v mkvmerge >/dev/null || missing="$$missing mkvtoolnix"; \
	  command -v turnserver >/dev/null || missing="$$missing coturn"; \
	  command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	  if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" = 0 ]; then \
	      echo "installing:$$missing"; \
	      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	    else echo "missing system packages:$$missing (browser/recording tests will skip)"; fi; \
	  fi

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: venv
	$(VENV)/bin/mypy signaling media recording web tests benchmarks

bench: setup
	$(PY) benchmarks/messages.py
	$(PY) benchmarks/policy_eval.py
	$(PY) benchmarks/policy_speed.py

clean:
	rm -rf $(VENV) web/node_modules web/dist var .mypy_cache .pytest_cache .ruff_cache
