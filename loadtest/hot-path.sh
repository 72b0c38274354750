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
{
    echo "# hot path, $(date -u +%FT%TZ), git $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with uncommitted changes)')"
    echo "server: ./loomchat server --port $PORT $SERVER_OPTS"
    echo "server JVM: $(tr '\0' ' ' <"/proc/$SERVER/cmdline")"
    echo "machine: $(nproc) cores, $(uname -r)"
} | tee "$OUT/summary.txt"

. loadtest/lib/measured-run.sh
run() {  # name, loadtest arguments...
    local name=$1
    shift
    measured_run "$name" "$SERVER" "$PORT" "$@" --framing classic
}

run warm-up chat --pairs 100
for round in $(seq 1 "$ROUNDS"); do
    run "pairs100-$round" chat --pairs 100
    run "pairs1000-$round" chat --pairs 1000
    run "pairs1-$round" chat --pairs 1
    run "group-$round" group --users 200 --group-size 20
done
