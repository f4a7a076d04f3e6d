#!/usr/bin/env bash
# bench-cluster.sh — Cairn single node, Cairn 3-node cluster (2 copies) and tgt, side by side, with QEMU's
# initiator (qemu-img bench): the same rows, preconditioning and table as bench.sh, one column more.
#
# Usage: bench/bench-cluster.sh [--single-url URL] [--cluster-url URL] [--tgt-url URL] [--tgt-port N]
#                               [--seconds S] [--rounds N] [--ramp S] [--only REGEX] [--durability D] [--no-build]
#   --single-url URL   bench an already running single-node target (nothing started for it)
#   --cluster-url URL  bench an already running cluster gateway (nothing started for it)
#   --tgt-url URL      bench an already running tgt
#   --tgt-port N       port of the tgt this script starts (default 3270)
#   --seconds S        measured seconds per row and target (default 15; counts are calibrated)
#   --rounds N         split them into N rounds, targets taking turns; median reported (default 3)
#   --ramp S           unmeasured warm-up per row and target before the rounds (default 3)
#   --only REGEX       run only the rows whose names match REGEX (e.g. FUA|flush: the durable rows)
#   --durability D     durability of the Cairn LUNs it creates: write-back (default) or durable
#   --no-build         never run maven (fail if the distribution is missing)
# What it starts, all on 127.0.0.1, each on a temp dir: `cairn run` (1 GiB LUN, iSCSI 3261, ZooKeeper 2190);
# the cluster: `cairn zookeeper` (2191), three `cairn store` (node ids 1-3, site tokyo, block ports 7101-7103),
# one `cairn gateway` (iSCSI 3262) and `cairn lun create` (1 GiB, 64M sub-units, 2 copies); tgt
# (scripts/tgt-peer.sh start 3270 1024 DIR). Prints a markdown table; stops everything it started on exit.
#
# How it measures (calibration, ramp, rounds, median; the random stride): see bench/lib.sh.
# Every LUN is filled once before the rows with sequential 4 KiB writes (preconditioning; bench/lib.sh says why 4 KiB).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
single_url=""; cluster_url=""; tgt_url=""; tgt_port=3270; seconds=15; rounds=3; ramp=3; build=1; durability=write-back
single_port=3261; single_zk_port=2190
zk_port=2191; gateway_port=3262; store_ports=(7101 7102 7103)
lun_id=bench
while [ $# -gt 0 ]; do
  case "$1" in
    --single-url) single_url=$2; shift 2 ;;
    --cluster-url) cluster_url=$2; shift 2 ;;
    --tgt-url) tgt_url=$2; shift 2 ;;
    --tgt-port) tgt_port=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --ramp) ramp=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --durability) durability=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
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

work=$(mktemp -d /tmp/cairn-bench-cluster.XXXXXX)
pids=()          # every cairn process this script started, stopped in reverse order
tgt_started=0
stop_pid() {
  local pid=$1
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
  local i
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do stop_pid "${pids[i]}"; done
  [ "$tgt_started" = 1 ] && "$tgt_peer" stop "$tgt_port" || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

launcher="$repo/packaging/target/cairn/bin/cairn"
need_launcher() {
  if [ ! -x "$launcher" ]; then
    [ "$build" = 1 ] || { echo "$launcher missing (--no-build)" >&2; exit 1; }
    echo "building the distribution (mvn -pl packaging -am package -DskipTests)..." >&2
    (cd "$repo" && mvn -q -pl packaging -am package -DskipTests) >&2
  fi
}

# start NAME READY_REGEX ARGS... : runs the launcher in the background, waits (120 s) for its ready line
start() {
  local name=$1 ready=$2 pid; shift 2
  "$launcher" "$@" >"$work/$name.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 1200); do
    grep -qE "$ready" "$work/$name.log" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { echo "$name exited:" >&2; cat "$work/$name.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "$name not ready in 120 s:" >&2; cat "$work/$name.log" >&2; exit 1
}

if [ -z "$single_url" ]; then
  need_launcher
  mkdir -p "$work/single"
  start single "Cairn ready:" run --data-dir "$work/single" --iscsi-port "$single_port" --listen 127.0.0.1 \
    --zk-port "$single_zk_port" --lun-size 1G "${lun_durability[@]}" --metrics off
  single_url="iscsi://127.0.0.1:$single_port/iqn.2026-11.io.cairn:default/0"
fi
if [ -z "$cluster_url" ]; then
  need_launcher
  "$launcher" store --help 2>/dev/null | grep -q -- --block-port \
    || { echo "this distribution has no distributed mode (cairn store --help); use --cluster-url" >&2; exit 1; }
  zk="127.0.0.1:$zk_port"
  ship=()  # one site: no DR copies; older releases have no --ship-port
  "$launcher" store --help 2>/dev/null | grep -q -- --ship-port && ship=(--ship-port off)
  mkdir -p "$work/zookeeper"
  start zookeeper "ZooKeeper ready:" zookeeper --data-dir "$work/zookeeper" --zk-port "$zk_port"
  for node in 1 2 3; do
    mkdir -p "$work/store-$node"
    start "store-$node" "Store ready: node $node " store --zk-connect "$zk" --node-id "$node" --site tokyo \
      --data-dir "$work/store-$node" --listen 127.0.0.1 --block-port "${store_ports[node - 1]}" "${ship[@]}" \
      --zk-session-timeout 4s
  done
  start gateway "Gateway ready:" gateway --zk-connect "$zk" --listen 127.0.0.1 --iscsi-port "$gateway_port" \
    --zk-session-timeout 4s --node-gone-timeout 15s --metrics off
  created=$("$launcher" lun create --zk-connect "$zk" --id "$lun_id" --size 1G --subunit-size 64M --copies 2 \
    "${create_durability[@]}" 2>&1) \
    || { echo "lun create failed: $created" >&2; exit 1; }
  target=$(sed -n 's/.*LUN [^ ]* created: target \([^ ]*\).*/\1/p' <<<"$created")
  [ -n "$target" ] || { echo "lun create printed no target: $created" >&2; exit 1; }
  cluster_url="iscsi://127.0.0.1:$gateway_port/$target/0"
fi
if [ -z "$tgt_url" ]; then
  tgt_url=$("$tgt_peer" start "$tgt_port" 1024 "$work/tgt" | tail -1)
  tgt_started=1
fi

declare -A urls=([single]=$single_url [cluster]=$cluster_url [tgt]=$tgt_url)
sides=(single cluster tgt)
bench_all

echo
echo "Cairn single node:          $single_url"
echo "Cairn cluster (3 stores, 2 copies): $cluster_url"
echo "tgt:                        $tgt_url"
echo
echo "| row | Cairn single | Cairn cluster | tgt | cluster/tgt | single/tgt |"
echo "|---|---:|---:|---:|---:|---:|"
for name in "${row_names[@]}"; do
  unit=IOPS; [[ $name == 1\ MiB* ]] && unit=MB/s
  s=${result["$name|single"]}; c=${result["$name|cluster"]}; t=${result["$name|tgt"]}
  echo "| $name ($unit) | $s | $c | $t | $(ratio "$c" "$t") | $(ratio "$s" "$t") |"
done
