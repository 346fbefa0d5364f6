-- wrk script: POST the JSON body in $BENCH_BODY_FILE; at the end print one machine-readable line
-- (latencies in microseconds; non2xx counts answers that are not 2xx/3xx, sockerr connect/read/write/timeout errors).
local f = assert(io.open(os.getenv("BENCH_BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
-- $BENCH_AUTHORIZATION, when set, is sent as the Authorization header (sys.echo/h1-jwt-rate's bearer token)
local authorization = os.getenv("BENCH_AUTHORIZATION")
if authorization ~= nil and authorization ~= "" then
  wrk.headers["Authorization"] = authorization
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH_RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d non2xx=%d sockerr=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
