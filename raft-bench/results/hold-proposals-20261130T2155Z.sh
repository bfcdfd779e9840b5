#!/bin/bash
# 3 rounds x 6 configurations, interleaved; one JSON line per run (issue 11 targets, branch serve2 after the
# membership merge). before.jar: the merge commit 3d93746; hold.jar: 9634de0 (the leader holds proposals while
# a log write is in flight). Each jar built with ./mvnw -q -B -o -pl raft-bench -am package -DskipTests.
OUT=/tmp/serve3-bench/session.jsonl
CFGS="before:leader:write before:spread:write hold:leader:write hold:spread:write hold:follower:read-linearizable hold:follower:read-lease"
for round in 1 2 3; do
  for cfg in $CFGS; do
    IFS=: read -r jar target op <<< "$cfg"
    rm -rf /tmp/serve3-bench/data
    line=$(timeout 200 java -Xmx1500m -cp /tmp/serve3-$jar.jar peerbench.BenchMain run --system raftkit --name "raftkit-$jar-$target-$op" --jvm single \
      --clients 64 --seconds 10 --warmup 5 --data-root /tmp/serve3-bench/data --target $target --opt raftkit.op=$op 2>/dev/null)
    echo "{\"round\":$round,\"jar\":\"$jar\",\"target\":\"$target\",\"op\":\"$op\",\"at\":\"$(date -u +%H:%M:%S)\",\"result\":$line}" >> $OUT
  done
done
