#!/usr/bin/env bash
# A LoomChat cluster sized for N load-test clients on this one box, the standard suite of
# issue 8 against it, and a full teardown.
#
#   loadtest/cluster-scale.sh --clients N [--servers K] [--duration 120s] [--results DIR]
#                             [--skip-suite connect,chat,mixed] [options below]
#
# What it brings up (all on 127.0.0.1, nothing installed), with ./cluster in run/scale/ (see
# loadtest/lib/script-cluster.sh; the exact command is in DIR/cluster.log):
#   - ceil(N/18000) chat servers (at least 2 when the chat part runs), node1..nodeK on ports
#     18001.., each with --max-connections 19500 (one JVM holds at most ~19,990 sockets here:
#     20,000 open files), --proxy-protocol, its own metrics port (18101..), --db-pool-size
#     min(8, 64/K) (MariaDB's max_connections, 151, is shared), a fresh MariaDB database
#     `loomchat_scale` (dropped first and at the end) and one Redis prefix per run
#     (`scale-<time>:`, its keys deleted at the end).
#   - nginx on port 18000, rendered from nginx/loomchat.conf by nginx/render-conf
#     with worker_processes ceil(N/9000)+1 and worker_connections 19500 (one worker holds
#     ~9,990 proxied clients, 2 fds each, under the 20,000-file limit nginx cannot raise here),
#     and proxy_bind over 4 source addresses 127.0.1.1-4. Why proxy_bind although every server
#     has its own port (a pair of addresses of its own, ~28,000 ports): the load generator on
#     this same box binds its sockets to 127.0.0.2-200 itself, and Linux's connect() skips every
#     port number bound that way, for every destination. Measured here: after 18,000 such binds
#     (10,186 port numbers), plain connect() to one server address failed with EADDRNOTAVAIL at
#     17,321; with two bound source addresses (IP_BIND_ADDRESS_NO_PORT, as nginx's proxy_bind)
#     19,000 connected. At 100,000 clients the binds cover every port of one parity, leaving
#     ~14,000 per (nginx address, server) pair, below the ~16,700 each server gets.
#   - for the chat comparison, two more small nginx (same template, one worker each: ./cluster
#     --extra-nginx) on 18098 -> node1 and 18099 -> node2, so that pairs can be put on one server
#     or across two while still going through nginx (the servers refuse clients without the
#     PROXY header).
#   - sysctls, where permitted (each one is tried and the outcome logged; old values are
#     restored on exit): net.ipv4.ip_local_port_range 20000 65535, net.core.somaxconn 8192,
#     net.ipv4.tcp_max_syn_backlog 8192, net.core.netdev_max_backlog 4096.
#
# The suite (each part writes a report directory: report.json, report.md, PNG charts):
#   connect  N clients through nginx, ramped, held --duration with 30 s heartbeats, 0 drops.
#            While it holds, every server's VmRSS (/proc/PID/status) and its metrics are
#            sampled every 5 s (samples.tsv); the last sample with all clients logged in is
#            the RSS at the end of the hold (rss-hold-end.tsv).
#   chat     one-to-one chat, --chat-pairs pairs, closed loop, same-server (both partners
#            through 18098) and cross-server (one through 18098, one through 18099: via Redis),
#            --chat-rounds times each, alternating.
#   mixed    `loadtest mixed` with N clients through nginx for --mixed-duration.
#   failover (last: it kills node1) min(N, 19000) clients in one load process (the kill is one
#            event) through a fourth nginx on 18097 whose upstream weighs node1 --failover-weight
#            times the others (least_conn per unit of weight), so that most of them are on node1:
#            --failover-pairs pairs chat at one message per second per pair, the rest are idle.
#            After 10 s of chat, node1 gets kill -9; the report gives the time until every dropped
#            client is back through nginx (with its resume token), and the chat latency between
#            clients the kill did not drop ("undisturbed").
#
# Options:
#   --clients N          clients for connect and mixed (default 2000)
#   --servers K          override the number of servers
#   --duration D         connect hold (default 120s)
#   --skip-suite LIST    parts to skip, comma-separated: connect, chat, mixed, failover
#   --results DIR        where the logs and reports go (default loadtest/runs/scale-<time>, ignored
#                        by git; never loadtest/results/, which keeps write-ups only)
#   --chat-pairs P       (default 100)   --chat-duration D (default 30s)   --chat-rounds R (default 1)
#   --chat-window W      messages in flight per sender (default 1: latency-bound; 8: throughput-bound)
#   --mixed-duration D   (default 60s)   --mixed-drain D (default 30s: at 100,000 clients the
#                        mixed load can outrun the box, and a late message is late, not lost)
#   --mixed-options "..." more `loadtest mixed` options, e.g. "--chatting-percent 2 --group-percent 0"
#   --failover-options "..." more `loadtest failover` options, e.g. "--no-receipts" (the 2.1 path)
#   --failover-pairs P   (default 500)   --failover-weight W (default 3 x (servers - 1): node1 then
#                        holds 3/4 of the failover's clients)
#   --ramp R             logins started per second, 0 = as fast as --concurrency allows (default 0)
#   --concurrency C      registrations/logins in flight per load-test process (default 64)
#   --processes P        load-test worker JVMs (default ceil(N/15000))
#   --no-wait            do not wait for the box to be quiet (see below)
#   --profile            during each chat run, a 15 s JFR recording (settings=profile) on node1
#                        and node2; their hottest methods and the code paths that own the CPU
#                        samples go to DIR/profile-<run>-nK.txt
# Environment: SERVER_JAVA_OPTS (JVM flags of every server, default below), SERVER_OPTS (extra
# server options), CLUSTER_OPTIONS (more ./cluster start options). The servers run on the box's
# Redis at 127.0.0.1:6379 as it is (./cluster --no-aof-check), under a prefix of the run's own.
#
# Sharing the box: above 5,000 clients the script first waits until no process whose command
# line contains "wt-hot" (another person's CPU benchmarks) has run for 2 minutes, and it logs
# in samples.tsv whether one ran during the suite.
#
# Exit code: 0 when every part passed (0 dropped, 0 lost, 0 duplicated), 1 otherwise.
set -euo pipefail
{ # bash reads this whole block before running it: editing the script during a run is safe
cd "$(dirname "$0")/.."
root=$PWD

say() { echo "cluster-scale: $*" >&2; }
fail() { say "$*"; exit 1; }
usage() { awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0" >&2; exit 2; }
ceil_div() { echo $(( ($1 + $2 - 1) / $2 )); }

# --- options ----------------------------------------------------------------------------------
invocation="loadtest/cluster-scale.sh $*"
clients=2000 servers="" duration=120s skip="" results="" processes=""
failover_pairs=500 failover_weight="" chat_pairs=100 chat_duration=30s chat_rounds=1 chat_window=1 mixed_duration=60s mixed_drain=30s mixed_options="" failover_options="" ramp=0 concurrency=64
profile=false nginx_port=18000 failover_port=18097 first_port=18001 metrics_base=18101 pin_ports=(18098 18099) wait_quiet=true
while [ $# -gt 0 ]; do
    case $1 in
        --clients) clients=${2:?}; shift 2 ;;
        --servers) servers=${2:?}; shift 2 ;;
        --duration) duration=${2:?}; shift 2 ;;
        --skip-suite) skip=${2:?}; shift 2 ;;
        --results) results=${2:?}; shift 2 ;;
        --chat-pairs) chat_pairs=${2:?}; shift 2 ;;
        --chat-duration) chat_duration=${2:?}; shift 2 ;;
        --chat-rounds) chat_rounds=${2:?}; shift 2 ;;
        --chat-window) chat_window=${2:?}; shift 2 ;;
        --mixed-duration) mixed_duration=${2:?}; shift 2 ;;
        --mixed-drain) mixed_drain=${2:?}; shift 2 ;;
        --mixed-options) mixed_options=$2; shift 2 ;;
        --failover-options) failover_options=$2; shift 2 ;;
        --failover-pairs) failover_pairs=${2:?}; shift 2 ;;
        --failover-weight) failover_weight=${2:?}; shift 2 ;;
        --ramp) ramp=${2:?}; shift 2 ;;
        --concurrency) concurrency=${2:?}; shift 2 ;;
        --processes) processes=${2:?}; shift 2 ;;
        --no-wait) wait_quiet=false; shift ;;
        --profile) profile=true; shift ;;
        -h|--help) usage ;;
        *) say "unknown option $1"; usage ;;
    esac
