# Two commands do all set-up on a fresh Debian/Ubuntu machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install sysdeps demo test lint typecheck pytest bench clean

# System packages a fresh machine lacks (compilers the judge runs, interpreters).
# Installed with apt-get when we are root; otherwise one line says what to install.
sysdeps:
	@bash scripts/sysdeps.sh

$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory sysdeps
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install -q --upgrade pip
	@$(BIN)/pip install -q -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/cpelo demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

# Without CPELO_REQUIRE_SUITES a suite whose machinery is missing skips (-ra names what is missing);
# .ci/run sets it, and then such a skip fails the run. pytest's exit code 5 (no test collected) fails
# make like any other non-zero code.
pytest: install
	$(BIN)/pytest -n 2 -q

test: lint typecheck pytest

bench: install
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
