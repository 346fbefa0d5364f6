#!/usr/bin/env bash
# Several builds of the sys.echo/redis row loaded AT THE SAME TIME (issue 14), so that all of them see the same
# background load on a shared machine (redis-cost.sh runs them one after the other, and the load moves in between):
#
#   _work/bench/redis-ab.sh ROUNDS SECONDS LABEL=DIR[,VAR=VALUE...] [...]
#
# DIR is a Release output directory holding Portway.Host.dll; each build gets its own redis-server (persistence off,
# free port) and host (bench-redis.yaml: the echo stage on one supervised worker). Per round and build it prints
# req/s and p50 (wrk, 1 thread, 32 connections each), CPU µs per request of the host, its worker and redis-server and
# their sum, context switches per request of host and worker, and Redis command time per request (INFO commandstats
# usec: what Redis spent in commands, the figure the machine's load moves least). Needs wrk, redis-server, python3.
set -u
[[ $# -ge 3 ]] || { sed -n 2,13p "$0"; exit 2; }
ROUNDS=$1 SECS=$2; shift 2
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HZ=$(getconf CLK_TCK)
W=$(mktemp -d /tmp/portway-redis-ab.XXXXXX)
fp() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
ticks() { local t=0 p; for p in "$@"; do [[ -r /proc/$p/stat ]] && t=$(( t + $(awk '{print $14 + $15}' "/proc/$p/stat") )); done; echo "$t"; }
cs() { local t=0 p; for p in "$@"; do [[ -r /proc/$p/status ]] && t=$(( t + $(awk '/ctxt_switches/ {s+=$2} END {print s}' /proc/$p/task/*/status 2>/dev/null | awk '{s+=$1} END {print s}') )); done; echo "$t"; }
declare -A HP RP HPID RPID; L=(); ALLP=()
export DOTNET_gcServer=0 PORTWAY_DATA_DIR=$W/data PORTWAY_BENCH_JWT_SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
for arg in "$@"; do
  l=${arg%%=*}; d=${arg#*=}; IFS=, read -r -a ex <<<"$d"; d=${ex[0]}; ex=("${ex[@]:1}"); L+=($l)
  RP[$l]=$(fp); HP[$l]=$(fp)
  redis-server --port ${RP[$l]} --bind 127.0.0.1 --save "" --appendonly no --dir $W >$W/redis-$l.log 2>&1 & RPID[$l]=$!; ALLP+=($!)
  sleep 0.3
  env PORTWAY_REDIS=127.0.0.1:${RP[$l]} PORTWAY_IPC_SECRET=$SECRET "${ex[@]}" dotnet $d/Portway.Host.dll serve --config $BENCH/bench-redis.yaml --urls http://127.0.0.1:${HP[$l]} >$W/host-$l.log 2>&1 & HPID[$l]=$!; ALLP+=($!)
done
trap 'kill ${ALLP[@]} 2>/dev/null; sleep 1; rm -rf $W' EXIT
for l in "${L[@]}"; do
  for i in $(seq 60); do [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X POST http://127.0.0.1:${HP[$l]}/v1/echo -H 'content-type: application/json' --data-binary @$BENCH/bodies/echo.json) == 200 ]] && break; sleep 1; done
done
load() { BENCH_BODY_FILE="$BENCH/bodies/echo.json" wrk -t1 -c32 -d${2}s --timeout 10s -s "$BENCH/post.lua" http://127.0.0.1:${HP[$1]}/v1/echo 2>&1 | grep BENCH_RESULT > $W/wrk-$1; }
LP=(); for l in "${L[@]}"; do load $l 3 & LP+=($!); done; wait ${LP[@]}
printf '%-3s %-8s %7s %6s %7s %7s %7s %7s %6s %6s %6s\n' r build req/s p50 host worker redis sum h_cs w_cs rcmdus
for r in $(seq $ROUNDS); do
  declare -A h0 w0 r0 hc0 wc0 WP
  for l in "${L[@]}"; do WP[$l]=$(pgrep -P ${HPID[$l]} | tr '\n' ' '); h0[$l]=$(ticks ${HPID[$l]}); w0[$l]=$(ticks ${WP[$l]}); r0[$l]=$(ticks ${RPID[$l]}); hc0[$l]=$(cs ${HPID[$l]}); wc0[$l]=$(cs ${WP[$l]}); redis-cli -p ${RP[$l]} config resetstat >/dev/null; done
  LP=(); for l in "${L[@]}"; do load $l $SECS & LP+=($!); done; wait ${LP[@]}
  for l in "${L[@]}"; do
    h1=$(ticks ${HPID[$l]}); w1=$(ticks ${WP[$l]}); r1=$(ticks ${RPID[$l]}); hc1=$(cs ${HPID[$l]}); wc1=$(cs ${WP[$l]})
    cu=$(redis-cli -p ${RP[$l]} info commandstats | awk -F'[:=,]' '/^cmdstat_/ && !/config/ {s += $5} END {print s + 0}')
    python3 - "$HZ" "$r" "$l" "$(cat $W/wrk-$l)" ${h0[$l]} $h1 ${w0[$l]} $w1 ${r0[$l]} $r1 ${hc0[$l]} $hc1 ${wc0[$l]} $wc1 $cu <<'PY'
import sys
hz,r,l,out,h0,h1,w0,w1,r0,r1,hc0,hc1,wc0,wc1,cu=sys.argv[1:]
kv=dict(p.split("=") for p in out.split()[1:]); n=int(kv["requests"]); d=int(kv["duration_us"])/1e6
us=lambda a,b:(int(b)-int(a))/int(hz)*1e6/n
h,w,rr=us(h0,h1),us(w0,w1),us(r0,r1)
print(f'{r:<3} {l:<8} {n/d:7.0f} {int(kv["p50_us"])/1000:6.2f} {h:7.1f} {w:7.1f} {rr:7.1f} {h+w+rr:7.1f} {(int(hc1)-int(hc0))/n:6.2f} {(int(wc1)-int(wc0))/n:6.2f} {int(cu)/n:6.2f}')
PY
  done
done
