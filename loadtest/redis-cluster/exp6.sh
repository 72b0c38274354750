#!/usr/bin/env bash
# exp3 again with cluster-require-full-coverage no on every node: does the healthy shard keep
# serving while the failed one has no master? M is the master killed, R its replica.
echo "# $(date -u +%FT%TZ)"
M=${M:-7405}; R=${R:-7403}
for p in 7401 7402 7403 7404 7405 7406; do echo "$p: config set cluster-require-full-coverage no -> $(redis-cli -p $p config set cluster-require-full-coverage no)"; done
probe() {
    printf "%s  7401 SET {u:1} (slot 16340): %s | $R SET {u:1}: %s | 7401 SET {u:2} (slot 4023): %s | 7402 SET lc:to:node1 (slot 7542): %s\n" \
        "$(date +%s.%N | cut -c1-14)" \
        "$(timeout 1 redis-cli -p 7401 set 'lc:{u:1}:user' x 2>&1 | tr '\n' ' ')" \
        "$(timeout 1 redis-cli -p $R set 'lc:{u:1}:user' x 2>&1 | tr '\n' ' ')" \
        "$(timeout 1 redis-cli -p 7401 set 'lc:{u:2}:user' x 2>&1 | tr '\n' ' ')" \
        "$(timeout 1 redis-cli -p 7402 set 'lc:to:node1' x 2>&1 | tr '\n' ' ')"
}
probe
echo "$(date +%s.%N | cut -c1-14)  kill -9 $M (pid $(cat $M/pid))"
kill -9 "$(cat $M/pid)" || echo "kill failed"
for _ in $(seq 1 30); do probe; sleep 0.25; done
redis-cli -p 7401 cluster nodes | sort -k2
