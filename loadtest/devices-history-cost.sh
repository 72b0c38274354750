#!/usr/bin/env bash
# What protocol 2.3 costs on the hot path (issue 21), side by side in one sitting:
#  - history on vs off: one-to-one, 100 pairs closed loop, receipts on (2.2 clients); the "off"
#    server runs with --history-retention 0, which writes no history, i.e. this build's 2.2 path;
#  - one device vs three devices per user (all online, carbons on): frames delivered to devices
#    per second, on the history-on server.
# Part "single": two servers started by ./loomchat (embedded H2), one with history and one
# without, runs alternating between them. Part "cluster": ./cluster with two servers behind nginx
# (MariaDB, the local Redis), two of them side by side, one with history and one without
# (LOOMCHAT_HISTORY_RETENTION=0), each in a run directory, a fresh database and a Redis prefix of
# its own (run/devices-history-on/ and -off/, see loadtest/lib/script-cluster.sh); runs alternate.
# For each run: msgs/s, frames delivered to devices/s, latency, lost and shown twice from the tool,
# and the server CPU time per message (utime+stime from /proc over the middle 10 s).
#
#   loadtest/devices-history-cost.sh OUT_DIR [ROUNDS] [SECONDS]
#
# Environment: PORT (default 7700; the history-off server gets PORT+1), CLUSTER_PORT (default
# 8200; its web side on CLUSTER_PORT+1; the history-off cluster's on CLUSTER_PORT+10 and +11),
# FIRST_SERVER_PORT (default 6221: the servers on it and the next; the history-off cluster's
# 10 further), BASELINE_JAR (a third server or cluster running that build, history on: the
# single server on PORT+2, the cluster's ports 20 further), SKIP_DEVICES (no three-device runs),
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
    local s0 s1 load_avg
    # shellcheck disable=SC2086
    s0=$(cpu $pids)
    sleep 10
    # shellcheck disable=SC2086
    s1=$(cpu $pids); load_avg=$(cut -d' ' -f1 /proc/loadavg)
    wait $load || true
    local rate frames latency lost
    rate=$(grep -E '^  messages sent / acknowledged' "$OUT/$name.log" | sed -E 's/.*\/ ([0-9,]+) \(online.*/\1/' | tr -d ,)
    rate=$(awk -v n="${rate:-0}" -v s="$(grep -E '^  measured phase' "$OUT/$name.log" | grep -oE '[0-9.]+' | head -1)" \
        'BEGIN { printf "%.0f", s ? n / s : 0 }')
    frames=$(grep -E '^  frames delivered to devices' "$OUT/$name.log" | sed -E 's/^[^(]*\(([0-9,]+)\/s\).*/\1/' | tr -d ,)
    latency=$(grep -E '^  delivery latency' "$OUT/$name.log" | sed -E 's/^  delivery latency +//; s/, max.*//')
    lost=$(grep -E '^  lost / duplicated shown' "$OUT/$name.log" | sed -E 's/.* ([0-9,]+) \/ ([0-9,]+) \/ ([0-9,]+).*/\1 lost, \2 shown twice/')
    printf '%-26s %7s msgs/s %8s frames/s  %s  %s  server %s us/msg  load %s\n' \
        "$name" "$rate" "$frames" "$latency" "$lost" \
        "$(awk -v t=$((s1 - s0)) -v r="${rate:-0}" 'BEGIN { printf "%.1f", r ? t * 1000 / r : 0 }')" \
        "$load_avg" | tee -a "$OUT/summary.txt"
    echo "    java -jar target/loomchat.jar ${args[*]}" >>"$OUT/summary.txt"
}

{
    echo "# 2.3: history on/off, one vs three devices, $(date -u +%FT%TZ), git $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with uncommitted changes)')"
    echo "machine: $(nproc) cores, $(uname -r); ${SECONDS_EACH} s per run, $ROUNDS rounds"
} | tee "$OUT/summary.txt"