done
[[ $clients =~ ^[1-9][0-9]*$ ]] || fail "--clients needs a positive number"
skipped() { [[ ",$skip," == *",$1,"* ]]; }
servers=${servers:-$(ceil_div "$clients" 18000)}
if ! skipped chat && [ "$servers" -lt 2 ]; then servers=2; fi
if ! skipped failover && [ "$servers" -lt 3 ]; then servers=3; fi
failover_weight=${failover_weight:-$(( 3 * (servers - 1) ))}
failover_clients=$(( clients < 19000 ? clients : 19000 ))
workers=$(( $(ceil_div "$clients" 9000) + 1 ))
processes=${processes:-$(ceil_div "$clients" 15000)}
# MariaDB's max_connections is 151 here and shared: at most 64 of them for all servers, 8 each at most.
db_pool=$(( 64 / servers > 8 ? 8 : (64 / servers < 2 ? 2 : 64 / servers) ))
stamp=$(date -u +%Y%m%d-%H%M%S)
. loadtest/lib/out-dir.sh
results=$(loadtest_out_dir "${results:-loadtest/runs/scale-$stamp}")
prefix="scale-$stamp:"
sources=127.0.0.2-127.0.0.200
binds=(127.0.1.1 127.0.1.2 127.0.1.3 127.0.1.4)
# Lean memory: the serial collector (no concurrent GC threads or remembered sets), a heap that
# starts small and is given back after full GCs, compact object headers (JDK 24+), glibc's
# malloc arenas trimmed every 10 s. C2 stays on (chat throughput).
SERVER_JAVA_OPTS=${SERVER_JAVA_OPTS:--XX:+UseSerialGC -Xms16m -Xmn16m -Xmx1g -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=25 -XX:+UseCompactObjectHeaders -XX:TrimNativeHeapInterval=10000}
SERVER_OPTS=${SERVER_OPTS:-}
# The cluster's run directory, and this script's working files (phase, load-tool output, JFR).
work=$root/run/scale
mkdir -p "$results"
log=$results/suite.log

