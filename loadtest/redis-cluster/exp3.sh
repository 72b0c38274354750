#!/usr/bin/env bash
# A shard master killed (SIGKILL): what clients see until its replica is promoted, and after.
# cluster-node-timeout 2000 ms; master $M (slots 10923-16383), its replica $R (first run: 7403 and 7405; the recorded one: M=7405 R=7403, after 7403 came back as replica).
echo "# $(date -u +%FT%TZ)"
M=${M:-7403}; R=${R:-7405}; rm -f fo-sub-*.log
python3 sub.py 127.0.0.1 $M SSUBSCRIBE lc:to:node2 > fo-sub-master.log & p1=$!
python3 sub.py 127.0.0.1 $R SSUBSCRIBE lc:to:node2 > fo-sub-replica.log & p2=$!
for f in fo-sub-master fo-sub-replica; do until [ -s $f.log ]; do sleep 0.1; done; done
probe() {
    printf "%s  7401 SET {u:1} (slot 16340): %s | $R SET {u:1}: %s | 7401 SET {u:2} (slot 4023): %s | $R SPUBLISH lc:to:node2: %s\n" \
        "$(date +%s.%N | cut -c1-14)" \
        "$(timeout 1 redis-cli -p 7401 set 'lc:{u:1}:user' x 2>&1 | tr '\n' ' ')" \
        "$(timeout 1 redis-cli -p $R set 'lc:{u:1}:user' x 2>&1 | tr '\n' ' ')" \
        "$(timeout 1 redis-cli -p 7401 set 'lc:{u:2}:user' x 2>&1 | tr '\n' ' ')" \
        "$(timeout 1 redis-cli -p $R spublish lc:to:node2 "probe-$(date +%s.%N | cut -c1-14)" 2>&1 | tr '\n' ' ')"
}
probe
echo "$(date +%s.%N | cut -c1-14)  kill -9 $M (pid $(cat $M/pid))"
kill -9 "$(cat $M/pid)" || echo "kill failed"
for _ in $(seq 1 40); do probe; sleep 0.25; done
redis-cli -p 7401 cluster nodes | sort -k2
sleep 1
kill $p1 $p2 2>/dev/null; wait 2>/dev/null
for f in fo-sub-master fo-sub-replica; do echo "## subscriber $f"; cat $f.log; done
echo "## $R log"
grep -hiE "failover|master|fail" $R/redis*.log | tail -12
