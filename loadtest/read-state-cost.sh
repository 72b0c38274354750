#!/usr/bin/env bash
# What READ and TYPING cost on the hot path (issue 22, protocol 2.3 part 2): one-to-one chat,
# 100 pairs closed loop, one server (embedded H2, history on: read marks need it), receipts on,
# every client a 2.3 device session (--device-ids: the only sessions notices go to). Runs
# alternate in one sitting between
#   without: the chat alone;
#   with:    --read-state: every client sends READ {with, upto: mid} after each chat frame it
#            shows and TYPING to its partner every 3 s, and counts the READ_NOTICE, DELIVERED
#            and TYPING frames it gets,
# on the same server, which goes first changing every round. For each run: msgs/s, latency, lost
# and shown twice, the read-state frames, the server's CPU time per message (utime+stime from
# /proc, over the middle 10 s and over the whole run) and the load average.
#
#   loadtest/read-state-cost.sh OUT_DIR [ROUNDS] [SECONDS]
#
# Environment: PORT (default 7740), SERVER_JAVA_OPTS (e.g. -XX:StartFlightRecording=... to profile;
# passed as LOOMCHAT_JAVA_OPTS), SERVER_EXTRA (more server options), BASELINE_JAR: a jar of another
# build (e.g. one made from `git archive <commit>` under loadtest/runs/), started beside this
# build's server on PORT+1 with the launcher's JVM flags; every round then adds a --read-state
# run on it ("baseline-N"), so that a change is measured against the build before it in one sitting.
# CLUSTER=1: instead of one server, two behind nginx on MariaDB and the local Redis (./cluster, a
# run directory, database and Redis prefix of the script's own: loadtest/lib/script-cluster.sh),
# the clients on nginx's PORT, the CPU of both servers; not with BASELINE_JAR.
set -euo pipefail
cd "$(dirname "$0")/.."
. loadtest/lib/out-dir.sh
OUT=$(loadtest_out_dir "${1:?usage: $0 OUT_DIR [ROUNDS] [SECONDS]}")
ROUNDS=${2:-3}
SECONDS_EACH=${3:-20}
PORT=${PORT:-7740}
. scripts/jdk.sh
loomchat_find_jdk
mkdir -p "$OUT"
SERVER_OPTS="--password-iterations 1000 --max-requests-per-second 0 ${SERVER_EXTRA:-}"
# CPU ticks of the server, or of every server of a cluster (pids comma-separated).
cpu() {
    local t=0 pid
    for pid in ${1//,/ }; do t=$((t + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0))); done
    echo $t
}
count() { grep -F "  $2 " "$1" | sed -E "s|^  $2 +||"; }

# name, loadtest arguments... (RUN_PORT and RUN_SERVER: another server than this build's)
run() {
    local name=$1 port=${RUN_PORT:-$PORT} server=${RUN_SERVER:-$SERVER}
    shift
    local args=(loadtest chat --pairs 100 --port "$port" --device-ids "$@" --server-rate-limit 0 --duration "${SECONDS_EACH}s")
    local w0 w1 s0 s1 load_avg
    w0=$(cpu "$server")
    "$JAVA_HOME/bin/java" -jar target/loomchat.jar "${args[@]}" --report "$OUT/$name" >"$OUT/$name.log" 2>&1 &
    local load=$! half=$((SECONDS_EACH / 2))
    sleep $((half > 5 ? half - 5 : 1))
    s0=$(cpu "$server")
    sleep 10
    s1=$(cpu "$server"); load_avg=$(cut -d' ' -f1 /proc/loadavg)
    wait $load || true
    w1=$(cpu "$server")
    local log=$OUT/$name.log rate latency lost sent received acked
    rate=$(grep -E '^  messages sent / acknowledged' "$log" | sed -E 's/.*\/ ([0-9,]+) \(online.*/\1/' | tr -d ,)
    rate=$(awk -v n="${rate:-0}" -v s="$(grep -E '^  measured phase' "$log" | grep -oE '[0-9.]+' | head -1)" \
        'BEGIN { printf "%.0f", s ? n / s : 0 }')
    latency=$(count "$log" 'delivery latency' | sed -E 's/, max.*//')
    lost=$(grep -E '^  lost / duplicated shown' "$log" | sed -E 's/.* ([0-9,]+) \/ ([0-9,]+) \/ ([0-9,]+).*/\1 lost, \2 shown twice/')
    sent=$(count "$log" 'read state: READ / TYPING sent' || true)
    received=$(count "$log" 'read state: READ_NOTICE / DELIVERED / TYPING received' || true)
    acked=$(grep -E '^  messages sent / acknowledged' "$log" | sed -E 's/.*\/ ([0-9,]+) \(online.*/\1/' | tr -d ,)
    # Server CPU per message two ways: the middle 10 s over the run's mean rate (as the other
    # scripts), and the whole run (logins and drain included) over every acknowledged message,
    # which does not depend on the rate being steady.
    printf '%-12s %7s msgs/s  server %s us/msg (middle 10 s), %s us/msg (whole run)  load %s  %s  %s\n' "$name" "$rate" \
        "$(awk -v t=$((s1 - s0)) -v r="${rate:-0}" 'BEGIN { printf "%.1f", r ? t * 1000 / r : 0 }')" \
        "$(awk -v t=$((w1 - w0)) -v n="${acked:-0}" 'BEGIN { printf "%.1f", n ? t * 10000 / n : 0 }')" \
        "$load_avg" "$latency" "$lost" | tee -a "$OUT/summary.txt"
    if [ -n "$sent" ]; then
        echo "    READ / TYPING sent: $sent; READ_NOTICE / DELIVERED / TYPING received: $received" | tee -a "$OUT/summary.txt"
    else
        echo "    DELIVERED received: $(count "$log" 'read state: READ_NOTICE / DELIVERED / TYPING received' || echo none)" \
            | tee -a "$OUT/summary.txt"
    fi
    echo "    java -jar target/loomchat.jar ${args[*]}" >>"$OUT/summary.txt"
}

{
    echo "# 2.3 part 2: READ and TYPING on and off, $(date -u +%FT%TZ), git $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with uncommitted changes)')"
    echo "machine: $(nproc) cores, $(uname -r); ${SECONDS_EACH} s per run, $ROUNDS rounds; load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/summary.txt"

# shellcheck disable=SC2086
export LOOMCHAT_JAVA_OPTS="${SERVER_JAVA_OPTS:-}"
if [ "${CLUSTER:-0}" = 1 ]; then
    [ -z "${BASELINE_JAR:-}" ] || { echo "CLUSTER=1 takes no BASELINE_JAR" >&2; exit 2; }
    . loadtest/lib/script-cluster.sh
    trap stop_script_cluster EXIT
    LOOMCHAT_MAX_REQUESTS_PER_SECOND=0 start_script_cluster read-state-cost "$OUT/cluster.log" --servers 2 --port "$PORT" \
        --web-port $((PORT + 1)) --first-server-port $((PORT - 500)) --server-options "--password-iterations 1000 ${SERVER_EXTRA:-}"
    echo "## two servers behind nginx: LOOMCHAT_MAX_REQUESTS_PER_SECOND=0 $CLUSTER_COMMAND" | tee -a "$OUT/summary.txt"
    SERVER=$(script_cluster_pids)
    run warm-up-with --read-state
    run warm-up-without
    for round in $(seq 1 "$ROUNDS"); do
        if ((round % 2)); then
            run "with-$round" --read-state
            run "without-$round"
        else
            run "without-$round"
            run "with-$round" --read-state
        fi
    done
    stop_script_cluster
    trap - EXIT
    echo "done; summary in $OUT/summary.txt"
    exit 0
fi
echo "## one server: ./loomchat server --port $PORT $SERVER_OPTS${SERVER_JAVA_OPTS:+ (LOOMCHAT_JAVA_OPTS=$SERVER_JAVA_OPTS)}" | tee -a "$OUT/summary.txt"
. loadtest/lib/launcher-server.sh
start_launcher_server "$OUT/server.log" "$PORT" $SERVER_OPTS
BASELINE=
if [ -n "${BASELINE_JAR:-}" ]; then
    . loadtest/lib/baseline-server.sh
    start_baseline_server "$BASELINE_JAR" "$OUT/server-baseline.log" "$((PORT + 1))" $SERVER_OPTS >>"$OUT/summary.txt"
    tail -1 "$OUT/summary.txt"
    trap 'kill $LAUNCHER $BASELINE 2>/dev/null; wait 2>/dev/null || true; rm -rf "$LAUNCHER_WORK" "$BASELINE_WORK"' EXIT
fi
baseline() {
    [ -n "$BASELINE" ] || return 0
    RUN_PORT=$((PORT + 1)) RUN_SERVER=$BASELINE run "$@"
}
run warm-up-with --read-state
run warm-up-without
baseline warm-up-baseline --read-state
for round in $(seq 1 "$ROUNDS"); do
    if ((round % 2)); then
        run "with-$round" --read-state
        baseline "baseline-$round" --read-state
        run "without-$round"
    else
        run "without-$round"
        baseline "baseline-$round" --read-state
        run "with-$round" --read-state
    fi
done
kill "$LAUNCHER" ${BASELINE:+"$BASELINE"} 2>/dev/null; wait "$LAUNCHER" ${BASELINE:+"$BASELINE"} 2>/dev/null || true
trap - EXIT
rm -rf "$LAUNCHER_WORK" ${BASELINE_WORK:+"$BASELINE_WORK"}
echo "done; summary in $OUT/summary.txt"
