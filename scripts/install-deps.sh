#!/usr/bin/env bash
# Installs everything omsql needs to build, test and benchmark, from Debian 12 packages only.
# Idempotent: a machine that already has the packages spends a second here.
set -euo pipefail
packages=(
  g++ meson ninja-build pkg-config python3
  libcaf-dev libcaf-doc libboost-dev libmariadb-dev libxxhash-dev doctest-dev libbenchmark-dev
  nlohmann-json3-dev libcli11-dev libcpp-httplib-dev
  libspdlog-dev libfmt-dev   # the log seam's sinks (src/log)
  mariadb-server mariadb-client sysbench mydumper percona-toolkit time bc
  strace   # tests/e2e/status_truth_e2e.sh: `omsrun status` opens nothing for writing in a running task's directory
  libjs-dygraphs   # the web console's chart, compiled into omsrun (src/console/meson.build)
  chromium         # tests/e2e/console_e2e.sh drives the console in headless Chromium
  tmux             # tests/e2e/progress_tty_e2e.sh runs omsrun on a real terminal of a set size
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  # The mariadb-server package must not start a system server: sandboxes start their own.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d.omsql
  if [ ! -e /usr/sbin/policy-rc.d ]; then cp /usr/sbin/policy-rc.d.omsql /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; trap 'rm -f /usr/sbin/policy-rc.d' EXIT; fi
  rm -f /usr/sbin/policy-rc.d.omsql
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
