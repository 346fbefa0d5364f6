#!/usr/bin/env bash
# Portway reliability suite: hostile inputs, faults under load, a short soak. Separate from the unit tests
# (`dotnet test Runtime.sln`), loopback only, bounded in time. See README.md ("Reliability suite").
#
#   _work/reliability/run.sh [--only config,ingress,boundary,recovery,soak] [--soak-seconds S] [--no-build] [--no-write]
#
# Builds the host (Release) once, runs each part against a host it starts on free loopback ports, stops
# everything it started, prints the table and writes it into _work/reliability/RESULTS.md.
# Needs: .NET 10 SDK, python3, curl.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=1
ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-build) BUILD=0; shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) ARGS+=("$1"); shift ;;
  esac
done
if [[ $BUILD == 1 ]]; then
  dotnet build "$ROOT/framework/Portway.Host" -c Release -v q -nologo | tail -n 3
fi
exec timeout 1800 python3 "$HERE/suite.py" --root "$ROOT" "${ARGS[@]}"
