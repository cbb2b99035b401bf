#!/usr/bin/env bash
# FastMask load test: drives, in one run and on loopback only, the same OpenAI chat POSTs (1 KB and 16 KB bodies
# with PII, loadtest/bodies/) through
#   direct        the upstream itself (no proxy)
#   nginx         nginx as a pass-through reverse proxy (keep-alive upstream connections, default buffering)
#   yarp          a YARP 2.3.0 pass-through proxy (loadtest/YarpProxy, Release build)
#   fastmask      the AOT-published gateway with policies/default.json (every built-in detector, redact both ways)
#   fastmask-off  the same binary with a policy that has no detectors and no field rules: the JSON is still
#                 parsed and re-written in both directions, nothing is masked (JSON can never pass through)
# The upstream is nginx answering every POST with a fixed OpenAI chat.completion JSON (`return 200`), so it is
# never the bottleneck. Each case gets a warm-up (discarded) and a measured wrk run; the script then measures
# the gateway's startup-to-first-response and idle RSS, and writes a Markdown report (results.md).
#
# CPU pinning (taskset), for a 2-core machine:
#   core 1 (PROXY_CORES)  the proxy under test: nginx proxy (master + 1 worker), YARP, fastmask, fastmask-off.
#                         Only one of them gets load at a time; the others sit idle on the same core.
#   core 0 (LOAD_CORES)   wrk (1 thread) and the upstream nginx (1 worker).
# So every proxy gets one whole core and the same load generator. In the `direct` case wrk and the upstream
# share core 0 while core 1 is idle; its RPS is the most core 0 can feed, i.e. the ceiling for every proxied
# row. The report shows how busy each core was during each run (from /proc/stat) and the proxy's own CPU time
# per request (from /proc/PID/stat), so a proxy that saturates core 1 and a run limited by core 0 are told apart.
# Other processes on the machine are not pinned away; the load average at start and end is in the report.
#
# Settings (environment):
#   DURATION=10  WARMUP=3    seconds per measured run / per warm-up run
#   CONNECTIONS=32  THREADS=1   wrk connections and threads
#   ROUNDS=2     how many times the whole matrix is run; the report shows the best round per case and every round
#   PREWARM=5    seconds of load per proxy and body before the first round (lets YARP's JIT reach its final tier)
#   ENGINE_MB=32 megabytes of each body masked offline (`fastmask mask --ndjson`) to separate masking cost from
#                proxy overhead; 0 skips it
#   STARTUP_RUNS=5   gateway starts for startup-to-first-response (median)
#   LOAD_CORES=0  PROXY_CORES=1   taskset CPU lists
#   BASE_PORT=18080   ports BASE_PORT..BASE_PORT+9 on 127.0.0.1
#   SKIP_BUILD=1  use artifacts/fastmask/fastmask and artifacts/yarpproxy as they are
#   OUT=loadtest/results.md   the report; raw wrk output goes to loadtest/results/ (not committed)
# Stops by itself; every process it started is stopped on exit (also on Ctrl+C).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HERE="$ROOT/loadtest"
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-1}
ROUNDS=${ROUNDS:-2}
PREWARM=${PREWARM:-5}
ENGINE_MB=${ENGINE_MB:-32}
STARTUP_RUNS=${STARTUP_RUNS:-5}
LOAD_CORES=${LOAD_CORES:-0}
PROXY_CORES=${PROXY_CORES:-1}
BASE_PORT=${BASE_PORT:-18080}
SKIP_BUILD=${SKIP_BUILD:-0}
OUT=${OUT:-$HERE/results.md}
RAW="$HERE/results"

PORT_UPSTREAM=$BASE_PORT
PORT_NGINX=$((BASE_PORT + 1))
PORT_YARP=$((BASE_PORT + 2))
PORT_FM=$((BASE_PORT + 3))
PORT_FM_OFF=$((BASE_PORT + 4))
PORT_FM_START=$((BASE_PORT + 5))
PORT_DEMO=$((BASE_PORT + 6))
PORT_ADMIN_FM=$((BASE_PORT + 7))
PORT_ADMIN_FM_OFF=$((BASE_PORT + 8))
PORT_ADMIN_OTHER=$((BASE_PORT + 9))
REQUEST_PATH=/v1/chat/completions
TARGETS=(direct nginx yarp fastmask fastmask-off)
BODIES=(1k 16k)

FASTMASK="$ROOT/artifacts/fastmask/fastmask"
YARP_DLL="$ROOT/artifacts/yarpproxy/YarpProxy.dll"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# --- processes -------------------------------------------------------------------------------------------------
PIDS=()
TMP=""
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
  done
  [ -n "$TMP" ] && [ -z "${KEEP_TMP:-}" ] && rm -rf "$TMP"
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Starts a command in the background, pinned to CPU list $1; its pid is in $STARTED.
start_pinned() {
  local cores=$1 logfile=$2
  shift 2
  taskset -c "$cores" "$@" >"$logfile" 2>&1 &
  STARTED=$!
  PIDS+=("$STARTED")
}

stop_pid() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  for i in "${!PIDS[@]}"; do
    [ "${PIDS[$i]}" != "$pid" ] || unset 'PIDS[i]'
  done
}

