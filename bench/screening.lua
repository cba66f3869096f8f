-- POST /api/v1/screenings: the shipped frontline tool with random answers (bodies from
-- bench/screening_bodies.mjs), each evaluated, explained and stored with its assent.
local report = dofile(os.getenv("BENCH_DIR") .. "/report.lua")
local bodies

function init(args)
  report.setup_headers()
  bodies = report.lines(os.getenv("BENCH_SCREENINGS"))
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

function request()
  return wrk.format("POST", "/api/v1/screenings", nil, bodies[math.random(#bodies)])
end

done = report.done