. scripts/jdk.sh
loomchat_find_jdk
JAVA=$JAVA_HOME/bin/java
JAR=$root/target/loomchat.jar
command -v mariadb >/dev/null || fail "the mariadb client is missing"
command -v redis-cli >/dev/null || fail "redis-cli is missing"
command -v curl >/dev/null || fail "curl is missing"
./loomchat --version >/dev/null   # builds the jar when the sources are newer

note() { echo "$*" | tee -a "$log" >&2; }

# --- waiting for a quiet box ------------------------------------------------------------------
if $wait_quiet && [ "$clients" -gt 5000 ]; then
    say "waiting until no wt-hot process has run for 2 minutes"
    quiet_since=$(date +%s)
    while [ $(( $(date +%s) - quiet_since )) -lt 120 ]; do
        if pgrep -f wt-hot >/dev/null; then quiet_since=$(date +%s); fi
        sleep 2
    done
    say "quiet since $(date -u -d @"$quiet_since" +%H:%M:%S)"
fi

# --- teardown (on any exit) --------------------------------------------------------------------
declare -A old_sysctl=()
server_pids=() loadtest_pid="" sampler_pid=""
nginx_dirs=()
. loadtest/lib/script-cluster.sh

teardown() {
    local status=$?
    set +e
    trap - EXIT INT TERM
    say "tearing down"
    if [ -n "$loadtest_pid" ] && kill -0 "$loadtest_pid" 2>/dev/null; then
        kill -TERM -- "-$loadtest_pid" 2>/dev/null   # its own process group: the worker JVMs too
        sleep 2
        kill -KILL -- "-$loadtest_pid" 2>/dev/null
    fi
    [ -n "$sampler_pid" ] && kill "$sampler_pid" 2>/dev/null
    # Every nginx, then the servers (SIGTERM, SIGKILL after 60 s), then the database.
    stop_script_cluster
    local dir
    # Keep what explains a run: nginx errors, server warnings, GC log tails.
    for dir in "${nginx_dirs[@]}"; do
        if [ -f "$dir/logs/error.log" ]; then
            {
                echo "== $dir/logs/error.log: $(wc -l <"$dir/logs/error.log") lines; by message:"
                sed -E 's/^[0-9\/: ]+\[([a-z]+)\] [0-9#]+: (\*[0-9]+ )?/[\1] /; s/, client: .*//; s/[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+:[0-9]+/ADDR/g' \
                    "$dir/logs/error.log" | sort | uniq -c | sort -rn | head -20
            } >>"$results/nginx-errors.txt"
        fi
    done
    for f in "$work"/node*.log; do
        [ -f "$f" ] || continue
        { echo "== $(basename "$f"): WARN/ERROR lines: $(grep -cE 'WARN|ERROR' "$f")"; grep -E 'WARN|ERROR' "$f" | head -5; } >>"$results/server-warnings.txt"
        # The cluster's own events (a server gone, state rebuilt, copies put back, outages): when
        # the clean-up after a kill happened is what a failover's timeline turns on.
        { echo "== $(basename "$f")"; grep -E 'Membership|ClusterEvents|Outage|LeaseKeeper' "$f" | head -40; } >>"$results/cluster-events.txt"
    done
    for f in "$work"/gc-node*.log; do
        [ -f "$f" ] || continue
        { echo "== $(basename "$f"): $(grep -c 'Pause' "$f") pauses; last 3:"; grep 'Pause' "$f" | tail -3; } >>"$results/gc-summary.txt"
    done
    local keys
    keys=$(redis-cli -h 127.0.0.1 --scan --pattern "$prefix*" | wc -l)
    redis-cli -h 127.0.0.1 --scan --pattern "$prefix*" | xargs -r -n 500 redis-cli -h 127.0.0.1 del >/dev/null
    say "deleted $keys Redis keys under $prefix"
    local key
    for key in "${!old_sysctl[@]}"; do
        sysctl -q -w "$key=${old_sysctl[$key]}" && say "restored $key = ${old_sysctl[$key]}" \
            || say "could not restore $key to ${old_sysctl[$key]}"
    done
    say "results in $results"
    exit $status
}
trap teardown EXIT
trap 'exit 130' INT TERM

