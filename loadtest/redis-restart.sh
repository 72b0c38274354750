#!/usr/bin/env bash
# A Redis crash under cross-server chat with delivery receipts (issue 13): two servers behind
# nginx (./cluster) on a private Redis that runs with its append-only file; while 100 pairs chat,
# Redis gets SIGKILL and is started again on its file. The load tool counts every acknowledged
# message as received or lost after its drain.
#
#   loadtest/redis-restart.sh OUT_DIR [DOWN_SECONDS]
#
# Environment: REDIS_PORT (default 6390), CLUSTER_PORT (default 8300).
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
redis_dir=$(mktemp -d)  # the append-only file: tens of MB, not part of the record
redis_args=(--port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly yes --appendfsync everysec --dir "$redis_dir")
start_redis() {
    redis-server "${redis_args[@]}" >>"$OUT/redis.log" 2>&1 &
    REDIS=$!
    for _ in $(seq 1 100); do
        [ "$(redis-cli -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ] && return 0
        sleep 0.1
    done
    echo "redis-server did not start; see $OUT/redis.log" >&2
    exit 1
}
start_redis
trap './cluster stop >/dev/null 2>&1 || true; kill -9 $REDIS 2>/dev/null || true; rm -rf "$redis_dir"' EXIT
./cluster stop >/dev/null 2>&1 || true
LOOMCHAT_MAX_REQUESTS_PER_SECOND=0 ./cluster start --servers 2 --port "$CLUSTER_PORT" --first-server-port 6101 \
    --redis "redis://127.0.0.1:$REDIS_PORT" 2>"$OUT/cluster.log"
{
    echo "# Redis SIGKILL and restart on its append-only file under chat, $(date -u +%FT%TZ), git $(git rev-parse --short HEAD)"
    echo "redis: redis-server ${redis_args[*]}"
    echo "cluster: LOOMCHAT_MAX_REQUESTS_PER_SECOND=0 ./cluster start --servers 2 --port $CLUSTER_PORT --first-server-port 6101 --redis redis://127.0.0.1:$REDIS_PORT"
} | tee "$OUT/summary.txt"
args=(loadtest chat --pairs 100 --port "$CLUSTER_PORT" --duration 40s --drain 30s --server-rate-limit 0)
echo "load: java -jar target/loomchat.jar ${args[*]}" | tee -a "$OUT/summary.txt"
"$JAVA_HOME/bin/java" -jar target/loomchat.jar "${args[@]}" --report "$OUT/chat" >"$OUT/chat.log" 2>&1 &
load=$!
sleep 20
echo "$(date -u +%T) kill -9 redis-server (pid $REDIS)" | tee -a "$OUT/summary.txt"
kill -9 "$REDIS"
wait "$REDIS" 2>/dev/null || true
sleep "$DOWN"
start_redis
echo "$(date -u +%T) redis-server started again on its append-only file (pid $REDIS), $(redis-cli -p "$REDIS_PORT" dbsize) keys" | tee -a "$OUT/summary.txt"
status=0
wait $load || status=$?
grep -E '^  (delivered|owed|lost|duplicated|delivery receipts|errors|messages sent)' "$OUT/chat.log" | tee -a "$OUT/summary.txt"
grep -h "Redis\|redis\|stored while\|handed over" run/cluster/node*.log | grep -v DEBUG | tail -20 >"$OUT/server-lines.txt" || true
echo "load tool exit status: $status" | tee -a "$OUT/summary.txt"
