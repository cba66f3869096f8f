-- GET /api/v1/services?need=...&location=...: a random need and a random demo area per request
-- (areas from bench/services_seed.mjs), ranked nearest first.
local report = dofile(os.getenv("BENCH_DIR") .. "/report.lua")
local areas
local needs = {"mhpss", "health", "legal_aid", "safe_shelter", "education", "vocational_training", "family_tracing",
  "disability_services", "gbv_response", "interpretation", "documentation_birth_registration"}

function init(args)
  report.setup_headers()
  areas = report.lines(os.getenv("BENCH_AREAS"))
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

function request()
  local path = string.format("/api/v1/services?need=%s&location=%s", needs[math.random(#needs)], areas[math.random(#areas)])
  return wrk.format("GET", path)
end

done = report.done
