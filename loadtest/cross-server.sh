#!/usr/bin/env bash
# Cross-server one-to-one chat between two cluster servers, straight to the servers (no nginx):
# partners of every pair sit on different servers, so every message goes through Redis.
#
#   loadtest/cross-server.sh [SERVER_JAR] [LABEL]     (env PAIRS=100 DURATION=15s)
#
# Starts two servers from SERVER_JAR (default target/loomchat.jar) on 127.0.0.1:6201/6202 over a
# fresh MariaDB database lc_bench and the local Redis (prefix bench:), runs the load with this
# checkout's jar, prints the figures, stops the servers. Used for the A/B runs in
# loadtest/results/2026-11-27-cross-server.md (old and new jars alternated).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/scripts/jdk.sh"
loomchat_find_jdk
java=$JAVA_HOME/bin/java
jar=${1:-$root/target/loomchat.jar}
label=${2:-run}
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

mariadb -uroot -h127.0.0.1 -e 'DROP DATABASE IF EXISTS lc_bench; CREATE DATABASE lc_bench CHARACTER SET utf8mb4'
for i in 1 2; do
    "$java" -jar "$jar" server --host 127.0.0.1 --port "620$i" --db-url jdbc:mysql://127.0.0.1:3306/lc_bench \
        --redis redis://127.0.0.1:6379 --node-id "b$i" --channel-prefix bench: --password-iterations 1000 \
        --max-requests-per-second 0 >"$work/server$i.log" 2>&1 &
    pids+=($!)
done
for i in 1 2; do
    for _ in $(seq 1 60); do grep -q "loomchat server listening on" "$work/server$i.log" && break; sleep 1; done
done
echo "== $label $(uptime | sed 's/.*load/load/')"
"$java" -jar "$root/target/loomchat.jar" loadtest chat --target 127.0.0.1:6201,127.0.0.1:6202 --cross-server \
    --pairs "${PAIRS:-100}" --duration "${DURATION:-15s}" --server-rate-limit 0 --report "$work/report" \
    | grep -E "result|delivered  |delivery latency|lost"
echo "report and server logs: $work"
