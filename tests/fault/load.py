#!/usr/bin/env python3
"""load.py -- a bounded attack on `vigil serve` over loopback (standard
library only), for tests/e2e/load.sh.

  load.py PORT PID TIMEOUT [SEED]

Phases, each while a probe opens a fresh connection from 127.0.0.1 every
0.1 s, sends GET /api/meta and must get its normal answer within 1 s, and
while the server's RSS is sampled from /proc/PID/status:

  conn1000   1,000 concurrent connections from 127.0.0.2-127.0.0.21, each
             with a full request (/api/meta, every tenth an events page); every
             one is answered or closed by the server, none hangs
  slowloris  from 127.0.0.30-127.0.0.37, 150 connections each (more than the
             server takes from one address), each sending its headers one line
             at a time, more often than the timeout, for twice the timeout
  idle       then those go quiet, and 200 more connect from 127.0.0.60-63 and
             send nothing: every one must be closed within the timeout (and 2 s)
  malformed  2,000 malformed requests from 127.0.0.40-127.0.0.59, 800 at a
             time: each is answered or closed, and none of the plainly bad ones
             (bad versions, smuggling, oversized, binary...) gets a 200

The whole 127/8 is loopback on Linux; clients bind their source address.
Prints TAP lines ("ok NAME" / "not ok NAME" with "# reason" lines).
"""
import json
import os
import random
import resource
import selectors
import shutil
import socket
import subprocess
import sys
import tempfile
import time

PORT = int(sys.argv[1])
PID = int(sys.argv[2])
TIMEOUT = float(sys.argv[3])
SEED = int(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[4].isdigit() else 1
HOST = "127.0.0.1"
GOOD = b"GET /api/meta HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"


def tap(name, ok, why=""):
    print(("ok " if ok else "not ok ") + name, flush=True)
    if not ok and why:
        for line in str(why).splitlines()[:6]:
            print("# " + line, flush=True)


def rss_kb():
    try:
        with open("/proc/%d/status" % PID) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return -1
    return 0


def alive():
    try:
        os.kill(PID, 0)
        return True
    except OSError:
        return False


def fetch(req=GOOD, src=HOST, timeout=5.0):
    """One request on a new connection: (status, body, seconds); status 0
    when refused or closed without an answer."""
    t0 = time.monotonic()
    s = socket.socket()
    s.settimeout(timeout)
    try:
        s.bind((src, 0))
        s.connect((HOST, PORT))
        s.sendall(req)
        data = b""
        while True:
            b = s.recv(65536)
            if not b:
                break
            data += b
    except OSError:
        data = b""
    finally:
        s.close()
    dt = time.monotonic() - t0
    if not data.startswith(b"HTTP/1.1 "):
        return 0, b"", dt
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head[9:12]), body, dt


def probe_loop(want_path, out_path):
    """The probe, in its own process (so that the load's Python work cannot
    delay it): a fresh client every 0.1 s; one line per request:
    time ok seconds rss status."""
    want = open(want_path, "rb").read()
    with open(out_path, "w") as out:
        while True:
            t = time.monotonic()
            st, body, dt = fetch(timeout=1.0)
            good = st == 200 and body == want and dt <= 1.0
            out.write("%.4f %d %.4f %d %d\n" % (t, good, dt, rss_kb(), st))
            out.flush()
            time.sleep(max(0.0, 0.1 - dt))


