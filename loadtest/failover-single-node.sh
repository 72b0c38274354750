#!/usr/bin/env bash
# Failover on one node: starts a server on embedded H2, runs `loomchat loadtest failover`
# against it with a kill command that kill -9s the server and starts it again on the same
# data and port, then stops the restarted server. With one node, "failing over" is the
# restart; through nginx and several servers, pass --target and a --kill-pid instead.
#
#   loadtest/failover-single-node.sh [extra loadtest options, e.g. --pairs 500 --report out/]
#
# Environment: PORT (default 7100), SERVER_OPTS (default: 1,000 PBKDF2 iterations, no request limit).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
loomchat_find_jdk
JAVA="$JAVA_HOME/bin/java"
PORT=${PORT:-7100}
SERVER_OPTS=${SERVER_OPTS:---password-iterations 1000 --max-requests-per-second 0}
WORK=$(mktemp -d)
JAR=$PWD/target/loomchat.jar

start_server() {
    (cd "$WORK" && exec "$JAVA" -jar "$JAR" server --port "$PORT" $SERVER_OPTS >>"$WORK/server.log" 2>&1) &
    echo $! >"$WORK/server.pid"
    for _ in $(seq 1 100); do
        grep -q "loomchat server listening on" "$WORK/server.log" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "server did not start; see $WORK/server.log" >&2
    return 1
}

stop_server() {
    local pid
    pid=$(cat "$WORK/server.pid" 2>/dev/null || true)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill "$pid"
        wait "$pid" 2>/dev/null || true
    fi
}

trap 'stop_server; rm -rf "$WORK"' EXIT
start_server
# The kill command runs in a shell of the load test: kill -9 the server, start a new one on the
# same data and port in the background (its pid replaces the old one for the cleanup above).
KILL="pid=\$(cat $WORK/server.pid); kill -9 \$pid; while kill -0 \$pid 2>/dev/null; do sleep 0.05; done; \
(cd $WORK && exec $JAVA -jar $JAR server --port $PORT $SERVER_OPTS >>$WORK/server.log 2>&1) >/dev/null 2>&1 & echo \$! >$WORK/server.pid"
set +e
"$JAVA" -jar "$JAR" loadtest failover --port "$PORT" --kill-command "$KILL" --server-rate-limit 0 "$@"
status=$?
set -e
exit $status
