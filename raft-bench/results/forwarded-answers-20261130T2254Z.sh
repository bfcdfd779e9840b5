#!/bin/bash
# 3 rounds x 8 configurations, interleaved; one JSON line per run (issue 11 targets, branch serve2).
# before.jar: bcdc9c2 (main merged); after2.jar: 905b812 (answers settled on the receiving thread, reads of one answer in one apply batch).
# Each jar built with ./mvnw -q -B -o -pl raft-bench -am package -DskipTests.
OUT=/tmp/serve4-bench/session2.jsonl
CFGS="before:leader:write before:spread:write after2:leader:write after2:spread:write before:follower:read-linearizable before:follower:read-lease after2:follower:read-linearizable after2:follower:read-lease"
for round in 1 2 3; do
  for cfg in $CFGS; do
    IFS=: read -r jar target op <<< "$cfg"
    rm -rf /tmp/serve4-bench/data
    line=$(timeout 200 java -Xmx1500m -cp /tmp/serve4-$jar.jar peerbench.BenchMain run --system raftkit --name "raftkit-$jar-$target-$op" --jvm single \
      --clients 64 --seconds 10 --warmup 5 --data-root /tmp/serve4-bench/data --target $target --opt raftkit.op=$op 2>/dev/null)
    echo "{\"round\":$round,\"jar\":\"$jar\",\"target\":\"$target\",\"op\":\"$op\",\"at\":\"$(date -u +%H:%M:%S)\",\"result\":$line}" >> $OUT
  done
done
