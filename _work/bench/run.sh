#!/usr/bin/env bash
# Portway against plain ASP.NET Core, on loopback. See _work/bench/RESULTS.md for what it measures and
# the README's "Benchmarks" section for how to run it. Not part of `dotnet test Runtime.sln`.
#
#   _work/bench/run.sh [--rounds N] [--duration S] [--warmup S] [--connections C] [--max-seconds S]
#                      [--only NAME[,NAME]] [--no-memory] [--held N] [--no-build] [--no-write]
#
# Starts the baseline app and the Portway host (Release, free ports), warms each scenario up, then runs
# the load generator alternately against baseline and Portway for several rounds (the order flips each
# round), stops everything it started, prints the table and writes it between the bench markers of
# _work/bench/RESULTS.md. Needs: .NET 10 SDK, python3, curl; installs wrk and h2load (Debian packages
# wrk, nghttp2-client) when missing. BENCH_REDIS_HOST_ENV="VAR=VALUE ..." adds variables to the environment of the
# sys.echo/redis host only (e.g. DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0, see the README's "Scale out with Redis").
set -euo pipefail

ROUNDS=3 DURATION=10 WARMUP=5 CONNECTIONS=32 MAX_SECONDS=900 ONLY="" MEMORY=1 HELD=5000 BUILD=1 WRITE=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --max-seconds) MAX_SECONDS=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --no-memory) MEMORY=0; shift ;;
    --held) HELD=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --no-write) WRITE=0; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH/../.." && pwd)
RESULTS_MD="$BENCH/RESULTS.md"
START=$(date +%s)

# ---------------------------------------------------------------------------------------------------
# The scenarios. One row each; adding a scenario is one row (plus a config endpoint / baseline route).
#   name       : table name
#   client     : wrk (HTTP/1.1) | h2load (HTTP/2 prior knowledge, h2c) | ws (WebSocket round trips, LoadWs/:
#                {"id","op":"echo","payload":BODY} answered by {"id","type":"reply",...}, one at a time per connection) |
#                wrksigned (HTTP/1.1, node heartbeats signed just before each run by heartbeats.py, each sent once by
#                heartbeat.lua: path and body come from that file, the row's path and body are labels)
#   instance   : which Portway host serves it: pw (bench.yaml) | pwtcp (bench-tcp.yaml, echo in a child) |
#                pwsigned (bench.yaml with auth.sign_in_process: true: what signing every in-process hop costs) |
#                pwredis (bench-redis.yaml, echo on a worker over Redis Streams; run.sh starts its own redis-server)
#   path       : the Portway path
#   base_path  : the baseline path, or - when the reference is another Portway scenario
#   body       : file under bodies/
#   ref        : baseline | NAME (ratio against Portway's NAME scenario of the same round; keep the row
#                right after NAME's so the two run back to back)
#   waits_for  : what must land before it can run; it runs as soon as its probe answers 200 over its protocol
SCENARIOS=(
  "sys.echo/h1        wrk    pw    /v1/echo               /v1/echo               echo.json     baseline     -"
  "batch.submit/h1    wrk    pw    /v1/batches            -                      batch.json    sys.echo/h1  issue-16(batches)"
  "sys.echo/tcp_local wrk    pwtcp /v1/echo               -                      echo.json     sys.echo/h1  issue-4(tcp_local)"
  "sys.echo/redis     wrk    pwredis /v1/echo             -                      echo.json     sys.echo/h1  issue-14(redis)"
  "sys.echo/h1-signed wrk    pwsigned /v1/echo          /v1/echo               echo.json     baseline     -"
  "sys.echo/h1-jwt-rate wrk  pw    /v1/echo-jwt           /v1/echo-jwt           echo.json     baseline     -"
  "dag3/h1            wrk    pw    /v1/dag3               /v1/dag3               echo.json     baseline     -"
  "feedback/h1        wrk    pw    /v1/resonance/feedback /v1/resonance/feedback feedback.json baseline     -"
  "sys.echo/h2        h2load pw    /v1/echo               /v1/echo               echo.json     baseline     issue-3(host-h2c)"
  "sys.echo/ws        ws     pw    /v1/ws                 /ws                    echo.json     baseline     issue-3(websocket)"
  # the node directory on the real host (run.sh registers DIRECTORY_NODES nodes first); no baseline: against sys.echo/h1
  "directory.register/h1 wrk pw /v1/directory/nodes     -                      directory-register.json sys.echo/h1 -"
  "directory.discover/h1 wrk pw /v1/directory/discover  -                      directory-discover.json sys.echo/h1 -"
  # HEARTBEAT_NODES nodes (2000) with their own ECDSA P-256 keys, each heartbeat freshly signed for its (node, ts): no replays
  "directory.heartbeat/h1 wrksigned pw /v1/directory/nodes/{id}/heartbeat - heartbeats sys.echo/h1 -"
)
# ---------------------------------------------------------------------------------------------------

