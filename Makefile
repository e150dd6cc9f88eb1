# Two commands a newcomer needs, each doing its own set-up on a fresh machine:
#   make app    installs the kit in .venv and opens the home app in Voilà
#   make test   installs the kit and its test tools (and Debian's chromium) and runs every test layer
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: app test chromium bench clean

# plotly imports nbformat, hence jsonschema, which compiles rfc3987-syntax's grammar at import: about
# 1 s in every kernel that draws a chart. It is an optional extra (IRI format checks of jupyter-events'
# schemas), unused by the kit: removing it is safe and makes every app start faster.
DROP_SLOW_EXTRA = $(PY) -m pip uninstall --quiet --yes rfc3987-syntax

$(VENV)/.app-installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	$(DROP_SLOW_EXTRA)
	touch $@

$(VENV)/.test-installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	$(DROP_SLOW_EXTRA)
	touch $(VENV)/.app-installed $@

app: $(VENV)/.app-installed
	$(PY) -m kit serve

# End-to-end tests drive Debian's chromium (never a browser downloaded by playwright).
chromium:
	@command -v chromium >/dev/null || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

test: $(VENV)/.test-installed chromium
	$(PY) -m pytest

bench: $(VENV)/.test-installed chromium
	$(PY) bench/run.py

clean:
	rm -rf $(VENV)