# --- sysctls ----------------------------------------------------------------------------------
set_sysctl() {
    local key=$1 value=$2 old
    old=$(sysctl -n "$key" 2>/dev/null | tr '\t' ' ') || { note "sysctl $key: cannot read"; return 0; }
    if sysctl -q -w "$key=$value" 2>/dev/null; then
        old_sysctl[$key]=$old
        note "sysctl $key: $old -> $value"
    else
        note "sysctl $key: refused (stays $old)"
    fi
}

{
    echo "# cluster-scale run $stamp"
    echo "command: $invocation"
    echo "git: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with uncommitted changes)')"
    echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(uname -r), $("$JAVA" -version 2>&1 | head -1)"
    echo "clients $clients, servers $servers, nginx workers $workers, load-test processes $processes"
    echo "server JVM flags: $SERVER_JAVA_OPTS"
    echo "open-file limit: soft $(ulimit -Sn), hard $(ulimit -Hn)"
    echo "load: $(cat /proc/loadavg)"
} >>"$log"
set_sysctl net.ipv4.ip_local_port_range "20000 65535"
set_sysctl net.core.somaxconn 8192
set_sysctl net.ipv4.tcp_max_syn_backlog 8192
set_sysctl net.core.netdev_max_backlog 4096

# --- the cluster ------------------------------------------------------------------------------
# ./cluster checks every port first, makes the database loomchat_scale afresh (the name comes
# from the run directory, run/scale), starts node1 alone (it creates the schema), then the
# others together, then nginx; teardown stops all of it and drops the database.
server_options="--channel-prefix $prefix --max-connections 19500 --password-iterations 1000 \
--max-requests-per-second 0 --db-pool-size $db_pool${SERVER_OPTS:+ $SERVER_OPTS}"
bind_options=()
for address in "${binds[@]}"; do bind_options+=(--proxy-bind "$address"); done
cluster=(--servers "$servers" --port "$nginx_port" --first-server-port "$first_port" --no-web --no-aof-check
    --metrics-first-port "$metrics_base" --server-options "$server_options"
    --nginx-options "--workers $workers --worker-connections 19500 ${bind_options[*]}"
    # node1 also tracks its native memory (NMT summary), read in the middle of the hold.
    --node-java-opts node1 -XX:NativeMemoryTracking=summary)
