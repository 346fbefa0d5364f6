#!/usr/bin/env bash
# What one sys.echo/tcp_local request costs, for one or more builds of the host side by side (issue 11). End-to-end
# req/s on a loaded machine are noisy; CPU time per request is not (much): this measures both, alternating between
# the builds in the same time window, against an in-process host of the first build (the ratio's reference).
#
#   _work/bench/tcp-cost.sh [--rounds N] [--duration S] [--connections C] LABEL=DIR [LABEL=DIR ...]
#
# DIR is a Release output directory holding Portway.Host.dll (e.g. framework/Portway.Host/bin/Release/net10.0 of a
# copy of the tree before a change). Each build gets its own host (bench-tcp.yaml: the echo stage in one supervised
# child over tcp_local). Per round and build it prints req/s, the ratio to the in-process host of the same round,
# p50/p99 (wrk, 32 connections) and CPU µs per request of the host and of its worker (utime+stime from /proc).
# Needs wrk, python3, curl.
set -euo pipefail
COST_NAME=tcp-cost.sh COST_HELP=2,11p
source "$(dirname "${BASH_SOURCE[0]}")/cost-lib.sh"

declare -A URL HOSTPID
LABELS=()
start() { # label dir config
  local port; port=$(free_port); URL[$1]="http://127.0.0.1:$port"
  dotnet "$2/Portway.Host.dll" serve --config "$3" --urls "${URL[$1]}" >"$WORK/host-$1.log" 2>&1 &
  PIDS+=($!); HOSTPID[$1]=$!
}
for arg in "$@"; do
  label=${arg%%=*} dir=${arg#*=}
  [[ -f "$dir/Portway.Host.dll" ]] || { echo "tcp-cost.sh: $dir has no Portway.Host.dll" >&2; exit 2; }
  LABELS+=("$label")
  start "$label" "$dir" "$BENCH/bench-tcp.yaml"
done
start inproc "${1#*=}" "$BENCH/bench.yaml"

probe() { [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X POST "$1/v1/echo" -H 'content-type: application/json' --data-binary "@$BENCH/bodies/echo.json" || true) == 200 ]]; }
for label in inproc "${LABELS[@]}"; do
  deadline=$(( $(date +%s) + 180 ))
  until probe "${URL[$label]}"; do
    [[ $(date +%s) -lt $deadline ]] || { echo "tcp-cost.sh: $label does not answer (log: $(tail -c 400 "$WORK/host-$label.log"))" >&2; exit 1; }
    sleep 0.5
  done
done

load() { # url seconds -> "rps p50_us p99_us errors requests"
  local out
  out=$(BENCH_BODY_FILE="$BENCH/bodies/echo.json" wrk -t2 -c"$CONNECTIONS" -d"${2}s" --timeout 10s -s "$BENCH/post.lua" "$1/v1/echo" 2>&1 | grep '^BENCH_RESULT' || true)
  python3 - "$out" <<'PY'
import sys
kv = dict(p.split("=") for p in sys.argv[1].split()[1:])
n = int(kv["requests"])
print(f'{n / (int(kv["duration_us"]) / 1e6):.0f} {kv["p50_us"]} {kv["p99_us"]} {int(kv["non2xx"]) + int(kv["sockerr"])} {n}')
PY
}
echo "warm-up ($(cut -d' ' -f1-3 /proc/loadavg))"
for label in inproc "${LABELS[@]}"; do load "${URL[$label]}" 5 >/dev/null; done
printf '%-6s %-10s %7s %6s %7s %7s %4s %9s %9s %9s  %s\n' round build req/s ratio p50_ms p99_ms err host_us worker_us total_us load
for r in $(seq 1 "$ROUNDS"); do
  order=(inproc "${LABELS[@]}")
  (( r % 2 == 0 )) && order=($(printf '%s\n' "${order[@]}" | tac))
  ref=""
  declare -A LINE=()
  for label in "${order[@]}"; do
    host=${HOSTPID[$label]}
    workers=$(pgrep -P "$host" | tr '\n' ' ' || true)
    h0=$(ticks "$host"); w0=$(ticks $workers)
    read -r rps p50 p99 err n < <(load "${URL[$label]}" "$DURATION")
    h1=$(ticks "$host"); w1=$(ticks $workers)
    [[ $label == inproc ]] && ref=$rps
    LINE[$label]="$rps $p50 $p99 $err $n $h0 $h1 $w0 $w1 $(cut -d' ' -f1 /proc/loadavg)"
  done
  for label in inproc "${LABELS[@]}"; do
    python3 - "$r" "$label" "$ref" "$HZ" ${LINE[$label]} <<'PY'
import sys
r, label, ref, hz, rps, p50, p99, err, n, h0, h1, w0, w1, la = sys.argv[1:]
n = max(int(n), 1); hz = int(hz)
us = lambda a, b: (int(b) - int(a)) / hz * 1e6 / n
ratio = int(rps) / max(int(ref), 1)
print(f'{r:<6} {label:<10} {rps:>7} {ratio:>6.2f} {int(p50)/1000:>7.2f} {int(p99)/1000:>7.2f} {err:>4} {us(h0,h1):>9.1f} {us(w0,w1):>9.1f} {us(h0,h1)+us(w0,w1):>9.1f}  {la}')
PY
  done
done
