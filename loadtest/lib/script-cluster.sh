# Sourced by the load-test scripts that run a cluster (after they cd to the repository root).
# Every one starts, faults and stops its cluster with ./cluster, in a run directory, a database
# and a Redis prefix of its own, so that it neither stops nor shares the user's cluster
# (run/cluster) or another script's (loadtest/README.md, "How scripts start clusters").
#
#   start_script_cluster NAME LOG [./cluster start options...]
#       Stops what an earlier run left in run/NAME/ and removes it, then starts the cluster there
#       with database loomchat_NAME (- becomes _) made afresh, and Redis prefix NAME: unless
#       LOOMCHAT_CHANNEL_PREFIX is set (--server-options "--channel-prefix P" wins over both).
#       Options in the environment variable CLUSTER_OPTIONS come last, e.g. --private-redis 6395
#       to leave the box's Redis alone. LOG (appended) gets the command and ./cluster's messages.
#       Sets CLUSTER_DIR (run/NAME), CLUSTER (./cluster --run-dir run/NAME, for faults) and
#       CLUSTER_COMMAND (the start command as run, for a script's record).
#   stop_script_cluster          stops it, drops its database and its own Redis's files
#   script_cluster_pids          its servers' pids, node1 first, comma-separated
#   script_cluster_redis_pid     the pid of its own Redis (--private-redis), else of the box's
#                                first redis-server (what the scripts measured before)
#   script_cluster_command NODE  the command line server NODE was started with

start_script_cluster() {
    local name=$1 log=$2
    shift 2
    [[ $name =~ ^[a-z0-9][a-z0-9-]*$ ]] || { echo "start_script_cluster: NAME in a-z, 0-9 and -, not $name" >&2; exit 2; }
    CLUSTER_DIR=run/$name
    CLUSTER="./cluster --run-dir $CLUSTER_DIR"
    SCRIPT_CLUSTER_LOG=$log
    # A run killed before its trap ran leaves its cluster running: that one goes first.
    if [ -d "$CLUSTER_DIR" ]; then
        $CLUSTER stop --drop-data >>"$log" 2>&1 || true
        rm -rf "$CLUSTER_DIR"
    fi
    local prefix=${LOOMCHAT_CHANNEL_PREFIX:-$name:}
    # shellcheck disable=SC2206 # CLUSTER_OPTIONS is a list of words
    local options=(--db-url "jdbc:mysql://127.0.0.1:3306/loomchat_${name//-/_}" --fresh-database "$@" ${CLUSTER_OPTIONS:-})
    CLUSTER_COMMAND="LOOMCHAT_CHANNEL_PREFIX=$prefix $CLUSTER start $(as_typed "${options[@]}")"
    echo "$CLUSTER_COMMAND" >>"$log"
    LOOMCHAT_CHANNEL_PREFIX=$prefix $CLUSTER start "${options[@]}" 2>>"$log" \
        || { echo "$CLUSTER start failed; see $log" >&2; exit 1; }
}

# Its arguments as one would type them: a word with a space in it (--extra-nginx "plain 8231 all")
# or an empty one in double quotes.
as_typed() {
    local word typed=()
    for word in "$@"; do
        if [[ -z $word || $word == *[[:space:]]* ]]; then typed+=("\"$word\""); else typed+=("$word"); fi
    done
    echo "${typed[*]}"
}

stop_script_cluster() {
    [ -n "${CLUSTER:-}" ] || return 0
    $CLUSTER stop --drop-data >>"$SCRIPT_CLUSTER_LOG" 2>&1
}

script_cluster_pids() {
    local k=1 pids=()
    while [ -f "$CLUSTER_DIR/node$k.pid" ]; do
        pids+=("$(cat "$CLUSTER_DIR/node$k.pid")")
        k=$((k + 1))
    done
    (IFS=,; echo "${pids[*]}")
}

script_cluster_redis_pid() {
    if [ -f "$CLUSTER_DIR/redis/redis.pid" ]; then
        cat "$CLUSTER_DIR/redis/redis.pid"
    else
        pgrep -x redis-server | head -1
    fi
}

script_cluster_command() {
    local launch_env launch_command
    . "$CLUSTER_DIR/$1.launch"
    echo "${launch_command[*]}"
}
