#!/usr/bin/env bash
# The whole test suite: unit tests of every module, then integration tests that start the real
# appliance and drive it with real initiators (libiscsi's iscsi-test-cu, qemu-io, raw PDUs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-deps.sh
exec mvn -B -ntp verify -Dcairn.it.require=true "$@"
