#!/usr/bin/env bash
# tgt-peer.sh — tgt (the C userspace iSCSI target from Debian's `tgt` package) on loopback, as the
# peer Cairn is measured and compared against (bench/, and the it/ tests with -Dcairn.it.target=tgt).
#
#   scripts/tgt-peer.sh start PORT SIZE_MIB DIR   start tgtd on 127.0.0.1:PORT with LUN 1, a sparse
#                                                 file of SIZE_MIB MiB in DIR; prints its iscsi:// URL
#   scripts/tgt-peer.sh stop PORT                 stop that tgtd
#
# tgtd is managed through a control port; each portal port gets its own (PORT mod 1000 + 20), so
# several peers can run side by side. tgtd ignores SIGTERM, so stop goes through the control port.
# The package is installed with apt-get when tgtd is missing.
set -euo pipefail
action=${1:-}
port=${2:-3270}
control=$((port % 1000 + 20))
target="iqn.2026-11.org.peer:tgt-$port"

ensure_tgt() {
  command -v tgtd >/dev/null && return
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tgt >/dev/null
}

admin() { tgtadm -C "$control" --lld iscsi "$@"; }

case "$action" in
  start)
    size_mib=${3:-1024}
    dir=${4:-/tmp/tgt-peer-$port}
    ensure_tgt
    mkdir -p "$dir"
    truncate -s "${size_mib}M" "$dir/lun1.img"
    tgtd -f -C "$control" --iscsi portal=127.0.0.1:"$port" >"$dir/tgtd.log" 2>&1 &
    echo $! >"$dir/tgtd.pid"
    for _ in $(seq 100); do
      admin --op show --mode system >/dev/null 2>&1 && break
      sleep 0.1
    done
    admin --op new --mode target --tid 1 -T "$target"
    admin --op new --mode logicalunit --tid 1 --lun 1 -b "$dir/lun1.img"
    admin --op bind --mode target --tid 1 -I ALL
    echo "iscsi://127.0.0.1:$port/$target/1"
    ;;
  stop)
    admin --op delete --mode target --tid 1 --force >/dev/null 2>&1 || true
    admin --op delete --mode system >/dev/null 2>&1 || true
    ;;
  *)
    echo "usage: $0 start PORT SIZE_MIB DIR | stop PORT" >&2
    exit 2
    ;;
esac
