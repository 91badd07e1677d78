# Two commands from a fresh clone: `make demo` and `make test`. Each creates .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DEMO   ?= remission-demo

.PHONY: demo test lint bench clean chromium postgresql java

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	# MHCnuggets' weights for the mhcnuggets backend, without the TensorFlow its metadata asks
	# for (remission runs the network with numpy): 109 MB wheel, about 20 s (docs/antigens.md)
	$(BIN)/python -m pip install --quiet --no-deps 'mhcnuggets==2.4.1'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/remission demo --out $(DEMO)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/python scripts/check_public_docstrings.py

# Debian's Chromium for the browser tests: installed when absent and we may (root, apt-get);
# otherwise those tests skip and say why.
chromium:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
	  >/dev/null) || echo "chromium not installed: the browser tests will skip"; }

# Debian's PostgreSQL for the OMOP tests and benchmark (each starts its own server with initdb
# and pg_ctl in a temporary directory, socket only; as root it runs as the `postgres` user):
# installed when absent and we may (root, apt-get); otherwise those tests skip and say why.
postgresql:
	@ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql \
	  >/dev/null) || echo "postgresql not installed: the OMOP tests will skip"; }

# Debian's Java 17 for the Spark engine's tests (pyspark comes with the spark extra):
# installed when absent and we may (root, apt-get); otherwise those tests skip and say why.
java:
	@command -v java >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	  openjdk-17-jre-headless >/dev/null) || echo "java not installed: the Spark tests will skip"; }

# Test files run in parallel on all cores (pytest-xdist); one file stays in one worker.
# The app's browser tests save their screenshots in $(ARTEFACTS)/app.
ARTEFACTS ?= .artifacts
test: $(STAMP) lint chromium postgresql java
	REMISSION_ARTEFACTS=$(ARTEFACTS) $(BIN)/python -m pytest -n auto --dist loadfile src tests

bench: $(STAMP) postgresql
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache .ruff_cache build src/*.egg-info
