#!/usr/bin/env bash
# A Redis crash under cross-server chat with delivery receipts (issue 13): two servers behind
# nginx on a Redis of their own that runs with its append-only file (./cluster start
# --private-redis, in run/redis-restart/: see loadtest/lib/script-cluster.sh); while 100 pairs
# chat, Redis gets SIGKILL (./cluster kill redis) and is started again on its file (./cluster
# restart redis). The load tool counts every acknowledged message as received or lost after its
# drain. Redis's log is copied to OUT_DIR; its append-only file (tens of MB) is deleted at the end.
#
#   loadtest/redis-restart.sh OUT_DIR [DOWN_SECONDS]
#
# Environment: REDIS_PORT (default 6390), CLUSTER_PORT (default 8300; its web side on
# CLUSTER_PORT+1), CLUSTER_OPTIONS (more ./cluster start options).
set -euo pipefail
cd "$(dirname "$0")/.."
. loadtest/lib/out-dir.sh
OUT=$(loadtest_out_dir "${1:?usage: $0 OUT_DIR [DOWN_SECONDS]}")
DOWN=${2:-2}
REDIS_PORT=${REDIS_PORT:-6390}
CLUSTER_PORT=${CLUSTER_PORT:-8300}
. scripts/jdk.sh
loomchat_find_jdk
mkdir -p "$OUT"
. loadtest/lib/script-cluster.sh
trap 'stop_script_cluster; cp "$CLUSTER_DIR/redis/redis.log" "$OUT/redis.log" 2>/dev/null || true' EXIT
LOOMCHAT_MAX_REQUESTS_PER_SECOND=0 start_script_cluster redis-restart "$OUT/cluster.log" --servers 2 \
    --port "$CLUSTER_PORT" --web-port $((CLUSTER_PORT + 1)) --first-server-port 6101 --private-redis "$REDIS_PORT"
redis_pid() { cat "$CLUSTER_DIR/redis/redis.pid"; }
{
    echo "# Redis SIGKILL and restart on its append-only file under chat, $(date -u +%FT%TZ), git $(git rev-parse --short HEAD)"
    # Its arguments as ./cluster recorded them for restart: the port, then one argument a line.
    echo "redis: redis-server $(tail -n +2 "$CLUSTER_DIR/redis/redis.args" | paste -sd ' ')"
    echo "cluster: LOOMCHAT_MAX_REQUESTS_PER_SECOND=0 $CLUSTER_COMMAND"
} | tee "$OUT/summary.txt"
args=(loadtest chat --pairs 100 --port "$CLUSTER_PORT" --duration 40s --drain 30s --server-rate-limit 0)
echo "load: java -jar target/loomchat.jar ${args[*]}" | tee -a "$OUT/summary.txt"
"$JAVA_HOME/bin/java" -jar target/loomchat.jar "${args[@]}" --report "$OUT/chat" >"$OUT/chat.log" 2>&1 &
load=$!
sleep 20
echo "$(date -u +%T) kill -9 redis-server (pid $(redis_pid))" | tee -a "$OUT/summary.txt"
$CLUSTER kill redis 2>>"$OUT/cluster.log"
sleep "$DOWN"
$CLUSTER restart redis 2>>"$OUT/cluster.log"
echo "$(date -u +%T) redis-server started again on its append-only file (pid $(redis_pid)), $(redis-cli -p "$REDIS_PORT" dbsize) keys" | tee -a "$OUT/summary.txt"
status=0
wait $load || status=$?
grep -E '^  (delivered|owed|lost|duplicated|delivery receipts|errors|messages sent)' "$OUT/chat.log" | tee -a "$OUT/summary.txt"
grep -h "Redis\|redis\|stored while\|handed over" "$CLUSTER_DIR"/node*.log | grep -v DEBUG | tail -20 >"$OUT/server-lines.txt" || true
echo "load tool exit status: $status" | tee -a "$OUT/summary.txt"
