#!/bin/bash
# 3 rounds x 8 configurations, interleaved; one JSON line per run (issue 11 targets, branch serve2).
# before.jar: bcdc9c2 (main merged); after.jar: 7607d97 (answers settled on the receiving thread).
# Each jar built with ./mvnw -q -B -o -pl raft-bench -am package -DskipTests.
OUT=/tmp/serve4-bench/session.jsonl
CFGS="before:leader:write before:spread:write after:leader:write after:spread:write before:follower:read-linearizable before:follower:read-lease after:follower:read-linearizable after:follower:read-lease"
for round in 1 2 3; do
  for cfg in $CFGS; do
    IFS=: read -r jar target op <<< "$cfg"
    rm -rf /tmp/serve4-bench/data
    line=$(timeout 200 java -Xmx1500m -cp /tmp/serve4-$jar.jar peerbench.BenchMain run --system raftkit --name "raftkit-$jar-$target-$op" --jvm single \
      --clients 64 --seconds 10 --warmup 5 --data-root /tmp/serve4-bench/data --target $target --opt raftkit.op=$op 2>/dev/null)
    echo "{\"round\":$round,\"jar\":\"$jar\",\"target\":\"$target\",\"op\":\"$op\",\"at\":\"$(date -u +%H:%M:%S)\",\"result\":$line}" >> $OUT
  done
done