PARTS=${PARTS:-single cluster}
if [[ " $PARTS " == *" single "* ]]; then
    echo "## one server each: ./loomchat server --port $PORT $SERVER_OPTS (history on); --port $((PORT + 1)) ... --history-retention 0 (off)" \
        | tee -a "$OUT/summary.txt"
    . loadtest/lib/launcher-server.sh
    # The servers run a copy of this build, so that a rebuild during the sitting changes nothing.
    cp target/loomchat.jar "$OUT/this-build.jar"
    LOOMCHAT_JAR="$OUT/this-build.jar" start_launcher_server "$OUT/server-on.log" "$PORT" $SERVER_OPTS
    ON=$SERVER ON_LAUNCHER=$LAUNCHER ON_WORK=$LAUNCHER_WORK
    LOOMCHAT_JAR="$OUT/this-build.jar" start_launcher_server "$OUT/server-off.log" "$((PORT + 1))" $SERVER_OPTS --history-retention 0
    OFF=$SERVER OFF_LAUNCHER=$LAUNCHER OFF_WORK=$LAUNCHER_WORK
    BASE_LAUNCHER=
    if [ -n "${BASELINE_JAR:-}" ]; then
        # A third server, history on, running another build; every round adds a run on it.
        echo "## baseline: the same, history on, LOOMCHAT_JAR=$BASELINE_JAR, --port $((PORT + 2))" | tee -a "$OUT/summary.txt"
        LOOMCHAT_JAR="$BASELINE_JAR" start_launcher_server "$OUT/server-base.log" "$((PORT + 2))" $SERVER_OPTS
        BASE=$SERVER BASE_LAUNCHER=$LAUNCHER BASE_WORK=$LAUNCHER_WORK
    fi
    trap 'kill $OFF_LAUNCHER $ON_LAUNCHER $BASE_LAUNCHER 2>/dev/null; wait 2>/dev/null || true; rm -rf "$OFF_WORK" "$ON_WORK" ${BASE_WORK:-}' EXIT
    run warm-up-on "$ON" chat --pairs 100 --port "$PORT"
    run warm-up-off "$OFF" chat --pairs 100 --port "$((PORT + 1))"
    [ -z "$BASE_LAUNCHER" ] || run warm-up-baseline "$BASE" chat --pairs 100 --port "$((PORT + 2))"
    [ -n "${SKIP_DEVICES:-}" ] || run warm-up-devices "$ON" chat --pairs 100 --devices 3 --port "$PORT"
    for round in $(seq 1 "$ROUNDS"); do
        if ((round % 2)); then
            run "history-on-$round" "$ON" chat --pairs 100 --port "$PORT"
            run "history-off-$round" "$OFF" chat --pairs 100 --port "$((PORT + 1))"
            [ -z "$BASE_LAUNCHER" ] || run "baseline-on-$round" "$BASE" chat --pairs 100 --port "$((PORT + 2))"
        else
            [ -z "$BASE_LAUNCHER" ] || run "baseline-on-$round" "$BASE" chat --pairs 100 --port "$((PORT + 2))"
            run "history-off-$round" "$OFF" chat --pairs 100 --port "$((PORT + 1))"
            run "history-on-$round" "$ON" chat --pairs 100 --port "$PORT"
        fi
        [ -n "${SKIP_DEVICES:-}" ] || run "devices3-$round" "$ON" chat --pairs 100 --devices 3 --port "$PORT"
    done
    kill $OFF_LAUNCHER $ON_LAUNCHER $BASE_LAUNCHER 2>/dev/null; wait $OFF_LAUNCHER $ON_LAUNCHER $BASE_LAUNCHER 2>/dev/null || true
    rm -rf "$OFF_WORK" "$ON_WORK" ${BASE_WORK:-}
    trap - EXIT
fi

