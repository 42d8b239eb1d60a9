# Two commands do all set-up on a fresh machine (Python 3.11, the package registries):
#   make book   builds the site into _build/html
#   make test   runs every test (unit, notebooks under nbval, real-browser)
# Both create the virtual environment and fetch the vendored JavaScript when missing.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
MATHJAX_VERSION := 3.2.2
AXE_VERSION     := 4.11.0
GIFT_PEGJS_VERSION := 1.0.2
GIFT_PEGJS := vendor/gift/node_modules/gift-pegjs/package.json
STAMP  := $(VENV)/.installed
# Test processes (pytest-xdist). Each runs whole files (--dist loadfile): a notebook's cells stay in
# order, and a file's module fixtures are built once. Two suit a two-core machine.
JOBS   ?= 2
XDIST  := -n $(JOBS) --dist loadfile

.PHONY: book instructor-book test test-fast test-random test-stress lint outputs exercises clean env vendor benchmark

book: $(STAMP) vendor
	$(BIN)/python -m coursebook build

# Every file in a fixed order (pyproject.toml turns pytest-randomly off unless asked), spread over
# $(JOBS) processes; the 20 slowest listed at the end.
test: $(STAMP) vendor lint book
	$(BIN)/python -m pytest $(XDIST) --durations=20

# Ruff (lint and format, line length 100) and mypy on the package, as configured in pyproject.toml.
lint: $(STAMP)
	$(BIN)/ruff check coursebook
	$(BIN)/ruff format --check coursebook
	$(BIN)/mypy

# The non-browser tests once in a random order: a test that needs another to run first, or that
# leaves something behind, fails here. pytest-randomly prints the seed; repeat that order with
# `.venv/bin/python -m pytest -p randomly --randomly-seed=N ...`. Only tests/: a notebook's cells
# are nbval's items and only make sense in their own order (make test runs them).
test-random: $(STAMP) vendor book
	$(BIN)/python -m pytest $(XDIST) -p randomly -m "not browser and not release" --durations=20 tests

# The real-browser tier, one process, while four busy processes load the CPU: a test that waits on
# time rather than on a condition fails here.
test-stress: $(STAMP) vendor book
	.ci/with-busy-cpus 4 $(BIN)/python -m pytest -m browser --durations=10

# The instructor edition (student pages plus the solved exercises) into _build/instructor/_build/html.
instructor-book: $(STAMP) vendor
	$(BIN)/python -m coursebook build --instructor

# Regenerate the student exercises (exercises/) from the master copies in answers/.
exercises: $(STAMP)
	$(BIN)/python -m coursebook exercises generate

# A quick loop while writing, from a fresh clone: everything except the real-browser tests, the
# release tests and the tests that read the built site (marked site); no book build.
test-fast: $(STAMP) $(GIFT_PEGJS)
	$(BIN)/python -m pytest -m "not browser and not release and not site"

# Re-execute every notebook and store its outputs (deterministic: see coursebook/book/execute.py).
outputs: $(STAMP)
	$(BIN)/python -m coursebook execute book exercises answers

benchmark: $(STAMP) vendor book
	$(BIN)/python benchmarks/quiz_benchmark.py
	$(BIN)/python benchmarks/grader_benchmark.py
	$(BIN)/python benchmarks/hostile_class_benchmark.py
	$(BIN)/python benchmarks/scale_benchmark.py
	$(BIN)/python benchmarks/page_weight.py
	$(BIN)/python benchmarks/check_benchmark.py

env: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.11 or run make PYTHON=/path/to/python3.11"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==25.3"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	# An editable install skips data files: put the Jupyter settings default (pyproject.toml) in place.
	install -D -m 644 coursebook/views/assets/coursebook-jupyter-settings.json $(VENV)/share/jupyter/lab/settings/overrides.d/coursebook-jupyter-settings.json
	touch $(STAMP)

# MathJax (served by the site itself, so pages with maths work offline), axe-core (for the
# accessibility test) and gift-pegjs (an independent GIFT parser the export tests read files with),
# all from the npm registry at pinned versions; no test fetches anything itself.
vendor: vendor/site/_static/mathjax/tex-mml-chtml.js vendor/axe-core/axe.min.js $(GIFT_PEGJS)

vendor/site/_static/mathjax/tex-mml-chtml.js:
	rm -rf vendor/tmp-mathjax && mkdir -p vendor/tmp-mathjax vendor/site/_static/mathjax/output/chtml/fonts vendor/site/_static/mathjax/input/tex
	cd vendor/tmp-mathjax && npm pack --silent mathjax@$(MATHJAX_VERSION) >/dev/null && tar xzf mathjax-$(MATHJAX_VERSION).tgz
	cp vendor/tmp-mathjax/package/es5/tex-mml-chtml.js vendor/site/_static/mathjax/
	cp -r vendor/tmp-mathjax/package/es5/output/chtml/fonts/woff-v2 vendor/site/_static/mathjax/output/chtml/fonts/
	cp -r vendor/tmp-mathjax/package/es5/input/tex/extensions vendor/site/_static/mathjax/input/tex/
	rm -rf vendor/tmp-mathjax

vendor/axe-core/axe.min.js:
	rm -rf vendor/tmp-axe && mkdir -p vendor/tmp-axe vendor/axe-core
	cd vendor/tmp-axe && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null && tar xzf axe-core-$(AXE_VERSION).tgz
	cp vendor/tmp-axe/package/axe.min.js vendor/axe-core/
	rm -rf vendor/tmp-axe

$(GIFT_PEGJS): Makefile
	mkdir -p vendor/gift
	npm install --silent --prefix vendor/gift --no-audit --no-fund --save-exact gift-pegjs@$(GIFT_PEGJS_VERSION)
	touch $@

clean:
	rm -rf _build vendor
