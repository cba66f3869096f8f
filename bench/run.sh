#!/usr/bin/env bash
# bench/run.sh - Haven's benchmark (entry point of `make bench`; see bench/RESULTS.md).
#
# In a temp dir: `haven init --demo`, 100,000 synthetic cases loaded by bench/seed.c (Haven's
# own store API, 1,000 cases per transaction), `haven serve` pinned to core 1, an API token
# of the demo supervisor (sees the whole agency), then wrk pinned to core 0, 64 connections,
# 20 s each on: GET /api/v1/cases/{id} (random ids), POST /api/v1/cases/search (four-letter
# name substrings) and POST /api/v1/cases. Same run, same pinning, the two ceilings: nginx
# (1 worker on core 1) serving a file with the bytes of a case GET response, and
# bench/storage_ceiling.c doing a case create's SQLite transaction in a loop.
#
# Everything listens on 127.0.0.1 only, every load is bounded, and the trap stops what this
# script started. Outputs go to bench/out/ (gitignored); bench/RESULTS.md is rewritten with
# the results (text after the "kept by run.sh" marker line is preserved).
#
# Knobs (environment): BENCH_CASES (100000), SERVICES (10000, the services directory's size), BENCH_DURATION (20 s), BENCH_CONNECTIONS (64),
# BENCH_STORAGE_SECONDS (10), BENCH_THREADS (the server's --threads; default its own), BENCH_PORT (18480; nginx uses +1), BENCH_PERF=1 to record a
# perf profile of the server during each Haven load (bench/out/perf-*.data; perf runs on the
# client core, so figures of a profiled run are lower), BENCH_KEEP=1 to keep the temp dir.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BENCH=$ROOT/bench
OUT=$BENCH/out
CASES=${BENCH_CASES:-100000}
DURATION=${BENCH_DURATION:-20}
CONNS=${BENCH_CONNECTIONS:-64}
STORAGE_SECS=${BENCH_STORAGE_SECONDS:-10}
PORT=${BENCH_PORT:-18480}
NGINX_PORT=$((PORT + 1))
SERVER_CPU=1
CLIENT_CPU=0
HAVEN=$ROOT/build/haven

die() { echo "bench: $*" >&2; exit 1; }
log() { printf '\n== %s\n' "$*"; }

# ---- prerequisites -----------------------------------------------------------------------
for t in wrk nginx taskset curl cc pkg-config node; do
	command -v "$t" >/dev/null || die "$t is missing (HAVEN_DEPS_BENCH=1 tools/deps.sh installs wrk and nginx)"
done
[ -x "$HAVEN" ] || die "build/haven is missing (make build/haven)"
[ "$(nproc)" -ge 2 ] || die "needs two cores (client on $CLIENT_CPU, server on $SERVER_CPU)"
[ -f build/rel/assets.o ] || die "build/rel objects missing (make build/haven)"

