#!/bin/sh
# Install everything (scripts/setup.sh) and run the whole test suite: the compiled modules and, for the
# session state machines, the pure-Python references too; the benchmarks once each; and a short fuzzing run
# under AddressSanitizer (scripts/fuzz.sh). Extra arguments go to the first pytest run.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
.venv/bin/python -m pytest -q "$@"
IPMIFAST_PURE_PYTHON=1 .venv/bin/python -m pytest -q -p no:cacheprovider tests/proto/test_session.py
# every benchmark runs once as a test, so bench/ cannot rot (timings: see README, Performance)
.venv/bin/python -m pytest -q -p no:cacheprovider bench --benchmark-disable
# coverage-guided fuzzing of the compiled decoders and the sessions under AddressSanitizer, a CI-sized run
sh scripts/fuzz.sh --ci