# sys.echo/h1-jwt-rate: one HS256 secret for both servers (bench.yaml's hs256_secret_env, the baseline's BenchJwt) and a
# token signed with it (iss/aud portway-bench, valid 1 h) that the load generator and the probe send.
export PORTWAY_BENCH_JWT_SECRET
PORTWAY_BENCH_JWT_SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
BENCH_TOKEN=$(python3 - <<'PY'
import base64, hashlib, hmac, json, os, time
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
now = int(time.time())
head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
body = b64(json.dumps({"iss": "portway-bench", "aud": "portway-bench", "sub": "bench", "iat": now, "nbf": now, "exp": now + 3600}).encode())
sig = hmac.new(os.environ["PORTWAY_BENCH_JWT_SECRET"].encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
print(f"{head}.{body}.{b64(sig)}")
PY
)
auth_for() { [[ $1 == *-jwt-rate ]] && echo "Bearer $BENCH_TOKEN" || true; } # scenario -> the Authorization header it sends

WORK=$(mktemp -d /tmp/portway-bench.XXXXXX)
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]:-}"; do
    [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]:-}"; do
    [[ -n "$pid" ]] && wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
elapsed() { echo $(( $(date +%s) - START )); }
over_budget() { [[ $(elapsed) -ge $MAX_SECONDS ]]; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# --- tools -------------------------------------------------------------------------------------------
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v h2load >/dev/null || need+=(nghttp2-client)
command -v curl >/dev/null || need+=(curl)
if [[ ${#need[@]} -gt 0 ]]; then
  log "installing ${need[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
command -v python3 >/dev/null || { echo "run.sh: python3 is required" >&2; exit 2; }
selected() { [[ -z "$ONLY" ]] || [[ ",$ONLY," == *",$1,"* ]]; }
if selected directory.heartbeat/h1 && ! python3 -c 'import cryptography' 2>/dev/null; then
  log "installing python3-cryptography (heartbeats.py signs the heartbeats)"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-cryptography >/dev/null
fi

# Thousands of held connections need file descriptors (the servers inherit this limit).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# --- build -------------------------------------------------------------------------------------------
HOST_DLL="$ROOT/framework/Portway.Host/bin/Release/net10.0/Portway.Host.dll"
BASE_DLL="$BENCH/Baseline/bin/Release/net10.0/Portway.Bench.Baseline.dll"
LOADWS_DLL="$BENCH/LoadWs/bin/Release/net10.0/Portway.Bench.LoadWs.dll"
if [[ $BUILD -eq 1 ]]; then
  log "building Release (host, baseline, WebSocket load client)"
  dotnet build -c Release -nologo -v q "$ROOT/framework/Portway.Host/Portway.Host.csproj" >"$WORK/build-host.log" 2>&1 || { cat "$WORK/build-host.log" >&2; exit 1; }
  dotnet build -c Release -nologo -v q "$BENCH/Baseline/Portway.Bench.Baseline.csproj" >"$WORK/build-base.log" 2>&1 || { cat "$WORK/build-base.log" >&2; exit 1; }
  dotnet build -c Release -nologo -v q "$BENCH/LoadWs/Portway.Bench.LoadWs.csproj" >"$WORK/build-loadws.log" 2>&1 || { cat "$WORK/build-loadws.log" >&2; exit 1; }
fi

# --- servers -----------------------------------------------------------------------------------------
export PORTWAY_DATA_DIR="$WORK/data"
export DOTNET_gcServer=0 # both apps as built (workstation GC unless the project says otherwise): same for both
mkdir -p "$PORTWAY_DATA_DIR"
declare -A URL H2URL PID_OF
start() { # name, log, command...
  local name=$1 logf=$2; shift 2
  "$@" >"$logf" 2>&1 &
  PIDS+=($!)
  PID_OF[$name]=$!
}
wait_health() { # name url
  local deadline=$(( $(date +%s) + 60 ))
  until curl -fsS -o /dev/null "$2/health" 2>/dev/null; do
    if ! kill -0 "${PID_OF[$1]}" 2>/dev/null || [[ $(date +%s) -ge $deadline ]]; then
      return 1
    fi
    sleep 0.2
  done
}
uses_instance() { local s; for s in "${SCENARIOS[@]}"; do [[ $(awk '{print $3}' <<<"$s") == "$1" ]] && selected "$(awk '{print $1}' <<<"$s")" && return 0; done; return 1; }

BP=$(free_port); BH2=$(free_port)
URL[base]="http://127.0.0.1:$BP"; H2URL[base]="http://127.0.0.1:$BH2"
start base "$WORK/base.log" dotnet "$BASE_DLL" --port "$BP" --h2c-port "$BH2"
# Portway hosts: pw always; the others when a selected scenario uses them.
sed 's/nonce_cache_size: 100000 }/nonce_cache_size: 100000, sign_in_process: true }/' "$BENCH/bench.yaml" >"$WORK/bench-signed.yaml"
grep -q 'sign_in_process: true' "$WORK/bench-signed.yaml" || { echo "bench.yaml: could not switch sign_in_process on" >&2; exit 1; }
declare -A CONFIG=([pw]="$BENCH/bench.yaml" [pwtcp]="$BENCH/bench-tcp.yaml" [pwsigned]="$WORK/bench-signed.yaml" [pwredis]="$BENCH/bench-redis.yaml")
REDIS_ENV=()
if uses_instance pwredis; then
  # Its own redis-server (persistence off, free loopback port) and a shared secret for the host and its worker.
  if ! command -v redis-server >/dev/null || ! command -v redis-benchmark >/dev/null; then
    log "installing redis-server redis-tools"
    SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server redis-tools >/dev/null
  fi
  RP=$(free_port)
  start redis "$WORK/redis.log" redis-server --port "$RP" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK"
  until redis-cli -p "$RP" ping >/dev/null 2>&1; do sleep 0.1; done
  REDIS_ENV=(env "PORTWAY_REDIS=127.0.0.1:$RP" "PORTWAY_IPC_SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')")
  read -r -a extra_env <<<"${BENCH_REDIS_HOST_ENV:-}"
  REDIS_ENV+=("${extra_env[@]}")
fi
INSTANCES=(base)
for i in pw pwtcp pwsigned pwredis; do
  [[ $i == pw ]] || uses_instance "$i" || continue
  port=$(free_port)
  URL[$i]="http://127.0.0.1:$port"; H2URL[$i]="${URL[$i]}"
  if [[ $i == pwredis ]]; then
    start "$i" "$WORK/$i.log" "${REDIS_ENV[@]}" dotnet "$HOST_DLL" serve --config "${CONFIG[$i]}" --urls "${URL[$i]}"
  else
    start "$i" "$WORK/$i.log" dotnet "$HOST_DLL" serve --config "${CONFIG[$i]}" --urls "${URL[$i]}"
  fi
  INSTANCES+=("$i")
done
H2URL[pw]="${BENCH_PORTWAY_H2C_URL:-${URL[pw]}}"
declare -A UP
for i in "${INSTANCES[@]}"; do
  if wait_health "$i" "${URL[$i]}"; then UP[$i]=1; else UP[$i]=0; log "$i did not come up (log: $(tail -c 300 "$WORK/$i.log" | tr '\n' ' '))"; fi
done
[[ ${UP[base]} -eq 1 && ${UP[pw]} -eq 1 ]] || { echo "run.sh: baseline or Portway did not start" >&2; exit 1; }
# The feedback pipeline compares against a stored profile: both servers read the same data dir.
curl -fsS -o /dev/null -X PUT "${URL[pw]}/v1/tenants/bench/profiles/alice" -H 'content-type: application/json' --data-binary "@$BENCH/bodies/profile.json"
# The directory rows run against a directory that holds DIRECTORY_NODES nodes (one key for all: registering needs no signature).
if selected directory.register/h1 || selected directory.discover/h1; then
  python3 - "${URL[pw]}" "$BENCH/bodies/directory-register.json" "${DIRECTORY_NODES:-10000}" <<'PY'
import http.client, json, sys, urllib.parse
url, body, count = urllib.parse.urlsplit(sys.argv[1]), json.load(open(sys.argv[2])), int(sys.argv[3])
conn = http.client.HTTPConnection(url.hostname, url.port)
for i in range(count):
    node = dict(body, id=f"node-{i:07d}", endpoints=[f"https://10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}:7000"],
                capabilities=["relay", "store"] if i % 10 == 0 else ["relay"])
    conn.request("POST", "/v1/directory/nodes", json.dumps(node), {"content-type": "application/json"})
    r = conn.getresponse(); r.read()
    if r.status != 200: sys.exit(f"register node-{i:07d}: HTTP {r.status}")
PY
  log "directory: ${DIRECTORY_NODES:-10000} nodes registered"
fi
# The heartbeat row: HEARTBEAT_NODES nodes of their own keys (kept in $WORK/heartbeats.json to sign with).
HB_STATE="$WORK/heartbeats.json"
if selected directory.heartbeat/h1; then
  python3 "$BENCH/heartbeats.py" register "${URL[pw]}" "$HB_STATE" "${HEARTBEAT_NODES:-2000}"
  log "directory: ${HEARTBEAT_NODES:-2000} heartbeat nodes registered"
fi
# How many heartbeats to sign per second of a run: HEARTBEAT_RATE to begin with, then twice the rate the last run reached.
hb_rate() { cat "$WORK/hb-rate" 2>/dev/null || echo "${HEARTBEAT_RATE:-4000}"; }

# --- probes: a scenario runs when one request answers 200 over its protocol ----------------------------
probe() { # client url body [authorization] -> 0 when it answers 200 (over HTTP/2 for h2load)
  local client=$1 url=$2 body=$3 auth=${4:-} out
  case "$client" in
    wrk) out=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X POST "$url" -H 'content-type: application/json' ${auth:+-H "authorization: $auth"} --data-binary "@$body" || true); [[ $out == 200 ]] ;;
    h2load) out=$(curl -s -o /dev/null -w '%{http_code} %{http_version}' --max-time 10 --http2-prior-knowledge -X POST "$url" -H 'content-type: application/json' --data-binary "@$body" || true); [[ $out == "200 2" ]] ;;
    wrksigned) python3 "$BENCH/heartbeats.py" sign "$HB_STATE" "$WORK/hb-probe.txt" 1 || return 1
        IFS=$'\t' read -r hpath hbody <"$WORK/hb-probe.txt"
        out=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X POST "${url%%/v1/*}$hpath" -H 'content-type: application/json' --data "$hbody" || true); [[ $out == 200 ]] ;;
    ws) out=$(timeout 30 dotnet "$LOADWS_DLL" "${url/http:/ws:}" 1 1 "$body" echo 2>/dev/null | grep '^BENCH_RESULT' || true)
        [[ $out =~ requests=([0-9]+).*non2xx=0\ sockerr=0 ]] && [[ ${BASH_REMATCH[1]} -gt 0 ]] ;;
    *) return 1 ;;
  esac
}
declare -A READY WHY
for s in "${SCENARIOS[@]}"; do
  read -r name client inst path bpath body ref waits <<<"$s"
  selected "$name" || continue
  base_url() { [[ $client == h2load ]] && echo "${H2URL[$1]}" || echo "${URL[$1]}"; }
  if [[ ${UP[$inst]:-0} -ne 1 ]]; then READY[$name]=0; WHY[$name]="waits for $waits: host with ${inst} config did not start"; continue; fi
  # A redis or tcp_local host answers once its supervised worker has announced itself (a few seconds after /health,
  # longer on a loaded machine): wait up to 60 s.
  if [[ $inst == pwredis || $inst == pwtcp ]]; then
    deadline=$(( $(date +%s) + 60 ))
    until probe "$client" "$(base_url "$inst")$path" "$BENCH/bodies/$body" || [[ $(date +%s) -ge $deadline ]]; do sleep 0.5; done
  fi
  if ! probe "$client" "$(base_url "$inst")$path" "$BENCH/bodies/$body" "$(auth_for "$name")"; then READY[$name]=0; WHY[$name]="waits for $waits: Portway does not answer it yet"; continue; fi
  if [[ $bpath != - ]] && ! probe "$client" "$(base_url base)$bpath" "$BENCH/bodies/$body" "$(auth_for "$name")"; then READY[$name]=0; WHY[$name]="waits for $waits: no baseline client/route for it yet"; continue; fi
  READY[$name]=1
