#!/bin/bash
# 3 rounds x 8 configurations, interleaved; one JSON line per run
cd /work/wt/anynode
JAR=raft-bench/target/benchmarks.jar
OUT=/tmp/anynode-bench/results.jsonl
: > $OUT
for round in 1 2 3; do
  for cfg in "leader write" "spread write" "leader read-linearizable" "follower read-linearizable" "leader read-lease" "follower read-lease" "leader read-local" "follower read-local"; do
    set -- $cfg
    line=$(timeout 200 java -Xmx1500m -cp $JAR peerbench.BenchMain run --system raftkit --name "raftkit-$1-$2" --jvm single \
      --clients 64 --seconds 10 --warmup 5 --data-root /tmp/anynode-bench/data --target $1 --opt raftkit.op=$2 2>/tmp/anynode-bench/last.err)
    echo "{\"round\":$round,\"target\":\"$1\",\"op\":\"$2\",\"result\":$line}" >> $OUT
  done
done
echo DONE >> /tmp/anynode-bench/done