post() { # post URL BODYFILE -> prints HTTP status; response body to $3 (or /dev/null)
  curl -s -o "${3:-/dev/null}" -w '%{http_code}' --max-time 5 -X POST \
    -H 'Content-Type: application/json' -H 'Authorization: Bearer sk-loadtest-caller-0000000000000000' \
    --data-binary "@$2" "$1" 2>/dev/null || true
}

wait_ready() { # wait_ready NAME URL PID
  local deadline=$((SECONDS + 60))
  until [ "$(post "$2" "$HERE/bodies/chat-1k.json")" = 200 ]; do
    kill -0 "$3" 2>/dev/null || die "$1 exited; see $TMP/$1.log: $(tail -5 "$TMP/$1.log" 2>/dev/null)"
    [ $SECONDS -lt $deadline ] || die "$1 not ready at $2 after 60 s"
    sleep 0.1
  done
}

# utime+stime, in clock ticks, of a process and its children (nginx: master + workers).
cpu_ticks() {
  local total=0 pid
  for pid in "$1" $(pgrep -P "$1" || true); do
    if [ -r "/proc/$pid/stat" ]; then
      # Fields after the ")" that closes the command name: utime is the 12th, stime the 13th.
      total=$((total + $(sed 's/.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}')))
    fi
  done
  echo "$total"
}

