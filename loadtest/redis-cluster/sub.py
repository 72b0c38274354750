# Minimal RESP subscriber for the experiments: sends one command (e.g. SSUBSCRIBE ch) to HOST:PORT
# and prints every reply/push it then receives, with a timestamp, until the connection closes.
import socket, sys, time
host, port, *cmd = sys.argv[1:]
s = socket.create_connection((host, int(port)))
s.sendall(("*%d\r\n" % len(cmd) + "".join("$%d\r\n%s\r\n" % (len(c.encode()), c) for c in cmd)).encode())
f = s.makefile("rb")
def read():
    line = f.readline()
    if not line:
        raise EOFError
    t, rest = line[:1], line[1:-2].decode()
    if t == b"*":
        return [read() for _ in range(int(rest))]
    if t == b"$":
        n = int(rest)
        data = f.read(n + 2)[:-2].decode()
        return data
    if t == b":":
        return int(rest)
    return ("-" if t == b"-" else "") + rest
start = time.time()
try:
    while True:
        print("%.3f %r" % (time.time(), read()), flush=True)
except (EOFError, ConnectionError) as e:
    print("%.3f connection closed (%s)" % (time.time(), type(e).__name__), flush=True)