done

# --- memory, on the fresh servers: resident set idle (started, nothing served but the probes) and with HELD
#     sys.delay requests held open over real connections; before the load, so the load's heap growth is not in it
MEMORY_TSV="$WORK/memory.tsv"; : >"$MEMORY_TSV"
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
pending() { curl -fsS --max-time 5 "$1/stats" 2>/dev/null | python3 -c 'import sys,json; print(json.load(sys.stdin).get("pending_waiters",-1))' 2>/dev/null || echo -1; }
if [[ $MEMORY -eq 1 ]] && ! over_budget; then
  printf '{"ms":120000}' >"$WORK/delay.json"
  for who in pw base; do
    pid=${PID_OF[$who]}
    sleep 2
    idle=$(rss_kb "$pid")
    log "memory $who: idle VmRSS ${idle} kB; holding $HELD sys.delay requests"
    BENCH_BODY_FILE="$WORK/delay.json" timeout 150 wrk -t2 -c"$HELD" -d100s --timeout 130s -s "$BENCH/post.lua" "${URL[$who]}/v1/delay" >"$WORK/held-$who.log" 2>&1 &
    held_pid=$!
    PIDS+=($held_pid)
    # Wait (deadline 60 s) until the server holds them: Portway's /stats pending_waiters, else established sockets.
    deadline=$(( $(date +%s) + 60 )) n=0
    while [[ $(date +%s) -lt $deadline ]]; do
      if [[ $who == pw ]]; then n=$(pending "${URL[pw]}"); else n=$(ss -Htn state established "( sport = :$BP )" | wc -l); fi
      [[ $n -ge $HELD ]] && break
      sleep 0.5
    done
    sleep 2
    held=$(rss_kb "$pid")
    [[ $who == pw ]] && n=$(pending "${URL[pw]}")
    log "memory $who: ${n} held, VmRSS ${held} kB"
    kill "$held_pid" 2>/dev/null || true
    wait "$held_pid" 2>/dev/null || true
    left=-
    if [[ $who == pw ]]; then
      deadline=$(( $(date +%s) + 60 ))
      until [[ $(pending "${URL[pw]}") -eq 0 || $(date +%s) -ge $deadline ]]; do sleep 0.5; done
      left=$(pending "${URL[pw]}")
      log "memory pw: pending waiters after the clients left: $left"
    fi
    printf '%s\t%s\t%s\t%s\t%s\n' "$who" "$idle" "$n" "$held" "$left" >>"$MEMORY_TSV"
  done
