-- wrk script: POST the pre-signed heartbeats of $BENCH_LINES_FILE (one per line: PATH<TAB>BODY, heartbeats.py sign),
-- each once: of $BENCH_THREADS threads, thread t sends lines t, t+T, t+2T, ... in order. Past its last line a thread
-- starts over (those repeats are replays: 401, counted in non2xx). At the end one machine-readable line, as post.lua.
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

local requests, i = {}, 0
function init(args)
  local threads, k = tonumber(os.getenv("BENCH_THREADS")), 0
  for line in io.lines(os.getenv("BENCH_LINES_FILE")) do
    if k % threads == tid then
      local path, body = line:match("^([^\t]+)\t(.*)$")
      requests[#requests + 1] = wrk.format("POST", path, { ["Content-Type"] = "application/json" }, body)
    end
    k = k + 1
  end
end

function request()
  i = i % #requests + 1
  return requests[i]
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH_RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d non2xx=%d sockerr=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
