# One entry point for set-up, running, tests, evaluation and benchmarks.
# Works on a fresh machine with python3, pip, apt and npm.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000
SHARED ?= ../shared

.PHONY: install run serve test eval eval-check train errors bench chromium gazetteer clean

install: $(VENV)/.installed static/vendor/.installed instance/gazetteer.sqlite

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

static/vendor/.installed: package.json package-lock.json scripts/vendor_assets.sh $(wildcard static/js/*.js static/js/story/*.js)
	npm ci --no-audit --no-fund --loglevel=error
	bash scripts/vendor_assets.sh
	touch $@

instance/gazetteer.sqlite: $(VENV)/.installed geo/gazetteer_build.py $(wildcard geo/data/*)
	$(PY) -m geo.gazetteer_build --out instance/gazetteer.sqlite

gazetteer:
	$(PY) -m geo.gazetteer_build --out instance/gazetteer.sqlite

run: install
	$(FLASK) db upgrade
	HOST=$(HOST) PORT=$(PORT) bash scripts/run.sh  # the server and one analysis worker

# Production: gunicorn with threaded workers and timeouts (gunicorn.conf.py), on BIND
# (default 127.0.0.1:8000) behind a buffering proxy; see README "Deploying".
serve: install
	$(FLASK) db upgrade
	$(VENV)/bin/gunicorn --config gunicorn.conf.py

chromium:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium; }

test: install $(VENV)/.dev-installed chromium
	$(PY) -m pytest -q

# In-sample, hand-score and out-of-fold figures side by side (out of fold trains per fold: LightGBM).
eval: install $(VENV)/.dev-installed
	$(PY) scripts/evaluate.py --shared $(SHARED)

# The quality gate: fails when an out-of-fold figure is more than 0.02 worse than scripts/quality.json.
eval-check: install $(VENV)/.dev-installed
	$(PY) scripts/evaluate.py --shared $(SHARED) --check scripts/quality.json

# Re-create the candidate ranker geo/data/ranker.json from the development corpora (deterministic).
train: install $(VENV)/.dev-installed
	$(PY) scripts/train.py --shared $(SHARED)

# Error report: the worst false positives and misses of recognition, and the worst resolution
# errors (gold spans as input), on the development corpora.
errors: install
	$(PY) scripts/recognize_eval.py --shared $(SHARED) --errors 25
	$(PY) scripts/resolve_eval.py --shared $(SHARED) --show 25
	$(PY) scripts/error_classes.py --shared $(SHARED)

bench: install $(VENV)/.dev-installed
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q wrk; }
	$(PY) scripts/bench.py --shared $(SHARED)

clean:
	rm -rf $(VENV) node_modules static/vendor instance/gazetteer.sqlite

# Screenshots of the story page at phone and desktop widths (the sample story, real geoparser)
# into build/screenshots/, for a person to look at.
.PHONY: screenshots
screenshots: install $(VENV)/.dev-installed chromium
	$(PY) scripts/screenshots.py --out build/screenshots
