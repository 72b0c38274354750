#!/usr/bin/env bash
# What protocol 2.2 delivery receipts cost on the hot path, receipts on and off side by side in
# one sitting (issue 13): one-to-one with 100 pairs and group chat (10 groups of 20) on one server
# (./loomchat's defaults, embedded H2), then one-to-one with 100 pairs on two servers behind nginx
# (./cluster: MariaDB, the local Redis with its append-only file; a cluster of the script's own
# in run/receipts-cost/, see loadtest/lib/script-cluster.sh). Modern framing: the legacy
# dialect has no receipts. Each round runs "on" and "off" back to back, alternating which goes
# first, so that drift (JIT, other load) does not favour one of them.
# For each run: msgs/s and latency from the tool, lost and duplicates, and the server CPU time per
# delivered message (utime+stime from /proc over the middle 10 s).
#
#   loadtest/receipts-cost.sh OUT_DIR [ROUNDS] [SECONDS]
#
# Environment: PORT (default 7700, the single server), CLUSTER_PORT (default 8200, nginx; its web
# side on CLUSTER_PORT+1), FIRST_SERVER_PORT (default 6221: the servers on it and the next),
# PARTS (default "single cluster"), CLUSTER_OPTIONS (more ./cluster start options).
set -euo pipefail
cd "$(dirname "$0")/.."
. loadtest/lib/out-dir.sh
OUT=$(loadtest_out_dir "${1:?usage: $0 OUT_DIR [ROUNDS] [SECONDS]}")
ROUNDS=${2:-2}
SECONDS_EACH=${3:-20}
PORT=${PORT:-7700}
CLUSTER_PORT=${CLUSTER_PORT:-8200}
FIRST_SERVER_PORT=${FIRST_SERVER_PORT:-6221}
. scripts/jdk.sh
loomchat_find_jdk
mkdir -p "$OUT"
SERVER_OPTS="--password-iterations 1000 --max-requests-per-second 0"
cpu() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo $t; }

# name, server pids (comma-separated), loadtest arguments...
run() {
    local name=$1 pids=${2//,/ }
    shift 2
    local args=(loadtest "$@" --server-rate-limit 0 --duration "${SECONDS_EACH}s")
    "$JAVA_HOME/bin/java" -jar target/loomchat.jar "${args[@]}" --report "$OUT/$name" >"$OUT/$name.log" 2>&1 &
    local load=$! half=$((SECONDS_EACH / 2))
    sleep $((half > 5 ? half - 5 : 1))
    local s0 s1 r0 r1 load_avg
    # shellcheck disable=SC2086
    s0=$(cpu $pids); r0=$(cpu ${REDIS_PID:-})
    sleep 10
    # shellcheck disable=SC2086
    s1=$(cpu $pids); r1=$(cpu ${REDIS_PID:-}); load_avg=$(cut -d' ' -f1 /proc/loadavg)
    wait $load || true
    local rate latency lost shown dropped
    rate=$(grep -E '^  delivered ' "$OUT/$name.log" | sed -E 's/.*\(([0-9,]+)\/s\).*/\1/' | tr -d ,)
    latency=$(grep -E '^  delivery latency' "$OUT/$name.log" | sed -E 's/^  delivery latency +//; s/, max.*//')
    lost=$(grep -E '^  lost / duplicated shown' "$OUT/$name.log" | sed -E 's/.* ([0-9,]+) \/ ([0-9,]+) \/ ([0-9,]+).*/\1 lost, \2 shown twice/')
    dropped=$(grep -E '^  duplicated, dropped' "$OUT/$name.log" | awk '{print $6}')
    printf '%-22s %8s msgs/s  %s  %s, %s dropped  server %s us/msg%s  load %s\n' \
        "$name" "$rate" "$latency" "$lost" "${dropped:-0}" \
        "$(awk -v t=$((s1 - s0)) -v r="${rate:-0}" 'BEGIN { printf "%.1f", r ? t * 1000 / r : 0 }')" \
        "$( [ -z "${REDIS_PID:-}" ] || awk -v t=$((r1 - r0)) -v r="${rate:-0}" 'BEGIN { printf ", Redis %.1f us/msg", r ? t * 1000 / r : 0 }')" \
        "$load_avg" | tee -a "$OUT/summary.txt"
    echo "    java -jar target/loomchat.jar ${args[*]}" >>"$OUT/summary.txt"
}

# name, pids, loadtest arguments...: the pair in alternating order.
pair() {
    local name=$1 pids=$2 round=$3
    shift 3
    if ((round % 2)); then
        run "$name-on-$round" "$pids" "$@"
        run "$name-off-$round" "$pids" "$@" --no-receipts
    else
        run "$name-off-$round" "$pids" "$@" --no-receipts
        run "$name-on-$round" "$pids" "$@"
    fi
}

{
    echo "# receipts on vs off, $(date -u +%FT%TZ), git $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with uncommitted changes)')"
    echo "machine: $(nproc) cores, $(uname -r); ${SECONDS_EACH} s per run, $ROUNDS rounds"
} | tee "$OUT/summary.txt"

PARTS=${PARTS:-single cluster}
if [[ " $PARTS " == *" single "* ]]; then
echo "## one server: ./loomchat server --port $PORT $SERVER_OPTS" | tee -a "$OUT/summary.txt"
. loadtest/lib/launcher-server.sh
start_launcher_server "$OUT/server.log" "$PORT" $SERVER_OPTS
run warm-up "$SERVER" chat --pairs 100 --port "$PORT"
run warm-up-group "$SERVER" group --users 200 --group-size 20 --port "$PORT"
for round in $(seq 1 "$ROUNDS"); do
    pair pairs100 "$SERVER" "$round" chat --pairs 100 --port "$PORT"
    pair group "$SERVER" "$round" group --users 200 --group-size 20 --port "$PORT"
done
kill "$LAUNCHER" 2>/dev/null; wait "$LAUNCHER" 2>/dev/null || true
trap - EXIT
fi

[[ " $PARTS " == *" cluster "* ]] || exit 0
. loadtest/lib/script-cluster.sh
trap stop_script_cluster EXIT
LOOMCHAT_MAX_REQUESTS_PER_SECOND=0 start_script_cluster receipts-cost "$OUT/cluster.log" \
    --servers 2 --port "$CLUSTER_PORT" --web-port $((CLUSTER_PORT + 1)) --first-server-port "$FIRST_SERVER_PORT"
echo "## two servers behind nginx: LOOMCHAT_MAX_REQUESTS_PER_SECOND=0 $CLUSTER_COMMAND" | tee -a "$OUT/summary.txt"
nodes=$(script_cluster_pids)
# Redis's own CPU per message too (one Redis carries every cross-server message; issue 14).
REDIS_PID=$(script_cluster_redis_pid)
run cluster-warm-up "$nodes" chat --pairs 100 --port "$CLUSTER_PORT"
run cluster-warm-up-2 "$nodes" chat --pairs 100 --port "$CLUSTER_PORT"
for round in $(seq 1 "$ROUNDS"); do
    pair cluster-pairs100 "$nodes" "$round" chat --pairs 100 --port "$CLUSTER_PORT"
done
echo "done; summary in $OUT/summary.txt"
