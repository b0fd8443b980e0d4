#!/bin/sh
# Install everything (scripts/setup.sh) and run ipmifast's main job.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
exec .venv/bin/ipmifast demo "$@"
