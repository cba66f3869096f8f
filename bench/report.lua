-- report: shared by the wrk scripts. Sets the bearer token and JSON content type, and at the
-- end appends one line of JSON (req/s, p50/p99 in ms, errors) to $BENCH_RESULT.
local M = {}

function M.setup_headers()
  local token = os.getenv("BENCH_TOKEN")
  if token and token ~= "" then
    wrk.headers["Authorization"] = "Bearer " .. token
  end
  wrk.headers["Content-Type"] = "application/json"
end

-- Reads a file into a list of its non-empty lines.
function M.lines(path)
  local t = {}
  local f = assert(io.open(path, "r"), "cannot open " .. tostring(path))
  for line in f:lines() do
    if line ~= "" then t[#t + 1] = line end
  end
  f:close()
  assert(#t > 0, path .. " is empty")
  return t
end

function M.done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  local line = string.format(
    '{"name":"%s","requests":%d,"seconds":%.2f,"rps":%.1f,"p50_ms":%.2f,"p90_ms":%.2f,"p99_ms":%.2f,' ..
    '"max_ms":%.2f,"mean_ms":%.2f,"non2xx":%d,"connect_err":%d,"read_err":%d,"write_err":%d,"timeouts":%d}',
    os.getenv("BENCH_NAME") or "?", summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, latency.mean / 1000, e.status, e.connect, e.read, e.write, e.timeout)
  io.write(line .. "\n")
  local out = os.getenv("BENCH_RESULT")
  if out then
    local f = assert(io.open(out, "a"))
    f:write(line .. "\n")
    f:close()
  end
end

return M
