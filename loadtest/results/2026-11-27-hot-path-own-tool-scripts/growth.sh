#!/usr/bin/env bash
# (copied from /tmp where it ran; it takes the jars /tmp/hot/before.jar and /tmp/hot/after.jar, or target/loomchat.jar)
# RSS growth per idle logged-in connection at 2,000: after a 200-client warm-up (logged in, then closed).
set -u
cd /work/main
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
J=$JAVA_HOME/bin/java
port=${PORT:-7810}
dir=$(mktemp -d)
(cd $dir && exec /work/main/loomchat server --port $port --password-iterations 1000 --max-connections 25000 > server.log 2>&1) &
sleep 5
SP=$(pgrep -f "loomchat.jar server --port $port")
rss(){ awk '/VmRSS/{print $2}' /proc/$SP/status; }
$J -jar target/loomchat.jar loadtest connect --port $port --users 200 --duration 3s > /dev/null 2>&1
sleep 20; r0=$(rss)
$J -jar target/loomchat.jar loadtest connect --port $port --users 2000 --duration 50s --concurrency 50 > $dir/lt.log 2>&1 & LP=$!
sleep 20; r1=$(rss); sleep 20; r2=$(rss); wait $LP
echo "flags: ${LOOMCHAT_JAVA_OPTS:-launcher defaults}; RSS before $r0 kB, with 2,000 held $r1 / $r2 kB: growth $(( (r1 - r0) * 1024 / 2000 )) / $(( (r2 - r0) * 1024 / 2000 )) B per connection"
kill $SP; sleep 1; rm -rf $dir
