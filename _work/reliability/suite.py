#!/usr/bin/env python3
"""Portway reliability suite (see README.md, "Reliability suite"). Started by run.sh; loopback only, bounded in time."""
import argparse, base64, http.client, json, os, random, re, shutil, signal, socket, stat, subprocess, sys, tempfile, threading, time

ap = argparse.ArgumentParser()
ap.add_argument("--root", required=True)
ap.add_argument("--only", default="config,ingress,boundary,recovery,soak")
ap.add_argument("--soak-seconds", type=int, default=60)
ap.add_argument("--no-write", action="store_true")
opt = ap.parse_args()
ROOT = opt.root
HOST_DLL = os.path.join(ROOT, "framework/Portway.Host/bin/Release/net10.0/Portway.Host.dll")
HOSTILE = "/work/shared/repro/hostile"
ROWS = []  # (part, case, expected, observed, seconds, ok)
WORK = tempfile.mkdtemp(prefix="portway-reliability-")


def row(part, case, expected, observed, seconds, ok):
    ROWS.append((part, case, expected, observed, seconds, ok))
    print(f"{'PASS' if ok else 'FAIL'}  {part:9} {case:48} expected {expected:28} got {observed} ({seconds:.2f} s)", flush=True)


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


class Host:
    def __init__(self, config):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(dir=WORK)
        self.log = open(os.path.join(self.dir, "host.log"), "w+")
        env = dict(os.environ, PORTWAY_DATA_DIR=os.path.join(self.dir, "data"))
        self.proc = subprocess.Popen(["dotnet", HOST_DLL, "serve", "--config", config, "--urls", f"http://127.0.0.1:{self.port}"],
                                     cwd=self.dir, stdout=self.log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                if self.get("/health")[0] == 200: return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("host did not start: " + self.output()[-2000:])

    def output(self):
        self.log.flush()
        with open(self.log.name) as f: return f.read()

    def request(self, method, path, body=None, headers=None, timeout=30):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse(); data = r.read()
            return r.status, data
        finally:
            c.close()

    def get(self, path): return self.request("GET", path)

    def post(self, path, body, ctype="application/json", timeout=30):
        return self.request("POST", path, body if isinstance(body, bytes) else body.encode(), {"content-type": ctype}, timeout)

    def alive(self): return self.proc.poll() is None

    def rss_fd(self):
        pid = self.proc.pid
        rss = int(re.search(r"VmRSS:\s+(\d+)", open(f"/proc/{pid}/status").read()).group(1))
        return rss, len(os.listdir(f"/proc/{pid}/fd"))

    def stop(self):
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try: self.proc.wait(30)
            except subprocess.TimeoutExpired: os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()


def code_of(data):
    try: return json.loads(data).get("code") or json.loads(data).get("error", {}).get("code")
    except Exception: return None

# ----------------------------------------------------------------------------------------------- config
def part_config():
    d = os.path.join(WORK, "config"); os.makedirs(d)
    base = open(os.path.join(ROOT, "config/runtime.yaml")).read()
    def write(name, data):
        p = os.path.join(d, name)
        with open(p, "wb") as f: f.write(data if isinstance(data, bytes) else data.encode())
        return p
    fifo = os.path.join(d, "fifo.yaml"); os.mkfifo(fifo)
    laughs = "".join(f"  l{i}: &l{i} [{', '.join([f'*l{i-1}'] * 10)}]\n" for i in range(1, 10))
    cases = [
        ("billion laughs in with: (repro)", os.path.join(HOSTILE, "laughs_in_with.yaml"), 1, "aliases are expanded"),
        ("laughs, 7 levels (repro)", os.path.join(HOSTILE, "laughs_in_with_7_levels.yaml"), 1, "aliases are expanded"),
        ("laughs under an unknown key", write("laughs_top.yaml", base + "\nextra:\n  l0: &l0 lol\n" + laughs), 1, "aliases are expanded"),
        ("with: nested 1000 deep (repro)", os.path.join(HOSTILE, "deep_with_1000.yaml"), 1, "nesting deeper"),
        ("with: nested 1000 deep, --json", os.path.join(HOSTILE, "deep_with_1000.yaml"), 1, "nesting deeper"),
        ("flow sequence 100,000 deep", write("deep.yaml", base + "\nextra: " + "[" * 100000 + "]" * 100000 + "\n"), 1, "nesting deeper"),
        ("/dev/zero", "/dev/zero", 2, "not a regular file"),
        ("FIFO without a writer", fifo, 2, "not a regular file"),
        ("a directory", d, 2, "directory"),
        ("2 MiB file", write("big.yaml", base + "#" + "x" * (2 << 20) + "\n"), 2, "larger than"),
        ("invalid UTF-8 in data_dir", write("utf8.yaml", base.encode().replace(b"data_dir: ./data", b"data_dir: ./da\xffta")), 1, "invalid UTF-8"),
        ("tab as indentation", write("tab.yaml", base.replace("    data_dir:", "\tdata_dir:")), 1, "tab"),
        ("random bytes", write("random.yaml", random.Random(11).randbytes(4096)), 1, "invalid UTF-8"),
        ("empty file", write("empty.yaml", ""), 1, "empty"),
        ("two documents", write("two.yaml", base + "\n---\n" + base), 1, "one YAML document"),
        ("unclosed flow mapping", write("unclosed.yaml", "runtime: { platform: {\n"), 1, "YAML syntax error"),
        ("alias to an undefined anchor", write("alias.yaml", base + "\nextra: *nope\n"), 1, ""),
        ("10,000-character key", write("longkey.yaml", base + "\n" + "k" * 10000 + ": 1\n"), 1, ""),
    ]
    env = dict(os.environ, DOTNET_GCHeapHardLimit="0x40000000")
    for name, path, expected, text in cases:
        args = ["dotnet", HOST_DLL, "check", path] + (["--json"] if "--json" in name else [])
        t0 = time.time()
        try:
            p = subprocess.run(args, capture_output=True, timeout=60, env=env)
            code, err = p.returncode, p.stderr.decode(errors="replace")
            observed = f"exit {code}"
            ok = code == expected and text in err
        except subprocess.TimeoutExpired:
            observed, ok = "timeout (60 s)", False
        row("config", name, f"exit {expected}" + (f", '{text}'" if text else ""), observed, time.time() - t0, ok)

# ---------------------------------------------------------------------------------------------- ingress
def raw(port, data, timeout=10):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(data); buf = b""
        while True:
            try: chunk = s.recv(65536)
            except socket.timeout: break
            if not chunk: break
            buf += chunk
            if b"\r\n\r\n" in buf and len(buf) > 12: break
        return buf
    finally: s.close()


def status_of(resp):
    m = re.match(rb"HTTP/1\.1 (\d{3})", resp); return int(m.group(1)) if m else None


def ws_upgrade(port, path, extra=b""):
    key = base64.b64encode(os.urandom(16))
    return raw(port, b"GET " + path.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key +
               b"\r\nSec-WebSocket-Version: 13\r\n" + extra + b"\r\n")


def part_ingress():
    host = Host(os.path.join(ROOT, "config/runtime.yaml"))
    try:
        frag = " ".join("fragment F%d on Query { ...F%d ...F%d }" % (i, i + 1, i + 1) for i in range(30)) + " fragment F30 on Query { echo(x:1){x} }"
        cases = [
            ("chunked framing garbage", lambda: status_of(raw(host.port, b"POST /v1/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")), {400}),
            ("invalid UTF-8 JSON", lambda: host.request("PUT", "/v1/tenants/acme/profiles/k", b'{"\xff":1}', {"content-type": "application/json"})[0], {400}),
            ("malformed JSON", lambda: host.post("/v1/echo", "{not json")[0], {400}),
            ("body over max_body_bytes", lambda: host.post("/v1/echo", '{"x":"' + "a" * 70000 + '"}')[0], {413}),
            ("wrong content type", lambda: host.post("/v1/echo", "x", "text/plain")[0], {415}),
            ("unknown route", lambda: host.post("/v1/nope", "{}")[0], {404}),
            ("wrong method", lambda: host.request("DELETE", "/v1/echo")[0], {405}),
            ("node slower than the deadline", lambda: host.post("/v1/delay", '{"ms":10000}')[0], {504}),
            ("GraphQL fragment fan-out", lambda: host.post("/graphql", json.dumps({"query": "query { ...F0 } " + frag}), timeout=30)[0], {400}),
            ("GraphQL 8000 repeated fields", lambda: host.post("/graphql", json.dumps({"query": "{" + " ".join("echo{x}" for _ in range(8000)) + "}"}), timeout=30)[0], {400, 413}),
            ("GraphQL invalid UTF-8", lambda: host.post("/graphql", b'{"query":"{ echo(s:\\"\xff\\"){s} }"}')[0], {400}),
            ("WebSocket foreign Origin", lambda: status_of(ws_upgrade(host.port, "/graphql", b"Sec-WebSocket-Protocol: graphql-transport-ws\r\nOrigin: https://evil.example\r\n")), {403}),
            ("WebSocket bad upgrade (no key)", lambda: status_of(raw(host.port, b"GET /v1/ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")), {400}),
            ("HTTP/2 streamed body", lambda: int(subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--http2-prior-knowledge", "-X", "POST", "-H", "content-type: application/json",
                                                                  "--data-binary", '{"a":1}', f"http://127.0.0.1:{host.port}/v1/echo"], capture_output=True, timeout=20).stdout or 0), {200}),
        ]
        for name, run, expected in cases:
            t0 = time.time()
            try: observed = run()
            except Exception as e: observed = f"{type(e).__name__}"
            row("ingress", name, "/".join(map(str, sorted(expected))), str(observed), time.time() - t0, observed in expected and host.alive())

        # 1,000 idle connections and 1,000 that never send a byte: others are still answered.
        t0 = time.time(); held = []
        try:
            for _ in range(1000): held.append(socket.create_connection(("127.0.0.1", host.port), timeout=5))
            for s in held[:500]: s.sendall(b"POST /v1/echo HTTP/1.1\r\nHost: x\r\n")  # half a request, never finished
            status, _ = host.post("/v1/echo", '{"x":1}', timeout=10)
            row("ingress", "1000 idle/half-open connections held", "200 for others", str(status), time.time() - t0, status == 200)
        finally:
            for s in held: s.close()
        status, body = host.get("/stats")
        pending = json.loads(body).get("pending_waiters")
        row("ingress", "after the corpus: alive, 0 pending waiters", "alive, 0", f"{'alive' if host.alive() else 'DEAD'}, {pending}", 0, host.alive() and pending == 0)
    finally:
        host.stop()

