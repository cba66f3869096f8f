-- GET /api/v1/cases/{id}: each request reads a random case of the seeded ones ($BENCH_IDS).
local report = dofile(os.getenv("BENCH_DIR") .. "/report.lua")
local ids

function init(args)
  report.setup_headers()
  ids = report.lines(os.getenv("BENCH_IDS"))
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

function request()
  return wrk.format("GET", "/api/v1/cases/" .. ids[math.random(#ids)])
end

done = report.done
