#!/usr/bin/env bash
# (copied from /tmp where it ran; it takes the jars /tmp/hot/before.jar and /tmp/hot/after.jar, or target/loomchat.jar)
# A/B of two server jars under the 100-pair classic closed loop; load tool from after.jar.
set -u
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
J=$JAVA_HOME/bin/java
FLAGS="-XX:+UseG1GC -Xms16m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=25 -XX:G1PeriodicGCInterval=15000 -XX:TrimNativeHeapInterval=10000"
PAIRS=${PAIRS:-100}
cpu(){ awk '{print $14+$15}' /proc/$1/stat; }
for round in 1 2; do
  for jar in before after; do
    dir=$(mktemp -d); port=$((7600 + RANDOM % 300))
    (cd $dir && MALLOC_ARENA_MAX=2 exec $J $FLAGS -jar /tmp/hot/$jar.jar server --port $port --password-iterations 1000 --max-requests-per-second 0 > server.log 2>&1) &
    SP=$!; sleep 4
    $J -jar /tmp/hot/after.jar loadtest chat --port $port --framing classic --server-rate-limit 0 --pairs $PAIRS --duration 10s > /dev/null 2>&1
    $J -jar /tmp/hot/after.jar loadtest chat --port $port --framing classic --server-rate-limit 0 --pairs $PAIRS --duration 20s > $dir/run.log 2>&1 & LP=$!
    sleep 9; s0=$(cpu $SP); sleep 10; s1=$(cpu $SP); wait $LP
    rate=$(grep -E "^  delivered " $dir/run.log | sed -E 's/.*\(([0-9,]+)\/s\).*/\1/' | tr -d ,)
    p99=$(grep -E "delivery latency" $dir/run.log | sed -E 's/.*p99 ([^,]+),.*/\1/')
    echo "round $round $jar: $rate msgs/s, p99 $p99, server CPU $(( (s1-s0)*10000000 / (rate*10) / 1000 )) us/msg (ticks $((s1-s0))), load $(cut -d' ' -f1 /proc/loadavg)"
    kill $SP; wait $SP 2>/dev/null; rm -rf $dir
  done
done