for ((k = 1; k <= servers; k++)); do
    cluster+=(--node-java-opts "node$k" "-Xlog:gc:file=$work/gc-node$k.log:uptime")
done
if ! skipped chat; then
    cluster+=(--extra-nginx "pin1 ${pin_ports[0]} node1 --workers 1 --worker-connections 19500"
        --extra-nginx "pin2 ${pin_ports[1]} node2 --workers 1 --worker-connections 19500")
fi
if ! skipped failover; then
    weighted=node1@$failover_weight
    for ((k = 2; k <= servers; k++)); do weighted+=,node$k; done
    cluster+=(--extra-nginx "failover $failover_port $weighted --workers 3 --worker-connections 19500 ${bind_options[*]}")
fi
LOOMCHAT_JAVA_OPTS=$SERVER_JAVA_OPTS start_script_cluster scale "$results/cluster.log" "${cluster[@]}"
note "cluster: LOOMCHAT_JAVA_OPTS=\"$SERVER_JAVA_OPTS\" $CLUSTER_COMMAND"
node1_command=$(script_cluster_command node1)
note "server options: ${node1_command#* server }"
IFS=, read -r -a server_pids <<<"$(script_cluster_pids)"
note "servers: ${server_pids[*]} on 127.0.0.1:$first_port..$((first_port + servers - 1))"
for dir in "$work" "$work"/nginx-pin1 "$work"/nginx-pin2 "$work"/nginx-failover; do
    [ ! -f "$dir/nginx.pid" ] || nginx_dirs+=("$dir")
done
note "nginx: $workers workers on $nginx_port, proxy_bind ${binds[*]}; worker open-file limit: $(awk '/Max open files/ {print $4}' /proc/"$(pgrep -P "$(cat "$work/nginx.pid")" | head -1)"/limits)"
sleep 3   # the servers' metrics settle (idle RSS below)