# "busy total" jiffies of one CPU from /proc/stat.
core_jiffies() {
  awk -v c="cpu$1" '$1 == c { busy = $2 + $3 + $4 + $7 + $8; total = busy + $5 + $6; print busy, total }' /proc/stat
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# --- preparation ------------------------------------------------------------------------------------------------
"$ROOT/scripts/ensure-deps.sh" load
for tool in wrk nginx taskset curl dotnet; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is required"
done
[ "$(nproc)" -ge 2 ] || log "warning: fewer than 2 CPUs; proxy and load generator share a core"

if [ "$SKIP_BUILD" != 1 ] || [ ! -x "$FASTMASK" ]; then
  log "publishing the gateway (native AOT)"
  (cd "$ROOT" && dotnet publish src/FastMask.Gateway -c Release -o artifacts/fastmask) >&2
fi
if [ "$SKIP_BUILD" != 1 ] || [ ! -f "$YARP_DLL" ]; then
  log "publishing the YARP proxy (Release)"
  (cd "$ROOT" && dotnet publish loadtest/YarpProxy -c Release -o artifacts/yarpproxy) >&2
fi
if [ ! -f "$HERE/bodies/chat-1k.json" ] || [ ! -f "$HERE/bodies/chat-16k.json" ]; then
  node "$HERE/make-bodies.js" "$HERE/bodies" >&2
fi

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED_AT=$(date -u '+%Y-%m-%d %H:%M UTC')
TMP=$(mktemp -d)
chmod 755 "$TMP"
mkdir -p "$RAW"
rm -f "$RAW"/*.txt
log "working directory $TMP; load average $LOAD_START"

# --- configuration ------------------------------------------------------------------------------------------------
# The upstream's answer carries PII too, so the gateway's response masking has work to do.
UPSTREAM_RESPONSE='{"id":"chatcmpl-loadtest","object":"chat.completion","created":1764720000,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Thanks for the details. I have updated the ticket and will email the confirmation to dave.garcia31@example.com. If anything is still wrong, call us on +1 415 555 0134 and quote your reference."},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":231,"completion_tokens":42,"total_tokens":273}}'

nginx_conf() { # nginx_conf NAME PORT HTTP_EXTRA SERVER_BODY
  local dir="$TMP/$1"
  mkdir -p "$dir/temp"
  chmod 777 "$dir/temp"
  cat >"$dir/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $dir/temp/body;
  proxy_temp_path $dir/temp/proxy;
  fastcgi_temp_path $dir/temp/fastcgi;
  uwsgi_temp_path $dir/temp/uwsgi;
  scgi_temp_path $dir/temp/scgi;
  client_max_body_size 16m;
  keepalive_requests 1000000;
  ${3:-}
  server {
    listen 127.0.0.1:$2;
    $4
  }
}
EOF
}

nginx_conf upstream "$PORT_UPSTREAM" "" "location / { default_type application/json; return 200 '$UPSTREAM_RESPONSE'; }"
# A 16 KB body would otherwise be spooled to a temp file (client_body_buffer_size defaults to 16k on x86-64).
nginx_conf nginx-proxy "$PORT_NGINX" \
  "client_body_buffer_size 64k; upstream model { server 127.0.0.1:$PORT_UPSTREAM; keepalive 64; }" \
  'location / { proxy_pass http://model; proxy_http_version 1.1; proxy_set_header Connection ""; }'

cat >"$TMP/policy-off.json" <<'EOF'
{
  "apiVersion": "fastmask/v1",
  "version": "loadtest-off",
  "description": "No detectors, no field rules: every body is parsed and re-written, nothing is masked.",
  "levels": ["public"]
}
EOF

gateway_conf() { # gateway_conf FILE PORT ADMIN_PORT UPSTREAM_PORT POLICY
  cat >"$1" <<EOF
{
  "listeners": [{ "url": "http://127.0.0.1:$2" }],
  "admin": { "url": "http://127.0.0.1:$3" },
  "routes": [{
    "name": "openai",
    "pathPrefix": "/v1",
    "methods": ["POST"],
    "upstream": "http://127.0.0.1:$4",
    "credential": { "header": "Authorization", "prefix": "Bearer ", "env": "LOADTEST_UPSTREAM_KEY" },
    "policy": "$5"
  }]
}
EOF
}
export LOADTEST_UPSTREAM_KEY=sk-upstream-loadtest-0000000000000000
gateway_conf "$TMP/fastmask.json" "$PORT_FM" "$PORT_ADMIN_FM" "$PORT_UPSTREAM" "$ROOT/policies/default.json"
gateway_conf "$TMP/fastmask-off.json" "$PORT_FM_OFF" "$PORT_ADMIN_FM_OFF" "$PORT_UPSTREAM" "$TMP/policy-off.json"
gateway_conf "$TMP/fastmask-start.json" "$PORT_FM_START" "$PORT_ADMIN_OTHER" "$PORT_UPSTREAM" "$ROOT/policies/default.json"
gateway_conf "$TMP/fastmask-check.json" "$PORT_FM_START" "$PORT_ADMIN_OTHER" "$PORT_DEMO" "$ROOT/policies/default.json"

# --- upstream -----------------------------------------------------------------------------------------------------
start_pinned "$LOAD_CORES" "$TMP/upstream.log" nginx -p "$TMP/upstream" -c "$TMP/upstream/nginx.conf" -e "$TMP/upstream/error.log"
PID_UPSTREAM=$STARTED
wait_ready upstream "http://127.0.0.1:$PORT_UPSTREAM$REQUEST_PATH" "$PID_UPSTREAM"

# --- masking check: the gateway in front of the echoing demo upstream -----------------------------------------------
# The load runs can only check status codes; this shows, once, that what reaches the model is masked.
log "checking that request bodies are masked (demo upstream echo)"
start_pinned "$LOAD_CORES" "$TMP/demo.log" "$FASTMASK" demo-upstream --listen "http://127.0.0.1:$PORT_DEMO" --print-bodies
PID_DEMO=$STARTED
start_pinned "$PROXY_CORES" "$TMP/fastmask-check.log" "$FASTMASK" serve --config "$TMP/fastmask-check.json"
PID_CHECK=$STARTED
wait_ready fastmask-check "http://127.0.0.1:$PORT_FM_START$REQUEST_PATH" "$PID_CHECK"
RAW_PII='[a-z0-9._]+@[a-z]+\.[a-z.]+|10\.[0-9]+\.[0-9]+\.[0-9]+|\+44 20 7946 [0-9]{4}|[0-9]{3}-[0-9]{2}-[0-9]{4}|AKIA[A-Z0-9]{16}|4[0-9]{3} [0-9]{4} [0-9]{4} [0-9]{4}|GB82WEST|DE89370400|FR1420041|\+1 415 555 [0-9]{4}'
declare -A CHECK
for body in "${BODIES[@]}"; do
  # The demo upstream prints every body it receives (--print-bodies): the new part of its log is what it saw.
  offset=$(($(wc -c <"$TMP/demo.log") + 1))
  status=$(post "http://127.0.0.1:$PORT_FM_START$REQUEST_PATH" "$HERE/bodies/chat-$body.json")
  sleep 0.3
  tail -c +"$offset" "$TMP/demo.log" >"$TMP/seen-$body.txt"
  grep -q '"messages"' "$TMP/seen-$body.txt" || die "the demo upstream did not print the $body body"
  in_raw=$(grep -oE "$RAW_PII" "$HERE/bodies/chat-$body.json" | wc -l || true)
  left=$(grep -oE "$RAW_PII" "$TMP/seen-$body.txt" | wc -l || true)
  placeholders=$(grep -oE '\[[A-Z_]+\]' "$TMP/seen-$body.txt" | sort | uniq -c | awk '{printf "%s%s×%s", sep, $2, $1; sep=", "}' || true)
  CHECK[$body]="HTTP $status; PII-like strings in the body sent: $in_raw, left in what the upstream received: $left; placeholders: $placeholders"
  log "check $body: ${CHECK[$body]}"
done
stop_pid "$PID_CHECK"
stop_pid "$PID_DEMO"

# Response masking, on the fast upstream's fixed answer (it holds an email address and a phone number).
start_pinned "$PROXY_CORES" "$TMP/fastmask-start.log" "$FASTMASK" serve --config "$TMP/fastmask-start.json"
PID_CHECK=$STARTED
wait_ready fastmask-start "http://127.0.0.1:$PORT_FM_START$REQUEST_PATH" "$PID_CHECK"
post "http://127.0.0.1:$PORT_FM_START$REQUEST_PATH" "$HERE/bodies/chat-1k.json" "$TMP/response-masked.json" >/dev/null
RESPONSE_CHECK="raw PII-like strings left: $(grep -oE "$RAW_PII" "$TMP/response-masked.json" | wc -l || true); placeholders: $(grep -oE '\[[A-Z_]+\]' "$TMP/response-masked.json" | sort | uniq -c | awk '{printf "%s%s×%s", sep, $2, $1; sep=", "}' || true)"
log "response check: $RESPONSE_CHECK"
stop_pid "$PID_CHECK"

# --- startup-to-first-response and idle RSS ------------------------------------------------------------------------
# From just before exec to the first 200 on a proxied POST (1 KB body, default policy, Hyperscan compile
# included), polled with curl from core 0 as fast as curl can start. Idle RSS: VmRSS one second after that
# first response.
# measure_startup ENGINE: fills STARTUP_MS and IDLE_RSS_KB with one entry per start.
measure_startup() {
  local engine=$1 run t0 t1 pid
  STARTUP_MS=()
  IDLE_RSS_KB=()
  for run in $(seq "$STARTUP_RUNS"); do
    t0=$(date +%s%N)
    start_pinned "$PROXY_CORES" "$TMP/fastmask-start-$engine-$run.log" env FASTMASK_DETECTOR_ENGINE="$engine" \
      "$FASTMASK" serve --config "$TMP/fastmask-start.json"
    pid=$STARTED
    until [ "$(post "http://127.0.0.1:$PORT_FM_START$REQUEST_PATH" "$HERE/bodies/chat-1k.json")" = 200 ]; do
      kill -0 "$pid" 2>/dev/null || die "gateway exited during startup: $(tail -5 "$TMP/fastmask-start-$engine-$run.log")"
      [ $((($(date +%s%N) - t0) / 1000000)) -lt 20000 ] || die "gateway not answering 20 s after start"
    done
    t1=$(date +%s%N)
    STARTUP_MS+=($(((t1 - t0) / 1000000)))
    sleep 1
    IDLE_RSS_KB+=("$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")")
    stop_pid "$pid"
  done
}

# The engine the gateway picks by itself (Hyperscan when libhs loads), then the .NET Regex engine for comparison:
# compiling the Hyperscan databases is most of the start-up time and of the idle memory.
log "measuring startup ($STARTUP_RUNS starts per engine)"
measure_startup auto
STARTUP_ENGINE=$(grep -ohE 'detector engine [a-z]+' "$TMP"/fastmask-start-auto-1.log | head -n 1 | sed 's/detector engine //' || true)
# With the default fast start the gateway serves on Regex first and swaps Hyperscan in once it has compiled.
SWAP_MS=$(grep -ohE 'Detector engine hyperscan for policy .* compiled in [0-9]+ ms' "$TMP"/fastmask-start-auto-1.log | head -n 1 | grep -oE '[0-9]+ ms' || true)
if [ -n "$SWAP_MS" ]; then
  STARTUP_ENGINE="$STARTUP_ENGINE, Hyperscan swapped in after compiling for $SWAP_MS"
fi
STARTUP_ALL="${STARTUP_MS[*]}"
RSS_ALL="${IDLE_RSS_KB[*]}"
STARTUP_MEDIAN=$(printf '%s\n' "${STARTUP_MS[@]}" | median)
RSS_MEDIAN_MB=$(printf '%s\n' "${IDLE_RSS_KB[@]}" | median | awk '{ printf "%.1f", $1 / 1024 }')
log "startup ($STARTUP_ENGINE) ms: $STARTUP_ALL (median $STARTUP_MEDIAN); idle RSS KB: $RSS_ALL (median $RSS_MEDIAN_MB MB)"
measure_startup regex
REGEX_STARTUP_ALL="${STARTUP_MS[*]}"
REGEX_RSS_ALL="${IDLE_RSS_KB[*]}"
REGEX_STARTUP_MEDIAN=$(printf '%s\n' "${STARTUP_MS[@]}" | median)
REGEX_RSS_MEDIAN_MB=$(printf '%s\n' "${IDLE_RSS_KB[@]}" | median | awk '{ printf "%.1f", $1 / 1024 }')
log "startup (regex) ms: $REGEX_STARTUP_ALL (median $REGEX_STARTUP_MEDIAN); idle RSS KB: $REGEX_RSS_ALL (median $REGEX_RSS_MEDIAN_MB MB)"

# --- proxies under test ----------------------------------------------------------------------------------------------
log "starting the proxies on core(s) $PROXY_CORES"
start_pinned "$PROXY_CORES" "$TMP/nginx-proxy.log" nginx -p "$TMP/nginx-proxy" -c "$TMP/nginx-proxy/nginx.conf" -e "$TMP/nginx-proxy/error.log"
PID_NGINX=$STARTED
start_pinned "$PROXY_CORES" "$TMP/yarp.log" env DOTNET_CLI_TELEMETRY_OPTOUT=1 dotnet "$YARP_DLL" \
  --listen "http://127.0.0.1:$PORT_YARP" --upstream "http://127.0.0.1:$PORT_UPSTREAM"
PID_YARP=$STARTED
start_pinned "$PROXY_CORES" "$TMP/fastmask.log" "$FASTMASK" serve --config "$TMP/fastmask.json"
PID_FM=$STARTED
start_pinned "$PROXY_CORES" "$TMP/fastmask-off.log" "$FASTMASK" serve --config "$TMP/fastmask-off.json"
PID_FM_OFF=$STARTED
wait_ready nginx-proxy "http://127.0.0.1:$PORT_NGINX$REQUEST_PATH" "$PID_NGINX"
wait_ready yarp "http://127.0.0.1:$PORT_YARP$REQUEST_PATH" "$PID_YARP"
wait_ready fastmask "http://127.0.0.1:$PORT_FM$REQUEST_PATH" "$PID_FM"
wait_ready fastmask-off "http://127.0.0.1:$PORT_FM_OFF$REQUEST_PATH" "$PID_FM_OFF"

target_port() {
  case $1 in
    direct) echo "$PORT_UPSTREAM" ;; nginx) echo "$PORT_NGINX" ;; yarp) echo "$PORT_YARP" ;;
    fastmask) echo "$PORT_FM" ;; fastmask-off) echo "$PORT_FM_OFF" ;;
  esac
}
target_pid() {
  case $1 in
    direct) echo "$PID_UPSTREAM" ;; nginx) echo "$PID_NGINX" ;; yarp) echo "$PID_YARP" ;;
    fastmask) echo "$PID_FM" ;; fastmask-off) echo "$PID_FM_OFF" ;;
  esac
}

# One line per measured run: round target body rps p50_us p99_us requests errors cpu_us_per_req core_load core_proxy
RESULTS="$TMP/results.tsv"
: >"$RESULTS"
CLK_TCK=$(getconf CLK_TCK)
LOAD_CORE_ID=${LOAD_CORES%%[,-]*}
PROXY_CORE_ID=${PROXY_CORES%%[,-]*}

wrk_run() { # wrk_run SECONDS URL OUTFILE [extra wrk args]
  local seconds=$1 url=$2 out=$3
  shift 3
  taskset -c "$LOAD_CORES" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${seconds}s" --timeout 5s "$@" -s "$HERE/chat.lua" "$url" >"$out" 2>&1
}

if [ "$PREWARM" -gt 0 ]; then
  log "pre-warming every proxy for $PREWARM s per body"
  for body in "${BODIES[@]}"; do
    for target in "${TARGETS[@]}"; do
      [ "$target" != direct ] || continue
      BODY_FILE="$HERE/bodies/chat-$body.json" wrk_run "$PREWARM" "http://127.0.0.1:$(target_port "$target")$REQUEST_PATH" "$RAW/prewarm-$target-$body.txt"
    done
  done
fi

for round in $(seq "$ROUNDS"); do
  for body in "${BODIES[@]}"; do
    for target in "${TARGETS[@]}"; do
      url="http://127.0.0.1:$(target_port "$target")$REQUEST_PATH"
      pid=$(target_pid "$target")
      export BODY_FILE="$HERE/bodies/chat-$body.json"
      wrk_run "$WARMUP" "$url" "$RAW/warmup-$round-$target-$body.txt"
      ticks0=$(cpu_ticks "$pid")
      read -r lb0 lt0 < <(core_jiffies "$LOAD_CORE_ID")
      read -r pb0 pt0 < <(core_jiffies "$PROXY_CORE_ID")
      wrk_run "$DURATION" "$url" "$RAW/run-$round-$target-$body.txt" --latency
      ticks1=$(cpu_ticks "$pid")
      read -r lb1 lt1 < <(core_jiffies "$LOAD_CORE_ID")
      read -r pb1 pt1 < <(core_jiffies "$PROXY_CORE_ID")
      kill -0 "$pid" 2>/dev/null || die "$target exited during the run"
      line=$(grep '^RESULT ' "$RAW/run-$round-$target-$body.txt") || die "no wrk result for $target $body: $(tail -3 "$RAW/run-$round-$target-$body.txt")"
      eval "$(echo "${line#RESULT }" | tr ' ' '\n' | sed 's/^/r_/')"
      errors=$((r_non2xx + r_connect + r_read + r_write + r_timeout))
      cpu_us=$(awk -v t=$((ticks1 - ticks0)) -v hz="$CLK_TCK" -v n="$r_requests" 'BEGIN { printf "%.1f", n ? t * 1e6 / hz / n : 0 }')
      load_busy=$(awk -v b=$((lb1 - lb0)) -v t=$((lt1 - lt0)) 'BEGIN { printf "%.0f", t ? 100 * b / t : 0 }')
      proxy_busy=$(awk -v b=$((pb1 - pb0)) -v t=$((pt1 - pt0)) 'BEGIN { printf "%.0f", t ? 100 * b / t : 0 }')
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$target" "$body" "$r_rps" "$r_p50_us" "$r_p99_us" \
        "$r_requests" "$errors" "$cpu_us" "$load_busy" "$proxy_busy" >>"$RESULTS"
      log "round $round $target $body: $r_rps rps, p50 ${r_p50_us} us, p99 ${r_p99_us} us, errors $errors, proxy CPU ${cpu_us} us/req, core$LOAD_CORE_ID ${load_busy}%, core$PROXY_CORE_ID ${proxy_busy}%"
    done
  done
done

# Gateway memory after the load, and what its metrics say about refused requests.
FM_RSS_AFTER=$(awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$PID_FM/status")
FM_HWM=$(awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$PID_FM/status")
curl -s "http://127.0.0.1:$PORT_ADMIN_FM/metrics" >"$RAW/fastmask-metrics.txt" || true
curl -s "http://127.0.0.1:$PORT_ADMIN_FM_OFF/metrics" >"$RAW/fastmask-off-metrics.txt" || true
cp "$TMP"/fastmask.log "$TMP"/fastmask-off.log "$RAW/" 2>/dev/null || true
statuses() { # what the gateway's own metrics counted, by status
  grep -oE '^fastmask_requests_total\{[^}]*status="[0-9]+"\} [0-9.e+]+' "$1" 2>/dev/null |
    sed -E 's/.*status="([0-9]+)"\} (.*)/\1 \2/' | awk '{ printf "%s%s × %d", sep, $1, $2; sep = ", " }'
}
FM_STATUSES=$(statuses "$RAW/fastmask-metrics.txt" || true)
FM_OFF_STATUSES=$(statuses "$RAW/fastmask-off-metrics.txt" || true)
FM_REFUSALS=$(grep -oE '^fastmask_refusals_total\{reason="[a-z_]+"\} [0-9.e+]+' "$RAW/fastmask-metrics.txt" 2>/dev/null |
  sed -E 's/.*reason="([a-z_]+)"\} (.*)/\1 \2/' | awk '{ printf "%s%s × %d", sep, $1, $2; sep = ", " }' || true)

# --- masking cost without HTTP ---------------------------------------------------------------------------------------------
# The same bodies masked offline by the same binary (`fastmask mask --ndjson`, request direction), pinned to the proxy
# core: the CPU time of a file with many copies minus that of a file with one copy (start-up and detector compilation),
# per document. Set against the gateway's CPU per request, it separates masking cost from HTTP proxying cost.
declare -A ENGINE_US ENGINE_MBS
cpu_seconds() { # CPU seconds (user + system) of one command, run pinned to the proxy core
  local TIMEFORMAT='%3U %3S'
  { time taskset -c "$PROXY_CORES" "$@" >/dev/null 2>&1; } 2>&1 | awk '{ print $1 + $2 }'
}
if [ "$ENGINE_MB" -gt 0 ]; then
  log "masking the bodies offline ($ENGINE_MB MB each, fastmask mask --ndjson) on core $PROXY_CORES"
  for body in "${BODIES[@]}"; do
    size=$(wc -c <"$HERE/bodies/chat-$body.json")
    docs=$((ENGINE_MB * 1000000 / size))
    yes "$(cat "$HERE/bodies/chat-$body.json")" | head -n "$docs" >"$TMP/many-$body.ndjson" || true
    head -n 1 "$TMP/many-$body.ndjson" >"$TMP/one-$body.ndjson"
    for policy in fastmask fastmask-off; do
      policy_file="$ROOT/policies/default.json"
      [ "$policy" = fastmask ] || policy_file="$TMP/policy-off.json"
      best=""
      for _ in 1 2; do
        many=$(cpu_seconds "$FASTMASK" mask --policy "$policy_file" --ndjson "$TMP/many-$body.ndjson")
        one=$(cpu_seconds "$FASTMASK" mask --policy "$policy_file" --ndjson "$TMP/one-$body.ndjson")
        net=$(awk -v a="$many" -v b="$one" 'BEGIN { d = a - b; print (d > 0) ? d : 0.001 }')
        best=$(awk -v a="$net" -v b="${best:-$net}" 'BEGIN { print (a < b) ? a : b }')
      done
      ENGINE_US[$policy-$body]=$(awk -v t="$best" -v n=$((docs - 1)) 'BEGIN { printf "%.1f", t * 1e6 / n }')
      ENGINE_MBS[$policy-$body]=$(awk -v t="$best" -v n=$((docs - 1)) -v s="$size" 'BEGIN { printf "%.0f", n * s / t / 1e6 }')
      log "offline $policy $body: ${ENGINE_US[$policy-$body]} us per document, ${ENGINE_MBS[$policy-$body]} MB/s"
    done
  done
fi

LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# --- report ------------------------------------------------------------------------------------------------------------
# Best round per case = highest RPS (other processes on the machine only ever make a run slower).
BEST="$TMP/best.tsv"
sort -t$'\t' -k2,2 -k3,3 -k4,4gr "$RESULTS" | awk -F'\t' '!seen[$2 FS $3]++' >"$BEST"
field() { awk -F'\t' -v t="$1" -v b="$2" -v f="$3" '$2 == t && $3 == b { print $f }' "$BEST"; }
ratio() { awk -v a="$(field "$1" "$3" 4)" -v b="$(field "$2" "$3" 4)" 'BEGIN { printf "%.2f", b ? a / b : 0 }'; }
cpu_ratio() { awk -v a="$(field "$1" "$3" 9)" -v b="$(field "$2" "$3" 9)" 'BEGIN { printf "%.2f", a ? b / a : 0 }'; }
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { print (r >= t) ? "met" : "**missed**" }'; }
ms() { awk -v u="$1" 'BEGIN { printf "%.2f", u / 1000 }'; }

CPU_MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
R_MASK_NGINX_1K=$(ratio fastmask nginx 1k)
R_MASK_YARP_1K=$(ratio fastmask yarp 1k)
R_OFF_NGINX_1K=$(ratio fastmask-off nginx 1k)
ANY_ERRORS=$(awk -F'\t' '$8 > 0' "$RESULTS" | wc -l)

{
  echo "# FastMask load test"
  echo
  echo "Run by \`loadtest/run.sh\` on $STARTED_AT (commit \`$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)\`)."
  echo
  echo "## Machine and setup"
  echo
  echo "| | |"
  echo "| --- | --- |"
  echo "| CPU | $CPU_MODEL, nproc $(nproc) |"
  echo "| Kernel | $(uname -sr) |"
  echo "| Load average (1/5/15 min) | at start $LOAD_START, at end $LOAD_END (other processes were not stopped) |"
  echo "| Pinning (taskset) | core $PROXY_CORES: the proxy under test (nginx proxy, YARP, fastmask, fastmask-off; one loaded at a time) · core $LOAD_CORES: wrk and the upstream nginx |"
  echo "| Load | wrk $THREADS thread(s), $CONNECTIONS connections, ${PREWARM} s pre-warm per proxy and body before round 1, then per case ${WARMUP} s warm-up (discarded) + ${DURATION} s measured; $ROUNDS round(s), best round per case shown |"
  echo "| Requests | POST $REQUEST_PATH, \`Content-Type: application/json\`, bodies \`loadtest/bodies/chat-1k.json\` (1024 B) and \`chat-16k.json\` (16384 B), OpenAI chat with PII |"
  echo "| Upstream | nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'), 1 worker, fixed chat.completion JSON ($(printf '%s' "$UPSTREAM_RESPONSE" | wc -c) B, holds an email and a phone number) |"
  echo "| nginx proxy | 1 worker, \`proxy_pass\` to an upstream block with \`keepalive 64\`, HTTP/1.1 upstream, default proxy buffering, \`client_body_buffer_size 64k\`, access log off |"
  echo "| YARP proxy | Yarp.ReverseProxy 2.3.0 on .NET $(dotnet --version), Release, framework-dependent (JIT), one catch-all route, logging off |"
  echo "| fastmask | native AOT \`artifacts/fastmask/fastmask\`, \`policies/default.json\` (every built-in detector, redact both ways) |"
  echo "| fastmask-off | same binary, a policy with no detectors and no field rules (bodies still parsed and re-written both ways) |"
  echo
  echo "## Throughput and latency"
  echo
  echo "| Target | Body | RPS | p50 ms | p99 ms | Requests | Errors | Proxy CPU µs/req | core $PROXY_CORE_ID busy | core $LOAD_CORE_ID busy |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  for body in "${BODIES[@]}"; do
    for target in "${TARGETS[@]}"; do
      awk -F'\t' -v t="$target" -v b="$body" '$2 == t && $3 == b {
        err = ($8 > 0) ? "**" $8 " (non-2xx or socket errors)**" : "0";
        cpu = (t == "direct") ? $9 " (upstream)" : $9;
        printf "| %s | %s | %.0f | %.2f | %.2f | %d | %s | %s | %s%% | %s%% |\n", t, b, $4, $5 / 1000, $6 / 1000, $7, err, cpu, $11, $10 }' "$BEST"
    done
  done
  echo
  echo "\`direct\` is wrk against the upstream itself: wrk and the upstream share core $LOAD_CORES, so its RPS is the most"
  echo "the load side can produce, the ceiling for every proxied row; core $PROXY_CORE_ID is idle for this test in that row, so"
  echo "its busy figure there is what other processes on the machine used. Proxy CPU is the process's user+system time"
  echo "(master and workers for nginx) divided by the requests of the measured run."
  echo
  echo "## Ratios (RPS)"
  echo
  echo "| Ratio | 1 KB | 16 KB | Target (1 KB) |"
  echo "| --- | ---: | ---: | --- |"
  echo "| fastmask (masking) ÷ nginx pass-through | $R_MASK_NGINX_1K | $(ratio fastmask nginx 16k) | ≥ 0.7: $(verdict "$R_MASK_NGINX_1K" 0.7) |"
  echo "| fastmask (masking) ÷ YARP pass-through | $R_MASK_YARP_1K | $(ratio fastmask yarp 16k) | ≥ 1.0: $(verdict "$R_MASK_YARP_1K" 1.0) |"
  echo "| fastmask-off (no masking) ÷ nginx pass-through | $R_OFF_NGINX_1K | $(ratio fastmask-off nginx 16k) | (no target) |"
  echo
  echo "The same ratios from CPU time per request instead of RPS (requests per second one whole core could serve:"
  echo "nginx's CPU µs per request ÷ fastmask's). Less sensitive to other processes taking turns on the cores:"
  echo
  echo "| Ratio (CPU) | 1 KB | 16 KB |"
  echo "| --- | ---: | ---: |"
  echo "| fastmask ÷ nginx | $(cpu_ratio fastmask nginx 1k) | $(cpu_ratio fastmask nginx 16k) |"
  echo "| fastmask ÷ YARP | $(cpu_ratio fastmask yarp 1k) | $(cpu_ratio fastmask yarp 16k) |"
  echo "| fastmask-off ÷ nginx | $(cpu_ratio fastmask-off nginx 1k) | $(cpu_ratio fastmask-off nginx 16k) |"
  echo
  echo "Status codes counted by the gateways' own metrics over the whole run (warm-ups included): fastmask ${FM_STATUSES:-n/a};"
  echo "fastmask-off ${FM_OFF_STATUSES:-n/a}; refusals (fastmask): ${FM_REFUSALS:-none}. wrk saw no error responses unless the"
  echo "Errors column says so: a 499, or a 400 \`malformed_request\`, is a request whose connection wrk closed at the end of"
  echo "a run, while the gateway was still waiting for the response or for the rest of the body (the gateway counts a"
  echo "body cut off by the caller as 400)."
  echo
  if [ "$ENGINE_MB" -gt 0 ]; then
    echo "## Masking cost without HTTP"
    echo
    echo "The same bodies masked offline by the same binary (\`fastmask mask --ndjson\`, request direction, $ENGINE_MB MB per"
    echo "body, pinned to core $PROXY_CORES; start-up and detector compilation subtracted), next to the gateway's CPU per request:"
    echo
    echo "| Body | Policy | Offline CPU µs per document | Offline MB/s | Gateway CPU µs per request |"
    echo "| --- | --- | ---: | ---: | ---: |"
    for body in "${BODIES[@]}"; do
      for policy in fastmask fastmask-off; do
        echo "| $body | $policy | ${ENGINE_US[$policy-$body]} | ${ENGINE_MBS[$policy-$body]} | $(field "$policy" "$body" 9) |"
      done
    done
    echo
    echo "Gateway minus offline is what HTTP (Kestrel, the upstream client, headers, metrics) and the response direction"
    echo "cost per request; fastmask minus fastmask-off is what the detectors cost."
    echo
  fi
  echo "## Gateway startup and memory"
  echo
  echo "| Measure | Value | Target |"
  echo "| --- | ---: | --- |"
  echo "| Startup to first proxied 200, engine ${STARTUP_ENGINE:-auto} (median of $STARTUP_RUNS; all: $STARTUP_ALL ms) | $STARTUP_MEDIAN ms | < 100 ms: $(awk -v m="$STARTUP_MEDIAN" 'BEGIN { print (m < 100) ? "met" : "**missed**" }') |"
  echo "| Idle RSS after start + one request, engine ${STARTUP_ENGINE:-auto} (median; all KB: $RSS_ALL) | $RSS_MEDIAN_MB MB | < 40 MB: $(awk -v m="$RSS_MEDIAN_MB" 'BEGIN { print (m < 40) ? "met" : "**missed**" }') |"
  echo "| For comparison, \`FASTMASK_DETECTOR_ENGINE=regex\`: startup (all: $REGEX_STARTUP_ALL ms) | $REGEX_STARTUP_MEDIAN ms | |"
  echo "| For comparison, \`FASTMASK_DETECTOR_ENGINE=regex\`: idle RSS (all KB: $REGEX_RSS_ALL) | $REGEX_RSS_MEDIAN_MB MB | |"
  echo "| RSS of the loaded fastmask after all runs (peak VmHWM) | $FM_RSS_AFTER MB (peak $FM_HWM MB) | |"
  echo
  echo "Startup is measured from just before \`exec\` (pinned to core $PROXY_CORES) to the first 200 on a proxied POST with the 1 KB body,"
  echo "polled by curl from core $LOAD_CORES; it includes loading and compiling \`policies/default.json\` for the detector engine."
  echo
  echo "## Masking check"
  echo
  echo "Before the load, the gateway with \`policies/default.json\` was put in front of \`fastmask demo-upstream --print-bodies\`"
  echo "(which prints every body it receives) and sent each body once:"
  echo
  for body in "${BODIES[@]}"; do
    echo "- $body: ${CHECK[$body]}"
  done
  echo "- response from the fast upstream through the gateway: $RESPONSE_CHECK"
  echo
  if [ "$ANY_ERRORS" -gt 0 ]; then
    echo "**$ANY_ERRORS measured run(s) had non-2xx responses or socket errors; see the Errors column and loadtest/results/.**"
    echo
  fi
  echo "## All rounds"
  echo
  echo "| Round | Target | Body | RPS | p50 ms | p99 ms | Errors | Proxy CPU µs/req | core $PROXY_CORE_ID busy | core $LOAD_CORE_ID busy |"
  echo "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  awk -F'\t' '{ printf "| %s | %s | %s | %.0f | %.2f | %.2f | %d | %s | %s%% | %s%% |\n", $1, $2, $3, $4, $5 / 1000, $6 / 1000, $8, $9, $11, $10 }' "$RESULTS"
} >"$OUT"

log "report written to $OUT"
cat "$OUT"
