#!/usr/bin/env bash
# Cross-server one-to-one chat between two cluster servers, straight to the servers (no nginx):
# partners of every pair sit on different servers, so every message goes through Redis.
#
#   loadtest/cross-server.sh [SERVER_JAR] [LABEL]     (env PAIRS=100 DURATION=15s)
#
# Starts two servers from SERVER_JAR (default target/loomchat.jar) with ./cluster (run/cross-server/,
# see loadtest/lib/script-cluster.sh): `java -jar`, the JDK's default JVM flags (--jar), on
# 127.0.0.1:6201/6202 (--no-nginx) over a fresh MariaDB database loomchat_cross_server and the
# local Redis as it is (--no-aof-check, prefix bench:), runs the load with this checkout's jar,
# prints the figures, stops the servers. Used for the A/B runs in
# loadtest/results/2026-11-27-cross-server.md (old and new jars alternated).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jar=$(realpath "${1:-$root/target/loomchat.jar}")  # before the cd: a path given relative to the caller
label=${2:-run}
cd "$root"
. scripts/jdk.sh
loomchat_find_jdk
java=$JAVA_HOME/bin/java
work=$(mktemp -d)

. loadtest/lib/script-cluster.sh
# The servers' logs go next to the report, under the names they had when this script started
# the servers itself.
finish() {
    stop_script_cluster
    cp "$CLUSTER_DIR/node1.log" "$work/server1.log" 2>/dev/null || true
    cp "$CLUSTER_DIR/node2.log" "$work/server2.log" 2>/dev/null || true
}
trap finish EXIT
start_script_cluster cross-server "$work/cluster.log" --no-nginx --no-web --no-aof-check --jar "$jar" \
    --servers 2 --first-server-port 6201 \
    --server-options "--channel-prefix bench: --password-iterations 1000 --max-requests-per-second 0"
echo "== $label $(uptime | sed 's/.*load/load/')"
"$java" -jar "$root/target/loomchat.jar" loadtest chat --target 127.0.0.1:6201,127.0.0.1:6202 --cross-server \
    --pairs "${PAIRS:-100}" --duration "${DURATION:-15s}" --server-rate-limit 0 --report "$work/report" \
    | grep -E "result|delivered  |delivery latency|lost"
echo "report and server logs: $work"