# --- sampling ---------------------------------------------------------------------------------
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
metric() {  # port, name: the value of an unlabelled-or-labelled Prometheus sample, 0 when absent
    curl -s -m 2 "http://127.0.0.1:$1/metrics" |
        awk -v name="$2" '{ key = $1; sub(/\{.*/, "", key) } key == name { printf "%d", $2; found = 1; exit } END { if (!found) printf "0" }' || true
}
cpu_ticks() {  # summed utime+stime of the given pids
    local total=0 pid
    for pid in "$@"; do
        [ -r "/proc/$pid/stat" ] || continue
        total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
    done
    echo $total
}
ticks_split() {  # "user system" ticks summed over the given pids
    local user=0 system=0 pid u st
    for pid in "$@"; do
        [ -r "/proc/$pid/stat" ] || continue
        read -r u st < <(awk '{print $14, $15}' "/proc/$pid/stat" 2>/dev/null) || continue
        user=$((user + u)) system=$((system + st))
    done
    echo "$user $system"
}
# User and kernel CPU time apart, per group (cpu-split.tsv): on loopback most of it is kernel.
split_sample() {
    local phase; phase=$(cat "$work/phase" 2>/dev/null || echo idle)
    local nginx_pids=() dir pid group lt=()
    for dir in "${nginx_dirs[@]}"; do
        pid=$(cat "$dir/nginx.pid" 2>/dev/null) || continue
        nginx_pids+=("$pid" $(pgrep -P "$pid"))
    done
    group=$(cat "$work/loadtest.pid" 2>/dev/null || true)
    if [ -n "$group" ]; then lt=($(pgrep -g "$group" 2>/dev/null)); fi
    echo "$(date -u +%H:%M:%S) $phase $(ticks_split "${server_pids[@]}") $(ticks_split "${nginx_pids[@]}") $(ticks_split "${lt[@]}") $(ticks_split $(pgrep -x redis-server)) $(ticks_split $(pgrep -x mariadbd))" | tr ' ' '\t'
}
sample_header() {
    local h="time phase load1 wt_hot servers_rss_kb servers_connections servers_online nginx_rss_kb cpu_servers cpu_nginx cpu_loadtest cpu_mariadb cpu_redis"
    for ((k = 1; k <= servers; k++)); do h+=" n${k}_rss_kb n${k}_conn n${k}_online"; done
    echo "$h" | tr ' ' '\t'
}
sample() {
    local phase; phase=$(cat "$work/phase" 2>/dev/null || echo idle)
    local row="$(date -u +%H:%M:%S) $phase $(cut -d' ' -f1 /proc/loadavg) $(pgrep -f wt-hot | wc -l)"
    local total=0 conns=0 online=0 per="" k r c o
    for ((k = 1; k <= servers; k++)); do
        r=$(rss_kb "${server_pids[$k - 1]}")
        c=$(metric $((metrics_base + k - 1)) loomchat_connections)
        o=$(metric $((metrics_base + k - 1)) loomchat_users_online)
        total=$((total + r)) conns=$((conns + c)) online=$((online + o))
        per+=" $r $c $o"
    done
    local nginx_pids=() dir ngx=0 pid
    for dir in "${nginx_dirs[@]}"; do
        pid=$(cat "$dir/nginx.pid" 2>/dev/null) || continue
        nginx_pids+=("$pid" $(pgrep -P "$pid"))
    done
    for pid in "${nginx_pids[@]}"; do ngx=$((ngx + $(rss_kb "$pid"))); done
    local lt=() group
    group=$(cat "$work/loadtest.pid" 2>/dev/null || true)
    if [ -n "$group" ]; then lt=($(pgrep -g "$group" 2>/dev/null)); fi
    row+=" $total $conns $online $ngx $(cpu_ticks "${server_pids[@]}") $(cpu_ticks "${nginx_pids[@]}") $(cpu_ticks "${lt[@]}")"
    row+=" $(cpu_ticks $(pgrep -x mariadbd)) $(cpu_ticks $(pgrep -x redis-server))$per"
    echo "$row" | tr ' ' '\t'
}
echo idle >"$work/phase"
sample_header >"$results/samples.tsv"
echo -e "time\tphase\tservers_user\tservers_sys\tnginx_user\tnginx_sys\tloadtest_user\tloadtest_sys\tredis_user\tredis_sys\tmariadb_user\tmariadb_sys" >"$results/cpu-split.tsv"
sample >>"$results/samples.tsv" || true   # (|| true: a probe that fails must not end the run)
idle_rss=$(tail -1 "$results/samples.tsv" | cut -f5)
note "servers' RSS before any client: $idle_rss KB in all ($((idle_rss / servers)) KB each)"
seconds_of() {  # 120s, 2m, 90 -> seconds
    case $1 in *m) echo $(( ${1%m} * 60 )) ;; *s) echo "${1%s}" ;; *) echo "$1" ;; esac
}
hold_seconds=$(seconds_of "$duration")
# In the middle of the connect hold, once: node1's heap by class and its native memory.
inspect_node1() {
    local pid=${server_pids[0]}
    {
        echo "# node1 (pid $pid) in the middle of the hold, $(date -u +%H:%M:%S)"
        grep -E '^(VmRSS|RssAnon|RssFile|RssShmem|VmHWM)' "/proc/$pid/status"
        "$JAVA_HOME/bin/jcmd" "$pid" GC.heap_info | tail -n +2
        "$JAVA_HOME/bin/jcmd" "$pid" VM.native_memory summary | grep -E '^-|^Total' | sed -E 's/\(reserved=[0-9]+KB, //; s/\)$//'
        "$JAVA_HOME/bin/jcmd" "$pid" GC.class_histogram -all | head -n 28
    } >"$results/node1-inspect.txt" 2>&1
}
(
    set +e   # a failed probe must not end the sampling
    trap 'exit 0' TERM
    n=0 all_in="" inspected=false
    while true; do
        sleep 5
        sample >>"$results/samples.tsv"
        split_sample >>"$results/cpu-split.tsv"
        if ! $inspected && [ "$(tail -1 "$results/samples.tsv" | cut -f2)" = connect ]; then
            if [ -z "$all_in" ] && [ "$(tail -1 "$results/samples.tsv" | cut -f7)" -ge "$clients" ]; then
                all_in=$(date +%s)
            fi
            if [ -n "$all_in" ] && [ $(( $(date +%s) - all_in )) -ge $(( hold_seconds / 2 )) ]; then
                inspect_node1
                inspected=true
            fi
        fi
        if [ $((n++ % 3)) = 0 ]; then
            { echo "== $(date -u +%H:%M:%S) $(cat "$work/phase" 2>/dev/null)"; top -b -n 1 -w 160 | head -22; } >>"$results/top.log"
        fi
    done
) 2>"$work/sampler.err" &
sampler_pid=$!

