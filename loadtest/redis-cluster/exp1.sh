#!/usr/bin/env bash
# Scripts, hash slots and (sharded) publishing on a 3-master Redis Cluster (7401-7403, replicas 7404-7406).
x() { echo "\$ $*"; "$@" 2>&1; echo; }
r() { redis-cli -p "$@"; }
echo "# $(date -u +%FT%TZ) $(redis-server --version | cut -d' ' -f1-3)"
x redis-cli -p 7401 cluster keyslot 'lc:{u:2}:user'
x redis-cli -p 7401 cluster keyslot 'lc:{u:6}:user'
x redis-cli -p 7401 cluster keyslot 'lc:to:n1'
x redis-cli -p 7401 cluster keyslot 'lc:to:node1'
x redis-cli -p 7401 cluster keyslot 'lc:{u:2}:inbox'
echo "## subscribers: SSUBSCRIBE lc:to:n1 on 7401 (its master) and on 7406 (its replica); SSUBSCRIBE lc:to:node1 on 7402; classic SUBSCRIBE lc:to:node1 on 7403"
python3 sub.py 127.0.0.1 7401 SSUBSCRIBE lc:to:n1 > sub-n1-master.log & p1=$!
python3 sub.py 127.0.0.1 7406 SSUBSCRIBE lc:to:n1 > sub-n1-replica.log & p2=$!
python3 sub.py 127.0.0.1 7402 SSUBSCRIBE lc:to:node1 > sub-node1.log & p3=$!
python3 sub.py 127.0.0.1 7403 SUBSCRIBE lc:to:node1 > sub-classic-node1.log & p4=$!
python3 sub.py 127.0.0.1 7402 SSUBSCRIBE lc:to:n1 > sub-n1-wrong-node.log & p5=$!
for f in sub-n1-master sub-n1-replica sub-node1 sub-classic-node1 sub-n1-wrong-node; do until [ -s $f.log ]; do sleep 0.1; done; done
echo "## 1. two declared keys of different slots, same node"
x redis-cli -p 7401 eval "return redis.call('mget', KEYS[1], KEYS[2])" 2 'lc:{u:2}:user' 'lc:{u:6}:user'
echo "## 2. declared key in slot 4023, undeclared key of slot 3891 (same node) read inside the script"
x redis-cli -p 7401 eval "return redis.call('get', 'lc:{u:6}:user')" 1 'lc:{u:2}:user'
echo "## 3. declared key on 7401, undeclared key of a slot on 7402 read inside the script"
x redis-cli -p 7401 eval "return redis.call('get', 'lc:to:node1')" 1 'lc:{u:2}:user'
echo "## 4. declared key in slot 4023 (7401); SPUBLISH to lc:to:n1 (slot 2966, same node)"
x redis-cli -p 7401 eval "redis.call('set', KEYS[1], 'node1'); return redis.call('spublish', 'lc:to:n1', 'from-script-same-node')" 1 'lc:{u:2}:user'
x redis-cli -p 7401 del 'lc:{u:2}:user'
echo "## 5. declared key in slot 4023 (7401); SPUBLISH to lc:to:node1 (slot 7542, on 7402)"
x redis-cli -p 7401 eval "redis.call('set', KEYS[1], 'written-before-the-error'); return redis.call('spublish', 'lc:to:node1', 'from-script-other-node')" 1 'lc:{u:2}:user'
x redis-cli -p 7401 get 'lc:{u:2}:user'
echo "## 6. the same SPUBLISH as a command of its own, sent to the wrong node and to the right one"
x redis-cli -p 7401 spublish lc:to:node1 direct-wrong-node
x redis-cli -p 7402 spublish lc:to:node1 direct-right-node
echo "## 7. classic PUBLISH inside a script on 7401 (key of 7401) to lc:to:node1: heard by a SUBSCRIBE on 7403?"
x redis-cli -p 7401 eval "return redis.call('publish', 'lc:to:node1', 'classic-from-script')" 1 'lc:{u:2}:user'
echo "## 8. SPUBLISH to lc:to:n1 on its master: heard on the replica's SSUBSCRIBE too?"
x redis-cli -p 7401 spublish lc:to:n1 direct-to-n1
echo "## 9. script with no keys, SPUBLISH"
x redis-cli -p 7401 eval "return redis.call('spublish', 'lc:to:n1', 'no-keys')" 0
x redis-cli -p 7402 eval "return redis.call('spublish', 'lc:to:n1', 'no-keys-wrong-node')" 0
echo "## 10. a script whose declared key and shard channel share the hash tag"
x redis-cli -p 7401 cluster keyslot 'lc:{n1}:to'
x redis-cli -p 7401 cluster keyslot 'lc:{n1}:users'
sleep 1
kill $p1 $p2 $p3 $p4 $p5 2>/dev/null; wait 2>/dev/null
for f in sub-n1-master sub-n1-replica sub-node1 sub-classic-node1 sub-n1-wrong-node; do echo "## subscriber $f"; cat $f.log; done
