#!/usr/bin/env bash
# Idle memory of one server: starts `./loomchat server` with the launcher's JVM defaults on a
# fresh embedded database, logs in CLIENTS idle clients (heartbeats every 30 s) from two load
# processes on their own source addresses, and samples the server while they are held: RSS
# (/proc/PID/status), and at the end the live-object histogram's top rows and stack chunks.
#
#   loadtest/idle-memory.sh OUT_DIR [CLIENTS] [HOLD_SECONDS]
#
# CLIENTS defaults to 19,900: this box allows a process 20,000 open files, and the server
# needs a few dozen for itself. Environment: PORT (default 7400), LOOMCHAT_JAVA_OPTS (passed to
# the launcher, whose defaults it overrides), SERVER_OPTS (default: 1,000 PBKDF2 iterations so
# that the logins take seconds, not minutes), SHRINK_GCS (full collections after the histogram's,
# default 0).
set -euo pipefail
cd "$(dirname "$0")/.."
. loadtest/lib/out-dir.sh
OUT=$(loadtest_out_dir "${1:?usage: $0 OUT_DIR [CLIENTS] [HOLD_SECONDS]}")
CLIENTS=${2:-19900}
HOLD=${3:-120}
PORT=${PORT:-7400}
SERVER_OPTS=${SERVER_OPTS:---password-iterations 1000 --max-connections 25000}
. scripts/jdk.sh
loomchat_find_jdk
mkdir -p "$OUT"
. loadtest/lib/launcher-server.sh
start_launcher_server "$OUT/server.log" "$PORT" $SERVER_OPTS
rss() { awk '/VmRSS/ {print $2}' "/proc/$SERVER/status"; }
# The embedded database's files (the server runs in $LAUNCHER_WORK, deleted on exit), in kB.
db_kb() { du -sk "$LAUNCHER_WORK/data" 2>/dev/null | cut -f1; }
echo "server pid $SERVER, JVM: $(tr '\0' ' ' <"/proc/$SERVER/cmdline")" | tee "$OUT/memory.log"
echo "start: RSS $(rss) kB, load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/memory.log"

"$JAVA_HOME/bin/java" -jar target/loomchat.jar loadtest connect --port "$PORT" --users "$CLIENTS" \
    --processes 2 --sources 127.0.0.2-127.0.0.3 --concurrency 50 --duration "${HOLD}s" \
    --report "$OUT/report" >"$OUT/loadtest.log" 2>&1 &
LOAD=$!
# Sample every 10 s until the load test ends: connections established and RSS. Twenty seconds
# before the hold ends, take the live-object histogram (it runs a full GC first, so the RSS
# sampled after it shows what the collector gives back).
HELD_SINCE=
while kill -0 $LOAD 2>/dev/null; do
    sleep 10
    CONNECTED=$(ss -Htn state established "( sport = :$PORT )" | wc -l)
    echo "$(date +%T) connections $CONNECTED RSS $(rss) kB db $(db_kb) kB load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/memory.log"
    if [ "$CONNECTED" -ge "$CLIENTS" ] && [ -z "$HELD_SINCE" ]; then
        HELD_SINCE=$SECONDS
    fi
    if [ -n "$HELD_SINCE" ] && [ ! -f "$OUT/histogram.txt" ] && [ $((SECONDS - HELD_SINCE)) -ge $((HOLD - 20)) ]; then
        "$JAVA_HOME/bin/jcmd" "$SERVER" GC.class_histogram >"$OUT/histogram.txt"
        echo "$(date +%T) after the histogram's full GC: RSS $(rss) kB" | tee -a "$OUT/memory.log"
        # With -XX:NativeMemoryTracking=summary in LOOMCHAT_JAVA_OPTS: where the RSS goes.
        "$JAVA_HOME/bin/jcmd" "$SERVER" VM.native_memory summary >"$OUT/nmt.txt" 2>&1 || true
        # Serial shrinks the old generation only a step per full collection (none at the first,
        # then 10%, 40%, all of the excess): SHRINK_GCS more of them show the RSS the live set
        # needs once the login storm's peak is given back.
        for _ in $(seq 1 "${SHRINK_GCS:-0}"); do
            "$JAVA_HOME/bin/jcmd" "$SERVER" GC.run >/dev/null
            echo "$(date +%T) after another full GC: RSS $(rss) kB" | tee -a "$OUT/memory.log"
        done
    fi
done
wait $LOAD || echo "load test exited $?" | tee -a "$OUT/memory.log"
echo "database files at the end:" >>"$OUT/memory.log"
ls -l "$LAUNCHER_WORK"/data/*.mv.db >>"$OUT/memory.log" 2>/dev/null || true
echo "top of the live heap:" >>"$OUT/memory.log"
head -20 "$OUT/histogram.txt" >>"$OUT/memory.log" 2>/dev/null || true
tail -30 "$OUT/loadtest.log"
