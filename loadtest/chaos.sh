#!/usr/bin/env bash
# Faults at random under load (issue 25): a local cluster of three servers behind nginx, Redis
# under Sentinel (./cluster start --servers 3 --sentinel, in run/chaos/: see
# loadtest/lib/script-cluster.sh), and `loomchat loadtest chaos` chatting
# through nginx with receipts while servers are killed (and restarted) or paused past their
# lease, the Redis master is killed (Sentinel fails over, the old master comes back as a
# replica) and Sentinels are killed and restarted. The run passes with 0 lost, 0 shown twice and
# 0 delivered again after a RECEIPT the server had handled.
#
#   loadtest/chaos.sh OUT_DIR [SECONDS] [SEED] [loadtest options...]
#
# FAULTS=servers leaves Redis alone (servers killed and paused, Sentinels killed); the default,
# FAULTS=all, also kills and pauses the Redis master. CLUSTER_PORT (default 8400) is nginx's,
# CLUSTER_PORT+1 its web side; the servers are on 6401-6403, the Redis master, its replica and
# the Sentinels on 26390-26394 (away from ./cluster's defaults, which a user's cluster may hold).
# CLUSTER_OPTIONS adds ./cluster start options.
#
# The cluster's logs (every server run, the Redis and Sentinel logs) are copied to OUT_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
. loadtest/lib/out-dir.sh
OUT=$(loadtest_out_dir "${1:?usage: $0 OUT_DIR [SECONDS] [SEED] [loadtest options...]}")
SECONDS_EACH=${2:-120}
SEED=${3:-0}
shift $(($# < 3 ? $# : 3))
. scripts/jdk.sh
loomchat_find_jdk
mkdir -p "$OUT"
CLUSTER_PORT=${CLUSTER_PORT:-8400}
SENTINEL=26390 # --sentinel-first-port: master 26390, replica 26391, Sentinels on 26392..26394

. loadtest/lib/script-cluster.sh
trap 'stop_script_cluster; cp -r "$CLUSTER_DIR"/*.log* "$CLUSTER_DIR"/redis/*.log "$OUT"/ 2>/dev/null || true' EXIT
LOOMCHAT_MAX_REQUESTS_PER_SECOND=0 LOOMCHAT_PASSWORD_ITERATIONS=1000 start_script_cluster chaos /dev/stderr \
    --servers 3 --sentinel --sentinel-first-port "$SENTINEL" --port "$CLUSTER_PORT" --web-port $((CLUSTER_PORT + 1)) \
    --first-server-port 6401

# Each fault is a shell command the load tool runs from this directory: ./cluster on run/chaos/.
faults=()
for k in 1 2 3; do
    # A server refuses to start while Redis has no master (a failover under way): try again.
    faults+=(--fault "kill-node$k=$CLUSTER kill node$k && sleep 3 && for try in 1 2 3 4 5; do $CLUSTER restart node$k && break; sleep 3; done")
    faults+=(--fault "pause-node$k-past-lease=$CLUSTER pause node$k 7")
    faults+=(--fault "pause-node$k-short=$CLUSTER pause node$k 2")
done
if [ "${FAULTS:-all}" = all ]; then
    faults+=(--fault "kill-redis-master=$CLUSTER kill current-master && sleep 12 && ($CLUSTER restart redis-master || $CLUSTER restart redis-replica)")
    faults+=(--fault "pause-redis-master=$CLUSTER pause current-master 3")
fi
for port in $((SENTINEL + 2)) $((SENTINEL + 3)) $((SENTINEL + 4)); do
    faults+=(--fault "kill-sentinel-$port=$CLUSTER kill sentinel-$port && sleep 5 && $CLUSTER restart sentinel-$port")
done

"$JAVA_HOME/bin/java" -jar target/loomchat.jar loadtest chaos --port "$CLUSTER_PORT" --pairs 20 --duration "${SECONDS_EACH}s" \
    --seed "$SEED" --fault-every 8s --recovery-timeout 120s --drain 30s --heartbeat 5s --server-rate-limit 0 \
    "${faults[@]}" --report "$OUT/report" "$@" 2>&1 | tee "$OUT/chaos.log"
