#!/bin/bash
# 3 rounds x 4 configurations, interleaved; one JSON line per run (batched forwarding, branch serve2)
JAR=raft-bench/target/benchmarks.jar
OUT=/tmp/serve2-bench/final.jsonl
CFGS=("leader write" "spread write" "follower read-linearizable" "follower read-lease")
for round in 1 2 3; do
  for cfg in "${CFGS[@]}"; do
    read -r target op <<< "$cfg"
    rm -rf /tmp/serve2-bench/data
    line=$(timeout 200 java -Xmx1500m -cp $JAR peerbench.BenchMain run --system raftkit --name "raftkit-$target-$op" --jvm single \
      --clients 64 --seconds 10 --warmup 5 --data-root /tmp/serve2-bench/data --target $target --opt raftkit.op=$op 2>/dev/null)
    echo "{\"round\":$round,\"target\":\"$target\",\"op\":\"$op\",\"at\":\"$(date -u +%H:%M:%S)\",\"result\":$line}" >> $OUT
  done
done
