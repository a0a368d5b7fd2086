# Two commands do all set-up on a fresh Debian/Ubuntu machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BASE   := $(VENV)/.installed-base

.PHONY: install sysdeps demo test test-vm lint typecheck pytest bench clean

# System packages a fresh machine lacks (compilers the judge runs, interpreters).
# Installed with apt-get when we are root; otherwise one line says what to install.
sysdeps:
	@bash scripts/sysdeps.sh

# `make demo` installs the base package only (the demo needs no extra); `make test` the dev extras,
# which include every optional extra (openai, report, service) and the test and lint tools.
$(BASE): pyproject.toml
	@$(MAKE) --no-print-directory sysdeps
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install -q --upgrade pip
	@$(BIN)/pip install -q -e .
	@touch $(BASE)

$(STAMP): $(BASE)
	@$(BIN)/pip install -q -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(BASE)
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

# The sandbox on a cgroup-v2-only Debian kernel under QEMU, as root and as an ordinary user (minutes;
# kernel and builds cached in ~/.cache/cpelo/vm). Root installs qemu and fetches the kernel package.
test-vm: install
	bash scripts/vm-test.sh

bench: install
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