fi

# --- load ----------------------------------------------------------------------------------------------
RESULTS="$WORK/results.tsv"; : >"$RESULTS"
run_load() { # client url body seconds [authorization] -> "rps p50_us p99_us errors" on stdout
  local client=$1 url=$2 body=$3 secs=$4 auth=${5:-} out
  case "$client" in
    wrk)
      out=$(BENCH_BODY_FILE="$body" BENCH_AUTHORIZATION="$auth" wrk -t2 -c"$CONNECTIONS" -d"${secs}s" --timeout 10s -s "$BENCH/post.lua" "$url" 2>&1 | grep '^BENCH_RESULT' || true)
      [[ -n $out ]] || { echo "0 0 0 -1"; return; }
      python3 - "$out" <<'PY'
import sys
kv = dict(p.split("=") for p in sys.argv[1].split()[1:])
rps = int(kv["requests"]) / (int(kv["duration_us"]) / 1e6)
print(f'{rps:.0f} {kv["p50_us"]} {kv["p99_us"]} {int(kv["non2xx"]) + int(kv["sockerr"])}')
PY
      ;;
    wrksigned)
      local lines="$WORK/heartbeats.txt" rate
      rate=$(hb_rate)
      python3 "$BENCH/heartbeats.py" sign "$HB_STATE" "$lines" $(( secs * rate )) >&2 || { echo "0 0 0 -1"; return; }
      out=$(BENCH_LINES_FILE="$lines" BENCH_THREADS=2 wrk -t2 -c"$CONNECTIONS" -d"${secs}s" --timeout 10s -s "$BENCH/heartbeat.lua" "${url%%/v1/*}" 2>&1 | grep '^BENCH_RESULT' || true)
      [[ -n $out ]] || { echo "0 0 0 -1"; return; }
      python3 - "$out" "$WORK/hb-rate" <<'PY'
