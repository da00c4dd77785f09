# Two commands on a fresh machine: `make dashboards` and `make test`.
# Both create .venv (python3 -m venv + pip install -e .[test]) when it is missing or stale.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8866
# JupyterLab as the project ships it (deploy/lab: Norwegian bokmål menus, no news or update checks).
# One place: every target that starts JupyterLab (and a JupyterHub spawner, see deploy/lab/README.md)
# puts deploy/lab on JUPYTER_CONFIG_PATH; nothing is copied into the venv, so one shared venv serves all.
# `make lab` keeps its JupyterLab user settings in .venv/lab-user-settings (git-ignored, the language
# bokmål until you pick another: deploy/lab/jupyter_server_config.py), or in JUPYTERLAB_SETTINGS_DIR if set.
LAB_ENV := JUPYTER_CONFIG_PATH=$(CURDIR)/deploy/lab$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH} \
	JUPYTERLAB_SETTINGS_DIR=$${JUPYTERLAB_SETTINGS_DIR:-$(abspath $(VENV))/lab-user-settings}

.PHONY: dashboards test lab hub proxy lint bench bench-dashboards venv clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

dashboards: $(STAMP)
	$(BIN)/digireform dashboards --port $(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest

lab: $(STAMP)
	$(LAB_ENV) $(BIN)/jupyter lab --notebook-dir=.

# JupyterHub for the project group (docs/deployment.md): as root, with DATA= the data repository.
PROXY := $(VENV)/node_modules/.bin/configurable-http-proxy
DATA ?= .

$(PROXY):
	@command -v npm >/dev/null || { echo "make hub: npm mangler (apt-get install nodejs npm)"; exit 1; }
	npm install --silent --no-audit --no-fund --prefix $(VENV) configurable-http-proxy

proxy: $(PROXY)

hub: $(STAMP) $(PROXY)
	$(BIN)/digireform hub --config deploy/jupyterhub_config.py --data $(DATA)

lint: $(STAMP)
	$(BIN)/ruff check lib tests benchmarks

bench: $(STAMP)
	$(BIN)/python benchmarks/scale.py
	$(BIN)/python benchmarks/overlap.py
	$(BIN)/python benchmarks/tender_build.py
	$(BIN)/python benchmarks/dashboard_render.py

bench-dashboards: $(STAMP)
	$(BIN)/python benchmarks/dashboard_render.py

clean:
	rm -rf $(VENV) procurement/out .pytest_cache
