-- POST /api/v1/cases with a document of 300+ filled fields across every case form (built by
-- bench/case300.mjs from the served forms), so each request validates every field, its
-- conditions and its options before the durable write.
local report = dofile(os.getenv("BENCH_DIR") .. "/report.lua")
local body

function init(args)
  report.setup_headers()
  local f = assert(io.open(os.getenv("BENCH_CASE300"), "r"))
  body = f:read("a")
  f:close()
end

function request()
  return wrk.format("POST", "/api/v1/cases", nil, body)
end

done = report.done