# --------------------------------------------------------------------------------------------- boundary
def part_boundary():
    host = Host(os.path.join(ROOT, "config/multiprocess.yaml"))
    try:
        wait(lambda: len(re.findall(r"Worker (\S+) of group \S+ \(pid (\d+)\) is ready", host.output())) >= 2, 60)
        port = int(re.search(r"tcp_local listening on 127\.0\.0\.1:(\d+)", host.output()).group(1))
        host.request("PUT", "/v1/tenants/bench/profiles/alice", open(os.path.join(ROOT, "_work/bench/bodies/profile.json"), "rb").read(), {"content-type": "application/json"})
        feedback = open(os.path.join(ROOT, "_work/bench/bodies/feedback.json"), "rb").read()
        assert host.post("/v1/resonance/feedback", feedback)[0] == 200

        # ipc_hold.py's attack, harder: 1,100 silent connections kept open (reconnected when closed) for the whole case.
        stop = threading.Event(); made = [0]
        def hold():
            socks = []
            while not stop.is_set():
                while len(socks) < 1100 and not stop.is_set():
                    try: socks.append(socket.create_connection(("127.0.0.1", port), timeout=2)); made[0] += 1
                    except OSError: time.sleep(0.01)
                alive = []
                for s in socks:
                    s.setblocking(False)
                    try:
                        if s.recv(1) == b"": s.close(); continue
                    except BlockingIOError: pass
                    except OSError: s.close(); continue
                    alive.append(s)
                socks = alive; time.sleep(0.05)
            for s in socks: s.close()
        lines_before = host.output().count("tcp_local connection refused")
        holder = threading.Thread(target=hold, daemon=True); holder.start()
        time.sleep(3)
        ready = re.findall(r"Worker (\S+) of group \S+ \(pid (\d+)\) is ready", host.output())
        victim, pid = ready[-1][0], int(ready[-1][1])
        t0 = time.time(); os.kill(pid, signal.SIGKILL)
        back = wait(lambda: any(w == victim and int(p) != pid for w, p in re.findall(r"Worker (\S+) of group \S+ \(pid (\d+)\) is ready", host.output())), 90)
        ok_after = back and host.post("/v1/resonance/feedback", feedback)[0] == 200
        recovered = time.time() - t0
        held_for = time.time() - t0 + 3
        stop.set(); holder.join(10)
        row("boundary", "kill -9 a worker while 1,100 listener slots held", "worker back, 200", f"{'back' if back else 'NOT back'}, {'200' if ok_after else 'fail'}", recovered, ok_after)
        refusal_lines = host.output().count("tcp_local connection refused") - lines_before
        status, body = host.get("/stats")
        refused = json.loads(body).get("tcp_local", {}).get("refused_connections", -1)
        row("boundary", "refusals counted, log lines bounded", "counted, <= 10 lines/s (+1 s)", f"{refused} counted, {refusal_lines} lines in {held_for:.1f} s", held_for,
            refused >= 76 and refusal_lines <= 10 * (held_for + 1))

        # Raw bytes and a hello without an admission token: refused; requests go on.
        t0 = time.time()
        for data in (random.Random(3).randbytes(4096), b"\x00\x00\x00\x40" + b"\x01" * 64):
            s = socket.create_connection(("127.0.0.1", port), timeout=10); s.sendall(data)
            try: got = s.recv(4096)
            except OSError: got = b""
            s.close()
            if got: break
        status = host.post("/v1/resonance/feedback", feedback)[0]
        row("boundary", "raw bytes at the worker listener", "no answer bytes, 200 after", f"{len(got)} bytes, {status}", time.time() - t0, got == b"" and status == 200)
    finally:
        host.stop()


