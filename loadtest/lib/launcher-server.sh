# Sourced by the one-server scripts (hot-path.sh, idle-memory.sh): starts `./loomchat server`,
# the launcher with its default JVM flags (LOOMCHAT_JAVA_OPTS still applies), in a fresh working
# directory (so a fresh embedded database), waits until it listens, and stops it on exit.
#
#   start_launcher_server LOG PORT [server options...]
#
# Sets SERVER to the server JVM's pid. Run from the repository root. LOOMCHAT_JAR runs another build.
start_launcher_server() {
    local log=$1 port=$2 root=$PWD
    shift 2
    LAUNCHER_WORK=$(mktemp -d)
    (cd "$LAUNCHER_WORK" && exec "$root/loomchat" server --port "$port" "$@" >"$log" 2>&1) &
    LAUNCHER=$!
    trap 'kill $LAUNCHER 2>/dev/null; wait $LAUNCHER 2>/dev/null || true; rm -rf "$LAUNCHER_WORK"' EXIT
    for _ in $(seq 1 300); do
        grep -q "loomchat server listening on" "$log" 2>/dev/null && break
        sleep 0.1
    done
    grep -q "loomchat server listening on" "$log" || { echo "the server did not start; see $log" >&2; exit 1; }
    SERVER=$(pgrep -f "\.jar server --port $port" | head -1)
}
