#!/usr/bin/env bash
# Builds Cairn and runs the single-node appliance: embedded ZooKeeper, one store, one iSCSI gateway
# on port 3260, and on first start a 1 GiB thin-provisioned LUN. Extra arguments go to `cairn run`
# (see `cairn run --help`); data lives in /var/lib/cairn unless --data-dir says otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x packaging/target/cairn/bin/cairn ] || [ -n "$(find . -path ./packaging/target -prune -o -newer packaging/target/cairn/bin/cairn -name '*.java' -print -quit)" ]; then
  mvn -B -ntp -q -DskipTests package -pl packaging -am
fi
exec packaging/target/cairn/bin/cairn run "$@"
