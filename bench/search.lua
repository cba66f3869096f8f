-- POST /api/v1/cases/search: a four-letter name substring taken from a seeded case's last name
-- ($BENCH_QUERIES; each matches from a few to ~1,500 of the 100,000 cases), first page of 20.
local report = dofile(os.getenv("BENCH_DIR") .. "/report.lua")
local bodies = {}

function init(args)
  report.setup_headers()
  for _, q in ipairs(report.lines(os.getenv("BENCH_QUERIES"))) do
    bodies[#bodies + 1] = '{"q":"' .. q .. '"}'
  end
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

function request()
  return wrk.format("POST", "/api/v1/cases/search", nil, bodies[math.random(#bodies)])
end

done = report.done
