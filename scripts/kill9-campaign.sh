#!/usr/bin/env bash
# kill9-campaign.sh — the long version of KillNineIT: kill -9 of the single-node appliance and of a
# store in a two-copy cluster, at random moments under FUA writes and SYNCHRONIZE CACHE, ROUNDS times
# each (default 50); after every kill the victim restarts and every durable acknowledgement must read
# back, and the cluster's copies must verify identical. The suite runs 3 rounds of the same test.
#
# Usage: scripts/kill9-campaign.sh [ROUNDS] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-50}
seed=${2:-$RANDOM$RANDOM}
bash scripts/install-test-deps.sh
mvn -B -ntp -q install -DskipTests
exec mvn -B -ntp test -pl it -Dtest=KillNineIT -Dsurefire.failIfNoSpecifiedTests=false -Dcairn.it.require=true \
  -Dcairn.kill9.rounds="$rounds" -Dcairn.kill9.seed="$seed"
