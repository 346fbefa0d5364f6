"""Timed recoveries (issue 11): how long from a fault to the first good answer, under load. Imported by suite.py."""
import http.client, json, os, re, signal, socket, threading, time

READY = r"Worker (\S+) of group \S+ \(pid (\d+)\) is ready"

# One worker (so every hop of group cpu crosses the same link): quick = echo in the worker, slow = sys.delay in it.
YAML = """
runtime:
  platform:
    execution_ipc: { transport: tcp_local }
    process_groups:
      - { name: cpu, stages: [slow.wait, quick.echo] }
  web:
    interfaces:
      - kind: http
        endpoints:
          - { route: "POST /v1/quick", pipeline: quick, timeout_ms: 5000 }
          - { route: "POST /v1/slow", pipeline: slow, timeout_ms: 60000, max_body_bytes: 1048576 }
          - { route: "POST /v1/late", pipeline: slow, timeout_ms: 1000 }
pipelines:
  quick: { stages: [ { name: echo, node: sys.echo } ] }
  slow: { stages: [ { name: wait, node: sys.delay } ] }
"""


class Load:
    """Steady quick requests (rate per second over 4 connections); every answer kept as (time, status)."""

    def __init__(self, host, rate=40):
        self.host, self.rate, self.answers, self.lock = host, rate, [], threading.Lock()
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.run, daemon=True) for _ in range(4)]
        for t in self.threads: t.start()

    def run(self):
        c, interval, nxt = None, 4.0 / self.rate, time.time()
        while not self.stop.is_set():
            try:
                if c is None: c = http.client.HTTPConnection("127.0.0.1", self.host.port, timeout=30)
                c.request("POST", "/v1/quick", body=b'{"q":1}', headers={"content-type": "application/json"})
                r = c.getresponse(); r.read(); status = r.status
            except Exception:
                status, c = -1, None
            with self.lock: self.answers.append((time.time(), status))
            nxt += interval
            time.sleep(max(0, nxt - time.time()))

    def first_after(self, t0, ok):
        with self.lock: return next((t - t0 for t, s in self.answers if t >= t0 and ok(s)), None)

    def statuses_after(self, t0):
        with self.lock: return sorted({s for t, s in self.answers if t >= t0})

    def close(self):
        self.stop.set()
        for t in self.threads: t.join(35)


def fmt(v): return "never" if v is None else f"{v:.2f} s"