def wait(cond, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if cond(): return True
        time.sleep(0.1)
    return False

# ------------------------------------------------------------------------------------------------- soak
def part_soak():
    host = Host(os.path.join(ROOT, "config/multiprocess.yaml"))
    try:
        wait(lambda: len(re.findall(r"is ready", host.output())) >= 2, 60)
        host.request("PUT", "/v1/tenants/bench/profiles/alice", open(os.path.join(ROOT, "_work/bench/bodies/profile.json"), "rb").read(), {"content-type": "application/json"})
        feedback = open(os.path.join(ROOT, "_work/bench/bodies/feedback.json"), "rb").read()
        mix = [("POST", "/v1/echo", b'{"x":1}', 200), ("POST", "/v1/fanout", b'{"x":1}', 200), ("POST", "/v1/resonance/feedback", feedback, 200),
               ("POST", "/v1/fail", b'{}', None), ("GET", "/v1/tenants/bench/profiles/alice", None, 200)]
        rate, seconds = 100, opt.soak_seconds  # requests per second in all, over 4 threads
        sent = [0]; answered = [0]; bad = [0]; lock = threading.Lock(); samples = []
        stop_at = time.time() + seconds
        def worker(k):
            c = None; i = k; interval = 4.0 / rate; nxt = time.time()
            while time.time() < stop_at:
                method, path, body, want = mix[i % len(mix)]; i += 1
                try:
                    if c is None: c = http.client.HTTPConnection("127.0.0.1", host.port, timeout=30)
                    with lock: sent[0] += 1
                    c.request(method, path, body=body, headers={"content-type": "application/json"})
                    r = c.getresponse(); r.read()
                    with lock:
                        answered[0] += 1
                        if want is not None and r.status != want: bad[0] += 1
                except Exception:
                    with lock: bad[0] += 1
                    c = None
                nxt += interval
                time.sleep(max(0, nxt - time.time()))
        def sampler():
            while time.time() < stop_at:
                samples.append((time.time(), *host.rss_fd())); time.sleep(1)
        threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)] + [threading.Thread(target=sampler)]
        # Streams ride along: WebSocket echo and NDJSON ticks, one at a time.
        def streams():
            while time.time() < stop_at:
                subprocess.run(["curl", "-s", "-m", "10", "-X", "POST", "-H", "content-type: application/json", "--data-binary", '{"count":3,"interval_ms":10}',
                                f"http://127.0.0.1:{host.port}/v1/ticks"], capture_output=True)
                subprocess.run(["curl", "-s", "-m", "10", "--http2-prior-knowledge", "-X", "POST", "-H", "content-type: application/json", "--data-binary", '{"x":2}',
                                f"http://127.0.0.1:{host.port}/v1/echo"], capture_output=True)
                time.sleep(0.2)
        threads.append(threading.Thread(target=streams))
        t0 = time.time()
        for t in threads: t.start()
        for t in threads: t.join()
        wait(lambda: json.loads(host.get("/stats")[1]).get("pending_waiters") == 0, 30)
        pending = json.loads(host.get("/stats")[1]).get("pending_waiters")
        row("soak", f"{seconds} s mixed traffic at {rate}/s (multiprocess)", "1 answer each, 0 pending", f"{answered[0]}/{sent[0]} answered, {bad[0]} unexpected, {pending} pending",
            time.time() - t0, answered[0] == sent[0] and bad[0] == 0 and pending == 0)
        last = [s for s in samples if s[0] >= samples[-1][0] - 30] if samples else []
        if last:
            rss = [s[1] for s in last]; fds = [s[2] for s in last]
            def flat(v): m = sum(v) / len(v); return max(v) <= m * 1.1 and min(v) >= m * 0.9
            row("soak", "RSS flat over the last 30 s (±10 %)", "flat", f"{min(rss)//1024}..{max(rss)//1024} MiB", 30, flat(rss))
            row("soak", "open fds flat over the last 30 s (±10 %)", "flat", f"{min(fds)}..{max(fds)}", 30, flat(fds))
    finally:
        host.stop()


