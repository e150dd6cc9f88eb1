# Two commands a newcomer needs, each doing its own set-up on a fresh machine:
#   make app    installs the kit in .venv and opens the home app in Voilà
#   make test   installs the kit and its test tools (and Debian's chromium) and runs every test layer
#   make lab    installs the kit and opens JupyterLab on it (« Render with Voilà » shows the apps)
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: app test lab git-filter chromium bench clean

# plotly imports nbformat, hence jsonschema, which compiles rfc3987-syntax's grammar at import: about
# 1 s in every kernel that draws a chart. It is an optional extra (IRI format checks of jupyter-events'
# schemas), unused by the kit: removing it is safe and makes every app start faster.
DROP_SLOW_EXTRA = $(PY) -m pip uninstall --quiet --yes rfc3987-syntax

# The page template and the Jupyter server's settings where every Voilà and Jupyter server of the venv looks
# (plain `voila`, `jupyter lab` and its « Render with Voilà »): a wheel installs them there (pyproject's
# data-files), an editable install does not (setuptools#3399), so the venv gets links to the checkout's
# files: an edited template or setting is used at once.
TEMPLATE = share/jupyter/voila/templates/quartiers
SERVER_SETTINGS = etc/jupyter/jupyter_server_config.d/quartiers_en_transitions.json
LINK_TEMPLATE = rm -rf $(VENV)/$(TEMPLATE) $(VENV)/$(SERVER_SETTINGS) && \
	mkdir -p $(dir $(VENV)/$(TEMPLATE)) $(dir $(VENV)/$(SERVER_SETTINGS)) && \
	ln -s "$(CURDIR)/$(TEMPLATE)" $(VENV)/$(TEMPLATE) && ln -s "$(CURDIR)/$(SERVER_SETTINGS)" $(VENV)/$(SERVER_SETTINGS)

$(VENV)/.app-installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	$(DROP_SLOW_EXTRA)
	$(LINK_TEMPLATE)
	touch $@

$(VENV)/.test-installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	$(DROP_SLOW_EXTRA)
	$(LINK_TEMPLATE)
	touch $(VENV)/.app-installed $@

# Notebooks are committed without outputs (JupyterLab saves them into the file): in a git checkout of the
# kit, git runs nbstripout on every notebook it stages (the filter lives in .git/config and
# .git/info/attributes, set again at each make: nothing to do by hand, nothing tracked changes).
# --keep-id: nbstripout would renumber the cells' ids ("intro", "app" become "0", "1"); `--install`
# cannot record it, hence the two commands set again after it.
STRIP = "$(abspath $(PY))" -m nbstripout --keep-id
git-filter:  # after the install (app, lab, test list it second): it runs the venv's nbstripout
	@if [ "$$(git rev-parse --show-toplevel 2>/dev/null)" = "$$(pwd -P)" ]; then \
	  { $(PY) -m nbstripout --install && git config filter.nbstripout.clean '$(STRIP)' && \
	    git config diff.ipynb.textconv '$(STRIP) -t'; } || echo "Attention : sorties des notebooks non retirées par git."; fi

app: $(VENV)/.app-installed git-filter
	$(PY) -m kit serve

# JupyterLab in the repository root, as Binder starts it (binder/start: the kit's template and server
# settings first, the venv's kernel): voila.json is read there, « Render with Voilà » shows an app.
lab: $(VENV)/.app-installed git-filter
	binder/start $(VENV)/bin/jupyter-lab

# End-to-end tests drive Debian's chromium (never a browser downloaded by playwright).
chromium:
	@command -v chromium >/dev/null || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

test: $(VENV)/.test-installed chromium git-filter
	$(PY) -m pytest

bench: $(VENV)/.test-installed chromium
	$(PY) bench/run.py

clean:
	rm -rf $(VENV)