class Probe:
    """Runs probe_loop in a child process; phases are time windows."""

    def __init__(self, want, tmp):
        self.want_path = os.path.join(tmp, "want")
        self.out_path = os.path.join(tmp, "probe.log")
        with open(self.want_path, "wb") as f:
            f.write(want)
        self.proc = subprocess.Popen([sys.executable, __file__, str(PORT), str(PID),
                                      str(TIMEOUT), "--probe", self.want_path, self.out_path])
        self.windows = []               # (phase, start, end)
        self.rss_max = 0

    @property
    def phase(self):
        return self.windows[-1][0] if self.windows else None

    @phase.setter
    def phase(self, name):
        now = time.monotonic()
        if self.windows and self.windows[-1][2] is None:
            self.windows[-1] = self.windows[-1][:2] + (now,)
        self.windows.append((name, now, None))

    def records(self):
        out = []
        try:
            for line in open(self.out_path):
                f = line.split()
                if len(f) == 5:
                    out.append((float(f[0]), int(f[1]), float(f[2]), int(f[3]), int(f[4])))
        except OSError:
            pass
        return out

    def stats(self, phase):
        win = [(a, b if b is not None else float("inf")) for n, a, b in self.windows if n == phase]
        recs = [r for r in self.records() if any(a <= r[0] < b for a, b in win)]
        for r in self.records():
            self.rss_max = max(self.rss_max, r[3])
        bad = [r for r in recs if not r[1]]
        why = "status %d after %.2f s" % (bad[0][4], bad[0][2]) if bad else ""
        return len(recs), len(bad), max([r[2] for r in recs] or [0]), why

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def report_probe(probe, phase):
    n, bad, slowest, why = probe.stats(phase)
    print("# %s: probe %d requests, slowest %.3f s, server RSS max %d kB"
          % (phase, n, slowest, probe.rss_max), flush=True)
    tap("load_%s_fresh_client_within_1s" % phase, n > 0 and bad == 0,
        "%d of %d probes failed; first: %s" % (bad, n, why))


def pump(conns, deadline, sendfn=None):
    """Runs non-blocking connections until each is answered or closed.
    conns: list of dicts with sock, out (bytes to send). Returns statuses
    (0 = closed without an answer, -1 = still open at the deadline)."""
    sel = selectors.DefaultSelector()
    for c in conns:
        c["in"] = b""
        sel.register(c["sock"], selectors.EVENT_READ | selectors.EVENT_WRITE, c)
    openc = len(conns)
    while openc and time.monotonic() < deadline:
        for key, ev in sel.select(timeout=0.2):
            c = key.data
            s = c["sock"]
            try:
                if ev & selectors.EVENT_WRITE and c["out"]:
                    n = s.send(c["out"])
                    c["out"] = c["out"][n:]
                    if not c["out"]:
                        sel.modify(s, selectors.EVENT_READ, c)
                if not ev & selectors.EVENT_READ:
                    continue
                b = s.recv(65536)
                if b:
                    c["in"] += b
                    continue
            except BlockingIOError:
                continue
            except OSError:
                pass
            sel.unregister(s)
            s.close()
            c["done"] = True
            openc -= 1
    out = []
    for c in conns:
        if not c.get("done"):
            sel.unregister(c["sock"])
            c["sock"].close()
            out.append(-1)
        elif c["in"].startswith(b"HTTP/1.1 "):
            out.append(int(c["in"][9:12]))
        else:
            out.append(0)
    sel.close()
    return out


def connect_nb(src):
    s = socket.socket()
    s.setblocking(False)
    s.bind((src, 0))
    try:
        s.connect((HOST, PORT))
    except BlockingIOError:
        pass
    return s


