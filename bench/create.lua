-- POST /api/v1/cases: a new synthetic case per request, the same fields and value lists as
-- bench/synth.h (seeded cases and the storage ceiling).
local report = dofile(os.getenv("BENCH_DIR") .. "/report.lua")

local firsts = {"Amal", "Mohammed", "Oleg", "Selam", "Sokha", "José", "Fatima", "Ahmed", "Maria", "Noé",
  "Aziza", "Yonas", "Chenda", "Zoë", "Samir", "Hana", "Layla", "Omar", "Nadia", "Ivan", "Tigist", "Dara",
  "Lucía", "Kofi", "Ama", "Yusuf", "Mariam", "Pavel", "Sophea", "Elif", "Emre", "Aisha", "Bilal", "Rania",
  "Tariq", "Olena", "Dmytro", "Abeba", "Makda", "Vanna", "Bopha", "Carlos", "Ana", "Juan", "Chidi", "Ngozi",
  "Farah", "Karim", "Salma", "Yara", "Alina", "Bogdan", "Hiwot", "Dawit", "Rithy", "Srey", "Mateo",
  "Valentina", "Emeka", "Zainab", "Hassan", "Leila", "Nikolai", "Marta", "Sara", "Tomas", "Ines", "Jamal",
  "Rashid", "Amina"}
local syll = {"ha", "dad", "ka", "rim", "no", "vak", "ba", "kel", "ok", "af", "or", "pet", "ren", "ko", "mu",
  "noz", "ra", "hi", "mi", "sok", "le", "fev", "na", "sser", "iva", "nov", "tes", "fa", "ye", "cha", "lin", "dro"}
local sexes = {"female", "male", "female", "male", "unknown"}
local risks = {"low", "medium", "high"}
local nats = {"SYR", "ERI", "UKR", "AFG", "KHM", "NGA", "VEN", "SDN"}
local concerns = {"trafficking", "separated", "child_labour", "sexual_exploitation", "unaccompanied", "gbv"}
local places = {"North district", "Harbour camp", "Central shelter", "East border post", "River town"}

local function pick(t) return t[math.random(#t)] end

function init(args)
  report.setup_headers()
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

function request()
  local a = pick(syll)
  local last = a:sub(1, 1):upper() .. a:sub(2) .. pick(syll) .. pick(syll)
  local body = string.format('{"data":{"name_first":"%s","name_last":"%s","sex":"%s","age":%d,' ..
    '"nationality":["%s"],"languages":["ar","en"],"protection_concerns":["%s","%s"],"risk_level":"%s",' ..
    '"location_current":"%s"}}',
    pick(firsts), last, pick(sexes), math.random(3, 17), pick(nats), pick(concerns), pick(concerns),
    pick(risks), pick(places))
  return wrk.format("POST", "/api/v1/cases", nil, body)
end

done = report.done
