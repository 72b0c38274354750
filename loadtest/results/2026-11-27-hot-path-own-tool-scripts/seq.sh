#!/usr/bin/env bash
# (copied from /tmp where it ran; it takes the jars /tmp/hot/before.jar and /tmp/hot/after.jar, or target/loomchat.jar)
# Same server: 100 pairs x3, group, 100 pairs x2; CPU per message each time.
set -u
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
J=$JAVA_HOME/bin/java
FLAGS=${FLAGS:-"-XX:+UseG1GC -Xms16m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=25 -XX:G1PeriodicGCInterval=15000 -XX:TrimNativeHeapInterval=10000"}
cpu(){ awk '{print $14+$15}' /proc/$1/stat; }
dir=$(mktemp -d); port=7960
(cd $dir && MALLOC_ARENA_MAX=2 exec $J $FLAGS ${EXTRA:-} -jar /work/main/target/loomchat.jar server --port $port --password-iterations 1000 --max-requests-per-second 0 > server.log 2>&1) &
SP=$!; sleep 4
for step in c1 c2 c3 g c4 c5; do
  if [ $step = g ]; then args="group --users 200 --group-size 20"; else args="chat --pairs 100"; fi
  $J -jar /work/main/target/loomchat.jar loadtest $args --port $port --framing classic --server-rate-limit 0 --duration 15s > $dir/run.log 2>&1 & LP=$!
  sleep 7; s0=$(cpu $SP); sleep 8; s1=$(cpu $SP); wait $LP
  rate=$(grep -E "^  delivered " $dir/run.log | sed -E 's/.*\(([0-9,]+)\/s\).*/\1/' | tr -d ,)
  echo "$step: $rate/s, server $(awk -v t=$((s1-s0)) -v r=$rate 'BEGIN{printf "%.1f", t*10000/(r*8)}') us/msg, RSS $(awk '/VmRSS/{print $2}' /proc/$SP/status) kB"
done
kill $SP; wait $SP 2>/dev/null; rm -rf $dir
