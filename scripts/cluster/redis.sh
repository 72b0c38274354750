# Sourced by ./cluster: the Redis the servers share, checked (--redis) or started
# (--private-redis, --sentinel). Uses ./cluster's run_dir, redis, say, fail and accepts.
readonly REDIS_START_TIMEOUT_SECONDS=30  # a Redis loads its whole append-only file before it answers

# Redis keeps copies of unconfirmed messages (protocol 2.2): without its append-only file a Redis
# restart would lose acknowledged messages of live sessions if their server then died too.
ensure_redis_aof() {
    local address host port mode
    address=${1#redis://}
    address=${address%%/*}
    host=${address%:*}
    port=${address##*:}
    [ "$host" != "$address" ] || port=6379
    command -v redis-cli >/dev/null || { say "redis-cli not found: cannot check that Redis at $1 runs with appendonly yes"; return 0; }
    mode=$(redis-cli -h "$host" -p "$port" config get appendonly 2>/dev/null | sed -n 2p) \
        || fail "Redis at $1 does not answer"
    [ -n "$mode" ] || fail "Redis at $1 does not answer"
    [ "$mode" = yes ] && return 0
    case $host in
        127.0.0.1|localhost|::1)
            redis-cli -h "$host" -p "$port" config set appendonly yes >/dev/null \
                || fail "could not switch on appendonly in Redis at $1"
            say "Redis at $1 ran without its append-only file; switched it on (appendonly yes)" ;;
        *) say "warning: Redis at $1 runs without appendonly yes; unconfirmed messages kept there do not survive its restart" ;;
    esac
}

# Starts the Redis of --private-redis on port $1 with its append-only file in redis/data/ (kept
# from one start to the next, as --sentinel's); sets $redis to its URL. No RDB snapshots: the
# append-only file is what keeps the data, and a snapshot's fork would add to the CPU that
# scripts measure on this Redis.
start_private_redis() {
    local port=$1 dir=$run_dir/redis/data
    command -v redis-server >/dev/null || fail "redis-server not found (apt-get install redis-server), needed by --private-redis"
    mkdir -p "$dir"
    start_redis_process redis "$port" --port "$port" --bind 127.0.0.1 --save "" --appendonly yes \
        --appendfsync everysec --dir "$dir"
    redis=redis://127.0.0.1:$port
}

# Starts the Sentinel set of --sentinel (see the header) from first port $1; sets $redis to its URL.
# Nothing is daemonized by Redis itself: setsid and pid files, as for the servers.
start_sentinels() {
    local first=$1 dir=$run_dir/redis i port conf
    command -v redis-server >/dev/null || fail "redis-server not found (apt-get install redis-server), needed by --sentinel"
    for ((i = 0; i < 5; i++)); do
        ! accepts $((first + i)) || fail "port $((first + i)) is in use; choose another --sentinel-first-port"
    done
    # A data directory each: Redis 7 names its append-only directory the same in every one.
    mkdir -p "$dir/master" "$dir/replica"
    start_redis_process redis-master "$first" --port "$first" --bind 127.0.0.1 --appendonly yes --dir "$dir/master"
    start_redis_process redis-replica $((first + 1)) --port $((first + 1)) --bind 127.0.0.1 --appendonly yes \
        --dir "$dir/replica" --replicaof 127.0.0.1 "$first"
    redis=redis-sentinel://
    for ((i = 2; i <= 4; i++)); do
        port=$((first + i))
        conf=$dir/sentinel-$port.conf
        # Written afresh at every start (a Sentinel rewrites its file as it learns): each start
        # begins with the master on port R, the replica on R+1 copying it.
        printf '%s\n' "port $port" "bind 127.0.0.1" "dir $dir" \
            "sentinel monitor loomchat 127.0.0.1 $first 2" "sentinel down-after-milliseconds loomchat 5000" \
            "sentinel failover-timeout loomchat 60000" >"$conf"
        start_redis_process "sentinel-$port" "$port" "$conf" --sentinel
        redis+="127.0.0.1:$port,"
    done
    redis=${redis%,}/loomchat
}

# Starts redis-server with arguments ${@:3} as process $1 (pid file redis/$1.pid in the run
# directory) and waits until it answers PING on port $2: it accepts connections before it has
# loaded its append-only file, and answers every command with LOADING until then.
start_redis_process() {
    local name=$1 port=$2
    shift 2
    printf '%s\n' "$port" "$@" >"$run_dir/redis/$name.args" # for restart
    setsid redis-server "$@" </dev/null >>"$run_dir/redis/$name.log" 2>&1 &
    echo $! >"$run_dir/redis/$name.pid"
    for _ in $(seq 1 $((REDIS_START_TIMEOUT_SECONDS * 10))); do
        [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ] && return 0
        sleep 0.1
    done
    fail "$name did not answer on port $port within $REDIS_START_TIMEOUT_SECONDS s; see $run_dir/redis/$name.log"
}

# The port of the Redis that the Sentinels of first port $1 name master now (empty when none answers).
sentinel_master_port() {
    local first=$1 port
    port=$(redis-cli -p $((first + 2)) sentinel get-master-addr-by-name loomchat 2>/dev/null | sed -n 2p)
    [ -n "$port" ] || port=$(redis-cli -p $((first + 3)) sentinel get-master-addr-by-name loomchat 2>/dev/null | sed -n 2p)
    echo "$port"
}
