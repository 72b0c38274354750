#!/usr/bin/env bash
# The least Redis CPU a forward can cost (issue 14): the FORWARD script of RedisScripts.java, as
# the servers run it, sent by redis-benchmark in deep pipelines to a private Redis, one subscriber
# reading the channel. A loaded cluster batches its forwards (ScriptPipeline), so Redis's CPU per
# message falls as the traffic grows; this is where that fall ends, the figure to extrapolate a
# saturated Redis from. loadtest/redis-cpu.sh gives the cost at the batch sizes a real run makes.
#
#   loadtest/redis-cpu-floor.sh OUT_DIR
#
# Cases: one recipient (a one-to-one message) with receipts on (the copy kept) and off, and ten
# recipients on one other server (the cross-server half of a group of 20 on two servers), on and
# off. Environment: REDIS_PORT (default 6393), REQUESTS (default 200000), PIPELINE (default 64).
set -euo pipefail
cd "$(dirname "$0")/.."
. loadtest/lib/out-dir.sh
OUT=$(loadtest_out_dir "${1:?usage: $0 OUT_DIR}")
REDIS_PORT=${REDIS_PORT:-6393}
REQUESTS=${REQUESTS:-200000}
PIPELINE=${PIPELINE:-64}
mkdir -p "$OUT"
work=$(mktemp -d /tmp/loomchat-redis-floor.XXXXXX)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
rcli() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# The script's text exactly as the servers send it: the Java text block between FORWARD's
# opening and closing quotes, its "\\" turned back into "\" (Java's escape for the Lua '\n').
script=$(awk '/static final Script FORWARD = new Script\("""/ { on = 1; next } on && /^ *"""\);/ { exit } on' \
    src/main/java/io/loomchat/cluster/RedisScripts.java | sed -E 's/^ {12}//; s/\\\\/\\/g')

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$work" --appendonly yes --save "" >"$work/redis.log" 2>&1 &
REDIS_PID=$!
pids+=("$REDIS_PID")
for _ in $(seq 1 50); do rcli ping >/dev/null 2>&1 && break; sleep 0.1; done
sha=$(rcli script load "$script")
# The receiving server: a subscriber that reads and throws away, as the real one reads and delivers.
rcli subscribe f:to:b >/dev/null 2>&1 &
pids+=($!)
# Ten users held by server b, each with its receipts session there (so that "on" keeps a copy).
for id in $(seq 1 10); do rcli mset "f:user:$id" b "f:receipts:$id" b >/dev/null; done
frame='{"msgid":6,"mid":123456789,"from":1,"to":2,"text":"0123456789012345678901234567890123456789012345678901234567890123"}'

{
    echo "# Redis CPU floor of the FORWARD script, $(date -u +%FT%TZ), git $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with uncommitted changes)')"
    echo "machine: $(nproc) cores; $(redis-server --version | cut -d' ' -f1-3); appendonly yes; $REQUESTS requests, pipeline $PIPELINE, 1 client"
    echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/summary.txt"

# name, recipients, mid ("" = receipts off, as for a frame with nothing to keep).
case_() {
    local name=$1 n=$2 mid=$3 keys=() ids=() i
    for i in $(seq 1 "$n"); do keys+=("f:user:$i"); ids+=("$i"); done
    for i in $(seq 1 "$n"); do keys+=("f:receipts:$i"); done
    for i in $(seq 1 "$n"); do keys+=("f:inbox:$i"); done
    rcli config resetstat >/dev/null
    local r0 r1
    r0=$(ticks "$REDIS_PID")
    redis-benchmark -h 127.0.0.1 -p "$REDIS_PORT" -c 1 -P "$PIPELINE" -n "$REQUESTS" -q \
        evalsha "$sha" $((3 * n)) "${keys[@]}" f:to: "C 6 123456789 " "$frame" "$mid" "${ids[@]}" \
        2>&1 | tr '\r' '\n' | grep -v '^$' | tail -1 | sed -E 's/.*: ([0-9.]+ requests per second)/\1/' >"$OUT/$name.benchmark"
    r1=$(ticks "$REDIS_PID")
    rcli info commandstats >"$OUT/$name.commandstats"
    # Copies kept by "on" would grow the inboxes without end; start each case from empty ones.
    for i in $(seq 1 "$n"); do rcli del "f:inbox:$i" >/dev/null; done
    printf '%-16s %3d recipient(s)  %6.2f us of Redis CPU per script run  (%s ticks for %s runs; %s)  load %s\n' \
        "$name" "$n" "$(awk -v t=$((r1 - r0)) -v n="$REQUESTS" 'BEGIN { printf "%.2f", t * 10000 / n }')" \
        $((r1 - r0)) "$REQUESTS" "$(cat "$OUT/$name.benchmark")" "$(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/summary.txt"
}

for round in 1 2; do
    case_ "one-off-$round" 1 ""
    case_ "one-on-$round" 1 123456789
    case_ "ten-off-$round" 10 ""
    case_ "ten-on-$round" 10 123456789
done
echo "script run:" >>"$OUT/summary.txt"
echo "$script" >>"$OUT/summary.txt"
