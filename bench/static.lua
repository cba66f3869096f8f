-- The HTTP ceiling: nginx serving a file with the bytes of a case GET response. Same request
-- shape as get.lua (the Authorization header too, which nginx ignores).
local report = dofile(os.getenv("BENCH_DIR") .. "/report.lua")

function init(args)
  report.setup_headers()
end

function request()
  return wrk.format("GET", "/case.json")
end

done = report.done