def part_recovery(Host, row, wait, WORK, ROOT):
    path = os.path.join(WORK, "recovery.yaml")
    with open(path, "w") as f: f.write(YAML)
    host = Host(path)
    load = None
    try:
        wait(lambda: re.search(READY, host.output()) is not None, 60)
        for _ in range(20): host.post("/v1/quick", '{"warm":1}')
        load = Load(host)

        # 1. kill -9 the only worker under load, 5 slow callers in flight on it.
        pid = int(re.findall(READY, host.output())[-1][1])
        slow = []
        def call_slow(body='{"ms":50000}'):
            t = time.time(); s = host.post("/v1/slow", body, timeout=90)[0]; slow.append((time.time(), s, t))
        callers = [threading.Thread(target=call_slow) for _ in range(5)]
        for t in callers: t.start()
        wait(lambda: json.loads(host.get("/stats")[1]).get("pending_waiters", 0) >= 5, 30)
        t0 = time.time(); os.kill(pid, signal.SIGKILL)
        for t in callers: t.join(90)
        inflight = max((t for t, s, _ in slow), default=t0) - t0
        back = wait(lambda: any(int(p) != pid for _, p in re.findall(READY, host.output())), 90)
        ready = time.time() - t0 if back else None
        wait(lambda: load.first_after(t0 + (ready or 0), lambda s: s == 200) is not None, 30)
        good = load.first_after(t0, lambda s: s == 200)
        statuses = load.statuses_after(t0)
        row("recovery", "kill -9 the only worker: in-flight callers answered", "5 x 503, < 2 s", f"{[s for _, s, _ in slow]} in {inflight:.2f} s", inflight,
            len(slow) == 5 and all(s == 503 for _, s, _ in slow) and inflight < 2)
        row("recovery", "kill -9 the only worker: crash to worker ready", "ready again", fmt(ready), ready or 0, back)
        row("recovery", "kill -9 the only worker: crash to first good answer", "200; meanwhile only 200/503", f"{fmt(good)}, statuses {statuses}", good or 0,
            good is not None and set(statuses) <= {200, 503})

        # 2. the worker stops reading (SIGSTOP) while callers send it 512 KB each: the write stall deadline (5 s) catches it.
        pid = int(re.findall(READY, host.output())[-1][1])
        slow.clear(); pad = "p" * (512 * 1024)
        t0 = time.time(); os.kill(pid, signal.SIGSTOP)
        callers = [threading.Thread(target=call_slow, args=(f'{{"ms":50000,"pad":"{pad}"}}',)) for _ in range(30)]
        for t in callers: t.start()
        for t in callers: t.join(90)
        dead = min((t for t, s, _ in slow if s == 503), default=None)
        dead = None if dead is None else dead - t0
        stalled = "the peer stopped reading" in host.output()
        back = wait(lambda: any(int(p) != pid for _, p in re.findall(READY, host.output())), 90)
        ready = time.time() - t0 if back else None
        wait(lambda: load.first_after(t0 + (ready or 0), lambda s: s == 200) is not None, 30)
        good = load.first_after(t0 + (dead or 0), lambda s: s == 200)
        row("recovery", "worker stops reading (SIGSTOP): freeze to declared dead", "503 by the stall deadline (5 s)",
            f"{fmt(dead)}, {sum(1 for _, s, _ in slow if s == 503)}/30 x 503, {'stall' if stalled else 'NOT the stall'}", dead or 0,
            dead is not None and stalled and all(s == 503 for _, s, _ in slow) and dead < 15)
        row("recovery", "worker stops reading: freeze to first good answer", "200 from the restarted worker", f"{fmt(good and good + (dead or 0))}, ready {fmt(ready)}",
            (good or 0) + (dead or 0), good is not None and back)
        os.kill(pid, signal.SIGKILL) if os.path.exists(f"/proc/{pid}") else None

        # 3. a node slower than every deadline: 50 callers get 504 at their deadline, the hops are cancelled, waiters freed.
        late = []
        def call_late():
            late.append(host.post("/v1/late", '{"ms":60000}', timeout=30)[0])
        callers = [threading.Thread(target=call_late) for _ in range(50)]
        t0 = time.time()
        for t in callers: t.start()
        for t in callers: t.join(40)
        answered = time.time() - t0
        freed = wait(lambda: json.loads(host.get("/stats")[1]).get("pending_waiters") == 0, 30)
        t1 = time.time()
        ok200 = host.post("/v1/quick", '{"after":"late"}')[0] == 200
        row("recovery", "node slower than every deadline (50 callers, 1 s)", "50 x 504 by ~1 s, 0 pending, 200 after",
            f"{late.count(504)} x 504 in {answered:.2f} s, pending {'0' if freed else 'NOT 0'}, {200 if ok200 else 'fail'} {time.time() - t1:.2f} s after",
            answered, late.count(504) == 50 and freed and ok200)

        # 4. 1,000 connections that never send a byte: others are answered meanwhile; fds come back once they close.
        _, fds_before = host.rss_fd()
        socks = []
        for _ in range(1000):
            try: socks.append(socket.create_connection(("127.0.0.1", host.port), timeout=5))
            except OSError: break
        t0 = time.time(); status = host.post("/v1/quick", '{"held":1000}')[0]; during = time.time() - t0
        for s in socks: s.close()
        t0 = time.time()
        back = wait(lambda: host.rss_fd()[1] <= fds_before * 1.1 + 5, 60)
        row("recovery", f"{len(socks)} connections that never send a byte", "200 meanwhile; fds back after close",
            f"{status} in {during:.2f} s; fds {fds_before} -> back in {fmt(time.time() - t0 if back else None)}", during, status == 200 and back)
    finally:
        if load: load.close()
        host.stop()
