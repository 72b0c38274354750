# One connection, two SSUBSCRIBE calls for shard channels of two different slots that one master
# (7401, slots 0-5460) owns; then a SPUBLISH to each. Does one connection carry both?
import socket, subprocess, time
def cmd(*a):
    return ("*%d\r\n" % len(a) + "".join("$%d\r\n%s\r\n" % (len(x), x) for x in a)).encode()
s = socket.create_connection(("127.0.0.1", 7401))
s.sendall(cmd("SSUBSCRIBE", "lc:{b1}:to:node1"))
s.sendall(cmd("SSUBSCRIBE", "lc:{b5}:to:node1"))
time.sleep(0.3)
for ch in ["lc:{b1}:to:node1", "lc:{b5}:to:node1"]:
    out = subprocess.run(["redis-cli", "-p", "7401", "spublish", ch, "hello " + ch], capture_output=True, text=True).stdout.strip()
    print("$ redis-cli -p 7401 spublish %s 'hello %s' -> %s" % (ch, ch, out))
time.sleep(0.3)
s.settimeout(0.5)
data = b""
try:
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
except socket.timeout:
    pass
print("what the one connection received (raw RESP):")
print(data.decode().replace("\r\n", " "))