# --- the suite --------------------------------------------------------------------------------
# JFR on node1 and node2 from 5 s into a run, for 15 s (the chat phase, after the logins).
profile_start() {
    local name=$1 k
    sleep 5
    for k in 1 2; do
        "$JAVA_HOME/bin/jcmd" "${server_pids[$k - 1]}" JFR.start name=scale duration=15s settings=profile \
            filename="$work/$name-n$k.jfr" >/dev/null 2>&1
    done
}
# Per node: the hottest methods, and the CPU samples by the first frame of our own code (or of
# the library it is in), which names the code path that costs the time.
profile_report() {
    local name=$1 k file
    for k in 1 2; do
        file=$work/$name-n$k.jfr
        [ -s "$file" ] || continue
        {
            echo "# $name, node n$k: JFR (settings=profile), 15 s of the chat phase"
            "$JAVA_HOME/bin/jfr" view --width 160 hot-methods "$file" 2>&1 | head -30
            echo
            echo "CPU samples by the first frame in io.loomchat / redis.clients / com.fasterxml / jdk.internal.vm / sun.nio (top of stack first):"
            "$JAVA_HOME/bin/jfr" print --events jdk.ExecutionSample --stack-depth 64 "$file" | awk '
                /jdk.ExecutionSample/ { if (n) { count[first]++ }; n = 1; first = ""; next }
                /line:/ && first == "" && ($1 ~ /^(io\.loomchat|redis\.clients|com\.fasterxml|org\.apache\.commons\.pool2)/) { first = $1; sub(/\(.*/, "", first) }
                END { if (n) count[first]++; for (f in count) { total += count[f] } for (f in count) printf "%6d %5.1f%% %s\n", count[f], 100 * count[f] / total, (f == "" ? "(JDK/JVM only: scheduler, sockets, GC)" : f) }' |
                sort -rn | head -25
            echo
            echo "Blocking socket reads recorded by JFR (jdk.SocketRead), by what waited:"
            "$JAVA_HOME/bin/jfr" print --events jdk.SocketRead --stack-depth 40 "$file" | awk '
                /jdk.SocketRead/ { if (n) { count[kind]++; sum[kind] += ms }; n = 1; kind = "chat client socket"; ms = 0; next }
                /duration =/ { ms = $3; if ($4 == "s") ms *= 1000; else if ($4 != "ms") ms /= 1000 }
                /PubSub/ { kind = "Redis subscriber (messages from other servers)" }
                /RedisInputStream/ && kind == "chat client socket" { kind = "Redis command reply (pooled connection)" }
                END { if (n) { count[kind]++; sum[kind] += ms }
                      for (k in count) printf "%7d reads, %9.0f ms in all, %6.2f ms each: %s\n", count[k], sum[k], sum[k] / count[k], k }' |
                sort -rn
        } >"$results/profile-$name-n$k.txt"
    done
}

failures=0
run_loadtest() {  # name, loadtest arguments...
    local name=$1
    shift
    echo "$name" >"$work/phase"
    note ""
    note "== $name: $(date -u +%H:%M:%S), load $(cut -d' ' -f1-3 /proc/loadavg)"
    note "java -jar target/loomchat.jar loadtest $* --report $results/$name"
    rm -rf "${results:?}/$name"
    setsid "$JAVA" -jar "$JAR" loadtest "$@" --report "$results/$name" >"$work/$name.out" 2>"$work/$name.err" &
    loadtest_pid=$!
    local profiler=""
    if $profile && [[ $name == chat* ]]; then
        profile_start "$name" &
        profiler=$!
    fi
    echo "$loadtest_pid" >"$work/loadtest.pid"
    local status=0
    wait "$loadtest_pid" || status=$?
    loadtest_pid=""
    rm -f "$work/loadtest.pid"
    if [ -n "$profiler" ]; then
        wait "$profiler" || true
        sleep 1
        profile_report "$name" || true   # (a head closing a pipe must not end the run)
    fi
    cat "$work/$name.out" >>"$log"
    # The progress line rewrites itself with \r: keep only other stderr lines.
    tr '\r' '\n' <"$work/$name.err" | grep -vE '^\s*$|^(connect|register|login|hold|chat|groups|drain|starting|waiting)' | tail -20 >>"$log" || true
    note "exit status $status"
    [ "$status" = 0 ] || failures=$((failures + 1))
    echo "between" >"$work/phase"
    return 0
}

common=(--server-rate-limit 0 --sources "$sources")
if ! skipped connect; then
    run_loadtest connect connect --port "$nginx_port" --users "$clients" --processes "$processes" \
        --duration "$duration" --heartbeat 30s --ramp "$ramp" --concurrency "$concurrency" "${common[@]}"
    # RSS at the end of the hold: the last sample of the connect phase with the most users online.
    awk -F'\t' -v servers="$servers" 'NR > 1 && $2 == "connect" && $7 + 0 >= best { best = $7 + 0; row = $0 }
        END { print row }' "$results/samples.tsv" >"$work/hold-end.row"
    {
        echo -e "node\trss_kb\tconnections\tonline\trss_per_connection_kb"
        awk -F'\t' -v servers="$servers" '{
            for (k = 1; k <= servers; k++) {
                r = $(13 + 3 * k - 2); c = $(13 + 3 * k - 1); o = $(13 + 3 * k)
                printf "n%d\t%d\t%d\t%d\t%.2f\n", k, r, c, o, (c > 0 ? r / c : 0)
            }
            printf "all (%s)\t%d\t%d\t%d\t%.2f\n", $1, $5, $6, $7, ($6 > 0 ? $5 / $6 : 0)
        }' "$work/hold-end.row"
    } >"$results/rss-hold-end.tsv"
    held=$(cut -f6 "$work/hold-end.row")
    total=$(cut -f5 "$work/hold-end.row")
    note "RSS at the end of the hold: $total KB for $held connections: $(awk -v t="$total" -v c="$held" 'BEGIN {printf "%.2f", c ? t / c : 0}') KB per connection in all, $(awk -v t="$total" -v i="$idle_rss" -v c="$held" 'BEGIN {printf "%.2f", c ? (t - i) / c : 0}') KB above the idle servers"
    cat "$results/rss-hold-end.tsv" >>"$log"
