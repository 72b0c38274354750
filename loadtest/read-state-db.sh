#!/usr/bin/env bash
# CONVERSATIONS and FIND_USERS at size on MariaDB (issue 22's second and third figures):
#  1. fills a scratch database through the server's schema (loadtest/ReadStateBench.java fill):
#     USERS users with varied names, and MESSAGES messages of History in the 200 conversations
#     (150 one-to-one, 50 groups) of user "reader", with read marks leaving 0-150 unread each;
#  2. starts one server on it: ./loomchat server --db-url jdbc:mysql://127.0.0.1:3306/DB ...;
#  3. times REQUESTS of each, one at a time, from a client (ReadStateBench.java measure):
#     CONVERSATIONS (limit 50, the default), CONVERSATIONS limit 200 (all of them), FIND_USERS
#     with random 1-3 letter prefixes;
#  4. stops the server and drops the database (also on failure; KEEP_DB=1 keeps it).
#
#   loadtest/read-state-db.sh OUT_DIR [USERS] [MESSAGES] [REQUESTS]
#
# Environment: DB (default loomchat_readstate_bench), PORT (default 7745), SKIP_FILL=1 to reuse a
# database filled before (with KEEP_DB=1).
set -euo pipefail
cd "$(dirname "$0")/.."
. loadtest/lib/out-dir.sh
OUT=$(loadtest_out_dir "${1:?usage: $0 OUT_DIR [USERS] [MESSAGES] [REQUESTS]}")
USERS=${2:-1000000}
MESSAGES=${3:-5000000}
REQUESTS=${4:-2000}
DB=${DB:-loomchat_readstate_bench}
PORT=${PORT:-7745}
. scripts/jdk.sh
loomchat_find_jdk
mkdir -p "$OUT"
bench() { "$JAVA_HOME/bin/java" -cp target/loomchat.jar loadtest/ReadStateBench.java "$@"; }
cleanup() {
    set +e  # every step, whatever the one before returned (wait gives the server's 143)
    if [ -n "${LAUNCHER:-}" ]; then kill "$LAUNCHER" 2>/dev/null; wait "$LAUNCHER" 2>/dev/null; fi
    if [ -n "${LAUNCHER_WORK:-}" ]; then rm -rf "$LAUNCHER_WORK"; fi
    if [ "${KEEP_DB:-0}" != 1 ]; then bench drop "$DB" && echo "database $DB dropped"; fi
}
trap cleanup EXIT

{
    echo "# CONVERSATIONS and FIND_USERS on MariaDB, $(date -u +%FT%TZ), git $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with uncommitted changes)')"
    echo "machine: $(nproc) cores, $(uname -r); load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "database $DB: $(mysql -h 127.0.0.1 -u root -N -e 'SELECT VERSION()' 2>/dev/null || echo '?'), innodb_buffer_pool_size $(mysql -h 127.0.0.1 -u root -N -e 'SELECT @@innodb_buffer_pool_size' 2>/dev/null || echo '?')"
    echo "## fill: java -cp target/loomchat.jar loadtest/ReadStateBench.java fill $DB $USERS $MESSAGES"
} | tee "$OUT/summary.txt"
if [ "${SKIP_FILL:-0}" != 1 ]; then
    bench fill "$DB" "$USERS" "$MESSAGES" 2>&1 | tee -a "$OUT/summary.txt"
fi

SERVER_OPTS=(--db-url "jdbc:mysql://127.0.0.1:3306/$DB" --password-iterations 1000 --max-requests-per-second 0)
echo "## server: ./loomchat server --port $PORT ${SERVER_OPTS[*]}" | tee -a "$OUT/summary.txt"
. loadtest/lib/launcher-server.sh
start_launcher_server "$OUT/server.log" "$PORT" "${SERVER_OPTS[@]}"
trap cleanup EXIT  # start_launcher_server set its own
echo "## measure: java -cp target/loomchat.jar loadtest/ReadStateBench.java measure 127.0.0.1 $PORT $REQUESTS (load average $(cut -d' ' -f1-3 /proc/loadavg))" \
    | tee -a "$OUT/summary.txt"
bench measure 127.0.0.1 "$PORT" "$REQUESTS" 2>&1 | tee -a "$OUT/summary.txt"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/summary.txt"
echo "done; summary in $OUT/summary.txt"
