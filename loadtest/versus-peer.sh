#!/usr/bin/env bash
# LoomChat beside the classic C++ server (muduo, ../shared/peer/), in one sitting on this box:
# both servers run side by side, and each round drives one and then the other with the same
# load test, so that the box's noise falls on both alike. Per run: msgs/s and latency from the
# tool, and the CPU the server spent per delivered message (utime+stime from /proc over the
# middle 10 s); the load generator shares the two cores, so CPU per message is the steady figure.
#
#   loadtest/versus-peer.sh OUT_DIR [ROUNDS] [SECONDS]
#
# PEER: the peer's install prefix (build.sh's PREFIX; default /work/peer), with bin/ChatServer
# and MariaDB's `chat` database. CASES (default "one-to-one modern"): which loads to run;
# "modern" adds LoomChat alone in its modern dialect, receipts off and on (the peer has no such
# dialect). BASELINE_JAR: a jar of another build (e.g. made from `git archive <commit>` under
# loadtest/runs/), started without history on PORT+2; every one-to-one round then drives it too
# ("baseline"), and so does every modern round, so that a change is measured against the build before it in the same sitting.
# HISTORY=0 leaves out the server with history (for an A/B of one change). "group" runs LoomChat's group fan-out alone: the peer answers no group creation, so
# the tool cannot form its groups. PORT (LoomChat, default 7700), PEER_PORT (default 6100), PEER_TRIES (runs of the peer per figure when it dies, default 3), LOOMCHAT_JAVA_OPTS (passed
# to the launcher).
set -euo pipefail
cd "$(dirname "$0")/.."
. loadtest/lib/out-dir.sh
OUT=$(loadtest_out_dir "${1:?usage: $0 OUT_DIR [ROUNDS] [SECONDS]}")
ROUNDS=${2:-3}
SECONDS_EACH=${3:-20}
PORT=${PORT:-7700}
PEER=${PEER:-/work/peer}
PEER_PORT=${PEER_PORT:-6100}
CASES=${CASES:-one-to-one modern}
MYSQL=${MYSQL:-mariadb -uroot -h127.0.0.1}
[ -x "$PEER/bin/ChatServer" ] || { echo "no $PEER/bin/ChatServer: build it with ../shared/peer/build.sh (PREFIX=$PEER)" >&2; exit 1; }
. scripts/jdk.sh
loomchat_find_jdk
mkdir -p "$OUT"

# Two LoomChat servers: one without history, as the peer keeps none (the like-for-like figure),
# and one as shipped, which writes every message to its embedded history as well.
SERVER_OPTS="--password-iterations 1000 --max-requests-per-second 0"
. loadtest/lib/launcher-server.sh
start_launcher_server "$OUT/loomchat-history.log" "$((PORT + 1))" $SERVER_OPTS
HISTORY_SERVER=$SERVER HISTORY_LAUNCHER=$LAUNCHER HISTORY_WORK=$LAUNCHER_WORK
start_launcher_server "$OUT/loomchat.log" "$PORT" $SERVER_OPTS --history-retention 0d
LOOMCHAT=$SERVER
BASELINE=
if [ -n "${BASELINE_JAR:-}" ]; then
    . loadtest/lib/baseline-server.sh
    start_baseline_server "$BASELINE_JAR" "$OUT/baseline.log" "$((PORT + 2))" $SERVER_OPTS --history-retention 0d >"$OUT/baseline.txt"
fi

# The peer aborts when many clients disconnect at once (../shared/peer/README.md), as every run
# ends: each run gets a fresh one, its users marked offline first as a restart needs.
PEER_PID=
start_peer() {
    $MYSQL -e "UPDATE chat.user SET state='offline'"
    "$PEER/bin/ChatServer" 127.0.0.1 "$PEER_PORT" >>"$OUT/peer.log" 2>&1 &
    PEER_PID=$!
    for _ in $(seq 1 50); do
        ss -Hltn "( sport = :$PEER_PORT )" | grep -q . && return
        sleep 0.1
    done
    echo "the peer did not start; see $OUT/peer.log" >&2
    exit 1
}
stop_peer() {
    kill "$PEER_PID" 2>/dev/null || true
    wait "$PEER_PID" 2>/dev/null || true
}
trap 'stop_peer; kill $LAUNCHER $HISTORY_LAUNCHER $BASELINE 2>/dev/null; wait 2>/dev/null; rm -rf "$LAUNCHER_WORK" "$HISTORY_WORK" "${BASELINE_WORK:-}"' EXIT
trap 'exit 1' INT TERM

