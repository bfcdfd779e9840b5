#!/bin/bash
# Issue 11 targets at steady state: 3 rounds x 6 configurations, interleaved, one JSON line per run.
# A 60 s warm-up (the JIT has finished compiling; the 5 s windows of the earlier sessions measured
# compilation as well, see docs/performance.md), 15 s measured, 64 clients, 3 replicas in one JVM.
# JAR: main at d6b5367, built with ./mvnw -q -B -o -pl raft-bench -am package -DskipTests.
JAR=${JAR:-/tmp/base.jar}
OUT=${OUT:?}
CFGS="leader:write spread:write leader:read-linearizable leader:read-lease follower:read-linearizable follower:read-lease"
for round in 1 2 3; do
  for cfg in $CFGS; do
    IFS=: read -r target op <<< "$cfg"
    rm -rf /tmp/steady-bench/data
    line=$(timeout 300 java -Xmx1500m -cp $JAR peerbench.BenchMain run --system raftkit --name "raftkit-$target-$op" --jvm single \
      --clients 64 --seconds 15 --warmup 60 --data-root /tmp/steady-bench/data --target $target --opt raftkit.op=$op 2>/dev/null)
    echo "{\"round\":$round,\"target\":\"$target\",\"op\":\"$op\",\"at\":\"$(date -u +%H:%M:%S)\",\"result\":$line}" >> $OUT
  done
done
