#!/usr/bin/env bash
# The standard suite on one node: starts `loomchat server` on embedded H2 in a fresh data
# directory, runs every scenario of `loomchat loadtest` for a short while against it, writes
# each run's report under OUT, then stops the server (and the failover run's own server).
#
#   loadtest/single-node-suite.sh OUT_DIR [SECONDS]
#
# Environment: PORT (default 7100); SERVER_OPTS (default: 1,000 PBKDF2 iterations so that
# logging in thousands of clients takes seconds, and no request limit, so that the figures are
# the server's and not its per-connection limit); SERVER_JAVA_OPTS (JVM flags of the server).
# Sized for the shared 2-core box: a few thousand clients at most, SECONDS (default 10) each.
set -euo pipefail
cd "$(dirname "$0")/.."
. loadtest/lib/out-dir.sh
OUT=$(loadtest_out_dir "${1:?usage: $0 OUT_DIR [SECONDS]}")
SECONDS_EACH=${2:-10}
. scripts/jdk.sh
loomchat_find_jdk
JAVA="$JAVA_HOME/bin/java"
JAR=$PWD/target/loomchat.jar
PORT=${PORT:-7100}
SERVER_OPTS=${SERVER_OPTS:---password-iterations 1000 --max-requests-per-second 0}
SERVER_JAVA_OPTS=${SERVER_JAVA_OPTS:-}
WORK=$(mktemp -d)
mkdir -p "$OUT"

(cd "$WORK" && exec "$JAVA" $SERVER_JAVA_OPTS -jar "$JAR" server --port "$PORT" $SERVER_OPTS >"$WORK/server.log" 2>&1) &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do
    grep -q "listening on" "$WORK/server.log" && break
    sleep 0.1
done

D=${SECONDS_EACH}s
COMMON="--port $PORT --server-rate-limit 0 --duration $D"
run() {
    local name=$1
    shift
    echo "== $name: loomchat loadtest $* $COMMON" | tee -a "$OUT/suite.log"
    uptime | tee -a "$OUT/suite.log"
    "$JAVA" -jar "$JAR" loadtest "$@" $COMMON --report "$OUT/$name" 2>>"$OUT/suite.log" | tee -a "$OUT/suite.log" || true
}

run connect          connect --users 2000 --ramp 1000 --heartbeat 5s
run chat-modern-500  chat --pairs 500
run chat-classic-100-a chat --framing classic --pairs 100
run chat-classic-100-b chat --framing classic --pairs 100
run chat-classic-1   chat --framing classic --pairs 1
run chat-classic-1000 chat --framing classic --pairs 1000
run group-classic-10x20 group --framing classic --users 200 --group-size 20
run login            login --users 200 --concurrency 50
run mixed            mixed --users 2000
run chat-2-processes chat --pairs 500 --processes 2
echo "server log (warnings and errors):" | tee -a "$OUT/suite.log"
grep -E "WARN|ERROR" "$WORK/server.log" | head -20 | tee -a "$OUT/suite.log" || true

# Failover needs a server it may kill: its own, on the next port.
echo "== failover" | tee -a "$OUT/suite.log"
PORT=$((PORT + 1)) loadtest/failover-single-node.sh --pairs 200 --duration $D --report "$OUT/failover" \
    2>>"$OUT/suite.log" | tee -a "$OUT/suite.log" || true
