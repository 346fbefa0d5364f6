#!/usr/bin/env bash
# Coverage-guided fuzzing of the tcp_local frame decoder, the envelope wire decoder and the YAML config loader
# with SharpFuzz + AFL++. Not part of `dotnet test Runtime.sln`; a crash it finds becomes a unit test.
#
#   _work/reliability/fuzz/fuzz.sh [--seconds S] [--only frame,envelope,config] [--no-build]
#
# Publishes the harness (Release) into _work/reliability/fuzz/bin, instruments Portway.Framework.dll and
# YamlDotNet.dll with `sharpfuzz`, runs afl-fuzz on each target for S seconds (default 180) with the corpus
# under corpus/TARGET, then replays every crash and hang input and prints what escaped. Findings go to
# findings/TARGET (not committed; the interesting inputs are copied to corpus/ by hand).
# Needs: .NET 10 SDK; installs AFL++ (Debian package afl++) and the SharpFuzz.CommandLine tool when missing.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SECONDS_EACH=180 ONLY="frame,envelope,config" BUILD=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) SECONDS_EACH=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "fuzz.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

if ! command -v afl-fuzz > /dev/null; then
  apt-get update -qq && apt-get install -y -qq afl++
fi
export PATH="$PATH:$HOME/.dotnet/tools"
if ! command -v sharpfuzz > /dev/null; then
  dotnet tool install -g SharpFuzz.CommandLine --version 2.3.0
fi

BIN="$HERE/bin"
if [[ $BUILD == 1 ]]; then
  rm -rf "$BIN"
  dotnet publish "$HERE/Portway.Fuzz" -c Release -o "$BIN" -v q -nologo | tail -n 3
  dotnet "$BIN/Portway.Fuzz.dll" seed "$HERE/corpus"
  for dll in Portway.Framework.dll YamlDotNet.dll; do
    echo "instrumenting $dll"
    sharpfuzz "$BIN/$dll"
  done
fi

# AFL++ runs `dotnet` (not instrumented itself: the coverage comes from the instrumented assemblies).
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
STATUS=0
for target in ${ONLY//,/ }; do
  out="$HERE/findings/$target"
  rm -rf "$out"
  mkdir -p "$out"
  echo "== $target: afl-fuzz for ${SECONDS_EACH} s (corpus/$target)"
  timeout $((SECONDS_EACH + 120)) afl-fuzz -i "$HERE/corpus/$target" -o "$out" -t 10000 -m none -V "$SECONDS_EACH" \
    -- dotnet "$BIN/Portway.Fuzz.dll" "$target" > "$out/afl.log" 2>&1 || true
  stats="$out/default/fuzzer_stats"
  if [[ -f $stats ]]; then
    grep -E '^(run_time|execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs|bitmap_cvg|stability)' "$stats" | sed 's/^/   /'
  else
    echo "   afl-fuzz did not start; the end of its log:"; tail -n 20 "$out/afl.log"; STATUS=1
  fi
  shopt -s nullglob
  found=("$out"/default/crashes/id:* "$out"/default/hangs/id:*)
  shopt -u nullglob
  if [[ ${#found[@]} -gt 0 ]]; then
    echo "   replaying ${#found[@]} crash/hang input(s):"
    timeout 300 dotnet "$BIN/Portway.Fuzz.dll" replay "$target" "${found[@]}" | sed 's/^/   /' || STATUS=1
  fi
done
exit $STATUS
