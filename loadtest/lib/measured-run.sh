# Sourced by hot-path.sh and versus-peer.sh: one load-test run against one server, reported as
# one line of $OUT/summary.txt: the tool's msgs/s and latency, and the CPU the server and the load
# generator spent per delivered message over the middle 10 s (utime+stime from /proc), since on
# this box both share the cores. The caller sets OUT, SECONDS_EACH and JAVA_HOME.
#
#   measured_run NAME SERVER_PID PORT loadtest-arguments...

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }

measured_run() {
    local name=$1 server=$2 port=$3
    shift 3
    local args=(loadtest "$@" --port "$port" --server-rate-limit 0 --duration "${SECONDS_EACH}s")
    "$JAVA_HOME/bin/java" -jar target/loomchat.jar "${args[@]}" --report "$OUT/$name" >"$OUT/$name.log" 2>&1 &
    local load=$! half=$((SECONDS_EACH / 2))
    sleep $((half > 5 ? half - 5 : 1))
    local s0 l0 s1 l1 load_avg
    s0=$(cpu_ticks "$server"); l0=$(cpu_ticks $load)
    sleep 10
    s1=$(cpu_ticks "$server"); l1=$(cpu_ticks $load); load_avg=$(cut -d' ' -f1 /proc/loadavg)
    wait $load || true
    local rate latency
    # A server that died mid-run (the C++ peer does) leaves no such lines: the run reads 0.
    rate=$(grep -E '^  delivered ' "$OUT/$name.log" | sed -E 's/.*\(([0-9,]+)\/s\).*/\1/' | tr -d , || true)
    latency=$(grep -E '^  delivery latency' "$OUT/$name.log" | sed -E 's/^  delivery latency +//' || true)
    # ticks are 10 ms and the window 10 s: ticks * 1000 / (msgs/s) is us per message.
    printf '%-26s %8s msgs/s  %s  server %s us/msg, load tool %s us/msg, load %s\n    java -jar target/loomchat.jar %s\n' \
        "$name" "$rate" "$latency" \
        "$(awk -v t=$((s1 - s0)) -v r="${rate:-0}" 'BEGIN { printf "%.1f", r ? t * 1000 / r : 0 }')" \
        "$(awk -v t=$((l1 - l0)) -v r="${rate:-0}" 'BEGIN { printf "%.1f", r ? t * 1000 / r : 0 }')" \
        "$load_avg" "${args[*]}" | tee -a "$OUT/summary.txt"
}
