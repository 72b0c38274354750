#!/usr/bin/env bash
# Sentinel failover as users see it (issue 14): two in-process servers on
# redis-sentinel://... (a private master, a replica and three Sentinels: quorum 2,
# down-after-milliseconds 1000, failover-timeout 3000), alice on one server chatting to bob
# (receipts) on the other every 20 ms; the master gets SIGKILL RUNS times, the killed one coming
# back as a replica between kills. Prints the seconds from each kill to the first live
# cross-server delivery and to the first successful login, with median and worst.
#
#   loadtest/sentinel-failover.sh OUT_FILE [RUNS]
#
# Needs what the tests need: MariaDB on 127.0.0.1:3306 (root) and redis-server.
set -euo pipefail
cd "$(dirname "$0")/.."
. loadtest/lib/out-dir.sh
OUT=$(loadtest_out_dir "${1:?usage: $0 OUT_FILE [RUNS]}")
RUNS=${2:-5}
./run-tests -q -Dtest=SentinelFailoverMeasurement -Dsurefire.failIfNoSpecifiedTests=false \
    -Dloomchat.failovers="$RUNS" -Dloomchat.failovers.out="$OUT" >/dev/null
cat "$OUT"