[[ " $PARTS " == *" cluster "* ]] || exit 0
# Two clusters side by side, one with history and one without (each its own run directory,
# database and Redis prefix: loadtest/lib/script-cluster.sh), so that the on and off runs can
# alternate in one sitting, as the single-server part does: the box's drift then falls on both.
. loadtest/lib/script-cluster.sh
cluster_on=(--servers 2 --port "$CLUSTER_PORT" --web-port $((CLUSTER_PORT + 1)) --first-server-port "$FIRST_SERVER_PORT")
cluster_off=(--servers 2 --port $((CLUSTER_PORT + 10)) --web-port $((CLUSTER_PORT + 11)) --first-server-port $((FIRST_SERVER_PORT + 10)))
cluster_base=(--servers 2 --port $((CLUSTER_PORT + 20)) --web-port $((CLUSTER_PORT + 21)) --first-server-port $((FIRST_SERVER_PORT + 20)))
stop_both() {
    local c
    for c in "${ON_CLUSTER:-}" "${OFF_CLUSTER:-}" "${BASE_CLUSTER:-}"; do
        [ -z "$c" ] || $c stop --drop-data >>"$OUT/cluster.log" 2>&1 || true
    done
}
trap stop_both EXIT
# BASELINE_JAR: a third cluster, history on, running another build; every round adds a run on it.
# Then all three run their jar with plain java and the launcher's JVM flags (./cluster --jar), this
# build's from a copy, so that a rebuild during the sitting changes nothing.
if [ -n "${BASELINE_JAR:-}" ]; then
    . scripts/jvm-defaults.sh
    cp target/loomchat.jar "$OUT/this-build.jar"
    export LOOMCHAT_JAVA_OPTS="$(loomchat_gc_defaults "" "$LOOMCHAT_HEAP_SIZING") $(loomchat_header_defaults "$JAVA_HOME") -XX:TrimNativeHeapInterval=10000"
    cluster_on+=(--jar "$OUT/this-build.jar") cluster_off+=(--jar "$OUT/this-build.jar")
    LOOMCHAT_MAX_REQUESTS_PER_SECOND=0 start_script_cluster devices-history-base "$OUT/cluster.log" "${cluster_base[@]}" --jar "$BASELINE_JAR"
    BASE_CLUSTER=$CLUSTER BASE_NODES=$(script_cluster_pids)
    echo "## baseline: two servers behind nginx, history on, $BASELINE_JAR: LOOMCHAT_MAX_REQUESTS_PER_SECOND=0 LOOMCHAT_JAVA_OPTS=\"$LOOMCHAT_JAVA_OPTS\" $CLUSTER_COMMAND" \
        | tee -a "$OUT/summary.txt"
fi
LOOMCHAT_MAX_REQUESTS_PER_SECOND=0 start_script_cluster devices-history-on "$OUT/cluster.log" "${cluster_on[@]}"
ON_CLUSTER=$CLUSTER ON_NODES=$(script_cluster_pids)
echo "## two servers behind nginx, history on: LOOMCHAT_MAX_REQUESTS_PER_SECOND=0 $CLUSTER_COMMAND" | tee -a "$OUT/summary.txt"
LOOMCHAT_HISTORY_RETENTION=0 LOOMCHAT_MAX_REQUESTS_PER_SECOND=0 start_script_cluster devices-history-off "$OUT/cluster.log" "${cluster_off[@]}"
OFF_CLUSTER=$CLUSTER OFF_NODES=$(script_cluster_pids)
echo "## two servers behind nginx, history off: LOOMCHAT_HISTORY_RETENTION=0 LOOMCHAT_MAX_REQUESTS_PER_SECOND=0 $CLUSTER_COMMAND" \
    | tee -a "$OUT/summary.txt"
run cluster-warm-up-on "$ON_NODES" chat --pairs 100 --port "$CLUSTER_PORT"
run cluster-warm-up-off "$OFF_NODES" chat --pairs 100 --port $((CLUSTER_PORT + 10))
[ -z "${BASELINE_JAR:-}" ] || run cluster-warm-up-baseline "$BASE_NODES" chat --pairs 100 --port $((CLUSTER_PORT + 20))
for round in $(seq 1 "$ROUNDS"); do
    if ((round % 2)); then
        run "cluster-history-on-$round" "$ON_NODES" chat --pairs 100 --port "$CLUSTER_PORT"
        run "cluster-history-off-$round" "$OFF_NODES" chat --pairs 100 --port $((CLUSTER_PORT + 10))
    else
        run "cluster-history-off-$round" "$OFF_NODES" chat --pairs 100 --port $((CLUSTER_PORT + 10))
        run "cluster-history-on-$round" "$ON_NODES" chat --pairs 100 --port "$CLUSTER_PORT"
    fi
    if [ -n "${BASELINE_JAR:-}" ]; then
        run "cluster-baseline-on-$round" "$BASE_NODES" chat --pairs 100 --port $((CLUSTER_PORT + 20))
    fi
    [ -n "${SKIP_DEVICES:-}" ] || run "cluster-devices3-$round" "$ON_NODES" chat --pairs 100 --devices 3 --port "$CLUSTER_PORT"
done
stop_both
trap - EXIT
echo "done; summary in $OUT/summary.txt"
