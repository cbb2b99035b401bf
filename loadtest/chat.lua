-- wrk script: POSTs one OpenAI chat body (read from the file named by $BODY_FILE) as application/json
-- with a caller Authorization header, and prints one machine-readable summary line at the end:
--   RESULT requests=N duration_us=N rps=N p50_us=N p90_us=N p99_us=N max_us=N non2xx=N connect=N read=N write=N timeout=N
-- non2xx counts responses with status >= 400 (wrk's "status" errors); run.sh flags any run where it or a
-- socket error count is not zero.
local path = os.getenv("BODY_FILE")
if path == nil or path == "" then
  error("BODY_FILE must name the request body file")
end
local file = assert(io.open(path, "rb"))
local body = file:read("*a")
file:close()

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk-loadtest-caller-0000000000000000"

function done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d duration_us=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, summary.requests / seconds,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.status, e.connect, e.read, e.write, e.timeout))
end
