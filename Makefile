# Two commands on a fresh machine: `make run` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NATIVE := $(VENV)/.native
# the hot modules compiled with mypyc (setup.py); rebuilt whenever one of them changes
NATIVE_SOURCES := $(shell grep -v '^\#' native_modules.txt)

.PHONY: setup native run test lint typecheck imports pytest bench bench-many clean

setup: $(NATIVE)

$(STAMP): pyproject.toml setup.py
	@echo "setup: creating $(VENV) and installing the project and its tools with pip..."
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip
	$(BIN)/pip install -e '.[dev]'
	touch $(STAMP)

# compiled after the install: mypyc type-checks against numpy and the other dependencies.
# Without a working C compiler setup.py keeps the plain-Python modules with a warning;
# $(NATIVE) records which build this is ("compiled" or "plain-python" and why).
native: $(NATIVE)

$(NATIVE): $(STAMP) setup.py native_modules.txt $(NATIVE_SOURCES)
	@echo "setup: compiling $(words $(NATIVE_SOURCES)) hot modules with mypyc (a minute or two)..."
	find src -name '*.so' -delete  # a module no longer listed must not stay compiled
	VIBETRADING_NATIVE_BUILD=1 VIBETRADING_NATIVE_RECORD=$(NATIVE) \
		$(BIN)/python setup.py --quiet build_ext --inplace
	find src -name '*.so' -exec touch {} +  # copies keep build/'s times; the build is new
	touch $(NATIVE)

run: $(NATIVE)
	$(BIN)/python -m cli.backtest --env dev

lint: $(NATIVE)
	$(BIN)/ruff check .

typecheck: $(NATIVE)
	$(BIN)/mypy

imports: $(NATIVE)
	$(BIN)/lint-imports

# the report's browser test drives Debian's Chromium (Playwright never downloads a browser)
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	@echo "installing Debian's chromium for the report's browser test"
	apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium

pytest: $(NATIVE) $(CHROMIUM)
	VIBETRADING_REQUIRE_NATIVE=1 VIBETRADING_REQUIRE_BROWSER=1 $(BIN)/python -m pytest

test: lint typecheck imports pytest

# the 40-symbol case (40 x 525,600 bars, five turns, about 5 minutes) is part of bench;
# bench-many runs it alone (ARGS="--symbols 40 --bars-per-symbol 50000" for a shorter run)
bench: $(NATIVE)
	$(BIN)/python -m benchmarks.bench_sma_cross
	$(BIN)/python -m benchmarks.bench_strategies
	$(BIN)/python -m benchmarks.bench_many_symbols

bench-many: $(NATIVE)
	$(BIN)/python -m benchmarks.bench_many_symbols $(ARGS)

clean:
	rm -rf $(VENV) build .mypy_cache .pytest_cache .ruff_cache
	find src -name '*.so' -delete
