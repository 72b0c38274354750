#!/usr/bin/env bash
# The local Redis Cluster of the experiments: three masters and three replicas on 127.0.0.1:7401-7406,
# data and logs under /tmp/rcx, cluster-node-timeout 2 s. Run the experiments from /tmp/rcx
# (cp exp*.sh sub.py /tmp/rcx), in order: exp1 (scripts and slots), exp2 (a slot moves),
# exp3 (a master killed; M and R name the master and its replica, default 7403 and 7405),
# exp4 (what PUBLISH and SPUBLISH cost each node), exp5.py (one connection, shard channels of two
# slots), exp6 (exp3 with cluster-require-full-coverage no), Exp7.java (JedisCluster.ssubscribe when
# its slot moves; java -cp <the project classpath> Exp7.java). exp3 and exp6 kill a master: restart
# it (same command as below) before the next. Stop: kill the pids in /tmp/rcx/*/pid.
# Each experiment prints what it saw (docs/scaling.md has what it showed); keep its output
# outside the repository, e.g. ./exp1.sh >/tmp/rcx/exp1.txt.
set -euo pipefail
mkdir -p /tmp/rcx
cd /tmp/rcx
for p in 7401 7402 7403 7404 7405 7406; do
    mkdir -p $p
    (cd $p && setsid redis-server --port $p --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file nodes.conf \
        --cluster-node-timeout 2000 --appendonly no --save '' --dir /tmp/rcx/$p >redis.log 2>&1 &)
done
sleep 1
redis-cli --cluster create 127.0.0.1:7401 127.0.0.1:7402 127.0.0.1:7403 127.0.0.1:7404 127.0.0.1:7405 127.0.0.1:7406 \
    --cluster-replicas 1 --cluster-yes
sleep 3
# The pid files hold the redis-server's own pid (exp3 kills it, exp4 reads its CPU).
for p in 7401 7402 7403 7404 7405 7406; do
    redis-cli -p $p info server | sed -n 's/^process_id:\([0-9]*\).*/\1/p' | tr -d '\r' >$p/pid
done
redis-cli -p 7401 cluster nodes
