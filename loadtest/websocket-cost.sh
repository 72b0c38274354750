#!/usr/bin/env bash
# What the WebSocket transport costs next to TCP, on one server (issue 15):
#  1. one-to-one chat, 100 pairs, TCP and WebSocket side by side in one sitting: each round runs
#     both back to back, alternating which goes first so that drift (JIT, other load) favours
#     neither; msgs/s, latency and the server's CPU time per delivered message (utime+stime from
#     /proc over the middle 10 s of each run);
#  2. idle memory: CLIENTS idle clients on a fresh server, TCP then WebSocket (a fresh server
#     each): the server's RSS and its live heap after a full GC, before and while they are held.
#
#   loadtest/websocket-cost.sh OUT_DIR [ROUNDS] [SECONDS] [CLIENTS]
#
# Environment: PORT (default 7600; the web port is PORT + 1000), PARTS (default "chat idle").
set -euo pipefail
cd "$(dirname "$0")/.."
. loadtest/lib/out-dir.sh
OUT=$(loadtest_out_dir "${1:?usage: $0 OUT_DIR [ROUNDS] [SECONDS] [CLIENTS]}")
ROUNDS=${2:-3}
SECONDS_EACH=${3:-20}
CLIENTS=${4:-10000}
PORT=${PORT:-7600}
WEB_PORT=$((PORT + 1000))
. scripts/jdk.sh
loomchat_find_jdk
mkdir -p "$OUT"
SERVER_OPTS="--password-iterations 1000 --max-requests-per-second 0 --max-connections 15000 --web-port $WEB_PORT"
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
# Live heap after a full GC, in kB: the generations' "used" figures that GC.heap_info prints
# once GC.run has run (young and old for the launcher's serial collector; metaspace left out).
live_heap() {
    "$JAVA_HOME/bin/jcmd" "$1" GC.run >/dev/null
    # Serial prints "DefNew ... used NK" and "Tenured ... used NK" (older JDKs: "def new
    # generation", "tenured generation"), G1 "garbage-first heap ... used NK".
    "$JAVA_HOME/bin/jcmd" "$1" GC.heap_info | grep -iE '^ ?(DefNew|Tenured|def new|tenured|garbage-first)' \
        | grep -oE 'used [0-9]+K' | grep -oE '[0-9]+' | awk '{ t += $1 } END { print t + 0 }'
}
. loadtest/lib/launcher-server.sh

{
    echo "# WebSocket vs TCP, $(date -u +%FT%TZ), git $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with uncommitted changes)')"
    echo "machine: $(nproc) cores, $(uname -r); ${SECONDS_EACH} s per run, $ROUNDS rounds; $CLIENTS idle clients"
    echo "server: ./loomchat server --port $PORT $SERVER_OPTS (embedded H2, launcher JVM defaults)"
} | tee "$OUT/summary.txt"

# name, loadtest arguments...
run() {
    local name=$1
    shift
    local args=(loadtest "$@" --server-rate-limit 0 --duration "${SECONDS_EACH}s")
    "$JAVA_HOME/bin/java" -jar target/loomchat.jar "${args[@]}" --report "$OUT/$name" >"$OUT/$name.log" 2>&1 &
    local load=$! half=$((SECONDS_EACH / 2))
    sleep $((half > 5 ? half - 5 : 1))
    local s0 s1 load_avg
    s0=$(cpu "$SERVER")
    sleep 10
    s1=$(cpu "$SERVER"); load_avg=$(cut -d' ' -f1 /proc/loadavg)
    wait $load || true
    local rate latency lost
    rate=$(grep -E '^  delivered ' "$OUT/$name.log" | sed -E 's/.*\(([0-9,]+)\/s\).*/\1/' | tr -d ,)
    latency=$(grep -E '^  delivery latency' "$OUT/$name.log" | sed -E 's/^  delivery latency +//; s/, max.*//')
    lost=$(grep -E '^  lost / duplicated shown' "$OUT/$name.log" | sed -E 's/.* ([0-9,]+) \/ ([0-9,]+) \/ ([0-9,]+).*/\1 lost, \2 shown twice/')
    printf '%-16s %8s msgs/s  %s  %s  server %s us/msg  load %s\n' "$name" "$rate" "$latency" "$lost" \
        "$(awk -v t=$((s1 - s0)) -v r="${rate:-0}" 'BEGIN { printf "%.1f", r ? t * 1000 / r : 0 }')" "$load_avg" \
        | tee -a "$OUT/summary.txt"
    echo "    java -jar target/loomchat.jar ${args[*]}" >>"$OUT/summary.txt"
}

