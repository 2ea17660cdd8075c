# Each target creates the virtual environment .venv on first use (Python >= 3.11 and pip only).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: test test-ibcore test-chapters book site-test pdf bench mutants lint clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,book,site]'
	@touch $(STAMP)

## make test: lint, ibcore unit tests (warnings are errors), then re-execute every chapter with nbval
test: $(STAMP)
	$(BIN)/ruff check ibcore tests benchmarks conftest.py _ext
	$(BIN)/python -m pytest tests --ignore=tests/site
	$(BIN)/python -m pytest --nbval chapters

test-ibcore: $(STAMP)
	$(BIN)/python -m pytest tests --ignore=tests/site

test-chapters: $(STAMP)
	$(BIN)/python -m pytest --nbval chapters

## make book: build the HTML book into _build/html with warnings as errors
book: $(STAMP)
	rm -rf _build/claims _build/figures _build/html
	$(BIN)/jupyter-book build . --all --warningiserror --nitpick --keep-going
	$(BIN)/python tests/check_executed_notebooks.py
	@echo "The book is at $(CURDIR)/_build/html/index.html"

## make site-test: the built site in Debian's Chromium (MathJax, figures, blocks, links, axe-core,
## screenshots in _build/screenshots) and every chapter opened and run through a Jupyter server
site-test: $(STAMP) .cache/node_modules/mathjax
	$(BIN)/python -m pytest tests/site

.cache/node_modules/mathjax:
	npm install --prefix .cache --no-save --no-audit --no-fund mathjax@3

## make pdf: the whole book as one PDF (_build/latex/book.pdf) with Debian's TeX Live
## (texlive-xetex texlive-latex-extra texlive-fonts-recommended latexmk fonts-freefont-otf)
pdf: $(STAMP)
	rm -rf _build/claims _build/figures
	mkdir -p _build
	$(BIN)/jupyter-book build . --builder pdflatex --all --warningiserror --keep-going > _build/pdf.log 2>&1 || { tail -60 _build/pdf.log; exit 1; }
	test -s _build/latex/book.pdf
	@echo "The PDF is at $(CURDIR)/_build/latex/book.pdf (log: _build/pdf.log)"

## make mutants: plant each mistake of tests/mutation/catalogue.py in a copy of ibcore, run the chapters it
## can affect, and require a chapter claim to kill it (kill matrix -> _build/mutants.json)
mutants: $(STAMP)
	$(BIN)/python tests/mutation/run.py --jobs 2 --output _build/mutants.json

## make bench: chapter execution times and speed-ups against naive baselines -> _build/bench.json
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py --output _build/bench.json

lint: $(STAMP)
	$(BIN)/ruff check ibcore tests benchmarks conftest.py _ext

clean:
	rm -rf _build .pytest_cache
