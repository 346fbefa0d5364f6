#!/usr/bin/env bash
# Bytes allocated per request by the Portway host (Release build in ROOT) serving bench.yaml under wrk -c32: what the
# machine's load barely moves, unlike req/s. dotnet-counters (dotnet tool install -g dotnet-counters) sums the runtime's
# dotnet.gc.heap.total_allocated over the run; wrk counts the requests.
#
#   _work/bench/allocs.sh [ROOT] [PATH] [SECONDS]      e.g. _work/bench/allocs.sh . /v1/dag3 8
#
# ROOT defaults to this checkout (build it first: dotnet build -c Release framework/Portway.Host); PATH to /v1/dag3.
set -euo pipefail
ROOT=$(cd "${1:-$(dirname "${BASH_SOURCE[0]}")/../..}" && pwd); P=${2:-/v1/dag3}; SECS=${3:-8}
export PATH=$PATH:$HOME/.dotnet/tools
command -v dotnet-counters >/dev/null || { echo "allocs.sh: needs dotnet-counters (dotnet tool install -g dotnet-counters)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "allocs.sh: needs wrk (apt-get install -y wrk)" >&2; exit 2; }
WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
cd "$ROOT"
export PORTWAY_BENCH_JWT_SECRET=${PORTWAY_BENCH_JWT_SECRET:-0123456789abcdef0123456789abcdef}
export BENCH_BODY_FILE=_work/bench/bodies/echo.json
dotnet framework/Portway.Host/bin/Release/net10.0/Portway.Host.dll serve --config _work/bench/bench.yaml --urls "http://127.0.0.1:$PORT" >"$WORK/host.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 120); do
  curl -fs -o /dev/null -X POST -H 'content-type: application/json' --data-binary @"$BENCH_BODY_FILE" "http://127.0.0.1:$PORT$P" && break
  sleep 0.5
done
wrk -t2 -c32 -d5s -s _work/bench/post.lua "http://127.0.0.1:$PORT$P" >/dev/null 2>&1 || true # warm-up
dotnet-counters collect -p $PID --counters 'System.Runtime[dotnet.gc.heap.total_allocated]' --format json -o "$WORK/counters.json" \
  --refresh-interval 1 --duration "00:00:00:$(printf %02d $((SECS + 6)))" >/dev/null 2>&1 &
COUNTERS=$!
sleep 3
WRK=$(wrk -t2 -c32 -d"${SECS}s" -s _work/bench/post.lua "http://127.0.0.1:$PORT$P" 2>&1)
wait $COUNTERS || true
python3 - "$WORK/counters.json" "$WRK" "$P" <<'PY'
import json, re, sys
data = json.load(open(sys.argv[1]))
total = sum(e["value"] for e in data["Events"] if "total_allocated" in e["name"])  # bytes per 1 s interval, summed
requests = int(re.search(r"BENCH_RESULT requests=(\d+)", sys.argv[2]).group(1))
print(f"{sys.argv[3]}: {total / requests:.0f} B per request ({requests} requests, {total} bytes; idle allocations included)")
PY
