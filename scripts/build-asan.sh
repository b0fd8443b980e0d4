#!/bin/sh
# Build ipmifast's compiled modules with AddressSanitizer and libFuzzer coverage (clang) into build/asan/, a copy
# of the package, for the fuzzers (scripts/fuzz.sh). The product's own in-place build is not touched.
#
#   sh scripts/build-asan.sh        # then: sh scripts/fuzz.sh [--ci | TARGET SECONDS]
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
if ! command -v clang >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q clang >/dev/null
fi
rm -rf build/asan
mkdir -p build/asan
# the package's sources only (no .so, .c or caches), and setup.py
tar -C "$ROOT" --exclude='*.so' --exclude='*.c' --exclude='__pycache__' -cf - ipmifast setup.py | tar -C build/asan -xf -
cd build/asan
SAN="-fsanitize=address,fuzzer-no-link -fno-omit-frame-pointer -g -O1"
CC=clang LDSHARED="clang -shared" CFLAGS="$SAN" LDFLAGS="$SAN" \
    "$ROOT/.venv/bin/python" setup.py -q build_ext --inplace >/dev/null
for so in ipmifast/proto/_frame_c ipmifast/proto/_crypto_c ipmifast/proto/_sol_c ipmifast/engine/_batch_c \
          ipmifast/engine/_mmsg_c; do
    ls "$so".cpython-*.so >/dev/null
done
touch .built
echo "ASan + libFuzzer build of the compiled modules in build/asan"
