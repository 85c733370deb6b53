# llmrelay developer workflow. `make help` lists the targets.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev

.DEFAULT_GOAL := help
.PHONY: help install install-dev run generate check-generated lint test bench bench-gateway serve new-provider clean

help:  ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-16s %s\n", $$1, $$2}'

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(STAMP_RUN): pyproject.toml setup.py | $(PY)
	$(PY) -m pip install -q -e '.[proxy]'
	@touch $@

$(STAMP_DEV): pyproject.toml setup.py | $(PY)
	$(PY) -m pip install -q -e '.[dev]'
	@touch $@ $(STAMP_RUN)

install: $(STAMP_RUN)  ## create .venv and install llmrelay with the gateway extra

install-dev: $(STAMP_DEV)  ## create .venv and install llmrelay with the dev extras

run: $(STAMP_RUN)  ## the main job: the gateway on its embedded default (SQLite, offline mock model)
	$(BIN)/llmrelay serve --config examples/config.yaml

serve: run  ## same as run: the gateway with examples/config.yaml

generate: $(STAMP_DEV)  ## compile specs/ into generated/
	$(PY) -m generator

check-generated: $(STAMP_DEV)  ## fail when generated/ is out of date with specs/ and templates/
	$(PY) -m generator --check

lint: $(STAMP_DEV)  ## ruff lint and format check
	$(BIN)/ruff check runtime generator tests bench setup.py
	$(BIN)/ruff format --check runtime generator tests bench setup.py

test: $(STAMP_DEV)  ## run the whole suite
	$(PY) -m pytest -q $(PYTEST_ARGS)

bench: $(STAMP_DEV)  ## SDK benchmarks against the local fake upstream (prints figures)
	$(PY) -m bench

bench-gateway: $(STAMP_DEV)  ## gateway benchmark with wrk (PEER_PYTHON=/path/to/litellm/python adds LiteLLM side by side)
	@command -v wrk >/dev/null || (echo "bench-gateway needs wrk: apt-get install wrk" && exit 2)
	$(PY) bench/gateway_bench.py $(if $(PEER_PYTHON),--peer-python $(PEER_PYTHON))

new-provider: $(STAMP_DEV)  ## scaffold specs/NAME/provider.yaml and cassettes/NAME/ (NAME=...)
	@test -n "$(NAME)" || (echo "usage: make new-provider NAME=myprovider" && exit 2)
	$(PY) -m generator.scaffold $(NAME)

clean:  ## remove the venv and caches
	rm -rf $(VENV) build *.egg-info .ruff_cache