fi
if ! skipped chat; then
    pins="127.0.0.1:${pin_ports[0]},127.0.0.1:${pin_ports[1]}"
    for ((round = 1; round <= chat_rounds; round++)); do
        suffix=$([ "$chat_rounds" = 1 ] && echo "" || echo "-$round")
        # Same server: pair k on target k mod 2, both partners on one server (through its nginx).
        run_loadtest "chat-same$suffix" chat --target "$pins" --pairs "$chat_pairs" --window "$chat_window" --duration "$chat_duration" "${common[@]}"
        # Cross-server: the partners on two servers, every message through Redis.
        run_loadtest "chat-cross$suffix" chat --target "$pins" --cross-server --pairs "$chat_pairs" --window "$chat_window" --duration "$chat_duration" "${common[@]}"
    done
fi
if ! skipped mixed; then
    run_loadtest mixed mixed --port "$nginx_port" --users "$clients" --processes "$processes" \
        --duration "$mixed_duration" --drain "$mixed_drain" --heartbeat 30s --ramp "$ramp" --concurrency "$concurrency" \
        $mixed_options "${common[@]}"
fi
if ! skipped failover; then
    idle_users=$(( failover_clients - 2 * failover_pairs ))
    [ "$idle_users" -ge 0 ] || fail "--failover-pairs $failover_pairs needs more than $failover_clients clients"
    note "failover: node1 (pid ${server_pids[0]}) weighs $failover_weight against 1 for each of the $((servers - 1)) others"
    run_loadtest failover failover --port "$failover_port" --pairs "$failover_pairs" --idle-users "$idle_users" \
        --rate "$failover_pairs" --kill-pid "${server_pids[0]}" --kill-after 10s --recovery-timeout 180s \
        --duration 60s --drain 30s --heartbeat 30s --ramp "$ramp" --concurrency "$concurrency" \
        $failover_options "${common[@]}"
fi
sleep 5   # one more sample after the suite
note ""
note "wt-hot processes seen during the suite: $(awk -F'\t' 'NR > 1 && $4 > 0' "$results/samples.tsv" | wc -l) of $(($(wc -l <"$results/samples.tsv") - 1)) samples"
note "failed parts: $failures"
[ "$failures" = 0 ]
exit
}
