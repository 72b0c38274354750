#!/usr/bin/env bash
# Redis CPU per cross-server message (issue 14): what one Redis pays for the traffic between
# cluster servers, one-to-one and group, with protocol 2.2 receipts on and off.
#
#   loadtest/redis-cpu.sh OUT_DIR [ROUNDS] [SECONDS]
#
# Starts, with ./cluster (in run/redis-cpu/: see loadtest/lib/script-cluster.sh), a private Redis
# (127.0.0.1:REDIS_PORT, append-only file on, as ./cluster insists on; nothing else talks to it,
# so every CPU tick it spends is ours: --private-redis) and two servers straight on
# 127.0.0.1:FIRST_PORT and FIRST_PORT+1 (no nginx: the load generator puts each user on a chosen
# server; `java -jar target/loomchat.jar server`, the JDK's default JVM flags: --jar) over a fresh
# MariaDB database loomchat_redis_cpu, and runs, each ROUNDS times, receipts on and off back to
# back with the order alternating:
#
#   pairs-cross  chat --pairs PAIRS --cross-server: every message goes from one server to the other
#   pairs-local  chat --pairs PAIRS, both partners on one server: what Redis pays for a message
#                that never leaves its server (with receipts, its kept copy and its confirmation)
#   group        group --users GROUP_USERS --group-size 20: the load generator puts users 2k and
#                2k+1 on server k mod 2, so each group of 20 has 10 members on each server; a
#                message reaches 9 members on its sender's server and 10 on the other one
#
# Why Redis's own counters and not the load generator's rates: the window (the middle WINDOW
# seconds of the measured phase) is measured inside Redis. CONFIG RESETSTAT at its start, INFO
# commandstats at its end: the PUBLISH calls made by the forward script count the cross-server
# messages exactly (one a message for one-to-one and for a group spread over two servers), and
# the CPU is Redis's utime+stime from /proc/PID/stat over the same window. Both are CPU time
# and counts, not wall-clock rates, so the other engineers' load on the box changes them little.
#
# Environment: REDIS_PORT (default 6391), FIRST_PORT (default 6211), PAIRS (default 100),
# GROUP_USERS (default 200), WINDOW (default SECONDS-10), PARTS (default "pairs-cross group
# pairs-local"), RATE (default 0: closed loop; else the open-loop --rate of every run),
# CLUSTER_OPTIONS (more ./cluster start options). The servers' logs end up in OUT_DIR as
# server0.out and server1.out.
set -euo pipefail
cd "$(dirname "$0")/.."
. loadtest/lib/out-dir.sh
OUT=$(loadtest_out_dir "${1:?usage: $0 OUT_DIR [ROUNDS] [SECONDS]}")
ROUNDS=${2:-2}
SECONDS_EACH=${3:-30}
WINDOW=${WINDOW:-$((SECONDS_EACH - 10))}
REDIS_PORT=${REDIS_PORT:-6391}
FIRST_PORT=${FIRST_PORT:-6211}
PAIRS=${PAIRS:-100}
GROUP_USERS=${GROUP_USERS:-200}
GROUP_SIZE=20
RATE=${RATE:-0}
PARTS=${PARTS:-pairs-cross group pairs-local}
. scripts/jdk.sh
loomchat_find_jdk
JAVA=$JAVA_HOME/bin/java
mkdir -p "$OUT"
rcli() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

. loadtest/lib/script-cluster.sh
# The servers' logs, under the names they had when this script started the servers itself.
keep_server_logs() {
    cp "$CLUSTER_DIR/node1.log" "$OUT/server0.out" 2>/dev/null || true
    cp "$CLUSTER_DIR/node2.log" "$OUT/server1.out" 2>/dev/null || true
}
trap 'stop_script_cluster; keep_server_logs' EXIT
start_script_cluster redis-cpu "$OUT/cluster.log" --no-nginx --no-web --jar target/loomchat.jar --servers 2 \
    --first-server-port "$FIRST_PORT" --private-redis "$REDIS_PORT" \
    --server-options "--channel-prefix rc: --password-iterations 1000 --max-requests-per-second 0"
REDIS_PID=$(script_cluster_redis_pid)
TARGETS=127.0.0.1:$FIRST_PORT,127.0.0.1:$((FIRST_PORT + 1))

# One INFO commandstats figure of command $2 in file $1: its calls, or with $3 = 2 the
# microseconds spent in it (wall time inside Redis, so a busy box inflates it); 0 when not called.
calls() { sed -nE "s/^cmdstat_$2:calls=([0-9]+),usec=([0-9]+),.*/\\${3:-1}/p" "$1" | grep . || echo 0; }