import sys
kv = dict(p.split("=") for p in sys.argv[1].split()[1:])
rps = int(kv["requests"]) / (int(kv["duration_us"]) / 1e6)
open(sys.argv[2], "w").write(str(max(1000, int(rps * 2))))
print(f'{rps:.0f} {kv["p50_us"]} {kv["p99_us"]} {int(kv["non2xx"]) + int(kv["sockerr"])}')
PY
      ;;
    ws)
      out=$(timeout $(( secs + 60 )) dotnet "$LOADWS_DLL" "${url/http:/ws:}" "$CONNECTIONS" "$secs" "$body" echo 2>&1 | grep '^BENCH_RESULT' || true)
      [[ -n $out ]] || { echo "0 0 0 -1"; return; }
      python3 - "$out" <<'PY'
import sys
kv = dict(p.split("=") for p in sys.argv[1].split()[1:])
rps = int(kv["requests"]) / (int(kv["duration_us"]) / 1e6)
print(f'{rps:.0f} {kv["p50_us"]} {kv["p99_us"]} {int(kv["non2xx"]) + int(kv["sockerr"])}')
PY
      ;;
    h2load)
      local logf="$WORK/h2load.log"; rm -f "$logf"
      out=$(h2load -t2 -c"$CONNECTIONS" -m1 -D "$secs" -d "$body" -H 'content-type: application/json' --log-file="$logf" "$url" 2>&1 || true)
      python3 - "$logf" "$out" <<'PY'
