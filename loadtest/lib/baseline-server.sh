# Sourced by the scripts that measure a change against the build before it in one sitting
# (versus-peer.sh, read-state-cost.sh): starts a server from another build's jar, with the
# launcher's JVM defaults, in a fresh working directory, and waits until it listens.
#
#   start_baseline_server JAR LOG PORT [server options...]
#
# Sets BASELINE to its pid and BASELINE_WORK to its directory; the caller stops it and removes
# the directory. Make the jar with `git archive <commit>` and a build under loadtest/runs/.
start_baseline_server() {
    local jar log=$2 port=$3
    jar=$(realpath "$1")
    shift 3
    BASELINE_WORK=$(mktemp -d)
    . scripts/jvm-defaults.sh
    # shellcheck disable=SC2046,SC2086
    (cd "$BASELINE_WORK" && exec env MALLOC_ARENA_MAX=2 "$JAVA_HOME/bin/java" $(loomchat_gc_defaults "" "$LOOMCHAT_HEAP_SIZING") \
        $(loomchat_header_defaults "$JAVA_HOME") -XX:TrimNativeHeapInterval=10000 -jar "$jar" server --port "$port" "$@" >"$log" 2>&1) &
    BASELINE=$!
    for _ in $(seq 1 300); do
        grep -q "loomchat server listening on" "$log" 2>/dev/null && break
        sleep 0.1
    done
    grep -q "loomchat server listening on" "$log" || { echo "the baseline server did not start; see $log" >&2; exit 1; }
    echo "## baseline: $jar (git $(unzip -p "$jar" META-INF/MANIFEST.MF 2>/dev/null | grep -i revision || echo 'revision not recorded')) on port $port"
}