def part_recovery():
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from recovery import part_recovery as run
    run(Host, row, wait, WORK, ROOT)


PARTS = {"config": part_config, "ingress": part_ingress, "boundary": part_boundary, "recovery": part_recovery, "soak": part_soak}
started = time.time()
for name in opt.only.split(","):
    try: PARTS[name]()
    except Exception as e:
        row(name, "part did not complete", "completes", f"{type(e).__name__}: {e}"[:80], 0, False)
shutil.rmtree(WORK, ignore_errors=True)

load = open("/proc/loadavg").read().split()[0]
table = ["| part | case | expected | observed | s | result |", "|---|---|---|---|---:|---|"]
table += [f"| {p} | {c} | {e} | {o} | {s:.2f} | {'pass' if ok else '**FAIL**'} |" for p, c, e, o, s, ok in ROWS]
summary = (f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {time.time() - started:.0f} s, load average {load} at the end "
           f"(2 shared cores), parts: {opt.only}. {sum(1 for r in ROWS if r[5])}/{len(ROWS)} passed.")
print("\n" + summary + "\n" + "\n".join(table))
if not opt.no_write:
    path = os.path.join(ROOT, "_work/reliability/RESULTS.md")
    text = open(path).read() if os.path.exists(path) else "# Reliability suite results\n\n<!-- results:start -->\n<!-- results:end -->\n"
    start, end = text.index("<!-- results:start -->"), text.index("<!-- results:end -->")
    text = text[:start] + "<!-- results:start -->\n" + summary + "\n\n" + "\n".join(table) + "\n" + text[end:]
    open(path, "w").write(text)
sys.exit(0 if all(r[5] for r in ROWS) else 1)
