#!/usr/bin/env bash
# Shard channels when their slot moves to another master, by hand (CLUSTER SETSLOT), as a reshard does.
x() { echo "\$ $*"; "$@" 2>&1; echo; }
id() { redis-cli -p "$1" cluster myid; }
echo "# $(date -u +%FT%TZ)"
src=$(id 7401); dst=$(id 7402)
python3 sub.py 127.0.0.1 7401 SSUBSCRIBE lc:to:n1 > mig-sub-master.log & p1=$!
python3 sub.py 127.0.0.1 7406 SSUBSCRIBE lc:to:n1 > mig-sub-replica.log & p2=$!
for f in mig-sub-master mig-sub-replica; do until [ -s $f.log ]; do sleep 0.1; done; done
x redis-cli -p 7401 spublish lc:to:n1 before-the-move
x redis-cli -p 7401 cluster countkeysinslot 2966
x redis-cli -p 7402 cluster setslot 2966 importing $src
x redis-cli -p 7401 cluster setslot 2966 migrating $dst
echo "## while the slot migrates: SPUBLISH on the old owner"
x redis-cli -p 7401 spublish lc:to:n1 while-migrating
x redis-cli -p 7402 cluster setslot 2966 node $dst
x redis-cli -p 7401 cluster setslot 2966 node $dst
x redis-cli -p 7403 cluster setslot 2966 node $dst
sleep 2
echo "## after the move"
x redis-cli -p 7401 spublish lc:to:n1 after-the-move-old-owner
x redis-cli -p 7402 spublish lc:to:n1 after-the-move-new-owner
x redis-cli -p 7402 pubsub shardnumsub lc:to:n1
x redis-cli -p 7401 pubsub shardnumsub lc:to:n1
sleep 1
kill $p1 $p2 2>/dev/null; wait 2>/dev/null
for f in mig-sub-master mig-sub-replica; do echo "## subscriber $f"; cat $f.log; done
echo "## moving it back"
for p in 7401 7402 7403; do redis-cli -p $p cluster setslot 2966 node $src >/dev/null; done
sleep 1
x redis-cli -p 7401 cluster countkeysinslot 2966
redis-cli --cluster check 127.0.0.1:7401 2>&1 | tail -3
