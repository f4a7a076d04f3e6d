# lib.sh — the measuring half of bench.sh and bench-cluster.sh (sourced by both, not run).
#
# The caller sets: urls (associative: side -> iscsi:// URL), sides (array, column order), seconds
# (measured seconds per row and side), rounds, ramp (seconds). bench_all fills the LUNs, then fills
# result["row name|side"] with IOPS or MB/s and prints every measured round on stderr.
#
# Method, per row: every side gets a short calibration run and a ramp of about $ramp seconds, both
# discarded (warm JIT, caches and connections for this row's pattern, like fio's ramp_time); then
# $rounds rounds of about $seconds/$rounds seconds each, the sides taking turns inside every round, so
# a slow drift of the machine (background writeback, page reclaim, another tenant) lands on every side
# alike; the row's figure is the median of a side's rounds. Every run starts with a `sync`, untimed, so
# the page cache one run dirtied is written back before the next run, not during it (on another side).
#
# qemu-img bench has no random mode: "random" rows use a stride of 104729 blocks (a prime) that wraps
# around the LUN, so consecutive requests land far apart and every 4 KiB block is visited before any repeats.

# check_options: exits 2 with a message unless rounds, seconds and ramp are usable numbers
check_options() {
  [[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "--rounds must be a positive integer: $rounds" >&2; exit 2; }
  [[ $seconds =~ ^[0-9]+([.][0-9]+)?$ && $ramp =~ ^[0-9]+([.][0-9]+)?$ ]] \
    || { echo "--seconds and --ramp must be numbers of seconds" >&2; exit 2; }
}

# run URL COUNT DEPTH SIZE STEP WRITE [MODE] -> elapsed seconds
# MODE: none (the default: no FUA, no flush), fua (-t writethrough: every write carries FUA), or
# flush (--flush-interval=1: a SYNCHRONIZE CACHE after every write, waited for before the next).
run() {
  local url=$1 count=$2 depth=$3 size=$4 step=$5 write=$6 mode=${7:-none} out
  local cache=none; [ "$mode" = fua ] && cache=writethrough
  local args=(bench -f raw -t "$cache" -c "$count" -d "$depth" -s "$size" -S "$step")
  [ "$write" = 1 ] && args+=(-w)
  [ "$mode" = flush ] && args+=(--flush-interval=1)
  sync # untimed: the page cache the previous run dirtied is written back now, not during this run
  out=$(qemu-img "${args[@]}" "$url" 2>&1) || { echo "qemu-img bench failed on $url: $out" >&2; return 1; }
  sed -n 's/^Run completed in \([0-9.]*\) seconds.*/\1/p' <<<"$out"
}

# count_for COUNT ELAPSED SECONDS -> requests that take about SECONDS at the rate COUNT/ELAPSED
count_for() {
  awk -v c="$1" -v t="$2" -v s="$3" 'BEGIN { n = (t > 0) ? int(c * s / t) : c * 10;
    if (n < 100) n = 100; if (n > 20000000) n = 20000000; print n }'
}

# rate COUNT ELAPSED SIZE UNIT -> IOPS or MB/s
rate() {
  awk -v c="$1" -v t="$2" -v s="$3" -v u="$4" \
    'BEGIN { if (t <= 0) print 0; else if (u == "MB/s") printf "%.1f", c * s / t / 1e6; else printf "%.0f", c / t }'
}

median() { tr ' ' '\n' <<<"$*" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

stride=$((4096 * 104729))
# name|depth|size|step|write|calibration count|unit|mode (see run)
rows=(
  "4 KiB random write QD1|1|4096|$stride|1|2000|IOPS|none"
  "4 KiB random write QD32|32|4096|$stride|1|5000|IOPS|none"
  "4 KiB random read QD1|1|4096|$stride|0|2000|IOPS|none"
  "4 KiB random read QD32|32|4096|$stride|0|5000|IOPS|none"
  "1 MiB sequential write QD8|8|1048576|1048576|1|200|MB/s|none"
  "4 KiB random write FUA QD1|1|4096|$stride|1|300|IOPS|fua"
  "4 KiB random write FUA QD32|32|4096|$stride|1|1000|IOPS|fua"
  "4 KiB random write + flush QD1|1|4096|$stride|1|300|IOPS|flush"
)
# Table order (reads first, durable writes last).
row_names=("4 KiB random read QD1" "4 KiB random read QD32" "4 KiB random write QD1"
           "4 KiB random write QD32" "1 MiB sequential write QD8"
           "4 KiB random write FUA QD1" "4 KiB random write FUA QD32" "4 KiB random write + flush QD1")
# only (a regular expression, set by --only) keeps the rows whose names match it
only=${only:-}
if [ -n "$only" ]; then
  kept=(); for n in "${row_names[@]}"; do [[ $n =~ $only ]] && kept+=("$n"); done
  [ ${#kept[@]} -gt 0 ] || { echo "--only $only matches no row" >&2; exit 2; }
  row_names=("${kept[@]}")
fi

declare -A result

# selected NAME: true if the row NAME is in row_names
selected() { local n; for n in "${row_names[@]}"; do [ "$n" = "$1" ] && return 0; done; return 1; }

bench_all() {
  local side row name depth size step write calib unit t count r per
  # Precondition: fill every LUN once, so reads read written data. A never-written region is not a
  # meaningful read benchmark, and QEMU's initiator asks a thin-provisioned LUN (LBPME=1, Cairn) for
  # GET LBA STATUS before reading a region it has not seen, which tgt (no LBPME) is not asked.
  # The fill is in 4 KiB writes, and the 1 MiB row runs last, because the page cache remembers how a
  # file was written: on this machine (Linux 6.18, ext4), after a fill in 1 MiB writes tgt took random
  # 4 KiB writes at QD32 at 22k IOPS, after a fill in 4 KiB writes at 35-43k, after dropping the page
  # cache at 45-52k; Cairn, which hands its block files at most 64 KiB per write call, showed no such
  # drop. Filling in 4 KiB writes gives every target the same start.
  for side in "${sides[@]}"; do
    run "${urls[$side]}" 262144 32 4096 4096 1 >/dev/null
  done
  per=$(awk -v s="$seconds" -v r="$rounds" 'BEGIN { printf "%.3f", s / r }')
  for row in "${rows[@]}"; do
    IFS='|' read -r name depth size step write calib unit mode <<<"$row"
    selected "$name" || continue
    declare -A counts=() rates=()
    for side in "${sides[@]}"; do
      t=$(run "${urls[$side]}" "$calib" "$depth" "$size" "$step" "$write" "$mode")
      count=$(count_for "$calib" "$t" "$ramp")
      t=$(run "${urls[$side]}" "$count" "$depth" "$size" "$step" "$write" "$mode") # the ramp, discarded
      counts[$side]=$(count_for "$count" "$t" "$per")
    done
    for ((r = 1; r <= rounds; r++)); do
      for side in "${sides[@]}"; do
        t=$(run "${urls[$side]}" "${counts[$side]}" "$depth" "$size" "$step" "$write" "$mode")
        rates[$side]="${rates[$side]:-} $(rate "${counts[$side]}" "$t" "$size" "$unit")"
        echo "  $name, round $r: $side ${counts[$side]} requests in $t s" >&2
      done
    done
    for side in "${sides[@]}"; do
      result["$name|$side"]=$(median ${rates[$side]})
      echo "  $name: $side rounds${rates[$side]} $unit, median ${result["$name|$side"]}" >&2
    done
    unset counts rates
  done
}