{
    echo "# LoomChat beside the C++ peer, $(date -u +%FT%TZ), git $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with uncommitted changes)')"
    echo "loomchat: ./loomchat server --port $PORT $SERVER_OPTS --history-retention 0d"
    echo "loomchat-history: ./loomchat server --port $((PORT + 1)) $SERVER_OPTS (history kept, as shipped)"
    echo "loomchat JVM: $(tr '\0' ' ' <"/proc/$LOOMCHAT/cmdline")"
    echo "peer: $PEER/bin/ChatServer 127.0.0.1 $PEER_PORT (muduo, 4 I/O threads)"
    echo "machine: $(nproc) cores, $(uname -r)"
    cat "$OUT/baseline.txt" 2>/dev/null || true
} | tee "$OUT/summary.txt"

# The classic dialect (\0 framing, no ACK) is the only one the peer speaks; one message in flight
# per sender, as the peer needs (it cannot split two JSON objects out of one read).
. loadtest/lib/measured-run.sh

# The stock peer aborts now and then in the login burst at the start of a run (../shared/peer/
# README: concurrent logins and disconnects), which leaves that round without its figure: four
# runs of ten in one sitting. A run whose peer died is said so in the summary and run again on a
# fresh peer, three tries at most; the figure kept is that of the run that ended with the peer alive.
PEER_TRIES=${PEER_TRIES:-3}
peer_run() {  # name, loadtest arguments...
    local name=$1 try
    shift
    for try in $(seq 1 "$PEER_TRIES"); do
        start_peer
        measured_run "$name" "$PEER_PID" "$PEER_PORT" "$@"
        if kill -0 "$PEER_PID" 2>/dev/null; then
            stop_peer
            return
        fi
        stop_peer
        echo "    ^ the peer died during this run (try $try of $PEER_TRIES)" | tee -a "$OUT/summary.txt"
    done
}

measured_run warm-up-loomchat "$LOOMCHAT" "$PORT" chat --framing classic --pairs 100
[ "${HISTORY:-1}" = 0 ] || measured_run warm-up-loomchat-history "$HISTORY_SERVER" "$((PORT + 1))" chat --framing classic --pairs 100
[ -z "$BASELINE" ] || measured_run warm-up-baseline "$BASELINE" "$((PORT + 2))" chat --framing classic --pairs 100
peer_run warm-up-peer chat --framing classic --pairs 100
for round in $(seq 1 "$ROUNDS"); do
    for case in $CASES; do
        case $case in
            one-to-one)
                peer_run "pairs100-peer-$round" chat --framing classic --pairs 100
                measured_run "pairs100-loomchat-$round" "$LOOMCHAT" "$PORT" chat --framing classic --pairs 100
                [ "${HISTORY:-1}" = 0 ] || measured_run "pairs100-loomchat-history-$round" "$HISTORY_SERVER" "$((PORT + 1))" chat --framing classic --pairs 100
                if [ -n "$BASELINE" ]; then
                    measured_run "pairs100-baseline-$round" "$BASELINE" "$((PORT + 2))" chat --framing classic --pairs 100
                fi
                ;;
            group)
                measured_run "group-loomchat-$round" "$LOOMCHAT" "$PORT" group --framing classic --users 200 --group-size 20
                ;;
            modern)
                measured_run "pairs100-modern-$round" "$LOOMCHAT" "$PORT" chat --pairs 100 --no-receipts
                [ -z "$BASELINE" ] || measured_run "pairs100-modern-baseline-$round" "$BASELINE" "$((PORT + 2))" chat --pairs 100 --no-receipts
                measured_run "pairs100-receipts-$round" "$LOOMCHAT" "$PORT" chat --pairs 100
                [ -z "$BASELINE" ] || measured_run "pairs100-receipts-baseline-$round" "$BASELINE" "$((PORT + 2))" chat --pairs 100
                ;;
        esac
    done
done