import sys, re
out = sys.argv[2]
m = re.search(r"finished in [^,]+, ([0-9.]+) req/s", out)
f = re.search(r"requests: \d+ total, \d+ started, \d+ done, \d+ succeeded, (\d+) failed, (\d+) errored, (\d+) timeout", out)
lat = []
try:
    for line in open(sys.argv[1]):
        parts = line.split()
        if len(parts) >= 3: lat.append(int(parts[2]))
except OSError:
    pass
lat.sort()
pct = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] if lat else 0
errors = sum(int(x) for x in f.groups()) if f else -1
print(f'{float(m.group(1)) if m else 0:.0f} {pct(0.50)} {pct(0.99)} {errors}')
PY
      ;;
  esac
}
target_url() { # instance client path
  if [[ $2 == h2load ]]; then echo "${H2URL[$1]}$3"; else echo "${URL[$1]}$3"; fi
}

LOAD_BEFORE=$(loadavg)
log "load average before: $LOAD_BEFORE (nproc $(nproc))"
for s in "${SCENARIOS[@]}"; do
  read -r name client inst path bpath body ref waits <<<"$s"
  [[ ${READY[$name]:-0} -eq 1 ]] || continue
  log "warm-up $name (${WARMUP}s per server)"
  [[ $bpath != - ]] && run_load "$client" "$(target_url base "$client" "$bpath")" "$BENCH/bodies/$body" "$WARMUP" "$(auth_for "$name")" >/dev/null
  run_load "$client" "$(target_url "$inst" "$client" "$path")" "$BENCH/bodies/$body" "$WARMUP" "$(auth_for "$name")" >/dev/null
