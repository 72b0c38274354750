# Offline-store throughput: SENDERS logged-in users each send COUNT messages, pipelined, to a
# recipient of their own who never logs in, so every message is a row in the offline store.
# Prints acknowledged messages per second. Usage: python3 offline-store.py PORT [SENDERS] [COUNT]
import json, socket, sys, threading, time
port = int(sys.argv[1]); senders = int(sys.argv[2]) if len(sys.argv) > 2 else 20
count = int(sys.argv[3]) if len(sys.argv) > 3 else 500
tag = str(time.time_ns())
def conn():
    s = socket.create_connection(('127.0.0.1', port)); return s, s.makefile('rb')
def req(s, f, o):
    s.sendall((json.dumps(o) + "\n").encode()); return json.loads(f.readline())
pairs = []
for i in range(senders):
    s, f = conn()
    a = req(s, f, {"msgid": 4, "name": "s%s-%d" % (tag, i), "password": "pw"})['id']
    b = req(s, f, {"msgid": 4, "name": "r%s-%d" % (tag, i), "password": "pw"})['id']
    assert req(s, f, {"msgid": 1, "id": a, "password": "pw"})['errno'] == 0
    pairs.append((s, f, b))
stored = [0] * senders
def run(i):
    s, f, b = pairs[i]
    payload = b"".join((json.dumps({"msgid": 6, "toid": b, "msg": "offline %d" % n}) + "\n").encode() for n in range(count))
    s.sendall(payload)
    for _ in range(count):
        r = json.loads(f.readline())
        if r.get('errno') == 0 and r.get('stored') == 'offline':
            stored[i] += 1
start = time.perf_counter()
threads = [threading.Thread(target=run, args=(i,)) for i in range(senders)]
[t.start() for t in threads]; [t.join() for t in threads]
elapsed = time.perf_counter() - start
print("%d messages stored offline in %.2f s: %.0f/s (%d senders)" % (sum(stored), elapsed, sum(stored) / elapsed, senders))
