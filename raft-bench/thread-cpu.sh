#!/usr/bin/env bash
# CPU per operation by thread group: runs the end-to-end benchmark (run-e2e.sh) and samples the
# node JVMs' threads (/proc/<pid>/task/*/stat, user+system ticks) over 12 s of the measured window.
# Separates the JIT compiler threads from the rest, so a comparison is not skewed by compilation
# that a long-running server has finished.
#
#   raft-bench/thread-cpu.sh CLIENTS [WARMUP_S] [CHECKOUT]
#
# CHECKOUT (default: this repository) is where run-e2e.sh and the benchmark jar are taken from,
# e.g. a `git worktree` of an older commit to compare against. Prints one line:
#   clients ops/s harness_cpu_us/op cpu_us/op_without_jit jit_us/op p99_ms other_cores | top thread groups in us/op
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
clients=${1:?usage: $0 CLIENTS [WARMUP_S] [CHECKOUT]}; warmup=${2:-75}; checkout=${3:-$(dirname "$HERE")}
work=$(mktemp -d /tmp/thread-cpu.XXXXXX)
trap 'rm -rf "$work"' EXIT
(cd "$checkout" && PB_WARMUP=$warmup raft-bench/run-e2e.sh "$clients" 20 > "$work/result.json" 2>/dev/null) &
bench=$!
snap() {
  for p in $(pgrep -f 'peerbench.NodeMain'); do
    for t in /proc/$p/task/*; do
      echo "$p ${t##*/} $(tr ' ' '_' < "$t/comm" 2>/dev/null) $(awk '{print $14+$15}' "$t/stat" 2>/dev/null)"
    done
  done
}
sleep $((warmup + 6)); snap > "$work/s1"; t1=$(date +%s.%N)
sleep 12; snap > "$work/s2"; t2=$(date +%s.%N)
wait "$bench"
python3 - "$work" "$clients" "$t1" "$t2" "$(getconf CLK_TCK)" <<'PY'
import collections, json, re, sys
work, clients, t1, t2, hz = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
def load(f):
    d = {}
    for line in open(f):
        parts = line.split()
        if len(parts) == 4:
            d[(parts[0], parts[1])] = (parts[2], int(parts[3]))
    return d
a, b = load(work + "/s1"), load(work + "/s2")
groups = collections.Counter()
for key, (name, ticks) in b.items():
    if key in a:
        groups[re.sub(r"\d+", "#", name)] += ticks - a[key][1]
r = json.load(open(work + "/result.json"))
ops = r["ops_per_sec"] * (t2 - t1)
us = lambda ticks: ticks * 1e6 / hz / ops
jit = sum(v for k, v in groups.items() if "Compiler" in k)
total = sum(groups.values())
top = " ".join(f"{k}={us(v):.1f}" for k, v in groups.most_common(8))
print(f"C={clients} ops/s={r['ops_per_sec']:.0f} harness_cpu_us={r.get('cpu_us_per_op')} "
      f"without_jit_us={us(total - jit):.1f} jit_us={us(jit):.1f} p99_ms={r['latency_us']['p99'] / 1000:.1f} "
      f"other_cores={r['cpu']['other_cores']} | {top}")
PY
