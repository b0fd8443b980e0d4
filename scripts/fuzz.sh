#!/bin/sh
# Coverage-guided fuzzing under AddressSanitizer (atheris + libFuzzer) of every compiled decoder and of the session
# state machines with an established session (fuzz/targets.py).
#
#   sh scripts/fuzz.sh --ci              every target for FUZZ_SECONDS (default 10), as the test command runs it
#   sh scripts/fuzz.sh TARGET SECONDS    one target, longer (corpus kept in build/fuzz/corpus/TARGET)
#
# A crash, an AddressSanitizer report or a compiled/reference disagreement stops the target; its input is written
# to build/fuzz/artifacts/ and the script exits 1. Copy such an input to tests/data/fuzz/TARGET/ and
# tests/test_fuzz_regressions.py replays it in every test run.
set -eu
cd "$(dirname "$0")/.."
PY=.venv/bin/python
stale=$(find ipmifast setup.py \( -name '*.pyx' -o -name '*.pxd' -o -name setup.py \) -newer build/asan/.built \
        2>/dev/null | head -1 || true)
if [ ! -f build/asan/.built ] || [ -n "$stale" ]; then
    sh scripts/build-asan.sh
fi
RUNTIME="$($PY -c 'import atheris, os; print(os.path.dirname(atheris.__file__))')/../asan_with_fuzzer.so"
[ -f "$RUNTIME" ] || { echo "fuzz: atheris's ASan runtime is missing: $RUNTIME" >&2; exit 2; }
mkdir -p build/fuzz/artifacts
if [ "${1:-}" = "--ci" ]; then
    targets=$($PY -c 'import sys; sys.path.insert(0, "."); from fuzz.targets import TARGETS; print(" ".join(TARGETS))')
    seconds=${FUZZ_SECONDS:-10}
else
    targets=${1:?usage: sh scripts/fuzz.sh --ci | TARGET SECONDS}
    seconds=${2:-60}
fi
status=0
for t in $targets; do
    log=build/fuzz/$t.log
    if LD_PRELOAD="$RUNTIME" ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 PYTHONPATH=build/asan \
        $PY fuzz/run.py "$t" "build/fuzz/corpus/$t" -max_total_time="$seconds" -rss_limit_mb=2048 \
        -artifact_prefix="build/fuzz/artifacts/$t-" >"$log" 2>&1; then
        echo "fuzz $t: $(grep -E '^(Done|#[0-9]+ *DONE)' "$log" | tail -1) cov $(grep -oE 'cov: [0-9]+' "$log" | tail -1)"
    else
        status=1
        echo "fuzz $t: FAILED (see $log and build/fuzz/artifacts/)" >&2
        tail -30 "$log" >&2
    fi
done
exit $status