done

for (( round = 1; round <= ROUNDS; round++ )); do
  for s in "${SCENARIOS[@]}"; do
    read -r name client inst path bpath body ref waits <<<"$s"
    [[ ${READY[$name]:-0} -eq 1 ]] || continue
    if over_budget; then log "time budget (${MAX_SECONDS}s) reached: round $round of $name not run"; continue; fi
    order=(portway baseline); (( round % 2 == 1 )) && order=(baseline portway)
    for who in "${order[@]}"; do
      if [[ $who == baseline ]]; then
        [[ $bpath != - ]] || continue
        url=$(target_url base "$client" "$bpath")
      else
        url=$(target_url "$inst" "$client" "$path")
      fi
      r=$(run_load "$client" "$url" "$BENCH/bodies/$body" "$DURATION" "$(auth_for "$name")")
      log "round $round $name $who: $r"
      printf '%s\t%s\t%s\t%s\t%s\n' "$round" "$name" "$who" "$ref" "$r" >>"$RESULTS"
    done
  done
done
LOAD_AFTER=$(loadavg)

# The floor under sys.echo/redis: what this redis-server does alone on this machine, at the same connections.
if [[ -n "${RP:-}" ]] && ! over_budget; then
  log "redis-benchmark (floor for sys.echo/redis, -c $CONNECTIONS): $(redis-benchmark -p "$RP" -c "$CONNECTIONS" -n 200000 -q -t set,xadd 2>/dev/null | tr '\r' '\n' | grep -E 'requests per second' | tr '\n' ';')"
fi

# --- report ------------------------------------------------------------------------------------------
PENDING_TSV="$WORK/pending.tsv"; : >"$PENDING_TSV"
for s in "${SCENARIOS[@]}"; do
  read -r name client inst path bpath body ref waits <<<"$s"
  selected "$name" || continue
  [[ ${READY[$name]:-0} -eq 1 ]] || printf '%s\t%s\n' "$name" "${WHY[$name]}" >>"$PENDING_TSV"
done
export ROUNDS DURATION WARMUP CONNECTIONS HELD LOAD_BEFORE LOAD_AFTER
python3 "$BENCH/report.py" "$RESULTS" "$MEMORY_TSV" "$PENDING_TSV" "$RESULTS_MD" "$WRITE" "$(elapsed)"
