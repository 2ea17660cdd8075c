# Each target creates the virtual environment .venv on first use (Python >= 3.11 and pip only).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: test test-ibcore test-chapters book bench lint clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,book]'
	@touch $(STAMP)

## make test: lint, ibcore unit tests (warnings are errors), then re-execute every chapter with nbval
test: $(STAMP)
	$(BIN)/ruff check ibcore tests benchmarks conftest.py
	$(BIN)/python -m pytest tests
	$(BIN)/python -m pytest --nbval chapters

test-ibcore: $(STAMP)
	$(BIN)/python -m pytest tests

test-chapters: $(STAMP)
	$(BIN)/python -m pytest --nbval chapters

## make book: build the HTML book into _build/html with warnings as errors
book: $(STAMP)
	$(BIN)/jupyter-book build . --all --warningiserror --nitpick --keep-going
	$(BIN)/python tests/check_executed_notebooks.py
	@echo "The book is at $(CURDIR)/_build/html/index.html"

## make bench: chapter execution times and speed-ups against naive baselines -> _build/bench.json
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py --output _build/bench.json

lint: $(STAMP)
	$(BIN)/ruff check ibcore tests benchmarks conftest.py

clean:
	rm -rf _build .pytest_cache
