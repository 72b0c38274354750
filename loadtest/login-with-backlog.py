# Times the login of a user with 1,000 offline messages waiting, three times (the server's default
# hashing); usage: python3 login1000.py PORT
import socket, json, time, sys
port = int(sys.argv[1])
def conn():
    s = socket.create_connection(('127.0.0.1', port)); s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s, s.makefile('rb')
def req(s, f, o):
    s.sendall((json.dumps(o) + "\n").encode()); return json.loads(f.readline())
a, af = conn()
tag = str(time.time_ns())
A = req(a, af, {"msgid": 4, "name": "a" + tag, "password": "pw"})['id']
B = req(a, af, {"msgid": 4, "name": "b" + tag, "password": "pw"})['id']
req(a, af, {"msgid": 1, "id": A, "password": "pw"})
def fill():
    for i in range(1000):
        a.sendall((json.dumps({"msgid": 6, "toid": B, "msg": "message number %d with some text" % i}) + "\n").encode())
    acks = 0
    while acks < 1000:
        r = json.loads(af.readline()); acks += r.get('msgid') == 11 and r.get('errno') == 0
for rnd in range(3):
    fill()
    b, bf = conn()
    t = time.perf_counter(); ack = req(b, bf, {"msgid": 1, "id": B, "password": "pw"}); dt = (time.perf_counter() - t) * 1000
    got = len(ack['offlinemsg'])
    for i in range(ack['pending']):
        bf.readline(); got += 1
    t2 = (time.perf_counter() - t) * 1000
    print("login ack %.1f ms (%d in the ack, %d bytes); all 1,000 received after %.1f ms; received %d" % (dt, len(ack['offlinemsg']), len(json.dumps(ack)), t2, got))
    req(b, bf, {"msgid": 3}); b.close()
