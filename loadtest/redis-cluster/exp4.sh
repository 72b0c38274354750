#!/usr/bin/env bash
# What a classic PUBLISH and a SPUBLISH cost each node of the cluster: 200,000 of each sent to
# 7401 (no subscribers anywhere), CPU ticks (10 ms) of every node's redis-server from /proc.
x() { echo "\$ $*"; "$@" 2>&1; echo; }
ticks() { for p in 7401 7402 7403 7404 7405 7406; do printf '%s=%s ' $p $(awk '{print $14+$15}' /proc/$(cat $p/pid)/stat); done; }
role() { for p in 7401 7402 7403 7404 7405 7406; do printf '%s=%s ' $p $(redis-cli -p $p role | head -1); done; }
echo "# $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "roles: $(role)"
for cmd in "PUBLISH lc:to:n1 a-64-byte-message-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" "SPUBLISH lc:to:n1 a-64-byte-message-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"; do
    echo "## redis-benchmark -p 7401 -n 200000 -P 16 -c 4 $cmd"
    t0=$(ticks)
    redis-benchmark -p 7401 -n 200000 -P 16 -c 4 -q $cmd 2>&1 | tr '\r' '\n' | tail -1
    sleep 2
    t1=$(ticks)
    echo "ticks before: $t0"
    echo "ticks after:  $t1"
done
echo "## a script that keeps a copy and publishes inside one slot: key and shard channel share the tag {b7}"
x redis-cli -p 7401 cluster keyslot 'lc:{b7}:user:17'
x redis-cli -p 7401 cluster keyslot 'lc:{b7}:to:node1'
x redis-cli -p 7403 set 'lc:{b7}:user:17' node1
x redis-cli -p 7403 eval "local holder = redis.call('get', KEYS[1]); redis.call('hset', KEYS[2], ARGV[1], ARGV[2]); return redis.call('spublish', ARGV[3] .. holder, ARGV[2])" 2 'lc:{b7}:user:17' 'lc:{b7}:inbox:17' 42 hello 'lc:{b7}:to:'
x redis-cli -p 7401 eval "return redis.call('get', KEYS[1])" 1 'lc:{b7}:user:17'
