-- wrk script for bench/serve-load.sh: POSTs the JSON body in $BODY (with the token in $TOKEN, if
-- any) and prints throughput, p50 / p99 latency and every kind of error as key=value lines.
wrk.method = "POST"
wrk.body = os.getenv("BODY")
wrk.headers["Content-Type"] = "application/json"
local token = os.getenv("TOKEN")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("requests=%d\n", summary.requests))
  io.write(string.format("seconds=%.1f\n", seconds))
  io.write(string.format("throughput_rps=%.1f\n", summary.requests / seconds))
  io.write(string.format("latency_p50_ms=%.2f\n", latency:percentile(50) / 1000))
  io.write(string.format("latency_p99_ms=%.2f\n", latency:percentile(99) / 1000))
  io.write(string.format("latency_max_ms=%.2f\n", latency.max / 1000))
  io.write(string.format("errors_non2xx=%d\n", e.status))
  io.write(string.format("errors_socket=%d\n", e.connect + e.read + e.write))
  io.write(string.format("errors_timeout=%d\n", e.timeout))
end
