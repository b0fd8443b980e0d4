#!/bin/sh
# Everything ipmifast needs on a fresh Debian/Ubuntu machine, idempotent:
#   - the real IPMI peers the tests run against (OpenIPMI ipmi_sim, ipmitool, FreeIPMI, tshark, tcpdump)
#   - the build tools (gcc, Python headers, OpenSSL's libcrypto headers for the compiled crypto; clang for the
#     AddressSanitizer + libFuzzer build the fuzzers use, scripts/build-asan.sh)
#   - a virtualenv in .venv with ipmifast built in place (Cython extensions) and its test tools.
# Run as root or with sudo available. Re-running it only does what is missing.
set -eu
cd "$(dirname "$0")/.."
PATH="$PATH:/usr/sbin:/sbin"; export PATH

need_apt=0
for tool in ipmi_sim ipmitool ipmipower ipmi-chassis tshark tcpdump ip gcc clang; do
    command -v "$tool" >/dev/null 2>&1 || need_apt=1
done
[ -f /usr/include/openssl/evp.h ] || need_apt=1
PYTHON=${PYTHON:-python3}
"$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1 || need_apt=1

if [ "$need_apt" = 1 ]; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections || true
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends \
        openipmi ipmitool freeipmi-tools tshark tcpdump iproute2 procps \
        gcc clang libc6-dev libssl-dev python3-dev python3-venv
fi

if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip setuptools wheel "Cython>=3"
# --no-build-isolation: build with the venv's Cython/setuptools; editable so the compiled modules sit in the tree
.venv/bin/python -m pip install --quiet --no-build-isolation -e ".[test,scapy_layers,cluster]"
.venv/bin/python -c 'import ipmifast.proto.frame as f, ipmifast.proto.crypto as c, ipmifast.proto.sol as s, \
ipmifast.engine.batch as b, ipmifast.engine.mmsg as m; \
assert (f.__impl__, c.__impl__, s.__impl__, b.__impl__, m.__impl__) == ("c",) * 5, "compiled extension not loaded"; \
print("ipmifast: compiled extensions built and loaded")'
