# Two commands do all the set-up: `make lab` opens the notebook tour, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: lab test nbval browser-test install clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch is pinned to the CPU build found on disk; any other version pulls CUDA packages.
$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet "torch==2.13.0"
	$(BIN)/pip install --quiet -e ".[all,notebook,test]" "torch==2.13.0"
	$(BIN)/opt_in_out --opt_out >/dev/null  # OpenVINO telemetry off: no network calls from tests
	touch $(STAMP)

install: $(STAMP)

lab: install
	$(BIN)/jupyter lab notebooks/

# The unit tests take both cores; then the tour runs twice side by side, under nbval (outputs
# compared) and in Chromium (rendered), one compute thread per kernel so that the two do not
# oversubscribe the cores.
test: install
	$(BIN)/python -m pytest -q -n 2 tests --ignore=tests/browser
	@OMP_NUM_THREADS=1 $(MAKE) --no-print-directory -j2 nbval browser-test

nbval: install
	$(BIN)/python -m pytest -q --nbval-lax --nbval-sanitize-with notebooks/sanitize.cfg notebooks/

# The browser check (JupyterLab in Chromium: the live panel, the magics, every tour notebook)
# needs Debian's Chromium (.ci/run installs it); without it, it says so.
browser-test: install
	@if [ -x /usr/bin/chromium ]; then $(BIN)/python -m pytest -q tests/browser; else \
	  echo "Skipped the browser check (JupyterLab in Chromium): /usr/bin/chromium not found."; \
	  echo "Install it with: apt-get update && apt-get install chromium chromium-driver"; fi

# fit_throughput's full run takes minutes: `python bench/fit_throughput.py` (see README).
bench: install
	$(BIN)/python bench/op_overhead.py
	$(BIN)/python bench/fit_throughput.py --quick

clean:
	rm -rf $(VENV)