mkdir -p "$OUT"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/haven-bench.XXXXXX")
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${PIDS[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "bench: kept $TMP"; else rm -rf "$TMP" "${WWW:-}"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

RESULT=$OUT/results.jsonl
: >"$RESULT"
CPU_MODEL=$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)
KERNEL=$(uname -r)
FS=$(df -T "$TMP" | awk 'NR==2 {print $2}')
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "bench: temp dir $TMP ($FS), CPU: $CPU_MODEL, $(nproc) cores, load average before: $LOAD_BEFORE"

# ---- helper programs ---------------------------------------------------------------------
log "building bench/seed and bench/storage_ceiling"
PKGS="libmicrohttpd jansson libsodium sqlite3 icu-uc icu-i18n zlib"
CFLAGS_B="-O2 -g -std=c17 -Wall -Wextra -Wno-unused-parameter"
# seed links against the release build's objects of today's sources (everything but main.o; not
# a stale object of a removed file), like the Makefile's
# test targets do, and gets the same include path and banned-function header.
# shellcheck disable=SC2046,SC2086
cc $CFLAGS_B -D_GNU_SOURCE -Isrc -Ibuild/gen -Ibench -include src/base/banned.h $(pkg-config --cflags $PKGS) \
	-o "$OUT/seed" bench/seed.c $(for f in src/*/*.c; do echo "build/rel/${f%.c}.o"; done) build/rel/assets.o \
	$(pkg-config --libs $PKGS) -lpthread -lm
# shellcheck disable=SC2046,SC2086
cc $CFLAGS_B -Ibench $(pkg-config --cflags sqlite3) -o "$OUT/storage_ceiling" bench/storage_ceiling.c \
	$(pkg-config --libs sqlite3)

# ---- data --------------------------------------------------------------------------------
log "haven init --demo and $CASES synthetic cases (bench/seed.c)"
DB=$TMP/haven.db
"$HAVEN" init --db "$DB" --demo >/dev/null
t0=$(date +%s.%N)
"$OUT/seed" "$DB" "$TMP/audit.key" "$CASES" "$TMP"
SEED_SECS=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
DB_MB=$(du -m "$DB" | cut -f1)
echo "seeded in ${SEED_SECS}s, database ${DB_MB} MB"

# ---- server ------------------------------------------------------------------------------
wait_http() { # url
	for _ in $(seq 1 100); do
		curl -fs -o /dev/null "$1" && return 0
		sleep 0.1
	done
	die "nothing answers at $1"
}

log "haven serve on 127.0.0.1:$PORT, pinned to core $SERVER_CPU"
taskset -c "$SERVER_CPU" "$HAVEN" serve --db "$DB" --listen "127.0.0.1:$PORT" ${BENCH_THREADS:+--threads "$BENCH_THREADS"} >"$TMP/haven.out" 2>"$TMP/haven.log" &
HPID=$!
PIDS+=("$HPID")
BASE=http://127.0.0.1:$PORT
wait_http "$BASE/healthz"

# Sign in as the supervisor (whole agency), then make an API token with the session.
JAR=$TMP/cookies
SESSION=$(curl -fsS -c "$JAR" -H 'Content-Type: application/json' \
	-d '{"username":"supervisor","password":"haven-demo"}' "$BASE/api/v1/session")
CSRF=$(sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p' <<<"$SESSION")
TOKEN_JSON=$(curl -fsS -b "$JAR" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' \
	-d '{"name":"benchmark","expires_in_days":1}' "$BASE/api/v1/tokens")
TOKEN=$(sed -n 's/.*"token":"\([^"]*\)".*/\1/p' <<<"$TOKEN_JSON")
[ -n "$TOKEN" ] || die "no API token: $TOKEN_JSON"

# The bytes of one case GET response, for the HTTP ceiling (in a world-readable directory of
# its own: nginx workers started by root run as nobody; $TMP, with the database, stays 0700).
WWW=$(mktemp -d "${TMPDIR:-/tmp}/haven-bench-www.XXXXXX")
chmod 755 "$WWW"
ln -s "$WWW" "$TMP/www"
FIRST_ID=$(head -1 "$TMP/ids.txt")
curl -fsS -H "Authorization: Bearer $TOKEN" -o "$TMP/www/case.json" "$BASE/api/v1/cases/$FIRST_ID"
BODY_BYTES=$(stat -c %s "$TMP/www/case.json")
cp "$TMP/www/case.json" "$OUT/case.json"

# ---- load --------------------------------------------------------------------------------
export BENCH_DIR=$BENCH BENCH_TOKEN=$TOKEN BENCH_IDS=$TMP/ids.txt BENCH_QUERIES=$TMP/queries.txt BENCH_RESULT=$RESULT

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
status_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }

# wrk NAME URL SCRIPT: one bounded run on the client core; appends a JSON line to $RESULT.
wrk_run() {
	local name=$1 url=$2 script=$3 pid=${4:-} t0 t1 perfpid=""
	[ -n "$pid" ] && t0=$(cpu_ticks "$pid")
	if [ -n "$pid" ] && [ "${BENCH_PERF:-0}" = 1 ]; then
		taskset -c "$CLIENT_CPU" perf record -F 300 --call-graph dwarf,16384 -q -o "$OUT/perf-$name.data" -p "$pid" -- sleep "$DURATION" \
			>/dev/null 2>&1 &
		perfpid=$!
		PIDS+=("$perfpid")
	fi
	BENCH_NAME=$name taskset -c "$CLIENT_CPU" wrk -t1 -c"$CONNS" -d"${DURATION}s" --timeout 10s -s "$script" "$url" \
		>"$OUT/wrk-$name.txt"
	[ -n "$perfpid" ] && wait "$perfpid" 2>/dev/null || true
	if [ -n "$pid" ]; then
		t1=$(cpu_ticks "$pid")
		# server CPU use during the run, % of its one core
		SERVER_CPU_PCT[$name]=$(awk -v a="$t0" -v b="$t1" -v d="$DURATION" -v hz="$(getconf CLK_TCK)" \
			'BEGIN {printf "%.0f", (b - a) / hz / d * 100}')
		HWM_AFTER[$name]=$(status_kb "$pid" VmHWM)
	fi
	tail -1 "$RESULT"
}
declare -A SERVER_CPU_PCT HWM_AFTER

# Waits (at most 30 s) until the server stops using CPU, so requests wrk gave up on (timeouts)
# do not run into the next load.
settle() {
	local a b
	for _ in $(seq 1 60); do
		a=$(cpu_ticks "$1")
		sleep 0.5
		b=$(cpu_ticks "$1")
		[ $((b - a)) -le 1 ] && return 0
	done
	echo "bench: the server is still busy after 30 s"
}

# HTTP ceiling: nginx, one worker on the server core, the same headers Haven sends.
log "HTTP ceiling: nginx on 127.0.0.1:$NGINX_PORT, 1 worker pinned to core $SERVER_CPU"
mkdir -p "$TMP/nginx-tmp"
HDRS=$(curl -fsS -D - -o /dev/null -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/cases/$FIRST_ID" | tr -d '\r' |
	awk '{ i = index($0, ": "); if (!i) next; k = substr($0, 1, i - 1); v = substr($0, i + 2)
	       if (k ~ /^(Content-Security-Policy|Referrer-Policy|X-Content-Type-Options|X-Frame-Options|Cross-Origin-Opener-Policy|Cross-Origin-Resource-Policy|Permissions-Policy|Cache-Control)$/)
	           printf "      add_header %s \"%s\" always;\n", k, v }')
cat >"$TMP/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $TMP/nginx.pid;
error_log $TMP/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log $TMP/nginx-access.log;
  client_body_temp_path $TMP/nginx-tmp;
  proxy_temp_path $TMP/nginx-tmp;
  keepalive_requests 1000000;
  server_tokens off;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $WWW;
    location = /case.json {
      types { }
      default_type "application/json; charset=utf-8";
      etag off;
$HDRS
    }
  }
}
EOF
cp "$TMP/nginx.conf" "$OUT/nginx.conf"
taskset -c "$SERVER_CPU" nginx -p "$TMP" -c "$TMP/nginx.conf" -e "$TMP/nginx-error.log" &
NPID=$!
PIDS+=("$NPID")
wait_http "http://127.0.0.1:$NGINX_PORT/case.json"
cmp -s <(curl -fsS "http://127.0.0.1:$NGINX_PORT/case.json") "$TMP/www/case.json" || die "nginx serves other bytes"
BENCH_NAME=warmup BENCH_RESULT=/dev/null taskset -c "$CLIENT_CPU" wrk -t1 -c"$CONNS" -d2s -s "$BENCH/static.lua" \
	"http://127.0.0.1:$NGINX_PORT" >/dev/null
