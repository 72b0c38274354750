#!/usr/bin/env bash
# The rows of issue 7 measured with the project's own tool: one server started by ./loomchat
# with its default JVM flags (embedded H2), then the classic closed loop (\0 framing, one
# message in flight per sender, the next sent when the previous arrived) for 1, 100 and 1,000
# pairs, and group fan-out, ROUNDS times each, one after the other against the same server.
# For each run: msgs/s and latency from the tool, and the CPU time the server and the load
# generator spent per delivered message (utime+stime from /proc over the middle 10 s), since
# on this 2-core box both share the cores.
#
#   loadtest/hot-path.sh OUT_DIR [ROUNDS] [SECONDS]
#
# Environment: PORT (default 7700), LOOMCHAT_JAVA_OPTS (passed to the launcher).
set -euo pipefail
cd "$(dirname "$0")/.."
. loadtest/lib/out-dir.sh
OUT=$(loadtest_out_dir "${1:?usage: $0 OUT_DIR [ROUNDS] [SECONDS]}")
ROUNDS=${2:-2}
SECONDS_EACH=${3:-20}
PORT=${PORT:-7700}
. scripts/jdk.sh
loomchat_find_jdk
mkdir -p "$OUT"
SERVER_OPTS="--password-iterations 1000 --max-requests-per-second 0"
. loadtest/lib/launcher-server.sh
start_launcher_server "$OUT/server.log" "$PORT" $SERVER_OPTS
cpu() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
{
    echo "# hot path, $(date -u +%FT%TZ), git $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with uncommitted changes)')"
    echo "server: ./loomchat server --port $PORT $SERVER_OPTS"
    echo "server JVM: $(tr '\0' ' ' <"/proc/$SERVER/cmdline")"
    echo "machine: $(nproc) cores, $(uname -r)"
} | tee "$OUT/summary.txt"

run() {  # name, loadtest arguments...
    local name=$1
    shift
    local args=(loadtest "$@" --port "$PORT" --framing classic --server-rate-limit 0 --duration "${SECONDS_EACH}s")
    "$JAVA_HOME/bin/java" -jar target/loomchat.jar "${args[@]}" --report "$OUT/$name" >"$OUT/$name.log" 2>&1 &
    local load=$! half=$((SECONDS_EACH / 2))
    sleep $((half > 5 ? half - 5 : 1))
    local s0 l0 s1 l1 load_avg
    s0=$(cpu "$SERVER"); l0=$(cpu $load)
    sleep 10
    s1=$(cpu "$SERVER"); l1=$(cpu $load); load_avg=$(cut -d' ' -f1 /proc/loadavg)
    wait $load || true
    local rate latency
    rate=$(grep -E '^  delivered ' "$OUT/$name.log" | sed -E 's/.*\(([0-9,]+)\/s\).*/\1/' | tr -d ,)
    latency=$(grep -E '^  delivery latency' "$OUT/$name.log" | sed -E 's/^  delivery latency +//')
    printf '%-12s %8s msgs/s  %s  server %s us/msg, load tool %s us/msg, load %s\n    java -jar target/loomchat.jar %s\n' \
        "$name" "$rate" "$latency" \
        "$(awk -v t=$((s1 - s0)) -v r="${rate:-0}" 'BEGIN { printf "%.1f", r ? t * 1000 / r : 0 }')" \
        "$(awk -v t=$((l1 - l0)) -v r="${rate:-0}" 'BEGIN { printf "%.1f", r ? t * 1000 / r : 0 }')" \
        "$load_avg" "${args[*]}" | tee -a "$OUT/summary.txt"
}

run warm-up chat --pairs 100
for round in $(seq 1 "$ROUNDS"); do
    run "pairs100-$round" chat --pairs 100
    run "pairs1000-$round" chat --pairs 1000
    run "pairs1-$round" chat --pairs 1
    run "group-$round" group --users 200 --group-size 20
done
