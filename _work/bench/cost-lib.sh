# Shared by redis-cost.sh and tcp-cost.sh (sourced, with COST_NAME and COST_HELP set): options, the work folder and its
# cleanup, free ports, CPU ticks of processes, the environment every measured host gets.
ROUNDS=3 DURATION=8 CONNECTIONS=32
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    -h|--help) sed -n "$COST_HELP" "$0"; exit 0 ;;
    *=*) break ;;
    *) echo "$COST_NAME: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
[[ $# -ge 1 ]] || { echo "$COST_NAME: name at least one LABEL=DIR" >&2; exit 2; }
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK=$(mktemp -d "/tmp/portway-${COST_NAME%.sh}.XXXXXX")
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]:-}"; do [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]:-}"; do [[ -n "$pid" ]] && wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
ticks() { local t=0 p; for p in "$@"; do [[ -r /proc/$p/stat ]] && t=$(( t + $(awk '{print $14 + $15}' "/proc/$p/stat") )); done; echo "$t"; }
HZ=$(getconf CLK_TCK)
export DOTNET_gcServer=0 PORTWAY_DATA_DIR="$WORK/data"
mkdir -p "$PORTWAY_DATA_DIR"
# bench.yaml names a JWT secret variable (the h1-jwt-rate row); any value serves the echo rows measured here.
PORTWAY_BENCH_JWT_SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
export PORTWAY_BENCH_JWT_SECRET