def conn1000(probe):
    probe.phase = "conn1000"
    conns = []
    for i in range(1000):
        src = "127.0.0.%d" % (2 + i % 20)
        url = "/api/events?limit=%d" % (1 + i // 10 % 50) if i % 10 == 0 else "/api/meta"
        req = ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n" % url).encode()
        try:
            conns.append({"sock": connect_nb(src), "out": req})
        except OSError as e:
            tap("load_conn1000_connect", False, "connection %d: %s" % (i, e))
            return
    t0 = time.monotonic()
    st = pump(conns, t0 + 60)
    dt = time.monotonic() - t0
    ok = sum(1 for x in st if x == 200)
    closed = sum(1 for x in st if x == 0)
    hung = sum(1 for x in st if x == -1)
    other = len(st) - ok - closed - hung
    print("# conn1000: %d answered 200, %d closed unanswered (over the limits), %d other, "
          "%d still open, in %.1f s" % (ok, closed, other, hung, dt), flush=True)
    tap("load_conn1000_all_resolved", hung == 0 and other == 0,
        "%d still open after 60 s, %d unexpected statuses" % (hung, other))
    tap("load_conn1000_served", ok >= 100, "only %d answered" % ok)
    time.sleep(0.5)
    report_probe(probe, "conn1000")


def still_open(socks):
    """Closes the sockets; returns how many the server had not closed."""
    n = 0
    for s in socks:
        s.setblocking(False)
        try:
            while True:
                if not s.recv(65536):
                    break
        except BlockingIOError:
            n += 1
        except OSError:
            pass
        s.close()
    return n


def count_open(socks):
    """How many of the sockets the server has not closed (reads nothing else)."""
    n = 0
    for s in socks:
        try:
            s.setblocking(False)
            if s.recv(1, socket.MSG_PEEK):
                n += 1
        except BlockingIOError:
            n += 1
        except OSError:
            pass
    return n


def hold(addrs, per_addr, first=b""):
    socks = []
    for a in addrs:
        for _ in range(per_addr):
            s = socket.socket()
            s.settimeout(1.0)
            try:
                s.bind(("127.0.0.%d" % a, 0))
                s.connect((HOST, PORT))
                if first:
                    s.sendall(first)
                socks.append(s)
            except OSError:
                s.close()
    return socks


def slowloris(probe):
    probe.phase = "slowloris"
    socks = hold(range(30, 38), 150, b"GET /api/meta HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    # keep them alive past the timeout: a header line each, more often than the timeout
    end = time.monotonic() + 2 * TIMEOUT
    k = 0
    while time.monotonic() < end:
        for s in socks:
            try:
                s.send(b"X-Slow-%d: %d\r\n" % (k, k))
            except OSError:
                pass
        k += 1
        time.sleep(TIMEOUT / 3)
    kept = count_open(socks)
    report_probe(probe, "slowloris")
    # now quiet, with 200 idle connections that never sent anything: all of
    # them must be closed within the timeout (and a margin)
    probe.phase = "idle"
    idle = hold(range(60, 64), 50)
    time.sleep(TIMEOUT + 2)
    slow_open, idle_open = still_open(socks), still_open(idle)
    print("# slowloris: %d connections from 8 addresses, %d kept open by the server past the "
          "timeout, %d still open once quiet; idle: %d connections, %d still open"
          % (len(socks), kept, slow_open, len(idle), idle_open), flush=True)
    tap("load_slowloris_held", kept >= 100, "%d of %d connections kept" % (kept, len(socks)))
    tap("load_slowloris_closed_after_timeout", slow_open == 0, "%d still open" % slow_open)
    tap("load_idle_closed_after_timeout", len(idle) >= 100 and idle_open == 0,
        "%d of %d still open" % (idle_open, len(idle)))
    report_probe(probe, "idle")


def malformed_requests(rng, n):
    long = b"a" * 20000
    fixed = [
        b"GARBAGE\r\n\r\n", b"GET\r\n\r\n", b"GET /api/meta HTTP/9.9\r\nHost: x\r\n\r\n",
        b"GET /api/meta HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n",
        b"GET /api/meta HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -1\r\n\r\n",
        b"GET /api/meta HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 99999999999999999999\r\n\r\n",
        b"GET /api/meta HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n",
        b"GET /api/meta HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        b"GET /api/" + long + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET /api/meta HTTP/1.1\r\nHost: 127.0.0.1\r\nX: " + long + b"\r\n\r\n",
        b"GET /api/meta HTTP/1.1\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(2000)) + b"\r\n",
        b"GET /api/events?limit=%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET /api/events?%00=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET http://evil/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        b"\x00\x01\x02\x03\xff\xfe\r\n\r\n", b"\r\n\r\n\r\n\r\n",
        b"G\x00ET /api/meta HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        b"BREW /api/meta HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET /api/meta HTTP/1.1\r\nHost: evil.example\r\n\r\n",
        b"GET /api/series?dyad=%ff%fe-%00 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET /api/events/999999999999999999999999 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET /api/events?" + b"&".join(b"p%d=1" % i for i in range(500)) + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(40)),
    ]
    # accepted by libmicrohttpd's lenient parser (as by most servers): a
    # folded header, bare LF line ends, junk header lines without a Host
    lenient = [
        b"GET /api/meta HTTP/1.1\r\nHost: 127.0.0.1\r\n \r\n folded\r\n\r\n",
        b"GET /api/meta HTTP/1.1\nHost: 127.0.0.1\n\n\x00",
    ]
    out = []                            # (request, must not get a 200)
    for i in range(n):
        if i < len(fixed) * 40:
            out.append((fixed[i % len(fixed)], True))
        elif i < len(fixed) * 40 + len(lenient) * 40:
            out.append((lenient[i % len(lenient)], False))
        else:                           # random bytes, sometimes behind a valid request line
            junk = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 600)))
            head = b"GET /api/meta HTTP/1.1\r\n" if rng.random() < 0.5 else b""
            out.append((head + junk + b"\r\n\r\n", head == b""))
    return out


