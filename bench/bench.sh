#!/usr/bin/env bash
# bench.sh — Cairn (single node) against tgt, side by side, with QEMU's initiator (qemu-img bench).
#
# Usage: bench/bench.sh [--cairn-url URL] [--tgt-url URL] [--tgt-port N]
#                       [--seconds S] [--rounds N] [--ramp S] [--only REGEX] [--durability D] [--no-build]
#   --cairn-url URL  bench an already running target in the Cairn column (nothing started for it)
#   --tgt-url URL    bench an already running tgt in the tgt column
#   --tgt-port N     port of the tgt this script starts (default 3270)
#   --seconds S      measured seconds per row and target (default 15; counts are calibrated)
#   --rounds N       split them into N rounds, targets taking turns; median reported (default 3)
#   --ramp S         unmeasured warm-up per row and target before the rounds (default 3)
#   --only REGEX     run only the rows whose names match REGEX (e.g. FUA|flush: the durable rows)
#   --durability D   durability of the Cairn LUNs it creates: write-back (default) or durable
#   --no-build       never run maven (fail if the distribution is missing)
# Without --cairn-url it builds the distribution when packaging/target/cairn/bin/cairn is missing, starts
# `cairn run` on a temp dir (1 GiB LUN, port 3261) and tgt (scripts/tgt-peer.sh start 3270 1024 DIR), benches both,
# prints a markdown table and stops everything it started on exit.
#
# How it measures (calibration, ramp, rounds, median; the random stride): see bench/lib.sh.
# Both LUNs are filled once before the rows with sequential 4 KiB writes (preconditioning; bench/lib.sh says why 4 KiB).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
cairn_url=""; tgt_url=""; tgt_port=3270; seconds=15; rounds=3; ramp=3; build=1; durability=write-back
cairn_port=3261
while [ $# -gt 0 ]; do
  case "$1" in
    --cairn-url) cairn_url=$2; shift 2 ;;
    --tgt-url) tgt_url=$2; shift 2 ;;
    --tgt-port) tgt_port=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --ramp) ramp=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --durability) durability=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
. "$here/lib.sh"
# the durability flags only when asked for, so these scripts also bench builds that predate them
lun_durability=(); create_durability=()
if [ "$durability" != write-back ]; then
  lun_durability=(--lun-durability "$durability"); create_durability=(--durability "$durability")
fi
check_options

tgt_peer="$repo/scripts/tgt-peer.sh"
command -v qemu-img >/dev/null || { echo "qemu-img missing (apt-get install qemu-utils)" >&2; exit 1; }

work=$(mktemp -d /tmp/cairn-bench.XXXXXX)
cairn_pid=""; tgt_started=0
cleanup() {
  if [ -n "$cairn_pid" ] && kill -0 "$cairn_pid" 2>/dev/null; then
    kill -TERM "$cairn_pid" 2>/dev/null || true
    for _ in $(seq 300); do kill -0 "$cairn_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$cairn_pid" 2>/dev/null || true
  fi
  [ "$tgt_started" = 1 ] && "$tgt_peer" stop "$tgt_port" || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

if [ -z "$cairn_url" ]; then
  launcher="$repo/packaging/target/cairn/bin/cairn"
  if [ ! -x "$launcher" ]; then
    [ "$build" = 1 ] || { echo "$launcher missing (--no-build)" >&2; exit 1; }
    echo "building the distribution (mvn -pl packaging -am package -DskipTests)..." >&2
    (cd "$repo" && mvn -q -pl packaging -am package -DskipTests) >&2
  fi
  mkdir -p "$work/cairn"
  "$launcher" run --data-dir "$work/cairn" --iscsi-port "$cairn_port" --listen 127.0.0.1 --lun-size 1G "${lun_durability[@]}" \
    >"$work/cairn.log" 2>&1 &
  cairn_pid=$!
  for _ in $(seq 1200); do
    grep -q "Cairn ready:" "$work/cairn.log" 2>/dev/null && break
    kill -0 "$cairn_pid" 2>/dev/null || { echo "cairn exited:" >&2; cat "$work/cairn.log" >&2; exit 1; }
    sleep 0.1
  done
  grep -q "Cairn ready:" "$work/cairn.log" || { echo "cairn not ready in 120 s:" >&2; cat "$work/cairn.log" >&2; exit 1; }
  cairn_url="iscsi://127.0.0.1:$cairn_port/iqn.2026-11.io.cairn:default/0"
fi
if [ -z "$tgt_url" ]; then
  tgt_url=$("$tgt_peer" start "$tgt_port" 1024 "$work/tgt" | tail -1)
  tgt_started=1
fi

declare -A urls=([cairn]=$cairn_url [tgt]=$tgt_url)
sides=(cairn tgt)
bench_all

echo
echo "Cairn: $cairn_url"
echo "tgt:   $tgt_url"
echo
echo "| row | Cairn | tgt | Cairn/tgt |"
echo "|---|---:|---:|---:|"
for name in "${row_names[@]}"; do
  unit=IOPS; [[ $name == 1\ MiB* ]] && unit=MB/s
  c=${result["$name|cairn"]}; t=${result["$name|tgt"]}
  echo "| $name ($unit) | $c | $t | $(ratio "$c" "$t") |"
done