# name, loadtest arguments...: one run, one line in summary.txt.
run() {
    local name=$1
    shift
    local args=(loadtest "$@" --target "$TARGETS" --rate "$RATE" --server-rate-limit 0 --duration "${SECONDS_EACH}s")
    setsid "$JAVA" -jar target/loomchat.jar "${args[@]}" --report "$OUT/$name" >"$OUT/$name.out" 2>&1 &
    local load=$!
    # The window starts 5 s into the measured phase ("chat" in the progress lines): past the
    # logins and group setup, whose claims are not what this measures.
    for _ in $(seq 1 600); do grep -sqE '^ *chat ' "$OUT/$name.out" && break; sleep 0.2; done
    sleep 5
    rcli config resetstat >/dev/null
    local r0 r1 load_avg
    r0=$(ticks "$REDIS_PID")
    sleep "$WINDOW"
    r1=$(ticks "$REDIS_PID")
    rcli info commandstats >"$OUT/$name.commandstats"
    rcli info stats >"$OUT/$name.stats"
    load_avg=$(cut -d' ' -f1-3 /proc/loadavg)
    wait "$load" || true
    local publish evalsha script_us hset hdel rate lost
    publish=$(calls "$OUT/$name.commandstats" publish)
    script_us=$(calls "$OUT/$name.commandstats" evalsha 2)
    evalsha=$(calls "$OUT/$name.commandstats" evalsha)
    hset=$(calls "$OUT/$name.commandstats" hset)
    hdel=$(calls "$OUT/$name.commandstats" hdel)
    rate=$(grep -E '^  delivered ' "$OUT/$name.out" | sed -E 's/.*\(([0-9,]+)\/s\).*/\1/' | tr -d , || true)
    lost=$(grep -E '^  lost / duplicated shown' "$OUT/$name.out" | sed -E 's/.* ([0-9,]+) \/ ([0-9,]+) \/ ([0-9,]+).*/\1 lost, \2 shown twice/' || true)
    # ticks are 10 ms: CPU us = ticks * 10,000.
    printf '%-18s redis %5.1f%% of a core  %7d publish/s  %7d evalsha/s  %6d hset/s  %5d hdel/s  %6.2f us/publish  %6.2f us/evalsha  scripts %6.2f us/publish  tool %s deliveries/s, %s  load %s\n' \
        "$name" "$(awk -v t=$((r1 - r0)) -v w="$WINDOW" 'BEGIN { printf "%.1f", t / w }')" \
        $((publish / WINDOW)) $((evalsha / WINDOW)) $((hset / WINDOW)) $((hdel / WINDOW)) \
        "$(awk -v t=$((r1 - r0)) -v p="$publish" 'BEGIN { printf "%.2f", p ? t * 10000 / p : 0 }')" \
        "$(awk -v t=$((r1 - r0)) -v p="$evalsha" 'BEGIN { printf "%.2f", p ? t * 10000 / p : 0 }')" \
        "$(awk -v u="$script_us" -v p="$publish" 'BEGIN { printf "%.2f", p ? u / p : 0 }')" \
        "${rate:-?}" "${lost:-?}" "$load_avg" | tee -a "$OUT/summary.txt"
    printf '    window %s s, redis ticks %s, publish %s, evalsha %s, hset %s, hdel %s\n    java -jar target/loomchat.jar %s\n' \
        "$WINDOW" $((r1 - r0)) "$publish" "$evalsha" "$hset" "$hdel" "${args[*]}" >>"$OUT/summary.txt"
}

# name, round, loadtest arguments...: receipts on and off, the order alternating by round.
pair() {
    local name=$1 round=$2
    shift 2
    if ((round % 2)); then
        run "$name-on-$round" "$@"
        run "$name-off-$round" "$@" --no-receipts
    else
        run "$name-off-$round" "$@" --no-receipts
        run "$name-on-$round" "$@"
    fi
}

{
    echo "# Redis CPU per cross-server message, $(date -u +%FT%TZ), git $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with uncommitted changes)')"
    echo "machine: $(nproc) cores, $(uname -r); $(redis-server --version | cut -d' ' -f1-3)"
    echo "${SECONDS_EACH} s per run, Redis window ${WINDOW} s from 5 s into the measured phase, $ROUNDS rounds, rate ${RATE} (0 = closed loop)"
    # Redis's arguments as ./cluster recorded them for restart: the port, then one argument a line.
    echo "Redis: redis-server $(tail -n +2 "$CLUSTER_DIR/redis/redis.args" | paste -sd ' ') (private); servers: $(script_cluster_command node1)"
    echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/summary.txt"

run warm-up chat --pairs "$PAIRS" --cross-server
for round in $(seq 1 "$ROUNDS"); do
    for part in $PARTS; do
        case $part in
            pairs-cross) pair pairs-cross "$round" chat --pairs "$PAIRS" --cross-server ;;
            pairs-local) pair pairs-local "$round" chat --pairs "$PAIRS" ;;
            group) pair group "$round" group --users "$GROUP_USERS" --group-size "$GROUP_SIZE" ;;
            *) echo "unknown part $part"; exit 2 ;;
        esac
    done
done
echo "done; summary in $OUT/summary.txt"
