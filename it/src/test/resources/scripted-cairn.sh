#!/usr/bin/env bash
# A scripted stand-in for the cairn launcher's distributed roles, for ClusterHarnessTest: each role checks
# its arguments, records them under state/ next to this script, prints the contract's ready line and sleeps
# until SIGTERM/SIGKILL. `lun status` reports a store as down (degraded) while its recorded pid is not alive.
set -euo pipefail
state="$(cd "$(dirname "$0")" && pwd)/state"
mkdir -p "$state"
role=$1; shift
arg() { # arg NAME ARGS... -> the value after --NAME
  local name=$1; shift
  while [ $# -gt 0 ]; do [ "$1" = "--$name" ] && { echo "$2"; return; }; shift; done
  echo "missing --$name" >&2; exit 2
}
case "$role" in
  zookeeper)
    port=$(arg zk-port "$@"); arg data-dir "$@" >/dev/null
    echo "$$ $port" > "$state/zookeeper"
    echo "some log line"
    echo "ZooKeeper ready: 127.0.0.1:$port"
    exec sleep 600 ;;
  store)
    [ "${1:-}" = --help ] && { echo "Usage: cairn store --zk-connect HOST:PORT --node-id N --block-port PORT"; exit 0; }
    node=$(arg node-id "$@"); port=$(arg block-port "$@"); site=$(arg site "$@")
    arg zk-connect "$@" >/dev/null; arg data-dir "$@" >/dev/null; arg zk-session-timeout "$@" >/dev/null
    echo "$$ $port" > "$state/store-$node"
    echo "start $port" >> "$state/store-$node.starts"
    echo "Store ready: node $node site $site at 127.0.0.1:$port"
    exec sleep 600 ;;
  gateway)
    port=$(arg iscsi-port "$@"); arg node-gone-timeout "$@" >/dev/null
    echo "$$ $port" >> "$state/gateways"
    echo "Gateway ready: portal 127.0.0.1:$port"
    exec sleep 600 ;;
  lun)
    op=$1; shift
    id=$(arg id "$@")
    down=0
    for f in "$state"/store-?; do
      read -r pid _ < "$f"
      kill -0 "$pid" 2>/dev/null || down=$((down + 1))
    done
    case "$op" in
      create) arg copies "$@" >/dev/null; echo "LUN $id created: target iqn.2026-11.io.cairn:$id" ;;
      status)
        echo "INFO connecting to ZooKeeper"
        echo "{\"lun\":\"$id\",\"subUnits\":[{\"index\":0,\"replicas\":[1,2],\"primary\":1,\"epoch\":1,\"inSync\":[1,2]},"
        echo "{\"index\":1,\"replicas\":[2,3],\"primary\":3,\"epoch\":2,\"inSync\":[2,3]}],\"degraded\":$down,"
        echo "\"unavailable\":0,\"resyncs\":[{\"index\":1,\"replica\":2,\"blocksCompared\":4096,\"blocksCopied\":17,\"millis\":40,\"extra\":1}]}" ;;
      verify)
        echo "{\"lun\":\"$id\",\"identical\":$([ $down = 0 ] && echo true || echo false),\"subUnits\":[{\"index\":0,\"replicas\":[1,2],\"identical\":true}]}"
        [ $down = 0 ] || exit 1 ;;
    esac ;;
  *) echo "Unmatched argument at index 0: '$role'" >&2; exit 2 ;;
esac
