#!/usr/bin/env bash
# (copied from /tmp where it ran; it takes the jars /tmp/hot/before.jar and /tmp/hot/after.jar, or target/loomchat.jar)
set -u
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
J=$JAVA_HOME/bin/java
FLAGS="-XX:+UseG1GC -Xms16m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=25 -XX:G1PeriodicGCInterval=15000 -XX:TrimNativeHeapInterval=10000"
cpu(){ awk '{print $14+$15}' /proc/$1/stat; }
dir=$(mktemp -d); port=7950
(cd $dir && MALLOC_ARENA_MAX=2 exec $J $FLAGS -jar /tmp/hot/before.jar server --port $port --password-iterations 1000 --max-requests-per-second 0 > server.log 2>&1) &
SP=$!; sleep 4
$J -jar /tmp/hot/after.jar loadtest chat --port $port --framing classic --server-rate-limit 0 --pairs 100 --duration 10s > /dev/null 2>&1
for round in 1 2; do for tool in before after; do
  $J -jar /tmp/hot/$tool.jar loadtest chat --port $port --framing classic --server-rate-limit 0 --pairs 100 --duration 20s > $dir/run.log 2>&1 & LP=$!
  sleep 9; s0=$(cpu $SP); l0=$(cpu $LP); sleep 10; s1=$(cpu $SP); l1=$(cpu $LP); wait $LP
  rate=$(grep -E "^  delivered " $dir/run.log | sed -E 's/.*\(([0-9,]+)\/s\).*/\1/' | tr -d ,)
  p99=$(grep -E "delivery latency" $dir/run.log | sed -E 's/.*p99 ([^,]+),.*/\1/')
  echo "round $round tool $tool: $rate msgs/s, p99 $p99; CPU per msg: server $(awk -v t=$((s1-s0)) -v r=$rate 'BEGIN{printf "%.1f", t*10000/(r*10)}') us, load tool $(awk -v t=$((l1-l0)) -v r=$rate 'BEGIN{printf "%.1f", t*10000/(r*10)}') us"
done; done
kill $SP; wait $SP 2>/dev/null; rm -rf $dir
