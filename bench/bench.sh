#!/usr/bin/env bash
# bench.sh — Cairn (single node) against tgt, side by side, with QEMU's initiator (qemu-img bench).
#
# Usage: bench/bench.sh [--cairn-url URL] [--tgt-url URL] [--tgt-port N] [--seconds S] [--no-build]
#   --cairn-url URL  bench an already running target in the Cairn column (nothing started for it)
#   --tgt-url URL    bench an already running tgt in the tgt column
#   --tgt-port N     port of the tgt this script starts (default 3270)
#   --seconds S      aim for about S seconds per row and target (default 15; counts are calibrated)
#   --no-build       never run maven (fail if the distribution is missing)
# Without --cairn-url it builds the distribution when packaging/target/cairn/bin/cairn is missing, starts
# `cairn run` on a temp dir (1 GiB LUN, port 3261) and tgt (tgt-peer.sh start 3270 1024 DIR), benches both,
# prints a markdown table and stops everything it started on exit.
#
# qemu-img bench has no random mode: "random" rows use a stride of 104729 blocks (a prime) that wraps
# around the LUN, so consecutive requests land far apart and every 4 KiB block is visited before any repeats.
# Both LUNs are filled once before the rows with sequential 4 KiB writes (preconditioning; see below why 4 KiB).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
cairn_url=""; tgt_url=""; tgt_port=3270; seconds=15; build=1
cairn_port=3261
while [ $# -gt 0 ]; do
  case "$1" in
    --cairn-url) cairn_url=$2; shift 2 ;;
    --tgt-url) tgt_url=$2; shift 2 ;;
    --tgt-port) tgt_port=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

tgt_peer=""
for c in /work/shared/tools/tgt-peer.sh "$repo/../shared/tools/tgt-peer.sh"; do
  [ -x "$c" ] && { tgt_peer=$c; break; }
done
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
  "$launcher" run --data-dir "$work/cairn" --iscsi-port "$cairn_port" --listen 127.0.0.1 --lun-size 1G \
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
  [ -n "$tgt_peer" ] || { echo "tgt-peer.sh not found (/work/shared/tools or ../shared/tools)" >&2; exit 1; }
  tgt_url=$("$tgt_peer" start "$tgt_port" 1024 "$work/tgt" | tail -1)
  tgt_started=1
fi

# run URL COUNT DEPTH SIZE STEP WRITE -> elapsed seconds
run() {
  local url=$1 count=$2 depth=$3 size=$4 step=$5 write=$6 out
  local args=(bench -f raw -t none -c "$count" -d "$depth" -s "$size" -S "$step")
  [ "$write" = 1 ] && args+=(-w)
  out=$(qemu-img "${args[@]}" "$url" 2>&1) || { echo "qemu-img bench failed on $url: $out" >&2; return 1; }
  sed -n 's/^Run completed in \([0-9.]*\) seconds.*/\1/p' <<<"$out"
}

# measure URL DEPTH SIZE STEP WRITE CALIBRATION_COUNT -> "count elapsed"; a short run sizes the real one
measure() {
  local url=$1 depth=$2 size=$3 step=$4 write=$5 calib=$6 t count
  t=$(run "$url" "$calib" "$depth" "$size" "$step" "$write")
  count=$(awk -v c="$calib" -v t="$t" -v s="$seconds" 'BEGIN { n = (t > 0) ? int(c * s / t) : c * 10;
            if (n < c) n = c; if (n > 20000000) n = 20000000; print n }')
  echo "$count $(run "$url" "$count" "$depth" "$size" "$step" "$write")"
}

stride=$((4096 * 104729))
# name|depth|size|step|write|calibration count|unit
rows=(
  "4 KiB random write QD1|1|4096|$stride|1|2000|IOPS"
  "4 KiB random write QD32|32|4096|$stride|1|5000|IOPS"
  "4 KiB random read QD1|1|4096|$stride|0|2000|IOPS"
  "4 KiB random read QD32|32|4096|$stride|0|5000|IOPS"
  "1 MiB sequential write QD8|8|1048576|1048576|1|200|MB/s"
)
# Precondition: fill both LUNs once, so reads read written data. A never-written region is not a
# meaningful read benchmark, and QEMU's initiator asks a thin-provisioned LUN (LBPME=1, Cairn) for
# GET LBA STATUS before reading a region it has not seen, which tgt (no LBPME) is not asked.
# The fill is in 4 KiB writes, and the 1 MiB row runs last, because the page cache remembers how a
# file was written: on this machine (Linux 6.18, ext4), after a fill in 1 MiB writes tgt took random
# 4 KiB writes at QD32 at 22k IOPS, after a fill in 4 KiB writes at 35-43k, after dropping the page
# cache at 45-52k; Cairn, which hands its block files at most 64 KiB per write call, showed no such
# drop. Filling in 4 KiB writes gives every target the same start.
for url in "$cairn_url" "$tgt_url"; do
  run "$url" 262144 32 4096 4096 1 >/dev/null
done
declare -A result
for row in "${rows[@]}"; do
  IFS='|' read -r name depth size step write calib unit <<<"$row"
  for side in cairn tgt; do
    url=$cairn_url; [ "$side" = tgt ] && url=$tgt_url
    read -r count elapsed < <(measure "$url" "$depth" "$size" "$step" "$write" "$calib")
    result["$name|$side"]=$(awk -v c="$count" -v t="$elapsed" -v s="$size" -v u="$unit" \
      'BEGIN { if (u == "MB/s") printf "%.1f", c * s / t / 1e6; else printf "%.0f", c / t }')
    echo "  $side: $name: $count requests in $elapsed s" >&2
  done
done

echo
echo "Cairn: $cairn_url"
echo "tgt:   $tgt_url"
echo
echo "| row | Cairn | tgt | Cairn/tgt |"
echo "|---|---:|---:|---:|"
for name in "4 KiB random read QD1" "4 KiB random read QD32" "4 KiB random write QD1" \
            "4 KiB random write QD32" "1 MiB sequential write QD8"; do
  unit=IOPS; [[ $name == 1\ MiB* ]] && unit=MB/s
  c=${result["$name|cairn"]}; t=${result["$name|tgt"]}
  ratio=$(awk -v c="$c" -v t="$t" 'BEGIN { if (t > 0) printf "%.2f", c / t; else print "n/a" }')
  echo "| $name ($unit) | $c | $t | $ratio |"
done