def malformed(probe, rng):
    probe.phase = "malformed"
    reqs = malformed_requests(rng, 2000)
    counts = {}
    got200 = []
    for start in range(0, len(reqs), 800):     # 40 at a time from each of 20 addresses
        conns = []
        for j, (r, strict) in enumerate(reqs[start:start + 800]):
            try:
                conns.append({"sock": connect_nb("127.0.0.%d" % (40 + j % 20)), "out": r,
                              "req": r, "strict": strict})
            except OSError:
                counts["connect-error"] = counts.get("connect-error", 0) + 1
        st = pump(conns, time.monotonic() + 3 * TIMEOUT + 5)
        for c, x in zip(conns, st):
            counts[x] = counts.get(x, 0) + 1
            if x == 200 and c["strict"]:
                got200.append(c["req"][:60])
    print("# malformed: statuses %s (0: closed without an answer, -1: still open)"
          % json.dumps({str(k): v for k, v in sorted(counts.items(), key=str)}), flush=True)
    tap("load_malformed_all_resolved", counts.get(-1, 0) == 0 and "connect-error" not in counts,
        "%d still open, %d connect errors" % (counts.get(-1, 0), counts.get("connect-error", 0)))
    tap("load_malformed_never_200", not got200, "200 for: %r" % got200[:3])
    report_probe(probe, "malformed")


def main():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 4096 if hard == resource.RLIM_INFINITY else min(hard, 4096)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    if want < 1200:
        print("ok load # SKIP needs 1,200 open files (ulimit -n)")
        return
    rng = random.Random(SEED)
    st, want_body, _ = fetch()
    tap("load_answers_before", st == 200 and b'"events"' in want_body, "status %d" % st)
    if st != 200:
        return
    rss0 = rss_kb()
    tmp = tempfile.mkdtemp()
    probe = Probe(want_body, tmp)
    for phase in (conn1000, slowloris, lambda p: malformed(p, rng)):
        phase(probe)
        if not alive():
            tap("load_server_alive", False, "the server died")
            probe.stop()
            return
    probe.phase = "end"
    probe.stop()
    shutil.rmtree(tmp, ignore_errors=True)
    st, body, dt = fetch()
    tap("load_answers_after", st == 200 and body == want_body, "status %d: %r" % (st, body[:100]))
    print("# server RSS: %d kB at the start, at most %d kB under load, %d kB at the end"
          % (rss0, probe.rss_max, rss_kb()), flush=True)
    print("rss %d %d %d" % (rss0, probe.rss_max, rss_kb()), flush=True)


if __name__ == "__main__":
    if len(sys.argv) > 4 and sys.argv[4] == "--probe":
        probe_loop(sys.argv[5], sys.argv[6])
    else:
        main()
