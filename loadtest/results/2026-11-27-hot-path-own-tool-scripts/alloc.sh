#!/usr/bin/env bash
# (copied from /tmp where it ran; it takes the jars /tmp/hot/before.jar and /tmp/hot/after.jar, or target/loomchat.jar)
set -u
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
J=$JAVA_HOME/bin/java
for jar in before after before after; do
  dir=$(mktemp -d); port=$((7600 + RANDOM % 300))
  (cd $dir && exec $J -XX:+UseSerialGC -Xms64m -Xmn32m -XX:SurvivorRatio=8 -jar /tmp/hot/$jar.jar server --port $port --password-iterations 1000 --max-requests-per-second 0 > server.log 2>&1) &
  SP=$!; sleep 4
  $J -jar /tmp/hot/after.jar loadtest chat --port $port --framing classic --server-rate-limit 0 --pairs 100 --duration 8s > /dev/null 2>&1
  $J -jar /tmp/hot/after.jar loadtest chat --port $port --framing classic --server-rate-limit 0 --pairs 100 --duration 20s > $dir/run.log 2>&1 & LP=$!
  sleep 9
  read ygc0 eu0 <<<$($JAVA_HOME/bin/jstat -gc $SP | tail -1 | awk '{print $13, $6}')
  sleep 10
  read ygc1 eu1 <<<$($JAVA_HOME/bin/jstat -gc $SP | tail -1 | awk '{print $13, $6}')
  ec=$($JAVA_HOME/bin/jstat -gc $SP | tail -1 | awk '{print $5}')
  wait $LP
  rate=$(grep -E "^  delivered " $dir/run.log | sed -E 's/.*\(([0-9,]+)\/s\).*/\1/' | tr -d ,)
  echo "$jar: $rate msgs/s; young GCs $((ygc1-ygc0)), eden $ec KB; allocated $(awk -v y=$((ygc1-ygc0)) -v ec=$ec -v a=$eu0 -v b=$eu1 -v r=$rate 'BEGIN { printf "%.0f B/msg", (y*ec + b - a)*1024 / (r*10) }')"
  kill $SP; wait $SP 2>/dev/null; rm -rf $dir
done
