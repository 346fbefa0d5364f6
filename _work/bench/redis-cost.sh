#!/usr/bin/env bash
# What one sys.echo/redis request costs, per process, for one or more builds of the host side by side (issue 14).
# End-to-end req/s on a loaded machine are noisy; CPU time per request and Redis commands per request are not
# (much): this measures both, alternating between the builds in the same time window.
#
#   _work/bench/redis-cost.sh [--rounds N] [--duration S] [--connections C] LABEL=DIR[,VAR=VALUE...] [...]
#
# DIR is a Release output directory holding Portway.Host.dll (e.g. a copy of framework/Portway.Host/bin/Release/
# net10.0 taken before a change); VAR=VALUE pairs after it go into that host's (and its worker's) environment. Each build gets its own redis-server (persistence off, free port) and host
# (bench-redis.yaml: the echo stage on one supervised worker over Redis); an in-process host (bench.yaml) of the
# first build is the reference. Per round and build it prints req/s, p50/p99 (wrk, 32 connections), CPU µs per
# request of the host, of its worker and of redis-server (utime+stime from /proc), and Redis commands per request
# (INFO commandstats), and with perf installed, syscalls and context switches per request of the host and the worker.
# Needs wrk, redis-server, python3, curl.
set -euo pipefail
COST_NAME=redis-cost.sh COST_HELP=2,13p
source "$(dirname "${BASH_SOURCE[0]}")/cost-lib.sh"
calls() { redis-cli -p "$1" info commandstats | awk -F'[:=,]' '/^cmdstat_/ {s += $3} END {print s + 0}'; }
SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') # the hosts' and workers' IPC secret

declare -A URL RPORT HOSTPID REDISPID
LABELS=()
for arg in "$@"; do
  label=${arg%%=*} dir=${arg#*=}
  IFS=, read -r -a extra <<<"$dir"; dir=${extra[0]}; extra=("${extra[@]:1}")
  [[ -f "$dir/Portway.Host.dll" ]] || { echo "redis-cost.sh: $dir has no Portway.Host.dll" >&2; exit 2; }
  LABELS+=("$label")
  RPORT[$label]=$(free_port)
  redis-server --port "${RPORT[$label]}" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK" >"$WORK/redis-$label.log" 2>&1 &
  PIDS+=($!); REDISPID[$label]=$!
  until redis-cli -p "${RPORT[$label]}" ping >/dev/null 2>&1; do sleep 0.1; done
  port=$(free_port); URL[$label]="http://127.0.0.1:$port"
  env PORTWAY_REDIS="127.0.0.1:${RPORT[$label]}" PORTWAY_IPC_SECRET="$SECRET" "${extra[@]}" dotnet "$dir/Portway.Host.dll" serve --config "$BENCH/bench-redis.yaml" --urls "${URL[$label]}" >"$WORK/host-$label.log" 2>&1 &
  PIDS+=($!); HOSTPID[$label]=$!
done
first=${1#*=}; first=${first%%,*}
port=$(free_port); URL[inproc]="http://127.0.0.1:$port"
dotnet "$first/Portway.Host.dll" serve --config "$BENCH/bench.yaml" --urls "${URL[inproc]}" >"$WORK/host-inproc.log" 2>&1 &
PIDS+=($!); HOSTPID[inproc]=$!

probe() { [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X POST "$1/v1/echo" -H 'content-type: application/json' --data-binary "@$BENCH/bodies/echo.json" || true) == 200 ]]; }
for label in inproc "${LABELS[@]}"; do
  deadline=$(( $(date +%s) + 120 ))
  until probe "${URL[$label]}"; do
    [[ $(date +%s) -lt $deadline ]] || { echo "redis-cost.sh: $label does not answer (log: $(tail -c 400 "$WORK/host-$label.log"))" >&2; exit 1; }
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
for label in inproc "${LABELS[@]}"; do load "${URL[$label]}" 3 >/dev/null; done
PERF=0; command -v perf >/dev/null && perf stat -e raw_syscalls:sys_enter -p $$ -- true >/dev/null 2>&1 && PERF=1
pstat() { # pid seconds out -> "syscalls context-switches" into out
  if [[ $PERF -eq 1 && -n $1 ]]; then
    perf stat -x, -e raw_syscalls:sys_enter,context-switches -p "$1" -- sleep "$2" 2>&1 | awk -F, '{printf "%s ", $1} END {print ""}' >"$3"
  else echo "0 0" >"$3"; fi
}
printf '%-8s %-5s %7s %7s %7s %4s %9s %9s %9s %8s %9s %9s  %s\n' round build req/s p50_ms p99_ms err host_us worker_us redis_us cmd/req h_sys/cs w_sys/cs load
for r in $(seq 1 "$ROUNDS"); do
  order=(inproc "${LABELS[@]}")
  (( r % 2 == 0 )) && order=($(printf '%s\n' "${order[@]}" | tac))
  for label in "${order[@]}"; do
    host=${HOSTPID[$label]}
    workers=$(pgrep -P "$host" | tr '\n' ' ' || true)
    rp=${RPORT[$label]:-} rpid=${REDISPID[$label]:-}
    h0=$(ticks "$host"); w0=$(ticks $workers); r0=0; c0=0
    [[ -n $rp ]] && { r0=$(ticks "$rpid"); c0=$(calls "$rp"); }
    pstat "$host" "$DURATION" "$WORK/ph" & sp1=$!
    pstat "${workers%% *}" "$DURATION" "$WORK/pw" & sp2=$!
    read -r rps p50 p99 err n < <(load "${URL[$label]}" "$DURATION")
    wait $sp1 $sp2 || true
    h1=$(ticks "$host"); w1=$(ticks $workers); r1=0; c1=0
    [[ -n $rp ]] && { r1=$(ticks "$rpid"); c1=$(calls "$rp"); }
    python3 - "$r" "$label" "$rps" "$p50" "$p99" "$err" "$n" "$HZ" "$h0" "$h1" "$w0" "$w1" "$r0" "$r1" "$c0" "$c1" "$(cut -d' ' -f1 /proc/loadavg)" "$(cat "$WORK/ph")" "$(cat "$WORK/pw")" <<'PY'
import sys
r, label, rps, p50, p99, err, n, hz, h0, h1, w0, w1, r0, r1, c0, c1, la, ph, pw = sys.argv[1:]
def per(s):
    try:
        a, b = (float(x) for x in s.split()[:2]); return f'{a / int(n):.1f}/{b / int(n):.1f}'
    except ValueError:
        return '-'
n = max(int(n), 1); hz = int(hz)
us = lambda a, b: (int(b) - int(a)) / hz * 1e6 / n
cmds = (int(c1) - int(c0) - 1) / n  # minus the INFO itself
print(f'{r:<8} {label:<5} {rps:>7} {int(p50)/1000:>7.2f} {int(p99)/1000:>7.2f} {err:>4} {us(h0,h1):>9.1f} {us(w0,w1):>9.1f} {us(r0,r1):>9.1f} {cmds:>8.2f} {per(ph):>9} {per(pw):>9}  {la}')
PY
  done
done
