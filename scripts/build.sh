#!/usr/bin/env bash
# Configures (once) and builds omsql in ./build as a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f build/build.ninja ] || meson setup build --buildtype=release >/dev/null
# Arguments are ninja targets (e.g. omsrun); OMSQL_BUILD_TARGETS adds more.
ninja -C build ${OMSQL_BUILD_TARGETS:-} "$@"