PARTS=${PARTS:-chat idle}
if [[ " $PARTS " == *" chat "* ]]; then
    echo "## one-to-one chat, 100 pairs" | tee -a "$OUT/summary.txt"
    start_launcher_server "$OUT/server-chat.log" "$PORT" $SERVER_OPTS
    run warm-up-tcp chat --pairs 100 --port "$PORT"
    run warm-up-ws chat --pairs 100 --target "127.0.0.1:$WEB_PORT" --transport ws
    for round in $(seq 1 "$ROUNDS"); do
        if ((round % 2)); then
            run "tcp-$round" chat --pairs 100 --port "$PORT"
            run "ws-$round" chat --pairs 100 --target "127.0.0.1:$WEB_PORT" --transport ws
        else
            run "ws-$round" chat --pairs 100 --target "127.0.0.1:$WEB_PORT" --transport ws
            run "tcp-$round" chat --pairs 100 --port "$PORT"
        fi
    done
    kill "$LAUNCHER" 2>/dev/null; wait "$LAUNCHER" 2>/dev/null || true
    trap - EXIT
fi

[[ " $PARTS " == *" idle "* ]] || exit 0
# name, the port the clients hold, loadtest target arguments...
idle() {
    local name=$1 held_port=$2
    shift 2
    start_launcher_server "$OUT/server-idle-$name.log" "$PORT" $SERVER_OPTS
    sleep 5
    local rss0 heap0
    heap0=$(live_heap "$SERVER"); rss0=$(rss "$SERVER")
    "$JAVA_HOME/bin/java" -jar target/loomchat.jar loadtest connect "$@" --users "$CLIENTS" --concurrency 50 \
        --duration 60s --report "$OUT/idle-$name" >"$OUT/idle-$name.log" 2>&1 &
    local load=$!
    # Held: wait until every client is connected, then 20 s more for the logins' garbage to settle.
    for _ in $(seq 1 120); do
        [ "$(ss -Htn state established "( sport = :$held_port )" | wc -l)" -ge "$CLIENTS" ] && break
        sleep 2
    done
    sleep 20
    local rss1 heap1
    heap1=$(live_heap "$SERVER"); rss1=$(rss "$SERVER")
    "$JAVA_HOME/bin/jcmd" "$SERVER" GC.class_histogram >"$OUT/histogram-$name.txt"
    wait $load || true
    kill "$LAUNCHER" 2>/dev/null; wait "$LAUNCHER" 2>/dev/null || true
    trap - EXIT
    printf '%-10s %s clients: RSS %s -> %s kB (%s kB per connection), live heap %s -> %s kB (%s kB per connection)\n' \
        "$name" "$CLIENTS" "$rss0" "$rss1" "$(awk -v a="$rss0" -v b="$rss1" -v n="$CLIENTS" 'BEGIN { printf "%.2f", (b - a) / n }')" \
        "$heap0" "$heap1" "$(awk -v a="$heap0" -v b="$heap1" -v n="$CLIENTS" 'BEGIN { printf "%.2f", (b - a) / n }')" \
        | tee -a "$OUT/summary.txt"
    echo "    java -jar target/loomchat.jar loadtest connect $* --users $CLIENTS --concurrency 50 --duration 60s" >>"$OUT/summary.txt"
}
echo "## $CLIENTS idle clients, a fresh server each" | tee -a "$OUT/summary.txt"
idle tcp "$PORT" --port "$PORT"
idle ws "$WEB_PORT" --target "127.0.0.1:$WEB_PORT" --transport ws
echo "done; summary in $OUT/summary.txt"
