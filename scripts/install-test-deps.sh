#!/usr/bin/env bash
# Installs the Debian packages the test suite and benchmarks use: real initiators (libiscsi-bin,
# qemu-utils, sg3-utils), gcc and libiscsi-dev to build the tests' libiscsi initiator (it/src/test/c),
# and the peer target (tgt). Does nothing for packages already installed.
set -euo pipefail
want=(libiscsi-bin qemu-utils sg3-utils tgt gcc libiscsi-dev)
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