wrk_run http_ceiling "http://127.0.0.1:$NGINX_PORT" "$BENCH/static.lua"
kill "$NPID"
wait "$NPID" 2>/dev/null || true

log "Haven: GET /api/v1/cases/{id}"
BENCH_NAME=warmup BENCH_RESULT=/dev/null taskset -c "$CLIENT_CPU" wrk -t1 -c"$CONNS" -d2s -s "$BENCH/get.lua" \
	"$BASE" >/dev/null
wrk_run read "$BASE" "$BENCH/get.lua" "$HPID"
settle "$HPID"
log "Haven: POST /api/v1/cases/search"
wrk_run search "$BASE" "$BENCH/search.lua" "$HPID"
settle "$HPID"
log "Haven: POST /api/v1/cases"
wrk_run create "$BASE" "$BENCH/create.lua" "$HPID"
settle "$HPID"
log "Haven: POST /api/v1/cases with 300+ filled fields (bench/case300.mjs)"
FIELDS300=$(node bench/case300.mjs "$BASE" "$TOKEN" "$TMP/case300.json")
echo "document: $FIELDS300 filled fields, $(stat -c %s "$TMP/case300.json") bytes"
BENCH_CASE300=$TMP/case300.json wrk_run create300 "$BASE" "$BENCH/create300.lua" "$HPID"
settle "$HPID"
log "Haven: POST /api/v1/screenings (the frontline tool, random answers)"
node bench/screening_bodies.mjs "$BASE" "$TOKEN" 200 "$TMP/screenings.txt"
BENCH_SCREENINGS=$TMP/screenings.txt wrk_run screening "$BASE" "$BENCH/screening.lua" "$HPID"
settle "$HPID"
log "Haven: GET /api/v1/services over ${SERVICES:-10000} services (bench/services_seed.mjs)"
ASESSION=$(curl -fsS -c "$JAR.admin" -H 'Content-Type: application/json' \
	-d '{"username":"admin","password":"haven-demo"}' "$BASE/api/v1/session")
