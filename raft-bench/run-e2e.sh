#!/usr/bin/env bash
# End-to-end benchmark of raftkit with the peer harness's workload (shared/peer-bench):
# 3 replicas in 3 JVMs on 127.0.0.1, Netty transport, RocksDB log with sync on, a counting
# state machine, 100-byte commands, closed-loop clients submitting in the leader's JVM.
#
#   ./mvnw -q -pl raft-bench -am package -DskipTests     # builds raft-bench/target/benchmarks.jar
#   raft-bench/run-e2e.sh CLIENTS SECONDS [BenchMain options...]   # prints ONE JSON line
#
# Same knobs as shared/peer-bench/run.sh: PB_WARMUP (default 20), PB_KEEP=1; any BenchMain
# option can follow (e.g. --submit-threads 4, --opt raftkit.maxBatchEntries=1024).
# Every process is ended by PID (the driver ends its node JVMs; they also exit when stdin closes).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
JAR="$HERE/target/benchmarks.jar"
[[ -f "$JAR" ]] || { echo "build first: ./mvnw -q -pl raft-bench -am package -DskipTests" >&2; exit 2; }
[[ $# -ge 2 ]] || { echo "usage: $0 CLIENTS SECONDS [options]" >&2; exit 2; }
clients=$1; secs=$2; shift 2
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}
TMPROOT=$(mktemp -d /tmp/raftkit-bench.XXXXXX)
DRIVER_PID=""
cleanup() {
  if [[ -n "$DRIVER_PID" ]] && kill -0 "$DRIVER_PID" 2>/dev/null; then
    kill "$DRIVER_PID" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$DRIVER_PID" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$DRIVER_PID" 2>/dev/null || true
  fi
  if [[ "${PB_KEEP:-0}" == 1 ]]; then echo "kept $TMPROOT" >&2; else rm -rf "$TMPROOT"; fi
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM
keep=()
[[ "${PB_KEEP:-0}" == 1 ]] && keep=(--keep-data)
"$JAVA_HOME/bin/java" -Xmx512m -cp "$JAR" peerbench.BenchMain run --system raftkit --name raftkit \
    --clients "$clients" --seconds "$secs" --warmup "${PB_WARMUP:-20}" --data-root "$TMPROOT" "${keep[@]}" "$@" \
    >"$TMPROOT/result.json" 2>"$TMPROOT/driver.log" &
DRIVER_PID=$!
rc=0
wait "$DRIVER_PID" || rc=$?
DRIVER_PID=""
if [[ -s "$TMPROOT/result.json" ]]; then cat "$TMPROOT/result.json"; else
  echo "{\"system\":\"raftkit\",\"clients\":$clients,\"error\":\"driver exited rc=$rc without a result\"}"; fi
[[ $rc != 0 ]] && tail -20 "$TMPROOT/driver.log" >&2
exit 0
