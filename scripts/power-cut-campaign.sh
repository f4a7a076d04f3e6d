#!/usr/bin/env bash
# power-cut-campaign.sh — the long version of PowerCutTest: CUTS power cuts (default 2000) of a store
# on a disk model that loses what was not forced, under FUA writes, plain writes, unmaps and flushes;
# after each cut every durable acknowledgement must read back and nothing never written may appear.
# The suite runs 100 cuts of the same test.
#
# Usage: scripts/power-cut-campaign.sh [CUTS] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
cuts=${1:-2000}
seed=${2:-$RANDOM$RANDOM}
mvn -B -ntp -q install -DskipTests -pl subunit-store -am
exec mvn -B -ntp test -pl subunit-store -Dtest=PowerCutTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dcairn.powercut.cuts="$cuts" -Dcairn.powercut.seed="$seed"