ACSRF=$(sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p' <<<"$ASESSION")
ATOKEN=$(curl -fsS -b "$JAR.admin" -H "X-CSRF-Token: $ACSRF" -H 'Content-Type: application/json' \
	-d '{"name":"benchmark","expires_in_days":1}' "$BASE/api/v1/tokens" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
node bench/services_seed.mjs "$BASE" "$ATOKEN" "${SERVICES:-10000}" "$TMP/areas.txt"
settle "$HPID"
BENCH_AREAS=$TMP/areas.txt wrk_run services "$BASE" "$BENCH/services.lua" "$HPID"
settle "$HPID"

HWM_KB=$(status_kb "$HPID" VmHWM)
RSS_KB=$(status_kb "$HPID" VmRSS)
THREADS=$(status_kb "$HPID" Threads)
# Check the work was real: every create and audited read is in the chain.
kill "$HPID"
wait "$HPID" 2>/dev/null || true
AUDIT=$("$HAVEN" audit verify --db "$DB" 2>&1 | tail -1 || true)
echo "audit: $AUDIT"
cp "$TMP/haven.log" "$OUT/haven.log"

log "storage ceiling: bench/storage_ceiling ($STORAGE_SECS s, prefilled with $CASES cases), pinned to core $SERVER_CPU"
cat src/store/sql/sqlite/*.sql >"$TMP/schema.sql"
STORAGE_LINE=$(taskset -c "$SERVER_CPU" "$OUT/storage_ceiling" "$TMP/ceiling.db" "$TMP/schema.sql" \
	"$STORAGE_SECS" "$CASES")
echo "$STORAGE_LINE"
STORAGE_TPS=$(sed -n 's/.*tps=\([0-9.]*\).*/\1/p' <<<"$STORAGE_LINE")
rm -f "$TMP"/ceiling.db*
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- report ------------------------------------------------------------------------------
jget() { sed -n "s/.*\"$2\":\"\{0,1\}\([^,\"}]*\).*/\1/p" <<<"$1"; }
line() { grep "\"name\":\"$1\"" "$RESULT" | tail -1; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.0f", (b > 0 ? a / b * 100 : 0)}'; }
mb() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }
verdict() { [ "$1" = 1 ] && echo "met" || echo "**missed**"; }

HC=$(line http_ceiling)
RD=$(line read)
SR=$(line search)
CR=$(line create)
C3=$(line create300)
SV=$(line services)
SC=$(line screening)
READ_PCT=$(pct "$(jget "$RD" rps)" "$(jget "$HC" rps)")
WRITE_PCT=$(pct "$(jget "$CR" rps)" "$STORAGE_TPS")
SEARCH_P99=$(jget "$SR" p99_ms)
HWM_MB=$(mb "$HWM_KB")
G_READ=$(awk -v v="$READ_PCT" 'BEGIN {print (v >= 50)}')
G_WRITE=$(awk -v v="$WRITE_PCT" 'BEGIN {print (v >= 70)}')
G_SEARCH=$(awk -v v="$SEARCH_P99" 'BEGIN {print (v < 50)}')
G_RSS=$(awk -v v="$HWM_MB" 'BEGIN {print (v < 64)}')
ERRS() { # non-2xx plus socket errors
	echo $(($(jget "$1" non2xx) + $(jget "$1" connect_err) + $(jget "$1" read_err) + $(jget "$1" write_err) + $(jget "$1" timeouts)))
}
row() { # label json cpu
	printf '| %s | %s | %s | %s | %s | %s |\n' "$1" "$(jget "$2" rps)" "$(jget "$2" p50_ms)" "$(jget "$2" p99_ms)" \
		"$(ERRS "$2")" "$3"
}

TABLE=$(
	echo "| Load (wrk, ${CONNS} connections, ${DURATION} s) | req/s | p50 ms | p99 ms | errors (non-2xx + socket) | server CPU |"
	echo "|---|---:|---:|---:|---:|---:|"
	row "Haven GET /api/v1/cases/{id} (audited)" "$RD" "${SERVER_CPU_PCT[read]}%"
	row "Haven POST /api/v1/cases/search" "$SR" "${SERVER_CPU_PCT[search]}%"
	row "Haven POST /api/v1/cases" "$CR" "${SERVER_CPU_PCT[create]}%"
	row "Haven POST /api/v1/cases, ${FIELDS300} filled fields" "$C3" "${SERVER_CPU_PCT[create300]}%"
	row "Haven GET /api/v1/services (need + place), ${SERVICES:-10000} services" "$SV" "${SERVER_CPU_PCT[services]}%"
	row "Haven POST /api/v1/screenings (frontline tool)" "$SC" "${SERVER_CPU_PCT[screening]}%"
	row "HTTP ceiling: nginx, same ${BODY_BYTES}-byte body and headers" "$HC" "-"
	printf '| Storage ceiling: case-create transaction loop, 1 thread | %s tx/s | - | - | - | - |\n' "$STORAGE_TPS"
	echo
	echo "| Goal | Target | Result | |"
	echo "|---|---|---|---|"
	echo "| Reads vs HTTP ceiling | >= 50 % | ${READ_PCT} % ($(jget "$RD" rps) / $(jget "$HC" rps)) | $(verdict "$G_READ") |"
	echo "| Writes vs storage ceiling | >= 70 % | ${WRITE_PCT} % ($(jget "$CR" rps) / $STORAGE_TPS) | $(verdict "$G_WRITE") |"
	echo "| Search p99 | < 50 ms | ${SEARCH_P99} ms | $(verdict "$G_SEARCH") |"
	echo "| Validate and save a ${FIELDS300}-field case, p99 | (reported) | $(jget "$C3" p99_ms) ms at $(jget "$C3" rps) req/s | - |"
	echo "| Services search over ${SERVICES:-10000} providers, p99 | (reported) | $(jget "$SV" p99_ms) ms at $(jget "$SV" rps) req/s | - |"
	echo "| Screenings at ${CONNS} connections | (reported) | $(jget "$SC" rps) screenings/s, p99 $(jget "$SC" p99_ms) ms | - |"
	echo "| Server peak RSS (VmHWM) | < 64 MB | ${HWM_MB} MB (after GET $(mb "${HWM_AFTER[read]}"), search $(mb "${HWM_AFTER[search]}"), create $(mb "${HWM_AFTER[create]}") MB) | $(verdict "$G_RSS") |"
)

log "results"
echo "$TABLE"
echo "$TABLE" >"$OUT/results.md"

KEEP_MARK='<!-- kept by run.sh: text below this line survives a rerun -->'
NOTES=""
if [ -f "$BENCH/RESULTS.md" ] && grep -qF "$KEEP_MARK" "$BENCH/RESULTS.md"; then
	NOTES=$(sed -n "/$KEEP_MARK/,\$p" "$BENCH/RESULTS.md" | tail -n +2)
fi
{
	cat <<EOF
# Haven benchmark results

Written by \`bench/run.sh\` on $(date -u +%Y-%m-%dT%H:%MZ) (Haven $(git describe --always --dirty 2>/dev/null || echo '?')).
Reproduce with \`make bench\` (needs wrk and nginx: \`HAVEN_DEPS_BENCH=1 tools/deps.sh\`).

- **CPU:** $CPU_MODEL, $(nproc) cores (\`lscpu\` model name); kernel $KERNEL; database on $FS.
- **Load average** before / after the run: $LOAD_BEFORE / $LOAD_AFTER (other work on the machine skews the figures).
- **Data:** $CASES synthetic cases (one agency), loaded in ${SEED_SECS} s; database ${DB_MB} MB.

$TABLE

Server: $THREADS threads at the end (default \`--threads 4\`), VmRSS at the end $(mb "$RSS_KB") MB.
Audit chain after the run: $AUDIT.

## Method

- **Machine split.** \`haven serve\` runs under \`taskset -c $SERVER_CPU\`; \`wrk\` runs under
  \`taskset -c $CLIENT_CPU\` with one thread, $CONNS keep-alive connections, ${DURATION} s per load,
  \`--timeout 10s\`. Everything is on 127.0.0.1.
- **Data.** \`haven init --demo\`, then \`bench/seed.c\` inserts $CASES cases through Haven's own store
  API (it links the release build's objects): \`record_apply\` + \`record_derive\` (stored document,
  trigram search key, sort name, risk level), one history row per field and a chained
  \`case.create\` audit entry with its record-id index row - what \`POST /api/v1/cases\` writes,
  but 1,000 cases per transaction (POSTing them one durable commit each would take minutes).
  Cases are spread over two years of \`created_at\`, owned in turn by the supervisor and the
  two caseworkers; 10 % are closed.
- **Auth.** The demo \`supervisor\` signs in and creates an API token; every request carries
  \`Authorization: Bearer\` (so each request also pays the token lookup and user load).
- **Loads.** (a) \`bench/get.lua\`: \`GET /api/v1/cases/{id}\`, a random id of the $CASES per
  request (each read is audited: a queued entry group-committed by the audit writer);
  (b) \`bench/search.lua\`: \`POST /api/v1/cases/search\` \`{"q":"<4 letters>"}\`, 64 substrings of
  seeded last names (each matches a few to ~1,500 cases; first page of 20, sorted by
  \`-updated_at\`); (c) \`bench/create.lua\`: \`POST /api/v1/cases\` with a new synthetic case
  (11 fields) per request; (d) \`bench/create300.lua\`: \`POST /api/v1/cases\` with one document of
  ${FIELDS300} filled fields over every case form (subform rows included), built by
  \`bench/case300.mjs\` from the forms the server serves so that their conditions hold; each
  request validates every value, option and condition, derives the calculated fields, writes one
  history row per field and syncs the plan tasks. p50/p99 come from wrk's latency distribution; errors are responses
  with status >= 400 plus socket errors and timeouts.
- **HTTP ceiling.** nginx (config in \`bench/out/nginx.conf\`), one worker pinned to core
  $SERVER_CPU, serving a file holding the exact ${BODY_BYTES} body bytes of a case GET response
  with the same security and cache headers, access log on (Haven logs every request too),
  loaded by the same wrk command. Reads % = Haven GET req/s / nginx req/s.
- **Storage ceiling.** \`bench/storage_ceiling.c\`: one thread on core $SERVER_CPU, Haven's
  migrations on a fresh database, the same PRAGMAs (WAL, synchronous=FULL, foreign_keys,
  secure_delete), prefilled with $CASES cases, then for ${STORAGE_SECS} s one
  \`BEGIN IMMEDIATE\` ... \`COMMIT\` per case holding Haven's statements of a case create:
  INSERT records, DELETE + INSERT record_search, DELETE record_search_hidden, 13 history
  INSERTs, the first task INSERT and the plan-task prune, the audit-head SELECT, INSERT audit,
  INSERT audit_pending (the record-id index entry). Writes % = Haven create req/s / ceiling tx/s.
- **RSS.** VmHWM of the server from /proc/PID/status after the three loads (also after each).
  Server CPU is its user+system time during a load as % of one core.
- Raw output: \`bench/out/\` (wrk reports, results.jsonl, the server log, nginx.conf).
EOF
	echo
	echo "$KEEP_MARK"
	[ -n "$NOTES" ] && echo "$NOTES"
} >"$BENCH/RESULTS.md"
echo
echo "wrote bench/RESULTS.md and bench/out/"
