#!/usr/bin/env bash
# What TLS costs through nginx (issue 15): one-to-one chat, 100 pairs, over nginx terminating TLS
# next to plaintext through nginx, in one sitting, against the SAME two servers (./cluster start
# --tls: MariaDB, the local Redis with its append-only file; a cluster of the script's own in
# run/tls-cost/, see loadtest/lib/script-cluster.sh). A second nginx of that cluster (--extra-nginx),
# rendered from the same nginx/loomchat.conf without certificates, listens on PLAIN_PORT in front of
# the same servers, so the only difference between the two runs of a round is nginx's TLS and the
# clients' TLS. Each round runs both back to back, alternating which goes first, so that drift
# (JIT, other load) does not favour one of them. Per run: msgs/s and latency from the tool, lost
# and duplicates, and the CPU time of nginx (master and workers) per delivered message over the
# middle 10 s.
#
#   loadtest/tls-cost.sh OUT_DIR [ROUNDS] [SECONDS]
#
# Environment: TLS_PORT (default 8230, nginx with TLS), PLAIN_PORT (8231), WEB_PORT (8232),
# FIRST_SERVER_PORT (6241: the servers on it and the next), CLUSTER_OPTIONS (more ./cluster start
# options).
set -euo pipefail
cd "$(dirname "$0")/.."
. loadtest/lib/out-dir.sh
OUT=$(loadtest_out_dir "${1:?usage: $0 OUT_DIR [ROUNDS] [SECONDS]}")
ROUNDS=${2:-3}
SECONDS_EACH=${3:-20}
TLS_PORT=${TLS_PORT:-8230}
PLAIN_PORT=${PLAIN_PORT:-8231}
WEB_PORT=${WEB_PORT:-8232}
FIRST=${FIRST_SERVER_PORT:-6241}
. scripts/jdk.sh
loomchat_find_jdk
mkdir -p "$OUT"
cpu() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo $t; }

. loadtest/lib/script-cluster.sh
trap stop_script_cluster EXIT
LOOMCHAT_MAX_REQUESTS_PER_SECOND=0 start_script_cluster tls-cost "$OUT/cluster.log" --tls --servers 2 \
    --port "$TLS_PORT" --web-port "$WEB_PORT" --first-server-port "$FIRST" --extra-nginx "plain $PLAIN_PORT all"
nginx=$(nginx/render-conf --which-nginx)
sleep 1
CA=$CLUSTER_DIR/tls/ca.pem
tls_pid_file=$CLUSTER_DIR/nginx.pid
plain_pid_file=$CLUSTER_DIR/nginx-plain/nginx.pid

# name, nginx pid file, loadtest arguments...
run() {
    local name=$1 pidfile=$2
    shift 2
    local args=(loadtest chat --pairs 100 --server-rate-limit 0 --duration "${SECONDS_EACH}s" "$@")
    "$JAVA_HOME/bin/java" -jar target/loomchat.jar "${args[@]}" --report "$OUT/$name" >"$OUT/$name.log" 2>&1 &
    local load=$! half=$((SECONDS_EACH / 2)) master pids n0 n1 load_avg
    master=$(cat "$pidfile")
    pids="$master $(pgrep -P "$master" | tr '\n' ' ')"
    sleep $((half > 5 ? half - 5 : 1))
    # shellcheck disable=SC2086
    n0=$(cpu $pids)
    sleep 10
    # shellcheck disable=SC2086
    n1=$(cpu $pids); load_avg=$(cut -d' ' -f1 /proc/loadavg)
    wait $load || true
    local rate latency lost
    rate=$(grep -E '^  delivered ' "$OUT/$name.log" | sed -E 's/.*\(([0-9,]+)\/s\).*/\1/' | tr -d ,)
    latency=$(grep -E '^  delivery latency' "$OUT/$name.log" | sed -E 's/^  delivery latency +//; s/, max.*//')
    lost=$(grep -E '^  lost / duplicated shown' "$OUT/$name.log" | sed -E 's/.* ([0-9,]+) \/ ([0-9,]+) \/ ([0-9,]+).*/\1 lost, \2 shown twice/')
    printf '%-14s %8s msgs/s  %s  %s  nginx %s us/msg  load %s\n' "$name" "$rate" "$latency" "$lost" \
        "$(awk -v t=$((n1 - n0)) -v r="${rate:-0}" 'BEGIN { printf "%.1f", r ? t * 1000 / r : 0 }')" \
        "$load_avg" | tee -a "$OUT/summary.txt"
    echo "    java -jar target/loomchat.jar ${args[*]}" >>"$OUT/summary.txt"
}

{
    echo "# TLS vs plaintext through nginx, $(date -u +%FT%TZ), git $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with uncommitted changes)')"
    echo "machine: $(nproc) cores, $(uname -r), $(nginx -v 2>&1 || "$nginx" -v 2>&1); ${SECONDS_EACH} s per run, $ROUNDS rounds"
    echo "servers: LOOMCHAT_MAX_REQUESTS_PER_SECOND=0 $CLUSTER_COMMAND"
    echo "plain nginx: nginx/render-conf --listen $PLAIN_PORT --upstream 127.0.0.1:$FIRST --upstream 127.0.0.1:$((FIRST + 1)) (the --extra-nginx above)"
    echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/summary.txt"

tls=(--port "$TLS_PORT" --tls --ca-file "$CA")
plain=(--port "$PLAIN_PORT")
run warm-up-tls "$tls_pid_file" "${tls[@]}"
run warm-up-plain "$plain_pid_file" "${plain[@]}"
for round in $(seq 1 "$ROUNDS"); do
    if ((round % 2)); then
        run "tls-$round" "$tls_pid_file" "${tls[@]}"
        run "plain-$round" "$plain_pid_file" "${plain[@]}"
    else
        run "plain-$round" "$plain_pid_file" "${plain[@]}"
        run "tls-$round" "$tls_pid_file" "${tls[@]}"
    fi
done
echo "done; summary in $OUT/summary.txt"
